/*
 * gpx.c: the GPX 1.0 / 1.1 activity reader (push parser over xml.h).
 *
 * What we read, and nothing else:
 *
 *   <gpx xmlns="http://www.topografix.com/GPX/1/1">      (or GPX/1/0, or none)
 *     <trk>                           one rd_activity per track
 *       <name>Corenc Running</name>   -> name
 *       <type>running</type>          -> sport (Garmin words, Strava numbers: 9)
 *       <trkseg>                      a new segment is a pause: the first
 *         <trkpt lat=".." lon="..">   point after a break is fed as paused
 *           <ele>236.8</ele>
 *           <time>2017-10-08T14:54:11.000Z</time>
 *           <speed>1.2</speed>        (GPX 1.0)
 *           <extensions>
 *             <gpxtpx:TrackPointExtension>   Garmin TPX v1 or v2, any prefix
 *               <gpxtpx:hr>127</gpxtpx:hr>
 *               <gpxtpx:cad>80</gpxtpx:cad>  strides/min for running
 *
 * Inside a point's <extensions>, heart rate and cadence are matched on
 * namespace URI + local name: TrackPointExtension v1/v2 hr and cad, cluetrust
 * gpxdata hr and cadence, and the bare <hr>/<heartrate>/<cad>/<cadence> that
 * gpxpy's files carry without a namespace (or in the GPX one).  Core
 * elements are read in the root's namespace, GPX 1.0/1.1, or none.
 *
 * <rte> and <wpt> are plans and places, not activities: a file with only
 * those yields no activity and a warning.  A point without a valid time
 * (or one before 1980, when GPS time began) keeps its position and heart
 * rate but sets neither start nor end (X09);
 * a point without lat/lon is kept without a position (never 0,0).  A track
 * is emitted at its </trk>; after an error, finish() emits the track in
 * progress as RD_READ_PARTIAL and returns the error.
 */
#include "formats/xml.h"

#include "alloc.h"

#include <stdio.h>
#include <string.h>

#define NS_GPX10 "http://www.topografix.com/GPX/1/0"
#define NS_GPX11 "http://www.topografix.com/GPX/1/1"
#define NS_TPX1 "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
#define NS_TPX2 "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
#define NS_GPXDATA "http://www.cluetrust.com/XML/GPXDATA/1/0"

enum {
	E_OTHER, E_GPX, E_TRK, E_NAME, E_TYPE, E_TRKSEG, E_TRKPT, E_ELE,
	E_TIME, E_SPEED, E_EXT, E_HR, E_CAD, E_RTE, E_WPT
};

typedef struct gpx {
	xml_reader *x;
	activity_sink sink;
	rd_limits limits;
	char source[512];
	char root_ns[128]; /* the <gpx> element's namespace, if any */
	size_t root_ns_len;
	int has_root_ns;
	unsigned core_serial; /* memo of core_ns(): declaration, answer */
	int core_answer;
	unsigned ext_serial; /* memo of ext_ns() */
	int ext_kind;
	unsigned ext_depth; /* depth of the point's <extensions>, or 0 */
	uint32_t routes, waypoints, points_in_track;
	xml_activity act;
} gpx;

/* The GPX namespaces, the root's, or none. */
static int core_uri(const gpx *g, const xml_name *n)
{
	if (g->has_root_ns && n->uri_len == g->root_ns_len &&
	    memcmp(n->uri, g->root_ns, n->uri_len) == 0)
		return 1;
	return XML_NS_IS(n, NS_GPX11) || XML_NS_IS(n, NS_GPX10);
}

/* Memoized by declaration: the URI is compared once per xmlns, not once
 * per element. */
static int core_ns(gpx *g, const xml_name *n)
{
	if (!n->uri)
		return 1;
	if (n->ns_serial != g->core_serial) {
		g->core_serial = n->ns_serial;
		g->core_answer = core_uri(g, n);
	}
	return g->core_answer;
}


static int root(gpx *g, const xml_name *n)
{
	if (!XML_IS(n, "gpx"))
		return xml_fail(g->x, RD_EFORMAT,
				"root element is <%s>, expected <gpx>", n->local);
	if (n->uri && n->uri_len < sizeof g->root_ns) {
		memcpy(g->root_ns, n->uri, n->uri_len);
		g->root_ns_len = n->uri_len;
		g->has_root_ns = 1;
	}
	return E_GPX;
}

static int track_start(gpx *g)
{
	int rc = xml_activity_begin(&g->act, g->x, g->source, &g->limits);
	g->points_in_track = 0;
	return rc ? rc : E_TRK;
}

static int point_start(gpx *g, const char **atts)
{
	int rc = xml_activity_point(&g->act, g->x, &g->limits);
	if (rc)
		return rc;
	double lat = NAN, lon = NAN;
	const char *la = NULL, *lo = NULL;
	for (; atts[0]; atts += 2) { /* the first of each, as xml_attr() */
		const char *a = atts[0];
		if (a[0] == 'l' && a[1] == 'a' && a[2] == 't' && !a[3] && !la)
			la = atts[1];
		else if (a[0] == 'l' && a[1] == 'o' && a[2] == 'n' && !a[3] && !lo)
			lo = atts[1];
	}
	if (la && lo && xml_parse_double_z(&lat, la) == 0 &&
	    xml_parse_double_z(&lon, lo) == 0)
		xml_activity_position(&g->act, g->x, lat, lon);
	else
		xml_activity_position(&g->act, g->x, NAN, NAN);
	return E_TRKPT;
}

enum { EXT_TPX = 1, EXT_GPXDATA, EXT_OTHER };

/* Which extension namespace n is in, memoized by declaration as core_ns. */
static int ext_ns(gpx *g, const xml_name *n)
{
	if (!n->uri || n->ns_serial != g->ext_serial) {
		g->ext_serial = n->uri ? n->ns_serial : 0;
		g->ext_kind = XML_NS_IS(n, NS_TPX1) || XML_NS_IS(n, NS_TPX2) ? EXT_TPX :
			      XML_NS_IS(n, NS_GPXDATA) ? EXT_GPXDATA : EXT_OTHER;
	}
	return g->ext_kind;
}

/* Heart rate or cadence inside a point's <extensions>. */
static int extension(gpx *g, const xml_name *n)
{
	int kind = ext_ns(g, n);
	if (kind == EXT_TPX)
		return XML_IS(n, "hr") ? E_HR : XML_IS(n, "cad") ? E_CAD : E_OTHER;
	if (kind == EXT_GPXDATA)
		return XML_IS(n, "hr") ? E_HR : XML_IS(n, "cadence") ? E_CAD : E_OTHER;
	if (!core_ns(g, n))
		return E_OTHER;
	if (XML_IS(n, "hr") || XML_IS(n, "heartrate"))
		return E_HR;
	return XML_IS(n, "cad") || XML_IS(n, "cadence") ? E_CAD : E_OTHER;
}

static int in_gpx(gpx *g, const xml_name *n)
{
	if (XML_IS(n, "trk"))
		return track_start(g);
	if (XML_IS(n, "rte"))
		return g->routes++, E_RTE;
	if (XML_IS(n, "wpt"))
		return g->waypoints++, E_WPT;
	return E_OTHER;
}

static int in_trk(gpx *g, const xml_name *n)
{
	if (XML_IS(n, "trkseg")) {
		g->act.gap = g->points_in_track > 0;
		return E_TRKSEG;
	}
	if (XML_IS(n, "name") || XML_IS(n, "type")) {
		xml_want_text(g->x);
		return XML_IS(n, "name") ? E_NAME : E_TYPE;
	}
	return E_OTHER;
}

static int in_trkpt(gpx *g, const xml_name *n)
{
	int id = XML_IS(n, "ele") ? E_ELE : XML_IS(n, "time") ? E_TIME :
		 XML_IS(n, "speed") ? E_SPEED : XML_IS(n, "extensions") ? E_EXT :
		 E_OTHER;
	if (id == E_EXT)
		g->ext_depth = n->depth;
	else if (id != E_OTHER)
		xml_want_text(g->x);
	return id;
}

static int on_start(void *ud, xml_reader *x, const xml_name *n,
		    const char **atts)
{
	gpx *g = ud;
	int parent = n->parent;
	if (g->ext_depth) {
		int id = extension(g, n);
		if (id != E_OTHER)
			xml_want_text(x);
		return id;
	}
	if (n->depth == 1)
		return root(g, n);
	if (!core_ns(g, n))
		return E_OTHER;
	switch (parent) {
	case E_GPX: return in_gpx(g, n);
	case E_TRK: return in_trk(g, n);
	case E_TRKSEG: return XML_IS(n, "trkpt") ? point_start(g, atts) : E_OTHER;
	case E_TRKPT: return in_trkpt(g, n);
	default: return E_OTHER;
	}
}

static void set_int(int *out, const char *text, size_t len, int max)
{
	int v;
	if (xml_parse_int(&v, text, len) == 0 && v >= 0 && v <= max)
		*out = v;
}

static int point_end(gpx *g)
{
	g->points_in_track++;
	xml_activity_add(&g->act);
	return 0;
}

static int track_end(gpx *g)
{
	if (g->points_in_track == 0) {
		xml_warn(g->x, "track without points skipped");
		g->act.open = 0;
		return 0;
	}
	return xml_activity_emit(&g->act, g->x, &g->sink, RD_READ_OK);
}

static int on_end(void *ud, xml_reader *x, int id, const char *text,
		  size_t len)
{
	gpx *g = ud;
	track_sample *s = &g->act.s;
	switch (id) {
	case E_TRK: return track_end(g);
	case E_TRKPT: return point_end(g);
	case E_NAME:
		xml_copy_text(g->act.name, sizeof g->act.name, text, len);
		g->act.a.name = g->act.name;
		break;
	case E_TYPE: g->act.a.sport = xml_sport(text, len); break;
	case E_ELE: xml_parse_double(&s->alt_m, text, len); break;
	case E_SPEED: xml_parse_double(&s->speed_mps, text, len); break;
	case E_TIME: xml_activity_time(&g->act, x, text, len); break;
	case E_HR: set_int(&s->hr, text, len, 255); break;
	case E_CAD: set_int(&s->cadence, text, len, 255); break;
	case E_EXT: g->ext_depth = 0; break;
	default: break;
	}
	return 0;
}

static const xml_callbacks CALLBACKS = {on_start, on_end};

static void *gpx_open(const char *source, const activity_sink *sink,
		      const rd_limits *limits)
{
	gpx *g = rd_calloc(1, sizeof *g);
	if (!g)
		return NULL;
	snprintf(g->source, sizeof g->source, "%s", source ? source : "");
	g->sink = *sink;
	if (limits)
		g->limits = *limits;
	else
		rd_limits_default(&g->limits);
	g->x = xml_reader_new(g->source, &g->limits, &CALLBACKS, g, &g->sink);
	if (!g->x) {
		rd_free(g);
		return NULL;
	}
	return g;
}

static int gpx_feed(void *state, const uint8_t *buf, size_t len,
		    rd_diag *diag)
{
	gpx *g = state;
	return xml_reader_feed(g->x, buf, len, diag);
}

static int gpx_finish(void *state, rd_diag *diag)
{
	gpx *g = state;
	int rc = xml_reader_finish(g->x, diag);
	if (rc && g->act.open && g->act.t.records > 0)
		xml_activity_emit(&g->act, g->x, &g->sink, RD_READ_PARTIAL);
	else if (!rc && g->act.emitted == 0)
		xml_warn(g->x, "no track (<trk>) found: %u routes and %u "
			       "waypoints are not activities",
			 (unsigned)g->routes, (unsigned)g->waypoints);
	return rc;
}

static void gpx_close(void *state)
{
	gpx *g = state;
	if (!g)
		return;
	xml_reader_free(g->x);
	rd_free(g);
}

const reader_ops gpx_reader = {"gpx", gpx_open, gpx_feed, gpx_finish,
			       gpx_close};
