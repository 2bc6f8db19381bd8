// SPDX-License-Identifier: GPL-2.0
/*
 * mm/page_alloc.c: split and merge, zone boundaries, migratetype
 * fallback (claim versus steal), __GFP_ZERO and __GFP_COMP, the
 * __free_pages() tail path, per-CPU lists, watermarks, zone choice, the
 * sticky-type rule and bad-page reports, the validator against
 * deliberate corruption, fault loops and a seeded random walk with the
 * validator after every step.
 *
 * Small machines make the expected buddyinfo exact:
 *   6M, DMA32 2M:  DMA32 = pfn 0..511, Normal = 512..1535.  pfn 0 and
 *                  512 are order-9 buddies across the zone boundary.
 *   8M, DMA32 4M:  two zones of one order-10 block each.
 * The fallback tests take every free page of a zone out of the buddy
 * ("hoard" it), then build the exact pageblock they need and call
 * __rmqueue() directly.
 */
#include "../../mm/page_alloc.c"
#include "harness/mm_fixture.h"

#define NOWARN	__GFP_NOWARN

static struct zone *dma32(void) { return mm_zone(ZONE_DMA32); }
static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }

static void buddyinfo(struct zone *zone, unsigned long *nr)
{
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		nr[o] = zone->free_area[o].nr_free;
}

/* ---- hoarding: take a zone's free pages out of the buddy ---------------- */

static unsigned long *hoard;	/* one bit per pfn we took */

static unsigned long hoard_zone(struct zone *zone)
{
	unsigned long n = 0;
	unsigned int order;
	int mt;

	if (!hoard)
		hoard = calloc(BITS_TO_LONGS(max_pfn), sizeof(long));
	drain_all_pages(zone);
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
	return n;
}

/* Give one hoarded page back, onto its pageblock's list. */
static void unhoard(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	struct zone *zone = page_zone(page);

	__clear_bit(pfn, hoard);
	page->flags &= ~PAGE_FLAGS_MASK;
	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, 0, get_pfnblock_migratetype(page, pfn),
			FPI_NONE);
	spin_unlock(&zone->lock);
	account_used_pages(-1);
}

static void unhoard_all(void)
{
	unsigned long pfn;

	if (!hoard)
		return;
	for (pfn = 0; pfn < max_pfn; pfn++)
		if (test_bit(pfn, hoard))
			unhoard(pfn);
	free(hoard);
	hoard = NULL;
}

/* A page __rmqueue() handed us: account it and keep it in the hoard. */
static struct page *rmqueue_locked(struct zone *zone, unsigned int order, int mt)
{
	struct page *page;
	unsigned long i;

	spin_lock(&zone->lock);
	page = __rmqueue(zone, order, mt, 0);
	spin_unlock(&zone->lock);
	if (page) {
		account_used_pages(1L << order);
		for (i = 0; i < (1UL << order); i++)
			__set_bit(page_to_pfn(page) + i, hoard);
	}
	return page;
}

/* ---- fixtures ----------------------------------------------------------------- */

/* Two zones of one order-10 block each, one CPU. */
MM_FIXTURE(small, 8 * SZ_1M, 4 * SZ_1M, 0, 1)

/* ---- split and merge ------------------------------------------------------ */

TEST_F(small, order0_splits_a_max_order_block_and_merges_back)
{
	unsigned long before[NR_PAGE_ORDERS], after[NR_PAGE_ORDERS];
	unsigned long free_before = zone_page_state(normal(), NR_FREE_PAGES);
	struct page *page;
	int o;

	buddyinfo(normal(), before);
	EXPECT_EQ(1, before[MAX_PAGE_ORDER]);
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		EXPECT_EQ(0, before[o]);

	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(page));
	EXPECT_EQ(1, page_ref_count(page));
	drain_all_pages(NULL);		/* the batch's other pages go back */
	buddyinfo(normal(), after);
	/* One block of every order below 10: 512+256+...+1 = 1023. */
	for (o = 0; o < MAX_PAGE_ORDER; o++)
		EXPECT_EQ(1, after[o]);
	EXPECT_EQ(0, after[MAX_PAGE_ORDER]);
	EXPECT_EQ(free_before - 1, zone_page_state(normal(), NR_FREE_PAGES));
	EXPECT_EQ(1, nr_used_pages());
	mm_check_invariants(false);

	__free_pages(page, 0);
	drain_all_pages(NULL);
	buddyinfo(normal(), after);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		EXPECT_EQ(before[o], after[o]);
	EXPECT_EQ(free_before, zone_page_state(normal(), NR_FREE_PAGES));
}

TEST_F(small, high_order_blocks_split_exactly)
{
	struct page *a, *b;
	unsigned long nr[NR_PAGE_ORDERS];

	/* Order 5 does not use the pcp lists: exact at once. */
	a = alloc_pages(GFP_HIGHUSER_MOVABLE, 5);
	ASSERT_NOT_NULL(a);
	buddyinfo(normal(), nr);
	EXPECT_EQ(0, nr[10]);
	for (int o = 5; o < 10; o++)
		EXPECT_EQ(1, nr[o]);
	EXPECT_EQ(0, nr[4]);
	b = alloc_pages(GFP_HIGHUSER_MOVABLE, 5);
	ASSERT_NOT_NULL(b);
	/* The buddy of a is what the split left at order 5. */
	EXPECT_EQ(page_to_pfn(a) ^ 32, page_to_pfn(b));
	buddyinfo(normal(), nr);
	EXPECT_EQ(0, nr[5]);
	__free_pages(a, 5);
	buddyinfo(normal(), nr);
	EXPECT_EQ(1, nr[5]);		/* b still holds the buddy */
	__free_pages(b, 5);
	buddyinfo(normal(), nr);
	EXPECT_EQ(1, nr[10]);
	EXPECT_EQ(0, nr[5]);
}

TEST(buddies_never_merge_across_a_zone_boundary)
{
	unsigned long nr[NR_PAGE_ORDERS];
	struct page *pages[2];

	mm_machine_up(6 * SZ_1M, 2 * SZ_1M, 0, 1);
	ASSERT_EQ(512, dma32()->spanned_pages);
	ASSERT_EQ(512, normal()->zone_start_pfn);
	buddyinfo(dma32(), nr);
	EXPECT_EQ(1, nr[9]);
	EXPECT_EQ(0, nr[10]);
	buddyinfo(normal(), nr);
	EXPECT_EQ(2, nr[9]);
	EXPECT_EQ(0, nr[10]);

	/* Take both order-9 blocks at the boundary and give them back. */
	hoard_zone(dma32());
	hoard_zone(normal());
	unhoard_all();
	buddyinfo(dma32(), nr);
	EXPECT_EQ(1, nr[9]);
	EXPECT_EQ(0, nr[10]);
	buddyinfo(normal(), nr);
	EXPECT_EQ(2, nr[9]);
	EXPECT_EQ(0, nr[10]);

	/*
	 * Through the allocator too: split the blocks on both sides of the
	 * boundary and free them again, in both orders.
	 */
	pages[0] = alloc_pages(GFP_DMA32 | NOWARN, 3);
	pages[1] = alloc_pages(GFP_KERNEL | NOWARN, 3);
	ASSERT_NOT_NULL(pages[0]);
	ASSERT_NOT_NULL(pages[1]);
	EXPECT_EQ(ZONE_DMA32, page_zonenum(pages[0]));
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(pages[1]));
	EXPECT_EQ(0, dma32()->free_area[9].nr_free);
	__free_pages(pages[1], 3);
	__free_pages(pages[0], 3);
	drain_all_pages(NULL);
	EXPECT_EQ(0, dma32()->free_area[10].nr_free);
	EXPECT_EQ(0, normal()->free_area[10].nr_free);
	EXPECT_EQ(1, dma32()->free_area[9].nr_free);
	EXPECT_EQ(2, normal()->free_area[9].nr_free);
	EXPECT_TRUE(PageBuddy(pfn_to_page(0)));
	EXPECT_TRUE(PageBuddy(pfn_to_page(512)));
	EXPECT_EQ(9, buddy_order(pfn_to_page(0)));
}

/* ---- migratetype fallback ------------------------------------------------ */

TEST_F(small, unmovable_allocation_claims_whole_pageblocks)
{
	struct pagemig_zone_stats st;
	struct page *page;

	ASSERT_EQ(0, pagemig_zone_stats(ZONE_NORMAL, &st));
	EXPECT_EQ(2, st.nr_blocks_mt[MIGRATE_MOVABLE]);
	EXPECT_EQ(0, st.nr_blocks_mt[MIGRATE_UNMOVABLE]);

	page = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(page));
	EXPECT_EQ(MIGRATE_UNMOVABLE, get_pageblock_migratetype(page));
	/* The free block was order 10: both of its pageblocks change. */
	ASSERT_EQ(0, pagemig_zone_stats(ZONE_NORMAL, &st));
	EXPECT_EQ(2, st.nr_blocks_mt[MIGRATE_UNMOVABLE]);
	EXPECT_EQ(0, st.nr_blocks_mt[MIGRATE_MOVABLE]);
	/* Every free page of the zone moved to the Unmovable lists. */
	EXPECT_EQ(0, st.nr_free_mt[MIGRATE_MOVABLE][9]);
	EXPECT_EQ(1, st.nr_free_mt[MIGRATE_UNMOVABLE][9]);
	mm_check_invariants(false);

	/* A second unmovable allocation needs no fallback. */
	__free_pages(page, 0);
	page = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(MIGRATE_UNMOVABLE, get_pageblock_migratetype(page));
	__free_pages(page, 3);
	/* The DMA32 zone was never touched. */
	ASSERT_EQ(0, pagemig_zone_stats(ZONE_DMA32, &st));
	EXPECT_EQ(2, st.nr_blocks_mt[MIGRATE_MOVABLE]);
}

TEST_F(small, small_movable_allocation_steals_without_claiming)
{
	unsigned long b0 = normal()->zone_start_pfn;
	struct page *page;
	int i;

	hoard_zone(normal());
	set_pageblock_migratetype(pfn_to_page(b0), MIGRATE_RECLAIMABLE);
	/* Four free order-0 pages that cannot merge. */
	for (i = 0; i < 4; i++)
		unhoard(b0 + 2 * i + 8);
	EXPECT_EQ(4, normal()->free_area[0].nr_free);
	mm_check_invariants(false);

	page = rmqueue_locked(normal(), 0, MIGRATE_MOVABLE);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(b0 + 8, page_to_pfn(page) & ~6UL);	/* one of the four */
	EXPECT_LT(page_to_pfn(page), b0 + 16);
	EXPECT_EQ(MIGRATE_RECLAIMABLE, get_pageblock_migratetype(page));
	EXPECT_EQ(3, normal()->free_area[0].nr_free);
	EXPECT_EQ(3, zone_nr_free_mt(normal(), 0, MIGRATE_RECLAIMABLE));
	mm_check_invariants(false);

	/*
	 * With 300 free pages, a movable order-4 request may claim: half
	 * the block is free.
	 */
	for (i = 16; i < 16 + 300; i++)
		unhoard(b0 + (unsigned long)i);
	page = rmqueue_locked(normal(), 4, MIGRATE_MOVABLE);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(MIGRATE_MOVABLE, get_pageblock_migratetype(pfn_to_page(b0)));
	EXPECT_EQ(0, zone_nr_free_mt(normal(), 0, MIGRATE_RECLAIMABLE));
	mm_check_invariants(false);
	unhoard_all();
}

/*
 * An unmovable request falling back to a Movable pageblock claims it
 * when free + alike pages reach half the block.  Alike = pages that are
 * neither free nor movable (PageLRU here).
 */
static void claim_case(struct __test_metadata *_metadata,
		       int nr_free, int nr_lru, bool want_claim)
{
	unsigned long b0 = normal()->zone_start_pfn, pfn;
	struct page *page;

	hoard_zone(normal());
	for (pfn = b0; pfn < b0 + (unsigned long)nr_free; pfn++)
		unhoard(pfn);
	for (pfn = b0 + pageblock_nr_pages - (unsigned long)nr_lru;
	     pfn < b0 + pageblock_nr_pages; pfn++)
		__SetPageLRU(pfn_to_page(pfn));

	page = rmqueue_locked(normal(), 0, MIGRATE_UNMOVABLE);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(want_claim ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE,
		  get_pageblock_migratetype(pfn_to_page(b0)));
	if (want_claim) {
		EXPECT_EQ(0, zone_nr_free_mt(normal(), 0, MIGRATE_MOVABLE) +
			     zone_nr_free_mt(normal(), 8, MIGRATE_MOVABLE));
	} else {
		EXPECT_EQ(0, zone_nr_free_mt(normal(), 0, MIGRATE_UNMOVABLE));
	}
	mm_check_invariants(false);
	unhoard_all();
	/* Put the block back to Movable for the next case. */
	set_pageblock_migratetype(pfn_to_page(b0), MIGRATE_MOVABLE);
	spin_lock(&normal()->lock);
	move_freepages_block(normal(), pfn_to_page(b0), MIGRATE_UNMOVABLE,
			     MIGRATE_MOVABLE);
	spin_unlock(&normal()->lock);
	mm_check_invariants(false);
}

TEST_F(small, claim_threshold_is_half_the_block)
{
	/* 255 free + 257 LRU: nothing alike, one short of half: steal. */
	claim_case(_metadata, 255, 257, false);
	/* 256 free + 256 LRU: exactly half free: claim. */
	claim_case(_metadata, 256, 256, true);
	/* 200 free + 60 unmovable-looking + 252 LRU: 260 >= 256: claim. */
	claim_case(_metadata, 200, 252, true);
	/* 200 free + 55 alike + 257 LRU: 255: steal. */
	claim_case(_metadata, 200, 257, false);
}

/* ---- gfp flags ---------------------------------------------------------------- */

TEST_F(small, gfp_zero_zeroes_recycled_pages)
{
	struct page *page, *again;
	unsigned char *p;
	size_t i, len = 4 * PAGE_SIZE;

	page = alloc_pages(GFP_KERNEL, 2);
	ASSERT_NOT_NULL(page);
	memset(page_address(page), 0xaa, len);
	__free_pages(page, 2);
	if (IS_ENABLED(CONFIG_DEBUG_VM)) {
		p = page_address(page);	/* poisoned on free, still on pcp */
		EXPECT_EQ(0x6b, p[0]);
		EXPECT_EQ(0x6b, p[len - 1]);
	}
	again = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	ASSERT_NOT_NULL(again);
	EXPECT_EQ(page, again);		/* pcp lists are LIFO */
	p = page_address(again);
	for (i = 0; i < len; i++)
		if (p[i])
			FAIL("byte %zu is %#x after __GFP_ZERO", i, p[i]);
	__free_pages(again, 2);
}

TEST_F(small, gfp_comp_makes_a_folio)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 3);
	unsigned long used;
	int i;

	ASSERT_NOT_NULL(folio);
	EXPECT_TRUE(folio_test_large(folio));
	EXPECT_EQ(3, folio_order(folio));
	EXPECT_EQ(8, folio_nr_pages(folio));
	EXPECT_EQ(1, folio_ref_count(folio));
	for (i = 1; i < 8; i++) {
		struct page *tail = folio_page(folio, i);

		EXPECT_TRUE(PageTail(tail));
		EXPECT_EQ(&folio->page, compound_head(tail));
		EXPECT_EQ(0, page_ref_count(tail));
		EXPECT_EQ(1, page_count(tail));	/* the head's */
	}
	/* An extra reference keeps it; the last put frees all 8 pages. */
	used = nr_used_pages();
	folio_get(folio);
	folio_put(folio);
	EXPECT_EQ(used, nr_used_pages());
	put_page(folio_page(folio, 5));	/* through a tail */
	EXPECT_EQ(used - 8, nr_used_pages());
	EXPECT_FALSE(PageHead(&folio->page));
	for (i = 1; i < 8; i++)
		EXPECT_FALSE(PageTail(folio_page(folio, i)));

	/* alloc_pages(__GFP_COMP) of order 0 is a plain page. */
	folio = folio_alloc(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(folio);
	EXPECT_FALSE(folio_test_large(folio));
	folio_put(folio);
}

TEST_F(small, free_pages_with_extra_ref_frees_the_tails_first)
{
	struct page *page = alloc_pages(GFP_KERNEL, 3);
	unsigned long used = nr_used_pages();

	ASSERT_NOT_NULL(page);
	EXPECT_FALSE(PageHead(page));
	EXPECT_EQ(0, page_ref_count(page + 1));
	get_page(page);			/* someone else holds the first page */
	__free_pages(page, 3);
	/* Pages 1..7 went back as blocks of order 0, 1 and 2. */
	EXPECT_EQ(used - 7, nr_used_pages());
	EXPECT_EQ(1, page_ref_count(page));
	mm_check_invariants(false);
	put_page(page);
	EXPECT_EQ(used - 8, nr_used_pages());
	EXPECT_EQ(0, page_ref_count(page));
}

TEST(order_above_max_fails)
{
	unsigned long pfn = 0;

	mm_machine_up(8 * SZ_1M, UINT64_MAX, 0, 1);
	EXPECT_NULL(alloc_pages(GFP_KERNEL | NOWARN, MAX_PAGE_ORDER + 1));
	EXPECT_NULL(alloc_pages(GFP_KERNEL | NOWARN, 63));
	EXPECT_EQ(-EINVAL, pagemig_alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1, &pfn));
	EXPECT_EQ(0, nr_used_pages());
	/* MAX_PAGE_ORDER itself works. */
	struct page *page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);

	ASSERT_NOT_NULL(page);
	__free_pages(page, MAX_PAGE_ORDER);
}

TEST(gfp_zone_and_migratetype_mapping)
{
	EXPECT_EQ(ZONE_NORMAL, gfp_zone(GFP_KERNEL));
	EXPECT_EQ(ZONE_NORMAL, gfp_zone(GFP_ATOMIC));
	EXPECT_EQ(ZONE_NORMAL, gfp_zone(GFP_USER));
	EXPECT_EQ(ZONE_NORMAL, gfp_zone(GFP_HIGHUSER));
	EXPECT_EQ(ZONE_NORMAL, gfp_zone(GFP_KERNEL | __GFP_MOVABLE));
	EXPECT_EQ(ZONE_MOVABLE, gfp_zone(GFP_HIGHUSER_MOVABLE));
	EXPECT_EQ(ZONE_MOVABLE, gfp_zone(GFP_TRANSHUGE));
	EXPECT_EQ(ZONE_DMA32, gfp_zone(GFP_DMA32));
	EXPECT_EQ(ZONE_DMA32, gfp_zone(GFP_KERNEL | GFP_DMA32));
	EXPECT_EQ(ZONE_DMA32, gfp_zone(GFP_HIGHUSER_MOVABLE | __GFP_DMA32));

	EXPECT_EQ(MIGRATE_UNMOVABLE, gfp_migratetype(GFP_KERNEL));
	EXPECT_EQ(MIGRATE_UNMOVABLE, gfp_migratetype(GFP_ATOMIC));
	EXPECT_EQ(MIGRATE_MOVABLE, gfp_migratetype(GFP_HIGHUSER_MOVABLE));
	EXPECT_EQ(MIGRATE_MOVABLE, gfp_migratetype(GFP_KERNEL | __GFP_MOVABLE));
	EXPECT_EQ(MIGRATE_RECLAIMABLE, gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE));
	EXPECT_TRUE(gfpflags_allow_blocking(GFP_KERNEL));
	EXPECT_FALSE(gfpflags_allow_blocking(GFP_ATOMIC));
	EXPECT_FALSE(gfpflags_allow_blocking(GFP_NOWAIT));
}

/* ---- per-CPU lists ------------------------------------------------------------ */

TEST_F(small, order0_goes_through_the_pcp_lists)
{
	struct per_cpu_pages *pcp = &normal()->per_cpu_pageset[0];
	unsigned long free0 = zone_page_state(normal(), NR_FREE_PAGES), free1;
	struct page *page;
	int batch = pcp->batch;

	EXPECT_EQ(0, pcp->count);
	page = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(page);
	/* The first refill takes one batch (1 in so small a zone). */
	free1 = zone_page_state(normal(), NR_FREE_PAGES);
	EXPECT_EQ(free0 - (unsigned long)batch, free1);
	EXPECT_EQ(batch - 1, pcp->count);

	__free_pages(page, 0);
	EXPECT_EQ(batch, pcp->count);
	EXPECT_EQ(free1, zone_page_state(normal(), NR_FREE_PAGES));
	EXPECT_EQ(0, nr_used_pages());
	mm_check_invariants(false);

	drain_all_pages(NULL);
	EXPECT_EQ(0, pcp->count);
	EXPECT_EQ(0, zone_pcp_count(normal()));
	EXPECT_EQ(free0, zone_page_state(normal(), NR_FREE_PAGES));
}

/* Big enough that pcp->high exceeds a pageblock. */
MM_FIXTURE(big, 256 * SZ_1M, UINT64_MAX, 0, 1)

/*
 * Kernel 6.18's high tuning, from high_min: refills with no free between
 * them double (batch << alloc_factor) and raise high by what they take.
 */
TEST_F(big, pcp_refills_double_and_raise_high)
{
	struct per_cpu_pages *pcp = &normal()->per_cpu_pageset[0];
	int batch = pcp->batch, refill = 0, i, n = 0;
	struct page *pages[4096];
	unsigned long free_prev;

	ASSERT_GT(batch, 1);
	ASSERT_LT(pcp->high_min, pcp->high_max);
	drain_all_pages(NULL);
	pcp->high = pcp->high_min;
	pcp->alloc_factor = 0;
	free_prev = zone_page_state(normal(), NR_FREE_PAGES);
	for (i = 0; i < 6; i++) {
		int high = pcp->high, want = batch << i;

		/* Empty the list: the next allocation refills it. */
		while (pcp->count && n < (int)ARRAY_SIZE(pages))
			pages[n++] = alloc_pages(GFP_KERNEL, 0);
		free_prev = zone_page_state(normal(), NR_FREE_PAGES);
		ASSERT_LT(n, (int)ARRAY_SIZE(pages));
		pages[n] = alloc_pages(GFP_KERNEL, 0);
		ASSERT_NOT_NULL(pages[n]);
		n++;
		refill = (int)(free_prev - zone_page_state(normal(), NR_FREE_PAGES));
		if (want > high + want - batch)	/* capped by what fits */
			want = high + want - batch;
		EXPECT_EQ(want, refill);
		EXPECT_EQ(min(high + (batch << i), pcp->high_max), pcp->high);
	}
	EXPECT_EQ(PCP_BATCH_SCALE_MAX, pcp->alloc_factor);
	/* A free resets the doubling halfway. */
	__free_pages(pages[--n], 0);
	EXPECT_EQ(PCP_BATCH_SCALE_MAX / 2, pcp->alloc_factor);
	while (n)
		__free_pages(pages[--n], 0);
	drain_all_pages(NULL);
	EXPECT_EQ(0, zone_pcp_count(normal()));
}

/*
 * A run of frees fills the list to high; then each drain gives back the
 * pages freed since the last allocation (at least a batch, at most
 * batch << PCP_BATCH_SCALE_MAX), oldest first, and high grows to hold a
 * run of frees if it is smaller than one.
 */
TEST_F(big, pcp_free_run_drains_what_was_freed)
{
	struct per_cpu_pages *pcp = &normal()->per_cpu_pageset[0];
	int batch = pcp->batch, high, n, i;
	struct page **pages;
	bool bulk_seen = false;

	drain_all_pages(NULL);
	pcp->high = high = pcp->high_min;
	n = high + 4 * (batch << PCP_BATCH_SCALE_MAX);
	pages = calloc((size_t)n, sizeof(*pages));
	ASSERT_NOT_NULL(pages);
	for (i = 0; i < n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		ASSERT_NOT_NULL(pages[i]);
	}
	drain_all_pages(NULL);
	pcp->high = high;
	pcp->free_count = 0;
	for (i = 0; i < n; i++) {
		unsigned long free_before = zone_page_state(normal(), NR_FREE_PAGES);
		int count = pcp->count, fc = min(pcp->free_count + 1,
						 batch << PCP_BATCH_SCALE_MAX);
		int h = max(pcp->high, min(fc + batch, pcp->high_max));

		__free_pages(pages[i], 0);
		EXPECT_EQ(fc, pcp->free_count);
		if (count + 1 >= h) {
			int gone = clamp(fc, batch, h - batch);

			EXPECT_EQ(count + 1 - gone, pcp->count);
			EXPECT_EQ(free_before + (unsigned long)gone,
				  zone_page_state(normal(), NR_FREE_PAGES));
			bulk_seen = true;
		} else {
			EXPECT_EQ(count + 1, pcp->count);
			EXPECT_EQ(free_before, zone_page_state(normal(), NR_FREE_PAGES));
		}
		ASSERT_LE(pcp->count, pcp->high);
	}
	EXPECT_TRUE(bulk_seen);
	/* An allocation halves free_count. */
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(pages[0]);
	EXPECT_EQ((batch << PCP_BATCH_SCALE_MAX) / 2, pcp->free_count);
	__free_pages(pages[0], 0);
	free(pages);
	drain_all_pages(NULL);
	EXPECT_EQ(0, zone_pcp_count(normal()));
}

/*
 * Every second of the machine's clock high decays by an eighth toward
 * high_min and the pages above it go back; the decays fall due on the
 * list's next use.
 */
TEST_F(big, pcp_high_decays_each_second)
{
	struct per_cpu_pages *pcp = &normal()->per_cpu_pageset[0];
	int batch = pcp->batch, high, n, i;
	struct page **pages;

	drain_all_pages(NULL);
	high = pcp->high_min + 4 * (batch << PCP_BATCH_SCALE_MAX);
	ASSERT_LE(high, pcp->high_max);
	n = high - batch;
	pages = calloc((size_t)n + 1, sizeof(*pages));
	ASSERT_NOT_NULL(pages);
	for (i = 0; i <= n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		ASSERT_NOT_NULL(pages[i]);
	}
	drain_all_pages(NULL);
	pcp->high = high;
	for (i = 0; i <= n; i++)
		__free_pages(pages[i], 0);
	ASSERT_EQ(n + 1, pcp->count);
	ASSERT_EQ(high, pcp->high);
	/* The next decay falls due a second from now. */
	pcp->decay_due = ktime_get_ns() + NSEC_PER_SEC;
	msleep(900);
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(pages[0]);
	EXPECT_EQ(high, pcp->high);	/* not yet */
	__free_pages(pages[0], 0);
	for (i = 1; i <= 3; i++) {
		int want = max(max(pcp->count - (batch << PCP_BATCH_SCALE_MAX),
				   pcp->high - (pcp->high >> 3)), pcp->high_min);
		int count = min(pcp->count, want);

		msleep(i == 1 ? 100 : 1000);
		pages[0] = alloc_pages(GFP_KERNEL, 0);	/* any use */
		ASSERT_NOT_NULL(pages[0]);
		EXPECT_EQ(want, pcp->high);
		EXPECT_EQ(count - 1, pcp->count);	/* then the allocation */
		__free_pages(pages[0], 0);
	}
	EXPECT_LT(pcp->high, high);
	free(pages);
	drain_all_pages(NULL);
}

/*
 * A zone an allocation finds below its high watermark is flagged; its
 * lists then shrink high by the pages freed lately, toward high_min, and
 * the flag goes once a drain brings the zone back above the mark.
 */
TEST_F(big, below_high_watermark_shrinks_the_lists)
{
	struct zone *zone = normal();
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[0];
	unsigned long n = 0, max_pages = zone_managed_pages(zone);
	struct page **pages = calloc(max_pages, sizeof(*pages));
	int high;

	ASSERT_NOT_NULL(pages);
	EXPECT_FALSE(test_bit(ZONE_BELOW_HIGH, &zone->flags));
	while (n < max_pages && !test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
		pages[n] = alloc_pages(GFP_KERNEL, 0);
		ASSERT_NOT_NULL(pages[n]);
		n++;
	}
	ASSERT_TRUE(test_bit(ZONE_BELOW_HIGH, &zone->flags));
	pcp->high = high = pcp->high_max;
	/* The first pages came from this zone (the last may not have). */
	ASSERT_EQ(zone, page_zone(pages[0]));
	__free_pages(pages[0], 0);
	EXPECT_LT(pcp->high, high);
	EXPECT_GE(pcp->high, pcp->high_min);
	while (n > 1)
		__free_pages(pages[--n], 0);
	EXPECT_FALSE(test_bit(ZONE_BELOW_HIGH, &zone->flags));
	free(pages);
	drain_all_pages(NULL);
}

TEST_F(big, order9_uses_its_own_pcp_list)
{
	struct per_cpu_pages *pcp = &normal()->per_cpu_pageset[0];
	struct list_head *thp = &pcp->lists[NR_LOWORDER_PCP_LISTS];
	struct page *page;

	ASSERT_GT(pcp->high, (int)pageblock_nr_pages);
	EXPECT_TRUE(pcp_allowed_order(pageblock_order));
	EXPECT_FALSE(pcp_allowed_order(PAGE_ALLOC_COSTLY_ORDER + 1));
	EXPECT_FALSE(pcp_allowed_order(MAX_PAGE_ORDER));
	EXPECT_EQ(NR_LOWORDER_PCP_LISTS, order_to_pindex(MIGRATE_MOVABLE, 9));
	EXPECT_EQ(pageblock_order, pindex_to_order(NR_LOWORDER_PCP_LISTS));
	EXPECT_EQ(MIGRATE_PCPTYPES * 2 + MIGRATE_RECLAIMABLE,
		  order_to_pindex(MIGRATE_RECLAIMABLE, 2));

	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 9);
	ASSERT_NOT_NULL(page);
	/* The bulk refill took two blocks; the other waits on the list. */
	EXPECT_EQ(1, list_count_nodes(thp));
	EXPECT_EQ(512, pcp->count);
	__free_pages(page, 9);
	EXPECT_LE(pcp->count, pcp->high);
	EXPECT_GE(list_count_nodes(thp), 1);
	mm_check_invariants(false);
	drain_all_pages(NULL);
	EXPECT_TRUE(list_empty(thp));
	EXPECT_EQ(0, pcp->count);
}

/* ---- watermarks --------------------------------------------------------------- */

TEST_F(small, watermark_boundaries)
{
	struct zone *z = normal(), *d = dma32();
	long free = (long)zone_page_state(z, NR_FREE_PAGES);
	long dfree = (long)zone_page_state(d, NR_FREE_PAGES);
	long res = d->lowmem_reserve[ZONE_NORMAL];

	ASSERT_GT(free, 100);
	/* OK iff free > mark. */
	EXPECT_TRUE(zone_watermark_ok(z, 0, (unsigned long)free - 1, ZONE_NORMAL, 0));
	EXPECT_FALSE(zone_watermark_ok(z, 0, (unsigned long)free, ZONE_NORMAL, 0));
	/* Order 3 must leave 2^3 - 1 pages more. */
	EXPECT_TRUE(zone_watermark_ok(z, 3, (unsigned long)free - 8, ZONE_NORMAL, 0));
	EXPECT_FALSE(zone_watermark_ok(z, 3, (unsigned long)free - 7, ZONE_NORMAL, 0));
	/* ALLOC_MIN_RESERVE halves the mark (rounding the half down). */
	EXPECT_TRUE(zone_watermark_ok(z, 0, (unsigned long)free, ZONE_NORMAL,
				      ALLOC_MIN_RESERVE));
	/* mark 2f - 2 leaves min f - 1; mark 2f - 1 leaves min f. */
	EXPECT_TRUE(zone_watermark_ok(z, 0, (unsigned long)(2 * free - 2),
				      ZONE_NORMAL, ALLOC_MIN_RESERVE));
	EXPECT_FALSE(zone_watermark_ok(z, 0, (unsigned long)(2 * free - 1),
				       ZONE_NORMAL, ALLOC_MIN_RESERVE));
	/* The lowmem reserve protects DMA32 from Normal allocations. */
	ASSERT_GT(res, 0);
	EXPECT_EQ(0, d->lowmem_reserve[ZONE_DMA32]);
	EXPECT_TRUE(zone_watermark_ok(d, 0, (unsigned long)(dfree - res - 1), ZONE_NORMAL, 0));
	EXPECT_FALSE(zone_watermark_ok(d, 0, (unsigned long)(dfree - res), ZONE_NORMAL, 0));
	EXPECT_TRUE(zone_watermark_ok(d, 0, (unsigned long)(dfree - res), ZONE_DMA32, 0));
	/* Order 10 needs an order-10 block: split the only one. */
	EXPECT_TRUE(zone_watermark_ok(z, 10, 0, ZONE_NORMAL, 0));
	{
		struct page *p = alloc_pages(GFP_HIGHUSER_MOVABLE, 4);

		ASSERT_NOT_NULL(p);
		EXPECT_FALSE(zone_watermark_ok(z, 10, 0, ZONE_NORMAL, 0));
		EXPECT_TRUE(zone_watermark_ok(z, 9, 0, ZONE_NORMAL, 0));
		__free_pages(p, 4);
		EXPECT_TRUE(zone_watermark_ok(z, 10, 0, ZONE_NORMAL, 0));
	}
	/* Watermarks are ordered. */
	EXPECT_LT(min_wmark_pages(z), low_wmark_pages(z));
	EXPECT_LT(low_wmark_pages(z), high_wmark_pages(z));
}

struct page_stack {
	struct page **v;
	int n, cap;
};

static bool push(struct page_stack *s, struct page *page)
{
	if (!page)
		return false;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, (size_t)s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = page;
	return true;
}

static void free_stack(struct page_stack *s, unsigned int order)
{
	while (s->n)
		__free_pages(s->v[--s->n], order);
	free(s->v);
	s->v = NULL;
	s->cap = 0;
}

TEST_F(small, gfp_high_dips_below_min_and_memalloc_below_that)
{
	struct page_stack s = { 0 };
	int kernel, high, memalloc;
	struct zone *zone;
	unsigned long warnings = pagemig_warnings();

	while (push(&s, alloc_pages(GFP_KERNEL | NOWARN, 0)))
		;
	kernel = s.n;
	ASSERT_GT(kernel, 1000);
	/* Every zone GFP_KERNEL may use is at or below its min + reserve. */
	for_each_populated_zone(zone) {
		long free = (long)zone_page_state(zone, NR_FREE_PAGES);

		EXPECT_LE(free, (long)min_wmark_pages(zone) +
			  zone->lowmem_reserve[ZONE_NORMAL]);
	}
	EXPECT_NULL(alloc_pages(GFP_KERNEL | NOWARN, 0));

	while (push(&s, alloc_pages(GFP_ATOMIC | NOWARN, 0)))
		;
	high = s.n - kernel;
	EXPECT_GT(high, 0);
	while (push(&s, alloc_pages(GFP_KERNEL | __GFP_MEMALLOC | NOWARN, 0)))
		;
	memalloc = s.n - kernel - high;
	EXPECT_GT(memalloc, 0);
	/* __GFP_NOWARN kept the allocator quiet. */
	EXPECT_EQ(warnings, pagemig_warnings());
	TH_LOG("kernel %d, +high %d, +memalloc %d", kernel, high, memalloc);
	mm_check_invariants(false);
	free_stack(&s, 0);
}

/* ---- zone choice -------------------------------------------------------------- */

MM_FIXTURE(three_zones, 16 * SZ_1M, 4 * SZ_1M, 4 * SZ_1M, 2)

TEST_F(three_zones, zone_choice_follows_gfp)
{
	struct page_stack s = { 0 };
	struct page *page;
	int i;

	ASSERT_TRUE(populated_zone(mm_zone(ZONE_MOVABLE)));
	for (i = 0; i < 200; i++) {
		page = alloc_pages(GFP_DMA32 | NOWARN, 0);
		ASSERT_NOT_NULL(page);
		EXPECT_EQ(ZONE_DMA32, page_zonenum(page));
		push(&s, page);
	}
	free_stack(&s, 0);

	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_MOVABLE, page_zonenum(page));
	__free_pages(page, 0);

	/* Exhaust what GFP_KERNEL may use: never a Movable-zone page. */
	while (push(&s, alloc_pages(GFP_KERNEL | NOWARN, 0)))
		EXPECT_NE(ZONE_MOVABLE, page_zonenum(s.v[s.n - 1]));
	EXPECT_GT(s.n, 2000);
	/* The Movable zone is still (nearly) all free. */
	EXPECT_GT(zone_page_state(mm_zone(ZONE_MOVABLE), NR_FREE_PAGES),
		  zone_managed_pages(mm_zone(ZONE_MOVABLE)) - 64);
	/* Movable requests still succeed, from ZONE_MOVABLE. */
	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 2);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_MOVABLE, page_zonenum(page));
	__free_pages(page, 2);
	free_stack(&s, 0);
}

/* ---- the free path: sticky types and bad pages ---------------------------- */

static void sticky_case(struct __test_metadata *_metadata, bool zsmalloc,
			bool isolated)
{
	unsigned long warnings = pagemig_warnings();
	long bad = atomic_long_read(&nr_bad_pages);
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	ASSERT_NOT_NULL(page);
	EXPECT_EQ(UINT_MAX, page->page_type);
	if (zsmalloc)
		__SetPageZsmalloc(page);
	else
		__SetPageOffline(page);
	page->page_type |= 0xabcdef;	/* the owner's bits */
	SetPageMovableOps(page);
	if (isolated)
		SetPageMovableOpsIsolated(page);
	EXPECT_TRUE(page_has_movable_ops(page));

	__free_pages(page, 0);
	EXPECT_EQ(UINT_MAX, page->page_type);
	EXPECT_EQ(0, page->flags & PAGE_FLAGS_MASK);
	EXPECT_FALSE(page_has_movable_ops(page));
	EXPECT_EQ(warnings, pagemig_warnings());
	EXPECT_EQ(bad, atomic_long_read(&nr_bad_pages));
	drain_all_pages(NULL);
	EXPECT_TRUE(PageBuddy(page) || page->page_type == UINT_MAX);
}

TEST_F(small, sticky_type_is_wiped_on_free_without_report)
{
	sticky_case(_metadata, false, false);
	sticky_case(_metadata, false, true);
	sticky_case(_metadata, true, false);
	sticky_case(_metadata, true, true);
}

static void bad_case(struct __test_metadata *_metadata, int how)
{
	unsigned long warnings = pagemig_warnings();
	long bad = atomic_long_read(&nr_bad_pages);
	unsigned long used = nr_used_pages();
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	ASSERT_NOT_NULL(page);
	if (how == 0)
		atomic_set(&page->_mapcount, 0);	/* still mapped */
	else if (how == 1)
		SetPageLRU(page);			/* still on an LRU */
	else
		SetPageMlocked(page);
	mm_expect_warnings(1);
	mm_expect_leak(1);
	__free_pages(page, 0);
	EXPECT_EQ(warnings + 1, pagemig_warnings());
	EXPECT_EQ(bad + 1, atomic_long_read(&nr_bad_pages));
	EXPECT_EQ(used + 1, nr_used_pages());		/* leaked, not freed */
	EXPECT_FALSE(PageBuddy(page));
	EXPECT_EQ(0, page->flags & PAGE_FLAGS_MASK);
	mm_check_invariants(false);
}

TEST_F(small, bad_page_is_reported_and_leaked)
{
	FILE *log = tmpfile();
	char buf[4096];
	size_t n;

	ASSERT_NOT_NULL(log);
	pagemig_set_log(log);
	bad_case(_metadata, 0);
	bad_case(_metadata, 1);
	bad_case(_metadata, 2);
	pagemig_set_log(mm_log_stream());
	rewind(log);
	n = fread(buf, 1, sizeof(buf) - 1, log);
	buf[n] = 0;
	fclose(log);
	EXPECT_NOT_NULL(strstr(buf, "Bad page state"));
	EXPECT_NOT_NULL(strstr(buf, "nonzero mapcount"));
	EXPECT_NOT_NULL(strstr(buf, "PAGE_FLAGS_CHECK_AT_FREE"));
}

/* ---- the validator catches corruption -------------------------------------- */

TEST_F(small, validator_detects_corruption)
{
	struct zone *z = normal();
	unsigned long pfn = z->zone_start_pfn;
	struct page *head = pfn_to_page(pfn);
	unsigned long saved;

	ASSERT_EQ(0, pagemig_validate(NULL));

	/* nr_free off by one. */
	z->free_area[10].nr_free++;
	EXPECT_GE(pagemig_validate(NULL), 1);
	z->free_area[10].nr_free--;
	EXPECT_EQ(0, pagemig_validate(NULL));

	/* NR_FREE_PAGES off. */
	mod_zone_page_state(z, NR_FREE_PAGES, 1);
	EXPECT_GE(pagemig_validate(NULL), 1);
	mod_zone_page_state(z, NR_FREE_PAGES, -1);

	/* A pageblock retyped behind the free lists' back. */
	set_pageblock_migratetype(head, MIGRATE_RECLAIMABLE);
	EXPECT_GE(pagemig_validate(NULL), 1);
	set_pageblock_migratetype(head, MIGRATE_MOVABLE);
	EXPECT_EQ(0, pagemig_validate(NULL));

	/* A bogus pageblock type (no such migratetype). */
	saved = get_pfnblock_flags_mask(head, pfn, MIGRATETYPE_MASK);
	set_pfnblock_flags_mask(head, pfn, 6, MIGRATETYPE_MASK);
	EXPECT_GE(pagemig_validate(NULL), 1);
	set_pfnblock_flags_mask(head, pfn, saved, MIGRATETYPE_MASK);
	EXPECT_EQ(0, pagemig_validate(NULL));

	/* A free block that lost PageBuddy. */
	__ClearPageBuddy(head);
	EXPECT_GE(pagemig_validate(NULL), 1);
	__SetPageBuddy(head);
	EXPECT_EQ(0, pagemig_validate(NULL));

	/* A page inside a free block with a reference. */
	set_page_count(head + 7, 1);
	EXPECT_GE(pagemig_validate(NULL), 1);
	set_page_count(head + 7, 0);

	/* Pages missing from the accounting. */
	account_used_pages(1);
	EXPECT_GE(pagemig_validate(NULL), 1);
	account_used_pages(-1);

	/* A pcp count that disagrees with its lists. */
	normal()->per_cpu_pageset[0].count += 1;
	EXPECT_GE(pagemig_validate(NULL), 1);
	normal()->per_cpu_pageset[0].count -= 1;
	EXPECT_EQ(0, pagemig_validate(NULL));
}

/* ---- fault loops --------------------------------------------------------------- */

static const unsigned int op_orders[] = { 0, 3, 9, 0, 1, 6, 2, 0, 4 };

/*
 * A multi-allocation operation: all of op_orders or nothing.  Returns
 * the index of the allocation that failed, or -1.
 */
static int alloc_many(struct page **out)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(op_orders); i++) {
		gfp_t gfp = (i & 1 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE) | NOWARN;

		out[i] = alloc_pages(gfp | (op_orders[i] ? __GFP_COMP : 0),
				     op_orders[i]);
		if (!out[i]) {
			int failed = (int)i;

			while (i--)
				__free_pages(out[i], op_orders[i]);
			return failed;
		}
	}
	return -1;
}

TEST_F(small, fault_loop_alloc_pages)
{
	struct page *pages[ARRAY_SIZE(op_orders)];
	unsigned long n;
	int failed_at;

	for (n = 1; n < 100; n++) {
		ASSERT_EQ(0, pagemig_fault_arm("alloc_pages", n, 1));
		failed_at = alloc_many(pages);
		pagemig_fault_disarm_all();
		/* After every attempt: consistent, and nothing leaked. */
		EXPECT_EQ(0, pagemig_validate(stderr));
		if (failed_at < 0)
			break;
		EXPECT_EQ(n - 1, failed_at);	/* the Nth allocation failed */
		EXPECT_EQ(1, pagemig_fault_hits("alloc_pages"));
		EXPECT_EQ(0, nr_used_pages());
		drain_all_pages(NULL);
		EXPECT_EQ(mm_managed_pages(), pagemig_free_pages_count());
	}
	/* It failed at exactly each of the allocations, then succeeded. */
	ASSERT_EQ(ARRAY_SIZE(op_orders) + 1, n);
	EXPECT_EQ(0, pagemig_fault_hits("alloc_pages"));
	for (unsigned int i = 0; i < ARRAY_SIZE(op_orders); i++) {
		EXPECT_EQ(op_orders[i], folio_order((struct folio *)pages[i]));
		__free_pages(pages[i], op_orders[i]);
	}
}

/* The same through the facade: pagemig_alloc_pages() and -ENOMEM. */
static int facade_alloc_many(unsigned long *pfns)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(op_orders); i++) {
		ret = pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, op_orders[i], &pfns[i]);
		if (ret) {
			while (i--)
				if (pagemig_free_pages(pfns[i], op_orders[i]))
					return -EIO;
			return ret;
		}
		pagemig_fill_tag(pfns[i], 1UL << op_orders[i], pfns[i]);
	}
	return 0;
}

TEST_F(small, fault_loop_through_the_facade)
{
	unsigned long pfns[ARRAY_SIZE(op_orders)], n;
	int ret = -ENOMEM;

	EXPECT_EQ(-ENOENT, pagemig_fault_arm("no_such_point", 1, 1));
	EXPECT_EQ(-EINVAL, pagemig_fault_arm("alloc_pages", 0, 1));
	for (n = 1; n < 100 && ret; n++) {
		ASSERT_EQ(0, pagemig_fault_arm("alloc_pages", n, 1));
		ret = facade_alloc_many(pfns);
		pagemig_fault_disarm_all();
		EXPECT_EQ(0, pagemig_validate(stderr));
		if (ret) {
			EXPECT_EQ(-ENOMEM, ret);
			EXPECT_EQ(0, nr_used_pages());
		}
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(ARRAY_SIZE(op_orders) + 1, n - 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(op_orders); i++) {
		EXPECT_EQ(0, pagemig_check_tag(pfns[i], 1UL << op_orders[i], pfns[i]));
		EXPECT_EQ(0, pagemig_free_pages(pfns[i], op_orders[i]));
	}

	/* times > 1 fails a run of hits; __GFP_NOFAIL ignores the point. */
	ASSERT_EQ(0, pagemig_fault_arm("alloc_pages", 2, 3));
	struct page *a = alloc_pages(GFP_KERNEL, 0);
	struct page *b = alloc_pages(GFP_KERNEL | NOWARN, 0);
	struct page *c = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	struct page *d = alloc_pages(GFP_KERNEL | NOWARN, 0);
	struct page *e = alloc_pages(GFP_KERNEL, 0);

	pagemig_fault_disarm_all();
	EXPECT_NOT_NULL(a);
	EXPECT_NULL(b);
	EXPECT_NOT_NULL(c);
	EXPECT_NULL(d);
	EXPECT_NOT_NULL(e);
	__free_pages(a, 0);
	__free_pages(c, 0);
	__free_pages(e, 0);
}

/* ---- seeded random walk ----------------------------------------------------- */

MM_FIXTURE(random32m, 32 * SZ_1M, 4 * SZ_1M, 8 * SZ_1M, 2)

struct live {
	struct page *page;
	unsigned int order;
	uint64_t tag;
};

TEST_F(random32m, random_alloc_free_with_validator_every_step)
{
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_DMA32, GFP_ATOMIC, GFP_KERNEL | __GFP_COMP,
		GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
	};
	struct pagemig_rng *rng = test_rng();
	int steps = test_long() ? 20000 : 2000, nr = 0, i, fails = 0;
	struct live *live = calloc(4096, sizeof(*live));

	ASSERT_NOT_NULL(live);
	for (i = 0; i < steps; i++) {
		bool do_alloc = nr == 0 || (nr < 4096 && pagemig_rng_below(rng, 100) < 55);

		if (do_alloc) {
			unsigned int order = pagemig_rng_below(rng, 4) ?
					     (unsigned int)pagemig_rng_below(rng, 4) :
					     (unsigned int)pagemig_rng_below(rng, 11);
			gfp_t gfp = gfps[pagemig_rng_below(rng, ARRAY_SIZE(gfps))];
			struct page *page;

			set_cpu_id((int)pagemig_rng_below(rng, 2));
			page = alloc_pages(gfp | NOWARN, order);
			if (!page) {
				fails++;
				continue;
			}
			if (gfp & __GFP_ZERO)
				ASSERT_EQ(0, *(uint64_t *)page_address(page + (1UL << order) - 1));
			live[nr].page = page;
			live[nr].order = order;
			live[nr].tag = pagemig_rng_next(rng);
			pagemig_fill_tag(page_to_pfn(page), 1UL << order, live[nr].tag);
			nr++;
		} else {
			int k = (int)pagemig_rng_below(rng, (uint64_t)nr);

			ASSERT_EQ(0, pagemig_check_tag(page_to_pfn(live[k].page),
						       1UL << live[k].order, live[k].tag));
			__free_pages(live[k].page, live[k].order);
			live[k] = live[--nr];
		}
		if (pagemig_rng_below(rng, 50) == 0)
			drain_all_pages(NULL);
		if (pagemig_validate(stderr))
			FAIL("validator failed at step %d", i);
	}
	TH_LOG("%d steps, %d live at end, %d failed allocations", steps, nr, fails);
	while (nr--)
		__free_pages(live[nr].page, live[nr].order);
	free(live);
	set_cpu_id(0);
}

/* ---- the watermark boost ------------------------------------------------------ */

/* A Normal zone of 7168 pages: big enough to boost (4 pageblocks). */
MM_FIXTURE(boost, 32 * SZ_1M, 4 * SZ_1M, 0, 2)

/*
 * An unmovable order-0 request finds only a few free pages, in a
 * Movable pageblock of Normal: it must fall back and cannot take the
 * block whole.  Goes through rmqueue() as an allocation that may wake
 * kswapd (GFP_KERNEL), without the watermark check (the zone is all but
 * full on purpose).  Each call uses another pageblock: the claim turns
 * the block over to Unmovable.
 */
static struct page *steal_from_movable_block(struct __test_metadata *_metadata,
					     unsigned long block)
{
	unsigned long b0 = normal()->zone_start_pfn + block * pageblock_nr_pages;
	struct page *page;
	int i;

	hoard_zone(normal());
	ASSERT_EQ(MIGRATE_MOVABLE, get_pageblock_migratetype(pfn_to_page(b0)));
	for (i = 0; i < 16; i++)
		unhoard(b0 + 2 * (unsigned long)i);
	page = rmqueue(normal(), 0, GFP_KERNEL, ALLOC_WMARK_LOW | ALLOC_KSWAPD,
		       MIGRATE_UNMOVABLE);
	ASSERT_NOT_NULL(page);
	return page;
}

/* rmqueue() gives no reference (prep_new_page() does): hoard the page. */
static void give_back(struct page *page)
{
	__set_bit(page_to_pfn(page), hoard);
	drain_all_pages(NULL);
	unhoard_all();
}

TEST_F(boost, steal_boosts_the_watermarks_and_asks_for_kswapd)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long high = normal()->_watermark[WMARK_HIGH];
	struct page *page;

	/* The request is recorded even with kswapd not running. */
	kswapd_stop(0);
	EXPECT_EQ(15000, watermark_boost_factor);
	EXPECT_EQ(0, normal()->watermark_boost);
	EXPECT_EQ(MAX_NR_ZONES, pgdat->kswapd_highest_zoneidx);

	page = steal_from_movable_block(_metadata, 0);
	/* One pageblock: under the cap of 150% of high (at least a block). */
	EXPECT_EQ(pageblock_nr_pages, normal()->watermark_boost);
	EXPECT_EQ(high + pageblock_nr_pages, high_wmark_pages(normal()));
	EXPECT_EQ(normal()->_watermark[WMARK_MIN] + pageblock_nr_pages,
		  min_wmark_pages(normal()));
	/* rmqueue() took the mark off and called wakeup_kswapd(). */
	EXPECT_FALSE(test_bit(ZONE_BOOSTED_WATERMARK, &normal()->flags));
	EXPECT_EQ(ZONE_NORMAL, pgdat->kswapd_highest_zoneidx);
	/* DMA32 saw nothing. */
	EXPECT_EQ(0, dma32()->watermark_boost);
	give_back(page);

	/* The boost grows by a pageblock a steal, up to the cap. */
	page = steal_from_movable_block(_metadata, 1);
	EXPECT_EQ(min(2 * pageblock_nr_pages,
		      max(pageblock_nr_pages, high * 15000 / 10000)),
		  normal()->watermark_boost);
	give_back(page);

	/* New watermarks void the boost, as the kernel's handler does. */
	ASSERT_EQ(0, pagemig_sysctl_set("watermark_scale_factor", 10));
	EXPECT_EQ(0, normal()->watermark_boost);
}

TEST_F(boost, zero_factor_turns_the_boost_off)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct page *page;
	long v;

	kswapd_stop(0);
	ASSERT_EQ(0, pagemig_sysctl_set("watermark_boost_factor", 0));
	ASSERT_EQ(0, pagemig_sysctl_get("watermark_boost_factor", &v));
	EXPECT_EQ(0, v);
	page = steal_from_movable_block(_metadata, 0);
	EXPECT_EQ(0, normal()->watermark_boost);
	EXPECT_FALSE(test_bit(ZONE_BOOSTED_WATERMARK, &normal()->flags));
	EXPECT_EQ(MAX_NR_ZONES, pgdat->kswapd_highest_zoneidx);
	give_back(page);
	/* Negative values are refused; the next machine boots with 15000. */
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("watermark_boost_factor", -1));
}

/* An allocation that may not wake kswapd boosts, and asks nobody. */
TEST_F(boost, without_alloc_kswapd_the_boost_waits_for_a_later_wake)
{
	unsigned long b0 = normal()->zone_start_pfn;
	struct page *page;
	int i;

	kswapd_stop(0);
	hoard_zone(normal());
	for (i = 0; i < 16; i++)
		unhoard(b0 + 2 * (unsigned long)i);
	page = rmqueue(normal(), 0, GFP_KERNEL & ~__GFP_KSWAPD_RECLAIM,
		       ALLOC_WMARK_LOW, MIGRATE_UNMOVABLE);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(pageblock_nr_pages, normal()->watermark_boost);
	EXPECT_FALSE(test_bit(ZONE_BOOSTED_WATERMARK, &normal()->flags));
	EXPECT_EQ(MAX_NR_ZONES, NODE_DATA(0)->kswapd_highest_zoneidx);
	give_back(page);
}
