/*
 * chart.h: the inline SVG chart of the HTML report (html.c).
 *
 * One column per day from the first history day shown to plan->to: a bar of
 * the day's training load coloured by session kind, a flag on each race, a
 * marker per massage (planned: filled; had or booked: hollow) in the colour
 * of its modality, and the fitness and fatigue lines when the runner's
 * history gives them.  The palette lives here so the tests can check its
 * contrast against the white page.
 */
#ifndef RD_CHART_H
#define RD_CHART_H

#include "buf.h"
#include "rubdown/report.h"

typedef struct chart_day {
	rd_day day;          /* kind RD_REST, no session, for an unknown history day */
	double load;
	int measured;        /* load from the runner's history (opt->load) */
	int estimated;       /* minutes guessed for the estimate */
	int has_lines;       /* fitness and fatigue known */
	double fitness, fatigue;
} chart_day;

typedef struct chart {
	chart_day *days;
	size_t count;
	rd_date start;       /* days[i] is start + i; the last is plan->to */
	int has_lines, has_measured, has_estimated;
	int has_own_rate;    /* a planned day estimated at the runner's own rate */
	double ymax;         /* top of the load axis */
} chart;

#define CHART_INIT {NULL, 0, 0, 0, 0, 0, 0, 0.0}

/* Fills c for the plan; returns 0 or RD_ENOMEM (c then holds nothing). */
int chart_build(chart *c, const rd_plan *plan, const rd_html_options *opt);
void chart_dispose(chart *c);

/* The <svg> element, its legend (HTML) and a table with the same facts. */
void chart_svg(rd_buf *b, const chart *c, const rd_plan *plan);
void chart_legend(rd_buf *b, const chart *c);
void chart_table(rd_buf *b, const chart *c, const rd_plan *plan);

/* "#rrggbb"; NULL for a rest day (no bar). */
const char *chart_kind_color(rd_kind k);
const char *chart_modality_color(rd_modality m);
/* Two letters for a marker or a calendar cell: "Sw", "DT", "AR", "Pr", "Po". */
const char *chart_modality_symbol(rd_modality m);

/* Shared by the report's parts.  Dates: "Mon 23 Nov 2026" (weekday and
 * year when asked).  A session: "hard · Intervals · 10.5 km · 50 min", the
 * runner's words escaped.  Distances to 0.1 km, without locale. */
void chart_put_date(rd_buf *b, rd_date d, int weekday, int year);
void chart_put_km(rd_buf *b, double km);
void chart_put_session(rd_buf *b, const rd_day *day);
/* The day of a chart or calendar: a history day (before plan->from) only
 * shows what is dated, never the usual week. */
void chart_day_of(const rd_plan *plan, rd_date d, rd_day *out);

#endif
