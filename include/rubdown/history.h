/*
 * history.h: a runner's training history, read from files.
 *
 * ## Reading
 *
 * A history is filled from paths with rd_history_add_path().  A path is
 *
 * - an activity file: FIT, GPX or TCX, optionally gzipped; the kind is
 *   found from the content, never from the name;
 * - a folder, searched recursively (symbolic links to folders are not
 *   followed; files are visited in name order; a FIFO, device or link to
 *   nothing is skipped, with a warning when named like an activity file);
 * - a zip archive, such as a Strava bulk export; its entries are read in
 *   memory and never extracted, and an archive inside it is not opened.
 *
 * A file named activities.csv (in a folder or an archive) is a Strava
 * export's index: each row is matched to its activity file through the
 * Filename column, relative to the folder holding the CSV.  The row's name,
 * type and race/workout marks fill the activity's; the file's own times and
 * distances win.  A row whose file is missing or unreadable still gives an
 * activity, from the CSV fields alone, with a warning naming the activity id.
 *
 * One bad file never stops the others.  Each file ends OK, PARTIAL (a good
 * prefix kept) or REJECTED (nothing kept), and its errors and warnings go to
 * the warning callback, as "file:0xOFFSET" (binary and compressed input) or
 * "file:line:col" (text); a file inside an archive is named "archive!member".
 * Warnings are delivered in a fixed order (files in path order) before
 * rd_history_add_path() returns, whatever the threads did.
 *
 * ## Duplicates
 *
 * The same activity recorded by two devices, or exported as FIT and as GPX,
 * is kept once: two activities are duplicates when their sports are in the
 * same group (running, walking, cycling, swimming, other; unknown matches
 * any), they start within 60 s of each other and their durations differ by
 * at most 10%.  The FIT one is kept, else the one with more records, else the
 * first read.  Duplicates are counted in rd_history_stats.
 *
 * ## Order
 *
 * Activities are sorted by start time (unknown starts last), then by the
 * order in which they were read, so the result never depends on scheduling.
 *
 * ## Memory
 *
 * Nothing is kept in memory per file or per activity: each finished file
 * (its outcome, warnings and activities), each row of an activities.csv and
 * a folder's listing go at once to a private temporary SQLite database (a
 * file in $TMPDIR, deleted when the history is freed, with a page cache of
 * 256 KiB), and everything after the reading is done in passes over it.  A
 * history of 1,000 or 100,000 activities takes the same memory; the disk
 * holds about half a kilobyte an activity.
 *
 * ## Threads and limits
 *
 * Files are decoded on `threads` threads (default 2).  The callbacks may be
 * called from any of them, one call at a time.  Every limit below stops the
 * file (or archive) it applies to with a message naming it; only the
 * activity limit of the whole history stops rd_history_add_path().
 */
#ifndef RUBDOWN_HISTORY_H
#define RUBDOWN_HISTORY_H

#include "rubdown/activity.h"
#include "rubdown/error.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rd_history rd_history;

/* Where reading stands, for a progress bar.  files_total grows while
 * archives are read (their entries are counted as they are found). */
typedef struct rd_history_progress {
	size_t files_done, files_total;
	uint64_t bytes_done; /* decompressed bytes handed to the readers */
} rd_history_progress;

typedef void (*rd_history_progress_fn)(void *ctx, const rd_history_progress *p);

#define RD_HISTORY_OPTIONS_VERSION 1

typedef struct rd_history_options {
	unsigned version;                /* RD_HISTORY_OPTIONS_VERSION */
	rd_warn_fn warn;                 /* may be NULL */
	void *warn_ctx;
	rd_history_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	unsigned threads;                /* decoding threads; 0 means 2 */
	uint64_t max_file_bytes;         /* decompressed bytes of one file: 128 MiB */
	uint32_t max_ratio;              /* expansion of a gzip member or zip
					  * entry past 1 MiB: 200 (:1) */
	uint64_t max_zip_bytes;          /* decompressed bytes of one archive: 8 GiB */
	uint32_t max_zip_entries;        /* entries of one archive: 200,000 */
	size_t max_activities;           /* activities in the history: 1,000,000 */
} rd_history_options;

/* Fills opt with the defaults above. */
void rd_history_options_init(rd_history_options *opt);

/* Per-file outcomes and what happened to activities, summed over every
 * rd_history_add_path() call.  A CLI exits non-zero when files_rejected is
 * not 0 (or files_partial, in a strict mode). */
typedef struct rd_history_stats {
	size_t files_ok, files_partial, files_rejected;
	size_t duplicates; /* activities dropped as duplicates of another */
	size_t csv_only;   /* activities made from an activities.csv row alone */
} rd_history_stats;

/* Creates an empty history; opt NULL means the defaults (opt is copied).
 * Returns 0 or RD_ENOMEM. */
int rd_history_new(rd_history **out, const rd_history_options *opt);

/* Reads a file, folder or archive into h.  Returns RD_EIO (with diag) only
 * when path itself cannot be read, RD_ELIMIT when the history's activity
 * limit is reached (diag names the file; what was read before stays), or
 * RD_ENOMEM.  Problems inside path go to the warning callback. */
int rd_history_add_path(rd_history *h, const char *path, rd_diag *diag);

size_t rd_history_count(const rd_history *h);

/* The i-th activity in start order; borrowed, valid until the next
 * rd_history_get(), rd_history_add_path() or rd_history_free().  NULL when
 * i is too big (or the store cannot be read).  Reading i = 0, 1, 2... in
 * turn is one pass; going back starts a new one.  It moves h's own pass:
 * not for several threads at once. */
const rd_activity *rd_history_get(const rd_history *h, size_t i);

void rd_history_stats_get(const rd_history *h, rd_history_stats *out);

/* The activities as a source of passes in start order (activity.h):
 * borrowed, valid until the next rd_history_add_path() or
 * rd_history_free(), passes closed before either. */
rd_acts rd_history_acts(const rd_history *h);

void rd_history_free(rd_history *h);

#ifdef __cplusplus
}
#endif
#endif
