// SPDX-License-Identifier: GPL-2.0
/*
 * Memory compaction.
 *
 * Two scanners walk a zone towards each other.  The migrate scanner starts
 * at the bottom and isolates movable pages -- LRU folios, and movable_ops
 * pages (balloon, zsmalloc) recognised by page type plus PG_movable_ops --
 * onto cc->migratepages (in the decoupled movable_ops core, movable_ops
 * pages into the batch cc->mops instead).  The
 * free scanner starts at the top and takes free pages out of the buddy
 * lists of movable pageblocks onto cc->freepages.  migrate_pages() then
 * moves each isolated page into one of the free ones (compaction_alloc()),
 * so used pages gather at the top and the freed ones at the bottom merge
 * into large blocks.  Compaction stops when the scanners meet or, for a
 * targeted order, as soon as a suitable free block exists.
 *
 * Pageblocks in which nothing could be isolated get a skip bit, and each
 * zone caches where the scanners stopped, so repeated compaction does not
 * rescan the same blocks; a full compaction ignores both.  A zone that
 * failed an order recently defers further attempts for a while
 * (defer_compaction()).
 *
 * For a targeted order, fast searches of the buddy free lists pick the
 * free pages (fast_isolate_freepages()) before any linear scan.
 *
 * kernel: also has page capture and lock-contention back-off; pagemig
 * takes the zone lock only around each free block it isolates.
 *
 * The compaction:* trace events fire where the kernel fires them, with
 * its arguments (<pagemig/trace/events/compaction.h>).
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/compaction.h>
#include <pagemig/migrate.h>
#include <pagemig/vmstat.h>
#include <pagemig/trace/events/compaction.h>
#include "internal.h"

const char * const compact_result_names[] = {
	"not_suitable_zone", "skipped", "deferred", "no_suitable_page",
	"continue", "complete", "partial_skipped", "contended", "success",
};

int sysctl_extfrag_threshold = 500;

struct compact_control {
	struct list_head freepages[NR_PAGE_ORDERS];	/* isolated free blocks, by order */
	struct list_head migratepages;	/* isolated pages to move */
	/*
	 * Decoupled core: isolated movable_ops pages, off lru.  One
	 * isolate_migratepages_block() call covers at most a pageblock.
	 * kernel (to 2026): movable_ops pages go on migratepages too.
	 */
	struct movable_ops_batch mops;
	struct page *mops_pages[pageblock_nr_pages];
	unsigned int nr_freepages;	/* pages on freepages */
	unsigned int nr_migratepages;	/* pages on migratepages and in mops */
	unsigned long free_pfn;		/* free scanner: next block to look at (downwards) */
	unsigned long migrate_pfn;	/* migrate scanner: next PFN (upwards) */
	struct zone *zone;
	unsigned long total_migrate_scanned;
	unsigned long total_free_scanned;
	gfp_t gfp_mask;
	int order;			/* -1: compact everything */
	int migratetype;
	unsigned int alloc_flags;
	int highest_zoneidx;
	enum migrate_mode mode;
	bool ignore_skip_hint;		/* scan blocks marked skip too */
	bool no_set_skip_hint;
	bool ignore_block_suitable;	/* free scanner may use any block type */
	bool direct_compaction;
	bool whole_zone;
	bool finish_pageblock;		/* scan the rest of the block even after isolating */
	bool proactive_compaction;	/* kcompactd: stop at the low score watermark */
	bool alloc_contig;		/* isolating a range for alloc_contig_range() */
	unsigned int fast_search_fail;	/* fast free-list searches in a row that failed */
	int search_order;		/* order the fast free search starts at */
	unsigned long fast_start_pfn;	/* fast migrate search: lowest PFN found */
	int isolate_ret;		/* isolate_migratepages_block(): 0 or -EAGAIN */
};

/* Pages of pinned folios the migrate scanners left alone (pagemig). */
static atomic_long_t pinned_skipped;

static inline bool is_via_compact_memory(int order)
{
	return order == -1;
}

/* ------------------------------------------------------------------ */
/* Deferral */

/**
 * defer_compaction - compaction at @order failed in @zone: back off
 * @zone: the zone
 * @order: the order that failed
 *
 * Each failure doubles the number of attempts skipped, up to 64.
 */
void defer_compaction(struct zone *zone, int order)
{
	unsigned int shift = READ_ONCE(zone->compact_defer_shift);

	/* kcompactd and direct compaction may defer the same zone at once. */
	WRITE_ONCE(zone->compact_considered, 0);
	if (shift < COMPACT_MAX_DEFER_SHIFT)
		WRITE_ONCE(zone->compact_defer_shift, shift + 1);
	if (order < READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order);
	trace_mm_compaction_defer_compaction(zone, order);
}

/**
 * compaction_deferred - should this attempt be skipped?
 * @zone: the zone
 * @order: the order wanted
 *
 * Return: true while the zone is backing off for @order or larger.
 */
bool compaction_deferred(struct zone *zone, int order)
{
	unsigned long defer_limit = 1UL << READ_ONCE(zone->compact_defer_shift);
	unsigned int considered;

	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	considered = READ_ONCE(zone->compact_considered) + 1;
	if (considered >= defer_limit) {
		WRITE_ONCE(zone->compact_considered, (unsigned int)defer_limit);
		return false;
	}
	WRITE_ONCE(zone->compact_considered, considered);
	trace_mm_compaction_deferred(zone, order);
	return true;
}

/**
 * compaction_defer_reset - an allocation of @order is expected to succeed
 * @zone: the zone
 * @order: the order
 * @alloc_success: it actually did: stop backing off altogether
 */
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		WRITE_ONCE(zone->compact_considered, 0);
		WRITE_ONCE(zone->compact_defer_shift, 0);
	}
	if (order >= READ_ONCE(zone->compact_order_failed))
		WRITE_ONCE(zone->compact_order_failed, order + 1);
	trace_mm_compaction_defer_reset(zone, order);
}

static bool compaction_restarting(struct zone *zone, int order)
{
	if (order < READ_ONCE(zone->compact_order_failed))
		return false;
	return READ_ONCE(zone->compact_defer_shift) == COMPACT_MAX_DEFER_SHIFT &&
	       READ_ONCE(zone->compact_considered) >= 1UL << COMPACT_MAX_DEFER_SHIFT;
}

/* ------------------------------------------------------------------ */
/* Skip hints and cached scanner positions */

static void reset_cached_positions(struct zone *zone)
{
	WRITE_ONCE(zone->compact_cached_migrate_pfn[0], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_migrate_pfn[1], zone->zone_start_pfn);
	WRITE_ONCE(zone->compact_cached_free_pfn,
		   pageblock_start_pfn(zone_end_pfn(zone) - 1));
}

static void __reset_isolation_suitable(struct zone *zone)
{
	unsigned long pfn;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages)
		clear_pageblock_skip(pfn_to_page(pfn));
	reset_cached_positions(zone);
	/*
	 * The next fast free search starts a pass.  kernel: the highest block
	 * with free pages found by a walk; here the zone's top block.
	 */
	WRITE_ONCE(zone->compact_init_free_pfn,
		   READ_ONCE(zone->compact_cached_free_pfn));
	WRITE_ONCE(zone->compact_blockskip_flush, false);
}

/**
 * reset_isolation_suitable - forget the skip hints of a node's zones
 * @pgdat: the node
 *
 * Only zones where a direct compaction ran its scanners to the end since
 * the last reset (compact_blockskip_flush) are reset: the hints have done
 * their work there, and memory has likely changed since.
 *
 * kernel: kswapd calls it when it goes to sleep; here kcompactd does,
 * after a round of work (there is no kswapd).
 */
void reset_isolation_suitable(struct pglist_data *pgdat)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		if (READ_ONCE(zone->compact_blockskip_flush))
			__reset_isolation_suitable(zone);
	}
}

static bool isolation_suitable(struct compact_control *cc, struct page *page)
{
	if (cc->ignore_skip_hint)
		return true;
	return !get_pageblock_skip(page);
}

static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct zone *zone = cc->zone;

	pfn = pageblock_end_pfn(pfn);
	if (cc->no_set_skip_hint)
		return;
	if (pfn > READ_ONCE(zone->compact_cached_migrate_pfn[0]))
		WRITE_ONCE(zone->compact_cached_migrate_pfn[0], pfn);
	if (cc->mode != MIGRATE_ASYNC &&
	    pfn > READ_ONCE(zone->compact_cached_migrate_pfn[1]))
		WRITE_ONCE(zone->compact_cached_migrate_pfn[1], pfn);
}

/* Nothing could be isolated in this block: skip it next time. */
static void update_pageblock_skip(struct compact_control *cc,
				  struct page *page, unsigned long pfn)
{
	struct zone *zone = cc->zone;

	if (cc->no_set_skip_hint)
		return;
	set_pageblock_skip(page);
	if (pfn < READ_ONCE(zone->compact_cached_free_pfn))
		WRITE_ONCE(zone->compact_cached_free_pfn, pfn);
}

/*
 * The first page of [start, end) if the whole range lies in @zone.
 *
 * kernel 6.18: __pageblock_pfn_to_page: a block of a section without memory has no struct pages (pfn_to_online_page() is NULL): neither scanner looks at it or counts it.
 */
static struct page *pageblock_pfn_to_page(unsigned long start_pfn,
					  unsigned long end_pfn, struct zone *zone)
{
	struct page *page;

	if (start_pfn < zone->zone_start_pfn || end_pfn > zone_end_pfn(zone))
		return NULL;
	page = pfn_to_online_page(start_pfn);
	if (!page || !pfn_to_online_page(end_pfn - 1))
		return NULL;
	return page;
}

/*
 * kernel 6.18: skip_offline_sections: a scanner that meets a section without memory goes on at the next section that has some (0: @pfn's section has memory, or none follows).
 */
static unsigned long skip_offline_sections(unsigned long pfn)
{
	unsigned long sec = pfn & ~(PAGES_PER_SECTION - 1);

	if (pfn_to_online_page(sec))
		return 0;
	for (sec += PAGES_PER_SECTION; pfn_valid(sec); sec += PAGES_PER_SECTION)
		if (pfn_to_online_page(sec))
			return sec;
	return 0;
}

/* The same downwards: the end of the previous section with memory, or 0. */
static unsigned long skip_offline_sections_reverse(unsigned long pfn)
{
	unsigned long sec = pfn & ~(PAGES_PER_SECTION - 1);

	if (!sec || pfn_to_online_page(sec))
		return 0;
	while (sec) {
		sec -= PAGES_PER_SECTION;
		if (pfn_to_online_page(sec))
			return sec + PAGES_PER_SECTION;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The free scanner */

/*
 * Take free blocks in [*start_pfn, end_pfn) off the buddy lists onto
 * @freelist, looking at every @stride-th PFN (1 when @strict).  Unless
 * @strict, stop once there are as many free pages as pages to migrate.
 * Returns the number of pages isolated.
 */
static unsigned long isolate_freepages_block(struct compact_control *cc,
					     unsigned long *start_pfn,
					     unsigned long end_pfn,
					     struct list_head *freelist,
					     unsigned int stride, bool strict)
{
	unsigned long nr_scanned = 0, total_isolated = 0;
	unsigned long blockpfn = *start_pfn;
	struct zone *zone = cc->zone;

	if (strict)
		stride = 1;
	for (; blockpfn < end_pfn; blockpfn += stride) {
		struct page *page = pfn_to_page(blockpfn);
		unsigned int order;
		int isolated;

		nr_scanned++;
		/*
		 * kernel 6.18: isolate_freepages_block(): a compound page is
		 * passed over whole from its head, and all its pages count as
		 * scanned, whatever the stride (racy: only a sane order that
		 * ends inside the block is trusted).
		 */
		if (PageCompound(page)) {
			order = PageHead(page) ? compound_order(page) : 0;
			if (order <= MAX_PAGE_ORDER &&
			    blockpfn + (1UL << order) <= end_pfn) {
				blockpfn += (1UL << order) - 1;
				nr_scanned += (1UL << order) - 1;
			}
			continue;
		}
		/* Lockless peek; confirmed under the zone lock below. */
		if (!PageBuddy(page))
			continue;
		order = buddy_order_unsafe(page);
		if (order > MAX_PAGE_ORDER)
			continue;

		spin_lock(&zone->lock);
		if (!PageBuddy(page) || buddy_order(page) != order) {
			spin_unlock(&zone->lock);
			continue;
		}
		isolated = __isolate_free_page(page, order);
		spin_unlock(&zone->lock);
		if (!isolated)
			break;	/* watermark: leave the zone its reserves */

		set_page_private(page, order);
		nr_scanned += (unsigned long)isolated - 1;
		total_isolated += (unsigned long)isolated;
		cc->nr_freepages += (unsigned int)isolated;
		list_add_tail(&page->lru, &freelist[order]);

		if (!strict && cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += (unsigned long)isolated;
			break;
		}
		blockpfn += (unsigned long)isolated - 1;
	}
	/* A stride or a free block may have carried us past the end. */
	if (blockpfn > end_pfn)
		blockpfn = end_pfn;
	trace_mm_compaction_isolate_freepages(*start_pfn, blockpfn,
					      nr_scanned, total_isolated);
	*start_pfn = blockpfn;
	cc->total_free_scanned += nr_scanned;
	count_vm_events(COMPACTFREE_SCANNED, (long)nr_scanned);
	if (total_isolated)
		count_vm_events(COMPACTISOLATED, (long)total_isolated);
	return total_isolated;
}

/* Can the free scanner take pages from this block? */
static bool suitable_migration_target(struct compact_control *cc,
				      struct page *page)
{
	/* A block that is free whole is what we are trying to make. */
	if (PageBuddy(page)) {
		unsigned int order = cc->order > 0 ? (unsigned int)cc->order :
						     pageblock_order;

		if (buddy_order_unsafe(page) >= order)
			return false;
	}
	if (cc->ignore_block_suitable)
		return true;
	return is_migrate_movable(get_pageblock_migratetype(page));
}

static bool compact_scanners_met(struct compact_control *cc)
{
	return (cc->free_pfn >> pageblock_order) <= (cc->migrate_pfn >> pageblock_order);
}

/*
 * How many free-list entries a fast search may look at: COMPACT_CLUSTER_MAX
 * plus one, halved for each search in a row that found nothing.
 *
 * kernel: COMPACT_CLUSTER_MAX is SWAP_CLUSTER_MAX, an unsigned long, so
 * the shift (capped at BITS_PER_LONG - 1) is defined even after 32 or more
 * failed searches; pagemig's constant is an int, so widen it here.
 */
static unsigned int freelist_scan_limit(struct compact_control *cc)
{
	unsigned int shift = min_t(unsigned int, BITS_PER_LONG - 1,
				   cc->fast_search_fail);

	return (unsigned int)(((unsigned long)COMPACT_CLUSTER_MAX >> shift) + 1);
}

/*
 * The free search walks a list from its tail: bring the entries in front
 * of @freepage (the ones it did not reach) to the tail, so the next search
 * looks at them first.
 */
static void move_freelist_head(struct list_head *freelist, struct page *freepage)
{
	LIST_HEAD(sublist);

	if (freelist->next == &freepage->buddy_list)
		return;
	list_cut_before(&sublist, freelist, &freepage->buddy_list);
	list_splice_tail(&sublist, freelist);
}

/*
 * Having taken a page from the free lists, fill up from the rest of its
 * pageblock with a full scan (not for async direct compaction, which
 * wants to be quick).
 */
static void fast_isolate_around(struct compact_control *cc, unsigned long pfn)
{
	unsigned long start_pfn, end_pfn;
	struct page *page;

	if (cc->nr_freepages >= cc->nr_migratepages)
		return;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
		return;
	start_pfn = max(pageblock_start_pfn(pfn), cc->zone->zone_start_pfn);
	end_pfn = min(pageblock_end_pfn(pfn), zone_end_pfn(cc->zone));
	page = pageblock_pfn_to_page(start_pfn, end_pfn, cc->zone);
	if (!page)
		return;
	isolate_freepages_block(cc, &start_pfn, end_pfn, cc->freepages, 1, false);
	/* Full, or nearly: the linear scanner need not look here again. */
	if (start_pfn == end_pfn && !cc->no_set_skip_hint)
		set_pageblock_skip(page);
}

/*
 * The order the fast free search looks at next: one lower, wrapping from
 * 0 to cc->order - 1.  Back at the order it started from, the search is
 * over (-1), and the next search starts one order lower.
 */
static int next_search_order(struct compact_control *cc, int order)
{
	if (--order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		if (--cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

/*
 * kernel 6.18: fast_isolate_freepages: for order > 0, take a free page from the MOVABLE free lists of the orders below cc->order before any linear scan.
 *
 * The search starts at cc->search_order (where the last one succeeded)
 * and goes down, wrapping once.  Each list is read from its tail, at most
 * freelist_scan_limit() / 2 entries in all (half a pageblock's worth when
 * the free scanner is at its starting point), fewer once a candidate is
 * seen.  A page in the top quarter of the space between the scanners
 * (pfn >= low_pfn) is taken at once; otherwise the highest one seen in
 * the top half.  The list is rotated so the next search starts with the
 * entries this one did not reach.  A failed search counts in
 * cc->fast_search_fail (which shrinks the next window) and, at the
 * scanner's start, moves cc->free_pfn to the highest block seen.  The
 * cached free PFN never stays above the highest block seen.
 * (Linux 6.12's text, unchanged as far as the 6.13-6.18 changes read.)
 */
static void fast_isolate_freepages(struct compact_control *cc)
{
	unsigned int limit = max(1U, freelist_scan_limit(cc) >> 1);
	unsigned long nr_scanned = 0, total_isolated = 0;
	unsigned long low_pfn, min_pfn, highest = 0, distance;
	struct zone *zone = cc->zone;
	struct page *page = NULL;
	bool scan_start = false;
	int order;

	if (cc->order <= 0)
		return;

	/* The first search of a pass looks deeper, and settles for less. */
	if (cc->free_pfn >= READ_ONCE(zone->compact_init_free_pfn)) {
		limit = pageblock_nr_pages >> 1;
		scan_start = true;
	}

	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 2));
	min_pfn = pageblock_start_pfn(cc->free_pfn - (distance >> 1));
	if (WARN_ON_ONCE(min_pfn > low_pfn))
		low_pfn = min_pfn;

	cc->search_order = min_t(int, cc->order - 1, cc->search_order);

	for (order = cc->search_order; !page && order >= 0;
	     order = next_search_order(cc, order)) {
		struct free_area *area = &zone->free_area[order];
		struct list_head *freelist, *pos;
		struct page *freepage = NULL;
		unsigned int order_scanned = 0;
		unsigned long high_pfn = 0;

		if (!READ_ONCE(area->nr_free))
			continue;

		spin_lock(&zone->lock);
		freelist = &area->free_list[MIGRATE_MOVABLE];
		for (pos = freelist->prev; pos != freelist; pos = pos->prev) {
			unsigned long pfn;

			freepage = list_entry(pos, struct page, buddy_list);
			order_scanned++;
			nr_scanned++;
			pfn = page_to_pfn(freepage);
			if (pfn >= highest)
				highest = max(pageblock_start_pfn(pfn),
					      zone->zone_start_pfn);
			if (pfn >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				page = freepage;
				break;
			}
			if (pfn >= min_pfn && pfn > high_pfn) {
				high_pfn = pfn;
				/* A candidate: look less far for a better one. */
				limit >>= 1;
			}
			if (order_scanned >= limit)
				break;
		}
		/* The walk saw every entry: nothing to rotate. */
		if (pos == freelist)
			freepage = NULL;

		if (!page && high_pfn) {
			page = pfn_to_page(high_pfn);
			freepage = page;
		}
		if (freepage)
			move_freelist_head(freelist, freepage);

		if (page) {
			if (__isolate_free_page(page, (unsigned int)order)) {
				unsigned long nr = 1UL << order;

				set_page_private(page, (unsigned long)order);
				nr_scanned += nr - 1;
				total_isolated += nr;
				cc->nr_freepages += (unsigned int)nr;
				list_add_tail(&page->lru, &cc->freepages[order]);
				count_vm_events(COMPACTISOLATED, (long)nr);
			} else {
				/* The watermark refused it: end the search. */
				order = cc->search_order + 1;
				page = NULL;
			}
		}
		spin_unlock(&zone->lock);

		if (cc->nr_freepages >= cc->nr_migratepages)
			break;
		/* Keep the whole search near freelist_scan_limit(). */
		if (order_scanned >= limit)
			limit = max(1U, limit >> 1);
	}

	trace_mm_compaction_fast_isolate_freepages(min_pfn, cc->free_pfn,
						   nr_scanned, total_isolated);

	if (!page) {
		cc->fast_search_fail++;
		if (scan_start) {
			/*
			 * Start the linear scan at the highest block seen;
			 * with none, direct compaction starts at min_pfn.
			 */
			if (highest >= min_pfn) {
				page = pfn_to_page(highest);
				cc->free_pfn = highest;
			} else if (cc->direct_compaction && pfn_valid(min_pfn)) {
				page = pageblock_pfn_to_page(min_pfn,
					min(pageblock_end_pfn(min_pfn), zone_end_pfn(zone)),
					zone);
				if (page && !suitable_migration_target(cc, page))
					page = NULL;
				cc->free_pfn = min_pfn;
			}
		}
	}

	if (highest && highest >= READ_ONCE(zone->compact_cached_free_pfn)) {
		highest -= pageblock_nr_pages;
		WRITE_ONCE(zone->compact_cached_free_pfn, highest);
	}

	cc->total_free_scanned += nr_scanned;
	count_vm_events(COMPACTFREE_SCANNED, (long)nr_scanned);
	if (!page)
		return;
	fast_isolate_around(cc, page_to_pfn(page));
}

/*
 * Fill cc->freepages from the top of the zone down, block by block,
 * until there are enough targets or the scanners meet.
 */
static void isolate_freepages(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long block_start_pfn, block_end_pfn, isolate_start_pfn;
	unsigned long low_pfn;
	unsigned int stride;

	/*
	 * kernel 6.18: isolate_freepages: no scan while free pages are still isolated.
	 * The fast free-list search runs first (a no-op for order -1), and
	 * the linear scan is skipped as soon as cc->freepages holds anything,
	 * from that search or from before.  compaction_alloc() only gets here
	 * for a source larger than every isolated block, so such a large
	 * folio gets no target: migrate_pages() returns -ENOMEM for it, or
	 * splits it, rather than the scanner hunting for a block its size.
	 */
	fast_isolate_freepages(cc);
	if (cc->nr_freepages)
		return;

	isolate_start_pfn = cc->free_pfn;
	block_start_pfn = pageblock_start_pfn(isolate_start_pfn);
	block_end_pfn = min(block_start_pfn + pageblock_nr_pages, zone_end_pfn(zone));
	low_pfn = pageblock_end_pfn(cc->migrate_pfn);
	/*
	 * kernel 6.18: isolate_freepages: async samples every 32nd PFN, doubling to 32 after a block yields nothing, 1 after one yields.
	 * Async compaction wants to be quick, not thorough; the other modes look
	 * at every PFN.
	 */
	stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	for (; block_start_pfn >= low_pfn;
	     block_end_pfn = block_start_pfn,
	     block_start_pfn -= pageblock_nr_pages,
	     isolate_start_pfn = block_start_pfn) {
		struct page *page;
		unsigned long nr_isolated;

		cond_resched();
		page = pageblock_pfn_to_page(block_start_pfn, block_end_pfn, zone);
		if (!page) {
			unsigned long next_pfn = skip_offline_sections_reverse(block_start_pfn);

			if (next_pfn)
				block_start_pfn = max(next_pfn, low_pfn);
			continue;
		}
		if (!suitable_migration_target(cc, page))
			continue;
		if (!isolation_suitable(cc, page))
			continue;

		nr_isolated = isolate_freepages_block(cc, &isolate_start_pfn,
						      block_end_pfn, cc->freepages,
						      stride, false);
		/*
		 * kernel 6.18: isolate_freepages: a block scanned to its end gets its skip bit, and the cached free PFN goes below it.
		 * Whether or not it yielded pages: what it had is taken now.
		 */
		if (isolate_start_pfn == block_end_pfn)
			update_pageblock_skip(cc, page,
					      block_start_pfn - pageblock_nr_pages);

		if (cc->nr_freepages >= cc->nr_migratepages) {
			/* Done with this block? Next time start below it. */
			if (isolate_start_pfn >= block_end_pfn)
				isolate_start_pfn = block_start_pfn - pageblock_nr_pages;
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			/* Stopped early (watermark): no point going on. */
			break;
		}
		if (nr_isolated) {
			stride = 1;
			continue;
		}
		stride = min_t(unsigned int, COMPACT_CLUSTER_MAX, stride << 1);
	}
	/*
	 * Where the next free scan starts; below the migrate scanner when
	 * the loop ran out, which compact_finished() sees as "met".
	 * (low_pfn >= one pageblock, so the subtraction cannot wrap.)
	 */
	cc->free_pfn = isolate_start_pfn;
}

/* migrate_pages() callback: a destination page from our free list. */
static struct folio *compaction_alloc(struct folio *src, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;
	unsigned int order = folio_order(src), start_order;
	bool has_isolation_failed = false;
	struct page *freepage;
	unsigned long size;

again:
	for (start_order = order; start_order < NR_PAGE_ORDERS; start_order++)
		if (!list_empty(&cc->freepages[start_order]))
			break;
	if (start_order == NR_PAGE_ORDERS) {
		if (has_isolation_failed)
			return NULL;
		isolate_freepages(cc);
		has_isolation_failed = true;
		goto again;
	}

	freepage = list_first_entry(&cc->freepages[start_order], struct page, lru);
	size = 1UL << start_order;
	list_del(&freepage->lru);
	while (start_order > order) {
		start_order--;
		size >>= 1;
		list_add(&freepage[size].lru, &cc->freepages[start_order]);
		set_page_private(&freepage[size], start_order);
	}
	post_alloc_hook(freepage, order, __GFP_MOVABLE);
	if (order)
		prep_compound_page(freepage, order);
	cc->nr_freepages -= 1U << order;
	cc->nr_migratepages -= 1U << order;
	return (struct folio *)freepage;
}

/* migrate_pages() callback: an unused destination comes back. */
static void compaction_free(struct folio *dst, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;
	unsigned int order = folio_order(dst);

	if (page_ref_dec_and_test(&dst->page)) {
		free_pages_prepare(&dst->page, order);
		list_add(&dst->lru, &cc->freepages[order]);
		cc->nr_freepages += 1U << order;
	}
	/* Someone else holds a reference: it cannot come back to our list. */
	cc->nr_migratepages += 1U << order;
}

/* Give every unused free block back to the buddy.  Returns the highest PFN. */
static unsigned long release_free_list(struct list_head *freepages)
{
	unsigned long high_pfn = 0;
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		struct page *page, *next;

		list_for_each_entry_safe(page, next, &freepages[order], lru) {
			unsigned long pfn = page_to_pfn(page);

			list_del(&page->lru);
			/* Make it look allocated so the normal free path takes it. */
			post_alloc_hook(page, order, __GFP_MOVABLE);
			__free_pages(page, order);
			high_pfn = max(high_pfn, pfn);
		}
	}
	return high_pfn;
}

/* ------------------------------------------------------------------ */
/* The migrate scanner */

/*
 * Where compaction waits for isolated LRU pages to go back.  kernel:
 * pgdat->reclaim_wait[VMSCAN_THROTTLE_ISOLATED], shared with reclaim
 * (mm/vmscan.c); one node here, and no reclaim.
 */
static struct wait_queue_head isolated_wait;
static bool isolated_wait_ready;

/* kernel: reclaim_throttle()'s timeout for VMSCAN_THROTTLE_ISOLATED, HZ / 50. */
#define ISOLATED_THROTTLE_MSEC	20

/*
 * Sleep until a compactor sees the isolated count fall, or at most
 * ISOLATED_THROTTLE_MSEC (kernel: reclaim_throttle()).
 */
static void reclaim_throttle_isolated(void)
{
	unsigned long seq = __wq_prepare(&isolated_wait);

	__wq_sleep(&isolated_wait, seq, ISOLATED_THROTTLE_MSEC);
}

/*
 * kernel 6.18: too_many_isolated: more LRU pages isolated than half the node's LRU pages (an eighth for __GFP_FS callers) holds the migrate scanner back.
 *
 * A caller without __GFP_FS gets the larger limit, so it can get past
 * compactors that wait on filesystem locks it holds.  Saying "not too
 * many" wakes whoever waits in reclaim_throttle_isolated().
 */
static bool too_many_isolated(struct compact_control *cc)
{
	struct pglist_data *pgdat = cc->zone->zone_pgdat;
	unsigned long active, inactive, isolated;
	bool too_many;

	inactive = node_page_state(pgdat, NR_INACTIVE_FILE) +
		   node_page_state(pgdat, NR_INACTIVE_ANON);
	active = node_page_state(pgdat, NR_ACTIVE_FILE) +
		 node_page_state(pgdat, NR_ACTIVE_ANON);
	isolated = node_page_state(pgdat, NR_ISOLATED_FILE) +
		   node_page_state(pgdat, NR_ISOLATED_ANON);
	if (cc->gfp_mask & __GFP_FS) {
		inactive >>= 3;
		active >>= 3;
	}
	too_many = isolated > (inactive + active) / 2;
	if (!too_many)
		wake_up(&isolated_wait);
	return too_many;
}

/* Empty isolation containers: the folio list and the movable_ops batch. */
static void init_migratepages(struct compact_control *cc)
{
	INIT_LIST_HEAD(&cc->migratepages);
	movable_ops_batch_init(&cc->mops, cc->mops_pages,
			       ARRAY_SIZE(cc->mops_pages));
}

static bool migratepages_empty(struct compact_control *cc)
{
	return list_empty(&cc->migratepages) && !cc->mops.nr;
}

/* Everything isolated goes back: folios to their LRU, the rest to owners. */
static void putback_migratepages(struct compact_control *cc)
{
	putback_movable_pages(&cc->migratepages);
	putback_movable_ops_batch(&cc->mops);
	cc->nr_migratepages = 0;
}

/*
 * Isolate movable pages of [low_pfn, end_pfn) onto cc->migratepages, and
 * in the decoupled core movable_ops pages into cc->mops.
 * Returns the PFN where scanning stopped.
 */
static unsigned long isolate_migratepages_block(struct compact_control *cc,
						unsigned long low_pfn,
						unsigned long end_pfn,
						isolate_mode_t mode)
{
	unsigned long nr_scanned = 0, nr_isolated = 0, next_skip_pfn = 0;
	unsigned long start_pfn = low_pfn;
	unsigned long chunk = cc->order > 0 ? 1UL << cc->order : 1;
	bool skip_on_failure = false;

	/*
	 * kernel 6.18: isolate_migratepages_block: while too_many_isolated(), a caller holding isolated pages or an async one returns -EAGAIN at once; a sync one sleeps in reclaim_throttle() and checks again.
	 * Nothing is scanned or traced before that.  kernel: a fatal signal
	 * also ends the wait (-EINTR); pagemig threads get none.
	 */
	cc->isolate_ret = 0;
	while (too_many_isolated(cc)) {
		if (cc->nr_migratepages || cc->mode == MIGRATE_ASYNC) {
			cc->isolate_ret = -EAGAIN;
			return low_pfn;
		}
		reclaim_throttle_isolated();
	}

	/*
	 * Async direct compaction works in chunks of the order it wants: a
	 * page that cannot be isolated spoils its chunk (the free block
	 * could not form there), so the scanner drops what it took of the
	 * chunk and goes on at the next one; a chunk taken whole is
	 * migrated at once.  kernel: next_skip_pfn.
	 */
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC &&
	    !cc->finish_pageblock) {
		skip_on_failure = true;
		next_skip_pfn = ALIGN(low_pfn + 1, chunk);
	}

	for (; low_pfn < end_pfn; low_pfn++) {
		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/* The last chunk came whole: migrate it now. */
			if (nr_isolated)
				break;
			/* It failed, or held nothing: the next ends here. */
			next_skip_pfn = ALIGN(low_pfn + 1, chunk);
		}
		struct page *page = pfn_to_page(low_pfn);

		nr_scanned++;
		if (!(low_pfn % COMPACT_CLUSTER_MAX))
			cond_resched();

		/* Free: skip the whole block (racy read, sanity-checked). */
		if (PageBuddy(page)) {
			unsigned int freepage_order = buddy_order_unsafe(page);

			if (freepage_order > 0 && freepage_order <= MAX_PAGE_ORDER) {
				low_pfn += (1UL << freepage_order) - 1;
				nr_scanned += (1UL << freepage_order) - 1;
			}
			continue;
		}

		/*
		 * Large folios: global compaction leaves pageblock-sized ones
		 * alone (moving them fragments as much as it frees), targeted
		 * compaction anything not smaller than its target -- a free
		 * block that big would have ended compaction already
		 * (kernel: skip_isolation_on_order()).
		 */
		if (PageCompound(page)) {
			unsigned int order = compound_order(compound_head(page));

			if (!PageHead(page) || !order || order > MAX_PAGE_ORDER)
				goto isolate_fail;
			if (!cc->alloc_contig &&
			    (is_via_compact_memory(cc->order) ? order >= pageblock_order :
			     (int)order >= cc->order)) {
				low_pfn += (1UL << order) - 1;
				nr_scanned += (1UL << order) - 1;
				goto isolate_fail;
			}
		}

		/*
		 * Not on an LRU: the only movable kind is a movable_ops page
		 * that nobody has isolated yet.  Both checks are racy; the
		 * isolation repeats them under a reference and the page lock.
		 */
		if (!PageLRU(page)) {
			if (page_has_movable_ops(page) &&
			    !PageMovableOpsIsolated(page)) {
				if (isolate_movable_ops_page_to(page, mode,
								&cc->migratepages,
								&cc->mops))
					goto isolate_success;
			}
			goto isolate_fail;
		}

		/* An LRU folio: take a speculative reference, then check again. */
		{
			struct folio *folio = folio_get_nontail_page(page);
			long nr;

			if (!folio)
				goto isolate_fail;
			/* Freed and reused before our reference: not LRU any more. */
			if (!folio_test_lru(folio) || PageTail(page)) {
				folio_put(folio);
				goto isolate_fail;
			}
			/*
			 * A pinned anonymous folio (more references than
			 * mappings) cannot be migrated: don't isolate it.
			 */
			if (!folio_mapping(folio) &&
			    folio_ref_count(folio) - 1 > folio_expected_ref_count(folio)) {
				if (folio_maybe_dma_pinned(folio))
					atomic_long_add((long)folio_nr_pages(folio),
							&pinned_skipped);
				folio_put(folio);
				goto isolate_fail;
			}
			/*
			 * kernel 6.18: isolate_migratepages_block: a caller without __GFP_FS (GFP_NOFS, GFP_NOIO) takes only anonymous folios.
			 * Moving a file folio may need locks of the file system
			 * the caller is inside.
			 */
			if (!(cc->gfp_mask & __GFP_FS) && folio_mapping(folio)) {
				folio_put(folio);
				goto isolate_fail;
			}
			if (!__folio_isolate_lru_ref(folio)) {
				folio_put(folio);
				goto isolate_fail;
			}
			nr = folio_nr_pages(folio);
			mod_node_page_state(folio_pgdat(folio),
					    NR_ISOLATED_ANON + folio_is_file_lru(folio), nr);
			list_add(&folio->lru, &cc->migratepages);
			cc->nr_migratepages += (unsigned int)nr;
			nr_isolated += (unsigned long)nr;
			/*
			 * kernel 6.18: isolate_migratepages_block: an isolated folio's pages all count as scanned.
			 */
			nr_scanned += (unsigned long)nr - 1;
			low_pfn += (unsigned long)nr - 1;
			if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
				low_pfn++;
				break;
			}
			continue;
		}

isolate_success:
		cc->nr_migratepages++;
		nr_isolated++;
		/* Enough for one migrate_pages() round. */
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			low_pfn++;
			break;
		}
		continue;
isolate_fail:
		if (!skip_on_failure)
			continue;
		/* Give back what we took of this chunk and go to the next. */
		if (nr_isolated) {
			putback_migratepages(cc);
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += chunk;
		}
	}
	/* A free block or a folio may have carried us past the end. */
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;

	/* Scanned a whole block and found nothing: remember to skip it. */
	if (low_pfn == end_pfn && !nr_isolated &&
	    pageblock_aligned(start_pfn) && end_pfn - start_pfn == pageblock_nr_pages)
		update_pageblock_skip(cc, pfn_to_page(start_pfn), start_pfn);

	trace_mm_compaction_isolate_migratepages(start_pfn, low_pfn, nr_scanned,
						 nr_isolated);
	cc->total_migrate_scanned += nr_scanned;
	count_vm_events(COMPACTMIGRATE_SCANNED, (long)nr_scanned);
	if (nr_isolated)
		count_vm_events(COMPACTISOLATED, (long)nr_isolated);
	return low_pfn;
}

/*
 * A compound page of pageblock order or more fills its block: nothing
 * there can be migrated by compaction or be free until it is released.
 */
static bool pageblock_skip_persistent(struct page *page)
{
	if (!PageCompound(page))
		return false;
	return compound_order(compound_head(page)) >= pageblock_order;
}

/* May the migrate scanner take pages from this block? */
static bool suitable_migration_source(struct compact_control *cc,
				      struct page *page)
{
	int block_mt;

	/*
	 * kernel 6.18: suitable_migration_source: a block held by a THP is passed over unscanned.
	 * No trace event and no compact_migrate_scanned for it.
	 */
	if (pageblock_skip_persistent(page))
		return false;
	/* Only async direct compaction keeps to blocks of its own type. */
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	block_mt = get_pageblock_migratetype(page);
	if (cc->migratetype == MIGRATE_MOVABLE)
		return is_migrate_movable(block_mt);
	return block_mt == cc->migratetype;
}

/*
 * The migrate search walks a list from its head: bring @freepage and the
 * entries in front of it to the tail, so the next search starts after it.
 */
static void move_freelist_tail(struct list_head *freelist, struct page *freepage)
{
	LIST_HEAD(sublist);

	if (list_is_last(&freepage->buddy_list, freelist))
		return;
	list_cut_before(&sublist, freelist, freepage->buddy_list.next);
	list_splice_tail(&sublist, freelist);
}

/* Remember the lowest block the fast migrate search picked this pass. */
static void update_fast_start_pfn(struct compact_control *cc, unsigned long pfn)
{
	if (cc->fast_start_pfn == ULONG_MAX)
		return;
	if (!cc->fast_start_pfn || pfn < cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
}

/*
 * The fast search failed: go on linearly from the lowest block an earlier
 * search found (once a pass), else from where the scanner is.
 */
static unsigned long reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == ULONG_MAX)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = ULONG_MAX;
	return cc->migrate_pfn;
}

/*
 * kernel 6.18: fast_find_migrateblock: for order > PAGE_ALLOC_COSTLY_ORDER, start at a block that already holds a free page of order cc->order - 1 .. 3.
 *
 * Only at a block's start, never with ignore_skip_hint (proactive and full
 * compaction, the last direct priority), never when the block must be
 * finished, and for direct compaction only for a MOVABLE request.  The
 * MOVABLE lists are read from their head, freelist_scan_limit() entries
 * in all; a page below high_pfn (the first half of the space between the
 * scanners at the zone's start, the first eighth later) whose block is
 * not marked skip wins, and it and the entries before it go to the tail.
 * A miss counts in cc->fast_search_fail and falls back to the lowest block
 * found earlier in the pass (reinit_migrate_pfn()).  The entries read
 * count as migrate-scanned.  (Linux 6.12's text, unchanged as far as the
 * 6.13-6.18 changes read.)
 */
static unsigned long fast_find_migrateblock(struct compact_control *cc)
{
	unsigned int limit = freelist_scan_limit(cc);
	unsigned int nr_scanned = 0;
	unsigned long pfn = cc->migrate_pfn, high_pfn, distance;
	struct zone *zone = cc->zone;
	bool found_block = false;
	int order;

	if (cc->ignore_skip_hint || cc->finish_pageblock)
		return pfn;
	/* In the middle of a block: a COMPACT_CLUSTER_MAX round goes on. */
	if (pfn != zone->zone_start_pfn && pfn != pageblock_start_pfn(pfn))
		return pfn;
	if (cc->order <= PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct_compaction && cc->migratetype != MIGRATE_MOVABLE)
		return pfn;

	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != zone->zone_start_pfn)
		distance >>= 2;
	high_pfn = pageblock_start_pfn(cc->migrate_pfn + distance);

	for (order = cc->order - 1;
	     order >= PAGE_ALLOC_COSTLY_ORDER && !found_block && nr_scanned < limit;
	     order--) {
		struct free_area *area = &zone->free_area[order];
		struct list_head *freelist, *pos;

		if (!READ_ONCE(area->nr_free))
			continue;
		spin_lock(&zone->lock);
		freelist = &area->free_list[MIGRATE_MOVABLE];
		for (pos = freelist->next; pos != freelist; pos = pos->next) {
			struct page *freepage = list_entry(pos, struct page, buddy_list);
			unsigned long free_pfn;

			if (nr_scanned++ >= limit) {
				move_freelist_tail(freelist, freepage);
				break;
			}
			free_pfn = page_to_pfn(freepage);
			if (free_pfn >= high_pfn)
				continue;
			/* Tried recently: leave it where it is. */
			if (get_pageblock_skip(freepage))
				continue;
			move_freelist_tail(freelist, freepage);
			update_fast_start_pfn(cc, free_pfn);
			pfn = max(pageblock_start_pfn(free_pfn), zone->zone_start_pfn);
			cc->fast_search_fail = 0;
			found_block = true;
			break;
		}
		spin_unlock(&zone->lock);
	}

	cc->total_migrate_scanned += nr_scanned;
	count_vm_events(COMPACTMIGRATE_SCANNED, (long)nr_scanned);
	if (!found_block) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

enum isolate_migrate_t {
	ISOLATE_ABORT,
	ISOLATE_NONE,
	ISOLATE_SUCCESS,
};

static enum isolate_migrate_t isolate_migratepages(struct compact_control *cc)
{
	/* kernel: every mode but full SYNC counts as async for the owners. */
	isolate_mode_t isolate_mode = cc->mode != MIGRATE_SYNC ? ISOLATE_ASYNC_MIGRATE : 0;
	unsigned long block_start_pfn, block_end_pfn, low_pfn;
	bool fast_find_block;

	low_pfn = fast_find_migrateblock(cc);
	block_start_pfn = max(pageblock_start_pfn(low_pfn), cc->zone->zone_start_pfn);
	block_end_pfn = pageblock_end_pfn(low_pfn);
	/* A block the fast search found was checked for its skip bit. */
	fast_find_block = low_pfn != cc->migrate_pfn && !cc->fast_search_fail;

	for (; block_end_pfn <= cc->free_pfn;
	     fast_find_block = false,
	     low_pfn = block_end_pfn,
	     block_start_pfn = block_end_pfn,
	     block_end_pfn += pageblock_nr_pages) {
		struct page *page;

		cond_resched();
		page = pageblock_pfn_to_page(block_start_pfn, block_end_pfn, cc->zone);
		if (!page) {
			unsigned long next_pfn = skip_offline_sections(block_start_pfn);

			update_cached_migrate(cc, block_end_pfn);
			if (next_pfn)
				block_end_pfn = min(next_pfn, cc->free_pfn);
			continue;
		}
		/* Skip blocks marked skip, unless we must finish this one. */
		if ((pageblock_aligned(low_pfn) || low_pfn == cc->zone->zone_start_pfn) &&
		    !fast_find_block && !isolation_suitable(cc, page)) {
			update_cached_migrate(cc, block_end_pfn);
			continue;
		}
		if (!suitable_migration_source(cc, page)) {
			update_cached_migrate(cc, block_end_pfn);
			continue;
		}

		low_pfn = isolate_migratepages_block(cc, low_pfn, block_end_pfn,
						     isolate_mode);
		/* Too many isolated: compact_zone() ends "contended". */
		if (cc->isolate_ret) {
			cc->migrate_pfn = low_pfn;
			return ISOLATE_ABORT;
		}
		update_cached_migrate(cc, low_pfn);
		/* Anything isolated: migrate it before scanning on. */
		break;
	}
	cc->migrate_pfn = low_pfn;
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* ------------------------------------------------------------------ */
/* Deciding when to compact and when to stop */

/*
 * How much of the failure to allocate @order is due to fragmentation:
 * -1000 if a suitable block is free, toward 0 when it is lack of memory,
 * toward 1000 when it is fragmentation.
 */
int fragmentation_index(struct zone *zone, unsigned int order)
{
	unsigned long free_pages = 0, free_blocks_total = 0, free_blocks_suitable = 0;
	unsigned long requested = 1UL << order;
	unsigned int o;

	if (WARN_ON_ONCE(order > MAX_PAGE_ORDER))
		return 0;
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long blocks = READ_ONCE(zone->free_area[o].nr_free);

		free_blocks_total += blocks;
		free_pages += blocks << o;
		if (o >= order)
			free_blocks_suitable += blocks << (o - order);
	}
	if (!free_blocks_total)
		return 0;
	if (free_blocks_suitable)
		return -1000;
	return (int)(1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total);
}

/**
 * compaction_suitable - is compaction worth trying for @order in @zone?
 * @zone: the zone
 * @order: the order wanted
 * @watermark: the watermark the allocation must keep
 * @highest_zoneidx: the highest zone the allocation may use
 *
 * Compaction needs free pages to migrate into (the watermark plus twice
 * the request; for costly orders also the gap between the low and min
 * watermarks, since 6.15), and for costly orders the failure must be due
 * to fragmentation rather than lack of memory.
 *
 * Return: true if compaction may help.
 */
bool compaction_suitable(struct zone *zone, int order, unsigned long watermark,
			 int highest_zoneidx)
{
	enum compact_result result = COMPACT_CONTINUE;

	watermark += 2UL << order;	/* compact_gap() */
	/* Costly orders get a better chance: the low watermark's headroom too. */
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		watermark += low_wmark_pages(zone) - min_wmark_pages(zone);
	if (!zone_watermark_ok(zone, 0, watermark, highest_zoneidx, ALLOC_CMA)) {
		result = COMPACT_SKIPPED;
	} else if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(zone, (unsigned int)order);

		if (fragindex >= 0 && fragindex <= sysctl_extfrag_threshold)
			result = COMPACT_NOT_SUITABLE_ZONE;
	}
	/* The trace tells the two refusals apart: memory, or fragmentation. */
	trace_mm_compaction_suitable(zone, order, result);
	return result == COMPACT_CONTINUE;
}

static enum compact_result compaction_suit_allocation_order(struct zone *zone,
		unsigned int order, int highest_zoneidx, unsigned int alloc_flags)
{
	unsigned long watermark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);

	if (zone_watermark_ok(zone, order, watermark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	if (!compaction_suitable(zone, (int)order, watermark, highest_zoneidx))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

static enum compact_result proactive_compact_finished(struct compact_control *cc);

static enum compact_result __compact_finished(struct compact_control *cc)
{
	unsigned int order;

	if (compact_scanners_met(cc)) {
		/* Let the next compaction start anew. */
		reset_cached_positions(cc->zone);
		if (cc->direct_compaction)
			WRITE_ONCE(cc->zone->compact_blockskip_flush, true);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction)
		return proactive_compact_finished(cc);
	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;
	/*
	 * Finish the pageblock being scanned first, so a non-movable
	 * allocation that steals it finds it as free as possible.
	 */
	if (!pageblock_aligned(cc->migrate_pfn))
		return COMPACT_CONTINUE;

	for (order = (unsigned int)cc->order; order < NR_PAGE_ORDERS; order++) {
		struct free_area *area = &cc->zone->free_area[order];

		if (!free_area_empty(area, cc->migratetype))
			return COMPACT_SUCCESS;
		if (find_suitable_fallback(area, order, cc->migratetype, true) >= 0)
			return COMPACT_SUCCESS;
	}
	return COMPACT_NO_SUITABLE_PAGE;
}

/*
 * __compact_finished()'s answer, traced.  "No suitable page" tells the
 * trace that a pageblock boundary was checked in vain; to the caller it
 * means go on, as "continue" does.
 */
static enum compact_result compact_finished(struct compact_control *cc)
{
	enum compact_result ret = __compact_finished(cc);

	trace_mm_compaction_finished(cc->zone, cc->order, ret);
	if (ret == COMPACT_NO_SUITABLE_PAGE)
		ret = COMPACT_CONTINUE;
	return ret;
}

/* ------------------------------------------------------------------ */
/* One zone */

static enum compact_result compact_zone(struct compact_control *cc)
{
	unsigned long start_pfn = cc->zone->zone_start_pfn;
	unsigned long end_pfn = zone_end_pfn(cc->zone);
	unsigned long last_migrated_pfn = 0;
	enum compact_result ret;
	unsigned int order;
	bool sync = cc->mode != MIGRATE_ASYNC;
	bool update_cached;

	for (order = 0; order < NR_PAGE_ORDERS; order++)
		INIT_LIST_HEAD(&cc->freepages[order]);
	init_migratepages(cc);
	cc->migratetype = gfp_migratetype(cc->gfp_mask);
	cc->fast_start_pfn = 0;

	if (!is_via_compact_memory(cc->order)) {
		ret = compaction_suit_allocation_order(cc->zone, (unsigned int)cc->order,
						       cc->highest_zoneidx,
						       cc->alloc_flags);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}

	/* Failing for long and now retried: forget the skip hints. */
	if (compaction_restarting(cc->zone, cc->order))
		__reset_isolation_suitable(cc->zone);

	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
	} else {
		cc->migrate_pfn = READ_ONCE(cc->zone->compact_cached_migrate_pfn[sync]);
		cc->free_pfn = READ_ONCE(cc->zone->compact_cached_free_pfn);
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
			WRITE_ONCE(cc->zone->compact_cached_free_pfn, cc->free_pfn);
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			WRITE_ONCE(cc->zone->compact_cached_migrate_pfn[0], cc->migrate_pfn);
			WRITE_ONCE(cc->zone->compact_cached_migrate_pfn[1], cc->migrate_pfn);
		}
		if (cc->migrate_pfn <= cc->zone->compact_init_migrate_pfn)
			cc->whole_zone = true;
	}

	/* Async and sync keep separate cached positions; keep them in step. */
	update_cached = !sync &&
		READ_ONCE(cc->zone->compact_cached_migrate_pfn[0]) ==
		READ_ONCE(cc->zone->compact_cached_migrate_pfn[1]);

	trace_mm_compaction_begin(start_pfn, cc->migrate_pfn, cc->free_pfn,
				  end_pfn, sync);
	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		unsigned long iteration_start_pfn = cc->migrate_pfn;
		unsigned int nr_succeeded = 0, nr_migratepages;
		int err;

		/*
		 * Rescanning the block we last migrated from means something
		 * there failed: scan it to its end this time, so it gets
		 * its skip bit rather than being revisited forever.
		 */
		cc->finish_pageblock = last_migrated_pfn &&
			pageblock_start_pfn(last_migrated_pfn) ==
			pageblock_start_pfn(iteration_start_pfn);

rescan:
		switch (isolate_migratepages(cc)) {
		case ISOLATE_ABORT:
			ret = COMPACT_CONTENDED;
			putback_migratepages(cc);
			goto out;
		case ISOLATE_NONE:
			if (update_cached)
				WRITE_ONCE(cc->zone->compact_cached_migrate_pfn[1],
					   READ_ONCE(cc->zone->compact_cached_migrate_pfn[0]));
			goto check_drain;
		case ISOLATE_SUCCESS:
			update_cached = false;
			last_migrated_pfn = max(cc->zone->zone_start_pfn,
						pageblock_start_pfn(cc->migrate_pfn - 1));
		}

		/* compaction_alloc() and _free() change the count as they go. */
		nr_migratepages = cc->nr_migratepages;
		err = migrate_pages_mops(&cc->migratepages, &cc->mops,
					 compaction_alloc, compaction_free,
					 (unsigned long)cc, cc->mode,
					 MR_COMPACTION, &nr_succeeded);
		trace_mm_compaction_migratepages(nr_migratepages, nr_succeeded);
		/* Migrated or about to be put back. */
		cc->nr_migratepages = 0;
		if (err) {
			putback_migratepages(cc);
			/* No free targets left before the scanners met: give up. */
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				goto out;
			}
			/*
			 * kernel 6.18: compact_zone: an async or sync-light round that fails inside a block rescans the rest of it with finish_pageblock.
			 * Not with ignore_skip_hint and not when finishing the
			 * block already; the rest of the block is taken in one
			 * round, not revisited round after round.  For a PMD-order
			 * request the drain is dropped (last_migrated_pfn 0):
			 * with a page left behind the block cannot be free.
			 */
			if (!pageblock_aligned(cc->migrate_pfn) &&
			    !cc->ignore_skip_hint && !cc->finish_pageblock &&
			    cc->mode < MIGRATE_SYNC) {
				cc->finish_pageblock = true;
				if (cc->order == HPAGE_PMD_ORDER)
					last_migrated_pfn = 0;
				goto rescan;
			}
		}
check_drain:
		/*
		 * Migrated pages were freed to this CPU's pcp lists; once the
		 * scanner leaves their block, flush them so they can merge and
		 * compact_finished() sees the result.
		 */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < ALIGN_DOWN(cc->migrate_pfn, 1UL << cc->order)) {
			drain_zone_pages(cc->zone, smp_processor_id() % (int)nr_cpu_ids);
			last_migrated_pfn = 0;
		}
	}

out:
	/* Give back unused targets; the free scanner restarts above them. */
	if (cc->nr_freepages > 0) {
		unsigned long free_pfn = release_free_list(cc->freepages);

		cc->nr_freepages = 0;
		free_pfn = pageblock_start_pfn(free_pfn);
		if (free_pfn > READ_ONCE(cc->zone->compact_cached_free_pfn))
			WRITE_ONCE(cc->zone->compact_cached_free_pfn, free_pfn);
	}
	/*
	 * kernel 6.18: compact_zone: the pages migration freed stay on this CPU's per-CPU lists at the end; nothing drains them (buddyinfo does not count them).
	 */
	trace_mm_compaction_end(start_pfn, cc->migrate_pfn, cc->free_pfn,
				end_pfn, sync, ret);
	return ret;
}

/**
 * compact_zone_for_order - compact one zone toward a free block of @order
 * @zone: the zone
 * @order: the order wanted, or -1 for the whole zone
 * @mode: migration mode
 *
 * What kcompactd does for a zone (kernel: kcompactd_do_work()), and what
 * writing /proc/sys/vm/compact_memory does with @order -1.
 *
 * Return: how compaction ended.
 */
enum compact_result compact_zone_for_order(struct zone *zone, int order,
					   enum migrate_mode mode)
{
	struct compact_control cc;

	memset(&cc, 0, sizeof(cc));
	cc.zone = zone;
	cc.order = order;
	cc.search_order = order;
	cc.mode = mode;
	cc.gfp_mask = GFP_KERNEL;
	cc.highest_zoneidx = zone_idx(zone);
	cc.alloc_flags = ALLOC_WMARK_MIN;
	if (is_via_compact_memory(order)) {
		cc.ignore_skip_hint = true;
		cc.whole_zone = true;
	}
	return compact_zone(&cc);
}

/**
 * compact_memory - compact every zone completely
 *
 * kernel: a write to /proc/sys/vm/compact_memory (MIGRATE_SYNC, skip
 * hints ignored, whole zones).
 *
 * Return: 0.
 */
int compact_memory(void)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		compact_zone_for_order(zone, -1, MIGRATE_SYNC);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Direct compaction from the allocator */

static enum compact_result compact_zone_order(struct zone *zone, int order,
		gfp_t gfp_mask, enum compact_priority prio,
		unsigned int alloc_flags, int highest_zoneidx)
{
	struct compact_control cc;

	memset(&cc, 0, sizeof(cc));
	cc.order = order;
	cc.search_order = order;
	cc.gfp_mask = gfp_mask;
	cc.zone = zone;
	/*
	 * kernel 6.18: compact_zone_order: every priority but COMPACT_PRIO_ASYNC migrates in MIGRATE_SYNC_LIGHT, the last (COMPACT_PRIO_SYNC_FULL) included.
	 * That one differs only in the whole zone and the ignored hints.
	 */
	cc.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT;
	cc.alloc_flags = alloc_flags;
	cc.highest_zoneidx = highest_zoneidx;
	cc.direct_compaction = true;
	cc.whole_zone = prio == MIN_COMPACT_PRIORITY;
	cc.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY;
	cc.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY;
	return compact_zone(&cc);
}

static enum compact_result try_to_compact_pages(gfp_t gfp_mask, unsigned int order,
		unsigned int alloc_flags, const struct alloc_context *ac,
		enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;
	int z;

	trace_mm_compaction_try_to_compact_pages((int)order, gfp_mask, (int)prio);
	for (z = (int)ac->highest_zoneidx; z >= 0; z--) {
		struct zone *zone = &NODE_DATA(0)->node_zones[z];
		enum compact_result status;

		if (!populated_zone(zone))
			continue;
		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(zone, (int)order)) {
			rc = max(rc, (enum compact_result)COMPACT_DEFERRED);
			continue;
		}
		status = compact_zone_order(zone, (int)order, gfp_mask, prio,
					    alloc_flags, (int)ac->highest_zoneidx);
		rc = max(status, rc);
		if (status == COMPACT_SUCCESS) {
			/* Probably fine now; confirmed if the allocation works. */
			compaction_defer_reset(zone, (int)order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(zone, (int)order);
	}
	return rc;
}

/*
 * The allocator's slow path calls this for order > 0 when it may block:
 * compact, first asynchronously, then (unless told not to retry)
 * synchronously, and try the allocation after each.
 */
static struct page *alloc_pages_direct_compact(gfp_t gfp, unsigned int order,
					       unsigned int alloc_flags,
					       const struct alloc_context *ac)
{
	enum compact_priority prio = INIT_COMPACT_PRIORITY;

	for (;;) {
		enum compact_result result;
		unsigned int noreclaim = memalloc_noreclaim_save();
		struct page *page;

		result = try_to_compact_pages(gfp, order, alloc_flags, ac, prio);
		memalloc_noreclaim_restore(noreclaim);
		if (result == COMPACT_SKIPPED)
			return NULL;

		count_vm_event(COMPACTSTALL);
		page = alloc_pages_after_compaction(gfp, order, alloc_flags, ac);
		if (page) {
			compaction_defer_reset(page_zone(page), (int)order, true);
			count_vm_event(COMPACTSUCCESS);
			return page;
		}
		count_vm_event(COMPACTFAIL);

		if ((gfp & __GFP_NORETRY) || prio == MIN_COMPACT_COSTLY_PRIORITY ||
		    result == COMPACT_DEFERRED)
			return NULL;
		prio--;
	}
}

/**
 * compaction_pinned_skipped - pages of pinned folios compaction passed over
 *
 * pagemig: the migrate scanner leaves a long-term pinned anonymous folio
 * where it is without isolating it (migration could only fail), so it
 * never reaches pgmigrate_fail; this counts its pages each time a
 * scanner meets it, since the machine booted.  A pinned file folio is
 * isolated and fails in migrate_pages(), and counts in pgmigrate_fail
 * instead.  kernel: no counter; the mm_compaction_isolate_migratepages
 * trace event shows the gap between pages scanned and taken.
 *
 * Return: the count.
 */
unsigned long compaction_pinned_skipped(void)
{
	return (unsigned long)atomic_long_read(&pinned_skipped);
}

/**
 * compaction_init - hook direct compaction into the allocator
 *
 * Return: 0.
 */
int compaction_init(void)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		reset_cached_positions(zone);
		zone->compact_init_migrate_pfn = zone->zone_start_pfn;
		/*
		 * kernel: 0 until the first reset of the skip hints, so every
		 * fast free search before one is a pass's first.
		 */
		zone->compact_init_free_pfn = 0;
	}
	if (isolated_wait_ready)
		destroy_waitqueue_head(&isolated_wait);
	init_waitqueue_head(&isolated_wait);
	isolated_wait_ready = true;
	atomic_long_set(&pinned_skipped, 0);
	if (IS_ENABLED(CONFIG_COMPACTION))
		alloc_direct_compact_hook = alloc_pages_direct_compact;
	return 0;
}

/* ------------------------------------------------------------------ */
/* kcompactd and proactive compaction */

/*
 * kcompactd is the node's background compactor: a kernel thread asleep
 * on pgdat->kcompactd_wait.  Two things wake it.
 *
 * A failed allocation of order > 0 (wakeup_kcompactd() from the slow
 * path) records the order and the highest zone it may use.  kcompactd
 * then compacts each zone up to that one, in MIGRATE_SYNC_LIGHT, until a
 * free block of the order exists.  It skips zones that are deferred or
 * where compaction cannot help, defers a zone it fails in -- the same
 * state direct compaction reads -- and resets the deferral on success.
 *
 * Every HPAGE_FRAG_CHECK_INTERVAL_MSEC it also reads the node's
 * fragmentation score.  Above the high watermark that
 * vm.compaction_proactiveness sets, it compacts whole zones until each
 * zone's score falls to the low watermark (proactive compaction).  A
 * pass that does not lower the node's score waits 64 intervals before
 * the next check.
 *
 * The score of a zone is the percentage of its free memory that is not
 * in free blocks of huge-page order.  The node's score weighs each zone
 * by its share of the node's pages, so a small zone such as DMA32 can
 * never push the node over a watermark on its own.
 *
 * kernel: also freezable, bound to the node's CPUs, psi-accounted, and
 * holds off proactive work while kswapd runs (there is no kswapd here).
 */

/* kernel: COMPACTION_HPAGE_ORDER, the PMD order when THP is built. */
#define COMPACTION_HPAGE_ORDER	HPAGE_PMD_ORDER

/*
 * With proactive compaction off, kcompactd sleeps until woken; wake-ups
 * cannot be lost (see wait_event_timeout()), so this is only the length
 * of one sleep before it looks again.
 */
#define KCOMPACTD_IDLE_MSEC	(60UL * 1000)

/* vm.compaction_proactiveness, 0..100; every machine boots with 20. */
unsigned int sysctl_compaction_proactiveness = 20;

/*
 * kernel: kthread_stop() wakes the thread.  Ours sets a flag and joins,
 * so kcompactd_stop() raises this flag and wakes the queue first;
 * otherwise teardown would wait out a sleep of up to 500 ms.  One node.
 */
static bool kcompactd_stopping;

static bool kcompactd_should_stop(void)
{
	return kthread_should_stop() || READ_ONCE(kcompactd_stopping);
}

/**
 * extfrag_for_order - how much of a zone's free memory is too fragmented
 * @zone: the zone
 * @order: the order of the block wanted
 *
 * Reads the free counts without the zone lock, as /proc/extfrag_index
 * does; a concurrent allocation makes the answer approximate, never
 * out of range.  kernel: mm/vmstat.c.
 *
 * Return: the percentage (0..100) of free pages that are not in free
 * blocks of @order or larger; 0 when nothing is free.
 */
unsigned int extfrag_for_order(struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	if (WARN_ON_ONCE(order > MAX_PAGE_ORDER))
		return 0;
	fill_contig_page_info(zone, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned int)((info.free_pages -
			       (info.free_blocks_suitable << order)) * 100 /
			      info.free_pages);
}

/**
 * fragmentation_score_zone - a zone's fragmentation score
 * @zone: the zone
 *
 * Return: extfrag_for_order() for the huge-page order, 0..100.
 */
unsigned int fragmentation_score_zone(struct zone *zone)
{
	return extfrag_for_order(zone, COMPACTION_HPAGE_ORDER);
}

/*
 * A zone's score scaled by its share of the node's pages.  Memory
 * hotplug changes present_pages under mem_hotplug_lock, which kcompactd
 * does not take: the kernel reads them locklessly, so READ_ONCE() here
 * and WRITE_ONCE() there; a score from a moment's stale size is fine.
 */
static unsigned int fragmentation_score_zone_weighted(struct zone *zone)
{
	unsigned long score = READ_ONCE(zone->present_pages) *
			      fragmentation_score_zone(zone);

	/* The +1 keeps an empty node from dividing by zero, as upstream. */
	return (unsigned int)(score /
			      (READ_ONCE(zone->zone_pgdat->node_present_pages) + 1));
}

/**
 * fragmentation_score_node - the node's fragmentation score
 * @pgdat: the node
 *
 * Return: the sum of the zones' weighted scores, 0..99 (the divisor is
 * one more than the node's pages, so even a single zone's 100 reads 99).
 */
unsigned int fragmentation_score_node(struct pglist_data *pgdat)
{
	unsigned int score = 0;
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone))
			score += fragmentation_score_zone_weighted(zone);
	}
	return score;
}

/**
 * fragmentation_score_wmark - the scores proactive compaction works between
 * @low: true for the low watermark, where a pass stops; false for the
 *       high one, above which a pass starts
 *
 * The low watermark is 100 - proactiveness; the high one lies above it
 * by a leeway of 10, or half the low watermark when that is less, so
 * that at proactiveness 100 both are 0 (6.17; older kernels used a
 * fixed leeway of 10 and kept the low watermark at 5 or more).
 *
 * Return: the watermark, 0..100.
 */
unsigned int fragmentation_score_wmark(bool low)
{
	unsigned int wmark_low, leeway;

	wmark_low = 100U - min(READ_ONCE(sysctl_compaction_proactiveness), 100U);
	leeway = min(10U, wmark_low / 2);
	return low ? wmark_low : min(wmark_low + leeway, 100U);
}

static bool should_proactive_compact_node(struct pglist_data *pgdat)
{
	if (!READ_ONCE(sysctl_compaction_proactiveness))
		return false;
	return fragmentation_score_node(pgdat) > fragmentation_score_wmark(false);
}

/*
 * compact_finished() for a proactive pass: the scanners have not met, so
 * go on while this zone is above the low watermark.  The zone's own
 * score, unweighted: each zone is brought down on its own.
 */
static enum compact_result proactive_compact_finished(struct compact_control *cc)
{
	if (fragmentation_score_zone(cc->zone) > fragmentation_score_wmark(true))
		return COMPACT_CONTINUE;
	return COMPACT_SUCCESS;
}

static void count_kcompactd_scanned(const struct compact_control *cc)
{
	count_vm_events(KCOMPACTD_MIGRATE_SCANNED, (long)cc->total_migrate_scanned);
	count_vm_events(KCOMPACTD_FREE_SCANNED, (long)cc->total_free_scanned);
}

/*
 * One proactive pass: every populated zone, whole, skip hints ignored,
 * each until its score reaches the low watermark or the scanners meet.
 */
static void proactive_compact_node(struct pglist_data *pgdat)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		struct compact_control cc;

		if (!populated_zone(zone))
			continue;
		if (kcompactd_should_stop())
			return;
		memset(&cc, 0, sizeof(cc));
		cc.zone = zone;
		cc.order = -1;
		cc.mode = MIGRATE_SYNC_LIGHT;
		cc.gfp_mask = GFP_KERNEL;
		cc.highest_zoneidx = z;
		cc.ignore_skip_hint = true;
		cc.whole_zone = true;
		cc.proactive_compaction = true;
		compact_zone(&cc);
		count_kcompactd_scanned(&cc);
	}
}

/* Can compaction make a block of the recorded order in some zone? */
static bool kcompactd_node_suitable(struct pglist_data *pgdat)
{
	int highest_zoneidx = READ_ONCE(pgdat->kcompactd_highest_zoneidx);
	int order = READ_ONCE(pgdat->kcompactd_max_order);
	int z;

	for (z = 0; z <= highest_zoneidx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		if (compaction_suit_allocation_order(zone, (unsigned int)order,
						     highest_zoneidx,
						     ALLOC_WMARK_MIN) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

static bool kcompactd_work_requested(struct pglist_data *pgdat)
{
	return READ_ONCE(pgdat->kcompactd_max_order) > 0 ||
	       READ_ONCE(pgdat->proactive_compact_trigger) ||
	       kcompactd_should_stop();
}

/* Compact toward the recorded order, zone by zone, with deferral. */
static void kcompactd_do_work(struct pglist_data *pgdat)
{
	int order = READ_ONCE(pgdat->kcompactd_max_order);
	int highest_zoneidx = READ_ONCE(pgdat->kcompactd_highest_zoneidx);
	int z;

	trace_mm_compaction_kcompactd_wake(pgdat->node_id, order,
					   (enum zone_type)highest_zoneidx);
	count_vm_event(KCOMPACTD_WAKE);
	for (z = 0; z <= highest_zoneidx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		struct compact_control cc;
		enum compact_result status;

		if (!populated_zone(zone))
			continue;
		if (order <= 0 || compaction_deferred(zone, order))
			continue;
		/* A block is free already, or compaction cannot make one. */
		if (compaction_suit_allocation_order(zone, (unsigned int)order, z,
						     ALLOC_WMARK_MIN) != COMPACT_CONTINUE)
			continue;
		if (kcompactd_should_stop())
			return;

		memset(&cc, 0, sizeof(cc));
		cc.zone = zone;
		cc.order = order;
		cc.search_order = order;
		cc.mode = MIGRATE_SYNC_LIGHT;
		cc.gfp_mask = GFP_KERNEL;
		cc.alloc_flags = ALLOC_WMARK_MIN;
		cc.highest_zoneidx = highest_zoneidx;
		status = compact_zone(&cc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(zone, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED ||
			   status == COMPACT_COMPLETE) {
			/*
			 * Pages freed on other CPUs' lists may be what would
			 * have merged; flush them before backing off.  The
			 * deferral rate-limits this, as for sync direct
			 * compaction.
			 */
			drain_all_pages(zone);
			defer_compaction(zone, order);
		}
		count_kcompactd_scanned(&cc);
	}

	/*
	 * Done until the next wake-up, but keep a request that arrived
	 * meanwhile if it wants a larger order or a lower zone.  The
	 * read-then-write races with wakeup_kcompactd(); losing a request
	 * delays it to the next failed allocation, as upstream.
	 */
	if (READ_ONCE(pgdat->kcompactd_max_order) <= order)
		WRITE_ONCE(pgdat->kcompactd_max_order, 0);
	if (READ_ONCE(pgdat->kcompactd_highest_zoneidx) >= highest_zoneidx)
		WRITE_ONCE(pgdat->kcompactd_highest_zoneidx, pgdat->nr_zones - 1);
}

/**
 * wakeup_kcompactd - ask the node's kcompactd for a free block of @order
 * @pgdat: the node
 * @order: the order an allocation failed at; 0 is ignored
 * @highest_zoneidx: the highest zone that allocation may use
 *
 * Records the largest order and the lowest zone limit asked for since
 * kcompactd last ran, and wakes it if some zone up to that limit could
 * be compacted toward the order.  A request that finds no suitable zone
 * stays recorded and is looked at when kcompactd next wakes.
 *
 * kernel: skips the suitability walk while kcompactd is awake
 * (wq_has_sleeper()); our wait queue does not count sleepers.
 *
 * Context: any thread, no locks needed; called from the allocator.
 */
void wakeup_kcompactd(struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	if (order <= 0)
		return;
	if (READ_ONCE(pgdat->kcompactd_max_order) < order)
		WRITE_ONCE(pgdat->kcompactd_max_order, order);
	if (READ_ONCE(pgdat->kcompactd_highest_zoneidx) > highest_zoneidx)
		WRITE_ONCE(pgdat->kcompactd_highest_zoneidx, highest_zoneidx);

	if (!READ_ONCE(pgdat->kcompactd))
		return;
	if (!kcompactd_node_suitable(pgdat))
		return;
	trace_mm_compaction_wakeup_kcompactd(pgdat->node_id, order,
					     (enum zone_type)highest_zoneidx);
	wake_up(&pgdat->kcompactd_wait);
}

/* The daemon's body. */
static int kcompactd(void *data)
{
	struct pglist_data *pgdat = data;
	unsigned long timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;

	while (!kcompactd_should_stop()) {
		bool requested;

		if (!READ_ONCE(sysctl_compaction_proactiveness))
			timeout = KCOMPACTD_IDLE_MSEC;
		trace_mm_compaction_kcompactd_sleep(pgdat->node_id);
		requested = wait_event_timeout(pgdat->kcompactd_wait,
					       kcompactd_work_requested(pgdat),
					       timeout);
		if (kcompactd_should_stop())
			break;
		if (requested && !READ_ONCE(pgdat->proactive_compact_trigger)) {
			kcompactd_do_work(pgdat);
			/* Going back to sleep: let the next round start afresh. */
			if (!kcompactd_work_requested(pgdat))
				reset_isolation_suitable(pgdat);
			/* The zones changed: a proactive back-off is stale. */
			timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;
			continue;
		}

		/* Timed out, or the knob was written: the proactive check. */
		timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;
		if (should_proactive_compact_node(pgdat)) {
			unsigned int prev_score, score;

			prev_score = fragmentation_score_node(pgdat);
			proactive_compact_node(pgdat);
			score = fragmentation_score_node(pgdat);
			/* No progress: something pins the fragmentation. */
			if (score >= prev_score)
				timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC <<
					  COMPACT_MAX_DEFER_SHIFT;
		}
		if (READ_ONCE(pgdat->proactive_compact_trigger))
			WRITE_ONCE(pgdat->proactive_compact_trigger, false);
	}
	return 0;
}

/**
 * kcompactd_run - start node @nid's kcompactd
 * @nid: the node (0)
 *
 * A no-op if it runs already.  The thread runs as the machine's last
 * CPU, so its frees land on another CPU's lists than the boot thread's.
 *
 * Context: the machine exists and kcompactd_init() has run; not
 * concurrently with kcompactd_stop().
 * Return: 0, or -ENOMEM if the thread could not be created.
 */
int kcompactd_run(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	struct task_struct *task;

	if (pgdat->kcompactd)
		return 0;
	WRITE_ONCE(kcompactd_stopping, false);
	WRITE_ONCE(pgdat->kcompactd_max_order, 0);
	WRITE_ONCE(pgdat->kcompactd_highest_zoneidx, pgdat->nr_zones - 1);
	WRITE_ONCE(pgdat->proactive_compact_trigger, false);
	task = kthread_run_on_cpu(kcompactd, pgdat, (int)nr_cpu_ids - 1,
				  "kcompactd0");
	if (!task) {
		pr_err("kcompactd: cannot start the thread for node %d\n", nid);
		return -ENOMEM;
	}
	WRITE_ONCE(pgdat->kcompactd, task);
	return 0;
}

/**
 * kcompactd_stop - stop node @nid's kcompactd and wait for it
 * @nid: the node (0)
 *
 * Returns once the thread has exited; a compaction pass under way runs
 * to the end of its zone first.  A no-op if it is not running.
 *
 * Context: not from kcompactd itself; not concurrently with
 * kcompactd_run().
 */
void kcompactd_stop(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	struct task_struct *task = pgdat->kcompactd;

	if (!task)
		return;
	/* Pairs with the check in kcompactd_work_requested() after the wake. */
	WRITE_ONCE(kcompactd_stopping, true);
	wake_up(&pgdat->kcompactd_wait);
	kthread_stop(task);
	WRITE_ONCE(pgdat->kcompactd, NULL);
}

/**
 * compaction_proactiveness_set - write vm.compaction_proactiveness
 * @value: 0 (proactive compaction off) .. 100
 *
 * A non-zero value also asks kcompactd for a proactive check now rather
 * than at its next interval, as the kernel's sysctl handler does.
 *
 * Return: 0, or -EINVAL for a value above 100.
 */
int compaction_proactiveness_set(unsigned int value)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	if (value > 100)
		return -EINVAL;
	WRITE_ONCE(sysctl_compaction_proactiveness, value);
	if (value && READ_ONCE(pgdat->kcompactd) &&
	    !READ_ONCE(pgdat->proactive_compact_trigger)) {
		WRITE_ONCE(pgdat->proactive_compact_trigger, true);
		/* Order -1: a proactive check, not a request for a block. */
		trace_mm_compaction_wakeup_kcompactd(pgdat->node_id, -1,
						     (enum zone_type)(pgdat->nr_zones - 1));
		wake_up(&pgdat->kcompactd_wait);
	}
	return 0;
}

/**
 * kcompactd_init - boot-time set-up: the knob's default and the daemon
 *
 * Return: 0, or -ENOMEM if the thread could not be started.
 */
int kcompactd_init(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	int ret;

	WRITE_ONCE(sysctl_compaction_proactiveness, 20);
	init_waitqueue_head(&pgdat->kcompactd_wait);
	ret = kcompactd_run(0);
	if (ret)
		destroy_waitqueue_head(&pgdat->kcompactd_wait);
	return ret;
}

/**
 * kcompactd_exit - stop the daemon at machine teardown
 *
 * Context: no allocation may run concurrently (the wait queue goes).
 */
void kcompactd_exit(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	kcompactd_stop(0);
	destroy_waitqueue_head(&pgdat->kcompactd_wait);
}

/* ------------------------------------------------------------------ */
/* Contiguous ranges (alloc_contig_range(), memory offlining) */

static struct folio *alloc_migration_target(struct folio *src, unsigned long private)
{
	gfp_t gfp = (gfp_t)private;

	if (folio_order(src))
		gfp |= __GFP_COMP;
	return (struct folio *)alloc_pages(gfp | __GFP_NOWARN | __GFP_NORETRY,
					   folio_order(src));
}

/**
 * migrate_range_away - move every movable page out of [start, end)
 * @start: first PFN
 * @end: end PFN; the range's pageblocks are isolated by the caller, so
 *	no destination can come from inside it
 * @reason: MR_CONTIG_RANGE or MR_MEMORY_HOTPLUG
 *
 * Isolates LRU folios (large ones too) and movable_ops pages block by
 * block and migrates them synchronously; pages that fail are tried again
 * with the same list, up to five times, before the range is given up
 * (kernel: __alloc_contig_migrate_range()).
 *
 * Return: 0 when a pass found nothing left to move, -EBUSY if pages
 * would not move, -ENOMEM.
 */
int migrate_range_away(unsigned long start, unsigned long end, int reason)
{
	struct compact_control cc;
	unsigned long pfn = start;
	unsigned int tries = 0;
	int ret = 0;

	memset(&cc, 0, sizeof(cc));
	init_migratepages(&cc);
	cc.zone = page_zone(pfn_to_page(start));
	cc.order = -1;
	cc.mode = MIGRATE_SYNC;
	cc.ignore_skip_hint = true;
	cc.no_set_skip_hint = true;
	cc.alloc_contig = true;
	cc.gfp_mask = GFP_KERNEL;

	while (pfn < end || !migratepages_empty(&cc)) {
		unsigned int nr_succeeded = 0;

		if (migratepages_empty(&cc)) {
			cc.nr_migratepages = 0;
			pfn = isolate_migratepages_block(&cc, pfn,
							 min(pageblock_end_pfn(pfn), end),
							 ISOLATE_UNEVICTABLE);
			tries = 0;
			if (migratepages_empty(&cc))
				continue;
		} else if (++tries == 5) {
			/* What failed five times over stays: give it back. */
			ret = -EBUSY;
			break;
		}
		/* Pages that failed stay on the list, isolated, for the next try. */
		ret = migrate_pages_mops(&cc.migratepages, &cc.mops,
					 alloc_migration_target, NULL,
					 (unsigned long)(GFP_HIGHUSER_MOVABLE),
					 MIGRATE_SYNC, reason, &nr_succeeded);
		if (ret == -ENOMEM)
			break;
	}
	if (ret < 0)
		putback_migratepages(&cc);
	return ret < 0 ? ret : 0;
}

