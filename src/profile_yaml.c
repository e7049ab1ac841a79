/*
 * profile_yaml.c: the YAML profile reader (docs/profile.md has the format).
 *
 * libyaml loads the document into nodes that carry their line and column;
 * we walk them and check every key and value, so any mistake is reported as
 * FILE:LINE:COL: what was found, what was expected.  Unknown keys are errors:
 * a typo ("tues", "pressur") must not silently change the plan.
 */
#include "rubdown/profile.h"
#include "alloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_PROFILE_BYTES (4u << 20)

typedef struct ctx {
	const char *file;
	yaml_document_t *doc;
	rd_profile *p;
	rd_diag *diag;
	/* where values checked against each other were given (NULL: default) */
	const yaml_node_t *lead_min, *lead_max, *after_min, *after_max, *days;
	unsigned week_seen, hours_seen; /* days given in week and in hours */
	int loaded; /* doc holds a document to delete */
} ctx;

static int fail(ctx *c, const yaml_node_t *n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int fail(ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return rd_diag_set(c->diag, RD_EFORMAT, c->file, (unsigned long)n->start_mark.line + 1,
			   (unsigned long)n->start_mark.column + 1, "%s", msg);
}

static yaml_node_t *node(ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int want(ctx *c, const yaml_node_t *n, yaml_node_type_t type, const char *what)
{
	if (n->type == type)
		return 0;
	return fail(c, n, "%s must be a %s", what,
		    type == YAML_MAPPING_NODE ? "mapping" :
		    type == YAML_SEQUENCE_NODE ? "list" : "single value");
}

static int get_string(ctx *c, const yaml_node_t *n, const char *what, char **out)
{
	if (want(c, n, YAML_SCALAR_NODE, what))
		return RD_EFORMAT;
	rd_free(*out);
	*out = rd_strdup(text(n));
	return *out ? 0 : rd_diag_set(c->diag, RD_ENOMEM, c->file, 0, 0, "out of memory");
}

/* [+-]digits[.digits][e[+-]digits], at least one digit before the
 * exponent: what strtod() takes, without hex, inf, nan or spaces. */
static int is_decimal(const char *s)
{
	size_t digits = 0;
	s += *s == '+' || *s == '-';
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (digits && (*s == 'e' || *s == 'E')) {
		s++;
		s += *s == '+' || *s == '-';
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return digits && !*s;
}

static int get_number(ctx *c, const yaml_node_t *n, const char *what, double lo,
		      double hi, double *out)
{
	if (want(c, n, YAML_SCALAR_NODE, what))
		return RD_EFORMAT;
	const char *s = text(n);
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!is_decimal(s) || *end || errno || !isfinite(v))
		return fail(c, n, "%s must be a number, found '%s'", what, s);
	if (v < lo || v > hi)
		return fail(c, n, "%s must be between %g and %g, found %s", what, lo, hi, s);
	*out = v;
	return 0;
}

static int get_int(ctx *c, const yaml_node_t *n, const char *what, int lo, int hi, int *out)
{
	double v = 0;
	int rc = get_number(c, n, what, lo, hi, &v);
	if (rc)
		return rc;
	if (v != floor(v))
		return fail(c, n, "%s must be a whole number, found %s", what, text(n));
	*out = (int)v;
	return 0;
}

/* Money: a number with at most two decimals, kept in cents. */
static int get_money(ctx *c, const yaml_node_t *n, const char *what, long *out)
{
	double v = 0;
	int rc = get_number(c, n, what, -1e12, 1e9, &v);
	if (rc)
		return rc;
	if (v < 0)
		return fail(c, n, "%s cannot be negative, found %s", what, text(n));
	double cents = v * 100;
	if (fabs(cents - floor(cents + 0.5)) > 1e-6)
		return fail(c, n, "%s has more than two decimals: %s", what, text(n));
	*out = (long)floor(cents + 0.5);
	return 0;
}

static int get_date(ctx *c, const yaml_node_t *n, const char *what, rd_date *out)
{
	if (want(c, n, YAML_SCALAR_NODE, what))
		return RD_EFORMAT;
	if (rd_date_parse(out, text(n), strlen(text(n))))
		return fail(c, n, "%s must be a date YYYY-MM-DD, found '%s'", what, text(n));
	return 0;
}

/* "HH:MM" -> minutes after midnight. */
static int parse_clock(const char *s, size_t len, int *out)
{
	if (len != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || m > 59 || (h == 24 && m))
		return -1;
	*out = h * 60 + m;
	return 0;
}

static int get_time(ctx *c, const yaml_node_t *n, const char *what, int *out)
{
	if (want(c, n, YAML_SCALAR_NODE, what))
		return RD_EFORMAT;
	if (parse_clock(text(n), strlen(text(n)), out) || *out >= 1440)
		return fail(c, n, "%s must be a time HH:MM, found '%s'", what, text(n));
	return 0;
}

static int get_kind(ctx *c, const yaml_node_t *n, rd_kind *out)
{
	if (want(c, n, YAML_SCALAR_NODE, "kind"))
		return RD_EFORMAT;
	if (rd_kind_from_name(out, text(n)))
		return fail(c, n, "unknown session kind '%s': expected rest, easy, long, hard or race",
			    text(n));
	return 0;
}

/* A week day: "tue", "Tue", "tuesday" or "Tuesday" (any case); -1 if none. */
static int weekday_of(const char *s)
{
	for (int d = 0; d < 7; d++)
		if (strcasecmp(s, rd_weekday_short(d)) == 0 || strcasecmp(s, rd_weekday_name(d)) == 0)
			return d;
	return -1;
}

/* The week day s, given at n; where is "" or " in hours", for the message. */
static int get_weekday(ctx *c, const yaml_node_t *n, const char *s, const char *where, int *d)
{
	*d = weekday_of(s);
	if (*d < 0)
		return fail(c, n, "unknown week day '%s'%s: expected mon, tue, wed, thu, fri, sat or sun",
			    s, where);
	return 0;
}

/* A day given twice in one mapping under two spellings ("tue", "Tuesday"):
 * bit d of *seen records day d. */
static int day_again(ctx *c, const yaml_node_t *k, unsigned *seen, int d, const char *what)
{
	if (*seen & (1u << d))
		return fail(c, k, "%s is given twice in %s", rd_weekday_name(d), what);
	*seen |= 1u << d;
	return 0;
}

/* Iterates a mapping: for each pair calls fn(c, key text, key node, value
 * node, arg).  Rejects non-scalar and repeated keys. */
typedef int (*pair_fn)(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

/* An empty value ("key:" with nothing after it) reads as an empty section. */
static int is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = text(n);
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

static int each_pair(ctx *c, yaml_node_t *map, const char *what, pair_fn fn, void *arg)
{
	if (is_null(map))
		return 0;
	if (want(c, map, YAML_MAPPING_NODE, what))
		return RD_EFORMAT;
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(c, pr->key), *v = node(c, pr->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return fail(c, k ? k : map, "%s: keys must be plain names", what);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < pr; q++)
			if (strcmp(text(node(c, q->key)), text(k)) == 0)
				return fail(c, k, "'%s' is given twice in %s", text(k), what);
		int rc = fn(c, text(k), k, v, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Keys of one section that are easily written one level too high. */
static const struct {
	const char *key, *section;
} homes[] = {
	{"name", "runner"}, {"level", "runner"}, {"pressure", "runner"},
	{"hr_max", "runner"}, {"hr_rest", "runner"}, {"per_month", "budget"},
	{"sessions_per_month", "budget"}, {"currency", "budget"},
	{"days", "availability"}, {"hours", "availability"},
};

static int unknown(ctx *c, const yaml_node_t *k, const char *key, const char *what,
		   const char *expected)
{
	for (size_t i = 0; i < sizeof homes / sizeof *homes; i++)
		if (strcmp(key, homes[i].key) == 0 && strcmp(what, "the profile") == 0)
			return fail(c, k, "unknown key '%s' in the profile: it belongs in the "
				    "%s section (%s: {%s: ...})", key, homes[i].section,
				    homes[i].section, key);
	return fail(c, k, "unknown key '%s' in %s: expected one of %s", key, what, expected);
}

/* ---- runner ---- */

static int runner_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	rd_profile *p = c->p;
	if (strcmp(key, "name") == 0)
		return get_string(c, v, "runner.name", &p->name);
	if (strcmp(key, "level") == 0) {
		const char *lv[] = {"beginner", "intermediate", "advanced"};
		if (want(c, v, YAML_SCALAR_NODE, "runner.level"))
			return RD_EFORMAT;
		for (int i = 0; i < 3; i++)
			if (strcmp(text(v), lv[i]) == 0) {
				p->level = (rd_level)i;
				return 0;
			}
		return fail(c, v, "unknown level '%s': expected beginner, intermediate or advanced", text(v));
	}
	if (strcmp(key, "pressure") == 0) {
		if (want(c, v, YAML_SCALAR_NODE, "runner.pressure"))
			return RD_EFORMAT;
		if (rd_pressure_from_name(&p->pressure, text(v)))
			return fail(c, v, "unknown pressure '%s': expected light, medium or firm", text(v));
		*(int *)arg = 1;
		return 0;
	}
	if (strcmp(key, "hr_max") == 0)
		return get_int(c, v, "runner.hr_max", 100, 250, &p->hr_max);
	if (strcmp(key, "hr_rest") == 0)
		return get_int(c, v, "runner.hr_rest", 25, 120, &p->hr_rest);
	return unknown(c, k, key, "runner", "name, level, pressure, hr_max, hr_rest");
}

/* ---- sessions (the usual week, and dated ones) ---- */

typedef struct session_in {
	rd_session *s;
	int allow_date, kind_seen;
} session_in;

static int session_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	session_in *in = arg;
	rd_session *s = in->s;
	if (strcmp(key, "kind") == 0) {
		in->kind_seen = 1;
		return get_kind(c, v, &s->kind);
	}
	if (strcmp(key, "km") == 0)
		return get_number(c, v, "km", 0, 1000, &s->km);
	if (strcmp(key, "minutes") == 0)
		return get_int(c, v, "minutes", 0, 24 * 60, &s->minutes);
	if (strcmp(key, "title") == 0)
		return get_string(c, v, "title", &s->title);
	if (strcmp(key, "time") == 0)
		return get_time(c, v, "session time", &s->start_min);
	if (strcmp(key, "date") == 0 && in->allow_date)
		return get_date(c, v, "date", &s->date);
	return unknown(c, k, key, "a session",
		       in->allow_date ? "date, kind, km, minutes, title, time" :
					"kind, km, minutes, title, time");
}

static int week_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	int d;
	if (get_weekday(c, k, key, "", &d) || day_again(c, k, &c->week_seen, d, "week"))
		return RD_EFORMAT;
	rd_session *s = &c->p->week[d];
	session_in in = {s, 0, 0};
	int rc = v->type == YAML_SCALAR_NODE ? get_kind(c, v, &s->kind) :
					       each_pair(c, v, "a session", session_pair, &in);
	if (!rc && v->type != YAML_SCALAR_NODE && !in.kind_seen)
		rc = fail(c, v, "the %s session needs a kind", key);
	if (!rc && !s->origin && !(s->origin = rd_strdup("profile week")))
		rc = rd_diag_set(c->diag, RD_ENOMEM, c->file, 0, 0, "out of memory");
	return rc;
}

static int read_list(ctx *c, yaml_node_t *seq, const char *what,
		     int (*item)(ctx *c, yaml_node_t *n))
{
	if (is_null(seq))
		return 0;
	if (want(c, seq, YAML_SEQUENCE_NODE, what))
		return RD_EFORMAT;
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		int rc = item(c, node(c, *it));
		if (rc)
			return rc;
	}
	return 0;
}

static int oom(ctx *c)
{
	return rd_diag_set(c->diag, RD_ENOMEM, c->file, 0, 0, "out of memory");
}

static int dated_session(ctx *c, yaml_node_t *n)
{
	rd_session s = {RD_DATE_NONE, RD_REST, 0, 0, -1, NULL, NULL, 0};
	session_in in = {&s, 1, 0};
	int rc = each_pair(c, n, "a session", session_pair, &in);
	if (!rc && s.date == RD_DATE_NONE)
		rc = fail(c, n, "a session needs a date");
	if (!rc && !in.kind_seen)
		rc = fail(c, n, "a session needs a kind");
	char origin[64];
	snprintf(origin, sizeof origin, "profile line %lu", (unsigned long)n->start_mark.line + 1);
	s.origin = origin;
	if (!rc && rd_profile_add_session(c->p, &s))
		rc = oom(c);
	rd_free(s.title);
	return rc;
}

/* ---- races ---- */

static int race_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	rd_race *r = arg;
	if (strcmp(key, "name") == 0)
		return get_string(c, v, "race name", &r->name);
	if (strcmp(key, "date") == 0)
		return get_date(c, v, "race date", &r->date);
	if (strcmp(key, "km") == 0)
		return get_number(c, v, "race km", 0.1, 1000, &r->km);
	if (strcmp(key, "time") == 0)
		return get_time(c, v, "race time", &r->start_min);
	return unknown(c, k, key, "a race", "name, date, km, time");
}

static int race_item(ctx *c, yaml_node_t *n)
{
	rd_race r = {NULL, RD_DATE_NONE, 0, -1};
	int rc = each_pair(c, n, "a race", race_pair, &r);
	if (!rc && r.date == RD_DATE_NONE)
		rc = fail(c, n, "race '%s' has no date", r.name ? r.name : "(unnamed)");
	if (!rc && rd_profile_add_race(c->p, &r))
		rc = oom(c);
	rd_free(r.name);
	return rc;
}

/* ---- conditions ---- */

static const struct {
	const char *name;
	rd_condition_type type;
	const char *focus;
} known_conditions[] = {
	{"plantar fasciitis", RD_COND_PLANTAR_FASCIITIS, "plantar_fascia"},
	{"shin splints", RD_COND_SHIN_SPLINTS, "shins"},
	{"hamstring injury", RD_COND_HAMSTRING_INJURY, "hamstrings"},
	{"scar tissue", RD_COND_SCAR_TISSUE, NULL},
	{"knee pain", RD_COND_KNEE_PAIN, "knee"},
};

typedef struct condition_in {
	rd_condition x;
	const yaml_node_t *until; /* where until was given */
} condition_in;

static int condition_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	condition_in *in = arg;
	rd_condition *x = &in->x;
	if (strcmp(key, "name") == 0)
		return get_string(c, v, "condition name", &x->name);
	if (strcmp(key, "site") == 0)
		return get_string(c, v, "condition site", &x->site);
	if (strcmp(key, "since") == 0)
		return get_date(c, v, "condition since", &x->since);
	if (strcmp(key, "until") == 0) {
		in->until = v;
		return get_date(c, v, "condition until", &x->until);
	}
	return unknown(c, k, key, "a condition", "name, site, since, until");
}

/* "left foot" -> "left_foot": a site as a focus id. */
static char *site_id(const char *site)
{
	char *id = rd_strdup(site);
	for (char *s = id; s && *s; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
		else if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			*s = '_';
	}
	return id;
}

static int condition_item(ctx *c, yaml_node_t *n)
{
	condition_in in = {{NULL, NULL, NULL, RD_COND_OTHER, RD_DATE_NONE, RD_DATE_NONE}, NULL};
	int rc = each_pair(c, n, "a condition", condition_pair, &in);
	rd_condition x = in.x;
	if (!rc && !x.name)
		rc = fail(c, n, "a condition needs a name");
	const char *focus = NULL;
	for (size_t i = 0; !rc && i < sizeof known_conditions / sizeof *known_conditions; i++) {
		if (strcasecmp(x.name, known_conditions[i].name) == 0) {
			x.type = known_conditions[i].type;
			focus = known_conditions[i].focus;
		}
	}
	if (!rc && !focus && !x.site)
		rc = fail(c, n, "condition '%s' needs a site (where it hurts)", x.name);
	if (!rc && x.since != RD_DATE_NONE && x.until != RD_DATE_NONE && x.until < x.since) {
		char since[11], until[11];
		rd_date_format(x.since, since);
		rd_date_format(x.until, until);
		rc = fail(c, in.until, "condition '%s' ends (%s) before it starts (%s)", x.name,
			  until, since);
	}
	if (!rc && !(x.focus = focus ? rd_strdup(focus) : site_id(x.site)))
		rc = oom(c);
	if (!rc && rd_grow((void **)&c->p->conditions, &c->p->condition_cap,
			   c->p->condition_count + 1, sizeof x))
		rc = oom(c);
	if (rc) {
		rd_free(x.name);
		rd_free(x.site);
		rd_free(x.focus);
		return rc;
	}
	c->p->conditions[c->p->condition_count++] = x;
	return 0;
}

/* ---- massages had or booked ---- */

static int massage_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	rd_massage_had *m = arg;
	if (strcmp(key, "date") == 0)
		return get_date(c, v, "massage date", &m->date);
	if (strcmp(key, "price") == 0)
		return get_money(c, v, "massage price", &m->price_cents);
	if (strcmp(key, "time") == 0)
		return get_time(c, v, "massage time", &m->start_min);
	if (strcmp(key, "modality") == 0) {
		if (want(c, v, YAML_SCALAR_NODE, "modality"))
			return RD_EFORMAT;
		if (rd_modality_from_id(&m->modality, text(v)))
			return fail(c, v, "unknown modality '%s': expected swedish, deep_tissue, "
				    "active_release, sports_pre_event or sports_post_event", text(v));
		return 0;
	}
	return unknown(c, k, key, "a massage", "date, modality, price, time");
}

static int massage_item(ctx *c, yaml_node_t *n)
{
	rd_massage_had m = {RD_DATE_NONE, RD_MODALITY_COUNT, -1, -1, NULL};
	int rc = each_pair(c, n, "a massage", massage_pair, &m);
	if (!rc && m.date == RD_DATE_NONE)
		rc = fail(c, n, "a massage needs a date");
	if (!rc && m.modality == RD_MODALITY_COUNT)
		rc = fail(c, n, "a massage needs a modality");
	char origin[64];
	snprintf(origin, sizeof origin, "profile line %lu", (unsigned long)n->start_mark.line + 1);
	m.origin = origin;
	if (!rc && rd_profile_add_massage(c->p, &m))
		rc = oom(c);
	return rc;
}

/* ---- budget, prices, availability ---- */

static int budget_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	rd_profile *p = c->p;
	if (strcmp(key, "per_month") == 0)
		return get_money(c, v, "budget.per_month", &p->budget_cents);
	if (strcmp(key, "sessions_per_month") == 0)
		return get_int(c, v, "budget.sessions_per_month", 0, 31, &p->budget_sessions);
	if (strcmp(key, "currency") == 0) {
		if (want(c, v, YAML_SCALAR_NODE, "budget.currency"))
			return RD_EFORMAT;
		size_t n = strlen(text(v));
		if (n < 1 || n >= sizeof p->currency)
			return fail(c, v, "budget.currency must be a short code like EUR, found '%s'", text(v));
		memcpy(p->currency, text(v), n + 1);
		return 0;
	}
	return unknown(c, k, key, "budget", "per_month, sessions_per_month, currency");
}

static int price_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	rd_modality m;
	if (rd_modality_from_id(&m, key))
		return fail(c, k, "unknown modality '%s' in prices: expected swedish, deep_tissue, "
			    "active_release, sports_pre_event or sports_post_event", key);
	return get_money(c, v, "price", &c->p->prices_cents[m]);
}

/* "17:00-20:30" */
static int get_hours(ctx *c, yaml_node_t *v, int day_mask)
{
	if (want(c, v, YAML_SCALAR_NODE, "hours"))
		return RD_EFORMAT;
	const char *s = text(v);
	int from, to;
	if (strlen(s) != 11 || s[5] != '-' || parse_clock(s, 5, &from) ||
	    parse_clock(s + 6, 5, &to) || to <= from)
		return fail(c, v, "hours must be 'HH:MM-HH:MM' with the end after the start, found '%s'", s);
	for (int d = 0; d < 7; d++)
		if (day_mask & (1 << d)) {
			c->p->avail_from[d] = from;
			c->p->avail_to[d] = to;
		}
	return 0;
}

static int hours_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	int d;
	if (get_weekday(c, k, key, " in hours", &d) || day_again(c, k, &c->hours_seen, d, "hours"))
		return RD_EFORMAT;
	return get_hours(c, v, 1 << d);
}

static int availability_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	if (strcmp(key, "days") == 0) {
		if (want(c, v, YAML_SEQUENCE_NODE, "availability.days"))
			return RD_EFORMAT;
		c->days = v;
		c->p->availability = 0;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			yaml_node_t *d = node(c, *it);
			if (want(c, d, YAML_SCALAR_NODE, "a day"))
				return RD_EFORMAT;
			int wd;
			if (get_weekday(c, d, text(d), "", &wd))
				return RD_EFORMAT;
			c->p->availability |= 1u << wd;
		}
		return 0;
	}
	if (strcmp(key, "hours") == 0)
		return v->type == YAML_MAPPING_NODE ? each_pair(c, v, "hours", hours_pair, NULL) :
						      get_hours(c, v, 0x7f);
	return unknown(c, k, key, "availability", "days, hours");
}

/* ---- classify: event titles -> kinds (for calendars) ---- */

static int classify_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	(void)k;
	rd_classify_entry e = {NULL, RD_REST, 0};
	if (want(c, v, YAML_SCALAR_NODE, "a classify value"))
		return RD_EFORMAT;
	if (strcmp(text(v), "not_run") == 0)
		e.not_run = 1;
	else if (rd_kind_from_name(&e.kind, text(v)))
		return fail(c, v, "unknown kind '%s': expected rest, easy, long, hard, race or not_run", text(v));
	rd_profile *p = c->p;
	if (rd_grow((void **)&p->classify, &p->classify_cap, p->classify_count + 1, sizeof e) ||
	    !(e.title = rd_strdup(key)))
		return oom(c);
	p->classify[p->classify_count++] = e;
	return 0;
}

/* ---- settings: the rule parameters ---- */

static int minutes_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	rd_modality m;
	if (rd_modality_from_id(&m, key))
		return fail(c, k, "unknown modality '%s' in settings.minutes: expected swedish, "
			    "deep_tissue, active_release, sports_pre_event or sports_post_event", key);
	return get_int(c, v, "minutes", 10, 180, &c->p->params.minutes[m]);
}

static int settings_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	rd_profile *p = c->p;
	rd_params *r = &p->params;
	if (strcmp(key, "min_gap_days") == 0)
		return get_int(c, v, key, 0, 28, &r->min_gap_days);
	if (strcmp(key, "marathon_blackout_days") == 0)
		return get_int(c, v, key, 0, 28, &r->marathon_blackout_days);
	if (strcmp(key, "race_lead_min_days") == 0) {
		c->lead_min = v;
		return get_int(c, v, key, 1, 14, &r->race_lead_min);
	}
	if (strcmp(key, "race_lead_max_days") == 0) {
		c->lead_max = v;
		return get_int(c, v, key, 1, 14, &r->race_lead_max);
	}
	if (strcmp(key, "race_no_deep_days") == 0)
		return get_int(c, v, key, 0, 14, &r->race_no_deep_days);
	if (strcmp(key, "after_min_days") == 0) {
		c->after_min = v;
		return get_int(c, v, key, 0, 7, &r->after_min_days);
	}
	if (strcmp(key, "after_max_days") == 0) {
		c->after_max = v;
		return get_int(c, v, key, 0, 7, &r->after_max_days);
	}
	if (strcmp(key, "marathon_km") == 0)
		return get_number(c, v, key, 1, 1000, &r->marathon_km);
	if (strcmp(key, "before_run_gap_minutes") == 0)
		return get_int(c, v, key, 0, 720, &p->before_run_gap);
	if (strcmp(key, "after_run_gap_minutes") == 0)
		return get_int(c, v, key, 0, 720, &p->after_run_gap);
	if (strcmp(key, "reminder_minutes") == 0) {
		if (v->type == YAML_SCALAR_NODE && strcmp(text(v), "off") == 0) {
			p->reminder_minutes = -1;
			return 0;
		}
		return get_int(c, v, key, 0, 7 * 1440, &p->reminder_minutes);
	}
	if (strcmp(key, "minutes") == 0)
		return each_pair(c, v, "settings.minutes", minutes_pair, NULL);
	return unknown(c, k, key, "settings",
		       "min_gap_days, marathon_blackout_days, race_lead_min_days, race_lead_max_days, "
		       "race_no_deep_days, after_min_days, after_max_days, marathon_km, "
		       "before_run_gap_minutes, after_run_gap_minutes, reminder_minutes, minutes");
}

/* ---- the time zone: an IANA name, checked against the zone database ---- */

static int get_timezone(ctx *c, yaml_node_t *v)
{
	int rc = get_string(c, v, "timezone", &c->p->timezone);
	if (rc)
		return rc;
	const char *z = c->p->timezone;
	int ok = *z && *z != '/' && !strstr(z, "..");
	for (const char *s = z; ok && *s; s++)
		ok = (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		     (*s >= '0' && *s <= '9') || strchr("/_+-", *s);
	char path[512];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", z);
	if (!ok || access(path, R_OK) != 0)
		return fail(c, v, "unknown time zone '%s': expected a name like Europe/Berlin", z);
	return 0;
}

/* ---- the top level ---- */

static int top_pair(ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	if (strcmp(key, "runner") == 0)
		return each_pair(c, v, "runner", runner_pair, arg);
	if (strcmp(key, "week") == 0)
		return each_pair(c, v, "week", week_pair, NULL);
	if (strcmp(key, "sessions") == 0)
		return read_list(c, v, "sessions", dated_session);
	if (strcmp(key, "races") == 0)
		return read_list(c, v, "races", race_item);
	if (strcmp(key, "conditions") == 0)
		return read_list(c, v, "conditions", condition_item);
	if (strcmp(key, "massages") == 0)
		return read_list(c, v, "massages", massage_item);
	if (strcmp(key, "budget") == 0)
		return each_pair(c, v, "budget", budget_pair, NULL);
	if (strcmp(key, "prices") == 0)
		return each_pair(c, v, "prices", price_pair, NULL);
	if (strcmp(key, "availability") == 0)
		return each_pair(c, v, "availability", availability_pair, NULL);
	if (strcmp(key, "classify") == 0)
		return each_pair(c, v, "classify", classify_pair, NULL);
	if (strcmp(key, "settings") == 0)
		return each_pair(c, v, "settings", settings_pair, NULL);
	if (strcmp(key, "timezone") == 0)
		return get_timezone(c, v);
	return unknown(c, k, key, "the profile",
		       "runner, week, sessions, races, conditions, massages, budget, prices, "
		       "availability, classify, settings, timezone");
}

/* A minimum above its maximum: named where it was given, with both values. */
static int min_max(ctx *c, const char *name, int lo, const yaml_node_t *lo_at, int hi,
		   const yaml_node_t *hi_at)
{
	if (lo <= hi)
		return 0;
	return fail(c, lo_at ? lo_at : hi_at, "settings: %s_min_days (%d%s) is above %s_max_days (%d%s)",
		    name, lo, lo_at ? "" : ", the default", name, hi, hi_at ? "" : ", the default");
}

static int check(ctx *c)
{
	rd_params *r = &c->p->params;
	int rc = min_max(c, "race_lead", r->race_lead_min, c->lead_min, r->race_lead_max,
			 c->lead_max);
	if (!rc)
		rc = min_max(c, "after", r->after_min_days, c->after_min, r->after_max_days,
			     c->after_max);
	if (!rc && c->p->availability == 0) /* only an empty days list clears it */
		rc = fail(c, c->days, "availability.days is empty: no day to book a massage");
	return rc;
}

static int yaml_error(ctx *c, const yaml_parser_t *parser)
{
	return rd_diag_set(c->diag, RD_EFORMAT, c->file,
			   (unsigned long)parser->problem_mark.line + 1,
			   (unsigned long)parser->problem_mark.column + 1,
			   "invalid YAML: %s%s%s", parser->problem ? parser->problem : "syntax error",
			   parser->context ? " " : "", parser->context ? parser->context : "");
}

/* A profile is one document: a second one ("---") would be ignored. */
static int only_document(ctx *c, yaml_parser_t *parser)
{
	yaml_document_t next;
	if (!yaml_parser_load(parser, &next)) /* libyaml cleans next up */
		return yaml_error(c, parser);
	int rc = 0;
	if (yaml_document_get_root_node(&next))
		rc = rd_diag_set(c->diag, RD_EFORMAT, c->file,
				 (unsigned long)next.start_mark.line + 1,
				 (unsigned long)next.start_mark.column + 1,
				 "a second YAML document: a profile is one document");
	yaml_document_delete(&next);
	return rc;
}

static int load_document(ctx *c, yaml_parser_t *parser)
{
	if (!yaml_parser_load(parser, c->doc))
		return yaml_error(c, parser);
	c->loaded = 1;
	int rc = only_document(c, parser);
	if (rc)
		return rc;
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	if (!root || is_null(root))
		return rd_diag_set(c->diag, RD_EFORMAT, c->file, 1, 1, "the profile is empty");
	int pressure_given = 0;
	rc = each_pair(c, root, "the profile", top_pair, &pressure_given);
	if (!rc && !pressure_given && c->p->level == RD_BEGINNER)
		c->p->pressure = RD_LIGHT; /* beginners start light (our choice) */
	return rc ? rc : check(c);
}

int rd_profile_parse(rd_profile **out, const char *data, size_t len, const char *name,
		     rd_diag *diag)
{
	*out = NULL;
	rd_profile *p = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = rd_profile_new(&p);
	if (rc)
		return rd_diag_set(diag, rc, name, 0, 0, "out of memory");
	if (!yaml_parser_initialize(&parser)) {
		rd_profile_free(p);
		return rd_diag_set(diag, RD_ENOMEM, name, 0, 0, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	ctx c = {name, &doc, p, diag, NULL, NULL, NULL, NULL, NULL, 0, 0, 0};
	rd_diag local = RD_DIAG_INIT;
	if (!diag)
		c.diag = &local;
	rc = load_document(&c, &parser);
	if (c.loaded)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc) {
		rd_profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int rd_profile_load(rd_profile **out, const char *path, rd_diag *diag)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	char *data = rd_malloc(MAX_PROFILE_BYTES + 1);
	size_t n = data ? fread(data, 1, MAX_PROFILE_BYTES + 1, f) : 0;
	int err = ferror(f);
	fclose(f);
	int rc;
	if (!data)
		rc = rd_diag_set(diag, RD_ENOMEM, path, 0, 0, "out of memory");
	else if (err)
		rc = rd_diag_set(diag, RD_EIO, path, 0, 0, "cannot read (is it a directory?)");
	else if (n > MAX_PROFILE_BYTES)
		rc = rd_diag_set(diag, RD_ELIMIT, path, 0, 0, "profile larger than %u bytes", MAX_PROFILE_BYTES);
	else if (memchr(data, 0, n))
		rc = rd_diag_set(diag, RD_EFORMAT, path, 0, 0, "contains a NUL byte: not a YAML text file");
	else
		rc = rd_profile_parse(out, data, n, path, diag);
	rd_free(data);
	return rc;
}
