// SPDX-License-Identifier: GPL-2.0
/*
 * The import of a real machine: the rules that make a machine built from
 * a kpageflags snapshot the machine the snapshot was taken of, from what
 * that machine's own files say (struct pagemig_real_machine: zoneinfo,
 * iomem, memory blocks, pagetypeinfo, zram).  facade/import.c calls
 * them between READ and BUILD:
 *
 *	kpf_real_layout()	holes, each zone's initialised end, the
 *				machine's size
 *	kpf_real_snapshot()	the snapshot as inference must read it: holes
 *				read KPF_NOPAGE, nothing past the machine
 *	(kpf_infer() of facade/snapshot.c)
 *	kpf_real_finish()	zone figures and holes from the plan, the
 *				machine's layout
 *	kpf_real_rules()	zsmalloc pages, pageblock types
 *
 * Each rule says which kernel behaviour it follows; Documentation/twin.md,
 * "Import rules", has them all with the capture file each one reads.
 * Without a real machine none of this runs and the import guesses zones
 * as it always did (DMA32 up to 4 GiB, Normal above).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "import.h"

#define KPF(name)	(1ULL << PAGEMIG_KPF_##name)
#define BLOCK		PAGEMIG_PAGEBLOCK_PAGES
#define IMPORT_BLOCK_ORDER	9	/* log2(BLOCK) */
/* Memory sections: 128 MiB on x86-64 (SECTION_SIZE_BITS 27). */
#define SECTION_PAGES	(1UL << 15)
#define BITS		(8 * sizeof(unsigned long))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline unsigned long min_ul(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

static inline unsigned long max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

static void set_bits(unsigned long *map, unsigned long start, unsigned long end)
{
	for (; start < end; start++)
		map[start / BITS] |= 1UL << (start % BITS);
}

static bool test_pfn(const unsigned long *map, unsigned long pfn)
{
	return map[pfn / BITS] & (1UL << (pfn % BITS));
}

/* Does the kernel's memmap say anything about @pfn: a flag or a count? */
static bool touched(const struct pagemig_snapshot *s, unsigned long pfn)
{
	if (pfn >= s->nr)
		return false;
	return s->flags[pfn] || (s->counts && s->counts[pfn]);
}

/*
 * Rule "holes": a PFN has no memory when it lies outside every System RAM
 * range of /proc/iomem (only pages the range covers whole), in an offline
 * memory block, or outside every zone's span.  kernel: such PFNs are in
 * no zone's present_pages; those in a section that has some memory have
 * a reserved struct page, whole sections without memory have none.
 */
static void mark_holes(const struct pagemig_real_machine *m,
		       unsigned long end, unsigned long *hole)
{
	unsigned long pfn = 0;
	unsigned int i;
	int z;

	if (m->nr_ram) {
		for (i = 0; i < m->nr_ram && pfn < end; i++) {
			set_bits(hole, pfn, min_ul(m->ram[i].start, end));
			pfn = max_ul(pfn, m->ram[i].end);
		}
		set_bits(hole, min_ul(pfn, end), end);
	}
	for (i = 0; i < m->nr_offline; i++)
		set_bits(hole, min_ul(m->offline[i].start, end),
			 min_ul(m->offline[i].end, end));
	pfn = 0;
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &m->zones[z];

		if (!zl->spanned)
			continue;
		set_bits(hole, pfn, min_ul(zl->start_pfn, end));
		pfn = zl->start_pfn + zl->spanned;
	}
	set_bits(hole, min_ul(pfn, end), end);
}

/*
 * Rule "not yet initialised": with deferred struct page init the kernel
 * initialises a zone's memory from the bottom, a whole 128 MiB section
 * at a time (deferred_grow_zone(), and deferred_init=lazy on this
 * kernel's command line defers it until memory is needed); memory above
 * pgdat->first_deferred_pfn has struct pages that were never set up, and
 * /proc/kpageflags and /proc/kpagecount read 0 for every page there.
 * Such memory is not in the zone yet: compaction's zone end is where the
 * initialised memory ends, and pagetypeinfo and buddyinfo count none of
 * it (the corpus' trace: Normal zone_end=0x350000 while zoneinfo says
 * spanned 0x540000; start + managed = 0x350000).
 *
 * A hole with no struct pages reads 0 as well, so without /proc/iomem
 * the two look alike.  zoneinfo tells them apart by count: the kernel's
 * present_pages covers uninitialised memory and no hole (spanned less
 * present is the zone's holes), and managed_pages is present less what
 * the kernel reserved at boot (KPF_RESERVED) less what it has not
 * initialised.  So a zone has present - managed - reserved pages not yet
 * initialised, and spanned - present pages of holes.
 *
 * Walking the zone's sections down from its top: a section with memory
 * and not one page with a flag or a count is not initialised while that
 * count lasts; past it, it is a hole while the zone has holes not yet
 * found; otherwise, or at the first section with a page in use, the walk
 * ends.  Sections with no memory at all do not decide.
 */
struct uninit_walk {
	unsigned long uninit;	/* pages not initialised, still to find */
	unsigned long holes;	/* pages of holes, still to find */
	unsigned long init_end;	/* the result */
};

static void initialised_end(const struct pagemig_snapshot *s,
			    unsigned long *hole, unsigned long start,
			    unsigned long end, struct uninit_walk *w)
{
	unsigned long sec;

	w->init_end = end;
	if (start >= end)
		return;
	for (sec = (end - 1) & ~(SECTION_PAGES - 1);; sec -= SECTION_PAGES) {
		unsigned long a = max_ul(sec, start), b = min_ul(sec + SECTION_PAGES, end);
		unsigned long pfn, ram = 0;
		bool used = false;

		for (pfn = a; pfn < b && !used; pfn++) {
			if (test_pfn(hole, pfn))
				continue;
			ram++;
			used = touched(s, pfn);
		}
		if (used)
			break;
		if (ram && w->uninit) {
			w->uninit -= min_ul(ram, w->uninit);
			w->init_end = a;
		} else if (ram && w->holes >= ram) {
			w->holes -= ram;
			set_bits(hole, a, b);
		} else if (ram) {
			break;
		}
		if (a == start)
			break;
	}
}

/* How many of [@start, @end) are not holes and how many of those are KPF_RESERVED. */
static void count_pages(const struct pagemig_snapshot *s, const unsigned long *hole,
			unsigned long start, unsigned long end,
			unsigned long *ram, unsigned long *reserved)
{
	unsigned long pfn;

	*ram = *reserved = 0;
	for (pfn = start; pfn < end; pfn++) {
		if (test_pfn(hole, pfn))
			continue;
		(*ram)++;
		if (pfn < s->nr && (s->flags[pfn] & KPF(RESERVED)))
			(*reserved)++;
	}
}

/*
 * What zoneinfo's counts leave to find in @zl's span (struct
 * uninit_walk): without them (present 0), any amount of untouched
 * memory at the top is uninitialised and no hole is inferred.
 */
static void walk_budget(const struct pagemig_snapshot *s, const unsigned long *hole,
			const struct pagemig_zone_layout *zl, struct uninit_walk *w)
{
	unsigned long ram, reserved;

	w->uninit = ULONG_MAX;
	w->holes = 0;
	if (!zl->present)
		return;
	count_pages(s, hole, zl->start_pfn, zl->start_pfn + zl->spanned, &ram, &reserved);
	w->uninit = zl->present > zl->managed + reserved ?
		    zl->present - zl->managed - reserved : 0;
	w->holes = ram > zl->present ? ram - zl->present : 0;
}

/*
 * Rule "managed": a zone manages its present pages less those the kernel
 * reserved at boot (KPF_RESERVED: firmware tables, the kernel image, the
 * zero page), which never reach the buddy allocator -- what the kernel's
 * managed_pages counts.  The import does not copy zoneinfo's figure; it
 * counts its own, and the caller holds the two side by side.
 */
static unsigned long managed_pages(const struct pagemig_snapshot *s,
				   const unsigned long *hole,
				   unsigned long start, unsigned long end)
{
	unsigned long ram, reserved;

	count_pages(s, hole, start, end, &ram, &reserved);
	return ram - reserved;
}

/**
 * kpf_real_layout() - The machine a real one's files describe.
 * @s: its snapshot (kpageflags and maybe kpagecount).
 * @m: what its other files say.
 * @r: the result, zeroed here; kpf_real_free() it.
 * @err: the reason on failure.
 * @errlen: its size.
 *
 * Works out the holes (mark_holes()) and each zone's initialised end
 * (initialised_end()): pagemig's zones span the initialised memory only,
 * and the machine ends with its highest zone, rounded up to 2 MiB.
 *
 * Return: 0; -EINVAL (reason in @err) when no zone has memory or zones
 * overlap; -ENOMEM.
 */
int kpf_real_layout(const struct pagemig_snapshot *s,
		    const struct pagemig_real_machine *m, struct kpf_real *r,
		    char *err, size_t errlen)
{
	unsigned long end = 0, top = 0;
	int z;

	memset(r, 0, sizeof(*r));
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &m->zones[z];

		if (!zl->spanned)
			continue;
		if (zl->start_pfn < end) {
			snprintf(err, errlen, "zone %d starts at pfn %#lx, inside the zone below it",
				 z, zl->start_pfn);
			return -EINVAL;
		}
		end = zl->start_pfn + zl->spanned;
	}
	if (!end) {
		snprintf(err, errlen, "no zone has memory");
		return -EINVAL;
	}
	r->kernel_end = end;
	r->hole = calloc((end + BITS - 1) / BITS, sizeof(*r->hole));
	if (!r->hole) {
		snprintf(err, errlen, "out of memory for a map of %lu PFNs", end);
		return -ENOMEM;
	}
	mark_holes(m, end, r->hole);

	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &m->zones[z];
		struct pagemig_zone_layout *pz = &r->layout.zones[z];
		unsigned long zend = zl->start_pfn + zl->spanned, init;
		struct uninit_walk walk;

		*pz = *zl;
		pz->managed = 0;	/* counted from the plan */
		if (!zl->spanned)
			continue;
		walk_budget(s, r->hole, zl, &walk);
		initialised_end(s, r->hole, zl->start_pfn, zend, &walk);
		init = walk.init_end;
		r->uninit_pfn[z] = init;
		r->uninit_pages[z] = 0;
		for (; init < zend; init++)
			if (!test_pfn(r->hole, init))
				r->uninit_pages[z]++;
		pz->spanned = r->uninit_pfn[z] - zl->start_pfn;
		r->managed[z] = managed_pages(s, r->hole, zl->start_pfn,
					      r->uninit_pfn[z]);
		/* What is left out is no memory of this machine's. */
		set_bits(r->hole, r->uninit_pfn[z], zend);
		if (pz->spanned)
			top = r->uninit_pfn[z];
	}
	if (!top) {
		snprintf(err, errlen, "no zone has initialised memory: every page of the snapshot reads 0");
		return -EINVAL;
	}
	r->nr_pages = (top + BLOCK - 1) & ~(BLOCK - 1);
	return 0;
}

/**
 * kpf_real_snapshot() - The snapshot as inference reads it for @r.
 * @s: the snapshot.
 * @r: from kpf_real_layout().
 * @out: a snapshot of at most r->nr_pages PFNs whose holes read
 *	KPF_NOPAGE (the kernel's own word for "no page here"); its counts
 *	are @s's.  Free its flags only.
 *
 * Return: 0 or -ENOMEM.
 */
int kpf_real_snapshot(const struct pagemig_snapshot *s, const struct kpf_real *r,
		      struct pagemig_snapshot *out)
{
	unsigned long i, nr = min_ul(s->nr, r->nr_pages);

	out->flags = malloc(max_ul(nr, 1) * sizeof(*out->flags));
	if (!out->flags)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		out->flags[i] = i < r->kernel_end && test_pfn(r->hole, i) ?
				KPF(NOPAGE) : s->flags[i];
	out->counts = s->counts;
	out->nr = nr;
	return 0;
}

/* The plan's holes as ranges: r->holes (all), r->report's first ones. */
static int collect_holes(const struct pagemig_inference *inf, struct kpf_real *r)
{
	unsigned long pfn = 0, n = inf->machine_pages, cap = 0;

	while (pfn < n) {
		unsigned long start;

		if (!(inf->plan[pfn].flags & PAGEMIG_IMPORT_HOLE)) {
			pfn++;
			continue;
		}
		for (start = pfn; pfn < n && (inf->plan[pfn].flags & PAGEMIG_IMPORT_HOLE); pfn++)
			;
		if (r->nr_holes == cap) {
			struct pagemig_pfn_range *h;

			cap = cap ? cap * 2 : 16;
			h = realloc(r->holes, cap * sizeof(*h));
			if (!h)
				return -ENOMEM;
			r->holes = h;
		}
		r->holes[r->nr_holes].start = start;
		r->holes[r->nr_holes++].end = pfn;
	}
	r->layout.holes = r->holes;
	r->layout.nr_holes = r->nr_holes;
	return 0;
}

/**
 * kpf_real_finish() - Zone figures and the machine's layout from the plan.
 * @inf: the plan of kpf_real_snapshot()'s snapshot.
 * @r: from kpf_real_layout(); r->layout becomes the machine's.
 * @rep: the layout report to fill (zones, holes).
 *
 * Return: 0 or -ENOMEM.
 */
int kpf_real_finish(const struct pagemig_inference *inf, struct kpf_real *r,
		    struct pagemig_import_layout *rep)
{
	unsigned int i;
	int z;

	if (collect_holes(inf, r))
		return -ENOMEM;
	rep->real = true;
	rep->nr_pages = inf->machine_pages;
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		struct pagemig_zone_layout *pz = &r->layout.zones[z];
		struct pagemig_import_zone *iz = &rep->zones[z];
		unsigned long pfn, end = pz->start_pfn + pz->spanned;

		iz->exists = pz->exists;
		iz->start_pfn = pz->start_pfn;
		iz->spanned = pz->spanned;
		iz->uninit_pfn = r->uninit_pfn[z];
		iz->uninit_pages = r->uninit_pages[z];
		for (pfn = pz->start_pfn; pfn < end; pfn++) {
			const struct pagemig_import_page *p = &inf->plan[pfn];

			if (p->flags & PAGEMIG_IMPORT_HOLE)
				iz->holes++;
			else
				iz->present++;
		}
		iz->managed = r->managed[z];
		pz->managed = iz->managed;
	}
	for (i = 0; i < r->nr_holes; i++) {
		rep->hole_pages += r->holes[i].end - r->holes[i].start;
		if (i < PAGEMIG_REPORT_HOLES)
			rep->holes[i] = r->holes[i];
	}
	rep->nr_holes = r->nr_holes;
	return 0;
}

/* One pageblock of a zone, as the type rule sees it. */
struct block_score {
	unsigned long pfn;		/* the block's first PFN */
	unsigned int unmov;		/* kernel pages, page tables */
	unsigned int slab, free;
	/* free blocks of each order below a pageblock's, as built */
	unsigned short chunks[IMPORT_BLOCK_ORDER];
	int mt;				/* chosen; -1: not yet */
};

static int by_unmovable(const void *a, const void *b)
{
	const struct block_score *x = a, *y = b;

	if (x->unmov != y->unmov)
		return x->unmov > y->unmov ? -1 : 1;
	if (x->slab != y->slab)
		return x->slab > y->slab ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int by_shrunk_slab(const void *a, const void *b)
{
	const struct block_score *x = a, *y = b;

	if (!x->slab != !y->slab)
		return x->slab ? -1 : 1;
	if (x->free != y->free)
		return x->free > y->free ? -1 : 1;
	if (x->slab != y->slab)
		return x->slab > y->slab ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int by_pfn(const void *a, const void *b)
{
	const struct block_score *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/*
 * Rule "free lists": a free block sits on the list of its pageblock's
 * type (__free_one_page()), so pagetypeinfo's free blocks per type and
 * order say what the blocks of a type hold free: on a machine after a
 * workload exited, Unmovable blocks are often mostly free (their page
 * tables and stacks went) while Movable ones hold only single pages and
 * whole free blocks, and which is which decides whether the free scanner
 * finds targets at all.  Take @want blocks of
 * @b for @mt, each the one whose free blocks of orders below a
 * pageblock's cover most of what @demand still asks (in pages); ties,
 * and blocks once nothing is asked, in @b's order.
 */
static unsigned long take_by_free(struct block_score *b, unsigned long n,
				  unsigned long want, int mt,
				  const unsigned long *demand_in)
{
	unsigned long demand[IMPORT_BLOCK_ORDER], got = 0, i;
	unsigned int o;

	for (o = 0; o < IMPORT_BLOCK_ORDER; o++)
		demand[o] = demand_in[o];
	while (got < want) {
		unsigned long best = n, best_gain = 0;

		for (i = 0; i < n; i++) {
			unsigned long gain = 0;

			if (b[i].mt >= 0)
				continue;
			for (o = 0; o < IMPORT_BLOCK_ORDER; o++)
				gain += (unsigned long)min_ul(b[i].chunks[o], demand[o]) << o;
			if (best == n || gain > best_gain) {
				best = i;
				best_gain = gain;
			}
		}
		if (best == n)
			break;
		b[best].mt = mt;
		for (o = 0; o < IMPORT_BLOCK_ORDER; o++)
			demand[o] -= min_ul(b[best].chunks[o], demand[o]);
		got++;
	}
	return got;
}

/* The first @want blocks of @b (in its order) not yet typed become @mt. */
static unsigned long take_blocks(struct block_score *b, unsigned long n,
				 unsigned long want, int mt)
{
	unsigned long i, got = 0;

	for (i = 0; i < n && got < want; i++)
		if (b[i].mt < 0) {
			b[i].mt = mt;
			got++;
		}
	return got;
}

/* Does the section of @pfn have a page of memory (is it online)? */
static bool section_has_memory(const struct pagemig_inference *inf,
			       unsigned long pfn)
{
	unsigned long sec = pfn & ~(SECTION_PAGES - 1), end;

	end = min_ul(sec + SECTION_PAGES, inf->machine_pages);
	for (; sec < end; sec++)
		if (!(inf->plan[sec].flags & PAGEMIG_IMPORT_HOLE))
			return true;
	return false;
}

/*
 * The pageblocks of zone @z as /proc/pagetypeinfo counts them -- one PFN
 * a block from the zone's first, sections without memory skipped -- each
 * scored from its pages.  Return: how many, or -ENOMEM.
 */
static long score_blocks(const struct pagemig_inference *inf,
			 const struct pagemig_zone_layout *zl,
			 struct block_score **out)
{
	unsigned long start = zl->start_pfn, end = start + zl->spanned, pfn;
	unsigned long n = 0, i;
	struct block_score *b;

	b = calloc(zl->spanned / BLOCK + 2, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (pfn = start; pfn < end; pfn += BLOCK) {
		struct block_score *s = &b[n];
		unsigned long bs = pfn & ~(BLOCK - 1);

		if (!section_has_memory(inf, pfn))
			continue;
		s->pfn = bs;
		s->mt = -1;
		for (i = max_ul(bs, start); i < min_ul(bs + BLOCK, end); i++) {
			const struct pagemig_import_page *p = &inf->plan[i];

			if (p->flags & PAGEMIG_IMPORT_HOLE)
				continue;
			if (p->kind == PAGEMIG_KIND_FREE) {
				s->free++;
				if (p->order < IMPORT_BLOCK_ORDER)
					s->chunks[p->order]++;
			}
			else if (p->kind == PAGEMIG_KIND_SLAB)
				s->slab++;
			/*
			 * kernel 6.18: memmap_init_range: every pageblock starts
			 * MIGRATE_MOVABLE; reserved pages never pass the
			 * allocator, so they claim no block for another type.
			 */
			else if (pagemig_kind_unmovable(p->kind) &&
				 p->kind != PAGEMIG_KIND_RESERVED)
				s->unmov++;
		}
		n++;
	}
	*out = b;
	return (long)n;
}

/*
 * Rule "pageblock types": /proc/pagetypeinfo counts each zone's pageblocks
 * per migratetype, and kpageflags does not say which block has which;
 * the machine's blocks get the kernel's counts, and their pages decide
 * which block gets which type:
 *
 * - Unmovable: the blocks with the most pages that are allocated
 *   unmovable and never reclaimed -- flagless kernel pages, page tables
 *   (__GFP_MOVABLE-less allocations claim a block for their type:
 *   try_to_claim_block()); reserved pages claim nothing, their blocks
 *   keep the boot type, Movable;
 * - Reclaimable: of the rest, blocks holding slab pages, the emptiest
 *   first: reclaimable caches (dentries, inodes) are what a shrinker or
 *   drop_caches frees, leaving their blocks mostly free, while
 *   unreclaimable slab stays full;
 * - HighAtomic: as Unmovable (the reserve serves atomic, unmovable
 *   allocations: reserve_highatomic_pageblock());
 * - Movable: every other block.
 *
 * Isolate (a range being isolated at the time) and types pagemig lacks
 * (CMA) are not made: those blocks stay Movable and are reported
 * unplaced.  Ties go to the lower PFN.
 */
static int choose_block_types(struct pagemig_inference *inf,
			      const struct pagemig_real_machine *m,
			      const struct kpf_real *r,
			      struct pagemig_import_layout *rep)
{
	static const int order[] = { 0 /* Unmovable */, 2 /* Reclaimable */,
				     3 /* HighAtomic */ };
	int z, mt;
	unsigned int k;

	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &r->layout.zones[z];
		struct pagemig_import_zone *iz = &rep->zones[z];
		struct block_score *b;
		unsigned long i, got;
		long n;

		if (!zl->spanned)
			continue;
		n = score_blocks(inf, zl, &b);
		if (n < 0)
			return -ENOMEM;
		for (k = 0; k < ARRAY_SIZE(order); k++) {
			mt = order[k];
			qsort(b, (size_t)n, sizeof(*b),
			      mt == 2 ? by_shrunk_slab : by_unmovable);
			if (m->has_free)
				got = take_by_free(b, (unsigned long)n,
						   m->blocks[z][mt], mt, m->free[z][mt]);
			else
				got = take_blocks(b, (unsigned long)n,
						  m->blocks[z][mt], mt);
			iz->blocks_unplaced[mt] = m->blocks[z][mt] - got;
		}
		qsort(b, (size_t)n, sizeof(*b), by_pfn);
		got = take_blocks(b, (unsigned long)n, ULONG_MAX, 1 /* Movable */);
		if (got < m->blocks[z][1])
			iz->blocks_unplaced[1] = m->blocks[z][1] - got;
		for (mt = 4; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
			iz->blocks_unplaced[mt] = m->blocks[z][mt];
		for (i = 0; i < (unsigned long)n; i++) {
			struct pagemig_import_page *p = &inf->plan[b[i].pfn];

			p->flags = (uint16_t)((p->flags & ~PAGEMIG_IMPORT_MT_MASK) |
					      PAGEMIG_IMPORT_MT(b[i].mt));
		}
		free(b);
	}
	return 0;
}

/*
 * Rule "zsmalloc": a page of a zsmalloc pool reads UPTODATE and nothing
 * else (PG_movable_ops aliases PG_uptodate in 6.17; no KPF bit says
 * zsmalloc), but so can other pages off the LRU.  The zram devices'
 * mm_stat says how much memory their pools hold (mem_used_total, i.e.
 * zs_get_total_pages()): that many such pages, in PFN order, are
 * zsmalloc pages; the rest are allocated pages that do not move.
 */
static void zsmalloc_budget(struct pagemig_inference *inf,
			    const struct pagemig_real_machine *m,
			    struct pagemig_import_layout *rep)
{
	unsigned long pfn, seen = 0;

	for (pfn = 0; pfn < inf->machine_pages; pfn++) {
		struct pagemig_import_page *p = &inf->plan[pfn];

		if (p->kind != PAGEMIG_KIND_ZSMALLOC)
			continue;
		if (++seen <= m->zsmalloc_pages)
			continue;
		p->kind = PAGEMIG_KIND_UNMOVABLE;
		inf->kinds[PAGEMIG_KIND_ZSMALLOC]--;
		inf->kinds[PAGEMIG_KIND_UNMOVABLE]++;
		if (!inf->amb[PAGEMIG_AMB_NOT_ZSMALLOC])
			inf->amb_pfn[PAGEMIG_AMB_NOT_ZSMALLOC] = pfn;
		inf->amb[PAGEMIG_AMB_NOT_ZSMALLOC]++;
		inf->amb[PAGEMIG_AMB_ZSMALLOC]--;
		rep->zsmalloc_excess++;
	}
	rep->zsmalloc_candidates = seen;
}

/* The migratetype the plan gives the pageblock of @pfn; -1: none given. */
static int plan_block_type(const struct pagemig_inference *inf, unsigned long pfn)
{
	unsigned int mt = (inf->plan[pfn & ~(BLOCK - 1)].flags &
			   PAGEMIG_IMPORT_MT_MASK) >> PAGEMIG_IMPORT_MT_SHIFT;

	return (int)mt - 1;
}

/* A pageblock as the per-CPU rule orders them. */
struct pcp_block {
	unsigned long pfn;
	unsigned int flagless;	/* candidate pages in it */
	bool movable;
};

static int by_sparse_flagless(const void *a, const void *b)
{
	const struct pcp_block *x = a, *y = b;

	if (x->movable != y->movable)
		return x->movable ? -1 : 1;
	if (x->flagless != y->flagless)
		return x->flagless < y->flagless ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static bool pcp_candidate(const struct pagemig_import_page *p)
{
	return p->kind == PAGEMIG_KIND_UNMOVABLE && !p->order &&
	       (p->flags & PAGEMIG_IMPORT_FLAGLESS);
}

/* The CPU whose list is furthest behind its count (least given / wanted). */
static unsigned int furthest_behind(const unsigned long *given,
				    const unsigned int *want)
{
	unsigned int cpu, best = PAGEMIG_MAX_CPUS;

	for (cpu = 0; cpu < PAGEMIG_MAX_CPUS; cpu++) {
		if (given[cpu] >= want[cpu])
			continue;
		if (best == PAGEMIG_MAX_CPUS ||
		    given[cpu] * want[best] < given[best] * want[cpu])
			best = cpu;
	}
	return best;
}

/*
 * Rule "per-CPU lists": a page freed goes to its CPU's per-CPU list
 * (free_frozen_pages()), and stays there, neither allocated nor on the
 * buddy lists, until the list passes its high mark and the oldest pages
 * go back to the buddy (free_pcppages_bulk()).  Such a page reads in
 * kpageflags and kpagecount as a page with no flag and no map count,
 * like some kernel allocations; zoneinfo counts each CPU's pages
 * ("count" of each pageset), and on an idle machine after a workload
 * exits that is hundreds of thousands of pages, which compaction drains
 * back to the buddy lists as it frees the pages it migrated.
 *
 * So many flagless pages of each zone become free pages on the CPUs'
 * lists, older than any freed later.  Which ones: a freed page sits among
 * the user and free pages around it, while kernel allocations (vmalloc
 * areas, stacks, ring buffers) come in runs that fill blocks, and most
 * of what is freed is user memory of Movable pageblocks.  So Movable
 * blocks first, and blocks with the fewest flagless pages first, ties to
 * the lower PFN; the pages go to the CPUs a batch (the pageset's batch,
 * as a list is refilled) at a time, each batch to the CPU furthest
 * behind its count.  Runs after the pageblock types are chosen.
 */
static int pcp_lists(struct pagemig_inference *inf,
		     const struct pagemig_real_machine *m,
		     const struct kpf_real *r, struct pagemig_import_layout *rep)
{
	int z;

	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &r->layout.zones[z];
		const unsigned int *want = m->zones[z].pcp_count;
		struct pagemig_import_zone *iz = &rep->zones[z];
		unsigned long start = zl->start_pfn, end = start + zl->spanned, pfn;
		unsigned long given[PAGEMIG_MAX_CPUS] = { 0 }, nb = 0, i;
		unsigned int cpu, best = PAGEMIG_MAX_CPUS, run = 0;
		struct pcp_block *b;

		if (!zl->spanned)
			continue;
		for (cpu = 0; cpu < PAGEMIG_MAX_CPUS; cpu++)
			iz->pcp_wanted += want[cpu];
		if (!iz->pcp_wanted)
			continue;
		if (end > inf->machine_pages)
			end = inf->machine_pages;
		b = calloc((end - start) / BLOCK + 2, sizeof(*b));
		if (!b)
			return -ENOMEM;
		for (pfn = start; pfn < end; pfn = (pfn & ~(BLOCK - 1)) + BLOCK) {
			unsigned long e = min_ul((pfn & ~(BLOCK - 1)) + BLOCK, end), q;
			struct pcp_block *pb = &b[nb];

			pb->pfn = pfn;
			pb->movable = plan_block_type(inf, pfn) == 1;
			for (q = pfn; q < e; q++)
				pb->flagless += pcp_candidate(&inf->plan[q]);
			nb += pb->flagless != 0;
		}
		qsort(b, nb, sizeof(*b), by_sparse_flagless);
		for (i = 0; i < nb && iz->pcp_placed < iz->pcp_wanted; i++) {
			unsigned long e = min_ul((b[i].pfn & ~(BLOCK - 1)) + BLOCK, end);

			for (pfn = b[i].pfn; pfn < e && iz->pcp_placed < iz->pcp_wanted; pfn++) {
				struct pagemig_import_page *p = &inf->plan[pfn];

				if (!pcp_candidate(p))
					continue;
				if (best == PAGEMIG_MAX_CPUS || given[best] >= want[best] ||
				    run >= (zl->pcp_batch[best] ? zl->pcp_batch[best] : 1)) {
					best = furthest_behind(given, want);
					run = 0;
				}
				run++;
				p->kind = PAGEMIG_KIND_FREE;
				p->flags |= PAGEMIG_IMPORT_PCP;
				p->mapcount = best;
				given[best]++;
				inf->kinds[PAGEMIG_KIND_UNMOVABLE]--;
				inf->kinds[PAGEMIG_KIND_FREE]++;
				iz->pcp_placed++;
			}
		}
		free(b);
	}
	return 0;
}

/**
 * kpf_real_rules() - The rules that act on the plan itself.
 * @inf: the plan of kpf_real_snapshot()'s snapshot, after
 *	kpf_real_finish().
 * @m: what the real machine's files say.
 * @r: its layout.
 * @rep: the layout report (unplaced blocks).
 *
 * With zram's mm_stat, no more zsmalloc pages than the pools hold
 * (zsmalloc_budget()); with pagetypeinfo's counts, each pageblock's
 * migratetype (choose_block_types()), from the plan that leaves; with
 * zoneinfo's pageset counts, the per-CPU free pages (pcp_lists()).
 *
 * Return: 0 or -ENOMEM.
 */
int kpf_real_rules(struct pagemig_inference *inf,
		   const struct pagemig_real_machine *m,
		   const struct kpf_real *r, struct pagemig_import_layout *rep)
{
	int ret = 0;

	if (m->has_zram)
		zsmalloc_budget(inf, m, rep);
	if (m->has_blocks)
		ret = choose_block_types(inf, m, r, rep);
	if (!ret)
		ret = pcp_lists(inf, m, r, rep);
	return ret;
}

/**
 * kpf_real_free() - Free what kpf_real_layout() and kpf_real_finish()
 * allocated.
 * @r: zeroed on return.
 */
void kpf_real_free(struct kpf_real *r)
{
	free(r->hole);
	free(r->holes);
	memset(r, 0, sizeof(*r));
}
