// SPDX-License-Identifier: GPL-2.0
/*
 * Building the machine: mem_map, the node, its zones, pageblock bitmaps,
 * per-CPU page lists and watermarks, then handing every page to the buddy
 * allocator.
 *
 * A machine built from a size has one node with zones in PFN order
 * DMA32, Normal, Movable from PFN 0, each a whole number of pageblocks.
 * One built as a real machine was laid out (an import of a capture) has
 * the zones where that machine had them: ZONE_DMA from PFN 1, zones that
 * exist but are empty, holes inside a zone's span and pages between
 * zones, with the watermarks, lowmem_reserve and pcp sizes that machine
 * used.  kernel: the firmware memory map and memblock decide this; here
 * the caller's struct machine_layout does.
 *
 * As free_area_init() and memmap_init() leave it, every page of a hole
 * has a struct page that is PageReserved, belongs to the zone whose span
 * (or nearest span) it is in, and is never freed; a 128 MiB section with
 * no memory at all is not online (pfn_to_online_page() is NULL there).
 * Every pageblock starts MIGRATE_MOVABLE, as memmap_init_zone() leaves
 * them, and the rest of memory is then freed in the largest aligned
 * blocks that fit, as memblock_free_all() does.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/vmstat.h>
#include "../sim/arena.h"
#include "internal.h"

struct page *mem_map;
unsigned long max_pfn;
/* One bit per section: some memory of it is present (not all holes). */
unsigned long *section_online;
char *__pm_phys_base;
struct pglist_data contig_page_data;

int min_free_kbytes = 1024;
int watermark_scale_factor = 10;
/* 0: pcp high from the low watermark (zone_highsize()). */
int percpu_pagelist_high_fraction;
/* kernel: sysctl_lowmem_reserve_ratio; the Movable zone reserves nothing. */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };
static const char * const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device"
};

static size_t mem_map_bytes, section_online_bytes;

/**
 * set_page_links - record the zone and node of @page in its flags
 * @page: the page
 * @zone: its zone
 * @nid: its node
 */
void set_page_links(struct page *page, enum zone_type zone, int nid)
{
	page->flags &= ~((ZONES_MASK << ZONES_PGSHIFT) | (NODES_MASK << NODES_PGSHIFT));
	page->flags |= ((unsigned long)zone & ZONES_MASK) << ZONES_PGSHIFT;
	page->flags |= ((unsigned long)nid & NODES_MASK) << NODES_PGSHIFT;
}

static void init_single_page(struct page *page, enum zone_type zone)
{
	memset(page, 0, sizeof(*page));
	set_page_links(page, zone, 0);
	atomic_set(&page->_mapcount, -1);
	INIT_LIST_HEAD(&page->lru);
}

/*
 * kernel: zone_batchsize(): about a quarter of a thousandth of the zone,
 * at most 256 KiB, rounded to 2^n - 1 so batches of different zones do
 * not line up.
 */
static unsigned long zone_batchsize(struct zone *zone)
{
	unsigned long batch = min(zone_managed_pages(zone) >> 10,
				  (1UL << 20) / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return batch < 1 ? 1 : batch;
}

#define MIN_PERCPU_PAGELIST_HIGH_FRACTION	8

/*
 * kernel: zone_highsize(): the low watermark (@fraction 0), or that
 * fraction of the zone's managed pages, shared among the node's CPUs;
 * at least four batches either way.
 */
static int zone_highsize(struct zone *zone, unsigned long batch, int fraction)
{
	unsigned long total;
	long high;

	if (fraction)
		total = zone_managed_pages(zone) / (unsigned long)fraction;
	else
		total = low_wmark_pages(zone);
	high = (long)(total / nr_cpu_ids);
	high = max(high, (long)batch << 2);
	return (int)min(high, (long)INT32_MAX);
}

/*
 * kernel 6.7 and later: zone_set_pageset_high_and_batch().  Each CPU's
 * high mark moves between the low watermark's share (high_min) and an
 * eighth of the zone's share (high_max); vm.percpu_pagelist_high_fraction
 * pins both to that fraction's share.  A list's high starts at high_min
 * and is clamped into a new range on its next use.
 */
static void zone_set_pageset_high_and_batch(struct zone *zone, bool init)
{
	int fraction = READ_ONCE(percpu_pagelist_high_fraction);
	unsigned long batch = zone_batchsize(zone);
	int high_min, high_max, cpu;

	if (fraction) {
		high_max = zone_highsize(zone, batch, fraction);
		high_min = high_max;
	} else {
		high_min = zone_highsize(zone, batch, 0);
		high_max = zone_highsize(zone, batch,
					 MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		WRITE_ONCE(pcp->batch, (int)batch);
		WRITE_ONCE(pcp->high_min, high_min);
		WRITE_ONCE(pcp->high_max, high_max);
		if (init)
			WRITE_ONCE(pcp->high, high_min);
	}
}

/**
 * zone_pcp_init - size and initialise the per-CPU page lists of a zone
 * @zone: the zone, with managed pages and watermarks already set
 */
void zone_pcp_init(struct zone *zone)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&zone->per_cpu_pageset[cpu].lists[i]);
	zone_set_pageset_high_and_batch(zone, true);
}

/**
 * zone_pcp_update - resize the per-CPU page lists of a live zone
 * @zone: the zone
 *
 * kernel: zone_pcp_update(), after a watermark or high_fraction sysctl
 * changed.  Lists keep their pages and their high, which the next use
 * clamps into the new range; a list over it is trimmed by its next free.
 */
void zone_pcp_update(struct zone *zone)
{
	zone_set_pageset_high_and_batch(zone, false);
}

/**
 * vm_wmark_sysctl_set - write one of the watermark sysctls
 * @knob: &min_free_kbytes, &watermark_scale_factor or
 *        &percpu_pagelist_high_fraction
 * @value: the new value, already range-checked by the caller
 *
 * kernel: min_free_kbytes_sysctl_handler(),
 * watermark_scale_factor_sysctl_handler() and
 * percpu_pagelist_high_fraction_sysctl_handler(): each stores the value,
 * then derives the watermarks again and resizes every populated zone's
 * per-CPU lists from them.
 */
void vm_wmark_sysctl_set(int *knob, int value)
{
	struct zone *zone;

	WRITE_ONCE(*knob, value);
	setup_per_zone_wmarks();
	for_each_populated_zone(zone)
		zone_pcp_update(zone);
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (BITS_PER_LONG - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static void setup_lowmem_reserve(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	int i, j;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = &pgdat->node_zones[i];
		unsigned long managed = 0;

		/* Read by allocators without a lock: offlining re-runs this. */
		WRITE_ONCE(zone->lowmem_reserve[i], 0);
		for (j = i + 1; j < MAX_NR_ZONES; j++) {
			managed += zone_managed_pages(&pgdat->node_zones[j]);
			if (!lowmem_reserve_ratio[i] || !managed)
				WRITE_ONCE(zone->lowmem_reserve[j], 0);
			else
				WRITE_ONCE(zone->lowmem_reserve[j], (long)(managed /
						(unsigned long)lowmem_reserve_ratio[i]));
		}
	}
}

/*
 * kernel: calculate_totalreserve_pages(), what each zone keeps back from
 * a highest-zone allocation: its largest lowmem_reserve plus its high
 * watermark, at most its managed pages.
 */
static void calculate_totalreserve_pages(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct zone *zone;

	pgdat->totalreserve_pages = 0;
	for_each_zone(zone) {
		long max_res = 0;
		int j;

		for (j = zone_idx(zone); j < MAX_NR_ZONES; j++)
			max_res = max(max_res, zone->lowmem_reserve[j]);
		max_res += (long)high_wmark_pages(zone);
		if ((unsigned long)max_res > zone_managed_pages(zone))
			max_res = (long)zone_managed_pages(zone);
		pgdat->totalreserve_pages += (unsigned long)max_res;
	}
}

/**
 * setup_per_zone_wmarks - derive min/low/high/promo watermarks of each zone
 *
 * min_free_kbytes is split among the non-Movable zones in proportion to
 * their size; the Movable zone gets a small fixed minimum (it serves no
 * atomic allocations).  low and high sit above min by the larger of
 * min/4 and watermark_scale_factor/10000 of the zone.
 */
void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;

	for_each_zone(zone)
		if (zone_idx(zone) != ZONE_MOVABLE)
			lowmem_pages += zone_managed_pages(zone);

	for_each_zone(zone) {
		unsigned long managed = zone_managed_pages(zone);
		unsigned long tmp;

		if (zone_idx(zone) == ZONE_MOVABLE || !lowmem_pages)
			tmp = clamp(managed / 1024, 32UL, 128UL);
		else
			tmp = pages_min * managed / lowmem_pages;
		if (!managed)
			tmp = 0;
		/* New watermarks: a boost of the old ones is void. */
		WRITE_ONCE(zone->watermark_boost, 0);
		WRITE_ONCE(zone->_watermark[WMARK_MIN], tmp);

		tmp = max(tmp / 4, managed * (unsigned long)watermark_scale_factor / 10000);
		WRITE_ONCE(zone->_watermark[WMARK_LOW], min_wmark_pages(zone) + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_HIGH], low_wmark_pages(zone) + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_PROMO], high_wmark_pages(zone) + tmp);
	}

	setup_lowmem_reserve();
	calculate_totalreserve_pages();
}

static void free_area_init_zone(struct zone *zone, enum zone_type idx,
				unsigned long start_pfn, unsigned long nr_pages)
{
	unsigned int order;
	int t;

	zone->zone_pgdat = NODE_DATA(0);
	zone->name = zone_names[idx];
	zone->zone_start_pfn = start_pfn;
	zone->spanned_pages = nr_pages;
	zone->present_pages = nr_pages;
	atomic_long_set(&zone->managed_pages, 0);
	spin_lock_init_named(&zone->lock, "zone->lock", LOCK_RANK_ZONE);
	for_each_migratetype_order(order, t)
		INIT_LIST_HEAD(&zone->free_area[order].free_list[t]);
	for (order = 0; order < NR_PAGE_ORDERS; order++)
		zone->free_area[order].nr_free = 0;
	zone->compact_cached_free_pfn = start_pfn + nr_pages;
	zone->compact_cached_migrate_pfn[0] = start_pfn;
	zone->compact_cached_migrate_pfn[1] = start_pfn;
	zone->compact_init_migrate_pfn = start_pfn;
	zone->compact_init_free_pfn = start_pfn + nr_pages;
	zone->compact_order_failed = MAX_PAGE_ORDER + 1;
	zone->initialized = 1;
}

/* Pageblocks of the bitmap: every block the span touches, as the kernel sizes it. */
static unsigned long zone_nr_pageblocks(const struct zone *zone)
{
	unsigned long start = pageblock_start_pfn(zone->zone_start_pfn);

	if (!zone->spanned_pages)
		return 0;
	return (ALIGN(zone_end_pfn(zone), pageblock_nr_pages) - start) >>
	       pageblock_order;
}

static size_t zone_bitmap_bytes(const struct zone *zone)
{
	return BITS_TO_LONGS(zone_nr_pageblocks(zone) * NR_PAGEBLOCK_BITS) *
	       sizeof(long);
}

static int alloc_zone_meta(struct zone *zone)
{
	int cpu;

	zone->pageblock_flags = arena_map_meta(zone_bitmap_bytes(zone));
	zone->per_cpu_pageset = arena_map_meta(nr_cpu_ids * sizeof(struct per_cpu_pages));
	if (!zone->pageblock_flags || !zone->per_cpu_pageset)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		spin_lock_init_named(&zone->per_cpu_pageset[cpu].lock, "pcp->lock",
				     LOCK_RANK_PCP);
	return 0;
}

static void free_zone_meta(struct zone *zone)
{
	if (zone->pageblock_flags)
		arena_unmap_meta(zone->pageblock_flags, zone_bitmap_bytes(zone));
	if (zone->per_cpu_pageset)
		arena_unmap_meta(zone->per_cpu_pageset,
				 nr_cpu_ids * sizeof(struct per_cpu_pages));
	zone->pageblock_flags = NULL;
	zone->per_cpu_pageset = NULL;
}

/* Free [start, end) of one zone to the buddy in the largest aligned blocks. */
static void free_zone_range(struct zone *zone, unsigned long start,
			    unsigned long end)
{
	while (start < end) {
		unsigned int order = MAX_PAGE_ORDER;

		while (order && (!IS_ALIGNED(start, 1UL << order) ||
				 start + (1UL << order) > end))
			order--;
		spin_lock(&zone->lock);
		__free_one_page(pfn_to_page(start), start, zone, order,
				MIGRATE_MOVABLE, FPI_TO_TAIL);
		spin_unlock(&zone->lock);
		start += 1UL << order;
	}
}

/**
 * pfn_to_online_page - the page of @pfn, if its section has memory
 * @pfn: a PFN
 *
 * kernel: NULL for a PFN of a memory section that is absent or offline;
 * a hole inside a section that has some memory has a (reserved) page.
 * Here sections are 128 MiB, as on x86-64, and are online when any page
 * of them is present.
 *
 * Return: the page, or NULL.
 */
struct page *pfn_to_online_page(unsigned long pfn)
{
	if (!pfn_valid(pfn) || !section_online)
		return NULL;
	if (!test_bit(pfn >> PFN_SECTION_SHIFT, section_online))
		return NULL;
	return pfn_to_page(pfn);
}

/* The layout of a machine built from a size, as a real machine's. */
static void layout_from_sizes(const struct machine_layout *layout,
			      struct machine_zone *zones)
{
	unsigned long pfn = 0;
	int z;

	memset(zones, 0, MAX_NR_ZONES * sizeof(*zones));
	for (z = 0; z < MAX_NR_ZONES; z++) {
		zones[z].exists = z != ZONE_DMA && z != ZONE_DEVICE;
		zones[z].start_pfn = pfn;
		zones[z].spanned = layout->zone_pages[z];
		pfn += layout->zone_pages[z];
	}
}

/* Does an explicit layout add up?  Return: 0 or -EINVAL. */
static int check_layout(const struct machine_layout *layout,
			const struct machine_zone *zones)
{
	unsigned long end = 0, sum = 0;
	unsigned int i;
	int z;

	if (!layout->nr_pages || !layout->nr_cpus || layout->nr_cpus > NR_CPUS)
		return -EINVAL;
	if (!layout->zones) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			if (!pageblock_aligned(layout->zone_pages[z]))
				return -EINVAL;
			sum += layout->zone_pages[z];
		}
		return sum == layout->nr_pages ? 0 : -EINVAL;
	}
	for (z = 0; z < MAX_NR_ZONES; z++) {
		const struct machine_zone *mz = &zones[z];

		if (!mz->spanned)
			continue;
		if (!mz->exists || z == ZONE_DEVICE || mz->start_pfn < end ||
		    mz->spanned > layout->nr_pages - mz->start_pfn)
			return -EINVAL;
		end = mz->start_pfn + mz->spanned;
		sum += mz->spanned;
	}
	if (!sum)
		return -EINVAL;
	for (i = 0, end = 0; i < layout->nr_holes; i++) {
		const struct pfn_range *h = &layout->holes[i];

		if (h->start < end || h->end <= h->start || h->end > layout->nr_pages)
			return -EINVAL;
		end = h->end;
	}
	return 0;
}

/*
 * The zone a PFN outside every span is linked to: the one whose span
 * comes next, or the last one.  kernel: init_unavailable_range() gives
 * such pages the zone of the range around them.
 */
static enum zone_type zone_for_hole(const struct machine_zone *zones,
				    unsigned long pfn)
{
	int z, last = ZONE_NORMAL;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (!zones[z].spanned)
			continue;
		if (pfn < zones[z].start_pfn + zones[z].spanned)
			return (enum zone_type)z;
		last = z;
	}
	return (enum zone_type)last;
}

/* A page with no memory behind it: reserved, never on a free list. */
static void init_reserved_page(struct page *page, enum zone_type zone)
{
	init_single_page(page, zone);
	__SetPageReserved(page);
	set_page_count(page, 1);
}

/*
 * Every page of [0, nr_pages): zone links, and PageReserved for holes and
 * pages between zones.  Marks the sections with memory online and counts
 * each zone's present pages.
 */
static void init_pages(const struct machine_layout *layout,
		       const struct machine_zone *zones)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	const struct pfn_range *hole = layout->holes;
	const struct pfn_range *hole_end = hole + layout->nr_holes;
	unsigned long pfn;

	for (pfn = 0; pfn < layout->nr_pages; pfn++) {
		enum zone_type z = zone_for_hole(zones, pfn);
		struct zone *zone = &pgdat->node_zones[z];

		while (hole < hole_end && hole->end <= pfn)
			hole++;
		if ((hole < hole_end && hole->start <= pfn) ||
		    !zone_spans_pfn(zone, pfn)) {
			init_reserved_page(pfn_to_page(pfn), z);
			if (zone_spans_pfn(zone, pfn))
				zone->present_pages--;
			continue;
		}
		init_single_page(pfn_to_page(pfn), z);
		__set_bit(pfn >> PFN_SECTION_SHIFT, section_online);
	}
}

/* The watermarks, lowmem_reserve and pcp sizes a real machine had. */
static void apply_given_zone_figures(const struct machine_zone *zones)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	int z, i, cpu;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		const struct machine_zone *mz = &zones[z];

		if (mz->wmark[WMARK_MIN] || mz->wmark[WMARK_HIGH])
			for (i = 0; i < NR_WMARK; i++)
				WRITE_ONCE(zone->_watermark[i], mz->wmark[i]);
		if (mz->has_lowmem_reserve)
			for (i = 0; i < MAX_NR_ZONES; i++)
				WRITE_ONCE(zone->lowmem_reserve[i],
					   mz->lowmem_reserve[i]);
		if (!populated_zone(zone))
			continue;
		for_each_possible_cpu(cpu) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			if (mz->pcp_high_min[cpu] && mz->pcp_high_max[cpu] >=
						     mz->pcp_high_min[cpu]) {
				WRITE_ONCE(pcp->high_min, mz->pcp_high_min[cpu]);
				WRITE_ONCE(pcp->high_max, mz->pcp_high_max[cpu]);
			} else if (mz->pcp_high[cpu]) {
				/* before 6.7: one fixed high */
				WRITE_ONCE(pcp->high_min, mz->pcp_high[cpu]);
				WRITE_ONCE(pcp->high_max, mz->pcp_high[cpu]);
			}
			if (mz->pcp_high[cpu])
				WRITE_ONCE(pcp->high, mz->pcp_high[cpu]);
			if (mz->pcp_batch[cpu])
				WRITE_ONCE(pcp->batch, mz->pcp_batch[cpu]);
		}
	}
	calculate_totalreserve_pages();
}

/* Free every present page of @zone: its span less the reserved pages. */
static void free_zone_memory(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn, end = zone_end_pfn(zone);

	while (pfn < end) {
		unsigned long run = pfn;

		while (run < end && !PageReserved(pfn_to_page(run)))
			run++;
		free_zone_range(zone, pfn, run);
		pfn = run;
		while (pfn < end && PageReserved(pfn_to_page(pfn)))
			pfn++;
	}
}

/**
 * mm_init_machine - build the machine described by @layout
 * @layout: total pages, the zones (by size, or where a real machine had
 *	them) and holes, CPUs
 *
 * The arena must already be mapped (sim/arena.c) with layout->nr_pages
 * frames.  On return every present page is free and accounted in its
 * zone; holes and pages outside the zones are reserved.
 *
 * Return: 0, -EINVAL for a layout that does not add up, -ENOMEM when
 * metadata cannot be mapped (everything mapped so far is unmapped).
 */
int mm_init_machine(const struct machine_layout *layout)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct machine_zone sized[MAX_NR_ZONES];
	const struct machine_zone *zones = layout->zones;
	unsigned long managed_sum = 0;
	int z, err = -ENOMEM;

	if (!zones) {
		layout_from_sizes(layout, sized);
		zones = sized;
	}
	if (check_layout(layout, zones))
		return -EINVAL;

	memset(pgdat, 0, sizeof(*pgdat));
	lruvec_init(&pgdat->__lruvec);
	nr_cpu_ids = layout->nr_cpus;
	__pm_phys_base = arena_base;
	max_pfn = layout->nr_pages;
	mem_map_bytes = max_pfn * sizeof(struct page);
	mem_map = arena_map_meta(mem_map_bytes);
	section_online_bytes = BITS_TO_LONGS(DIV_ROUND_UP(max_pfn, PAGES_PER_SECTION)) *
			       sizeof(long);
	section_online = arena_map_meta(section_online_bytes);
	if (!mem_map || !section_online)
		goto out_free;

	pgdat->node_start_pfn = ULONG_MAX;
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		const struct machine_zone *mz = &zones[z];

		/* zone_idx() works on every zone, listed or not. */
		zone->zone_pgdat = pgdat;
		zone->name = zone_names[z];
		if (!mz->exists)
			continue;
		free_area_init_zone(zone, (enum zone_type)z, mz->start_pfn,
				    mz->spanned);
		if (!mz->spanned)
			continue;
		if (alloc_zone_meta(zone))
			goto out_free;
		pgdat->nr_zones = z + 1;
		pgdat->node_start_pfn = min(pgdat->node_start_pfn, mz->start_pfn);
		pgdat->node_spanned_pages = zone_end_pfn(zone) - pgdat->node_start_pfn;
	}
	init_pages(layout, zones);

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long pfn, managed = zones[z].managed;

		if (!zone->spanned_pages)
			continue;
		for (pfn = pageblock_start_pfn(zone->zone_start_pfn);
		     pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages)
			set_pageblock_migratetype(pfn_to_page(max(pfn, zone->zone_start_pfn)),
						  MIGRATE_MOVABLE);
		if (!managed || managed > zone->present_pages)
			managed = zone->present_pages;
		atomic_long_set(&zone->managed_pages, (long)managed);
		managed_sum += managed;
		pgdat->node_present_pages += zone->present_pages;
	}
	if (pgdat->node_start_pfn == ULONG_MAX)
		pgdat->node_start_pfn = 0;
	atomic_long_set(&_totalram_pages, (long)managed_sum);
	atomic_long_set(&nr_bad_pages, 0);

	/* kernel: calculate_min_free_kbytes(); clamped to 128 KiB .. 256 MiB. */
	min_free_kbytes = (int)clamp(int_sqrt((managed_sum << (PAGE_SHIFT - 10)) * 16),
				     128UL, 262144UL);
	setup_per_zone_wmarks();

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			zone_pcp_init(&pgdat->node_zones[z]);
	if (layout->zones)
		apply_given_zone_figures(zones);
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			free_zone_memory(&pgdat->node_zones[z]);
	return 0;

out_free:
	mm_exit_machine();
	return err;
}

/**
 * mm_exit_machine - unmap everything mm_init_machine() mapped
 *
 * The caller stops every thread that could touch the machine first.
 */
void mm_exit_machine(void)
{
	struct zone *zone;

	for_each_zone(zone)
		free_zone_meta(zone);
	if (mem_map)
		arena_unmap_meta(mem_map, mem_map_bytes);
	if (section_online)
		arena_unmap_meta(section_online, section_online_bytes);
	mem_map = NULL;
	section_online = NULL;
	max_pfn = 0;
	__pm_phys_base = NULL;
	memset(&contig_page_data, 0, sizeof(contig_page_data));
}
