/* Exact selection over passes (src/select.c) against sorting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "median.h"
#include "rubdown/error.h"
#include "select.h"

typedef struct values {
	const double *v;
	size_t n;
	int passes;
	int fail_at;   /* the pass that fails (RD_EIO), 0: none */
	int shrink_at; /* from this pass on the last value is missing, 0: never */
} values;

static int pass(void *ctx, select_put_fn put, void *sink)
{
	values *x = ctx;
	x->passes++;
	if (x->passes == x->fail_at)
		return RD_EIO;
	size_t n = x->shrink_at && x->passes >= x->shrink_at ? x->n - 1 : x->n;
	for (size_t i = 0; i < n; i++)
		put(sink, x->v[i]);
	return 0;
}

/* xorshift: the same numbers on every platform. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every rank, or about 50 of them, and the median, against v sorted. */
static void check(const double *v, size_t n)
{
	double *sorted = malloc((n ? n : 1) * sizeof *sorted);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			sorted[m++] = v[i];
	rd_sort_doubles(sorted, m);
	values x = {v, n, 0, 0, 0};
	size_t step = m > 50 ? m / 50 : 1;
	for (size_t k = 0; k < m; k += step) {
		double got;
		assert_int_equal(select_kth(&got, k, pass, &x), 0);
		assert_memory_equal(&got, &sorted[k], sizeof got); /* bit for bit */
	}
	double med, want = rd_median_sorted(sorted, m), got;
	size_t count;
	assert_int_equal(select_median(&med, &count, pass, &x), 0);
	assert_int_equal(count, m);
	if (m)
		assert_memory_equal(&med, &want, sizeof med);
	else
		assert_true(isnan(med));
	assert_int_equal(select_kth(&got, m, pass, &x), 0);
	assert_true(isnan(got));
	free(sorted);
}

static void test_small(void **state)
{
	(void)state;
	const double v[] = {3.5, NAN, -1.0, 3.5, 2.0};
	for (size_t n = 0; n <= 5; n++)
		check(v, n);
	values x = {v, 2, 0, 0, 0}; /* 3.5 and NAN: the median of one value */
	double med;
	size_t count;
	assert_int_equal(select_median(&med, &count, pass, &x), 0);
	assert_int_equal(count, 1);
	assert_true(med == 3.5);
	const double two[] = {1.0, 2.0};
	x = (values){two, 2, 0, 0, 0};
	assert_int_equal(select_median(&med, &count, pass, &x), 0);
	assert_true(med == 1.5);
}

/* Random values over a wide range, in a narrow cluster, and a few values
 * many times, across the collect limit and the bin count. */
static void test_random(void **state)
{
	(void)state;
	static const size_t sizes[] = {511, 512, 513, 1024, 4000, 30001};
	uint64_t seed = 88172645463325252ull;
	double *v = malloc(30001 * sizeof *v);
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n = sizes[s];
		for (int kind = 0; kind < 4; kind++) {
			for (size_t i = 0; i < n; i++) {
				double u = (double)(rnd(&seed) >> 11) / 9007199254740992.0;
				v[i] = kind == 0 ? (u - 0.5) * 1e6 :
				       kind == 1 ? 5.0 + u * 1e-9 :          /* a cluster */
				       kind == 2 ? (double)(rnd(&seed) % 7) : /* duplicates */
						   exp(u * 700) * (u < 0.5 ? -1 : 1);
				if (kind == 1 && i % 97 == 0)
					v[i] = 1e300; /* one far value per cluster */
			}
			check(v, n);
		}
	}
	free(v);
}

static void test_special(void **state)
{
	(void)state;
	double same[2000], inf[9] = {INFINITY, 1, -INFINITY, NAN, 2, INFINITY, 0, 0.5, 1};
	for (size_t i = 0; i < 2000; i++)
		same[i] = 0.1;
	check(same, 2000);
	check(inf, 9);
	values x = {same, 2000, 0, 0, 0};
	double got;
	assert_int_equal(select_kth(&got, 1500, pass, &x), 0);
	assert_int_equal(x.passes, 1); /* all equal: the first pass tells */
}

/* Magnitudes from 2^-1000 to 2^1000, both signs, and -0 beside +0: still
 * exact, and in a few passes (bins split by the bits, not the distance:
 * split by the distance, this took over 100). */
static void test_spread(void **state)
{
	(void)state;
	enum { N = 100000 };
	double *v = malloc(N * sizeof *v);
	uint64_t seed = 12345;
	for (size_t i = 0; i < N; i++) {
		double e = -1000.0 + 2000.0 * (double)i / N;
		v[i] = ldexp(1.0 + (double)(rnd(&seed) % 1000) / 1000.0, (int)e);
		if (i % 3 == 0)
			v[i] = -v[i];
	}
	v[7] = 0.0;
	v[8] = -0.0;
	check(v, N);
	values x = {v, N, 0, 0, 0};
	double got;
	size_t count;
	assert_int_equal(select_median(&got, &count, pass, &x), 0);
	assert_true(x.passes <= 10);
	free(v);
}

static void test_errors(void **state)
{
	(void)state;
	double v[3000], got;
	size_t count;
	for (size_t i = 0; i < 3000; i++)
		v[i] = (double)((i * 7919) % 3000);
	values x = {v, 3000, 0, 2, 0};
	assert_int_equal(select_kth(&got, 10, pass, &x), RD_EIO);
	x = (values){v, 3000, 0, 1, 0};
	assert_int_equal(select_median(&got, &count, pass, &x), RD_EIO);
	assert_true(isnan(got));
	x = (values){v, 3000, 0, 0, 2}; /* a value went missing between passes */
	assert_int_equal(select_kth(&got, 2999, pass, &x), RD_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_special),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
