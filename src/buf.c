/* buf.c: growable NUL-terminated byte buffer with sticky out-of-memory. */
#include "buf.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_buf_init(rd_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void rd_buf_dispose(rd_buf *b)
{
	free(b->data);
	rd_buf_init(b);
}

static int reserve(rd_buf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (extra > (size_t)-1 - b->len - 1 ||
	    rd_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1)) {
		b->oom = 1;
		return -1;
	}
	return 0;
}

void rd_buf_put(rd_buf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void rd_buf_puts(rd_buf *b, const char *s)
{
	rd_buf_put(b, s, strlen(s));
}

void rd_buf_putc(rd_buf *b, char c)
{
	rd_buf_put(b, &c, 1);
}

void rd_buf_vprintf(rd_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void rd_buf_printf(rd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *rd_buf_detach(rd_buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	rd_buf_init(b);
	return p;
}
