/* escape.c: UTF-8 validation and escaping for the writers (see escape.h). */
#include "escape.h"

#include <string.h>

/* The allowed range of the second byte for a lead byte, and the length of
 * the sequence; 0 for a byte that cannot start one (Unicode table 3-7). */
static size_t lead_info(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c == 0xE0)
		*lo = 0xA0;
	else if (c == 0xED)
		*hi = 0x9F;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c == 0xF0)
		*lo = 0x90;
	else if (c == 0xF4)
		*hi = 0x8F;
	return c >= 0xF0 && c <= 0xF4 ? 4 : 0;
}

size_t escape_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo, hi;
	size_t need = s[0] < 0x80 ? 1 : lead_info(s[0], &lo, &hi);
	if (need <= 1) {
		*cp = need ? s[0] : ESCAPE_REPLACEMENT;
		return 1;
	}
	uint32_t v = s[0] & (0x7Fu >> need);
	for (size_t i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = ESCAPE_REPLACEMENT;
			return i;
		}
		v = (v << 6) | (s[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need;
}

int escape_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = escape_utf8_next((const unsigned char *)s + i, n - i, &cp);
		/* a real U+FFFD in the text is 3 bytes; a replaced error is not */
		if (cp == ESCAPE_REPLACEMENT && (len != 3 || (unsigned char)s[i] != 0xEF))
			return 0;
		i += len;
	}
	return 1;
}

void escape_utf8_repair(rd_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += escape_utf8_next((const unsigned char *)s + i, n - i, &cp);
		escape_put_cp(b, cp);
	}
}

void escape_put_cp(rd_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	rd_buf_put(b, u, n);
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

static const char *html_ref(uint32_t cp)
{
	switch (cp) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void escape_html(rd_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (s && i < len) {
		uint32_t cp;
		size_t used = escape_utf8_next(p + i, len - i, &cp);
		const char *ref = html_ref(cp);
		if (ref)
			rd_buf_puts(b, ref);
		else if (is_control(cp) && cp != '\t' && cp != '\n' && cp != '\r')
			escape_put_cp(b, ESCAPE_REPLACEMENT);
		else if (cp == ESCAPE_REPLACEMENT || cp >= 0x80)
			escape_put_cp(b, cp);
		else
			rd_buf_putc(b, (char)cp);
		i += used;
	}
}

void escape_html_str(rd_buf *b, const char *s)
{
	if (s)
		escape_html(b, s, strlen(s));
}

void escape_term(rd_buf *b, const char *s, int ascii)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		uint32_t cp;
		i += escape_utf8_next(p + i, len - i, &cp);
		if (is_control(cp))
			cp = ESCAPE_REPLACEMENT;
		if (cp < 0x80)
			rd_buf_putc(b, (char)cp);
		else if (ascii)
			rd_buf_putc(b, '?');
		else
			escape_put_cp(b, cp);
	}
}

size_t escape_term_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = s ? strlen(s) : 0, i = 0, w = 0;
	while (i < len) {
		uint32_t cp;
		i += escape_utf8_next(p + i, len - i, &cp);
		w++;
	}
	return w;
}

size_t escape_utf8_prefix(const char *s, size_t max_cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = s ? strlen(s) : 0, i = 0;
	for (size_t k = 0; k < max_cp && i < len; k++) {
		uint32_t cp;
		i += escape_utf8_next(p + i, len - i, &cp);
	}
	return i;
}
