/* Strava activities.csv: RFC 4180, header variants, dates, numbers
 * (BAD-INPUTS C01-C03). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/strava_csv.h"

typedef struct warns {
	int n;
	char last[512];
	unsigned long line;
} warns;

static void on_warn(void *ctx, const rd_diag *w)
{
	warns *ws = ctx;
	ws->n++;
	snprintf(ws->last, sizeof ws->last, "%s", w->message);
	ws->line = w->line;
}

/* Parses text fed in chunks of step bytes. */
static int parse(const char *text, size_t step, strava_csv **out, warns *ws,
		 rd_diag *d)
{
	assert_int_equal(strava_csv_new(out, "activities.csv", on_warn, ws), 0);
	size_t n = strlen(text);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += step)
		rc = strava_csv_feed(*out, (const uint8_t *)text + i, n - i < step ? n - i : step, d);
	return rc ? rc : strava_csv_finish(*out, d);
}

static void dates(void **state)
{
	(void)state;
	int64_t t;
	/* 2018-09-12 15:02:23 UTC = 1536764543 */
	const char *same[] = {"Sep 12, 2018, 3:02:23 PM", "12.09.2018, 15:02:23",
			      "2018-09-12 15:02:23", "2018-09-12T15:02:23Z",
			      "Sept 12, 2018, 3:02:23 PM"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(strava_parse_date(&t, same[i]), 0);
		assert_int_equal(t, 1536764543);
	}
	assert_int_equal(strava_parse_date(&t, "09.12.2022, 15:24:49"), 0);
	assert_int_equal(t, 1670599489); /* 9 December 2022 */
	assert_int_equal(strava_parse_date(&t, "Oct 01, 2024, 12:05:00 AM"), 0);
	assert_int_equal(t, 1727741100);
	assert_int_equal(strava_parse_date(&t, "Jan 1, 2025, 12:00:00 PM"), 0);
	assert_int_equal(t, 1735732800);
	const char *bad[] = {"", "yesterday", "Feb 30, 2021, 1:00:00 PM",
			     "Sep 12, 2018, 13:02:23 PM", "2018-09-12", "12.09.2018"};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(strava_parse_date(&t, bad[i]), RD_EFORMAT);
}

static void numbers(void **state)
{
	(void)state;
	double v;
	assert_int_equal(strava_parse_number(&v, "9,44"), 0);
	assert_float_equal(v, 9.44, 1e-9);
	assert_int_equal(strava_parse_number(&v, " 13609.2001953125 "), 0);
	assert_float_equal(v, 13609.2001953125, 1e-9);
	assert_int_equal(strava_parse_number(&v, "-3.5"), 0);
	assert_float_equal(v, -3.5, 1e-12);
	assert_int_equal(strava_parse_number(&v, ""), RD_EFORMAT);
	assert_int_equal(strava_parse_number(&v, "1.2.3"), RD_EFORMAT);
	assert_int_equal(strava_parse_number(&v, "12 km"), RD_EFORMAT);
}

/* C02: quoted commas, newlines and "" inside fields; CRLF rows; a BOM. */
static void rfc4180(void **state)
{
	(void)state;
	const char *text =
		"\xef\xbb\xbf\"Activity ID\",\"Activity Date\",\"Activity Name\",Activity Type,Activity Description,Filename\r\n"
		"1,\"Sep 12, 2018, 3:02:23 PM\",\"Say \"\"hi\"\", now\",Run,\"line one\r\nline, two\n\nthree\",activities/1.fit\r\n"
		"\r\n"
		"2,\"Sep 13, 2018, 3:02:23 PM\",Plain,Ride,,activities/2.gpx.gz";
	for (size_t step = 1; step < 40; step += 13) {
		strava_csv *c;
		warns ws = {0};
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(parse(text, step, &c, &ws, &d), 0);
		assert_int_equal(strava_csv_count(c), 2); /* rows, not lines */
		const strava_row *r = strava_csv_row(c, 0);
		assert_string_equal(r->id, "1");
		assert_string_equal(r->name, "Say \"hi\", now");
		assert_string_equal(r->filename, "activities/1.fit");
		assert_int_equal(r->line, 2);
		r = strava_csv_row(c, 1);
		assert_string_equal(r->type, "Ride");
		assert_int_equal(r->line, 7);
		assert_string_equal(r->filename, "activities/2.gpx.gz");
		assert_null(strava_csv_row(c, 2));
		assert_int_equal(ws.n, 0);
		strava_csv_free(c);
	}
}

/* Long fields are cut to their caps on a character boundary, and every
 * row keeps its own text (200 rows, each name different). */
static void long_fields(void **state)
{
	(void)state;
	char *text = malloc(200 * 640 + 200);
	assert_non_null(text);
	size_t at = (size_t)sprintf(text, "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n");
	for (int i = 0; i < 200; i++) {
		at += (size_t)sprintf(text + at, "%040d,\"Sep 12, 2018, 3:02:23 PM\",", i); /* a 40-digit id */
		for (int k = 0; k < 100; k++)
			at += (size_t)sprintf(text + at, "\xc3\xa9"); /* 100 x e-acute */
		at += (size_t)sprintf(text + at, " %d,Run,activities/%d.fit\n", i, i);
	}
	strava_csv *c;
	warns ws = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(parse(text, 4096, &c, &ws, &d), 0);
	assert_int_equal(strava_csv_count(c), 200);
	for (size_t i = 0; i < 200; i++) {
		const strava_row *r = strava_csv_row(c, i);
		char want[64];
		snprintf(want, sizeof want, "%040zu", i);
		assert_int_equal(strlen(r->id), STRAVA_ID_MAX);
		assert_memory_equal(r->id, want, STRAVA_ID_MAX);
		assert_int_equal(strlen(r->name), 158); /* 79 whole characters */
		for (size_t k = 0; k < 158; k += 2)
			assert_memory_equal(r->name + k, "\xc3\xa9", 2);
		snprintf(want, sizeof want, "activities/%zu.fit", i);
		assert_string_equal(r->filename, want);
	}
	strava_csv_free(c);
	free(text);
}

/* C01: the two Distance columns (km, then m), two Elapsed Time columns. */
static void duplicate_columns(void **state)
{
	(void)state;
	const char *text =
		"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Max Heart Rate,Filename,Elapsed Time,Moving Time,Distance,Max Heart Rate,Average Heart Rate,Competition\n"
		"7,\"Oct 5, 2014, 4:15:21 PM\",Lunch Run,Run,2833,13.61,,a.gpx,2833.0,2499.0,13609.2001953125,171.0,150.0,true\n"
		"8,\"Oct 6, 2014, 4:15:21 PM\",Short,Run,,5.5,,b.gpx,1800.0,,,,,\n";
	strava_csv *c;
	warns ws = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(parse(text, 1000, &c, &ws, &d), 0);
	const strava_row *r = strava_csv_row(c, 0);
	assert_float_equal(r->distance_m, 13609.2001953125, 1e-9); /* the metres column */
	assert_float_equal(r->elapsed_s, 2833, 1e-9);
	assert_float_equal(r->moving_s, 2499, 1e-9);
	assert_int_equal(r->max_hr, 171);
	assert_int_equal(r->avg_hr, 150);
	assert_int_equal(r->race, 1);
	assert_int_equal(r->start_utc, 1412525721);
	r = strava_csv_row(c, 1);
	assert_float_equal(r->distance_m, 5500, 1e-9); /* km when metres are empty */
	assert_float_equal(r->elapsed_s, 1800, 1e-9);  /* second Elapsed Time */
	assert_true(isnan(r->moving_s));
	assert_int_equal(r->max_hr, -1);
	assert_int_equal(r->race, 0);
	strava_csv_free(c);
}

/* C01/C03: the German export, with a decimal comma; the old lower-case
 * header in metres; a workout type column. */
static void header_variants(void **state)
{
	(void)state;
	const char *german =
		"Aktivitäts-ID,Aktivitätsdatum,Name der Aktivität,Aktivitätsart,Aktivitätsbeschreibung,Verstrichene Zeit,Distanz,Max. Herzfrequenz,Dateiname\n"
		"8228026758,\"09.12.2022, 15:24:49\",2022-12-09 16:24,Radfahrt,\"bewölkt, 0°C\n---\n \",3189,\"9,44\",,activities/8228026758.gpx\n";
	strava_csv *c;
	warns ws = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(parse(german, 7, &c, &ws, &d), 0);
	const strava_row *r = strava_csv_row(c, 0);
	assert_string_equal(r->id, "8228026758");
	assert_int_equal(r->start_utc, 1670599489);
	assert_float_equal(r->distance_m, 9440, 1e-6);
	assert_int_equal(strava_sport(r->type), RD_SPORT_BIKE);
	assert_string_equal(r->filename, "activities/8228026758.gpx");
	strava_csv_free(c);

	const char *old =
		"id,date,name,type,description,elapsed_time,distance,commute,gear,filename,workout_type\n"
		"1836776031,2018-09-12 15:02:23,Evening Race,Run,,783,3681.0,true,Merida,activities/1836776031.gpx,1\n"
		"1836776032,2018-09-13 15:02:23,Intervals,Run,,783,3681.0,true,Merida,,3\n";
	assert_int_equal(parse(old, 5, &c, &ws, &d), 0);
	r = strava_csv_row(c, 0);
	assert_float_equal(r->distance_m, 3681, 1e-9);
	assert_int_equal(r->race, 1);
	assert_int_equal(r->workout, 0);
	assert_int_equal(strava_csv_row(c, 1)->workout, 1);
	strava_csv_free(c);
}

/* C03: an unknown date keeps the row, start unknown, and warns. */
static void unknown_date(void **state)
{
	(void)state;
	const char *text = "Activity ID,Activity Date\n42,letzten Dienstag\n";
	strava_csv *c;
	warns ws = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(parse(text, 100, &c, &ws, &d), 0);
	assert_int_equal(strava_csv_count(c), 1);
	assert_int_equal(strava_csv_row(c, 0)->start_utc, INT64_MIN);
	assert_int_equal(ws.n, 1);
	assert_string_equal(ws.last, "activity 42: date 'letzten Dienstag' not understood; start unknown");
	assert_int_equal(ws.line, 2);
	strava_csv_free(c);
}

/* C01: a required column missing; an unterminated quote keeps earlier rows. */
static void errors(void **state)
{
	(void)state;
	strava_csv *c;
	warns ws = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(parse("Activity Name,Activity Date\nx,y\n", 100, &c, &ws, &d), RD_EFORMAT);
	assert_string_equal(d.message, "activities.csv has no 'Activity ID' column");
	assert_int_equal(d.line, 1);
	strava_csv_free(c);

	rd_diag d2 = RD_DIAG_INIT;
	assert_int_equal(parse("id,date\n1,2018-09-12 15:02:23\n2,\"2018-09-12", 3, &c, &ws, &d2),
			 RD_EFORMAT);
	assert_string_equal(d2.message, "unterminated quoted field");
	assert_int_equal(d2.line, 3);
	assert_int_equal(d2.col, 3);
	assert_int_equal(strava_csv_count(c), 1);
	strava_csv_free(c);

	rd_diag d3 = RD_DIAG_INIT;
	assert_int_equal(parse("", 3, &c, &ws, &d3), RD_EFORMAT);
	assert_string_equal(d3.message, "activities.csv has no header row");
	strava_csv_free(c);
}

static void sports(void **state)
{
	(void)state;
	assert_int_equal(strava_sport("Run"), RD_SPORT_RUN);
	assert_int_equal(strava_sport("trail run"), RD_SPORT_TRAIL);
	assert_int_equal(strava_sport("Virtual Run"), RD_SPORT_TREADMILL);
	assert_int_equal(strava_sport("Hike"), RD_SPORT_WALK);
	assert_int_equal(strava_sport("Nordic Ski"), RD_SPORT_OTHER);
	assert_int_equal(strava_sport(""), RD_SPORT_UNKNOWN);
}

static strava_csv *parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	strava_csv *c;
	assert_int_equal(strava_csv_new(&c, path, NULL, NULL), 0);
	uint8_t buf[65536];
	size_t n;
	rd_diag d = RD_DIAG_INIT;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		assert_int_equal(strava_csv_feed(c, buf, n, &d), 0);
	fclose(f);
	assert_int_equal(strava_csv_finish(c, &d), 0);
	return c;
}

/* The real export (expected.tsv: 1845 rows, Ride=947, Run=643 ...) and the
 * small one (75 rows: Run=56, Ride=19). */
static void corpus(void **state)
{
	(void)state;
	strava_csv *c = parse_file(RD_CORPUS "/strava/jobo-export-2025-08/activities.csv");
	assert_int_equal(strava_csv_count(c), 1845);
	size_t ride = 0, run = 0, hike = 0, dated = 0, with_file = 0;
	for (size_t i = 0; i < strava_csv_count(c); i++) {
		const strava_row *r = strava_csv_row(c, i);
		ride += !strcmp(r->type, "Ride");
		run += !strcmp(r->type, "Run");
		hike += !strcmp(r->type, "Hike");
		dated += r->start_utc != INT64_MIN;
		with_file += r->filename[0] != 0;
	}
	assert_int_equal(ride, 947);
	assert_int_equal(run, 643);
	assert_int_equal(hike, 110);
	assert_int_equal(dated, 1845);
	assert_int_equal(with_file, 1845);
	const strava_row *r = strava_csv_row(c, 0);
	assert_string_equal(r->id, "203707851");
	assert_int_equal(r->start_utc, 1412525721); /* Oct 5, 2014, 4:15:21 PM */
	assert_float_equal(r->distance_m, 13609.2001953125, 1e-6);
	assert_float_equal(r->moving_s, 2499, 1e-9);
	assert_string_equal(r->filename, "activities/203707851.gpx");
	strava_csv_free(c);

	c = parse_file(RD_CORPUS "/strava/athlytics-mini-export/activities.csv");
	assert_int_equal(strava_csv_count(c), 75);
	run = ride = 0;
	for (size_t i = 0; i < strava_csv_count(c); i++) {
		run += strava_sport(strava_csv_row(c, i)->type) == RD_SPORT_RUN;
		ride += strava_sport(strava_csv_row(c, i)->type) == RD_SPORT_BIKE;
	}
	assert_int_equal(run, 56);
	assert_int_equal(ride, 19);
	r = strava_csv_row(c, 0); /* a lone Distance column in metres: 33892 */
	assert_float_equal(r->distance_m, 33892, 1e-9);
	assert_float_equal(r->elapsed_s, 5486, 1e-9);
	strava_csv_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates), cmocka_unit_test(numbers),
		cmocka_unit_test(rfc4180), cmocka_unit_test(duplicate_columns),
		cmocka_unit_test(long_fields),
		cmocka_unit_test(header_variants), cmocka_unit_test(unknown_date),
		cmocka_unit_test(errors), cmocka_unit_test(sports),
		cmocka_unit_test(corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
