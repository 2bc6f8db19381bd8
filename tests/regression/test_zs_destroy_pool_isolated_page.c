// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: the last zs_destroy_pool() unregistered zsmalloc's
 * movable_ops while a page of an already destroyed zspage could still
 * sit isolated on some isolator's list (compaction, offlining).  The
 * isolator's later putback_movable_pages() or migrate_pages() then found
 * no ops for PGTY_zsmalloc and warned "!mops"; migrate_pages() also
 * failed the page instead of reporting the released page as migrated.
 * The kernel registers at module init and unregisters at module exit,
 * which cannot happen while a pool exists; here the registration now
 * lasts until the machine is torn down.
 *
 * The fixture fails the test on any warning it did not announce and on
 * any page not given back to the allocator.
 */
#include "../../mm/zsmalloc.c"
#include "harness/mm_fixture.h"

MM_FIXTURE(zsdp, 16 * SZ_1M, UINT64_MAX, 0, 1)

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static bool isolate_onto(struct page *page, struct list_head *list)
{
	if (!isolate_movable_ops_page(page, 0))
		return false;
	list_add_tail(&page->lru, list);
	return true;
}

TEST_F(zsdp, isolated_pages_outlive_the_last_pool)
{
	struct zs_pool *pool = zs_create_pool("gone");
	unsigned long h, nr_zspages, w0 = pagemig_warnings();
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	LIST_HEAD(back);
	LIST_HEAD(move);
	LIST_HEAD(held);
	unsigned int succ = 0;
	struct zpdesc *zp;
	int n = 0;

	ASSERT_NOT_NULL(pool);
	/* 3000 bytes: one object in a zspage of several pages. */
	h = zs_malloc(pool, 3000, GFP_NOIO | __GFP_MOVABLE | __GFP_HIGHMEM, 0);
	ASSERT_FALSE(zs_handle_error(h));
	zp = pfn_zpdesc(handle_to_obj(h) >> OBJ_INDEX_BITS);
	for (zp = get_first_zpdesc(get_zspage(zp)); zp;
	     zp = get_next_zpdesc(zp))
		pages[n++] = zpdesc_page(zp);
	ASSERT_LE(3, n);

	/*
	 * Three isolators: one will put its page back, one will migrate a
	 * page only it holds (refcount 1; zs_page_migrate() reports it
	 * moved), and one will migrate a page someone else also holds a
	 * reference to (the same "released while isolated" success).
	 */
	ASSERT_TRUE(isolate_onto(pages[0], &back));
	ASSERT_TRUE(isolate_onto(pages[1], &move));
	ASSERT_TRUE(isolate_onto(pages[2], &held));
	get_page(pages[2]);

	/* The object goes, the zspage is destroyed, then the pool. */
	zs_free(pool, h);
	EXPECT_EQ(0, zs_get_total_pages(pool));
	zs_destroy_pool(pool);

	putback_movable_pages(&back);
	EXPECT_TRUE(list_empty(&back));
	EXPECT_EQ(0, migrate_pages(&move, alloc_dst, NULL, 0, MIGRATE_SYNC,
				   MR_COMPACTION, &succ));
	EXPECT_TRUE(list_empty(&move));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(0, migrate_pages(&held, alloc_dst, NULL, 0, MIGRATE_SYNC,
				   MR_COMPACTION, &succ));
	EXPECT_TRUE(list_empty(&held));
	EXPECT_EQ(1, succ);
	EXPECT_FALSE(PageMovableOpsIsolated(pages[2]));
	EXPECT_EQ(1, page_ref_count(pages[2]));
	put_page(pages[2]);

	EXPECT_EQ(0, pagemig_warnings() - w0);
	EXPECT_EQ(0, page_ref_count(pages[0]));
	EXPECT_EQ(0, page_ref_count(pages[1]));
	EXPECT_EQ(0, page_ref_count(pages[2]));
	ASSERT_EQ(0, pagemig_vmstat_get("nr_zspages", &nr_zspages));
	EXPECT_EQ(0, nr_zspages);
}
