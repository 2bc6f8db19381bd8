// SPDX-License-Identifier: GPL-2.0
/*
 * Set-up the benchmarks share: building a machine, and the 4 KiB memcpy
 * baseline that "pages per second" figures are read against.  The output
 * is the runner's (runner.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "bench.h"

/**
 * bench_machine() - Build a machine of @memory bytes and @cpus CPUs.
 * @ctx: the benchmark context (its seed).
 * @memory: bytes.
 * @cpus: CPUs.
 *
 * Return: 0, or what pagemig_machine_init() returned (said on stderr).
 */
int bench_machine(const struct bench_ctx *ctx, uint64_t memory,
		  unsigned int cpus)
{
	return bench_machine_core(ctx, memory, cpus, PAGEMIG_MOVABLE_OPS_DEFAULT);
}

const enum pagemig_movable_ops bench_cores[BENCH_NR_CORES] = {
	PAGEMIG_MOVABLE_OPS_6_17, PAGEMIG_MOVABLE_OPS_DECOUPLED,
};
/* As figure-name suffixes: migrate_rate_6_17, migrate_rate_decoupled. */
const char *const bench_core_names[BENCH_NR_CORES] = { "6_17", "decoupled" };

/**
 * bench_machine_core() - bench_machine() with a given movable_ops core.
 * @ctx: the benchmark context (its seed).
 * @memory: bytes.
 * @cpus: CPUs.
 * @core: the movable_ops core (machine option movable_ops).
 *
 * Return: 0, or what pagemig_machine_init() returned (said on stderr).
 */
int bench_machine_core(const struct bench_ctx *ctx, uint64_t memory,
		       unsigned int cpus, enum pagemig_movable_ops core)
{
	struct pagemig_config cfg;
	char err[256] = "";
	int ret;

	pagemig_config_default(&cfg);
	cfg.memory = memory;
	cfg.nr_cpus = cpus;
	cfg.seed = ctx->seed;
	cfg.movable_ops = core;
	ret = pagemig_machine_init(&cfg, err, sizeof(err));
	if (ret)
		fprintf(stderr, "pagemig bench: machine: %s\n",
			err[0] ? err : strerror(-ret));
	return ret;
}

/**
 * bench_memcpy_4k_rate() - This machine's 4 KiB memcpy rate.
 *
 * What migrating a page with data costs at least: copy 4 KiB pages
 * between two 64 MiB buffers (larger than the caches, as an arena is),
 * in a scattered order, the way compaction visits pages.
 *
 * Return: pages copied per second, or 0 if the buffers could not be had.
 */
double bench_memcpy_4k_rate(void)
{
	enum { PAGES = 16384, PAGE = 4096 };
	unsigned long i, j, rounds = 4;
	char *src, *dst;
	double t0, t;

	src = aligned_alloc(PAGE, (size_t)PAGES * PAGE);
	dst = aligned_alloc(PAGE, (size_t)PAGES * PAGE);
	if (!src || !dst) {
		free(src);
		free(dst);
		return 0;
	}
	memset(src, 0x5a, (size_t)PAGES * PAGE);
	memset(dst, 0, (size_t)PAGES * PAGE);
	t0 = ktime_get_ns();
	for (j = 0; j < rounds; j++) {
		/* An odd stride visits every page once, out of order. */
		for (i = 0; i < PAGES; i++) {
			unsigned long s = (i * 4099 + j) % PAGES;
			unsigned long d = (i * 8191 + 3 * j) % PAGES;

			memcpy(dst + d * PAGE, src + s * PAGE, PAGE);
		}
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	t = ktime_get_ns() - t0;
	free(src);
	free(dst);
	return t > 0 ? PAGES * rounds / (t / 1e9) : 0;
}
