// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous allocation, memory offlining and soft offlining for the
 * public facade (mm/page_isolation.c, mm/memory_hotplug.c,
 * mm/memory-failure.c).
 */
#include <errno.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/page-isolation.h>
#include <pagemig/pgtable.h>
#include "../mm/facade.h"
#include "internal.h"

/* A range of whole @granule-page units inside the machine. */
static int check_range_granule(unsigned long pfn, unsigned long nr,
			       unsigned long granule)
{
	if (!machine_ready)
		return -ENODEV;
	if (!nr || pfn >= max_pfn || nr > max_pfn - pfn ||
	    !IS_ALIGNED(pfn, granule) || !IS_ALIGNED(nr, granule))
		return -EINVAL;
	return 0;
}

/* Offlining works on 4 MiB units (kernel: memory blocks, 128 MiB on x86). */
static int check_range(unsigned long pfn, unsigned long nr)
{
	return check_range_granule(pfn, nr, MAX_ORDER_NR_PAGES);
}

int pagemig_alloc_contig(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range_granule(pfn, nr_pages, pageblock_nr_pages);

	return ret ? ret : alloc_contig_range(pfn, pfn + nr_pages);
}

int pagemig_free_contig(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long i;

	if (!machine_ready)
		return -ENODEV;
	if (!nr_pages || pfn >= max_pfn || nr_pages > max_pfn - pfn)
		return -EINVAL;
	for (i = 0; i < nr_pages; i++) {
		struct page *page = pfn_to_page(pfn + i);

		if (PageBuddy(page) || PageCompound(page) || page_ref_count(page) != 1)
			return -EINVAL;
	}
	free_contig_range(pfn, nr_pages);
	return 0;
}

int pagemig_offline(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range(pfn, nr_pages);

	return ret ? ret : offline_pages(pfn, nr_pages);
}

int pagemig_online(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range(pfn, nr_pages);

	return ret ? ret : online_pages(pfn, nr_pages);
}

int pagemig_soft_offline(unsigned long pfn)
{
	if (!machine_ready)
		return -ENODEV;
	return soft_offline_page(pfn);
}

/*
 * The frame mapped at @addr, read from the page tables as mm/gup.c's
 * follow_page() does: a PMD-mapped THP gives the subpage's PFN.  false
 * when nothing is mapped there (not faulted in, or a migration entry).
 */
static bool follow_pfn(struct mm_struct *mm, unsigned long addr,
		       unsigned long *pfn)
{
	uint64_t *pmd, *pte, e;
	bool found = false;

	spin_lock(&mm->page_table_lock);
	pmd = walk_to_entry(mm, addr, true);
	e = pmd ? ptep_get(pmd) : 0;
	if (pmd_trans_huge(e)) {
		*pfn = pte_pfn(e) + ((addr >> PAGE_SHIFT) & (HPAGE_PMD_NR - 1));
		found = true;
	} else {
		pte = walk_to_entry(mm, addr, false);
		e = pte ? ptep_get(pte) : 0;
		if (pte_present(e)) {
			*pfn = pte_pfn(e);
			found = true;
		}
	}
	spin_unlock(&mm->page_table_lock);
	return found;
}

/* Tries at faulting the page in before giving up: it keeps migrating. */
#define SOFT_OFFLINE_ADDR_TRIES	16

int pagemig_soft_offline_addr(int pid, unsigned long addr, unsigned long *pfn)
{
	struct mm_struct *mm = process_mm(pid);
	unsigned long found;
	int tries, ret;
	char byte;

	if (!mm)
		return machine_ready ? -ESRCH : -ENODEV;
	/*
	 * madvise(MADV_SOFT_OFFLINE) faults the page in with
	 * get_user_pages_fast() and passes its PFN on.  A read faults it
	 * in here; a page under migration between the fault and the walk
	 * shows a migration entry, so fault again.
	 */
	for (tries = 0; tries < SOFT_OFFLINE_ADDR_TRIES; tries++) {
		ret = access_process_vm(mm, addr, &byte, 1, false);
		if (ret)
			return ret;
		if (follow_pfn(mm, addr, &found))
			break;
	}
	if (tries == SOFT_OFFLINE_ADDR_TRIES)
		return -EAGAIN;
	if (pfn)
		*pfn = found;
	/*
	 * The kernel keeps the GUP reference across the call
	 * (MF_COUNT_INCREASED); soft_offline_page() here takes its own, so
	 * a migration in between means it acts on whatever the frame
	 * holds by then, which is still a valid soft offline of @found.
	 */
	return soft_offline_page(found);
}
