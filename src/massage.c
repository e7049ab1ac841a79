/*
 * massage.c: the knowledge base as tables.
 *
 * Rows follow KNOWLEDGE.md (docs/knowledge.md): ids are fixed, the wording
 * is ours.  The planner reads rd_params for every number; this file is the
 * only place that knows the defaults.
 */
#include "rubdown/massage.h"

#include <string.h>

static const rd_modality_info modalities[RD_MODALITY_COUNT] = {
	{"swedish", "Swedish massage",
	 "long, light, flowing strokes and soft kneading; relaxes, helps sleep and blood flow, leaves no soreness",
	 RD_LIGHT, RD_MEDIUM, 0, 60, {RD_T_GLIDING, RD_T_KNEADING}, 2},
	{"deep_tissue", "Deep tissue massage",
	 "slow, focused pressure through the outer and deep layers of muscle and fascia to undo knots and adhesions; can leave you sore the next day",
	 RD_FIRM, RD_FIRM, 1, 60, {RD_T_GLIDING, RD_T_TARGETED}, 2},
	{"active_release", "Active Release Technique (ART)",
	 "deep pressure on a trigger point or scar tissue while the muscle moves, to restore mobility around an injury",
	 RD_FIRM, RD_FIRM, 1, 45, {RD_T_GLIDING, RD_T_TRIGGER_POINT, RD_T_PIN_STRETCH}, 3},
	{"sports_pre_event", "Pre-event sports massage",
	 "brisk work before a run on the same day: stretches, joint mobility and percussion to wake the legs up",
	 RD_LIGHT, RD_MEDIUM, 0, 20,
	 {RD_T_GLIDING, RD_T_PNF, RD_T_JOINT_ROM, RD_T_TAPOTEMENT, RD_T_MOTION_PALPATION}, 5},
	{"sports_post_event", "Post-event sports massage",
	 "work after a run on the same day: fascia first, then tender points, then pin-and-stretch on what the run tightened",
	 RD_MEDIUM, RD_FIRM, 0, 30, {RD_T_MYOFASCIAL, RD_T_TRIGGER_POINT, RD_T_PIN_STRETCH}, 3},
};

static const rd_technique_info techniques[RD_TECHNIQUE_COUNT] = {
	{"gliding_strokes", "gliding strokes", "to warm the tissue"},
	{"kneading", "kneading", ""},
	{"targeted_pressure", "targeted pressure", "on the knots and problem areas"},
	{"pnf_stretching", "PNF stretching",
	 "3 rounds per muscle group: stretch to full range, press against resistance, stretch further"},
	{"joint_range_of_motion", "joint range of motion", "ankles, knees and hips, after the warming glides"},
	{"tapotement", "tapotement", "fast rhythmic percussion"},
	{"motion_palpation", "motion palpation", "rocking the legs, ending with a pull on the ankles and a gentle shake"},
	{"myofascial_release", "myofascial release", "slow glides without oil, before the trigger points"},
	{"trigger_point_therapy", "trigger point therapy", "steady pressure on a tender point until it eases"},
	{"pin_and_stretch", "pin and stretch", "pin near the insertion, glide deep toward the origin while the muscle works"},
};

static const rd_rule_info rules[RD_RULE_COUNT] = {
	{RD_R_AFTER_HARD, "R-AFTER-HARD", RD_PREFER,
	 "a recovery massage (deep tissue unless something else fits better) is best 1 to 2 days after a long run, a hard session or a race", "[A][B]"},
	{RD_R_NO_DEEP_BEFORE_DEMANDING, "R-NO-DEEP-BEFORE-DEMANDING", RD_NEVER,
	 "no deep tissue or active release the day before a long run, a hard session or a race: the soreness would still be there", "[B]"},
	{RD_R_RACE_LEAD, "R-RACE-LEAD", RD_PREFER_NEVER,
	 "book a massage 2 to 3 days before a race; the day before it only Swedish or pre-event work, and no deep pressure in the last 2 days", "[A]"},
	{RD_R_MARATHON_DEEP_AFTER, "R-MARATHON-DEEP-AFTER", RD_NEVER,
	 "with a marathon coming, deep tissue waits until after it: none in the blackout days before the race; the day after is the deep tissue day", "[B]"},
	{RD_R_REST_DAY_DEEP, "R-REST-DAY-DEEP", RD_PREFER,
	 "with no race coming, put deep tissue on a rest day", "[B]"},
	{RD_R_SWEDISH_DAY_BEFORE, "R-SWEDISH-DAY-BEFORE", RD_PREFER,
	 "Swedish massage the day before a long run or a race: relaxing, good for sleep, no soreness", "[A][B]"},
	{RD_R_SPORTS_DAY_OF, "R-SPORTS-DAY-OF", RD_PREFER_NEVER,
	 "sports massage only on the day of a run: pre-event before it, post-event after it, each with its own techniques", "[B]"},
	{RD_R_INJURY_ART, "R-INJURY-ART", RD_PREFER,
	 "shin splints, plantar fasciitis, a hamstring injury or scar tissue call for active release on that site", "[A]"},
	{RD_R_PROBLEM_AREA_DEEP, "R-PROBLEM-AREA-DEEP", RD_PREFER,
	 "a localised problem area, such as pain around the knee, calls for deep tissue with targeted pressure on it", "[A]"},
	{RD_R_FREQUENCY, "R-FREQUENCY", RD_PREFER,
	 "at least one massage a month when running 3 or 4 times a week, more often with more training", "[A]"},
	{RD_R_BUDGET, "R-BUDGET", RD_NEVER,
	 "never plan more than the budget allows; when it cannot cover the frequency, keep the most valuable sessions and say so", "[A]"},
	{RD_R_PREFERENCE, "R-PREFERENCE", RD_PREFER,
	 "deep work is uncomfortable: a runner who likes light pressure gets Swedish or sports work where the rules allow, and is told what deep work would add", "[A][B]"},
	{RD_R_FOCUS, "R-FOCUS", RD_ADVISE,
	 "every session names its focus: hamstrings, quadriceps, calves, glutes and core, plus the sites of any condition; a full-body session is still worth it", "[B]"},
	{RD_R_ACHY_EASE_UP, "R-ACHY-EASE-UP", RD_ADVISE,
	 "a run the day after deep work: if you feel achy, ease up (shorter, slower, or rest)", "[B]"},
	{RD_R_MOVEMENT_THERAPIST, "R-MOVEMENT-THERAPIST", RD_ADVISE,
	 "pain that keeps coming back: see a movement therapist to find the movement pattern behind it", "[A]"},
	{RD_R_REST, "R-REST", RD_ADVISE,
	 "rest when your body asks for it; a massage does not replace rest", "[A][B]"},
};

const rd_modality_info *rd_modality_get(rd_modality m)
{
	return m < RD_MODALITY_COUNT ? &modalities[m] : NULL;
}

const rd_technique_info *rd_technique_get(rd_technique t)
{
	return t < RD_TECHNIQUE_COUNT ? &techniques[t] : NULL;
}

const rd_rule_info *rd_rule_get(rd_rule_id r)
{
	return r < RD_RULE_COUNT ? &rules[r] : NULL;
}

int rd_modality_from_id(rd_modality *out, const char *id)
{
	for (int m = 0; m < RD_MODALITY_COUNT; m++) {
		if (strcmp(modalities[m].id, id) == 0) {
			*out = (rd_modality)m;
			return 0;
		}
	}
	return -1;
}

const char *rd_pressure_name(rd_pressure p)
{
	static const char *names[] = {"light", "medium", "firm"};
	return p <= RD_FIRM ? names[p] : "?";
}

int rd_pressure_from_name(rd_pressure *out, const char *name)
{
	for (int p = RD_LIGHT; p <= RD_FIRM; p++) {
		if (strcmp(rd_pressure_name((rd_pressure)p), name) == 0) {
			*out = (rd_pressure)p;
			return 0;
		}
	}
	return -1;
}

/*
 * The scores are points of value the planner maximises.  They encode the
 * order the sources give: post-race recovery and injury work first (they are
 * kept when the budget is short), then the race-week sessions, then
 * recovery after ordinary hard days.  w_surplus is what a massage beyond the
 * month's frequency target costs: race-week and post-race work never pays
 * it, injury work is worth more than it, so a runner with money to spare
 * is not sent to the table after every interval session.
 */
void rd_params_default(rd_params *p)
{
	*p = (rd_params){
		.after_min_days = 1, .after_max_days = 2, .beginner_extra_days = 1,
		.race_lead_min = 2, .race_lead_max = 3, .race_no_deep_days = 2,
		.marathon_blackout_days = 7, .marathon_km = 42.195,
		.min_gap_days = 2, .frequency = {1, 2, 3, 4},
		.recurring_pain_days = 42,
		.w_after_hard = 20, .w_after_race = 70, .w_marathon_after = 30,
		.w_rest_day = 10, .w_race_lead = 40, .w_swedish_race = 40,
		.w_swedish_long = 15, .w_sports_race = 40, .w_sports_post_race = 25,
		.w_sports_key = 5, .w_injury = 25, .w_problem = 20, .w_frequency = 30,
		.w_surplus = 32, .w_light_penalty = 35, .w_firm_bonus = 5,
	};
	for (int m = 0; m < RD_MODALITY_COUNT; m++)
		p->minutes[m] = modalities[m].minutes;
}
