/*
 * plan_warnings.c: what the runner should know about the plan as a whole:
 * a budget too small for the frequency their training calls for (R-BUDGET),
 * months with no bookable day or too few (R-FREQUENCY), pain that keeps
 * coming back (R-MOVEMENT-THERAPIST), and a demanding session right after a
 * marathon (R-REST).
 */
#include "alloc.h"
#include "money.h"
#include "plan_internal.h"

#include <string.h>

int plan_add_warning(rd_warning **list, size_t *n, rd_rule_id rule, rd_buf *msg)
{
	size_t cap = *n; /* warnings are few: grow one at a time */
	if (msg->oom || rd_grow((void **)list, &cap, *n + 1, sizeof **list)) {
		rd_buf_dispose(msg);
		return RD_ENOMEM;
	}
	(*list)[(*n)++] = (rd_warning){rule, rd_buf_detach(msg)};
	return 0;
}

static void month_name(rd_buf *b, int month)
{
	rd_buf_printf(b, "%04d-%02d", month / 12, month % 12 + 1);
}

static void money(rd_buf *b, long cents, const char *currency)
{
	rd_buf_money(b, cents, 0);
	rd_buf_printf(b, " %s", currency);
}

/* The cheapest modality allowed on some day of month mi, or -1 when no day
 * of that month allows any. */
static long cheapest_allowed(const planner *pl, int mi)
{
	long best = -1;
	for (int i = 0; i < pl->days; i++) {
		const day_options *o = &pl->options[i];
		for (int m = 0; o->month_index == mi && m < RD_MODALITY_COUNT; m++)
			if (o->allowed[m] && (best < 0 || o->price[m] < best))
				best = o->price[m];
	}
	return best;
}

static int budget_binds(const rd_profile *p, const rd_plan_month *mo, long cheapest)
{
	return (p->budget_sessions >= 0 && mo->count >= p->budget_sessions) ||
	       (p->budget_cents >= 0 && mo->spent_cents + cheapest > p->budget_cents);
}

static int month_warning(const planner *pl, rd_plan *plan, int mi)
{
	const rd_profile *p = pl->p;
	const rd_plan_month *mo = &plan->months[mi];
	if (mo->count >= mo->target)
		return 0;
	rd_buf msg = RD_BUF_INIT;
	long cheapest = cheapest_allowed(pl, mi);
	rd_rule_id rule = RD_R_FREQUENCY;
	if (cheapest < 0) {
		rd_buf_puts(&msg, "nothing can be booked in ");
		month_name(&msg, mo->month);
		rd_buf_puts(&msg, ": your availability and the rules exclude every day");
	} else if (budget_binds(p, mo, cheapest)) {
		rule = RD_R_BUDGET;
		rd_buf_puts(&msg, "the budget (");
		if (p->budget_cents >= 0)
			money(&msg, p->budget_cents, p->currency);
		else
			rd_buf_printf(&msg, "%d massages", p->budget_sessions);
		rd_buf_printf(&msg, " a month) pays for %d of the %d massages your training calls for in ",
			      mo->count, mo->target);
		month_name(&msg, mo->month);
		rd_buf_puts(&msg, "; the most valuable ones were kept (race recovery and injury work first)");
	} else {
		rd_buf_printf(&msg, "only %d of the %d massages your training calls for fit in ",
			      mo->count, mo->target);
		month_name(&msg, mo->month);
		rd_buf_puts(&msg, " (availability, minimum gap and the rules)");
	}
	return plan_add_warning(&plan->warnings, &plan->warning_count, rule, &msg);
}

static int pain_warnings(const planner *pl, rd_plan *plan)
{
	const rd_profile *p = pl->p;
	for (size_t i = 0; i < p->condition_count; i++) {
		const rd_condition *x = &p->conditions[i];
		if (x->since == RD_DATE_NONE || pl->from - x->since <= p->params.recurring_pain_days ||
		    (x->until != RD_DATE_NONE && x->until < pl->from))
			continue;
		rd_buf msg = RD_BUF_INIT;
		char since[11];
		rd_date_format(x->since, since);
		rd_buf_printf(&msg, "your %s has been there since %s, over %d weeks: a movement "
			      "therapist can find the movement pattern behind it", x->name, since,
			      p->params.recurring_pain_days / 7);
		int rc = plan_add_warning(&plan->warnings, &plan->warning_count,
					  RD_R_MOVEMENT_THERAPIST, &msg);
		if (rc)
			return rc;
	}
	return 0;
}

static int marathon_rest_warnings(const planner *pl, rd_plan *plan)
{
	for (rd_date d = pl->from - 1; d <= pl->to; d++) {
		const rd_day *day = calendar_day(&pl->cal, d);
		const rd_day *next = calendar_day(&pl->cal, d + 1);
		if (!day->race || !rd_race_is_marathon(pl->p, day->race) || !rd_kind_demanding(next->kind))
			continue;
		rd_buf msg = RD_BUF_INIT;
		rd_buf_puts(&msg, "the day after ");
		rules_describe_day(day, &msg);
		rd_buf_puts(&msg, " your calendar has a ");
		rules_describe_day(next, &msg);
		rd_buf_puts(&msg, ": rest instead, your body needs it");
		int rc = plan_add_warning(&plan->warnings, &plan->warning_count, RD_R_REST, &msg);
		if (rc)
			return rc;
	}
	return 0;
}

static int preference_note(const planner *pl, rd_plan *plan)
{
	if (pl->p->pressure != RD_LIGHT)
		return 0;
	rd_buf msg = RD_BUF_INIT;
	rd_buf_puts(&msg, "you prefer light pressure, so the plan uses Swedish and sports massage "
		    "instead of deep work where the rules allow; deep tissue would add work on knots "
		    "and adhesions in the deeper layers, with some soreness the next day");
	return plan_add_warning(&plan->warnings, &plan->warning_count, RD_R_PREFERENCE, &msg);
}

int plan_warnings(const planner *pl, rd_plan *plan)
{
	int rc = preference_note(pl, plan);
	for (size_t i = 0; !rc && i < plan->month_count; i++)
		rc = month_warning(pl, plan, (int)i);
	if (!rc)
		rc = pain_warnings(pl, plan);
	if (!rc)
		rc = marathon_rest_warnings(pl, plan);
	return rc;
}
