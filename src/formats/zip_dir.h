/*
 * zip_dir.h: a zip archive's central directory, read one entry at a time
 * through one fixed buffer, so that reading it costs the same memory for
 * ten entries or a million.  Nothing read from the file is trusted: every
 * count, size and offset is bounded by the file and the directory's own
 * size before it is used.
 */
#ifndef RD_ZIP_DIR_H
#define RD_ZIP_DIR_H

#include <stddef.h>
#include <stdint.h>

typedef struct zip_directory {
	uint64_t entries, bytes; /* as the (zip64) end record says */
	uint64_t offset;         /* where the directory starts: the entries'
				    local headers and data all lie before it */
	uint64_t shift;          /* bytes prepended to the archive (a
				    self-extractor): added to every offset */
	const char *why;         /* when RD_EFORMAT: what is wrong */
} zip_directory;

/* Reads the end of the archive open at fd: 0 with *out set, 1 when there is
 * no end record, RD_EFORMAT (out->why says why: the directory does not fit
 * where the end record puts it, or cannot hold as many entries as it
 * says), RD_EIO or RD_ENOMEM. */
int zip_directory_find(int fd, zip_directory *out);

/* One central directory header.  name is the raw name (not NUL-terminated:
 * it may hold a NUL), borrowed until the next zip_dir_next(). */
typedef struct zip_dir_entry {
	const char *name;
	size_t name_len;
	uint16_t made_by;  /* high byte: 0 MS-DOS, 3 unix */
	uint16_t flags;    /* bit 0 encrypted, bit 3 sizes after the data */
	uint16_t method;   /* 0 stored, 8 deflated */
	uint32_t external; /* unix: the mode in the high 16 bits */
	uint32_t crc;
	uint64_t csize, usize, local; /* zip64 extra applied */
} zip_dir_entry;

typedef struct zip_dir zip_dir;

/* A reader of the directory d of the archive open at fd (d as
 * zip_directory_find() gave it): 0 or RD_ENOMEM. */
int zip_dir_open(zip_dir **out, int fd, const zip_directory *d);
void zip_dir_free(zip_dir *r);

/* The next entry: 0 with *out set, 1 past the last one, RD_EFORMAT (a
 * corrupt header, or fewer headers than the count; zip_dir_why() says
 * which) or RD_EIO. */
int zip_dir_next(zip_dir *r, zip_dir_entry *out);

/* Why the last zip_dir_next() failed, and where the header it read starts. */
const char *zip_dir_why(const zip_dir *r);
uint64_t zip_dir_offset(const zip_dir *r);

#endif
