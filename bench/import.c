// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench import: importing and analysing the kpageflags snapshot
 * of a 24 GiB machine (issue 6's figures).
 *
 * The snapshot is synthetic and seeded: 6,291,456 PFNs in runs of a few
 * shapes a busy guest shows -- free buddy runs, anon and file THPs and
 * small folios, slab, page tables, flagless kernel pages, and balloon
 * pages and zsmalloc pages (one in 64 each) and free holes (seven in 64)
 * scattered through the file runs, so that compaction has file folios
 * and movable_ops pages of both owners to move
 * and holes in Movable pageblocks to move them into -- without the
 * holes every Movable pageblock is wholly used or wholly free, and the
 * free scanner finds no target at all.  Generating it is not timed.
 *
 *	import.check_infer	kpf_check() + kpf_infer()
 *	import.build		the machine + pagemig_import_apply()
 *	import.analyse		pagemig_analyse()
 *	import.total		the three: the issue asks for <= 2 s
 *	import.compact_time	pagemig_compact(-1) on the imported machine
 *	import.pages_migrated	pgmigrate_success of that compaction
 *	import.migrate_rate	pages migrated per second of compaction
 *	import.content_errors	zsmalloc sectors that did not read back
 *				intact after it (must be 0)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "bench.h"

#define NR_PFNS		(6UL << 20)	/* 24 GiB */
#define B(n)		(1ULL << PAGEMIG_KPF_##n)

static void fill_run(uint64_t *w, unsigned long pfn, unsigned long n,
		     unsigned int shape, struct pagemig_rng *rng)
{
	unsigned long i;

	for (i = pfn; i < pfn + n; i++) {
		switch (shape) {
		case 0:	/* free */
			w[i] = B(BUDDY);
			break;
		case 1:	/* anon THPs */
			w[i] = B(LRU) | B(ANON) | B(SWAPBACKED) | B(MMAP) | B(THP) |
			       ((i & 511) ? B(COMPOUND_TAIL) : B(COMPOUND_HEAD));
			break;
		case 2:	/* file folios; balloon, zsmalloc and free pages among them */
			switch (pagemig_rng_below(rng, 64)) {
			case 0:
				w[i] = B(OFFLINE) | B(UPTODATE);
				break;
			case 1:
				w[i] = B(UPTODATE);	/* zsmalloc */
				break;
			case 2 ... 8:
				w[i] = B(BUDDY);
				break;
			default:
				w[i] = B(LRU) | B(UPTODATE);
				break;
			}
			break;
		case 3:	/* slab and page tables */
			w[i] = pagemig_rng_below(rng, 8) ? B(SLAB) : B(PGTABLE);
			break;
		default: /* flagless kernel pages */
			w[i] = 0;
			break;
		}
	}
}

/* The synthetic snapshot: runs of 2 MiB-aligned shapes, free the most. */
static uint64_t *make_snapshot(uint64_t seed)
{
	static const unsigned int weights[] = { 40, 15, 30, 5, 10 };
	uint64_t *w = malloc(NR_PFNS * sizeof(*w));
	struct pagemig_rng rng;
	unsigned long pfn;

	if (!w)
		return NULL;
	pagemig_rng_seed(&rng, seed);
	for (pfn = 0; pfn < NR_PFNS; pfn += 512) {
		unsigned int r = (unsigned int)pagemig_rng_below(&rng, 100), s = 0;

		while (r >= weights[s]) {
			r -= weights[s];
			s++;
		}
		fill_run(w, pfn, 512, s, &rng);
		/* Sprinkle unmovable pages into a few free blocks. */
		if (s == 0 && !pagemig_rng_below(&rng, 4))
			w[pfn + pagemig_rng_below(&rng, 512)] = B(SLAB);
	}
	return w;
}

static int bench_import(const struct bench_ctx *ctx)
{
	double v[8][BENCH_MAX_RUNS];
	struct pagemig_snapshot s = { .nr = NR_PFNS };
	struct pagemig_import_opts opts = {
		.snapshot = &s, .seed = ctx->seed, .compact = true,
	};
	struct pagemig_import_report *rep;
	unsigned int r;
	int ret = 0;

	bench_config(ctx, "import", "synthetic %lu-PFN (24 GiB) snapshot, 2 CPUs",
		     NR_PFNS);
	s.flags = make_snapshot(ctx->seed);
	rep = malloc(sizeof(*rep));
	if (!s.flags || !rep) {
		free(s.flags);
		free(rep);
		return -ENOMEM;
	}
	for (r = 0; r < ctx->runs; r++) {
		const uint64_t *ns = rep->ns;

		ret = pagemig_import(&opts, rep);
		if (ret) {
			fprintf(stderr, "bench import: %s\n", rep->err);
			ret = rep->stage <= PAGEMIG_STAGE_INFER ? -EINVAL : -EIO;
			break;
		}
		v[0][r] = (ns[PAGEMIG_STAGE_READ] + ns[PAGEMIG_STAGE_INFER]) / 1e6;
		v[1][r] = ns[PAGEMIG_STAGE_BUILD] / 1e6;
		v[2][r] = ns[PAGEMIG_STAGE_ANALYSE] / 1e6;
		v[3][r] = v[0][r] + v[1][r] + v[2][r];
		v[4][r] = ns[PAGEMIG_STAGE_COMPACT] / 1e6;
		v[5][r] = (double)rep->migrated / 1e3;
		v[6][r] = v[5][r] * 1e3 / (ns[PAGEMIG_STAGE_COMPACT] / 1e9) / 1e6;
		v[7][r] = (double)rep->corrupted;
		pagemig_machine_exit();
	}
	free(s.flags);
	free(rep);
	if (ret)
		return ret;
	bench_report(ctx, "import", "check_infer", v[0], ctx->runs, "ms");
	bench_report(ctx, "import", "build", v[1], ctx->runs, "ms");
	bench_report(ctx, "import", "analyse", v[2], ctx->runs, "ms");
	bench_report(ctx, "import", "total", v[3], ctx->runs, "ms");
	bench_report(ctx, "import", "compact_time", v[4], ctx->runs, "ms");
	bench_report(ctx, "import", "pages_migrated", v[5], ctx->runs, "kpages");
	bench_report(ctx, "import", "migrate_rate", v[6], ctx->runs, "Mpages/s");
	bench_report(ctx, "import", "content_errors", v[7], ctx->runs, "pages");
	return 0;
}

static struct bench import_bench = {
	.name = "import",
	.desc = "import + analyse a 24 GiB kpageflags snapshot; compact it",
	.fn = bench_import,
};
BENCH_REGISTER(import_bench);
