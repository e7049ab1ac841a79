/*
 * Scenario tests from the sources: what a runner, coach or therapist would
 * expect around a marathon, with an injury, with a light touch, and on a
 * tiny budget.  2026-12-13 is a Sunday.
 */
#include "planner_helpers.h"

static int deep(const rd_appointment *a)
{
	return a->modality == RD_DEEP_TISSUE || a->modality == RD_ACTIVE_RELEASE;
}

/* [A]: a massage 2-3 days before the race; [B]: no deep tissue before a
 * marathon, Swedish the day before, deep tissue the day after. */
static void marathon_week(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {name: Ana, pressure: medium}\n"
				     "week: {tue: hard, thu: easy, sat: easy, sun: long}\n"
				     "races: [{name: City Marathon, date: 2026-12-13, km: 42.195}]\n"
				     "sessions: [{date: 2026-12-14, kind: rest}, {date: 2026-12-15, kind: rest}]\n"
				     "budget: {per_month: 400}\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	rd_date race = D("2026-12-13");
	int lead = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (a->date >= race - 3 && a->date <= race - 2) {
			lead = 1;
			assert_false(deep(a));
			assert_true(has_rule(a, RD_R_RACE_LEAD));
		}
		if (a->date >= race - 7 && a->date < race)
			assert_false(deep(a)); /* the blackout */
	}
	assert_true(lead);
	const rd_appointment *before = find(plan, "2026-12-12", RD_SWEDISH);
	assert_non_null(before);
	assert_int_equal(before->pressure, RD_MEDIUM);
	const rd_appointment *after = find(plan, "2026-12-14", RD_DEEP_TISSUE);
	assert_non_null(after);
	assert_int_equal(after->when, RD_WHEN_NO_RUN);
	assert_non_null(strstr(after->reason, "the day after your City Marathon"));
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* [A]: plantar fasciitis calls for Active Release, aimed at the foot. */
static void plantar_fasciitis(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard, thu: easy, sun: long}\n"
				     "conditions: [{name: plantar fasciitis, site: left foot, since: 2026-11-01}]\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	const rd_appointment *art = NULL;
	for (size_t i = 0; i < plan->count && !art; i++)
		if (plan->appointments[i].modality == RD_ACTIVE_RELEASE)
			art = &plan->appointments[i];
	assert_non_null(art);
	assert_string_equal(art->focus[0], "plantar_fascia");
	assert_true(has_rule(art, RD_R_INJURY_ART));
	assert_non_null(strstr(art->reason, "plantar fasciitis (left foot)"));
	assert_int_equal(art->minutes, 45);
	assert_int_equal(art->pressure, RD_FIRM);
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* [A][B]: a runner who likes a light touch gets no deep work, and is told
 * what it would add. */
static void light_pressure(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: light}\n"
				     "week: {mon: easy, tue: hard, thu: hard, sat: easy, sun: long}\n"
				     "races: [{name: Half, date: 2026-12-13, km: 21.1}]\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 8);
	assert_true(plan->count >= 2);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		assert_false(deep(a));
		/* as light as the modality allows: post-event work starts at medium */
		assert_int_equal(a->pressure, a->modality == RD_SPORTS_POST ? RD_MEDIUM : RD_LIGHT);
	}
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_PREFERENCE));
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* [A]: never over budget; when it cannot meet the frequency, say so and keep
 * the most valuable: here the day after the marathon. */
static void tiny_budget(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {mon: easy, tue: hard, wed: easy, thu: hard, sat: easy, sun: long}\n"
				     "races: [{name: City Marathon, date: 2026-12-13, km: 42.195}]\n"
				     "sessions: [{date: 2026-12-14, kind: rest}, {date: 2026-12-15, kind: rest}]\n"
				     "budget: {per_month: 95}\n"
				     "prices: {swedish: 70, deep_tissue: 90, active_release: 60, "
				     "sports_pre_event: 50, sports_post_event: 50}\n");
	rd_plan *plan = plan_for(p, "2026-12-01", 4);
	assert_int_equal(plan->count, 1);
	assert_non_null(find(plan, "2026-12-14", RD_DEEP_TISSUE));
	assert_true(plan->months[0].spent_cents <= 9500);
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_BUDGET));
	rd_plan_free(plan);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marathon_week),
		cmocka_unit_test(plantar_fasciitis),
		cmocka_unit_test(light_pressure),
		cmocka_unit_test(tiny_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
