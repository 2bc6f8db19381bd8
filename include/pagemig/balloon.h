/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Balloon compaction: the common part of memory-balloon drivers, and the
 * owner of PageOffline movable_ops pages (kernel 6.17:
 * include/linux/balloon_compaction.h; later kernels: balloon.h).
 *
 * A balloon page is inflated (handed to the hypervisor) by its driver and
 * kept on the device's list.  With CONFIG_BALLOON_COMPACTION it is also a
 * movable_ops page: PageOffline + PG_movable_ops, page->private pointing at
 * its balloon_dev_info, so compaction can move it.
 *
 * Locking rules:
 * 0) A page becomes a balloon page -- PageOffline, PG_movable_ops and
 *    page->private set -- with its page lock held and, inside that, the
 *    device's pages_lock.
 * 1) Isolation and dequeueing both take the page off b_dev_info->pages
 *    under pages_lock; an isolated page is never on that list.
 * 2) Isolation (through the core) and dequeue both only trylock the page,
 *    which serialises them: a page being dequeued cannot be isolated and
 *    the other way round.
 * PageOffline and PG_movable_ops stay set until the page is freed; a
 * deflated page that has not been freed yet only loses page->private.
 */
#ifndef _PAGEMIG_BALLOON_H
#define _PAGEMIG_BALLOON_H

#include "../../lib/list.h"
#include "mm.h"
#include "gfp.h"
#include "migrate.h"
#include "spinlock.h"

struct balloon_dev_info {
	unsigned long isolated_pages;	/* pages isolated for migration: pages_lock */
	spinlock_t pages_lock;		/* protects pages and isolated_pages */
	struct list_head pages;		/* inflated pages, through page->lru */
	/* The driver's migration callback; NULL if it cannot migrate. */
	int (*migratepage)(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode);
};

void balloon_devinfo_init(struct balloon_dev_info *b_dev_info);
struct page *balloon_page_alloc(void);
void balloon_page_enqueue(struct balloon_dev_info *b_dev_info, struct page *page);
struct page *balloon_page_dequeue(struct balloon_dev_info *b_dev_info);
size_t balloon_page_list_enqueue(struct balloon_dev_info *b_dev_info,
				 struct list_head *pages);
size_t balloon_page_list_dequeue(struct balloon_dev_info *b_dev_info,
				 struct list_head *pages, size_t n_req_pages);
int balloon_init(void);
void balloon_exit(void);

extern const struct movable_operations balloon_mops;

/* Movable high memory when balloon pages can migrate, else pinned. */
static inline gfp_t balloon_mapping_gfp_mask(void)
{
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		return GFP_HIGHUSER_MOVABLE;
	return GFP_HIGHUSER;
}

static inline struct balloon_dev_info *balloon_page_device(struct page *page)
{
	return (struct balloon_dev_info *)page_private(page);
}

/**
 * balloon_page_insert - make @page a balloon page of @balloon
 * @balloon: the device
 * @page: a page the caller owns, locked
 *
 * Caller must hold the page lock and balloon->pages_lock.
 */
static inline void balloon_page_insert(struct balloon_dev_info *balloon,
				       struct page *page)
{
	lockdep_assert_held(&balloon->pages_lock);
	__SetPageOffline(page);
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION)) {
		SetPageMovableOps(page);
		set_page_private(page, (unsigned long)balloon);
	}
	list_add(&page->lru, &balloon->pages);
}

/**
 * balloon_page_finalize - prepare a dequeued balloon page for freeing
 * @page: a page already off the balloon list, locked
 *
 * Only page->private goes: PageOffline and PG_movable_ops stay until the
 * page is freed (sticky), and a NULL device pointer is how the callbacks
 * recognise a page that left the balloon.
 */
static inline void balloon_page_finalize(struct page *page)
{
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		set_page_private(page, 0);
}

/* Driver-local list helpers on page->lru. */
static inline void balloon_page_push(struct list_head *pages, struct page *page)
{
	list_add(&page->lru, pages);
}

static inline struct page *balloon_page_pop(struct list_head *pages)
{
	struct page *page = list_first_entry_or_null(pages, struct page, lru);

	if (page)
		list_del(&page->lru);
	return page;
}

#endif /* _PAGEMIG_BALLOON_H */
