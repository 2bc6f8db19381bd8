// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: freelist_scan_limit() shifted COMPACT_CLUSTER_MAX (an int
 * here, an unsigned long in the kernel) right by cc->fast_search_fail,
 * capped at BITS_PER_LONG - 1: after 32 or more fast searches in a row
 * that found nothing, the shift was undefined (UBSan: "shift exponent 32
 * is too large for 32-bit type 'int'").  Found by the fuzz campaign
 * (mutation 8704 of the fragment scenario, kcompactd's compaction); that
 * input is tests/data/fuzz/scenario/fast-search-fail-shift.yaml.
 *
 * The limit halves with each failed search down to one entry, and stays
 * there for any count, the largest included.
 */
#include <limits.h>

#include "../../mm/compaction.c"
#include "harness/mm_fixture.h"

TEST(scan_limit_bottoms_out_at_one)
{
	struct compact_control cc = { 0 };
	unsigned int fails[] = { 31, 32, 33, 63, 64, 1000, UINT_MAX };
	unsigned int i;

	cc.fast_search_fail = 0;
	EXPECT_EQ(COMPACT_CLUSTER_MAX + 1, (int)freelist_scan_limit(&cc));
	cc.fast_search_fail = 1;
	EXPECT_EQ(COMPACT_CLUSTER_MAX / 2 + 1, (int)freelist_scan_limit(&cc));
	cc.fast_search_fail = 5;
	EXPECT_EQ(2, freelist_scan_limit(&cc));
	for (i = 0; i < ARRAY_SIZE(fails); i++) {
		cc.fast_search_fail = fails[i];
		EXPECT_EQ(1, freelist_scan_limit(&cc));
	}
}

