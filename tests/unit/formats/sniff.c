/* Content sniffing: magic bytes decide, never the name (BAD-INPUTS Z01). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/sniff.h"

#define S(lit) sniff_bytes((const uint8_t *)(lit), sizeof(lit) - 1)

static void magic_numbers(void **state)
{
	(void)state;
	assert_int_equal(S("\x1f\x8b\x08\x00"), SNIFF_GZIP);
	assert_int_equal(S("PK\x03\x04rest"), SNIFF_ZIP);
	assert_int_equal(S("PK\x05\x06"), SNIFF_ZIP);
	assert_int_equal(S("\x0e\x10\x43\x08\x00\x00\x00\x00.FIT\x00\x00"), SNIFF_FIT);
	assert_int_equal(S("\x0c\x10\x43\x08\x00\x00\x00\x00.FIT"), SNIFF_FIT);
	/* header size below 12, or no ".FIT" at 8: not FIT */
	assert_int_equal(S("\x0b\x10\x43\x08\x00\x00\x00\x00.FIT"), SNIFF_UNKNOWN);
	assert_int_equal(S("\x0e\x10\x43\x08\x00\x00\x00\x00.FAT\x00\x00"), SNIFF_UNKNOWN);
	/* too short to decide */
	assert_int_equal(S("\x0e\x10\x43"), SNIFF_UNKNOWN);
	assert_int_equal(sniff_bytes(NULL, 0), SNIFF_UNKNOWN);
	assert_int_equal(S("\x1f"), SNIFF_UNKNOWN);
}

static const struct {
	const char *text;
	sniff_kind kind;
} roots[] = {
	{"<?xml version=\"1.0\"?><gpx version=\"1.1\">", SNIFF_GPX},
	{"<?xml version=\"1.0\"?>\n<TrainingCenterDatabase xmlns=\"x\">", SNIFF_TCX},
	/* X01: leading whitespace and a BOM before the declaration */
	{"          <?xml version=\"1.0\"?><gpx>", SNIFF_GPX},
	{"\xef\xbb\xbf\r\n\t<?xml version=\"1.0\"?><TrainingCenterDatabase>", SNIFF_TCX},
	{"<?xml version=\"1.0\"?><kml>", SNIFF_XML},
	/* the root decides, not the namespaces it declares (gpxpy's
	 * track-with-empty-segment.gpx declares the TCX one) */
	{"<?xml version=\"1.0\"?><gpx xmlns:tc2=\"http://www.garmin.com/"
	 "xmlschemas/TrainingCenterDatabase/v2\">", SNIFF_GPX},
	{"<!-- exported from <gpx> --><TrainingCenterDatabase>", SNIFF_TCX},
	{"<?xml version=\"1.0\"?><g:gpx xmlns:g=\"x\">", SNIFF_GPX},
	{"<t:TrainingCenterDatabase xmlns:t=\"x\"/>", SNIFF_TCX},
	{"<kml xmlns:g=\"TrainingCenterDatabase\"><gpx>", SNIFF_XML},
	{"<gpxdata>", SNIFF_XML},
	{"<?xml version=\"1.0\"?><!DOCTYPE gpx [<!ENTITY a \"<kml>\">]>\n"
	 "<?pi x?><!-- c --><gpx>", SNIFF_GPX},
	{"<!DOCTYPE TrainingCenterDatabase><TrainingCenterDatabase>", SNIFF_TCX},
	/* the root not in the head: the words decide */
	{"<!-- a comment that does not end <gpx", SNIFF_GPX},
	{"<TrainingCenterDat", SNIFF_XML},
	/* text that is not XML */
	{"Activity ID,Activity Date\n", SNIFF_UNKNOWN},
	{"  x<gpx>", SNIFF_UNKNOWN},
};

static void xml_roots(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
		sniff_kind k = sniff_bytes((const uint8_t *)roots[i].text, strlen(roots[i].text));
		if (k != roots[i].kind)
			fail_msg("case %zu: %s is %s, not %s", i, roots[i].text, sniff_name(k),
				 sniff_name(roots[i].kind));
	}
}

static void utf16(void **state)
{
	(void)state;
	const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><gpx>";
	uint8_t le[200], be[200];
	size_t n = 2;
	le[0] = 0xFF, le[1] = 0xFE, be[0] = 0xFE, be[1] = 0xFF;
	for (const char *c = text; *c; c++, n += 2) {
		le[n] = (uint8_t)*c, le[n + 1] = 0;
		be[n] = 0, be[n + 1] = (uint8_t)*c;
	}
	assert_int_equal(sniff_bytes(le, n), SNIFF_GPX);
	assert_int_equal(sniff_bytes(be, n), SNIFF_GPX);
}

/* The root must be found in the first SNIFF_HEAD bytes, and only there. */
static void head_only(void **state)
{
	(void)state;
	char buf[3000];
	memset(buf, ' ', sizeof buf);
	memcpy(buf, "<?xml version=\"1.0\"?>", 21);
	memcpy(buf + 2000, "<gpx>", 5);
	assert_int_equal(sniff_bytes((uint8_t *)buf, sizeof buf), SNIFF_XML);
	memcpy(buf + 500, "<gpx>", 5);
	assert_int_equal(sniff_bytes((uint8_t *)buf, sizeof buf), SNIFF_GPX);
	assert_string_equal(sniff_name(SNIFF_TCX), "tcx");
	assert_string_equal(sniff_name((sniff_kind)99), "unknown");
}

static int sniff_file(const char *path)
{
	uint8_t buf[SNIFF_HEAD];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return sniff_bytes(buf, n);
}

/* Real files: the Strava export's three kinds, a gzipped FIT, and a TCX
 * with whitespace before its declaration. */
static void corpus(void **state)
{
	(void)state;
	assert_int_equal(sniff_file(RD_CORPUS "/strava/athlytics-mini-export/activities/example.fit"),
			 SNIFF_FIT);
	assert_int_equal(sniff_file(RD_CORPUS "/strava/athlytics-mini-export/activities/example.gpx"),
			 SNIFF_GPX);
	assert_int_equal(sniff_file(RD_CORPUS "/strava/athlytics-mini-export/activities/example.tcx"),
			 SNIFF_TCX);
	assert_int_equal(sniff_file(RD_CORPUS "/strava/gz/14582164182.fit.gz"), SNIFF_GZIP);
	assert_int_equal(sniff_file(RD_CORPUS "/tcx/sports-lib/6281425038.tcx"), SNIFF_TCX);
	assert_int_equal(sniff_file(RD_CORPUS "/gpx/gpxpy/track-with-empty-segment.gpx"),
			 SNIFF_GPX);
	assert_int_equal(sniff_file(RD_CORPUS "/fit/python-fitparse/activity-settings.fit"),
			 SNIFF_FIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(magic_numbers), cmocka_unit_test(xml_roots),
		cmocka_unit_test(utf16), cmocka_unit_test(head_only),
		cmocka_unit_test(corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
