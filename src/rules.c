/*
 * rules.c: every rule of the knowledge base as one small function, and the
 * table that runs them.
 *
 * A "never" check returns 1 when the rule forbids the candidate (and says
 * why).  A "prefer" check returns the points the rule gives the candidate
 * (0 when it does not apply) and says why.  All numbers come from
 * rd_params; nothing here is a magic lead time.
 */
#include "rules.h"
#include "alloc.h"
#include "schedule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- the calendar ---- */

int calendar_build(calendar *c, const rd_profile *p, rd_date first, rd_date last)
{
	c->p = p;
	c->first = first;
	c->len = (size_t)(last - first + 1);
	c->days = rd_calloc(c->len, sizeof *c->days);
	if (!c->days)
		return RD_ENOMEM;
	for (size_t i = 0; i < c->len; i++)
		rd_profile_day(p, first + (rd_date)i, &c->days[i]);
	return 0;
}

void calendar_dispose(calendar *c)
{
	rd_free(c->days);
	c->days = NULL;
}

const rd_day *calendar_day(const calendar *c, rd_date d)
{
	static const rd_day rest = {RD_DATE_NONE, RD_REST, NULL, NULL, NULL};
	if (d < c->first || d >= c->first + (rd_date)c->len)
		return &rest;
	return &c->days[d - c->first];
}

static int is_run(const rd_day *day)
{
	return day->kind != RD_REST;
}

static int deep(rd_modality m)
{
	return rd_modality_get(m)->deep;
}

static void fmt_date(rd_buf *b, rd_date d)
{
	char s[11];
	rd_date_format(d, s);
	rd_buf_printf(b, "%s %s", rd_weekday_name(rd_date_weekday(d)), s);
}

void rules_describe_day(const rd_day *day, rd_buf *out)
{
	if (day->race) {
		rd_buf_puts(out, day->race->name);
		if (day->race->km > 0)
			rd_buf_printf(out, " (%.1f km)", day->race->km);
		return;
	}
	static const char *what[RD_KIND_COUNT] = {"rest day", "easy run", "long run",
						  "hard session", "race"};
	rd_buf_puts(out, what[day->kind]);
	const rd_session *s = day->session;
	if (!s)
		return;
	int paren = (s->title && *s->title) || s->km >= 0.05 || s->minutes > 0;
	if (!paren)
		return;
	rd_buf_puts(out, " (");
	const char *sep = "";
	if (s->title && *s->title) {
		rd_buf_printf(out, "%s", s->title);
		sep = ", ";
	}
	double km = round(s->km * 10) / 10; /* 13.586 reads 13.6, 8 stays 8 */
	if (km > 0) {
		rd_buf_printf(out, "%s%g km", sep, km);
		sep = ", ";
	}
	if (s->minutes > 0)
		rd_buf_printf(out, "%s%d min", sep, s->minutes);
	rd_buf_putc(out, ')');
}

static void say(rd_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Appends one clause, "; "-separated. */
static void say(rd_buf *b, const char *fmt, ...)
{
	if (!b)
		return;
	if (b->len)
		rd_buf_puts(b, "; ");
	va_list ap;
	va_start(ap, fmt);
	rd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void say_day(rd_buf *b, const char *before, const calendar *c, rd_date d)
{
	if (!b)
		return;
	if (b->len)
		rd_buf_puts(b, "; ");
	rd_buf_puts(b, before);
	rules_describe_day(calendar_day(c, d), b);
	rd_buf_puts(b, " on ");
	fmt_date(b, d);
}

static const char *days_word(int n)
{
	static const char *w[] = {"the same day", "the day", "two days", "three days",
				  "four days", "five days", "six days", "seven days"};
	return n >= 0 && n < 8 ? w[n] : "days";
}

/* ---- never rules ---- */

/* The next race within `within` days after d (d excluded), or RD_DATE_NONE. */
static rd_date race_within(const calendar *c, rd_date d, int within, int marathon_only)
{
	for (int k = 1; k <= within; k++) {
		const rd_day *x = calendar_day(c, d + k);
		if (x->race && (!marathon_only || rd_race_is_marathon(c->p, x->race)))
			return d + k;
	}
	return RD_DATE_NONE;
}

static int never_no_deep_before_demanding(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	if (!deep(m) || !rd_kind_demanding(calendar_day(c, d + 1)->kind))
		return 0;
	say_day(b, "deep work leaves soreness, and the next day is your ", c, d + 1);
	return 1;
}

static int never_race_lead(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	const rd_params *r = &c->p->params;
	if (m != RD_SWEDISH && m != RD_SPORTS_PRE && race_within(c, d, 1, 0) != RD_DATE_NONE) {
		say_day(b, "only Swedish or pre-event work the day before your ", c, d + 1);
		return 1;
	}
	rd_date race = race_within(c, d, r->race_no_deep_days, 0);
	if (deep(m) && race != RD_DATE_NONE) {
		char lead[80];
		snprintf(lead, sizeof lead, "no deep pressure in the last %d days before your ",
			 r->race_no_deep_days);
		say_day(b, lead, c, race);
		return 1;
	}
	return 0;
}

static int never_marathon_deep_after(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	if (!deep(m))
		return 0;
	const rd_day *today = calendar_day(c, d);
	if (today->race && rd_race_is_marathon(c->p, today->race)) {
		say(b, "deep work waits until the day after the marathon");
		return 1;
	}
	int window = c->p->params.marathon_blackout_days;
	rd_date race = race_within(c, d, window, 1);
	if (race == RD_DATE_NONE)
		return 0;
	char lead[80];
	snprintf(lead, sizeof lead, "no deep work in the %d days before your ", window);
	say_day(b, lead, c, race);
	return 1;
}

static int never_sports_day_of(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	if ((m != RD_SPORTS_PRE && m != RD_SPORTS_POST) || is_run(calendar_day(c, d)))
		return 0;
	say(b, "sports massage goes with a run on the same day, and %s is a rest day",
	    rd_weekday_name(rd_date_weekday(d)));
	return 1;
}

/* ---- prefer rules ---- */

/* The demanding session this day recovers from: the nearest one 1..2 days
 * back (a day later for deep work with beginners).  Races win over other
 * sessions in the window. */
static rd_date recovering_from(const calendar *c, rd_date d, rd_modality m)
{
	const rd_params *r = &c->p->params;
	int shift = deep(m) && c->p->level == RD_BEGINNER ? r->beginner_extra_days : 0;
	rd_date found = RD_DATE_NONE;
	for (int k = r->after_min_days + shift; k <= r->after_max_days + shift; k++) {
		const rd_day *x = calendar_day(c, d - k);
		if (x->race)
			return d - k;
		if (rd_kind_demanding(x->kind) && found == RD_DATE_NONE)
			found = d - k;
	}
	return found;
}

static int prefer_injury_art(const calendar *c, rd_date d, rd_modality m, rd_buf *b);

static int prefer_after_hard(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	const rd_params *r = &c->p->params;
	if (m == RD_SPORTS_PRE || (m == RD_SPORTS_POST && !is_run(calendar_day(c, d))))
		return 0;
	rd_date from = recovering_from(c, d, m);
	if (from == RD_DATE_NONE)
		return 0;
	int w = calendar_day(c, from)->race ? r->w_after_race : r->w_after_hard;
	/* Recovery is deep tissue by default; active release only for an
	 * injury it treats, else a cheaper tie would make it the pick. */
	if (!deep(m) || (m == RD_ACTIVE_RELEASE && !prefer_injury_art(c, d, m, NULL)))
		w /= 2;
	if (b) {
		char lead[64];
		snprintf(lead, sizeof lead, "recovery %s after your ", d - from == 1 ? "the day" :
			 days_word(d - from));
		say_day(b, lead, c, from);
	}
	return w;
}

static int prefer_marathon_deep_after(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	const rd_day *y = calendar_day(c, d - 1);
	if (m != RD_DEEP_TISSUE || !y->race || !rd_race_is_marathon(c->p, y->race))
		return 0;
	say(b, "the day after a marathon is the day for deep tissue");
	return c->p->params.w_marathon_after;
}

static int prefer_rest_day_deep(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	if (m != RD_DEEP_TISSUE || is_run(calendar_day(c, d)) ||
	    race_within(c, d, c->p->params.marathon_blackout_days, 0) != RD_DATE_NONE)
		return 0;
	say(b, "a rest day with no race coming up: time for the soreness to pass");
	return c->p->params.w_rest_day;
}

static int prefer_race_lead(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	(void)m;
	const rd_params *r = &c->p->params;
	for (int k = r->race_lead_min; k <= r->race_lead_max; k++) {
		if (!calendar_day(c, d + k)->race)
			continue;
		if (b) {
			char lead[64];
			snprintf(lead, sizeof lead, "%s before your ", days_word(k));
			say_day(b, lead, c, d + k);
			rd_buf_puts(b, ", leaving time to recover before the start");
		}
		return r->w_race_lead;
	}
	return 0;
}

static int prefer_swedish_day_before(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	const rd_day *next = calendar_day(c, d + 1);
	if (m != RD_SWEDISH || (next->kind != RD_LONG && next->kind != RD_RACE))
		return 0;
	say_day(b, "light work the day before your ", c, d + 1);
	if (b)
		rd_buf_puts(b, ": relaxed legs, good sleep, no soreness");
	return next->kind == RD_RACE ? c->p->params.w_swedish_race : c->p->params.w_swedish_long;
}

static int prefer_sports_day_of(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	const rd_day *today = calendar_day(c, d);
	const rd_params *r = &c->p->params;
	if (m == RD_SPORTS_PRE && (today->race || today->kind == RD_HARD)) {
		say_day(b, "wakes the legs up before your ", c, d);
		return today->race ? r->w_sports_race : r->w_sports_key;
	}
	if (m == RD_SPORTS_POST && today->race) {
		say_day(b, "loosens what the race tightened, right after your ", c, d);
		return r->w_sports_post_race;
	}
	return 0;
}

static int condition_active(const rd_condition *x, rd_date d)
{
	return (x->since == RD_DATE_NONE || x->since <= d) &&
	       (x->until == RD_DATE_NONE || d <= x->until);
}

static int art_condition(const rd_condition *x)
{
	return x->type <= RD_COND_SCAR_TISSUE;
}

static int prefer_condition(const calendar *c, rd_date d, rd_modality m, rd_buf *b,
			    rd_modality wanted, int art, int weight, const char *how)
{
	if (m != wanted)
		return 0;
	int found = 0;
	for (size_t i = 0; i < c->p->condition_count; i++) {
		const rd_condition *x = &c->p->conditions[i];
		if (art_condition(x) != art || !condition_active(x, d))
			continue;
		if (b && !found)
			say(b, "%s", how);
		if (b)
			rd_buf_printf(b, "%s%s%s%s%s", found ? " and " : " your ", x->name,
				      x->site ? " (" : "", x->site ? x->site : "", x->site ? ")" : "");
		found = 1;
	}
	return found ? weight : 0;
}

static int prefer_injury_art(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	return prefer_condition(c, d, m, b, RD_ACTIVE_RELEASE, 1, c->p->params.w_injury,
				"active release aimed at");
}

static int prefer_problem_area(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	return prefer_condition(c, d, m, b, RD_DEEP_TISSUE, 0, c->p->params.w_problem,
				"targeted pressure on");
}

static int prefer_preference(const calendar *c, rd_date d, rd_modality m, rd_buf *b)
{
	(void)d;
	(void)b;
	if (c->p->pressure == RD_LIGHT && deep(m))
		return -c->p->params.w_light_penalty;
	if (c->p->pressure == RD_FIRM && m == RD_DEEP_TISSUE)
		return c->p->params.w_firm_bonus;
	return 0;
}

/* ---- the table ---- */

typedef int (*check_fn)(const calendar *c, rd_date d, rd_modality m, rd_buf *b);

static const struct {
	rd_rule_id id;
	check_fn never;
	check_fn prefer;
} table[] = {
	{RD_R_NO_DEEP_BEFORE_DEMANDING, never_no_deep_before_demanding, NULL},
	{RD_R_RACE_LEAD, never_race_lead, prefer_race_lead},
	{RD_R_MARATHON_DEEP_AFTER, never_marathon_deep_after, prefer_marathon_deep_after},
	{RD_R_SPORTS_DAY_OF, never_sports_day_of, prefer_sports_day_of},
	{RD_R_AFTER_HARD, NULL, prefer_after_hard},
	{RD_R_REST_DAY_DEEP, NULL, prefer_rest_day_deep},
	{RD_R_SWEDISH_DAY_BEFORE, NULL, prefer_swedish_day_before},
	{RD_R_INJURY_ART, NULL, prefer_injury_art},
	{RD_R_PROBLEM_AREA_DEEP, NULL, prefer_problem_area},
	{RD_R_PREFERENCE, NULL, prefer_preference},
};

static rd_when when_for(const calendar *c, rd_date d, rd_modality m)
{
	if (m == RD_SPORTS_PRE)
		return RD_WHEN_BEFORE_RUN;
	return is_run(calendar_day(c, d)) ? RD_WHEN_AFTER_RUN : RD_WHEN_NO_RUN;
}

static void judge_never(const calendar *c, rd_date d, rd_modality m, verdict *v, rd_buf *b)
{
	const rd_profile *p = c->p;
	if (!(p->availability & (1u << rd_date_weekday(d)))) {
		v->unavailable = 1;
		say(b, "you are not available on %ss", rd_weekday_name(rd_date_weekday(d)));
	}
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (table[i].never && table[i].never(c, d, m, b))
			v->forbid[v->forbid_count++] = table[i].id;
	if (!v->unavailable && !v->forbid_count &&
	    !schedule_slot(p, calendar_day(c, d), v->when, p->params.minutes[m], &v->start_min)) {
		v->no_slot = 1;
		say(b, "no free slot that day (availability hours, busy times and the run)");
	}
	v->allowed = !v->unavailable && !v->forbid_count && !v->no_slot;
}

/* Race-week and post-race massages are booked for the race, whatever the
 * month's frequency: the planner never counts them as a surplus. */
static int race_related(const calendar *c, rd_date d, rd_modality m, const verdict *v)
{
	for (size_t i = 0; i < v->rule_count; i++) {
		switch (v->rules[i]) {
		case RD_R_RACE_LEAD:
		case RD_R_MARATHON_DEEP_AFTER:
			return 1;
		case RD_R_SPORTS_DAY_OF:
			if (calendar_day(c, d)->race)
				return 1;
			break;
		case RD_R_SWEDISH_DAY_BEFORE:
			if (calendar_day(c, d + 1)->race)
				return 1;
			break;
		case RD_R_AFTER_HARD: {
			rd_date from = recovering_from(c, d, m);
			if (from != RD_DATE_NONE && calendar_day(c, from)->race)
				return 1;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

void rules_judge(const calendar *c, rd_date d, rd_modality m, verdict *v, rd_buf *b)
{
	memset(v, 0, sizeof *v);
	v->when = when_for(c, d, m);
	v->start_min = -1;
	judge_never(c, d, m, v, b);
	if (v->unavailable || v->forbid_count)
		return; /* a day with no free slot is still scored: the plan says what it missed */
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		if (!table[i].prefer)
			continue;
		int w = table[i].prefer(c, d, m, b);
		if (!w)
			continue;
		v->score += w;
		if (w > 0)
			v->rules[v->rule_count++] = table[i].id;
	}
	v->event = race_related(c, d, m, v);
}

int rules_gap_exempt(const calendar *c, rd_date d, rd_modality m)
{
	return (m == RD_SPORTS_PRE || m == RD_SPORTS_POST) && calendar_day(c, d)->race;
}
