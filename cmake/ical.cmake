# Calendars: reading training plans and busy times (.ics), classifying
# events, the time of day of appointments, and the plan as .ics.
pkg_check_modules(ICAL REQUIRED IMPORTED_TARGET libical)
rd_module(rd_ical SOURCES
	src/formats/ical.c src/formats/ical_scan.c src/formats/ical_recur.c
	src/formats/classify_event.c src/writers/ics.c
	LIBS rd_core PkgConfig::ICAL)
rd_add_unit_test(ical_read SOURCES tests/unit/ical_read.c LIBS rd_ical)
# A hang in recurrence expansion shows up as this timeout, not as a timed
# assertion; the 50 MB calendar needs about a minute under ASan.
set_tests_properties(ical_read PROPERTIES TIMEOUT 600)
rd_add_unit_test(ical_write SOURCES tests/unit/ical_write.c LIBS rd_ical)
# Our output, checked by an independent parser (python3-icalendar).
add_test(NAME ics_validate COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/ics_validate.py
	${CMAKE_BINARY_DIR}/ical_write_plan.ics ${CMAKE_BINARY_DIR}/ical_write_title.txt)
set_tests_properties(ics_validate PROPERTIES DEPENDS ical_write)
rd_add_unit_test(classify_event SOURCES tests/unit/classify_event.c LIBS rd_ical)
rd_add_unit_test(schedule SOURCES tests/unit/schedule.c LIBS rd_ical)
