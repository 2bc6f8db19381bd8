/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm/-private declarations.  Never included outside mm/ (a test that
 * includes one of mm's C files gets it through that file).  What the
 * facade may use of mm is in facade.h, included below: each declaration
 * lives in one of the two.
 */
#ifndef _PAGEMIG_MM_INTERNAL_H
#define _PAGEMIG_MM_INTERNAL_H

#include <stdio.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/vmstat.h>
#include <pagemig/printk.h>
#include <pagemig/fault-inject.h>
#include "facade.h"

/* ---- buddy helpers ---- */

/* Order of a free block; valid only while PageBuddy() under zone->lock. */
static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page_private(page);
}

/*
 * Racy read for scanners that hold no zone lock: the value may be stale or
 * garbage, so callers must range-check it.
 */
static inline unsigned int buddy_order_unsafe(const struct page *page)
{
	return (unsigned int)READ_ONCE(page->private);
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

static inline unsigned long __find_buddy_pfn(unsigned long pfn, unsigned int order)
{
	return pfn ^ (1UL << order);
}

static inline bool free_area_empty(const struct free_area *area, int mt)
{
	return list_empty(&area->free_list[mt]);
}

static inline bool is_migrate_isolate(int mt)
{
	return mt == MIGRATE_ISOLATE;
}

static inline bool is_migrate_movable(int mt)
{
	return mt == MIGRATE_MOVABLE;
}

/* ---- allocator flags (mm/page_alloc.c) ---- */

#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04	/* don't check watermarks at all */
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10	/* caller cannot block */
#define ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: may dip below min */
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

struct alloc_context {
	enum zone_type highest_zoneidx;
	int migratetype;
};

/* Free-page-internal flags for __free_one_page(). */
typedef int fpi_t;
#define FPI_NONE	0
#define FPI_TO_TAIL	(1 << 1)	/* put at the tail: less likely reused */

int find_suitable_fallback(struct free_area *area, unsigned int order,
			   int migratetype, bool claimable);
struct page *alloc_pages_after_compaction(gfp_t gfp, unsigned int order,
					  unsigned int alloc_flags,
					  const struct alloc_context *ac);
extern struct page *(*alloc_direct_compact_hook)(gfp_t gfp, unsigned int order,
						 unsigned int alloc_flags,
						 const struct alloc_context *ac);

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);
bool pcp_allowed_order(unsigned int order);
void drain_zone_pages(struct zone *zone, int cpu);
unsigned long zone_pcp_count(struct zone *zone);

void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
		     unsigned int order, int migratetype, fpi_t fpi_flags);
void free_frozen_pages(struct page *page, unsigned int order);
bool free_pages_prepare(struct page *page, unsigned int order);
void post_alloc_hook(struct page *page, unsigned int order, gfp_t gfp);
void prep_new_page(struct page *page, unsigned int order, gfp_t gfp,
		   unsigned int alloc_flags);

void del_page_from_free_list(struct page *page, struct zone *zone,
			     unsigned int order, int migratetype);
void __add_to_free_list(struct page *page, struct zone *zone,
			unsigned int order, int migratetype, bool tail);
unsigned int expand(struct zone *zone, struct page *page, int low, int high,
		    int migratetype);
bool move_freepages_block(struct zone *zone, struct page *page,
			  int old_mt, int new_mt);
int __isolate_free_page(struct page *page, unsigned int order);
void __putback_isolated_page(struct page *page, unsigned int order, int mt);
void split_free_frozen_pages(struct page *page, unsigned int order);

/*
 * Pages out of the free world (buddy + pcp): allocated, isolated by a
 * free scanner, or leaked as bad.  Per-CPU, summed when read.
 */
void account_used_pages(long nr);
void pcp_decay_all(void);
void pcp_import_page(struct page *page, unsigned int cpu);

/* Pages leaked by bad-page reports (never returned to a free list). */
extern atomic_long_t nr_bad_pages;
#if IS_ENABLED(CONFIG_DEBUG_VM)
/*
 * mm/migrate.c: folio habits of the decoupled movable_ops core -- folio
 * reference and page-lock calls, lru linkage, dst->private writes.
 */
extern atomic_long_t movable_ops_folio_calls;
#endif
void bad_page(struct page *page, const char *reason);

/*
 * Task flags of the current thread (kernel: current->flags).  PF_MEMALLOC
 * marks direct reclaim/compaction, which must not sleep on page locks.
 */
#define PF_MEMALLOC	0x00000800
extern __thread unsigned int current_pf_flags;

static inline unsigned int memalloc_noreclaim_save(void)
{
	unsigned int old = current_pf_flags & PF_MEMALLOC;

	current_pf_flags |= PF_MEMALLOC;
	return old;
}

static inline void memalloc_noreclaim_restore(unsigned int old)
{
	current_pf_flags = (current_pf_flags & ~PF_MEMALLOC) | old;
}

/*
 * Shrinkers (mm/shrinker.c): caches that can give memory back when the
 * allocator is short -- here zsmalloc's pool compaction.  @count says how
 * many pages a scan could free; @scan tries.
 */
int register_shrinker(unsigned long (*count)(void *data),
		      void (*scan)(void *data), void *data);
void unregister_shrinker(void *data);
unsigned long shrink_slab(void);

/* ---- kswapd and the watermark boost (mm/vmscan.c, mm/page_alloc.c) ---- */

/* kernel: MAX_RECLAIM_RETRIES, reclaim's "no progress" bound. */
#define MAX_RECLAIM_RETRIES	16
/* How long kswapd sleeps before it looks again; wake-ups are not lost. */
#define KSWAPD_IDLE_MSEC	(60UL * 1000)

/* pgdat->kswapd_state: may the thread start when first woken? */
enum kswapd_state {
	KSWAPD_OFF,		/* stopped: kswapd_stop(), or no machine */
	KSWAPD_ON_DEMAND,	/* booted: starts at the first wakeup_kswapd() */
	KSWAPD_STARTING,
	KSWAPD_RUNNING,
};

void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order,
		   int highest_zoneidx);

/* ---- LRU (mm/swap.c) ---- */

static inline bool folio_is_file_lru(const struct folio *folio)
{
	return !folio_test_swapbacked(folio);
}

enum lru_list folio_lru_list(const struct folio *folio);
void folio_add_lru(struct folio *folio);
bool folio_isolate_lru(struct folio *folio);
bool __folio_isolate_lru_ref(struct folio *folio);
void folio_putback_lru(struct folio *folio);
void __folio_clear_lru_on_free(struct folio *folio);
void lruvec_init(struct lruvec *lruvec);

/* ---- page cache (mm/filemap.c) ---- */

int mapping_init(struct address_space *mapping, struct file *host);
void mapping_destroy(struct address_space *mapping);
struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index);
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index);
int filemap_replace_folio(struct address_space *mapping, struct folio *src,
			  struct folio *dst, int expected);
int filemap_split_folio(struct address_space *mapping, struct folio *folio,
			int expected, void (*split)(struct folio *, struct list_head *),
			struct list_head *pieces);
void filemap_remove_folio(struct address_space *mapping, struct folio *folio);
/*
 * What pagemig's file system hangs on a page-cache folio with
 * folio_attach_private(): its buffer heads, reduced to what migration
 * asks of them -- how many references their users hold.  A block
 * device's folios migrate through buffer_migrate_folio_norefs(), which
 * gives up on a folio while any of its buffers is referenced.
 */
struct folio_buffers {
	atomic_t b_count;
};

void folio_attach_private(struct folio *folio, struct folio_buffers *data);
bool folio_buffers_referenced(const struct folio *folio);
void *folio_detach_private(struct folio *folio);
bool filemap_release_folio(struct folio *folio);

/* ---- processes (mm/mmap.c, mm/memory.c, mm/rmap.c, mm/gup.c) ---- */

void get_anon_vma(struct anon_vma *anon_vma);
void put_anon_vma(struct anon_vma *anon_vma);
struct anon_vma *folio_get_anon_vma(const struct folio *folio);
void file_read_page(struct file *file, pgoff_t pgoff, void *buf);

int pgd_alloc(struct mm_struct *mm);
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, bool write);
void free_pgtables(struct mm_struct *mm);
void flush_tlb_folio(struct folio *folio);

/* ---- the OOM killer (mm/oom_kill.c) ---- */

/* An allocation the slow path gave up on (kernel: struct oom_control). */
struct oom_control {
	gfp_t gfp_mask;
	unsigned int order;
	unsigned long totalpages;
};

extern struct mutex oom_lock;
bool out_of_memory(struct oom_control *oc);
long oom_badness(struct mm_struct *mm, unsigned long totalpages);

void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address);
void folio_add_rmap(struct folio *folio);
void folio_remove_rmap(struct folio *folio);
int folio_expected_ref_count(const struct folio *folio);
struct address_space *folio_mapping(const struct folio *folio);
void rmap_walk(struct folio *folio,
	       bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
				unsigned long address, void *arg),
	       void *arg);
void try_to_migrate(struct folio *folio);

/* ---- KSM (mm/ksm.c) ---- */

void ksm_exit(struct mm_struct *mm);
void rmap_walk_ksm(struct folio *folio,
		   bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
				    unsigned long address, void *arg),
		   void *arg);
void folio_migrate_ksm(struct folio *dst, struct folio *src);
int split_folio_to_list(struct folio *folio, struct list_head *list);

/* Contiguous ranges (mm/compaction.c, mm/page_alloc.c) */
int migrate_range_away(unsigned long start, unsigned long end, int reason);
int take_free_range(unsigned long start, unsigned long end);
bool split_large_buddy(struct zone *zone, unsigned long pfn);
bool offline_skips_page(struct page *page);
int __offline_isolated_pages(unsigned long start_pfn, unsigned long end_pfn);
void remove_migration_ptes(struct folio *src, struct folio *dst);

bool folio_maybe_dma_pinned(const struct folio *folio);

static inline bool folio_zonenum_movable(const struct folio *folio)
{
	return page_zonenum(&folio->page) == ZONE_MOVABLE;
}

/* ---- machine set-up (mm/mm_init.c) ---- */

void setup_per_zone_wmarks(void);
void zone_pcp_init(struct zone *zone);
void zone_pcp_update(struct zone *zone);

/* A zone's free memory for one order (mm/vmstat.c), as the kernel counts it. */
struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

void fill_contig_page_info(struct zone *zone, unsigned int suitable_order,
			   struct contig_page_info *info);

/* ---- debug (mm/debug.c) ---- */

const char *page_flag_name(int bit);


#endif /* _PAGEMIG_MM_INTERNAL_H */
