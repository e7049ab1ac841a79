/* training.c: from a recorded history to dated sessions for the planner. */
#include "rubdown/training.h"
#include "rubdown/ical.h"
#include "alloc.h"
#include "buf.h"
#include "median.h"
#include "pass.h"
#include "writers/jsonb.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void rd_training_free(rd_training *t)
{
	if (!t)
		return;
	rd_load_free(t->load);
	rd_free(t->zone);
	rd_free(t);
}

/* ---- the history's activities, dated in the profile's zone ---- */

/* GPX and TCX times are UTC, and some FIT files have no local time: their
 * day is the runner's day in the profile's time zone (or the one a calendar
 * declared), not the UTC day (an evening run in New York is not tomorrow's
 * run).  A pass over the history giving such activities that zone's
 * offset; the others as they are. */
typedef struct zoned_pass {
	const rd_training *t;
	void *pass; /* over t->history */
	rd_activity a;
} zoned_pass;

static void *zoned_open(const rd_acts *src, int64_t from_utc)
{
	const rd_training *t = src->ctx;
	zoned_pass *z = rd_malloc(sizeof *z);
	if (z && !(z->pass = t->history.open(&t->history, from_utc))) {
		rd_free(z);
		z = NULL;
	}
	if (z)
		z->t = t;
	return z;
}

static const rd_activity *zoned_next(void *pass, int *rc)
{
	zoned_pass *z = pass;
	const rd_activity *a = z->t->history.next(z->pass, rc);
	int32_t off;
	if (!a || a->has_utc_offset || rd_activity_date(a) == RD_DATE_NONE)
		return a; /* a local time already, or no plausible start */
	if (rd_zone_utc_offset(z->t->zone, a->start_utc, &off)) {
		*rc = RD_EUNSUPPORTED;
		return NULL;
	}
	z->a = *a;
	z->a.utc_offset_s = off;
	z->a.has_utc_offset = 1;
	z->a.offset_from_zone = 1;
	return &z->a;
}

static void zoned_close(void *pass)
{
	zoned_pass *z = pass;
	if (z)
		z->t->history.close(z->pass);
	rd_free(z);
}

/* The days of the first and last activity. */
static int span(void *ctx, const rd_activity *a)
{
	rd_training *t = ctx;
	rd_date d = rd_activity_date(a);
	if (d == RD_DATE_NONE)
		return 0;
	if (t->first == RD_DATE_NONE || d < t->first)
		t->first = d;
	if (t->last == RD_DATE_NONE || d > t->last)
		t->last = d;
	return 0;
}

/* The training's activities, first and last days and count. */
static int set_acts(rd_training *t, const rd_history *h, const char *zone, rd_diag *diag)
{
	t->history = t->acts = rd_history_acts(h);
	t->count = t->acts.count;
	t->first = t->last = RD_DATE_NONE;
	if (zone && !(t->zone = rd_strdup(zone)))
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	if (zone)
		t->acts = (rd_acts){t, t->count, zoned_open, zoned_next, zoned_close};
	int rc = acts_each(&t->acts, INT64_MIN, span, t);
	if (rc == RD_EUNSUPPORTED)
		return rd_diag_set(diag, rc, NULL, 0, 0, "unknown time zone '%s'", zone);
	if (rc)
		rd_diag_set(diag, rc, NULL, 0, 0, "%s", rc == RD_ENOMEM ? "out of memory" :
			    "cannot read the activities");
	return rc;
}

int rd_training_new(rd_training **out, const rd_history *h, const rd_profile *p,
		    rd_diag *diag)
{
	*out = NULL;
	rd_training *t = rd_calloc(1, sizeof *t);
	if (!t)
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	const char *zone = !p ? NULL : p->timezone ? p->timezone : p->calendar_timezone;
	rd_load_options lo = {p && p->hr_max ? p->hr_max : -1, p && p->hr_rest ? p->hr_rest : -1};
	int rc = set_acts(t, h, zone, diag);
	if (!rc)
		rc = rd_load_compute(&t->load, &t->acts, &lo, diag);
	if (!rc)
		rc = rd_classify_prepare(&t->ref, &t->acts, t->load, NULL, diag);
	if (rc) {
		rd_training_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int rd_training_open(rd_classify_pass **out, const rd_training *t, rd_date from)
{
	return rd_classify_open(out, &t->acts, t->load, &t->ref, from);
}

/* A recorded race's distance as the race's own: GPS measures a marathon at
 * 41.9 to 42.8 km, and the rules know a marathon by 42.195 km or more
 * (KNOWLEDGE.md section 3).  Within 3% of a standard distance, that
 * distance; else the measured one. */
static double race_km(double km)
{
	static const double standard[] = {5.0, 10.0, 21.0975, 42.195};
	for (size_t i = 0; i < sizeof standard / sizeof *standard; i++)
		if (fabs(km - standard[i]) <= 0.03 * standard[i])
			return standard[i];
	return km;
}

/* The planner's kind of each kind of run (other: not a run, RD_REST). */
static const rd_kind kind_of[] = {RD_REST, RD_EASY, RD_LONG, RD_HARD, RD_RACE};

static int add_run(rd_profile *p, const rd_activity *a, const rd_class *c, rd_date d)
{
	double km = isfinite(a->distance_m) && a->distance_m > 0 ? a->distance_m / 1000 : 0;
	double secs = isfinite(a->moving_s) && a->moving_s > 0 ? a->moving_s :
		      isfinite(a->elapsed_s) && a->elapsed_s > 0 ? a->elapsed_s : 0;
	const char *title = a->name[0] ? a->name : NULL;
	if (c->kind == RD_KIND_RACE) {
		rd_race r = {(char *)(title ? title : "race"), d, race_km(km), -1};
		return rd_profile_add_race(p, &r);
	}
	int start = -1;
	if (a->start_utc != INT64_MIN && a->has_utc_offset) {
		int64_t local = a->start_utc + a->utc_offset_s;
		start = (int)(((local % 86400) + 86400) % 86400 / 60);
	}
	rd_session s = {d, kind_of[c->kind], km, (int)(secs / 60 + 0.5), start, (char *)title,
			(char *)a->source, 0};
	return rd_profile_add_session(p, &s);
}

/* ---- the usual week the history shows ---- */

#define USUAL_WEEKS 8    /* weeks before the plan the usual week comes from */
#define USUAL_MIN_WEEKS 3

typedef struct day_run {
	rd_kind kind; /* RD_REST: no run that day */
	double km, minutes;
} day_run;


/* Median of the n values of v (sorted in place). */
static double median_of(double *v, int n)
{
	rd_sort_doubles(v, (size_t)n);
	return rd_median_sorted(v, (size_t)n);
}

/* Week day wd of the usual week from the runs on that day in `weeks`
 * weeks: a run day when it had a run in at least half of them (and in 2),
 * of the kind it had most often (the more demanding on a tie), with the
 * median distance and time of those runs. */
static int usual_day(rd_session *out, day_run (*runs)[7], int weeks, int wd)
{
	int count[RD_KIND_COUNT] = {0}, days = 0;
	for (int w = 0; w < weeks; w++)
		if (runs[w][wd].kind != RD_REST) {
			count[runs[w][wd].kind]++;
			days++;
		}
	if (days < 2 || days * 2 < weeks)
		return 0;
	rd_kind best = RD_EASY;
	for (int k = RD_EASY; k < RD_KIND_COUNT; k++)
		if (count[k] > count[best] ||
		    (count[k] == count[best] && rd_kind_rank(k) > rd_kind_rank(best)))
			best = (rd_kind)k;
	double km[USUAL_WEEKS], min[USUAL_WEEKS];
	int n = 0;
	for (int w = 0; w < weeks; w++)
		if (runs[w][wd].kind == best) {
			km[n] = runs[w][wd].km;
			min[n++] = runs[w][wd].minutes;
		}
	char title[96];
	snprintf(title, sizeof title, "usual on %ss: %d of the last %d weeks",
		 rd_weekday_name(wd), days, weeks);
	char *t = rd_strdup(title), *o = rd_strdup("history");
	if (!t || !o) {
		rd_free(t);
		rd_free(o);
		return RD_ENOMEM;
	}
	*out = (rd_session){RD_DATE_NONE, best, median_of(km, n),
			    (int)(median_of(min, n) + 0.5), -1, t, o, 0};
	return 0;
}

/* When the profile gives no usual week (no week day set) and nothing
 * (a plan calendar, the profile's sessions) says what runs come, the one
 * of the runs of the last USUAL_WEEKS weeks before the plan, so the days
 * after the history are not all taken for rest days.  Nothing when the history
 * ends more than 4 weeks before the plan or covers under USUAL_MIN_WEEKS
 * weeks.  A race counts as a hard session. */
static int usual_week(rd_profile *p, const rd_training *t, rd_date from)
{
	for (int d = 0; d < 7; d++)
		if (p->week[d].origin)
			return 0;
	for (size_t i = 0; i < p->session_count; i++)
		if (p->sessions[i].date >= from && !p->sessions[i].not_run)
			return 0; /* a plan calendar (or the profile) says what comes */
	if (from == RD_DATE_NONE || t->first == RD_DATE_NONE || t->last < from - 28)
		return 0;
	int weeks = (int)((from - (t->first > from - 7 * USUAL_WEEKS ? t->first :
				   from - 7 * USUAL_WEEKS)) / 7);
	if (weeks < USUAL_MIN_WEEKS)
		return 0;
	if (weeks > USUAL_WEEKS)
		weeks = USUAL_WEEKS;
	day_run runs[USUAL_WEEKS][7];
	memset(runs, 0, sizeof runs);
	rd_date start = from - 7 * weeks;
	rd_classify_pass *pass = NULL;
	rd_classified c;
	int rc = rd_training_open(&pass, t, start);
	while (!rc && (rc = rd_classify_next(&c, pass)) > 0) {
		rc = 0;
		if (c.date >= from || c.cls.kind == RD_KIND_OTHER)
			continue;
		day_run *r = &runs[(c.date - start) / 7][rd_date_weekday(c.date)];
		rd_kind k = kind_of[c.cls.kind];
		if (k == RD_RACE)
			k = RD_HARD; /* a race is not a weekly habit: a hard day */
		if (rd_kind_rank(k) <= rd_kind_rank(r->kind))
			continue; /* the day's most demanding run */
		const rd_activity *a = c.act;
		*r = (day_run){k, isfinite(a->distance_m) && a->distance_m > 0 ? a->distance_m / 1000 : 0,
			       rd_activity_duration_s(a) / 60};
	}
	rd_classify_close(pass);
	for (int d = 0; !rc && d < 7; d++)
		rc = usual_day(&p->week[d], runs, weeks, d);
	return rc;
}

int rd_profile_add_training(rd_profile *p, const rd_training *t, rd_date from)
{
	rd_date first = t->first;
	if (from != RD_DATE_NONE && first != RD_DATE_NONE && first < from - RD_TRAINING_LOOKBACK_DAYS)
		first = from - RD_TRAINING_LOOKBACK_DAYS;
	rd_classify_pass *pass = NULL;
	rd_classified c;
	int rc = first == RD_DATE_NONE ? 0 : rd_training_open(&pass, t, first);
	while (pass && !rc && (rc = rd_classify_next(&c, pass)) > 0)
		rc = c.cls.kind != RD_KIND_OTHER && add_run(p, c.act, &c.cls, c.date) ? RD_ENOMEM : 0;
	rd_classify_close(pass);
	if (rc)
		return rc;
	if (first != RD_DATE_NONE && first <= t->last) {
		if (p->known_from == RD_DATE_NONE || first < p->known_from)
			p->known_from = first;
		if (p->known_to == RD_DATE_NONE || t->last > p->known_to)
			p->known_to = t->last;
	}
	return usual_week(p, t, from);
}

int rd_training_rates(const rd_training *t, rd_date from, double per_minute[RD_KIND_COUNT])
{
	double v[RD_KIND_COUNT][256]; /* 4 runs of a kind a day for 8 weeks; past that, enough */
	int n[RD_KIND_COUNT] = {0};
	rd_classify_pass *pass = NULL;
	rd_classified c;
	int rc = rd_training_open(&pass, t, from - 56);
	while (!rc && (rc = rd_classify_next(&c, pass)) > 0) {
		rd_kind k = kind_of[c.cls.kind];
		rc = 0;
		if (k != RD_REST && c.date < from && c.load.minutes > 0 && n[k] < 256)
			v[k][n[k]++] = c.load.per_minute;
	}
	rd_classify_close(pass);
	for (int k = 0; k < RD_KIND_COUNT; k++)
		per_minute[k] = !rc && n[k] >= 3 ? median_of(v[k], n[k]) : 0;
	return rc;
}

int rd_training_form(const rd_training *t, rd_load_day *out)
{
	if (t->last == RD_DATE_NONE)
		return RD_EFORMAT;
	rd_load_day *days = NULL;
	size_t n = 0;
	int rc = rd_load_series(&days, &n, &t->acts, t->load, t->last, t->last, NULL);
	if (!rc)
		*out = days[0];
	rd_free(days);
	return rc;
}

/* ---- rubdown history --format json ---- */

static json_t *number_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *int_or_null(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* ISO 8601: "2026-09-14T05:11:42Z" in UTC, "2026-09-14T07:11:42+02:00" local. */
static json_t *time_json(int64_t t, int local, int32_t offset)
{
	if (t == INT64_MIN)
		return json_null();
	time_t s = (time_t)(t + (local ? offset : 0));
	struct tm tm;
	if (!gmtime_r(&s, &tm))
		return json_null();
	char buf[40];
	size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	int32_t a = offset < 0 ? -offset : offset;
	if (local)
		snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset < 0 ? '-' : '+',
			 (int)(a / 3600), (int)(a % 3600 / 60));
	else
		snprintf(buf + n, sizeof buf - n, "Z");
	return json_string(buf);
}

static json_t *activity_json(int *bad, const rd_classified *c)
{
	const rd_activity *a = c->act;
	json_t *o = json_object();
	char date[11] = "";
	rd_date d = c->date;
	if (d != RD_DATE_NONE)
		rd_date_format(d, date);
	jb_set(bad, o, "source", jb_text(a->source));
	jb_set(bad, o, "name", jb_text(a->name));
	jb_set(bad, o, "sport", json_string(rd_sport_name(a->sport)));
	jb_set(bad, o, "date", d != RD_DATE_NONE ? json_string(date) : json_null());
	jb_set(bad, o, "start_utc", time_json(a->start_utc, 0, 0));
	jb_set(bad, o, "start_local", a->has_utc_offset ?
				time_json(a->start_utc, 1, a->utc_offset_s) : json_null());
	jb_set(bad, o, "local_from", !a->has_utc_offset ? json_null() :
				json_string(a->offset_from_zone ? "timezone" : "file"));
	jb_set(bad, o, "elapsed_s", number_or_null(a->elapsed_s));
	jb_set(bad, o, "moving_s", number_or_null(a->moving_s));
	jb_set(bad, o, "distance_m", number_or_null(a->distance_m));
	jb_set(bad, o, "distance_estimated", json_boolean(a->distance_estimated));
	jb_set(bad, o, "ascent_m", number_or_null(a->ascent_m));
	jb_set(bad, o, "avg_hr", int_or_null(a->avg_hr));
	jb_set(bad, o, "max_hr", int_or_null(a->max_hr));
	jb_set(bad, o, "avg_cadence", int_or_null(a->avg_cadence));
	jb_set(bad, o, "load", json_real(c->load.trimp));
	jb_set(bad, o, "load_method", json_string(rd_load_method_name(c->load.method)));
	jb_set(bad, o, "kind", json_string(rd_run_kind_name(c->cls.kind)));
	jb_set(bad, o, "reason", jb_text(c->cls.reason));
	jb_set(bad, o, "status", json_string(a->status == RD_READ_OK ? "ok" : "partial"));
	return o;
}

/* Every ISO week from the first activity's to the last one's, empty ones
 * too (rd_load_weeks). */
static json_t *weeks_json(int *bad, const rd_training *t, rd_date since)
{
	json_t *list = json_array();
	rd_week *w = NULL;
	size_t n = 0;
	rd_date first = since != RD_DATE_NONE && since > t->first ? since : t->first;
	if (t->first != RD_DATE_NONE && first <= t->last &&
	    rd_load_weeks(&w, &n, &t->acts, t->load, first, t->last, NULL))
		*bad = 1;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		char week[16], monday[11];
		snprintf(week, sizeof week, "%04d-W%02d", w[i].iso_year, w[i].iso_week);
		rd_date_format(w[i].monday, monday);
		jb_set(bad, o, "week", json_string(week));
		jb_set(bad, o, "monday", json_string(monday));
		jb_set(bad, o, "sessions", json_integer(w[i].sessions));
		jb_set(bad, o, "runs", json_integer(w[i].runs));
		jb_set(bad, o, "km", json_real(w[i].km));
		jb_set(bad, o, "hours", json_real(w[i].hours));
		jb_set(bad, o, "load", json_real(w[i].load));
		jb_push(bad, list, o);
	}
	rd_free(w);
	return list;
}

/* ---- streaming the document: one activity's objects at a time ---- */

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8) | \
		    JSON_ENCODE_ANY) /* a value may be null: "form" */

typedef struct json_out {
	rd_json_write_fn write;
	void *ctx;
	int rc;
	int depth; /* of the value being dumped: its lines are indented so */
} json_out;

static void put(json_out *o, const char *s, size_t n)
{
	if (!o->rc && n && o->write(o->ctx, s, n))
		o->rc = RD_EIO;
}

static void puts_(json_out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* json_dump_callback's sink: each new line indented to o->depth. */
static int indented(const char *p, size_t n, void *ctx)
{
	static const char spaces[] = "                ";
	json_out *o = ctx;
	for (const char *end = p + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		put(o, p, k);
		if (nl)
			put(o, spaces, (size_t)(2 * o->depth));
		p += k;
	}
	return o->rc ? -1 : 0;
}

/* Writes v (consumed) as the value at depth, as one indent-2 document
 * would have it. */
static void put_value(json_out *o, json_t *v, int bad, int depth)
{
	o->depth = depth;
	if ((!v || bad || json_dump_callback(v, indented, o, JSON_FLAGS)) && !o->rc)
		o->rc = RD_ENOMEM;
	json_decref(v);
}

static json_t *heart_rate_json(int *bad, const rd_training *t)
{
	json_t *hr = json_object();
	jb_set(bad, hr, "max", json_integer(t->load->hr_max));
	jb_set(bad, hr, "max_source", json_string(rd_hr_source_name(t->load->hr_max_source)));
	jb_set(bad, hr, "rest", json_integer(t->load->hr_rest));
	jb_set(bad, hr, "rest_source", json_string(rd_hr_source_name(t->load->hr_rest_source)));
	jb_set(bad, hr, "max_seen", t->load->hr_max_seen > 0 ?
				json_integer(t->load->hr_max_seen) : json_null());
	return hr;
}

/* Fitness, fatigue and form on the last day, or null without one. */
static json_t *form_json(int *bad, const rd_training *t)
{
	rd_load_day f;
	int rc = rd_training_form(t, &f);
	if (rc == RD_EFORMAT)
		return json_null();
	if (rc) {
		*bad = 1;
		return json_null();
	}
	char date[11];
	rd_date_format(f.date, date);
	json_t *o = json_object();
	jb_set(bad, o, "date", json_string(date));
	jb_set(bad, o, "fitness", json_real(f.fitness));
	jb_set(bad, o, "fatigue", json_real(f.fatigue));
	jb_set(bad, o, "form", json_real(f.form));
	return o;
}

int rd_training_write_json(const rd_training *t, rd_date since, rd_json_write_fn write,
			   void *ctx)
{
	json_out o = {write, ctx, 0, 0};
	int bad = 0;
	size_t listed = 0;
	json_t *v;
	rd_classify_pass *pass = NULL;
	rd_classified c;
	int rc = rd_training_open(&pass, t, since);
	puts_(&o, "{\n  \"activities\": [");
	while (!rc && !o.rc && (rc = rd_classify_next(&c, pass)) > 0) {
		rc = 0;
		puts_(&o, listed++ ? ",\n    " : "\n    ");
		v = activity_json(&bad, &c); /* before bad is read */
		put_value(&o, v, bad, 2);
	}
	rd_classify_close(pass);
	if (rc && !o.rc)
		o.rc = rc == RD_ENOMEM ? rc : RD_EIO;
	puts_(&o, listed ? "\n  ],\n  \"weeks\": " : "],\n  \"weeks\": ");
	v = weeks_json(&bad, t, since);
	put_value(&o, v, bad, 1);
	puts_(&o, ",\n  \"heart_rate\": ");
	v = heart_rate_json(&bad, t);
	put_value(&o, v, bad, 1);
	puts_(&o, ",\n  \"form\": ");
	v = form_json(&bad, t);
	put_value(&o, v, bad, 1);
	puts_(&o, "\n}\n");
	return o.rc;
}

static int to_buf(void *ctx, const char *s, size_t n)
{
	rd_buf *b = ctx;
	rd_buf_put(b, s, n);
	return b->oom ? -1 : 0;
}

int rd_training_to_json(char **out, const rd_training *t)
{
	rd_buf b = RD_BUF_INIT;
	int rc = rd_training_write_json(t, RD_DATE_NONE, to_buf, &b);
	*out = rc || b.oom ? NULL : rd_buf_detach(&b);
	rd_buf_dispose(&b);
	return *out ? 0 : RD_ENOMEM;
}
