/* schedule.c: the time of day of an appointment (src/schedule.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "schedule.h"

#define DAY rd_date_from_ymd(2026, 3, 3) /* a Tuesday */

static rd_profile *profile(void)
{
	rd_profile *p = NULL;
	assert_int_equal(rd_profile_new(&p), 0);
	return p;
}

static rd_day day_with_run(rd_session *s, int start, int minutes)
{
	*s = (rd_session){DAY, RD_HARD, 10, minutes, start, NULL, NULL, 0};
	return (rd_day){DAY, RD_HARD, s, NULL, NULL};
}

static void test_no_time_information(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_session s;
	rd_day d = day_with_run(&s, 18 * 60, 60);
	int start = 0;
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 60, &start), 1);
	assert_int_equal(start, -1);
	rd_profile_free(p);
}

static void test_hours_and_run(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_session s;
	rd_day d = day_with_run(&s, 18 * 60, 60);
	int wd = rd_date_weekday(DAY), start = 0;
	p->avail_from[wd] = 15 * 60;
	p->avail_to[wd] = 20 * 60 + 30;
	/* before_run: ends at least 60 min before 18:00 */
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 60, &start), 1);
	assert_int_equal(start, 15 * 60);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 120, &start), 1);
	assert_int_equal(start, 15 * 60);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 121, &start), 0);
	/* after_run: starts at least 30 min after the run ends (19:00) */
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 60, &start), 1);
	assert_int_equal(start, 19 * 60 + 30);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 61, &start), 0);
	p->after_run_gap = 45;
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 30, &start), 1);
	assert_int_equal(start, 19 * 60 + 45);
	/* no_run: never over the run itself */
	p->avail_from[wd] = 17 * 60 + 30;
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_NO_RUN, 60, &start), 1);
	assert_int_equal(start, 19 * 60);
	rd_profile_free(p);
}

static void test_busy(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_session s;
	rd_day d = day_with_run(&s, -1, 0);
	int64_t d0 = (int64_t)DAY * 1440;
	int start = 0;
	/* busy but no hours: the default window, around the block */
	assert_int_equal(rd_profile_add_busy(p, d0 + 8 * 60, d0 + 17 * 60 + 10), 0);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_NO_RUN, 60, &start), 1);
	assert_int_equal(start, 17 * 60 + 15);
	assert_int_equal(rd_profile_add_busy(p, d0 + 17 * 60, d0 + 24 * 60), 0);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_NO_RUN, 60, &start), 0);
	/* another day is free all day */
	rd_day other = {DAY + 1, RD_REST, NULL, NULL, NULL};
	assert_int_equal(schedule_slot(p, &other, RD_WHEN_NO_RUN, 60, &start), 1);
	assert_int_equal(start, -1);
	rd_profile_free(p);
}

static void test_race(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_race r = {(char *)"10K", DAY, 10, 9 * 60};
	rd_day d = {DAY, RD_RACE, NULL, &r, NULL};
	int wd = rd_date_weekday(DAY), start = 0;
	p->avail_from[wd] = 6 * 60;
	p->avail_to[wd] = 14 * 60;
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 20, &start), 1);
	assert_int_equal(start, 6 * 60);
	/* a 10 km race counts 60 min: ends 10:00, +30 */
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 30, &start), 1);
	assert_int_equal(start, 10 * 60 + 30);
	rd_profile_free(p);
}

/* Two timed races the same day (a 5 km at 09:00, a 10 km at 11:00): the
 * run spans both, so a pre-event massage ends an hour before the first and a
 * post-event one starts 30 min after the last ends (12:00). */
static void test_two_races(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_race first = {(char *)"5K", DAY, 5, 9 * 60}, second = {(char *)"10K", DAY, 10, 11 * 60};
	assert_int_equal(rd_profile_add_race(p, &first), 0);
	assert_int_equal(rd_profile_add_race(p, &second), 0);
	rd_day d = {DAY, RD_RACE, NULL, &p->races[0], NULL};
	int wd = rd_date_weekday(DAY), start = 0;
	p->avail_from[wd] = 6 * 60;
	p->avail_to[wd] = 14 * 60;
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 30, &start), 1);
	assert_int_equal(start, 12 * 60 + 30);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 20, &start), 1);
	assert_int_equal(start, 6 * 60);
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_BEFORE_RUN, 121, &start), 0);
	/* the day's race given second: the same span */
	d.race = &p->races[1];
	assert_int_equal(schedule_slot(p, &d, RD_WHEN_AFTER_RUN, 30, &start), 1);
	assert_int_equal(start, 12 * 60 + 30);
	rd_profile_free(p);
}

/* A second massage the same day: after the first, and after a race with no
 * start time, taken to start before_run_gap after a before_run massage. */
static void test_second_massage(void **state)
{
	(void)state;
	rd_profile *p = profile();
	rd_race r = {(char *)"10K", DAY, 10, -1};
	rd_day d = {DAY, RD_RACE, NULL, &r, NULL};
	int wd = rd_date_weekday(DAY), start = 0;
	p->avail_from[wd] = 8 * 60;
	p->avail_to[wd] = 14 * 60;
	schedule_first pre = {8 * 60, 20, RD_WHEN_BEFORE_RUN};
	/* 08:20 + 60 (gap) + 60 (10 km) + 30 (gap) = 11:00 */
	assert_int_equal(schedule_slot_after(p, &d, RD_WHEN_AFTER_RUN, 30, &pre, &start), 1);
	assert_int_equal(start, 11 * 60);
	/* nothing fits: the time is left open */
	r.km = 42.195;
	assert_int_equal(schedule_slot_after(p, &d, RD_WHEN_AFTER_RUN, 30, &pre, &start), 0);
	assert_int_equal(start, -1);
	/* a race with a start time: the after-run rule alone decides */
	r.start_min = 9 * 60;
	r.km = 10;
	assert_int_equal(schedule_slot_after(p, &d, RD_WHEN_AFTER_RUN, 30, &pre, &start), 1);
	assert_int_equal(start, 10 * 60 + 30);
	/* a massage the same day with no run: just after the first */
	rd_day rest = {DAY, RD_REST, NULL, NULL, NULL};
	schedule_first first = {8 * 60, 60, RD_WHEN_NO_RUN};
	assert_int_equal(schedule_slot_after(p, &rest, RD_WHEN_NO_RUN, 30, &first, &start), 1);
	assert_int_equal(start, 9 * 60);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_time_information),
		cmocka_unit_test(test_hours_and_run),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_second_massage),
		cmocka_unit_test(test_two_races),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
