// SPDX-License-Identifier: GPL-2.0
/*
 * Memory offlining and onlining.
 *
 * Offlining a range isolates it, then repeatedly finds movable pages in
 * it (scan_movable_pages(): LRU folios and movable_ops pages alike since
 * patch 16 of the series) and migrates them away (do_migrate_range(),
 * MR_MEMORY_HOTPLUG), until test_pages_isolated() says everything is
 * free.  The free pages then leave the buddy allocator and the zone, and
 * their frames go back to the host OS.  A PageOffline page without
 * movable_ops that is still referenced (a driver's page that was not
 * given up) makes offlining fail with -EBUSY.
 *
 * kernel: memory blocks of 128 MiB and memory notifiers; here any
 * MAX_ORDER_NR_PAGES-aligned range inside one zone.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/migrate.h>
#include <pagemig/page-isolation.h>
#include <pagemig/vmstat.h>
#include "../sim/arena.h"
#include "internal.h"

#define OFFLINE_RETRIES	100

/* One hotplug operation at a time (kernel: mem_hotplug_begin()). */
static DEFINE_MUTEX_STATIC(mem_hotplug_lock, LOCK_RANK_DRIVER);

/*
 * The first PFN in [start, end) holding a movable page, in *movable_pfn.
 * Return: 0, -ENOENT if there is none, -EBUSY for a page that pins the
 * range (an in-use PageOffline page without movable_ops).
 */
static int scan_movable_pages(unsigned long start, unsigned long end,
			      unsigned long *movable_pfn)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn), *head;

		if (PageLRU(page) || page_has_movable_ops(page))
			goto found;
		if (PageOffline(page) && page_ref_count(page))
			return -EBUSY;
		if (!PageCompound(page))
			continue;
		head = compound_head(page);
		if (PageLRU(head))
			goto found;
		pfn = page_to_pfn(head) + (1UL << compound_order(head)) - 1;
		continue;
found:
		*movable_pfn = pfn;
		return 0;
	}
	return -ENOENT;
}

/* Isolate every movable page of [start, end) and migrate it out. */
static void do_migrate_range(unsigned long start, unsigned long end)
{
	migrate_range_away(start, end, MR_MEMORY_HOTPLUG);
}

/**
 * offline_pages - take [start, start + nr) away from the machine
 * @start_pfn: first PFN, MAX_ORDER_NR_PAGES-aligned
 * @nr_pages: a multiple of MAX_ORDER_NR_PAGES, within one zone
 *
 * On success the pages are PageOffline + PageReserved, out of the zone's
 * managed and present counts, and their frames are returned to the host.
 *
 * Return: 0, -EINVAL, -EBUSY (unmovable pages, or pages that would not
 * migrate; the range is back in service then).
 */
static int __offline_pages(unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long end_pfn = start_pfn + nr_pages, pfn;
	struct zone *zone;
	int ret, retries = 0;

	if (!nr_pages || end_pfn > max_pfn)
		return -EINVAL;
	ret = start_isolate_page_range(start_pfn, end_pfn, MEMORY_OFFLINE | REPORT_FAILURE);
	if (ret)
		return ret;
	zone = page_zone(pfn_to_page(start_pfn));

	do {
		unsigned long movable;

		while ((ret = scan_movable_pages(start_pfn, end_pfn, &movable)) == 0) {
			do_migrate_range(movable, end_pfn);
			cond_resched();
			if (++retries > OFFLINE_RETRIES)
				break;
		}
		if (ret == -EBUSY || retries > OFFLINE_RETRIES)
			goto failed;
		drain_all_pages(zone);
		ret = test_pages_isolated(start_pfn, end_pfn, MEMORY_OFFLINE);
	} while (ret && ++retries <= OFFLINE_RETRIES);
	if (ret)
		goto failed;

	/*
	 * Everything is free, or poisoned, or offline already: take the free
	 * pages out of the buddy allocator for good.  The others are counted
	 * as used already, so the whole range leaves the used count below.
	 */
	ret = __offline_isolated_pages(start_pfn, end_pfn);
	if (ret)
		goto failed;
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		__SetPageReserved(page);
		__SetPageOffline(page);
	}
	account_used_pages(-(long)nr_pages);
	atomic_long_sub((long)nr_pages, &zone->managed_pages);
	atomic_long_sub((long)nr_pages, &_totalram_pages);
	WRITE_ONCE(zone->present_pages, zone->present_pages - nr_pages);
	WRITE_ONCE(zone->zone_pgdat->node_present_pages,
		   zone->zone_pgdat->node_present_pages - nr_pages);
	arena_discard(start_pfn, nr_pages);
	setup_per_zone_wmarks();
	/* The isolation bits stay: nothing may allocate from here. */
	return 0;

failed:
	undo_isolate_page_range(start_pfn, end_pfn);
	return -EBUSY;
}

int offline_pages(unsigned long start_pfn, unsigned long nr_pages)
{
	int ret;

	mutex_lock(&mem_hotplug_lock);
	ret = __offline_pages(start_pfn, nr_pages);
	mutex_unlock(&mem_hotplug_lock);
	return ret;
}

/**
 * online_pages - give an offlined range back to the machine
 * @start_pfn: as passed to offline_pages()
 * @nr_pages: as passed to offline_pages()
 *
 * Serialised with offline_pages() by mem_hotplug_lock, so two onlinings
 * of one range cannot both pass the check and free its pages twice.
 *
 * Return: 0, or -EINVAL if the range is not offline.
 */
static int __online_pages(unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned long end_pfn = start_pfn + nr_pages, pfn;
	struct zone *zone;

	if (!nr_pages || end_pfn > max_pfn)
		return -EINVAL;
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!PageReserved(page) || !PageOffline(page))
			return -EINVAL;
	}
	zone = page_zone(pfn_to_page(start_pfn));
	WRITE_ONCE(zone->present_pages, zone->present_pages + nr_pages);
	WRITE_ONCE(zone->zone_pgdat->node_present_pages,
		   zone->zone_pgdat->node_present_pages + nr_pages);
	atomic_long_add((long)nr_pages, &zone->managed_pages);
	atomic_long_add((long)nr_pages, &_totalram_pages);
	account_used_pages((long)nr_pages);
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		__ClearPageReserved(page);
		/* PageOffline goes in the free path, with the flags. */
	}
	undo_isolate_page_range(start_pfn, end_pfn);
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		/*
		 * Pages offlining stepped over stay out, used: a poisoned
		 * one loses only the type offlining gave it, a driver's
		 * offline page (no reference) stays its driver's.
		 */
		if (PageHWPoison(page)) {
			__ClearPageOffline(page);
			continue;
		}
		if (!page_ref_count(page))
			continue;
		__free_page(page);
	}
	setup_per_zone_wmarks();
	return 0;
}

int online_pages(unsigned long start_pfn, unsigned long nr_pages)
{
	int ret;

	mutex_lock(&mem_hotplug_lock);
	ret = __online_pages(start_pfn, nr_pages);
	mutex_unlock(&mem_hotplug_lock);
	return ret;
}
