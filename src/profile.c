/*
 * profile.c: the runner's profile as data: defaults, adding sessions, races,
 * massages and busy blocks, and what happens on a given day.
 */
#include "rubdown/profile.h"
#include "alloc.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *kind_names[RD_KIND_COUNT] = {"rest", "easy", "long", "hard", "race"};

const char *rd_kind_name(rd_kind k)
{
	return k < RD_KIND_COUNT ? kind_names[k] : "?";
}

int rd_kind_from_name(rd_kind *out, const char *name)
{
	for (int k = 0; k < RD_KIND_COUNT; k++) {
		if (strcmp(kind_names[k], name) == 0) {
			*out = (rd_kind)k;
			return 0;
		}
	}
	return -1;
}

int rd_kind_demanding(rd_kind k)
{
	return k == RD_LONG || k == RD_HARD || k == RD_RACE;
}

int rd_kind_rank(rd_kind k)
{
	static const int rank[RD_KIND_COUNT] = {0, 1, 3, 2, 4};
	return (unsigned)k < RD_KIND_COUNT ? rank[k] : 0;
}

const char *rd_level_name(rd_level l)
{
	static const char *names[] = {"beginner", "intermediate", "advanced"};
	return l <= RD_ADVANCED ? names[l] : "?";
}

/* Default prices (EUR, whole units) when the profile names none. */
static const long default_price[RD_MODALITY_COUNT] = {70, 90, 60, 40, 40};

int rd_profile_new(rd_profile **out)
{
	rd_profile *p = rd_calloc(1, sizeof *p);
	*out = p;
	if (!p)
		return RD_ENOMEM;
	p->level = RD_INTERMEDIATE;
	p->pressure = RD_MEDIUM;
	for (int d = 0; d < 7; d++) {
		p->week[d] = (rd_session){RD_DATE_NONE, RD_REST, 0, 0, -1, NULL, NULL, 0};
		p->avail_from[d] = p->avail_to[d] = -1;
	}
	p->budget_cents = -1;
	p->budget_sessions = -1;
	strcpy(p->currency, "EUR");
	for (int m = 0; m < RD_MODALITY_COUNT; m++)
		p->prices_cents[m] = default_price[m] * 100;
	p->availability = 0x7f;
	p->before_run_gap = 60;
	p->after_run_gap = 30;
	p->reminder_minutes = 24 * 60;
	rd_params_default(&p->params);
	p->known_from = p->known_to = RD_DATE_NONE;
	return 0;
}

static void session_dispose(rd_session *s)
{
	rd_free(s->title);
	rd_free(s->origin);
}

void rd_profile_free(rd_profile *p)
{
	if (!p)
		return;
	rd_free(p->name);
	rd_free(p->timezone);
	rd_free(p->calendar_timezone);
	for (int d = 0; d < 7; d++)
		session_dispose(&p->week[d]);
	for (size_t i = 0; i < p->session_count; i++)
		session_dispose(&p->sessions[i]);
	for (size_t i = 0; i < p->race_count; i++)
		rd_free(p->races[i].name);
	for (size_t i = 0; i < p->condition_count; i++) {
		rd_free(p->conditions[i].name);
		rd_free(p->conditions[i].site);
		rd_free(p->conditions[i].focus);
	}
	for (size_t i = 0; i < p->massage_count; i++)
		rd_free(p->massages[i].origin);
	for (size_t i = 0; i < p->classify_count; i++)
		rd_free(p->classify[i].title);
	rd_free(p->sessions);
	rd_free(p->races);
	rd_free(p->conditions);
	rd_free(p->massages);
	rd_free(p->busy);
	rd_free(p->classify);
	rd_free(p);
}

/* Copies a string that may be NULL; returns -1 when the copy failed. */
static int copy_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = rd_strdup(src);
	return *dst ? 0 : -1;
}

int rd_profile_add_session(rd_profile *p, const rd_session *s)
{
	if (rd_grow((void **)&p->sessions, &p->session_cap, p->session_count + 1,
		    sizeof *p->sessions))
		return RD_ENOMEM;
	rd_session *n = &p->sessions[p->session_count];
	*n = *s;
	n->title = n->origin = NULL; /* the caller's: never freed here */
	if (copy_opt(&n->title, s->title) || copy_opt(&n->origin, s->origin)) {
		session_dispose(n);
		return RD_ENOMEM;
	}
	p->session_count++;
	return 0;
}

int rd_profile_add_race(rd_profile *p, const rd_race *r)
{
	if (rd_grow((void **)&p->races, &p->race_cap, p->race_count + 1, sizeof *p->races))
		return RD_ENOMEM;
	rd_race *n = &p->races[p->race_count];
	*n = *r;
	if (copy_opt(&n->name, r->name ? r->name : "race"))
		return RD_ENOMEM;
	p->race_count++;
	return 0;
}

int rd_profile_add_massage(rd_profile *p, const rd_massage_had *m)
{
	if (rd_grow((void **)&p->massages, &p->massage_cap, p->massage_count + 1,
		    sizeof *p->massages))
		return RD_ENOMEM;
	rd_massage_had *n = &p->massages[p->massage_count];
	*n = *m;
	if (copy_opt(&n->origin, m->origin))
		return RD_ENOMEM;
	p->massage_count++;
	return 0;
}

int rd_profile_add_busy(rd_profile *p, int64_t start, int64_t end)
{
	if (rd_grow((void **)&p->busy, &p->busy_cap, p->busy_count + 1, sizeof *p->busy))
		return RD_ENOMEM;
	p->busy[p->busy_count++] = (rd_busy){start, end};
	return 0;
}

/* Which of two kinds wins when a day holds both: race > long > hard > easy > rest. */

void rd_profile_day(const rd_profile *p, rd_date date, rd_day *out)
{
	*out = (rd_day){date, RD_REST, NULL, NULL, NULL};
	for (size_t i = 0; i < p->session_count && !out->cross; i++)
		if (p->sessions[i].date == date && p->sessions[i].not_run)
			out->cross = &p->sessions[i];
	for (size_t i = 0; i < p->race_count; i++) {
		const rd_race *r = &p->races[i], *best = out->race;
		/* The same race from the profile and a calendar, or two races on
		 * a day: the longer counts, then the one with a start time. */
		if (r->date == date &&
		    (!best || r->km > best->km ||
		     (r->km == best->km && best->start_min < 0 && r->start_min >= 0))) {
			out->kind = RD_RACE;
			out->race = r;
		}
	}
	if (out->race)
		return;
	const rd_session *best = NULL;
	for (size_t i = 0; i < p->session_count; i++) {
		const rd_session *s = &p->sessions[i];
		if (s->date != date || s->not_run)
			continue;
		/* The most demanding session counts; between equals, the one
		 * with a start time (a calendar's copy of a profile session). */
		if (!best || rd_kind_rank(s->kind) > rd_kind_rank(best->kind) ||
		    (rd_kind_rank(s->kind) == rd_kind_rank(best->kind) && best->start_min < 0 &&
		     s->start_min >= 0))
			best = s;
	}
	if (!best && p->known_from != RD_DATE_NONE && date >= p->known_from && date <= p->known_to)
		return; /* the history says nothing happened: rest */
	if (!best)
		best = &p->week[rd_date_weekday(date)];
	out->kind = best->kind;
	out->session = best->kind == RD_REST && !best->title ? NULL : best;
}

int rd_profile_week_from_history(const rd_profile *p, int d)
{
	const char *o = p->week[d].origin;
	return o && !strcmp(o, "history") && p->week[d].kind != RD_REST;
}

void rd_profile_usual_week_words(const rd_profile *p, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int d = 0; d < 7 && n < size; d++) {
		if (!rd_profile_week_from_history(p, d))
			continue;
		int k = snprintf(buf + n, size - n, "%s%.3s %s", n ? ", " : "", rd_weekday_name(d),
				 rd_kind_name(p->week[d].kind));
		n += k > 0 ? (size_t)k : 0;
	}
}

int rd_race_is_marathon(const rd_profile *p, const rd_race *r)
{
	return r->km >= p->params.marathon_km - 0.001;
}

long rd_profile_price(const rd_profile *p, rd_modality m)
{
	return p->prices_cents[m];
}
