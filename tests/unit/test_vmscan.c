// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmscan.c: kswapd and the watermark boost.  A boosted zone wakes
 * kswapd (wakeup_kswapd()); its round (balance_pgdat()) counts
 * pageoutrun, reclaims with what pagemig has, takes the boost it noted
 * off the zone and asks kcompactd for a pageblock-order block.  A node
 * that is balanced with no boost is left to kcompactd alone.  The boost
 * itself (set by a fallback) is tested in test_page_alloc.c.
 *
 * The fixture stops kswapd and kcompactd (background work is opt-in in
 * unit tests); a request to the stopped kcompactd stays in
 * pgdat->kcompactd_max_order, where the tests read it.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_vmscan
 */
#include "../../mm/vmscan.c"
#include "harness/mm_fixture.h"

/* Normal: 7168 pages, as in test_page_alloc's boost fixture. */
MM_FIXTURE(kswapd, 32 * SZ_1M, 4 * SZ_1M, 0, 2)

static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }

/* Wait (simulated time) for @cond, at most about a second. */
#define WAIT_FOR(cond) ({						\
	int __i;							\
	for (__i = 0; __i < 10000 && !(cond); __i++)			\
		test_usleep(100);					\
	(cond);								\
})

TEST_F(kswapd, boost_wakes_kswapd_which_clears_it_and_wakes_kcompactd)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long runs = pagemig_vmstat("pageoutrun");

	/* The fixture stops both daemons: start kswapd alone. */
	ASSERT_EQ(0, kswapd_run(0));
	ASSERT_NOT_NULL(READ_ONCE(pgdat->kswapd));
	ASSERT_NULL(READ_ONCE(pgdat->kcompactd));
	WRITE_ONCE(pgdat->kcompactd_max_order, 0);

	/* What boost_watermark() does after a fallback. */
	spin_lock(&normal()->lock);
	WRITE_ONCE(normal()->watermark_boost, pageblock_nr_pages);
	spin_unlock(&normal()->lock);
	EXPECT_TRUE(pgdat_watermark_boosted(pgdat, ZONE_NORMAL));
	EXPECT_FALSE(pgdat_watermark_boosted(pgdat, ZONE_DMA32));

	wakeup_kswapd(normal(), 0, 0, ZONE_NORMAL);
	ASSERT_TRUE(WAIT_FOR(READ_ONCE(normal()->watermark_boost) == 0));
	ASSERT_TRUE(WAIT_FOR(pagemig_vmstat("pageoutrun") == runs + 1));
	/* balance_pgdat() asked kcompactd for a pageblock. */
	EXPECT_EQ(pageblock_order, READ_ONCE(pgdat->kcompactd_max_order));
	EXPECT_LE(READ_ONCE(pgdat->kcompactd_highest_zoneidx), ZONE_NORMAL);
	/* The request was taken: nothing is pending for the next round. */
	EXPECT_EQ(MAX_NR_ZONES, READ_ONCE(pgdat->kswapd_highest_zoneidx));
	EXPECT_FALSE(READ_ONCE(pgdat->kswapd_wake));
}

TEST_F(kswapd, balanced_node_without_boost_goes_to_kcompactd)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long runs = pagemig_vmstat("pageoutrun");

	ASSERT_EQ(0, kswapd_run(0));
	WRITE_ONCE(pgdat->kcompactd_max_order, 0);
	/* A fresh machine is all free: balanced at every order up to 10. */
	EXPECT_TRUE(pgdat_balanced(pgdat, 3, ZONE_NORMAL));
	EXPECT_FALSE(pgdat_watermark_boosted(pgdat, ZONE_NORMAL));
	wakeup_kswapd(normal(), GFP_NOWAIT, 3, ZONE_NORMAL);
	EXPECT_FALSE(READ_ONCE(pgdat->kswapd_wake));
	EXPECT_EQ(3, READ_ONCE(pgdat->kcompactd_max_order));
	/* A caller that may compact directly does not wake it either. */
	WRITE_ONCE(pgdat->kcompactd_max_order, 0);
	wakeup_kswapd(normal(), GFP_KERNEL, 3, ZONE_NORMAL);
	EXPECT_EQ(0, READ_ONCE(pgdat->kcompactd_max_order));
	test_usleep(1000);
	EXPECT_EQ(runs, pagemig_vmstat("pageoutrun"));
}

TEST_F(kswapd, balance_pgdat_takes_off_the_boost_it_noted)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long runs = pagemig_vmstat("pageoutrun");

	/* kswapd is not running: run its round here. */
	spin_lock(&normal()->lock);
	WRITE_ONCE(normal()->watermark_boost, pageblock_nr_pages);
	spin_unlock(&normal()->lock);
	EXPECT_EQ(0, balance_pgdat(pgdat, 0, ZONE_NORMAL));
	EXPECT_EQ(0, normal()->watermark_boost);
	EXPECT_EQ(runs + 1, pagemig_vmstat("pageoutrun"));
	/*
	 * Balanced, so it reclaimed for the boost alone; nothing came back
	 * (no shrinker here): the round stopped and counts as a failure.
	 */
	EXPECT_EQ(1, pgdat->kswapd_failures);
	EXPECT_EQ(pageblock_order, READ_ONCE(pgdat->kcompactd_max_order));
}

/* What the zones' flags were while a shrinker ran. */
static unsigned long seen_flags[MAX_NR_ZONES];

static unsigned long note_flags_count(void *data)
{
	int i;

	(void)data;
	for (i = 0; i < MAX_NR_ZONES; i++)
		seen_flags[i] = READ_ONCE(NODE_DATA(0)->node_zones[i].flags);
	return 0;
}

static void note_flags_scan(void *data)
{
	(void)data;
}

/*
 * While kswapd balances a node, the zones up to the one it balances for
 * are ZONE_RECLAIM_ACTIVE (their per-CPU lists stay small); the flag goes
 * when the round ends.
 */
TEST_F(kswapd, reclaim_active_while_balancing)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	ASSERT_EQ(0, register_shrinker(note_flags_count, note_flags_scan,
				       seen_flags));
	memset(seen_flags, 0, sizeof(seen_flags));
	/* A boost makes it reclaim (call the shrinkers) though balanced. */
	spin_lock(&mm_zone(ZONE_DMA32)->lock);
	WRITE_ONCE(mm_zone(ZONE_DMA32)->watermark_boost, pageblock_nr_pages);
	spin_unlock(&mm_zone(ZONE_DMA32)->lock);
	balance_pgdat(pgdat, 0, ZONE_DMA32);
	unregister_shrinker(seen_flags);
	EXPECT_TRUE(seen_flags[ZONE_DMA32] & BIT(ZONE_RECLAIM_ACTIVE));
	EXPECT_FALSE(seen_flags[ZONE_NORMAL] & BIT(ZONE_RECLAIM_ACTIVE));
	EXPECT_FALSE(test_bit(ZONE_RECLAIM_ACTIVE, &mm_zone(ZONE_DMA32)->flags));
}
