/*
 * tcx.c: the Garmin Training Center (TCX v2) activity reader.
 *
 * What we read, and nothing else:
 *
 *   <TrainingCenterDatabase xmlns=".../TrainingCenterDatabase/v2">
 *     <Activities>                       (or MultiSportSession/FirstSport)
 *       <Activity Sport="Running">       one rd_activity; Running/Biking/Other
 *         <Lap StartTime="2016-09-12T11:19:55.000Z ">   trimmed (X02)
 *           <TotalTimeSeconds>402.0</TotalTimeSeconds>   summed: moving time
 *           <DistanceMeters>1000.0</DistanceMeters>      summed: distance
 *           <AverageHeartRateBpm><Value>157</Value></AverageHeartRateBpm>
 *           <MaximumHeartRateBpm><Value>191</Value></MaximumHeartRateBpm>
 *           <Extensions><LX><AvgRunCadence>82</AvgRunCadence></LX>  strides
 *           <Track>                      a second Track in a lap is a pause
 *             <Trackpoint>
 *               <Time>..</Time>
 *               <Position><LatitudeDegrees/><LongitudeDegrees/></Position>
 *               <AltitudeMeters/> <DistanceMeters/> (cumulative)
 *               <HeartRateBpm><Value>103</Value></HeartRateBpm>
 *               <Cadence>67</Cadence>
 *               <Extensions><TPX xmlns=".../ActivityExtension/v2">
 *                 <Speed>2.1</Speed> <RunCadence>54</RunCadence>
 *
 * The device's lap totals are what it showed the runner, so when laps carry
 * them the activity's moving time, distance, heart rate and run cadence come
 * from the laps (summed; averages weighted by lap time) and win over what
 * the track accumulator computes from the points.  The first lap's
 * StartTime is the start.  Trackpoints without Position keep their time,
 * heart rate and distance (GPS dropout, treadmill: never 0,0); a Running
 * activity without a single position is a treadmill run.  <Courses> are
 * routes, not activities.  Errors and PARTIAL as in gpx.c.
 */
#include "formats/xml.h"

#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NS_TCD1 "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v1"
#define NS_TCD2 "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
#define NS_AX2 "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
#define NS_AX1 "http://www.garmin.com/xmlschemas/ActivityExtension/v1"

enum {
	E_OTHER, E_DB, E_GROUP, E_ACTIVITY, E_LAP, E_LAP_TIME, E_LAP_DIST,
	E_LAP_AVG_HR, E_LAP_MAX_HR, E_VALUE, E_TRACK, E_POINT, E_TIME,
	E_POSITION, E_LAT, E_LON, E_ALT, E_DIST, E_HR, E_CAD, E_EXT, E_TPX,
	E_SPEED, E_RUN_CAD, E_COURSE, E_LAP_EXT, E_LX, E_LAP_RUN_CAD
};

typedef struct laps {
	uint32_t count;
	double time_s, dist_m, cur_time_s;
	int has_time, has_dist, max_hr;
	double hr_weighted, hr_time;
	double cad_weighted, cad_time;
	double start;
} laps;

typedef struct tcx {
	xml_reader *x;
	activity_sink sink;
	rd_limits limits;
	char source[512];
	char root_ns[128];
	size_t root_ns_len;
	int has_root_ns;
	unsigned core_serial; /* memo of core_ns(): declaration, answer */
	int core_answer;
	unsigned ax_serial; /* memo of the ActivityExtension test */
	int ax_answer;
	uint32_t courses, points_in_lap;
	double lat, lon;
	laps lap;
	xml_activity act;
} tcx;

static int core_uri(const tcx *t, const xml_name *n)
{
	if (t->has_root_ns && n->uri_len == t->root_ns_len &&
	    memcmp(n->uri, t->root_ns, n->uri_len) == 0)
		return 1;
	return XML_NS_IS(n, NS_TCD2) || XML_NS_IS(n, NS_TCD1);
}

/* Memoized by declaration: the URI is compared once per xmlns, not once
 * per element. */
static int core_ns(tcx *t, const xml_name *n)
{
	if (!n->uri)
		return 1;
	if (n->ns_serial != t->core_serial) {
		t->core_serial = n->ns_serial;
		t->core_answer = core_uri(t, n);
	}
	return t->core_answer;
}


static int root(tcx *t, const xml_name *n)
{
	if (!XML_IS(n, "TrainingCenterDatabase"))
		return xml_fail(t->x, RD_EFORMAT, "root element is <%s>, "
				"expected <TrainingCenterDatabase>", n->local);
	if (n->uri && n->uri_len < sizeof t->root_ns) {
		memcpy(t->root_ns, n->uri, n->uri_len);
		t->root_ns_len = n->uri_len;
		t->has_root_ns = 1;
	}
	return E_DB;
}

static int activity_start(tcx *t, const char **atts)
{
	int rc = xml_activity_begin(&t->act, t->x, t->source, &t->limits);
	if (rc)
		return rc;
	memset(&t->lap, 0, sizeof t->lap);
	t->lap.start = NAN;
	const char *sport = xml_attr(atts, "Sport");
	if (sport)
		t->act.a.sport = xml_sport(sport, strlen(sport));
	return E_ACTIVITY;
}

static int lap_start(tcx *t, const char **atts)
{
	const char *st = xml_attr(atts, "StartTime");
	double when;
	if (st && t->lap.count == 0 &&
	    xml_parse_time(&when, NULL, st, strlen(st)) == 0)
		t->lap.start = when;
	t->lap.count++;
	t->lap.cur_time_s = NAN;
	t->points_in_lap = 0;
	return E_LAP;
}

static int text(tcx *t, int id)
{
	xml_want_text(t->x);
	return id;
}

/* Containers: Activities, MultiSportSession, FirstSport, NextSport. */
static int in_group(tcx *t, const xml_name *n, const char **atts)
{
	if (XML_IS(n, "Activity"))
		return activity_start(t, atts);
	if (XML_IS(n, "Course"))
		return t->courses++, E_COURSE;
	if (XML_IS(n, "MultiSportSession") || XML_IS(n, "FirstSport") ||
	    XML_IS(n, "NextSport"))
		return E_GROUP;
	return E_OTHER;
}

static int in_lap(tcx *t, const xml_name *n)
{
	if (XML_IS(n, "TotalTimeSeconds"))
		return text(t, E_LAP_TIME);
	if (XML_IS(n, "DistanceMeters"))
		return text(t, E_LAP_DIST);
	if (XML_IS(n, "AverageHeartRateBpm"))
		return E_LAP_AVG_HR;
	if (XML_IS(n, "MaximumHeartRateBpm"))
		return E_LAP_MAX_HR;
	if (XML_IS(n, "Track")) {
		t->act.gap = t->points_in_lap > 0;
		return E_TRACK;
	}
	return XML_IS(n, "Extensions") ? E_LAP_EXT : E_OTHER;
}

static int in_point(tcx *t, const xml_name *n)
{
	if (XML_IS(n, "Time"))
		return text(t, E_TIME);
	if (XML_IS(n, "Position")) {
		t->lat = t->lon = NAN;
		return E_POSITION;
	}
	if (XML_IS(n, "AltitudeMeters"))
		return text(t, E_ALT);
	if (XML_IS(n, "DistanceMeters"))
		return text(t, E_DIST);
	if (XML_IS(n, "HeartRateBpm"))
		return E_HR;
	if (XML_IS(n, "Cadence"))
		return text(t, E_CAD);
	return XML_IS(n, "Extensions") ? E_EXT : E_OTHER;
}

static int in_position(tcx *t, const xml_name *n)
{
	if (XML_IS(n, "LatitudeDegrees"))
		return text(t, E_LAT);
	return XML_IS(n, "LongitudeDegrees") ? text(t, E_LON) : E_OTHER;
}

/* Trackpoint: <Extensions><TPX><Speed/><RunCadence/>, and
 * Lap: <Extensions><LX><AvgRunCadence/>, in ActivityExtension/v2. */
static int extension(tcx *t, const xml_name *n, int parent)
{
	if (!n->uri)
		return E_OTHER;
	if (n->ns_serial != t->ax_serial) { /* memoized as core_ns() */
		t->ax_serial = n->ns_serial;
		t->ax_answer = XML_NS_IS(n, NS_AX2) || XML_NS_IS(n, NS_AX1);
	}
	if (!t->ax_answer)
		return E_OTHER;
	if (parent == E_EXT)
		return XML_IS(n, "TPX") ? E_TPX : E_OTHER;
	if (parent == E_LAP_EXT)
		return XML_IS(n, "LX") ? E_LX : E_OTHER;
	if (parent == E_LX)
		return XML_IS(n, "AvgRunCadence") ? text(t, E_LAP_RUN_CAD) : E_OTHER;
	if (XML_IS(n, "Speed"))
		return text(t, E_SPEED);
	return XML_IS(n, "RunCadence") ? text(t, E_RUN_CAD) : E_OTHER;
}

static int nested(tcx *t, const xml_name *n, const char **atts, int parent)
{
	switch (parent) {
	case E_DB:
		return XML_IS(n, "Activities") || XML_IS(n, "Courses") ? E_GROUP :
								 E_OTHER;
	case E_GROUP: return in_group(t, n, atts);
	case E_ACTIVITY: return XML_IS(n, "Lap") ? lap_start(t, atts) : E_OTHER;
	case E_LAP: return in_lap(t, n);
	case E_LAP_AVG_HR:
	case E_LAP_MAX_HR:
	case E_HR: return XML_IS(n, "Value") ? text(t, E_VALUE) : E_OTHER;
	case E_TRACK:
		if (!XML_IS(n, "Trackpoint") || xml_ancestor(t->x, 3) != E_ACTIVITY)
			return E_OTHER;
		return xml_activity_point(&t->act, t->x, &t->limits) ? RD_ELIMIT
								     : E_POINT;
	case E_POINT: return in_point(t, n);
	case E_POSITION: return in_position(t, n);
	default: return E_OTHER;
	}
}

static int on_start(void *ud, xml_reader *x, const xml_name *n,
		    const char **atts)
{
	tcx *t = ud;
	(void)x; /* t->x */
	if (n->depth == 1)
		return root(t, n);
	int parent = n->parent;
	if (parent == E_EXT || parent == E_TPX || parent == E_LAP_EXT ||
	    parent == E_LX)
		return extension(t, n, parent);
	return core_ns(t, n) ? nested(t, n, atts, parent) : E_OTHER;
}

static void set_int(int *out, const char *s, size_t len, int max)
{
	int v;
	if (xml_parse_int(&v, s, len) == 0 && v >= 0 && v <= max)
		*out = v;
}

static double lap_weight(const tcx *t)
{
	return isnan(t->lap.cur_time_s) ? 1 : t->lap.cur_time_s;
}

static void lap_value(tcx *t, const char *s, size_t len)
{
	int v = -1;
	set_int(&v, s, len, 255);
	if (v <= 0)
		return;
	if (xml_parent(t->x) == E_LAP_MAX_HR) {
		if (v > t->lap.max_hr)
			t->lap.max_hr = v;
		return;
	}
	t->lap.hr_weighted += v * lap_weight(t);
	t->lap.hr_time += lap_weight(t);
}

static void lap_number(tcx *t, int id, const char *s, size_t len)
{
	double v;
	if (xml_parse_double(&v, s, len) || v < 0)
		return;
	if (id == E_LAP_RUN_CAD) {
		t->lap.cad_weighted += v * lap_weight(t);
		t->lap.cad_time += lap_weight(t);
	} else if (id == E_LAP_TIME) {
		t->lap.cur_time_s = v;
		t->lap.time_s += v;
		t->lap.has_time = 1;
	} else {
		t->lap.dist_m += v;
		t->lap.has_dist = 1;
	}
}

static int point_end(tcx *t)
{
	t->points_in_lap++;
	xml_activity_add(&t->act);
	return 0;
}

/* Lap totals win over what the points give. */
static int activity_end(tcx *t)
{
	rd_activity *a = &t->act.a;
	if (t->lap.has_time)
		a->moving_s = t->lap.time_s;
	if (t->lap.has_dist)
		a->distance_m = t->lap.dist_m;
	if (t->lap.max_hr > 0)
		a->max_hr = t->lap.max_hr;
	if (t->lap.hr_time > 0)
		a->avg_hr = (int)lround(t->lap.hr_weighted / t->lap.hr_time);
	if (t->lap.cad_time > 0)
		a->avg_cadence = (int)lround(t->lap.cad_weighted / t->lap.cad_time);
	if (!isnan(t->lap.start))
		a->start_utc = (int64_t)floor(t->lap.start);
	if (a->sport == RD_SPORT_RUN && !t->act.has_position &&
	    t->act.t.records > 0)
		a->sport = RD_SPORT_TREADMILL;
	return xml_activity_emit(&t->act, t->x, &t->sink, RD_READ_OK);
}

static void point_value(tcx *t, int id, const char *s, size_t len)
{
	track_sample *p = &t->act.s;
	switch (id) {
	case E_TIME: xml_activity_time(&t->act, t->x, s, len); break;
	case E_LAT: xml_parse_double(&t->lat, s, len); break;
	case E_LON: xml_parse_double(&t->lon, s, len); break;
	case E_POSITION: xml_activity_position(&t->act, t->x, t->lat, t->lon); break;
	case E_ALT: xml_parse_double(&p->alt_m, s, len); break;
	case E_DIST: xml_parse_double(&p->dist_m, s, len); break;
	case E_VALUE: set_int(&p->hr, s, len, 255); break;
	case E_CAD: set_int(&p->cadence, s, len, 254); break;
	case E_RUN_CAD: set_int(&p->cadence, s, len, 254); break;
	case E_SPEED: xml_parse_double(&p->speed_mps, s, len); break;
	default: break;
	}
}

static int on_end(void *ud, xml_reader *x, int id, const char *s, size_t len)
{
	tcx *t = ud;
	switch (id) {
	case E_ACTIVITY: return activity_end(t);
	case E_POINT: return point_end(t);
	case E_LAP_TIME:
	case E_LAP_RUN_CAD:
	case E_LAP_DIST: lap_number(t, id, s, len); return 0;
	case E_VALUE:
		if (xml_parent(x) != E_HR) {
			lap_value(t, s, len);
			return 0;
		}
		break;
	default: break;
	}
	point_value(t, id, s, len);
	return 0;
}

static const xml_callbacks CALLBACKS = {on_start, on_end};

static void *tcx_open(const char *source, const activity_sink *sink,
		      const rd_limits *limits)
{
	tcx *t = rd_calloc(1, sizeof *t);
	if (!t)
		return NULL;
	snprintf(t->source, sizeof t->source, "%s", source ? source : "");
	t->sink = *sink;
	if (limits)
		t->limits = *limits;
	else
		rd_limits_default(&t->limits);
	t->x = xml_reader_new(t->source, &t->limits, &CALLBACKS, t, &t->sink);
	if (!t->x) {
		rd_free(t);
		return NULL;
	}
	return t;
}

static int tcx_feed(void *state, const uint8_t *buf, size_t len,
		    rd_diag *diag)
{
	tcx *t = state;
	return xml_reader_feed(t->x, buf, len, diag);
}

static int tcx_finish(void *state, rd_diag *diag)
{
	tcx *t = state;
	int rc = xml_reader_finish(t->x, diag);
	if (rc && t->act.open && t->act.t.records > 0)
		xml_activity_emit(&t->act, t->x, &t->sink, RD_READ_PARTIAL);
	else if (!rc && t->act.emitted == 0)
		xml_warn(t->x, "no <Activity> found: %u courses are not "
			       "activities", (unsigned)t->courses);
	return rc;
}

static void tcx_close(void *state)
{
	tcx *t = state;
	if (!t)
		return;
	xml_reader_free(t->x);
	rd_free(t);
}

const reader_ops tcx_reader = {"tcx", tcx_open, tcx_feed, tcx_finish,
			       tcx_close};
