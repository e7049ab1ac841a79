/*
 * sniff.h: what kind of file a byte stream is, from its first bytes.
 *
 * Strava exports mix `.fit`, `.fit.gz`, `.gpx.gz` and mislabelled files, so
 * the history layer never trusts an extension.  It looks at content:
 *
 *   gzip  1F 8B                                 (RFC 1952 member header)
 *   zip   "PK\3\4" or "PK\5\6" (empty archive)   (APPNOTE local header / EOCD)
 *   FIT   byte 0 (header size) is 12 or more and bytes 8..11 are ".FIT"
 *   XML   after an optional UTF-8 BOM and ASCII whitespace the first byte is
 *         '<'; then the root element decides: local name "gpx" is GPX,
 *         "TrainingCenterDatabase" is TCX, whatever namespaces it declares
 *         (a GPX converted from TCX declares the TCX one).  The declaration,
 *         comments, processing instructions and a DOCTYPE before it are
 *         skipped.  When the root is not in the first SNIFF_HEAD bytes, the
 *         words "TrainingCenterDatabase", then "<gpx" there decide.  A
 *         UTF-16 BOM is followed by the same test on every other byte.
 *
 * Anything else is SNIFF_UNKNOWN.  A prefix too short to decide (fewer than
 * 12 bytes for FIT) also gives SNIFF_UNKNOWN: feed at least SNIFF_HEAD bytes,
 * or the whole file when it is shorter.
 */
#ifndef RD_SNIFF_H
#define RD_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#define SNIFF_HEAD 1024

typedef enum sniff_kind {
	SNIFF_UNKNOWN = 0,
	SNIFF_GZIP,
	SNIFF_ZIP,
	SNIFF_FIT,
	SNIFF_GPX,
	SNIFF_TCX,
	SNIFF_XML /* XML, but neither GPX nor TCX in the first SNIFF_HEAD bytes */
} sniff_kind;

/* Looks at the first n bytes of a stream (n may be 0). */
sniff_kind sniff_bytes(const uint8_t *p, size_t n);

/* "gzip", "zip", "fit", "gpx", "tcx", "xml", "unknown". */
const char *sniff_name(sniff_kind k);

#endif
