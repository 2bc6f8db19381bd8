/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters with kernel names: per-CPU vm events, per-zone and per-node
 * page state.  Renderers for /proc/vmstat, buddyinfo, pagetypeinfo and
 * zoneinfo live in mm/vmstat.c.
 *
 * kernel: zone/node state is per-CPU diffs folded at a threshold; here the
 * state is one atomic word per item (exact at every read), and events are
 * per-CPU words summed when read.
 */
#ifndef _PAGEMIG_VMSTAT_H
#define _PAGEMIG_VMSTAT_H

#include <stdio.h>
#include "mmzone.h"
#include "vmstat_items.h"

extern unsigned long vm_event_states[NR_CPUS][NR_VM_EVENT_ITEMS];
extern const char * const vmstat_text_events[NR_VM_EVENT_ITEMS];

static inline void __count_vm_events(enum vm_event_item item, long delta)
{
	__atomic_fetch_add(&vm_event_states[smp_processor_id()][item],
			   (unsigned long)delta, __ATOMIC_RELAXED);
}
#define count_vm_events(item, delta)	__count_vm_events(item, delta)
#define count_vm_event(item)		__count_vm_events(item, 1)
#define __count_vm_event(item)		__count_vm_events(item, 1)
/* Events kept per zone in /proc/vmstat (pgalloc_*): DMA, DMA32, ... */
#define __count_zid_vm_events(item, zid, delta) \
	__count_vm_events(item##_NORMAL - ZONE_NORMAL + (zid), delta)

unsigned long sum_vm_event(enum vm_event_item item);
void all_vm_events(unsigned long *ret);

static inline void mod_zone_page_state(struct zone *zone,
				       enum zone_stat_item item, long delta)
{
	atomic_long_add(delta, &zone->vm_stat[item]);
}
#define __mod_zone_page_state mod_zone_page_state

static inline void mod_node_page_state(struct pglist_data *pgdat,
				       enum node_stat_item item, long delta)
{
	atomic_long_add(delta, &pgdat->vm_stat[item]);
}
#define __mod_node_page_state mod_node_page_state
#define inc_node_page_state(page, item) \
	mod_node_page_state(page_pgdat(page), item, 1)
#define dec_node_page_state(page, item) \
	mod_node_page_state(page_pgdat(page), item, -1)
#define inc_zone_page_state(page, item) \
	mod_zone_page_state(page_zone(page), item, 1)
#define dec_zone_page_state(page, item) \
	mod_zone_page_state(page_zone(page), item, -1)

static inline unsigned long zone_page_state(const struct zone *zone,
					    enum zone_stat_item item)
{
	long x = atomic_long_read(&zone->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

unsigned long global_zone_page_state(enum zone_stat_item item);
unsigned long node_page_state(struct pglist_data *pgdat, enum node_stat_item item);
#define global_node_page_state(item) node_page_state(NODE_DATA(0), item)

/* /proc/vmstat as (name, value) items, in the kernel's order. */
#define NR_VMSTAT_ITEMS	(NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS + \
			 NR_VM_NODE_STAT_ITEMS + NR_VM_WRITEBACK_STAT_ITEMS + \
			 NR_VM_STAT_ITEMS + NR_VM_EVENT_ITEMS)
const char *vmstat_item_name(unsigned int i);
unsigned long vmstat_item_value(unsigned int i);

/* Renderers in the kernel's layouts; each returns 0 or -errno. */
int vmstat_show(FILE *f);
int buddyinfo_show(FILE *f);
int pagetypeinfo_show(FILE *f);
int zoneinfo_show(FILE *f);

/* Reset every counter (a new machine). */
void vmstat_reset(void);

#endif /* _PAGEMIG_VMSTAT_H */
