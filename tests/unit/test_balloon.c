// SPDX-License-Identifier: GPL-2.0
/*
 * mm/balloon.c on a balloon of our own (no hypervisor):
 * enqueue/dequeue, single and list variants, with their counters
 * (balloon_inflate, balloon_deflate, nr_balloon_pages); finalize keeps
 * PageOffline + PG_movable_ops and clears private; isolation takes a page
 * off the list and counts it in isolated_pages, putback re-lists it; an
 * isolated page is never on the list; dequeue skips a page whose lock is
 * held and returns NULL (no BUG) when every remaining page is isolated;
 * a dequeued page that is not freed yet is still movable_ops but refuses
 * isolation; the callbacks' NULL-device and no-migratepage paths; and
 * migration through the core with a driver callback that says -EAGAIN,
 * fails, or succeeds.
 *
 * Every test ends with its balloon empty, so nr_balloon_pages matches the
 * (idle) drivers' balloons again for the validator.
 */
#include <pagemig/pagemig.h>
#include "../../mm/balloon.c"
#include <pthread.h>

#include "harness/mm_fixture.h"

MM_FIXTURE(bal, 16 * SZ_1M, 2 * SZ_1M, 0, 2)

static unsigned long nr_listed(struct balloon_dev_info *b)
{
	struct page *page;
	unsigned long n = 0;

	spin_lock(&b->pages_lock);
	list_for_each_entry(page, &b->pages, lru)
		n++;
	spin_unlock(&b->pages_lock);
	return n;
}

static bool on_list(struct balloon_dev_info *b, struct page *want)
{
	struct page *page;
	bool found = false;

	spin_lock(&b->pages_lock);
	list_for_each_entry(page, &b->pages, lru)
		found |= page == want;
	spin_unlock(&b->pages_lock);
	return found;
}

#define EXPECT_INFLATED(b, page) do {					\
	EXPECT_TRUE(PageOffline(page));					\
	EXPECT_TRUE(PageMovableOps(page));				\
	EXPECT_TRUE(page_has_movable_ops(page));			\
	EXPECT_FALSE(PageMovableOpsIsolated(page));			\
	EXPECT_FALSE(PageLocked(page));					\
	EXPECT_EQ((unsigned long)(b), page_private(page));		\
	EXPECT_EQ(1, page_ref_count(page));				\
	EXPECT_NULL((page)->mapping);					\
} while (0)

/* Dequeued (finalized), not freed: sticky type and flag, no device. */
#define EXPECT_FINALIZED(page) do {					\
	EXPECT_TRUE(PageOffline(page));					\
	EXPECT_TRUE(PageMovableOps(page));				\
	EXPECT_TRUE(page_has_movable_ops(page));			\
	EXPECT_EQ(0, page_private(page));				\
	EXPECT_FALSE(PageLocked(page));					\
	EXPECT_NULL((page)->mapping);					\
} while (0)

static void fill(struct __test_metadata *_metadata, struct balloon_dev_info *b,
		 struct page **pages, int n)
{
	for (int i = 0; i < n; i++) {
		pages[i] = balloon_page_alloc();
		ASSERT_NOT_NULL(pages[i]);
		balloon_page_enqueue(b, pages[i]);
	}
}

/* Empty the balloon (nothing isolated) and free its pages. */
static void drain_balloon(struct __test_metadata *_metadata, struct balloon_dev_info *b)
{
	LIST_HEAD(pages);
	struct page *page, *next;

	ASSERT_EQ(0, b->isolated_pages);
	balloon_page_list_dequeue(b, &pages, ~(size_t)0);
	ASSERT_TRUE(list_empty(&b->pages));
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
}

TEST_F(bal, enqueue_dequeue_and_counters)
{
	struct balloon_dev_info b;
	struct page *pages[8], *page, *next;
	unsigned long inf0 = pagemig_vmstat("balloon_inflate");
	unsigned long def0 = pagemig_vmstat("balloon_deflate");
	unsigned long nr0 = pagemig_vmstat("nr_balloon_pages");
	LIST_HEAD(list);
	int i, n = 0;

	balloon_devinfo_init(&b);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_NULL(b.migratepage);
	EXPECT_TRUE(list_empty(&b.pages));
	EXPECT_EQ(GFP_HIGHUSER_MOVABLE, balloon_mapping_gfp_mask());

	/* One by one. */
	fill(_metadata, &b, pages, 3);
	for (i = 0; i < 3; i++)
		EXPECT_INFLATED(&b, pages[i]);
	EXPECT_EQ(inf0 + 3, pagemig_vmstat("balloon_inflate"));
	EXPECT_EQ(nr0 + 3, pagemig_vmstat("nr_balloon_pages"));

	/* A list. */
	for (i = 3; i < 8; i++) {
		pages[i] = balloon_page_alloc();
		ASSERT_NOT_NULL(pages[i]);
		balloon_page_push(&list, pages[i]);
	}
	EXPECT_EQ(5, balloon_page_list_enqueue(&b, &list));
	EXPECT_TRUE(list_empty(&list));
	EXPECT_EQ(8, nr_listed(&b));
	EXPECT_EQ(inf0 + 8, pagemig_vmstat("balloon_inflate"));
	EXPECT_EQ(nr0 + 8, pagemig_vmstat("nr_balloon_pages"));
	for (i = 3; i < 8; i++)
		EXPECT_INFLATED(&b, pages[i]);

	/* Dequeue one: finalized, not freed. */
	page = balloon_page_dequeue(&b);
	ASSERT_NOT_NULL(page);
	EXPECT_FINALIZED(page);
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_FALSE(on_list(&b, page));
	EXPECT_EQ(def0 + 1, pagemig_vmstat("balloon_deflate"));
	EXPECT_EQ(nr0 + 7, pagemig_vmstat("nr_balloon_pages"));
	put_page(page);
	EXPECT_EQ(PAGE_TYPE_NONE, page->page_type);
	EXPECT_EQ(0, page->flags & PAGE_FLAGS_CHECK_AT_PREP);

	/* Dequeue a list: asks for 4, gets 4; then more than there are. */
	EXPECT_EQ(4, balloon_page_list_dequeue(&b, &list, 4));
	EXPECT_EQ(3, nr_listed(&b));
	EXPECT_EQ(3, balloon_page_list_dequeue(&b, &list, 100));
	EXPECT_EQ(0, balloon_page_list_dequeue(&b, &list, 100));
	EXPECT_EQ(def0 + 8, pagemig_vmstat("balloon_deflate"));
	EXPECT_EQ(nr0, pagemig_vmstat("nr_balloon_pages"));
	list_for_each_entry_safe(page, next, &list, lru) {
		EXPECT_FINALIZED(page);
		list_del(&page->lru);
		put_page(page);
		n++;
	}
	EXPECT_EQ(7, n);
	EXPECT_EQ(inf0 + 8, pagemig_vmstat("balloon_inflate"));
}

TEST_F(bal, isolation_takes_pages_off_the_list)
{
	struct balloon_dev_info b;
	struct page *pages[4];
	LIST_HEAD(list);
	int i;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, pages, 4);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		EXPECT_FALSE(on_list(&b, pages[i]));
		EXPECT_TRUE(PageMovableOpsIsolated(pages[i]));
		EXPECT_EQ(2, page_ref_count(pages[i]));
		EXPECT_EQ((unsigned long)&b, page_private(pages[i]));
		EXPECT_NULL(pages[i]->mapping);
		EXPECT_EQ((unsigned long)i + 1, b.isolated_pages);
		list_add_tail(&pages[i]->lru, &list);
	}
	EXPECT_EQ(1, nr_listed(&b));

	/* Dequeue can only see the listed one; then NULL, no BUG. */
	{
		struct page *page = balloon_page_dequeue(&b);

		EXPECT_EQ(pages[3], page);
		EXPECT_FINALIZED(page);
		put_page(page);
	}
	EXPECT_NULL(balloon_page_dequeue(&b));
	EXPECT_NULL(balloon_page_dequeue(&b));
	EXPECT_EQ(3, b.isolated_pages);

	putback_movable_pages(&list);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ(3, nr_listed(&b));
	for (i = 0; i < 3; i++)
		EXPECT_INFLATED(&b, pages[i]);
	drain_balloon(_metadata, &b);
}

static void *hold_lock_briefly(void *arg)
{
	struct page *page = arg;

	/* An isolator that took the lock and is about to be refused. */
	msleep(50);
	unlock_page(page);
	return NULL;
}

/*
 * Pages a refused deflate puts back (vmw_balloon) are still movable_ops
 * pages: an isolator may hold one's lock for a moment.  Putting them
 * back waits for it instead of hitting BUG_ON(!trylock) -- a latent
 * race in 6.17 that a stress run with host refusals could hit.  Found
 * by review.
 */
TEST_F(bal, list_enqueue_waits_for_an_isolators_lock)
{
	struct balloon_dev_info b;
	struct page *pages[2];
	LIST_HEAD(list);
	pthread_t th;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, pages, 2);
	ASSERT_EQ(2, balloon_page_list_dequeue(&b, &list, 2));
	EXPECT_EQ(0, page_private(pages[0]));
	/* Someone holds the lock of one of them... */
	ASSERT_TRUE(trylock_page(pages[1]));
	ASSERT_EQ(0, pagemig_thread_create(&th, "hold-lock-brief", hold_lock_briefly, pages[1]));
	/* ...and lets go while the put-back waits for it. */
	EXPECT_EQ(2, balloon_page_list_enqueue(&b, &list));
	pagemig_thread_join(th, NULL);
	EXPECT_TRUE(on_list(&b, pages[0]));
	EXPECT_TRUE(on_list(&b, pages[1]));
	EXPECT_EQ((unsigned long)&b, page_private(pages[1]));
	EXPECT_FALSE(PageLocked(pages[1]));
	drain_balloon(_metadata, &b);
}

TEST_F(bal, dequeue_skips_a_locked_page)
{
	struct balloon_dev_info b;
	struct page *pages[3], *page;
	LIST_HEAD(list);

	balloon_devinfo_init(&b);
	fill(_metadata, &b, pages, 3);
	/* The list is LIFO: pages[2] comes first; lock it. */
	ASSERT_TRUE(trylock_page(pages[2]));
	page = balloon_page_dequeue(&b);
	EXPECT_EQ(pages[1], page);
	put_page(page);
	/* Only the locked one is left: NULL, and it stays. */
	EXPECT_EQ(1, balloon_page_list_dequeue(&b, &list, 5));
	EXPECT_EQ(pages[0], list_first_entry(&list, struct page, lru));
	list_del(&pages[0]->lru);
	put_page(pages[0]);
	EXPECT_EQ(0, balloon_page_list_dequeue(&b, &list, 5));
	EXPECT_TRUE(on_list(&b, pages[2]));
	EXPECT_EQ((unsigned long)&b, page_private(pages[2]));
	unlock_page(pages[2]);
	drain_balloon(_metadata, &b);
}

/* A deflated page waiting to be freed: movable_ops, but isolation refuses. */
TEST_F(bal, dequeued_page_refuses_isolation)
{
	struct balloon_dev_info b;
	struct page *page;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, &page, 1);
	ASSERT_EQ(page, balloon_page_dequeue(&b));
	EXPECT_FINALIZED(page);
	EXPECT_FALSE(isolate_movable_ops_page(page, 0));
	EXPECT_FALSE(PageMovableOpsIsolated(page));
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_FALSE(balloon_page_isolate(page, 0));
	put_page(page);
	EXPECT_FALSE(page_has_movable_ops(page));
}

/*
 * The callbacks on a page with no device (cannot happen for an isolated
 * page): migrate warns once and says -EAGAIN.  No migratepage: -EBUSY.
 */
TEST_F(bal, callbacks_without_device_or_driver)
{
	struct balloon_dev_info b;
	struct page *page, *newpage;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, &page, 1);
	newpage = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(newpage);
	lock_page(page);
	lock_page(newpage);
	EXPECT_EQ(-EBUSY, balloon_page_migrate(newpage, page, MIGRATE_SYNC));
	set_page_private(page, 0);
	mm_expect_warnings(1);
	EXPECT_EQ(-EAGAIN, balloon_page_migrate(newpage, page, MIGRATE_SYNC));
	set_page_private(page, (unsigned long)&b);
	unlock_page(newpage);
	unlock_page(page);
	__free_page(newpage);
	EXPECT_INFLATED(&b, page);
	drain_balloon(_metadata, &b);
}

/* ---- migration through the core with a driver callback ------------------ */

static int drv_eagain, drv_err;
static unsigned long drv_calls;

static int drv_migratepage(struct balloon_dev_info *b, struct page *newpage,
			   struct page *page, enum migrate_mode mode)
{
	unsigned long flags;

	drv_calls++;
	if (drv_eagain > 0) {
		drv_eagain--;
		return -EAGAIN;
	}
	if (drv_err)
		return drv_err;
	get_page(newpage);
	spin_lock_irqsave(&b->pages_lock, flags);
	balloon_page_insert(b, newpage);
	b->isolated_pages--;
	__count_vm_event(BALLOON_MIGRATE);
	spin_unlock_irqrestore(&b->pages_lock, flags);
	balloon_page_finalize(page);
	put_page(page);
	return 0;
}

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

TEST_F(bal, migrate_through_the_core)
{
	struct balloon_dev_info b;
	struct page *pages[4], *page;
	unsigned long m0 = pagemig_vmstat("balloon_migrate");
	unsigned long nr0 = pagemig_vmstat("nr_balloon_pages");
	unsigned int succ = 0;
	LIST_HEAD(list);
	int i;

	balloon_devinfo_init(&b);
	b.migratepage = drv_migratepage;
	fill(_metadata, &b, pages, 4);
	for (i = 0; i < 4; i++) {
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		list_add_tail(&pages[i]->lru, &list);
	}
	EXPECT_EQ(4, b.isolated_pages);

	/* -EAGAIN twice (the virtio mutex is busy), then it works. */
	drv_eagain = 2;
	drv_err = 0;
	drv_calls = 0;
	page = pages[0];
	list_del(&page->lru);
	{
		LIST_HEAD(one);

		list_add(&page->lru, &one);
		EXPECT_EQ(0, migrate_pages(&one, alloc_dst, NULL, 0, MIGRATE_SYNC,
					   MR_COMPACTION, &succ));
	}
	EXPECT_EQ(1, succ);
	EXPECT_EQ(3, drv_calls);
	EXPECT_EQ(3, b.isolated_pages);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));

	/* A permanent failure: on the list, isolated; putback re-lists. */
	drv_err = -EBUSY;
	EXPECT_EQ(3, migrate_pages(&list, alloc_dst, NULL, 0, MIGRATE_ASYNC,
				   MR_COMPACTION, &succ));
	EXPECT_EQ(3, b.isolated_pages);
	for (i = 1; i < 4; i++) {
		EXPECT_TRUE(PageMovableOpsIsolated(pages[i]));
		EXPECT_FALSE(on_list(&b, pages[i]));
	}
	putback_movable_pages(&list);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ(4, nr_listed(&b));
	for (i = 1; i < 4; i++)
		EXPECT_INFLATED(&b, pages[i]);
	list_for_each_entry(page, &b.pages, lru)
		EXPECT_INFLATED(&b, page);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(nr0 + 4, pagemig_vmstat("nr_balloon_pages"));
	drv_err = 0;
	drain_balloon(_metadata, &b);
	EXPECT_EQ(nr0, pagemig_vmstat("nr_balloon_pages"));
}
