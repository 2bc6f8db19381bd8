// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench [NAME] [--runs N]: the benchmark dispatcher.
 *
 * Benchmarks register themselves (bench.h); this file keeps them in a
 * list sorted by name, runs one or all of them, and owns the one output
 * format:
 *
 *	NAME.METRIC MEDIAN UNIT (N runs, spread S%)
 *
 * where spread is (max - min) / median over the runs.  Figures are
 * medians because a single slow run (a page fault, a migrated thread)
 * says nothing about the code under test.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "bench.h"
#include "cli.h"
#include "workload/scenario.h"

static struct bench *benches;

/**
 * bench_register() - Add a benchmark to `pagemig bench`.
 * @b: the benchmark; must live as long as the program.
 *
 * Context: called from constructors, before main().  Keeps the list
 * sorted by name so listing and running order do not depend on link
 * order.
 */
void bench_register(struct bench *b)
{
	struct bench **pp = &benches;

	while (*pp && strcmp((*pp)->name, b->name) < 0)
		pp = &(*pp)->next;
	b->next = *pp;
	*pp = b;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/**
 * bench_report() - Print one figure: its median over runs, and spread.
 * @ctx: the benchmark context.
 * @bench: the benchmark's name ("alloc").
 * @metric: what was measured ("order0_pair").
 * @values: one value per run; not modified.
 * @n: number of values, 1..BENCH_MAX_RUNS.
 * @unit: the unit ("ns", "pages/s").
 */
void bench_report(const struct bench_ctx *ctx, const char *bench,
		  const char *metric, const double *values, unsigned int n,
		  const char *unit)
{
	double v[BENCH_MAX_RUNS], median, spread;

	if (!n || n > BENCH_MAX_RUNS)
		return;
	memcpy(v, values, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	median = n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	spread = median ? (v[n - 1] - v[0]) / median * 100 : 0;
	fprintf(ctx->out, "%s.%s %.4g %s (%u run%s, spread %.1f%%)\n", bench,
		metric, median, unit, n, n == 1 ? "" : "s", spread);
	fflush(ctx->out);
}

static void list(FILE *f)
{
	const struct bench *b;

	if (!benches) {
		fprintf(f, "no benchmarks are built into this pagemig\n");
		return;
	}
	for (b = benches; b; b = b->next)
		fprintf(f, "%-12s %s\n", b->name, b->desc);
}

/* What a figure depends on, so results can be compared across runs. */
static void print_header(const struct bench_ctx *ctx)
{
	fprintf(ctx->out, "# pagemig %s, seed %llu, %u runs per figure, gcc %s\n",
		pagemig_version(), (unsigned long long)ctx->seed, ctx->runs,
		__VERSION__);
}

static int run_one(const struct bench *b, const struct bench_ctx *ctx)
{
	int ret = b->fn(ctx);

	if (ret) {
		fprintf(stderr, "pagemig bench: %s failed: %s\n", b->name,
			strerror(ret < 0 ? -ret : ret));
		return CLI_FAILED;
	}
	return CLI_OK;
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const longs[] = {
		"runs", "seed", "list", "verbose", "help", NULL
	};
	struct bench_ctx ctx = {
		.runs = BENCH_DEFAULT_RUNS, .seed = 1, .out = stdout,
	};
	const char *names[64], *hint;
	const struct bench *b;
	bool do_list = false;
	unsigned int i = 0;
	uint64_t v;
	int c, ret = CLI_OK;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":r:s:lvh", opts, NULL)) != -1) {
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
		case 'h':
			cli_print_help("bench", stdout);
			return CLI_OK;
		default:
			return cli_bad_option("bench", argc, argv, c, longs);
		}
	}
	if (argc - optind > 1)
		return cli_usage("bench", "expected at most one benchmark name, got '%s' and '%s'",
				 argv[optind], argv[optind + 1]);
	if (do_list || (!benches && optind == argc)) {
		list(stdout);
		return CLI_OK;
	}
	if (optind == argc) {
		print_header(&ctx);
		for (b = benches; b; b = b->next)
			if (run_one(b, &ctx))
				ret = CLI_FAILED;
		return ret;
	}
	for (b = benches; b; b = b->next) {
		if (!strcmp(b->name, argv[optind])) {
			print_header(&ctx);
			return run_one(b, &ctx);
		}
	}
	for (b = benches; b && i < 63; b = b->next)
		names[i++] = b->name;
	names[i] = NULL;
	hint = scenario_suggest(argv[optind], names);
	if (hint)
		return cli_usage("bench", "no benchmark '%s' (did you mean '%s'?); 'pagemig bench --list' lists them",
				 argv[optind], hint);
	return cli_usage("bench", "no benchmark '%s'; 'pagemig bench --list' lists them",
			 argv[optind]);
}
