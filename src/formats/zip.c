/*
 * zip.c: a zip archive's entries, streamed through libarchive (see zip.h).
 *
 * libarchive's zip reader, given a seekable file, reads the central directory
 * and then each entry's local header and data (an archive whose directory is
 * too big to hold is read streaming instead, see ZIP_DIRECTORY_MAX in
 * zip.h); archive_read_data_block()
 * lends us its own buffer (inflated, or the file's bytes for a stored
 * entry), passed on in pieces of at most ZIP_CHUNK bytes.  We never call archive_read_extract(), so entry
 * names never become paths: they are only compared with the Filename column
 * of activities.csv.  The checks on names are ours all the same, so that a
 * name like "../x.fit" is reported rather than matched.
 */
#include "formats/zip.h"
#include "alloc.h"
#include "arena.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The seen set: for the duplicate and overlap checks (Z06/Z09), the entries
 * accepted so far, by name (ignoring ASCII case) and by local header
 * position, each key mapped to the lowest index that has it.  A refused
 * entry is not recorded: the first entry *used* wins, as the warning says.
 * The walkers of one archive share one set under its lock, so a name is
 * stored once, in an arena with the others.
 *
 * Why the walkers agree: each checks every header in index order, so when it
 * reaches entry i it has itself recorded every accepted entry below i, and
 * what the others recorded is either the same entries or later ones (index
 * >= i).  So "a key is stored with an index below i" means, on every walker
 * and in any interleaving, "an earlier accepted entry has it".
 */
typedef struct seen_item {
	const char *name; /* in s->names */
	int64_t pos;      /* -1: unknown */
	size_t index;
} seen_item;

struct zip_seen {
	pthread_mutex_t lock;
	seen_item *items;
	size_t n, items_cap;
	uint32_t *by_name, *by_pos; /* item number + 1, 0 when empty */
	size_t cap;                 /* slots in each table, a power of two */
	rd_arena names; /* the items' names */
};

int zip_seen_new(zip_seen **out)
{
	zip_seen *s = rd_calloc(1, sizeof *s);
	if (s && pthread_mutex_init(&s->lock, NULL)) {
		rd_free(s);
		s = NULL;
	}
	*out = s;
	return s ? 0 : RD_ENOMEM;
}

void zip_seen_free(zip_seen *s)
{
	if (!s)
		return;
	rd_arena_free(&s->names);
	rd_free(s->items);
	rd_free(s->by_name);
	rd_free(s->by_pos);
	pthread_mutex_destroy(&s->lock);
	rd_free(s);
}

typedef struct walk {
	const char *path;
	const zip_limits *lim;
	const zip_visitor *v;
	struct archive *a;
	zip_seen *seen; /* lim->seen, or the walk's own */
	int64_t data_start; /* archive bytes read when the entry's data began */
	char name[1024];
} walk;

const char *zip_name_problem(const char *name)
{
	if (name[0] == '/' || name[0] == '\\' ||
	    (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':'))
		return "zip entry name is absolute";
	for (const char *s = name; *s;) {
		size_t n = strcspn(s, "/\\");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return "zip entry name escapes the archive";
		s += n;
		if (*s)
			s++;
	}
	return NULL;
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)((*s >= 'A' && *s <= 'Z') ? *s | 0x20 : *s)) *
		    1099511628211ull;
	return h;
}

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (((*a >= 'A' && *a <= 'Z') ? *a | 0x20 : *a) !=
		    ((*b >= 'A' && *b <= 'Z') ? *b | 0x20 : *b))
			return 0;
	return *a == *b;
}

static size_t pos_slot(const zip_seen *s, const uint32_t *t, int64_t p)
{
	size_t j = (size_t)(((uint64_t)p * 11400714819323198485ull) >> 20) & (s->cap - 1);
	while (t[j] && s->items[t[j] - 1].pos != p)
		j = (j + 1) & (s->cap - 1);
	return j;
}

static size_t name_slot(const zip_seen *s, const uint32_t *t, const char *name)
{
	size_t j = hash_name(name) & (s->cap - 1);
	while (t[j] && !same_name(s->items[t[j] - 1].name, name))
		j = (j + 1) & (s->cap - 1);
	return j;
}

/* Points slot *t at item k unless it holds a lower index already. */
static void keep_min(const zip_seen *s, uint32_t *t, size_t k)
{
	if (!*t || s->items[*t - 1].index > s->items[k].index)
		*t = (uint32_t)(k + 1);
}

static int seen_grow(zip_seen *s)
{
	if (s->cap >= ((size_t)1 << 31))
		return RD_ELIMIT; /* slots are 32 bits */
	size_t cap = s->cap ? s->cap * 2 : 256;
	uint32_t *names = rd_calloc(cap, sizeof *names);
	uint32_t *pos = rd_calloc(cap, sizeof *pos);
	if (!names || !pos) {
		rd_free(names);
		rd_free(pos);
		return RD_ENOMEM;
	}
	rd_free(s->by_name);
	rd_free(s->by_pos);
	s->by_name = names;
	s->by_pos = pos;
	s->cap = cap;
	for (size_t k = 0; k < s->n; k++) {
		keep_min(s, &names[name_slot(s, names, s->items[k].name)], k);
		if (s->items[k].pos >= 0)
			keep_min(s, &pos[pos_slot(s, pos, s->items[k].pos)], k);
	}
	return 0;
}

/* Records entry index under name and pos; jn and jp are their slots. */
static int seen_add(zip_seen *s, const char *name, int64_t pos, size_t index,
		    size_t jn, size_t jp)
{
	uint32_t *tn = &s->by_name[jn], *tp = pos >= 0 ? &s->by_pos[jp] : NULL;
	if ((*tn && s->items[*tn - 1].index <= index) &&
	    (!tp || (*tp && s->items[*tp - 1].index <= index)))
		return 0; /* another walker recorded this entry */
	if (rd_grow((void **)&s->items, &s->items_cap, s->n + 1, sizeof *s->items))
		return RD_ENOMEM;
	seen_item it = {rd_arena_strndup(&s->names, name, strlen(name)), pos, index};
	if (!it.name)
		return RD_ENOMEM;
	s->items[s->n] = it;
	keep_min(s, tn, s->n);
	if (tp)
		keep_min(s, tp, s->n);
	s->n++;
	return 0;
}

int zip_seen_check(zip_seen *s, size_t index, const char *name, int64_t pos,
		   const char **why)
{
	int rc = 0;
	pthread_mutex_lock(&s->lock);
	if ((s->n + 1) * 2 > s->cap && (rc = seen_grow(s)) != 0)
		goto done;
	size_t jn = name_slot(s, s->by_name, name);
	size_t jp = pos >= 0 ? pos_slot(s, s->by_pos, pos) : 0;
	if (s->by_name[jn] && s->items[s->by_name[jn] - 1].index < index) {
		*why = "duplicate zip entry name; the first one is used";
		rc = 1;
	} else if (pos >= 0 && s->by_pos[jp] && s->items[s->by_pos[jp] - 1].index < index) {
		*why = "zip entry overlaps an earlier entry";
		rc = 1;
	} else {
		rc = seen_add(s, name, pos, index, jn, jp);
	}
done:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static void reject(walk *w, size_t index, const char *why)
{
	if (!w->v->reject)
		return;
	rd_diag d = RD_DIAG_INIT;
	rd_diag_set(&d, RD_EFORMAT, w->name, 0, 0, "%s", why);
	w->v->reject(w->v->ctx, index, &d);
}

static int add_total(walk *w, size_t n, rd_diag *diag)
{
	if (!w->lim->total_out)
		return 0;
	uint64_t total = atomic_fetch_add(w->lim->total_out, n) + n;
	if (w->lim->max_total && total > w->lim->max_total)
		return rd_diag_set(diag, RD_ELIMIT, w->name, 0, 0,
				   "zip total size limit of %llu bytes exceeded",
				   (unsigned long long)w->lim->max_total);
	return 0;
}

/* Hands one block of entry data to the visitor in ZIP_CHUNK pieces,
 * counting it against the limits.  Returns 0, or an error (in ed) with
 * *stop set when the whole walk must end. */
/* 1 when the entry has given more than max_ratio times what it took. */
static int too_dense(walk *w, uint64_t out)
{
	if (!w->lim->max_ratio || out <= ZIP_RATIO_AFTER)
		return 0;
	int64_t took = archive_filter_bytes(w->a, -1) - w->data_start;
	uint64_t in = took > ZIP_CHUNK ? (uint64_t)took : ZIP_CHUNK;
	return out / w->lim->max_ratio > in;
}

static int pass_block(walk *w, const uint8_t *p, size_t n, uint64_t *done,
		      rd_diag *ed, int *stop)
{
	while (n > 0) {
		size_t got = n < ZIP_CHUNK ? n : ZIP_CHUNK;
		*done += got;
		if (w->lim->max_entry && *done > w->lim->max_entry)
			return rd_diag_set_offset(ed, RD_ELIMIT, w->name, *done,
						  "decompressed size limit of %llu bytes exceeded",
						  (unsigned long long)w->lim->max_entry);
		if (too_dense(w, *done))
			return rd_diag_set_offset(ed, RD_ELIMIT, w->name, *done,
						  "decompression ratio above %u:1",
						  (unsigned)w->lim->max_ratio);
		int rc = add_total(w, got, ed);
		if (rc) {
			*stop = 1;
			return rc;
		}
		if ((rc = w->v->data(w->v->ctx, p, got)) != 0)
			return rc;
		p += got;
		n -= got;
	}
	return 0;
}

/* Streams one entry's data to the visitor, straight from libarchive's
 * buffer (archive_read_data_block: no copy).  Returns a walk-stopping error
 * (total limit, corrupt archive); entry-level outcomes go to v->end. */
static int read_entry(walk *w, rd_diag *diag)
{
	rd_diag ed = RD_DIAG_INIT;
	uint64_t done = 0;
	int rc = 0, stop = 0;
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		int r = archive_read_data_block(w->a, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_OK) { /* as archive_read_data(): warnings too */
			rc = rd_diag_set_offset(&ed, RD_EFORMAT, w->name, done,
						"corrupt zip entry: %s",
						archive_error_string(w->a));
			stop = r == ARCHIVE_FATAL;
			break;
		}
		if ((rc = pass_block(w, block, size, &done, &ed, &stop)) != 0)
			break;
	}
	(void)diag; /* the entry's end reports why the walk stops */
	w->v->end(w->v->ctx, rc, &ed);
	return stop ? rc : 0;
}

/* Checks one header; returns 1 to read it, 0 to skip, <0 to stop. */
static int screen(walk *w, struct archive_entry *e, size_t index)
{
	const char *name = archive_entry_pathname_utf8(e);
	if (!name)
		name = archive_entry_pathname(e);
	snprintf(w->name, sizeof w->name, "%s!%s", w->path, name ? name : "?");
	w->data_start = archive_filter_bytes(w->a, -1);
	if (archive_entry_filetype(e) == AE_IFDIR)
		return 0;
	const char *why = NULL;
	if (archive_entry_symlink(e) || archive_entry_hardlink(e) ||
	    archive_entry_filetype(e) == AE_IFLNK)
		why = "zip entry is a link";
	else if (!name || !name[0])
		why = "zip entry has no name";
	else if (!(why = zip_name_problem(name))) {
		/* Where the entry's data starts, just past its local header:
		 * the same on every walker (archive_read_header_position() is
		 * where the previous entry's reading or skipping stopped). */
		int rc = zip_seen_check(w->seen, index, name, w->data_start, &why);
		if (rc < 0)
			return rc;
	}
	if (why) {
		reject(w, index, why);
		return 0;
	}
	return w->v->want(w->v->ctx, index, w->name);
}

static int walk_entries(walk *w, rd_diag *diag)
{
	struct archive_entry *e;
	size_t index = 0;
	for (;; index++) {
		int r = archive_read_next_header(w->a, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return rd_diag_set(diag, RD_EFORMAT, w->path, 0, 0,
					   "corrupt zip archive after entry %zu: %s",
					   index, archive_error_string(w->a));
		if (w->lim->max_entries && index >= w->lim->max_entries)
			return rd_diag_set(diag, RD_ELIMIT, w->path, 0, 0,
					   "zip entry limit of %u entries reached",
					   (unsigned)w->lim->max_entries);
		int rc = screen(w, e, index);
		if (rc < 0)
			return rc;
		if (rc > 0 && (rc = read_entry(w, diag)) != 0)
			return rc;
	}
}

/* ---- the directory's size, before libarchive reads it ---- */

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The zip64 end record's entry count, through the locator that sits just
 * before the end record at eocd; 0 when there is none. */
static int zip64_count(int fd, int64_t eocd, zip_directory *out)
{
	uint8_t loc[20], rec[56];
	if (eocd < 20 || pread(fd, loc, 20, eocd - 20) != 20 ||
	    memcmp(loc, "PK\6\7", 4))
		return 0;
	uint64_t at = le(loc + 8, 8);
	if (at > INT64_MAX || pread(fd, rec, 56, (off_t)at) != 56 || memcmp(rec, "PK\6\6", 4))
		return 0;
	out->entries = le(rec + 32, 8);
	out->bytes = le(rec + 40, 8);
	return 1;
}

int zip_directory_size(const char *path, zip_directory *out)
{
	enum { EOCD = 22, TAIL = EOCD + 65535 }; /* the record, and its comment */
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return RD_EIO;
	}
	int64_t size = st.st_size, from = size > TAIL ? size - TAIL : 0;
	uint8_t *tail = rd_malloc(TAIL);
	ssize_t got = tail ? pread(fd, tail, (size_t)(size - from), from) : -1;
	int rc = tail ? 1 : RD_ENOMEM;
	/* The last end record whose comment fits before the end of the file. */
	for (ssize_t i = got - EOCD; i >= 0 && rc == 1; i--) {
		const uint8_t *p = tail + i;
		if (memcmp(p, "PK\5\6", 4) || i + EOCD + (ssize_t)le(p + 20, 2) > got)
			continue;
		out->entries = le(p + 10, 2);
		out->bytes = le(p + 12, 4);
		if (out->entries == 0xffff || out->bytes == 0xffffffff)
			zip64_count(fd, from + i, out);
		rc = 0;
	}
	rd_free(tail);
	close(fd);
	return rc;
}

/* 1 when the archive is read streaming: its directory is over the limits;
 * 0 also when there is no end record (libarchive then falls back to
 * streaming itself) or the file cannot be read (libarchive says why);
 * RD_ENOMEM. */
static int read_streaming(const char *path, const zip_limits *lim)
{
	zip_directory d;
	uint64_t max = lim->max_directory ? lim->max_directory : ZIP_DIRECTORY_MAX;
	int rc = zip_directory_size(path, &d);
	if (rc)
		return rc == RD_ENOMEM ? rc : 0;
	return d.entries > max || d.bytes > ZIP_DIRECTORY_MAX_BYTES;
}

int zip_walk(const char *path, const zip_limits *lim, const zip_visitor *v,
	     rd_diag *diag)
{
	walk w = {path, lim, v, NULL, lim->seen, 0, {0}};
	zip_seen *own = NULL;
	int rc = RD_ENOMEM;
	if (!w.seen && zip_seen_new(&own))
		goto done;
	if (!w.seen)
		w.seen = own;
	if (!(w.a = archive_read_new()))
		goto done;
	int streaming = read_streaming(path, lim);
	if (streaming < 0) {
		rc = streaming;
		goto done;
	}
	if (streaming)
		archive_read_support_format_zip_streamable(w.a);
	else
		archive_read_support_format_zip(w.a);
	if (archive_read_open_filename(w.a, path, ZIP_CHUNK) != ARCHIVE_OK) {
		rc = rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot read zip archive: %s",
				 archive_error_string(w.a));
		goto done;
	}
	rc = walk_entries(&w, diag);
done:
	if (rc < 0 && !diag->code) /* the visitor's or our own allocation */
		rd_diag_set(diag, rc, path, 0, 0, "%s",
			    rc == RD_ENOMEM ? "out of memory" : "zip reading stopped");
	if (w.a)
		archive_read_free(w.a);
	zip_seen_free(own);
	return rc;
}
