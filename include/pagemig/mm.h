/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The everyday helpers: pfn <-> page <-> address, zone of a page,
 * reference counts, compound pages and folios, the page lock.
 */
#ifndef _PAGEMIG_MM_H
#define _PAGEMIG_MM_H

#include "../../lib/compiler.h"
#include "mm_types.h"
#include "page-flags.h"
#include "mmzone.h"
#include "mmdebug.h"

/* The machine: mem_map covers PFNs [0, max_pfn). */
extern struct page *mem_map;
extern unsigned long max_pfn;
extern char *__pm_phys_base;	/* the arena: PFN 0's frame */

static __always_inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static __always_inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

#define folio_pfn(folio)	page_to_pfn(&(folio)->page)
#define pfn_folio(pfn)		page_folio(pfn_to_page(pfn))

static __always_inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

/* NULL for a PFN of a section with no memory (mm/mm_init.c). */
struct page *pfn_to_online_page(unsigned long pfn);

static __always_inline void *page_address(const struct page *page)
{
	return __pm_phys_base + (page_to_pfn(page) << PAGE_SHIFT);
}
#define folio_address(folio)	page_address(&(folio)->page)

static __always_inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page((unsigned long)((const char *)addr - __pm_phys_base) >> PAGE_SHIFT);
}

static __always_inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((READ_ONCE(page->flags) >> ZONES_PGSHIFT) & ZONES_MASK);
}

static __always_inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(0)->node_zones[page_zonenum(page)];
}

static __always_inline struct pglist_data *page_pgdat(const struct page *page)
{
	return NODE_DATA(0);
}
#define folio_zone(folio)	page_zone(&(folio)->page)
#define folio_pgdat(folio)	page_pgdat(&(folio)->page)

static __always_inline int page_to_nid(const struct page *page)
{
	return (int)((READ_ONCE(page->flags) >> NODES_PGSHIFT) & NODES_MASK);
}

void set_page_links(struct page *page, enum zone_type zone, int nid);

/* ---- reference counts ---- */

static __always_inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static __always_inline int page_count(const struct page *page)
{
	return page_ref_count(compound_head(page));
}

static __always_inline int folio_ref_count(const struct folio *folio)
{
	return page_ref_count(&folio->page);
}

static __always_inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}
#define init_page_count(page)	set_page_count(page, 1)

static __always_inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}

static __always_inline bool page_ref_dec_and_test(struct page *page)
{
	return atomic_dec_and_test(&page->_refcount);
}

static __always_inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	return atomic_add_unless(&page->_refcount, nr, u);
}

static __always_inline bool folio_try_get(struct folio *folio)
{
	return page_ref_add_unless(&folio->page, 1, 0);
}

/*
 * The decoupled movable_ops core must not use folio references or the
 * page lock on a movable_ops page (mm/migrate.c).  With CONFIG_DEBUG_VM,
 * while a thread runs that path, each such call on a movable_ops page is
 * counted in movable_ops_folio_calls, as are the core's other folio
 * habits there (lru linkage, dst->private writes); tests expect it to
 * stay 0.
 */
#if IS_ENABLED(CONFIG_DEBUG_VM)
extern __thread bool in_movable_ops_core;
void movable_ops_folio_call(const struct page *page);
#define check_movable_ops_folio_call(page) do {				\
	if (unlikely(in_movable_ops_core))				\
		movable_ops_folio_call(page);				\
} while (0)
#else
#define check_movable_ops_folio_call(page) do { } while (0)
#endif

static __always_inline void folio_get(struct folio *folio)
{
	check_movable_ops_folio_call(&folio->page);
	VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
	page_ref_inc(&folio->page);
}

static __always_inline void get_page(struct page *page)
{
	folio_get(page_folio(page));
}

/*
 * Take a reference on @page only if it is not a tail page and its count
 * is not zero (free pages and tail pages both have count 0).
 */
static __always_inline bool get_page_unless_zero(struct page *page)
{
	return page_ref_add_unless(page, 1, 0);
}

/* A reference on @page unless it is a tail or free page (refcount 0). */
static __always_inline struct folio *folio_get_nontail_page(struct page *page)
{
	check_movable_ops_folio_call(page);
	if (unlikely(!get_page_unless_zero(page)))
		return NULL;
	return (struct folio *)page;
}

void folio_put(struct folio *folio);
void put_page(struct page *page);

static __always_inline void folio_put_refs(struct folio *folio, int refs)
{
	while (refs--)
		folio_put(folio);
}

/* ---- compound pages and folios ---- */

static __always_inline unsigned int folio_order(const struct folio *folio)
{
	if (!folio_test_large(folio))
		return 0;
	return (unsigned int)(READ_ONCE(folio->_flags_1) & 0xff);
}

static __always_inline long folio_nr_pages(const struct folio *folio)
{
	return 1L << folio_order(folio);
}

static __always_inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return folio_order((const struct folio *)page);
}

static __always_inline unsigned long folio_size(const struct folio *folio)
{
	return PAGE_SIZE << folio_order(folio);
}

void prep_compound_page(struct page *page, unsigned int order);

static __always_inline unsigned long page_private(const struct page *page)
{
	return READ_ONCE(page->private);
}

static __always_inline void set_page_private(struct page *page, unsigned long v)
{
	WRITE_ONCE(page->private, v);
}

/*
 * Page-table mappings of @folio: a small folio's in its _mapcount (0 if
 * the page has a type there instead), a large folio's in _large_mapcount
 * (kernel: folio_mapcount() and folio_large_mapcount()).
 */
static __always_inline int folio_mapcount(const struct folio *folio)
{
	if (likely(!folio_test_large(folio))) {
		int raw = atomic_read(&folio->_mapcount);

		return page_type_has_type((unsigned int)raw) ? 0 : raw + 1;
	}
	return atomic_read(&folio->_large_mapcount) + 1;
}

static __always_inline bool folio_mapped(const struct folio *folio)
{
	return !page_has_type(&folio->page) && folio_mapcount(folio) > 0;
}

static __always_inline int page_mapcount_is_type(unsigned int mapcount)
{
	return page_type_has_type(mapcount);
}

/* ---- page lock (mm/filemap.c) ---- */

static __always_inline bool folio_trylock(struct folio *folio)
{
	check_movable_ops_folio_call(&folio->page);
	return !test_and_set_bit_lock(PG_locked, &folio->flags);
}

void __folio_lock(struct folio *folio);
void folio_unlock(struct folio *folio);

static __always_inline void folio_lock(struct folio *folio)
{
	if (!folio_trylock(folio))
		__folio_lock(folio);
}

static __always_inline bool trylock_page(struct page *page)
{
	return folio_trylock(page_folio(page));
}

static __always_inline void lock_page(struct page *page)
{
	folio_lock(page_folio(page));
}

static __always_inline void unlock_page(struct page *page)
{
	folio_unlock(page_folio(page));
}

/* ---- pageblocks ---- */

unsigned long get_pfnblock_flags_mask(const struct page *page,
				      unsigned long pfn, unsigned long mask);
int get_pfnblock_migratetype(const struct page *page, unsigned long pfn);
void set_pageblock_migratetype(struct page *page, int migratetype);
bool get_pageblock_skip(const struct page *page);
void set_pageblock_skip(struct page *page);
void clear_pageblock_skip(struct page *page);
bool get_pageblock_isolate(const struct page *page);
void set_pageblock_isolate(struct page *page);
void clear_pageblock_isolate(struct page *page);

#define get_pageblock_migratetype(page) \
	get_pfnblock_migratetype(page, page_to_pfn(page))

/* Machine totals (mm/page_alloc.c). */
extern atomic_long_t _totalram_pages;
static inline unsigned long totalram_pages(void)
{
	return (unsigned long)atomic_long_read(&_totalram_pages);
}

void adjust_managed_page_count(struct page *page, long count);

#endif /* _PAGEMIG_MM_H */
