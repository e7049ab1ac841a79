/* The history: folders, gzip, zip exports, activities.csv, duplicates,
 * order, limits (BAD-INPUTS Z01-Z09, C04, C05). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bad/gen.h"
#include "history_int.h"
#include "rubdown/history.h"

/* ---- a fake reader: "A <start> <elapsed> <sport> <records>" lines after a
 * FIT header or "<gpx>"; "ERR" stops it with an error at that offset; each
 * "W!" is a warning. ---- */

typedef struct fake {
	char src[512];
	activity_sink sink;
	char text[4096];
	size_t len;
	uint64_t off;
	int failed;
} fake;

static void *fake_open(const char *source, const activity_sink *sink,
		       const rd_limits *limits)
{
	(void)limits;
	fake *f = calloc(1, sizeof *f);
	snprintf(f->src, sizeof f->src, "%s", source);
	f->sink = *sink;
	return f;
}

static int fake_feed(void *st, const uint8_t *p, size_t n, rd_diag *diag)
{
	fake *f = st;
	for (size_t i = 0; i < n; i++, f->off++) {
		if (f->len + 1 < sizeof f->text)
			f->text[f->len++] = p[i] ? (char)p[i] : ' ';
		f->text[f->len] = 0;
		if (f->len >= 3 && !strcmp(f->text + f->len - 3, "ERR")) {
			f->failed = 1;
			return rd_diag_set_offset(diag, RD_EFORMAT, f->src, f->off,
						  "fake error");
		}
	}
	return 0;
}

static int fake_finish(void *st, rd_diag *diag)
{
	(void)diag;
	fake *f = st;
	for (char *w = strstr(f->text, "W!"); w && f->sink.warn; w = strstr(w + 2, "W!")) {
		rd_diag d = RD_DIAG_INIT;
		rd_diag_set(&d, RD_EFORMAT, f->src, 0, 0, "fake warning");
		f->sink.warn(f->sink.warn_ctx, &d);
	}
	for (char *line = strstr(f->text, "A "); line; line = strstr(line + 1, "A ")) {
		rd_activity a;
		rd_activity_init(&a);
		long long start;
		double elapsed;
		int sport, records;
		if (sscanf(line, "A %lld %lf %d %d", &start, &elapsed, &sport, &records) != 4)
			continue;
		a.start_utc = start;
		a.elapsed_s = elapsed;
		a.sport = (rd_sport)sport;
		a.records = (uint32_t)records;
		a.status = f->failed ? RD_READ_PARTIAL : RD_READ_OK;
		rd_activity_set_source(&a, f->src);
		f->sink.emit(f->sink.ctx, &a);
	}
	return 0;
}

static void fake_close(void *st)
{
	free(st);
}

static const reader_ops fake_fit = {"fit", fake_open, fake_feed, fake_finish, fake_close};
static const reader_ops fake_gpx = {"gpx", fake_open, fake_feed, fake_finish, fake_close};

/* ---- fixtures ---- */

static char tmp[256];

static void put_file(const char *rel, const void *data, size_t n)
{
	char path[600], dir[600];
	snprintf(path, sizeof path, "%s/%s", tmp, rel);
	snprintf(dir, sizeof dir, "%s", path);
	for (char *s = dir + strlen(tmp) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = 0;
		mkdir(dir, 0700);
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(data, 1, n, f);
	fclose(f);
}

/* A fake FIT: a 12-byte header that sniffs as FIT, then text. */
static size_t fit_bytes(char *buf, const char *body)
{
	memcpy(buf, "\x0c\x10\x00\x00\x00\x00\x00\x00.FIT", 12);
	size_t n = strlen(body);
	memcpy(buf + 12, body, n);
	return 12 + n;
}

/* gen.c's gz_of, as a malloc'd buffer (free with free()). */
static uint8_t *gzip(const void *src, size_t n, size_t *out_len)
{
	bb b = {0};
	gz_of(&b, src, n);
	*out_len = b.n;
	return b.p;
}

static void put_fit(const char *rel, const char *body, int gz)
{
	char buf[4096];
	size_t n = fit_bytes(buf, body);
	if (!gz) {
		put_file(rel, buf, n);
		return;
	}
	size_t zn;
	uint8_t *z = gzip(buf, n, &zn);
	put_file(rel, z, zn);
	free(z);
}

typedef struct log {
	char lines[64][400];
	int n;
} log_t;

static void on_warn(void *ctx, const rd_diag *w)
{
	log_t *l = ctx;
	if (l->n < 64)
		rd_diag_format(w, l->lines[l->n++], sizeof l->lines[0]);
}

static int has_line(const log_t *l, const char *text)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->lines[i], text))
			return 1;
	return 0;
}

/* A history with options opt on the fake readers, its warnings into l. */
static rd_history *make_opt(log_t *l, rd_history_options *opt)
{
	opt->warn = on_warn;
	opt->warn_ctx = l;
	rd_history *h;
	assert_int_equal(rd_history_new(&h, opt), 0);
	history_set_readers(h, &fake_fit, &fake_gpx, &fake_gpx);
	return h;
}

/* The same with default options but these; max_activities 0 keeps the
 * default. */
static rd_history *make_max(log_t *l, unsigned threads, size_t max_activities)
{
	rd_history_options opt;
	rd_history_options_init(&opt);
	opt.threads = threads;
	if (max_activities)
		opt.max_activities = max_activities;
	return make_opt(l, &opt);
}

static rd_history *make(log_t *l, unsigned threads)
{
	return make_max(l, threads, 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof tmp, "/tmp/rd_history_XXXXXX");
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return system(cmd);
}

/* Expects the warning "<tmp>/<rest>". */
static void expect_line(const log_t *l, const char *rest)
{
	char want[400];
	snprintf(want, sizeof want, "%s/%s", tmp, rest);
	if (!has_line(l, want)) {
		for (int i = 0; i < l->n; i++)
			print_message("  got: %s\n", l->lines[i]);
		fail_msg("missing warning: %s", want);
	}
}

static const char *sub(const char *rel)
{
	static char path[600];
	snprintf(path, sizeof path, "%s/%s", tmp, rel);
	return path;
}

/* Z01: kinds found by content; order by start; same result on 1 or 2
 * threads; unrelated files skipped, misnamed ones rejected. */
static void folder(void **state)
{
	(void)state;
	put_fit("a/1.fit", "A 1000 3600 1 100", 0);
	put_fit("a/2.fit.gz", "A 500 1800 6 50", 1);
	put_fit("a/sub/mislabelled.gpx", "A 700 1800 6 50", 0); /* a FIT named .gpx */
	put_file("a/sub/3.gpx", "<gpx> A 2000 100 1 5", 20);
	put_file("a/junk.fit", "hello", 5);
	put_file("a/photo.jpg", "\xff\xd8\xff\xe0", 4);
	put_file("a/.hidden.fit", "x", 1);
	char first[8][512];
	for (unsigned threads = 1; threads <= 2; threads++) {
		log_t l = {0};
		rd_history *h = make(&l, threads);
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(rd_history_add_path(h, sub("a"), &d), 0);
		assert_int_equal(rd_history_count(h), 4);
		int64_t starts[] = {500, 700, 1000, 2000};
		for (size_t i = 0; i < 4; i++) {
			const rd_activity *a = rd_history_get(h, i);
			assert_int_equal(a->start_utc, starts[i]);
			if (threads == 1)
				snprintf(first[i], sizeof first[i], "%s", a->source);
			else
				assert_string_equal(first[i], a->source);
		}
		assert_null(rd_history_get(h, 4));
		assert_string_equal(rd_history_get(h, 0)->source, sub("a/2.fit.gz"));
		rd_history_stats st;
		rd_history_stats_get(h, &st);
		assert_int_equal(st.files_ok, 4);
		assert_int_equal(st.files_rejected, 1);
		assert_int_equal(l.n, 1);
		expect_line(&l, "a/junk.fit:0x0: error: not a fit, gpx or tcx file");
		rd_history_free(h);
	}
}

/* Activities go into the history as their files finish, on either thread;
 * the history is then in file order (the tie-break of equal starts), the
 * same in every run, and the activity limit cuts it in file order too. */
static void file_order(void **state)
{
	(void)state;
	char rel[64], body[96];
	for (int i = 0; i < 40; i++) { /* equal starts, durations 20% apart */
		snprintf(rel, sizeof rel, "order/%02d.fit", i);
		snprintf(body, sizeof body, "A 1000 %.0f 1 %d", 60 * pow(1.2, i), i);
		put_fit(rel, body, i % 3 == 0);
	}
	snprintf(body, sizeof body, "A 1000 %.0f 1 40 A 1000 %.0f 1 41",
		 60 * pow(1.2, 40), 60 * pow(1.2, 41));
	put_fit("order2/40-41.fit", body, 0); /* two activities, a second path */
	for (int run = 0; run < 5; run++) {
		log_t l = {0};
		rd_history *h = make(&l, 2);
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(rd_history_add_path(h, sub("order"), &d), 0);
		assert_int_equal(rd_history_add_path(h, sub("order2"), &d), 0);
		assert_int_equal(rd_history_count(h), 42);
		for (size_t i = 0; i < 42; i++)
			assert_int_equal(rd_history_get(h, i)->records, i);
		rd_history_free(h);
	}
	for (int run = 0; run < 5; run++) {
		log_t l = {0};
		rd_history *h = make_max(&l, 2, 10);
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(rd_history_add_path(h, sub("order"), &d), RD_ELIMIT);
		assert_non_null(strstr(d.file, "order/10.fit"));
		assert_int_equal(rd_history_count(h), 10);
		for (size_t i = 0; i < 10; i++)
			assert_int_equal(rd_history_get(h, i)->records, i);
		rd_history_free(h);
	}
}

/* Same sport group, start within 60 s, duration within 10%: kept once. */
static void duplicates(void **state)
{
	(void)state;
	put_fit("d/x.fit", "A 1000 3600 1 100", 0);
	put_file("d/x.gpx", "<gpx> A 1030 3700 2 900", 23);     /* trail = run group */
	put_file("d/w.gpx", "<gpx> A 5000 1000 1 10", 22);
	put_file("d/w2.gpx", "<gpx> A 5050 1050 1 20", 22);     /* more records */
	put_fit("d/z.fit", "A 1010 3600 6 100", 0);              /* a ride */
	put_fit("d/v.fit", "A 1100 3600 1 100", 0);              /* 100 s later */
	put_fit("d/u.fit", "A 1020 5000 1 100", 0);              /* 39% longer */
	log_t l = {0};
	rd_history *h = make(&l, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("d"), &d), 0);
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.duplicates, 2);
	assert_int_equal(rd_history_count(h), 5);
	const char *want[] = {"d/x.fit", "d/z.fit", "d/u.fit", "d/v.fit", "d/w2.gpx"};
	for (size_t i = 0; i < 5; i++) {
		char path[600];
		snprintf(path, sizeof path, "%s/%s", tmp, want[i]);
		assert_string_equal(rd_history_get(h, i)->source, path);
	}
	/* the same files again: all duplicates of what is there */
	assert_int_equal(rd_history_add_path(h, sub("d"), &d), 0);
	assert_int_equal(rd_history_count(h), 5);
	rd_history_free(h);
}

/* Z02-Z04 through the history: a cut gzip keeps a FIT prefix (PARTIAL) but
 * rejects XML; a bomb is rejected; two members are both read. */
static void gzip_damage(void **state)
{
	(void)state;
	char buf[4096];
	size_t n = fit_bytes(buf, "A 100 60 1 5"), zn;
	uint8_t *z = gzip(buf, n, &zn);
	put_file("t/cut.fit.gz", z, zn - 6);
	free(z);
	z = gzip("<gpx> A 200 60 1 5", 18, &zn);
	put_file("t/cut.gpx.gz", z, zn - 6);
	free(z);
	size_t big = 20u << 20;
	char *zeros = calloc(1, big);
	fit_bytes(zeros, "A 300 60 1 5");
	z = gzip(zeros, big, &zn);
	put_file("t/bomb.fit.gz", z, zn);
	free(z);
	free(zeros);
	size_t an, bn;
	n = fit_bytes(buf, "A 1000 60 1 5");
	uint8_t *a = gzip(buf, n, &an), *b = gzip(" A 2000 60 1 5", 14, &bn);
	uint8_t *two = malloc(an + bn);
	memcpy(two, a, an);
	memcpy(two + an, b, bn);
	put_file("t/two.fit.gz", two, an + bn);
	free(a), free(b), free(two);

	log_t l = {0};
	rd_history *h = make(&l, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("t"), &d), 0);
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.files_ok, 1);
	assert_int_equal(st.files_partial, 1);
	assert_int_equal(st.files_rejected, 2);
	assert_int_equal(rd_history_count(h), 3);
	assert_int_equal(rd_history_get(h, 0)->start_utc, 100);
	assert_int_equal(rd_history_get(h, 0)->status, RD_READ_PARTIAL);
	assert_int_equal(rd_history_get(h, 1)->start_utc, 1000); /* two.fit.gz, member 1 */
	assert_int_equal(rd_history_get(h, 2)->start_utc, 2000); /* member 2 */
	char want[600];
	snprintf(want, sizeof want, "%s/t/bomb.fit.gz:0x", tmp);
	int bomb = 0, cut = 0;
	for (int i = 0; i < l.n; i++) {
		bomb += !strncmp(l.lines[i], want, strlen(want)) &&
			strstr(l.lines[i], ": error: decompression ratio above 200:1");
		cut += strstr(l.lines[i], "/t/cut.") &&
		       strstr(l.lines[i], ": error: truncated gzip stream") != NULL;
	}
	assert_int_equal(bomb, 1);
	assert_int_equal(cut, 2);
	rd_history_free(h);
}

/* A gzip member holding another gzip member is not unwrapped twice; a file
 * past max_file_bytes is rejected; a file's warnings past 32 are counted
 * in one line.  Each names its file and the rest of the folder is read. */
static void file_limits(void **state)
{
	(void)state;
	char buf[4096];
	size_t n = fit_bytes(buf, "A 100 60 1 5"), zn, zzn;
	uint8_t *z = gzip(buf, n, &zn), *zz = gzip(z, zn, &zzn);
	put_file("f/double.fit.gz", zz, zzn);
	free(z), free(zz);
	n = fit_bytes(buf, "A 200 60 1 5 ");
	memset(buf + n, ' ', 1200);
	put_file("f/long.fit", buf, n + 1200);
	char body[200] = "A 300 60 1 5";
	for (int i = 0; i < 40; i++)
		strcat(body, " W!");
	put_fit("f/noisy.fit", body, 0);
	put_fit("f/ok.fit", "A 400 60 1 5", 0);

	log_t l = {0};
	rd_history_options opt;
	rd_history_options_init(&opt);
	opt.max_file_bytes = 1000;
	rd_history *h = make_opt(&l, &opt);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("f"), &d), 0);
	expect_line(&l, "f/double.fit.gz:0x0: error: gzip inside gzip not read");
	expect_line(&l, "f/long.fit:0x3e8: error: file size limit of 1000 bytes exceeded");
	expect_line(&l, "f/noisy.fit: error: fake warning");
	expect_line(&l, "f/noisy.fit: error: 8 more warnings for this file not shown");
	int noisy = 0;
	for (int i = 0; i < l.n; i++)
		noisy += strstr(l.lines[i], "noisy.fit: error: fake warning") != NULL;
	assert_int_equal(noisy, 32);
	/* a file past the limit is rejected whole (docs/limits.md), as bad.c's
	 * Z05 expects of a zip entry; the warnings cost noisy.fit nothing */
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.files_rejected, 2);
	assert_int_equal(st.files_ok, 2);
	assert_int_equal(rd_history_count(h), 2);
	assert_int_equal(rd_history_get(h, 0)->start_utc, 300);
	assert_int_equal(rd_history_get(h, 1)->start_utc, 400);
	rd_history_free(h);
}

/* ---- zip exports ---- */

static void zip_add(struct archive *a, const char *name, const void *data,
		    size_t n, int symlink)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_perm(e, 0644);
	if (symlink) {
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, (const char *)data);
		archive_entry_set_size(e, 0);
	} else {
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, (la_int64_t)n);
	}
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (!symlink)
		assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
	archive_entry_free(e);
}

static const char *export_csv =
	"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename,Distance,Workout Type\n"
	"11,\"Jan 1, 2025, 12:00:00 PM\",Park Race,Trail Run,3600,10.0,activities/11.fit.gz,10000.0,1\n"
	"12,\"Jan 2, 2025, 12:00:00 PM\",Lost,Run,1800,5.0,activities/12.fit,5000.0,\n"
	"13,\"Jan 3, 2025, 12:00:00 PM\",Manual,Run,1200,3.0,,3000.0,\n"
	"14,\"Jan 4, 2025, 12:00:00 PM\",Evil,Run,1200,3.0,../../etc/passwd,3000.0,\n"
	"15,\"Jan 5, 2025, 12:00:00 PM\",Broken,Run,1200,3.0,activities/15.fit,3000.0,\n"
	"16,\"Jan 6, 2025, 12:00:00 PM\",Err,Run,1200,3.0,#error#,3000.0,\n";

static void write_export(const char *rel)
{
	char path[600], buf[256];
	snprintf(path, sizeof path, "%s/%s", tmp, rel);
	mkdir(sub("e"), 0700);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	size_t n = fit_bytes(buf, "A 1735732805 3590 1 100"), zn;
	uint8_t *z = gzip(buf, n, &zn);
	zip_add(a, "activities/11.fit.gz", z, zn, 0);
	free(z);
	zip_add(a, "activities/15.fit", "nothing", 7, 0);
	zip_add(a, "../evil.fit", buf, n, 0);
	zip_add(a, "/abs.fit", buf, n, 0);
	zip_add(a, "C:\\win.fit", buf, n, 0);
	zip_add(a, "link.fit", "/etc/passwd", 0, 1);
	zip_add(a, "activities/11.FIT.GZ", buf, n, 0);
	zip_add(a, "nested.zip", "PK\x03\x04 and more", 13, 0);
	zip_add(a, "media/photo.jpg", "\xff\xd8\xff\xe0", 4, 0);
	zip_add(a, "activities.csv", export_csv, strlen(export_csv), 0);
	archive_write_close(a);
	archive_write_free(a);
}

/* An export whose files were left out: five warnings per reason, then one
 * line for the rest; every row still counts. */
static void csv_without_files(void **state)
{
	(void)state;
	char csv[4096];
	size_t at = (size_t)snprintf(csv, sizeof csv,
		"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n");
	for (int i = 0; i < 15; i++)
		at += (size_t)snprintf(csv + at, sizeof csv - at,
			"%d,\"Jan %d, 2025, 12:00:00 PM\",Run %d,Run,1800,%s%d%s\n", 100 + i,
			i + 1, i, i < 8 ? "activities/" : "", i < 8 ? 100 + i : 0,
			i < 8 ? ".gpx" : "");
	for (char *p = csv; (p = strstr(p, ",0\n")) != NULL; p++)
		memmove(p + 1, p + 2, strlen(p + 2) + 1); /* no file: an empty field */
	mkdir(sub("nofiles"), 0700);
	put_file("nofiles/activities.csv", csv, strlen(csv));
	log_t l = {0};
	rd_history *h = make(&l, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("nofiles"), &d), 0);
	assert_int_equal(rd_history_count(h), 15);
	expect_line(&l, "nofiles/activities.csv:6: error: activity 104: file "
			"'activities/104.gpx' is not in the export; using the csv summary");
	expect_line(&l, "nofiles/activities.csv: error: 3 more activities whose file is "
			"not in the export; using their csv summaries");
	expect_line(&l, "nofiles/activities.csv:14: error: activity 112 has no file "
			"(manual entry); using the csv summary");
	expect_line(&l, "nofiles/activities.csv: error: 2 more activities without a file "
			"(manual entries); using their csv summaries");
	assert_int_equal(l.n, 12);
	rd_history_free(h);
}

/* An activities.csv belongs to the call that read it: a first call that
 * stops at the activity limit before applying its csv leaves nothing for
 * the next call to apply again (each csv's rows are matched once, to the
 * files beside it). */
static void csv_per_call(void **state)
{
	(void)state;
	static const char head[] =
		"Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n";
	char csv[512];
	put_fit("calls/a/1.fit", "A 1000 3600 1 5", 0);
	put_fit("calls/a/2.fit", "A 9000 3600 1 5", 0);
	put_fit("calls/a/3.fit", "A 20000 3600 1 5", 0);
	snprintf(csv, sizeof csv, "%s6,\"Jan 2, 2025, 12:00:00 PM\",Alpha,Run,1800,\n", head);
	put_file("calls/a/activities.csv", csv, strlen(csv));
	snprintf(csv, sizeof csv, "%s7,\"Feb 2, 2025, 12:00:00 PM\",Bravo,Run,1800,\n", head);
	put_file("calls/b/activities.csv", csv, strlen(csv));
	for (int i = 0; i < 3; i++) /* so that b's csv is listed where a's was */
		put_file(i == 0 ? "calls/b/0a.txt" : i == 1 ? "calls/b/0b.txt" : "calls/b/0c.txt",
			 "x", 1);
	log_t l = {0};
	rd_history *h = make_max(&l, 1, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("calls/a"), &d), RD_ELIMIT);
	assert_int_equal(rd_history_count(h), 2);
	assert_int_equal(rd_history_add_path(h, sub("calls/b"), &d), RD_ELIMIT);
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.csv_only, 0); /* no room for Bravo, and Alpha never */
	int bravo = 0;
	for (int i = 0; i < l.n; i++) {
		assert_null(strstr(l.lines[i], "a/activities.csv:2"));
		bravo += strstr(l.lines[i], "b/activities.csv:2: error: activity 7 has no file") != NULL;
	}
	assert_int_equal(bravo, 1);
	rd_history_free(h);

	/* with room, each csv's manual row is added once, under its own csv */
	l.n = 0;
	h = make_max(&l, 1, 0);
	assert_int_equal(rd_history_add_path(h, sub("calls/a"), &d), 0);
	assert_int_equal(rd_history_add_path(h, sub("calls/b"), &d), 0);
	rd_history_stats_get(h, &st);
	assert_int_equal(st.csv_only, 2);
	assert_int_equal(rd_history_count(h), 5);
	int alpha = 0;
	bravo = 0;
	for (size_t i = 0; i < rd_history_count(h); i++) {
		const rd_activity *a = rd_history_get(h, i);
		alpha += !strcmp(a->name, "Alpha") && strstr(a->source, "a/activities.csv:2");
		bravo += !strcmp(a->name, "Bravo") && strstr(a->source, "b/activities.csv:2");
	}
	assert_int_equal(alpha, 1);
	assert_int_equal(bravo, 1);
	rd_history_free(h);
}

/* Z05, Z07, Z09, C04, C05: a Strava export as a zip. */
static void strava_zip(void **state)
{
	(void)state;
	write_export("e/export.zip");
	log_t l = {0};
	rd_history *h = make(&l, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("e/export.zip"), &d), 0);
#define Z "e/export.zip!"
	expect_line(&l, Z "../evil.fit: error: zip entry name escapes the archive");
	expect_line(&l, Z "/abs.fit: error: zip entry name is absolute");
	expect_line(&l, Z "C:/win.fit: error: zip entry name is absolute");
	expect_line(&l, Z "link.fit: error: zip entry is a link");
	expect_line(&l, Z "activities/11.FIT.GZ: error: duplicate zip entry name; the first one is used");
	expect_line(&l, Z "nested.zip:0x0: error: archive inside an archive not read");
	expect_line(&l, Z "activities/15.fit:0x0: error: not a fit, gpx or tcx file");
	expect_line(&l, Z "activities.csv:3: error: activity 12: file 'activities/12.fit' "
			   "is not in the export; using the csv summary");
	expect_line(&l, Z "activities.csv:4: error: activity 13 has no file (manual entry); "
			   "using the csv summary");
	expect_line(&l, Z "activities.csv:5: error: activity 14: file '../../etc/passwd' "
			   "points outside the export; using the csv summary");
	expect_line(&l, Z "activities.csv:6: error: activity 15: file 'activities/15.fit' "
			   "could not be read; using the csv summary");
	expect_line(&l, Z "activities.csv:7: error: activity 16: file '#error#' "
			   "is not in the export; using the csv summary");
#undef Z
	assert_int_equal(l.n, 12);
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.files_ok, 2); /* 11.fit.gz, activities.csv */
	assert_int_equal(st.files_rejected, 7);
	assert_int_equal(st.csv_only, 5);
	assert_int_equal(rd_history_count(h), 6);
	const rd_activity *a = rd_history_get(h, 0);
	assert_string_equal(a->name, "Park Race");
	assert_int_equal(a->sport, RD_SPORT_TRAIL); /* the csv is more specific */
	assert_int_equal(a->start_utc, 1735732805); /* the file's own time wins */
	assert_float_equal(a->elapsed_s, 3590, 1e-9);
	assert_float_equal(a->distance_m, 10000, 1e-9); /* the file had none */
	assert_int_equal(a->marked_race, 1);
	a = rd_history_get(h, 1);
	assert_string_equal(a->name, "Lost");
	assert_int_equal(a->start_utc, 1735819200);
	assert_float_equal(a->distance_m, 5000, 1e-9);
	assert_int_equal(a->status, RD_READ_PARTIAL);
	char src[600];
	snprintf(src, sizeof src, "%s/e/export.zip!activities.csv:3", tmp);
	assert_string_equal(a->source, src);
	assert_int_equal(rd_history_get(h, 2)->status, RD_READ_OK); /* manual */
	rd_history_free(h);
}

/* Z07/Z06 limits: entry count and total size, each naming the archive. */
static void zip_limits_hit(void **state)
{
	(void)state;
	write_export("e/limits.zip");
	rd_history_options opt;
	rd_history_options_init(&opt);
	log_t l = {0};
	opt.max_zip_entries = 3;
	rd_history *h = make_opt(&l, &opt);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("e/limits.zip"), &d), 0);
	expect_line(&l, "e/limits.zip: error: zip entry limit of 3 entries reached");
	assert_int_equal(rd_history_count(h), 1); /* entry 0 was read */
	rd_history_free(h);

	opt.max_zip_entries = 200000;
	opt.max_zip_bytes = 100;
	l.n = 0;
	h = make_opt(&l, &opt);
	assert_int_equal(rd_history_add_path(h, sub("e/limits.zip"), &d), 0);
	int found = 0;
	for (int i = 0; i < l.n; i++)
		found += strstr(l.lines[i], ": error: zip total size limit of 100 bytes exceeded") != NULL;
	assert_int_equal(found, 1);
	rd_history_free(h);
}

/* Z08: a zip cut in the middle: no crash, an error naming it, and what
 * could be read is kept. */
static void corrupt_zip(void **state)
{
	(void)state;
	write_export("e/cut.zip");
	char path[600];
	snprintf(path, sizeof path, "%s/e/cut.zip", tmp);
	struct stat st;
	stat(path, &st);
	for (off_t cut = 0; cut < st.st_size; cut += st.st_size / 7 + 1) {
		assert_int_equal(truncate(path, cut), 0);
		log_t l = {0};
		rd_history *h = make(&l, 2);
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(rd_history_add_path(h, path, &d), 0);
		rd_history_stats s;
		rd_history_stats_get(h, &s);
		assert_true(s.files_rejected >= 1);
		assert_true(l.n >= 1);
		rd_history_free(h);
	}
}

/* Z09 on several threads: the walkers share one set of the names seen, and
 * whatever their interleaving refuse the same entries as one thread alone,
 * each reported once, and read every other entry once.  Enough entries
 * that the walkers overlap in time. */
#define ZIP_DUPS_N 2000

static int cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void zip_dups_threads(void **state)
{
	(void)state;
	char path[600], buf[256], body[64], first[8][400];
	snprintf(path, sizeof path, "%s/e/dups.zip", tmp);
	mkdir(sub("e"), 0700);
	struct archive *a = archive_write_new();
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (int i = 0; i < ZIP_DUPS_N; i++) {
		char name[64];
		snprintf(name, sizeof name, "activities/%d.fit", i);
		snprintf(body, sizeof body, "A %d 60 1 5", 1000 + i * 1000);
		zip_add(a, name, buf, fit_bytes(buf, body), 0);
		const char *dup = i == 7 ? "activities/3.FIT" : i == 900 ? "activities/3.fit"
				: i == 1500 ? "Activities/1400.Fit" : NULL;
		if (dup) { /* a later start: read, it would show */
			snprintf(body, sizeof body, "A %d 60 1 5", 5000000 + i);
			zip_add(a, dup, buf, fit_bytes(buf, body), 0);
		}
	}
	archive_write_close(a);
	archive_write_free(a);
	int n_first = 0;
	for (unsigned run = 0; run < 8; run++) {
		unsigned threads = run == 0 ? 1 : 2 + run % 3;
		log_t l = {0};
		rd_history *h = make(&l, threads);
		rd_diag d = RD_DIAG_INIT;
		assert_int_equal(rd_history_add_path(h, path, &d), 0);
		assert_int_equal(rd_history_count(h), ZIP_DUPS_N);
		for (size_t i = 0; i < ZIP_DUPS_N; i++)
			assert_int_equal(rd_history_get(h, i)->start_utc, 1000 + (int64_t)i * 1000);
		rd_history_stats st;
		rd_history_stats_get(h, &st);
		assert_int_equal(st.files_ok, ZIP_DUPS_N);
		assert_int_equal(st.files_rejected, 3);
		assert_int_equal(l.n, 3);
		qsort(l.lines, (size_t)l.n, sizeof l.lines[0], cmp_line);
		if (run == 0) {
			expect_line(&l, "e/dups.zip!activities/3.FIT: error: duplicate zip "
					"entry name; the first one is used");
			expect_line(&l, "e/dups.zip!activities/3.fit: error: duplicate zip "
					"entry name; the first one is used");
			expect_line(&l, "e/dups.zip!Activities/1400.Fit: error: duplicate zip "
					"entry name; the first one is used");
			for (n_first = 0; n_first < l.n; n_first++)
				snprintf(first[n_first], sizeof first[0], "%s", l.lines[n_first]);
		}
		for (int i = 0; i < n_first; i++)
			assert_string_equal(l.lines[i], first[i]);
		rd_history_free(h);
	}
}

/* A folder tree deeper than 32 levels: the deepest folder is named in a
 * warning and not read; everything above it is. */
static void deep_folders(void **state)
{
	(void)state;
	char rel[300] = "deep", deepest[320] = "";
	put_fit("deep/top.fit", "A 100 60 1 5", 0);
	for (int level = 1; level <= 33; level++) {
		strcat(rel, "/x");
		if (level == 32) {
			char file[320];
			snprintf(file, sizeof file, "%s/ok.fit", rel);
			put_fit(file, "A 200 60 1 5", 0);
		}
	}
	snprintf(deepest, sizeof deepest, "%s/lost.fit", rel);
	put_fit(deepest, "A 300 60 1 5", 0);
	log_t l = {0};
	rd_history *h = make(&l, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("deep"), &d), 0);
	assert_int_equal(rd_history_count(h), 2);
	assert_int_equal(rd_history_get(h, 0)->start_utc, 100);
	assert_int_equal(rd_history_get(h, 1)->start_utc, 200);
	char want[400];
	snprintf(want, sizeof want, "%s: error: folder nesting limit of 32 reached; not read", rel);
	assert_int_equal(l.n, 1);
	expect_line(&l, want);
	rd_history_free(h);
}

static void limits_and_errors(void **state)
{
	(void)state;
	put_fit("l/1.fit", "A 100 60 1 5", 0);
	put_fit("l/2.fit", "A 200 60 1 5", 0);
	put_fit("l/3.fit", "A 300 60 1 5", 0);
	log_t l = {0};
	rd_history *h = make_max(&l, 2, 2);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("l"), &d), RD_ELIMIT);
	char msg[600], want[600];
	rd_diag_format(&d, msg, sizeof msg);
	snprintf(want, sizeof want, "%s/l/3.fit: error: activity limit of 2 reached; "
		 "history not read further", tmp);
	assert_string_equal(msg, want);
	assert_int_equal(rd_history_count(h), 2);
	rd_diag d2 = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("nope"), &d2), RD_EIO);
	rd_diag_format(&d2, msg, sizeof msg);
	snprintf(want, sizeof want, "%s/nope: error: cannot read: No such file or directory", tmp);
	assert_string_equal(msg, want);
	rd_history_free(h);
}

/* A file that fails while it is read: Linux's /proc/self/mem is a regular
 * file whose read at offset 0 (an unmapped address) fails with EIO, even
 * for root.  It is reported with the offset and rejected; the history goes
 * on. */
static void read_error(void **state)
{
	(void)state;
	put_fit("r/1.fit", "A 100 60 1 5", 0);
	log_t l = {0};
	rd_history *h = make(&l, 1);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, "/proc/self/mem", &d), 0);
	assert_int_equal(rd_history_add_path(h, sub("r"), &d), 0);
	assert_true(has_line(&l, "/proc/self/mem:0x0: error: read error: Input/output error"));
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.files_rejected, 1);
	assert_int_equal(st.files_ok, 1);
	assert_int_equal(rd_history_count(h), 1);
	rd_history_free(h);
}

typedef struct prog {
	size_t calls, done, total;
} prog;

static void on_progress(void *ctx, const rd_history_progress *p)
{
	prog *pr = ctx;
	pr->calls++;
	pr->done = p->files_done;
	pr->total = p->files_total;
}

static void progress(void **state)
{
	(void)state;
	put_fit("p/1.fit", "A 100 60 1 5", 0);
	put_fit("p/2.fit.gz", "A 200 60 1 5", 1);
	rd_history_options opt;
	rd_history_options_init(&opt);
	prog pr = {0};
	log_t l = {0};
	opt.progress = on_progress;
	opt.progress_ctx = &pr;
	rd_history *h = make_opt(&l, &opt);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, sub("p"), &d), 0);
	assert_int_equal(pr.calls, 3);
	assert_int_equal(pr.done, 2);
	assert_int_equal(pr.total, 2);
	rd_history_free(h);
}

#if defined(RD_HAVE_FIT) && defined(RD_HAVE_XML)
/* The real readers on the corpus: the small Strava export unpacked (75
 * rows, 3 of them pointing at example.{fit,gpx,tcx}), and a gzipped FIT
 * (expected.tsv: 2760 records, cycling, 14921.2 m). */
static void corpus(void **state)
{
	(void)state;
	log_t l = {0};
	rd_history_options opt;
	rd_history_options_init(&opt);
	opt.warn = on_warn;
	opt.warn_ctx = &l;
	rd_history *h;
	assert_int_equal(rd_history_new(&h, &opt), 0);
	rd_diag d = RD_DIAG_INIT;
	assert_int_equal(rd_history_add_path(h, RD_CORPUS "/strava/gz/14582164182.fit.gz", &d), 0);
	assert_int_equal(rd_history_count(h), 1);
	const rd_activity *a = rd_history_get(h, 0);
	assert_int_equal(a->records, 2760);
	assert_int_equal(a->sport, RD_SPORT_BIKE);
	assert_float_equal(a->distance_m, 14921.2, 0.01);
	assert_int_equal(a->start_utc, 1739923845); /* 2025-02-19T00:10:45Z */
	/* Its session says elapsed 1632 s, timer 2760 s, and the 2,760 records
	 * come every second for 46 min: the elapsed time is the wrong one. */
	assert_float_equal(a->moving_s, 2760.0, 0.01);
	assert_float_equal(a->elapsed_s, 2760.0, 0.01);
	char want[600];
	snprintf(want, sizeof want, "%s/strava/gz/14582164182.fit.gz: error: session elapsed "
		 "time 1632.0 s is below its timer time 2760.0 s, which its records cover "
		 "second by second; elapsed taken as 2760.0 s", RD_CORPUS);
	if (!has_line(&l, want))
		fail_msg("no line: %s (first: %s)", want, l.n ? l.lines[0] : "none");

	assert_int_equal(rd_history_add_path(h, RD_CORPUS "/strava/athlytics-mini-export", &d), 0);
	rd_history_stats st;
	rd_history_stats_get(h, &st);
	assert_int_equal(st.files_rejected, 0);
	assert_int_equal(st.csv_only, 72); /* rows without a file */
	size_t from_files = 0, fit_records = 0;
	for (size_t i = 0; i < rd_history_count(h); i++) {
		a = rd_history_get(h, i);
		if (strstr(a->source, "/activities/example.")) {
			from_files++;
			if (strstr(a->source, "example.fit")) {
				fit_records = a->records;
				assert_string_equal(a->name, "Example FIT");
			}
		}
	}
	assert_int_equal(from_files, 3);
	assert_int_equal(fit_records, 10); /* expected.tsv record_count */
	assert_int_equal(rd_history_count(h) + st.duplicates, 1 + 72 + 3);
	rd_history_free(h);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folder), cmocka_unit_test(file_order),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(gzip_damage), cmocka_unit_test(file_limits),
		cmocka_unit_test(strava_zip),
		cmocka_unit_test(csv_without_files), cmocka_unit_test(csv_per_call),
		cmocka_unit_test(zip_limits_hit), cmocka_unit_test(corrupt_zip),
		cmocka_unit_test(zip_dups_threads),
		cmocka_unit_test(limits_and_errors), cmocka_unit_test(deep_folders),
		cmocka_unit_test(read_error),
		cmocka_unit_test(progress),
#if defined(RD_HAVE_FIT) && defined(RD_HAVE_XML)
		cmocka_unit_test(corpus),
#endif
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
