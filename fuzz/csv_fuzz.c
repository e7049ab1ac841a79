/*
 * csv_fuzz.c: libFuzzer target for Strava's activities.csv reader
 * (strava_csv.h), read whole and in chunks: both must keep the same rows and
 * return the same code.  Every field of every row is touched.
 */
#include "formats/strava_csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void warn(void *ctx, const rd_diag *w)
{
	char line[1024];
	(void)ctx;
	rd_diag_format(w, line, sizeof line);
}

static size_t touch(const strava_csv *c)
{
	size_t i, sum = 0;
	for (i = 0; i < strava_csv_count(c); i++) {
		const strava_row *r = strava_csv_row(c, i);
		sum += strlen(r->id) + strlen(r->name) + strlen(r->filename);
		sum += (size_t)strava_sport(r->type);
	}
	return sum;
}

/* Returns the code; *rows and *sum describe what was kept. */
static int read_csv(const uint8_t *data, size_t size, size_t chunk,
		    size_t *rows, size_t *sum)
{
	strava_csv *c = NULL;
	rd_diag diag = RD_DIAG_INIT;
	size_t at = 0;
	int rc = strava_csv_new(&c, "activities.csv", warn, NULL);

	if (rc != 0)
		abort();
	while (rc == 0 && at < size) {
		size_t n = chunk == 0 || size - at < chunk ? size - at : chunk;
		rc = strava_csv_feed(c, data + at, n, &diag);
		at += n;
	}
	if (rc == 0)
		rc = strava_csv_finish(c, &diag);
	if (rc < 0 && diag.message[0] == '\0')
		abort();
	*rows = strava_csv_count(c);
	*sum = touch(c);
	strava_csv_free(c);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t rows1, sum1, rows2, sum2, chunk = 1 + size % 17;
	int rc1 = read_csv(data, size, 0, &rows1, &sum1);
	int rc2 = read_csv(data, size, chunk, &rows2, &sum2);

	if (rc1 != rc2 || rows1 != rows2 || sum1 != sum2) {
		fprintf(stderr, "csv: whole rc %d rows %zu; chunks of %zu rc %d rows %zu\n",
			rc1, rows1, chunk, rc2, rows2);
		abort();
	}
	return 0;
}
