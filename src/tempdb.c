/* tempdb.c: a private temporary SQLite database (tempdb.h). */
#include "tempdb.h"

#include "rubdown/error.h"

#include <stdio.h>

int tempdb_open(sqlite3 **out, int cache_kib, const char *schema,
		const char *const *sql, sqlite3_stmt **q, int n)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_PRIVATECACHE;
	char pragmas[160];
	snprintf(pragmas, sizeof pragmas, "PRAGMA cache_size = -%d; PRAGMA journal_mode = OFF;"
		 " PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; BEGIN;", cache_kib);
	for (int i = 0; i < n; i++)
		q[i] = NULL;
	int rc = sqlite3_open_v2("", out, flags, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*out, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*out, schema, NULL, NULL, NULL);
	for (int i = 0; i < n && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v2(*out, sql[i], -1, &q[i], NULL);
	return rc;
}

void tempdb_close(sqlite3 *db, sqlite3_stmt **q, int n)
{
	for (int i = 0; i < n; i++)
		sqlite3_finalize(q[i]);
	sqlite3_close(db); /* the open transaction and the file go with it */
}

int tempdb_error(int sqlite_rc)
{
	return sqlite_rc == SQLITE_NOMEM ? RD_ENOMEM : RD_EIO;
}
