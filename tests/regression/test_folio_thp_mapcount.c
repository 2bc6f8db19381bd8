// SPDX-License-Identifier: GPL-2.0
/*
 * folio_mapcount() of a PMD-mapped THP read the head page's _mapcount,
 * which large folios never use, so it said 0 and folio_mapped() false.
 * migrate_folio_unmap() then skipped try_to_migrate(): the THP was
 * "migrated" (copied, counted in pgmigrate_success) while the PMD kept
 * mapping the old frame, and the new folio was freed.  Kernel
 * folio_mapcount() reads _large_mapcount for large folios.
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

MM_FIXTURE(thpmc, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

TEST_F(thpmc, thp_mapcount_and_migration_remaps_pmd)
{
	struct folio *old, *now;
	unsigned int succ = 0;
	unsigned long h, pfn;
	LIST_HEAD(list);
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	ASSERT_EQ(0, pm_write_tag(pid, h + 3 * PAGE_SIZE, 3));
	old = pm_folio(pid, h);
	ASSERT_NOT_NULL(old);
	ASSERT_EQ(HPAGE_PMD_ORDER, folio_order(old));
	EXPECT_EQ(1, folio_mapcount(old));
	EXPECT_TRUE(folio_mapped(old));
	pfn = folio_pfn(old);

	ASSERT_EQ(old, pm_isolate(pid, h, &list));
	EXPECT_EQ(0, migrate_pages(&list, pm_alloc_in_zone, NULL, ZONE_NORMAL,
				   MIGRATE_SYNC, MR_COMPACTION, &succ));
	now = pm_folio(pid, h);
	ASSERT_NOT_NULL(now);
	EXPECT_NE(pfn, folio_pfn(now));
	EXPECT_EQ(1, folio_mapcount(now));
	EXPECT_TRUE(folio_test_lru(now));
	EXPECT_EQ(1, folio_ref_count(now));
	EXPECT_TRUE(pm_check_tag(pid, h + 3 * PAGE_SIZE, 3));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}
