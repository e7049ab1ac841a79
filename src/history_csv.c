/*
 * history_csv.c: a Strava activities.csv applied to the files beside it.
 *
 * Row r's file is <folder of the csv>/<r.filename>: for an unpacked export
 * "/x/export/" + "activities/1.gpx.gz", for a zip "x.zip!" + the same.  The
 * name and the race/workout marks come from the CSV; the sport from the
 * file unless the file does not know it or the CSV is more specific (a
 * "Trail Run" for a file that says "run"); times, distance and heart rate
 * from the file, with the CSV filling what the file lacks.  A row with no
 * usable file becomes an activity of its own from the CSV fields.
 */
#include "formats/zip.h"
#include "history_int.h"
#include "history_store.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a row stands alone; the first CSV_EACH rows of each reason are
 * warned one by one, the rest in one line (an export without its files
 * would otherwise print a line per activity). */
enum why { W_MANUAL, W_OUTSIDE, W_MISSING, W_UNREADABLE, W_EMPTY, W_COUNT };
#define CSV_EACH 5
static const char *const WHY[W_COUNT] = {
	"has no file (manual entry)", "points outside the export",
	"is not in the export", "could not be read", "holds no activity"};

typedef struct merge {
	history_csv_ctx *c;
	const char *source; /* the csv's */
	history_add_fn add;
	rd_warn_fn warn;
	void *warn_ctx;
	size_t dir_len; /* bytes of csv source up to and with its '/' or '!' */
	unsigned long why[W_COUNT]; /* rows so far for each reason */
} merge;

/* A warning about the csv, at line (0: the whole file). */
static void csv_warn(const merge *m, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void csv_warn(const merge *m, unsigned long line, const char *fmt, ...)
{
	rd_diag w = RD_DIAG_INIT;
	w.code = RD_EFORMAT;
	w.line = line;
	va_list ap;
	va_start(ap, fmt);
	rd_warn_vsend(m->warn, m->warn_ctx, &w, m->source, fmt, ap);
	va_end(ap);
}

static void fill_number(double *dst, double v)
{
	if (!isfinite(*dst) && isfinite(v))
		*dst = v;
}

static void apply_row(const strava_row *r, rd_activity *a)
{
	rd_sport s = strava_sport(r->type);
	if (r->name[0])
		a->name = r->name;
	if (a->sport == RD_SPORT_UNKNOWN ||
	    (a->sport == RD_SPORT_RUN && (s == RD_SPORT_TRAIL || s == RD_SPORT_TREADMILL ||
					  s == RD_SPORT_TRACK)))
		a->sport = s;
	if (a->start_utc == INT64_MIN)
		a->start_utc = r->start_utc;
	fill_number(&a->elapsed_s, r->elapsed_s);
	fill_number(&a->moving_s, r->moving_s);
	fill_number(&a->distance_m, r->distance_m);
	if (a->avg_hr < 0)
		a->avg_hr = r->avg_hr;
	if (a->max_hr < 0)
		a->max_hr = r->max_hr;
	a->marked_race |= r->race;
	a->marked_workout |= r->workout;
}

static void apply(void *row, rd_activity *a)
{
	apply_row(row, a); /* the store copies the name */
}

static int csv_only(const merge *m, const strava_row *r, rd_read_status status)
{
	rd_activity a;
	rd_activity_init(&a);
	char where[RD_SOURCE_MAX + 32];
	snprintf(where, sizeof where, "%.*s:%lu", RD_SOURCE_MAX - 24,
		 m->source, r->line);
	rd_activity_set_source(&a, where);
	apply_row(r, &a); /* add copies it all */
	a.status = status;
	return m->add(m->c, &a);
}

static int use_csv(merge *m, const strava_row *r, enum why why)
{
	if (++m->why[why] <= CSV_EACH) {
		if (why == W_MANUAL)
			csv_warn(m, r->line, "activity %s %s; using the csv summary", r->id,
				 WHY[why]);
		else
			csv_warn(m, r->line, "activity %s: file '%s' %s; using the csv summary",
				 r->id, r->filename, WHY[why]);
	}
	return csv_only(m, r, why == W_MANUAL ? RD_READ_OK : RD_READ_PARTIAL);
}

/* One line for the rows of each reason past the first CSV_EACH. */
static void summarize(const merge *m)
{
	for (int w = 0; w < W_COUNT; w++) {
		if (m->why[w] <= CSV_EACH)
			continue;
		if (w == W_MANUAL)
			csv_warn(m, 0, "%lu more activities without a file (manual "
				 "entries); using their csv summaries", m->why[w] - CSV_EACH);
		else
			csv_warn(m, 0, "%lu more activities whose file %s; using their "
				 "csv summaries", m->why[w] - CSV_EACH, WHY[w]);
	}
}

static int merge_row(merge *m, const strava_row *r)
{
	if (!r->filename[0])
		return use_csv(m, r, W_MANUAL);
	const char *fn = r->filename;
	while (fn[0] == '.' && fn[1] == '/')
		fn += 2;
	if (zip_name_problem(fn))
		return use_csv(m, r, W_OUTSIDE);
	char key[1200];
	snprintf(key, sizeof key, "%.*s%s", (int)m->dir_len, m->source, fn);
	hstore_file f;
	int rc = hstore_find_file(m->c->store, m->c->call, key, &f);
	if (rc)
		return rc == 1 ? use_csv(m, r, W_MISSING) : rc;
	if (!f.nacts)
		return use_csv(m, r, f.status == RD_READ_REJECTED ? W_UNREADABLE : W_EMPTY);
	return hstore_update_file(m->c->store, m->c->call, f.major, f.minor, apply, (void *)r);
}

static int merge_one(void *ctx, const strava_row *r)
{
	return merge_row(ctx, r);
}

int history_merge_csv(history_csv_ctx *c, const char *source, uint64_t major,
		      uint64_t minor, history_add_fn add, rd_warn_fn warn, void *warn_ctx)
{
	merge m = {c, source, add, warn, warn_ctx, 0, {0}};
	const char *slash = strrchr(source, '/');
	const char *bang = strrchr(source, '!');
	const char *end = bang && (!slash || bang > slash) ? bang : slash;
	m.dir_len = end ? (size_t)(end - source) + 1 : 0;
	int rc = hstore_each_csv_row(c->store, c->call, major, minor, merge_one, &m);
	summarize(&m);
	return rc;
}
