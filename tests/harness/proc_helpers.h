/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for tests of processes and folios: from a process number to its
 * mm and from an address to the entry and folio mapping it, tagged pages,
 * a migration destination allocator that takes from one chosen zone, and
 * isolation of the folio behind an address.
 *
 * Includes facade/process.c (as tools/testing/vma includes mm/vma.c) for
 * the process and file tables.  Include after harness/mm_fixture.h.
 */
#ifndef _PAGEMIG_TEST_PROC_HELPERS_H
#define _PAGEMIG_TEST_PROC_HELPERS_H

#include "../../facade/process.c"
#include <pagemig/migrate.h>
#include <pagemig/pgtable.h>

static inline struct mm_struct *pm_mm(int pid)
{
	return proc_get(pid);
}

static inline struct file *pm_file(int fid)
{
	return READ_ONCE(files[fid]);
}

/* Drop every file now (their page caches with them), as machine exit would. */
static inline void pm_files_drop(void)
{
	int i;

	for (i = 0; i < PAGEMIG_MAX_FILES; i++) {
		if (files[i]) {
			file_put(files[i]);
			files[i] = NULL;
		}
	}
}

/*
 * The entry mapping @addr in @mm: the PMD entry when it maps (or is
 * migrating) a huge page, else the PTE; 0 when there is none.
 */
static inline uint64_t pm_entry_mm(struct mm_struct *mm, unsigned long addr, bool *huge)
{
	uint64_t *slot, e;

	spin_lock(&mm->page_table_lock);
	slot = walk_to_entry(mm, addr, true);
	e = slot ? ptep_get(slot) : 0;
	*huge = pmd_trans_huge(e) || is_migration_entry(e);
	if (!*huge) {
		slot = walk_to_entry(mm, addr, false);
		e = slot ? ptep_get(slot) : 0;
	}
	spin_unlock(&mm->page_table_lock);
	return e;
}

static inline uint64_t pm_entry(int pid, unsigned long addr, bool *huge)
{
	return pm_entry_mm(pm_mm(pid), addr, huge);
}

/* The folio mapped at @addr (no reference taken), or NULL. */
static inline struct folio *pm_folio(int pid, unsigned long addr)
{
	bool huge;
	uint64_t e = pm_entry(pid, addr, &huge);

	return pte_present(e) ? pfn_folio(pte_pfn(e)) : NULL;
}

/* The folio mapped at @addr with a reference (follow_page()), or NULL. */
static inline struct folio *pm_folio_get_mm(struct mm_struct *mm, unsigned long addr)
{
	struct folio *folio = NULL;
	uint64_t *slot, e;

	spin_lock(&mm->page_table_lock);
	slot = walk_to_entry(mm, addr, true);
	e = slot ? ptep_get(slot) : 0;
	if (!pmd_trans_huge(e)) {
		slot = walk_to_entry(mm, addr, false);
		e = slot ? ptep_get(slot) : 0;
	}
	if (pte_present(e)) {
		folio = pfn_folio(pte_pfn(e));
		folio_get(folio);
	}
	spin_unlock(&mm->page_table_lock);
	return folio;
}

/* ---- tagged pages: every word derived from (tag, word index) ---- */

static inline uint64_t pm_tag_word(uint64_t tag, unsigned int i)
{
	uint64_t x = tag * 0x9e3779b97f4a7c15ULL + i;

	return pagemig_splitmix64(&x);
}

static inline void pm_tag_fill(void *buf, uint64_t tag)
{
	uint64_t *w = buf;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		w[i] = pm_tag_word(tag, i);
}

static inline bool pm_tag_ok(const void *buf, uint64_t tag)
{
	const uint64_t *w = buf;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != pm_tag_word(tag, i))
			return false;
	return true;
}

/* Write a page of @tag at @addr (page-aligned) in @pid.  0 or -errno. */
static inline int pm_write_tag(int pid, unsigned long addr, uint64_t tag)
{
	uint64_t buf[PAGE_SIZE / 8];

	pm_tag_fill(buf, tag);
	return pagemig_access(pid, addr, buf, PAGE_SIZE, true);
}

/* Does the page at @addr hold @tag? */
static inline bool pm_check_tag(int pid, unsigned long addr, uint64_t tag)
{
	uint64_t buf[PAGE_SIZE / 8];

	if (pagemig_access(pid, addr, buf, PAGE_SIZE, false))
		return false;
	return pm_tag_ok(buf, tag);
}

/* ---- migration ---- */

/* Destinations allocated by pm_alloc_in_zone(), successful or not. */
static unsigned long pm_nr_dst_allocs;

/*
 * migrate_pages() allocator: a folio of src's order from zone @zone only
 * (NULL when that zone has none), so a test sees where a folio went.
 */
static inline struct folio *pm_alloc_in_zone(struct folio *src, unsigned long zone)
{
	gfp_t gfp = zone == ZONE_MOVABLE ? GFP_HIGHUSER_MOVABLE :
		    zone == ZONE_DMA32 ? (GFP_USER | __GFP_DMA32) : GFP_HIGHUSER;
	struct folio *dst = folio_alloc(gfp | __GFP_NOWARN | __GFP_NORETRY, folio_order(src));

	if (!dst)
		return NULL;
	if (page_zonenum(&dst->page) != (enum zone_type)zone) {
		folio_put(dst);
		return NULL;
	}
	pm_nr_dst_allocs++;
	return dst;
}

/*
 * Isolate the folio mapped at @addr onto @list (NR_ISOLATED counted).
 * Returns it, or NULL if nothing is mapped there or isolation failed.
 */
static inline struct folio *pm_isolate(int pid, unsigned long addr, struct list_head *list)
{
	struct folio *folio = pm_folio_get_mm(pm_mm(pid), addr);
	bool ok;

	if (!folio)
		return NULL;
	ok = isolate_folio_to_list(folio, list);
	folio_put(folio);
	return ok ? folio : NULL;
}

/*
 * Isolate the folio mapped at @addr and migrate it to zone @zone
 * (MIGRATE_SYNC, as compaction's last pass); true if it moved.  What did
 * not move is put back.
 */
static inline bool pm_migrate_to(int pid, unsigned long addr, unsigned long zone)
{
	unsigned int succ = 0;
	LIST_HEAD(list);

	if (!pm_isolate(pid, addr, &list))
		return false;
	if (migrate_pages(&list, pm_alloc_in_zone, NULL, zone, MIGRATE_SYNC,
			  MR_COMPACTION, &succ))
		putback_movable_pages(&list);
	return succ > 0;
}

static inline unsigned long pm_nr_isolated(void)
{
	return global_node_page_state(NR_ISOLATED_ANON) +
	       global_node_page_state(NR_ISOLATED_FILE);
}

/* Free blocks of order >= 9 over all zones. */
static inline unsigned long pm_free_order9(void)
{
	unsigned long n = 0;
	struct zone *zone;
	unsigned int order;

	for_each_populated_zone(zone) {
		spin_lock(&zone->lock);
		for (order = HPAGE_PMD_ORDER; order < NR_PAGE_ORDERS; order++)
			n += zone->free_area[order].nr_free << (order - HPAGE_PMD_ORDER);
		spin_unlock(&zone->lock);
	}
	return n;
}

#endif /* _PAGEMIG_TEST_PROC_HELPERS_H */
