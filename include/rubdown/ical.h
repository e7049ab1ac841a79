/*
 * ical.h: calendars in and out (iCalendar, RFC 5545).
 *
 * Reading: rd_ical_read_plan() adds a training calendar to a profile: each
 * event, with its recurrences expanded over [from - 14 days, to], becomes a
 * dated session, a race, a massage already had or booked, or cross-training
 * (a session with not_run semantics: see rd_ical_event.cls), or is left out
 * (not training).  rd_ical_read_busy() adds the OPAQUE events and VFREEBUSY
 * blocks of another calendar as busy blocks.  Times are converted to the
 * runner's zone (options.tzid).  A malformed event is a warning
 * "FILE:LINE:COL: what is wrong" and is skipped; the readers return an error
 * only when nothing usable remains (not a calendar, unreadable, a structural
 * error before any event).
 *
 * Writing: rd_plan_to_ics() writes a plan as a calendar: one VEVENT per
 * appointment, stable UIDs, no wall-clock data (same plan, same bytes).
 */
#ifndef RUBDOWN_ICAL_H
#define RUBDOWN_ICAL_H

#include "rubdown/date.h"
#include "rubdown/error.h"
#include "rubdown/plan.h"
#include "rubdown/profile.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an event is to the planner. */
typedef enum rd_ical_class {
	RD_EV_OTHER = 0,   /* not training (a dentist visit): left out */
	RD_EV_RUN,         /* a session of kind rd_ical_event.kind */
	RD_EV_RACE,        /* a race (kind RD_RACE) */
	RD_EV_CROSS,       /* cross-training: swim, bike, strength, yoga */
	RD_EV_MASSAGE,     /* a massage had or booked */
	RD_EV_BUSY,        /* a busy block (rd_ical_read_busy) */
	RD_EV_FREE         /* TRANSPARENT: not busy (rd_ical_read_busy) */
} rd_ical_class;

const char *rd_ical_class_name(rd_ical_class c); /* "other", "run", ... */

/* One instance of an event, as -v lists it. */
typedef struct rd_ical_event {
	const char *file;
	unsigned long line;    /* of BEGIN:VEVENT (or BEGIN:VFREEBUSY) */
	const char *summary;   /* "" when none */
	rd_date date;          /* in the runner's zone */
	int start_min;         /* -1: all day */
	int minutes;           /* 0 when unknown */
	rd_ical_class cls;
	rd_kind kind;          /* for RD_EV_RUN and RD_EV_RACE */
	double km;             /* 0 when unknown */
	rd_modality modality;  /* for RD_EV_MASSAGE */
	const char *reason;    /* why it got cls and kind: "title word 'tempo'" */
} rd_ical_event;

typedef void (*rd_ical_event_fn)(void *ctx, const rd_ical_event *ev);

typedef struct rd_ical_options {
	rd_date from, to;      /* the planning horizon, inclusive; events are
				* read over [from - 14, to] */
	const char *tzid;      /* the runner's zone ("Europe/Berlin"); NULL: the
				* calendar's X-WR-TIMEZONE, else the zone of its
				* first TZID, else times stay as written (UTC
				* for UTC times) */
	rd_warn_fn warn;       /* may be NULL */
	void *warn_ctx;
	rd_ical_event_fn on_event; /* every instance in the window: -v */
	void *event_ctx;
} rd_ical_options;

/* Days before the horizon that are read too: recent demanding sessions. */
#define RD_ICAL_LOOKBACK_DAYS 14
/* Caps of the expansion of one event (BAD-INPUTS.md I01, I02). */
#define RD_ICAL_MAX_INSTANCES 5000
#define RD_ICAL_MAX_STEPS 1000000
/* Caps of one file. */
#define RD_ICAL_MAX_BYTES (128u << 20)
#define RD_ICAL_MAX_LINE (1u << 20)
#define RD_ICAL_MAX_COMPONENTS 100000
#define RD_ICAL_MAX_WARNINGS 50

int rd_ical_read_plan(rd_profile *p, const char *path, const rd_ical_options *o,
		      rd_diag *diag);
int rd_ical_read_busy(rd_profile *p, const char *path, const rd_ical_options *o,
		      rd_diag *diag);
/* The UTC offset of the IANA zone tzid ("Europe/Berlin") at the instant utc
 * (UNIX seconds), daylight saving included.  Returns 0, or RD_EUNSUPPORTED
 * for a zone libical does not know. */
int rd_zone_utc_offset(const char *tzid, int64_t utc, int32_t *offset_s);

/* The same from memory; name is used in messages. */
int rd_ical_parse_plan(rd_profile *p, const char *text, size_t len,
		       const char *name, const rd_ical_options *o, rd_diag *diag);
int rd_ical_parse_busy(rd_profile *p, const char *text, size_t len,
		       const char *name, const rd_ical_options *o, rd_diag *diag);

typedef struct rd_ics_options {
	const char *tzid;      /* zone of the times; NULL: floating local times */
} rd_ics_options;

/* Writes the plan as a calendar (CRLF lines, folded and escaped by
 * libical).  Returns 0 and a string to free with rd_free, RD_ENOMEM, or
 * RD_EUNSUPPORTED for an unknown tzid. */
int rd_plan_to_ics(char **out, const rd_plan *plan, const rd_ics_options *opt);

#ifdef __cplusplus
}
#endif
#endif
