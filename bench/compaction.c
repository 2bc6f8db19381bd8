// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench compaction: folio migration by a full compaction, beside
 * this machine's 4 KiB memcpy rate (issue 5's figures).
 *
 * One process maps N GiB of anonymous memory in 4 KiB pages (no THP),
 * writes every page through its page tables, then frees every other page
 * with madvise(MADV_DONTNEED): every pageblock is half full.  One full
 * compaction (pagemig_compact(-1), what writing /proc/sys/vm/compact_memory
 * does) is timed; bench/kernel-compare.sh runs the same workload on the
 * host kernel.  In the same run, the memcpy baseline copies as many
 * 4 KiB pages between scattered frames of a buffer the size of the
 * machine (not cache-hot: random frames over gigabytes, as compaction's
 * are), from the lower half to the upper half as compaction moves pages.
 *
 *	compaction.pages_migrated	pgmigrate_success delta, thousands
 *	compaction.migrate_rate		pages migrated per second of compaction
 *	compaction.memcpy_rate		scattered 4 KiB memcpy, pages per second
 *	compaction.migrate_vs_memcpy	their ratio, % (target >= 70)
 *	compaction.compact_time		the compaction, ms
 *	compaction.free_2m_share_after	free memory in free >= 2 MiB blocks,
 *					% of all free memory (target >= 95)
 *	compaction.content_errors	pages whose contents changed (must be 0)
 *
 * N is PAGEMIG_BENCH_GIB (default 2); the machine is N GiB + 1/4 + 64 MiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pagemig/pagemig.h>

#include "bench.h"

#define CPUS		2
#define PAGE		PAGEMIG_PAGE_SIZE

struct compaction_run {
	double migrated, rate, ms, share_after, memcpy_rate, errors;
};

static double gib_from_env(void)
{
	const char *s = getenv("PAGEMIG_BENCH_GIB");
	double g = s ? strtod(s, NULL) : 2;

	return g > 0 && g <= 64 ? g : 2;
}

/*
 * memcpy of @n 4 KiB pages between random frames of a @bytes buffer:
 * sources from the lower half, destinations from the upper half.
 * Return: pages per second, 0 if the buffer could not be had.
 */
static double scattered_memcpy_rate(uint64_t bytes, unsigned long n,
				    uint64_t seed)
{
	unsigned long half = bytes / PAGE / 2, i, *src, *dst;
	struct pagemig_rng rng;
	double t0, t;
	char *buf;

	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	src = malloc(n * sizeof(*src));
	dst = malloc(n * sizeof(*dst));
	if (buf == MAP_FAILED || !src || !dst) {
		if (buf != MAP_FAILED)
			munmap(buf, bytes);
		free(src);
		free(dst);
		return 0;
	}
	/* The arena is not THP-backed either: compare like with like. */
	madvise(buf, bytes, MADV_NOHUGEPAGE);
	memset(buf, 0x5a, bytes);
	pagemig_rng_seed(&rng, seed);
	for (i = 0; i < n; i++) {
		src[i] = pagemig_rng_below(&rng, half);
		dst[i] = half + pagemig_rng_below(&rng, half);
	}
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		memcpy(buf + dst[i] * PAGE, buf + src[i] * PAGE, PAGE);
	__asm__ volatile("" : : "r"(buf) : "memory");
	t = ktime_get_ns() - t0;
	munmap(buf, bytes);
	free(src);
	free(dst);
	return t > 0 ? n / (t / 1e9) : 0;
}

static int one_run(const struct bench_ctx *ctx, unsigned int r, double gib,
		   struct compaction_run *out)
{
	uint64_t len = (uint64_t)(gib * (1 << 30)) / (2 << 20) * (2 << 20);
	uint64_t memory = len + len / 4 + (64 << 20);
	unsigned long pages = len / PAGE, i, m0, fp, fpb, addr;
	uint64_t *buf;
	double t0, t;
	int pid, ret;

	buf = malloc(PAGE);
	if (!buf)
		return -ENOMEM;
	ret = bench_machine(ctx, memory, CPUS);
	if (ret) {
		free(buf);
		return ret;
	}
	pid = pagemig_process_create();
	ret = pid < 0 ? pid : pagemig_mmap_anon(pid, len, PAGEMIG_MAP_WRITE, &addr);
	for (i = 0; !ret && i < pages; i++) {
		buf[0] = addr + i * PAGE;
		buf[PAGE / 8 - 1] = ~buf[0];
		ret = pagemig_access(pid, addr + i * PAGE, buf, PAGE, true);
	}
	for (i = 1; !ret && i < pages; i += 2)
		ret = pagemig_madvise_dontneed(pid, addr + i * PAGE, PAGE);
	if (ret) {
		fprintf(stderr, "pagemig bench compaction: setting up %.1f GiB: %s\n",
			gib, strerror(-ret));
		goto out;
	}

	m0 = pagemig_vmstat("pgmigrate_success");
	t0 = ktime_get_ns();
	ret = pagemig_compact(-1);
	t = ktime_get_ns() - t0;
	out->migrated = pagemig_vmstat("pgmigrate_success") - m0;
	fp = pagemig_vmstat("nr_free_pages");
	fpb = pagemig_vmstat("nr_free_pages_blocks");
	out->share_after = fp ? 100.0 * fpb / fp : 0;
	out->ms = t / 1e6;
	out->rate = out->migrated / (t / 1e9);

	/* Every page kept must still say where it is. */
	out->errors = 0;
	for (i = 0; i < pages; i += 2) {
		if (pagemig_access(pid, addr + i * PAGE, buf, PAGE, false) ||
		    buf[0] != addr + i * PAGE || buf[PAGE / 8 - 1] != ~buf[0])
			out->errors++;
	}
	if (ctx->verbose)
		fprintf(ctx->out, "# run %u: %lu pages written, %lu freed, %.0f migrated in %.1f ms\n",
			r + 1, pages, pages / 2, out->migrated, out->ms);
out:
	pagemig_machine_exit();
	if (!ret)
		out->memcpy_rate = scattered_memcpy_rate(memory,
				(unsigned long)(out->migrated ? out->migrated : 1),
				ctx->seed + r);
	free(buf);
	return ret;
}

static int bench_compaction(const struct bench_ctx *ctx)
{
	double v[7][BENCH_MAX_RUNS], gib = gib_from_env();
	struct compaction_run cr;
	unsigned int r;
	int ret;

	bench_config(ctx, "compaction", "one process maps %.1f GiB of 4 KiB anon pages, writes them, MADV_DONTNEEDs every other page, then one full compaction; %d CPUs; memcpy baseline: as many scattered 4 KiB copies over a buffer the machine's size (PAGEMIG_BENCH_GIB sets the size)",
		     gib, CPUS);
	for (r = 0; r < ctx->runs; r++) {
		ret = one_run(ctx, r, gib, &cr);
		if (ret)
			return ret;
		v[0][r] = cr.migrated / 1e3;
		v[1][r] = cr.rate / 1e6;
		v[2][r] = cr.memcpy_rate / 1e6;
		v[3][r] = cr.memcpy_rate ? 100.0 * cr.rate / cr.memcpy_rate : 0;
		v[4][r] = cr.ms;
		v[5][r] = cr.share_after;
		v[6][r] = cr.errors;
	}
	bench_report(ctx, "compaction", "pages_migrated", v[0], ctx->runs, "kpages");
	bench_report(ctx, "compaction", "migrate_rate", v[1], ctx->runs, "Mpages/s");
	bench_report(ctx, "compaction", "memcpy_rate", v[2], ctx->runs, "Mpages/s");
	bench_report(ctx, "compaction", "migrate_vs_memcpy", v[3], ctx->runs, "%");
	bench_report(ctx, "compaction", "compact_time", v[4], ctx->runs, "ms");
	bench_report(ctx, "compaction", "free_2m_share_after", v[5], ctx->runs, "%");
	bench_report(ctx, "compaction", "content_errors", v[6], ctx->runs, "pages");
	return 0;
}

static struct bench compaction_bench = {
	.name = "compaction",
	.desc = "full compaction of N GiB of half-freed 4 KiB anon pages, beside scattered 4 KiB memcpy",
	.fn = bench_compaction,
};
BENCH_REGISTER(compaction_bench);
