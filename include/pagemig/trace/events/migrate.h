/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migrate:mm_migrate_pages* trace events (kernel:
 * include/trace/events/migrate.h), fired by migrate_pages() in
 * mm/migrate.c when it starts and when it is done; mm/trace.c prints
 * them in the 6.18 formats.  Modes print as MIGRATE_ASYNC,
 * MIGRATE_SYNC_LIGHT, MIGRATE_SYNC; reasons as migrate_reason_names[].
 */
#ifndef _PAGEMIG_TRACE_EVENTS_MIGRATE_H
#define _PAGEMIG_TRACE_EVENTS_MIGRATE_H

#include <pagemig/migrate_mode.h>
#include <pagemig/tracepoint.h>

/* Pages (not folios) succeeded and failed; THPs and large-folio splits. */
DECLARE_TRACE_EVENT(mm_migrate_pages,
	TP_PROTO(unsigned long succeeded, unsigned long failed,
		 unsigned long thp_succeeded, unsigned long thp_failed,
		 unsigned long thp_split, unsigned long large_folio_split,
		 enum migrate_mode mode, int reason),
	TP_ARGS(succeeded, failed, thp_succeeded, thp_failed, thp_split,
		large_folio_split, mode, reason))

DECLARE_TRACE_EVENT(mm_migrate_pages_start,
	TP_PROTO(enum migrate_mode mode, int reason),
	TP_ARGS(mode, reason))

#endif /* _PAGEMIG_TRACE_EVENTS_MIGRATE_H */
