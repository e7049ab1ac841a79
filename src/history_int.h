/*
 * history_int.h: the parts of the history layer shared between its files.
 *
 * history_decode.c turns one byte stream (a file, or a zip member) into a
 * file_result: it buffers the first SNIFF_HEAD bytes, sniffs them, unwraps
 * gzip, and pushes the rest through the matching reader, or through the
 * Strava CSV parser for a file named activities.csv.  history.c walks paths,
 * runs decoders on threads and gathers the results in a fixed order.
 */
#ifndef RD_HISTORY_INT_H
#define RD_HISTORY_INT_H

#include "formats/reader.h"
#include "formats/sniff.h"
#include "formats/strava_csv.h"
#include "rubdown/history.h"

#define RESULT_MAX_WARNINGS 32 /* stored per file; the rest are counted */

typedef struct decode_cfg {
	const reader_ops *fit, *gpx, *tcx; /* NULL: that format is rejected */
	rd_limits limits;
	uint64_t max_file_bytes;
	uint32_t max_ratio;
} decode_cfg;

/* What one file gave.  Owned by whoever made it: file_result_dispose(). */
typedef struct file_result {
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
	size_t first_act;              /* where its activities are (history.c) */
	int quiet_unknown;             /* not an activity file: skip silently */
} file_result;

typedef struct result_list {
	file_result *items;
	size_t n, cap;
} result_list;

void result_list_dispose(result_list *l);
/* Appends a zeroed result with the given key and source (copied). */
file_result *result_list_add(result_list *l, uint64_t major, uint64_t minor,
			     const char *source);

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

/* The history's state that the reading side needs. */
typedef struct history_ctx {
	const rd_history_options *opt;
	const decode_cfg *cfg;
	void (*progress)(void *h, size_t files_done, size_t files_found,
			 uint64_t bytes);
	/* Takes the activities of a file that is finished (r->acts) into the
	 * history, in finishing order, and frees them from r: r->first_act says
	 * where they went, r->nacts stays.  Called from the workers right after
	 * each file, so a history holds one copy of each activity. */
	void (*keep)(void *h, file_result *r);
	void *h;
} history_ctx;

/* Reads path (file, folder or zip) into results, in no particular order;
 * each result has its key.  Returns RD_EIO when path cannot be read. */
int history_read_path(const history_ctx *ctx, const char *path,
		      result_list *out, rd_diag *diag);

/* Applies the rows of the activities.csv in csv_res to the activities of the
 * other results (see history.h), names copied into store; rows without a
 * usable file are appended as activities through add.  Returns 0 or an error from add. */
typedef int (*history_add_fn)(void *h, const rd_activity *a);
int history_merge_csv(const result_list *rl, const file_result *csv_res,
		      rd_activity *const *acts, rd_activity_store *store,
		      history_add_fn add, void *h,
		      rd_warn_fn warn, void *warn_ctx);

/* Test hook: replaces the readers (NULL keeps the built-in one). */
void history_set_readers(rd_history *h, const reader_ops *fit,
			 const reader_ops *gpx, const reader_ops *tcx);


#endif
