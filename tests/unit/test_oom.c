// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory (mm/oom_kill.c, the slow path of mm/page_alloc.c and
 * the fault path of mm/memory.c), through the facade: a page table that
 * cannot be allocated fails the fault with -ENOMEM instead of retrying
 * forever; a process that touches more than the machine has gets the
 * largest process killed (oom_kill counted, its accesses -EINTR, its
 * memory back), oom_score_adj shifts the choice, -1000 is never chosen,
 * and the survivors' pages keep their contents.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_oom
 */
#include <errno.h>
#include <string.h>

#include "harness/mm_fixture.h"

/* DMA32 8 MiB, Normal 24 MiB, no Movable zone. */
MM_FIXTURE(oom, 32 * SZ_1M, 8 * SZ_1M, 0, 2)

#define PAGE	4096UL

static unsigned long vmstat(const char *name)
{
	unsigned long v = 0;

	pagemig_vmstat_get(name, &v);
	return v;
}

/* Write a tag into each of the first @pages pages; the first error. */
static int touch(int pid, unsigned long addr, unsigned long pages,
		 unsigned long *done)
{
	uint64_t buf[PAGE / 8];
	unsigned long i;
	int ret = 0;

	for (i = 0; i < pages; i++) {
		buf[0] = addr + i * PAGE;
		ret = pagemig_access(pid, addr + i * PAGE, buf, sizeof(buf), true);
		if (ret)
			break;
	}
	if (done)
		*done = i;
	return ret;
}

/* Every page still holds its tag. */
static bool tags_hold(int pid, unsigned long addr, unsigned long pages)
{
	uint64_t buf[PAGE / 8];
	unsigned long i;

	for (i = 0; i < pages; i++)
		if (pagemig_access(pid, addr + i * PAGE, buf, sizeof(buf), false) ||
		    buf[0] != addr + i * PAGE)
			return false;
	return true;
}

/*
 * The livelock: with the PMD table in place, a PTE table that cannot be
 * allocated left an empty PMD slot, which the fault took for a huge PMD
 * mapped meanwhile and retried, forever.
 */
TEST_F(oom, pte_table_allocation_failure_is_enomem)
{
	unsigned long addr;
	uint64_t buf[PAGE / 8] = { 0 };
	int pid = pagemig_process_create();

	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * SZ_1M, PAGEMIG_MAP_WRITE, &addr));
	/* The first 2 MiB: every level of table exists after this. */
	ASSERT_EQ(0, pagemig_access(pid, addr, buf, sizeof(buf), true));
	ASSERT_EQ(0, pagemig_fault_arm("alloc_pages", 1, 1000000));
	EXPECT_EQ(-ENOMEM, pagemig_access(pid, addr + SZ_2M, buf, sizeof(buf), true));
	pagemig_fault_disarm_all();
	EXPECT_EQ(0, pagemig_access(pid, addr + SZ_2M, buf, sizeof(buf), true));
	EXPECT_EQ(0, vmstat("oom_kill"));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

/* The largest process dies; its accesses fail with -EINTR; others live. */
TEST_F(oom, largest_process_is_killed_and_reaped)
{
	unsigned long small_addr, big_addr, done, free_before;
	struct pagemig_process_stats st;
	int small = pagemig_process_create(), big = pagemig_process_create();

	ASSERT_GE(small, 0);
	ASSERT_GE(big, 0);
	ASSERT_EQ(0, pagemig_process_set_comm(big, "hog"));
	ASSERT_EQ(0, pagemig_mmap_anon(small, 4 * SZ_1M, PAGEMIG_MAP_WRITE, &small_addr));
	ASSERT_EQ(0, pagemig_mmap_anon(big, 64 * SZ_1M, PAGEMIG_MAP_WRITE, &big_addr));
	ASSERT_EQ(0, touch(small, small_addr, 1024, NULL));
	free_before = pagemig_free_pages_count();

	EXPECT_EQ(-EINTR, touch(big, big_addr, 16384, &done));
	TH_LOG("the hog touched %lu pages before it was killed", done);
	EXPECT_GT(done, 1024);
	EXPECT_LT(done, 8192);
	EXPECT_EQ(1, vmstat("oom_kill"));
	EXPECT_EQ(1, pagemig_process_oom_killed(big));
	EXPECT_EQ(0, pagemig_process_oom_killed(small));
	/* Reaped: at most the page that was being faulted is mapped. */
	ASSERT_EQ(0, pagemig_process_stats(big, &st));
	EXPECT_LE(st.rss_anon, 1);
	EXPECT_GT(pagemig_free_pages_count() + 1024, free_before);
	/* Its next access fails too; the survivor's pages are intact. */
	EXPECT_EQ(-EINTR, touch(big, big_addr, 1, NULL));
	EXPECT_TRUE(tags_hold(small, small_addr, 1024));
	EXPECT_EQ(0, pagemig_process_exit(big));
	EXPECT_EQ(0, pagemig_process_exit(small));
}

/* oom_score_adj 1000 outweighs size; -1000 is never chosen. */
TEST_F(oom, oom_score_adj_shifts_the_choice)
{
	unsigned long a_addr, b_addr, done;
	int a = pagemig_process_create(), b = pagemig_process_create();

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_EQ(-EINVAL, pagemig_process_set_oom_score_adj(a, 1001));
	ASSERT_EQ(0, pagemig_process_set_oom_score_adj(a, 1000));
	ASSERT_EQ(0, pagemig_process_set_oom_score_adj(b, -1000));
	ASSERT_EQ(0, pagemig_mmap_anon(a, 2 * SZ_1M, PAGEMIG_MAP_WRITE, &a_addr));
	ASSERT_EQ(0, pagemig_mmap_anon(b, 64 * SZ_1M, PAGEMIG_MAP_WRITE, &b_addr));
	ASSERT_EQ(0, touch(a, a_addr, 512, NULL));

	/* a goes first; then nothing is left to kill: b's fault fails. */
	EXPECT_EQ(-ENOMEM, touch(b, b_addr, 16384, &done));
	EXPECT_EQ(1, pagemig_process_oom_killed(a));
	EXPECT_EQ(0, pagemig_process_oom_killed(b));
	EXPECT_EQ(1, vmstat("oom_kill"));
	EXPECT_TRUE(tags_hold(b, b_addr, done));
	EXPECT_EQ(0, pagemig_process_exit(a));
	EXPECT_EQ(0, pagemig_process_exit(b));
}

/* __GFP_NORETRY and costly orders fail without a kill. */
TEST_F(oom, noretry_and_costly_orders_never_kill)
{
	unsigned long addr, pfn, n = 0, i;
	unsigned long *pfns = calloc(self->nr_pages, sizeof(*pfns));
	int pid = pagemig_process_create();

	ASSERT_NOT_NULL(pfns);
	ASSERT_GE(pid, 0);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 4 * SZ_1M, PAGEMIG_MAP_WRITE, &addr));
	ASSERT_EQ(0, touch(pid, addr, 1024, NULL));
	while (!pagemig_alloc_pages(GFP_KERNEL | __GFP_NORETRY, 0, &pfn))
		pfns[n++] = pfn;
	EXPECT_EQ(-ENOMEM, pagemig_alloc_pages(GFP_KERNEL, 4, &pfn));
	EXPECT_EQ(-ENOMEM, pagemig_alloc_pages(GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0, &pfn));
	EXPECT_EQ(0, vmstat("oom_kill"));
	/* An order-0 request that may retry gets the process killed. */
	EXPECT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &pfn));
	pfns[n++] = pfn;
	EXPECT_EQ(1, vmstat("oom_kill"));
	EXPECT_EQ(1, pagemig_process_oom_killed(pid));
	for (i = 0; i < n; i++)
		pagemig_free_pages(pfns[i], 0);
	free(pfns);
	EXPECT_EQ(0, pagemig_process_exit(pid));
}
