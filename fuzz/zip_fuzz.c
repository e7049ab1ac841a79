/*
 * zip_fuzz.c: libFuzzer target for the history layer as a whole, fed a
 * fuzzed archive: zip walking (libarchive, entry-name rules, limits), the
 * content sniffer, gzip members, activities.csv matching and the FIT, GPX
 * and TCX readers, on one thread.  zip_walk() takes a path, so the input is
 * written to a private temporary file first (removed at exit).
 */
#include "rubdown/history.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[64];

static void remove_tmp(void)
{
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
}

static int write_tmp(const uint8_t *data, size_t size)
{
	FILE *f;
	if (tmp_path[0] == '\0') {
		int fd;
		strcpy(tmp_path, "/tmp/rd-zip-fuzz-XXXXXX");
		fd = mkstemp(tmp_path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_tmp);
	}
	f = fopen(tmp_path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size)
		abort();
	return fclose(f);
}

static void warn(void *ctx, const rd_diag *w)
{
	char line[1024];
	(void)ctx;
	rd_diag_format(w, line, sizeof line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_history *h = NULL;
	rd_history_options opt;
	rd_history_stats st;
	rd_diag diag = RD_DIAG_INIT;
	size_t i;

	write_tmp(data, size);
	rd_history_options_init(&opt);
	opt.warn = warn;
	opt.threads = 1;
	opt.max_file_bytes = 16u << 20;
	opt.max_zip_bytes = 64u << 20;
	opt.max_zip_entries = 1000;
	if (rd_history_new(&h, &opt) != 0)
		abort();
	if (rd_history_add_path(h, tmp_path, &diag) < 0 && diag.message[0] == '\0')
		abort();
	for (i = 0; i < rd_history_count(h); i++)
		if (rd_history_get(h, i) == NULL)
			abort();
	/* Entries not named like activity files are skipped quietly, so an
	 * archive may end with no file outcome at all; the totals must still
	 * be consistent with what the history holds. */
	rd_history_stats_get(h, &st);
	if (rd_history_count(h) > 0 && st.files_ok + st.files_partial +
				       st.csv_only == 0)
		abort();
	rd_history_free(h);
	return 0;
}
