// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse mapping: from a folio to the page-table entries that map it.
 *
 * An anonymous folio's mapping is its anon_vma with FOLIO_MAPPING_ANON
 * set, and its index is the virtual page number it was faulted at; the
 * anon_vma lists the VMAs that may map it.  A file folio's mapping is the
 * file's address_space, whose i_mmap lists the VMAs mapping the file; its
 * index is the page offset in the file.  rmap_walk() visits each VMA and
 * address where the folio could be mapped and lets a callback look at the
 * entry there.
 *
 * A KSM folio's mapping is its stable node instead (FOLIO_MAPPING_KSM),
 * and mm/ksm.c walks the node's (mm, address) items.
 *
 * Migration uses two walks: try_to_migrate() replaces every mapping of a
 * folio by a migration entry (so a CPU touching it waits for the move),
 * and remove_migration_ptes() replaces those entries by mappings of the
 * new folio -- or of the old one again when migration failed.
 *
 * Lock order: mmap_lock, then i_mmap_rwsem, then anon_vma->rwsem, then
 * mm->page_table_lock.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/pgtable.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/* ---- mapcounts ---- */

/**
 * folio_add_new_anon_rmap - a fresh anonymous folio gets its first mapping
 * @folio: the folio, not yet visible to anyone else
 * @vma: the VMA it is mapped in
 * @address: where (PMD-aligned for a PMD-mapped large folio)
 */
void folio_add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			     unsigned long address)
{
	long nr = folio_nr_pages(folio);

	WRITE_ONCE(folio->mapping, (struct address_space *)
		   ((unsigned long)vma->anon_vma | FOLIO_MAPPING_ANON));
	WRITE_ONCE(folio->index, address >> PAGE_SHIFT);
	if (folio_test_large(folio)) {
		atomic_set(&folio->_entire_mapcount, 0);
		atomic_set(&folio->_large_mapcount, 0);
		mod_node_page_state(folio_pgdat(folio), NR_ANON_THPS, nr);
	} else {
		atomic_set(&folio->_mapcount, 0);
	}
	mod_node_page_state(folio_pgdat(folio), NR_ANON_MAPPED, nr);
}

/**
 * folio_add_rmap - one more page-table mapping of an existing folio
 * @folio: the folio
 *
 * Large folios are only ever mapped whole, by a PMD.
 */
void folio_add_rmap(struct folio *folio)
{
	long nr = folio_nr_pages(folio);
	bool first;

	if (folio_test_large(folio)) {
		first = atomic_inc_return(&folio->_entire_mapcount) == 0;
		atomic_inc(&folio->_large_mapcount);
	} else {
		first = atomic_inc_return(&folio->_mapcount) == 0;
	}
	if (!first)
		return;
	if (folio_test_anon(folio)) {
		mod_node_page_state(folio_pgdat(folio), NR_ANON_MAPPED, nr);
		if (folio_test_large(folio))
			mod_node_page_state(folio_pgdat(folio), NR_ANON_THPS, nr);
	} else {
		mod_node_page_state(folio_pgdat(folio), NR_FILE_MAPPED, nr);
	}
}

/**
 * folio_remove_rmap - one page-table mapping of @folio went away
 * @folio: the folio
 */
void folio_remove_rmap(struct folio *folio)
{
	long nr = folio_nr_pages(folio);
	bool last;

	if (folio_test_large(folio)) {
		last = atomic_add_return(-1, &folio->_entire_mapcount) < 0;
		atomic_dec(&folio->_large_mapcount);
	} else {
		last = atomic_add_return(-1, &folio->_mapcount) < 0;
	}
	if (!last)
		return;
	if (folio_test_anon(folio)) {
		mod_node_page_state(folio_pgdat(folio), NR_ANON_MAPPED, -nr);
		if (folio_test_large(folio))
			mod_node_page_state(folio_pgdat(folio), NR_ANON_THPS, -nr);
	} else {
		mod_node_page_state(folio_pgdat(folio), NR_FILE_MAPPED, -nr);
	}
}

/**
 * folio_expected_ref_count - references a folio has when nobody else uses it
 * @folio: the folio
 *
 * As patch 25 left it: warns and returns 0 for any typed page other than
 * hugetlb (no caller may see movable_ops pages); otherwise the page
 * cache's references (or the swap cache's, for anon), one for PG_private,
 * and one per page-table mapping.
 *
 * Return: the count.
 */
int folio_expected_ref_count(const struct folio *folio)
{
	const int order = (int)folio_order(folio);
	int ref_count = 0;

	if (WARN_ON_ONCE(page_has_type(&folio->page) && !folio_test_hugetlb(folio)))
		return 0;
	if (folio_test_anon(folio)) {
		ref_count += folio_test_swapcache(folio) << order;
	} else {
		ref_count += !!READ_ONCE(folio->mapping) << order;
		ref_count += folio_test_private(folio);
	}
	if (folio_test_large(folio))
		return ref_count + atomic_read(&folio->_entire_mapcount) + 1;
	return ref_count + folio_mapcount(folio);
}

/* ---- the walk ---- */

static struct anon_vma *folio_anon_vma(const struct folio *folio)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);

	if ((mapping & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(mapping - FOLIO_MAPPING_ANON);
}

/**
 * folio_get_anon_vma - a reference on a mapped anon folio's anon_vma
 * @folio: an anonymous folio, not KSM
 *
 * Its process may be exiting while we look: an anon folio that is no
 * longer mapped keeps a mapping pointer to an anon_vma that may already
 * be back in the cache (or another mm's).  anon_vmas are type-stable
 * (mm/mmap.c), so reading the count is safe; the reference is taken only
 * on a live count, and kept only if the folio is still mapped after it,
 * which proves the anon_vma is the folio's and alive.
 *
 * kernel 6.18: mm/rmap.c folio_get_anon_vma(), with RCU where we have
 * type-stable memory and no grace period.
 *
 * Return: the anon_vma with a reference, or NULL if the folio is not
 * mapped (then nothing needs its anon_vma: a locked folio that is not
 * mapped cannot become mapped).
 */
struct anon_vma *folio_get_anon_vma(const struct folio *folio)
{
	struct anon_vma *anon_vma = folio_anon_vma(folio);

	if (!anon_vma || !folio_mapped(folio))
		return NULL;
	if (!atomic_inc_not_zero(&anon_vma->refcount))
		return NULL;
	if (!folio_mapped(folio)) {
		put_anon_vma(anon_vma);
		return NULL;
	}
	return anon_vma;
}

/**
 * folio_mapping - the page cache a folio belongs to
 * @folio: the folio
 *
 * Return: the address_space, or NULL for anonymous folios (any tag bit
 * set) and folios in no cache.
 */
struct address_space *folio_mapping(const struct folio *folio)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);

	if (mapping & FOLIO_MAPPING_FLAGS)
		return NULL;
	return (struct address_space *)mapping;
}

/**
 * rmap_walk - call @rmap_one for each place @folio may be mapped
 * @folio: a locked folio
 * @rmap_one: returns false to stop the walk
 * @arg: passed through
 *
 * Holds the anon_vma or i_mmap lock for reading during the walk, so no
 * VMA goes away under the callback.
 */
void rmap_walk(struct folio *folio,
	       bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
				unsigned long address, void *arg),
	       void *arg)
{
	pgoff_t pgoff = READ_ONCE(folio->index);
	struct vm_area_struct *vma;

	if (folio_test_ksm(folio)) {
		rmap_walk_ksm(folio, rmap_one, arg);
	} else if (folio_test_anon(folio)) {
		struct anon_vma *anon_vma = folio_anon_vma(folio);
		unsigned long address = pgoff << PAGE_SHIFT;

		if (!anon_vma)
			return;
		down_read(&anon_vma->rwsem);
		list_for_each_entry(vma, &anon_vma->vmas, anon_vma_node) {
			if (address < vma->vm_start || address >= vma->vm_end)
				continue;
			if (!rmap_one(folio, vma, address, arg))
				break;
		}
		up_read(&anon_vma->rwsem);
	} else {
		struct address_space *mapping = folio_mapping(folio);

		if (!mapping)
			return;
		down_read(&mapping->i_mmap_rwsem);
		list_for_each_entry(vma, &mapping->i_mmap, shared) {
			unsigned long npages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
			unsigned long address;

			if (pgoff < vma->vm_pgoff || pgoff >= vma->vm_pgoff + npages)
				continue;
			address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
			if (!rmap_one(folio, vma, address, arg))
				break;
		}
		up_read(&mapping->i_mmap_rwsem);
	}
}

/* ---- try_to_migrate() ---- */

static bool try_to_migrate_one(struct folio *folio, struct vm_area_struct *vma,
			       unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pfn = folio_pfn(folio);
	bool large = folio_test_large(folio);
	uint64_t *entry, old;

	spin_lock(&mm->page_table_lock);
	entry = walk_to_entry(mm, address, large);
	if (!entry) {
		spin_unlock(&mm->page_table_lock);
		return true;
	}
	old = ptep_get(entry);
	if (!pte_present(old) || pte_pfn(old) != pfn ||
	    (large && !pmd_trans_huge(old)) || (!large && (old & _PAGE_PSE))) {
		spin_unlock(&mm->page_table_lock);
		return true;	/* not mapped here (COWed, or another folio) */
	}
	old = ptep_get_and_set(entry, make_migration_entry(pfn, pte_write(old)));
	if (pte_dirty(old))
		folio_set_dirty(folio);
	folio_remove_rmap(folio);
	if (folio_test_anon(folio))
		atomic_long_sub(folio_nr_pages(folio), &mm->rss_anon);
	else
		atomic_long_sub(folio_nr_pages(folio), &mm->rss_file);
	spin_unlock(&mm->page_table_lock);
	folio_put(folio);	/* the mapping's reference */
	return true;
}

/**
 * try_to_migrate - replace every mapping of @folio by a migration entry
 * @folio: a locked folio
 *
 * When it returns, no CPU can still be reading or writing the folio
 * through an old mapping (the "TLB flush": flush_tlb_folio()).  Check
 * folio_mapped() afterwards: a racing fault may have mapped it again.
 */
void try_to_migrate(struct folio *folio)
{
	if (should_fail(FAULT_MIGRATE_UNMAP))
		return;
	rmap_walk(folio, try_to_migrate_one, NULL);
	flush_tlb_folio(folio);
}

/* ---- remove_migration_ptes() ---- */

static bool remove_migration_pte(struct folio *dst, struct vm_area_struct *vma,
				 unsigned long address, void *arg)
{
	struct folio *src = arg;
	struct mm_struct *mm = vma->vm_mm;
	bool large = folio_test_large(dst);
	uint64_t *entry, old, new;

	spin_lock(&mm->page_table_lock);
	entry = walk_to_entry(mm, address, large);
	if (!entry) {
		spin_unlock(&mm->page_table_lock);
		return true;
	}
	old = ptep_get(entry);
	if (!is_migration_entry(old) || pte_pfn(old) != folio_pfn(src)) {
		spin_unlock(&mm->page_table_lock);
		return true;
	}
	new = pfn_pte(folio_pfn(dst), pte_write(old)) | (large ? _PAGE_PSE : 0);
	folio_get(dst);
	folio_add_rmap(dst);
	if (folio_test_anon(dst))
		atomic_long_add(folio_nr_pages(dst), &mm->rss_anon);
	else
		atomic_long_add(folio_nr_pages(dst), &mm->rss_file);
	ptep_get_and_set(entry, new);
	spin_unlock(&mm->page_table_lock);
	return true;
}

/**
 * remove_migration_ptes - map @dst where migration entries point at @src
 * @src: the folio that was unmapped
 * @dst: the folio to map now (@src itself when migration failed)
 *
 * Both folios are locked; @dst has @src's mapping and index.
 */
void remove_migration_ptes(struct folio *src, struct folio *dst)
{
	rmap_walk(dst, remove_migration_pte, src);
}
