/*
 * gen.h: building hostile inputs in memory for the bad-input suite: a byte
 * buffer, a FIT file builder (header, definitions, data, CRCs, each of which
 * can be made wrong), gzip and zip writers.
 */
#ifndef RD_TESTS_BAD_GEN_H
#define RD_TESTS_BAD_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct bb {
	uint8_t *p;
	size_t n, cap;
} bb;

void bb_put(bb *b, const void *p, size_t n);
void bb_u8(bb *b, unsigned v);
void bb_u16(bb *b, unsigned v);    /* little-endian */
void bb_u32(bb *b, uint32_t v);    /* little-endian */
void bb_str(bb *b, const char *s); /* without the NUL */
void bb_repeat(bb *b, const char *s, size_t times);
void bb_file(bb *b, const char *path); /* appends a whole file */
void bb_free(bb *b);
void bb_write(const bb *b, const char *path);

/* FIT.  fit_begin reserves a header of hsize bytes (12 or 14, or anything
 * for hostile rows); fit_end fills it and appends the file CRC. */
enum { CRC_GOOD, CRC_BAD, CRC_NONE };
void fit_begin(bb *b, unsigned hsize);
/* A definition: fields is nf triples (number, size, base type). */
void fit_def(bb *b, unsigned local, unsigned global, unsigned arch,
	     unsigned nf, const uint8_t *fields);
/* data_size: the real size when (uint64_t)-1; crc: CRC_GOOD, CRC_BAD, or
 * CRC_NONE (no file CRC written at all). */
void fit_end(bb *b, uint64_t data_size, int crc);
uint16_t gen_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* A small but complete running activity: file_id, 5 records a second apart
 * from start (FIT seconds), a session; written between fit_begin/fit_end. */
void fit_activity_body(bb *b, uint32_t start);

/* gzip of data (one member). */
void gz_of(bb *out, const uint8_t *data, size_t n);
/* n bytes of value v, gzipped. */
void gz_fill(bb *out, size_t n, int v);

/* A zip archive: names[i] with data[i] (lengths len[i]); a name starting with
 * '@' is written as a symbolic link (to data) named name + 1. */
void zip_of(bb *out, size_t count, const char *const *names,
	    const uint8_t *const *data, const size_t *len);

#endif
