// SPDX-License-Identifier: GPL-2.0
/*
 * Processes' address spaces: mm_struct life cycle, VMAs (mmap/munmap),
 * anon_vmas, and files with their page caches.
 *
 * kernel: a maple tree of VMAs, fork with anon_vma chains, splitting and
 * merging VMAs; pagemig keeps a sorted list, has no fork, never merges
 * VMAs, and splits one only to unmap part of it (do_munmap_range(); a
 * THP-eligible mapping at 2 MiB boundaries only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pagemig/mm.h>
#include <pagemig/pgtable.h>
#include <pagemig/prandom.h>
#include <pagemig/vmstat.h>
#include "internal.h"

#define MMAP_BASE	0x10000000UL

static atomic_t next_mm_id;

/* ---- anon_vma ---- */

/*
 * anon_vmas are type-stable, as the kernel's (a SLAB_TYPESAFE_BY_RCU
 * cache): one whose last reference goes is kept here for the next
 * anon_vma_alloc(), never given back to the host while the machine
 * lives.  folio_get_anon_vma() may then look at the anon_vma of a folio
 * whose process is exiting: the memory is an anon_vma, if perhaps
 * another's, and it checks after taking its reference that the folio is
 * still mapped, which only its own anon_vma's mm can keep it.  No grace
 * period is needed (ThreadSanitizer could not see one across liburcu).
 */
static LIST_HEAD(anon_vma_cache);
static DEFINE_MUTEX_STATIC(anon_vma_cache_lock, LOCK_RANK_LEAF);

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *anon_vma = NULL;

	mutex_lock(&anon_vma_cache_lock);
	if (!list_empty(&anon_vma_cache)) {
		anon_vma = list_first_entry(&anon_vma_cache, struct anon_vma, vmas);
		list_del_init(&anon_vma->vmas);
	}
	mutex_unlock(&anon_vma_cache_lock);
	if (!anon_vma) {
		anon_vma = calloc(1, sizeof(*anon_vma));
		if (!anon_vma)
			return NULL;
		/* The constructor's part: once per object, as the kernel. */
		init_rwsem_named(&anon_vma->rwsem, "anon_vma->rwsem", LOCK_RANK_ANON_VMA);
		INIT_LIST_HEAD(&anon_vma->vmas);
	}
	atomic_set(&anon_vma->refcount, 1);
	return anon_vma;
}

/**
 * get_anon_vma - keep an anon_vma alive (migration of its folios)
 * @anon_vma: the anon_vma; the caller already holds a reference or
 *	otherwise knows it is alive (a mapped folio under its lock)
 */
void get_anon_vma(struct anon_vma *anon_vma)
{
	atomic_inc(&anon_vma->refcount);
}

/**
 * put_anon_vma - drop a reference; the last one gives it back to the cache
 * @anon_vma: the anon_vma
 */
void put_anon_vma(struct anon_vma *anon_vma)
{
	if (atomic_dec_and_test(&anon_vma->refcount)) {
		WARN_ON_ONCE(!list_empty(&anon_vma->vmas));
		mutex_lock(&anon_vma_cache_lock);
		list_add(&anon_vma->vmas, &anon_vma_cache);
		mutex_unlock(&anon_vma_cache_lock);
	}
}

/**
 * anon_vma_cache_shrink - free the anon_vmas nobody uses
 *
 * Context: machine teardown, after every process has exited and no
 * migration runs: nothing may look at a freed anon_vma any more.
 */
void anon_vma_cache_shrink(void)
{
	struct anon_vma *anon_vma, *next;

	mutex_lock(&anon_vma_cache_lock);
	list_for_each_entry_safe(anon_vma, next, &anon_vma_cache, vmas)
		free(anon_vma);
	INIT_LIST_HEAD(&anon_vma_cache);
	mutex_unlock(&anon_vma_cache_lock);
}

/* ---- files ---- */

/**
 * file_create - a file of @nr_pages pages
 * @name: for reports
 * @nr_pages: size
 * @seed: content generator seed, used when @fd < 0
 * @fd: a real file to read pages from, or -1
 *
 * Return: the file (one reference), or NULL.
 */
struct file *file_create(const char *name, unsigned long nr_pages, uint64_t seed, int fd)
{
	struct file *file = calloc(1, sizeof(*file));

	if (!file)
		return NULL;
	snprintf(file->name, sizeof(file->name), "%s", name);
	file->nr_pages = nr_pages;
	file->seed = seed;
	file->fd = fd;
	atomic_set(&file->refcount, 1);
	if (mapping_init(&file->mapping, file)) {
		free(file);
		return NULL;
	}
	return file;
}

/**
 * file_put - drop a reference; the last one empties the page cache
 * @file: the file
 */
void file_put(struct file *file)
{
	if (!atomic_dec_and_test(&file->refcount))
		return;
	mapping_destroy(&file->mapping);
	if (file->fd >= 0)
		close(file->fd);
	free(file);
}

/**
 * file_read_page - the contents of page @pgoff of @file
 * @file: the file
 * @pgoff: page index
 * @buf: PAGE_SIZE bytes
 *
 * From the real file when there is one (zero past its end), else from
 * the generator: each 8-byte word derived from (seed, pgoff, word).
 */
void file_read_page(struct file *file, pgoff_t pgoff, void *buf)
{
	uint64_t *w = buf;
	unsigned int i;

	if (file->fd >= 0) {
		ssize_t n = pread(file->fd, buf, PAGE_SIZE, (off_t)(pgoff * PAGE_SIZE));

		if (n < 0)
			n = 0;
		memset((char *)buf + n, 0, PAGE_SIZE - (size_t)n);
		return;
	}
	for (i = 0; i < PAGE_SIZE / 8; i++) {
		uint64_t x = file->seed ^ (pgoff << 20) ^ i;

		w[i] = pagemig_splitmix64(&x);
	}
}

/* ---- mm_struct ---- */

/**
 * mm_alloc - a new, empty address space
 *
 * Return: the mm (one reference), or NULL.
 */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	init_rwsem_named(&mm->mmap_lock, "mm->mmap_lock", LOCK_RANK_MMAP);
	spin_lock_init_named(&mm->page_table_lock, "mm->page_table_lock", LOCK_RANK_PTL);
	INIT_LIST_HEAD(&mm->mmap);
	atomic_set(&mm->refcount, 1);
	mm->id = atomic_inc_return(&next_mm_id);
	mm->anon_vma = anon_vma_alloc();
	if (!mm->anon_vma || pgd_alloc(mm)) {
		if (mm->anon_vma)
			put_anon_vma(mm->anon_vma);
		free(mm);
		return NULL;
	}
	mm->pid = -1;
	strcpy(mm->comm, "pagemig");
	return mm;
}

/**
 * find_vma - the VMA containing @addr
 * @mm: the mm; mmap_lock held
 * @addr: the address
 *
 * Return: the VMA, or NULL.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list)
		if (addr >= vma->vm_start && addr < vma->vm_end)
			return vma;
	return NULL;
}

/* The lowest free range of @len bytes, aligned to @align. */
static unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len,
				       unsigned long align)
{
	unsigned long addr = MMAP_BASE;
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		addr = ALIGN(addr, align);
		if (addr + len <= vma->vm_start)
			return addr;
		addr = max(addr, vma->vm_end);
	}
	addr = ALIGN(addr, align);
	return addr + len <= TASK_SIZE ? addr : 0;
}

/**
 * do_mmap - map anonymous memory or a file
 * @mm: the mm
 * @len: bytes, page-aligned
 * @vm_flags: VM_READ | VM_WRITE | VM_SHARED | VM_HUGEPAGE
 * @file: NULL for anonymous memory
 * @pgoff: file page offset of the start
 * @addrp: the chosen address (PMD-aligned for THP-eligible mappings)
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int do_mmap(struct mm_struct *mm, unsigned long len, unsigned long vm_flags,
	    struct file *file, pgoff_t pgoff, unsigned long *addrp)
{
	struct vm_area_struct *vma, *pos;
	unsigned long addr;

	if (!len || len & ~PAGE_MASK)
		return -EINVAL;
	if (file && pgoff + (len >> PAGE_SHIFT) > file->nr_pages)
		return -EINVAL;
	vma = calloc(1, sizeof(*vma));
	if (!vma)
		return -ENOMEM;

	down_write(&mm->mmap_lock);
	addr = get_unmapped_area(mm, len, (vm_flags & VM_HUGEPAGE) ? PMD_SIZE : PAGE_SIZE);
	if (!addr) {
		up_write(&mm->mmap_lock);
		free(vma);
		return -ENOMEM;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_mm = mm;
	vma->vm_file = file;
	vma->vm_pgoff = file ? pgoff : addr >> PAGE_SHIFT;
	vma->anon_vma = mm->anon_vma;
	INIT_LIST_HEAD(&vma->shared);

	list_for_each_entry(pos, &mm->mmap, vm_list)
		if (pos->vm_start > addr)
			break;
	list_add_tail(&vma->vm_list, &pos->vm_list);

	/* Every VMA can hold anonymous folios (private COW copies too). */
	down_write(&mm->anon_vma->rwsem);
	list_add_tail(&vma->anon_vma_node, &mm->anon_vma->vmas);
	up_write(&mm->anon_vma->rwsem);
	if (file) {
		atomic_inc(&file->refcount);
		down_write(&file->mapping.i_mmap_rwsem);
		list_add_tail(&vma->shared, &file->mapping.i_mmap);
		up_write(&file->mapping.i_mmap_rwsem);
	}
	up_write(&mm->mmap_lock);
	*addrp = addr;
	return 0;
}

/* Unmap and free one VMA.  mmap_lock held for writing. */
static void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	zap_page_range(mm, vma->vm_start, vma->vm_end);
	list_del(&vma->vm_list);
	down_write(&mm->anon_vma->rwsem);
	list_del(&vma->anon_vma_node);
	up_write(&mm->anon_vma->rwsem);
	if (vma->vm_file) {
		struct file *file = vma->vm_file;

		down_write(&file->mapping.i_mmap_rwsem);
		list_del(&vma->shared);
		up_write(&file->mapping.i_mmap_rwsem);
		file_put(file);
	}
	free(vma);
}

/**
 * do_munmap - unmap the VMA that starts at @addr
 * @mm: the mm
 * @addr: a VMA's start
 *
 * Return: 0, or -EINVAL if no VMA starts there.
 */
int do_munmap(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int ret = -EINVAL;

	down_write(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start == addr) {
		remove_vma(mm, vma);
		ret = 0;
	}
	up_write(&mm->mmap_lock);
	return ret;
}

/*
 * Can @vma be split at @addr?  A THP-eligible mapping only at a PMD
 * boundary: pagemig maps THPs by PMD only and does not split a PMD
 * mapping (the kernel would, __split_huge_pmd()).
 */
static bool can_split_at(struct vm_area_struct *vma, unsigned long addr)
{
	return !(vma->vm_flags & VM_HUGEPAGE) || IS_ALIGNED(addr, PMD_SIZE);
}

/*
 * Split @vma at @addr, inside it: @vma keeps [vm_start, addr) and a new
 * VMA takes [addr, vm_end), in every list @vma is on.  rmap walkers read
 * the bounds under anon_vma->rwsem or i_mmap_rwsem, so both change under
 * those; everything else reads them under mmap_lock, held for writing.
 * kernel: __split_vma().  Return: 0 or -ENOMEM.
 */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long addr)
{
	struct file *file = vma->vm_file;
	struct vm_area_struct *new;

	if (should_fail(FAULT_KMALLOC))
		return -ENOMEM;
	new = calloc(1, sizeof(*new));
	if (!new)
		return -ENOMEM;
	new->vm_start = addr;
	new->vm_end = vma->vm_end;
	new->vm_flags = vma->vm_flags;
	new->vm_pgoff = file ? vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT) :
			addr >> PAGE_SHIFT;
	new->vm_mm = mm;
	new->vm_file = file;
	new->anon_vma = vma->anon_vma;
	INIT_LIST_HEAD(&new->shared);

	/* i_mmap_rwsem before anon_vma->rwsem, as the kernel's vma_prepare(). */
	if (file)
		down_write(&file->mapping.i_mmap_rwsem);
	down_write(&mm->anon_vma->rwsem);
	vma->vm_end = addr;
	list_add(&new->anon_vma_node, &vma->anon_vma_node);
	if (file) {
		atomic_inc(&file->refcount);
		list_add(&new->shared, &vma->shared);
	}
	up_write(&mm->anon_vma->rwsem);
	if (file)
		up_write(&file->mapping.i_mmap_rwsem);
	list_add(&new->vm_list, &vma->vm_list);
	return 0;
}

/**
 * do_munmap_range - unmap [@start, @start + @len), whatever VMAs it covers
 * @mm: the mm
 * @start: page-aligned
 * @len: page-aligned, non-zero
 *
 * VMAs that reach over an end are split there first (not inside a
 * PMD-mapped THP: a THP-eligible VMA splits at PMD boundaries only);
 * holes in the range are fine, as for munmap(2).
 *
 * Return: 0, -EINVAL (bad range, or a split inside a THP mapping),
 * -ENOMEM (a split could not be made; nothing was unmapped).
 */
int do_munmap_range(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + len;
	struct vm_area_struct *vma, *next;
	int ret = 0;

	if (!len || (start | len) & ~PAGE_MASK || end > TASK_SIZE || end < start)
		return -EINVAL;
	down_write(&mm->mmap_lock);
	/* Check both ends before changing anything. */
	vma = find_vma(mm, start);
	next = find_vma(mm, end - 1);
	if ((vma && vma->vm_start < start && !can_split_at(vma, start)) ||
	    (next && next->vm_end > end && !can_split_at(next, end))) {
		ret = -EINVAL;
		goto out;
	}
	if (vma && vma->vm_start < start) {
		ret = split_vma(mm, vma, start);
		if (ret)
			goto out;
	}
	next = find_vma(mm, end - 1);
	if (next && next->vm_end > end) {
		ret = split_vma(mm, next, end);
		if (ret)
			goto out;
	}
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list)
		if (vma->vm_start >= start && vma->vm_end <= end)
			remove_vma(mm, vma);
out:
	up_write(&mm->mmap_lock);
	return ret;
}

/**
 * mmput - drop a reference to @mm; the last one tears it down
 * @mm: the mm
 *
 * Folios under migration keep their anon_vma alive through the
 * migration's own reference, so this can run while compaction moves
 * them.
 */
void mmput(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	if (!atomic_dec_and_test(&mm->refcount))
		return;
	/* Before the VMAs go: no KSM rmap walk may reach this mm after. */
	ksm_exit(mm);
	down_write(&mm->mmap_lock);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list)
		remove_vma(mm, vma);
	free_pgtables(mm);
	up_write(&mm->mmap_lock);
	put_anon_vma(mm->anon_vma);
	free(mm);
}
