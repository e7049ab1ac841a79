/*
 * track.h: the record accumulator every activity reader feeds.
 *
 * A reader calls track_add() once per sample, in file order, then
 * track_finish() to fill the summary.  The accumulator keeps O(1) state:
 * moving time, distance from positions (haversine) when the device gives
 * none, elevation gain with a hysteresis filter against GPS and barometer
 * noise, heart-rate statistics and seconds per heart rate.  Timestamps that
 * go backwards are not turned into negative durations: the sample is
 * counted, its interval is not, and `backwards` counts them.
 *
 * Moving time.  Each sample closes the interval from the previous one.  An
 * interval recorded while the timer was stopped (paused) never counts.
 * Otherwise its speed decides: the device distance covered over the
 * interval, else the positions' distance, else the device speed of the
 * closing sample.  It is moving when that speed is above TRACK_MOVING_MPS,
 * whatever the length of the gap: "smart recording" devices write a point
 * every few to 30+ seconds while moving, and an open-water swim one a
 * minute.  Only a sample with no distance, position or speed at all falls
 * back to the gap rule: moving when the gap is at most TRACK_PAUSE_S.
 *
 * Heart rate.  A sample's heart rate holds until the next sample, for at
 * most TRACK_HR_HOLD_S: the average and hr_seconds weight each known heart
 * rate by that time, moving or not (the heart does not stop when the runner
 * does), but not while the timer is stopped.
 */
#ifndef RD_TRACK_H
#define RD_TRACK_H

#include "rubdown/activity.h"

#include <math.h>
#include <stdint.h>

/* Walking threshold, 0.42 m/s (1.5 km/h): the speed under which sports-lib,
 * the reference the corpus's summaries come from, calls a runner stopped.
 * It is a third of a slow walk (1.3 m/s), so walk breaks still count as
 * moving, while standing at a crossing does not: a stationary GPS fix
 * drifts a few metres over the 5 to 30 s gaps of a smart-recording file,
 * under 0.3 m/s.  With it the moving times of sports-lib's three GPX files
 * come out to the second. */
#define TRACK_MOVING_MPS 0.42
#define TRACK_PAUSE_S 10.0      /* without any distance: a longer gap is a pause */
#define TRACK_HR_HOLD_S 30.0    /* a heart-rate sample stands for at most this */
/* Ascent: symmetric hysteresis.  Gain counts once the climb from the
 * reference altitude reaches TRACK_ASCENT_NOISE_M; a drop of as much moves
 * the reference down; smaller wiggles either way change nothing.
 *
 * sports-lib (getGainOrLoss, minDiff 2) lets the reference follow every
 * descent, so it counts each 2 m rise from any local minimum: on a flat
 * Suunto run (fit/sports-lib/6909950168.fit, device ascent 3 m) that is
 * 13 m of noise.  Against the device totals of the 13 corpus FIT files
 * with altitude and one session, 2 m of hysteresis has the smallest mean
 * error (11%; 3 m: 11%, but it misses real rolling climbs: 25 m where
 * sports-lib reports 39 on gpx/sports-lib/1681613317.gpx; sports-lib's own
 * rule: 19%).  With 2 m that file gives 32 m: its altitude is a phone's GPS,
 * swinging 5 m within 20 s, and the 7 m sports-lib counts more are
 * such swings.  On 2067489619.gpx it gives 36 m (sports-lib 35, the watch
 * 33). */
#define TRACK_ASCENT_NOISE_M 2.0

typedef struct track_sample {
	double time;       /* UNIX seconds (fractions allowed), NAN unknown */
	double lat, lon;   /* degrees, NAN unknown: never 0,0 for "missing" */
	double alt_m;      /* NAN unknown */
	double dist_m;     /* cumulative device distance, NAN unknown */
	double speed_mps;  /* NAN unknown */
	int hr;            /* bpm, -1 unknown */
	int cadence;       /* steps per minute, -1 unknown */
	int paused;        /* 1 for a sample recorded while the timer was stopped */
} track_sample;

typedef struct track {
	double first_time, last_time;
	double moving_s;
	double pos_dist_m, last_lat, last_lon;
	double pos_time;          /* time of last_lat/lon, NAN unknown */
	double dev_dist_first, dev_dist_last;
	double dist_time;         /* time of dev_dist_last, NAN unknown */
	double speed_dist_m;
	double ascent_m, alt_ref;
	double hr_sum_s, hr_weighted; /* for the time-weighted mean */
	double cad_sum; uint32_t cad_n;
	int max_hr;
	int last_hr;
	uint32_t records;
	uint32_t backwards;
	/* Additions (fit helper): */
	double elapsed_s;         /* sum of forward intervals */
	double dev_dist_m;        /* sum of forward device distance steps */
	double last_speed;        /* NAN unknown */
	double hr_plain_sum;      /* plain mean when no times */
	uint32_t hr_plain_n;
	int have_alt;
	double cos_lat, cos_lat_of; /* cos(cos_lat_of), a cache for haversine */
	uint32_t hr_ms[RD_HR_BINS]; /* weighted milliseconds at each bpm */
} track;

void track_init(track *t);

/* Every field unknown.  Inline: the FIT reader calls it once per record. */
static inline void track_sample_init(track_sample *s)
{
	s->time = NAN;
	s->lat = s->lon = NAN;
	s->alt_m = NAN;
	s->dist_m = NAN;
	s->speed_mps = NAN;
	s->hr = -1;
	s->cadence = -1;
	s->paused = 0;
}

void track_add(track *t, const track_sample *s);
/* Starts next as the continuation of prev: the next sample's interval is
 * measured from prev's last sample, and totals start at zero, so that
 * track_merge of the pieces equals one track over all samples. */
void track_continue(track *next, const track *prev);
/* Adds the totals of from into into; when from has samples, its last sample
 * becomes into's (pieces are merged in time order). */
void track_merge(track *into, const track *from);
/* Replaces the heart-rate statistics of t by those of hr (a track of the
 * same span fed from another heart-rate source). */
void track_use_hr(track *t, const track *hr);
/* Fills the summary fields of a that the track knows, leaving fields the
 * reader already set from the file's own totals (NAN / -1 means unset).
 * The seconds at each heart rate go into hr (RD_HR_BINS of them), which
 * a->hr_seconds then points into. */
void track_finish(const track *t, rd_activity *a, uint16_t *hr);

#endif
