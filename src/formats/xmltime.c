/*
 * xmltime.c: the ISO-8601 timestamps of GPX and TCX.
 *
 *   2017-10-08T14:54:11Z            GPX 1.1, Strava
 *   2017-10-08T14:54:11.000Z        Garmin Connect
 *   1901-12-13T20:45:52.207343      gpxpy (no zone: read as UTC, as GPX says)
 *   2016-09-12T11:19:55+02:00       offsets, also +0200 and +02
 *   "2017-09-12T23:27:00Z "         trailing space in a Lap StartTime (X02)
 *
 * Year 0000 does not exist in ISO-8601 dates as GPX uses them and is what
 * broken loggers write (X09): it is rejected, so the point keeps no time.
 * A space instead of the 'T' is accepted.
 */
#include "formats/xml.h"

#include "rubdown/date.h"

#include <limits.h>
#include <string.h>

typedef struct cursor {
	const char *p, *end;
} cursor;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads exactly n digits. */
static int digits(cursor *c, int n, int *out)
{
	if (c->end - c->p < n)
		return -1;
	int v = 0;
	for (int i = 0; i < n; i++) {
		char d = c->p[i];
		if (d < '0' || d > '9')
			return -1;
		v = v * 10 + (d - '0');
	}
	c->p += n;
	*out = v;
	return 0;
}

static int expect(cursor *c, char ch)
{
	if (c->p == c->end || *c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* ".ddd" (any number of digits); none is 0. */
static int fraction(cursor *c, double *out)
{
	*out = 0;
	if (c->p == c->end || (*c->p != '.' && *c->p != ','))
		return 0;
	c->p++;
	double scale = 0.1;
	const char *start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		*out += (*c->p - '0') * scale;
		scale /= 10;
		c->p++;
	}
	return c->p == start ? -1 : 0;
}

/* "Z", "", "+hh:mm", "+hhmm", "+hh" (or '-'). */
static int zone(cursor *c, int32_t *offset)
{
	*offset = INT32_MIN;
	if (c->p == c->end)
		return 0;
	if (*c->p == 'Z' || *c->p == 'z') {
		c->p++;
		return 0;
	}
	if (*c->p != '+' && *c->p != '-')
		return -1;
	int sign = *c->p++ == '-' ? -1 : 1, h, m = 0;
	if (digits(c, 2, &h))
		return -1;
	if (c->p < c->end) {
		if (*c->p == ':')
			c->p++;
		if (digits(c, 2, &m))
			return -1;
	}
	if (h > 14 || m > 59)
		return -1;
	*offset = sign * (h * 3600 + m * 60);
	return 0;
}

static int date_part(cursor *c, int64_t *day_s, xml_day_memo *memo)
{
	if (memo && memo->valid && c->end - c->p >= 10 &&
	    memcmp(c->p, memo->text, 10) == 0) {
		*day_s = memo->day_s; /* same "YYYY-MM-DD" as the last point */
		c->p += 10;
		return 0;
	}
	const char *start = c->p;
	int y, mo, d;
	if (digits(c, 4, &y) || expect(c, '-') || digits(c, 2, &mo) ||
	    expect(c, '-') || digits(c, 2, &d))
		return -1;
	if (y == 0 || !rd_date_valid(y, mo, d))
		return -1;
	*day_s = rd_date_to_unix(rd_date_from_ymd(y, mo, d));
	if (memo) {
		memcpy(memo->text, start, 10);
		memo->day_s = *day_s;
		memo->valid = 1;
	}
	return 0;
}

static int time_part(cursor *c, double *secs)
{
	int h, mi, s;
	double frac;
	if (digits(c, 2, &h) || expect(c, ':') || digits(c, 2, &mi) ||
	    expect(c, ':') || digits(c, 2, &s) || fraction(c, &frac))
		return -1;
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	*secs = h * 3600.0 + mi * 60.0 + s + frac;
	return 0;
}

int xml_parse_time(double *out, int32_t *offset_s, const char *s, size_t len)
{
	return xml_parse_time_memo(out, offset_s, s, len, NULL);
}

int xml_parse_time_memo(double *out, int32_t *offset_s, const char *s,
			size_t len, xml_day_memo *memo)
{
	cursor c = {s, s + len};
	while (c.p < c.end && is_space(*c.p))
		c.p++;
	while (c.end > c.p && is_space(c.end[-1]))
		c.end--;
	int64_t day_s;
	double secs;
	int32_t off;
	if (date_part(&c, &day_s, memo))
		return RD_EFORMAT;
	if (c.p == c.end || (*c.p != 'T' && *c.p != 't' && *c.p != ' '))
		return RD_EFORMAT;
	c.p++;
	if (time_part(&c, &secs) || zone(&c, &off) || c.p != c.end)
		return RD_EFORMAT;
	*out = (double)day_s + secs - (off == INT32_MIN ? 0 : off);
	if (offset_s)
		*offset_s = off;
	return 0;
}
