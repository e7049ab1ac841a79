/* The terminal calendar: cells, appointment details, colour and ASCII
 * modes, hostile text, determinism, allocation failure. */
#include "plan_fixture.h"

/* The plan (plan_fixture.h): escape sequences and a bad byte in the
 * runner's name, an OSC sequence in the reason; the easy run on Wed 25th
 * is called "<script>", the race's name has curly quotes, the Swedish
 * massage was on Fri 27th. */
static const fixture_spec spec = {
	.name = "Sam\x1b[2J \xC3\xA9\xff",
	.session = "<script>",
	.race = "City \xe2\x80\x9cHalf\xe2\x80\x9d",
	.massage_had = 4,
	.reason = "after the hard day\x1b]0;pwned\x07",
	.focus = {"hamstrings", "calves"}, .focus_count = 2,
	.pre = {RD_T_GLIDING, RD_T_PNF}, .pre_count = 2,
	.post = {RD_T_GLIDING, RD_T_MYOFASCIAL}, .post_count = 2,
	.race_day_cents = 4050,
	.warning = "budget too small",
	.spent_cents = {16000, 8100}, .optional = {0, 1},
};

static int setup(void **state)
{
	return fixture_setup(state, &spec);
}

static int write_text(char **out, const rd_plan *plan, const void *opt)
{
	return rd_plan_to_text(out, plan, opt);
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
		"  2026-11  2 massages (target 1 for the 8 days planned), 160 EUR of 150 EUR\n",
		"  2026-12  2 massages (target 1 for the 6 days planned, optional), 81 EUR of 150 EUR\n",
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
	rd_text_options opt = {1, 0};
	writes_same_bytes(*state, write_text, &opt);
}

static void allocation_failure_leaks_nothing(void **state)
{
	fails_cleanly_at_each_allocation(*state, write_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(calendar_has_a_row_per_week, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(appointments_keep_every_detail, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(ascii_mode_is_ascii, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(hostile_text_cannot_drive_the_terminal, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(color_only_adds_sgr, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(same_plan_same_bytes, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(allocation_failure_leaks_nothing, setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
