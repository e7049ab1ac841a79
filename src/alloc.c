/* alloc.c: allocation wrappers with a failure-injection hook. */
#include "alloc.h"
#include "rubdown/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned long alloc_count, fail_at;

/* Counts only while armed: an unarmed program (every real run, with its
 * decoding threads) never writes the shared counter. */
static int should_fail(void)
{
	if (!fail_at)
		return 0;
	return ++alloc_count == fail_at;
}

unsigned long rd_alloc_fail_at(unsigned long n)
{
	unsigned long made = alloc_count;
	alloc_count = 0;
	fail_at = n;
	return made;
}

void *rd_malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *rd_calloc(size_t count, size_t size)
{
	return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *rd_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

int rd_grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return RD_ELIMIT;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return RD_ELIMIT;
	void *p = rd_realloc(*items, ncap * size);
	if (!p)
		return RD_ENOMEM;
	*items = p;
	*cap = ncap;
	return 0;
}

char *rd_strndup(const char *s, size_t n)
{
	char *p = rd_malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

char *rd_strdup(const char *s)
{
	return rd_strndup(s, strlen(s));
}
