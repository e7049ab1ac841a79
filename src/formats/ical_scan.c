/*
 * ical_scan.c: the lines and the structure of an iCalendar file (pass 1).
 *
 * Lines end in CRLF; we also take LF and a lone CR.  A line starting with a
 * space or tab continues the previous one (a fold, removed before anything
 * else, so a fold inside a UTF-8 sequence heals).  A logical line longer
 * than RD_ICAL_MAX_LINE is skipped with a warning, and so is the component
 * holding it.
 *
 * libical does not say where in the file an error is, so we scan the lines
 * ourselves first: BEGIN/END nesting (at most MAX_DEPTH deep), text outside
 * a calendar, lines that are not content lines, NUL bytes, and the cap of
 * RD_ICAL_MAX_COMPONENTS; each problem is a warning with its line, and a
 * component it breaks is skipped with a warning naming the component's
 * line.  A BEGIN of a component that only a calendar may hold (a VEVENT
 * inside a VTODO left open) ends what is open, so one missing END costs one
 * component, not the rest of the file.  What survives is a list of
 * components (VEVENT, VTIMEZONE, VFREEBUSY) by byte range and line.  Later,
 * each is handed to libical on its own, unfolded, with CRLF ends, and the
 * lines of its properties are kept so that messages about them can name a
 * line and column.
 */
#include "alloc.h"
#include "buf.h"
#include "formats/ical_int.h"

#include <libical/ical.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 8

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
 * RD_ELIMIT when it is longer than RD_ICAL_MAX_LINE (then it is passed over
 * whole, and out holds only its start). */
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
	int too_long = out->len > RD_ICAL_MAX_LINE;
	while (it->pos < it->len && (it->s[it->pos] == ' ' || it->s[it->pos] == '\t')) {
		e = line_end(it, it->pos, &next);
		if (!too_long)
			rd_buf_put(out, it->s + it->pos + 1, e - it->pos - 1);
		too_long |= out->len > RD_ICAL_MAX_LINE;
		it->pos = next;
		it->lineno++;
	}
	if (too_long)
		return RD_ELIMIT; /* the whole logical line is consumed */
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
	size_t refused; /* BEGINs past MAX_DEPTH still open: their ENDs are theirs */
	comp cur;
	int in_comp, broken;
	unsigned long broken_at; /* the line that broke cur */
} scan_state;

/* Line ln breaks the component being read, if any: it will be skipped. */
static void breaks(scan_state *s, unsigned long ln)
{
	if (!s->in_comp)
		return;
	if (!s->broken)
		s->broken_at = ln;
	s->broken = 1;
}

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

/* A component that may only sit directly in a calendar. */
static int top_level(const char *name)
{
	static const char *const names[] = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Ends the components open above depth d, each never ended. */
static void unwind_to(ical_ctx *c, scan_state *s, size_t d)
{
	while (s->depth > d) {
		s->depth--;
		ical_warn(c, s->lines[s->depth], 1, "BEGIN:%s is never ended (END:%s missing)%s",
			  s->names[s->depth], s->names[s->depth], s->depth == 1 ? ": skipped" : "");
		breaks(s, s->lines[s->depth]);
		if (s->depth == 1 && s->in_comp) {
			s->in_comp = 0;
			c->broken++;
		}
	}
	s->refused = 0;
}

static void scan_begin(ical_ctx *c, scan_state *s, const char *name, unsigned long ln, size_t raw)
{
	if (s->depth >= 2 && top_level(name))
		unwind_to(c, s, 1);
	if (s->depth == MAX_DEPTH) {
		if (!s->refused++)
			ical_warn(c, ln, 1, "components nested more than %d deep", MAX_DEPTH);
		breaks(s, ln);
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

/* An END that closes an outer component: the inner ones were never ended.
 * An END that matches nothing open is a stray line, and breaks the
 * component it stands in. */
static int close_outer(ical_ctx *c, scan_state *s, const char *name, unsigned long ln)
{
	size_t d = s->depth;
	while (d > 0 && strcasecmp(s->names[d - 1], name) != 0)
		d--;
	if (d == 0) {
		ical_warn(c, ln, 1, "END:%s does not match BEGIN:%s at line %lu", name,
			  s->names[s->depth - 1], s->lines[s->depth - 1]);
		breaks(s, ln);
		return 0;
	}
	unwind_to(c, s, d);
	return 1;
}

static int scan_end(ical_ctx *c, scan_state *s, const char *name, unsigned long ln, size_t raw)
{
	if (s->refused) { /* the END of a BEGIN refused for its depth */
		s->refused--;
		return 0;
	}
	if (s->depth == 0) {
		ical_warn(c, ln, 1, "END:%s without a BEGIN", name);
		return 0;
	}
	if (strcasecmp(s->names[s->depth - 1], name) != 0 && !close_outer(c, s, name, ln))
		return 0;
	s->depth--;
	if (s->depth != 1 || !s->in_comp)
		return 0;
	s->in_comp = 0;
	if (s->broken) {
		ical_warn(c, s->cur.line, 1, "%s skipped because of line %lu", s->names[1],
			  s->broken_at);
		c->broken++;
		return 0;
	}
	if (c->comp_count >= RD_ICAL_MAX_COMPONENTS) {
		if (c->comp_count++ == RD_ICAL_MAX_COMPONENTS)
			ical_warn(c, ln, 1, "more than %d components: the rest is skipped",
				  RD_ICAL_MAX_COMPONENTS);
		return 0;
	}
	s->cur.end = raw;
	if (rd_grow((void **)&c->comps, &c->comp_cap, c->comp_count + 1, sizeof *c->comps))
		return RD_ENOMEM;
	c->comps[c->comp_count++] = s->cur;
	return 0;
}

/* A component name is letters, digits and '-' (RFC 5545 iana-token and
 * x-name).  "BEGIN:VEVENT;X=1" puts parameters after the colon: the name is
 * cut to "VEVENT", with a warning, and the component is skipped.  Returns 1
 * when the name was good. */
static int name_ok(ical_ctx *c, char *name, const char *line, size_t len, unsigned long ln)
{
	size_t n = 0;
	while (isalnum((unsigned char)name[n]) || name[n] == '-')
		n++;
	if (!name[n])
		return 1;
	char b[48];
	ical_warn(c, ln, 1, "'%s': a component name is letters, digits and '-', so it is read "
		  "as %.*s and that component is skipped", ical_shown(b, line, len), (int)n, name);
	name[n] = '\0';
	return 0;
}

static int scan_line(ical_ctx *c, scan_state *s, const rd_buf *l, unsigned long ln,
		     size_t raw, size_t raw_next)
{
	const char *t = l->data ? l->data : "";
	char name[32];
	if (memchr(t, '\0', l->len)) {
		ical_warn(c, ln, 1, "binary data (a NUL byte) in a text line");
		breaks(s, ln);
		return 0;
	}
	if (starts(t, l->len, "BEGIN;") || starts(t, l->len, "END;")) {
		char b[48];
		ical_warn(c, ln, 1, "'%s': BEGIN and END take no parameters%s", ical_shown(b, t, l->len),
			  s->in_comp ? "" : "; ignored");
		breaks(s, ln);
		return 0;
	}
	if (starts(t, l->len, "BEGIN:") || starts(t, l->len, "END:")) {
		int begin = starts(t, l->len, "BEGIN:");
		snprintf(name, sizeof name, "%s", t + (begin ? 6 : 4));
		name[strcspn(name, " \t")] = '\0';
		int bad = !name_ok(c, name, t, l->len, ln);
		if (begin)
			scan_begin(c, s, name, ln, raw);
		if (bad)
			breaks(s, ln); /* the component it opens or closes */
		return begin ? 0 : scan_end(c, s, name, ln, raw_next);
	}
	if (s->depth == 0 && l->len > 0) {
		ical_warn(c, ln, 1, "text outside BEGIN:VCALENDAR .. END:VCALENDAR");
		return 0;
	}
	if (s->in_comp && l->len > 0 && !memchr(t, ':', l->len)) {
		char b[48];
		ical_warn(c, ln, 1, "'%s' is not a content line (NAME:value), ignored", ical_shown(b, t, l->len));
	}
	if (s->depth == 2 && s->in_comp && s->cur.kind == C_EVENT && starts(t, l->len, "RECURRENCE-ID"))
		s->cur.has_rid = 1;
	if (s->depth == 1 && starts(t, l->len, "X-WR-TIMEZONE:") && !c->wr_timezone &&
	    !(c->wr_timezone = rd_strndup(t + 14, l->len - 14)))
		return RD_ENOMEM;
	return 0;
}

/* The first non-blank line must open a calendar: anything else is not one. */
int ical_check_start(ical_ctx *c, rd_diag *diag)
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

int ical_scan(ical_ctx *c, rd_diag *diag)
{
	scan_state s;
	memset(&s, 0, sizeof s);
	line_iter it = {c->text, c->len, 0, 1};
	if (c->len >= 3 && memcmp(c->text, "\xef\xbb\xbf", 3) == 0)
		it.pos = 3;
	unsigned long ln = 1;
	int r;
	size_t at = it.pos;
	while ((r = next_line(&it, &c->line, &ln)) != 0) {
		if (r == RD_ELIMIT) {
			ical_warn(c, ln, 1, "line longer than %u bytes: skipped", RD_ICAL_MAX_LINE);
			breaks(&s, ln);
		} else if (r < 0 || (r = scan_line(c, &s, &c->line, ln, at, it.pos)) < 0) {
			break;
		}
		at = it.pos;
	}
	if (r < 0)
		return rd_diag_set(diag, r, c->name, ln, 1, "out of memory");
	for (size_t d = s.depth; d-- > 0;) {
		if (d == 0 && c->comp_count > 0)
			ical_warn(c, s.lines[0], 1, "BEGIN:VCALENDAR is never ended (END:VCALENDAR missing)");
		else if (d == 1 && s.in_comp) {
			ical_warn(c, s.lines[1], 1, "BEGIN:%s is never ended (END:%s missing): skipped",
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
const prop_line *ical_prop_at(const ical_ctx *c, const char *name, int n)
{
	for (size_t i = 0; i < c->prop_count; i++)
		if (strcasecmp(c->props[i].name, name) == 0 && n-- == 0)
			return &c->props[i];
	return NULL;
}

unsigned long ical_line_of(const ical_ctx *c, const char *name, unsigned long dflt)
{
	const prop_line *pl = ical_prop_at(c, name, 0);
	return pl ? pl->line : dflt;
}

const char *ical_value_of(const ical_ctx *c, const prop_line *pl, char buf[48])
{
	return ical_shown(buf, c->ctext.data + pl->value, pl->value_len);
}

icalcomponent *ical_parse_comp(ical_ctx *c, const comp *k, icalcomponent_kind want,
			       int *err)
{
	int r = load_comp(c, k);
	*err = r == RD_ENOMEM ? r : 0; /* a long line was refused by pass 1 */
	if (r < 0)
		return NULL;
	icalcomponent *ic = icalparser_parse_string(c->ctext.data);
	if (ic && icalcomponent_isa(ic) != want) {
		icalcomponent_free(ic);
		ic = NULL;
	}
	return ic;
}
