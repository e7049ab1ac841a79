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
 */
#include "rubdown/ical.h"
#include "alloc.h"
#include "buf.h"
#include "classify_event.h"
#include "writers/escape.h"

#include <libical/ical.h>

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8
#define MAX_RULES 8
#define MAX_TZ_PARTS 1000
#define MAX_DAYS_PER_EVENT 31

typedef enum comp_kind { C_EVENT, C_TIMEZONE, C_FREEBUSY } comp_kind;

typedef struct comp {
	comp_kind kind;
	unsigned long line;
	size_t start, end;     /* raw bytes of BEGIN..END */
	int has_rid;
} comp;

/* Where a property of the current component is, for messages. */
typedef struct prop_line {
	char name[16];
	unsigned long line, col;
	size_t value, value_len; /* in the component text */
} prop_line;

typedef struct zone_entry {
	char *tzid;
	icaltimezone *zone;
} zone_entry;

typedef struct override {
	char *uid;
	struct icaltimetype rid;
} override;

typedef struct ical_ctx {
	rd_profile *p;
	const char *name;
	const rd_ical_options *o;
	int busy;
	const char *text;
	size_t len;
	rd_date from, to;            /* window, lookback included */
	icaltimezone *runner;
	int runner_fixed;
	char *wr_timezone;
	comp *comps;  size_t comp_count, comp_cap;
	zone_entry *zones; size_t zone_count, zone_cap;
	override *overrides; size_t override_count, override_cap;
	char **unknown_tz; size_t unknown_count, unknown_cap;
	rd_buf line;                 /* the current logical line */
	rd_buf ctext;                /* the current component, unfolded */
	prop_line props[64];
	size_t prop_count;
	unsigned long warnings;
	size_t usable, broken;
	rd_diag first;               /* the first problem, for the error */
} ical_ctx;

/* ---- messages ---- */

static void warn(ical_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void warn(ical_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...)
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
static const char *shown(char buf[48], const char *s, size_t n)
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

/* ---- lines ---- */

typedef struct line_iter {
	const char *s;
	size_t len, pos;
	unsigned long lineno;      /* physical line of the next line */
} line_iter;

static size_t line_end(const line_iter *it, size_t pos, size_t *next)
{
	size_t e = pos;
	while (e < it->len && it->s[e] != '\n' && it->s[e] != '\r')
		e++;
	*next = e;
	if (e < it->len && it->s[e] == '\r')
		(*next)++;
	if (*next < it->len && it->s[*next] == '\n' && (e == *next || it->s[e] == '\r'))
		(*next)++;
	if (e < it->len && it->s[e] == '\n' && *next == e)
		(*next)++;
	return e;
}

/* Reads the next logical line into out.  Returns 1, 0 at the end, or
 * RD_ELIMIT when it is longer than RD_ICAL_MAX_LINE. */
static int next_line(line_iter *it, rd_buf *out, unsigned long *first)
{
	if (it->pos >= it->len)
		return 0;
	out->len = 0;
	*first = it->lineno;
	size_t next;
	size_t e = line_end(it, it->pos, &next);
	rd_buf_put(out, it->s + it->pos, e - it->pos);
	it->pos = next;
	it->lineno++;
	while (it->pos < it->len && (it->s[it->pos] == ' ' || it->s[it->pos] == '\t')) {
		e = line_end(it, it->pos, &next);
		rd_buf_put(out, it->s + it->pos + 1, e - it->pos - 1);
		it->pos = next;
		it->lineno++;
		if (out->len > RD_ICAL_MAX_LINE)
			return RD_ELIMIT;
	}
	if (out->len > RD_ICAL_MAX_LINE)
		return RD_ELIMIT;
	return out->oom ? RD_ENOMEM : 1;
}

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* ---- pass 1: structure ---- */

typedef struct scan_state {
	char names[MAX_DEPTH][32];
	unsigned long lines[MAX_DEPTH];
	size_t depth;
	comp cur;
	int in_comp, broken;
} scan_state;

static int comp_kind_of(const char *name, comp_kind *k)
{
	if (strcasecmp(name, "VEVENT") == 0)
		*k = C_EVENT;
	else if (strcasecmp(name, "VTIMEZONE") == 0)
		*k = C_TIMEZONE;
	else if (strcasecmp(name, "VFREEBUSY") == 0)
		*k = C_FREEBUSY;
	else
		return 0;
	return 1;
}

static void scan_begin(ical_ctx *c, scan_state *s, const char *name, unsigned long ln, size_t raw)
{
	if (s->depth == MAX_DEPTH) {
		warn(c, ln, 1, "components nested more than %d deep", MAX_DEPTH);
		s->broken = 1;
		return;
	}
	snprintf(s->names[s->depth], sizeof s->names[0], "%s", name);
	s->lines[s->depth++] = ln;
	comp_kind k;
	if (s->depth == 2 && comp_kind_of(name, &k)) {
		s->cur = (comp){k, ln, raw, raw, 0};
		s->in_comp = 1;
		s->broken = 0;
	}
}

/* An END that closes an outer component: the inner ones were never ended. */
static int close_outer(ical_ctx *c, scan_state *s, const char *name, unsigned long ln)
{
	size_t d = s->depth;
	while (d > 0 && strcasecmp(s->names[d - 1], name) != 0)
		d--;
	if (d == 0) {
		warn(c, ln, 1, "END:%s does not match BEGIN:%s at line %lu", name,
		     s->names[s->depth - 1], s->lines[s->depth - 1]);
		s->broken = 1;
		return 0;
	}
	while (s->depth > d) {
		s->depth--;
		warn(c, s->lines[s->depth], 1, "BEGIN:%s is never ended (END:%s missing)%s",
		     s->names[s->depth], s->names[s->depth], s->depth == 1 ? ": skipped" : "");
		s->broken = 1;
		if (s->depth == 1 && s->in_comp) {
			s->in_comp = 0;
			c->broken++;
		}
	}
	return 1;
}

static int scan_end(ical_ctx *c, scan_state *s, const char *name, unsigned long ln, size_t raw)
{
	if (s->depth == 0) {
		warn(c, ln, 1, "END:%s without a BEGIN", name);
		return 0;
	}
	if (strcasecmp(s->names[s->depth - 1], name) != 0 && !close_outer(c, s, name, ln))
		return 0;
	s->depth--;
	if (s->depth != 1 || !s->in_comp)
		return 0;
	s->in_comp = 0;
	if (s->broken) {
		c->broken++;
		return 0;
	}
	if (c->comp_count >= RD_ICAL_MAX_COMPONENTS) {
		if (c->comp_count++ == RD_ICAL_MAX_COMPONENTS)
			warn(c, ln, 1, "more than %d components: the rest is skipped",
			     RD_ICAL_MAX_COMPONENTS);
		return 0;
	}
	s->cur.end = raw;
	if (rd_grow((void **)&c->comps, &c->comp_cap, c->comp_count + 1, sizeof *c->comps))
		return RD_ENOMEM;
	c->comps[c->comp_count++] = s->cur;
	return 0;
}

static int scan_line(ical_ctx *c, scan_state *s, const rd_buf *l, unsigned long ln,
		     size_t raw, size_t raw_next)
{
	const char *t = l->data ? l->data : "";
	char name[32];
	if (memchr(t, '\0', l->len)) {
		warn(c, ln, 1, "binary data (a NUL byte) in a text line");
		s->broken = s->in_comp;
		return 0;
	}
	if (starts(t, l->len, "BEGIN:") || starts(t, l->len, "END:")) {
		int begin = starts(t, l->len, "BEGIN:");
		snprintf(name, sizeof name, "%s", t + (begin ? 6 : 4));
		name[strcspn(name, " \t")] = '\0';
		if (begin)
			scan_begin(c, s, name, ln, raw);
		else
			return scan_end(c, s, name, ln, raw_next);
		return 0;
	}
	if (s->depth == 0 && l->len > 0) {
		warn(c, ln, 1, "text outside BEGIN:VCALENDAR .. END:VCALENDAR");
		return 0;
	}
	if (s->in_comp && l->len > 0 && !memchr(t, ':', l->len)) {
		char b[48];
		warn(c, ln, 1, "'%s' is not a content line (NAME:value), ignored", shown(b, t, l->len));
	}
	if (s->depth == 2 && s->in_comp && s->cur.kind == C_EVENT && starts(t, l->len, "RECURRENCE-ID"))
		s->cur.has_rid = 1;
	if (s->depth == 1 && starts(t, l->len, "X-WR-TIMEZONE:") && !c->wr_timezone)
		c->wr_timezone = rd_strndup(t + 14, l->len - 14);
	return 0;
}

/* The first non-blank line must open a calendar: anything else is not one. */
static int check_start(ical_ctx *c, rd_diag *diag)
{
	size_t i = 0;
	unsigned long ln = 1;
	if (c->len >= 3 && memcmp(c->text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < c->len && (c->text[i] == '\r' || c->text[i] == '\n' || c->text[i] == ' ')) {
		ln += c->text[i] == '\n';
		i++;
	}
	if (i == c->len)
		return rd_diag_set(diag, RD_EFORMAT, c->name, 1, 1,
				   "empty file: expected an iCalendar calendar (BEGIN:VCALENDAR)");
	if (!starts(c->text + i, c->len - i, "BEGIN:VCALENDAR"))
		return rd_diag_set(diag, RD_EFORMAT, c->name, ln, 1,
				   "not an iCalendar file: expected BEGIN:VCALENDAR");
	return 0;
}

static int scan(ical_ctx *c, rd_diag *diag)
{
	scan_state s;
	memset(&s, 0, sizeof s);
	line_iter it = {c->text, c->len, 0, 1};
	if (c->len >= 3 && memcmp(c->text, "\xef\xbb\xbf", 3) == 0)
		it.pos = 3;
	unsigned long ln = 1;
	int r;
	size_t at = it.pos;
	while ((r = next_line(&it, &c->line, &ln)) == 1) {
		if ((r = scan_line(c, &s, &c->line, ln, at, it.pos)) < 0)
			return rd_diag_set(diag, r, c->name, ln, 1, "out of memory");
		at = it.pos;
	}
	if (r == RD_ELIMIT)
		return rd_diag_set(diag, RD_ELIMIT, c->name, ln, 1,
				   "line longer than %u bytes", RD_ICAL_MAX_LINE);
	if (r < 0)
		return rd_diag_set(diag, r, c->name, ln, 1, "out of memory");
	for (size_t d = s.depth; d-- > 0;) {
		if (d == 0 && c->comp_count > 0)
			warn(c, s.lines[0], 1, "BEGIN:VCALENDAR is never ended (END:VCALENDAR missing)");
		else if (d == 1 && s.in_comp) {
			warn(c, s.lines[1], 1, "BEGIN:%s is never ended (END:%s missing): skipped",
			     s.names[1], s.names[1]);
			c->broken++;
		}
	}
	return 0;
}

/* ---- components: unfolded text, property lines ---- */

/* Copies component k, unfolded, with CRLF ends, into c->ctext and notes the
 * lines of the properties of its top level.  Lines that are not content
 * lines (warned about in pass 1) are left out. */
static int load_comp(ical_ctx *c, const comp *k)
{
	line_iter it = {c->text, k->end, k->start, k->line};
	unsigned long ln;
	int depth = 0, r;
	c->ctext.len = 0;
	c->prop_count = 0;
	while ((r = next_line(&it, &c->line, &ln)) == 1) {
		const char *t = c->line.data ? c->line.data : "";
		const char *colon = memchr(t, ':', c->line.len);
		if (!colon)
			continue;
		depth += starts(t, c->line.len, "BEGIN:") ? 1 : starts(t, c->line.len, "END:") ? -1 : 0;
		if (depth == 1 && c->prop_count < sizeof c->props / sizeof *c->props) {
			prop_line *pl = &c->props[c->prop_count++];
			size_t n = strcspn(t, ";:");
			snprintf(pl->name, sizeof pl->name, "%.*s", (int)(n < 15 ? n : 15), t);
			pl->line = ln;
			pl->col = (unsigned long)(colon - t) + 2;
			pl->value = c->ctext.len + (size_t)(colon - t) + 1;
			pl->value_len = c->line.len - (size_t)(colon - t) - 1;
		}
		rd_buf_put(&c->ctext, t, c->line.len);
		rd_buf_put(&c->ctext, "\r\n", 2);
	}
	return r < 0 ? r : c->ctext.oom ? RD_ENOMEM : 0;
}

/* The n-th (0-based) line of property name in the current component. */
static const prop_line *prop_at(const ical_ctx *c, const char *name, int n)
{
	for (size_t i = 0; i < c->prop_count; i++)
		if (strcasecmp(c->props[i].name, name) == 0 && n-- == 0)
			return &c->props[i];
	return NULL;
}

static unsigned long line_of(const ical_ctx *c, const char *name, unsigned long dflt)
{
	const prop_line *pl = prop_at(c, name, 0);
	return pl ? pl->line : dflt;
}

static const char *value_of(const ical_ctx *c, const prop_line *pl, char buf[48])
{
	return shown(buf, c->ctext.data + pl->value, pl->value_len);
}

static icalcomponent *parse_comp(ical_ctx *c, const comp *k, icalcomponent_kind want)
{
	if (load_comp(c, k) < 0)
		return NULL;
	icalcomponent *ic = icalparser_parse_string(c->ctext.data);
	if (ic && icalcomponent_isa(ic) != want) {
		icalcomponent_free(ic);
		ic = NULL;
	}
	return ic;
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
	icalcomponent *vtz = parse_comp(c, k, ICAL_VTIMEZONE_COMPONENT);
	icalproperty *id = vtz ? icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY) : NULL;
	const char *tzid = id ? icalproperty_get_tzid(id) : NULL;
	icaltimezone *z = NULL;
	if (!tzid || !tz_sane(vtz)) {
		warn(c, k->line, 1, "VTIMEZONE %s is malformed or has unbounded rules: ignored",
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
	warn(c, line, 1, "unknown time zone '%s' (no VTIMEZONE, not in the zone database): its times are read as local time",
	     shown(b, tzid, strlen(tzid)));
}

/* The time of a DTSTART-like property, with its zone attached. */
static struct icaltimetype prop_time(ical_ctx *c, icalproperty *prop, struct icaltimetype t,
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
static int64_t abs_seconds(struct icaltimetype t)
{
	if (t.is_date) {
		rd_date d = rd_date_from_ymd(t.year, t.month, t.day);
		return (int64_t)d * 86400;
	}
	return (int64_t)icaltime_as_timet_with_zone(t, t.zone);
}

/* t in the runner's zone: its date and minute of day (-1 for a date). */
static void local_time(const ical_ctx *c, struct icaltimetype t, rd_date *date, int *minute)
{
	if (!t.is_date && t.zone && c->runner)
		t = icaltime_convert_to_zone(t, c->runner);
	*date = rd_date_from_ymd(t.year, t.month, t.day);
	*minute = t.is_date ? -1 : t.hour * 60 + t.minute;
}

static int time_valid(struct icaltimetype t)
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
			const prop_line *pl = prop_at(c, name, 0);
			unsigned long ln = pl ? pl->line : k->line, col = pl ? pl->col : 1;
			if (pl && i == 3 && rrule_problem(c, pl, msg, sizeof msg))
				warn(c, ln, col, "%s: event skipped", msg);
			else if (i < 5)
				warn(c, ln, col, "%s value '%s' is not valid: event skipped", name,
				     pl ? value_of(c, pl, b) : "?");
			else
				warn(c, ln, col, "%s value '%s' is not valid: ignored", name,
				     pl ? value_of(c, pl, b) : "?");
			skip = i < 5;
			break;
		}
	}
	return skip ? -1 : 0;
}

/* ---- start, end, duration ---- */

typedef struct ev_time {
	struct icaltimetype start;
	int64_t seconds;             /* duration */
	int days;                    /* all-day events: days covered (>= 1) */
} ev_time;

static int check_time(ical_ctx *c, const comp *k, const char *name, struct icaltimetype t)
{
	if (time_valid(t))
		return 0;
	const prop_line *pl = prop_at(c, name, 0);
	char b[48];
	warn(c, pl ? pl->line : k->line, pl ? pl->col : 1,
	     "%s '%s' is not a valid date or date-time: event skipped", name,
	     pl ? value_of(c, pl, b) : "?");
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
		end = prop_time(c, pe, end, line_of(c, "DTEND", k->line));
		ev->seconds = abs_seconds(end) - abs_seconds(ev->start);
	} else if (pd) {
		struct icaldurationtype d = icalproperty_get_duration(pd);
		ev->seconds = d.is_neg ? -1 : (int64_t)d.weeks * 604800 + (int64_t)d.days * 86400 +
			      (int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 + d.seconds;
	}
	if (ev->seconds < 0) {
		const prop_line *pl = prop_at(c, pe ? "DTEND" : "DURATION", 0);
		warn(c, pl ? pl->line : k->line, pl ? pl->col : 1, "%s: event skipped",
		     pe ? "DTEND is before DTSTART" : "DURATION is negative");
		return -1;
	}
	if (ev->seconds > 366 * 86400LL) {
		warn(c, line_of(c, pe ? "DTEND" : "DURATION", k->line), 1,
		     "event lasts more than a year: event skipped");
		return -1;
	}
	ev->days = ev->start.is_date ? (int)((ev->seconds + 86399) / 86400) : 1;
	if (ev->days < 1)
		ev->days = 1;
	return 0;
}

static int event_time(ical_ctx *c, icalcomponent *ic, const comp *k, ev_time *ev)
{
	icalproperty *ps = icalcomponent_get_first_property(ic, ICAL_DTSTART_PROPERTY);
	if (!ps) {
		warn(c, k->line, 1, "event has no DTSTART: skipped");
		return -1;
	}
	const prop_line *dup = prop_at(c, "DTSTART", 1);
	if (dup)
		warn(c, dup->line, 1, "a second DTSTART in one event: the first is used");
	if ((dup = prop_at(c, "DTEND", 1)) != NULL)
		warn(c, dup->line, 1, "a second DTEND in one event: the first is used");
	ev->start = icalproperty_get_dtstart(ps);
	if (check_time(c, k, "DTSTART", ev->start))
		return -1;
	ev->start = prop_time(c, ps, ev->start, line_of(c, "DTSTART", k->line));
	return event_end(c, ic, k, ev);
}

/* ---- recurrence ---- */

typedef struct instances {
	struct icaltimetype *t;
	size_t n, cap;
	unsigned long steps;
} instances;

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
static int consider(const ical_ctx *c, instances *in, struct icaltimetype t, int days, int *err)
{
	rd_date d;
	int m;
	local_time(c, t, &d, &m);
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
		warn(c, line, 1, "RRULE can never occur: no instances");
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
		if (consider(c, in, t, ev->days, &err))
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
	return abs_seconds(a) == abs_seconds(ex);
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
	int64_t x = abs_seconds(*(const struct icaltimetype *)a);
	int64_t y = abs_seconds(*(const struct icaltimetype *)b);
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
		const prop_line *pl = prop_at(c, "RDATE", i);
		if (!time_valid(t)) {
			warn(c, pl ? pl->line : 0, pl ? pl->col : 1, "RDATE value is not a valid date: ignored");
			continue;
		}
		t = prop_time(c, p, t, pl ? pl->line : 0);
		consider(c, in, t, ev->days, &err);
	}
	return err;
}

static void remove_exdates(ical_ctx *c, icalcomponent *ic, instances *in)
{
	int i = 0;
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_EXDATE_PROPERTY);
	for (; p; p = icalcomponent_get_next_property(ic, ICAL_EXDATE_PROPERTY), i++) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		const prop_line *pl = prop_at(c, "EXDATE", i);
		if (time_valid(t))
			remove_matching(in, prop_time(c, p, t, pl ? pl->line : 0));
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
static int expand(ical_ctx *c, icalcomponent *ic, const comp *k, const ev_time *ev, instances *in)
{
	int err = 0, rules = 0;
	consider(c, in, ev->start, ev->days, &err);
	icalproperty *p = icalcomponent_get_first_property(ic, ICAL_RRULE_PROPERTY);
	for (; p && !err; p = icalcomponent_get_next_property(ic, ICAL_RRULE_PROPERTY)) {
		const prop_line *pl = prop_at(c, "RRULE", rules);
		if (++rules > MAX_RULES)
			break;
		err = expand_rule(c, icalproperty_get_rrule(p), ev, in, pl ? pl->line : k->line);
	}
	if (!err)
		err = add_rdates(c, ic, ev, in);
	if (err == RD_ELIMIT) {
		const prop_line *pl = prop_at(c, "RRULE", 0);
		warn(c, pl ? pl->line : k->line, pl ? pl->col : 1,
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
	local_time(c, t, &d, &m);
	int64_t start = (int64_t)d * 1440 + (m < 0 ? 0 : m);
	int64_t end = start + (ev->seconds + 59) / 60;
	if (e->kind.cls == RD_EV_MASSAGE) {
		rd_massage_had h = {d, e->kind.modality, -1, m, (char *)e->origin};
		if (rd_profile_add_massage(c->p, &h))
			return RD_ENOMEM;
	}
	notify(c, e, d, m, (int)(end - start), end > start ? RD_EV_BUSY : RD_EV_FREE,
	       end > start ? "OPAQUE event" : "no duration");
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
			local_time(c, in->t[i], &d, &m);
			notify(c, e, d, m, (int)(ev->seconds / 60), RD_EV_FREE, "TRANSPARENT event");
			continue;
		}
		if (c->busy) {
			r = add_busy(c, e, in->t[i], ev);
			continue;
		}
		rd_date d;
		int m;
		local_time(c, in->t[i], &d, &m);
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
	icalcomponent *ic = parse_comp(c, k, ICAL_VEVENT_COMPONENT);
	instances in = {NULL, 0, 0, 0};
	ev_info e;
	ev_time ev;
	int r = 0;
	if (!ic) {
		warn(c, k->line, 1, "VEVENT could not be parsed: skipped");
		return 0;
	}
	if (check_errors(c, ic, k) || event_time(c, ic, k, &ev) || (r = expand(c, ic, k, &ev, &in)) != 0)
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
	icalcomponent *ic = parse_comp(c, k, ICAL_VFREEBUSY_COMPONENT);
	ev_info e;
	int r = 0;
	if (!ic) {
		warn(c, k->line, 1, "VFREEBUSY could not be parsed: skipped");
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
		if (!time_valid(per.start))
			continue;
		ev.seconds = icaltime_is_null_time(per.end)
				     ? icaldurationtype_as_int(per.duration)
				     : abs_seconds(per.end) - abs_seconds(per.start);
		instances in = {NULL, 0, 0, 0};
		int err = 0;
		consider(c, &in, per.start, 1, &err);
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
	icalcomponent *ic = parse_comp(c, k, ICAL_VEVENT_COMPONENT);
	icalproperty *p = ic ? icalcomponent_get_first_property(ic, ICAL_RECURRENCEID_PROPERTY) : NULL;
	const char *uid = ic ? icalcomponent_get_uid(ic) : NULL;
	int r = 0;
	if (p && uid) {
		struct icaltimetype t = icalproperty_get_recurrenceid(p);
		char *copy = rd_strdup(uid);
		if (!copy || rd_grow((void **)&c->overrides, &c->override_cap, c->override_count + 1,
				     sizeof *c->overrides)) {
			rd_free(copy);
			r = RD_ENOMEM;
		} else if (time_valid(t)) {
			t = prop_time(c, p, t, line_of(c, "RECURRENCE-ID", k->line));
			c->overrides[c->override_count++] = (override){copy, t};
		} else {
			rd_free(copy);
		}
	}
	if (ic)
		icalcomponent_free(ic);
	return r;
}

static void choose_zone(ical_ctx *c)
{
	if (c->runner_fixed || !c->wr_timezone)
		return;
	icaltimezone *z = find_zone(c, c->wr_timezone);
	if (z) {
		c->runner = z;
		c->runner_fixed = 1;
	}
}

static int passes(ical_ctx *c)
{
	int r = 0;
	for (size_t i = 0; i < c->comp_count && i < RD_ICAL_MAX_COMPONENTS && !r; i++)
		if (c->comps[i].kind == C_TIMEZONE)
			r = add_vtimezone(c, &c->comps[i]);
	choose_zone(c);
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
	int r = check_start(&c, diag);
	if (!r && o->tzid) {
		c.runner = builtin(o->tzid);
		c.runner_fixed = 1;
		if (!c.runner)
			r = rd_diag_set(diag, RD_EUNSUPPORTED, name, 0, 0, "unknown time zone '%s'", o->tzid);
	}
	if (!r)
		r = scan(&c, diag);
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
	int bad = ferror(f);
	fclose(f);
	if (bad || b.oom || b.len > RD_ICAL_MAX_BYTES) {
		rd_buf_dispose(&b);
		return bad ? rd_diag_set(diag, RD_EIO, path, 0, 0, "read error")
		       : b.oom ? rd_diag_set(diag, RD_ENOMEM, path, 0, 0, "out of memory")
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
