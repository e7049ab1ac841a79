/*
 * fit.c: a streaming decoder for Garmin's FIT protocol.  The reader that
 * turns its messages into activities is fit_activity.c.
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
 *
 * Files: this one is the decoder (its state, unit sizes, headers and the
 * file CRC, definitions, data messages, the push loop); fit_values.c reads
 * field values (base types, invalid values, scale and offset); fit_crc.c
 * is the CRC-16; fit_int.h declares what they share.
 */
#include "formats/fit.h"
#include "formats/fit_int.h"

#include "alloc.h"
#include "rubdown/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- decoder state ----------------------------------------------------- */

typedef struct fit_def {
	int defined;
	uint16_t global;
	uint8_t big_endian;
	uint8_t nfields, ndev;
	uint8_t swap;        /* some field needs byte swapping */
	int16_t ts_field;    /* index of field 253 (uint32), or -1 */
	uint32_t ts_offset;  /* its offset in the message body */
	uint32_t id;         /* fit_msg.def_id */
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
	uint16_t crc;          /* of the segment so far, but for crc_span */
	const uint8_t *crc_span; /* records of the caller's chunk not yet in */
	size_t crc_span_len;   /* crc: summed in one call, not per record */
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
	rd_diag w = RD_DIAG_INIT;
	w.offset = off;
	w.has_offset = 1;
	va_list ap;
	va_start(ap, fmt);
	rd_warn_vsend(d->warn, d->warn_ctx, &w, d->source, fmt, ap);
	va_end(ap);
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

/* Adds the pending span to the CRC.  Done before the CRC is read, before
 * a record from the carry buffer, and before fit_decoder_feed returns (the
 * span points into the caller's chunk). */
static void crc_flush(fit_decoder *d)
{
	if (d->crc_span_len)
		d->crc = fit_crc16(d->crc, d->crc_span, d->crc_span_len);
	d->crc_span_len = 0;
}

/* Records the n bytes at p (a record) for the CRC. */
static void crc_add(fit_decoder *d, const uint8_t *p, size_t n, int carried)
{
	if (d->crc_span_len && d->crc_span + d->crc_span_len != p)
		crc_flush(d);
	if (carried) {
		crc_flush(d);
		d->crc = fit_crc16(d->crc, p, n);
		return;
	}
	if (!d->crc_span_len)
		d->crc_span = p;
	d->crc_span_len += n;
}

static void do_crc(fit_decoder *d, const uint8_t *p)
{
	crc_flush(d);
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
	} else if (f->size % fit_base_sizes[base] != 0) {
		if (!(d->warned & W_MISALIGNED))
			warnf(d, d->pos, "field %u: size %u is not a multiple of "
			      "its base type size %u; read as bytes", f->num,
			      f->size, fit_base_sizes[base]);
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
		if (f->num == 253 && f->base == FIT_UINT32 && f->size == 4) {
			def->ts_field = (int16_t)i;
			def->ts_offset = f->offset;
		}
		if (fit_base_sizes[f->base] > 1)
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
	def->id = d->stats.definitions;
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
	unsigned bs = fit_base_sizes[f->base];
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
	if (def->size == 0) /* no field bytes: nothing to swap, and no buffer */
		return b;
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
		if (f->size % fit_base_sizes[f->base])
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
		uint32_t t; /* field 253 is a uint32 of size 4 (ts_field) */
		if (def->ts_field < 0)
			return 1;
		memcpy(&t, m->data + def->ts_offset, 4);
		if (t == 0xFFFFFFFFu) /* invalid */
			return 1;
		d->last_ts = t;
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
		     def->dev, def->ndev, 0, 0, 0, d->pos, def->id};
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
		crc_add(d, p, n, p == d->carry);
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

/* The common case of feed_units: data messages of defined local types,
 * whole in buf and inside the segment's data, one after the other, without
 * the general unit dispatch.  Stops (returning the bytes consumed) at
 * anything else: a definition, an undefined type, a message cut by the
 * chunk or running past the data, the end of the data. */
static size_t fast_data(fit_decoder *d, const uint8_t *buf, size_t len,
			rd_diag *diag, int *rc)
{
	size_t used = 0;
	while (used < len) {
		const uint8_t *p = buf + used;
		uint8_t h = p[0];
		if ((h & 0xC0) == 0x40)
			break;
		const fit_def *def = &d->defs[h & 0x80 ? (h >> 5) & 3 : h & 0x0F];
		size_t n = 1 + (size_t)def->size;
		if (!def->defined || n > len - used || d->pos + n > d->data_end)
			break;
		crc_add(d, p, n, 0);
		*rc = do_data(d, p, diag);
		d->pos += n;
		used += n;
		if (*rc)
			break;
		if (d->pos == d->data_end) {
			d->state = ST_CRC;
			break;
		}
	}
	return used;
}

static int feed_units(fit_decoder *d, const uint8_t *buf, size_t len,
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
		if (d->state == ST_RECORDS) {
			int rc = 0;
			size_t used = fast_data(d, buf, len, diag, &rc);
			buf += used;
			len -= used;
			if (rc)
				return rc;
			if (used > 0)
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

int fit_decoder_feed(fit_decoder *d, const uint8_t *buf, size_t len,
		     rd_diag *diag)
{
	int rc = feed_units(d, buf, len, diag);
	crc_flush(d);
	return rc;
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
		if (end >= 12 && d->carry_len && d->carry[0] >= 12) /* a long header, cut */
			snprintf(m, sizeof m, "truncated header: %llu bytes, the header says %u",
				 (unsigned long long)end, d->carry[0]);
		else
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
