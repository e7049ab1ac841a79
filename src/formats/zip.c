/*
 * zip.c: a zip archive's entries, streamed through libarchive (see zip.h).
 *
 * libarchive's zip reader, given a seekable file, reads the central directory
 * and then each entry's local header and data; archive_read_data_block()
 * lends us its own buffer (inflated, or the file's bytes for a stored
 * entry), passed on in pieces of at most ZIP_CHUNK bytes.  We never call archive_read_extract(), so entry
 * names never become paths: they are only compared with the Filename column
 * of activities.csv.  The checks on names are ours all the same, so that a
 * name like "../x.fit" is reported rather than matched.
 */
#include "formats/zip.h"
#include "alloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>

/* Names seen so far (lower case) and local header positions, for Z06/Z09. */
typedef struct seen_set {
	char **names;
	int64_t *pos;
	size_t cap, n;
} seen_set;

typedef struct walk {
	const char *path;
	const zip_limits *lim;
	const zip_visitor *v;
	struct archive *a;
	seen_set seen;
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

static void seen_dispose(seen_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		rd_free(s->names[i]);
	rd_free(s->names);
	rd_free(s->pos);
}

static size_t pos_slot(const int64_t *pos, size_t cap, int64_t p)
{
	size_t j = (size_t)(((uint64_t)p * 11400714819323198485ull) >> 20) & (cap - 1);
	while (pos[j] >= 0 && pos[j] != p)
		j = (j + 1) & (cap - 1);
	return j;
}

static size_t name_slot(char *const *names, size_t cap, const char *name)
{
	size_t j = hash_name(name) & (cap - 1);
	while (names[j] && !same_name(names[j], name))
		j = (j + 1) & (cap - 1);
	return j;
}

static int seen_grow(seen_set *s)
{
	seen_set big = {NULL, NULL, s->cap ? s->cap * 2 : 256, s->n};
	big.names = rd_calloc(big.cap, sizeof *big.names);
	big.pos = rd_malloc(big.cap * sizeof *big.pos);
	if (!big.names || !big.pos) {
		rd_free(big.names);
		rd_free(big.pos);
		return RD_ENOMEM;
	}
	memset(big.pos, 0xff, big.cap * sizeof *big.pos); /* all -1 */
	for (size_t i = 0; i < s->cap; i++) {
		if (s->names[i])
			big.names[name_slot(big.names, big.cap, s->names[i])] = s->names[i];
		if (s->pos[i] >= 0)
			big.pos[pos_slot(big.pos, big.cap, s->pos[i])] = s->pos[i];
	}
	rd_free(s->names);
	rd_free(s->pos);
	*s = big;
	return 0;
}

/* 1 (and *why) if name, or its case variant, or pos was seen; else adds
 * them.  pos < 0 is not checked. */
static int seen_check(seen_set *s, const char *name, int64_t pos, const char **why)
{
	if ((s->n + 1) * 2 > s->cap && seen_grow(s))
		return RD_ENOMEM;
	size_t j = name_slot(s->names, s->cap, name);
	if (s->names[j]) {
		*why = "duplicate zip entry name; the first one is used";
		return 1;
	}
	size_t k = pos >= 0 ? pos_slot(s->pos, s->cap, pos) : 0;
	if (pos >= 0 && s->pos[k] == pos) {
		*why = "zip entry overlaps an earlier entry";
		return 1;
	}
	if (!(s->names[j] = rd_strdup(name)))
		return RD_ENOMEM;
	if (pos >= 0)
		s->pos[k] = pos;
	s->n++;
	return 0;
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
	if (archive_entry_filetype(e) == AE_IFDIR)
		return 0;
	const char *why = NULL;
	if (archive_entry_symlink(e) || archive_entry_hardlink(e) ||
	    archive_entry_filetype(e) == AE_IFLNK)
		why = "zip entry is a link";
	else if (!name || !name[0])
		why = "zip entry has no name";
	else if (!(why = zip_name_problem(name))) {
		int rc = seen_check(&w->seen, name, archive_read_header_position(w->a), &why);
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

int zip_walk(const char *path, const zip_limits *lim, const zip_visitor *v,
	     rd_diag *diag)
{
	walk w = {path, lim, v, NULL, {NULL, NULL, 0, 0}, {0}};
	int rc = RD_ENOMEM;
	if (!(w.a = archive_read_new()))
		goto done;
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
	seen_dispose(&w.seen);
	return rc;
}
