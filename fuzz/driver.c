/*
 * driver.c: runs a fuzz target's LLVMFuzzerTestOneInput over files and
 * folders, without libFuzzer, so an ordinary (gcc) build replays the corpus
 * and the regression inputs as CTest tests.
 *
 *   <target>_replay FILE|DIR...
 *
 * Folders are read one level deep, in name order; files starting with '.'
 * and README/PROVENANCE text are skipped.  A crash or sanitizer report fails
 * the test; a run that returns prints "N inputs" and exits 0.  It is an
 * error (exit 2) to give a path that does not exist or holds no input, so a
 * moved corpus cannot make the test pass vacuously.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int rc = -1;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto done;
	/* libFuzzer hands a buffer of exactly size bytes: so do we, so ASan
	 * sees any read past the end (malloc(0) is fine too). */
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
		goto done;
	fprintf(stderr, "replay %s (%ld bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	rc = 0;
done:
	if (rc != 0)
		fprintf(stderr, "%s: cannot read\n", path);
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int skip_name(const char *name)
{
	return name[0] == '.' || strncmp(name, "README", 6) == 0 ||
	       strncmp(name, "PROVENANCE", 10) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir; returns how many, or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	long count = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (skip_name(e->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *nn);
			if (nn == NULL)
				abort();
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n++] == NULL)
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) != 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct stat st;
		long n;
		if (argv[i][0] == '-')
			continue; /* libFuzzer flags, when replaying by hand */
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "%s: no such file or folder\n", argv[i]);
			return 2;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i])
					: (run_file(argv[i]) == 0 ? 1 : -1);
		if (n <= 0) {
			fprintf(stderr, "%s: no input could be read\n", argv[i]);
			return 2;
		}
		total += n;
	}
	printf("%ld inputs\n", total);
	return 0;
}
