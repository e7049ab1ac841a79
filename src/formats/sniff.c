/* sniff.c: file kind from content; the magic numbers are listed in sniff.h. */
#include "formats/sniff.h"

#include <string.h>

static int has(const uint8_t *p, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(p + i, needle, m) == 0)
			return 1;
	return 0;
}

static int is_fit(const uint8_t *p, size_t n)
{
	return n >= 12 && p[0] >= 12 && memcmp(p + 8, ".FIT", 4) == 0;
}

/* XML root test on ASCII text (UTF-8, or UTF-16 narrowed by the caller). */
static sniff_kind xml_kind(const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (;;) { /* whitespace and a BOM, in either order, as xml.c skips them */
		if (i + 3 <= n && p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF)
			i += 3;
		else if (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		else
			break;
	}
	if (i >= n || p[i] != '<')
		return SNIFF_UNKNOWN;
	if (has(p + i, n - i, "TrainingCenterDatabase"))
		return SNIFF_TCX;
	if (has(p + i, n - i, "<gpx") || has(p + i, n - i, ":gpx "))
		return SNIFF_GPX;
	return SNIFF_XML;
}

/* UTF-16 with a BOM: keep the low byte of each code unit. */
static sniff_kind utf16_kind(const uint8_t *p, size_t n)
{
	uint8_t narrow[SNIFF_HEAD / 2];
	int le = p[0] == 0xFF;
	size_t m = 0;
	for (size_t i = 2; i + 1 < n && m < sizeof narrow; i += 2)
		narrow[m++] = le ? (p[i + 1] ? '?' : p[i]) : (p[i] ? '?' : p[i + 1]);
	return xml_kind(narrow, m);
}

sniff_kind sniff_bytes(const uint8_t *p, size_t n)
{
	if (n > SNIFF_HEAD)
		n = SNIFF_HEAD;
	if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
		return SNIFF_GZIP;
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
		return SNIFF_ZIP;
	if (is_fit(p, n))
		return SNIFF_FIT;
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return utf16_kind(p, n);
	return xml_kind(p, n);
}

const char *sniff_name(sniff_kind k)
{
	static const char *const names[] = {"unknown", "gzip", "zip", "fit",
					    "gpx", "tcx", "xml"};
	return (unsigned)k < sizeof names / sizeof *names ? names[k] : "unknown";
}
