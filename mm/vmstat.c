// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and the /proc files that show them: vmstat, buddyinfo,
 * pagetypeinfo and zoneinfo, in the layouts of Linux 6.17 so that a run
 * can be diffed against a real machine line by line.
 *
 * Events are per-CPU words summed at read time; zone and node state items
 * are single atomic words (kernel: per-CPU diffs folded at a threshold --
 * pagemig reads are exact instead, and "vm stats threshold" reads 0).
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/vmstat.h>
#include "internal.h"

unsigned long vm_event_states[NR_CPUS][NR_VM_EVENT_ITEMS] ____cacheline_aligned;

#define __PM_NAME(e, s) s,
static const char * const zone_stat_text[] = { PAGEMIG_ZONE_STAT_ITEMS(__PM_NAME) };
static const char * const numa_stat_text[] = { PAGEMIG_NUMA_STAT_ITEMS(__PM_NAME) };
static const char * const node_stat_text[] = { PAGEMIG_NODE_STAT_ITEMS(__PM_NAME) };
static const char * const writeback_stat_text[] = { PAGEMIG_WRITEBACK_STAT_ITEMS(__PM_NAME) };
static const char * const memmap_stat_text[] = { PAGEMIG_MEMMAP_STAT_ITEMS(__PM_NAME) };
const char * const vmstat_text_events[NR_VM_EVENT_ITEMS] = { PAGEMIG_VM_EVENT_ITEMS(__PM_NAME) };
#undef __PM_NAME

/**
 * sum_vm_event - the total of one event over all CPUs
 * @item: the event
 *
 * Return: the sum; racy against concurrent increments, as in the kernel.
 */
unsigned long sum_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;
	int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		sum += __atomic_load_n(&vm_event_states[cpu][item], __ATOMIC_RELAXED);
	return sum;
}

/**
 * all_vm_events - every event summed over all CPUs
 * @ret: an array of NR_VM_EVENT_ITEMS
 */
void all_vm_events(unsigned long *ret)
{
	int i;

	for (i = 0; i < NR_VM_EVENT_ITEMS; i++)
		ret[i] = sum_vm_event((enum vm_event_item)i);
}

/**
 * global_zone_page_state - a zone counter summed over all zones
 * @item: the counter
 *
 * Return: the sum, clamped at 0.
 */
unsigned long global_zone_page_state(enum zone_stat_item item)
{
	struct zone *zone;
	long sum = 0;

	for_each_zone(zone)
		sum += atomic_long_read(&zone->vm_stat[item]);
	return sum < 0 ? 0 : (unsigned long)sum;
}

/**
 * node_page_state - a node counter
 * @pgdat: the node
 * @item: the counter
 *
 * Return: its value, clamped at 0.
 */
unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item item)
{
	long x = atomic_long_read(&pgdat->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

/**
 * vmstat_reset - zero every counter, for a new machine
 */
void vmstat_reset(void)
{
	memset(vm_event_states, 0, sizeof(vm_event_states));
}

/*
 * A node counter as /proc shows it: THP counters are kept in pages and
 * shown in THPs (kernel: vmstat_item_print_in_thp()).
 */
static unsigned long node_stat_shown(struct pglist_data *pgdat,
				     enum node_stat_item item)
{
	unsigned long v = node_page_state(pgdat, item);

	if (item == NR_ANON_THPS || item == NR_FILE_THPS || item == NR_SHMEM_THPS ||
	    item == NR_SHMEM_PMDMAPPED || item == NR_FILE_PMDMAPPED)
		v /= HPAGE_PMD_NR;
	return v;
}

/* ---- /proc/vmstat as a flat array ---- */

enum {
	VMSTAT_ZONE_BASE = 0,
	VMSTAT_NUMA_BASE = VMSTAT_ZONE_BASE + NR_VM_ZONE_STAT_ITEMS,
	VMSTAT_NODE_BASE = VMSTAT_NUMA_BASE + NR_VM_NUMA_EVENT_ITEMS,
	VMSTAT_WB_BASE = VMSTAT_NODE_BASE + NR_VM_NODE_STAT_ITEMS,
	VMSTAT_MEMMAP_BASE = VMSTAT_WB_BASE + NR_VM_WRITEBACK_STAT_ITEMS,
	VMSTAT_EVENT_BASE = VMSTAT_MEMMAP_BASE + NR_VM_STAT_ITEMS,
	VMSTAT_NR = VMSTAT_EVENT_BASE + NR_VM_EVENT_ITEMS,
};

_Static_assert(VMSTAT_NR == NR_VMSTAT_ITEMS, "NR_VMSTAT_ITEMS in vmstat.h");

/**
 * vmstat_item_name() - The /proc/vmstat name of item @i.
 * @i: 0 .. NR_VMSTAT_ITEMS - 1, in the file's order.
 *
 * kernel: vmstat_text[], which vmstat_show() walks.
 *
 * Return: the name ("nr_free_pages", "pgmigrate_success"), or NULL past
 * the end.
 */
const char *vmstat_item_name(unsigned int i)
{
	if (i < VMSTAT_NUMA_BASE)
		return zone_stat_text[i - VMSTAT_ZONE_BASE];
	if (i < VMSTAT_NODE_BASE)
		return numa_stat_text[i - VMSTAT_NUMA_BASE];
	if (i < VMSTAT_WB_BASE)
		return node_stat_text[i - VMSTAT_NODE_BASE];
	if (i < VMSTAT_MEMMAP_BASE)
		return writeback_stat_text[i - VMSTAT_WB_BASE];
	if (i < VMSTAT_EVENT_BASE)
		return memmap_stat_text[i - VMSTAT_MEMMAP_BASE];
	if (i < VMSTAT_NR)
		return vmstat_text_events[i - VMSTAT_EVENT_BASE];
	return NULL;
}

/*
 * Dirty thresholds as global_dirty_limits() would print them with the
 * default ratios (dirty 20%, background 10%) over available memory.
 */
static unsigned long dirty_threshold(bool background)
{
	unsigned long avail = global_zone_page_state(NR_FREE_PAGES) +
			      global_node_page_state(NR_INACTIVE_FILE) +
			      global_node_page_state(NR_ACTIVE_FILE);

	return avail * (background ? 10 : 20) / 100;
}

/**
 * vmstat_item_value() - The value /proc/vmstat shows for item @i.
 * @i: 0 .. NR_VMSTAT_ITEMS - 1.
 *
 * Caller must make sure the machine exists (mem_map is set).
 *
 * Return: the value, summed over CPUs where the counter is per-CPU.
 */
unsigned long vmstat_item_value(unsigned int i)
{
	if (i < VMSTAT_NUMA_BASE)
		return global_zone_page_state((enum zone_stat_item)(i - VMSTAT_ZONE_BASE));
	if (i < VMSTAT_NODE_BASE) {
		/* One node: every allocation is a local hit. */
		enum numa_stat_item item = (enum numa_stat_item)(i - VMSTAT_NUMA_BASE);

		if (item == NUMA_HIT || item == NUMA_LOCAL)
			return sum_vm_event(PGALLOC_DMA) + sum_vm_event(PGALLOC_DMA32) +
			       sum_vm_event(PGALLOC_NORMAL) + sum_vm_event(PGALLOC_MOVABLE) +
			       sum_vm_event(PGALLOC_DEVICE);
		return 0;
	}
	if (i < VMSTAT_WB_BASE) {
		return node_stat_shown(NODE_DATA(0),
				       (enum node_stat_item)(i - VMSTAT_NODE_BASE));
	}
	if (i < VMSTAT_MEMMAP_BASE)
		return dirty_threshold(i - VMSTAT_WB_BASE == 1);
	if (i < VMSTAT_EVENT_BASE)
		return i - VMSTAT_MEMMAP_BASE == 0 ?
			DIV_ROUND_UP(max_pfn * sizeof(struct page), PAGE_SIZE) : 0;
	return sum_vm_event((enum vm_event_item)(i - VMSTAT_EVENT_BASE));
}

/**
 * vmstat_show - write /proc/vmstat
 * @f: where to
 *
 * Return: 0, or -EIO if the stream failed.
 */
int vmstat_show(FILE *f)
{
	unsigned int i;

	for (i = 0; i < VMSTAT_NR; i++)
		fprintf(f, "%s %lu\n", vmstat_item_name(i), vmstat_item_value(i));
	fputs(VMSTAT_TRAILER, f);
	return ferror(f) ? -EIO : 0;
}

/* ---- buddyinfo ---- */

/**
 * buddyinfo_show - write /proc/buddyinfo
 * @f: where to
 *
 * Return: 0, or -EIO.
 */
int buddyinfo_show(FILE *f)
{
	struct zone *zone;

	for_each_populated_zone(zone) {
		unsigned int order;

		fprintf(f, "Node %d, zone %8s ", zone->zone_pgdat->node_id, zone->name);
		for (order = 0; order < NR_PAGE_ORDERS; order++)
			fprintf(f, "%6lu ", READ_ONCE(zone->free_area[order].nr_free));
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/**
 * zone_nr_free_mt - count free blocks of one order and type
 * @zone: the zone
 * @order: the order
 * @mt: the migratetype
 *
 * Walks the list under zone->lock.
 *
 * Return: the number of blocks.
 */
unsigned long zone_nr_free_mt(struct zone *zone, unsigned int order, int mt)
{
	unsigned long n;

	spin_lock(&zone->lock);
	n = list_count_nodes(&zone->free_area[order].free_list[mt]);
	spin_unlock(&zone->lock);
	return n;
}

/**
 * zone_count_pageblocks - pageblocks of a zone per migratetype
 * @zone: the zone
 * @count: MIGRATE_TYPES counters, filled
 *
 * As /proc/pagetypeinfo counts them: one PFN a pageblock from the zone's
 * first, skipping sections with no memory and pages of another zone.  A
 * corrupted type is the validator's to report, not counted here.
 */
void zone_count_pageblocks(struct zone *zone, unsigned long *count)
{
	unsigned long pfn;

	memset(count, 0, MIGRATE_TYPES * sizeof(*count));
	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages) {
		struct page *page = pfn_to_online_page(pfn);
		int bmt;

		if (!page || page_zone(page) != zone)
			continue;
		bmt = get_pfnblock_migratetype(page, pfn);
		if (bmt < MIGRATE_TYPES)
			count[bmt]++;
	}
}

/**
 * fill_contig_page_info - count a zone's free memory for one order
 * @zone: the zone
 * @suitable_order: the order of the block wanted
 * @info: filled: free pages, free blocks, and free blocks of
 *        @suitable_order that the larger free blocks would make
 *
 * Reads the free counts without the zone lock, as debugfs does; a
 * concurrent allocation makes the figures approximate.  What the
 * fragmentation indices and the fragmentation score are computed from.
 */
void fill_contig_page_info(struct zone *zone, unsigned int suitable_order,
			   struct contig_page_info *info)
{
	unsigned int order;

	memset(info, 0, sizeof(*info));
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		unsigned long blocks = READ_ONCE(zone->free_area[order].nr_free);

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable += blocks <<
						      (order - suitable_order);
	}
}

/**
 * unusable_free_index - how much of a zone's free memory cannot serve @order
 * @zone: the zone
 * @order: the order of the block wanted
 *
 * kernel: unusable_free_index() behind debugfs extfrag/unusable_index.
 *
 * Return: the share, in thousandths, of free pages that are in blocks
 * smaller than @order; 1000 when nothing is free (no free memory counts
 * as all of it unusable).
 */
int unusable_free_index(struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_pages)
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) *
		     1000 / info.free_pages);
}

/**
 * pagetypeinfo_show - write /proc/pagetypeinfo
 * @f: where to
 *
 * Like the kernel, counts per list stop at 100000.
 *
 * Return: 0, or -EIO.
 */
int pagetypeinfo_show(FILE *f)
{
	struct zone *zone;
	unsigned int order;
	int mt;

	fprintf(f, "Page block order: %d\n", pageblock_order);
	fprintf(f, "Pages per block:  %lu\n", pageblock_nr_pages);
	fputc('\n', f);

	fprintf(f, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < NR_PAGE_ORDERS; order++)
		fprintf(f, "%6u ", order);
	fputc('\n', f);
	for_each_populated_zone(zone) {
		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			fprintf(f, "Node %4d, zone %8s, type %12s ",
				zone->zone_pgdat->node_id, zone->name,
				migratetype_names[mt]);
			for (order = 0; order < NR_PAGE_ORDERS; order++) {
				unsigned long n = zone_nr_free_mt(zone, order, mt);

				/* The kernel stops counting a list at 100000. */
				fprintf(f, "%s%6lu ", n > 100000 ? ">" : "",
					min(n, 100000UL));
			}
			fputc('\n', f);
		}
	}

	fprintf(f, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		fprintf(f, "%12s ", migratetype_names[mt]);
	fputc('\n', f);
	for_each_populated_zone(zone) {
		unsigned long count[MIGRATE_TYPES];

		zone_count_pageblocks(zone, count);
		fprintf(f, "Node %d, zone %8s ", zone->zone_pgdat->node_id, zone->name);
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			fprintf(f, "%12lu ", count[mt]);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- zoneinfo ---- */

static void zoneinfo_show_zone(FILE *f, struct zone *zone, bool first)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	int i, cpu;

	fprintf(f, "Node %d, zone %8s", pgdat->node_id, zone->name);
	if (first) {
		fprintf(f, "\n  per-node stats");
		for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			fprintf(f, "\n      %-12s %lu", node_stat_text[i],
				node_stat_shown(pgdat, (enum node_stat_item)i));
	}
	fprintf(f, "\n  pages free     %lu"
		   "\n        boost    %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu"
		   "\n        promo    %lu"
		   "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu"
		   "\n        cma      %lu",
		zone_page_state(zone, NR_FREE_PAGES), READ_ONCE(zone->watermark_boost),
		min_wmark_pages(zone), low_wmark_pages(zone),
		high_wmark_pages(zone), wmark_pages(zone, WMARK_PROMO),
		zone->spanned_pages, READ_ONCE(zone->present_pages),
		zone_managed_pages(zone), 0UL);
	fprintf(f, "\n        protection: (%ld", zone->lowmem_reserve[0]);
	for (i = 1; i < MAX_NR_ZONES; i++)
		fprintf(f, ", %ld", zone->lowmem_reserve[i]);
	fputc(')', f);

	if (!populated_zone(zone)) {
		fputc('\n', f);
		return;
	}
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", zone_stat_text[i],
			zone_page_state(zone, (enum zone_stat_item)i));
	for (i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(f, "\n      %-12s %lu", numa_stat_text[i], 0UL);

	fprintf(f, "\n  pagesets");
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		fprintf(f, "\n    cpu: %i"
			   "\n              count:    %i"
			   "\n              high:     %i"
			   "\n              batch:    %i"
			   "\n              high_min: %i"
			   "\n              high_max: %i",
			cpu, READ_ONCE(pcp->count), READ_ONCE(pcp->high),
			READ_ONCE(pcp->batch), READ_ONCE(pcp->high_min),
			READ_ONCE(pcp->high_max));
		fprintf(f, "\n  vm stats threshold: %d", 0);
	}
	fprintf(f, "\n  node_unreclaimable:  %u"
		   "\n  start_pfn:           %lu",
		0U, zone->zone_start_pfn);
	fputc('\n', f);
}

/**
 * zoneinfo_show - write /proc/zoneinfo
 * @f: where to
 *
 * Return: 0, or -EIO.
 */
int zoneinfo_show(FILE *f)
{
	struct zone *zone;
	bool first = true;

	for_each_zone(zone) {
		if (!zone->initialized)
			continue;
		zoneinfo_show_zone(f, zone, first && populated_zone(zone));
		if (populated_zone(zone))
			first = false;
	}
	return ferror(f) ? -EIO : 0;
}
