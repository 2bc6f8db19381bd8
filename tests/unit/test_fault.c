// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory.c faults, through the facade: anonymous read and write
 * faults zero-fill and count pgfault; a VM_HUGEPAGE mapping gets an
 * order-9 folio under one PMD (thp_fault_alloc, nr_anon_transparent_
 * hugepages) or small pages when no order-9 block is left
 * (thp_fault_fallback); file faults read the generator's content or a
 * real file's bytes; shared writes reach the page cache and other
 * processes; private writes copy (the page cache keeps the file's
 * bytes); writes to read-only mappings fail with -EFAULT; page tables
 * are counted in nr_page_table_pages and freed at exit; rss per process.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_fault
 */
#include <stdlib.h>
#include <unistd.h>

#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

/* DMA32 8 MiB, Normal 16 MiB, Movable 8 MiB. */
MM_FIXTURE(flt, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

static void stats(struct __test_metadata *_metadata, int pid,
		  struct pagemig_process_stats *st)
{
	ASSERT_EQ(0, pagemig_process_stats(pid, st));
}

TEST_F(flt, anon_faults_zero_fill_count_and_free_tables)
{
	unsigned long pt0 = global_node_page_state(NR_PAGETABLE);
	unsigned long f0 = pagemig_vmstat("pgfault"), addr, i;
	struct pagemig_process_stats st;
	static char buf[PAGE_SIZE];
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	stats(_metadata, pid, &st);
	EXPECT_EQ(1, st.nr_ptes);		/* the PGD */
	EXPECT_EQ(pt0 + 1, global_node_page_state(NR_PAGETABLE));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 16 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &addr));
	EXPECT_EQ(0, pagemig_vmstat("pgfault") - f0);	/* mmap faults nothing in */
	EXPECT_NULL(pm_folio(pid, addr));

	/* A read fault: one zeroed folio, one fault, PUD + PMD + PTE tables. */
	memset(buf, 0xaa, sizeof(buf));
	ASSERT_EQ(0, pagemig_access(pid, addr + 3 * PAGE_SIZE, buf, PAGE_SIZE, false));
	for (i = 0; i < PAGE_SIZE; i++)
		if (buf[i])
			break;
	EXPECT_EQ(PAGE_SIZE, i);
	EXPECT_EQ(1, pagemig_vmstat("pgfault") - f0);
	stats(_metadata, pid, &st);
	EXPECT_EQ(1, st.rss_anon);
	EXPECT_EQ(0, st.rss_file);
	EXPECT_EQ(4, st.nr_ptes);
	EXPECT_EQ(pt0 + 4, global_node_page_state(NR_PAGETABLE));
	{
		struct folio *folio = pm_folio(pid, addr + 3 * PAGE_SIZE);

		ASSERT_NOT_NULL(folio);
		EXPECT_TRUE(folio_test_anon(folio));
		EXPECT_TRUE(folio_test_lru(folio));
		EXPECT_TRUE(folio_test_swapbacked(folio));
		EXPECT_EQ(1, folio_mapcount(folio));
		EXPECT_EQ(1, folio_ref_count(folio));
		EXPECT_EQ(ZONE_MOVABLE, page_zonenum(&folio->page));
	}
	/* Read again: mapped, no new fault. */
	ASSERT_EQ(0, pagemig_access(pid, addr + 3 * PAGE_SIZE, buf, 8, false));
	EXPECT_EQ(1, pagemig_vmstat("pgfault") - f0);

	/* Write faults, across a page boundary: two more pages, two faults. */
	memset(buf, 0x5c, sizeof(buf));
	ASSERT_EQ(0, pagemig_access(pid, addr + 5 * PAGE_SIZE + 100, buf, PAGE_SIZE, true));
	EXPECT_EQ(3, pagemig_vmstat("pgfault") - f0);
	stats(_metadata, pid, &st);
	EXPECT_EQ(3, st.rss_anon);
	EXPECT_EQ(4, st.nr_ptes);		/* same PTE table */
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, pagemig_access(pid, addr + 5 * PAGE_SIZE, buf, PAGE_SIZE, false));
	for (i = 0; i < 100; i++)
		EXPECT_EQ(0, buf[i]);
	for (; i < PAGE_SIZE; i++)
		if (buf[i] != 0x5c)
			break;
	EXPECT_EQ(PAGE_SIZE, i);
	EXPECT_TRUE(pm_entry(pid, addr + 5 * PAGE_SIZE, &(bool){0}) & _PAGE_DIRTY);

	/* Dropped with madvise: next read faults in zeroes again. */
	ASSERT_EQ(0, pagemig_madvise_dontneed(pid, addr + 5 * PAGE_SIZE, PAGE_SIZE));
	stats(_metadata, pid, &st);
	EXPECT_EQ(2, st.rss_anon);
	ASSERT_EQ(0, pagemig_access(pid, addr + 5 * PAGE_SIZE + 200, buf, 8, false));
	EXPECT_EQ(0, buf[0]);

	/* Exit frees the pages and every page table. */
	ASSERT_EQ(0, pagemig_process_exit(pid));
	EXPECT_EQ(pt0, global_node_page_state(NR_PAGETABLE));
	EXPECT_EQ(-ESRCH, pagemig_process_exit(pid));
	EXPECT_EQ(-ESRCH, pagemig_access(pid, addr, buf, 1, false));
}

TEST_F(flt, rss_per_process_and_tables_per_region)
{
	unsigned long pt0 = global_node_page_state(NR_PAGETABLE), a, b, i;
	struct pagemig_process_stats st;
	int p1 = pagemig_process_create(), p2 = pagemig_process_create();

	ASSERT_LE(0, p1);
	ASSERT_LE(0, p2);
	/* p1: 3 pages in one mapping; p2: 1 page in each of two 4 MiB apart. */
	ASSERT_EQ(0, pagemig_mmap_anon(p1, 8 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pm_write_tag(p1, a + i * PAGE_SIZE, i));
	ASSERT_EQ(0, pagemig_mmap_anon(p2, 4 * SZ_1M, PAGEMIG_MAP_WRITE, &b));
	ASSERT_EQ(0, pm_write_tag(p2, b, 100));
	ASSERT_EQ(0, pm_write_tag(p2, b + 3 * SZ_1M, 101));

	stats(_metadata, p1, &st);
	EXPECT_EQ(3, st.rss_anon);
	EXPECT_EQ(4, st.nr_ptes);
	EXPECT_EQ(1, st.nr_vmas);
	stats(_metadata, p2, &st);
	EXPECT_EQ(2, st.rss_anon);
	/* PGD, PUD, PMD and a PTE table for each 2 MiB region touched. */
	EXPECT_EQ(5, st.nr_ptes);
	EXPECT_EQ(pt0 + 9, global_node_page_state(NR_PAGETABLE));
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(pm_check_tag(p1, a + i * PAGE_SIZE, i));
	EXPECT_TRUE(pm_check_tag(p2, b, 100));
	EXPECT_TRUE(pm_check_tag(p2, b + 3 * SZ_1M, 101));

	/* munmap drops rss but not the tables (freed at exit, as here). */
	ASSERT_EQ(0, pagemig_munmap(p1, a));
	stats(_metadata, p1, &st);
	EXPECT_EQ(0, st.rss_anon);
	EXPECT_EQ(0, st.nr_vmas);
	EXPECT_EQ(-EFAULT, pagemig_access(p1, a, &i, 1, false));
	ASSERT_EQ(0, pagemig_process_exit(p1));
	ASSERT_EQ(0, pagemig_process_exit(p2));
	EXPECT_EQ(pt0, global_node_page_state(NR_PAGETABLE));
}

TEST_F(flt, write_to_read_only_mapping_is_efault)
{
	unsigned long addr, faddr, f0;
	uint64_t word = 42;
	int pid = pagemig_process_create(), fid;

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * PAGE_SIZE, 0, &addr));
	f0 = pagemig_vmstat("pgfault");
	EXPECT_EQ(-EFAULT, pagemig_access(pid, addr, &word, sizeof(word), true));
	EXPECT_EQ(0, pagemig_vmstat("pgfault") - f0);	/* refused before counting */
	EXPECT_NULL(pm_folio(pid, addr));
	/* Reads work, and the read-only page stays read-only. */
	EXPECT_EQ(0, pagemig_access(pid, addr, &word, sizeof(word), false));
	EXPECT_EQ(0, word);
	EXPECT_FALSE(pte_write(pm_entry(pid, addr, &(bool){0})));
	word = 1;
	EXPECT_EQ(-EFAULT, pagemig_access(pid, addr, &word, sizeof(word), true));
	EXPECT_EQ(0, pagemig_access(pid, addr, &word, sizeof(word), false));
	EXPECT_EQ(0, word);

	/* A read-only shared file mapping too. */
	fid = pagemig_file_create("ro", 4 * PAGE_SIZE, 7, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 4 * PAGE_SIZE, 0, PAGEMIG_MAP_SHARED, &faddr));
	EXPECT_EQ(-EFAULT, pagemig_access(pid, faddr, &word, sizeof(word), true));
	/* Outside any mapping. */
	EXPECT_EQ(-EFAULT, pagemig_access(pid, 0x1000, &word, sizeof(word), false));
	EXPECT_EQ(-EFAULT, pagemig_access(pid, faddr + 4 * PAGE_SIZE, &word, 1, false));
	/* Bad arguments. */
	EXPECT_EQ(-EINVAL, pagemig_mmap_anon(pid, 100, 0, &addr));
	EXPECT_EQ(-EINVAL, pagemig_mmap_file(pid, fid, 8 * PAGE_SIZE, 0, 0, &addr));
	EXPECT_EQ(-EBADF, pagemig_mmap_file(pid, fid + 1, PAGE_SIZE, 0, 0, &addr));
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}

/* ---- THP ---- */

TEST_F(flt, thp_fault_maps_order9_folio_by_one_pmd)
{
	unsigned long f0 = pagemig_vmstat("thp_fault_alloc");
	unsigned long fb0 = pagemig_vmstat("thp_fault_fallback");
	unsigned long thp0 = global_node_page_state(NR_ANON_THPS), addr, i;
	struct pagemig_process_stats st;
	struct folio *folio;
	uint64_t e;
	bool huge;
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * SZ_1M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP,
				       &addr));
	EXPECT_EQ(0, addr % SZ_2M);
	ASSERT_EQ(0, pm_write_tag(pid, addr + 7 * PAGE_SIZE, 7));

	e = pm_entry(pid, addr + 7 * PAGE_SIZE, &huge);
	EXPECT_TRUE(huge);
	EXPECT_TRUE(pmd_trans_huge(e));
	EXPECT_TRUE(pte_write(e));
	folio = pm_folio(pid, addr + 300 * PAGE_SIZE);
	ASSERT_NOT_NULL(folio);
	EXPECT_EQ(folio, pm_folio(pid, addr));
	EXPECT_EQ(HPAGE_PMD_ORDER, folio_order(folio));
	EXPECT_EQ(0, folio_pfn(folio) % HPAGE_PMD_NR);
	EXPECT_TRUE(folio_test_anon(folio));
	EXPECT_TRUE(folio_test_lru(folio));
	EXPECT_EQ(1, folio_ref_count(folio));
	EXPECT_TRUE(folio_mapped(folio));
	EXPECT_EQ(1, folio_mapcount(folio));
	EXPECT_EQ(1, pagemig_vmstat("thp_fault_alloc") - f0);
	EXPECT_EQ(0, pagemig_vmstat("thp_fault_fallback") - fb0);
	/* kernel /proc/vmstat shows THPs; pagemig's counter is in pages. */
	EXPECT_EQ(thp0 + HPAGE_PMD_NR, global_node_page_state(NR_ANON_THPS));
	stats(_metadata, pid, &st);
	EXPECT_EQ(HPAGE_PMD_NR, st.rss_anon);
	EXPECT_EQ(3, st.nr_ptes);		/* PGD, PUD, PMD: no PTE table */

	/* The rest of the THP reads zeroes; our page reads back. */
	for (i = 0; i < HPAGE_PMD_NR; i += 37) {
		uint64_t w = 1;

		if (i == 7)
			continue;
		ASSERT_EQ(0, pagemig_access(pid, addr + i * PAGE_SIZE + 8, &w, 8, false));
		EXPECT_EQ(0, w);
	}
	EXPECT_TRUE(pm_check_tag(pid, addr + 7 * PAGE_SIZE, 7));

	/* The second 2 MiB: another THP. */
	ASSERT_EQ(0, pm_write_tag(pid, addr + SZ_2M, 8));
	EXPECT_EQ(2, pagemig_vmstat("thp_fault_alloc") - f0);
	EXPECT_NE(folio, pm_folio(pid, addr + SZ_2M));

	/* MADV_DONTNEED of one page drops the whole THP. */
	ASSERT_EQ(0, pagemig_madvise_dontneed(pid, addr + 7 * PAGE_SIZE, PAGE_SIZE));
	EXPECT_NULL(pm_folio(pid, addr));
	EXPECT_EQ(thp0 + HPAGE_PMD_NR, global_node_page_state(NR_ANON_THPS));
	stats(_metadata, pid, &st);
	EXPECT_EQ(HPAGE_PMD_NR, st.rss_anon);
	ASSERT_EQ(0, pagemig_process_exit(pid));
	EXPECT_EQ(thp0, global_node_page_state(NR_ANON_THPS));
}

TEST_F(flt, thp_fault_falls_back_without_order9_block)
{
	static unsigned long pfns[32 * 256];
	unsigned long n = 0, i, addr, fb0, f0, pfn;
	struct pagemig_process_stats st;
	struct folio *folio;
	bool huge;
	int pid = pagemig_process_create();

	ASSERT_LE(0, pid);
	/*
	 * Order-0 pages in every zone, then every other one freed: nothing
	 * on an LRU, so compaction cannot make an order-9 block either.
	 */
	while (n < ARRAY_SIZE(pfns) &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY, 0, &pfn))
		pfns[n++] = pfn;
	ASSERT_GT(n, 1000);
	for (i = 0; i < n; i += 2)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	drain_all_pages(NULL);
	ASSERT_EQ(0, pm_free_order9());

	fb0 = pagemig_vmstat("thp_fault_fallback");
	f0 = pagemig_vmstat("thp_fault_alloc");
	ASSERT_EQ(0, pagemig_mmap_anon(pid, SZ_2M, PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP, &addr));
	ASSERT_EQ(0, pm_write_tag(pid, addr + 9 * PAGE_SIZE, 9));
	EXPECT_EQ(1, pagemig_vmstat("thp_fault_fallback") - fb0);
	EXPECT_EQ(0, pagemig_vmstat("thp_fault_alloc") - f0);
	pm_entry(pid, addr + 9 * PAGE_SIZE, &huge);
	EXPECT_FALSE(huge);
	folio = pm_folio(pid, addr + 9 * PAGE_SIZE);
	ASSERT_NOT_NULL(folio);
	EXPECT_EQ(0, folio_order(folio));
	EXPECT_NULL(pm_folio(pid, addr));	/* only the touched page */
	EXPECT_TRUE(pm_check_tag(pid, addr + 9 * PAGE_SIZE, 9));
	stats(_metadata, pid, &st);
	EXPECT_EQ(1, st.rss_anon);
	EXPECT_EQ(4, st.nr_ptes);

	ASSERT_EQ(0, pagemig_process_exit(pid));
	for (i = 1; i < n; i += 2)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
}

/* ---- file faults ---- */

TEST_F(flt, file_fault_reads_generator_content)
{
	static char buf[PAGE_SIZE], want[PAGE_SIZE];
	unsigned long addr, fp0 = global_node_page_state(NR_FILE_PAGES);
	struct pagemig_process_stats st;
	struct folio *folio;
	struct file *file;
	int pid = pagemig_process_create(), fid, i;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("gen", 8 * PAGE_SIZE, 1234, NULL);
	ASSERT_LE(0, fid);
	file = pm_file(fid);
	/* Map pages 2..7 privately, read-only. */
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 6 * PAGE_SIZE, 2 * PAGE_SIZE, 0, &addr));
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, pagemig_access(pid, addr + i * PAGE_SIZE, buf, PAGE_SIZE, false));
		file_read_page(file, 2 + i, want);
		EXPECT_EQ(0, memcmp(buf, want, PAGE_SIZE));
	}
	/* Different pages, different seeds, different bytes. */
	file_read_page(file, 3, buf);
	EXPECT_NE(0, memcmp(buf, want, PAGE_SIZE));

	EXPECT_EQ(6, atomic_long_read(&file->mapping.nrpages));
	EXPECT_EQ(fp0 + 6, global_node_page_state(NR_FILE_PAGES));
	stats(_metadata, pid, &st);
	EXPECT_EQ(6, st.rss_file);
	EXPECT_EQ(0, st.rss_anon);
	folio = pm_folio(pid, addr);
	ASSERT_NOT_NULL(folio);
	EXPECT_FALSE(folio_test_anon(folio));
	EXPECT_EQ(&file->mapping, folio_mapping(folio));
	EXPECT_EQ(2, folio->index);
	EXPECT_TRUE(folio_test_uptodate(folio));
	EXPECT_TRUE(folio_test_lru(folio));
	EXPECT_FALSE(folio_test_swapbacked(folio));
	EXPECT_FALSE(pte_write(pm_entry(pid, addr, &(bool){0})));
	/* cache + one mapping */
	EXPECT_EQ(2, folio_ref_count(folio));

	/* Exit unmaps; the page cache keeps the pages until the file goes. */
	ASSERT_EQ(0, pagemig_process_exit(pid));
	EXPECT_EQ(1, folio_ref_count(folio));
	EXPECT_EQ(6, atomic_long_read(&file->mapping.nrpages));
	pm_files_drop();
	EXPECT_EQ(fp0, global_node_page_state(NR_FILE_PAGES));
}

TEST_F(flt, file_fault_reads_a_real_file)
{
	char path[] = "/tmp/pagemig-test-fault-XXXXXX";
	static unsigned char content[3 * PAGE_SIZE + 100], buf[PAGE_SIZE];
	unsigned long addr, i;
	int fd = mkstemp(path), pid, fid;

	ASSERT_LE(0, fd);
	for (i = 0; i < sizeof(content); i++)
		content[i] = (unsigned char)(i * 7 + i / PAGE_SIZE);
	ASSERT_EQ(sizeof(content), write(fd, content, sizeof(content)));
	close(fd);
	fid = pagemig_file_create("real", 0, 0, path);
	unlink(path);
	ASSERT_LE(0, fid);
	EXPECT_EQ(4, pm_file(fid)->nr_pages);
	pid = pagemig_process_create();
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 4 * PAGE_SIZE, 0, PAGEMIG_MAP_SHARED, &addr));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pagemig_access(pid, addr + i * PAGE_SIZE, buf, PAGE_SIZE, false));
		EXPECT_EQ(0, memcmp(buf, content + i * PAGE_SIZE, PAGE_SIZE));
	}
	/* The tail page: 100 bytes of file, then zeroes. */
	ASSERT_EQ(0, pagemig_access(pid, addr + 3 * PAGE_SIZE, buf, PAGE_SIZE, false));
	EXPECT_EQ(0, memcmp(buf, content + 3 * PAGE_SIZE, 100));
	for (i = 100; i < PAGE_SIZE; i++)
		if (buf[i])
			break;
	EXPECT_EQ(PAGE_SIZE, i);
	/* A missing path is an error, not a file. */
	EXPECT_EQ(-ENOENT, pagemig_file_create("gone", 0, 0, path));
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}

TEST_F(flt, shared_write_reaches_page_cache_and_other_process)
{
	static char buf[PAGE_SIZE], want[PAGE_SIZE];
	unsigned long a1, a2, fm0 = global_node_page_state(NR_FILE_MAPPED);
	struct folio *folio, *cached;
	struct file *file;
	int p1 = pagemig_process_create(), p2 = pagemig_process_create(), fid;

	ASSERT_LE(0, p1);
	ASSERT_LE(0, p2);
	fid = pagemig_file_create("shared", 4 * PAGE_SIZE, 99, NULL);
	ASSERT_LE(0, fid);
	file = pm_file(fid);
	ASSERT_EQ(0, pagemig_mmap_file(p1, fid, 4 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &a1));
	ASSERT_EQ(0, pagemig_mmap_file(p2, fid, 2 * PAGE_SIZE, PAGE_SIZE,
				       PAGEMIG_MAP_SHARED, &a2));
	/* p1 writes file page 1; p2 maps it at a2. */
	ASSERT_EQ(0, pm_write_tag(p1, a1 + PAGE_SIZE, 555));
	EXPECT_TRUE(pm_check_tag(p2, a2, 555));
	folio = pm_folio(p1, a1 + PAGE_SIZE);
	ASSERT_NOT_NULL(folio);
	EXPECT_EQ(folio, pm_folio(p2, a2));
	EXPECT_TRUE(pte_write(pm_entry(p1, a1 + PAGE_SIZE, &(bool){0})));
	EXPECT_TRUE(pm_entry(p1, a1 + PAGE_SIZE, &(bool){0}) & _PAGE_DIRTY);
	EXPECT_EQ(2, folio_mapcount(folio));
	EXPECT_EQ(fm0 + 1, global_node_page_state(NR_FILE_MAPPED));
	EXPECT_EQ(0, pagemig_process_stats(p1, &(struct pagemig_process_stats){0}));

	/* The page cache holds the write; a later process sees it too. */
	cached = filemap_get_folio(&file->mapping, 1);
	EXPECT_EQ(folio, cached);
	EXPECT_TRUE(pm_tag_ok(folio_address(cached), 555));
	folio_put(cached);
	ASSERT_EQ(0, pagemig_process_exit(p1));
	ASSERT_EQ(0, pagemig_process_exit(p2));
	p2 = pagemig_process_create();
	ASSERT_LE(0, p2);
	ASSERT_EQ(0, pagemig_mmap_file(p2, fid, 4 * PAGE_SIZE, 0, 0, &a2));
	EXPECT_TRUE(pm_check_tag(p2, a2 + PAGE_SIZE, 555));
	/* Untouched pages still read the generator's bytes. */
	ASSERT_EQ(0, pagemig_access(p2, a2 + 2 * PAGE_SIZE, buf, PAGE_SIZE, false));
	file_read_page(file, 2, want);
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SIZE));
	ASSERT_EQ(0, pagemig_process_exit(p2));
	EXPECT_EQ(fm0, global_node_page_state(NR_FILE_MAPPED));
	pm_files_drop();
}

TEST_F(flt, private_write_copies_on_write)
{
	static char buf[PAGE_SIZE], want[PAGE_SIZE];
	struct pagemig_process_stats st;
	struct folio *filefolio, *copy;
	unsigned long a1, a2;
	struct file *file;
	int p1 = pagemig_process_create(), p2 = pagemig_process_create(), fid;

	ASSERT_LE(0, p1);
	ASSERT_LE(0, p2);
	fid = pagemig_file_create("private", 2 * PAGE_SIZE, 5, NULL);
	ASSERT_LE(0, fid);
	file = pm_file(fid);
	file_read_page(file, 0, want);
	ASSERT_EQ(0, pagemig_mmap_file(p1, fid, 2 * PAGE_SIZE, 0, PAGEMIG_MAP_WRITE, &a1));
	ASSERT_EQ(0, pagemig_mmap_file(p2, fid, 2 * PAGE_SIZE, 0, PAGEMIG_MAP_SHARED, &a2));

	/* Both read page 0: one page-cache folio, mapped twice, read-only in p1. */
	ASSERT_EQ(0, pagemig_access(p1, a1, buf, 8, false));
	ASSERT_EQ(0, pagemig_access(p2, a2, buf, 8, false));
	filefolio = pm_folio(p1, a1);
	ASSERT_NOT_NULL(filefolio);
	EXPECT_EQ(filefolio, pm_folio(p2, a2));
	EXPECT_EQ(2, folio_mapcount(filefolio));
	EXPECT_FALSE(pte_write(pm_entry(p1, a1, &(bool){0})));
	stats(_metadata, p1, &st);
	EXPECT_EQ(1, st.rss_file);

	/* p1 writes: its own anonymous copy, the file page untouched. */
	ASSERT_EQ(0, pm_write_tag(p1, a1, 77));
	copy = pm_folio(p1, a1);
	ASSERT_NOT_NULL(copy);
	EXPECT_NE(filefolio, copy);
	EXPECT_TRUE(folio_test_anon(copy));
	EXPECT_TRUE(pte_write(pm_entry(p1, a1, &(bool){0})));
	EXPECT_EQ(1, folio_mapcount(filefolio));
	EXPECT_EQ(2, folio_ref_count(filefolio));	/* cache + p2 */
	EXPECT_TRUE(pm_check_tag(p1, a1, 77));
	ASSERT_EQ(0, pagemig_access(p2, a2, buf, PAGE_SIZE, false));
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SIZE));
	EXPECT_EQ(0, memcmp(folio_address(filefolio), want, PAGE_SIZE));
	stats(_metadata, p1, &st);
	EXPECT_EQ(0, st.rss_file);
	EXPECT_EQ(1, st.rss_anon);

	/* Writing an unread private page copies the file's bytes first. */
	ASSERT_EQ(0, pagemig_access(p1, a1 + PAGE_SIZE + 16, "x", 1, true));
	ASSERT_EQ(0, pagemig_access(p1, a1 + PAGE_SIZE, buf, PAGE_SIZE, false));
	file_read_page(file, 1, want);
	EXPECT_EQ('x', buf[16]);
	buf[16] = want[16];
	EXPECT_EQ(0, memcmp(buf, want, PAGE_SIZE));
	EXPECT_TRUE(folio_test_anon(pm_folio(p1, a1 + PAGE_SIZE)));
	copy = filemap_get_folio(&file->mapping, 1);
	ASSERT_NOT_NULL(copy);
	EXPECT_EQ(0, memcmp(folio_address(copy), want, PAGE_SIZE));
	folio_put(copy);
	stats(_metadata, p1, &st);
	EXPECT_EQ(2, st.rss_anon);

	ASSERT_EQ(0, pagemig_process_exit(p1));
	ASSERT_EQ(0, pagemig_process_exit(p2));
	pm_files_drop();
}

/*
 * Issue 15 row 6: unmapping walked every 4 KiB of a mapping, tables or
 * not; a 100 TiB mapping with one page touched took hours to exit.  Now
 * missing tables are skipped whole: madvise, munmap and exit cost what
 * is mapped.
 */
TEST_F(flt, huge_sparse_mapping_unmaps_quickly)
{
	unsigned long addr, addr2, len = 100UL << 40;
	uint64_t buf[512] = { 1 };
	struct pagemig_process_stats st;
	int pid = pagemig_process_create();

	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, len, PAGEMIG_MAP_WRITE, &addr));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, len / 4, PAGEMIG_MAP_WRITE, &addr2));
	ASSERT_EQ(0, pagemig_access(pid, addr + len / 2, buf, sizeof(buf), true));
	ASSERT_EQ(0, pagemig_access(pid, addr + len - 4096, buf, sizeof(buf), true));
	ASSERT_EQ(0, pagemig_access(pid, addr2, buf, sizeof(buf), true));
	ASSERT_EQ(0, pagemig_madvise_dontneed(pid, addr, len / 2 + 4096));
	stats(_metadata, pid, &st);
	EXPECT_EQ(2, st.rss_anon);
	ASSERT_EQ(0, pagemig_munmap(pid, addr2));
	stats(_metadata, pid, &st);
	EXPECT_EQ(1, st.rss_anon);
	EXPECT_EQ(0, pagemig_process_exit(pid));
}
