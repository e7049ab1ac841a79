/*
 * strava_csv.h: the activities.csv of a Strava bulk export.
 *
 * A push parser (feed bytes in chunks, then finish) for RFC 4180 CSV: fields
 * separated by commas, rows by CRLF or LF, quoted fields may hold commas,
 * newlines and "" for a quote.  The first row is the header; columns are
 * found by name, whichever of the known spellings is used (the English export
 * since 2019, the older lower-case one, the German one) and by occurrence,
 * because Strava repeats names: the first "Distance" is kilometres and the
 * second metres, "Elapsed Time" appears twice, "Max Heart Rate" twice.
 * Each data row becomes a strava_row; numbers accept a decimal comma and dates
 * the forms Strava has used ("Sep 12, 2018, 3:02:23 PM", "09.12.2022,
 * 15:24:49", "2018-09-12 15:02:23"), all in UTC.
 *
 * Errors (diag, with line:col): a missing required column ("activities.csv
 * has no 'Activity ID' column"), an unterminated quoted field at the end of
 * input, a field longer than 1 MiB, more than STRAVA_CSV_MAX_ROWS rows.  Rows
 * read before an error are kept.  A row with a value we cannot read (a date in
 * an unknown format) is kept with that value unknown and a warning.
 */
#ifndef RD_STRAVA_CSV_H
#define RD_STRAVA_CSV_H

#include "rubdown/activity.h"
#include "rubdown/error.h"

#include <stddef.h>
#include <stdint.h>

#define STRAVA_CSV_MAX_FIELD (1u << 20)
#define STRAVA_CSV_MAX_ROWS 1000000u

/* The text fields are trimmed, cut to STRAVA_ID_MAX ... bytes without
 * splitting a UTF-8 sequence, never NULL, and live as long as the parser:
 * a row costs its text, not the longest text a row could have. */
#define STRAVA_ID_MAX 31
#define STRAVA_NAME_MAX 159
#define STRAVA_TYPE_MAX 63
#define STRAVA_FILENAME_MAX 511
typedef struct strava_row {
	const char *id;       /* Activity ID, as text */
	const char *name;     /* Activity Name */
	const char *type;     /* Activity Type as written ("Run", "Radfahrt") */
	const char *filename; /* Filename, relative to the export root, may be "" */
	int64_t start_utc;    /* INT64_MIN when missing or unreadable */
	double elapsed_s, moving_s, distance_m; /* NAN when missing */
	int avg_hr, max_hr;   /* -1 when missing */
	int race, workout;    /* from "Workout Type" / "Competition" columns */
	unsigned long line;   /* line where the row starts */
} strava_row;

typedef struct strava_csv strava_csv;

/* source is used in messages (copied).  warn may be NULL. */
int strava_csv_new(strava_csv **out, const char *source, rd_warn_fn warn,
		   void *warn_ctx);
int strava_csv_feed(strava_csv *c, const uint8_t *p, size_t n, rd_diag *diag);
int strava_csv_finish(strava_csv *c, rd_diag *diag);
/* Hands each row to fn as it is read instead of keeping it (its texts live
 * until fn returns); a non-zero return stops the parse with that code.
 * strava_csv_count() still counts the rows; strava_csv_row() has none. */
typedef int (*strava_row_fn)(void *ctx, const strava_row *r);
void strava_csv_set_sink(strava_csv *c, strava_row_fn fn, void *ctx);
size_t strava_csv_count(const strava_csv *c);
const strava_row *strava_csv_row(const strava_csv *c, size_t i);
void strava_csv_free(strava_csv *c);

/* Strava's activity type ("Run", "Trail Run", "Virtual Run", "Ride", "Lauf",
 * ...) as a sport; RD_SPORT_OTHER for a type we know is not listed,
 * RD_SPORT_UNKNOWN for "". */
rd_sport strava_sport(const char *type);

/* Parses one of the date forms above into UNIX seconds (UTC); RD_EFORMAT. */
int strava_parse_date(int64_t *out, const char *s);

/* Parses "12", "9.44", "9,44", "-3.5"; surrounding blanks allowed. */
int strava_parse_number(double *out, const char *s);

#endif
