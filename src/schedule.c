/*
 * schedule.c: the time of day of an appointment (see schedule.h).
 *
 * The window is the weekday's availability hours (avail_from..avail_to; -1
 * on one side means the start or the end of the day).  With no hours for the
 * weekday and no busy block touching the day there is no time information:
 * the appointment is all day.  With busy blocks but no hours the window is
 * DEFAULT_FROM..DEFAULT_TO, so a massage is not put at midnight.
 *
 * The run of the day (a dated session or the usual week with start_min, or
 * a race) narrows the window: before_run must end before_run_gap minutes
 * before it starts; after_run starts after_run_gap minutes after it ends.
 * A run of unknown length counts as DEFAULT_RUN_MIN, a race as
 * RACE_MIN_PER_KM per km (DEFAULT_RACE_MIN when its distance is unknown).
 * No slot overlaps the run (on a race day, the span of all its timed
 * races) or a busy block.  Starts are tried every
 * SLOT_STEP minutes from the window start; the first that fits wins.
 *
 * A second massage the same day (race day's pre- and post-event) starts
 * after the first ends.  When the run has no start time, the run is taken to
 * begin before_run_gap after a before_run massage ends, so an after_run one
 * waits for the run and after_run_gap.
 */
#include "schedule.h"

#define DEFAULT_FROM (8 * 60)
#define DEFAULT_TO (20 * 60)
#define DEFAULT_RUN_MIN 60
#define DEFAULT_RACE_MIN 240
#define RACE_MIN_PER_KM 6
#define SLOT_STEP 15
#define DAY_MIN 1440

static int overlaps_busy(const rd_profile *p, int64_t start, int64_t end)
{
	for (size_t i = 0; i < p->busy_count; i++)
		if (p->busy[i].start < end && p->busy[i].end > start)
			return 1;
	return 0;
}

static int race_minutes(const rd_race *r)
{
	return r->km > 0 ? (int)(r->km * RACE_MIN_PER_KM + 0.5) : DEFAULT_RACE_MIN;
}

/* The run's start and length in minutes; start -1 when it has no time.  A
 * race day's run spans every timed race of that date: a profile may give
 * two (a festival's 5 km and 10 km), and the massages go before the first
 * and after the last. */
static void run_of(const rd_profile *p, const rd_day *day, int *start, int *minutes)
{
	*start = -1;
	*minutes = 0;
	if (day->race) {
		*start = day->race->start_min;
		*minutes = race_minutes(day->race);
		for (size_t i = 0; i < p->race_count; i++) {
			const rd_race *r = &p->races[i];
			if (r->date != day->date || r->start_min < 0)
				continue;
			int end = r->start_min + race_minutes(r);
			if (*start >= 0 && *start + *minutes > end)
				end = *start + *minutes;
			if (*start < 0 || r->start_min < *start)
				*start = r->start_min;
			*minutes = end - *start;
		}
	} else if (day->session && day->session->kind != RD_REST) {
		*start = day->session->start_min;
		*minutes = day->session->minutes > 0 ? day->session->minutes : DEFAULT_RUN_MIN;
	}
}

/* The window of the day, or 0 when the day has no time information. */
static int window(const rd_profile *p, const rd_day *day, int *from, int *to)
{
	int wd = rd_date_weekday(day->date);
	int64_t d0 = (int64_t)day->date * DAY_MIN;
	*from = p->avail_from[wd];
	*to = p->avail_to[wd];
	if (*from < 0 && *to < 0) {
		if (!overlaps_busy(p, d0, d0 + DAY_MIN))
			return 0;
		*from = DEFAULT_FROM;
		*to = DEFAULT_TO;
	}
	if (*from < 0)
		*from = 0;
	if (*to < 0 || *to > DAY_MIN)
		*to = DAY_MIN;
	return 1;
}

/* The earliest slot starting at not_before or later (see schedule_slot). */
static int slot(const rd_profile *p, const rd_day *day, rd_when when,
		int minutes, int not_before, int *start_min)
{
	int from, to, run_start, run_min;
	*start_min = -1;
	if (!window(p, day, &from, &to))
		return 1;
	if (from < not_before)
		from = not_before;
	run_of(p, day, &run_start, &run_min);
	if (run_start >= 0 && when == RD_WHEN_BEFORE_RUN && to > run_start - p->before_run_gap)
		to = run_start - p->before_run_gap;
	if (run_start >= 0 && when == RD_WHEN_AFTER_RUN &&
	    from < run_start + run_min + p->after_run_gap)
		from = run_start + run_min + p->after_run_gap;
	int64_t d0 = (int64_t)day->date * DAY_MIN;
	for (int s = (from + SLOT_STEP - 1) / SLOT_STEP * SLOT_STEP; s + minutes <= to; s += SLOT_STEP) {
		if (run_start >= 0 && s < run_start + run_min && s + minutes > run_start)
			continue;
		if (!overlaps_busy(p, d0 + s, d0 + s + minutes)) {
			*start_min = s;
			return 1;
		}
	}
	return 0;
}

int schedule_slot(const rd_profile *p, const rd_day *day, rd_when when,
		  int minutes, int *start_min)
{
	return slot(p, day, when, minutes, 0, start_min);
}

int schedule_slot_after(const rd_profile *p, const rd_day *day, rd_when when,
			int minutes, const schedule_first *first, int *start_min)
{
	int run_start, run_min, not_before = first->start_min + first->minutes;
	run_of(p, day, &run_start, &run_min);
	if (run_start < 0 && run_min > 0 && first->when == RD_WHEN_BEFORE_RUN &&
	    when == RD_WHEN_AFTER_RUN)
		not_before += p->before_run_gap + run_min + p->after_run_gap;
	return slot(p, day, when, minutes, not_before, start_min) && *start_min >= 0;
}
