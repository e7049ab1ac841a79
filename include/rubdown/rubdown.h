/*
 * rubdown.h: the whole public API of librubdown.
 *
 *   profile (YAML) + calendars + history  ->  rd_profile
 *   rd_profile + knowledge base           ->  rd_plan_make  ->  rd_plan
 *   rd_plan                               ->  text, JSON, iCalendar, HTML
 *
 * The library never prints and never exits: every function reports through
 * its return code and an optional rd_diag.
 */
#ifndef RUBDOWN_H
#define RUBDOWN_H

#include "rubdown/version.h"
#include "rubdown/error.h"
#include "rubdown/date.h"
#include "rubdown/massage.h"
#include "rubdown/profile.h"
#include "rubdown/plan.h"
#include "rubdown/activity.h"
#include "rubdown/history.h"
#include "rubdown/load.h"
#include "rubdown/report.h"

#endif
