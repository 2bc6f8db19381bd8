// SPDX-License-Identifier: GPL-2.0
/*
 * Soft offlining: retiring a page that is still good but suspected
 * (corrected errors piling up), by moving its contents elsewhere and
 * poisoning the frame.
 *
 * A free page is simply taken off the buddy lists.  An LRU folio or a
 * movable_ops page (HWPoisonHandlable() for soft offline, since the
 * series: page_has_movable_ops()) is isolated and migrated with
 * MR_MEMORY_FAILURE -- for which migrate_folio_done() keeps the source's
 * reference, so this code marks it PG_hwpoison and drops the last
 * reference itself; the free path then keeps the frame out for good.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/migrate.h>
#include <pagemig/page-isolation.h>
#include <pagemig/vmstat.h>
#include "internal.h"

atomic_long_t num_poisoned_pages;

static bool HWPoisonHandlable(struct page *page)
{
	/* Soft offline can move LRU folios and movable_ops pages. */
	return PageLRU(page) || page_has_movable_ops(page);
}

static struct folio *alloc_soft_offline_target(struct folio *src, unsigned long private)
{
	return folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, folio_order(src));
}

/* Take a free page out of the buddy allocator and poison it. */
static int take_free_page_off_buddy(struct page *page)
{
	unsigned long pfn = page_to_pfn(page), head_pfn;
	struct zone *zone = page_zone(page);
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		struct page *head;

		head_pfn = pfn & ~((1UL << order) - 1);
		head = pfn_to_page(head_pfn);
		spin_lock(&zone->lock);
		if (PageBuddy(head) && buddy_order(head) >= order &&
		    head_pfn + (1UL << buddy_order(head)) > pfn) {
			unsigned int block = buddy_order(head);
			unsigned long i;

			if (!__isolate_free_page(head, block)) {
				spin_unlock(&zone->lock);
				return -EBUSY;
			}
			/* Give back every page of the block but ours. */
			for (i = 0; i < (1UL << block); i++) {
				if (head_pfn + i == pfn)
					continue;
				__putback_isolated_page(head + i, 0,
							get_pfnblock_migratetype(head + i, head_pfn + i));
			}
			spin_unlock(&zone->lock);
			SetPageHWPoison(page);
			atomic_long_inc(&num_poisoned_pages);
			return 0;
		}
		spin_unlock(&zone->lock);
	}
	return -EBUSY;
}

/*
 * @page is part of the large folio @folio, which is isolated on @list:
 * split it, as the kernel's try_to_split_thp_page() does, and leave only
 * @page's own small folio on @list, isolated; the other pieces go back
 * to the LRU.  Only anonymous THPs split here.  Return: 0, or -EBUSY
 * with @folio still whole on @list (a pin, a file or odd-sized folio).
 */
static int split_off_subpage(struct folio *folio, struct page *page,
			     struct list_head *list)
{
	struct folio *small = (struct folio *)page;
	LIST_HEAD(pieces);
	int ret;

	folio_lock(folio);
	ret = split_folio_to_list(folio, &pieces);
	folio_unlock(folio);
	if (ret)
		return -EBUSY;
	list_move(&small->lru, list);
	putback_movable_pages(&pieces);
	return 0;
}

/**
 * soft_offline_page - move a page's contents away and retire its frame
 * @pfn: the page
 *
 * A page of an anonymous THP is split off its THP first.
 *
 * Return: 0 (the frame is poisoned and out of use), -EINVAL, -EBUSY
 * (pinned, unmovable or busy; nothing changed).
 */
int soft_offline_page(unsigned long pfn)
{
	unsigned int nr_succeeded = 0;
	struct movable_ops_batch mops;
	struct page *mops_page;
	struct folio *folio;
	struct page *page;
	LIST_HEAD(list);
	bool keep_ref;
	int ret;

	if (pfn >= max_pfn)
		return -EINVAL;
	page = pfn_to_page(pfn);
	if (PageHWPoison(page))
		return 0;
	/* Free: a buddy block's head, or a page inside one (not a tail). */
	if (PageBuddy(page) || (!PageTail(page) && !page_ref_count(page))) {
		drain_all_pages(page_zone(page));
		return take_free_page_off_buddy(page);
	}

	folio = page_folio(page);
	if (!folio_try_get(folio))
		return -EBUSY;
	if (page_folio(page) != folio || !HWPoisonHandlable(&folio->page)) {
		folio_put(folio);
		return -EBUSY;
	}
	movable_ops_batch_init(&mops, &mops_page, 1);
	if (!isolate_folio_for_migration(folio, &list, &mops)) {
		folio_put(folio);
		return -EBUSY;
	}
	/*
	 * 6.17 core: the isolation reference holds the page from here on.
	 * The decoupled movable_ops core takes none and the owner frees the
	 * source once it has moved, so keep ours for the poisoning.
	 */
	keep_ref = movable_ops_decoupled && page_has_movable_ops(page);
	if (!keep_ref)
		folio_put(folio);
	if (folio_test_large(folio)) {
		if (split_off_subpage(folio, page, &list)) {
			putback_movable_pages(&list);
			return -EBUSY;
		}
		folio = (struct folio *)page;	/* its own small folio now */
	}
	ret = migrate_pages_mops(&list, &mops, alloc_soft_offline_target, NULL,
				 0, MIGRATE_SYNC, MR_MEMORY_FAILURE,
				 &nr_succeeded);
	if (ret) {
		putback_movable_pages(&list);
		putback_movable_ops_batch(&mops);
		if (keep_ref)
			folio_put(folio);
		return -EBUSY;
	}
	/* The source's last reference: left by migrate_folio_done(), or kept. */
	SetPageHWPoison(page);
	atomic_long_inc(&num_poisoned_pages);
	folio_put(folio);
	return 0;
}
