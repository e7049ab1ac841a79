/* reader_run.c: see reader_run.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader_run.h"

#include <stdio.h>
#include <stdlib.h>

/* Where the collected activities' texts and histograms are copied: one
 * store for the test program, kept to its end. */
static rd_activity_store *kept;

int run_collect(void *ctx, const rd_activity *a)
{
	run_result *r = ctx;
	if (!kept && !(kept = rd_activity_store_new()))
		return RD_ENOMEM;
	if (r->n < RUN_MAX_ACTS && rd_activity_store_copy(kept, &r->acts[r->n], a))
		return RD_ENOMEM;
	r->n++;
	return 0;
}

void run_assert_same_hr(const rd_activity *x, const rd_activity *y)
{
	assert_int_equal(x->hr_low, y->hr_low);
	assert_int_equal(x->hr_bins, y->hr_bins);
	for (int i = 0; i < x->hr_bins; i++)
		assert_int_equal(x->hr_seconds[i], y->hr_seconds[i]);
}

void run_warn(void *ctx, const rd_diag *w)
{
	run_result *r = ctx;
	if (r->warnings < 4)
		snprintf(r->warning[r->warnings], sizeof r->warning[0],
			 "%lu:%lu: %s", w->line, w->col, w->message);
	r->warnings++;
}

uint8_t *run_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

run_result *run_reader_mem(const reader_ops *ops, const char *name,
			   const uint8_t *buf, size_t len, size_t chunk,
			   const rd_limits *limits)
{
	run_result *r = calloc(1, sizeof *r);
	assert_non_null(r);
	activity_sink sink = {run_collect, r, run_warn, r};
	void *st = ops->open(name, &sink, limits);
	assert_non_null(st);
	rd_diag d = RD_DIAG_INIT;
	size_t step = chunk ? chunk : (len ? len : 1);
	int rc = 0;
	for (size_t off = 0; off < len && !rc; off += step)
		rc = ops->feed(st, buf + off, len - off < step ? len - off : step, &d);
	int rc2 = ops->finish(st, &d);
	r->rc = rc ? rc : rc2;
	if (r->rc)
		rd_diag_format(&d, r->error, sizeof r->error);
	ops->close(st);
	return r;
}

run_result *run_reader_file(const reader_ops *ops, const char *path,
			    const char *name, size_t chunk)
{
	size_t len;
	uint8_t *buf = run_slurp(path, &len);
	run_result *r = run_reader_mem(ops, name, buf, len, chunk, NULL);
	free(buf);
	return r;
}
