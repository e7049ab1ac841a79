/*
 * median.h: sorting doubles and the median of a sorted array (load.c's
 * usual heart rate and pace, classify.c's load per minute, training.c's
 * usual week).
 */
#ifndef RD_MEDIAN_H
#define RD_MEDIAN_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static inline int rd_cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

static inline void rd_sort_doubles(double *v, size_t n)
{
	qsort(v, n, sizeof *v, rd_cmp_double);
}

/* The median of v[0..n), sorted; NAN when n is 0. */
static inline double rd_median_sorted(const double *v, size_t n)
{
	if (!n)
		return NAN;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

#endif
