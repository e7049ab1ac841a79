/*
 * classify.c: what kind of session each run was, from the runner's own
 * data.  The first rule that matches wins:
 *
 *   race  the file or CSV marks it (marked_race), or its name has one of
 *         the words race, marathon, half, 10k, 5k, parkrun, XC (not
 *         "marathon pace", "pre-race", "race recovery jog": see
 *         rd_name_says_race);
 *   long  moving time >= 2 h, or distance >= 25 km, or moving time >= 1.5x
 *         the median of the runner's other runs within 4 weeks either side
 *         (8 weeks around; the whole history's median when that window has
 *         fewer than 3 runs) and at least 45 min;
 *   hard  marked as a workout, or >= 25% of the heart-rate seconds at or
 *         above 80% of heart-rate reserve, or load per minute above the
 *         runner's own 80th percentile (nearest rank, over runs with a load;
 *         needs 5 runs) and at least 15% above their median, so a runner
 *         whose runs are all alike has no "hardest fifth";
 *   easy  anything else.
 * Activities that are not runs are "other" (cross-training), and so is a
 * run under 2 minutes that is not a race: a watch started by mistake, not
 * a session.  Such false starts are left out of the runner's medians too.
 *
 * The history's medians and percentile are found exactly in a few passes
 * (select.h), the usual run around each run with a leading pass over the
 * same source (rd_classify_pass below): nothing is kept per activity.
 */
#include "rubdown/load.h"
#include "alloc.h"
#include "median.h"
#include "pass.h"
#include "select.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_MIN_RUNS 3
#define PERCENTILE_MIN_RUNS 5
#define HARD_OVER_MEDIAN 1.15 /* load per minute at least this x the median */

const char *rd_run_kind_name(rd_run_kind k)
{
	static const char *names[] = {"other", "easy", "long", "hard", "race"};
	return (unsigned)k < 5 ? names[k] : "other";
}

/* ---- Race words ---- */

static const char *const race_words[] = {"race", "marathon", "half", "halfmarathon",
					 "10k", "10km", "5k", "5km", "parkrun", "xc"};

/* Copies the next word (ASCII letters and digits, lower-cased; other bytes
 * separate words) of s starting at *pos into w; returns its length. */
static size_t next_word(const char *s, size_t *pos, char *w, size_t cap)
{
	size_t i = *pos, n = 0;
	while (s[i] && !isalnum((unsigned char)s[i]))
		i++;
	for (; s[i] && isalnum((unsigned char)s[i]); i++)
		if (n + 1 < cap)
			w[n++] = (char)tolower((unsigned char)s[i]);
	w[n] = '\0';
	*pos = i;
	return n;
}

/* Words that make a run around a race, not the race: "shakeout before the
 * race", "race recovery jog" (as the calendar classifier's easy words). */
static const char *const easy_words[] = {"easy", "recovery", "jog", "jogging", "shakeout",
					 "warmup", "cooldown"};
/* A race word followed by one of these is training for it: "marathon
 * pace", "half marathon training", "10k prep". */
static const char *const not_race_next[] = {"pace", "training", "prep", "plan", "build",
					    "block", "effort", "simulation"};

static int in(const char *w, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(w, list[k]))
			return 1;
	return 0;
}

#define IN(w, list) in((w), (list), sizeof (list) / sizeof *(list))

int rd_name_says_race(const char *name, const char **word)
{
	char w[32], next[32], prev[32] = "";
	size_t pos = 0;
	assert(name);
	while (next_word(name, &pos, w, sizeof w))
		if (IN(w, easy_words))
			return 0;
	pos = 0;
	while (next_word(name, &pos, w, sizeof w)) {
		size_t peek = pos;
		/* "half marathon pace": look past the race words that follow */
		do
			next_word(name, &peek, next, sizeof next);
		while (next[0] && IN(next, race_words));
		int skip = IN(next, not_race_next) || !strcmp(prev, "pre") || !strcmp(prev, "post");
		for (size_t k = 0; !skip && k < sizeof race_words / sizeof *race_words; k++)
			if (!strcmp(w, race_words[k])) {
				if (word)
					*word = race_words[k];
				return 1;
			}
		snprintf(prev, sizeof prev, "%s", w);
	}
	return 0;
}

/* ---- Words for reasons (integer arithmetic: no locale decimal comma) ---- */

static void fmt_duration(char *buf, size_t size, double s)
{
	long min = lround(s / 60.0);
	if (s < 59.5)
		snprintf(buf, size, "%ld s", lround(s));
	else if (min >= 60)
		snprintf(buf, size, "%ld h %02ld", min / 60, min % 60);
	else
		snprintf(buf, size, "%ld min", min);
}

static void fmt_tenths(char *buf, size_t size, double x)
{
	long t = lround(x * 10.0);
	snprintf(buf, size, "%s%ld.%ld", t < 0 ? "-" : "", labs(t) / 10, labs(t) % 10);
}

/* ---- What classifying needs of the whole history ---- */

/* A run that counts as a session: not a false start of a few seconds (an
 * unknown duration, a CSV row with a distance only, still counts). */
static int is_session(const rd_activity *a)
{
	return rd_sport_is_run(a->sport) && !rd_activity_false_start(a);
}

/* A run the usual run is the median of: a session with a duration and a
 * date. */
static int in_windows(const rd_activity *a)
{
	return is_session(a) && rd_activity_duration_s(a) > 0 &&
	       rd_activity_date(a) != RD_DATE_NONE;
}

static double window_duration(const void *arg, const rd_activity *a)
{
	(void)arg;
	return in_windows(a) ? rd_activity_duration_s(a) : NAN;
}

static double session_per_minute(const void *load, const rd_activity *a)
{
	rd_activity_load l;
	if (!is_session(a))
		return NAN;
	rd_load_activity(&l, load, a);
	return l.minutes > 0 ? l.per_minute : NAN;
}

static int see_offset(void *ctx, const rd_activity *a)
{
	int64_t *max = ctx, off = a->has_utc_offset ? a->utc_offset_s : 0;
	off = off < 0 ? -off : off;
	*max = off > *max ? off : *max;
	return 0;
}

/* The percentile of the runs' load per minute and their median (NAN both
 * under PERCENTILE_MIN_RUNS runs): nearest rank, as v[ceil(p n) - 1] of
 * the sorted values. */
static int per_minute_percentile(rd_classify_ref *ref, const rd_acts *src, const rd_load *load)
{
	acts_values v = {src, session_per_minute, load, NULL, NULL};
	size_t n;
	int rc = select_median(&ref->med_per_minute, &n, acts_values_pass, &v);
	ref->p_per_minute = NAN;
	if (rc || n < PERCENTILE_MIN_RUNS) {
		ref->med_per_minute = NAN;
		return rc;
	}
	size_t rank = (size_t)ceil(ref->opt.hard_percentile * (double)n);
	return select_kth(&ref->p_per_minute, rank ? rank - 1 : 0, acts_values_pass, &v);
}

int rd_classify_prepare(rd_classify_ref *out, const rd_acts *src, const rd_load *load,
			const rd_classify_options *opt, rd_diag *diag)
{
	static const rd_classify_options defaults = RD_CLASSIFY_OPTIONS_INIT;
	assert(out && src && load);
	acts_values dur = {src, window_duration, NULL, NULL, NULL};
	size_t n;
	*out = (rd_classify_ref){opt ? *opt : defaults, NAN, NAN, NAN, 0};
	int rc = select_median(&out->usual_s, &n, acts_values_pass, &dur);
	if (!rc)
		rc = per_minute_percentile(out, src, load);
	if (!rc)
		rc = acts_each(src, INT64_MIN, see_offset, &out->offset_s);
	if (rc)
		rd_diag_set(diag, rc, NULL, 0, 0, "%s classifying activities",
			    rc == RD_ENOMEM ? "out of memory" : "cannot read the activities");
	return rc;
}

/* ---- The rules ---- */

typedef struct ctx {
	const rd_classify_options *opt;
	const rd_load *load;
	double p_per_minute; /* NAN when too few runs */
	double med_per_minute;
} ctx;

static int as_race(const rd_activity *a, rd_class *c)
{
	const char *word = NULL;
	if (a->marked_race)
		snprintf(c->reason, sizeof c->reason, "race: marked as a race in the file");
	else if (rd_name_says_race(a->name, &word))
		snprintf(c->reason, sizeof c->reason, "race: the name says \"%s\"", word);
	else
		return 0;
	c->kind = RD_KIND_RACE;
	return 1;
}

static int as_long(const ctx *x, const rd_activity *a, double usual, rd_class *c)
{
	char d[32], m[32];
	double dur = rd_activity_duration_s(a);
	fmt_duration(d, sizeof d, dur);
	if (dur >= x->opt->long_s) {
		fmt_duration(m, sizeof m, x->opt->long_s);
		snprintf(c->reason, sizeof c->reason, "long: %s (%s or more)", d, m);
	} else if (isfinite(a->distance_m) && a->distance_m >= x->opt->long_m) {
		char km[32], lim[32];
		fmt_tenths(km, sizeof km, a->distance_m / 1000.0);
		fmt_tenths(lim, sizeof lim, x->opt->long_m / 1000.0);
		snprintf(c->reason, sizeof c->reason, "long: %s km (%s km or more)", km, lim);
	} else if (usual > 0 && dur >= x->opt->long_ratio * usual && dur >= x->opt->long_min_s) {
		char r[32];
		fmt_tenths(r, sizeof r, dur / usual);
		fmt_duration(m, sizeof m, usual);
		snprintf(c->reason, sizeof c->reason, "long: %s, %sx your median run of %s", d, r, m);
	} else {
		return 0;
	}
	c->kind = RD_KIND_LONG;
	return 1;
}

static int as_hard(const ctx *x, const rd_activity *a, const rd_activity_load *l,
		   rd_class *c)
{
	char v[32], p[32];
	if (a->marked_workout) {
		snprintf(c->reason, sizeof c->reason, "hard: marked as a workout");
	} else if (!isnan(l->hard_share) && l->method == RD_LOAD_HR &&
		   l->hard_share >= x->opt->hard_share) {
		int bpm = x->load->hard_bpm;
		snprintf(c->reason, sizeof c->reason,
			 "hard: %ld%% of the time at or above 80%% of heart-rate reserve (%d bpm)",
			 lround(100.0 * l->hard_share), bpm);
	} else if (!isnan(x->p_per_minute) && l->per_minute > x->p_per_minute * (1 + 1e-9) &&
		   l->per_minute >= x->med_per_minute * HARD_OVER_MEDIAN) {
		fmt_tenths(v, sizeof v, l->per_minute);
		fmt_tenths(p, sizeof p, x->p_per_minute);
		snprintf(c->reason, sizeof c->reason,
			 "hard: load %s per minute, above your %ldth percentile of %s", v,
			 lround(100.0 * x->opt->hard_percentile), p);
	} else {
		return 0;
	}
	c->kind = RD_KIND_HARD;
	return 1;
}

static void as_easy(const ctx *x, const rd_activity *a, const rd_activity_load *l,
		    rd_class *c)
{
	char d[32], v[32], p[32];
	fmt_duration(d, sizeof d, rd_activity_duration_s(a));
	c->kind = RD_KIND_EASY;
	if (isnan(x->p_per_minute) || l->minutes <= 0) {
		snprintf(c->reason, sizeof c->reason, "easy: %s, no sign of a race, long or hard effort", d);
		return;
	}
	/* the most a run may have without being hard by load per minute */
	double bar = x->med_per_minute * HARD_OVER_MEDIAN;
	fmt_tenths(v, sizeof v, l->per_minute);
	fmt_tenths(p, sizeof p, bar > x->p_per_minute ? bar : x->p_per_minute);
	snprintf(c->reason, sizeof c->reason, "easy: %s at load %s per minute, within your usual (up to %s)",
		 d, v, p);
}

static void classify_one(const ctx *x, const rd_activity *a, const rd_activity_load *l,
			 double usual, rd_class *c)
{
	if (!rd_sport_is_run(a->sport)) {
		c->kind = RD_KIND_OTHER;
		snprintf(c->reason, sizeof c->reason, "other: %s (cross-training)", rd_sport_name(a->sport));
		return;
	}
	if (as_race(a, c))
		return;
	if (rd_activity_false_start(a)) {
		char d[32];
		fmt_duration(d, sizeof d, rd_activity_duration_s(a));
		c->kind = RD_KIND_OTHER;
		snprintf(c->reason, sizeof c->reason,
			 "other: a %s of %s, too short for a session (a watch started by mistake?)",
			 rd_sport_name(a->sport), d);
		return;
	}
	if (as_long(x, a, usual, c) || as_hard(x, a, l, c))
		return;
	as_easy(x, a, l, c);
}

/* ---- The pass: each activity with its load and class ---- */

/* A run of a window: what the usual run around another needs of it. */
typedef struct win_run {
	int64_t utc;
	rd_date date;
	double dur;
} win_run;

/*
 * The usual run around a run is the median duration of the other runs
 * dated within window_days of it.  A second, leading pass over the same
 * source reads ahead of the current one; the runs it has read that may be
 * dated in the current run's window are kept, those that can no longer be
 * dropped.  Days are local and starts UTC, so "may" allows for the
 * largest UTC offset of the history on both sides (reach).  Memory: the
 * runs of about 2 (window_days + 1) days.
 */
struct rd_classify_pass {
	const rd_acts *src;
	const rd_classify_ref *ref;
	ctx x;
	rd_date from;
	void *cur, *lead;
	int64_t reach;      /* seconds either side of a run's start kept */
	win_run *win;       /* win[head..n): by start */
	size_t head, n, cap;
	win_run ahead;      /* read by the lead pass, not kept yet */
	int has_ahead, lead_done;
	double *durs;       /* the window of day durs_day: its durations, */
	size_t ndurs, durs_cap; /* sorted, the same for every run of the day */
	size_t nday;        /* durs[ndurs..ndurs + nday): the day's own, sorted */
	rd_date durs_day;
	int has_durs;
};

static int keep(rd_classify_pass *p, win_run r)
{
	if (p->n == p->cap && p->head) {
		memmove(p->win, p->win + p->head, (p->n - p->head) * sizeof *p->win);
		p->n -= p->head;
		p->head = 0;
	}
	if (rd_grow((void **)&p->win, &p->cap, p->n + 1, sizeof *p->win))
		return RD_ENOMEM;
	p->win[p->n++] = r;
	return 0;
}

/* Keeps the runs the lead pass finds starting until `until`. */
static int read_ahead(rd_classify_pass *p, int64_t until)
{
	int rc = 0;
	while (!p->lead_done && (!p->has_ahead || p->ahead.utc <= until)) {
		if (p->has_ahead && (rc = keep(p, p->ahead)) < 0)
			return rc;
		p->has_ahead = 0;
		const rd_activity *a = p->src->next(p->lead, &rc);
		if (!a) {
			p->lead_done = 1;
			return rc;
		}
		if (in_windows(a)) {
			p->ahead = (win_run){a->start_utc, rd_activity_date(a),
					     rd_activity_duration_s(a)};
			p->has_ahead = 1;
		}
	}
	return 0;
}

/* Sorts the durations of day d's window into p->durs, and after them
 * those of the runs of day d itself.  A day's runs all have the same
 * window: the lead pass has read to the end of it at the first of them. */
static int window_of(rd_classify_pass *p, rd_date d)
{
	int64_t days = p->ref->opt.window_days;
	size_t k = 0, m = 0, n = p->n - p->head;
	if (rd_grow((void **)&p->durs, &p->durs_cap, 2 * n + 1, sizeof *p->durs))
		return RD_ENOMEM;
	double *day = p->durs + n;
	for (size_t i = p->head; i < p->n; i++) {
		const win_run *r = &p->win[i];
		if ((int64_t)r->date < (int64_t)d - days || (int64_t)r->date > (int64_t)d + days)
			continue;
		p->durs[k++] = r->dur;
		if (r->date == d)
			day[m++] = r->dur;
	}
	rd_sort_doubles(p->durs, k);
	rd_sort_doubles(day, m);
	memmove(p->durs + k, day, m * sizeof *day);
	p->ndurs = k;
	p->nday = m;
	p->durs_day = d;
	p->has_durs = 1;
	return 0;
}

/* The i-th of the sorted v[0..n) once one value at skip is taken out. */
static double without(const double *v, size_t skip, size_t i)
{
	return v[i < skip ? i : i + 1];
}

/* The usual run around a: the median of the other runs' durations in its
 * window (a itself, or one run of its day just as long, left out), or the
 * whole history's median when there are under WINDOW_MIN_RUNS.  The window
 * is sorted once a day, so a day of thousands of runs costs one sort. */
static int usual_run(double *out, rd_classify_pass *p, const rd_activity *a, rd_date d)
{
	double dur = rd_activity_duration_s(a);
	int rc = read_ahead(p, a->start_utc + p->reach);
	while (p->head < p->n && p->win[p->head].utc < a->start_utc - p->reach)
		p->head++;
	if (!rc && (!p->has_durs || p->durs_day != d))
		rc = window_of(p, d);
	if (rc)
		return rc;
	const double *v = p->durs;
	size_t n = p->ndurs, skip = n;
	if (bsearch(&dur, v + n, p->nday, sizeof *v, rd_cmp_double)) {
		size_t lo = 0, hi = n; /* the first of its value: which one makes no odds */
		while (lo < hi)
			if (v[lo + (hi - lo) / 2] < dur)
				lo += (hi - lo) / 2 + 1;
			else
				hi = lo + (hi - lo) / 2;
		skip = lo;
		n--;
	}
	if (n < WINDOW_MIN_RUNS) {
		*out = p->ref->usual_s;
		return 0;
	}
	*out = n % 2 ? without(v, skip, n / 2) :
		(without(v, skip, n / 2 - 1) + without(v, skip, n / 2)) / 2.0;
	return 0;
}

int rd_classify_open(rd_classify_pass **out, const rd_acts *src, const rd_load *load,
		     const rd_classify_ref *ref, rd_date from)
{
	assert(out && src && load && ref);
	rd_classify_pass *p = rd_calloc(1, sizeof *p);
	*out = NULL;
	if (!p)
		return RD_ENOMEM;
	p->src = src;
	p->ref = ref;
	p->x = (ctx){&ref->opt, load, ref->p_per_minute, ref->med_per_minute};
	p->from = from;
	p->reach = ((int64_t)ref->opt.window_days + 1) * 86400 + 2 * ref->offset_s;
	/* the first start that can be dated from `from` on, and the first that
	 * can be in its window */
	int64_t first = from == RD_DATE_NONE ? INT64_MIN : rd_date_to_unix(from) - ref->offset_s;
	p->cur = src->open(src, first);
	p->lead = src->open(src, first == INT64_MIN ? first : first - p->reach);
	if (!p->cur || !p->lead) {
		rd_classify_close(p);
		return RD_ENOMEM;
	}
	*out = p;
	return 0;
}

int rd_classify_next(rd_classified *out, rd_classify_pass *p)
{
	int rc = 0;
	for (;;) {
		const rd_activity *a = p->src->next(p->cur, &rc);
		if (!a)
			return rc;
		rd_date d = rd_activity_date(a);
		if (p->from != RD_DATE_NONE && (d == RD_DATE_NONE || d < p->from))
			continue;
		double usual = p->ref->usual_s;
		if (in_windows(a) && (rc = usual_run(&usual, p, a, d)) < 0)
			return rc;
		out->act = a;
		out->date = d;
		rd_load_activity(&out->load, p->x.load, a);
		classify_one(&p->x, a, &out->load, usual, &out->cls);
		return 1;
	}
}

void rd_classify_close(rd_classify_pass *p)
{
	if (!p)
		return;
	if (p->cur)
		p->src->close(p->cur);
	if (p->lead)
		p->src->close(p->lead);
	rd_free(p->win);
	rd_free(p->durs);
	rd_free(p);
}
