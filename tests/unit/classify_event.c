/* classify_event.c: the kind of a calendar event, and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/classify_event.h"
#include "alloc.h"

#include <ctype.h>
#include <string.h>

static int contains_nocase(const char *hay, const char *needle)
{
	for (size_t n = strlen(needle); *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

typedef struct row {
	const char *summary;
	rd_ical_class cls;
	rd_kind kind;
	double km;
	int minutes;
	const char *reason; /* a part of the reason */
} row;

static void test_titles(void **state)
{
	(void)state;
	static const row rows[] = {
		{"Intervals 6x800m", RD_EV_RUN, RD_HARD, 0, 0, "title has repetitions"},
		{"Tempo 8 km", RD_EV_RUN, RD_HARD, 8, 0, "title word 'tempo'"},
		{"Threshold", RD_EV_RUN, RD_HARD, 0, 0, "threshold"},
		{"Fartlek 45 min", RD_EV_RUN, RD_HARD, 0, 45, "fartlek"},
		{"Hills", RD_EV_RUN, RD_HARD, 0, 0, "hills"},
		{"Track session", RD_EV_RUN, RD_HARD, 0, 0, "track"},
		{"VO2 max reps", RD_EV_RUN, RD_HARD, 0, 0, "reps"},
		{"Marathon pace 16 km", RD_EV_RUN, RD_HARD, 16, 0, "marathon pace"},
		{"Long run 32 km", RD_EV_RUN, RD_LONG, 32, 0, "long run"},
		{"LSD", RD_EV_RUN, RD_LONG, 0, 0, "lsd"},
		{"Easy 5 km", RD_EV_RUN, RD_EASY, 5, 0, "easy"},
		{"Easy run 2h30", RD_EV_RUN, RD_LONG, 0, 150, "2 h or more -> long"},
		{"Run 20 mi", RD_EV_RUN, RD_LONG, 32.18688, 0, "25 km or more -> long"},
		{"Recovery jog", RD_EV_RUN, RD_EASY, 0, 0, "recovery"},
		{"Shakeout before the race", RD_EV_RUN, RD_EASY, 0, 0, "shakeout"},
		{"Berlin Marathon", RD_EV_RACE, RD_RACE, 42.195, 0, "marathon"},
		{"Half marathon", RD_EV_RACE, RD_RACE, 21.0975, 0, "half marathon"},
		{"Parkrun", RD_EV_RACE, RD_RACE, 5, 0, "parkrun"},
		{"City 10K", RD_EV_RACE, RD_RACE, 10, 0, "race distance"},
		{"Ironman Frankfurt", RD_EV_RACE, RD_RACE, 42.195, 0, "ironman"},
		{"Rest day", RD_EV_RUN, RD_REST, 0, 0, "rest"},
		{"Day off", RD_EV_RUN, RD_REST, 0, 0, "day off"},
		{"Swim 2 km", RD_EV_CROSS, RD_REST, 2, 0, "not a run"},
		{"Bike ride 90 min", RD_EV_CROSS, RD_REST, 0, 90, "bike"},
		{"Strength", RD_EV_CROSS, RD_REST, 0, 0, "strength"},
		{"Yoga", RD_EV_CROSS, RD_REST, 0, 0, "yoga"},
		{"Run 90 min", RD_EV_RUN, RD_EASY, 0, 90, "run"},
		{"Dentist", RD_EV_OTHER, RD_REST, 0, 0, "no training word"},
		{"Start of term", RD_EV_OTHER, RD_REST, 0, 0, "no training word"},
		{"Sports massage", RD_EV_MASSAGE, RD_REST, 0, 0, "massage"},
		{"deep tissue with Anna", RD_EV_MASSAGE, RD_REST, 0, 0, "deep tissue"},
		{"ART on the left shin", RD_EV_MASSAGE, RD_REST, 0, 0, "ART"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		event_kind k;
		classify_event(&k, NULL, rows[i].summary, NULL, NULL, 0);
		print_message("%-28s %d %s %.2f %d  (%s)\n", rows[i].summary, k.cls, rd_kind_name(k.kind),
			      k.km, k.minutes, k.reason);
		assert_int_equal(k.cls, rows[i].cls);
		if (k.cls != RD_EV_MASSAGE && k.cls != RD_EV_OTHER && k.cls != RD_EV_CROSS)
			assert_int_equal(k.kind, rows[i].kind);
		assert_true(k.km > rows[i].km - 0.001 && k.km < rows[i].km + 0.001);
		assert_int_equal(k.minutes, rows[i].minutes);
		assert_true(contains_nocase(k.reason, rows[i].reason));
	}
}

static void test_massage_modalities(void **state)
{
	(void)state;
	static const struct { const char *t; rd_modality m; } rows[] = {
		{"Sports massage", RD_SPORTS_POST}, {"Deep tissue", RD_DEEP_TISSUE},
		{"ART", RD_ACTIVE_RELEASE}, {"Active release, left hamstring", RD_ACTIVE_RELEASE},
		{"Swedish massage", RD_SWEDISH}, {"Pre-event massage", RD_SPORTS_PRE}};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		event_kind k;
		classify_event(&k, NULL, rows[i].t, NULL, NULL, 0);
		assert_int_equal(k.cls, RD_EV_MASSAGE);
		assert_int_equal(k.modality, rows[i].m);
	}
}

/* CATEGORIES come first, then the profile's map, then the words. */
static void test_order(void **state)
{
	(void)state;
	rd_profile *p = NULL;
	event_kind k;
	assert_int_equal(rd_profile_new(&p), 0);
	const char *hard[] = {"hard"};
	classify_event(&k, p, "Easy run", NULL, hard, 1);
	assert_int_equal(k.kind, RD_HARD);
	assert_non_null(strstr(k.reason, "CATEGORIES 'hard'"));
	const char *mass[] = {"massage", "deep_tissue"};
	classify_event(&k, p, "Physio", NULL, mass, 2);
	assert_int_equal(k.cls, RD_EV_MASSAGE);
	assert_int_equal(k.modality, RD_DEEP_TISSUE);
	rd_classify_entry e = {rd_strdup("Club night"), RD_HARD, 0};
	assert_non_null(e.title);
	p->classify = rd_malloc(sizeof e);
	p->classify[0] = e;
	p->classify_count = p->classify_cap = 1;
	classify_event(&k, p, "club night", NULL, NULL, 0);
	assert_int_equal(k.cls, RD_EV_RUN);
	assert_int_equal(k.kind, RD_HARD);
	assert_non_null(strstr(k.reason, "profile classify 'Club night'"));
	classify_event(&k, p, "Thursday Club night at the track", NULL, NULL, 0);
	assert_non_null(strstr(k.reason, "profile classify"));
	/* The description decides only when the title does not. */
	classify_event(&k, p, "Thursday session", "6x1000 at 10K pace", NULL, 0);
	assert_int_equal(k.kind, RD_HARD);
	assert_non_null(strstr(k.reason, "description"));
	rd_profile_free(p);
}

static void test_amounts(void **state)
{
	(void)state;
	assert_true(classify_read_km("13.1 miles") > 21.08 && classify_read_km("13.1 miles") < 21.09);
	assert_true(classify_read_km("run 12km") == 12);
	assert_true(classify_read_km("6x800") == 0);
	assert_true(classify_read_km("2026 plan") == 0);
	assert_true(classify_read_km("Taper: 6 x 1 km at marathon pace") == 0); /* one repetition */
	assert_true(classify_read_km("12 km with 6 x 1 km") == 12);
	assert_true(classify_read_km("3x2 km") == 0);
	assert_int_equal(classify_read_minutes("2h"), 120);
	assert_int_equal(classify_read_minutes("1h45"), 105);
	assert_int_equal(classify_read_minutes("75 min"), 75);
	assert_int_equal(classify_read_minutes("2 hours"), 120);
	assert_int_equal(classify_read_minutes("Room 12"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_massage_modalities),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_amounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
