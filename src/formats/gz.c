/*
 * gz.c: gzip members through zlib's inflate, 64 KiB at a time.
 *
 * A gzip file is one or more members, each a 10-byte header (1F 8B 08 ...),
 * DEFLATE data and an 8-byte trailer (CRC32, ISIZE); zlib checks all three
 * when opened with windowBits 16 + MAX_WBITS.  inflate() stops at the end of
 * each member, so after Z_STREAM_END we look at the next byte: 1F starts
 * another member (inflateReset), anything else is trailing garbage.
 */
#include "formats/gz.h"
#include "alloc.h"

#include <string.h>
#include <zlib.h>

struct gz_stream {
	z_stream z;
	const char *source;
	uint64_t in_total, out_total, max_out;
	uint32_t max_ratio;
	unsigned members;
	int member_done; /* between members: the next byte decides */
	gz_write_fn write;
	void *ctx;
	uint8_t out[GZ_CHUNK];
};

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return rd_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	rd_free(p);
}

int gz_open(gz_stream **out, const char *source, uint64_t max_out,
	    uint32_t max_ratio, gz_write_fn write, void *ctx)
{
	*out = NULL;
	gz_stream *g = rd_calloc(1, sizeof *g);
	if (!g)
		return RD_ENOMEM;
	g->z.zalloc = z_alloc;
	g->z.zfree = z_free;
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		rd_free(g);
		return RD_ENOMEM;
	}
	g->source = source;
	g->max_out = max_out;
	g->max_ratio = max_ratio;
	g->write = write;
	g->ctx = ctx;
	*out = g;
	return 0;
}

static int check_limits(gz_stream *g, size_t produced, rd_diag *diag)
{
	uint64_t total = g->out_total + produced;
	if (g->max_out && total > g->max_out)
		return rd_diag_set_offset(diag, RD_ELIMIT, g->source, g->in_total,
					  "decompressed size limit of %llu bytes exceeded",
					  (unsigned long long)g->max_out);
	if (g->max_ratio && total > GZ_RATIO_AFTER &&
	    total / g->max_ratio > g->in_total)
		return rd_diag_set_offset(diag, RD_ELIMIT, g->source, g->in_total,
					  "decompression ratio above %u:1",
					  (unsigned)g->max_ratio);
	return 0;
}

/* Between members: 1F starts the next one, anything else is garbage. */
static int next_member(gz_stream *g, rd_diag *diag)
{
	if (g->z.next_in[0] != 0x1F)
		return rd_diag_set_offset(diag, RD_EFORMAT, g->source, g->in_total,
					  "trailing garbage after gzip member %u",
					  g->members);
	if (inflateReset(&g->z) != Z_OK)
		return rd_diag_set_offset(diag, RD_EFORMAT, g->source, g->in_total,
					  "corrupt gzip stream: reset");
	g->member_done = 0;
	return 0;
}

/* One inflate() call; output goes to the callback. */
static int inflate_step(gz_stream *g, rd_diag *diag)
{
	uInt before = g->z.avail_in;
	g->z.next_out = g->out;
	g->z.avail_out = sizeof g->out;
	int zrc = inflate(&g->z, Z_NO_FLUSH);
	g->in_total += before - g->z.avail_in;
	size_t produced = sizeof g->out - g->z.avail_out;
	/* What this call inflated is handed on even when it also found an
	 * error (a bad CRC32 comes after good data): the reader keeps the
	 * good prefix, and whole or chunked input gives the same bytes. */
	int rc = check_limits(g, produced, diag);
	if (rc)
		return rc;
	g->out_total += produced;
	if (produced && (rc = g->write(g->ctx, g->out, produced)) != 0)
		return rc;
	if (zrc == Z_NEED_DICT || zrc == Z_DATA_ERROR || zrc == Z_STREAM_ERROR)
		return rd_diag_set_offset(diag, RD_EFORMAT, g->source, g->in_total,
					  "corrupt gzip stream: %s",
					  g->z.msg ? g->z.msg : "bad data");
	if (zrc == Z_MEM_ERROR)
		return rd_diag_set_offset(diag, RD_ENOMEM, g->source, g->in_total,
					  "out of memory in inflate");
	if (zrc == Z_STREAM_END) {
		g->member_done = 1;
		g->members++;
	}
	return 0;
}

int gz_feed(gz_stream *g, const uint8_t *p, size_t n, rd_diag *diag)
{
	while (n > 0) {
		uInt take = n > 0x40000000u ? 0x40000000u : (uInt)n;
		g->z.next_in = (Bytef *)(uintptr_t)p;
		g->z.avail_in = take;
		while (g->z.avail_in > 0) {
			int rc = g->member_done ? next_member(g, diag) : 0;
			if (!rc)
				rc = inflate_step(g, diag);
			if (rc)
				return rc;
		}
		/* output may still be pending with no input left */
		while (!g->member_done && g->z.avail_out == 0) {
			int rc = inflate_step(g, diag);
			if (rc)
				return rc;
		}
		p += take;
		n -= take;
	}
	return 0;
}

int gz_finish(gz_stream *g, rd_diag *diag)
{
	if (!g->member_done)
		return rd_diag_set_offset(diag, RD_EFORMAT, g->source, g->in_total,
					  "truncated gzip stream");
	return 0;
}

uint64_t gz_bytes_out(const gz_stream *g)
{
	return g->out_total;
}

unsigned gz_members(const gz_stream *g)
{
	return g->members;
}

void gz_close(gz_stream *g)
{
	if (!g)
		return;
	inflateEnd(&g->z);
	rd_free(g);
}
