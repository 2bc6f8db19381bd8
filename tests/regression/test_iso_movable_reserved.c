// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: has_unmovable_pages() returned NULL for any block of
 * ZONE_MOVABLE before looking at a single page, so a PageReserved page
 * there (an offlined range, a hole) passed for movable.  The kernel
 * checks PageReserved first and only then trusts ZONE_MOVABLE.
 */
#include "../../mm/page_isolation.c"
#include "harness/mm_fixture.h"

TEST(reserved_page_in_zone_movable_is_unmovable)
{
	struct page *page;
	unsigned long start;

	mm_machine_up(32 * SZ_1M, 4 * SZ_1M, 12 * SZ_1M, 2);
	page = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(page);
	ASSERT_EQ(ZONE_MOVABLE, zone_idx(page_zone(page)));
	start = pageblock_start_pfn(page_to_pfn(page));
	/* Trusted: a plain allocation passes in ZONE_MOVABLE. */
	EXPECT_NULL(has_unmovable_pages(page_zone(page), start, start + pageblock_nr_pages, 0));
	__SetPageReserved(page);
	EXPECT_EQ(page, has_unmovable_pages(page_zone(page), start,
					    start + pageblock_nr_pages, 0));
	EXPECT_EQ(page, has_unmovable_pages(page_zone(page), start,
					    start + pageblock_nr_pages, MEMORY_OFFLINE));
	__ClearPageReserved(page);
	__free_page(page);
}
