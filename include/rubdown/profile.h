/*
 * profile.h: what the runner tells rubdown.
 *
 * The profile is the planner's whole input: the usual training week, dated
 * sessions, races, conditions, massages already had or booked, budget,
 * prices, availability and the rule parameters.  The YAML reader fills it
 * (rd_profile_load); the calendar and history readers add to it with
 * rd_profile_add_*.  The structs are plain data: read them freely, change
 * them only through the functions here.  Times of day are minutes after local
 * midnight, -1 when unknown; every time is in the runner's own zone.
 */
#ifndef RUBDOWN_PROFILE_H
#define RUBDOWN_PROFILE_H

#include "rubdown/date.h"
#include "rubdown/error.h"
#include "rubdown/massage.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rd_kind { RD_REST = 0, RD_EASY, RD_LONG, RD_HARD, RD_RACE, RD_KIND_COUNT } rd_kind;
typedef enum rd_level { RD_BEGINNER = 0, RD_INTERMEDIATE, RD_ADVANCED } rd_level;

const char *rd_kind_name(rd_kind k);          /* "rest" .. "race" */
int rd_kind_from_name(rd_kind *out, const char *name);
int rd_kind_demanding(rd_kind k);             /* long, hard, race */
int rd_kind_rank(rd_kind k);                  /* rest 0 < easy < hard < long < race 4 */
const char *rd_level_name(rd_level l);

typedef struct rd_session {
	rd_date date;      /* RD_DATE_NONE for a day of the usual week */
	rd_kind kind;
	double km;         /* 0 when unknown */
	int minutes;       /* 0 when unknown */
	int start_min;     /* -1 when unknown */
	char *title;       /* NULL when none */
	char *origin;      /* where it came from, for -v and messages: "profile", "plan.ics:14" */
	int not_run;       /* cross-training (swim, bike, strength): shown, not a run */
} rd_session;

typedef struct rd_race {
	char *name;
	rd_date date;
	double km;         /* 0 when unknown */
	int start_min;
} rd_race;

typedef enum rd_condition_type {
	RD_COND_PLANTAR_FASCIITIS = 0,
	RD_COND_SHIN_SPLINTS,
	RD_COND_HAMSTRING_INJURY,
	RD_COND_SCAR_TISSUE,
	RD_COND_KNEE_PAIN,
	RD_COND_OTHER
} rd_condition_type;

typedef struct rd_condition {
	char *name;        /* as the runner wrote it */
	char *site;        /* the runner's words ("left foot"), NULL when not given */
	char *focus;       /* focus id: plantar_fascia, shins, hamstrings, knee, or the site as an id */
	rd_condition_type type;
	rd_date since;     /* RD_DATE_NONE: unknown, taken as long-standing */
	rd_date until;     /* RD_DATE_NONE: still there */
} rd_condition;

typedef struct rd_massage_had {
	rd_date date;
	rd_modality modality;
	long price_cents;  /* -1: the profile's price for the modality */
	int start_min;
	char *origin;
} rd_massage_had;

/* A busy block from the runner's other calendars, in local minutes since
 * 1970-01-01 00:00 (date * 1440 + minute of day). */
typedef struct rd_busy {
	int64_t start, end;
} rd_busy;

typedef struct rd_classify_entry {
	char *title;       /* matched case-insensitively against event titles */
	rd_kind kind;
	int not_run;       /* 1: "not a run" (cross-training) */
} rd_classify_entry;

typedef struct rd_profile {
	char *name;
	rd_level level;
	rd_pressure pressure;
	int hr_max, hr_rest;              /* 0 when not given */

	rd_session week[7];               /* Monday first; kind RD_REST when left out */

	rd_session *sessions;  size_t session_count, session_cap;
	rd_race *races;        size_t race_count, race_cap;
	rd_condition *conditions; size_t condition_count, condition_cap;
	rd_massage_had *massages; size_t massage_count, massage_cap;
	rd_busy *busy;         size_t busy_count, busy_cap;
	rd_classify_entry *classify; size_t classify_count, classify_cap;

	long budget_cents;                /* per month; -1: none */
	int budget_sessions;              /* per month; -1: none */
	char currency[8];
	long prices_cents[RD_MODALITY_COUNT];

	unsigned availability;            /* bit 0 = Monday .. bit 6 = Sunday */
	int avail_from[7], avail_to[7];   /* minutes; -1: any time that day */
	int before_run_gap, after_run_gap;/* minutes between a massage and the run: 60, 30 */
	int reminder_minutes;             /* VALARM before an appointment; -1 off */

	rd_params params;
	char *timezone;                   /* the runner's zone ("Europe/Berlin"), NULL: local */
	/* Without timezone: the zone the first calendar read declared
	 * (X-WR-TIMEZONE, a known zone), which dates activities recorded in
	 * UTC only (rd_training_new); NULL if none.  Not used for the plan's
	 * own times. */
	char *calendar_timezone;

	/* Dates a recorded history covers: there a day without a dated
	 * session is a rest day, not a day of the usual week. */
	rd_date known_from, known_to;
} rd_profile;

/* The usual week's run days when they came from a recorded history
 * (rd_profile_add_training), in words: "Mon easy, Tue hard, Sun long";
 * "" when the week is the runner's own or has no run day. */
void rd_profile_usual_week_words(const rd_profile *p, char *buf, size_t size);

/* 1 when week day d (0 Monday) of the usual week came from the history. */
int rd_profile_week_from_history(const rd_profile *p, int d);

/* An empty profile with every default set. */
int rd_profile_new(rd_profile **out);
void rd_profile_free(rd_profile *p);

/* Reads a YAML profile (see docs/profile.md).  On failure *out is NULL and
 * diag says FILE:LINE:COL: what is wrong. */
int rd_profile_load(rd_profile **out, const char *path, rd_diag *diag);
int rd_profile_parse(rd_profile **out, const char *text, size_t len,
		     const char *name, rd_diag *diag);

/* Copies the strings of the argument; return 0 or RD_ENOMEM. */
int rd_profile_add_session(rd_profile *p, const rd_session *s);
int rd_profile_add_race(rd_profile *p, const rd_race *r);
int rd_profile_add_massage(rd_profile *p, const rd_massage_had *m);
int rd_profile_add_busy(rd_profile *p, int64_t start, int64_t end);

/* What the runner does on a date: a race, else the most demanding dated
 * session, else the usual week.  The pointers are borrowed from p. */
typedef struct rd_day {
	rd_date date;
	rd_kind kind;
	const rd_session *session; /* NULL on a race day or a rest day of the usual week */
	const rd_race *race;       /* NULL unless a race */
	const rd_session *cross;   /* cross-training that day (swim, yoga...), or NULL */
} rd_day;

void rd_profile_day(const rd_profile *p, rd_date date, rd_day *out);
/* 1 when the race counts as a marathon (R-MARATHON-DEEP-AFTER). */
int rd_race_is_marathon(const rd_profile *p, const rd_race *r);
/* Price of a modality in cents. */
long rd_profile_price(const rd_profile *p, rd_modality m);

#ifdef __cplusplus
}
#endif
#endif
