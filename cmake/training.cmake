# A recorded history as the planner's calendar: load, classification, and
# the runs as dated sessions.
rd_module(rd_training SOURCES src/training.c LIBS rd_core rd_history rd_analysis rd_ical PkgConfig::JANSSON)
rd_add_unit_test(training SOURCES tests/unit/training.c LIBS rd_training)
