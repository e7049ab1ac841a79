/*
 * plan_bench.c: how long planning takes.
 *
 * usage: plan_bench PROFILE.yaml [FROM] [ITERATIONS]
 * Loads the profile once, then plans 8 weeks ITERATIONS times (default
 * 2000) and prints the mean and the best time per plan, with the CPU time
 * measured by clock_gettime(CLOCK_PROCESS_CPUTIME_ID).  The target is well
 * under a millisecond per 8-week plan.  It also plans a year (52 weeks) to
 * show how the search grows with the horizon.
 */
#include "rubdown/rubdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int run(const rd_profile *p, rd_date from, int weeks, int iterations)
{
	double best = 1e18, total = 0;
	size_t count = 0;
	for (int i = 0; i < iterations; i++) {
		rd_plan *plan = NULL;
		rd_plan_options opt = {from, weeks};
		double t0 = now_us();
		if (rd_plan_make(&plan, p, &opt, NULL))
			return 1;
		double dt = now_us() - t0;
		count = plan->count;
		rd_plan_free(plan);
		total += dt;
		if (dt < best)
			best = dt;
	}
	printf("plan %2d weeks: %zu appointments, mean %.1f us, best %.1f us per plan (%d runs)\n",
	       weeks, count, total / iterations, best, iterations);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: plan_bench PROFILE.yaml [FROM] [ITERATIONS]\n");
		return 2;
	}
	rd_date from = rd_date_today();
	if (argc > 2 && rd_date_parse(&from, argv[2], strlen(argv[2]))) {
		fprintf(stderr, "plan_bench: bad date %s\n", argv[2]);
		return 2;
	}
	int iterations = argc > 3 ? atoi(argv[3]) : 2000;
	if (iterations < 1)
		iterations = 1;
	rd_profile *p = NULL;
	rd_diag diag = RD_DIAG_INIT;
	if (rd_profile_load(&p, argv[1], &diag)) {
		char msg[512];
		rd_diag_format(&diag, msg, sizeof msg);
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	int rc = run(p, from, 8, iterations) || run(p, from, 52, iterations / 10 + 1);
	rd_profile_free(p);
	return rc;
}
