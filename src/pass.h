/*
 * pass.h: one pass over an rd_acts (activity.h) with a function called on
 * each activity, and the values of a function of the activities as
 * select.h's passes.  Shared by load.c, classify.c and training.c.
 */
#ifndef RD_PASS_H
#define RD_PASS_H

#include "rubdown/activity.h"
#include "select.h"

/* Called on each activity of a pass: 0 goes on, 1 stops the pass early,
 * a negative RD_E* code stops it and is returned. */
typedef int (*acts_each_fn)(void *ctx, const rd_activity *a);

/* One pass from from_utc (rd_acts.open).  Returns 0, RD_ENOMEM, the
 * pass's error or fn's. */
int acts_each(const rd_acts *src, int64_t from_utc, acts_each_fn fn, void *ctx);

/* of(arg, a) for every activity of src, NAN for those left out. */
typedef struct acts_values {
	const rd_acts *src;
	double (*of)(const void *arg, const rd_activity *a);
	const void *arg;
	select_put_fn put; /* set by the pass */
	void *sink;
} acts_values;

/* A select_pass_fn over an acts_values (ctx). */
int acts_values_pass(void *ctx, select_put_fn put, void *sink);

#endif
