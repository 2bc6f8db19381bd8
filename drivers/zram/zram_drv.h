/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zram: a block device of 4 KiB sectors kept compressed in memory, on a
 * zsmalloc pool.  The block layer is modelled by plain page-sized reads,
 * writes and discards by index.
 */
#ifndef _PAGEMIG_DRIVERS_ZRAM_DRV_H
#define _PAGEMIG_DRIVERS_ZRAM_DRV_H

#include <stddef.h>
#include <pagemig/zsmalloc.h>
#include "zcomp.h"

/*
 * A slot's flags word: the low bits hold the stored object's size, the
 * bits above ZRAM_FLAG_SHIFT the flags.  ZRAM_LOCK is a sleeping bit lock
 * (readers hold it while they decompress).
 */
#define ZRAM_FLAG_SHIFT	16
enum zram_pageflags {
	ZRAM_LOCK = ZRAM_FLAG_SHIFT,
	ZRAM_WAITERS,		/* someone sleeps on ZRAM_LOCK */
	ZRAM_SAME,		/* all words equal: value kept, no object */
	ZRAM_HUGE,		/* incompressible: stored as a whole page */
	__NR_ZRAM_PAGEFLAGS,
};

struct zram_table_entry {
	union {
		unsigned long handle;
		unsigned long element;	/* ZRAM_SAME: the repeated word */
	};
	unsigned long flags;
};

struct zram_stats {
	atomic_long_t compr_data_size;	/* bytes in zsmalloc objects */
	atomic_long_t pages_stored;
	atomic_long_t same_pages;
	atomic_long_t huge_pages;
	atomic_long_t huge_pages_since;
	atomic_long_t max_used_pages;
	atomic_long_t num_reads, num_writes, failed_reads, failed_writes;
};

struct zram {
	struct zram_table_entry *table;
	unsigned long nr_pages;		/* disksize / PAGE_SIZE */
	struct zs_pool *mem_pool;
	struct zcomp *comp;
	unsigned long limit_pages;	/* mem_limit; 0 = none */
	size_t huge_class_size;
	struct zram_stats stats;
	char name[16];
};

struct zram *zram_add(const char *name, const char *compressor,
		      unsigned long long disksize, unsigned long long mem_limit,
		      int *err);
void zram_remove(struct zram *zram);
int zram_write_page(struct zram *zram, unsigned long index, const void *src);
int zram_adopt_page(struct zram *zram, unsigned long index, const void *src,
		    struct page *page);
int zram_read_page(struct zram *zram, unsigned long index, void *dst);
int zram_discard(struct zram *zram, unsigned long index, unsigned long n);
unsigned long zram_compact(struct zram *zram);
int zram_mm_stat(struct zram *zram, char *buf, size_t len);

#endif /* _PAGEMIG_DRIVERS_ZRAM_DRV_H */
