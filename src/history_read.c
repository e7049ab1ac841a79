/*
 * history_read.c: from a path to file results, on several threads.
 *
 * A folder is listed first (recursively, names sorted, symbolic links to
 * folders not followed, dot files and __MACOSX skipped), and each file's
 * first bytes say whether it is a zip.  Plain files are then decoded by
 * `threads` workers pulling from a shared index.  A zip is read by every
 * worker at once, each opening the archive itself and walking every entry
 * in order: a worker reads the next entry nobody has claimed yet (one
 * shared atomic counter, see claim()) and skips the others (which costs
 * reading their central directory header, not their data).  So the work
 * splits as files come, whatever their sizes, and neither worker needs the
 * other's data.  Every result carries a key (position in the listing,
 * entry index) and goes to ctx->keep as soon as it is finished; history.c
 * reports them in key order.
 *
 * Files that neither look like activity files nor are named like one (a
 * Strava export also holds photos and other CSVs) are skipped silently.
 */
#include "alloc.h"
#include "formats/zip.h"
#include "history_int.h"
#include "history_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536
#define MAX_DEPTH 32
#define MAX_THREADS 16

/* The listing of a path: its files go to the store as they are found,
 * numbered in listing order. */
typedef struct path_list {
	const history_ctx *ctx;
	size_t n, files;  /* entries listed; those not zips */
	int64_t dirs;     /* folders opened: each one's names are a set */
	int explicit_path; /* the path is a file, not a folder */
} path_list;

/* ---- naming ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Named like something we read: a complaint is due if it is not one. */
static int named_like_activity(const char *name)
{
	static const char *const ext[] = {".fit", ".gpx", ".tcx", ".fit.gz",
					  ".gpx.gz", ".tcx.gz", "activities.csv"};
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
		if (ends_with(name, ext[i]))
			return 1;
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	int slash = n && dir[n - 1] == '/';
	char *p = rd_malloc(n + strlen(name) + 2);
	if (p)
		sprintf(p, "%s%s%s", dir, slash ? "" : "/", name);
	return p;
}

static int is_zip_file(const char *path)
{
	unsigned char b[4];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t got = read(fd, b, 4);
	close(fd);
	return got == 4 && sniff_bytes(b, 4) == SNIFF_ZIP;
}

/* ---- listing ---- */

static int add_item(path_list *l, const char *path)
{
	int zip = is_zip_file(path);
	int rc = hstore_list_add(l->ctx->store, l->ctx->call, l->n, path, zip);
	l->n += !rc;
	l->files += !rc && !zip;
	return rc;
}

static int list_dir(path_list *l, const char *dir, int depth);

/* A warning about a folder or one of its entries, in listing order. */
static int dir_problem(path_list *l, const char *dir, const char *why)
{
	file_result r;
	if (file_result_init(&r, l->n, 0, dir))
		return RD_ENOMEM;
	rd_diag d = RD_DIAG_INIT;
	rd_diag_set(&d, RD_EIO, dir, 0, 0, "%s", why);
	file_result_reject(&r, &d);
	l->ctx->keep(l->ctx->h, &r);
	return 0;
}

static int list_entry(path_list *l, const char *dir, const char *name, int depth)
{
	if (name[0] == '.' || !strcmp(name, "__MACOSX"))
		return 0;
	char *path = join(dir, name);
	struct stat st, lst;
	if (!path)
		return RD_ENOMEM;
	int rc = 0;
	if (lstat(path, &lst) || stat(path, &st)) {
		/* vanished, or a link to nothing: said only of an activity's name */
		if (named_like_activity(name))
			rc = dir_problem(l, path, "a link to nothing; skipped");
	} else if (S_ISDIR(st.st_mode)) {
		rc = S_ISLNK(lst.st_mode) ? 0 : list_dir(l, path, depth + 1);
	} else if (!S_ISREG(st.st_mode)) {
		if (named_like_activity(name)) /* a FIFO would block the reading */
			rc = dir_problem(l, path, "not a regular file; skipped");
	} else {
		rc = add_item(l, path);
	}
	rd_free(path);
	return rc;
}

/* The folder's names go to the store, and come back in byte order: a
 * folder of 100,000 files costs no memory. */
static int list_dir(path_list *l, const char *dir, int depth)
{
	if (depth > MAX_DEPTH)
		return dir_problem(l, dir, "folder nesting limit of 32 reached; not read");
	DIR *dp = opendir(dir);
	if (!dp) {
		char why[160];
		snprintf(why, sizeof why, "cannot read folder: %s", strerror(errno));
		return dir_problem(l, dir, why);
	}
	hstore *s = l->ctx->store;
	int64_t id = l->dirs++;
	int rc = 0;
	struct dirent *e;
	while (!rc && (e = readdir(dp)) != NULL)
		rc = hstore_name_add(s, id, e->d_name);
	closedir(dp);
	char *name = NULL, *next;
	while (!rc && !(rc = hstore_name_next(s, id, name ? name : "", &next))) {
		rd_free(name);
		name = next;
		rc = list_entry(l, dir, name, depth);
	}
	rd_free(name);
	int drc = hstore_name_drop(s, id);
	return rc == 1 ? drc : rc;
}

/* ---- decoding one plain file ---- */

static void decode_file(const history_ctx *ctx, const char *path, file_result *r,
			uint8_t *buf, int explicit_path)
{
	decoder *d = NULL;
	r->quiet_unknown = !explicit_path && !named_like_activity(path);
	int fd = open(path, O_RDONLY);
	rd_diag diag = RD_DIAG_INIT;
	if (fd < 0) {
		rd_diag_set(&diag, RD_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
		file_result_reject(r, &diag);
		return;
	}
	if (decoder_open(&d, ctx->cfg, r, 0)) {
		rd_diag_set(&diag, RD_ENOMEM, path, 0, 0, "out of memory");
		file_result_reject(r, &diag);
		close(fd);
		return;
	}
	ssize_t got;
	while ((got = read(fd, buf, READ_CHUNK)) > 0)
		if (decoder_feed(d, buf, (size_t)got))
			break;
	if (got < 0) {
		rd_diag_set_offset(&diag, RD_EIO, path, r->bytes, "read error: %s",
				   strerror(errno));
		decoder_fail_stream(d, &diag);
	}
	decoder_finish(d);
	decoder_close(d);
	close(fd);
}

/* ---- workers ---- */

typedef struct files_job {
	const history_ctx *ctx;
	size_t next;          /* where the next file is looked for */
	int explicit_path;
	int rc;               /* a file could not even be reported */
} files_job;

static unsigned thread_count(const history_ctx *ctx)
{
	unsigned n = ctx->opt->threads ? ctx->opt->threads : 2;
	return n > MAX_THREADS ? MAX_THREADS : n;
}

/* Runs fn(args + i * size) on n threads, the first on this one. */
static void run_threads(unsigned n, void *(*fn)(void *), void *args, size_t size)
{
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = {0};
	for (unsigned i = 1; i < n; i++)
		started[i] = !pthread_create(&tid[i], NULL, fn, (char *)args + i * size);
	fn(args);
	for (unsigned i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			fn((char *)args + i * size); /* no thread: do its share here */
	}
}

/* The next plain file to read: 0 with its number and path (rd_free it),
 * 1 when none is left (or the job has failed). */
static int next_file(files_job *job, size_t *i, char **path)
{
	const history_ctx *ctx = job->ctx;
	pthread_mutex_lock(ctx->lock);
	int rc = job->rc ? 1 : hstore_list_next(ctx->store, ctx->call, 0, job->next, i, path);
	if (!rc)
		job->next = *i + 1;
	else if (rc != 1)
		job->rc = rc;
	pthread_mutex_unlock(ctx->lock);
	return rc ? 1 : 0;
}

static void fail_job(files_job *job, int rc)
{
	pthread_mutex_lock(job->ctx->lock);
	job->rc = job->rc ? job->rc : rc;
	pthread_mutex_unlock(job->ctx->lock);
}

static void *files_worker(void *arg)
{
	files_job *job = *(files_job **)arg;
	uint8_t *buf = NULL; /* at the first file: a worker may get none */
	size_t i;
	char *path;
	while (!next_file(job, &i, &path)) {
		file_result r;
		int oom = file_result_init(&r, i, 0, path);
		if (!oom && !buf)
			buf = rd_malloc(READ_CHUNK);
		if (oom) { /* the whole read fails */
			fail_job(job, RD_ENOMEM);
			rd_free(path);
			continue;
		}
		if (!buf) {
			rd_diag d = RD_DIAG_INIT;
			rd_diag_set(&d, RD_ENOMEM, path, 0, 0, "out of memory");
			file_result_reject(&r, &d);
		} else {
			decode_file(job->ctx, path, &r, buf, job->explicit_path);
		}
		rd_free(path);
		uint64_t bytes = r.bytes;
		job->ctx->keep(job->ctx->h, &r);
		job->ctx->progress(job->ctx->h, 1, 0, bytes);
	}
	rd_free(buf);
	return NULL;
}

typedef struct zip_job {
	const history_ctx *ctx;
	const char *path;
	uint64_t major;
	unsigned stripe;              /* 0: the worker that reports */
	atomic_size_t *next;          /* first entry index not yet claimed */
	atomic_uint_least64_t *total;
	zip_seen *seen;               /* shared: names stored once */
	file_result cur;              /* the entry being read */
	decoder *dec;
	rd_diag diag;
	int rc;
} zip_job;

/* 1 when this worker gets entry index.  Every worker visits the indices in
 * increasing order, so *next <= index means nobody took index yet (a worker
 * that took a later one passed index first, and would have taken it). */
static int claim(atomic_size_t *next, size_t index)
{
	size_t cur = atomic_load(next);
	while (cur <= index)
		if (atomic_compare_exchange_weak(next, &cur, index + 1))
			return 1;
	return 0;
}

/* Hands the entry's result over, unless it says nothing (a photo in a
 * Strava export is not even stored). */
static void zip_keep(zip_job *z)
{
	uint64_t bytes = z->cur.bytes;
	if (file_result_silent(&z->cur))
		file_result_dispose(&z->cur);
	else
		z->ctx->keep(z->ctx->h, &z->cur);
	z->ctx->progress(z->ctx->h, 1, 0, bytes);
}

static int zip_want(void *arg, size_t index, const char *name)
{
	zip_job *z = arg;
	rd_diag d = RD_DIAG_INIT;
	if (z->stripe == 0)
		z->ctx->progress(z->ctx->h, 0, 1, 0);
	if (!claim(z->next, index))
		return 0;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : strrchr(name, '!') + 1;
	if (base[0] == '.') /* AppleDouble "._x.fit" */
		return 0;
	if (file_result_init(&z->cur, z->major, index, name))
		return RD_ENOMEM;
	z->cur.quiet_unknown = !named_like_activity(name);
	if (decoder_open(&z->dec, z->ctx->cfg, &z->cur, 1)) {
		rd_diag_set(&d, RD_ENOMEM, name, 0, 0, "out of memory");
		file_result_reject(&z->cur, &d);
		z->ctx->keep(z->ctx->h, &z->cur);
		return 0;
	}
	return 1;
}

static int zip_data(void *arg, const uint8_t *p, size_t n)
{
	zip_job *z = arg;
	return decoder_feed(z->dec, p, n);
}

static void zip_end(void *arg, int rc, rd_diag *diag)
{
	zip_job *z = arg;
	if (rc && diag->code)
		decoder_fail_stream(z->dec, diag);
	decoder_finish(z->dec);
	decoder_close(z->dec);
	z->dec = NULL;
	zip_keep(z);
}

static void zip_reject(void *arg, size_t index, const rd_diag *why)
{
	zip_job *z = arg;
	file_result r;
	if (z->stripe != 0 || file_result_init(&r, z->major, index, why->file))
		return;
	file_result_reject(&r, why);
	z->ctx->keep(z->ctx->h, &r);
}

static void *zip_worker(void *arg)
{
	zip_job *z = arg;
	zip_limits lim = {z->ctx->opt->max_zip_entries, z->ctx->opt->max_zip_bytes,
			  z->ctx->opt->max_file_bytes, z->total, z->seen,
			  z->ctx->opt->max_ratio};
	zip_visitor v = {z, zip_want, zip_data, zip_end, zip_reject};
	z->rc = zip_walk(z->path, &lim, &v, &z->diag);
	if (z->dec) { /* stopped inside an entry that never ended */
		decoder_finish(z->dec);
		decoder_close(z->dec);
		z->dec = NULL;
		z->ctx->keep(z->ctx->h, &z->cur);
	}
	return NULL;
}

/* Reads one archive on every worker.  The workers share one zip_seen, so
 * the entries are recorded once. */
static int read_zip(const history_ctx *ctx, const char *path, uint64_t major)
{
	unsigned n = thread_count(ctx);
	zip_job jobs[MAX_THREADS];
	atomic_uint_least64_t total;
	atomic_size_t next;
	zip_seen *seen;
	atomic_init(&total, 0);
	atomic_init(&next, 0);
	int rc = zip_seen_new(&seen);
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++)
		jobs[i] = (zip_job){ctx, path, major, i, &next, &total, seen,
				    {0}, NULL, RD_DIAG_INIT, 0};
	run_threads(n, zip_worker, jobs, sizeof *jobs);
	zip_seen_free(seen);
	for (unsigned i = 0; i < n; i++) {
		zip_job *z = &jobs[i];
		file_result r;
		if (!z->rc || !z->diag.code || (i != 0 && jobs[0].rc))
			continue; /* one report of the archive */
		if (file_result_init(&r, major, UINT64_MAX, path))
			return RD_ENOMEM;
		file_result_reject(&r, &z->diag);
		ctx->keep(ctx->h, &r);
		jobs[0].rc = jobs[0].rc ? jobs[0].rc : z->rc;
	}
	return 0;
}

static int read_files(const history_ctx *ctx, const path_list *paths)
{
	files_job job = {ctx, 0, paths->explicit_path, 0};
	files_job *ptrs[MAX_THREADS];
	unsigned n = thread_count(ctx);
	for (unsigned i = 0; i < n; i++)
		ptrs[i] = &job;
	ctx->progress(ctx->h, 0, paths->files, 0);
	run_threads(n, files_worker, ptrs, sizeof *ptrs);
	return job.rc;
}

/* Reads the archives of the listing, one after the other. */
static int read_zips(const history_ctx *ctx)
{
	size_t i = 0;
	char *path;
	int rc;
	while (!(rc = hstore_list_next(ctx->store, ctx->call, 1, i, &i, &path))) {
		rc = read_zip(ctx, path, i++);
		rd_free(path);
		if (rc)
			return rc;
	}
	return rc == 1 ? 0 : rc;
}

static int list_path(path_list *l, const char *path, rd_diag *diag)
{
	struct stat st;
	if (stat(path, &st))
		return rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot read: %s",
				   strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		if (!dp)
			return rd_diag_set(diag, RD_EIO, path, 0, 0,
					   "cannot read folder: %s", strerror(errno));
		closedir(dp);
		return list_dir(l, path, 0);
	}
	if (!S_ISREG(st.st_mode)) /* a FIFO or device would block or never end */
		return rd_diag_set(diag, RD_EIO, path, 0, 0, "not a regular file or folder");
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot read: %s",
				   strerror(errno));
	close(fd);
	l->explicit_path = 1;
	return add_item(l, path);
}

int history_read_path(const history_ctx *ctx, const char *path, rd_diag *diag)
{
	path_list l = {ctx, 0, 0, 0, 0};
	int rc = list_path(&l, path, diag);
	if (!rc)
		rc = read_files(ctx, &l);
	if (!rc)
		rc = read_zips(ctx);
	if (rc) /* a diag list_path set stays */
		rd_diag_set(diag, rc, path, 0, 0, rc == RD_ENOMEM ? "out of memory" :
			    "cannot use the history's temporary store");
	return rc;
}
