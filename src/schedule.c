/* schedule.c: time-of-day placement (the calendar layer fills this in;
 * until busy times and hours exist every day is free all day). */
#include "schedule.h"

int schedule_slot(const rd_profile *p, const rd_day *day, rd_when when,
		  int minutes, int *start_min)
{
	(void)p;
	(void)day;
	(void)when;
	(void)minutes;
	*start_min = -1;
	return 1;
}
