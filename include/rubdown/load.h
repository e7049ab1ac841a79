/*
 * load.h: training load, fitness, fatigue and form, and what kind of
 * session each run was, computed from rd_activity summaries.
 *
 * Everything here is a pure function of its inputs: no global state, the
 * same activities in the same order give the same numbers.  The
 * activities come as passes over an rd_acts (activity.h), and nothing here
 * keeps a value per activity: memory grows with the days of a daily series
 * or weekly table and with the runs inside a classification window, never
 * with the whole history.  Medians and percentiles over all the runs are
 * exact, found in a few passes.  The conventions (Banister TRIMP, the EWMA
 * constant, the classification thresholds) are explained in docs/load.md.
 *
 *   rd_acts src = rd_acts_array(acts, n);
 *   rd_load *load = NULL;
 *   rd_classify_ref ref;
 *   rd_classify_pass *pass = NULL;
 *   rd_classified c;
 *   if (rd_load_compute(&load, &src, NULL, &diag) == 0 &&
 *       rd_classify_prepare(&ref, &src, load, NULL, &diag) == 0 &&
 *       rd_classify_open(&pass, &src, load, &ref, RD_DATE_NONE) == 0)
 *           while (rd_classify_next(&c, pass) > 0)
 *                   ... c.act, c.load.trimp, c.cls.kind, c.cls.reason ...
 *   rd_classify_close(pass);
 *   rd_load_free(load);
 */
#ifndef RUBDOWN_LOAD_H
#define RUBDOWN_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "rubdown/activity.h"
#include "rubdown/date.h"
#include "rubdown/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Heart-rate reference and per-activity load ------------------------ */

/* Banister's TRIMP weighting, men's constants: y = 0.64 e^(1.92 x). */
#define RD_TRIMP_A 0.64
#define RD_TRIMP_B 1.92
/* The resting heart rate used when the profile gives none. */
#define RD_HR_REST_DEFAULT 60
/* hr_max must be at least this much above hr_rest to be usable. */
#define RD_HR_MIN_RESERVE 20
/* The heart rate reserve from which time counts as "upper zones". */
#define RD_HARD_HRR 0.80

/* Where a reference heart rate came from. */
typedef enum rd_hr_source {
	RD_HR_NONE = 0,  /* unknown: no profile value and no usable data */
	RD_HR_GIVEN,     /* from the options (the runner's profile) */
	RD_HR_ESTIMATED, /* estimated from the history's heart-rate data */
	RD_HR_DEFAULT    /* the documented default (hr_rest only) */
} rd_hr_source;

/* "none", "given", "estimated", "default". */
const char *rd_hr_source_name(rd_hr_source s);

typedef struct rd_load_options {
	int hr_max;  /* bpm, or -1 to estimate from the data */
	int hr_rest; /* bpm, or -1 for RD_HR_REST_DEFAULT */
} rd_load_options;

#define RD_LOAD_OPTIONS_INIT {-1, -1}

/* How an activity's load was obtained. */
typedef enum rd_load_method {
	RD_LOAD_NONE = 0, /* no duration: load 0 */
	RD_LOAD_HR,       /* Banister TRIMP from the seconds at each heart rate */
	RD_LOAD_PACE,     /* run without heart rate: TRIMP of a pace-equivalent HRR */
	RD_LOAD_DURATION, /* no heart rate and no pace: minutes at the usual HRR */
	RD_LOAD_AVG_HR    /* no heart-rate samples but an average: Banister's
			     TRIMP of the moving minutes at that average */
} rd_load_method;

/* "none", "heart rate", "pace", "duration", "average heart rate". */
const char *rd_load_method_name(rd_load_method m);

typedef struct rd_activity_load {
	double trimp;       /* TRIMP units (about 100 for an hour at 70% HRR) */
	double minutes;     /* the minutes the load counts */
	double per_minute;  /* trimp / minutes, 0 when minutes is 0 */
	double hard_share;  /* share of heart-rate seconds at >= RD_HARD_HRR, NAN
			       without heart rate */
	rd_load_method method;
} rd_activity_load;

typedef struct rd_load {
	int hr_max, hr_rest;              /* bpm used; -1 when RD_HR_NONE */
	rd_hr_source hr_max_source, hr_rest_source;
	int hr_max_seen;       /* -1, or the highest 2-minute heart rate when an
				  estimated hr_max was raised above it because
				  it put the median run above 75% of the
				  reserve (docs/load.md) */
	int hr_max_summary;    /* 1 when the estimate (hr_max or hr_max_seen)
				  is the highest maximum the summaries give:
				  no activity had 2 minutes of samples */
	int hard_bpm;          /* lowest bpm at >= RD_HARD_HRR of the reserve,
				  -1 when RD_HR_NONE */
	double usual_hrr;      /* median mean-HRR of runs with heart rate (0.70
				  when there are none): the HRR of a run at
				  the median pace */
	double median_pace_s_km;          /* median pace of runs, NAN if none */
} rd_load;

/* Banister TRIMP of an activity's heart-rate histogram: the sum over seconds
 * of minutes * x * 0.64 * e^(1.92 x), x = (hr - hr_rest) / (hr_max - hr_rest)
 * clamped to 0..1.  hr_max must be above hr_rest. */
double rd_trimp(const rd_activity *a, int hr_max, int hr_rest);

/* The TRIMP of `minutes` at a constant heart-rate reserve x (0..1). */
double rd_trimp_at(double minutes, double x);

/* The reference the activities' loads are computed from: heart rates,
 * usual HRR and median pace, in a few passes over src (which may have no
 * activity).  Returns 0, or RD_ENOMEM, or a pass's error, or RD_EFORMAT
 * when the options' hr_max is not at least RD_HR_MIN_RESERVE above hr_rest
 * (diag says which).  *out is NULL on failure; free it with rd_load_free. */
int rd_load_compute(rd_load **out, const rd_acts *src, const rd_load_options *opt,
		    rd_diag *diag);
void rd_load_free(rd_load *load);

/* The load of one activity from the reference (docs/load.md). */
void rd_load_activity(rd_activity_load *out, const rd_load *load, const rd_activity *a);

/* A run shorter than this that is no race is a false start (a watch
 * started by mistake), not a session. */
#define RD_FALSE_START_S 120.0

/* 1 for a false start: a run of known duration under RD_FALSE_START_S
 * that is not marked a race and whose name does not say race. */
int rd_activity_false_start(const rd_activity *a);

/* The day an activity counts on: its local date when the UTC offset is
 * known, else its UTC date; RD_DATE_NONE when the start is unknown. */
rd_date rd_activity_date(const rd_activity *a);

/* ---- Daily series: fitness, fatigue, form ------------------------------ */

#define RD_FITNESS_DAYS 42
#define RD_FATIGUE_DAYS 7
/* Longest series (days) and longest warm-up before `from`. */
#define RD_SERIES_MAX_DAYS 36600
#define RD_SERIES_WARMUP_DAYS 730

typedef struct rd_load_day {
	rd_date date;
	double load;    /* sum of the day's activity loads */
	double fitness; /* 42-day exponentially weighted average of load */
	double fatigue; /* 7-day exponentially weighted average of load */
	double form;    /* fitness - fatigue */
} rd_load_day;

/* The EWMA weight of one day for a time constant of `days`:
 * k = 1 - e^(-1/days) (see docs/load.md for why not 1/N or 2/(N+1)). */
double rd_ewma_k(int days);

/* One entry per day from `from` to `to` inclusive, in one pass over src
 * (load NULL: every load 0).  The averages start at 0 on the earliest
 * activity day (at most RD_SERIES_WARMUP_DAYS before `from`), so days
 * before `from` warm them up.  Returns 0, RD_ENOMEM, a pass's error, or
 * RD_EFORMAT when to < from or the range is longer than RD_SERIES_MAX_DAYS.
 * *out (free with rd_free) and *count are NULL/0 on failure. */
int rd_load_series(rd_load_day **out, size_t *count, const rd_acts *src,
		   const rd_load *load, rd_date from, rd_date to, rd_diag *diag);

/* ---- Weekly volume ----------------------------------------------------- */

typedef struct rd_week {
	rd_date monday;       /* first day of the ISO week */
	int iso_year, iso_week;
	int sessions;         /* all activities but false starts */
	int runs;             /* running activities but false starts */
	double km, hours;     /* all activities (distance NAN counts 0) */
	double load;
} rd_week;

/* ISO 8601 year and week number of a date. */
void rd_date_iso_week(rd_date d, int *iso_year, int *iso_week);

/* One entry per ISO week touching from..to, empty weeks included, in one
 * pass over src (load NULL: every load 0).  Returns 0, RD_ENOMEM, a pass's
 * error, or RD_EFORMAT for a bad range (as rd_load_series). */
int rd_load_weeks(rd_week **out, size_t *count, const rd_acts *src, const rd_load *load,
		  rd_date from, rd_date to, rd_diag *diag);

/* *out = sessions per week over the `weeks` weeks before `before` (the
 * days before-7*weeks .. before-1), false starts left out.  runs_only
 * counts only runs.  Returns 0 or a pass's error (*out 0). */
int rd_sessions_per_week(double *out, const rd_acts *src, rd_date before, int weeks,
			 int runs_only);

/* ---- Classification ---------------------------------------------------- */

typedef enum rd_run_kind {
	RD_KIND_OTHER = 0, /* not a run: cross-training */
	RD_KIND_EASY,
	RD_KIND_LONG,
	RD_KIND_HARD,
	RD_KIND_RACE
} rd_run_kind;

/* "other", "easy", "long", "hard", "race". */
const char *rd_run_kind_name(rd_run_kind k);

typedef struct rd_classify_options {
	double long_ratio;     /* long at >= this x the usual run (1.5) ... */
	double long_min_s;     /* ... when also at least this long (2700 s) */
	double long_s;         /* long at >= this duration anyway (7200 s) */
	double long_m;         /* long at >= this distance anyway (25000 m) */
	int window_days;       /* the usual run: median of runs within +-this
				  many days (28, i.e. 8 weeks around) */
	double hard_share;     /* hard at >= this share of time at >= 80% HRR
				  (0.25) ... */
	double hard_percentile;/* ... or load per minute above this percentile
				  of the runner's runs (0.80) and 15%
				  above their median */
} rd_classify_options;

#define RD_CLASSIFY_OPTIONS_INIT {1.5, 2700.0, 7200.0, 25000.0, 28, 0.25, 0.80}

typedef struct rd_class {
	rd_run_kind kind;
	char reason[160]; /* plain words, e.g. "long: 2 h 05, 1.9x your median
			     run of 65 min" */
} rd_class;

/* What classifying a run needs of the whole history. */
typedef struct rd_classify_ref {
	rd_classify_options opt;
	double usual_s;        /* median duration of the runs (false starts and
				  runs without a duration or date left out):
				  the usual run when a run's window has under
				  3 others; NAN without runs */
	double p_per_minute;   /* the hard_percentile of the runs' load per
				  minute (nearest rank), NAN under 5 runs */
	double med_per_minute; /* their median, NAN under 5 runs */
	int64_t offset_s;      /* the largest UTC offset (either sign) of an
				  activity: how far from its UTC day an
				  activity can be dated */
} rd_classify_ref;

/* Fills *out in a few passes over src; load comes from rd_load_compute
 * over the same activities, opt NULL means the defaults.  Returns 0, or
 * RD_ENOMEM or a pass's error (diag says which). */
int rd_classify_prepare(rd_classify_ref *out, const rd_acts *src, const rd_load *load,
			const rd_classify_options *opt, rd_diag *diag);

/* One activity of a classifying pass. */
typedef struct rd_classified {
	const rd_activity *act; /* valid until the next rd_classify_next */
	rd_date date;           /* rd_activity_date(act) */
	rd_activity_load load;  /* rd_load_activity */
	rd_class cls;           /* race > long > hard > easy; non-runs and false
				   starts are other */
} rd_classified;

typedef struct rd_classify_pass rd_classify_pass;

/* A pass over src giving each activity with its load and class, in start
 * order; from not RD_DATE_NONE: only the activities dated from then on.
 * It reads src twice at once (the usual run around a run looks ahead), and
 * holds the runs of about 2 x (window_days + 1) days, never the history.
 * src, load and ref are borrowed until rd_classify_close.  Returns 0 or
 * RD_ENOMEM. */
int rd_classify_open(rd_classify_pass **out, const rd_acts *src, const rd_load *load,
		     const rd_classify_ref *ref, rd_date from);
/* 1 with *out the next activity, 0 at the end of the pass, or a negative
 * RD_E* code (src's error, RD_ENOMEM). */
int rd_classify_next(rd_classified *out, rd_classify_pass *p);
void rd_classify_close(rd_classify_pass *p); /* NULL-safe */

/* 1 when an activity name says race: a word race, marathon, half, 10k, 5k,
 * parkrun or XC (case-insensitive), except before pace, training, prep,
 * plan, build, block, effort or simulation, after pre or post, and in a
 * name with an easy word (easy, recovery, jog, shakeout, warmup,
 * cooldown).  If word is not
 * NULL it gets the matching word (points into a static table). */
int rd_name_says_race(const char *name, const char **word);

#ifdef __cplusplus
}
#endif
#endif
