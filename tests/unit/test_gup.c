// SPDX-License-Identifier: GPL-2.0
/*
 * mm/gup.c: pin_user_pages() with FOLL_LONGTERM.  A pin raises a small
 * folio's count by GUP_PIN_COUNTING_BIAS and a THP's _pincount; pinned
 * folios never migrate (migrate_pages() fails them, compaction leaves
 * them on their frames); a long-term pin first moves a folio out of
 * ZONE_MOVABLE; unpinning (or exit) makes them movable again.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_gup
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

MM_FIXTURE(gup, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

TEST_F(gup, longterm_pin_leaves_movable_zone_and_never_migrates)
{
	unsigned long addr, pfn, acq0 = pagemig_vmstat("nr_foll_pin_acquired");
	struct pagemig_process_stats st;
	struct folio *folio;
	unsigned int succ = 0;
	LIST_HEAD(list);
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	ASSERT_EQ(0, pm_write_tag(pid, addr, 1));
	ASSERT_EQ(ZONE_MOVABLE, page_zonenum(&pm_folio(pid, addr)->page));

	ASSERT_EQ(0, pagemig_pin(pid, addr, 2, true));
	folio = pm_folio(pid, addr);
	ASSERT_NOT_NULL(folio);
	EXPECT_NE(ZONE_MOVABLE, page_zonenum(&folio->page));	/* moved out first */
	EXPECT_TRUE(folio_maybe_dma_pinned(folio));
	EXPECT_EQ(1 + 1024, folio_ref_count(folio));
	EXPECT_TRUE(pm_check_tag(pid, addr, 1));
	EXPECT_NE(ZONE_MOVABLE, page_zonenum(&pm_folio(pid, addr + PAGE_SIZE)->page));
	EXPECT_EQ(2, pagemig_vmstat("nr_foll_pin_acquired") - acq0);
	ASSERT_EQ(0, pagemig_process_stats(pid, &st));
	EXPECT_EQ(2, st.nr_pinned);

	/* Isolated and handed to migrate_pages(): fails, stays, intact. */
	pfn = folio_pfn(folio);
	ASSERT_EQ(folio, pm_isolate(pid, addr, &list));
	EXPECT_EQ(1, migrate_pages(&list, pm_alloc_in_zone, NULL, ZONE_DMA32,
				   MIGRATE_SYNC, MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	putback_movable_pages(&list);
	EXPECT_EQ(pfn, folio_pfn(pm_folio(pid, addr)));
	EXPECT_TRUE(folio_test_lru(folio));
	EXPECT_TRUE(pm_check_tag(pid, addr, 1));
	/* The device's writes and the process's agree on the frame. */
	pm_tag_fill(folio_address(folio), 2);
	EXPECT_TRUE(pm_check_tag(pid, addr, 2));

	/* Unpinned: movable again. */
	ASSERT_EQ(0, pagemig_unpin_all(pid));
	EXPECT_FALSE(folio_maybe_dma_pinned(folio));
	EXPECT_EQ(1, folio_ref_count(folio));
	ASSERT_EQ(folio, pm_isolate(pid, addr, &list));
	EXPECT_EQ(0, migrate_pages(&list, pm_alloc_in_zone, NULL, ZONE_DMA32,
				   MIGRATE_SYNC, MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_NE(pfn, folio_pfn(pm_folio(pid, addr)));
	EXPECT_TRUE(pm_check_tag(pid, addr, 2));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(gup, pinned_file_and_thp_folios_stay_put_through_compaction)
{
	unsigned long a, f, h, pa, pf, ph, f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long s0 = pagemig_compact_pinned_skipped(), skipped;
	int pid = pagemig_process_create(), fid, i;
	struct folio *thp;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("pin", 4 * PAGE_SIZE, 2, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 64 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 4 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &f));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, pm_write_tag(pid, a + i * PAGE_SIZE, i));
	ASSERT_EQ(0, pm_write_tag(pid, f, 100));
	ASSERT_EQ(0, pm_write_tag(pid, h + PAGE_SIZE, 200));
	for (i = 1; i < 64; i += 2)
		ASSERT_EQ(0, pagemig_madvise_dontneed(pid, a + i * PAGE_SIZE, PAGE_SIZE));

	ASSERT_EQ(0, pagemig_pin(pid, a + 10 * PAGE_SIZE, 1, true));
	ASSERT_EQ(0, pagemig_pin(pid, f, 1, false));
	ASSERT_EQ(0, pagemig_pin(pid, h + PAGE_SIZE, 1, true));
	thp = pm_folio(pid, h);
	ASSERT_NOT_NULL(thp);
	if (folio_order(thp) == HPAGE_PMD_ORDER) {
		EXPECT_EQ(1, atomic_read(&thp->_pincount));
		EXPECT_TRUE(folio_maybe_dma_pinned(thp));
	}
	pa = folio_pfn(pm_folio(pid, a + 10 * PAGE_SIZE));
	pf = folio_pfn(pm_folio(pid, f));
	ph = folio_pfn(thp);

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pagemig_compact(-1));
	EXPECT_EQ(pa, folio_pfn(pm_folio(pid, a + 10 * PAGE_SIZE)));
	EXPECT_EQ(pf, folio_pfn(pm_folio(pid, f)));
	EXPECT_EQ(ph, folio_pfn(pm_folio(pid, h)));
	/* The pinned file folio is isolated, tried and counted as a failure. */
	EXPECT_LT(0, pagemig_vmstat("pgmigrate_fail") - f0);
	/*
	 * The pinned anon folio is not even isolated; compaction counts its
	 * page each time it passes it.  A pageblock-sized THP is passed over
	 * before that as not worth moving (skip_isolation_on_order()), so
	 * at most 1 + 512 pages a compaction.
	 */
	skipped = pagemig_compact_pinned_skipped() - s0;
	TH_LOG("pinned pages skipped over 3 compactions: %lu", skipped);
	EXPECT_LT(0, skipped);
	EXPECT_GE(3 * (1 + folio_nr_pages(thp)), skipped);
	EXPECT_EQ(0, pm_nr_isolated());
	for (i = 0; i < 64; i += 2)
		EXPECT_TRUE(pm_check_tag(pid, a + i * PAGE_SIZE, i));
	EXPECT_TRUE(pm_check_tag(pid, f, 100));
	EXPECT_TRUE(pm_check_tag(pid, h + PAGE_SIZE, 200));
	/* Exit drops the pins with the mappings: nothing leaks. */
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}
