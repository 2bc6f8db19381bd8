// SPDX-License-Identifier: GPL-2.0
/*
 * Processes and files for the public facade: address spaces with
 * anonymous and file mappings, accesses through their page tables as
 * one of the machine's CPUs, and long-term pins.  Processes and files
 * are numbered; all of them go away with the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/pgtable.h>
#include "../mm/facade.h"
#include "internal.h"

struct pin_set {
	unsigned long nr;
	struct folio **folios;
};

static struct mm_struct *procs[PAGEMIG_MAX_PROCS];
static struct pin_set pins[PAGEMIG_MAX_PROCS];
static struct file *files[PAGEMIG_MAX_FILES];
static DEFINE_MUTEX_STATIC(proc_mutex, LOCK_RANK_DRIVER);

static struct mm_struct *proc_get(int pid)
{
	if (!machine_ready || pid < 0 || pid >= PAGEMIG_MAX_PROCS)
		return NULL;
	return READ_ONCE(procs[pid]);
}

int pagemig_process_create(void)
{
	struct mm_struct *mm;
	int pid;

	if (!machine_ready)
		return -ENODEV;
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	mutex_lock(&proc_mutex);
	for (pid = 0; pid < PAGEMIG_MAX_PROCS; pid++) {
		if (!procs[pid]) {
			mm->pid = pid;
			WRITE_ONCE(procs[pid], mm);
			mutex_unlock(&proc_mutex);
			return pid;
		}
	}
	mutex_unlock(&proc_mutex);
	mmput(mm);
	return -ENOSPC;
}

static void unpin_all(int pid)
{
	struct pin_set *ps = &pins[pid];
	unsigned long i;

	for (i = 0; i < ps->nr; i++)
		unpin_folio(ps->folios[i]);
	free(ps->folios);
	ps->folios = NULL;
	ps->nr = 0;
}

int pagemig_process_exit(int pid)
{
	struct mm_struct *mm;

	mutex_lock(&proc_mutex);
	mm = proc_get(pid);
	if (mm) {
		WRITE_ONCE(procs[pid], NULL);
		unpin_all(pid);
	}
	mutex_unlock(&proc_mutex);
	if (!mm)
		return -ESRCH;
	mmput(mm);
	return 0;
}

int pagemig_process_set_comm(int pid, const char *comm)
{
	struct mm_struct *mm = proc_get(pid);
	size_t i;

	if (!mm)
		return -ESRCH;
	if (!comm || !*comm)
		return -EINVAL;
	/*
	 * Byte by byte, without proc_mutex: the OOM killer may read it (it
	 * does per byte too), and a lock here would be a scheduling point
	 * every spawn adds to a deterministic run.
	 */
	for (i = 0; i < sizeof(mm->comm) - 1; i++) {
		__atomic_store_n(&mm->comm[i], comm[i], __ATOMIC_RELAXED);
		if (!comm[i])
			break;
	}
	return 0;
}

int pagemig_process_set_oom_score_adj(int pid, int oom_score_adj)
{
	struct mm_struct *mm = proc_get(pid);

	if (!mm)
		return -ESRCH;
	if (oom_score_adj < OOM_SCORE_ADJ_MIN || oom_score_adj > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	WRITE_ONCE(mm->oom_score_adj, oom_score_adj);
	return 0;
}

int pagemig_process_oom_killed(int pid)
{
	struct mm_struct *mm = proc_get(pid);

	return mm ? mm_is_oom_victim(mm) : -ESRCH;
}

int pagemig_mmap_anon(int pid, uint64_t len, unsigned int flags, unsigned long *addr)
{
	struct mm_struct *mm = proc_get(pid);
	unsigned long vm_flags = VM_READ;

	if (!mm)
		return -ESRCH;
	if (flags & PAGEMIG_MAP_WRITE)
		vm_flags |= VM_WRITE;
	if (flags & PAGEMIG_MAP_THP)
		vm_flags |= VM_HUGEPAGE;
	return do_mmap(mm, (unsigned long)len, vm_flags, NULL, 0, addr);
}

int pagemig_file_create(const char *name, uint64_t size, uint64_t seed, const char *path)
{
	unsigned long nr_pages;
	struct file *file;
	int fid, fd = -1;

	if (!machine_ready)
		return -ENODEV;
	if (path) {
		struct stat st;

		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			close(fd);
			return -EINVAL;
		}
		if (!size)
			size = (uint64_t)st.st_size;
	}
	nr_pages = (unsigned long)DIV_ROUND_UP(size, PAGE_SIZE);
	if (!nr_pages) {
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	file = file_create(name, nr_pages, seed, fd);
	if (!file) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	mutex_lock(&proc_mutex);
	for (fid = 0; fid < PAGEMIG_MAX_FILES; fid++) {
		if (!files[fid]) {
			files[fid] = file;
			mutex_unlock(&proc_mutex);
			return fid;
		}
	}
	mutex_unlock(&proc_mutex);
	file_put(file);
	return -ENOSPC;
}

int pagemig_mmap_file(int pid, int fid, uint64_t len, uint64_t offset,
		      unsigned int flags, unsigned long *addr)
{
	struct mm_struct *mm = proc_get(pid);
	unsigned long vm_flags = VM_READ;
	struct file *file;

	if (!mm)
		return -ESRCH;
	if (fid < 0 || fid >= PAGEMIG_MAX_FILES || !(file = READ_ONCE(files[fid])))
		return -EBADF;
	if (offset % PAGE_SIZE)
		return -EINVAL;
	if (flags & PAGEMIG_MAP_WRITE)
		vm_flags |= VM_WRITE;
	if (flags & PAGEMIG_MAP_SHARED)
		vm_flags |= VM_SHARED;
	return do_mmap(mm, (unsigned long)len, vm_flags, file,
		       (pgoff_t)(offset / PAGE_SIZE), addr);
}

int pagemig_munmap(int pid, unsigned long addr)
{
	struct mm_struct *mm = proc_get(pid);

	return mm ? do_munmap(mm, addr) : -ESRCH;
}

int pagemig_munmap_range(int pid, unsigned long addr, uint64_t len)
{
	struct mm_struct *mm = proc_get(pid);

	if (!mm)
		return -ESRCH;
	if (len > TASK_SIZE)
		return -EINVAL;
	return do_munmap_range(mm, addr, (unsigned long)len);
}

int pagemig_madvise_dontneed(int pid, unsigned long addr, uint64_t len)
{
	struct mm_struct *mm = proc_get(pid);
	struct vm_area_struct *vma;
	int ret = -EINVAL;

	if (!mm)
		return -ESRCH;
	if (addr % PAGE_SIZE || !len || len % PAGE_SIZE)
		return -EINVAL;
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && addr + len <= vma->vm_end) {
		zap_page_range(mm, addr, addr + (unsigned long)len);
		ret = 0;
	}
	up_read(&mm->mmap_lock);
	return ret;
}

int pagemig_access(int pid, unsigned long addr, void *buf, size_t len, bool write)
{
	struct mm_struct *mm = proc_get(pid);

	return mm ? access_process_vm(mm, addr, buf, len, write) : -ESRCH;
}

int pagemig_pin(int pid, unsigned long addr, unsigned long nr_pages, bool write)
{
	struct mm_struct *mm = proc_get(pid);
	struct pin_set *ps;
	struct folio **more;
	long ret;

	if (!mm)
		return -ESRCH;
	if (addr % PAGE_SIZE || !nr_pages)
		return -EINVAL;
	ps = &pins[pid];
	more = realloc(ps->folios, (ps->nr + nr_pages) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	ps->folios = more;
	ret = pin_user_pages(mm, addr, nr_pages, write, ps->folios + ps->nr);
	if (ret < 0)
		return (int)ret;
	ps->nr += nr_pages;
	return 0;
}

int pagemig_unpin_all(int pid)
{
	if (!proc_get(pid))
		return -ESRCH;
	mutex_lock(&proc_mutex);
	unpin_all(pid);
	mutex_unlock(&proc_mutex);
	return 0;
}

int pagemig_process_stats(int pid, struct pagemig_process_stats *st)
{
	struct mm_struct *mm = proc_get(pid);
	struct vm_area_struct *vma;

	if (!mm)
		return -ESRCH;
	memset(st, 0, sizeof(*st));
	st->rss_anon = (unsigned long)atomic_long_read(&mm->rss_anon);
	st->rss_file = (unsigned long)atomic_long_read(&mm->rss_file);
	st->nr_ptes = (unsigned long)atomic_long_read(&mm->nr_ptes);
	st->nr_pinned = pins[pid].nr;
	down_read(&mm->mmap_lock);
	list_for_each_entry(vma, &mm->mmap, vm_list)
		st->nr_vmas++;
	up_read(&mm->mmap_lock);
	return 0;
}

/*
 * For facade/kpageflags.c, which builds an imported machine's folios
 * into a process and a file it creates through this facade.
 */
struct mm_struct *process_mm(int pid)
{
	return proc_get(pid);
}

struct file *process_file(int fid)
{
	if (!machine_ready || fid < 0 || fid >= PAGEMIG_MAX_FILES)
		return NULL;
	return READ_ONCE(files[fid]);
}

/* The OOM killer's view of the processes: the table, held still. */
static bool oom_table_trylock(void)
{
	return mutex_trylock(&proc_mutex);
}

static void oom_table_unlock(void)
{
	mutex_unlock(&proc_mutex);
}

static struct mm_struct *oom_table_next(int *pos)
{
	while (*pos < PAGEMIG_MAX_PROCS) {
		struct mm_struct *mm = procs[(*pos)++];

		if (mm)
			return mm;
	}
	return NULL;
}

static const struct oom_process_table oom_table = {
	.trylock = oom_table_trylock,
	.unlock = oom_table_unlock,
	.next = oom_table_next,
};

/* Machine boot: the OOM killer chooses among these processes. */
int processes_init(void)
{
	oom_set_process_table(&oom_table);
	return 0;
}

/* Machine teardown: processes, then files. */
void processes_destroy_all(void)
{
	int i;

	oom_set_process_table(NULL);
	for (i = 0; i < PAGEMIG_MAX_PROCS; i++)
		if (procs[i])
			pagemig_process_exit(i);
	for (i = 0; i < PAGEMIG_MAX_FILES; i++) {
		if (files[i]) {
			file_put(files[i]);
			files[i] = NULL;
		}
	}
	anon_vma_cache_shrink();
}
