// SPDX-License-Identifier: GPL-2.0
/*
 * Background compaction for the public facade: the
 * vm.compaction_proactiveness knob, fragmentation scores, and a way to
 * wake kcompactd as a failed allocation would.  The work itself is in
 * the kcompactd section of mm/compaction.c.
 */
#include <errno.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/compaction.h>
#include "../mm/facade.h"
#include "internal.h"

int pagemig_compaction_proactiveness_set(int value)
{
	if (!machine_ready)
		return -ENODEV;
	if (value < 0)
		return -EINVAL;
	return compaction_proactiveness_set((unsigned int)value);
}

int pagemig_compaction_proactiveness_get(void)
{
	if (!machine_ready)
		return -ENODEV;
	return (int)READ_ONCE(sysctl_compaction_proactiveness);
}

unsigned long pagemig_compact_pinned_skipped(void)
{
	return machine_ready ? compaction_pinned_skipped() : 0;
}

int pagemig_fragmentation_score(int zone)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	if (!machine_ready)
		return -ENODEV;
	if (zone == -1)
		return (int)fragmentation_score_node(pgdat);
	if (zone < 0 || zone >= MAX_NR_ZONES ||
	    !populated_zone(&pgdat->node_zones[zone]))
		return -EINVAL;
	return (int)fragmentation_score_zone(&pgdat->node_zones[zone]);
}

int pagemig_kcompactd_wake(int order)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	if (!machine_ready)
		return -ENODEV;
	if (order < 1 || order > MAX_PAGE_ORDER)
		return -EINVAL;
	if (!READ_ONCE(pgdat->kcompactd))
		return -ESRCH;
	wakeup_kcompactd(pgdat, order, pgdat->nr_zones - 1);
	return 0;
}
