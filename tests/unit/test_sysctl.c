// SPDX-License-Identifier: GPL-2.0
/*
 * facade/sysctl.c and the zone indices: each vm sysctl a user turns
 * steers the mm code as the kernel's handler makes it, and the
 * fragmentation score, extfrag_index and unusable_index of a zone equal
 * values worked out by hand from its free lists.
 */
#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

/* 64 MiB: DMA32 16 MiB, Normal 48 MiB; 2 CPUs. */
MM_FIXTURE(sysctl, 64 * SZ_1M, 16 * SZ_1M, 0, 2)

/* A knob's value; -1 if it has none. */
static long get(const char *name)
{
	long v = -1;

	return pagemig_sysctl_get(name, &v) ? -1 : v;
}

TEST_F(sysctl, names_ranges_and_boot_defaults)
{
	char why[128];
	unsigned int i;

	for (i = 0; pagemig_sysctl_name(i); i++)
		EXPECT_EQ(0, pagemig_sysctl_get(pagemig_sysctl_name(i),
						 &(long){ 0 }));
	EXPECT_EQ(6U, i);
	EXPECT_EQ(500, get("extfrag_threshold"));
	EXPECT_EQ(500, get("vm.extfrag_threshold"));
	EXPECT_EQ(10, get("watermark_scale_factor"));
	EXPECT_EQ(0, get("percpu_pagelist_high_fraction"));
	EXPECT_EQ(20, get("compaction_proactiveness"));
	EXPECT_EQ(15000, get("watermark_boost_factor"));
	EXPECT_EQ(-ENOENT, pagemig_sysctl_set("swappiness", 1));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("extfrag_threshold", 1001));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("watermark_scale_factor", 0));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("watermark_scale_factor", 3001));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("percpu_pagelist_high_fraction", 7));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("compaction_proactiveness", 101));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_set("watermark_boost_factor", -1));
	EXPECT_EQ(-EINVAL, pagemig_sysctl_check("percpu_pagelist_high_fraction",
						1, why, sizeof(why)));
	EXPECT_STREQ("vm.percpu_pagelist_high_fraction: expected 0 or 8..2147483647, got 1",
		     why);

	/* A new machine boots with the defaults again. */
	EXPECT_EQ(0, pagemig_sysctl_set("extfrag_threshold", 900));
	EXPECT_EQ(0, pagemig_sysctl_set("watermark_scale_factor", 300));
	EXPECT_EQ(0, pagemig_sysctl_set("percpu_pagelist_high_fraction", 8));
	EXPECT_EQ(0, pagemig_sysctl_set("watermark_boost_factor", 0));
	mm_machine_up(64 * SZ_1M, 16 * SZ_1M, 0, 2);
	EXPECT_EQ(500, get("extfrag_threshold"));
	EXPECT_EQ(10, get("watermark_scale_factor"));
	EXPECT_EQ(0, get("percpu_pagelist_high_fraction"));
	EXPECT_EQ(15000, get("watermark_boost_factor"));
}

/* low - min and high - low: max(min / 4, managed * factor / 10000). */
TEST_F(sysctl, watermark_scale_factor_widens_the_watermark_gaps)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long managed = zone_managed_pages(zone), min, gap;

	ASSERT_EQ(0, pagemig_sysctl_set("watermark_scale_factor", 1000));
	min = min_wmark_pages(zone);
	gap = managed * 1000 / 10000;		/* 10% of the zone */
	ASSERT_GT(gap, min / 4);
	EXPECT_EQ(min + gap, low_wmark_pages(zone));
	EXPECT_EQ(min + 2 * gap, high_wmark_pages(zone));
	/* pcp high_min follows the low watermark: split over the 2 CPUs. */
	EXPECT_EQ((int)((min + gap) / 2), zone->per_cpu_pageset[0].high_min);
	EXPECT_EQ((int)((min + gap) / 2), zone->per_cpu_pageset[1].high_min);

	ASSERT_EQ(0, pagemig_sysctl_set("watermark_scale_factor", 1));
	gap = max(min / 4, managed / 10000);
	EXPECT_EQ(min + gap, low_wmark_pages(zone));
}

/* The min watermark splits min_free_kbytes by the zones' managed pages. */
TEST_F(sysctl, min_free_kbytes_sets_each_zones_share_of_the_minimum)
{
	struct zone *dma32 = mm_zone(ZONE_DMA32), *normal = mm_zone(ZONE_NORMAL);
	unsigned long lowmem = zone_managed_pages(dma32) +
			       zone_managed_pages(normal);
	unsigned long pages = 8192 / 4;		/* 8 MiB in pages */
	struct pagemig_zone_stats st;

	ASSERT_EQ(0, pagemig_sysctl_set("min_free_kbytes", 8192));
	EXPECT_EQ(8192, get("min_free_kbytes"));
	EXPECT_EQ(pages * zone_managed_pages(dma32) / lowmem,
		  min_wmark_pages(dma32));
	EXPECT_EQ(pages * zone_managed_pages(normal) / lowmem,
		  min_wmark_pages(normal));
	ASSERT_EQ(0, pagemig_zone_stats(ZONE_NORMAL, &st));
	EXPECT_EQ(min_wmark_pages(normal), st.min);
	/* An allocation that would go below min now fails its watermark. */
	EXPECT_FALSE(zone_watermark_ok(normal, 0,
				       zone_managed_pages(normal) + 1,
				       ZONE_NORMAL, 0));
}

/*
 * zone_highsize(): high moves between the low watermark's share over the
 * CPUs (high_min) and an eighth of the zone's (high_max); a fraction pins
 * both to managed / fraction over the CPUs, at least 4 batches.  A list's
 * high is clamped into the new range on its next use.
 */
TEST_F(sysctl, percpu_pagelist_high_fraction_sizes_the_pcp_lists)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[0];
	long batch = pcp->batch;
	long eighth = (long)(zone_managed_pages(zone) / 8 / 2);
	long low = (long)max(low_wmark_pages(zone) / 2, (unsigned long)batch * 4);
	struct page *page;

	ASSERT_GT(eighth, batch * 4);
	EXPECT_EQ(low, pcp->high_min);
	EXPECT_EQ(eighth, pcp->high_max);
	EXPECT_EQ(eighth, zone->per_cpu_pageset[1].high_max);
	ASSERT_EQ(0, pagemig_sysctl_set("percpu_pagelist_high_fraction", 16));
	EXPECT_EQ(eighth / 2, pcp->high_min);
	EXPECT_EQ(eighth / 2, pcp->high_max);
	/* A huge fraction bottoms out at four batches. */
	ASSERT_EQ(0, pagemig_sysctl_set("percpu_pagelist_high_fraction",
					 1 << 30));
	EXPECT_EQ(batch * 4, pcp->high_min);
	EXPECT_EQ(batch * 4, pcp->high_max);
	pcp->high = (int)eighth;
	page = alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(batch * 4, pcp->high);	/* clamped on use */
	__free_pages(page, 0);
	/* 0: back to the range. */
	ASSERT_EQ(0, pagemig_sysctl_set("percpu_pagelist_high_fraction", 0));
	EXPECT_EQ(low, pcp->high_min);
	EXPECT_EQ(eighth, pcp->high_max);
}

/*
 * Free every other page of the Normal zone's first @nr pages: order-0
 * holes only.  Return: how many were freed; *pfns holds the rest.
 */
static unsigned long checkerboard(unsigned long **kept, unsigned long *nr_kept)
{
	unsigned long pfn, freed = 0, n = 0, *all;
	size_t cap = pagemig_total_pages();

	all = calloc(cap, sizeof(*all));
	if (!all)
		return 0;
	while (!pagemig_alloc_pages(GFP_KERNEL, 0, &pfn))
		all[n++] = pfn;
	*kept = all;
	*nr_kept = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (i % 2) {
			pagemig_free_pages(all[i], 0);
			freed++;
		} else {
			all[(*nr_kept)++] = all[i];
		}
	}
	return freed;
}

/*
 * extfrag_threshold: compaction_suitable() turns a costly order away as
 * "lack of memory" while the fragmentation index is at or below it.
 */
TEST_F(sysctl, extfrag_threshold_decides_whether_compaction_is_suitable)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long *kept = NULL, nr_kept = 0, i;
	int index;

	ASSERT_GT(checkerboard(&kept, &nr_kept), 0UL);
	drain_all_pages(NULL);
	index = fragmentation_index(zone, 9);
	/* Nearly all free memory in order-0 blocks: close to 1000. */
	ASSERT_GT(index, 900);
	ASSERT_LT(index, 1000);

	ASSERT_EQ(0, pagemig_sysctl_set("extfrag_threshold", 1000));
	EXPECT_FALSE(compaction_suitable(zone, 9, min_wmark_pages(zone),
					 ZONE_NORMAL));
	ASSERT_EQ(0, pagemig_sysctl_set("extfrag_threshold", index - 1));
	EXPECT_TRUE(compaction_suitable(zone, 9, min_wmark_pages(zone),
					ZONE_NORMAL));
	ASSERT_EQ(0, pagemig_sysctl_set("extfrag_threshold", index));
	EXPECT_FALSE(compaction_suitable(zone, 9, min_wmark_pages(zone),
					 ZONE_NORMAL));

	for (i = 0; i < nr_kept; i++)
		pagemig_free_pages(kept[i], 0);
	free(kept);
}

TEST_F(sysctl, compaction_proactiveness_is_the_kcompactd_knob)
{
	ASSERT_EQ(0, pagemig_sysctl_set("compaction_proactiveness", 0));
	EXPECT_EQ(0, pagemig_compaction_proactiveness_get());
	ASSERT_EQ(0, pagemig_sysctl_set("vm.compaction_proactiveness", 70));
	EXPECT_EQ(70, pagemig_compaction_proactiveness_get());
	EXPECT_EQ(70U, sysctl_compaction_proactiveness);
}

/*
 * The indices from free lists set by hand.  A zone with free blocks
 * of order 0: 100, order 2: 10, order 9: 1 has
 *	free pages		100 + 40 + 512 = 652
 *	unusable_index(o)	pages in blocks below o, per mille, floored:
 *	  o = 0			0
 *	  o = 1, 2		100 / 652 = 0.153
 *	  o = 3 .. 9		140 / 652 = 0.214
 *	  o = 10		652 / 652 = 1.000
 *	extfrag_index(o)	-1.000 while a block of order >= o is free,
 *	  o = 10		1000 - (1000 + 652 * 1000 / 1024) / 111
 *				= 1000 - (1000 + 636) / 111 = 1000 - 14 = 986
 *	fragmentation score	unusable at order 9, in percent: 140 * 100 / 652 = 21
 */
TEST_F(sysctl, zone_indices_match_hand_computed_values)
{
	static const int unusable[11] = {
		0, 153, 153, 214, 214, 214, 214, 214, 214, 214, 1000,
	};
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long saved[NR_PAGE_ORDERS];
	struct pagemig_zone_stats st;
	unsigned int o;

	/* Only the counts are read: set them, then put them back. */
	spin_lock(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		saved[o] = zone->free_area[o].nr_free;
		zone->free_area[o].nr_free = 0;
	}
	zone->free_area[0].nr_free = 100;
	zone->free_area[2].nr_free = 10;
	zone->free_area[9].nr_free = 1;
	spin_unlock(&zone->lock);

	ASSERT_EQ(0, pagemig_zone_stats(ZONE_NORMAL, &st));
	for (o = 0; o < NR_PAGE_ORDERS; o++) {
		EXPECT_EQ(unusable[o], st.unusable_index[o]);
		EXPECT_EQ(o < 10 ? -1000 : 986, st.extfrag_index[o]);
	}
	EXPECT_EQ(21U, st.fragmentation_score);

	/* Nothing free: all of it unusable, and no index to speak of. */
	spin_lock(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		zone->free_area[o].nr_free = 0;
	spin_unlock(&zone->lock);
	ASSERT_EQ(0, pagemig_zone_stats(ZONE_NORMAL, &st));
	EXPECT_EQ(1000, st.unusable_index[0]);
	EXPECT_EQ(0, st.extfrag_index[9]);
	EXPECT_EQ(0U, st.fragmentation_score);

	spin_lock(&zone->lock);
	for (o = 0; o < NR_PAGE_ORDERS; o++)
		zone->free_area[o].nr_free = saved[o];
	spin_unlock(&zone->lock);
}


