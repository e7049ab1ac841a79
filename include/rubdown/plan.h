/*
 * plan.h: the massage plan, the planner and the plan writers.
 *
 * rd_plan_make() chooses dated appointments for a profile over a horizon:
 * no "never" rule is broken, the "prefer" rules score the candidates, and
 * the best-scoring set within budget and frequency is kept (see src/plan.c
 * for the method).  The same profile and options give the same plan, byte
 * for byte, in every output.
 *
 * A plan borrows its profile: free the plan before the profile.
 */
#ifndef RUBDOWN_PLAN_H
#define RUBDOWN_PLAN_H

#include "rubdown/date.h"
#include "rubdown/error.h"
#include "rubdown/massage.h"
#include "rubdown/profile.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rd_when { RD_WHEN_NO_RUN = 0, RD_WHEN_BEFORE_RUN, RD_WHEN_AFTER_RUN } rd_when;
const char *rd_when_name(rd_when w); /* "no_run", "before_run", "after_run" */

typedef struct rd_warning {
	rd_rule_id rule;
	char *message;
} rd_warning;

#define RD_MAX_FOCUS 16

typedef struct rd_appointment {
	rd_date date;
	rd_when when;
	int start_min;                 /* -1: all day */
	rd_modality modality;
	int minutes;
	rd_pressure pressure;
	rd_technique techniques[8];
	size_t technique_count;
	const char *focus[RD_MAX_FOCUS]; /* ids, borrowed from the knowledge base or the profile */
	size_t focus_count;
	long price_cents;
	rd_rule_id rules[RD_RULE_COUNT];
	size_t rule_count;
	char *reason;
	rd_warning *warnings;
	size_t warning_count;
} rd_appointment;

typedef struct rd_plan_month {
	int month;                     /* year * 12 + month - 1 */
	long spent_cents;              /* planned plus had or booked */
	int count;                     /* planned plus had or booked */
	int target;                    /* R-FREQUENCY for the days of this month in the horizon */
	int optional;                  /* 1 when the target is marked optional */
	int days;                      /* days of this month in the horizon */
} rd_plan_month;

/* 1 when the horizon holds only part of the month (its target is prorated). */
int rd_plan_month_partial(const rd_plan_month *m);

typedef struct rd_plan {
	const rd_profile *profile;     /* borrowed */
	rd_date from, to;              /* inclusive */
	rd_appointment *appointments;
	size_t count;
	rd_warning *warnings;
	size_t warning_count;
	rd_plan_month *months;
	size_t month_count;
	double sessions_per_week;      /* training volume used for R-FREQUENCY */
} rd_plan;

typedef struct rd_plan_options {
	rd_date from;                  /* RD_DATE_NONE: today */
	int weeks;                     /* 0: 8 */
} rd_plan_options;

int rd_plan_make(rd_plan **out, const rd_profile *p, const rd_plan_options *opt,
		 rd_diag *diag);
void rd_plan_free(rd_plan *plan);

/* Writers: each returns 0 and a NUL-terminated string the caller frees with
 * rd_free, or RD_ENOMEM. */
typedef struct rd_text_options {
	int color;                     /* ANSI colours */
	int ascii;                     /* plain ASCII only */
} rd_text_options;

int rd_plan_to_text(char **out, const rd_plan *plan, const rd_text_options *opt);
int rd_plan_to_json(char **out, const rd_plan *plan);

/* rubdown explain: for one date, each modality with the rules that allow or
 * forbid it, and whether the planner picked it. */
int rd_plan_explain(char **out, const rd_profile *p, const rd_plan_options *opt,
		    rd_date date, rd_diag *diag);

/* rubdown rules: the knowledge base as text. */
int rd_rules_to_text(char **out, const rd_params *params);

#ifdef __cplusplus
}
#endif
#endif
