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
 * The window medians use a Fenwick tree over duration ranks, so the whole
 * pass is O(n log n) however many runs share a day.
 */
#include "rubdown/load.h"
#include "alloc.h"
#include "median.h"

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

/* ---- The usual run: median duration of the other runs around each run ---- */

typedef struct run_ref {
	size_t act;   /* index into the activities */
	rd_date date;
	double dur;
	size_t rank;  /* 1-based position in duration order */
} run_ref;

static int cmp_date(const void *pa, const void *pb)
{
	const run_ref *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->act > b->act) - (a->act < b->act);
}

static int cmp_dur(const void *pa, const void *pb)
{
	const run_ref *a = *(run_ref *const *)pa, *b = *(run_ref *const *)pb;
	if (a->dur != b->dur)
		return a->dur < b->dur ? -1 : 1;
	return (a->act > b->act) - (a->act < b->act);
}

/* Fenwick tree over ranks 1..m counting the runs in the window. */
static void fw_add(size_t *t, size_t m, size_t i, int d)
{
	for (; i <= m; i += i & (~i + 1))
		t[i] += (size_t)d;
}

/* The smallest rank r with count(1..r) >= k (k >= 1). */
static size_t fw_kth(const size_t *t, size_t m, size_t k)
{
	size_t pos = 0, step = 1;
	while (step * 2 <= m)
		step *= 2;
	for (; step; step /= 2)
		if (pos + step <= m && t[pos + step] < k) {
			pos += step;
			k -= t[pos];
		}
	return pos + 1;
}

typedef struct window {
	run_ref *runs;      /* by date */
	run_ref **by_dur;   /* by duration: by_dur[rank - 1] */
	size_t *tree, m;
	double all_median;
} window;

static double window_median(const window *u, size_t cnt)
{
	size_t a = fw_kth(u->tree, u->m, (cnt + 1) / 2), b = fw_kth(u->tree, u->m, cnt / 2 + 1);
	return (u->by_dur[a - 1]->dur + u->by_dur[b - 1]->dur) / 2.0;
}

/* Sets med[act] to the usual run around each run (NAN for non-runs). */
static void window_medians(window *u, int days, double *med)
{
	size_t lo = 0, hi = 0, cnt = 0;
	for (size_t p = 0; p < u->m; p++) {
		rd_date d = u->runs[p].date;
		for (; hi < u->m && (int64_t)u->runs[hi].date <= (int64_t)d + days; hi++, cnt++)
			fw_add(u->tree, u->m, u->runs[hi].rank, 1);
		for (; (int64_t)u->runs[lo].date < (int64_t)d - days; lo++, cnt--)
			fw_add(u->tree, u->m, u->runs[lo].rank, -1);
		fw_add(u->tree, u->m, u->runs[p].rank, -1);
		med[u->runs[p].act] = cnt - 1 >= WINDOW_MIN_RUNS ? window_median(u, cnt - 1)
								 : u->all_median;
		fw_add(u->tree, u->m, u->runs[p].rank, 1);
	}
}

/* A run that counts as a session: not a false start of a few seconds (an
 * unknown duration, a CSV row with a distance only, still counts). */
static int is_session(const rd_activity *a)
{
	return rd_sport_is_run(a->sport) && !rd_activity_false_start(a);
}

static int collect_runs(window *u, const rd_activity *acts, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += is_session(&acts[i]) && rd_activity_duration_s(&acts[i]) > 0 &&
		     rd_activity_date(&acts[i]) != RD_DATE_NONE;
	u->m = m;
	u->runs = rd_calloc(m ? m : 1, sizeof *u->runs);
	u->by_dur = rd_calloc(m ? m : 1, sizeof *u->by_dur);
	u->tree = rd_calloc(m + 1, sizeof *u->tree);
	if (!u->runs || !u->by_dur || !u->tree)
		return RD_ENOMEM;
	for (size_t i = 0, k = 0; i < n; i++)
		if (is_session(&acts[i]) && rd_activity_duration_s(&acts[i]) > 0 &&
		    rd_activity_date(&acts[i]) != RD_DATE_NONE)
			u->runs[k++] = (run_ref){i, rd_activity_date(&acts[i]),
						 rd_activity_duration_s(&acts[i]), 0};
	qsort(u->runs, m, sizeof *u->runs, cmp_date);
	for (size_t k = 0; k < m; k++)
		u->by_dur[k] = &u->runs[k];
	qsort(u->by_dur, m, sizeof *u->by_dur, cmp_dur);
	for (size_t k = 0; k < m; k++)
		u->by_dur[k]->rank = k + 1;
	u->all_median = !m ? NAN : m % 2 ? u->by_dur[m / 2]->dur
			 : (u->by_dur[m / 2 - 1]->dur + u->by_dur[m / 2]->dur) / 2.0;
	return 0;
}

static void window_dispose(window *u)
{
	rd_free(u->runs);
	rd_free(u->by_dur);
	rd_free(u->tree);
}

/* ---- The runner's load-per-minute percentile ---- */

/* The percentile p of the runs' load per minute, and their median (NAN
 * both when there are too few runs). */
static int per_minute_percentile(double *out, double *med, const rd_activity *acts,
				 const rd_load *load, size_t n, double p)
{
	double *v = rd_calloc(n ? n : 1, sizeof *v);
	if (!v)
		return RD_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (is_session(&acts[i]) && load->items[i].minutes > 0)
			v[k++] = load->items[i].per_minute;
	*out = *med = NAN;
	if (k >= PERCENTILE_MIN_RUNS) {
		rd_sort_doubles(v, k);
		size_t rank = (size_t)ceil(p * (double)k);
		*out = v[rank ? rank - 1 : 0];
		*med = rd_median_sorted(v, k);
	}
	rd_free(v);
	return 0;
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

int rd_classify(rd_class **out, const rd_activity *acts, const rd_load *load,
		size_t n, const rd_classify_options *opt, rd_diag *diag)
{
	static const rd_classify_options defaults = RD_CLASSIFY_OPTIONS_INIT;
	assert(out && load && load->count == n && (acts || !n));
	*out = NULL;
	ctx x = {opt ? opt : &defaults, load, NAN, NAN};
	window u = {NULL, NULL, NULL, 0, NAN};
	double *med = rd_calloc(n ? n : 1, sizeof *med);
	rd_class *c = rd_calloc(n ? n : 1, sizeof *c);
	int rc = RD_ENOMEM;
	if (!med || !c || collect_runs(&u, acts, n) < 0 ||
	    per_minute_percentile(&x.p_per_minute, &x.med_per_minute, acts, load, n,
				  x.opt->hard_percentile) < 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		med[i] = u.all_median;
	window_medians(&u, x.opt->window_days, med);
	for (size_t i = 0; i < n; i++)
		classify_one(&x, &acts[i], &load->items[i], med[i], &c[i]);
	*out = c;
	c = NULL;
	rc = 0;
done:
	if (rc < 0)
		rd_diag_set(diag, rc, NULL, 0, 0, "out of memory classifying activities");
	window_dispose(&u);
	rd_free(med);
	rd_free(c);
	return rc;
}
