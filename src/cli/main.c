/* main.c: rubdown COMMAND [options]. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *usage =
	"rubdown plan [--profile FILE] [--plan FILE.ics]... [--busy FILE.ics]...\n"
	"                    [--history PATH]... [--from DATE] [--weeks N] [-v]\n"
	"                    [--format text|json|html|ics] [--ascii] [-o FILE]\n"
	"       rubdown explain [--profile FILE] [--plan FILE.ics]... [--from DATE] DATE\n"
	"       rubdown history [--profile FILE] [--quiet] [--strict] PATH...\n"
	"       rubdown rules\n"
	"       rubdown --version | --help";

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(usage);
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0) {
		printf("rubdown %s\n", RD_VERSION);
		return RD_EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		printf("usage: %s\n\nrubdown plans massages for runners. Not medical advice.\n", usage);
		return RD_EXIT_OK;
	}
	if (strcmp(cmd, "plan") == 0)
		return cmd_plan(argc - 1, argv + 1);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "history") == 0)
		return cmd_history(argc - 1, argv + 1);
	if (strcmp(cmd, "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	cli_error("unknown command '%s'", cmd);
	return cli_usage(usage);
}
