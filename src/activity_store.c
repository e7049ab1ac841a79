/*
 * activity_store.c: lasting copies of activities' texts and heart-rate
 * histograms (see rd_activity_store in activity.h).
 *
 * A bump allocator over a chain of blocks: each copy takes the next bytes of
 * the newest block, a full block is followed by a new one as big as the
 * store so far (from STORE_FIRST to STORE_BLOCK bytes, or the size of a
 * bigger request), and everything is freed at once.
 */
#include "rubdown/activity.h"
#include "rubdown/error.h"

#include "alloc.h"
#include "utf8.h"

#include <string.h>

#define STORE_FIRST 4096 /* a file's few activities need no more */
#define STORE_BLOCK 65536

typedef struct store_block {
	struct store_block *prev;
	size_t used, cap;
	unsigned char mem[];
} store_block;

struct rd_activity_store {
	store_block *top;
	size_t bytes;
};

rd_activity_store *rd_activity_store_new(void)
{
	return rd_calloc(1, sizeof(rd_activity_store));
}

void rd_activity_store_free(rd_activity_store *s)
{
	if (!s)
		return;
	for (store_block *b = s->top, *prev; b; b = prev) {
		prev = b->prev;
		rd_free(b);
	}
	rd_free(s);
}

size_t rd_activity_store_bytes(const rd_activity_store *s)
{
	return s ? s->bytes : 0;
}

/* n bytes aligned for uint16_t; NULL when out of memory. */
static void *take(rd_activity_store *s, size_t n)
{
	store_block *b = s->top;
	size_t at = b ? (b->used + 1) & ~(size_t)1 : 0;
	if (!b || n > b->cap - at) {
		size_t cap = s->bytes < STORE_FIRST ? STORE_FIRST :
			     s->bytes < STORE_BLOCK ? s->bytes : STORE_BLOCK;
		cap = n > cap ? n : cap;
		store_block *nb = rd_malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		*nb = (store_block){b, 0, cap};
		s->top = b = nb;
		s->bytes += sizeof *nb + cap;
		at = 0;
	}
	b->used = at + n;
	return b->mem + at;
}

const char *rd_activity_store_text(rd_activity_store *s, const char *text,
				   size_t max)
{
	if (!text || !text[0])
		return "";
	size_t len = rd_utf8_cut(text, strlen(text), max - 1);
	char *copy = take(s, len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

static int copy_hr(rd_activity_store *s, rd_activity *a)
{
	const uint16_t *h = a->hr_seconds;
	size_t lo = 0, n = h ? a->hr_bins : 0;
	while (lo < n && !h[lo])
		lo++;
	while (n > lo && !h[n - 1])
		n--;
	if (n == lo) {
		a->hr_seconds = NULL;
		a->hr_low = a->hr_bins = 0;
		return 0;
	}
	uint16_t *copy = take(s, (n - lo) * sizeof *copy);
	if (!copy)
		return RD_ENOMEM;
	memcpy(copy, h + lo, (n - lo) * sizeof *copy);
	a->hr_seconds = copy;
	a->hr_low = (uint16_t)(a->hr_low + lo);
	a->hr_bins = (uint16_t)(n - lo);
	return 0;
}

int rd_activity_store_copy(rd_activity_store *s, rd_activity *dst,
			   const rd_activity *src)
{
	rd_activity a = *src;
	a.source = rd_activity_store_text(s, src->source, RD_SOURCE_MAX);
	a.name = rd_activity_store_text(s, src->name, RD_NAME_MAX);
	if (!a.source || !a.name || copy_hr(s, &a))
		return RD_ENOMEM;
	*dst = a;
	return 0;
}
