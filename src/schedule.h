/*
 * schedule.h: the time of day of an appointment.
 *
 * The planner asks, for a candidate day, whether a massage of `minutes`
 * fits: inside the runner's availability hours for that weekday, outside
 * every busy block, and in the right relation to that day's run when the run
 * has a start time (before_run ends at least profile->before_run_gap minutes
 * before the run; after_run starts at least profile->after_run_gap minutes
 * after the run ends).  Without any time information the answer is "yes,
 * all day" (*start_min = -1).
 */
#ifndef RD_SCHEDULE_H
#define RD_SCHEDULE_H

#include "rubdown/plan.h"
#include "rubdown/profile.h"

/* Returns 1 and sets *start_min (-1 for all day) when a slot exists, 0 when
 * the day has no free slot. Deterministic: the earliest fitting slot. */
int schedule_slot(const rd_profile *p, const rd_day *day, rd_when when,
		  int minutes, int *start_min);

/* The massage already placed earlier the same day. */
typedef struct schedule_first {
	int start_min, minutes;
	rd_when when;
} schedule_first;

/* The slot for a second massage the same day: after `first` ends, and, when
 * the run has no start time and `first` was before it, after the run too
 * (the run taken to start before_run_gap after `first`).  Returns 1 with
 * *start_min >= 0, or 0 when nothing fits (*start_min is then -1). */
int schedule_slot_after(const rd_profile *p, const rd_day *day, rd_when when,
			int minutes, const schedule_first *first, int *start_min);

#endif
