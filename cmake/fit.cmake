# The FIT layer: record accumulator, activity basics, FIT decoder and reader.
rd_module(rd_fit SOURCES src/track.c src/activity.c src/activity_store.c src/formats/fit.c
	src/formats/fit_values.c src/formats/fit_crc.c
	src/formats/fit_activity.c src/formats/fit_hr.c
	src/formats/fit_profile.c LIBS rd_base m)
rd_add_unit_test(track SOURCES tests/unit/track.c LIBS rd_fit)
rd_add_unit_test(activity_store SOURCES tests/unit/activity_store.c LIBS rd_fit)
rd_add_unit_test(fit SOURCES tests/unit/formats/fit.c LIBS rd_fit)

# FIT decoding speed against a plain read() loop (bench/fit_speed.c).
add_executable(fit_speed bench/fit_speed.c)
target_link_libraries(fit_speed PRIVATE rd_fit)
target_include_directories(fit_speed PRIVATE ${CMAKE_SOURCE_DIR}/src)
