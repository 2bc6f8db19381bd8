// SPDX-License-Identifier: GPL-2.0
/*
 * Page isolation: keeping a PFN range out of the allocator while its
 * pages are migrated away (contiguous allocation, memory offlining).
 *
 * Isolating a pageblock sets its isolate bit and moves its free pages to
 * the MIGRATE_ISOLATE lists, from which nothing is allocated; pages freed
 * into it go there too (and never through the pcp lists).  A block can
 * only be isolated if it holds nothing unmovable: has_unmovable_pages()
 * decides, recognising LRU folios and movable_ops pages -- only guessing
 * for the latter, since a page becomes movable_ops some time after its
 * allocation (kernel commit text, patch 16/17 of the series).
 *
 * kernel: ranges need not be aligned; here they are whole pageblocks.
 * A free block larger than a pageblock that reaches across a range edge
 * is split at the edge when its pageblock is isolated, and isolated
 * pageblocks never merge with each other, so no free block straddles a
 * range boundary.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/page-isolation.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/**
 * has_unmovable_pages - the first page of a pageblock that cannot move
 * @zone: the zone
 * @start_pfn: the block's first PFN
 * @end_pfn: its end
 * @flags: MEMORY_OFFLINE to accept hwpoisoned and PageOffline pages
 *
 * Return: the offending page, or NULL if the block looks movable.  The
 * answer can be wrong both ways, racing with allocation and freeing.
 */
struct page *has_unmovable_pages(struct zone *zone, unsigned long start_pfn,
				 unsigned long end_pfn, int flags)
{
	unsigned long pfn = start_pfn;

	for (; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		/* Bootmem, holes, offlined memory: unmovable in any zone. */
		if (PageReserved(page))
			return page;
		/*
		 * With reserved pages ruled out, ZONE_MOVABLE promises that
		 * the rest can move.
		 */
		if (zone_idx(zone) == ZONE_MOVABLE)
			continue;
		/* Large folios are movable only when they are LRU folios. */
		if (PageCompound(page)) {
			struct page *head = compound_head(page);
			unsigned long skip;

			if (!PageLRU(head))
				return page;
			skip = (1UL << compound_order(head)) - (unsigned long)(page - head);
			pfn += skip - 1;
			continue;
		}
		/* Free, or on its way there. */
		if (!page_ref_count(page)) {
			if (PageBuddy(page))
				pfn += (1UL << buddy_order_unsafe(page)) - 1;
			continue;
		}
		if ((flags & MEMORY_OFFLINE) && (PageHWPoison(page) || PageOffline(page)))
			continue;
		if (PageLRU(page) || page_has_movable_ops(page))
			continue;
		return page;
	}
	return NULL;
}

static int set_migratetype_isolate(struct page *page, int flags)
{
	struct zone *zone = page_zone(page);
	unsigned long pfn = page_to_pfn(page), start = pageblock_start_pfn(pfn);
	struct page *unmovable;
	int mt;

	spin_lock(&zone->lock);
	if (get_pageblock_isolate(page)) {
		spin_unlock(&zone->lock);
		return -EBUSY;
	}
	unmovable = has_unmovable_pages(zone, start, start + pageblock_nr_pages, flags);
	if (unmovable) {
		spin_unlock(&zone->lock);
		if (flags & REPORT_FAILURE)
			dump_page(unmovable, "unmovable page");
		return -EBUSY;
	}
	/* A free block reaching past this pageblock must not go with it. */
	split_large_buddy(zone, start);
	mt = get_pageblock_migratetype(page);
	set_pageblock_isolate(page);
	move_freepages_block(zone, page, mt, MIGRATE_ISOLATE);
	spin_unlock(&zone->lock);
	return 0;
}

static void unset_migratetype_isolate(struct page *page)
{
	struct zone *zone = page_zone(page);
	unsigned long start = pageblock_start_pfn(page_to_pfn(page)), pfn;
	int mt;

	spin_lock(&zone->lock);
	if (!get_pageblock_isolate(page)) {
		spin_unlock(&zone->lock);
		return;
	}
	/*
	 * No free block here is larger than the pageblock: isolation split
	 * any at the edge, and isolated pageblocks never merge with each
	 * other (__free_one_page()).
	 */
	clear_pageblock_isolate(page);
	mt = get_pageblock_migratetype(page);
	/*
	 * Give the block's free pages back through the free path so they
	 * merge with free neighbours again.
	 */
	for (pfn = start; pfn < start + pageblock_nr_pages;) {
		struct page *p = pfn_to_page(pfn);
		unsigned int order;

		if (!PageBuddy(p)) {
			pfn++;
			continue;
		}
		order = buddy_order(p);
		del_page_from_free_list(p, zone, order, MIGRATE_ISOLATE);
		__free_one_page(p, pfn, zone, order, mt, FPI_NONE);
		pfn += 1UL << order;
	}
	spin_unlock(&zone->lock);
}

/**
 * start_isolate_page_range - isolate every pageblock of [start, end)
 * @start_pfn: first PFN, pageblock-aligned
 * @end_pfn: end PFN, pageblock-aligned, in the same zone
 * @flags: MEMORY_OFFLINE, REPORT_FAILURE
 *
 * After isolation nothing in the range is handed out; pages freed into
 * it stay free.  The caller migrates the used pages away and then checks
 * with test_pages_isolated().
 *
 * Return: 0, -EINVAL for a misaligned or cross-zone range, -EBUSY if a
 * block holds unmovable pages or is isolated already (nothing is left
 * isolated then).
 */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int flags)
{
	unsigned long pfn;

	if (!IS_ALIGNED(start_pfn, pageblock_nr_pages) ||
	    !IS_ALIGNED(end_pfn, pageblock_nr_pages) || start_pfn >= end_pfn ||
	    end_pfn > max_pfn ||
	    page_zone(pfn_to_page(start_pfn)) != page_zone(pfn_to_page(end_pfn - 1)))
		return -EINVAL;

	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		if (set_migratetype_isolate(pfn_to_page(pfn), flags)) {
			undo_isolate_page_range(start_pfn, pfn);
			return -EBUSY;
		}
	}
	/* Pages on pcp lists of this range must reach the isolate lists. */
	drain_all_pages(page_zone(pfn_to_page(start_pfn)));
	return 0;
}

/**
 * undo_isolate_page_range - end the isolation of [start, end)
 * @start_pfn: first PFN
 * @end_pfn: end PFN
 */
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages)
		unset_migratetype_isolate(pfn_to_page(pfn));
}

/**
 * test_pages_isolated - is everything in [start, end) free and isolated?
 * @start_pfn: first PFN
 * @end_pfn: end PFN
 * @flags: MEMORY_OFFLINE: hwpoisoned pages and unreferenced PageOffline
 *	pages count as gone
 *
 * Return: 0, or -EBUSY naming nothing (the caller retries or gives up).
 */
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn, int flags)
{
	struct zone *zone = page_zone(pfn_to_page(start_pfn));
	unsigned long pfn;
	int ret = 0;

	for (pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages)
		if (!get_pageblock_isolate(pfn_to_page(pfn)))
			return -EBUSY;

	spin_lock(&zone->lock);
	for (pfn = start_pfn; pfn < end_pfn;) {
		struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page)) {
			pfn += 1UL << buddy_order(page);
			continue;
		}
		if ((flags & MEMORY_OFFLINE) &&
		    (PageHWPoison(page) || (PageOffline(page) && !page_ref_count(page)))) {
			pfn++;
			continue;
		}
		ret = -EBUSY;
		break;
	}
	spin_unlock(&zone->lock);
	return ret;
}
