// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting a large folio into order-0 folios -- migration's fallback when
 * no destination of the folio's size can be had
 * (kernel: split_huge_page_to_list_to_order()).  Two kinds can be split:
 * a PMD-mapped anonymous THP, described below, and an unmapped page-cache
 * folio of any order, which needs only its cache slots handed out
 * (filemap_split_folio()).
 *
 * The THP is isolated and locked.  Its PMD mapping becomes a table of
 * 512 PTE migration entries, one per subpage; with no mapping left, its
 * only reference is the isolation reference, which we freeze at zero.
 * The compound page is then taken apart: every subpage becomes a small
 * anonymous folio with its own isolation reference, the same anon_vma and
 * consecutive indexes, locked like the head was.  Finally each subpage's
 * migration entry is turned back into a PTE mapping it, and the new
 * folios go on the caller's list to be migrated one by one.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/pgtable.h>
#include <pagemig/vmstat.h>
#include "internal.h"

struct split_arg {
	bool ok;	/* false: a page table could not be allocated */
};

/* Turn the PMD mapping @folio at @address into 512 PTE migration entries. */
static bool split_pmd_to_migration_ptes(struct folio *folio, struct vm_area_struct *vma,
					unsigned long address, void *data)
{
	struct split_arg *arg = data;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pfn = folio_pfn(folio);
	struct page *table;
	uint64_t *pmd, old, *ptes;
	unsigned int i;

	/* A zeroed table, allocated before the lock (the allocator may compact). */
	table = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!table) {
		arg->ok = false;
		return false;
	}
	__SetPageTable(table);
	WRITE_ONCE(table->pt_mm, mm);

	spin_lock(&mm->page_table_lock);
	pmd = walk_to_entry(mm, address, true);
	old = pmd ? ptep_get(pmd) : 0;
	if (!pmd_trans_huge(old) || pte_pfn(old) != pfn) {
		spin_unlock(&mm->page_table_lock);
		WRITE_ONCE(table->pt_mm, NULL);
		__free_page(table);
		return true;	/* not mapped here */
	}
	ptes = page_address(table);
	for (i = 0; i < HPAGE_PMD_NR; i++)
		ptes[i] = make_migration_entry(pfn + i, pte_write(old));
	ptep_get_and_set(pmd, pfn_pte(page_to_pfn(table), true));
	mod_node_page_state(page_pgdat(table), NR_PAGETABLE, 1);
	atomic_long_inc(&mm->nr_ptes);
	if (pte_dirty(old))
		folio_set_dirty(folio);
	folio_remove_rmap(folio);
	atomic_long_sub(HPAGE_PMD_NR, &mm->rss_anon);
	spin_unlock(&mm->page_table_lock);
	folio_put(folio);	/* the PMD's reference */
	return true;
}

/*
 * Take the compound page apart.  @folio's refcount is frozen at zero;
 * each resulting folio gets refcount 1 (its isolation reference) and
 * the large folio's mapping, with consecutive indexes.
 */
static void __split_folio(struct folio *folio, struct list_head *list)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);
	unsigned long flags = READ_ONCE(folio->flags);
	pgoff_t index = READ_ONCE(folio->index);
	struct page *head = &folio->page;
	unsigned long keep = BIT(PG_locked) | BIT(PG_uptodate) | BIT(PG_dirty) |
			     BIT(PG_swapbacked) | BIT(PG_referenced) | BIT(PG_active);
	unsigned long i, nr = folio_nr_pages(folio);

	for (i = nr - 1; i > 0; i--) {
		struct page *page = head + i;

		WRITE_ONCE(page->compound_head, 0);
		WRITE_ONCE(page->mapping, (struct address_space *)mapping);
		WRITE_ONCE(page->__folio_index, index + i);
		WRITE_ONCE(page->private, 0);
		atomic_set(&page->_mapcount, -1);
		/*
		 * Atomic updates, not a rewrite: a CPU that found this
		 * subpage's migration entry may be setting PG_waiters on it
		 * right now, and losing that bit would lose its wake-up.
		 */
		__atomic_fetch_and(&page->flags, ~(PAGE_FLAGS_MASK & ~BIT(PG_waiters)),
				   __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&page->flags, flags & keep, __ATOMIC_SEQ_CST);
		set_page_count(page, 1);
		list_add(&page->lru, list);
	}
	/* The head: no longer compound (atomically, as above). */
	clear_bit(PG_head, &head->flags);
	atomic_set(&folio->_mapcount, -1);
	set_page_count(head, 1);
	list_add(&head->lru, list);
}

/* An anonymous PMD-mapped THP (pagemig maps large anon folios by PMD only). */
static int split_anon_thp(struct folio *folio, struct list_head *list)
{
	struct split_arg arg = { .ok = true };
	int mapped_refs = folio_test_large(folio) ?
			  atomic_read(&folio->_entire_mapcount) + 1 : 0;
	struct anon_vma *anon_vma;
	LIST_HEAD(pieces);
	struct page *page, *next;

	if (folio_order(folio) != HPAGE_PMD_ORDER)
		return -EBUSY;
	/* Only the mappings and our isolation reference: no pins. */
	if (folio_ref_count(folio) != mapped_refs + 1)
		return -EBUSY;

	/* Its process may be exiting: then it is no longer mapped. */
	anon_vma = folio_get_anon_vma(folio);
	if (!anon_vma)
		return -EBUSY;
	/*
	 * An anonymous THP has one mapping (pagemig has no fork), so when
	 * the page table cannot be had nothing was converted yet.
	 */
	rmap_walk(folio, split_pmd_to_migration_ptes, &arg);
	if (!arg.ok) {
		put_anon_vma(anon_vma);
		return -ENOMEM;
	}
	flush_tlb_folio(folio);
	VM_WARN_ON_ONCE_FOLIO(folio_mapped(folio), folio);
	/*
	 * Nothing can take a new reference now -- no mapping, no page
	 * cache -- but a PFN scanner may hold a speculative one for a
	 * moment.  Freeze the isolation reference once it is gone.
	 */
	while (atomic_cmpxchg(&folio->_refcount, 1, 0) != 1)
		cond_resched();

	list_del(&folio->lru);
	__split_folio(folio, &pieces);
	count_vm_event(THP_SPLIT_PAGE);

	/* Map every piece where its migration entry is, then hand it over. */
	list_for_each_entry_safe(page, next, &pieces, lru) {
		struct folio *small = (struct folio *)page;

		remove_migration_ptes(small, small);
		if (small != folio)
			folio_unlock(small);
		list_move_tail(&page->lru, list);
	}
	put_anon_vma(anon_vma);
	return 0;
}

/*
 * An unmapped page-cache folio: only the cache's references (one a page)
 * and the caller's may be held.  Each piece but the first is unlocked
 * and goes on @list after the first.
 */
static int split_cache_folio(struct folio *folio, struct list_head *list)
{
	struct address_space *mapping = folio_mapping(folio);
	int nr = (int)folio_nr_pages(folio);
	bool thp = folio_order(folio) == HPAGE_PMD_ORDER;
	struct list_head *prev = folio->lru.prev;
	LIST_HEAD(pieces);
	struct page *page, *next;
	int ret;

	if (!mapping || folio_mapped(folio))
		return -EBUSY;
	/*
	 * kernel 6.18: __folio_split: a page-cache folio splits only after its file system dropped its data.
	 */
	if (!filemap_release_folio(folio))
		return -EBUSY;
	/* The split reuses lru: off the caller's list, back where it was on failure. */
	list_del(&folio->lru);
	ret = filemap_split_folio(mapping, folio, nr + 1, __split_folio, &pieces);
	if (ret) {
		list_add(&folio->lru, prev);
		return ret;
	}
	if (thp)
		count_vm_event(THP_SPLIT_PAGE);
	list_for_each_entry_safe(page, next, &pieces, lru) {
		struct folio *small = (struct folio *)page;

		if (small != folio)
			folio_unlock(small);
		list_move_tail(&page->lru, list);
	}
	return 0;
}

/**
 * split_folio_to_list - split an isolated, locked large folio into small ones
 * @folio: isolated (its isolation reference held by the caller) and
 *	locked: a PMD-mapped (or unmapped) anonymous THP, or an unmapped
 *	page-cache folio of any order
 * @list: where the resulting order-0 folios go, each isolated and
 *	unlocked but for the first
 *
 * On success @folio itself is the first of them (no longer large), still
 * locked.  The NR_ISOLATED accounting is unchanged: the same pages stay
 * isolated.  Each piece of a page-cache folio keeps its slot in the cache
 * at its own index.
 *
 * @folio is unlinked from whatever list it was on.
 *
 * kernel: split_huge_page_to_list_to_order() with new_order 0, which also
 * splits PTE-mapped and mapped file folios; pagemig has neither kind.
 *
 * Return: 0; -EBUSY if it cannot be split (not large, an anonymous folio
 * that is not a PMD-order THP, mapped page cache, page cache whose
 * fs-private data is dirty, a pinned THP); -EAGAIN
 * if someone else holds a reference to a page-cache folio; -ENOMEM if no
 * page table or cache slot could be had (nothing changed on any error).
 */
int split_folio_to_list(struct folio *folio, struct list_head *list)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!folio_test_large(folio))
		return -EBUSY;
	if (!folio_test_anon(folio))
		return split_cache_folio(folio, list);
	return split_anon_thp(folio, list);
}
