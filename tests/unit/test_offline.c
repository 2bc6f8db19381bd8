// SPDX-License-Identifier: GPL-2.0
/*
 * mm/memory_hotplug.c: offline_pages() migrates anon, file and THP
 * folios, balloon pages and zsmalloc pages out of the range with their
 * contents, takes the range out of the zone (managed, present and free
 * counts drop by its size) and gives its frames back to the host
 * (pagemig_resident_pages()); an in-use PageOffline page without
 * movable_ops makes it fail with -EBUSY, the range back in service;
 * online_pages() restores every count; fault injection during
 * offlining fails cleanly.
 */
#include <pthread.h>

#include <pagemig/pagemig.h>
#include "../../mm/memory_hotplug.c"
#include "harness/mm_fixture.h"
#include "harness/iso_helpers.h"

MM_FIXTURE_MOPS(off, 64 * SZ_1M, 8 * SZ_1M, 0, 2)

struct counts {
	unsigned long managed, present, free, total, resident;
};

static void counts(struct counts *c, struct zone *zone)
{
	drain_all_pages(NULL);
	c->managed = zone_managed_pages(zone);
	c->present = zone->present_pages;
	c->free = zone_page_state(zone, NR_FREE_PAGES);
	c->total = totalram_pages();
	c->resident = pagemig_resident_pages();
}

/* Make every frame of the range resident, so discarding it shows. */
static void touch_range(struct __test_metadata *_metadata, unsigned long start)
{
	ASSERT_EQ(0, alloc_contig_range(start, start + ISO_RANGE));
	pagemig_fill_tag(start, ISO_RANGE, 0x0ff1);
	free_contig_range(start, ISO_RANGE);
}

TEST_F(off, offline_free_range_and_online)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long start = iso_free_range(zone);
	struct counts c0, c1, c2;

	ASSERT_NE(ULONG_MAX, start);
	touch_range(_metadata, start);
	counts(&c0, zone);
	ASSERT_EQ(0, pagemig_offline(start, ISO_RANGE));
	counts(&c1, zone);
	EXPECT_EQ(c0.managed - ISO_RANGE, c1.managed);
	EXPECT_EQ(c0.present - ISO_RANGE, c1.present);
	EXPECT_EQ(c0.free - ISO_RANGE, c1.free);
	EXPECT_EQ(c0.total - ISO_RANGE, c1.total);
	EXPECT_LE(c1.resident + ISO_RANGE, c0.resident);
	for (unsigned long pfn = start; pfn < start + ISO_RANGE; pfn++) {
		struct page *page = pfn_to_page(pfn);

		EXPECT_TRUE(PageReserved(page) && PageOffline(page));
		if (!PageReserved(page))
			break;
	}
	EXPECT_EQ(0, pagemig_validate(stderr));
	/* Offline twice, or alloc_contig over it: refused. */
	EXPECT_EQ(-EBUSY, pagemig_offline(start, ISO_RANGE));
	EXPECT_EQ(-EBUSY, pagemig_alloc_contig(start, ISO_RANGE));

	ASSERT_EQ(0, pagemig_online(start, ISO_RANGE));
	counts(&c2, zone);
	EXPECT_EQ(c0.managed, c2.managed);
	EXPECT_EQ(c0.present, c2.present);
	EXPECT_EQ(c0.free, c2.free);
	EXPECT_EQ(c0.total, c2.total);
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
	/* Online twice: not offline any more. */
	EXPECT_EQ(-EINVAL, pagemig_online(start, ISO_RANGE));
	/* Usable again. */
	ASSERT_EQ(0, pagemig_alloc_contig(start, ISO_RANGE));
	ASSERT_EQ(0, pagemig_free_contig(start, ISO_RANGE));
}

/* Offline the range holding the most of @kind: all of it moves out. */
static void offline_over(struct __test_metadata *_metadata, int kind)
{
	struct iso_world w = { .nr_anon = 2048, .nr_file = 512, .nr_thp = 2048,
			       .nr_balloon = 512, .nr_zram = 2048 };
	unsigned long start, nr, ok0;
	struct counts c0, c1;
	struct zone *zone;

	ASSERT_EQ(0, iso_world_up(&w));
	start = iso_find_range(kind, 1, MEMORY_OFFLINE);
	ASSERT_NE(ULONG_MAX, start);
	zone = page_zone(pfn_to_page(start));
	nr = iso_count(start, ISO_RANGE, kind);
	ok0 = pagemig_vmstat("pgmigrate_success");
	counts(&c0, zone);

	ASSERT_EQ(0, pagemig_offline(start, ISO_RANGE));
	counts(&c1, zone);
	TH_LOG("range 0x%lx: %lu pages of the kind, %lu migrated", start, nr,
	       pagemig_vmstat("pgmigrate_success") - ok0);
	EXPECT_GE(pagemig_vmstat("pgmigrate_success") - ok0, nr);
	EXPECT_EQ(c0.managed - ISO_RANGE, c1.managed);
	EXPECT_EQ(c0.present - ISO_RANGE, c1.present);
	/* Its free pages left, the moved pages took as many elsewhere. */
	EXPECT_EQ(c0.free - ISO_RANGE, c1.free);
	/* Old frames discarded, new ones touched: no growth. */
	EXPECT_LE(c1.resident, c0.resident);
	for (int k = 0; k < ISO_NR_KINDS; k++)
		EXPECT_EQ(0, iso_count(start, ISO_RANGE, k));
	EXPECT_EQ(0, iso_world_check(&w));
	/* The harness counts max_pfn; the validator the present pages. */
	EXPECT_EQ(0, pagemig_validate(stderr));

	ASSERT_EQ(0, pagemig_online(start, ISO_RANGE));
	EXPECT_EQ(0, iso_world_check(&w));
	iso_world_down(&w);
}

struct online_race {
	unsigned long start;
	struct test_barrier *go;
	int ret;
};

static void *online_racer(void *arg)
{
	struct online_race *r = arg;

	set_cpu_id(1);
	test_barrier_wait(r->go);
	r->ret = pagemig_online(r->start, ISO_RANGE);
	return NULL;
}

/*
 * Two onlinings of one range at once: exactly one succeeds, the pages
 * are freed once (mem_hotplug_lock serialises them; without it both
 * passed the "is it offline" check and freed every page twice).  The
 * node's present pages follow the zone's.  Found by review.
 */
TEST_F(off, concurrent_online_frees_once)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long start = iso_free_range(zone);
	unsigned long node0 = NODE_DATA(0)->node_present_pages;
	struct online_race r[2];
	struct test_barrier go;
	pthread_t th[2];
	int i;

	ASSERT_NE(ULONG_MAX, start);
	ASSERT_EQ(0, pagemig_offline(start, ISO_RANGE));
	EXPECT_EQ(node0 - ISO_RANGE, NODE_DATA(0)->node_present_pages);
	ASSERT_EQ(0, test_barrier_init(&go, 2));
	for (i = 0; i < 2; i++) {
		r[i] = (struct online_race){ .start = start, .go = &go };
		ASSERT_EQ(0, pagemig_thread_create(&th[i], "online-racer", online_racer, &r[i]));
	}
	for (i = 0; i < 2; i++)
		pagemig_thread_join(th[i], NULL);
	EXPECT_EQ(-EINVAL, r[0].ret + r[1].ret);
	EXPECT_EQ(node0, NODE_DATA(0)->node_present_pages);
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
	EXPECT_EQ(0, pagemig_validate(stderr));
}

TEST_F(off, offline_migrates_anon) { offline_over(_metadata, ISO_ANON); }
TEST_F(off, offline_migrates_file) { offline_over(_metadata, ISO_FILE); }
TEST_F(off, offline_migrates_thp) { offline_over(_metadata, ISO_THP); }
TEST_F(off, offline_migrates_balloon) { offline_over(_metadata, ISO_BALLOON); }
TEST_F(off, offline_migrates_zsmalloc) { offline_over(_metadata, ISO_ZSMALLOC); }

/*
 * A driver's PageOffline page still referenced and without movable_ops
 * pins the range: isolation looks past it (MEMORY_OFFLINE), then
 * scan_movable_pages() sees it and offlining fails with -EBUSY.
 */
TEST_F(off, offline_ebusy_on_referenced_pageoffline_page)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	struct iso_world w = { .nr_anon = 256 };
	unsigned long start, hole, pfn;
	struct counts c0, c1;

	start = iso_free_range(zone);
	ASSERT_NE(ULONG_MAX, start);
	ASSERT_EQ(0, alloc_contig_range(start, start + ISO_RANGE));
	hole = start + 700;
	for (pfn = start; pfn < start + ISO_RANGE; pfn++)
		if (pfn != hole)
			__free_page(pfn_to_page(pfn));
	/* Offline without movable_ops: SetPageMovableOps() never called. */
	__SetPageOffline(pfn_to_page(hole));
	ASSERT_EQ(0, iso_world_up(&w));
	counts(&c0, zone);

	EXPECT_EQ(-EBUSY, pagemig_offline(start, ISO_RANGE));
	counts(&c1, zone);
	EXPECT_EQ(c0.managed, c1.managed);
	EXPECT_EQ(c0.present, c1.present);
	EXPECT_EQ(c0.free, c1.free);
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_EQ(0, iso_world_check(&w));

	/* The driver lets go: now it offlines. */
	put_page(pfn_to_page(hole));
	EXPECT_EQ(0, pagemig_offline(start, ISO_RANGE));
	EXPECT_EQ(0, pagemig_online(start, ISO_RANGE));
	iso_world_down(&w);
}

/*
 * Regression: offlining took every page of the range off the buddy and
 * failed with -EBUSY at the first that was not free, so a hwpoisoned
 * page (or a driver's unreferenced PageOffline page), which isolation
 * lets through, made every offline fail.  They are stepped over, leave
 * with the range, and onlining does not free them.
 */
static void offline_with_page_left_out(struct __test_metadata *_metadata,
				       unsigned long start, unsigned long pfn)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	struct page *page = pfn_to_page(pfn);
	struct counts c0, c1, c2;

	counts(&c0, zone);
	ASSERT_EQ(0, pagemig_offline(start, ISO_RANGE));
	counts(&c1, zone);
	EXPECT_EQ(c0.managed - ISO_RANGE, c1.managed);
	EXPECT_EQ(c0.present - ISO_RANGE, c1.present);
	/* The page left out was not free to begin with. */
	EXPECT_EQ(c0.free - (ISO_RANGE - 1), c1.free);
	EXPECT_TRUE(PageReserved(page) && PageOffline(page));
	EXPECT_EQ(0, pagemig_validate(stderr));

	ASSERT_EQ(0, pagemig_online(start, ISO_RANGE));
	counts(&c2, zone);
	EXPECT_EQ(c0.managed, c2.managed);
	EXPECT_EQ(c0.present, c2.present);
	EXPECT_EQ(c0.free, c2.free);
	EXPECT_FALSE(PageBuddy(page));
	EXPECT_FALSE(PageReserved(page));
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_EQ(0, pagemig_validate(stderr));
}

TEST_F(off, offline_steps_over_hwpoisoned_page)
{
	unsigned long start = iso_free_range(mm_zone(ZONE_NORMAL));

	ASSERT_NE(ULONG_MAX, start);
	ASSERT_EQ(0, pagemig_soft_offline(start + 77));
	mm_expect_leak(1);
	ASSERT_TRUE(PageHWPoison(pfn_to_page(start + 77)));
	offline_with_page_left_out(_metadata, start, start + 77);
	/* Still poisoned, still out of use; the rest is usable again. */
	EXPECT_TRUE(PageHWPoison(pfn_to_page(start + 77)));
	EXPECT_FALSE(PageOffline(pfn_to_page(start + 77)));
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
}

TEST_F(off, offline_steps_over_unreferenced_pageoffline_page)
{
	unsigned long start = iso_free_range(mm_zone(ZONE_NORMAL)), pfn, hole;
	struct page *page;

	ASSERT_NE(ULONG_MAX, start);
	ASSERT_EQ(0, alloc_contig_range(start, start + ISO_RANGE));
	hole = start + 700;
	for (pfn = start; pfn < start + ISO_RANGE; pfn++)
		if (pfn != hole)
			__free_page(pfn_to_page(pfn));
	/* A driver's logically offline page, its reference dropped. */
	page = pfn_to_page(hole);
	__SetPageOffline(page);
	set_page_count(page, 0);
	offline_with_page_left_out(_metadata, start, hole);
	/* Still the driver's; it gives the page back. */
	EXPECT_TRUE(PageOffline(page));
	set_page_count(page, 1);
	__ClearPageOffline(page);
	__free_page(page);
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
}

/* An unmovable allocation fails isolation up front. */
TEST_F(off, offline_ebusy_on_unmovable_page)
{
	struct zone *zone = mm_zone(ZONE_NORMAL);
	unsigned long start = iso_free_range(zone), pfn;

	ASSERT_NE(ULONG_MAX, start);
	ASSERT_EQ(0, alloc_contig_range(start, start + ISO_RANGE));
	for (pfn = start + 1; pfn < start + ISO_RANGE; pfn++)
		__free_page(pfn_to_page(pfn));
	EXPECT_EQ(-EBUSY, pagemig_offline(start, ISO_RANGE));
	EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
	__free_page(pfn_to_page(start));
}

/* Fail @point from its n-th hit, n = 1, 2, 4, ...: clean until it works. */
static void offline_fault_loop(struct __test_metadata *_metadata, const char *point, int kind)
{
	struct iso_world w = { .nr_anon = 1024, .nr_file = 256, .nr_thp = 1024,
			       .nr_balloon = 256, .nr_zram = 1024 };
	unsigned long start, n, failures = 0;
	struct counts c0, c1;
	struct zone *zone;
	int ret = -1;

	ASSERT_EQ(0, iso_world_up(&w));
	start = iso_find_range(kind, 1, MEMORY_OFFLINE);
	ASSERT_NE(ULONG_MAX, start);
	zone = page_zone(pfn_to_page(start));
	for (n = 1; n <= 1UL << 16 && ret; n *= 2) {
		counts(&c0, zone);
		ASSERT_EQ(0, pagemig_fault_arm(point, n, 1UL << 40));
		ret = pagemig_offline(start, ISO_RANGE);
		pagemig_fault_disarm_all();
		if (ret) {
			EXPECT_EQ(-EBUSY, ret);
			counts(&c1, zone);
			EXPECT_EQ(c0.managed, c1.managed);
			EXPECT_EQ(c0.free, c1.free);
			EXPECT_TRUE(iso_range_in_service(start, ISO_RANGE));
			failures++;
		}
		EXPECT_EQ(0, pagemig_validate(stderr));
		EXPECT_EQ(0, iso_world_check(&w));
	}
	TH_LOG("%s: %lu failed attempts, success from hit %lu", point, failures, n / 2);
	EXPECT_EQ(0, ret);
	EXPECT_GT(failures, 0);
	if (!ret)
		ASSERT_EQ(0, pagemig_online(start, ISO_RANGE));
	iso_world_down(&w);
}

TEST_F(off, offline_fault_migrate_alloc) { offline_fault_loop(_metadata, "migrate_alloc", ISO_ANON); }
TEST_F(off, offline_fault_movable_ops_migrate)
{
	offline_fault_loop(_metadata, "movable_ops_migrate", ISO_ZSMALLOC);
}
TEST_F(off, offline_fault_isolate_lru) { offline_fault_loop(_metadata, "isolate_lru", ISO_FILE); }
