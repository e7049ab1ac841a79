/* Classification: a runner's ten weeks with known easy, long, hard and race
 * days, and the words of each reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rubdown/load.h"

#define MAX_ACTS 64

typedef struct history {
	rd_activity a[MAX_ACTS];
	uint16_t hr[MAX_ACTS][RD_HR_BINS]; /* a[i].hr_seconds, from 0 bpm */
	char name[MAX_ACTS][64];
	rd_run_kind want[MAX_ACTS];
	size_t n;
} history;

/* A run at a steady heart rate (or none when bpm is 0). */
static rd_activity *add(history *h, rd_run_kind want, rd_sport sport, rd_date day,
			const char *name, double min, double km, int bpm)
{
	assert_true(h->n < MAX_ACTS);
	rd_activity *a = &h->a[h->n];
	memset(a, 0, sizeof *a);
	memset(h->hr[h->n], 0, sizeof h->hr[0]);
	snprintf(h->name[h->n], sizeof h->name[0], "%s", name);
	a->name = h->name[h->n];
	a->source = "";
	a->hr_seconds = h->hr[h->n];
	a->hr_bins = RD_HR_BINS;
	a->sport = sport;
	a->start_utc = rd_date_to_unix(day) + 6 * 3600;
	a->elapsed_s = a->moving_s = min * 60.0;
	a->distance_m = km * 1000.0;
	a->ascent_m = NAN;
	a->avg_hr = a->max_hr = a->avg_cadence = -1;
	if (bpm)
		h->hr[h->n][bpm] = (uint16_t)(min * 60.0);
	h->want[h->n++] = want;
	return a;
}

/* Ten weeks from Monday 2026-08-31.  hr_max 190, hr_rest 60: 80% of the
 * reserve is 164 bpm.  Easy 45 min at 140 on Mon/Wed/Fri; 100 min at 140 on
 * Sundays; intervals on Tuesdays of even weeks (30 min at 140, 20 at 178). */
static void build(history *h)
{
	rd_date mon = rd_date_from_ymd(2026, 8, 31);
	h->n = 0;
	for (int w = 0; w < 10; w++) {
		rd_date d = mon + 7 * w;
		for (int k = 0; k < 3; k++)
			add(h, RD_KIND_EASY, RD_SPORT_RUN, d + 2 * k, "Morning Run", 45, 8, 140);
		if (w % 2 == 0) {
			add(h, RD_KIND_HARD, RD_SPORT_RUN, d + 1, "Race pace 2x10 min", 50,
			    10, 140);
			h->hr[h->n - 1][140] = 30 * 60;
			h->hr[h->n - 1][178] = 20 * 60;
		}
		if (w == 5)
			add(h, RD_KIND_LONG, RD_SPORT_TRAIL, d + 6, "Sunday", 130, 20, 140);
		else if (w == 7)
			add(h, RD_KIND_LONG, RD_SPORT_RUN, d + 6, "Sunday", 115, 26, 140);
		else
			add(h, RD_KIND_LONG, RD_SPORT_RUN, d + 6, "Sunday", 100, 17, 140);
	}
	add(h, RD_KIND_HARD, RD_SPORT_RUN, mon + 6 * 7 + 3, "Thursday", 40, 9, 160);
	add(h, RD_KIND_RACE, RD_SPORT_RUN, mon + 8 * 7 + 5, "Bushy parkrun", 20, 5, 180);
	add(h, RD_KIND_RACE, RD_SPORT_RUN, mon + 9 * 7 + 5, "Saturday", 42, 10, 176)->marked_race = 1;
	add(h, RD_KIND_OTHER, RD_SPORT_BIKE, mon + 3 * 7 + 5, "Ride", 90, 40, 130);
	add(h, RD_KIND_HARD, RD_SPORT_RUN, mon + 4 * 7 + 3, "Fartlek", 45, 8, 140)->marked_workout = 1;
}

static int by_start(const void *pa, const void *pb)
{
	const rd_activity *a = *(const rd_activity *const *)pa, *b = *(const rd_activity *const *)pb;
	if (a->start_utc != b->start_utc)
		return a->start_utc < b->start_utc ? -1 : 1;
	return (a > b) - (a < b);
}

/* rd_load_compute over acts[0..n) in any order (sorted by start for the
 * source). */
static int load_of(rd_load **out, const rd_activity *acts, size_t n, const rd_load_options *opt)
{
	rd_acts src = rd_acts_array(acts, n);
	return rd_load_compute(out, &src, opt, NULL);
}

/* The class of each of acts[0..n), in any order, from a pass over them in
 * start order from `from`; *out (free with test_free) NULL on failure.
 * Activities the pass does not give keep kind -1. */
static int classify_from(rd_class **out, const rd_activity *acts, size_t n, const rd_load *load,
			 rd_date from, rd_diag *diag)
{
	const rd_activity **order = test_calloc(n + 1, sizeof *order);
	rd_activity *sorted = test_calloc(n + 1, sizeof *sorted);
	rd_class *c = test_calloc(n + 1, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		order[i] = &acts[i];
		c[i].kind = (rd_run_kind)-1;
	}
	qsort(order, n, sizeof *order, by_start);
	for (size_t i = 0; i < n; i++)
		sorted[i] = *order[i];
	rd_acts src = rd_acts_array(sorted, n);
	rd_classify_ref ref;
	rd_classify_pass *pass = NULL;
	rd_classified one;
	int rc = rd_classify_prepare(&ref, &src, load, NULL, diag);
	if (!rc)
		rc = rd_classify_open(&pass, &src, load, &ref, from);
	while (!rc && (rc = rd_classify_next(&one, pass)) > 0) {
		rc = 0;
		c[order[one.act - sorted] - acts] = one.cls;
	}
	rd_classify_close(pass);
	test_free(order);
	test_free(sorted);
	if (rc)
		test_free(c);
	*out = rc ? NULL : c;
	return rc;
}

static rd_class *classify(const history *h, rd_load **load)
{
	rd_load_options opt = {190, 60};
	rd_class *c = NULL;
	assert_int_equal(load_of(load, h->a, h->n, &opt), 0);
	assert_int_equal(classify_from(&c, h->a, h->n, *load, RD_DATE_NONE, NULL), 0);
	return c;
}

static const rd_class *find(const history *h, const rd_class *c, const char *name, rd_date day)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->a[i].name, name) && rd_activity_date(&h->a[i]) == day)
			return &c[i];
	fail_msg("no activity %s", name);
	return NULL;
}

/* Every activity got the kind it was made for, and its reason starts with
 * that kind. */
static void check_kinds(const history *h, const rd_class *c)
{
	for (size_t i = 0; i < h->n; i++) {
		if (c[i].kind != h->want[i])
			fail_msg("activity %zu (%s): %s, expected %s (%s)", i, h->a[i].name,
				 rd_run_kind_name(c[i].kind), rd_run_kind_name(h->want[i]), c[i].reason);
		assert_int_equal(strncmp(c[i].reason, rd_run_kind_name(c[i].kind),
					 strlen(rd_run_kind_name(c[i].kind))), 0);
	}
}

static void known_history(void **state)
{
	(void)state;
	static history h;
	build(&h);
	rd_load *load = NULL;
	rd_class *c = classify(&h, &load);
	check_kinds(&h, c);
	test_free(c);
	rd_load_free(load);
}

static void reasons_in_words(void **state)
{
	(void)state;
	static history h;
	build(&h);
	rd_load *load = NULL;
	rd_class *c = classify(&h, &load);
	rd_date mon = rd_date_from_ymd(2026, 8, 31);
	/* Easy runs 45, 45, 45, intervals 50, long 100 a week: the median is 45. */
	assert_string_equal(find(&h, c, "Sunday", mon + 6)->reason,
			    "long: 1 h 40, 2.2x your median run of 45 min");
	assert_string_equal(find(&h, c, "Sunday", mon + 5 * 7 + 6)->reason,
			    "long: 2 h 10 (2 h 00 or more)");
	assert_string_equal(find(&h, c, "Sunday", mon + 7 * 7 + 6)->reason,
			    "long: 26.0 km (25.0 km or more)");
	assert_string_equal(find(&h, c, "Race pace 2x10 min", mon + 1)->reason,
			    "hard: 40% of the time at or above 80% of heart-rate reserve (164 bpm)");
	/* 160 bpm is below 164, but the load per minute is above the 80th
	 * percentile, which is the easy-run level (8 of 48 runs are harder). */
	char want[160];
	snprintf(want, sizeof want, "hard: load 2.2 per minute, above your 80th percentile of 1.3");
	assert_string_equal(find(&h, c, "Thursday", mon + 6 * 7 + 3)->reason, want);
	assert_string_equal(find(&h, c, "Bushy parkrun", mon + 8 * 7 + 5)->reason,
			    "race: the name says \"parkrun\"");
	assert_string_equal(find(&h, c, "Saturday", mon + 9 * 7 + 5)->reason,
			    "race: marked as a race in the file");
	assert_string_equal(find(&h, c, "Ride", mon + 3 * 7 + 5)->reason,
			    "other: bike (cross-training)");
	assert_string_equal(find(&h, c, "Fartlek", mon + 4 * 7 + 3)->reason,
			    "hard: marked as a workout");
	assert_string_equal(find(&h, c, "Morning Run", mon)->reason,
			    "easy: 45 min at load 1.3 per minute, within your usual (up to 1.5)");
	test_free(c);
	rd_load_free(load);
}

static void long_is_relative(void **state)
{
	(void)state;
	/* A runner whose usual run is 20 min: 40 min is not long (under 45 min),
	 * 50 min is; the same 50 min is easy for a runner whose usual is 45. */
	static history h;
	h.n = 0;
	rd_date d0 = rd_date_from_ymd(2026, 3, 2);
	for (int i = 0; i < 12; i++)
		add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 2 * i, "Jog", 20, 3.5, 0);
	add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 5, "Jog", 40, 7, 0);
	add(&h, RD_KIND_LONG, RD_SPORT_RUN, d0 + 9, "Jog", 50, 8.75, 0);
	/* Far away in time, among 45-minute runs. */
	for (int i = 0; i < 12; i++)
		add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 200 + 2 * i, "Run", 45, 7.875, 0);
	add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 209, "Run", 50, 8.75, 0);
	rd_load *load = NULL;
	rd_class *c = NULL;
	assert_int_equal(load_of(&load, h.a, h.n, NULL), 0);
	rd_activity_load l;
	rd_load_activity(&l, load, &h.a[0]);
	assert_int_equal(l.method, RD_LOAD_PACE);
	assert_int_equal(classify_from(&c, h.a, h.n, load, RD_DATE_NONE, NULL), 0);
	check_kinds(&h, c);
	assert_string_equal(c[13].reason, "long: 50 min, 2.5x your median run of 20 min");
	test_free(c);
	rd_load_free(load);
}

/* Ten alike 40-minute runs at 139..148 bpm: the top fifth (147, 148) is
 * only a little above the median load per minute, so none is hard; a run at
 * 152 bpm, 25% over it, is. */
static void alike_runs_are_easy(void **state)
{
	(void)state;
	static history h;
	h.n = 0;
	rd_date d0 = rd_date_from_ymd(2026, 3, 2);
	for (int i = 0; i < 10; i++)
		add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 2 * i, "Run", 40, 7, 139 + i);
	add(&h, RD_KIND_HARD, RD_SPORT_RUN, d0 + 21, "Run", 40, 7.5, 152);
	rd_load *load = NULL;
	rd_class *c = classify(&h, &load);
	check_kinds(&h, c);
	assert_string_equal(c[10].reason, "hard: load 1.8 per minute, above your 80th percentile of 1.5");
	test_free(c);
	rd_load_free(load);
}

/* A run of a few seconds (a watch started by mistake) is "other", not a
 * session, and stays out of the usual run: with three 10-second false
 * starts counted, the median of the others would be 20 min and a 50-minute
 * run 2.5x it, long.  A race is a race however short (an 800 m), and a run
 * of unknown duration still counts. */
static void false_starts(void **state)
{
	(void)state;
	static history h;
	h.n = 0;
	rd_date d0 = rd_date_from_ymd(2026, 3, 2);
	for (int i = 0; i < 3; i++) {
		add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + i, "Run", 40, 7, 0);
		add(&h, RD_KIND_OTHER, RD_SPORT_RUN, d0 + i, "Run", 10.0 / 60, 0.05, 0);
	}
	add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 4, "Run", 50, 8.75, 0);
	add(&h, RD_KIND_RACE, RD_SPORT_TRACK, d0 + 5, "800 m", 1.8, 0.8, 0)->marked_race = 1;
	rd_activity *unknown = add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + 6, "Run", 0, 5, 0);
	unknown->elapsed_s = unknown->moving_s = NAN;
	rd_load *load = NULL;
	rd_class *c = classify(&h, &load);
	check_kinds(&h, c);
	assert_string_equal(c[1].reason,
			    "other: a run of 10 s, too short for a session (a watch started by mistake?)");
	test_free(c);
	rd_load_free(load);
}

static void race_words(void **state)
{
	(void)state;
	const char *w = NULL;
	assert_true(rd_name_says_race("Valencia Marathon 2026", &w));
	assert_string_equal(w, "marathon");
	assert_true(rd_name_says_race("Club XC champs", &w));
	assert_string_equal(w, "xc");
	assert_true(rd_name_says_race("City 10K", NULL));
	assert_true(rd_name_says_race("Half in 1:29!", NULL));
	assert_true(rd_name_says_race("race day", NULL));
	assert_false(rd_name_says_race("Race pace 3x2k", NULL));
	assert_false(rd_name_says_race("Excellent recovery jog", NULL));
	assert_false(rd_name_says_race("Tracey's 15k", NULL));
	/* training for a race, and runs around one, are not the race */
	assert_false(rd_name_says_race("Marathon pace 3x5k", NULL));
	assert_false(rd_name_says_race("Half marathon pace long run", NULL));
	assert_false(rd_name_says_race("Marathon training week 3", NULL));
	assert_false(rd_name_says_race("10k prep", NULL));
	assert_false(rd_name_says_race("Pre-race shakeout", NULL));
	assert_false(rd_name_says_race("Pre-race strides", NULL));
	assert_false(rd_name_says_race("Post-race jog", NULL));
	assert_false(rd_name_says_race("Race day warmup", NULL));
	assert_true(rd_name_says_race("Half marathon", &w));
	assert_string_equal(w, "half");
	assert_true(rd_name_says_race("Berlin Marathon PB!", NULL));
	assert_true(rd_name_says_race("parkrun #312", NULL));
	assert_false(rd_name_says_race("", NULL));
	assert_string_equal(rd_run_kind_name(RD_KIND_LONG), "long");
}

static void empty_and_oom(void **state)
{
	(void)state;
	rd_load *load = NULL;
	rd_class *c = NULL;
	assert_int_equal(load_of(&load, NULL, 0, NULL), 0);
	assert_int_equal(classify_from(&c, NULL, 0, load, RD_DATE_NONE, NULL), 0);
	test_free(c);
	rd_load_free(load);

	static history h;
	build(&h);
	rd_load_options opt = {190, 60};
	assert_int_equal(load_of(&load, h.a, h.n, &opt), 0);
	for (unsigned long k = 1;; k++) {
		rd_diag diag = RD_DIAG_INIT;
		rd_alloc_fail_at(k);
		int rc = classify_from(&c, h.a, h.n, load, RD_DATE_NONE, &diag);
		rd_alloc_fail_at(0);
		if (rc == 0)
			break;
		assert_int_equal(rc, RD_ENOMEM);
		assert_null(c);
		assert_true(k < 40);
	}
	test_free(c);
	rd_load_free(load);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted here). */
static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The usual run from the leading pass against its definition: runs of
 * random length at random times and UTC offsets (start order is not day
 * order), each long exactly when the median of the others within 28 days
 * says so; and a pass from a date gives the same classes from that day. */
static void window_against_definition(void **state)
{
	(void)state;
	static history h;
	rd_date d0 = rd_date_from_ymd(2025, 1, 6);
	unsigned long r = 12345;
	h.n = 0;
	for (int i = 0; i < MAX_ACTS; i++) {
		r = r * 6364136223846793005ul + 1442695040888963407ul;
		double min = 20 + (double)((r >> 33) % 91);
		rd_activity *a = add(&h, RD_KIND_EASY, RD_SPORT_RUN, d0 + (rd_date)((r >> 20) % 120), "Run",
				     min, min / 6, 0);
		a->start_utc += (int64_t)((r >> 8) % 86400) - 6 * 3600;
		a->has_utc_offset = 1;
		a->utc_offset_s = (int32_t)((r >> 40) % (28 * 3600)) - 14 * 3600;
	}
	double all[MAX_ACTS], v[MAX_ACTS];
	for (size_t i = 0; i < h.n; i++)
		all[i] = h.a[i].moving_s;
	double all_median = median_of(all, h.n);
	rd_load *load = NULL;
	rd_class *c = NULL, *from = NULL;
	rd_date cut = d0 + 50;
	assert_int_equal(load_of(&load, h.a, h.n, NULL), 0);
	assert_int_equal(classify_from(&c, h.a, h.n, load, RD_DATE_NONE, NULL), 0);
	assert_int_equal(classify_from(&from, h.a, h.n, load, cut, NULL), 0);
	size_t longs = 0;
	for (size_t i = 0; i < h.n; i++) {
		rd_date d = rd_activity_date(&h.a[i]);
		size_t k = 0;
		for (size_t j = 0; j < h.n; j++) {
			rd_date e = rd_activity_date(&h.a[j]);
			if (j != i && e >= d - 28 && e <= d + 28)
				v[k++] = h.a[j].moving_s;
		}
		double usual = k >= 3 ? median_of(v, k) : all_median, dur = h.a[i].moving_s;
		int want = dur >= 1.5 * usual && dur >= 2700;
		longs += want;
		assert_int_equal(c[i].kind == RD_KIND_LONG, want);
		if (d < cut) {
			assert_true((int)from[i].kind == -1);
			continue;
		}
		assert_int_equal(from[i].kind, c[i].kind);
		assert_string_equal(from[i].reason, c[i].reason);
	}
	assert_true(longs > 3 && longs < h.n / 2);
	test_free(c);
	test_free(from);
	rd_load_free(load);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_history),
		cmocka_unit_test(reasons_in_words),
		cmocka_unit_test(long_is_relative),
		cmocka_unit_test(alike_runs_are_easy),
		cmocka_unit_test(false_starts),
		cmocka_unit_test(race_words),
		cmocka_unit_test(empty_and_oom),
		cmocka_unit_test(window_against_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
