/*
 * chart.c: the training-load chart of the HTML report, as inline SVG.
 *
 * Geometry (SVG user units, 1 unit = 1 CSS px at full size): a column of
 * DAY_W per day between a left margin for the load axis and a small right
 * margin; above the plot a lane for race flags and up to two massage
 * markers per day (race day: pre- and post-event); below it the date axis.
 * Every number is written as an integer so the output does not depend on
 * the locale's decimal point.
 */
#include "chart.h"
#include "alloc.h"
#include "escape.h"

#include <math.h>
#include <string.h>

enum {
	DAY_W = 14, LEFT = 52, RIGHT = 12, TOP = 64, PLOT_H = 170, BOTTOM = 44,
	FLAG_Y = 18, MARK_Y = 32, MARK_STEP = 16, MARK_R = 7, LABEL_CP = 18
};

static const char *kind_colors[RD_KIND_COUNT] = {
	NULL, "#2f6fb0", "#1e7a46", "#c2410c", "#7e22ce"};
static const char *modality_colors[RD_MODALITY_COUNT] = {
	"#0e7490", "#9f1239", "#8a5a00", "#4338ca", "#be185d"};
static const char *modality_symbols[RD_MODALITY_COUNT] = {
	"Sw", "DT", "AR", "Pr", "Po"};
static const char *months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

const char *chart_kind_color(rd_kind k)
{
	return k < RD_KIND_COUNT ? kind_colors[k] : NULL;
}

const char *chart_modality_color(rd_modality m)
{
	return m < RD_MODALITY_COUNT ? modality_colors[m] : "#000000";
}

const char *chart_modality_symbol(rd_modality m)
{
	return m < RD_MODALITY_COUNT ? modality_symbols[m] : "??";
}

/* ---- Shared helpers --------------------------------------------------- */

void chart_put_date(rd_buf *b, rd_date d, int weekday, int year)
{
	int y, m, day;
	rd_date_to_ymd(d, &y, &m, &day);
	if (weekday)
		rd_buf_printf(b, "%s ", weekdays[rd_date_weekday(d)]);
	rd_buf_printf(b, "%d %s", day, months[m - 1]);
	if (year)
		rd_buf_printf(b, " %d", y);
}

void chart_put_km(rd_buf *b, double km)
{
	long tenths = lround(km * 10.0);
	if (tenths % 10)
		rd_buf_printf(b, "%ld.%ld km", tenths / 10, tenths % 10);
	else
		rd_buf_printf(b, "%ld km", tenths / 10);
}

void chart_put_session(rd_buf *b, const rd_day *day)
{
	const char *title = day->race ? day->race->name
		: day->session ? day->session->title : NULL;
	double km = day->race ? day->race->km : day->session ? day->session->km : 0;
	int minutes = day->session ? day->session->minutes : 0;
	rd_buf_puts(b, rd_kind_name(day->kind));
	if (title && *title) {
		rd_buf_puts(b, " \xC2\xB7 ");
		escape_html_str(b, title);
	}
	if (km > 0) {
		rd_buf_puts(b, " \xC2\xB7 ");
		chart_put_km(b, km);
	}
	if (minutes > 0)
		rd_buf_printf(b, " \xC2\xB7 %d min", minutes);
}

void chart_day_of(const rd_plan *plan, rd_date d, rd_day *out)
{
	rd_profile_day(plan->profile, d, out);
	if (d < plan->from && !out->race && out->session &&
	    out->session->date == RD_DATE_NONE)
		*out = (rd_day){d, RD_REST, NULL, NULL, NULL};
}

/* ---- The load estimate ------------------------------------------------- */

/* The minutes of a planned run: its own, else its distance at a pace
 * typical of its kind, else a typical length (*guessed set); 0 at rest. */
static double day_minutes(const rd_day *day, int *guessed)
{
	static const double pace[RD_KIND_COUNT] = {0, 360, 370, 330, 300}; /* s/km */
	static const int usual[RD_KIND_COUNT] = {0, 40, 90, 60, 60};
	double km = day->race ? day->race->km : day->session ? day->session->km : 0;
	double minutes = day->session ? day->session->minutes : 0;
	*guessed = 0;
	if (day->kind == RD_REST || day->kind >= RD_KIND_COUNT)
		return 0;
	if (minutes <= 0) {
		*guessed = 1;
		minutes = km > 0 ? km * pace[day->kind] / 60.0 : usual[day->kind];
	}
	return minutes;
}

double rd_day_load_estimate(const rd_day *day, int *estimated)
{
	/* Heart-rate reserve typical of a kind. */
	static const double hrr[RD_KIND_COUNT] = {0, 0.60, 0.65, 0.80, 0.85};
	int guessed;
	double minutes = day_minutes(day, &guessed);
	if (estimated)
		*estimated = guessed;
	if (minutes <= 0)
		return 0.0;
	double x = hrr[day->kind];
	return minutes * x * RD_TRIMP_A * exp(RD_TRIMP_B * x);
}

/* ---- Building the days ------------------------------------------------ */

static const rd_load_day *measured_day(const rd_html_options *opt, rd_date d)
{
	for (size_t i = 0; opt && opt->load && i < opt->load_count; i++)
		if (opt->load[i].date == d)
			return &opt->load[i];
	return NULL;
}

/* The first day the chart shows: the earliest day with something on it
 * within the history window, else plan->from. */
static rd_date chart_start(const rd_plan *plan, const rd_html_options *opt)
{
	int days = opt && opt->history_days ? opt->history_days : 28;
	const rd_profile *p = plan->profile;
	rd_date first = plan->from;
	if (days < 0)
		return first;
	rd_date limit = plan->from - days;
	for (size_t i = 0; opt && opt->load && i < opt->load_count; i++)
		if (opt->load[i].date >= limit && opt->load[i].date < first)
			first = opt->load[i].date;
	for (size_t i = 0; i < p->session_count; i++)
		if (p->sessions[i].date != RD_DATE_NONE &&
		    p->sessions[i].date >= limit && p->sessions[i].date < first)
			first = p->sessions[i].date;
	for (size_t i = 0; i < p->massage_count; i++)
		if (p->massages[i].date >= limit && p->massages[i].date < first)
			first = p->massages[i].date;
	return first;
}

static void fill_day(chart *c, chart_day *cd, const rd_plan *plan,
		     const rd_html_options *opt, rd_date d)
{
	const rd_load_day *m = measured_day(opt, d);
	chart_day_of(plan, d, &cd->day);
	if (m && d < plan->from) {
		cd->load = m->load;
		cd->measured = 1;
		c->has_measured = 1;
	} else {
		double rate = opt && cd->day.kind < RD_KIND_COUNT ? opt->per_minute[cd->day.kind] : 0;
		cd->load = rate > 0 ? day_minutes(&cd->day, &cd->estimated) * rate
				    : rd_day_load_estimate(&cd->day, &cd->estimated);
		c->has_own_rate |= rate > 0 && cd->load > 0;
		c->has_estimated |= cd->load > 0;
	}
	if (m) {
		cd->has_lines = 1;
		cd->fitness = m->fitness;
		cd->fatigue = m->fatigue;
		c->has_lines = 1;
	}
}

static double nice_top(double v)
{
	static const double steps[] = {10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (ceil(v / steps[i]) <= 5)
			return fmax(1, ceil(v / steps[i])) * steps[i];
	return ceil(v / 10000) * 10000;
}

/* In the plan, the fitness and fatigue lines go on from the last measured
 * day with the estimated loads (the same averages, load.h), instead of
 * the measured series, which has nothing there and would show the runner
 * stopping. */
static void project_lines(chart *c, const rd_plan *plan)
{
	/* rd_ewma_k()'s weights: the report does not link the analysis layer */
	double k42 = 1 - exp(-1.0 / RD_FITNESS_DAYS), k7 = 1 - exp(-1.0 / RD_FATIGUE_DAYS);
	for (size_t i = 1; i < c->count; i++) {
		chart_day *cd = &c->days[i];
		const chart_day *prev = &c->days[i - 1];
		if (c->start + (rd_date)i < plan->from || !prev->has_lines)
			continue;
		cd->fitness = prev->fitness + k42 * (cd->load - prev->fitness);
		cd->fatigue = prev->fatigue + k7 * (cd->load - prev->fatigue);
		cd->has_lines = 1;
	}
}

int chart_build(chart *c, const rd_plan *plan, const rd_html_options *opt)
{
	*c = (chart)CHART_INIT;
	c->start = chart_start(plan, opt);
	c->count = plan->to >= c->start ? (size_t)(plan->to - c->start) + 1 : 0;
	c->days = rd_calloc(c->count ? c->count : 1, sizeof *c->days);
	if (!c->days) {
		c->count = 0;
		return RD_ENOMEM;
	}
	for (size_t i = 0; i < c->count; i++)
		fill_day(c, &c->days[i], plan, opt, c->start + (rd_date)i);
	project_lines(c, plan);
	double top = 0;
	for (size_t i = 0; i < c->count; i++) {
		const chart_day *cd = &c->days[i];
		top = fmax(top, fmax(cd->load, cd->has_lines ? fmax(cd->fitness, cd->fatigue) : 0));
	}
	c->ymax = nice_top(fmax(top, 50));
	return 0;
}

void chart_dispose(chart *c)
{
	rd_free(c->days);
	*c = (chart)CHART_INIT;
}

/* ---- Drawing ------------------------------------------------------------ */

static long px(double v)
{
	return lround(v);
}

static long day_x(size_t i)
{
	return LEFT + (long)i * DAY_W + DAY_W / 2;
}

static long load_y(const chart *c, double v)
{
	return TOP + PLOT_H - px(v / c->ymax * PLOT_H);
}

static void svg_y_axis(rd_buf *b, const chart *c, long width)
{
	double step = c->ymax / 5 >= 1 ? c->ymax / 5 : 1;
	for (double t = 0; t <= c->ymax + 0.5; t += step) {
		long y = load_y(c, t);
		rd_buf_printf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\"/>"
			      "<text class=\"tick\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">%ld</text>\n",
			      LEFT, y, width - RIGHT, y, LEFT - 6, y + 4, px(t));
	}
	rd_buf_printf(b, "<text class=\"axis-label\" transform=\"translate(14 %d) rotate(-90)\" "
		      "text-anchor=\"middle\">load per day (TRIMP)</text>\n", TOP + PLOT_H / 2);
}

static void svg_x_axis(rd_buf *b, const chart *c, const rd_plan *plan, long width)
{
	long base = TOP + PLOT_H;
	int last_year = 0;
	rd_buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\"/>\n",
		      LEFT, base, width - RIGHT, base);
	for (size_t i = 0; i < c->count; i++) {
		rd_date d = c->start + (rd_date)i;
		int y, m, day;
		rd_date_to_ymd(d, &y, &m, &day);
		/* a label each Monday, and on the first day unless a Monday is near */
		if (rd_date_weekday(d) != 0 && (i != 0 || rd_date_weekday(d) >= 3))
			continue;
		rd_buf_printf(b, "<line class=\"axis\" x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\"/>"
			      "<text class=\"tick\" x=\"%ld\" y=\"%ld\">%d %s</text>",
			      day_x(i), base, day_x(i), base + 5, day_x(i) - 6, base + 17,
			      day, months[m - 1]);
		if (y != last_year)
			rd_buf_printf(b, "<text class=\"tick\" x=\"%ld\" y=\"%ld\">%d</text>",
				      day_x(i) - 6, base + 31, y);
		rd_buf_putc(b, '\n');
		last_year = y;
	}
	if (c->start < plan->from) {
		long x = LEFT + (long)(plan->from - c->start) * DAY_W;
		rd_buf_printf(b, "<line class=\"boundary\" x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\"/>"
			      "<text class=\"tick\" x=\"%ld\" y=\"%d\">plan \xE2\x86\x92</text>\n",
			      x, TOP, x, base, x + 3, TOP + 12);
	}
}

static void svg_bar(rd_buf *b, const chart *c, size_t i)
{
	const chart_day *cd = &c->days[i];
	const char *color = chart_kind_color(cd->day.kind);
	if (cd->load <= 0 || !color)
		return;
	long y = load_y(c, cd->load), h = TOP + PLOT_H - y;
	rd_buf_printf(b, "<rect class=\"bar\" x=\"%ld\" y=\"%ld\" width=\"%d\" height=\"%ld\" fill=\"%s\">"
		      "<title>", day_x(i) - DAY_W / 2 + 2, y, DAY_W - 4, h < 1 ? 1 : h, color);
	chart_put_date(b, cd->day.date, 1, 0);
	rd_buf_puts(b, ": ");
	chart_put_session(b, &cd->day);
	rd_buf_printf(b, "; load %ld%s</title></rect>\n", px(cd->load),
		      cd->measured ? "" : " (estimated)");
}

static void svg_race(rd_buf *b, const chart *c, size_t i)
{
	const rd_race *r = c->days[i].day.race;
	long x = day_x(i);
	int near_end = i + 12 > c->count;
	size_t n = escape_utf8_prefix(r->name, LABEL_CP);
	rd_buf_printf(b, "<g class=\"race\"><title>Race: ");
	escape_html_str(b, r->name);
	rd_buf_printf(b, "</title><line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\"/>"
		      "<path d=\"M%ld %dh9l-3 4 3 4h-9z\"/>"
		      "<text x=\"%ld\" y=\"%d\" text-anchor=\"%s\">",
		      x, FLAG_Y - 12, x, TOP + PLOT_H, x, FLAG_Y - 12,
		      near_end ? x - 3 : x + 11, FLAG_Y - 4, near_end ? "end" : "start");
	escape_html(b, r->name ? r->name : "", n);
	rd_buf_puts(b, r->name && r->name[n] ? "\xE2\x80\xA6" : "");
	rd_buf_puts(b, "</text></g>\n");
}

static void svg_marker(rd_buf *b, long x, int slot, rd_modality m, int planned,
		       const char *what)
{
	const char *color = chart_modality_color(m);
	long y = MARK_Y + slot * MARK_STEP;
	rd_buf_printf(b, "<g class=\"marker\"><title>%s: %s</title>"
		      "<circle cx=\"%ld\" cy=\"%ld\" r=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>"
		      "<text x=\"%ld\" y=\"%ld\" text-anchor=\"middle\" style=\"fill:%s\">%s</text></g>\n",
		      what, rd_modality_get(m)->name, x, y, MARK_R,
		      planned ? color : "#ffffff", color, x, y + 3,
		      planned ? "#ffffff" : color, chart_modality_symbol(m));
}

static void svg_markers(rd_buf *b, const chart *c, const rd_plan *plan, size_t i)
{
	rd_date d = c->start + (rd_date)i;
	int slot = 0;
	const rd_profile *p = plan->profile;
	for (size_t k = 0; k < p->massage_count && slot < 2; k++)
		if (p->massages[k].date == d)
			svg_marker(b, day_x(i), slot++, p->massages[k].modality, 0,
				   d < plan->from ? "Massage had" : "Massage booked");
	for (size_t k = 0; k < plan->count && slot < 2; k++)
		if (plan->appointments[k].date == d)
			svg_marker(b, day_x(i), slot++, plan->appointments[k].modality, 1,
				   "Massage planned");
}

static void svg_line(rd_buf *b, const chart *c, int fatigue)
{
	rd_buf_printf(b, "<polyline class=\"%s\" points=\"", fatigue ? "fatigue" : "fitness");
	for (size_t i = 0; i < c->count; i++) {
		const chart_day *cd = &c->days[i];
		if (cd->has_lines)
			rd_buf_printf(b, "%ld,%ld ", day_x(i),
				      load_y(c, fatigue ? cd->fatigue : cd->fitness));
	}
	rd_buf_puts(b, "\"/>\n");
}

static void svg_desc(rd_buf *b, const chart *c, const rd_plan *plan)
{
	size_t races = 0;
	for (size_t i = 0; i < c->count; i++)
		races += c->days[i].day.race != NULL;
	rd_buf_printf(b, "<desc id=\"chart-desc\">Bars: training load of each day in TRIMP "
		      "units, coloured by session kind%s. %zu race%s marked with a flag. "
		      "%zu planned massage%s as filled circles, massages had or booked as "
		      "hollow circles, in the colour of their kind.%s The table after the "
		      "chart lists the same days.</desc>\n",
		      c->has_measured ? " (measured before the plan, estimated in it)"
				      : " (estimated from the session kind and length)",
		      races, races == 1 ? "" : "s", plan->count, plan->count == 1 ? "" : "s",
		      c->has_lines ? " Lines: fitness (42-day) and fatigue (7-day) load, going on "
				     "with the estimated load in the plan." : "");
}

void chart_svg(rd_buf *b, const chart *c, const rd_plan *plan)
{
	long width = LEFT + (long)c->count * DAY_W + RIGHT, height = TOP + PLOT_H + BOTTOM;
	rd_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %ld %ld\" "
		      "width=\"%ld\" height=\"%ld\" style=\"min-width:%ldpx\" role=\"img\" "
		      "aria-labelledby=\"chart-title chart-desc\">\n"
		      "<title id=\"chart-title\">Training load per day and massages, ",
		      width, height, width, height, width * 3 / 4);
	chart_put_date(b, c->start, 1, 1);
	rd_buf_puts(b, " to ");
	chart_put_date(b, plan->to, 1, 1);
	rd_buf_puts(b, "</title>\n");
	svg_desc(b, c, plan);
	svg_y_axis(b, c, width);
	for (size_t i = 0; i < c->count; i++)
		svg_bar(b, c, i);
	svg_x_axis(b, c, plan, width);
	if (c->has_lines) {
		svg_line(b, c, 0);
		svg_line(b, c, 1);
	}
	for (size_t i = 0; i < c->count; i++) {
		if (c->days[i].day.race)
			svg_race(b, c, i);
		svg_markers(b, c, plan, i);
	}
	rd_buf_puts(b, "</svg>\n");
}

/* ---- Legend and table ------------------------------------------------- */

static void legend_item(rd_buf *b, const char *cls, const char *color, const char *label)
{
	rd_buf_printf(b, "<li><span class=\"%s\" style=\"%s:%s\"></span>%s</li>",
		      cls, strcmp(cls, "ring") == 0 ? "border-color" : "background", color, label);
}

void chart_legend(rd_buf *b, const chart *c)
{
	rd_buf_puts(b, "<ul class=\"legend\">");
	for (int k = RD_EASY; k < RD_KIND_COUNT; k++)
		legend_item(b, "swatch", kind_colors[k], rd_kind_name((rd_kind)k));
	rd_buf_printf(b, "<li><span class=\"flag\" style=\"background:%s\"></span>race day flag</li>",
		      kind_colors[RD_RACE]);
	for (int m = 0; m < RD_MODALITY_COUNT; m++) {
		rd_buf_printf(b, "<li><span class=\"dot\" style=\"background:%s\">%s</span>%s</li>",
			      modality_colors[m], modality_symbols[m], rd_modality_get((rd_modality)m)->name);
	}
	legend_item(b, "ring", "#374151", "hollow: had or booked");
	if (c->has_lines)
		rd_buf_puts(b, "<li><span class=\"line fitness\"></span>fitness</li>"
			    "<li><span class=\"line fatigue\"></span>fatigue</li>");
	rd_buf_puts(b, "</ul>\n<p class=\"note\">Load is in TRIMP units (Banister: minutes "
		    "weighted by heart-rate reserve).");
	if (c->has_measured)
		rd_buf_puts(b, " Days before the plan show the load measured from your runs.");
	if (c->has_estimated)
		rd_buf_puts(b, " Planned days are an <strong>estimate</strong> from the session "
			    "kind and its minutes (or its distance at a typical pace, or a typical "
			    "length): not a measurement.");
	if (c->has_own_rate)
		rd_buf_puts(b, " Where your recent runs of a kind give one, the estimate uses "
			    "your own load per minute for that kind.");
	if (c->has_lines && c->has_estimated)
		rd_buf_puts(b, " In the plan the fitness and fatigue lines follow that estimate.");
	rd_buf_puts(b, "</p>\n");
}

static void table_massages(rd_buf *b, const rd_plan *plan, rd_date d)
{
	const rd_profile *p = plan->profile;
	int n = 0;
	for (size_t k = 0; k < p->massage_count; k++)
		if (p->massages[k].date == d)
			rd_buf_printf(b, "%s%s (%s)", n++ ? "; " : "",
				      rd_modality_get(p->massages[k].modality)->name,
				      d < plan->from ? "had" : "booked");
	for (size_t k = 0; k < plan->count; k++)
		if (plan->appointments[k].date == d)
			rd_buf_printf(b, "%s%s (planned)", n++ ? "; " : "",
				      rd_modality_get(plan->appointments[k].modality)->name);
}

static int day_has_massage(const rd_plan *plan, rd_date d)
{
	for (size_t k = 0; k < plan->profile->massage_count; k++)
		if (plan->profile->massages[k].date == d)
			return 1;
	for (size_t k = 0; k < plan->count; k++)
		if (plan->appointments[k].date == d)
			return 1;
	return 0;
}

static void table_row(rd_buf *b, const chart *c, const rd_plan *plan, size_t i)
{
	const chart_day *cd = &c->days[i];
	rd_buf_puts(b, "<tr><th scope=\"row\">");
	chart_put_date(b, cd->day.date, 1, 1);
	rd_buf_puts(b, "</th><td>");
	chart_put_session(b, &cd->day);
	rd_buf_printf(b, "</td><td>%ld%s</td>", px(cd->load),
		      cd->load > 0 && !cd->measured ? " (est.)" : "");
	if (c->has_lines)
		rd_buf_printf(b, "<td>%ld</td><td>%ld</td>", px(cd->fitness), px(cd->fatigue));
	rd_buf_puts(b, "<td>");
	table_massages(b, plan, cd->day.date);
	rd_buf_puts(b, "</td></tr>\n");
}

void chart_table(rd_buf *b, const chart *c, const rd_plan *plan)
{
	rd_buf_printf(b, "<details class=\"chart-table\"><summary>The chart as a table</summary>\n"
		      "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Day</th>"
		      "<th scope=\"col\">Session</th><th scope=\"col\">Load (TRIMP)</th>%s"
		      "<th scope=\"col\">Massage</th></tr></thead><tbody>\n",
		      c->has_lines ? "<th scope=\"col\">Fitness</th><th scope=\"col\">Fatigue</th>" : "");
	for (size_t i = 0; i < c->count; i++) {
		const chart_day *cd = &c->days[i];
		if (cd->day.kind != RD_REST || cd->load > 0 ||
		    day_has_massage(plan, cd->day.date))
			table_row(b, c, plan, i);
	}
	rd_buf_puts(b, "</tbody></table></div></details>\n");
}
