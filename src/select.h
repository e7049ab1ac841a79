/*
 * select.h: the k-th smallest of values that come in passes (a value per
 * activity of an rd_acts), found exactly in memory that does not grow with
 * their number.
 *
 * A pass function makes one pass over the values, handing each to put();
 * it is called as often as the search needs (about three times for a
 * million values), and must give the same values each time.  NAN values
 * are left out, as load.c and classify.c always did.  The results are
 * those of sorting the values (median.h): rd_select_kth is v[k] of the
 * sorted values, rd_select_median is rd_median_sorted of them.
 */
#ifndef RD_SELECT_H
#define RD_SELECT_H

#include <stddef.h>

typedef void (*rd_put_fn)(void *sink, double x);
/* One pass: put(sink, x) for every value; returns 0 or a negative RD_E*
 * code (a failed pass over activities), which the search returns. */
typedef int (*rd_pass_fn)(void *ctx, rd_put_fn put, void *sink);

/* *out = the k-th smallest value (0-based); NAN when there are no more
 * than k values.  Returns 0, RD_ENOMEM, RD_EIO (the passes did not give
 * the same values) or the pass function's error. */
int rd_select_kth(double *out, size_t k, rd_pass_fn pass, void *ctx);

/* *out = the median (the mean of the two middle values for an even
 * count; NAN when there are none) and *count = the number of values.
 * Returns as rd_select_kth. */
int rd_select_median(double *out, size_t *count, rd_pass_fn pass, void *ctx);

#endif
