# The core: knowledge base, profile, planner, explain, and the text and JSON
# writers.
rd_module(rd_core SOURCES
	src/massage.c src/profile.c src/profile_yaml.c src/rules.c src/schedule.c
	src/plan.c src/plan_make.c src/plan_warnings.c src/explain.c
	src/writers/text.c src/writers/json.c src/writers/jsonb.c src/writers/escape.c
	LIBS rd_base PkgConfig::YAML PkgConfig::JANSSON)

rd_add_unit_test(rules SOURCES tests/unit/rules.c LIBS rd_core)
rd_add_unit_test(property SOURCES tests/unit/property.c LIBS rd_core)
rd_add_unit_test(scenarios SOURCES tests/unit/scenarios.c LIBS rd_core)
rd_add_unit_test(explain SOURCES tests/unit/explain.c LIBS rd_core)
rd_add_unit_test(json SOURCES tests/unit/json.c LIBS rd_core)

# make bench: planning time (bench/run.sh).
add_executable(plan_bench bench/plan_bench.c)
target_link_libraries(plan_bench PRIVATE rd_core)
