// SPDX-License-Identifier: GPL-2.0
/*
 * facade/import_layout.c: pagemig_import() of a real machine, given what
 * its files say (struct pagemig_real_machine), on tests/data/capture-small
 * -- a 512 MiB capture laid out as this VM is: ZONE_DMA from PFN 1 with
 * the BIOS hole, a PCI hole in DMA32, a Normal zone whose second section
 * was never initialised (deferred_init=lazy).  The machine built has the
 * kernel's zones, holes and managed pages, and runs.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include "harness/data.h"
#include "harness/mm_fixture.h"

static const struct pagemig_pfn_range small_ram[] = {
	{ 0x1, 0x9f }, { 0x100, 0x8000 }, { 0x10000, 0x20000 },
};

/* What real_machine_from_capture() reads from capture-small's files. */
static void small_machine(struct pagemig_real_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->nr_cpus = 2;
	m->zones[PAGEMIG_ZONE_DMA] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 1, .spanned = 0xfff,
		.min = 33, .low = 41, .high = 49, .promo = 57,
	};
	m->zones[PAGEMIG_ZONE_DMA32] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x1000, .spanned = 0xf000,
	};
	m->zones[PAGEMIG_ZONE_NORMAL] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x10000, .spanned = 0x10000,
		.pcp_high = { 220, 220 }, .pcp_batch = { 31, 31 },
	};
	m->zones[PAGEMIG_ZONE_MOVABLE].exists = true;
	m->zones[PAGEMIG_ZONE_DEVICE].exists = true;
	m->ram = small_ram;
	m->nr_ram = 3;
	/* pagetypeinfo.before: Unmovable, Movable, Reclaimable per zone. */
	m->has_blocks = true;
	m->blocks[PAGEMIG_ZONE_DMA][0] = 1;
	m->blocks[PAGEMIG_ZONE_DMA][1] = 7;
	m->blocks[PAGEMIG_ZONE_DMA32][0] = 3;
	m->blocks[PAGEMIG_ZONE_DMA32][1] = 53;
	m->blocks[PAGEMIG_ZONE_NORMAL][0] = 4;
	m->blocks[PAGEMIG_ZONE_NORMAL][1] = 58;
	m->blocks[PAGEMIG_ZONE_NORMAL][2] = 2;
	/* zram.before: mem_used_total of 296 pages. */
	m->has_zram = true;
	m->zsmalloc_pages = 296;
}

static int block_type(unsigned long pfn)
{
	return get_pfnblock_migratetype(pfn_to_page(pfn), pfn);
}

/*
 * An import of capture-small, as `pagemig import` of it sets one up; its
 * zsmalloc pages make every test a movable_ops case, run once per core.
 */
FIXTURE(small) {
	char kpf[PATH_MAX], kpc[PATH_MAX];
	struct pagemig_import_opts o;
	struct pagemig_real_machine m;
	struct pagemig_import_report *r;
};
FIXTURE_VARIANT(small) { enum pagemig_movable_ops core; };
MM_MOPS_VARIANTS(small, );

FIXTURE_SETUP(small)
{
	/* test_data_path() returns one static buffer. */
	snprintf(self->kpf, sizeof(self->kpf), "%s",
		 test_data_path("capture-small/kpageflags.before.zst"));
	snprintf(self->kpc, sizeof(self->kpc), "%s",
		 test_data_path("capture-small/kpagecount.before.zst"));
	memset(&self->o, 0, sizeof(self->o));
	self->o.flags_path = self->kpf;
	self->o.count_path = self->kpc;
	self->o.seed = test_seed();
	self->o.movable_ops_6_17 = variant->core == PAGEMIG_MOVABLE_OPS_6_17;
	small_machine(&self->m);
	self->o.real = &self->m;
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NOT_NULL(self->r);
	pagemig_set_log(mm_log_stream());
}

FIXTURE_TEARDOWN(small)
{
	free(self->r);
}

TEST_F(small, zones_holes_and_uninitialised_memory)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	const struct pagemig_import_zone *z;
	struct pagemig_zone_stats st;

	o->compact = true;
	ASSERT_EQ(0, pagemig_import(o, r));
	if (r->err[0])
		TH_LOG("%s", r->err);
	EXPECT_TRUE(r->layout.real);

	/* DMA from PFN 1; the BIOS hole 0x9f-0xff is in its span only. */
	z = &r->layout.zones[PAGEMIG_ZONE_DMA];
	EXPECT_EQ(1, z->start_pfn);
	EXPECT_EQ(0xfff, z->spanned);
	EXPECT_EQ(3998, z->present);
	EXPECT_EQ(0x61, z->holes);
	EXPECT_EQ(3840, z->managed);	/* less PFNs 1-0x9e, KPF_RESERVED */
	EXPECT_EQ(0, z->uninit_pages);
	/* DMA32 keeps its span over the PCI hole, as the kernel does. */
	z = &r->layout.zones[PAGEMIG_ZONE_DMA32];
	EXPECT_EQ(0xf000, z->spanned);
	EXPECT_EQ(0x7000, z->present);
	EXPECT_EQ(0x7000 - 0x400, z->managed);
	/* Normal ends where initialised memory ends: one section of two. */
	z = &r->layout.zones[PAGEMIG_ZONE_NORMAL];
	EXPECT_EQ(0x8000, z->spanned);
	EXPECT_EQ(0x8000, z->present);
	EXPECT_EQ(0x8000, z->managed);
	EXPECT_EQ(0x18000, z->uninit_pfn);
	EXPECT_EQ(0x8000, z->uninit_pages);
	EXPECT_TRUE(r->layout.zones[PAGEMIG_ZONE_MOVABLE].exists);
	EXPECT_EQ(0, r->layout.zones[PAGEMIG_ZONE_MOVABLE].spanned);
	/* The machine ends there too; the holes are PFN 0, BIOS, PCI. */
	EXPECT_EQ(0x18000, r->layout.nr_pages);
	EXPECT_EQ(0x18000, pagemig_total_pages());
	ASSERT_EQ(3, r->layout.nr_holes);
	EXPECT_EQ(0, r->layout.holes[0].start);
	EXPECT_EQ(1, r->layout.holes[0].end);
	EXPECT_EQ(0x9f, r->layout.holes[1].start);
	EXPECT_EQ(0x100, r->layout.holes[1].end);
	EXPECT_EQ(0x8000, r->layout.holes[2].start);
	EXPECT_EQ(0x10000, r->layout.holes[2].end);
	EXPECT_EQ(1 + 0x61 + 0x8000, r->layout.hole_pages);

	/* The machine is that machine: zones, watermarks, pcp, free lists. */
	ASSERT_EQ(0, pagemig_zone_stats(PAGEMIG_ZONE_DMA, &st));
	EXPECT_EQ(33, st.min);
	EXPECT_EQ(3840, st.managed);
	ASSERT_EQ(0, pagemig_zone_stats(PAGEMIG_ZONE_NORMAL, &st));
	EXPECT_EQ(0x8000, st.spanned);
	EXPECT_EQ(1, r->layout.zones[PAGEMIG_ZONE_DMA].nr_free[8]);
	EXPECT_EQ(3, r->layout.zones[PAGEMIG_ZONE_DMA].nr_free[10]);
	EXPECT_EQ(53, r->layout.zones[PAGEMIG_ZONE_DMA32].nr_free[8]);
	EXPECT_EQ(0, r->built.tables_allocated);
	EXPECT_EQ(0, r->built.stand_in_pages);
	/* ... and it compacts, and what it holds comes back intact. */
	EXPECT_TRUE(r->migrated > 0);
	EXPECT_EQ(0, r->corrupted);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
}

/*
 * Without /proc/iomem a hole and memory not yet initialised both read 0;
 * zoneinfo's counts tell them apart.  DMA32's top 0x8000 PFNs are its
 * spanned - present, so they are a hole and the zone keeps its span (the
 * kernel's compaction runs to 0x10000); Normal's second section is its
 * present - managed, so it is left out as not initialised.  Without the
 * counts, DMA32's hole would read as uninitialised and end the zone at
 * 0x8000.
 */
TEST_F(small, zoneinfo_counts_tell_holes_from_uninitialised_memory)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	const struct pagemig_import_zone *z;
	struct pagemig_real_machine *m = &self->m;
	bool pci_hole = false;
	unsigned int i;

	m->ram = NULL;
	m->nr_ram = 0;
	m->zones[PAGEMIG_ZONE_DMA].present = 3998;
	m->zones[PAGEMIG_ZONE_DMA].managed = 3840;
	m->zones[PAGEMIG_ZONE_DMA32].present = 28672;
	m->zones[PAGEMIG_ZONE_DMA32].managed = 27648;
	m->zones[PAGEMIG_ZONE_NORMAL].present = 65536;
	m->zones[PAGEMIG_ZONE_NORMAL].managed = 32768;
	o->compact = false;
	ASSERT_EQ(0, pagemig_import(o, r));
	if (r->err[0])
		TH_LOG("%s", r->err);

	z = &r->layout.zones[PAGEMIG_ZONE_DMA32];
	EXPECT_EQ(0xf000, z->spanned);
	EXPECT_EQ(0x7000, z->present);
	EXPECT_EQ(0, z->uninit_pages);
	for (i = 0; i < r->layout.nr_holes; i++)
		if (r->layout.holes[i].start == 0x8000 &&
		    r->layout.holes[i].end == 0x10000)
			pci_hole = true;
	EXPECT_TRUE(pci_hole);
	z = &r->layout.zones[PAGEMIG_ZONE_NORMAL];
	EXPECT_EQ(0x18000, z->uninit_pfn);
	EXPECT_EQ(0x8000, z->uninit_pages);
	EXPECT_EQ(0x8000, z->spanned);
	EXPECT_EQ(0x18000, r->layout.nr_pages);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();

	/* Without the counts, the PCI hole reads as memory never initialised. */
	m->zones[PAGEMIG_ZONE_DMA32].present = 0;
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(0x8000, r->layout.zones[PAGEMIG_ZONE_DMA32].uninit_pfn);
	pagemig_machine_exit();
}

/*
 * pagetypeinfo's counts per zone and type, the pages deciding which block
 * has which: most kernel pages and page tables Unmovable, the emptiest
 * blocks holding slab Reclaimable, the rest Movable.
 */
TEST_F(small, pageblock_types_match_pagetypeinfo)
{
	static const unsigned long unmovable[] = {
		0x0, 0x1000, 0x1200, 0x1400, 0x10000, 0x10200, 0x10400, 0x17e00,
	};
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	unsigned long pfn;
	unsigned int i, n = 0;
	int z, mt;

	ASSERT_EQ(0, pagemig_import(o, r));
	for (z = 0; z < PAGEMIG_NR_ZONES; z++)
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++) {
			EXPECT_EQ(self->m.blocks[z][mt], r->layout.zones[z].blocks[mt]);
			EXPECT_EQ(0, r->layout.zones[z].blocks_unplaced[mt]);
		}
	for (i = 0; i < ARRAY_SIZE(unmovable); i++)
		EXPECT_EQ(MIGRATE_UNMOVABLE, block_type(unmovable[i]));
	/* 16 slab pages in a block beat 64: the cache that shrank. */
	EXPECT_EQ(MIGRATE_RECLAIMABLE, block_type(0x10600));
	EXPECT_EQ(MIGRATE_RECLAIMABLE, block_type(0x10800));
	EXPECT_EQ(MIGRATE_MOVABLE, block_type(0x10a00));
	for (pfn = 0; pfn < 0x18000; pfn += 512)
		n += block_type(pfn) == MIGRATE_MOVABLE;
	/* The PCI hole's blocks are nobody's count; the importer's own rule. */
	EXPECT_EQ(7 + 53 + 58, n);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();

	/* More blocks asked than a zone has: what is left over is reported. */
	self->m.blocks[PAGEMIG_ZONE_DMA][0] = 2;
	self->m.blocks[PAGEMIG_ZONE_DMA][4] = 1;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(2, r->layout.zones[PAGEMIG_ZONE_DMA].blocks[0]);
	EXPECT_EQ(6, r->layout.zones[PAGEMIG_ZONE_DMA].blocks[1]);
	EXPECT_EQ(1, r->layout.zones[PAGEMIG_ZONE_DMA].blocks_unplaced[1]);
	EXPECT_EQ(1, r->layout.zones[PAGEMIG_ZONE_DMA].blocks_unplaced[4]);
	pagemig_machine_exit();
}

/*
 * kernel 6.18: memmap_init_range: every pageblock starts Movable, and
 * reserved pages never pass the allocator, so a block of them claims no
 * other type: a Normal block made all KPF_RESERVED stays Movable, and
 * Normal's four Unmovable blocks go to blocks of kernel pages.
 */
TEST_F(small, reserved_pages_claim_no_block)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	struct pagemig_snapshot s = { 0 };
	char err[256] = "";
	unsigned long pfn;

	ASSERT_EQ(0, pagemig_snapshot_load(&s, self->kpf, self->kpc, err, sizeof(err)));
	for (pfn = 0x11000; pfn < 0x11200; pfn++) {
		s.flags[pfn] = 1ULL << PAGEMIG_KPF_RESERVED;
		s.counts[pfn] = 0;
	}
	o->flags_path = o->count_path = NULL;
	o->snapshot = &s;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(MIGRATE_MOVABLE, block_type(0x11000));
	EXPECT_EQ(4, r->layout.zones[PAGEMIG_ZONE_NORMAL].blocks[MIGRATE_UNMOVABLE]);
	EXPECT_EQ(MIGRATE_UNMOVABLE, block_type(0x10000));
	pagemig_machine_exit();
	pagemig_snapshot_free(&s);
}

/*
 * Rule "free lists": a free block sits on the list of its pageblock's type
 * (__free_one_page()).  pagetypeinfo says Normal's Unmovable lists hold one
 * free block each of orders 4 to 8, and only 0x10600 and 0x10800 have free
 * blocks of orders 4 and 5: one of them is made Unmovable, although
 * neither holds an unmovable page; the counts per type stay the kernel's.
 */
TEST_F(small, free_lists_choose_the_blocks)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	unsigned int order;
	int mt;

	self->m.has_free = true;
	for (order = 4; order <= 8; order++)
		self->m.free[PAGEMIG_ZONE_NORMAL][MIGRATE_UNMOVABLE][order] = 1;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_TRUE(block_type(0x10600) == MIGRATE_UNMOVABLE ||
		    block_type(0x10800) == MIGRATE_UNMOVABLE);
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
		EXPECT_EQ(self->m.blocks[PAGEMIG_ZONE_NORMAL][mt],
			  r->layout.zones[PAGEMIG_ZONE_NORMAL].blocks[mt]);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
}

/*
 * zoneinfo counts each CPU's free pages on its per-CPU lists.  In the
 * snapshot they read as pages with no flag and no map count; the import
 * puts so many such pages on each CPU's lists, free but off the buddy
 * lists, and gives the lists the range their high moves in.
 */
TEST_F(small, per_cpu_free_pages_from_zoneinfo_counts)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	struct pagemig_zone_layout *zl = &self->m.zones[PAGEMIG_ZONE_NORMAL];
	const struct pagemig_import_zone *iz = &r->layout.zones[PAGEMIG_ZONE_NORMAL];
	struct zone *zone;
	unsigned long free_before;

	zl->pcp_count[0] = 40;
	zl->pcp_count[1] = 25;
	zl->pcp_high_min[0] = zl->pcp_high_min[1] = 62;
	zl->pcp_high_max[0] = zl->pcp_high_max[1] = 4096;
	ASSERT_EQ(0, pagemig_import(o, r));
	zone = mm_zone(ZONE_NORMAL);
	EXPECT_EQ(65, iz->pcp_wanted);
	ASSERT_EQ(65, iz->pcp_placed);
	EXPECT_EQ(40, zone->per_cpu_pageset[0].count);
	EXPECT_EQ(25, zone->per_cpu_pageset[1].count);
	EXPECT_EQ(62, zone->per_cpu_pageset[0].high_min);
	EXPECT_EQ(4096, zone->per_cpu_pageset[1].high_max);
	EXPECT_EQ(220, zone->per_cpu_pageset[1].high);
	EXPECT_EQ(0, pagemig_validate(stderr));
	/* They are free pages: a drain hands all 65 to the buddy. */
	free_before = zone_page_state(zone, NR_FREE_PAGES);
	drain_all_pages(zone);
	EXPECT_EQ(0, zone_pcp_count(zone));
	EXPECT_EQ(free_before + 65, zone_page_state(zone, NR_FREE_PAGES));
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
}

/*
 * A CPU asked to hold more than the snapshot has such pages gets what
 * there is, and the report says how many were placed.
 */
TEST_F(small, per_cpu_counts_beyond_the_flagless_pages)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;
	const struct pagemig_import_zone *iz = &r->layout.zones[PAGEMIG_ZONE_NORMAL];

	self->m.zones[PAGEMIG_ZONE_NORMAL].pcp_count[0] = 0x10000;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(0x10000, iz->pcp_wanted);
	EXPECT_LT(iz->pcp_placed, iz->pcp_wanted);
	EXPECT_GT(iz->pcp_placed, 0);
	EXPECT_EQ((int)iz->pcp_placed, mm_zone(ZONE_NORMAL)->per_cpu_pageset[0].count);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
}

/*
 * 300 pages have the zsmalloc look; zram's mm_stat says its pool holds
 * 296: so many become the pool, the rest stay allocated and unmovable.
 */
TEST_F(small, zsmalloc_only_as_much_as_zram_holds)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;

	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(300, r->layout.zsmalloc_candidates);
	EXPECT_EQ(4, r->layout.zsmalloc_excess);
	EXPECT_EQ(296, r->inferred.kinds[PAGEMIG_KIND_ZSMALLOC]);
	EXPECT_EQ(4, r->inferred.amb[PAGEMIG_AMB_NOT_ZSMALLOC]);
	EXPECT_EQ(0x16000 + 296, r->inferred.amb_pfn[PAGEMIG_AMB_NOT_ZSMALLOC]);
	EXPECT_EQ(296, r->built.zram_pages);
	EXPECT_EQ(296, r->checked);
	EXPECT_EQ(0, r->corrupted);
	pagemig_machine_exit();

	/* No zram data at all: no zsmalloc page. */
	self->m.zsmalloc_pages = 0;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(0, r->inferred.kinds[PAGEMIG_KIND_ZSMALLOC]);
	EXPECT_EQ(-1, r->built.zram_id);
	EXPECT_EQ(0, r->checked);
	pagemig_machine_exit();

	/* No zram file (an older capture): the guess of a bare file. */
	self->m.has_zram = false;
	ASSERT_EQ(0, pagemig_import(o, r));
	EXPECT_EQ(300, r->inferred.kinds[PAGEMIG_KIND_ZSMALLOC]);
	pagemig_machine_exit();
}

/* An offline memory block is memory the zone does not have. */
TEST_F(small, offline_memory_blocks_are_holes)
{
	static const struct pagemig_pfn_range offline[] = { { 0x4000, 0x6000 } };
	struct pagemig_import_report *r = self->r;
	const struct pagemig_import_zone *z;

	self->m.offline = offline;
	self->m.nr_offline = 1;
	ASSERT_EQ(0, pagemig_import(&self->o, r));
	z = &r->layout.zones[PAGEMIG_ZONE_DMA32];
	EXPECT_EQ(0xf000, z->spanned);
	EXPECT_EQ(0x5000, z->present);
	EXPECT_EQ(0x5000 - 0x400, z->managed);
	EXPECT_EQ(0xa000, z->holes);
	ASSERT_EQ(4, r->layout.nr_holes);
	EXPECT_EQ(0x4000, r->layout.holes[2].start);
	EXPECT_EQ(0x6000, r->layout.holes[2].end);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
}

TEST_F(small, a_real_machine_that_cannot_be_is_refused)
{
	struct pagemig_import_opts *o = &self->o;
	struct pagemig_import_report *r = self->r;

	self->m.zones[PAGEMIG_ZONE_NORMAL].start_pfn = 0x8000;	/* inside DMA32 */
	EXPECT_EQ(-EINVAL, pagemig_import(o, r));
	EXPECT_EQ(PAGEMIG_STAGE_INFER, r->stage);
	EXPECT_NOT_NULL(strstr(r->err, "inside the zone below"));
	EXPECT_FALSE(pagemig_machine_ready());

	small_machine(&self->m);
	o->memory = 1ULL << 30;
	EXPECT_EQ(-EINVAL, pagemig_import(o, r));
	EXPECT_NOT_NULL(strstr(r->err, "--memory"));
	EXPECT_FALSE(pagemig_machine_ready());
}
