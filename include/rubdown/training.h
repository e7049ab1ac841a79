/*
 * training.h: a recorded history as the planner's calendar.
 *
 * rd_training_new() reads what rd_history found in passes (rd_history_acts):
 * the reference each activity's load is computed from (load.h) and what
 * classifying each run as easy, long, hard or race needs of the runner's
 * own data.  rd_training_open() then gives each activity with its load and
 * class, in start order.  rd_profile_add_training() puts the runs into the
 * profile as dated sessions (races as races), and marks the dates the
 * history covers, so a day without a recorded run there is a rest day.
 *
 * Nothing here keeps a value per activity: memory grows with the days of a
 * daily series or weekly table and with the runs of a few weeks, never with
 * the whole history.
 */
#ifndef RUBDOWN_TRAINING_H
#define RUBDOWN_TRAINING_H

#include "rubdown/history.h"
#include "rubdown/load.h"
#include "rubdown/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rd_training {
	rd_acts acts;        /* the history's activities as dated here: those
				recorded in UTC only get the profile's zone */
	size_t count;
	rd_load *load;
	rd_classify_ref ref;
	rd_date first, last; /* days of the first and last activity; RD_DATE_NONE if none */
	rd_acts history;     /* rd_history_acts(h) */
	char *zone;          /* NULL, or the zone of the UTC-only activities */
} rd_training;

/* Borrows h (which must outlive the training, and get no more paths): a
 * few passes over its activities find the load reference and the
 * classification's.  hr_max / hr_rest come from the profile when it gives
 * them (0: estimate); activities recorded in UTC only are dated in
 * p->timezone, else in p->calendar_timezone.  Returns 0, RD_ENOMEM,
 * RD_EFORMAT (the profile's hr_max), RD_EUNSUPPORTED (an unknown time
 * zone) or a pass's error, with diag. */
int rd_training_new(rd_training **out, const rd_history *h, const rd_profile *p,
		    rd_diag *diag);
void rd_training_free(rd_training *t);

/* A pass over the activities with their loads and classes, in start order,
 * from the day `from` on (RD_DATE_NONE: every activity, those of unknown
 * date last): rd_classify_next, rd_classify_close.  Returns 0 or
 * RD_ENOMEM. */
int rd_training_open(rd_classify_pass **out, const rd_training *t, rd_date from);

/* The days before a plan that the planner's rules can look back on (the
 * frequency rule's 4 weeks, a marathon's week of rest, the load chart's 8
 * weeks); older runs are not added to the profile. */
#define RD_TRAINING_LOOKBACK_DAYS 56

/* Adds every run from RD_TRAINING_LOOKBACK_DAYS before `from` on (from
 * RD_DATE_NONE: every run) as a dated session (races as races), and marks
 * the dates it covers from there to the last activity.  Returns 0,
 * RD_ENOMEM or a pass's error. */
int rd_profile_add_training(rd_profile *p, const rd_training *t, rd_date from);

/* The runner's load per minute by kind (rd_kind: easy, long, hard, race):
 * the median over their runs of that kind in the 8 weeks before `from`
 * (the first 256 of each), when there are at least 3 of them; else 0.
 * Returns 0, RD_ENOMEM or a pass's error (every rate 0). */
int rd_training_rates(const rd_training *t, rd_date from, double per_minute[RD_KIND_COUNT]);

/* Fitness, fatigue and form on the history's last day (rd_load_series,
 * warmed up on the days before it).  Returns 0, or RD_EFORMAT when the
 * history has no dated activity, or RD_ENOMEM or a pass's error. */
int rd_training_form(const rd_training *t, rd_load_day *out);

/* Every activity with its summary, load, kind and reason, as JSON
 * (`rubdown history --format json`); free with rd_free. */
int rd_training_to_json(char **out, const rd_training *t);

/* The same document, handed to write piece by piece as it is made: one
 * activity's JSON objects at a time, never the whole tree; with since not
 * RD_DATE_NONE, only the activities and weeks from that day on.  write
 * returns non-zero to stop.  Returns 0, RD_EIO (write failed or a pass
 * could not read the activities) or RD_ENOMEM. */
typedef int (*rd_json_write_fn)(void *ctx, const char *s, size_t n);
int rd_training_write_json(const rd_training *t, rd_date since, rd_json_write_fn write,
			   void *ctx);

#ifdef __cplusplus
}
#endif
#endif
