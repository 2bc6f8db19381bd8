// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kpageflags and /proc/kpagecount for the public facade, in both
 * directions.
 *
 * Out: stable_page_flags() and kpagecount_read() of Linux 6.17
 * fs/proc/page.c, per simulated page.  What the movable_ops series makes
 * visible shows through unchanged (spec 3.4, 9.9): a balloon page is
 * KPF_OFFLINE, and because PG_movable_ops is PG_uptodate and
 * PG_movable_ops_isolated is PG_reclaim, also KPF_UPTODATE, plus
 * KPF_RECLAIM while isolated.  zsmalloc pages have no KPF bit of their
 * own and show only KPF_UPTODATE.
 *
 * In: pagemig_import_apply() turns a fresh machine into the layout that
 * workload/kpageflags.c inferred from a real snapshot.  It works below
 * the allocator's API -- it takes every free block off the free lists,
 * sets each page up in place and frees the free blocks back -- because a
 * snapshot names PFNs, and alloc_pages() cannot be asked for a PFN.
 * Anon folios become real anonymous folios of one synthetic process,
 * mapped at addresses of our choosing, and file folios real page-cache
 * folios of one synthetic file; both go on the LRU, so compaction moves
 * them.  The process's page tables are placed on the snapshot's own
 * page-table pages while they last.
 *
 * Kinds (pagemig_page_kinds()) are what the reports, blockers and
 * pictures count; they are read from the live page state only.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/balloon.h>
#include <pagemig/pgtable.h>
#include "../mm/internal.h"
#include "../drivers/balloon_host.h"
#include "../drivers/zram/zram_drv.h"
#include "internal.h"

#define KPF(name)	(1ULL << PAGEMIG_KPF_##name)

static const char *const kind_names[PAGEMIG_NR_KINDS] = {
	[PAGEMIG_KIND_FREE]		= "free",
	[PAGEMIG_KIND_ANON]		= "anon",
	[PAGEMIG_KIND_FILE]		= "file",
	[PAGEMIG_KIND_BALLOON]		= "balloon",
	[PAGEMIG_KIND_ZSMALLOC]		= "zsmalloc",
	[PAGEMIG_KIND_PGTABLE]		= "pgtable",
	[PAGEMIG_KIND_SLAB]		= "slab",
	[PAGEMIG_KIND_UNMOVABLE]	= "unmovable",
	[PAGEMIG_KIND_ISOLATED]		= "isolated",
	[PAGEMIG_KIND_RESERVED]		= "reserved",
};

/*
 * The address_space of file folios left as stand-ins (see import_build).
 * Nothing dereferences it: it only makes folio->mapping non-NULL without
 * the anon tag, which is what "file" means to stable_page_flags() and to
 * the kinds.
 */
static unsigned long imported_file_mapping[8] __attribute__((aligned(64)));

/* What the last pagemig_import_apply() made of the plan's folios. */
static struct pagemig_import_result import_result = {
	.pid = -1, .fid = -1, .zram_id = -1
};

/* facade/zram.c: device @id is going away. */
void import_zram_gone(int id)
{
	if (import_result.zram_id == id)
		import_result.zram_id = -1;
}

void import_forget(void)
{
	memset(&import_result, 0, sizeof(import_result));
	import_result.pid = -1;
	import_result.fid = -1;
	import_result.zram_id = -1;
}

const char *pagemig_kind_name(int kind)
{
	if (kind < 0 || kind >= PAGEMIG_NR_KINDS)
		return NULL;
	return kind_names[kind];
}

static inline uint64_t kpf_copy_bit(unsigned long kflags, int ubit, int kbit)
{
	return (uint64_t)((kflags >> kbit) & 1) << ubit;
}

/*
 * kernel: is_free_buddy_page() in mm/page_alloc.c.  A racy walk: the
 * answer may be stale, as /proc/kpageflags' is.
 */
static bool is_free_buddy_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		const struct page *head = page - (pfn & ((1UL << order) - 1));

		if (PageBuddy(head) && buddy_order_unsafe(head) >= order)
			return true;
	}
	return false;
}

static bool folio_is_mapped(const struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_large_mapcount) >= 0;
	return !page_has_type(&folio->page) && folio_mapcount(folio) > 0;
}

/*
 * kernel 6.17 fs/proc/page.c stable_page_flags().  The only 6.17 change
 * there is the mapping-tag rename (FOLIO_MAPPING_ANON/KSM); everything
 * the series adds shows through the aliased PG_uptodate/PG_reclaim bits.
 * @buddy: the caller already knows the page lies in a free buddy block.
 */
static uint64_t stable_page_flags(const struct page *page, bool buddy)
{
	const struct folio *folio = page_folio(page);
	unsigned long k = READ_ONCE(folio->flags);
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);
	uint64_t u = 0;

	if (!buddy && folio_is_mapped(folio))
		u |= KPF(MMAP);
	if (!buddy && (mapping & FOLIO_MAPPING_ANON)) {
		u |= KPF(ANON);
		if ((mapping & FOLIO_MAPPING_FLAGS) == FOLIO_MAPPING_KSM)
			u |= KPF(KSM);
	}
	if (page == &folio->page)
		u |= kpf_copy_bit(k, PAGEMIG_KPF_COMPOUND_HEAD, PG_head);
	else
		u |= KPF(COMPOUND_TAIL);
	if (folio_test_hugetlb(folio))
		u |= KPF(HUGE);
	else if (folio_test_large(folio) &&
		 test_bit(PG_large_rmappable, &folio->_flags_1))
		u |= KPF(THP);	/* any large rmappable folio, as 6.17 says */

	/* PG_buddy is on the head only; the kernel walks up for the rest. */
	if (PageBuddy(page) || buddy)
		u |= KPF(BUDDY);
	else if (page_count(page) == 0 && is_free_buddy_page(page))
		u |= KPF(BUDDY);

	if (PageOffline(page))
		u |= KPF(OFFLINE);
	if (PageTable(page))
		u |= KPF(PGTABLE);
	if (folio_test_slab(folio))
		u |= KPF(SLAB);

	u |= kpf_copy_bit(k, PAGEMIG_KPF_IDLE, PG_idle);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_LOCKED, PG_locked);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_DIRTY, PG_dirty);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_UPTODATE, PG_uptodate);	/* = PG_movable_ops */
	u |= kpf_copy_bit(k, PAGEMIG_KPF_WRITEBACK, PG_writeback);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_LRU, PG_lru);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_REFERENCED, PG_referenced);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_ACTIVE, PG_active);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_RECLAIM, PG_reclaim);	/* = PG_movable_ops_isolated */
	if ((k & (BIT(PG_swapbacked) | BIT(PG_swapcache))) ==
	    (BIT(PG_swapbacked) | BIT(PG_swapcache)))
		u |= KPF(SWAPCACHE);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_SWAPBACKED, PG_swapbacked);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_UNEVICTABLE, PG_unevictable);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_MLOCKED, PG_mlocked);
	if (u & KPF(HUGE))
		u |= kpf_copy_bit(k, PAGEMIG_KPF_HWPOISON, PG_hwpoison);
	else
		u |= kpf_copy_bit(READ_ONCE(page->flags), PAGEMIG_KPF_HWPOISON,
				  PG_hwpoison);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_RESERVED, PG_reserved);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_OWNER_2, PG_owner_2);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_PRIVATE, PG_private);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_PRIVATE_2, PG_private_2);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_OWNER_PRIVATE, PG_owner_priv_1);
	u |= kpf_copy_bit(k, PAGEMIG_KPF_ARCH, PG_arch_1);
	return u;
}

/*
 * kernel 6.17 kpagecount_read(): since 6.12 ("fs/proc/page: use a folio
 * in kpagecount_read()" and the precise-mapcount work) the file reports
 * folio_precise_page_mapcount(page_folio(page), page) -- the page's own
 * mapcount plus the folio's entire (PMD) mapcount -- not page_count().
 * Typed pages (buddy, offline, zsmalloc, table, slab) report 0.
 */
static uint64_t precise_page_mapcount(const struct page *page)
{
	const struct folio *folio = page_folio(page);
	unsigned int raw = READ_ONCE(page->page_type);
	int mapcount = 0;

	if (!page_type_has_type(raw))
		mapcount = (int)raw + 1;
	if (folio_test_large(folio))
		mapcount += atomic_read(&folio->_entire_mapcount) + 1;
	return mapcount > 0 ? (uint64_t)mapcount : 0;
}

/* The free buddy block holding @pfn: its end, or 0 if none. */
static unsigned long free_block_end(unsigned long pfn)
{
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct page *page = pfn_to_page(head);

		if (PageBuddy(page) && buddy_order_unsafe(page) >= order &&
		    buddy_order_unsafe(page) <= MAX_PAGE_ORDER)
			return head + (1UL << buddy_order_unsafe(page));
	}
	return 0;
}

static int page_kind(const struct page *page)
{
	const struct folio *folio = page_folio(page);
	unsigned long mapping;

	if (PageOffline(page) || PageZsmalloc(page)) {
		if (page_has_movable_ops(page) && PageMovableOpsIsolated(page))
			return PAGEMIG_KIND_ISOLATED;
		return PageOffline(page) ? PAGEMIG_KIND_BALLOON :
					   PAGEMIG_KIND_ZSMALLOC;
	}
	/* A compound page table counts whole, as the importer builds it. */
	if (PageTable(&folio->page))
		return PAGEMIG_KIND_PGTABLE;
	if (folio_test_slab(folio))
		return PAGEMIG_KIND_SLAB;
	if (test_bit(PG_reserved, &folio->flags))
		return PAGEMIG_KIND_RESERVED;
	mapping = (unsigned long)READ_ONCE(folio->mapping);
	if (mapping & FOLIO_MAPPING_ANON)
		return PAGEMIG_KIND_ANON;
	if (mapping)
		return PAGEMIG_KIND_FILE;
	if (folio_test_lru(folio))
		return folio_test_swapbacked(folio) ? PAGEMIG_KIND_ANON :
						      PAGEMIG_KIND_FILE;
	return PAGEMIG_KIND_UNMOVABLE;
}

/*
 * Walk [pfn, pfn + n): free blocks are recognised once at their head and
 * skipped over, so a whole machine costs one pass.
 */
#define WALK_FLAGS	1
#define WALK_COUNTS	2
#define WALK_KINDS	4

static int walk(unsigned long pfn, unsigned long n, uint64_t *flags,
		uint64_t *counts, uint8_t *kinds)
{
	unsigned long end, i, free_end;

	if (!machine_ready)
		return -ENODEV;
	if (pfn > max_pfn || n > max_pfn - pfn)
		return -EINVAL;
	end = pfn + n;
	free_end = n ? free_block_end(pfn) : 0;
	for (i = pfn; i < end; i++) {
		struct page *page = pfn_to_page(i);
		bool buddy;

		if (PageBuddy(page) && buddy_order_unsafe(page) <= MAX_PAGE_ORDER)
			free_end = i + (1UL << buddy_order_unsafe(page));
		buddy = i < free_end && page_count(page) == 0;
		if (flags)
			flags[i - pfn] = stable_page_flags(page, buddy);
		if (counts)
			counts[i - pfn] = buddy ? 0 : precise_page_mapcount(page);
		if (kinds)
			kinds[i - pfn] = buddy ? PAGEMIG_KIND_FREE : page_kind(page);
	}
	return 0;
}

int pagemig_kpageflags_read(unsigned long pfn, unsigned long n,
			    uint64_t *flags, uint64_t *counts)
{
	return walk(pfn, n, flags, counts, NULL);
}

int pagemig_page_kinds(unsigned long pfn, unsigned long n, uint8_t *kinds)
{
	return walk(pfn, n, NULL, NULL, kinds);
}

#define EXPORT_CHUNK	(64UL << 10)	/* PFNs per write, as page-types reads */

static int write_words(FILE *f, uint64_t *w, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		w[i] = htole64(w[i]);
	return fwrite(w, sizeof(*w), n, f) == n ? 0 : -EIO;
}

int pagemig_kpageflags_export(const char *flags_path, const char *count_path)
{
	FILE *ff = NULL, *fc = NULL;
	uint64_t *fl = NULL, *cn = NULL;
	unsigned long pfn, n;
	int ret = 0;

	if (!machine_ready)
		return -ENODEV;
	if (!flags_path)
		return -EINVAL;
	/*
	 * kernel: pages on per-CPU lists read as flagless, neither buddy nor
	 * allocated.  A snapshot meant to be imported again wants them as
	 * the free pages they are, so drain first; the machine's state is
	 * otherwise unchanged.
	 */
	drain_all_pages(NULL);
	fl = malloc(EXPORT_CHUNK * sizeof(*fl));
	cn = malloc(EXPORT_CHUNK * sizeof(*cn));
	ff = fopen(flags_path, "wb");
	if (count_path)
		fc = fopen(count_path, "wb");
	if (!fl || !cn) {
		ret = -ENOMEM;
		goto out;
	}
	if (!ff || (count_path && !fc)) {
		ret = -errno;
		goto out;
	}
	for (pfn = 0; pfn < max_pfn && !ret; pfn += n) {
		n = min(EXPORT_CHUNK, max_pfn - pfn);
		walk(pfn, n, fl, fc ? cn : NULL, NULL);
		ret = write_words(ff, fl, n);
		if (!ret && fc)
			ret = write_words(fc, cn, n);
	}
out:
	if (ff && fclose(ff) && !ret)
		ret = -EIO;
	if (fc && fclose(fc) && !ret)
		ret = -EIO;
	free(fl);
	free(cn);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Import */

static bool kind_is_unmovable(int kind)
{
	return kind == PAGEMIG_KIND_SLAB || kind == PAGEMIG_KIND_PGTABLE ||
	       kind == PAGEMIG_KIND_UNMOVABLE || kind == PAGEMIG_KIND_RESERVED;
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

static int check_plan(const struct pagemig_import_page *plan, unsigned long nr,
		      char *err, size_t errlen)
{
	unsigned long pfn, i, n;

	for (pfn = 0; pfn < nr; pfn += n) {
		const struct pagemig_import_page *p = &plan[pfn];
		unsigned int order = p->order;

		if (order == PAGEMIG_IMPORT_TAIL || order > MAX_PAGE_ORDER ||
		    p->kind >= PAGEMIG_NR_KINDS || p->kind == PAGEMIG_KIND_ISOLATED) {
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
		if (order && (p->kind == PAGEMIG_KIND_BALLOON ||
			      p->kind == PAGEMIG_KIND_ZSMALLOC ||
			      p->kind == PAGEMIG_KIND_RESERVED)) {
			snprintf(err, errlen, "pfn %#lx: %s pages must be order 0",
				 pfn, kind_names[p->kind]);
			return -EINVAL;
		}
		for (i = 1; i < n; i++)
			if (plan[pfn + i].order != PAGEMIG_IMPORT_TAIL ||
			    plan[pfn + i].kind != p->kind) {
				snprintf(err, errlen, "pfn %#lx: the order-%u block at %#lx is not all tails of one kind",
					 pfn + i, order, pfn);
				return -EINVAL;
			}
	}
	return 0;
}

static void set_pageblock_types(const struct pagemig_import_page *plan,
				unsigned long nr)
{
	unsigned long pfn, i;

	for (pfn = 0; pfn < nr; pfn += pageblock_nr_pages) {
		int mt = MIGRATE_MOVABLE;

		for (i = pfn; i < pfn + pageblock_nr_pages && i < nr; i++)
			if (kind_is_unmovable(plan[i].kind)) {
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
static void setup_block(struct page *page, const struct pagemig_import_page *p,
			unsigned int order)
{
	struct folio *folio = (struct folio *)page;
	unsigned long i, nr = 1UL << order;

	set_page_count(page, 1);
	if (order)
		prep_compound_page(page, order);
	switch (p->kind) {
	case PAGEMIG_KIND_ANON:
	case PAGEMIG_KIND_FILE:
		page->mapping = p->kind == PAGEMIG_KIND_FILE ?
			(struct address_space *)imported_file_mapping :
			(struct address_space *)(unsigned long)
			(p->flags & PAGEMIG_IMPORT_KSM ? FOLIO_MAPPING_KSM :
							 FOLIO_MAPPING_ANON);
		if (order && (p->flags & PAGEMIG_IMPORT_THP))
			__set_bit(PG_large_rmappable, &folio->_flags_1);
		if (p->flags & PAGEMIG_IMPORT_UPTODATE)
			__set_bit(PG_uptodate, &page->flags);
		if (p->flags & PAGEMIG_IMPORT_DIRTY)
			__set_bit(PG_dirty, &page->flags);
		if (p->flags & PAGEMIG_IMPORT_REF)
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
	case PAGEMIG_KIND_SLAB:
		__folio_set_slab(folio);
		break;
	case PAGEMIG_KIND_PGTABLE:
		__SetPageTable(page);
		break;
	case PAGEMIG_KIND_ZSMALLOC:
		/* Left a plain allocated page: import_zram() adopts it. */
		break;
	case PAGEMIG_KIND_RESERVED:
		__SetPageReserved(page);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Import: anon and file folios made real */

/*
 * The synthetic owner of the imported folios.  One process holds every
 * anon folio in one VMA -- PMD-sized folios first, each PMD-mapped, then
 * the order-0 ones, mapped by PTEs in PFN order -- and one file holds
 * every file folio: order-0 folios at indices 0.., mapped in a second VMA
 * when kpagecount says they were mapped, then the large ones at aligned
 * indices, in the page cache only (pagemig maps large folios by PMD only,
 * and only anonymous ones).  kernel: no equivalent; what the folios look
 * like afterwards is what do_anonymous_page()/do_huge_pmd_anonymous_page()
 * and filemap_fault() leave.
 */
struct import_build {
	struct mm_struct *mm;
	struct vm_area_struct *anon_vma, *file_vma;
	struct file *file;
	unsigned long thp_addr, small_addr;	/* next anon addresses */
	pgoff_t index, large_index;		/* next file indices */
	unsigned long *pool;			/* the snapshot's page-table pages */
	unsigned long nr_pool, pool_next;
	struct pagemig_import_result *r;
};

/* How an anon or file block of @order is made into folios: their order. */
static unsigned int folio_order_for(int kind, unsigned int order)
{
	if (kind == PAGEMIG_KIND_FILE)
		return order;
	return order >= HPAGE_PMD_ORDER ? HPAGE_PMD_ORDER : 0;
}

/*
 * A page-table page for @b->mm: the next of the snapshot's page-table
 * pages (already allocated, PageTable, refcount 1), so the process's
 * tables do not land in free memory; past those, a new one.  The state
 * is pgtable_alloc()'s in mm/memory.c, which frees it when the mm goes.
 */
static struct page *import_table_alloc(struct import_build *b)
{
	struct page *page;

	if (b->pool_next < b->nr_pool) {
		page = pfn_to_page(b->pool[b->pool_next++]);
		memset(page_address(page), 0, PAGE_SIZE);
		b->r->tables_reused++;
	} else {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return NULL;
		__SetPageTable(page);
		b->r->tables_allocated++;
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
static uint64_t *import_walk(struct import_build *b, unsigned long addr,
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
static void import_move_pgd(struct import_build *b)
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
	b->r->tables_reused++;
}

/* An allocated, unprepared block at @page as a new folio of @order. */
static struct folio *import_prep_folio(struct page *page, unsigned int order,
				       const struct pagemig_import_page *p)
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
		if (p->flags & PAGEMIG_IMPORT_THP)
			__set_bit(PG_large_rmappable, &folio->_flags_1);
	}
	if (p->flags & PAGEMIG_IMPORT_REF)
		__set_bit(PG_referenced, &folio->flags);
	if (p->flags & PAGEMIG_IMPORT_DIRTY)
		folio_set_dirty(folio);
	return folio;
}

/*
 * One anonymous folio of @order (0 or PMD order) at @page, mapped in the
 * synthetic process.  Return: 0, or -ENOMEM when no page table could be
 * had (the block is left untouched).
 */
static int import_anon(struct import_build *b, struct page *page,
		       unsigned int order, const struct pagemig_import_page *p)
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
			 (p->flags & PAGEMIG_IMPORT_DIRTY ? _PAGE_DIRTY : 0) |
			 (order ? _PAGE_PSE : 0));
	spin_unlock(&mm->page_table_lock);

	if (order) {
		b->thp_addr += PMD_SIZE;
		b->r->anon_thps++;
	} else {
		b->small_addr += PAGE_SIZE;
	}
	b->r->anon_folios++;
	b->r->anon_pages += nr;
	for (i = 0; i < nr; i++) {
		if (p[i].flags & PAGEMIG_IMPORT_KSM)
			b->r->anon_ksm_pages++;
		if (p[i].mapcount != 1)
			b->r->anon_mapcount_differs++;
	}
	return 0;
}

/*
 * One page-cache folio of @order at @page in the synthetic file; an
 * order-0 folio kpagecount saw mapped is mapped in the file VMA too.
 * Return: 0, or -errno with the block untouched.
 */
static int import_file(struct import_build *b, struct page *page,
		       unsigned int order, const struct pagemig_import_page *p)
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
	folio_add_lru(folio);
	if (entry) {
		/* As filemap_fault() + finish_fault() leave it. */
		spin_lock(&mm->page_table_lock);
		folio_add_rmap(folio);
		atomic_long_inc(&mm->rss_file);
		ptep_get_and_set(entry, pfn_pte(page_to_pfn(page), false));
		spin_unlock(&mm->page_table_lock);
		b->r->file_mapped_pages++;
	} else {
		folio_put(folio);	/* the page cache holds its own */
	}
	if (order) {
		b->large_index += nr;
		b->r->file_large_folios++;
	} else {
		b->index++;
	}
	b->r->file_folios++;
	b->r->file_pages += nr;
	return 0;
}

/* Where the plan's folios go: sizes of the VMAs and the file. */
struct import_layout {
	unsigned long thps, small_anon;		/* anon folios by mapping size */
	unsigned long small_file;		/* order-0 file folios */
	unsigned long file_pages;		/* index span of the file */
};

static void import_layout(const struct pagemig_import_page *plan,
			  unsigned long nr, struct import_layout *l)
{
	unsigned long pfn, n, large = 0;

	memset(l, 0, sizeof(*l));
	for (pfn = 0; pfn < nr; pfn += n) {
		unsigned int order = plan[pfn].order, fo;

		n = 1UL << order;
		if (plan[pfn].kind != PAGEMIG_KIND_ANON &&
		    plan[pfn].kind != PAGEMIG_KIND_FILE)
			continue;
		fo = folio_order_for(plan[pfn].kind, order);
		if (plan[pfn].kind == PAGEMIG_KIND_FILE) {
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

/*
 * The synthetic process, its VMAs and the file.  Return: 0 or -errno
 * (then anon and file folios all become stand-ins).
 */
static int import_owner(struct import_build *b, const struct import_layout *l)
{
	unsigned long addr;
	int ret;

	b->r->pid = pagemig_process_create();
	if (b->r->pid < 0)
		return b->r->pid;
	b->mm = process_mm(b->r->pid);
	import_move_pgd(b);
	if (l->thps + l->small_anon) {
		ret = pagemig_mmap_anon(b->r->pid, l->thps * PMD_SIZE +
					l->small_anon * PAGE_SIZE,
					PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &addr);
		if (ret)
			return ret;
		b->anon_vma = find_vma(b->mm, addr);
		b->thp_addr = addr;
		b->small_addr = addr + l->thps * PMD_SIZE;
	}
	if (l->file_pages) {
		b->r->fid = pagemig_file_create("imported", l->file_pages *
						PAGE_SIZE, 1, NULL);
		if (b->r->fid < 0)
			return b->r->fid;
		b->file = process_file(b->r->fid);
		b->large_index = ALIGN(l->small_file, 1UL << MAX_PAGE_ORDER);
	}
	if (l->small_file) {
		ret = pagemig_mmap_file(b->r->pid, b->r->fid,
					l->small_file * PAGE_SIZE, 0,
					PAGEMIG_MAP_SHARED, &addr);
		if (ret)
			return ret;
		b->file_vma = find_vma(b->mm, addr);
	}
	return 0;
}

/*
 * Make the plan's anon and file blocks real folios of the synthetic
 * owner; what cannot be (no memory for page tables, no owner) is set up
 * as before folios existed: an allocated page with a mapping tag, which
 * counts as anon or file but does not migrate.
 */
static void import_folios(struct import_build *b,
			  const struct pagemig_import_page *plan,
			  unsigned long nr, bool have_owner)
{
	unsigned long pfn, n, i;

	if (have_owner)
		down_read(&b->mm->mmap_lock);
	for (pfn = 0; pfn < nr; pfn += n) {
		const struct pagemig_import_page *p = &plan[pfn];
		unsigned int fo;

		n = 1UL << p->order;
		if (p->kind != PAGEMIG_KIND_ANON && p->kind != PAGEMIG_KIND_FILE)
			continue;
		fo = folio_order_for(p->kind, p->order);
		if (p->kind == PAGEMIG_KIND_ANON && p->order != fo)
			b->r->anon_split_pages += n;
		for (i = 0; i < n; i += 1UL << fo) {
			struct page *page = pfn_to_page(pfn + i);
			int ret = -ENODEV;

			if (have_owner)
				ret = p->kind == PAGEMIG_KIND_ANON ?
				      import_anon(b, page, fo, &p[i]) :
				      import_file(b, page, fo, &p[i]);
			if (!ret)
				continue;
			setup_block(page, &p[i], fo);
			b->r->stand_in_pages += 1UL << fo;
		}
	}
	if (have_owner)
		up_read(&b->mm->mmap_lock);
}

/* The pattern of sector @index of the import's zram device. */
#define IMPORT_ZRAM_TAG	0x7a72616d2d696d70ULL

/*
 * The plan's zsmalloc pages, @pfns (plain allocated pages), become the
 * pool of a new zram device: the i-th adopted page holds sector i, one
 * incompressible
 * page each (zram_adopt_page() says why), filled with a tag pattern that
 * pagemig_import_verify() checks.  What cannot be adopted keeps the
 * zsmalloc type without PG_movable_ops: a stand-in that stays put.
 */
static void import_zram(const unsigned long *pfns, unsigned long n)
{
	struct zram *zram = NULL;
	uint64_t *buf = NULL;
	unsigned long i;
	int id;

	id = pagemig_zram_create(NULL, (uint64_t)n * PAGE_SIZE, 0);
	if (id >= 0) {
		zram = zram_device(id);
		buf = malloc(PAGE_SIZE);
		if (!buf) {
			pagemig_zram_destroy(id);
			zram = NULL;
		}
	}
	import_result.zram_id = zram ? id : -1;
	for (i = 0; i < n; i++) {
		struct page *page = pfn_to_page(pfns[i]);

		if (zram) {
			unsigned long sector = import_result.zram_pages;

			tag_fill(buf, IMPORT_ZRAM_TAG, sector);
			if (!zram_adopt_page(zram, sector, buf, page)) {
				import_result.zram_pages++;
				continue;
			}
		}
		__SetPageZsmalloc(page);
		import_result.zram_stand_ins++;
	}
	free(buf);
}

int pagemig_import_verify(unsigned long *checked)
{
	struct zram *zram = zram_device(import_result.zram_id);
	unsigned long i, bad = 0;
	uint64_t *buf;

	*checked = 0;
	if (!machine_ready)
		return -ENODEV;
	if (!zram)
		return 0;
	buf = malloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < import_result.zram_pages; i++) {
		bad += zram_read_page(zram, i, buf) ||
		       !tag_check(buf, IMPORT_ZRAM_TAG, i);
		(*checked)++;
	}
	free(buf);
	return (int)min(bad, (unsigned long)INT_MAX);
}

int pagemig_import_result(struct pagemig_import_result *r)
{
	if (!machine_ready)
		return -ENODEV;
	*r = import_result;
	return 0;
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

int pagemig_import_apply(const struct pagemig_import_page *plan,
			 unsigned long nr, char *err, size_t errlen)
{
	unsigned long pfn, *balloon = NULL, nr_balloon = 0, cap = 0;
	unsigned long *zs = NULL, nr_zs = 0, zs_cap = 0;
	struct import_build b = { .r = &import_result };
	struct import_layout l;
	int ret;

	import_forget();
	if (!machine_ready) {
		snprintf(err, errlen, "no machine");
		return -ENODEV;
	}
	if (nr != max_pfn) {
		snprintf(err, errlen, "the plan has %lu pages, the machine %lu",
			 nr, max_pfn);
		return -EINVAL;
	}
	ret = check_plan(plan, nr, err, errlen);
	if (ret)
		return ret;
	drain_all_pages(NULL);
	if (nr_used_pages()) {
		snprintf(err, errlen, "the machine is not fresh: %lu pages are allocated",
			 nr_used_pages());
		return -EBUSY;
	}

	take_all_free();
	set_pageblock_types(plan, nr);
	for (pfn = 0; pfn < nr; pfn += 1UL << plan[pfn].order) {
		const struct pagemig_import_page *p = &plan[pfn];
		struct page *page = pfn_to_page(pfn);
		struct zone *zone = page_zone(page);

		if (p->kind == PAGEMIG_KIND_FREE) {
			spin_lock(&zone->lock);
			__free_one_page(page, pfn, zone, p->order,
					get_pfnblock_migratetype(page, pfn),
					FPI_TO_TAIL);
			spin_unlock(&zone->lock);
			account_used_pages(-(1L << p->order));
			continue;
		}
		/* Folios come last, once their owner exists. */
		if (p->kind == PAGEMIG_KIND_ANON || p->kind == PAGEMIG_KIND_FILE)
			continue;
		setup_block(page, p, p->order);
		if (p->kind == PAGEMIG_KIND_PGTABLE && !p->order)
			b.nr_pool++;
		if (p->kind == PAGEMIG_KIND_BALLOON)
			ret = pfn_list_add(&balloon, &nr_balloon, &cap, pfn);
		else if (p->kind == PAGEMIG_KIND_ZSMALLOC)
			ret = pfn_list_add(&zs, &nr_zs, &zs_cap, pfn);
		if (ret)
			break;
	}
	if (ret) {
		free(balloon);
		free(zs);
		snprintf(err, errlen, "no memory for the list of balloon and zsmalloc pages");
		return ret;
	}
	if (nr_balloon)
		ret = virtio_balloon_adopt(balloon, nr_balloon);
	free(balloon);
	if (ret) {
		free(zs);
		snprintf(err, errlen, "cannot put %lu pages into the virtio balloon: %s",
			 nr_balloon, strerror(-ret));
		return ret;
	}
	if (nr_zs)
		import_zram(zs, nr_zs);
	free(zs);

	import_layout(plan, nr, &l);
	if (l.thps + l.small_anon + l.file_pages) {
		bool have_owner;

		b.pool = malloc((b.nr_pool ? b.nr_pool : 1) * sizeof(*b.pool));
		b.nr_pool = 0;
		for (pfn = 0; b.pool && pfn < nr; pfn += 1UL << plan[pfn].order)
			if (plan[pfn].kind == PAGEMIG_KIND_PGTABLE && !plan[pfn].order)
				b.pool[b.nr_pool++] = pfn;
		have_owner = b.pool && !import_owner(&b, &l);
		import_folios(&b, plan, nr, have_owner);
		free(b.pool);
	}
	/* Pages the owner's set-up borrowed went to per-CPU lists. */
	drain_all_pages(NULL);
	return 0;
}
