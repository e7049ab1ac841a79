/*
 * fit.c: a streaming decoder for Garmin's FIT protocol, and the reader that
 * turns its messages into activities.
 *
 * The format (FIT protocol 2.x; docs/internals/fit.md has the details):
 *
 *   file    := segment+            several segments = "chained" FIT files
 *   segment := header data crc
 *   header  := size:u8 (12, 14 or more)  protocol:u8  profile:u16le
 *              data_size:u32le  ".FIT"  [header_crc:u16le, 0 = none]
 *              [size - 14 more bytes, skipped]
 *   data    := record*            exactly data_size bytes (0 = unfinalised:
 *                                 up to the end of the input)
 *   crc     := u16le              CRC-16 of header and data
 *   record  := hdr:u8 body
 *     hdr & 0x80: compressed timestamp data message; local type (hdr>>5)&3,
 *                 time offset hdr & 0x1F from the last full timestamp
 *     hdr & 0x40: definition of local type hdr & 0x0F; 0x20 = developer
 *                 fields follow:
 *                   reserved:u8 arch:u8 (0 little, 1 big) global:u16
 *                   nfields:u8 (num:u8 size:u8 base:u8) x nfields
 *                   [ndev:u8 (num:u8 size:u8 dev_index:u8) x ndev]
 *     otherwise:  data message of local type hdr & 0x0F: the fields' bytes
 *                 in definition order, then the developer fields'.
 *
 * The decoder is a push parser: a unit (header, record or CRC) is decoded
 * straight from the caller's chunk when it is whole there, and otherwise
 * gathered in a carry-over buffer first.  Data in the other byte order is
 * swapped in a scratch buffer, so callbacks always see host order.
 */
#include "formats/fit.h"

#include "alloc.h"
#include "track.h"
#include "rubdown/error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- values ------------------------------------------------------------ */

static const uint8_t base_sizes[FIT_BASE_COUNT] = {
	1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8
};

unsigned fit_base_size(unsigned base)
{
	return base < FIT_BASE_COUNT ? base_sizes[base] : 1;
}

/* CRC-16 of the FIT SDK (its nibble-wise table, crc_table in fit_crc.c
 * of the SDK) spread to one entry per byte: CRC-16/ARC, poly 0xA001. */
static const uint16_t crc_byte_table[256] = {
	0x0000, 0xC0C1, 0xC181, 0x0140, 0xC301, 0x03C0, 0x0280, 0xC241,
	0xC601, 0x06C0, 0x0780, 0xC741, 0x0500, 0xC5C1, 0xC481, 0x0440,
	0xCC01, 0x0CC0, 0x0D80, 0xCD41, 0x0F00, 0xCFC1, 0xCE81, 0x0E40,
	0x0A00, 0xCAC1, 0xCB81, 0x0B40, 0xC901, 0x09C0, 0x0880, 0xC841,
	0xD801, 0x18C0, 0x1980, 0xD941, 0x1B00, 0xDBC1, 0xDA81, 0x1A40,
	0x1E00, 0xDEC1, 0xDF81, 0x1F40, 0xDD01, 0x1DC0, 0x1C80, 0xDC41,
	0x1400, 0xD4C1, 0xD581, 0x1540, 0xD701, 0x17C0, 0x1680, 0xD641,
	0xD201, 0x12C0, 0x1380, 0xD341, 0x1100, 0xD1C1, 0xD081, 0x1040,
	0xF001, 0x30C0, 0x3180, 0xF141, 0x3300, 0xF3C1, 0xF281, 0x3240,
	0x3600, 0xF6C1, 0xF781, 0x3740, 0xF501, 0x35C0, 0x3480, 0xF441,
	0x3C00, 0xFCC1, 0xFD81, 0x3D40, 0xFF01, 0x3FC0, 0x3E80, 0xFE41,
	0xFA01, 0x3AC0, 0x3B80, 0xFB41, 0x3900, 0xF9C1, 0xF881, 0x3840,
	0x2800, 0xE8C1, 0xE981, 0x2940, 0xEB01, 0x2BC0, 0x2A80, 0xEA41,
	0xEE01, 0x2EC0, 0x2F80, 0xEF41, 0x2D00, 0xEDC1, 0xEC81, 0x2C40,
	0xE401, 0x24C0, 0x2580, 0xE541, 0x2700, 0xE7C1, 0xE681, 0x2640,
	0x2200, 0xE2C1, 0xE381, 0x2340, 0xE101, 0x21C0, 0x2080, 0xE041,
	0xA001, 0x60C0, 0x6180, 0xA141, 0x6300, 0xA3C1, 0xA281, 0x6240,
	0x6600, 0xA6C1, 0xA781, 0x6740, 0xA501, 0x65C0, 0x6480, 0xA441,
	0x6C00, 0xACC1, 0xAD81, 0x6D40, 0xAF01, 0x6FC0, 0x6E80, 0xAE41,
	0xAA01, 0x6AC0, 0x6B80, 0xAB41, 0x6900, 0xA9C1, 0xA881, 0x6840,
	0x7800, 0xB8C1, 0xB981, 0x7940, 0xBB01, 0x7BC0, 0x7A80, 0xBA41,
	0xBE01, 0x7EC0, 0x7F80, 0xBF41, 0x7D00, 0xBDC1, 0xBC81, 0x7C40,
	0xB401, 0x74C0, 0x7580, 0xB541, 0x7700, 0xB7C1, 0xB681, 0x7640,
	0x7200, 0xB2C1, 0xB381, 0x7340, 0xB101, 0x71C0, 0x7080, 0xB041,
	0x5000, 0x90C1, 0x9181, 0x5140, 0x9301, 0x53C0, 0x5280, 0x9241,
	0x9601, 0x56C0, 0x5780, 0x9741, 0x5500, 0x95C1, 0x9481, 0x5440,
	0x9C01, 0x5CC0, 0x5D80, 0x9D41, 0x5F00, 0x9FC1, 0x9E81, 0x5E40,
	0x5A00, 0x9AC1, 0x9B81, 0x5B40, 0x9901, 0x59C0, 0x5880, 0x9841,
	0x8801, 0x48C0, 0x4980, 0x8941, 0x4B00, 0x8BC1, 0x8A81, 0x4A40,
	0x4E00, 0x8EC1, 0x8F81, 0x4F40, 0x8D01, 0x4DC0, 0x4C80, 0x8C41,
	0x4400, 0x84C1, 0x8581, 0x4540, 0x8701, 0x47C0, 0x4680, 0x8641,
	0x8201, 0x42C0, 0x4380, 0x8341, 0x4100, 0x81C1, 0x8081, 0x4040,
};

uint16_t fit_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		crc = (uint16_t)((crc >> 8) ^ crc_byte_table[(crc ^ p[i]) & 0xFF]);
	return crc;
}

/* Element i as an unsigned integer of its size, host order. */
static uint64_t raw_elem(const uint8_t *p, unsigned size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

/* The invalid value of each base type, as raw bits of its size. */
static const uint64_t invalid_bits[FIT_BASE_COUNT] = {
	0xFF, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0x00,
	0xFFFFFFFF, UINT64_MAX, 0x00, 0x0000, 0x00000000, 0xFF,
	0x7FFFFFFFFFFFFFFF, UINT64_MAX, 0
};

static int elem(const fit_msg *m, const fit_field *f, unsigned i,
		uint64_t *raw)
{
	unsigned bs = fit_base_size(f->base);
	if ((i + 1) * bs > f->size)
		return 0;
	*raw = raw_elem(m->data + f->offset + i * bs, bs);
	return f->base >= FIT_BASE_COUNT || *raw != invalid_bits[f->base];
}

int fit_field_uint(const fit_msg *m, const fit_field *f, unsigned i,
		   uint64_t *out)
{
	return elem(m, f, i, out);
}

static int64_t sign_extend(uint64_t v, unsigned size)
{
	switch (size) {
	case 1: return (int8_t)v;
	case 2: return (int16_t)v;
	case 4: return (int32_t)v;
	default: return (int64_t)v;
	}
}

int fit_field_sint(const fit_msg *m, const fit_field *f, unsigned i,
		   int64_t *out)
{
	uint64_t raw;
	if (!elem(m, f, i, &raw))
		return 0;
	*out = sign_extend(raw, fit_base_size(f->base));
	return 1;
}

static double as_double(uint64_t raw, unsigned base)
{
	switch (base) {
	case FIT_SINT8: case FIT_SINT16: case FIT_SINT32: case FIT_SINT64:
		return (double)sign_extend(raw, fit_base_size(base));
	case FIT_FLOAT32: {
		float x;
		uint32_t u = (uint32_t)raw;
		memcpy(&x, &u, 4);
		return x;
	}
	case FIT_FLOAT64: {
		double x;
		memcpy(&x, &raw, 8);
		return x;
	}
	default:
		return (double)raw;
	}
}

int fit_field_double(const fit_msg *m, const fit_field *f, unsigned i,
		     double scale, double offset, double *out)
{
	uint64_t raw;
	if (f->base == FIT_STRING || !elem(m, f, i, &raw))
		return 0;
	double v = as_double(raw, f->base);
	if (!isfinite(v))
		return 0;
	*out = v / scale - offset;
	return 1;
}

void fit_field_string(const fit_msg *m, const fit_field *f, char *buf,
		      size_t size)
{
	size_t n = 0;
	const uint8_t *p = m->data + f->offset;
	while (n < f->size && n + 1 < size && p[n])
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

const fit_field *fit_msg_field(const fit_msg *m, uint8_t num)
{
	for (unsigned i = 0; i < m->nfields; i++)
		if (m->fields[i].num == num)
			return &m->fields[i];
	return NULL;
}

/* ---- decoder state ----------------------------------------------------- */

typedef struct fit_def {
	int defined;
	uint16_t global;
	uint8_t big_endian;
	uint8_t nfields, ndev;
	uint8_t swap;        /* some field needs byte swapping */
	int16_t ts_field;    /* index of field 253 (uint32), or -1 */
	uint32_t size;       /* bytes of a data message body */
	fit_field fields[255];
	fit_field dev[255];
} fit_def;

enum { ST_HEADER, ST_RECORDS, ST_CRC, ST_NEXT, ST_IGNORE, ST_STOPPED };

#define DEV_INDEXES 16 /* developer_data_index values we remember */
#define MAX_UNIT (1u + 2u * 255u * 255u + 2u * 255u * 3u + 8u)

enum { W_MISALIGNED = 1, W_BASE = 2, W_DEV = 4, W_NOBASE = 8, W_HCRC = 16 };

struct fit_decoder {
	char source[512];
	fit_msg_fn fn;
	void *ctx;
	rd_warn_fn warn;
	void *warn_ctx;
	uint64_t max_bytes;
	int state;
	int err;
	uint64_t pos;          /* stream offset of the next unconsumed byte */
	uint64_t data_end;     /* end of the segment's data; UINT64_MAX = open */
	uint64_t pending_off;  /* unfinalised file: where decoding stopped */
	int pending;
	uint16_t crc;
	uint32_t last_ts;
	int have_ts;
	unsigned warned;
	uint8_t *carry;
	size_t carry_len, carry_cap;
	uint8_t *scratch;      /* byte-swapped message bodies */
	size_t scratch_cap;
	fit_stats stats;
	uint8_t dev_declared[DEV_INDEXES];
	uint8_t dev_base[DEV_INDEXES][256]; /* 0xFF: no field_description */
	fit_def defs[FIT_LOCAL_TYPES];
};

static void warnf(fit_decoder *d, uint64_t off, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void warnf(fit_decoder *d, uint64_t off, const char *fmt, ...)
{
	if (!d->warn)
		return;
	rd_diag w = RD_DIAG_INIT;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w.message, sizeof w.message, fmt, ap);
	va_end(ap);
	size_t n = strnlen(d->source, sizeof w.file - 1);
	memcpy(w.file, d->source, n);
	w.file[n] = '\0';
	w.offset = off;
	w.has_offset = 1;
	d->warn(d->warn_ctx, &w);
}

/* Stops decoding: the error is reported in diag and by every later call. */
static int fail(fit_decoder *d, rd_diag *diag, int code, uint64_t off,
		const char *what)
{
	d->err = code;
	d->stats.error = code;
	d->stats.error_offset = off;
	d->state = ST_STOPPED;
	return rd_diag_set_offset(diag, code, d->source, off, "%s", what);
}

int fit_decoder_new(fit_decoder **out, const char *source, fit_msg_fn fn,
		    void *ctx, rd_warn_fn warn, void *warn_ctx,
		    const rd_limits *limits)
{
	rd_limits def;
	*out = NULL;
	fit_decoder *d = rd_calloc(1, sizeof *d);
	if (!d)
		return RD_ENOMEM;
	if (!limits) {
		rd_limits_default(&def);
		limits = &def;
	}
	snprintf(d->source, sizeof d->source, "%s", source ? source : "");
	d->fn = fn;
	d->ctx = ctx;
	d->warn = warn;
	d->warn_ctx = warn_ctx;
	d->max_bytes = limits->max_file_bytes;
	d->data_end = UINT64_MAX;
	memset(d->dev_base, 0xFF, sizeof d->dev_base);
	*out = d;
	return 0;
}

void fit_decoder_free(fit_decoder *d)
{
	if (!d)
		return;
	rd_free(d->carry);
	rd_free(d->scratch);
	rd_free(d);
}

const fit_stats *fit_decoder_stats(const fit_decoder *d)
{
	return &d->stats;
}

/* ---- unit sizes -------------------------------------------------------- */

/* Bytes of a definition record given the first avail bytes of it: the total
 * when avail is enough to know it, else a lower bound > avail. */
static size_t definition_size(const uint8_t *p, size_t avail)
{
	if (avail < 6)
		return 6;
	size_t n = 6 + 3 * (size_t)p[5];
	if (!(p[0] & 0x20))
		return n;
	if (avail < n + 1)
		return n + 1;
	return n + 1 + 3 * (size_t)p[n];
}

/* Bytes of the unit starting at p; > avail means "need at least that many".
 * Malformed starts return 1 so process_unit() reports them. */
static size_t unit_size(const fit_decoder *d, const uint8_t *p, size_t avail)
{
	if (avail < 1)
		return 1;
	switch (d->state) {
	case ST_HEADER:
	case ST_NEXT:
		return p[0] < 12 ? 12 : p[0];
	case ST_CRC:
		return 2;
	case ST_RECORDS: {
		uint8_t h = p[0];
		const fit_def *def;
		if (h & 0x80)
			def = &d->defs[(h >> 5) & 3];
		else if (h & 0x40)
			return definition_size(p, avail);
		else
			def = &d->defs[h & 0x0F];
		return def->defined ? 1 + (size_t)def->size : 1;
	}
	default:
		return avail; /* ST_IGNORE / ST_STOPPED: swallow */
	}
}

/* ---- header and CRC ---------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int is_header(const uint8_t *p, size_t n)
{
	return n >= 12 && p[0] >= 12 && memcmp(p + 8, ".FIT", 4) == 0;
}

static void start_segment(fit_decoder *d, const uint8_t *p, size_t n)
{
	uint32_t data_size = le32(p + 4);
	fit_stats *s = &d->stats;
	if (s->segments < FIT_MAX_SEGMENTS_STATS) {
		s->header_size[s->segments] = p[0];
		s->crc_ok[s->segments] = -1;
	}
	s->segments++;
	if (n >= 14 && le16(p + 12) != 0 && le16(p + 12) != fit_crc16(0, p, 12))
		warnf(d, d->pos + 12, "header crc mismatch: stored 0x%04x, "
		      "computed 0x%04x", le16(p + 12), fit_crc16(0, p, 12));
	d->crc = fit_crc16(0, p, n);
	d->state = ST_RECORDS;
	memset(d->defs, 0, sizeof d->defs); /* definitions are per file */
	if (data_size == 0) {
		s->unfinalised = 1;
		d->data_end = UINT64_MAX;
		warnf(d, d->pos + 4, "unfinalised file: data_size is 0; "
		      "decoding to the end of the input");
	} else {
		d->data_end = d->pos + n + data_size;
	}
}

static int do_header(fit_decoder *d, const uint8_t *p, size_t n, rd_diag *diag)
{
	if (d->state == ST_NEXT && !is_header(p, n)) {
		warnf(d, d->pos, "bytes after the file crc are not a FIT header; "
		      "ignored");
		d->stats.trailing_ignored = 1;
		d->state = ST_IGNORE;
		return 0;
	}
	if (p[0] < 12) {
		char m[80];
		snprintf(m, sizeof m, "header size %u is below 12", p[0]);
		return fail(d, diag, RD_EFORMAT, d->pos, m);
	}
	if (memcmp(p + 8, ".FIT", 4) != 0)
		return fail(d, diag, RD_EFORMAT, d->pos + 8,
			    "not a FIT file: bytes 8-11 are not \".FIT\"");
	start_segment(d, p, n);
	return 0;
}

static void do_crc(fit_decoder *d, const uint8_t *p)
{
	uint16_t stored = le16(p);
	uint32_t seg = d->stats.segments - 1;
	if (seg < FIT_MAX_SEGMENTS_STATS) {
		d->stats.crc_ok[seg] = stored == d->crc;
		d->stats.crc_stored[seg] = stored;
		d->stats.crc_computed[seg] = d->crc;
	}
	if (stored != d->crc)
		warnf(d, d->pos, "file crc mismatch: stored 0x%04x, computed "
		      "0x%04x; data kept", stored, d->crc);
	d->state = ST_NEXT;
	d->data_end = UINT64_MAX;
}

/* ---- definitions ------------------------------------------------------- */

static void check_field(fit_decoder *d, fit_field *f, uint8_t base_byte)
{
	unsigned base = base_byte & 0x1F;
	if (base >= FIT_BASE_COUNT) {
		if (!(d->warned & W_BASE))
			warnf(d, d->pos, "unknown base type 0x%02x read as bytes",
			      base_byte);
		d->warned |= W_BASE;
		base = FIT_BYTE;
	} else if (f->size % base_sizes[base] != 0) {
		if (!(d->warned & W_MISALIGNED))
			warnf(d, d->pos, "field %u: size %u is not a multiple of "
			      "its base type size %u; read as bytes", f->num,
			      f->size, base_sizes[base]);
		d->warned |= W_MISALIGNED;
		base = FIT_BYTE;
	}
	f->base = (uint8_t)base;
}

static uint8_t dev_base(const fit_decoder *d, uint8_t index, uint8_t num)
{
	if (index >= DEV_INDEXES || d->dev_base[index][num] == 0xFF)
		return FIT_BYTE;
	return d->dev_base[index][num];
}

static int do_definition(fit_decoder *d, const uint8_t *p, rd_diag *diag)
{
	fit_def *def = &d->defs[p[0] & 0x0F];
	if (p[2] > 1) {
		char m[80];
		def->defined = 0;
		snprintf(m, sizeof m, "definition with architecture %u "
			 "(expected 0 or 1)", p[2]);
		return fail(d, diag, RD_EFORMAT, d->pos, m);
	}
	def->big_endian = p[2];
	def->global = p[2] ? (uint16_t)(p[3] << 8 | p[4]) : le16(p + 3);
	def->nfields = p[5];
	def->ts_field = -1;
	def->swap = 0;
	uint32_t off = 0;
	for (unsigned i = 0; i < def->nfields; i++) {
		fit_field *f = &def->fields[i];
		const uint8_t *q = p + 6 + 3 * i;
		f->num = q[0];
		f->size = q[1];
		f->dev_index = 0;
		f->offset = off;
		check_field(d, f, q[2]);
		off += f->size;
		if (f->num == 253 && f->base == FIT_UINT32 && f->size == 4)
			def->ts_field = (int16_t)i;
		if (base_sizes[f->base] > 1)
			def->swap = 1;
	}
	def->ndev = 0;
	if (p[0] & 0x20) {
		const uint8_t *q = p + 6 + 3 * def->nfields;
		def->ndev = q[0];
		d->stats.dev_definitions++;
		for (unsigned i = 0; i < def->ndev; i++) {
			fit_field *f = &def->dev[i];
			f->num = q[1 + 3 * i];
			f->size = q[2 + 3 * i];
			f->dev_index = q[3 + 3 * i];
			f->offset = off; /* < 2 x 255 x 255 */
			off += f->size;
		}
		def->swap = 1; /* dev base types may be learnt later */
	}
	def->size = off;
	def->defined = 1;
	d->stats.definitions++;
	if (def->big_endian)
		d->stats.big_endian_definitions++;
	return 0;
}

/* ---- data messages ----------------------------------------------------- */

static int host_big_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;
	memcpy(&b, &one, 1);
	return b == 0;
}

static void swap_field(uint8_t *p, const fit_field *f)
{
	unsigned bs = base_sizes[f->base];
	if (bs < 2)
		return;
	for (unsigned e = 0; e + bs <= f->size; e += bs)
		for (unsigned i = 0; i < bs / 2; i++) {
			uint8_t t = p[e + i];
			p[e + i] = p[e + bs - 1 - i];
			p[e + bs - 1 - i] = t;
		}
}

/* Copies the body to scratch in host order; returns it, or NULL (OOM). */
static const uint8_t *swapped(fit_decoder *d, fit_def *def, const uint8_t *b)
{
	if (def->size > d->scratch_cap) {
		if (rd_grow((void **)&d->scratch, &d->scratch_cap, def->size, 1))
			return NULL;
	}
	memcpy(d->scratch, b, def->size);
	for (unsigned i = 0; i < def->nfields; i++)
		swap_field(d->scratch + def->fields[i].offset, &def->fields[i]);
	for (unsigned i = 0; i < def->ndev; i++)
		swap_field(d->scratch + def->dev[i].offset, &def->dev[i]);
	return d->scratch;
}

/* Developer fields take the base type of their field_description, which
 * may arrive after the definition (F18). */
static void resolve_dev(fit_decoder *d, fit_def *def)
{
	for (unsigned i = 0; i < def->ndev; i++) {
		fit_field *f = &def->dev[i];
		f->base = dev_base(d, f->dev_index, f->num);
		if (f->size % base_sizes[f->base])
			f->base = FIT_BYTE;
	}
}

/* developer_data_id and field_description: learn dev field base types. */
static void learn_dev(fit_decoder *d, const fit_msg *m)
{
	uint64_t index, num, base;
	const fit_field *f = fit_msg_field(m, 0);
	if (!f || !fit_field_uint(m, f, 0, &index) || index >= DEV_INDEXES)
		return;
	if (m->global == FIT_MESG_DEVELOPER_DATA_ID) {
		d->dev_declared[index] = 1;
		return;
	}
	d->stats.field_descriptions++;
	const fit_field *fn = fit_msg_field(m, 1), *fb = fit_msg_field(m, 2);
	if (fn && fb && fit_field_uint(m, fn, 0, &num) &&
	    fit_field_uint(m, fb, 0, &base) && (base & 0x1F) < FIT_BASE_COUNT)
		d->dev_base[index][num & 0xFF] = (uint8_t)(base & 0x1F);
}

static void check_dev(fit_decoder *d, const fit_def *def)
{
	if (d->warned & W_DEV)
		return;
	for (unsigned i = 0; i < def->ndev; i++) {
		const fit_field *f = &def->dev[i];
		if (f->dev_index < DEV_INDEXES &&
		    d->dev_base[f->dev_index][f->num] != 0xFF)
			continue;
		warnf(d, d->pos, "developer field %u of developer %u has no "
		      "field_description; skipped by size", f->num, f->dev_index);
		d->warned |= W_DEV;
		return;
	}
}

static int set_time(fit_decoder *d, fit_msg *m, uint8_t h, const fit_def *def)
{
	if (h & 0x80) {
		d->stats.compressed_headers++;
		if (!d->have_ts)
			return 0;
		uint32_t off = h & 0x1F;
		uint32_t t = (d->last_ts & ~0x1Fu) + off;
		if (off < (d->last_ts & 0x1F))
			t += 0x20;
		d->last_ts = t;
		m->compressed = 1;
	} else {
		uint64_t t;
		if (def->ts_field < 0 ||
		    !fit_field_uint(m, &def->fields[def->ts_field], 0, &t))
			return 1;
		d->last_ts = (uint32_t)t;
		d->have_ts = 1;
	}
	m->timestamp = d->last_ts;
	m->has_timestamp = 1;
	return 1;
}

static int do_data(fit_decoder *d, const uint8_t *p, rd_diag *diag)
{
	uint8_t h = p[0];
	fit_def *def = &d->defs[h & 0x80 ? (h >> 5) & 3 : h & 0x0F];
	const uint8_t *body = p + 1;
	if (def->ndev)
		resolve_dev(d, def);
	if (def->swap && def->big_endian != host_big_endian()) {
		body = swapped(d, def, body);
		if (!body)
			return fail(d, diag, RD_ENOMEM, d->pos, "out of memory");
	}
	fit_msg m = {def->global, (uint8_t)(h & 0x80 ? (h >> 5) & 3 : h & 0x0F),
		     def->big_endian, body, def->size, def->fields, def->nfields,
		     def->dev, def->ndev, 0, 0, 0, d->pos};
	if (!set_time(d, &m, h, def)) {
		if (!(d->warned & W_NOBASE))
			warnf(d, d->pos, "compressed timestamp before any full "
			      "timestamp; message dropped");
		d->warned |= W_NOBASE;
		d->stats.dropped_messages++;
		return 0;
	}
	d->stats.data_messages++;
	if (def->ndev)
		check_dev(d, def);
	if (m.global == FIT_MESG_DEVELOPER_DATA_ID ||
	    m.global == FIT_MESG_FIELD_DESCRIPTION)
		learn_dev(d, &m);
	int rc = d->fn ? d->fn(d->ctx, &m) : 0;
	if (rc) {
		d->err = rc;
		d->stats.error = rc;
		d->state = ST_STOPPED;
	}
	return rc;
}

static int undefined_type(fit_decoder *d, uint8_t h, rd_diag *diag)
{
	char m[96];
	unsigned local = h & 0x80 ? (h >> 5) & 3 : h & 0x0F;
	if (d->data_end == UINT64_MAX && d->stats.unfinalised) {
		/* Possibly the file CRC of an unfinalised file: decide at
		 * the end of the input. */
		d->pending_off = d->pos;
		d->pending = 1;
		d->state = ST_IGNORE;
		return 0;
	}
	snprintf(m, sizeof m, "data message uses undefined local type %u "
		 "(header byte 0x%02x)", local, h);
	return fail(d, diag, RD_EFORMAT, d->pos, m);
}

static int do_record(fit_decoder *d, const uint8_t *p, size_t n, rd_diag *diag)
{
	uint8_t h = p[0];
	if (d->pos + n > d->data_end) {
		char m[128];
		snprintf(m, sizeof m, "message of %zu bytes runs past the end of "
			 "data at 0x%llx", n, (unsigned long long)d->data_end);
		return fail(d, diag, RD_EFORMAT, d->pos, m);
	}
	if (h & 0x40 && !(h & 0x80))
		return do_definition(d, p, diag);
	const fit_def *def = &d->defs[h & 0x80 ? (h >> 5) & 3 : h & 0x0F];
	if (!def->defined)
		return undefined_type(d, h, diag);
	return do_data(d, p, diag);
}

/* ---- the push loop ----------------------------------------------------- */

static int process_unit(fit_decoder *d, const uint8_t *p, size_t n,
			rd_diag *diag)
{
	int rc = 0;
	switch (d->state) {
	case ST_HEADER:
	case ST_NEXT:
		rc = do_header(d, p, n, diag);
		break;
	case ST_RECORDS:
		d->crc = fit_crc16(d->crc, p, n);
		rc = do_record(d, p, n, diag);
		break;
	case ST_CRC:
		do_crc(d, p);
		break;
	default:
		break;
	}
	if (d->state == ST_RECORDS && d->pos + n == d->data_end)
		d->state = ST_CRC;
	d->pos += n;
	return rc;
}

/* A record that cannot end inside the segment's data is an error as soon as
 * its size is known, not when the input runs out. */
static int crosses(fit_decoder *d, size_t n, rd_diag *diag)
{
	if (d->state != ST_RECORDS || d->pos + n <= d->data_end)
		return 0;
	char m[128];
	snprintf(m, sizeof m, "message of %zu bytes or more runs past the end "
		 "of data at 0x%llx", n, (unsigned long long)d->data_end);
	return fail(d, diag, RD_EFORMAT, d->pos, m);
}

/* Completes the unit in the carry buffer from buf; returns bytes taken. */
static size_t fill_carry(fit_decoder *d, const uint8_t *buf, size_t len,
			 int *complete, size_t *needed)
{
	size_t need = unit_size(d, d->carry, d->carry_len);
	size_t taken = 0;
	while (need > d->carry_len && taken < len) {
		size_t want = need - d->carry_len;
		if (want > len - taken)
			want = len - taken;
		memcpy(d->carry + d->carry_len, buf + taken, want);
		d->carry_len += want;
		taken += want;
		need = unit_size(d, d->carry, d->carry_len);
	}
	*complete = need <= d->carry_len;
	*needed = need;
	return taken;
}

static int stash(fit_decoder *d, const uint8_t *buf, size_t len)
{
	if (d->carry_cap < MAX_UNIT) {
		d->carry = rd_realloc(d->carry, MAX_UNIT);
		if (!d->carry)
			return RD_ENOMEM;
		d->carry_cap = MAX_UNIT;
	}
	memcpy(d->carry + d->carry_len, buf, len);
	d->carry_len += len;
	return 0;
}

static int feed_carry(fit_decoder *d, const uint8_t **buf, size_t *len,
		      rd_diag *diag)
{
	int complete;
	size_t need;
	size_t taken = fill_carry(d, *buf, *len, &complete, &need);
	*buf += taken;
	*len -= taken;
	if (crosses(d, need, diag))
		return d->err;
	if (!complete)
		return 0;
	size_t n = d->carry_len;
	d->carry_len = 0;
	return process_unit(d, d->carry, n, diag);
}

int fit_decoder_feed(fit_decoder *d, const uint8_t *buf, size_t len,
		     rd_diag *diag)
{
	if (d->err)
		return d->err;
	if (d->state == ST_IGNORE || d->state == ST_STOPPED) {
		d->pos += len;
		return 0;
	}
	if (d->pos + d->carry_len + len > d->max_bytes)
		return fail(d, diag, RD_ELIMIT, d->max_bytes,
			    "file is larger than the size limit");
	while (len > 0 && !d->err) {
		if (d->state == ST_IGNORE || d->state == ST_STOPPED) {
			d->pos += len;
			break;
		}
		if (d->carry_len > 0) {
			int rc = feed_carry(d, &buf, &len, diag);
			if (rc)
				return rc;
			continue;
		}
		size_t n = unit_size(d, buf, len);
		if (crosses(d, n, diag))
			return d->err;
		if (n > len) {
			if (stash(d, buf, len))
				return fail(d, diag, RD_ENOMEM, d->pos,
					    "out of memory");
			break;
		}
		int rc = process_unit(d, buf, n, diag);
		if (rc)
			return rc;
		buf += n;
		len -= n;
	}
	return d->err;
}

static int finish_records(fit_decoder *d, rd_diag *diag)
{
	uint64_t end = d->pos + d->carry_len;
	if (d->data_end == UINT64_MAX) {
		/* Unfinalised: up to 2 bytes left over are taken as a CRC. */
		if (d->carry_len > 2)
			warnf(d, d->pos, "unfinalised file ends inside a "
			      "message; %zu bytes dropped", d->carry_len);
		return 0;
	}
	char m[128];
	d->stats.truncated = 1;
	snprintf(m, sizeof m, "truncated: input ends at 0x%llx, the header "
		 "says data ends at 0x%llx", (unsigned long long)end,
		 (unsigned long long)d->data_end);
	return fail(d, diag, RD_EFORMAT, end, m);
}

int fit_decoder_finish(fit_decoder *d, rd_diag *diag)
{
	if (d->err)
		return d->err;
	uint64_t end = d->pos + d->carry_len;
	switch (d->state) {
	case ST_HEADER: {
		char m[96];
		snprintf(m, sizeof m, "truncated header: %llu bytes, expected "
			 "at least 12", (unsigned long long)end);
		return fail(d, diag, RD_EFORMAT, 0, m);
	}
	case ST_RECORDS:
		return finish_records(d, diag);
	case ST_CRC:
		d->stats.truncated = 1;
		return fail(d, diag, RD_EFORMAT, end,
			    "truncated: the file crc is missing");
	case ST_NEXT:
		if (d->carry_len) {
			warnf(d, d->pos, "%zu bytes after the file crc are not "
			      "a FIT file; ignored", d->carry_len);
			d->stats.trailing_ignored = 1;
		}
		return 0;
	case ST_IGNORE:
		if (d->pending && end - d->pending_off > 2)
			return fail(d, diag, RD_EFORMAT, d->pending_off,
				    "data message uses an undefined local type");
		return 0;
	default:
		return 0;
	}
}

/* ---- activities -------------------------------------------------------- */

/*
 * The mapping keeps no records.  Records are accumulated into "pieces":
 * tracks that continue each other (track_continue), so that merging them
 * loses no interval.  A piece ends at a lap message or after piece_span
 * seconds of records; when MAX_PIECES are in use, neighbours are merged in
 * pairs and piece_span doubles, so memory stays bounded and the pieces stay
 * evenly fine.  Sessions usually come at the end of the file, after their
 * records (multisport files often put every lap and session at the end),
 * so pieces are only given to sessions at the end, by time: a piece belongs
 * to the session whose span holds its middle (or the nearest one).
 */
#define MAX_PIECES 256
#define PIECE_SPAN_S 30.0
#define SEMICIRCLE_DEG (180.0 / 2147483648.0)
#define ABSOLUTE_UNIX_MIN ((int64_t)FIT_EPOCH + (int64_t)FIT_DATE_MIN)

typedef struct fit_session {
	rd_activity a;
	double start, end;    /* track time (see track_time), NAN unknown */
	int sport, sub_sport; /* FIT enums, -1 unknown */
	int cadence_set;
} fit_session;

typedef struct fit_state {
	fit_decoder *dec;
	activity_sink sink;
	rd_limits limits;
	char source[512];
	rd_diag *diag;
	int err;
	track *pieces;
	size_t npieces, pieces_cap;
	double piece_span;
	uint64_t records;
	fit_session *sessions;
	size_t nsessions, sessions_cap;
	int timer_stopped, stopped_since;
	int sport, sub_sport;  /* sport message, -1 unknown */
	char name[160];        /* workout name */
	int has_workout;
	int32_t utc_offset;
	int has_utc_offset;
	int csd_have;          /* compressed_speed_distance accumulator */
	uint32_t csd_last, csd_acc;
	double v[FS_COUNT];
	uint64_t have;
} fit_state;

#define HAS(s, slot) (((s)->have >> (slot)) & 1)

/* FIT date_time to the time the tracks use: UNIX seconds for absolute
 * times, raw seconds for relative ones (only their differences matter). */
static double track_time(uint32_t t)
{
	return t >= FIT_DATE_MIN ? (double)t + FIT_EPOCH : (double)t;
}

static void read_slot(fit_state *s, const fit_msg *m, const fit_field *f,
		      const fit_prof_field *pf)
{
	double v;
	int64_t i;
	switch (pf->slot) {
	case FS_NAME:
		fit_field_string(m, f, s->name, sizeof s->name);
		return;
	case FS_CSD:
		if (f->size == 3 && memcmp(m->data + f->offset, "\xff\xff\xff", 3))
			s->have |= 1ull << FS_CSD;
		s->v[FS_CSD] = (double)f->offset;
		return;
	case FS_LAT:
	case FS_LON:
		if (!fit_field_sint(m, f, 0, &i))
			return;
		v = (double)i * SEMICIRCLE_DEG;
		break;
	default:
		if (!fit_field_double(m, f, 0, pf->scale, pf->offset, &v))
			return;
	}
	s->v[pf->slot] = v;
	s->have |= 1ull << pf->slot;
}

static void read_slots(fit_state *s, const fit_msg *m)
{
	s->have = 0;
	for (unsigned i = 0; i < m->nfields; i++) {
		const fit_prof_field *pf =
			fit_profile_field(m->global, m->fields[i].num);
		if (pf)
			read_slot(s, m, &m->fields[i], pf);
	}
}

static int first_piece(fit_state *s)
{
	if (rd_grow((void **)&s->pieces, &s->pieces_cap, MAX_PIECES,
		    sizeof *s->pieces))
		return RD_ENOMEM;
	track_init(&s->pieces[0]);
	s->npieces = 1;
	s->piece_span = PIECE_SPAN_S;
	return 0;
}

/* Merges neighbours in pairs: half the pieces, each twice as long. */
static void compact_pieces(fit_state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->npieces; i += 2, n++) {
		if (n != i)
			s->pieces[n] = s->pieces[i];
		if (i + 1 < s->npieces)
			track_merge(&s->pieces[n], &s->pieces[i + 1]);
	}
	s->npieces = n;
	s->piece_span *= 2;
}

/* Ends the current piece (if it has records) and starts the next. */
static void next_piece(fit_state *s)
{
	if (s->npieces == 0 || s->pieces[s->npieces - 1].records == 0)
		return;
	if (s->npieces == MAX_PIECES)
		compact_pieces(s);
	track_continue(&s->pieces[s->npieces], &s->pieces[s->npieces - 1]);
	s->npieces++;
}

static track *piece_for(fit_state *s, double time)
{
	if (s->npieces == 0 && first_piece(s))
		return NULL;
	const track *t = &s->pieces[s->npieces - 1];
	if (!isnan(time) && !isnan(t->first_time) &&
	    time - t->first_time >= s->piece_span)
		next_piece(s);
	return &s->pieces[s->npieces - 1];
}

/* compressed_speed_distance: 12 bits speed (1/100 m/s), 12 bits distance
 * (1/16 m) accumulated over rollovers. */
static void csd_sample(fit_state *s, const fit_msg *m, track_sample *smp)
{
	const uint8_t *b = m->data + (size_t)s->v[FS_CSD];
	uint32_t speed = b[0] | (uint32_t)(b[1] & 0x0F) << 8;
	uint32_t dist = (uint32_t)(b[1] >> 4) | (uint32_t)b[2] << 4;
	if (!s->csd_have)
		s->csd_acc = dist;
	else
		s->csd_acc += (dist - s->csd_last) & 0xFFF;
	s->csd_have = 1;
	s->csd_last = dist;
	if (isnan(smp->speed_mps))
		smp->speed_mps = speed / 100.0;
	if (isnan(smp->dist_m))
		smp->dist_m = s->csd_acc / 16.0;
}

static double slot_or(const fit_state *s, int a, int b)
{
	return HAS(s, a) ? s->v[a] : HAS(s, b) ? s->v[b] : NAN;
}

static int on_record(fit_state *s, const fit_msg *m)
{
	track_sample smp;
	if (++s->records > s->limits.max_records)
		return RD_ELIMIT;
	track_sample_init(&smp);
	if (m->has_timestamp)
		smp.time = track_time(m->timestamp);
	track *t = piece_for(s, smp.time);
	if (!t)
		return RD_ENOMEM;
	if (HAS(s, FS_LAT) && HAS(s, FS_LON)) {
		smp.lat = s->v[FS_LAT];
		smp.lon = s->v[FS_LON];
	}
	smp.alt_m = slot_or(s, FS_EALT, FS_ALT);
	smp.speed_mps = slot_or(s, FS_ESPEED, FS_SPEED);
	smp.dist_m = slot_or(s, FS_DIST, FS_DIST);
	if (HAS(s, FS_CSD))
		csd_sample(s, m, &smp);
	if (HAS(s, FS_HR))
		smp.hr = (int)s->v[FS_HR];
	if (HAS(s, FS_CAD))
		smp.cadence = (int)s->v[FS_CAD]; /* rpm; doubled for runs */
	smp.paused = s->timer_stopped || s->stopped_since;
	s->stopped_since = 0;
	track_add(t, &smp);
	return 0;
}

static void on_event(fit_state *s)
{
	if (!HAS(s, FS_EVENT) || s->v[FS_EVENT] != 0 || !HAS(s, FS_EVENT_TYPE))
		return; /* only timer events */
	switch ((int)s->v[FS_EVENT_TYPE]) {
	case 0: /* start */
		s->timer_stopped = 0;
		break;
	case 1: case 4: case 8: case 9: /* stop, stop_all, stop_disable(_all) */
		s->timer_stopped = 1;
		s->stopped_since = 1;
		break;
	default:
		break;
	}
}

static void on_activity(fit_state *s, const fit_msg *m)
{
	if (!HAS(s, FS_LOCAL_TS) || !m->has_timestamp ||
	    m->timestamp < FIT_DATE_MIN || s->v[FS_LOCAL_TS] < FIT_DATE_MIN)
		return;
	double off = s->v[FS_LOCAL_TS] - (double)m->timestamp;
	if (fabs(off) > 18 * 3600)
		return; /* not a time zone: ignore */
	s->utc_offset = (int32_t)off;
	s->has_utc_offset = 1;
}

static void sink_warn(const fit_state *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void sink_warn(const fit_state *s, const char *fmt, ...)
{
	if (!s->sink.warn)
		return;
	rd_diag w = RD_DIAG_INIT;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w.message, sizeof w.message, fmt, ap);
	va_end(ap);
	size_t n = strnlen(s->source, sizeof w.file - 1);
	memcpy(w.file, s->source, n);
	w.file[n] = '\0';
	s->sink.warn(s->sink.warn_ctx, &w);
}

static void session_totals(fit_state *s, fit_session *ss)
{
	rd_activity *a = &ss->a;
	if (HAS(s, FS_ELAPSED))
		a->elapsed_s = s->v[FS_ELAPSED];
	if (HAS(s, FS_TIMER))
		a->moving_s = s->v[FS_TIMER];
	if (a->moving_s > a->elapsed_s + 1) {
		/* Timer time beyond elapsed time: the two are swapped in the
		 * file (seen in real files; F30). */
		double t = a->moving_s;
		a->moving_s = a->elapsed_s;
		a->elapsed_s = t;
		sink_warn(s, "session timer time %.1f s exceeds elapsed time "
			  "%.1f s; taken as swapped", t, a->moving_s);
	}
	if (HAS(s, FS_TOTAL_DIST))
		a->distance_m = s->v[FS_TOTAL_DIST];
	if (HAS(s, FS_ASCENT))
		a->ascent_m = s->v[FS_ASCENT];
	if (HAS(s, FS_AVG_HR) && s->v[FS_AVG_HR] > 0) /* 0: no sensor */
		a->avg_hr = (int)s->v[FS_AVG_HR];
	if (HAS(s, FS_MAX_HR) && s->v[FS_MAX_HR] > 0)
		a->max_hr = (int)s->v[FS_MAX_HR];
	if (HAS(s, FS_AVG_CAD)) {
		double c = s->v[FS_AVG_CAD];
		if (HAS(s, FS_AVG_FRAC_CAD))
			c += s->v[FS_AVG_FRAC_CAD];
		if (rd_sport_is_run(a->sport))
			c *= 2; /* strides to steps */
		a->avg_cadence = (int)lround(c);
		ss->cadence_set = 1;
	}
}

static void session_span(fit_state *s, const fit_msg *m, fit_session *ss)
{
	double elapsed = HAS(s, FS_ELAPSED) ? s->v[FS_ELAPSED] : NAN;
	ss->start = ss->end = NAN;
	if (HAS(s, FS_START_TIME)) {
		uint32_t st = (uint32_t)s->v[FS_START_TIME];
		ss->start = track_time(st);
		if (st >= FIT_DATE_MIN)
			ss->a.start_utc = (int64_t)st + FIT_EPOCH;
	}
	if (m->has_timestamp)
		ss->end = track_time(m->timestamp);
	if (isnan(ss->start) && !isnan(elapsed))
		ss->start = ss->end - elapsed;
	if ((isnan(ss->end) || ss->end < ss->start) && !isnan(elapsed))
		ss->end = ss->start + elapsed;
}

static int on_session(fit_state *s, const fit_msg *m)
{
	if (s->nsessions >= s->limits.max_activities)
		return RD_ELIMIT;
	if (rd_grow((void **)&s->sessions, &s->sessions_cap, s->nsessions + 1,
		    sizeof *s->sessions))
		return RD_ENOMEM;
	fit_session *ss = &s->sessions[s->nsessions++];
	rd_activity_init(&ss->a);
	ss->cadence_set = 0;
	ss->sport = HAS(s, FS_SPORT) ? (int)s->v[FS_SPORT] : -1;
	ss->sub_sport = HAS(s, FS_SUB_SPORT) ? (int)s->v[FS_SUB_SPORT] : -1;
	ss->a.sport = fit_sport_map(ss->sport, ss->sub_sport);
	session_totals(s, ss);
	session_span(s, m, ss);
	return 0;
}

static int on_msg(void *ctx, const fit_msg *m)
{
	fit_state *s = ctx;
	switch (m->global) {
	case FIT_MESG_LAP:
		next_piece(s);
		return 0;
	case FIT_MESG_RECORD:
		read_slots(s, m);
		return on_record(s, m);
	case FIT_MESG_SESSION:
		read_slots(s, m);
		return on_session(s, m);
	case FIT_MESG_EVENT:
		read_slots(s, m);
		on_event(s);
		return 0;
	case FIT_MESG_ACTIVITY:
		read_slots(s, m);
		on_activity(s, m);
		return 0;
	case FIT_MESG_SPORT:
		read_slots(s, m);
		s->sport = HAS(s, FS_SPORT) ? (int)s->v[FS_SPORT] : -1;
		s->sub_sport = HAS(s, FS_SUB_SPORT) ? (int)s->v[FS_SUB_SPORT] : -1;
		return 0;
	case FIT_MESG_WORKOUT:
		read_slots(s, m);
		s->has_workout = 1;
		return 0;
	default:
		return 0;
	}
}

/* ---- building the activities ------------------------------------------ */

static double gap_to(const fit_session *ss, double t)
{
	if (isnan(ss->start) || isnan(ss->end))
		return INFINITY;
	if (t < ss->start)
		return ss->start - t;
	return t > ss->end ? t - ss->end : 0;
}

/* The session a piece belongs to: the one holding its middle, else the
 * nearest; the first when times are unknown. */
static size_t owner(const fit_state *s, const track *p)
{
	if (s->nsessions == 1 || isnan(p->first_time))
		return 0;
	double mid = (p->first_time + p->last_time) / 2, best = INFINITY;
	size_t who = 0;
	for (size_t i = 0; i < s->nsessions; i++) {
		double g = gap_to(&s->sessions[i], mid);
		if (g < best) {
			best = g;
			who = i;
		}
	}
	return who;
}

static rd_read_status file_status(const fit_state *s)
{
	const fit_stats *st = fit_decoder_stats(s->dec);
	if (st->error || st->truncated || st->unfinalised)
		return RD_READ_PARTIAL;
	return RD_READ_OK;
}

static void fill_common(const fit_state *s, rd_activity *a)
{
	snprintf(a->source, sizeof a->source, "%s", s->source);
	snprintf(a->name, sizeof a->name, "%s", s->name);
	a->utc_offset_s = s->utc_offset;
	a->has_utc_offset = s->has_utc_offset;
	a->marked_workout = s->has_workout;
	a->marked_race = 0; /* FIT has no race mark: see docs/internals/fit.md */
	a->status = file_status(s);
}

static int emit_one(fit_state *s, rd_activity *a, track *t, int cadence_set)
{
	fill_common(s, a);
	track_finish(t, a);
	if (!cadence_set && a->avg_cadence > 0 && rd_sport_is_run(a->sport))
		a->avg_cadence *= 2; /* record cadence is strides per minute */
	if (a->start_utc != INT64_MIN && a->start_utc < ABSOLUTE_UNIX_MIN)
		a->start_utc = INT64_MIN; /* relative time: never a 1990 date */
	if (a->elapsed_s > 14 * 86400.0)
		sink_warn(s, "activity is longer than 14 days (%.1f days); its "
			  "timestamps are suspect", a->elapsed_s / 86400);
	return s->sink.emit ? s->sink.emit(s->sink.ctx, a) : 0;
}

static int emit_records_only(fit_state *s)
{
	rd_activity a;
	track all;
	rd_activity_init(&a);
	track_init(&all);
	for (size_t i = 0; i < s->npieces; i++)
		track_merge(&all, &s->pieces[i]);
	a.sport = fit_sport_map(s->sport, s->sub_sport);
	return emit_one(s, &a, &all, 0);
}

static int emit_sessions(fit_state *s)
{
	track acc;
	for (size_t i = 0; i < s->nsessions; i++) {
		fit_session *ss = &s->sessions[i];
		track_init(&acc);
		for (size_t p = 0; p < s->npieces; p++)
			if (owner(s, &s->pieces[p]) == i)
				track_merge(&acc, &s->pieces[p]);
		if (ss->a.sport == RD_SPORT_UNKNOWN)
			ss->a.sport = fit_sport_map(s->sport, s->sub_sport);
		int rc = emit_one(s, &ss->a, &acc, ss->cadence_set);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- reader_ops -------------------------------------------------------- */

static void fit_close(void *state)
{
	fit_state *s = state;
	if (!s)
		return;
	fit_decoder_free(s->dec);
	rd_free(s->pieces);
	rd_free(s->sessions);
	rd_free(s);
}

static void *fit_open(const char *source, const activity_sink *sink,
		      const rd_limits *limits)
{
	fit_state *s = rd_calloc(1, sizeof *s);
	if (!s)
		return NULL;
	if (limits)
		s->limits = *limits;
	else
		rd_limits_default(&s->limits);
	s->sink = *sink;
	s->sport = s->sub_sport = -1;
	snprintf(s->source, sizeof s->source, "%s", source ? source : "");
	if (fit_decoder_new(&s->dec, source, on_msg, s, sink->warn,
			    sink->warn_ctx, &s->limits)) {
		fit_close(s);
		return NULL;
	}
	return s;
}

static const char *stop_reason(int rc)
{
	switch (rc) {
	case RD_ENOMEM: return "out of memory";
	case RD_ELIMIT: return "too many records or sessions (limit)";
	default: return "the activity sink stopped the reader";
	}
}

/* A stop from on_msg (or the sink) has no diagnostic yet: give it one. */
static int checked(fit_state *s, int rc, rd_diag *diag)
{
	if (rc && !(diag && diag->code)) {
		const fit_stats *st = fit_decoder_stats(s->dec);
		rd_diag_set_offset(diag, rc, s->source, st->error_offset,
				   "%s", stop_reason(rc));
	}
	return rc;
}

static int fit_feed(void *state, const uint8_t *buf, size_t len, rd_diag *diag)
{
	fit_state *s = state;
	if (s->err)
		return s->err;
	s->err = checked(s, fit_decoder_feed(s->dec, buf, len, diag), diag);
	return s->err;
}

static int fit_finish(void *state, rd_diag *diag)
{
	fit_state *s = state;
	int rc = s->err ? s->err : fit_decoder_finish(s->dec, diag);
	rc = checked(s, rc, diag);
	if (fit_decoder_stats(s->dec)->data_messages == 0)
		return rc; /* nothing read: rejected, or not an activity */
	int erc = 0;
	if (s->nsessions > 0)
		erc = emit_sessions(s);
	else if (s->records > 0)
		erc = emit_records_only(s);
	return rc ? rc : erc;
}

const reader_ops fit_reader = {"fit", fit_open, fit_feed, fit_finish,
			       fit_close};
