/* arena.c: a bump allocator over a chain of blocks (see arena.h). */
#include "arena.h"
#include "alloc.h"
#include "rubdown/error.h"

#include <string.h>

#define ARENA_FIRST 4096 /* a file's few activities need no more */
#define ARENA_BLOCK 65536

struct rd_arena_block {
	rd_arena_block *prev;
	size_t used, cap;
	unsigned char mem[];
};

void *rd_arena_alloc(rd_arena *a, size_t n, size_t align)
{
	rd_arena_block *b = a->top;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || at > b->cap || n > b->cap - at) {
		size_t cap = a->bytes < ARENA_FIRST ? ARENA_FIRST :
			     a->bytes < ARENA_BLOCK ? a->bytes : ARENA_BLOCK;
		cap = n > cap ? n : cap;
		rd_arena_block *nb = rd_malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		*nb = (rd_arena_block){b, 0, cap};
		a->top = b = nb;
		a->bytes += sizeof *nb + cap;
		at = 0;
	}
	b->used = at + n;
	return b->mem + at;
}

char *rd_arena_strndup(rd_arena *a, const char *s, size_t n)
{
	char *copy = rd_arena_alloc(a, n + 1, 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

void rd_arena_free(rd_arena *a)
{
	for (rd_arena_block *b = a->top, *prev; b; b = prev) {
		prev = b->prev;
		rd_free(b);
	}
	a->top = NULL;
	a->bytes = 0;
}
