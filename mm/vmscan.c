// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd: the node's background reclaim thread, reduced to what pagemig
 * reclaims and to the watermark boost that wakes it.
 *
 * When an allocation falls back to another migratetype's pageblock and
 * the block is not turned over whole, mm/page_alloc.c raises the zone's
 * watermark_boost (boost_watermark()) by a pageblock, up to
 * vm.watermark_boost_factor/10000 of the high watermark, and marks the
 * zone ZONE_BOOSTED_WATERMARK; the next allocation from the zone that may
 * wake kswapd clears the mark and calls wakeup_kswapd().  Every watermark
 * includes the boost (wmark_pages()), so a boosted zone looks short of
 * free memory to allocators and to kswapd alike.
 *
 * kswapd then runs balance_pgdat(): it notes each zone's boost, reclaims
 * until the node is balanced (a zone at or above its high watermark) and
 * the boost's worth of pages came back, takes each noted boost off its
 * zone, and wakes kcompactd for a pageblock-order block.  The boost's
 * point is that last step: memory to migrate into, then compaction, so
 * that the next allocation of that type need not fall back again.
 *
 * What it leaves out, and why:
 * - The reclaim is the one pagemig has: shrink_slab() (zsmalloc pools
 *   compacting themselves).  There is no page cache reclaim and no swap,
 *   so no LRU scan, no writeback, no refault or working-set state, no
 *   memcg soft limits; scan_control is the priority and what came back.
 * - The allocator's slow path still wakes kcompactd directly for a
 *   failed high-order attempt (mm/page_alloc.c) instead of going through
 *   wake_all_kswapds(): kswapd is woken only for a boost, by rmqueue(),
 *   and by callers of wakeup_kswapd().
 * - kswapd_try_to_sleep()'s short nap and its proactive kcompactd wake
 *   before a full sleep, the pfmemalloc throttling, freezing, cpusets,
 *   psi and the mm_vmscan_* trace events are not modelled.
 * - One node: NODE_DATA(0), as everywhere in pagemig.
 * - kernel: kswapd_run() at boot for every node.  Here the machine boots
 *   with kswapd "on demand" and the first wakeup_kswapd() that needs it
 *   starts it: a thread is a scheduling point of the deterministic
 *   scheduler, so a machine that never boosts keeps the schedule (and
 *   every figure) it had before kswapd existed.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/compaction.h>
#include <pagemig/vmstat.h>
#include "internal.h"

/* kernel: DEF_PRIORITY, the first of reclaim's 12 priority levels. */
#define DEF_PRIORITY	12

/*
 * Is there a zone up to @highest_zoneidx with a boost?  Top-down, as the
 * kernel looks: the higher zones are the ones that get boosted.
 */
static bool pgdat_watermark_boosted(struct pglist_data *pgdat,
				    int highest_zoneidx)
{
	int i;

	for (i = highest_zoneidx; i >= 0; i--) {
		struct zone *zone = &pgdat->node_zones[i];

		if (zone_managed_pages(zone) && READ_ONCE(zone->watermark_boost))
			return true;
	}
	return false;
}

/*
 * Is some zone up to @highest_zoneidx at or above its high watermark
 * (boost included) for @order?  A node with no managed zone is balanced.
 */
static bool pgdat_balanced(struct pglist_data *pgdat, int order,
			   int highest_zoneidx)
{
	bool any = false;
	int i;

	for (i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_managed_pages(zone))
			continue;
		any = true;
		if (zone_watermark_ok(zone, (unsigned int)order,
				      high_wmark_pages(zone), highest_zoneidx, 0))
			return true;
	}
	return !any;
}

/*
 * One round of kswapd's work (kernel: balance_pgdat()).  Returns the
 * order it reclaimed for.
 *
 * The boosts of the zones are noted first and stay in place while it
 * reclaims, so that allocations near the watermark keep seeing them.  A
 * node that is not balanced even so drops the boost's target and
 * reclaims for the watermark alone.  A node that is balanced reclaims
 * only for the boost, and stops at the first pass that frees nothing.
 * At the end the noted boosts come off the zones (one added meanwhile
 * stays for the next round) and kcompactd is asked for a pageblock.
 */
/*
 * kernel: set_reclaim_active()/clear_reclaim_active(): while kswapd
 * balances the node, the zones it balances keep their per-CPU lists small
 * (nr_pcp_high()), so that freed pages reach the buddy lists at once.
 */
static void reclaim_active(struct pglist_data *pgdat, int highest_zoneidx,
			   bool on)
{
	int i;

	for (i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_managed_pages(zone))
			continue;
		if (on)
			set_bit(ZONE_RECLAIM_ACTIVE, &zone->flags);
		else
			clear_bit(ZONE_RECLAIM_ACTIVE, &zone->flags);
	}
}

static int balance_pgdat(struct pglist_data *pgdat, int order,
			 int highest_zoneidx)
{
	unsigned long zone_boosts[MAX_NR_ZONES] = { 0 };
	unsigned long nr_boost_reclaim = 0, nr_reclaimed = 0;
	int priority, i;
	bool boosted;

	count_vm_event(PAGEOUTRUN);
	for (i = 0; i <= highest_zoneidx; i++) {
		struct zone *zone = &pgdat->node_zones[i];

		if (!zone_managed_pages(zone))
			continue;
		zone_boosts[i] = READ_ONCE(zone->watermark_boost);
		nr_boost_reclaim += zone_boosts[i];
	}
	boosted = nr_boost_reclaim;
	reclaim_active(pgdat, highest_zoneidx, true);

restart:
	for (priority = DEF_PRIORITY; priority >= 1;) {
		bool balanced = pgdat_balanced(pgdat, order, highest_zoneidx);
		unsigned long got;

		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;

		/*
		 * kernel: shrink_node() over the LRU lists and the slab caches
		 * at this priority.  pagemig has only the shrinkers.
		 */
		got = shrink_slab();
		nr_reclaimed += got;
		if (kthread_should_stop())
			break;
		nr_boost_reclaim -= min(nr_boost_reclaim, got);
		/* Nothing came back for a boost: do not loop on it. */
		if (nr_boost_reclaim && !got)
			break;
		/* Boosted reclaim stays at low priority (no writeback there). */
		if (!got || !(nr_boost_reclaim && priority == DEF_PRIORITY - 2))
			priority--;
	}
	/* kernel: shrink_node() resets the count when it reclaims. */
	if (!nr_reclaimed)
		WRITE_ONCE(pgdat->kswapd_failures, pgdat->kswapd_failures + 1);
	else
		WRITE_ONCE(pgdat->kswapd_failures, 0);
out:
	if (boosted) {
		for (i = 0; i <= highest_zoneidx; i++) {
			struct zone *zone = &pgdat->node_zones[i];

			if (!zone_boosts[i])
				continue;
			/* boost_watermark() raises it under the zone lock. */
			spin_lock(&zone->lock);
			WRITE_ONCE(zone->watermark_boost, zone->watermark_boost -
				   min(zone->watermark_boost, zone_boosts[i]));
			spin_unlock(&zone->lock);
		}
		/* There is likely room now: compact toward a free pageblock. */
		wakeup_kcompactd(pgdat, pageblock_order, highest_zoneidx);
	}
	reclaim_active(pgdat, highest_zoneidx, false);
	return order;
}

/*
 * Start kswapd on its first wake-up (see the file header).  Only one
 * caller starts it; one that finds it starting goes on, and the request
 * it leaves is the first thing the new thread sees.  Return: false if
 * kswapd is off (stopped) or could not be started.
 */
static bool kswapd_start_on_demand(struct pglist_data *pgdat)
{
	int state = KSWAPD_ON_DEMAND;

	if (READ_ONCE(pgdat->kswapd))
		return true;
	if (!__atomic_compare_exchange_n(&pgdat->kswapd_state, &state,
					 KSWAPD_STARTING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return state != KSWAPD_OFF;
	if (!kswapd_run(0))
		return true;
	__atomic_store_n(&pgdat->kswapd_state, KSWAPD_ON_DEMAND, __ATOMIC_RELEASE);
	return false;
}

/* Woken, or told to stop. */
static bool kswapd_work_requested(struct pglist_data *pgdat)
{
	return READ_ONCE(pgdat->kswapd_wake) || kthread_should_stop() ||
	       READ_ONCE(pgdat->kswapd_stopping);
}

/* The daemon's body (kernel: kswapd()). */
static int kswapd(void *data)
{
	struct pglist_data *pgdat = data;

	for (;;) {
		int order, highest_zoneidx;

		wait_event_timeout(pgdat->kswapd_wait,
				   kswapd_work_requested(pgdat), KSWAPD_IDLE_MSEC);
		if (kthread_should_stop() || READ_ONCE(pgdat->kswapd_stopping))
			break;
		if (!READ_ONCE(pgdat->kswapd_wake))
			continue;
		/* Take the request; one made from here on wakes us again. */
		WRITE_ONCE(pgdat->kswapd_wake, false);
		order = READ_ONCE(pgdat->kswapd_order);
		highest_zoneidx = READ_ONCE(pgdat->kswapd_highest_zoneidx);
		if (highest_zoneidx == MAX_NR_ZONES)
			highest_zoneidx = pgdat->nr_zones - 1;
		WRITE_ONCE(pgdat->kswapd_order, 0);
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
		balance_pgdat(pgdat, order, highest_zoneidx);
	}
	return 0;
}

/**
 * wakeup_kswapd - a zone is short of free memory or was boosted: wake kswapd
 * @zone: the zone
 * @gfp_flags: the allocation's flags
 * @order: the order it wants
 * @highest_zoneidx: the highest zone it may use
 *
 * Records @order and @highest_zoneidx for kswapd's next round.  A node
 * that reclaim keeps failing on, or that is balanced with no boost, is
 * left to kcompactd (woken here unless the caller may compact directly).
 *
 * Context: any thread, no locks needed.
 */
void wakeup_kswapd(struct zone *zone, gfp_t gfp_flags, int order,
		   int highest_zoneidx)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	int curr_idx;

	if (!zone_managed_pages(zone))
		return;
	curr_idx = READ_ONCE(pgdat->kswapd_highest_zoneidx);
	if (curr_idx == MAX_NR_ZONES || curr_idx < highest_zoneidx)
		WRITE_ONCE(pgdat->kswapd_highest_zoneidx, highest_zoneidx);
	if (READ_ONCE(pgdat->kswapd_order) < order)
		WRITE_ONCE(pgdat->kswapd_order, order);
	if (!kswapd_start_on_demand(pgdat))
		return;
	if (READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(pgdat, order, highest_zoneidx) &&
	     !pgdat_watermark_boosted(pgdat, highest_zoneidx))) {
		if (!(gfp_flags & __GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(pgdat, order, highest_zoneidx);
		return;
	}
	WRITE_ONCE(pgdat->kswapd_wake, true);
	wake_up(&pgdat->kswapd_wait);
}

/**
 * kswapd_run - start node @nid's kswapd
 * @nid: the node (0)
 *
 * A no-op if it runs already.  Like kcompactd it runs as the machine's
 * last CPU.  wakeup_kswapd() calls it on first demand; tests call it to
 * have the thread whatever the state.
 *
 * Context: kswapd_init() has run; not concurrently with kswapd_stop().
 * Return: 0, or -ENOMEM if the thread could not be created.
 */
int kswapd_run(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	struct task_struct *task;

	if (pgdat->kswapd)
		return 0;
	WRITE_ONCE(pgdat->kswapd_stopping, false);
	WRITE_ONCE(pgdat->kswapd_wake, false);
	task = kthread_run_on_cpu(kswapd, pgdat, (int)nr_cpu_ids - 1, "kswapd0");
	if (!task) {
		pr_err("kswapd: cannot start the thread for node %d\n", nid);
		return -ENOMEM;
	}
	WRITE_ONCE(pgdat->kswapd, task);
	__atomic_store_n(&pgdat->kswapd_state, KSWAPD_RUNNING, __ATOMIC_RELEASE);
	return 0;
}

/**
 * kswapd_stop - stop node @nid's kswapd and wait for it
 * @nid: the node (0)
 *
 * A round under way finishes first.  It stays off, even on demand,
 * until kswapd_run() (the test harness stops it this way).
 *
 * Context: not from kswapd itself; not concurrently with kswapd_run() or
 * an allocation that may start it.
 */
void kswapd_stop(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	struct task_struct *task = pgdat->kswapd;

	__atomic_store_n(&pgdat->kswapd_state, KSWAPD_OFF, __ATOMIC_RELEASE);
	if (!task)
		return;
	/* kernel: kthread_stop() wakes it; ours must be woken to see it. */
	WRITE_ONCE(pgdat->kswapd_stopping, true);
	wake_up(&pgdat->kswapd_wait);
	kthread_stop(task);
	WRITE_ONCE(pgdat->kswapd, NULL);
}

/**
 * kswapd_init - boot-time set-up: the request state, kswapd on demand
 *
 * Return: 0.
 */
int kswapd_init(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	WRITE_ONCE(pgdat->kswapd_order, 0);
	WRITE_ONCE(pgdat->kswapd_highest_zoneidx, MAX_NR_ZONES);
	WRITE_ONCE(pgdat->kswapd_failures, 0);
	init_waitqueue_head(&pgdat->kswapd_wait);
	__atomic_store_n(&pgdat->kswapd_state, KSWAPD_ON_DEMAND, __ATOMIC_RELEASE);
	return 0;
}

/**
 * kswapd_exit - stop the daemon at machine teardown
 *
 * Context: no allocation may run concurrently (the wait queue goes).
 */
void kswapd_exit(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	kswapd_stop(0);
	destroy_waitqueue_head(&pgdat->kswapd_wait);
}
