/*
 * plan_make.c: from a profile to a plan: the days and months of the
 * horizon, the search (plan.c), then each chosen massage written out with
 * its techniques, focus, pressure, rules, reason and warnings, and the
 * plan-level warnings.
 */
#include "rubdown/plan.h"
#include "alloc.h"
#include "buf.h"
#include "plan_internal.h"
#include "rules.h"
#include "schedule.h"

#include <stdio.h>
#include <string.h>

#define LOOK_DAYS 21 /* days the rules look back and ahead of the horizon */

const char *rd_when_name(rd_when w)
{
	static const char *names[] = {"no_run", "before_run", "after_run"};
	return w <= RD_WHEN_AFTER_RUN ? names[w] : "?";
}

/* Runs a week in the 28 days before the horizon and over it (with a
 * recorded history, in the 28 days before it): the training volume behind
 * R-FREQUENCY. */
static double sessions_per_week(const planner *pl)
{
	int runs = 0, days = 0;
	rd_date last = pl->to;
	if (pl->p->known_to != RD_DATE_NONE && pl->p->known_to >= pl->from - 28)
		last = pl->from - 1; /* a recorded history: the last 4 weeks say it */
	for (rd_date d = pl->from - 28; d <= last; d++, days++)
		runs += calendar_day(&pl->cal, d)->kind != RD_REST;
	return runs * 7.0 / days;
}

/* R-FREQUENCY's scale (KNOWLEDGE.md section 6): massages per 4 weeks. */
static int per_four_weeks(const rd_params *r, double spw)
{
	if (spw < 4.5)
		return r->frequency[0];
	if (spw < 6.5)
		return r->frequency[1];
	if (spw < 8.5)
		return r->frequency[2];
	return r->frequency[3];
}

static long had_price(const rd_profile *p, const rd_massage_had *m)
{
	return m->price_cents >= 0 ? m->price_cents : rd_profile_price(p, m->modality);
}

static int init_months(planner *pl)
{
	int first = rd_date_month(pl->from), last = rd_date_month(pl->to);
	pl->month_count = (size_t)(last - first + 1);
	pl->months = rd_calloc(pl->month_count, sizeof *pl->months);
	if (!pl->months)
		return RD_ENOMEM;
	int t4 = per_four_weeks(&pl->p->params, pl->sessions_per_week);
	for (size_t i = 0; i < pl->month_count; i++)
		pl->months[i].month = first + (int)i;
	for (int i = 0; i < pl->days; i++)
		pl->months[rd_date_month(pl->from + i) - first].target++; /* days, for now */
	for (size_t i = 0; i < pl->month_count; i++) {
		pl->months[i].days = pl->months[i].target;
		pl->months[i].target = (t4 * pl->months[i].target + 14) / 28;
		pl->months[i].optional = pl->sessions_per_week < 3;
	}
	return 0;
}

/* Massages had or booked: those of a month in the horizon count for its
 * budget and frequency from the month's first day (a booking later in the
 * month still limits what can be planned before it); each also blocks its
 * own day and the minimum gap around it. */
static void init_history(planner *pl)
{
	const rd_profile *p = pl->p;
	rd_date last = RD_DATE_NONE;
	for (size_t i = 0; i < p->massage_count; i++) {
		const rd_massage_had *m = &p->massages[i];
		if (m->date < pl->from && (last == RD_DATE_NONE || m->date > last))
			last = m->date;
		int mi = rd_date_month(m->date) - rd_date_month(pl->from);
		if (mi >= 0 && (size_t)mi < pl->month_count && m->date <= pl->to) {
			day_options *first = &pl->options[0];
			for (int k = 0; k < pl->days; k++)
				if (pl->options[k].month_index == mi) {
					first = &pl->options[k];
					break;
				}
			first->base_count++;
			first->base_cents += had_price(p, m);
		}
		if (m->date >= pl->from && m->date <= pl->to)
			pl->options[m->date - pl->from].booked++;
		for (int k = 1; m->date >= pl->from && k < p->params.min_gap_days; k++)
			if (m->date - k >= pl->from && m->date - k <= pl->to)
				pl->options[m->date - k - pl->from].booked_soon = 1;
	}
	pl->initial_gap = last == RD_DATE_NONE ? 255 :
			  (pl->from - last > 255 ? 255 : (int)(pl->from - last));
}

static void init_day(planner *pl, int i)
{
	day_options *o = &pl->options[i];
	o->date = pl->from + i;
	o->month_index = rd_date_month(o->date) - rd_date_month(pl->from);
	o->month_start = i == 0 || rd_date_month(o->date) != rd_date_month(o->date - 1);
	for (int m = 0; m < RD_MODALITY_COUNT; m++) {
		verdict v;
		rules_judge(&pl->cal, o->date, (rd_modality)m, &v, NULL);
		o->allowed[m] = v.allowed;
		o->score[m] = v.score;
		o->event[m] = v.event;
		o->exempt[m] = rules_gap_exempt(&pl->cal, o->date, (rd_modality)m);
		o->price[m] = rd_profile_price(pl->p, (rd_modality)m);
	}
}

int planner_init(planner *pl, const rd_profile *p, const rd_plan_options *opt)
{
	memset(pl, 0, sizeof *pl);
	pl->p = p;
	pl->from = opt && opt->from != RD_DATE_NONE ? opt->from : rd_date_today();
	int weeks = opt && opt->weeks > 0 ? opt->weeks : 8;
	pl->days = weeks * 7;
	pl->to = pl->from + pl->days - 1;
	int rc = calendar_build(&pl->cal, p, pl->from - LOOK_DAYS - 28, pl->to + LOOK_DAYS);
	if (rc)
		return rc;
	pl->sessions_per_week = sessions_per_week(pl);
	pl->options = rd_calloc((size_t)pl->days, sizeof *pl->options);
	if (!pl->options || init_months(pl))
		return RD_ENOMEM;
	for (int i = 0; i < pl->days; i++)
		init_day(pl, i);
	init_history(pl);
	return 0;
}

void planner_dispose(planner *pl)
{
	calendar_dispose(&pl->cal);
	rd_free(pl->options);
	rd_free(pl->months);
}

/* ---- the plan ---- */

static void warning_dispose(rd_warning *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rd_free(w[i].message);
	rd_free(w);
}

int rd_plan_month_partial(const rd_plan_month *m)
{
	return m->days < rd_days_in_month(m->month / 12, m->month % 12 + 1);
}

void rd_plan_free(rd_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->count; i++) {
		rd_free(plan->appointments[i].reason);
		warning_dispose(plan->appointments[i].warnings, plan->appointments[i].warning_count);
	}
	rd_free(plan->appointments);
	warning_dispose(plan->warnings, plan->warning_count);
	rd_free(plan->months);
	rd_free(plan);
}

static void add_focus(rd_appointment *a, const char *id)
{
	for (size_t i = 0; i < a->focus_count; i++)
		if (strcmp(a->focus[i], id) == 0)
			return;
	if (a->focus_count < RD_MAX_FOCUS)
		a->focus[a->focus_count++] = id;
}

static void set_focus(const planner *pl, rd_appointment *a)
{
	static const char *legs[] = {"hamstrings", "quadriceps", "calves", "glutes", "core"};
	const rd_profile *p = pl->p;
	int aimed = a->modality == RD_ACTIVE_RELEASE || a->modality == RD_DEEP_TISSUE;
	for (size_t i = 0; aimed && i < p->condition_count; i++) {
		const rd_condition *x = &p->conditions[i];
		int art = x->type <= RD_COND_SCAR_TISSUE;
		if ((art == (a->modality == RD_ACTIVE_RELEASE)) &&
		    (x->since == RD_DATE_NONE || x->since <= a->date) &&
		    (x->until == RD_DATE_NONE || a->date <= x->until))
			add_focus(a, x->focus);
	}
	for (size_t i = 0; i < 5; i++)
		add_focus(a, legs[i]);
	if (a->modality == RD_SPORTS_PRE) {
		add_focus(a, "ankles");
		add_focus(a, "knees");
		add_focus(a, "hips");
	}
	for (size_t i = 0; i < p->condition_count; i++) {
		const rd_condition *x = &p->conditions[i];
		if ((x->since == RD_DATE_NONE || x->since <= a->date) &&
		    (x->until == RD_DATE_NONE || a->date <= x->until))
			add_focus(a, x->focus);
	}
}

static rd_pressure clamp_pressure(rd_pressure want, const rd_modality_info *mi)
{
	if (want < mi->pressure_min)
		return mi->pressure_min;
	return want > mi->pressure_max ? mi->pressure_max : want;
}

/* For a runner who prefers light pressure: would deep tissue have scored
 * higher on this day without that preference? */
static int deep_would_win(const planner *pl, const rd_appointment *a)
{
	verdict deep, chosen;
	rules_judge(&pl->cal, a->date, RD_DEEP_TISSUE, &deep, NULL);
	rules_judge(&pl->cal, a->date, a->modality, &chosen, NULL);
	return deep.allowed && deep.score + pl->p->params.w_light_penalty > chosen.score;
}

static int appointment_warnings(const planner *pl, rd_appointment *a)
{
	const rd_day *next = calendar_day(&pl->cal, a->date + 1);
	rd_buf msg = RD_BUF_INIT;
	int rc = 0;
	if (rd_modality_get(a->modality)->deep && next->kind != RD_REST) {
		rd_buf_puts(&msg, "you run the next day (");
		rules_describe_day(next, &msg);
		rd_buf_puts(&msg, "): if you feel achy, ease up: shorter, slower, or rest");
		rc = plan_add_warning(&a->warnings, &a->warning_count, RD_R_ACHY_EASE_UP, &msg);
	}
	if (!rc && pl->p->pressure == RD_LIGHT && !rd_modality_get(a->modality)->deep &&
	    deep_would_win(pl, a)) {
		rd_buf_puts(&msg, "deep tissue would have been the pick here: it reaches the deeper "
			    "layers and breaks up knots and adhesions, at the price of some soreness "
			    "the next day; you prefer light pressure, so this is lighter work");
		rc = plan_add_warning(&a->warnings, &a->warning_count, RD_R_PREFERENCE, &msg);
		if (!rc && a->rule_count < RD_RULE_COUNT)
			a->rules[a->rule_count++] = RD_R_PREFERENCE;
	}
	return rc;
}

static void capitalize(char *s)
{
	if (s && *s >= 'a' && *s <= 'z')
		*s = (char)(*s - 'a' + 'A');
}

/* When a nearby day would have scored at least as well for the same
 * modality but had no free slot (availability hours, busy times, the run),
 * the reason says the plan moved. */
static void missed_slot(const planner *pl, rd_date d, rd_modality m, int score, rd_buf *reason)
{
	for (int k = -3; k <= 3; k++) {
		verdict v;
		if (k == 0 || d + k < pl->from || d + k > pl->to)
			continue;
		rules_judge(&pl->cal, d + k, m, &v, NULL);
		if (!v.no_slot || v.score < score)
			continue;
		char s[11];
		rd_date_format(d + k, s);
		rd_buf_printf(reason, "; %s %s would have suited as well or better, but had no free slot",
			      rd_weekday_name(rd_date_weekday(d + k)), s);
		return;
	}
}

/* A second massage the same day (race day's post-event after the pre-event)
 * goes after the first, and after the race when its time is unknown
 * (schedule_slot_after); when nothing fits then, its time is left open. */
static void second_slot(const planner *pl, const rd_appointment *first, rd_appointment *a)
{
	schedule_first f = {first->start_min, first->minutes, first->when};
	if (first->date == a->date && first->start_min >= 0 && a->start_min >= 0)
		schedule_slot_after(pl->p, calendar_day(&pl->cal, a->date), a->when,
				    a->minutes, &f, &a->start_min);
}

static int make_appointment(const planner *pl, rd_plan *plan, int day, rd_modality m,
			    int counts_toward)
{
	rd_appointment *a = &plan->appointments[plan->count];
	memset(a, 0, sizeof *a);
	rd_buf reason = RD_BUF_INIT;
	verdict v;
	const rd_modality_info *mi = rd_modality_get(m);
	a->date = pl->from + day;
	rules_judge(&pl->cal, a->date, m, &v, &reason);
	a->when = v.when;
	a->start_min = v.start_min;
	a->modality = m;
	a->minutes = pl->p->params.minutes[m];
	if (plan->count)
		second_slot(pl, &plan->appointments[plan->count - 1], a);
	a->pressure = clamp_pressure(pl->p->pressure, mi);
	memcpy(a->techniques, mi->techniques, mi->technique_count * sizeof *mi->techniques);
	a->technique_count = mi->technique_count;
	a->price_cents = rd_profile_price(pl->p, m);
	memcpy(a->rules, v.rules, v.rule_count * sizeof *v.rules);
	a->rule_count = v.rule_count;
	if (counts_toward) {
		a->rules[a->rule_count++] = RD_R_FREQUENCY;
		if (reason.len)
			rd_buf_puts(&reason, "; ");
		const rd_plan_month *mo = &pl->months[pl->options[day].month_index];
		/* tenths as the writers round them: 5.25 reads 5.3 everywhere */
		long tenths = (long)(pl->sessions_per_week * 10 + 0.5);
		if (mo->target == 1)
			rd_buf_printf(&reason, "this month's massage for your %ld.%ld runs a week",
				      tenths / 10, tenths % 10);
		else
			rd_buf_printf(&reason, "one of this month's %d massages for your %ld.%ld runs a week",
				      mo->target, tenths / 10, tenths % 10);
		if (mo->optional)
			rd_buf_puts(&reason, " (optional at this volume)");
	}
	missed_slot(pl, a->date, m, v.score, &reason);
	set_focus(pl, a);
	if (reason.oom)
		return rd_buf_dispose(&reason), RD_ENOMEM;
	a->reason = rd_buf_detach(&reason);
	capitalize(a->reason);
	plan->count++;
	return appointment_warnings(pl, a);
}

static int assemble(const planner *pl, rd_plan *plan, const unsigned char *choice)
{
	plan->appointments = rd_calloc((size_t)pl->days * 2, sizeof *plan->appointments);
	if (!plan->appointments)
		return RD_ENOMEM;
	int count = 0;
	for (int i = 0; i < pl->days; i++) {
		const day_options *o = &pl->options[i];
		rd_plan_month *mo = &plan->months[o->month_index];
		if (o->month_start) {
			count = o->base_count;
			mo->count += o->base_count;
			mo->spent_cents += o->base_cents;
		}
		if (choice[i] == 0)
			continue;
		rd_modality ms[2] = {(rd_modality)(choice[i] - 1), RD_SPORTS_POST};
		int n = 1;
		if (choice[i] == PLAN_OPT_COMBO) {
			ms[0] = RD_SPORTS_PRE;
			n = 2;
		}
		for (int k = 0; k < n; k++) {
			int rc = make_appointment(pl, plan, i, ms[k], count < mo->target);
			if (rc)
				return rc;
			count++;
			mo->count++;
			mo->spent_cents += o->price[ms[k]];
		}
	}
	return 0;
}

int rd_plan_make(rd_plan **out, const rd_profile *p, const rd_plan_options *opt, rd_diag *diag)
{
	*out = NULL;
	planner pl;
	unsigned char *choice = NULL;
	rd_plan *plan = rd_calloc(1, sizeof *plan);
	int rc = plan ? planner_init(&pl, p, opt) : RD_ENOMEM;
	if (!rc && !(choice = rd_calloc((size_t)pl.days, 1)))
		rc = RD_ENOMEM;
	if (!rc)
		rc = plan_search(&pl, choice);
	if (!rc) {
		plan->profile = p;
		plan->from = pl.from;
		plan->to = pl.to;
		plan->sessions_per_week = pl.sessions_per_week;
		plan->month_count = pl.month_count;
		plan->months = rd_calloc(pl.month_count, sizeof *plan->months);
		rc = plan->months ? 0 : RD_ENOMEM;
	}
	for (size_t i = 0; !rc && i < pl.month_count; i++) {
		plan->months[i] = pl.months[i];
		plan->months[i].count = 0;
		plan->months[i].spent_cents = 0;
	}
	if (!rc)
		rc = assemble(&pl, plan, choice);
	if (!rc)
		rc = plan_warnings(&pl, plan);
	if (plan)
		planner_dispose(&pl);
	rd_free(choice);
	if (rc) {
		rd_plan_free(plan);
		return rd_diag_set(diag, rc, NULL, 0, 0, "out of memory while planning");
	}
	*out = plan;
	return 0;
}
