/*
 * report.h: the plan as a page people look at.
 *
 * rd_plan_to_html() writes one self-contained HTML file: inline CSS and
 * SVG, no script, no font, no image and no link that loads anything (a
 * Content-Security-Policy of default-src 'none' makes sure), so it works
 * offline, on a 375 px phone and on paper (one appointment card per printed
 * block).  It holds, in order: a header (who, which weeks, massages and
 * their cost against the budget, plan warnings), a chart of the training
 * load per day with the races and massages on it, a calendar grid (a row
 * per week), one card per appointment (the therapist's sheet), the safety
 * note and where the rules come from.  Every string from the runner is
 * escaped and made valid UTF-8.  The same plan and options give the same
 * bytes: nothing depends on the clock, the locale or the host.
 */
#ifndef RUBDOWN_REPORT_H
#define RUBDOWN_REPORT_H

#include "rubdown/load.h"
#include "rubdown/plan.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rd_html_options {
	/* The runner's measured daily load (rd_load_series over the history),
	 * or NULL.  Days it covers show their real load (TRIMP) and the chart
	 * draws the fitness and fatigue lines; other days show a load
	 * estimated from the session kind and its minutes or kilometres. */
	const rd_load_day *load;
	size_t load_count;
	/* Days of history before plan->from the chart may show: 0 means 28,
	 * -1 none.  Only days with something on them widen the chart. */
	int history_days;
	/* The runner's own load per minute by kind (TRIMP per minute, the
	 * median of their recent runs of the kind: rd_training_rates), 0 where
	 * unknown.  A planned day of a kind that has one is estimated at it
	 * instead of at the typical heart-rate reserve below. */
	double per_minute[RD_KIND_COUNT];
} rd_html_options;

/* Writes the report into *out (NUL-terminated, free with rd_free).  opt may
 * be NULL.  Returns 0, or RD_ENOMEM with *out NULL. */
int rd_plan_to_html(char **out, const rd_plan *plan, const rd_html_options *opt);

/* The load the chart shows for a planned day (without the runner's own
 * load per minute for its kind): Banister TRIMP (load.h) of
 * the session's minutes at a heart-rate reserve typical of its kind (easy
 * 0.60, long 0.65, hard 0.80, race 0.85).  Minutes unknown: from the
 * distance at a typical pace for the kind, else a typical length.  0 for a
 * rest day.  *estimated (may be NULL) is set to 1 when minutes were
 * guessed. */
double rd_day_load_estimate(const rd_day *day, int *estimated);

#ifdef __cplusplus
}
#endif
#endif
