/* cli_history.c: reading --history paths, with warnings and a progress bar. */
#include "cli.h"
#include "rubdown/training.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
	int tty;
	double start;
	int shown;
} progress;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_warning(void *ctx, const rd_diag *w)
{
	progress *pr = ctx;
	char buf[1024];
	rd_diag_format_as(w, "warning", buf, sizeof buf);
	fprintf(stderr, "%s%s\n", pr->shown ? "\r\033[K" : "", buf);
}

/* A bar on stderr once reading has taken more than a second. */
static void on_progress(void *ctx, const rd_history_progress *p)
{
	progress *pr = ctx;
	if (!pr->tty || now() - pr->start < 1.0 || !p->files_total)
		return;
	int width = 30, done = (int)(width * p->files_done / p->files_total);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu files, %.0f MB", done,
		"##############################", width - done, "", p->files_done,
		p->files_total, (double)p->bytes_done / 1e6);
	pr->shown = 1;
}

int cli_read_history(rd_history **out, char **paths, size_t n, rd_history_stats *stats)
{
	static progress pr;
	pr = (progress){isatty(STDERR_FILENO), now(), 0};
	rd_history_options opt;
	rd_history_options_init(&opt);
	opt.warn = on_warning;
	opt.warn_ctx = &pr;
	opt.progress = on_progress;
	opt.progress_ctx = &pr;
	*out = NULL;
	rd_history *h = NULL;
	if (rd_history_new(&h, &opt)) {
		cli_error("out of memory");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		rd_diag diag = RD_DIAG_INIT;
		rc = rd_history_add_path(h, paths[i], &diag);
		if (pr.shown)
			fputs("\r\033[K", stderr);
		pr.shown = 0;
		if (rc)
			cli_diag(&diag);
	}
	rd_history_stats_get(h, stats);
	if (rc) {
		rd_history_free(h);
		return -1;
	}
	*out = h;
	return 0;
}
