// SPDX-License-Identifier: GPL-2.0
/*
 * The memory part of the public facade (include/pagemig/pagemig.h):
 * allocation by gfp mask for workloads, content tags, and figures.  The
 * machine's life cycle is in facade/machine.c.  Everything here checks
 * its arguments, because its callers are the CLI and scenario files: bad
 * input gets -EINVAL, never a crash or a corrupted machine.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/compaction.h>
#include <pagemig/vmstat.h>
#include "../mm/facade.h"
#include "../sim/arena.h"
#include "internal.h"

int pagemig_parse_gfp(const char *s, unsigned int *gfp)
{
	return parse_gfp_string(s, gfp);
}

int pagemig_format_gfp(unsigned int gfp, char *buf, size_t len)
{
	return format_gfp_string(gfp, buf, len);
}

int pagemig_alloc_pages(unsigned int gfp, unsigned int order, unsigned long *pfn)
{
	struct page *page;

	if (!machine_ready)
		return -ENODEV;
	if (order > MAX_PAGE_ORDER ||
	    (gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return -EINVAL;
	/* Compound, so that pagemig_free_pages() can check the order. */
	page = alloc_pages(gfp | __GFP_NOWARN | (order ? __GFP_COMP : 0), order);
	if (!page)
		return -ENOMEM;
	*pfn = page_to_pfn(page);
	return 0;
}

int pagemig_free_pages(unsigned long pfn, unsigned int order)
{
	struct page *page;

	if (!machine_ready)
		return -ENODEV;
	if (order > MAX_PAGE_ORDER || pfn >= max_pfn ||
	    !IS_ALIGNED(pfn, 1UL << order) || pfn + (1UL << order) > max_pfn)
		return -EINVAL;
	page = pfn_to_page(pfn);
	if (PageTail(page) || PageBuddy(page) || page_ref_count(page) <= 0)
		return -EINVAL;
	/*
	 * Blocks of order > 0 from pagemig_alloc_pages() are compound.  A
	 * plain page cannot say how many pages after it are its own: freeing
	 * it with a larger order would free its neighbours.
	 */
	if (order ? !PageHead(page) || compound_order(page) != order :
		    PageHead(page))
		return -EINVAL;
	__free_pages(page, order);
	return 0;
}

/* The pattern of one page: cheap to fill and check, unique per (tag, page). */
static inline uint64_t tag_base(uint64_t tag, unsigned long i)
{
	uint64_t x = tag ^ (i * 0xd6e8feb86659fd93ULL);

	return pagemig_splitmix64(&x);
}

/* Page @i of @tag's pattern into the PAGE_SIZE bytes at @p. */
void tag_fill(uint64_t *p, uint64_t tag, unsigned long i)
{
	uint64_t base = tag_base(tag, i);
	unsigned long w;

	for (w = 0; w < PAGE_SIZE / 8; w++)
		p[w] = base + w * 0x9e3779b97f4a7c15ULL;
}

/* Do the PAGE_SIZE bytes at @p hold page @i of @tag's pattern? */
bool tag_check(const uint64_t *p, uint64_t tag, unsigned long i)
{
	uint64_t base = tag_base(tag, i), diff = 0;
	unsigned long w;

	for (w = 0; w < PAGE_SIZE / 8; w++)
		diff |= p[w] ^ (base + w * 0x9e3779b97f4a7c15ULL);
	return !diff;
}

void pagemig_fill_tag(unsigned long pfn, unsigned long nr, uint64_t tag)
{
	unsigned long i;

	if (!machine_ready || pfn >= max_pfn || nr > max_pfn - pfn)
		return;
	for (i = 0; i < nr; i++)
		tag_fill(page_address(pfn_to_page(pfn + i)), tag, i);
}

unsigned long pagemig_check_tag(unsigned long pfn, unsigned long nr, uint64_t tag)
{
	unsigned long i, bad = 0;

	if (!machine_ready || pfn >= max_pfn || nr > max_pfn - pfn)
		return nr;
	for (i = 0; i < nr; i++)
		bad += !tag_check(page_address(pfn_to_page(pfn + i)), tag, i);
	return bad;
}

const char *pagemig_migratetype_name(int mt)
{
	if (mt < 0 || mt >= MIGRATE_TYPES)
		return NULL;
	return migratetype_names[mt];
}

int pagemig_zone_stats(int z, struct pagemig_zone_stats *out)
{
	struct zone *zone;
	unsigned int order;
	int mt;

	BUILD_BUG_ON(PAGEMIG_NR_MIGRATETYPES != MIGRATE_TYPES);
	BUILD_BUG_ON(PAGEMIG_NR_ZONES != MAX_NR_ZONES);
	BUILD_BUG_ON((int)PAGEMIG_ZONE_DMA != (int)ZONE_DMA ||
		     (int)PAGEMIG_ZONE_NORMAL != (int)ZONE_NORMAL ||
		     (int)PAGEMIG_ZONE_DEVICE != (int)ZONE_DEVICE);
	BUILD_BUG_ON(PAGEMIG_NR_ORDERS != NR_PAGE_ORDERS);
	if (!machine_ready)
		return -ENODEV;
	if (z < 0 || z >= MAX_NR_ZONES)
		return -EINVAL;
	zone = &NODE_DATA(0)->node_zones[z];
	if (!zone->initialized)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->name = zone->name;
	out->populated = populated_zone(zone);
	out->start_pfn = zone->zone_start_pfn;
	out->spanned = zone->spanned_pages;
	out->present = zone->present_pages;
	out->managed = zone_managed_pages(zone);
	out->free = zone_page_state(zone, NR_FREE_PAGES);
	out->min = min_wmark_pages(zone);
	out->low = low_wmark_pages(zone);
	out->high = high_wmark_pages(zone);
	if (!out->populated)
		return 0;
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		out->nr_free[order] = READ_ONCE(zone->free_area[order].nr_free);
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			out->nr_free_mt[mt][order] = zone_nr_free_mt(zone, order, mt);
		out->extfrag_index[order] = fragmentation_index(zone, order);
		out->unusable_index[order] = unusable_free_index(zone, order);
	}
	out->fragmentation_score = fragmentation_score_zone(zone);
	zone_count_pageblocks(zone, out->nr_blocks_mt);
	return 0;
}

unsigned long pagemig_resident_pages(void)
{
	return machine_ready ? arena_resident_pages() : 0;
}

unsigned long pagemig_total_pages(void)
{
	return machine_ready ? max_pfn : 0;
}

unsigned long pagemig_free_pages_count(void)
{
	return machine_ready ? global_zone_page_state(NR_FREE_PAGES) : 0;
}

/*
 * The walk takes each zone's lock in turn, not the whole machine's, so it
 * is exact only while nothing else changes pages.  In parallel mode
 * kcompactd runs on its own host thread, and a walk that meets one of
 * its passes half-way sees pages in flight: free pages it has isolated
 * (on no free list and not yet allocated), balloon pages whose isolation
 * flag and their driver's counter change a moment apart.  So kcompactd
 * is stopped for the walk (kcompactd_stop() lets a pass finish its zone)
 * and started again after, which costs it a pending wake-up.  Under the
 * deterministic scheduler it is left running: the walk keeps the schedule
 * the seed gives.
 */
unsigned long pagemig_validate(FILE *f)
{
	bool restart;
	unsigned long bad;

	if (!machine_ready)
		return 0;
	restart = !pagemig_sched_on() && READ_ONCE(NODE_DATA(0)->kcompactd);
	if (restart)
		kcompactd_stop(0);
	bad = validate_zones(f);
	if (restart)
		kcompactd_run(0);	/* says itself if it cannot */
	return bad;
}
