// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor model behind the balloon drivers, and their shared
 * worker loop.  See balloon_host.h.
 *
 * Discards are batched: an inflated frame is queued and the queue is
 * flushed (one madvise per contiguous run) when it fills or when the host
 * is asked to settle.  A frame deflated while its discard is still queued
 * is zeroed instead, so the guest always gets zeroes back and a queued
 * discard can never hit a frame the guest uses again: discards run under
 * host->lock and skip frames that are no longer pending.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/fault-inject.h>
#include "../sim/arena.h"
#include "balloon_host.h"

struct balloon_host *balloon_hosts[NR_BALLOON_DRIVERS];
const char * const balloon_driver_names[NR_BALLOON_DRIVERS] = {
	[BALLOON_VIRTIO] = "virtio_balloon",
	[BALLOON_VMW] = "vmw_balloon",
	[BALLOON_CMM] = "cmm",
};

static void host_flush_locked(struct balloon_host *host)
{
	unsigned int i = 0;

	while (i < host->nr_queued) {
		unsigned long start = host->queue[i], nr = 0;

		/* Coalesce a run of consecutive, still-pending frames. */
		while (i < host->nr_queued && host->queue[i] == start + nr &&
		       test_bit((long)(start + nr), host->pending)) {
			__clear_bit((long)(start + nr), host->pending);
			nr++;
			i++;
		}
		if (nr) {
			arena_discard(start, nr);
			host->discarded += nr;
		} else {
			i++;	/* deflated before its discard ran */
		}
	}
	host->nr_queued = 0;
}

/**
 * balloon_host_flush - run every queued discard now
 * @host: the host
 */
void balloon_host_flush(struct balloon_host *host)
{
	spin_lock(&host->lock);
	host_flush_locked(host);
	spin_unlock(&host->lock);
}

/* A fallible call refused by the "balloon_host" fault point: count it. */
static bool host_refuses(struct balloon_host *host, bool fallible)
{
	if (!fallible || !should_fail(FAULT_BALLOON_HOST))
		return false;
	spin_lock(&host->lock);
	host->refused++;
	spin_unlock(&host->lock);
	return true;
}

/**
 * balloon_host_inflate - the guest hands frames to the host
 * @host: the host
 * @pfns: the frames
 * @n: how many
 * @fallible: whether the host may refuse (fault point "balloon_host")
 *
 * Return: 0, or -EIO if refused (nothing changed).  A frame the host
 * already holds is a protocol violation: warned about and skipped.
 */
int balloon_host_inflate(struct balloon_host *host, const unsigned long *pfns,
			 unsigned int n, bool fallible)
{
	unsigned int i;

	if (host_refuses(host, fallible))
		return -EIO;
	spin_lock(&host->lock);
	host->inflate_msgs++;
	for (i = 0; i < n; i++) {
		unsigned long pfn = pfns[i];

		if (WARN_ON_ONCE(test_bit((long)pfn, host->owned)))
			continue;
		__set_bit((long)pfn, host->owned);
		__set_bit((long)pfn, host->pending);
		host->nr_owned++;
		host->inflated++;
		host->queue[host->nr_queued++] = pfn;
		if (host->nr_queued == BALLOON_HOST_QUEUE)
			host_flush_locked(host);
	}
	spin_unlock(&host->lock);
	return 0;
}

/**
 * balloon_host_deflate - the host gives frames back to the guest, zeroed
 * @host: the host
 * @pfns: the frames
 * @n: how many
 * @fallible: whether the host may refuse
 *
 * Return: 0, or -EIO if refused (nothing changed).
 */
int balloon_host_deflate(struct balloon_host *host, const unsigned long *pfns,
			 unsigned int n, bool fallible)
{
	unsigned int i;

	if (host_refuses(host, fallible))
		return -EIO;
	spin_lock(&host->lock);
	host->deflate_msgs++;
	for (i = 0; i < n; i++) {
		unsigned long pfn = pfns[i];

		if (WARN_ON_ONCE(!test_bit((long)pfn, host->owned)))
			continue;
		__clear_bit((long)pfn, host->owned);
		host->nr_owned--;
		host->deflated++;
		if (test_bit((long)pfn, host->pending)) {
			/* Never discarded: hand it back zeroed all the same. */
			__clear_bit((long)pfn, host->pending);
			memset(page_address(pfn_to_page(pfn)), 0, PAGE_SIZE);
		}
	}
	spin_unlock(&host->lock);
	return 0;
}

/**
 * balloon_host_owns - does the host hold this frame?
 * @host: the host
 * @pfn: the frame
 *
 * Return: true if inflated and not deflated since.
 */
bool balloon_host_owns(struct balloon_host *host, unsigned long pfn)
{
	return test_bit((long)pfn, host->owned);
}

/*
 * The guest's worker: kernel drivers run this as a work item (virtio),
 * a delayed work (vmw) or a kthread (cmm).  It moves the balloon toward
 * the target, reports where it settled, and sleeps until kicked.
 */
static int balloon_worker(void *data)
{
	struct balloon_host *host = data;

	while (!READ_ONCE(host->stopping)) {
		unsigned long gen = READ_ONCE(host->generation);
		int status = 0, idle = 0;

		for (;;) {
			unsigned long size = host->ops->size(host);
			unsigned long target = READ_ONCE(host->target);

			if (size == target || READ_ONCE(host->stopping))
				break;
			if (size < target) {
				if (!host->ops->inflate(host, target - size)) {
					status = -ENOMEM;	/* out of puff */
					break;
				}
			} else if (!host->ops->deflate(host, size - target)) {
				/* All left are isolated for migration: wait a bit. */
				if (++idle > 100) {
					status = -EAGAIN;
					break;
				}
				msleep(1);
			}
		}
		balloon_host_flush(host);
		WRITE_ONCE(host->last_status, status);
		smp_store_release(&host->settled_generation, gen);
		wake_up(&host->settled);
		wait_event_timeout(host->kick,
				   READ_ONCE(host->generation) != gen ||
				   READ_ONCE(host->stopping), 1000);
	}
	return 0;
}

/**
 * balloon_host_set_target - ask the guest to move its balloon to @pages
 * @host: the host
 * @pages: the new size
 * @timeout_ms: how long to wait for the guest to settle
 *
 * Return: 0 when the balloon reached the target, -ENOMEM when the guest
 * could not find enough memory, -EAGAIN when pages stayed isolated,
 * -ETIMEDOUT when it did not settle in time.
 */
int balloon_host_set_target(struct balloon_host *host, unsigned long pages,
			    unsigned int timeout_ms)
{
	unsigned long gen;

	spin_lock(&host->lock);
	WRITE_ONCE(host->target, pages);
	gen = host->generation + 1;
	WRITE_ONCE(host->generation, gen);
	spin_unlock(&host->lock);
	wake_up(&host->kick);
	if (!wait_event_timeout(host->settled,
				smp_load_acquire(&host->settled_generation) >= gen,
				timeout_ms))
		return -ETIMEDOUT;
	return READ_ONCE(host->last_status);
}

/**
 * balloon_host_init - set up a host and start the guest's worker
 * @host: the host
 * @name: the driver's name
 * @b_dev_info: the guest's balloon
 * @ops: the driver's inflate/deflate/size
 * @cpu: the CPU the worker runs on
 *
 * Return: 0 or -ENOMEM.
 */
int balloon_host_init(struct balloon_host *host, const char *name,
		      struct balloon_dev_info *b_dev_info,
		      const struct balloon_guest_ops *ops, int cpu)
{
	size_t bytes = BITS_TO_LONGS(max_pfn) * sizeof(long);

	memset(host, 0, sizeof(*host));
	host->name = name;
	host->b_dev_info = b_dev_info;
	host->ops = ops;
	spin_lock_init_named(&host->lock, "balloon_host->lock", LOCK_RANK_LEAF);
	init_waitqueue_head(&host->kick);
	init_waitqueue_head(&host->settled);
	host->owned = arena_map_meta(bytes);
	host->pending = arena_map_meta(bytes);
	if (!host->owned || !host->pending)
		goto out_free;
	host->worker = kthread_run_on_cpu(balloon_worker, host, cpu, name);
	if (!host->worker)
		goto out_free;
	return 0;

out_free:
	if (host->owned)
		arena_unmap_meta(host->owned, bytes);
	if (host->pending)
		arena_unmap_meta(host->pending, bytes);
	destroy_waitqueue_head(&host->kick);
	destroy_waitqueue_head(&host->settled);
	return -ENOMEM;
}

/**
 * balloon_host_drain - deflate the whole balloon, for a driver's remove
 * @host: a stopped host
 *
 * Pages an isolator holds (compaction, alloc_contig_range, offlining)
 * cannot be dequeued until it migrates them or puts them back, so a
 * deflate that gets nothing is retried after a short sleep instead of
 * ending the loop: the device must not go while an isolated page still
 * names it (kernel: remove_common() loops until the balloon is empty).
 * Gives up with a warning after about ten seconds without progress.
 */
void balloon_host_drain(struct balloon_host *host)
{
	unsigned int idle = 0;

	while (host->ops->size(host)) {
		if (host->ops->deflate(host, host->ops->size(host))) {
			idle = 0;
			continue;
		}
		if (WARN_ON_ONCE(++idle > 10000))
			break;
		msleep(1);
	}
}

/**
 * balloon_host_stop - stop the guest's worker
 * @host: the host
 *
 * The driver deflates what is left after this, then calls
 * balloon_host_exit().
 */
void balloon_host_stop(struct balloon_host *host)
{
	if (!host->worker)
		return;
	WRITE_ONCE(host->stopping, true);
	wake_up(&host->kick);
	kthread_stop(host->worker);
	host->worker = NULL;
}

/**
 * balloon_host_exit - release the host
 * @host: the host; its worker is stopped and the balloon is empty
 */
void balloon_host_exit(struct balloon_host *host)
{
	size_t bytes = BITS_TO_LONGS(max_pfn) * sizeof(long);

	balloon_host_stop(host);
	WARN_ON_ONCE(host->nr_owned);
	balloon_host_flush(host);
	arena_unmap_meta(host->owned, bytes);
	arena_unmap_meta(host->pending, bytes);
	destroy_waitqueue_head(&host->kick);
	destroy_waitqueue_head(&host->settled);
}
