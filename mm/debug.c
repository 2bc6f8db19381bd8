// SPDX-License-Identifier: GPL-2.0
/*
 * Debugging aids: dump_page(), gfp-mask names, and the expensive
 * validator that walks every zone.
 *
 * The validator is the test suite's referee.  It takes each zone's lock
 * (and each pcp lock, one at a time, before it), so its answer is exact
 * only while nothing else allocates; tests call it at quiet points.
 * Subsystems that keep pages of their own (balloon, zsmalloc, compaction
 * with isolated free pages) add checks through register_mm_validator().
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/vmstat.h>
#include "internal.h"

static const char * const pageflag_names[__NR_PAGEFLAGS] = {
	[PG_locked] = "locked",		[PG_writeback] = "writeback",
	[PG_referenced] = "referenced",	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",		[PG_lru] = "lru",
	[PG_head] = "head",		[PG_waiters] = "waiters",
	[PG_active] = "active",		[PG_workingset] = "workingset",
	[PG_owner_priv_1] = "owner_priv_1", [PG_owner_2] = "owner_2",
	[PG_arch_1] = "arch_1",		[PG_reserved] = "reserved",
	[PG_private] = "private",	[PG_private_2] = "private_2",
	[PG_reclaim] = "reclaim",	[PG_swapbacked] = "swapbacked",
	[PG_unevictable] = "unevictable", [PG_dropbehind] = "dropbehind",
	[PG_mlocked] = "mlocked",	[PG_hwpoison] = "hwpoison",
	[PG_young] = "young",		[PG_idle] = "idle",
};

/**
 * page_flag_name - the name of a PG_* bit
 * @bit: the bit number
 *
 * Return: its name, or "?" for bits past __NR_PAGEFLAGS.
 */
const char *page_flag_name(int bit)
{
	if (bit < 0 || bit >= __NR_PAGEFLAGS)
		return "?";
	return pageflag_names[bit];
}

static const char * const pagetype_names[] = {
	"buddy", "offline", "table", "guard", "hugetlb", "slab", "zsmalloc",
	"unaccepted", "large_kmalloc",
};

static void format_page_flags(unsigned long flags, char *buf, size_t len)
{
	size_t n = 0;
	int bit;

	buf[0] = 0;
	for (bit = 0; bit < __NR_PAGEFLAGS && n < len; bit++) {
		if (!(flags & BIT(bit)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      pageflag_names[bit]);
	}
	if (n < len)
		snprintf(buf + n, len - n, "%snode=%lu|zone=%lu", n ? "|" : "",
			 (flags >> NODES_PGSHIFT) & NODES_MASK,
			 (flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

/**
 * dump_page - print everything known about a page to the log
 * @page: the page
 * @reason: why (printed last), may be NULL
 */
void dump_page(const struct page *page, const char *reason)
{
	const struct page *head = compound_head(page);
	unsigned long flags = READ_ONCE(page->flags);
	unsigned int type = READ_ONCE(page->page_type);
	const unsigned long *words = (const unsigned long *)page;
	unsigned long raw[8];
	char buf[256];
	int i;

	/*
	 * The page may belong to someone else and change under us (a
	 * REPORT_FAILURE dump names a page in use): read each word once.
	 */
	for (i = 0; i < 8; i++)
		raw[i] = READ_ONCE(words[i]);

	pr_warn("page: refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx\n",
		page_ref_count(page),
		page_type_has_type(type) ? 0 : atomic_read(&page->_mapcount) + 1,
		(void *)READ_ONCE(page->mapping), READ_ONCE(page->__folio_index),
		page_to_pfn(page));
	if (head != page || PageHead(page))
		pr_warn("head: order:%u pfn:%#lx\n",
			compound_order(head), page_to_pfn(head));
	format_page_flags(flags, buf, sizeof(buf));
	pr_warn("flags: %#lx(%s)\n", flags, buf);
	if (page_type_has_type(type)) {
		unsigned int t = type >> 24;

		pr_warn("page_type: %#x(%s)\n", type,
			t >= PGTY_buddy && t <= PGTY_large_kmalloc ?
			pagetype_names[t - PGTY_buddy] : "unknown");
	}
	pr_warn("raw: %016lx %016lx %016lx %016lx\n", raw[0], raw[1], raw[2], raw[3]);
	pr_warn("raw: %016lx %016lx %016lx %016lx\n", raw[4], raw[5], raw[6], raw[7]);
	if (reason)
		pr_warn("page dumped because: %s\n", reason);
}

/* ------------------------------------------------------------------ */
/*
 * gfp names, in the order of the kernel's show_gfp_flags() (and %pGg):
 * composite masks first, so formatting picks the big names, then the
 * single bits.  Trace lines and warnings then name a mask as the kernel
 * does.  The last two are bits the kernel names and pagemig never sets.
 */
#define GFP_NAME_ZEROTAGS	((gfp_t)0x800000u)
#define GFP_NAME_NO_OBJ_EXT	((gfp_t)0x1000000u)

static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	{ GFP_TRANSHUGE,		"GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT,		"GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE,		"GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER,			"GFP_HIGHUSER" },
	{ GFP_USER,			"GFP_USER" },
	{ GFP_KERNEL | __GFP_ACCOUNT,	"GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL,			"GFP_KERNEL" },
	{ __GFP_RECLAIM | __GFP_IO,	"GFP_NOFS" },
	{ GFP_ATOMIC,			"GFP_ATOMIC" },
	{ GFP_NOIO,			"GFP_NOIO" },
	{ GFP_NOWAIT,			"GFP_NOWAIT" },
	{ (gfp_t)___GFP_DMA,		"GFP_DMA" },
	{ GFP_DMA32,			"GFP_DMA32" },
	{ __GFP_RECLAIM,		"__GFP_RECLAIM" },
	{ (gfp_t)___GFP_DMA,		"__GFP_DMA" },
	{ __GFP_HIGHMEM,		"__GFP_HIGHMEM" },
	{ __GFP_DMA32,			"__GFP_DMA32" },
	{ __GFP_MOVABLE,		"__GFP_MOVABLE" },
	{ __GFP_RECLAIMABLE,		"__GFP_RECLAIMABLE" },
	{ __GFP_HIGH,			"__GFP_HIGH" },
	{ __GFP_IO,			"__GFP_IO" },
	{ __GFP_FS,			"__GFP_FS" },
	{ __GFP_ZERO,			"__GFP_ZERO" },
	{ __GFP_DIRECT_RECLAIM,		"__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM,		"__GFP_KSWAPD_RECLAIM" },
	{ __GFP_WRITE,			"__GFP_WRITE" },
	{ __GFP_NOWARN,			"__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL,		"__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL,			"__GFP_NOFAIL" },
	{ __GFP_NORETRY,		"__GFP_NORETRY" },
	{ __GFP_MEMALLOC,		"__GFP_MEMALLOC" },
	{ __GFP_COMP,			"__GFP_COMP" },
	{ __GFP_NOMEMALLOC,		"__GFP_NOMEMALLOC" },
	{ __GFP_HARDWALL,		"__GFP_HARDWALL" },
	{ __GFP_THISNODE,		"__GFP_THISNODE" },
	{ __GFP_ACCOUNT,		"__GFP_ACCOUNT" },
	{ GFP_NAME_ZEROTAGS,		"__GFP_ZEROTAGS" },
	{ GFP_NAME_NO_OBJ_EXT,		"__GFP_NO_OBJ_EXT" },
};

/**
 * parse_gfp_string - parse "GFP_KERNEL|__GFP_ZERO" into a mask
 * @s: names joined by '|', spaces allowed, or a number ("0x400cc0")
 * @gfp: result
 *
 * Both mobility bits at once name no migratetype (the kernel's
 * gfp_migratetype() warns on it): such a mask is refused too.
 *
 * Return: 0, or -EINVAL if any part is not a known name or number, or
 * the mask has both __GFP_MOVABLE and __GFP_RECLAIMABLE.
 */
int parse_gfp_string(const char *s, gfp_t *gfp)
{
	gfp_t mask = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		const char *end;
		size_t len, i;
		bool found = false;

		while (*p == ' ')
			p++;
		end = p;
		while (*end && *end != '|' && *end != ' ')
			end++;
		len = (size_t)(end - p);
		if (!len)
			return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(gfp_names); i++) {
			if (strlen(gfp_names[i].name) == len &&
			    !strncmp(gfp_names[i].name, p, len)) {
				mask |= gfp_names[i].mask;
				found = true;
				break;
			}
		}
		if (!found) {
			char num[32], *nend;
			unsigned long v;

			if (len >= sizeof(num))
				return -EINVAL;
			memcpy(num, p, len);
			num[len] = 0;
			errno = 0;
			v = strtoul(num, &nend, 0);
			if (errno || *nend || v > 0xffffffffUL)
				return -EINVAL;
			mask |= (gfp_t)v;
		}
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '|') {
			p++;
			if (!*p)
				return -EINVAL;
		}
	}
	if ((mask & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return -EINVAL;
	*gfp = mask;
	return 0;
}

/**
 * format_gfp_string - name a gfp mask, biggest composite names first
 * @gfp: the mask
 * @buf: output
 * @len: its size
 *
 * Return: the length of the string written (truncated to fit).
 */
int format_gfp_string(gfp_t gfp, char *buf, size_t len)
{
	size_t n = 0, i;

	if (!len)
		return 0;
	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(gfp_names) && gfp; i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		gfp &= ~gfp_names[i].mask;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "|" : "", gfp_names[i].name);
	}
	if (gfp)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%#x",
				      n ? "|" : "", gfp);
	if (!n)
		n = (size_t)snprintf(buf, len, "0");
	return (int)min(n, len - 1);
}

/* ------------------------------------------------------------------ */
/* The validator */

#define MAX_VALIDATORS 8
static unsigned long (*validators[MAX_VALIDATORS])(FILE *f);

/**
 * register_mm_validator - add a subsystem check to validate_zones()
 * @fn: returns the number of problems it found, describing each on @f
 *
 * Return: 0, or -ENOSPC when the table is full.
 */
int register_mm_validator(unsigned long (*fn)(FILE *f))
{
	int i;

	for (i = 0; i < MAX_VALIDATORS; i++) {
		if (validators[i] == fn)
			return 0;
		if (!validators[i]) {
			validators[i] = fn;
			return 0;
		}
	}
	return -ENOSPC;
}

__printf(2, 3) static void problem(FILE *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	fputs("validate: ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
}

/*
 * The validator meets corrupted pageblock bits by design: never index
 * migratetype_names[] with a value it has not range-checked.
 */
static const char *mt_name(int mt)
{
	return mt >= 0 && mt < MIGRATE_TYPES ? migratetype_names[mt] : "invalid";
}

/* Check one free block found on a free list.  Returns problems found. */
static unsigned long check_free_block(FILE *f, struct zone *zone,
				      struct page *page, unsigned int order,
				      int mt)
{
	unsigned long pfn = page_to_pfn(page), p;
	unsigned long bad = 0;

	if (!PageBuddy(page)) {
		problem(f, "%s pfn %#lx on order-%u %s list is not PageBuddy",
			zone->name, pfn, order, migratetype_names[mt]);
		return 1;
	}
	if (buddy_order(page) != order) {
		problem(f, "%s pfn %#lx on order-%u list has order %u",
			zone->name, pfn, order, buddy_order(page));
		bad++;
	}
	if (!IS_ALIGNED(pfn, 1UL << order) ||
	    !zone_spans_pfn(zone, pfn) ||
	    !zone_spans_pfn(zone, pfn + (1UL << order) - 1)) {
		problem(f, "%s free block pfn %#lx order %u misaligned or outside the zone",
			zone->name, pfn, order);
		return bad + 1;
	}
	for (p = pfn; p < pfn + (1UL << order); p += pageblock_nr_pages) {
		int bmt = get_pfnblock_migratetype(pfn_to_page(p), p);

		if (bmt != mt) {
			problem(f, "%s free block pfn %#lx order %u on the %s list, pageblock %#lx is %s",
				zone->name, pfn, order, mt_name(mt),
				pageblock_start_pfn(p), mt_name(bmt));
			bad++;
			break;
		}
	}
	for (p = pfn + 1; p < pfn + (1UL << order); p++) {
		struct page *tail = pfn_to_page(p);

		if (PageBuddy(tail) || page_ref_count(tail) ||
		    atomic_read(&tail->_mapcount) != -1) {
			problem(f, "%s pfn %#lx inside free block %#lx/%u is in use or typed",
				zone->name, p, pfn, order);
			bad++;
			break;
		}
	}
	if (page_ref_count(page)) {
		problem(f, "%s free block pfn %#lx has refcount %d",
			zone->name, pfn, page_ref_count(page));
		bad++;
	}
	return bad;
}

/*
 * One zone.  Reports through @pcp_pages and @iso_pages the pages on its
 * pcp lists and on its MIGRATE_ISOLATE free lists, which NR_FREE_PAGES
 * leaves out.
 */
static unsigned long validate_zone(FILE *f, struct zone *zone,
				   unsigned long *pcp_pages,
				   unsigned long *iso_pages)
{
	unsigned long bad = 0, free_pages = 0, walked = 0, pfn;
	unsigned int order;
	int mt, cpu;

	/* pcp lists, one CPU at a time (pcp->lock ranks below zone->lock). */
	*pcp_pages = 0;
	for_each_possible_cpu(cpu) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		unsigned long counted = 0;
		unsigned int i;

		spin_lock(&pcp->lock);
		for (i = 0; i < NR_PCP_LISTS; i++) {
			unsigned int o = i == NR_LOWORDER_PCP_LISTS ? pageblock_order :
					 i / MIGRATE_PCPTYPES;
			struct page *page;

			list_for_each_entry(page, &pcp->lists[i], pcp_list) {
				if (page_zone(page) != zone || PageBuddy(page) ||
				    page_ref_count(page)) {
					problem(f, "%s pcp page pfn %#lx of cpu %d: wrong zone, PageBuddy or refcount %d",
						zone->name, page_to_pfn(page), cpu,
						page_ref_count(page));
					bad++;
				}
				counted += 1UL << o;
			}
		}
		if (counted != (unsigned long)pcp->count) {
			problem(f, "%s cpu %d pcp count %d, lists hold %lu pages",
				zone->name, cpu, pcp->count, counted);
			bad++;
		}
		*pcp_pages += counted;
		spin_unlock(&pcp->lock);
	}

	*iso_pages = 0;
	spin_lock(&zone->lock);
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		unsigned long nr = 0;

		for (mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct page *page;

			list_for_each_entry(page, &zone->free_area[order].free_list[mt],
					    buddy_list) {
				bad += check_free_block(f, zone, page, order, mt);
				nr++;
				if (is_migrate_isolate(mt))
					*iso_pages += 1UL << order;
			}
		}
		if (nr != zone->free_area[order].nr_free) {
			problem(f, "%s order %u: nr_free %lu, lists hold %lu",
				zone->name, order, zone->free_area[order].nr_free, nr);
			bad++;
		}
		free_pages += nr << order;
	}
	/* Isolated free pages are on the lists but not in NR_FREE_PAGES. */
	if (free_pages - *iso_pages != zone_page_state(zone, NR_FREE_PAGES)) {
		problem(f, "%s NR_FREE_PAGES %lu, free lists hold %lu pages (%lu isolated)",
			zone->name, zone_page_state(zone, NR_FREE_PAGES), free_pages,
			*iso_pages);
		bad++;
	}

	/* Every PageBuddy head found by a PFN walk must be counted above. */
	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);) {
		struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page) && buddy_order(page) < NR_PAGE_ORDERS) {
			walked += 1UL << buddy_order(page);
			pfn += 1UL << buddy_order(page);
			continue;
		}
		if (PageTail(page) && !PageHead(compound_head(page))) {
			problem(f, "%s pfn %#lx is a tail of a non-head page",
				zone->name, pfn);
			bad++;
		}
		pfn++;
	}
	if (walked != free_pages) {
		problem(f, "%s PFN walk finds %lu free pages, lists hold %lu",
			zone->name, walked, free_pages);
		bad++;
	}
	spin_unlock(&zone->lock);

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages) {
		unsigned long bits = get_pfnblock_flags_mask(pfn_to_page(pfn), pfn,
							     MIGRATETYPE_MASK);

		if (bits >= MIGRATE_ISOLATE) {
			problem(f, "%s pageblock %#lx has invalid migratetype %lu",
				zone->name, pfn, bits);
			bad++;
		}
	}
	return bad;
}

/**
 * validate_zones - the expensive validator over the whole machine
 * @f: where to describe problems (NULL: count only)
 *
 * Checks every free list (types, orders, alignment, PageBuddy, pageblock
 * migratetypes), nr_free and NR_FREE_PAGES against the lists (the latter
 * without the isolate lists), pcp counts, a PFN walk against the lists,
 * pageblock bits, and that free + isolated free + pcp + allocated pages
 * add up to the machine's pages (allocated: every page handed out of the
 * free lists and not yet back, bad pages included).  Then runs registered
 * subsystem checks.
 *
 * Return: the number of problems found.
 */
unsigned long validate_zones(FILE *f)
{
	unsigned long bad = 0, free = 0, iso = 0, pcp = 0, allocated, present = 0;
	struct zone *zone;
	int i;

	if (!mem_map)
		return 0;
	for_each_populated_zone(zone) {
		unsigned long zone_pcp, zone_iso;

		bad += validate_zone(f, zone, &zone_pcp, &zone_iso);
		free += zone_page_state(zone, NR_FREE_PAGES);
		iso += zone_iso;
		pcp += zone_pcp;
		present += READ_ONCE(zone->present_pages);
	}
	allocated = nr_used_pages();
	if (free + iso + pcp + allocated != present) {
		problem(f, "accounting: free %lu + isolated %lu + pcp %lu + allocated %lu != present %lu",
			free, iso, pcp, allocated, present);
		bad++;
	}
	for (i = 0; i < MAX_VALIDATORS && validators[i]; i++)
		bad += validators[i](f);
	return bad;
}
