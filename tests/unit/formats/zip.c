/* Zip entries in memory: name checks, the central directory, limits
 * (BAD-INPUTS Z05-Z09). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "formats/zip.h"
#include "formats/zip_dir.h"

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
	char end_msg[300]; /* the last entry error */
	rd_diag diag;      /* the walk's own error */
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
	if (rc)
		rd_diag_format(diag, s->end_msg, sizeof s->end_msg);
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

typedef struct entry {
	const char *name;
	const void *data;
	size_t size;
} entry;

/* A zip archive being written at a fresh temporary path (path:
 * "...XXXXXX"), with libarchive's options (NULL: its defaults). */
static struct archive *zip_new(char *path, const char *options)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	if (options)
		assert_int_equal(archive_write_set_options(a, options), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	return a;
}

/* A zip archive of n entries at a fresh temporary path (see zip_new). */
static void zip_write_with(char *path, const char *options, const entry *e, size_t n)
{
	struct archive *a = zip_new(path, options);
	for (size_t i = 0; i < n; i++)
		add(a, e[i].name, e[i].data, e[i].size);
	archive_write_close(a);
	archive_write_free(a);
}

static void zip_write(char *path, const entry *e, size_t n)
{
	zip_write_with(path, NULL, e, n);
}

/* Walks the archive at path with lim, counting into s (cleared first). */
static int walk_counting(const char *path, const zip_limits *lim, seen *s)
{
	memset(s, 0, sizeof *s);
	s->diag = (rd_diag)RD_DIAG_INIT;
	zip_visitor v = {s, want, data, end, reject};
	return zip_walk(path, lim, &v, &s->diag);
}

/* msg must be "<path>!<rest>": an entry's message names the archive. */
static void expect_entry_msg(const char *msg, const char *path, const char *rest)
{
	char want_msg[400];
	snprintf(want_msg, sizeof want_msg, "%s!%s", path, rest);
	assert_string_equal(msg, want_msg);
}

static void walk(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	size_t big = 300000;
	char *zeros = calloc(1, big);
	const entry files[] = {
		{"big.bin", zeros, big}, {"Dup.fit", "a", 1}, {"dup.FIT", "b", 1},
		{"dir/../../up.fit", "c", 1},
	};
	zip_write(path, files, 4);

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 2);
	assert_int_equal(s.ends, 2);
	assert_int_equal(s.bytes, big + 1);
	assert_true(s.max_chunk <= ZIP_CHUNK);
	assert_int_equal(s.rejects, 2);
	expect_entry_msg(s.reject_msg[0], path,
			 "dup.FIT: error: duplicate zip entry name; the first one is used");
	expect_entry_msg(s.reject_msg[1], path,
			 "dir/../../up.fit: error: zip entry name escapes the archive");

	/* per-entry size cap: the entry ends with an error, the walk goes on */
	lim.max_entry = 100000;
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.ends, 2);

	/* ratio cap (a zip bomb): 300,000 zeros deflate to a few hundred
	 * bytes, but stay under the 1 MiB the cap waits for */
	lim.max_entry = 0;
	lim.max_ratio = 200;
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.errors, 0);
	lim.max_ratio = 0;

	/* total cap across entries, shared through total_out: the walk stops */
	atomic_uint_least64_t total;
	atomic_init(&total, 0);
	zip_limits lim2 = {100, 1000, 0, &total, NULL, 0};
	assert_int_equal(walk_counting(path, &lim2, &s), RD_ELIMIT);
	assert_int_equal(s.ends, 1);

	/* not a zip */
	FILE *f = fopen(path, "wb");
	fputs("plain text, not an archive", f);
	fclose(f);
	assert_true(walk_counting(path, &lim, &s) < 0);
	assert_true(s.diag.code != 0);
	unlink(path);
	free(zeros);
}

/* A zip bomb entry: 20 MiB of zeros deflate to about 20 KB.  Past 1 MiB
 * out, an entry may give at most max_ratio times what it took of the
 * archive (at least one 64 KiB read): this one stops at 12.8 MiB, and the
 * next entry is still read. */
static void ratio_bomb(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	size_t big = 20u << 20;
	char *zeros = calloc(1, big);
	assert_non_null(zeros);
	const entry files[] = {{"bomb.gpx", zeros, big}, {"after.fit", "abc", 3}};
	zip_write(path, files, 2);

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 200};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.ends, 2);
	assert_int_equal(s.errors, 1);
	assert_true(s.bytes >= 200u * ZIP_CHUNK && s.bytes < (14u << 20));
	char rest[200];
	snprintf(rest, sizeof rest, "bomb.gpx:0x%zx: error: decompression ratio above 200:1",
		 (size_t)200 * ZIP_CHUNK + ZIP_CHUNK);
	expect_entry_msg(s.end_msg, path, rest);

	/* without the ratio cap the whole entry is read */
	lim.max_ratio = 0;
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.bytes, big + 3);
	unlink(path);
	free(zeros);
}

/* Z06/Z09 on a shared set: two walkers, every interleaving of their
 * checks, refuse exactly the entries one walker alone refuses. */
static const struct {
	const char *name;
	int64_t pos;
	int refused; /* 0, 'd' duplicate, 'o' overlap */
} seen_entries[] = {
	{"a.fit", 10, 0},
	{"b.fit", 20, 0},
	{"A.FIT", 30, 'd'},
	{"c.fit", 20, 'o'},
	{"d.fit", 30, 0},  /* 30 is only a refused entry's: nothing overlaps */
	{"C.fit", 50, 0},  /* c.fit was refused: this is the first one used */
	{"b.FIT", 60, 'd'},
	{"e.fit", -1, 0},  /* position unknown */
	{"f.fit", -1, 0},
};
#define SEEN_N (sizeof seen_entries / sizeof *seen_entries)

/* An entry whose stored bytes no longer match its CRC-32: the entry ends
 * with an error naming it, and the walk goes on to the next entry. */
static void bad_crc(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	char body[1000];
	memset(body, 'A', sizeof body);
	const entry files[] = {{"a.fit", body, sizeof body}, {"b.fit", "hello", 5}};
	zip_write_with(path, "zip:compression=store", files, 2);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	uint8_t head[30];
	assert_int_equal(fread(head, 1, 30, f), 30);
	long data_at = 30 + (head[26] | head[27] << 8) + (head[28] | head[29] << 8);
	assert_int_equal(fseek(f, data_at + 500, SEEK_SET), 0);
	fputc('B', f); /* one byte of a.fit's stored data */
	fclose(f);

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.ends, 2);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.bytes, sizeof body + 5);
	char want_prefix[400];
	snprintf(want_prefix, sizeof want_prefix, "%s!a.fit:0x", path);
	if (strncmp(s.end_msg, want_prefix, strlen(want_prefix)) ||
	    !strstr(s.end_msg, ": error: corrupt zip entry: ZIP bad CRC"))
		fail_msg("got %s", s.end_msg);
	unlink(path);
}

static void check_entry(zip_seen *s, size_t i)
{
	const char *why = NULL;
	int rc = zip_seen_check(s, i, seen_entries[i].name, seen_entries[i].pos, &why);
	switch (seen_entries[i].refused) {
	case 'd':
		assert_int_equal(rc, 1);
		assert_string_equal(why, "duplicate zip entry name; the first one is used");
		break;
	case 'o':
		assert_int_equal(rc, 1);
		assert_string_equal(why, "zip entry overlaps an earlier entry");
		break;
	default:
		assert_int_equal(rc, 0);
		assert_null(why);
	}
}

/* Every SEEN_EVERY-th interleaving of the two walkers (one seen set, a
 * temporary database, each: all 48,620 took minutes under the sanitizers),
 * the first and the last among them. */
#define SEEN_EVERY 29
static void seen_interleaved(void **state)
{
	(void)state;
	unsigned valid = 0, tried = 0;
	/* bit k of order set: step k is walker B's, else walker A's */
	for (unsigned order = 0; order < 1u << (2 * SEEN_N); order++) {
		unsigned b_steps = 0;
		for (unsigned k = 0; k < 2 * SEEN_N; k++)
			b_steps += (order >> k) & 1;
		int last = order == ((1u << SEEN_N) - 1) << SEEN_N;
		if (b_steps != SEEN_N || (valid++ % SEEN_EVERY && !last))
			continue;
		tried++;
		zip_seen *s;
		assert_int_equal(zip_seen_new(&s), 0);
		size_t next[2] = {0, 0};
		for (unsigned k = 0; k < 2 * SEEN_N; k++) {
			unsigned who = (order >> k) & 1;
			check_entry(s, next[who]++);
		}
		zip_seen_free(s);
	}
	assert_true(tried > 1000);
	zip_seen_free(NULL);
}

/* Many names: the tables grow and the names fill several blocks, one of
 * them a long name's own. */
static void seen_many(void **state)
{
	(void)state;
	zip_seen *s;
	assert_int_equal(zip_seen_new(&s), 0);
	char name[6000];
	const char *why;
	for (int pass = 0; pass < 2; pass++) /* the second pass: another walker */
		for (size_t i = 0; i < 5000; i++) {
			snprintf(name, sizeof name, "activities/%zu.fit.gz", i);
			if (i == 1000) {
				memset(name, 'x', sizeof name - 1);
				name[sizeof name - 1] = 0;
			}
			assert_int_equal(zip_seen_check(s, i, name, (int64_t)i * 100, &why), 0);
		}
	snprintf(name, sizeof name, "ACTIVITIES/4999.FIT.GZ");
	assert_int_equal(zip_seen_check(s, 5000, name, 1, &why), 1);
	memset(name, 'X', sizeof name - 1);
	name[sizeof name - 1] = 0;
	assert_int_equal(zip_seen_check(s, 5001, name, 2, &why), 1);
	assert_int_equal(zip_seen_check(s, 5002, "other", 4999 * 100, &why), 1);
	assert_string_equal(why, "zip entry overlaps an earlier entry");
	assert_int_equal(zip_seen_check(s, 5003, "other", 3, &why), 0);
	zip_seen_free(s);
}

/* zip_walk() uses the set passed in lim->seen: an entry another walker
 * recorded at a lower index makes this walk's entry a duplicate, and a walk
 * after another on the same set refuses the same entries. */
static void walk_shared(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	const entry files[] = {
		{"one.fit", "a", 1}, {"Two.fit", "b", 1}, {"ONE.fit", "c", 1}, {"three.fit", "d", 1},
	};
	zip_write(path, files, 4);

	zip_seen *shared;
	assert_int_equal(zip_seen_new(&shared), 0);
	const char *why;
	assert_int_equal(zip_seen_check(shared, 0, "one.fit", 0, &why), 0);
	assert_int_equal(zip_seen_check(shared, 1, "TWO.FIT", 1000, &why), 0);
	seen s;
	zip_limits lim = {100, 0, 0, NULL, shared, 0};
	for (int pass = 0; pass < 3; pass++) { /* the first, then the same again */
		assert_int_equal(walk_counting(path, &lim, &s), 0);
		assert_int_equal(s.wanted, 3);
		assert_int_equal(s.rejects, 1);
		expect_entry_msg(s.reject_msg[0], path,
				 "ONE.fit: error: duplicate zip entry name; the first one is used");
	}
	zip_seen_free(shared);

	/* a recorded entry at a lower index than the archive's refuses it */
	assert_int_equal(zip_seen_new(&shared), 0);
	assert_int_equal(zip_seen_check(shared, 0, "THREE.FIT", -1, &why), 0);
	lim.seen = shared;
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.rejects, 2);
	expect_entry_msg(s.reject_msg[1], path,
			 "three.fit: error: duplicate zip entry name; the first one is used");
	zip_seen_free(shared);
	unlink(path);
}

static void add_link(struct archive *a, const char *name, const char *target)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_perm(e, 0777);
	archive_entry_set_symlink(e, target);
	archive_write_header(a, e);
	archive_entry_free(e);
}

/* Appends a comment of n bytes to the archive at path (the end record's
 * last field is the comment's length). */
static void add_comment(const char *path, const char *comment)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, -2, SEEK_END), 0);
	size_t n = strlen(comment);
	fputc((int)(n & 0xff), f);
	fputc((int)(n >> 8), f);
	fputs(comment, f);
	fclose(f);
}

/* The end record of the archive at path (see zip_directory_find). */
static int directory_of(const char *path, zip_directory *d)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return RD_EIO;
	int rc = zip_directory_find(fd, d);
	close(fd);
	return rc;
}

/* The directory's size comes from the end record, comment or not; the
 * directory's attributes tell a link, which is refused. */
static void directory_links(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	struct archive *a = zip_new(path, NULL);
	add(a, "a.fit", "one", 3);
	add_link(a, "link.fit", "/etc/passwd");
	add(a, "b.fit", "two", 3);
	add(a, "A.FIT", "dup", 3);
	archive_write_close(a);
	archive_write_free(a);
	add_comment(path, "an archive comment");

	zip_directory d;
	assert_int_equal(directory_of(path, &d), 0);
	assert_int_equal(d.entries, 4);
	assert_true(d.bytes > 4 * 46 && d.bytes < 1000);

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 2);
	assert_int_equal(s.bytes, 6);
	assert_int_equal(s.rejects, 2);
	expect_entry_msg(s.reject_msg[0], path, "link.fit: error: zip entry is a link");
	expect_entry_msg(s.reject_msg[1], path,
			 "A.FIT: error: duplicate zip entry name; the first one is used");

	FILE *f = fopen(path, "wb");
	fputs("PK\5\6 but too short", f);
	fclose(f);
	assert_int_equal(directory_of(path, &d), 1);
	/* read as a cut archive: libarchive takes "PK\5\6" for an empty one */
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted + s.rejects, 0);
	unlink(path);
	assert_int_equal(directory_of(path, &d), RD_EIO);
	assert_int_equal(walk_counting(path, &lim, &s), RD_EIO);
}

/* Over 65,535 entries the count is in the zip64 end record.  Every entry
 * is read from the directory, whatever their number: a link among 70,000
 * entries is still refused as a link (it is not read as its target's
 * name), and a duplicate near the end is still found. */
static void directory_zip64(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	struct archive *a = zip_new(path, NULL);
	enum { N = 70000 };
	for (int i = 0; i < N; i++) {
		char name[16];
		snprintf(name, sizeof name, "%d", i);
		if (i == 60000)
			add_link(a, name, "/etc/passwd");
		else if (i == N - 1)
			add(a, "12", "x", 1);
		else
			add(a, name, "x", 1);
	}
	archive_write_close(a);
	archive_write_free(a);

	zip_directory d;
	assert_int_equal(directory_of(path, &d), 0);
	assert_int_equal(d.entries, N);
	seen s;
	zip_limits lim = {N, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, N - 2);
	assert_int_equal(s.bytes, N - 2);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.rejects, 2);
	expect_entry_msg(s.reject_msg[0], path, "60000: error: zip entry is a link");
	expect_entry_msg(s.reject_msg[1], path,
			 "12: error: duplicate zip entry name; the first one is used");

	/* one entry fewer than the archive holds: the limit stops the walk */
	lim.max_entries = N - 1;
	assert_int_equal(walk_counting(path, &lim, &s), RD_ELIMIT);
	assert_string_equal(s.diag.message, "zip entry limit of 69999 entries reached");
	unlink(path);
}

/* ---- hand-made archives: what libarchive's writer never writes ---- */

typedef struct raw_entry {
	const char *name;       /* in the directory */
	const char *local_name; /* in the local header; NULL: name */
	const char *data;       /* stored, unless method says otherwise */
	uint16_t flags;         /* bit 3: the sizes follow the data */
	uint16_t method;
	int zip64;              /* the directory's sizes and offset in a zip64 extra */
	int64_t local;          /* 0: where it is; > 0: this offset; -1: the directory's */
} raw_entry;

static uint8_t raw[1 << 16];
static size_t raw_n;

static void put(uint64_t v, int n)
{
	for (; n > 0; n--, v >>= 8)
		raw[raw_n++] = (uint8_t)v;
}

static void put_s(const char *s)
{
	memcpy(raw + raw_n, s, strlen(s));
	raw_n += strlen(s);
}

static void raw_local(const raw_entry *e)
{
	const char *name = e->local_name ? e->local_name : e->name;
	size_t len = strlen(e->data);
	uint32_t crc = (uint32_t)crc32(0, (const Bytef *)e->data, (uInt)len);
	int later = e->flags & 8;
	put_s("PK\3\4");
	put(20, 2), put(e->flags, 2), put(e->method, 2), put(0, 4);
	put(later ? 0 : crc, 4), put(later ? 0 : len, 4), put(later ? 0 : len, 4);
	put(strlen(name), 2), put(0, 2), put_s(name), put_s(e->data);
	if (later)
		put_s("PK\7\10"), put(crc, 4), put(len, 4), put(len, 4);
}

static void raw_central(const raw_entry *e, uint64_t local)
{
	size_t len = strlen(e->data);
	uint64_t big = 0xffffffff;
	put_s("PK\1\2");
	put(3 << 8 | 20, 2), put(20, 2), put(e->flags, 2), put(e->method, 2), put(0, 4);
	put(crc32(0, (const Bytef *)e->data, (uInt)len), 4);
	put(e->zip64 ? big : len, 4), put(e->zip64 ? big : len, 4);
	put(strlen(e->name), 2), put(e->zip64 ? 28 : 0, 2), put(0, 2), put(0, 2), put(0, 2);
	put((uint64_t)0100644 << 16, 4), put(e->zip64 ? big : local, 4), put_s(e->name);
	if (e->zip64)
		put(1, 2), put(24, 2), put(len, 8), put(len, 8), put(local, 8);
}

/* Writes n stored entries at a fresh temporary path (path: "...XXXXXX", or
 * the name a previous call made of it), the end record saying
 * count entries (0: n), through a zip64 end record when zip64. */
static void raw_zip(char *path, const raw_entry *e, size_t n, uint64_t count, int zip64)
{
	uint64_t at[8];
	raw_n = 0;
	for (size_t i = 0; i < n; i++) {
		at[i] = raw_n;
		raw_local(&e[i]);
	}
	uint64_t cd = raw_n;
	for (size_t i = 0; i < n; i++)
		raw_central(&e[i], e[i].local > 0 ? (uint64_t)e[i].local
				   : e[i].local < 0 ? cd : at[i]);
	uint64_t cd_size = raw_n - cd, z64 = raw_n;
	count = count ? count : n;
	if (zip64) {
		put_s("PK\6\6"), put(44, 8), put(45, 2), put(45, 2), put(0, 4), put(0, 4);
		put(count, 8), put(count, 8), put(cd_size, 8), put(cd, 8);
		put_s("PK\6\7"), put(0, 4), put(z64, 8), put(1, 4);
	}
	put_s("PK\5\6"), put(0, 4);
	put(zip64 ? 0xffff : count, 2), put(zip64 ? 0xffff : count, 2);
	put(zip64 ? 0xffffffff : cd_size, 4), put(zip64 ? 0xffffffff : cd, 4), put(0, 2);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6); /* a fresh one each time */
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, raw, raw_n), (ssize_t)raw_n);
	close(fd);
}

/* A zip64 archive (the count, sizes and offsets only in zip64 records), and
 * stored entries whose sizes follow their data (flag bit 3): the directory
 * says where each entry ends. */
static void zip64_and_descriptors(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	const raw_entry e[] = {
		{"a.fit", NULL, "PK\7\10 is in this one's data", 8, 0, 0, 0},
		{"b.fit", NULL, "bee", 0, 0, 1, 0},
		{"c.fit", NULL, "sea", 8, 0, 1, 0},
	};
	raw_zip(path, e, 3, 0, 1);
	zip_directory d;
	assert_int_equal(directory_of(path, &d), 0);
	assert_int_equal(d.entries, 3);
	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 3);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.bytes, strlen(e[0].data) + 6);
	unlink(path);
}

/* A deflated entry whose sizes follow its data (libarchive writes one when
 * it is not told the size), read with one stored the same way. */
static void deflated_descriptor(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	char body[5000];
	memset(body, 'r', sizeof body);
	struct archive *a = zip_new(path, NULL);
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, "run.gpx");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_write_header(a, ae);
	archive_write_data(a, body, sizeof body);
	archive_entry_free(ae);
	add(a, "after.fit", "abc", 3);
	archive_write_close(a);
	archive_write_free(a);
	FILE *f = fopen(path, "rb");
	uint8_t head[30];
	assert_int_equal(fread(head, 1, 30, f), 30);
	fclose(f);
	assert_int_equal(head[6] & 8, 8);   /* sizes after the data */
	assert_int_equal(head[8], 8);       /* deflated */

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 2);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.bytes, sizeof body + 3);
	unlink(path);
}

/* Hostile directories: a local header naming another entry, local header
 * offsets past the entries or at the directory itself, an encrypted entry,
 * an unknown method: each entry ends with an error, and the walk reads the
 * good entries among them.  Two entries at one local header: the second
 * is refused. */
static void local_headers(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	const raw_entry e[] = {
		{"a.fit", "b.fit", "one", 0, 0, 0, 0},
		{"far.fit", NULL, "two", 0, 0, 0, 1000000},
		{"dir.fit", NULL, "three", 0, 0, 0, -1},
		{"fine.fit", NULL, "four", 0, 0, 0, 0},
		{"enc.fit", NULL, "five", 1, 0, 0, 0},
		{"method.fit", NULL, "six", 0, 42, 0, 0},
		{"good.fit", NULL, "seven", 0, 0, 0, 0},
	};
	raw_zip(path, e, 7, 0, 0);
	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 7);
	assert_int_equal(s.errors, 5);
	assert_int_equal(s.bytes, 4 + 5);
	assert_int_equal(s.rejects, 0);
	expect_entry_msg(s.end_msg, path, "method.fit:0x0: error: corrupt zip entry: "
			 "Unsupported ZIP compression method (42: ?""?)");
	unlink(path);

	/* each message: the local header's name, the offsets */
	const raw_entry one[] = {{"a.fit", "b.fit", "one", 0, 0, 0, 0}};
	raw_zip(path, one, 1, 0, 0);
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	expect_entry_msg(s.end_msg, path, "a.fit: error: zip local header at 0x0 names another "
			 "entry than the central directory");
	unlink(path);
	const raw_entry far[] = {{"far.fit", NULL, "two", 0, 0, 0, 1000000}};
	raw_zip(path, far, 1, 0, 0);
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	expect_entry_msg(s.end_msg, path, "far.fit: error: zip local header at 0xf4240 is past "
			 "the entries, which end at 0x28");
	unlink(path);
	const raw_entry at_dir[] = {{"a.fit", NULL, "x", 0, 0, 0, 0}, {"b.fit", NULL, "y", 0, 0, 0, -1}};
	raw_zip(path, at_dir, 2, 0, 0);
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.errors, 1);
	expect_entry_msg(s.end_msg, path, "b.fit: error: zip local header at 0x48 is past "
			 "the entries, which end at 0x48");
	unlink(path);
	const raw_entry big[] = {{"a.fit", NULL, "x", 0, 0, 0, 0}};
	raw_zip(path, big, 1, 0, 0);
	FILE *f = fopen(path, "r+b");
	assert_int_equal(fseek(f, 0x24 + 20, SEEK_SET), 0); /* its compressed size */
	fputc(2, f);
	fclose(f);
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	expect_entry_msg(s.end_msg, path, "a.fit: error: zip entry data runs past the entries, "
			 "which end at 0x24");
	unlink(path);
	const raw_entry same[] = {{"a.fit", NULL, "x", 0, 0, 0, 0}, {"b.fit", NULL, "x", 0, 0, 0, 0}};
	raw_zip(path, same, 2, 0, 0);
	f = fopen(path, "r+b");
	/* b.fit's central header: its local header offset becomes a.fit's */
	assert_int_equal(fseek(f, 0x48 + 46 + 5 + 42, SEEK_SET), 0);
	fputc(0, f), fputc(0, f), fputc(0, f), fputc(0, f);
	fclose(f);
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 1);
	assert_int_equal(s.rejects, 1);
	expect_entry_msg(s.reject_msg[0], path, "b.fit: error: zip entry overlaps an earlier entry");
	unlink(path);
}

/* A directory whose count cannot be true is refused before any entry (and
 * nothing is allocated by the count); a damaged header stops the walk with
 * the entries before it read. */
static void directory_corrupt(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	const raw_entry e[] = {
		{"a.fit", NULL, "one", 0, 0, 0, 0},
		{"b.fit", NULL, "two", 0, 0, 0, 0},
		{"c.fit", NULL, "three", 0, 0, 0, 0},
	};
	uint64_t counts[] = {0xfffe, 4, (uint64_t)1 << 60};
	seen s;
	zip_limits lim = {0, 0, 0, NULL, NULL, 0};
	for (int i = 0; i < 3; i++) {
		raw_zip(path, e, 3, counts[i], i == 2);
		assert_int_equal(walk_counting(path, &lim, &s), RD_EFORMAT);
		assert_int_equal(s.wanted, 0);
		char want_msg[300];
		snprintf(want_msg, sizeof want_msg, "%s: error: corrupt zip archive: the central "
			 "directory is too small for its count of entries", path);
		char got[600];
		rd_diag_format(&s.diag, got, sizeof got);
		assert_string_equal(got, want_msg);
		unlink(path);
	}

	/* the second header's signature damaged */
	raw_zip(path, e, 3, 0, 0);
	FILE *f = fopen(path, "r+b");
	long second = (long)(3 * 30 + 15 + 11 + 46 + 5);
	assert_int_equal(fseek(f, second, SEEK_SET), 0);
	fputc('X', f);
	fclose(f);
	assert_int_equal(walk_counting(path, &lim, &s), RD_EFORMAT);
	assert_int_equal(s.wanted, 1);
	assert_int_equal(s.ends, 1);
	assert_int_equal(s.bytes, 3);
	char got[600], want_msg[300];
	rd_diag_format(&s.diag, got, sizeof got);
	snprintf(want_msg, sizeof want_msg, "%s:0x%lx: error: corrupt zip directory after "
		 "entry 1: no central directory header where one should start", path, second);
	assert_string_equal(got, want_msg);
	unlink(path);
}

/* A self-extracting archive: a program before the zip moves every offset by
 * its size, which the archive's offsets do not count.  The entries are
 * found where the directory really is, as unzip finds them. */
static void self_extracting(void **state)
{
	(void)state;
	char path[] = "/tmp/rd_zip_XXXXXX";
	const entry files[] = {{"a.fit", "hello", 5}, {"b/c.fit", "world!", 6}};
	zip_write(path, files, 2);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char zip[4096], stub[1000];
	size_t n = fread(zip, 1, sizeof zip, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof zip);
	memset(stub, 'M', sizeof stub); /* "MZ..." */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(stub, 1, sizeof stub, f), sizeof stub);
	assert_int_equal(fwrite(zip, 1, n, f), n);
	fclose(f);

	seen s;
	zip_limits lim = {100, 0, 0, NULL, NULL, 0};
	assert_int_equal(walk_counting(path, &lim, &s), 0);
	assert_int_equal(s.wanted, 2);
	assert_int_equal(s.ends, 2);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.bytes, 11);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names), cmocka_unit_test(walk),
		cmocka_unit_test(seen_interleaved), cmocka_unit_test(seen_many),
		cmocka_unit_test(walk_shared), cmocka_unit_test(ratio_bomb),
		cmocka_unit_test(bad_crc), cmocka_unit_test(directory_links),
		cmocka_unit_test(directory_zip64), cmocka_unit_test(zip64_and_descriptors),
		cmocka_unit_test(deflated_descriptor), cmocka_unit_test(local_headers),
		cmocka_unit_test(directory_corrupt), cmocka_unit_test(self_extracting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
