/*
 * gz_fuzz.c: libFuzzer target for the streaming gzip layer (gz.h), with a
 * 16 MiB output cap and the 200:1 ratio cap.  Read whole and in chunks: both
 * must return the same code, and when the stream is good the same
 * decompressed byte count.  After an error the counts may differ today
 * (gz.c drops what the failing inflate() call produced; see
 * tests/data/fuzz/gz/open-error-drops-output): RD_FUZZ_GZ_STRICT=1 checks
 * them too.
 */
#include "formats/gz.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *ctx, const uint8_t *p, size_t n)
{
	uint64_t *total = ctx;
	if (n > GZ_CHUNK || (n > 0 && p == NULL))
		abort();
	*total += n;
	return 0;
}

static int inflate_all(const uint8_t *data, size_t size, size_t chunk,
		       uint64_t *total)
{
	gz_stream *g = NULL;
	rd_diag diag = RD_DIAG_INIT;
	size_t at = 0;
	int rc = gz_open(&g, "fuzz.gz", 16u << 20, 200, sink, total);

	if (rc != 0)
		abort();
	while (rc == 0 && at < size) {
		size_t n = chunk == 0 || size - at < chunk ? size - at : chunk;
		rc = gz_feed(g, data + at, n, &diag);
		at += n;
	}
	if (rc == 0)
		rc = gz_finish(g, &diag);
	if (rc < 0 && diag.message[0] == '\0')
		abort();
	if (gz_bytes_out(g) != *total)
		abort();
	gz_close(g);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t t1 = 0, t2 = 0;
	size_t chunk = 1 + size % 29;
	int rc1 = inflate_all(data, size, 0, &t1);
	int rc2 = inflate_all(data, size, chunk, &t2);

	int strict = rc1 == 0 || getenv("RD_FUZZ_GZ_STRICT") != NULL;

	if (rc1 != rc2 || (strict && t1 != t2)) {
		fprintf(stderr, "gz: whole rc %d out %llu; chunks of %zu rc %d out %llu\n",
			rc1, (unsigned long long)t1, chunk, rc2,
			(unsigned long long)t2);
		abort();
	}
	return 0;
}
