/*
 * track.h: the record accumulator every activity reader feeds.
 *
 * A reader calls track_add() once per sample, in file order, then
 * track_finish() to fill the summary.  The accumulator keeps O(1) state:
 * moving time (gaps longer than TRACK_PAUSE_S, and samples while the timer
 * is stopped, do not count), distance from positions (haversine) when the
 * device gives none, elevation gain with a hysteresis filter against GPS and
 * barometer noise, heart-rate statistics and seconds per heart rate.
 * Timestamps that go backwards are not turned into negative durations: the
 * sample is counted, its interval is not, and `backwards` counts them.
 */
#ifndef RD_TRACK_H
#define RD_TRACK_H

#include "rubdown/activity.h"

#include <math.h>
#include <stdint.h>

#define TRACK_PAUSE_S 10.0      /* a gap longer than this is a pause */
#define TRACK_ASCENT_NOISE_M 3.0 /* elevation changes below this are noise */

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
	double dev_dist_first, dev_dist_last;
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
	uint32_t hr_ms[RD_HR_BINS]; /* moving milliseconds at each bpm */
} track;

void track_init(track *t);
void track_sample_init(track_sample *s);
void track_add(track *t, const track_sample *s);
/* Starts next as the continuation of prev: the next sample's interval is
 * measured from prev's last sample, and totals start at zero, so that
 * track_merge of the pieces equals one track over all samples. */
void track_continue(track *next, const track *prev);
/* Adds the totals of from into into; when from has samples, its last sample
 * becomes into's (pieces are merged in time order). */
void track_merge(track *into, const track *from);
/* Fills the summary fields of a that the track knows, leaving fields the
 * reader already set from the file's own totals (NAN / -1 means unset). */
void track_finish(track *t, rd_activity *a);

#endif
