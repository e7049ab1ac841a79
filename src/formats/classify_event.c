/*
 * classify_event.c: the kind of a calendar event.
 *
 * 1. CATEGORIES: a kind name (rest easy long hard race), "massage" or a
 *    modality id, a cross-training word (swim, bike, strength, yoga,
 *    cross-training).  "run" or "training" only says it is a run: the words
 *    below then pick the kind (easy when none does).
 * 2. The profile's classify map: an entry equal to the title, else an entry
 *    the title contains (case-insensitive, first in the profile's order).
 * 3. Words of SUMMARY, then of DESCRIPTION when the title decides nothing,
 *    tried in this order (the first group with a match wins):
 *      massage      massage, deep tissue, active release, ART (upper case)
 *      pace         race pace, marathon pace, goal pace, 6x800 (NxM) -> hard
 *      easy         easy, recovery, jog, shakeout
 *      race         race, marathon, half marathon, parkrun, ironman
 *      hard         intervals, reps, repeats, tempo, threshold, fartlek,
 *                   hills, track, VO2, speed
 *      long         long run, long, LSD
 *      distance     "10K", "5k": a race of that distance
 *      rest         rest, day off, off day, "off" alone
 *      cross        swim, bike, ride, cycling, strength, gym, yoga, pilates
 *      run          run, running, or a distance in the title -> easy
 *    Easy comes before race so "shakeout before the race" is easy; the pace
 *    phrases come first so "marathon pace" is hard, not a race.
 * Then a run (easy) of 2 h or more, or 25 km or more, is long.  A marathon
 * with no distance in its title is 42.195 km, a half marathon 21.0975 km, a
 * parkrun 5 km; an Ironman counts its marathon.
 */
#include "classify_event.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct word_group {
	const char *name;
	rd_ical_class cls;
	rd_kind kind;
	const char *const *words;
} word_group;

static const char *const w_pace[] = {"race pace", "marathon pace", "goal pace", "half marathon pace", NULL};
static const char *const w_easy[] = {"easy", "recovery", "jog", "jogging", "shakeout", "shake-out", "shake out", NULL};
static const char *const w_race[] = {"half marathon", "marathon", "race", "parkrun", "ironman", "triathlon", NULL};
static const char *const w_hard[] = {"intervals", "interval", "reps", "repeats", "tempo", "threshold", "fartlek",
				     "hills", "hill repeats", "track", "vo2", "vo2max", "speed", "speedwork", NULL};
static const char *const w_long[] = {"long run", "long", "lsd", NULL};
static const char *const w_rest[] = {"rest", "rest day", "day off", "off day", NULL};
static const char *const w_cross[] = {"swim", "swimming", "bike", "biking", "ride", "cycling", "cycle", "strength",
				      "gym", "yoga", "pilates", "cross-training", "cross training", "elliptical",
				      "rowing", NULL};
static const char *const w_run[] = {"run", "running", "runs", NULL};

static int is_word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Finds phrase in text as whole words, ignoring case (ASCII). */
static const char *find_word(const char *text, const char *phrase)
{
	size_t n = strlen(phrase);
	for (const char *s = text; *s; s++) {
		if (strncasecmp(s, phrase, n) != 0)
			continue;
		if (s > text && is_word_char((unsigned char)s[-1]))
			continue;
		if (is_word_char((unsigned char)s[n]))
			continue;
		return s;
	}
	return NULL;
}

static const char *find_any(const char *text, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (find_word(text, words[i]))
			return words[i];
	return NULL;
}

/* "6x800", "10 x 400m": a repetition workout. */
static int has_reps(const char *text)
{
	for (const char *s = text; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > text && is_word_char((unsigned char)s[-1])))
			continue;
		const char *q = s;
		while (isdigit((unsigned char)*q))
			q++;
		while (*q == ' ')
			q++;
		if (*q != 'x' && *q != 'X' && strncmp(q, "\xc3\x97", 2) != 0)
			continue;
		q += *q == 'x' || *q == 'X' ? 1 : 2;
		while (*q == ' ')
			q++;
		if (isdigit((unsigned char)*q))
			return 1;
	}
	return 0;
}

/* Reads the number ending just before unit position; returns 0 if none. */
static double number_at(const char *text, const char *num, const char **end)
{
	if (num > text && (is_word_char((unsigned char)num[-1]) || num[-1] == '.'))
		return 0;
	char *e = NULL;
	double v = strtod(num, &e);
	*end = e;
	return e == num ? 0 : v;
}

static int unit_is(const char *s, const char *unit)
{
	size_t n = strlen(unit);
	return strncasecmp(s, unit, n) == 0 && !is_word_char((unsigned char)s[n]);
}

/* "6 x 1 km": the 1 km is one repetition, not the session's distance. */
static int after_repeat(const char *text, const char *s)
{
	while (s > text && s[-1] == ' ')
		s--;
	if (s == text || (s[-1] != 'x' && s[-1] != 'X'))
		return 0;
	s--;
	while (s > text && s[-1] == ' ')
		s--;
	return s > text && isdigit((unsigned char)s[-1]);
}

double classify_read_km(const char *text)
{
	if (!text)
		return 0;
	for (const char *s = text; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > text && (isdigit((unsigned char)s[-1]) || s[-1] == '.')))
			continue;
		if (after_repeat(text, s))
			continue;
		const char *u = NULL;
		double v = number_at(text, s, &u);
		if (v <= 0 || v > 1000 || *u == 'x' || *u == 'X')
			continue;
		while (*u == ' ')
			u++;
		if (unit_is(u, "km") || unit_is(u, "k") || unit_is(u, "kms") || unit_is(u, "kilometers") ||
		    unit_is(u, "kilometres"))
			return v;
		if (unit_is(u, "mi") || unit_is(u, "mile") || unit_is(u, "miles"))
			return v * 1.609344;
	}
	return 0;
}

int classify_read_minutes(const char *text)
{
	if (!text)
		return 0;
	for (const char *s = text; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > text && (is_word_char((unsigned char)s[-1]) || s[-1] == '.')))
			continue;
		char *u = NULL;
		long v = strtol(s, &u, 10);
		if (v <= 0 || v > 1440)
			continue;
		const char *q = u;
		while (*q == ' ')
			q++;
		if ((*q == 'h' || *q == 'H') && !isalpha((unsigned char)q[1])) {
			long m = isdigit((unsigned char)q[1]) ? strtol(q + 1, NULL, 10) : 0;
			if (v <= 24 && m < 60)
				return (int)(v * 60 + m);
		}
		if (unit_is(q, "h") || unit_is(q, "hr") || unit_is(q, "hrs") || unit_is(q, "hour") ||
		    unit_is(q, "hours"))
			return v <= 24 ? (int)v * 60 : 0;
		if (unit_is(q, "min") || unit_is(q, "mins") || unit_is(q, "minutes") || unit_is(q, "'"))
			return (int)v;
	}
	return 0;
}

/* "10K", "5k": a race distance token; returns the km or 0. */
static double race_token(const char *text, const char **tok)
{
	for (const char *s = text; *s; s++) {
		if (!isdigit((unsigned char)*s) || (s > text && is_word_char((unsigned char)s[-1])))
			continue;
		char *u = NULL;
		double v = strtod(s, &u);
		if ((*u == 'k' || *u == 'K') && !is_word_char((unsigned char)u[1]) && v > 0 && v <= 100) {
			*tok = s;
			return v;
		}
	}
	return 0;
}

static void set(event_kind *o, rd_ical_class cls, rd_kind kind, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void set(event_kind *o, rd_ical_class cls, rd_kind kind, const char *fmt, ...)
{
	va_list ap;
	o->cls = cls;
	o->kind = kind;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof o->reason, fmt, ap);
	va_end(ap);
}

static int massage_words(event_kind *o, const char *t)
{
	static const struct { const char *w; rd_modality m; } mod[] = {
		{"deep tissue", RD_DEEP_TISSUE}, {"deep-tissue", RD_DEEP_TISSUE},
		{"active release", RD_ACTIVE_RELEASE}, {"pre-event", RD_SPORTS_PRE},
		{"pre event", RD_SPORTS_PRE}, {"post-event", RD_SPORTS_POST},
		{"post event", RD_SPORTS_POST}, {"sports massage", RD_SPORTS_POST},
		{"swedish", RD_SWEDISH}, {"massage", RD_SWEDISH}};
	for (size_t i = 0; i < sizeof mod / sizeof *mod; i++) {
		if (find_word(t, mod[i].w)) {
			o->modality = mod[i].m;
			set(o, RD_EV_MASSAGE, RD_REST, "title word '%s' -> massage", mod[i].w);
			return 1;
		}
	}
	const char *a = strstr(t, "ART");
	if (a && (a == t || !is_word_char((unsigned char)a[-1])) && !is_word_char((unsigned char)a[3])) {
		o->modality = RD_ACTIVE_RELEASE;
		set(o, RD_EV_MASSAGE, RD_REST, "title word '%s' -> massage", "ART");
		return 1;
	}
	return 0;
}

/* Tries the word groups on one text; 1 when one decided. */
static int words(event_kind *o, const char *t, const char *field)
{
	const char *w;
	const char *tok = NULL;
	double km;
	if (massage_words(o, t))
		return 1;
	static const word_group groups[] = {
		{"pace", RD_EV_RUN, RD_HARD, w_pace}, {"easy", RD_EV_RUN, RD_EASY, w_easy},
		{"race", RD_EV_RACE, RD_RACE, w_race}, {"hard", RD_EV_RUN, RD_HARD, w_hard},
		{"long", RD_EV_RUN, RD_LONG, w_long}};
	if (has_reps(t)) {
		set(o, RD_EV_RUN, RD_HARD, "%s has repetitions (NxM) -> hard", field);
		return 1;
	}
	for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
		if ((w = find_any(t, groups[i].words)) != NULL) {
			set(o, groups[i].cls, groups[i].kind, "%s word '%s'", field, w);
			return 1;
		}
	}
	if ((km = race_token(t, &tok)) > 0) {
		o->km = km;
		set(o, RD_EV_RACE, RD_RACE, "%s names a race distance -> race", field);
		return 1;
	}
	if ((w = find_any(t, w_rest)) != NULL || (strcasecmp(t, "off") == 0 && (w = "off"))) {
		set(o, RD_EV_RUN, RD_REST, "%s word '%s'", field, w);
		return 1;
	}
	if ((w = find_any(t, w_cross)) != NULL) {
		set(o, RD_EV_CROSS, RD_REST, "%s word '%s' -> not a run", field, w);
		return 1;
	}
	if ((w = find_any(t, w_run)) != NULL) {
		set(o, RD_EV_RUN, RD_EASY, "%s word '%s' -> easy", field, w);
		return 1;
	}
	return 0;
}

static int category(event_kind *o, const char *c)
{
	rd_kind k;
	rd_modality m;
	if (rd_kind_from_name(&k, c) == 0) {
		set(o, k == RD_RACE ? RD_EV_RACE : RD_EV_RUN, k, "CATEGORIES '%s'", c);
		return 1;
	}
	if (strcasecmp(c, "massage") == 0 || rd_modality_from_id(&m, c) == 0) {
		set(o, RD_EV_MASSAGE, RD_REST, "CATEGORIES '%s'", c);
		return 1;
	}
	if (find_any(c, w_cross)) {
		set(o, RD_EV_CROSS, RD_REST, "CATEGORIES '%s'", c);
		return 1;
	}
	return 0;
}

static int categories_decide(event_kind *o, const char *const *cats, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!category(o, cats[i]))
			continue;
		rd_modality m;
		for (size_t j = 0; o->cls == RD_EV_MASSAGE && j < n; j++)
			if (rd_modality_from_id(&m, cats[j]) == 0)
				o->modality = m;
		return 1;
	}
	return 0;
}

static int profile_map(event_kind *o, const rd_profile *p, const char *title)
{
	if (!p || !title)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < p->classify_count; i++) {
			const rd_classify_entry *e = &p->classify[i];
			int hit = pass == 0 ? strcasecmp(title, e->title) == 0 : find_word(title, e->title) != NULL;
			if (!hit)
				continue;
			rd_ical_class cls = e->not_run ? RD_EV_CROSS : e->kind == RD_RACE ? RD_EV_RACE : RD_EV_RUN;
			set(o, cls, e->kind, "profile classify '%s'", e->title);
			return 1;
		}
	}
	return 0;
}

static void amounts(event_kind *o, const char *summary, const char *description)
{
	double km = classify_read_km(summary);
	int min = classify_read_minutes(summary);
	if (km == 0 && min == 0) {
		km = classify_read_km(description);
		min = classify_read_minutes(description);
	}
	if (km > 0)
		o->km = km;
	o->minutes = min;
	if (o->cls == RD_EV_RACE && o->km == 0 && summary) {
		if (find_word(summary, "half marathon") || find_word(summary, "70.3"))
			o->km = 21.0975;
		else if (find_word(summary, "marathon") || find_word(summary, "ironman"))
			o->km = 42.195;
		else if (find_word(summary, "parkrun"))
			o->km = 5;
	}
	if (o->cls == RD_EV_RUN && o->kind == RD_EASY && (o->km >= 25 || o->minutes >= 120)) {
		size_t n = strlen(o->reason);
		snprintf(o->reason + n, sizeof o->reason - n, "; %s -> long",
			 o->km >= 25 ? "25 km or more" : "2 h or more");
		o->kind = RD_LONG;
	}
}

void classify_event(event_kind *out, const rd_profile *p, const char *summary,
		    const char *description, const char *const *cats, size_t ncat)
{
	memset(out, 0, sizeof *out);
	out->cls = RD_EV_OTHER;
	out->kind = RD_REST;
	out->modality = RD_SWEDISH;
	snprintf(out->reason, sizeof out->reason, "no training word in the title");
	int run_cat = 0;
	for (size_t i = 0; i < ncat; i++)
		run_cat |= find_any(cats[i], w_run) != NULL || strcasecmp(cats[i], "training") == 0;
	int done = categories_decide(out, cats, ncat) || profile_map(out, p, summary) ||
		   (summary && words(out, summary, "title")) ||
		   (description && words(out, description, "description"));
	if (!done && classify_read_km(summary) > 0) {
		set(out, RD_EV_RUN, RD_EASY, "%s", "a distance in the title -> easy run");
		done = 1;
	}
	if (run_cat && (!done || out->cls == RD_EV_OTHER || out->cls == RD_EV_CROSS))
		set(out, RD_EV_RUN, RD_EASY, "%s", "CATEGORIES names a run -> easy");
	if (out->cls == RD_EV_MASSAGE && summary && ncat > 0) {
		event_kind w;
		memset(&w, 0, sizeof w);
		if (massage_words(&w, summary) && w.modality != RD_SWEDISH)
			out->modality = w.modality;
	}
	if (out->cls == RD_EV_RUN || out->cls == RD_EV_RACE || out->cls == RD_EV_CROSS)
		amounts(out, summary, description);
}
