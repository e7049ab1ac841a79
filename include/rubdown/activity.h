/*
 * activity.h: one recorded activity (a run, a ride...) as rubdown keeps it.
 *
 * Readers (FIT, GPX, TCX, Strava CSV) turn a file into one or more
 * rd_activity summaries.  Records (one sample a second or so) are streamed
 * through an accumulator and never kept, so memory does not grow with the
 * length of the files: a history keeps a summary of each activity.  Unknown numbers are NAN (doubles) or -1 (ints).
 */
#ifndef RUBDOWN_ACTIVITY_H
#define RUBDOWN_ACTIVITY_H

#include <stddef.h>
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
#define RD_SOURCE_MAX 256 /* bytes of a source kept in a store, with the NUL */
#define RD_NAME_MAX 160   /* bytes of a name kept in a store, with the NUL */

/*
 * An activity is about 140 bytes; its texts and heart-rate histogram are
 * pointed to.  A reader's activity points into the reader (valid during
 * activity_sink.emit); rd_activity_store_copy() makes a lasting copy, and a
 * history keeps all of its activities' texts and histograms in one store
 * (about 250 bytes an activity instead of a kilobyte of fixed arrays).
 */
typedef struct rd_activity {
	const char *source;    /* path, or "archive.zip!member"; never NULL */
	const char *name;      /* title from the file or the CSV, UTF-8; never
				* NULL, may be "" */
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
	/* Seconds spent at each heart rate, hr_seconds[i] at hr_low + i bpm for
	 * i < hr_bins (hr_low + hr_bins <= RD_HR_BINS), each capped at
	 * RD_HR_SECONDS_MAX (18 hours at one bpm); NULL and 0 bins without heart
	 * rate.  Read it with rd_activity_hr_at(). */
	const uint16_t *hr_seconds;
	uint16_t hr_low, hr_bins;
	int marked_race;       /* the file or CSV says it was a race */
	int marked_workout;    /* the file or CSV says it was a workout */
	rd_read_status status;
} rd_activity;

/* Sets every field to "unknown" (texts "", no histogram). */
void rd_activity_init(rd_activity *a);
/* Points a->source (or a->name) at s (NULL: ""); s must outlive a, or a be
 * copied with rd_activity_store_copy(), which cuts it to RD_SOURCE_MAX (or
 * RD_NAME_MAX) - 1 bytes without splitting a UTF-8 sequence. */
void rd_activity_set_source(rd_activity *a, const char *s);
void rd_activity_set_name(rd_activity *a, const char *s);
/* Seconds at bpm (0 outside the histogram). */
unsigned rd_activity_hr_at(const rd_activity *a, int bpm);

/* Where activities' texts and histograms live: blocks that grow by 64 KiB
 * and are freed together. */
typedef struct rd_activity_store rd_activity_store;
rd_activity_store *rd_activity_store_new(void);
void rd_activity_store_free(rd_activity_store *s);
/* *dst = *src with its texts and histogram (zero bins at both ends
 * dropped) copied into s; dst may be src.  RD_ENOMEM leaves dst as it was. */
int rd_activity_store_copy(rd_activity_store *s, rd_activity *dst,
			   const rd_activity *src);
/* A copy of text in s, cut to at most max - 1 bytes on a UTF-8 boundary;
 * NULL when out of memory. */
const char *rd_activity_store_text(rd_activity_store *s, const char *text,
				   size_t max);
/* Bytes the store holds (for the benchmark and tests). */
size_t rd_activity_store_bytes(const rd_activity_store *s);

/* Moving time, else elapsed time, else 0 (seconds). */
double rd_activity_duration_s(const rd_activity *a);

/* ---- Passes over many activities --------------------------------------- */

/*
 * A source of activities read in passes, in start order (unknown starts
 * last), as often as needed and with several passes open at once.  Where
 * the activities live is the source's business: an array in memory
 * (rd_acts_array) or a history's store on disk (rd_history_acts), so a
 * consumer that keeps only what a pass needs runs in memory that does not
 * grow with the number of activities.
 */
typedef struct rd_acts rd_acts;
struct rd_acts {
	void *ctx;
	size_t count; /* activities in a whole pass */
	/* A new pass from the first activity starting at or after from_utc
	 * (INT64_MIN: every activity, the unknown starts last; otherwise those
	 * are never reached).  NULL when out of memory. */
	void *(*open)(const rd_acts *src, int64_t from_utc);
	/* The pass's next activity; NULL at its end, or on an error with *rc
	 * set (RD_ENOMEM, RD_EIO), else *rc is 0.  The activity, its texts and
	 * its histogram stay valid until the next call on that pass. */
	const rd_activity *(*next)(void *pass, int *rc);
	void (*close)(void *pass); /* NULL-safe */
};

/* A source over n activities of an array in start order (borrowed: acts
 * must outlive the source and its passes). */
rd_acts rd_acts_array(const rd_activity *acts, size_t n);

#ifdef __cplusplus
}
#endif
#endif
