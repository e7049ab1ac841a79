/*
 * zip.c: a zip archive's entries, streamed through libarchive (see zip.h).
 *
 * We walk the central directory ourselves (zip_dir.c), one header at a
 * time, so that nothing is kept per entry: the directory gives each entry's
 * name, type, sizes and local header position.  An entry we read gets its
 * own libarchive streaming reader, opened over the archive's bytes from its
 * local header to the end of its data (pread on the walk's own descriptor,
 * ZIP_CHUNK at a time), and asked for one header and its data;
 * archive_read_data_block() lends us its own buffer (inflated, or the
 * file's bytes for a stored entry), passed on in pieces of at most
 * ZIP_CHUNK bytes.  The local header must name the entry the directory
 * names, and the data must end before the directory starts.
 *
 * We never call archive_read_extract(), so entry names never become paths:
 * they are only compared with the Filename column of activities.csv.  The
 * checks on names are ours all the same, so that a name like "../x.fit" is
 * reported rather than matched.
 */
#include "formats/zip.h"
#include "formats/zip_dir.h"
#include "alloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	LOCAL = 30,              /* local header, without its name and extra */
	NAME_MAX_LEN = 65535,    /* a name's 16-bit length */
	DESCRIPTOR = 24,         /* the longest data descriptor (zip64) */
};

typedef struct walk {
	const char *path;
	const zip_limits *lim;
	const zip_visitor *v;
	zip_seen *seen;     /* lim->seen, or the walk's own */
	int fd;
	uint64_t entries_end; /* the central directory's offset */
	uint64_t size;        /* the file's */
	struct archive *a;  /* the entry being read */
	uint64_t at, end;   /* what a may still read of the archive */
	const zip_dir_entry *fix; /* its local header, until a has read it */
	int cut;            /* 1: a cut archive, read by a alone (walk_cut) */
	int64_t data_start; /* a's bytes read when the entry's data began */
	char name[1024];    /* "archive!member", for messages */
	char member[NAME_MAX_LEN + 1];
	uint8_t buf[LOCAL + NAME_MAX_LEN]; /* >= ZIP_CHUNK */
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

/* 1 when the entry has given more than max_ratio times what it took. */
static int too_dense(walk *w, uint64_t out)
{
	if (!w->lim->max_ratio || out <= ZIP_RATIO_AFTER)
		return 0;
	int64_t took = archive_filter_bytes(w->a, -1) - w->data_start;
	uint64_t in = took > ZIP_CHUNK ? (uint64_t)took : ZIP_CHUNK;
	return out / w->lim->max_ratio > in;
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

/* ---- one entry's data, through its own libarchive reader ---- */

/* libarchive's message for its last error. */
static const char *la_why(struct archive *a)
{
	const char *why = archive_error_string(a);
	return why ? why : "unknown error";
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Makes the local header at p say what the directory says of entry e:
 * libarchive's streaming reader then reads the directory's method and
 * sizes, as its seekable reader did, and needs no data descriptor (it
 * could only find a stored entry's end by looking for one). */
static void sync_header(uint8_t *p, const zip_dir_entry *e)
{
	put_le(p + 6, (p[6] | p[7] << 8) & ~8u, 2);
	put_le(p + 8, e->method, 2);
	put_le(p + 14, e->crc, 4);
	put_le(p + 18, (uint32_t)e->csize, 4);
	put_le(p + 22, (uint32_t)e->usize, 4);
}

static la_ssize_t src_read(struct archive *a, void *arg, const void **out)
{
	walk *w = arg;
	size_t n = w->end - w->at < ZIP_CHUNK ? (size_t)(w->end - w->at) : ZIP_CHUNK;
	ssize_t got = n ? pread(w->fd, w->buf, n, (off_t)w->at) : 0;
	*out = w->buf;
	if (got < 0) {
		archive_set_error(a, errno, "cannot read the archive");
		return ARCHIVE_FATAL;
	}
	if (w->fix && w->at == w->fix->local && got >= LOCAL)
		sync_header(w->buf, w->fix);
	w->fix = NULL;
	w->at += (uint64_t)got;
	return got;
}

static la_int64_t src_skip(struct archive *a, void *arg, la_int64_t n)
{
	walk *w = arg;
	(void)a;
	if (n < 0 || (uint64_t)n > w->end - w->at)
		n = (la_int64_t)(w->end - w->at);
	w->at += (uint64_t)n;
	return n;
}

/* Makes w->a a streaming zip reader of the archive's bytes [w->at, w->end),
 * to be opened. */
static int open_reader(walk *w)
{
	if (!(w->a = archive_read_new()))
		return RD_ENOMEM;
	archive_read_support_format_zip_streamable(w->a);
	archive_read_set_read_callback(w->a, src_read);
	archive_read_set_skip_callback(w->a, src_skip);
	archive_read_set_callback_data(w->a, w);
	return 0;
}

/* Checks e's local header against the directory: returns where its data
 * starts (> 0), or an error in ed. */
static int64_t locate(walk *w, const zip_dir_entry *e, rd_diag *ed)
{
	uint8_t *p = w->buf;
	unsigned long long at = e->local, stop = w->entries_end;
	if (at > stop || stop - at < LOCAL + e->name_len)
		return rd_diag_set(ed, RD_EFORMAT, w->name, 0, 0,
				   "zip local header at 0x%llx is past the entries, "
				   "which end at 0x%llx", at, stop);
	if (pread(w->fd, p, LOCAL + e->name_len, (off_t)at) != (ssize_t)(LOCAL + e->name_len))
		return rd_diag_set(ed, RD_EIO, w->name, 0, 0,
				   "cannot read the zip local header at 0x%llx", at);
	if (memcmp(p, "PK\3\4", 4))
		return rd_diag_set(ed, RD_EFORMAT, w->name, 0, 0,
				   "no zip local header at 0x%llx", at);
	size_t n = p[26] | p[27] << 8, m = p[28] | p[29] << 8;
	if (n != e->name_len || memcmp(p + LOCAL, e->name, n))
		return rd_diag_set(ed, RD_EFORMAT, w->name, 0, 0,
				   "zip local header at 0x%llx names another entry "
				   "than the central directory", at);
	uint64_t data = at + LOCAL + n + m;
	if (data > stop || e->csize > stop - data)
		return rd_diag_set(ed, RD_EFORMAT, w->name, 0, 0,
				   "zip entry data runs past the entries, which end at 0x%llx",
				   stop);
	return (int64_t)data;
}

/* Opens w->a on entry e and reads its local header. */
static int open_entry(walk *w, const zip_dir_entry *e, rd_diag *ed)
{
	int64_t data = locate(w, e, ed);
	if (data < 0)
		return (int)data;
	struct archive_entry *ae;
	w->at = e->local;
	w->end = (uint64_t)data + e->csize;
	w->fix = e->csize < 0xffffffff && e->usize < 0xffffffff ? e : NULL;
	/* Else libarchive reads the sizes after the data: it peeks at the
	 * longest descriptor, even when the next bytes are the directory's. */
	if (!w->fix)
		w->end = w->size - w->end < DESCRIPTOR ? w->size : w->end + DESCRIPTOR;
	if (open_reader(w))
		return rd_diag_set(ed, RD_ENOMEM, w->name, 0, 0, "out of memory");
	if (archive_read_open1(w->a) != ARCHIVE_OK ||
	    archive_read_next_header(w->a, &ae) < ARCHIVE_WARN)
		return rd_diag_set(ed, RD_EFORMAT, w->name, 0, 0, "corrupt zip entry: %s",
				   la_why(w->a));
	w->data_start = archive_filter_bytes(w->a, -1);
	return 0;
}

/* Streams the data of the entry w->a is at to the visitor, straight from
 * libarchive's buffer (archive_read_data_block: no copy).  Returns 0 or the
 * entry's error (in ed), with *stop set when the walk must end too: the
 * total limit, or a cut archive's reader failing. */
static int read_data(walk *w, rd_diag *ed, int *stop)
{
	uint64_t done = 0;
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		int r = archive_read_data_block(w->a, &block, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_OK) { /* as archive_read_data(): warnings too */
			*stop = w->cut && r == ARCHIVE_FATAL;
			return rd_diag_set_offset(ed, RD_EFORMAT, w->name, done,
						  "corrupt zip entry: %s", la_why(w->a));
		}
		int rc = pass_block(w, block, size, &done, ed, stop);
		if (rc)
			return rc;
	}
}

/* Reads entry e through its own reader.  Returns a walk-stopping error
 * (the total limit); entry-level outcomes go to v->end. */
static int read_entry(walk *w, const zip_dir_entry *e)
{
	rd_diag ed = RD_DIAG_INIT;
	int stop = 0, rc = open_entry(w, e, &ed);
	if (!rc)
		rc = read_data(w, &ed, &stop);
	if (w->a)
		archive_read_free(w->a);
	w->a = NULL;
	w->v->end(w->v->ctx, rc, &ed);
	return stop ? rc : 0;
}

/* ---- the walk over the central directory ---- */

/* 1 for a directory: a name ending in '/', or a directory's mode. */
static int is_directory(const zip_dir_entry *e, const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '/')
		return 1;
	if (e->made_by >> 8 == 3)
		return ((e->external >> 16) & S_IFMT) == S_IFDIR;
	return e->made_by >> 8 == 0 && (e->external & 0x10);
}

/* 1 for a unix symbolic link; zip has no other links. */
static int is_link(const zip_dir_entry *e)
{
	return e->made_by >> 8 == 3 && ((e->external >> 16) & S_IFMT) == S_IFLNK;
}

/* Copies e's name to w->member (up to a NUL in it) and w->name.  A name
 * with '\\' and no '/' uses '\\' as '/' (Windows archivers write such
 * names; libarchive reads them so when the local header says MS-DOS, which
 * most writers say whatever the system). */
static void take_name(walk *w, const char *name, size_t len)
{
	memcpy(w->member, name, len);
	w->member[len] = 0;
	if (!strchr(w->member, '/'))
		for (char *c = w->member; (c = strchr(c, '\\')) != NULL; c++)
			*c = '/';
	size_t n = (size_t)snprintf(w->name, sizeof w->name, "%s!", w->path);
	if (n < sizeof w->name) /* a long name is cut, as the message line is */
		snprintf(w->name + n, sizeof w->name - n, "%.*s", (int)(sizeof w->name - n - 1),
			 w->member);
}

/* Checks entry index, named w->member, of type 'd' (a directory), 'l' (a
 * link) or 0, whose local header is at pos; returns 1 to read it, 0 to
 * skip, <0 to stop. */
static int screen(walk *w, size_t index, int type, int64_t pos)
{
	if (type == 'd')
		return 0;
	const char *why = NULL;
	if (type == 'l')
		why = "zip entry is a link";
	else if (!w->member[0])
		why = "zip entry has no name";
	else if (!(why = zip_name_problem(w->member))) {
		int rc = zip_seen_check(w->seen, index, w->member, pos, &why);
		if (rc < 0)
			return rc;
	}
	if (why) {
		reject(w, index, why);
		return 0;
	}
	return w->v->want(w->v->ctx, index, w->name);
}

static int walk_entries(walk *w, zip_dir *dir, rd_diag *diag)
{
	zip_dir_entry e;
	for (size_t index = 0;; index++) {
		int rc = zip_dir_next(dir, &e);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return rd_diag_set_offset(diag, rc, w->path, zip_dir_offset(dir),
						  "corrupt zip directory after entry %zu: %s",
						  index, zip_dir_why(dir));
		if (w->lim->max_entries && index >= w->lim->max_entries)
			return rd_diag_set(diag, RD_ELIMIT, w->path, 0, 0,
					   "zip entry limit of %u entries reached",
					   (unsigned)w->lim->max_entries);
		take_name(w, e.name, e.name_len);
		rc = screen(w, index, is_directory(&e, w->member) ? 'd' : is_link(&e) ? 'l' : 0,
			    (int64_t)e.local);
		if (rc < 0)
			return rc;
		if (rc > 0 && (rc = read_entry(w, &e)) != 0)
			return rc;
	}
}

/* ---- a cut archive: no end record, so no directory ---- */

/* The type screen() wants of a cut archive's entry. */
static int cut_type(struct archive_entry *ae)
{
	if (archive_entry_filetype(ae) == AE_IFDIR)
		return 'd';
	return archive_entry_symlink(ae) || archive_entry_hardlink(ae) ||
			       archive_entry_filetype(ae) == AE_IFLNK ? 'l' : 0;
}

/* Reads a cut archive as far as it goes, as libarchive's streaming reader
 * can, local header after local header with one reader, as rubdown read
 * every archive before it walked directories: a link reads as a small file
 * of its target's name (its type is in the directory only), and the walk
 * stops at an entry whose end the reader cannot find. */
static int walk_cut(walk *w, rd_diag *diag)
{
	struct archive_entry *ae;
	w->cut = 1;
	w->at = 0;
	w->end = w->size;
	if (open_reader(w))
		return RD_ENOMEM;
	if (archive_read_open1(w->a) != ARCHIVE_OK)
		return rd_diag_set(diag, RD_EFORMAT, w->path, 0, 0, "not a zip archive: %s",
				   la_why(w->a));
	for (size_t index = 0;; index++) {
		int r = archive_read_next_header(w->a, &ae);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return rd_diag_set(diag, RD_EFORMAT, w->path, 0, 0,
					   "corrupt zip archive after entry %zu: %s",
					   index, la_why(w->a));
		if (w->lim->max_entries && index >= w->lim->max_entries)
			return rd_diag_set(diag, RD_ELIMIT, w->path, 0, 0,
					   "zip entry limit of %u entries reached",
					   (unsigned)w->lim->max_entries);
		const char *name = archive_entry_pathname_utf8(ae);
		name = name ? name : archive_entry_pathname(ae);
		take_name(w, name ? name : "", name ? strlen(name) : 0);
		w->data_start = archive_filter_bytes(w->a, -1);
		int rc = screen(w, index, cut_type(ae), archive_read_header_position(w->a));
		if (rc > 0) {
			rd_diag ed = RD_DIAG_INIT;
			int stop = 0;
			rc = read_data(w, &ed, &stop);
			w->v->end(w->v->ctx, rc, &ed);
			rc = stop ? rc : 0;
		}
		if (rc < 0)
			return rc;
	}
}

/* Opens the archive and its directory: 0, 1 when it has no end record, or
 * an error in diag. */
static int open_archive(walk *w, zip_dir **dir, rd_diag *diag)
{
	zip_directory d;
	struct stat st;
	if ((w->fd = open(w->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(w->fd, &st))
		return rd_diag_set(diag, RD_EIO, w->path, 0, 0, "cannot read zip archive: %s",
				   strerror(errno));
	w->size = (uint64_t)st.st_size;
	int rc = zip_directory_find(w->fd, &d);
	if (rc == 1)
		return 1;
	if (rc == RD_EFORMAT)
		return rd_diag_set(diag, rc, w->path, 0, 0, "corrupt zip archive: %s", d.why);
	if (rc == RD_EIO)
		return rd_diag_set(diag, rc, w->path, 0, 0, "cannot read zip archive: %s",
				   strerror(errno));
	w->entries_end = d.offset;
	return rc ? rc : zip_dir_open(dir, w->fd, &d);
}

int zip_walk(const char *path, const zip_limits *lim, const zip_visitor *v,
	     rd_diag *diag)
{
	walk *w = rd_malloc(sizeof *w);
	zip_seen *own = NULL;
	zip_dir *dir = NULL;
	int rc = RD_ENOMEM;
	if (!w)
		goto done;
	*w = (walk){.path = path, .lim = lim, .v = v, .seen = lim->seen, .fd = -1};
	if (!w->seen && (rc = zip_seen_new(&own)) != 0)
		goto done;
	if (!w->seen)
		w->seen = own;
	if ((rc = open_archive(w, &dir, diag)) == 0)
		rc = walk_entries(w, dir, diag);
	else if (rc == 1)
		rc = walk_cut(w, diag);
done:
	if (rc < 0 && !diag->code) /* the visitor's, or our own resources */
		rd_diag_set(diag, rc, path, 0, 0, "%s",
			    rc == RD_ENOMEM ? "out of memory"
			    : rc == RD_EIO ? "cannot write the temporary database of entry names"
			    : "zip reading stopped");
	zip_dir_free(dir);
	if (w && w->a)
		archive_read_free(w->a);
	if (w && w->fd >= 0)
		close(w->fd);
	rd_free(w);
	zip_seen_free(own);
	return rc;
}
