/*
 * fit_profile.c: the part of the FIT profile (Profile.xlsx of the FIT SDK)
 * that rubdown uses, as tables: for each message we read, field number ->
 * slot, scale and offset (value = raw / scale - offset).  Fields not listed
 * are skipped by size.  Numbers are from the FIT SDK profile 21.x.
 */
#include "formats/fit.h"

#include <stddef.h>

#define F(slot, scale, offset) {(slot), (float)(scale), (float)(offset)}

/* file_id (0) */
static const fit_prof_field file_id[256] = {
	[0] = F(FS_FILE_TYPE, 1, 0),       /* type (enum file) */
	[1] = F(FS_MANUFACTURER, 1, 0),    /* manufacturer (uint16) */
	[2] = F(FS_PRODUCT, 1, 0),         /* product (uint16) */
	[4] = F(FS_TIME_CREATED, 1, 0),    /* time_created (date_time) */
};

/* sport (12) */
static const fit_prof_field sport[256] = {
	[0] = F(FS_SPORT, 1, 0),
	[1] = F(FS_SUB_SPORT, 1, 0),
};

/* session (18) */
static const fit_prof_field session[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[2] = F(FS_START_TIME, 1, 0),
	[5] = F(FS_SPORT, 1, 0),
	[6] = F(FS_SUB_SPORT, 1, 0),
	[7] = F(FS_ELAPSED, 1000, 0),      /* total_elapsed_time, s */
	[8] = F(FS_TIMER, 1000, 0),        /* total_timer_time, s */
	[9] = F(FS_TOTAL_DIST, 100, 0),    /* total_distance, m */
	[16] = F(FS_AVG_HR, 1, 0),         /* avg_heart_rate, bpm */
	[17] = F(FS_MAX_HR, 1, 0),         /* max_heart_rate, bpm */
	[18] = F(FS_AVG_CAD, 1, 0),        /* avg_cadence, rpm (strides) */
	[22] = F(FS_ASCENT, 1, 0),         /* total_ascent, m */
	[41] = F(FS_AVG_FRAC_CAD, 128, 0), /* avg_fractional_cadence */
};

/* lap (19) */
static const fit_prof_field lap[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[2] = F(FS_START_TIME, 1, 0),
};

/* record (20) */
static const fit_prof_field record[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[0] = F(FS_LAT, 1, 0),             /* position_lat, semicircles */
	[1] = F(FS_LON, 1, 0),             /* position_long, semicircles */
	[2] = F(FS_ALT, 5, 500),           /* altitude, m */
	[3] = F(FS_HR, 1, 0),              /* heart_rate, bpm */
	[4] = F(FS_CAD, 1, 0),             /* cadence, rpm */
	[5] = F(FS_DIST, 100, 0),          /* distance, m */
	[6] = F(FS_SPEED, 1000, 0),        /* speed, m/s */
	[8] = F(FS_CSD, 1, 0),             /* compressed_speed_distance */
	[53] = F(FS_FRAC_CAD, 128, 0),     /* fractional_cadence */
	[73] = F(FS_ESPEED, 1000, 0),      /* enhanced_speed, m/s */
	[78] = F(FS_EALT, 5, 500),         /* enhanced_altitude, m */
};

/* event (21) */
static const fit_prof_field event[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[0] = F(FS_EVENT, 1, 0),           /* event: 0 = timer */
	[1] = F(FS_EVENT_TYPE, 1, 0),      /* event_type: 0 start, 1 stop... */
};

/* workout (26) */
static const fit_prof_field workout[256] = {
	[4] = F(FS_SPORT, 1, 0),
	[8] = F(FS_NAME, 1, 0),            /* wkt_name (string) */
	[11] = F(FS_SUB_SPORT, 1, 0),
};

/* activity (34) */
static const fit_prof_field activity[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[1] = F(FS_NUM_SESSIONS, 1, 0),
	[5] = F(FS_LOCAL_TS, 1, 0),        /* local_timestamp */
};

/* timestamp_correlation (162) */
static const fit_prof_field tcorr[256] = {
	[253] = F(FS_TIMESTAMP, 1, 0),
	[3] = F(FS_LOCAL_TS, 1, 0),        /* local_timestamp */
};

static const fit_prof_field *table(uint16_t global)
{
	switch (global) {
	case FIT_MESG_FILE_ID: return file_id;
	case FIT_MESG_SPORT: return sport;
	case FIT_MESG_SESSION: return session;
	case FIT_MESG_LAP: return lap;
	case FIT_MESG_RECORD: return record;
	case FIT_MESG_EVENT: return event;
	case FIT_MESG_WORKOUT: return workout;
	case FIT_MESG_ACTIVITY: return activity;
	case FIT_MESG_TIMESTAMP_CORRELATION: return tcorr;
	default: return NULL;
	}
}

const fit_prof_field *fit_profile_field(uint16_t global, uint8_t num)
{
	const fit_prof_field *t = table(global);
	if (!t || t[num].slot == FS_NONE)
		return NULL;
	return &t[num];
}

/* sport: 0 generic, 1 running, 2 cycling, 4 fitness_equipment, 5 swimming,
 * 11 walking, 17 hiking.  sub_sport: 1 treadmill, 2 street, 3 trail,
 * 4 track, 7 road, 45 indoor_running, 58 virtual_activity (Zwift and the
 * like: a run on a treadmill, as Strava's "Virtual Run"). */
static rd_sport running(int sub_sport)
{
	switch (sub_sport) {
	case 1: case 45: case 58: return RD_SPORT_TREADMILL;
	case 3: return RD_SPORT_TRAIL;
	case 4: return RD_SPORT_TRACK;
	default: return RD_SPORT_RUN; /* generic, street, road, unknown */
	}
}

rd_sport fit_sport_map(int sport_num, int sub_sport)
{
	switch (sport_num) {
	case -1: return RD_SPORT_UNKNOWN;
	case 1: return running(sub_sport);
	case 2: return RD_SPORT_BIKE;
	case 4: return sub_sport == 1 ? RD_SPORT_TREADMILL : RD_SPORT_OTHER;
	case 5: return RD_SPORT_SWIM;
	case 11: case 17: return RD_SPORT_WALK;
	default: return RD_SPORT_OTHER;
	}
}
