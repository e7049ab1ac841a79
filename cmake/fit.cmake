# The FIT layer: record accumulator, activity basics, FIT decoder and reader.
rd_module(rd_fit SOURCES src/track.c src/activity.c src/formats/fit.c
	src/formats/fit_profile.c LIBS rd_base m)
rd_add_unit_test(track SOURCES tests/unit/track.c LIBS rd_fit)
rd_add_unit_test(fit SOURCES tests/unit/formats/fit.c LIBS rd_fit)
