// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig page-types: the summary table of the kernel's tools/mm/page-types
 * for a kpageflags file, or for the machine a scenario leaves behind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "report/kpageflags.h"
#include "workload/scenario.h"

/*
 * Run @name and read the machine's kpageflags; *@failed says whether a
 * step failed or a page was corrupted (the table is still printed, and
 * the command exits 1).  Return: 0 or CLI_*.
 */
static int from_scenario(const char *name, uint64_t seed, bool seed_given,
			 uint64_t **flags, unsigned long *nr, bool *failed)
{
	unsigned int i;
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	int ret;

	ret = cli_load_scenario("page-types", name, &sc);
	if (ret)
		return ret;
	opts.seed = seed;
	opts.seed_given = seed_given;
	cli_warn_host_memory("page-types", sc->file, &sc->cfg);
	ret = scenario_run_start(&run, sc, &opts, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pagemig page-types: %s\n", err);
		scenario_free(sc);
		return CLI_FAILED;
	}
	*failed = scenario_run_steps(&run) || run.report.failed ||
		  run.report.verify_corrupted;
	for (i = 0; i < run.report.steps_run; i++) {
		const struct step_result *st = &run.report.steps[i];

		if (st->failed) {
			fprintf(stderr, "pagemig page-types: %s: step %u (%s, line %d) failed: %s\n",
				name, i + 1, st->type, st->line,
				st->message ? st->message : "");
			break;
		}
	}
	*nr = pagemig_total_pages();
	*flags = malloc(*nr * sizeof(**flags));
	ret = *flags ? pagemig_kpageflags_read(0, *nr, *flags, NULL) : -ENOMEM;
	scenario_run_finish(&run);
	scenario_free(sc);
	if (ret) {
		fprintf(stderr, "pagemig page-types: %s\n", strerror(-ret));
		return CLI_FAILED;
	}
	return 0;
}

/**
 * cmd_page_types() - pagemig page-types [--raw] [--list] [FILE | --scenario NAME]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "page-types".
 *
 * Return: CLI_OK, CLI_USAGE (bad usage or not a snapshot), CLI_FAILED.
 */
int cmd_page_types(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		{ "scenario", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 's' },
		{ "kernel-6.12", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	struct kpf_page_types_opts o = { 0 };
	const char *scenario = NULL, *file = NULL;
	bool failed = false;
	struct pagemig_snapshot s = { 0 };
	char err[PAGEMIG_ERR_LEN];
	uint64_t seed = 0;
	bool seed_given = false;
	int c, ret;

	while ((c = cli_getopt("page-types", argc, argv, opts)) != -1) {
		switch (c) {
		case 'r':
			o.raw = true;
			break;
		case 'l':
			o.list = true;
			break;
		case 'S':
			scenario = optarg;
			break;
		case 's':
			if (cli_parse_u64(optarg, &seed))
				return cli_usage("page-types", "--seed: expected an integer, got '%s'",
						 optarg);
			seed_given = true;
			break;
		case 'K':
			o.no_uncached = true;
			break;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc)
		return cli_usage("page-types", "unexpected argument '%s'", argv[optind]);
	if (!!file == !!scenario)
		return cli_usage("page-types", "expected a kpageflags file or --scenario NAME (one of them)");
	if (scenario) {
		ret = from_scenario(scenario, seed, seed_given, &s.flags, &s.nr,
				    &failed);
		if (ret)
			return ret;
	} else {
		if (pagemig_snapshot_load(&s, file, NULL, err, sizeof(err))) {
			fprintf(stderr, "pagemig page-types: %s\n", err);
			return CLI_USAGE;
		}
	}
	ret = kpf_page_types(stdout, s.flags, s.nr, &o);
	pagemig_snapshot_free(&s);
	if (ret) {
		fprintf(stderr, "pagemig page-types: %s\n",
			ret == -E2BIG ? "more than 8191 distinct flag words (the kernel tool's hash table is full too)" :
			strerror(-ret));
		return CLI_FAILED;
	}
	return failed ? CLI_FAILED : CLI_OK;
}

const char help_page_types[] =
"usage: pagemig page-types [--raw] [--list] KPAGEFLAGS\n"
"       pagemig page-types [--raw] [--list] --scenario NAME [--seed N]\n"
"\n"
"Print the summary table of the kernel's tools/mm/page-types -- flags, page\n"
"count, MB, symbolic and long symbolic flag names -- in its exact format and\n"
"row order, for a kpageflags file (as 'page-types -F FILE' does) or for the\n"
"machine a scenario leaves behind.\n"
"\n"
"  --raw     keep the kernel-hacking bits and expand overloaded ones (-r)\n"
"  --list    list the page ranges and their flags first (-l)\n"
"  --kernel-6.12  the layout of 6.12's tool, which had no c:uncached column\n"
"  -h, --help     show this page\n"
"\n"
"make page-types-interop builds the kernel's tool from Debian's\n"
"linux-source-6.12 and diffs the two on an exported file.\n";
