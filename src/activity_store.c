/*
 * activity_store.c: lasting copies of activities' texts and heart-rate
 * histograms (see rd_activity_store in activity.h).
 *
 * The copies go into an arena (arena.h): freed all at once with the store.
 */
#include "rubdown/activity.h"
#include "rubdown/error.h"

#include "alloc.h"
#include "arena.h"
#include "utf8.h"

#include <string.h>

struct rd_activity_store {
	rd_arena arena;
};

rd_activity_store *rd_activity_store_new(void)
{
	return rd_calloc(1, sizeof(rd_activity_store));
}

void rd_activity_store_free(rd_activity_store *s)
{
	if (!s)
		return;
	rd_arena_free(&s->arena);
	rd_free(s);
}

size_t rd_activity_store_bytes(const rd_activity_store *s)
{
	return s ? s->arena.bytes : 0;
}

const char *rd_activity_store_text(rd_activity_store *s, const char *text,
				   size_t max)
{
	if (!text || !text[0])
		return "";
	return rd_arena_strndup(&s->arena, text, rd_utf8_cut(text, strlen(text), max - 1));
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
	uint16_t *copy = rd_arena_alloc(&s->arena, (n - lo) * sizeof *copy, sizeof *copy);
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
