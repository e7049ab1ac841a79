# Fuzzing (docs/fuzzing.md), corpus replay, the bad-input suite, the
# allocation-failure loop and valgrind.  Include it last: it instruments
# every module in RD_MODULES.
#
# Always: each fuzz target is also linked with fuzz/driver.c as
# fuzz_<t>_replay and replayed over its seeds (fuzz/corpus/<t>), the shared
# corpus and the minimised findings (tests/data/fuzz/<t>/, except files named
# open-*: findings in code owned elsewhere, not fixed yet) as the CTest test
# fuzz_<t>.  With -DRD_FUZZ=ON (clang, and RD_SANITIZE=ON) the libFuzzer
# binaries fuzz_<t> are built too (target `fuzzers`; run by fuzz/run.sh).
option(RD_FUZZ "Build the libFuzzer targets (clang only)" OFF)

set(RD_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
set(RD_FUZZ_DATA ${CMAKE_SOURCE_DIR}/tests/data/fuzz)

if(RD_FUZZ)
	if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
		message(FATAL_ERROR "RD_FUZZ=ON needs clang: CC=clang-14 in a new build folder")
	endif()
	if(NOT RD_SANITIZE)
		message(FATAL_ERROR "RD_FUZZ=ON needs RD_SANITIZE=ON")
	endif()
	foreach(m ${RD_MODULES})
		target_compile_options(${m} PRIVATE -fsanitize=fuzzer-no-link)
	endforeach()
	add_custom_target(fuzzers)
endif()

# rd_fuzz_target(NAME LIBS... SEEDS dirs-or-files...)
function(rd_fuzz_target name)
	cmake_parse_arguments(F "" "" "LIBS;SEEDS" ${ARGN})
	set(src ${RD_FUZZ_DIR}/${name}_fuzz.c)
	add_executable(fuzz_${name}_replay ${src} ${RD_FUZZ_DIR}/driver.c)
	target_link_libraries(fuzz_${name}_replay PRIVATE ${F_LIBS})
	target_include_directories(fuzz_${name}_replay PRIVATE
		${CMAKE_SOURCE_DIR}/src ${RD_FUZZ_DIR})
	file(GLOB found LIST_DIRECTORIES false ${RD_FUZZ_DATA}/${name}/*)
	set(regress "")
	foreach(f ${found})
		get_filename_component(base ${f} NAME)
		if(NOT base MATCHES "^(open-|README)")
			list(APPEND regress ${f})
		endif()
	endforeach()
	set(inputs ${RD_FUZZ_DIR}/corpus/${name})
	foreach(s ${F_SEEDS})
		if(EXISTS ${s})
			list(APPEND inputs ${s})
		endif()
	endforeach()
	add_test(NAME fuzz_${name} COMMAND fuzz_${name}_replay ${inputs} ${regress})
	set_tests_properties(fuzz_${name} PROPERTIES TIMEOUT 600 LABELS fuzz)
	if(RD_FUZZ)
		add_executable(fuzz_${name} ${src})
		target_link_libraries(fuzz_${name} PRIVATE ${F_LIBS})
		target_include_directories(fuzz_${name} PRIVATE
			${CMAKE_SOURCE_DIR}/src ${RD_FUZZ_DIR})
		target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
		add_dependencies(fuzzers fuzz_${name})
	endif()
endfunction()

set(C ${RD_CORPUS})
rd_fuzz_target(fit LIBS rd_fit SEEDS ${C}/fit/python-fitparse ${C}/fit/sports-lib
	${C}/fit/fitdecode ${C}/fit/garmin-fit-javascript-sdk)
rd_fuzz_target(profile LIBS rd_core SEEDS ${CMAKE_SOURCE_DIR}/examples
	${CMAKE_SOURCE_DIR}/tests/cli/bad)
rd_fuzz_target(plan LIBS rd_core PkgConfig::JANSSON SEEDS
	${CMAKE_SOURCE_DIR}/examples)
if(TARGET rd_xml)
	rd_fuzz_target(gpx LIBS rd_xml SEEDS ${C}/gpx/gpsbabel ${C}/gpx/gpxpy
		${C}/gpx/sports-lib ${RD_TEST_DATA}/gpx)
	rd_fuzz_target(tcx LIBS rd_xml SEEDS ${C}/tcx/gpsbabel ${C}/tcx/sports-lib
		${C}/tcx/python-tcxparser ${RD_TEST_DATA}/tcx)
endif()
if(TARGET rd_history)
	rd_fuzz_target(csv LIBS rd_history SEEDS
		${C}/strava/jobo-export-2025-08/activities.csv)
	rd_fuzz_target(gz LIBS rd_history SEEDS ${C}/strava/gz)
	rd_fuzz_target(zip LIBS rd_history SEEDS)
endif()
if(TARGET rd_ical)
	rd_fuzz_target(ical LIBS rd_ical SEEDS ${C}/ics/icalendar ${C}/ics/icaljs
		${RD_TEST_DATA}/ics)
endif()

# The bad-input suite (tests/bad/README.md) and the allocation-failure loop.
if(TARGET rd_xml AND TARGET rd_history AND EXISTS ${CMAKE_SOURCE_DIR}/tests/bad/bad.c)
	rd_add_unit_test(bad SOURCES tests/bad/bad.c tests/bad/gen.c
		LIBS rd_history rd_xml rd_fit rd_core)
	if(TARGET rd_ical)
		target_link_libraries(test_bad PRIVATE rd_ical)
		target_compile_definitions(test_bad PRIVATE RD_HAVE_ICAL=1)
	endif()
	set_tests_properties(bad PROPERTIES TIMEOUT 600)
endif()
if(TARGET rd_xml AND EXISTS ${CMAKE_SOURCE_DIR}/tests/unit/oom.c)
	rd_add_unit_test(oom SOURCES tests/unit/oom.c tests/bad/gen.c
		LIBS rd_training rd_xml rd_fit rd_core)
	set_tests_properties(oom PROPERTIES TIMEOUT 600)
endif()

# Valgrind memcheck on the example plan, on an unsanitized build only.
find_program(RD_VALGRIND valgrind)
if(RD_VALGRIND AND NOT RD_SANITIZE AND NOT RD_TSAN)
	add_test(NAME valgrind_demo COMMAND ${RD_VALGRIND} --tool=memcheck
		--error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite,indirect
		$<TARGET_FILE:rubdown_cli> plan --profile
		${CMAKE_SOURCE_DIR}/examples/sam.yaml --from 2026-11-23)
	set_tests_properties(valgrind_demo PROPERTIES TIMEOUT 300 LABELS valgrind)
endif()
