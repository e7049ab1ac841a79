/*
 * oom.c: allocation-failure injection (the SQLite / curl "torture" loop).
 *
 * For each operation below, rd_alloc_fail_at(N) makes the N-th allocation
 * through src/alloc.h fail, for N = 1, 2, ... until the operation makes
 * fewer than N allocations, that is, until it succeeds without meeting the
 * injected failure.  Each failing run must return RD_ENOMEM (never another
 * code, never a crash), and, run under ASan (make check-asan), leak nothing.
 * The last run must succeed and give the same result as a run without
 * injection, so the loop cannot pass by failing everything.
 *
 * Open findings (in code this test does not own) are skipped unless
 * (no case is skipped: the bugs this loop found are fixed).
 *
 * What the hook does not see: libyaml (profile parsing) and jansson (the
 * JSON writer) allocate with plain malloc, so their own allocations are not
 * failed here; every allocation of ours around them is.  Expat's are seen:
 * the XML layer hands expat rd_malloc/rd_realloc/rd_free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "formats/reader.h"
#include "rubdown/plan.h"
#include "rubdown/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An operation: 0 and a result summary in *sum, or an RD_E code. */
static char last_error[512]; /* the diag of the last failed run */
typedef int (*op_fn)(const void *arg, unsigned long *sum);

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Runs op with failure at every allocation in turn; returns the number of
 * injected failures. */
static unsigned long torture(op_fn op, const void *arg)
{
	unsigned long ref = 0, sum, made, n;

	rd_alloc_fail_at(0);
	assert_int_equal(op(arg, &ref), 0);
	for (n = 1;; n++) {
		int rc;
		sum = 0;
		rd_alloc_fail_at(n);
		rc = op(arg, &sum);
		made = rd_alloc_fail_at(0);
		if (made < n) {
			assert_int_equal(rc, 0);
			assert_int_equal(sum, ref);
			return n - 1;
		}
		if (rc != RD_ENOMEM)
			fail_msg("allocation %lu of %lu failed: got %d, not RD_ENOMEM: %s",
				 n, made, rc, last_error);
	}
}

/* ---- activity readers ------------------------------------------------- */

typedef struct reader_case {
	const reader_ops *ops;
	const uint8_t *data;
	size_t len;
	size_t chunk;
} reader_case;

static int count_emit(void *ctx, const rd_activity *a)
{
	unsigned long *sum = ctx;
	*sum += 1000u * 1000u + a->records;
	return 0;
}

static int read_activity(const void *arg, unsigned long *sum)
{
	const reader_case *c = arg;
	activity_sink sink = {count_emit, sum, NULL, NULL};
	rd_diag diag = RD_DIAG_INIT;
	void *st = c->ops->open("oom", &sink, NULL);
	size_t at = 0;
	int rc = 0, frc;

	if (st == NULL)
		return RD_ENOMEM;
	while (rc == 0 && at < c->len) {
		size_t n = c->len - at < c->chunk ? c->len - at : c->chunk;
		rc = c->ops->feed(st, c->data + at, n, &diag);
		at += n;
	}
	frc = c->ops->finish(st, &diag);
	c->ops->close(st);
	if (rc == 0)
		rc = frc;
	rd_diag_format(&diag, last_error, sizeof last_error);
	if (rc != 0 && diag.code != rc)
		fail_msg("returned %d but the diag says %d: %s", rc, diag.code,
			 last_error);
	return rc;
}

static void run_reader(const reader_ops *ops, const char *path, size_t chunk)
{
	reader_case c = {ops, NULL, 0, chunk};
	uint8_t *buf = slurp(path, &c.len);
	unsigned long n;

	c.data = buf;
	n = torture(read_activity, &c);
	print_message("%s %s: %lu allocations failed in turn\n", ops->name, path, n);
	assert_true(n > 0);
	free(buf);
}

static void fit_decode(void **state)
{
	(void)state;
	run_reader(&fit_reader, RD_CORPUS "/fit/python-fitparse/Activity.fit", 4096);
	run_reader(&fit_reader, RD_CORPUS "/fit/python-fitparse/DeveloperData.fit", 7);
	run_reader(&fit_reader,
		   RD_CORPUS "/fit/python-fitparse/compressed-speed-distance.fit", 1000);
}

static void gpx_read(void **state)
{
	(void)state;
	run_reader(&gpx_reader, RD_CORPUS "/gpx/gpxpy/gpx1.1_with_extensions.gpx", 4096);
	run_reader(&gpx_reader, RD_CORPUS "/gpx/gpxpy/track-with-empty-segment.gpx", 100);
}

static void tcx_read(void **state)
{
	(void)state;
	run_reader(&tcx_reader,
		   RD_CORPUS "/strava/athlytics-mini-export/activities/example.tcx", 512);
}

/* ---- a plan from a profile -------------------------------------------- */

typedef struct text_case {
	const char *text;
	size_t len;
} text_case;

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Writes the plan as text and JSON; the sum is a hash of both. */
static int write_plan(const rd_plan *plan, unsigned long *sum)
{
	char *text = NULL, *json = NULL;
	int rc = rd_plan_to_text(&text, plan, NULL);

	if (rc == 0)
		rc = rd_plan_to_json(&json, plan);
	if (rc == 0)
		*sum = hash(text) ^ (hash(json) << 1);
	rd_free(text);
	rd_free(json);
	return rc;
}

static int make_plan(const void *arg, unsigned long *sum)
{
	const text_case *c = arg;
	rd_profile *p = NULL;
	rd_plan *plan = NULL;
	rd_diag diag = RD_DIAG_INIT;
	rd_plan_options opt = {0, 0};
	int rc = rd_profile_parse(&p, c->text, c->len, "sam.yaml", &diag);

	if (rc != 0) {
		assert_null(p);
		goto done;
	}
	opt.from = rd_date_from_ymd(2026, 11, 23);
	rc = rd_plan_make(&plan, p, &opt, &diag);
	if (rc != 0) {
		assert_null(plan);
		goto done;
	}
	rc = write_plan(plan, sum);
done:
	if (rc != 0)
		assert_int_equal(diag.code == 0 ? rc : diag.code, rc);
	rd_plan_free(plan);
	rd_profile_free(p);
	return rc;
}

static void plan_from_profile(void **state)
{
	text_case c;
	uint8_t *buf;
	unsigned long n;

	(void)state;
	buf = slurp(RD_SOURCE_DIR "/examples/sam.yaml", &c.len);
	c.text = (const char *)buf;
	n = torture(make_plan, &c);
	print_message("plan from examples/sam.yaml: %lu allocations failed in turn\n", n);
	assert_true(n > 10);
	free(buf);
}

/* The planner and writers alone, on a profile read before the loop. */
static int plan_only(const void *arg, unsigned long *sum)
{
	const rd_profile *p = arg;
	rd_plan *plan = NULL;
	rd_diag diag = RD_DIAG_INIT;
	rd_plan_options opt = {0, 0};
	int rc;

	opt.from = rd_date_from_ymd(2026, 11, 23);
	rc = rd_plan_make(&plan, p, &opt, &diag);
	if (rc != 0)
		assert_null(plan);
	else
		rc = write_plan(plan, sum);
	rd_plan_free(plan);
	return rc;
}

static void plan_make(void **state)
{
	rd_profile *p = NULL;
	rd_diag diag = RD_DIAG_INIT;
	unsigned long n;

	(void)state;
	assert_int_equal(rd_profile_load(&p, RD_SOURCE_DIR "/examples/sam.yaml", &diag), 0);
	n = torture(plan_only, p);
	print_message("plan of examples/sam.yaml: %lu allocations failed in turn\n", n);
	assert_true(n > 10);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_decode),
		cmocka_unit_test(gpx_read),
		cmocka_unit_test(tcx_read),
		cmocka_unit_test(plan_make),
		cmocka_unit_test(plan_from_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
