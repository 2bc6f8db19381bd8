// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the machine into a report: the only part of report/ that calls
 * the facade for figures.  Zones (what buddyinfo and pagetypeinfo show),
 * vmstat, zram devices, and the end-of-run sections: balloons, KSM, the
 * machine's page counts.  The formatters print these tables later, as
 * often as they are asked, without the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "report.h"

/**
 * report_snapshot_zones() - Every zone's sizes and free lists.
 * @z: filled: every zone of node 0, populated or not, and the
 *	migratetype names.
 *
 * Return: 0, or -ENODEV without a machine (@z then holds no zone).
 */
int report_snapshot_zones(struct report_zones *z)
{
	struct report_zone *rz;
	int i, mt;

	memset(z, 0, sizeof(*z));
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
		z->mt_names[mt] = pagemig_migratetype_name(mt);
	for (i = 0; i < PAGEMIG_NR_ZONES; i++) {
		rz = &z->zone[z->nr];
		if (pagemig_zone_stats(i, &rz->st))
			continue;
		snprintf(rz->name, sizeof(rz->name), "%s", rz->st.name);
		rz->st.name = NULL;
		z->nr++;
	}
	return z->nr ? 0 : -ENODEV;
}

/**
 * report_snapshot_vmstat() - Every /proc/vmstat counter, in the kernel's order.
 * @c: an empty table, filled.
 *
 * Return: 0, or -ENOMEM (@c holds what fitted).
 */
int report_snapshot_vmstat(struct report_counters *c)
{
	unsigned int i, n = pagemig_vmstat_count();

	c->c = calloc(n ? n : 1, sizeof(*c->c));
	if (!c->c)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		c->c[c->nr++] = (struct report_counter){
			pagemig_vmstat_name(i), pagemig_vmstat_value(i)
		};
	return 0;
}

/**
 * report_snapshot_zram() - One zram device's mm_stat figures.
 * @id: the device's number.
 * @z: filled.
 *
 * Return: 0, or -ENODEV if there is no such device.
 */
int report_snapshot_zram(int id, struct report_zram *z)
{
	memset(z, 0, sizeof(*z));
	if (pagemig_zram_stats(id, &z->st))
		return -ENODEV;
	snprintf(z->name, sizeof(z->name), "%s", z->st.name);
	snprintf(z->compressor, sizeof(z->compressor), "%s", z->st.compressor);
	z->st.name = z->st.compressor = NULL;
	return 0;
}

/**
 * report_snapshot_zoneinfo() - /proc/zoneinfo, as the library renders it.
 *
 * Kept as text: it holds per-CPU and per-node figures no other table of
 * the report has.
 *
 * Return: the malloc()ed text, or NULL if the host is out of memory.
 */
char *report_snapshot_zoneinfo(void)
{
	char *text = NULL;
	size_t size;
	FILE *f;

	f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	pagemig_show_zoneinfo(f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/**
 * report_snapshot_validate() - Run the expensive validator.
 * @text: set to the malloc()ed description of every problem found, or
 *	to NULL when there was none (or no memory to describe them).
 *
 * Return: how many problems pagemig_validate() found.
 */
unsigned long report_snapshot_validate(char **text)
{
	unsigned long problems;
	size_t size;
	FILE *f;

	*text = NULL;
	f = open_memstream(text, &size);
	problems = pagemig_validate(f);
	if (f)
		fclose(f);	/* what could not be flushed is lost */
	if (!problems) {
		free(*text);
		*text = NULL;
	}
	return problems;
}

static void snapshot_balloons(struct report_machine *m)
{
	struct report_balloon *b;
	int drv;

	for (drv = 0; drv < PAGEMIG_NR_BALLOONS; drv++) {
		b = &m->balloons[m->nr_balloons];
		if (pagemig_balloon_stats(drv, &b->st))
			continue;
		snprintf(b->name, sizeof(b->name), "%s", b->st.name);
		b->st.name = NULL;
		m->nr_balloons++;
	}
}

/**
 * report_snapshot_machine() - The machine-level sections at the end of a run.
 * @m: filled, except balloons_shown, rss_before_balloon and the
 *	processes, which only the run knows.
 *
 * Return: 0, or -ENOMEM (@m holds what fitted).
 */
int report_snapshot_machine(struct report_machine *m)
{
	int id;

	m->pages = pagemig_total_pages();
	m->free_pages = pagemig_free_pages_count();
	m->resident_pages = pagemig_resident_pages();
	m->warnings = pagemig_warnings();
	report_snapshot_zones(&m->zones);
	snapshot_balloons(m);
	for (id = 0; id < PAGEMIG_MAX_ZRAM; id++)
		if (!report_snapshot_zram(id, &m->zram[m->nr_zram]))
			m->nr_zram++;
	if (pagemig_vmstat_get("nr_zspages", &m->nr_zspages))
		m->nr_zspages = 0;
	m->ksm_shown = !pagemig_ksm_stats(&m->ksm) && m->ksm.pages_scanned;
	return report_snapshot_vmstat(&m->vmstat);
}
