/* The terminal calendar: cells, appointment details, colour and ASCII
 * modes, hostile text, determinism, allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rubdown/plan.h"

typedef struct fixture {
	rd_profile *p;
	rd_plan plan;
	rd_appointment appts[3];
	rd_warning plan_warnings[1];
	rd_warning appt_warnings[1];
	rd_plan_month months[2];
} fixture;

/* Two weeks from Monday 2026-11-23: hard Tuesdays, easy Thursdays, long
 * Saturdays, an easy run on Wed 25th, a race on Sun 6 Dec, a Swedish
 * massage booked on Fri 27th; planned: deep tissue Wed 25th, pre- and
 * post-event on race day. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	assert_int_equal(rd_profile_new(&f->p), 0);
	rd_profile *p = f->p;
	rd_date mon = rd_date_from_ymd(2026, 11, 23);
	p->name = strdup("Sam\x1b[2J \xC3\xA9\xff");
	p->budget_cents = 15000;
	p->week[1] = (rd_session){RD_DATE_NONE, RD_HARD, 10, 50, -1, NULL, NULL, 0};
	p->week[3] = (rd_session){RD_DATE_NONE, RD_EASY, 8, 0, -1, NULL, NULL, 0};
	p->week[5] = (rd_session){RD_DATE_NONE, RD_LONG, 24, 0, -1, NULL, NULL, 0};
	rd_session s = {mon + 2, RD_EASY, 0, 45, -1, (char *)"<script>", (char *)"test", 0};
	assert_int_equal(rd_profile_add_session(p, &s), 0);
	rd_race race = {(char *)"City \xe2\x80\x9cHalf\xe2\x80\x9d", mon + 13, 21.1, 9 * 60};
	assert_int_equal(rd_profile_add_race(p, &race), 0);
	rd_massage_had had = {mon + 4, RD_SWEDISH, -1, -1, (char *)"test"};
	assert_int_equal(rd_profile_add_massage(p, &had), 0);

	rd_appointment *a = f->appts;
	a[0] = (rd_appointment){.date = mon + 2, .when = RD_WHEN_AFTER_RUN, .start_min = 18 * 60 + 30,
		.modality = RD_DEEP_TISSUE, .minutes = 60, .pressure = RD_FIRM,
		.techniques = {RD_T_GLIDING, RD_T_TARGETED}, .technique_count = 2,
		.focus = {"hamstrings", "calves"}, .focus_count = 2, .price_cents = 9000,
		.rules = {RD_R_AFTER_HARD, RD_R_FOCUS}, .rule_count = 2,
		.reason = (char *)"after the hard day\x1b]0;pwned\x07"};
	f->appt_warnings[0] = (rd_warning){RD_R_ACHY_EASE_UP, (char *)"ease up if achy"};
	a[0].warnings = f->appt_warnings;
	a[0].warning_count = 1;
	a[1] = (rd_appointment){.date = mon + 13, .when = RD_WHEN_BEFORE_RUN, .start_min = -1,
		.modality = RD_SPORTS_PRE, .minutes = 20, .pressure = RD_MEDIUM,
		.techniques = {RD_T_GLIDING, RD_T_PNF}, .technique_count = 2,
		.focus = {"quadriceps"}, .focus_count = 1, .price_cents = 4050,
		.rules = {RD_R_SPORTS_DAY_OF}, .rule_count = 1, .reason = (char *)"race morning"};
	a[2] = a[1];
	a[2].when = RD_WHEN_AFTER_RUN;
	a[2].modality = RD_SPORTS_POST;
	a[2].techniques[1] = RD_T_MYOFASCIAL;
	f->plan_warnings[0] = (rd_warning){RD_R_BUDGET, (char *)"budget too small"};
	f->months[0] = (rd_plan_month){2026 * 12 + 10, 16000, 2, 1, 0};
	f->months[1] = (rd_plan_month){2026 * 12 + 11, 8100, 2, 1, 1};
	f->plan = (rd_plan){p, mon, mon + 13, f->appts, 3, f->plan_warnings, 1,
			    f->months, 2, 3.0};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	free(f->p->name);
	f->p->name = NULL;
	rd_profile_free(f->p);
	free(f);
	return 0;
}

static char *render(const fixture *f, int color, int ascii)
{
	rd_text_options opt = {color, ascii};
	char *s = NULL;
	assert_int_equal(rd_plan_to_text(&s, &f->plan, &opt), 0);
	assert_non_null(s);
	return s;
}

static void must_have(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("missing \"%s\" in:\n%s", want, s);
}

static void calendar_has_a_row_per_week(void **state)
{
	fixture *f = *state;
	char *s = render(f, 0, 1);
	must_have(s, "        Mon      Tue      Wed      Thu      Fri      Sat      Sun\n");
	/* Mon rest, Tue hard, Wed easy + deep tissue, Thu easy, Fri rest +
	 * booked Swedish, Sat long, Sun rest */
	must_have(s, "\nNov 23  23 .     24 H     25 e DT  26 e     27 . Sw* 28 L     29 .\n");
	must_have(s, "\nNov 30  30 .      1 H      2 .      3 e      4 .      5 L      6 R Pr+\n");
	must_have(s, "Key: . rest");
	rd_free(s);
}

static void appointments_keep_every_detail(void **state)
{
	fixture *f = *state;
	char *s = render(f, 0, 0);
	const char *want[] = {
		"Massage plan for Sam", "2026-11-23 to 2026-12-06", "3 massages; training about 3.0 runs a week",
		"Wed 2026-11-25 18:30  Deep tissue massage, 60 min, firm pressure, after the run, 90 EUR",
		"    why: after the hard day", "    focus: hamstrings, calves\n",
		"      1. gliding strokes: to warm the tissue\n",
		"      2. targeted pressure: on the knots and problem areas\n",
		"    rules: R-AFTER-HARD R-FOCUS\n", "    ! R-ACHY-EASE-UP: ease up if achy\n",
		"Sun 2026-12-06 any time  Pre-event sports massage, 20 min, medium pressure, before the run, 40.50 EUR",
		"      2. PNF stretching: 3 rounds per muscle group",
		"Post-event sports massage, 20 min, medium pressure, after the run",
		"Warnings:\n  ! R-BUDGET: budget too small\n",
		"  2026-11  2 massages (target 1), 160 EUR of 150 EUR\n",
		"  2026-12  2 massages (target 1, optional), 81 EUR of 150 EUR\n",
		"Not medical advice", "rubdown rules"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		must_have(s, want[i]);
	assert_true(strstr(s, "gliding strokes") < strstr(s, "targeted pressure"));
	rd_free(s);
}

static void ascii_mode_is_ascii(void **state)
{
	fixture *f = *state;
	char *s = render(f, 0, 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c >= 0x80 || (*c < 0x20 && *c != '\n'))
			fail_msg("byte 0x%02x at %zu", *c, (size_t)((const char *)c - s));
	must_have(s, "Sam?[2J ??");  /* ESC, e-acute and the bad byte all become '?' */
	must_have(s, "why: after the hard day?]0;pwned?\n");
	rd_free(s);
}

static void hostile_text_cannot_drive_the_terminal(void **state)
{
	fixture *f = *state;
	char *s = render(f, 1, 0);
	/* every ESC starts one of our own SGR sequences: ESC [ digits/; m */
	for (const char *e = strchr(s, '\033'); e; e = strchr(e + 1, '\033')) {
		size_t n = strspn(e + 2, "0123456789;");
		assert_int_equal(e[1], '[');
		assert_int_equal(e[2 + n], 'm');
	}
	assert_null(strchr(s, '\a'));
	must_have(s, "Sam\xEF\xBF\xBD[2J \xC3\xA9\xEF\xBF\xBD");
	rd_free(s);
}

/* Removes ESC [ ... m sequences in place. */
static void strip_sgr(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (r[0] == '\033' && r[1] == '[') {
			r += 2 + strspn(r + 2, "0123456789;");
			r += *r == 'm';
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
}

static void color_only_adds_sgr(void **state)
{
	fixture *f = *state;
	char *plain = render(f, 0, 0), *color = render(f, 1, 0);
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(color, "\033[1;31mDT\033[0m"));
	strip_sgr(color);
	assert_string_equal(plain, color);
	rd_free(plain);
	rd_free(color);
}

static void same_plan_same_bytes(void **state)
{
	fixture *f = *state;
	char *a = render(f, 1, 0), *b = render(f, 1, 0);
	assert_string_equal(a, b);
	rd_free(a);
	rd_free(b);
}

static void allocation_failure_leaks_nothing(void **state)
{
	fixture *f = *state;
	for (unsigned long n = 1;; n++) {
		char *s = (char *)1;
		rd_alloc_fail_at(n);
		int rc = rd_plan_to_text(&s, &f->plan, NULL);
		unsigned long made = rd_alloc_fail_at(0);
		if (rc == 0) {
			assert_true(made < n);
			rd_free(s);
			break;
		}
		assert_int_equal(rc, RD_ENOMEM);
		assert_null(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(calendar_has_a_row_per_week, setup, teardown),
		cmocka_unit_test_setup_teardown(appointments_keep_every_detail, setup, teardown),
		cmocka_unit_test_setup_teardown(ascii_mode_is_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_text_cannot_drive_the_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(color_only_adds_sgr, setup, teardown),
		cmocka_unit_test_setup_teardown(same_plan_same_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(allocation_failure_leaks_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
