/*
 * classify_event.h: what a calendar event is, from its words.
 *
 * The first source that decides wins: CATEGORIES, then the profile's
 * classify map (title equal, else title containing the entry, ignoring
 * case), then the words of SUMMARY and DESCRIPTION (see classify_event.c for
 * the word lists and their order).  Distances ("32 km", "20 mi", "10K") and
 * durations ("2h30", "90 min") in the title are read; a run of 2 h or more,
 * or 25 km or more, is long.
 */
#ifndef RD_CLASSIFY_EVENT_H
#define RD_CLASSIFY_EVENT_H

#include "rubdown/ical.h"
#include "rubdown/profile.h"

#include <stddef.h>

typedef struct event_kind {
	rd_ical_class cls;     /* RD_EV_OTHER .. RD_EV_MASSAGE */
	rd_kind kind;
	double km;             /* 0 when unknown */
	int minutes;           /* from the title; 0 when unknown */
	rd_modality modality;  /* for RD_EV_MASSAGE */
	char reason[192];
} event_kind;

/* categories: the CATEGORIES values (already split on commas); p may be
 * NULL.  summary and description may be NULL. */
void classify_event(event_kind *out, const rd_profile *p, const char *summary,
		    const char *description, const char *const *categories,
		    size_t category_count);

/* Reads a distance ("32 km", "20 mi", "10K", "13.1 miles") from text; 0 when
 * none.  Reads a duration ("2h30", "2 h", "90 min"); 0 when none. */
double classify_read_km(const char *text);
int classify_read_minutes(const char *text);

#endif
