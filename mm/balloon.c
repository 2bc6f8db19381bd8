// SPDX-License-Identifier: GPL-2.0
/*
 * Balloon compaction: the shared bookkeeping of memory-balloon drivers
 * (drivers/virtio_balloon.c, vmw_balloon.c, cmm.c) and the movable_ops
 * callbacks that let compaction move inflated pages.
 *
 * Inflate: the driver allocates pages with balloon_page_alloc(), tells its
 * hypervisor, and enqueues them; each becomes PageOffline + PG_movable_ops
 * with page->private = its device.  Deflate: the driver dequeues pages
 * (finalized: private cleared, type and flag kept), tells the hypervisor,
 * and frees them; the page allocator clears the type and flags.
 *
 * Migration: isolate takes the page off the device list; the driver's
 * migratepage() inflates the new page at the hypervisor, enqueues it,
 * deflates the old one and drops it; putback re-lists the page.
 *
 * Lock order: page lock, then b_dev_info->pages_lock (see balloon.h).
 */
#include <errno.h>

#include <pagemig/balloon.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/**
 * balloon_devinfo_init - initialise a device: empty list, no migration
 * @balloon: the device
 *
 * The driver sets ->migratepage afterwards if it supports migration.
 */
void balloon_devinfo_init(struct balloon_dev_info *balloon)
{
	balloon->isolated_pages = 0;
	spin_lock_init_named(&balloon->pages_lock, "b_dev_info->pages_lock",
			     LOCK_RANK_BALLOON_PAGES);
	INIT_LIST_HEAD(&balloon->pages);
	balloon->migratepage = NULL;
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

/* Under pages_lock and the page lock. */
static void balloon_page_enqueue_one(struct balloon_dev_info *b_dev_info,
				     struct page *page)
{
	balloon_page_insert(b_dev_info, page);
	count_vm_event(BALLOON_INFLATE);
	inc_node_page_state(page, NR_BALLOON_PAGES);
}

/**
 * balloon_page_list_enqueue - inflate a list of pages into the balloon
 * @b_dev_info: the device
 * @pages: pages from balloon_page_alloc(), linked through lru
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

	list_for_each_entry_safe(page, tmp, pages, lru) {
		/*
		 * A freshly allocated page is ours alone, but one a refused
		 * deflate puts back (vmw_balloon) still looks movable: an
		 * isolator may hold its lock for a moment before the isolate
		 * callback refuses it.  Wait for it, outside pages_lock,
		 * which that callback takes.  kernel 6.17: BUG_ON(!trylock),
		 * a latent race the 2026 balloon cleanups removed along with
		 * the page lock.
		 */
		lock_page(page);
		list_del(&page->lru);
		spin_lock_irqsave(&b_dev_info->pages_lock, flags);
		balloon_page_enqueue_one(b_dev_info, page);
		spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
		unlock_page(page);
		n_pages++;
	}
	return n_pages;
}

/**
 * balloon_page_list_dequeue - take up to @n_req_pages pages out of the balloon
 * @b_dev_info: the device
 * @pages: where the dequeued (finalized) pages go
 * @n_req_pages: how many are wanted
 *
 * Pages whose lock is busy (being isolated right now) are skipped.
 * Isolated pages are not on the list at all, so they cannot be taken.
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

	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	list_for_each_entry_safe(page, tmp, &b_dev_info->pages, lru) {
		if (n_pages == n_req_pages)
			break;
		/* Lost a race with isolation: leave this one. */
		if (!trylock_page(page))
			continue;
		list_del(&page->lru);
		balloon_page_finalize(page);
		count_vm_event(BALLOON_DEFLATE);
		list_add(&page->lru, pages);
		unlock_page(page);
		dec_node_page_state(page, NR_BALLOON_PAGES);
		n_pages++;
	}
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	return n_pages;
}

/**
 * balloon_page_enqueue - inflate one page into the balloon
 * @b_dev_info: the device
 * @page: a page from balloon_page_alloc()
 */
void balloon_page_enqueue(struct balloon_dev_info *b_dev_info, struct page *page)
{
	unsigned long flags;

	/* The page is ours alone: nobody else can hold its lock. */
	BUG_ON(!trylock_page(page));
	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	balloon_page_enqueue_one(b_dev_info, page);
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	unlock_page(page);
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
		spin_lock_irqsave(&b_dev_info->pages_lock, flags);
		if (unlikely(list_empty(&b_dev_info->pages) &&
			     !b_dev_info->isolated_pages))
			BUG();
		spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
		return NULL;
	}
	return list_first_entry(&pages, struct page, lru);
}

/* ------------------------------------------------------------------ */
/* movable_ops callbacks */

static bool balloon_page_isolate(struct page *page, isolate_mode_t mode)
{
	struct balloon_dev_info *b_dev_info = balloon_page_device(page);
	unsigned long flags;

	/* Deflated and waiting to be freed: not ours to move any more. */
	if (!b_dev_info)
		return false;

	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	list_del(&page->lru);
	b_dev_info->isolated_pages++;
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
	return true;
}

static void balloon_page_putback(struct page *page)
{
	struct balloon_dev_info *b_dev_info = balloon_page_device(page);
	unsigned long flags;

	/* An isolated page is off the list, so it cannot have been deflated. */
	if (WARN_ON_ONCE(!b_dev_info))
		return;

	spin_lock_irqsave(&b_dev_info->pages_lock, flags);
	list_add(&page->lru, &b_dev_info->pages);
	b_dev_info->isolated_pages--;
	spin_unlock_irqrestore(&b_dev_info->pages_lock, flags);
}

static int balloon_page_migrate(struct page *newpage, struct page *page,
				enum migrate_mode mode)
{
	struct balloon_dev_info *balloon = balloon_page_device(page);

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!PageLocked(newpage), newpage);

	/* Isolated pages cannot be deflated: see balloon_page_putback(). */
	if (WARN_ON_ONCE(!balloon))
		return -EAGAIN;
	if (!balloon->migratepage)
		return -EBUSY;
	return balloon->migratepage(balloon, newpage, page, mode);
}

const struct movable_operations balloon_mops = {
	.migrate_page = balloon_page_migrate,
	.isolate_page = balloon_page_isolate,
	.putback_page = balloon_page_putback,
};

/**
 * balloon_init - register the balloon's movable_ops for PageOffline pages
 *
 * kernel: a core initcall.  Here: machine init.
 *
 * Return: 0 or the error of set_movable_ops().
 */
int balloon_init(void)
{
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
