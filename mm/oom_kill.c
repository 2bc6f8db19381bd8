// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-memory killer: when the allocator's slow path has retried
 * reclaim and compaction as far as its rules allow and an order-0 to
 * order-3 request still cannot be met, out_of_memory() picks the process
 * whose death frees the most memory (oom_badness(): its resident pages
 * and page tables, shifted by its oom_score_adj), kills it and reaps it.
 *
 * A process here is an address space driven by workload threads, so
 * "kill" is a flag on its mm: every access through its page tables
 * checks it and fails with -EINTR, so its threads stop at their next
 * access, and whoever drives the process sees it died and runs the exit
 * path (pagemig_process_exit()), which frees what is left.
 *
 * The reap is what the kernel's oom_reaper thread does a moment later,
 * done at once by the killer: the victim's private mappings are unmapped
 * under mmap_lock taken for reading with a trylock (a victim whose lock
 * cannot be had is left to its exit, and the next kill may choose
 * another).  The
 * killer runs in the allocating thread, which holds at most mmap_lock
 * for reading (a fault) or an anon_vma lock and a folio lock (a THP
 * split): nothing the reap's page-table lock, LRU and zone locks wait
 * behind.  Page-table pages are allocated outside the page-table lock
 * for this reason (mm/memory.c).
 *
 * kernel: the victim is a task, and the reaper waits OOM_REAPER_DELAY to
 * let it exit by itself first; a killer that finds an earlier victim not
 * yet reaped waits for it.  Here the reap is immediate, and done (or
 * given up) before the killer returns.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/* The killer's own lock: one OOM kill at a time (trylock in the allocator). */
DEFINE_MUTEX_STATIC(oom_lock, LOCK_RANK_NONE);

/*
 * The processes, for victim selection (kernel: the task list under
 * rcu_read_lock()): the facade owns the table of processes and lends it
 * here.  Held across the kill and the reap, so the victim cannot exit
 * meanwhile; taken with a trylock, since the allocating thread may hold
 * anything.
 */
static const struct oom_process_table *oom_table;

/**
 * oom_set_process_table - where the OOM killer finds processes
 * @table: the facade's table, or NULL (no processes: nothing to kill)
 */
void oom_set_process_table(const struct oom_process_table *table)
{
	WRITE_ONCE(oom_table, table);
}

/**
 * mm_is_oom_victim - has the OOM killer killed @mm's process?
 * @mm: the mm
 *
 * Return: true once it was chosen; its accesses fail with -EINTR.
 */
bool mm_is_oom_victim(struct mm_struct *mm)
{
	return test_bit(MMF_OOM_VICTIM, &mm->flags);
}

static unsigned long get_mm_rss(struct mm_struct *mm)
{
	return (unsigned long)atomic_long_read(&mm->rss_anon) +
	       (unsigned long)atomic_long_read(&mm->rss_file);
}

/**
 * oom_badness - how much killing @mm's process would free, adjusted
 * @mm: the candidate
 * @totalpages: the memory the request could have used
 *
 * Resident pages plus page-table pages (pagemig has no swap entries),
 * plus oom_score_adj thousandths of @totalpages.
 *
 * Return: the score, or LONG_MIN for a process that must not be chosen
 * (oom_score_adj -1000, or already reaped).
 */
long oom_badness(struct mm_struct *mm, unsigned long totalpages)
{
	int adj = READ_ONCE(mm->oom_score_adj);
	long points;

	if (adj == OOM_SCORE_ADJ_MIN || test_bit(MMF_OOM_SKIP, &mm->flags))
		return LONG_MIN;
	points = (long)get_mm_rss(mm) + atomic_long_read(&mm->nr_ptes);
	return points + (long)adj * (long)(totalpages / 1000);
}

/*
 * The candidate with the highest score; on a tie, the later one, as the
 * kernel's task walk.  (void *)-1: an earlier victim is not reaped yet,
 * so its memory is still on its way back: kill nothing more.
 */
static struct mm_struct *select_bad_process(const struct oom_process_table *table,
					    unsigned long totalpages,
					    long *chosen_points)
{
	struct mm_struct *mm, *chosen = NULL;
	long points;
	int pos = 0;

	*chosen_points = LONG_MIN;
	while ((mm = table->next(&pos))) {
		if (test_bit(MMF_OOM_VICTIM, &mm->flags)) {
			if (!test_bit(MMF_OOM_SKIP, &mm->flags))
				return (void *)-1L;
			continue;
		}
		points = oom_badness(mm, totalpages);
		if (points == LONG_MIN || points < *chosen_points)
			continue;
		chosen = mm;
		*chosen_points = points;
	}
	return chosen;
}

/* Unmap the victim's private memory now (kernel: __oom_reap_task_mm()). */
static bool oom_reap_mm(struct mm_struct *mm, const char *comm)
{
	struct vm_area_struct *vma;

	if (!down_read_trylock(&mm->mmap_lock)) {
		/*
		 * kernel: the reaper retries, then gives up and sets
		 * MMF_OOM_SKIP so the next kill may choose someone else;
		 * the victim's exit frees its memory either way.
		 */
		pr_info("oom_reaper: unable to reap pid:%d (%s)\n", mm->pid, comm);
		set_bit(MMF_OOM_SKIP, &mm->flags);
		return false;
	}
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		/* A shared file mapping's pages stay in the page cache. */
		if (vma->vm_file && (vma->vm_flags & VM_SHARED))
			continue;
		zap_page_range(mm, vma->vm_start, vma->vm_end);
	}
	up_read(&mm->mmap_lock);
	pr_info("oom_reaper: reaped process %d (%s), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:0kB\n",
		mm->pid, comm,
		(unsigned long)atomic_long_read(&mm->rss_anon) * (PAGE_SIZE / 1024),
		(unsigned long)atomic_long_read(&mm->rss_file) * (PAGE_SIZE / 1024));
	set_bit(MMF_OOM_SKIP, &mm->flags);
	return true;
}

static unsigned long mm_total_vm(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long pages = 0;

	/* The VMA list is only read for a figure. */
	if (!down_read_trylock(&mm->mmap_lock))
		return 0;
	list_for_each_entry(vma, &mm->mmap, vm_list)
		pages += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	up_read(&mm->mmap_lock);
	return pages;
}

static void oom_kill_process(struct mm_struct *victim, const struct oom_control *oc)
{
	char buf[160], comm[sizeof(victim->comm)];
	unsigned int i;

	/* Per byte: pagemig_process_set_comm() may write it meanwhile. */
	for (i = 0; i < sizeof(comm); i++)
		comm[i] = __atomic_load_n(&victim->comm[i], __ATOMIC_RELAXED);
	comm[sizeof(comm) - 1] = 0;
	format_gfp_string(oc->gfp_mask, buf, sizeof(buf));
	pr_warn("pagemig invoked oom-killer: gfp_mask=%#x(%s), order=%u, oom_score_adj=0\n",
		oc->gfp_mask, buf, oc->order);
	set_bit(MMF_OOM_VICTIM, &victim->flags);
	count_vm_event(OOM_KILL);
	pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:0kB, UID:0 pgtables:%lukB oom_score_adj:%d\n",
	       victim->pid, comm, mm_total_vm(victim) * (PAGE_SIZE / 1024),
	       (unsigned long)atomic_long_read(&victim->rss_anon) * (PAGE_SIZE / 1024),
	       (unsigned long)atomic_long_read(&victim->rss_file) * (PAGE_SIZE / 1024),
	       (unsigned long)atomic_long_read(&victim->nr_ptes) * (PAGE_SIZE / 1024),
	       READ_ONCE(victim->oom_score_adj));
	oom_reap_mm(victim, comm);
}

/**
 * out_of_memory - kill the process whose death frees the most memory
 * @oc: the request that cannot be met
 *
 * Context: oom_lock held; the caller may hold a fault's mmap_lock (read).
 * Return: true if memory is on its way back (a victim was killed and
 * reaped, or an earlier victim is still being torn down), false if no
 * process could be chosen.  kernel: a request without __GFP_FS returns
 * true without killing, and the allocator retries until someone frees
 * memory; nobody else would here, so it returns false and the request
 * fails.
 */
bool out_of_memory(struct oom_control *oc)
{
	static struct ratelimit_state rs = RATELIMIT_STATE_INIT(5000, 10);
	const struct oom_process_table *table;
	struct mm_struct *victim;
	long points;

	if (!(oc->gfp_mask & __GFP_FS))
		return false;
	table = READ_ONCE(oom_table);
	if (!table)
		return false;
	if (!table->trylock())
		return true;	/* processes coming or going: retry */
	oc->totalpages = totalram_pages();
	victim = select_bad_process(table, oc->totalpages, &points);
	if (victim && victim != (void *)-1L)
		oom_kill_process(victim, oc);
	table->unlock();
	if (victim)
		return true;
	if (__ratelimit(&rs))
		pr_err("Out of memory and no killable processes...\n");
	return false;
}
