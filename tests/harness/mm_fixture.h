/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A machine per test, and the invariants every mm test ends with.
 *
 * mm_machine_up() builds a machine through the facade; the "mm" fixture
 * does it in setup from its variant.  After every test -- in the
 * fixture's teardown, and from test_after_each for plain TEST()s that
 * left a machine up -- mm_check_invariants() runs the expensive
 * validator and checks that free + pcp + used pages add up to the
 * machine's present pages (all of it, unless its layout has holes), that no warning fired that the test did not announce
 * (mm_expect_warnings()), and that every page the test allocated came
 * back (after a drain, NR_FREE_PAGES plus the free pages on isolate
 * lists equals the managed pages, minus pages the test announced as
 * leaked by a bad-page report).  Then the
 * machine is torn down, so every test starts from a fresh one.
 *
 * Include after the mm/ file under test (or after internal.h).
 */
#ifndef _PAGEMIG_TEST_MM_FIXTURE_H
#define _PAGEMIG_TEST_MM_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <pagemig/pagemig_testing.h>
#include <pagemig/compaction.h>
#include "../../mm/internal.h"
#include "test.h"

#define SZ_1M	(1ULL << 20)
#define SZ_2M	(2ULL << 20)

/* What the current test announced it does on purpose. */
static unsigned long mm_allowed_warnings;
static unsigned long mm_leaked_pages;
/* The movable_ops core of the next mm_machine_up(): a variant sets it. */
static enum pagemig_movable_ops mm_movable_ops __attribute__((unused)) =
	PAGEMIG_MOVABLE_OPS_DEFAULT;
static unsigned long mm_warnings_base;
/*
 * DEBUG_VM: the decoupled movable_ops core's folio habits (folio calls,
 * lru linkage, dst->private writes) at machine up, and how many the test
 * provokes on purpose; mm_check_invariants() wants no others.
 */
static long mm_mops_bugs_base __attribute__((unused));
static long mm_allowed_mops_bugs __attribute__((unused));

static inline long mm_mops_bugs(void)
{
#if IS_ENABLED(CONFIG_DEBUG_VM)
	return atomic_long_read(&movable_ops_folio_calls);
#else
	return 0;
#endif
}

/* The test provokes @n folio habits of the decoupled core on purpose. */
static inline void mm_expect_mops_bugs(long n)
{
	mm_allowed_mops_bugs += n;
}

/* The test triggers @n WARN/bad-page reports on purpose. */
static inline void mm_expect_warnings(unsigned long n)
{
	mm_allowed_warnings += n;
}

/* The test leaks @n pages on purpose (bad-page reports). */
static inline void mm_expect_leak(unsigned long n)
{
	mm_leaked_pages += n;
}

/*
 * The machine's log: stderr with -v, otherwise discarded, so reports a
 * test provokes on purpose do not clutter a passing run.  A test that
 * wants to read the log redirects it with pagemig_set_log() itself.
 */
static inline FILE *mm_log_stream(void)
{
	static FILE *null;

	if (test_verbose())
		return stderr;
	if (!null)
		null = fopen("/dev/null", "w");
	return null ? null : stderr;
}

static inline struct zone *mm_zone(int z)
{
	return &NODE_DATA(0)->node_zones[z];
}

/* Build a machine: @memory, @dma32 (UINT64_MAX: default), @movable bytes. */
#define mm_machine_up(_mem, _dma32, _movable, _cpus) do {		\
	struct pagemig_config __cfg;					\
	char __err[160] = "";						\
									\
	if (pagemig_machine_ready())					\
		pagemig_machine_exit();					\
	pagemig_config_default(&__cfg);					\
	__cfg.memory = (_mem);					\
	__cfg.dma32 = (_dma32);						\
	__cfg.movable = (_movable);					\
	__cfg.nr_cpus = (_cpus);						\
	__cfg.seed = test_seed();					\
	__cfg.movable_ops = mm_movable_ops;				\
	pagemig_set_log(mm_log_stream());		\
	if (pagemig_machine_init(&__cfg, __err, sizeof(__err)))		\
		FAIL("pagemig_machine_init: %s", __err);		\
	/* Background work is opt-in: kcompactd_run(0), kswapd_run(0). */ \
	kcompactd_stop(0);						\
	kswapd_stop(0);							\
	set_cpu_id(0);							\
	mm_allowed_warnings = 0;					\
	mm_leaked_pages = 0;						\
	mm_warnings_base = pagemig_warnings();				\
	mm_mops_bugs_base = mm_mops_bugs();				\
	mm_allowed_mops_bugs = 0;					\
} while (0)

/*
 * Free pages on the MIGRATE_ISOLATE lists of every zone: free, but not
 * in NR_FREE_PAGES (Linux 6.10+), since nothing may allocate them.
 */
static inline unsigned long mm_isolated_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;
	unsigned int o;

	for_each_populated_zone(zone)
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			sum += zone_nr_free_mt(zone, o, MIGRATE_ISOLATE) << o;
	return sum;
}

/*
 * Free (counted and isolated) + pcp + used over every zone; must equal
 * the machine's pages.
 */
static inline unsigned long mm_accounted_pages(void)
{
	unsigned long sum = nr_used_pages() + mm_isolated_free_pages();
	struct zone *zone;

	for_each_populated_zone(zone)
		sum += zone_page_state(zone, NR_FREE_PAGES) + zone_pcp_count(zone);
	return sum;
}

/* Pages with memory behind them: the machine less its holes. */
static inline unsigned long mm_present_pages(void)
{
	return NODE_DATA(0)->node_present_pages;
}

static inline unsigned long mm_managed_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		sum += zone_managed_pages(zone);
	return sum;
}

/*
 * The invariants.  A test may also call it at quiet points in the
 * middle (with @all_back false: pages may still be allocated).
 */
#define mm_check_invariants(all_back) do {				\
	unsigned long __bad;						\
									\
	ASSERT_TRUE(pagemig_machine_ready());				\
	__bad = pagemig_validate(stderr);				\
	EXPECT_EQ(0, __bad);						\
	EXPECT_EQ(mm_present_pages(), mm_accounted_pages());		\
	EXPECT_EQ(mm_allowed_warnings,					\
		  pagemig_warnings() - mm_warnings_base);		\
	EXPECT_EQ(0, pagemig_lock_inversions());			\
	EXPECT_EQ(mm_allowed_mops_bugs, mm_mops_bugs() - mm_mops_bugs_base); \
	if (all_back) {							\
		drain_all_pages(NULL);					\
		EXPECT_EQ(mm_managed_pages() - mm_leaked_pages,		\
			  pagemig_free_pages_count() +			\
			  mm_isolated_free_pages());			\
		EXPECT_EQ(mm_leaked_pages, nr_used_pages());		\
		EXPECT_EQ(0, pagemig_validate(stderr));			\
	}								\
} while (0)

static inline void mm_after_each(struct __test_metadata *_metadata)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	mm_check_invariants(true);
	pagemig_machine_exit();
}

static void __attribute__((constructor)) mm_fixture_register(void)
{
	test_after_each = mm_after_each;
}

/*
 * MM_FIXTURE(name, memory, dma32, movable, cpus): a fixture whose setup
 * builds that machine and whose teardown checks the invariants and tears
 * it down.  Use TEST_F(name, test) with it; FIXTURE_VARIANT_ADD() works
 * too when the variant struct is declared first (see test.h).
 */
#define MM_FIXTURE(name, _mem, _dma32, _movable, _cpus)			\
	FIXTURE(name) {							\
		unsigned long nr_pages;					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		mm_machine_up(_mem, _dma32, _movable, _cpus);		\
		self->nr_pages = pagemig_total_pages();			\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		pagemig_fault_disarm_all();				\
		if (!pagemig_machine_ready())				\
			return;						\
		mm_check_invariants(true);				\
		pagemig_machine_exit();					\
	}

/*
 * Both movable_ops cores (machine option movable_ops: 6.17 | decoupled).
 * A fixture whose variant struct has a member
 * "enum pagemig_movable_ops core" gets two variants per
 * MM_MOPS_VARIANTS(name, prefix, fields...): prefix##core_6_17 and
 * prefix##decoupled, each with the other @fields given; its setup sets
 * mm_movable_ops = variant->core before mm_machine_up().  The DEBUG_VM
 * check that the decoupled core takes no folio reference or page lock
 * on a movable_ops page warns, so mm_check_invariants() catches it.
 */
#define MM_MOPS_VARIANTS(name, prefix, ...)				\
	FIXTURE_VARIANT_ADD(name, prefix##core_6_17) {			\
		.core = PAGEMIG_MOVABLE_OPS_6_17, __VA_ARGS__		\
	};								\
	FIXTURE_VARIANT_ADD(name, prefix##decoupled) {			\
		.core = PAGEMIG_MOVABLE_OPS_DECOUPLED, __VA_ARGS__	\
	}

/*
 * A fixture with no machine of its own, once per movable_ops core: for
 * tests that bring machines up and down themselves (mm_machine_up(), or
 * kpf_build() with mm_movable_ops).
 */
#define MM_FIXTURE_MOPS_CORE(name)					\
	FIXTURE(name) { int unused; };					\
	FIXTURE_VARIANT(name) { enum pagemig_movable_ops core; };	\
	MM_MOPS_VARIANTS(name, );					\
	FIXTURE_SETUP(name) { mm_movable_ops = variant->core; }		\
	FIXTURE_TEARDOWN(name)						\
	{								\
		mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;		\
	}

/* MM_FIXTURE() whose every test runs once per movable_ops core. */
#define MM_FIXTURE_MOPS(name, _mem, _dma32, _movable, _cpus)		\
	FIXTURE_VARIANT(name) { enum pagemig_movable_ops core; };	\
	FIXTURE(name) {							\
		unsigned long nr_pages;					\
	};								\
	MM_MOPS_VARIANTS(name, );					\
	FIXTURE_SETUP(name)						\
	{								\
		mm_movable_ops = variant->core;				\
		mm_machine_up(_mem, _dma32, _movable, _cpus);		\
		self->nr_pages = pagemig_total_pages();			\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;		\
		pagemig_fault_disarm_all();				\
		if (!pagemig_machine_ready())				\
			return;						\
		mm_check_invariants(true);				\
		pagemig_machine_exit();					\
	}

#endif /* _PAGEMIG_TEST_MM_FIXTURE_H */
