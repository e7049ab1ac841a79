/*
 * plan.c: the planner.
 *
 * Method: exact dynamic programming over the days of the horizon.  A state
 * after day d is (days since the last massage, capped at the minimum gap;
 * massages so far this month; money spent this month) with the best total
 * score that reaches it and a back pointer.  Each day every state tries "no
 * massage", each allowed modality, and on a race day pre- plus post-event
 * sports massage together.  The month's count and spending reset when a
 * month starts.  States with the same gap and count are pruned to the
 * Pareto front of (less spent, more score), which keeps the search small
 * (tens of states a day) while staying exact: a greedy pass would book the
 * first good day and then find the better one (the day after a marathon, a
 * race-week slot) blocked by the gap or the budget; this search sees the
 * whole horizon at once.  Ties keep the first state found, so the result is
 * the same on every run.
 *
 * The score of a massage is the sum of the prefer rules that apply to it
 * (rules.c), plus R-FREQUENCY's points while the month is below its target,
 * minus a surplus cost once it is above (race-week and post-race work pays
 * no surplus): so the frequency sets how many ordinary massages a month
 * gets, races add their own, and injury work is worth booking beyond it.
 */
#include "rubdown/plan.h"
#include "alloc.h"
#include "plan_internal.h"
#include "rules.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define OPT_NONE 0
#define OPT_COMBO PLAN_OPT_COMBO /* pre- and post-event on race day */
#define OPT_COUNT (OPT_COMBO + 1)

typedef struct state {
	long value;
	long spent;
	int parent;      /* index in the arena, -1 for the start */
	unsigned char gap, count, option;
} state;

typedef struct search {
	const planner *pl;
	state *arena;
	size_t len, cap;
} search;

static int push(search *s, const state *st)
{
	int cap = s->pl->p->params.min_gap_days;
	if (rd_grow((void **)&s->arena, &s->cap, s->len + 1, sizeof *s->arena))
		return RD_ENOMEM;
	s->arena[s->len] = *st;
	if (s->arena[s->len].gap > cap) /* gaps past the minimum are all alike */
		s->arena[s->len].gap = (unsigned char)cap;
	s->len++;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const state *x = a, *y = b;
	if (x->gap != y->gap)
		return x->gap - y->gap;
	if (x->count != y->count)
		return x->count - y->count;
	if (x->spent != y->spent)
		return x->spent < y->spent ? -1 : 1;
	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->parent - y->parent; /* keep the order states were found in */
}

/* Sorts the day's new states and keeps, per (gap, count), those no cheaper
 * state beats on score. */
static size_t prune(state *st, size_t n)
{
	qsort(st, n, sizeof *st, by_key);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out && st[out - 1].gap == st[i].gap && st[out - 1].count == st[i].count &&
		    st[out - 1].value >= st[i].value)
			continue;
		st[out++] = st[i];
	}
	return out;
}

/* The points one more massage earns toward the month's target, or costs
 * beyond it; race-week and post-race work is never a surplus. */
static long frequency_points(const planner *pl, int month_index, int count, int event)
{
	const rd_params *r = &pl->p->params;
	const rd_plan_month *mo = &pl->months[month_index];
	if (count < mo->target)
		return mo->optional ? r->w_frequency / 2 : r->w_frequency;
	return event ? 0 : -r->w_surplus;
}

static int fits_budget(const planner *pl, const state *from, long price, int n)
{
	const rd_profile *p = pl->p;
	if (p->budget_cents >= 0 && from->spent + price > p->budget_cents)
		return 0;
	if (p->budget_sessions >= 0 && from->count + n > p->budget_sessions)
		return 0;
	return from->count + n < 250;
}

/* Tries option `opt` on day index i from state `from`; pushes the result. */
static int try_option(search *s, int i, int from_index, int opt)
{
	const planner *pl = s->pl;
	const state *from = &s->arena[from_index];
	const day_options *o = &pl->options[i];
	state next = *from;
	next.parent = from_index;
	next.option = (unsigned char)opt;
	int mi = o->month_index;
	if (opt == OPT_NONE) {
		if (next.gap < 255)
			next.gap++;
		return push(s, &next);
	}
	if (opt == OPT_COMBO && !(o->exempt[RD_SPORTS_PRE] && o->exempt[RD_SPORTS_POST]))
		return 0; /* two massages in one day: only around a race */
	rd_modality ms[2];
	int n = opt == OPT_COMBO ? 2 : 1;
	ms[0] = opt == OPT_COMBO ? RD_SPORTS_PRE : (rd_modality)(opt - 1);
	ms[1] = RD_SPORTS_POST;
	long price = 0, value = 0;
	int exempt = 1;
	for (int k = 0; k < n; k++) {
		if (!o->allowed[ms[k]])
			return 0;
		price += o->price[ms[k]];
		value += o->score[ms[k]] + frequency_points(pl, mi, from->count + k, o->event[ms[k]]);
		exempt &= o->exempt[ms[k]];
	}
	if (!exempt && (from->gap < pl->p->params.min_gap_days || o->booked_soon))
		return 0;
	if (!fits_budget(pl, from, price, n))
		return 0;
	next.value += value;
	next.spent += price;
	next.count = (unsigned char)(next.count + n);
	next.gap = exempt ? (unsigned char)(from->gap < 255 ? from->gap + 1 : 255) : 1;
	return push(s, &next);
}

/* A month boundary, or massages had or booked that day, change the state
 * before any option is tried. */
static void enter_day(const planner *pl, int i, state *st)
{
	const day_options *o = &pl->options[i];
	if (o->month_start) {
		st->count = (unsigned char)o->base_count;
		st->spent = o->base_cents;
	}
	if (o->booked)
		st->gap = 0; /* counted in the month's base already */
}

static int run_day(search *s, size_t lo, size_t hi, int i)
{
	const day_options *o = &s->pl->options[i];
	for (size_t k = lo; k < hi; k++) {
		state st = s->arena[k];
		enter_day(s->pl, i, &st);
		s->arena[k] = st;
		int last = o->booked ? OPT_NONE : OPT_COUNT - 1;
		for (int opt = OPT_NONE; opt <= last; opt++) {
			int rc = try_option(s, i, (int)k, opt);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Runs the search and writes the chosen option of each day into choice[]. */
int plan_search(const planner *pl, unsigned char *choice)
{
	search s = {pl, NULL, 0, 0};
	state start = {0, 0, -1, (unsigned char)(pl->initial_gap > 255 ? 255 : pl->initial_gap),
		       0, OPT_NONE};
	int rc = push(&s, &start);
	size_t lo = 0, hi = s.len;
	for (int i = 0; !rc && i < pl->days; i++) {
		rc = run_day(&s, lo, hi, i);
		if (rc)
			break;
		size_t n = prune(s.arena + hi, s.len - hi);
		s.len = hi + n;
		lo = hi;
		hi = s.len;
	}
	if (!rc) {
		size_t best = lo;
		for (size_t k = lo + 1; k < hi; k++)
			if (s.arena[k].value > s.arena[best].value)
				best = k;
		for (int i = pl->days - 1, k = (int)best; i >= 0 && k >= 0; i--) {
			choice[i] = s.arena[k].option;
			k = s.arena[k].parent;
		}
	}
	rd_free(s.arena);
	return rc;
}
