// SPDX-License-Identifier: GPL-2.0
/*
 * The trace events' lines: one __trace_<name>() per event declared in
 * <pagemig/trace/events/compaction.h> and <pagemig/trace/events/migrate.h>,
 * each printing its fields with the names, order and print format that
 * Linux 6.18's tracefs shows in events/<system>/<name>/format, so that a
 * pagemig trace and a kernel trace read, grep and diff alike.  Symbolic
 * values print as the kernel's __print_symbolic() and __print_flags()
 * do: the name if there is one, else the number in hex.
 *
 * Only reached with tracing on (trace_enabled()); sim/trace.c writes the
 * line.  Each __trace_<name>() is described with its event in the
 * header that declares it.  The kernel's equivalents are generated from TP_printk() by
 * CREATE_TRACE_POINTS.
 */
#include <stdio.h>

#include <pagemig/compaction.h>
#include <pagemig/trace/events/compaction.h>
#include <pagemig/trace/events/migrate.h>
#include "internal.h"

/* Room for a symbolic value that has no name: "0x" and 16 hex digits. */
#define SYM_LEN	24

static const char *symbolic(const char *const *names, unsigned long nr,
			    long value, char *buf)
{
	if (value >= 0 && (unsigned long)value < nr && names[value])
		return names[value];
	snprintf(buf, SYM_LEN, "0x%lx", (unsigned long)value);
	return buf;
}

/* compact_result's names are the kernel's COMPACTION_STATUS strings. */
static const char *compact_status(int status, char *buf)
{
	return symbolic(compact_result_names, COMPACT_SUCCESS + 1, status, buf);
}

/*
 * The zone of index @idx in node @nid, by name.  kernel: ZONE_TYPE,
 * from the kernel's zone numbering (DMA 0, DMA32 1, Normal 2, Movable
 * 3); the names are the same, and pagemig numbers its own zones.
 */
static const char *zone_type_name(int nid, int idx, char *buf)
{
	const char *name = NULL;

	if (idx >= 0 && idx < MAX_NR_ZONES)
		name = NODE_DATA(nid)->node_zones[idx].name;
	if (name)
		return name;
	snprintf(buf, SYM_LEN, "0x%x", (unsigned int)idx);
	return buf;
}

/* kernel: zone_to_nid(). */
static int zone_nid(const struct zone *zone)
{
	return zone->zone_pgdat ? zone->zone_pgdat->node_id : 0;
}

static const char *const migrate_mode_names[] = {
	[MIGRATE_ASYNC]		= "MIGRATE_ASYNC",
	[MIGRATE_SYNC_LIGHT]	= "MIGRATE_SYNC_LIGHT",
	[MIGRATE_SYNC]		= "MIGRATE_SYNC",
};

/* ---- compaction ------------------------------------------------------- */

static void isolate_line(const char *event, unsigned long start_pfn,
			 unsigned long end_pfn, unsigned long nr_scanned,
			 unsigned long nr_taken)
{
	trace_event_printf(event, "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu",
			   start_pfn, end_pfn, nr_scanned, nr_taken);
}

void __trace_mm_compaction_isolate_migratepages(unsigned long start_pfn,
		unsigned long end_pfn, unsigned long nr_scanned,
		unsigned long nr_taken)
{
	isolate_line("mm_compaction_isolate_migratepages", start_pfn, end_pfn,
		     nr_scanned, nr_taken);
}

void __trace_mm_compaction_isolate_freepages(unsigned long start_pfn,
		unsigned long end_pfn, unsigned long nr_scanned,
		unsigned long nr_taken)
{
	isolate_line("mm_compaction_isolate_freepages", start_pfn, end_pfn,
		     nr_scanned, nr_taken);
}

void __trace_mm_compaction_fast_isolate_freepages(unsigned long start_pfn,
		unsigned long end_pfn, unsigned long nr_scanned,
		unsigned long nr_taken)
{
	isolate_line("mm_compaction_fast_isolate_freepages", start_pfn, end_pfn,
		     nr_scanned, nr_taken);
}

void __trace_mm_compaction_migratepages(unsigned int nr_migratepages,
					unsigned int nr_succeeded)
{
	/* As the kernel: the difference, wrapped if more succeeded. */
	trace_event_printf("mm_compaction_migratepages", "nr_migrated=%lu nr_failed=%lu",
			   (unsigned long)nr_succeeded,
			   (unsigned long)(nr_migratepages - nr_succeeded));
}

void __trace_mm_compaction_begin(unsigned long zone_start,
		unsigned long migrate_pfn, unsigned long free_pfn,
		unsigned long zone_end, bool sync)
{
	trace_event_printf("mm_compaction_begin",
			   "zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s",
			   zone_start, migrate_pfn, free_pfn, zone_end,
			   sync ? "sync" : "async");
}

void __trace_mm_compaction_end(unsigned long zone_start,
		unsigned long migrate_pfn, unsigned long free_pfn,
		unsigned long zone_end, bool sync, int status)
{
	char buf[SYM_LEN];

	trace_event_printf("mm_compaction_end",
			   "zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s status=%s",
			   zone_start, migrate_pfn, free_pfn, zone_end,
			   sync ? "sync" : "async", compact_status(status, buf));
}

void __trace_mm_compaction_try_to_compact_pages(int order, gfp_t gfp_mask,
						int prio)
{
	char buf[512] = "none";

	/* kernel: show_gfp_flags(), which names 0 "none". */
	if (gfp_mask)
		format_gfp_string(gfp_mask, buf, sizeof(buf));
	trace_event_printf("mm_compaction_try_to_compact_pages",
			   "order=%d gfp_mask=%s priority=%d", order, buf, prio);
}

static void suitable_line(const char *event, struct zone *zone, int order,
			  int ret)
{
	char buf[SYM_LEN];

	trace_event_printf(event, "node=%d zone=%-8s order=%d ret=%s",
			   zone_nid(zone), zone->name, order,
			   compact_status(ret, buf));
}

void __trace_mm_compaction_finished(struct zone *zone, int order, int ret)
{
	suitable_line("mm_compaction_finished", zone, order, ret);
}

void __trace_mm_compaction_suitable(struct zone *zone, int order, int ret)
{
	suitable_line("mm_compaction_suitable", zone, order, ret);
}

/* Racy reads of the deferral counters, as the kernel's. */
static void defer_line(const char *event, struct zone *zone, int order)
{
	trace_event_printf(event,
			   "node=%d zone=%-8s order=%d order_failed=%d consider=%u limit=%lu",
			   zone_nid(zone), zone->name, order,
			   READ_ONCE(zone->compact_order_failed),
			   READ_ONCE(zone->compact_considered),
			   1UL << READ_ONCE(zone->compact_defer_shift));
}

void __trace_mm_compaction_deferred(struct zone *zone, int order)
{
	defer_line("mm_compaction_deferred", zone, order);
}

void __trace_mm_compaction_defer_compaction(struct zone *zone, int order)
{
	defer_line("mm_compaction_defer_compaction", zone, order);
}

void __trace_mm_compaction_defer_reset(struct zone *zone, int order)
{
	defer_line("mm_compaction_defer_reset", zone, order);
}

void __trace_mm_compaction_kcompactd_sleep(int nid)
{
	trace_event_printf("mm_compaction_kcompactd_sleep", "nid=%d", nid);
}

/* The kernel still prints highest_zoneidx under its old name. */
static void kcompactd_line(const char *event, int nid, int order,
			   enum zone_type highest_zoneidx)
{
	char buf[SYM_LEN];

	trace_event_printf(event, "nid=%d order=%d classzone_idx=%-8s", nid, order,
			   zone_type_name(nid, (int)highest_zoneidx, buf));
}

void __trace_mm_compaction_wakeup_kcompactd(int nid, int order,
					    enum zone_type highest_zoneidx)
{
	kcompactd_line("mm_compaction_wakeup_kcompactd", nid, order,
		       highest_zoneidx);
}

void __trace_mm_compaction_kcompactd_wake(int nid, int order,
					  enum zone_type highest_zoneidx)
{
	kcompactd_line("mm_compaction_kcompactd_wake", nid, order,
		       highest_zoneidx);
}

/* ---- migration -------------------------------------------------------- */

void __trace_mm_migrate_pages(unsigned long succeeded, unsigned long failed,
		unsigned long thp_succeeded, unsigned long thp_failed,
		unsigned long thp_split, unsigned long large_folio_split,
		enum migrate_mode mode, int reason)
{
	char mbuf[SYM_LEN], rbuf[SYM_LEN];

	trace_event_printf("mm_migrate_pages",
			   "nr_succeeded=%lu nr_failed=%lu nr_thp_succeeded=%lu nr_thp_failed=%lu nr_thp_split=%lu nr_split=%lu mode=%s reason=%s",
			   succeeded, failed, thp_succeeded, thp_failed,
			   thp_split, large_folio_split,
			   symbolic(migrate_mode_names, ARRAY_SIZE(migrate_mode_names),
				    mode, mbuf),
			   symbolic(migrate_reason_names, MR_TYPES, reason, rbuf));
}

void __trace_mm_migrate_pages_start(enum migrate_mode mode, int reason)
{
	char mbuf[SYM_LEN], rbuf[SYM_LEN];

	trace_event_printf("mm_migrate_pages_start", "mode=%s reason=%s",
			   symbolic(migrate_mode_names, ARRAY_SIZE(migrate_mode_names),
				    mode, mbuf),
			   symbolic(migrate_reason_names, MR_TYPES, reason, rbuf));
}
