/* sniff.c: file kind from content; the magic numbers are listed in sniff.h. */
#include "formats/sniff.h"

#include <string.h>

/* Where needle first occurs at or after i, or n when it does not. */
static size_t find(const uint8_t *p, size_t n, size_t i, const char *needle)
{
	size_t m = strlen(needle);
	for (; m <= n && i <= n - m; i++)
		if (memcmp(p + i, needle, m) == 0)
			return i;
	return n;
}

static int has(const uint8_t *p, size_t n, const char *needle)
{
	return find(p, n, 0, needle) < n;
}

static int is_fit(const uint8_t *p, size_t n)
{
	return n >= 12 && p[0] >= 12 && memcmp(p + 8, ".FIT", 4) == 0;
}

/* Just past the next `end` at or after i; n when there is none. */
static size_t past(const uint8_t *p, size_t n, size_t i, const char *end)
{
	size_t at = find(p, n, i, end);
	return at < n ? at + strlen(end) : n;
}

static int name_char(uint8_t c)
{
	return c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\r' &&
	       c != '\n';
}

/* The kind the root element's local name says (a namespace prefix such as
 * "gpx:" does not count), found after the declaration, comments,
 * processing instructions and a DOCTYPE; SNIFF_UNKNOWN when the head ends
 * first.  A GPX root declaring the TCX namespace is still GPX. */
static sniff_kind root_kind(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && p[i] != '<')
		i++;
	while (i + 1 < n) {
		if (p[i + 1] == '?')
			i = past(p, n, i, "?>");
		else if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0)
			i = past(p, n, i + 4, "-->");
		else if (p[i + 1] == '!') { /* DOCTYPE, past any internal subset */
			size_t gt = past(p, n, i, ">"), sub = past(p, n, i, "[");
			i = sub < gt ? past(p, n, sub, "]") : gt;
		} else
			break;
		while (i < n && p[i] != '<')
			i++;
	}
	size_t start = i + 1, end = start, local = start;
	while (end < n && name_char(p[end]))
		if (p[end++] == ':')
			local = end;
	if (i + 1 >= n || end == n)
		return SNIFF_UNKNOWN;
	size_t len = end - local;
	if (len == 3 && memcmp(p + local, "gpx", 3) == 0)
		return SNIFF_GPX;
	if (len == 22 && memcmp(p + local, "TrainingCenterDatabase", 22) == 0)
		return SNIFF_TCX;
	return SNIFF_XML;
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
	sniff_kind k = root_kind(p, n, i);
	if (k != SNIFF_UNKNOWN)
		return k;
	/* The root is past the head (a long comment first): guess from words. */
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
