/*
 * history.c: the history object: gathering file results in a fixed order,
 * applying activities.csv, dropping duplicates and sorting (see history.h).
 */
#include "alloc.h"
#include "history_int.h"
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

typedef struct act_meta {
	sniff_kind kind;
	uint64_t seq; /* reading order, the last sort key */
} act_meta;

struct rd_history {
	rd_history_options opt;
	decode_cfg cfg;
	rd_activity *acts;
	rd_activity_store *store; /* the activities' texts and histograms */
	act_meta *meta;
	size_t n, cap, capmeta;
	uint64_t seq;
	rd_history_stats stats;
	rd_history_progress progress;
	pthread_mutex_t lock;
	sniff_kind adding_kind;
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
	rd_free(h->acts);
	rd_activity_store_free(h->store);
	rd_free(h->meta);
	rd_free(h);
}

size_t rd_history_count(const rd_history *h)
{
	return h->n;
}

const rd_activity *rd_history_get(const rd_history *h, size_t i)
{
	return i < h->n ? &h->acts[i] : NULL;
}

rd_activity *rd_history_take(rd_history *h, size_t *count,
			     rd_activity_store **store)
{
	rd_activity *acts = h->n ? h->acts : NULL;
	*count = h->n;
	*store = h->store;
	h->store = NULL;
	if (!acts)
		rd_free(h->acts);
	rd_free(h->meta);
	h->acts = NULL;
	h->meta = NULL;
	h->n = h->cap = h->capmeta = 0;
	return acts;
}

rd_acts rd_history_acts(const rd_history *h)
{
	return rd_acts_array(h->acts, h->n);
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

/* ---- gathering ---- */

/* h->store, made at the first activity; NULL when out of memory. */
static rd_activity_store *store(rd_history *h)
{
	if (!h->store)
		h->store = rd_activity_store_new();
	return h->store;
}

static int add_activity(void *arg, const rd_activity *a)
{
	rd_history *h = arg;
	if (h->n >= h->opt.max_activities)
		return RD_ELIMIT;
	if (!store(h) ||
	    rd_grow((void **)&h->acts, &h->cap, h->n + 1, sizeof *h->acts) ||
	    rd_grow((void **)&h->meta, &h->capmeta, h->n + 1, sizeof *h->meta) ||
	    rd_activity_store_copy(h->store, &h->acts[h->n], a))
		return RD_ENOMEM;
	h->meta[h->n] = (act_meta){h->adding_kind, h->seq++};
	h->n++;
	return 0;
}

static int cmp_result(const void *pa, const void *pb)
{
	const file_result *a = pa, *b = pb;
	if (a->key_major != b->key_major)
		return a->key_major < b->key_major ? -1 : 1;
	if (a->key_minor != b->key_minor)
		return a->key_minor < b->key_minor ? -1 : 1;
	return strcmp(a->source, b->source);
}

static void replay_warnings(rd_history *h, const file_result *r)
{
	if (!h->opt.warn)
		return;
	for (size_t i = 0; i < r->nwarns; i++)
		h->opt.warn(h->opt.warn_ctx, &r->warns[i]);
	if (r->more_warns) {
		rd_diag w = RD_DIAG_INIT;
		rd_diag_set(&w, RD_EFORMAT, r->source, 0, 0,
			    "%lu more warnings for this file not shown", r->more_warns);
		h->opt.warn(h->opt.warn_ctx, &w);
	}
	if (r->lost_warns) {
		rd_diag w = RD_DIAG_INIT;
		rd_diag_set(&w, RD_ENOMEM, r->source, 0, 0,
			    "out of memory: %lu warnings for this file lost", r->lost_warns);
		h->opt.warn(h->opt.warn_ctx, &w);
	}
}

static void count_outcome(rd_history *h, const file_result *r)
{
	if (!r->counted)
		return;
	if (r->status == RD_READ_OK)
		h->stats.files_ok++;
	else if (r->status == RD_READ_PARTIAL)
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

/* history_ctx.keep: a finished file's activities go straight into h->acts
 * (a grown block is moved by the kernel, not copied), so no second copy of
 * the summaries waits for the gathering. */
static void keep(void *arg, file_result *r)
{
	rd_history *h = arg;
	int rc = 0;
	if (r->nacts) {
		pthread_mutex_lock(&h->lock);
		rc = store(h) ? rd_grow((void **)&h->acts, &h->cap, h->n + r->nacts,
					sizeof *h->acts) : RD_ENOMEM;
		for (size_t i = 0; i < r->nacts && !rc; i++)
			rc = rd_activity_store_copy(h->store, &h->acts[h->n + i], &r->acts[i]);
		if (!rc) {
			r->first_act = h->n;
			h->n += r->nacts;
		}
		pthread_mutex_unlock(&h->lock);
	}
	rd_free(r->acts);
	rd_activity_store_free(r->store);
	r->acts = NULL;
	r->store = NULL;
	r->capacts = 0;
	if (rc) {
		rd_diag d = RD_DIAG_INIT;
		rd_diag_set(&d, RD_ENOMEM, r->source, 0, 0, "out of memory");
		file_result_reject(r, &d);
	}
}

/* Place base + j takes the activity (and its meta) from base + from[j], for
 * j < n, in place (from is a permutation of 0..n-1): following each cycle
 * needs one spare activity, not a second array. */
static void pull(rd_history *h, size_t base, size_t *from, size_t n)
{
	if (!n)
		return; /* h->acts may be NULL: no offset from it (UBSan) */
	rd_activity *acts = h->acts + base;
	act_meta *meta = h->meta + base;
	for (size_t i = 0; i < n; i++) {
		if (from[i] == i)
			continue;
		rd_activity spare = acts[i];
		act_meta spare_meta = meta[i];
		size_t j = i;
		for (;;) {
			size_t k = from[j];
			from[j] = j;
			if (k == i) {
				acts[j] = spare;
				meta[j] = spare_meta;
				break;
			}
			acts[j] = acts[k];
			meta[j] = meta[k];
			j = k;
		}
	}
}

/* Puts the activities kept since base in file order (rl sorted): the
 * history is the same whichever thread finished first.  Counts outcomes
 * and replays warnings in that order too, and stops at the activity limit
 * there. */
static int order(rd_history *h, result_list *rl, size_t base, rd_diag *diag)
{
	size_t n = h->n - base, at = 0;
	size_t *from = rd_malloc((n ? n : 1) * sizeof *from);
	unsigned char *used = rd_calloc(n ? n : 1, 1);
	if (!from || !used || rd_grow((void **)&h->meta, &h->capmeta, h->n, sizeof *h->meta)) {
		rd_free(from);
		rd_free(used);
		h->n = base;
		return rd_diag_set(diag, RD_ENOMEM, "", 0, 0, "out of memory");
	}
	int rc = 0;
	for (size_t i = 0; i < rl->n && !rc; i++) {
		file_result *r = &rl->items[i];
		count_outcome(h, r);
		replay_warnings(h, r);
		size_t first = r->first_act - base;
		r->first_act = base + at;
		for (size_t k = 0; k < r->nacts && !rc; k++) {
			if (base + at >= h->opt.max_activities) {
				rc = limit_error(h, r->source, diag);
				break;
			}
			h->meta[base + first + k] = (act_meta){r->kind, h->seq++};
			used[first + k] = 1;
			from[at++] = first + k;
		}
	}
	size_t kept = at;
	for (size_t i = 0; i < n; i++) /* the rest, past the limit, go last */
		if (!used[i])
			from[at++] = i;
	pull(h, base, from, n);
	rd_free(from);
	rd_free(used);
	h->n = base + kept;
	return rc;
}

static int gather(rd_history *h, result_list *rl, size_t base, rd_diag *diag)
{
	if (rl->n) /* no file: items may be NULL, which qsort must not get */
		qsort(rl->items, rl->n, sizeof *rl->items, cmp_result);
	int rc = order(h, rl, base, diag);
	for (size_t i = 0; i < rl->n && !rc; i++) {
		if (!rl->items[i].csv)
			continue;
		size_t before = h->n;
		h->adding_kind = SNIFF_UNKNOWN;
		if (!store(h))
			return RD_ENOMEM;
		rc = history_merge_csv(rl, &rl->items[i], &h->acts, h->store, add_activity,
				       h, h->opt.warn, h->opt.warn_ctx);
		if (rc == RD_ELIMIT)
			limit_error(h, rl->items[i].source, diag);
		h->stats.csv_only += h->n - before;
	}
	return rc;
}

/* ---- order and duplicates ---- */

typedef struct sort_ctx_item {
	int64_t start;
	uint64_t seq;
	size_t index;
} sort_item;

static int cmp_sort(const void *pa, const void *pb)
{
	const sort_item *a = pa, *b = pb;
	int ua = a->start == INT64_MIN, ub = b->start == INT64_MIN;
	if (ua != ub)
		return ua - ub; /* unknown starts last */
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int sport_group(rd_sport s)
{
	switch (s) {
	case RD_SPORT_TRAIL: case RD_SPORT_TREADMILL: case RD_SPORT_TRACK:
		return RD_SPORT_RUN;
	default:
		return (int)s;
	}
}

static double duration(const rd_activity *a)
{
	return isfinite(a->elapsed_s) ? a->elapsed_s : a->moving_s;
}

static int is_duplicate(const rd_activity *a, const rd_activity *b)
{
	if (a->sport != RD_SPORT_UNKNOWN && b->sport != RD_SPORT_UNKNOWN &&
	    sport_group(a->sport) != sport_group(b->sport))
		return 0;
	double da = duration(a), db = duration(b);
	if (!isfinite(da) || !isfinite(db))
		return 0;
	return fabs(da - db) <= DUP_DURATION * fmax(da, db);
}

/* Which of two duplicates goes: returns 1 to drop b, 0 to drop a. */
static int drop_second(const rd_activity *a, const act_meta *ma,
		       const rd_activity *b, const act_meta *mb)
{
	if ((ma->kind == SNIFF_FIT) != (mb->kind == SNIFF_FIT))
		return ma->kind == SNIFF_FIT;
	if (a->records != b->records)
		return a->records > b->records;
	return ma->seq < mb->seq;
}

static int history_sort(rd_history *h)
{
	sort_item *items = rd_malloc((h->n ? h->n : 1) * sizeof *items);
	if (!items)
		return RD_ENOMEM;
	for (size_t i = 0; i < h->n; i++)
		items[i] = (sort_item){h->acts[i].start_utc, h->meta[i].seq, i};
	qsort(items, h->n, sizeof *items, cmp_sort);
	size_t *from = rd_malloc((h->n ? h->n : 1) * sizeof *from);
	for (size_t i = 0; from && i < h->n; i++)
		from[i] = items[i].index;
	rd_free(items);
	if (!from)
		return RD_ENOMEM;
	pull(h, 0, from, h->n);
	rd_free(from);
	return 0;
}

/* Marks the duplicates of activity i among the next ones (sorted order). */
static void mark_duplicates(rd_history *h, size_t i, unsigned char *drop)
{
	const rd_activity *a = &h->acts[i];
	for (size_t j = i + 1; j < h->n && !drop[i]; j++) {
		const rd_activity *b = &h->acts[j];
		if (b->start_utc == INT64_MIN || b->start_utc - a->start_utc > DUP_START_S)
			break;
		if (drop[j] || !is_duplicate(a, b))
			continue;
		if (drop_second(a, &h->meta[i], b, &h->meta[j]))
			drop[j] = 1;
		else
			drop[i] = 1;
	}
}

static int history_dedupe(rd_history *h)
{
	unsigned char *drop = rd_calloc(h->n ? h->n : 1, 1);
	if (!drop)
		return RD_ENOMEM;
	for (size_t i = 0; i < h->n; i++)
		if (!drop[i] && h->acts[i].start_utc != INT64_MIN)
			mark_duplicates(h, i, drop);
	size_t k = 0;
	for (size_t i = 0; i < h->n; i++) {
		if (drop[i]) {
			h->stats.duplicates++;
			continue;
		}
		h->acts[k] = h->acts[i];
		h->meta[k++] = h->meta[i];
	}
	h->n = k;
	rd_free(drop);
	return 0;
}

int rd_history_add_path(rd_history *h, const char *path, rd_diag *diag)
{
	result_list rl = {NULL, 0, 0};
	history_ctx ctx = {&h->opt, &h->cfg, progress, keep, h};
	size_t base = h->n;
	int rc = history_read_path(&ctx, path, &rl, diag);
	if (rc != RD_EIO && rc != RD_ENOMEM) {
		int grc = gather(h, &rl, base, diag);
		rc = rc ? rc : grc;
	} else {
		h->n = base; /* what the files gave is dropped with them */
	}
	result_list_dispose(&rl);
	int src = history_sort(h);
	if (!src)
		src = history_dedupe(h);
	if (src && !rc)
		rc = rd_diag_set(diag, src, path, 0, 0, "out of memory");
	return rc;
}
