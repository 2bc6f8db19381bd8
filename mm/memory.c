// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables, page faults and CPU accesses to process memory.
 *
 * A process's memory is reached through a real four-level page table.  A
 * CPU (a workload thread) reads a PTE without locks and accesses the frame
 * it names; a missing entry is a page fault, handled under the mmap_lock
 * for reading: anonymous memory gets a zeroed folio (a PMD-sized one where
 * the VMA allows THP), file memory the page-cache folio (mapped under
 * its folio lock, so never one that migration is moving), a write to a
 * private file mapping a private copy, and a write to a page KSM merged
 * a private copy too.  A migration entry makes the CPU
 * wait for the folio lock (the migration) and retry.
 *
 * The TLB: a CPU that has looked up a translation may still be copying to
 * or from the old frame when migration unmaps it.  Each CPU announces the
 * frame it is accessing in its slot before re-checking the PTE, and
 * flush_tlb_folio() waits until no slot names a frame of the folio -- the
 * user-space stand-in for a TLB shootdown, with the same guarantee: after
 * it, nobody touches the old frame.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/pgtable.h>
#include <pagemig/vmstat.h>
#include <pagemig/sched.h>
#include "internal.h"

/* ---- page-table pages ---- */

#define GFP_PGTABLE	(GFP_KERNEL | __GFP_ZERO)

static struct page *pgtable_alloc(struct mm_struct *mm, gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	if (!page)
		return NULL;
	__SetPageTable(page);
	WRITE_ONCE(page->pt_mm, mm);
	mod_node_page_state(page_pgdat(page), NR_PAGETABLE, 1);
	atomic_long_inc(&mm->nr_ptes);
	return page;
}

static void pgtable_free(struct mm_struct *mm, struct page *page)
{
	mod_node_page_state(page_pgdat(page), NR_PAGETABLE, -1);
	atomic_long_dec(&mm->nr_ptes);
	WRITE_ONCE(page->pt_mm, NULL);
	__free_page(page);	/* the allocator clears PageTable */
}

/**
 * pgd_alloc - the top-level table of a new mm
 * @mm: the mm
 *
 * Return: 0 or -ENOMEM.
 */
int pgd_alloc(struct mm_struct *mm)
{
	struct page *page = pgtable_alloc(mm, GFP_PGTABLE);

	if (!page)
		return -ENOMEM;
	mm->pgd = page_to_pfn(page);
	return 0;
}

static uint64_t *pgd_table(struct mm_struct *mm)
{
	return page_address(pfn_to_page(mm->pgd));
}

/*
 * Walk to the entry for @addr at PMD level (@pmd_level) or PTE level,
 * allocating missing tables when @alloc.  Caller holds page_table_lock
 * (tables are only ever added under it) and, when @alloc, mmap_lock,
 * which keeps every table in place.  A table is first asked for without
 * retrying; only if that fails is the lock dropped for the full request,
 * which may OOM-kill, and the killer's reap takes page-table locks
 * (kernel: __pte_alloc() allocates before it takes the lock).  NULL: not present (or no
 * memory), or a huge PMD in the way of a PTE-level walk.  On a missing
 * table, *@skip (if given) is the span that table would have covered.
 */
static uint64_t *walk_skip(struct mm_struct *mm, unsigned long addr,
			   bool pmd_level, bool alloc, unsigned long *skip)
{
	static const unsigned int shifts[] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };
	unsigned int levels = pmd_level ? 3 : 4, i;
	uint64_t *table = pgd_table(mm);

	for (i = 0; i < levels - 1; i++) {
		uint64_t *entry = &table[pgtable_index(addr, shifts[i])];
		uint64_t e = ptep_get(entry);

		if (!e) {
			struct page *page;

			if (!alloc) {
				if (skip)
					*skip = 1UL << shifts[i];
				return NULL;
			}
			page = pgtable_alloc(mm, GFP_PGTABLE | __GFP_NORETRY | __GFP_NOWARN);
			if (!page) {
				spin_unlock(&mm->page_table_lock);
				page = pgtable_alloc(mm, GFP_PGTABLE);
				spin_lock(&mm->page_table_lock);
				if (!page)
					return NULL;
				e = ptep_get(entry);
				if (e)	/* another fault installed one meanwhile */
					pgtable_free(mm, page);
			}
			if (!e) {
				e = pfn_pte(page_to_pfn(page), true);
				ptep_get_and_set(entry, e);
			}
		}
		if (!pte_present(e) || (e & _PAGE_PSE))
			return NULL;	/* a huge or migrating PMD: no table below */
		table = entry_table(e);
	}
	return &table[pgtable_index(addr, shifts[levels - 1])];
}

static uint64_t *__walk(struct mm_struct *mm, unsigned long addr, bool pmd_level,
			bool alloc)
{
	return walk_skip(mm, addr, pmd_level, alloc, NULL);
}

/**
 * walk_to_entry - the PTE (or PMD, for @pmd_level) slot mapping @addr
 * @mm: the mm
 * @addr: the address
 * @pmd_level: return the PMD slot
 *
 * Caller holds mm->page_table_lock, which keeps the tables in place.
 * Return: the slot, or NULL if no table reaches it.
 */
uint64_t *walk_to_entry(struct mm_struct *mm, unsigned long addr, bool pmd_level)
{
	return __walk(mm, addr, pmd_level, false);
}

/* ---- the TLB stand-in ---- */

/*
 * One announcement slot per live thread (sim's thread_slot(): a thread
 * that exits gives its slot back, so two live threads never share one);
 * nr_accessors is one past the highest slot ever used, what the flush
 * scans.
 */
#define MAX_ACCESSORS	THREAD_SLOTS
static unsigned long accessor_pfn[MAX_ACCESSORS];	/* pfn + 1 while accessing; 0 idle */
static int nr_accessors;
static __thread int accessor_slot = -1;

/* Runs on the exiting thread (sim's TLS destructor): forget the slot. */
static void accessor_release(int slot)
{
	__atomic_store_n(&accessor_pfn[slot], 0, __ATOMIC_SEQ_CST);
	accessor_slot = -1;
}

static unsigned long *my_slot(void)
{
	if (accessor_slot < 0) {
		int slot = thread_slot(accessor_release);
		int n = __atomic_load_n(&nr_accessors, __ATOMIC_RELAXED);

		/* More live accessors than slots cannot be modelled. */
		BUG_ON(slot < 0);
		while (n <= slot &&
		       !__atomic_compare_exchange_n(&nr_accessors, &n, slot + 1, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			;
		accessor_slot = slot;
	}
	return &accessor_pfn[accessor_slot];
}

/**
 * flush_tlb_folio - wait until no CPU accesses @folio through an old mapping
 * @folio: a folio whose mappings were just replaced
 */
void flush_tlb_folio(struct folio *folio)
{
	unsigned long start = folio_pfn(folio) + 1, end = start + folio_nr_pages(folio);
	int i, n = min(__atomic_load_n(&nr_accessors, __ATOMIC_SEQ_CST), MAX_ACCESSORS);

	for (i = 0; i < n; i++) {
		unsigned long v;

		while ((v = __atomic_load_n(&accessor_pfn[i], __ATOMIC_SEQ_CST)) >= start &&
		       v < end)
			cond_resched();
	}
}

/* ---- faults ---- */

static void set_folio_anon_lru(struct folio *folio)
{
	__folio_set_swapbacked(folio);
	folio_mark_uptodate(folio);
	folio_add_lru(folio);
}

static bool vma_thp_allowed(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & PMD_MASK;

	return !vma->vm_file && (vma->vm_flags & VM_HUGEPAGE) &&
	       haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end;
}

/* Try a PMD-mapped THP; 0 mapped, -EAGAIN to fall back to small pages. */
static int do_huge_anon_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = addr & PMD_MASK;
	struct folio *folio;
	uint64_t *pmd;

	folio = folio_alloc(GFP_TRANSHUGE | __GFP_ZERO | __GFP_NOWARN, HPAGE_PMD_ORDER);
	if (!folio) {
		count_vm_event(THP_FAULT_FALLBACK);
		return -EAGAIN;
	}
	spin_lock(&mm->page_table_lock);
	pmd = __walk(mm, haddr, true, true);
	if (!pmd || ptep_get(pmd)) {
		/* A table, a THP or a migration entry got there first. */
		spin_unlock(&mm->page_table_lock);
		folio_put(folio);
		return -EAGAIN;
	}
	folio_add_new_anon_rmap(folio, vma, haddr);
	set_folio_anon_lru(folio);
	atomic_long_add(HPAGE_PMD_NR, &mm->rss_anon);
	ptep_get_and_set(pmd, pfn_pte(folio_pfn(folio), vma->vm_flags & VM_WRITE) | _PAGE_PSE);
	spin_unlock(&mm->page_table_lock);
	count_vm_event(THP_FAULT_ALLOC);
	return 0;
}

/* A private, writable copy of @src (a KSM or other anon folio), or a zeroed folio. */
static struct folio *alloc_anon_folio(struct folio *src)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER_MOVABLE | (src ? 0 : __GFP_ZERO), 0);

	if (folio && src)
		memcpy(folio_address(folio), folio_address(src), PAGE_SIZE);
	return folio;
}

/*
 * The page-cache folio at @pgoff, read in on a miss, with a reference and
 * locked.
 *
 * kernel 6.18: filemap_fault: a page-cache folio is mapped only with its
 * lock held, and only once folio->mapping, read under that lock, still
 * names the file; otherwise the folio left the cache meanwhile and the
 * index is looked up again.
 *
 * Migration holds the old folio's lock from the unmap phase until it has
 * moved the page-cache slot and cleared that folio's mapping.  Without
 * the lock, a process touching the page for the first time in that
 * window would map the old folio while every other mapping and the page
 * cache went over to the new one.
 */
static struct folio *filemap_fault_folio(struct file *file, pgoff_t pgoff)
{
	struct address_space *mapping = &file->mapping;
	struct folio *folio;
	int err;

	for (;;) {
		folio = filemap_get_folio(mapping, pgoff);
		if (!folio) {
			folio = folio_alloc(GFP_HIGHUSER_MOVABLE, 0);
			if (!folio)
				return NULL;
			file_read_page(file, pgoff, folio_address(folio));
			folio_mark_uptodate(folio);
			err = filemap_add_folio(mapping, folio, pgoff);
			if (err) {
				folio_put(folio);
				if (err != -EEXIST)
					return NULL;
				continue;
			}
			/* Our allocation reference is the caller's. */
			folio_add_lru(folio);
		}
		folio_lock(folio);
		if (likely(READ_ONCE(folio->mapping) == mapping))
			return folio;
		/* Migrated (or truncated) before we had the lock. */
		folio_unlock(folio);
		folio_put(folio);
	}
}

/*
 * Sleep until the folio named by the migration entry at @entryp is
 * unlocked (kernel: migration_entry_wait_on_locked()).  While the entry
 * is there the folio is locked and isolated, and the entry only goes
 * under the page-table lock: so with the lock held, re-check the entry,
 * announce ourselves as a waiter, and only then let the lock go.  No
 * reference is taken: a waiter's reference would make migration's
 * reference-count check fail, and deadlock a THP split that freezes the
 * count while we wait for its lock.
 */
static void migration_entry_wait(struct mm_struct *mm, uint64_t *entryp, uint64_t entry)
{
	struct page *page;

	spin_lock(&mm->page_table_lock);
	if (ptep_get(entryp) != entry) {
		spin_unlock(&mm->page_table_lock);
		return;		/* gone meanwhile: retry the fault */
	}
	page = pfn_to_page(pte_pfn(entry));
	/* An entry outliving its migration would point at a reused frame. */
	VM_WARN_ON_ONCE_PAGE(!PageLocked(page), page);
	wait_on_bit_unlock_spin(&page->flags, PG_locked, PG_waiters,
				&mm->page_table_lock);
}

/*
 * A write to a present, read-only page of an anonymous VMA: KSM made it
 * read-only (kernel: do_wp_page()).  A KSM folio is shared, so the writer
 * gets a private copy (cow_ksm).  Any other anonymous folio is this
 * mapping's alone (pagemig has no fork) and is made writable again if
 * its lock can be had -- KSM holds it while it decides to merge the
 * folio -- and copied otherwise (kernel: wp_can_reuse_anon_folio() only
 * trylocks too: we hold mmap_lock, and the folio lock comes after it).
 * Return: 0 (retry the access) or -ENOMEM.
 */
static int do_anon_wp_page(struct vm_area_struct *vma, unsigned long addr,
			   uint64_t *pte, uint64_t old)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio, *copy;

	spin_lock(&mm->page_table_lock);
	if (ptep_get(pte) != old) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	folio = pfn_folio(pte_pfn(old));
	folio_get(folio);
	spin_unlock(&mm->page_table_lock);

	if (!folio_test_ksm(folio) && folio_trylock(folio)) {
		spin_lock(&mm->page_table_lock);
		/* Still ours, and KSM did not make it shared meanwhile: reuse. */
		if (ptep_get(pte) == old && !folio_test_ksm(folio))
			ptep_get_and_set(pte, old | _PAGE_RW | _PAGE_DIRTY);
		spin_unlock(&mm->page_table_lock);
		folio_unlock(folio);
		folio_put(folio);
		return 0;
	}

	/* Read-only everywhere (or write-protected): its contents hold still. */
	copy = alloc_anon_folio(folio);
	if (!copy) {
		folio_put(folio);
		return -ENOMEM;
	}
	spin_lock(&mm->page_table_lock);
	if (ptep_get(pte) != old) {
		spin_unlock(&mm->page_table_lock);
		folio_put(copy);
		folio_put(folio);
		return 0;
	}
	folio_add_new_anon_rmap(copy, vma, addr);
	set_folio_anon_lru(copy);
	ptep_get_and_set(pte, pfn_pte(folio_pfn(copy), true) | _PAGE_DIRTY);
	folio_remove_rmap(folio);
	spin_unlock(&mm->page_table_lock);
	/* Readers of the shared frame through the old entry finish first. */
	flush_tlb_folio(folio);
	if (folio_test_ksm(folio))
		count_vm_event(COW_KSM);
	folio_put(folio);	/* the old mapping's reference */
	folio_put(folio);	/* ours */
	return 0;
}

/**
 * handle_mm_fault - make @addr accessible in @vma
 * @vma: the VMA containing @addr
 * @addr: the faulting address
 * @write: a write access
 *
 * Context: mmap_lock held for reading.
 * Return: 0 (retry the access), -ENOMEM (kernel: VM_FAULT_OOM: a page or
 * a page table could not be allocated), -EFAULT (write to a read-only
 * VMA), -EINTR (the OOM killer killed the process).
 */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	struct folio *folio = NULL, *filefolio = NULL;
	bool anon, writable;
	uint64_t *pte, old;
	pgoff_t pgoff;

	if (write && !(vma->vm_flags & VM_WRITE))
		return -EFAULT;
	count_vm_event(PGFAULT);

	if (vma_thp_allowed(vma, addr)) {
		spin_lock(&mm->page_table_lock);
		pte = __walk(mm, addr & PMD_MASK, true, true);
		old = pte ? ptep_get(pte) : 0;
		spin_unlock(&mm->page_table_lock);
		if (is_migration_entry(old)) {
			migration_entry_wait(mm, pte, old);
			return 0;
		}
		if (pte && !old && !do_huge_anon_fault(vma, addr))
			return 0;
		if (pmd_trans_huge(old))
			return 0;	/* mapped meanwhile */
	}

	spin_lock(&mm->page_table_lock);
	pte = __walk(mm, addr, false, true);
	old = pte ? ptep_get(pte) : 0;
	spin_unlock(&mm->page_table_lock);
	if (!pte) {
		/* A huge or migrating PMD covers it, or no table was had. */
		uint64_t *pmd;

		spin_lock(&mm->page_table_lock);
		pmd = __walk(mm, addr & PMD_MASK, true, false);
		old = pmd ? ptep_get(pmd) : 0;
		spin_unlock(&mm->page_table_lock);
		if (is_migration_entry(old))
			migration_entry_wait(mm, pmd, old);
		/* An empty slot: the PTE table's allocation failed. */
		return old ? 0 : -ENOMEM;
	}
	/*
	 * After the walk: the OOM reaper clears entries under the
	 * page-table lock after it marks the victim, so a fault that finds
	 * a reaped entry empty sees the mark too.
	 */
	if (mm_is_oom_victim(mm))
		return -EINTR;
	if (is_migration_entry(old)) {
		migration_entry_wait(mm, pte, old);
		return 0;
	}
	if (pte_present(old) && (!write || pte_write(old)))
		return 0;	/* someone else fixed it */
	if (pte_present(old) && !vma->vm_file)
		return do_anon_wp_page(vma, addr, pte, old);

	anon = !vma->vm_file;
	pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (anon) {
		folio = alloc_anon_folio(NULL);
		if (!folio)
			return -ENOMEM;
	} else {
		if (write && !(vma->vm_flags & VM_SHARED)) {
			/*
			 * Copy on write: a private anonymous copy, allocated
			 * before the file folio is locked (kernel:
			 * do_cow_fault()).
			 */
			folio = folio_alloc(GFP_HIGHUSER_MOVABLE, 0);
			if (!folio)
				return -ENOMEM;
			anon = true;
		}
		filefolio = filemap_fault_folio(vma->vm_file, pgoff);
		if (!filefolio) {
			if (folio)
				folio_put(folio);
			return -ENOMEM;
		}
		if (folio)
			memcpy(folio_address(folio), folio_address(filefolio), PAGE_SIZE);
		else
			folio = filefolio;
	}
	if (anon && !vma->anon_vma)
		vma->anon_vma = mm->anon_vma;
	writable = (vma->vm_flags & VM_WRITE) && (anon || (vma->vm_flags & VM_SHARED));

	spin_lock(&mm->page_table_lock);
	if (ptep_get(pte) != old) {
		/* Raced with another fault or a migration: start over. */
		spin_unlock(&mm->page_table_lock);
		goto out_release;
	}
	if (pte_present(old)) {
		/* A read-only file page replaced by the private copy. */
		struct folio *oldfolio = pfn_folio(pte_pfn(old));

		ptep_get_and_set(pte, 0);
		flush_tlb_folio(oldfolio);
		folio_remove_rmap(oldfolio);
		atomic_long_dec(&mm->rss_file);
		spin_unlock(&mm->page_table_lock);
		folio_put(oldfolio);
		spin_lock(&mm->page_table_lock);
		if (ptep_get(pte)) {
			spin_unlock(&mm->page_table_lock);
			goto out_release;
		}
	}
	if (anon) {
		folio_add_new_anon_rmap(folio, vma, addr);
		set_folio_anon_lru(folio);
		atomic_long_inc(&mm->rss_anon);
	} else {
		folio_add_rmap(folio);
		atomic_long_inc(&mm->rss_file);
	}
	ptep_get_and_set(pte, pfn_pte(folio_pfn(folio), writable) |
			      (write ? _PAGE_DIRTY : 0));
	spin_unlock(&mm->page_table_lock);
	/* A mapped page-cache folio's reference is the mapping's now. */
	if (filefolio) {
		folio_unlock(filefolio);
		if (filefolio != folio)
			folio_put(filefolio);
	}
	return 0;

out_release:
	if (filefolio) {
		folio_unlock(filefolio);
		if (filefolio != folio)
			folio_put(filefolio);
	}
	folio_put(folio);
	return 0;
}

/* ---- CPU accesses ---- */

/*
 * Translate @addr for an access.  Returns the frame's address with our
 * TLB slot announcing it, or NULL when the access must fault first.
 */
static char *tlb_lookup(struct mm_struct *mm, unsigned long addr, bool write)
{
	unsigned long *slot = my_slot();
	uint64_t *pmd, *pte, e;
	unsigned long pfn;

	pmd = __walk(mm, addr, true, false);
	if (!pmd)
		return NULL;
	e = ptep_get(pmd);
	if (pmd_trans_huge(e)) {
		pfn = pte_pfn(e) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
		pte = pmd;
	} else {
		pte = __walk(mm, addr, false, false);
		if (!pte)
			return NULL;
		e = ptep_get(pte);
		if (!pte_present(e))
			return NULL;
		pfn = pte_pfn(e);
	}
	if (write && !pte_write(e))
		return NULL;
	/*
	 * Announce, then re-check: either migration's flush sees our slot
	 * and waits for us, or we see its new entry and retry.  Both are
	 * sequentially consistent.
	 */
	__atomic_store_n(slot, pfn + 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(pte, __ATOMIC_SEQ_CST) != e) {
		__atomic_store_n(slot, 0, __ATOMIC_SEQ_CST);
		return NULL;
	}
	if (write && !(e & _PAGE_DIRTY))
		__atomic_fetch_or(pte, _PAGE_DIRTY, __ATOMIC_RELAXED);
	return page_address(pfn_to_page(pfn)) + (addr & ~PAGE_MASK);
}

static void tlb_done(void)
{
	__atomic_store_n(my_slot(), 0, __ATOMIC_SEQ_CST);
}

/**
 * access_process_vm - read or write process memory as one of its CPUs
 * @mm: the process
 * @addr: the address
 * @buf: what to write, or where to read to
 * @len: bytes; may cross pages
 * @write: write access
 *
 * Faults pages in as needed (taking mmap_lock for reading), waits for
 * folios under migration, and never accesses a frame after migration has
 * unmapped it.
 *
 * Return: 0, -EFAULT (no VMA, or a write to a read-only one), -ENOMEM
 * (out of memory, and the OOM killer found nothing to kill), -EINTR (the
 * OOM killer killed the process: it stops at this access).
 */
int access_process_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      size_t len, bool write)
{
	char *p = buf;

	while (len) {
		size_t n = min(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		char *frame;

		/*
		 * A killed process's CPUs stop at their next access.  A
		 * scheduling point first: a caller that keeps trying must
		 * not hold the CPU from everyone else.
		 */
		if (mm_is_oom_victim(mm)) {
			sched_point(SP_ACCESS);
			return -EINTR;
		}
		frame = tlb_lookup(mm, addr, write);
		if (!frame) {
			struct vm_area_struct *vma;
			int ret;

			down_read(&mm->mmap_lock);
			vma = find_vma(mm, addr);
			ret = vma ? handle_mm_fault(vma, addr, write) : -EFAULT;
			up_read(&mm->mmap_lock);
			if (ret == -ENOMEM && mm_is_oom_victim(mm))
				ret = -EINTR;	/* killed while faulting */
			if (ret)
				return ret;
			continue;
		}
		/* Migration may want this frame now: its flush waits for us. */
		sched_point(SP_ACCESS);
		if (write)
			memcpy(frame, p, n);
		else
			memcpy(p, frame, n);
		tlb_done();
		addr += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* ---- unmapping ---- */

static void zap_entry(struct mm_struct *mm, uint64_t *entry)
{
	uint64_t old = ptep_get_and_set(entry, 0);
	struct folio *folio;

	if (!pte_present(old))
		return;		/* none, or a migration entry (already unmapped) */
	folio = pfn_folio(pte_pfn(old));
	flush_tlb_folio(folio);
	folio_remove_rmap(folio);
	if (folio_test_anon(folio))
		atomic_long_sub(folio_nr_pages(folio), &mm->rss_anon);
	else
		atomic_long_sub(folio_nr_pages(folio), &mm->rss_file);
	folio_put(folio);
}

/**
 * zap_page_range - unmap [start, end) of @mm
 * @mm: the mm
 * @start: first address (page-aligned)
 * @end: end address
 *
 * Context: mmap_lock held (for writing when the VMA is going away, for
 * reading for madvise(MADV_DONTNEED)).  A missing table is skipped
 * whole (kernel: zap_p?d_range() skip none entries), so unmapping a
 * huge, mostly untouched mapping costs what it has mapped, not its size.
 */
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long addr = start;

	while (addr < end) {
		unsigned long skip = 0;
		uint64_t *pmd, *pte;

		spin_lock(&mm->page_table_lock);
		pmd = walk_skip(mm, addr, true, false, &skip);
		if (!pmd && skip) {
			/* No table: nothing is mapped in the span it would cover. */
			spin_unlock(&mm->page_table_lock);
			addr = (addr & ~(skip - 1)) + skip;
			continue;
		}
		if (pmd && (ptep_get(pmd) & (_PAGE_PSE | _PAGE_MIGRATION))) {
			/* A whole THP (or one being migrated). */
			zap_entry(mm, pmd);
			spin_unlock(&mm->page_table_lock);
			addr = (addr & PMD_MASK) + PMD_SIZE;
			continue;
		}
		pte = pmd ? walk_skip(mm, addr, false, false, &skip) : NULL;
		if (!pte && skip) {
			spin_unlock(&mm->page_table_lock);
			addr = (addr & ~(skip - 1)) + skip;
			continue;
		}
		if (pte)
			zap_entry(mm, pte);
		spin_unlock(&mm->page_table_lock);
		addr += PAGE_SIZE;
	}
}

static void free_table(struct mm_struct *mm, uint64_t *table, int level)
{
	int i;

	if (level < 3) {
		for (i = 0; i < PTRS_PER_TABLE; i++) {
			uint64_t e = table[i];

			if (pte_present(e) && !(e & _PAGE_PSE))
				free_table(mm, entry_table(e), level + 1);
		}
	}
	pgtable_free(mm, virt_to_page(table));
}

/**
 * free_pgtables - free every page table of @mm
 * @mm: an mm with nothing mapped any more
 */
void free_pgtables(struct mm_struct *mm)
{
	free_table(mm, pgd_table(mm), 0);
	mm->pgd = 0;
}
