/* cmd_plan.c: rubdown plan and rubdown explain. */
#include "cli.h"
#include "rubdown/ical.h"
#include "rubdown/training.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *plan_usage =
	"rubdown plan [--profile FILE] [--plan FILE.ics]... [--busy FILE.ics]...\n"
	"                    [--history PATH]... [--from DATE] [--weeks N] [-v]\n"
	"                    [--format text|json|html|ics] [--ascii] [-o FILE]";
static const char *explain_usage =
	"rubdown explain [--profile FILE] [--plan FILE.ics]... [--busy FILE.ics]...\n"
	"                    [--history PATH]... [--from DATE] [--weeks N] DATE";

/* What plan's and explain's options mean (--help). */
static const char *input_help =
	"  -p, --profile FILE  the runner: training, races, aches, pressure, budget\n"
	"                      (YAML, docs/profile.md)\n"
	"      --plan FILE.ics a training plan calendar: runs, races, cross-training\n"
	"                      (repeatable; --profile or --plan is required)\n"
	"      --busy FILE.ics busy times: no appointment then (repeatable)\n"
	"      --history PATH  recorded activities: a FIT, GPX or TCX file (.gz too),\n"
	"                      a folder, or a Strava export, zipped or unpacked\n"
	"                      (repeatable)\n"
	"      --from DATE     first day planned, YYYY-MM-DD (default: today)\n"
	"      --weeks N       weeks planned, 1 to 104 (default: 8)\n";
static const char *plan_help =
	"  -v, --verbose       every calendar event with the kind it got and why, and\n"
	"                      the recorded activities of the 4 weeks before the plan\n"
	"      --format F      text (default), json, html (a report) or ics (a\n"
	"                      calendar to import)\n"
	"      --ascii         text without box-drawing characters\n"
	"  -o, --output FILE   write there instead of stdout (replaced whole, or\n"
	"                      left alone on failure)\n";

#define MAX_PATHS 64

typedef struct plan_args {
	const char *profile, *output, *format;
	rd_plan_options opt;
	int ascii;
	int verbose;
	char *history[MAX_PATHS];
	size_t history_count;
	const char *plans[MAX_PATHS], *busy[MAX_PATHS];
	size_t plan_count, busy_count;
} plan_args;

enum { OPT_FROM = 256, OPT_WEEKS, OPT_FORMAT, OPT_ASCII, OPT_HISTORY, OPT_PLAN, OPT_BUSY };

static const struct option long_options[] = {
	{"profile", required_argument, NULL, 'p'},
	{"from", required_argument, NULL, OPT_FROM},
	{"weeks", required_argument, NULL, OPT_WEEKS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"ascii", no_argument, NULL, OPT_ASCII},
	{"history", required_argument, NULL, OPT_HISTORY},
	{"plan", required_argument, NULL, OPT_PLAN},
	{"busy", required_argument, NULL, OPT_BUSY},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int add_path(const char **list, size_t *n, const char *what)
{
	if (*n == MAX_PATHS) {
		cli_error("%s: at most %d files", what, MAX_PATHS);
		return -1;
	}
	list[(*n)++] = optarg;
	return 0;
}

/* Returns -1 on a bad option (after printing why), 1 for --help. */
static int parse(int argc, char **argv, plan_args *a)
{
	memset(a, 0, sizeof *a);
	a->format = "text";
	a->opt = (rd_plan_options){RD_DATE_NONE, 8};
	optind = 1;
	opterr = 1;
	int c;
	while ((c = getopt_long(argc, argv, "p:o:vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'h': return 1;
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
		case 'v': a->verbose = 1; break;
		case OPT_HISTORY:
			if (add_path((const char **)a->history, &a->history_count, "--history"))
				return -1;
			break;
		case OPT_PLAN:
			if (add_path(a->plans, &a->plan_count, "--plan"))
				return -1;
			break;
		case OPT_BUSY:
			if (add_path(a->busy, &a->busy_count, "--busy"))
				return -1;
			break;
		default: return -1;
		}
	}
	if (!a->profile && !a->plan_count) {
		cli_error("--profile or --plan is required");
		return -1;
	}
	const char *formats[] = {"text", "json", "html", "ics"};
	for (size_t i = 0; i < 4; i++)
		if (strcmp(a->format, formats[i]) == 0)
			return 0;
	cli_error("--format: '%s' is not one of text, json, html, ics", a->format);
	return -1;
}

/* -v: every calendar event with the kind it got and why. */
static void on_event(void *ctx, const rd_ical_event *ev)
{
	(void)ctx;
	char date[11];
	rd_date_format(ev->date, date);
	fprintf(stderr, "%s:%lu: %s", ev->file, ev->line, date);
	if (ev->start_min >= 0)
		fprintf(stderr, " %02d:%02d", ev->start_min / 60, ev->start_min % 60);
	fprintf(stderr, " \"%s\": %s", ev->summary, rd_ical_class_name(ev->cls));
	if (ev->cls == RD_EV_RUN)
		fprintf(stderr, " %s", rd_kind_name(ev->kind));
	if (ev->cls == RD_EV_MASSAGE)
		fprintf(stderr, " %s", rd_modality_get(ev->modality)->id);
	if (ev->km > 0)
		fprintf(stderr, " %.1f km", ev->km);
	fprintf(stderr, " (%s)\n", ev->reason ? ev->reason : "");
}

/* The training plans and busy calendars: a file that cannot be used at all
 * stops the command; a bad event in it is a warning. */
static int load_calendars(const plan_args *a, rd_profile *p)
{
	rd_date from = a->opt.from; /* set: today unless --from, or explain's week */
	rd_ical_options o = {from, from + a->opt.weeks * 7 - 1, p->timezone, cli_warn, NULL,
			     a->verbose ? on_event : NULL, NULL};
	for (size_t i = 0; i < a->plan_count + a->busy_count; i++) {
		rd_diag diag = RD_DIAG_INIT;
		int rc = i < a->plan_count ? rd_ical_read_plan(p, a->plans[i], &o, &diag) :
			 rd_ical_read_busy(p, a->busy[i - a->plan_count], &o, &diag);
		if (rc) {
			cli_diag(&diag);
			return -1;
		}
	}
	return 0;
}

/* -v: the usual week the history gave (when the profile has none). */
static void show_usual_week(const rd_profile *p)
{
	for (int d = 0; d < 7; d++) {
		const rd_session *s = &p->week[d];
		if (s->origin && !strcmp(s->origin, "history"))
			fprintf(stderr, "usual week from the history: %s %s (%s, %.1f km, %d min)\n",
				rd_weekday_short(d), rd_kind_name(s->kind), s->title, s->km, s->minutes);
	}
}

/* Activities without a sport in the 4 weeks the rules look back on: they
 * count as cross-training, which the runner should know. */
static void warn_unknown_sport(const char *first, size_t n)
{
	fprintf(stderr, "%s: warning: %zu %s of the 4 weeks before the plan %s no sport "
				"in the file (a GPX without <type>?): counted as cross-training, "
				"not as runs\n", first, n, n == 1 ? "activity" : "activities",
			n == 1 ? "has" : "have");
}

/* The activities of the 4 weeks before the plan, which the frequency rule
 * and the rules that look back see: with show, -v's list of them with
 * their kinds; else the warning for those without a sport.  Returns 0 or
 * a pass's error. */
static int recent(const rd_training *t, rd_date from, int show)
{
	rd_classify_pass *pass = NULL;
	rd_classified c;
	size_t unknown = 0;
	char first[RD_SOURCE_MAX]; /* the first without a sport */
	int rc = rd_training_open(&pass, t, from - 28);
	while (!rc && (rc = rd_classify_next(&c, pass)) > 0) {
		char date[11];
		rc = 0;
		if (c.date >= from)
			continue;
		rd_date_format(c.date, date);
		if (show)
			fprintf(stderr, "%s: %s %s, %s\n", c.act->source, date,
				rd_sport_name(c.act->sport), c.cls.reason);
		if (c.act->sport == RD_SPORT_UNKNOWN && !unknown++)
			snprintf(first, sizeof first, "%s", c.act->source);
	}
	rd_classify_close(pass);
	if (!rc && !show && unknown)
		warn_unknown_sport(first, unknown);
	return rc;
}

/* A history that ends over 4 weeks before the plan tells nothing of the
 * runner's training now: neither the frequency rule nor the usual week
 * come from it. */
static void warn_stale(const rd_training *t, rd_date from)
{
	if (t->last == RD_DATE_NONE || t->last >= from - 28)
		return;
	char last[11];
	rd_date_format(t->last, last);
	fprintf(stderr, "rubdown: warning: the history ends on %s, %lld days before the plan: "
			"it says nothing of your training now (give your usual week in the "
			"profile, a plan calendar, or a newer export)\n",
		last, (long long)(from - t->last));
}

/* The profile, its calendars, and the recorded history (if any) added to
 * it.  A history file that could not be read is a warning; the plan goes on
 * without it. */
static int load(const plan_args *a, rd_profile **p, rd_history **h, rd_training **t)
{
	rd_diag diag = RD_DIAG_INIT;
	*h = NULL;
	*t = NULL;
	if (a->profile ? rd_profile_load(p, a->profile, &diag) : rd_profile_new(p)) {
		if (!a->profile)
			rd_diag_set(&diag, RD_ENOMEM, NULL, 0, 0, "out of memory");
		cli_diag(&diag);
		return -1;
	}
	if (load_calendars(a, *p))
		return -1;
	if (!a->history_count)
		return 0;
	rd_history_stats stats;
	if (cli_read_history(h, (char **)a->history, a->history_count, &stats))
		return -1;
	int rc = rd_training_new(t, *h, *p, &diag);
	if (rc || (rc = rd_profile_add_training(*p, *t, a->opt.from)) ||
	    (rc = recent(*t, a->opt.from, 0))) {
		if (!diag.code)
			rd_diag_set(&diag, rc, NULL, 0, 0, "%s", rc == RD_ENOMEM ? "out of memory" :
				    "cannot read the history");
		cli_diag(&diag);
		return -1;
	}
	warn_stale(*t, a->opt.from);
	if (a->verbose && (rc = recent(*t, a->opt.from, 1))) {
		cli_error("%s", rc == RD_ENOMEM ? "out of memory" : "cannot read the history");
		return -1;
	}
	if (a->verbose)
		show_usual_week(*p);
	return 0;
}

/* The measured load per day for the report's chart: 8 weeks of history. */
static int html(char **out, const rd_plan *plan, const rd_training *t)
{
	rd_load_day *days = NULL;
	size_t n = 0;
	rd_html_options opt = {NULL, 0, 0, {0}};
	if (t && t->count && rd_load_series(&days, &n, &t->acts, t->load, plan->from - 56,
					    plan->to, NULL) == 0) {
		opt.load = days;
		opt.load_count = n;
		opt.history_days = 56;
		rd_training_rates(t, plan->from, opt.per_minute); /* 0 on failure: no estimate */
	}
	int rc = rd_plan_to_html(out, plan, &opt);
	rd_free(days);
	return rc;
}

/* --help: the options both commands read, then the command's own. */
static int help(const char *usage, const char *own)
{
	char text[2048];
	snprintf(text, sizeof text, "%s%s  -h, --help          this text\n", input_help, own);
	return cli_help(usage, text);
}

int cmd_plan(int argc, char **argv)
{
	plan_args a;
	int parsed = parse(argc, argv, &a);
	if (parsed > 0)
		return help(plan_usage, plan_help);
	if (parsed)
		return cli_usage(plan_usage);
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		return cli_usage(plan_usage);
	}
	if (a.opt.from == RD_DATE_NONE) /* today, once for the calendars, -v and the plan */
		a.opt.from = rd_date_today();
	rd_profile *p = NULL;
	rd_history *h = NULL;
	rd_training *t = NULL;
	rd_plan *plan = NULL;
	char *text = NULL;
	rd_diag diag = RD_DIAG_INIT;
	int status = RD_EXIT_FAIL;
	if (load(&a, &p, &h, &t))
		goto done;
	if (rd_plan_make(&plan, p, &a.opt, &diag)) {
		cli_diag(&diag);
		goto done;
	}
	const char *no_color = getenv("NO_COLOR"); /* no-color.org: set and not empty */
	rd_text_options topt = {isatty(STDOUT_FILENO) && !(no_color && *no_color) && !a.output,
				a.ascii};
	rd_ics_options iopt = {p->timezone};
	int rc = strcmp(a.format, "json") == 0 ? rd_plan_to_json(&text, plan) :
		 strcmp(a.format, "html") == 0 ? html(&text, plan, t) :
		 strcmp(a.format, "ics") == 0  ? rd_plan_to_ics(&text, plan, &iopt) :
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
	rd_history_free(h);
	rd_profile_free(p);
	return status;
}

int cmd_explain(int argc, char **argv)
{
	plan_args a;
	int parsed = parse(argc, argv, &a);
	if (parsed > 0)
		return help(explain_usage, "");
	if (parsed)
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
	rd_history *h = NULL;
	rd_training *t = NULL;
	char *text = NULL;
	rd_diag diag = RD_DIAG_INIT;
	int status = RD_EXIT_FAIL;
	if (load(&a, &p, &h, &t))
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
	rd_history_free(h);
	rd_profile_free(p);
	return status;
}
