// SPDX-License-Identifier: GPL-2.0
/*
 * zram: compressed block storage in RAM on top of zsmalloc.
 *
 * A write compresses the page with the device's compressor and stores the
 * result as one zsmalloc object; a page whose words are all equal is kept
 * as that value with no object at all ("same" pages); a page that does
 * not compress below zsmalloc's huge class size is stored whole ("huge").
 * A read decompresses straight out of zsmalloc while the object is mapped
 * -- during that time its zspage cannot migrate, and page migration of it
 * fails with -EINVAL.  Every slot has a sleeping bit lock.
 *
 * zsmalloc pages are allocated movable (GFP_NOIO | __GFP_HIGHMEM |
 * __GFP_MOVABLE), so compaction moves them like balloon pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/printk.h>
#include "zram_drv.h"

static void zram_slot_lock(struct zram *zram, unsigned long index)
{
	unsigned long *flags = &zram->table[index].flags;

	if (test_and_set_bit_lock(ZRAM_LOCK, flags))
		wait_on_bit_lock(flags, ZRAM_LOCK, ZRAM_WAITERS);
}

static void zram_slot_unlock(struct zram *zram, unsigned long index)
{
	clear_bit_unlock_wake(&zram->table[index].flags, ZRAM_LOCK, ZRAM_WAITERS);
}

static bool zram_test_flag(struct zram *zram, unsigned long index, int flag)
{
	return test_bit(flag, &zram->table[index].flags);
}

static void zram_set_flag(struct zram *zram, unsigned long index, int flag)
{
	set_bit(flag, &zram->table[index].flags);
}

static void zram_clear_flag(struct zram *zram, unsigned long index, int flag)
{
	clear_bit(flag, &zram->table[index].flags);
}

static size_t zram_get_obj_size(struct zram *zram, unsigned long index)
{
	return READ_ONCE(zram->table[index].flags) & ((1UL << ZRAM_FLAG_SHIFT) - 1);
}

/* Slot lock held: only lock/waiter bits can change concurrently. */
static void zram_set_obj_size(struct zram *zram, unsigned long index, size_t size)
{
	unsigned long *flags = &zram->table[index].flags;
	unsigned long old = READ_ONCE(*flags), new;

	do {
		new = (old >> ZRAM_FLAG_SHIFT << ZRAM_FLAG_SHIFT) | size;
	} while (!__atomic_compare_exchange_n(flags, &old, new, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

static bool page_same_filled(const void *ptr, unsigned long *element)
{
	const unsigned long *page = ptr;
	unsigned long val = page[0];
	size_t pos, last = PAGE_SIZE / sizeof(*page) - 1;

	/* Cheap early exit for the common case: first and last words differ. */
	if (val != page[last])
		return false;
	for (pos = 1; pos < last; pos++)
		if (val != page[pos])
			return false;
	*element = val;
	return true;
}

static void update_used_max(struct zram *zram, unsigned long pages)
{
	long cur = atomic_long_read(&zram->stats.max_used_pages);

	while ((long)pages > cur &&
	       !atomic_long_try_cmpxchg(&zram->stats.max_used_pages, &cur, (long)pages))
		;
}

/* Drop whatever slot @index holds.  Slot lock held. */
static void zram_free_page(struct zram *zram, unsigned long index)
{
	struct zram_table_entry *e = &zram->table[index];
	unsigned long handle;

	if (zram_test_flag(zram, index, ZRAM_SAME)) {
		zram_clear_flag(zram, index, ZRAM_SAME);
		atomic_long_dec(&zram->stats.same_pages);
		atomic_long_dec(&zram->stats.pages_stored);
		goto out;
	}
	handle = READ_ONCE(e->handle);
	if (!handle)
		return;
	if (zram_test_flag(zram, index, ZRAM_HUGE)) {
		zram_clear_flag(zram, index, ZRAM_HUGE);
		atomic_long_dec(&zram->stats.huge_pages);
	}
	zs_free(zram->mem_pool, handle);
	atomic_long_sub((long)zram_get_obj_size(zram, index), &zram->stats.compr_data_size);
	atomic_long_dec(&zram->stats.pages_stored);
out:
	WRITE_ONCE(e->handle, 0);
	zram_set_obj_size(zram, index, 0);
}

/* Point slot @index at a written object and count it. */
static void zram_store(struct zram *zram, unsigned long index,
		       unsigned long handle, size_t comp_len, bool huge)
{
	zram_slot_lock(zram, index);
	zram_free_page(zram, index);
	WRITE_ONCE(zram->table[index].handle, handle);
	zram_set_obj_size(zram, index, comp_len);
	if (huge) {
		zram_set_flag(zram, index, ZRAM_HUGE);
		atomic_long_inc(&zram->stats.huge_pages);
		atomic_long_inc(&zram->stats.huge_pages_since);
	}
	atomic_long_add((long)comp_len, &zram->stats.compr_data_size);
	atomic_long_inc(&zram->stats.pages_stored);
	zram_slot_unlock(zram, index);
}

/**
 * zram_write_page - store one page at @index
 * @zram: the device
 * @index: the sector (page) index
 * @src: PAGE_SIZE bytes
 *
 * Return: 0, -EINVAL for an index past the disk or when the compressor
 * fails, -ENOMEM when the pool cannot grow or mem_limit would be
 * exceeded.  On failure the sector keeps its old contents.
 */
int zram_write_page(struct zram *zram, unsigned long index, const void *src)
{
	unsigned long element, handle, alloced_pages;
	struct zcomp_strm *zstrm;
	size_t comp_len;
	bool huge = false;
	int ret;

	if (index >= zram->nr_pages)
		return -EINVAL;
	atomic_long_inc(&zram->stats.num_writes);

	if (page_same_filled(src, &element)) {
		zram_slot_lock(zram, index);
		zram_free_page(zram, index);
		zram_set_flag(zram, index, ZRAM_SAME);
		WRITE_ONCE(zram->table[index].element, element);
		atomic_long_inc(&zram->stats.same_pages);
		atomic_long_inc(&zram->stats.pages_stored);
		zram_slot_unlock(zram, index);
		return 0;
	}

	zstrm = zcomp_stream_get(zram->comp);
	ret = zcomp_compress(zram->comp, zstrm, src, &comp_len);
	if (unlikely(ret)) {
		/* A backend error is not "incompressible": fail the write. */
		zcomp_stream_put(zstrm);
		pr_err("zram: %s: compression failed: %d\n", zram->name, ret);
		atomic_long_inc(&zram->stats.failed_writes);
		return ret;
	}
	if (comp_len >= zram->huge_class_size) {
		/* Does not compress well enough: keep the page as it is. */
		comp_len = PAGE_SIZE;
		huge = true;
	}

	handle = zs_malloc(zram->mem_pool, comp_len,
			   GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE, 0);
	if (zs_handle_error(handle)) {
		zcomp_stream_put(zstrm);
		atomic_long_inc(&zram->stats.failed_writes);
		return -ENOMEM;
	}
	alloced_pages = zs_get_total_pages(zram->mem_pool);
	update_used_max(zram, alloced_pages);
	if (zram->limit_pages && alloced_pages > zram->limit_pages) {
		zcomp_stream_put(zstrm);
		zs_free(zram->mem_pool, handle);
		atomic_long_inc(&zram->stats.failed_writes);
		return -ENOMEM;
	}
	zs_obj_write(zram->mem_pool, handle, huge ? src : zstrm->buffer, comp_len);
	zcomp_stream_put(zstrm);
	zram_store(zram, index, handle, comp_len, huge);
	return 0;
}

/**
 * zram_adopt_page - store a page in @index on a frame the caller names
 * @zram: the device
 * @index: the sector (page) index
 * @src: PAGE_SIZE bytes
 * @page: an allocated order-0 page, one reference, no type: it becomes
 *	a one-page zspage of the device's pool holding @src
 *
 * kpageflags imports (facade/kpageflags.c) put zsmalloc pages at the PFNs
 * a snapshot names.  The bytes are stored uncompressed, as a huge page:
 * one object per page, whatever @src would compress to, because the
 * snapshot tells how many zsmalloc pages there were and not how objects
 * were packed into them.  kernel: no equivalent.
 *
 * Return: 0, -EINVAL for an index past the disk, -ENOMEM (@page is left
 * as it came).
 */
int zram_adopt_page(struct zram *zram, unsigned long index, const void *src,
		    struct page *page)
{
	unsigned long handle;

	if (index >= zram->nr_pages)
		return -EINVAL;
	atomic_long_inc(&zram->stats.num_writes);
	handle = zs_malloc_adopt(zram->mem_pool, PAGE_SIZE, page);
	if (zs_handle_error(handle)) {
		atomic_long_inc(&zram->stats.failed_writes);
		return -ENOMEM;
	}
	update_used_max(zram, zs_get_total_pages(zram->mem_pool));
	zs_obj_write(zram->mem_pool, handle, src, PAGE_SIZE);
	zram_store(zram, index, handle, PAGE_SIZE, true);
	return 0;
}

/**
 * zram_read_page - read one page back
 * @zram: the device
 * @index: the sector (page) index
 * @dst: PAGE_SIZE bytes; a never-written sector reads as zeroes
 *
 * Return: 0, -EINVAL for an index past the disk or corrupt data.
 */
int zram_read_page(struct zram *zram, unsigned long index, void *dst)
{
	struct zram_table_entry *e;
	unsigned long handle;
	size_t size;
	int ret = 0;

	if (index >= zram->nr_pages)
		return -EINVAL;
	atomic_long_inc(&zram->stats.num_reads);
	e = &zram->table[index];

	zram_slot_lock(zram, index);
	handle = READ_ONCE(e->handle);
	if (zram_test_flag(zram, index, ZRAM_SAME)) {
		unsigned long *p = dst;
		size_t i;

		for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
			p[i] = handle;	/* the element shares the word */
	} else if (!handle) {
		memset(dst, 0, PAGE_SIZE);
	} else {
		struct zcomp_strm *zstrm = zcomp_stream_get(zram->comp);
		void *src;

		size = zram_get_obj_size(zram, index);
		src = zs_obj_read_begin(zram->mem_pool, handle, zstrm->local_copy);
		if (size == PAGE_SIZE)
			memcpy(dst, src, PAGE_SIZE);
		else
			ret = zcomp_decompress(zram->comp, zstrm, src, size, dst);
		zs_obj_read_end(zram->mem_pool, handle, src);
		zcomp_stream_put(zstrm);
	}
	zram_slot_unlock(zram, index);
	if (ret)
		atomic_long_inc(&zram->stats.failed_reads);
	return ret;
}

/**
 * zram_discard - forget sectors [index, index + n)
 * @zram: the device
 * @index: first sector
 * @n: how many
 *
 * Return: 0, or -EINVAL when the range runs past the disk.
 */
int zram_discard(struct zram *zram, unsigned long index, unsigned long n)
{
	unsigned long i;

	if (index > zram->nr_pages || n > zram->nr_pages - index)
		return -EINVAL;
	for (i = index; i < index + n; i++) {
		zram_slot_lock(zram, i);
		zram_free_page(zram, i);
		zram_slot_unlock(zram, i);
	}
	return 0;
}

/**
 * zram_compact - compact the device's pool (sysfs "compact")
 * @zram: the device
 *
 * Return: pages freed.
 */
unsigned long zram_compact(struct zram *zram)
{
	return zs_compact(zram->mem_pool);
}

/**
 * zram_mm_stat - the device's mm_stat line, in the kernel's column order
 * @zram: the device
 * @buf: output
 * @len: its size
 *
 * orig_data_size compr_data_size mem_used_total mem_limit mem_used_max
 * same_pages pages_compacted huge_pages huge_pages_since, sizes in bytes.
 *
 * Return: the length written.
 */
int zram_mm_stat(struct zram *zram, char *buf, size_t len)
{
	struct zs_pool_stats pool_stats;

	zs_pool_stats(zram->mem_pool, &pool_stats);
	return snprintf(buf, len, "%8llu %8llu %8llu %8lu %8ld %8llu %8lu %8llu %8llu\n",
		(unsigned long long)atomic_long_read(&zram->stats.pages_stored) << PAGE_SHIFT,
		(unsigned long long)atomic_long_read(&zram->stats.compr_data_size),
		(unsigned long long)zs_get_total_pages(zram->mem_pool) << PAGE_SHIFT,
		zram->limit_pages << PAGE_SHIFT,
		atomic_long_read(&zram->stats.max_used_pages) << PAGE_SHIFT,
		(unsigned long long)atomic_long_read(&zram->stats.same_pages),
		pool_stats.pages_compacted,
		(unsigned long long)atomic_long_read(&zram->stats.huge_pages),
		(unsigned long long)atomic_long_read(&zram->stats.huge_pages_since));
}

/**
 * zram_add - create and size a device
 * @name: "zram0" and so on
 * @compressor: backend name, NULL for lz4
 * @disksize: bytes, a positive multiple of PAGE_SIZE
 * @mem_limit: bytes of pool the device may use, 0 for no limit
 * @err: the errno on failure
 *
 * Return: the device, or NULL with *@err = -EINVAL (bad size or unknown
 * compressor) or -ENOMEM.
 */
struct zram *zram_add(const char *name, const char *compressor,
		      unsigned long long disksize, unsigned long long mem_limit,
		      int *err)
{
	struct zram *zram;

	if (!compressor)
		compressor = "lz4";
	if (!disksize || disksize % PAGE_SIZE || !zcomp_lookup(compressor)) {
		*err = -EINVAL;
		return NULL;
	}
	*err = -ENOMEM;
	/*
	 * kernel: disksize_store() vzalloc()s the table, an entry per
	 * sector, from the machine's memory: a 1 TiB device on a 512 MiB
	 * machine gets -ENOMEM.  Here the table is the host's, so the same
	 * limit keeps it within the machine's size.
	 */
	if (disksize / PAGE_SIZE > totalram_pages() * PAGE_SIZE / sizeof(*zram->table))
		return NULL;
	zram = calloc(1, sizeof(*zram));
	if (!zram)
		return NULL;
	snprintf(zram->name, sizeof(zram->name), "%s", name);
	zram->nr_pages = (unsigned long)(disksize / PAGE_SIZE);
	zram->limit_pages = (unsigned long)DIV_ROUND_UP(mem_limit, PAGE_SIZE);
	zram->table = calloc(zram->nr_pages, sizeof(*zram->table));
	zram->comp = zcomp_create(compressor);
	zram->mem_pool = zs_create_pool(zram->name);
	if (!zram->table || !zram->comp || !zram->mem_pool) {
		if (zram->mem_pool)
			zs_destroy_pool(zram->mem_pool);
		if (zram->comp)
			zcomp_destroy(zram->comp);
		free(zram->table);
		free(zram);
		return NULL;
	}
	zram->huge_class_size = zs_huge_class_size(zram->mem_pool);
	*err = 0;
	return zram;
}

/**
 * zram_remove - free every slot and the device
 * @zram: the device; no I/O may be in flight
 */
void zram_remove(struct zram *zram)
{
	zram_discard(zram, 0, zram->nr_pages);
	/* -EBUSY (warned): a page stayed isolated; the pool is left behind. */
	zs_destroy_pool(zram->mem_pool);
	zcomp_destroy(zram->comp);
	free(zram->table);
	free(zram);
}
