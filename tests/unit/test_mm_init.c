// SPDX-License-Identifier: GPL-2.0
/*
 * mm/mm_init.c and the machine's life cycle: configuration errors name
 * their field, zone layouts, watermarks and pcp sizing, re-initialising
 * a machine, and mm_init_machine()'s own layout checks.
 */
#include "../../mm/mm_init.c"
#include "../../sim/arena.h"
#include "harness/mm_fixture.h"

static int check(uint64_t memory, uint64_t dma32, uint64_t movable,
		 unsigned int cpus, char *err, size_t len)
{
	struct pagemig_config cfg;

	pagemig_config_default(&cfg);
	cfg.memory = memory;
	cfg.dma32 = dma32;
	cfg.movable = movable;
	cfg.nr_cpus = cpus;
	err[0] = 0;
	return pagemig_config_check(&cfg, err, len);
}

TEST(config_errors_name_the_field)
{
	char err[160];
	unsigned long long host = host_ram_bytes();

	EXPECT_EQ(-EINVAL, check(3 * SZ_1M, UINT64_MAX, 0, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "memory"));
	EXPECT_NOT_NULL(strstr(err, "3M"));
	EXPECT_EQ(-EINVAL, check(0, UINT64_MAX, 0, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "memory"));
	EXPECT_EQ(-EINVAL, check(SZ_2M + 4096, UINT64_MAX, 0, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "memory"));
	EXPECT_EQ(-EINVAL, check(8 * SZ_1M, UINT64_MAX, 0, 0, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "cpus"));
	EXPECT_EQ(-EINVAL, check(8 * SZ_1M, UINT64_MAX, 0, 65, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "cpus"));
	EXPECT_NOT_NULL(strstr(err, "65"));
	EXPECT_EQ(0, check(8 * SZ_1M, UINT64_MAX, 0, 64, err, sizeof(err)));
	EXPECT_EQ(0, check(8 * SZ_1M, UINT64_MAX, 0, 1, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, check(8 * SZ_1M, 4 * SZ_1M, 6 * SZ_1M, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "dma32 + movable"));
	EXPECT_EQ(0, check(8 * SZ_1M, 4 * SZ_1M, 4 * SZ_1M, 2, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, check(8 * SZ_1M, 3 * SZ_1M, 0, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "dma32"));
	EXPECT_EQ(-EINVAL, check(8 * SZ_1M, 0, SZ_1M, 2, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "movable"));
	if (host) {
		uint64_t big = ((host >> 21) + 1) << 21;

		EXPECT_EQ(-ENOMEM, check(big, UINT64_MAX, 0, 2, err, sizeof(err)));
		EXPECT_NOT_NULL(strstr(err, "memory"));
		EXPECT_NOT_NULL(strstr(err, "RAM"));
	}
	/* machine_init reports the same and builds nothing. */
	{
		struct pagemig_config cfg;

		pagemig_config_default(&cfg);
		cfg.nr_cpus = 65;
		EXPECT_EQ(-EINVAL, pagemig_machine_init(&cfg, err, sizeof(err)));
		EXPECT_NOT_NULL(strstr(err, "cpus"));
		EXPECT_FALSE(pagemig_machine_ready());
	}
}

TEST(default_config)
{
	struct pagemig_config cfg;

	pagemig_config_default(&cfg);
	EXPECT_EQ(256 * SZ_1M, cfg.memory);
	EXPECT_EQ(UINT64_MAX, cfg.dma32);
	EXPECT_EQ(0, cfg.movable);
	EXPECT_EQ(2, cfg.nr_cpus);
}

static void check_zones(struct __test_metadata *_metadata, unsigned long dma32,
			unsigned long normal, unsigned long movable)
{
	const unsigned long want[3] = { dma32, normal, movable };
	unsigned long start = 0;
	struct pagemig_zone_stats st;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		ASSERT_EQ(0, pagemig_zone_stats(z, &st));
		EXPECT_EQ(want[z] != 0, st.populated);
		EXPECT_EQ(want[z], st.spanned);
		EXPECT_EQ(want[z], st.present);
		EXPECT_EQ(want[z], st.managed);
		if (!want[z])
			continue;
		EXPECT_EQ(start, st.start_pfn);
		EXPECT_EQ(want[z], st.free);
		EXPECT_EQ(want[z] / pageblock_nr_pages, st.nr_blocks_mt[MIGRATE_MOVABLE]);
		EXPECT_LT(st.min, st.low);
		EXPECT_LT(st.low, st.high);
		EXPECT_GT(st.min, 0);
		start += want[z];
	}
	EXPECT_EQ(start, pagemig_total_pages());
	EXPECT_EQ(start, totalram_pages());
	EXPECT_EQ(-EINVAL, pagemig_zone_stats(MAX_NR_ZONES, &st));
	EXPECT_EQ(-EINVAL, pagemig_zone_stats(-1, &st));
}

TEST(zone_layout_default)
{
	mm_machine_up(256 * SZ_1M, UINT64_MAX, 0, 2);
	/* DMA32 defaults to a sixteenth of memory, in whole pageblocks. */
	check_zones(_metadata, 4096, 65536 - 4096, 0);
	EXPECT_STREQ("DMA32", mm_zone(ZONE_DMA32)->name);
	EXPECT_STREQ("Normal", mm_zone(ZONE_NORMAL)->name);
	EXPECT_EQ(2, NODE_DATA(0)->nr_zones);
	/* Every page starts free, in the largest aligned blocks. */
	EXPECT_EQ(4, mm_zone(ZONE_DMA32)->free_area[MAX_PAGE_ORDER].nr_free);
	EXPECT_EQ(60, mm_zone(ZONE_NORMAL)->free_area[MAX_PAGE_ORDER].nr_free);
}

TEST(zone_layout_with_movable)
{
	mm_machine_up(64 * SZ_1M, 8 * SZ_1M, 16 * SZ_1M, 2);
	check_zones(_metadata, 2048, 16384 - 2048 - 4096, 4096);
	EXPECT_EQ(3, NODE_DATA(0)->nr_zones);
	/* Zone ids are in every page's flags. */
	EXPECT_EQ(ZONE_DMA32, page_zonenum(pfn_to_page(2047)));
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(pfn_to_page(2048)));
	EXPECT_EQ(ZONE_MOVABLE, page_zonenum(pfn_to_page(16383)));
	EXPECT_EQ(0, page_to_nid(pfn_to_page(100)));
	/* Lower zones are protected from higher allocations. */
	EXPECT_GT(mm_zone(ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL], 0);
	EXPECT_GE(mm_zone(ZONE_DMA32)->lowmem_reserve[ZONE_MOVABLE],
		  mm_zone(ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL]);
	EXPECT_GT(mm_zone(ZONE_NORMAL)->lowmem_reserve[ZONE_MOVABLE], 0);
	EXPECT_EQ(0, mm_zone(ZONE_MOVABLE)->lowmem_reserve[ZONE_MOVABLE]);
	EXPECT_EQ(0, mm_zone(ZONE_NORMAL)->lowmem_reserve[ZONE_DMA32]);
}

TEST(only_one_zone)
{
	mm_machine_up(2 * SZ_1M, UINT64_MAX, 0, 1);
	check_zones(_metadata, 0, 512, 0);
	EXPECT_EQ(1, mm_zone(ZONE_NORMAL)->free_area[9].nr_free);
}

TEST(pcp_sizing_is_sane)
{
	static const uint64_t sizes[] = { 2 * SZ_1M, 64 * SZ_1M, 1024 * SZ_1M };
	struct zone *zone;
	int cpu;

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		mm_machine_up(sizes[i], UINT64_MAX, 0, 4);
		for_each_populated_zone(zone) {
			for_each_possible_cpu(cpu) {
				struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

				EXPECT_GE(pcp->batch, 1);
				EXPECT_LE(pcp->batch, 63);	/* 2^n - 1, <= 256K */
				EXPECT_TRUE(is_power_of_2((unsigned long)pcp->batch + 1));
				EXPECT_GE(pcp->high, 4 * pcp->batch);
				EXPECT_EQ(0, pcp->count);
				EXPECT_EQ(zone->per_cpu_pageset[0].high, pcp->high);
			}
		}
		EXPECT_EQ(4, nr_cpu_ids);
		mm_check_invariants(true);
		pagemig_machine_exit();
	}
}

TEST(machine_reinit_after_exit)
{
	char err[160];
	struct pagemig_config cfg;
	unsigned long v;
	struct page *page;

	mm_machine_up(16 * SZ_1M, UINT64_MAX, 0, 2);
	pagemig_config_default(&cfg);
	cfg.memory = 8 * SZ_1M;
	EXPECT_EQ(-EBUSY, pagemig_machine_init(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "exit"));
	/* Leave pages allocated and counters moved, then exit. */
	page = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NOT_NULL(page);
	pagemig_machine_exit();
	EXPECT_FALSE(pagemig_machine_ready());
	pagemig_machine_exit();		/* twice is harmless */

	mm_machine_up(32 * SZ_1M, 4 * SZ_1M, 4 * SZ_1M, 1);
	EXPECT_EQ(8192, pagemig_total_pages());
	EXPECT_EQ(8192, pagemig_free_pages_count());
	EXPECT_EQ(0, nr_used_pages());
	EXPECT_EQ(0, pagemig_vmstat_get("pgalloc_normal", &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, pagemig_validate(stderr));
	page = alloc_pages(GFP_KERNEL, 0);
	ASSERT_NOT_NULL(page);
	__free_pages(page, 0);
}

TEST(mm_init_machine_rejects_bad_layouts)
{
	struct machine_layout l = { .nr_pages = 1024, .nr_cpus = 1 };

	l.zone_pages[ZONE_NORMAL] = 1000;		/* not whole pageblocks */
	EXPECT_EQ(-EINVAL, mm_init_machine(&l));
	l.zone_pages[ZONE_NORMAL] = 512;		/* does not add up */
	EXPECT_EQ(-EINVAL, mm_init_machine(&l));
	l.zone_pages[ZONE_NORMAL] = 1024;
	l.nr_cpus = 0;
	EXPECT_EQ(-EINVAL, mm_init_machine(&l));
	l.nr_cpus = NR_CPUS + 1;
	EXPECT_EQ(-EINVAL, mm_init_machine(&l));
	memset(l.zone_pages, 0, sizeof(l.zone_pages));
	l.nr_pages = 0;
	l.nr_cpus = 1;
	EXPECT_EQ(-EINVAL, mm_init_machine(&l));
	EXPECT_NULL(mem_map);
}
