/*
 * zip_dir.c: a zip archive's central directory, walked sequentially (see
 * zip_dir.h).  The end of an archive, all integers little-endian
 * (PKWARE APPNOTE 4.3.12-4.3.16, 4.5.3):
 *
 *   local headers and data | central headers | [zip64 end | zip64 locator] | end
 *
 *   end record (22 + comment): "PK\5\6", disk numbers (2, 2), entries on
 *     this disk (2), entries @10 (2), directory size @12 (4), directory
 *     offset @16 (4), comment length @20 (2).  0xffff / 0xffffffff: see zip64.
 *   zip64 locator (20), just before the end record: "PK\6\7", disk (4),
 *     zip64 end record offset @8 (8), disks (4).
 *   zip64 end record (56 + data): "PK\6\6", ..., entries @32 (8),
 *     directory size @40 (8), directory offset @48 (8).
 *   central header (46 + name + extra + comment): "PK\1\2", made by @4,
 *     needed @6, flags @8, method @10, time and date @12, crc @16 (4),
 *     compressed size @20 (4), size @24 (4), name length @28, extra length
 *     @30, comment length @32, disk @34, internal attributes @36,
 *     external attributes @38 (4), local header offset @42 (4).
 *   extra field: (id 2, length 2, data) records; id 1 (zip64) holds, 8
 *     bytes each and in this order, the size, compressed size and local
 *     header offset whose central field is 0xffffffff.
 */
#include "formats/zip_dir.h"
#include "alloc.h"
#include "rubdown/error.h"

#include <string.h>
#include <unistd.h>

enum {
	EOCD = 22,                     /* end record, without its comment */
	TAIL = EOCD + 65535,           /* ... and with the longest one */
	CENTRAL = 46,                  /* central header, without its fields */
	WINDOW = 256 << 10,            /* >= CENTRAL + two 65535-byte fields */
};

struct zip_dir {
	int fd;
	uint64_t at, end;  /* the next header; the directory's end */
	uint64_t left;     /* headers still to read */
	uint64_t base;     /* buf holds the file's bytes [base, base + len) */
	size_t len;
	uint64_t header;   /* where the last header read starts */
	uint64_t shift;    /* zip_directory.shift */
	const char *why;
	int err;           /* with why: RD_EFORMAT or RD_EIO */
	uint8_t buf[WINDOW];
};

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The zip64 end record through the locator just before the end record at
 * eocd: 1 with *out's fields and *at (where the record starts) set from it,
 * 0 when there is none. */
static int zip64_end(int fd, uint64_t eocd, zip_directory *out, uint64_t *at)
{
	uint8_t loc[20], rec[56];
	if (eocd < 20 || pread(fd, loc, 20, (off_t)(eocd - 20)) != 20 ||
	    memcmp(loc, "PK\6\7", 4))
		return 0;
	uint64_t rec_at = le(loc + 8, 8);
	if (rec_at > eocd - 20 || eocd - 20 - rec_at < 56 ||
	    pread(fd, rec, 56, (off_t)rec_at) != 56 || memcmp(rec, "PK\6\6", 4))
		return 0;
	*at = rec_at;
	out->entries = le(rec + 32, 8);
	out->bytes = le(rec + 40, 8);
	out->offset = le(rec + 48, 8);
	return 1;
}

/* Checks that the directory lies before end (where the records after it
 * start) and can hold its count of headers. */
static int check_directory(zip_directory *d, uint64_t end)
{
	if (d->offset > end || d->bytes > end - d->offset)
		d->why = "the central directory lies outside the archive";
	else if (d->entries > d->bytes / CENTRAL)
		d->why = "the central directory is too small for its count of entries";
	return d->why ? RD_EFORMAT : 0;
}

static int header_at(int fd, uint64_t at)
{
	uint8_t sig[4];
	return pread(fd, sig, 4, (off_t)at) == 4 && !memcmp(sig, "PK\1\2", 4);
}

/* Bytes prepended to an archive (a self-extracting one) move it all by the
 * same amount, which its offsets do not know: the directory ends where the
 * end records start, so that is where it is looked for when the offset
 * points elsewhere. */
static void find_shift(int fd, zip_directory *d, uint64_t end)
{
	if (!d->entries || d->bytes > end || end - d->bytes <= d->offset ||
	    header_at(fd, d->offset) || !header_at(fd, end - d->bytes))
		return;
	d->shift = end - d->bytes - d->offset;
	d->offset += d->shift;
}

/* Reads the end record at eocd (p: its bytes) and what it points to. */
static int read_end(int fd, const uint8_t *p, uint64_t eocd, zip_directory *out)
{
	*out = (zip_directory){le(p + 10, 2), le(p + 12, 4), le(p + 16, 4), 0, NULL};
	uint64_t end = eocd;
	if (out->entries == 0xffff || out->bytes == 0xffffffff ||
	    out->offset == 0xffffffff)
		zip64_end(fd, eocd, out, &end);
	find_shift(fd, out, end);
	return check_directory(out, end);
}

int zip_directory_find(int fd, zip_directory *out)
{
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return RD_EIO;
	off_t from = size > TAIL ? size - TAIL : 0;
	uint8_t *tail = rd_malloc(TAIL);
	ssize_t got = tail ? pread(fd, tail, (size_t)(size - from), from) : -1;
	int rc = !tail ? RD_ENOMEM : got < 0 ? RD_EIO : 1;
	/* The last end record whose comment fits before the end of the file. */
	for (ssize_t i = got - EOCD; i >= 0 && rc == 1; i--) {
		const uint8_t *p = tail + i;
		if (memcmp(p, "PK\5\6", 4) || i + EOCD + (ssize_t)le(p + 20, 2) > got)
			continue;
		rc = read_end(fd, p, (uint64_t)(from + i), out);
	}
	rd_free(tail);
	return rc;
}

int zip_dir_open(zip_dir **out, int fd, const zip_directory *d)
{
	zip_dir *r = rd_malloc(sizeof *r);
	if (r) {
		r->fd = fd;
		r->at = r->header = d->offset;
		r->end = d->offset + d->bytes;
		r->left = d->entries;
		r->shift = d->shift;
		r->base = r->len = 0;
		r->why = NULL;
		r->err = 0;
	}
	*out = r;
	return r ? 0 : RD_ENOMEM;
}

void zip_dir_free(zip_dir *r)
{
	rd_free(r);
}

const char *zip_dir_why(const zip_dir *r)
{
	return r->why ? r->why : "";
}

uint64_t zip_dir_offset(const zip_dir *r)
{
	return r->header;
}

/* The directory's n bytes at at (n <= WINDOW), read into the buffer when
 * they are not all in it already; NULL with r->why set. */
static const uint8_t *bytes(zip_dir *r, uint64_t at, size_t n)
{
	if (at > r->end || n > r->end - at) {
		r->why = "a header runs past the end of the central directory";
		r->err = RD_EFORMAT;
		return NULL;
	}
	if (at < r->base || at + n > r->base + r->len) {
		uint64_t want = r->end - at < WINDOW ? r->end - at : WINDOW;
		ssize_t got = pread(r->fd, r->buf, (size_t)want, (off_t)at);
		r->base = at;
		r->len = got > 0 ? (size_t)got : 0;
		if (r->len < n) {
			r->why = "the central directory cannot be read";
			r->err = RD_EIO;
			return NULL;
		}
	}
	return r->buf + (at - r->base);
}

/* Applies the zip64 extra field among the m bytes at x to the fields of e
 * that are 0xffffffff, as many as it holds. */
static int apply_zip64(zip_dir *r, const uint8_t *x, size_t m, zip_dir_entry *e)
{
	uint64_t *field[] = {&e->usize, &e->csize, &e->local};
	int missing = 0;
	for (int f = 0; f < 3; f++)
		missing += *field[f] == 0xffffffff;
	for (size_t at = 0; missing && at + 4 <= m;) {
		size_t id = le(x + at, 2), len = le(x + at + 2, 2);
		at += 4;
		if (len > m - at)
			break; /* a damaged extra field */
		for (int f = 0, k = 0; id == 1 && f < 3; f++) {
			if (*field[f] != 0xffffffff || (size_t)k + 8 > len)
				continue;
			*field[f] = le(x + at + k, 8);
			k += 8;
			missing--;
		}
		at += len;
	}
	if (missing) {
		r->why = "a header's zip64 extra field is missing or too short";
		r->err = RD_EFORMAT;
	}
	return missing ? RD_EFORMAT : 0;
}

int zip_dir_next(zip_dir *r, zip_dir_entry *out)
{
	if (!r->left)
		return 1;
	r->header = r->at;
	const uint8_t *p = bytes(r, r->at, CENTRAL);
	if (!p)
		return r->err;
	if (memcmp(p, "PK\1\2", 4)) {
		r->why = "no central directory header where one should start";
		return RD_EFORMAT;
	}
	size_t n = le(p + 28, 2), m = le(p + 30, 2), k = le(p + 32, 2);
	if (!(p = bytes(r, r->at, CENTRAL + n + m + k)))
		return r->err;
	*out = (zip_dir_entry){(const char *)p + CENTRAL, n, le(p + 4, 2), le(p + 8, 2),
			       le(p + 10, 2), le(p + 38, 4), le(p + 16, 4), le(p + 20, 4),
			       le(p + 24, 4), le(p + 42, 4)};
	if (apply_zip64(r, p + CENTRAL + n, m, out))
		return RD_EFORMAT;
	if (out->local <= UINT64_MAX - r->shift) /* else refused by the reader */
		out->local += r->shift;
	r->at += CENTRAL + n + m + k;
	r->left--;
	return 0;
}
