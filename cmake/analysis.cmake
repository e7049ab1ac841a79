# Training load, fitness/fatigue/form, weekly volume and run classification
# (docs/load.md), and the synthetic-history generator for the benchmark.
rd_module(rd_analysis SOURCES src/load.c src/classify.c src/select.c src/pass.c LIBS rd_fit m)
rd_add_unit_test(select SOURCES tests/unit/select.c LIBS rd_analysis)
rd_add_unit_test(load SOURCES tests/unit/load.c LIBS rd_analysis)
rd_add_unit_test(classify SOURCES tests/unit/classify.c LIBS rd_analysis)

# The benchmark's synthetic Strava-style export (bench/history.sh).
pkg_check_modules(RD_GEN_ARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(RD_GEN_ZLIB REQUIRED IMPORTED_TARGET zlib)
add_executable(gen_history bench/gen_history.c)
target_link_libraries(gen_history PRIVATE PkgConfig::RD_GEN_ARCHIVE PkgConfig::RD_GEN_ZLIB m)
rd_add_unit_test(gen_history SOURCES tests/unit/gen_history.c
	LIBS PkgConfig::RD_GEN_ARCHIVE PkgConfig::RD_GEN_ZLIB)
target_compile_definitions(test_gen_history PRIVATE
	GEN_HISTORY_EXE="$<TARGET_FILE:gen_history>")
add_dependencies(test_gen_history gen_history)
