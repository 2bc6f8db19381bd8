// SPDX-License-Identifier: GPL-2.0
/*
 * zram devices for the public facade: create, write/read/discard by
 * sector, compact, and the kernel's mm_stat line.  Devices are numbered
 * zram0.. as the kernel numbers them and all go away with the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/vmstat.h>
#include "../mm/facade.h"
#include "../drivers/zram/zram_drv.h"
#include "internal.h"

static struct zram *zram_devices[PAGEMIG_MAX_ZRAM];
static DEFINE_MUTEX_STATIC(zram_index_mutex, LOCK_RANK_DRIVER);

struct zram *zram_device(int id)
{
	if (!machine_ready || id < 0 || id >= PAGEMIG_MAX_ZRAM)
		return NULL;
	return READ_ONCE(zram_devices[id]);
}

int pagemig_zram_create(const char *compressor, uint64_t disksize, uint64_t mem_limit)
{
	char name[16];
	int id, err;

	if (!machine_ready)
		return -ENODEV;
	mutex_lock(&zram_index_mutex);
	for (id = 0; id < PAGEMIG_MAX_ZRAM; id++)
		if (!zram_devices[id])
			break;
	if (id == PAGEMIG_MAX_ZRAM) {
		mutex_unlock(&zram_index_mutex);
		return -ENOSPC;
	}
	snprintf(name, sizeof(name), "zram%d", id);
	zram_devices[id] = zram_add(name, compressor, disksize, mem_limit, &err);
	mutex_unlock(&zram_index_mutex);
	return zram_devices[id] ? id : err;
}

int pagemig_zram_destroy(int id)
{
	struct zram *zram;

	mutex_lock(&zram_index_mutex);
	zram = zram_device(id);
	if (zram)
		zram_devices[id] = NULL;
	mutex_unlock(&zram_index_mutex);
	if (!zram)
		return -ENODEV;
	import_zram_gone(id);
	zram_remove(zram);
	return 0;
}

/* Machine teardown: every device goes before the memory does. */
void zram_destroy_all(void)
{
	int id;

	for (id = 0; id < PAGEMIG_MAX_ZRAM; id++) {
		struct zram *zram = zram_devices[id];

		zram_devices[id] = NULL;
		if (zram)
			zram_remove(zram);
	}
}

int pagemig_zram_write(int id, unsigned long index, const void *buf)
{
	struct zram *zram = zram_device(id);

	return zram ? zram_write_page(zram, index, buf) : -ENODEV;
}

int pagemig_zram_read(int id, unsigned long index, void *buf)
{
	struct zram *zram = zram_device(id);

	return zram ? zram_read_page(zram, index, buf) : -ENODEV;
}

int pagemig_zram_discard(int id, unsigned long index, unsigned long n)
{
	struct zram *zram = zram_device(id);

	return zram ? zram_discard(zram, index, n) : -ENODEV;
}

long pagemig_zram_compact(int id)
{
	struct zram *zram = zram_device(id);

	return zram ? (long)zram_compact(zram) : -ENODEV;
}

int pagemig_zram_mm_stat(int id, char *buf, size_t len)
{
	struct zram *zram = zram_device(id);

	return zram ? zram_mm_stat(zram, buf, len) : -ENODEV;
}

int pagemig_zram_stats(int id, struct pagemig_zram_stats *st)
{
	struct zram *zram = zram_device(id);
	struct zs_pool_stats pool_stats;

	if (!zram)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	zs_pool_stats(zram->mem_pool, &pool_stats);
	st->name = zram->name;
	st->compressor = zram->comp->ops->name;
	st->disksize = (uint64_t)zram->nr_pages * PAGE_SIZE;
	st->orig_data_size = (uint64_t)atomic_long_read(&zram->stats.pages_stored) * PAGE_SIZE;
	st->compr_data_size = (uint64_t)atomic_long_read(&zram->stats.compr_data_size);
	st->mem_used_total = (uint64_t)zs_get_total_pages(zram->mem_pool) * PAGE_SIZE;
	st->mem_limit = (uint64_t)zram->limit_pages * PAGE_SIZE;
	st->mem_used_max = (uint64_t)atomic_long_read(&zram->stats.max_used_pages) * PAGE_SIZE;
	st->same_pages = (uint64_t)atomic_long_read(&zram->stats.same_pages);
	st->pages_compacted = pool_stats.pages_compacted;
	st->huge_pages = (uint64_t)atomic_long_read(&zram->stats.huge_pages);
	st->huge_pages_since = (uint64_t)atomic_long_read(&zram->stats.huge_pages_since);
	st->failed_writes = (uint64_t)atomic_long_read(&zram->stats.failed_writes);
	st->failed_reads = (uint64_t)atomic_long_read(&zram->stats.failed_reads);
	return 0;
}

const char *pagemig_zram_compressor(unsigned int i)
{
	return zcomp_available(i);
}
