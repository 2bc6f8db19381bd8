// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench [NAME] [--runs N]: options, then bench/ runs it.  The
 * registry, the runner and the output format are bench/runner.c's.
 */
#include <getopt.h>

#include "bench/bench.h"
#include "cli.h"

static int unknown(const char *name)
{
	const char *hint = bench_suggest(name);

	if (hint)
		return cli_usage("bench", "no benchmark '%s' (did you mean '%s'?); 'pagemig bench --list' lists them",
				 name, hint);
	return cli_usage("bench", "no benchmark '%s'; 'pagemig bench --list' lists them",
			 name);
}

/**
 * cmd_bench() - pagemig bench [NAME] [--runs N] [--seed N] [--list]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "bench".
 *
 * Without NAME every registered benchmark runs; with none registered,
 * the (empty) list is printed.
 *
 * Return: CLI_OK, CLI_FAILED if a benchmark failed, or CLI_USAGE.
 */
int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_ctx ctx = {
		.runs = BENCH_DEFAULT_RUNS, .seed = 1, .out = stdout,
	};
	const struct bench *b = NULL;
	bool do_list = false;
	uint64_t v;
	int c;

	while ((c = cli_getopt("bench", argc, argv, opts)) != -1) {
		switch (c) {
		case 'r':
			if (cli_parse_u64(optarg, &v) || !v ||
			    v > BENCH_MAX_RUNS)
				return cli_usage("bench", "--runs: expected an integer 1..%d, got '%s'",
						 BENCH_MAX_RUNS, optarg);
			ctx.runs = v;
			break;
		case 's':
			if (cli_parse_u64(optarg, &ctx.seed))
				return cli_usage("bench", "--seed: expected an integer 0..18446744073709551615, got '%s'",
						 optarg);
			break;
		case 'l':
			do_list = true;
			break;
		case 'v':
			ctx.verbose = true;
			break;
		}
	}
	if (argc - optind > 1)
		return cli_usage("bench", "expected at most one benchmark name, got '%s' and '%s'",
				 argv[optind], argv[optind + 1]);
	if (do_list) {
		bench_list(stdout);
		return CLI_OK;
	}
	if (optind < argc) {
		b = bench_find(argv[optind]);
		if (!b)
			return unknown(argv[optind]);
	}
	return bench_run(b, &ctx) ? CLI_FAILED : CLI_OK;
}
