/*
 * explain.c: `rubdown explain` and `rubdown rules`.
 *
 * explain judges every modality on one date with the same rules the planner
 * uses (rules_judge), then says whether the plan picked it and, if not, the
 * likeliest reason: another massage too close, the month's budget, the
 * month's frequency already met, or a better combination elsewhere.
 */
#include "rubdown/plan.h"
#include "buf.h"
#include "plan_internal.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

static const rd_appointment *picked(const rd_plan *plan, rd_date d, rd_modality m)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->appointments[i].date == d && plan->appointments[i].modality == m)
			return &plan->appointments[i];
	return NULL;
}

static const rd_appointment *nearest(const rd_plan *plan, rd_date d)
{
	const rd_appointment *best = NULL;
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (!best || labs((long)(a->date - d)) < labs((long)(best->date - d)))
			best = a;
	}
	return best;
}

/* "deep_tissue on 2026-12-23; ": what the plan books in d's month, so a
 * reason about the month's budget or count says where it went. */
static void month_booked(rd_buf *b, const rd_plan *plan, rd_date d)
{
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (rd_date_month(a->date) != rd_date_month(d))
			continue;
		char s[11];
		rd_date_format(a->date, s);
		rd_buf_printf(b, "%s on %s; ", rd_modality_get(a->modality)->id, s);
	}
}

static void why_not(rd_buf *b, const planner *pl, const rd_plan *plan, rd_date d, const verdict *v)
{
	const rd_profile *p = pl->p;
	const rd_appointment *n = nearest(plan, d);
	int mi = rd_date_month(d) - rd_date_month(plan->from);
	const rd_plan_month *mo = &plan->months[mi];
	char s[11];
	if (n && n->date != d && labs((long)(n->date - d)) < p->params.min_gap_days) {
		rd_date_format(n->date, s);
		rd_buf_printf(b, "not picked: the %s on %s is closer than the %d-day minimum gap",
			      rd_modality_get(n->modality)->id, s, p->params.min_gap_days);
	} else if (n && n->date == d) {
		rd_buf_printf(b, "not picked: that day already has %s", rd_modality_get(n->modality)->id);
	} else if ((p->budget_cents >= 0 && mo->spent_cents >= p->budget_cents) ||
		   (p->budget_sessions >= 0 && mo->count >= p->budget_sessions)) {
		rd_buf_puts(b, "not picked: the month's budget is used (");
		month_booked(b, plan, d);
		rd_buf_puts(b, "R-BUDGET)");
	} else if (mo->count >= mo->target && v->score <= p->params.w_surplus) {
		rd_buf_printf(b, "not picked: the month already has its %d massage%s (", mo->target,
			      mo->target == 1 ? "" : "s");
		month_booked(b, plan, d);
		rd_buf_puts(b, "R-FREQUENCY), and this one is not worth an extra booking");
	} else {
		rd_buf_puts(b, "not picked: the planner found a better-scoring combination of days");
	}
}

static void explain_modality(rd_buf *b, const planner *pl, const rd_plan *plan, rd_date d,
			     rd_modality m)
{
	verdict v;
	rd_buf why = RD_BUF_INIT;
	rules_judge(&pl->cal, d, m, &v, &why);
	b->oom |= why.oom; /* a reason lost to memory fails the whole text */
	rd_buf_printf(b, "  %s: ", rd_modality_get(m)->id);
	if (v.no_slot) {
		rd_buf_printf(b, "allowed by the rules (score %d), but %s\n", v.score,
			      why.data ? why.data : "no free slot");
		rd_buf_dispose(&why);
		return;
	}
	if (!v.allowed) {
		rd_buf_puts(b, "forbidden");
		for (size_t i = 0; i < v.forbid_count; i++)
			rd_buf_printf(b, "%s %s", i ? "," : " by", rd_rule_get(v.forbid[i])->code);
		rd_buf_printf(b, ": %s\n", why.data ? why.data : "");
		rd_buf_dispose(&why);
		return;
	}
	rd_buf_printf(b, "allowed, score %d", v.score);
	for (size_t i = 0; i < v.rule_count; i++)
		rd_buf_printf(b, "%s %s", i ? "," : " from", rd_rule_get(v.rules[i])->code);
	if (why.len)
		rd_buf_printf(b, " (%s)", why.data);
	rd_buf_puts(b, "\n    ");
	if (picked(plan, d, m))
		rd_buf_puts(b, "PICKED by the planner\n");
	else {
		why_not(b, pl, plan, d, &v);
		rd_buf_putc(b, '\n');
	}
	rd_buf_dispose(&why);
}

int rd_plan_explain(char **out, const rd_profile *p, const rd_plan_options *opt, rd_date date,
		    rd_diag *diag)
{
	*out = NULL;
	rd_plan_options o = opt ? *opt : (rd_plan_options){RD_DATE_NONE, 0};
	rd_plan *plan = NULL;
	int rc = rd_plan_make(&plan, p, &o, diag);
	if (rc)
		return rc;
	if (date < plan->from || date > plan->to) {
		char a[11], z[11];
		rd_date_format(plan->from, a);
		rd_date_format(plan->to, z);
		rd_plan_free(plan);
		return rd_diag_set(diag, RD_EFORMAT, NULL, 0, 0,
				   "the date is outside the plan (%s to %s): use --from", a, z);
	}
	o.from = plan->from;
	planner pl;
	rc = planner_init(&pl, p, &o);
	rd_buf b = RD_BUF_INIT;
	if (!rc) {
		char s[11];
		rd_date_format(date, s);
		rd_buf_printf(&b, "%s (%s): ", s, rd_weekday_name(rd_date_weekday(date)));
		rules_describe_day(calendar_day(&pl.cal, date), &b);
		rd_buf_putc(&b, '\n');
		for (int m = 0; m < RD_MODALITY_COUNT; m++)
			explain_modality(&b, &pl, plan, date, (rd_modality)m);
	}
	planner_dispose(&pl);
	rd_plan_free(plan);
	if (rc || b.oom) {
		rd_buf_dispose(&b);
		return rd_diag_set(diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
	}
	*out = rd_buf_detach(&b);
	return 0;
}

static const char *kind_word(rd_rule_kind k)
{
	static const char *w[] = {"never", "prefer", "advise", "prefer+never"};
	return w[k];
}

int rd_rules_to_text(char **out, const rd_params *r)
{
	rd_buf b = RD_BUF_INIT;
	for (int i = 0; i < RD_RULE_COUNT; i++) {
		const rd_rule_info *ri = rd_rule_get((rd_rule_id)i);
		rd_buf_printf(&b, "%-27s %-13s %s %s\n", ri->code, kind_word(ri->kind), ri->says, ri->source);
	}
	rd_buf_printf(&b, "\nParameters:\n"
		      "  recovery window after a demanding session: %d-%d days (beginners +%d for deep work)\n"
		      "  race lead: a massage %d-%d days before; no deep pressure in the last %d days\n"
		      "  marathon (%.3f km or more): no deep work in the %d days before\n"
		      "  minimum gap between massages: %d days (race-day sports massage exempt)\n"
		      "  frequency per 4 weeks: %d (up to 4 runs/week), %d (5-6), %d (7-8), %d (9+)\n"
		      "  recurring pain: after %d days\n",
		      r->after_min_days, r->after_max_days, r->beginner_extra_days, r->race_lead_min,
		      r->race_lead_max, r->race_no_deep_days, r->marathon_km, r->marathon_blackout_days,
		      r->min_gap_days, r->frequency[0], r->frequency[1], r->frequency[2],
		      r->frequency[3], r->recurring_pain_days);
	rd_buf_puts(&b, "  suggested length:");
	for (int m = 0; m < RD_MODALITY_COUNT; m++)
		rd_buf_printf(&b, " %s %d min%s", rd_modality_get((rd_modality)m)->id, r->minutes[m],
			      m + 1 < RD_MODALITY_COUNT ? "," : "\n");
	rd_buf_puts(&b, "\nModalities:\n");
	for (int m = 0; m < RD_MODALITY_COUNT; m++) {
		const rd_modality_info *mi = rd_modality_get((rd_modality)m);
		rd_buf_printf(&b, "  %-18s %s\n", mi->id, mi->what);
	}
	rd_buf_puts(&b, "\nTechniques:\n");
	for (int t = 0; t < RD_TECHNIQUE_COUNT; t++) {
		const rd_technique_info *ti = rd_technique_get((rd_technique)t);
		rd_buf_printf(&b, "  %-22s %s\n", ti->id, ti->detail);
	}
	rd_buf_puts(&b, "\nFocus areas: hamstrings, quadriceps, calves, glutes, core; joints: ankles, "
		    "knees, hips; plus each condition's site.\n"
		    "Sources: [A] \"Massage for Runners: The What, When and How\"; [B] \"The Best Massage "
		    "for Runners and When to Get Them\" (a licensed massage therapist).\n");
	if (b.oom) {
		rd_buf_dispose(&b);
		*out = NULL;
		return RD_ENOMEM;
	}
	*out = rd_buf_detach(&b);
	return 0;
}
