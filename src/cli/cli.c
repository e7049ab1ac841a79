/* cli.c: helpers shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("rubdown: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_diag(const rd_diag *diag)
{
	char buf[1024];
	rd_diag_format(diag, buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
}

void cli_warn(void *ctx, const rd_diag *w)
{
	(void)ctx;
	char buf[1024];
	rd_diag_format_as(w, "warning", buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
}

int cli_usage(const char *usage)
{
	fprintf(stderr, "usage: %s\n", usage);
	return RD_EXIT_USAGE;
}

int cli_help(const char *usage, const char *options)
{
	printf("usage: %s\n\n%s\nrubdown plans massages for runners. Not medical advice.\n",
	       usage, options);
	return RD_EXIT_OK;
}

int cli_write(const char *path, const char *text)
{
	size_t n = strlen(text);
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, n, stdout) != n || fflush(stdout)) {
			cli_error("cannot write the output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	if (!tmp) {
		cli_error("out of memory");
		return -1;
	}
	snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(text, 1, n, f) == n;
	ok = f && fflush(f) == 0 && ok;
	ok = f && fsync(fileno(f)) == 0 && ok;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		cli_error("%s: cannot write: %s", path, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int cli_date(const char *what, const char *s, rd_date *out)
{
	if (rd_date_parse(out, s, strlen(s)) == 0)
		return 0;
	cli_error("%s: '%s' is not a date (YYYY-MM-DD)", what, s);
	return -1;
}

int cli_int(const char *what, const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi) {
		cli_error("%s: '%s' is not a whole number from %d to %d", what, s, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}
