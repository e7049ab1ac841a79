/*
 * profile_fuzz.c: libFuzzer target for the YAML profile reader
 * (rd_profile_parse).  The input is passed with its exact length and no NUL
 * after it, so any read past the end is an ASan report.  On failure *out
 * must be NULL and the diag must carry a message.
 */
#include "rubdown/profile.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_profile *p = NULL;
	rd_diag diag = RD_DIAG_INIT;
	char line[1024];
	int rc = rd_profile_parse(&p, (const char *)data, size, "fuzz.yaml", &diag);

	if (rc < 0 && (p != NULL || diag.message[0] == '\0'))
		abort();
	if (rc == 0 && p == NULL)
		abort();
	rd_diag_format(&diag, line, sizeof line);
	rd_profile_free(p);
	return 0;
}
