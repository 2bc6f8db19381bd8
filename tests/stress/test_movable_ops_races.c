// SPDX-License-Identifier: GPL-2.0
/*
 * The races of the movable_ops core, for SAN=thread YIELD=1 builds and
 * the deterministic scheduler (check-det), in both cores, with the test
 * owner of harness/dummy_mops.h:
 *
 *  - isolation vs the owner freeing the page: an isolator walks the
 *    memmap isolating the owner's pages while the owner frees and
 *    allocates pages, isolated ones included.  The decoupled core holds
 *    no reference, so the isolate callback may see a page that was freed
 *    and reused; the owner defers freeing a page it released while
 *    isolated until the isolation ends;
 *  - double isolation: two isolators over the same pages; a page is
 *    never held by both (PG_movable_ops_isolated is the only pin);
 *  - putback vs owner teardown: isolated pages put back (or migrated)
 *    while the owner tears all its pages down and builds them again.
 *
 * zspage destruction vs an isolated page is in test_zsmalloc_races.c.
 * After each test: the owner has nothing isolated or deferred, every
 * page came back to the allocator, the validator is clean, no warning
 * (the decoupled core's folio-call check warns), no lock inversion.
 *
 * Duration: STRESS_SECONDS (default 2, 20 with -l) split over the tests.
 */
#include <pthread.h>
#include <stdlib.h>

#include <pagemig/pagemig.h>
#include <pagemig/migrate.h>
#include "harness/mm_fixture.h"
#include "harness/dummy_mops.h"
#include "harness/mig_set.h"

#define NR_TESTS	6	/* three tests, two cores */
#define NR_HELD		32

static unsigned long long budget_ns(void)
{
	return (unsigned long long)(stress_seconds(2) * 1e9 / NR_TESTS);
}

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

/* Which isolator holds each pfn (0: none); checked on every isolation. */
static int *holder;

struct race {
	int stop;
	uint64_t seed;
	bool teardown;			/* the owner frees everything now and then */
	unsigned long isolated, migrated, putback, doubles;
	unsigned long allocs, frees, frees_isolated, teardowns;
};

/*
 * The owner frees the page at @pfn if it is still one of its own,
 * isolated or not.  6.17 core: a reference first (the page may be freed
 * under us otherwise) for dummy_free()'s page lock.  Decoupled core:
 * the owner's lock alone decides; a page isolated meanwhile is only
 * marked released.
 */
static bool owner_free_pfn(unsigned long pfn, bool *was_isolated)
{
	struct page *page = pfn_to_page(pfn);
	bool ours;

	if (!movable_ops_decoupled && !get_page_unless_zero(page))
		return false;
	ours = dummy_free_if_owned(page, was_isolated);
	if (!movable_ops_decoupled)
		put_page(page);
	return ours;
}

static void *owner_fn(void *arg)
{
	struct race *r = arg;
	struct pagemig_rng rng;

	set_cpu_id(1);
	pagemig_rng_seed(&rng, r->seed);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long pfn = pagemig_rng_below(&rng, max_pfn), end, n;
		bool iso = false;

		if (r->teardown && pagemig_rng_below(&rng, 16) == 0) {
			/* Tear every page down, isolated or not, and rebuild. */
			for (pfn = 0; pfn < max_pfn; pfn++)
				if (owner_free_pfn(pfn, &iso)) {
					r->frees++;
					r->frees_isolated += iso;
					iso = false;
				}
			r->teardowns++;
		}
		for (n = 0; n < 8; n++) {
			if (!dummy_alloc())
				break;
			r->allocs++;
		}
		for (end = min(max_pfn, pfn + 64); pfn < end; pfn++) {
			if (pagemig_rng_below(&rng, 4))
				continue;
			if (owner_free_pfn(pfn, &iso)) {
				r->frees++;
				r->frees_isolated += iso;
				iso = false;
			}
		}
		debug_yield();
	}
	return NULL;
}

struct isolator {
	struct race *r;
	int id;
	uint64_t seed;
};

/* Isolate a run of pages, then migrate or put them back. */
static void *isolator_fn(void *arg)
{
	struct isolator *is = arg;
	struct race *r = is->r;
	struct page *held[NR_HELD];
	struct pagemig_rng rng;

	set_cpu_id(is->id);
	pagemig_rng_seed(&rng, is->seed);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned long pfn = pagemig_rng_below(&rng, max_pfn), end;
		unsigned int n = 0, k, succ = 0;
		MIG_SET(list);

		for (end = min(max_pfn, pfn + 256); pfn < end && n < NR_HELD; pfn++) {
			struct page *page = pfn_to_page(pfn);

			if (!isolate_movable_ops_page(page, 0))
				continue;
			/* Nobody else may hold it now. */
			if (__atomic_exchange_n(&holder[pfn], is->id, __ATOMIC_ACQ_REL))
				__atomic_fetch_add(&r->doubles, 1, __ATOMIC_RELAXED);
			held[n++] = page;
			mig_add(&list, page);
		}
		__atomic_fetch_add(&r->isolated, n, __ATOMIC_RELAXED);
		debug_yield();
		/* Our claim ends before the page can be isolated again. */
		for (k = 0; k < n; k++)
			__atomic_store_n(&holder[page_to_pfn(held[k])], 0, __ATOMIC_RELEASE);
		if (pagemig_rng_below(&rng, 2)) {
			mig_migrate(&list, alloc_dst, NULL, 0,
				    pagemig_rng_below(&rng, 2) ? MIGRATE_SYNC : MIGRATE_ASYNC,
				    MR_COMPACTION, &succ);
			__atomic_fetch_add(&r->migrated, succ, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->putback, n - succ, __ATOMIC_RELAXED);
		mig_putback(&list);
	}
	return NULL;
}

FIXTURE_VARIANT(mor) { enum pagemig_movable_ops core; };
FIXTURE(mor) { int unused; };
MM_MOPS_VARIANTS(mor, );
FIXTURE_SETUP(mor)
{
	mm_movable_ops = variant->core;
	mm_machine_up(16 * SZ_1M, 2 * SZ_1M, 0, 3);
	if (dummy_register())
		SKIP("the PGTY_zsmalloc slot is taken");
	holder = calloc(max_pfn, sizeof(*holder));
	ASSERT_NOT_NULL(holder);
}
FIXTURE_TEARDOWN(mor)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	free(holder);
	holder = NULL;
	if (!pagemig_machine_ready())
		return;
	EXPECT_EQ(0, dummy_free_all());
	EXPECT_EQ(0, dummy.nr_pages);
	EXPECT_EQ(0, dummy.nr_isolated);
	EXPECT_EQ(0, dummy.nr_deferred);
	dummy_unregister();
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* @nr_isolators isolators (CPUs 1..) and the owner, for the budget. */
static void run_race(struct __test_metadata *_metadata, struct race *r,
		     int nr_isolators)
{
	struct isolator is[2];
	pthread_t owner, th[2];
	unsigned long long end;
	int i;

	r->seed = test_seed();
	for (i = 0; i < 64; i++)
		ASSERT_NOT_NULL(dummy_alloc());
	ASSERT_EQ(0, pagemig_thread_create(&owner, "owner", owner_fn, r));
	for (i = 0; i < nr_isolators; i++) {
		is[i] = (struct isolator){ .r = r, .id = i + 1, .seed = r->seed + 17 * (i + 1) };
		ASSERT_EQ(0, pagemig_thread_create(&th[i], "isolator", isolator_fn, &is[i]));
	}
	end = ktime_get_ns() + budget_ns();
	while (ktime_get_ns() < end)
		test_usleep(1000);
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nr_isolators; i++)
		pagemig_thread_join(th[i], NULL);
	pagemig_thread_join(owner, NULL);
	TH_LOG("%lu isolated, %lu migrated, %lu put back; owner: %lu allocs, %lu frees (%lu isolated), %lu teardowns; %lu deferred frees",
	       r->isolated, r->migrated, r->putback, r->allocs, r->frees,
	       r->frees_isolated, r->teardowns, dummy.deferred_frees);
	EXPECT_EQ(0, r->doubles);
	/* check-det runs each test for a few simulated milliseconds only. */
	if (budget_ns() >= 100000000ULL)
		EXPECT_LT(0, r->isolated);
	EXPECT_EQ(0, dummy.nr_isolated);
	EXPECT_EQ(0, dummy.nr_deferred);
	/* Decoupled: each page freed while isolated was freed at its end. */
	if (movable_ops_decoupled)
		EXPECT_EQ(r->frees_isolated, dummy.deferred_frees);
	else
		EXPECT_EQ(0, dummy.deferred_frees);
	mm_check_invariants(false);
}

TEST_F(mor, isolate_vs_owner_free)
{
	struct race r = { 0 };

	run_race(_metadata, &r, 1);
	if (budget_ns() >= 100000000ULL)
		EXPECT_LT(0, r.frees);
}

TEST_F(mor, double_isolation)
{
	struct race r = { 0 };

	run_race(_metadata, &r, 2);
}

TEST_F(mor, putback_vs_owner_teardown)
{
	struct race r = { .teardown = true };

	run_race(_metadata, &r, 1);
}
