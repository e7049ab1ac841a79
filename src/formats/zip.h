/*
 * zip.h: reading the entries of a zip archive (a Strava bulk export) into
 * memory, streaming, with libarchive.  Nothing is ever written to disk but
 * the zip_seen database, and nothing is kept in memory per entry.
 *
 * zip_walk() visits every entry in the order of the archive's central
 * directory, which it reads itself, one header at a time (zip_dir.h).
 * Entries that are not safe are refused before their data is touched, with
 * a warning through v->reject:
 *   "zip entry name escapes the archive"     a ".." component
 *   "zip entry name is absolute"              "/x", "\x" or "C:\x"
 *   "zip entry is a link"                     a unix symbolic link
 *   "duplicate zip entry name; the first one is used"
 *                                             same name, or same but for case
 *   "zip entry overlaps an earlier entry"     two entries at one local header
 * Directories are skipped silently.  For the others v->want decides whether
 * the data is read (so two threads can each read half an archive); the data
 * then goes to v->data in chunks of at most ZIP_CHUNK bytes and v->end says
 * how the entry ended (0, or an error recorded in the diag passed to it).
 * An entry whose local header is not where the directory says, or names
 * another entry ("zip local header at 0x... names another entry than the
 * central directory"), or whose data runs into the directory, ends with
 * RD_EFORMAT before any data; so does one libarchive cannot read (encrypted,
 * an unsupported method, a bad CRC: "corrupt zip entry: ...").  The walk goes
 * on after all of these.
 *
 * Limits, past which the walk stops with RD_ELIMIT and the diag naming the
 * archive and entry: max_entries entries, max_total decompressed bytes over
 * the entries read (shared between walkers through total_out).  Past
 * max_entry bytes of one entry, or once it has given ZIP_RATIO_AFTER bytes
 * and more than max_ratio times what it took of the archive (a zip bomb),
 * that entry ends with RD_ELIMIT and the walk goes on.  What an entry took
 * is counted in libarchive's reads, ZIP_CHUNK at a time and at least one:
 * a bomb whose data fits one read is caught past max_ratio * ZIP_CHUNK.
 * A corrupt central directory stops the walk with RD_EFORMAT; entries
 * already read stay good.  A file without an end record (a cut archive, or
 * not a zip) is read as far as it goes, local header after local header,
 * with one libarchive streaming reader: there links read as small files
 * (their type is only in the directory) and the walk stops, RD_EFORMAT, at
 * the first entry the reader cannot get past.
 *
 * Several walkers of one archive (one per thread) share one zip_seen through
 * lim->seen, so that the entries are recorded once: each walker still
 * checks every header, and all of them refuse the same entries.
 */
#ifndef RD_ZIP_H
#define RD_ZIP_H

#include "rubdown/error.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ZIP_CHUNK 65536
#define ZIP_RATIO_AFTER (1u << 20) /* as gzip members: the ratio counts past 1 MiB */

/* The entries accepted so far, for the duplicate and overlap checks, with
 * its own lock, in a temporary SQLite database (zip_seen.c) so that its
 * memory does not grow with the entries.  zip_seen_new(): 0, RD_ENOMEM or
 * RD_EIO.  NULL-safe free. */
typedef struct zip_seen zip_seen;

int zip_seen_new(zip_seen **out);
void zip_seen_free(zip_seen *s);

/* Checks entry index: returns 1 and *why when an accepted entry with a lower
 * index has the same name (ignoring ASCII case) or, when pos >= 0, the same
 * position (its local header's offset); else records the entry as accepted
 * and returns 0 (recording it again, from another walker, changes
 * nothing); RD_ENOMEM or RD_EIO (the database).  Every walker must check
 * the entries in increasing index order. */
int zip_seen_check(zip_seen *s, size_t index, const char *name, int64_t pos,
		   const char **why);

typedef struct zip_limits {
	uint32_t max_entries;           /* 200,000 */
	uint64_t max_total;             /* 8 GiB */
	uint64_t max_entry;             /* 128 MiB */
	atomic_uint_least64_t *total_out; /* shared running total, may be NULL */
	zip_seen *seen;                 /* shared; NULL: the walk's own */
	uint32_t max_ratio;             /* 200 (:1); 0: no ratio cap */
} zip_limits;

typedef struct zip_visitor {
	void *ctx;
	/* 1: read this entry's data; 0: skip it.  name is "archive!member". */
	int (*want)(void *ctx, size_t index, const char *name);
	/* A non-zero return stops reading this entry (its end gets that code). */
	int (*data)(void *ctx, const uint8_t *p, size_t n);
	void (*end)(void *ctx, int rc, rd_diag *diag);
	/* An entry refused by the rules above (may be NULL). */
	void (*reject)(void *ctx, size_t index, const rd_diag *why);
} zip_visitor;

/* Returns 0, RD_EIO (cannot open or read), RD_EFORMAT (not a zip, or a
 * corrupt directory), RD_ELIMIT or RD_ENOMEM; details in diag, except when the walk stopped
 * inside an entry: then v->end got the details and diag->code stays 0. */
int zip_walk(const char *path, const zip_limits *lim, const zip_visitor *v,
	     rd_diag *diag);

/* Why an entry name is unsafe, or NULL when it is fine. */
const char *zip_name_problem(const char *name);

#endif
