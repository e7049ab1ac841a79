/*
 * reader.h: the shape every activity reader has (FIT, GPX, TCX).
 *
 * Readers are push parsers: the caller opens one for a file, feeds it the
 * (decompressed) bytes in chunks of any size, and finishes it.  A reader
 * never sees the whole file at once, so gz and zip members stream straight
 * through and memory stays bounded whatever the size of a history.
 *
 * Each activity found (a FIT file may hold several sessions, a GPX several
 * tracks) is handed to sink->emit when it is complete.  Errors: feed and
 * finish return 0 or a negative RD_E code with the details in diag (file and
 * byte offset or line:col).  After an error the reader still emits what it
 * read before the fault, with status RD_READ_PARTIAL, from finish().  Warnings
 * (a CRC mismatch, a skipped field) go to sink->warn.
 */
#ifndef RD_READER_H
#define RD_READER_H

#include "rubdown/activity.h"
#include "rubdown/error.h"

#include <stddef.h>
#include <stdint.h>

/* Resource limits: every reader enforces its own; past one is RD_ELIMIT. */
typedef struct rd_limits {
	uint64_t max_file_bytes;     /* decompressed bytes of one file (128 MiB) */
	uint32_t max_records;        /* samples per activity (2,000,000) */
	uint32_t max_xml_depth;      /* element nesting (32) */
	uint32_t max_xml_attributes; /* attributes on one element (64) */
	uint32_t max_xml_text;       /* bytes of one text node read (1 MiB) */
	uint32_t max_activities;     /* activities per file (10,000) */
	uint32_t xml_whole_bytes;    /* an XML document up to this size is
				      * parsed in one call (4 MiB; see xml.c);
				      * 0: always streamed */
} rd_limits;

void rd_limits_default(rd_limits *l);

typedef struct activity_sink {
	/* Called once per activity; a is only valid during the call.  A
	 * non-zero return stops the reader with that code. */
	int (*emit)(void *ctx, const rd_activity *a);
	void *ctx;
	rd_warn_fn warn; /* may be NULL */
	void *warn_ctx;
} activity_sink;

typedef struct reader_ops {
	const char *name; /* "fit", "gpx", "tcx" */
	/* source is the name used in messages and in rd_activity.source. */
	void *(*open)(const char *source, const activity_sink *sink,
		      const rd_limits *limits);
	int (*feed)(void *state, const uint8_t *buf, size_t len, rd_diag *diag);
	int (*finish)(void *state, rd_diag *diag);
	void (*close)(void *state);
} reader_ops;

extern const reader_ops fit_reader;
extern const reader_ops gpx_reader;
extern const reader_ops tcx_reader;

#endif
