/*
 * fit.h: the FIT (Flexible and Interoperable data Transfer) decoder.
 *
 * Two layers:
 *  - fit_decoder: a push decoder for the FIT protocol.  It is fed bytes in
 *    chunks of any size and calls a function once per data message, with the
 *    fields of that message already in host byte order.  It knows nothing of
 *    activities; see docs/internals/fit.md for the format as decoded.
 *  - fit_reader (reader.h): the activity mapping on top of it (file_id,
 *    session, lap, record, event, activity, sport, workout messages).
 *
 * The decoder keeps bounded state: 16 local message definitions of up to 255
 * fields and 255 developer fields each, and one carry-over buffer no larger
 * than the largest message (1 + 2 x 255 x 255 bytes).  Nothing is allocated
 * from a size read in the file header.
 */
#ifndef RD_FIT_H
#define RD_FIT_H

#include "formats/reader.h"
#include "rubdown/error.h"

#include <stddef.h>
#include <stdint.h>

#define FIT_EPOCH 631065600 /* 1989-12-31T00:00:00Z in UNIX seconds */
#define FIT_DATE_MIN 0x10000000u /* date_time below this is relative */
#define FIT_LOCAL_TYPES 16

/* Base type numbers: the low 5 bits of a field definition's base type byte.
 * A field whose size is not a multiple of its base type's size, or whose base
 * type is unknown, is delivered as FIT_BYTE. */
enum fit_base {
	FIT_ENUM = 0, FIT_SINT8, FIT_UINT8, FIT_SINT16, FIT_UINT16,
	FIT_SINT32, FIT_UINT32, FIT_STRING, FIT_FLOAT32, FIT_FLOAT64,
	FIT_UINT8Z, FIT_UINT16Z, FIT_UINT32Z, FIT_BYTE, FIT_SINT64,
	FIT_UINT64, FIT_UINT64Z, FIT_BASE_COUNT
};

/* Bytes of one element of a base type (1 for unknown numbers). */
unsigned fit_base_size(unsigned base);

/* One field of a message: where its bytes are in fit_msg.data. */
typedef struct fit_field {
	uint8_t num;       /* field number, or field_definition_number (dev) */
	uint8_t size;      /* bytes, possibly 0; an array when > base size */
	uint8_t base;      /* enum fit_base */
	uint8_t dev_index; /* developer_data_index (developer fields only) */
	uint32_t offset;   /* from fit_msg.data */
} fit_field;

/* One data message.  data holds the message content (no record header) with
 * every field already in host byte order; it is only valid during the call. */
typedef struct fit_msg {
	uint16_t global;        /* global message number */
	uint8_t local;          /* local message type 0..15 */
	uint8_t big_endian;     /* the definition's architecture */
	const uint8_t *data;
	uint32_t size;          /* bytes of data */
	const fit_field *fields;
	uint8_t nfields;
	const fit_field *dev;   /* developer fields */
	uint8_t ndev;
	uint32_t timestamp;     /* FIT seconds, from field 253 or a compressed
				   header, when has_timestamp */
	int has_timestamp;
	int compressed;         /* the record header was a compressed timestamp */
	uint64_t offset;        /* of the record header in the stream */
	uint32_t def_id;        /* the definition in use: a new number for each
				   definition message (cache key for fields) */
} fit_msg;

/* Called once per data message; a non-zero return stops the decoder with
 * that code. */
typedef int (*fit_msg_fn)(void *ctx, const fit_msg *m);

/* What the decoder saw: structure counts for tests and debug output. */
#define FIT_MAX_SEGMENTS_STATS 16
typedef struct fit_stats {
	uint32_t segments;         /* FIT files in the stream (chained) */
	uint8_t header_size[FIT_MAX_SEGMENTS_STATS];
	int8_t crc_ok[FIT_MAX_SEGMENTS_STATS]; /* 1 ok, 0 mismatch, -1 none */
	uint16_t crc_stored[FIT_MAX_SEGMENTS_STATS];
	uint16_t crc_computed[FIT_MAX_SEGMENTS_STATS];
	uint32_t definitions;
	uint32_t big_endian_definitions;
	uint32_t dev_definitions;      /* definitions with developer fields */
	uint32_t field_descriptions;   /* field_description messages */
	uint32_t compressed_headers;
	uint32_t data_messages;
	uint32_t dropped_messages;     /* compressed timestamp with no base */
	int unfinalised;               /* a header had data_size 0 */
	int trailing_ignored;          /* bytes after the last file ignored */
	int truncated;                 /* the input ended inside a file */
	int error;                     /* the RD_E code that stopped decoding */
	uint64_t error_offset;
} fit_stats;

typedef struct fit_decoder fit_decoder;

/* Creates a decoder.  source names the input in diagnostics; warn may be
 * NULL; limits may be NULL (defaults). */
int fit_decoder_new(fit_decoder **out, const char *source, fit_msg_fn fn,
		    void *ctx, rd_warn_fn warn, void *warn_ctx,
		    const rd_limits *limits);
/* Decodes len more bytes.  Returns 0, or the error that stopped decoding
 * (the same code on every later call; later bytes are ignored). */
int fit_decoder_feed(fit_decoder *d, const uint8_t *buf, size_t len,
		     rd_diag *diag);
/* The input is complete: reports truncation.  Returns 0 or an RD_E code. */
int fit_decoder_finish(fit_decoder *d, rd_diag *diag);
const fit_stats *fit_decoder_stats(const fit_decoder *d);
void fit_decoder_free(fit_decoder *d);

/* Field values.  Each returns 1 and sets *out when element i of the field is
 * present and not the base type's invalid value, else 0. */
int fit_field_uint(const fit_msg *m, const fit_field *f, unsigned i,
		   uint64_t *out);
int fit_field_sint(const fit_msg *m, const fit_field *f, unsigned i,
		   int64_t *out);
/* Any numeric base type, as value / scale - offset (the profile's rule). */
int fit_field_double(const fit_msg *m, const fit_field *f, unsigned i,
		     double scale, double offset, double *out);
/* A string field, bounded by its size and its NUL, into buf (NUL ended). */
void fit_field_string(const fit_msg *m, const fit_field *f, char *buf,
		      size_t size);
/* The field numbered num in m, or NULL. */
const fit_field *fit_msg_field(const fit_msg *m, uint8_t num);

/* CRC-16 as in the FIT SDK (polynomial 0xA001, reflected, initial 0). */
uint16_t fit_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* The profile: message and field numbers the activity mapping uses
 * (fit_profile.c).  A field is mapped to a slot with its scale and offset. */
enum fit_slot {
	FS_NONE = 0,
	FS_TIMESTAMP, FS_LAT, FS_LON, FS_ALT, FS_EALT, FS_HR, FS_CAD,
	FS_FRAC_CAD, FS_DIST, FS_SPEED, FS_ESPEED, FS_CSD,
	FS_START_TIME, FS_ELAPSED, FS_TIMER, FS_TOTAL_DIST, FS_ASCENT,
	FS_AVG_HR, FS_MAX_HR, FS_AVG_CAD, FS_AVG_FRAC_CAD,
	FS_SPORT, FS_SUB_SPORT, FS_NAME, FS_EVENT, FS_EVENT_TYPE,
	FS_LOCAL_TS, FS_FILE_TYPE, FS_MANUFACTURER, FS_PRODUCT,
	FS_TIME_CREATED, FS_NUM_SESSIONS,
	FS_COUNT
};

enum fit_mesg {
	FIT_MESG_FILE_ID = 0,
	FIT_MESG_SPORT = 12,
	FIT_MESG_SESSION = 18,
	FIT_MESG_LAP = 19,
	FIT_MESG_RECORD = 20,
	FIT_MESG_EVENT = 21,
	FIT_MESG_DEVICE_INFO = 23,
	FIT_MESG_WORKOUT = 26,
	FIT_MESG_ACTIVITY = 34,
	FIT_MESG_HR = 132,
	FIT_MESG_TIMESTAMP_CORRELATION = 162,
	FIT_MESG_FIELD_DESCRIPTION = 206,
	FIT_MESG_DEVELOPER_DATA_ID = 207
};

typedef struct fit_prof_field {
	uint8_t slot;   /* enum fit_slot; FS_NONE when not used */
	float scale;    /* value / scale - offset */
	float offset;
} fit_prof_field;

/* The profile entry of field num of message global, or NULL. */
const fit_prof_field *fit_profile_field(uint16_t global, uint8_t num);

/* FIT sport and sub_sport enums to rubdown's sport. */
rd_sport fit_sport_map(int sport, int sub_sport);

/* Heart rate of hr messages (fit_hr.c): the samples an HRM-Pro or HRM-Swim
 * strap stored and the watch appended to the activity.  An "anchor" message
 * has a timestamp and one event_timestamp; the messages after it carry up
 * to 8 samples each, as filtered_bpm and event_timestamp (1/1024 s) or its
 * 12-bit packed form event_timestamp_12, timed from the anchor. */
typedef struct fit_hr {
	double anchor_time;      /* track time of anchor_event, NAN: none yet */
	uint32_t anchor_event;   /* 1/1024 s */
	uint32_t last_event;     /* the accumulated event_timestamp */
} fit_hr;

/* Called per sample: time in the tracks' time (UNIX seconds, or raw FIT
 * seconds when relative), bpm > 0.  Non-zero stops decoding. */
typedef int (*fit_hr_fn)(void *ctx, double time, int bpm);

void fit_hr_init(fit_hr *h);
/* Decodes one hr message into samples; messages before any anchor are
 * skipped (their times are unknown).  Returns 0 or fn's code. */
int fit_hr_message(fit_hr *h, const fit_msg *m, fit_hr_fn fn, void *ctx);
/* FIT date_time to the time the tracks use: UNIX seconds for absolute
 * times, raw seconds for relative ones (only their differences matter). */
double fit_track_time(uint32_t t);

#endif
