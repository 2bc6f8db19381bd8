// SPDX-License-Identifier: GPL-2.0
/*
 * mm/pagemig.c, the public facade: argument checking of
 * pagemig_free_pages() (a refused call must change nothing), content
 * tags, gfp strings, fault-point lookup and calls without a machine.
 */
#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

MM_FIXTURE(facade, 16 * SZ_1M, 4 * SZ_1M, 0, 2)

/* Everything a refused free must leave alone. */
struct snapshot {
	unsigned long free, used, pcp, warnings;
	unsigned long buddy[NR_PAGE_ORDERS];
};

static void take(struct snapshot *s)
{
	struct zone *zone;

	memset(s, 0, sizeof(*s));
	s->free = pagemig_free_pages_count();
	s->used = nr_used_pages();
	s->warnings = pagemig_warnings();
	for_each_populated_zone(zone) {
		s->pcp += zone_pcp_count(zone);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			s->buddy[o] += zone->free_area[o].nr_free;
	}
}

#define EXPECT_UNCHANGED(before) do {					\
	struct snapshot __now;						\
									\
	take(&__now);							\
	EXPECT_EQ(0, memcmp(&(before), &__now, sizeof(__now)));		\
	EXPECT_EQ(0, pagemig_validate(stderr));				\
} while (0)

TEST_F(facade, free_rejects_bad_arguments_and_changes_nothing)
{
	unsigned long a, b, c, max = pagemig_total_pages();
	struct snapshot s;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &a));
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 3, &b));
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 2, &c));
	take(&s);

	EXPECT_EQ(-EINVAL, pagemig_free_pages(max, 0));		/* past the end */
	EXPECT_EQ(-EINVAL, pagemig_free_pages(~0UL, 0));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(max - 1, 1));		/* misaligned */
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, MAX_PAGE_ORDER + 1));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b + 1, 0));		/* inside a block */
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b + 4, 2));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 2));			/* smaller order */
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 0));
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 4));			/* larger order */
	EXPECT_EQ(-EINVAL, pagemig_free_pages(c, 3));
	if (IS_ALIGNED(a, 2))
		EXPECT_EQ(-EINVAL, pagemig_free_pages(a, 1));
	/* A free page: find one on the buddy lists. */
	for (unsigned long pfn = 0; pfn < max; pfn++) {
		if (PageBuddy(pfn_to_page(pfn))) {
			EXPECT_EQ(-EINVAL, pagemig_free_pages(pfn, 0));
			break;
		}
	}
	EXPECT_UNCHANGED(s);

	/* Double free: the second one is refused and changes nothing. */
	EXPECT_EQ(0, pagemig_free_pages(a, 0));
	take(&s);
	EXPECT_EQ(-EINVAL, pagemig_free_pages(a, 0));
	EXPECT_UNCHANGED(s);
	EXPECT_EQ(0, pagemig_free_pages(b, 3));
	take(&s);
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 3));
	drain_all_pages(NULL);
	take(&s);
	EXPECT_EQ(-EINVAL, pagemig_free_pages(b, 3));	/* now PageBuddy */
	EXPECT_UNCHANGED(s);
	EXPECT_EQ(0, pagemig_free_pages(c, 2));
}

TEST_F(facade, alloc_checks_and_fills_pfn)
{
	unsigned long pfn = ~0UL;

	EXPECT_EQ(-EINVAL, pagemig_alloc_pages(GFP_KERNEL, 11, &pfn));
	EXPECT_EQ(-EINVAL, pagemig_alloc_pages(GFP_KERNEL | GFP_MOVABLE_MASK, 0, &pfn));
	EXPECT_EQ(~0UL, pfn);
	EXPECT_EQ(0, pagemig_alloc_pages(GFP_DMA32, 1, &pfn));
	EXPECT_LT(pfn, mm_zone(ZONE_DMA32)->spanned_pages);
	EXPECT_TRUE(IS_ALIGNED(pfn, 2));
	EXPECT_EQ(0, pagemig_free_pages(pfn, 1));
	/* Exhaustion is -ENOMEM and quiet (the facade adds __GFP_NOWARN). */
	{
		unsigned long *pfns = calloc(4096, sizeof(*pfns));
		unsigned long w = pagemig_warnings();
		int n = 0, ret;

		ASSERT_NOT_NULL(pfns);
		while (n < 4096 && !(ret = pagemig_alloc_pages(GFP_KERNEL, 0, &pfns[n])))
			n++;
		EXPECT_EQ(-ENOMEM, ret);
		EXPECT_EQ(w, pagemig_warnings());
		while (n--)
			EXPECT_EQ(0, pagemig_free_pages(pfns[n], 0));
		free(pfns);
	}
}

TEST_F(facade, tags_detect_a_single_flipped_byte)
{
	unsigned long pfn;
	unsigned char *p;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 2, &pfn));
	pagemig_fill_tag(pfn, 4, 0x1234);
	EXPECT_EQ(0, pagemig_check_tag(pfn, 4, 0x1234));
	EXPECT_EQ(4, pagemig_check_tag(pfn, 4, 0x1235));	/* other tag */
	/* Pages carry their position: swapped pages are caught. */
	EXPECT_EQ(3, pagemig_check_tag(pfn + 1, 3, 0x1234));

	for (unsigned int where = 0; where < 4 * PAGE_SIZE; where += 4093) {
		p = page_address(pfn_to_page(pfn)) + where;
		*p ^= 0x01;
		EXPECT_EQ(1, pagemig_check_tag(pfn, 4, 0x1234));
		*p ^= 0x01;
		EXPECT_EQ(0, pagemig_check_tag(pfn, 4, 0x1234));
	}
	/* The very last byte of the block too. */
	p = page_address(pfn_to_page(pfn + 3)) + PAGE_SIZE - 1;
	*p ^= 0x80;
	EXPECT_EQ(1, pagemig_check_tag(pfn, 4, 0x1234));
	*p ^= 0x80;
	/* Out of range: check reports every page bad, fill does nothing. */
	EXPECT_EQ(5, pagemig_check_tag(pagemig_total_pages(), 5, 1));
	pagemig_fill_tag(pagemig_total_pages() - 1, 2, 1);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 2));
}

TEST(calls_without_a_machine)
{
	unsigned long pfn;
	struct pagemig_zone_stats st;

	ASSERT_FALSE(pagemig_machine_ready());
	EXPECT_EQ(-ENODEV, pagemig_alloc_pages(GFP_KERNEL, 0, &pfn));
	EXPECT_EQ(-ENODEV, pagemig_free_pages(0, 0));
	EXPECT_EQ(-ENODEV, pagemig_zone_stats(0, &st));
	EXPECT_EQ(0, pagemig_validate(NULL));
	EXPECT_EQ(0, pagemig_total_pages());
	EXPECT_EQ(0, pagemig_free_pages_count());
	EXPECT_EQ(3, pagemig_check_tag(0, 3, 1));
	EXPECT_EQ(-ENODEV, pagemig_show_buddyinfo(stdout));
}

/* The version string is the macros' values; the build id is set. */
TEST(version_matches_the_macros)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", PAGEMIG_VERSION_MAJOR,
		 PAGEMIG_VERSION_MINOR, PAGEMIG_VERSION_PATCH);
	EXPECT_STREQ(want, pagemig_version());
	ASSERT_TRUE(pagemig_build_id() != NULL);
	EXPECT_TRUE(pagemig_build_id()[0] != '\0');
}

TEST(gfp_strings_round_trip)
{
	static const char * const names[] = {
		"GFP_KERNEL", "GFP_ATOMIC", "GFP_HIGHUSER_MOVABLE", "GFP_DMA32",
		"GFP_TRANSHUGE", "GFP_KERNEL|__GFP_ZERO", "GFP_NOWAIT|__GFP_COMP",
		"GFP_KERNEL|__GFP_RECLAIMABLE",
	};
	unsigned int gfp, again;
	char buf[160];

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_EQ(0, pagemig_parse_gfp(names[i], &gfp));
		pagemig_format_gfp(gfp, buf, sizeof(buf));
		EXPECT_STREQ(names[i], buf);
		ASSERT_EQ(0, pagemig_parse_gfp(buf, &again));
		EXPECT_EQ(gfp, again);
	}
	EXPECT_EQ(0, pagemig_parse_gfp(" GFP_KERNEL | __GFP_ZERO ", &gfp));
	EXPECT_EQ(GFP_KERNEL | __GFP_ZERO, gfp);
	EXPECT_EQ(0, pagemig_parse_gfp("0x400cc0", &gfp));
	EXPECT_EQ(0x400cc0u, gfp);
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("", &gfp));
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("GFP_KERNAL", &gfp));
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("GFP_KERNEL|", &gfp));
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("GFP_KERNEL||__GFP_ZERO", &gfp));
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("0x1ffffffff", &gfp));
	/* Both mobility bits name no migratetype (issue 15, row 21). */
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("__GFP_MOVABLE|__GFP_RECLAIMABLE", &gfp));
	EXPECT_EQ(-EINVAL, pagemig_parse_gfp("GFP_HIGHUSER_MOVABLE|0x10", &gfp));
	pagemig_format_gfp(0, buf, sizeof(buf));
	EXPECT_STREQ("0", buf);
	pagemig_format_gfp(GFP_KERNEL | 0x80000000u, buf, sizeof(buf));
	EXPECT_STREQ("GFP_KERNEL|0x80000000", buf);
	/* Truncation keeps a terminated string. */
	EXPECT_EQ(4, pagemig_format_gfp(GFP_KERNEL, buf, 5));
	EXPECT_STREQ("GFP_", buf);
}

TEST(fault_points_are_listed_by_name)
{
	bool seen = false;

	for (unsigned int i = 0; i < pagemig_fault_count(); i++) {
		EXPECT_NOT_NULL(pagemig_fault_name(i));
		EXPECT_NOT_NULL(pagemig_fault_desc(i));
		if (!strcmp(pagemig_fault_name(i), "alloc_pages"))
			seen = true;
	}
	EXPECT_TRUE(seen);
	EXPECT_NULL(pagemig_fault_name(pagemig_fault_count()));
	EXPECT_EQ(-EINVAL, pagemig_fault_arm_random("alloc_pages", 1001));
	EXPECT_EQ(-ENOENT, pagemig_fault_arm_random("nope", 1));
}

TEST_F(facade, random_faults_replay_with_the_seed)
{
	unsigned long pfns[2][64];
	int fails[2] = { 0, 0 };

	for (int run = 0; run < 2; run++) {
		ASSERT_EQ(0, pagemig_fault_arm_random("alloc_pages", 300));
		for (int i = 0; i < 64; i++)
			if (pagemig_alloc_pages(GFP_KERNEL, 0, &pfns[run][i])) {
				pfns[run][i] = ~0UL;
				fails[run]++;
			}
		pagemig_fault_disarm_all();
		EXPECT_EQ(fails[run], pagemig_fault_hits("alloc_pages"));
		for (int i = 0; i < 64; i++)
			if (pfns[run][i] != ~0UL)
				EXPECT_EQ(0, pagemig_free_pages(pfns[run][i], 0));
	}
	EXPECT_GT(fails[0], 0);
	EXPECT_LT(fails[0], 64);
	/* Same seed, same hits: the same calls fail. */
	for (int i = 0; i < 64; i++)
		EXPECT_EQ(pfns[0][i] == ~0UL, pfns[1][i] == ~0UL);
}
