/* plan_fixture.h: the plan built by hand that the text and HTML writer
 * tests share, and the checks every writer of it must pass.
 *
 * Two weeks from Monday 2026-11-23: hard Tuesdays, easy Thursdays, long
 * Saturdays, an easy run on Wed 25th, a half marathon on Sun 6 Dec and a
 * Swedish massage had.  Planned: deep tissue after the run on Wed 25th at
 * 18:30, pre- and post-event sports massages on race day.  Each test file
 * gives the details its checks name (hostile text among them) in a
 * fixture_spec. */
#ifndef RD_PLAN_FIXTURE_H
#define RD_PLAN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rubdown/plan.h"

typedef struct fixture_spec {
	const char *name;        /* the runner */
	const char *history;     /* a hard run 5 days before the plan, or NULL */
	const char *session;     /* the easy run on Wed 25th */
	const char *race;        /* the half marathon on Sun 6 Dec */
	int massage_had;         /* the Swedish massage: days after the Monday */
	const char *reason;      /* why the deep tissue massage */
	const char *focus[RD_MAX_FOCUS];  /* of the deep tissue massage */
	size_t focus_count;
	rd_technique pre[8];     /* of the pre-event massage */
	size_t pre_count;
	rd_technique post[8];    /* of the post-event one, over the pre-event ones */
	size_t post_count;
	long race_day_cents;     /* the price of each race-day massage */
	const char *warning;     /* the plan's R-BUDGET warning */
	long spent_cents[2];     /* November, December */
	int optional[2];
} fixture_spec;

typedef struct fixture {
	rd_profile *p;
	rd_plan plan;
	rd_appointment appts[3];
	rd_warning plan_warnings[1];
	rd_warning appt_warnings[1];
	rd_plan_month months[2];
} fixture;

/* A writer under test: the plan as a new string, with its options. */
typedef int (*plan_writer)(char **out, const rd_plan *plan, const void *opt);

static inline void fixture_add_session(rd_profile *p, rd_date d, rd_kind k, double km,
				       int min, const char *title)
{
	rd_session s = {d, k, km, min, -1, (char *)title, (char *)"test", 0};
	assert_int_equal(rd_profile_add_session(p, &s), 0);
}

/* The runner: budget, week, the dated runs, the race, the massage had. */
static inline void fixture_profile(fixture *f, const fixture_spec *spec, rd_date mon)
{
	assert_int_equal(rd_profile_new(&f->p), 0);
	rd_profile *p = f->p;
	p->name = strdup(spec->name);
	p->budget_cents = 15000;
	p->week[1] = (rd_session){RD_DATE_NONE, RD_HARD, 10, 50, -1, NULL, NULL, 0};
	p->week[3] = (rd_session){RD_DATE_NONE, RD_EASY, 8, 0, -1, NULL, NULL, 0};
	p->week[5] = (rd_session){RD_DATE_NONE, RD_LONG, 24, 0, -1, NULL, NULL, 0};
	if (spec->history)
		fixture_add_session(p, mon - 5, RD_HARD, 12, 60, spec->history);
	fixture_add_session(p, mon + 2, RD_EASY, 0, 45, spec->session);
	rd_race race = {(char *)spec->race, mon + 13, 21.1, 9 * 60};
	assert_int_equal(rd_profile_add_race(p, &race), 0);
	rd_massage_had had = {mon + spec->massage_had, RD_SWEDISH, -1, -1, (char *)"test"};
	assert_int_equal(rd_profile_add_massage(p, &had), 0);
}

/* The three appointments: deep tissue on Wed 25th, two on race day. */
static inline void fixture_appointments(fixture *f, const fixture_spec *spec, rd_date mon)
{
	rd_appointment *a = f->appts;
	a[0] = (rd_appointment){.date = mon + 2, .when = RD_WHEN_AFTER_RUN, .start_min = 18 * 60 + 30,
		.modality = RD_DEEP_TISSUE, .minutes = 60, .pressure = RD_FIRM,
		.techniques = {RD_T_GLIDING, RD_T_TARGETED}, .technique_count = 2,
		.focus_count = spec->focus_count, .price_cents = 9000,
		.rules = {RD_R_AFTER_HARD, RD_R_FOCUS}, .rule_count = 2,
		.reason = (char *)spec->reason};
	memcpy(a[0].focus, spec->focus, sizeof a[0].focus);
	f->appt_warnings[0] = (rd_warning){RD_R_ACHY_EASE_UP, (char *)"ease up if achy"};
	a[0].warnings = f->appt_warnings;
	a[0].warning_count = 1;
	a[1] = (rd_appointment){.date = mon + 13, .when = RD_WHEN_BEFORE_RUN, .start_min = -1,
		.modality = RD_SPORTS_PRE, .minutes = 20, .pressure = RD_MEDIUM,
		.technique_count = spec->pre_count,
		.focus = {"quadriceps"}, .focus_count = 1, .price_cents = spec->race_day_cents,
		.rules = {RD_R_SPORTS_DAY_OF}, .rule_count = 1, .reason = (char *)"race morning"};
	memcpy(a[1].techniques, spec->pre, sizeof a[1].techniques);
	a[2] = a[1];
	a[2].when = RD_WHEN_AFTER_RUN;
	a[2].modality = RD_SPORTS_POST;
	memcpy(a[2].techniques, spec->post, spec->post_count * sizeof spec->post[0]);
	a[2].technique_count = spec->post_count;
}

/* cmocka setup: *state becomes the fixture the spec describes. */
static inline int fixture_setup(void **state, const fixture_spec *spec)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	rd_date mon = rd_date_from_ymd(2026, 11, 23);
	fixture_profile(f, spec, mon);
	fixture_appointments(f, spec, mon);
	f->plan_warnings[0] = (rd_warning){RD_R_BUDGET, (char *)spec->warning};
	for (int i = 0; i < 2; i++)
		f->months[i] = (rd_plan_month){2026 * 12 + 10 + i, spec->spent_cents[i], 2, 1,
					       spec->optional[i], i ? 6 : 8}; /* Nov 23 to Dec 6 */
	f->plan = (rd_plan){f->p, mon, mon + 13, f->appts, 3, f->plan_warnings, 1,
			    f->months, 2, 3.0};
	*state = f;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	fixture *f = *state;
	free(f->p->name);
	f->p->name = NULL;
	rd_profile_free(f->p);
	free(f);
	return 0;
}

/* The plan written twice gives the same bytes. */
static inline void writes_same_bytes(const fixture *f, plan_writer writer, const void *opt)
{
	char *a = NULL, *b = NULL;
	assert_int_equal(writer(&a, &f->plan, opt), 0);
	assert_int_equal(writer(&b, &f->plan, opt), 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	rd_free(a);
	rd_free(b);
}

/* Each allocation in turn fails: RD_ENOMEM with *out NULL, until the
 * writer needs no more (run under ASan, nothing leaks). */
static inline void fails_cleanly_at_each_allocation(const fixture *f, plan_writer writer)
{
	for (unsigned long n = 1;; n++) {
		char *s = (char *)1;
		rd_alloc_fail_at(n);
		int rc = writer(&s, &f->plan, NULL);
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

#endif
