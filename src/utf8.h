/* utf8.h: cutting text to a size without splitting a UTF-8 sequence. */
#ifndef RD_UTF8_H
#define RD_UTF8_H

#include <stddef.h>

/* The length of s[0..len) cut to at most max bytes, at the start of a UTF-8
 * sequence (so a cut never leaves half a character). */
static inline size_t rd_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--; /* s[max] continues a sequence: cut before it */
	return max;
}

#endif
