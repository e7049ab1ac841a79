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
 * entry index) and history.c sorts by it.
 *
 * Files that neither look like activity files nor are named like one (a
 * Strava export also holds photos and other CSVs) are skipped silently.
 */
#include "alloc.h"
#include "formats/zip.h"
#include "history_int.h"

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

typedef struct path_item {
	char *path;
	int is_zip;
} path_item;

typedef struct path_list {
	path_item *items;
	size_t n, cap;
	result_list *problems; /* unreadable folders */
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

static int add_item(path_list *l, char *path)
{
	if (rd_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items)) {
		rd_free(path);
		return RD_ENOMEM;
	}
	l->items[l->n].path = path;
	l->items[l->n++].is_zip = is_zip_file(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(path_list *l, const char *dir, int depth);

/* A warning about a folder or one of its entries, in listing order. */
static int dir_problem(path_list *l, const char *dir, const char *why)
{
	file_result *r = result_list_add(l->problems, l->n, 0, dir);
	if (!r)
		return RD_ENOMEM;
	rd_diag d = RD_DIAG_INIT;
	rd_diag_set(&d, RD_EIO, dir, 0, 0, "%s", why);
	file_result_reject(r, &d);
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
		return add_item(l, path);
	}
	rd_free(path);
	return rc;
}

static int read_names(DIR *dp, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (rd_grow((void **)names, &cap, *n + 1, sizeof **names) ||
		    !((*names)[*n] = rd_strdup(e->d_name)))
			return RD_ENOMEM;
		(*n)++;
	}
	qsort(*names, *n, sizeof **names, cmp_str);
	return 0;
}

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
	char **names = NULL;
	size_t n = 0;
	int rc = read_names(dp, &names, &n);
	closedir(dp);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = list_entry(l, dir, names[i], depth);
		rd_free(names[i]);
	}
	rd_free(names);
	return rc;
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
	const path_list *paths;
	file_result **slot;   /* per path: its result, NULL for archives */
	size_t next;
	int explicit_path;
	pthread_mutex_t lock;
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

static void *files_worker(void *arg)
{
	files_job *job = *(files_job **)arg;
	uint8_t *buf = NULL; /* at the first file: a worker may get none */
	for (;;) {
		pthread_mutex_lock(&job->lock);
		size_t i = job->next;
		while (i < job->paths->n && !job->slot[i])
			i++;
		job->next = i + 1;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->paths->n)
			break;
		file_result *r = job->slot[i];
		if (!buf)
			buf = rd_malloc(READ_CHUNK);
		if (!buf) {
			rd_diag d = RD_DIAG_INIT;
			rd_diag_set(&d, RD_ENOMEM, r->source, 0, 0, "out of memory");
			file_result_reject(r, &d);
		} else {
			decode_file(job->ctx, job->paths->items[i].path, r, buf,
				    job->explicit_path);
		}
		job->ctx->keep(job->ctx->h, r);
		job->ctx->progress(job->ctx->h, 1, 0, r->bytes);
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
	result_list list;
	file_result *cur;
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

/* Drops the list's last result when it says nothing: a file skipped
 * silently (a photo in a Strava export) costs no memory until the end. */
static void forget_if_silent(result_list *l)
{
	file_result *r = &l->items[l->n - 1];
	if (r->counted || r->nacts || r->nwarns || r->more_warns || r->lost_warns || r->csv)
		return;
	file_result_dispose(r);
	l->n--;
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
	if (!(z->cur = result_list_add(&z->list, z->major, index, name)))
		return RD_ENOMEM;
	z->cur->quiet_unknown = !named_like_activity(name);
	if (decoder_open(&z->dec, z->ctx->cfg, z->cur, 1)) {
		rd_diag_set(&d, RD_ENOMEM, name, 0, 0, "out of memory");
		file_result_reject(z->cur, &d);
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
	z->ctx->keep(z->ctx->h, z->cur);
	z->ctx->progress(z->ctx->h, 1, 0, z->cur->bytes);
	forget_if_silent(&z->list);
}

static void zip_reject(void *arg, size_t index, const rd_diag *why)
{
	zip_job *z = arg;
	if (z->stripe != 0)
		return;
	file_result *r = result_list_add(&z->list, z->major, index, why->file);
	if (r)
		file_result_reject(r, why);
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
		z->ctx->keep(z->ctx->h, z->cur);
	}
	return NULL;
}

/* Reads one archive on every worker and moves the results to out.  The
 * workers share one zip_seen, so the entries are recorded once. */
static int read_zip(const history_ctx *ctx, const char *path, uint64_t major,
		    result_list *out)
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
				    {NULL, 0, 0}, NULL, NULL, RD_DIAG_INIT, 0};
	run_threads(n, zip_worker, jobs, sizeof *jobs);
	zip_seen_free(seen);
	for (unsigned i = 0; i < n; i++) {
		zip_job *z = &jobs[i];
		if (z->rc && z->diag.code && (i == 0 || !jobs[0].rc)) { /* one report */
			file_result *r = result_list_add(&z->list, major, UINT64_MAX, path);
			if (r)
				file_result_reject(r, &z->diag);
			jobs[0].rc = jobs[0].rc ? jobs[0].rc : z->rc;
		}
		for (size_t k = 0; k < z->list.n && !rc; k++) {
			file_result *dst = result_list_add(out, 0, 0, "");
			if (!dst) {
				rc = RD_ENOMEM;
				break;
			}
			rd_free(dst->source);
			*dst = z->list.items[k];
			memset(&z->list.items[k], 0, sizeof z->list.items[k]);
		}
		result_list_dispose(&z->list);
	}
	return rc;
}

static int read_files(const history_ctx *ctx, const path_list *paths,
		      result_list *out, int explicit_path)
{
	file_result **slot = rd_calloc(paths->n, sizeof *slot);
	if (!slot)
		return RD_ENOMEM;
	size_t base = out->n;
	for (size_t i = 0; i < paths->n; i++)
		if (!paths->items[i].is_zip &&
		    !result_list_add(out, i, 0, paths->items[i].path)) {
			rd_free(slot);
			return RD_ENOMEM;
		}
	for (size_t i = 0, k = base; i < paths->n; i++) /* stable now */
		slot[i] = paths->items[i].is_zip ? NULL : &out->items[k++];
	files_job job = {ctx, paths, slot, 0, explicit_path, PTHREAD_MUTEX_INITIALIZER};
	files_job *ptrs[MAX_THREADS];
	unsigned n = thread_count(ctx);
	for (unsigned i = 0; i < n; i++)
		ptrs[i] = &job;
	ctx->progress(ctx->h, 0, out->n - base, 0);
	run_threads(n, files_worker, ptrs, sizeof *ptrs);
	pthread_mutex_destroy(&job.lock);
	rd_free(slot);
	return 0;
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
	char *copy = rd_strdup(path);
	return copy ? add_item(l, copy) : RD_ENOMEM;
}

int history_read_path(const history_ctx *ctx, const char *path,
		      result_list *out, rd_diag *diag)
{
	path_list l = {NULL, 0, 0, out};
	int rc = list_path(&l, path, diag);
	int explicit_path = l.n == 1 && !strcmp(l.items[0].path, path);
	if (!rc)
		rc = read_files(ctx, &l, out, explicit_path);
	for (size_t i = 0; i < l.n; i++) {
		if (!rc && l.items[i].is_zip)
			rc = read_zip(ctx, l.items[i].path, i, out);
		rd_free(l.items[i].path);
	}
	rd_free(l.items);
	if (rc == RD_ENOMEM)
		rd_diag_set(diag, rc, path, 0, 0, "out of memory");
	else if (rc == RD_EIO && !diag->code) /* zip_seen_new() */
		rd_diag_set(diag, rc, path, 0, 0,
			    "cannot create the temporary database of zip entry names");
	return rc;
}
