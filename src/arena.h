/*
 * arena.h: a bump allocator over a chain of blocks, freed all at once.
 *
 * For many small copies that live as long as their owner: the activities'
 * texts and histograms of a history (rd_activity_store), the entry names a
 * zip walk has seen.  Each allocation takes the next bytes of the newest
 * block; a full block is followed by a new one as big as the arena so far
 * (from 4 KiB to 64 KiB, or the size of a bigger request).
 */
#ifndef RD_ARENA_H
#define RD_ARENA_H

#include <stddef.h>

typedef struct rd_arena_block rd_arena_block;

typedef struct rd_arena {
	rd_arena_block *top;
	size_t bytes; /* held, blocks and their headers */
} rd_arena;

#define RD_ARENA_INIT {NULL, 0}

/* n bytes aligned to align (a power of two); NULL when out of memory. */
void *rd_arena_alloc(rd_arena *a, size_t n, size_t align);
/* s[0..n) and a NUL; NULL when out of memory. */
char *rd_arena_strndup(rd_arena *a, const char *s, size_t n);
/* Frees every block; a is empty again. */
void rd_arena_free(rd_arena *a);

#endif
