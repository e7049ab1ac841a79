/*
 * history_int.h: the parts of the history layer shared between its files.
 *
 * history_decode.c turns one byte stream (a file, or a zip member) into a
 * file_result: it buffers the first SNIFF_HEAD bytes, sniffs them, unwraps
 * gzip, and pushes the rest through the matching reader, or through the
 * Strava CSV parser for a file named activities.csv.  history_read.c walks
 * paths and runs decoders on threads; each finished result goes to
 * history.c (history_ctx.keep), which puts it in its store at once.
 */
#ifndef RD_HISTORY_INT_H
#define RD_HISTORY_INT_H

#include "formats/reader.h"
#include "formats/sniff.h"
#include "formats/strava_csv.h"
#include "rubdown/history.h"

#include <pthread.h>

#define RESULT_MAX_WARNINGS 32 /* stored per file; the rest are counted */

typedef struct file_result file_result;

typedef struct decode_cfg {
	const reader_ops *fit, *gpx, *tcx; /* NULL: that format is rejected */
	rd_limits limits;
	uint64_t max_file_bytes;
	uint32_t max_ratio;
	/* Set: the rows of an activities.csv go there as they are read (r is
	 * the csv's result), not into memory; called from any thread. */
	int (*csv_row)(void *ctx, const file_result *r, const strava_row *row);
	void *csv_ctx;
} decode_cfg;

/* What one file gave.  Owned by whoever made it: file_result_dispose(). */
struct file_result {
	uint64_t key_major, key_minor; /* the order results are gathered in */
	char *source;                  /* path, or "archive!member" */
	sniff_kind kind;               /* content kind behind any gzip */
	rd_read_status status;
	int counted;                   /* 1: counts as a file in the stats */
	rd_activity *acts;             /* their texts and histograms in store */
	size_t nacts, capacts;
	rd_activity_store *store;
	rd_diag *warns;
	size_t nwarns, capwarns;
	unsigned long more_warns;      /* past RESULT_MAX_WARNINGS */
	unsigned long lost_warns;      /* not kept: out of memory */
	strava_csv *csv;               /* set when the file was activities.csv */
	uint64_t bytes;                /* decompressed bytes read */
	int quiet_unknown;             /* not an activity file: skip silently */
};

/* Zeroes r and sets its key and source (copied); counted is 1.  Returns 0
 * or RD_ENOMEM. */
int file_result_init(file_result *r, uint64_t major, uint64_t minor,
		     const char *source);
/* 1 when r says nothing: no activity, warning or csv, and not counted (a
 * photo in a Strava export). */
int file_result_silent(const file_result *r);

void file_result_dispose(file_result *r);
/* Stores a warning (a copy) in r; usable as an rd_warn_fn with ctx = r. */
void file_result_warn(void *r, const rd_diag *w);
/* Records a fatal problem: the file is REJECTED and w is its warning. */
void file_result_reject(file_result *r, const rd_diag *w);

typedef struct decoder decoder;

/* A decoder for one stream; results go to res (res->source must be set). */
int decoder_open(decoder **out, const decode_cfg *cfg, file_result *res,
		 int in_archive);
/* Feeds bytes; returns non-zero once the stream has failed (the caller may
 * stop feeding; the failure is already recorded). */
int decoder_feed(decoder *d, const uint8_t *p, size_t n);
/* The stream below the decoder failed (a corrupt zip entry): treated like a
 * gzip fault.  Call before decoder_finish. */
void decoder_fail_stream(decoder *d, const rd_diag *why);
/* End of stream: sets res->status, adds the error (if any) as a warning. */
void decoder_finish(decoder *d);
void decoder_close(decoder *d);

struct hstore;

/* The history's state that the reading side needs. */
typedef struct history_ctx {
	const rd_history_options *opt;
	const decode_cfg *cfg;
	void (*progress)(void *h, size_t files_done, size_t files_found,
			 uint64_t bytes);
	/* Takes a finished result (its outcome, warnings, activities and csv)
	 * into the history, in finishing order, and disposes of r.  Called from
	 * the workers right after each file, so nothing of a file stays in
	 * memory once it is read. */
	void (*keep)(void *h, file_result *r);
	void *h;
	struct hstore *store; /* where the listing goes (history_store.h) */
	unsigned call;
	pthread_mutex_t *lock; /* held for the store while workers run */
} history_ctx;

/* Reads path (file, folder or zip), each result going to ctx->keep with its
 * key.  Returns RD_EIO when path cannot be read, or RD_ENOMEM. */
int history_read_path(const history_ctx *ctx, const char *path, rd_diag *diag);

/* An activities.csv being applied: the files it points to are in store
 * under call; the csv-only activities it adds are counted in added. */
typedef struct history_csv_ctx {
	struct rd_history *h;
	struct hstore *store;
	unsigned call;
	size_t index;   /* which csv of the call */
	uint64_t added;
} history_csv_ctx;

/* Applies the rows of the activities.csv (the file (major, minor) named
 * source, its rows in the store) to the activities of the files of the same
 * call (see history.h); rows without a usable file are added as activities
 * through add.  Returns 0 or an error from add or the store. */
typedef int (*history_add_fn)(void *ctx, const rd_activity *a);
int history_merge_csv(history_csv_ctx *c, const char *source, uint64_t major,
		      uint64_t minor, history_add_fn add, rd_warn_fn warn, void *warn_ctx);

/* Test hook: replaces the readers (NULL keeps the built-in one). */
void history_set_readers(rd_history *h, const reader_ops *fit,
			 const reader_ops *gpx, const reader_ops *tcx);


#endif
