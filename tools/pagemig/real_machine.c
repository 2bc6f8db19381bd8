// SPDX-License-Identifier: GPL-2.0
/*
 * A capture directory as the machine pagemig_import() builds.
 *
 * real_machine_from_capture() takes, from the capture's "before" files
 * (twin/capture.h parsed them): zones from zoneinfo.before, RAM
 * ranges from iomem, offline memory blocks from memory_blocks.before,
 * pageblock counts from pagetypeinfo.before, what zram holds from
 * zram.before, and the kpageflags/kpagecount files.  The library does the
 * rest (facade/import_layout.c); Documentation/twin.md, "Import rules",
 * lists every rule with the file it reads.
 *
 * real_layout_print() and real_buddy_print() then hold the machine built
 * against what the kernel reported: zones, holes, pageblock types, and
 * the free lists against buddyinfo.before, marking with '*' each figure
 * that differs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "real_machine.h"

#define PAGE_SHIFT	12
#define SECTION_PAGES	(1UL << 15)	/* 128 MiB, x86-64 */

static const char *const zone_names[PAGEMIG_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device"
};

static int zone_index(const char *name)
{
	int z;

	for (z = 0; z < PAGEMIG_NR_ZONES; z++)
		if (!strcmp(zone_names[z], name))
			return z;
	return -1;
}

static int mt_index(const char *name)
{
	int mt;

	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
		if (!strcmp(pagemig_migratetype_name(mt), name))
			return mt;
	return -1;
}

/**
 * is_capture_dir() - Is @path a directory (a capture) rather than a file?
 * @path: what the user gave.
 *
 * Return: true for a directory.
 */
bool is_capture_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* zoneinfo.before's zones: layout, watermarks, protection, pcp sizes. */
static int take_zones(const struct capture *cap, struct pagemig_real_machine *m,
		      char *err, size_t errlen)
{
	const struct capture_zoneinfo *zi = &cap->snap[CAPTURE_BEFORE].zoneinfo;
	unsigned int i, j;

	for (i = 0; i < zi->nr_zones; i++) {
		const struct capture_zone *cz = &zi->zones[i];
		struct pagemig_zone_layout *zl;
		int z = zone_index(cz->name);

		if (cz->nid != 0) {
			snprintf(err, errlen, "%s/zoneinfo.before:%u: node %d: pagemig models one node",
				 cap->dir, cz->line, cz->nid);
			return -EINVAL;
		}
		if (z < 0) {
			snprintf(err, errlen, "%s/zoneinfo.before:%u: zone %s: pagemig has DMA, DMA32, Normal, Movable and Device",
				 cap->dir, cz->line, cz->name);
			return -EINVAL;
		}
		zl = &m->zones[z];
		zl->exists = true;
		if (cz->present && !cz->has_start_pfn) {
			snprintf(err, errlen, "%s/zoneinfo.before:%u: zone %s has memory but no start_pfn",
				 cap->dir, cz->line, cz->name);
			return -EINVAL;
		}
		zl->start_pfn = cz->start_pfn;
		zl->spanned = cz->present ? cz->spanned : 0;
		zl->present = cz->present;
		zl->managed = cz->managed;
		zl->min = cz->min;
		zl->low = cz->low;
		zl->high = cz->high;
		zl->promo = cz->has_promo ? cz->promo : cz->high;
		if (cz->nr_lowmem_reserve == PAGEMIG_NR_ZONES) {
			zl->has_lowmem_reserve = true;
			for (j = 0; j < PAGEMIG_NR_ZONES; j++)
				zl->lowmem_reserve[j] = cz->lowmem_reserve[j];
		}
		for (j = 0; j < cz->nr_pcp; j++) {
			const struct capture_pcp *p = &cz->pcp[j];

			if (p->cpu < 0 || p->cpu >= PAGEMIG_MAX_CPUS)
				continue;
			zl->pcp_high[p->cpu] = p->high > 0 ? (unsigned int)p->high : 0;
			zl->pcp_batch[p->cpu] = p->batch > 0 ? (unsigned int)p->batch : 0;
			zl->pcp_high_min[p->cpu] = p->high_min > 0 ? (unsigned int)p->high_min : 0;
			zl->pcp_high_max[p->cpu] = p->high_max > 0 ? (unsigned int)p->high_max : 0;
			zl->pcp_count[p->cpu] = p->count > 0 ? (unsigned int)p->count : 0;
			if ((unsigned int)p->cpu + 1 > m->nr_cpus)
				m->nr_cpus = (unsigned int)p->cpu + 1;
		}
	}
	return 0;
}

/* Top-level "System RAM" of iomem, in whole pages. */
static int take_ram(const struct capture *cap, struct real_machine *rm)
{
	const struct capture_iomem *io = &cap->iomem;
	unsigned int i, n = 0;

	if (!capture_has_once(cap, CAPTURE_IOMEM))
		return 0;
	rm->ram = calloc(io->nr_ranges + 1, sizeof(*rm->ram));
	if (!rm->ram)
		return -ENOMEM;
	for (i = 0; i < io->nr_ranges; i++) {
		const struct capture_iomem_range *r = &io->ranges[i];
		unsigned long start = (unsigned long)((r->start + 4095) >> PAGE_SHIFT);
		unsigned long end = (unsigned long)((r->end + 1) >> PAGE_SHIFT);

		if (r->depth || strcmp(r->name, "System RAM") || end <= start)
			continue;
		if (n && start < rm->ram[n - 1].end)
			continue;	/* out of order: iomem never is */
		rm->ram[n].start = start;
		rm->ram[n++].end = end;
	}
	rm->m.ram = rm->ram;
	rm->m.nr_ram = n;
	return 0;
}

/* Memory blocks not online, as PFN ranges. */
static int take_offline(const struct capture *cap, struct real_machine *rm)
{
	const struct capture_memory_blocks *mb = &cap->snap[CAPTURE_BEFORE].memory_blocks;
	unsigned long pages = mb->block_size_bytes >> PAGE_SHIFT;
	unsigned int i, n = 0;

	if (!pages || !mb->nr_blocks)
		return 0;
	rm->offline = calloc(mb->nr_blocks, sizeof(*rm->offline));
	if (!rm->offline)
		return -ENOMEM;
	for (i = 0; i < mb->nr_blocks; i++) {
		const struct capture_memblock *b = &mb->blocks[i];
		unsigned long start;

		if (!b->has_phys_index || !strcmp(b->state, "online"))
			continue;
		start = b->phys_index * SECTION_PAGES;
		if (n && start < rm->offline[n - 1].end)
			continue;
		rm->offline[n].start = start;
		rm->offline[n++].end = start + pages;
	}
	rm->m.offline = rm->offline;
	rm->m.nr_offline = n;
	return 0;
}

/* pagetypeinfo.before's "Number of blocks type" rows. */
static void take_blocks(const struct capture *cap, struct pagemig_real_machine *m)
{
	const struct capture_pagetypeinfo *pti = &cap->snap[CAPTURE_BEFORE].pagetypeinfo;
	unsigned int i, t;

	if (!capture_has(cap, CAPTURE_BEFORE, CAPTURE_PAGETYPEINFO))
		return;
	for (i = 0; i < pti->nr_zones; i++) {
		const struct capture_pti_zone *pz = &pti->zones[i];
		int z = zone_index(pz->zone);

		if (z < 0 || pz->nid || !pz->has_blocks)
			continue;
		m->has_blocks = true;
		m->has_free |= pz->has_free;
		for (t = 0; t < pti->nr_types; t++) {
			int mt = mt_index(pti->types[t]);
			unsigned int o;

			if (mt < 0)
				continue;
			m->blocks[z][mt] = pz->blocks[t];
			for (o = 0; o < PAGEMIG_NR_ORDERS && o < CAPTURE_MAX_ORDERS; o++)
				m->free[z][mt][o] = pz->has_free ? pz->free[t][o] : 0;
		}
	}
}

/**
 * real_machine_from_capture() - What a capture says of its machine.
 * @cap: a loaded capture with zoneinfo.before and kpageflags.before.zst.
 * @rm: the result; real_machine_free() it.
 * @err: the reason on failure, naming the file.
 * @errlen: its size.
 *
 * Return: 0; -EINVAL for a capture that cannot be imported (no
 * zoneinfo.before or kpageflags.before.zst, a second node, a zone
 * pagemig does not have); -ENOMEM.
 */
int real_machine_from_capture(const struct capture *cap,
			      struct real_machine *rm, char *err,
			      size_t errlen)
{
	const struct capture_zram_list *zl = &cap->snap[CAPTURE_BEFORE].zram;
	unsigned int i;
	int ret;

	memset(rm, 0, sizeof(*rm));
	if (!capture_has(cap, CAPTURE_BEFORE, CAPTURE_ZONEINFO) ||
	    !capture_has(cap, CAPTURE_BEFORE, CAPTURE_KPAGEFLAGS)) {
		snprintf(err, errlen, "%s: cannot import: the capture has no %s",
			 cap->dir,
			 capture_has(cap, CAPTURE_BEFORE, CAPTURE_ZONEINFO) ?
			 "kpageflags.before.zst" : "zoneinfo.before");
		return -EINVAL;
	}
	snprintf(rm->flags_path, sizeof(rm->flags_path), "%s/kpageflags.before.zst",
		 cap->dir);
	rm->has_counts = capture_has(cap, CAPTURE_BEFORE, CAPTURE_KPAGECOUNT);
	snprintf(rm->count_path, sizeof(rm->count_path), "%s/kpagecount.before.zst",
		 cap->dir);
	ret = take_zones(cap, &rm->m, err, errlen);
	if (!ret)
		ret = take_ram(cap, rm);
	if (!ret)
		ret = take_offline(cap, rm);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret) {
		real_machine_free(rm);
		return ret;
	}
	take_blocks(cap, &rm->m);
	rm->m.has_zram = capture_has(cap, CAPTURE_BEFORE, CAPTURE_ZRAM);
	for (i = 0; i < zl->nr_dev; i++)
		if (zl->dev[i].has_mm_stat)
			rm->m.zsmalloc_pages += (unsigned long)(zl->dev[i].mem_used_total >> PAGE_SHIFT);
	return 0;
}

/**
 * real_machine_free() - Free what real_machine_from_capture() allocated.
 * @rm: zeroed on return.
 */
void real_machine_free(struct real_machine *rm)
{
	free(rm->ram);
	free(rm->offline);
	memset(rm, 0, sizeof(*rm));
}

/* ------------------------------------------------------------------ */
/* Side by side */

static const struct capture_zone *kernel_zone(const struct capture *cap, int z)
{
	return capture_zone_find(&cap->snap[CAPTURE_BEFORE].zoneinfo, 0,
				 zone_names[z]);
}

static const struct capture_pti_zone *kernel_blocks(const struct capture *cap,
						    int z)
{
	const struct capture_pagetypeinfo *pti = &cap->snap[CAPTURE_BEFORE].pagetypeinfo;
	unsigned int i;

	for (i = 0; i < pti->nr_zones; i++)
		if (!pti->zones[i].nid && !strcmp(pti->zones[i].zone, zone_names[z]) &&
		    pti->zones[i].has_blocks)
			return &pti->zones[i];
	return NULL;
}

/* The kernel's count of @mt blocks in @pz, 0 when it has no such column. */
static unsigned long kernel_mt_blocks(const struct capture *cap,
				      const struct capture_pti_zone *pz, int mt)
{
	const struct capture_pagetypeinfo *pti = &cap->snap[CAPTURE_BEFORE].pagetypeinfo;
	unsigned int t;

	for (t = 0; t < pti->nr_types; t++)
		if (!strcmp(pti->types[t], pagemig_migratetype_name(mt)))
			return pz->blocks[t];
	return 0;
}

/*
 * The kernel's figures as pagemig's machine must have them: spanned less
 * what is not initialised, present less the memory left out.
 */
static void expected_zone(const struct capture_zone *kz,
			  const struct pagemig_import_zone *iz,
			  unsigned long *spanned, unsigned long *present)
{
	unsigned long end = kz->start_pfn + kz->spanned;

	*spanned = kz->present ? kz->spanned : 0;
	*present = kz->present;
	if (iz->uninit_pages) {
		*spanned -= end - iz->uninit_pfn;
		*present -= iz->uninit_pages;
	}
}

static const char *mark(unsigned long a, unsigned long b)
{
	return a == b ? " " : "*";
}

/**
 * real_layout_print() - The kernel's zones, holes and pageblocks beside
 * the machine built.
 * @f: where to print.
 * @cap: the capture.
 * @rep: pagemig_import()'s report of it.
 *
 * Per zone, zoneinfo's start_pfn, spanned, present and managed and the
 * machine's (memory the kernel had not initialised shown apart), the
 * holes, and per zone and migratetype pagetypeinfo's pageblock counts and
 * the machine's; a '*' marks each figure that differs.
 *
 * Return: the number of figures that differ.
 */
unsigned int real_layout_print(FILE *f, const struct capture *cap,
			       const struct pagemig_import_report *rep)
{
	const struct pagemig_import_layout *l = &rep->layout;
	unsigned int differ = 0, i;
	int z, mt;

	fprintf(f, "zones (kernel: zoneinfo.before; pagemig: the machine built):\n");
	fprintf(f, "  %-8s %10s %9s %9s %9s   %9s %9s %9s\n", "zone", "start_pfn",
		"spanned", "present", "managed", "spanned", "present", "managed");
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_import_zone *iz = &l->zones[z];
		const struct capture_zone *kz = kernel_zone(cap, z);
		unsigned long sp, pr;

		if (!kz && !iz->exists)
			continue;
		if (!kz || !iz->exists) {
			fprintf(f, "  %-8s only the %s has it *\n", zone_names[z],
				kz ? "kernel" : "machine");
			differ++;
			continue;
		}
		expected_zone(kz, iz, &sp, &pr);
		differ += (sp != iz->spanned) + (pr != iz->present) +
			  (kz->managed != iz->managed) +
			  (kz->present && kz->start_pfn != iz->start_pfn);
		fprintf(f, "  %-8s %#10lx%s%9lu %9lu %9lu   %9lu%s%9lu%s%9lu%s\n",
			zone_names[z], kz->start_pfn,
			mark(kz->present ? kz->start_pfn : iz->start_pfn, iz->start_pfn),
			kz->spanned, kz->present, kz->managed, iz->spanned,
			mark(sp, iz->spanned), iz->present, mark(pr, iz->present),
			iz->managed, mark(kz->managed, iz->managed));
		if (iz->uninit_pages)
			fprintf(f, "  %-8s not yet initialised: %lu pages from pfn %#lx, left out\n",
				"", iz->uninit_pages, iz->uninit_pfn);
	}
	fprintf(f, "holes: %lu pages in %u range%s", l->hole_pages, l->nr_holes,
		l->nr_holes == 1 ? "" : "s");
	for (i = 0; i < l->nr_holes && i < PAGEMIG_REPORT_HOLES; i++)
		fprintf(f, "%s pfn %#lx-%#lx", i ? "," : ":", l->holes[i].start,
			l->holes[i].end - 1);
	fprintf(f, "%s\n", l->nr_holes > PAGEMIG_REPORT_HOLES ? ", ..." : "");
	if (capture_has(cap, CAPTURE_BEFORE, CAPTURE_ZRAM)) {
		const struct capture_zram_list *zl = &cap->snap[CAPTURE_BEFORE].zram;
		unsigned long pool = 0;

		for (i = 0; i < zl->nr_dev; i++)
			if (zl->dev[i].has_mm_stat)
				pool += (unsigned long)(zl->dev[i].mem_used_total >> PAGE_SHIFT);
		fprintf(f, "zsmalloc: %lu pages look like zsmalloc pages, zram's pools hold %lu (mm_stat mem_used_total)",
			l->zsmalloc_candidates, pool);
		if (l->zsmalloc_excess)
			fprintf(f, ": %lu left allocated, unmovable", l->zsmalloc_excess);
		fputc('\n', f);
	}

	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_import_zone *iz = &l->zones[z];

		if (!iz->pcp_wanted)
			continue;
		fprintf(f, "per-CPU free pages: %-8s zoneinfo counts %lu, %lu flagless pages placed on the lists",
			zone_names[z], iz->pcp_wanted, iz->pcp_placed);
		if (iz->pcp_placed < iz->pcp_wanted)
			fprintf(f, " (no more flagless pages)");
		fputc('\n', f);
	}

	if (!capture_has(cap, CAPTURE_BEFORE, CAPTURE_PAGETYPEINFO))
		return differ;
	fprintf(f, "pageblocks (kernel: pagetypeinfo.before / pagemig):\n");
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct capture_pti_zone *pz = kernel_blocks(cap, z);
		const struct pagemig_import_zone *iz = &l->zones[z];

		if (!pz || !iz->spanned)
			continue;
		fprintf(f, "  %-8s", zone_names[z]);
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++) {
			unsigned long k = kernel_mt_blocks(cap, pz, mt);

			differ += k != iz->blocks[mt];
			fprintf(f, " %s %lu/%lu%s", pagemig_migratetype_name(mt), k,
				iz->blocks[mt], mark(k, iz->blocks[mt]));
		}
		fputc('\n', f);
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
			if (iz->blocks_unplaced[mt])
				fprintf(f, "  %-8s %lu %s block%s of the kernel's could not be placed (%s)\n",
					"", iz->blocks_unplaced[mt],
					pagemig_migratetype_name(mt),
					iz->blocks_unplaced[mt] == 1 ? "" : "s",
					mt == 4 ? "pagemig does not isolate blocks at import" :
					"the zone has fewer blocks");
	}
	return differ;
}

/**
 * real_buddy_print() - The machine's free lists against buddyinfo.before.
 * @f: where to print.
 * @cap: the capture.
 * @rep: pagemig_import()'s report: the free lists right after BUILD.
 *
 * Prints one line when every zone and order agrees, else both rows of
 * each zone that differs, the differing columns marked.
 *
 * Return: the number of (zone, order) counts that differ.
 */
unsigned int real_buddy_print(FILE *f, const struct capture *cap,
			      const struct pagemig_import_report *rep)
{
	const struct capture_buddyinfo *bi = &cap->snap[CAPTURE_BEFORE].buddyinfo;
	unsigned int differ = 0, i, o;

	if (!capture_has(cap, CAPTURE_BEFORE, CAPTURE_BUDDYINFO))
		return 0;
	for (i = 0; i < bi->nr_zones; i++) {
		const struct capture_buddyzone *bz = &bi->zones[i];
		int z = zone_index(bz->zone);
		const struct pagemig_import_zone *iz = z >= 0 ? &rep->layout.zones[z] : NULL;
		unsigned int row = 0;

		for (o = 0; o < bi->nr_orders && o < PAGEMIG_NR_ORDERS; o++)
			row += !iz || bz->nr_free[o] != iz->nr_free[o];
		if (!row)
			continue;
		if (!differ)
			fprintf(f, "buddyinfo cross-check (buddyinfo.before / pagemig after the build):\n");
		differ += row;
		fprintf(f, "  kernel  Node %d, zone %8s ", bz->nid, bz->zone);
		for (o = 0; o < bi->nr_orders; o++)
			fprintf(f, "%6lu ", bz->nr_free[o]);
		fprintf(f, "\n  pagemig Node %d, zone %8s ", bz->nid, bz->zone);
		for (o = 0; o < bi->nr_orders && o < PAGEMIG_NR_ORDERS; o++)
			fprintf(f, "%6lu%s", iz ? iz->nr_free[o] : 0,
				iz && bz->nr_free[o] == iz->nr_free[o] ? " " : "*");
		fputc('\n', f);
	}
	if (!differ)
		fprintf(f, "buddyinfo cross-check: the free lists built are buddyinfo.before's, every zone and order\n");
	else
		fprintf(f, "buddyinfo cross-check: %u counts differ (*)\n", differ);
	return differ;
}

static struct json_object *jul(unsigned long v)
{
	return json_object_new_int64((int64_t)v);
}

/**
 * real_layout_json() - The same comparison as one JSON object.
 * @cap: the capture.
 * @rep: pagemig_import()'s report.
 *
 * Return: {"zones": [{zone, kernel: {start_pfn, spanned, present,
 * managed, blocks}, pagemig: {start_pfn, spanned, present, managed,
 * uninit_pfn, uninit_pages, holes, blocks, nr_free}}], "holes":
 * {pages, ranges: [[start, end], ...]}}, or NULL without memory.
 */
struct json_object *real_layout_json(const struct capture *cap,
				     const struct pagemig_import_report *rep)
{
	const struct pagemig_import_layout *l = &rep->layout;
	struct json_object *o = json_object_new_object(), *zones, *holes, *ranges;
	unsigned int i;
	int z, mt;

	zones = json_object_new_array();
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_import_zone *iz = &l->zones[z];
		const struct capture_zone *kz = kernel_zone(cap, z);
		const struct capture_pti_zone *pz = kernel_blocks(cap, z);
		struct json_object *zo, *k, *p, *kb, *pb, *nf;

		if (!kz && !iz->exists)
			continue;
		zo = json_object_new_object();
		json_object_object_add(zo, "zone", json_object_new_string(zone_names[z]));
		k = kz ? json_object_new_object() : NULL;
		if (kz) {
			json_object_object_add(k, "start_pfn", jul(kz->start_pfn));
			json_object_object_add(k, "spanned", jul(kz->spanned));
			json_object_object_add(k, "present", jul(kz->present));
			json_object_object_add(k, "managed", jul(kz->managed));
			kb = json_object_new_object();
			for (mt = 0; pz && mt < PAGEMIG_NR_MIGRATETYPES; mt++)
				json_object_object_add(kb, pagemig_migratetype_name(mt),
						       jul(kernel_mt_blocks(cap, pz, mt)));
			json_object_object_add(k, "blocks", kb);
		}
		json_object_object_add(zo, "kernel", k);
		p = json_object_new_object();
		json_object_object_add(p, "start_pfn", jul(iz->start_pfn));
		json_object_object_add(p, "spanned", jul(iz->spanned));
		json_object_object_add(p, "present", jul(iz->present));
		json_object_object_add(p, "managed", jul(iz->managed));
		json_object_object_add(p, "holes", jul(iz->holes));
		json_object_object_add(p, "uninit_pfn", jul(iz->uninit_pfn));
		json_object_object_add(p, "uninit_pages", jul(iz->uninit_pages));
		pb = json_object_new_object();
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
			json_object_object_add(pb, pagemig_migratetype_name(mt),
					       jul(iz->blocks[mt]));
		json_object_object_add(p, "blocks", pb);
		nf = json_object_new_array();
		for (i = 0; i < PAGEMIG_NR_ORDERS; i++)
			json_object_array_add(nf, jul(iz->nr_free[i]));
		json_object_object_add(p, "nr_free", nf);
		json_object_object_add(zo, "pagemig", p);
		json_object_array_add(zones, zo);
	}
	json_object_object_add(o, "zones", zones);
	holes = json_object_new_object();
	json_object_object_add(holes, "pages", jul(l->hole_pages));
	json_object_object_add(holes, "nr_ranges", jul(l->nr_holes));
	ranges = json_object_new_array();
	for (i = 0; i < l->nr_holes && i < PAGEMIG_REPORT_HOLES; i++) {
		struct json_object *r = json_object_new_array();

		json_object_array_add(r, jul(l->holes[i].start));
		json_object_array_add(r, jul(l->holes[i].end));
		json_object_array_add(ranges, r);
	}
	json_object_object_add(holes, "ranges", ranges);
	json_object_object_add(o, "holes", holes);
	return o;
}
