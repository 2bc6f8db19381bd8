// SPDX-License-Identifier: GPL-2.0
/*
 * Reports over a machine's pages.
 *
 * The import's figures as text and JSON: what the inference made of a
 * snapshot and what the build made of its folios, and the analysis of
 * facade/import.c -- free memory per order as /proc/buddyinfo shows it,
 * the share of free memory usable as 2 MiB and 1 GiB blocks, and the
 * blockers (pageblocks and 1 GiB ranges holding at least one page that
 * can never move, by kind) with the cheapest ones to fix by PFN range.
 *
 * The page-types table follows tools/mm/page-types.c of Linux 6.17 byte
 * for byte: the same flag letters and names, the same "well known" flag
 * filtering, and the same order of rows (the tool's open-addressing hash
 * of the flags word), so `diff` against the kernel tool's output is empty
 * (make page-types-interop).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pagemig/pagemig.h>

#include "kpageflags.h"
#include "report.h"

/**
 * kpf_print_inference() - What was inferred, and every guess made.
 * @f: where.
 * @inf: the inference.
 */
void kpf_print_inference(FILE *f, const struct pagemig_inference *inf)
{
	unsigned int a, k, o;

	fprintf(f, "inferred machine: %lu PFNs in the snapshot, %lu pages (%lu MiB) built\n",
		inf->file_pages, inf->machine_pages, inf->machine_pages >> 8);
	fprintf(f, "free-page convention: %s\n", inf->buddy_all_pages ?
		"every page of a free block is BUDDY (6.x is_free_buddy_page())" :
		"BUDDY on the first page of a free block only (older kernels)");
	fprintf(f, "pages by kind:\n");
	for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
		if (k == PAGEMIG_KIND_ISOLATED)
			continue;
		fprintf(f, "  %-10s %10lu  (%lu MiB)\n", pagemig_kind_name(k),
			inf->kinds[k], inf->kinds[k] >> 8);
	}
	fprintf(f, "free blocks by order:");
	for (o = 0; o < PAGEMIG_NR_ORDERS; o++)
		fprintf(f, " %lu", inf->free_blocks[o]);
	fprintf(f, "\nlarge folios: %lu (THP: %lu)\n", inf->large_folios, inf->thps);
	for (a = 0, k = 0; a < PAGEMIG_NR_AMBIGUITIES; a++)
		k += inf->amb[a] != 0;
	fprintf(f, "ambiguities resolved:%s\n", k ? "" : " none");
	for (a = 0; a < PAGEMIG_NR_AMBIGUITIES; a++)
		if (inf->amb[a])
			fprintf(f, "  %lu pages (first pfn %#lx): %s\n",
				inf->amb[a], inf->amb_pfn[a], pagemig_ambiguity_text(a));
}

/**
 * kpf_print_build() - What the anon and file pages became on the machine.
 * @f: where.
 * @r: pagemig_import_result() after the build.
 */
void kpf_print_build(FILE *f, const struct pagemig_import_result *r)
{
	if (r->anon_pages)
		fprintf(f, "anon: %lu pages -> %lu anonymous folios of process %d (%lu PMD-mapped THPs); %lu pages of large folios not PMD-sized split to order 0; %lu KSM pages as plain anon; %lu pages whose kpagecount was not 1 mapped once\n",
			r->anon_pages, r->anon_folios, r->pid, r->anon_thps,
			r->anon_split_pages, r->anon_ksm_pages,
			r->anon_mapcount_differs);
	if (r->file_pages)
		fprintf(f, "file: %lu pages -> %lu page-cache folios of file %d (%lu large, unmapped; %lu with fs-private data, of them %lu with buffers the file system holds); %lu order-0 pages kpagecount saw mapped are mapped in process %d\n",
			r->file_pages, r->file_folios, r->fid,
			r->file_large_folios, r->file_private_folios,
			r->file_held_folios, r->file_mapped_pages, r->pid);
	if (r->anon_pages || r->file_pages)
		fprintf(f, "page tables of process %d: %lu on the snapshot's page-table pages, %lu from free memory\n",
			r->pid, r->tables_reused, r->tables_allocated);
	if (r->zram_pages)
		fprintf(f, "zsmalloc: %lu pages -> the pool of zram%d, one incompressible 4 KiB sector stored whole on each (how objects were packed is not in a snapshot)\n",
			r->zram_pages, r->zram_id);
	if (r->stand_in_pages)
		fprintf(f, "stand-ins: %lu anon/file pages could not be made folios (no memory for page tables) and stay put\n",
			r->stand_in_pages);
	if (r->zram_stand_ins)
		fprintf(f, "stand-ins: %lu zsmalloc pages could not join a pool (no memory) and stay put\n",
			r->zram_stand_ins);
}

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/**
 * kpf_print_analysis() - The analysis as text.
 * @f: where.
 * @title: "before compaction", "after compaction", "analysis".
 * @a: the analysis.
 */
void kpf_print_analysis(FILE *f, const char *title, const struct pagemig_analysis *a)
{
	unsigned int i;
	int k, o;

	fprintf(f, "--- %s ---\n", title);
	fprintf(f, "free: %lu pages (%lu MiB) of %lu\n", a->free, a->free >> 8,
		a->nr_pages);
	fprintf(f, "free blocks per order:");
	for (o = 0; o < PAGEMIG_NR_ORDERS; o++)
		fprintf(f, " %6lu", a->nr_free[o]);
	fprintf(f, "\nfree memory usable as 2 MiB blocks: %.1f%% (%lu MiB)\n",
		pct(a->free_in_2m, a->free), a->free_in_2m >> 8);
	fprintf(f, "free memory usable as 1 GiB blocks: %.1f%% (%lu MiB)\n",
		pct(a->free_in_1g, a->free), a->free_in_1g >> 8);
	fprintf(f, "pageblocks (2 MiB) holding an unmovable page: %lu of %lu (%.1f%%), %lu of them by a single page\n",
		a->blocks_blocked, a->blocks, pct(a->blocks_blocked, a->blocks),
		a->blocks_by_one);
	fprintf(f, "1 GiB ranges holding an unmovable page: %lu of %lu\n",
		a->gigs_blocked, a->gigs);
	fprintf(f, "blockers by kind (pageblocks, 1 GiB ranges):");
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		if (pagemig_kind_unmovable(k))
			fprintf(f, " %s %lu/%lu", pagemig_kind_name(k),
				a->blocks_by_kind[k], a->gigs_by_kind[k]);
	fprintf(f, "\n");
	if (a->nr_offenders)
		fprintf(f, "worst offenders (runs of pageblocks each held by <= %d unmovable pages):\n",
			PAGEMIG_OFFENDER_MAX_PAGES);
	for (i = 0; i < a->nr_offenders; i++) {
		const struct pagemig_offender *of = &a->offenders[i];

		fprintf(f, "  pfn %#010lx-%#010lx  %4lu pageblocks (%lu MiB) held by %lu pages, mostly %s\n",
			of->start_pfn, of->end_pfn - 1, of->blocks,
			of->blocks * 2, of->pages, pagemig_kind_name(of->kind));
	}
}

/* "+8 MiB = +4 huge pages of 2 MiB", from a change in free pages. */
static void print_gain(FILE *f, const char *what, unsigned long before,
		       unsigned long after, unsigned long huge_pages,
		       const char *huge)
{
	long delta = (long)after - (long)before;
	long mib = delta / 256, huge_n = delta / (long)huge_pages;

	fprintf(f, "free memory in %s blocks: %lu MiB -> %lu MiB: %+ld MiB = %+ld huge page%s of %s\n",
		what, before >> 8, after >> 8, mib, huge_n,
		labs(huge_n) == 1 ? "" : "s", huge);
}

/**
 * kpf_print_compaction() - What a compaction gave, and why not more.
 * @f: where.
 * @rep: an import report with its compaction.
 *
 * The change in free 2 MiB and 1 GiB blocks, as MiB and as huge pages;
 * how far the scanners went; and when more than a tenth of the free
 * memory is still in smaller blocks, the reasons compaction recorded:
 * pageblocks held by unmovable pages, free memory only in pageblocks the
 * free scanner may not take from, pinned pages, failed migrations,
 * deferral.
 */
void kpf_print_compaction(FILE *f, const struct pagemig_import_report *rep)
{
	const struct pagemig_analysis *b = &rep->before, *a = &rep->after;
	const struct pagemig_compact_record *c = &rep->compact;
	unsigned long left = a->free > a->free_in_2m ? a->free - a->free_in_2m : 0;
	int k;

	fprintf(f, "--- what compaction gave ---\n");
	print_gain(f, "2 MiB", b->free_in_2m, a->free_in_2m, 512, "2 MiB");
	print_gain(f, "1 GiB", b->free_in_1g, a->free_in_1g, 262144, "1 GiB");
	fprintf(f, "moved: %lu pages migrated, %lu failed; the scanners met after the migrate scanner looked at %lu pages and the free scanner at %lu\n",
		rep->migrated, c->migrate_fail, c->migrate_scanned,
		c->free_scanned);
	if (a->gigs_blocked && a->free_in_1g * 2 < a->free) {
		fprintf(f, "why no more 1 GiB blocks: %lu of %lu 1 GiB ranges hold an unmovable page, which compaction cannot move:",
			a->gigs_blocked, a->gigs);
		for (k = 0; k < PAGEMIG_NR_KINDS; k++)
			if (pagemig_kind_unmovable(k) && a->gigs_by_kind[k])
				fprintf(f, " %s %lu", pagemig_kind_name(k),
					a->gigs_by_kind[k]);
		fprintf(f, "\n");
	}
	if (left * 10 <= a->free)
		return;
	fprintf(f, "why not more: %lu MiB of free memory (%.1f%%) is still in blocks smaller than 2 MiB:\n",
		left >> 8, pct(left, a->free));
	if (a->blocks_blocked) {
		fprintf(f, "  - pageblocks held by unmovable pages: %lu of %lu (%.1f%%), which compaction cannot empty:",
			a->blocks_blocked, a->blocks,
			pct(a->blocks_blocked, a->blocks));
		for (k = 0; k < PAGEMIG_NR_KINDS; k++)
			if (pagemig_kind_unmovable(k) && a->blocks_by_kind[k])
				fprintf(f, " %s %lu", pagemig_kind_name(k),
					a->blocks_by_kind[k]);
		fprintf(f, "\n");
	}
	if (c->free_unsuitable)
		fprintf(f, "  - no free targets in suitable pageblocks: %lu MiB (%.1f%%) of the free memory is in pageblocks that are not Movable, where the free scanner takes no pages\n",
			c->free_unsuitable >> 8, pct(c->free_unsuitable, a->free));
	if (c->pinned_skipped)
		fprintf(f, "  - pinned pages: %lu, skipped by the migrate scanner (they cannot move)\n",
			c->pinned_skipped);
	if (c->migrate_fail)
		fprintf(f, "  - failed migrations: %lu page%s (pgmigrate_fail) went back where %s\n",
			c->migrate_fail, c->migrate_fail == 1 ? "" : "s",
			c->migrate_fail == 1 ? "it was" : "they were");
	if (c->zones_deferred)
		fprintf(f, "  - deferred: compaction is deferred in %u zone%s after failing there\n",
			c->zones_deferred, c->zones_deferred == 1 ? "" : "s");
}

/**
 * kpf_json_compaction() - kpf_print_compaction()'s figures as one object.
 * @f: where.
 * @rep: an import report with its compaction.
 */
void kpf_json_compaction(FILE *f, const struct pagemig_import_report *rep)
{
	const struct pagemig_analysis *b = &rep->before, *a = &rep->after;
	const struct pagemig_compact_record *c = &rep->compact;
	long d2m = (long)a->free_in_2m - (long)b->free_in_2m;
	long d1g = (long)a->free_in_1g - (long)b->free_in_1g;

	fprintf(f, "{\"free_in_2m_mib\": %ld, \"huge_pages_2m\": %ld, \"free_in_1g_mib\": %ld, \"huge_pages_1g\": %ld, \"migrate_scanned\": %lu, \"free_scanned\": %lu, \"isolated\": %lu, \"migrate_fail\": %lu, \"pinned_skipped\": %lu, \"free_unsuitable\": %lu, \"zones_deferred\": %u}",
		d2m / 256, d2m / 512, d1g / 256, d1g / 262144,
		c->migrate_scanned, c->free_scanned, c->isolated,
		c->migrate_fail, c->pinned_skipped, c->free_unsuitable,
		c->zones_deferred);
}

/* Each populated zone as a run's JSON report has it, indices included. */
static void json_zones(FILE *f)
{
	struct json_object *a = json_object_new_array();
	struct report_zones z;
	unsigned int i;

	if (!report_snapshot_zones(&z))
		for (i = 0; i < z.nr; i++)
			if (z.zone[i].st.populated)
				json_object_array_add(a, report_json_zone(&z, &z.zone[i]));
	fprintf(f, "%s", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
}

/**
 * kpf_json_import() - An import's report as one JSON object.
 * @f: where.
 * @rep: the report of pagemig_import(), the machine still up (for the
 *       zones' indices).
 * @compact: whether it compacted (after, compaction).
 * @machine: a JSON object for "machine" (a capture's layout), or NULL.
 *
 * What `pagemig import --json` prints and pagemig_import_file() writes.
 *
 * Return: 0, or -EIO when @f failed.
 */
int kpf_json_import(FILE *f, const struct pagemig_import_report *rep,
		    bool compact, const char *machine)
{
	const struct pagemig_inference *inf = &rep->inferred;
	const struct pagemig_import_result *r = &rep->built;
	double seconds = rep->ns[PAGEMIG_STAGE_COMPACT] / 1e9;
	unsigned int k, a, n = 0;

	fprintf(f, "{\"inferred\": {\"file_pages\": %lu, \"machine_pages\": %lu, \"buddy_all_pages\": %s, \"kinds\": {",
	       inf->file_pages, inf->machine_pages,
	       inf->buddy_all_pages ? "true" : "false");
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		fprintf(f, "%s\"%s\": %lu", k ? ", " : "", pagemig_kind_name(k),
		       inf->kinds[k]);
	fprintf(f, "}, \"ambiguities\": [");
	for (a = 0; a < PAGEMIG_NR_AMBIGUITIES; a++)
		if (inf->amb[a])
			fprintf(f, "%s{\"pages\": %lu, \"first_pfn\": %lu, \"resolution\": \"%s\"}",
			       n++ ? ", " : "", inf->amb[a], inf->amb_pfn[a],
			       pagemig_ambiguity_text(a));
	fprintf(f, "]}, \"built\": {\"pid\": %d, \"fid\": %d, \"anon_folios\": %lu, \"anon_thps\": %lu, \"anon_split_pages\": %lu, \"file_folios\": %lu, \"file_private_folios\": %lu, \"file_held_folios\": %lu, \"file_mapped_pages\": %lu, \"stand_in_pages\": %lu, \"tables_reused\": %lu, \"tables_allocated\": %lu, \"zram_id\": %d, \"zram_pages\": %lu, \"zram_stand_ins\": %lu}, \"before\": ",
	       r->pid, r->fid, r->anon_folios, r->anon_thps, r->anon_split_pages,
	       r->file_folios, r->file_private_folios, r->file_held_folios,
	       r->file_mapped_pages, r->stand_in_pages,
	       r->tables_reused, r->tables_allocated, r->zram_id, r->zram_pages,
	       r->zram_stand_ins);
	kpf_json_analysis(f, &rep->before);
	if (compact) {
		fprintf(f, ", \"after\": ");
		kpf_json_analysis(f, &rep->after);
		fprintf(f, ", \"pgmigrate_success\": %lu, \"compact_seconds\": %.3f, \"pages_per_second\": %.0f, \"compaction\": ",
		       rep->migrated, seconds,
		       seconds > 0 ? rep->migrated / seconds : 0.0);
		kpf_json_compaction(f, rep);
	}
	fprintf(f, ", \"zones\": ");
	json_zones(f);
	if (machine)
		fprintf(f, ", \"machine\": %s", machine);
	fprintf(f, ", \"verify\": {\"checked\": %lu, \"corrupted\": %lu}}\n",
	       rep->checked, rep->corrupted);
	return ferror(f) ? -EIO : 0;
}


/**
 * kpf_json_analysis() - The analysis as one JSON object.
 * @f: where.
 * @a: the analysis.
 */
void kpf_json_analysis(FILE *f, const struct pagemig_analysis *a)
{
	unsigned int i;
	int k, o;

	fprintf(f, "{\"pages\": %lu, \"free\": %lu, \"buddyinfo\": [", a->nr_pages,
		a->free);
	for (o = 0; o < PAGEMIG_NR_ORDERS; o++)
		fprintf(f, "%s%lu", o ? ", " : "", a->nr_free[o]);
	fprintf(f, "], \"free_in_2m\": %lu, \"free_in_1g\": %lu, \"pageblocks\": %lu, \"pageblocks_blocked\": %lu, \"pageblocks_blocked_by_one\": %lu, \"gigs\": %lu, \"gigs_blocked\": %lu, \"kinds\": {",
		a->free_in_2m, a->free_in_1g, a->blocks, a->blocks_blocked,
		a->blocks_by_one, a->gigs, a->gigs_blocked);
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		fprintf(f, "%s\"%s\": %lu", k ? ", " : "", pagemig_kind_name(k),
			a->kinds[k]);
	fprintf(f, "}, \"blockers\": {");
	for (k = 0, i = 0; k < PAGEMIG_NR_KINDS; k++)
		if (pagemig_kind_unmovable(k))
			fprintf(f, "%s\"%s\": {\"pageblocks\": %lu, \"gigs\": %lu}",
				i++ ? ", " : "", pagemig_kind_name(k),
				a->blocks_by_kind[k], a->gigs_by_kind[k]);
	fprintf(f, "}, \"offenders\": [");
	for (i = 0; i < a->nr_offenders; i++)
		fprintf(f, "%s{\"start_pfn\": %lu, \"end_pfn\": %lu, \"pageblocks\": %lu, \"pages\": %lu, \"kind\": \"%s\"}",
			i ? ", " : "", a->offenders[i].start_pfn,
			a->offenders[i].end_pfn, a->offenders[i].blocks,
			a->offenders[i].pages,
			pagemig_kind_name(a->offenders[i].kind));
	fprintf(f, "]}");
}

/* ------------------------------------------------------------------ */
/* page-types */

#define PT_ANON_EXCLUSIVE	47
#define PT_READAHEAD		48
#define PT_SLUB_FROZEN		50
#define PT_SLUB_DEBUG		51
#define PT_FILE			61
#define PT_SWAP			62
#define PT_MMAP_EXCLUSIVE	63
#define PT_HACKERS_BITS		(0xffffULL << 32)
#define PT_BIT(n)		(1ULL << PAGEMIG_KPF_##n)
#define PT_COMPOUND		(PT_BIT(COMPOUND_HEAD) | PT_BIT(COMPOUND_TAIL))

/* Letter and name of each bit, as tools/mm/page-types.c prints them. */
static const char *const pt_names[64] = {
	[PAGEMIG_KPF_LOCKED]		= "L:locked",
	[PAGEMIG_KPF_ERROR]		= "E:error",
	[PAGEMIG_KPF_REFERENCED]	= "R:referenced",
	[PAGEMIG_KPF_UPTODATE]		= "U:uptodate",
	[PAGEMIG_KPF_DIRTY]		= "D:dirty",
	[PAGEMIG_KPF_LRU]		= "l:lru",
	[PAGEMIG_KPF_ACTIVE]		= "A:active",
	[PAGEMIG_KPF_SLAB]		= "S:slab",
	[PAGEMIG_KPF_WRITEBACK]		= "W:writeback",
	[PAGEMIG_KPF_RECLAIM]		= "I:reclaim",
	[PAGEMIG_KPF_BUDDY]		= "B:buddy",
	[PAGEMIG_KPF_MMAP]		= "M:mmap",
	[PAGEMIG_KPF_ANON]		= "a:anonymous",
	[PAGEMIG_KPF_SWAPCACHE]		= "s:swapcache",
	[PAGEMIG_KPF_SWAPBACKED]	= "b:swapbacked",
	[PAGEMIG_KPF_COMPOUND_HEAD]	= "H:compound_head",
	[PAGEMIG_KPF_COMPOUND_TAIL]	= "T:compound_tail",
	[PAGEMIG_KPF_HUGE]		= "G:huge",
	[PAGEMIG_KPF_UNEVICTABLE]	= "u:unevictable",
	[PAGEMIG_KPF_HWPOISON]		= "X:hwpoison",
	[PAGEMIG_KPF_NOPAGE]		= "n:nopage",
	[PAGEMIG_KPF_KSM]		= "x:ksm",
	[PAGEMIG_KPF_THP]		= "t:thp",
	[PAGEMIG_KPF_OFFLINE]		= "o:offline",
	[PAGEMIG_KPF_PGTABLE]		= "g:pgtable",
	[PAGEMIG_KPF_ZERO_PAGE]		= "z:zero_page",
	[PAGEMIG_KPF_IDLE]		= "i:idle_page",
	[PAGEMIG_KPF_RESERVED]		= "r:reserved",
	[PAGEMIG_KPF_MLOCKED]		= "m:mlocked",
	[PAGEMIG_KPF_OWNER_2]		= "d:owner_2",
	[PAGEMIG_KPF_PRIVATE]		= "P:private",
	[PAGEMIG_KPF_PRIVATE_2]		= "p:private_2",
	[PAGEMIG_KPF_OWNER_PRIVATE]	= "O:owner_private",
	[PAGEMIG_KPF_ARCH]		= "h:arch",
	[PAGEMIG_KPF_UNCACHED]		= "c:uncached",
	[PAGEMIG_KPF_SOFTDIRTY]		= "f:softdirty",
	[PAGEMIG_KPF_ARCH_2]		= "H:arch_2",
	[PT_ANON_EXCLUSIVE]		= "d:anon_exclusive",
	[PT_READAHEAD]			= "I:readahead",
	[PT_SLUB_FROZEN]		= "A:slub_frozen",
	[PT_SLUB_DEBUG]			= "E:slub_debug",
	[PT_FILE]			= "F:file",
	[PT_SWAP]			= "w:swap",
	[PT_MMAP_EXCLUSIVE]		= "1:mmap_exclusive",
};

/**
 * kpf_page_flag_name() - The symbolic flags of one kpageflags word.
 * @flags: the word.
 * @buf: where the name goes, at least 65 bytes ("___U_l__...").
 * @no_uncached: leave out the "c:uncached" column, as page-types before
 *	6.13 does (-K; see struct kpf_page_types_opts).
 *
 * The letters are page-types.c's page_flag_names[], so the names match
 * the kernel tool's output.
 */
void kpf_page_flag_name(uint64_t flags, char *buf, bool no_uncached)
{
	size_t i, j;

	for (i = 0, j = 0; i < 64; i++)
		if (pt_names[i] && !(no_uncached && i == PAGEMIG_KPF_UNCACHED))
			buf[j++] = (flags >> i) & 1 ? pt_names[i][0] : '_';
	buf[j] = '\0';
}

static void page_flag_longname(uint64_t flags, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < 64; i++)
		if (pt_names[i] && ((flags >> i) & 1) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s,",
					      pt_names[i] + 2);
	if (n > len - 1)
		n = len - 1;
	if (n)
		n--;
	buf[n] = '\0';
}

/* page-types' expand_overloaded_flags() with no pagemap entry (-r). */
static uint64_t expand_overloaded(uint64_t flags)
{
	if ((flags & PT_BIT(ANON)) && (flags & PT_BIT(OWNER_2)))
		flags ^= PT_BIT(OWNER_2) | (1ULL << PT_ANON_EXCLUSIVE);
	if (flags & PT_BIT(SLAB)) {
		if (flags & PT_BIT(ACTIVE))
			flags ^= PT_BIT(ACTIVE) | (1ULL << PT_SLUB_FROZEN);
		if (flags & PT_BIT(ERROR))
			flags ^= PT_BIT(ERROR) | (1ULL << PT_SLUB_DEBUG);
	}
	if ((flags & (PT_BIT(RECLAIM) | PT_BIT(WRITEBACK))) == PT_BIT(RECLAIM))
		flags ^= PT_BIT(RECLAIM) | (1ULL << PT_READAHEAD);
	return flags;
}

/* page-types' well_known_flags(): no hacker bits, no non-hugetlb compound. */
static uint64_t well_known(uint64_t flags)
{
	flags &= ~PT_HACKERS_BITS;
	if ((flags & PT_COMPOUND) && !(flags & PT_BIT(HUGE)))
		flags &= ~PT_COMPOUND;
	return flags;
}

#define PT_HASH_SIZE	(1 << 13)

struct pt_table {
	unsigned long nr_pages[PT_HASH_SIZE];
	uint64_t page_flags[PT_HASH_SIZE];
};

/*
 * The tool's hash_slot(): slot 0 is reserved for flags 0, the rest probe
 * linearly from (flags & mask), wrapping to 1.  Reproduced so that rows
 * come out in the tool's order.  Return: the slot, or -1 when full.
 */
static long pt_slot(struct pt_table *t, uint64_t flags)
{
	size_t k = flags & (PT_HASH_SIZE - 1), i;

	if (!flags)
		return 0;
	for (i = 1; i < PT_HASH_SIZE; i++, k++) {
		if (!k || k >= PT_HASH_SIZE)
			k = 1;
		if (t->page_flags[k] == 0) {
			t->page_flags[k] = flags;
			return (long)k;
		}
		if (t->page_flags[k] == flags)
			return (long)k;
	}
	return -1;
}

static unsigned long pages2mb(unsigned long pages)
{
	return (pages * PAGEMIG_PAGE_SIZE) >> 20;
}

/**
 * kpf_page_types() - What `page-types [-r] [-l] -F FILE` prints.
 * @f: where.
 * @flags: the kpageflags words, one per PFN from 0.
 * @nr: how many.
 * @o: -r and -l.
 *
 * Return: 0, -ENOMEM, or -E2BIG when more than 8191 distinct flag words
 * occur (the tool's "hash table full").
 */
int kpf_page_types(FILE *f, const uint64_t *flags, unsigned long nr,
		   const struct kpf_page_types_opts *o)
{
	struct pt_table *t = calloc(1, sizeof(*t));
	unsigned long i, total = 0, run_start = 0, run_len = 0;
	uint64_t run_flags = 0;
	char name[80], longname[1024];

	if (!t)
		return -ENOMEM;
	if (o->list)
		fprintf(f, "offset\tlen\tflags\n");
	for (i = 0; i < nr; i++) {
		uint64_t fl = o->raw ? expand_overloaded(flags[i]) :
				       well_known(flags[i]);
		long slot = pt_slot(t, fl);

		if (slot < 0) {
			free(t);
			return -E2BIG;
		}
		t->nr_pages[slot]++;
		total++;
		if (!o->list)
			continue;
		if (run_len && fl == run_flags && i == run_start + run_len) {
			run_len++;
			continue;
		}
		if (run_len) {
			kpf_page_flag_name(run_flags, name, o->no_uncached);
			fprintf(f, "%lx\t%lx\t%s\n", run_start, run_len, name);
		}
		run_flags = fl;
		run_start = i;
		run_len = 1;
	}
	if (o->list) {
		if (run_len) {
			kpf_page_flag_name(run_flags, name, o->no_uncached);
			fprintf(f, "%lx\t%lx\t%s\n", run_start, run_len, name);
		}
		fprintf(f, "\n\n");
	}
	fprintf(f, "             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n");
	for (i = 0; i < PT_HASH_SIZE; i++) {
		if (!t->nr_pages[i])
			continue;
		kpf_page_flag_name(t->page_flags[i], name, o->no_uncached);
		page_flag_longname(t->page_flags[i], longname, sizeof(longname));
		fprintf(f, "0x%016llx\t%10lu %8lu  %s\t%s\n",
			(unsigned long long)t->page_flags[i], t->nr_pages[i],
			pages2mb(t->nr_pages[i]), name, longname);
	}
	fprintf(f, "             total\t%10lu %8lu\n", total, pages2mb(total));
	free(t);
	return 0;
}
