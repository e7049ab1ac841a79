/* cmd_rules.c: rubdown rules: the knowledge base, with its parameters. */
#include "cli.h"

#include <string.h>

int cmd_rules(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_help("rubdown rules", "  every rule of the knowledge base: its id, what it does, its\n"
					     "  parameters and their values, and its source\n");
	if (argc > 1)
		return cli_usage("rubdown rules");
	rd_params params;
	rd_params_default(&params);
	char *text = NULL;
	if (rd_rules_to_text(&text, &params)) {
		cli_error("out of memory");
		return RD_EXIT_FAIL;
	}
	int rc = cli_write(NULL, text);
	rd_free(text);
	return rc ? RD_EXIT_FAIL : RD_EXIT_OK;
}
