/*
 * select.c: the k-th smallest of values that come in passes (select.h).
 *
 * A first pass counts the values (the infinities apart) and finds the
 * least and greatest finite ones, lo and hi.  Each later pass sorts the
 * values still in question, those from lo to hi, into BINS bins by a
 * function that never decreases with the value, and keeps each bin's
 * count, least and greatest value; the bin holding the k-th value gives
 * the next lo and hi.  As lo and hi are values that occur and the bins
 * are in value order, "from lo to hi" is exactly "in that bin", whatever
 * the arithmetic rounded at the bin edges, so no value is ever counted in
 * the wrong bin.  lo is alone in the first bin and hi in the last, so each
 * pass leaves fewer values in question, and the bins split the doubles
 * between lo and hi (their bits in order), not the distance: a pass cuts
 * about 10 of the 64 bits, however far apart the magnitudes are.  Once at most COLLECT remain they are collected
 * and sorted; once lo == hi that is the value.
 */
#include "select.h"
#include "alloc.h"
#include "median.h"
#include "rubdown/error.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define BINS 1024
#define COLLECT 512

enum { SCAN, HIST, GATHER, ABOVE };

typedef struct sel {
	int mode;
	double lo, hi;          /* the values in question: lo <= x <= hi */
	size_t n, neg, pos;     /* SCAN: finite values, -inf and +inf */
	size_t count[BINS];     /* HIST: each bin's values, least and greatest */
	double min[BINS], max[BINS];
	double got[COLLECT];    /* GATHER */
	size_t ngot;
	double above;           /* ABOVE: the least value above lo ... */
	size_t le;              /* ... and how many are lo or less */
} sel;

/* x's bits as an unsigned number in the order of the values (-0 as +0),
 * so that bins split the doubles between lo and hi evenly, whatever their
 * magnitudes: about 7 passes at most for 64 bits, 10 bits a pass. */
static uint64_t order_key(double x)
{
	uint64_t u;
	x += 0.0;
	memcpy(&u, &x, sizeof u);
	return u >> 63 ? ~u : u | UINT64_C(1) << 63;
}

/* lo in bin 0, hi in the last, the values between spread over the others
 * by their order keys. */
static size_t bin(const sel *s, double x)
{
	if (x == s->lo)
		return 0;
	if (x == s->hi)
		return BINS - 1;
	uint64_t lo = order_key(s->lo), per = (order_key(s->hi) - lo) / (BINS - 2) + 1;
	uint64_t t = (order_key(x) - lo) / per;
	return t >= BINS - 2 ? BINS - 2 : 1 + (size_t)t;
}

static void scan(sel *s, double x)
{
	if (isinf(x)) {
		*(x < 0 ? &s->neg : &s->pos) += 1;
		return;
	}
	if (!s->n || x < s->lo)
		s->lo = x;
	if (!s->n || x > s->hi)
		s->hi = x;
	s->n++;
}

static void put(void *sink, double x)
{
	sel *s = sink;
	if (isnan(x))
		return;
	if (s->mode == SCAN) {
		scan(s, x);
	} else if (s->mode == ABOVE) {
		s->le += x <= s->lo;
		if (x > s->lo && x < s->above)
			s->above = x;
	} else if (x >= s->lo && x <= s->hi && s->mode == GATHER) {
		if (s->ngot < COLLECT)
			s->got[s->ngot] = x;
		s->ngot++;
	} else if (x >= s->lo && x <= s->hi) {
		size_t b = bin(s, x);
		if (!s->count[b] || x < s->min[b])
			s->min[b] = x;
		if (!s->count[b] || x > s->max[b])
			s->max[b] = x;
		s->count[b]++;
	}
}

static int run(sel *s, int mode, select_pass_fn pass, void *ctx)
{
	s->mode = mode;
	s->n = s->neg = s->pos = s->ngot = s->le = 0;
	s->above = INFINITY;
	memset(s->count, 0, sizeof s->count);
	return pass(ctx, put, s);
}

/* The bin holding the k-th of the m values in question: lo and hi become
 * its least and greatest value, *k and *m its rank and count. */
static int narrow(sel *s, size_t *k, size_t *m)
{
	size_t b = 0, below = 0, all = 0;
	for (size_t i = 0; i < BINS; i++)
		all += s->count[i];
	while (b < BINS && below + s->count[b] <= *k)
		below += s->count[b++];
	if (all != *m || b == BINS)
		return RD_EIO; /* the passes gave other values */
	*k -= below;
	*m = s->count[b];
	s->lo = s->min[b];
	s->hi = s->max[b];
	return 0;
}

/* The k-th smallest value, k below the count of the SCAN pass just run. */
static int find(sel *s, size_t k, double *out, select_pass_fn pass, void *ctx)
{
	size_t m = s->n;
	if (k < s->neg || k - s->neg >= m) {
		*out = k < s->neg ? -INFINITY : INFINITY;
		return 0;
	}
	k -= s->neg;
	while (s->lo != s->hi) {
		int rc = run(s, m <= COLLECT ? GATHER : HIST, pass, ctx);
		if (!rc && s->mode == GATHER) {
			if (s->ngot != m)
				return RD_EIO;
			rd_sort_doubles(s->got, m);
			*out = s->got[k];
			return 0;
		}
		if (rc || (rc = narrow(s, &k, &m)) < 0)
			return rc;
	}
	*out = s->lo;
	return 0;
}

/* Runs the SCAN pass; *total = the values but NAN. */
static int start(sel **s, size_t *total, select_pass_fn pass, void *ctx)
{
	*total = 0;
	if (!(*s = rd_calloc(1, sizeof **s)))
		return RD_ENOMEM;
	int rc = run(*s, SCAN, pass, ctx);
	*total = (*s)->n + (*s)->neg + (*s)->pos;
	return rc;
}

int select_kth(double *out, size_t k, select_pass_fn pass, void *ctx)
{
	sel *s = NULL;
	size_t total;
	int rc = start(&s, &total, pass, ctx);
	*out = NAN;
	if (!rc && k < total)
		rc = find(s, k, out, pass, ctx);
	rd_free(s);
	return rc;
}

int select_median(double *out, size_t *count, select_pass_fn pass, void *ctx)
{
	sel *s = NULL;
	size_t n, k = 0;
	double a = NAN, b;
	int rc = start(&s, &n, pass, ctx);
	if (!rc && n)
		rc = find(s, k = (n - 1) / 2, &a, pass, ctx);
	b = a;
	if (!rc && n && n % 2 == 0) { /* the next value: a again, or the least above it */
		s->lo = a;
		if (!(rc = run(s, ABOVE, pass, ctx)))
			b = s->le >= k + 2 ? a : s->above;
	}
	*out = rc ? NAN : n % 2 ? a : (a + b) / 2.0;
	*count = rc ? 0 : n;
	rd_free(s);
	return rc;
}
