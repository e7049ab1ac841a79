/* Streaming gzip: members, truncation, CRC, bombs (BAD-INPUTS Z02-Z04). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "bad/gen.h"
#include "formats/gz.h"

typedef struct sink {
	uint8_t *data;
	size_t len, cap, calls, max_chunk;
} sink;

static int collect(void *ctx, const uint8_t *p, size_t n)
{
	sink *s = ctx;
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->data = realloc(s->data, s->cap);
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
	s->calls++;
	if (n > s->max_chunk)
		s->max_chunk = n;
	return 0;
}

/* gzip-compresses src into a malloc'd buffer. */
/* gen.c's gz_of, as a malloc'd buffer (free with free()). */
static uint8_t *gzip(const void *src, size_t n, size_t *out_len)
{
	bb b = {0};
	gz_of(&b, src, n);
	*out_len = b.n;
	return b.p;
}

/* Decodes in chunks of `step` bytes; returns the code, fills diag. */
static int decode(const uint8_t *p, size_t n, size_t step, uint64_t max_out,
		  uint32_t ratio, sink *s, rd_diag *diag)
{
	gz_stream *g;
	assert_int_equal(gz_open(&g, "t.gz", max_out, ratio, collect, s), 0);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += step)
		rc = gz_feed(g, p + i, n - i < step ? n - i : step, diag);
	if (!rc)
		rc = gz_finish(g, diag);
	gz_close(g);
	return rc;
}

static char *text(size_t n)
{
	char *t = malloc(n);
	for (size_t i = 0; i < n; i++)
		t[i] = (char)('a' + (i * 7 + i / 13) % 26);
	return t;
}

static void roundtrip(void **state)
{
	(void)state;
	size_t n = 300000, zn;
	char *t = text(n);
	uint8_t *z = gzip(t, n, &zn);
	size_t steps[] = {1, 7, 4096, zn};
	for (size_t k = 0; k < 4; k++) {
		sink s = {0};
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(decode(z, zn, steps[k], 0, 0, &s, &d), 0);
		assert_int_equal(s.len, n);
		assert_memory_equal(s.data, t, n);
		assert_true(s.max_chunk <= GZ_CHUNK);
		free(s.data);
	}
	free(z);
	free(t);
}

/* Z03: two members concatenated: both are decoded, in order. */
static void multi_member(void **state)
{
	(void)state;
	size_t an, bn;
	uint8_t *a = gzip("first member\n", 13, &an), *b = gzip("second\n", 7, &bn);
	uint8_t *both = malloc(an + bn);
	memcpy(both, a, an);
	memcpy(both + an, b, bn);
	for (size_t step = 1; step <= an + bn; step += an + bn - 1) {
		sink s = {0};
		rd_diag d = RD_DIAG_INIT;
		gz_stream *g;
		assert_int_equal(gz_open(&g, "t.gz", 0, 0, collect, &s), 0);
		for (size_t i = 0; i < an + bn; i += step)
			assert_int_equal(gz_feed(g, both + i, an + bn - i < step ? an + bn - i : step, &d), 0);
		assert_int_equal(gz_finish(g, &d), 0);
		assert_int_equal(gz_members(g), 2);
		assert_int_equal(gz_bytes_out(g), 20);
		gz_close(g);
		assert_int_equal(s.len, 20);
		assert_memory_equal(s.data, "first member\nsecond\n", 20);
		free(s.data);
	}
	free(a);
	free(b);
	free(both);
}

/* Z03: bytes after the last member that do not start a member. */
static void trailing_garbage(void **state)
{
	(void)state;
	size_t an;
	uint8_t *a = gzip("payload", 7, &an);
	uint8_t *buf = malloc(an + 4);
	memcpy(buf, a, an);
	memcpy(buf + an, "JUNK", 4);
	sink s = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(decode(buf, an + 4, 4096, 0, 0, &s, &d), RD_EFORMAT);
	assert_string_equal(d.message, "trailing garbage after gzip member 1");
	assert_true(d.has_offset);
	assert_int_equal(d.offset, an);
	assert_string_equal(d.file, "t.gz");
	assert_int_equal(s.len, 7); /* the member before was delivered */
	free(s.data);
	free(a);
	free(buf);
}

/* Z04: cut at every offset: never a crash, always an error, never more
 * output than the original. */
static void truncated(void **state)
{
	(void)state;
	size_t n = 5000, zn;
	char *t = text(n);
	uint8_t *z = gzip(t, n, &zn);
	for (size_t cut = 0; cut < zn; cut++) {
		sink s = {0};
		rd_diag d = RD_DIAG_INIT;
		int rc = decode(z, cut, 64, 0, 0, &s, &d);
		assert_int_equal(rc, RD_EFORMAT);
		assert_true(s.len <= n);
		if (cut > 20 && cut < zn - 8) {
			assert_string_equal(d.message, "truncated gzip stream");
			assert_int_equal(d.offset, cut);
		}
		free(s.data);
	}
	free(z);
	free(t);
}

/* Z04: a wrong CRC32 or ISIZE in the trailer. */
static void bad_trailer(void **state)
{
	(void)state;
	size_t zn;
	uint8_t *z = gzip("some data to check", 18, &zn);
	const char *expect[] = {"corrupt gzip stream: incorrect data check",
				"corrupt gzip stream: incorrect length check"};
	size_t where[] = {zn - 8, zn - 4};
	for (int k = 0; k < 2; k++) {
		z[where[k]] ^= 0x55;
		sink s = {0};
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(decode(z, zn, 4096, 0, 0, &s, &d), RD_EFORMAT);
		assert_string_equal(d.message, expect[k]);
		assert_true(d.has_offset);
		assert_true(d.offset >= where[k] && d.offset <= zn);
		z[where[k]] ^= 0x55;
		free(s.data);
	}
	z[3] = 0xE0; /* reserved flag bits set in the header */
	sink s = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(decode(z, zn, 4096, 0, 0, &s, &d), RD_EFORMAT);
	assert_string_equal(d.message, "corrupt gzip stream: unknown header flags set");
	free(s.data);
	free(z);
}

/* Z02: a bomb stops at the ratio cap once 1 MiB is out, and at the size
 * cap, without producing much more than the cap. */
static void bombs(void **state)
{
	(void)state;
	size_t n = 16u << 20, zn;
	char *zeros = calloc(1, n);
	uint8_t *z = gzip(zeros, n, &zn);
	assert_true(zn < n / 500);
	sink s = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(decode(z, zn, 65536, 128u << 20, 200, &s, &d), RD_ELIMIT);
	assert_string_equal(d.message, "decompression ratio above 200:1");
	assert_true(s.len <= GZ_RATIO_AFTER + GZ_CHUNK);
	free(s.data);

	memset(&s, 0, sizeof s);
	rd_diag d2 = RD_DIAG_INIT;
	assert_int_equal(decode(z, zn, 65536, 1u << 20, 0, &s, &d2), RD_ELIMIT);
	assert_string_equal(d2.message, "decompressed size limit of 1048576 bytes exceeded");
	assert_true(d2.has_offset);
	assert_true(s.len <= 1u << 20);
	free(s.data);
	free(z);
	free(zeros);
}

/* The corpus's gzipped FIT: decompresses whole, starts with a FIT header. */
static void corpus_fit_gz(void **state)
{
	(void)state;
	FILE *f = fopen(RD_CORPUS "/strava/gz/14582164182.fit.gz", "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(1 << 20);
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	sink s = {0};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(decode(buf, n, 65536, 128u << 20, 200, &s, &d), 0);
	assert_true(s.len > 14);
	assert_memory_equal(s.data + 8, ".FIT", 4);
	/* header size + data size + 2-byte CRC = whole file */
	uint32_t data_size = s.data[4] | s.data[5] << 8 | s.data[6] << 16 |
			     (uint32_t)s.data[7] << 24;
	assert_int_equal(s.len, s.data[0] + data_size + 2);
	free(s.data);
	free(buf);
}

/* Allocation failures: a clean RD_ENOMEM and no leak. */
static void out_of_memory(void **state)
{
	(void)state;
	size_t zn;
	uint8_t *z = gzip("abc", 3, &zn);
	for (unsigned long k = 1; k < 10; k++) {
		rd_alloc_fail_at(k);
		gz_stream *g = NULL;
		sink s = {0};
		rd_diag d = RD_DIAG_INIT;
		int rc = gz_open(&g, "t.gz", 0, 0, collect, &s);
		if (!rc) {
			rc = gz_feed(g, z, zn, &d);
			if (!rc)
				rc = gz_finish(g, &d);
			gz_close(g);
		} else {
			assert_null(g);
		}
		assert_true(rc == 0 || rc == RD_ENOMEM);
		free(s.data);
	}
	rd_alloc_fail_at(0);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip), cmocka_unit_test(multi_member),
		cmocka_unit_test(trailing_garbage), cmocka_unit_test(truncated),
		cmocka_unit_test(bad_trailer), cmocka_unit_test(bombs),
		cmocka_unit_test(corpus_fit_gz), cmocka_unit_test(out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
