/*
 * track.c: the record accumulator (see track.h for the rules).
 *
 * A sample first closes its interval (time, moving or not, heart rate held
 * from the sample that opened it), then updates the running position,
 * distance, altitude and heart-rate state that the next interval uses.
 */
#include "track.h"

#include <math.h>
#include <string.h>

#define EARTH_RADIUS_M 6371008.8

void track_init(track *t)
{
	memset(t, 0, sizeof *t);
	t->first_time = t->last_time = NAN;
	t->last_lat = t->last_lon = t->pos_time = NAN;
	t->dev_dist_first = t->dev_dist_last = t->dist_time = NAN;
	t->alt_ref = NAN;
	t->last_speed = NAN;
	t->cos_lat_of = NAN;
	t->max_hr = -1;
	t->last_hr = -1;
}

/* The state of the last sample seen, which the next interval starts from. */
static void take_last(track *to, const track *from)
{
	to->last_time = from->last_time;
	to->last_lat = from->last_lat;
	to->last_lon = from->last_lon;
	to->pos_time = from->pos_time;
	to->alt_ref = from->alt_ref;
	to->last_hr = from->last_hr;
	to->last_speed = from->last_speed;
}

void track_continue(track *next, const track *prev)
{
	track_init(next);
	take_last(next, prev);
	next->dev_dist_last = prev->dev_dist_last;
	next->dist_time = prev->dist_time;
}

/* cos(lat) of the last position: the next step needs it as its lat1, so
 * each point costs one cos, not two.  Kept with the latitude it belongs
 * to, so copying or merging tracks can never pair it with another one. */
static double cos_last(track *t)
{
	if (t->cos_lat_of != t->last_lat) { /* NAN never equals: recomputed */
		t->cos_lat = cos(t->last_lat * (M_PI / 180.0));
		t->cos_lat_of = t->last_lat;
	}
	return t->cos_lat;
}

/* sin(x) and asin(x) for |x| < SMALL_ANGLE by their Taylor series: the
 * first left-out term is under 1e-17 of the value, below the rounding of a
 * double, and a step between two records (under 6 km) needs no libm call. */
#define SMALL_ANGLE 1e-3
static double sin_small(double x)
{
	double x2 = x * x;
	return x * (1 - x2 / 6 * (1 - x2 / 20));
}

static double asin_small(double x)
{
	double x2 = x * x;
	return x * (1 + x2 * (1.0 / 6 + x2 * (3.0 / 40)));
}

static double haversine(track *t, double lat2, double lon2)
{
	const double r = M_PI / 180.0;
	double dlat = (lat2 - t->last_lat) * r, dlon = (lon2 - t->last_lon) * r;
	double c1 = cos_last(t), c2 = cos(lat2 * r);
	t->cos_lat = c2; /* lat2 is the next step's lat1 */
	t->cos_lat_of = lat2;
	if (fabs(dlat) < 2 * SMALL_ANGLE && fabs(dlon) < 2 * SMALL_ANGLE) {
		double sl = sin_small(dlat / 2), so = sin_small(dlon / 2);
		double h = sqrt(sl * sl + c1 * c2 * so * so);
		if (h < SMALL_ANGLE)
			return 2 * EARTH_RADIUS_M * asin_small(h);
	}
	double sl = sin(dlat / 2), so = sin(dlon / 2);
	double a = sl * sl + c1 * c2 * so * so;
	if (a > 1)
		a = 1;
	return 2 * EARTH_RADIUS_M * asin(sqrt(a));
}

/* dt > 0 and finite (add_time): no fmin or floor calls on this path, and
 * rounding a non-negative value by truncation is floor(x + 0.5). */
static void add_hr_time(track *t, double dt)
{
	if (t->last_hr <= 0)
		return;
	if (dt > TRACK_HR_HOLD_S)
		dt = TRACK_HR_HOLD_S;
	t->hr_sum_s += dt;
	t->hr_weighted += t->last_hr * dt;
	unsigned bin = t->last_hr < RD_HR_BINS ? (unsigned)t->last_hr
					       : RD_HR_BINS - 1;
	uint64_t ms = (uint64_t)(int64_t)(dt * 1000.0 + 0.5) + t->hr_ms[bin];
	t->hr_ms[bin] = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* NAN compares false: no separate isnan. */
static int valid_pos(double lat, double lon)
{
	return fabs(lat) <= 90 && fabs(lon) <= 180;
}

/* Mean speed from the last distance (device, else position) to s, NAN
 * when s carries neither with a reference before it. */
static double step_speed(const track *t, const track_sample *s,
			 double pos_step)
{
	double span;
	if (!isnan(s->dist_m) && !isnan(t->dev_dist_last) &&
	    s->dist_m >= t->dev_dist_last) {
		span = s->time - t->dist_time;
		if (span > 0)
			return (s->dist_m - t->dev_dist_last) / span;
	}
	if (!isnan(pos_step)) {
		span = s->time - t->pos_time;
		if (span > 0)
			return pos_step / span;
	}
	return !isnan(s->speed_mps) && s->speed_mps >= 0 ? s->speed_mps : NAN;
}

/* The rule of track.h: speed when known, else the length of the gap. */
static int is_moving(const track *t, const track_sample *s, double dt,
		     double pos_step)
{
	if (s->paused)
		return 0;
	double v = step_speed(t, s, pos_step);
	if (!isnan(v))
		return v > TRACK_MOVING_MPS;
	return dt <= TRACK_PAUSE_S;
}

/* Closes the interval ending at s; pos_step is the distance from the last
 * position, NAN when unknown. */
static void add_time(track *t, const track_sample *s, double pos_step)
{
	if (isnan(s->time))
		return;
	double dt = 0;
	if (!isnan(t->last_time)) {
		dt = s->time - t->last_time;
		if (dt < 0) {
			t->backwards++;
			dt = 0;
		}
	}
	if (isnan(t->first_time))
		t->first_time = s->time;
	t->last_time = s->time;
	t->elapsed_s += dt;
	if (dt <= 0 || s->paused)
		return;
	add_hr_time(t, dt);
	if (!is_moving(t, s, dt, pos_step))
		return;
	t->moving_s += dt;
	if (!isnan(t->last_speed))
		t->speed_dist_m += t->last_speed * dt;
}

/* The distance from the last position to s, NAN when unknown or not
 * needed: with device distance neither the moving rule nor the summary
 * uses positions (the summary takes positions only for a track that never
 * had device distance), and haversine is the accumulator's costliest step. */
static double position_step(track *t, const track_sample *s, int pos)
{
	if (!pos || isnan(t->last_lat))
		return NAN;
	if (!isnan(s->dist_m) && !isnan(t->dev_dist_first))
		return NAN;
	return haversine(t, s->lat, s->lon);
}

static void add_position(track *t, const track_sample *s, double step,
			 int pos)
{
	if (!pos)
		return;
	if (!isnan(step) && !s->paused)
		t->pos_dist_m += step;
	t->last_lat = s->lat;
	t->last_lon = s->lon;
	t->pos_time = s->time;
}

static void add_distance(track *t, const track_sample *s)
{
	if (isnan(s->dist_m) || s->dist_m < 0)
		return;
	if (!isnan(t->dev_dist_last) && s->dist_m >= t->dev_dist_last)
		t->dev_dist_m += s->dist_m - t->dev_dist_last;
	if (isnan(t->dev_dist_first))
		t->dev_dist_first = s->dist_m;
	t->dev_dist_last = s->dist_m;
	t->dist_time = s->time;
}

/* Hysteresis: gain counts once the climb from the reference passes the
 * noise threshold; a drop past it moves the reference down. */
static void add_altitude(track *t, double alt)
{
	if (isnan(alt))
		return;
	t->have_alt = 1;
	if (isnan(t->alt_ref)) {
		t->alt_ref = alt;
	} else if (alt - t->alt_ref >= TRACK_ASCENT_NOISE_M) {
		t->ascent_m += alt - t->alt_ref;
		t->alt_ref = alt;
	} else if (t->alt_ref - alt >= TRACK_ASCENT_NOISE_M) {
		t->alt_ref = alt;
	}
}

void track_add(track *t, const track_sample *s)
{
	int pos = valid_pos(s->lat, s->lon);
	double step = position_step(t, s, pos);
	t->records++;
	add_time(t, s, step);
	add_position(t, s, step, pos);
	add_distance(t, s);
	add_altitude(t, s->alt_m);
	if (s->hr > 0) {
		if (s->hr > t->max_hr)
			t->max_hr = s->hr;
		t->hr_plain_sum += s->hr;
		t->hr_plain_n++;
	}
	t->last_hr = s->hr > 0 ? s->hr : -1;
	t->last_speed = !isnan(s->speed_mps) && s->speed_mps >= 0
				? s->speed_mps : NAN;
	if (s->cadence > 0 && !s->paused) {
		t->cad_sum += s->cadence;
		t->cad_n++;
	}
}

static double min_nan(double a, double b)
{
	return isnan(a) ? b : isnan(b) ? a : a < b ? a : b;
}

void track_merge(track *into, const track *from)
{
	into->first_time = min_nan(into->first_time, from->first_time);
	if (from->records > 0) /* from's last sample is now the last one */
		take_last(into, from);
	into->moving_s += from->moving_s;
	into->elapsed_s += from->elapsed_s;
	into->pos_dist_m += from->pos_dist_m;
	into->dev_dist_m += from->dev_dist_m;
	into->dev_dist_first = min_nan(into->dev_dist_first, from->dev_dist_first);
	if (!isnan(from->dev_dist_last)) {
		into->dev_dist_last = from->dev_dist_last;
		into->dist_time = from->dist_time;
	}
	into->speed_dist_m += from->speed_dist_m;
	into->ascent_m += from->ascent_m;
	into->have_alt |= from->have_alt;
	into->hr_sum_s += from->hr_sum_s;
	into->hr_weighted += from->hr_weighted;
	into->hr_plain_sum += from->hr_plain_sum;
	into->hr_plain_n += from->hr_plain_n;
	into->cad_sum += from->cad_sum;
	into->cad_n += from->cad_n;
	if (from->max_hr > into->max_hr)
		into->max_hr = from->max_hr;
	into->records += from->records;
	into->backwards += from->backwards;
	for (unsigned i = 0; i < RD_HR_BINS; i++) { /* saturating, vectorised */
		uint32_t a = into->hr_ms[i], v = a + from->hr_ms[i];
		into->hr_ms[i] = v < a ? UINT32_MAX : v;
	}
}

void track_use_hr(track *t, const track *hr)
{
	t->hr_sum_s = hr->hr_sum_s;
	t->hr_weighted = hr->hr_weighted;
	t->hr_plain_sum = hr->hr_plain_sum;
	t->hr_plain_n = hr->hr_plain_n;
	t->max_hr = hr->max_hr;
	memcpy(t->hr_ms, hr->hr_ms, sizeof t->hr_ms);
}

static void finish_distance(const track *t, rd_activity *a)
{
	if (!isnan(a->distance_m))
		return;
	if (!isnan(t->dev_dist_first)) {
		a->distance_m = t->dev_dist_m;
	} else if (t->pos_dist_m > 0) {
		a->distance_m = t->pos_dist_m;
		a->distance_estimated = 1;
	} else if (t->speed_dist_m > 0) {
		a->distance_m = t->speed_dist_m;
		a->distance_estimated = 1;
	}
}

/* The histogram goes into hr and a points at its used bins. */
static void finish_hr(const track *t, rd_activity *a, uint16_t *hr)
{
	if (a->avg_hr < 0 && t->hr_sum_s > 0)
		a->avg_hr = (int)lround(t->hr_weighted / t->hr_sum_s);
	else if (a->avg_hr < 0 && t->hr_plain_n > 0)
		a->avg_hr = (int)lround(t->hr_plain_sum / t->hr_plain_n);
	if (a->max_hr < 0 && t->max_hr > 0)
		a->max_hr = t->max_hr;
	unsigned lo = RD_HR_BINS, hi = 0;
	for (unsigned i = 0; i < RD_HR_BINS; i++) {
		uint64_t s = ((uint64_t)t->hr_ms[i] + 500) / 1000;
		hr[i] = (uint16_t)(s > RD_HR_SECONDS_MAX ? RD_HR_SECONDS_MAX : s);
		if (hr[i]) {
			lo = i < lo ? i : lo;
			hi = i + 1;
		}
	}
	a->hr_seconds = hi ? hr + lo : NULL;
	a->hr_low = (uint16_t)(hi ? lo : 0);
	a->hr_bins = (uint16_t)(hi ? hi - lo : 0);
}

void track_finish(const track *t, rd_activity *a, uint16_t *hr)
{
	int timed = !isnan(t->first_time);
	a->records = t->records;
	if (timed && isnan(a->elapsed_s))
		a->elapsed_s = t->elapsed_s;
	if (timed && isnan(a->moving_s))
		a->moving_s = t->moving_s;
	if (timed && a->start_utc == INT64_MIN)
		a->start_utc = (int64_t)floor(t->first_time);
	finish_distance(t, a);
	if (isnan(a->ascent_m) && t->have_alt)
		a->ascent_m = t->ascent_m;
	finish_hr(t, a, hr);
	if (a->avg_cadence < 0 && t->cad_n > 0)
		a->avg_cadence = (int)lround(t->cad_sum / t->cad_n);
}
