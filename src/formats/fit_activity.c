/*
 * fit_activity.c: the FIT activity reader (fit_reader of reader.h): the
 * messages of the decoder (fit.c) mapped to rd_activity summaries.
 *
 * Messages used (field numbers in fit_profile.c):
 *   record (20)       samples: time, position, altitude, distance, speed,
 *                     heart rate, cadence -> track_add()
 *   event (21)        timer start/stop: samples while stopped are paused
 *   lap (19)          ends a piece (see below)
 *   session (18)      one activity each: sport, span, the device's totals
 *   hr (132)          HRM-Pro/HRM-Swim heart rate stored on the strap and
 *                     appended to the file: used when records lack it
 *   activity (34)     local_timestamp - timestamp = UTC offset, else
 *   timestamp_correlation (162) the same difference
 *   sport (12), workout (26)  sport when sessions lack it; workout name
 */
#include "formats/fit.h"

#include "alloc.h"
#include "track.h"
#include "rubdown/error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
 *
 * Heart rate from hr messages (fit_hr.c) goes into pieces of its own, as
 * samples with a time and a bpm only; a session takes them when they cover
 * more of it than the heart rate of its records does.  These messages are
 * written after the records, and the strap stores from before the start:
 * only the pieces whose middle lies within a session count.
 */
#define MAX_PIECES 256
#define PIECE_SPAN_S 30.0
#define SEMICIRCLE_DEG (180.0 / 2147483648.0)
#define ABSOLUTE_UNIX_MIN ((int64_t)FIT_EPOCH + (int64_t)FIT_DATE_MIN)

typedef struct fit_session {
	rd_activity a;
	double start, end;    /* track time (fit_track_time), NAN unknown */
	int sport, sub_sport; /* FIT enums, -1 unknown */
	int cadence_set;
} fit_session;

/* Tracks that continue each other, by time. */
typedef struct fit_pieces {
	track *p;
	size_t n, cap;
	double span;
} fit_pieces;

/* The extraction plan of one definition, built once: per mapped field, how
 * to read element 0 (offset, width, signedness, invalid value, scale), so a
 * message is decoded by reading those offsets only.  Fields too short for
 * their base type are never present and get no step. */
enum fit_op {
	OP_U8, OP_U16, OP_U32, OP_S8, OP_S16, OP_S32, /* integers */
	OP_SEMI,        /* sint32 semicircles to degrees */
	OP_OTHER,       /* floats, 64-bit: fit_field_double */
	OP_NAME, OP_CSD,
	OP_NONE         /* absent (record plan) */
};

typedef struct fit_step {
	uint8_t op;             /* enum fit_op */
	uint8_t slot;           /* enum fit_slot */
	uint8_t field;          /* index in fit_msg.fields */
	uint8_t scaled;         /* scale != 1 */
	uint32_t offset;        /* of the field in fit_msg.data */
	uint32_t invalid;       /* raw invalid value (integers) */
	float scale, off;       /* the profile's: value / scale - off */
} fit_step;

/* The record fields on_record uses, each at most once and an integer:
 * then a record is read straight into its track sample (fast_record). */
enum { RP_LAT, RP_LON, RP_EALT, RP_ALT, RP_ESPEED, RP_SPEED, RP_DIST, RP_HR,
       RP_CAD, RP_COUNT };

typedef struct fit_slots {
	uint32_t def_id;        /* 0: empty */
	uint8_t n;
	uint8_t rec_fast;       /* a record definition that rec[] covers */
	fit_step rec[RP_COUNT]; /* op OP_NONE: not in the definition */
	fit_step step[255];
} fit_slots;

typedef struct fit_state {
	fit_decoder *dec;
	activity_sink sink;
	rd_limits limits;
	char source[512];
	uint16_t hr_out[RD_HR_BINS]; /* an emitted activity's hr_seconds point here */
	rd_diag *diag;
	int err;
	fit_pieces rec;         /* records */
	fit_pieces hr;          /* heart rate of hr messages */
	fit_hr hrm;
	uint64_t hr_samples;
	uint64_t records;
	fit_session *sessions;
	size_t nsessions, sessions_cap;
	int timer_stopped, stopped_since;
	int sport, sub_sport;  /* sport message, -1 unknown */
	char name[160];        /* workout name */
	int has_workout;
	int32_t utc_offset;
	int has_utc_offset;     /* 2 from activity, 1 timestamp_correlation */
	int csd_have;          /* compressed_speed_distance accumulator */
	uint32_t csd_last, csd_acc;
	double v[FS_COUNT];
	uint64_t have;
	fit_slots slots[FIT_LOCAL_TYPES];
} fit_state;

#define HAS(s, slot) (((s)->have >> (slot)) & 1)

double fit_track_time(uint32_t t)
{
	return t >= FIT_DATE_MIN ? (double)t + FIT_EPOCH : (double)t;
}

/* The step reading field f for profile entry pf; 0 when never present. */
static int plan_step(fit_step *st, const fit_field *f, const fit_prof_field *pf)
{
	static const uint8_t int_op[FIT_BASE_COUNT] = {
		[FIT_ENUM] = OP_U8, [FIT_SINT8] = OP_S8, [FIT_UINT8] = OP_U8,
		[FIT_SINT16] = OP_S16, [FIT_UINT16] = OP_U16,
		[FIT_SINT32] = OP_S32, [FIT_UINT32] = OP_U32,
		[FIT_STRING] = OP_OTHER, [FIT_FLOAT32] = OP_OTHER,
		[FIT_FLOAT64] = OP_OTHER, [FIT_UINT8Z] = OP_U8,
		[FIT_UINT16Z] = OP_U16, [FIT_UINT32Z] = OP_U32,
		[FIT_BYTE] = OP_U8, [FIT_SINT64] = OP_OTHER,
		[FIT_UINT64] = OP_OTHER, [FIT_UINT64Z] = OP_OTHER
	};
	static const uint32_t invalid[FIT_BASE_COUNT] = {
		[FIT_ENUM] = 0xFF, [FIT_SINT8] = 0x7F, [FIT_UINT8] = 0xFF,
		[FIT_SINT16] = 0x7FFF, [FIT_UINT16] = 0xFFFF,
		[FIT_SINT32] = 0x7FFFFFFF, [FIT_UINT32] = 0xFFFFFFFF,
		[FIT_BYTE] = 0xFF /* the z types: 0 */
	};
	st->slot = pf->slot;
	st->offset = f->offset;
	st->scale = pf->scale;
	st->off = pf->offset;
	st->scaled = pf->scale != 1;
	if (pf->slot == FS_NAME || pf->slot == FS_CSD) {
		st->op = pf->slot == FS_NAME ? OP_NAME : OP_CSD;
		return 1;
	}
	if (f->base >= FIT_BASE_COUNT || f->size < fit_base_size(f->base))
		return 0;
	st->op = int_op[f->base];
	st->invalid = invalid[f->base];
	if (pf->slot == FS_LAT || pf->slot == FS_LON)
		st->op = f->base == FIT_SINT32 ? OP_SEMI : OP_OTHER;
	return 1; /* strings other than lat/lon: never present (OP_OTHER) */
}

static int record_part(uint8_t slot)
{
	switch (slot) {
	case FS_LAT: return RP_LAT;
	case FS_LON: return RP_LON;
	case FS_EALT: return RP_EALT;
	case FS_ALT: return RP_ALT;
	case FS_ESPEED: return RP_ESPEED;
	case FS_SPEED: return RP_SPEED;
	case FS_DIST: return RP_DIST;
	case FS_HR: return RP_HR;
	case FS_CAD: return RP_CAD;
	case FS_TIMESTAMP: case FS_FRAC_CAD: return -1; /* not used */
	default: return -2; /* CSD, or not a record field: generic path */
	}
}

/* Fills c->rec from c->step when every field on_record uses is a plain
 * integer present at most once (else the generic path keeps the rule
 * that the last valid duplicate wins). */
static void plan_record(fit_slots *c)
{
	c->rec_fast = 0;
	for (unsigned i = 0; i < RP_COUNT; i++)
		c->rec[i].op = OP_NONE;
	for (unsigned i = 0; i < c->n; i++) {
		int rp = record_part(c->step[i].slot);
		if (rp == -1)
			continue;
		if (rp < 0 || c->step[i].op >= OP_OTHER ||
		    c->rec[rp].op != OP_NONE)
			return;
		c->rec[rp] = c->step[i];
	}
	c->rec_fast = 1;
}

/* Builds the plan of m's definition into c. */
static const fit_slots *plan_slots(fit_slots *c, const fit_msg *m)
{
	c->def_id = m->def_id;
	c->n = 0;
	for (unsigned i = 0; i < m->nfields; i++) {
		const fit_prof_field *pf =
			fit_profile_field(m->global, m->fields[i].num);
		if (pf && plan_step(&c->step[c->n], &m->fields[i], pf))
			c->step[c->n++].field = (uint8_t)i;
	}
	if (m->global == FIT_MESG_RECORD)
		plan_record(c);
	else
		c->rec_fast = 0;
	return c;
}

/* The plan of m's definition: built once per definition message. */
static inline const fit_slots *slots_for(fit_state *s, const fit_msg *m)
{
	fit_slots *c = &s->slots[m->local & (FIT_LOCAL_TYPES - 1)];
	if (c->def_id == m->def_id && m->def_id != 0)
		return c;
	return plan_slots(c, m);
}

/* The rare steps: strings, compressed speed/distance, floats, 64 bits, and
 * lat/lon of another base type (read as before: sint of its size). */
static void read_slow(fit_state *s, const fit_msg *m, const fit_step *st)
{
	const fit_field *f = &m->fields[st->field];
	double v;
	int64_t i;
	switch (st->op) {
	case OP_NAME:
		fit_field_string(m, f, s->name, sizeof s->name);
		return;
	case OP_CSD:
		if (f->size == 3 && memcmp(m->data + f->offset, "\xff\xff\xff", 3))
			s->have |= 1ull << FS_CSD;
		s->v[FS_CSD] = (double)f->offset;
		return;
	default:
		if (st->slot == FS_LAT || st->slot == FS_LON) {
			if (!fit_field_sint(m, f, 0, &i))
				return;
			v = (double)i * SEMICIRCLE_DEG;
		} else if (!fit_field_double(m, f, 0, (double)st->scale,
					     (double)st->off, &v)) {
			return;
		}
	}
	s->v[st->slot] = v;
	s->have |= 1ull << st->slot;
}

/* Element 0 of an integer step: 1 and *raw when not the invalid value. */
static inline int read_int(const uint8_t *p, const fit_step *st,
			   int64_t *out)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	switch (st->op) {
	case OP_U8: u8 = *p; *out = u8; return u8 != st->invalid;
	case OP_S8: u8 = *p; *out = (int8_t)u8; return u8 != st->invalid;
	case OP_U16: memcpy(&u16, p, 2); *out = u16; break;
	case OP_S16: memcpy(&u16, p, 2); *out = (int16_t)u16; break;
	case OP_U32: memcpy(&u32, p, 4); *out = u32; return u32 != st->invalid;
	default: memcpy(&u32, p, 4); *out = (int32_t)u32;
		return u32 != st->invalid;
	}
	return u16 != st->invalid;
}

/* An integer step's value (op < OP_OTHER, or OP_NONE): 1 and *v when
 * present and valid, with fit_field_double's rule. */
static inline int step_value(const fit_step *st, const uint8_t *data,
			     double *v)
{
	int64_t raw;
	if (st->op == OP_NONE || !read_int(data + st->offset, st, &raw))
		return 0;
	double x = (double)raw;
	if (st->op == OP_SEMI)
		x *= SEMICIRCLE_DEG;
	else if (st->scaled)
		x = x / (double)st->scale - (double)st->off;
	else
		x -= (double)st->off;
	*v = x;
	return 1;
}

static void read_slots(fit_state *s, const fit_msg *m, const fit_slots *c)
{
	uint64_t have = 0;
	for (unsigned i = 0; i < c->n; i++) {
		const fit_step *st = &c->step[i];
		if (st->op >= OP_OTHER) {
			s->have = have;
			read_slow(s, m, st);
			have = s->have;
		} else if (step_value(st, m->data, &s->v[st->slot])) {
			have |= 1ull << st->slot;
		}
	}
	s->have = have;
}

static int first_piece(fit_pieces *ps)
{
	if (rd_grow((void **)&ps->p, &ps->cap, MAX_PIECES, sizeof *ps->p))
		return RD_ENOMEM;
	track_init(&ps->p[0]);
	ps->n = 1;
	ps->span = PIECE_SPAN_S;
	return 0;
}

/* Merges neighbours in pairs: half the pieces, each twice as long. */
static void compact_pieces(fit_pieces *ps)
{
	size_t n = 0;
	for (size_t i = 0; i < ps->n; i += 2, n++) {
		if (n != i)
			ps->p[n] = ps->p[i];
		if (i + 1 < ps->n)
			track_merge(&ps->p[n], &ps->p[i + 1]);
	}
	ps->n = n;
	ps->span *= 2;
}

/* Ends the current piece (if it has samples) and starts the next. */
static void next_piece(fit_pieces *ps)
{
	if (ps->n == 0 || ps->p[ps->n - 1].records == 0)
		return;
	if (ps->n == MAX_PIECES)
		compact_pieces(ps);
	track_continue(&ps->p[ps->n], &ps->p[ps->n - 1]);
	ps->n++;
}

/* The piece a sample at time goes to; NULL when out of memory. */
static inline track *piece_for(fit_pieces *ps, double time)
{
	if (ps->n == 0 && first_piece(ps))
		return NULL;
	const track *t = &ps->p[ps->n - 1];
	if (!isnan(time) && !isnan(t->first_time) &&
	    time - t->first_time >= ps->span)
		next_piece(ps);
	return &ps->p[ps->n - 1];
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

/* Adds smp (its fields read) as the next record. */
static inline int add_record(fit_state *s, const fit_msg *m,
			     track_sample *smp)
{
	if (++s->records > s->limits.max_records)
		return RD_ELIMIT;
	if (m->has_timestamp)
		smp->time = fit_track_time(m->timestamp);
	track *t = piece_for(&s->rec, smp->time);
	if (!t)
		return RD_ENOMEM;
	smp->paused = s->timer_stopped || s->stopped_since;
	s->stopped_since = 0;
	track_add(t, smp);
	return 0;
}

/* A record through read_slots: any definition. */
/* A field value as an int, or `none` when it is out of [lo, hi]: a field may
 * carry any base type, so a value need not fit (and a cast would be UB). */
static int small_int(double v, int lo, int hi, int none)
{
	return v >= lo && v <= hi ? (int)v : none;
}

static int on_record(fit_state *s, const fit_msg *m)
{
	track_sample smp;
	track_sample_init(&smp);
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
		smp.hr = small_int(s->v[FS_HR], 0, 255, -1);
	if (HAS(s, FS_CAD))
		smp.cadence = small_int(s->v[FS_CAD], 0, 255, -1); /* rpm; doubled for runs */
	return add_record(s, m, &smp);
}

/* The same for a definition with a record plan (c->rec_fast): the fields
 * straight into the sample, by the same rules. */
static int fast_record(fit_state *s, const fit_msg *m, const fit_slots *c)
{
	const fit_step *r = c->rec;
	const uint8_t *d = m->data;
	track_sample smp;
	double a;
	track_sample_init(&smp);
	/* Straight into smp: a pair of doubles stored one by one and
	 * copied as 16 bytes stalls store forwarding. */
	if (!step_value(&r[RP_LAT], d, &smp.lat) ||
	    !step_value(&r[RP_LON], d, &smp.lon))
		smp.lat = smp.lon = NAN;
	if (step_value(&r[RP_EALT], d, &a) || step_value(&r[RP_ALT], d, &a))
		smp.alt_m = a;
	if (step_value(&r[RP_ESPEED], d, &a) ||
	    step_value(&r[RP_SPEED], d, &a))
		smp.speed_mps = a;
	if (step_value(&r[RP_DIST], d, &a))
		smp.dist_m = a;
	if (step_value(&r[RP_HR], d, &a))
		smp.hr = small_int(a, 0, 255, -1);
	if (step_value(&r[RP_CAD], d, &a))
		smp.cadence = small_int(a, 0, 255, -1);
	return add_record(s, m, &smp);
}

static void on_event(fit_state *s)
{
	if (!HAS(s, FS_EVENT) || s->v[FS_EVENT] != 0 || !HAS(s, FS_EVENT_TYPE))
		return; /* only timer events */
	switch (small_int(s->v[FS_EVENT_TYPE], 0, 255, -1)) {
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

/* UTC offset = local_timestamp - timestamp, from the activity message
 * (level 2) or else a timestamp_correlation message (level 1), BAD-INPUTS
 * F25.  A difference past 18 h is not a time zone and is ignored. */
static void utc_offset(fit_state *s, const fit_msg *m, int level)
{
	if (!HAS(s, FS_LOCAL_TS) || !m->has_timestamp ||
	    m->timestamp < FIT_DATE_MIN || s->v[FS_LOCAL_TS] < FIT_DATE_MIN ||
	    s->has_utc_offset > level)
		return;
	double off = s->v[FS_LOCAL_TS] - (double)m->timestamp;
	if (fabs(off) > 18 * 3600)
		return;
	s->utc_offset = (int32_t)off;
	s->has_utc_offset = level;
}

/* One heart-rate sample of an hr message (fit_hr_fn). */
static int on_hr_sample(void *ctx, double time, int bpm)
{
	fit_state *s = ctx;
	if (++s->hr_samples > s->limits.max_records)
		return RD_ELIMIT;
	track *t = piece_for(&s->hr, time);
	if (!t)
		return RD_ENOMEM;
	track_sample smp;
	track_sample_init(&smp);
	smp.time = time;
	smp.hr = bpm;
	track_add(t, &smp);
	return 0;
}

static void sink_warn(const fit_state *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void sink_warn(const fit_state *s, const char *fmt, ...)
{
	rd_diag w = RD_DIAG_INIT;
	va_list ap;
	va_start(ap, fmt);
	rd_warn_vsend(s->sink.warn, s->sink.warn_ctx, &w, s->source, fmt, ap);
	va_end(ap);
}

static void session_totals(fit_state *s, fit_session *ss)
{
	rd_activity *a = &ss->a;
	if (HAS(s, FS_ELAPSED))
		a->elapsed_s = s->v[FS_ELAPSED];
	if (HAS(s, FS_TIMER))
		a->moving_s = s->v[FS_TIMER];
	if (HAS(s, FS_TOTAL_DIST))
		a->distance_m = s->v[FS_TOTAL_DIST];
	if (HAS(s, FS_ASCENT))
		a->ascent_m = s->v[FS_ASCENT];
	if (HAS(s, FS_AVG_HR) && s->v[FS_AVG_HR] > 0) /* 0: no sensor */
		a->avg_hr = small_int(s->v[FS_AVG_HR], 1, 255, -1);
	if (HAS(s, FS_MAX_HR) && s->v[FS_MAX_HR] > 0)
		a->max_hr = small_int(s->v[FS_MAX_HR], 1, 255, -1);
	if (HAS(s, FS_AVG_CAD)) {
		double c = s->v[FS_AVG_CAD];
		if (HAS(s, FS_AVG_FRAC_CAD))
			c += s->v[FS_AVG_FRAC_CAD];
		if (rd_sport_is_run(a->sport))
			c *= 2; /* strides to steps */
		a->avg_cadence = small_int(round(c), 0, 1000, -1);
		ss->cadence_set = a->avg_cadence >= 0;
	}
}

static void session_span(fit_state *s, const fit_msg *m, fit_session *ss)
{
	double elapsed = HAS(s, FS_ELAPSED) ? s->v[FS_ELAPSED] : NAN;
	ss->start = ss->end = NAN;
	if (HAS(s, FS_START_TIME) && s->v[FS_START_TIME] >= 0 &&
	    s->v[FS_START_TIME] <= (double)UINT32_MAX) {
		uint32_t st = (uint32_t)s->v[FS_START_TIME];
		ss->start = fit_track_time(st);
		if (st >= FIT_DATE_MIN)
			ss->a.start_utc = (int64_t)st + FIT_EPOCH;
	}
	if (m->has_timestamp)
		ss->end = fit_track_time(m->timestamp);
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
	ss->sport = HAS(s, FS_SPORT) ? small_int(s->v[FS_SPORT], 0, 255, -1) : -1;
	ss->sub_sport = HAS(s, FS_SUB_SPORT) ? small_int(s->v[FS_SUB_SPORT], 0, 255, -1) : -1;
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
		next_piece(&s->rec);
		return 0;
	case FIT_MESG_RECORD: {
		const fit_slots *c = slots_for(s, m);
		if (c->rec_fast)
			return fast_record(s, m, c);
		read_slots(s, m, c);
		return on_record(s, m);
	}
	case FIT_MESG_SESSION:
		read_slots(s, m, slots_for(s, m));
		return on_session(s, m);
	case FIT_MESG_EVENT:
		read_slots(s, m, slots_for(s, m));
		on_event(s);
		return 0;
	case FIT_MESG_ACTIVITY:
		read_slots(s, m, slots_for(s, m));
		utc_offset(s, m, 2);
		return 0;
	case FIT_MESG_TIMESTAMP_CORRELATION:
		read_slots(s, m, slots_for(s, m));
		utc_offset(s, m, 1);
		return 0;
	case FIT_MESG_HR:
		return fit_hr_message(&s->hrm, m, on_hr_sample, s);
	case FIT_MESG_SPORT:
		read_slots(s, m, slots_for(s, m));
		s->sport = HAS(s, FS_SPORT) ? small_int(s->v[FS_SPORT], 0, 255, -1) : -1;
		s->sub_sport = HAS(s, FS_SUB_SPORT) ? small_int(s->v[FS_SUB_SPORT], 0, 255, -1) : -1;
		return 0;
	case FIT_MESG_WORKOUT:
		read_slots(s, m, slots_for(s, m));
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
	rd_activity_set_source(a, s->source);
	rd_activity_set_name(a, s->name);
	a->utc_offset_s = s->utc_offset;
	a->has_utc_offset = s->has_utc_offset != 0;
	a->marked_workout = s->has_workout;
	a->marked_race = 0; /* FIT has no race mark: see docs/internals/fit.md */
	a->status = file_status(s);
}

static int emit_one(fit_state *s, rd_activity *a, track *t, int cadence_set)
{
	fill_common(s, a);
	track_finish(t, a, s->hr_out);
	if (!cadence_set && a->avg_cadence > 0 && rd_sport_is_run(a->sport))
		a->avg_cadence *= 2; /* record cadence is strides per minute */
	if (a->start_utc != INT64_MIN && a->start_utc < ABSOLUTE_UNIX_MIN)
		a->start_utc = INT64_MIN; /* relative time: never a 1990 date */
	if (a->elapsed_s > 14 * 86400.0)
		sink_warn(s, "activity is longer than 14 days (%.1f days); its "
			  "timestamps are suspect", a->elapsed_s / 86400);
	return s->sink.emit ? s->sink.emit(s->sink.ctx, a) : 0;
}

/* Whether piece p of the hr messages lies within [start, end]: its middle
 * does.  Unknown bounds hold everything. */
static int within(const track *p, double start, double end)
{
	double mid = (p->first_time + p->last_time) / 2;
	return !(mid < start) && !(mid > end);
}

/* Gives t the heart rate of the hr messages within [start, end] when they
 * cover more of it than its records' own heart rate does. */
static void merge_hr(const fit_state *s, track *t, double start, double end)
{
	track hr;
	track_init(&hr);
	for (size_t i = 0; i < s->hr.n; i++)
		if (within(&s->hr.p[i], start, end))
			track_merge(&hr, &s->hr.p[i]);
	if (hr.hr_sum_s > t->hr_sum_s ||
	    (t->hr_sum_s == 0 && hr.hr_plain_n > t->hr_plain_n))
		track_use_hr(t, &hr);
}

static int emit_records_only(fit_state *s)
{
	rd_activity a;
	track all;
	rd_activity_init(&a);
	track_init(&all);
	for (size_t i = 0; i < s->rec.n; i++)
		track_merge(&all, &s->rec.p[i]);
	merge_hr(s, &all, all.first_time, all.last_time);
	a.sport = fit_sport_map(s->sport, s->sub_sport);
	return emit_one(s, &a, &all, 0);
}

/* Timer time beyond elapsed time: one of the two is wrong (F30).  When the
 * session's records come every second for its whole timer time, the timer
 * ran throughout and the elapsed time is the wrong one (seen in a virtual
 * ride); else the two are taken as swapped (seen in real files, a long
 * pause recorded sparsely). */
static void timer_over_elapsed(const fit_state *s, rd_activity *a, const track *t)
{
	double timer = a->moving_s, elapsed = a->elapsed_s;
	if (!(timer > elapsed + 1))
		return;
	double span = t->last_time - t->first_time;
	if (t->records >= 0.9 * timer && fabs(span - timer) <= fmax(60.0, 0.05 * timer)) {
		a->elapsed_s = fmax(span, timer);
		sink_warn(s, "session elapsed time %.1f s is below its timer time %.1f s, "
			  "which its records cover second by second; elapsed taken as %.1f s",
			  elapsed, timer, a->elapsed_s);
		return;
	}
	a->moving_s = elapsed;
	a->elapsed_s = timer;
	sink_warn(s, "session timer time %.1f s exceeds elapsed time %.1f s; taken as swapped",
		  timer, elapsed);
}

static int emit_sessions(fit_state *s)
{
	track acc;
	for (size_t i = 0; i < s->nsessions; i++) {
		fit_session *ss = &s->sessions[i];
		track_init(&acc);
		for (size_t p = 0; p < s->rec.n; p++)
			if (owner(s, &s->rec.p[p]) == i)
				track_merge(&acc, &s->rec.p[p]);
		if (!isnan(ss->start) && !isnan(ss->end))
			merge_hr(s, &acc, ss->start, ss->end);
		else if (s->nsessions == 1)
			merge_hr(s, &acc, acc.first_time, acc.last_time);
		if (ss->a.sport == RD_SPORT_UNKNOWN)
			ss->a.sport = fit_sport_map(s->sport, s->sub_sport);
		timer_over_elapsed(s, &ss->a, &acc);
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
	rd_free(s->rec.p);
	rd_free(s->hr.p);
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
	fit_hr_init(&s->hrm);
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
