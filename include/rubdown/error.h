/*
 * error.h: error codes and diagnostics.
 *
 * A function that can fail returns 0 or one of the negative RD_E codes below.
 * Details go into an optional rd_diag: the first error wins, later ones are
 * ignored, so the message a caller prints names the root cause.  The library
 * never prints; warnings go to an optional callback.
 */
#ifndef RUBDOWN_ERROR_H
#define RUBDOWN_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	RD_OK = 0,
	RD_ENOMEM = -1,       /* an allocation failed */
	RD_EIO = -2,          /* a file could not be read or written */
	RD_EFORMAT = -3,      /* the input is malformed */
	RD_EUNSUPPORTED = -4, /* valid input we do not handle */
	RD_ELIMIT = -5        /* a resource limit was reached */
};

/* Where in its input a diagnostic points: a line and column (text), or a
 * byte offset (binary).  line == 0 means "no line"; has_offset says whether
 * offset is meaningful. */
typedef struct rd_diag {
	int code;
	char message[512];
	char file[256];
	unsigned long line, col;
	uint64_t offset;
	int has_offset;
} rd_diag;

#define RD_DIAG_INIT {0, {0}, {0}, 0, 0, 0, 0}

/* Records an error unless one is recorded already; returns code.  diag may be
 * NULL.  file may be NULL (keeps what is there). */
int rd_diag_set(rd_diag *diag, int code, const char *file, unsigned long line,
		unsigned long col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;

/* Same, for binary input: points at a byte offset. */
int rd_diag_set_offset(rd_diag *diag, int code, const char *file,
		       uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Formats "file:line:col: error: message" (or file:0xOFF:) into buf. */
void rd_diag_format(const rd_diag *diag, char *buf, size_t size);
/* The same with another word than "error" ("warning"). */
void rd_diag_format_as(const rd_diag *diag, const char *what, char *buf, size_t size);

/* A warning: the same fields as a diagnostic, handed to a callback. */
typedef void (*rd_warn_fn)(void *ctx, const rd_diag *warning);

/* Hands a warning to fn (nothing when fn is NULL): w already says where
 * (line and column, or offset); the file and the formatted message are
 * filled in here. */
void rd_warn_vsend(rd_warn_fn fn, void *ctx, rd_diag *w, const char *file,
		   const char *fmt, va_list ap);

/* Free a string or array the library returned. */
void rd_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
