/* The JSON writer: a contract other tools read. */
#include "planner_helpers.h"
#include "alloc.h"

#include <jansson.h>

static json_t *plan_json(rd_profile *p)
{
	rd_plan *plan = plan_for(p, "2026-11-30", 4);
	char *s = NULL;
	assert_int_equal(rd_plan_to_json(&s, plan), 0);
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);
	assert_non_null(j);
	rd_free(s);
	rd_plan_free(plan);
	return j;
}

/* The keys of the contract, with their types. */
static void shape(void **state)
{
	(void)state;
	rd_profile *p = profile_from("runner: {name: Sam}\nweek: {tue: hard, sun: long}\n"
				     "budget: {per_month: 150.5}\n");
	json_t *j = plan_json(p);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2026-11-30");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "2026-12-27");
	json_t *apps = json_object_get(j, "appointments");
	assert_true(json_array_size(apps) >= 1);
	json_t *a = json_array_get(apps, 0);
	const char *keys[] = {"date", "when", "modality", "minutes", "pressure", "techniques",
			      "focus", "price", "rules", "reason", "warnings"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_non_null(json_object_get(a, keys[i]));
	assert_true(json_is_array(json_object_get(a, "rules")));
	json_t *budget = json_object_get(j, "budget");
	assert_true(json_is_real(json_object_get(budget, "per_month")));
	assert_true(json_real_value(json_object_get(budget, "per_month")) == 150.5);
	assert_non_null(json_object_get(json_object_get(budget, "months"), "2026-12"));
	json_decref(j);
	rd_profile_free(p);
}

/* Text with invalid UTF-8 (from a calendar or a device) comes out as
 * U+FFFD, never as a dropped key (BAD-INPUTS O08). */
static void bad_utf8_repaired(void **state)
{
	(void)state;
	rd_profile *p = profile_from("week: {tue: hard}\n");
	p->name = rd_strdup("Sam \xff\xc3 end");
	json_t *j = plan_json(p);
	assert_string_equal(json_string_value(json_object_get(j, "runner")),
			    "Sam \xef\xbf\xbd\xef\xbf\xbd end");
	json_decref(j);
	rd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shape),
		cmocka_unit_test(bad_utf8_repaired),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
