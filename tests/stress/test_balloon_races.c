// SPDX-License-Identifier: GPL-2.0
/*
 * Balloon races, for SAN=thread YIELD=1 builds: a balloon shrinking and
 * growing through its worker while another thread compacts (isolation and
 * dequeue contend for balloon_pages_lock -- the balloon takes no page lock
 * since the 2026 balloon series; a dequeued page not yet freed must
 * refuse isolation), and compaction racing inflation with the virtio
 * mutex held (-EAGAIN, then success on a later pass).  Seeded; after each
 * run: drain, validator clean, balloon invariants, no page leaked, no
 * warning.
 *
 * Duration: STRESS_SECONDS (default 2, 20 with -l) split over the tests.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "../../drivers/virtio_balloon.c"
#include "harness/mm_fixture.h"

#define NR_TESTS	2	/* per movable_ops core: each runs both tests */
#define TIMEOUT_MS	20000

static unsigned long long budget_ns(void)
{
	return (unsigned long long)(stress_seconds(2) * 1e9 / NR_TESTS);
}

struct race {
	int stop;
	unsigned long compactions;
	uint64_t seed;
};

static void *compactor(void *arg)
{
	struct race *r = arg;
	struct pagemig_rng rng;

	set_cpu_id(1);
	pagemig_rng_seed(&rng, r->seed);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		int order = (int)pagemig_rng_below(&rng, 12) - 1;	/* -1..10 */

		pagemig_compact(order);
		r->compactions++;
	}
	return NULL;
}

/* Fill with movable pages, free every 4th, give the holes to the balloon. */
static void fragment(struct __test_metadata *_metadata, unsigned long *pfns,
		     unsigned long max, int drv)
{
	unsigned long n = 0, holes = 0, i, pfn;
	struct pagemig_balloon_stats st;

	while (n < max && !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY,
						    0, &pfn))
		pfns[n++] = pfn;
	for (i = 0; i < n; i += 4, holes++)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	pagemig_balloon_set_target(drv, holes, TIMEOUT_MS);
	for (i = 0; i < n; i++)
		if (i % 4)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	ASSERT_EQ(0, pagemig_balloon_stats(drv, &st));
	ASSERT_GT(st.size, 0);
}

static void finish(struct __test_metadata *_metadata, int drv)
{
	/* Deflate fully: pages isolated a moment ago come back first. */
	for (int i = 0; i < 10 && pagemig_balloon_set_target(drv, 0, TIMEOUT_MS); i++)
		;
	drain_all_pages(NULL);
	EXPECT_EQ(0, pagemig_validate(stderr));
}

MM_FIXTURE_MOPS(br, 16 * SZ_1M, 2 * SZ_1M, 0, 2)

/* Deflate and inflate (vmw, cmm, virtio in turn) while compaction runs. */
TEST_F(br, deflate_races_compaction)
{
	static unsigned long pfns[4096];
	static const int drvs[] = { BALLOON_VIRTIO, BALLOON_VMW, BALLOON_CMM };
	struct race r = { .seed = test_seed() };
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long rounds = 0, m0 = pagemig_vmstat("balloon_migrate");
	pthread_t th;

	while (ktime_get_ns() < end) {
		int drv = drvs[rounds % 3];
		struct pagemig_balloon_stats st;

		fragment(_metadata, pfns, ARRAY_SIZE(pfns), drv);
		ASSERT_EQ(0, pagemig_balloon_stats(drv, &st));
		__atomic_store_n(&r.stop, 0, __ATOMIC_RELEASE);
		r.seed++;
		ASSERT_EQ(0, pagemig_thread_create(&th, "compactor", compactor, &r));
		/* Shrink in random steps while the compactor isolates. */
		while (st.size) {
			unsigned long step = 1 + pagemig_rng_below(rng, 64);
			unsigned long target = st.size > step ? st.size - step : 0;
			int ret = pagemig_balloon_set_target(drv, target, TIMEOUT_MS);

			ASSERT_TRUE(ret == 0 || ret == -EAGAIN);
			ASSERT_EQ(0, pagemig_balloon_stats(drv, &st));
			if (pagemig_rng_below(rng, 8) == 0)
				pagemig_balloon_set_target(drv, st.size + step, TIMEOUT_MS);
			ASSERT_EQ(0, pagemig_balloon_stats(drv, &st));
		}
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		pagemig_thread_join(th, NULL);
		finish(_metadata, drv);
		mm_check_invariants(true);
		rounds++;
	}
	TH_LOG("%lu rounds, %lu compactions, %lu balloon pages migrated",
	       rounds, r.compactions, pagemig_vmstat("balloon_migrate") - m0);
	EXPECT_GT(rounds, 0);
}

/* Compaction while fill_balloon() holds the mutex: -EAGAIN, then success. */
TEST_F(br, compaction_races_inflate_with_mutex)
{
	static unsigned long pfns[4096];
	struct race r = { .seed = test_seed() + 1000 };
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long rounds = 0, m0 = pagemig_vmstat("balloon_migrate");
	struct pagemig_rng *rng = test_rng();
	pthread_t th;

	fragment(_metadata, pfns, ARRAY_SIZE(pfns), BALLOON_VIRTIO);
	ASSERT_EQ(0, pagemig_thread_create(&th, "compactor", compactor, &r));
	while (ktime_get_ns() < end) {
		unsigned long size = vb_size(&vb_dev->host);

		/* Hold the mutex the way an inflation does, for a moment. */
		mutex_lock(&vb_dev->balloon_lock);
		debug_yield();
		test_usleep((unsigned int)pagemig_rng_below(rng, 500));
		mutex_unlock(&vb_dev->balloon_lock);
		/* And real inflation/deflation in small steps. */
		pagemig_balloon_set_target(BALLOON_VIRTIO,
					   size + pagemig_rng_below(rng, 16), TIMEOUT_MS);
		pagemig_balloon_set_target(BALLOON_VIRTIO,
					   size - min(size, pagemig_rng_below(rng, 16)), TIMEOUT_MS);
		rounds++;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	TH_LOG("%lu rounds, %lu compactions, %lu balloon pages migrated",
	       rounds, r.compactions, pagemig_vmstat("balloon_migrate") - m0);
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	mm_check_invariants(false);
	finish(_metadata, BALLOON_VIRTIO);
}
