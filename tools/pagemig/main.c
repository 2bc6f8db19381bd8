// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig: the command-line tool.  main() handles the global options and
 * hands the rest to a command; each command parses its own options and
 * prints its own --help, so `pagemig help CMD`, `pagemig CMD --help` and
 * `man`-style reading all show the same page (cmd_help.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "workload/scenario.h"

const struct command commands[] = {
	{ "run", "build a machine, run a scenario, print the report",
	  cmd_run, help_run },
	{ "scenarios", "list the built-in scenarios, or print one as YAML",
	  cmd_scenarios, help_scenarios },
	{ "bench", "run the benchmarks and print one figure a line",
	  cmd_bench, help_bench },
	{ "import", "build a machine from a /proc/kpageflags snapshot and analyse it",
	  cmd_import, help_import },
	{ "page-types", "the page-types summary of a kpageflags file or a scenario",
	  cmd_page_types, help_page_types },
	{ "capture", "write this machine's memory state, before and after compact_memory",
	  cmd_capture, help_capture },
	{ "help", "show the manual page of pagemig or of one command",
	  cmd_help, help_help },
	{ NULL },
};

/**
 * command_find() - Look a command up by name.
 * @name: the command's name.
 *
 * Return: the command, or NULL.
 */
const struct command *command_find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/**
 * cli_usage() - Report a usage error with a pointer to the right help.
 * @cmd: the command ("run"), or NULL for pagemig itself.
 * @fmt: printf format of the problem.
 *
 * Return: CLI_USAGE, for "return cli_usage(...)".
 */
int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pagemig%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'pagemig%s%s --help' for more information.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return CLI_USAGE;
}

/**
 * cli_bad_option() - Explain what getopt_long() did not like.
 * @cmd: the command.
 * @argc: its argc.
 * @argv: its argv.
 * @c: what getopt_long() returned: '?' (unknown) or ':' (no value).
 * @longs: NULL-terminated long option names, for "did you mean".
 *
 * Context: getopt_long() ran with opterr = 0 and a ':'-led optstring.
 * Return: CLI_USAGE.
 */
int cli_bad_option(const char *cmd, int argc, char **argv, int c,
		   const char *const *longs)
{
	const char *opt = optind > 0 && optind <= argc ? argv[optind - 1] :
			  "?";
	char name[64];
	const char *hint;

	if (c == ':')
		return cli_usage(cmd, "option '%s' needs a value", opt);
	if (optopt && !(opt[0] == '-' && opt[1] == '-'))
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	snprintf(name, sizeof(name), "%s", opt + 2);
	name[strcspn(name, "=")] = '\0';
	hint = scenario_suggest(name, longs);
	if (hint)
		return cli_usage(cmd, "unknown option '%s' (did you mean '--%s'?)",
				 opt, hint);
	return cli_usage(cmd, "unknown option '%s'", opt);
}

/**
 * cli_parse_u64() - Parse a whole decimal (or 0x hex) unsigned number.
 * @s: the text.
 * @out: the value.
 *
 * Return: 0, or -1 if @s is not entirely a number in range.
 */
int cli_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ?
		     16 : 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static void short_usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: pagemig <command> [options]\n\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nTry 'pagemig --help' or 'pagemig help <command>'.\n");
}

int main(int argc, char **argv)
{
	const char *names[16], *hint;
	const struct command *c;
	int i = 0;

	if (argc < 2) {
		short_usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_help(NULL, stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("pagemig %s (%s)\n", pagemig_version(), pagemig_build_id());
		return CLI_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage(NULL, "unknown option '%s'; options come after the command, as in 'pagemig run --seed 7'",
				 argv[1]);
	c = command_find(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	for (c = commands; c->name && i < 15; c++)
		names[i++] = c->name;
	names[i] = NULL;
	hint = scenario_suggest(argv[1], names);
	if (hint)
		return cli_usage(NULL, "unknown command '%s' (did you mean '%s'?)",
				 argv[1], hint);
	return cli_usage(NULL, "unknown command '%s'", argv[1]);
}
