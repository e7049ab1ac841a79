/*
 * bad.c: the table-driven bad-input suite (issue 6; BAD-INPUTS.md).
 *
 * History rows: each hostile file is put in a fresh folder beside two good
 * files (a FIT and a GPX), and the folder is read with rd_history.  Each row
 * states the exact warning the bad file must produce (as printed, with the
 * folder prefix removed), how many activities it keeps, and the outcome of
 * every file in the folder (OK, PARTIAL, REJECTED), so each row also proves
 * that the good files beside it are still read.
 *
 * Generated loops: a FIT file and a GPX file cut at every offset, and a FIT
 * file with every bit of its first 512 bytes flipped in turn; each must end
 * in a clean error or a clean read (and nothing else: run under ASan).
 *
 * Profile rows go through rd_profile_parse and ICS rows through
 * rd_ical_parse_plan, each with the exact message expected.
 *
 * RD_BAD_PRINT=1 prints what each row actually gives instead of checking it
 * (to write a new row; check the output against BAD-INPUTS.md first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/reader.h"
#include "gen.h"
#include "rubdown/history.h"
#include "rubdown/profile.h"
#ifdef RD_HAVE_ICAL
#include "rubdown/ical.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOOD_FIT RD_CORPUS "/fit/python-fitparse/garmin-fenix-5-walk.fit"
#define GOOD_GPX RD_CORPUS "/strava/athlytics-mini-export/activities/example.gpx"
#define BASE_FIT RD_CORPUS "/fit/python-fitparse/Activity.fit"
#define MAX_FILE (4u << 20) /* the suite's per-file limit, so bombs stay cheap */

static int print_mode;

/* ---- hostile inputs ------------------------------------------------------- */

/* GPX and TCX */
#define GPX_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
#define GPX_HEAD_TEXT GPX_HEAD
#define FIT_T0 1000000000u /* 2021-09-08 in FIT seconds */

static void fit_ok(bb *b, unsigned hsize, uint64_t ds, int crc)
{
	fit_begin(b, hsize);
	fit_activity_body(b, FIT_T0);
	fit_end(b, ds, crc);
}

/* A good file's header and activity, open for one more message; fit_close
 * ends it with the data size and a good CRC. */
static void fit_open(bb *b)
{
	fit_begin(b, 14);
	fit_activity_body(b, FIT_T0);
}

static void fit_close(bb *b) { fit_end(b, (uint64_t)-1, CRC_GOOD); }

/* fit_open, then a record (local type 3) of the fields given and its
 * timestamp, FIT_T0 + 10; the other fields' bytes are the caller's. */
static void fit_record(bb *b, unsigned nfields, const uint8_t *fields)
{
	fit_open(b);
	fit_def(b, 3, 20, 0, nfields, fields);
	bb_u8(b, 3);
	bb_u32(b, FIT_T0 + 10);
}

static void f_empty(bb *b) { (void)b; }
static void f_short(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_GOOD); b->n = 11; }
static void f_hsize0(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_GOOD); b->p[0] = 0; }
static void f_hsize13(bb *b) { fit_ok(b, 13, (uint64_t)-1, CRC_GOOD); }
static void f_hsize255(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_GOOD); b->p[0] = 255; }
static void f_sig(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_GOOD); b->p[11] = 'X'; }
static void f_hcrc0(bb *b)
{
	fit_ok(b, 14, (uint64_t)-1, CRC_NONE);
	b->p[12] = b->p[13] = 0;
	bb_u16(b, gen_crc16(0, b->p, b->n));
}
static void f_legacy12(bb *b) { fit_ok(b, 12, (uint64_t)-1, CRC_GOOD); }
static void f_unfinal(bb *b) { fit_ok(b, 14, 0, CRC_NONE); bb_u16(b, 0); }
static void f_huge_ds(bb *b) { fit_ok(b, 14, 0xFFFFFFFFu, CRC_GOOD); }
static void f_trailing(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_GOOD); bb_str(b, "\x01\x02junk"); }
static void f_badcrc(bb *b) { fit_ok(b, 14, (uint64_t)-1, CRC_BAD); }
static void f_chained(bb *b)
{
	bb two = {0};
	fit_ok(b, 14, (uint64_t)-1, CRC_GOOD);
	fit_begin(&two, 14);
	fit_activity_body(&two, FIT_T0 + 86400);
	fit_close(&two);
	bb_put(b, two.p, two.n);
	bb_free(&two);
}
/* Body then one hostile tail before the CRC. */
static void fit_tail(bb *b, const uint8_t *tail, size_t n)
{
	fit_open(b);
	bb_put(b, tail, n);
	fit_close(b);
}
static void f_undef_local(bb *b) { fit_tail(b, (const uint8_t *)"\x09\x01\x02", 3); }
static void f_tab(bb *b) { fit_tail(b, (const uint8_t *)"\x09", 1); }
static void f_arch84(bb *b)
{
	static const uint8_t d[] = {0x43, 0, 84, 20, 0, 1, 253, 4, 0x86};
	fit_tail(b, d, sizeof d);
}
static void f_bigendian(bb *b)
{
	static const uint8_t fields[] = {253, 4, 0x86, 3, 1, 0x02};
	fit_open(b);
	fit_def(b, 3, 20, 1, 2, fields);
	bb_u8(b, 3);
	bb_u32(b, 0); /* overwritten below: big-endian timestamp */
	b->n -= 4;
	bb_u8(b, (FIT_T0 + 10) >> 24);
	bb_u8(b, ((FIT_T0 + 10) >> 16) & 0xff);
	bb_u8(b, ((FIT_T0 + 10) >> 8) & 0xff);
	bb_u8(b, (FIT_T0 + 10) & 0xff);
	bb_u8(b, 150);
	fit_close(b);
}
static void f_misaligned(bb *b)
{
	static const uint8_t fields[] = {253, 4, 0x86, 5, 1, 0x86}; /* 1-byte uint32 */
	fit_record(b, 2, fields);
	bb_u8(b, 7);
	fit_close(b);
}
static void f_255fields(bb *b)
{
	uint8_t fields[255 * 3];
	for (unsigned i = 0; i < 255; i++) {
		fields[3 * i] = (uint8_t)(i == 0 ? 253 : 100 + (i % 100));
		fields[3 * i + 1] = 255;
		fields[3 * i + 2] = 0x0d;
	}
	fields[1] = 4;
	fields[2] = 0x86;
	fit_record(b, 255, fields);
	for (unsigned i = 1; i < 255; i++)
		bb_repeat(b, "\xff", 255);
	fit_close(b);
}
static void f_size0(bb *b)
{
	static const uint8_t fields[] = {253, 4, 0x86, 3, 0, 0x02};
	fit_record(b, 2, fields);
	fit_close(b);
}
static void f_dev_undeclared(bb *b)
{
	/* definition with the developer flag: 1 dev field of index 7, never
	 * declared by a developer_data_id */
	static const uint8_t d[] = {0x63, 0, 0, 20, 0, 1, 253, 4, 0x86, 1, 0, 2, 7};
	fit_open(b);
	bb_put(b, d, sizeof d);
	bb_u8(b, 3);
	bb_u32(b, FIT_T0 + 10);
	bb_u16(b, 0xbeef);
	fit_close(b);
}
static void f_compressed_first(bb *b)
{
	static const uint8_t fields[] = {3, 1, 0x02};
	fit_begin(b, 14);
	fit_def(b, 1, 20, 0, 1, fields);
	bb_u8(b, 0x80 | (1 << 5) | 3); /* compressed timestamp, no base yet */
	bb_u8(b, 140);
	fit_activity_body(b, FIT_T0);
	fit_close(b);
}
static void f_relative_time(bb *b)
{
	fit_begin(b, 14);
	fit_activity_body(b, 1000); /* seconds since power-on */
	fit_close(b);
}
static void f_backwards(bb *b)
{
	static const uint8_t record[] = {253, 4, 0x86, 3, 1, 0x02};
	fit_open(b);
	fit_def(b, 3, 20, 0, 2, record);
	for (uint32_t i = 0; i < 5; i++) {
		bb_u8(b, 3);
		bb_u32(b, FIT_T0 - 1000 * (i + 1));
		bb_u8(b, 130);
	}
	fit_close(b);
}
static void f_string_nonul(bb *b)
{
	static const uint8_t fields[] = {253, 4, 0x86, 5, 16, 0x07}; /* sport name */
	fit_open(b);
	fit_def(b, 3, 12, 0, 2, fields);
	bb_u8(b, 3);
	bb_u32(b, FIT_T0 + 5);
	bb_put(b, "\xff\xfe\xc3\x28<script>\x80\x80\x80\x80\x80", 16);
	fit_close(b);
}
static void f_corpus_trunc(bb *b) { bb_file(b, BASE_FIT); b->n = 400; }
static void f_gz_fit(bb *b)
{
	bb raw = {0};
	fit_ok(&raw, 14, (uint64_t)-1, CRC_GOOD);
	gz_of(b, raw.p, raw.n);
	bb_free(&raw);
}
static void f_gz_trunc(bb *b) { f_gz_fit(b); b->n -= 10; }
static void f_gz_crc(bb *b) { f_gz_fit(b); b->p[b->n - 6] ^= 0xff; }
static void f_gz_garbage(bb *b) { f_gz_fit(b); bb_str(b, "garbage!"); }
/* A GPX whose comment never ends: 64 MiB that compress 1000:1. */
static uint8_t *gpx_bomb(size_t n)
{
	static const char head[] = GPX_HEAD_TEXT "<!--";
	uint8_t *p = malloc(n);
	assert_non_null(p);
	memset(p, 'a', n);
	memcpy(p, head, sizeof head - 1);
	return p;
}
static void f_gz_bomb(bb *b)
{
	uint8_t *p = gpx_bomb(64u << 20);
	gz_of(b, p, 64u << 20);
	free(p);
}
static void f_gz_empty(bb *b) { gz_of(b, (const uint8_t *)"", 0); }
static void f_gz_text(bb *b) { gz_of(b, (const uint8_t *)"hello, world\n", 13); }
static void f_nul16(bb *b) { static const uint8_t z[16]; bb_put(b, z, sizeof z); }

#define PT(lat, lon, t) "<trkpt lat=\"" lat "\" lon=\"" lon "\"><time>" t "</time></trkpt>\n"
#define TRK(name, pts) "<trk><name>" name "</name><trkseg>\n" pts "</trkseg></trk>\n"
#define TRK2 TRK("Two", PT("45.1", "5.7", "2024-03-01T10:00:00Z") PT("45.1001", "5.7", "2024-03-01T10:00:05Z"))

static void x_deep(bb *b)
{
	bb_str(b, GPX_HEAD);
	bb_repeat(b, "<extensions>", 10000);
}
static void x_attrs(bb *b)
{
	bb_str(b, GPX_HEAD "<trk><trkseg><trkpt lat=\"1\" lon=\"1\"");
	for (int i = 0; i < 100; i++) {
		char a[32];
		snprintf(a, sizeof a, " a%d=\"%d\"", i, i);
		bb_str(b, a);
	}
	bb_str(b, "/></trkseg></trk></gpx>\n");
}
static void x_bigtext(bb *b)
{
	bb_str(b, GPX_HEAD "<trk><name>");
	bb_repeat(b, "aaaaaaaaaaaaaaaa", (2u << 20) / 16);
	bb_str(b, "</name></trk></gpx>\n");
}
static void x_manypts(bb *b)
{
	bb_str(b, GPX_HEAD "<trk><trkseg>\n");
	bb_repeat(b, PT("45.1", "5.7", "2024-03-01T10:00:00Z"), 30000);
	bb_str(b, "</trkseg></trk></gpx>\n");
}
static void x_nul(bb *b)
{
	bb_str(b, GPX_HEAD TRK2 "<trk><name>a");
	bb_u8(b, 0);
	bb_str(b, "b</name></trk></gpx>\n");
}

/* zip */
static void zip_export(bb *b, const char *bad_name, const uint8_t *bad, size_t bad_len)
{
	bb fit = {0};
	const char *names[2];
	const uint8_t *data[2];
	size_t len[2];
	fit_ok(&fit, 14, (uint64_t)-1, CRC_GOOD);
	names[0] = "export/ok.fit";
	data[0] = fit.p;
	len[0] = fit.n;
	names[1] = bad_name;
	data[1] = bad;
	len[1] = bad_len;
	zip_of(b, 2, names, data, len);
	bb_free(&fit);
}
static void z_dotdot(bb *b) { zip_export(b, "export/../../evil.fit", (const uint8_t *)"x", 1); }
static void z_abs(bb *b) { zip_export(b, "/etc/evil.fit", (const uint8_t *)"x", 1); }
static void z_link(bb *b) { zip_export(b, "@export/link.fit", (const uint8_t *)"/etc/passwd", 0); }
static void z_dup(bb *b)
{
	bb fit = {0};
	fit_ok(&fit, 14, (uint64_t)-1, CRC_GOOD);
	zip_export(b, "export/OK.FIT", fit.p, fit.n);
	bb_free(&fit);
}
static void z_bomb(bb *b)
{
	uint8_t *p = gpx_bomb(64u << 20);
	zip_export(b, "export/bomb.gpx", p, 64u << 20);
	free(p);
}
static void z_nested(bb *b)
{
	bb inner = {0};
	z_dotdot(&inner);
	zip_export(b, "export/inner.zip", inner.p, inner.n);
	bb_free(&inner);
}
static void z_trunc(bb *b) { z_bomb(b); b->n /= 2; }
static void z_csv_missing(bb *b)
{
	static const char csv[] = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename\n"
				  "77,\"Mar 1, 2024, 10:00:00 AM\",Lost run,Run,600,2.0,export/missing.fit\n";
	zip_export(b, "export/activities.csv", (const uint8_t *)csv, sizeof csv - 1);
}
static void z_corrupt_entry(bb *b)
{
	bb fit = {0};
	fit_ok(&fit, 14, (uint64_t)-1, CRC_GOOD);
	fit.p[fit.n / 2] ^= 0xff;
	fit.p[fit.n / 2 + 1] ^= 0xff;
	zip_export(b, "export/flipped.fit", fit.p, fit.n);
	bb_free(&fit);
}

/* Strava CSV, alone in the folder */
static void c_bigfield(bb *b)
{
	bb_str(b, "Activity ID,Activity Date,Activity Name,Filename\n1,\"Mar 1, 2024, 10:00:00 AM\",\"");
	bb_repeat(b, "xxxxxxxxxxxxxxxx", (1u << 20) / 16 + 1);
	bb_str(b, "\",\n");
}

typedef struct hrow {
	const char *id;       /* BAD-INPUTS.md row, or ours (B..) */
	const char *name;     /* file name in the folder */
	void (*make)(bb *b);  /* makes the content ... */
	const char *text;     /* ... or this text ... */
	const char *path;     /* ... or this file's bytes */
	const char *expect;   /* the exact warning naming the file, or NULL */
	const char *open;     /* a known bug elsewhere: the row is only checked
				 with RD_BAD_OPEN=1 (remove once fixed) */
	int kept;             /* activities read from the file */
	int ok, partial, rejected; /* all files of the folder */
} hrow;

typedef struct prow {
	const char *id;
	const char *text;
	size_t len;          /* 0: strlen(text) */
	int code;
	const char *expect;  /* the formatted diag */
} prow;

typedef struct irow {
	const char *id;
	const char *text;
	int code;
	const char *expect;   /* the diag (code != 0) or a warning */
	size_t sessions;      /* dated sessions added, the good event included */
} irow;

#include "rows.h"

/* ---- running a history row ------------------------------------------------ */

typedef struct seen {
	char lines[64][600];
	size_t n;
	const char *prefix; /* the folder, removed from the lines */
} seen;

static void collect(void *ctx, const rd_diag *w)
{
	seen *s = ctx;
	char line[1200];
	size_t pl = strlen(s->prefix);
	rd_diag_format(w, line, sizeof line);
	if (s->n < 64) {
		const char *from = strncmp(line, s->prefix, pl) == 0 ? line + pl : line;
		size_t n = strlen(from);
		if (n >= sizeof s->lines[0])
			n = sizeof s->lines[0] - 1;
		memcpy(s->lines[s->n], from, n);
		s->lines[s->n++][n] = '\0';
	}
}

static void copy_file(const char *from, const char *dir, const char *name)
{
	bb b = {0};
	char path[600];
	bb_file(&b, from);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	bb_write(&b, path);
	bb_free(&b);
}

static void make_row(const hrow *r, const char *dir)
{
	bb b = {0};
	char path[600];
	if (r->make)
		r->make(&b);
	else if (r->path)
		bb_file(&b, r->path);
	else
		bb_str(&b, r->text);
	snprintf(path, sizeof path, "%s/%s", dir, r->name);
	bb_write(&b, path);
	bb_free(&b);
}

/* Counts activities of the history whose source starts with dir/name. */
static int from_file(const rd_history *h, const char *dir, const char *name,
		     int want_ok)
{
	char path[600];
	int n = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	for (size_t i = 0; i < rd_history_count(h); i++) {
		const rd_activity *a = rd_history_get(h, i);
		if (strncmp(a->source, path, strlen(path)) == 0 &&
		    (!want_ok || a->status == RD_READ_OK))
			n++;
	}
	return n;
}

static void print_row(const hrow *r, const seen *s, int kept,
		      const rd_history_stats *st)
{
	printf("%s %s: kept %d, ok %zu partial %zu rejected %zu\n", r->id, r->name,
	       kept, st->files_ok, st->files_partial, st->files_rejected);
	for (size_t i = 0; i < s->n; i++)
		printf("    %s\n", s->lines[i]);
}

static int has_line(const seen *s, const char *want)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->lines[i], want) == 0)
			return 1;
	return 0;
}

static void check_row(const hrow *r, const seen *s, int kept,
		      const rd_history_stats *st)
{
	if (r->expect != NULL && !has_line(s, r->expect)) {
		print_row(r, s, kept, st);
		fail_msg("%s: no warning '%s'", r->id, r->expect);
	}
	if (r->expect == NULL && s->n > 0) {
		print_row(r, s, kept, st);
		fail_msg("%s: unexpected warning '%s'", r->id, s->lines[0]);
	}
	if (kept != r->kept || st->files_ok != (size_t)r->ok ||
	    st->files_partial != (size_t)r->partial ||
	    st->files_rejected != (size_t)r->rejected) {
		print_row(r, s, kept, st);
		fail_msg("%s: kept %d ok %zu partial %zu rejected %zu; expected %d %d %d %d",
			 r->id, kept, st->files_ok, st->files_partial,
			 st->files_rejected, r->kept, r->ok, r->partial, r->rejected);
	}
}

static void run_row(const hrow *r)
{
	char dir[] = "/tmp/rd-bad-XXXXXX", prefix[64], cmd[128];
	rd_history *h = NULL;
	rd_history_options opt;
	rd_history_stats st;
	rd_diag diag = RD_DIAG_INIT;
	seen s;
	int kept;

	assert_non_null(mkdtemp(dir));
	snprintf(prefix, sizeof prefix, "%s/", dir);
	s.n = 0;
	s.prefix = prefix;
	copy_file(GOOD_FIT, dir, "good.fit");
	copy_file(GOOD_GPX, dir, "good.gpx");
	make_row(r, dir);
	rd_history_options_init(&opt);
	opt.warn = collect;
	opt.warn_ctx = &s;
	opt.threads = 1;
	opt.max_file_bytes = MAX_FILE;
	assert_int_equal(rd_history_new(&h, &opt), 0);
	assert_int_equal(rd_history_add_path(h, dir, &diag), 0);
	rd_history_stats_get(h, &st);
	kept = from_file(h, dir, r->name, 0);
	if (print_mode) {
		print_row(r, &s, kept, &st);
	} else if (r->open != NULL && getenv("RD_BAD_OPEN") == NULL) {
		print_message("%s: not checked, open bug: %s\n", r->id, r->open);
	} else {
		/* the good files beside it are read, whole */
		assert_int_equal(from_file(h, dir, "good.fit", 1), 1);
		assert_int_equal(from_file(h, dir, "good.gpx", 1), 1);
		check_row(r, &s, kept, &st);
	}
	rd_history_free(h);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void history_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof hrows / sizeof *hrows; i++)
		run_row(&hrows[i]);
	print_message("%zu history rows\n", sizeof hrows / sizeof *hrows);
}

/* A folder where a file is expected, a dangling link, a missing path. */
static void paths(void **state)
{
	char dir[] = "/tmp/rd-bad-XXXXXX", path[600], cmd[128];
	rd_profile *p = NULL;
	rd_history *h = NULL;
	rd_diag diag = RD_DIAG_INIT;
	char line[1200];

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a folder given as the profile */
	assert_int_equal(rd_profile_load(&p, dir, &diag), RD_EIO);
	assert_null(p);
	rd_diag_format(&diag, line, sizeof line);
	if (print_mode)
		printf("profile folder: %s\n", line);
	snprintf(path, sizeof path, "%s: error: cannot read (is it a directory?)", dir);
	assert_string_equal(line, path);
	/* a dangling link and a missing path in a history */
	snprintf(path, sizeof path, "%s/gone.fit", dir);
	assert_int_equal(symlink("/nonexistent/x.fit", path), 0);
	assert_int_equal(rd_history_new(&h, NULL), 0);
	diag = (rd_diag)RD_DIAG_INIT;
	snprintf(path, sizeof path, "%s/missing.fit", dir);
	assert_int_equal(rd_history_add_path(h, path, &diag), RD_EIO);
	rd_diag_format(&diag, line, sizeof line);
	assert_non_null(strstr(line, "missing.fit: error: cannot read: No such file or directory"));
	/* A folder that gives no file (only a dangling link): nothing, no error. */
	diag = (rd_diag)RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, dir, &diag), 0);
	assert_int_equal(rd_history_count(h), 0);
	/* A FIFO given as the path is refused, never opened (it would block). */
	snprintf(path, sizeof path, "%s/pipe.fit", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10); /* a hang fails the test instead of blocking CTest */
	diag = (rd_diag)RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, path, &diag), RD_EIO);
	alarm(0);
	rd_diag_format(&diag, line, sizeof line);
	assert_non_null(strstr(line, "pipe.fit: error: not a regular file or folder"));
	rd_history_free(h);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- generated: truncation and bit flips ---------------------------------- */

static int count_emit(void *ctx, const rd_activity *a)
{
	unsigned *n = ctx;
	(void)a;
	(*n)++;
	return 0;
}

/* Reads data with ops; returns the code, *acts the activities emitted and
 * the formatted diag in line. */
static int read_mem(const reader_ops *ops, const uint8_t *data, size_t n,
		    unsigned *acts, char *line, size_t size)
{
	activity_sink sink = {count_emit, acts, NULL, NULL};
	rd_diag diag = RD_DIAG_INIT;
	void *st = ops->open("cut", &sink, NULL);
	int rc, frc;
	assert_non_null(st);
	*acts = 0;
	rc = ops->feed(st, data, n, &diag);
	frc = ops->finish(st, &diag);
	ops->close(st);
	if (rc == 0)
		rc = frc;
	rd_diag_format(&diag, line, size);
	return rc;
}

static void fit_truncated_everywhere(void **state)
{
	bb b = {0};
	char line[1200], want[300];
	unsigned acts;
	size_t kept_from = 0;
	(void)state;
	bb_file(&b, BASE_FIT);
	assert_int_equal(read_mem(&fit_reader, b.p, b.n, &acts, line, sizeof line), 0);
	assert_int_equal(acts, 1);
	for (size_t cut = 0; cut < b.n; cut++) {
		int rc = read_mem(&fit_reader, b.p, cut, &acts, line, sizeof line);
		assert_int_equal(rc, RD_EFORMAT);
		if (cut < 12)
			snprintf(want, sizeof want, "cut:0x0: error: truncated header: %zu bytes, expected at least 12", cut);
		else if (cut < b.p[0])
			snprintf(want, sizeof want, "cut:0x0: error: truncated header: %zu bytes, the header says %u", cut, b.p[0]);
		else if (cut < b.n - 2)
			snprintf(want, sizeof want, "cut:0x%zx: error: truncated: input ends at 0x%zx, the header says data ends at 0x%x",
				 cut, cut, (unsigned)(b.n - 2));
		else
			snprintf(want, sizeof want, "cut:0x%zx: error: truncated: the file crc is missing", cut);
		if (print_mode && strcmp(line, want) != 0)
			printf("fit cut %zu: %s (acts %u)\n", cut, line, acts);
		else if (!print_mode && strncmp(line, want, strlen(want)) != 0)
			fail_msg("cut at %zu: got '%s', expected '%s'", cut, line, want);
		/* once a cut keeps the activity, every longer cut keeps it */
		assert_true(acts <= 1);
		if (acts == 0 && kept_from > 0)
			fail_msg("cut at %zu keeps nothing, cut at %zu kept the activity",
				 cut, kept_from);
		if (acts == 1 && kept_from == 0)
			kept_from = cut;
	}
	print_message("FIT cut at each of %zu offsets; activity kept from %zu bytes\n",
		      b.n, kept_from);
	assert_true(kept_from > 12 && kept_from < b.n);
	bb_free(&b);
}

static void fit_bit_flips(void **state)
{
	bb b = {0};
	char line[1200];
	unsigned acts, errors = 0;
	(void)state;
	bb_file(&b, BASE_FIT);
	for (size_t bit = 0; bit < 8 * 512 && bit / 8 < b.n; bit++) {
		int rc;
		b.p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		rc = read_mem(&fit_reader, b.p, b.n, &acts, line, sizeof line);
		b.p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_true(rc == 0 || rc == RD_EFORMAT || rc == RD_EUNSUPPORTED ||
			    rc == RD_ELIMIT);
		if (rc != 0) {
			errors++;
			assert_non_null(strstr(line, "cut:0x"));
		}
		assert_true(acts <= 16);
	}
	print_message("FIT: 4096 bit flips, %u rejected or partial\n", errors);
	assert_true(errors > 0);
	bb_free(&b);
}

static void gpx_truncated_everywhere(void **state)
{
	bb b = {0};
	char line[1200];
	unsigned acts;
	size_t end;
	(void)state;
	bb_file(&b, GOOD_GPX);
	end = (size_t)((const uint8_t *)strstr((const char *)b.p, "</gpx>") - b.p);
	for (size_t cut = 0; cut <= end; cut++) {
		int rc = read_mem(&gpx_reader, b.p, cut, &acts, line, sizeof line);
		assert_int_equal(rc, RD_EFORMAT);
		if (strstr(line, "cut:") != line || strstr(line, ": error: ") == NULL)
			fail_msg("cut at %zu: '%s'", cut, line);
		assert_true(acts <= 1);
	}
	print_message("GPX cut at each of %zu offsets\n", end + 1);
	bb_free(&b);
}

/* ---- profiles ------------------------------------------------------------- */


static void profile_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof prows / sizeof *prows; i++) {
		const prow *r = &prows[i];
		rd_profile *p = NULL;
		rd_diag diag = RD_DIAG_INIT;
		char line[1200];
		size_t len = r->len ? r->len : strlen(r->text);
		int rc = rd_profile_parse(&p, r->text, len, "p.yaml", &diag);
		rd_diag_format(&diag, line, sizeof line);
		if (print_mode) {
			printf("%s: rc %d: %s\n", r->id, rc, line);
		} else {
			if (rc != r->code || strcmp(line, r->expect) != 0)
				fail_msg("%s: got %d '%s', expected %d '%s'", r->id, rc,
					 line, r->code, r->expect);
			assert_true(rc == 0 || p == NULL);
		}
		rd_profile_free(p);
	}
	/* and a good profile is still read afterwards */
	{
		rd_profile *p = NULL;
		rd_diag diag = RD_DIAG_INIT;
		assert_int_equal(rd_profile_load(&p, RD_SOURCE_DIR "/examples/sam.yaml", &diag), 0);
		rd_profile_free(p);
	}
	print_message("%zu profile rows\n", sizeof prows / sizeof *prows);
}

/* ---- calendars ------------------------------------------------------------ */
#ifdef RD_HAVE_ICAL

static void ical_warn(void *ctx, const rd_diag *w)
{
	seen *s = ctx;
	if (s->n < 64)
		rd_diag_format(w, s->lines[s->n++], sizeof s->lines[0]);
}

static void ical_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof irows / sizeof *irows; i++) {
		const irow *r = &irows[i];
		rd_profile *p = NULL;
		rd_diag diag = RD_DIAG_INIT;
		rd_ical_options o;
		seen s;
		char line[1200];
		int rc;
		s.n = 0;
		s.prefix = "";
		memset(&o, 0, sizeof o);
		o.from = rd_date_from_ymd(2026, 3, 2);
		o.to = o.from + 55;
		o.tzid = "Europe/Berlin";
		o.warn = ical_warn;
		o.warn_ctx = &s;
		assert_int_equal(rd_profile_new(&p), 0);
		rc = rd_ical_parse_plan(p, r->text, strlen(r->text), "c.ics", &o, &diag);
		rd_diag_format(&diag, line, sizeof line);
		if (print_mode) {
			printf("%s: rc %d sessions %zu races %zu: %s\n", r->id, rc,
			       p->session_count, p->race_count, rc ? line : "");
			for (size_t k = 0; k < s.n; k++)
				printf("    %s\n", s.lines[k]);
		} else {
			assert_int_equal(rc, r->code);
			if (r->expect == NULL ? s.n != 0
			    : rc != 0 ? strcmp(line, r->expect) != 0
				      : !has_line(&s, r->expect))
				fail_msg("%s: no '%s' (got '%s'%s)", r->id,
					 r->expect ? r->expect : "(no warning)",
					 rc ? line : (s.n ? s.lines[0] : ""),
					 s.n > 1 ? ", ..." : "");
			assert_int_equal(p->session_count + p->race_count, r->sessions);
		}
		rd_profile_free(p);
	}
	print_message("%zu calendar rows\n", sizeof irows / sizeof *irows);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_rows),
		cmocka_unit_test(paths),
		cmocka_unit_test(fit_truncated_everywhere),
		cmocka_unit_test(fit_bit_flips),
		cmocka_unit_test(gpx_truncated_everywhere),
		cmocka_unit_test(profile_rows),
#ifdef RD_HAVE_ICAL
		cmocka_unit_test(ical_rows),
#endif
	};
	print_mode = getenv("RD_BAD_PRINT") != NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
