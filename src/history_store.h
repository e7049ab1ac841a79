/*
 * history_store.h: where a history keeps what it read, on disk.
 *
 * A history of thousands of activities is read into a private temporary
 * SQLite database (a file in the temporary folder, deleted when closed)
 * with a small fixed page cache, so the memory a history takes does not
 * grow with its activities, its files or their warnings: only the disk
 * does.  Each finished file goes in at once (its outcome, its warnings,
 * its activities; an activities.csv row by row as it is parsed), and the
 * history reads them back in passes: the files
 * in their fixed order to report them, the activities in start order.
 *
 * Keys: `call` numbers the rd_history_add_path() calls; a file's key is
 * (major, minor) within its call (history_int.h) and its activities are
 * numbered k = 0, 1, ... in the file.  Activities made from activities.csv
 * rows alone get major HSTORE_CSV_MAJOR + the csv's number.  Reading order,
 * the last sort key and the duplicates' tie-break, is (call, major, minor,
 * k).  Not thread-safe: the history calls it under its lock.
 */
#ifndef RD_HISTORY_STORE_H
#define RD_HISTORY_STORE_H

#include "history_int.h"

#define HSTORE_CSV_MAJOR (UINT64_C(1) << 62)

typedef struct hstore hstore;

/* Opens an empty store.  Returns 0, RD_EIO (no temporary file: diag says
 * why) or RD_ENOMEM. */
int hstore_open(hstore **out, rd_diag *diag);
void hstore_close(hstore *s);

/* Adds a finished file: its outcome, warnings and activities (r->acts).
 * Returns 0, RD_EIO or RD_ENOMEM. */
int hstore_put_file(hstore *s, unsigned call, const file_result *r);

/* A file as the store gives it back: source borrowed until the next row. */
typedef struct hstore_file {
	int64_t id;
	uint64_t major, minor;
	const char *source;
	rd_read_status status;
	int counted, kind;
	size_t nacts;
	unsigned long more_warns, lost_warns;
} hstore_file;

/* Calls fn for each file of the call, in key order (major, minor, then
 * source), until fn returns non-zero (returned). */
int hstore_each_file(hstore *s, unsigned call,
		     int (*fn)(void *ctx, const hstore_file *f), void *ctx);
/* The same for the files of the call that were an activities.csv. */
int hstore_each_csv(hstore *s, unsigned call,
		    int (*fn)(void *ctx, const hstore_file *f), void *ctx);
/* The file of the call named source; 1 when there is none. */
int hstore_find_file(hstore *s, unsigned call, const char *source, hstore_file *out);
/* Calls fn with each warning of file id, in the order they came. */
int hstore_each_warning(hstore *s, int64_t id,
			void (*fn)(void *ctx, const rd_diag *w), void *ctx);

/* Adds one activity under (call, major, minor, k) with its content kind. */
int hstore_add(hstore *s, unsigned call, uint64_t major, uint64_t minor,
	       uint64_t k, int kind, const rd_activity *a);
/* Rewrites each activity of file (call, major, minor) through fn. */
int hstore_update_file(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		       void (*fn)(void *ctx, rd_activity *a), void *ctx);
/* Drops the activities of the call from (major, minor, k) on. */
int hstore_drop_from(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		     uint64_t k);
size_t hstore_count(hstore *s);

/* A pass over the activities in start order (unknown starts last; with
 * from_utc not INT64_MIN, from that start on and none unknown).  The
 * activity is valid until the next step.  Passes only read. */
typedef struct hstore_pass hstore_pass;
hstore_pass *hstore_pass_open(hstore *s, int64_t from_utc);
/* The next activity, NULL at the end or on an error (*rc).  With meta not
 * NULL, *meta gets the activity's row id, content kind and reading order. */
typedef struct hstore_meta {
	int64_t id;
	int kind;
	uint64_t order[4]; /* call, major, minor, k */
} hstore_meta;
const rd_activity *hstore_pass_next(hstore_pass *p, hstore_meta *meta, int *rc);
void hstore_pass_close(hstore_pass *p);

/* Keeps a row of the activities.csv that is file (call, major, minor). */
int hstore_csv_add(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		   const strava_row *r);
/* Calls fn with each row of that csv in line order, until fn returns
 * non-zero (returned); the row's texts live until fn returns. */
int hstore_each_csv_row(hstore *s, unsigned call, uint64_t major, uint64_t minor,
			int (*fn)(void *ctx, const strava_row *r), void *ctx);

/* A folder's listing: the files to read, numbered ord in the call, zip
 * archives apart.  hstore_list_next() gives the first with ord >= from
 * (*path a copy, rd_free it): 0, 1 when there is none, or an error. */
int hstore_list_add(hstore *s, unsigned call, size_t ord, const char *path, int zip);
int hstore_list_next(hstore *s, unsigned call, int zip, size_t from, size_t *ord,
		     char **path);
/* The names in folder dir (a number the caller chooses), to be visited in
 * byte order: hstore_name_next() gives the first after `after` ("" for the
 * first) as a copy (rd_free it): 0, 1 past the last, or an error. */
int hstore_name_add(hstore *s, int64_t dir, const char *name);
int hstore_name_next(hstore *s, int64_t dir, const char *after, char **name);
int hstore_name_drop(hstore *s, int64_t dir);

/* Marks activity id to be dropped; hstore_drop_marked() drops them all
 * (marking is safe during a pass, dropping is not). */
int hstore_mark(hstore *s, int64_t id);
int hstore_drop_marked(hstore *s);

#endif
