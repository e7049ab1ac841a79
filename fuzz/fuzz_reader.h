/*
 * fuzz_reader.h: the shared body of the activity-reader fuzz targets (FIT,
 * GPX, TCX).
 *
 * Each input is read three times: whole in one feed, then in small chunks
 * whose size comes from the input's length, gathered (XML documents are
 * parsed in one call) and streamed (xml_whole_bytes 0).  A push reader must not care how its
 * bytes are cut (reader.h), so both reads must agree on the return code, the
 * number of activities, their records and heart-rate seconds; a difference
 * aborts, which libFuzzer reports as a crash.  The error path is exercised too: a failed
 * read must say why in its diag, and the message is formatted.
 */
#ifndef RD_FUZZ_READER_H
#define RD_FUZZ_READER_H

#include "formats/reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fuzz_tally {
	unsigned activities;
	uint64_t records;
	unsigned partial;
	uint64_t hr_seconds;
} fuzz_tally;

static int fuzz_emit(void *ctx, const rd_activity *a)
{
	fuzz_tally *t = ctx;
	t->activities++;
	t->records += a->records;
	t->partial += a->status != RD_READ_OK;
	if (!a->name || !a->source || strlen(a->name) >= RD_NAME_MAX ||
	    strlen(a->source) >= 1 << 20)
		abort(); /* texts are never NULL, and terminated */
	if ((a->hr_bins == 0) != (a->hr_seconds == NULL) ||
	    a->hr_low + a->hr_bins > RD_HR_BINS)
		abort(); /* the histogram lies within its bins */
	for (int i = 0; i < a->hr_bins; i++)
		t->hr_seconds += a->hr_seconds[i];
	return 0;
}

static void fuzz_warn(void *ctx, const rd_diag *w)
{
	char line[1024];
	(void)ctx;
	rd_diag_format(w, line, sizeof line);
}

/* Reads data through ops, chunk bytes at a time (0: all at once); stream:
 * XML is parsed as it comes, not gathered into one call. */
static int fuzz_read(const reader_ops *ops, const uint8_t *data, size_t size,
		     size_t chunk, int stream, fuzz_tally *t)
{
	activity_sink sink = {fuzz_emit, t, fuzz_warn, NULL};
	rd_diag diag = RD_DIAG_INIT;
	char line[1024];
	rd_limits lim;
	rd_limits_default(&lim);
	if (stream)
		lim.xml_whole_bytes = 0;
	void *st = ops->open("fuzz", &sink, &lim);
	int rc = 0;
	size_t at = 0;

	if (st == NULL)
		abort(); /* no allocation limit is set: this is a bug */
	while (rc == 0 && at < size) {
		size_t n = chunk == 0 || size - at < chunk ? size - at : chunk;
		rc = ops->feed(st, data + at, n, &diag);
		at += n;
	}
	{
		int frc = ops->finish(st, &diag);
		if (rc == 0)
			rc = frc;
	}
	ops->close(st);
	if (rc < 0 && diag.message[0] == '\0')
		abort(); /* an error must say what went wrong */
	rd_diag_format(&diag, line, sizeof line);
	return rc;
}

static int fuzz_reader_one(const reader_ops *ops, const uint8_t *data,
			   size_t size)
{
	fuzz_tally whole = {0, 0, 0, 0};
	int rc_whole = fuzz_read(ops, data, size, 0, 0, &whole);
	for (int stream = 0; stream < 2; stream++) {
		fuzz_tally cut = {0, 0, 0, 0};
		int rc_cut = fuzz_read(ops, data, size, 1 + size % 13, stream, &cut);
		if (rc_whole != rc_cut || whole.activities != cut.activities ||
		    whole.records != cut.records || whole.hr_seconds != cut.hr_seconds) {
			fprintf(stderr, "%s: whole read rc %d, %u activities, %llu "
				"records; chunked (%zu%s) rc %d, %u activities, %llu "
				"records\n", ops->name, rc_whole, whole.activities,
				(unsigned long long)whole.records, 1 + size % 13,
				stream ? ", streamed" : "", rc_cut, cut.activities,
				(unsigned long long)cut.records);
			abort();
		}
	}
	return 0;
}

#endif
