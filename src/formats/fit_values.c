/*
 * fit_values.c: the values of FIT fields.  Base types and their sizes,
 * each base type's invalid value (the sentinel that means "no value"), and
 * reading element i of a field as an unsigned or signed integer, a double
 * with the profile's scale and offset, or a bounded string.  The decoder
 * (fit.c) has already swapped every field to host order, so sentinels are
 * compared as numbers whatever the file's byte order.
 */
#include "formats/fit.h"
#include "formats/fit_int.h"

#include <math.h>
#include <string.h>

const uint8_t fit_base_sizes[FIT_BASE_COUNT] = {
	1, 1, 1, 2, 2, 4, 4, 1, 4, 8, 1, 2, 4, 1, 8, 8, 8
};

unsigned fit_base_size(unsigned base)
{
	return base < FIT_BASE_COUNT ? fit_base_sizes[base] : 1;
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
	*out = (scale == 1 ? v : v / scale) - offset; /* most are unscaled */
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
