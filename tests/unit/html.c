/* The HTML report: structure, escaping of hostile text, UTF-8 repair,
 * self-containment, determinism, allocation failure, palette contrast. */
#include <math.h>
#include <stdio.h>

#include "plan_fixture.h"
#include "rubdown/report.h"
#include "writers/chart.h"
#include "writers/escape.h"

/* ---- The plan (plan_fixture.h) --------------------------------------- */

/* Hostile text in the runner's name, the easy run's title, the race's name
 * and the reason; a hard run 5 days before the plan, the Swedish massage 3
 * days before it. */
static const fixture_spec spec = {
	.name = "Sam <b>\xff\x1b[31m",
	.history = "Hills",
	.session = "<script>alert(1)</script>",
	.race = "\" onmouseover=x \"",
	.massage_had = -3,
	.reason = "the day after the hard session <b>&</b>",
	.focus = {"hamstrings", "calves", "plantar_fascia"}, .focus_count = 3,
	.pre = {RD_T_GLIDING, RD_T_PNF, RD_T_JOINT_ROM, RD_T_TAPOTEMENT, RD_T_MOTION_PALPATION},
	.pre_count = 5,
	.post = {RD_T_MYOFASCIAL}, .post_count = 1,
	.race_day_cents = 4000,
	.warning = "budget < frequency",
	.spent_cents = {9000, 8000},
};

static int setup(void **state)
{
	return fixture_setup(state, &spec);
}

static int write_html(char **out, const rd_plan *plan, const void *opt)
{
	return rd_plan_to_html(out, plan, opt);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

/* Fails naming the first of want[0..n) that s, the part named, lacks. */
static void must_have(const char *s, const char *part, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strstr(s, want[i]))
			fail_msg("%s lacks %s", part, want[i]);
}

#define MUST_HAVE(s, part, want) must_have(s, part, want, sizeof(want) / sizeof(want)[0])

/* Ends s (in place) where close first follows; returns that place. */
static char *cut_at(char *s, const char *close)
{
	assert_non_null(s);
	char *end = strstr(s, close);
	assert_non_null(end);
	*end = 0;
	return end;
}

static char *render(const fixture *f, const rd_html_options *opt)
{
	char *html = NULL;
	assert_int_equal(rd_plan_to_html(&html, &f->plan, opt), 0);
	assert_non_null(html);
	return html;
}

/* An independent UTF-8 check (RFC 3629 section 4 syntax). */
static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s >> 5) == 6 ? 2 : (*s >> 4) == 14 ? 3 : (*s >> 3) == 30 ? 4 : 0;
		if (!n || (n == 2 && *s < 0xC2) || (n == 4 && *s > 0xF4))
			return 0;
		unsigned long cp = n == 1 ? *s : (unsigned long)(*s & (0x7F >> n));
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		s += n;
	}
	return 1;
}

/* ---- Structure ------------------------------------------------------- */

static void has_every_part(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	assert_int_equal(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(html, "name=\"viewport\""));
	assert_non_null(strstr(html, "@media print"));
	assert_non_null(strstr(html, "@media (max-width:700px)"));
	/* order: header, chart, calendar, cards, safety, rules */
	const char *parts[] = {"<header class=\"summary\">", "<svg ", "<section class=\"calendar\"",
			       "<section class=\"appointments\"", "<section class=\"safety\"",
			       "<section class=\"rules\"", "</html>\n"};
	const char *at = html;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *next = strstr(at, parts[i]);
		assert_non_null(next);
		at = next;
	}
	assert_string_equal(at, "</html>\n");
	assert_int_equal(count(html, "<article class=\"card\""), 3);
	const char *want[] = {"id=\"appt-1\"", "id=\"appt-3\"", "not medical advice",
			      "id=\"rule-R-AFTER-HARD\""};
	MUST_HAVE(html, "the report", want);
	assert_int_equal(count(html, "href=\"#appt-"), 3);  /* one chip per appointment */
	assert_int_equal(count(html, "<th class=\"week\" scope=\"row\">"), 2);
	assert_int_equal(count(html, "<td class=\"day "), 14);
	assert_int_equal(count(html, "<dt id=\"rule-"), RD_RULE_COUNT);
	rd_free(html);
}

static void card_has_therapist_sheet(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	char *card = strstr(html, "id=\"appt-1\"");
	char *end = cut_at(card, "</article>");
	const char *want[] = {"Deep tissue massage", "datetime=\"2026-11-25\"", "18:30",
			      "after the run", "60 min", "firm", "hamstrings, calves, plantar fascia",
			      "90.00 EUR", "gliding strokes", "targeted pressure",
			      "the day after the hard session &lt;b&gt;&amp;&lt;/b&gt;",
			      "#rule-R-AFTER-HARD", "#rule-R-FOCUS", "R-ACHY-EASE-UP", "ease up if achy"};
	MUST_HAVE(card, "card 1", want);
	assert_true(strstr(card, "gliding strokes") < strstr(card, "targeted pressure"));
	*end = '<';
	card = strstr(html, "id=\"appt-2\"");
	end = cut_at(card, "</article>");
	assert_int_equal(count(card, "<li>Round "), 3);            /* PNF's three rounds */
	const char *want2[] = {"any time", "before the run"};
	MUST_HAVE(card, "card 2", want2);
	*end = '<';
	rd_free(html);
}

static void header_has_money_and_warnings(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	cut_at(html, "</header>");
	const char *want[] = {"3 planned", "170.00 EUR in all; the budget is 150.00 EUR a month",
			      "2 weeks", "November 2026", "December 2026", "#rule-R-BUDGET",
			      "budget &lt; frequency"};
	MUST_HAVE(html, "the header", want);
	rd_free(html);
}

/* The month table: a month the plan covers in part has its target for the
 * days planned. */
static void months_say_partial_targets(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	const char *want[] = {"<th scope=\"row\">November 2026</th><td>2</td><td>1 for 8 days</td>",
			      "<th scope=\"row\">December 2026</th><td>2</td><td>1 for 6 days</td>"};
	MUST_HAVE(html, "the month table", want);
	rd_free(html);
}

/* ---- Chart ---------------------------------------------------------- */

static void chart_shows_days_races_and_massages(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	/* history from the dated session 5 days before: 5 + 14 days; bars on the
	 * dated hard day, then per week: Tue hard, Wed easy, Thu easy, Sat long
	 * (week 1), Tue hard, Thu easy, Sat long, Sun race (week 2). */
	assert_int_equal(count(html, "<rect class=\"bar\""), 1 + 4 + 4);
	assert_int_equal(count(html, "<g class=\"race\">"), 1);
	assert_int_equal(count(html, "<g class=\"marker\">"), 3 + 1);
	assert_int_equal(count(html, "Massage planned: "), 3);
	assert_int_equal(count(html, "Massage had: Swedish massage"), 1);
	const char *want[] = {"load per day (TRIMP)", "plan \xE2\x86\x92", "<desc id=\"chart-desc\">",
			      "<summary>The chart as a table</summary>", "<strong>estimate</strong>"};
	MUST_HAVE(html, "the chart", want);
	assert_null(strstr(html, "class=\"fitness\""));
	rd_free(html);
}

static void chart_uses_measured_load(void **state)
{
	fixture *f = *state;
	rd_load_day days[3];
	for (int i = 0; i < 3; i++)
		days[i] = (rd_load_day){f->plan.from - 5 + i, 10.0 * (i + 1), 30, 20, 10};
	rd_html_options opt = {days, 3, 0, {0}};
	char *html = render(f, &opt);
	const char *want[] = {"class=\"fitness\"", "class=\"fatigue\"", "measured from your runs",
			      "; load 10</title>"};  /* measured, not estimated */
	MUST_HAVE(html, "the chart", want);
	rd_free(html);
	opt = (rd_html_options){NULL, 0, -1, {0}};
	html = render(f, &opt);
	assert_null(strstr(html, "plan \xE2\x86\x92"));  /* no history shown */
	assert_int_equal(count(html, "<rect class=\"bar\""), 8);
	rd_free(html);
}

/* In the plan the fitness and fatigue lines go on with the estimated load,
 * from the last measured day (they stopped there, or fell as if the runner
 * had stopped). */
static void chart_lines_go_on_in_the_plan(void **state)
{
	fixture *f = *state;
	rd_load_day days[3];
	for (int i = 0; i < 3; i++)
		days[i] = (rd_load_day){f->plan.from - 3 + i, 40, 30, 20, 10};
	rd_html_options opt = {days, 3, 0, {0}};
	chart c;
	assert_int_equal(chart_build(&c, &f->plan, &opt), 0);
	double k42 = 1 - exp(-1.0 / 42), k7 = 1 - exp(-1.0 / 7);
	size_t first = (size_t)(f->plan.from - c.start);
	double load = 0;
	for (size_t i = first; i < c.count; i++) {
		const chart_day *d = &c.days[i], *prev = &c.days[i - 1];
		assert_true(d->has_lines);
		assert_true(fabs(d->fitness - (prev->fitness + k42 * (d->load - prev->fitness))) < 1e-9);
		assert_true(fabs(d->fatigue - (prev->fatigue + k7 * (d->load - prev->fatigue))) < 1e-9);
		load += d->load;
	}
	assert_true(load > 0);
	chart_dispose(&c);
	char *html = render(f, &opt);
	assert_non_null(strstr(html, "the fitness and fatigue lines follow that estimate"));
	rd_free(html);
}

/* With the runner's own load per minute for a kind, a planned day of that
 * kind is its minutes at that rate; the other kinds keep the typical
 * estimate. */
static void chart_uses_own_rates(void **state)
{
	fixture *f = *state;
	rd_html_options opt = {NULL, 0, 0, {0}};
	opt.per_minute[RD_EASY] = 2.5;
	chart c;
	assert_int_equal(chart_build(&c, &f->plan, &opt), 0);
	int easy = 0, other = 0;
	for (size_t i = 0; i < c.count; i++) {
		const chart_day *d = &c.days[i];
		if (d->day.kind == RD_REST || c.start + (rd_date)i < f->plan.from)
			continue;
		if (d->day.kind == RD_EASY && d->day.session && d->day.session->minutes > 0) {
			assert_true(fabs(d->load - 2.5 * d->day.session->minutes) < 1e-9);
			easy++;
		} else if (d->day.kind != RD_EASY) {
			assert_true(fabs(d->load - rd_day_load_estimate(&d->day, NULL)) < 1e-9);
			other++;
		}
	}
	assert_true(easy > 0 && other > 0);
	assert_true(c.has_own_rate);
	chart_dispose(&c);
	char *html = render(f, &opt);
	assert_non_null(strstr(html, "your own load per minute for that kind"));
	rd_free(html);
}

static void load_estimate_follows_kind_and_length(void **state)
{
	(void)state;
	rd_session easy = {0, RD_EASY, 0, 60, -1, NULL, NULL, 0};
	rd_session hard = {0, RD_HARD, 0, 60, -1, NULL, NULL, 0};
	rd_session km = {0, RD_EASY, 10, 0, -1, NULL, NULL, 0};
	rd_day d = {0, RD_EASY, &easy, NULL, NULL};
	int est = -1;
	double e = rd_day_load_estimate(&d, &est);
	assert_int_equal(est, 0);
	/* Banister: 60 min x 0.6 x 0.64 e^(1.92 x 0.6) */
	assert_true(fabs(e - 60 * 0.6 * 0.64 * exp(1.92 * 0.6)) < 1e-9);
	d.session = &hard;
	d.kind = RD_HARD;
	assert_true(rd_day_load_estimate(&d, NULL) > 1.5 * e);
	d.session = &km;
	d.kind = RD_EASY;
	assert_true(fabs(rd_day_load_estimate(&d, &est) - e) < 1e-9); /* 10 km at 6:00 */
	assert_int_equal(est, 1);
	d.kind = RD_REST;
	d.session = NULL;
	assert_true(rd_day_load_estimate(&d, &est) == 0.0);
}

/* ---- Safety of the output -------------------------------------------- */

static void hostile_text_is_escaped(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "\" onmouseover"));
	assert_null(strstr(html, "\x1b"));
	assert_true(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 2); /* calendar, chart */
	assert_true(count(html, "&quot; onmouseover=x &quot;") >= 2);
	assert_non_null(strstr(html, "Sam &lt;b&gt;\xEF\xBF\xBD\xEF\xBF\xBD[31m"));
	assert_true(valid_utf8((const unsigned char *)html));
	rd_free(html);
}

static void loads_nothing(void **state)
{
	fixture *f = *state;
	char *html = render(f, NULL);
	assert_non_null(strstr(html, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
	const char *never[] = {"<script", "<link", "<img", "<iframe", "<object", "url(",
			       "@import", "src=", "https:", "//fonts"};
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		if (strstr(html, never[i]))
			fail_msg("the report contains %s", never[i]);
	/* the only http: is the SVG namespace, which is a name, not a request */
	assert_int_equal(count(html, "http:"), 1);
	assert_int_equal(count(html, "xmlns=\"http://www.w3.org/2000/svg\""), 1);
	for (const char *h = strstr(html, "href=\""); h; h = strstr(h + 1, "href=\""))
		assert_int_equal(h[6], '#');
	rd_free(html);
}

static void same_plan_same_bytes(void **state)
{
	writes_same_bytes(*state, write_html, NULL);
}

static void allocation_failure_leaks_nothing(void **state)
{
	fails_cleanly_at_each_allocation(*state, write_html);
}

/* ---- The example runner: examples/sam.yaml through the planner ------- */

static void example_runner_report(void **state)
{
	(void)state;
	rd_profile *p = NULL;
	rd_plan *plan = NULL;
	rd_diag diag = RD_DIAG_INIT;
	char *html = NULL;
	rd_plan_options opt = {rd_date_from_ymd(2026, 11, 23), 8};
	if (rd_profile_load(&p, RD_SOURCE_DIR "/examples/sam.yaml", &diag))
		fail_msg("sam.yaml: %s", diag.message);
	assert_int_equal(rd_plan_make(&plan, p, &opt, &diag), 0);
	assert_true(plan->count > 0);
	assert_int_equal(rd_plan_to_html(&html, plan, NULL), 0);
	assert_int_equal(count(html, "<article class=\"card\""), plan->count);
	for (size_t i = 0; i < plan->count; i++) {
		char want[64], iso[11];
		rd_date_format(plan->appointments[i].date, iso);
		snprintf(want, sizeof want, "id=\"appt-%zu\"", i + 1);
		assert_non_null(strstr(html, want));
		snprintf(want, sizeof want, "<time datetime=\"%s\">", iso);
		assert_non_null(strstr(html, want));
	}
	assert_int_equal(count(html, "<th class=\"week\" scope=\"row\">"), 8);
	assert_int_equal(count(html, "<td class=\"day "), 56);
	assert_int_equal(count(html, "Massage planned: "), plan->count);
	assert_int_equal(count(html, "<g class=\"race\"><title>Race: Valencia Marathon"), 1);
	assert_non_null(strstr(html, "Massage plan for Sam"));
	assert_non_null(strstr(html, "plantar fasciitis (left foot) since 15 Oct 2026"));
	assert_int_equal(count(html, "<li>Round "), 0 + 3 * count(html, "<strong>PNF stretching</strong>"));
	assert_true(valid_utf8((const unsigned char *)html));
	rd_free(html);
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* ---- Palette contrast (WCAG 2.1 relative luminance) ------------------- */

static double channel(unsigned v)
{
	double c = v / 255.0;
	return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double contrast_on_white(const char *hex)
{
	unsigned long rgb = strtoul(hex + 1, NULL, 16);
	double l = 0.2126 * channel((unsigned)(rgb >> 16 & 255)) +
		   0.7152 * channel((unsigned)(rgb >> 8 & 255)) + 0.0722 * channel((unsigned)(rgb & 255));
	return 1.05 / (l + 0.05);
}

static void palette_has_contrast(void **state)
{
	(void)state;
	assert_null(chart_kind_color(RD_REST));
	/* white text sits on these colours: 4.5:1 (WCAG AA, normal text) */
	for (int k = RD_EASY; k < RD_KIND_COUNT; k++)
		assert_true(contrast_on_white(chart_kind_color((rd_kind)k)) >= 4.5);
	for (int m = 0; m < RD_MODALITY_COUNT; m++) {
		assert_true(contrast_on_white(chart_modality_color((rd_modality)m)) >= 4.5);
		for (int n = 0; n < m; n++)
			assert_string_not_equal(chart_modality_color((rd_modality)m),
						chart_modality_color((rd_modality)n));
	}
	assert_true(contrast_on_white("#ffffff") < 1.01); /* the formula itself */
	assert_true(contrast_on_white("#000000") > 20.9);
}

/* ---- Escaping ------------------------------------------------------- */

static char *html_of(const char *s, size_t n)
{
	rd_buf b = RD_BUF_INIT;
	escape_html(&b, s, n);
	return rd_buf_detach(&b);
}

static void escape_replaces_maximal_subparts(void **state)
{
	(void)state;
	/* Unicode 15, section 3.9, table 3-8: U+FFFD per maximal subpart */
	const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
	char *s = html_of(in, sizeof in - 1);
	assert_string_equal(s, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD"
			       "c\xEF\xBF\xBD\xEF\xBF\xBD" "d");
	rd_free(s);
	s = html_of("\xED\xA0\x80|\xC0\xAF|\xF4\x90\x80\x80|\xF0\x9F\x98", 15);
	assert_string_equal(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
			       "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD");
	rd_free(s);
	s = html_of("\xF0\x9F\x98\x80 \xC3\xA9 a\0b", 11); /* valid stays, NUL goes */
	assert_string_equal(s, "\xF0\x9F\x98\x80 \xC3\xA9 a\xEF\xBF\xBD" "b");
	rd_free(s);
	s = html_of("<&>\"'\t\n", 7);
	assert_string_equal(s, "&lt;&amp;&gt;&quot;&#39;\t\n");
	rd_free(s);
}

static void escape_term_removes_controls(void **state)
{
	(void)state;
	rd_buf b = RD_BUF_INIT;
	escape_term(&b, "a\x1b[2Jb\xC2\x9B" "c\xC3\xA9\xFF", 0);
	assert_string_equal(b.data, "a\xEF\xBF\xBD[2Jb\xEF\xBF\xBD" "c\xC3\xA9\xEF\xBF\xBD");
	rd_buf_dispose(&b);
	escape_term(&b, "a\x1b" "b\xC3\xA9\xFF", 1);
	assert_string_equal(b.data, "a?b??");
	rd_buf_dispose(&b);
	assert_int_equal(escape_term_width("caf\xC3\xA9\xFF"), 5);
	assert_int_equal(escape_utf8_prefix("\xC3\xA9\xC3\xA9x", 2), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(has_every_part, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(card_has_therapist_sheet, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(header_has_money_and_warnings, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(months_say_partial_targets, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(chart_shows_days_races_and_massages, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(chart_uses_measured_load, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(chart_lines_go_on_in_the_plan, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(chart_uses_own_rates, setup, fixture_teardown),
		cmocka_unit_test(load_estimate_follows_kind_and_length),
		cmocka_unit_test_setup_teardown(hostile_text_is_escaped, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(loads_nothing, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(same_plan_same_bytes, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(allocation_failure_leaks_nothing, setup, fixture_teardown),
		cmocka_unit_test(example_runner_report),
		cmocka_unit_test(palette_has_contrast),
		cmocka_unit_test(escape_replaces_maximal_subparts),
		cmocka_unit_test(escape_term_removes_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
