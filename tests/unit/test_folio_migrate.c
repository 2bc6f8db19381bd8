// SPDX-License-Identifier: GPL-2.0
/*
 * Folio migration through migrate_pages(), in ASYNC, SYNC_LIGHT and SYNC,
 * with a destination allocator that takes from one chosen zone: anonymous
 * folios, page-cache folios (the cache slot now names the new folio, the
 * old one is freed), file folios mapped by two processes (both see the
 * new frame), PMD-mapped THPs (moved whole); -EAGAIN while the test holds
 * an extra reference (data intact, back on the LRU after putback,
 * NR_ISOLATED back to 0); fault injection at the destination allocation,
 * unmap, move and LRU isolation for N = 1, 2, ... until the migration goes
 * through, the folios intact and mapped after every attempt; and full
 * compaction of a fragmented process (pages freed by MADV_DONTNEED and by
 * munmap of interleaved mappings): folios move, order-9 blocks appear,
 * every tagged page verifies.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_folio_migrate
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

#define NR_ANON	8

/* Check the folio mapped at @addr: present, on the LRU, refcount as expected. */
#define EXPECT_SETTLED(pid, addr) do {					\
	struct folio *__f = pm_folio(pid, addr);			\
									\
	ASSERT_NOT_NULL(__f);						\
	EXPECT_TRUE(folio_test_lru(__f));				\
	EXPECT_FALSE(folio_test_locked(__f));				\
	EXPECT_EQ(folio_expected_ref_count(__f), folio_ref_count(__f)); \
} while (0)

FIXTURE_VARIANT(fm) { enum migrate_mode mode; };
/* DMA32 8 MiB, Normal 16 MiB, Movable 8 MiB: user memory starts in Movable. */
FIXTURE(fm) { int pid; };
FIXTURE_VARIANT_ADD(fm, async) { .mode = MIGRATE_ASYNC };
FIXTURE_VARIANT_ADD(fm, sync_light) { .mode = MIGRATE_SYNC_LIGHT };
FIXTURE_VARIANT_ADD(fm, sync) { .mode = MIGRATE_SYNC };
FIXTURE_SETUP(fm)
{
	mm_machine_up(32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2);
	self->pid = pagemig_process_create();
	ASSERT_LE(0, self->pid);
	pm_nr_dst_allocs = 0;
}
FIXTURE_TEARDOWN(fm)
{
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	if (proc_get(self->pid))
		pagemig_process_exit(self->pid);
	pm_files_drop();
	mm_check_invariants(true);
	pagemig_machine_exit();
}

static int migrate_list(struct list_head *list, unsigned long zone,
			enum migrate_mode mode, unsigned int *succeeded)
{
	return migrate_pages(list, pm_alloc_in_zone, NULL, zone, mode, MR_COMPACTION,
			     succeeded);
}

TEST_F(fm, anon_folios_move_to_chosen_zone)
{
	unsigned long addr, old_pfn[NR_ANON], s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long anon0;
	struct folio *old[NR_ANON];
	unsigned int succ = 0;
	LIST_HEAD(list);
	int i;

	ASSERT_EQ(0, pagemig_mmap_anon(self->pid, NR_ANON * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	for (i = 0; i < NR_ANON; i++) {
		ASSERT_EQ(0, pm_write_tag(self->pid, addr + i * PAGE_SIZE, 10 + i));
		old[i] = pm_isolate(self->pid, addr + i * PAGE_SIZE, &list);
		ASSERT_NOT_NULL(old[i]);
		old_pfn[i] = folio_pfn(old[i]);
		EXPECT_EQ(ZONE_MOVABLE, page_zonenum(&old[i]->page));
		EXPECT_FALSE(folio_test_lru(old[i]));
	}
	EXPECT_EQ(NR_ANON, global_node_page_state(NR_ISOLATED_ANON));
	anon0 = global_node_page_state(NR_ANON_MAPPED);
	EXPECT_EQ(0, migrate_list(&list, ZONE_NORMAL, variant->mode, &succ));
	EXPECT_TRUE(list_empty(&list));
	EXPECT_EQ(NR_ANON, succ);
	EXPECT_EQ(NR_ANON, pm_nr_dst_allocs);
	EXPECT_EQ(NR_ANON, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_EQ(anon0, global_node_page_state(NR_ANON_MAPPED));

	for (i = 0; i < NR_ANON; i++) {
		struct folio *now = pm_folio(self->pid, addr + i * PAGE_SIZE);

		ASSERT_NOT_NULL(now);
		EXPECT_NE(old_pfn[i], folio_pfn(now));
		EXPECT_EQ(ZONE_NORMAL, page_zonenum(&now->page));
		EXPECT_TRUE(folio_test_anon(now));
		EXPECT_TRUE(folio_test_swapbacked(now));
		EXPECT_EQ((addr >> PAGE_SHIFT) + i, now->index);
		EXPECT_TRUE(pte_write(pm_entry(self->pid, addr + i * PAGE_SIZE, &(bool){0})));
		EXPECT_EQ(1, folio_mapcount(now));
		EXPECT_SETTLED(self->pid, addr + i * PAGE_SIZE);
		/* The old frame went back to the allocator. */
		EXPECT_EQ(0, page_ref_count(pfn_to_page(old_pfn[i])));
		EXPECT_TRUE(pm_check_tag(self->pid, addr + i * PAGE_SIZE, 10 + i));
	}
	/* Still writable through the new mapping. */
	ASSERT_EQ(0, pm_write_tag(self->pid, addr, 99));
	EXPECT_TRUE(pm_check_tag(self->pid, addr, 99));
}

TEST_F(fm, page_cache_folio_slot_replaced)
{
	unsigned long addr, fp0 = global_node_page_state(NR_FILE_PAGES), old_pfn;
	static char want[PAGE_SIZE];
	struct folio *old, *now;
	unsigned int succ = 0;
	struct file *file;
	LIST_HEAD(list);
	int fid;
	char c;

	fid = pagemig_file_create("pc", 4 * PAGE_SIZE, 77, NULL);
	ASSERT_LE(0, fid);
	file = pm_file(fid);
	/* Read page 1 in through a mapping, then unmap: cached, unmapped. */
	ASSERT_EQ(0, pagemig_mmap_file(self->pid, fid, 4 * PAGE_SIZE, 0, 0, &addr));
	ASSERT_EQ(0, pagemig_access(self->pid, addr + PAGE_SIZE, &c, 1, false));
	ASSERT_EQ(0, pagemig_munmap(self->pid, addr));
	old = filemap_get_folio(&file->mapping, 1);
	ASSERT_NOT_NULL(old);
	old_pfn = folio_pfn(old);
	ASSERT_TRUE(isolate_folio_to_list(old, &list));
	folio_put(old);
	EXPECT_EQ(1, global_node_page_state(NR_ISOLATED_FILE));

	EXPECT_EQ(0, migrate_list(&list, ZONE_DMA32, variant->mode, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_EQ(0, page_ref_count(pfn_to_page(old_pfn)));
	EXPECT_NULL(pfn_to_page(old_pfn)->mapping);

	now = filemap_get_folio(&file->mapping, 1);
	ASSERT_NOT_NULL(now);
	EXPECT_NE(old_pfn, folio_pfn(now));
	EXPECT_EQ(ZONE_DMA32, page_zonenum(&now->page));
	EXPECT_EQ(&file->mapping, folio_mapping(now));
	EXPECT_EQ(1, now->index);
	EXPECT_TRUE(folio_test_uptodate(now));
	EXPECT_TRUE(folio_test_lru(now));
	EXPECT_FALSE(folio_test_swapbacked(now));
	EXPECT_EQ(2, folio_ref_count(now));		/* cache + ours */
	file_read_page(file, 1, want);
	EXPECT_EQ(0, memcmp(folio_address(now), want, PAGE_SIZE));
	folio_put(now);
	EXPECT_EQ(1, atomic_long_read(&file->mapping.nrpages));
	EXPECT_EQ(fp0 + 1, global_node_page_state(NR_FILE_PAGES));

	/* A new mapping faults the migrated folio in. */
	ASSERT_EQ(0, pagemig_mmap_file(self->pid, fid, 4 * PAGE_SIZE, 0, 0, &addr));
	ASSERT_EQ(0, pagemig_access(self->pid, addr + PAGE_SIZE, &c, 1, false));
	EXPECT_EQ(now, pm_folio(self->pid, addr + PAGE_SIZE));
}

TEST_F(fm, shared_file_folio_both_processes_see_new_frame)
{
	unsigned long a1, a2, old_pfn, fm0;
	struct folio *old, *now;
	unsigned int succ = 0;
	LIST_HEAD(list);
	int p2 = pagemig_process_create(), fid;

	ASSERT_LE(0, p2);
	fid = pagemig_file_create("sh", 2 * PAGE_SIZE, 5, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_file(self->pid, fid, 2 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &a1));
	ASSERT_EQ(0, pagemig_mmap_file(p2, fid, 2 * PAGE_SIZE, 0, PAGEMIG_MAP_SHARED, &a2));
	ASSERT_EQ(0, pm_write_tag(self->pid, a1, 4242));
	ASSERT_TRUE(pm_check_tag(p2, a2, 4242));
	fm0 = global_node_page_state(NR_FILE_MAPPED);
	old = pm_isolate(p2, a2, &list);
	ASSERT_NOT_NULL(old);
	old_pfn = folio_pfn(old);

	EXPECT_EQ(0, migrate_list(&list, ZONE_NORMAL, variant->mode, &succ));
	EXPECT_EQ(1, succ);
	now = pm_folio(self->pid, a1);
	ASSERT_NOT_NULL(now);
	EXPECT_NE(old_pfn, folio_pfn(now));
	EXPECT_EQ(now, pm_folio(p2, a2));
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(&now->page));
	EXPECT_EQ(2, folio_mapcount(now));
	EXPECT_TRUE(folio_test_dirty(now));	/* the write's dirt came along */
	EXPECT_EQ(fm0, global_node_page_state(NR_FILE_MAPPED));
	EXPECT_TRUE(pte_write(pm_entry(self->pid, a1, &(bool){0})));
	EXPECT_FALSE(pte_write(pm_entry(p2, a2, &(bool){0})));
	EXPECT_SETTLED(self->pid, a1);
	EXPECT_EQ(0, page_ref_count(pfn_to_page(old_pfn)));
	EXPECT_TRUE(pm_check_tag(self->pid, a1, 4242));
	EXPECT_TRUE(pm_check_tag(p2, a2, 4242));
	/* A write through one mapping shows through the other. */
	ASSERT_EQ(0, pm_write_tag(self->pid, a1, 4343));
	EXPECT_TRUE(pm_check_tag(p2, a2, 4343));
	ASSERT_EQ(0, pagemig_process_exit(p2));
}

TEST_F(fm, thp_moves_whole)
{
	unsigned long h, old_pfn, thp0, s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long t0 = pagemig_vmstat("thp_migration_success");
	struct folio *old, *now;
	unsigned int succ = 0;
	LIST_HEAD(list);
	bool huge;
	int i;

	ASSERT_EQ(0, pagemig_mmap_anon(self->pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	for (i = 0; i < (int)HPAGE_PMD_NR; i += 51)
		ASSERT_EQ(0, pm_write_tag(self->pid, h + i * PAGE_SIZE, 1000 + i));
	old = pm_folio(self->pid, h);
	ASSERT_NOT_NULL(old);
	ASSERT_EQ(HPAGE_PMD_ORDER, folio_order(old));
	thp0 = global_node_page_state(NR_ANON_THPS);
	old_pfn = folio_pfn(old);
	ASSERT_EQ(old, pm_isolate(self->pid, h + 77 * PAGE_SIZE, &list));
	EXPECT_EQ(HPAGE_PMD_NR, global_node_page_state(NR_ISOLATED_ANON));

	EXPECT_EQ(0, migrate_list(&list, ZONE_NORMAL, variant->mode, &succ));
	EXPECT_EQ(HPAGE_PMD_NR, succ);
	EXPECT_EQ(HPAGE_PMD_NR, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_EQ(1, pagemig_vmstat("thp_migration_success") - t0);
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_TRUE(pmd_trans_huge(pm_entry(self->pid, h + 300 * PAGE_SIZE, &huge)));
	EXPECT_TRUE(huge);
	now = pm_folio(self->pid, h + 300 * PAGE_SIZE);
	ASSERT_NOT_NULL(now);
	EXPECT_NE(old_pfn, folio_pfn(now));
	EXPECT_EQ(HPAGE_PMD_ORDER, folio_order(now));
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(&now->page));
	EXPECT_EQ(1, folio_mapcount(now));
	EXPECT_EQ(thp0, global_node_page_state(NR_ANON_THPS));
	EXPECT_SETTLED(self->pid, h);
	EXPECT_EQ(0, page_ref_count(pfn_to_page(old_pfn)));
	for (i = 0; i < (int)HPAGE_PMD_NR; i += 51)
		EXPECT_TRUE(pm_check_tag(self->pid, h + i * PAGE_SIZE, 1000 + i));
}

TEST_F(fm, extra_reference_fails_with_data_intact)
{
	unsigned long addr, pfn, f0 = pagemig_vmstat("pgmigrate_fail");
	struct folio *folio;
	unsigned int succ = 1;
	LIST_HEAD(list);

	ASSERT_EQ(0, pagemig_mmap_anon(self->pid, 2 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	ASSERT_EQ(0, pm_write_tag(self->pid, addr, 31));
	folio = pm_isolate(self->pid, addr, &list);
	ASSERT_NOT_NULL(folio);
	pfn = folio_pfn(folio);
	folio_get(folio);		/* somebody else's reference */

	EXPECT_EQ(1, migrate_list(&list, ZONE_NORMAL, variant->mode, &succ));
	EXPECT_EQ(0, succ);
	ASSERT_FALSE(list_empty(&list));
	EXPECT_EQ(folio, list_first_entry(&list, struct folio, lru));
	EXPECT_EQ(1, pagemig_vmstat("pgmigrate_fail") - f0);
	/* Mapped again at the same frame, still isolated until putback. */
	EXPECT_EQ(pfn, pte_pfn(pm_entry(self->pid, addr, &(bool){0})));
	EXPECT_TRUE(pte_present(pm_entry(self->pid, addr, &(bool){0})));
	EXPECT_FALSE(folio_test_lru(folio));
	EXPECT_FALSE(folio_test_locked(folio));
	EXPECT_EQ(1, global_node_page_state(NR_ISOLATED_ANON));
	putback_movable_pages(&list);
	EXPECT_TRUE(list_empty(&list));
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_TRUE(folio_test_lru(folio));
	folio_put(folio);
	EXPECT_SETTLED(self->pid, addr);
	EXPECT_TRUE(pm_check_tag(self->pid, addr, 31));
	/* Every destination allocated was given back (the invariants check). */
	EXPECT_LE(1, pm_nr_dst_allocs);
}

/*
 * Destinations for thp_split_pieces_that_fail_stay_on_the_list: none of
 * THP size (so the THP splits), and every 64th piece gets an extra
 * reference before its destination comes, so its move fails.
 */
static struct folio *held[HPAGE_PMD_NR];
static unsigned int nr_held, nr_pieces;

static struct folio *alloc_no_thp_hold_some(struct folio *src, unsigned long zone)
{
	if (folio_test_large(src))
		return NULL;
	if (nr_pieces++ % 64 == 0) {
		folio_get(src);
		held[nr_held++] = src;
	}
	return pm_alloc_in_zone(src, zone);
}

/*
 * The ret-list contract when a THP splits: no destination of THP size,
 * the THP splits and its pieces get one pass; pieces that cannot move
 * stay on the list, and then the return value is not 0 -- callers put
 * back only when it is not (kernel: the THP counts as one failure
 * before the split is tried).
 */
TEST_F(fm, thp_split_pieces_that_fail_stay_on_the_list)
{
	unsigned long h, f0 = pagemig_vmstat("thp_migration_fail");
	unsigned long sp0 = pagemig_vmstat("thp_migration_split");
	unsigned int succ = 0, i;
	LIST_HEAD(list);
	int ret;

	ASSERT_EQ(0, pagemig_mmap_anon(self->pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	for (i = 0; i < HPAGE_PMD_NR; i += 32)
		ASSERT_EQ(0, pm_write_tag(self->pid, h + i * PAGE_SIZE, 2000 + i));
	ASSERT_EQ(HPAGE_PMD_ORDER, folio_order(pm_folio(self->pid, h)));
	ASSERT_NOT_NULL(pm_isolate(self->pid, h, &list));
	nr_held = nr_pieces = 0;

	ret = migrate_pages(&list, alloc_no_thp_hold_some, NULL, ZONE_NORMAL,
			    variant->mode, MR_COMPACTION, &succ);
	EXPECT_EQ(1, pagemig_vmstat("thp_migration_split") - sp0);
	EXPECT_EQ(1, pagemig_vmstat("thp_migration_fail") - f0);
	EXPECT_LT(0, nr_held);
	EXPECT_EQ(HPAGE_PMD_NR - nr_held, succ);
	/* Pieces are left: the return value must say so. */
	EXPECT_FALSE(list_empty(&list));
	EXPECT_LT(0, ret);
	if (ret)
		putback_movable_pages(&list);
	EXPECT_TRUE(list_empty(&list));
	EXPECT_EQ(0, pm_nr_isolated());
	for (i = 0; i < nr_held; i++)
		folio_put(held[i]);
	for (i = 0; i < HPAGE_PMD_NR; i += 32)
		EXPECT_TRUE(pm_check_tag(self->pid, h + i * PAGE_SIZE, 2000 + i));
	for (i = 0; i < HPAGE_PMD_NR; i += 17)
		EXPECT_SETTLED(self->pid, h + i * PAGE_SIZE);
}

/*
 * Fault loop: fail @point at its Nth hit for N = 1, 2, ... until a
 * migration of anon, file and shared folios goes through without it
 * firing; after every attempt everything is mapped, settled and intact.
 */
static void fault_loop(struct __test_metadata *_metadata, int pid, const char *point,
		       enum migrate_mode mode)
{
	unsigned long a, f, nth;
	int fid, i, n_attempts = 0;
	LIST_HEAD(list);

	ASSERT_EQ(0, pagemig_mmap_anon(pid, 3 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
	fid = pagemig_file_create("fl", 2 * PAGE_SIZE, 8, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 2 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &f));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pm_write_tag(pid, a + i * PAGE_SIZE, 500 + i));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pm_write_tag(pid, f + i * PAGE_SIZE, 600 + i));

	for (nth = 1; nth < 200; nth++) {
		unsigned long hits, moved = 0;
		unsigned int succ = 0;
		int ret;

		ASSERT_EQ(0, pagemig_fault_arm(point, nth, 1));
		for (i = 0; i < 3; i++)
			pm_isolate(pid, a + i * PAGE_SIZE, &list);
		for (i = 0; i < 2; i++)
			pm_isolate(pid, f + i * PAGE_SIZE, &list);
		ret = list_empty(&list) ? 0 :
		      migrate_pages(&list, pm_alloc_in_zone, NULL,
				    n_attempts % 2 ? ZONE_NORMAL : ZONE_DMA32,
				    mode, MR_COMPACTION, &succ);
		hits = pagemig_fault_hits(point);
		pagemig_fault_disarm_all();
		if (ret)
			putback_movable_pages(&list);
		ASSERT_TRUE(list_empty(&list));
		n_attempts++;

		EXPECT_EQ(0, pm_nr_isolated());
		for (i = 0; i < 3; i++) {
			EXPECT_SETTLED(pid, a + i * PAGE_SIZE);
			EXPECT_TRUE(pm_check_tag(pid, a + i * PAGE_SIZE, 500 + i));
		}
		for (i = 0; i < 2; i++) {
			EXPECT_SETTLED(pid, f + i * PAGE_SIZE);
			EXPECT_TRUE(pm_check_tag(pid, f + i * PAGE_SIZE, 600 + i));
		}
		mm_check_invariants(false);
		moved = succ;
		if (!hits) {
			/* The failure point was never reached: all five moved. */
			EXPECT_EQ(0, ret);
			EXPECT_EQ(5, moved);
			break;
		}
		if (_metadata->failed)
			break;
	}
	EXPECT_LT(1, n_attempts);	/* the point was hit at least once */
	EXPECT_GT(200, nth);
}

TEST_F(fm, fault_loop_migrate_alloc)
{
	fault_loop(_metadata, self->pid, "migrate_alloc", variant->mode);
}

TEST_F(fm, fault_loop_migrate_unmap)
{
	fault_loop(_metadata, self->pid, "migrate_unmap", variant->mode);
}

TEST_F(fm, fault_loop_migrate_move)
{
	fault_loop(_metadata, self->pid, "migrate_move", variant->mode);
}

TEST_F(fm, fault_loop_isolate_lru)
{
	fault_loop(_metadata, self->pid, "isolate_lru", variant->mode);
}

/* ---- compaction with processes ---- */

MM_FIXTURE(fc, 32 * SZ_1M, 8 * SZ_1M, 0, 2)

#define FC_PAGES	(20 * 256)	/* 20 MiB of the 32 */

TEST_F(fc, compaction_after_madvise_moves_folios_and_keeps_data)
{
	unsigned long addr, i, s0, free9_before, free9_after, nr_pins = 0;
	unsigned long pinned_pfn[8];
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, FC_PAGES * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	for (i = 0; i < FC_PAGES; i++)
		ASSERT_EQ(0, pm_write_tag(pid, addr + i * PAGE_SIZE, i));
	for (i = 1; i < FC_PAGES; i += 2)
		ASSERT_EQ(0, pagemig_madvise_dontneed(pid, addr + i * PAGE_SIZE, PAGE_SIZE));
	/* Pin a few survivors in the first block: they must stay put. */
	for (i = 0; i < 8; i++) {
		unsigned long a = addr + (i * 64) * PAGE_SIZE;

		ASSERT_EQ(0, pagemig_pin(pid, a, 1, true));
		pinned_pfn[nr_pins++] = folio_pfn(pm_folio(pid, a));
	}
	drain_all_pages(NULL);
	free9_before = pm_free_order9();
	s0 = pagemig_vmstat("pgmigrate_success");

	ASSERT_EQ(0, pagemig_compact(-1));
	drain_all_pages(NULL);
	free9_after = pm_free_order9();
	TH_LOG("order-9 blocks %lu -> %lu, %lu migrated", free9_before, free9_after,
	       pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_LT(0, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_LT(free9_before + 1, free9_after);
	EXPECT_EQ(0, pm_nr_isolated());
	for (i = 0; i < FC_PAGES; i += 2) {
		if (!pm_check_tag(pid, addr + i * PAGE_SIZE, i)) {
			FAIL("page %lu lost its tag", i);
			break;
		}
	}
	for (i = 0; i < nr_pins; i++)
		EXPECT_EQ(pinned_pfn[i], folio_pfn(pm_folio(pid, addr + (i * 64) * PAGE_SIZE)));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(fc, compaction_after_interleaved_munmap_anon_and_file)
{
	unsigned long addr[64], faddr, i, j, s0, free9_before;
	int pid = pagemig_process_create(), fid;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("cf", 1024 * PAGE_SIZE, 4, NULL);
	ASSERT_LE(0, fid);
	/* 64 mappings of 64 pages, tagged; a shared file mapping in between. */
	for (j = 0; j < 64; j++) {
		ASSERT_EQ(0, pagemig_mmap_anon(pid, 64 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr[j]));
		for (i = 0; i < 64; i++)
			ASSERT_EQ(0, pm_write_tag(pid, addr[j] + i * PAGE_SIZE, j * 64 + i));
		if (j == 31) {
			ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 1024 * PAGE_SIZE, 0,
					PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &faddr));
			for (i = 0; i < 1024; i++)
				ASSERT_EQ(0, pm_write_tag(pid, faddr + i * PAGE_SIZE, 1 << 20 | i));
		}
	}
	for (j = 1; j < 64; j += 2)
		ASSERT_EQ(0, pagemig_munmap(pid, addr[j]));
	drain_all_pages(NULL);
	free9_before = pm_free_order9();
	s0 = pagemig_vmstat("pgmigrate_success");
	ASSERT_EQ(0, pagemig_compact(-1));
	drain_all_pages(NULL);
	EXPECT_LT(0, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_LE(free9_before, pm_free_order9());
	for (j = 0; j < 64; j += 2)
		for (i = 0; i < 64; i++)
			if (!pm_check_tag(pid, addr[j] + i * PAGE_SIZE, j * 64 + i))
				FAIL("mapping %lu page %lu lost its tag", j, i);
	for (i = 0; i < 1024; i++)
		if (!pm_check_tag(pid, faddr + i * PAGE_SIZE, 1 << 20 | i))
			FAIL("file page %lu lost its tag", i);
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}
