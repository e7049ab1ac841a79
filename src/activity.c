/* activity.c: rd_activity defaults, sport names and reader limits. */
#include "rubdown/activity.h"

#include "alloc.h"
#include "formats/reader.h"

#include <math.h>
#include <string.h>

void rd_activity_set_source(rd_activity *a, const char *s)
{
	a->source = s ? s : "";
}

void rd_activity_set_name(rd_activity *a, const char *s)
{
	a->name = s ? s : "";
}

unsigned rd_activity_hr_at(const rd_activity *a, int bpm)
{
	if (bpm < a->hr_low || bpm >= a->hr_low + a->hr_bins)
		return 0;
	return a->hr_seconds[bpm - a->hr_low];
}

void rd_activity_init(rd_activity *a)
{
	memset(a, 0, sizeof *a);
	a->source = "";
	a->name = "";
	a->sport = RD_SPORT_UNKNOWN;
	a->start_utc = INT64_MIN;
	a->elapsed_s = NAN;
	a->moving_s = NAN;
	a->distance_m = NAN;
	a->ascent_m = NAN;
	a->avg_hr = a->max_hr = -1;
	a->avg_cadence = -1;
	a->status = RD_READ_OK;
}

int rd_sport_is_run(rd_sport s)
{
	return s == RD_SPORT_RUN || s == RD_SPORT_TRAIL ||
	       s == RD_SPORT_TREADMILL || s == RD_SPORT_TRACK;
}

double rd_activity_duration_s(const rd_activity *a)
{
	if (isfinite(a->moving_s) && a->moving_s > 0)
		return a->moving_s;
	if (isfinite(a->elapsed_s) && a->elapsed_s > 0)
		return a->elapsed_s;
	return 0.0;
}

const char *rd_sport_name(rd_sport s)
{
	switch (s) {
	case RD_SPORT_RUN: return "run";
	case RD_SPORT_TRAIL: return "trail";
	case RD_SPORT_TREADMILL: return "treadmill";
	case RD_SPORT_TRACK: return "track";
	case RD_SPORT_WALK: return "walk";
	case RD_SPORT_BIKE: return "bike";
	case RD_SPORT_SWIM: return "swim";
	case RD_SPORT_OTHER: return "other";
	default: return "unknown";
	}
}

void rd_limits_default(rd_limits *l)
{
	l->max_file_bytes = 128u * 1024 * 1024;
	l->max_records = 2000000;
	l->max_xml_depth = 32;
	l->max_xml_attributes = 64;
	l->max_xml_text = 1024 * 1024;
	l->max_activities = 10000;
	l->xml_whole_bytes = 4u << 20;
}

/* ---- an array as an rd_acts ---- */

typedef struct array_pass {
	const rd_activity *at, *end;
} array_pass;

static void *array_open(const rd_acts *src, int64_t from_utc)
{
	array_pass *p = rd_malloc(sizeof *p);
	if (!p)
		return NULL;
	const rd_activity *acts = src->ctx;
	p->at = acts;
	p->end = acts ? acts + src->count : acts;
	if (from_utc != INT64_MIN) /* known starts come first, in order */
		while (p->at < p->end && p->at->start_utc != INT64_MIN &&
		       p->at->start_utc < from_utc)
			p->at++;
	if (from_utc != INT64_MIN) /* unknown starts are never reached */
		while (p->end > p->at && p->end[-1].start_utc == INT64_MIN)
			p->end--;
	return p;
}

static const rd_activity *array_next(void *pass, int *rc)
{
	array_pass *p = pass;
	*rc = 0;
	return p->at < p->end ? p->at++ : NULL;
}

static void array_close(void *pass)
{
	rd_free(pass);
}

rd_acts rd_acts_array(const rd_activity *acts, size_t n)
{
	rd_acts src = {(void *)acts, n, array_open, array_next, array_close};
	return src;
}
