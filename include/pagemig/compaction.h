/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory compaction: move movable pages from the bottom of a zone to free
 * pages at its top, so free memory comes together in large blocks.
 */
#ifndef _PAGEMIG_COMPACTION_H
#define _PAGEMIG_COMPACTION_H

#include "gfp.h"
#include "migrate_mode.h"

enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

/* Ordered: a larger value is a "better" reason to stop. */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,	/* nothing was tried in this zone */
	COMPACT_SKIPPED,		/* not enough free pages to try */
	COMPACT_DEFERRED,		/* recently failed: wait */
	COMPACT_NO_SUITABLE_PAGE,	/* internal: keep going */
	COMPACT_CONTINUE,		/* keep going */
	COMPACT_COMPLETE,		/* whole zone scanned, no suitable block */
	COMPACT_PARTIAL_SKIPPED,	/* scanners met, part of the zone skipped */
	COMPACT_CONTENDED,		/* lock contention or no memory for targets */
	COMPACT_SUCCESS,		/* a suitable block is free */
};

#define COMPACT_MAX_DEFER_SHIFT	6
#define COMPACT_CLUSTER_MAX	32

struct zone;
struct alloc_context;

int compact_memory(void);
enum compact_result compact_zone_for_order(struct zone *zone, int order,
					   enum migrate_mode mode);
bool compaction_suitable(struct zone *zone, int order, unsigned long watermark,
			 int highest_zoneidx);
int fragmentation_index(struct zone *zone, unsigned int order);
void defer_compaction(struct zone *zone, int order);
bool compaction_deferred(struct zone *zone, int order);
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success);
int compaction_init(void);

/* kcompactd and proactive compaction (the end of mm/compaction.c) */
#define HPAGE_FRAG_CHECK_INTERVAL_MSEC	500

struct pglist_data;

extern unsigned int sysctl_compaction_proactiveness;
void wakeup_kcompactd(struct pglist_data *pgdat, int order, int highest_zoneidx);
void reset_isolation_suitable(struct pglist_data *pgdat);
int kcompactd_run(int nid);
void kcompactd_stop(int nid);
int kcompactd_init(void);
void kcompactd_exit(void);
unsigned int extfrag_for_order(struct zone *zone, unsigned int order);
unsigned int fragmentation_score_zone(struct zone *zone);
unsigned int fragmentation_score_node(struct pglist_data *pgdat);
unsigned int fragmentation_score_wmark(bool low);
int compaction_proactiveness_set(unsigned int value);
unsigned long compaction_pinned_skipped(void);

extern const char * const compact_result_names[];

#endif /* _PAGEMIG_COMPACTION_H */
