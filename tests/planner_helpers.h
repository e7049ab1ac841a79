/* planner_helpers.h: small profiles written as YAML, and plan look-ups. */
#ifndef RD_PLANNER_HELPERS_H
#define RD_PLANNER_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "rubdown/rubdown.h"

static inline rd_date D(const char *s)
{
	rd_date d = RD_DATE_NONE;
	assert_int_equal(rd_date_parse(&d, s, strlen(s)), 0);
	return d;
}

static inline rd_profile *profile_from(const char *yaml)
{
	rd_profile *p = NULL;
	rd_diag diag = RD_DIAG_INIT;
	int rc = rd_profile_parse(&p, yaml, strlen(yaml), "test.yaml", &diag);
	if (rc) {
		char msg[512];
		rd_diag_format(&diag, msg, sizeof msg);
		fail_msg("%s", msg);
	}
	return p;
}

static inline rd_plan *plan_for(const rd_profile *p, const char *from, int weeks)
{
	rd_plan *plan = NULL;
	rd_plan_options opt = {D(from), weeks};
	assert_int_equal(rd_plan_make(&plan, p, &opt, NULL), 0);
	return plan;
}

/* The appointment on a date with a modality, or NULL. */
static inline const rd_appointment *find(const rd_plan *plan, const char *date, rd_modality m)
{
	rd_date d = D(date);
	for (size_t i = 0; i < plan->count; i++)
		if (plan->appointments[i].date == d && plan->appointments[i].modality == m)
			return &plan->appointments[i];
	return NULL;
}

static inline int has_rule(const rd_appointment *a, rd_rule_id r)
{
	for (size_t i = 0; i < a->rule_count; i++)
		if (a->rules[i] == r)
			return 1;
	return 0;
}

static inline int has_warning(const rd_warning *w, size_t n, rd_rule_id r)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].rule == r)
			return 1;
	return 0;
}

static inline size_t count_modality(const rd_plan *plan, rd_modality m)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->count; i++)
		n += plan->appointments[i].modality == m;
	return n;
}

#endif
