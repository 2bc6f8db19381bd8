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

/*
 * A machine the host has the RAM for but not the free memory: the library
 * says so (the CLI warns); one beyond its RAM is refused.  The host's free
 * figure is played by PAGEMIG_HOST_AVAILABLE, so no big machine is needed.
 */
TEST(host_memory_warns_below_ram_and_refuses_above)
{
	struct pagemig_host_memory hm;
	struct pagemig_config cfg;
	unsigned long long host = host_ram_bytes();
	char err[160];

	pagemig_config_default(&cfg);
	cfg.memory = 128 * SZ_1M;
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "64M", 1));
	EXPECT_EQ(0, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_EQ(1, pagemig_host_memory(&cfg, &hm));
	/* The arena and a 64-byte struct page for each of its 32768 PFNs. */
	EXPECT_EQ(128 * SZ_1M + 32768 * 64, hm.need);
	EXPECT_EQ(64 * SZ_1M, hm.available);
	EXPECT_STREQ("PAGEMIG_HOST_AVAILABLE", hm.source);
	/* mem_map counts: 130 MiB needed, 129 MiB free is still short. */
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "132096K", 1));
	EXPECT_EQ(1, pagemig_host_memory(&cfg, &hm));
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "130M", 1));
	EXPECT_EQ(0, pagemig_host_memory(&cfg, &hm));
	/* A sparse import touches little of its arena: mem_map only. */
	cfg.sparse = true;
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "2M", 1));
	EXPECT_EQ(0, pagemig_host_memory(&cfg, &hm));
	EXPECT_EQ(32768 * 64, hm.need);
	cfg.sparse = false;
	/* Not a size: the host's own figure. */
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "lots", 1));
	EXPECT_EQ(0, pagemig_host_memory(&cfg, &hm));
	EXPECT_GT(hm.available, 0ULL);
	EXPECT_NOT_NULL(hm.source);
	EXPECT_STRNE("PAGEMIG_HOST_AVAILABLE", hm.source);
	ASSERT_EQ(0, unsetenv("PAGEMIG_HOST_AVAILABLE"));
	EXPECT_EQ(-EINVAL, pagemig_host_memory(NULL, &hm));
	EXPECT_EQ(-EINVAL, pagemig_host_memory(&cfg, NULL));
	/* Beyond the host's RAM: refused, whatever is free. */
	if (host) {
		cfg.memory = ((host >> 21) + 1) << 21;
		EXPECT_EQ(-ENOMEM, pagemig_config_check(&cfg, err, sizeof(err)));
		EXPECT_NOT_NULL(strstr(err, "RAM"));
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
	const unsigned long want[MAX_NR_ZONES] = { 0, dma32, normal, movable, 0 };
	unsigned long start = 0;
	struct pagemig_zone_stats st;

	/* A machine built from a size has no DMA and no Device zone. */
	EXPECT_EQ(-ENOENT, pagemig_zone_stats(ZONE_DMA, &st));
	EXPECT_EQ(-ENOENT, pagemig_zone_stats(ZONE_DEVICE, &st));
	for (int z = ZONE_DMA32; z <= ZONE_MOVABLE; z++) {
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
	EXPECT_EQ(ZONE_NORMAL + 1, NODE_DATA(0)->nr_zones);
	/* Every page starts free, in the largest aligned blocks. */
	EXPECT_EQ(4, mm_zone(ZONE_DMA32)->free_area[MAX_PAGE_ORDER].nr_free);
	EXPECT_EQ(60, mm_zone(ZONE_NORMAL)->free_area[MAX_PAGE_ORDER].nr_free);
}

TEST(zone_layout_with_movable)
{
	mm_machine_up(64 * SZ_1M, 8 * SZ_1M, 16 * SZ_1M, 2);
	check_zones(_metadata, 2048, 16384 - 2048 - 4096, 4096);
	EXPECT_EQ(ZONE_MOVABLE + 1, NODE_DATA(0)->nr_zones);
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

/*
 * A machine laid out as a real one: ZONE_DMA from PFN 1 with the BIOS
 * hole below 1 MiB, DMA32 ending in a section with no memory, Normal
 * above, empty Movable and Device zones, and the watermarks,
 * lowmem_reserve and pcp sizes given.  384 MiB: three 128 MiB sections.
 */
TEST(zone_layout_as_a_real_machine)
{
	static const struct pagemig_pfn_range holes[] = {
		{ 0x9f, 0x100 }, { 0x8000, 0x10000 },
	};
	struct pagemig_layout l = { .holes = holes, .nr_holes = 2 };
	struct pagemig_zone_stats st;
	struct pagemig_config cfg;
	char err[256] = "";
	struct page *page;
	int z;

	l.zones[PAGEMIG_ZONE_DMA] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 1, .spanned = 0xfff,
		.min = 33, .low = 41, .high = 49, .promo = 57,
		.lowmem_reserve = { 0, 100, 200, 200, 200 },
		.has_lowmem_reserve = true,
	};
	l.zones[PAGEMIG_ZONE_DMA32] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x1000, .spanned = 0xf000,
	};
	l.zones[PAGEMIG_ZONE_NORMAL] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x10000, .spanned = 0x8000,
		.pcp_high = { 700, 600 }, .pcp_batch = { 31, 31 },
	};
	l.zones[PAGEMIG_ZONE_MOVABLE].exists = true;
	l.zones[PAGEMIG_ZONE_DEVICE].exists = true;
	pagemig_config_default(&cfg);
	cfg.memory = 0x18000UL * PAGE_SIZE;
	cfg.layout = &l;
	cfg.sparse = true;
	cfg.seed = test_seed();
	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, pagemig_machine_init(&cfg, err, sizeof(err)));
	kcompactd_stop(0);
	mm_warnings_base = pagemig_warnings();

	ASSERT_EQ(0, pagemig_zone_stats(PAGEMIG_ZONE_DMA, &st));
	EXPECT_STREQ("DMA", st.name);
	EXPECT_EQ(1, st.start_pfn);
	EXPECT_EQ(0xfff, st.spanned);
	EXPECT_EQ(0xfff - 0x61, st.present);
	EXPECT_EQ(st.present, st.managed);
	EXPECT_EQ(st.present, st.free);
	EXPECT_EQ(33, st.min);
	EXPECT_EQ(49, st.high);
	/* pagetypeinfo counts from PFN 1, one PFN a pageblock: 8 blocks. */
	EXPECT_EQ(8, st.nr_blocks_mt[MIGRATE_MOVABLE]);
	EXPECT_EQ(200, mm_zone(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL]);
	ASSERT_EQ(0, pagemig_zone_stats(PAGEMIG_ZONE_DMA32, &st));
	EXPECT_EQ(0xf000, st.spanned);
	EXPECT_EQ(0x7000, st.present);
	EXPECT_EQ(0x7000, st.free);
	/* The section with no memory is not counted, as the kernel skips it. */
	EXPECT_EQ(0x7000 / 512, st.nr_blocks_mt[MIGRATE_MOVABLE]);
	ASSERT_EQ(0, pagemig_zone_stats(PAGEMIG_ZONE_NORMAL, &st));
	EXPECT_EQ(0x10000, st.start_pfn);
	EXPECT_EQ(700, mm_zone(ZONE_NORMAL)->per_cpu_pageset[0].high);
	EXPECT_EQ(600, mm_zone(ZONE_NORMAL)->per_cpu_pageset[1].high);
	EXPECT_EQ(31, mm_zone(ZONE_NORMAL)->per_cpu_pageset[1].batch);
	for (z = PAGEMIG_ZONE_MOVABLE; z <= PAGEMIG_ZONE_DEVICE; z++) {
		ASSERT_EQ(0, pagemig_zone_stats(z, &st));
		EXPECT_FALSE(st.populated);
	}
	EXPECT_EQ(ZONE_NORMAL + 1, NODE_DATA(0)->nr_zones);
	EXPECT_EQ(0xfff - 0x61 + 0x7000 + 0x8000, pagemig_free_pages_count());
	EXPECT_EQ(0xfff - 0x61 + 0x7000 + 0x8000, totalram_pages());

	/* Holes and PFN 0: reserved pages of the zone around them. */
	EXPECT_TRUE(PageReserved(pfn_to_page(0)));
	EXPECT_EQ(ZONE_DMA, page_zonenum(pfn_to_page(0)));
	EXPECT_TRUE(PageReserved(pfn_to_page(0xa0)));
	EXPECT_FALSE(PageBuddy(pfn_to_page(0xa0)));
	EXPECT_TRUE(PageReserved(pfn_to_page(0x9000)));
	EXPECT_EQ(ZONE_DMA32, page_zonenum(pfn_to_page(0x9000)));
	EXPECT_FALSE(PageReserved(pfn_to_page(0x9e)));
	/* Only a section with no memory at all is offline. */
	EXPECT_NOT_NULL(pfn_to_online_page(0xa0));
	EXPECT_NULL(pfn_to_online_page(0x8000));
	EXPECT_NULL(pfn_to_online_page(0xffff));
	EXPECT_NOT_NULL(pfn_to_online_page(0x10000));
	EXPECT_NULL(pfn_to_online_page(0x18000));
	/* /proc/kpageflags: NOPAGE for no section, RESERVED for a hole page. */
	{
		uint64_t f[2], c[2];

		ASSERT_EQ(0, pagemig_kpageflags_read(0xa0, 1, f, c));
		EXPECT_EQ(1ULL << PAGEMIG_KPF_RESERVED, f[0]);
		ASSERT_EQ(0, pagemig_kpageflags_read(0x8000, 2, f, c));
		EXPECT_EQ(1ULL << PAGEMIG_KPF_NOPAGE, f[0]);
		EXPECT_EQ(0, c[1]);
	}

	/* It runs: allocation from each zone, a full compaction. */
	page = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_NORMAL, page_zonenum(page));
	__free_pages(page, 3);
	page = alloc_pages(GFP_KERNEL | __GFP_DMA32, 0);
	ASSERT_NOT_NULL(page);
	EXPECT_EQ(ZONE_DMA32, page_zonenum(page));
	__free_pages(page, 0);
	EXPECT_EQ(0, pagemig_compact(-1));
	mm_check_invariants(true);
	pagemig_machine_exit();
}

TEST(real_layouts_that_do_not_add_up_are_refused)
{
	static const struct pagemig_pfn_range bad_holes[] = {
		{ 0x400, 0x800 }, { 0x200, 0x300 },
	};
	struct pagemig_layout l = { 0 };
	struct pagemig_config cfg;
	char err[256] = "";

	pagemig_config_default(&cfg);
	cfg.memory = 0x1000UL * PAGE_SIZE;
	cfg.layout = &l;
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "no zone"));
	l.zones[ZONE_DMA32] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x100, .spanned = 0x800,
	};
	l.zones[ZONE_NORMAL] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0x800, .spanned = 0x800,
	};
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "inside the zone below"));
	l.zones[ZONE_NORMAL].start_pfn = 0x900;
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "beyond memory"));
	l.zones[ZONE_NORMAL].spanned = 0x400;
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "expected memory of 0xe00 pages"));
	l.zones[ZONE_NORMAL].spanned = 0x700;
	EXPECT_EQ(0, pagemig_config_check(&cfg, err, sizeof(err)));
	l.holes = bad_holes;
	l.nr_holes = 2;
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "hole 1"));
	l.nr_holes = 0;
	l.zones[ZONE_DEVICE] = (struct pagemig_zone_layout){
		.exists = true, .start_pfn = 0xf00, .spanned = 0x100,
	};
	EXPECT_EQ(-EINVAL, pagemig_config_check(&cfg, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "Device"));
}
