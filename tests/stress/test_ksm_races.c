// SPDX-License-Identifier: GPL-2.0
/*
 * KSM races, for SAN=thread YIELD=1 builds:
 *
 *  - a CPU reading and writing pages whose contents repeat (so KSM keeps
 *    merging them, and every write to a merged page copies it) while the
 *    other CPU runs KSM scans, full compactions and explicit migrations
 *    of the same pages, KSM folios included, and ksmd scans at the same
 *    time (scans overlapping migrations): every read sees the
 *    generation last written, no write is lost;
 *  - ksmd scanning while processes with mergeable memory come and go
 *    (munmap and exit racing the scanner and its rmap items): nothing
 *    crashes, nothing leaks, and every page reads back until its exit.
 *
 * Seeded.  Duration: STRESS_SECONDS per test (default 3, 20 with -l).
 */
#include <pthread.h>
#include <stdlib.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

#define NA	256
#define NCONTENTS	8	/* contents repeat every NCONTENTS pages */
#define NGEN	3		/* and writes cycle through few generations */

MM_FIXTURE(kr, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

static unsigned long long budget_ns(void)
{
	return (unsigned long long)(stress_seconds(3) * 1e9);
}

static uint64_t content_tag(unsigned int i, uint32_t gen)
{
	return (uint64_t)(i % NCONTENTS) << 32 | gen;
}

struct acc {
	int pid, stop, bad;
	unsigned long anon;
	uint64_t seed;
	unsigned long reads, writes;
	uint32_t gen[NA];
};

static void *accessor(void *arg)
{
	struct acc *a = arg;
	struct pagemig_rng rng;
	uint64_t buf[PAGE_SIZE / 8];

	set_cpu_id(1);
	pagemig_rng_seed(&rng, a->seed);
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		unsigned int i = (unsigned int)pagemig_rng_below(&rng, NA);
		unsigned long addr = a->anon + i * PAGE_SIZE;

		if (pagemig_access(a->pid, addr, buf, PAGE_SIZE, false) ||
		    !pm_tag_ok(buf, content_tag(i, a->gen[i]))) {
			a->bad++;
			break;
		}
		a->reads++;
		if (!pagemig_rng_below(&rng, 8)) {
			a->gen[i] = (a->gen[i] + 1) % NGEN;
			pm_tag_fill(buf, content_tag(i, a->gen[i]));
			if (pagemig_access(a->pid, addr, buf, PAGE_SIZE, true)) {
				a->bad++;
				break;
			}
			a->writes++;
		}
	}
	return NULL;
}

TEST_F(kr, accessors_vs_ksm_scans_and_migration)
{
	static struct acc a;
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long cow0 = pagemig_vmstat("cow_ksm"), moved = 0, ksm_moved = 0;
	unsigned long scans = 0, compactions = 0;
	struct pagemig_ksm_stats st;
	unsigned int i;
	pthread_t th;

	memset(&a, 0, sizeof(a));
	a.seed = test_seed();
	a.pid = pagemig_process_create();
	ASSERT_LE(0, a.pid);
	ASSERT_EQ(0, pagemig_mmap_anon(a.pid, NA * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a.anon));
	for (i = 0; i < NA; i++)
		ASSERT_EQ(0, pm_write_tag(a.pid, a.anon + i * PAGE_SIZE, content_tag(i, 0)));
	ASSERT_EQ(0, pagemig_madvise_mergeable(a.pid, a.anon));
	ASSERT_LT(0, pagemig_ksm_full_scans(2));

	ASSERT_EQ(0, pagemig_thread_create(&th, "accessor", accessor, &a));
	ASSERT_EQ(0, pagemig_ksm_run(1, 64, 1));
	while (ktime_get_ns() < end && !__atomic_load_n(&a.bad, __ATOMIC_RELAXED)) {
		unsigned int what = (unsigned int)pagemig_rng_below(rng, 16);

		if (what < 10) {
			pagemig_ksm_scan(32);
			scans++;
		} else if (what == 10) {
			ASSERT_EQ(0, pagemig_compact(-1));
			compactions++;
		} else {
			unsigned long addr = a.anon +
				pagemig_rng_below(rng, NA) * PAGE_SIZE;
			struct folio *folio = pm_folio(a.pid, addr);
			bool ksm = folio && folio_test_ksm(folio);

			if (pm_migrate_to(a.pid, addr, pagemig_rng_below(rng, 2) ?
					ZONE_NORMAL : ZONE_DMA32)) {
				moved++;
				ksm_moved += ksm;
			}
		}
	}
	__atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	ASSERT_EQ(0, pagemig_ksm_run(0, 0, 0));
	ASSERT_EQ(0, pagemig_ksm_stats(&st));
	TH_LOG("%lu reads, %lu writes (%lu copies of KSM pages), %lu scan batches, %lu compactions, %lu moves (%lu of KSM folios); %lu shared, %lu sharing",
	       a.reads, a.writes, pagemig_vmstat("cow_ksm") - cow0, scans, compactions,
	       moved, ksm_moved, st.pages_shared, st.pages_sharing);
	EXPECT_EQ(0, a.bad);
	EXPECT_LT(0, a.writes);
	EXPECT_LT(0, pagemig_vmstat("cow_ksm") - cow0);
	for (i = 0; i < NA; i++)
		if (!pm_check_tag(a.pid, a.anon + i * PAGE_SIZE, content_tag(i, a.gen[i])))
			FAIL("page %u lost generation %u", i, a.gen[i]);
	/* Quiet now: two more scans merge everything equal again. */
	ASSERT_LT(0, pagemig_ksm_full_scans(2));
	ASSERT_EQ(0, pagemig_ksm_stats(&st));
	EXPECT_GE(NCONTENTS * NGEN, st.pages_shared);
	EXPECT_EQ(NA, st.pages_shared + st.pages_sharing);
	EXPECT_EQ(0, pm_nr_isolated());
	ASSERT_EQ(0, pagemig_process_exit(a.pid));
}

/* ---- ksmd against munmap and exit ---- */

TEST_F(kr, ksmd_vs_munmap_and_exit)
{
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long rounds = 0, merged = 0;
	struct pagemig_ksm_stats st;

	ASSERT_EQ(0, pagemig_ksm_run(1, 64, 1));
	while (ktime_get_ns() < end) {
		unsigned long a, b, n = 16 + pagemig_rng_below(rng, 48), i;
		int pid = pagemig_process_create();

		ASSERT_LE(0, pid);
		ASSERT_EQ(0, pagemig_mmap_anon(pid, n * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a));
		ASSERT_EQ(0, pagemig_mmap_anon(pid, n * PAGE_SIZE, PAGEMIG_MAP_WRITE, &b));
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, pm_write_tag(pid, a + i * PAGE_SIZE, i % 4));
			ASSERT_EQ(0, pm_write_tag(pid, b + i * PAGE_SIZE, i % 4));
		}
		ASSERT_EQ(0, pagemig_madvise_mergeable(pid, a));
		ASSERT_EQ(0, pagemig_madvise_mergeable(pid, b));
		msleep((unsigned int)pagemig_rng_below(rng, 8));
		for (i = 0; i < n; i++)
			merged += folio_test_ksm(pm_folio(pid, b + i * PAGE_SIZE));
		if (pagemig_rng_below(rng, 2))
			ASSERT_EQ(0, pagemig_munmap(pid, a));
		msleep((unsigned int)pagemig_rng_below(rng, 4));
		for (i = 0; i < n; i++)
			if (!pm_check_tag(pid, b + i * PAGE_SIZE, i % 4))
				FAIL("round %lu: page %lu of %lu corrupted", rounds, i, n);
		ASSERT_EQ(0, pagemig_process_exit(pid));
		rounds++;
	}
	ASSERT_EQ(0, pagemig_ksm_run(0, 0, 0));
	ASSERT_EQ(0, pagemig_ksm_stats(&st));
	TH_LOG("%lu processes came and went; %lu of their pages seen merged; %lu full scans",
	       rounds, merged, st.full_scans);
	EXPECT_LT(0, rounds);
	EXPECT_LT(0, st.full_scans);
}
