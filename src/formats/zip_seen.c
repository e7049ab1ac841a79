/*
 * zip_seen.c: the entries accepted so far, for the duplicate and overlap
 * checks (Z06/Z09, see zip.h), kept on disk so that no memory is spent per
 * entry: a private temporary SQLite database (file name "": created only
 * once its pages leave the cache, deleted on close), with a small page
 * cache, no journal and no syncing, inside one transaction never
 * committed.  Two tables map each key, the name ignoring ASCII case
 * (COLLATE NOCASE) and the local header position, to the lowest index that
 * has it.  A refused entry is not recorded: the first entry *used* wins, as
 * the warning says.
 *
 * Why the walkers agree: each checks every entry in index order, so when
 * it reaches entry i it has itself recorded every accepted entry below i,
 * and what the others recorded is either the same entries or later ones
 * (index >= i).  So "a key is stored with an index below i" means, on every
 * walker and in any interleaving, "an earlier accepted entry has it".
 */
#include "formats/zip.h"
#include "alloc.h"
#include "tempdb.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

enum { GET_NAME, GET_POS, PUT_NAME, PUT_POS, NQ };

struct zip_seen {
	pthread_mutex_t lock;
	sqlite3 *db;
	sqlite3_stmt *q[NQ];
};

/* A 128 KiB page cache: past it, pages go to the temporary file (peak
 * heap 11.71 MB for the 1,500-activity export, 11.75 MB for 6,000). */
#define CACHE_KIB 128
static const char schema[] =
	"CREATE TABLE names (name TEXT COLLATE NOCASE PRIMARY KEY,"
	"                    idx INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE places (pos INTEGER PRIMARY KEY, idx INTEGER NOT NULL);";

static const char *const sql[NQ] = {
	"SELECT idx FROM names WHERE name = ?1",
	"SELECT idx FROM places WHERE pos = ?1",
	"INSERT INTO names VALUES (?1, ?2) ON CONFLICT (name)"
	" DO UPDATE SET idx = excluded.idx WHERE excluded.idx < idx",
	"INSERT INTO places VALUES (?1, ?2) ON CONFLICT (pos)"
	" DO UPDATE SET idx = excluded.idx WHERE excluded.idx < idx",
};

int zip_seen_new(zip_seen **out)
{
	zip_seen *s = rd_calloc(1, sizeof *s);
	int rc = s ? 0 : RD_ENOMEM;
	if (s && pthread_mutex_init(&s->lock, NULL)) {
		rd_free(s);
		s = NULL;
		rc = RD_ENOMEM;
	}
	if (s && (rc = tempdb_open(&s->db, CACHE_KIB, schema, sql, s->q, NQ)) != 0) {
		rc = tempdb_error(rc);
		zip_seen_free(s);
		s = NULL;
	}
	*out = s;
	return rc;
}

void zip_seen_free(zip_seen *s)
{
	if (!s)
		return;
	tempdb_close(s->db, s->q, NQ);
	pthread_mutex_destroy(&s->lock);
	rd_free(s);
}

/* Runs st: sets *idx to the row's index (-1: no row); a SQLite code. */
static int step(sqlite3_stmt *st, int64_t *idx)
{
	int rc = sqlite3_step(st);
	if (idx)
		*idx = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* Looks index's keys up (*by_name, *by_pos: their lowest index, or -1),
 * then records them unless an earlier entry has one. */
static int check(zip_seen *s, int64_t index, const char *name, int64_t pos,
		 const char **why)
{
	int64_t by_name, by_pos = -1;
	sqlite3_bind_text(s->q[GET_NAME], 1, name, -1, SQLITE_STATIC);
	int rc = step(s->q[GET_NAME], &by_name);
	if (rc == SQLITE_DONE && pos >= 0) {
		sqlite3_bind_int64(s->q[GET_POS], 1, pos);
		rc = step(s->q[GET_POS], &by_pos);
	}
	if (rc != SQLITE_DONE)
		return rc;
	if (by_name >= 0 && by_name < index)
		*why = "duplicate zip entry name; the first one is used";
	else if (by_pos >= 0 && by_pos < index)
		*why = "zip entry overlaps an earlier entry";
	if (*why)
		return SQLITE_ROW;
	if (by_name < 0 || by_name > index) {
		sqlite3_bind_text(s->q[PUT_NAME], 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->q[PUT_NAME], 2, index);
		rc = step(s->q[PUT_NAME], NULL);
	}
	if (rc == SQLITE_DONE && pos >= 0 && (by_pos < 0 || by_pos > index)) {
		sqlite3_bind_int64(s->q[PUT_POS], 1, pos);
		sqlite3_bind_int64(s->q[PUT_POS], 2, index);
		rc = step(s->q[PUT_POS], NULL);
	}
	return rc;
}

int zip_seen_check(zip_seen *s, size_t index, const char *name, int64_t pos,
		   const char **why)
{
	*why = NULL;
	pthread_mutex_lock(&s->lock);
	int rc = check(s, (int64_t)index, name, pos, why);
	pthread_mutex_unlock(&s->lock);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : rc == SQLITE_NOMEM ? RD_ENOMEM : RD_EIO;
}
