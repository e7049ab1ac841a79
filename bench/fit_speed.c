/*
 * fit_speed.c: how fast the FIT reader decodes, against reading the bytes.
 *
 *   fit_speed [--repeat N] FILE.fit...
 *
 * For each file, N times (default 20): a plain read() loop over the file in
 * 64 KiB chunks (the floor: what `cat` costs, the file being in the page
 * cache after the first pass), then the same loop feeding every chunk to
 * fit_reader (decoder, activity mapping, track accumulator).  Prints MB/s of
 * both from the fastest pass, and their ratio; the target of issue 4 is a
 * ratio of at most 3.  A benchmark, not a test: it asserts nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include "formats/reader.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static unsigned char buf[CHUNK];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count(void *ctx, const rd_activity *a)
{
	(void)a;
	(*(unsigned *)ctx)++;
	return 0;
}

/* One pass over path; with decode, through fit_reader.  Returns the bytes
 * read, or -1. */
static long pass(const char *path, int decode, unsigned *acts)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	activity_sink sink = {count, acts, NULL, NULL};
	void *st = decode ? fit_reader.open(path, &sink, NULL) : NULL;
	rd_diag d = RD_DIAG_INIT;
	long total = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		total += n;
		if (st)
			fit_reader.feed(st, buf, (size_t)n, &d);
	}
	if (st) {
		fit_reader.finish(st, &d);
		fit_reader.close(st);
	}
	close(fd);
	return n < 0 ? -1 : total;
}

/* The fastest of repeat passes, in seconds. */
static double best(const char *path, int decode, int repeat, long *bytes,
		   unsigned *acts)
{
	double min = 1e30;
	for (int i = 0; i < repeat; i++) {
		*acts = 0;
		double t = now();
		*bytes = pass(path, decode, acts);
		t = now() - t;
		if (t < min)
			min = t;
	}
	return min;
}

int main(int argc, char **argv)
{
	int repeat = 20, first = 1;
	if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
		repeat = atoi(argv[2]);
		first = 3;
	}
	if (first >= argc || repeat < 1) {
		fprintf(stderr, "usage: fit_speed [--repeat N] FILE.fit...\n");
		return 2;
	}
	double all_read = 0, all_fit = 0, all_bytes = 0;
	printf("%-44s %9s %10s %10s %6s\n", "file", "bytes", "read MB/s",
	       "fit MB/s", "ratio");
	for (int i = first; i < argc; i++) {
		long bytes;
		unsigned acts;
		double tr = best(argv[i], 0, repeat, &bytes, &acts);
		double tf = best(argv[i], 1, repeat, &bytes, &acts);
		if (bytes < 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
		const char *name = strrchr(argv[i], '/');
		printf("%-44s %9ld %10.1f %10.1f %6.2f\n", name ? name + 1 : argv[i],
		       bytes, bytes / tr / 1e6, bytes / tf / 1e6, tf / tr);
		all_read += tr;
		all_fit += tf;
		all_bytes += (double)bytes;
	}
	printf("%-44s %9.0f %10.1f %10.1f %6.2f\n", "all", all_bytes,
	       all_bytes / all_read / 1e6, all_bytes / all_fit / 1e6,
	       all_fit / all_read);
	return 0;
}
