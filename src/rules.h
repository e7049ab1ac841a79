/*
 * rules.h: the rules applied to one candidate (a day and a modality).
 *
 * The planner and `rubdown explain` both ask the same question: on date d,
 * is modality m allowed (no "never" rule forbids it), and how much is it
 * worth (the "prefer" rules that apply, and their scores)?  The answer is a
 * verdict; the reason in words is only written when asked for.
 */
#ifndef RD_RULES_H
#define RD_RULES_H

#include "buf.h"
#include "rubdown/plan.h"
#include "rubdown/profile.h"

/* The calendar the rules look at: each date's session from `first` on. */
typedef struct calendar {
	const rd_profile *p;
	rd_date first;          /* index 0 */
	size_t len;
	rd_day *days;
} calendar;

int calendar_build(calendar *c, const rd_profile *p, rd_date first, rd_date last);
void calendar_dispose(calendar *c);
/* The day at date d; a rest day outside the built range. */
const rd_day *calendar_day(const calendar *c, rd_date d);

typedef struct verdict {
	int allowed;
	rd_when when;
	int start_min;
	int score;
	rd_rule_id rules[RD_RULE_COUNT];
	size_t rule_count;
	rd_rule_id forbid[RD_RULE_COUNT];
	size_t forbid_count;
	int event;              /* race-week or post-race work: never a surplus */
	int unavailable;        /* the runner cannot book that day */
	int no_slot;            /* availability hours or busy times leave no room */
} verdict;

/* Judges modality m on date d.  When reason is not NULL, appends the
 * reasons in words: why it is worth doing, or (forbidden) why not. */
void rules_judge(const calendar *c, rd_date d, rd_modality m, verdict *out, rd_buf *reason);

/* A massage of modality m on a race day is exempt from the minimum gap. */
int rules_gap_exempt(const calendar *c, rd_date d, rd_modality m);

/* Describes a day's session: "long run (28 km)", "Valencia Marathon (42.2 km)". */
void rules_describe_day(const rd_day *day, rd_buf *out);

#endif
