// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's counters and /proc files for the public facade:
 * /proc/vmstat as (name, value) pairs and by name, and the renderers of
 * /proc/vmstat, buddyinfo, pagetypeinfo and zoneinfo (mm/vmstat.c).
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/vmstat.h>

unsigned int pagemig_vmstat_count(void)
{
	return NR_VMSTAT_ITEMS;
}

const char *pagemig_vmstat_name(unsigned int i)
{
	return vmstat_item_name(i);
}

unsigned long pagemig_vmstat_value(unsigned int i)
{
	if (i >= NR_VMSTAT_ITEMS || !mem_map)
		return 0;
	return vmstat_item_value(i);
}

int pagemig_vmstat_get(const char *name, unsigned long *value)
{
	unsigned int i;

	for (i = 0; i < NR_VMSTAT_ITEMS; i++) {
		if (!strcmp(vmstat_item_name(i), name)) {
			*value = pagemig_vmstat_value(i);
			return 0;
		}
	}
	return -ENOENT;
}

int pagemig_show_vmstat(FILE *f)
{
	return mem_map ? vmstat_show(f) : -ENODEV;
}

int pagemig_show_buddyinfo(FILE *f)
{
	return mem_map ? buddyinfo_show(f) : -ENODEV;
}

int pagemig_show_pagetypeinfo(FILE *f)
{
	return mem_map ? pagetypeinfo_show(f) : -ENODEV;
}

int pagemig_show_zoneinfo(FILE *f)
{
	return mem_map ? zoneinfo_show(f) : -ENODEV;
}
