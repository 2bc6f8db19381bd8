// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: __isolate_free_page() retyped a pageblock movable when it
 * took half a block or more from it, but left the block's other free
 * pages on the old type's lists, where the validator finds free pages of
 * a Movable block on the Unmovable list.  Linux moves them with the type
 * (move_freepages_block()).  Build an Unmovable block whose first half is
 * one order-8 free block and whose second half has every other page free,
 * then take the order-8 block directly and through soft offline.
 */
#include "../../mm/page_isolation.c"
#include "harness/mm_fixture.h"
#include "harness/iso_helpers.h"

MM_FIXTURE(ifp, 64 * SZ_1M, 8 * SZ_1M, 0, 2)

/* Block 0 of @start: [0, 256) free at order 8, odd pages of [256, 512) free. */
static void make_unmovable_block(struct __test_metadata *_metadata,
				 struct zone *zone, unsigned long start)
{
	struct page *head = pfn_to_page(start);
	unsigned long pfn;

	spin_lock(&zone->lock);
	ASSERT_TRUE(PageBuddy(head) && buddy_order(head) == MAX_PAGE_ORDER);
	ASSERT_NE(0, __isolate_free_page(head, MAX_PAGE_ORDER));
	set_pageblock_migratetype(head, MIGRATE_UNMOVABLE);
	set_pageblock_migratetype(head + pageblock_nr_pages, MIGRATE_UNMOVABLE);
	__putback_isolated_page(head, pageblock_order - 1, MIGRATE_UNMOVABLE);
	for (pfn = start + 256; pfn < start + 512; pfn += 2)
		__putback_isolated_page(pfn_to_page(pfn + 1), 0, MIGRATE_UNMOVABLE);
	__putback_isolated_page(head + pageblock_nr_pages, pageblock_order,
				MIGRATE_UNMOVABLE);
	spin_unlock(&zone->lock);
	for (pfn = start + 256; pfn < start + 512; pfn += 2)
		post_alloc_hook(pfn_to_page(pfn), 0, 0);
	ASSERT_EQ(0, pagemig_validate(stderr));
}

static void free_even_pages(unsigned long start)
{
	for (unsigned long pfn = start + 256; pfn < start + 512; pfn += 2)
		__free_page(pfn_to_page(pfn));
}

TEST_F(ifp, half_block_taken_moves_the_rest)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long start = iso_free_range(zone);
	struct page *head;

	ASSERT_NE(ULONG_MAX, start);
	head = pfn_to_page(start);
	make_unmovable_block(_metadata, zone, start);

	spin_lock(&zone->lock);
	ASSERT_EQ(1 << (pageblock_order - 1), __isolate_free_page(head, pageblock_order - 1));
	spin_unlock(&zone->lock);
	EXPECT_EQ(MIGRATE_MOVABLE, get_pageblock_migratetype(head));
	EXPECT_EQ(0, pagemig_validate(stderr));

	spin_lock(&zone->lock);
	__putback_isolated_page(head, pageblock_order - 1, MIGRATE_MOVABLE);
	spin_unlock(&zone->lock);
	EXPECT_EQ(0, pagemig_validate(stderr));
	free_even_pages(start);
}

TEST_F(ifp, soft_offline_of_half_block)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long start = iso_free_range(zone);

	ASSERT_NE(ULONG_MAX, start);
	make_unmovable_block(_metadata, zone, start);
	ASSERT_EQ(0, pagemig_soft_offline(start + 3));
	mm_expect_leak(1);
	EXPECT_TRUE(PageHWPoison(pfn_to_page(start + 3)));
	EXPECT_EQ(0, pagemig_validate(stderr));
	free_even_pages(start);
}
