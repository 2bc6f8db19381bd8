// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent allocation stress: two threads, each its own CPU, allocate
 * and free blocks of mixed orders and gfp masks from a seeded PRNG for a
 * bounded time (STRESS_SECONDS, default 3; -l: 30).  Every block is
 * tagged with its owner and checked before it is freed, so a block
 * handed to both threads, or freed under one, shows up as corruption.
 * At the end everything is freed and drained: the validator must be
 * clean and NR_FREE_PAGES must equal the managed pages.
 *
 * Meant for SAN=thread YIELD=1 DEBUG_VM=1 (make check runs it so).
 */
#include <pthread.h>
#include <stdlib.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

#define NTHREADS	2
#define MAX_LIVE	512

MM_FIXTURE(stress, 64 * SZ_1M, 8 * SZ_1M, 16 * SZ_1M, NTHREADS)

struct worker {
	int cpu;
	uint64_t seed;
	unsigned long long deadline;
	/* Results, read by the main thread after join. */
	unsigned long allocs, frees, nomem, corrupt;
	struct { struct page *page; unsigned int order; uint64_t tag; } live[MAX_LIVE];
	int nr;
};

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_DMA32, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE | __GFP_COMP,
	GFP_KERNEL | __GFP_ZERO,
};

static void free_one(struct worker *w, int k)
{
	unsigned long pfn = page_to_pfn(w->live[k].page);

	if (pagemig_check_tag(pfn, 1UL << w->live[k].order, w->live[k].tag))
		w->corrupt++;
	__free_pages(w->live[k].page, w->live[k].order);
	w->live[k] = w->live[--w->nr];
	w->frees++;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct pagemig_rng rng;
	unsigned long n = 0;

	set_cpu_id(w->cpu);
	pagemig_rng_seed(&rng, w->seed);
	while ((n++ & 63) || ktime_get_ns() < w->deadline) {
		if (w->nr < MAX_LIVE && (w->nr == 0 || pagemig_rng_below(&rng, 100) < 52)) {
			unsigned int order = pagemig_rng_below(&rng, 8) ?
				(unsigned int)pagemig_rng_below(&rng, 4) :
				(unsigned int)pagemig_rng_below(&rng, MAX_PAGE_ORDER + 1);
			gfp_t gfp = gfps[pagemig_rng_below(&rng, ARRAY_SIZE(gfps))];
			struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);

			if (!page) {
				w->nomem++;
				continue;
			}
			w->live[w->nr].page = page;
			w->live[w->nr].order = order;
			w->live[w->nr].tag = pagemig_rng_next(&rng);
			pagemig_fill_tag(page_to_pfn(page), 1UL << order, w->live[w->nr].tag);
			w->nr++;
			w->allocs++;
		} else {
			free_one(w, (int)pagemig_rng_below(&rng, (uint64_t)w->nr));
		}
		if (pagemig_rng_below(&rng, 1000) == 0)
			drain_zone_pages(mm_zone(ZONE_NORMAL), w->cpu);
	}
	while (w->nr)
		free_one(w, w->nr - 1);
	return NULL;
}

TEST_F(stress, two_cpus_alloc_free_mixed_orders)
{
	static struct worker workers[NTHREADS];
	pthread_t tids[NTHREADS];
	const char *env = getenv("STRESS_SECONDS");
	double secs = env ? atof(env) : test_long() ? 30 : 3;
	unsigned long long deadline = ktime_get_ns() + (unsigned long long)(secs * 1e9);
	unsigned long allocs = 0;
	int i;

	for (i = 0; i < NTHREADS; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].cpu = i;
		workers[i].seed = pagemig_rng_next(test_rng());
		workers[i].deadline = deadline;
		ASSERT_EQ(0, pagemig_thread_create(&tids[i], "worker", worker_fn, &workers[i]));
	}
	for (i = 0; i < NTHREADS; i++)
		pagemig_thread_join(tids[i], NULL);

	for (i = 0; i < NTHREADS; i++) {
		TH_LOG("cpu %d: %lu allocs, %lu frees, %lu -ENOMEM", i,
		       workers[i].allocs, workers[i].frees, workers[i].nomem);
		EXPECT_EQ(0, workers[i].corrupt);
		EXPECT_EQ(workers[i].allocs, workers[i].frees);
		EXPECT_GT(workers[i].allocs, 100);
		allocs += workers[i].allocs;
	}
	EXPECT_EQ(0, nr_used_pages());
	drain_all_pages(NULL);
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_EQ(mm_managed_pages(), pagemig_free_pages_count());
	EXPECT_EQ(0, pagemig_lock_inversions());
	TH_LOG("%lu allocations in %.1f s", allocs, secs);
}
