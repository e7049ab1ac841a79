/*
 * text.c: the plan for the terminal: the appointments with their reasons,
 * the plan's warnings, the money per month, and the safety note.
 */
#include "rubdown/plan.h"
#include "buf.h"

#include <string.h>

static void money(rd_buf *b, long cents, const char *currency)
{
	if (cents % 100)
		rd_buf_printf(b, "%ld.%02ld %s", cents / 100, cents % 100, currency);
	else
		rd_buf_printf(b, "%ld %s", cents / 100, currency);
}

static void date_long(rd_buf *b, rd_date d)
{
	char s[11];
	rd_date_format(d, s);
	rd_buf_printf(b, "%.3s %s", rd_weekday_name(rd_date_weekday(d)), s);
}

static void appointment(rd_buf *b, const rd_plan *plan, const rd_appointment *a)
{
	const rd_modality_info *mi = rd_modality_get(a->modality);
	const char *currency = plan->profile->currency;
	date_long(b, a->date);
	if (a->start_min >= 0)
		rd_buf_printf(b, " %02d:%02d", a->start_min / 60 % 24, a->start_min % 60);
	rd_buf_printf(b, "  %s, %d min, %s pressure (%s), ", mi->name, a->minutes,
		      rd_pressure_name(a->pressure), rd_when_name(a->when));
	money(b, a->price_cents, currency);
	rd_buf_printf(b, "\n    why: %s\n    techniques:", a->reason);
	for (size_t i = 0; i < a->technique_count; i++) {
		const rd_technique_info *t = rd_technique_get(a->techniques[i]);
		rd_buf_printf(b, "%s %s", i ? "," : "", t->name);
		if (a->techniques[i] == RD_T_PNF)
			rd_buf_puts(b, " (3 rounds per muscle group)");
	}
	rd_buf_puts(b, "\n    focus:");
	for (size_t i = 0; i < a->focus_count; i++)
		rd_buf_printf(b, "%s %s", i ? "," : "", a->focus[i]);
	rd_buf_puts(b, "\n    rules:");
	for (size_t i = 0; i < a->rule_count; i++)
		rd_buf_printf(b, " %s", rd_rule_get(a->rules[i])->code);
	rd_buf_putc(b, '\n');
	for (size_t i = 0; i < a->warning_count; i++)
		rd_buf_printf(b, "    ! %s: %s\n", rd_rule_get(a->warnings[i].rule)->code,
			      a->warnings[i].message);
}

static void header(rd_buf *b, const rd_plan *plan)
{
	char from[11], to[11];
	rd_date_format(plan->from, from);
	rd_date_format(plan->to, to);
	rd_buf_printf(b, "Massage plan%s%s, %s to %s\n", plan->profile->name ? " for " : "",
		      plan->profile->name ? plan->profile->name : "", from, to);
	rd_buf_printf(b, "%zu massage%s; training about %.1f runs a week\n\n", plan->count,
		      plan->count == 1 ? "" : "s", plan->sessions_per_week);
}

static void months(rd_buf *b, const rd_plan *plan)
{
	const rd_profile *p = plan->profile;
	rd_buf_puts(b, "\nPer month (planned plus had or booked):\n");
	for (size_t i = 0; i < plan->month_count; i++) {
		const rd_plan_month *m = &plan->months[i];
		rd_buf_printf(b, "  %04d-%02d  %d massage%s (target %d%s), ", m->month / 12,
			      m->month % 12 + 1, m->count, m->count == 1 ? "" : "s", m->target,
			      m->optional ? ", optional" : "");
		money(b, m->spent_cents, p->currency);
		if (p->budget_cents >= 0) {
			rd_buf_puts(b, " of ");
			money(b, p->budget_cents, p->currency);
		}
		rd_buf_putc(b, '\n');
	}
}

int rd_plan_to_text(char **out, const rd_plan *plan, const rd_text_options *opt)
{
	(void)opt;
	rd_buf b = RD_BUF_INIT;
	header(&b, plan);
	for (size_t i = 0; i < plan->count; i++) {
		appointment(&b, plan, &plan->appointments[i]);
		rd_buf_putc(&b, '\n');
	}
	if (plan->warning_count)
		rd_buf_puts(&b, "Warnings:\n");
	for (size_t i = 0; i < plan->warning_count; i++)
		rd_buf_printf(&b, "  ! %s: %s\n", rd_rule_get(plan->warnings[i].rule)->code,
			      plan->warnings[i].message);
	months(&b, plan);
	rd_buf_puts(&b, "\nNot medical advice. With an acute injury, fever, swelling, numbness or "
		    "unexplained pain, skip deep work and see a professional.\n");
	if (b.oom) {
		rd_buf_dispose(&b);
		*out = NULL;
		return RD_ENOMEM;
	}
	*out = rd_buf_detach(&b);
	return 0;
}
