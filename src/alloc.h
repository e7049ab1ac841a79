/*
 * alloc.h: every allocation in the library goes through these, so a test
 * can make the N-th allocation fail (rd_alloc_fail_at) and check that the
 * caller gets RD_ENOMEM and leaks nothing.
 */
#ifndef RD_ALLOC_H
#define RD_ALLOC_H

#include <stddef.h>

void *rd_malloc(size_t n);
void *rd_calloc(size_t count, size_t size);
void *rd_realloc(void *p, size_t n);
/* Grows an array of size*count bytes to hold at least need elements;
 * returns 0, or RD_ENOMEM / RD_ELIMIT (overflow) leaving *items untouched. */
int rd_grow(void **items, size_t *cap, size_t need, size_t size);
char *rd_strndup(const char *s, size_t n);
char *rd_strdup(const char *s);

/* Test hook: the n-th allocation from now fails (0 turns it off).  Returns
 * how many allocations were made since the last call armed it (0 when it
 * was off).  Single-threaded use only. */
unsigned long rd_alloc_fail_at(unsigned long n);

#endif
