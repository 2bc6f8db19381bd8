// SPDX-License-Identifier: GPL-2.0
/*
 * mm/compaction.c held to the rules of Linux 6.18's compaction, one test
 * per rule (each rule is named in the code as "kernel 6.18: FUNCTION:
 * RULE").  Each test builds a small machine state that exercises the rule
 * -- a zone of order-0 holes, a large page-cache folio, a THP-sized
 * compound page -- and checks what the kernel does with it: what the
 * scanners take and count, where they stop, how compact_zone() ends.
 */
#include "../../mm/compaction.c"
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"
#include "sim/clock.h"

#define MAX_PFNS	(32 * 256)

static unsigned long pfns[MAX_PFNS];
static unsigned long nr_pfns;
/* Free blocks of order >= 1 that the allocator's watermark left: held too. */
static struct page *held[64];
static unsigned int held_order[64], nr_held;

static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }

/* Allocate (hold) every free block of order 1 and above. */
static void hold_free_blocks(struct __test_metadata *_metadata)
{
	for (unsigned int o = 1; o < NR_PAGE_ORDERS; o++) {
		struct zone *zone;

		for_each_populated_zone(zone) {
			while (zone->free_area[o].nr_free) {
				ASSERT_LT(nr_held, ARRAY_SIZE(held));
				held[nr_held] = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN |
							    __GFP_MEMALLOC, o);
				ASSERT_NOT_NULL(held[nr_held]);
				held_order[nr_held++] = o;
				drain_all_pages(NULL);
			}
		}
	}
}

/*
 * Allocate every free page as order-0 movable pages, then free every
 * @every-th: the zone's free memory becomes order-0 holes.
 */
static void holes(struct __test_metadata *_metadata, unsigned long every)
{
	unsigned long pfn, i;

	nr_pfns = 0;
	while (nr_pfns < MAX_PFNS &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, &pfn))
		pfns[nr_pfns++] = pfn;
	ASSERT_LT(nr_pfns, MAX_PFNS);
	drain_all_pages(NULL);
	nr_held = 0;
	hold_free_blocks(_metadata);
	for (i = 0; i < nr_pfns; i += every) {
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
		pfns[i] = ULONG_MAX;
	}
	drain_all_pages(NULL);
	/*
	 * A freed page can merge with a free neighbour the allocations
	 * left (the per-CPU lists' refills take more than they hand out,
	 * and the drain returned the rest): hold those blocks too.
	 */
	hold_free_blocks(_metadata);
}

static void unholes(struct __test_metadata *_metadata)
{
	for (unsigned long i = 0; i < nr_pfns; i++)
		if (pfns[i] != ULONG_MAX)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	nr_pfns = 0;
	while (nr_held--)
		__free_pages(held[nr_held], held_order[nr_held]);
	nr_held = 0;
}

/* A compact_control as compact_memory() sets it up, scanners at the ends. */
static void cc_init(struct compact_control *cc, struct zone *zone, enum migrate_mode mode)
{
	unsigned int order;

	memset(cc, 0, sizeof(*cc));
	for (order = 0; order < NR_PAGE_ORDERS; order++)
		INIT_LIST_HEAD(&cc->freepages[order]);
	init_migratepages(cc);
	cc->zone = zone;
	cc->order = -1;
	cc->mode = mode;
	cc->gfp_mask = GFP_KERNEL;
	cc->ignore_skip_hint = true;
	cc->whole_zone = true;
	cc->migrate_pfn = zone->zone_start_pfn;
	cc->free_pfn = pageblock_start_pfn(zone_end_pfn(zone) - 1);
}

MM_FIXTURE(kc, 32 * SZ_1M, 2 * SZ_1M, 0, 2)

/*
 * kernel 6.18: isolate_freepages: no scan while free pages are still
 * isolated.  A large source that no isolated block fits gets no target
 * (compaction_alloc() returns NULL), and the free scanner stays put.
 */
TEST_F(kc, free_scanner_idle_while_targets_remain)
{
	struct compact_control cc;
	unsigned long free_pfn, scanned;
	struct page *src;

	src = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, 2);
	ASSERT_NOT_NULL(src);
	holes(_metadata, 8);
	cc_init(&cc, normal(), MIGRATE_SYNC);
	/* One order-0 source: the scanner takes one hole. */
	cc.nr_migratepages = 1;
	isolate_freepages(&cc);
	ASSERT_EQ(1, cc.nr_freepages);
	free_pfn = cc.free_pfn;
	scanned = cc.total_free_scanned;

	/* An order-2 source now: only the order-0 hole is isolated. */
	cc.nr_migratepages = 4;
	EXPECT_NULL(compaction_alloc(page_folio(src), (unsigned long)&cc));
	EXPECT_EQ(1, cc.nr_freepages);
	EXPECT_EQ(free_pfn, cc.free_pfn);
	EXPECT_EQ(scanned, cc.total_free_scanned);

	/* With nothing isolated the scanner runs again. */
	release_free_list(cc.freepages);
	cc.nr_freepages = 0;
	cc.nr_migratepages = 1;
	isolate_freepages(&cc);
	EXPECT_EQ(1, cc.nr_freepages);
	EXPECT_GT(cc.total_free_scanned, scanned);
	release_free_list(cc.freepages);

	__free_pages(src, 2);
	unholes(_metadata);
}

/*
 * A large page-cache folio of @order, on the LRU, in the file @fid at
 * @index; unmapped, as the importer makes large file folios.  The page
 * cache holds it: the caller drops nothing.
 */
static struct folio *cache_folio(struct __test_metadata *_metadata, int fid,
				 unsigned int order, pgoff_t index)
{
	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, order);
	struct folio *folio;

	if (!page)
		return NULL;
	folio = page_folio(page);
	folio_mark_uptodate(folio);
	if (filemap_add_folio(&pm_file(fid)->mapping, folio, index)) {
		__free_pages(page, order);
		return NULL;
	}
	folio_add_lru(folio);
	folio_put(folio);
	return folio;
}

/* Buffer heads nobody holds, for buffered_folio(). */
static struct folio_buffers unheld_buffers;

/* A dirty page-cache folio of @order at @index of a new file, with buffer heads. */
static struct folio *buffered_folio(struct __test_metadata *_metadata,
				    unsigned int order, pgoff_t index,
				    struct address_space **mapping)
{
	struct folio *folio;
	int fid;

	fid = pagemig_file_create("buffered", 64 * PAGE_SIZE, 1, NULL);
	if (fid < 0)
		return NULL;
	*mapping = &pm_file(fid)->mapping;
	folio = cache_folio(_metadata, fid, order, index);
	if (!folio)
		return NULL;
	folio_attach_private(folio, &unheld_buffers);
	folio_set_dirty(folio);
	return folio;
}

/*
 * kernel 6.18: isolate_migratepages_block: an isolated folio's pages all
 * count as scanned (compact_migrate_scanned, the trace's nr_scanned).
 */
TEST_F(kc, large_folio_scanned_whole)
{
	struct compact_control cc;
	struct folio *folio;
	unsigned long pfn, end;
	int fid;

	fid = pagemig_file_create("large", 64 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	folio = cache_folio(_metadata, fid, 2, 0);
	ASSERT_NOT_NULL(folio);
	pfn = folio_pfn(folio);
	cc_init(&cc, page_zone(&folio->page), MIGRATE_SYNC);
	cc.finish_pageblock = true;
	end = isolate_migratepages_block(&cc, pfn, pfn + 4, 0);
	EXPECT_EQ(pfn + 4, end);
	EXPECT_EQ(4, cc.nr_migratepages);
	EXPECT_GT(cc.total_migrate_scanned, 0);
	EXPECT_FALSE(migratepages_empty(&cc));
	putback_migratepages(&cc);
	pm_files_drop();
}

/*
 * kernel 6.18: suitable_migration_source: a block whose first page is
 * part of a compound page of pageblock order or more is passed over
 * without a scan, by every kind of compaction.
 */
TEST_F(kc, thp_block_passed_over_unscanned)
{
	struct compact_control cc;
	struct page *thp;
	unsigned long pfn;

	thp = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, pageblock_order);
	ASSERT_NOT_NULL(thp);
	pfn = page_to_pfn(thp);
	cc_init(&cc, page_zone(thp), MIGRATE_SYNC);
	cc.migrate_pfn = pfn;
	cc.free_pfn = pfn + pageblock_nr_pages;
	EXPECT_EQ(ISOLATE_NONE, isolate_migratepages(&cc));
	EXPECT_EQ(pfn + pageblock_nr_pages, cc.migrate_pfn);
	EXPECT_EQ(0, cc.total_migrate_scanned);
	__free_pages(thp, pageblock_order);
}

/*
 * kernel 6.18: isolate_freepages_block: a compound page is passed over
 * whole and counted whole.  A THP filling a pageblock, scanned with the
 * largest async stride: the kernel reports all 512 pages scanned (as its
 * trace shows for such blocks), not one page per stride.
 */
TEST_F(kc, free_scanner_counts_compound_whole)
{
	struct list_head freelist[NR_PAGE_ORDERS];
	struct compact_control cc;
	unsigned long pfn, start;
	struct page *thp;
	unsigned int o;

	thp = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, pageblock_order);
	ASSERT_NOT_NULL(thp);
	pfn = page_to_pfn(thp);
	cc_init(&cc, page_zone(thp), MIGRATE_ASYNC);
	cc.nr_migratepages = COMPACT_CLUSTER_MAX;
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		INIT_LIST_HEAD(&freelist[o]);
	start = pfn;
	EXPECT_EQ(0, isolate_freepages_block(&cc, &start, pfn + pageblock_nr_pages,
					     freelist, COMPACT_CLUSTER_MAX, false));
	EXPECT_EQ(pfn + pageblock_nr_pages, start);
	EXPECT_EQ(pageblock_nr_pages, cc.total_free_scanned);
	__free_pages(thp, pageblock_order);
}

/*
 * kernel 6.18: migrate_pages_batch: a large folio with no target is
 * split and its pieces migrated.  An order-2 page-cache folio in a zone
 * whose free memory is all order-0 holes: compaction_alloc() has no
 * order-2 target, the folio is split, its four pages move one by one,
 * and the zone's compaction runs on to the scanners' meeting instead of
 * ending "contended".
 */
TEST_F(kc, large_folio_without_target_split_and_migrated)
{
	unsigned long pfn, s0, split0, i;
	struct address_space *mapping;
	enum compact_result res;
	struct folio *folio;
	int fid;

	fid = pagemig_file_create("large", 64 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	mapping = &pm_file(fid)->mapping;
	folio = cache_folio(_metadata, fid, 2, 8);
	ASSERT_NOT_NULL(folio);
	pfn = folio_pfn(folio);
	TH_LOG("order-2 folio at %#lx, zone %s [%#lx, %#lx)", pfn,
	       page_zone(&folio->page)->name, page_zone(&folio->page)->zone_start_pfn,
	       zone_end_pfn(page_zone(&folio->page)));
	ASSERT_LT(pageblock_end_pfn(pfn), pageblock_start_pfn(zone_end_pfn(page_zone(&folio->page)) - 1));
	holes(_metadata, 8);
	ASSERT_EQ(0, page_zone(&folio->page)->free_area[2].nr_free +
		     page_zone(&folio->page)->free_area[3].nr_free);

	s0 = pagemig_vmstat("pgmigrate_success");
	split0 = pagemig_vmstat("thp_migration_split");
	res = compact_zone_for_order(page_zone(&folio->page), -1, MIGRATE_SYNC);
	EXPECT_EQ(COMPACT_COMPLETE, res);
	EXPECT_EQ(4, pagemig_vmstat("pgmigrate_success") - s0);
	/* Not a THP: no THP split counted. */
	EXPECT_EQ(split0, pagemig_vmstat("thp_migration_split"));
	for (i = 0; i < 4; i++) {
		struct folio *now = filemap_get_folio(mapping, 8 + i);

		ASSERT_NOT_NULL(now);
		EXPECT_FALSE(folio_test_large(now));
		EXPECT_NE(pfn + i, folio_pfn(now));
		EXPECT_EQ(8 + i, now->index);
		EXPECT_TRUE(folio_test_lru(now));
		folio_put(now);
	}
	pm_files_drop();
	unholes(_metadata);
}

/*
 * kernel 6.18: __folio_split: a page-cache folio splits only after its file
 * system dropped its data, and dirty buffers cannot be dropped.  The same
 * order-2 folio as above, with buffer heads (PG_private) and dirty: no
 * order-2 target, no split, migrate_pages() says -ENOMEM and the zone's
 * compaction ends "contended" where the scanner took the folio, which
 * stays whole where it was.  Clean, its buffers are dropped and it is
 * split and moved as above.
 */
TEST_F(kc, dirty_buffered_folio_ends_compaction_contended)
{
	struct address_space *mapping;
	enum compact_result res;
	unsigned long pfn, s0, i;
	struct folio *folio;

	folio = buffered_folio(_metadata, 2, 8, &mapping);
	ASSERT_NOT_NULL(folio);
	pfn = folio_pfn(folio);
	EXPECT_EQ(4 + 1, folio_expected_ref_count(folio));
	holes(_metadata, 8);

	s0 = pagemig_vmstat("pgmigrate_success");
	res = compact_zone_for_order(page_zone(&folio->page), -1, MIGRATE_SYNC);
	EXPECT_EQ(COMPACT_CONTENDED, res);
	EXPECT_EQ(pfn, folio_pfn(filemap_get_folio(mapping, 8)));
	folio_put(folio);	/* filemap_get_folio()'s */
	EXPECT_TRUE(folio_test_large(folio));
	EXPECT_TRUE(folio_test_private(folio));
	EXPECT_TRUE(folio_test_lru(folio));
	EXPECT_EQ(4 + 1, folio_ref_count(folio));

	/* Written back: clean buffers go, and the folio splits and moves. */
	folio_clear_dirty(folio);
	res = compact_zone_for_order(page_zone(&folio->page), -1, MIGRATE_SYNC);
	EXPECT_EQ(COMPACT_COMPLETE, res);
	EXPECT_LE(4, pagemig_vmstat("pgmigrate_success") - s0);
	for (i = 0; i < 4; i++) {
		struct folio *now = filemap_get_folio(mapping, 8 + i);

		ASSERT_NOT_NULL(now);
		EXPECT_FALSE(folio_test_large(now));
		EXPECT_FALSE(folio_test_private(now));
		EXPECT_NE(pfn + i, folio_pfn(now));
		folio_put(now);
	}
	pm_files_drop();
	unholes(_metadata);
}

/*
 * kernel 6.18: __buffer_migrate_folio: the file system's data moves to the
 * new folio: PG_private and the reference it holds leave the old one.
 * Truncation then drops it (pm_files_drop() frees every page).
 */
TEST_F(kc, buffered_folio_migrates_with_its_data)
{
	struct address_space *mapping;
	struct folio *folio, *now;
	unsigned long pfn;
	LIST_HEAD(list);

	folio = buffered_folio(_metadata, 0, 3, &mapping);
	ASSERT_NOT_NULL(folio);
	pfn = folio_pfn(folio);
	ASSERT_TRUE(folio_isolate_lru(folio));
	list_add(&folio->lru, &list);
	EXPECT_EQ(0, migrate_pages(&list, pm_alloc_in_zone, NULL,
				   zone_idx(page_zone(&folio->page)), MIGRATE_SYNC,
				   MR_COMPACTION, NULL));
	now = filemap_get_folio(mapping, 3);
	ASSERT_NOT_NULL(now);
	EXPECT_NE(pfn, folio_pfn(now));
	EXPECT_TRUE(folio_test_private(now));
	EXPECT_EQ((void *)&unheld_buffers, now->private);
	EXPECT_TRUE(folio_test_dirty(now));
	/* Cache, data, and the lookup's reference. */
	EXPECT_EQ(1 + 1 + 1, folio_ref_count(now));
	EXPECT_FALSE(PagePrivate(pfn_to_page(pfn)));
	folio_put(now);
	pm_files_drop();
}

/*
 * kernel 6.18: buffer_migrate_folio_norefs(): a folio whose buffers
 * somebody holds fails every pass of migrate_pages() and stays, with its
 * data, in its page cache slot.
 */
TEST_F(kc, held_buffers_keep_their_folio)
{
	static struct folio_buffers held_bufs = { .b_count = { 1 } };
	struct address_space *mapping;
	struct folio *folio, *now;
	unsigned long pfn, fail0;
	LIST_HEAD(list);

	folio = buffered_folio(_metadata, 0, 5, &mapping);
	ASSERT_NOT_NULL(folio);
	folio_detach_private(folio);
	folio_attach_private(folio, &held_bufs);
	pfn = folio_pfn(folio);
	ASSERT_TRUE(folio_isolate_lru(folio));
	list_add(&folio->lru, &list);
	fail0 = sum_vm_event(PGMIGRATE_FAIL);
	EXPECT_EQ(1, migrate_pages(&list, pm_alloc_in_zone, NULL,
				   zone_idx(page_zone(&folio->page)), MIGRATE_SYNC,
				   MR_COMPACTION, NULL));
	EXPECT_EQ(fail0 + 1, sum_vm_event(PGMIGRATE_FAIL));
	putback_movable_pages(&list);
	now = filemap_get_folio(mapping, 5);
	ASSERT_NOT_NULL(now);
	EXPECT_EQ(pfn, folio_pfn(now));
	EXPECT_EQ((void *)&held_bufs, now->private);
	folio_put(now);
	pm_files_drop();
}

/*
 * kernel 6.18: __pageblock_pfn_to_page, skip_offline_sections: DMA32 of
 * 0x1000-0x10000 whose second 128 MiB section has no memory (a PCI hole):
 * the migrate scanner looks at every block of the first section and jumps
 * over the second, which has no struct pages, to the free scanner in one
 * step (the free scanner, going down from the zone's top, jumps to the
 * end of the first).  Nothing in the hole is counted as scanned.
 */
TEST(offline_section_is_not_scanned)
{
	static const struct pagemig_pfn_range hole[] = {
		{ 0x8000, 0x10000 },
	};
	struct pagemig_layout l = { .holes = hole, .nr_holes = 1 };
	unsigned long scanned, fscanned, before;
	struct compact_control cc;
	struct pagemig_config cfg;
	char err[256] = "";
	struct zone *zone;

	l.zones[PAGEMIG_ZONE_DMA32] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x1000, .spanned = 0xf000,
	};
	l.zones[PAGEMIG_ZONE_NORMAL] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x10000, .spanned = 0x8000,
	};
	pagemig_config_default(&cfg);
	cfg.memory = 0x18000UL * PAGE_SIZE;
	cfg.layout = &l;
	cfg.sparse = true;
	cfg.seed = test_seed();
	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, pagemig_machine_init(&cfg, err, sizeof(err)));
	kcompactd_stop(0);
	zone = mm_zone(ZONE_DMA32);
	EXPECT_NULL(pfn_to_online_page(0x8000));
	EXPECT_NULL(pageblock_pfn_to_page(0xfe00, 0x10000, zone));
	EXPECT_EQ(0x10000, skip_offline_sections(0x8000));
	EXPECT_EQ(0, skip_offline_sections(0x7e00));
	EXPECT_EQ(0x8000, skip_offline_sections_reverse(0xfe00));
	EXPECT_EQ(0, skip_offline_sections_reverse(0x7e00));

	/* The migrate scanner, a block a call: every block of the first section, then the hole in one step. */
	cc_init(&cc, zone, MIGRATE_SYNC);
	ASSERT_EQ(0xfe00, cc.free_pfn);
	while (cc.migrate_pfn < 0x8000) {
		unsigned long from = cc.migrate_pfn, was = cc.total_migrate_scanned;

		ASSERT_EQ(ISOLATE_NONE, isolate_migratepages(&cc));
		ASSERT_EQ(from + pageblock_nr_pages, cc.migrate_pfn);
		EXPECT_LT(was, cc.total_migrate_scanned);
	}
	scanned = cc.total_migrate_scanned;
	EXPECT_EQ(ISOLATE_NONE, isolate_migratepages(&cc));
	EXPECT_EQ(0xfe00, cc.migrate_pfn);
	EXPECT_EQ(scanned, cc.total_migrate_scanned);

	/* The whole compaction counts the same; the free scanner had nothing to do. */
	before = pagemig_vmstat("compact_migrate_scanned");
	fscanned = pagemig_vmstat("compact_free_scanned");
	EXPECT_EQ(COMPACT_COMPLETE, compact_zone_for_order(zone, -1, MIGRATE_SYNC));
	EXPECT_EQ(scanned, pagemig_vmstat("compact_migrate_scanned") - before);
	EXPECT_EQ(0, pagemig_vmstat("compact_free_scanned") - fscanned);

	mm_check_invariants(true);
	pagemig_machine_exit();
}

/*
 * kernel 6.18: compact_zone: the pages migration freed go to this CPU's
 * per-CPU lists and are still there when the zone's compaction ends;
 * only the high mark drains them (buddyinfo and the free lists do not
 * count them, as /proc/buddyinfo does not).
 */
TEST_F(kc, freed_sources_stay_on_the_pcp_lists)
{
	unsigned long s0, migrated;
	struct zone *zone = normal();
	unsigned int i;
	int fid;

	/* Page-cache folios low in the zone, then free memory as holes above. */
	fid = pagemig_file_create("sources", 64 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	for (i = 0; i < 64; i++)
		ASSERT_NOT_NULL(cache_folio(_metadata, fid, 0, i));
	holes(_metadata, 2);
	drain_all_pages(NULL);
	ASSERT_EQ(0, zone_pcp_count(zone));
	s0 = pagemig_vmstat("pgmigrate_success");
	compact_zone_for_order(zone, -1, MIGRATE_SYNC);
	migrated = pagemig_vmstat("pgmigrate_success") - s0;
	ASSERT_GT(migrated, 0);
	EXPECT_GT(zone_pcp_count(zone), 0);
	EXPECT_LE(zone_pcp_count(zone), migrated);
	drain_all_pages(NULL);
	EXPECT_EQ(0, zone_pcp_count(zone));
	pm_files_drop();
	unholes(_metadata);
}

/* Free order-0 pages among every @stride-th PFN of [start, end). */
static unsigned long free_at_stride(unsigned long start, unsigned long end,
				    unsigned int stride)
{
	unsigned long pfn, n = 0;

	for (pfn = start; pfn < end; pfn += stride)
		n += PageBuddy(pfn_to_page(pfn));
	return n;
}

/*
 * kernel 6.18: isolate_freepages: async compaction looks at every 32nd
 * PFN of a block; after a block that yields pages, at every PFN of the
 * next one; after one that yields nothing, at twice the stride (up to 32).
 * Sync compaction looks at every PFN.  A block scanned to its end gets
 * its skip bit and moves the cached free PFN below it.
 */
TEST_F(kc, free_scanner_stride)
{
	unsigned long top, b1, b2, want1, want2, want_scan;
	struct compact_control cc;

	holes(_metadata, 8);
	top = pageblock_start_pfn(zone_end_pfn(normal()) - 1);
	b1 = top - pageblock_nr_pages;
	b2 = b1 - pageblock_nr_pages;
	clear_pageblock_skip(pfn_to_page(b1));
	clear_pageblock_skip(pfn_to_page(b2));

	/* Async: blocks b1 then b2 (the migrate scanner sits just below). */
	cc_init(&cc, normal(), MIGRATE_ASYNC);
	cc.free_pfn = b1;
	cc.migrate_pfn = b2 - pageblock_nr_pages;
	cc.nr_migratepages = 4 * pageblock_nr_pages;
	want1 = free_at_stride(b1, b1 + pageblock_nr_pages, COMPACT_CLUSTER_MAX);
	want2 = free_at_stride(b2, b2 + pageblock_nr_pages, want1 ? 1 : COMPACT_CLUSTER_MAX);
	want_scan = pageblock_nr_pages / COMPACT_CLUSTER_MAX +
		    (want1 ? pageblock_nr_pages : pageblock_nr_pages / COMPACT_CLUSTER_MAX);
	TH_LOG("async: %lu then %lu free pages expected", want1, want2);
	ASSERT_GT(want1 + want2, 0);
	isolate_freepages(&cc);
	EXPECT_EQ(want1 + want2, cc.nr_freepages);
	EXPECT_EQ(want_scan, cc.total_free_scanned);
	/* Both blocks scanned to their end: skip bits, cached PFN below b2. */
	EXPECT_TRUE(get_pageblock_skip(pfn_to_page(b1)));
	EXPECT_TRUE(get_pageblock_skip(pfn_to_page(b2)));
	EXPECT_EQ(b2 - pageblock_nr_pages, normal()->compact_cached_free_pfn);
	release_free_list(cc.freepages);

	/* Sync: every PFN of both blocks. */
	drain_all_pages(NULL);
	cc_init(&cc, normal(), MIGRATE_SYNC);
	cc.free_pfn = b1;
	cc.migrate_pfn = b2 - pageblock_nr_pages;
	cc.nr_migratepages = 4 * pageblock_nr_pages;
	want1 = free_at_stride(b1, b1 + pageblock_nr_pages, 1);
	want2 = free_at_stride(b2, b2 + pageblock_nr_pages, 1);
	isolate_freepages(&cc);
	EXPECT_EQ(want1 + want2, cc.nr_freepages);
	EXPECT_EQ(2 * pageblock_nr_pages, cc.total_free_scanned);
	release_free_list(cc.freepages);
	clear_pageblock_skip(pfn_to_page(b1));
	clear_pageblock_skip(pfn_to_page(b2));
	unholes(_metadata);
}

/* ---- trace lines ------------------------------------------------------------ */

static char ktrace_path[64];

static int ktrace_start(void)
{
	int fd;

	snprintf(ktrace_path, sizeof(ktrace_path), "/tmp/pagemig-kc-XXXXXX");
	fd = mkstemp(ktrace_path);
	if (fd < 0)
		return -errno;
	close(fd);
	return pagemig_trace_open(ktrace_path);
}

/* Close the trace and return its text (free() it), or NULL. */
static char *ktrace_stop(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (pagemig_trace_close())
		return NULL;
	f = fopen(ktrace_path, "r");
	if (f) {
		text = calloc(1, 1 << 20);
		if (text)
			len = fread(text, 1, (1 << 20) - 1, f);
		fclose(f);
		if (text)
			text[len] = '\0';
	}
	unlink(ktrace_path);
	return text;
}

/* The fields of the first @event line in @text, or NULL. */
static const char *ktrace_find(const char *text, const char *event)
{
	char key[96];
	const char *p;

	snprintf(key, sizeof(key), " %s: ", event);
	p = strstr(text, key);
	return p ? p + strlen(key) : NULL;
}

static unsigned int ktrace_count(const char *text, const char *event)
{
	unsigned int n = 0;
	const char *p = text;

	while ((p = ktrace_find(p, event)))
		n++;
	return n;
}

/* ---- fast free-list search ------------------------------------------------ */

static struct list_head *movable_list(struct zone *zone, unsigned int order)
{
	return &zone->free_area[order].free_list[MIGRATE_MOVABLE];
}

static unsigned long list_pfn(struct list_head *pos)
{
	return page_to_pfn(list_entry(pos, struct page, buddy_list));
}

/* A targeted pass (kcompactd's) with its scanners at the zone's ends. */
static void cc_init_order(struct compact_control *cc, struct zone *zone, int order)
{
	cc_init(cc, zone, MIGRATE_SYNC_LIGHT);
	cc->order = order;
	cc->search_order = order;
	cc->ignore_skip_hint = false;
	cc->whole_zone = false;
	cc->alloc_flags = ALLOC_WMARK_MIN;
}

/*
 * kernel 6.18: fast_isolate_freepages: at a pass's start (no reset of the
 * skip hints yet), a targeted pass reads the order-0 MOVABLE list from its
 * tail and takes the first page in the top quarter between the scanners;
 * the list turns so the entries in front of it come next; nothing is
 * scanned linearly; the cached free PFN goes below the highest block seen.
 */
TEST_F(kc, fast_free_search_takes_preferred_page)
{
	unsigned long low_pfn, min_pfn, distance, highest = 0, n = 0, want_pfn = 0;
	struct list_head *list, *pos, *before = NULL;
	struct compact_control cc;
	struct zone *zone = normal();
	char want[128], *text;
	const char *line;

	holes(_metadata, 8);
	cc_init_order(&cc, zone, 4);
	cc.nr_migratepages = 1;
	zone->compact_init_free_pfn = 0;
	zone->compact_cached_free_pfn = cc.free_pfn;
	distance = cc.free_pfn - cc.migrate_pfn;
	low_pfn = pageblock_start_pfn(cc.free_pfn - (distance >> 2));
	min_pfn = pageblock_start_pfn(cc.free_pfn - (distance >> 1));

	/* The kernel's pick: from the tail, the first page at or above low_pfn. */
	list = movable_list(zone, 0);
	for (pos = list->prev; pos != list; pos = pos->prev) {
		n++;
		highest = max(highest, pageblock_start_pfn(list_pfn(pos)));
		if (list_pfn(pos) >= low_pfn) {
			want_pfn = list_pfn(pos);
			before = pos->prev;
			break;
		}
	}
	ASSERT_NE(0, want_pfn);
	ASSERT_NE(list, before);
	ASSERT_LE(n, pageblock_nr_pages / 2);

	ASSERT_EQ(0, ktrace_start());
	isolate_freepages(&cc);
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);

	ASSERT_EQ(1, cc.nr_freepages);
	EXPECT_EQ(want_pfn, page_to_pfn(list_first_entry(&cc.freepages[0],
							 struct page, lru)));
	EXPECT_EQ(0, cc.fast_search_fail);
	EXPECT_EQ(0, cc.search_order);
	/* What the search did not reach now comes first from the tail. */
	EXPECT_EQ(before, list->prev);
	EXPECT_EQ(highest - pageblock_nr_pages, zone->compact_cached_free_pfn);

	snprintf(want, sizeof(want), "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=1",
		 min_pfn, cc.free_pfn, n);
	line = ktrace_find(text, "mm_compaction_fast_isolate_freepages");
	ASSERT_NOT_NULL(line);
	EXPECT_EQ(0, strncmp(line, want, strlen(want)));
	EXPECT_EQ(0, ktrace_count(text, "mm_compaction_isolate_freepages"));
	free(text);
	release_free_list(cc.freepages);
	unholes(_metadata);
}

/*
 * kernel 6.18: fast_isolate_freepages: each failed search halves the next
 * one's window (freelist_scan_limit()): after three, a search that is not
 * a pass's first reads two entries, takes nothing, counts a fourth
 * failure and turns the list so the unread entries come next.
 */
TEST_F(kc, fast_free_search_window_shrinks)
{
	unsigned long min_pfn, distance;
	struct list_head *list, *pos, *next, *old_second, *old_third;
	struct compact_control cc;
	struct zone *zone = normal();
	char *text;
	const char *line;

	holes(_metadata, 8);
	cc_init_order(&cc, zone, 1);
	cc.nr_migratepages = 1;
	cc.fast_search_fail = 3;
	zone->compact_init_free_pfn = zone_end_pfn(zone);
	distance = cc.free_pfn - cc.migrate_pfn;
	min_pfn = pageblock_start_pfn(cc.free_pfn - (distance >> 1));

	/* Every page the search would want goes to the list's head. */
	list = movable_list(zone, 0);
	spin_lock(&zone->lock);
	for (pos = list->next, next = pos->next; pos != list;
	     pos = next, next = pos->next)
		if (list_pfn(pos) >= min_pfn)
			list_move(pos, list);
	spin_unlock(&zone->lock);
	old_second = list->prev->prev;
	old_third = old_second->prev;
	ASSERT_LT(list_pfn(list->prev), min_pfn);
	ASSERT_LT(list_pfn(old_second), min_pfn);

	ASSERT_EQ(0, ktrace_start());
	fast_isolate_freepages(&cc);
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);

	EXPECT_EQ(0, cc.nr_freepages);
	EXPECT_EQ(4, cc.fast_search_fail);
	EXPECT_EQ(old_second, list->next);
	EXPECT_EQ(old_third, list->prev);
	line = ktrace_find(text, "mm_compaction_fast_isolate_freepages");
	ASSERT_NOT_NULL(line);
	EXPECT_NOT_NULL(strstr(line, "nr_scanned=2 nr_taken=0"));
	free(text);
	unholes(_metadata);
}

/* ---- fast migrate-block search -------------------------------------------- */

static bool own_pfn(unsigned long pfn)
{
	for (unsigned long i = 0; i < nr_pfns; i++)
		if (pfns[i] == pfn)
			return true;
	return false;
}

/*
 * Free the aligned order-@order block at the first PFN >= @from made of
 * pages we hold: it merges into one free block.  Returns its PFN.
 */
static unsigned long free_block_at(struct __test_metadata *_metadata,
				   unsigned long from, unsigned int order)
{
	unsigned long nr = 1UL << order, pfn, i;

	for (pfn = ALIGN(from, nr); pfn + nr <= zone_end_pfn(normal()); pfn += nr) {
		for (i = 0; i < nr && own_pfn(pfn + i); i++)
			;
		if (i < nr)
			continue;
		for (i = 0; i < nr_pfns; i++) {
			if (pfns[i] >= pfn && pfns[i] < pfn + nr && pfns[i] != ULONG_MAX) {
				EXPECT_EQ(0, pagemig_free_pages(pfns[i], 0));
				pfns[i] = ULONG_MAX;
			}
		}
		drain_all_pages(NULL);
		EXPECT_TRUE(PageBuddy(pfn_to_page(pfn)));
		EXPECT_EQ(order, buddy_order(pfn_to_page(pfn)));
		return pfn;
	}
	return 0;
}

/*
 * kernel 6.18: fast_find_migrateblock: a kcompactd-style pass for order 9
 * at the zone's start begins in the block of a free order-3 page that lies
 * in the first half between the scanners; one beyond it is not taken (a
 * miss, counted, the linear scan starting where it stood); and a pass that
 * ignores the skip hints never searches.
 */
TEST_F(kc, fast_migrate_search_picks_block)
{
	unsigned long b, free3, high_pfn;
	struct compact_control cc;
	struct zone *zone = normal();
	char want[64], *text;
	const char *line;

	holes(_metadata, MAX_PFNS);
	cc_init_order(&cc, zone, 9);
	high_pfn = pageblock_start_pfn(cc.migrate_pfn + ((cc.free_pfn - cc.migrate_pfn) >> 1));
	b = zone->zone_start_pfn + 3 * pageblock_nr_pages;
	ASSERT_LT(b + pageblock_nr_pages, high_pfn);
	free3 = free_block_at(_metadata, b + 64, 3);
	ASSERT_NE(0, free3);
	ASSERT_LT(free3, b + pageblock_nr_pages);
	clear_pageblock_skip(pfn_to_page(b));

	ASSERT_EQ(0, ktrace_start());
	/* Our pages are not on an LRU: the block is scanned, nothing taken. */
	EXPECT_EQ(ISOLATE_NONE, isolate_migratepages(&cc));
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);
	EXPECT_EQ(0, cc.fast_search_fail);
	EXPECT_EQ(free3, cc.fast_start_pfn);
	EXPECT_EQ(b + pageblock_nr_pages, cc.migrate_pfn);
	snprintf(want, sizeof(want), "range=(0x%lx ~ 0x%lx)", b, b + pageblock_nr_pages);
	line = ktrace_find(text, "mm_compaction_isolate_migratepages");
	ASSERT_NOT_NULL(line);
	EXPECT_EQ(0, strncmp(line, want, strlen(want)));
	EXPECT_EQ(1, ktrace_count(text, "mm_compaction_isolate_migratepages"));
	free(text);
	clear_pageblock_skip(pfn_to_page(b));

	/* Only a block beyond high_pfn has a free order-3 page: a miss. */
	drain_all_pages(NULL);
	cc_init_order(&cc, zone, 9);
	cc.free_pfn = pageblock_start_pfn(free3) + pageblock_nr_pages;
	cc.migrate_pfn = zone->zone_start_pfn;
	cc.fast_search_fail = 2;
	/* high_pfn now lies below free3's block. */
	ASSERT_LT(pageblock_start_pfn(cc.migrate_pfn + ((cc.free_pfn - cc.migrate_pfn) >> 1)),
		  pageblock_start_pfn(free3));
	EXPECT_EQ(zone->zone_start_pfn, fast_find_migrateblock(&cc));
	EXPECT_EQ(3, cc.fast_search_fail);
	EXPECT_EQ(1, cc.total_migrate_scanned);

	/* Skip hints ignored: no search at all. */
	cc_init_order(&cc, zone, 9);
	cc.ignore_skip_hint = true;
	EXPECT_EQ(zone->zone_start_pfn, fast_find_migrateblock(&cc));
	EXPECT_EQ(0, cc.fast_search_fail);
	EXPECT_EQ(0, cc.total_migrate_scanned);
	unholes(_metadata);
}

/* ---- too_many_isolated() -------------------------------------------------- */

static long lru_bump, iso_bump;

static int drop_isolated_later(void *data)
{
	msleep(60);
	mod_node_page_state(NODE_DATA(0), NR_ISOLATED_ANON, -iso_bump);
	iso_bump = 0;
	return 0;
}

/*
 * kernel 6.18: too_many_isolated: with more LRU pages isolated than an
 * eighth of the node's LRU halved, a GFP_KERNEL async pass aborts before
 * scanning (compact_zone() would end "contended"), a sync one holding
 * pages returns at once, a sync one holding none sleeps until the count
 * falls and then scans; a GFP_NOFS pass has the larger limit and scans.
 */
TEST_F(kc, too_many_isolated_waits_or_aborts)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long lru, limit_fs, start, t0, elapsed;
	struct compact_control cc;
	struct task_struct *task;
	char *text;

	lru = node_page_state(pgdat, NR_INACTIVE_ANON) + node_page_state(pgdat, NR_ACTIVE_ANON) +
	      node_page_state(pgdat, NR_INACTIVE_FILE) + node_page_state(pgdat, NR_ACTIVE_FILE);
	/* LRU pages enough that the two limits differ by more than one. */
	lru_bump = 1600;
	mod_node_page_state(pgdat, NR_INACTIVE_ANON, lru_bump);
	lru += (unsigned long)lru_bump;
	limit_fs = (lru >> 3) / 2;
	iso_bump = (long)(limit_fs + 1) - (long)(node_page_state(pgdat, NR_ISOLATED_ANON) +
						node_page_state(pgdat, NR_ISOLATED_FILE));
	ASSERT_GT(iso_bump, 0);
	ASSERT_LT(limit_fs + 1, lru / 2);
	mod_node_page_state(pgdat, NR_ISOLATED_ANON, iso_bump);

	/* Async, GFP_KERNEL: abort, nothing scanned or traced. */
	cc_init(&cc, normal(), MIGRATE_ASYNC);
	start = cc.migrate_pfn;
	ASSERT_EQ(0, ktrace_start());
	EXPECT_EQ(ISOLATE_ABORT, isolate_migratepages(&cc));
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);
	EXPECT_EQ(0, ktrace_count(text, "mm_compaction_isolate_migratepages"));
	free(text);
	EXPECT_EQ(start, cc.migrate_pfn);
	EXPECT_EQ(0, cc.total_migrate_scanned);

	/* Sync but holding pages already: -EAGAIN at once. */
	cc_init(&cc, normal(), MIGRATE_SYNC_LIGHT);
	cc.nr_migratepages = 1;
	EXPECT_EQ(start, isolate_migratepages_block(&cc, start, start + 4, 0));
	EXPECT_EQ(-EAGAIN, cc.isolate_ret);
	EXPECT_EQ(0, cc.total_migrate_scanned);

	/* GFP_NOFS: the larger limit; async scans. */
	cc_init(&cc, normal(), MIGRATE_ASYNC);
	cc.gfp_mask = GFP_NOIO;
	EXPECT_NE(ISOLATE_ABORT, isolate_migratepages(&cc));
	EXPECT_EQ(0, cc.isolate_ret);
	EXPECT_GT(cc.total_migrate_scanned, 0);
	putback_migratepages(&cc);

	/* Sync, nothing held: sleeps until another CPU's pages go back. */
	cc_init(&cc, normal(), MIGRATE_SYNC_LIGHT);
	task = kthread_run_on_cpu(drop_isolated_later, NULL, 1, "kc-drop");
	ASSERT_NOT_NULL(task);
	t0 = (unsigned long)(sim_clock_ns() / 1000000);
	isolate_migratepages_block(&cc, start, start + 4, 0);
	elapsed = (unsigned long)(sim_clock_ns() / 1000000) - t0;
	kthread_stop(task);
	EXPECT_EQ(0, cc.isolate_ret);
	EXPECT_GT(cc.total_migrate_scanned, 0);
	EXPECT_GE(elapsed, 50);
	putback_migratepages(&cc);

	mod_node_page_state(pgdat, NR_ISOLATED_ANON, -iso_bump);
	mod_node_page_state(pgdat, NR_INACTIVE_ANON, -lru_bump);
}

/* ---- compact_zone(): rescan after a failed round ---------------------------- */

/* The first line after @from that holds a compaction:* event, or NULL. */
static const char *next_compaction_line(const char *from)
{
	const char *nl = strchr(from, '\n');

	while (nl) {
		const char *line = nl + 1, *end = strchr(line, '\n');
		const char *ev = strstr(line, " mm_compaction_");

		if (ev && (!end || ev < end))
			return ev + 1;
		nl = end;
	}
	return NULL;
}

/*
 * kernel 6.18: compact_zone: a sync-light round in which a page fails to
 * migrate, with the scanner inside a block, goes straight back to the
 * migrate scanner (no compact_finished() check) and takes the rest of the
 * block to its end, past COMPACT_CLUSTER_MAX.  A page-cache folio with an
 * extra reference cannot migrate.
 */
TEST_F(kc, failed_round_rescans_rest_of_block)
{
	struct compact_control cc;
	struct folio *folios[160], *pinned;
	unsigned long pfn, end, taken, scanned;
	const char *line, *after;
	char *text;
	int fid, i, n;

	fid = pagemig_file_create("rescan", 160 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	for (i = 0; i < 160; i++) {
		folios[i] = cache_folio(_metadata, fid, 0, (pgoff_t)i);
		ASSERT_NOT_NULL(folios[i]);
	}
	pinned = folios[3];
	folio_get(pinned);
	/* Order-0 targets all over the zone. */
	holes(_metadata, 2);

	cc_init(&cc, page_zone(&pinned->page), MIGRATE_SYNC_LIGHT);
	cc.ignore_skip_hint = false;
	ASSERT_EQ(0, ktrace_start());
	compact_zone(&cc);
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);

	/* The round that failed, and what came right after it. */
	line = text;
	while ((line = ktrace_find(line, "mm_compaction_migratepages"))) {
		unsigned long migrated, failed;

		ASSERT_EQ(2, sscanf(line, "nr_migrated=%lu nr_failed=%lu", &migrated, &failed));
		if (failed)
			break;
	}
	ASSERT_NOT_NULL(line);
	after = next_compaction_line(line);
	ASSERT_NOT_NULL(after);
	TH_LOG("after the failed round: %.120s", after ? after : "");
	ASSERT_EQ(0, strncmp(after, "mm_compaction_isolate_migratepages: ", 36));
	n = sscanf(after + 36, "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu",
		   &pfn, &end, &scanned, &taken);
	ASSERT_EQ(4, n);
	EXPECT_FALSE(pageblock_aligned(pfn));
	EXPECT_EQ(pageblock_end_pfn(pfn), end);
	EXPECT_EQ(end - pfn, scanned);
	EXPECT_GT(taken, COMPACT_CLUSTER_MAX);
	free(text);

	folio_put(pinned);
	pm_files_drop();
	unholes(_metadata);
}

/*
 * kernel 6.18: isolate_migratepages_block: a GFP_NOFS or GFP_NOIO caller
 * scans page-cache folios but takes none; a GFP_KERNEL one takes them.
 */
TEST_F(kc, nofs_takes_only_anonymous)
{
	/* GFP_NOFS, GFP_NOIO */
	static const gfp_t masks[] = { __GFP_RECLAIM | __GFP_IO, GFP_NOIO };
	struct compact_control cc;
	struct folio *first;
	unsigned long pfn, end;
	unsigned int i;
	int fid;

	fid = pagemig_file_create("nofs", 8 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	first = cache_folio(_metadata, fid, 0, 0);
	ASSERT_NOT_NULL(first);
	for (i = 1; i < 8; i++)
		ASSERT_NOT_NULL(cache_folio(_metadata, fid, 0, (pgoff_t)i));
	pfn = folio_pfn(first);
	end = pfn + 4;
	/* The first four are contiguous (the allocator hands them out in order). */
	for (i = 0; i < 4; i++) {
		struct folio *f = filemap_get_folio(&pm_file(fid)->mapping, i);

		ASSERT_NOT_NULL(f);
		ASSERT_EQ(pfn + i, folio_pfn(f));
		folio_put(f);
	}

	for (i = 0; i < ARRAY_SIZE(masks); i++) {
		cc_init(&cc, page_zone(&first->page), MIGRATE_SYNC);
		cc.gfp_mask = masks[i];
		EXPECT_EQ(end, isolate_migratepages_block(&cc, pfn, end, 0));
		EXPECT_EQ(4, cc.total_migrate_scanned);
		EXPECT_EQ(0, cc.nr_migratepages);
		putback_migratepages(&cc);
	}

	cc_init(&cc, page_zone(&first->page), MIGRATE_SYNC);
	EXPECT_EQ(end, isolate_migratepages_block(&cc, pfn, end, 0));
	EXPECT_EQ(4, cc.nr_migratepages);
	putback_migratepages(&cc);
	pm_files_drop();
}

/*
 * kernel 6.18: compact_zone_order: the last direct-compaction priority
 * (COMPACT_PRIO_SYNC_FULL) migrates in MIGRATE_SYNC_LIGHT, as every
 * priority but the async one does; it differs only in ignoring the skip
 * hints and scanning the whole zone.
 */
TEST_F(kc, last_direct_priority_is_sync_light)
{
	unsigned int light = 0, full = 0;
	const char *line;
	char *text;
	int fid, i;

	fid = pagemig_file_create("prio", 64 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	for (i = 0; i < 64; i++)
		ASSERT_NOT_NULL(cache_folio(_metadata, fid, 0, (pgoff_t)i));
	holes(_metadata, 2);

	ASSERT_EQ(0, ktrace_start());
	compact_zone_order(normal(), 2, GFP_HIGHUSER_MOVABLE, MIN_COMPACT_PRIORITY,
			   ALLOC_WMARK_MIN, ZONE_NORMAL);
	text = ktrace_stop();
	ASSERT_NOT_NULL(text);
	for (line = text; (line = ktrace_find(line, "mm_migrate_pages")); ) {
		const char *mode = strstr(line, "mode=");

		if (!mode)
			break;
		light += !strncmp(mode, "mode=MIGRATE_SYNC_LIGHT ", 24);
		full += !strncmp(mode, "mode=MIGRATE_SYNC ", 18);
	}
	free(text);
	EXPECT_GT(light, 0);
	EXPECT_EQ(0, full);

	pm_files_drop();
	unholes(_metadata);
}
