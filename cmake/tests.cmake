# Tests of the base layer and of the command line.  Each layer's own unit
# tests are registered in its cmake/<layer>.cmake.
rd_add_unit_test(date SOURCES tests/unit/date.c LIBS rd_base)
rd_add_unit_test(buf SOURCES tests/unit/buf.c LIBS rd_base)
add_test(NAME cli COMMAND sh ${CMAKE_SOURCE_DIR}/tests/cli/run.sh
	$<TARGET_FILE:rubdown_cli> ${CMAKE_SOURCE_DIR} $<TARGET_FILE:gen_history>)
add_test(NAME readme_examples COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/readme_examples.py
	$<TARGET_FILE:rubdown_cli> ${CMAKE_SOURCE_DIR} $<TARGET_FILE:gen_history>)
