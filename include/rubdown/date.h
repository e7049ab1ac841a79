/*
 * date.h: calendar dates as day numbers.
 *
 * A rd_date counts days since 1970-01-01 (proleptic Gregorian), so date
 * arithmetic is integer arithmetic and a date fits in 32 bits.
 */
#ifndef RUBDOWN_DATE_H
#define RUBDOWN_DATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t rd_date;

#define RD_DATE_NONE INT32_MIN

/* Days from civil date; month 1..12, day 1..31 (not checked: see
 * rd_date_valid). */
rd_date rd_date_from_ymd(int year, int month, int day);
void rd_date_to_ymd(rd_date d, int *year, int *month, int *day);
int rd_date_valid(int year, int month, int day);
int rd_days_in_month(int year, int month);

/* Parses exactly "YYYY-MM-DD" (len bytes, no trailing text) into *out.
 * Returns 0, or RD_EFORMAT for anything else, including 2026-02-30. */
int rd_date_parse(rd_date *out, const char *s, size_t len);

/* Writes "YYYY-MM-DD" and a NUL into buf (11 bytes). */
void rd_date_format(rd_date d, char buf[11]);

/* 0 = Monday .. 6 = Sunday (ISO order). */
int rd_date_weekday(rd_date d);

/* "mon".."sun", and "Monday".."Sunday". */
const char *rd_weekday_short(int wd);
const char *rd_weekday_name(int wd);

/* Year*12 + month-1: a month number that sorts. */
int rd_date_month(rd_date d);

/* Today in the local time zone. */
rd_date rd_date_today(void);

/* UNIX seconds <-> date (UTC day). */
rd_date rd_date_from_unix(int64_t t);
int64_t rd_date_to_unix(rd_date d);

#ifdef __cplusplus
}
#endif
#endif
