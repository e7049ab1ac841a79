/*
 * jsonb.h: building JSON with jansson without losing a failure.
 *
 * json_object_set_new() and json_array_append_new() return -1 and drop the
 * value when it, or the container, could not be made (out of memory, or a
 * string that is not UTF-8).  A writer that ignored that would print a
 * document with keys missing.  These wrappers remember the first failure in
 * *bad, and jb_dump() then returns RD_ENOMEM instead of the document.
 */
#ifndef RD_WRITERS_JSONB_H
#define RD_WRITERS_JSONB_H

#include <jansson.h>
#include <stddef.h>

void jb_set(int *bad, json_t *o, const char *key, json_t *v);
void jb_push(int *bad, json_t *a, json_t *v);

/* A string of s (NULL: ""); invalid UTF-8 becomes U+FFFD, never a lost key. */
json_t *jb_text(const char *s);

/* Serialises root (consumed; NULL counts as a failure) with jansson's flags
 * and a final newline into *out (free with rd_free).  Returns 0, or
 * RD_ENOMEM with *out NULL when bad or when anything failed. */
int jb_dump(char **out, json_t *root, int bad, size_t flags);

#endif
