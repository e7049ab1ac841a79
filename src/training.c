/* training.c: from a recorded history to dated sessions for the planner. */
#include "rubdown/training.h"
#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void rd_training_free(rd_training *t)
{
	if (!t)
		return;
	rd_free(t->acts);
	rd_load_free(t->load);
	rd_free(t->classes);
	rd_free(t);
}

static void span(rd_training *t)
{
	t->first = t->last = RD_DATE_NONE;
	for (size_t i = 0; i < t->count; i++) {
		rd_date d = rd_activity_date(&t->acts[i]);
		if (d == RD_DATE_NONE)
			continue;
		if (t->first == RD_DATE_NONE || d < t->first)
			t->first = d;
		if (t->last == RD_DATE_NONE || d > t->last)
			t->last = d;
	}
}

int rd_training_new(rd_training **out, const rd_history *h, const rd_profile *p, rd_diag *diag)
{
	*out = NULL;
	rd_training *t = rd_calloc(1, sizeof *t);
	if (!t)
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	t->count = rd_history_count(h);
	t->acts = rd_calloc(t->count ? t->count : 1, sizeof *t->acts);
	int rc = t->acts ? 0 : rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	for (size_t i = 0; !rc && i < t->count; i++)
		t->acts[i] = *rd_history_get(h, i);
	rd_load_options lo = {p && p->hr_max ? p->hr_max : -1, p && p->hr_rest ? p->hr_rest : -1};
	rd_classify_options co = RD_CLASSIFY_OPTIONS_INIT;
	if (!rc)
		rc = rd_load_compute(&t->load, t->acts, t->count, &lo, diag);
	if (!rc)
		rc = rd_classify(&t->classes, t->acts, t->load, t->count, &co, diag);
	if (rc) {
		rd_training_free(t);
		return rc;
	}
	span(t);
	*out = t;
	return 0;
}

static int add_run(rd_profile *p, const rd_activity *a, const rd_class *c, rd_date d)
{
	double km = isfinite(a->distance_m) && a->distance_m > 0 ? a->distance_m / 1000 : 0;
	double secs = isfinite(a->moving_s) && a->moving_s > 0 ? a->moving_s :
		      isfinite(a->elapsed_s) && a->elapsed_s > 0 ? a->elapsed_s : 0;
	const char *title = a->name[0] ? a->name : NULL;
	if (c->kind == RD_KIND_RACE) {
		rd_race r = {(char *)(title ? title : "race"), d, km, -1};
		return rd_profile_add_race(p, &r);
	}
	static const rd_kind kinds[] = {RD_REST, RD_EASY, RD_LONG, RD_HARD, RD_RACE};
	int start = -1;
	if (a->start_utc != INT64_MIN && a->has_utc_offset) {
		int64_t local = a->start_utc + a->utc_offset_s;
		start = (int)(((local % 86400) + 86400) % 86400 / 60);
	}
	rd_session s = {d, kinds[c->kind], km, (int)(secs / 60 + 0.5), start, (char *)title,
			(char *)a->source, 0};
	return rd_profile_add_session(p, &s);
}

int rd_profile_add_training(rd_profile *p, const rd_training *t)
{
	for (size_t i = 0; i < t->count; i++) {
		rd_date d = rd_activity_date(&t->acts[i]);
		if (d == RD_DATE_NONE || t->classes[i].kind == RD_KIND_OTHER)
			continue;
		if (add_run(p, &t->acts[i], &t->classes[i], d))
			return RD_ENOMEM;
	}
	if (t->first != RD_DATE_NONE) {
		if (p->known_from == RD_DATE_NONE || t->first < p->known_from)
			p->known_from = t->first;
		if (p->known_to == RD_DATE_NONE || t->last > p->known_to)
			p->known_to = t->last;
	}
	return 0;
}
