/* diag.c: the first-error-wins diagnostic record. */
#include "rubdown/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_file(rd_diag *diag, const char *file)
{
	if (file)
		snprintf(diag->file, sizeof diag->file, "%s", file);
}

/* Fills diag unless it holds an error already; returns code. */
static int record(rd_diag *diag, int code, const char *file, const char *fmt, va_list ap)
{
	if (!diag || diag->code)
		return code;
	diag->code = code;
	set_file(diag, file);
	vsnprintf(diag->message, sizeof diag->message, fmt, ap);
	return code;
}

int rd_diag_set(rd_diag *diag, int code, const char *file, unsigned long line,
		unsigned long col, const char *fmt, ...)
{
	if (!diag || diag->code)
		return code;
	diag->line = line;
	diag->col = col;
	diag->has_offset = 0;
	va_list ap;
	va_start(ap, fmt);
	record(diag, code, file, fmt, ap);
	va_end(ap);
	return code;
}

int rd_diag_set_offset(rd_diag *diag, int code, const char *file,
		       uint64_t offset, const char *fmt, ...)
{
	if (!diag || diag->code)
		return code;
	diag->line = diag->col = 0;
	diag->offset = offset;
	diag->has_offset = 1;
	va_list ap;
	va_start(ap, fmt);
	record(diag, code, file, fmt, ap);
	va_end(ap);
	return code;
}

void rd_warn_vsend(rd_warn_fn fn, void *ctx, rd_diag *w, const char *file,
		   const char *fmt, va_list ap)
{
	if (!fn)
		return;
	set_file(w, file);
	vsnprintf(w->message, sizeof w->message, fmt, ap);
	fn(ctx, w);
}

void rd_diag_format_as(const rd_diag *d, const char *what, char *buf, size_t size)
{
	const char *file = d->file[0] ? d->file : "rubdown";
	if (d->has_offset)
		snprintf(buf, size, "%s:0x%llx: %s: %s", file,
			 (unsigned long long)d->offset, what, d->message);
	else if (d->line && d->col)
		snprintf(buf, size, "%s:%lu:%lu: %s: %s", file, d->line, d->col, what,
			 d->message);
	else if (d->line)
		snprintf(buf, size, "%s:%lu: %s: %s", file, d->line, what, d->message);
	else
		snprintf(buf, size, "%s: %s: %s", file, what, d->message);
}

void rd_diag_format(const rd_diag *d, char *buf, size_t size)
{
	rd_diag_format_as(d, "error", buf, size);
}

void rd_free(void *p)
{
	free(p);
}
