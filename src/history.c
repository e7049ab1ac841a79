/*
 * history.c: the history object: each finished file goes to the store
 * (history_store.h) as it ends; once a path is read its files are reported
 * in a fixed order, activities.csv is applied and duplicates are dropped,
 * in passes over the store (see history.h).
 */
#include "alloc.h"
#include "history_int.h"
#include "history_store.h"
#ifdef RD_HAVE_XML
#include "formats/xml.h"
#endif

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUP_START_S 60
#define DUP_DURATION 0.10
/* Activities starting within DUP_START_S of each other that the duplicate
 * check holds at once; past that the oldest leave the window (only a
 * hostile history has more). */
#define DUP_WINDOW 4096

struct rd_history {
	rd_history_options opt;
	decode_cfg cfg;
	hstore *store;            /* NULL until the first path */
	unsigned call;            /* rd_history_add_path() calls so far */
	int store_rc;             /* the first error writing the store */
	rd_history_stats stats;
	rd_history_progress progress;
	pthread_mutex_t lock;
	hstore_pass *get_pass;    /* rd_history_get()'s, at get_next */
	size_t get_next;
	const rd_activity *get_last; /* activity get_next - 1, or NULL */
};

void rd_history_options_init(rd_history_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->version = RD_HISTORY_OPTIONS_VERSION;
	opt->threads = 2;
	opt->max_file_bytes = 128u << 20;
	opt->max_ratio = 200;
	opt->max_zip_bytes = 8ull << 30;
	opt->max_zip_entries = 200000;
	opt->max_activities = 1000000;
}

static void default_limits(rd_limits *l, const rd_history_options *opt)
{
	rd_limits_default(l);
	l->max_file_bytes = opt->max_file_bytes;
}

static int csv_row(void *arg, const file_result *r, const strava_row *row);

int rd_history_new(rd_history **out, const rd_history_options *opt)
{
	*out = NULL;
	rd_history *h = rd_calloc(1, sizeof *h);
	if (!h)
		return RD_ENOMEM;
	if (opt)
		h->opt = *opt;
	else
		rd_history_options_init(&h->opt);
	default_limits(&h->cfg.limits, &h->opt);
	h->cfg.max_file_bytes = h->opt.max_file_bytes;
	h->cfg.max_ratio = h->opt.max_ratio;
	h->cfg.csv_row = csv_row;
	h->cfg.csv_ctx = h;
#ifdef RD_HAVE_FIT
	h->cfg.fit = &fit_reader;
#endif
#ifdef RD_HAVE_XML
	h->cfg.gpx = &gpx_reader;
	h->cfg.tcx = &tcx_reader;
#endif
	pthread_mutex_init(&h->lock, NULL);
	*out = h;
	return 0;
}

void history_set_readers(rd_history *h, const reader_ops *fit,
			 const reader_ops *gpx, const reader_ops *tcx)
{
	if (fit)
		h->cfg.fit = fit;
	if (gpx)
		h->cfg.gpx = gpx;
	if (tcx)
		h->cfg.tcx = tcx;
}

void rd_history_free(rd_history *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
#ifdef RD_HAVE_XML
	xml_readers_release(); /* the parsers kept between files */
#endif
	hstore_pass_close(h->get_pass);
	hstore_close(h->store);
	rd_free(h);
}

size_t rd_history_count(const rd_history *h)
{
	return h->store ? hstore_count(h->store) : 0;
}

const rd_activity *rd_history_get(const rd_history *hc, size_t i)
{
	rd_history *h = (rd_history *)(uintptr_t)hc; /* the pass is a cache */
	if (i >= rd_history_count(h))
		return NULL;
	if (h->get_pass && h->get_last && i + 1 == h->get_next)
		return h->get_last; /* asked again */
	if (h->get_pass && h->get_next > i) {
		hstore_pass_close(h->get_pass);
		h->get_pass = NULL;
	}
	if (!h->get_pass) {
		if (!(h->get_pass = hstore_pass_open(h->store, INT64_MIN)))
			return NULL;
		h->get_next = 0;
	}
	const rd_activity *a = NULL;
	int rc = 0;
	while (h->get_next <= i && (a = hstore_pass_next(h->get_pass, NULL, &rc)) != NULL)
		h->get_next++;
	h->get_last = a;
	return a;
}

static void *acts_open(const rd_acts *src, int64_t from_utc)
{
	return hstore_pass_open(src->ctx, from_utc);
}

static const rd_activity *acts_next(void *pass, int *rc)
{
	return hstore_pass_next(pass, NULL, rc);
}

static void acts_close(void *pass)
{
	hstore_pass_close(pass);
}

rd_acts rd_history_acts(const rd_history *h)
{
	if (!h->store)
		return rd_acts_array(NULL, 0);
	rd_acts src = {h->store, hstore_count(h->store), acts_open, acts_next, acts_close};
	return src;
}

void rd_history_stats_get(const rd_history *h, rd_history_stats *out)
{
	*out = h->stats;
}

/* ---- progress (called from the workers) ---- */

static void progress(void *arg, size_t done, size_t found, uint64_t bytes)
{
	rd_history *h = arg;
	pthread_mutex_lock(&h->lock);
	h->progress.files_done += done;
	h->progress.files_total += found;
	h->progress.bytes_done += bytes;
	if (h->opt.progress)
		h->opt.progress(h->opt.progress_ctx, &h->progress);
	pthread_mutex_unlock(&h->lock);
}

/* ---- keeping (called from the workers) ---- */

/* history_ctx.keep: a finished file goes to the store at once, with its
 * warnings and activities, and leaves memory. */
static void keep(void *arg, file_result *r)
{
	rd_history *h = arg;
	pthread_mutex_lock(&h->lock);
	int rc = h->store_rc ? 0 : hstore_put_file(h->store, h->call, r);
	if (rc && !h->store_rc)
		h->store_rc = rc;
	pthread_mutex_unlock(&h->lock);
	file_result_dispose(r);
}

/* decode_cfg.csv_row: an activities.csv row goes to the store at once. */
static int csv_row(void *arg, const file_result *r, const strava_row *row)
{
	rd_history *h = arg;
	pthread_mutex_lock(&h->lock);
	int rc = hstore_csv_add(h->store, h->call, r->key_major, r->key_minor, row);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* ---- gathering, in the files' order ---- */

static void warn(void *arg, const rd_diag *w)
{
	rd_history *h = arg;
	if (h->opt.warn)
		h->opt.warn(h->opt.warn_ctx, w);
}

static void replay_warnings(rd_history *h, const hstore_file *f)
{
	hstore_each_warning(h->store, f->id, warn, h);
	rd_diag w = RD_DIAG_INIT;
	if (f->more_warns) {
		rd_diag_set(&w, RD_EFORMAT, f->source, 0, 0,
			    "%lu more warnings for this file not shown", f->more_warns);
		warn(h, &w);
	}
	if (f->lost_warns) {
		w = (rd_diag)RD_DIAG_INIT;
		rd_diag_set(&w, RD_ENOMEM, f->source, 0, 0,
			    "out of memory: %lu warnings for this file lost", f->lost_warns);
		warn(h, &w);
	}
}

static void count_outcome(rd_history *h, const hstore_file *f)
{
	if (!f->counted)
		return;
	if (f->status == RD_READ_OK)
		h->stats.files_ok++;
	else if (f->status == RD_READ_PARTIAL)
		h->stats.files_partial++;
	else
		h->stats.files_rejected++;
}

static int limit_error(rd_history *h, const char *source, rd_diag *diag)
{
	return rd_diag_set(diag, RD_ELIMIT, source, 0, 0,
			   "activity limit of %zu reached; history not read further",
			   h->opt.max_activities);
}

typedef struct gathering {
	rd_history *h;
	size_t total; /* activities kept so far */
	rd_diag *diag;
	int rc;
} gathering;

/* Counts and reports a file in order; at the activity limit, drops what
 * comes after and stops. */
static int gather_file(void *arg, const hstore_file *f)
{
	gathering *g = arg;
	rd_history *h = g->h;
	count_outcome(h, f);
	replay_warnings(h, f);
	if (g->total + f->nacts <= h->opt.max_activities) {
		g->total += f->nacts;
		return 0;
	}
	limit_error(h, f->source, g->diag);
	g->rc = hstore_drop_from(h->store, h->call, f->major, f->minor,
				 h->opt.max_activities - g->total);
	return RD_ELIMIT;
}

static int add_csv_only(void *arg, const rd_activity *a)
{
	history_csv_ctx *c = arg;
	rd_history *h = c->h;
	if (hstore_count(h->store) >= h->opt.max_activities)
		return RD_ELIMIT;
	int rc = hstore_add(h->store, h->call, HSTORE_CSV_MAJOR + c->index, 0, c->added,
			    SNIFF_UNKNOWN, a);
	c->added += !rc;
	return rc;
}

typedef struct merging {
	rd_history *h;
	size_t index;  /* csvs of the call so far */
	rd_diag *diag;
} merging;

/* Applies one activities.csv of the call (in key order). */
static int merge_csv(void *arg, const hstore_file *f)
{
	merging *m = arg;
	rd_history *h = m->h;
	history_csv_ctx c = {h, h->store, h->call, m->index++, 0};
	int rc = history_merge_csv(&c, f->source, f->major, f->minor, add_csv_only,
				   h->opt.warn, h->opt.warn_ctx);
	if (rc == RD_ELIMIT)
		limit_error(h, f->source, m->diag);
	h->stats.csv_only += c.added;
	return rc;
}

/* before: the activities of the calls before this one. */
static int gather(rd_history *h, size_t before, rd_diag *diag)
{
	gathering g = {h, before, diag, 0};
	int rc = hstore_each_file(h->store, h->call, gather_file, &g);
	if (rc == RD_ELIMIT)
		rc = g.rc ? g.rc : RD_ELIMIT;
	merging m = {h, 0, diag};
	return rc ? rc : hstore_each_csv(h->store, h->call, merge_csv, &m);
}

/* ---- duplicates ---- */

/* What the duplicate check needs of an activity. */
typedef struct dup_item {
	hstore_meta meta;
	int64_t start;
	rd_sport sport;
	double duration;
	uint32_t records;
	int dropped;
} dup_item;

static int sport_group(rd_sport s)
{
	switch (s) {
	case RD_SPORT_TRAIL: case RD_SPORT_TREADMILL: case RD_SPORT_TRACK:
		return RD_SPORT_RUN;
	default:
		return (int)s;
	}
}

static int is_duplicate(const dup_item *a, const dup_item *b)
{
	if (a->sport != RD_SPORT_UNKNOWN && b->sport != RD_SPORT_UNKNOWN &&
	    sport_group(a->sport) != sport_group(b->sport))
		return 0;
	double da = a->duration, db = b->duration;
	if (!isfinite(da) || !isfinite(db))
		return 0;
	return fabs(da - db) <= DUP_DURATION * fmax(da, db);
}

static int read_before(const hstore_meta *a, const hstore_meta *b)
{
	for (int i = 0; i < 4; i++)
		if (a->order[i] != b->order[i])
			return a->order[i] < b->order[i];
	return 0;
}

/* Which of two duplicates goes: returns 1 to drop b, 0 to drop a.  The FIT
 * one stays, else the one with more records, else the first read. */
static int drop_second(const dup_item *a, const dup_item *b)
{
	if ((a->meta.kind == SNIFF_FIT) != (b->meta.kind == SNIFF_FIT))
		return a->meta.kind == SNIFF_FIT;
	if (a->records != b->records)
		return a->records > b->records;
	return read_before(&a->meta, &b->meta);
}

typedef struct dup_window {
	dup_item *items; /* a ring of DUP_WINDOW */
	size_t first, n;
} dup_window;

/* Checks b against the window (activities starting up to DUP_START_S
 * before it, in start order), marking the dropped; 1 when b is dropped. */
static int check_duplicate(rd_history *h, dup_window *w, dup_item *b, int *rc)
{
	while (w->n && b->start - w->items[w->first].start > DUP_START_S) {
		w->first = (w->first + 1) % DUP_WINDOW;
		w->n--;
	}
	for (size_t i = 0; i < w->n && !*rc; i++) {
		dup_item *a = &w->items[(w->first + i) % DUP_WINDOW];
		if (a->dropped || !is_duplicate(a, b))
			continue;
		dup_item *loser = drop_second(a, b) ? b : a;
		loser->dropped = 1;
		h->stats.duplicates++;
		*rc = hstore_mark(h->store, loser->meta.id);
		if (loser == b)
			return 1;
	}
	return 0;
}

/* One pass in start order: each activity against those that started up
 * to DUP_START_S before it (the pairs are decided in the same order as
 * comparing each with the ones after it would). */
static int history_dedupe(rd_history *h)
{
	dup_window w = {rd_malloc(DUP_WINDOW * sizeof *w.items), 0, 0};
	hstore_pass *p = w.items ? hstore_pass_open(h->store, INT64_MIN) : NULL;
	int rc = p ? 0 : RD_ENOMEM;
	const rd_activity *a;
	dup_item b;
	while (!rc && (a = hstore_pass_next(p, &b.meta, &rc)) != NULL &&
	       a->start_utc != INT64_MIN) {
		b.start = a->start_utc;
		b.sport = a->sport;
		b.duration = isfinite(a->elapsed_s) ? a->elapsed_s : a->moving_s;
		b.records = a->records;
		b.dropped = 0;
		if (check_duplicate(h, &w, &b, &rc) || rc)
			continue;
		if (w.n == DUP_WINDOW) { /* the oldest leaves */
			w.first = (w.first + 1) % DUP_WINDOW;
			w.n--;
		}
		w.items[(w.first + w.n++) % DUP_WINDOW] = b;
	}
	hstore_pass_close(p);
	rd_free(w.items);
	return rc ? rc : hstore_drop_marked(h->store);
}

int rd_history_add_path(rd_history *h, const char *path, rd_diag *diag)
{
	if (!h->store) {
		int rc = hstore_open(&h->store, diag);
		if (rc)
			return rc;
	}
	hstore_pass_close(h->get_pass);
	h->get_pass = NULL;
	h->get_last = NULL;
	h->call++;
	h->store_rc = 0;
	size_t before = hstore_count(h->store);
	history_ctx ctx = {&h->opt, &h->cfg, progress, keep, h, h->store, h->call, &h->lock};
	int rc = history_read_path(&ctx, path, diag);
	if (!rc && h->store_rc)
		rc = rd_diag_set(diag, h->store_rc, path, 0, 0, h->store_rc == RD_ENOMEM ?
				 "out of memory" : "cannot write the history's temporary store");
	if (rc != RD_EIO && rc != RD_ENOMEM) {
		int grc = gather(h, before, diag);
		rc = rc ? rc : grc;
	} else { /* what the files gave is dropped with them */
		hstore_drop_from(h->store, h->call, 0, 0, 0);
	}
	int src = history_dedupe(h);
	if (src && !rc)
		rc = rd_diag_set(diag, src, path, 0, 0, src == RD_ENOMEM ? "out of memory" :
				 "cannot use the history's temporary store");
	return rc;
}
