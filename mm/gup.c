// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning user pages (pin_user_pages() with FOLL_LONGTERM semantics).
 *
 * A pin is a reference that says "a device may be reading or writing
 * this memory": for a small folio the refcount goes up by
 * GUP_PIN_COUNTING_BIAS, for a large one by one and _pincount by one.
 * Migration checks a folio's references against what its mappings
 * explain, so a pinned folio never migrates -- compaction counts it as a
 * failure and leaves it where it is.  A long-term pin first moves the
 * folio out of ZONE_MOVABLE, whose promise is that everything in it can
 * move (kernel: check_and_migrate_movable_folios()).
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/migrate.h>
#include <pagemig/pgtable.h>
#include <pagemig/vmstat.h>
#include "internal.h"

#define GUP_PIN_COUNTING_BIAS	(1 << 10)

/**
 * folio_maybe_dma_pinned - might a device be using this folio?
 * @folio: the folio
 *
 * Return: true if pinned (or, for small folios, referenced over a
 * thousand times, which the kernel accepts as a false positive).
 */
bool folio_maybe_dma_pinned(const struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_pincount) > 0;
	return folio_ref_count(folio) >= GUP_PIN_COUNTING_BIAS;
}

static void folio_pin(struct folio *folio)
{
	if (folio_test_large(folio)) {
		atomic_inc(&folio->_pincount);
		folio_get(folio);
	} else {
		atomic_add(GUP_PIN_COUNTING_BIAS, &folio->_refcount);
	}
	mod_node_page_state(folio_pgdat(folio), NR_FOLL_PIN_ACQUIRED, 1);
}

/**
 * unpin_folio - drop a pin taken by pin_user_pages()
 * @folio: the folio
 */
void unpin_folio(struct folio *folio)
{
	mod_node_page_state(folio_pgdat(folio), NR_FOLL_PIN_RELEASED, 1);
	if (folio_test_large(folio)) {
		atomic_dec(&folio->_pincount);
		folio_put(folio);
		return;
	}
	/* Leave one of the bias for folio_put(), which frees on the last. */
	atomic_sub(GUP_PIN_COUNTING_BIAS - 1, &folio->_refcount);
	folio_put(folio);
}

/*
 * The folio mapped at @addr, with a reference; NULL if not mapped, or
 * (*@unshare set) if it is an anonymous page mapped read-only in a
 * writable mapping -- a KSM page, or one KSM is write-protecting -- which
 * a pin must not take: the pinned page would be shared, or replaced by
 * KSM behind the pin.  kernel: gup_must_unshare(), FOLL_PIN of a page
 * that is not exclusive; the caller breaks the sharing with a write
 * fault and looks again.  The check and the reference are under the
 * page-table lock, which KSM also holds when it checks the reference
 * count and write-protects, so one of the two sees the other.
 */
static struct folio *follow_page(struct mm_struct *mm, unsigned long addr,
				 bool writable_vma, bool *unshare)
{
	struct folio *folio = NULL;
	uint64_t *pmd, *pte, e;

	spin_lock(&mm->page_table_lock);
	pmd = walk_to_entry(mm, addr, true);
	e = pmd ? ptep_get(pmd) : 0;
	if (pmd_trans_huge(e)) {
		folio = pfn_folio(pte_pfn(e));
	} else {
		pte = walk_to_entry(mm, addr, false);
		e = pte ? ptep_get(pte) : 0;
		if (pte_present(e))
			folio = pfn_folio(pte_pfn(e));
		if (folio && writable_vma && !pte_write(e) && folio_test_anon(folio)) {
			*unshare = true;
			folio = NULL;
		}
	}
	if (folio)
		folio_get(folio);
	spin_unlock(&mm->page_table_lock);
	return folio;
}

static struct folio *alloc_unmovable_target(struct folio *src, unsigned long private)
{
	return folio_alloc(GFP_HIGHUSER | __GFP_NOWARN, folio_order(src));
}

/*
 * Move a folio out of ZONE_MOVABLE before a long-term pin.  Returns 0
 * when the caller should look the address up again, or -errno.
 */
static int migrate_longterm_unpinnable(struct folio *folio)
{
	unsigned int nr_succeeded = 0;
	struct movable_ops_batch mops;
	struct page *mops_page;
	LIST_HEAD(list);
	int ret;

	movable_ops_batch_init(&mops, &mops_page, 1);
	if (!isolate_folio_for_migration(folio, &list, &mops)) {
		folio_put(folio);
		return -EAGAIN;
	}
	folio_put(folio);	/* the isolation reference holds it now */
	ret = migrate_pages_mops(&list, &mops, alloc_unmovable_target, NULL, 0,
				 MIGRATE_SYNC, MR_LONGTERM_PIN, &nr_succeeded);
	if (ret) {
		putback_movable_pages(&list);
		putback_movable_ops_batch(&mops);
		return ret < 0 ? ret : -EAGAIN;
	}
	return 0;
}

/**
 * pin_user_pages - fault in and pin @nr_pages pages from @addr
 * @mm: the process
 * @addr: page-aligned start
 * @nr_pages: how many pages
 * @write: the device will write
 * @folios: the pinned folio of each page
 *
 * FOLL_LONGTERM: folios in ZONE_MOVABLE are migrated out first.
 *
 * Return: the number of pages pinned (all of them), or -errno with
 * nothing left pinned.
 */
long pin_user_pages(struct mm_struct *mm, unsigned long addr, unsigned long nr_pages,
		    bool write, struct folio **folios)
{
	unsigned long i;
	int ret = 0;

	for (i = 0; i < nr_pages; i++) {
		unsigned long a = addr + i * PAGE_SIZE;
		int tries = 0;
		struct folio *folio;

		bool unshare = false;

		for (;;) {
			struct vm_area_struct *vma;
			bool writable_vma;
			char byte = 0;

			/* Fault it in (and break COW) as a user access would. */
			ret = access_process_vm(mm, a, &byte, 1, false);
			down_read(&mm->mmap_lock);
			vma = find_vma(mm, a);
			writable_vma = vma && (vma->vm_flags & VM_WRITE);
			if (!ret && (write || unshare))
				ret = vma ? handle_mm_fault(vma, a, true) : -EFAULT;
			up_read(&mm->mmap_lock);
			if (ret)
				goto undo;
			unshare = false;
			folio = follow_page(mm, a, writable_vma, &unshare);
			if (!folio)
				continue;
			if (folio_zonenum_movable(folio) && ++tries < 10) {
				ret = migrate_longterm_unpinnable(folio);
				if (ret && ret != -EAGAIN)
					goto undo;
				continue;
			}
			break;
		}
		folio_pin(folio);
		folio_put(folio);
		folios[i] = folio;
	}
	return (long)nr_pages;
undo:
	while (i--)
		unpin_folio(folios[i]);
	return ret;
}
