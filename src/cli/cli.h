/* cli.h: what the commands share: exit statuses, messages, output files. */
#ifndef RD_CLI_H
#define RD_CLI_H

#include "rubdown/rubdown.h"

enum rd_exit {
	RD_EXIT_OK = 0,
	RD_EXIT_FAIL = 1,  /* bad input, or the command could not do its job */
	RD_EXIT_USAGE = 2  /* bad options */
};

/* "rubdown: " + message to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* Prints a diagnostic as path:line:col: error: message. */
void cli_diag(const rd_diag *diag);
/* A warning callback: path:line:col: warning: message on stderr. */
void cli_warn(void *ctx, const rd_diag *warning);
/* Prints the usage line of a command and returns RD_EXIT_USAGE. */
int cli_usage(const char *usage);
/* -h, --help: the usage line and what each option means, on stdout;
 * returns RD_EXIT_OK. */
int cli_help(const char *usage, const char *options);
/* Writes text to path ("-" or NULL: stdout) through a temporary file and a
 * rename, so a failed write never leaves half a file. */
int cli_write(const char *path, const char *text);
/* Parses --from / a DATE argument; prints the error itself. */
int cli_date(const char *what, const char *s, rd_date *out);
/* Parses a whole number in [lo, hi]; prints the error itself. */
int cli_int(const char *what, const char *s, int lo, int hi, int *out);

/* Reads history paths (files, folders, exports) with warnings on stderr and
 * a progress bar on a terminal; fills stats.  Returns -1 (after printing why)
 * when a path cannot be read at all. */
int cli_read_history(rd_history **out, char **paths, size_t n, rd_history_stats *stats);

int cmd_plan(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_rules(int argc, char **argv);

#endif
