/* ical_write.c: the plan as .ics: libical re-reads it, our reader gives the
 * same appointments back, hostile text survives, UIDs and bytes are stable.
 * Plans are built by hand (the writer knows nothing of the planner). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rubdown/ical.h"
#include "alloc.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D(y, m, d) rd_date_from_ymd(y, m, d)

/* 200 characters with commas, semicolons, newlines, a backslash, non-ASCII
 * and an attempt to inject a second event (BAD-INPUTS.md O01-O03).  TEXT
 * has no CR (RFC 5545 3.3.11): a line break is LF. */
static char hostile[512];

static void make_hostile(void)
{
	const char *head = "Club night, 6x800; hills\\after \xc3\xa9t\xc3\xa9 \xf0\x9f\x8f\x83\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected ";
	size_t n = strlen(head);
	memcpy(hostile, head, n);
	for (; n < 200; n++)
		hostile[n] = (char)('a' + n % 26);
	hostile[n] = '\0';
}

typedef struct fixture {
	rd_profile *p;
	rd_plan plan;
	rd_appointment a[3];
	rd_warning w;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	make_hostile();
	assert_int_equal(rd_profile_new(&f->p), 0);
	f->p->name = rd_strdup("Ana");
	snprintf(f->p->currency, sizeof f->p->currency, "EUR");
	f->a[0] = (rd_appointment){.date = D(2026, 3, 26), .when = RD_WHEN_NO_RUN, .start_min = 17 * 60 + 30,
				   .modality = RD_DEEP_TISSUE, .minutes = 60, .pressure = RD_FIRM,
				   .techniques = {RD_T_GLIDING, RD_T_TARGETED}, .technique_count = 2,
				   .focus = {"hamstrings", "calves"}, .focus_count = 2, .price_cents = 6500,
				   .rules = {RD_R_AFTER_HARD, RD_R_REST_DAY_DEEP}, .rule_count = 2,
				   .reason = hostile};
	f->w = (rd_warning){RD_R_ACHY_EASE_UP, (char *)"a run the next day: ease up if achy"};
	f->a[0].warnings = &f->w;
	f->a[0].warning_count = 1;
	f->a[1] = (rd_appointment){.date = D(2026, 4, 11), .when = RD_WHEN_BEFORE_RUN, .start_min = -1,
				   .modality = RD_SPORTS_PRE, .minutes = 20, .pressure = RD_MEDIUM,
				   .techniques = {RD_T_GLIDING, RD_T_PNF, RD_T_JOINT_ROM}, .technique_count = 3,
				   .price_cents = 3000, .reason = (char *)"the day before the race"};
	f->a[2] = (rd_appointment){.date = D(2026, 3, 29), .when = RD_WHEN_AFTER_RUN, .start_min = 19 * 60,
				   .modality = RD_SPORTS_POST, .minutes = 30, .pressure = RD_MEDIUM,
				   .price_cents = -1, .reason = (char *)"after the long run"};
	f->plan = (rd_plan){.profile = f->p, .from = D(2026, 3, 23), .to = D(2026, 5, 17),
			    .appointments = f->a, .count = 3};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	rd_profile_free(f->p);
	free(f);
	return 0;
}

static char *write_plan(const rd_plan *plan, const char *tz)
{
	char *out = NULL;
	rd_ics_options o = {tz};
	assert_int_equal(rd_plan_to_ics(&out, plan, &o), 0);
	assert_non_null(out);
	return out;
}

/* libical reads it back: one VEVENT per appointment, the text intact. */
static void test_libical_reads_back(void **state)
{
	fixture *f = *state;
	char *ics = write_plan(&f->plan, "Europe/Berlin");
	icalcomponent *cal = icalparser_parse_string(ics);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 3);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	assert_string_equal(icalcomponent_get_summary(ev), "Deep tissue massage, 60 min");
	const char *desc = icalcomponent_get_description(ev);
	assert_non_null(strstr(desc, hostile));
	assert_non_null(strstr(desc, "Rules: R-AFTER-HARD, R-REST-DAY-DEEP"));
	assert_non_null(strstr(desc, "Focus: hamstrings, calves"));
	assert_non_null(strstr(desc, "Price: 65.00 EUR"));
	assert_non_null(strstr(desc, "Warning (R-ACHY-EASE-UP): a run the next day"));
	ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	desc = icalcomponent_get_description(ev);
	assert_non_null(strstr(desc, "2. PNF stretching: 3 rounds per muscle group"));
	assert_true(icaltime_is_date(icalcomponent_get_dtstart(ev)));
	/* Lines: CRLF, at most 75 octets, no raw injected END:VEVENT line. */
	for (const char *l = ics; *l;) {
		const char *e = strstr(l, "\r\n");
		assert_non_null(e);
		assert_true(e - l <= 75);
		assert_false(strncmp(l, "SUMMARY:injected", 16) == 0);
		l = e + 2;
	}
	assert_non_null(strstr(ics, "CATEGORIES:massage,deep_tissue\r\n"));
	assert_non_null(strstr(ics, "TRIGGER:-P1D\r\n"));
	assert_non_null(strstr(ics, "DTSTART;TZID=Europe/Berlin:20260326T173000\r\n"));
	assert_non_null(strstr(ics, "DTSTAMP:20260323T000000Z\r\n"));
	icalcomponent_free(cal);
	rd_free(ics);
}

/* Our own reader: the same appointments come back as massages had. */
static void test_round_trip(void **state)
{
	fixture *f = *state;
	const char *zones[] = {"Europe/Berlin", NULL};
	for (size_t z = 0; z < 2; z++) {
		char *ics = write_plan(&f->plan, zones[z]);
		rd_profile *back = NULL;
		rd_diag d = RD_DIAG_INIT;
		rd_ical_options o = {D(2026, 3, 23), D(2026, 5, 17), zones[z], NULL, NULL, NULL, NULL};
		assert_int_equal(rd_profile_new(&back), 0);
		assert_int_equal(rd_ical_parse_plan(back, ics, strlen(ics), "plan.ics", &o, &d), 0);
		assert_int_equal(back->massage_count, 3);
		assert_int_equal(back->session_count, 0);
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(back->massages[i].date, f->a[i].date);
			assert_int_equal(back->massages[i].modality, f->a[i].modality);
			assert_int_equal(back->massages[i].start_min, f->a[i].start_min);
		}
		rd_profile_free(back);
		rd_free(ics);
	}
}

/* Same plan, same bytes; the UID depends on date, modality and runner only. */
static void test_stable(void **state)
{
	fixture *f = *state;
	char *one = write_plan(&f->plan, "Europe/Berlin");
	char *two = write_plan(&f->plan, "Europe/Berlin");
	assert_string_equal(one, two);
	char uid[80];
	const char *u = strstr(one, "UID:");
	assert_non_null(u);
	snprintf(uid, sizeof uid, "%.*s", (int)strcspn(u, "\r"), u);
	f->a[0].reason = (char *)"re-planned with another reason";
	f->a[0].start_min = 9 * 60;
	f->plan.from = D(2026, 3, 24);
	char *three = write_plan(&f->plan, "Europe/Berlin");
	assert_non_null(strstr(three, uid));               /* same appointment, same UID */
	assert_null(strstr(three, "DTSTAMP:20260323"));    /* the update is marked */
	f->p->name[0] = 'E';
	char *four = write_plan(&f->plan, "Europe/Berlin");
	assert_null(strstr(four, uid));
	f->a[0].reason = hostile;
	f->a[0].start_min = 17 * 60 + 30;
	f->plan.from = D(2026, 3, 23);
	f->p->name[0] = 'A';
	rd_free(one);
	rd_free(two);
	rd_free(three);
	rd_free(four);
}

/* Reminder off; all-day only: no VTIMEZONE needed. */
static void test_options(void **state)
{
	fixture *f = *state;
	f->p->reminder_minutes = -1;
	rd_plan one = f->plan;
	one.appointments = &f->a[1];
	one.count = 1;
	char *ics = write_plan(&one, "Europe/Berlin");
	assert_null(strstr(ics, "BEGIN:VALARM"));
	assert_null(strstr(ics, "BEGIN:VTIMEZONE"));
	assert_non_null(strstr(ics, "DTSTART;VALUE=DATE:20260411\r\n"));
	assert_non_null(strstr(ics, "DTEND;VALUE=DATE:20260412\r\n"));
	rd_free(ics);
	f->p->reminder_minutes = 24 * 60;
	char *out = NULL;
	rd_ics_options bad = {"Mars/Olympus_Mons"};
	assert_int_equal(rd_plan_to_ics(&out, &f->plan, &bad), RD_EUNSUPPORTED);
	assert_null(out);
}

/* Writes the file the Python validator reads (tests/ics_validate.py). */
static void test_write_for_validator(void **state)
{
	fixture *f = *state;
	char *ics = write_plan(&f->plan, "Europe/Berlin");
	FILE *out = fopen("ical_write_plan.ics", "wb");
	assert_non_null(out);
	fputs(ics, out);
	fclose(out);
	out = fopen("ical_write_title.txt", "wb");
	assert_non_null(out);
	fputs(hostile, out);
	fclose(out);
	rd_free(ics);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_libical_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_for_validator, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
