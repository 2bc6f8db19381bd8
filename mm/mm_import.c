// SPDX-License-Identifier: GPL-2.0
/*
 * Building memory from a /proc/kpageflags snapshot: the importer.
 *
 * mm_init.c builds a fresh machine, every page free.  This file turns
 * such a machine into the layout a plan describes -- one entry per PFN,
 * inferred from a real machine's snapshot (facade/snapshot.c) -- working
 * below the allocator's API: it takes every free block off the free
 * lists, sets each page up in place, and frees the plan's free blocks
 * back with __free_one_page(), because a snapshot names PFNs and
 * alloc_pages() cannot be asked for a PFN.  Anon and file blocks become
 * real folios (post_alloc_hook(), then what the fault paths leave), of an
 * owner the caller creates; balloon and zsmalloc pages stay plain
 * allocated pages for their drivers to adopt.
 *
 * kernel: no such file.  A kernel never boots from a snapshot of another
 * machine; what each page looks like afterwards is what
 * do_anonymous_page(), do_huge_pmd_anonymous_page() and filemap_fault()
 * leave behind.
 *
 * The sequence (facade/kpageflags.c, pagemig_import_apply(), drives it):
 *	memmap_import_check()	the plan fits the machine
 *	memmap_import_pages()	free lists rebuilt, non-folio pages set up
 *	(drivers adopt imp->balloon[] and imp->zsmalloc[]; the caller
 *	 creates a process, file and VMAs of imp->layout's sizes)
 *	memmap_import_set_owner()	the owner's page tables on the snapshot's
 *	memmap_import_folios()	anon and file blocks made folios
 *	memmap_import_finish()	lists freed, per-CPU pages drained
 *
 * The machine must be fresh (nothing allocated) and nobody else may use
 * it meanwhile: no lock covers the whole rebuild.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/pgtable.h>
#include "internal.h"

static const char *const import_kind_names[NR_IMPORT_KINDS] = {
	[IMPORT_KIND_FREE]	= "free",
	[IMPORT_KIND_ANON]	= "anon",
	[IMPORT_KIND_FILE]	= "file",
	[IMPORT_KIND_BALLOON]	= "balloon",
	[IMPORT_KIND_ZSMALLOC]	= "zsmalloc",
	[IMPORT_KIND_PGTABLE]	= "pgtable",
	[IMPORT_KIND_SLAB]	= "slab",
	[IMPORT_KIND_UNMOVABLE]	= "unmovable",
	[IMPORT_KIND_ISOLATED]	= "isolated",
	[IMPORT_KIND_RESERVED]	= "reserved",
};

/*
 * The address_space of file folios left as stand-ins (see setup_block()).
 * Nothing dereferences it: it only makes folio->mapping non-NULL without
 * the anon tag, which is what "file" means to stable_page_flags() and to
 * the facade's page kinds.
 */
static unsigned long imported_file_mapping[8] __attribute__((aligned(64)));

/*
 * The buffers of the imported file's folios: nobody holds most of them;
 * those the plan marks held carry one reference for good, as a mounted
 * file system keeps on its superblock's and group descriptors' buffers.
 */
static struct folio_buffers imported_buffers;
static struct folio_buffers imported_held_buffers = { .b_count = { 1 } };

/**
 * import_kind_name() - The name of a kind.
 * @kind: an enum import_kind.
 *
 * Return: "free", "anon", ... "reserved"; NULL out of range.
 */
const char *import_kind_name(int kind)
{
	if (kind < 0 || kind >= NR_IMPORT_KINDS)
		return NULL;
	return import_kind_names[kind];
}

/**
 * import_kind_unmovable() - Does a page of this kind keep its pageblock busy?
 * @kind: an enum import_kind.
 *
 * Slab, page-table, other unmovable and reserved pages never migrate, so
 * a pageblock holding one never becomes a free block; the importer makes
 * such pageblocks MIGRATE_UNMOVABLE.
 *
 * Return: true for those kinds.
 */
bool import_kind_unmovable(int kind)
{
	return kind == IMPORT_KIND_SLAB || kind == IMPORT_KIND_PGTABLE ||
	       kind == IMPORT_KIND_UNMOVABLE || kind == IMPORT_KIND_RESERVED;
}

/* Take every free block off the free lists: the machine is all "used". */
static void take_all_free(void)
{
	struct zone *zone;

	drain_all_pages(NULL);
	for_each_populated_zone(zone) {
		unsigned long pfn = zone->zone_start_pfn;

		spin_lock(&zone->lock);
		while (pfn < zone_end_pfn(zone)) {
			struct page *page = pfn_to_page(pfn);
			unsigned int order;

			if (!PageBuddy(page)) {
				pfn++;
				continue;
			}
			order = buddy_order(page);
			del_page_from_free_list(page, zone, order,
						get_pfnblock_migratetype(page, pfn));
			account_used_pages(1L << order);
			pfn += 1UL << order;
		}
		spin_unlock(&zone->lock);
	}
}


/**
 * memmap_import_check() - Does @plan fit this machine?
 * @plan: one entry per PFN.
 * @nr: its length (max_pfn).
 * @err: the first reason it does not.
 * @errlen: the size of @err.
 *
 * Every block is a valid kind and order, aligned, inside one zone, and
 * all tails of its own kind; balloon, zsmalloc and reserved blocks are
 * order 0.
 *
 * Return: 0, or -EINVAL with the reason in @err.
 */
int memmap_import_check(const struct import_page *plan, unsigned long nr,
			char *err, size_t errlen)
{
	unsigned long pfn, i, n;

	for (pfn = 0; pfn < nr; pfn += n) {
		const struct import_page *p = &plan[pfn];
		unsigned int order = p->order;

		if (order == IMPORT_TAIL || order > MAX_PAGE_ORDER ||
		    p->kind >= NR_IMPORT_KINDS || p->kind == IMPORT_KIND_ISOLATED) {
			snprintf(err, errlen, "pfn %#lx: bad plan entry (kind %u, order %u)",
				 pfn, p->kind, order);
			return -EINVAL;
		}
		n = 1UL << order;
		if (!IS_ALIGNED(pfn, n) || pfn + n > nr ||
		    page_zonenum(pfn_to_page(pfn)) !=
		    page_zonenum(pfn_to_page(pfn + n - 1))) {
			snprintf(err, errlen, "pfn %#lx: an order-%u block is misaligned or crosses a zone",
				 pfn, order);
			return -EINVAL;
		}
		if ((p->flags & IMPORT_FL_PCP) &&
		    (p->kind != IMPORT_KIND_FREE || order || p->mapcount >= nr_cpu_ids)) {
			snprintf(err, errlen, "pfn %#lx: a per-CPU free page must be free, order 0, of one of the %u CPUs",
				 pfn, nr_cpu_ids);
			return -EINVAL;
		}
		if (order && (p->kind == IMPORT_KIND_BALLOON ||
			      p->kind == IMPORT_KIND_ZSMALLOC ||
			      p->kind == IMPORT_KIND_RESERVED)) {
			snprintf(err, errlen, "pfn %#lx: %s pages must be order 0",
				 pfn, import_kind_names[p->kind]);
			return -EINVAL;
		}
		for (i = 1; i < n; i++)
			if (plan[pfn + i].order != IMPORT_TAIL ||
			    plan[pfn + i].kind != p->kind) {
				snprintf(err, errlen, "pfn %#lx: the order-%u block at %#lx is not all tails of one kind",
					 pfn + i, order, pfn);
				return -EINVAL;
			}
	}
	return 0;
}


/*
 * Each pageblock's migratetype: the one the plan gives on its first PFN
 * (chosen to match a real machine's pagetypeinfo), else UNMOVABLE when it
 * holds a page that never moves and MOVABLE otherwise.
 */
static void set_pageblock_types(const struct import_page *plan,
				unsigned long nr)
{
	unsigned long pfn, i;

	for (pfn = 0; pfn < nr; pfn += pageblock_nr_pages) {
		unsigned int given = (plan[pfn].flags & IMPORT_FL_MT_MASK) >>
				     IMPORT_FL_MT_SHIFT;
		struct zone *zone = page_zone(pfn_to_page(pfn));
		int mt = MIGRATE_MOVABLE;

		/* Between zones: no zone's bitmap has this block. */
		if (pfn + pageblock_nr_pages <= zone->zone_start_pfn ||
		    pfn >= zone_end_pfn(zone))
			continue;
		if (given && given <= MIGRATE_HIGHATOMIC + 1) {
			set_pageblock_migratetype(pfn_to_page(pfn), (int)given - 1);
			continue;
		}
		for (i = pfn; i < pfn + pageblock_nr_pages && i < nr; i++)
			if (import_kind_unmovable(plan[i].kind)) {
				mt = MIGRATE_UNMOVABLE;
				break;
			}
		set_pageblock_migratetype(pfn_to_page(pfn), mt);
	}
}


/*
 * An allocated block of @order at @page in the state @p (its plan
 * entries) describes.  Anon and file blocks set up here are stand-ins:
 * allocated pages with a mapping tag, not on the LRU, so they do not
 * migrate (import_folios() makes real folios where it can).
 */
static void setup_block(struct page *page, const struct import_page *p,
			unsigned int order)
{
	struct folio *folio = (struct folio *)page;
	unsigned long i, nr = 1UL << order;

	set_page_count(page, 1);
	if (order)
		prep_compound_page(page, order);
	switch (p->kind) {
	case IMPORT_KIND_ANON:
	case IMPORT_KIND_FILE:
		page->mapping = p->kind == IMPORT_KIND_FILE ?
			(struct address_space *)imported_file_mapping :
			(struct address_space *)(unsigned long)
			(p->flags & IMPORT_FL_KSM ? FOLIO_MAPPING_KSM :
							 FOLIO_MAPPING_ANON);
		if (order && (p->flags & IMPORT_FL_THP))
			__set_bit(PG_large_rmappable, &folio->_flags_1);
		if (p->flags & IMPORT_FL_UPTODATE)
			__set_bit(PG_uptodate, &page->flags);
		if (p->flags & IMPORT_FL_DIRTY)
			__set_bit(PG_dirty, &page->flags);
		if (p->flags & IMPORT_FL_REF)
			__set_bit(PG_referenced, &page->flags);
		/* Mapped pages: per-page mapcounts, their sum in the folio. */
		if (order) {
			long sum = 0;

			for (i = 0; i < nr; i++) {
				atomic_set(&page[i]._mapcount, (int)p[i].mapcount - 1);
				sum += p[i].mapcount;
			}
			atomic_set(&folio->_large_mapcount, (int)sum - 1);
		} else {
			atomic_set(&page->_mapcount, (int)p->mapcount - 1);
		}
		break;
	case IMPORT_KIND_SLAB:
		__folio_set_slab(folio);
		break;
	case IMPORT_KIND_PGTABLE:
		__SetPageTable(page);
		break;
	case IMPORT_KIND_ZSMALLOC:
		/* Left a plain allocated page: import_zram() adopts it. */
		break;
	case IMPORT_KIND_RESERVED:
		__SetPageReserved(page);
		break;
	default:
		break;
	}
}




/* How an anon or file block of @order is made into folios: their order. */
static unsigned int folio_order_for(int kind, unsigned int order)
{
	if (kind == IMPORT_KIND_FILE)
		return order;
	return order >= HPAGE_PMD_ORDER ? HPAGE_PMD_ORDER : 0;
}

/*
 * A page-table page for @b->mm: the next of the snapshot's page-table
 * pages (already allocated, PageTable, refcount 1), so the process's
 * tables do not land in free memory; past those, a new one.  The state
 * is pgtable_alloc()'s in mm/memory.c, which frees it when the mm goes.
 */
static struct page *import_table_alloc(struct memmap_import *b)
{
	struct page *page;

	if (b->pool_next < b->nr_pool) {
		page = pfn_to_page(b->pool[b->pool_next++]);
		memset(page_address(page), 0, PAGE_SIZE);
		b->stats.tables_reused++;
	} else {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return NULL;
		__SetPageTable(page);
		b->stats.tables_allocated++;
	}
	WRITE_ONCE(page->pt_mm, b->mm);
	mod_node_page_state(page_pgdat(page), NR_PAGETABLE, 1);
	atomic_long_inc(&b->mm->nr_ptes);
	return page;
}

/*
 * The PTE (or, for @pmd_level, PMD) slot for @addr, with missing tables
 * from import_table_alloc().  kernel: __pte_alloc() and friends; here
 * __walk() of mm/memory.c with another source of table pages.
 * Caller holds b->mm->page_table_lock.  Return: the slot, or NULL.
 */
static uint64_t *import_walk(struct memmap_import *b, unsigned long addr,
			     bool pmd_level)
{
	static const unsigned int shifts[] = {
		PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT
	};
	unsigned int levels = pmd_level ? 3 : 4, i;
	uint64_t *table = page_address(pfn_to_page(b->mm->pgd));

	lockdep_assert_held(&b->mm->page_table_lock);
	for (i = 0; i < levels - 1; i++) {
		uint64_t *entry = &table[pgtable_index(addr, shifts[i])];
		uint64_t e = ptep_get(entry);

		if (!e) {
			struct page *page = import_table_alloc(b);

			if (!page)
				return NULL;
			e = pfn_pte(page_to_pfn(page), true);
			ptep_get_and_set(entry, e);
		}
		if (!pte_present(e) || (e & _PAGE_PSE))
			return NULL;
		table = entry_table(e);
	}
	return &table[pgtable_index(addr, shifts[levels - 1])];
}

/*
 * Move the pgd mm_alloc() took from free memory onto one of the
 * snapshot's page-table pages, and give the page back: the set of free
 * pages, hence the buddy layout, is the snapshot's again.
 */
static void import_move_pgd(struct memmap_import *b)
{
	struct page *old = pfn_to_page(b->mm->pgd), *page;

	if (b->pool_next >= b->nr_pool)
		return;
	page = pfn_to_page(b->pool[b->pool_next++]);
	memcpy(page_address(page), page_address(old), PAGE_SIZE);
	WRITE_ONCE(page->pt_mm, b->mm);
	b->mm->pgd = page_to_pfn(page);
	/* NR_PAGETABLE and nr_ptes counted the old page; the new one inherits. */
	WRITE_ONCE(old->pt_mm, NULL);
	__free_page(old);
	b->stats.tables_reused++;
}

/* An allocated, unprepared block at @page as a new folio of @order. */
static struct folio *import_prep_folio(struct page *page, unsigned int order,
				       const struct import_page *p)
{
	struct folio *folio = (struct folio *)page;
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		set_page_private(page + i, 0);
		atomic_set(&page[i]._mapcount, -1);
	}
	post_alloc_hook(page, order, GFP_HIGHUSER_MOVABLE);
	if (order) {
		prep_compound_page(page, order);
		if (p->flags & IMPORT_FL_THP)
			__set_bit(PG_large_rmappable, &folio->_flags_1);
	}
	if (p->flags & IMPORT_FL_REF)
		__set_bit(PG_referenced, &folio->flags);
	if (p->flags & IMPORT_FL_DIRTY)
		folio_set_dirty(folio);
	return folio;
}

/*
 * One anonymous folio of @order (0 or PMD order) at @page, mapped in the
 * synthetic process.  Return: 0, or -ENOMEM when no page table could be
 * had (the block is left untouched).
 */
static int import_anon(struct memmap_import *b, struct page *page,
		       unsigned int order, const struct import_page *p)
{
	struct mm_struct *mm = b->mm;
	unsigned long addr = order ? b->thp_addr : b->small_addr, i;
	unsigned long nr = 1UL << order;
	struct folio *folio;
	uint64_t *entry;

	spin_lock(&mm->page_table_lock);
	entry = import_walk(b, addr, order != 0);
	if (!entry) {
		spin_unlock(&mm->page_table_lock);
		return -ENOMEM;
	}
	folio = import_prep_folio(page, order, p);
	/* As do_anonymous_page() leaves it: rmap, then swapbacked + LRU. */
	folio_add_new_anon_rmap(folio, b->anon_vma, addr);
	__folio_set_swapbacked(folio);
	folio_mark_uptodate(folio);
	folio_add_lru(folio);
	atomic_long_add((long)nr, &mm->rss_anon);
	/* The allocation's reference is the mapping's. */
	ptep_get_and_set(entry, pfn_pte(page_to_pfn(page), true) |
			 (p->flags & IMPORT_FL_DIRTY ? _PAGE_DIRTY : 0) |
			 (order ? _PAGE_PSE : 0));
	spin_unlock(&mm->page_table_lock);

	if (order) {
		b->thp_addr += PMD_SIZE;
		b->stats.anon_thps++;
	} else {
		b->small_addr += PAGE_SIZE;
	}
	b->stats.anon_folios++;
	b->stats.anon_pages += nr;
	for (i = 0; i < nr; i++) {
		if (p[i].flags & IMPORT_FL_KSM)
			b->stats.anon_ksm_pages++;
		if (p[i].mapcount != 1)
			b->stats.anon_mapcount_differs++;
	}
	return 0;
}

/*
 * One page-cache folio of @order at @page in the synthetic file; an
 * order-0 folio kpagecount saw mapped is mapped in the file VMA too.
 * Return: 0, or -errno with the block untouched.
 */
static int import_file(struct memmap_import *b, struct page *page,
		       unsigned int order, const struct import_page *p)
{
	struct mm_struct *mm = b->mm;
	unsigned long nr = 1UL << order;
	struct folio *folio;
	uint64_t *entry = NULL;
	pgoff_t index;
	int ret;

	index = order ? b->large_index : b->index;
	if (!order && p->mapcount && b->file_vma) {
		spin_lock(&mm->page_table_lock);
		entry = import_walk(b, b->file_vma->vm_start + index * PAGE_SIZE,
				    false);
		spin_unlock(&mm->page_table_lock);
		if (!entry)
			return -ENOMEM;
	}
	folio = import_prep_folio(page, order, p);
	folio_mark_uptodate(folio);
	ret = filemap_add_folio(&b->file->mapping, folio, index);
	if (ret)
		return ret;	/* the caller's stand-in redoes the set-up */
	if (p->flags & IMPORT_FL_PRIVATE) {
		if (p->flags & IMPORT_FL_HELD) {
			folio_attach_private(folio, &imported_held_buffers);
			b->stats.file_held_folios++;
		} else {
			folio_attach_private(folio, &imported_buffers);
		}
		b->stats.file_private_folios++;
	}
	folio_add_lru(folio);
	if (entry) {
		/* As filemap_fault() + finish_fault() leave it. */
		spin_lock(&mm->page_table_lock);
		folio_add_rmap(folio);
		atomic_long_inc(&mm->rss_file);
		ptep_get_and_set(entry, pfn_pte(page_to_pfn(page), false));
		spin_unlock(&mm->page_table_lock);
		b->stats.file_mapped_pages++;
	} else {
		folio_put(folio);	/* the page cache holds its own */
	}
	if (order) {
		b->large_index += nr;
		b->stats.file_large_folios++;
	} else {
		b->index++;
	}
	b->stats.file_folios++;
	b->stats.file_pages += nr;
	return 0;
}

static void import_layout(const struct import_page *plan,
			  unsigned long nr, struct import_layout *l)
{
	unsigned long pfn, n, large = 0;

	memset(l, 0, sizeof(*l));
	for (pfn = 0; pfn < nr; pfn += n) {
		unsigned int order = plan[pfn].order, fo;

		n = 1UL << order;
		if (plan[pfn].kind != IMPORT_KIND_ANON &&
		    plan[pfn].kind != IMPORT_KIND_FILE)
			continue;
		fo = folio_order_for(plan[pfn].kind, order);
		if (plan[pfn].kind == IMPORT_KIND_FILE) {
			if (!order)
				l->small_file++;
			else
				large = ALIGN(large, n) + n;
		} else if (fo) {
			l->thps += n >> fo;
		} else {
			l->small_anon += n;
		}
	}
	/* Large file folios after the order-0 ones, aligned to 4 MiB. */
	l->file_pages = large ? ALIGN(l->small_file, 1UL << MAX_PAGE_ORDER) +
			large : l->small_file;
}


/**
 * memmap_import_folios() - Make the plan's anon and file blocks folios.
 * @b: the import, after memmap_import_pages() and, if an owner could be
 *	made, memmap_import_set_owner().
 *
 * Anon blocks become anonymous folios of the owner's process (PMD-sized
 * ones PMD-mapped, other large ones split to order 0), file blocks
 * page-cache folios of its file; all go on the LRU, so compaction moves
 * them.  What cannot be (no owner, no memory for page tables) is set up
 * as an allocated page with a mapping tag, which counts as anon or file
 * but does not migrate: a stand-in.  Counts go to @b->stats.
 */
void memmap_import_folios(struct memmap_import *b)
{
	const struct import_page *plan = b->plan;
	unsigned long pfn, n, i, nr = b->nr;
	bool have_owner = b->mm != NULL;

	if (have_owner)
		down_read(&b->mm->mmap_lock);
	for (pfn = 0; pfn < nr; pfn += n) {
		const struct import_page *p = &plan[pfn];
		unsigned int fo;

		n = 1UL << p->order;
		if (p->kind != IMPORT_KIND_ANON && p->kind != IMPORT_KIND_FILE)
			continue;
		fo = folio_order_for(p->kind, p->order);
		if (p->kind == IMPORT_KIND_ANON && p->order != fo)
			b->stats.anon_split_pages += n;
		for (i = 0; i < n; i += 1UL << fo) {
			struct page *page = pfn_to_page(pfn + i);
			int ret = -ENODEV;

			if (have_owner)
				ret = p->kind == IMPORT_KIND_ANON ?
				      import_anon(b, page, fo, &p[i]) :
				      import_file(b, page, fo, &p[i]);
			if (!ret)
				continue;
			setup_block(page, &p[i], fo);
			b->stats.stand_in_pages += 1UL << fo;
		}
	}
	if (have_owner)
		up_read(&b->mm->mmap_lock);
}

/* Append @pfn to a growing array.  0 or -ENOMEM (the array unchanged). */
static int pfn_list_add(unsigned long **list, unsigned long *nr,
			unsigned long *cap, unsigned long pfn)
{
	if (*nr == *cap) {
		unsigned long c = *cap ? *cap * 2 : 1024, *l;

		l = realloc(*list, c * sizeof(*l));
		if (!l)
			return -ENOMEM;
		*list = l;
		*cap = c;
	}
	(*list)[(*nr)++] = pfn;
	return 0;
}

/**
 * memmap_import_pages() - Lay the plan's pages out on the machine.
 * @imp: plan and nr set, the rest zero; the plan passed
 *	memmap_import_check() and the machine is fresh.
 *
 * Takes every free block off the free lists, makes pageblocks holding an
 * unmovable page MIGRATE_UNMOVABLE and the rest MIGRATE_MOVABLE, frees
 * the plan's free blocks back (to the tail, in PFN order) and sets up
 * every other block in the state its kind says -- except anon and file
 * blocks, left for memmap_import_folios().  Lists the balloon and
 * zsmalloc pages (plain allocated pages now) for their drivers and the
 * order-0 page-table pages for the owner's tables, and sets imp->layout.
 *
 * Return: 0, or -ENOMEM when a list could not grow (the machine is then
 * half built: tear it down).  Either way, memmap_import_finish() frees
 * the lists.
 */
int memmap_import_pages(struct memmap_import *imp)
{
	const struct import_page *plan = imp->plan;
	unsigned long pfn, nr = imp->nr, bcap = 0, zcap = 0, pcap = 0;
	int ret = 0;

	take_all_free();
	set_pageblock_types(plan, nr);
	for (pfn = 0; pfn < nr && !ret; pfn += 1UL << plan[pfn].order) {
		const struct import_page *p = &plan[pfn];
		struct page *page = pfn_to_page(pfn);
		struct zone *zone = page_zone(page);

		/* Per-CPU free pages go on their lists last: see memmap_import_finish(). */
		if (p->kind == IMPORT_KIND_FREE && (p->flags & IMPORT_FL_PCP))
			continue;
		if (p->kind == IMPORT_KIND_FREE) {
			spin_lock(&zone->lock);
			__free_one_page(page, pfn, zone, p->order,
					get_pfnblock_migratetype(page, pfn),
					FPI_TO_TAIL);
			spin_unlock(&zone->lock);
			account_used_pages(-(1L << p->order));
			continue;
		}
		/* Folios come last, once their owner exists. */
		if (p->kind == IMPORT_KIND_ANON || p->kind == IMPORT_KIND_FILE)
			continue;
		/* A hole the machine has too: its reserved page as it is. */
		if ((p->flags & IMPORT_FL_HOLE) && PageReserved(page))
			continue;
		setup_block(page, p, p->order);
		if (p->kind == IMPORT_KIND_PGTABLE && !p->order)
			ret = pfn_list_add(&imp->pool, &imp->nr_pool, &pcap, pfn);
		else if (p->kind == IMPORT_KIND_BALLOON)
			ret = pfn_list_add(&imp->balloon, &imp->nr_balloon,
					   &bcap, pfn);
		else if (p->kind == IMPORT_KIND_ZSMALLOC)
			ret = pfn_list_add(&imp->zsmalloc, &imp->nr_zsmalloc,
					   &zcap, pfn);
	}
	import_layout(plan, nr, &imp->layout);
	return ret;
}

/*
 * The plan's per-CPU free pages (IMPORT_FL_PCP, the CPU in mapcount):
 * each on its CPU's list of its pageblock's type, at the tail, where the
 * oldest pages are, which free_pcppages_bulk() gives back first.  Done
 * after everything else, so that no allocation of the import takes them.
 */
static void import_pcp_pages(const struct import_page *plan, unsigned long nr)
{
	unsigned long pfn;

	for (pfn = 0; pfn < nr; pfn += 1UL << plan[pfn].order) {
		const struct import_page *p = &plan[pfn];

		if (p->kind == IMPORT_KIND_FREE && (p->flags & IMPORT_FL_PCP))
			pcp_import_page(pfn_to_page(pfn), p->mapcount);
	}
}

/**
 * memmap_import_set_owner() - Who the imported folios belong to.
 * @imp: the import, after memmap_import_pages().
 * @mm: a new, empty process's mm.
 * @anon_addr: where its anonymous VMA of imp->layout.thps PMDs plus
 *	imp->layout.small_anon pages starts (unused if both are 0).
 * @file: a file of imp->layout.file_pages pages, or NULL if that is 0.
 * @file_addr: where its shared mapping of the first
 *	imp->layout.small_file pages starts in @mm (unused if that is 0).
 *
 * Moves the pgd mm_alloc() took from free memory onto one of the
 * snapshot's page-table pages and frees the old one, so that the set of
 * free pages, hence the buddy layout, is the snapshot's again.
 */
void memmap_import_set_owner(struct memmap_import *imp, struct mm_struct *mm,
			     unsigned long anon_addr, struct file *file,
			     unsigned long file_addr)
{
	const struct import_layout *l = &imp->layout;

	imp->mm = mm;
	import_move_pgd(imp);
	if (l->thps + l->small_anon) {
		imp->anon_vma = find_vma(mm, anon_addr);
		imp->thp_addr = anon_addr;
		imp->small_addr = anon_addr + l->thps * PMD_SIZE;
	}
	imp->file = file;
	if (file)
		imp->large_index = ALIGN(l->small_file, 1UL << MAX_PAGE_ORDER);
	if (l->small_file)
		imp->file_vma = find_vma(mm, file_addr);
}

/*
 * The owner's set-up allocates from free memory (its mm, VMAs, file),
 * and an unmovable allocation that falls back to a Movable block claims
 * the block for its type (try_to_claim_block()).  A block the plan gave
 * a type gets it back, with its free pages moved to that type's lists,
 * so the machine's pageblocks are the ones the plan chose.
 */
static void restore_pageblock_types(const struct import_page *plan,
				    unsigned long nr)
{
	unsigned long pfn;

	for (pfn = 0; pfn < nr; pfn += pageblock_nr_pages) {
		unsigned int given = (plan[pfn].flags & IMPORT_FL_MT_MASK) >>
				     IMPORT_FL_MT_SHIFT;
		struct page *page = pfn_to_page(pfn);
		struct zone *zone = page_zone(page);
		int mt;

		if (!given || given > MIGRATE_HIGHATOMIC + 1)
			continue;
		mt = get_pfnblock_migratetype(page, pfn);
		if (mt == (int)given - 1 || is_migrate_isolate(mt))
			continue;
		spin_lock(&zone->lock);
		move_freepages_block(zone, page, mt, (int)given - 1);
		spin_unlock(&zone->lock);
	}
}

/**
 * memmap_import_finish() - Free the import's lists; drain per-CPU pages.
 * @imp: the import.
 *
 * Pages the owner's set-up borrowed went to per-CPU lists; draining them
 * leaves every free page on the buddy lists, as the snapshot had it.
 */
void memmap_import_finish(struct memmap_import *imp)
{
	free(imp->balloon);
	free(imp->zsmalloc);
	free(imp->pool);
	imp->balloon = imp->zsmalloc = imp->pool = NULL;
	drain_all_pages(NULL);
	restore_pageblock_types(imp->plan, imp->nr);
	import_pcp_pages(imp->plan, imp->nr);
}
