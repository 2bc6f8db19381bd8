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
 * The two movable_ops cores differ here by design.  6.17: the zspage
 * and the pool are destroyed under the isolated pages, which outlive
 * them.  Decoupled: zsmalloc defers destroying a zspage while one of its
 * pages is isolated, so zs_destroy_pool() waits for the isolators.
 * Regression there: the wait had no bound, and a thread that isolated a
 * page and then destroyed the pool hung for good; now it waits at most
 * zs_destroy_wait_ms, warns and fails with -EBUSY, the pool intact.
 *
 * The fixture fails the test on any warning it did not announce and on
 * any page not given back to the allocator.
 */
#include <pthread.h>

#include "../../mm/zsmalloc.c"
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

MM_FIXTURE_MOPS(zsdp, 16 * SZ_1M, UINT64_MAX, 0, 1)

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static bool isolate_onto(struct page *page, struct mig_set *list)
{
	if (!isolate_movable_ops_page(page, 0))
		return false;
	mig_add(list, page);
	return true;
}

/* One object in a zspage of several pages; its pages in @pages. */
static unsigned long one_object(struct __test_metadata *_metadata,
				struct zs_pool *pool, struct page **pages,
				int *n)
{
	unsigned long h;
	struct zpdesc *zp;

	/* 3000 bytes: one object in a zspage of several pages. */
	h = zs_malloc(pool, 3000, GFP_NOIO | __GFP_MOVABLE | __GFP_HIGHMEM, 0);
	ASSERT_FALSE(zs_handle_error(h));
	zp = pfn_zpdesc(handle_to_obj(h) >> OBJ_INDEX_BITS);
	*n = 0;
	for (zp = get_first_zpdesc(get_zspage(zp)); zp;
	     zp = get_next_zpdesc(zp))
		pages[(*n)++] = zpdesc_page(zp);
	ASSERT_LE(3, *n);
	return h;
}

TEST_F(zsdp, isolated_pages_outlive_the_last_pool)
{
	struct zs_pool *pool = zs_create_pool("gone");
	unsigned long h, nr_zspages, w0 = pagemig_warnings();
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	MIG_SET(back);
	MIG_SET(move);
	MIG_SET(held);
	unsigned int succ = 0;
	int n = 0;

	ASSERT_NOT_NULL(pool);
	h = one_object(_metadata, pool, pages, &n);

	/*
	 * Three isolators: one will put its page back, one will migrate a
	 * page only it holds, and one will migrate a page someone else
	 * also holds a reference to.
	 */
	ASSERT_TRUE(isolate_onto(pages[0], &back));
	ASSERT_TRUE(isolate_onto(pages[1], &move));
	ASSERT_TRUE(isolate_onto(pages[2], &held));
	get_page(pages[2]);

	zs_free(pool, h);
	if (movable_ops_decoupled) {
		/*
		 * The zspage waits for its isolated pages, and so does the
		 * pool -- not for ever when the waiter is the isolator.
		 */
		EXPECT_EQ(n, zs_get_total_pages(pool));
		zs_destroy_wait_ms = 20;
		mm_expect_warnings(1);
		EXPECT_EQ(-EBUSY, zs_destroy_pool(pool));
		EXPECT_EQ(1, pagemig_warnings() - w0);
		w0 = pagemig_warnings();
		EXPECT_EQ(n, zs_get_total_pages(pool));
		/* The pool still works meanwhile. */
		h = zs_malloc(pool, 100, GFP_NOIO, 0);
		ASSERT_FALSE(zs_handle_error(h));
		zs_free(pool, h);
	} else {
		/* The object goes, the zspage is destroyed, then the pool. */
		EXPECT_EQ(0, zs_get_total_pages(pool));
		EXPECT_EQ(0, zs_destroy_pool(pool));
	}

	/*
	 * 6.17: each page's zspage is gone; zs_page_migrate() reports the
	 * pages moved.  Decoupled: the zspage is alive, the pages really
	 * move, and the last isolation's end frees the zspage.
	 */
	mig_putback(&back);
	EXPECT_TRUE(mig_empty(&back));
	EXPECT_EQ(0, mig_migrate(&move, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&move));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(0, mig_migrate(&held, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&held));
	EXPECT_EQ(1, succ);
	EXPECT_FALSE(PageMovableOpsIsolated(pages[2]));
	EXPECT_EQ(1, page_ref_count(pages[2]));
	put_page(pages[2]);
	if (movable_ops_decoupled)
		EXPECT_EQ(0, zs_destroy_pool(pool));

	EXPECT_EQ(0, pagemig_warnings() - w0);
	EXPECT_EQ(0, page_ref_count(pages[0]));
	EXPECT_EQ(0, page_ref_count(pages[1]));
	EXPECT_EQ(0, page_ref_count(pages[2]));
	ASSERT_EQ(0, pagemig_vmstat_get("nr_zspages", &nr_zspages));
	EXPECT_EQ(0, nr_zspages);
}

struct late_putback {
	struct mig_set *list;
	unsigned int delay_ms;
};

static void *late_putback_fn(void *arg)
{
	struct late_putback *lp = arg;

	set_cpu_id(1 % nr_cpu_ids);
	msleep(lp->delay_ms);
	mig_putback(lp->list);
	return NULL;
}

/*
 * Another isolator ends its isolation while the pool is being destroyed:
 * the destruction waits for it (decoupled) or does not need to (6.17),
 * and succeeds with no warning either way.
 */
TEST_F(zsdp, destroy_waits_for_another_isolator)
{
	struct zs_pool *pool = zs_create_pool("wait");
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];
	struct late_putback lp = { .delay_ms = 5 };
	unsigned long h, nr_zspages;
	pthread_t th;
	MIG_SET(list);
	int n = 0;

	ASSERT_NOT_NULL(pool);
	h = one_object(_metadata, pool, pages, &n);
	ASSERT_TRUE(isolate_onto(pages[1], &list));
	zs_free(pool, h);
	lp.list = &list;
	ASSERT_EQ(0, pagemig_thread_create(&th, "late-putback", late_putback_fn, &lp));
	EXPECT_EQ(0, zs_destroy_pool(pool));
	pagemig_thread_join(th, NULL);
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(0, page_ref_count(pages[1]));
	ASSERT_EQ(0, pagemig_vmstat_get("nr_zspages", &nr_zspages));
	EXPECT_EQ(0, nr_zspages);
}
