# The XML layer: the expat wrapper and the GPX and TCX readers.
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
rd_module(rd_xml SOURCES src/formats/xml.c src/formats/xml_values.c src/formats/xmltime.c
	src/formats/gpx.c src/formats/tcx.c LIBS rd_fit PkgConfig::EXPAT)
rd_add_unit_test(gpx SOURCES tests/unit/formats/gpx.c tests/unit/formats/reader_run.c LIBS rd_xml)
rd_add_unit_test(tcx SOURCES tests/unit/formats/tcx.c tests/unit/formats/reader_run.c LIBS rd_xml)
