/* gen.c: see gen.h. */
#include "gen.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void die(const char *what)
{
	fprintf(stderr, "gen: %s\n", what);
	abort();
}

void bb_put(bb *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			die("out of memory");
	}
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void bb_u8(bb *b, unsigned v)
{
	uint8_t c = (uint8_t)v;
	bb_put(b, &c, 1);
}

void bb_u16(bb *b, unsigned v)
{
	bb_u8(b, v & 0xff);
	bb_u8(b, (v >> 8) & 0xff);
}

void bb_u32(bb *b, uint32_t v)
{
	bb_u16(b, v & 0xffff);
	bb_u16(b, v >> 16);
}

void bb_str(bb *b, const char *s)
{
	bb_put(b, s, strlen(s));
}

void bb_repeat(bb *b, const char *s, size_t times)
{
	while (times-- > 0)
		bb_str(b, s);
}

void bb_file(bb *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[65536];
	size_t n;
	if (f == NULL)
		die(path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		bb_put(b, buf, n);
	fclose(f);
}

void bb_free(bb *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void bb_write(const bb *b, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || (b->n > 0 && fwrite(b->p, 1, b->n, f) != b->n) ||
	    fclose(f) != 0)
		die(path);
}

/* ---- FIT ---------------------------------------------------------------- */

uint16_t gen_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	static const uint16_t t[16] = {
		0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
		0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400};
	for (size_t i = 0; i < n; i++) {
		uint16_t tmp = t[crc & 0xF];
		crc = (crc >> 4) & 0x0FFF;
		crc = crc ^ tmp ^ t[p[i] & 0xF];
		tmp = t[crc & 0xF];
		crc = (crc >> 4) & 0x0FFF;
		crc = crc ^ tmp ^ t[(p[i] >> 4) & 0xF];
	}
	return crc;
}

void fit_begin(bb *b, unsigned hsize)
{
	b->n = 0;
	for (unsigned i = 0; i < hsize; i++)
		bb_u8(b, 0);
	if (hsize > 0)
		b->p[0] = (uint8_t)hsize;
}

void fit_def(bb *b, unsigned local, unsigned global, unsigned arch,
	     unsigned nf, const uint8_t *fields)
{
	bb_u8(b, 0x40 | local);
	bb_u8(b, 0);
	bb_u8(b, arch);
	if (arch == 1) {
		bb_u8(b, (global >> 8) & 0xff);
		bb_u8(b, global & 0xff);
	} else {
		bb_u16(b, global);
	}
	bb_u8(b, nf);
	bb_put(b, fields, 3 * (size_t)nf);
}

void fit_end(bb *b, uint64_t data_size, int crc)
{
	unsigned hsize = b->p[0];
	uint32_t ds = data_size == (uint64_t)-1 ? (uint32_t)(b->n - hsize)
						: (uint32_t)data_size;
	if (hsize >= 12) {
		b->p[1] = 0x20;
		b->p[2] = 2093 & 0xff;
		b->p[3] = 2093 >> 8;
		for (int i = 0; i < 4; i++)
			b->p[4 + i] = (uint8_t)(ds >> (8 * i));
		memcpy(b->p + 8, ".FIT", 4);
	}
	if (hsize >= 14) {
		uint16_t hc = gen_crc16(0, b->p, 12);
		b->p[12] = hc & 0xff;
		b->p[13] = hc >> 8;
	}
	if (crc != CRC_NONE) {
		uint16_t c = gen_crc16(0, b->p, b->n);
		bb_u16(b, crc == CRC_BAD ? c ^ 0x5a5a : c);
	}
}

void fit_activity_body(bb *b, uint32_t start)
{
	static const uint8_t file_id[] = {0, 1, 0x00, 4, 4, 0x86};
	static const uint8_t record[] = {253, 4, 0x86, 3, 1, 0x02, 5, 4, 0x86};
	static const uint8_t session[] = {253, 4, 0x86, 2, 4, 0x86, 7, 4, 0x86,
					  5, 1, 0x00};
	fit_def(b, 0, 0, 0, 2, file_id);
	bb_u8(b, 0);
	bb_u8(b, 4);
	bb_u32(b, start);
	fit_def(b, 1, 20, 0, 3, record);
	for (uint32_t i = 0; i < 5; i++) {
		bb_u8(b, 1);
		bb_u32(b, start + i);
		bb_u8(b, 120 + i);
		bb_u32(b, i * 300);
	}
	fit_def(b, 2, 18, 0, 4, session);
	bb_u8(b, 2);
	bb_u32(b, start + 4);
	bb_u32(b, start);
	bb_u32(b, 4000);
	bb_u8(b, 1);
}

/* ---- gzip and zip --------------------------------------------------------- */

void gz_of(bb *out, const uint8_t *data, size_t n)
{
	z_stream z;
	uint8_t buf[65536];
	int rc;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	do {
		z.next_out = buf;
		z.avail_out = sizeof buf;
		rc = deflate(&z, Z_FINISH);
		bb_put(out, buf, sizeof buf - z.avail_out);
	} while (rc == Z_OK);
	if (rc != Z_STREAM_END)
		die("deflate");
	deflateEnd(&z);
}

void gz_fill(bb *out, size_t n, int v)
{
	uint8_t *p = malloc(n ? n : 1);
	if (p == NULL)
		die("out of memory");
	memset(p, v, n);
	gz_of(out, p, n);
	free(p);
}

void zip_of(bb *out, size_t count, const char *const *names,
	    const uint8_t *const *data, const size_t *len)
{
	struct archive *a = archive_write_new();
	size_t cap = 1u << 24, used = 0;
	uint8_t *mem = malloc(cap);
	if (a == NULL || mem == NULL || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_open_memory(a, mem, cap, &used) != ARCHIVE_OK)
		die("zip writer");
	for (size_t i = 0; i < count; i++) {
		struct archive_entry *e = archive_entry_new();
		int link = names[i][0] == '@';
		archive_entry_set_pathname(e, names[i] + link);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (link) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, (const char *)data[i]);
			archive_entry_set_size(e, 0);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)len[i]);
		}
		if (archive_write_header(a, e) != ARCHIVE_OK)
			die(archive_error_string(a));
		if (!link && len[i] > 0 &&
		    archive_write_data(a, data[i], len[i]) != (la_ssize_t)len[i])
			die(archive_error_string(a));
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		die(archive_error_string(a));
	archive_write_free(a);
	bb_put(out, mem, used);
	free(mem);
}
