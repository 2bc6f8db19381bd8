// SPDX-License-Identifier: GPL-2.0
/*
 * mm/compaction.c on machines fragmented by balloon pages: fill memory
 * with movable order-0 pages, free every 8th, inflate a balloon by that
 * many (it takes exactly those frames), free the rest.  Then: full
 * compaction moves balloon pages and makes order-9/10 blocks, with its
 * scanner counters; skip bits are honoured by non-full compaction and
 * ignored by full; order-targeted compaction stops at COMPACT_SUCCESS;
 * direct compaction lets an order-9 movable allocation succeed, and fails
 * cleanly (and defers) when nothing can be moved; deferral counters,
 * fragmentation_index() values and the compaction_suitable() gap; and
 * fault loops over every point on the migration path.
 */
#include "../../mm/compaction.c"
#include "harness/mm_fixture.h"
#include "harness/dummy_mops.h"
#include <pagemig/page-isolation.h>
#include "../../drivers/balloon_host.h"

#define TIMEOUT_MS	10000
#define MAX_PFNS	(32 * 256)

static unsigned long big_blocks(void)
{
	struct pagemig_zone_stats st;
	unsigned long n = 0;

	for (int z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &st) || !st.populated)
			continue;
		n += st.nr_free[9] + st.nr_free[10];
	}
	return n;
}

static unsigned long pfns[MAX_PFNS];

/*
 * Fill memory with @gfp order-0 pages; free every @every-th; if @drv >= 0
 * inflate that balloon by as many; free the rest unless @keep.  Returns
 * the balloon's size (or the number of holes).
 */
static unsigned long fragment(struct __test_metadata *_metadata, unsigned int gfp,
			      unsigned long every, int drv, bool keep,
			      unsigned long *nr_kept)
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
	if (drv >= 0) {
		ret = pagemig_balloon_set_target(drv, holes, TIMEOUT_MS);
		ASSERT_TRUE(ret == 0 || ret == -ENOMEM);
		ASSERT_EQ(0, pagemig_balloon_stats(drv, &st));
		holes = st.size;
		ASSERT_GT(holes, n / every / 2);
		/* The worker settles at its size: keep the target there. */
		if (ret)
			ASSERT_EQ(0, pagemig_balloon_set_target(drv, holes, TIMEOUT_MS));
	}
	if (nr_kept)
		*nr_kept = n;
	if (!keep)
		for (i = 0; i < n; i++)
			if (pfns[i] != ULONG_MAX)
				ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	drain_all_pages(NULL);
	return holes;
}

static void unfragment(struct __test_metadata *_metadata, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (pfns[i] != ULONG_MAX)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
}

static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }

MM_FIXTURE_MOPS(cz, 32 * SZ_1M, 2 * SZ_1M, 0, 2)

TEST_F(cz, full_compaction_moves_balloon_pages)
{
	unsigned long nb, before, after, m0, ms0, fs0, iso0, used;

	nb = fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	before = big_blocks();
	TH_LOG("%lu balloon pages, %lu order-9/10 blocks before", nb, before);
	m0 = pagemig_vmstat("balloon_migrate");
	ms0 = pagemig_vmstat("compact_migrate_scanned");
	fs0 = pagemig_vmstat("compact_free_scanned");
	iso0 = pagemig_vmstat("compact_isolated");
	used = nr_used_pages();

	ASSERT_EQ(0, pagemig_compact(-1));
	after = big_blocks();
	TH_LOG("%lu after, %lu migrated", after, pagemig_vmstat("balloon_migrate") - m0);
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	EXPECT_GT(after, before);
	EXPECT_GE(after, 4);
	EXPECT_GT(pagemig_vmstat("compact_migrate_scanned"), ms0);
	EXPECT_GT(pagemig_vmstat("compact_free_scanned"), fs0);
	/* Sources and targets are both counted. */
	EXPECT_GE(pagemig_vmstat("compact_isolated") - iso0,
		  2 * (pagemig_vmstat("balloon_migrate") - m0));
	EXPECT_EQ(used, nr_used_pages());
	EXPECT_EQ(nb, global_node_page_state(NR_BALLOON_PAGES));
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

TEST_F(cz, skip_bits_honoured_unless_full)
{
	unsigned long pfn, m0, s0;
	enum compact_result res;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	for (pfn = normal()->zone_start_pfn; pfn < zone_end_pfn(normal());
	     pfn += pageblock_nr_pages)
		set_pageblock_skip(pfn_to_page(pfn));
	m0 = pagemig_vmstat("balloon_migrate");
	s0 = pagemig_vmstat("compact_migrate_scanned");
	res = compact_zone_for_order(normal(), 9, MIGRATE_SYNC_LIGHT);
	EXPECT_NE(COMPACT_SUCCESS, res);
	EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));
	/*
	 * No block is scanned; only the free-list entries the fast migrate
	 * search read count (kernel 6.18: fast_find_migrateblock), at most
	 * freelist_scan_limit() of them.
	 */
	EXPECT_LE(pagemig_vmstat("compact_migrate_scanned") - s0, COMPACT_CLUSTER_MAX + 1);

	res = compact_zone_for_order(normal(), -1, MIGRATE_SYNC);
	EXPECT_EQ(COMPACT_COMPLETE, res);
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

TEST_F(cz, order_targeted_stops_at_success)
{
	unsigned long m0, m1, s1;
	enum compact_result res;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	ASSERT_EQ(0, normal()->free_area[9].nr_free + normal()->free_area[10].nr_free);
	m0 = pagemig_vmstat("balloon_migrate");
	res = compact_zone_for_order(normal(), 9, MIGRATE_SYNC_LIGHT);
	EXPECT_EQ(COMPACT_SUCCESS, res);
	m1 = pagemig_vmstat("balloon_migrate");
	EXPECT_GT(m1, m0);
	EXPECT_GE(normal()->free_area[9].nr_free + normal()->free_area[10].nr_free, 1);
	/* A block exists now: nothing to do at all. */
	s1 = pagemig_vmstat("compact_migrate_scanned");
	EXPECT_EQ(COMPACT_SUCCESS, compact_zone_for_order(normal(), 9, MIGRATE_SYNC_LIGHT));
	EXPECT_EQ(m1, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(s1, pagemig_vmstat("compact_migrate_scanned"));
	/* A full compaction moves more than the targeted one did. */
	ASSERT_EQ(0, pagemig_compact(-1));
	EXPECT_GT(pagemig_vmstat("balloon_migrate") - m1, 0);
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

TEST_F(cz, direct_compaction_succeeds)
{
	unsigned long st0, su0, pfn;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	ASSERT_EQ(0, big_blocks());
	st0 = pagemig_vmstat("compact_stall");
	su0 = pagemig_vmstat("compact_success");
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 9, &pfn));
	EXPECT_GT(pagemig_vmstat("compact_stall"), st0);
	EXPECT_GT(pagemig_vmstat("compact_success"), su0);
	EXPECT_EQ(0, pfn % 512);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 9));
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

/*
 * Regression: direct compaction for an unmovable request kept to
 * unmovable blocks at every priority, so GFP_KERNEL order-9 found nothing
 * to migrate in a movable zone.  Only async direct compaction is limited
 * to blocks of the request's type; sync-light and sync take any block.
 */
TEST_F(cz, sync_direct_compaction_takes_any_block)
{
	unsigned long m0, pfn;
	enum compact_result res;

	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	ASSERT_EQ(0, big_blocks());
	/* Async: every block is movable, none suits an unmovable request. */
	m0 = pagemig_vmstat("balloon_migrate");
	res = compact_zone_order(normal(), 9, GFP_KERNEL, COMPACT_PRIO_ASYNC,
				 ALLOC_WMARK_MIN, ZONE_NORMAL);
	EXPECT_NE(COMPACT_SUCCESS, res);
	EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));
	/* Sync-light: movable blocks are sources too. */
	res = compact_zone_order(normal(), 9, GFP_KERNEL, COMPACT_PRIO_SYNC_LIGHT,
				 ALLOC_WMARK_MIN, ZONE_NORMAL);
	EXPECT_EQ(COMPACT_SUCCESS, res);
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	ASSERT_EQ(0, pagemig_compact(-1));
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));

	/* And through the allocator's slow path. */
	fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_VIRTIO, false, NULL);
	ASSERT_EQ(0, big_blocks());
	normal()->compact_defer_shift = 0;
	normal()->compact_considered = 0;
	normal()->compact_order_failed = MAX_PAGE_ORDER + 1;
	m0 = pagemig_vmstat("balloon_migrate");
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9, &pfn));
	EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 9));
	mm_check_invariants(false);
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

/*
 * Async direct compaction for order 2 meets an unmovable page at the
 * start of a block: only that order-2 chunk is spoiled, and the scanner
 * goes on to isolate the next chunk, whose four pages are movable, and
 * stops there to migrate them (kernel: next_skip_pfn).  Found by review:
 * the first failure gave up the whole pageblock.
 */
TEST_F(cz, async_direct_skips_a_chunk_not_the_block)
{
	struct zone *zone = normal();
	struct compact_control cc = {
		.zone = zone, .order = 2, .mode = MIGRATE_ASYNC,
		.direct_compaction = true, .migratetype = MIGRATE_MOVABLE,
		.gfp_mask = GFP_HIGHUSER_MOVABLE,
	};
	unsigned long start = ULONG_MAX, pfn, low;
	unsigned int o;

	if (dummy_register())
		SKIP("the PGTY_zsmalloc slot is taken");
	for (pfn = ALIGN(zone->zone_start_pfn, MAX_ORDER_NR_PAGES);
	     pfn + MAX_ORDER_NR_PAGES <= zone_end_pfn(zone); pfn += MAX_ORDER_NR_PAGES)
		if (!alloc_contig_range(pfn, pfn + MAX_ORDER_NR_PAGES)) {
			start = pfn;
			break;
		}
	ASSERT_NE(ULONG_MAX, start);
	/* Page 0 stays a plain allocation; 4..7 become movable; rest free. */
	for (pfn = start + 4; pfn < start + 8; pfn++)
		dummy_adopt(pfn_to_page(pfn));
	for (pfn = start + 1; pfn < start + MAX_ORDER_NR_PAGES; pfn++)
		if (pfn < start + 4 || pfn >= start + 8)
			__free_page(pfn_to_page(pfn));
	init_migratepages(&cc);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&cc.freepages[o]);

	low = isolate_migratepages_block(&cc, start, start + pageblock_nr_pages,
					 ISOLATE_ASYNC_MIGRATE);
	EXPECT_EQ(4, cc.nr_migratepages);
	EXPECT_EQ(start + 8, low);
	EXPECT_EQ(4, dummy.nr_isolated);
	putback_migratepages(&cc);
	EXPECT_EQ(0, dummy.nr_isolated);
	__free_page(pfn_to_page(start));
	/* Returns the pages still isolated: none. */
	EXPECT_EQ(0, dummy_free_all());
	EXPECT_EQ(0, dummy.nr_pages);
	set_movable_ops(NULL, PGTY_zsmalloc);
}

TEST_F(cz, direct_compaction_fails_cleanly)
{
	unsigned long f0, st0, n = 0, pfn, used;
	int ret;

	/* Unmovable pages with holes: nothing compaction can move. */
	fragment(_metadata, GFP_KERNEL, 4, -1, true, &n);
	ASSERT_EQ(0, big_blocks());
	f0 = pagemig_vmstat("compact_fail");
	st0 = pagemig_vmstat("compact_stall");
	used = nr_used_pages();
	ret = pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 9, &pfn);
	EXPECT_EQ(-ENOMEM, ret);
	EXPECT_GT(pagemig_vmstat("compact_stall"), st0);
	EXPECT_GT(pagemig_vmstat("compact_fail"), f0);
	EXPECT_EQ(used, nr_used_pages());
	/* The zone backs off for this order now. */
	EXPECT_GE(normal()->compact_defer_shift, 1);
	EXPECT_LE(normal()->compact_order_failed, 9);
	mm_check_invariants(false);
	unfragment(_metadata, n);
}

/* ---- deferral, fragmentation index, suitability -------------------------- */

TEST_F(cz, deferral)
{
	struct zone *z = normal();
	int i;

	compaction_defer_reset(z, 9, true);
	EXPECT_EQ(0, z->compact_defer_shift);
	EXPECT_EQ(0, z->compact_considered);
	EXPECT_GE(z->compact_order_failed, 10);
	EXPECT_FALSE(compaction_deferred(z, 9));

	defer_compaction(z, 9);
	EXPECT_EQ(1, z->compact_defer_shift);
	EXPECT_EQ(9, z->compact_order_failed);
	EXPECT_FALSE(compaction_deferred(z, 8));	/* smaller orders go ahead */
	EXPECT_TRUE(compaction_deferred(z, 9));
	EXPECT_FALSE(compaction_deferred(z, 9));	/* 1 << 1 considered */

	defer_compaction(z, 9);
	EXPECT_EQ(2, z->compact_defer_shift);
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(compaction_deferred(z, 10));
	EXPECT_FALSE(compaction_deferred(z, 10));

	for (i = 0; i < 10; i++)
		defer_compaction(z, 7);
	EXPECT_EQ(COMPACT_MAX_DEFER_SHIFT, z->compact_defer_shift);
	EXPECT_EQ(7, z->compact_order_failed);
	for (i = 0; i < 63; i++)
		EXPECT_TRUE(compaction_deferred(z, 7));
	EXPECT_FALSE(compaction_deferred(z, 7));
	EXPECT_TRUE(compaction_restarting(z, 7));

	/* Expected to succeed: only the failed order moves up. */
	compaction_defer_reset(z, 7, false);
	EXPECT_EQ(8, z->compact_order_failed);
	EXPECT_EQ(COMPACT_MAX_DEFER_SHIFT, z->compact_defer_shift);
	EXPECT_FALSE(compaction_deferred(z, 7));
	compaction_defer_reset(z, 7, true);
	EXPECT_EQ(0, z->compact_defer_shift);
	EXPECT_FALSE(compaction_restarting(z, 7));
}

TEST_F(cz, fragmentation_index_values)
{
	static struct zone z;

	memset(&z, 0, sizeof(z));
	EXPECT_EQ(0, fragmentation_index(&z, 3));		/* no free memory */
	z.free_area[0].nr_free = 1000;
	EXPECT_EQ(998, fragmentation_index(&z, 9));	/* 1000 - 2953/1000 */
	EXPECT_EQ(499, fragmentation_index(&z, 1));	/* 1000 - 501000/1000 */
	EXPECT_EQ(-1000, fragmentation_index(&z, 0));	/* a block fits */
	z.free_area[3].nr_free = 1;
	EXPECT_EQ(-1000, fragmentation_index(&z, 2));
	EXPECT_EQ(-1000, fragmentation_index(&z, 3));
	/* 1008 free pages in 1001 blocks, order 4: 1000 - 64000/1001 */
	EXPECT_EQ(1000 - (1000 + 1008 * 1000 / 16) / 1001, fragmentation_index(&z, 4));
	/* A fresh zone has its memory in large blocks. */
	EXPECT_EQ(-1000, fragmentation_index(normal(), 9));
}

/* The gap compaction needs: twice the request above the watermark. */
static unsigned long suitable_limit(struct zone *z, int order)
{
	unsigned long lo = 0, hi = zone_page_state(z, NR_FREE_PAGES) + 1;

	while (lo + 1 < hi) {
		unsigned long mid = (lo + hi) / 2;

		if (compaction_suitable(z, order, mid, ZONE_NORMAL))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

TEST_F(cz, compaction_suitable_boundaries)
{
	struct zone *z = normal();
	unsigned long w2, w3, w4, w9, headroom;

	drain_all_pages(NULL);
	ASSERT_TRUE(compaction_suitable(z, 2, 0, ZONE_NORMAL));
	EXPECT_FALSE(compaction_suitable(z, 2, zone_page_state(z, NR_FREE_PAGES), ZONE_NORMAL));
	w2 = suitable_limit(z, 2);
	w3 = suitable_limit(z, 3);
	EXPECT_TRUE(compaction_suitable(z, 2, w2, ZONE_NORMAL));
	EXPECT_FALSE(compaction_suitable(z, 2, w2 + 1, ZONE_NORMAL));
	EXPECT_EQ((2UL << 3) - (2UL << 2), w2 - w3);
	EXPECT_TRUE(zone_watermark_ok(z, 0, w2 + (2UL << 2), ZONE_NORMAL, ALLOC_CMA));
	EXPECT_FALSE(zone_watermark_ok(z, 0, w2 + (2UL << 2) + 1, ZONE_NORMAL, ALLOC_CMA));
	/*
	 * Costly orders on a fresh zone (fragindex -1000, so suitable) also
	 * keep the headroom between the low and min watermarks (6.15+).
	 */
	headroom = low_wmark_pages(z) - min_wmark_pages(z);
	ASSERT_GT(headroom, 0);
	w4 = suitable_limit(z, 4);
	EXPECT_EQ(w2 + (2UL << 2) - (2UL << 4) - headroom, w4);
	w9 = suitable_limit(z, 9);
	EXPECT_EQ(w2 + (2UL << 2) - (2UL << 9) - headroom, w9);
}

/* The costly-order check: lack of memory, not fragmentation: unsuitable. */
TEST_F(cz, compaction_unsuitable_when_memory_is_short)
{
	unsigned long n = 0;

	/* Everything allocated in large-ish blocks: few free pages left. */
	fragment(_metadata, GFP_HIGHUSER_MOVABLE, ULONG_MAX / 2, -1, true, &n);
	/* The one hole at pfns[0] plus reserves: index low or none suitable. */
	EXPECT_FALSE(compaction_suitable(normal(), 9, 0, ZONE_NORMAL));
	unfragment(_metadata, n);
}

/* ---- fault loops ------------------------------------------------------------ */

/*
 * For each point: N = 1, 2, ... 32, then growing by a quarter, a fresh
 * fragmented machine (cmm balloon: its loan call is fallible), fail the
 * Nth hit once, compact fully; after each attempt the validator, the
 * balloon invariants and the page counts must hold.  Ends once the Nth
 * hit never comes (the compaction completed without the fault).
 */
static void fault_loop(struct __test_metadata *_metadata, const char *point)
{
	unsigned long nth, attempts = 0, nb, used, m0;

	for (nth = 1;; nth = nth < 32 ? nth + 1 : nth + nth / 4) {
		mm_machine_up(8 * SZ_1M, 2 * SZ_1M, 0, 2);
		nb = fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_CMM, false, NULL);
		used = nr_used_pages();
		m0 = pagemig_vmstat("balloon_migrate");
		ASSERT_EQ(0, pagemig_fault_arm(point, nth, 1));
		ASSERT_EQ(0, pagemig_compact(-1));
		attempts++;
		/*
		 * Fault or not, nothing was lost.  Compaction made progress,
		 * except when a destination allocation failed: -ENOMEM ends
		 * the zone's compaction (COMPACT_CONTENDED, as in the kernel).
		 */
		mm_check_invariants(false);
		EXPECT_EQ(used, nr_used_pages());
		EXPECT_EQ(nb, global_node_page_state(NR_BALLOON_PAGES));
		if (strcmp(point, "migrate_alloc") || nth > 1)
			EXPECT_GT(pagemig_vmstat("balloon_migrate"), m0);
		if (!pagemig_fault_hits(point))
			break;
		pagemig_fault_disarm_all();
		ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
		mm_check_invariants(true);
		ASSERT_LT(nth, 100000);
	}
	TH_LOG("%s: %lu attempts, last N %lu", point, attempts, nth);
	EXPECT_GT(attempts, 1);
	pagemig_fault_disarm_all();
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
}

/* The fault loops in both movable_ops cores; each test builds its machines. */
FIXTURE_VARIANT(czf) { enum pagemig_movable_ops core; };
FIXTURE(czf) { int unused; };
MM_MOPS_VARIANTS(czf, );
FIXTURE_SETUP(czf) { mm_movable_ops = variant->core; }
FIXTURE_TEARDOWN(czf) { mm_after_each(_metadata); }

TEST_F(czf, fault_loop_movable_ops_migrate) { fault_loop(_metadata, "movable_ops_migrate"); }
TEST_F(czf, fault_loop_movable_ops_migrate_perm) { fault_loop(_metadata, "movable_ops_migrate_perm"); }
TEST_F(czf, fault_loop_movable_ops_isolate) { fault_loop(_metadata, "movable_ops_isolate"); }
TEST_F(czf, fault_loop_migrate_alloc) { fault_loop(_metadata, "migrate_alloc"); }
TEST_F(czf, fault_loop_balloon_host) { fault_loop(_metadata, "balloon_host"); }

/* Every hit fails: compaction gives up cleanly, nothing moves or leaks. */
TEST_F(czf, fault_persistent_everything_fails)
{
	static const char * const points[] = {
		"movable_ops_migrate", "movable_ops_migrate_perm",
		"movable_ops_isolate", "migrate_alloc", "balloon_host",
	};
	unsigned long used, m0, nb;

	for (size_t i = 0; i < ARRAY_SIZE(points); i++) {
		mm_machine_up(8 * SZ_1M, 2 * SZ_1M, 0, 2);
		nb = fragment(_metadata, GFP_HIGHUSER_MOVABLE, 8, BALLOON_CMM, false, NULL);
		used = nr_used_pages();
		m0 = pagemig_vmstat("balloon_migrate");
		ASSERT_EQ(0, pagemig_fault_arm(points[i], 1, ULONG_MAX));
		ASSERT_EQ(0, pagemig_compact(-1));
		EXPECT_GT(pagemig_fault_hits(points[i]), 0);
		EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));
		EXPECT_EQ(used, nr_used_pages());
		EXPECT_EQ(nb, global_node_page_state(NR_BALLOON_PAGES));
		mm_check_invariants(false);
		pagemig_fault_disarm_all();
		ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_CMM, 0, TIMEOUT_MS));
	}
}
