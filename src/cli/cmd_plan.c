/* cmd_plan.c: rubdown plan and rubdown explain. */
#include "cli.h"
#include "rubdown/training.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *plan_usage =
	"rubdown plan --profile FILE [--history PATH]... [--from DATE] [--weeks N]\n"
	"                    [--format text|json|html] [--ascii] [-o FILE]";
static const char *explain_usage =
	"rubdown explain --profile FILE [--from DATE] [--weeks N] DATE";

#define MAX_PATHS 64

typedef struct plan_args {
	const char *profile, *output, *format;
	rd_plan_options opt;
	int ascii;
	char *history[MAX_PATHS];
	size_t history_count;
} plan_args;

enum { OPT_FROM = 256, OPT_WEEKS, OPT_FORMAT, OPT_ASCII, OPT_HISTORY };

static const struct option long_options[] = {
	{"profile", required_argument, NULL, 'p'},
	{"from", required_argument, NULL, OPT_FROM},
	{"weeks", required_argument, NULL, OPT_WEEKS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"ascii", no_argument, NULL, OPT_ASCII},
	{"history", required_argument, NULL, OPT_HISTORY},
	{NULL, 0, NULL, 0},
};

/* Returns -1 on a bad option (after printing why). */
static int parse(int argc, char **argv, plan_args *a)
{
	*a = (plan_args){NULL, NULL, "text", {RD_DATE_NONE, 8}, 0, {NULL}, 0};
	optind = 1;
	opterr = 1;
	int c;
	while ((c = getopt_long(argc, argv, "p:o:", long_options, NULL)) != -1) {
		switch (c) {
		case 'p': a->profile = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_FROM:
			if (cli_date("--from", optarg, &a->opt.from))
				return -1;
			break;
		case OPT_WEEKS:
			if (cli_int("--weeks", optarg, 1, 104, &a->opt.weeks))
				return -1;
			break;
		case OPT_FORMAT: a->format = optarg; break;
		case OPT_ASCII: a->ascii = 1; break;
		case OPT_HISTORY:
			if (a->history_count == MAX_PATHS) {
				cli_error("--history: at most %d paths", MAX_PATHS);
				return -1;
			}
			a->history[a->history_count++] = optarg;
			break;
		default: return -1;
		}
	}
	if (!a->profile) {
		cli_error("--profile is required");
		return -1;
	}
	if (strcmp(a->format, "text") && strcmp(a->format, "json") && strcmp(a->format, "html")) {
		cli_error("--format: '%s' is not one of text, json, html", a->format);
		return -1;
	}
	return 0;
}

/* The profile, and the recorded history (if any) added to it.  A history
 * file that could not be read is a warning; the plan goes on without it. */
static int load(const plan_args *a, rd_profile **p, rd_training **t)
{
	rd_diag diag = RD_DIAG_INIT;
	*t = NULL;
	if (rd_profile_load(p, a->profile, &diag)) {
		cli_diag(&diag);
		return -1;
	}
	if (!a->history_count)
		return 0;
	rd_history *h = NULL;
	rd_history_stats stats;
	if (cli_read_history(&h, (char **)a->history, a->history_count, &stats))
		return -1;
	int rc = rd_training_new(t, h, *p, &diag);
	rd_history_free(h);
	if (rc || rd_profile_add_training(*p, *t)) {
		cli_diag(&diag);
		return -1;
	}
	return 0;
}

/* The measured load per day for the report's chart: 8 weeks of history. */
static int html(char **out, const rd_plan *plan, const rd_training *t)
{
	rd_load_day *days = NULL;
	size_t n = 0;
	rd_html_options opt = {NULL, 0, 0};
	if (t && t->count && rd_load_series(&days, &n, t->acts, t->load, t->count,
					    plan->from - 56, plan->to, NULL) == 0) {
		opt.load = days;
		opt.load_count = n;
		opt.history_days = 56;
	}
	int rc = rd_plan_to_html(out, plan, &opt);
	rd_free(days);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	plan_args a;
	if (parse(argc, argv, &a))
		return cli_usage(plan_usage);
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		return cli_usage(plan_usage);
	}
	rd_profile *p = NULL;
	rd_training *t = NULL;
	rd_plan *plan = NULL;
	char *text = NULL;
	rd_diag diag = RD_DIAG_INIT;
	int status = RD_EXIT_FAIL;
	if (load(&a, &p, &t))
		goto done;
	if (rd_plan_make(&plan, p, &a.opt, &diag)) {
		cli_diag(&diag);
		goto done;
	}
	rd_text_options topt = {isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !a.output, a.ascii};
	int rc = strcmp(a.format, "json") == 0 ? rd_plan_to_json(&text, plan) :
		 strcmp(a.format, "html") == 0 ? html(&text, plan, t) :
						 rd_plan_to_text(&text, plan, &topt);
	if (rc) {
		cli_error("out of memory");
		goto done;
	}
	if (cli_write(a.output, text) == 0)
		status = RD_EXIT_OK;
done:
	rd_free(text);
	rd_plan_free(plan);
	rd_training_free(t);
	rd_profile_free(p);
	return status;
}

int cmd_explain(int argc, char **argv)
{
	plan_args a;
	if (parse(argc, argv, &a))
		return cli_usage(explain_usage);
	if (optind + 1 != argc) {
		cli_error("explain takes one DATE");
		return cli_usage(explain_usage);
	}
	rd_date date;
	if (cli_date("DATE", argv[optind], &date))
		return cli_usage(explain_usage);
	if (a.opt.from == RD_DATE_NONE)
		a.opt.from = date - rd_date_weekday(date); /* the Monday of that week */
	rd_profile *p = NULL;
	rd_training *t = NULL;
	char *text = NULL;
	rd_diag diag = RD_DIAG_INIT;
	int status = RD_EXIT_FAIL;
	if (load(&a, &p, &t))
		goto done;
	if (rd_plan_explain(&text, p, &a.opt, date, &diag)) {
		cli_diag(&diag);
		goto done;
	}
	if (cli_write(NULL, text) == 0)
		status = RD_EXIT_OK;
done:
	rd_free(text);
	rd_training_free(t);
	rd_profile_free(p);
	return status;
}
