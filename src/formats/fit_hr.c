/*
 * fit_hr.c: heart rate from hr messages (132), as the FIT SDK's
 * HrMesgUtils expands them (see fit.h for the contract).
 *
 * Fields used:
 *   253 timestamp             only in anchor messages
 *   0   fractional_timestamp  uint16, 1/32768 s, added to the anchor time
 *   6   filtered_bpm          uint8[n]
 *   9   event_timestamp       uint32[n], 1/1024 s of the strap's clock
 *   10  event_timestamp_12    byte[12 n / 8]: n 12-bit values packed
 *                             little-endian, each the low 12 bits of an
 *                             event_timestamp, accumulated over rollovers
 *
 * Sample i is at anchor_time + (event[i] - anchor_event) / 1024, the
 * difference taken modulo 2^32 so the strap's clock may wrap.
 */
#include "formats/fit.h"

#include <math.h>

#define FIT_HR_BPM 6
#define FIT_HR_EVENT 9
#define FIT_HR_EVENT12 10
#define FIT_HR_FRACTION 0

void fit_hr_init(fit_hr *h)
{
	h->anchor_time = NAN;
	h->anchor_event = h->last_event = 0;
}

/* Element i of event_timestamp_12, or -1 past its end. */
static int packed12(const fit_msg *m, const fit_field *f, unsigned i)
{
	unsigned bit = i * 12;
	if (bit + 12 > f->size * 8u)
		return -1;
	const uint8_t *p = m->data + f->offset + bit / 8;
	unsigned v = ((unsigned)p[0] | (unsigned)p[1] << 8) >> (bit % 8);
	return (int)(v & 0xFFF);
}

/* The event_timestamp of sample i, accumulated; 0 when there is none. */
static int event_at(fit_hr *h, const fit_msg *m, unsigned i, uint32_t *out)
{
	const fit_field *f = fit_msg_field(m, FIT_HR_EVENT);
	uint64_t v;
	if (f && f->base == FIT_UINT32 && fit_field_uint(m, f, i, &v)) {
		h->last_event = (uint32_t)v;
	} else {
		f = fit_msg_field(m, FIT_HR_EVENT12);
		int low = f ? packed12(m, f, i) : -1;
		if (low < 0)
			return 0;
		h->last_event += ((uint32_t)low - h->last_event) & 0xFFFu;
	}
	*out = h->last_event;
	return 1;
}

/* A message with a timestamp and one event_timestamp anchors the rest. */
static void anchor(fit_hr *h, const fit_msg *m)
{
	const fit_field *ev = fit_msg_field(m, FIT_HR_EVENT);
	const fit_field *fr = fit_msg_field(m, FIT_HR_FRACTION);
	uint64_t e, frac;
	if (!m->has_timestamp || !ev || ev->base != FIT_UINT32 ||
	    ev->size != 4 || !fit_field_uint(m, ev, 0, &e))
		return;
	h->anchor_time = fit_track_time(m->timestamp);
	if (fr && fit_field_uint(m, fr, 0, &frac))
		h->anchor_time += (double)frac / 32768.0;
	h->anchor_event = h->last_event = (uint32_t)e;
}

int fit_hr_message(fit_hr *h, const fit_msg *m, fit_hr_fn fn, void *ctx)
{
	anchor(h, m);
	const fit_field *bpm = fit_msg_field(m, FIT_HR_BPM);
	if (isnan(h->anchor_time) || !bpm)
		return 0;
	for (unsigned i = 0; i < bpm->size; i++) {
		uint64_t b;
		uint32_t ev;
		if (!event_at(h, m, i, &ev))
			break;
		if (!fit_field_uint(m, bpm, i, &b) || b == 0)
			continue;
		double t = h->anchor_time + (double)(uint32_t)(ev - h->anchor_event) / 1024.0;
		int rc = fn(ctx, t, (int)b);
		if (rc)
			return rc;
	}
	return 0;
}
