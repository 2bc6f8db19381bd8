// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator.
 *
 * Free memory is kept in blocks of 2^order pages, order 0..MAX_PAGE_ORDER,
 * on per-zone free lists indexed by order and by the migratetype of the
 * pageblock the block sits in.  Allocation takes the smallest block that
 * fits and splits the rest back (expand()); freeing merges a block with
 * its buddy as long as the buddy is free and of the same order
 * (__free_one_page()).  When a migratetype's lists are empty the allocator
 * falls back to another type, and may claim the whole pageblock for the
 * requesting type (__rmqueue_claim()) or only steal a block from it
 * (__rmqueue_steal()) -- this is where fragmentation of mobility comes
 * from, and what compaction later undoes.
 *
 * Small orders (and PMD-sized blocks) go through per-CPU page lists that
 * are filled and drained in batches, so the zone lock is taken once per
 * batch rather than once per page.
 *
 * The free path (free_pages_prepare()) is where page types end: it resets
 * whatever type the page still carries, then runs the bad-page checks,
 * then wipes every flag -- PG_movable_ops and PG_movable_ops_isolated
 * included.  That is what lets movable_ops owners keep their type
 * "sticky until freed".
 *
 * Lock order: pcp->lock, then zone->lock.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/vmstat.h>
#include <pagemig/compaction.h>
#include <pagemig/page-isolation.h>
#include "internal.h"

__thread unsigned int current_pf_flags;
atomic_long_t _totalram_pages;
atomic_long_t nr_bad_pages;
/* One cache line per CPU: these are updated on every allocation and free. */
static struct {
	long nr;
} ____cacheline_aligned used_pages[NR_CPUS];

/**
 * account_used_pages - pages leave (+) or re-enter (-) the free lists
 * @nr: the number of pages
 */
void account_used_pages(long nr)
{
	__atomic_fetch_add(&used_pages[smp_processor_id()].nr, nr, __ATOMIC_RELAXED);
}

/**
 * page_alloc_init_late - reset the allocator's own counters on a new machine
 *
 * Return: 0.
 */
int page_alloc_init_late(void)
{
	memset(used_pages, 0, sizeof(used_pages));
	atomic_long_set(&nr_bad_pages, 0);
	return 0;
}

/**
 * nr_used_pages - pages outside the buddy and pcp lists
 *
 * Return: the sum over CPUs; exact only while nothing allocates.
 */
unsigned long nr_used_pages(void)
{
	long sum = 0;
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		sum += __atomic_load_n(&used_pages[cpu].nr, __ATOMIC_RELAXED);
	return (unsigned long)sum;
}

const char * const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
	"HighAtomic",
	"Isolate",
};

/* Which types an allocation may fall back to, in order of preference. */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE   },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE   },
};

/* ------------------------------------------------------------------ */
/* Pageblock bits */

static unsigned long *pfn_to_bitword(const struct page *page, unsigned long pfn,
				     unsigned int *shift)
{
	struct zone *zone = page_zone(page);
	unsigned long bitidx = ((pfn - pageblock_start_pfn(zone->zone_start_pfn)) >>
				pageblock_order) * NR_PAGEBLOCK_BITS;

	*shift = bitidx % BITS_PER_LONG;
	return zone->pageblock_flags + BIT_WORD(bitidx);
}

/**
 * get_pfnblock_flags_mask - read bits of the pageblock holding @pfn
 * @page: the page at @pfn
 * @pfn: the PFN
 * @mask: which of the block's bits to return
 *
 * Lockless; the answer may be stale by the time it is used.
 *
 * Return: the selected bits, shifted down to bit 0.
 */
unsigned long get_pfnblock_flags_mask(const struct page *page,
				      unsigned long pfn, unsigned long mask)
{
	unsigned int shift;
	unsigned long *word = pfn_to_bitword(page, pfn, &shift);

	return (READ_ONCE(*word) >> shift) & mask;
}

static void set_pfnblock_flags_mask(struct page *page, unsigned long pfn,
				    unsigned long flags, unsigned long mask)
{
	unsigned int shift;
	unsigned long *word = pfn_to_bitword(page, pfn, &shift);
	unsigned long old = READ_ONCE(*word), new;

	/* Other blocks share the word: update with a CAS loop. */
	do {
		new = (old & ~(mask << shift)) | (flags << shift);
	} while (!__atomic_compare_exchange_n(word, &old, new, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

/**
 * get_pfnblock_migratetype - the migratetype of the pageblock holding @pfn
 * @page: the page at @pfn
 * @pfn: the PFN
 *
 * kernel 6.16+: isolation is a separate bit; while it is set the block
 * reports MIGRATE_ISOLATE and its free pages sit on the isolate lists.
 *
 * Return: a value of enum migratetype.
 */
int get_pfnblock_migratetype(const struct page *page, unsigned long pfn)
{
	unsigned long bits = get_pfnblock_flags_mask(page, pfn,
			MIGRATETYPE_MASK | BIT(PB_migrate_isolate));

	if (bits & BIT(PB_migrate_isolate))
		return MIGRATE_ISOLATE;
	return (int)(bits & MIGRATETYPE_MASK);
}

/**
 * set_pageblock_migratetype - set the migratetype of @page's pageblock
 * @page: any page in the block
 * @migratetype: MIGRATE_UNMOVABLE .. MIGRATE_HIGHATOMIC
 *
 * Callers moving free pages between lists hold zone->lock; the free lists
 * are not touched here (see move_freepages_block()).
 */
void set_pageblock_migratetype(struct page *page, int migratetype)
{
	if (WARN_ON_ONCE(migratetype < 0 || migratetype >= MIGRATE_ISOLATE))
		migratetype = MIGRATE_UNMOVABLE;
	set_pfnblock_flags_mask(page, page_to_pfn(page), (unsigned long)migratetype,
				MIGRATETYPE_MASK);
}

#define PAGEBLOCK_BIT_OPS(name, bit)					\
bool get_pageblock_##name(const struct page *page)			\
{									\
	return get_pfnblock_flags_mask(page, page_to_pfn(page), BIT(bit)); \
}									\
void set_pageblock_##name(struct page *page)				\
{									\
	set_pfnblock_flags_mask(page, page_to_pfn(page), BIT(bit), BIT(bit)); \
}									\
void clear_pageblock_##name(struct page *page)				\
{									\
	set_pfnblock_flags_mask(page, page_to_pfn(page), 0, BIT(bit));	\
}
PAGEBLOCK_BIT_OPS(skip, PB_compact_skip)
PAGEBLOCK_BIT_OPS(isolate, PB_migrate_isolate)

/* ------------------------------------------------------------------ */
/* Free lists */

/*
 * NR_FREE_PAGES counts the free pages an allocation could be given, so
 * pages on the MIGRATE_ISOLATE lists are left out (as in Linux since
 * 6.10): watermark checks and compaction_suitable() must not see memory
 * an isolation holds.  A free block moving onto the isolate lists leaves
 * the count, and enters it again when it moves off.  free_area[].nr_free
 * still counts the blocks on every list, isolate lists included.
 */
static inline void account_freepages(struct zone *zone, long nr_pages,
				     int migratetype)
{
	lockdep_assert_held(&zone->lock);
	if (is_migrate_isolate(migratetype))
		return;
	mod_zone_page_state(zone, NR_FREE_PAGES, nr_pages);
}

/*
 * nr_free_pages_blocks: free pages in blocks of at least pageblock size
 * that an allocation could use (isolated blocks do not count).
 */
static inline void account_free_blocks(struct zone *zone, unsigned int order,
				       int migratetype, int sign)
{
	if (order >= pageblock_order && !is_migrate_isolate(migratetype))
		mod_zone_page_state(zone, NR_FREE_PAGES_BLOCKS,
				    sign * (1L << order));
}

/**
 * __add_to_free_list - put a free block on its free list
 * @page: head of the block, already PageBuddy with its order set
 * @zone: its zone
 * @order: block order
 * @migratetype: must match the block's pageblock type
 * @tail: add at the tail (less likely to be handed out soon)
 *
 * Caller must hold zone->lock.
 */
void __add_to_free_list(struct page *page, struct zone *zone,
			unsigned int order, int migratetype, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype,
		     "free page on a list of the wrong migratetype");
	if (tail)
		list_add_tail(&page->buddy_list, &area->free_list[migratetype]);
	else
		list_add(&page->buddy_list, &area->free_list[migratetype]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	account_free_blocks(zone, order, migratetype, 1);
}

static void move_to_free_list(struct page *page, struct zone *zone,
			      unsigned int order, int old_mt, int new_mt)
{
	struct free_area *area = &zone->free_area[order];

	list_move_tail(&page->buddy_list, &area->free_list[new_mt]);
	account_free_blocks(zone, order, old_mt, -1);
	account_free_blocks(zone, order, new_mt, 1);
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
}

static void __del_page_from_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int migratetype)
{
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	WRITE_ONCE(zone->free_area[order].nr_free,
		   zone->free_area[order].nr_free - 1);
	account_free_blocks(zone, order, migratetype, -1);
}

/**
 * del_page_from_free_list - take a free block off its list, with accounting
 * @page: head of the free block
 * @zone: its zone
 * @order: its order
 * @migratetype: the list it sits on
 *
 * Caller must hold zone->lock.
 */
void del_page_from_free_list(struct page *page, struct zone *zone,
			     unsigned int order, int migratetype)
{
	__del_page_from_free_list(page, zone, order, migratetype);
	account_freepages(zone, -(1L << order), migratetype);
}

static struct page *get_page_from_free_area(struct free_area *area, int mt)
{
	return list_first_entry_or_null(&area->free_list[mt], struct page,
					buddy_list);
}

/*
 * Is @buddy the free buddy of @page at @order?  Both must be in one zone:
 * zones are pageblock-aligned but not MAX_PAGE_ORDER-aligned, so a buddy
 * can lie across a zone boundary.
 */
static inline bool page_is_buddy(struct page *page, struct page *buddy,
				 unsigned int order)
{
	if (!PageBuddy(buddy))
		return false;
	if (buddy_order(buddy) != order)
		return false;
	return page_zonenum(page) == page_zonenum(buddy);
}

static inline struct page *find_buddy_page_pfn(struct page *page,
		unsigned long pfn, unsigned int order, unsigned long *buddy_pfn)
{
	unsigned long __buddy_pfn = __find_buddy_pfn(pfn, order);
	struct page *buddy;

	if (!pfn_valid(__buddy_pfn))
		return NULL;
	buddy = page + (__buddy_pfn - pfn);
	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;
	if (page_is_buddy(page, buddy, order))
		return buddy;
	return NULL;
}

/**
 * __free_one_page - give a block back to the buddy lists, merging upwards
 * @page: first page of the block
 * @pfn: its PFN
 * @zone: its zone
 * @order: its order
 * @migratetype: the pageblock type the block is freed into
 * @fpi_flags: FPI_* placement hints
 *
 * Merging stops at MAX_PAGE_ORDER, at a non-free buddy, and -- from
 * pageblock order up -- at a buddy block whose type cannot merge with
 * ours (isolated or highatomic), so isolation stays exact.  When two
 * mergeable types meet, the buddy's block takes our type so that a later
 * split puts every piece on the right list.
 *
 * Caller must hold zone->lock.
 */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
		     unsigned int order, int migratetype, fpi_t fpi_flags)
{
	unsigned long buddy_pfn = 0, combined_pfn;
	struct page *buddy;
	bool to_tail;

	lockdep_assert_held(&zone->lock);
	VM_BUG_ON_PAGE(READ_ONCE(page->flags) & PAGE_FLAGS_CHECK_AT_PREP, page);
	VM_BUG_ON_PAGE(pfn & ((1UL << order) - 1), page);

	account_freepages(zone, 1L << order, migratetype);

	while (order < MAX_PAGE_ORDER) {
		int buddy_mt = migratetype;

		buddy = find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;

		if (unlikely(order >= pageblock_order)) {
			buddy_mt = get_pfnblock_migratetype(buddy, buddy_pfn);
			if (migratetype != buddy_mt &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(buddy_mt)))
				break;
			/*
			 * pagemig: isolated pageblocks never merge with each
			 * other either.  Ranges are whole pageblocks, and two
			 * isolated by different callers side by side (two
			 * alloc_contig_range()s) must not share a free block,
			 * or one would take the other's pages.  The kernel
			 * merges them and frees back what lies outside its
			 * range (outer_start/outer_end in alloc_contig_range()).
			 */
			if (is_migrate_isolate(migratetype))
				break;
		}

		__del_page_from_free_list(buddy, zone, order, buddy_mt);
		if (unlikely(buddy_mt != migratetype))
			set_pageblock_migratetype(buddy, migratetype);

		combined_pfn = buddy_pfn & pfn;
		page = page + (combined_pfn - pfn);
		pfn = combined_pfn;
		order++;
	}

	set_buddy_order(page, order);
	/*
	 * If the next-larger buddy is free, this block will likely merge
	 * soon: keep it at the tail so it is not handed out first.
	 */
	to_tail = fpi_flags & FPI_TO_TAIL;
	if (!to_tail && order < MAX_PAGE_ORDER - 1 && buddy_pfn) {
		unsigned long higher_pfn = __find_buddy_pfn(pfn, order) & pfn;
		struct page *higher = page + (higher_pfn - pfn);

		to_tail = find_buddy_page_pfn(higher, higher_pfn, order + 1,
					      NULL) != NULL;
	}
	__add_to_free_list(page, zone, order, migratetype, to_tail);
}

/**
 * expand - split a block taken at order @high down to order @low
 * @zone: its zone
 * @page: the block
 * @low: the order the caller keeps (the first 2^low pages)
 * @high: the order the block had
 * @migratetype: the list the split-off halves go to
 *
 * Caller must hold zone->lock.
 *
 * Return: how many pages went back on free lists.
 */
unsigned int expand(struct zone *zone, struct page *page, int low, int high,
		    int migratetype)
{
	unsigned long size = 1UL << high;
	unsigned int nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		set_buddy_order(&page[size], (unsigned int)high);
		__add_to_free_list(&page[size], zone, (unsigned int)high,
				   migratetype, false);
		nr_added += (unsigned int)size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page,
				int low, int high, int migratetype)
{
	unsigned int nr_pages = 1U << high;

	__del_page_from_free_list(page, zone, (unsigned int)high, migratetype);
	nr_pages -= expand(zone, page, low, high, migratetype);
	account_freepages(zone, -(long)nr_pages, migratetype);
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order,
				       int migratetype)
{
	unsigned int current_order;

	for (current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page = get_page_from_free_area(area, migratetype);

		if (!page)
			continue;
		page_del_and_expand(zone, page, (int)order, (int)current_order,
				    migratetype);
		return page;
	}
	return NULL;
}

/*
 * Walk @page's pageblock and count its free and movable pages.  Fails
 * when the block is not wholly inside the zone.
 */
static bool prep_move_freepages_block(struct zone *zone, struct page *page,
				      unsigned long *start_pfn,
				      int *num_free, int *num_movable)
{
	unsigned long pfn, start, end;

	pfn = page_to_pfn(page);
	start = pageblock_start_pfn(pfn);
	end = start + pageblock_nr_pages;

	if (!zone_spans_pfn(zone, start) || !zone_spans_pfn(zone, end - 1))
		return false;

	*start_pfn = start;
	if (num_free) {
		*num_free = 0;
		*num_movable = 0;
		for (pfn = start; pfn < end;) {
			page = pfn_to_page(pfn);
			if (PageBuddy(page)) {
				unsigned int nr = 1U << buddy_order(page);

				*num_free += (int)nr;
				pfn += nr;
				continue;
			}
			/*
			 * A cheap look, no isolation: LRU folios and
			 * movable_ops pages are the movable ones.
			 */
			if (PageLRU(page) || page_has_movable_ops(page))
				(*num_movable)++;
			pfn++;
		}
	}
	return true;
}

static void __move_freepages_block(struct zone *zone, unsigned long start_pfn,
				   int old_mt, int new_mt)
{
	unsigned long pfn, end = start_pfn + pageblock_nr_pages;

	for (pfn = start_pfn; pfn < end;) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		if (!PageBuddy(page)) {
			pfn++;
			continue;
		}
		VM_BUG_ON_PAGE(page_zone(page) != zone, page);
		order = buddy_order(page);
		move_to_free_list(page, zone, order, old_mt, new_mt);
		pfn += 1UL << order;
	}
}

/**
 * move_freepages_block - retype a pageblock and move its free pages
 * @zone: the zone
 * @page: any page of the block
 * @old_mt: the lists its free pages are on now
 * @new_mt: the new type
 *
 * Caller must hold zone->lock.
 *
 * Return: false if the block is not wholly inside @zone.
 */
bool move_freepages_block(struct zone *zone, struct page *page,
			  int old_mt, int new_mt)
{
	unsigned long start_pfn;

	lockdep_assert_held(&zone->lock);
	if (!prep_move_freepages_block(zone, page, &start_pfn, NULL, NULL))
		return false;
	__move_freepages_block(zone, start_pfn, old_mt, new_mt);
	if (!is_migrate_isolate(new_mt))
		set_pageblock_migratetype(pfn_to_page(start_pfn), new_mt);
	return true;
}

static void change_pageblock_range(struct page *page, unsigned int order,
				   int migratetype)
{
	unsigned long nr = 1UL << (order - pageblock_order);

	while (nr--) {
		set_pageblock_migratetype(page, migratetype);
		page += pageblock_nr_pages;
	}
}

/*
 * Should a fallback allocation of this order try to claim the whole
 * pageblock?  Big allocations and unmovable/reclaimable ones do: they
 * would fragment the block anyway, so it is better to turn it over to
 * their type.  Small movable allocations only steal: they can be moved
 * out again later.
 */
static bool should_try_claim_block(unsigned int order, int start_mt)
{
	if (order >= pageblock_order / 2)
		return true;
	return start_mt == MIGRATE_RECLAIMABLE || start_mt == MIGRATE_UNMOVABLE;
}

/**
 * find_suitable_fallback - a fallback type with a free block at @order
 * @area: the free area of that order
 * @order: the order
 * @migratetype: the type the allocation wants
 * @claimable: only if the allocation could claim the block
 *
 * Return: the fallback type, -1 if none has a free block, -2 when
 * @claimable is set and this order is too small to claim.
 */
int find_suitable_fallback(struct free_area *area, unsigned int order,
			   int migratetype, bool claimable)
{
	int i;

	if (READ_ONCE(area->nr_free) == 0)
		return -1;
	if (claimable && !should_try_claim_block(order, migratetype))
		return -2;
	for (i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fallback_mt = fallbacks[migratetype][i];

		if (!free_area_empty(area, fallback_mt))
			return fallback_mt;
	}
	return -1;
}

/*
 * vm.watermark_boost_factor: how far a fallback may raise the zone's
 * watermarks, in 1/10000 of the high watermark; 0 turns boosting off.
 * Every machine boots with the kernel's 15000 (150%).
 */
int watermark_boost_factor = 15000;

/*
 * A fallback is about to mix another type into a pageblock: raise the
 * zone's watermarks by a pageblock (up to the factor's share of the high
 * watermark, at least a pageblock), so kswapd reclaims and kcompactd
 * then makes room before the next fallback.  Not in zones too small to
 * gain from it, nor before the watermarks are set.  Caller holds
 * zone->lock.  Return: true if the zone is boosted now.
 */
static bool boost_watermark(struct zone *zone)
{
	unsigned long max_boost;

	lockdep_assert_held(&zone->lock);
	if (!READ_ONCE(watermark_boost_factor))
		return false;
	if (pageblock_nr_pages * 4 > zone_managed_pages(zone))
		return false;
	max_boost = READ_ONCE(zone->_watermark[WMARK_HIGH]) *
		    (unsigned long)READ_ONCE(watermark_boost_factor) / 10000;
	if (!max_boost)
		return false;
	max_boost = max(pageblock_nr_pages, max_boost);
	WRITE_ONCE(zone->watermark_boost,
		   min(zone->watermark_boost + pageblock_nr_pages, max_boost));
	return true;
}

/*
 * Try to turn the pageblock of @page (free, on @block_type's list at
 * @current_order) over to @start_type, then allocate from it.  A block is
 * claimed when at least half of it is free or already of a compatible
 * kind.
 */
static struct page *try_to_claim_block(struct zone *zone, struct page *page,
				       unsigned int current_order,
				       unsigned int order, int start_type,
				       int block_type, unsigned int alloc_flags)
{
	int free_pages, movable_pages, alike_pages;
	unsigned long start_pfn;

	/* A free block of pageblock size or more: take it whole. */
	if (current_order >= pageblock_order) {
		unsigned int nr_added;

		del_page_from_free_list(page, zone, current_order, block_type);
		change_pageblock_range(page, current_order, start_type);
		nr_added = expand(zone, page, (int)order, (int)current_order,
				  start_type);
		account_freepages(zone, nr_added, start_type);
		return page;
	}

	/*
	 * Part of the block goes to another type: boost, and have the next
	 * allocation that may wake kswapd do so (rmqueue()); the node may
	 * look balanced, and kswapd would not wake on its own.
	 */
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		set_bit(ZONE_BOOSTED_WATERMARK, &zone->flags);

	if (!prep_move_freepages_block(zone, page, &start_pfn, &free_pages,
				       &movable_pages))
		return NULL;

	if (start_type == MIGRATE_MOVABLE) {
		alike_pages = movable_pages;
	} else if (block_type == MIGRATE_MOVABLE) {
		/*
		 * Unmovable or reclaimable falling back to a movable block:
		 * whatever in it is not movable is alike.  Between unmovable
		 * and reclaimable we cannot tell, so count nothing.
		 */
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	} else {
		alike_pages = 0;
	}

	if (free_pages + alike_pages >= (1 << (pageblock_order - 1))) {
		__move_freepages_block(zone, start_pfn, block_type, start_type);
		set_pageblock_migratetype(pfn_to_page(start_pfn), start_type);
		return __rmqueue_smallest(zone, order, start_type);
	}
	return NULL;
}

static struct page *__rmqueue_claim(struct zone *zone, unsigned int order,
				    int start_migratetype,
				    unsigned int alloc_flags)
{
	int current_order;

	for (current_order = MAX_PAGE_ORDER; current_order >= (int)order;
	     current_order--) {
		struct free_area *area = &zone->free_area[current_order];
		int fallback_mt;
		struct page *page;

		fallback_mt = find_suitable_fallback(area, (unsigned int)current_order,
						     start_migratetype, true);
		if (fallback_mt == -1)
			continue;
		if (fallback_mt == -2)
			break;
		page = get_page_from_free_area(area, fallback_mt);
		page = try_to_claim_block(zone, page, (unsigned int)current_order,
					  order, start_migratetype, fallback_mt,
					  alloc_flags);
		if (page)
			return page;
	}
	return NULL;
}

static struct page *__rmqueue_steal(struct zone *zone, unsigned int order,
				    int start_migratetype)
{
	unsigned int current_order;

	for (current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		int fallback_mt = find_suitable_fallback(area, current_order,
							 start_migratetype, false);
		struct page *page;

		if (fallback_mt == -1)
			continue;
		page = get_page_from_free_area(area, fallback_mt);
		page_del_and_expand(zone, page, (int)order, (int)current_order,
				    fallback_mt);
		return page;
	}
	return NULL;
}

/* Take a block off the free lists.  Caller holds zone->lock. */
static struct page *__rmqueue(struct zone *zone, unsigned int order,
			      int migratetype, unsigned int alloc_flags)
{
	struct page *page;

	page = __rmqueue_smallest(zone, order, migratetype);
	if (likely(page))
		return page;
	if (alloc_flags & ALLOC_HIGHATOMIC) {
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (page)
			return page;
	}
	if (migratetype >= MIGRATE_PCPTYPES)
		return NULL;
	page = __rmqueue_claim(zone, order, migratetype, alloc_flags);
	if (page)
		return page;
	return __rmqueue_steal(zone, order, migratetype);
}

/* ------------------------------------------------------------------ */
/* Per-CPU page lists */

/**
 * pcp_allowed_order - may blocks of this order use the per-CPU lists?
 * @order: block order
 *
 * Return: true for orders up to PAGE_ALLOC_COSTLY_ORDER and for
 * pageblock-sized (PMD) blocks.
 */
bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order;
}

static inline unsigned int order_to_pindex(int migratetype, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS;
	return (MIGRATE_PCPTYPES * order) + (unsigned int)migratetype;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex == NR_LOWORDER_PCP_LISTS)
		return pageblock_order;
	return pindex / MIGRATE_PCPTYPES;
}

static inline struct per_cpu_pages *this_cpu_pcp(struct zone *zone)
{
	return &zone->per_cpu_pageset[smp_processor_id() % (int)nr_cpu_ids];
}

/*
 * Give @count pages from @pcp back to the buddy lists, oldest first (the
 * tail of each list), round-robin over the lists starting with @pindex so
 * that the list just freed to drains first and no single order or type
 * is drained alone.
 */
static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pages *pcp, unsigned int pindex)
{
	lockdep_assert_held(&pcp->lock);
	count = min(pcp->count, count);
	if (count <= 0)
		return;

	/* The loop steps before it looks: start one list early. */
	pindex = pindex ? pindex - 1 : NR_PCP_LISTS - 1;
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		/* Find the next non-empty list. */
		do {
			if (++pindex >= NR_PCP_LISTS)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));

		order = pindex_to_order(pindex);
		do {
			struct page *page = list_last_entry(list, struct page, pcp_list);
			unsigned long pfn = page_to_pfn(page);
			int mt = get_pfnblock_migratetype(page, pfn);

			list_del(&page->pcp_list);
			count -= 1 << order;
			pcp->count -= 1 << order;
			__free_one_page(page, pfn, zone, order, mt, FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/*
 * kernel 6.18: decay_pcp_high(), which each CPU's vmstat worker runs every
 * vm.stat_interval (a second): high falls by an eighth toward high_min,
 * but not so fast that one drain would exceed a scaled batch, and the
 * pages over the new high go back to the buddy, oldest first.
 */
static void decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	int high_min = pcp->high_min, to_drain;

	if (pcp->high > high_min)
		pcp->high = max(max(pcp->count - (pcp->batch << PCP_BATCH_SCALE_MAX),
				    pcp->high - (pcp->high >> 3)), high_min);
	to_drain = pcp->count - pcp->high;
	if (to_drain > 0)
		free_pcppages_bulk(zone, to_drain, pcp, 0);
}

/*
 * pagemig has no vmstat worker: a list catches up on the decays that fell
 * due (one per PCP_DECAY_INTERVAL_NS of the machine's clock, simulated
 * under the deterministic scheduler) when it is next used.  After a long
 * idle stretch high has reached high_min long before the loop runs out.
 */
#define PCP_DECAY_INTERVAL_NS	NSEC_PER_SEC	/* vm.stat_interval */
#define PCP_DECAY_CATCH_UP	64

static void pcp_decay_due(struct zone *zone, struct per_cpu_pages *pcp)
{
	unsigned long long now = ktime_get_ns();
	int n = 0;

	lockdep_assert_held(&pcp->lock);
	if (!pcp->decay_due) {
		pcp->decay_due = now + PCP_DECAY_INTERVAL_NS;
		return;
	}
	while (now >= pcp->decay_due) {
		decay_pcp_high(zone, pcp);
		pcp->decay_due += PCP_DECAY_INTERVAL_NS;
		if (++n == PCP_DECAY_CATCH_UP) {
			pcp->decay_due = now + PCP_DECAY_INTERVAL_NS;
			break;
		}
	}
}

/**
 * pcp_decay_all - the vmstat worker's rounds that fell due, on every list
 *
 * What each CPU's vmstat worker would have done to the per-CPU lists of
 * every populated zone by now (the machine's clock): called when time
 * passes with nothing using the lists, so that what they give back shows.
 */
void pcp_decay_all(void)
{
	struct zone *zone;
	int cpu;

	for_each_populated_zone(zone) {
		for_each_possible_cpu(cpu) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			spin_lock(&pcp->lock);
			pcp_decay_due(zone, pcp);
			spin_unlock(&pcp->lock);
		}
	}
}

/* Take up to @count blocks for a pcp list.  Returns how many. */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count,
			struct list_head *list, int migratetype,
			unsigned int alloc_flags)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);

		if (unlikely(!page))
			break;
		list_add_tail(&page->pcp_list, list);
	}
	spin_unlock(&zone->lock);
	return i;
}

/**
 * drain_zone_pages - empty one CPU's pcp lists of @zone
 * @zone: the zone
 * @cpu: the CPU
 */
void drain_zone_pages(struct zone *zone, int cpu)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

	spin_lock(&pcp->lock);
	free_pcppages_bulk(zone, pcp->count, pcp, 0);
	spin_unlock(&pcp->lock);
}

/**
 * drain_all_pages - empty every CPU's pcp lists
 * @zone: only this zone, or all zones if NULL
 *
 * kernel: schedules work on each CPU; here each pcp has its own lock, so
 * the caller drains them directly.  Pages freed concurrently may land on
 * a pcp list again right after: callers that need the pages to stay out
 * (isolation) mark the pageblock first, as the kernel does.
 */
void drain_all_pages(struct zone *zone)
{
	struct zone *z;
	int cpu;

	for_each_populated_zone(z) {
		if (zone && z != zone)
			continue;
		for_each_possible_cpu(cpu)
			drain_zone_pages(z, cpu);
	}
}

/**
 * zone_pcp_count - pages sitting on the pcp lists of @zone
 * @zone: the zone
 *
 * Return: the sum over all CPUs; racy unless the caller stopped allocation.
 */
unsigned long zone_pcp_count(struct zone *zone)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += (unsigned long)READ_ONCE(zone->per_cpu_pageset[cpu].count);
	return sum;
}

/* ------------------------------------------------------------------ */
/* Watermarks */

/**
 * zone_watermark_ok - may an allocation of @order leave @z above @mark?
 * @z: the zone
 * @order: the allocation order
 * @mark: the watermark, in pages
 * @highest_zoneidx: the highest zone the allocation may use (lowmem reserve)
 * @alloc_flags: ALLOC_* flags
 *
 * Return: true if enough is free and, for order > 0, a free block of at
 * least @order exists on a list the allocation may use.
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	long min = (long)mark;
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);
	unsigned int o;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_MIN_RESERVE)
		min -= min / 2;
	if (alloc_flags & ALLOC_OOM)
		min -= min / 2;
	if (!(alloc_flags & ALLOC_RESERVES))
		free_pages -= (long)READ_ONCE(z->nr_reserved_highatomic);

	if (free_pages <= min + READ_ONCE(z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &z->free_area[o];
		int mt;

		if (!READ_ONCE(area->nr_free))
			continue;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(area, mt))
				return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Preparing pages on the way in and out */

/**
 * bad_page - report a page in a state it must not be in, and leak it
 * @page: the page
 * @reason: what was wrong
 *
 * The page is not returned to any free list: using it again could spread
 * the corruption.  It is counted in nr_bad_pages so accounting still adds
 * up.
 */
void bad_page(struct page *page, const char *reason)
{
	static struct ratelimit_state rs = RATELIMIT_STATE_INIT(5000, 10);

	if (__ratelimit(&rs)) {
		pr_err("BUG: Bad page state in process pagemig  pfn:%05lx\n",
		       page_to_pfn(page));
		dump_page(page, reason);
	}
	__warn(__FILE__, __LINE__, __func__, reason);
	/* Leave it in a state the next check will not trip over again. */
	atomic_set(&page->_mapcount, -1);
	atomic_long_inc(&nr_bad_pages);
}

static const char *page_bad_reason(const struct page *page, unsigned long flags)
{
	if (unlikely(atomic_read(&page->_mapcount) != -1))
		return "nonzero mapcount";
	if (unlikely(READ_ONCE(page->mapping) != NULL))
		return "non-NULL mapping";
	if (unlikely(page_ref_count(page) != 0))
		return "nonzero _refcount";
	if (unlikely(READ_ONCE(page->flags) & flags))
		return flags == PAGE_FLAGS_CHECK_AT_FREE ?
			"PAGE_FLAGS_CHECK_AT_FREE flag(s) set" :
			"PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
	if (unlikely(page->memcg_data))
		return "page still charged to cgroup";
	return NULL;
}

static bool free_tail_page_bad(struct page *head, struct page *page)
{
	if (unlikely(compound_head(page) != head)) {
		bad_page(page, "compound_head not consistent");
		return true;
	}
	return false;
}

/**
 * free_pages_prepare - checks and clean-up before a block rejoins the buddy
 * @page: the first page of the block
 * @order: its order
 *
 * In order: tail pages are unhooked; an anon folio's mapping is dropped;
 * any page type still set on the first page is reset (the sticky-type
 * rule: movable_ops owners never clear PageOffline or
 * PageZsmalloc themselves); then the bad-page checks; then every flag is
 * wiped, including PG_movable_ops and PG_movable_ops_isolated.
 *
 * Return: false if the block is bad and must not be freed.
 */
bool free_pages_prepare(struct page *page, unsigned int order)
{
	struct folio *folio = page_folio(page);
	bool compound = PageHead(page);
	bool bad = false;
	const char *reason;

	VM_BUG_ON_PAGE(PageTail(page), page);

	/*
	 * A poisoned page never goes back to the allocator: it stays out,
	 * counted as used, for good (kernel: the same check, here for
	 * order-0 pages only as well).
	 */
	if (unlikely(PageHWPoison(page)) && !order) {
		if (page_has_type(page))
			WRITE_ONCE(page->page_type, PAGE_TYPE_NONE);
		WRITE_ONCE(page->mapping, NULL);
		WRITE_ONCE(page->flags, READ_ONCE(page->flags) &
			   (~PAGE_FLAGS_CHECK_AT_PREP | BIT(PG_hwpoison)));
		return false;
	}

	if (compound) {
		unsigned long i, nr = 1UL << order;

		if (WARN_ON_ONCE(folio_order(folio) != order))
			order = folio_order(folio), nr = 1UL << order;
		for (i = 1; i < nr; i++) {
			struct page *tail = page + i;

			if (free_tail_page_bad(page, tail))
				bad = true;
			/*
			 * Scanners peek at these words without locks:
			 * write them whole (WRITE_ONCE), never in pieces.
			 */
			WRITE_ONCE(tail->compound_head, 0);
			WRITE_ONCE(tail->mapping, NULL);
			WRITE_ONCE(tail->__folio_index, 0);
			WRITE_ONCE(tail->private, 0);
			WRITE_ONCE(tail->lru.prev, NULL);
			WRITE_ONCE(tail->flags, READ_ONCE(tail->flags) &
						~PAGE_FLAGS_CHECK_AT_PREP);
		}
	}
	if (folio_test_anon(folio))
		WRITE_ONCE(page->mapping, NULL);
	if (unlikely(page_has_type(page)))
		WRITE_ONCE(page->page_type, PAGE_TYPE_NONE);

	reason = page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE);
	if (unlikely(reason)) {
		bad_page(page, reason);
		bad = true;
	}
	/* Non-atomic on purpose: nobody else may hold this page now. */
	WRITE_ONCE(page->flags, READ_ONCE(page->flags) & ~PAGE_FLAGS_CHECK_AT_PREP);
	if (bad)
		return false;
	set_page_private(page, 0);
	if (IS_ENABLED(CONFIG_DEBUG_VM))
		memset(page_address(page), 0x6b, PAGE_SIZE << order);	/* POISON_FREE */
	return true;
}

/**
 * post_alloc_hook - make a block fresh from the free lists ready for use
 * @page: first page of the block
 * @order: its order
 * @gfp: the allocation's flags (__GFP_ZERO)
 *
 * The first page gets a reference; tail pages of a non-compound block
 * keep refcount 0, as in the kernel.
 */
void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp)
{
	set_page_private(page, 0);
	set_page_count(page, 1);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

static bool check_new_page_bad(struct page *page)
{
	const char *reason;

	if (PageHWPoison(page))
		return true;	/* silently skipped, as the kernel does */
	reason = page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP);
	if (reason) {
		bad_page(page, reason);
		return true;
	}
	return false;
}

/**
 * prep_new_page - post_alloc_hook() plus the compound set-up
 * @page: first page of the block
 * @order: its order
 * @gfp: allocation flags (__GFP_ZERO, __GFP_COMP)
 * @alloc_flags: ALLOC_* flags (unused for now)
 */
void prep_new_page(struct page *page, unsigned int order, gfp_t gfp,
		   unsigned int alloc_flags)
{
	post_alloc_hook(page, order, gfp);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
}

/**
 * prep_compound_page - turn a block into a large folio
 * @page: the head
 * @order: the order, at least 1
 */
void prep_compound_page(struct page *page, unsigned int order)
{
	struct folio *folio = (struct folio *)page;
	unsigned long i, nr = 1UL << order;

	__SetPageHead(page);
	for (i = 1; i < nr; i++)
		WRITE_ONCE(page[i].compound_head, (unsigned long)page | 1);
	WRITE_ONCE(folio->_flags_1, (READ_ONCE(folio->_flags_1) & ~0xffUL) | order);
	folio->_folio_nr_pages = (unsigned int)nr;
	atomic_set(&folio->_large_mapcount, -1);
	atomic_set(&folio->_entire_mapcount, -1);
	atomic_set(&folio->_nr_pages_mapped, 0);
	atomic_set(&folio->_pincount, 0);
	if (order > 1)
		INIT_LIST_HEAD(&folio->_deferred_list);
}

/* ------------------------------------------------------------------ */
/* Allocation */

/*
 * How many blocks of @order a refill of an empty list takes from the
 * buddy (kernel 6.18: nr_pcp_alloc()).  Each refill with no free in
 * between doubles the order-0 batch, up to batch << PCP_BATCH_SCALE_MAX
 * and what fits under high; and while the zone is not short of memory,
 * high grows by that batch, since a larger list would have served this
 * allocation without the zone lock.
 */
static int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone,
			unsigned int order)
{
	int base_batch = pcp->batch, batch, high, max_nr_alloc;

	high = pcp->high = clamp(pcp->high, pcp->high_min, pcp->high_max);
	if (unlikely(high < base_batch))
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (pcp->high_min != pcp->high_max &&
	    !test_bit(ZONE_BELOW_HIGH, &zone->flags))
		high = pcp->high = min(high + batch, pcp->high_max);
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc &&
		    pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}

static struct page *rmqueue_pcplist(struct zone *zone, unsigned int order,
				    int migratetype, unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = this_cpu_pcp(zone);
	struct list_head *list;
	struct page *page;

	spin_lock(&pcp->lock);
	pcp_decay_due(zone, pcp);
	/* An allocation ends a run of frees: drains shrink back. */
	pcp->free_count >>= 1;
	list = &pcp->lists[order_to_pindex(migratetype, order)];
	if (list_empty(list)) {
		int batch = nr_pcp_alloc(pcp, zone, order);
		int got = rmqueue_bulk(zone, order, batch, list, migratetype,
				       alloc_flags);

		pcp->count += got << order;
		if (!got) {
			spin_unlock(&pcp->lock);
			return NULL;
		}
	}
	page = list_first_entry(list, struct page, pcp_list);
	list_del(&page->pcp_list);
	pcp->count -= 1 << order;
	spin_unlock(&pcp->lock);
	return page;
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order,
				  int migratetype, unsigned int alloc_flags)
{
	struct page *page;

	spin_lock(&zone->lock);
	page = __rmqueue(zone, order, migratetype, alloc_flags);
	spin_unlock(&zone->lock);
	return page;
}

static struct page *rmqueue(struct zone *zone, unsigned int order, gfp_t gfp,
			    unsigned int alloc_flags, int migratetype)
{
	struct page *page;

	if (likely(pcp_allowed_order(order)))
		page = rmqueue_pcplist(zone, order, migratetype, alloc_flags);
	else
		page = rmqueue_buddy(zone, order, migratetype, alloc_flags);
	/* A fallback boosted the zone: kswapd, then kcompactd (mm/vmscan.c). */
	if ((alloc_flags & ALLOC_KSWAPD) &&
	    unlikely(test_bit(ZONE_BOOSTED_WATERMARK, &zone->flags))) {
		clear_bit(ZONE_BOOSTED_WATERMARK, &zone->flags);
		wakeup_kswapd(zone, 0, 0, zone_idx(zone));
	}
	if (page) {
		__count_zid_vm_events(PGALLOC, zone_idx(zone), 1L << order);
		account_used_pages(1L << order);
	}
	return page;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags,
					   const struct alloc_context *ac)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	int z;

	/* The zonelist: from the highest allowed zone down. */
	for (z = (int)ac->highest_zoneidx; z >= 0; z--) {
		struct zone *zone = &pgdat->node_zones[z];
		struct page *page;

		if (!populated_zone(zone))
			continue;
		/*
		 * kernel 6.18: get_page_from_freelist: a zone found below its
		 * high watermark is flagged, and its CPUs' lists then shrink
		 * on free (nr_pcp_high()) until a free lifts it again.  A zone
		 * above it passes any mark this allocation asks for.
		 */
		if (!test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
			if (zone_watermark_ok(zone, order, high_wmark_pages(zone),
					      (int)ac->highest_zoneidx, alloc_flags))
				goto try_this_zone;
			set_bit(ZONE_BELOW_HIGH, &zone->flags);
		}
		if (!(alloc_flags & ALLOC_NO_WATERMARKS)) {
			unsigned long mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);

			if (!zone_watermark_ok(zone, order, mark,
					       (int)ac->highest_zoneidx, alloc_flags))
				continue;
		}
try_this_zone:
		page = rmqueue(zone, order, gfp, alloc_flags, ac->migratetype);
		if (!page)
			continue;
		if (IS_ENABLED(CONFIG_DEBUG_VM)) {
			unsigned long i;
			bool bad = false;

			for (i = 0; i < (1UL << order); i++)
				bad |= check_new_page_bad(page + i);
			if (bad)
				goto try_this_zone;
		}
		prep_new_page(page, order, gfp, alloc_flags);
		return page;
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH) {
		alloc_flags |= ALLOC_MIN_RESERVE;
		if (order > 0 && !gfpflags_allow_blocking(gfp))
			alloc_flags |= ALLOC_HIGHATOMIC;
	}
	if (!gfpflags_allow_blocking(gfp))
		alloc_flags |= ALLOC_NON_BLOCK;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	return alloc_flags;
}

static void warn_alloc(gfp_t gfp, unsigned int order)
{
	static struct ratelimit_state rs = RATELIMIT_STATE_INIT(5000, 10);
	char buf[160];

	if ((gfp & __GFP_NOWARN) || !__ratelimit(&rs))
		return;
	format_gfp_string(gfp, buf, sizeof(buf));
	pr_warn("pagemig: page allocation failure: order:%u, mode:%#x(%s)\n",
		order, gfp, buf);
}

/*
 * Direct compaction hook: set by mm/compaction.c at machine init.  Kept
 * as a pointer so the allocator does not depend on compaction being
 * built.
 */
struct page *(*alloc_direct_compact_hook)(gfp_t gfp, unsigned int order,
					  unsigned int alloc_flags,
					  const struct alloc_context *ac);

/**
 * alloc_pages_after_compaction - retry the freelists after compaction
 * @gfp: the allocation's flags
 * @order: its order
 * @alloc_flags: the slow path's ALLOC_* flags
 * @ac: the allocation context
 *
 * Return: the page, prepared, or NULL.
 */
struct page *alloc_pages_after_compaction(gfp_t gfp, unsigned int order,
					  unsigned int alloc_flags,
					  const struct alloc_context *ac)
{
	return get_page_from_freelist(gfp, order, alloc_flags, ac);
}

/* Retry bounds of the slow path (kernel: mm/internal.h, mm/page_alloc.c). */
#define MAX_COMPACT_RETRIES	16
#define MAX_NOFAIL_LOOPS	64

/*
 * kernel: should_reclaim_retry().  Retry while reclaim makes progress,
 * or, after MAX_RECLAIM_RETRIES attempts in a row that made none, stop.
 * Before that, retry only if some zone could meet the min watermark if
 * everything reclaimable came back: here that is what is free (pagemig
 * reclaims no page cache and has no swap, so its LRU pages count for
 * nothing) -- a request that fails with that much free is short of
 * contiguity or of pcp pages, which a retry may find.
 */
static bool should_reclaim_retry(gfp_t gfp, unsigned int order,
				 const struct alloc_context *ac,
				 unsigned int alloc_flags, bool progress,
				 int *no_progress_loops)
{
	int z;

	if (progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;

	for (z = (int)ac->highest_zoneidx; z >= 0; z--) {
		struct zone *zone = &NODE_DATA(0)->node_zones[z];

		if (!populated_zone(zone))
			continue;
		if (zone_watermark_ok(zone, order, min_wmark_pages(zone),
				      (int)ac->highest_zoneidx, alloc_flags))
			return true;
	}
	return false;
}

/*
 * kernel: should_compact_retry(), for orders 1..3 after reclaim made
 * progress: compaction gets MAX_COMPACT_RETRIES more attempts.
 */
static bool should_compact_retry(unsigned int order, int *compaction_retries)
{
	if (!order || order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	return ++*compaction_retries <= MAX_COMPACT_RETRIES;
}

/*
 * kernel: __alloc_pages_may_oom().  Under oom_lock, one more try at the
 * high watermark (another killer may just have freed memory), then the
 * OOM killer for requests it can help: not costly orders, not
 * __GFP_RETRY_MAYFAIL or __GFP_THISNODE, not below ZONE_NORMAL.  *progress
 * says whether to retry.
 */
static struct page *__alloc_pages_may_oom(gfp_t gfp, unsigned int order,
					  const struct alloc_context *ac,
					  bool *progress)
{
	struct oom_control oc = { .gfp_mask = gfp, .order = order };
	struct page *page = NULL;

	*progress = false;
	if (!mutex_trylock(&oom_lock)) {
		/* Another thread is killing: its victim's memory is coming. */
		*progress = true;
		cond_resched();
		return NULL;
	}
	page = get_page_from_freelist(gfp & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page)
		goto out;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		goto out;
	if (ac->highest_zoneidx < ZONE_NORMAL)
		goto out;
	if (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		goto out;
	if (out_of_memory(&oc))
		*progress = true;
out:
	mutex_unlock(&oom_lock);
	return page;
}

/*
 * The slow path, in the kernel's order: after the fast path's low
 * watermark, the min watermark; kcompactd woken for high orders; direct
 * compaction; direct reclaim (shrinkers and the pcp lists); then, unless
 * the request may not retry (__GFP_NORETRY, or a costly order without
 * __GFP_RETRY_MAYFAIL), retries bounded by should_reclaim_retry() and
 * should_compact_retry(), and last the OOM killer, after whose kill the
 * whole path runs again.  __GFP_NOFAIL never gives up while the killer
 * can free something.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   struct alloc_context *ac)
{
	bool can_direct_reclaim = gfpflags_allow_blocking(gfp);
	bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	int no_progress_loops = 0, compaction_retries = 0;
	unsigned int nofail_loops = 0;
	struct page *page;
	bool progress;

	/* kernel: __GFP_NOFAIL for a costly order or without blocking is a bug. */
	WARN_ON_ONCE((gfp & __GFP_NOFAIL) && (costly_order || !can_direct_reclaim));
retry:
	page = get_page_from_freelist(gfp, order, alloc_flags, ac);
	if (page)
		return page;

	/*
	 * kernel: wake_all_kswapds() wakes kswapd, and kswapd wakes
	 * kcompactd for the order once the node is balanced (at once when
	 * the caller cannot reclaim directly).  There is no kswapd here, so
	 * a failed high-order attempt that may wake it wakes kcompactd.
	 */
	if (order && (gfp & __GFP_KSWAPD_RECLAIM))
		wakeup_kcompactd(NODE_DATA(0), (int)order, (int)ac->highest_zoneidx);

	if (!can_direct_reclaim)
		goto nopage;

	if (order && alloc_direct_compact_hook) {
		page = alloc_direct_compact_hook(gfp, order, alloc_flags, ac);
		if (page)
			return page;
	}

	/*
	 * kernel: direct reclaim.  There is no page cache to reclaim yet,
	 * but shrinkable caches (zsmalloc pools) can give pages back, and
	 * the pcp lists hold free pages the watermark check cannot see.
	 * A thread already reclaiming does not recurse.
	 */
	if (current_pf_flags & PF_MEMALLOC)
		goto nopage;
	{
		unsigned int noreclaim = memalloc_noreclaim_save();

		progress = shrink_slab() != 0;
		memalloc_noreclaim_restore(noreclaim);
		drain_all_pages(NULL);
		if (progress || !order) {
			page = get_page_from_freelist(gfp, order, alloc_flags, ac);
			if (page)
				return page;
		}
	}

	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly_order && !(gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (should_reclaim_retry(gfp, order, ac, alloc_flags, progress,
				 &no_progress_loops))
		goto retry;
	if (progress && should_compact_retry(order, &compaction_retries))
		goto retry;

	page = __alloc_pages_may_oom(gfp, order, ac, &progress);
	if (page)
		return page;
	if (progress) {
		no_progress_loops = 0;
		goto retry;
	}

nopage:
	/*
	 * kernel: __GFP_NOFAIL loops until memory comes.  Here nothing
	 * else may ever free it, so after MAX_NOFAIL_LOOPS passes that
	 * neither reclaim nor the killer helped, the request fails loudly.
	 */
	if ((gfp & __GFP_NOFAIL) && can_direct_reclaim &&
	    ++nofail_loops <= MAX_NOFAIL_LOOPS) {
		page = get_page_from_freelist(gfp, order,
					      alloc_flags | ALLOC_MIN_RESERVE, ac);
		if (page)
			return page;
		cond_resched();
		goto retry;
	}

	if ((gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC)) {
		page = get_page_from_freelist(gfp, order,
					      alloc_flags | ALLOC_NO_WATERMARKS, ac);
		if (page)
			return page;
	}
	warn_alloc(gfp, order);
	return NULL;
}

/**
 * alloc_pages - allocate 2^@order contiguous pages
 * @gfp: GFP flags: zone, migratetype, __GFP_ZERO, __GFP_COMP, ...
 * @order: 0 .. MAX_PAGE_ORDER
 *
 * The first page is returned with refcount 1.  With __GFP_COMP the block
 * is a large folio; otherwise tail pages keep refcount 0.
 *
 * Context: any thread; may take pcp and zone locks.
 * Return: the first page, or NULL (out of memory, order too large, or the
 * "alloc_pages" fault point fired).
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct alloc_context ac;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	if (should_fail(FAULT_ALLOC_PAGES) && !(gfp & __GFP_NOFAIL))
		return NULL;

	ac.highest_zoneidx = gfp_zone(gfp);
	ac.migratetype = gfp_migratetype(gfp);

	/* kernel: alloc_flags_nofragment() passes __GFP_KSWAPD_RECLAIM on. */
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW |
				      (gfp & __GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD : 0),
				      &ac);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp, order, &ac);
}

/**
 * folio_alloc - allocate a folio of 2^@order pages
 * @gfp: GFP flags; __GFP_COMP is added for order > 0
 * @order: folio order
 *
 * Return: the folio with refcount 1, or NULL.
 */
struct folio *folio_alloc(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp | (order ? __GFP_COMP : 0), order);

	return (struct folio *)page;
}

/* ------------------------------------------------------------------ */
/* Freeing */

static void free_one_page(struct zone *zone, struct page *page,
			  unsigned long pfn, unsigned int order, fpi_t fpi_flags)
{
	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, order,
			get_pfnblock_migratetype(page, pfn), fpi_flags);
	spin_unlock(&zone->lock);
}

/*
 * The high mark a free is held to (kernel 6.18: nr_pcp_high()).  A CPU
 * freeing high-order pages with no allocation in between (@free_high)
 * keeps none and lowers high; while kswapd reclaims, or the zone is below
 * its high watermark, high falls by the pages freed lately, never under
 * high_min; otherwise a full list grows high to hold the run of frees.
 */
static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone,
		       int batch, bool free_high)
{
	int high, high_min = pcp->high_min, high_max = pcp->high_max;

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (unlikely(!high))
		return 0;
	if (unlikely(free_high)) {
		pcp->high = max(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (test_bit(ZONE_RECLAIM_ACTIVE, &zone->flags)) {
		int free_count = max(pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		return min(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (test_bit(ZONE_BELOW_HIGH, &zone->flags)) {
		int free_count = max(pcp->free_count, batch);

		pcp->high = max(high - free_count, high_min);
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp(need_high, high_min, high_max);
	}
	return high;
}

/*
 * How many pages a full list gives back (kernel 6.18: nr_pcp_free()):
 * the pages freed since the last allocation, at least a batch and at
 * most all but a batch of high -- a long run of frees drains in large
 * pieces, taking the zone lock less often.
 */
static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high,
		       bool free_high)
{
	if (unlikely(free_high))
		return min(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (unlikely(high < batch))
		return 1;
	return clamp(pcp->free_count, batch, high - batch);
}

/*
 * Put @page on @pcp and give pages back if the list is now full (kernel
 * 6.18: free_frozen_page_commit()).  Orders 1-3 freed in a row with no
 * allocation are not kept: they would fragment the zone.
 */
static void free_frozen_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
				    struct page *page, int migratetype,
				    unsigned int order)
{
	unsigned int pindex = order_to_pindex(migratetype, order);
	int batch = pcp->batch, high;
	bool free_high = false;

	lockdep_assert_held(&pcp->lock);
	pcp_decay_due(zone, pcp);
	pcp->alloc_factor >>= 1;
	list_add(&page->pcp_list, &pcp->lists[pindex]);
	pcp->count += 1 << order;

	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch + pcp->high_min / 2 &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) ||
			     pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < batch << PCP_BATCH_SCALE_MAX)
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (pcp->count < high)
		return;
	free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high),
			   pcp, pindex);
	if (test_bit(ZONE_BELOW_HIGH, &zone->flags) &&
	    zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0))
		clear_bit(ZONE_BELOW_HIGH, &zone->flags);
}

/**
 * free_frozen_pages - free a block whose refcount is already zero
 * @page: first page
 * @order: block order
 */
void free_frozen_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);
	struct zone *zone = page_zone(page);
	struct per_cpu_pages *pcp;
	int migratetype;

	if (!free_pages_prepare(page, order))
		return;
	__count_vm_events(PGFREE, 1L << order);
	account_used_pages(-(1L << order));

	if (!pcp_allowed_order(order)) {
		free_one_page(zone, page, pfn, order, FPI_NONE);
		return;
	}
	migratetype = get_pfnblock_migratetype(page, pfn);
	if (unlikely(migratetype >= MIGRATE_PCPTYPES)) {
		/* Isolated blocks must not feed pcp lists. */
		if (is_migrate_isolate(migratetype)) {
			free_one_page(zone, page, pfn, order, FPI_NONE);
			return;
		}
		migratetype = MIGRATE_MOVABLE;
	}

	pcp = this_cpu_pcp(zone);
	spin_lock(&pcp->lock);
	free_frozen_page_commit(zone, pcp, page, migratetype, order);
	spin_unlock(&pcp->lock);
}

/**
 * pcp_import_page - a free page that was on @cpu's per-CPU list
 * @page: an order-0 page off the buddy lists, counted as used, refcount 0
 * @cpu: whose list
 *
 * The importer's: the page joins the list of its pageblock's type at the
 * tail, as the oldest page there (free_pcppages_bulk() returns the tail
 * first), and no high-mark drain runs: the snapshot had it there.
 */
void pcp_import_page(struct page *page, unsigned int cpu)
{
	unsigned long pfn = page_to_pfn(page);
	struct per_cpu_pages *pcp = &page_zone(page)->per_cpu_pageset[cpu];
	int mt = get_pfnblock_migratetype(page, pfn);

	VM_BUG_ON_PAGE(page_ref_count(page) || PageBuddy(page), page);
	if (mt >= MIGRATE_PCPTYPES)
		mt = MIGRATE_MOVABLE;
	spin_lock(&pcp->lock);
	list_add_tail(&page->pcp_list, &pcp->lists[order_to_pindex(mt, 0)]);
	pcp->count++;
	spin_unlock(&pcp->lock);
	account_used_pages(-1);
}

/**
 * free_pages_nolock - free straight to the buddy lists, bypassing pcp
 * @page: first page, refcount already dropped to zero by the caller
 * @order: block order
 */
void free_pages_nolock(struct page *page, unsigned int order)
{
	if (!free_pages_prepare(page, order))
		return;
	__count_vm_events(PGFREE, 1L << order);
	account_used_pages(-(1L << order));
	free_one_page(page_zone(page), page, page_to_pfn(page), order, FPI_NONE);
}

/**
 * __free_pages - drop a reference on a block from alloc_pages()
 * @page: the first page
 * @order: the order it was allocated with
 *
 * When the last reference goes the block is freed.  If someone else
 * still holds a reference to the first page of a non-compound block, the
 * other pages are freed now and the first page when its last reference
 * is dropped, as the kernel does.
 */
void __free_pages(struct page *page, unsigned int order)
{
	bool head = PageHead(page);

	if (page_ref_dec_and_test(page)) {
		free_frozen_pages(page, order);
	} else if (!head) {
		while (order-- > 0)
			free_frozen_pages(page + (1UL << order), order);
	}
}

/*
 * __folio_put - the last reference to @folio is gone.  LRU removal and
 * other teardown hooks run here as they are added.
 */
static void __folio_put(struct folio *folio)
{
	if (folio_test_lru(folio))
		__folio_clear_lru_on_free(folio);
	free_frozen_pages(&folio->page, folio_order(folio));
}

/**
 * folio_put - drop a reference on a folio, freeing it when it was the last
 * @folio: the folio
 */
void folio_put(struct folio *folio)
{
	check_movable_ops_folio_call(&folio->page);
	VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
	if (page_ref_dec_and_test(&folio->page))
		__folio_put(folio);
}

/**
 * put_page - drop a reference on the folio containing @page
 * @page: any page of the folio
 */
void put_page(struct page *page)
{
	folio_put(page_folio(page));
}

/* ------------------------------------------------------------------ */
/* Isolating free pages (compaction's free scanner, contig allocation) */

/**
 * __isolate_free_page - take a free block off the buddy lists for private use
 * @page: head of a free block
 * @order: its order
 *
 * The pages come back without refcounts or preparation; the caller splits
 * them (split_free_frozen_pages()) and preps each page it uses.  Respects
 * the min watermark so compaction cannot run a zone dry.
 *
 * Caller must hold zone->lock.
 * Return: 1 << @order on success, 0 if the watermark forbids it.
 */
int __isolate_free_page(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	int mt = get_pageblock_migratetype(page);

	lockdep_assert_held(&zone->lock);
	if (!is_migrate_isolate(mt)) {
		unsigned long watermark = min_wmark_pages(zone) + (1UL << order);

		if (!zone_watermark_ok(zone, 0, watermark, 0, ALLOC_CMA))
			return 0;
	}
	del_page_from_free_list(page, zone, order, mt);
	account_used_pages(1L << order);

	/*
	 * At least half a pageblock taken: its blocks turn movable.  Only
	 * the mergeable types change, and the free pages left in a block go
	 * to the movable lists with it, never stay behind on the old ones.
	 */
	if (order >= pageblock_order - 1) {
		struct page *endpage = page + (1UL << order) - 1;

		for (; page < endpage; page += pageblock_nr_pages) {
			int bmt = get_pageblock_migratetype(page);

			if (migratetype_is_mergeable(bmt) && bmt != MIGRATE_MOVABLE)
				move_freepages_block(zone, page, bmt, MIGRATE_MOVABLE);
		}
	}
	return 1 << order;
}

/**
 * __putback_isolated_page - return a block from __isolate_free_page()
 * @page: head of the block (frozen, not prepared)
 * @order: its order
 * @mt: the block's migratetype
 *
 * Caller must hold zone->lock.
 */
void __putback_isolated_page(struct page *page, unsigned int order, int mt)
{
	struct zone *zone = page_zone(page);

	lockdep_assert_held(&zone->lock);
	account_used_pages(-(1L << order));
	__free_one_page(page, page_to_pfn(page), zone, order, mt, FPI_TO_TAIL);
}

/**
 * split_free_frozen_pages - make 2^@order independent order-0 pages
 * @page: first page of an isolated free block
 * @order: its order
 *
 * Each page is left with refcount 0 and private 0; the caller preps it.
 */
void split_free_frozen_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		set_page_private(page + i, 0);
}

/**
 * split_large_buddy - break up a free block larger than @pfn's pageblock
 * @zone: the zone
 * @pfn: any PFN of the pageblock
 *
 * A free block above pageblock_order spans pageblocks whose types can
 * differ, one isolated and the next not, yet sits on one list.  If such a
 * block covers @pfn's pageblock, put it back as pageblock-sized blocks,
 * each on its own pageblock's list, before isolation moves its
 * pageblock's free pages.  They are not merged again here.
 *
 * Caller must hold zone->lock.
 * Return: true if a block was split.
 */
bool split_large_buddy(struct zone *zone, unsigned long pfn)
{
	unsigned long start = pageblock_start_pfn(pfn);
	unsigned int order;

	lockdep_assert_held(&zone->lock);
	for (order = pageblock_order + 1; order < NR_PAGE_ORDERS; order++) {
		unsigned long head_pfn = start & ~((1UL << order) - 1), i;
		struct page *head;
		unsigned int border;

		if (head_pfn < zone->zone_start_pfn)
			break;
		head = pfn_to_page(head_pfn);
		if (!PageBuddy(head))
			continue;
		border = buddy_order(head);
		if (border <= pageblock_order || head_pfn + (1UL << border) <= start)
			continue;
		del_page_from_free_list(head, zone, border,
					get_pfnblock_migratetype(head, head_pfn));
		for (i = 0; i < (1UL << border); i += pageblock_nr_pages) {
			struct page *p = head + i;
			int mt = get_pfnblock_migratetype(p, head_pfn + i);

			set_buddy_order(p, pageblock_order);
			__add_to_free_list(p, zone, pageblock_order, mt, false);
			/* Each piece is counted by the list it lands on. */
			account_freepages(zone, (long)pageblock_nr_pages, mt);
		}
		return true;
	}
	return false;
}

/*
 * Pages offlining leaves where they are: hwpoisoned ones, and logically
 * offline ones a driver let go of (PageOffline, no reference).  Neither
 * is free, neither may ever reach the allocator again.
 */
bool offline_skips_page(struct page *page)
{
	return PageHWPoison(page) || (PageOffline(page) && !page_ref_count(page));
}

/*
 * Take every free block of [start_pfn, end_pfn) off the buddy lists,
 * stepping over the pages @skip names (if any).  Taken pages come back
 * prepared, order-0, refcount 1; skipped ones are not touched.  Return:
 * 0, or -EBUSY if some other page is not free (what was taken is given
 * back).
 */
static int take_range(unsigned long start_pfn, unsigned long end_pfn,
		      bool (*skip)(struct page *page))
{
	unsigned long pfn = start_pfn, i;

	while (pfn < end_pfn) {
		struct page *page = pfn_to_page(pfn);
		struct zone *zone = page_zone(page);
		unsigned int order;

		spin_lock(&zone->lock);
		if (skip && skip(page)) {
			spin_unlock(&zone->lock);
			pfn++;
			continue;
		}
		if (!PageBuddy(page)) {
			spin_unlock(&zone->lock);
			goto undo;
		}
		order = buddy_order(page);
		if (!__isolate_free_page(page, order)) {
			spin_unlock(&zone->lock);
			goto undo;
		}
		spin_unlock(&zone->lock);
		for (i = 0; i < (1UL << order); i++)
			post_alloc_hook(page + i, 0, 0);
		pfn += 1UL << order;
	}
	return 0;
undo:
	while (pfn > start_pfn) {
		struct page *page = pfn_to_page(--pfn);

		if (!skip || !skip(page))
			__free_page(page);
	}
	return -EBUSY;
}

/**
 * take_free_range - take every free page of [start, end) off the buddy
 * @start: first PFN
 * @end: end PFN; all of it must be free (isolated and migrated first)
 *
 * The pages come back prepared, as order-0 pages with refcount 1 each.
 *
 * Return: 0, or -EBUSY if a page in the range is not free (what was
 * taken is given back).
 */
int take_free_range(unsigned long start, unsigned long end)
{
	return take_range(start, end, NULL);
}

/**
 * __offline_isolated_pages - take an isolated, emptied range off the buddy
 * @start_pfn: first PFN
 * @end_pfn: end PFN; test_pages_isolated(MEMORY_OFFLINE) passed for it
 *
 * Like take_free_range(), but steps over the pages offline_skips_page()
 * names, which test_pages_isolated() let through.
 *
 * Return: 0, or -EBUSY (what was taken is given back).
 */
int __offline_isolated_pages(unsigned long start_pfn, unsigned long end_pfn)
{
	return take_range(start_pfn, end_pfn, offline_skips_page);
}

/**
 * adjust_managed_page_count - account pages entering or leaving the zone
 * @page: a page of the zone
 * @count: pages added (positive) or taken away (negative)
 *
 * Balloon drivers that track managed pages call this on inflate/deflate.
 */
void adjust_managed_page_count(struct page *page, long count)
{
	atomic_long_add(count, &page_zone(page)->managed_pages);
	atomic_long_add(count, &_totalram_pages);
}

/* ------------------------------------------------------------------ */
/* Contiguous ranges */

/**
 * alloc_contig_range - allocate exactly the pages [start, end)
 * @start_pfn: first PFN, pageblock-aligned
 * @end_pfn: end PFN, pageblock-aligned, same zone
 *
 * Isolates the range, migrates every movable page out of it (LRU folios
 * and movable_ops pages, MR_CONTIG_RANGE), checks that all of it is free,
 * and takes it (kernel: the path behind CMA and gigantic pages).
 *
 * Return: 0 with every page allocated (order 0, refcount 1 each; give
 * them back with free_contig_range()), -EINVAL, -EBUSY (unmovable or
 * unmigratable pages), -ENOMEM.
 */
int alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn)
{
	int ret;

	ret = start_isolate_page_range(start_pfn, end_pfn, 0);
	if (ret)
		return ret;
	ret = migrate_range_away(start_pfn, end_pfn, MR_CONTIG_RANGE);
	if (!ret) {
		drain_all_pages(page_zone(pfn_to_page(start_pfn)));
		ret = test_pages_isolated(start_pfn, end_pfn, 0);
	}
	if (!ret)
		ret = take_free_range(start_pfn, end_pfn);
	undo_isolate_page_range(start_pfn, end_pfn);
	return ret;
}

/**
 * free_contig_range - free pages from alloc_contig_range()
 * @pfn: first PFN
 * @nr_pages: how many
 */
void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	while (nr_pages--)
		__free_page(pfn_to_page(pfn++));
}
