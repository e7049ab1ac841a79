/*
 * json.c: the plan as JSON (docs/json.md), written with jansson.
 *
 * This is a contract other tools read: keys and ids never change meaning.
 * Keys keep the order below (JSON_PRESERVE_ORDER) so the output is the same
 * byte for byte.  Money is a number in the profile's currency.
 */
#include "rubdown/plan.h"
#include "rubdown/version.h"
#include "jsonb.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *money(long cents)
{
	if (cents % 100 == 0)
		return json_integer(cents / 100);
	return json_real((double)cents / 100.0);
}

static json_t *date_string(rd_date d)
{
	char s[11];
	rd_date_format(d, s);
	return json_string(s);
}

static json_t *warnings_json(int *bad, const rd_warning *w, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = json_object();
		jb_set(bad, o, "rule", json_string(rd_rule_get(w[i].rule)->code));
		jb_set(bad, o, "message", jb_text(w[i].message));
		jb_push(bad, arr, o);
	}
	return arr;
}

static json_t *appointment_json(int *bad, const rd_appointment *a)
{
	json_t *o = json_object(), *t = json_array(), *f = json_array(), *r = json_array();
	jb_set(bad, o, "date", date_string(a->date));
	if (a->start_min >= 0) {
		char hm[16];
		snprintf(hm, sizeof hm, "%02d:%02d", a->start_min / 60 % 24, a->start_min % 60);
		jb_set(bad, o, "time", json_string(hm));
	}
	jb_set(bad, o, "when", json_string(rd_when_name(a->when)));
	jb_set(bad, o, "modality", json_string(rd_modality_get(a->modality)->id));
	jb_set(bad, o, "minutes", json_integer(a->minutes));
	jb_set(bad, o, "pressure", json_string(rd_pressure_name(a->pressure)));
	for (size_t i = 0; i < a->technique_count; i++)
		jb_push(bad, t, json_string(rd_technique_get(a->techniques[i])->id));
	jb_set(bad, o, "techniques", t);
	for (size_t i = 0; i < a->focus_count; i++)
		jb_push(bad, f, jb_text(a->focus[i]));
	jb_set(bad, o, "focus", f);
	jb_set(bad, o, "price", money(a->price_cents));
	for (size_t i = 0; i < a->rule_count; i++)
		jb_push(bad, r, json_string(rd_rule_get(a->rules[i])->code));
	jb_set(bad, o, "rules", r);
	jb_set(bad, o, "reason", jb_text(a->reason));
	jb_set(bad, o, "warnings", warnings_json(bad, a->warnings, a->warning_count));
	return o;
}

/* "2026-12": the key of a month (year * 12 + month - 1). */
static void month_key(char key[16], int month)
{
	snprintf(key, 16, "%04d-%02d", month / 12, month % 12 + 1);
}

static json_t *budget_json(int *bad, const rd_plan *plan)
{
	const rd_profile *p = plan->profile;
	json_t *o = json_object(), *months = json_object();
	jb_set(bad, o, "currency", jb_text(p->currency));
	jb_set(bad, o, "per_month", p->budget_cents >= 0 ? money(p->budget_cents) : json_null());
	if (p->budget_sessions >= 0)
		jb_set(bad, o, "sessions_per_month", json_integer(p->budget_sessions));
	for (size_t i = 0; i < plan->month_count; i++) {
		char key[16];
		month_key(key, plan->months[i].month);
		jb_set(bad, months, key, money(plan->months[i].spent_cents));
	}
	jb_set(bad, o, "months", months);
	return o;
}

/* The usual week's run days when the history gave them, else null. */
static json_t *usual_week_json(int *bad, const rd_profile *p)
{
	json_t *list = NULL;
	for (int d = 0; d < 7; d++) {
		if (!rd_profile_week_from_history(p, d))
			continue;
		const rd_session *s = &p->week[d];
		json_t *o = json_object();
		jb_set(bad, o, "day", json_string(rd_weekday_short(d)));
		jb_set(bad, o, "kind", json_string(rd_kind_name(s->kind)));
		jb_set(bad, o, "km", json_real(round(s->km * 10) / 10));
		jb_set(bad, o, "minutes", json_integer(s->minutes));
		jb_set(bad, o, "title", jb_text(s->title));
		if (!list)
			list = json_array();
		jb_push(bad, list, o);
	}
	return list ? list : json_null();
}

static json_t *frequency_json(int *bad, const rd_plan *plan)
{
	json_t *o = json_object(), *months = json_object();
	jb_set(bad, o, "sessions_per_week", json_real((double)(long)(plan->sessions_per_week * 10 + 0.5) / 10));
	jb_set(bad, o, "usual_week_from_history", usual_week_json(bad, plan->profile));
	for (size_t i = 0; i < plan->month_count; i++) {
		char key[16];
		month_key(key, plan->months[i].month);
		json_t *m = json_object();
		jb_set(bad, m, "target", json_integer(plan->months[i].target));
		jb_set(bad, m, "count", json_integer(plan->months[i].count));
		jb_set(bad, m, "optional", json_boolean(plan->months[i].optional));
		jb_set(bad, months, key, m);
	}
	jb_set(bad, o, "months", months);
	return o;
}

int rd_plan_to_json(char **out, const rd_plan *plan)
{
	int failed = 0, *bad = &failed;
	json_t *root = json_object(), *apps = json_array();
	jb_set(bad, root, "rubdown", json_string(RD_VERSION));
	jb_set(bad, root, "from", date_string(plan->from));
	jb_set(bad, root, "to", date_string(plan->to));
	if (plan->profile->name)
		jb_set(bad, root, "runner", jb_text(plan->profile->name));
	for (size_t i = 0; i < plan->count; i++)
		jb_push(bad, apps, appointment_json(bad, &plan->appointments[i]));
	jb_set(bad, root, "appointments", apps);
	jb_set(bad, root, "warnings", warnings_json(bad, plan->warnings, plan->warning_count));
	jb_set(bad, root, "budget", budget_json(bad, plan));
	jb_set(bad, root, "frequency", frequency_json(bad, plan));
	return jb_dump(out, root, failed,
		       JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
}
