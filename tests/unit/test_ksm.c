// SPDX-License-Identifier: GPL-2.0
/*
 * mm/ksm.c: pages with equal contents in mergeable mappings come to share
 * one read-only KSM folio after two full scans (one to see the checksum
 * settle, one to pair), within a process and across processes; a write
 * gets a private copy (cow_ksm) and leaves the others shared; a KSM folio
 * migrates with all its mappings and its stable node follows it, so later
 * merges still find it; pinned pages are never merged; munmap and exit
 * leave nothing behind; fault injection on merging and on registration.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_ksm
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

MM_FIXTURE(ksm, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

#define NPAGES	64
#define NTAGS	4

static struct pagemig_ksm_stats ksm_stats(void)
{
	struct pagemig_ksm_stats st;

	if (pagemig_ksm_stats(&st))
		abort();
	return st;
}

/* A process with NPAGES mergeable pages; page i holds tag @base + i % NTAGS. */
static int mergeable_process(struct __test_metadata *_metadata,
			     unsigned long *addr, uint64_t base)
{
	int pid = pagemig_process_create(), i;

	EXPECT_LE(0, pid);
	EXPECT_EQ(0, pagemig_mmap_anon(pid, NPAGES * PAGE_SIZE, PAGEMIG_MAP_WRITE, addr));
	for (i = 0; i < NPAGES; i++)
		EXPECT_EQ(0, pm_write_tag(pid, *addr + i * PAGE_SIZE, base + i % NTAGS));
	EXPECT_EQ(0, pagemig_madvise_mergeable(pid, *addr));
	return pid;
}

static bool all_tags_ok(int pid, unsigned long addr, uint64_t base)
{
	int i;

	for (i = 0; i < NPAGES; i++)
		if (!pm_check_tag(pid, addr + i * PAGE_SIZE, base + i % NTAGS))
			return false;
	return true;
}

TEST_F(ksm, equal_pages_merge_after_two_scans_and_cow_unshares)
{
	unsigned long addr, free0, mapped0, cow0 = pagemig_vmstat("cow_ksm");
	struct pagemig_ksm_stats st;
	struct pagemig_process_stats ps;
	struct folio *k0;
	bool huge;
	int pid, i;

	pid = mergeable_process(_metadata, &addr, 10);
	/* Free pages are counted on the buddy lists: empty the per-CPU ones. */
	drain_all_pages(NULL);
	free0 = pagemig_free_pages_count();
	mapped0 = pagemig_vmstat("nr_anon_pages");

	/* One scan learns the checksums; nothing merges yet. */
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	st = ksm_stats();
	EXPECT_EQ(0, st.pages_shared);
	EXPECT_EQ(NPAGES, st.pages_scanned);
	EXPECT_FALSE(folio_test_ksm(pm_folio(pid, addr)));

	/* The second pairs them: NTAGS KSM folios, the rest share them. */
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	st = ksm_stats();
	EXPECT_EQ(NTAGS, st.pages_shared);
	EXPECT_EQ(NPAGES - NTAGS, st.pages_sharing);
	for (i = 0; i < NPAGES; i++) {
		struct folio *folio = pm_folio(pid, addr + i * PAGE_SIZE);

		EXPECT_TRUE(folio_test_ksm(folio));
		EXPECT_EQ(pm_folio(pid, addr + (i % NTAGS) * PAGE_SIZE), folio);
		EXPECT_FALSE(pte_write(pm_entry(pid, addr + i * PAGE_SIZE, &huge)));
	}
	k0 = pm_folio(pid, addr);
	EXPECT_EQ(NPAGES / NTAGS, folio_mapcount(k0));
	/* The duplicates' frames went back; RSS still counts every mapping. */
	drain_all_pages(NULL);
	EXPECT_EQ(free0 + NPAGES - NTAGS, pagemig_free_pages_count());
	EXPECT_EQ(mapped0 - (NPAGES - NTAGS), pagemig_vmstat("nr_anon_pages"));
	ASSERT_EQ(0, pagemig_process_stats(pid, &ps));
	EXPECT_EQ(NPAGES, ps.rss_anon);
	EXPECT_TRUE(all_tags_ok(pid, addr, 10));

	/* A write copies: page 0 is private again, the others stay shared. */
	ASSERT_EQ(0, pm_write_tag(pid, addr, 99));
	EXPECT_EQ(cow0 + 1, pagemig_vmstat("cow_ksm"));
	EXPECT_FALSE(folio_test_ksm(pm_folio(pid, addr)));
	EXPECT_TRUE(pte_write(pm_entry(pid, addr, &huge)));
	EXPECT_EQ(NPAGES / NTAGS - 1, folio_mapcount(k0));
	EXPECT_TRUE(pm_check_tag(pid, addr, 99));
	for (i = 1; i < NPAGES; i++)
		EXPECT_TRUE(pm_check_tag(pid, addr + i * PAGE_SIZE, 10 + i % NTAGS));
	/* The next scan drops the stale item. */
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	st = ksm_stats();
	EXPECT_EQ(NTAGS, st.pages_shared);
	EXPECT_EQ(NPAGES - NTAGS - 1, st.pages_sharing);
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(ksm, pages_of_two_processes_merge_and_survive_an_exit)
{
	unsigned long a, b;
	struct pagemig_ksm_stats st;
	int p, q;

	p = mergeable_process(_metadata, &a, 20);
	q = mergeable_process(_metadata, &b, 20);
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	st = ksm_stats();
	EXPECT_EQ(NTAGS, st.pages_shared);
	EXPECT_EQ(2 * NPAGES - NTAGS, st.pages_sharing);
	EXPECT_EQ(pm_folio(p, a), pm_folio(q, b));
	/* p goes; q's pages, some on folios p's scan made, stay intact. */
	ASSERT_EQ(0, pagemig_process_exit(p));
	EXPECT_TRUE(all_tags_ok(q, b, 20));
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	st = ksm_stats();
	EXPECT_EQ(NTAGS, st.pages_shared);
	EXPECT_EQ(NPAGES - NTAGS, st.pages_sharing);
	EXPECT_TRUE(all_tags_ok(q, b, 20));
	ASSERT_EQ(0, pagemig_process_exit(q));
	/* Every KSM folio went with its last mapping; the scan forgets them. */
	EXPECT_EQ(-ENOENT, pagemig_ksm_full_scans(1));
}

TEST_F(ksm, ksm_folio_migrates_with_every_mapping)
{
	unsigned long addr, extra, s0 = pagemig_vmstat("pgmigrate_success");
	unsigned int succ = 0;
	struct folio *k, *moved;
	LIST_HEAD(list);
	int pid, i, zone;

	pid = mergeable_process(_metadata, &addr, 30);
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	k = pm_folio(pid, addr);
	ASSERT_TRUE(folio_test_ksm(k));
	zone = page_zonenum(&k->page) == ZONE_MOVABLE ? ZONE_NORMAL : ZONE_MOVABLE;

	ASSERT_EQ(k, pm_isolate(pid, addr, &list));
	EXPECT_EQ(0, migrate_pages(&list, pm_alloc_in_zone, NULL, (unsigned long)zone,
				   MIGRATE_SYNC, MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	moved = pm_folio(pid, addr);
	EXPECT_NE(k, moved);
	EXPECT_TRUE(folio_test_ksm(moved));
	EXPECT_EQ((int)page_zonenum(&moved->page), zone);
	/* Every mapping followed, still read-only. */
	for (i = 0; i < NPAGES; i += NTAGS) {
		bool huge;

		EXPECT_EQ(moved, pm_folio(pid, addr + i * PAGE_SIZE));
		EXPECT_FALSE(pte_write(pm_entry(pid, addr + i * PAGE_SIZE, &huge)));
	}
	EXPECT_EQ(NPAGES / NTAGS, folio_mapcount(moved));
	EXPECT_TRUE(all_tags_ok(pid, addr, 30));

	/* The stable node followed too: a new equal page merges into it. */
	ASSERT_EQ(0, pagemig_mmap_anon(pid, PAGE_SIZE, PAGEMIG_MAP_WRITE, &extra));
	ASSERT_EQ(0, pm_write_tag(pid, extra, 30));
	ASSERT_EQ(0, pagemig_madvise_mergeable(pid, extra));
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	EXPECT_EQ(moved, pm_folio(pid, extra));
	EXPECT_EQ(NTAGS, ksm_stats().pages_shared);

	/* A full compaction moves KSM folios like any anonymous folio. */
	ASSERT_EQ(0, pagemig_compact(-1));
	EXPECT_TRUE(all_tags_ok(pid, addr, 30));
	EXPECT_TRUE(pm_check_tag(pid, extra, 30));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(ksm, pinned_pages_are_never_merged)
{
	unsigned long addr;
	int pid, i;

	pid = mergeable_process(_metadata, &addr, 40);
	ASSERT_EQ(0, pagemig_pin(pid, addr, 1, false));
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	EXPECT_FALSE(folio_test_ksm(pm_folio(pid, addr)));
	for (i = 1; i < NPAGES; i++)
		EXPECT_TRUE(folio_test_ksm(pm_folio(pid, addr + i * PAGE_SIZE)));
	EXPECT_TRUE(all_tags_ok(pid, addr, 40));
	ASSERT_EQ(0, pagemig_unpin_all(pid));
	/* Unpinned, it joins at the next scan. */
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	EXPECT_TRUE(folio_test_ksm(pm_folio(pid, addr)));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(ksm, munmap_and_unmergeable_mappings)
{
	unsigned long addr, plain;
	struct pagemig_ksm_stats st;
	int pid, i;

	pid = mergeable_process(_metadata, &addr, 50);
	/* Equal contents in a mapping that is not mergeable: left alone. */
	ASSERT_EQ(0, pagemig_mmap_anon(pid, NTAGS * PAGE_SIZE, PAGEMIG_MAP_WRITE, &plain));
	for (i = 0; i < NTAGS; i++)
		ASSERT_EQ(0, pm_write_tag(pid, plain + i * PAGE_SIZE, 50 + i));
	EXPECT_EQ(-EINVAL, pagemig_madvise_mergeable(pid, plain + PAGE_SIZE));
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	for (i = 0; i < NTAGS; i++)
		EXPECT_FALSE(folio_test_ksm(pm_folio(pid, plain + i * PAGE_SIZE)));
	/* Unmapping the mergeable one frees the KSM folios. */
	ASSERT_EQ(0, pagemig_munmap(pid, addr));
	ASSERT_EQ(0, pagemig_ksm_full_scans(1));	/* no page left to see */
	st = ksm_stats();
	EXPECT_EQ(0, st.pages_shared);
	EXPECT_EQ(0, st.pages_sharing);
	EXPECT_EQ(0, st.stable_nodes);
	for (i = 0; i < NTAGS; i++)
		EXPECT_TRUE(pm_check_tag(pid, plain + i * PAGE_SIZE, 50 + i));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(ksm, injected_failures_leave_pages_unmerged_and_intact)
{
	unsigned long addr;
	struct pagemig_ksm_stats st;
	int pid;

	/* Registration needs a slot. */
	pid = pagemig_process_create();
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, 1));
	EXPECT_EQ(-ENOMEM, pagemig_madvise_mergeable(pid, addr));
	pagemig_fault_disarm_all();
	ASSERT_EQ(0, pagemig_process_exit(pid));

	/* Every merge finds its page busy: nothing merges, nothing breaks. */
	pid = mergeable_process(_metadata, &addr, 60);
	ASSERT_EQ(0, pagemig_fault_arm("ksm_merge", 1, ~0UL));
	ASSERT_LT(0, pagemig_ksm_full_scans(3));
	pagemig_fault_disarm_all();
	st = ksm_stats();
	EXPECT_EQ(0, st.pages_shared);
	EXPECT_LT(0, st.merge_failures);
	EXPECT_TRUE(all_tags_ok(pid, addr, 60));
	/* No memory for the stable node of a pair: the same. */
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, ~0UL));
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	pagemig_fault_disarm_all();
	EXPECT_EQ(0, ksm_stats().pages_shared);
	EXPECT_TRUE(all_tags_ok(pid, addr, 60));
	/* Then they merge. */
	ASSERT_LT(0, pagemig_ksm_full_scans(1));
	EXPECT_EQ(NTAGS, ksm_stats().pages_shared);
	EXPECT_TRUE(all_tags_ok(pid, addr, 60));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(ksm, ksmd_merges_in_the_background)
{
	unsigned long addr;
	int pid, tries;

	pid = mergeable_process(_metadata, &addr, 70);
	ASSERT_EQ(0, pagemig_ksm_run(1, 32, 1));
	EXPECT_TRUE(ksm_stats().run);
	for (tries = 0; tries < 5000 && ksm_stats().pages_shared < NTAGS; tries++)
		msleep(1);
	EXPECT_EQ(NTAGS, ksm_stats().pages_shared);
	ASSERT_EQ(0, pagemig_ksm_run(0, 0, 0));
	EXPECT_FALSE(ksm_stats().run);
	EXPECT_EQ(-EINVAL, pagemig_ksm_run(2, 0, 0));
	EXPECT_TRUE(all_tags_ok(pid, addr, 70));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

/*
 * A full scan asked for when the cursor stands past the last mapped page
 * of the only mm (a partial lap is all that is left of the current full
 * scan) still scans a whole lap: stopping at the first lap boundary with
 * nothing seen would report an empty machine.  Found by the TSan stress
 * test, where scan batches left the cursor anywhere.
 */
TEST_F(ksm, full_scan_from_the_middle_of_a_lap)
{
	unsigned long addr;
	int pid, i;

	pid = pagemig_process_create();
	ASSERT_LE(0, pid);
	/* Twice the pages, only the first half ever touched. */
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 2 * NPAGES * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	for (i = 0; i < NPAGES; i++)
		ASSERT_EQ(0, pm_write_tag(pid, addr + i * PAGE_SIZE, 80 + i % NTAGS));
	ASSERT_EQ(0, pagemig_madvise_mergeable(pid, addr));
	/* The cursor ends just past the last mapped page. */
	EXPECT_EQ(NPAGES, pagemig_ksm_scan(NPAGES));
	EXPECT_EQ(0, ksm_stats().full_scans);
	EXPECT_EQ(NPAGES, pagemig_ksm_full_scans(1));
	EXPECT_EQ(2 * NPAGES, pagemig_ksm_full_scans(2));
	EXPECT_EQ(NTAGS, ksm_stats().pages_shared);
	EXPECT_TRUE(all_tags_ok(pid, addr, 80));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

/*
 * A scan while a KSM folio is unmapped for migration must keep the
 * folio's rmap items: their PTEs hold migration entries, not nothing,
 * and remove_migration_ptes() walks those items to map the folio back.
 * Found by review: the scanner took the entries for unmapped addresses
 * and dropped the items, leaving every entry pointing at a freed frame.
 */
TEST_F(ksm, scan_during_migration_keeps_the_items)
{
	unsigned long addr;
	struct folio *k;
	int pid, i;

	pid = mergeable_process(_metadata, &addr, 90);
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	k = pm_folio(pid, addr);
	ASSERT_TRUE(folio_test_ksm(k));
	folio_get(k);
	folio_lock(k);
	try_to_migrate(k);
	EXPECT_FALSE(folio_mapped(k));
	/* Every page of the mm goes by: k's mappings are migration entries. */
	EXPECT_EQ(NPAGES, pagemig_ksm_scan(NPAGES));
	remove_migration_ptes(k, k);
	folio_unlock(k);
	EXPECT_EQ(NPAGES / NTAGS, folio_mapcount(k));
	for (i = 0; i < NPAGES; i += NTAGS)
		EXPECT_EQ(k, pm_folio(pid, addr + i * PAGE_SIZE));
	folio_put(k);
	EXPECT_TRUE(all_tags_ok(pid, addr, 90));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

/*
 * A pin of a merged page (even a read pin) gets a private copy, as
 * FOLL_PIN unshares a page that is not exclusive: a device must not see
 * or write a page other processes share.  Found by review.
 */
TEST_F(ksm, pinning_a_merged_page_unshares_it)
{
	unsigned long addr;
	struct folio *pinned;
	int pid, i;

	pid = mergeable_process(_metadata, &addr, 95);
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	ASSERT_TRUE(folio_test_ksm(pm_folio(pid, addr)));
	ASSERT_EQ(0, pagemig_pin(pid, addr, 1, false));
	pinned = pm_folio(pid, addr);
	EXPECT_FALSE(folio_test_ksm(pinned));
	EXPECT_TRUE(folio_maybe_dma_pinned(pinned));
	for (i = NTAGS; i < NPAGES; i += NTAGS)
		EXPECT_TRUE(folio_test_ksm(pm_folio(pid, addr + i * PAGE_SIZE)));
	EXPECT_FALSE(folio_maybe_dma_pinned(pm_folio(pid, addr + NTAGS * PAGE_SIZE)));
	EXPECT_TRUE(all_tags_ok(pid, addr, 95));
	ASSERT_EQ(0, pagemig_unpin_all(pid));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}
