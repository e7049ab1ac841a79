/*
 * html.c: the plan as one self-contained HTML page (see report.h).
 *
 * Layout, top to bottom: <header> (who, weeks, massages and cost against
 * the budget, plan warnings), the chart (chart.c), the calendar grid (a
 * <table>, a row per week; under 700 px each week becomes a list of days),
 * one <article class="card"> per appointment (id "appt-N", N from 1 in plan
 * order), the safety note and the rules with their sources.  The page loads
 * nothing: the Content-Security-Policy is default-src 'none' with inline
 * style only, the SVG is inline and links only point inside the page.
 * Colours come from chart.c's palette (white text on them passes 4.5:1).
 */
#include "rubdown/report.h"
#include "alloc.h"
#include "money.h"
#include "chart.h"
#include "escape.h"
#include "rubdown/version.h"

#include <string.h>

static const char *const css[] = {
	":root{color-scheme:light}\n",
	"*{box-sizing:border-box}\n",
	"body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
	"color:#1f2937;background:#fff;overflow-wrap:anywhere}\n",
	"main{max-width:1120px;margin:0 auto;padding:16px}\n",
	"h1{font-size:1.7rem;line-height:1.2;margin:.1em 0 .3em}\n",
	"h2{font-size:1.3rem;margin:1.5em 0 .5em;padding-bottom:.2em;border-bottom:2px solid #e5e7eb}\n",
	"h3{font-size:1.1rem;margin:0}\n",
	"h4{font-size:.95rem;margin:.8em 0 .2em}\n",
	".eyebrow{margin:0;color:#4b5563;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em}\n",
	".facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.8em 0}\n",
	".facts dt{font-weight:600}.facts dd{margin:0}\n",
	"table{border-collapse:collapse}caption{text-align:left}\n",
	"th,td{text-align:left}\n",
	".months th,.months td,.chart-table th,.chart-table td{padding:.25em .6em;border-bottom:1px solid #e5e7eb}\n",
	".months{font-size:.92rem}.months th,.months td{white-space:nowrap;overflow-wrap:normal}\n",
	".over{color:#b91c1c;font-weight:600}\n",
	".warnings{border-left:6px solid #b45309;background:#fffbeb;padding:.5em 1em;margin:1em 0}\n",
	".warnings ul{margin:.3em 0;padding-left:1.2em}\n",
	".rule{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;white-space:nowrap;"
	"color:#1f2937;background:#f3f4f6;padding:0 .25em;border-radius:3px}\n",
	".scroll{overflow-x:auto}\n",
	".chart svg{display:block;width:100%;height:auto}\n",
	"svg text{font:11px system-ui,Arial,sans-serif;fill:#374151}\n",
	"svg .grid{stroke:#e5e7eb}svg .axis{stroke:#6b7280}svg .boundary{stroke:#374151;stroke-dasharray:4 3}\n",
	"svg .axis-label{font-size:12px;fill:#1f2937}\n",
	"svg .race line{stroke:#7e22ce;stroke-dasharray:3 2}svg .race path{fill:#7e22ce}\n",
	"svg .race text{fill:#5b189a;font-weight:600}\n",
	"svg .marker text{font-size:8px;font-weight:700}\n",
	"svg .fitness{fill:none;stroke:#111827;stroke-width:2}\n",
	"svg .fatigue{fill:none;stroke:#6b7280;stroke-width:2;stroke-dasharray:5 3}\n",
	".legend{list-style:none;padding:0;margin:.6em 0;display:flex;flex-wrap:wrap;gap:.3em 1.1em;font-size:.9rem}\n",
	".legend li{display:flex;align-items:center;gap:.35em}\n",
	".swatch{display:inline-block;width:14px;height:14px}\n",
	".flag{display:inline-block;width:10px;height:14px;clip-path:polygon(0 0,100% 0,70% 50%,100% 100%,0 100%)}\n",
	".dot{display:inline-block;min-width:22px;height:22px;border-radius:11px;color:#fff;font-size:10px;"
	"font-weight:700;text-align:center;line-height:22px;padding:0 3px}\n",
	".ring{display:inline-block;width:16px;height:16px;border:2px solid;border-radius:50%}\n",
	".line{display:inline-block;width:22px;border-top:2px solid #111827}.line.fatigue{border-top:2px dashed #6b7280}\n",
	".note{font-size:.9rem;color:#374151}\n",
	".calendar table{width:100%;table-layout:fixed}\n",
	".calendar th,.calendar td{border:1px solid #d1d5db;padding:4px 5px;vertical-align:top;font-size:.85rem}\n",
	".calendar thead th{background:#f3f4f6}\n",
	".calendar .week{width:6.5em;background:#f9fafb}\n",
	".calendar td.out{background:#f3f4f6;color:#4b5563}\n",
	".calendar td.today-race{box-shadow:inset 0 0 0 2px #7e22ce}\n",
	".date{display:block;font-weight:600;color:#374151}.wd{display:none}\n",
	".kind{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;font-size:.8rem;font-weight:600}\n",
	".kind.rest{color:#374151;background:#fff;border:1px solid #9ca3af}\n",
	".title{display:block}\n",
	".chip{display:block;margin-top:.3em;padding:.1em .35em;border-left:5px solid;background:#f3f4f6;"
	"color:#111827;text-decoration:none}\n",
	".chip.booked{border-left-style:dotted}\n",
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}\n",
	".card{border:1px solid #d1d5db;border-top:8px solid;border-radius:6px;padding:12px 16px;"
	"break-inside:avoid;page-break-inside:avoid;background:#fff}\n",
	".card h3{display:flex;align-items:center;gap:.4em}\n",
	".card .when{margin:.2em 0 .5em;font-weight:600}\n",
	".card dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.4em 0}\n",
	".card dt{color:#4b5563}.card dd{margin:0}\n",
	".card ol{margin:.2em 0;padding-left:1.4em}\n",
	".card .warn{border-left:4px solid #b45309;background:#fffbeb;padding:.3em .6em;list-style:none}\n",
	".safety{border:2px solid #b91c1c;border-radius:6px;padding:.6em 1em;background:#fef2f2}\n",
	".rules dt{margin-top:.5em}.rules dd{margin-left:1.2em}\n",
	"footer{margin-top:2em;color:#4b5563;font-size:.85rem}\n",
	"@media (max-width:700px){main{padding:10px}\n",
	".calendar thead{display:none}\n",
	".calendar table,.calendar tbody,.calendar tr,.calendar td,.calendar th{display:block;width:auto}\n",
	".calendar tr{margin-bottom:10px}.calendar th.week{border-bottom:0}\n",
	".calendar td{border-top:0;display:flex;flex-wrap:wrap;gap:.2em .5em;align-items:baseline}\n",
	".calendar td.out{display:none}.date{display:inline;min-width:6.5em}.wd{display:inline}\n",
	".calendar th.week{width:auto;background:#f3f4f6}\n",
	".title{display:inline}.chip{flex-basis:100%}\n",
	".cards{grid-template-columns:1fr}}\n",
	"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}\n",
	".scroll{overflow:visible}.chart svg{min-width:0!important}\n",
	"h2{break-after:avoid}.chart,.calendar tr{break-inside:avoid}\n",
	".cards{display:block}.card{margin:0 0 12px;break-inside:avoid;page-break-inside:avoid}\n",
	"a{color:inherit;text-decoration:none}details>summary{display:none}}\n",
	NULL};

static const char *months_long[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"};

/* ---- Small pieces ------------------------------------------------------ */

static void put_money(rd_buf *b, const rd_profile *p, long cents)
{
	if (cents < 0) {
		rd_buf_puts(b, "unknown");
		return;
	}
	rd_buf_money(b, cents, 1);
	rd_buf_putc(b, ' ');
	escape_html_str(b, p->currency);
}

static void put_time(rd_buf *b, int start_min)
{
	if (start_min < 0)
		rd_buf_puts(b, "any time");
	else
		rd_buf_printf(b, "%02d:%02d", start_min / 60 % 24, start_min % 60);
}

static const char *when_words(rd_when w)
{
	switch (w) {
	case RD_WHEN_BEFORE_RUN: return "before the run";
	case RD_WHEN_AFTER_RUN: return "after the run";
	default: return "no run that day";
	}
}

static void put_rule(rd_buf *b, rd_rule_id r)
{
	const rd_rule_info *info = rd_rule_get(r);
	const char *code = info ? info->code : "?";
	rd_buf_printf(b, "<a class=\"rule\" href=\"#rule-%s\">%s</a>", code, code);
}

static void put_warning(rd_buf *b, const rd_warning *w)
{
	rd_buf_puts(b, "<li>");
	put_rule(b, w->rule);
	rd_buf_puts(b, " ");
	escape_html_str(b, w->message);
	rd_buf_puts(b, "</li>\n");
}

/* A focus id as words: "plantar_fascia" -> "plantar fascia". */
static void put_focus(rd_buf *b, const char *id)
{
	const char *us;
	while (id && (us = strchr(id, '_')) != NULL) {
		escape_html(b, id, (size_t)(us - id));
		rd_buf_putc(b, ' ');
		id = us + 1;
	}
	escape_html_str(b, id);
}

static const char *runner_name(const rd_profile *p)
{
	return p->name && *p->name ? p->name : "the runner";
}

static void put_month(rd_buf *b, int month)
{
	rd_buf_printf(b, "%s %d", months_long[month % 12], month / 12);
}

/* ---- Head and header ------------------------------------------------- */

static void put_head(rd_buf *b, const rd_plan *plan)
{
	rd_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'\">\n"
		    "<meta name=\"generator\" content=\"rubdown " RD_VERSION "\">\n<title>Massage plan for ");
	escape_html_str(b, runner_name(plan->profile));
	rd_buf_puts(b, ", ");
	chart_put_date(b, plan->from, 0, 1);
	rd_buf_puts(b, " to ");
	chart_put_date(b, plan->to, 0, 1);
	rd_buf_puts(b, "</title>\n<style>\n");
	for (size_t i = 0; css[i]; i++)
		rd_buf_puts(b, css[i]);
	rd_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}

static void put_budget(rd_buf *b, const rd_profile *p)
{
	if (p->budget_cents >= 0) {
		rd_buf_puts(b, " in all; the budget is ");
		put_money(b, p, p->budget_cents);
		rd_buf_puts(b, " a month");
	}
	if (p->budget_sessions >= 0)
		rd_buf_printf(b, "%s %d massage%s a month",
			      p->budget_cents >= 0 ? " and" : " in all; the budget is",
			      p->budget_sessions, p->budget_sessions == 1 ? "" : "s");
	if (p->budget_cents < 0 && p->budget_sessions < 0)
		rd_buf_puts(b, " (no budget set)");
}

static long plan_cost(const rd_plan *plan)
{
	long sum = 0;
	for (size_t i = 0; i < plan->count; i++)
		sum += plan->appointments[i].price_cents > 0 ? plan->appointments[i].price_cents : 0;
	return sum;
}

static void put_month_row(rd_buf *b, const rd_profile *p, const rd_plan_month *m)
{
	int over = (p->budget_cents >= 0 && m->spent_cents > p->budget_cents) ||
		   (p->budget_sessions >= 0 && m->count > p->budget_sessions);
	rd_buf_puts(b, "<tr><th scope=\"row\">");
	put_month(b, m->month);
	rd_buf_printf(b, "</th><td>%d</td><td>%d", m->count, m->target);
	if (rd_plan_month_partial(m))
		rd_buf_printf(b, " for %d days", m->days);
	rd_buf_printf(b, "%s</td><td%s>", m->optional ? " (optional)" : "",
		      over ? " class=\"over\"" : "");
	put_money(b, p, m->spent_cents);
	rd_buf_puts(b, "</td><td>");
	if (p->budget_cents >= 0)
		put_money(b, p, p->budget_cents);
	else if (p->budget_sessions >= 0)
		rd_buf_printf(b, "%d massage%s", p->budget_sessions, p->budget_sessions == 1 ? "" : "s");
	else
		rd_buf_puts(b, "none");
	rd_buf_puts(b, "</td></tr>\n");
}

static void put_months(rd_buf *b, const rd_plan *plan)
{
	if (!plan->month_count)
		return;
	rd_buf_puts(b, "<div class=\"scroll\"><table class=\"months\"><caption class=\"note\">"
		    "Each month: massages planned plus had or booked</caption><thead><tr>"
		    "<th scope=\"col\">Month</th><th scope=\"col\">Massages</th>"
		    "<th scope=\"col\">Target</th><th scope=\"col\">Cost</th>"
		    "<th scope=\"col\">Budget</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < plan->month_count; i++)
		put_month_row(b, plan->profile, &plan->months[i]);
	rd_buf_puts(b, "</tbody></table></div>\n");
}

static int condition_on(const rd_condition *c, rd_date d)
{
	return d == RD_DATE_NONE || ((c->since == RD_DATE_NONE || c->since <= d) &&
				     (c->until == RD_DATE_NONE || c->until >= d));
}

/* The conditions there on date d (all of them for RD_DATE_NONE). */
static void put_conditions(rd_buf *b, const rd_profile *p, rd_date d)
{
	int n = 0;
	for (size_t i = 0; i < p->condition_count; i++) {
		const rd_condition *c = &p->conditions[i];
		if (!condition_on(c, d))
			continue;
		rd_buf_puts(b, n++ ? "; " : "<dt>Conditions</dt><dd>");
		escape_html_str(b, c->name);
		if (c->site) {
			rd_buf_puts(b, " (");
			escape_html_str(b, c->site);
			rd_buf_puts(b, ")");
		}
		if (c->since != RD_DATE_NONE) {
			rd_buf_puts(b, " since ");
			chart_put_date(b, c->since, 0, 1);
		}
		if (c->until != RD_DATE_NONE) {
			rd_buf_puts(b, " until ");
			chart_put_date(b, c->until, 0, 1);
		}
	}
	if (n)
		rd_buf_puts(b, "</dd>\n");
}

static void put_header(rd_buf *b, const rd_plan *plan)
{
	const rd_profile *p = plan->profile;
	int weeks = (int)((plan->to - plan->from + 7) / 7);
	rd_buf_puts(b, "<header class=\"summary\">\n<p class=\"eyebrow\">rubdown massage plan</p>\n<h1>Massage plan for ");
	escape_html_str(b, runner_name(p));
	rd_buf_printf(b, "</h1>\n<dl class=\"facts\">\n<dt>Weeks</dt><dd>%d week%s, ", weeks, weeks == 1 ? "" : "s");
	chart_put_date(b, plan->from, 1, 1);
	rd_buf_puts(b, " to ");
	chart_put_date(b, plan->to, 1, 1);
	rd_buf_printf(b, "</dd>\n<dt>Runner</dt><dd>%s, prefers %s pressure, about %ld.%ld sessions a week</dd>\n",
		      rd_level_name(p->level), rd_pressure_name(p->pressure),
		      (long)(plan->sessions_per_week * 10 + 0.5) / 10,
		      (long)(plan->sessions_per_week * 10 + 0.5) % 10);
	char week[128];
	rd_profile_usual_week_words(p, week, sizeof week);
	if (week[0]) /* day and kind names only: nothing to escape */
		rd_buf_printf(b, "<dt>Usual week</dt><dd>from the history: %s; other days rest</dd>\n",
			      week);
	put_conditions(b, p, RD_DATE_NONE);
	rd_buf_printf(b, "<dt>Massages</dt><dd>%zu planned</dd>\n<dt>Cost</dt><dd>", plan->count);
	put_money(b, p, plan_cost(plan));
	put_budget(b, p);
	rd_buf_puts(b, "</dd>\n</dl>\n");
	put_months(b, plan);
	if (plan->warning_count) {
		rd_buf_puts(b, "<section class=\"warnings\" aria-labelledby=\"warnings\">\n"
			    "<h2 id=\"warnings\">Warnings</h2>\n<ul>\n");
		for (size_t i = 0; i < plan->warning_count; i++)
			put_warning(b, &plan->warnings[i]);
		rd_buf_puts(b, "</ul>\n</section>\n");
	}
	rd_buf_puts(b, "</header>\n");
}

/* ---- Chart ----------------------------------------------------------- */

static int put_chart(rd_buf *b, const rd_plan *plan, const rd_html_options *opt)
{
	chart c = CHART_INIT;
	if (chart_build(&c, plan, opt))
		return RD_ENOMEM;
	rd_buf_puts(b, "<section class=\"chart\" aria-labelledby=\"chart\">\n"
		    "<h2 id=\"chart\">Training load and massages</h2>\n"
		    "<div class=\"scroll\" tabindex=\"0\" aria-label=\"chart, scrolls sideways\">\n");
	chart_svg(b, &c, plan);
	rd_buf_puts(b, "</div>\n");
	chart_legend(b, &c);
	chart_table(b, &c, plan);
	rd_buf_puts(b, "</section>\n");
	chart_dispose(&c);
	return 0;
}

/* ---- Calendar grid ------------------------------------------------------- */

static void put_chip(rd_buf *b, const rd_plan *plan, size_t k)
{
	const rd_appointment *a = &plan->appointments[k];
	rd_buf_printf(b, "<a class=\"chip\" href=\"#appt-%zu\" style=\"border-left-color:%s\">"
		      "<strong>%s</strong> ", k + 1, chart_modality_color(a->modality),
		      rd_modality_get(a->modality)->name);
	put_time(b, a->start_min);
	rd_buf_printf(b, ", %s</a>", when_words(a->when));
}

static void put_booked(rd_buf *b, const rd_plan *plan, rd_date d)
{
	const rd_profile *p = plan->profile;
	for (size_t k = 0; k < p->massage_count; k++) {
		const rd_massage_had *m = &p->massages[k];
		if (m->date != d)
			continue;
		rd_buf_printf(b, "<span class=\"chip booked\" style=\"border-left-color:%s\">"
			      "<strong>%s</strong> ", chart_modality_color(m->modality),
			      rd_modality_get(m->modality)->name);
		put_time(b, m->start_min);
		rd_buf_puts(b, d < plan->from ? ", had</span>" : ", booked</span>");
	}
}

static void put_day_session(rd_buf *b, const rd_day *day)
{
	const char *title = day->race ? day->race->name : day->session ? day->session->title : NULL;
	double km = day->race ? day->race->km : day->session ? day->session->km : 0;
	const char *color = chart_kind_color(day->kind);
	if (color)
		rd_buf_printf(b, "<span class=\"kind\" style=\"background:%s\">%s</span>",
			      color, rd_kind_name(day->kind));
	else
		rd_buf_printf(b, "<span class=\"kind rest\">%s</span>", rd_kind_name(day->kind));
	if (title && *title) {
		rd_buf_puts(b, " <span class=\"title\">");
		escape_html_str(b, title);
		rd_buf_puts(b, "</span>");
	}
	if (km > 0) {
		rd_buf_puts(b, " <span class=\"km\">");
		chart_put_km(b, km);
		rd_buf_puts(b, "</span>");
	}
	if (day->session && day->session->minutes > 0)
		rd_buf_printf(b, " <span class=\"min\">%d min</span>", day->session->minutes);
	if (day->cross) {
		rd_buf_puts(b, " <span class=\"cross\">+ ");
		escape_html_str(b, day->cross->title ? day->cross->title : "cross-training");
		rd_buf_puts(b, " (cross-training)</span>");
	}
}

static void put_day(rd_buf *b, const rd_plan *plan, rd_date d)
{
	if (d < plan->from || d > plan->to) {
		rd_buf_puts(b, "<td class=\"out\"><span class=\"date\">");
		chart_put_date(b, d, 0, 0);
		rd_buf_puts(b, "</span></td>");
		return;
	}
	rd_day day;
	chart_day_of(plan, d, &day);
	rd_buf_printf(b, "<td class=\"day %s\"><span class=\"date\"><span class=\"wd\">%.3s </span>",
		      rd_kind_name(day.kind), rd_weekday_name(rd_date_weekday(d)));
	chart_put_date(b, d, 0, 0);
	rd_buf_puts(b, "</span>");
	put_day_session(b, &day);
	put_booked(b, plan, d);
	for (size_t k = 0; k < plan->count; k++)
		if (plan->appointments[k].date == d)
			put_chip(b, plan, k);
	rd_buf_puts(b, "</td>");
}

static void put_calendar(rd_buf *b, const rd_plan *plan)
{
	rd_date monday = plan->from - rd_date_weekday(plan->from);
	rd_buf_puts(b, "<section class=\"calendar\" aria-labelledby=\"calendar\">\n"
		    "<h2 id=\"calendar\">Calendar</h2>\n<table>\n<thead><tr><th class=\"week\" scope=\"col\">Week</th>");
	for (int wd = 0; wd < 7; wd++)
		rd_buf_printf(b, "<th scope=\"col\">%s</th>", rd_weekday_name(wd));
	rd_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (rd_date w = monday; w <= plan->to; w += 7) {
		rd_buf_puts(b, "<tr><th class=\"week\" scope=\"row\">Week of ");
		chart_put_date(b, w, 0, 0);
		rd_buf_puts(b, "</th>");
		for (int wd = 0; wd < 7; wd++)
			put_day(b, plan, w + wd);
		rd_buf_puts(b, "</tr>\n");
	}
	rd_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- Appointment cards ------------------------------------------------ */

static void put_technique(rd_buf *b, rd_technique t)
{
	const rd_technique_info *info = rd_technique_get(t);
	if (!info)
		return;
	rd_buf_printf(b, "<li><strong>%s</strong>", info->name);
	if (*info->detail)
		rd_buf_printf(b, ": %s", info->detail);
	if (t == RD_T_PNF) {
		rd_buf_puts(b, "<ol class=\"rounds\">");
		for (int r = 1; r <= 3; r++)
			rd_buf_printf(b, "<li>Round %d: take the muscle group to its full range; the "
				      "runner presses against resistance; stretch further</li>", r);
		rd_buf_puts(b, "</ol>");
	}
	rd_buf_puts(b, "</li>\n");
}

static void put_card_facts(rd_buf *b, const rd_plan *plan, const rd_appointment *a)
{
	const rd_profile *p = plan->profile;
	rd_day day;
	rd_buf_puts(b, "<dl>\n<dt>For</dt><dd>");
	escape_html_str(b, runner_name(p));
	rd_buf_printf(b, " (%s)</dd>\n<dt>Length</dt><dd>%d min</dd>\n<dt>Pressure</dt><dd>%s</dd>\n"
		      "<dt>Focus</dt><dd>", rd_level_name(p->level), a->minutes,
		      rd_pressure_name(a->pressure));
	for (size_t i = 0; i < a->focus_count; i++) {
		rd_buf_puts(b, i ? ", " : "");
		put_focus(b, a->focus[i]);
	}
	if (!a->focus_count)
		rd_buf_puts(b, "full body");
	rd_buf_puts(b, "</dd>\n");
	put_conditions(b, p, a->date);
	rd_buf_puts(b, "<dt>That day</dt><dd>");
	rd_profile_day(p, a->date, &day);
	chart_put_session(b, &day);
	rd_buf_puts(b, "</dd>\n<dt>Price</dt><dd>");
	put_money(b, p, a->price_cents);
	rd_buf_puts(b, "</dd>\n</dl>\n");
}

static void put_card(rd_buf *b, const rd_plan *plan, size_t k)
{
	const rd_appointment *a = &plan->appointments[k];
	const char *color = chart_modality_color(a->modality);
	rd_buf_printf(b, "<article class=\"card\" id=\"appt-%zu\" style=\"border-top-color:%s\">\n"
		      "<h3><span class=\"dot\" style=\"background:%s\">%s</span>%s</h3>\n"
		      "<p class=\"when\"><time datetime=\"", k + 1, color, color,
		      chart_modality_symbol(a->modality), rd_modality_get(a->modality)->name);
	char iso[11];
	rd_date_format(a->date, iso);
	rd_buf_printf(b, "%s\">", iso);
	chart_put_date(b, a->date, 1, 1);
	rd_buf_puts(b, "</time>, ");
	put_time(b, a->start_min);
	rd_buf_printf(b, ", %s</p>\n", when_words(a->when));
	put_card_facts(b, plan, a);
	rd_buf_puts(b, "<h4>Techniques, in this order</h4>\n<ol class=\"techniques\">\n");
	for (size_t i = 0; i < a->technique_count && i < 8; i++)
		put_technique(b, a->techniques[i]);
	rd_buf_puts(b, "</ol>\n<h4>Why</h4>\n<p class=\"reason\">");
	escape_html_str(b, a->reason);
	rd_buf_puts(b, "</p>\n<p class=\"rules-used\">Rules: ");
	for (size_t i = 0; i < a->rule_count && i < RD_RULE_COUNT; i++) {
		rd_buf_puts(b, i ? " " : "");
		put_rule(b, a->rules[i]);
	}
	rd_buf_puts(b, "</p>\n");
	if (a->warning_count) {
		rd_buf_puts(b, "<ul class=\"warn\">\n");
		for (size_t i = 0; i < a->warning_count; i++)
			put_warning(b, &a->warnings[i]);
		rd_buf_puts(b, "</ul>\n");
	}
	rd_buf_puts(b, "</article>\n");
}

static void put_cards(rd_buf *b, const rd_plan *plan)
{
	rd_buf_puts(b, "<section class=\"appointments\" aria-labelledby=\"appointments\">\n"
		    "<h2 id=\"appointments\">Appointments</h2>\n");
	if (!plan->count)
		rd_buf_puts(b, "<p>No massage is planned in these weeks.</p>\n");
	rd_buf_puts(b, "<div class=\"cards\">\n");
	for (size_t k = 0; k < plan->count; k++)
		put_card(b, plan, k);
	rd_buf_puts(b, "</div>\n</section>\n");
}

/* ---- Safety and sources ------------------------------------------------ */

static const char *rule_kind_words(rd_rule_kind k)
{
	switch (k) {
	case RD_NEVER: return "never";
	case RD_PREFER: return "prefer";
	case RD_ADVISE: return "advise";
	default: return "prefer + never";
	}
}

static void put_sources(rd_buf *b)
{
	rd_buf_puts(b, "<section class=\"safety\" aria-labelledby=\"safety\">\n<h2 id=\"safety\">Safety</h2>\n"
		    "<p>This plan is not medical advice. With an acute injury, a fever, swelling, "
		    "numbness or pain you cannot explain, have no deep work and see a doctor or a "
		    "physiotherapist first. Rest when your body asks for it: a massage does not "
		    "replace rest.</p>\n</section>\n"
		    "<section class=\"rules\" aria-labelledby=\"rules\">\n<h2 id=\"rules\">Where the rules come from</h2>\n"
		    "<p>Each appointment names the rules that chose it. They restate two articles in our "
		    "own words: <strong>[A]</strong> &ldquo;Massage for Runners: The What, When and How&rdquo; "
		    "and <strong>[B]</strong> &ldquo;The Best Massage for Runners and When to Get Them&rdquo;, "
		    "by a licensed massage therapist. <code>rubdown rules</code> prints them with "
		    "the numbers this plan used.</p>\n<dl>\n");
	for (int r = 0; r < RD_RULE_COUNT; r++) {
		const rd_rule_info *info = rd_rule_get((rd_rule_id)r);
		rd_buf_printf(b, "<dt id=\"rule-%s\"><span class=\"rule\">%s</span> %s %s</dt><dd>%s</dd>\n",
			      info->code, info->code, rule_kind_words(info->kind), info->source, info->says);
	}
	rd_buf_puts(b, "</dl>\n</section>\n");
}

int rd_plan_to_html(char **out, const rd_plan *plan, const rd_html_options *opt)
{
	rd_buf b = RD_BUF_INIT;
	*out = NULL;
	put_head(&b, plan);
	put_header(&b, plan);
	if (put_chart(&b, plan, opt))
		b.oom = 1;
	put_calendar(&b, plan);
	put_cards(&b, plan);
	put_sources(&b);
	rd_buf_puts(&b, "<footer>Made by rubdown " RD_VERSION
		    ". The same profile gives the same page.</footer>\n</main>\n</body>\n</html>\n");
	if (b.oom) {
		rd_buf_dispose(&b);
		return RD_ENOMEM;
	}
	*out = rd_buf_detach(&b);
	return *out ? 0 : RD_ENOMEM;
}
