/* Zip entries in memory: name checks, streaming, limits (BAD-INPUTS
 * Z05-Z09). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/zip.h"

static void names(void **state)
{
	(void)state;
	const char *ok[] = {"activities/1.fit.gz", "a..b/c", "..x", "x/..y/z", "activities.csv"};
	for (size_t i = 0; i < 5; i++)
		assert_null(zip_name_problem(ok[i]));
	const char *escape[] = {"../x", "a/../../x", "a\\..\\x", "..", "a/.."};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(zip_name_problem(escape[i]), "zip entry name escapes the archive");
	const char *abs[] = {"/etc/x", "\\x", "C:\\x", "c:x"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(zip_name_problem(abs[i]), "zip entry name is absolute");
}

typedef struct seen {
	size_t wanted, bytes, max_chunk, ends, rejects, errors;
	char reject_msg[8][300];
} seen;

static int want(void *ctx, size_t index, const char *name)
{
	(void)index, (void)name;
	((seen *)ctx)->wanted++;
	return 1;
}

static int data(void *ctx, const uint8_t *p, size_t n)
{
	seen *s = ctx;
	(void)p;
	s->bytes += n;
	if (n > s->max_chunk)
		s->max_chunk = n;
	return 0;
}

static void end(void *ctx, int rc, rd_diag *diag)
{
	seen *s = ctx;
	s->ends++;
	s->errors += rc != 0;
	(void)diag;
}

static void reject(void *ctx, size_t index, const rd_diag *why)
{
	seen *s = ctx;
	(void)index;
	if (s->rejects < 8)
		rd_diag_format(why, s->reject_msg[s->rejects], sizeof s->reject_msg[0]);
	s->rejects++;
}

static void add(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_write_header(a, e);
	archive_write_data(a, p, n);
	archive_entry_free(e);
}

static void walk(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	size_t big = 300000;
	char *zeros = calloc(1, big);
	add(a, "big.bin", zeros, big);
	add(a, "Dup.fit", "a", 1);
	add(a, "dup.FIT", "b", 1);
	add(a, "dir/../../up.fit", "c", 1);
	archive_write_close(a);
	archive_write_free(a);

	seen s = {0};
	zip_visitor v = {&s, want, data, end, reject};
	zip_limits lim = {100, 0, 0, NULL};
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(zip_walk(path, &lim, &v, &d), 0);
	assert_int_equal(s.wanted, 2);
	assert_int_equal(s.ends, 2);
	assert_int_equal(s.bytes, big + 1);
	assert_true(s.max_chunk <= ZIP_CHUNK);
	assert_int_equal(s.rejects, 2);
	char want1[400], want2[400];
	snprintf(want1, sizeof want1, "%s!dup.FIT: error: duplicate zip entry name; the first one is used", path);
	snprintf(want2, sizeof want2, "%s!dir/../../up.fit: error: zip entry name escapes the archive", path);
	assert_string_equal(s.reject_msg[0], want1);
	assert_string_equal(s.reject_msg[1], want2);

	/* per-entry size cap: the entry ends with an error, the walk goes on */
	memset(&s, 0, sizeof s);
	lim.max_entry = 100000;
	assert_int_equal(zip_walk(path, &lim, &v, &d), 0);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.ends, 2);

	/* total cap across entries, shared through total_out: the walk stops */
	memset(&s, 0, sizeof s);
	atomic_uint_least64_t total;
	atomic_init(&total, 0);
	zip_limits lim2 = {100, 1000, 0, &total};
	rd_diag d2 = RD_DIAG_INIT;
	assert_int_equal(zip_walk(path, &lim2, &v, &d2), RD_ELIMIT);
	assert_int_equal(s.ends, 1);

	/* not a zip */
	FILE *f = fopen(path, "wb");
	fputs("plain text, not an archive", f);
	fclose(f);
	rd_diag d3 = RD_DIAG_INIT;
	assert_true(zip_walk(path, &lim, &v, &d3) < 0);
	assert_true(d3.code != 0);
	unlink(path);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names), cmocka_unit_test(walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
