/*
 * json.c: the plan as JSON (docs/json.md), written with jansson.
 *
 * This is a contract other tools read: keys and ids never change meaning.
 * Keys keep the order below (JSON_PRESERVE_ORDER) so the output is the same
 * byte for byte.  Money is a number in the profile's currency.
 */
#include "rubdown/plan.h"
#include "rubdown/version.h"
#include "buf.h"
#include "escape.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Runner text comes from YAML (checked UTF-8) and from calendars and
 * activity files (not always): invalid bytes become U+FFFD, never a
 * dropped key (escape.c does the repair for every writer). */
static json_t *text(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (escape_utf8_valid(s, n))
		return json_stringn(s, n);
	rd_buf b = RD_BUF_INIT;
	escape_utf8_repair(&b, s, n);
	json_t *j = b.oom ? NULL : json_stringn(b.data ? b.data : "", b.len);
	rd_buf_dispose(&b);
	return j;
}

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

static json_t *warnings_json(const rd_warning *w, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "rule", json_string(rd_rule_get(w[i].rule)->code));
		json_object_set_new(o, "message", text(w[i].message));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *appointment_json(const rd_appointment *a)
{
	json_t *o = json_object(), *t = json_array(), *f = json_array(), *r = json_array();
	json_object_set_new(o, "date", date_string(a->date));
	if (a->start_min >= 0) {
		char hm[16];
		snprintf(hm, sizeof hm, "%02d:%02d", a->start_min / 60 % 24, a->start_min % 60);
		json_object_set_new(o, "time", json_string(hm));
	}
	json_object_set_new(o, "when", json_string(rd_when_name(a->when)));
	json_object_set_new(o, "modality", json_string(rd_modality_get(a->modality)->id));
	json_object_set_new(o, "minutes", json_integer(a->minutes));
	json_object_set_new(o, "pressure", json_string(rd_pressure_name(a->pressure)));
	for (size_t i = 0; i < a->technique_count; i++)
		json_array_append_new(t, json_string(rd_technique_get(a->techniques[i])->id));
	json_object_set_new(o, "techniques", t);
	for (size_t i = 0; i < a->focus_count; i++)
		json_array_append_new(f, text(a->focus[i]));
	json_object_set_new(o, "focus", f);
	json_object_set_new(o, "price", money(a->price_cents));
	for (size_t i = 0; i < a->rule_count; i++)
		json_array_append_new(r, json_string(rd_rule_get(a->rules[i])->code));
	json_object_set_new(o, "rules", r);
	json_object_set_new(o, "reason", text(a->reason));
	json_object_set_new(o, "warnings", warnings_json(a->warnings, a->warning_count));
	return o;
}

/* "2026-12": the key of a month (year * 12 + month - 1). */
static void month_key(char key[16], int month)
{
	snprintf(key, 16, "%04d-%02d", month / 12, month % 12 + 1);
}

static json_t *budget_json(const rd_plan *plan)
{
	const rd_profile *p = plan->profile;
	json_t *o = json_object(), *months = json_object();
	json_object_set_new(o, "currency", text(p->currency));
	json_object_set_new(o, "per_month", p->budget_cents >= 0 ? money(p->budget_cents) : json_null());
	if (p->budget_sessions >= 0)
		json_object_set_new(o, "sessions_per_month", json_integer(p->budget_sessions));
	for (size_t i = 0; i < plan->month_count; i++) {
		char key[16];
		month_key(key, plan->months[i].month);
		json_object_set_new(months, key, money(plan->months[i].spent_cents));
	}
	json_object_set_new(o, "months", months);
	return o;
}

static json_t *frequency_json(const rd_plan *plan)
{
	json_t *o = json_object(), *months = json_object();
	json_object_set_new(o, "sessions_per_week", json_real((double)(long)(plan->sessions_per_week * 10 + 0.5) / 10));
	for (size_t i = 0; i < plan->month_count; i++) {
		char key[16];
		month_key(key, plan->months[i].month);
		json_t *m = json_object();
		json_object_set_new(m, "target", json_integer(plan->months[i].target));
		json_object_set_new(m, "count", json_integer(plan->months[i].count));
		json_object_set_new(m, "optional", json_boolean(plan->months[i].optional));
		json_object_set_new(months, key, m);
	}
	json_object_set_new(o, "months", months);
	return o;
}

int rd_plan_to_json(char **out, const rd_plan *plan)
{
	*out = NULL;
	json_t *root = json_object(), *apps = json_array();
	json_object_set_new(root, "rubdown", json_string(RD_VERSION));
	json_object_set_new(root, "from", date_string(plan->from));
	json_object_set_new(root, "to", date_string(plan->to));
	if (plan->profile->name)
		json_object_set_new(root, "runner", text(plan->profile->name));
	for (size_t i = 0; i < plan->count; i++)
		json_array_append_new(apps, appointment_json(&plan->appointments[i]));
	json_object_set_new(root, "appointments", apps);
	json_object_set_new(root, "warnings", warnings_json(plan->warnings, plan->warning_count));
	json_object_set_new(root, "budget", budget_json(plan));
	json_object_set_new(root, "frequency", frequency_json(plan));
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!s)
		return RD_ENOMEM;
	size_t n = strlen(s);
	char *copy = malloc(n + 2);
	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\n';
		copy[n + 1] = 0;
	}
	free(s);
	*out = copy;
	return copy ? 0 : RD_ENOMEM;
}
