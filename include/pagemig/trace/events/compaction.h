/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compaction:* trace events (kernel: include/trace/events/compaction.h),
 * fired from mm/compaction.c at the kernel's places with the kernel's
 * arguments; mm/trace.c prints them in the 6.18 formats.  Where the
 * kernel passes its compact_control, the values it reads from it are
 * passed instead (compact_control is private to mm/compaction.c).
 *
 * Zones print by name; an order of -1 is a whole-zone compaction
 * (compact_memory, proactive); statuses are compact_result's names.
 */
#ifndef _PAGEMIG_TRACE_EVENTS_COMPACTION_H
#define _PAGEMIG_TRACE_EVENTS_COMPACTION_H

#include <stdbool.h>
#include <pagemig/gfp.h>
#include <pagemig/mmzone.h>
#include <pagemig/tracepoint.h>

/* A scanner's pass over [start_pfn, end_pfn): pages scanned and taken. */
DECLARE_TRACE_EVENT(mm_compaction_isolate_migratepages,
	TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
		 unsigned long nr_scanned, unsigned long nr_taken),
	TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken))

DECLARE_TRACE_EVENT(mm_compaction_isolate_freepages,
	TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
		 unsigned long nr_scanned, unsigned long nr_taken),
	TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken))

DECLARE_TRACE_EVENT(mm_compaction_fast_isolate_freepages,
	TP_PROTO(unsigned long start_pfn, unsigned long end_pfn,
		 unsigned long nr_scanned, unsigned long nr_taken),
	TP_ARGS(start_pfn, end_pfn, nr_scanned, nr_taken))

/* After one migrate_pages() round: nr_failed = nr_migratepages - nr_succeeded. */
DECLARE_TRACE_EVENT(mm_compaction_migratepages,
	TP_PROTO(unsigned int nr_migratepages, unsigned int nr_succeeded),
	TP_ARGS(nr_migratepages, nr_succeeded))

/* compact_zone() starts: the zone and where its scanners start. */
DECLARE_TRACE_EVENT(mm_compaction_begin,
	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		 unsigned long free_pfn, unsigned long zone_end, bool sync),
	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync))

/* compact_zone() returns @status: where the scanners stopped. */
DECLARE_TRACE_EVENT(mm_compaction_end,
	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn,
		 unsigned long free_pfn, unsigned long zone_end, bool sync,
		 int status),
	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status))

/* Direct compaction for an allocation of @order. */
DECLARE_TRACE_EVENT(mm_compaction_try_to_compact_pages,
	TP_PROTO(int order, gfp_t gfp_mask, int prio),
	TP_ARGS(order, gfp_mask, prio))

/* compact_finished() and compaction_suitable() answered @ret. */
DECLARE_TRACE_EVENT(mm_compaction_finished,
	TP_PROTO(struct zone *zone, int order, int ret),
	TP_ARGS(zone, order, ret))

DECLARE_TRACE_EVENT(mm_compaction_suitable,
	TP_PROTO(struct zone *zone, int order, int ret),
	TP_ARGS(zone, order, ret))

/* Deferral: the zone's counters as they are after the change. */
DECLARE_TRACE_EVENT(mm_compaction_deferred,
	TP_PROTO(struct zone *zone, int order),
	TP_ARGS(zone, order))

DECLARE_TRACE_EVENT(mm_compaction_defer_compaction,
	TP_PROTO(struct zone *zone, int order),
	TP_ARGS(zone, order))

DECLARE_TRACE_EVENT(mm_compaction_defer_reset,
	TP_PROTO(struct zone *zone, int order),
	TP_ARGS(zone, order))

/* kcompactd: goes to sleep; is woken (by whom, for what); starts work. */
DECLARE_TRACE_EVENT(mm_compaction_kcompactd_sleep,
	TP_PROTO(int nid),
	TP_ARGS(nid))

DECLARE_TRACE_EVENT(mm_compaction_wakeup_kcompactd,
	TP_PROTO(int nid, int order, enum zone_type highest_zoneidx),
	TP_ARGS(nid, order, highest_zoneidx))

DECLARE_TRACE_EVENT(mm_compaction_kcompactd_wake,
	TP_PROTO(int nid, int order, enum zone_type highest_zoneidx),
	TP_ARGS(nid, order, highest_zoneidx))

#endif /* _PAGEMIG_TRACE_EVENTS_COMPACTION_H */
