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
 * A history is read on one thread (the hook counts allocations in order),
 * and there an allocation failure inside one file is reported as a warning
 * with RD_ENOMEM and the file rejected, not returned: the loop counts that
 * warning as the failure, so an out-of-memory is never a silent loss.
 *
 * What the hook sees: every allocation of ours; expat's (the XML layer hands
 * expat rd_malloc/rd_realloc/rd_free) and jansson's (main() below sets its
 * allocator, as a program embedding rubdown may).  What it does not: libyaml
 * (profile parsing), libarchive, libical and zlib allocate with plain malloc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "bad/gen.h"
#include "formats/reader.h"
#include "rubdown/history.h"
#include "rubdown/plan.h"
#include "rubdown/profile.h"
#include "rubdown/training.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- a history, its analysis and its JSON ---------------------------- */

static void oom_warning(void *ctx, const rd_diag *w)
{
	int *seen = ctx;
	if (w->code == RD_ENOMEM)
		*seen = 1;
}

static int read_history(const void *arg, unsigned long *sum)
{
	const char *path = arg;
	rd_history_options opt;
	rd_history *h = NULL;
	rd_training *t = NULL;
	rd_diag diag = RD_DIAG_INIT;
	char *json = NULL;
	int seen = 0;

	rd_history_options_init(&opt);
	opt.threads = 1; /* the allocation count is the same in every run */
	opt.warn = oom_warning;
	opt.warn_ctx = &seen;
	int rc = rd_history_new(&h, &opt);
	if (rc == 0)
		rc = rd_history_add_path(h, path, &diag);
	if (rc == 0)
		rc = rd_training_new(&t, h, NULL, &diag);
	if (rc == 0)
		rc = rd_training_to_json(&json, t);
	if (rc == 0 && seen)
		rc = RD_ENOMEM; /* reported for a file, which was skipped */
	if (rc == 0)
		*sum = t->count * 1000003ul ^ hash(json);
	rd_diag_format(&diag, last_error, sizeof last_error);
	rd_free(json);
	rd_training_free(t);
	rd_history_free(h);
	return rc;
}

static void history_export(void **state)
{
	(void)state;
	unsigned long n = torture(read_history, RD_CORPUS "/strava/athlytics-mini-export");
	print_message("athlytics-mini-export: %lu allocations failed in turn\n", n);
	assert_true(n > 100);
	n = torture(read_history, RD_CORPUS "/strava/gz/14582164182.fit.gz");
	print_message("14582164182.fit.gz: %lu allocations failed in turn\n", n);
	assert_true(n > 10);
}

/* The same export as a Strava .zip, one entry gzipped, read through
 * libarchive. */
static void history_zip(void **state)
{
	(void)state;
	static const char *const names[] = {
		"export/activities.csv", "export/activities/example.fit",
		"export/activities/example.gpx.gz", "export/activities/example.tcx"};
	bb files[4] = {{0}}, gpx = {0}, zip = {0};
	const uint8_t *data[4];
	size_t len[4];
	bb_file(&files[0], RD_CORPUS "/strava/athlytics-mini-export/activities.csv");
	bb_file(&files[1], RD_CORPUS "/strava/athlytics-mini-export/activities/example.fit");
	bb_file(&gpx, RD_CORPUS "/strava/athlytics-mini-export/activities/example.gpx");
	gz_of(&files[2], gpx.p, gpx.n);
	bb_file(&files[3], RD_CORPUS "/strava/athlytics-mini-export/activities/example.tcx");
	for (int i = 0; i < 4; i++) {
		data[i] = files[i].p;
		len[i] = files[i].n;
	}
	zip_of(&zip, 4, names, data, len);
	char path[] = "/tmp/rubdown-oom-XXXXXX.zip";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	close(fd);
	bb_write(&zip, path);
	unsigned long n = torture(read_history, path);
	print_message("the export as a zip: %lu allocations failed in turn\n", n);
	assert_true(n > 100);
	unlink(path);
	for (int i = 0; i < 4; i++)
		bb_free(&files[i]);
	bb_free(&gpx);
	bb_free(&zip);
}

static void free_fn(void *p)
{
	rd_free(p);
}

int main(void)
{
	json_set_alloc_funcs(rd_malloc, free_fn);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_decode),
		cmocka_unit_test(gpx_read),
		cmocka_unit_test(tcx_read),
		cmocka_unit_test(plan_make),
		cmocka_unit_test(plan_from_profile),
		cmocka_unit_test(history_export),
		cmocka_unit_test(history_zip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
