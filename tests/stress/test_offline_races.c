// SPDX-License-Identifier: GPL-2.0
/*
 * Offlining races, for SAN=thread YIELD=1 builds: the main thread offlines
 * and onlines 4 MiB ranges of Normal (and takes them with alloc_contig)
 * while one thread reads and writes a process's memory through its page
 * tables (every read checked against the generation last written) and
 * another inflates and deflates the virtio balloon.  -EBUSY is allowed
 * (a page in flight); corruption, a warning, a leaked page or a dirty
 * validator is not.  Seeded; bounded in time.
 *
 * Duration: STRESS_SECONDS (default 2, 20 with -l).
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include <pagemig/pagemig.h>
#include "../../mm/memory_hotplug.c"
#include "harness/mm_fixture.h"
#include "harness/iso_helpers.h"

#define NR_PROC_PAGES	2048

static unsigned long long budget_ns(void)
{
	/* Half each for the two movable_ops cores. */
	return (unsigned long long)(stress_seconds(2) * 1e9 / 2);
}

struct race {
	int pid;
	unsigned long addr;
	uint64_t seed;
	bool stop;
	unsigned long accesses, corrupted, errors, balloon_rounds;
	uint8_t gen[NR_PROC_PAGES];
};

static void *user(void *arg)
{
	struct race *r = arg;
	struct pagemig_rng rng;
	uint64_t want[PAGE_SIZE / 8], got[PAGE_SIZE / 8];

	set_cpu_id(1);
	pagemig_rng_seed(&rng, r->seed);
	while (!READ_ONCE(r->stop)) {
		unsigned long i = pagemig_rng_below(&rng, NR_PROC_PAGES);
		unsigned long a = r->addr + i * PAGE_SIZE;

		if (pagemig_rng_below(&rng, 4) == 0) {
			iso_pattern(want, r->pid, i, ++r->gen[i]);
			if (pagemig_access(r->pid, a, want, PAGE_SIZE, true))
				r->errors++;
		} else {
			iso_pattern(want, r->pid, i, r->gen[i]);
			if (pagemig_access(r->pid, a, got, PAGE_SIZE, false))
				r->errors++;
			else if (memcmp(want, got, PAGE_SIZE))
				r->corrupted++;
		}
		r->accesses++;
	}
	return NULL;
}

static void *ballooner(void *arg)
{
	struct race *r = arg;
	struct pagemig_rng rng;

	pagemig_rng_seed(&rng, r->seed ^ 0xba11);
	while (!READ_ONCE(r->stop)) {
		int ret = pagemig_balloon_set_target(BALLOON_VIRTIO,
						     pagemig_rng_below(&rng, 512), 2000);

		/* Out of memory short of the target, or pages in flight. */
		if (ret && ret != -ENOMEM && ret != -EAGAIN && ret != -ETIMEDOUT)
			r->errors++;
		r->balloon_rounds++;
	}
	return NULL;
}

/*
 * kcompactd's proactive score reads every zone's present_pages while
 * offline_pages() changes them (issue 15 row 10: a TSan report in every
 * `run offline`).  The kernel reads them without a lock, READ_ONCE().
 */
static void *scorer(void *arg)
{
	struct race *r = arg;
	unsigned long rounds = 0;

	while (!READ_ONCE(r->stop)) {
		if (fragmentation_score_node(NODE_DATA(0)) > 100)
			r->errors++;
		if (!(++rounds % 64))
			cond_resched();
	}
	return NULL;
}

/* Both movable_ops cores; the test builds its machine itself. */
FIXTURE_VARIANT(or) { enum pagemig_movable_ops core; };
FIXTURE(or) { int unused; };
MM_MOPS_VARIANTS(or, );
FIXTURE_SETUP(or) { mm_movable_ops = variant->core; }
FIXTURE_TEARDOWN(or) { mm_after_each(_metadata); }

TEST_F(or, offline_against_process_and_balloon)
{
	static struct race r;
	unsigned long long end;
	unsigned long offlined = 0, busy = 0, contig = 0, s, first, last;
	struct pagemig_rng rng;
	pthread_t th[3];
	struct zone *zone;

	mm_machine_up(32 * SZ_1M, 4 * SZ_1M, 0, 2);
	memset(&r, 0, sizeof(r));
	r.seed = test_seed();
	r.pid = iso_spawn_anon(NR_PROC_PAGES, false, &r.addr);
	ASSERT_GE(r.pid, 0);
	pagemig_rng_seed(&rng, r.seed ^ 0x0ff);
	zone = mm_zone(ZONE_NORMAL);
	first = ALIGN(zone->zone_start_pfn, ISO_RANGE);
	last = zone_end_pfn(zone) - ISO_RANGE;

	ASSERT_EQ(0, pagemig_thread_create(&th[0], "user", user, &r));
	ASSERT_EQ(0, pagemig_thread_create(&th[1], "ballooner", ballooner, &r));
	ASSERT_EQ(0, pagemig_thread_create(&th[2], "scorer", scorer, &r));
	end = ktime_get_ns() + budget_ns();
	while (ktime_get_ns() < end) {
		int ret;

		s = first + pagemig_rng_below(&rng, (last - first) / ISO_RANGE + 1) * ISO_RANGE;
		if (pagemig_rng_below(&rng, 3)) {
			ret = pagemig_offline(s, ISO_RANGE);
			if (!ret) {
				offlined++;
				ASSERT_EQ(0, pagemig_online(s, ISO_RANGE));
			}
		} else {
			ret = pagemig_alloc_contig(s, ISO_RANGE);
			if (!ret) {
				contig++;
				ASSERT_EQ(0, pagemig_free_contig(s, ISO_RANGE));
			}
		}
		if (ret) {
			EXPECT_TRUE(ret == -EBUSY || ret == -ENOMEM);
			busy++;
		}
		EXPECT_TRUE(iso_range_in_service(s, ISO_RANGE));
	}
	WRITE_ONCE(r.stop, true);
	pagemig_thread_join(th[0], NULL);
	pagemig_thread_join(th[1], NULL);
	pagemig_thread_join(th[2], NULL);
	TH_LOG("%lu offlined, %lu contig, %lu busy; %lu accesses, %lu balloon rounds",
	       offlined, contig, busy, r.accesses, r.balloon_rounds);
	EXPECT_GT(offlined + contig, 0);
	EXPECT_EQ(0, r.corrupted);
	EXPECT_EQ(0, r.errors);
	for (unsigned long i = 0; i < NR_PROC_PAGES; i++) {
		uint64_t want[PAGE_SIZE / 8], got[PAGE_SIZE / 8];

		iso_pattern(want, r.pid, i, r.gen[i]);
		ASSERT_EQ(0, pagemig_access(r.pid, r.addr + i * PAGE_SIZE, got, PAGE_SIZE, false));
		EXPECT_EQ(0, memcmp(want, got, PAGE_SIZE));
	}
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, 20000));
	EXPECT_EQ(0, pagemig_process_exit(r.pid));
}
