/*
 * plan_fuzz.c: libFuzzer target for the whole planner: a fuzzed YAML
 * profile is read, planned from 2026-11-23 for 8 weeks, and written as JSON
 * and as text (colour and plain ASCII).  The JSON must parse back (jansson
 * refuses invalid UTF-8 and bad escapes), and the ASCII text must be ASCII.
 */
#include "rubdown/plan.h"
#include "rubdown/profile.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_json(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);
	if (j == NULL)
		abort(); /* the JSON writer produced something that is not JSON */
	json_decref(j);
}

static void check_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 0x7f)
			abort();
}

static void write_all(const rd_plan *plan)
{
	rd_text_options color = {1, 0}, ascii = {0, 1};
	char *out = NULL;

	if (rd_plan_to_json(&out, plan) == 0)
		check_json(out);
	rd_free(out);
	out = NULL;
	if (rd_plan_to_text(&out, plan, &color) == 0 && strlen(out) == 0)
		abort();
	rd_free(out);
	out = NULL;
	if (rd_plan_to_text(&out, plan, &ascii) == 0)
		check_ascii(out);
	rd_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_profile *p = NULL;
	rd_plan *plan = NULL;
	rd_diag diag = RD_DIAG_INIT;
	rd_plan_options opt = {0, 0};
	char line[1024];

	if (rd_profile_parse(&p, (const char *)data, size, "fuzz.yaml", &diag) != 0)
		return 0;
	opt.from = rd_date_from_ymd(2026, 11, 23);
	if (rd_plan_make(&plan, p, &opt, &diag) == 0)
		write_all(plan);
	else if (plan != NULL || diag.message[0] == '\0')
		abort();
	rd_diag_format(&diag, line, sizeof line);
	rd_plan_free(plan);
	rd_profile_free(p);
	return 0;
}
