# The HTML report (rd_report), the terminal calendar's tests, and the
# browser test of the report.
rd_module(rd_report SOURCES src/writers/html.c src/writers/chart.c LIBS rd_core m)

rd_add_unit_test(html SOURCES tests/unit/html.c LIBS rd_report)
rd_add_unit_test(text SOURCES tests/unit/text.c LIBS rd_core)

# Chromium, headless and offline, opens the report made for the example
# runner (as make demo plans it); screenshots go to build/browser/.  Exit 77 (no chromium) skips.
# `cmake --build build --target report_screenshot` refreshes docs/report.png.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
	set(RD_BROWSER_TEST ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/browser/report_test.py
		--rubdown $<TARGET_FILE:rubdown_cli>
		--profile ${CMAKE_SOURCE_DIR}/examples/sam.yaml --start 2026-11-23
		--calendar ${CMAKE_SOURCE_DIR}/examples/sam-plan.ics
		--calendar busy:${CMAKE_SOURCE_DIR}/examples/sam-busy.ics
		--out ${CMAKE_BINARY_DIR}/browser)
	add_test(NAME report_browser COMMAND ${RD_BROWSER_TEST})
	set_tests_properties(report_browser PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180
		LABELS browser)
	add_custom_target(report_screenshot
		COMMAND ${RD_BROWSER_TEST} --readme-png ${CMAKE_SOURCE_DIR}/docs/report.png
		DEPENDS rubdown_cli VERBATIM)
else()
	message(STATUS "report_browser test off: no python3")
endif()
