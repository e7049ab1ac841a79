/*
 * activity.h: one recorded activity (a run, a ride...) as rubdown keeps it.
 *
 * Readers (FIT, GPX, TCX, Strava CSV) turn a file into one or more
 * rd_activity summaries.  Records (one sample a second or so) are streamed
 * through an accumulator and never kept, so memory does not grow with the
 * length of a history.  Unknown numbers are NAN (doubles) or -1 (ints).
 */
#ifndef RUBDOWN_ACTIVITY_H
#define RUBDOWN_ACTIVITY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rd_sport {
	RD_SPORT_UNKNOWN = 0,
	RD_SPORT_RUN,       /* road running, or running without a sub sport */
	RD_SPORT_TRAIL,     /* trail running */
	RD_SPORT_TREADMILL, /* treadmill / indoor running */
	RD_SPORT_TRACK,     /* track running */
	RD_SPORT_WALK,
	RD_SPORT_BIKE,
	RD_SPORT_SWIM,
	RD_SPORT_OTHER
} rd_sport;

/* 1 for the running sports (run, trail, treadmill, track). */
int rd_sport_is_run(rd_sport s);
/* "run", "trail", "treadmill", "track", "walk", "bike", "swim", "other", "unknown". */
const char *rd_sport_name(rd_sport s);

/* How complete a file's reading was. */
typedef enum rd_read_status {
	RD_READ_OK = 0,
	RD_READ_PARTIAL,  /* a good prefix was kept; a warning says what was lost */
	RD_READ_REJECTED  /* nothing from the file is used */
} rd_read_status;

#define RD_HR_BINS 256
#define RD_HR_SECONDS_MAX 65535

typedef struct rd_activity {
	char source[256];      /* path, or "archive.zip!member" (longer ones cut) */
	char name[160];        /* title from the file or the CSV, UTF-8, may be "" */
	rd_sport sport;
	int64_t start_utc;     /* UNIX seconds; INT64_MIN when unknown */
	int32_t utc_offset_s;  /* local = UTC + offset, when has_utc_offset */
	int has_utc_offset;
	int offset_from_zone;  /* 1: the file gave UTC only; the offset is the
				* profile's time zone at start (rd_training_new) */
	double elapsed_s;      /* wall clock from first to last sample */
	double moving_s;       /* timer time without pauses */
	double distance_m;     /* device distance when present, else from positions */
	int distance_estimated;/* 1 when integrated from speed or positions */
	double ascent_m;       /* elevation gain, noise filtered */
	int avg_hr, max_hr;    /* beats per minute, -1 unknown */
	int avg_cadence;       /* steps per minute (running), -1 unknown */
	uint32_t records;      /* samples seen */
	/* Seconds spent at each heart rate, each capped at RD_HR_SECONDS_MAX
	 * (18 hours at one bpm): a history holds one per activity, so it is
	 * kept at 512 bytes. */
	uint16_t hr_seconds[RD_HR_BINS];
	int marked_race;       /* the file or CSV says it was a race */
	int marked_workout;    /* the file or CSV says it was a workout */
	rd_read_status status;
} rd_activity;

/* Sets every field to "unknown". */
void rd_activity_init(rd_activity *a);
/* Sets a->source (or a->name) to s, cut to fit without splitting a UTF-8
 * sequence. */
void rd_activity_set_source(rd_activity *a, const char *s);
void rd_activity_set_name(rd_activity *a, const char *s);

/* Moving time, else elapsed time, else 0 (seconds). */
double rd_activity_duration_s(const rd_activity *a);

#ifdef __cplusplus
}
#endif
#endif
