// SPDX-License-Identifier: GPL-2.0
/*
 * mm/balloon.c on a balloon of our own (no hypervisor):
 * enqueue/dequeue, single and list variants, with their counters
 * (balloon_inflate, balloon_deflate, nr_balloon_pages); finalize keeps
 * PageOffline + PG_movable_ops and clears private; isolation takes a page
 * off the list and counts it in isolated_pages, putback re-lists it; an
 * isolated page is never on the list; the balloon never looks at the
 * page lock (kernel 2026 balloon series); dequeue returns NULL (no BUG)
 * when every remaining page is isolated; a dequeued page that is not
 * freed yet is still movable_ops but refuses isolation; managed pages
 * follow adjust_managed_page_count; the callbacks' NULL-device and
 * no-migratepage paths; and migration through the core with a driver
 * callback that says -EAGAIN, fails, -ENOENT, or succeeds.
 *
 * Every test ends with its balloon empty, so nr_balloon_pages matches the
 * (idle) drivers' balloons again for the validator.
 */
#include <pagemig/pagemig.h>
#include "../../mm/balloon.c"
#include <pthread.h>

#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

/* Every test in both movable_ops cores. */
FIXTURE_VARIANT(bal) { enum pagemig_movable_ops core; };
FIXTURE(bal) { long folio_calls; };
FIXTURE_VARIANT_ADD(bal, core_6_17) { .core = PAGEMIG_MOVABLE_OPS_6_17 };
FIXTURE_VARIANT_ADD(bal, decoupled) { .core = PAGEMIG_MOVABLE_OPS_DECOUPLED };
FIXTURE_SETUP(bal)
{
	mm_movable_ops = variant->core;
	mm_machine_up(16 * SZ_1M, 2 * SZ_1M, 0, 2);
	self->folio_calls = atomic_long_read(&movable_ops_folio_calls);
}
FIXTURE_TEARDOWN(bal)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	/* The decoupled core took no folio reference or lock on our pages. */
	EXPECT_EQ(self->folio_calls, atomic_long_read(&movable_ops_folio_calls));
	mm_check_invariants(true);
	pagemig_machine_exit();
}

static unsigned long nr_listed(struct balloon_dev_info *b)
{
	struct page *page;
	unsigned long n = 0;

	spin_lock(&balloon_pages_lock);
	list_for_each_entry(page, &b->pages, lru)
		n++;
	spin_unlock(&balloon_pages_lock);
	return n;
}

static bool on_list(struct balloon_dev_info *b, struct page *want)
{
	struct page *page;
	bool found = false;

	spin_lock(&balloon_pages_lock);
	list_for_each_entry(page, &b->pages, lru)
		found |= page == want;
	spin_unlock(&balloon_pages_lock);
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
		list_add(&pages[i]->lru, &list);
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
	MIG_SET(list);
	int i;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, pages, 4);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		EXPECT_FALSE(on_list(&b, pages[i]));
		EXPECT_TRUE(PageMovableOpsIsolated(pages[i]));
		/* The 6.17 core pins with a reference; decoupled takes none. */
		EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED ? 1 : 2,
			  page_ref_count(pages[i]));
		EXPECT_EQ((unsigned long)&b, page_private(pages[i]));
		EXPECT_NULL(pages[i]->mapping);
		EXPECT_EQ((unsigned long)i + 1, b.isolated_pages);
		mig_add(&list, pages[i]);
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

	mig_putback(&list);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ(3, nr_listed(&b));
	for (i = 0; i < 3; i++)
		EXPECT_INFLATED(&b, pages[i]);
	drain_balloon(_metadata, &b);
}

/*
 * kernel 2026 balloon series: the balloon takes no page lock.  Pages a
 * refused deflate puts back (vmw_balloon) go back in even while someone
 * holds their lock (6.17 needed trylock_page() there and could BUG), and
 * dequeue takes a page whose lock is held (6.17 skipped it).  A put-back
 * page is isolable again at once; before, with private NULL, it is not.
 */
TEST_F(bal, no_page_lock_in_the_balloon)
{
	struct balloon_dev_info b;
	struct page *pages[2], *page;
	LIST_HEAD(list);

	balloon_devinfo_init(&b);
	fill(_metadata, &b, pages, 2);
	ASSERT_EQ(2, balloon_page_list_dequeue(&b, &list, 2));
	EXPECT_EQ(0, page_private(pages[0]));
	ASSERT_TRUE(trylock_page(pages[1]));
	EXPECT_FALSE(balloon_page_isolate(pages[1], 0));
	EXPECT_EQ(2, balloon_page_list_enqueue(&b, &list));
	EXPECT_TRUE(on_list(&b, pages[0]));
	EXPECT_TRUE(on_list(&b, pages[1]));
	EXPECT_EQ((unsigned long)&b, page_private(pages[1]));
	EXPECT_TRUE(PageLocked(pages[1]));
	/* The list is LIFO: the locked page comes first, and is taken. */
	page = balloon_page_dequeue(&b);
	EXPECT_EQ(pages[1], page);
	EXPECT_EQ(0, page_private(page));
	unlock_page(page);
	put_page(page);
	drain_balloon(_metadata, &b);
}

/* Managed pages leave the zone at inflation only if the device says so. */
TEST_F(bal, managed_pages_follow_the_device_flag)
{
	struct balloon_dev_info b;
	struct page *pages[3];
	unsigned long managed0 = mm_managed_pages();

	balloon_devinfo_init(&b);
	EXPECT_FALSE(b.adjust_managed_page_count);
	fill(_metadata, &b, pages, 1);
	EXPECT_EQ(managed0, mm_managed_pages());
	drain_balloon(_metadata, &b);
	b.adjust_managed_page_count = true;
	fill(_metadata, &b, pages, 3);
	EXPECT_EQ(managed0 - 3, mm_managed_pages());
	drain_balloon(_metadata, &b);
	EXPECT_EQ(managed0, mm_managed_pages());
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
 * No page lock is needed around them any more.
 */
TEST_F(bal, callbacks_without_device_or_driver)
{
	/* WARN_ON_ONCE: once per process, whichever variant runs first. */
	static bool warned;
	struct balloon_dev_info b;
	struct page *page, *newpage;

	balloon_devinfo_init(&b);
	fill(_metadata, &b, &page, 1);
	newpage = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(newpage);
	EXPECT_EQ(-EBUSY, balloon_page_migrate(newpage, page, MIGRATE_SYNC));
	set_page_private(page, 0);
	if (!warned)
		mm_expect_warnings(1);
	warned = true;
	EXPECT_EQ(-EAGAIN, balloon_page_migrate(newpage, page, MIGRATE_SYNC));
	set_page_private(page, (unsigned long)&b);
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
	drv_calls++;
	if (drv_eagain > 0) {
		drv_eagain--;
		return -EAGAIN;
	}
	/* Any bookkeeping is the balloon core's (kernel 2026 balloon series). */
	return drv_err;
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
	MIG_SET(list);
	int i;

	balloon_devinfo_init(&b);
	b.migratepage = drv_migratepage;
	fill(_metadata, &b, pages, 4);
	for (i = 0; i < 4; i++)
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
	for (i = 1; i < 4; i++)
		mig_add(&list, pages[i]);
	EXPECT_EQ(4, b.isolated_pages);

	/* -EAGAIN twice (the virtio mutex is busy), then it works. */
	drv_eagain = 2;
	drv_err = 0;
	drv_calls = 0;
	page = pages[0];
	{
		MIG_SET(one);

		mig_add(&one, page);
		EXPECT_EQ(0, mig_migrate(&one, alloc_dst, NULL, 0, MIGRATE_SYNC,
					 MR_COMPACTION, &succ));
	}
	EXPECT_EQ(1, succ);
	EXPECT_EQ(3, drv_calls);
	EXPECT_EQ(3, b.isolated_pages);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));

	/* A permanent failure: on the list, isolated; putback re-lists. */
	drv_err = -EBUSY;
	EXPECT_EQ(3, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_ASYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(3, b.isolated_pages);
	for (i = 1; i < 4; i++) {
		EXPECT_TRUE(PageMovableOpsIsolated(pages[i]));
		EXPECT_FALSE(on_list(&b, pages[i]));
	}
	mig_putback(&list);
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

/*
 * -ENOENT: the old page was deflated, the new one not inflated.  Both are
 * freed, a deflate is counted, managed pages come back, and
 * NR_BALLOON_PAGES stays one high (kernel 2026 balloon series), which
 * balloon_nr_stale_pages records for the validator.
 */
TEST_F(bal, migrate_enoent_shrinks_the_balloon)
{
	struct balloon_dev_info b;
	struct page *pages[2], *page;
	unsigned long def0 = pagemig_vmstat("balloon_deflate");
	unsigned long m0 = pagemig_vmstat("balloon_migrate");
	unsigned long nr0 = pagemig_vmstat("nr_balloon_pages");
	unsigned long managed0 = mm_managed_pages();
	long stale0 = atomic_long_read(&balloon_nr_stale_pages);
	unsigned int succ = 0;
	MIG_SET(list);

	balloon_devinfo_init(&b);
	b.migratepage = drv_migratepage;
	b.adjust_managed_page_count = true;
	fill(_metadata, &b, pages, 2);
	EXPECT_EQ(managed0 - 2, mm_managed_pages());
	page = pages[1];
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	drv_eagain = 0;
	drv_err = -ENOENT;
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	drv_err = 0;
	EXPECT_EQ(1, succ);
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ(1, nr_listed(&b));
	EXPECT_FALSE(page_has_movable_ops(page));
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_EQ(def0 + 1, pagemig_vmstat("balloon_deflate"));
	EXPECT_EQ(m0, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(nr0 + 2, pagemig_vmstat("nr_balloon_pages"));
	EXPECT_EQ(stale0 + 1, atomic_long_read(&balloon_nr_stale_pages));
	EXPECT_EQ(managed0 - 1, mm_managed_pages());
	drain_balloon(_metadata, &b);
	EXPECT_EQ(managed0, mm_managed_pages());
	/* Leave the counter as the validator expects it: no stale page. */
	mod_node_page_state(NODE_DATA(0), NR_BALLOON_PAGES, -1);
	atomic_long_dec(&balloon_nr_stale_pages);
}
