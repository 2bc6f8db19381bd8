/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmarks: `pagemig bench`.  bench/ owns the registry, the runner and
 * the one output format (runner.c); the CLI only parses options and calls
 * bench_run().  A benchmark (bench/<name>.c, linked into the CLI) defines
 * a struct bench and registers it:
 *
 *	static int bench_alloc(const struct bench_ctx *ctx)
 *	{
 *		double ns[BENCH_MAX_RUNS];
 *
 *		bench_config(ctx, "alloc", "1 GiB machine, %d CPUs", CPUS);
 *		for (unsigned int r = 0; r < ctx->runs; r++)
 *			ns[r] = ...one timed run, with ktime_get_ns()...;
 *		bench_report(ctx, "alloc", "order0_pair", ns, ctx->runs, "ns");
 *		return 0;
 *	}
 *
 *	static struct bench alloc_bench = {
 *		.name = "alloc",
 *		.desc = "order-0 and order-9 allocation + free latency",
 *		.fn = bench_alloc,
 *	};
 *	BENCH_REGISTER(alloc_bench);
 *
 * Registration runs from a constructor, so the runner needs no list of
 * benchmarks.  The object must be linked into the binary directly: an
 * archive member nothing refers to would be dropped by the linker,
 * constructor and all.
 */
#ifndef _PAGEMIG_BENCH_H
#define _PAGEMIG_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

#include "lib/ktime.h"

#define BENCH_DEFAULT_RUNS	5
#define BENCH_MAX_RUNS		1000

struct bench_ctx {
	unsigned int runs;	/* timed runs per figure, >= 1 */
	uint64_t seed;		/* printed in the header; seed every run */
	bool verbose;
	FILE *out;		/* figures go here, one a line */
};

struct bench {
	const char *name;	/* what `pagemig bench NAME` selects */
	const char *desc;	/* one line */
	/*
	 * Build what it needs (a machine: and tear it down), time
	 * ctx->runs runs, print figures with bench_report().  Return 0 or
	 * -errno; print why on stderr.
	 */
	int (*fn)(const struct bench_ctx *ctx);
	struct bench *next;	/* registry link, owned by bench_register() */
};

void bench_register(struct bench *b);

#define BENCH_REGISTER(b)						\
	static void __attribute__((constructor)) bench_register_##b(void) \
	{								\
		bench_register(&(b));					\
	}

/* For benchmarks: the output (runner.c) and shared set-up (common.c). */
void bench_config(const struct bench_ctx *ctx, const char *name,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void bench_report(const struct bench_ctx *ctx, const char *bench,
		  const char *metric, const double *values, unsigned int n,
		  const char *unit);
/* The two movable_ops cores, in the order the benchmarks run them. */
#define BENCH_NR_CORES	2
extern const enum pagemig_movable_ops bench_cores[BENCH_NR_CORES];
extern const char *const bench_core_names[BENCH_NR_CORES];
int bench_machine_core(const struct bench_ctx *ctx, uint64_t memory,
		       unsigned int cpus, enum pagemig_movable_ops core);
int bench_machine(const struct bench_ctx *ctx, uint64_t memory,
		  unsigned int cpus);
double bench_memcpy_4k_rate(void);

/* For the CLI (runner.c). */
const struct bench *bench_find(const char *name);
const char *bench_suggest(const char *name);
void bench_list(FILE *f);
int bench_run(const struct bench *b, const struct bench_ctx *ctx);

#endif /* _PAGEMIG_BENCH_H */
