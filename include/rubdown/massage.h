/*
 * massage.h: the knowledge base.
 *
 * Every modality, technique, focus area and rule of the domain specification
 * (docs/knowledge.md, from KNOWLEDGE.md) lives here as data: the planner reads
 * these tables and never hard-codes a lead time or a window.  Rule ids,
 * modality ids, technique ids and focus ids are fixed strings shared by the
 * JSON, ICS and HTML outputs and by the tests.
 */
#ifndef RUBDOWN_MASSAGE_H
#define RUBDOWN_MASSAGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rd_modality {
	RD_SWEDISH = 0,
	RD_DEEP_TISSUE,
	RD_ACTIVE_RELEASE,
	RD_SPORTS_PRE,
	RD_SPORTS_POST,
	RD_MODALITY_COUNT
} rd_modality;

typedef enum rd_pressure { RD_LIGHT = 0, RD_MEDIUM, RD_FIRM } rd_pressure;

typedef enum rd_technique {
	RD_T_GLIDING = 0,
	RD_T_KNEADING,
	RD_T_TARGETED,
	RD_T_PNF,
	RD_T_JOINT_ROM,
	RD_T_TAPOTEMENT,
	RD_T_MOTION_PALPATION,
	RD_T_MYOFASCIAL,
	RD_T_TRIGGER_POINT,
	RD_T_PIN_STRETCH,
	RD_TECHNIQUE_COUNT
} rd_technique;

typedef enum rd_rule_kind { RD_NEVER, RD_PREFER, RD_ADVISE, RD_PREFER_NEVER } rd_rule_kind;

typedef enum rd_rule_id {
	RD_R_AFTER_HARD = 0,
	RD_R_NO_DEEP_BEFORE_DEMANDING,
	RD_R_RACE_LEAD,
	RD_R_MARATHON_DEEP_AFTER,
	RD_R_REST_DAY_DEEP,
	RD_R_SWEDISH_DAY_BEFORE,
	RD_R_SPORTS_DAY_OF,
	RD_R_INJURY_ART,
	RD_R_PROBLEM_AREA_DEEP,
	RD_R_FREQUENCY,
	RD_R_BUDGET,
	RD_R_PREFERENCE,
	RD_R_FOCUS,
	RD_R_ACHY_EASE_UP,
	RD_R_MOVEMENT_THERAPIST,
	RD_R_REST,
	RD_RULE_COUNT
} rd_rule_id;

typedef struct rd_modality_info {
	const char *id;          /* "deep_tissue" */
	const char *name;        /* "Deep tissue massage" */
	const char *what;        /* one line in our own words */
	rd_pressure pressure_min, pressure_max;
	int deep;                /* 1: deep pressure, soreness the next day */
	int minutes;             /* default suggested length */
	rd_technique techniques[6];
	size_t technique_count;
} rd_modality_info;

typedef struct rd_technique_info {
	const char *id;          /* "pnf_stretching" */
	const char *name;        /* "PNF stretching" */
	const char *detail;      /* "3 rounds per muscle group" or "" */
} rd_technique_info;

typedef struct rd_rule_info {
	rd_rule_id id;
	const char *code;        /* "R-AFTER-HARD" */
	rd_rule_kind kind;
	const char *says;        /* what it says, our words */
	const char *source;      /* "[A]", "[B]", "[A][B]" */
} rd_rule_info;

/* The tunable numbers of the rules (KNOWLEDGE.md section 6).  Every lead
 * time, window and weight the planner uses is one of these. */
typedef struct rd_params {
	int after_min_days, after_max_days;   /* R-AFTER-HARD: 1..2 */
	int beginner_extra_days;              /* beginners wait one day more: 1 */
	int race_lead_min, race_lead_max;     /* R-RACE-LEAD: 2..3 days before */
	int race_no_deep_days;                /* R-RACE-LEAD never: 2 */
	int marathon_blackout_days;           /* R-MARATHON-DEEP-AFTER: 7 */
	double marathon_km;                   /* 42.195 */
	int min_gap_days;                     /* between two massages: 2 */
	int frequency[4];                     /* per 4 weeks, for <=4, 5-6, 7-8, 9+ sessions/week */
	int recurring_pain_days;              /* R-MOVEMENT-THERAPIST: 42 */
	int minutes[RD_MODALITY_COUNT];       /* suggested length */
	/* Scores of the prefer rules: the planner maximises their sum. */
	int w_after_hard, w_after_race, w_marathon_after, w_rest_day, w_race_lead,
	    w_swedish_race, w_swedish_long, w_sports_race, w_sports_post_race,
	    w_sports_key, w_injury, w_problem, w_frequency, w_surplus, w_light_penalty,
	    w_firm_bonus;
} rd_params;

const rd_modality_info *rd_modality_get(rd_modality m);
const rd_technique_info *rd_technique_get(rd_technique t);
const rd_rule_info *rd_rule_get(rd_rule_id r);
/* Looks an id up; returns 0 and sets *out, or -1. */
int rd_modality_from_id(rd_modality *out, const char *id);
const char *rd_pressure_name(rd_pressure p);
int rd_pressure_from_name(rd_pressure *out, const char *name);

/* The defaults of KNOWLEDGE.md. */
void rd_params_default(rd_params *p);

#ifdef __cplusplus
}
#endif
#endif
