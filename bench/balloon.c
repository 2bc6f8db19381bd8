// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench balloon: compaction of balloon pages scattered through
 * memory (issue 3's figures).
 *
 * A 4 GiB machine is filled with order-0 movable pages, a random 1 in 8
 * of them is freed, the virtio balloon inflates into those holes, and the
 * rest of the fill is freed: balloon pages now sit in every pageblock, as
 * in the built-in `balloon` scenario.  Then one full compaction
 * (pagemig_compact(-1)) is timed.
 *
 *	balloon.pages_migrated		pgmigrate_success delta (all balloon),
 *					thousands
 *	balloon.migrate_rate		pages migrated per second of compaction
 *	balloon.migrate_vs_memcpy	that rate over this machine's 4 KiB
 *					memcpy rate (a balloon page moves no
 *					data, so this may exceed 1)
 *	balloon.migrate_rate_6_17, balloon.migrate_rate_decoupled
 *					the same rate with each movable_ops
 *					core, both in every run
 *	balloon.compact_time		the compaction (and _6_17, _decoupled)
 *	balloon.free_order9_before/after, balloon.free_order10_before/after
 *					free memory in order-9 and order-10
 *					blocks, MiB
 *	balloon.free_2m_share_after	free memory in free >= 2 MiB blocks,
 *					% of all free memory
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "bench.h"

#define MEMORY		(4ULL << 30)
#define CPUS		2

struct balloon_run {
	double migrated, rate, ms, vs_memcpy, share_after;
	double o9[2], o10[2];	/* MiB before, after */
};

static void free_blocks_mib(double *o9, double *o10)
{
	struct pagemig_zone_stats zs;
	int z;

	*o9 = *o10 = 0;
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.populated)
			continue;
		*o9 += zs.nr_free[9] * 2.0;
		*o10 += zs.nr_free[10] * 4.0;
	}
}

static int one_run(const struct bench_ctx *ctx, unsigned int r,
		   enum pagemig_movable_ops core, struct balloon_run *out,
		   unsigned long *ballooned)
{
	unsigned long total, n = 0, freed = 0, i, *pfns, m0, b0, fp, fpb;
	struct pagemig_rng rng;
	unsigned int gfp;
	double t0, t;
	int ret;

	ret = pagemig_parse_gfp("GFP_HIGHUSER_MOVABLE|__GFP_NORETRY", &gfp);
	if (!ret)
		ret = bench_machine_core(ctx, MEMORY, CPUS, core);
	if (ret)
		return ret;
	total = pagemig_total_pages();
	pfns = malloc(total * sizeof(*pfns));
	if (!pfns) {
		pagemig_machine_exit();
		return -ENOMEM;
	}
	/*
	 * Fill until the allocator refuses (the watermark reserve).  NORETRY:
	 * a failure here is the end of the fill, not a reason to run the OOM
	 * killer (kernel: __GFP_NORETRY never reaches out_of_memory()).
	 */
	while (n < total && !pagemig_alloc_pages(gfp, 0, &pfns[n]))
		n++;
	pagemig_rng_seed(&rng, ctx->seed + r);
	for (i = 0; i < n; i++) {
		if (pagemig_rng_below(&rng, 8))
			continue;
		pagemig_free_pages(pfns[i], 0);
		pfns[i] = ULONG_MAX;
		freed++;
	}
	/* A little short of the holes, so the balloon never hits the reserve. */
	*ballooned = freed - freed / 32;
	ret = pagemig_balloon_set_target(pagemig_balloon_lookup("virtio"),
					 *ballooned, 60000);
	for (i = 0; i < n; i++)
		if (pfns[i] != ULONG_MAX)
			pagemig_free_pages(pfns[i], 0);
	free(pfns);
	if (ret) {
		fprintf(stderr, "pagemig bench: balloon: inflating to %lu pages: %s\n",
			*ballooned, strerror(-ret));
		pagemig_machine_exit();
		return ret;
	}

	free_blocks_mib(&out->o9[0], &out->o10[0]);
	m0 = pagemig_vmstat("pgmigrate_success");
	b0 = pagemig_vmstat("balloon_migrate");
	t0 = ktime_get_ns();
	ret = pagemig_compact(-1);
	t = ktime_get_ns() - t0;
	free_blocks_mib(&out->o9[1], &out->o10[1]);
	out->migrated = pagemig_vmstat("pgmigrate_success") - m0;
	fp = pagemig_vmstat("nr_free_pages");
	fpb = pagemig_vmstat("nr_free_pages_blocks");
	out->share_after = fp ? 100.0 * fpb / fp : 0;
	out->ms = t / 1e6;
	out->rate = out->migrated / (t / 1e9);
	if (ctx->verbose)
		fprintf(ctx->out, "# run %u, movable_ops %s: %lu filled, %lu ballooned, %lu migrated (%lu balloon_migrate)\n",
			r + 1, core == PAGEMIG_MOVABLE_OPS_DECOUPLED ? "decoupled" : "6.17",
			n, *ballooned, (unsigned long)out->migrated,
			pagemig_vmstat("balloon_migrate") - b0);
	/* Give the balloon back before teardown, as a guest would. */
	pagemig_balloon_set_target(pagemig_balloon_lookup("virtio"), 0, 60000);
	pagemig_machine_exit();
	return ret;
}

static int bench_balloon(const struct bench_ctx *ctx)
{
	double v[9][BENCH_MAX_RUNS], memcpy_rate;
	double rate[BENCH_NR_CORES][BENCH_MAX_RUNS], ms[BENCH_NR_CORES][BENCH_MAX_RUNS];
	struct balloon_run br[BENCH_NR_CORES], *d = NULL;
	unsigned long ballooned = 0;
	unsigned int r, k, c;
	char name[64];
	int ret;

	bench_config(ctx, "balloon", "4 GiB machine, %d CPUs; fill with order-0 movable pages, free a random 1 in 8, virtio balloon into the holes, free the rest, one full compaction per run and movable_ops core",
		     CPUS);
	for (r = 0; r < ctx->runs; r++) {
		/*
		 * Each run once per movable_ops core, same machine and seed,
		 * alternating which goes first.  Figures without a core in
		 * their name are the default core's.
		 */
		for (k = 0; k < BENCH_NR_CORES; k++) {
			c = (k + r) % BENCH_NR_CORES;
			ret = one_run(ctx, r, bench_cores[c], &br[c], &ballooned);
			if (ret)
				return ret;
			rate[c][r] = br[c].rate / 1e6;
			ms[c][r] = br[c].ms;
			if (bench_cores[c] == PAGEMIG_MOVABLE_OPS_DEFAULT)
				d = &br[c];
		}
		memcpy_rate = bench_memcpy_4k_rate();
		v[0][r] = d->migrated / 1e3;
		v[1][r] = d->rate / 1e6;
		v[2][r] = memcpy_rate ? d->rate / memcpy_rate : 0;
		v[3][r] = d->ms;
		v[4][r] = d->o9[0];
		v[5][r] = d->o9[1];
		v[6][r] = d->o10[0];
		v[7][r] = d->o10[1];
		v[8][r] = d->share_after;
	}
	fprintf(ctx->out, "# balloon: %lu pages (%.0f MiB) ballooned in the last run\n",
		ballooned, ballooned * 4096.0 / (1 << 20));
	bench_report(ctx, "balloon", "pages_migrated", v[0], ctx->runs, "kpages");
	bench_report(ctx, "balloon", "migrate_rate", v[1], ctx->runs, "Mpages/s");
	for (c = 0; c < BENCH_NR_CORES; c++) {
		snprintf(name, sizeof(name), "migrate_rate_%s", bench_core_names[c]);
		bench_report(ctx, "balloon", name, rate[c], ctx->runs, "Mpages/s");
	}
	bench_report(ctx, "balloon", "migrate_vs_memcpy", v[2], ctx->runs, "x");
	bench_report(ctx, "balloon", "compact_time", v[3], ctx->runs, "ms");
	for (c = 0; c < BENCH_NR_CORES; c++) {
		snprintf(name, sizeof(name), "compact_time_%s", bench_core_names[c]);
		bench_report(ctx, "balloon", name, ms[c], ctx->runs, "ms");
	}
	bench_report(ctx, "balloon", "free_order9_before", v[4], ctx->runs, "MiB");
	bench_report(ctx, "balloon", "free_order9_after", v[5], ctx->runs, "MiB");
	bench_report(ctx, "balloon", "free_order10_before", v[6], ctx->runs, "MiB");
	bench_report(ctx, "balloon", "free_order10_after", v[7], ctx->runs, "MiB");
	bench_report(ctx, "balloon", "free_2m_share_after", v[8], ctx->runs, "%");
	return 0;
}

static struct bench balloon_bench = {
	.name = "balloon",
	.desc = "full compaction of 1-in-8 scattered virtio balloon pages, 4 GiB",
	.fn = bench_balloon,
};
BENCH_REGISTER(balloon_bench);
