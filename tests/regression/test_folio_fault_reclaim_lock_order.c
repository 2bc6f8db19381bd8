// SPDX-License-Identifier: GPL-2.0
/*
 * A THP fault allocates with direct reclaim under mmap_lock; reclaim
 * runs the shrinkers under shrinker_mutex, which ranked outside
 * mmap_lock (LOCK_RANK_SUBSYS), so every such fault reported a lock
 * order inversion.  The kernel's order is mmap_lock, then fs_reclaim,
 * then shrinker_rwsem: the shrinker lock now ranks inside mmap_lock.
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

MM_FIXTURE(frlo, 16 * SZ_1M, 4 * SZ_1M, 0, 2)

TEST_F(frlo, thp_fault_with_direct_reclaim_keeps_lock_order)
{
	static unsigned long pfns[4096];
	unsigned long n = 0, i, addr, pfn;
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	/* No order-9 block anywhere, so the THP allocation reclaims. */
	while (n < ARRAY_SIZE(pfns) &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY, 0, &pfn))
		pfns[n++] = pfn;
	for (i = 0; i < n; i += 2)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &addr));
	ASSERT_EQ(0, pm_write_tag(pid, addr, 1));
	EXPECT_EQ(0, pagemig_lock_inversions());
	ASSERT_EQ(0, pagemig_process_exit(pid));
	for (i = 1; i < n; i += 2)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
}
