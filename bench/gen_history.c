/*
 * gen_history.c: writes a deterministic synthetic training history shaped
 * like a Strava bulk export, for the benchmark (bench/history.sh) and for
 * tests that need a realistic export.
 *
 *   gen_history [--count N] [--days D] [--seed S] [--copies K] [--stretch X]
 *               OUTDIR
 *
 * Defaults: 1,500 activities over 1,826 days (5 years) ending 2026-11-22,
 * seed 1.  The same arguments always give byte-identical output (no clock,
 * no rand(); every activity draws from its own splitmix64 stream).
 *
 * For the benchmark's memory comparisons:
 *   --copies K   writes the same N activities K times, copy c moved D * c
 *                days earlier (new ids and start times, the same records):
 *                K times the activities with the same files, so the same
 *                longest document.
 *   --stretch X  makes every activity X times as long (segments and pause
 *                positions): X times the records, the same activities.
 *
 * Output:
 *   OUTDIR/export/activities.csv        Strava-style CSV (see below)
 *   OUTDIR/export/activities/ID.EXT[.gz]
 *   OUTDIR/export.zip                   the same tree, as Strava ships it:
 *                                       activities.csv at the root, .gz
 *                                       members stored, others deflated
 *
 * The runner: activity i falls on day start + i * D / N.  Sundays are long
 * runs (85-150 min, some over 2 h or 25 km), Tuesdays intervals
 * (6 x 3 min at 176 bpm), Thursdays tempo (25 min at 166 bpm), every 6th
 * week's Sunday a race instead, named like one ("Bushy parkrun", "City 10K",
 * "Half Marathon", "Spring Marathon"), other days easy runs at 140 bpm;
 * about 8% are rides (cross-training) and about 6% of the easy runs in FIT
 * or TCX are treadmill runs without GPS.  hr_rest 50, hr_max 188.  One
 * record per second with position (a 5 km loop near 51.4 N 0.3 W),
 * altitude, heart rate (a first-order lag towards each segment's target,
 * plus noise and drift), cadence (strides per minute, as FIT and Garmin's
 * extensions store it), distance and speed.  30% of outdoor activities
 * have 1-2 pauses of 30-180 s: no records during a pause, and in FIT a
 * timer stop_all / start event pair.
 *
 * Formats, from i % 10: FIT at 0,3,4,6,7,9; GPX at 1,5,8; TCX at 2 (60/30/10%).
 * Gzipped when (i + i / 10) is odd: half of each format.
 *
 * FIT (protocol 2.0, profile 21.32, little-endian definitions): 14-byte
 * header with header CRC, then file_id, event (timer start), record (local
 * type 2, with or without position), event pairs around pauses, event
 * (timer stop_all), lap, session, activity (with local_timestamp = UTC +
 * 1 h in winter, 2 h from April to October), and the file CRC over header
 * and data.  CRC-16 as in the FIT protocol (the nibble table below).
 * GPX 1.1 with Garmin TrackPointExtension v1 hr and cad.  TCX v2 with one
 * Lap, Position (absent on treadmills), DistanceMeters, HeartRateBpm and the
 * ActivityExtension RunCadence.
 *
 * CSV: the first 32 columns of a real export's header, including its
 * duplicate "Elapsed Time", "Distance" (km, then m) and "Max Heart Rate"
 * columns, dates like "Oct 5, 2024, 4:15:21 PM" (UTC), and Filename
 * "activities/ID.fit.gz".
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define PI 3.14159265358979323846
#define FIT_EPOCH 631065600 /* 1989-12-31T00:00:00Z in UNIX seconds */
#define BASE_LAT 51.4
#define BASE_LON -0.3
#define LOOP_M 5000.0
#define HR_REST 50
#define HR_MAX 188

/* ---- A growable byte buffer ---- */

typedef struct buf {
	unsigned char *data;
	size_t len, cap;
} buf;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_history: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void put(buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < b->len + n)
			cap *= 2;
		if (!(b->data = realloc(b->data, cap)))
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void printfb(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void printfb(buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("line too long");
	put(b, tmp, (size_t)n);
}

static void u8(buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void u16(buf *b, unsigned v)
{
	u8(b, v & 0xFF);
	u8(b, (v >> 8) & 0xFF);
}

static void u32(buf *b, uint32_t v)
{
	u16(b, v & 0xFFFF);
	u16(b, v >> 16);
}

/* ---- Randomness: one splitmix64 stream per activity ---- */

static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double between(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * uniform(s);
}

/* About normal, mean 0, deviation 1. */
static double noise(uint64_t *s)
{
	return (uniform(s) + uniform(s) + uniform(s) + uniform(s) - 2.0) * 1.732;
}

/* ---- Dates ---- */

static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void iso_time(char out[32], int64_t t)
{
	int y, m, d;
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), s = t - day * 86400;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60));
}

/* "Oct 5, 2024, 4:15:21 PM", as Strava's CSV writes dates. */
static void strava_time(char out[40], int64_t t)
{
	static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d;
	int64_t day = t / 86400, s = t % 86400;
	civil_from_days(day, &y, &m, &d);
	int h = (int)(s / 3600), h12 = h % 12 ? h % 12 : 12;
	snprintf(out, 40, "%s %d, %d, %d:%02d:%02d %s", mon[m - 1], d, y, h12,
		 (int)(s / 60 % 60), (int)(s % 60), h < 12 ? "AM" : "PM");
}

/* ---- The plan of one activity ---- */

enum kind { EASY, LONG, INTERVALS, TEMPO, RACE, RIDE };
enum format { FIT, GPX, TCX };

typedef struct segment {
	double seconds, speed, hr;
} segment;

typedef struct plan {
	uint64_t id;
	enum kind kind;
	enum format format;
	int gz, treadmill;
	char name[64];
	int64_t start;      /* UNIX seconds, UTC */
	int utc_offset;     /* seconds */
	segment seg[16];
	int nseg;
	double pause_at[2], pause_len[2];
	int npause;
} plan;

static void add_seg(plan *p, double seconds, double speed, double hr)
{
	p->seg[p->nseg++] = (segment){seconds, speed, hr};
}

static enum kind pick_kind(int weekday, int64_t week, uint64_t *rng)
{
	if (uniform(rng) < 0.08 && weekday != 6)
		return RIDE;
	switch (weekday) {
	case 1: return INTERVALS;
	case 3: return TEMPO;
	case 6: return week % 6 == 3 ? RACE : LONG;
	default: return EASY;
	}
}

static void race_plan(plan *p, int64_t week)
{
	static const struct { const char *name; double km, speed, hr; } races[] = {
		{"Bushy parkrun", 5, 4.0, 178}, {"Bushy parkrun", 5, 4.05, 178},
		{"Bushy parkrun", 5, 4.0, 179}, {"Bushy parkrun", 5, 4.1, 177},
		{"City 10K", 10, 3.8, 174},     {"City 10K", 10, 3.82, 175},
		{"Half Marathon", 21.1, 3.55, 168}, {"Spring Marathon", 42.2, 3.3, 160}};
	int r = (int)(week / 6 % 8);
	snprintf(p->name, sizeof p->name, "%s", races[r].name);
	add_seg(p, races[r].km * 1000 / races[r].speed, races[r].speed, races[r].hr);
}

static void session_plan(plan *p, int64_t week, uint64_t *rng)
{
	double easy = between(rng, 2.8, 3.0);
	switch (p->kind) {
	case EASY:
		snprintf(p->name, sizeof p->name, p->treadmill ? "Treadmill Run" : "Morning Run");
		add_seg(p, between(rng, 35, 60) * 60, easy, 140);
		break;
	case LONG:
		snprintf(p->name, sizeof p->name, "Long Run");
		add_seg(p, between(rng, 85, 150) * 60, easy - 0.05, 146);
		break;
	case INTERVALS:
		snprintf(p->name, sizeof p->name, "Intervals 6x3 min");
		add_seg(p, 600, easy, 138);
		for (int k = 0; k < 6; k++) {
			add_seg(p, 180, 3.9, 176);
			add_seg(p, 120, 2.5, 145);
		}
		add_seg(p, 600, easy, 138);
		break;
	case TEMPO:
		snprintf(p->name, sizeof p->name, "Tempo Run");
		add_seg(p, 600, easy, 138);
		add_seg(p, 1500, 3.55, 166);
		add_seg(p, 600, easy, 138);
		break;
	case RACE:
		race_plan(p, week);
		break;
	case RIDE:
		snprintf(p->name, sizeof p->name, "Afternoon Ride");
		add_seg(p, between(rng, 60, 120) * 60, between(rng, 6.5, 7.5), 128);
		break;
	}
}

typedef struct gen_opts {
	long count, days, seed, copies, stretch;
} gen_opts;

static void make_plan(plan *p, const gen_opts *g, long i, long copy)
{
	long count = g->count, days = g->days;
	uint64_t seed = (uint64_t)g->seed;
	static const enum format formats[10] = {FIT, GPX, TCX, FIT, FIT, GPX, FIT, FIT, GPX, FIT};
	uint64_t rng = seed ^ ((uint64_t)(i + 1) * 0xD1B54A32D192ED03ULL);
	int64_t end = days_from_civil(2026, 11, 22), day = end - days + 1 + (int64_t)i * days / count;
	int weekday = (int)((day % 7 + 7 + 3) % 7); /* 0 = Monday */
	int64_t week = (day - (end - days + 1)) / 7;
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	memset(p, 0, sizeof *p);
	p->id = 5000000000ULL + ((uint64_t)copy * (uint64_t)count + (uint64_t)i) * 1013;
	p->format = formats[i % 10];
	p->gz = (i + i / 10) % 2;
	p->kind = pick_kind(weekday, week, &rng);
	p->treadmill = p->kind == EASY && p->format != GPX && uniform(&rng) < 0.06;
	p->utc_offset = m >= 4 && m <= 10 ? 7200 : 3600;
	p->start = day * 86400 + (int64_t)between(&rng, 6, 19) * 3600 +
		   (int64_t)between(&rng, 0, 3600) - p->utc_offset;
	p->start -= (int64_t)copy * days * 86400;
	session_plan(p, week, &rng);
	for (int k = 0; k < p->nseg; k++)
		p->seg[k].seconds *= (double)g->stretch;
	if (!p->treadmill && uniform(&rng) < 0.3) {
		double total = 0;
		for (int k = 0; k < p->nseg; k++)
			total += p->seg[k].seconds;
		p->npause = 1 + (uniform(&rng) < 0.5);
		for (int k = 0; k < p->npause; k++) {
			p->pause_at[k] = total * (k + 1) / (p->npause + 1);
			p->pause_len[k] = between(&rng, 30, 180);
		}
	}
}

/* ---- Simulation: one sample a second ---- */

typedef struct sample {
	int64_t t;
	double lat, lon, alt, dist, speed;
	int hr, cad;
	int paused_before; /* a pause ended just before this sample */
} sample;

typedef struct track {
	sample *s;
	size_t n, cap;
	double timer_s, ascent, max_speed;
	int max_hr;
	double hr_sum, cad_sum;
} track;

static void push(track *tr, const sample *s)
{
	if (tr->n == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 8192;
		if (!(tr->s = realloc(tr->s, tr->cap * sizeof *tr->s)))
			die("out of memory");
	}
	tr->s[tr->n++] = *s;
}

static void position(sample *s, double dist)
{
	double r = LOOP_M / (2 * PI), a = dist / r;
	s->lat = BASE_LAT + r * sin(a) / 111320.0;
	s->lon = BASE_LON + r * (1 - cos(a)) / (111320.0 * cos(BASE_LAT * PI / 180));
	s->alt = 30 + 15 * sin(2 * a);
}

static void simulate(const plan *p, track *tr, uint64_t *rng)
{
	double hr = 95, dist = 0, moving = 0, prev_alt = NAN;
	int64_t t = p->start;
	int pause = 0, gap = 0;
	tr->n = 0;
	for (int k = 0; k < p->nseg; k++) {
		const segment *g = &p->seg[k];
		for (double s = 0; s < g->seconds; s += 1, moving += 1, t++) {
			if (pause < p->npause && moving >= p->pause_at[pause]) {
				t += (int64_t)p->pause_len[pause++];
				gap = 1;
			}
			double v = g->speed * (1 + 0.03 * noise(rng));
			double target = g->hr + 8 * moving / 7200;
			hr += (target - hr) / 30 + 0.7 * noise(rng);
			dist += v;
			sample smp = {t, NAN, NAN, NAN, dist, v, (int)lround(hr),
				      (int)lround((p->kind == RIDE ? 85 : 84 + 4 * (v - 2.9)) + noise(rng)),
				      gap};
			if (!p->treadmill)
				position(&smp, dist);
			if (!isnan(smp.alt) && !isnan(prev_alt) && smp.alt > prev_alt)
				tr->ascent += smp.alt - prev_alt;
			prev_alt = smp.alt;
			tr->max_hr = smp.hr > tr->max_hr ? smp.hr : tr->max_hr;
			tr->max_speed = v > tr->max_speed ? v : tr->max_speed;
			tr->hr_sum += smp.hr;
			tr->cad_sum += smp.cad;
			gap = 0;
			push(tr, &smp);
		}
	}
	/* Timer time: the 1 s intervals between samples, without the spans
	 * from a timer stop_all to the next start (one per pause). */
	tr->timer_s = moving - 1 - pause;
}

static void reset_stats(track *tr)
{
	tr->timer_s = tr->ascent = tr->max_speed = tr->hr_sum = tr->cad_sum = 0;
	tr->max_hr = 0;
}

/* ---- FIT ---- */

static uint16_t fit_crc(uint16_t crc, const unsigned char *p, size_t n)
{
	static const uint16_t table[16] = {0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00,
					   0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401,
					   0x5000, 0x9C01, 0x8801, 0x4400};
	for (size_t i = 0; i < n; i++) {
		uint16_t tmp = table[crc & 0xF];
		crc = (uint16_t)((crc >> 4) & 0x0FFF);
		crc = (uint16_t)(crc ^ tmp ^ table[p[i] & 0xF]);
		tmp = table[crc & 0xF];
		crc = (uint16_t)((crc >> 4) & 0x0FFF);
		crc = (uint16_t)(crc ^ tmp ^ table[(p[i] >> 4) & 0xF]);
	}
	return crc;
}

/* A definition message: fields as (number, size, base type) triples. */
static void fit_def(buf *b, int local, int global, int nfields, const unsigned char *f)
{
	u8(b, 0x40 | (unsigned)local);
	u8(b, 0);
	u8(b, 0); /* little-endian */
	u16(b, (unsigned)global);
	u8(b, (unsigned)nfields);
	put(b, f, (size_t)nfields * 3);
}

static uint32_t fit_time(int64_t t)
{
	return (uint32_t)(t - FIT_EPOCH);
}

static void fit_event(buf *b, int64_t t, int type)
{
	u8(b, 1);
	u32(b, fit_time(t));
	u8(b, 0); /* event: timer */
	u8(b, (unsigned)type); /* 0 start, 4 stop_all */
}

static int32_t semicircles(double deg)
{
	return (int32_t)lround(deg * (2147483648.0 / 180.0));
}

static void fit_records(buf *b, const plan *p, const track *tr)
{
	static const unsigned char gps[] = {253, 4, 0x86, 0, 4, 0x85, 1, 4, 0x85, 2, 2, 0x84,
					    3, 1, 0x02, 4, 1, 0x02, 5, 4, 0x86, 6, 2, 0x84};
	static const unsigned char indoor[] = {253, 4, 0x86, 3, 1, 0x02, 4, 1, 0x02,
					       5, 4, 0x86, 6, 2, 0x84};
	if (p->treadmill)
		fit_def(b, 2, 20, 5, indoor);
	else
		fit_def(b, 2, 20, 8, gps);
	for (size_t i = 0; i < tr->n; i++) {
		const sample *s = &tr->s[i];
		if (s->paused_before) {
			fit_event(b, tr->s[i - 1].t, 4);
			fit_event(b, s->t, 0);
		}
		u8(b, 2);
		u32(b, fit_time(s->t));
		if (!p->treadmill) {
			u32(b, (uint32_t)semicircles(s->lat));
			u32(b, (uint32_t)semicircles(s->lon));
			u16(b, (unsigned)lround((s->alt + 500) * 5));
		}
		u8(b, (unsigned)s->hr);
		u8(b, (unsigned)s->cad);
		u32(b, (uint32_t)lround(s->dist * 100));
		u16(b, (unsigned)lround(s->speed * 1000));
	}
}

static void fit_summary(buf *b, const plan *p, const track *tr)
{
	static const unsigned char lap[] = {253, 4, 0x86, 254, 2, 0x84, 0, 1, 0x00, 1, 1, 0x00,
					    2, 4, 0x86, 7, 4, 0x86, 8, 4, 0x86, 9, 4, 0x86,
					    15, 1, 0x02, 16, 1, 0x02, 25, 1, 0x00, 39, 1, 0x00};
	static const unsigned char ses[] = {253, 4, 0x86, 254, 2, 0x84, 0, 1, 0x00, 1, 1, 0x00,
					    2, 4, 0x86, 5, 1, 0x00, 6, 1, 0x00, 7, 4, 0x86,
					    8, 4, 0x86, 9, 4, 0x86, 14, 2, 0x84, 16, 1, 0x02,
					    17, 1, 0x02, 18, 1, 0x02, 22, 2, 0x84, 25, 2, 0x84,
					    26, 2, 0x84};
	static const unsigned char act[] = {253, 4, 0x86, 0, 4, 0x86, 1, 2, 0x84, 2, 1, 0x00,
					    3, 1, 0x00, 4, 1, 0x00, 5, 4, 0x86};
	const sample *last = &tr->s[tr->n - 1];
	uint32_t end = fit_time(last->t), start = fit_time(p->start);
	uint32_t elapsed = (uint32_t)(last->t - p->start) * 1000, timer = (uint32_t)tr->timer_s * 1000;
	unsigned sport = p->kind == RIDE ? 2 : 1;
	unsigned sub = p->treadmill ? 1 : p->kind == RIDE ? 7 : 0;
	unsigned avg_hr = (unsigned)lround(tr->hr_sum / tr->n);
	fit_def(b, 3, 19, 12, lap);
	u8(b, 3); u32(b, end); u16(b, 0); u8(b, 9); u8(b, 1); u32(b, start);
	u32(b, elapsed); u32(b, timer); u32(b, (uint32_t)lround(last->dist * 100));
	u8(b, avg_hr); u8(b, (unsigned)tr->max_hr); u8(b, sport); u8(b, sub);
	fit_def(b, 4, 18, 17, ses);
	u8(b, 4); u32(b, end); u16(b, 0); u8(b, 8); u8(b, 1); u32(b, start);
	u8(b, sport); u8(b, sub); u32(b, elapsed); u32(b, timer);
	u32(b, (uint32_t)lround(last->dist * 100));
	u16(b, (unsigned)lround(last->dist / tr->timer_s * 1000));
	u8(b, avg_hr); u8(b, (unsigned)tr->max_hr); u8(b, (unsigned)lround(tr->cad_sum / tr->n));
	u16(b, (unsigned)lround(tr->ascent)); u16(b, 0); u16(b, 1);
	fit_def(b, 5, 34, 7, act);
	u8(b, 5); u32(b, end); u32(b, timer); u16(b, 1); u8(b, 0); u8(b, 26); u8(b, 1);
	u32(b, end + (uint32_t)p->utc_offset);
}

static void write_fit(buf *b, const plan *p, const track *tr)
{
	static const unsigned char file_id[] = {0, 1, 0x00, 1, 2, 0x84, 2, 2, 0x84,
						3, 4, 0x8C, 4, 4, 0x86};
	static const unsigned char event[] = {253, 4, 0x86, 0, 1, 0x00, 1, 1, 0x00};
	unsigned char hdr[14] = {14, 0x20, 2132 & 0xFF, 2132 >> 8, 0, 0, 0, 0, '.', 'F', 'I', 'T'};
	put(b, hdr, sizeof hdr);
	fit_def(b, 0, 0, 5, file_id);
	u8(b, 0); u8(b, 4); u16(b, 255); u16(b, 1); u32(b, (uint32_t)(p->id % 4000000000u) + 1);
	u32(b, fit_time(p->start));
	fit_def(b, 1, 21, 3, event);
	fit_event(b, p->start, 0);
	fit_records(b, p, tr);
	fit_event(b, tr->s[tr->n - 1].t, 4);
	fit_summary(b, p, tr);
	uint32_t size = (uint32_t)(b->len - 14);
	for (int k = 0; k < 4; k++)
		b->data[4 + k] = (unsigned char)(size >> (8 * k));
	uint16_t hcrc = fit_crc(0, b->data, 12);
	b->data[12] = (unsigned char)(hcrc & 0xFF);
	b->data[13] = (unsigned char)(hcrc >> 8);
	u16(b, fit_crc(0, b->data, b->len));
}

/* ---- GPX and TCX ---- */

static void write_gpx(buf *b, const plan *p, const track *tr)
{
	char ts[32];
	iso_time(ts, p->start);
	printfb(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<gpx creator=\"rubdown gen_history\" version=\"1.1\" "
		   "xmlns=\"http://www.topografix.com/GPX/1/1\" "
		   "xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\">\n"
		   " <metadata><time>%s</time></metadata>\n <trk>\n  <name>%s</name>\n"
		   "  <type>%s</type>\n  <trkseg>\n", ts, p->name,
		   p->kind == RIDE ? "cycling" : "running");
	for (size_t i = 0; i < tr->n; i++) {
		const sample *s = &tr->s[i];
		iso_time(ts, s->t);
		printfb(b, "   <trkpt lat=\"%.7f\" lon=\"%.7f\"><ele>%.1f</ele><time>%s</time>"
			   "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>%d</gpxtpx:hr>"
			   "<gpxtpx:cad>%d</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
			   "</trkpt>\n", s->lat, s->lon, s->alt, ts, s->hr, s->cad);
	}
	printfb(b, "  </trkseg>\n </trk>\n</gpx>\n");
}

static void tcx_point(buf *b, const sample *s, int ride)
{
	char ts[32];
	iso_time(ts, s->t);
	printfb(b, "      <Trackpoint>\n       <Time>%s</Time>\n", ts);
	if (!isnan(s->lat))
		printfb(b, "       <Position><LatitudeDegrees>%.7f</LatitudeDegrees>"
			   "<LongitudeDegrees>%.7f</LongitudeDegrees></Position>\n"
			   "       <AltitudeMeters>%.1f</AltitudeMeters>\n", s->lat, s->lon, s->alt);
	printfb(b, "       <DistanceMeters>%.2f</DistanceMeters>\n"
		   "       <HeartRateBpm><Value>%d</Value></HeartRateBpm>\n", s->dist, s->hr);
	if (ride)
		printfb(b, "       <Cadence>%d</Cadence>\n      </Trackpoint>\n", s->cad);
	else
		printfb(b, "       <Extensions><ns3:TPX><ns3:RunCadence>%d</ns3:RunCadence>"
			   "</ns3:TPX></Extensions>\n      </Trackpoint>\n", s->cad);
}

static void write_tcx(buf *b, const plan *p, const track *tr)
{
	char ts[32];
	const sample *last = &tr->s[tr->n - 1];
	iso_time(ts, p->start);
	printfb(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<TrainingCenterDatabase "
		   "xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\" "
		   "xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\">\n"
		   " <Activities>\n  <Activity Sport=\"%s\">\n   <Id>%s</Id>\n"
		   "   <Lap StartTime=\"%s\">\n    <TotalTimeSeconds>%.1f</TotalTimeSeconds>\n"
		   "    <DistanceMeters>%.2f</DistanceMeters>\n    <Calories>0</Calories>\n"
		   "    <AverageHeartRateBpm><Value>%ld</Value></AverageHeartRateBpm>\n"
		   "    <MaximumHeartRateBpm><Value>%d</Value></MaximumHeartRateBpm>\n"
		   "    <Intensity>Active</Intensity>\n    <TriggerMethod>Manual</TriggerMethod>\n"
		   "    <Track>\n", p->kind == RIDE ? "Biking" : "Running", ts, ts, tr->timer_s,
		   last->dist, lround(tr->hr_sum / tr->n), tr->max_hr);
	for (size_t i = 0; i < tr->n; i++)
		tcx_point(b, &tr->s[i], p->kind == RIDE);
	printfb(b, "    </Track>\n   </Lap>\n  </Activity>\n </Activities>\n"
		   "</TrainingCenterDatabase>\n");
}

/* ---- Output: files, gzip, zip, CSV ---- */

static void gzip_buf(buf *out, const buf *in)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	out->len = 0;
	size_t bound = deflateBound(&z, (uLong)in->len) + 64;
	if (out->cap < bound) {
		if (!(out->data = realloc(out->data, bound)))
			die("out of memory");
		out->cap = bound;
	}
	z.next_in = in->data;
	z.avail_in = (uInt)in->len;
	z.next_out = out->data;
	z.avail_out = (uInt)out->cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("deflate did not finish");
	out->len = z.total_out;
	deflateEnd(&z);
}

static void write_file(const char *path, const buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
		die("%s: %s", path, strerror(errno));
}

static void zip_add(struct archive *z, const char *name, const buf *b, int64_t mtime, int store)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)b->len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	if (store)
		archive_write_zip_set_compression_store(z);
	else
		archive_write_zip_set_compression_deflate(z);
	if (archive_write_header(z, e) != ARCHIVE_OK ||
	    archive_write_data(z, b->data, b->len) != (la_ssize_t)b->len)
		die("zip: %s", archive_error_string(z));
	archive_entry_free(e);
}

static void csv_row(buf *csv, const plan *p, const track *tr, const char *member)
{
	char date[40];
	const sample *last = &tr->s[tr->n - 1];
	double elapsed = (double)(last->t - p->start);
	strava_time(date, p->start);
	printfb(csv, "%llu,\"%s\",%s,%s,,%.0f,%.2f,%d,,false,,,%s,,,%.1f,%.1f,%.1f,%.2f,%.3f,"
		     "%.1f,%.1f,,,,,,,,%.1f,%d.0,%.1f\n",
		(unsigned long long)p->id, date, p->name, p->kind == RIDE ? "Ride" : "Run",
		elapsed, last->dist / 1000, tr->max_hr, member, elapsed, tr->timer_s,
		last->dist, tr->max_speed, last->dist / tr->timer_s, tr->ascent, tr->ascent,
		tr->cad_sum / tr->n, tr->max_hr, tr->hr_sum / tr->n);
}

static const char CSV_HEADER[] =
	"Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
	"Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
	"Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,"
	"Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,Elevation High,"
	"Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,Max Cadence,"
	"Average Cadence,Max Heart Rate,Average Heart Rate\n";

typedef struct out {
	const char *dir;
	struct archive *zip;
	buf raw, gz, csv;
	unsigned long long bytes_raw;
} out;

static void one_activity(out *o, const plan *p, track *tr, uint64_t seed, long i)
{
	static const char *ext[] = {"fit", "gpx", "tcx"};
	char member[128], path[4200];
	uint64_t rng = seed ^ ((uint64_t)(i + 1) * 0xA0761D6478BD642FULL);
	reset_stats(tr);
	simulate(p, tr, &rng);
	o->raw.len = 0;
	if (p->format == FIT)
		write_fit(&o->raw, p, tr);
	else if (p->format == GPX)
		write_gpx(&o->raw, p, tr);
	else
		write_tcx(&o->raw, p, tr);
	o->bytes_raw += o->raw.len;
	snprintf(member, sizeof member, "activities/%llu.%s%s", (unsigned long long)p->id,
		 ext[p->format], p->gz ? ".gz" : "");
	const buf *data = &o->raw;
	if (p->gz) {
		gzip_buf(&o->gz, &o->raw);
		data = &o->gz;
	}
	snprintf(path, sizeof path, "%s/export/%s", o->dir, member);
	write_file(path, data);
	zip_add(o->zip, member, data, p->start, p->gz);
	csv_row(&o->csv, p, tr, member);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
}

static long arg_long(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		die("bad number %s (expected %ld..%ld)", s, lo, hi);
	return v;
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: gen_history [--count N] [--days D] [--seed S] "
				    "[--copies K] [--stretch X] OUTDIR";
	gen_opts g = {1500, 1826, 1, 1, 1};
	const char *dir = NULL;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--count") && k + 1 < argc)
			g.count = arg_long(argv[++k], 1, 1000000);
		else if (!strcmp(argv[k], "--days") && k + 1 < argc)
			g.days = arg_long(argv[++k], 1, 36500);
		else if (!strcmp(argv[k], "--seed") && k + 1 < argc)
			g.seed = arg_long(argv[++k], 0, 2147483647);
		else if (!strcmp(argv[k], "--copies") && k + 1 < argc)
			g.copies = arg_long(argv[++k], 1, 100);
		else if (!strcmp(argv[k], "--stretch") && k + 1 < argc)
			g.stretch = arg_long(argv[++k], 1, 10);
		else if (argv[k][0] != '-' && !dir)
			dir = argv[k];
		else
			die("%s", usage);
	}
	if (!dir || strlen(dir) > 4000)
		die("%s", usage);
	char path[4200];
	out o = {dir, archive_write_new(), {0}, {0}, {0}, 0};
	track tr = {0};
	make_dir(dir);
	snprintf(path, sizeof path, "%s/export", dir);
	make_dir(path);
	snprintf(path, sizeof path, "%s/export/activities", dir);
	make_dir(path);
	snprintf(path, sizeof path, "%s/export.zip", dir);
	if (archive_write_set_format_zip(o.zip) != ARCHIVE_OK ||
	    archive_write_open_filename(o.zip, path) != ARCHIVE_OK)
		die("%s: %s", path, archive_error_string(o.zip));
	put(&o.csv, CSV_HEADER, sizeof CSV_HEADER - 1);
	for (long c = 0; c < g.copies; c++) {
		for (long i = 0; i < g.count; i++) {
			plan p;
			make_plan(&p, &g, i, c);
			one_activity(&o, &p, &tr, (uint64_t)g.seed, i);
		}
	}
	snprintf(path, sizeof path, "%s/export/activities.csv", dir);
	write_file(path, &o.csv);
	zip_add(o.zip, "activities.csv", &o.csv, days_from_civil(2026, 11, 22) * 86400, 0);
	if (archive_write_close(o.zip) != ARCHIVE_OK)
		die("zip: %s", archive_error_string(o.zip));
	archive_write_free(o.zip);
	printf("%ld activities, %.1f MB uncompressed, in %s\n", g.count * g.copies,
	       o.bytes_raw / 1e6, dir);
	free(o.raw.data);
	free(o.gz.data);
	free(o.csv.data);
	free(tr.s);
	return 0;
}
