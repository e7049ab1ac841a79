/*
 * Property test: thousands of random profiles (random weeks, dated
 * sessions, races, conditions, budgets, prices, availability and history).
 * Every plan is checked against the "never" rules, the budget, the minimum
 * gap and the availability, written here again from KNOWLEDGE.md rather
 * than through the planner's own rule code; every appointment must name a
 * rule and a reason; and the same profile must give the same JSON twice.
 */
#include "planner_helpers.h"
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static rd_profile *random_profile(rd_date from)
{
	rd_profile *p = NULL;
	assert_int_equal(rd_profile_new(&p), 0);
	p->level = (rd_level)rnd(3);
	p->pressure = (rd_pressure)rnd(3);
	for (int d = 0; d < 7; d++)
		p->week[d].kind = rnd(3) ? (rd_kind)rnd(4) : RD_REST;
	for (int i = (int)rnd(12); i > 0; i--) {
		rd_session s = {from - 14 + (rd_date)rnd(90), (rd_kind)rnd(4), 0, 0, -1, NULL, NULL, 0};
		assert_int_equal(rd_profile_add_session(p, &s), 0);
	}
	for (int i = (int)rnd(4); i > 0; i--) {
		static const double km[] = {5, 10, 21.1, 42.195, 50};
		rd_race r = {"Race", from - 5 + (rd_date)rnd(70), km[rnd(5)],
			     rnd(2) ? -1 : 6 * 60 + 15 * (int)rnd(40)};
		assert_int_equal(rd_profile_add_race(p, &r), 0);
	}
	for (int i = (int)rnd(3); i > 0; i--) {
		rd_condition x = {0};
		assert_int_equal(rd_grow((void **)&p->conditions, &p->condition_cap,
					 p->condition_count + 1, sizeof x), 0);
		x.type = (rd_condition_type)rnd(6);
		x.name = rd_strdup("pain");
		x.focus = rd_strdup("site");
		x.since = rnd(2) ? RD_DATE_NONE : from - 60 + (rd_date)rnd(90);
		x.until = RD_DATE_NONE;
		p->conditions[p->condition_count++] = x;
	}
	for (int i = (int)rnd(4); i > 0; i--) {
		rd_massage_had m = {from - 20 + (rd_date)rnd(60), (rd_modality)rnd(RD_MODALITY_COUNT),
				    rnd(2) ? -1 : (long)rnd(100) * 100, -1, NULL};
		assert_int_equal(rd_profile_add_massage(p, &m), 0);
	}
	for (int m = 0; m < RD_MODALITY_COUNT; m++)
		p->prices_cents[m] = 2000 + (long)rnd(100) * 100;
	switch (rnd(4)) {
	case 0: break;
	case 1: p->budget_cents = (long)rnd(400) * 100; break;
	case 2: p->budget_sessions = (int)rnd(5); break;
	default: p->budget_cents = (long)rnd(50) * 100; break;
	}
	p->availability = 1u + rnd(127);
	for (int d = 0; d < 7; d++)
		if (rnd(2)) {
			p->avail_from[d] = 6 * 60 + 30 * (int)rnd(20);
			p->avail_to[d] = p->avail_from[d] + 60 + 30 * (int)rnd(20);
		}
	for (int i = (int)rnd(8); i > 0; i--) { /* busy blocks of 30 min to 4 h */
		int64_t start = ((int64_t)from + (int64_t)rnd(60)) * 1440 + 15 * (int64_t)rnd(96);
		assert_int_equal(rd_profile_add_busy(p, start, start + 30 + 30 * (int64_t)rnd(8)), 0);
	}
	p->params.min_gap_days = 1 + (int)rnd(4);
	return p;
}

/* Is there a race within [d + lo, d + hi]? Marathons only if asked. */
static int race_near(const rd_profile *p, rd_date d, int lo, int hi, int marathon)
{
	for (size_t i = 0; i < p->race_count; i++) {
		const rd_race *r = &p->races[i];
		if (r->date >= d + lo && r->date <= d + hi &&
		    (!marathon || r->km >= p->params.marathon_km - 0.001))
			return 1;
	}
	return 0;
}

static void check_never(const rd_profile *p, const rd_appointment *a)
{
	rd_day today, next;
	rd_profile_day(p, a->date, &today);
	rd_profile_day(p, a->date + 1, &next);
	int deep = a->modality == RD_DEEP_TISSUE || a->modality == RD_ACTIVE_RELEASE;
	assert_true(p->availability & (1u << rd_date_weekday(a->date)));
	if (deep) {
		/* R-NO-DEEP-BEFORE-DEMANDING */
		assert_false(next.kind == RD_LONG || next.kind == RD_HARD || next.kind == RD_RACE);
		/* R-RACE-LEAD: no deep in the last 2 days before a race */
		assert_false(race_near(p, a->date, 1, p->params.race_no_deep_days, 0));
		/* R-MARATHON-DEEP-AFTER: blackout, and not on the marathon day */
		assert_false(race_near(p, a->date, 0, p->params.marathon_blackout_days, 1));
	}
	/* R-RACE-LEAD: the day before a race, only Swedish or pre-event */
	if (race_near(p, a->date, 1, 1, 0))
		assert_true(a->modality == RD_SWEDISH || a->modality == RD_SPORTS_PRE);
	/* R-SPORTS-DAY-OF */
	if (a->modality == RD_SPORTS_PRE) {
		assert_int_not_equal(today.kind, RD_REST);
		assert_int_equal(a->when, RD_WHEN_BEFORE_RUN);
	}
	if (a->modality == RD_SPORTS_POST) {
		assert_int_not_equal(today.kind, RD_REST);
		assert_int_equal(a->when, RD_WHEN_AFTER_RUN);
	}
	assert_true(a->rule_count >= 1);
	assert_non_null(a->reason);
	assert_true(strlen(a->reason) > 10);
}

static int exempt(const rd_profile *p, const rd_appointment *a)
{
	rd_day today;
	rd_profile_day(p, a->date, &today);
	return today.race && (a->modality == RD_SPORTS_PRE || a->modality == RD_SPORTS_POST);
}

static void check_gap_and_budget(const rd_profile *p, const rd_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (exempt(p, a))
			continue;
		for (size_t j = 0; j < plan->count; j++)
			if (j != i && !exempt(p, &plan->appointments[j]))
				assert_true(labs((long)(a->date - plan->appointments[j].date)) >=
					    p->params.min_gap_days);
		for (size_t j = 0; j < p->massage_count; j++)
			assert_true(labs((long)(a->date - p->massages[j].date)) >= p->params.min_gap_days);
	}
	for (size_t m = 0; m < plan->month_count; m++) {
		long spent = 0, had_spent = 0;
		int count = 0, had_count = 0;
		for (size_t i = 0; i < plan->count; i++)
			if (rd_date_month(plan->appointments[i].date) == plan->months[m].month) {
				spent += plan->appointments[i].price_cents;
				count++;
			}
		for (size_t j = 0; j < p->massage_count; j++) {
			const rd_massage_had *h = &p->massages[j];
			if (rd_date_month(h->date) == plan->months[m].month && h->date <= plan->to) {
				had_spent += h->price_cents >= 0 ? h->price_cents : p->prices_cents[h->modality];
				had_count++;
			}
		}
		assert_int_equal(plan->months[m].spent_cents, spent + had_spent);
		/* The planner never adds spending past the budget; what was
		 * already had may be over it on its own. */
		if (p->budget_cents >= 0 && count)
			assert_true(spent + had_spent <= p->budget_cents);
		if (p->budget_sessions >= 0 && count)
			assert_true(count + had_count <= p->budget_sessions);
	}
}

/* Timed appointments lie inside the day's hours and outside every busy
 * block, and two the same day never overlap: race day's post-event massage
 * starts after the pre-event one. */
static void check_times(const rd_profile *p, const rd_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		int wd = rd_date_weekday(a->date);
		if (a->start_min < 0)
			continue;
		if (p->avail_from[wd] >= 0) {
			assert_true(a->start_min >= p->avail_from[wd]);
			assert_true(a->start_min + a->minutes <= p->avail_to[wd]);
		}
		for (size_t j = 0; j < i; j++) {
			const rd_appointment *b = &plan->appointments[j];
			if (b->date == a->date && b->start_min >= 0)
				assert_true(b->start_min + b->minutes <= a->start_min);
		}
		int64_t s0 = (int64_t)a->date * 1440 + a->start_min, s1 = s0 + a->minutes;
		for (size_t j = 0; j < p->busy_count; j++)
			assert_false(p->busy[j].start < s1 && p->busy[j].end > s0);
		/* around every timed race that day (6 min per km): the gaps
		 * before the first and after the last */
		for (size_t j = 0; j < p->race_count; j++) {
			const rd_race *r = &p->races[j];
			if (r->date != a->date || r->start_min < 0)
				continue;
			int end = r->start_min + (int)(r->km * 6 + 0.5);
			if (a->when == RD_WHEN_BEFORE_RUN)
				assert_true(a->start_min + a->minutes <= r->start_min - p->before_run_gap);
			if (a->when == RD_WHEN_AFTER_RUN)
				assert_true(a->start_min >= end + p->after_run_gap);
		}
	}
}

static void random_profiles(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		rd_date from = D("2026-01-05") + (rd_date)rnd(700);
		rd_profile *p = random_profile(from);
		rd_plan *a = NULL, *b = NULL;
		rd_plan_options opt = {from, 1 + (int)rnd(12)};
		assert_int_equal(rd_plan_make(&a, p, &opt, NULL), 0);
		assert_int_equal(rd_plan_make(&b, p, &opt, NULL), 0);
		for (size_t k = 0; k < a->count; k++)
			check_never(p, &a->appointments[k]);
		check_gap_and_budget(p, a);
		check_times(p, a);
		char *ja = NULL, *jb = NULL;
		assert_int_equal(rd_plan_to_json(&ja, a), 0);
		assert_int_equal(rd_plan_to_json(&jb, b), 0);
		assert_string_equal(ja, jb);
		rd_free(ja);
		rd_free(jb);
		rd_plan_free(a);
		rd_plan_free(b);
		rd_profile_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
