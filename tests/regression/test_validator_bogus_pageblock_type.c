// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: the validator indexed migratetype_names[] with the raw
 * pageblock migratetype bits.  A pageblock whose three bits held 5..7
 * (corruption the validator exists to find) made check_free_block()
 * read past the array -- a UBSan "index out of bounds" abort, or a
 * garbage pointer handed to vfprintf() -- instead of a report.
 */
#include "../../mm/page_alloc.c"
#include "harness/mm_fixture.h"

MM_FIXTURE(machine, 8 * SZ_1M, UINT64_MAX, 0, 1)

TEST_F(machine, bogus_pageblock_type_is_reported_not_crashed_on)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long pfn = zone->zone_start_pfn;
	struct page *page = pfn_to_page(pfn);
	unsigned long saved, bits;
	FILE *log = tmpfile();
	char buf[512];
	size_t n;

	ASSERT_NOT_NULL(log);
	ASSERT_TRUE(PageBuddy(page));	/* a free block starts here */
	saved = get_pfnblock_flags_mask(page, pfn, MIGRATETYPE_MASK);
	for (bits = MIGRATE_ISOLATE + 1; bits <= MIGRATETYPE_MASK; bits++) {
		set_pfnblock_flags_mask(page, pfn, bits, MIGRATETYPE_MASK);
		EXPECT_GE(pagemig_validate(NULL), 2);	/* list + bits */
		EXPECT_GE(pagemig_validate(log), 2);
	}
	set_pfnblock_flags_mask(page, pfn, saved, MIGRATETYPE_MASK);
	EXPECT_EQ(0, pagemig_validate(stderr));

	rewind(log);
	n = fread(buf, 1, sizeof(buf) - 1, log);
	buf[n] = 0;
	fclose(log);
	EXPECT_NOT_NULL(strstr(buf, "pageblock"));
	EXPECT_NOT_NULL(strstr(buf, "is invalid"));
}
