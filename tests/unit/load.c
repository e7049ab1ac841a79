/* Training load: TRIMP, reference heart rates, the EWMA series, weeks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "rubdown/load.h"

/* cmocka's assert_float_equal compares floats: we need doubles. */
static void near_(double a, double b, double eps, const char *file, int line)
{
	if (!(fabs(a - b) <= eps)) {
		print_error("%.12g != %.12g (within %g)\n", a, b, eps);
		_fail(file, line);
	}
}
#define assert_near(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)

/* An activity with every field unknown (rd_activity_init lives in another
 * layer), starting at 07:00 UTC on `day`. */
/* Histograms for the fixtures: a full one each (hr_low 0), which the tests
 * fill through at_hr. */
/* The load.h calls over an array of activities (rd_acts_array). */
static int compute(rd_load **out, const rd_activity *a, size_t n, const rd_load_options *opt,
		   rd_diag *diag)
{
	rd_acts src = rd_acts_array(a, n);
	return rd_load_compute(out, &src, opt, diag);
}

static rd_activity_load item(const rd_load *l, const rd_activity *a)
{
	rd_activity_load out;
	rd_load_activity(&out, l, a);
	return out;
}

static int series(rd_load_day **out, size_t *count, const rd_activity *a, const rd_load *l,
		  size_t n, rd_date from, rd_date to, rd_diag *diag)
{
	rd_acts src = rd_acts_array(a, n);
	return rd_load_series(out, count, &src, l, from, to, diag);
}

static int weeks(rd_week **out, size_t *count, const rd_activity *a, const rd_load *l,
		 size_t n, rd_date from, rd_date to, rd_diag *diag)
{
	rd_acts src = rd_acts_array(a, n);
	return rd_load_weeks(out, count, &src, l, from, to, diag);
}

static double per_week(const rd_activity *a, size_t n, rd_date before, int w, int runs_only)
{
	rd_acts src = rd_acts_array(a, n);
	double out = -1;
	assert_int_equal(rd_sessions_per_week(&out, &src, before, w, runs_only), 0);
	return out;
}

static uint16_t hists[128][RD_HR_BINS];
static size_t nhists;

static void fixture(rd_activity *a, rd_sport sport, rd_date day, double dur_s, double dist_m)
{
	memset(a, 0, sizeof *a);
	uint16_t *h = hists[nhists++ % 128];
	memset(h, 0, sizeof hists[0]);
	a->source = a->name = "";
	a->hr_seconds = h;
	a->hr_bins = RD_HR_BINS;
	a->sport = sport;
	a->start_utc = rd_date_to_unix(day) + 7 * 3600;
	a->elapsed_s = a->moving_s = dur_s;
	a->distance_m = dist_m;
	a->ascent_m = NAN;
	a->avg_hr = a->max_hr = a->avg_cadence = -1;
}

static void at_hr(rd_activity *a, int bpm, uint32_t seconds)
{
	((uint16_t *)(uintptr_t)a->hr_seconds)[bpm] += (uint16_t)seconds; /* hists */
}

#define HOUR_150 100.44 /* see trimp_flat_hour */

static void trimp_flat_hour(void **state)
{
	(void)state;
	/* By hand: x = (150 - 60) / (190 - 60) = 0.6923; 1.92 x = 1.3292;
	 * e^1.3292 = 3.7781; 60 min * 0.6923 * 0.64 * 3.7781 = 100.44. */
	rd_activity a;
	fixture(&a, RD_SPORT_RUN, 20000, 3600, 12000);
	at_hr(&a, 150, 3600);
	assert_near(rd_trimp(&a, 190, 60), HOUR_150, 0.005);

	rd_load_options opt = {190, 60};
	rd_load *l = NULL;
	assert_int_equal(compute(&l, &a, 1, &opt, NULL), 0);
	assert_int_equal(l->hr_max_source, RD_HR_GIVEN);
	assert_int_equal(l->hr_rest_source, RD_HR_GIVEN);
	assert_int_equal(item(l, &a).method, RD_LOAD_HR);
	assert_near(item(l, &a).trimp, HOUR_150, 0.005);
	assert_near(item(l, &a).minutes, 60.0, 1e-9);
	assert_near(item(l, &a).hard_share, 0.0, 1e-9); /* 150 < 164 bpm */
	rd_load_free(l);
}

static void trimp_clamps_and_partial_cover(void **state)
{
	(void)state;
	uint16_t h[161] = {0}; /* 50..210 bpm, as a store keeps it */
	h[0] = 600;   /* 50 bpm, below rest: x = 0 */
	h[160] = 60;  /* 210 bpm, above max: x = 1 */
	rd_activity c;
	rd_activity_init(&c);
	c.hr_seconds = h;
	c.hr_low = 50;
	c.hr_bins = 161;
	assert_near(rd_trimp(&c, 190, 60), 1.0 * 0.64 * exp(1.92), 1e-9);

	/* Heart rate for 40 of 60 minutes: the rest counts at the same rate. */
	rd_activity a;
	fixture(&a, RD_SPORT_RUN, 20000, 3600, 12000);
	at_hr(&a, 150, 2400);
	rd_load_options opt = {190, -1};
	rd_load *l = NULL;
	assert_int_equal(compute(&l, &a, 1, &opt, NULL), 0);
	assert_int_equal(l->hr_rest, RD_HR_REST_DEFAULT);
	assert_int_equal(l->hr_rest_source, RD_HR_DEFAULT);
	assert_near(item(l, &a).trimp, HOUR_150, 0.005);
	rd_load_free(l);
}

static void hr_max_estimated_vs_given(void **state)
{
	(void)state;
	rd_activity a[3];
	fixture(&a[0], RD_SPORT_RUN, 20000, 1800, 6000);
	at_hr(&a[0], 221, 1);   /* an optical spike */
	at_hr(&a[0], 180, 100); /* not held for 2 minutes */
	at_hr(&a[0], 176, 300);
	at_hr(&a[0], 150, 1399);
	fixture(&a[1], RD_SPORT_RUN, 20001, 3600, 12000);
	at_hr(&a[1], 140, 3600);
	fixture(&a[2], RD_SPORT_RUN, 20002, 3600, 12000);
	at_hr(&a[2], 135, 3600);
	rd_load *l = NULL;
	assert_int_equal(compute(&l, a, 3, NULL, NULL), 0);
	assert_int_equal(l->hr_max, 176);
	assert_int_equal(l->hr_max_source, RD_HR_ESTIMATED);
	assert_int_equal(l->hr_max_summary, 0); /* from samples */
	assert_int_equal(l->hr_max_seen, -1); /* the median run is at 0.69 */
	assert_string_equal(rd_hr_source_name(l->hr_max_source), "estimated");
	double est = item(l, &a[1]).trimp;
	rd_load_free(l);

	rd_load_options opt = {200, 50};
	assert_int_equal(compute(&l, a, 3, &opt, NULL), 0);
	assert_int_equal(l->hr_max, 200);
	assert_int_equal(l->hr_max_source, RD_HR_GIVEN);
	/* A higher hr_max makes the same hour lighter. */
	assert_true(item(l, &a[1]).trimp < est);
	assert_near(item(l, &a[1]).trimp, rd_trimp_at(60.0, 90.0 / 150.0), 1e-9);
	rd_load_free(l);
}

/* Six runs at 141 bpm whose highest 2 minutes are at 147: that is no
 * maximum.  The estimate is raised so that the median run sits at 75% of
 * the reserve: 60 + (141.4 - 60) / 0.75, 169.  A given hr_max is never
 * raised. */
static void hr_max_raised_without_hard_effort(void **state)
{
	(void)state;
	rd_activity a[6];
	for (int i = 0; i < 6; i++) {
		fixture(&a[i], RD_SPORT_RUN, 20000 + 2 * i, 2400, 7000);
		at_hr(&a[i], 141, 2400 - 150);
		at_hr(&a[i], 147, 150);
	}
	rd_load *l = NULL;
	assert_int_equal(compute(&l, a, 6, NULL, NULL), 0);
	assert_int_equal(l->hr_max_seen, 147);
	assert_int_equal(l->hr_max_source, RD_HR_ESTIMATED);
	assert_int_equal(l->hr_max, 60 + (int)ceil((141 + 6.0 * 150 / 2400 - 60) / 0.75));
	assert_true(l->usual_hrr <= 0.75 && l->usual_hrr > 0.74);
	/* 80% of the reserve is now above the runs' heart rate */
	assert_true(l->hard_bpm > 147);
	assert_true(item(l, &a[0]).hard_share == 0.0);
	rd_load_free(l);

	rd_load_options opt = {150, -1};
	assert_int_equal(compute(&l, a, 6, &opt, NULL), 0);
	assert_int_equal(l->hr_max, 150);
	assert_int_equal(l->hr_max_seen, -1);
	rd_load_free(l);
}

static void hr_none_and_bad_options(void **state)
{
	(void)state;
	rd_activity a;
	fixture(&a, RD_SPORT_BIKE, 20000, 3600, 30000);
	rd_load *l = NULL;
	assert_int_equal(compute(&l, &a, 1, NULL, NULL), 0);
	assert_int_equal(l->hr_max_source, RD_HR_NONE);
	assert_int_equal(item(l, &a).method, RD_LOAD_DURATION);
	assert_true(isnan(item(l, &a).hard_share));
	assert_near(item(l, &a).trimp, rd_trimp_at(60.0, 0.5), 1e-9);
	rd_load_free(l);

	rd_diag diag = RD_DIAG_INIT;
	rd_load_options bad = {70, 60};
	l = (rd_load *)&a; /* must be reset to NULL */
	assert_int_equal(compute(&l, &a, 1, &bad, &diag), RD_EFORMAT);
	assert_null(l);
	assert_non_null(strstr(diag.message, "hr_max 70 bpm"));
}

static void pace_based_load(void **state)
{
	(void)state;
	/* Runs without heart rate: 5:00/km, 6:00/km (x3), 5:24/km. */
	rd_activity a[5];
	fixture(&a[0], RD_SPORT_RUN, 20000, 3000, 10000);
	fixture(&a[1], RD_SPORT_RUN, 20001, 3600, 10000);
	fixture(&a[2], RD_SPORT_RUN, 20002, 3600, 10000);
	fixture(&a[3], RD_SPORT_RUN, 20003, 3600, 10000);
	fixture(&a[4], RD_SPORT_TREADMILL, 20004, 2400, NAN);
	rd_load *l = NULL;
	assert_int_equal(compute(&l, a, 5, NULL, NULL), 0);
	assert_near(l->median_pace_s_km, 360.0, 1e-9);
	assert_near(l->usual_hrr, 0.70, 1e-9);
	assert_int_equal(item(l, &a[1]).method, RD_LOAD_PACE);
	assert_near(item(l, &a[1]).trimp, rd_trimp_at(60.0, 0.70), 1e-9);
	/* 20% faster than usual: 0.2 more heart-rate reserve. */
	assert_near(item(l, &a[0]).trimp, rd_trimp_at(50.0, 0.90), 1e-9);
	assert_true(item(l, &a[0]).per_minute > item(l, &a[1]).per_minute);
	/* Treadmill without distance: duration at the usual reserve. */
	assert_int_equal(item(l, &a[4]).method, RD_LOAD_DURATION);
	assert_near(item(l, &a[4]).trimp, rd_trimp_at(40.0, 0.70), 1e-9);
	rd_load_free(l);
}

/* No heart-rate samples but an average (a Strava row without its file, a
 * summary-only file): Banister's TRIMP at the average, for runs and other
 * sports alike; samples win over the average; an average outside 30..230
 * bpm is no heart rate. */
static void average_hr_load(void **state)
{
	(void)state;
	rd_activity a[4];
	fixture(&a[0], RD_SPORT_RUN, 20000, 3600, 12000);
	a[0].avg_hr = 150;
	fixture(&a[1], RD_SPORT_BIKE, 20001, 3600, 30000);
	a[1].avg_hr = 150;
	fixture(&a[2], RD_SPORT_RUN, 20002, 3600, 12000);
	at_hr(&a[2], 150, 3600);
	a[2].avg_hr = 170;
	fixture(&a[3], RD_SPORT_RUN, 20003, 3600, 12000);
	a[3].avg_hr = 20;
	rd_load_options opt = {190, 60};
	rd_load *l = NULL;
	assert_int_equal(compute(&l, a, 4, &opt, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(item(l, &a[i]).method, i == 2 ? RD_LOAD_HR : RD_LOAD_AVG_HR);
		assert_near(item(l, &a[i]).trimp, HOUR_150, 0.005);
		assert_near(item(l, &a[i]).minutes, 60.0, 1e-9);
	}
	assert_true(isnan(item(l, &a[0]).hard_share)); /* no time in zones */
	assert_int_equal(item(l, &a[3]).method, RD_LOAD_PACE);
	assert_string_equal(rd_load_method_name(RD_LOAD_AVG_HR), "average heart rate");
	/* the usual reserve counts the averaged run: both at 150 bpm */
	assert_near(l->usual_hrr, 90.0 / 130.0, 1e-9);
	rd_load_free(l);
}

/* With no activity holding 2 minutes of samples, hr_max is estimated from
 * the highest maximum the summaries give (a spike past 230 bpm ignored). */
static void hr_max_from_summaries(void **state)
{
	(void)state;
	rd_activity a[3];
	fixture(&a[0], RD_SPORT_RUN, 20000, 3600, 12000);
	a[0].avg_hr = 150, a[0].max_hr = 182;
	fixture(&a[1], RD_SPORT_RUN, 20001, 3600, 12000);
	a[1].avg_hr = 140, a[1].max_hr = 176;
	fixture(&a[2], RD_SPORT_RUN, 20002, 3600, 12000);
	a[2].max_hr = 250;
	at_hr(&a[2], 150, 60); /* under 2 minutes: no 2-minute max */
	rd_load *l = NULL;
	assert_int_equal(compute(&l, a, 3, NULL, NULL), 0);
	assert_int_equal(l->hr_max, 182);
	assert_int_equal(l->hr_max_source, RD_HR_ESTIMATED);
	assert_int_equal(l->hr_max_summary, 1);
	assert_near(l->usual_hrr, 85.0 / 122.0, 1e-9);
	assert_int_equal(item(l, &a[0]).method, RD_LOAD_AVG_HR);
	assert_near(item(l, &a[0]).trimp, rd_trimp_at(60.0, 90.0 / 122.0), 1e-9);
	rd_load_free(l);
}

/* A false start (a 20 s run) is no session in the weeks or the sessions
 * per week; a 90 s run named "parkrun" is a race, and one. */
static void false_starts_in_weeks(void **state)
{
	(void)state;
	rd_date mon = rd_date_from_ymd(2026, 11, 2);
	rd_activity a[3];
	fixture(&a[0], RD_SPORT_RUN, mon, 2400, 8000);
	fixture(&a[1], RD_SPORT_RUN, mon + 1, 20, 60);
	fixture(&a[2], RD_SPORT_RUN, mon + 2, 90, 500);
	a[2].name = "Bushy parkrun";
	assert_false(rd_activity_false_start(&a[0]));
	assert_true(rd_activity_false_start(&a[1]));
	assert_false(rd_activity_false_start(&a[2]));
	rd_week *w = NULL;
	size_t n = 0;
	assert_int_equal(weeks(&w, &n, a, NULL, 3, mon, mon + 6, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].sessions, 2);
	assert_int_equal(w[0].runs, 2);
	assert_near(w[0].km, 8.5, 1e-9);
	rd_free(w);
	assert_near(per_week(a, 3, mon + 7, 1, 1), 2.0, 1e-9);
}

/* One 150 bpm hour a day on `days` days from `day0`. */
static rd_activity *daily_hours(rd_date day0, size_t days)
{
	rd_activity *a = test_calloc(days, sizeof *a);
	for (size_t i = 0; i < days; i++) {
		fixture(&a[i], RD_SPORT_RUN, day0 + (rd_date)i, 3600, 12000);
		at_hr(&a[i], 150, 3600);
	}
	return a;
}

static void ewma_closed_form(void **state)
{
	(void)state;
	const size_t N = 100;
	rd_date day0 = rd_date_from_ymd(2026, 1, 1);
	rd_activity *a = daily_hours(day0, N);
	rd_load_options opt = {190, 60};
	rd_load *l = NULL;
	rd_load_day *s = NULL;
	size_t count = 0;
	assert_int_equal(compute(&l, a, N, &opt, NULL), 0);
	/* 30 rest days after the block: the averages decay. */
	assert_int_equal(series(&s, &count, a, l, N, day0, day0 + 129, NULL), 0);
	assert_int_equal(count, 130);
	double L = item(l, &a[0]).trimp;
	for (size_t n = 1; n <= N; n++) {
		/* After n days of constant load L from 0: L (1 - e^(-n/T)). */
		assert_near(s[n - 1].fitness, L * (1 - exp(-(double)n / 42)), 1e-9);
		assert_near(s[n - 1].fatigue, L * (1 - exp(-(double)n / 7)), 1e-9);
		assert_near(s[n - 1].form, s[n - 1].fitness - s[n - 1].fatigue, 1e-12);
		assert_near(s[n - 1].load, L, 1e-9);
	}
	assert_near(s[129].fitness, s[99].fitness * exp(-30.0 / 42), 1e-9);
	assert_near(s[129].load, 0.0, 0.0);
	assert_true(s[129].form > 0); /* rested: fatigue fell faster */
	rd_free(s);

	/* A window starting later is warmed up by the days before it. */
	assert_int_equal(series(&s, &count, a, l, N, day0 + 50, day0 + 50, NULL), 0);
	assert_int_equal(count, 1);
	assert_near(s[0].fitness, L * (1 - exp(-51.0 / 42)), 1e-9);
	rd_free(s);

	rd_diag diag = RD_DIAG_INIT;
	assert_int_equal(series(&s, &count, a, l, N, day0, day0 - 1, &diag), RD_EFORMAT);
	assert_null(s);
	assert_int_equal(count, 0);
	assert_near(rd_ewma_k(42), 1 - exp(-1.0 / 42), 1e-15);
	rd_load_free(l);
	test_free(a);
}

static void weeks_and_iso(void **state)
{
	(void)state;
	int y, w;
	rd_date_iso_week(rd_date_from_ymd(2027, 1, 1), &y, &w);
	assert_int_equal(y, 2026);
	assert_int_equal(w, 53);
	rd_date_iso_week(rd_date_from_ymd(2024, 12, 30), &y, &w);
	assert_int_equal(y, 2025);
	assert_int_equal(w, 1);
	rd_date_iso_week(rd_date_from_ymd(2026, 11, 23), &y, &w);
	assert_int_equal(y, 2026);
	assert_int_equal(w, 48);

	/* 14 days from Monday 2026-11-09, plus one ride on the second Sunday. */
	rd_date mon = rd_date_from_ymd(2026, 11, 9);
	rd_activity *a = daily_hours(mon, 15);
	fixture(&a[14], RD_SPORT_BIKE, mon + 13, 7200, 60000);
	rd_load_options opt = {190, 60};
	rd_load *l = NULL;
	rd_week *wk = NULL;
	size_t count = 0;
	assert_int_equal(compute(&l, a, 15, &opt, NULL), 0);
	assert_int_equal(weeks(&wk, &count, a, l, 15, mon + 2, mon + 20, NULL), 0);
	assert_int_equal(count, 3);
	assert_int_equal(wk[0].monday, mon);
	assert_int_equal(wk[0].iso_week, 46);
	assert_int_equal(wk[0].sessions, 7);
	assert_int_equal(wk[1].sessions, 8);
	assert_int_equal(wk[1].runs, 7);
	assert_near(wk[1].km, 7 * 12.0 + 60.0, 1e-9);
	assert_near(wk[1].hours, 9.0, 1e-9);
	assert_near(wk[0].load, 7 * item(l, &a[0]).trimp, 1e-9);
	assert_int_equal(wk[2].sessions, 0);
	rd_free(wk);

	/* The 4 weeks before 2026-11-30: 14 runs and a ride. */
	assert_near(per_week(a, 15, mon + 21, 4, 1), 14 / 4.0, 1e-12);
	assert_near(per_week(a, 15, mon + 21, 4, 0), 15 / 4.0, 1e-12);
	assert_near(per_week(a, 15, mon + 7, 1, 0), 7.0, 1e-12);
	rd_load_free(l);
	test_free(a);
}

static void local_date(void **state)
{
	(void)state;
	rd_activity a;
	fixture(&a, RD_SPORT_RUN, 20000, 3600, NAN);
	a.start_utc = rd_date_to_unix(20000) + 23 * 3600; /* 23:00 UTC */
	assert_int_equal(rd_activity_date(&a), 20000);
	a.has_utc_offset = 1;
	a.utc_offset_s = 2 * 3600; /* 01:00 the next day, local */
	assert_int_equal(rd_activity_date(&a), 20001);
	a.start_utc = INT64_MIN;
	assert_int_equal(rd_activity_date(&a), RD_DATE_NONE);
}

static void out_of_memory(void **state)
{
	(void)state;
	rd_date day0 = rd_date_from_ymd(2026, 1, 1);
	rd_activity *a = daily_hours(day0, 10);
	for (unsigned long k = 1;; k++) {
		rd_load *l = NULL;
		rd_load_day *s = NULL;
		rd_week *w = NULL;
		size_t count = 0;
		rd_alloc_fail_at(k);
		int rc = compute(&l, a, 10, NULL, NULL);
		if (rc == 0)
			rc = series(&s, &count, a, l, 10, day0, day0 + 9, NULL);
		if (rc == 0)
			rc = weeks(&w, &count, a, l, 10, day0, day0 + 9, NULL);
		rd_alloc_fail_at(0);
		rd_free(s);
		rd_free(w);
		rd_load_free(l);
		if (rc == 0)
			break;
		assert_int_equal(rc, RD_ENOMEM);
		assert_true(k < 20);
	}
	test_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trimp_flat_hour),
		cmocka_unit_test(trimp_clamps_and_partial_cover),
		cmocka_unit_test(hr_max_estimated_vs_given),
		cmocka_unit_test(hr_max_raised_without_hard_effort),
		cmocka_unit_test(hr_none_and_bad_options),
		cmocka_unit_test(pace_based_load),
		cmocka_unit_test(average_hr_load),
		cmocka_unit_test(hr_max_from_summaries),
		cmocka_unit_test(false_starts_in_weeks),
		cmocka_unit_test(ewma_closed_form),
		cmocka_unit_test(weeks_and_iso),
		cmocka_unit_test(local_date),
		cmocka_unit_test(out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
