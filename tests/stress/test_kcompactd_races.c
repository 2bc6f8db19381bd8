// SPDX-License-Identifier: GPL-2.0
/*
 * kcompactd races, for SAN=thread YIELD=1 builds: kcompactd (woken by
 * failed allocations and by the facade, proactive at proactiveness 100,
 * so it checks every 500 ms) against direct compaction from order-9
 * allocations on another CPU and against the virtio balloon deflating
 * and inflating in random steps.  Seeded; after each round kcompactd
 * is stopped and the balloon emptied, then: validator clean, no page
 * leaked, no warning.  Stopping kcompactd mid-pass is part of the test.
 *
 * Duration: STRESS_SECONDS (default 2, 20 with -l).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "../../mm/compaction.c"
#include "harness/mm_fixture.h"
#include "../../drivers/balloon_host.h"

#define TIMEOUT_MS	20000
#define MAX_PFNS	4096

static unsigned long long budget_ns(void)
{
	/* Half each for the two movable_ops cores. */
	return (unsigned long long)(stress_seconds(2) * 1e9 / 2);
}

struct race {
	int stop;
	uint64_t seed;
	unsigned long allocs, wakes;
};

/* CPU 1: order-9 movable allocations (direct compaction) and wakes. */
static void *allocator(void *arg)
{
	struct race *r = arg;
	struct pagemig_rng rng;

	set_cpu_id(1);
	pagemig_rng_seed(&rng, r->seed);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned int order = 1 + (unsigned int)pagemig_rng_below(&rng, 9);
		unsigned int gfp = pagemig_rng_below(&rng, 2) ?
			GFP_HIGHUSER_MOVABLE : (GFP_NOWAIT | __GFP_MOVABLE);
		unsigned long pfn;

		if (!pagemig_alloc_pages(gfp | __GFP_NOWARN | __GFP_NORETRY, order, &pfn)) {
			r->allocs++;
			debug_yield();
			pagemig_free_pages(pfn, order);
		}
		if (pagemig_rng_below(&rng, 4) == 0 && !pagemig_kcompactd_wake(9))
			r->wakes++;
	}
	return NULL;
}

/* Fill with movable pages, free every 4th, balloon the holes, free the rest. */
static void fragment(struct __test_metadata *_metadata, unsigned long *pfns)
{
	unsigned long n = 0, holes = 0, i, pfn;

	while (n < MAX_PFNS && !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY,
						    0, &pfn))
		pfns[n++] = pfn;
	for (i = 0; i < n; i += 4, holes++)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	pagemig_balloon_set_target(BALLOON_VIRTIO, holes, TIMEOUT_MS);
	for (i = 0; i < n; i++)
		if (i % 4)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
}

MM_FIXTURE_MOPS(kr, 16 * SZ_1M, 2 * SZ_1M, 0, 2)

TEST_F(kr, kcompactd_races_direct_compaction_and_deflate)
{
	static unsigned long pfns[MAX_PFNS];
	struct race r = { .seed = test_seed() };
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long rounds = 0, w0 = pagemig_vmstat("compact_daemon_wake");
	unsigned long ks0 = pagemig_vmstat("compact_daemon_migrate_scanned");
	unsigned long m0 = pagemig_vmstat("balloon_migrate");
	pthread_t th;

	while (ktime_get_ns() < end) {
		struct pagemig_balloon_stats st;

		fragment(_metadata, pfns);
		ASSERT_EQ(0, compaction_proactiveness_set(100));
		ASSERT_EQ(0, kcompactd_run(0));
		__atomic_store_n(&r.stop, 0, __ATOMIC_RELEASE);
		r.seed++;
		ASSERT_EQ(0, pagemig_thread_create(&th, "allocator", allocator, &r));
		ASSERT_EQ(0, pagemig_balloon_stats(BALLOON_VIRTIO, &st));
		/* Deflate in random steps, sometimes growing back a little. */
		while (st.size && ktime_get_ns() < end) {
			unsigned long step = 1 + pagemig_rng_below(rng, 64);
			unsigned long target = st.size > step ? st.size - step : 0;
			int ret = pagemig_balloon_set_target(BALLOON_VIRTIO, target, TIMEOUT_MS);

			ASSERT_TRUE(ret == 0 || ret == -EAGAIN);
			if (pagemig_rng_below(rng, 8) == 0)
				pagemig_balloon_set_target(BALLOON_VIRTIO, target + step / 2,
							   TIMEOUT_MS);
			if (pagemig_rng_below(rng, 16) == 0)
				pagemig_kcompactd_wake(1 + (int)pagemig_rng_below(rng, 10));
			ASSERT_EQ(0, pagemig_balloon_stats(BALLOON_VIRTIO, &st));
		}
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		pagemig_thread_join(th, NULL);
		kcompactd_stop(0);
		for (int i = 0; i < 10 &&
		     pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS); i++)
			;
		mm_check_invariants(true);
		rounds++;
	}
	TH_LOG("%lu rounds, %lu allocations, %lu wakes; kcompactd: %lu wake-ups, %lu scanned; %lu balloon pages migrated",
	       rounds, r.allocs, r.wakes, pagemig_vmstat("compact_daemon_wake") - w0,
	       pagemig_vmstat("compact_daemon_migrate_scanned") - ks0,
	       pagemig_vmstat("balloon_migrate") - m0);
	EXPECT_GT(rounds, 0);
}
