// SPDX-License-Identifier: GPL-2.0
/*
 * KSM for the public facade: madvise(MADV_MERGEABLE) on a process's
 * anonymous mapping, scans run by the caller or by ksmd, and the
 * /sys/kernel/mm/ksm figures.  The work is in mm/ksm.c.
 */
#include <errno.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include "../mm/facade.h"
#include "internal.h"

int pagemig_madvise_mergeable(int pid, unsigned long addr)
{
	struct mm_struct *mm = process_mm(pid);
	struct vm_area_struct *vma;
	int ret;

	if (!mm)
		return -ESRCH;
	/* ksm_mutex before mmap_lock: register first, then mark the VMA. */
	ret = ksm_enter(mm);
	if (ret)
		return ret;
	ret = -EINVAL;
	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start == addr && !vma->vm_file) {
		vma->vm_flags |= VM_MERGEABLE;
		ret = 0;
	}
	up_write(&mm->mmap_lock);
	return ret;
}

long pagemig_ksm_scan(unsigned long pages)
{
	if (!machine_ready)
		return -ENODEV;
	return (long)min(ksm_do_scan(pages), (unsigned long)LONG_MAX);
}

long pagemig_ksm_full_scans(unsigned int n)
{
	if (!machine_ready)
		return -ENODEV;
	if (!n)
		return -EINVAL;
	return ksm_full_scan(n);
}

int pagemig_ksm_run(int run, unsigned int pages_to_scan, unsigned int sleep_ms)
{
	if (!machine_ready)
		return -ENODEV;
	return ksm_run_set(run, pages_to_scan, sleep_ms);
}

int pagemig_ksm_stats(struct pagemig_ksm_stats *st)
{
	struct ksm_stats k;

	if (!machine_ready)
		return -ENODEV;
	ksm_get_stats(&k);
	st->pages_shared = k.pages_shared;
	st->pages_sharing = k.pages_sharing;
	st->pages_unshared = k.pages_unshared;
	st->full_scans = k.full_scans;
	st->pages_scanned = k.pages_scanned;
	st->stable_nodes = k.stable_nodes;
	st->merge_failures = k.merge_failures;
	st->run = k.run;
	return 0;
}
