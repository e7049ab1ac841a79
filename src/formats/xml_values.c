/*
 * xml_values.c: what the GPX and TCX readers make of XML text (see xml.h):
 * numbers (a fast path for plain decimals, strtod otherwise, never a
 * locale's decimal comma), text copies cut on a UTF-8 boundary, sport
 * names, and the activity being read, point by point, until it is emitted.
 */
#include "formats/xml.h"

#include "utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ---------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_space(**s))
		(*s)++, (*len)--;
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* "[-]ddd[.ddd]" with at most 15 digits, ending at end (NULL: at the NUL):
 * m / 10^k with both exact is correctly rounded, and several times faster
 * than strtod.  Anything else returns -1 for strtod to handle. */
static int fast_decimal(double *out, const char *s, const char *end)
{
	static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
				     1e15};
	const char *p = s + (s[0] == '-' || s[0] == '+');
	const char *int0 = p, *frac0;
	uint64_t m = 0; /* wraps only past 19 digits, which are refused */
	while (p != end && (unsigned)(*p - '0') < 10)
		m = m * 10 + (uint64_t)(*p++ - '0');
	size_t nint = (size_t)(p - int0), nfrac = 0;
	if (p != end && *p == '.') {
		frac0 = ++p;
		while (p != end && (unsigned)(*p - '0') < 10)
			m = m * 10 + (uint64_t)(*p++ - '0');
		nfrac = (size_t)(p - frac0);
	}
	if ((end ? p != end : *p != '\0') || nint + nfrac == 0 ||
	    nint + nfrac > 15)
		return -1;
	double v = (double)m / p10[nfrac];
	*out = s[0] == '-' ? -v : v;
	return 0;
}

int xml_parse_double(double *out, const char *s, size_t len)
{
	char tmp[64];
	trim(&s, &len);
	if (len && fast_decimal(out, s, s + len) == 0)
		return 0;
	if (!len || len >= sizeof tmp)
		return RD_EFORMAT;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	char *end;
	double v = strtod(tmp, &end);
	if (end != tmp + len || !isfinite(v))
		return RD_EFORMAT;
	*out = v;
	return 0;
}

int xml_parse_double_z(double *out, const char *s)
{
	if (fast_decimal(out, s, NULL) == 0)
		return 0;
	return xml_parse_double(out, s, strlen(s));
}

/* Integers as devices write them: "150", also "150.0". */
int xml_parse_int(int *out, const char *s, size_t len)
{
	trim(&s, &len);
	if (len && len <= 9) { /* plain digits: no double, no lround */
		int v = 0;
		size_t i = 0;
		while (i < len && (unsigned)(s[i] - '0') < 10)
			v = v * 10 + (s[i++] - '0');
		if (i == len) {
			*out = v;
			return 0;
		}
	}
	double v;
	if (xml_parse_double(&v, s, len) || v < -2147483647.0 ||
	    v > 2147483647.0)
		return RD_EFORMAT;
	*out = (int)lround(v);
	return 0;
}

void xml_copy_text(char *dst, size_t cap, const char *s, size_t len)
{
	trim(&s, &len);
	len = rd_utf8_cut(s, len, cap - 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static const struct {
	const char *name;
	rd_sport sport;
} SPORTS[] = {
	{"running", RD_SPORT_RUN}, {"run", RD_SPORT_RUN},
	{"9", RD_SPORT_RUN}, {"street_running", RD_SPORT_RUN},
	{"trail_running", RD_SPORT_TRAIL}, {"trailrun", RD_SPORT_TRAIL},
	{"treadmill_running", RD_SPORT_TREADMILL},
	{"treadmill", RD_SPORT_TREADMILL},
	{"indoor_running", RD_SPORT_TREADMILL},
	{"virtualrun", RD_SPORT_TREADMILL},
	{"track_running", RD_SPORT_TRACK},
	{"walking", RD_SPORT_WALK}, {"walk", RD_SPORT_WALK},
	{"10", RD_SPORT_WALK}, {"hiking", RD_SPORT_WALK},
	{"hike", RD_SPORT_WALK}, {"4", RD_SPORT_WALK},
	{"biking", RD_SPORT_BIKE}, {"cycling", RD_SPORT_BIKE},
	{"ride", RD_SPORT_BIKE}, {"1", RD_SPORT_BIKE},
	{"road_biking", RD_SPORT_BIKE}, {"mountain_biking", RD_SPORT_BIKE},
	{"virtualride", RD_SPORT_BIKE}, {"17", RD_SPORT_BIKE},
	{"swimming", RD_SPORT_SWIM}, {"swim", RD_SPORT_SWIM},
	{"16", RD_SPORT_SWIM}, {"open_water_swimming", RD_SPORT_SWIM},
	{"lap_swimming", RD_SPORT_SWIM},
};

rd_sport xml_sport(const char *s, size_t len)
{
	char low[32];
	trim(&s, &len);
	if (!len)
		return RD_SPORT_UNKNOWN;
	if (len >= sizeof low)
		return RD_SPORT_OTHER;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' :
				c == ' ' || c == '-' ? '_' : c);
	}
	low[len] = '\0';
	for (size_t i = 0; i < sizeof SPORTS / sizeof *SPORTS; i++)
		if (strcmp(low, SPORTS[i].name) == 0)
			return SPORTS[i].sport;
	return RD_SPORT_OTHER;
}

/* ---- the activity being read ---------------------------------------- */

int xml_activity_begin(xml_activity *b, xml_reader *x, const char *source,
		       const rd_limits *limits)
{
	if (b->emitted >= limits->max_activities)
		return xml_fail(x, RD_ELIMIT, "more than %u activities in one file",
				(unsigned)limits->max_activities);
	rd_activity_init(&b->a);
	rd_activity_set_source(&b->a, source);
	track_init(&b->t);
	track_sample_init(&b->s);
	b->open = 1;
	b->gap = 0;
	b->has_position = 0;
	return 0;
}

int xml_activity_point(xml_activity *b, xml_reader *x,
		       const rd_limits *limits)
{
	if (b->t.records >= limits->max_records)
		return xml_fail(x, RD_ELIMIT, "more than %u points in one activity",
				(unsigned)limits->max_records);
	track_sample_init(&b->s);
	b->s.paused = b->gap;
	b->gap = 0;
	return 0;
}

/* 1980-01-06, when GPS time began: no recording can be older.  Files with
 * 1901 or 1970 times (gpxpy's Mojstrovka.gpx, tracks stripped of their
 * times) would otherwise put a run in another century. */
#define XML_TIME_MIN 315964800.0

void xml_activity_time(xml_activity *b, xml_reader *x, const char *text,
		       size_t len)
{
	int32_t off;
	int rc = xml_parse_time_memo(&b->s.time, &off, text, len, &b->day);
	if (rc == 0 && b->s.time >= XML_TIME_MIN) {
		if (off != INT32_MIN && !b->a.has_utc_offset) {
			b->a.utc_offset_s = off;
			b->a.has_utc_offset = 1;
		}
		return;
	}
	b->s.time = NAN;
	if (b->warned_time++)
		return;
	char shown[41];
	xml_copy_text(shown, sizeof shown, text, len);
	for (char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = '?'; /* messages stay on one line */
	if (rc == 0)
		xml_warn(x, "time '%s' is before 1980, when GPS time began; the "
			    "point is kept without a time", shown);
	else
		xml_warn(x, "time '%s' is not an ISO-8601 date-time; the point is "
			    "kept without a time", shown);
}

void xml_activity_position(xml_activity *b, xml_reader *x, double lat,
			   double lon)
{
	if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
		b->s.lat = lat;
		b->s.lon = lon;
		b->has_position = 1;
		return;
	}
	if (!b->warned_position++)
		xml_warn(x, "position missing or out of range; the point is "
			    "kept without a position");
}

void xml_activity_add(xml_activity *b)
{
	track_add(&b->t, &b->s);
}

int xml_activity_emit(xml_activity *b, xml_reader *x,
		      const activity_sink *sink, rd_read_status status)
{
	b->open = 0;
	if (b->t.backwards)
		xml_warn(x, "%u points are timed before the point preceding "
			    "them; their intervals are not counted",
			 (unsigned)b->t.backwards);
	track_finish(&b->t, &b->a, b->hr);
	if (rd_sport_is_run(b->a.sport) && b->a.avg_cadence > 0)
		b->a.avg_cadence *= 2; /* strides per minute, as FIT records */
	b->a.status = status;
	b->emitted++;
	return sink->emit(sink->ctx, &b->a);
}
