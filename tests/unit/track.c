/* Tests of the record accumulator (src/track.c) with synthetic samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "track.h"

#include <math.h>
#include <string.h>

static track_sample at(double t, int hr)
{
	track_sample s;
	track_sample_init(&s);
	s.time = t;
	s.hr = hr;
	return s;
}

/* Finishes into the next of four histograms: a test may compare two. */
static void finish(track *t, rd_activity *a)
{
	static uint16_t hr[4][RD_HR_BINS];
	static unsigned next;
	rd_activity_init(a);
	track_finish(t, a, hr[next++ % 4]);
}

static void test_moving_time_and_gaps(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	for (int i = 0; i <= 60; i++) {
		track_sample s = at(1000 + i, -1);
		track_add(&t, &s);
	}
	track_sample late = at(1060 + TRACK_PAUSE_S + 5, -1); /* a gap */
	track_add(&t, &late);
	track_sample p = at(1076, -1);
	p.paused = 1; /* timer stopped: interval not moving */
	track_add(&t, &p);
	track_sample q = at(1077, -1);
	track_add(&t, &q);
	finish(&t, &a);
	assert_true(fabs(a.moving_s - 61) < 1e-9);
	assert_true(fabs(a.elapsed_s - 77) < 1e-9);
	assert_int_equal(a.records, 64);
	assert_int_equal(a.start_utc, 1000);
}

static void test_backwards_timestamps(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	double times[] = {100, 101, 102, 90, 91, 92};
	track_init(&t);
	for (int i = 0; i < 6; i++) {
		track_sample s = at(times[i], 150);
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_int_equal(t.backwards, 1);
	assert_true(a.moving_s >= 0 && a.elapsed_s >= 0);
	assert_true(fabs(a.moving_s - 4) < 1e-9);
	assert_true(fabs(a.elapsed_s - 4) < 1e-9);
}

static void test_heart_rate(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	/* 100 bpm for 30 s, then 160 bpm for 10 s (held from its sample),
	 * then one sample at 300 bpm (capped bin). */
	for (int i = 0; i < 30; i++) {
		track_sample s = at(i, 100);
		track_add(&t, &s);
	}
	track_sample s = at(30, 160);
	track_add(&t, &s);
	track_sample e = at(40, 300);
	track_add(&t, &e);
	track_sample e2 = at(41, -1);
	track_add(&t, &e2);
	finish(&t, &a);
	/* intervals: 29 s at 100, 1 s at 100 (29->30), 10 s at 160,
	 * 1 s at 300 */
	assert_int_equal(rd_activity_hr_at(&a, 100), 30);
	assert_int_equal(rd_activity_hr_at(&a, 160), 10);
	assert_int_equal(rd_activity_hr_at(&a, RD_HR_BINS - 1), 1);
	assert_int_equal(a.avg_hr, (int)lround((30 * 100 + 10 * 160 + 300) / 41.0));
	assert_int_equal(a.max_hr, 300);
}

/* Smart recording: points 20 s apart.  Moving ones count whatever the
 * gap; a runner standing still (the fix drifting by 2 m) does not. */
static void test_moving_by_speed(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	double lat = 45.0;
	for (int i = 0; i <= 10; i++) { /* 3 m/s: 60 m per 20 s */
		track_sample s = at(i * 20.0, -1);
		s.lat = lat + i * 60 / 111195.0;
		s.lon = 7.0;
		track_add(&t, &s);
	}
	lat += 600 / 111195.0;
	for (int i = 1; i <= 5; i++) { /* stopped: 2 m of drift per 20 s */
		track_sample s = at(200 + i * 20.0, -1);
		s.lat = lat + (i % 2) * 2 / 111195.0;
		s.lon = 7.0;
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_true(fabs(a.moving_s - 200) < 1e-9);
	assert_true(fabs(a.elapsed_s - 300) < 1e-9);
}

/* The device distance decides before positions, and a sample without
 * distance measures from the last one that had it. */
static void test_moving_by_device_distance(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	double d[] = {0, 3, 6, 6, 6, 6, NAN, 12, 12.2};
	for (int i = 0; i < 9; i++) {
		track_sample s = at(i, -1);
		s.dist_m = d[i];
		s.lat = 45.0; /* the position does not move: ignored */
		s.lon = 7.0;
		track_add(&t, &s);
	}
	finish(&t, &a);
	/* moving: 0-1, 1-2 (3 m/s); stopped 2-5; 5-6 has no distance but a
	 * position that does not move: stopped; 5-7 covers 6 m in 2 s: the
	 * interval 6-7 moves; 7-8 is 0.2 m/s: stopped */
	assert_true(fabs(a.moving_s - 3) < 1e-9);
	assert_true(fabs(a.distance_m - 12.2) < 1e-9);
}

/* The device speed when there is no distance; a stopped timer never
 * counts, even at speed. */
static void test_moving_speed_and_pause(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	double v[] = {2, 2, 0.1, 0.1, 3, 3, 3};
	for (int i = 0; i < 7; i++) {
		track_sample s = at(i * 30.0, 150);
		s.speed_mps = v[i];
		s.paused = i == 5;
		track_add(&t, &s);
	}
	finish(&t, &a);
	/* closing samples 1 (2 m/s), 4 and 6 (3 m/s) move; 5 is paused */
	assert_true(fabs(a.moving_s - 90) < 1e-9);
	/* heart rate: held 30 s over every interval but the paused one */
	assert_int_equal(rd_activity_hr_at(&a, 150), 5 * TRACK_HR_HOLD_S);
}

/* A heart rate holds for at most TRACK_HR_HOLD_S, moving or not. */
static void test_heart_rate_hold(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	int hr[] = {100, 160, 160, -1, 120};
	double tm[] = {0, 600, 610, 620, 700};
	for (int i = 0; i < 5; i++) {
		track_sample s = at(tm[i], hr[i]);
		track_add(&t, &s);
	}
	finish(&t, &a);
	/* 100 for 30 of 600 s, 160 for 10 + 10 s, nothing after the
	 * unknown sample, and the last one opens no interval */
	assert_int_equal(rd_activity_hr_at(&a, 100), 30);
	assert_int_equal(rd_activity_hr_at(&a, 160), 20);
	assert_int_equal(a.avg_hr, (int)lround((30 * 100 + 20 * 160) / 50.0));
	/* without positions, distance or speed: the gap rule */
	assert_true(fabs(a.moving_s - 20) < 1e-9);
}

static void test_file_totals_win(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	for (int i = 0; i < 5; i++) {
		track_sample s = at(i, 120);
		s.dist_m = i * 3.0;
		track_add(&t, &s);
	}
	rd_activity_init(&a);
	a.distance_m = 1234;
	a.avg_hr = 99;
	a.moving_s = 3;
	uint16_t hr[RD_HR_BINS];
	track_finish(&t, &a, hr);
	assert_true(a.distance_m == 1234);
	assert_int_equal(a.avg_hr, 99);
	assert_true(a.moving_s == 3);
	assert_true(fabs(a.elapsed_s - 4) < 1e-9);
	finish(&t, &a);
	assert_true(fabs(a.distance_m - 12) < 1e-9);
	assert_int_equal(a.distance_estimated, 0);
}

static void test_haversine_distance(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	/* 0.01 degree of latitude is 1111.95 m on the mean sphere. */
	for (int i = 0; i <= 10; i++) {
		track_sample s = at(i, -1);
		s.lat = 45.0 + i * 0.001;
		s.lon = 7.0;
		track_add(&t, &s);
	}
	track_sample none = at(11, -1); /* missing position: not 0,0 */
	track_add(&t, &none);
	finish(&t, &a);
	assert_true(fabs(a.distance_m - 1111.95) < 0.05);
	assert_int_equal(a.distance_estimated, 1);
}

/* The libm haversine, the reference for the accumulator's series. */
static double reference_m(double lat1, double lon1, double lat2, double lon2)
{
	const double r = M_PI / 180.0;
	double sl = sin((lat2 - lat1) * r / 2), so = sin((lon2 - lon1) * r / 2);
	double a = sl * sl + cos(lat1 * r) * cos(lat2 * r) * so * so;
	return 2 * 6371008.8 * asin(sqrt(a > 1 ? 1 : a));
}

/* Steps from centimetres to thousands of kilometres, near the poles and
 * across the antimeridian: each agrees with libm to a few ulps (2e-15). */
static void test_haversine_series(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		double lat = (double)(seed % 179000) / 1000.0 - 89.5;
		seed = seed * 1103515245u + 12345u;
		double lon = (double)(seed % 360000) / 1000.0 - 180.0;
		double scale = pow(10, -7 + (i % 10)); /* 1e-7 to 100 degrees */
		seed = seed * 1103515245u + 12345u;
		double dlat = scale * ((double)(seed % 2001) / 1000.0 - 1.0);
		seed = seed * 1103515245u + 12345u;
		double dlon = scale * ((double)(seed % 2001) / 1000.0 - 1.0);
		double lat2 = fmax(-90, fmin(90, lat + dlat));
		double lon2 = lon + dlon;
		if (lon2 > 180)
			lon2 -= 360;
		track t;
		rd_activity a;
		track_init(&t);
		track_sample s = at(0, -1);
		s.lat = lat, s.lon = lon;
		track_add(&t, &s);
		s = at(1, -1);
		s.lat = lat2, s.lon = lon2;
		track_add(&t, &s);
		finish(&t, &a);
		double want = reference_m(lat, lon, lat2, lon2);
		if (fabs(a.distance_m - want) > 2e-15 * want)
			fail_msg("step %d: %.17g m, libm %.17g m", i, a.distance_m,
				 want);
	}
}

static void test_speed_integration(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	for (int i = 0; i <= 100; i++) {
		track_sample s = at(i, -1);
		s.speed_mps = 2.5;
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_true(fabs(a.distance_m - 250) < 1e-9);
	assert_int_equal(a.distance_estimated, 1);
}

static void test_ascent_hysteresis(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	double alts[] = {100, 101, 99.5, 101, 100, 101.5, 100, /* noise: 0 */
			 105, 110, 109, 115,        /* +15, the dip is noise */
			 100, 104,                  /* +4 */
			 102.1, 104, 102.1, 104};   /* 1.9 m wiggles: 0 */
	track_init(&t);
	for (size_t i = 0; i < sizeof alts / sizeof *alts; i++) {
		track_sample s = at((double)i, -1);
		s.alt_m = alts[i];
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_true(fabs(a.ascent_m - 19) < 1e-9);
	/* a drop of the threshold moves the reference: 104 -> 102 -> 104.5 */
	double more[] = {102, 104.5};
	for (size_t i = 0; i < 2; i++) {
		track_sample s = at(20.0 + (double)i, -1);
		s.alt_m = more[i];
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_true(fabs(a.ascent_m - 21.5) < 1e-9);
}

static void test_cadence_and_unknowns(void **state)
{
	(void)state;
	track t;
	rd_activity a;
	track_init(&t);
	finish(&t, &a);
	assert_true(isnan(a.elapsed_s) && isnan(a.distance_m));
	assert_true(isnan(a.ascent_m));
	assert_int_equal(a.avg_hr, -1);
	assert_int_equal(a.avg_cadence, -1);
	assert_true(a.start_utc == INT64_MIN);
	int cad[] = {80, 0, 90, -1, 85};
	for (int i = 0; i < 5; i++) {
		track_sample s = at(i, -1);
		s.cadence = cad[i];
		track_add(&t, &s);
	}
	finish(&t, &a);
	assert_int_equal(a.avg_cadence, 85);
}

/* Pieces continued and merged equal one track over all samples. */
static void test_continue_merge(void **state)
{
	(void)state;
	track whole, p1, p2, sum;
	rd_activity a, b;
	track_init(&whole);
	track_init(&p1);
	for (int i = 0; i < 40; i++) {
		/* 1 s, then 15 s apart from sample 15; stopped from 18 to 25;
		 * the first sample of p2 has no distance and no heart rate */
		track_sample s = at(i < 15 ? i : 15 + (i - 15) * 15.0,
				    i == 20 ? -1 : 100 + i);
		s.lat = 45 + (i < 18 ? i : i < 25 ? 18 : i - 7) * 1e-4;
		s.lon = 7;
		s.alt_m = i % 2 ? 100 + i : 90;
		s.dist_m = i == 20 ? NAN : (i < 18 ? i : i < 25 ? 18 : i - 7) * 11.0;
		if (i == 20)
			track_continue(&p2, &p1);
		track_add(&whole, &s);
		track_add(i < 20 ? &p1 : &p2, &s);
	}
	sum = p1;
	track_merge(&sum, &p2);
	finish(&whole, &a);
	finish(&sum, &b);
	assert_true(fabs(a.moving_s - b.moving_s) < 1e-9);
	assert_true(fabs(a.distance_m - b.distance_m) < 1e-9);
	assert_true(fabs(a.ascent_m - b.ascent_m) < 1e-9);
	assert_int_equal(a.avg_hr, b.avg_hr);
	assert_int_equal(a.records, b.records);
	assert_true(a.moving_s > 14 && a.moving_s < a.elapsed_s - 100);
	assert_int_equal(a.hr_low, b.hr_low);
	assert_int_equal(a.hr_bins, b.hr_bins);
	assert_memory_equal(a.hr_seconds, b.hr_seconds, a.hr_bins * sizeof *a.hr_seconds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moving_time_and_gaps),
		cmocka_unit_test(test_backwards_timestamps),
		cmocka_unit_test(test_heart_rate),
		cmocka_unit_test(test_moving_by_speed),
		cmocka_unit_test(test_moving_by_device_distance),
		cmocka_unit_test(test_moving_speed_and_pause),
		cmocka_unit_test(test_heart_rate_hold),
		cmocka_unit_test(test_file_totals_win),
		cmocka_unit_test(test_haversine_distance),
		cmocka_unit_test(test_haversine_series),
		cmocka_unit_test(test_speed_integration),
		cmocka_unit_test(test_ascent_hysteresis),
		cmocka_unit_test(test_cadence_and_unknowns),
		cmocka_unit_test(test_continue_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
