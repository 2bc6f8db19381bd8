// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig scenarios [show NAME | steps]: what is built in, and the YAML
 * of each built-in as a starting point for your own.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "workload/scenario.h"

static int list(void)
{
	const struct builtin_scenario *b;
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;
	int ret = CLI_OK;

	for (b = builtin_scenarios; b->name; b++) {
		if (scenario_load_builtin(b->name, &sc, err, sizeof(err))) {
			/* A broken built-in is our bug; still list the rest. */
			printf("%-12s (does not load: %s)\n", b->name, err);
			ret = CLI_FAILED;
			continue;
		}
		printf("%-12s %s\n", b->name, sc->description);
		scenario_free(sc);
	}
	return ret;
}

static int unknown(const char *name)
{
	const char *hint = scenario_builtin_suggest(name);

	if (hint)
		return cli_usage("scenarios", "no built-in scenario '%s' (did you mean '%s'?)",
				 name, hint);
	return cli_usage("scenarios", "no built-in scenario '%s'; 'pagemig scenarios' lists them",
			 name);
}

static int show(const char *name)
{
	const struct builtin_scenario *b = scenario_builtin(name);

	if (!b)
		return unknown(name);
	fwrite(b->text, 1, b->size, stdout);
	return CLI_OK;
}

static int steps(void)
{
	unsigned int i, n = scenario_step_type_count();

	for (i = 0; i < n; i++)
		printf("%-10s %s\n", scenario_step_type_name(i),
		       scenario_step_type_help(i));
	return CLI_OK;
}

/**
 * cmd_scenarios() - pagemig scenarios [show NAME | steps]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "scenarios".
 *
 * Return: CLI_OK, CLI_FAILED if a built-in does not load, or CLI_USAGE.
 */
int cmd_scenarios(int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	static const char *const subs[] = { "show", "steps", NULL };
	const char *hint;

	while (cli_getopt("scenarios", argc, argv, opts) != -1)
		;
	argc -= optind;
	argv += optind;
	if (!argc)
		return list();
	if (!strcmp(argv[0], "show")) {
		if (argc != 2)
			return cli_usage("scenarios", "'show' takes one built-in scenario name");
		return show(argv[1]);
	}
	if (!strcmp(argv[0], "steps")) {
		if (argc != 1)
			return cli_usage("scenarios", "'steps' takes no arguments");
		return steps();
	}
	hint = scenario_suggest(argv[0], subs);
	if (hint)
		return cli_usage("scenarios", "unknown subcommand '%s' (did you mean '%s'?)",
				 argv[0], hint);
	if (scenario_builtin(argv[0]))
		return cli_usage("scenarios", "unknown subcommand '%s'; to print it, use 'pagemig scenarios show %s'",
				 argv[0], argv[0]);
	return cli_usage("scenarios", "unknown subcommand '%s', expected 'show NAME' or 'steps'",
			 argv[0]);
}
