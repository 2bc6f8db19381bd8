// SPDX-License-Identifier: GPL-2.0
/*
 * Two compactions at once on the same zones, for SAN=thread YIELD=1
 * builds: both scanners of both compactors race for the same movable
 * pages (balloon pages and a process's folios) and the same free pages,
 * while a third thread keeps writing and checking the process's tagged
 * memory.  Isolation must let exactly one compactor have each page;
 * nothing may be lost, double-freed or corrupted.  Seeded; after the run:
 * every page verifies, validator clean, no page leaked, no warning.
 *
 * Duration: STRESS_SECONDS (default 2, 20 with -l).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"

#define NR_PAGES	2048

struct race {
	int stop;
	int pid;
	unsigned long base;
	uint64_t seed;
	unsigned long compactions[2];
	unsigned long accesses, corrupted;
	unsigned char gen[NR_PAGES];
};

static unsigned long long budget_ns(void)
{
	/* Half each for the two movable_ops cores. */
	return (unsigned long long)(stress_seconds(2) * 1e9 / 2);
}

static void fill(uint64_t *buf, unsigned long addr, unsigned char gen)
{
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		buf[i] = addr ^ ((uint64_t)gen << 56) ^ (i * 0x9e3779b97f4a7c15ULL);
}

struct compactor_arg {
	struct race *r;
	int cpu;
};

static void *compactor(void *p)
{
	struct compactor_arg *a = p;
	struct pagemig_rng rng;

	set_cpu_id(a->cpu);
	pagemig_rng_seed(&rng, a->r->seed + (uint64_t)a->cpu);
	while (!__atomic_load_n(&a->r->stop, __ATOMIC_ACQUIRE)) {
		int order = (int)pagemig_rng_below(&rng, 11) - 1;	/* -1..9 */

		pagemig_compact(order);
		a->r->compactions[a->cpu]++;
	}
	return NULL;
}

/* The process's own CPU: rewrite and check pages while they move. */
static void *mutator(void *p)
{
	struct race *r = p;
	uint64_t buf[PAGE_SIZE / 8], want[PAGE_SIZE / 8];
	struct pagemig_rng rng;

	set_cpu_id(0);
	pagemig_rng_seed(&rng, r->seed + 7);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long i = pagemig_rng_below(&rng, NR_PAGES);
		unsigned long addr = r->base + i * PAGE_SIZE;

		if (pagemig_access(r->pid, addr, buf, PAGE_SIZE, false))
			continue;
		fill(want, addr, r->gen[i]);
		if (memcmp(buf, want, PAGE_SIZE))
			r->corrupted++;
		if (pagemig_rng_below(&rng, 2)) {
			r->gen[i]++;
			fill(buf, addr, r->gen[i]);
			pagemig_access(r->pid, addr, buf, PAGE_SIZE, true);
		}
		r->accesses++;
	}
	return NULL;
}

MM_FIXTURE_MOPS(cr, 32 * SZ_1M, 4 * SZ_1M, 0, 2)

TEST_F(cr, two_compactions_same_zone)
{
	static struct race r;
	struct compactor_arg args[2] = { { &r, 0 }, { &r, 1 } };
	uint64_t buf[PAGE_SIZE / 8], want[PAGE_SIZE / 8];
	static unsigned long pfns[8192];
	unsigned long i, n = 0, pfn, holes = 0, m0, b0;
	pthread_t th[3];

	memset(&r, 0, sizeof(r));
	r.seed = test_seed();
	m0 = 0;
	pagemig_vmstat_get("pgmigrate_success", &m0);
	b0 = 0;
	pagemig_vmstat_get("balloon_migrate", &b0);

	/* A process with tagged anon memory, half of it dropped again. */
	r.pid = pagemig_process_create();
	ASSERT_GE(r.pid, 0);
	ASSERT_EQ(0, pagemig_mmap_anon(r.pid, NR_PAGES * PAGE_SIZE, PAGEMIG_MAP_WRITE, &r.base));
	for (i = 0; i < NR_PAGES; i++) {
		fill(buf, r.base + i * PAGE_SIZE, 0);
		ASSERT_EQ(0, pagemig_access(r.pid, r.base + i * PAGE_SIZE, buf, PAGE_SIZE, true));
	}
	/* Balloon pages scattered through the rest. */
	while (n < ARRAY_SIZE(pfns) &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NORETRY,
				    0, &pfn))
		pfns[n++] = pfn;
	for (i = 0; i < n; i += 4, holes++)
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	pagemig_balloon_set_target(0, holes, 20000);
	for (i = 0; i < n; i++)
		if (i % 4)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));

	ASSERT_EQ(0, pagemig_thread_create(&th[0], "compactor", compactor, &args[0]));
	ASSERT_EQ(0, pagemig_thread_create(&th[1], "compactor", compactor, &args[1]));
	ASSERT_EQ(0, pagemig_thread_create(&th[2], "mutator", mutator, &r));
	for (unsigned long long end = ktime_get_ns() + budget_ns(); ktime_get_ns() < end;)
		msleep(20);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++)
		pagemig_thread_join(th[i], NULL);

	EXPECT_EQ(0, r.corrupted);
	for (i = 0; i < NR_PAGES; i++) {
		unsigned long addr = r.base + i * PAGE_SIZE;

		ASSERT_EQ(0, pagemig_access(r.pid, addr, buf, PAGE_SIZE, false));
		fill(want, addr, r.gen[i]);
		EXPECT_EQ(0, memcmp(buf, want, PAGE_SIZE));
	}
	{
		unsigned long m1 = 0, b1 = 0;

		pagemig_vmstat_get("pgmigrate_success", &m1);
		pagemig_vmstat_get("balloon_migrate", &b1);
		TH_LOG("%lu + %lu compactions, %lu accesses, %lu pages migrated (%lu balloon)",
		       r.compactions[0], r.compactions[1], r.accesses, m1 - m0, b1 - b0);
		EXPECT_GT(m1, m0);
	}
	EXPECT_GT(r.compactions[0], 0);
	EXPECT_GT(r.compactions[1], 0);
	pagemig_process_exit(r.pid);
	for (i = 0; i < 10 && pagemig_balloon_set_target(0, 0, 20000); i++)
		;
	drain_all_pages(NULL);
	EXPECT_EQ(0, pagemig_validate(stderr));
}
