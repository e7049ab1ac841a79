/* The benchmark's history generator: a tiny history (3 activities: FIT,
 * gzipped GPX, TCX) has its files, valid FIT CRCs and messages, a zip that
 * lists the same members with the same bytes, and is byte-identical when
 * generated twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifndef GEN_HISTORY_EXE
#error "GEN_HISTORY_EXE must name the gen_history binary"
#endif

typedef struct blob {
	unsigned char *data;
	size_t len;
} blob;

static blob slurp(const char *path)
{
	blob b = {NULL, 0};
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	unsigned char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
		b.data = realloc(b.data, b.len + n);
		assert_non_null(b.data);
		memcpy(b.data + b.len, tmp, n);
		b.len += n;
	}
	fclose(f);
	return b;
}

static blob gunzip(const blob *in)
{
	blob out = {NULL, 0};
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = in->data;
	z.avail_in = (uInt)in->len;
	int rc;
	do {
		unsigned char tmp[65536];
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		rc = inflate(&z, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		size_t n = sizeof tmp - z.avail_out;
		out.data = realloc(out.data, out.len + n + 1);
		memcpy(out.data + out.len, tmp, n);
		out.len += n;
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
	out.data[out.len] = 0;
	return out;
}

/* CRC-16 of the FIT protocol, bit by bit (reflected polynomial 0xA001,
 * initial 0): independent of the generator's nibble table. */
static uint16_t crc16(const unsigned char *p, size_t n)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (uint16_t)(crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1);
	}
	return crc;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Walks the messages: returns a bit mask of the global message numbers
 * defined (bit 0 file_id, 1 record, 2 lap, 3 session, 4 event, 5 activity)
 * and counts the record data messages. */
static unsigned walk_fit(const blob *b, unsigned *records)
{
	static const unsigned globals[6] = {0, 20, 19, 18, 21, 34};
	unsigned sizes[16] = {0}, global_of[16] = {0}, mask = 0;
	size_t pos = 14, end = 14 + le32(b->data + 4);
	*records = 0;
	while (pos < end) {
		unsigned h = b->data[pos++];
		assert_int_equal(h & 0x80, 0); /* no compressed timestamps here */
		unsigned local = h & 0x0F;
		if (h & 0x40) {
			unsigned g = b->data[pos + 2] | b->data[pos + 3] << 8, n = b->data[pos + 4];
			assert_int_equal(b->data[pos + 1], 0); /* little-endian */
			sizes[local] = 0;
			for (unsigned k = 0; k < n; k++)
				sizes[local] += b->data[pos + 5 + 3 * k + 1];
			global_of[local] = g;
			for (unsigned k = 0; k < 6; k++)
				mask |= (g == globals[k]) << k;
			pos += 5 + 3 * n;
		} else {
			assert_true(sizes[local] > 0);
			*records += global_of[local] == 20;
			pos += sizes[local];
		}
	}
	assert_int_equal(pos, end);
	return mask;
}

static void check_fit(const blob *b)
{
	assert_true(b->len > 16);
	assert_int_equal(b->data[0], 14);
	assert_memory_equal(b->data + 8, ".FIT", 4);
	assert_int_equal(14 + le32(b->data + 4) + 2, b->len);
	uint16_t hcrc = (uint16_t)(b->data[12] | b->data[13] << 8);
	assert_int_equal(hcrc, crc16(b->data, 12));
	uint16_t fcrc = (uint16_t)(b->data[b->len - 2] | b->data[b->len - 1] << 8);
	assert_int_equal(fcrc, crc16(b->data, b->len - 2));
	assert_int_equal(crc16(b->data, b->len), 0); /* the protocol's own check */
	unsigned records = 0;
	assert_int_equal(walk_fit(b, &records), 0x3F);
	assert_true(records >= 20 * 60); /* at least 20 minutes at 1 Hz */
}

static int run_gen_with(const char *dir, const char *extra)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "'%s' --count 3 %s '%s' >/dev/null", GEN_HISTORY_EXE, extra, dir);
	return system(cmd);
}

static int run_gen(const char *dir)
{
	return run_gen_with(dir, "");
}

/* The CSV's Filename column (13th) of each data row. */
static size_t csv_members(const char *csv, char names[][128], size_t max)
{
	size_t n = 0;
	const char *line = strchr(csv, '\n');
	while (line && line[1] && n < max) {
		line++;
		const char *p = strstr(line, "activities/");
		assert_non_null(p);
		size_t k = strcspn(p, ",");
		assert_true(k < 128);
		memcpy(names[n], p, k);
		names[n++][k] = 0;
		line = strchr(line, '\n');
	}
	return n;
}

static void check_zip(const char *dir, char names[][128], size_t n)
{
	char zpath[4200], fpath[4400];
	snprintf(zpath, sizeof zpath, "%s/export.zip", dir);
	struct archive *a = archive_read_new();
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, zpath, 65536), ARCHIVE_OK);
	struct archive_entry *e;
	size_t found = 0, csv = 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		snprintf(fpath, sizeof fpath, "%s/export/%s", dir, name);
		blob disk = slurp(fpath);
		unsigned char *mem = malloc(disk.len + 1);
		size_t got = 0;
		la_ssize_t r;
		while ((r = archive_read_data(a, mem + got, disk.len + 1 - got)) > 0)
			got += (size_t)r;
		assert_int_equal(r, 0);
		assert_int_equal(got, disk.len);
		assert_memory_equal(mem, disk.data, disk.len);
		free(mem);
		free(disk.data);
		csv += !strcmp(name, "activities.csv");
		for (size_t k = 0; k < n; k++)
			found += !strcmp(name, names[k]);
	}
	archive_read_free(a);
	assert_int_equal(csv, 1);
	assert_int_equal(found, n);
}

static void tiny_history(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/rd-gen-XXXXXX", dir[256], dir2[256], path[512];
	assert_non_null(mkdtemp(tmpl));
	snprintf(dir, sizeof dir, "%s/a", tmpl);
	snprintf(dir2, sizeof dir2, "%s/b", tmpl);
	assert_int_equal(run_gen(dir), 0);

	snprintf(path, sizeof path, "%s/export/activities.csv", dir);
	blob csv = slurp(path);
	csv.data = realloc(csv.data, csv.len + 1);
	csv.data[csv.len] = 0;
	assert_true(!strncmp((char *)csv.data, "Activity ID,Activity Date,Activity Name", 39));
	char names[4][128];
	assert_int_equal(csv_members((char *)csv.data, names, 4), 3);
	assert_non_null(strstr(names[0], ".fit"));
	assert_non_null(strstr(names[1], ".gpx.gz"));
	assert_non_null(strstr(names[2], ".tcx"));

	snprintf(path, sizeof path, "%s/export/%s", dir, names[0]);
	blob fit = slurp(path);
	check_fit(&fit);
	snprintf(path, sizeof path, "%s/export/%s", dir, names[1]);
	blob gz = slurp(path), gpx = gunzip(&gz);
	assert_non_null(strstr((char *)gpx.data, "<gpxtpx:hr>"));
	assert_non_null(strstr((char *)gpx.data, "</gpx>"));
	snprintf(path, sizeof path, "%s/export/%s", dir, names[2]);
	blob tcx = slurp(path);
	assert_true(tcx.len > 1000 && !memcmp(tcx.data + tcx.len - 26, "</TrainingCenterDatabase>\n", 26));
	check_zip(dir, names, 3);

	/* Deterministic: a second run writes the same zip. */
	assert_int_equal(run_gen(dir2), 0);
	snprintf(path, sizeof path, "%s/export.zip", dir);
	blob z1 = slurp(path);
	snprintf(path, sizeof path, "%s/export.zip", dir2);
	blob z2 = slurp(path);
	assert_int_equal(z1.len, z2.len);
	assert_memory_equal(z1.data, z2.data, z1.len);

	free(csv.data); free(fit.data); free(gz.data); free(gpx.data); free(tcx.data);
	free(z1.data); free(z2.data);
	snprintf(path, sizeof path, "rm -rf '%s'", tmpl);
	assert_int_equal(system(path), 0);
}

static blob slurp_text(const char *path)
{
	blob b = slurp(path);
	b.data = realloc(b.data, b.len + 1);
	b.data[b.len] = 0;
	return b;
}

static unsigned fit_records(const char *dir, const char *member)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/export/%s", dir, member);
	blob fit = slurp(path);
	unsigned records = 0;
	check_fit(&fit);
	walk_fit(&fit, &records);
	free(fit.data);
	return records;
}

/* The benchmark's memory comparisons: --copies 2 is the same activities
 * twice (new names, the same records), --stretch 2 the same activities
 * with twice the records. */
static void copies_and_stretch(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/rd-gen-XXXXXX", base[256], twice[256], longer[256], path[512];
	assert_non_null(mkdtemp(tmpl));
	snprintf(base, sizeof base, "%s/base", tmpl);
	snprintf(twice, sizeof twice, "%s/copies", tmpl);
	snprintf(longer, sizeof longer, "%s/stretch", tmpl);
	assert_int_equal(run_gen(base), 0);
	assert_int_equal(run_gen_with(twice, "--copies 2"), 0);
	assert_int_equal(run_gen_with(longer, "--stretch 2"), 0);

	char names[8][128], copies[8][128], stretched[8][128];
	snprintf(path, sizeof path, "%s/export/activities.csv", base);
	blob csv = slurp_text(path);
	assert_int_equal(csv_members((char *)csv.data, names, 8), 3);
	free(csv.data);
	snprintf(path, sizeof path, "%s/export/activities.csv", twice);
	csv = slurp_text(path);
	assert_int_equal(csv_members((char *)csv.data, copies, 8), 6);
	free(csv.data);
	for (size_t i = 0; i < 6; i++)
		for (size_t k = i + 1; k < 6; k++)
			assert_string_not_equal(copies[i], copies[k]);
	check_zip(twice, copies, 6);
	unsigned one = fit_records(base, names[0]);
	assert_int_equal(fit_records(twice, copies[0]), one);
	assert_int_equal(fit_records(twice, copies[3]), one);

	snprintf(path, sizeof path, "%s/export/activities.csv", longer);
	csv = slurp_text(path);
	assert_int_equal(csv_members((char *)csv.data, stretched, 8), 3);
	free(csv.data);
	unsigned two = fit_records(longer, stretched[0]);
	assert_true(two > one * 19 / 10 && two < one * 21 / 10);

	snprintf(path, sizeof path, "rm -rf '%s'", tmpl);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiny_history),
		cmocka_unit_test(copies_and_stretch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
