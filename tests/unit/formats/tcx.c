/*
 * TCX reader: the real files of ../shared/corpus/tcx checked against
 * expected.tsv (each assertion cites its row), hand-made files from
 * tests/data/tcx (X02 StartTime with a trailing space, X13 points without
 * Position, laps winning over points, a DOCTYPE, a truncated file), and
 * feeding in chunks of any size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/reader.h"
#include "reader_run.h"

typedef run_result result;
#define MAX_ACTS RUN_MAX_ACTS

static result *read_file(const char *path, const char *name, size_t chunk)
{
	return run_reader_file(&tcx_reader, path, name, chunk);
}

#define CORPUS(f) RD_CORPUS "/tcx/" f
#define DATA(f) RD_TEST_DATA "/tcx/" f

static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.3f, want %.3f +- %.3f", got, want, tol);
}

/* sports-lib "should parse running TCX file (1)" */
static void sportslib_1604524853(void **state)
{
	(void)state;
	result *r = read_file(CORPUS("sports-lib/1604524853.tcx"), "a.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	const rd_activity *a = &r->acts[0];
	assert_int_equal(a->sport, RD_SPORT_RUN);      /* activity.type Run */
	assert_near(a->distance_m, 6106.6, 1e-9);      /* activity.distance_m 6106.6 */
	assert_int_equal(a->distance_estimated, 0);
	assert_int_equal(a->max_hr, 191);              /* activity.max_hr 191 */
	/* activity.avg_hr 158: the lap says <AverageHeartRateBpm>157, and
	 * lap totals win (the device's own figure); 1 bpm apart */
	assert_int_equal(a->avg_hr, 157);
	assert_near(a->avg_hr, 158, 1);
	/* activity.avg_cadence 69 (strides/min) from the TPX RunCadence of
	 * the points (the lap <Cadence>67 is bike cadence in the schema) */
	assert_int_equal(a->avg_cadence, 2 * 69);
	/* activity.timer_time 1:07:47 and elapsed_time 1:07:47: the lap's
	 * TotalTimeSeconds is 4070 and the points span 15:57:36-17:05:26
	 * (4070 s); sports-lib reports 3 s less. */
	assert_near(a->moving_s, 4070, 1e-9);
	assert_near(a->elapsed_s, 4070, 1e-9);
	assert_near(a->moving_s, 67 * 60 + 47, 3);
	assert_int_equal(a->records, 1495); /* xml.Trackpoint_element_count */
	free(r);
}

/* sports-lib "should parse running TCX file (4)": 5 laps, pauses, and
 * 10 spaces before <?xml (X01) */
static void sportslib_6281425038(void **state)
{
	(void)state;
	result *r = read_file(CORPUS("sports-lib/6281425038.tcx"), "b.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	const rd_activity *a = &r->acts[0];
	assert_int_equal(a->sport, RD_SPORT_RUN);         /* activity.type Run */
	assert_near(a->moving_s, 25 * 60 + 45, 0.5);      /* timer_time 25:45, moving_time 25:45 */
	assert_near(a->elapsed_s, 36 * 60 + 2, 0.5);      /* elapsed_time 36:02 */
	assert_int_equal(a->records, 1545);               /* Trackpoint count */
	assert_int_equal(r->warnings, 1);
	assert_string_equal(r->warning[0], "1:11: 10 whitespace bytes before the XML declaration skipped");
	free(r);
}

/* sports-lib "should parse running treadmill TCX file (3)" */
static void sportslib_treadmill(void **state)
{
	(void)state;
	result *r = read_file(CORPUS("sports-lib/6860622783.tcx"), "c.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	const rd_activity *a = &r->acts[0];
	/* activity.type IndoorRunning, is_trainer true: Running without any
	 * Position */
	assert_int_equal(a->sport, RD_SPORT_TREADMILL);
	assert_near(a->distance_m, 10630.37, 1e-9);   /* distance_m 10630.37 */
	assert_int_equal(a->avg_cadence, 2 * 82);     /* avg_cadence 82 (lap LX) */
	assert_int_equal(a->avg_hr, 145);             /* avg_hr 145 */
	assert_int_equal(a->max_hr, 177);             /* max_hr 177 */
	assert_near(a->moving_s, 51 * 60 + 38, 0.5);  /* timer_time 51:38 */
	/* elapsed_time 1:02:44: the lap starts 11:19:33, the last point is
	 * 12:22:16 (3763 s); sports-lib counts the last second too */
	assert_near(a->elapsed_s, 62 * 60 + 44, 1);
	assert_int_equal(a->start_utc, 1580642373);   /* Lap StartTime */
	assert_int_equal(a->records, 3101);           /* Trackpoint count */
	free(r);
}

/* vkurup/python-tcxparser tests/test_tcxparser.py */
static void tcxparser_test(void **state)
{
	(void)state;
	result *r = read_file(CORPUS("python-tcxparser/test.tcx"), "t.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	const rd_activity *a = &r->acts[0];
	assert_int_equal(a->sport, RD_SPORT_RUN);        /* activity_type running */
	assert_int_equal(a->start_utc, 1356557393);      /* started_at 2012-12-26T21:29:53Z */
	/* completed_at 2012-12-26T22:03:05Z */
	assert_near((double)a->start_utc + a->elapsed_s, 1356559385, 1e-9);
	assert_near(a->moving_s, 1992.78, 1e-6);         /* duration_s 1992.78 */
	assert_int_equal(a->max_hr, 189);                /* hr_max 189 */
	/* distance_m 4686.31103516 is the last point's DistanceMeters; the
	 * three laps sum to 4689.24 m and lap totals win (0.06% apart) */
	assert_near(a->distance_m, 1609.34399414 + 1609.34399414 + 1470.5546875, 1e-6);
	assert_near(a->distance_m, 4686.31103516, 3);
	/* hr_avg 156 is the plain mean of the points; ours is the laps'
	 * time-weighted average heart rate */
	assert_near(a->avg_hr, 156, 5);
	assert_int_equal(a->records, 384);
	free(r);
	/* no_hr.tcx "NoHeartRateDataError": no heart rate at all */
	r = read_file(CORPUS("python-tcxparser/no_hr.tcx"), "n.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->acts[0].avg_hr, -1);
	assert_int_equal(r->acts[0].max_hr, -1);
	for (int i = 0; i < 256; i++)
		assert_int_equal(rd_activity_hr_at(&r->acts[0], i), 0);
	free(r);
}

/* gpsbabel: history.tcx has 1205 <Trackpoint> (raw count); gpsbabel's
 * reference CSV keeps 1202 ("gpsbabel.trackpoints_read"): it drops the
 * points without Position, which we keep (X13) without a position. */
static void gpsbabel_files(void **state)
{
	(void)state;
	result *r = read_file(CORPUS("gpsbabel/history.tcx"), "h.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->acts[0].sport, RD_SPORT_BIKE);
	assert_int_equal(r->acts[0].records, 1205);
	free(r);
	r = read_file(CORPUS("gpsbabel/kona2013.tcx"), "k.tcx", 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->acts[0].records, 5); /* trackpoints_read 5 */
	assert_int_equal(r->acts[0].sport, RD_SPORT_BIKE);
	free(r);
	/* a Course, not an Activity: "Activity_element_count 0" */
	r = read_file(CORPUS("gpsbabel/gtrnctr-readcp.tcx"), "c.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->warning[0], "389:1: no <Activity> found: 1 courses are not activities");
	free(r);
	/* sup_activity_1: Sport="Other", 111 points */
	r = read_file(CORPUS("python-tcxparser/sup_activity_1.tcx"), "s.tcx", 0);
	assert_int_equal(r->acts[0].sport, RD_SPORT_OTHER);
	assert_int_equal(r->acts[0].records, 111);
	free(r);
}

static void laps_win_and_no_position(void **state)
{
	(void)state;
	result *r = read_file(DATA("x02-x13-laps.tcx"), "l.tcx", 0);
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->n, 1);
	const rd_activity *a = &r->acts[0];
	assert_int_equal(a->start_utc, 1505258820);   /* "2017-09-12T23:27:00Z " */
	assert_near(a->moving_s, 200, 1e-9);          /* 100.5 + 99.5 */
	assert_near(a->distance_m, 500, 1e-9);        /* 300 + 200 */
	assert_int_equal(a->max_hr, 160);             /* max of the laps */
	assert_int_equal(a->avg_hr, 130);             /* (120*100.5+140*99.5)/200 */
	assert_int_equal(a->avg_cadence, 2 * 85);     /* RunCadence 80, 90 */
	assert_int_equal(a->records, 4);              /* 2 without Position */
	assert_near(a->elapsed_s, 200, 1e-9);
	assert_int_equal(r->warnings, 0);
	free(r);
	/* treadmill: HR and distance, never a position; a Biking activity's
	 * Cadence (rpm) is not doubled */
	r = read_file(DATA("treadmill-no-position.tcx"), "t.tcx", 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->acts[0].sport, RD_SPORT_TREADMILL);
	assert_near(r->acts[0].distance_m, 6, 1e-9);
	assert_int_equal(r->acts[0].distance_estimated, 0);
	assert_int_equal(r->acts[0].max_hr, 104);
	assert_int_equal(r->acts[1].sport, RD_SPORT_BIKE);
	assert_int_equal(r->acts[1].avg_cadence, 90);
	free(r);
}

static void hostile(void **state)
{
	(void)state;
	result *r = read_file(DATA("doctype.tcx"), "doctype.tcx", 0);
	assert_int_equal(r->rc, RD_EFORMAT);
	assert_string_equal(r->error, "doctype.tcx:2:34: error: DOCTYPE declaration found; GPX and TCX files have none");
	assert_int_equal(r->n, 0);
	free(r);
	r = read_file(DATA("truncated-second-activity.tcx"), "cut.tcx", 0);
	assert_int_equal(r->rc, RD_EFORMAT);
	assert_string_equal(r->error, "cut.tcx:17:1: error: invalid XML: no element found");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->acts[0].status, RD_READ_OK);
	assert_near(r->acts[0].moving_s, 2, 1e-9);
	assert_int_equal(r->acts[1].status, RD_READ_PARTIAL);
	assert_int_equal(r->acts[1].sport, RD_SPORT_BIKE);
	assert_int_equal(r->acts[1].records, 1);
	free(r);
	/* a GPX given to the TCX reader */
	r = read_file(RD_TEST_DATA "/gpx/x12-segment-gap.gpx", "g.tcx", 0);
	assert_string_equal(r->error, "g.tcx:2:1: error: root element is <gpx>, expected <TrainingCenterDatabase>");
	free(r);
}

static void chunking(void **state)
{
	(void)state;
	static const char *files[] = {
		CORPUS("sports-lib/6281425038.tcx"), CORPUS("python-tcxparser/test.tcx"),
		DATA("x02-x13-laps.tcx"), DATA("truncated-second-activity.tcx"),
	};
	static const size_t chunks[] = {1, 5, 4096, 65536, 100000};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		result *a = read_file(files[i], "c.tcx", 0);
		for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
			result *b = read_file(files[i], "c.tcx", chunks[c]);
			assert_int_equal(a->rc, b->rc);
			assert_string_equal(a->error, b->error);
			assert_int_equal(a->n, b->n);
			for (int k = 0; k < a->n && k < MAX_ACTS; k++) {
				assert_int_equal(a->acts[k].records, b->acts[k].records);
				assert_int_equal(a->acts[k].start_utc, b->acts[k].start_utc);
				assert_int_equal(a->acts[k].avg_hr, b->acts[k].avg_hr);
				assert_true(memcmp(&a->acts[k].distance_m, &b->acts[k].distance_m, sizeof(double)) == 0);
				assert_true(memcmp(&a->acts[k].elapsed_s, &b->acts[k].elapsed_s, sizeof(double)) == 0);
				run_assert_same_hr(&a->acts[k], &b->acts[k]);
			}
			free(b);
		}
		free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sportslib_1604524853),
		cmocka_unit_test(sportslib_6281425038),
		cmocka_unit_test(sportslib_treadmill),
		cmocka_unit_test(tcxparser_test),
		cmocka_unit_test(gpsbabel_files),
		cmocka_unit_test(laps_win_and_no_position),
		cmocka_unit_test(hostile),
		cmocka_unit_test(chunking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
