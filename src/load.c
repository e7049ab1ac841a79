/*
 * load.c: training load per activity, and the fitness / fatigue / form
 * series and weekly volume built from it.  See docs/load.md.
 *
 * Per activity, in order of preference:
 *  - heart rate (RD_LOAD_HR): Banister's TRIMP over the histogram of seconds
 *    at each heart rate, sum of minutes * x * 0.64 * e^(1.92 x), x the
 *    heart-rate reserve clamped to 0..1.  We use the men's constants
 *    (0.64, 1.92): the profile has no sex field, they are what most tools
 *    use, and the women's constants (0.86, 1.67) differ by under 10% in the
 *    usual 0.6..0.9 range.  When the heart rate covers only part of the
 *    moving time, the missing seconds count at the recorded average.
 *  - average heart rate (RD_LOAD_AVG_HR), when there are no usable samples
 *    but the file or the CSV gives an average (a Strava row without its
 *    file, a summary-only file): Banister's original TRIMP, the moving
 *    minutes at the average's heart-rate reserve.
 *  - pace (RD_LOAD_PACE), a run without heart rate: x = usual_hrr +
 *    (median_pace / pace - 1), clamped to 0.3..1, then the same TRIMP
 *    formula over the moving minutes.  usual_hrr is the median mean-HRR of
 *    the runner's runs with heart rate (0.70 without any), so a run at the
 *    runner's median pace scores like their typical run, and 10% faster
 *    adds 0.1 HRR.  The unit stays "TRIMP".
 *  - duration (RD_LOAD_DURATION), no heart rate and no pace (treadmill
 *    without distance, a ride without a strap): minutes at usual_hrr for
 *    a run, at CROSS_HRR for other sports.
 *
 * Reference heart rates: hr_max given, else the highest "2-minute max" of
 * any activity: the highest heart rate at or above which that activity
 * spent 120 s (read from its histogram, so single-second spikes from an
 * optical sensor do not count), or the highest maximum the summaries give
 * when no activity has 2 minutes of samples; raised when it would put the runner's
 * median run above USUAL_MAX_HRR (a history without a hard effort: every
 * run would be hard).  hr_rest given, else RD_HR_REST_DEFAULT:
 * running data never shows a resting heart rate, so a percentile of it
 * would be far too high.
 */
#include "rubdown/load.h"
#include "alloc.h"
#include "pass.h"
#include "select.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define EST_WINDOW_S 120.0 /* seconds at or above the 2-minute max */
#define EST_LOW_BPM 30     /* histogram bins outside 30..230 are sensor noise */
#define EST_HIGH_BPM 230
#define HR_MIN_S 60.0      /* less heart-rate data than this is no data */
#define HR_MIN_COVER 0.5   /* heart rate must cover half the moving time */
#define USUAL_HRR 0.70     /* usual_hrr when no run has heart rate */
#define USUAL_MAX_HRR 0.75 /* an estimated hr_max puts the median run at most here */
#define CROSS_HRR 0.50     /* cross-training without heart rate */
#define PACE_MIN_S_KM 150.0 /* paces outside 2:30..20:00 /km are not pace */
#define PACE_MAX_S_KM 1200.0
#define PACE_MIN_M 1000.0

const char *rd_hr_source_name(rd_hr_source s)
{
	static const char *names[] = {"none", "given", "estimated", "default"};
	return (unsigned)s < 4 ? names[s] : "none";
}

const char *rd_load_method_name(rd_load_method m)
{
	static const char *names[] = {"none", "heart rate", "pace", "duration",
				      "average heart rate"};
	return (unsigned)m < 5 ? names[m] : "none";
}

static double clamp01(double x)
{
	return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

double rd_trimp_at(double minutes, double x)
{
	x = clamp01(x);
	return minutes * x * RD_TRIMP_A * exp(RD_TRIMP_B * x);
}

double rd_trimp(const rd_activity *a, int hr_max, int hr_rest)
{
	assert(hr_max > hr_rest);
	double sum = 0.0, range = hr_max - hr_rest;
	for (int i = 0; i < a->hr_bins; i++) {
		int b = a->hr_low + i;
		if (b > 0 && a->hr_seconds[i])
			sum += rd_trimp_at(a->hr_seconds[i] / 60.0, (b - hr_rest) / range);
	}
	return sum;
}

/* Seconds with a heart rate (bin 0 is "no beat", never a reading). */
static double hr_total(const rd_activity *a)
{
	double s = 0.0;
	for (int i = 0; i < a->hr_bins; i++)
		s += a->hr_low + i > 0 ? a->hr_seconds[i] : 0;
	return s;
}

/* The highest heart rate this activity held (in total) for 2 minutes. */
static int two_minute_max(const rd_activity *a)
{
	double acc = 0.0;
	for (int b = EST_HIGH_BPM; b >= EST_LOW_BPM; b--) {
		acc += rd_activity_hr_at(a, b);
		if (acc >= EST_WINDOW_S)
			return b;
	}
	return -1;
}

typedef struct highest {
	int best, summary; /* the highest 2-minute max, the highest summary max */
} highest;

static int see_highest(void *ctx, const rd_activity *a)
{
	highest *h = ctx;
	int m = two_minute_max(a);
	h->best = m > h->best ? m : h->best;
	m = a->max_hr;
	if (m >= EST_LOW_BPM && m <= EST_HIGH_BPM && m > h->summary)
		h->summary = m;
	return 0;
}

static int set_reference(rd_load *l, const rd_acts *src, const rd_load_options *opt,
			 rd_diag *diag)
{
	l->hr_max_seen = -1;
	l->hr_rest = opt->hr_rest > 0 ? opt->hr_rest : RD_HR_REST_DEFAULT;
	l->hr_rest_source = opt->hr_rest > 0 ? RD_HR_GIVEN : RD_HR_DEFAULT;
	if (opt->hr_max > 0) {
		if (opt->hr_max < l->hr_rest + RD_HR_MIN_RESERVE)
			return rd_diag_set(diag, RD_EFORMAT, NULL, 0, 0,
					   "hr_max %d bpm is not at least %d above hr_rest %d bpm",
					   opt->hr_max, RD_HR_MIN_RESERVE, l->hr_rest);
		l->hr_max = opt->hr_max;
		l->hr_max_source = RD_HR_GIVEN;
		return 0;
	}
	highest h = {-1, -1};
	int rc = acts_each(src, INT64_MIN, see_highest, &h);
	if (rc < 0)
		return rc;
	int best = h.best;
	if (best < 0) { /* no samples: a summary's maximum is all there is */
		best = h.summary;
		l->hr_max_summary = 1;
	}
	if (best >= l->hr_rest + RD_HR_MIN_RESERVE) {
		l->hr_max = best;
		l->hr_max_source = RD_HR_ESTIMATED;
	} else {
		l->hr_max = -1;
		l->hr_max_source = RD_HR_NONE;
	}
	return 0;
}

static int hr_usable(const rd_load *l, const rd_activity *a)
{
	double hr = hr_total(a), dur = rd_activity_duration_s(a);
	return l->hr_max > 0 && hr >= HR_MIN_S && (dur <= 0 || hr >= HR_MIN_COVER * dur);
}

/* Time-weighted mean heart-rate reserve of an activity. */
static double mean_hrr(const rd_load *l, const rd_activity *a)
{
	double sum = 0.0, secs = 0.0, range = l->hr_max - l->hr_rest;
	for (int i = 0; i < a->hr_bins; i++) {
		int b = a->hr_low + i;
		double s = b > 0 ? a->hr_seconds[i] : 0;
		sum += s * clamp01((b - l->hr_rest) / range);
		secs += s;
	}
	return secs > 0 ? sum / secs : 0.0;
}

/* The heart-rate reserve at the activity's average heart rate, NAN without
 * one (or without hr_max). */
static double avg_hrr(const rd_load *l, const rd_activity *a)
{
	if (l->hr_max <= 0 || a->avg_hr < EST_LOW_BPM || a->avg_hr > EST_HIGH_BPM)
		return NAN;
	return clamp01((a->avg_hr - l->hr_rest) / (double)(l->hr_max - l->hr_rest));
}

/* The mean heart-rate reserve from the samples, else from the average. */
static double usual_hrr_of(const rd_load *l, const rd_activity *a)
{
	return hr_usable(l, a) ? mean_hrr(l, a) : avg_hrr(l, a);
}

static double pace_s_km(const rd_activity *a)
{
	double dur = rd_activity_duration_s(a);
	if (!rd_sport_is_run(a->sport) || !isfinite(a->distance_m) || a->distance_m < PACE_MIN_M ||
	    dur <= 0)
		return NAN;
	double p = dur / (a->distance_m / 1000.0);
	return p >= PACE_MIN_S_KM && p <= PACE_MAX_S_KM ? p : NAN;
}

static double run_hrr(const void *l, const rd_activity *a)
{
	return rd_sport_is_run(a->sport) ? usual_hrr_of(l, a) : NAN;
}

static double run_pace(const void *l, const rd_activity *a)
{
	(void)l;
	return pace_s_km(a);
}

/* usual_hrr and median_pace_s_km from the runs (select.h: a few passes). */
static int set_usual(rd_load *l, const rd_acts *src)
{
	acts_values hrr = {src, run_hrr, l, NULL, NULL}, pace = {src, run_pace, l, NULL, NULL};
	size_t n;
	int rc = select_median(&l->usual_hrr, &n, acts_values_pass, &hrr);
	if (!rc && !n)
		l->usual_hrr = USUAL_HRR;
	if (!rc)
		rc = select_median(&l->median_pace_s_km, &n, acts_values_pass, &pace);
	return rc;
}

/* The highest 2-minute heart rate of a history without a near-maximal
 * effort (a beginner's easy runs) is close to its usual runs' heart rate,
 * and would make every run hard.  hr_max is raised so that the median run,
 * at usual_hrr, comes to USUAL_MAX_HRR of the reserve; hr_max_seen keeps
 * what the data showed. */
static void raise_hr_max(rd_load *l)
{
	double usual_bpm = l->hr_rest + l->usual_hrr * (l->hr_max - l->hr_rest);
	l->hr_max_seen = l->hr_max;
	l->hr_max = l->hr_rest + (int)ceil((usual_bpm - l->hr_rest) / USUAL_MAX_HRR - 1e-9);
}

static double hard_share(const rd_load *l, const rd_activity *a)
{
	double hard = 0.0, all = hr_total(a);
	for (int b = l->hard_bpm; b < a->hr_low + a->hr_bins; b++)
		hard += rd_activity_hr_at(a, b);
	return all > 0 ? hard / all : NAN;
}

void rd_load_activity(rd_activity_load *out, const rd_load *l, const rd_activity *a)
{
	double dur = rd_activity_duration_s(a), hr = hr_total(a), pace = pace_s_km(a);
	double avg = avg_hrr(l, a);
	out->hard_share = l->hr_max > 0 ? hard_share(l, a) : NAN;
	if (hr_usable(l, a)) {
		out->method = RD_LOAD_HR;
		out->trimp = rd_trimp(a, l->hr_max, l->hr_rest);
		if (dur > hr)
			out->trimp *= dur / hr;
		out->minutes = (dur > hr ? dur : hr) / 60.0;
	} else if (!isnan(avg) && dur > 0) {
		out->method = RD_LOAD_AVG_HR;
		out->minutes = dur / 60.0;
		out->trimp = rd_trimp_at(out->minutes, avg);
	} else if (!isnan(pace) && !isnan(l->median_pace_s_km)) {
		out->method = RD_LOAD_PACE;
		out->minutes = dur / 60.0;
		double x = l->usual_hrr + (l->median_pace_s_km / pace - 1.0);
		out->trimp = rd_trimp_at(out->minutes, x < 0.3 ? 0.3 : x);
	} else if (dur > 0) {
		out->method = RD_LOAD_DURATION;
		out->minutes = dur / 60.0;
		out->trimp = rd_trimp_at(out->minutes, rd_sport_is_run(a->sport) ? l->usual_hrr : CROSS_HRR);
	} else {
		out->method = RD_LOAD_NONE;
		out->minutes = out->trimp = 0.0;
	}
	out->per_minute = out->minutes > 0 ? out->trimp / out->minutes : 0.0;
}

int rd_load_compute(rd_load **out, const rd_acts *src, const rd_load_options *opt,
		    rd_diag *diag)
{
	static const rd_load_options defaults = RD_LOAD_OPTIONS_INIT;
	assert(out && src);
	*out = NULL;
	rd_load *l = rd_calloc(1, sizeof *l);
	int rc = RD_ENOMEM;
	if (!l)
		return rd_diag_set(diag, rc, NULL, 0, 0, "out of memory computing load");
	if ((rc = set_reference(l, src, opt ? opt : &defaults, diag)) < 0)
		goto done;
	if ((rc = set_usual(l, src)) < 0)
		goto done;
	if (l->hr_max_source == RD_HR_ESTIMATED && l->usual_hrr > USUAL_MAX_HRR) {
		raise_hr_max(l);
		if ((rc = set_usual(l, src)) < 0)
			goto done;
	}
	/* The epsilon keeps 0.8 * 130 = 104.00000000000001 at 104. */
	l->hard_bpm = l->hr_max < 0 ? -1 :
		l->hr_rest + (int)ceil(RD_HARD_HRR * (l->hr_max - l->hr_rest) - 1e-9);
	*out = l;
	l = NULL;
done:
	if (rc == RD_ENOMEM)
		rd_diag_set(diag, rc, NULL, 0, 0, "out of memory computing load");
	else if (rc == RD_EIO)
		rd_diag_set(diag, rc, NULL, 0, 0, "cannot read the activities computing load");
	rd_load_free(l);
	return rc;
}

void rd_load_free(rd_load *load)
{
	rd_free(load);
}

rd_date rd_activity_date(const rd_activity *a)
{
	const int64_t limit = (int64_t)1 << 40; /* beyond 30,000 years: corrupt */
	if (a->start_utc <= -limit || a->start_utc >= limit)
		return RD_DATE_NONE;
	int64_t t = a->start_utc + (a->has_utc_offset ? a->utc_offset_s : 0);
	return rd_date_from_unix(t);
}

double rd_ewma_k(int days)
{
	assert(days > 0);
	return 1.0 - exp(-1.0 / days);
}

static int check_range(rd_date from, rd_date to, rd_diag *diag)
{
	if (from == RD_DATE_NONE || to == RD_DATE_NONE || to < from ||
	    (int64_t)to - from >= RD_SERIES_MAX_DAYS)
		return rd_diag_set(diag, RD_EFORMAT, NULL, 0, 0,
				   "date range of %lld days, expected 1 to %d",
				   (long long)to - from + 1, RD_SERIES_MAX_DAYS);
	return 0;
}

/* The activities' loads summed by day, on the days from day[0] on. */
typedef struct by_day {
	const rd_load *load; /* NULL: every load is 0 */
	double *day;
	rd_date first, last;
} by_day;

static double trimp_of(const rd_load *load, const rd_activity *a)
{
	rd_activity_load l;
	if (!load)
		return 0.0;
	rd_load_activity(&l, load, a);
	return l.trimp;
}

static int add_to_day(void *ctx, const rd_activity *a)
{
	by_day *b = ctx;
	rd_date d = rd_activity_date(a);
	if (d != RD_DATE_NONE && d >= b->first && d <= b->last)
		b->day[d - b->first] += trimp_of(b->load, a);
	return 0;
}

/* The averages start at 0 on the earliest activity day of the warm-up;
 * starting them RD_SERIES_WARMUP_DAYS before `from` gives the same bits,
 * as they stay exactly 0 over the days without load before it.  One pass,
 * memory for the days only. */
int rd_load_series(rd_load_day **out, size_t *count, const rd_acts *src,
		   const rd_load *load, rd_date from, rd_date to, rd_diag *diag)
{
	assert(out && count && src);
	*out = NULL;
	*count = 0;
	int rc = check_range(from, to, diag);
	if (rc < 0)
		return rc;
	rd_date start = from > RD_DATE_NONE + RD_SERIES_WARMUP_DAYS ?
		from - RD_SERIES_WARMUP_DAYS : RD_DATE_NONE + 1; /* no overflow */
	size_t days = (size_t)(to - start) + 1, skip = (size_t)(from - start);
	by_day b = {load, rd_calloc(days, sizeof *b.day), start, to};
	rd_load_day *series = rd_calloc(days - skip, sizeof *series);
	rc = RD_ENOMEM;
	if (!b.day || !series || (rc = acts_each(src, INT64_MIN, add_to_day, &b)) < 0)
		goto done;
	double kf = rd_ewma_k(RD_FITNESS_DAYS), ka = rd_ewma_k(RD_FATIGUE_DAYS);
	double fit = 0.0, fat = 0.0;
	for (size_t i = 0; i < days; i++) {
		fit += kf * (b.day[i] - fit);
		fat += ka * (b.day[i] - fat);
		if (i >= skip)
			series[i - skip] = (rd_load_day){from + (rd_date)(i - skip), b.day[i],
							 fit, fat, fit - fat};
	}
	*out = series;
	*count = days - skip;
	series = NULL;
done:
	if (rc < 0)
		rd_diag_set(diag, rc, NULL, 0, 0, "%s computing the load series",
			    rc == RD_ENOMEM ? "out of memory" : "cannot read the activities");
	rd_free(b.day);
	rd_free(series);
	return rc;
}

void rd_date_iso_week(rd_date d, int *iso_year, int *iso_week)
{
	rd_date thursday = d - rd_date_weekday(d) + 3;
	int y, m, day;
	rd_date_to_ymd(thursday, &y, &m, &day);
	*iso_year = y;
	*iso_week = (thursday - rd_date_from_ymd(y, 1, 1)) / 7 + 1;
}

int rd_activity_false_start(const rd_activity *a)
{
	double d = rd_activity_duration_s(a);
	return rd_sport_is_run(a->sport) && d > 0 && d < RD_FALSE_START_S && !a->marked_race &&
	       !rd_name_says_race(a->name, NULL);
}

typedef struct by_week {
	const rd_load *load;
	rd_week *w;
	rd_date first, last; /* the first Monday, the last day */
} by_week;

static int add_to_week(void *ctx, const rd_activity *a)
{
	by_week *b = ctx;
	rd_date d = rd_activity_date(a);
	if (d == RD_DATE_NONE || d < b->first || d > b->last || rd_activity_false_start(a))
		return 0; /* a false start is no session: its load and distance are next to nothing */
	rd_week *w = &b->w[(d - b->first) / 7];
	w->sessions++;
	w->runs += rd_sport_is_run(a->sport);
	if (isfinite(a->distance_m) && a->distance_m > 0)
		w->km += a->distance_m / 1000.0;
	w->hours += rd_activity_duration_s(a) / 3600.0;
	w->load += trimp_of(b->load, a);
	return 0;
}

int rd_load_weeks(rd_week **out, size_t *count, const rd_acts *src, const rd_load *load,
		  rd_date from, rd_date to, rd_diag *diag)
{
	assert(out && count && src);
	*out = NULL;
	*count = 0;
	int rc = check_range(from, to, diag);
	if (rc < 0)
		return rc;
	rd_date first = from - rd_date_weekday(from), last = to - rd_date_weekday(to);
	size_t weeks = (size_t)(last - first) / 7 + 1;
	by_week b = {load, rd_calloc(weeks, sizeof *b.w), first, last + 6};
	if (!b.w)
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory computing weeks");
	for (size_t i = 0; i < weeks; i++) {
		b.w[i].monday = first + (rd_date)(7 * i);
		rd_date_iso_week(b.w[i].monday, &b.w[i].iso_year, &b.w[i].iso_week);
	}
	if ((rc = acts_each(src, INT64_MIN, add_to_week, &b)) < 0) {
		rd_free(b.w);
		return rd_diag_set(diag, rc, NULL, 0, 0, "%s computing weeks", rc == RD_ENOMEM ?
				   "out of memory" : "cannot read the activities");
	}
	*out = b.w;
	*count = weeks;
	return 0;
}

typedef struct sessions {
	int64_t from;
	rd_date before;
	int runs_only;
	size_t n;
} sessions;

static int count_session(void *ctx, const rd_activity *a)
{
	sessions *s = ctx;
	rd_date d = rd_activity_date(a);
	s->n += d != RD_DATE_NONE && d >= s->from && d < s->before &&
		!rd_activity_false_start(a) && (!s->runs_only || rd_sport_is_run(a->sport));
	return 0;
}

int rd_sessions_per_week(double *out, const rd_acts *src, rd_date before, int weeks,
			 int runs_only)
{
	assert(out && src);
	*out = 0.0;
	if (weeks <= 0 || before == RD_DATE_NONE)
		return 0;
	sessions s = {(int64_t)before - 7 * (int64_t)weeks, before, runs_only, 0};
	int rc = acts_each(src, INT64_MIN, count_session, &s);
	if (!rc)
		*out = (double)s.n / weeks;
	return rc;
}
