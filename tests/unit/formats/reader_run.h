/*
 * reader_run.h: runs one activity reader (reader_ops) over a file or bytes
 * fed in chunks, collecting what it emits, its first warnings and its
 * error: the harness of the GPX and TCX tests.
 */
#ifndef RD_TESTS_READER_RUN_H
#define RD_TESTS_READER_RUN_H

#include "formats/reader.h"

#include <stddef.h>
#include <stdint.h>

#define RUN_MAX_ACTS 16

typedef struct run_result {
	rd_activity acts[RUN_MAX_ACTS]; /* the first ones emitted */
	int n;                          /* all emitted */
	int warnings;
	char warning[4][560];           /* "line:col: message" of the first ones */
	int rc;
	char error[700];                /* the formatted error when rc != 0 */
} run_result;

/* The sink's two callbacks, for a test that drives a reader itself; ctx
 * is a run_result. */
int run_collect(void *ctx, const rd_activity *a);
/* Fails unless x and y have the same heart-rate histogram. */
void run_assert_same_hr(const rd_activity *x, const rd_activity *y);
void run_warn(void *ctx, const rd_diag *w);

/* The whole file (test fails if it cannot be read); free with free(). */
uint8_t *run_slurp(const char *path, size_t *len);

/* Feeds buf to ops in pieces of chunk bytes (0: one piece); name is the
 * source in messages.  The result is calloc'd: free with free(). */
run_result *run_reader_mem(const reader_ops *ops, const char *name,
			   const uint8_t *buf, size_t len, size_t chunk,
			   const rd_limits *limits);
run_result *run_reader_file(const reader_ops *ops, const char *path,
			    const char *name, size_t chunk);

#endif
