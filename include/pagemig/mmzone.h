/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Nodes, zones, free areas and per-CPU page lists.
 *
 * One node (pglist_data) with the kernel's zones, low to high PFNs:
 * ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE.  A
 * machine built from a size alone has DMA32, Normal and maybe Movable,
 * each of whole pageblocks; one built from a real machine's layout has
 * its zones where that machine had them (ZONE_DMA from PFN 1, holes,
 * zones that exist but are empty).  Each pageblock carries a
 * migratetype; free pages sit on the free list of their order and their
 * pageblock's migratetype.
 *
 * Lock order: pcp->lock, then zone->lock (free_pcppages_bulk() and
 * rmqueue_bulk() take the zone lock with the pcp lock held).
 */
#ifndef _PAGEMIG_MMZONE_H
#define _PAGEMIG_MMZONE_H

#include "../../lib/list.h"
#include "../../lib/atomic.h"
#include "mm_types.h"
#include "pageblock-flags.h"
#include "spinlock.h"
#include "smp.h"
#include "completion.h"
#include "vmstat_items.h"

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)
#define PAGE_ALLOC_COSTLY_ORDER	3
#define HPAGE_PMD_ORDER		9
#define HPAGE_PMD_NR		(1UL << HPAGE_PMD_ORDER)
/* Memory sections (SPARSEMEM): 128 MiB on x86-64. */
#define SECTION_SIZE_BITS	27
#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,	/* the number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,	/* can't allocate from here */
	MIGRATE_TYPES
};

extern const char * const migratetype_names[MIGRATE_TYPES];

static inline bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

#define for_each_migratetype_order(order, type)				\
	for (order = 0; order < NR_PAGE_ORDERS; order++)		\
		for (type = 0; type < MIGRATE_TYPES; type++)

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

enum zone_type {
	ZONE_DMA,	/* the first 16 MiB (x86); only in a real machine's layout */
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,	/* never populated: device memory is not modelled */
	MAX_NR_ZONES
};

/*
 * pcp lists: one per migratetype for each order up to
 * PAGE_ALLOC_COSTLY_ORDER, plus one for PMD-sized blocks.
 */
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_THP		1
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)

/*
 * The high mark moves between high_min and high_max (kernel 6.7 and
 * later): it grows while the CPU keeps refilling its lists from the buddy
 * and shrinks when the zone runs low, and free_count, the pages freed
 * since the last allocation, sizes what one drain gives back.
 */
#define PCP_BATCH_SCALE_MAX	5	/* kernel: CONFIG_PCP_BATCH_SCALE_MAX */
#define PCPF_PREV_FREE_HIGH_ORDER	0x01	/* the last free was order 1-3 */
#define PCPF_FREE_HIGH_BATCH		0x02	/* keep a batch of those */

struct per_cpu_pages {
	spinlock_t lock;	/* protects everything below */
	int count;		/* pages on the lists */
	int high;		/* above this, give pages back */
	int high_min, high_max;	/* the range high moves in */
	int batch;		/* chunk size for buddy add/remove */
	int free_count;		/* pages freed since the last allocation */
	short alloc_factor;	/* refill batch scale: batch << alloc_factor */
	unsigned char flags;	/* PCPF_* */
	unsigned long long decay_due;	/* ktime of the next decay; 0: unset */
	struct list_head lists[NR_PCP_LISTS];
} ____cacheline_aligned;

struct per_cpu_zonestat {
	long vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
} ____cacheline_aligned;

struct pglist_data;

struct zone {
	/* Read-mostly, set at init. */
	unsigned long _watermark[NR_WMARK];
	/*
	 * Added to every watermark after a fallback took part of another
	 * type's pageblock (boost_watermark()); raised under zone->lock,
	 * lowered by kswapd under it, read without it.
	 */
	unsigned long watermark_boost;
	unsigned long flags;		/* enum zone_flags, atomic bitops */
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset;		/* [nr_cpu_ids] */
	unsigned long *pageblock_flags;			/* NR_PAGEBLOCK_BITS per block */
	unsigned long zone_start_pfn;
	atomic_long_t managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	int initialized;	/* part of this machine's layout (zoneinfo lists it) */
	unsigned long nr_reserved_highatomic;

	/* Free areas: zone->lock. */
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];

	/* Compaction state (mm/compaction.c). */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned long compact_init_migrate_pfn;
	unsigned long compact_init_free_pfn;
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	bool compact_blockskip_flush;

	/* Zone counters: atomic sum, folded from per-CPU diffs. */
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

enum zone_flags {
	ZONE_BOOSTED_WATERMARK,	/* boosted: the next allocation wakes kswapd */
	ZONE_RECLAIM_ACTIVE,	/* kswapd is balancing the zone */
	ZONE_BELOW_HIGH,	/* free pages fell below the high watermark */
};

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

/* The node's LRU lists (kernel: per memcg per node; one here). */
struct lruvec {
	spinlock_t lru_lock;		/* the lists and PG_lru changes on them */
	struct list_head lists[NR_LRU_LISTS];
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct lruvec __lruvec;
	int nr_zones;			/* highest populated zone + 1 */
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	unsigned long totalreserve_pages;

	/*
	 * kcompactd (mm/compaction.c).  The order and zone wanted are
	 * written by any allocating thread and read by the daemon without a
	 * lock, as in the kernel: READ_ONCE/WRITE_ONCE, a lost update only
	 * delays work until the next wake-up.
	 */
	struct task_struct *kcompactd;	/* NULL when not running */
	struct wait_queue_head kcompactd_wait;
	int kcompactd_max_order;	/* largest order asked for; 0 = none */
	int kcompactd_highest_zoneidx;	/* lowest "highest zone" asked for */
	bool proactive_compact_trigger;	/* run a proactive pass now */

	/*
	 * kswapd (mm/vmscan.c), with the same lock-free requests as
	 * kcompactd.  kswapd_highest_zoneidx is MAX_NR_ZONES when nobody
	 * asked; kswapd_wake is pagemig's: wait_event needs a condition;
	 * so is kswapd_state, the thread's start on first demand.
	 */
	struct task_struct *kswapd;	/* NULL when not running */
	int kswapd_state;		/* enum kswapd_state, atomic */
	struct wait_queue_head kswapd_wait;
	int kswapd_order;
	int kswapd_highest_zoneidx;
	int kswapd_failures;		/* rounds in a row that reclaimed nothing */
	bool kswapd_wake;
	bool kswapd_stopping;
	atomic_long_t vm_stat[NR_VM_NODE_STAT_ITEMS];
};

extern struct pglist_data contig_page_data;
#define NODE_DATA(nid)	(&contig_page_data)
#define MAX_NUMNODES	1
#define first_online_pgdat() (&contig_page_data)

static inline bool populated_zone(const struct zone *zone)
{
	/* Offlining and onlining change it under running allocators. */
	return READ_ONCE(zone->present_pages) != 0;
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn &&
	       pfn < zone->zone_start_pfn + zone->spanned_pages;
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return (unsigned long)atomic_long_read(&zone->managed_pages);
}

static inline int zone_idx(const struct zone *zone)
{
	return (int)(zone - zone->zone_pgdat->node_zones);
}

/* Every watermark includes the zone's boost, as the kernel's. */
#define wmark_pages(z, i)	(READ_ONCE((z)->_watermark[i]) +	\
				 READ_ONCE((z)->watermark_boost))
#define min_wmark_pages(z)	wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)	wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)	wmark_pages(z, WMARK_HIGH)

#define for_each_zone(zone)						\
	for (zone = contig_page_data.node_zones;			\
	     zone < contig_page_data.node_zones + MAX_NR_ZONES; zone++)
#define for_each_populated_zone(zone)					\
	for_each_zone(zone)						\
		if (!populated_zone(zone)) ; else

#endif /* _PAGEMIG_MMZONE_H */
