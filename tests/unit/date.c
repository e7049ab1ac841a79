/* Dates: parsing, arithmetic, weekdays, months. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "rubdown/date.h"
#include "rubdown/error.h"

static void parse_valid(void **state)
{
	(void)state;
	rd_date d;
	assert_int_equal(rd_date_parse(&d, "1970-01-01", 10), 0);
	assert_int_equal(d, 0);
	assert_int_equal(rd_date_parse(&d, "2026-11-23", 10), 0);
	assert_int_equal(rd_date_weekday(d), 0); /* a Monday */
	char buf[11];
	rd_date_format(d, buf);
	assert_string_equal(buf, "2026-11-23");
	assert_int_equal(rd_date_parse(&d, "2024-02-29", 10), 0);
}

static void parse_invalid(void **state)
{
	(void)state;
	rd_date d;
	const char *bad[] = {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10",
			     "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01x",
			     "", "2026-01-32", "0000-01-01", "abcd-ef-gh"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(rd_date_parse(&d, bad[i], strlen(bad[i])), RD_EFORMAT);
}

static void roundtrip_every_day(void **state)
{
	(void)state;
	for (rd_date d = rd_date_from_ymd(1899, 12, 25); d < rd_date_from_ymd(2101, 1, 7); d++) {
		int y, m, day;
		rd_date_to_ymd(d, &y, &m, &day);
		assert_true(rd_date_valid(y, m, day));
		assert_int_equal(rd_date_from_ymd(y, m, day), d);
		assert_int_equal(rd_date_weekday(d + 7), rd_date_weekday(d));
	}
}

static void months_and_unix(void **state)
{
	(void)state;
	rd_date d = rd_date_from_ymd(2026, 12, 31);
	assert_int_equal(rd_date_month(d + 1), rd_date_month(d) + 1);
	assert_int_equal(rd_days_in_month(2024, 2), 29);
	assert_int_equal(rd_days_in_month(2100, 2), 28);
	assert_int_equal(rd_date_from_unix(-1), -1);
	assert_int_equal(rd_date_from_unix(86399), 0);
	assert_int_equal(rd_date_to_unix(1), 86400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_valid),
		cmocka_unit_test(parse_invalid),
		cmocka_unit_test(roundtrip_every_day),
		cmocka_unit_test(months_and_unix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
