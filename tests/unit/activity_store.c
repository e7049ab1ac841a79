/* Tests of the activity store (src/activity_store.c): what a history keeps of
 * each activity, and how little. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "rubdown/error.h"
#include "track.h"

#include <string.h>

/* An activity as a reader hands it over: a track's histogram, texts in
 * buffers the reader reuses. */
static uint16_t hr_bins[RD_HR_BINS]; /* the reader's, reused */

static void reader_activity(track *t, rd_activity *a, char *source, char *name)
{
	track_init(t);
	for (int i = 0; i <= 600; i++) {
		track_sample s;
		track_sample_init(&s);
		s.time = 1e9 + i;
		s.hr = 120 + i / 10; /* 120..180 bpm, 10 s each */
		track_add(t, &s);
	}
	rd_activity_init(a);
	track_finish(t, a, hr_bins);
	rd_activity_set_source(a, source);
	rd_activity_set_name(a, name);
}

static void copy_outlives_the_reader(void **state)
{
	(void)state;
	track t;
	rd_activity a, kept;
	char source[] = "export.zip!activities/1.fit.gz", name[] = "Morning Run";
	reader_activity(&t, &a, source, name);
	assert_int_equal(a.hr_low, 120);
	assert_int_equal(a.hr_bins, 60); /* 120..179: the last sample opens no interval */

	rd_activity_store *s = rd_activity_store_new();
	assert_non_null(s);
	assert_int_equal(rd_activity_store_copy(s, &kept, &a), 0);
	memset(&t, 0x55, sizeof t); /* the reader moves on */
	memset(hr_bins, 0x55, sizeof hr_bins);
	memset(source, 'x', sizeof source - 1);
	memset(name, 'y', sizeof name - 1);

	assert_string_equal(kept.source, "export.zip!activities/1.fit.gz");
	assert_string_equal(kept.name, "Morning Run");
	assert_int_equal(kept.hr_low, 120);
	assert_int_equal(kept.hr_bins, 60);
	assert_int_equal(rd_activity_hr_at(&kept, 119), 0);
	assert_int_equal(rd_activity_hr_at(&kept, 120), 10);
	assert_int_equal(rd_activity_hr_at(&kept, 150), 10);
	assert_int_equal(rd_activity_hr_at(&kept, 180), 0); /* the last sample opens no interval */
	assert_int_equal(rd_activity_hr_at(&kept, 181), 0);
	assert_int_equal(rd_activity_hr_at(&kept, -1), 0);
	assert_int_equal(rd_activity_hr_at(&kept, 100000), 0);
	rd_activity_store_free(s);
}

/* Zero bins at both ends are dropped; none left means no histogram. */
static void histogram_trimmed(void **state)
{
	(void)state;
	uint16_t h[RD_HR_BINS] = {0};
	h[90] = 5;
	h[95] = 7;
	rd_activity a, b;
	rd_activity_init(&a);
	rd_activity_set_source(&a, "ab"); /* 3 bytes before the bins */
	a.hr_seconds = h;
	a.hr_bins = RD_HR_BINS;
	rd_activity_store *s = rd_activity_store_new();
	assert_non_null(s);
	assert_int_equal(rd_activity_store_copy(s, &b, &a), 0);
	assert_int_equal(b.hr_low, 90);
	assert_int_equal(b.hr_bins, 6);
	assert_int_equal((uintptr_t)b.hr_seconds % sizeof *b.hr_seconds, 0);
	assert_int_equal(rd_activity_hr_at(&b, 90), 5);
	assert_int_equal(rd_activity_hr_at(&b, 93), 0);
	assert_int_equal(rd_activity_hr_at(&b, 95), 7);

	memset(h, 0, sizeof h);
	assert_int_equal(rd_activity_store_copy(s, &b, &a), 0);
	assert_null(b.hr_seconds);
	assert_int_equal(b.hr_bins, 0);
	assert_int_equal(rd_activity_hr_at(&b, 95), 0);
	rd_activity_store_free(s);
}

/* Texts are cut to RD_SOURCE_MAX / RD_NAME_MAX - 1 bytes, never inside a
 * UTF-8 sequence; "" and NULL are kept as "". */
static void texts_cut(void **state)
{
	(void)state;
	char source[600], name[400];
	memset(source, 'a', sizeof source - 1);
	source[sizeof source - 1] = '\0';
	for (size_t i = 0; i + 2 < sizeof name; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[sizeof name - 2] = '\0';
	rd_activity a, b;
	rd_activity_init(&a);
	rd_activity_set_source(&a, source);
	rd_activity_set_name(&a, name);
	rd_activity_store *s = rd_activity_store_new();
	assert_non_null(s);
	assert_int_equal(rd_activity_store_copy(s, &b, &a), 0);
	assert_int_equal(strlen(b.source), RD_SOURCE_MAX - 1);
	assert_int_equal(strlen(b.name), RD_NAME_MAX - 2); /* 79 whole characters */
	assert_memory_equal(b.name + RD_NAME_MAX - 4, "\xc3\xa9", 2);

	rd_activity_set_name(&a, NULL);
	assert_string_equal(a.name, "");
	assert_int_equal(rd_activity_store_copy(s, &b, &a), 0);
	assert_string_equal(b.name, "");
	rd_activity_store_free(s);
}

/* What a history pays per activity: the summary plus what the store holds,
 * about 300 bytes for this one (a 60-bin histogram and two texts), so
 * 10,000 activities take well under 3 MB. */
static void small_per_activity(void **state)
{
	(void)state;
	track t;
	rd_activity a, *kept = rd_calloc(10000, sizeof *kept);
	assert_non_null(kept);
	char source[] = "export.zip!activities/1234567890.fit.gz", name[] = "Morning Run";
	reader_activity(&t, &a, source, name);
	rd_activity_store *s = rd_activity_store_new();
	assert_non_null(s);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(rd_activity_store_copy(s, &kept[i], &a), 0);
	size_t per = rd_activity_store_bytes(s) / 10000;
	print_message("store: %zu bytes per activity, summary %zu bytes\n", per,
		      sizeof(rd_activity));
	assert_true(per >= 60 * 2 + sizeof source + sizeof name - 8);
	assert_true(per < 60 * 2 + sizeof source + sizeof name + 24);
	assert_true(sizeof(rd_activity) <= 160);
	assert_int_equal(rd_activity_hr_at(&kept[9999], 150), 10);
	rd_activity_store_free(s);
	rd_free(kept);
}

/* Out of memory: an error, and the destination is left as it was. */
static void out_of_memory(void **state)
{
	(void)state;
	track t;
	rd_activity a, b;
	char source[] = "a.fit", name[] = "";
	reader_activity(&t, &a, source, name);
	rd_activity_init(&b);
	rd_activity_store *s = rd_activity_store_new();
	assert_non_null(s);
	rd_alloc_fail_at(1);
	assert_int_equal(rd_activity_store_copy(s, &b, &a), RD_ENOMEM);
	rd_alloc_fail_at(0);
	assert_string_equal(b.source, "");
	assert_null(b.hr_seconds);
	assert_int_equal(rd_activity_store_copy(s, &b, &a), 0);
	assert_string_equal(b.source, "a.fit");
	rd_activity_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_outlives_the_reader),
		cmocka_unit_test(histogram_trimmed),
		cmocka_unit_test(texts_cut),
		cmocka_unit_test(small_per_activity),
		cmocka_unit_test(out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
