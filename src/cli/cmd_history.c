/* cmd_history.c: rubdown history: every activity with its kind and why, and
 * the weekly volume. */
#include "cli.h"
#include "rubdown/training.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *usage =
	"rubdown history [--profile FILE] [--since DATE] [--format text|json] [--quiet]\n"
	"                [--strict] PATH...";
static const char *options =
	"  PATH                a FIT, GPX or TCX file (.gz too), a folder (searched\n"
	"                      recursively), or a Strava export, zipped or unpacked\n"
	"  -p, --profile FILE  hr_max, hr_rest and timezone for the load and the\n"
	"                      dates (YAML, docs/profile.md)\n"
	"      --since DATE    list the activities and weeks from DATE (YYYY-MM-DD)\n"
	"                      on; the whole history still sets the runner's usual\n"
	"                      runs, heart rate and load\n"
	"      --format F      text (default) or json (docs/json.md)\n"
	"  -q, --quiet         only the summary: no activity lines, no weeks\n"
	"      --strict        exit 1 when a file was only partly read, too\n"
	"  -h, --help          this text\n";

static void duration(FILE *b, double s)
{
	if (!isfinite(s) || s <= 0) {
		fputs("    -  ", b);
		return;
	}
	long m = (long)(s / 60 + 0.5);
	fprintf(b, "%2ld:%02ld h", m / 60, m % 60);
}

/* Pace for runs and walks ("  5:43/km"), speed for rides ("24.5 km/h"),
 * 9 characters either way; blank without distance or time. */
static void pace(FILE *b, const rd_activity *a)
{
	double s = rd_activity_duration_s(a), km = a->distance_m / 1000;
	if (isfinite(km) && km > 0 && s > 0) {
		long sec = lround(s / km);
		if (a->sport == RD_SPORT_BIKE) {
			fprintf(b, "%4.1f km/h", km / (s / 3600));
			return;
		}
		if ((rd_sport_is_run(a->sport) || a->sport == RD_SPORT_WALK) && sec < 6000) {
			fprintf(b, "%3ld:%02ld/km", sec / 60, sec % 60);
			return;
		}
	}
	fputs("         ", b);
}

static void activity_line(FILE *b, const rd_classified *c)
{
	const rd_activity *a = c->act;
	char date[11] = "----------";
	rd_date d = c->date;
	if (d != RD_DATE_NONE)
		rd_date_format(d, date);
	fprintf(b, "%s ", date);
	if (a->start_utc != INT64_MIN) {
		int64_t local = a->start_utc + (a->has_utc_offset ? a->utc_offset_s : 0);
		long m = (long)((local % 86400 + 86400) % 86400 / 60);
		fprintf(b, "%02ld:%02ld%s ", m / 60, m % 60, a->has_utc_offset ? "" : "Z");
	} else {
		fputs("--:-- ", b);
	}
	fprintf(b, " %-9s %-5s ", rd_sport_name(a->sport), rd_run_kind_name(c->cls.kind));
	if (isfinite(a->distance_m) && a->distance_m > 0)
		fprintf(b, "%6.1f km ", a->distance_m / 1000);
	else
		fputs("     - km ", b);
	duration(b, isfinite(a->moving_s) && a->moving_s > 0 ? a->moving_s : a->elapsed_s);
	fputc(' ', b);
	pace(b, a);
	if (a->avg_hr > 0)
		fprintf(b, " %3d bpm", a->avg_hr);
	else
		fputs("   - bpm", b);
	fprintf(b, " load %5.0f  %s  %s%s\n", c->load.trimp, c->cls.reason,
		      a->source, a->status == RD_READ_PARTIAL ? " (partial)" : "");
}

/* Weekly volume, every week from the first activity to the last.  A rest
 * week or three shows as such; this many empty weeks in a row or more (a
 * season off, or a gap between old and new files) print as one line. */
#define GAP_WEEKS 4

static void weeks(FILE *b, const rd_training *t, rd_date since)
{
	rd_week *w = NULL;
	size_t n = 0;
	rd_date first = since != RD_DATE_NONE && since > t->first ? since : t->first;
	if (t->first == RD_DATE_NONE || first > t->last ||
	    rd_load_weeks(&w, &n, &t->acts, t->load, first, t->last, NULL))
		return;
	fputs("\nWeek       sessions runs      km   hours   load\n", b);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && w[j].sessions == 0)
			j++;
		if (j - i >= GAP_WEEKS) {
			fprintf(b, "%04d-W%02d .. %04d-W%02d  no activities (%zu weeks)\n",
				w[i].iso_year, w[i].iso_week, w[j - 1].iso_year, w[j - 1].iso_week,
				j - i);
			i = j;
			continue;
		}
		fprintf(b, "%04d-W%02d   %5d %5d %7.1f %7.1f %6.0f\n", w[i].iso_year,
			      w[i].iso_week, w[i].sessions, w[i].runs, w[i].km, w[i].hours, w[i].load);
		i++;
	}
	rd_free(w);
}

/* rd_json_write_fn to standard output: the JSON streams out as it is
 * made, one activity at a time, so it never sits whole in memory. */
static int to_stdout(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	return fwrite(s, 1, n, stdout) != n;
}

/* The usual week the planner would take from the history for a plan
 * starting the day after it (rd_profile_add_training on an empty profile). */
static void usual_week(FILE *b, const rd_training *t)
{
	rd_profile *p = NULL;
	char week[128] = "";
	if (t->last != RD_DATE_NONE && rd_profile_new(&p) == 0 &&
	    rd_profile_add_training(p, t, t->last + 1) == 0)
		rd_profile_usual_week_words(p, week, sizeof week);
	rd_profile_free(p);
	if (week[0])
		fprintf(b, "usual week in the history: %s; other days rest (a plan takes it "
			   "when the profile gives no week)\n", week);
}

/* Returns 0 or a pass's error. */
static int summary(FILE *b, const rd_training *t, const rd_history_stats *s)
{
	fprintf(b, "\n%zu %s; files: %zu ok, %zu partial, %zu rejected; "
		      "%zu %s dropped; %zu from activities.csv alone\n",
		      t->count, t->count == 1 ? "activity" : "activities", s->files_ok,
		      s->files_partial, s->files_rejected, s->duplicates,
		      s->duplicates == 1 ? "duplicate" : "duplicates", s->csv_only);
	if (t->load->hr_max > 0)
		fprintf(b, "heart rate: max %d (%s), rest %d (%s)\n", t->load->hr_max,
			rd_hr_source_name(t->load->hr_max_source), t->load->hr_rest,
			rd_hr_source_name(t->load->hr_rest_source));
	if (t->load->hr_max_seen > 0)
		fprintf(b, "  no run came near your maximum (highest %s %d), so "
			   "the max puts your median run at 75%% of your heart-rate reserve; give "
			   "hr_max in the profile\n", t->load->hr_max_summary ?
			"maximum heart rate in the summaries" : "2-minute heart rate",
			t->load->hr_max_seen);
	if (t->load->hr_max <= 0) /* no recorded heart rate and none in the profile */
		fprintf(b, "heart rate: max unknown (no heart-rate data; give hr_max in the "
			   "profile), rest %d (%s); load from pace or duration\n",
			t->load->hr_rest, rd_hr_source_name(t->load->hr_rest_source));
	rd_load_day f;
	if (rd_training_form(t, &f) == 0) {
		char date[11];
		rd_date_format(f.date, date);
		fprintf(b, "on %s, the last day: fitness %ld, fatigue %ld, form %+ld "
			   "(42- and 7-day load averages; docs/load.md)\n",
			date, lround(f.fitness), lround(f.fatigue), lround(f.form));
	}
	usual_week(b, t);
	size_t unknown = 0;
	void *pass = t->acts.open(&t->acts, INT64_MIN);
	const rd_activity *act;
	int rc = !pass ? RD_ENOMEM : 0;
	while (pass && (act = t->acts.next(pass, &rc)))
		unknown += act->sport == RD_SPORT_UNKNOWN;
	t->acts.close(pass);
	if (rc)
		return rc;
	if (unknown)
		fprintf(b, "%zu %s no sport in the file (a GPX without <type>?): counted as "
			   "cross-training, not as runs\n", unknown,
			unknown == 1 ? "activity has" : "activities have");
	return 0;
}

/* Every activity from `since` on, a line each.  Returns 0 or a pass's
 * error. */
static int activities(FILE *b, const rd_training *t, rd_date since)
{
	rd_classify_pass *pass = NULL;
	rd_classified c;
	int rc = rd_training_open(&pass, t, since);
	while (!rc && (rc = rd_classify_next(&c, pass)) > 0) {
		activity_line(b, &c);
		rc = 0;
	}
	rd_classify_close(pass);
	return rc;
}

typedef struct history_args {
	const char *profile, *format;
	int quiet, strict;
	rd_date since; /* RD_DATE_NONE: everything */
} history_args;

/* Returns -1 on a bad option or no PATH (after saying why), 1 for --help. */
static int parse(int argc, char **argv, history_args *a)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"strict", no_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"since", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*a = (history_args){NULL, "text", 0, 0, RD_DATE_NONE};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:qh", opts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == 'p')
			a->profile = optarg;
		else if (c == 'q')
			a->quiet = 1;
		else if (c == 's')
			a->strict = 1;
		else if (c == 'S') {
			if (cli_date("--since", optarg, &a->since))
				return -1;
		} else if (c == 'f' && (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0))
			a->format = optarg;
		else if (c == 'f') {
			cli_error("--format: '%s' is not one of text, json", optarg);
			return -1;
		} else
			return -1;
	}
	if (optind >= argc) {
		cli_error("history needs at least one PATH");
		return -1;
	}
	return 0;
}

int cmd_history(int argc, char **argv)
{
	history_args a;
	int parsed = parse(argc, argv, &a);
	if (parsed > 0)
		return cli_help(usage, options);
	if (parsed)
		return cli_usage(usage);
	rd_profile *p = NULL;
	rd_history *h = NULL;
	rd_training *t = NULL;
	rd_history_stats stats;
	rd_diag diag = RD_DIAG_INIT;
	int status = RD_EXIT_FAIL;
	if (a.profile && rd_profile_load(&p, a.profile, &diag)) {
		cli_diag(&diag);
		goto done;
	}
	if (cli_read_history(&h, argv + optind, (size_t)(argc - optind), &stats))
		goto done;
	if (rd_training_new(&t, h, p, &diag)) {
		cli_diag(&diag);
		goto done;
	}
	if (strcmp(a.format, "json") == 0) {
		int rc = rd_training_write_json(t, a.since, to_stdout, NULL);
		if (rc) {
			cli_error("%s", rc == RD_ENOMEM ? "out of memory" : "cannot write the output");
			goto done;
		}
	} else {
		int rc = a.quiet ? 0 : activities(stdout, t, a.since);
		if (!rc && !a.quiet)
			weeks(stdout, t, a.since);
		if (rc || (rc = summary(stdout, t, &stats))) {
			cli_error("%s", rc == RD_ENOMEM ? "out of memory" : "cannot read the history");
			goto done;
		}
	}
	if (fflush(stdout)) {
		cli_error("cannot write the output");
		goto done;
	}
	status = stats.files_rejected || (a.strict && stats.files_partial) || !t->count ?
			 RD_EXIT_FAIL : RD_EXIT_OK;
	if (!t->count)
		cli_error("no activity could be read");
done:
	rd_training_free(t);
	rd_history_free(h);
	rd_profile_free(p);
	return status;
}
