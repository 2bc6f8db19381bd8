// SPDX-License-Identifier: GPL-2.0
/*
 * mm/rmap.c: mapcounts of a file folio mapped by two processes and of an
 * anonymous THP; rmap_walk() finding every mapping; try_to_migrate()
 * replacing them by migration entries, a CPU touching the page waiting
 * for the folio lock, remove_migration_ptes() restoring them; and
 * folio_expected_ref_count() (patch 25: a typed page warns and counts 0)
 * for anonymous, file, shared and THP folios.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_rmap
 */
#include <pthread.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

MM_FIXTURE(rmap, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

struct walk_rec {
	int n;
	struct mm_struct *mm[4];
	unsigned long addr[4];
};

static bool record_one(struct folio *folio, struct vm_area_struct *vma,
		       unsigned long address, void *arg)
{
	struct walk_rec *r = arg;

	if (r->n < 4) {
		r->mm[r->n] = vma->vm_mm;
		r->addr[r->n] = address;
	}
	r->n++;
	return true;
}

static bool stop_after_one(struct folio *folio, struct vm_area_struct *vma,
			   unsigned long address, void *arg)
{
	(*(int *)arg)++;
	return false;
}

/* Two processes map page 2 of one file shared, at different addresses. */
struct two {
	int p1, p2, fid;
	unsigned long a1, a2;
	struct folio *folio;
};

static void two_up(struct __test_metadata *_metadata, struct two *t)
{
	t->p1 = pagemig_process_create();
	t->p2 = pagemig_process_create();
	ASSERT_LE(0, t->p1);
	ASSERT_LE(0, t->p2);
	t->fid = pagemig_file_create("f", 8 * PAGE_SIZE, 3, NULL);
	ASSERT_LE(0, t->fid);
	/* p2 has an anonymous mapping first, so the addresses differ. */
	ASSERT_EQ(0, pagemig_mmap_anon(t->p2, 3 * PAGE_SIZE, 0, &t->a2));
	ASSERT_EQ(0, pagemig_mmap_file(t->p1, t->fid, 8 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &t->a1));
	ASSERT_EQ(0, pagemig_mmap_file(t->p2, t->fid, 4 * PAGE_SIZE, 2 * PAGE_SIZE,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &t->a2));
	t->a1 += 2 * PAGE_SIZE;		/* file page 2 in both */
	ASSERT_NE(t->a1, t->a2);
	ASSERT_EQ(0, pm_write_tag(t->p1, t->a1, 2222));
	ASSERT_TRUE(pm_check_tag(t->p2, t->a2, 2222));
	t->folio = pm_folio(t->p1, t->a1);
	ASSERT_NOT_NULL(t->folio);
	ASSERT_EQ(t->folio, pm_folio(t->p2, t->a2));
}

static void two_down(struct __test_metadata *_metadata, struct two *t)
{
	ASSERT_EQ(0, pagemig_process_exit(t->p1));
	ASSERT_EQ(0, pagemig_process_exit(t->p2));
	pm_files_drop();
}

TEST_F(rmap, file_folio_mapped_twice_mapcount_and_walk)
{
	struct two t;
	struct walk_rec r = { 0 };
	int n = 0;

	two_up(_metadata, &t);
	EXPECT_EQ(2, folio_mapcount(t.folio));
	EXPECT_TRUE(folio_mapped(t.folio));
	EXPECT_EQ(3, folio_ref_count(t.folio));		/* cache + 2 mappings */
	EXPECT_EQ(3, folio_expected_ref_count(t.folio));
	EXPECT_EQ(&pm_file(t.fid)->mapping, folio_mapping(t.folio));

	folio_lock(t.folio);
	rmap_walk(t.folio, record_one, &r);
	rmap_walk(t.folio, stop_after_one, &n);
	folio_unlock(t.folio);
	ASSERT_EQ(2, r.n);
	EXPECT_EQ(1, n);	/* a callback returning false ends the walk */
	EXPECT_TRUE((r.mm[0] == pm_mm(t.p1) && r.addr[0] == t.a1 &&
		     r.mm[1] == pm_mm(t.p2) && r.addr[1] == t.a2) ||
		    (r.mm[1] == pm_mm(t.p1) && r.addr[1] == t.a1 &&
		     r.mm[0] == pm_mm(t.p2) && r.addr[0] == t.a2));

	/* One process unmaps: one left, the walk finds only it. */
	ASSERT_EQ(0, pagemig_munmap(t.p1, t.a1 - 2 * PAGE_SIZE));
	EXPECT_EQ(1, folio_mapcount(t.folio));
	EXPECT_EQ(2, folio_ref_count(t.folio));
	r.n = 0;
	folio_lock(t.folio);
	rmap_walk(t.folio, record_one, &r);
	folio_unlock(t.folio);
	EXPECT_EQ(1, r.n);
	EXPECT_EQ(pm_mm(t.p2), r.mm[0]);
	two_down(_metadata, &t);
}

struct toucher {
	int pid;
	unsigned long addr;
	uint64_t tag;
	int done;	/* 1: the access returned */
	int ok;
};

static void *touch(void *arg)
{
	struct toucher *th = arg;
	uint64_t buf[PAGE_SIZE / 8];

	set_cpu_id(1);
	th->ok = !pagemig_access(th->pid, th->addr, buf, PAGE_SIZE, false) &&
		 pm_tag_ok(buf, th->tag);
	__atomic_store_n(&th->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(rmap, try_to_migrate_blocks_access_until_unlock)
{
	unsigned long fm0;
	struct toucher th;
	pthread_t tid;
	struct two t;
	uint64_t e1, e2;
	bool huge;
	int i;

	two_up(_metadata, &t);
	fm0 = global_node_page_state(NR_FILE_MAPPED);
	folio_get(t.folio);		/* as isolation would */
	folio_lock(t.folio);
	try_to_migrate(t.folio);
	EXPECT_FALSE(folio_mapped(t.folio));
	EXPECT_EQ(0, folio_mapcount(t.folio));
	EXPECT_EQ(2, folio_ref_count(t.folio));	/* cache + ours */
	EXPECT_EQ(1, folio_expected_ref_count(t.folio));
	EXPECT_EQ(fm0 - 1, global_node_page_state(NR_FILE_MAPPED));
	EXPECT_TRUE(folio_test_dirty(t.folio));	/* the PTE's dirty bit moved over */
	e1 = pm_entry(t.p1, t.a1, &huge);
	e2 = pm_entry(t.p2, t.a2, &huge);
	EXPECT_TRUE(is_migration_entry(e1));
	EXPECT_TRUE(is_migration_entry(e2));
	EXPECT_EQ(folio_pfn(t.folio), pte_pfn(e1));
	EXPECT_EQ(folio_pfn(t.folio), pte_pfn(e2));
	EXPECT_TRUE(pte_write(e1));		/* write permission remembered */

	/* A CPU touching the page waits for the folio lock. */
	th = (struct toucher){ .pid = t.p2, .addr = t.a2, .tag = 2222 };
	ASSERT_EQ(0, pagemig_thread_create(&tid, "touch", touch, &th));
	for (i = 0; i < 20; i++) {
		test_usleep(5000);
		EXPECT_EQ(0, __atomic_load_n(&th.done, __ATOMIC_ACQUIRE));
	}
	remove_migration_ptes(t.folio, t.folio);
	EXPECT_EQ(0, __atomic_load_n(&th.done, __ATOMIC_ACQUIRE));
	folio_unlock(t.folio);
	pagemig_thread_join(tid, NULL);
	EXPECT_EQ(1, th.done);
	EXPECT_EQ(1, th.ok);

	/* Both mappings back, same frame, same permissions. */
	EXPECT_EQ(2, folio_mapcount(t.folio));
	EXPECT_EQ(4, folio_ref_count(t.folio));
	folio_put(t.folio);
	EXPECT_EQ(folio_expected_ref_count(t.folio), folio_ref_count(t.folio));
	EXPECT_EQ(fm0, global_node_page_state(NR_FILE_MAPPED));
	e1 = pm_entry(t.p1, t.a1, &huge);
	EXPECT_TRUE(pte_present(e1));
	EXPECT_TRUE(pte_write(e1));
	EXPECT_EQ(folio_pfn(t.folio), pte_pfn(e1));
	EXPECT_EQ(t.folio, pm_folio(t.p2, t.a2));
	EXPECT_TRUE(pm_check_tag(t.p1, t.a1, 2222));
	ASSERT_EQ(0, pm_write_tag(t.p2, t.a2, 3333));
	EXPECT_TRUE(pm_check_tag(t.p1, t.a1, 3333));
	two_down(_metadata, &t);
}

TEST_F(rmap, anon_and_thp_walk_and_migration_entries)
{
	unsigned long a, h, thp0 = global_node_page_state(NR_ANON_THPS);
	struct folio *small, *thp;
	struct walk_rec r = { 0 };
	uint64_t e;
	bool huge;
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	ASSERT_EQ(0, pm_write_tag(pid, a + PAGE_SIZE, 1));
	ASSERT_EQ(0, pm_write_tag(pid, h + 5 * PAGE_SIZE, 5));
	small = pm_folio(pid, a + PAGE_SIZE);
	thp = pm_folio(pid, h);
	ASSERT_NOT_NULL(small);
	ASSERT_NOT_NULL(thp);
	ASSERT_EQ(HPAGE_PMD_ORDER, folio_order(thp));

	EXPECT_EQ(1, folio_mapcount(small));
	EXPECT_EQ(1, folio_mapcount(thp));
	EXPECT_EQ(1, folio_expected_ref_count(small));
	EXPECT_EQ(1, folio_expected_ref_count(thp));
	EXPECT_EQ(folio_ref_count(small), folio_expected_ref_count(small));
	EXPECT_EQ(folio_ref_count(thp), folio_expected_ref_count(thp));
	EXPECT_NULL(folio_mapping(small));	/* anon: tag bit set */

	folio_lock(small);
	rmap_walk(small, record_one, &r);
	folio_unlock(small);
	ASSERT_EQ(1, r.n);
	EXPECT_EQ(a + PAGE_SIZE, r.addr[0]);
	r.n = 0;
	folio_lock(thp);
	rmap_walk(thp, record_one, &r);
	folio_unlock(thp);
	ASSERT_EQ(1, r.n);
	EXPECT_EQ(h, r.addr[0]);

	/* The THP's PMD becomes one migration entry and comes back. */
	folio_get(thp);
	folio_lock(thp);
	try_to_migrate(thp);
	EXPECT_FALSE(folio_mapped(thp));
	EXPECT_EQ(0, folio_expected_ref_count(thp));
	EXPECT_EQ(thp0, global_node_page_state(NR_ANON_THPS));
	e = pm_entry(pid, h + 100 * PAGE_SIZE, &huge);
	EXPECT_TRUE(huge);
	EXPECT_TRUE(is_migration_entry(e));
	EXPECT_EQ(folio_pfn(thp), pte_pfn(e));
	remove_migration_ptes(thp, thp);
	folio_unlock(thp);
	folio_put(thp);
	e = pm_entry(pid, h + 100 * PAGE_SIZE, &huge);
	EXPECT_TRUE(huge);
	EXPECT_TRUE(pmd_trans_huge(e));
	EXPECT_EQ(1, folio_mapcount(thp));
	EXPECT_EQ(1, folio_ref_count(thp));
	EXPECT_EQ(thp0 + HPAGE_PMD_NR, global_node_page_state(NR_ANON_THPS));
	EXPECT_TRUE(pm_check_tag(pid, h + 5 * PAGE_SIZE, 5));
	ASSERT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(rmap, expected_ref_count_file_unmapped_and_typed)
{
	struct folio *folio, *table;
	unsigned long addr;
	int pid = pagemig_process_create(), fid;
	char c;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("f", 2 * PAGE_SIZE, 1, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 2 * PAGE_SIZE, 0, 0, &addr));
	ASSERT_EQ(0, pagemig_access(pid, addr, &c, 1, false));
	folio = pm_folio(pid, addr);
	ASSERT_NOT_NULL(folio);
	EXPECT_EQ(2, folio_expected_ref_count(folio));
	ASSERT_EQ(0, pagemig_munmap(pid, addr));
	/* Only the page cache's reference now. */
	EXPECT_EQ(1, folio_expected_ref_count(folio));
	EXPECT_EQ(1, folio_ref_count(folio));
	/* PG_private counts one more. */
	folio_set_private(folio);
	EXPECT_EQ(2, folio_expected_ref_count(folio));
	folio_clear_private(folio);

	/* A typed page (a page table) warns once and counts 0 (patch 25). */
	table = pfn_folio(pm_mm(pid)->pgd);
	ASSERT_TRUE(PageTable(&table->page));
	mm_expect_warnings(1);
	EXPECT_EQ(0, folio_expected_ref_count(table));
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}

/* Migrate the folio mapped at @addr to the other zone; true if it moved. */
static bool move_folio_at(int pid, unsigned long addr)
{
	struct folio *before = pm_folio(pid, addr);

	return pm_migrate_to(pid, addr, page_zonenum(&before->page) == ZONE_NORMAL ?
			     ZONE_MOVABLE : ZONE_NORMAL) &&
	       pm_folio(pid, addr) != before;
}

/*
 * munmap(2) of a part of mappings (pagemig_munmap_range()): an anon and
 * a file mapping are cut in the middle and at an edge; what is left
 * keeps its data, stays where rmap finds it (its folios migrate and are
 * mapped back at the right addresses -- the file part at the right file
 * offset), the unmapped part faults as unmapped, and a THP mapping is
 * refused a cut inside a 2 MiB block.
 */
TEST_F(rmap, munmap_range_splits_mappings)
{
	unsigned long a, f, h, i;
	struct pagemig_process_stats st;
	int pid = pagemig_process_create(), fid;
	char byte;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("cut", 16 * PAGE_SIZE, 7, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 16 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 16 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &f));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 2 * SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &h));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, pm_write_tag(pid, a + i * PAGE_SIZE, 100 + i));
		ASSERT_EQ(0, pm_write_tag(pid, f + i * PAGE_SIZE, 200 + i));
	}
	ASSERT_EQ(0, pm_write_tag(pid, h, 300));
	ASSERT_EQ(0, pm_write_tag(pid, h + SZ_2M, 301));

	/* Anon: pages 4..7 go; file: the last 4 pages go. */
	ASSERT_EQ(0, pagemig_munmap_range(pid, a + 4 * PAGE_SIZE, 4 * PAGE_SIZE));
	ASSERT_EQ(0, pagemig_munmap_range(pid, f + 12 * PAGE_SIZE, 4 * PAGE_SIZE));
	ASSERT_EQ(0, pagemig_process_stats(pid, &st));
	EXPECT_EQ(4, st.nr_vmas);	/* anon x2, file, THP */
	for (i = 0; i < 16; i++) {
		int ret = pagemig_access(pid, a + i * PAGE_SIZE, &byte, 1, false);

		EXPECT_EQ(i >= 4 && i < 8 ? -EFAULT : 0, ret);
		ret = pagemig_access(pid, f + i * PAGE_SIZE, &byte, 1, false);
		EXPECT_EQ(i >= 12 ? -EFAULT : 0, ret);
	}
	/* What is left migrates and is found at the right place again. */
	for (i = 0; i < 16; i++) {
		if (i < 4 || i >= 8) {
			EXPECT_TRUE(move_folio_at(pid, a + i * PAGE_SIZE));
			EXPECT_TRUE(pm_check_tag(pid, a + i * PAGE_SIZE, 100 + i));
		}
		if (i < 12) {
			EXPECT_TRUE(move_folio_at(pid, f + i * PAGE_SIZE));
			EXPECT_TRUE(pm_check_tag(pid, f + i * PAGE_SIZE, 200 + i));
		}
	}
	/* THP mapping: not inside a 2 MiB block, but at its boundary. */
	EXPECT_EQ(-EINVAL, pagemig_munmap_range(pid, h + PAGE_SIZE, PAGE_SIZE));
	EXPECT_TRUE(pm_check_tag(pid, h, 300));
	EXPECT_EQ(0, pagemig_munmap_range(pid, h + SZ_2M, SZ_2M));
	EXPECT_TRUE(pm_check_tag(pid, h, 300));
	EXPECT_EQ(-EFAULT, pagemig_access(pid, h + SZ_2M, &byte, 1, false));
	/* Bad ranges. */
	EXPECT_EQ(-EINVAL, pagemig_munmap_range(pid, a + 1, PAGE_SIZE));
	EXPECT_EQ(-EINVAL, pagemig_munmap_range(pid, a, 0));
	EXPECT_EQ(-ESRCH, pagemig_munmap_range(PAGEMIG_MAX_PROCS - 1, a, PAGE_SIZE));
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}
