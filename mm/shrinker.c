// SPDX-License-Identifier: GPL-2.0
/*
 * Shrinkers: caches register a count and a scan callback, and the
 * allocator's slow path asks them to give pages back before it fails an
 * allocation (kernel: shrink_slab() from direct reclaim).  Today the only
 * shrinker is zsmalloc's, which compacts its pool.
 *
 * The list is an RCU-free fixed table under a mutex: registration is
 * rare, and shrinking runs with no other lock held.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include "internal.h"

#define MAX_SHRINKERS	16

struct shrinker {
	unsigned long (*count)(void *data);
	void (*scan)(void *data);
	void *data;
};

static struct shrinker shrinkers[MAX_SHRINKERS];
/*
 * Inside mmap_lock: a page fault allocates under it and may reclaim
 * (kernel: mmap_lock, then fs_reclaim, then shrinker_rwsem).
 */
static DEFINE_MUTEX_STATIC(shrinker_mutex, LOCK_RANK_RECLAIM);

/**
 * register_shrinker - add a cache to shrink under memory pressure
 * @count: how many pages a scan could free now
 * @scan: free what it can
 * @data: passed to both; also the key for unregister_shrinker()
 *
 * Return: 0, or -ENOSPC when the table is full.
 */
int register_shrinker(unsigned long (*count)(void *data),
		      void (*scan)(void *data), void *data)
{
	int i, ret = -ENOSPC;

	mutex_lock(&shrinker_mutex);
	for (i = 0; i < MAX_SHRINKERS; i++) {
		if (!shrinkers[i].data) {
			shrinkers[i].count = count;
			shrinkers[i].scan = scan;
			shrinkers[i].data = data;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&shrinker_mutex);
	return ret;
}

/**
 * unregister_shrinker - remove the shrinker registered with @data
 * @data: what was passed to register_shrinker()
 *
 * On return no scan of it is running or will start.
 */
void unregister_shrinker(void *data)
{
	int i;

	mutex_lock(&shrinker_mutex);
	for (i = 0; i < MAX_SHRINKERS; i++)
		if (shrinkers[i].data == data)
			shrinkers[i].data = NULL;
	mutex_unlock(&shrinker_mutex);
}

/**
 * shrink_slab - ask every shrinker with something to give to scan
 *
 * Context: may sleep; the caller holds no mm locks.
 * Return: the pages the shrinkers said they could free before scanning.
 */
unsigned long shrink_slab(void)
{
	unsigned long total = 0;
	int i;

	mutex_lock(&shrinker_mutex);
	for (i = 0; i < MAX_SHRINKERS; i++) {
		unsigned long n;

		if (!shrinkers[i].data)
			continue;
		n = shrinkers[i].count(shrinkers[i].data);
		if (n) {
			shrinkers[i].scan(shrinkers[i].data);
			total += n;
		}
	}
	mutex_unlock(&shrinker_mutex);
	return total;
}
