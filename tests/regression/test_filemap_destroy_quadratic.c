// SPDX-License-Identifier: GPL-2.0
/*
 * mapping_destroy() restarted from cds_lfht_first() after every removal,
 * and each restart walked past every bucket the emptying table still
 * had: tearing down a file with 16k cached pages took a minute, and a
 * kpageflags import (whose synthetic file caches every file page of the
 * snapshot) never finished its machine_exit().  Now it removes by index.
 */
#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"
#include "lib/ktime.h"

#define NR_FILE_PAGES	32768UL

TEST(file_with_many_cached_pages_tears_down_in_linear_time)
{
	unsigned long addr, i;
	uint64_t word;
	unsigned long long t0;
	int pid, fid;

	mm_machine_up(256ULL << 20, UINT64_MAX, 0, 2);
	pid = pagemig_process_create();
	ASSERT_TRUE(pid >= 0);
	fid = pagemig_file_create("big", NR_FILE_PAGES * PAGEMIG_PAGE_SIZE,
				  test_seed(), NULL);
	ASSERT_TRUE(fid >= 0);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, NR_FILE_PAGES * PAGEMIG_PAGE_SIZE,
				       0, 0, &addr));
	for (i = 0; i < NR_FILE_PAGES; i++)
		ASSERT_EQ(0, pagemig_access(pid, addr + i * PAGEMIG_PAGE_SIZE,
					    &word, sizeof(word), false));
	t0 = ktime_get_ns();
	pagemig_machine_exit();
	/* Linear: well under a second; quadratic: minutes. */
	EXPECT_TRUE(ktime_get_ns() - t0 < 5 * NSEC_PER_SEC);
}
