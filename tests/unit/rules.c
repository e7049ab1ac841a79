/*
 * One test (or more) per rule of the knowledge base, on small hand-made
 * calendars.  Each fails if its rule is dropped or its numbers change.
 * 2026-11-30 is a Monday; the months are December 2026 unless said.
 */
#include "planner_helpers.h"
#include "rules.h"

/* Judges modality m on date d for profile p. */
static verdict judge(const rd_profile *p, const char *date, rd_modality m)
{
	calendar c;
	verdict v;
	rd_date d = D(date);
	assert_int_equal(calendar_build(&c, p, d - 30, d + 30), 0);
	rules_judge(&c, d, m, &v, NULL);
	calendar_dispose(&c);
	return v;
}

static int forbids(const verdict *v, rd_rule_id r)
{
	for (size_t i = 0; i < v->forbid_count; i++)
		if (v->forbid[i] == r)
			return 1;
	return 0;
}

static int scores(const verdict *v, rd_rule_id r)
{
	for (size_t i = 0; i < v->rule_count; i++)
		if (v->rules[i] == r)
			return 1;
	return 0;
}

static void after_hard(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: firm}\nweek: {tue: hard}\n");
	verdict wed = judge(p, "2026-12-02", RD_DEEP_TISSUE);
	verdict thu = judge(p, "2026-12-03", RD_DEEP_TISSUE);
	verdict fri = judge(p, "2026-12-04", RD_DEEP_TISSUE);
	assert_true(scores(&wed, RD_R_AFTER_HARD) && scores(&thu, RD_R_AFTER_HARD));
	assert_false(scores(&fri, RD_R_AFTER_HARD));
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(plan->count >= 1);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		int wd = rd_date_weekday(a->date);
		assert_true(wd == 2 || wd == 3); /* Wednesday or Thursday */
		assert_true(has_rule(a, RD_R_AFTER_HARD));
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* Recovery after a hard day is deep tissue by default: without an injury
 * active release scores half, so its lower price does not make it the
 * pick; with plantar fasciitis it scores in full (plus R-INJURY-ART). */
static void recovery_is_deep_tissue(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard, wed: easy}\n");
	verdict dt = judge(p, "2026-12-02", RD_DEEP_TISSUE);
	verdict art = judge(p, "2026-12-02", RD_ACTIVE_RELEASE);
	assert_true(scores(&dt, RD_R_AFTER_HARD) && scores(&art, RD_R_AFTER_HARD));
	assert_int_equal(art.score * 2, dt.score);
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(plan->count >= 1);
	for (size_t i = 0; i < plan->count; i++)
		assert_int_not_equal(plan->appointments[i].modality, RD_ACTIVE_RELEASE);
	rd_plan_free(plan);
	rd_profile_free(p);

	p = profile_from("week: {tue: hard, wed: easy}\n"
			 "conditions: [{name: plantar fasciitis, site: left foot, since: 2026-10-01}]\n");
	dt = judge(p, "2026-12-02", RD_DEEP_TISSUE);
	art = judge(p, "2026-12-02", RD_ACTIVE_RELEASE);
	assert_true(scores(&art, RD_R_INJURY_ART));
	assert_true(art.score > dt.score);
	rd_profile_free(p);
}

/* The runs a week read the same in a reason as in the plan's header: 42
 * runs in the 8 weeks counted are 5.25 a week, "5.3" (printf's %.1f
 * would say 5.2). */
static void runs_a_week_rounding(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {mon: easy, tue: easy, wed: easy, thu: easy, fri: easy}\n"
				     "sessions: [{date: 2026-11-07, kind: easy},\n"
				     "  {date: 2026-12-05, kind: easy}]\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(plan->sessions_per_week == 5.25);
	int seen = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const char *r = plan->appointments[i].reason;
		assert_null(strstr(r, "5.2 runs a week"));
		seen += strstr(r, "5.3 runs a week") != NULL;
	}
	assert_true(seen > 0);
	rd_plan_free(plan);
	rd_profile_free(p);
}

/* A session's distance is said to 0.1 km (a recorded 13.586 km run reads
 * 13.6 km); a whole number stays whole. */
static void session_in_words(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: firm}\n"
				     "sessions: [{date: 2026-12-01, kind: hard, title: Tempo, "
				     "km: 13.586, minutes: 60},\n"
				     "  {date: 2026-12-08, kind: hard, title: Hills, km: 8}]\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 2);
	int seen = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const char *r = plan->appointments[i].reason;
		seen |= strstr(r, "(Tempo, 13.6 km, 60 min)") ? 1 : 0;
		seen |= strstr(r, "(Hills, 8 km)") ? 2 : 0;
	}
	assert_int_equal(seen, 3);
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void beginners_wait_a_day_more(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {level: beginner, pressure: firm}\nweek: {tue: hard}\n");
	assert_false(scores((verdict[]){judge(p, "2026-12-02", RD_DEEP_TISSUE)}, RD_R_AFTER_HARD));
	assert_true(scores((verdict[]){judge(p, "2026-12-04", RD_DEEP_TISSUE)}, RD_R_AFTER_HARD));
	/* Swedish recovery keeps the usual window. */
	assert_true(scores((verdict[]){judge(p, "2026-12-02", RD_SWEDISH)}, RD_R_AFTER_HARD));
	rd_profile_free(p);
	p = profile_from("runner: {level: beginner}\n");
	assert_int_equal(p->pressure, RD_LIGHT); /* beginners start light */
	rd_profile_free(p);
}

static void no_deep_before_demanding(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: firm}\n"
				     "week: {mon: easy, tue: hard, thu: easy, sat: long, sun: easy}\n");
	verdict mon = judge(p, "2026-11-30", RD_DEEP_TISSUE);  /* Tuesday is hard */
	verdict fri = judge(p, "2026-12-04", RD_ACTIVE_RELEASE); /* Saturday is long */
	verdict wed = judge(p, "2026-12-02", RD_DEEP_TISSUE);  /* Thursday is easy */
	verdict sw = judge(p, "2026-11-30", RD_SWEDISH);
	assert_false(mon.allowed);
	assert_true(forbids(&mon, RD_R_NO_DEEP_BEFORE_DEMANDING));
	assert_true(forbids(&fri, RD_R_NO_DEEP_BEFORE_DEMANDING));
	assert_true(wed.allowed);
	assert_true(sw.allowed);
	rd_plan *plan = plan_for(p, "2026-11-30", 8);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		rd_day next;
		rd_profile_day(p, a->date + 1, &next);
		if (rd_modality_get(a->modality)->deep)
			assert_false(rd_kind_demanding(next.kind));
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void achy_ease_up(void **state)
{
	(void)state;
	/* The only recovery day after Tuesday's hard session has an easy run
	 * the next day: the deep work there carries R-ACHY-EASE-UP. */
	rd_profile *p = profile_from("runner: {pressure: firm}\n"
				     "week: {tue: hard, wed: easy, thu: easy, fri: easy}\n"
				     "availability: {days: [wed]}\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(count_modality(plan, RD_DEEP_TISSUE) >= 1);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		assert_int_equal(a->modality, RD_DEEP_TISSUE);
		assert_true(has_warning(a->warnings, a->warning_count, RD_R_ACHY_EASE_UP));
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

static const char *race_10k =
	"runner: {pressure: firm}\n"
	"week: {tue: easy, thu: easy}\n"
	"races: [{name: Turkey Trot, date: 2026-12-13, km: 10}]\n";

static void race_lead(void **state)
{
	(void)state;
	rd_profile *p = profile_from(race_10k);
	assert_true(scores((verdict[]){judge(p, "2026-12-10", RD_SWEDISH)}, RD_R_RACE_LEAD));
	assert_true(scores((verdict[]){judge(p, "2026-12-11", RD_SWEDISH)}, RD_R_RACE_LEAD));
	assert_false(scores((verdict[]){judge(p, "2026-12-09", RD_SWEDISH)}, RD_R_RACE_LEAD));
	/* never: no deep pressure in the last 2 days, only Swedish or
	 * pre-event the day before. */
	verdict d2 = judge(p, "2026-12-11", RD_DEEP_TISSUE);
	verdict d1 = judge(p, "2026-12-12", RD_SPORTS_POST);
	assert_true(forbids(&d2, RD_R_RACE_LEAD));
	assert_true(forbids(&d1, RD_R_RACE_LEAD));
	assert_true(judge(p, "2026-12-10", RD_DEEP_TISSUE).allowed); /* not a marathon */
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	int lead = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (has_rule(a, RD_R_RACE_LEAD)) {
			lead = 1;
			assert_true(a->date == D("2026-12-10") || a->date == D("2026-12-11"));
		}
	}
	assert_true(lead);
	rd_plan_free(plan);
	rd_profile_free(p);
}

static const char *marathon =
	"runner: {pressure: medium}\n"
	"week: {tue: hard, thu: easy, sat: easy, sun: long}\n"
	"races: [{name: City Marathon, date: 2026-12-13, km: 42.195}]\n"
	"sessions: [{date: 2026-12-14, kind: rest}, {date: 2026-12-15, kind: rest}]\n"
	"budget: {per_month: 400}\n";

static void marathon_deep_after(void **state)
{
	(void)state;
	rd_profile *p = profile_from(marathon);
	/* Wednesday 9 December is 4 days out: beyond R-RACE-LEAD's 2 days and
	 * the day after is easy, so only the marathon blackout forbids it. */
	verdict v = judge(p, "2026-12-09", RD_DEEP_TISSUE);
	assert_false(v.allowed);
	assert_true(forbids(&v, RD_R_MARATHON_DEEP_AFTER));
	assert_false(forbids(&v, RD_R_RACE_LEAD));
	assert_true(forbids((verdict[]){judge(p, "2026-12-06", RD_DEEP_TISSUE)}, RD_R_MARATHON_DEEP_AFTER));
	assert_true(judge(p, "2026-12-04", RD_DEEP_TISSUE).allowed); /* 9 days out, Saturday easy */
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	const rd_appointment *after = find(plan, "2026-12-14", RD_DEEP_TISSUE);
	assert_non_null(after);
	assert_true(has_rule(after, RD_R_MARATHON_DEEP_AFTER));
	assert_true(has_rule(after, RD_R_AFTER_HARD));
	assert_non_null(strstr(after->reason, "City Marathon"));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void rest_day_deep(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: firm}\nweek: {tue: hard, thu: easy}\n");
	verdict wed = judge(p, "2026-12-02", RD_DEEP_TISSUE); /* rest day */
	verdict thu = judge(p, "2026-12-03", RD_DEEP_TISSUE); /* easy run */
	assert_true(scores(&wed, RD_R_REST_DAY_DEEP));
	assert_false(scores(&thu, RD_R_REST_DAY_DEEP));
	assert_true(wed.score > thu.score);
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_non_null(find(plan, "2026-12-02", RD_DEEP_TISSUE));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void swedish_day_before(void **state)
{
	(void)state;
	rd_profile *p = profile_from(marathon);
	assert_true(scores((verdict[]){judge(p, "2026-12-12", RD_SWEDISH)}, RD_R_SWEDISH_DAY_BEFORE));
	assert_true(scores((verdict[]){judge(p, "2026-12-05", RD_SWEDISH)}, RD_R_SWEDISH_DAY_BEFORE)); /* long run */
	assert_false(scores((verdict[]){judge(p, "2026-12-04", RD_SWEDISH)}, RD_R_SWEDISH_DAY_BEFORE));
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	const rd_appointment *a = find(plan, "2026-12-12", RD_SWEDISH);
	assert_non_null(a);
	assert_true(has_rule(a, RD_R_SWEDISH_DAY_BEFORE));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void sports_day_of(void **state)
{
	(void)state;
	rd_profile *p = profile_from(marathon);
	verdict rest = judge(p, "2026-12-14", RD_SPORTS_PRE);
	assert_true(forbids(&rest, RD_R_SPORTS_DAY_OF));
	verdict pre = judge(p, "2026-12-13", RD_SPORTS_PRE);
	assert_true(scores(&pre, RD_R_SPORTS_DAY_OF));
	assert_int_equal(pre.when, RD_WHEN_BEFORE_RUN);
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	const rd_appointment *a = find(plan, "2026-12-13", RD_SPORTS_PRE);
	assert_non_null(a);
	assert_int_equal(a->when, RD_WHEN_BEFORE_RUN);
	assert_int_equal(a->techniques[1], RD_T_PNF);
	assert_int_equal(a->techniques[2], RD_T_JOINT_ROM);
	const rd_modality_info *post = rd_modality_get(RD_SPORTS_POST);
	assert_int_equal(post->techniques[0], RD_T_MYOFASCIAL); /* before trigger points */
	assert_int_equal(post->techniques[1], RD_T_TRIGGER_POINT);
	assert_int_equal(post->techniques[2], RD_T_PIN_STRETCH);
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void injury_art(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard, thu: easy, sun: long}\n"
				     "conditions: [{name: shin splints, since: 2026-11-20}]\n");
	verdict v = judge(p, "2026-12-02", RD_ACTIVE_RELEASE);
	assert_true(scores(&v, RD_R_INJURY_ART));
	assert_false(scores((verdict[]){judge(p, "2026-11-18", RD_ACTIVE_RELEASE)}, RD_R_INJURY_ART));
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(count_modality(plan, RD_ACTIVE_RELEASE) >= 1);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		if (a->modality == RD_ACTIVE_RELEASE) {
			assert_true(has_rule(a, RD_R_INJURY_ART));
			assert_string_equal(a->focus[0], "shins");
		}
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void problem_area_deep(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard, thu: easy}\n"
				     "conditions: [{name: knee pain, site: right knee}]\n");
	verdict v = judge(p, "2026-12-02", RD_DEEP_TISSUE);
	assert_true(scores(&v, RD_R_PROBLEM_AREA_DEEP));
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	const rd_appointment *a = find(plan, "2026-12-02", RD_DEEP_TISSUE);
	assert_non_null(a);
	assert_true(has_rule(a, RD_R_PROBLEM_AREA_DEEP));
	assert_string_equal(a->focus[0], "knee");
	assert_non_null(strstr(a->reason, "right knee"));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void frequency_scale(void **state)
{
	(void)state;
	/* 3 runs a week: 1 a month; 6 runs a week: 2 a month (KNOWLEDGE.md 6). */
	rd_profile *p3 = profile_from("week: {tue: hard, thu: easy, sun: long}\n");
	rd_profile *p6 = profile_from("week: {mon: easy, tue: hard, wed: easy, thu: hard, sat: easy, sun: long}\n");
	rd_plan *a = plan_for(p3, "2027-02-01", 4); /* February 2027: exactly 28 days */
	rd_plan *b = plan_for(p6, "2027-02-01", 4);
	assert_int_equal(a->months[0].target, 1);
	assert_int_equal(b->months[0].target, 2);
	assert_int_equal(a->count, 1);
	assert_int_equal(b->count, 2);
	assert_true(has_rule(&a->appointments[0], RD_R_FREQUENCY));
	assert_false(a->months[0].optional);
	rd_plan_free(a);
	rd_plan_free(b);
	rd_profile_free(p3);
	rd_profile_free(p6);
	rd_profile *p1 = profile_from("week: {sun: long}\n");
	rd_plan *c = plan_for(p1, "2027-02-01", 4);
	assert_true(c->months[0].optional);
	rd_plan_free(c);
	rd_profile_free(p1);
}

static void budget_never_exceeded(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {mon: easy, tue: hard, wed: easy, thu: hard, sat: easy, sun: long}\n"
				     "budget: {per_month: 100}\n"
				     "prices: {swedish: 70, deep_tissue: 90, active_release: 60, "
				     "sports_pre_event: 60, sports_post_event: 60}\n");
	rd_plan *plan = plan_for(p, "2027-02-01", 4);
	assert_true(plan->months[0].spent_cents <= 10000);
	assert_int_equal(plan->months[0].target, 2);
	assert_true(plan->count < 2);
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_BUDGET));
	rd_plan_free(plan);
	rd_profile_free(p);
	p = profile_from("week: {tue: hard, thu: easy, sun: long}\nbudget: {per_month: 0}\n");
	plan = plan_for(p, "2027-02-01", 4);
	assert_int_equal(plan->count, 0);
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_BUDGET));
	rd_plan_free(plan);
	rd_profile_free(p);
	p = profile_from("week: {mon: easy, tue: hard, wed: easy, thu: hard, sat: easy, sun: long}\n"
			 "budget: {sessions_per_month: 1}\n");
	plan = plan_for(p, "2027-02-01", 4);
	assert_int_equal(plan->count, 1);
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void budget_keeps_post_race(void **state)
{
	(void)state;
	/* Money for one massage in December: the day after the marathon wins. */
	rd_profile *p = profile_from("week: {tue: hard, thu: easy, sat: easy, sun: long}\n"
				     "races: [{name: City Marathon, date: 2026-12-13, km: 42.195}]\n"
				     "sessions: [{date: 2026-12-14, kind: rest}, {date: 2026-12-15, kind: rest}]\n"
				     "budget: {per_month: 90}\n");
	rd_plan *plan = plan_for(p, "2026-12-01", 4);
	size_t in_december = 0;
	for (size_t i = 0; i < plan->count; i++)
		in_december += rd_date_month(plan->appointments[i].date) == rd_date_month(D("2026-12-01"));
	assert_int_equal(in_december, 1);
	assert_non_null(find(plan, "2026-12-14", RD_DEEP_TISSUE));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void preference_light(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: light}\nweek: {tue: hard, thu: easy, sun: long}\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 8);
	assert_true(plan->count >= 1);
	assert_int_equal(count_modality(plan, RD_DEEP_TISSUE), 0);
	assert_int_equal(count_modality(plan, RD_ACTIVE_RELEASE), 0);
	for (size_t i = 0; i < plan->count; i++)
		assert_int_not_equal(plan->appointments[i].pressure, RD_FIRM);
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_PREFERENCE));
	rd_plan_free(plan);
	rd_profile_free(p);
	/* A recovery day where deep tissue would have won says so. */
	p = profile_from("runner: {pressure: light}\nweek: {tue: hard}\navailability: {days: [wed]}\n");
	plan = plan_for(p, "2026-11-30", 4);
	assert_true(plan->count >= 1);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		assert_true(has_rule(a, RD_R_PREFERENCE));
		assert_true(has_warning(a->warnings, a->warning_count, RD_R_PREFERENCE));
	}
	rd_plan_free(plan);
	rd_profile_free(p);
	p = profile_from("runner: {pressure: medium}\nweek: {tue: hard}\n");
	plan = plan_for(p, "2026-11-30", 4);
	assert_false(has_warning(plan->warnings, plan->warning_count, RD_R_PREFERENCE));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void focus_named(void **state)
{
	(void)state;
	rd_profile *p = profile_from(marathon);
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	for (size_t i = 0; i < plan->count; i++) {
		const rd_appointment *a = &plan->appointments[i];
		const char *base[] = {"hamstrings", "quadriceps", "calves", "glutes", "core"};
		for (size_t k = 0; k < 5; k++) {
			int found = 0;
			for (size_t j = 0; j < a->focus_count; j++)
				found |= strcmp(a->focus[j], base[k]) == 0;
			assert_true(found);
		}
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void movement_therapist(void **state)
{
	(void)state;
	rd_profile *old = profile_from("conditions: [{name: knee pain, site: left knee, since: 2026-09-01}]\n");
	rd_profile *recent = profile_from("conditions: [{name: knee pain, site: left knee, since: 2026-11-20}]\n");
	rd_plan *a = plan_for(old, "2026-11-30", 4), *b = plan_for(recent, "2026-11-30", 4);
	assert_true(has_warning(a->warnings, a->warning_count, RD_R_MOVEMENT_THERAPIST));
	assert_false(has_warning(b->warnings, b->warning_count, RD_R_MOVEMENT_THERAPIST));
	rd_plan_free(a);
	rd_plan_free(b);
	rd_profile_free(old);
	rd_profile_free(recent);
}

static void rest_after_marathon(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {mon: hard}\n"
				     "races: [{name: City Marathon, date: 2026-12-13, km: 42.195}]\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	assert_true(has_warning(plan->warnings, plan->warning_count, RD_R_REST));
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void minimum_gap_and_history(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {pressure: firm}\n"
				     "week: {mon: hard, tue: easy, wed: hard, thu: easy, fri: hard, sat: easy, sun: long}\n"
				     "massages: [{date: 2026-11-29, modality: deep_tissue}]\n"
				     "budget: {per_month: 1000}\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 8);
	for (size_t i = 0; i < plan->count; i++) {
		assert_true(plan->appointments[i].date - D("2026-11-29") >= 2);
		for (size_t j = 0; j < i; j++)
			assert_true(plan->appointments[i].date - plan->appointments[j].date >= 2);
	}
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void availability_respected(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard, thu: easy, sun: long}\navailability: {days: [fri]}\n");
	rd_plan *plan = plan_for(p, "2026-11-30", 8);
	assert_true(plan->count >= 1);
	for (size_t i = 0; i < plan->count; i++)
		assert_int_equal(rd_date_weekday(plan->appointments[i].date), 4);
	rd_plan_free(plan);
	rd_profile_free(p);
}

static void no_slot_moves_and_says_so(void **state)
{
	(void)state;
	/* Wednesday 2 December is the best day after Tuesday's hard session,
	 * but a busy block fills its only free hours: the massage moves to
	 * Thursday and the reason says why. */
	rd_profile *p = profile_from("runner: {pressure: firm}\n"
				     "week: {tue: hard}\n"
				     "availability: {hours: \"17:00-20:00\"}\n");
	rd_date wed = D("2026-12-02");
	assert_int_equal(rd_profile_add_busy(p, (int64_t)wed * 1440 + 16 * 60,
					     (int64_t)wed * 1440 + 21 * 60), 0);
	verdict v = judge(p, "2026-12-02", RD_DEEP_TISSUE);
	assert_false(v.allowed);
	assert_true(v.no_slot);
	rd_plan *plan = plan_for(p, "2026-11-30", 2);
	const rd_appointment *a = find(plan, "2026-12-03", RD_DEEP_TISSUE);
	assert_non_null(a);
	assert_int_equal(a->start_min, 17 * 60);
	assert_non_null(strstr(a->reason, "Wednesday 2026-12-02 would have suited as well or better, but had no free slot"));
	rd_plan_free(plan);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(after_hard),
		cmocka_unit_test(session_in_words),
		cmocka_unit_test(runs_a_week_rounding),
		cmocka_unit_test(recovery_is_deep_tissue),
		cmocka_unit_test(beginners_wait_a_day_more),
		cmocka_unit_test(no_deep_before_demanding),
		cmocka_unit_test(achy_ease_up),
		cmocka_unit_test(race_lead),
		cmocka_unit_test(marathon_deep_after),
		cmocka_unit_test(rest_day_deep),
		cmocka_unit_test(swedish_day_before),
		cmocka_unit_test(sports_day_of),
		cmocka_unit_test(injury_art),
		cmocka_unit_test(problem_area_deep),
		cmocka_unit_test(frequency_scale),
		cmocka_unit_test(budget_never_exceeded),
		cmocka_unit_test(budget_keeps_post_race),
		cmocka_unit_test(preference_light),
		cmocka_unit_test(focus_named),
		cmocka_unit_test(movement_therapist),
		cmocka_unit_test(rest_after_marathon),
		cmocka_unit_test(minimum_gap_and_history),
		cmocka_unit_test(availability_respected),
		cmocka_unit_test(no_slot_moves_and_says_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
