/*
 * tempdb.h: a private temporary SQLite database, for what a history would
 * otherwise keep in memory (history_store.c, formats/zip_seen.c).
 *
 * The database is a file in the temporary folder ($TMPDIR), deleted when
 * it is closed, with a page cache of a fixed size: past it, pages wait in
 * the file.  Nothing needs to survive a crash, so there is no journal and
 * no sync, and everything happens in one transaction that is never
 * committed.  One thread at a time: its owner holds a lock.
 */
#ifndef RD_TEMPDB_H
#define RD_TEMPDB_H

#include <sqlite3.h>

/* Opens the database with a cache of cache_kib KiB, runs schema and
 * prepares the n statements of sql into q (all NULL on failure).  Returns
 * 0, or the SQLite result code (tempdb_error() turns it into ours); *out
 * is set even then, for sqlite3_errmsg(), and closed with tempdb_close(). */
int tempdb_open(sqlite3 **out, int cache_kib, const char *schema,
		const char *const *sql, sqlite3_stmt **q, int n);
/* Finalizes the n statements of q and closes db (NULL-safe). */
void tempdb_close(sqlite3 *db, sqlite3_stmt **q, int n);
/* RD_ENOMEM for SQLITE_NOMEM, else RD_EIO. */
int tempdb_error(int sqlite_rc);

#endif
