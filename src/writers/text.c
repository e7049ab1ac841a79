/*
 * text.c: the plan for the terminal.
 *
 * First a compact calendar, a row per week and a column per day:
 *
 *             Mon      Tue      Wed      Thu      Fri      Sat      Sun
 *   Nov 23   23 .     24 H     25 . AR  26 e     27 .     28 e     29 L
 *
 * each cell the day of the month, the session kind (. rest, e easy, L long,
 * H hard, R race) and the massage (Sw, DT, AR, Pr, Po; a '*' after it: had
 * or booked; a '+': more than one that day), then the key, the
 * appointments with their reasons (techniques with their details in order,
 * focus, pressure, minutes, price, rule ids, warnings), the plan's
 * warnings, the money per month, and the safety note.  With opt->color the
 * symbols and headings get ANSI colours (the caller decides: a terminal and
 * no NO_COLOR); with opt->ascii every byte is ASCII.  The runner's text goes
 * through escape_term, so a title cannot move the cursor or clear the
 * screen.
 */
#include "rubdown/plan.h"
#include "buf.h"
#include "money.h"
#include "writers/escape.h"

#include <string.h>

enum { CELL_W = 9 };

typedef struct text_ctx {
	rd_buf *b;
	const rd_plan *plan;
	int color, ascii;
} text_ctx;

static const char kind_symbols[RD_KIND_COUNT] = {'.', 'e', 'L', 'H', 'R'};
static const char *kind_colors[RD_KIND_COUNT] = {"2", "34", "32", "31", "1;35"};
static const char *modality_symbols[RD_MODALITY_COUNT] = {"Sw", "DT", "AR", "Pr", "Po"};
static const char *modality_colors[RD_MODALITY_COUNT] = {"1;36", "1;31", "1;33", "1;34", "1;35"};
static const char *month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---- Small pieces ------------------------------------------------------ */

static void on(const text_ctx *t, const char *sgr)
{
	if (t->color)
		rd_buf_printf(t->b, "\033[%sm", sgr);
}

static void off(const text_ctx *t)
{
	if (t->color)
		rd_buf_puts(t->b, "\033[0m");
}

static void text(const text_ctx *t, const char *s)
{
	escape_term(t->b, s, t->ascii);
}

static void money(const text_ctx *t, long cents)
{
	if (cents < 0) {
		rd_buf_puts(t->b, "price unknown");
		return;
	}
	rd_buf_money(t->b, cents, 0);
	rd_buf_putc(t->b, ' ');
	text(t, t->plan->profile->currency);
}

static void date_long(rd_buf *b, rd_date d)
{
	char s[11];
	rd_date_format(d, s);
	rd_buf_printf(b, "%.3s %s", rd_weekday_name(rd_date_weekday(d)), s);
}

static const char *when_words(rd_when w)
{
	switch (w) {
	case RD_WHEN_BEFORE_RUN: return "before the run";
	case RD_WHEN_AFTER_RUN: return "after the run";
	default: return "no run that day";
	}
}

static const char *rule_code(rd_rule_id r)
{
	const rd_rule_info *info = rd_rule_get(r);
	return info ? info->code : "?";
}

static void heading(const text_ctx *t, const char *s)
{
	on(t, "1");
	rd_buf_puts(t->b, s);
	off(t);
	rd_buf_putc(t->b, '\n');
}

/* ---- Calendar ----------------------------------------------------------- */

/* The massages of a day: the first one's modality, how many, and whether
 * the first is had or booked rather than planned. */
static int day_massages(const rd_plan *plan, rd_date d, rd_modality *first, int *booked)
{
	int n = 0;
	const rd_profile *p = plan->profile;
	for (size_t k = 0; k < p->massage_count; k++) {
		if (p->massages[k].date == d && n++ == 0) {
			*first = p->massages[k].modality;
			*booked = 1;
		}
	}
	for (size_t k = 0; k < plan->count; k++) {
		if (plan->appointments[k].date == d && n++ == 0) {
			*first = plan->appointments[k].modality;
			*booked = 0;
		}
	}
	return n;
}

static void cell(const text_ctx *t, rd_date d)
{
	int y, m, day, booked = 0;
	rd_modality first = RD_SWEDISH;
	rd_day info;
	if (d < t->plan->from || d > t->plan->to) {
		rd_buf_printf(t->b, "%*s", CELL_W, "");
		return;
	}
	rd_date_to_ymd(d, &y, &m, &day);
	rd_profile_day(t->plan->profile, d, &info);
	rd_buf_printf(t->b, "%2d ", day);
	on(t, kind_colors[info.kind]);
	if (info.kind == RD_REST && !t->ascii)
		rd_buf_puts(t->b, "\xC2\xB7"); /* middle dot */
	else
		rd_buf_putc(t->b, kind_symbols[info.kind]);
	off(t);
	int n = day_massages(t->plan, d, &first, &booked);
	if (!n) {
		rd_buf_printf(t->b, "%*s", CELL_W - 4, "");
		return;
	}
	rd_buf_putc(t->b, ' ');
	on(t, modality_colors[first]);
	rd_buf_puts(t->b, modality_symbols[first]);
	off(t);
	rd_buf_printf(t->b, "%c%*s", n > 1 ? '+' : booked ? '*' : ' ', CELL_W - 8, "");
}

/* Ends a calendar line without trailing blanks. */
static void end_line(const text_ctx *t)
{
	while (t->b->len && t->b->data[t->b->len - 1] == ' ')
		t->b->data[--t->b->len] = 0;
	rd_buf_putc(t->b, '\n');
}

static void rule_line(const text_ctx *t)
{
	rd_buf_puts(t->b, "        ");
	for (int i = 0; i < 7 * CELL_W; i++)
		rd_buf_puts(t->b, t->ascii ? "-" : "\xE2\x94\x80");
	rd_buf_putc(t->b, '\n');
}

static void calendar(const text_ctx *t)
{
	const rd_plan *plan = t->plan;
	rd_date monday = plan->from - rd_date_weekday(plan->from);
	rd_buf_puts(t->b, "        ");
	for (int wd = 0; wd < 7; wd++)
		rd_buf_printf(t->b, "%-*.3s", CELL_W, rd_weekday_name(wd));
	end_line(t);
	rule_line(t);
	for (rd_date w = monday; w <= plan->to; w += 7) {
		int y, m, day;
		rd_date_to_ymd(w, &y, &m, &day);
		rd_buf_printf(t->b, "%s %2d  ", month_names[m - 1], day);
		for (int wd = 0; wd < 7; wd++)
			cell(t, w + wd);
		end_line(t);
	}
	rule_line(t);
	rd_buf_printf(t->b, "Key: %s rest  e easy  L long  H hard  R race\n"
		      "     Sw Swedish  DT deep tissue  AR active release  Pr pre-event  Po post-event\n"
		      "     * had or booked  + two massages that day\n\n",
		      t->ascii ? "." : "\xC2\xB7");
}

/* ---- Appointments ------------------------------------------------------ */

static void techniques(const text_ctx *t, const rd_appointment *a)
{
	rd_buf_puts(t->b, "    techniques, in this order:\n");
	for (size_t i = 0; i < a->technique_count && i < 8; i++) {
		const rd_technique_info *ti = rd_technique_get(a->techniques[i]);
		if (!ti)
			continue;
		rd_buf_printf(t->b, "      %zu. %s", i + 1, ti->name);
		if (*ti->detail)
			rd_buf_printf(t->b, ": %s", ti->detail);
		rd_buf_putc(t->b, '\n');
	}
}

static void warning_line(const text_ctx *t, const char *indent, const rd_warning *w)
{
	rd_buf_puts(t->b, indent);
	on(t, "1;33");
	rd_buf_printf(t->b, "! %s:", rule_code(w->rule));
	off(t);
	rd_buf_putc(t->b, ' ');
	text(t, w->message);
	rd_buf_putc(t->b, '\n');
}

static void appointment(const text_ctx *t, const rd_appointment *a)
{
	const rd_modality_info *mi = rd_modality_get(a->modality);
	date_long(t->b, a->date);
	if (a->start_min >= 0)
		rd_buf_printf(t->b, " %02d:%02d", a->start_min / 60 % 24, a->start_min % 60);
	else
		rd_buf_puts(t->b, " any time");
	rd_buf_puts(t->b, "  ");
	on(t, modality_colors[a->modality < RD_MODALITY_COUNT ? a->modality : 0]);
	rd_buf_puts(t->b, mi ? mi->name : "?");
	off(t);
	rd_buf_printf(t->b, ", %d min, %s pressure, %s, ", a->minutes,
		      rd_pressure_name(a->pressure), when_words(a->when));
	money(t, a->price_cents);
	rd_buf_puts(t->b, "\n    why: ");
	text(t, a->reason);
	rd_buf_puts(t->b, "\n    focus:");
	for (size_t i = 0; i < a->focus_count && i < RD_MAX_FOCUS; i++) {
		rd_buf_puts(t->b, i ? ", " : " ");
		text(t, a->focus[i]);
	}
	rd_buf_putc(t->b, '\n');
	techniques(t, a);
	rd_buf_puts(t->b, "    rules:");
	for (size_t i = 0; i < a->rule_count && i < RD_RULE_COUNT; i++)
		rd_buf_printf(t->b, " %s", rule_code(a->rules[i]));
	rd_buf_putc(t->b, '\n');
	for (size_t i = 0; i < a->warning_count; i++)
		warning_line(t, "    ", &a->warnings[i]);
}

/* ---- Header, months, whole ---------------------------------------------- */

static void header(const text_ctx *t)
{
	const rd_plan *plan = t->plan;
	char from[11], to[11];
	rd_date_format(plan->from, from);
	rd_date_format(plan->to, to);
	on(t, "1");
	rd_buf_puts(t->b, "Massage plan");
	if (plan->profile->name) {
		rd_buf_puts(t->b, " for ");
		text(t, plan->profile->name);
	}
	rd_buf_printf(t->b, ", %s to %s", from, to);
	off(t);
	long tenths = (long)(plan->sessions_per_week * 10 + 0.5);
	rd_buf_printf(t->b, "\n%zu massage%s; training about %ld.%ld runs a week\n", plan->count,
		      plan->count == 1 ? "" : "s", tenths / 10, tenths % 10);
	char week[128];
	rd_profile_usual_week_words(plan->profile, week, sizeof week);
	if (week[0])
		rd_buf_printf(t->b, "your usual week, from the history: %s; other days rest\n", week);
	rd_buf_putc(t->b, '\n');
}

static void months(const text_ctx *t)
{
	const rd_profile *p = t->plan->profile;
	heading(t, "Per month (planned plus had or booked):");
	for (size_t i = 0; i < t->plan->month_count; i++) {
		const rd_plan_month *m = &t->plan->months[i];
		rd_buf_printf(t->b, "  %04d-%02d  %d massage%s (target %d", m->month / 12,
			      m->month % 12 + 1, m->count, m->count == 1 ? "" : "s", m->target);
		if (rd_plan_month_partial(m))
			rd_buf_printf(t->b, " for the %d days planned", m->days);
		rd_buf_printf(t->b, "%s), ", m->optional ? ", optional" : "");
		money(t, m->spent_cents);
		if (p->budget_cents >= 0) {
			rd_buf_puts(t->b, " of ");
			money(t, p->budget_cents);
		}
		if (p->budget_sessions >= 0)
			rd_buf_printf(t->b, " (budget %d massage%s)", p->budget_sessions,
				      p->budget_sessions == 1 ? "" : "s");
		rd_buf_putc(t->b, '\n');
	}
}

int rd_plan_to_text(char **out, const rd_plan *plan, const rd_text_options *opt)
{
	rd_buf b = RD_BUF_INIT;
	text_ctx t = {&b, plan, opt && opt->color, opt && opt->ascii};
	*out = NULL;
	header(&t);
	calendar(&t);
	if (plan->count)
		heading(&t, "Appointments:");
	for (size_t i = 0; i < plan->count; i++) {
		appointment(&t, &plan->appointments[i]);
		rd_buf_putc(&b, '\n');
	}
	if (plan->warning_count)
		heading(&t, "Warnings:");
	for (size_t i = 0; i < plan->warning_count; i++)
		warning_line(&t, "  ", &plan->warnings[i]);
	rd_buf_puts(&b, plan->warning_count ? "\n" : "");
	months(&t);
	rd_buf_puts(&b, "\nNot medical advice. With an acute injury, fever, swelling, numbness or "
		    "unexplained pain, skip deep work and see a professional.\nThe rules and their "
		    "sources: rubdown rules\n");
	if (b.oom) {
		rd_buf_dispose(&b);
		return RD_ENOMEM;
	}
	*out = rd_buf_detach(&b);
	return *out ? 0 : RD_ENOMEM;
}
