/*
 * ical_fuzz.c: libFuzzer target for the iCalendar readers (our line scanner,
 * classification and capped recurrence expansion over libical): the input is
 * read as a training plan and as busy times into a fresh profile, over an
 * 8-week horizon, in the runner's zone or none (by the input's length).
 */
#include "rubdown/ical.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void warn(void *ctx, const rd_diag *w)
{
	char line[1024];
	(void)ctx;
	rd_diag_format(w, line, sizeof line);
}

static void on_event(void *ctx, const rd_ical_event *ev)
{
	size_t *n = ctx;
	*n += strlen(ev->summary) + strlen(ev->reason) + strlen(ev->file);
	*n += strlen(rd_ical_class_name(ev->cls));
}

static void read_one(const uint8_t *data, size_t size, int busy,
		     const rd_ical_options *o)
{
	rd_profile *p = NULL;
	rd_diag diag = RD_DIAG_INIT;
	char line[1024];
	int rc;

	if (rd_profile_new(&p) != 0)
		abort();
	rc = busy ? rd_ical_parse_busy(p, (const char *)data, size, "fuzz.ics", o, &diag)
		  : rd_ical_parse_plan(p, (const char *)data, size, "fuzz.ics", o, &diag);
	if (rc < 0 && diag.message[0] == '\0')
		abort();
	rd_diag_format(&diag, line, sizeof line);
	rd_profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rd_ical_options o;
	size_t n = 0;

	memset(&o, 0, sizeof o);
	o.from = rd_date_from_ymd(2026, 11, 23);
	o.to = o.from + 55;
	o.tzid = size % 2 ? "Europe/Berlin" : NULL;
	o.warn = warn;
	o.on_event = on_event;
	o.event_ctx = &n;
	read_one(data, size, 0, &o);
	read_one(data, size, 1, &o);
	return 0;
}
