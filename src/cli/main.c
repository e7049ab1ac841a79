/* main.c: rubdown COMMAND [options]. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *usage =
	"rubdown plan [--profile FILE] [--plan FILE.ics]... [--busy FILE.ics]...\n"
	"                    [--history PATH]... [--from DATE] [--weeks N] [-v]\n"
	"                    [--format text|json|html|ics] [--ascii] [-o FILE]\n"
	"       rubdown explain [--profile FILE] [--plan FILE.ics]... [--busy FILE.ics]...\n"
	"                    [--history PATH]... [--from DATE] [--weeks N] DATE\n"
	"       rubdown history [--profile FILE] [--format text|json] [--quiet] [--strict] PATH...\n"
	"       rubdown rules\n"
	"       rubdown COMMAND --help | help COMMAND\n"
	"       rubdown --version | --help";

/* Runs command argv[0] with its options. */
static int run(int argc, char **argv)
{
	const char *cmd = argv[0];
	if (strcmp(cmd, "plan") == 0)
		return cmd_plan(argc, argv);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc, argv);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(argc, argv);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(argc, argv);
	cli_error("unknown command '%s'", cmd);
	return cli_usage(usage);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(usage);
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0) {
		printf("rubdown %s\n", RD_VERSION);
		return RD_EXIT_OK;
	}
	if (strcmp(cmd, "help") == 0 && argc == 3) { /* help COMMAND: COMMAND --help */
		char dash_help[] = "--help";
		char *args[] = {argv[2], dash_help, NULL};
		return run(2, args);
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		printf("usage: %s\n\nrubdown plans massages for runners. Not medical advice.\n", usage);
		return RD_EXIT_OK;
	}
	return run(argc - 1, argv + 1);
}
