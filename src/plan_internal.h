/*
 * plan_internal.h: what the planner knows about each day of the horizon,
 * shared by the search (plan.c), the assembly of the plan (plan_make.c) and
 * `rubdown explain` (explain.c).
 */
#ifndef RD_PLAN_INTERNAL_H
#define RD_PLAN_INTERNAL_H

#include "rubdown/plan.h"
#include "buf.h"
#include "rules.h"

typedef struct day_options {
	rd_date date;
	int month_index;
	int month_start;                  /* the first horizon day of its month */
	int base_count;                   /* on a month's first day: had or booked that month */
	long base_cents;
	int booked;                       /* had or booked on this very day */
	int booked_soon;                  /* a massage is booked within the minimum gap ahead */
	int allowed[RD_MODALITY_COUNT];
	int exempt[RD_MODALITY_COUNT];    /* free of the minimum gap */
	int event[RD_MODALITY_COUNT];     /* race-week or post-race: never a surplus */
	int score[RD_MODALITY_COUNT];
	long price[RD_MODALITY_COUNT];
} day_options;

typedef struct planner {
	const rd_profile *p;
	calendar cal;
	rd_date from, to;
	int days;
	day_options *options;
	rd_plan_month *months;
	size_t month_count;
	int initial_gap;                  /* days from the last massage before the horizon */
	double sessions_per_week;
} planner;

int planner_init(planner *pl, const rd_profile *p, const rd_plan_options *opt);
void planner_dispose(planner *pl);
/* The exact search: choice[i] is the option for day i (0 none, 1 + modality,
 * or both sports massages on a race day). */
int plan_search(const planner *pl, unsigned char *choice);
#define PLAN_OPT_COMBO (1 + RD_MODALITY_COUNT)

/* Appends a warning whose message is taken from msg (left empty). */
int plan_add_warning(rd_warning **list, size_t *n, rd_rule_id rule, rd_buf *msg);
/* The plan-level warnings (plan_warnings.c). */
int plan_warnings(const planner *pl, rd_plan *plan);

#endif
