/*
 * ical_int.h: what the files of the iCalendar reader share.  ical.c has the
 * overview of the format and of the passes, ical_scan.c reads the lines and
 * the structure (pass 1), ical_recur.c the start, the length and the
 * instances of an event.  Internal: nothing here is public API.
 */
#ifndef RD_ICAL_INT_H
#define RD_ICAL_INT_H

#include "buf.h"
#include "rubdown/ical.h"

#include <libical/ical.h>

#include <stddef.h>
#include <stdint.h>

typedef enum comp_kind { C_EVENT, C_TIMEZONE, C_FREEBUSY } comp_kind;

/* A component of a calendar (VEVENT, VTIMEZONE, VFREEBUSY), as pass 1 found it. */
typedef struct comp {
	comp_kind kind;
	unsigned long line;
	size_t start, end;     /* raw bytes of BEGIN..END */
	int has_rid;
} comp;

/* Where a property of the current component is, for messages. */
typedef struct prop_line {
	char name[16];
	unsigned long line, col;
	size_t value, value_len; /* in the component text */
} prop_line;

/* A VTIMEZONE of the file, by its TZID. */
typedef struct zone_entry {
	char *tzid;
	icaltimezone *zone;
} zone_entry;

/* A RECURRENCE-ID: the instance of event uid that another VEVENT replaces. */
typedef struct override {
	char *uid;
	struct icaltimetype rid;
} override;

/* The state of reading one file. */
typedef struct ical_ctx {
	rd_profile *p;
	const char *name;
	const rd_ical_options *o;
	int busy;
	const char *text;
	size_t len;
	rd_date from, to;            /* window, lookback included */
	icaltimezone *runner;
	int runner_fixed;
	char *wr_timezone;
	comp *comps;  size_t comp_count, comp_cap;
	zone_entry *zones; size_t zone_count, zone_cap;
	override *overrides; size_t override_count, override_cap;
	char **unknown_tz; size_t unknown_count, unknown_cap;
	rd_buf line;                 /* the current logical line */
	rd_buf ctext;                /* the current component, unfolded */
	prop_line props[64];
	size_t prop_count;
	unsigned long warnings;
	size_t usable, broken;
	rd_diag first;               /* the first problem, for the error */
} ical_ctx;

/* When an event starts and how long it lasts (ical_recur.c). */
typedef struct ev_time {
	struct icaltimetype start;
	int64_t seconds;             /* duration */
	int days;                    /* all-day events: days covered (>= 1) */
} ev_time;

/* The instances of one event in the window (ical_recur.c). */
typedef struct instances {
	struct icaltimetype *t;
	size_t n, cap;
	unsigned long steps;
} instances;

/* ---- ical.c: messages, time zones ---- */

/* A warning at line:col (line 0 is shown as 1); the first is kept for the error. */
void ical_warn(ical_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* A short, printable copy of a value for a message. */
const char *ical_shown(char buf[48], const char *s, size_t n);
/* The time of a DTSTART-like property, with its zone attached. */
struct icaltimetype ical_prop_time(ical_ctx *c, icalproperty *prop, struct icaltimetype t,
				   unsigned long line);
/* Seconds since the epoch of t, floating and dates taken as UTC. */
int64_t ical_abs_seconds(struct icaltimetype t);
/* t in the runner's zone: its date and minute of day (-1 for a date). */
void ical_local_time(const ical_ctx *c, struct icaltimetype t, rd_date *date, int *minute);
/* 1 when t is a date or date-time we can use (years 1 to 9999), else 0. */
int ical_time_valid(struct icaltimetype t);

/* ---- ical_scan.c: lines, structure, components ---- */

/* 0 when the first non-blank line opens a calendar, else the error in diag. */
int ical_check_start(ical_ctx *c, rd_diag *diag);
/* Pass 1: checks the structure (warnings) and lists the components in c->comps. */
int ical_scan(ical_ctx *c, rd_diag *diag);
/* Component k parsed by libical (NULL when not of kind want); sets c->ctext and c->props. */
/* Component k parsed by libical, if it is a want; NULL if not, or when it
 * cannot be parsed, or with *err = RD_ENOMEM when our own copy of it
 * failed (else *err is 0). */
icalcomponent *ical_parse_comp(ical_ctx *c, const comp *k, icalcomponent_kind want,
			       int *err);
/* The n-th (0-based) line of property name in the current component. */
const prop_line *ical_prop_at(const ical_ctx *c, const char *name, int n);
/* The line of the first property name in the current component, or dflt. */
unsigned long ical_line_of(const ical_ctx *c, const char *name, unsigned long dflt);
/* The value of property line pl, shortened and printable, for a message. */
const char *ical_value_of(const ical_ctx *c, const prop_line *pl, char buf[48]);

/* ---- ical_recur.c: start, end, duration, recurrence ---- */

/* DTSTART and the length of the event into ev; -1 (warned) when it is skipped. */
int ical_event_time(ical_ctx *c, icalcomponent *ic, const comp *k, ev_time *ev);
/* Every instance in the window, sorted: 0, 1 when skipped (a cap), or RD_ENOMEM. */
int ical_expand(ical_ctx *c, icalcomponent *ic, const comp *k, const ev_time *ev, instances *in);
/* Keeps t when it falls in the window; 1 when it is past the window. */
int ical_consider(const ical_ctx *c, instances *in, struct icaltimetype t, int days, int *err);

#endif
