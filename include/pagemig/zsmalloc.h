/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zsmalloc: a memory allocator for compressed pages (zram's backend).
 *
 * Objects of any size up to a page are packed into "zspages" of one to
 * eight physical pages; an object may straddle two pages.  Callers get an
 * opaque handle that stays valid while zsmalloc moves the object --
 * through compaction of its own (zs_compact()) or through page migration,
 * where zsmalloc pages are movable_ops pages of type PageZsmalloc.
 */
#ifndef _PAGEMIG_ZSMALLOC_H
#define _PAGEMIG_ZSMALLOC_H

#include <stddef.h>
#include "gfp.h"

struct zs_pool;
struct page;

struct zs_pool_stats {
	/* Pages freed by zs_compact() (and by the shrinker). */
	unsigned long pages_compacted;
};

struct zs_pool *zs_create_pool(const char *name);
int zs_destroy_pool(struct zs_pool *pool);
/* Machine teardown (kernel: module exit): drop the movable_ops registration. */
void zs_exit(void);

/* Returns a handle, or a negative errno cast to unsigned long. */
unsigned long zs_malloc(struct zs_pool *pool, size_t size, gfp_t flags, int nid);
void zs_free(struct zs_pool *pool, unsigned long handle);
/* pagemig: kpageflags imports; see mm/zsmalloc.c */
unsigned long zs_malloc_adopt(struct zs_pool *pool, size_t size, struct page *page);

static inline bool zs_handle_error(unsigned long handle)
{
	return handle >= (unsigned long)-4095 || !handle;
}

void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle, void *local_copy);
void zs_obj_read_end(struct zs_pool *pool, unsigned long handle, void *handle_mem);
void zs_obj_write(struct zs_pool *pool, unsigned long handle, const void *handle_mem,
		  size_t mem_len);

size_t zs_huge_class_size(struct zs_pool *pool);
unsigned long zs_get_total_pages(struct zs_pool *pool);
unsigned long zs_compact(struct zs_pool *pool);
void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats);
unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size);

/* For tests and reports: a size class's shape and its zspages per fullness group. */
struct zs_class_info {
	unsigned int size, pages_per_zspage, objs_per_zspage;
	unsigned long objs_allocated, objs_inuse;
	unsigned long fullness[12];
	bool merged;		/* this index shares the class of a larger one */
};
int zs_class_info(struct zs_pool *pool, unsigned int index, struct zs_class_info *info);
/* Flush deferred zspage frees (the pool's free worker) and wait for them. */
void zs_flush_deferred(struct zs_pool *pool);

#define ZS_SIZE_CLASSES_NR	255

#endif /* _PAGEMIG_ZSMALLOC_H */
