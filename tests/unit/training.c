/* From a recorded history to the planner's calendar: only the runs the
 * planner's rules can look back on become sessions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rubdown/training.h"

/* Three easy runs, 100, 30 and 1 days before `from`, and a ride the day
 * before. */
static void fake(rd_training *t, rd_activity *a, rd_class *c, rd_load *l, rd_date from)
{
	static const int back[] = {100, 30, 1, 1};
	memset(t, 0, sizeof *t);
	memset(l, 0, sizeof *l);
	for (int i = 0; i < 4; i++) {
		rd_activity_init(&a[i]);
		a[i].sport = i == 3 ? RD_SPORT_BIKE : RD_SPORT_RUN;
		a[i].start_utc = rd_date_to_unix(from - back[i]) + 7 * 3600;
		a[i].moving_s = a[i].elapsed_s = 3600;
		a[i].distance_m = 10000;
		c[i].kind = i == 3 ? RD_KIND_OTHER : RD_KIND_EASY;
	}
	t->acts = a;
	t->classes = c;
	t->load = l;
	t->count = 4;
	t->first = from - 100;
	t->last = from - 1;
}

static void lookback_window(void **state)
{
	(void)state;
	rd_date from = rd_date_from_ymd(2026, 11, 23);
	rd_activity a[4];
	rd_class c[4];
	rd_load l;
	rd_training t;
	fake(&t, a, c, &l, from);

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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookback_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
