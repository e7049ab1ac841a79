/*
 * ical.c: reading training plans and busy times from iCalendar (RFC 5545).
 *
 * The format: text lines ending in CRLF (we also take LF and a lone CR);
 * a line starting with a space or tab continues the previous one (a fold,
 * removed before anything else, so a fold inside a UTF-8 sequence heals).
 * "NAME;PARAM=V:value" lines sit between BEGIN:X and END:X.  A file holds one
 * or more VCALENDARs; inside, VTIMEZONE defines the zones that TZID
 * parameters name, VEVENT is an event and VFREEBUSY lists busy periods.  An
 * event recurs by RRULE (a rule), RDATE (extra dates) and EXDATE (removed
 * dates); another VEVENT with the same UID and a RECURRENCE-ID replaces one
 * instance.
 *
 * How we read it: libical does not say where in the file an error is, so we
 * scan the lines ourselves first (structure, line numbers, caps) and hand
 * libical one component at a time, unfolded, with CRLF ends.  Pass 1 scans
 * the file and loads every VTIMEZONE and RECURRENCE-ID (both may come after
 * the events that use them); pass 2 parses each VEVENT and VFREEBUSY and
 * expands it over [from - 14 days, to] with our own caps: libical 3.0.16 has
 * none (BAD-INPUTS.md I01-I05).  A malformed event is a warning naming its
 * line and is skipped; the file is an error only when nothing usable is
 * left.
 *
 * The files: ical_scan.c reads the lines, checks the structure (pass 1) and
 * hands out components and the lines of their properties; ical_recur.c
 * finds an event's start, length and instances in the window; this file has
 * the messages, the time zones, the errors libical reports, what an event
 * adds to the profile, the passes and the public readers.  ical_int.h holds
 * what they share.
 */
#include "rubdown/ical.h"
#include "alloc.h"
#include "buf.h"
#include "classify_event.h"
#include "formats/ical_int.h"
#include "writers/escape.h"

#include <libical/ical.h>

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TZ_PARTS 1000
#define MAX_DAYS_PER_EVENT 31

/* ---- messages ---- */

void ical_warn(ical_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...)
{
	rd_diag w = RD_DIAG_INIT;
	va_list ap;
	va_start(ap, fmt);
	w.code = RD_EFORMAT;
	vsnprintf(w.message, sizeof w.message, fmt, ap);
	va_end(ap);
	snprintf(w.file, sizeof w.file, "%s", c->name);
	w.line = line ? line : 1;
	w.col = col;
	if (c->first.code == 0)
		c->first = w;
	if (c->warnings++ < RD_ICAL_MAX_WARNINGS && c->o->warn)
		c->o->warn(c->o->warn_ctx, &w);
}

/* A short, printable copy of a value for a message. */
const char *ical_shown(char buf[48], const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < 40; i++)
		buf[k++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (n > 40) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

/* ---- time zones ---- */

/* A VTIMEZONE whose rules libical could expand without end (a rule that is
 * not yearly, or thousands of parts) is refused (BAD-INPUTS.md I08). */
static int tz_sane(icalcomponent *vtz)
{
	size_t parts = 0;
	icalcomponent *sub = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	for (; sub; sub = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		if (++parts > MAX_TZ_PARTS)
			return 0;
		icalproperty *rr = icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY);
		if (rr && icalproperty_get_rrule(rr).freq != ICAL_YEARLY_RECURRENCE)
			return 0;
		icalproperty *ds = icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY);
		if (!ds || icalproperty_get_dtstart(ds).year < 1000)
			return 0;
	}
	return parts > 0;
}

static int add_vtimezone(ical_ctx *c, const comp *k)
{
	int err;
	icalcomponent *vtz = ical_parse_comp(c, k, ICAL_VTIMEZONE_COMPONENT, &err);
	if (err)
		return err;
	icalproperty *id = vtz ? icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY) : NULL;
	const char *tzid = id ? icalproperty_get_tzid(id) : NULL;
	icaltimezone *z = NULL;
	if (!tzid || !tz_sane(vtz)) {
		ical_warn(c, k->line, 1, "VTIMEZONE %s is malformed or has unbounded rules: ignored",
			  tzid ? tzid : "without TZID");
		goto fail;
	}
	if (rd_grow((void **)&c->zones, &c->zone_cap, c->zone_count + 1, sizeof *c->zones))
		goto fail;
	z = icaltimezone_new();
	char *copy = rd_strdup(tzid);
	if (!z || !copy || !icaltimezone_set_component(z, vtz)) {
		rd_free(copy);
		goto fail;
	}
	c->zones[c->zone_count++] = (zone_entry){copy, z};
	return 0;
fail:
	if (z)
		icaltimezone_free(z, 1);
	if (vtz)
		icalcomponent_free(vtz);
	return 0;
}

static icaltimezone *builtin(const char *tzid)
{
	icaltimezone *z = icaltimezone_get_builtin_timezone_from_tzid(tzid);
	if (!z)
		z = icaltimezone_get_builtin_timezone(tzid);
	if (!z && strcasecmp(tzid, "UTC") == 0)
		z = icaltimezone_get_utc_timezone();
	return z;
}

int rd_zone_utc_offset(const char *tzid, int64_t utc, int32_t *offset_s)
{
	icaltimezone *z = builtin(tzid);
	if (!z)
		return RD_EUNSUPPORTED;
	struct icaltimetype t =
		icaltime_from_timet_with_zone((time_t)utc, 0, icaltimezone_get_utc_timezone());
	int dst = 0;
	*offset_s = icaltimezone_get_utc_offset_of_utc_time(z, &t, &dst);
	return 0;
}

static icaltimezone *find_zone(ical_ctx *c, const char *tzid)
{
	for (size_t i = 0; i < c->zone_count; i++)
		if (strcmp(c->zones[i].tzid, tzid) == 0)
			return c->zones[i].zone;
	return builtin(tzid);
}

/* Once per file and TZID: an unknown zone is read as local time (I08). */
static void unknown_zone(ical_ctx *c, const char *tzid, unsigned long line)
{
	for (size_t i = 0; i < c->unknown_count; i++)
		if (strcmp(c->unknown_tz[i], tzid) == 0)
			return;
	char *copy = rd_strdup(tzid);
	if (!copy || rd_grow((void **)&c->unknown_tz, &c->unknown_cap, c->unknown_count + 1,
			     sizeof *c->unknown_tz)) {
		rd_free(copy);
		return;
	}
	c->unknown_tz[c->unknown_count++] = copy;
	char b[48];
	ical_warn(c, line, 1, "unknown time zone '%s' (no VTIMEZONE, not in the zone database): its times are read as local time",
		  ical_shown(b, tzid, strlen(tzid)));
}

/* The time of a DTSTART-like property, with its zone attached. */
struct icaltimetype ical_prop_time(ical_ctx *c, icalproperty *prop, struct icaltimetype t,
				   unsigned long line)
{
	icalparameter *par = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
	const char *tzid = par ? icalparameter_get_tzid(par) : NULL;
	if (!tzid || t.is_date || icaltime_is_utc(t))
		return t;
	icaltimezone *z = find_zone(c, tzid);
	if (!z) {
		unknown_zone(c, tzid, line);
		t.zone = NULL;
		return t;
	}
	if (!c->runner_fixed && !c->runner) {
		c->runner = z;
		c->runner_fixed = 1;
	}
	icaltime_set_timezone(&t, z);
	return t;
}

/* Seconds since the epoch of t, floating and dates taken as UTC. */
int64_t ical_abs_seconds(struct icaltimetype t)
{
	if (t.is_date) {
		rd_date d = rd_date_from_ymd(t.year, t.month, t.day);
		return (int64_t)d * 86400;
	}
	return (int64_t)icaltime_as_timet_with_zone(t, t.zone);
}

/* t in the runner's zone: its date and minute of day (-1 for a date). */
void ical_local_time(const ical_ctx *c, struct icaltimetype t, rd_date *date, int *minute)
{
	if (!t.is_date && t.zone && c->runner)
		t = icaltime_convert_to_zone(t, c->runner);
	*date = rd_date_from_ymd(t.year, t.month, t.day);
	*minute = t.is_date ? -1 : t.hour * 60 + t.minute;
}

int ical_time_valid(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 ||
	    !rd_date_valid(t.year, t.month, t.day))
		return 0;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
			     t.second >= 0 && t.second <= 60);
}

/* ---- errors libical found ---- */

/* libical drops a property it cannot parse and leaves an X-LIC-ERROR naming
 * it.  A broken DTSTART, DTEND, DURATION or RRULE makes the event unusable;
 * a broken RDATE or EXDATE is dropped with a warning.  Returns -1 to skip. */
static int rrule_problem(const ical_ctx *c, const prop_line *pl, char *msg, size_t n)
{
	char v[256];
	snprintf(v, sizeof v, "%.*s", (int)(pl->value_len < 255 ? pl->value_len : 255),
		 c->ctext.data + pl->value);
	for (char *s = v; *s; s++)
		*s = (char)toupper((unsigned char)*s);
	const char *iv = strstr(v, "INTERVAL=");
	if (iv && strtol(iv + 9, NULL, 10) <= 0)
		return snprintf(msg, n, "RRULE INTERVAL must be > 0"), 1;
	if (strstr(v, "COUNT=") && strstr(v, "UNTIL="))
		return snprintf(msg, n, "RRULE has both COUNT and UNTIL (RFC 5545 allows one)"), 1;
	if (!strstr(v, "FREQ="))
		return snprintf(msg, n, "RRULE has no FREQ"), 1;
	return 0;
}

static int check_errors(ical_ctx *c, icalcomponent *ic, const comp *k)
{
	static const char *const fatal[] = {"DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID"};
	static const char *const minor[] = {"RDATE", "EXDATE"};
	int skip = 0;
	icalproperty *e = icalcomponent_get_first_property(ic, ICAL_XLICERROR_PROPERTY);
	for (; e && !skip; e = icalcomponent_get_next_property(ic, ICAL_XLICERROR_PROPERTY)) {
		const char *text = icalproperty_get_xlicerror(e);
		char pat[32], b[48], msg[128];
		for (size_t i = 0; i < 7 && text; i++) {
			const char *name = i < 5 ? fatal[i] : minor[i - 5];
			snprintf(pat, sizeof pat, " in %s property", name);
			if (!strstr(text, pat))
				continue;
			const prop_line *pl = ical_prop_at(c, name, 0);
			unsigned long ln = pl ? pl->line : k->line, col = pl ? pl->col : 1;
			if (pl && i == 3 && rrule_problem(c, pl, msg, sizeof msg))
				ical_warn(c, ln, col, "%s: event skipped", msg);
			else if (i < 5)
				ical_warn(c, ln, col, "%s value '%s' is not valid: event skipped", name,
					  pl ? ical_value_of(c, pl, b) : "?");
			else
				ical_warn(c, ln, col, "%s value '%s' is not valid: ignored", name,
					  pl ? ical_value_of(c, pl, b) : "?");
			skip = i < 5;
			break;
		}
	}
	return skip ? -1 : 0;
}

/* ---- what an event adds ---- */

static const char *text_prop(icalcomponent *ic, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(ic, kind);
	const char *s = p ? icalvalue_get_text(icalproperty_get_value(p)) : NULL;
	return s ? s : "";
}

/* CATEGORIES values, split on commas, into one buffer. */
static size_t categories(icalcomponent *ic, char *buf, size_t size, const char **out, size_t max)
{
	size_t n = 0, used = 0;
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_CATEGORIES_PROPERTY);
	for (; p && n < max; p = icalcomponent_get_next_property(ic, ICAL_CATEGORIES_PROPERTY)) {
		const char *v = icalproperty_get_categories(p);
		while (v && *v && n < max && used < size) {
			size_t len = strcspn(v, ",");
			while (len > 0 && *v == ' ')
				v++, len--;
			int w = snprintf(buf + used, size - used, "%.*s", (int)len, v);
			if (w < 0 || (size_t)w >= size - used)
				break;
			out[n++] = buf + used;
			used += (size_t)w + 1;
			v += len + (v[len] == ',');
		}
	}
	return n;
}

typedef struct ev_info {
	const char *summary;
	char summary_fixed[1024]; /* the summary with bad UTF-8 repaired */
	event_kind kind;
	char origin[300];
	unsigned long line;
} ev_info;

static void notify(ical_ctx *c, const ev_info *e, rd_date d, int start, int minutes,
		   rd_ical_class cls, const char *reason)
{
	if (!c->o->on_event)
		return;
	rd_ical_event ev = {c->name, e->line, e->summary, d, start, minutes, cls,
			    e->kind.kind, e->kind.km, e->kind.modality, reason};
	c->o->on_event(c->o->event_ctx, &ev);
}

static int add_training(ical_ctx *c, const ev_info *e, rd_date d, int start, int minutes)
{
	const event_kind *k = &e->kind;
	notify(c, e, d, start, minutes, k->cls, k->reason);
	if (k->cls == RD_EV_RUN) {
		rd_session s = {d, k->kind, k->km, k->minutes ? k->minutes : minutes, start,
				(char *)e->summary, (char *)e->origin, 0};
		return rd_profile_add_session(c->p, &s);
	}
	if (k->cls == RD_EV_RACE) {
		rd_race r = {(char *)(e->summary[0] ? e->summary : "race"), d, k->km, start};
		return rd_profile_add_race(c->p, &r);
	}
	if (k->cls == RD_EV_CROSS) { /* kept for the report; never counts as a run */
		rd_session s = {d, RD_REST, k->km, k->minutes ? k->minutes : minutes, start,
				(char *)e->summary, (char *)e->origin, 1};
		return rd_profile_add_session(c->p, &s);
	}
	if (k->cls == RD_EV_MASSAGE) {
		rd_massage_had m = {d, k->modality, -1, start, (char *)e->origin};
		return rd_profile_add_massage(c->p, &m);
	}
	return 0;
}

static int add_busy(ical_ctx *c, const ev_info *e, struct icaltimetype t, const ev_time *ev)
{
	rd_date d;
	int m;
	ical_local_time(c, t, &d, &m);
	int64_t start = (int64_t)d * 1440 + (m < 0 ? 0 : m);
	int64_t end = start + (ev->seconds + 59) / 60;
	if (e->kind.cls == RD_EV_MASSAGE) { /* booked, and busy then too */
		rd_massage_had h = {d, e->kind.modality, -1, m, (char *)e->origin};
		if (rd_profile_add_massage(c->p, &h))
			return RD_ENOMEM;
		notify(c, e, d, m, (int)(end - start), RD_EV_MASSAGE, e->kind.reason);
	} else {
		notify(c, e, d, m, (int)(end - start), end > start ? RD_EV_BUSY : RD_EV_FREE,
		       end > start ? "OPAQUE event" : "no duration");
	}
	return end > start ? rd_profile_add_busy(c->p, start, end) : 0;
}

static int emit(ical_ctx *c, const ev_info *e, const ev_time *ev, const instances *in,
		int transparent)
{
	int r = 0;
	for (size_t i = 0; i < in->n && !r; i++) {
		if (c->busy && transparent) {
			rd_date d;
			int m;
			ical_local_time(c, in->t[i], &d, &m);
			notify(c, e, d, m, (int)(ev->seconds / 60), RD_EV_FREE, "TRANSPARENT event");
			continue;
		}
		if (c->busy) {
			r = add_busy(c, e, in->t[i], ev);
			continue;
		}
		rd_date d;
		int m;
		ical_local_time(c, in->t[i], &d, &m);
		int minutes = m < 0 || ev->seconds >= 86400 ? 0 : (int)(ev->seconds / 60);
		int days = e->kind.cls == RD_EV_RUN ? ev->days : 1;
		for (int j = 0; j < days && j < MAX_DAYS_PER_EVENT && !r; j++)
			if (d + j >= c->from && d + j <= c->to)
				r = add_training(c, e, d + j, m, minutes);
	}
	return r;
}

/* Titles reach every writer: invalid UTF-8 (BAD-INPUTS F22, I10) becomes
 * U+FFFD here, once.  Valid text is returned as it is. */
static const char *utf8_repaired(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (escape_utf8_valid(s, n))
		return s;
	rd_buf b = RD_BUF_INIT;
	escape_utf8_repair(&b, s, n);
	size_t keep = b.oom ? 0 : b.len < size ? b.len : escape_utf8_prefix(b.data, (size - 1) / 4);
	memcpy(buf, b.data ? b.data : "", keep);
	buf[keep] = 0;
	rd_buf_dispose(&b);
	return buf;
}

static void describe(ical_ctx *c, icalcomponent *ic, const comp *k, ev_info *e)
{
	char cat_buf[512];
	const char *cats[16];
	size_t ncat = categories(ic, cat_buf, sizeof cat_buf, cats, 16);
	e->summary = utf8_repaired(text_prop(ic, ICAL_SUMMARY_PROPERTY), e->summary_fixed,
				   sizeof e->summary_fixed);
	e->line = k->line;
	snprintf(e->origin, sizeof e->origin, "%s:%lu", c->name, k->line);
	classify_event(&e->kind, c->p, e->summary, text_prop(ic, ICAL_DESCRIPTION_PROPERTY), cats, ncat);
}

static int is_cancelled(icalcomponent *ic)
{
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_STATUS_PROPERTY);
	return p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

static int is_transparent(icalcomponent *ic)
{
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_TRANSP_PROPERTY);
	if (!p)
		return 0;
	icalproperty_transp t = icalproperty_get_transp(p);
	return t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT;
}

static int do_event(ical_ctx *c, const comp *k)
{
	int r = 0;
	icalcomponent *ic = ical_parse_comp(c, k, ICAL_VEVENT_COMPONENT, &r);
	instances in = {NULL, 0, 0, 0};
	ev_info e;
	ev_time ev;
	if (r)
		return r;
	if (!ic) {
		ical_warn(c, k->line, 1, "VEVENT could not be parsed: skipped");
		return 0;
	}
	if (check_errors(c, ic, k) || ical_event_time(c, ic, k, &ev) || (r = ical_expand(c, ic, k, &ev, &in)) != 0)
		goto done;
	c->usable++;
	if (is_cancelled(ic))
		goto done;
	describe(c, ic, k, &e);
	r = emit(c, &e, &ev, &in, is_transparent(ic));
done:
	rd_free(in.t);
	icalcomponent_free(ic);
	return r < 0 ? r : 0;
}

static int do_freebusy(ical_ctx *c, const comp *k)
{
	int r = 0;
	icalcomponent *ic = ical_parse_comp(c, k, ICAL_VFREEBUSY_COMPONENT, &r);
	ev_info e;
	if (r)
		return r;
	if (!ic) {
		ical_warn(c, k->line, 1, "VFREEBUSY could not be parsed: skipped");
		return 0;
	}
	c->usable++;
	memset(&e, 0, sizeof e);
	e.summary = "VFREEBUSY";
	e.line = k->line;
	snprintf(e.origin, sizeof e.origin, "%s:%lu", c->name, k->line);
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_FREEBUSY_PROPERTY);
	for (; p && !r; p = icalcomponent_get_next_property(ic, ICAL_FREEBUSY_PROPERTY)) {
		icalparameter *fb = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
		if (fb && icalparameter_get_fbtype(fb) == ICAL_FBTYPE_FREE)
			continue;
		struct icalperiodtype per = icalproperty_get_freebusy(p);
		ev_time ev = {per.start, 0, 1};
		if (!ical_time_valid(per.start))
			continue;
		ev.seconds = icaltime_is_null_time(per.end)
				     ? icaldurationtype_as_int(per.duration)
				     : ical_abs_seconds(per.end) - ical_abs_seconds(per.start);
		instances in = {NULL, 0, 0, 0};
		int err = 0;
		ical_consider(c, &in, per.start, 1, &err);
		if (in.n == 1 && ev.seconds > 0)
			r = add_busy(c, &e, per.start, &ev);
		rd_free(in.t);
	}
	icalcomponent_free(ic);
	return r;
}

/* ---- pass 1: zones and moved instances ---- */

static int add_override(ical_ctx *c, const comp *k)
{
	int r = 0;
	icalcomponent *ic = ical_parse_comp(c, k, ICAL_VEVENT_COMPONENT, &r);
	if (r)
		return r;
	icalproperty *p = ic ? icalcomponent_get_first_property(ic, ICAL_RECURRENCEID_PROPERTY) : NULL;
	const char *uid = ic ? icalcomponent_get_uid(ic) : NULL;
	if (p && uid) {
		struct icaltimetype t = icalproperty_get_recurrenceid(p);
		char *copy = rd_strdup(uid);
		if (!copy || rd_grow((void **)&c->overrides, &c->override_cap, c->override_count + 1,
				     sizeof *c->overrides)) {
			rd_free(copy);
			r = RD_ENOMEM;
		} else if (ical_time_valid(t)) {
			t = ical_prop_time(c, p, t, ical_line_of(c, "RECURRENCE-ID", k->line));
			c->overrides[c->override_count++] = (override){copy, t};
		} else {
			rd_free(copy);
		}
	}
	if (ic)
		icalcomponent_free(ic);
	return r;
}

/* The runner's zone from X-WR-TIMEZONE when the profile has none; a known
 * one is also kept for dating UTC-only activities (calendar_timezone). */
static int choose_zone(ical_ctx *c)
{
	if (c->runner_fixed || !c->wr_timezone)
		return 0;
	icaltimezone *z = find_zone(c, c->wr_timezone);
	if (!z)
		return 0;
	c->runner = z;
	c->runner_fixed = 1;
	int32_t off;
	if (c->p->calendar_timezone || rd_zone_utc_offset(c->wr_timezone, 0, &off))
		return 0;
	c->p->calendar_timezone = rd_strdup(c->wr_timezone);
	return c->p->calendar_timezone ? 0 : RD_ENOMEM;
}

static int passes(ical_ctx *c)
{
	int r = 0;
	for (size_t i = 0; i < c->comp_count && i < RD_ICAL_MAX_COMPONENTS && !r; i++)
		if (c->comps[i].kind == C_TIMEZONE)
			r = add_vtimezone(c, &c->comps[i]);
	if (!r)
		r = choose_zone(c);
	for (size_t i = 0; i < c->comp_count && i < RD_ICAL_MAX_COMPONENTS && !r; i++)
		if (c->comps[i].kind == C_EVENT && c->comps[i].has_rid)
			r = add_override(c, &c->comps[i]);
	for (size_t i = 0; i < c->comp_count && i < RD_ICAL_MAX_COMPONENTS && !r; i++) {
		if (c->comps[i].kind == C_EVENT)
			r = do_event(c, &c->comps[i]);
		else if (c->comps[i].kind == C_FREEBUSY && c->busy)
			r = do_freebusy(c, &c->comps[i]);
	}
	return r;
}

/* ---- the readers ---- */

static void ctx_dispose(ical_ctx *c)
{
	for (size_t i = 0; i < c->zone_count; i++) {
		rd_free(c->zones[i].tzid);
		icaltimezone_free(c->zones[i].zone, 1);
	}
	for (size_t i = 0; i < c->override_count; i++)
		rd_free(c->overrides[i].uid);
	for (size_t i = 0; i < c->unknown_count; i++)
		rd_free(c->unknown_tz[i]);
	rd_free(c->zones);
	rd_free(c->overrides);
	rd_free(c->unknown_tz);
	rd_free(c->comps);
	rd_free(c->wr_timezone);
	rd_buf_dispose(&c->line);
	rd_buf_dispose(&c->ctext);
}

/* Nothing usable: the first problem becomes the error. */
static int nothing_usable(ical_ctx *c, rd_diag *diag)
{
	if (c->first.code == 0)
		return rd_diag_set(diag, RD_EFORMAT, c->name, 1, 1, "no usable event");
	return rd_diag_set(diag, RD_EFORMAT, c->name, c->first.line, c->first.col,
			   "no usable event: %s", c->first.message);
}

static int parse(rd_profile *p, const char *text, size_t len, const char *name,
		 const rd_ical_options *o, int busy, rd_diag *diag)
{
	assert(p && (text || len == 0) && name && o);
	ical_ctx c;
	memset(&c, 0, sizeof c);
	c = (ical_ctx){.p = p, .name = name, .o = o, .busy = busy, .text = text, .len = len,
		       .from = o->from - RD_ICAL_LOOKBACK_DAYS, .to = o->to, .first = RD_DIAG_INIT};
	rd_buf_init(&c.line);
	rd_buf_init(&c.ctext);
	int r = ical_check_start(&c, diag);
	if (!r && o->tzid) {
		c.runner = builtin(o->tzid);
		c.runner_fixed = 1;
		if (!c.runner)
			r = rd_diag_set(diag, RD_EUNSUPPORTED, name, 0, 0,
					"the runner's time zone '%s' is not one libical knows", o->tzid);
	}
	if (!r)
		r = ical_scan(&c, diag);
	if (!r)
		r = passes(&c);
	if (r == RD_ENOMEM)
		rd_diag_set(diag, r, name, 0, 0, "out of memory");
	if (!r && c.usable == 0 && (c.broken > 0 || c.first.code != 0))
		r = nothing_usable(&c, diag);
	if (c.warnings > RD_ICAL_MAX_WARNINGS && o->warn) {
		rd_diag w = RD_DIAG_INIT;
		rd_diag_set(&w, RD_EFORMAT, name, 0, 0, "%lu more warnings not shown",
			    c.warnings - RD_ICAL_MAX_WARNINGS);
		o->warn(o->warn_ctx, &w);
	}
	ctx_dispose(&c);
	return r;
}

static int read_file(char **out, size_t *len, const char *path, rd_diag *diag)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	rd_buf b = RD_BUF_INIT;
	char chunk[65536];
	size_t n;
	if (!f)
		return rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= RD_ICAL_MAX_BYTES)
		rd_buf_put(&b, chunk, n);
	int bad = ferror(f) ? errno : 0, oom = b.oom; /* read before the dispose resets them */
	fclose(f);
	if (bad || oom || b.len > RD_ICAL_MAX_BYTES) {
		rd_buf_dispose(&b);
		return bad ? rd_diag_set(diag, RD_EIO, path, 0, 0, "read error: %s", strerror(bad))
		       : oom ? rd_diag_set(diag, RD_ENOMEM, path, 0, 0, "out of memory")
			     : rd_diag_set(diag, RD_ELIMIT, path, 0, 0,
					   "calendar larger than %u MiB", RD_ICAL_MAX_BYTES >> 20);
	}
	*len = b.len;
	*out = b.data ? rd_buf_detach(&b) : NULL;
	return 0;
}

static int read_path(rd_profile *p, const char *path, const rd_ical_options *o, int busy,
		     rd_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	int r = read_file(&text, &len, path, diag);
	if (!r)
		r = parse(p, text ? text : "", len, path, o, busy, diag);
	rd_free(text);
	return r;
}

int rd_ical_read_plan(rd_profile *p, const char *path, const rd_ical_options *o, rd_diag *diag)
{
	return read_path(p, path, o, 0, diag);
}

int rd_ical_read_busy(rd_profile *p, const char *path, const rd_ical_options *o, rd_diag *diag)
{
	return read_path(p, path, o, 1, diag);
}

int rd_ical_parse_plan(rd_profile *p, const char *text, size_t len, const char *name,
		       const rd_ical_options *o, rd_diag *diag)
{
	return parse(p, text, len, name, o, 0, diag);
}

int rd_ical_parse_busy(rd_profile *p, const char *text, size_t len, const char *name,
		       const rd_ical_options *o, rd_diag *diag)
{
	return parse(p, text, len, name, o, 1, diag);
}

const char *rd_ical_class_name(rd_ical_class c)
{
	static const char *const names[] = {"other", "run", "race", "cross-training",
					    "massage", "busy", "free"};
	return (unsigned)c < sizeof names / sizeof *names ? names[c] : "other";
}
