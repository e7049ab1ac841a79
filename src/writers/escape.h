/*
 * escape.h: making the runner's text safe for each writer.
 *
 * Every string that came from outside (names, event titles, condition names,
 * currency) goes through one of these before it reaches an output.  Input is
 * treated as UTF-8: an invalid sequence (bad lead byte, missing continuation,
 * overlong form, surrogate, above U+10FFFF) becomes one U+FFFD per maximal
 * invalid subpart, as the Unicode standard (3.9, "U+FFFD substitution of
 * maximal subparts") and the WHATWG decoder do.  Control characters, which a
 * browser reports as parse errors and a terminal runs as commands, become
 * U+FFFD too (tab and line breaks stay in HTML; in terminal text every
 * control becomes U+FFFD, or '?' in ASCII mode).
 */
#ifndef RD_ESCAPE_H
#define RD_ESCAPE_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define ESCAPE_REPLACEMENT 0xFFFDu

/* Decodes one code point from s (n > 0 bytes).  Returns the bytes used
 * (1..4) and sets *cp, or ESCAPE_REPLACEMENT for an invalid subpart. */
size_t escape_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 when the n bytes of s are valid UTF-8. */
int escape_utf8_valid(const char *s, size_t n);

/* Appends s with every invalid UTF-8 sequence replaced by U+FFFD. */
void escape_utf8_repair(rd_buf *b, const char *s, size_t n);

/* Appends cp as UTF-8 (cp must be a scalar value). */
void escape_put_cp(rd_buf *b, uint32_t cp);

/* HTML text and attribute values (quoted with "): & < > " ' become
 * references.  NULL appends nothing. */
void escape_html(rd_buf *b, const char *s, size_t len);
void escape_html_str(rd_buf *b, const char *s);

/* Terminal text: valid UTF-8 with no control characters; with ascii set,
 * every non-ASCII character becomes '?'.  NULL appends nothing. */
void escape_term(rd_buf *b, const char *s, int ascii);

/* Bytes of s that hold its first max_cp code points (whole sequences). */
size_t escape_utf8_prefix(const char *s, size_t max_cp);

/* Number of code points escape_term would print for s (its width on a
 * terminal, counting every code point as one column). */
size_t escape_term_width(const char *s);

#endif
