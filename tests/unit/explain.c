/* rubdown explain DATE (rd_plan_explain): for each modality, the rules that
 * allow or forbid it and, when it was allowed but not picked, the reason
 * the planner had: the budget, the frequency already met, the minimum gap,
 * no free slot, not available that weekday.  A date outside the plan is an
 * error; running out of memory is reported, never a partial text. */
#include "planner_helpers.h"
#include "../src/alloc.h"

#define WEEK "runner: {name: Ex, level: intermediate, pressure: medium}\n" \
	     "week: {tue: hard, thu: easy, sun: long}\n"

/* The explanation of date in a 3-week plan from Monday 2026-12-07. */
static char *explain(const char *yaml, const char *date)
{
	rd_profile *p = profile_from(yaml);
	rd_plan_options opt = {D("2026-12-07"), 3};
	char *text = NULL;
	rd_diag diag = RD_DIAG_INIT;
	if (rd_plan_explain(&text, p, &opt, D(date), &diag)) {
		char msg[512];
		rd_diag_format(&diag, msg, sizeof msg);
		fail_msg("%s", msg);
	}
	rd_profile_free(p);
	return text;
}

/* Fails unless text has the line want (whole). */
static void has_line(const char *text, const char *want)
{
	size_t n = strlen(want);
	for (const char *s = text; s; s = strchr(s, '\n')) {
		s += *s == '\n';
		if (!strncmp(s, want, n) && (s[n] == '\n' || !s[n]))
			return;
	}
	fail_msg("no line '%s' in:\n%s", want, text);
}

/* One massage a month: the plan books it on Wednesday 2026-12-23, so the
 * Wednesday two weeks before, after the same hard session, is over budget. */
static void budget_used(void **state)
{
	(void)state;
	const char *yaml = WEEK "budget: {sessions_per_month: 1}\n";
	char *t = explain(yaml, "2026-12-09");
	has_line(t, "2026-12-09 (Wednesday): rest day");
	has_line(t, "  deep_tissue: allowed, score 30 from R-AFTER-HARD, R-REST-DAY-DEEP (recovery the "
		    "day after your hard session on Tuesday 2026-12-08; a rest day with no race coming "
		    "up: time for the soreness to pass)");
	has_line(t, "    not picked: the month's budget is used (deep_tissue on 2026-12-23; R-BUDGET)");
	rd_free(t);
	t = explain(yaml, "2026-12-23");
	has_line(t, "    PICKED by the planner");
	has_line(t, "    not picked: that day already has deep_tissue");
	rd_free(t);
}

/* No budget: three runs a week want one massage a month, and it is
 * booked, so another is not worth it. */
static void frequency_met(void **state)
{
	(void)state;
	char *t = explain(WEEK, "2026-12-09");
	has_line(t, "    not picked: the month already has its 1 massage (deep_tissue on 2026-12-23; "
		    "R-FREQUENCY), and this one is not worth an extra booking");
	rd_free(t);
}

/* Seven runs a week: two massages, one on Saturday 2026-12-19; the day
 * before is inside the 2-day minimum gap. */
static void minimum_gap(void **state)
{
	(void)state;
	char *t = explain("runner: {name: Ex, level: intermediate, pressure: medium}\n"
			  "week: {mon: easy, tue: hard, wed: easy, thu: hard, fri: easy, sat: easy,"
			  " sun: long}\n", "2026-12-18");
	has_line(t, "    not picked: the swedish on 2026-12-19 is closer than the 2-day minimum gap");
	rd_free(t);
}

static void no_slot_or_unavailable(void **state)
{
	(void)state;
	char *t = explain(WEEK "availability: {hours: {wed: \"17:30-18:00\"}}\n", "2026-12-09");
	has_line(t, "  deep_tissue: allowed by the rules (score 30), but no free slot that day "
		    "(availability hours, busy times and the run); recovery the day after your hard "
		    "session on Tuesday 2026-12-08; a rest day with no race coming up: time for the "
		    "soreness to pass");
	rd_free(t);
	t = explain(WEEK "availability: {days: [mon, wed, fri, sat]}\n", "2026-12-10");
	has_line(t, "2026-12-10 (Thursday): easy run");
	has_line(t, "  swedish: forbidden: you are not available on Thursdays");
	rd_free(t);
}

static void outside_the_plan(void **state)
{
	(void)state;
	rd_profile *p = profile_from(WEEK);
	rd_plan_options opt = {D("2026-12-07"), 3};
	char *text = (char *)"untouched", msg[512];
	rd_diag diag = RD_DIAG_INIT;
	assert_int_equal(rd_plan_explain(&text, p, &opt, D("2026-12-28"), &diag), RD_EFORMAT);
	assert_null(text);
	rd_diag_format(&diag, msg, sizeof msg);
	assert_string_equal(msg, "rubdown: error: the date is outside the plan (2026-12-07 to 2026-12-27): "
				 "use --from");
	rd_profile_free(p);
}

/* Every allocation failing in turn: RD_ENOMEM and no text, or the whole
 * text, the same as without failures. */
static void allocation_failures(void **state)
{
	(void)state;
	rd_profile *p = profile_from(WEEK "budget: {sessions_per_month: 1}\n");
	rd_plan_options opt = {D("2026-12-07"), 3};
	char *whole = explain(WEEK "budget: {sessions_per_month: 1}\n", "2026-12-09");
	unsigned long n;
	for (n = 1;; n++) {
		char *text = NULL;
		rd_diag diag = RD_DIAG_INIT;
		rd_alloc_fail_at(n);
		int rc = rd_plan_explain(&text, p, &opt, D("2026-12-09"), &diag);
		unsigned long made = rd_alloc_fail_at(0);
		if (rc == 0)
			assert_string_equal(text, whole);
		else if (rc != RD_ENOMEM || diag.code != RD_ENOMEM || text)
			fail_msg("allocation %lu: rc %d, %s", n, rc, diag.message);
		rd_free(text);
		if (made < n)
			break;
	}
	assert_true(n > 5);
	rd_free(whole);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(budget_used),
		cmocka_unit_test(frequency_met),
		cmocka_unit_test(minimum_gap),
		cmocka_unit_test(no_slot_or_unavailable),
		cmocka_unit_test(outside_the_plan),
		cmocka_unit_test(allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
