/*
 * select.h: the k-th smallest of values that come in passes (a value per
 * activity of an rd_acts), found exactly in memory that does not grow with
 * their number.
 *
 * A pass function makes one pass over the values, handing each to put();
 * it is called as often as the search needs (about three times for a
 * million values), and must give the same values each time.  NAN values
 * are left out, as load.c and classify.c always did.  The results are
 * those of sorting the values (median.h): select_kth is v[k] of the
 * sorted values, select_median is rd_median_sorted of them.
 */
#ifndef RD_SELECT_H
#define RD_SELECT_H

#include <stddef.h>

typedef void (*select_put_fn)(void *sink, double x);
/* One pass: put(sink, x) for every value; returns 0 or a negative RD_E*
 * code (a failed pass over activities), which the search returns. */
typedef int (*select_pass_fn)(void *ctx, select_put_fn put, void *sink);

/* *out = the k-th smallest value (0-based); NAN when there are no more
 * than k values.  Returns 0, RD_ENOMEM, RD_EIO (the passes did not give
 * the same values) or the pass function's error. */
int select_kth(double *out, size_t k, select_pass_fn pass, void *ctx);

/* *out = the median (the mean of the two middle values for an even
 * count; NAN when there are none) and *count = the number of values.
 * Returns as select_kth. */
int select_median(double *out, size_t *count, select_pass_fn pass, void *ctx);

#endif
