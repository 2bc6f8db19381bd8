/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Balloon: the common part of memory-balloon drivers, and the owner of
 * PageOffline movable_ops pages.  Kernel version followed: the 2026
 * "mm: balloon infrastructure cleanups" series (kernel 6.17:
 * include/linux/balloon_compaction.h).
 *
 * A balloon page is inflated (handed to the hypervisor) by its driver and
 * kept on the device's list.  With CONFIG_BALLOON_COMPACTION it is also a
 * movable_ops page: PageOffline + PG_movable_ops, page->private pointing at
 * its balloon_dev_info, so compaction can move it.
 *
 * Locking rules (no page lock anywhere in the balloon):
 * 1) Inflation and deflation set and clear page->private under the global
 *    balloon_pages_lock.  While private is set the page is on its
 *    device's list or isolated; while it is NULL (not inflated yet, or
 *    deflated and about to be freed) isolation refuses it.
 * 2) Isolation and dequeueing both take the page off b_dev_info->pages
 *    under balloon_pages_lock; an isolated page is never on that list.
 * PageOffline and PG_movable_ops stay set until the page is freed.
 */
#ifndef _PAGEMIG_BALLOON_H
#define _PAGEMIG_BALLOON_H

#include "../../lib/list.h"
#include "mm.h"
#include "gfp.h"
#include "migrate.h"
#include "spinlock.h"

struct balloon_dev_info {
	unsigned long isolated_pages;	/* pages isolated for migration */
	struct list_head pages;		/* inflated pages, through page->lru */
	/*
	 * The driver's migration callback, NULL if it cannot migrate: move
	 * the page at the hypervisor and return 0; -ENOENT if the old page
	 * was deflated but the new one could not be inflated; -EAGAIN to be
	 * retried; another error to give up.  The balloon core does all
	 * the page bookkeeping.
	 */
	int (*migratepage)(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode);
	/* Inflated pages leave the zone's managed pages. */
	bool adjust_managed_page_count;
};

/* Protects every device's pages and isolated_pages, and pages' private. */
extern spinlock_t balloon_pages_lock;
/* Pages NR_BALLOON_PAGES still counts after an -ENOENT migration. */
extern atomic_long_t balloon_nr_stale_pages;

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

#endif /* _PAGEMIG_BALLOON_H */
