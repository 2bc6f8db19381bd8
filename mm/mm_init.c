// SPDX-License-Identifier: GPL-2.0
/*
 * Building the machine: mem_map, the node, its zones, pageblock bitmaps,
 * per-CPU page lists and watermarks, then handing every page to the buddy
 * allocator.
 *
 * The layout is one node with zones in PFN order DMA32, Normal, Movable,
 * each a whole number of pageblocks.  kernel: the firmware memory map and
 * memblock decide this; here the caller's struct machine_layout does.
 * Every pageblock starts MIGRATE_MOVABLE, as memmap_init_zone() leaves
 * them, and all memory is then freed in the largest aligned blocks that
 * fit, as memblock_free_all() does.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/vmstat.h>
#include "../sim/arena.h"
#include "internal.h"

struct page *mem_map;
unsigned long max_pfn;
char *__pm_phys_base;
struct pglist_data contig_page_data;

int min_free_kbytes = 1024;
int watermark_scale_factor = 10;
/* kernel: sysctl_lowmem_reserve_ratio; the Movable zone reserves nothing. */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 32, 0 };
static const char * const zone_names[MAX_NR_ZONES] = { "DMA32", "Normal", "Movable" };

static size_t mem_map_bytes;

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

/**
 * zone_pcp_init - size and initialise the per-CPU page lists of a zone
 * @zone: the zone, with managed pages and watermarks already set
 *
 * batch: about a quarter of a thousandth of the zone, at most 256 KiB,
 * rounded to 2^n - 1 so batches of different zones do not line up.
 * high: the low watermark shared among the CPUs, at least four batches.
 */
void zone_pcp_init(struct zone *zone)
{
	unsigned long batch = min(zone_managed_pages(zone) >> 10,
				  (1UL << 20) / PAGE_SIZE);
	long high;
	int cpu;

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	if (batch < 1)
		batch = 1;
	high = (long)(low_wmark_pages(zone) / nr_cpu_ids);
	high = max(high, (long)batch << 2);

	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		int i;

		WRITE_ONCE(pcp->batch, (int)batch);
		WRITE_ONCE(pcp->high, (int)high);
		for (i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
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
	struct pglist_data *pgdat = NODE_DATA(0);
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
		WRITE_ONCE(zone->_watermark[WMARK_MIN], tmp);

		tmp = max(tmp / 4, managed * (unsigned long)watermark_scale_factor / 10000);
		WRITE_ONCE(zone->_watermark[WMARK_LOW], min_wmark_pages(zone) + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_HIGH], low_wmark_pages(zone) + tmp);
		WRITE_ONCE(zone->_watermark[WMARK_PROMO], high_wmark_pages(zone) + tmp);
	}

	setup_lowmem_reserve();
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

static int alloc_zone_meta(struct zone *zone)
{
	unsigned long nr_blocks = zone->spanned_pages >> pageblock_order;
	size_t bitmap = BITS_TO_LONGS(nr_blocks * NR_PAGEBLOCK_BITS) * sizeof(long);
	int cpu;

	zone->pageblock_flags = arena_map_meta(bitmap);
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
	unsigned long nr_blocks = zone->spanned_pages >> pageblock_order;
	size_t bitmap = BITS_TO_LONGS(nr_blocks * NR_PAGEBLOCK_BITS) * sizeof(long);

	if (zone->pageblock_flags)
		arena_unmap_meta(zone->pageblock_flags, bitmap);
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
 * mm_init_machine - build the machine described by @layout
 * @layout: total pages, pages per zone (pageblock multiples), CPUs
 *
 * The arena must already be mapped (sim/arena.c) with layout->nr_pages
 * frames.  On return every page is free and accounted in its zone.
 *
 * Return: 0, -EINVAL for a layout that does not add up, -ENOMEM when
 * metadata cannot be mapped (everything mapped so far is unmapped).
 */
int mm_init_machine(const struct machine_layout *layout)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long pfn = 0, sum = 0;
	int z, err = -ENOMEM;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (!pageblock_aligned(layout->zone_pages[z]))
			return -EINVAL;
		sum += layout->zone_pages[z];
	}
	if (!sum || sum != layout->nr_pages || !layout->nr_cpus ||
	    layout->nr_cpus > NR_CPUS)
		return -EINVAL;

	memset(pgdat, 0, sizeof(*pgdat));
	lruvec_init(&pgdat->__lruvec);
	nr_cpu_ids = layout->nr_cpus;
	__pm_phys_base = arena_base;
	max_pfn = layout->nr_pages;
	mem_map_bytes = max_pfn * sizeof(struct page);
	mem_map = arena_map_meta(mem_map_bytes);
	if (!mem_map)
		return -ENOMEM;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long nr = layout->zone_pages[z], i;

		free_area_init_zone(zone, (enum zone_type)z, pfn, nr);
		if (!nr)
			continue;
		if (alloc_zone_meta(zone))
			goto out_free;
		for (i = pfn; i < pfn + nr; i++)
			init_single_page(pfn_to_page(i), (enum zone_type)z);
		for (i = pfn; i < pfn + nr; i += pageblock_nr_pages)
			set_pageblock_migratetype(pfn_to_page(i), MIGRATE_MOVABLE);
		atomic_long_set(&zone->managed_pages, (long)nr);
		pgdat->nr_zones = z + 1;
		pfn += nr;
	}
	pgdat->node_start_pfn = 0;
	pgdat->node_present_pages = max_pfn;
	pgdat->node_spanned_pages = max_pfn;
	atomic_long_set(&_totalram_pages, (long)max_pfn);
	atomic_long_set(&nr_bad_pages, 0);

	/* kernel: calculate_min_free_kbytes(); clamped to 128 KiB .. 256 MiB. */
	min_free_kbytes = (int)clamp(int_sqrt((max_pfn << (PAGE_SHIFT - 10)) * 16),
				     128UL, 262144UL);
	setup_per_zone_wmarks();

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		zone_pcp_init(zone);
		free_zone_range(zone, zone->zone_start_pfn, zone_end_pfn(zone));
	}
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
	mem_map = NULL;
	max_pfn = 0;
	__pm_phys_base = NULL;
	memset(&contig_page_data, 0, sizeof(contig_page_data));
}
