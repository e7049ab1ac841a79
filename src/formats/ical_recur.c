/*
 * ical_recur.c: when an event happens.
 *
 * The start is DTSTART; the length comes from DTEND, else DURATION, else a
 * day for a date and nothing for a date-time (RFC 5545 3.6.1).  A negative
 * length or one over a year skips the event.  The instances are DTSTART,
 * those of each RRULE (at most MAX_RULES) and the RDATEs, kept when they
 * fall in [from - 14 days, to] in the runner's zone; EXDATEs and the
 * instances a RECURRENCE-ID replaces are then removed.  libical 3.0.16 has
 * no caps (BAD-INPUTS.md I01-I05), so we have our own: an iterator starts
 * just before the window, and an event that needs more than
 * RD_ICAL_MAX_STEPS steps or has more than RD_ICAL_MAX_INSTANCES instances
 * in the window is skipped with a warning.
 */
#include "alloc.h"
#include "formats/ical_int.h"

#include <libical/ical.h>

#include <stdlib.h>
#include <string.h>

#define MAX_RULES 8

/* ---- start, end, duration ---- */

static int check_time(ical_ctx *c, const comp *k, const char *name, struct icaltimetype t)
{
	if (ical_time_valid(t))
		return 0;
	const prop_line *pl = ical_prop_at(c, name, 0);
	char b[48];
	ical_warn(c, pl ? pl->line : k->line, pl ? pl->col : 1,
		  "%s '%s' is not a valid date or date-time: event skipped", name,
		  pl ? ical_value_of(c, pl, b) : "?");
	return -1;
}

static int event_end(ical_ctx *c, icalcomponent *ic, const comp *k, ev_time *ev)
{
	icalproperty *pe = icalcomponent_get_first_property(ic, ICAL_DTEND_PROPERTY);
	icalproperty *pd = icalcomponent_get_first_property(ic, ICAL_DURATION_PROPERTY);
	ev->seconds = ev->start.is_date ? 86400 : 0;
	if (pe) {
		struct icaltimetype end = icalproperty_get_dtend(pe);
		if (check_time(c, k, "DTEND", end))
			return -1;
		end = ical_prop_time(c, pe, end, ical_line_of(c, "DTEND", k->line));
		ev->seconds = ical_abs_seconds(end) - ical_abs_seconds(ev->start);
	} else if (pd) {
		struct icaldurationtype d = icalproperty_get_duration(pd);
		ev->seconds = d.is_neg ? -1 : (int64_t)d.weeks * 604800 + (int64_t)d.days * 86400 +
			      (int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 + d.seconds;
	}
	if (ev->seconds < 0) {
		const prop_line *pl = ical_prop_at(c, pe ? "DTEND" : "DURATION", 0);
		ical_warn(c, pl ? pl->line : k->line, pl ? pl->col : 1, "%s: event skipped",
			  pe ? "DTEND is before DTSTART" : "DURATION is negative");
		return -1;
	}
	if (ev->seconds > 366 * 86400LL) {
		ical_warn(c, ical_line_of(c, pe ? "DTEND" : "DURATION", k->line), 1,
			  "event lasts more than a year: event skipped");
		return -1;
	}
	ev->days = ev->start.is_date ? (int)((ev->seconds + 86399) / 86400) : 1;
	if (ev->days < 1)
		ev->days = 1;
	return 0;
}

int ical_event_time(ical_ctx *c, icalcomponent *ic, const comp *k, ev_time *ev)
{
	icalproperty *ps = icalcomponent_get_first_property(ic, ICAL_DTSTART_PROPERTY);
	if (!ps) {
		ical_warn(c, k->line, 1, "event has no DTSTART: skipped");
		return -1;
	}
	const prop_line *dup = ical_prop_at(c, "DTSTART", 1);
	if (dup)
		ical_warn(c, dup->line, 1, "a second DTSTART in one event: the first is used");
	if ((dup = ical_prop_at(c, "DTEND", 1)) != NULL)
		ical_warn(c, dup->line, 1, "a second DTEND in one event: the first is used");
	ev->start = icalproperty_get_dtstart(ps);
	if (check_time(c, k, "DTSTART", ev->start))
		return -1;
	ev->start = ical_prop_time(c, ps, ev->start, ical_line_of(c, "DTSTART", k->line));
	return event_end(c, ic, k, ev);
}

/* ---- recurrence ---- */

static int push(instances *in, struct icaltimetype t)
{
	if (in->n >= RD_ICAL_MAX_INSTANCES)
		return RD_ELIMIT;
	if (rd_grow((void **)&in->t, &in->cap, in->n + 1, sizeof *in->t))
		return RD_ENOMEM;
	in->t[in->n++] = t;
	return 0;
}

/* Keeps t when it falls in the window; 1 when it is past the window. */
int ical_consider(const ical_ctx *c, instances *in, struct icaltimetype t, int days, int *err)
{
	rd_date d;
	int m;
	ical_local_time(c, t, &d, &m);
	if (d > c->to)
		return 1;
	if (d + days - 1 >= c->from && (*err = push(in, t)) != 0)
		return 1;
	return 0;
}

/* Where an iterator may jump to: two days (and the event's length) before
 * the window, at the time of day of DTSTART, in its zone. */
static struct icaltimetype window_start(const ical_ctx *c, struct icaltimetype dtstart, int days)
{
	struct icaltimetype ws = dtstart;
	int y, m, d;
	rd_date_to_ymd(c->from - 2 - days, &y, &m, &d);
	ws.year = y;
	ws.month = m;
	ws.day = d;
	return ws;
}

static int expand_rule(ical_ctx *c, struct icalrecurrencetype rule, const ev_time *ev,
		       instances *in, unsigned long line)
{
	int err = 0;
	icalrecur_iterator *it = icalrecur_iterator_new(rule, ev->start);
	if (!it) {
		ical_warn(c, line, 1, "RRULE can never occur: no instances");
		return 0;
	}
	struct icaltimetype ws = window_start(c, ev->start, ev->days);
	if (rule.count == 0 && icaltime_compare(ws, ev->start) > 0) {
		if (!icaltime_is_null_time(rule.until) && icaltime_compare(rule.until, ws) < 0) {
			icalrecur_iterator_free(it);
			return 0;
		}
		icalrecur_iterator_set_start(it, ws);
	}
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		if (++in->steps > RD_ICAL_MAX_STEPS) {
			err = RD_ELIMIT;
			break;
		}
		if (!t.is_date && !t.zone && ev->start.zone)
			icaltime_set_timezone(&t, ev->start.zone);
		if (ical_consider(c, in, t, ev->days, &err))
			break;
	}
	icalrecur_iterator_free(it);
	return err;
}

/* Same instant (or, for a DATE exception, same day in the event's zone). */
static int same_instance(struct icaltimetype a, struct icaltimetype ex)
{
	if (ex.is_date || a.is_date)
		return a.year == ex.year && a.month == ex.month && a.day == ex.day;
	return ical_abs_seconds(a) == ical_abs_seconds(ex);
}

static void remove_matching(instances *in, struct icaltimetype ex)
{
	size_t w = 0;
	for (size_t i = 0; i < in->n; i++)
		if (!same_instance(in->t[i], ex))
			in->t[w++] = in->t[i];
	in->n = w;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = ical_abs_seconds(*(const struct icaltimetype *)a);
	int64_t y = ical_abs_seconds(*(const struct icaltimetype *)b);
	return (x > y) - (x < y);
}

static void sort_unique(instances *in)
{
	if (in->n < 2)
		return;
	qsort(in->t, in->n, sizeof *in->t, cmp_time);
	size_t w = 1;
	for (size_t i = 1; i < in->n; i++)
		if (cmp_time(&in->t[i], &in->t[w - 1]) != 0)
			in->t[w++] = in->t[i];
	in->n = w;
}

static int add_rdates(ical_ctx *c, icalcomponent *ic, const ev_time *ev, instances *in)
{
	int err = 0, i = 0;
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_RDATE_PROPERTY);
	for (; p && !err; p = icalcomponent_get_next_property(ic, ICAL_RDATE_PROPERTY), i++) {
		struct icaldatetimeperiodtype dp = icalproperty_get_rdate(p);
		struct icaltimetype t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
		const prop_line *pl = ical_prop_at(c, "RDATE", i);
		if (!ical_time_valid(t)) {
			ical_warn(c, pl ? pl->line : 0, pl ? pl->col : 1, "RDATE value is not a valid date: ignored");
			continue;
		}
		t = ical_prop_time(c, p, t, pl ? pl->line : 0);
		ical_consider(c, in, t, ev->days, &err);
	}
	return err;
}

static void remove_exdates(ical_ctx *c, icalcomponent *ic, instances *in)
{
	int i = 0;
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_EXDATE_PROPERTY);
	for (; p; p = icalcomponent_get_next_property(ic, ICAL_EXDATE_PROPERTY), i++) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		const prop_line *pl = ical_prop_at(c, "EXDATE", i);
		if (ical_time_valid(t))
			remove_matching(in, ical_prop_time(c, p, t, pl ? pl->line : 0));
	}
}

static void remove_overrides(ical_ctx *c, icalcomponent *ic, instances *in)
{
	const char *uid = icalcomponent_get_uid(ic);
	if (!uid || icalcomponent_get_first_property(ic, ICAL_RECURRENCEID_PROPERTY))
		return;
	for (size_t i = 0; i < c->override_count; i++)
		if (strcmp(c->overrides[i].uid, uid) == 0)
			remove_matching(in, c->overrides[i].rid);
}

/* Every instance of the event in the window, sorted.  Returns 0, 1 when
 * the event is skipped (a cap), or RD_ENOMEM. */
int ical_expand(ical_ctx *c, icalcomponent *ic, const comp *k, const ev_time *ev, instances *in)
{
	int err = 0, rules = 0;
	ical_consider(c, in, ev->start, ev->days, &err);
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_RRULE_PROPERTY);
	for (; p && !err; p = icalcomponent_get_next_property(ic, ICAL_RRULE_PROPERTY)) {
		const prop_line *pl = ical_prop_at(c, "RRULE", rules);
		if (++rules > MAX_RULES)
			break;
		err = expand_rule(c, icalproperty_get_rrule(p), ev, in, pl ? pl->line : k->line);
	}
	if (!err)
		err = add_rdates(c, ic, ev, in);
	if (err == RD_ELIMIT) {
		const prop_line *pl = ical_prop_at(c, "RRULE", 0);
		ical_warn(c, pl ? pl->line : k->line, pl ? pl->col : 1,
			  "recurrence too large: more than %s: event skipped",
			  in->steps > RD_ICAL_MAX_STEPS ? "1000000 steps to reach the plan horizon"
							: "5000 instances in the plan horizon");
		return 1;
	}
	if (err)
		return err;
	remove_exdates(c, ic, in);
	remove_overrides(c, ic, in);
	sort_unique(in);
	return 0;
}
