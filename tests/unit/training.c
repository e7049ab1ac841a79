/* From a recorded history to the planner's calendar: only the runs the
 * planner's rules can look back on become sessions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rubdown/training.h"

/* Three easy runs, 100, 30 and 1 days before `from`, and a ride the day
 * before. */
/* A training over acts[0..n) (in start order), classified for real: runs
 * of 100 minutes or more are long; marked races and workouts are races
 * and hard; free t->load with rd_load_free. */
static void real(rd_training *t, const rd_activity *a, size_t n, rd_date first, rd_date last)
{
	memset(t, 0, sizeof *t);
	t->acts = t->history = rd_acts_array(a, n);
	t->count = n;
	t->first = first;
	t->last = last;
	assert_int_equal(rd_load_compute(&t->load, &t->acts, NULL, NULL), 0);
	assert_int_equal(rd_classify_prepare(&t->ref, &t->acts, t->load, NULL, NULL), 0);
	t->ref.opt.long_s = 100 * 60;
}

static void mark(rd_activity *a, rd_run_kind k)
{
	a->marked_race = k == RD_KIND_RACE;
	a->marked_workout = k == RD_KIND_HARD;
}

static void fake(rd_training *t, rd_activity *a, rd_date from)
{
	static const int back[] = {100, 30, 1, 1};
	for (int i = 0; i < 4; i++) {
		rd_activity_init(&a[i]);
		a[i].sport = i == 3 ? RD_SPORT_BIKE : RD_SPORT_RUN;
		a[i].start_utc = rd_date_to_unix(from - back[i]) + 7 * 3600;
		a[i].moving_s = a[i].elapsed_s = 3600;
		a[i].distance_m = 10000;
	}
	real(t, a, 4, from - 100, from - 1);
}

static void lookback_window(void **state)
{
	(void)state;
	rd_date from = rd_date_from_ymd(2026, 11, 23);
	rd_activity a[4];
	rd_training t;
	fake(&t, a, from);

	rd_profile *p = NULL;
	assert_int_equal(rd_profile_new(&p), 0);
	assert_int_equal(rd_profile_add_training(p, &t, from), 0);
	assert_int_equal(p->session_count, 2); /* not the old run, not the ride */
	assert_int_equal(p->sessions[0].date, from - 30);
	assert_int_equal(p->sessions[1].date, from - 1);
	assert_int_equal(p->known_from, from - RD_TRAINING_LOOKBACK_DAYS);
	assert_int_equal(p->known_to, from - 1);
	rd_profile_free(p);

	assert_int_equal(rd_profile_new(&p), 0);
	assert_int_equal(rd_profile_add_training(p, &t, RD_DATE_NONE), 0);
	assert_int_equal(p->session_count, 3);
	assert_int_equal(p->known_from, from - 100);
	rd_profile_free(p);
	rd_load_free(t.load);
}

/* Eight weeks before Monday `from`: a hard run every Tuesday, an easy
 * one on Thursday in six of them, a long one every Sunday (a race in one),
 * an easy Saturday run twice, and one Monday run at the start. */
typedef struct weeks8 {
	rd_activity a[40];
	rd_run_kind kind[40];
	size_t n;
	rd_training t;
} weeks8;

static void add(weeks8 *w, rd_date d, rd_run_kind k, double km, double min)
{
	size_t i = w->n++;
	rd_activity_init(&w->a[i]);
	w->a[i].sport = RD_SPORT_RUN;
	w->a[i].start_utc = rd_date_to_unix(d) + 7 * 3600;
	w->a[i].moving_s = w->a[i].elapsed_s = min * 60;
	w->a[i].distance_m = km * 1000;
	w->kind[i] = k;
	mark(&w->a[i], k);
}

static void build(weeks8 *w, rd_date from)
{
	memset(w, 0, sizeof *w);
	for (int k = 8; k >= 1; k--) {
		rd_date mon = from - 7 * k;
		if (k == 8)
			add(w, mon, RD_KIND_EASY, 5, 30); /* the first day: 1 Monday of 8 */
		add(w, mon + 1, RD_KIND_HARD, 10 + k % 2, 50);
		if (k != 3 && k != 5)
			add(w, mon + 3, RD_KIND_EASY, 8, 45);
		if (k == 2 || k == 6)
			add(w, mon + 5, RD_KIND_EASY, 6, 35);
		add(w, mon + 6, k == 4 ? RD_KIND_RACE : RD_KIND_LONG, 20 + k, 110 + k);
	}
	real(&w->t, w->a, w->n, from - 56, from - 1);
}

static void usual_week_from_history(void **state)
{
	(void)state;
	rd_date from = rd_date_from_ymd(2026, 11, 23); /* a Monday */
	static weeks8 w;
	build(&w, from);
	rd_profile *p = NULL;
	assert_int_equal(rd_profile_new(&p), 0);
	assert_int_equal(rd_profile_add_training(p, &w.t, from), 0);
	static const rd_kind want[7] = {RD_REST, RD_HARD, RD_REST, RD_EASY, RD_REST, RD_REST, RD_LONG};
	for (int d = 0; d < 7; d++)
		assert_int_equal(p->week[d].kind, want[d]);
	assert_string_equal(p->week[1].title, "usual on Tuesdays: 8 of the last 8 weeks");
	assert_string_equal(p->week[3].title, "usual on Thursdays: 6 of the last 8 weeks");
	assert_string_equal(p->week[6].origin, "history");
	assert_true(p->week[1].km > 10.4 && p->week[1].km < 10.6); /* median of 10 and 11 */
	assert_int_equal(p->week[6].minutes, 115); /* the long runs: 111..118 but the race's 114 */
	assert_null(p->week[5].title);
	/* the days after the history now follow it */
	rd_day day;
	rd_profile_day(p, from + 1, &day);
	assert_int_equal(day.kind, RD_HARD);
	rd_profile_free(p);

	/* a week in the profile stays as it is */
	assert_int_equal(rd_profile_new(&p), 0);
	p->week[2] = (rd_session){RD_DATE_NONE, RD_HARD, 0, 0, -1, NULL, strdup("profile week"), 0};
	assert_int_equal(rd_profile_add_training(p, &w.t, from), 0);
	assert_int_equal(p->week[1].kind, RD_REST);
	assert_int_equal(p->week[2].kind, RD_HARD);
	rd_profile_free(p);

	/* a plan calendar's (or the profile's) runs to come: they say it */
	assert_int_equal(rd_profile_new(&p), 0);
	rd_session planned = {from + 3, RD_EASY, 0, 0, -1, NULL, NULL, 0};
	assert_int_equal(rd_profile_add_session(p, &planned), 0);
	assert_int_equal(rd_profile_add_training(p, &w.t, from), 0);
	for (int d = 0; d < 7; d++)
		assert_int_equal(p->week[d].kind, RD_REST);
	rd_profile_free(p);

	/* a history ending over 4 weeks before the plan says nothing of now */
	assert_int_equal(rd_profile_new(&p), 0);
	assert_int_equal(rd_profile_add_training(p, &w.t, from + 35), 0);
	for (int d = 0; d < 7; d++)
		assert_int_equal(p->week[d].kind, RD_REST);
	rd_profile_free(p);
	rd_load_free(w.t.load);
}

/* A recorded race's GPS distance within 3% of a standard one is that
 * distance, so a marathon measured at 41.9 km is a marathon to the rules. */
static void race_distances(void **state)
{
	(void)state;
	rd_date from = rd_date_from_ymd(2026, 11, 23);
	static const double measured[] = {41.9, 42.6, 21.3, 10.2, 5.1, 30.0, 40.5};
	static const double want[] = {42.195, 42.195, 21.0975, 10.0, 5.0, 30.0, 40.5};
	enum { N = sizeof measured / sizeof *measured };
	rd_activity a[N];
	rd_training t;
	for (int i = 0; i < N; i++) {
		rd_activity_init(&a[i]);
		a[i].sport = RD_SPORT_RUN;
		a[i].start_utc = rd_date_to_unix(from - N + i) + 7 * 3600;
		a[i].distance_m = measured[i] * 1000;
		a[i].moving_s = a[i].elapsed_s = measured[i] * 300;
		a[i].marked_race = 1;
	}
	real(&t, a, N, from - N, from - 1);
	rd_profile *p = NULL;
	assert_int_equal(rd_profile_new(&p), 0);
	assert_int_equal(rd_profile_add_training(p, &t, from), 0);
	assert_int_equal(p->race_count, N);
	for (int i = 0; i < N; i++)
		assert_true(p->races[i].km == want[i]);
	assert_true(rd_race_is_marathon(p, &p->races[0]));
	assert_false(rd_race_is_marathon(p, &p->races[6]));
	rd_profile_free(p);
	rd_load_free(t.load);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* The runner's load per minute by kind: the median of the kind's runs of
 * the 8 weeks before the plan, with at least 3 of them. */
static void rates_by_kind(void **state)
{
	(void)state;
	rd_date from = rd_date_from_ymd(2026, 11, 23);
	static weeks8 w;
	build(&w, from);
	double want[RD_KIND_COUNT] = {0}, r[RD_KIND_COUNT];
	for (rd_run_kind k = RD_KIND_EASY; k <= RD_KIND_HARD; k++) {
		double v[40];
		size_t n = 0;
		for (size_t i = 0; i < w.n; i++) {
			rd_activity_load l;
			rd_load_activity(&l, w.t.load, &w.a[i]);
			if (w.kind[i] == k && w.a[i].start_utc >= rd_date_to_unix(from - 56))
				v[n++] = l.per_minute;
		}
		qsort(v, n, sizeof *v, cmp_double);
		want[k] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; /* RD_EASY.. as rd_run_kind */
	}
	assert_int_equal(rd_training_rates(&w.t, from, r), 0);
	assert_true(r[RD_REST] == 0);
	assert_true(r[RD_EASY] == want[RD_KIND_EASY] && r[RD_EASY] > 0);
	assert_true(r[RD_LONG] == want[RD_KIND_LONG] && r[RD_LONG] > 0);
	assert_true(r[RD_HARD] == want[RD_KIND_HARD] && r[RD_HARD] > 0);
	assert_true(r[RD_RACE] == 0);                        /* one race: too few */
	assert_int_equal(rd_training_rates(&w.t, from + 100, r), 0); /* nothing in the 8 weeks */
	assert_true(r[RD_EASY] == 0 && r[RD_HARD] == 0);
	rd_load_free(w.t.load);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookback_window),
		cmocka_unit_test(usual_week_from_history),
		cmocka_unit_test(race_distances),
		cmocka_unit_test(rates_by_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
