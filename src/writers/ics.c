/*
 * ics.c: the plan as an iCalendar calendar (RFC 5545), written with libical.
 *
 *   VCALENDAR   PRODID, VERSION 2.0, CALSCALE, METHOD PUBLISH, X-WR-CALNAME
 *   VTIMEZONE   the zone of the times (rd_ics_options.tzid), cut to the plan
 *   VEVENT      one per appointment:
 *     UID          hash of date, modality and runner name: the same
 *                  appointment has the same UID in every re-planned calendar,
 *                  so an import updates it instead of adding a copy
 *     DTSTAMP      the plan's first day, 00:00 UTC (never the clock: the same
 *                  plan gives the same bytes); a new plan start marks updates
 *     DTSTART/DTEND  local times (TZID, or floating without a zone), or DATE
 *                  values for an all-day appointment
 *     SUMMARY      "Deep tissue massage, 60 min"
 *     DESCRIPTION  techniques in order (with their detail, e.g. PNF rounds),
 *                  focus, reason, rule ids, warnings, price
 *     CATEGORIES   massage,<modality id>
 *     VALARM       DISPLAY, profile->reminder_minutes before (-1: none)
 * libical escapes the text and folds the lines (CRLF, at most 75 octets).
 */
#include "rubdown/ical.h"
#include "rubdown/version.h"
#include "alloc.h"
#include "buf.h"
#include "money.h"

#include <libical/ical.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void make_uid(char out[64], const rd_plan *plan, const rd_appointment *a)
{
	char date[11];
	rd_date_format(a->date, date);
	uint64_t h = fnv1a(14695981039346656037ULL, date);
	h = fnv1a(fnv1a(h, "|"), rd_modality_get(a->modality)->id);
	h = fnv1a(fnv1a(h, "|"), plan->profile && plan->profile->name ? plan->profile->name : "");
	snprintf(out, 64, "%016llx@rubdown", (unsigned long long)h);
}

static struct icaltimetype day_time(rd_date d, int minute, icaltimezone *zone)
{
	int y, m, dd;
	rd_date_to_ymd(d, &y, &m, &dd);
	struct icaltimetype t = icaltime_null_time();
	t.year = y;
	t.month = m;
	t.day = dd;
	if (minute < 0) {
		t.is_date = 1;
		return t;
	}
	t.hour = minute / 60;
	t.minute = minute % 60;
	if (zone)
		icaltime_set_timezone(&t, zone);
	return t;
}

static icalproperty *time_prop(icalproperty *p, struct icaltimetype t, icaltimezone *zone)
{
	if (t.is_date)
		icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
	else if (zone)
		icalproperty_add_parameter(p, icalparameter_new_tzid(icaltimezone_get_location(zone)));
	return p;
}

static void put_price(rd_buf *b, const rd_plan *plan, long cents)
{
	const char *cur = plan->profile ? plan->profile->currency : "";
	if (cents < 0)
		return;
	rd_buf_puts(b, "Price: ");
	rd_buf_money(b, cents, 1);
	rd_buf_printf(b, "%s%s\n", cur[0] ? " " : "", cur);
}

static void put_techniques(rd_buf *b, const rd_appointment *a)
{
	rd_buf_puts(b, "Techniques, in order:\n");
	for (size_t i = 0; i < a->technique_count; i++) {
		const rd_technique_info *t = rd_technique_get(a->techniques[i]);
		rd_buf_printf(b, "%zu. %s%s%s\n", i + 1, t->name, t->detail[0] ? ": " : "", t->detail);
	}
}

static void put_list(rd_buf *b, const char *label, const char *const *items, size_t n)
{
	if (n == 0)
		return;
	rd_buf_printf(b, "%s: ", label);
	for (size_t i = 0; i < n; i++)
		rd_buf_printf(b, "%s%s", i ? ", " : "", items[i]);
	rd_buf_putc(b, '\n');
}

static char *description(const rd_plan *plan, const rd_appointment *a)
{
	rd_buf b = RD_BUF_INIT;
	const char *rules[RD_RULE_COUNT];
	size_t nr = a->rule_count < RD_RULE_COUNT ? a->rule_count : RD_RULE_COUNT;
	rd_buf_printf(&b, "%s, %d min, %s pressure (%s)\n", rd_modality_get(a->modality)->name,
		      a->minutes, rd_pressure_name(a->pressure), rd_when_name(a->when));
	put_techniques(&b, a);
	put_list(&b, "Focus", a->focus, a->focus_count < RD_MAX_FOCUS ? a->focus_count : RD_MAX_FOCUS);
	if (a->reason)
		rd_buf_printf(&b, "Why: %s\n", a->reason);
	for (size_t i = 0; i < nr; i++)
		rules[i] = rd_rule_get(a->rules[i])->code;
	put_list(&b, "Rules", rules, nr);
	for (size_t i = 0; i < a->warning_count; i++)
		rd_buf_printf(&b, "Warning (%s): %s\n", rd_rule_get(a->warnings[i].rule)->code,
			      a->warnings[i].message ? a->warnings[i].message : "");
	put_price(&b, plan, a->price_cents);
	if (b.len > 0 && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	if (b.oom) {
		rd_buf_dispose(&b);
		return NULL;
	}
	return rd_buf_detach(&b);
}

static void add_alarm(icalcomponent *ev, int minutes, const char *summary)
{
	if (minutes < 0)
		return;
	struct icaldurationtype d = icaldurationtype_null_duration();
	d.is_neg = 1;
	d.days = minutes / 1440;
	d.hours = minutes % 1440 / 60;
	d.minutes = minutes % 60;
	struct icaltriggertype trig = {icaltime_null_time(), d};
	icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
	icalcomponent_add_property(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(al, icalproperty_new_trigger(trig));
	icalcomponent_add_property(al, icalproperty_new_description(summary));
	icalcomponent_add_component(ev, al);
}

static icalcomponent *event(const rd_plan *plan, const rd_appointment *a, icaltimezone *zone)
{
	char uid[64], summary[160], cats[64];
	const rd_modality_info *m = rd_modality_get(a->modality);
	char *desc = description(plan, a);
	if (!desc)
		return NULL;
	make_uid(uid, plan, a);
	snprintf(summary, sizeof summary, "%s, %d min", m->name, a->minutes);
	snprintf(cats, sizeof cats, "massage,%s", m->id);
	struct icaltimetype start = day_time(a->date, a->start_min, zone);
	struct icaltimetype end = a->start_min < 0 ? day_time(a->date + 1, -1, NULL)
						   : day_time(a->date, a->start_min, zone);
	if (a->start_min >= 0)
		icaltime_adjust(&end, 0, 0, a->minutes, 0);
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
		icaltime_from_timet_with_zone((time_t)rd_date_to_unix(plan->from), 0,
					      icaltimezone_get_utc_timezone())));
	icalcomponent_add_property(ev, time_prop(icalproperty_new_dtstart(start), start, zone));
	icalcomponent_add_property(ev, time_prop(icalproperty_new_dtend(end), end, zone));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	icalcomponent_add_property(ev, icalproperty_new_categories(cats));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	add_alarm(ev, plan->profile ? plan->profile->reminder_minutes : 24 * 60, summary);
	rd_free(desc);
	return ev;
}

/* The zone's VTIMEZONE, named by its location and cut to the plan. */
static icalcomponent *vtimezone(icaltimezone *zone, const rd_plan *plan)
{
	icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
	if (!vtz)
		return NULL;
	icalproperty *id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (id)
		icalproperty_set_tzid(id, icaltimezone_get_location(zone));
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype from = icaltime_from_timet_with_zone(
		(time_t)rd_date_to_unix(plan->from - 366), 0, utc);
	struct icaltimetype to = icaltime_from_timet_with_zone(
		(time_t)rd_date_to_unix(plan->to + 366), 0, utc);
	icaltimezone_truncate_vtimezone(vtz, from, to, 0);
	return vtz;
}

static icalcomponent *calendar(const rd_plan *plan, icaltimezone *zone)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//rubdown//massage plan " RD_VERSION "//EN"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	icalproperty *name = icalproperty_new_x("Massage plan");
	icalproperty_set_x_name(name, "X-WR-CALNAME");
	icalcomponent_add_property(cal, name);
	int timed = 0;
	for (size_t i = 0; i < plan->count; i++)
		timed |= plan->appointments[i].start_min >= 0;
	if (zone && timed) {
		icalcomponent *vtz = vtimezone(zone, plan);
		if (vtz)
			icalcomponent_add_component(cal, vtz);
	}
	for (size_t i = 0; i < plan->count; i++) {
		icalcomponent *ev = event(plan, &plan->appointments[i], zone);
		if (!ev) {
			icalcomponent_free(cal);
			return NULL;
		}
		icalcomponent_add_component(cal, ev);
	}
	return cal;
}

int rd_plan_to_ics(char **out, const rd_plan *plan, const rd_ics_options *opt)
{
	icaltimezone *zone = NULL;
	*out = NULL;
	if (opt && opt->tzid && !(zone = icaltimezone_get_builtin_timezone(opt->tzid)))
		return RD_EUNSUPPORTED;
	icalcomponent *cal = calendar(plan, zone);
	char *s = cal ? icalcomponent_as_ical_string_r(cal) : NULL;
	if (cal)
		icalcomponent_free(cal);
	if (!s)
		return RD_ENOMEM;
	*out = rd_strdup(s);
	free(s);
	return *out ? 0 : RD_ENOMEM;
}
