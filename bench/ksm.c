// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig bench ksm: what KSM's scanner costs and saves, and what
 * migrating a KSM folio with thousands of mappings costs.
 *
 * A "guest" process maps 1 GiB of anonymous memory in 4 KiB pages,
 * marked mergeable; three pages in four repeat every 48 pages (as the
 * zero-ish and library pages of guests do), the fourth is unique.  Every
 * page is written through the page tables first (not timed).
 *
 *	ksm.merge_time		the two full scans that merge everything, ms
 *	ksm.merge_scan_rate	pages scanned per second in those scans
 *	ksm.steady_scan_rate	pages per second of a third full scan, when
 *				everything mergeable is merged (ksmd's cost)
 *	ksm.xxh64_rate		this machine's XXH64 of a 4 KiB page, pages
 *				per second: the checksum every scan pays
 *	ksm.saved		memory saved (pages_sharing), MiB
 *	ksm.migrate_us		migrating one KSM folio (isolate, unmap every
 *				mapping, copy, remap), µs, median over the
 *				48 of them
 *	ksm.migrate_mappings_rate	mappings moved per second by those
 *	ksm.plain_migrate_us	migrating one unshared anonymous folio, µs
 *	ksm.content_errors	pages that read back wrong at the end (must be 0)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include <pagemig/pagemig_testing.h>
#include <pagemig/prandom.h>

#include "bench.h"

#define CPUS		2
#define PAGE		PAGEMIG_PAGE_SIZE
#define GUEST_PAGES	(1UL << 18)	/* 1 GiB */
#define REPEAT		48
#define MEMORY		(2ULL << 30)

/* Page @i's contents: every 4th page unique, the rest repeat every REPEAT. */
static uint64_t page_tag(unsigned long i)
{
	return i % 4 == 3 ? (1ULL << 40) + i : i % REPEAT;
}

static void fill(uint64_t *w, uint64_t tag)
{
	unsigned int k;

	for (k = 0; k < PAGE / 8; k++) {
		uint64_t x = tag * 0x9e3779b97f4a7c15ULL + k;

		w[k] = pagemig_splitmix64(&x);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* XXH64 over @n distinct 4 KiB pages of a buffer too big for the caches. */
static double xxh64_rate(void)
{
	const unsigned long n = 1UL << 16;	/* 256 MiB */
	unsigned char *buf = malloc(n * PAGE);
	uint64_t sum = 0;
	unsigned long i;
	double t0, secs;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		fill((uint64_t *)(buf + i * PAGE), i);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		sum += XXH64(buf + i * PAGE, PAGE, 0);
	secs = (ktime_get_ns() - t0) / 1e9;
	free(buf);
	/* Keep the loop: the sum must be used. */
	return secs > 0 && sum != 1 ? n / secs : 0;
}

struct ksm_run {
	double merge_ms, merge_rate, steady_rate, saved, migrate_us;
	double mappings_rate, plain_us, errors;
};

static int one_run(const struct bench_ctx *ctx, struct ksm_run *out)
{
	uint64_t buf[PAGE / 8], ns;
	struct pagemig_ksm_stats st;
	double t0, t1, t2, us[REPEAT];
	unsigned long addr, i, maps, bad = 0, moved = 0, nr_maps = 0;
	double total_ns = 0;
	int pid, ret;

	ret = bench_machine(ctx, MEMORY, CPUS);
	if (ret)
		return ret;
	pid = pagemig_process_create();
	ret = pid < 0 ? pid : pagemig_mmap_anon(pid, GUEST_PAGES * PAGE,
						PAGEMIG_MAP_WRITE, &addr);
	for (i = 0; !ret && i < GUEST_PAGES; i++) {
		fill(buf, page_tag(i));
		ret = pagemig_access(pid, addr + i * PAGE, buf, PAGE, true);
	}
	if (!ret)
		ret = pagemig_madvise_mergeable(pid, addr);
	if (ret)
		goto out;

	t0 = ktime_get_ns();
	if (pagemig_ksm_full_scans(2) < 0)
		ret = -EIO;
	t1 = ktime_get_ns();
	if (!ret && pagemig_ksm_full_scans(1) < 0)
		ret = -EIO;
	t2 = ktime_get_ns();
	if (ret)
		goto out;
	pagemig_ksm_stats(&st);
	out->merge_ms = (t1 - t0) / 1e6;
	out->merge_rate = 2.0 * GUEST_PAGES / ((t1 - t0) / 1e9) / 1e6;
	out->steady_rate = (double)GUEST_PAGES / ((t2 - t1) / 1e9) / 1e6;
	out->saved = st.pages_sharing / 256.0;

	/* Each KSM folio once, then a unique page for comparison. */
	for (i = 0; i < REPEAT; i++) {
		if (i % 4 == 3 || pagemig_bench_migrate_addr(pid, addr + i * PAGE,
							     &ns, &maps))
			continue;
		us[moved++] = ns / 1e3;
		total_ns += (double)ns;
		nr_maps += maps;
	}
	if (!moved) {
		ret = -EBUSY;
		goto out;
	}
	qsort(us, moved, sizeof(us[0]), cmp_double);
	out->migrate_us = us[moved / 2];
	out->mappings_rate = nr_maps / (total_ns / 1e9) / 1e6;
	ret = pagemig_bench_migrate_addr(pid, addr + 3 * PAGE, &ns, NULL);
	if (ret)
		goto out;
	out->plain_us = ns / 1e3;

	for (i = 0; i < GUEST_PAGES; i++) {
		uint64_t want[PAGE / 8];

		fill(want, page_tag(i));
		if (pagemig_access(pid, addr + i * PAGE, buf, PAGE, false) ||
		    memcmp(buf, want, PAGE))
			bad++;
	}
	out->errors = (double)bad;
	if (ctx->verbose)
		fprintf(ctx->out, "# run: %lu shared, %lu sharing; %lu KSM folios moved, %lu mappings\n",
			st.pages_shared, st.pages_sharing, moved, nr_maps);
out:
	if (pid >= 0)
		pagemig_process_exit(pid);
	pagemig_machine_exit();
	return ret;
}

static int bench_ksm(const struct bench_ctx *ctx)
{
	double v[9][BENCH_MAX_RUNS];
	unsigned int r;
	int ret;

	bench_config(ctx, "ksm", "2 GiB machine, %d CPUs; a 1 GiB guest, 3 pages in 4 repeating every %d",
		     CPUS, REPEAT);
	for (r = 0; r < ctx->runs; r++) {
		struct ksm_run k;

		ret = one_run(ctx, &k);
		if (ret) {
			fprintf(stderr, "pagemig bench: ksm: %s\n", strerror(-ret));
			return ret;
		}
		v[0][r] = k.merge_ms;
		v[1][r] = k.merge_rate;
		v[2][r] = k.steady_rate;
		v[3][r] = xxh64_rate() / 1e6;
		v[4][r] = k.saved;
		v[5][r] = k.migrate_us;
		v[6][r] = k.mappings_rate;
		v[7][r] = k.plain_us;
		v[8][r] = k.errors;
	}
	bench_report(ctx, "ksm", "merge_time", v[0], ctx->runs, "ms");
	bench_report(ctx, "ksm", "merge_scan_rate", v[1], ctx->runs, "Mpages/s");
	bench_report(ctx, "ksm", "steady_scan_rate", v[2], ctx->runs, "Mpages/s");
	bench_report(ctx, "ksm", "xxh64_rate", v[3], ctx->runs, "Mpages/s");
	bench_report(ctx, "ksm", "saved", v[4], ctx->runs, "MiB");
	bench_report(ctx, "ksm", "migrate_us", v[5], ctx->runs, "us");
	bench_report(ctx, "ksm", "migrate_mappings_rate", v[6], ctx->runs, "Mmappings/s");
	bench_report(ctx, "ksm", "plain_migrate_us", v[7], ctx->runs, "us");
	bench_report(ctx, "ksm", "content_errors", v[8], ctx->runs, "pages");
	return 0;
}

static struct bench ksm_bench = {
	.name = "ksm",
	.desc = "KSM: merge a 1 GiB guest, scan cost, migrating KSM folios",
	.fn = bench_ksm,
};
BENCH_REGISTER(ksm_bench);
