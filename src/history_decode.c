/*
 * history_decode.c: one byte stream to activities (see history_int.h).
 *
 * Stages: the first SNIFF_HEAD bytes are held back until the kind is known;
 * gzip is unwrapped by a nested decoder fed from gz.c (one level: gzip in
 * gzip, and any archive, are refused); then a reader, or the CSV parser.
 *
 * Outcome of a stream that failed:
 * - the reader failed: it keeps what it read before the fault (PARTIAL), or
 *   had nothing (REJECTED);
 * - the compressed stream was truncated or corrupt: a FIT file keeps its
 *   records (PARTIAL), a GPX or TCX is REJECTED (a cut XML document says
 *   nothing reliable about what came after);
 * - a size or ratio limit: REJECTED.
 */
#include "alloc.h"
#include "formats/gz.h"
#include "history_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct decoder {
	const decode_cfg *cfg;
	file_result *res;
	int in_archive, inner, is_csv, sniffed;
	uint8_t head[SNIFF_HEAD];
	size_t nhead;
	sniff_kind kind;
	gz_stream *gz;
	decoder *sub;
	const reader_ops *ops;
	void *rs;
	activity_sink sink;
	strava_csv *csv;
	uint64_t fed;
	rd_diag err;
	int failed;
	int stream_error; /* failed below the reader: gzip or a limit */
};

void file_result_dispose(file_result *r)
{
	rd_free(r->source);
	rd_free(r->acts);
	rd_activity_store_free(r->store);
	rd_free(r->warns);
	strava_csv_free(r->csv);
	memset(r, 0, sizeof *r);
}

/* rd_grow, but the first allocation holds one item, not eight: most files
 * give one activity and no warning. */
static int grow_from_one(void **items, size_t *cap, size_t need, size_t size)
{
	if (*cap == 0 && need == 1) {
		void *p = rd_malloc(size);
		if (!p)
			return RD_ENOMEM;
		*items = p;
		*cap = 1;
		return 0;
	}
	return rd_grow(items, cap, need, size);
}

void file_result_warn(void *ctx, const rd_diag *w)
{
	file_result *r = ctx;
	if (r->nwarns >= RESULT_MAX_WARNINGS) {
		r->more_warns++;
		return;
	}
	if (grow_from_one((void **)&r->warns, &r->capwarns, r->nwarns + 1, sizeof *r->warns)) {
		r->lost_warns++;
		return;
	}
	r->warns[r->nwarns++] = *w;
}

void file_result_reject(file_result *r, const rd_diag *w)
{
	r->status = RD_READ_REJECTED;
	r->nacts = 0;
	file_result_warn(r, w);
}

static int emit(void *ctx, const rd_activity *a)
{
	file_result *r = ctx;
	if (grow_from_one((void **)&r->acts, &r->capacts, r->nacts + 1, sizeof *r->acts))
		return RD_ENOMEM;
	if (!r->store && !(r->store = rd_activity_store_new()))
		return RD_ENOMEM;
	rd_activity copy = *a;
	if (!copy.source[0])
		copy.source = r->source;
	if (rd_activity_store_copy(r->store, &r->acts[r->nacts], &copy))
		return RD_ENOMEM;
	r->nacts++;
	return 0;
}

int decoder_open(decoder **out, const decode_cfg *cfg, file_result *res,
		 int in_archive)
{
	*out = NULL;
	decoder *d = rd_calloc(1, sizeof *d);
	if (!d)
		return RD_ENOMEM;
	const char *base = strrchr(res->source, '/');
	const char *bang = strrchr(res->source, '!');
	base = bang && (!base || bang > base) ? bang + 1 : base ? base + 1 : res->source;
	d->is_csv = !strcasecmp(base, "activities.csv");
	d->cfg = cfg;
	d->res = res;
	d->in_archive = in_archive;
	d->sink = (activity_sink){emit, res, file_result_warn, res};
	*out = d;
	return 0;
}

static int fail(decoder *d, int code, int stream, uint64_t off, const char *msg)
{
	rd_diag_set_offset(&d->err, code, d->res->source, off, "%s", msg);
	d->stream_error = stream;
	return d->failed = code;
}

/* A reader or the CSV parser stopped with rc.  The sink's own failures
 * (out of memory while keeping an activity) come back without a message:
 * give them one, so the file is reported and never silently lost. */
static int stage_failed(decoder *d, int rc)
{
	if (!d->err.code)
		rd_diag_set(&d->err, rc, d->res->source, 0, 0, "%s",
			    rc == RD_ENOMEM ? "out of memory" : "reading stopped");
	return d->failed = rc;
}

static int sub_write(void *ctx, const uint8_t *p, size_t n)
{
	return decoder_feed(ctx, p, n);
}

static int open_gzip(decoder *d)
{
	if (d->inner)
		return fail(d, RD_EUNSUPPORTED, 1, 0, "gzip inside gzip not read");
	int rc = decoder_open(&d->sub, d->cfg, d->res, d->in_archive);
	if (rc)
		return fail(d, rc, 1, 0, "out of memory");
	d->sub->inner = 1;
	d->sub->is_csv = d->is_csv;
	rc = gz_open(&d->gz, d->res->source, d->cfg->max_file_bytes,
		     d->cfg->max_ratio, sub_write, d->sub);
	return rc ? fail(d, rc, 1, 0, "out of memory") : 0;
}

static int open_reader(decoder *d)
{
	const reader_ops *ops = d->kind == SNIFF_FIT ? d->cfg->fit :
				d->kind == SNIFF_GPX ? d->cfg->gpx : d->cfg->tcx;
	char msg[64];
	if (!ops) {
		snprintf(msg, sizeof msg, "no %s reader in this build", sniff_name(d->kind));
		return fail(d, RD_EUNSUPPORTED, 1, 0, msg);
	}
	d->rs = ops->open(d->res->source, &d->sink, &d->cfg->limits);
	if (!d->rs)
		return fail(d, RD_ENOMEM, 1, 0, "out of memory");
	d->ops = ops; /* finish and close only a reader that opened */
	return 0;
}

/* A row of an activities.csv, to where the history keeps them. */
static int csv_row(void *ctx, const strava_row *row)
{
	decoder *d = ctx;
	return d->cfg->csv_row(d->cfg->csv_ctx, d->res, row);
}

/* The kind is known (head full, or end of stream): set up the next stage. */
static int start(decoder *d)
{
	d->sniffed = 1;
	d->kind = sniff_bytes(d->head, d->nhead);
	if (d->kind != SNIFF_GZIP)
		d->res->kind = d->kind;
	if (d->kind == SNIFF_GZIP)
		return open_gzip(d);
	if (d->is_csv) {
		int rc = strava_csv_new(&d->csv, d->res->source, file_result_warn, d->res);
		if (!rc && d->cfg->csv_row)
			strava_csv_set_sink(d->csv, csv_row, d);
		return rc ? fail(d, rc, 1, 0, "out of memory") : 0;
	}
	switch (d->kind) {
	case SNIFF_FIT: case SNIFF_GPX: case SNIFF_TCX:
		return open_reader(d);
	case SNIFF_ZIP:
		return fail(d, RD_EUNSUPPORTED, 1, 0, d->inner ?
			    "zip archive inside gzip not read" :
			    "archive inside an archive not read");
	default:
		if (d->res->quiet_unknown)
			d->res->counted = 0;
		return fail(d, RD_EFORMAT, 1, 0, d->nhead ?
			    "not a fit, gpx or tcx file" : "empty file");
	}
}

static int push(decoder *d, const uint8_t *p, size_t n)
{
	int rc;
	d->fed += n;
	if (!d->inner)
		d->res->bytes = d->fed;
	if (d->gz) {
		if ((rc = gz_feed(d->gz, p, n, &d->err)) != 0)
			d->stream_error = 1;
		return rc ? (d->failed = rc) : 0;
	}
	if (d->cfg->max_file_bytes && d->fed > d->cfg->max_file_bytes) {
		char msg[80];
		snprintf(msg, sizeof msg, "file size limit of %llu bytes exceeded",
			 (unsigned long long)d->cfg->max_file_bytes);
		return fail(d, RD_ELIMIT, 1, d->cfg->max_file_bytes, msg);
	}
	if (d->csv)
		rc = strava_csv_feed(d->csv, p, n, &d->err);
	else
		rc = d->ops->feed(d->rs, p, n, &d->err);
	return rc ? stage_failed(d, rc) : 0;
}

int decoder_feed(decoder *d, const uint8_t *p, size_t n)
{
	if (d->failed)
		return d->failed;
	if (!d->sniffed) {
		size_t take = n < SNIFF_HEAD - d->nhead ? n : SNIFF_HEAD - d->nhead;
		memcpy(d->head + d->nhead, p, take);
		d->nhead += take;
		p += take;
		n -= take;
		if (d->nhead < SNIFF_HEAD)
			return 0;
		if (start(d) || push(d, d->head, d->nhead))
			return d->failed;
	}
	return n ? push(d, p, n) : 0;
}

static rd_read_status worst_status(const file_result *r)
{
	rd_read_status s = RD_READ_OK;
	for (size_t i = 0; i < r->nacts; i++)
		if (r->acts[i].status > s)
			s = r->acts[i].status;
	return s;
}

static void mark_partial(file_result *r)
{
	for (size_t i = 0; i < r->nacts; i++)
		if (r->acts[i].status == RD_READ_OK)
			r->acts[i].status = RD_READ_PARTIAL;
	r->status = r->nacts ? RD_READ_PARTIAL : RD_READ_REJECTED;
}

/* Sets the outcome of a stream that ended with d->err. */
static void settle_failure(decoder *d)
{
	file_result *r = d->res;
	int keep = !d->stream_error ||
		   (d->kind == SNIFF_FIT && d->err.code == RD_EFORMAT);
	if (d->csv)
		keep = 1;
	if (keep)
		mark_partial(r);
	else
		r->nacts = 0;
	if (d->csv)
		r->status = strava_csv_count(d->csv) ? RD_READ_PARTIAL : RD_READ_REJECTED;
	else if (!keep)
		r->status = RD_READ_REJECTED;
	if (r->counted)
		file_result_warn(r, &d->err);
}

static void finish_stage(decoder *d)
{
	rd_diag scratch = RD_DIAG_INIT;
	int rc = 0;
	if (d->ops)
		rc = d->ops->finish(d->rs, d->failed ? &scratch : &d->err);
	else if (d->csv)
		rc = strava_csv_finish(d->csv, d->failed ? &scratch : &d->err);
	if (rc && !d->failed)
		stage_failed(d, rc);
	if (d->csv) {
		d->res->csv = d->csv;
		d->csv = NULL;
	}
	if (d->failed && d->err.code)
		settle_failure(d);
	else if (!d->failed)
		d->res->status = worst_status(d->res);
}

void decoder_finish(decoder *d)
{
	if (!d->sniffed && !d->failed && !start(d) && d->nhead)
		push(d, d->head, d->nhead);
	if (d->gz && !d->failed && gz_finish(d->gz, &d->err)) {
		d->failed = d->err.code;
		d->stream_error = 1;
	}
	if (d->sub) {
		if (d->err.code) /* a gzip fault */
			decoder_fail_stream(d->sub, &d->err);
		decoder_finish(d->sub);
		return;
	}
	finish_stage(d);
}

void decoder_close(decoder *d)
{
	if (!d)
		return;
	decoder_close(d->sub);
	gz_close(d->gz);
	if (d->ops && d->rs)
		d->ops->close(d->rs);
	strava_csv_free(d->csv);
	rd_free(d);
}

void decoder_fail_stream(decoder *d, const rd_diag *why)
{
	decoder *leaf = d->sub ? d->sub : d;
	if (leaf->failed)
		return;
	/* What arrived before the fault is read; with nothing at all, the
	 * fault is the message (not "empty file"). */
	if (!leaf->sniffed && leaf->nhead && !start(leaf))
		push(leaf, leaf->head, leaf->nhead);
	if (leaf->failed)
		return;
	leaf->err = *why;
	leaf->failed = why->code;
	leaf->stream_error = 1;
}

int file_result_init(file_result *r, uint64_t major, uint64_t minor,
		     const char *source)
{
	memset(r, 0, sizeof *r);
	if (!(r->source = rd_strdup(source)))
		return RD_ENOMEM;
	r->key_major = major;
	r->key_minor = minor;
	r->counted = 1;
	return 0;
}

int file_result_silent(const file_result *r)
{
	return !r->counted && !r->nacts && !r->nwarns && !r->more_warns &&
	       !r->lost_warns && !r->csv;
}
