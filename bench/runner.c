// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark runner: the registry that BENCH_REGISTER() fills, running
 * one benchmark or all of them, and the one output format.  First a
 * header saying what the figures depend on, then per benchmark its
 * configuration line and one figure a line:
 *
 *	# pagemig VERSION (BUILD), seed N, R runs per figure, gcc X
 *	# NAME: what it sets up; seed N; pagemig VERSION (BUILD); gcc X; kind
 *	NAME.METRIC MEDIAN UNIT (N runs, spread S%)
 *
 * where BUILD is the git revision and spread is (max - min) / median
 * over the runs.  Figures are medians because a single slow run (a page
 * fault, a migrated thread) says nothing about the code under test.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <generated/autoconf.h>
#include <pagemig/pagemig.h>

#include "bench.h"
#include "workload/scenario.h"

#define BENCH_MAX_NAMES	64

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

/**
 * bench_find() - Look a benchmark up by name.
 * @name: the name, as `pagemig bench NAME` gives it.
 *
 * Return: the benchmark, or NULL.
 */
const struct bench *bench_find(const char *name)
{
	const struct bench *b;

	for (b = benches; b; b = b->next)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/**
 * bench_suggest() - The registered name closest to a mistyped one.
 * @name: what was asked for.
 *
 * Return: a benchmark's name, or NULL if none is close.
 */
const char *bench_suggest(const char *name)
{
	const char *names[BENCH_MAX_NAMES];
	const struct bench *b;
	unsigned int i = 0;

	for (b = benches; b && i < BENCH_MAX_NAMES - 1; b = b->next)
		names[i++] = b->name;
	names[i] = NULL;
	return scenario_suggest(name, names);
}

/**
 * bench_list() - Print every benchmark's name and description.
 * @f: where to.
 */
void bench_list(FILE *f)
{
	const struct bench *b;

	if (!benches) {
		fprintf(f, "no benchmarks are built into this pagemig\n");
		return;
	}
	for (b = benches; b; b = b->next)
		fprintf(f, "%-12s %s\n", b->name, b->desc);
}

/* What the figures depend on besides the code: said once per bench. */
static const char *build_kind(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return "sanitizer build: figures are not comparable";
#elif defined(CONFIG_DEBUG_VM)
	return "DEBUG_VM build: figures are not comparable";
#elif defined(__OPTIMIZE__)
	return "optimized, no DEBUG_VM, no sanitizers";
#else
	return "-O0 build: figures are not comparable";
#endif
}

/**
 * bench_config() - Print a benchmark's configuration line.
 * @ctx: the benchmark context.
 * @name: the benchmark.
 * @fmt: printf format of what it sets up.
 */
void bench_config(const struct bench_ctx *ctx, const char *name,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->out, "# %s: ", name);
	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
	fprintf(ctx->out, "; seed %llu; pagemig %s (%s); gcc %s; %s\n",
		(unsigned long long)ctx->seed, pagemig_version(),
		pagemig_build_id(), __VERSION__, build_kind());
	fflush(ctx->out);
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

static int run_one(const struct bench *b, const struct bench_ctx *ctx)
{
	int ret = b->fn(ctx);

	if (ret)
		fprintf(stderr, "pagemig bench: %s failed: %s\n", b->name,
			strerror(ret < 0 ? -ret : ret));
	return ret < 0 ? ret : ret ? -EIO : 0;
}

/**
 * bench_run() - Run one benchmark, or all, under a header line.
 * @b: the benchmark (from bench_find()), or NULL for every one.
 * @ctx: runs, seed and where the figures go.
 *
 * With @b NULL and no benchmark built in, prints the (empty) list.  A
 * benchmark that fails is named on stderr with its error; the others
 * still run.
 *
 * Return: 0, or the -errno of the last benchmark that failed.
 */
int bench_run(const struct bench *b, const struct bench_ctx *ctx)
{
	int err, ret = 0;

	if (!b && !benches) {
		bench_list(ctx->out);
		return 0;
	}
	fprintf(ctx->out, "# pagemig %s (%s), seed %llu, %u runs per figure, gcc %s\n",
		pagemig_version(), pagemig_build_id(),
		(unsigned long long)ctx->seed, ctx->runs, __VERSION__);
	if (b)
		return run_one(b, ctx);
	for (b = benches; b; b = b->next) {
		err = run_one(b, ctx);
		if (err)
			ret = err;
	}
	return ret;
}
