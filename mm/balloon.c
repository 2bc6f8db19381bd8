// SPDX-License-Identifier: GPL-2.0
/*
 * Balloon: the shared bookkeeping of memory-balloon drivers
 * (drivers/virtio_balloon.c, vmw_balloon.c, cmm.c) and the movable_ops
 * callbacks that let compaction move inflated pages.
 *
 * Kernel version followed: the 2026 "mm: balloon infrastructure cleanups"
 * series (kernel 6.17 called this file mm/balloon_compaction.c).  The
 * balloon takes no page lock; one global balloon_pages_lock protects every
 * device's list, isolated_pages and the page->private of its pages.
 *
 * Inflate: the driver allocates pages with balloon_page_alloc(), tells its
 * hypervisor, and enqueues them; each becomes PageOffline + PG_movable_ops
 * with page->private = its device, and leaves the zone's managed pages if
 * the device says so (adjust_managed_page_count).  Deflate: the driver
 * dequeues pages (finalized: private cleared, type and flag kept), tells
 * the hypervisor, and frees them; the page allocator clears the type and
 * flags.
 *
 * Migration: isolation takes the page off the device list if it still
 * has a device (private) -- both under balloon_pages_lock, so a page
 * cannot be dequeued and isolated at once.  The driver's migratepage()
 * only talks to its hypervisor; this file does the rest: the new page
 * goes into the balloon with its own reference, the managed-page counts
 * of both zones are fixed, and the old page is finalized and released.
 * Putback re-lists the page.
 *
 * Lock order: the core's page lock (6.17 core only), then
 * balloon_pages_lock.  Drivers' locks come before both.
 *
 * Decoupled movable_ops core (movable_ops_decoupled): the core holds no
 * reference and no lock.  Isolation claims PG_movable_ops_isolated under
 * balloon_pages_lock, and putback and migration clear it under the same
 * lock.  An isolated page is off the device list, so deflate cannot take
 * it: the balloon's reference keeps it until the isolation ends.
 */
#include <errno.h>

#include <pagemig/balloon.h>
#include <pagemig/explain.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/* Every device's pages, isolated_pages and pages' private. */
spinlock_t balloon_pages_lock;

/*
 * Pages still counted in NR_BALLOON_PAGES after a migration deflated them
 * (the driver's -ENOENT).  kernel 2026 balloon series: that path does not
 * lower NR_BALLOON_PAGES, so the counter stays one high per such page;
 * pagemig keeps the count so that the validator can allow for it.
 */
atomic_long_t balloon_nr_stale_pages;

/*
 * Make @page a balloon page of @balloon and list it.  Under
 * balloon_pages_lock: from here on isolation may take it.
 */
static void balloon_page_insert(struct balloon_dev_info *balloon,
				struct page *page)
{
	lockdep_assert_held(&balloon_pages_lock);
	__SetPageOffline(page);
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION)) {
		SetPageMovableOps(page);
		set_page_private(page, (unsigned long)balloon);
	}
	list_add(&page->lru, &balloon->pages);
}

/*
 * A page already off the balloon list leaves the balloon: only
 * page->private goes.  PageOffline and PG_movable_ops stay until the page
 * is freed (sticky); a NULL device pointer is how isolation recognises a
 * page that left the balloon.  Under balloon_pages_lock, which isolation
 * holds while it reads private.
 */
static void balloon_page_finalize(struct page *page)
{
	lockdep_assert_held(&balloon_pages_lock);
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		set_page_private(page, 0);
}

/**
 * balloon_devinfo_init - initialise a device: empty list, no migration
 * @balloon: the device
 *
 * The driver sets ->migratepage afterwards if it supports migration, and
 * ->adjust_managed_page_count if inflated pages leave the zone's managed
 * pages.
 */
void balloon_devinfo_init(struct balloon_dev_info *balloon)
{
	balloon->isolated_pages = 0;
	INIT_LIST_HEAD(&balloon->pages);
	balloon->migratepage = NULL;
	balloon->adjust_managed_page_count = false;
}

/**
 * balloon_page_alloc - allocate a page for inflation
 *
 * Never dips into reserves, never retries hard and never warns: a balloon
 * that cannot grow now tries again later.
 *
 * Return: the page, or NULL.
 */
struct page *balloon_page_alloc(void)
{
	return alloc_page(balloon_mapping_gfp_mask() | __GFP_NOMEMALLOC |
			  __GFP_NORETRY | __GFP_NOWARN);
}

/* Under balloon_pages_lock. */
static void balloon_page_enqueue_one(struct balloon_dev_info *b_dev_info,
				     struct page *page)
{
	balloon_page_insert(b_dev_info, page);
	if (b_dev_info->adjust_managed_page_count)
		adjust_managed_page_count(page, -1);
	__count_vm_event(BALLOON_INFLATE);
	inc_node_page_state(page, NR_BALLOON_PAGES);
}

/**
 * balloon_page_list_enqueue - inflate a list of pages into the balloon
 * @b_dev_info: the device
 * @pages: pages from balloon_page_alloc() or dequeued earlier, through lru
 *
 * No page lock: a page a refused deflate puts back (vmw_balloon) may be
 * looked at by an isolator right now, but isolation reads private under
 * balloon_pages_lock and refuses until the page is listed again.
 *
 * List ownership: every page moves from @pages to the balloon.
 *
 * Return: the number of pages enqueued.
 */
size_t balloon_page_list_enqueue(struct balloon_dev_info *b_dev_info,
				 struct list_head *pages)
{
	struct page *page, *tmp;
	unsigned long flags;
	size_t n_pages = 0;

	spin_lock_irqsave(&balloon_pages_lock, flags);
	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		balloon_page_enqueue_one(b_dev_info, page);
		n_pages++;
	}
	spin_unlock_irqrestore(&balloon_pages_lock, flags);
	return n_pages;
}

/**
 * balloon_page_list_dequeue - take up to @n_req_pages pages out of the balloon
 * @b_dev_info: the device
 * @pages: where the dequeued (finalized) pages go
 * @n_req_pages: how many are wanted
 *
 * Isolated pages are not on the list, so they cannot be taken; fewer
 * pages than asked for may come back while some are isolated.
 *
 * List ownership: the caller owns what lands on @pages and frees it.
 *
 * Return: the number of pages dequeued.
 */
size_t balloon_page_list_dequeue(struct balloon_dev_info *b_dev_info,
				 struct list_head *pages, size_t n_req_pages)
{
	struct page *page, *tmp;
	unsigned long flags;
	size_t n_pages = 0;

	spin_lock_irqsave(&balloon_pages_lock, flags);
	list_for_each_entry_safe(page, tmp, &b_dev_info->pages, lru) {
		if (n_pages == n_req_pages)
			break;
		list_del(&page->lru);
		if (b_dev_info->adjust_managed_page_count)
			adjust_managed_page_count(page, 1);
		balloon_page_finalize(page);
		__count_vm_event(BALLOON_DEFLATE);
		list_add(&page->lru, pages);
		dec_node_page_state(page, NR_BALLOON_PAGES);
		n_pages++;
	}
	spin_unlock_irqrestore(&balloon_pages_lock, flags);
	return n_pages;
}

/**
 * balloon_page_enqueue - inflate one page into the balloon
 * @b_dev_info: the device
 * @page: a page from balloon_page_alloc(), its lru unused
 */
void balloon_page_enqueue(struct balloon_dev_info *b_dev_info, struct page *page)
{
	unsigned long flags;

	spin_lock_irqsave(&balloon_pages_lock, flags);
	balloon_page_enqueue_one(b_dev_info, page);
	spin_unlock_irqrestore(&balloon_pages_lock, flags);
}

/**
 * balloon_page_dequeue - take one page out of the balloon
 * @b_dev_info: the device
 *
 * Return: a finalized page for the caller to free, or NULL when every
 * page still in the balloon is isolated for migration right now (try
 * again later).  An empty balloon with nothing isolated here means pages
 * were lost: a bug.
 */
struct page *balloon_page_dequeue(struct balloon_dev_info *b_dev_info)
{
	unsigned long flags;
	LIST_HEAD(pages);
	size_t n_pages;

	n_pages = balloon_page_list_dequeue(b_dev_info, &pages, 1);
	if (n_pages != 1) {
		spin_lock_irqsave(&balloon_pages_lock, flags);
		if (unlikely(list_empty(&b_dev_info->pages) &&
			     !b_dev_info->isolated_pages))
			BUG();
		spin_unlock_irqrestore(&balloon_pages_lock, flags);
		return NULL;
	}
	return list_first_entry(&pages, struct page, lru);
}

/* ------------------------------------------------------------------ */
/* movable_ops callbacks */

static bool balloon_page_isolate(struct page *page, isolate_mode_t mode)
{
	struct balloon_dev_info *b_dev_info;
	unsigned long flags;

	spin_lock_irqsave(&balloon_pages_lock, flags);
	/*
	 * Decoupled core: no reference and no page lock, so the page may
	 * have been freed and reused by anyone since the core looked.  A
	 * page becomes a balloon page with a device only here, under the
	 * lock, so type plus device pointer prove it is still ours; the
	 * flag, claimed under the same lock, keeps a second isolator out.
	 */
	if (movable_ops_decoupled &&
	    (!PageOffline(page) || !page_has_movable_ops(page))) {
		spin_unlock_irqrestore(&balloon_pages_lock, flags);
		return false;
	}
	b_dev_info = balloon_page_device(page);
	/* Deflated (or not inflated yet): not ours to move. */
	if (!b_dev_info || (movable_ops_decoupled &&
			    TestSetPageMovableOpsIsolated(page))) {
		spin_unlock_irqrestore(&balloon_pages_lock, flags);
		return false;
	}
	list_del(&page->lru);
	b_dev_info->isolated_pages++;
	spin_unlock_irqrestore(&balloon_pages_lock, flags);
	return true;
}

static void balloon_page_putback(struct page *page)
{
	struct balloon_dev_info *b_dev_info = balloon_page_device(page);
	unsigned long flags;

	/* An isolated page is off the list, so it cannot have been deflated. */
	if (WARN_ON_ONCE(!b_dev_info))
		return;

	spin_lock_irqsave(&balloon_pages_lock, flags);
	list_add(&page->lru, &b_dev_info->pages);
	b_dev_info->isolated_pages--;
	/* Decoupled core: the isolation ends under the lock that began it. */
	if (movable_ops_decoupled)
		ClearPageMovableOpsIsolated(page);
	spin_unlock_irqrestore(&balloon_pages_lock, flags);
}

/*
 * The driver moved the page at its hypervisor (0), or deflated the old
 * page without inflating the new one (-ENOENT): either way the old page
 * leaves the balloon here, and on 0 the new one enters it.
 */
static int balloon_page_migrate(struct page *newpage, struct page *page,
				enum migrate_mode mode)
{
	struct balloon_dev_info *b_dev_info = balloon_page_device(page);
	unsigned long flags;
	int rc;

	/* Isolated pages cannot be deflated: see balloon_page_putback(). */
	if (WARN_ON_ONCE(!b_dev_info)) {
		explain_owner_says("isolation lost: the page is in no balloon");
		return -EAGAIN;
	}
	/* kernel 2026 balloon series: no check; a migratable balloon has one. */
	if (!b_dev_info->migratepage) {
		explain_owner_says("the balloon driver cannot migrate pages");
		return -EBUSY;
	}

	rc = b_dev_info->migratepage(b_dev_info, newpage, page, mode);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc == -ENOENT)
		explain_owner_says("deflated instead: the host refused the new page");

	spin_lock_irqsave(&balloon_pages_lock, flags);
	if (!rc) {
		/*
		 * The balloon's reference: 6.17 core, a new one beside the
		 * core's; decoupled core, the core hands its own over.
		 */
		if (!movable_ops_decoupled)
			get_page(newpage);
		balloon_page_insert(b_dev_info, newpage);
		__count_vm_event(BALLOON_MIGRATE);
		/* Managed pages were taken per zone at inflation: fix both. */
		if (b_dev_info->adjust_managed_page_count &&
		    page_zone(page) != page_zone(newpage)) {
			adjust_managed_page_count(page, 1);
			adjust_managed_page_count(newpage, -1);
		}
	} else {
		/* The balloon shrank by the old page. */
		__count_vm_event(BALLOON_DEFLATE);
		if (b_dev_info->adjust_managed_page_count)
			adjust_managed_page_count(page, 1);
		atomic_long_inc(&balloon_nr_stale_pages);
		/* Decoupled core: the core's reference on it is ours to drop. */
		if (movable_ops_decoupled)
			put_page(newpage);
	}
	b_dev_info->isolated_pages--;
	balloon_page_finalize(page);
	if (movable_ops_decoupled)
		ClearPageMovableOpsIsolated(page);
	spin_unlock_irqrestore(&balloon_pages_lock, flags);

	/* The balloon's reference; decoupled core: the last, freeing it. */
	put_page(page);
	return 0;
}

const struct movable_operations balloon_mops = {
	.migrate_page = balloon_page_migrate,
	.isolate_page = balloon_page_isolate,
	.putback_page = balloon_page_putback,
};

/**
 * balloon_init - set up the balloon lock and register the movable_ops
 *
 * kernel: a static lock and a core initcall.  Here: machine init, which
 * also zeroes balloon_nr_stale_pages with the machine's counters.
 *
 * Return: 0 or the error of set_movable_ops().
 */
int balloon_init(void)
{
	spin_lock_init_named(&balloon_pages_lock, "balloon_pages_lock",
			     LOCK_RANK_BALLOON_PAGES);
	atomic_long_set(&balloon_nr_stale_pages, 0);
	if (!IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		return 0;
	return set_movable_ops(&balloon_mops, PGTY_offline);
}

/**
 * balloon_exit - unregister at machine teardown
 */
void balloon_exit(void)
{
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		set_movable_ops(NULL, PGTY_offline);
}
