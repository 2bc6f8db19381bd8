// SPDX-License-Identifier: GPL-2.0
/*
 * kcompactd and proactive compaction (the last section of
 * mm/compaction.c): a failed high-order allocation wakes kcompactd,
 * which compacts a balloon-fragmented machine until an order-9 block is
 * free; the facade's wake; proactive compaction on its own timer above
 * the high watermark, never at proactiveness 0, at once when the knob is
 * written, and backing off when a pass makes no progress; fragmentation
 * scores and watermarks on hand-built free lists; and deferral shared
 * between kcompactd and direct compaction.
 *
 * The harness stops kcompactd when it builds a machine; each test here
 * starts it and stops it again before the invariants are checked, so the
 * validator never runs beside a compaction pass.
 *
 * Balloon fragmentation: fill memory with movable order-0 pages, free
 * every 8th, inflate the virtio balloon by as many (it takes exactly
 * those frames), free the rest.  No pageblock is then free whole.
 */
#include "../../mm/compaction.c"
#include "harness/mm_fixture.h"
#include "../../drivers/balloon_host.h"

/*
 * kcompactd's wake-ups and proactive intervals are tested against the clock
 * while it compacts on its own; under the deterministic scheduler each
 * simulated millisecond of a test's sleep is thousands of hand-offs while
 * kcompactd is busy (seed 1796626074 ran
 * proactive_off_at_zero_and_knob_write_triggers past the 5-minute limit).
 * Threads run at once here; test_kcompactd_races covers the races in both
 * modes.
 */
const bool test_parallel_by_default = true;

#define TIMEOUT_MS	10000
#define MAX_PFNS	(32 * 256)
#define GFP_NOWAIT_MOVABLE	(GFP_NOWAIT | __GFP_MOVABLE)

static unsigned long pfns[MAX_PFNS];

static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }
static struct zone *dma32(void) { return mm_zone(ZONE_DMA32); }

static unsigned long big_blocks(struct zone *zone)
{
	return READ_ONCE(zone->free_area[9].nr_free) +
	       READ_ONCE(zone->free_area[10].nr_free);
}

/* Poll @cond every 2 ms for up to TIMEOUT_MS; true if it came true. */
#define wait_until(cond) ({						\
	unsigned long long __end = ktime_get_ns() +			\
		(unsigned long long)TIMEOUT_MS * 1000000ULL;		\
	bool __ok;							\
	while (!(__ok = (cond)) && ktime_get_ns() < __end)		\
		msleep(2);						\
	__ok;								\
})

/*
 * Fill memory with @gfp order-0 pages and free every @every-th.  With
 * @balloon, inflate the virtio balloon by as many and free the rest;
 * otherwise keep the rest (*@nr_kept of them, for unfragment()).
 */
static void fragment(struct __test_metadata *_metadata, unsigned int gfp,
		     unsigned long every, bool balloon, unsigned long *nr_kept)
{
	unsigned long n = 0, holes = 0, i, pfn;
	struct pagemig_balloon_stats st;
	int ret;

	while (n < MAX_PFNS && !pagemig_alloc_pages(gfp | __GFP_NOWARN | __GFP_NORETRY, 0, &pfn))
		pfns[n++] = pfn;
	ASSERT_LT(n, MAX_PFNS);
	for (i = 0; i < n; i += every, holes++) {
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
		pfns[i] = ULONG_MAX;
	}
	*nr_kept = n;
	if (!balloon)
		goto out;
	ret = pagemig_balloon_set_target(BALLOON_VIRTIO, holes, TIMEOUT_MS);
	ASSERT_TRUE(ret == 0 || ret == -ENOMEM);
	ASSERT_EQ(0, pagemig_balloon_stats(BALLOON_VIRTIO, &st));
	ASSERT_GT(st.size, holes / 2);
	if (ret)
		ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, st.size, TIMEOUT_MS));
	for (i = 0; i < n; i++)
		if (pfns[i] != ULONG_MAX)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	*nr_kept = 0;
out:
	drain_all_pages(NULL);
}

static void unfragment(struct __test_metadata *_metadata, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (pfns[i] != ULONG_MAX)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
}

/* Stop the daemon, empty the balloon, check, tear down. */
#define KC_TEARDOWN() do {						\
	pagemig_fault_disarm_all();					\
	if (!pagemig_machine_ready())					\
		return;							\
	kcompactd_stop(0);						\
	EXPECT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS)); \
	mm_check_invariants(true);					\
	pagemig_machine_exit();						\
} while (0)

/* 32 MiB: DMA32 is one pageblock, Normal fifteen. */
/* Every test in both movable_ops cores. */
FIXTURE_VARIANT(kc) { enum pagemig_movable_ops core; };
FIXTURE(kc) {
	unsigned long kept;
};
MM_MOPS_VARIANTS(kc, );
FIXTURE_SETUP(kc)
{
	mm_movable_ops = variant->core;
	mm_machine_up(32 * SZ_1M, 2 * SZ_1M, 0, 2);
	self->kept = 0;
}
FIXTURE_TEARDOWN(kc)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	kcompactd_stop(0);
	unfragment(_metadata, self->kept);
	KC_TEARDOWN();
}

/* ---- woken by allocation failure ---------------------------------------- */

TEST_F(kc, failed_high_order_allocation_wakes_kcompactd)
{
	unsigned long w0, ms0, fs0, m0, pfn;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	ASSERT_EQ(0, big_blocks(normal()));
	/* Only the wake-up may compact here, not the proactive timer. */
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	w0 = pagemig_vmstat("compact_daemon_wake");
	ms0 = pagemig_vmstat("compact_daemon_migrate_scanned");
	fs0 = pagemig_vmstat("compact_daemon_free_scanned");
	m0 = pagemig_vmstat("balloon_migrate");

	/* Order 0 never wakes it. */
	wakeup_kcompactd(NODE_DATA(0), 0, ZONE_NORMAL);
	EXPECT_EQ(0, READ_ONCE(NODE_DATA(0)->kcompactd_max_order));

	/* No direct reclaim, so no direct compaction: only kcompactd acts. */
	EXPECT_EQ(-ENOMEM, pagemig_alloc_pages(GFP_NOWAIT_MOVABLE, 9, &pfn));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_wake") > w0));
	ASSERT_TRUE(wait_until(big_blocks(normal()) > 0));
	/* Done with the request: the recorded order goes back to 0. */
	EXPECT_TRUE(wait_until(READ_ONCE(NODE_DATA(0)->kcompactd_max_order) == 0));
	EXPECT_GT(pagemig_vmstat("compact_daemon_migrate_scanned"), ms0);
	EXPECT_GT(pagemig_vmstat("compact_daemon_free_scanned"), fs0);
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	/* It succeeded: order 9 is not deferred. */
	EXPECT_GT(READ_ONCE(normal()->compact_order_failed), 9);
	EXPECT_FALSE(compaction_deferred(normal(), 9));

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_NOWAIT_MOVABLE, 9, &pfn));
	EXPECT_EQ(0, pfn % 512);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 9));
}

TEST_F(kc, facade_wake)
{
	unsigned long w0 = pagemig_vmstat("compact_daemon_wake");

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	EXPECT_EQ(-ESRCH, pagemig_kcompactd_wake(9));
	ASSERT_EQ(0, kcompactd_run(0));
	EXPECT_EQ(0, kcompactd_run(0));		/* running already */
	EXPECT_EQ(-EINVAL, pagemig_kcompactd_wake(0));
	EXPECT_EQ(-EINVAL, pagemig_kcompactd_wake(11));
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(big_blocks(normal()) > 0));
	EXPECT_TRUE(wait_until(pagemig_vmstat("compact_daemon_wake") == w0 + 1));
	/* Stopping returns at once, not after the 500 ms sleep. */
	{
		unsigned long long t0 = ktime_get_ns();

		kcompactd_stop(0);
		EXPECT_LT(ktime_get_ns() - t0, 250ULL * 1000000);
	}
	EXPECT_EQ(NULL, NODE_DATA(0)->kcompactd);
	EXPECT_EQ(-ESRCH, pagemig_kcompactd_wake(9));
}

/*
 * pagemig_validate() in parallel mode stops kcompactd for its walk and
 * starts it again (a new thread); under the deterministic scheduler it
 * leaves it alone.  Either way kcompactd runs afterwards and answers a
 * wake-up.
 */
TEST_F(kc, validate_leaves_kcompactd_running)
{
	struct task_struct *task;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	task = NODE_DATA(0)->kcompactd;
	EXPECT_EQ(0, pagemig_validate(stderr));
	ASSERT_NOT_NULL(NODE_DATA(0)->kcompactd);
	if (pagemig_sched_on())
		EXPECT_EQ(task, NODE_DATA(0)->kcompactd);
	else
		TH_LOG("parallel: kcompactd restarted");
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	EXPECT_TRUE(wait_until(big_blocks(normal()) > 0));
	kcompactd_stop(0);
}

/* A machine with a free order-9 block does not wake it at all. */
TEST_F(kc, not_woken_when_nothing_to_do)
{
	unsigned long w0 = pagemig_vmstat("compact_daemon_wake");

	WRITE_ONCE(NODE_DATA(0)->kcompactd_max_order, 9);
	EXPECT_FALSE(kcompactd_node_suitable(NODE_DATA(0)));
	WRITE_ONCE(NODE_DATA(0)->kcompactd_max_order, 0);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	/*
	 * Let it reach its sleep: a thread still starting would find the
	 * request below in its first look at the condition.  The request
	 * stays recorded (upstream looks at it when the daemon next wakes),
	 * but nobody is woken for it now.
	 */
	msleep(50);
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	msleep(50);
	EXPECT_EQ(w0, pagemig_vmstat("compact_daemon_wake"));
}

/* ---- proactive compaction --------------------------------------------------- */

TEST_F(kc, proactive_runs_on_its_own_above_the_watermark)
{
	unsigned long w0 = pagemig_vmstat("compact_daemon_wake");
	unsigned long long t0;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	EXPECT_EQ(20, pagemig_compaction_proactiveness_get());
	EXPECT_EQ(100, pagemig_fragmentation_score(ZONE_NORMAL));
	ASSERT_GT(pagemig_fragmentation_score(-1), (int)fragmentation_score_wmark(false));
	t0 = ktime_get_ns();
	ASSERT_EQ(0, kcompactd_run(0));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_migrate_scanned") > 0));
	/* The first check comes after one interval, not before. */
	EXPECT_GE(ktime_get_ns() - t0, (HPAGE_FRAG_CHECK_INTERVAL_MSEC - 50) * 1000000ULL);
	/* Each zone is brought down to the low watermark, then it stops. */
	ASSERT_TRUE(wait_until(pagemig_fragmentation_score(ZONE_NORMAL) <=
			       (int)fragmentation_score_wmark(true)));
	EXPECT_LE(pagemig_fragmentation_score(-1), (int)fragmentation_score_wmark(false));
	EXPECT_GT(big_blocks(normal()), 0);
	/* Proactive passes are not kcompactd_do_work() wake-ups. */
	EXPECT_EQ(w0, pagemig_vmstat("compact_daemon_wake"));
}

TEST_F(kc, proactive_off_at_zero_and_knob_write_triggers)
{
	unsigned long long t0;
	int score;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	EXPECT_EQ(0, pagemig_compaction_proactiveness_get());
	EXPECT_EQ(-EINVAL, pagemig_compaction_proactiveness_set(101));
	EXPECT_EQ(-EINVAL, pagemig_compaction_proactiveness_set(-1));
	score = pagemig_fragmentation_score(-1);
	ASSERT_EQ(0, kcompactd_run(0));
	msleep(HPAGE_FRAG_CHECK_INTERVAL_MSEC + 200);
	EXPECT_EQ(0, pagemig_vmstat("compact_daemon_migrate_scanned"));
	EXPECT_EQ(score, pagemig_fragmentation_score(-1));

	/* Writing a non-zero value asks for a check now. */
	t0 = ktime_get_ns();
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(20));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_migrate_scanned") > 0));
	EXPECT_LT(ktime_get_ns() - t0, (HPAGE_FRAG_CHECK_INTERVAL_MSEC - 100) * 1000000ULL);
	EXPECT_TRUE(wait_until(pagemig_fragmentation_score(ZONE_NORMAL) <=
			       (int)fragmentation_score_wmark(true)));
}

/* Unmovable holes: a pass cannot lower the score, so it backs off. */
TEST_F(kc, proactive_backs_off_without_progress)
{
	unsigned long ms;

	fragment(_metadata, GFP_KERNEL, 4, false, &self->kept);
	ASSERT_GT(pagemig_fragmentation_score(-1), 90);
	ASSERT_EQ(0, kcompactd_run(0));
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(20));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_migrate_scanned") > 0));
	msleep(100);
	ms = pagemig_vmstat("compact_daemon_migrate_scanned");
	/* Without the back-off a second pass would start within 500 ms. */
	msleep(2 * HPAGE_FRAG_CHECK_INTERVAL_MSEC + 100);
	EXPECT_EQ(ms, pagemig_vmstat("compact_daemon_migrate_scanned"));
	EXPECT_EQ(0, pagemig_vmstat("balloon_migrate"));
}

TEST(proactiveness_watermarks)
{
	static const struct { unsigned int p, low, high; } t[] = {
		{ 0, 100, 100 }, { 1, 99, 100 }, { 20, 80, 90 }, { 50, 50, 60 },
		{ 90, 10, 15 }, { 95, 5, 7 }, { 99, 1, 1 }, { 100, 0, 0 },
	};

	mm_machine_up(8 * SZ_1M, 4 * SZ_1M, 0, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++) {
		ASSERT_EQ(0, compaction_proactiveness_set(t[i].p));
		EXPECT_EQ(t[i].low, fragmentation_score_wmark(true));
		EXPECT_EQ(t[i].high, fragmentation_score_wmark(false));
	}
	EXPECT_EQ(-EINVAL, compaction_proactiveness_set(101));
	EXPECT_EQ(100U, sysctl_compaction_proactiveness);
	/* A new machine boots with the default. */
	mm_machine_up(8 * SZ_1M, 4 * SZ_1M, 0, 1);
	EXPECT_EQ(20, pagemig_compaction_proactiveness_get());
	EXPECT_EQ(NULL, NODE_DATA(0)->kcompactd);	/* harness stopped it */
}

/* ---- fragmentation scores on hand-built free lists ------------------------ */

static unsigned long *hoard;

/* Take every free page of every zone out of the buddy. */
static void hoard_all(void)
{
	struct zone *zone;

	hoard = calloc(BITS_TO_LONGS(max_pfn), sizeof(long));
	drain_all_pages(NULL);
	for_each_populated_zone(zone) {
		unsigned long n = 0;
		unsigned int order;
		int mt;

		spin_lock(&zone->lock);
		for_each_migratetype_order(order, mt) {
			struct list_head *list = &zone->free_area[order].free_list[mt];

			while (!list_empty(list)) {
				struct page *page = list_first_entry(list, struct page, buddy_list);
				unsigned long pfn = page_to_pfn(page), i;

				del_page_from_free_list(page, zone, order, mt);
				for (i = 0; i < (1UL << order); i++)
					__set_bit(pfn + i, hoard);
				n += 1UL << order;
			}
		}
		spin_unlock(&zone->lock);
		account_used_pages((long)n);
	}
}

static void unhoard(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	struct zone *zone = page_zone(page);

	if (!test_bit(pfn, hoard))
		return;
	__clear_bit(pfn, hoard);
	page->flags &= ~PAGE_FLAGS_MASK;
	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, 0, get_pfnblock_migratetype(page, pfn), FPI_NONE);
	spin_unlock(&zone->lock);
	account_used_pages(-1);
}

static void unhoard_all(void)
{
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		unhoard(pfn);
	free(hoard);
	hoard = NULL;
}

/* 8M, DMA32 4M: two zones of 1024 pages, DMA32 = pfn 0..1023. */
TEST(fragmentation_scores)
{
	unsigned long base, pfn;

	mm_machine_up(8 * SZ_1M, 4 * SZ_1M, 0, 1);
	/* Fresh: every free page is in an order-10 block. */
	EXPECT_EQ(0, pagemig_fragmentation_score(-1));
	EXPECT_EQ(0, pagemig_fragmentation_score(ZONE_DMA32));
	EXPECT_EQ(0, pagemig_fragmentation_score(ZONE_NORMAL));
	EXPECT_EQ(-EINVAL, pagemig_fragmentation_score(ZONE_MOVABLE));
	EXPECT_EQ(-EINVAL, pagemig_fragmentation_score(3));
	EXPECT_EQ(-EINVAL, pagemig_fragmentation_score(-2));

	/* Nothing free: 0, not a division by zero. */
	hoard_all();
	EXPECT_EQ(0, extfrag_for_order(normal(), 9));
	EXPECT_EQ(0, pagemig_fragmentation_score(-1));

	/* DMA32: 100 lone pages.  All fragmented at order 9. */
	for (pfn = 0; pfn < 200; pfn += 2)
		unhoard(pfn);
	EXPECT_EQ(100, fragmentation_score_zone(dma32()));
	EXPECT_EQ(0, extfrag_for_order(dma32(), 0));
	/* Normal: one whole order-9 block plus 128 lone pages: 128/640. */
	base = normal()->zone_start_pfn;
	for (pfn = base; pfn < base + 512; pfn++)
		unhoard(pfn);
	for (pfn = base + 512; pfn < base + 768; pfn += 2)
		unhoard(pfn);
	EXPECT_EQ(1, normal()->free_area[9].nr_free);
	EXPECT_EQ(20, fragmentation_score_zone(normal()));
	EXPECT_EQ(20, pagemig_fragmentation_score(ZONE_NORMAL));
	/* Order 10 counts only what is in order-10 blocks: all of it fails. */
	EXPECT_EQ(100, extfrag_for_order(normal(), 10));
	/* Lone pages suit order 0 and 1 differently: 0 and 128/640. */
	EXPECT_EQ(0, extfrag_for_order(normal(), 0));
	EXPECT_EQ(20, extfrag_for_order(normal(), 1));
	/*
	 * Node: each zone weighted by 1024 / (2048 + 1), rounded down per
	 * zone: 102400 / 2049 = 49 and 20480 / 2049 = 9.
	 */
	EXPECT_EQ(49, fragmentation_score_zone_weighted(dma32()));
	EXPECT_EQ(9, fragmentation_score_zone_weighted(normal()));
	EXPECT_EQ(58, pagemig_fragmentation_score(-1));
	/* The default high watermark is 90: no proactive pass here. */
	EXPECT_FALSE(should_proactive_compact_node(NODE_DATA(0)));
	ASSERT_EQ(0, compaction_proactiveness_set(50));	/* 50 / 60 */
	EXPECT_FALSE(should_proactive_compact_node(NODE_DATA(0)));
	ASSERT_EQ(0, compaction_proactiveness_set(45));	/* 55 / 65 */
	EXPECT_FALSE(should_proactive_compact_node(NODE_DATA(0)));
	ASSERT_EQ(0, compaction_proactiveness_set(50 + 1));	/* 49 / 59 */
	EXPECT_FALSE(should_proactive_compact_node(NODE_DATA(0)));
	ASSERT_EQ(0, compaction_proactiveness_set(53));	/* 47 / 57: 58 > 57 */
	EXPECT_TRUE(should_proactive_compact_node(NODE_DATA(0)));
	ASSERT_EQ(0, compaction_proactiveness_set(0));
	EXPECT_FALSE(should_proactive_compact_node(NODE_DATA(0)));
	unhoard_all();
	EXPECT_EQ(0, pagemig_fragmentation_score(-1));
}

/* ---- deferral shared with direct compaction ------------------------------- */

/* Unmovable holes: kcompactd fails and defers the zone for order 9. */
TEST_F(kc, kcompactd_defers_and_direct_compaction_honours_it)
{
	unsigned long w0, pfn;

	fragment(_metadata, GFP_KERNEL, 4, false, &self->kept);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	ASSERT_EQ(0, READ_ONCE(normal()->compact_defer_shift));
	w0 = pagemig_vmstat("compact_daemon_wake");
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(READ_ONCE(normal()->compact_defer_shift) == 1));
	EXPECT_EQ(9, READ_ONCE(normal()->compact_order_failed));
	EXPECT_EQ(w0 + 1, pagemig_vmstat("compact_daemon_wake"));
	ASSERT_TRUE(wait_until(READ_ONCE(NODE_DATA(0)->kcompactd_max_order) == 0));
	kcompactd_stop(0);

	/*
	 * Direct compaction reads the same state.  Shift 1 skips one try
	 * in two: this one is skipped, the allocation's async round is let
	 * through, and its sync round fails and defers further (shift 2).
	 */
	EXPECT_EQ(0, READ_ONCE(normal()->compact_considered));
	EXPECT_TRUE(compaction_deferred(normal(), 9));
	EXPECT_EQ(1, READ_ONCE(normal()->compact_considered));
	EXPECT_EQ(-ENOMEM, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 9, &pfn));
	EXPECT_EQ(2, READ_ONCE(normal()->compact_defer_shift));
	EXPECT_EQ(0, READ_ONCE(normal()->compact_considered));
	/* A lower order is not deferred by an order-9 failure. */
	EXPECT_FALSE(compaction_deferred(normal(), 8));
}

/* kcompactd skips a deferred zone, then resets the deferral on success. */
TEST_F(kc, kcompactd_skips_deferred_zone_then_resets)
{
	unsigned long w0, m0;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	defer_compaction(normal(), 9);		/* skip one attempt of two */
	ASSERT_EQ(1, normal()->compact_defer_shift);
	ASSERT_EQ(9, normal()->compact_order_failed);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	w0 = pagemig_vmstat("compact_daemon_wake");
	m0 = pagemig_vmstat("balloon_migrate");

	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(READ_ONCE(normal()->compact_considered) == 1));
	ASSERT_TRUE(wait_until(READ_ONCE(NODE_DATA(0)->kcompactd_max_order) == 0));
	EXPECT_EQ(w0 + 1, pagemig_vmstat("compact_daemon_wake"));
	EXPECT_EQ(0, big_blocks(normal()));
	EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));

	/* Second try is allowed: it compacts, succeeds, resets. */
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(big_blocks(normal()) > 0));
	ASSERT_TRUE(wait_until(READ_ONCE(normal()->compact_order_failed) == 10));
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	EXPECT_EQ(w0 + 2, pagemig_vmstat("compact_daemon_wake"));
	/* kcompactd's reset is not an allocation: the shift stays. */
	EXPECT_EQ(1, READ_ONCE(normal()->compact_defer_shift));
}

/* ---- skip hints ------------------------------------------------------------- */

static unsigned long skip_blocks(struct zone *zone)
{
	unsigned long pfn, n = 0;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages)
		n += get_pageblock_skip(pfn_to_page(pfn));
	return n;
}

static void set_skip_blocks(struct zone *zone)
{
	unsigned long pfn;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages)
		set_pageblock_skip(pfn_to_page(pfn));
}

/*
 * Regression: compact_blockskip_flush was set when direct compaction's
 * scanners met but never read, so skip bits stayed until a compaction
 * restarted after the deepest deferral.  kcompactd, our kswapd, resets
 * the zones that ask for it when it goes back to sleep, and only those.
 */
TEST_F(kc, kcompactd_resets_flagged_skip_hints_before_sleeping)
{
	unsigned long w0;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	set_skip_blocks(normal());
	set_skip_blocks(dma32());
	WRITE_ONCE(normal()->compact_blockskip_flush, true);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	w0 = pagemig_vmstat("compact_daemon_wake");

	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_wake") > w0));
	EXPECT_TRUE(wait_until(skip_blocks(normal()) == 0));
	EXPECT_FALSE(READ_ONCE(normal()->compact_blockskip_flush));
	kcompactd_stop(0);
	/* Not flagged: its hints stay. */
	EXPECT_EQ((zone_end_pfn(dma32()) - dma32()->zone_start_pfn) / pageblock_nr_pages,
		  skip_blocks(dma32()));
}

/* No flag, no reset: hints a compaction left outlive kcompactd's round. */
TEST_F(kc, kcompactd_keeps_skip_hints_without_the_flag)
{
	unsigned long w0, nr;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, true, &self->kept);
	set_skip_blocks(normal());
	nr = skip_blocks(normal());
	ASSERT_GT(nr, 0);
	ASSERT_EQ(0, pagemig_compaction_proactiveness_set(0));
	ASSERT_EQ(0, kcompactd_run(0));
	w0 = pagemig_vmstat("compact_daemon_wake");
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	ASSERT_TRUE(wait_until(pagemig_vmstat("compact_daemon_wake") > w0));
	ASSERT_TRUE(wait_until(READ_ONCE(NODE_DATA(0)->kcompactd_max_order) == 0));
	kcompactd_stop(0);
	EXPECT_EQ(nr, skip_blocks(normal()));
}
