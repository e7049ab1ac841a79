/*
 * xml.h: the streaming expat layer shared by the GPX and TCX readers.
 *
 * An xml_reader wraps one expat parser, resolves namespaces itself (see
 * xml.c), and enforces our rules before any format code sees an event:
 *
 *   - a DOCTYPE is rejected (RD_EFORMAT): GPX and TCX never need one, and
 *     refusing it closes billion laughs, XXE and entity chains at once (no
 *     external entity handler is ever installed);
 *   - element depth, attributes per element, bytes of one text node read
 *     (text is only reported to us for elements that collect it) and bytes
 *     of the whole file are capped from rd_limits (RD_ELIMIT);
 *   - leading ASCII whitespace and UTF-8 byte order marks are skipped before
 *     expat sees them (Strava/Garmin/Fitbit exports start with spaces), with
 *     one warning; positions still count the skipped text;
 *   - every error carries the source and line:col (column 1-based).
 *
 * Element names reach the format as (namespace URI, local name): formats
 * match on the URI, never on a prefix.  The start callback returns a small
 * id (>= 0) for the element, or a negative RD_E code to stop; the layer
 * keeps the ids of open elements, so a format asks xml_parent() instead of
 * tracking paths, and the end callback receives the id back.  Text is only
 * collected for elements whose start called xml_want_text(), into a fixed
 * buffer (XML_TEXT_KEEP bytes kept, the rest counted and dropped), so parsing
 * allocates nothing per element.
 */
#ifndef RD_FORMATS_XML_H
#define RD_FORMATS_XML_H

#include "formats/reader.h"
#include "track.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XML_TEXT_KEEP 256 /* bytes of element text kept for the format */
#define XML_STACK 64      /* element ids remembered; deeper ones read as 0 */

typedef struct xml_reader xml_reader;

typedef struct xml_name {
	const char *uri; /* namespace URI, not NUL-terminated; NULL if none */
	size_t uri_len;
	const char *local; /* NUL-terminated local name */
	size_t local_len;
	/* Which declaration the URI comes from, never reused within a reader
	 * (0: no namespace): a format may memoize what it decided about a URI
	 * by this number instead of comparing the URI again. */
	unsigned ns_serial;
	unsigned depth; /* xml_depth() and xml_parent() of the element */
	int parent;
} xml_name;

/* The hot-path forms of xml_name_is / xml_ns_is for a string literal: its
 * length is known at compile time, so the comparison is a length check and
 * an inlined memcmp, never a strcmp/strlen per element. */
#define XML_IS(n, lit)                                                     \
	((n)->local_len == sizeof(lit) - 1 &&                              \
	 memcmp((n)->local, lit, sizeof(lit) - 1) == 0)
#define XML_NS_IS(n, lit)                                                  \
	((n)->uri && (n)->uri_len == sizeof(lit) - 1 &&                    \
	 memcmp((n)->uri, lit, sizeof(lit) - 1) == 0)

typedef struct xml_callbacks {
	/* An element opens at depth xml_depth(x).  atts is expat's
	 * NULL-terminated name/value list.  Returns an id >= 0 or an RD_E code
	 * (after xml_fail()). */
	int (*start)(void *ud, xml_reader *x, const xml_name *name,
		     const char **atts);
	/* The element with that id closes; text is what xml_want_text()
	 * collected (NUL-terminated, maybe truncated), else "".  Returns 0 or an
	 * RD_E code. */
	int (*end)(void *ud, xml_reader *x, int id, const char *text, size_t len);
} xml_callbacks;

/* Creates a reader.  source names the input in messages; it and limits must
 * outlive the reader.  Returns NULL when out of memory. */
xml_reader *xml_reader_new(const char *source, const rd_limits *limits,
			   const xml_callbacks *cb, void *ud,
			   const activity_sink *sink);
/* Frees x, or keeps it (its parser and buffers) for the next
 * xml_reader_new: see xml.c. */
void xml_reader_free(xml_reader *x);
/* Frees the readers kept for reuse (thread-safe; those in use stay). */
void xml_readers_release(void);

/* Push bytes / end of input.  Return 0 or the first error (sticky), whose
 * details are copied to diag. */
int xml_reader_feed(xml_reader *x, const uint8_t *buf, size_t len,
		    rd_diag *diag);
int xml_reader_finish(xml_reader *x, rd_diag *diag);

/* Collect the text of the element that is starting (call from start). */
void xml_want_text(xml_reader *x);
/* Depth of the current element (the root is 1). */
unsigned xml_depth(const xml_reader *x);
/* Id of the parent of the current element (0 at the root or too deep). */
int xml_parent(const xml_reader *x);
/* Id of the ancestor n levels up (1 = parent). */
int xml_ancestor(const xml_reader *x, unsigned n);

/* Records an error at the current line:col, stops the parser, returns
 * code.  The first error wins. */
int xml_fail(xml_reader *x, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* Sends a warning at the current line:col to the sink (if any). */
void xml_warn(xml_reader *x, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* The current position, as used in messages. */
void xml_position(const xml_reader *x, unsigned long *line,
		  unsigned long *col);

/* 1 when name is (uri, local); uri NULL matches "no namespace". */
int xml_name_is(const xml_name *n, const char *uri, const char *local);
/* 1 when n's namespace is uri (NULL: no namespace). */
int xml_ns_is(const xml_name *n, const char *uri);
/* Value of the un-namespaced attribute name, or NULL. */
const char *xml_attr(const char **atts, const char *name);

/* ---- xml_values.c ----
 *
 * Numbers: s[0..len) with surrounding whitespace, C locale, bounded copy.
 * Return 0, or RD_EFORMAT for empty, junk, overlong or non-finite text. */
int xml_parse_double(double *out, const char *s, size_t len);
/* The same for a NUL-terminated string (an attribute value). */
int xml_parse_double_z(double *out, const char *s);
int xml_parse_int(int *out, const char *s, size_t len);

/* ISO-8601 date-time ("YYYY-MM-DDTHH:MM:SS[.f][Z|+hh:mm|+hhmm|+hh]",
 * surrounding whitespace allowed, no zone read as UTC) into UNIX seconds.
 * *offset_s gets the written UTC offset, or INT32_MIN for Z or none
 * (offset_s may be NULL).  Year 0000, bad fields and trailing junk are
 * RD_EFORMAT. */
int xml_parse_time(double *out, int32_t *offset_s, const char *s, size_t len);

/* The day of the last time parsed: consecutive points share it, so its
 * calendar arithmetic is done once a day, not once a point. */
typedef struct xml_day_memo {
	char text[10]; /* "YYYY-MM-DD" as written */
	int64_t day_s;
	int valid;
} xml_day_memo;
/* xml_parse_time, with memo (zeroed before first use; NULL: none). */
int xml_parse_time_memo(double *out, int32_t *offset_s, const char *s,
			size_t len, xml_day_memo *memo);

/* Sport from a free-text type: GPX <type> (Garmin "running", Strava's
 * numbers such as 9) or TCX Sport ("Running", "Biking", "Other"). */
rd_sport xml_sport(const char *s, size_t len);

/* Copies text into dst (cap bytes with the NUL), trimming whitespace and
 * never cutting a UTF-8 sequence. */
void xml_copy_text(char *dst, size_t cap, const char *s, size_t len);

/* One activity being read (a GPX <trk>, a TCX <Activity>): the summary, its
 * accumulator and the sample being read.  Embedded in the reader's state, so
 * nothing is allocated per track or per point. */
typedef struct xml_activity {
	rd_activity a;
	char name[RD_NAME_MAX]; /* a.name points here once a name is read */
	uint16_t hr[RD_HR_BINS]; /* a.hr_seconds points here when emitted */
	track t;
	track_sample s;
	int open;           /* inside the element */
	int gap;            /* the next sample follows a segment break */
	int has_position;   /* some sample had lat/lon */
	uint32_t emitted;   /* activities handed to the sink */
	xml_day_memo day;   /* of the last point's time */
	int warned_time, warned_position;
} xml_activity;

/* Starts an activity (RD_ELIMIT past limits->max_activities). */
int xml_activity_begin(xml_activity *b, xml_reader *x, const char *source,
		       const rd_limits *limits);
/* Resets the sample at the start of a point (RD_ELIMIT when the activity
 * already has limits->max_records points). */
int xml_activity_point(xml_activity *b, xml_reader *x,
		       const rd_limits *limits);
/* Sets the sample's time from text; bad text warns once and leaves NAN. */
void xml_activity_time(xml_activity *b, xml_reader *x, const char *text,
		       size_t len);
/* Sets the sample's position; invalid or out-of-range gives no position
 * (never 0,0) and warns once. */
void xml_activity_position(xml_activity *b, xml_reader *x, double lat,
			   double lon);
/* Feeds the sample to the track (at the end of a point). */
void xml_activity_add(xml_activity *b);
/* Finishes and emits the open activity with that status; returns the
 * sink's code.  Cadence is written in strides (or revolutions) per
 * minute; for the running sports it is doubled to steps per minute, as the
 * FIT reader does. */
int xml_activity_emit(xml_activity *b, xml_reader *x,
		      const activity_sink *sink, rd_read_status status);

#endif
