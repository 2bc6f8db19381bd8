// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench alloc: allocation + free latency through the per-CPU
 * lists (issue 2's figures).
 *
 *	alloc.order0_pair	order-0 alloc + free, one thread, through the
 *				facade (pagemig_alloc_pages/free_pages)
 *	alloc.order0_pair_raw	the same through alloc_pages()/__free_pages()
 *				directly (pagemig_bench_alloc_loop): the
 *				difference is the facade's checks
 *	alloc.order9_pair(_raw)	the same for order 9 (2 MiB)
 *	alloc.order0_1cpu_rate, alloc.order0_2cpu_rate, alloc.order0_2cpu_scaling
 *				pairs per second on one CPU, on two threads
 *				running as CPUs 0 and 1 at once, and the ratio
 *	alloc.memcpy_4k_rate	this machine's 4 KiB memcpy rate, the baseline
 *				every "pages per second" is read against
 *	alloc.metadata_per_page	bytes of memory the machine's own metadata
 *				(mem_map, pageblock bits, per-CPU lists, zone
 *				and node structures) takes per 4 KiB page of a
 *				4 GiB machine, measured as the process's
 *				anonymous RSS growth over pagemig_machine_init()
 *				minus the arena frames it touched; the kernel's
 *				struct page alone is 64 bytes
 *
 * The alloc + free of one page is the hot path of the per-CPU lists: the
 * page freed goes to the head of the list the next allocation takes from.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <pagemig/pagemig_testing.h>

#include "bench.h"

#define MEMORY		(1ULL << 30)
#define CPUS		2
#define ORDER0_ITERS	2000000UL
#define ORDER9_ITERS	100000UL
#define META_MEMORY	(4ULL << 30)

/* ns per pair through the facade; -errno on failure. */
static double facade_loop(unsigned int gfp, unsigned int order,
			  unsigned long n)
{
	unsigned long i, pfn;
	double t0 = ktime_get_ns();
	int ret;

	for (i = 0; i < n; i++) {
		ret = pagemig_alloc_pages(gfp, order, &pfn);
		if (!ret)
			ret = pagemig_free_pages(pfn, order);
		if (ret)
			return ret;
	}
	return (ktime_get_ns() - t0) / n;
}

static double raw_loop(unsigned int order, unsigned long n)
{
	uint64_t ns;
	int ret = pagemig_bench_alloc_loop(order, n, &ns);

	return ret ? ret : (double)ns / n;
}

struct worker {
	pthread_t thread;
	int *go;		/* 0 wait, 1 run, -1 give up */
	unsigned int gfp;
	int cpu;
	double t0, t1;
	int ret;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	double ns;

	w->ret = pagemig_thread_set_cpu(w->cpu);
	while (!__atomic_load_n(w->go, __ATOMIC_ACQUIRE))
		;
	if (__atomic_load_n(w->go, __ATOMIC_ACQUIRE) < 0)
		return NULL;
	w->t0 = ktime_get_ns();
	ns = w->ret ? 0 : facade_loop(w->gfp, 0, ORDER0_ITERS);
	w->t1 = ktime_get_ns();
	if (!w->ret && ns < 0)
		w->ret = (int)ns;
	return NULL;
}

/* Pairs per second of two threads running as CPUs 0 and 1 together. */
static double two_cpu_rate(unsigned int gfp)
{
	struct worker w[CPUS];
	int i, n, go = 0, ret = 0;
	double t0, t1;

	for (n = 0; n < CPUS; n++) {
		w[n] = (struct worker){ .go = &go, .gfp = gfp, .cpu = n };
		if (pthread_create(&w[n].thread, NULL, worker_fn, &w[n]))
			break;
	}
	/* Both start together; spinning keeps each on its core. */
	__atomic_store_n(&go, n == CPUS ? 1 : -1, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	if (n < CPUS)
		return -EAGAIN;
	t0 = fmin(w[0].t0, w[1].t0);
	t1 = fmax(w[0].t1, w[1].t1);
	for (i = 0; i < CPUS; i++)
		if (w[i].ret)
			ret = w[i].ret;
	return ret ? ret : CPUS * ORDER0_ITERS / ((t1 - t0) / 1e9);
}

/* The process's anonymous resident memory in bytes (RssAnon), or -1. */
static double rss_anon_bytes(void)
{
	char line[256];
	double kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %lf kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib * 1024;
}

/*
 * Bytes of metadata per page: the RssAnon a fresh machine adds, less the
 * arena frames it made resident (those hold data, not metadata).
 * -errno on failure.
 */
static double metadata_per_page(const struct bench_ctx *ctx)
{
	double before = rss_anon_bytes(), after;
	unsigned long pages, frames;
	int ret;

	if (before < 0)
		return -ENOENT;
	ret = bench_machine(ctx, META_MEMORY, CPUS);
	if (ret)
		return ret;
	after = rss_anon_bytes();
	pages = pagemig_total_pages();
	frames = pagemig_resident_pages();
	pagemig_machine_exit();
	if (after < 0 || !pages)
		return -ENOENT;
	return (after - before - (double)frames * PAGEMIG_PAGE_SIZE) / pages;
}

static int bench_alloc(const struct bench_ctx *ctx)
{
	double o0[BENCH_MAX_RUNS], o0r[BENCH_MAX_RUNS], o9[BENCH_MAX_RUNS];
	double o9r[BENCH_MAX_RUNS], r1[BENCH_MAX_RUNS], r2[BENCH_MAX_RUNS];
	double sc[BENCH_MAX_RUNS], mc[BENCH_MAX_RUNS], md[BENCH_MAX_RUNS];
	unsigned int gfp, r;
	int ret;

	bench_config(ctx, "alloc", "1 GiB machine, %d CPUs, GFP_KERNEL; %lu order-0 and %lu order-9 pairs per run, %lu per thread on 2 CPUs",
		     CPUS, ORDER0_ITERS, ORDER9_ITERS, ORDER0_ITERS);
	ret = pagemig_parse_gfp("GFP_KERNEL", &gfp);
	if (!ret)
		ret = bench_machine(ctx, MEMORY, CPUS);
	if (ret)
		return ret;
	/* Warm the per-CPU lists and the arena pages they hand out. */
	facade_loop(gfp, 0, ORDER0_ITERS / 10);
	facade_loop(gfp, 9, ORDER9_ITERS / 10);

	for (r = 0; r < ctx->runs; r++) {
		o0[r] = facade_loop(gfp, 0, ORDER0_ITERS);
		o0r[r] = raw_loop(0, ORDER0_ITERS);
		o9[r] = facade_loop(gfp, 9, ORDER9_ITERS);
		o9r[r] = raw_loop(9, ORDER9_ITERS);
		r1[r] = 1e9 / o0[r];
		r2[r] = two_cpu_rate(gfp);
		if (o0[r] < 0 || o0r[r] < 0 || o9[r] < 0 || o9r[r] < 0 ||
		    r2[r] < 0) {
			fprintf(stderr, "pagemig bench: alloc: an allocation failed\n");
			pagemig_machine_exit();
			return -ENOMEM;
		}
		/* Per run, so the ratio compares runs under the same load. */
		sc[r] = round(r2[r] / r1[r] * 100) / 100;
		r1[r] /= 1e6;
		r2[r] /= 1e6;
	}
	pagemig_machine_exit();
	for (r = 0; r < ctx->runs; r++)
		mc[r] = bench_memcpy_4k_rate() / 1e6;
	for (r = 0; r < ctx->runs; r++) {
		md[r] = metadata_per_page(ctx);
		if (md[r] < 0) {
			fprintf(stderr, "pagemig bench: alloc: cannot measure metadata: %s\n",
				strerror((int)-md[r]));
			return (int)md[r];
		}
	}

	bench_report(ctx, "alloc", "order0_pair", o0, ctx->runs, "ns");
	bench_report(ctx, "alloc", "order0_pair_raw", o0r, ctx->runs, "ns");
	bench_report(ctx, "alloc", "order9_pair", o9, ctx->runs, "ns");
	bench_report(ctx, "alloc", "order9_pair_raw", o9r, ctx->runs, "ns");
	bench_report(ctx, "alloc", "order0_1cpu_rate", r1, ctx->runs, "Mpairs/s");
	bench_report(ctx, "alloc", "order0_2cpu_rate", r2, ctx->runs, "Mpairs/s");
	bench_report(ctx, "alloc", "order0_2cpu_scaling", sc, ctx->runs, "x");
	bench_report(ctx, "alloc", "memcpy_4k_rate", mc, ctx->runs, "Mpages/s");
	bench_report(ctx, "alloc", "metadata_per_page", md, ctx->runs, "B");
	return 0;
}

static struct bench alloc_bench = {
	.name = "alloc",
	.desc = "order-0 and order-9 allocation + free latency, 1 and 2 CPUs",
	.fn = bench_alloc,
};
BENCH_REGISTER(alloc_bench);
