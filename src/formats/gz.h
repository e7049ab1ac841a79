/*
 * gz.h: streaming gzip decompression (RFC 1952) with bomb limits.
 *
 * Push interface: gz_feed() takes compressed bytes in chunks of any size and
 * hands the decompressed bytes to the write callback in chunks of at most
 * GZ_CHUNK (64 KiB); nothing is ever held whole.  Concatenated members
 * (`cat a.gz b.gz`) are all decoded (inflateReset after Z_STREAM_END).
 *
 * Errors (all RD_EFORMAT or RD_ELIMIT, with the COMPRESSED byte offset where
 * the problem was found in diag):
 *   "corrupt gzip stream: <zlib's reason>"   bad header, data, CRC32 or ISIZE
 *   "truncated gzip stream"                   input ended inside a member
 *   "trailing garbage after gzip member N"    bytes after a member that do not
 *                                             start another one
 *   "decompressed size limit of N bytes exceeded"
 *   "decompression ratio above N:1"           checked once 1 MiB is out
 * A non-zero return from the write callback stops decoding and is returned.
 */
#ifndef RD_GZ_H
#define RD_GZ_H

#include "rubdown/error.h"

#include <stddef.h>
#include <stdint.h>

#define GZ_CHUNK 65536
#define GZ_RATIO_AFTER (1u << 20) /* the ratio cap applies past 1 MiB out */

typedef int (*gz_write_fn)(void *ctx, const uint8_t *p, size_t n);

typedef struct gz_stream gz_stream;

/* source names the stream in messages.  max_out: decompressed byte cap (0 =
 * none); max_ratio: output/input cap past GZ_RATIO_AFTER (0 = none). */
int gz_open(gz_stream **out, const char *source, uint64_t max_out,
	    uint32_t max_ratio, gz_write_fn write, void *ctx);
int gz_feed(gz_stream *g, const uint8_t *p, size_t n, rd_diag *diag);
/* End of input: an unfinished member is "truncated gzip stream". */
int gz_finish(gz_stream *g, rd_diag *diag);
uint64_t gz_bytes_out(const gz_stream *g);
unsigned gz_members(const gz_stream *g);
void gz_close(gz_stream *g);

#endif
