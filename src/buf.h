/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * Writers append to a buf; an allocation failure is sticky (buf.oom), so a
 * writer appends freely and checks once at the end.
 */
#ifndef RD_BUF_H
#define RD_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct rd_buf {
	char *data;
	size_t len, cap;
	int oom;
} rd_buf;

#define RD_BUF_INIT {NULL, 0, 0, 0}

void rd_buf_init(rd_buf *b);
void rd_buf_dispose(rd_buf *b);
void rd_buf_put(rd_buf *b, const char *s, size_t n);
void rd_buf_puts(rd_buf *b, const char *s);
void rd_buf_putc(rd_buf *b, char c);
void rd_buf_printf(rd_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void rd_buf_vprintf(rd_buf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 0)))
#endif
	;
/* Takes the contents (caller frees with rd_free) and empties the buffer. */
char *rd_buf_detach(rd_buf *b);

#endif
