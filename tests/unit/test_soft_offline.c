// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory-failure.c: soft_offline_page() on a free page (taken off the
 * buddy lists, PG_hwpoison, never handed out again), a mapped anonymous
 * page (contents move, the process reads the same data at a new frame,
 * the old frame is poisoned), a balloon page (a movable_ops page since
 * the series: HWPoisonHandlable()), a page of a THP (split first), a
 * pinned page or THP (-EBUSY, nothing changed), and a page poisoned
 * already (0).  Each poisoned frame stays
 * out of the allocator for good and counts as used: announced with
 * mm_expect_leak().
 */
#include "../../mm/memory-failure.c"
#include "harness/mm_fixture.h"
#include "harness/iso_helpers.h"

MM_FIXTURE_MOPS(soft, 32 * SZ_1M, 4 * SZ_1M, 0, 2)

/* Allocate all memory: is @pfn ever handed out? */
static bool handed_out(unsigned long target)
{
	unsigned long *pfns = calloc(max_pfn, sizeof(*pfns)), n = 0, pfn;
	bool seen = false;

	if (!pfns)
		abort();
	drain_all_pages(NULL);
	while (!pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY,
				    0, &pfn)) {
		pfns[n++] = pfn;
		seen |= pfn == target;
	}
	while (n--)
		pagemig_free_pages(pfns[n], 0);
	free(pfns);
	return seen;
}

TEST_F(soft, free_page_taken_off_buddy)
{
	unsigned long pfn = iso_free_range(mm_zone(ZONE_NORMAL)) + 123;
	long poisoned0 = atomic_long_read(&num_poisoned_pages);
	unsigned long free0;

	ASSERT_TRUE(pfn < max_pfn);
	drain_all_pages(NULL);
	free0 = pagemig_free_pages_count();
	ASSERT_EQ(0, pagemig_soft_offline(pfn));
	mm_expect_leak(1);
	EXPECT_TRUE(PageHWPoison(pfn_to_page(pfn)));
	EXPECT_FALSE(PageBuddy(pfn_to_page(pfn)));
	EXPECT_EQ(free0 - 1, pagemig_free_pages_count());
	EXPECT_EQ(poisoned0 + 1, atomic_long_read(&num_poisoned_pages));
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_FALSE(handed_out(pfn));
	/* Poisoned already: nothing to do. */
	EXPECT_EQ(0, pagemig_soft_offline(pfn));
	EXPECT_EQ(poisoned0 + 1, atomic_long_read(&num_poisoned_pages));
	EXPECT_EQ(-EINVAL, pagemig_soft_offline(max_pfn));
}

TEST_F(soft, mapped_anon_page_moves)
{
	unsigned long addr, old, new, ok0 = pagemig_vmstat("pgmigrate_success");
	int pid = iso_spawn_anon(16, false, &addr);

	ASSERT_GE(pid, 0);
	old = iso_proc_pfn(pid, addr + 5 * PAGE_SIZE);
	ASSERT_NE(ULONG_MAX, old);
	ASSERT_EQ(0, pagemig_soft_offline(old));
	mm_expect_leak(1);
	new = iso_proc_pfn(pid, addr + 5 * PAGE_SIZE);
	EXPECT_NE(old, new);
	EXPECT_NE(ULONG_MAX, new);
	EXPECT_EQ(ok0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_TRUE(PageHWPoison(pfn_to_page(old)));
	EXPECT_EQ(0, page_ref_count(pfn_to_page(old)));
	EXPECT_FALSE(PageLRU(pfn_to_page(old)));
	EXPECT_EQ(0, iso_proc_check(pid, addr, 16, 0));
	/* The process goes on using the page. */
	EXPECT_EQ(0, iso_proc_write(pid, addr, 16, 1));
	EXPECT_EQ(0, iso_proc_check(pid, addr, 16, 1));
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_FALSE(handed_out(old));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

/*
 * A page of an anonymous THP: the THP splits (kernel:
 * try_to_split_thp_page()), that page alone moves and its frame is
 * poisoned; the other 511 stay where they were, as small folios, with
 * their data.
 */
TEST_F(soft, thp_subpage_splits_then_moves)
{
	unsigned long addr, head, old, new, split0 = pagemig_vmstat("thp_split_page");
	unsigned long ok0 = pagemig_vmstat("pgmigrate_success"), i;
	int pid = iso_spawn_anon(HPAGE_PMD_NR, true, &addr);

	ASSERT_GE(pid, 0);
	head = iso_proc_pfn(pid, addr);
	ASSERT_NE(ULONG_MAX, head);
	ASSERT_TRUE(folio_test_large(pfn_folio(head)));
	old = iso_proc_pfn(pid, addr + 77 * PAGE_SIZE);
	ASSERT_EQ(head + 77, old);

	ASSERT_EQ(0, pagemig_soft_offline(old));
	mm_expect_leak(1);
	EXPECT_EQ(split0 + 1, pagemig_vmstat("thp_split_page"));
	EXPECT_EQ(ok0 + 1, pagemig_vmstat("pgmigrate_success"));
	new = iso_proc_pfn(pid, addr + 77 * PAGE_SIZE);
	EXPECT_NE(old, new);
	EXPECT_NE(ULONG_MAX, new);
	EXPECT_TRUE(PageHWPoison(pfn_to_page(old)));
	/* The rest stayed on their frames, now small folios on the LRU. */
	for (i = 0; i < HPAGE_PMD_NR; i++) {
		struct folio *f;

		if (i == 77)
			continue;
		EXPECT_EQ(head + i, iso_proc_pfn(pid, addr + i * PAGE_SIZE));
		f = pfn_folio(head + i);
		EXPECT_FALSE(folio_test_large(f));
		EXPECT_TRUE(folio_test_lru(f));
	}
	EXPECT_EQ(0, iso_proc_check(pid, addr, HPAGE_PMD_NR, 0));
	EXPECT_EQ(0, iso_proc_write(pid, addr, HPAGE_PMD_NR, 1));
	EXPECT_EQ(0, iso_proc_check(pid, addr, HPAGE_PMD_NR, 1));
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

/* A pinned THP cannot split: -EBUSY, and it stays whole. */
TEST_F(soft, pinned_thp_is_busy)
{
	unsigned long addr, head;
	int pid = iso_spawn_anon(HPAGE_PMD_NR, true, &addr);

	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, pagemig_pin(pid, addr, 1, false));
	head = iso_proc_pfn(pid, addr);
	ASSERT_TRUE(folio_test_large(pfn_folio(head)));
	EXPECT_EQ(-EBUSY, pagemig_soft_offline(head + 5));
	EXPECT_FALSE(PageHWPoison(pfn_to_page(head + 5)));
	EXPECT_TRUE(folio_test_large(pfn_folio(head)));
	EXPECT_TRUE(folio_test_lru(pfn_folio(head)));
	EXPECT_EQ(head + 5, iso_proc_pfn(pid, addr + 5 * PAGE_SIZE));
	EXPECT_EQ(0, iso_proc_check(pid, addr, HPAGE_PMD_NR, 0));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(soft, balloon_page_moves)
{
	unsigned long pfn, bal = ULONG_MAX, m0;

	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 32, ISO_TIMEOUT_MS));
	for (pfn = 0; pfn < max_pfn && bal == ULONG_MAX; pfn++)
		if (iso_is_kind(pfn_to_page(pfn), ISO_BALLOON))
			bal = pfn;
	ASSERT_NE(ULONG_MAX, bal);
	m0 = pagemig_vmstat("balloon_migrate");
	ASSERT_EQ(0, pagemig_soft_offline(bal));
	mm_expect_leak(1);
	EXPECT_EQ(m0 + 1, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(32, iso_balloon_size());
	EXPECT_TRUE(PageHWPoison(pfn_to_page(bal)));
	EXPECT_FALSE(page_has_movable_ops(pfn_to_page(bal)));
	EXPECT_EQ(0, pagemig_validate(stderr));
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, ISO_TIMEOUT_MS));
}

TEST_F(soft, pinned_page_is_busy)
{
	unsigned long addr, pfn, ok0;
	int pid = iso_spawn_anon(4, false, &addr);

	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, pagemig_pin(pid, addr, 4, true));
	pfn = iso_proc_pfn(pid, addr + PAGE_SIZE);
	ok0 = pagemig_vmstat("pgmigrate_success");
	EXPECT_EQ(-EBUSY, pagemig_soft_offline(pfn));
	EXPECT_FALSE(PageHWPoison(pfn_to_page(pfn)));
	EXPECT_EQ(pfn, iso_proc_pfn(pid, addr + PAGE_SIZE));
	EXPECT_EQ(ok0, pagemig_vmstat("pgmigrate_success"));
	EXPECT_TRUE(PageLRU(pfn_to_page(pfn)));
	EXPECT_EQ(0, iso_proc_check(pid, addr, 4, 0));
	ASSERT_EQ(0, pagemig_unpin_all(pid));
	/* Unpinned, it moves. */
	EXPECT_EQ(0, pagemig_soft_offline(pfn));
	mm_expect_leak(1);
	EXPECT_EQ(0, iso_proc_check(pid, addr, 4, 0));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

/* Neither LRU nor movable_ops (a plain allocation): refused. */
TEST_F(soft, unmovable_page_is_busy)
{
	struct page *page = alloc_page(GFP_KERNEL);

	ASSERT_NOT_NULL(page);
	EXPECT_EQ(-EBUSY, pagemig_soft_offline(page_to_pfn(page)));
	EXPECT_FALSE(PageHWPoison(page));
	EXPECT_EQ(1, page_ref_count(page));
	__free_page(page);
}

/* Migration failing (every destination allocation): -EBUSY, page back. */
TEST_F(soft, migration_failure_puts_back)
{
	unsigned long addr, pfn;
	int pid = iso_spawn_anon(4, false, &addr);

	ASSERT_GE(pid, 0);
	pfn = iso_proc_pfn(pid, addr);
	ASSERT_EQ(0, pagemig_fault_arm("migrate_alloc", 1, 1UL << 40));
	EXPECT_EQ(-EBUSY, pagemig_soft_offline(pfn));
	pagemig_fault_disarm_all();
	EXPECT_FALSE(PageHWPoison(pfn_to_page(pfn)));
	EXPECT_TRUE(PageLRU(pfn_to_page(pfn)));
	EXPECT_EQ(pfn, iso_proc_pfn(pid, addr));
	EXPECT_EQ(0, iso_proc_check(pid, addr, 4, 0));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}
