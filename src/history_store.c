/*
 * history_store.c: a history's files, warnings and activities in a
 * temporary SQLite database (see history_store.h).
 *
 * An activity is one row: its sort keys as columns and the rest as one
 * blob, the rd_activity itself (this process wrote it, this process reads
 * it) followed by its heart-rate histogram, source and name.  A pass turns
 * a row back into an rd_activity pointing into the pass's own buffer.
 */
#include "history_store.h"

#include "alloc.h"
#include "tempdb.h"
#include "utf8.h"

#include <math.h>
#include <stdalign.h>
#include <string.h>

/* The page cache: what the store may hold in memory, whatever its size.
 * Pages past it wait in the temporary file (and the system's file cache):
 * 256 KiB read the benchmark's 1,500 activities as fast as 2 MiB did. */
#define CACHE_KIB 256
/* A blob's most bytes: the activity, a full histogram and both texts. */
#define BLOB_MAX (sizeof(rd_activity) + RD_HR_BINS * sizeof(uint16_t) + \
		  RD_SOURCE_MAX + RD_NAME_MAX)
#define UNKNOWN_START INT64_MAX /* sorts the unknown starts last */

static const char SCHEMA[] =
	"CREATE TABLE file(id INTEGER PRIMARY KEY, call INTEGER, major INTEGER,"
	" minor INTEGER, source TEXT, status INTEGER, counted INTEGER, kind INTEGER,"
	" nacts INTEGER, more INTEGER, lost INTEGER, csv INTEGER);"
	"CREATE INDEX file_key ON file(call, major, minor, source);"
	"CREATE INDEX file_source ON file(call, source, major, minor);"
	"CREATE TABLE warning(file INTEGER, diag BLOB);"
	"CREATE INDEX warning_file ON warning(file);"
	"CREATE TABLE act(id INTEGER PRIMARY KEY, start INTEGER, call INTEGER,"
	" major INTEGER, minor INTEGER, k INTEGER, kind INTEGER, data BLOB);"
	"CREATE INDEX act_order ON act(start, call, major, minor, k);"
	"CREATE INDEX act_file ON act(call, major, minor, k);"
	"CREATE TABLE marked(id INTEGER PRIMARY KEY);"
	"CREATE TABLE csvrow(call INTEGER, major INTEGER, minor INTEGER, line INTEGER,"
	" id TEXT, name TEXT, type TEXT, filename TEXT, start INTEGER, elapsed REAL,"
	" moving REAL, distance REAL, avg_hr INTEGER, max_hr INTEGER, race INTEGER,"
	" workout INTEGER);"
	"CREATE INDEX csvrow_order ON csvrow(call, major, minor, line);"
	"CREATE TABLE listing(call INTEGER, ord INTEGER, zip INTEGER, path TEXT,"
	" PRIMARY KEY(call, zip, ord));"
	"CREATE TABLE dirname(dir INTEGER, name TEXT);"
	"CREATE INDEX dirname_order ON dirname(dir, name);";

enum {
	Q_FILE, Q_WARNING, Q_ACT, Q_EACH_FILE, Q_EACH_CSV, Q_FIND_FILE, Q_EACH_WARNING,
	Q_FILE_ACTS, Q_SET_DATA, Q_DROP_FROM, Q_COUNT, Q_MARK, Q_DROP_MARKED,
	Q_CLEAR_MARKED, Q_CSV_ADD, Q_CSV_ROWS, Q_LIST_ADD, Q_LIST_NEXT, Q_NAME_ADD,
	Q_NAME_NEXT, Q_NAME_DROP, Q_N
};

static const char *const SQL[Q_N] = {
	"INSERT INTO file(call, major, minor, source, status, counted, kind, nacts,"
	" more, lost, csv) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO warning(file, diag) VALUES (?,?)",
	"INSERT INTO act(start, call, major, minor, k, kind, data) VALUES (?,?,?,?,?,?,?)",
	"SELECT id, major, minor, source, status, counted, kind, nacts, more, lost"
	" FROM file WHERE call = ? ORDER BY major, minor, source",
	"SELECT id, major, minor, source, status, counted, kind, nacts, more, lost"
	" FROM file WHERE call = ? AND csv = 1 ORDER BY major, minor, source",
	"SELECT id, major, minor, source, status, counted, kind, nacts, more, lost"
	" FROM file WHERE call = ? AND source = ? ORDER BY major, minor LIMIT 1",
	"SELECT diag FROM warning WHERE file = ? ORDER BY rowid",
	"SELECT id, k, data FROM act WHERE call = ? AND major = ? AND minor = ? AND k >= ?"
	" ORDER BY k LIMIT 1",
	"UPDATE act SET start = ?, data = ? WHERE id = ?",
	"DELETE FROM act WHERE call = ? AND (major, minor, k) >= (?, ?, ?)",
	"SELECT count(*) FROM act",
	"INSERT OR IGNORE INTO marked(id) VALUES (?)",
	"DELETE FROM act WHERE id IN (SELECT id FROM marked)",
	"DELETE FROM marked",
	"INSERT INTO csvrow VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"SELECT line, id, name, type, filename, start, elapsed, moving, distance, avg_hr,"
	" max_hr, race, workout FROM csvrow WHERE call = ? AND major = ? AND minor = ?"
	" ORDER BY line",
	"INSERT INTO listing(call, ord, zip, path) VALUES (?,?,?,?)",
	"SELECT ord, path FROM listing WHERE call = ? AND zip = ? AND ord >= ?"
	" ORDER BY ord LIMIT 1",
	"INSERT INTO dirname(dir, name) VALUES (?,?)",
	"SELECT name FROM dirname WHERE dir = ? AND name > ? ORDER BY name LIMIT 1",
	"DELETE FROM dirname WHERE dir = ?",
};

struct hstore {
	sqlite3 *db;
	sqlite3_stmt *q[Q_N];
	size_t count;
	unsigned char buf[BLOB_MAX]; /* a blob being written */
};

struct hstore_pass {
	sqlite3_stmt *q;
	int done;       /* stepped to its end or an error: stays there */
	rd_activity a;
	alignas(uint16_t) unsigned char buf[BLOB_MAX];
};

/* A uint64 key as SQLite's signed integer, order kept below 2^63. */
static sqlite3_int64 key(uint64_t k)
{
	return k > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)k;
}

int hstore_open(hstore **out, rd_diag *diag)
{
	*out = NULL;
	hstore *s = rd_calloc(1, sizeof *s);
	if (!s)
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	int rc = tempdb_open(&s->db, CACHE_KIB, SCHEMA, SQL, s->q, Q_N);
	if (rc != SQLITE_OK) {
		int code = tempdb_error(rc);
		rd_diag_set(diag, code, NULL, 0, 0, "cannot make the history's temporary store: %s",
			    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		hstore_close(s);
		return code;
	}
	*out = s;
	return 0;
}

void hstore_close(hstore *s)
{
	if (!s)
		return;
	tempdb_close(s->db, s->q, Q_N);
	rd_free(s);
}

/* Runs a statement that returns no row, then resets it. */
static int run(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : tempdb_error(rc);
}

/* ---- activities as blobs ---- */

static size_t text_len(const char *t, size_t max)
{
	return rd_utf8_cut(t, strlen(t), max - 1);
}

/* Writes a into buf: the struct, the histogram, source and name (NUL
 * ended), texts cut as rd_activity_store_copy cuts them. */
static size_t to_blob(unsigned char *buf, const rd_activity *a)
{
	rd_activity c;
	memset(&c, 0, sizeof c); /* no stack bytes in the padding, on disk */
	c = *a;
	size_t hr = (size_t)c.hr_bins * sizeof(uint16_t);
	size_t ls = text_len(a->source, RD_SOURCE_MAX), ln = text_len(a->name, RD_NAME_MAX);
	c.source = c.name = NULL;
	c.hr_seconds = NULL;
	memcpy(buf, &c, sizeof c);
	size_t at = sizeof c;
	if (hr)
		memcpy(buf + at, a->hr_seconds, hr);
	at += hr;
	memcpy(buf + at, a->source, ls);
	buf[at + ls] = 0;
	at += ls + 1;
	memcpy(buf + at, a->name, ln);
	buf[at + ln] = 0;
	return at + ln + 1;
}

/* a from a blob copied into buf (of n bytes); RD_EIO when it is not one. */
static int from_blob(rd_activity *a, unsigned char *buf, size_t n)
{
	if (n < sizeof *a + 2)
		return RD_EIO;
	memcpy(a, buf, sizeof *a);
	size_t at = sizeof *a, hr = (size_t)a->hr_bins * sizeof(uint16_t);
	if (hr > n - at - 2 || buf[n - 1])
		return RD_EIO;
	a->hr_seconds = hr ? (const uint16_t *)(void *)(buf + at) : NULL;
	at += hr;
	a->source = (const char *)buf + at;
	a->name = a->source + strlen(a->source) + 1;
	return (const unsigned char *)a->name < buf + n ? 0 : RD_EIO;
}

static sqlite3_int64 start_key(const rd_activity *a)
{
	return a->start_utc == INT64_MIN ? UNKNOWN_START : a->start_utc;
}

int hstore_add(hstore *s, unsigned call, uint64_t major, uint64_t minor,
	       uint64_t k, int kind, const rd_activity *a)
{
	sqlite3_stmt *q = s->q[Q_ACT];
	size_t n = to_blob(s->buf, a);
	sqlite3_bind_int64(q, 1, start_key(a));
	sqlite3_bind_int64(q, 2, call);
	sqlite3_bind_int64(q, 3, key(major));
	sqlite3_bind_int64(q, 4, key(minor));
	sqlite3_bind_int64(q, 5, key(k));
	sqlite3_bind_int(q, 6, kind);
	sqlite3_bind_blob(q, 7, s->buf, (int)n, SQLITE_STATIC);
	int rc = run(q);
	s->count += !rc;
	return rc;
}

/* ---- files and their warnings ---- */

int hstore_put_file(hstore *s, unsigned call, const file_result *r)
{
	sqlite3_stmt *q = s->q[Q_FILE];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int64(q, 2, key(r->key_major));
	sqlite3_bind_int64(q, 3, key(r->key_minor));
	sqlite3_bind_text(q, 4, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, (int)r->status);
	sqlite3_bind_int(q, 6, r->counted);
	sqlite3_bind_int(q, 7, (int)r->kind);
	sqlite3_bind_int64(q, 8, (sqlite3_int64)r->nacts);
	sqlite3_bind_int64(q, 9, (sqlite3_int64)r->more_warns);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)r->lost_warns);
	sqlite3_bind_int(q, 11, r->csv != NULL);
	int rc = run(q);
	sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < r->nwarns && !rc; i++) {
		q = s->q[Q_WARNING];
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_blob(q, 2, &r->warns[i], sizeof r->warns[i], SQLITE_STATIC);
		rc = run(q);
	}
	for (size_t i = 0; i < r->nacts && !rc; i++)
		rc = hstore_add(s, call, r->key_major, r->key_minor, i, (int)r->kind,
				&r->acts[i]);
	return rc;
}

static void file_row(sqlite3_stmt *q, hstore_file *f)
{
	f->id = sqlite3_column_int64(q, 0);
	f->major = (uint64_t)sqlite3_column_int64(q, 1);
	f->minor = (uint64_t)sqlite3_column_int64(q, 2);
	f->source = (const char *)sqlite3_column_text(q, 3);
	f->source = f->source ? f->source : "";
	f->status = (rd_read_status)sqlite3_column_int(q, 4);
	f->counted = sqlite3_column_int(q, 5);
	f->kind = sqlite3_column_int(q, 6);
	f->nacts = (size_t)sqlite3_column_int64(q, 7);
	f->more_warns = (unsigned long)sqlite3_column_int64(q, 8);
	f->lost_warns = (unsigned long)sqlite3_column_int64(q, 9);
}

/* Steps q to its end, calling fn on each row's file; resets q. */
static int each_row(sqlite3_stmt *q, int (*fn)(void *ctx, const hstore_file *f),
		    void *ctx)
{
	int rc, stop = 0;
	hstore_file f;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		file_row(q, &f);
		stop = fn(ctx, &f);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return stop ? stop : rc == SQLITE_DONE ? 0 : tempdb_error(rc);
}

int hstore_each_file(hstore *s, unsigned call,
		     int (*fn)(void *ctx, const hstore_file *f), void *ctx)
{
	sqlite3_bind_int64(s->q[Q_EACH_FILE], 1, call);
	return each_row(s->q[Q_EACH_FILE], fn, ctx);
}

int hstore_each_csv(hstore *s, unsigned call,
		    int (*fn)(void *ctx, const hstore_file *f), void *ctx)
{
	sqlite3_bind_int64(s->q[Q_EACH_CSV], 1, call);
	return each_row(s->q[Q_EACH_CSV], fn, ctx);
}

static int copy_file(void *ctx, const hstore_file *f)
{
	hstore_file *out = ctx;
	*out = *f;
	out->source = NULL; /* the row is gone once the statement resets */
	return 1;
}

int hstore_find_file(hstore *s, unsigned call, const char *source, hstore_file *out)
{
	sqlite3_stmt *q = s->q[Q_FIND_FILE];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_text(q, 2, source, -1, SQLITE_STATIC);
	int rc = each_row(q, copy_file, out);
	return rc == 1 ? 0 : rc ? rc : 1;
}

int hstore_each_warning(hstore *s, int64_t id,
			void (*fn)(void *ctx, const rd_diag *w), void *ctx)
{
	sqlite3_stmt *q = s->q[Q_EACH_WARNING];
	sqlite3_bind_int64(q, 1, id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		rd_diag w;
		if ((size_t)sqlite3_column_bytes(q, 0) != sizeof w)
			continue;
		memcpy(&w, sqlite3_column_blob(q, 0), sizeof w);
		fn(ctx, &w);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : tempdb_error(rc);
}

/* ---- changing and dropping activities ---- */

/* Activity k on of a file: 0 with *id and p->a set, 1 past the last. */
static int file_act(hstore *s, const uint64_t file[3], uint64_t k, hstore_pass *p,
		    sqlite3_int64 *id, uint64_t *at)
{
	sqlite3_stmt *q = s->q[Q_FILE_ACTS];
	for (int i = 0; i < 3; i++)
		sqlite3_bind_int64(q, i + 1, key(file[i]));
	sqlite3_bind_int64(q, 4, key(k));
	int rc = sqlite3_step(q), err = 0;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(q, 2);
		*id = sqlite3_column_int64(q, 0);
		*at = (uint64_t)sqlite3_column_int64(q, 1);
		err = n > sizeof p->buf ? RD_EIO : 0;
		if (!err) {
			memcpy(p->buf, sqlite3_column_blob(q, 2), n);
			err = from_blob(&p->a, p->buf, n);
		}
	} else {
		err = rc == SQLITE_DONE ? 1 : tempdb_error(rc);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return err;
}

int hstore_update_file(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		       void (*fn)(void *ctx, rd_activity *a), void *ctx)
{
	const uint64_t file[3] = {call, major, minor};
	hstore_pass *p = rd_malloc(sizeof *p); /* for its buffer */
	if (!p)
		return RD_ENOMEM;
	sqlite3_int64 id = 0;
	uint64_t k = 0, at = 0;
	int rc;
	/* One row at a time, each a query of its own: no row changes under a
	 * statement still reading. */
	while ((rc = file_act(s, file, k, p, &id, &at)) == 0) {
		fn(ctx, &p->a);
		sqlite3_stmt *u = s->q[Q_SET_DATA];
		size_t n = to_blob(s->buf, &p->a);
		sqlite3_bind_int64(u, 1, start_key(&p->a));
		sqlite3_bind_blob(u, 2, s->buf, (int)n, SQLITE_STATIC);
		sqlite3_bind_int64(u, 3, id);
		if ((rc = run(u)) != 0)
			break;
		k = at + 1;
	}
	rd_free(p);
	return rc == 1 ? 0 : rc;
}

static int refresh_count(hstore *s)
{
	sqlite3_stmt *q = s->q[Q_COUNT];
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		s->count = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : tempdb_error(rc);
}

int hstore_drop_from(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		     uint64_t k)
{
	sqlite3_stmt *q = s->q[Q_DROP_FROM];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int64(q, 2, key(major));
	sqlite3_bind_int64(q, 3, key(minor));
	sqlite3_bind_int64(q, 4, key(k));
	int rc = run(q);
	return rc ? rc : refresh_count(s);
}

size_t hstore_count(hstore *s)
{
	return s->count;
}

int hstore_mark(hstore *s, int64_t id)
{
	sqlite3_bind_int64(s->q[Q_MARK], 1, id);
	return run(s->q[Q_MARK]);
}

int hstore_drop_marked(hstore *s)
{
	int rc = run(s->q[Q_DROP_MARKED]);
	if (!rc)
		rc = run(s->q[Q_CLEAR_MARKED]);
	return rc ? rc : refresh_count(s);
}

/* ---- passes ---- */

hstore_pass *hstore_pass_open(hstore *s, int64_t from_utc)
{
	static const char all[] =
		"SELECT id, kind, call, major, minor, k, data FROM act"
		" ORDER BY start, call, major, minor, k";
	static const char from[] =
		"SELECT id, kind, call, major, minor, k, data FROM act"
		" WHERE start >= ? AND start < ? ORDER BY start, call, major, minor, k";
	hstore_pass *p = rd_malloc(sizeof *p);
	if (!p)
		return NULL;
	p->done = 0;
	int all_of_them = from_utc == INT64_MIN;
	if (sqlite3_prepare_v2(s->db, all_of_them ? all : from, -1, &p->q, NULL) != SQLITE_OK) {
		sqlite3_finalize(p->q);
		rd_free(p);
		return NULL;
	}
	if (!all_of_them) {
		sqlite3_bind_int64(p->q, 1, from_utc);
		sqlite3_bind_int64(p->q, 2, UNKNOWN_START);
	}
	return p;
}

const rd_activity *hstore_pass_next(hstore_pass *p, hstore_meta *meta, int *rc)
{
	*rc = 0;
	if (p->done) /* a statement stepped past its end starts again */
		return NULL;
	int step = sqlite3_step(p->q);
	p->done = step != SQLITE_ROW;
	if (step == SQLITE_DONE)
		return NULL;
	if (step != SQLITE_ROW) {
		*rc = step == SQLITE_NOMEM ? RD_ENOMEM : RD_EIO;
		return NULL;
	}
	size_t n = (size_t)sqlite3_column_bytes(p->q, 6);
	if (n > sizeof p->buf) {
		*rc = RD_EIO;
		return NULL;
	}
	memcpy(p->buf, sqlite3_column_blob(p->q, 6), n);
	if ((*rc = from_blob(&p->a, p->buf, n)) != 0)
		return NULL;
	if (meta) {
		meta->id = sqlite3_column_int64(p->q, 0);
		meta->kind = sqlite3_column_int(p->q, 1);
		for (int i = 0; i < 4; i++)
			meta->order[i] = (uint64_t)sqlite3_column_int64(p->q, 2 + i);
	}
	return &p->a;
}

void hstore_pass_close(hstore_pass *p)
{
	if (!p)
		return;
	sqlite3_finalize(p->q);
	rd_free(p);
}

/* ---- activities.csv rows ---- */

/* SQLite keeps a NAN as NULL: both ways here. */
static void bind_number(sqlite3_stmt *q, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_double(q, i, v);
}

static double column_number(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

static const char *column_text(sqlite3_stmt *q, int i)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	return t ? t : "";
}

int hstore_csv_add(hstore *s, unsigned call, uint64_t major, uint64_t minor,
		   const strava_row *r)
{
	sqlite3_stmt *q = s->q[Q_CSV_ADD];
	const char *texts[4] = {r->id, r->name, r->type, r->filename};
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int64(q, 2, key(major));
	sqlite3_bind_int64(q, 3, key(minor));
	sqlite3_bind_int64(q, 4, (sqlite3_int64)r->line);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(q, 5 + i, texts[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 9, r->start_utc);
	bind_number(q, 10, r->elapsed_s);
	bind_number(q, 11, r->moving_s);
	bind_number(q, 12, r->distance_m);
	sqlite3_bind_int(q, 13, r->avg_hr);
	sqlite3_bind_int(q, 14, r->max_hr);
	sqlite3_bind_int(q, 15, r->race);
	sqlite3_bind_int(q, 16, r->workout);
	return run(q);
}

int hstore_each_csv_row(hstore *s, unsigned call, uint64_t major, uint64_t minor,
			int (*fn)(void *ctx, const strava_row *r), void *ctx)
{
	sqlite3_stmt *q = s->q[Q_CSV_ROWS];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int64(q, 2, key(major));
	sqlite3_bind_int64(q, 3, key(minor));
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		strava_row r;
		r.line = (unsigned long)sqlite3_column_int64(q, 0);
		r.id = column_text(q, 1);
		r.name = column_text(q, 2);
		r.type = column_text(q, 3);
		r.filename = column_text(q, 4);
		r.start_utc = sqlite3_column_int64(q, 5);
		r.elapsed_s = column_number(q, 6);
		r.moving_s = column_number(q, 7);
		r.distance_m = column_number(q, 8);
		r.avg_hr = sqlite3_column_int(q, 9);
		r.max_hr = sqlite3_column_int(q, 10);
		r.race = sqlite3_column_int(q, 11);
		r.workout = sqlite3_column_int(q, 12);
		stop = fn(ctx, &r);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return stop ? stop : rc == SQLITE_DONE ? 0 : tempdb_error(rc);
}

/* ---- a folder's listing ---- */

int hstore_list_add(hstore *s, unsigned call, size_t ord, const char *path, int zip)
{
	sqlite3_stmt *q = s->q[Q_LIST_ADD];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)ord);
	sqlite3_bind_int(q, 3, zip);
	sqlite3_bind_text(q, 4, path, -1, SQLITE_STATIC);
	return run(q);
}

/* Steps q for one text in column col: 0 with *out a copy, 1 when there is
 * no row, else an error; resets q. */
static int one_text(sqlite3_stmt *q, int col, char **out)
{
	*out = NULL;
	int rc = sqlite3_step(q), err;
	if (rc == SQLITE_ROW)
		err = (*out = rd_strdup(column_text(q, col))) ? 0 : RD_ENOMEM;
	else
		err = rc == SQLITE_DONE ? 1 : tempdb_error(rc);
	return err;
}

int hstore_list_next(hstore *s, unsigned call, int zip, size_t from, size_t *ord,
		     char **path)
{
	sqlite3_stmt *q = s->q[Q_LIST_NEXT];
	sqlite3_bind_int64(q, 1, call);
	sqlite3_bind_int(q, 2, zip);
	sqlite3_bind_int64(q, 3, (sqlite3_int64)from);
	int rc = one_text(q, 1, path);
	if (!rc)
		*ord = (size_t)sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int hstore_name_add(hstore *s, int64_t dir, const char *name)
{
	sqlite3_stmt *q = s->q[Q_NAME_ADD];
	sqlite3_bind_int64(q, 1, dir);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	return run(q);
}

int hstore_name_next(hstore *s, int64_t dir, const char *after, char **name)
{
	sqlite3_stmt *q = s->q[Q_NAME_NEXT];
	sqlite3_bind_int64(q, 1, dir);
	sqlite3_bind_text(q, 2, after, -1, SQLITE_STATIC);
	int rc = one_text(q, 0, name);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int hstore_name_drop(hstore *s, int64_t dir)
{
	sqlite3_bind_int64(s->q[Q_NAME_DROP], 1, dir);
	return run(s->q[Q_NAME_DROP]);
}
