# The history layer: paths, folders, gzip and zip archives, Strava's
# activities.csv, duplicates; decoding on threads.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
find_package(Threads REQUIRED)

set(RD_HISTORY_READERS "")
if(TARGET rd_fit)
	list(APPEND RD_HISTORY_READERS rd_fit)
endif()
if(TARGET rd_xml)
	list(APPEND RD_HISTORY_READERS rd_xml)
endif()

rd_module(rd_history SOURCES src/history.c src/history_store.c src/tempdb.c src/history_read.c
	src/history_decode.c src/history_csv.c src/formats/sniff.c
	src/formats/gz.c src/formats/zip.c src/formats/strava_csv.c
	src/formats/zip_dir.c src/formats/zip_seen.c
	LIBS rd_fit ${RD_HISTORY_READERS} PkgConfig::ZLIB PkgConfig::LIBARCHIVE
	PkgConfig::SQLITE3 Threads::Threads m)
if(TARGET rd_fit)
	target_compile_definitions(rd_history PRIVATE RD_HAVE_FIT=1)
endif()
if(TARGET rd_xml)
	target_compile_definitions(rd_history PRIVATE RD_HAVE_XML=1)
endif()

rd_add_unit_test(sniff SOURCES tests/unit/formats/sniff.c LIBS rd_history)
rd_add_unit_test(gz SOURCES tests/unit/formats/gz.c tests/bad/gen.c LIBS rd_history)
rd_add_unit_test(zip SOURCES tests/unit/formats/zip.c LIBS rd_history)
rd_add_unit_test(strava_csv SOURCES tests/unit/formats/strava_csv.c LIBS rd_history)
rd_add_unit_test(history SOURCES tests/unit/history.c tests/bad/gen.c LIBS rd_history)
if(TARGET rd_fit AND TARGET rd_xml)
	target_compile_definitions(test_history PRIVATE RD_HAVE_FIT=1 RD_HAVE_XML=1)
endif()
