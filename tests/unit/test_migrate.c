// SPDX-License-Identifier: GPL-2.0
/*
 * mm/migrate.c: set_movable_ops() slots and the lookup by page type,
 * isolate_movable_ops_page() refusals and the isolation reference,
 * putback, and migrate_pages() for movable_ops pages -- success, -EAGAIN
 * within and beyond the pass budget, permanent errors and the ret list,
 * -ENOMEM from the destination allocator, the "released by its owner
 * while isolated" cases, batches over 512 pages, the mode paths
 * (ASYNC, SYNC_LIGHT waiting on a held page lock, PF_MEMALLOC giving up)
 * -- with the test owner of harness/dummy_mops.h and with real balloon
 * pages.  page->mapping stays NULL and NR_ISOLATED_* never moves.
 * Every test runs in both movable_ops cores; where they differ by design
 * (the isolation reference, the page lock) the test says so and checks
 * each core's behaviour.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_migrate
 *      && build/check-asan/tests/unit/test_migrate -v
 */
#include <pthread.h>
#include <unistd.h>

#include "../../mm/migrate.c"
#include <pagemig/pagemig.h>
#include <pagemig/balloon.h>
#include "harness/mm_fixture.h"
#include "harness/dummy_mops.h"
#include "harness/mig_set.h"

#define NOWARN	__GFP_NOWARN

static unsigned long nr_dst_allocs;

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | NOWARN);

	if (page)
		nr_dst_allocs++;
	return (struct folio *)page;
}

static struct folio *alloc_none(struct folio *src, unsigned long private)
{
	return NULL;
}

static unsigned long nr_isolated_all(void)
{
	return global_node_page_state(NR_ISOLATED_ANON) +
	       global_node_page_state(NR_ISOLATED_FILE);
}

/* A freed order-0 page: type and flags wiped by the free path. */
#define EXPECT_FREED(page) do {						\
	EXPECT_EQ(0, page_ref_count(page));				\
	EXPECT_EQ(PAGE_TYPE_NONE, READ_ONCE((page)->page_type));	\
	EXPECT_EQ(0, (page)->flags & PAGE_FLAGS_CHECK_AT_PREP);		\
	EXPECT_FALSE(page_has_movable_ops(page));			\
	EXPECT_NULL((page)->mapping);					\
} while (0)

/* An owned, un-isolated dummy page. */
#define EXPECT_OWNED(page) do {						\
	EXPECT_TRUE(page_has_movable_ops(page));			\
	EXPECT_TRUE(PageZsmalloc(page));				\
	EXPECT_FALSE(PageMovableOpsIsolated(page));			\
	EXPECT_FALSE(PageLocked(page));					\
	EXPECT_EQ(1, page_ref_count(page));				\
	EXPECT_EQ((unsigned long)&dummy, page_private(page));		\
	EXPECT_NULL((page)->mapping);					\
} while (0)

/*
 * Isolated: the 6.17 core pins the page with a reference of its own; the
 * decoupled core takes none, the owner's reference keeps the page.
 */
#define EXPECT_ISOLATED(page) do {					\
	EXPECT_TRUE(page_has_movable_ops(page));			\
	EXPECT_TRUE(PageMovableOpsIsolated(page));			\
	EXPECT_EQ(movable_ops_decoupled ? 1 : 2, page_ref_count(page));	\
	EXPECT_NULL((page)->mapping);					\
} while (0)

static void mig_up(struct __test_metadata *_metadata,
		   enum pagemig_movable_ops core)
{
	int ret;

	mm_movable_ops = core;
	mm_machine_up(16 * SZ_1M, 2 * SZ_1M, 0, 2);
	ret = dummy_register();
	if (ret)
		SKIP("the PGTY_zsmalloc slot is taken (%d): zsmalloc registered?", ret);
	nr_dst_allocs = 0;
}

static void mig_down(struct __test_metadata *_metadata)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	EXPECT_EQ(0, dummy_free_all());
	EXPECT_EQ(0, dummy.nr_pages);
	dummy_unregister();
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* Isolate @n fresh dummy pages onto @list; their pfns in @pfns. */
static void isolate_n(struct __test_metadata *_metadata, struct mig_set *list,
		      struct page **pages, int n)
{
	for (int i = 0; i < n; i++) {
		pages[i] = dummy_alloc();
		ASSERT_NOT_NULL(pages[i]);
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		mig_add(list, pages[i]);
	}
}


/* Every test in both movable_ops cores, and migm's in every mode too. */
FIXTURE_VARIANT(mig) { enum pagemig_movable_ops core; };
FIXTURE(mig) { int unused; };
MM_MOPS_VARIANTS(mig, );
FIXTURE_SETUP(mig) { mig_up(_metadata, variant->core); }
FIXTURE_TEARDOWN(mig) { mig_down(_metadata); }

FIXTURE_VARIANT(migm) { enum migrate_mode mode; enum pagemig_movable_ops core; };
FIXTURE(migm) { int unused; };
MM_MOPS_VARIANTS(migm, async_, .mode = MIGRATE_ASYNC);
MM_MOPS_VARIANTS(migm, sync_light_, .mode = MIGRATE_SYNC_LIGHT);
MM_MOPS_VARIANTS(migm, sync_, .mode = MIGRATE_SYNC);
FIXTURE_SETUP(migm) { mig_up(_metadata, variant->core); }
FIXTURE_TEARDOWN(migm) { mig_down(_metadata); }

/* ---- registration and lookup ------------------------------------------- */

TEST_F(mig, set_movable_ops_slots)
{
	static const struct movable_operations other = { 0 };
	struct balloon_dev_info b;
	struct page *page, *bpage;

	/* Both slots taken: the balloon's and ours. */
	EXPECT_EQ(-EBUSY, set_movable_ops(&other, PGTY_offline));
	EXPECT_EQ(-EBUSY, set_movable_ops(&other, PGTY_zsmalloc));
	EXPECT_EQ(-EBUSY, set_movable_ops(&dummy_mops, PGTY_zsmalloc));
	/* Other types have no slot, registering or not. */
	EXPECT_EQ(-EINVAL, set_movable_ops(&other, PGTY_buddy));
	EXPECT_EQ(-EINVAL, set_movable_ops(&other, PGTY_table));
	EXPECT_EQ(-EINVAL, set_movable_ops(NULL, PGTY_buddy));
	EXPECT_EQ(-EINVAL, set_movable_ops(NULL, PGTY_slab));

	page = dummy_alloc();
	ASSERT_NOT_NULL(page);
	EXPECT_TRUE(page_has_movable_ops(page));
	EXPECT_EQ(&dummy_mops, page_movable_ops(page));

	/* A real balloon page finds the balloon's ops by its type. */
	balloon_devinfo_init(&b);
	bpage = balloon_page_alloc();
	ASSERT_NOT_NULL(bpage);
	balloon_page_enqueue(&b, bpage);
	EXPECT_TRUE(PageOffline(bpage));
	EXPECT_EQ(&balloon_mops, page_movable_ops(bpage));
	EXPECT_NULL(bpage->mapping);

	/* By type only: private does not matter. */
	set_page_private(page, 0);
	EXPECT_EQ(&dummy_mops, page_movable_ops(page));
	set_page_private(page, (unsigned long)&dummy);

	/* NULL unregisters, twice is fine, and the slot can be taken again. */
	EXPECT_EQ(0, set_movable_ops(NULL, PGTY_zsmalloc));
	EXPECT_NULL(page_movable_ops(page));
	EXPECT_EQ(&balloon_mops, page_movable_ops(bpage));
	EXPECT_EQ(0, set_movable_ops(NULL, PGTY_zsmalloc));
	EXPECT_EQ(0, set_movable_ops(&other, PGTY_zsmalloc));
	EXPECT_EQ(&other, page_movable_ops(page));
	EXPECT_EQ(0, set_movable_ops(NULL, PGTY_zsmalloc));
	EXPECT_EQ(0, set_movable_ops(&dummy_mops, PGTY_zsmalloc));
	EXPECT_EQ(&dummy_mops, page_movable_ops(page));

	ASSERT_EQ(bpage, balloon_page_dequeue(&b));
	/* Dequeued: still typed and flagged until freed, private gone. */
	EXPECT_TRUE(page_has_movable_ops(bpage));
	EXPECT_EQ(0, page_private(bpage));
	put_page(bpage);
	EXPECT_FREED(bpage);
	dummy_free(page);
	EXPECT_FREED(page);
}

/* ---- isolation ------------------------------------------------------------ */

TEST_F(mig, isolate_refuses)
{
	struct page *page, *plain, *head, *freed;
	unsigned long calls;
	MIG_SET(list);

	/* A free page (refcount 0). */
	freed = alloc_page(GFP_KERNEL);
	ASSERT_NOT_NULL(freed);
	__free_page(freed);
	EXPECT_FALSE(isolate_movable_ops_page(freed, 0));
	EXPECT_EQ(0, page_ref_count(freed));

	/* A tail page (refcount 0) of a compound page. */
	head = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	ASSERT_NOT_NULL(head);
	EXPECT_FALSE(isolate_movable_ops_page(head + 1, 0));
	EXPECT_EQ(0, page_ref_count(head + 1));
	EXPECT_FALSE(PageMovableOpsIsolated(head + 1));
	/* ... and the head: a plain allocated page, not movable_ops. */
	EXPECT_FALSE(isolate_movable_ops_page(head, 0));
	EXPECT_EQ(1, page_ref_count(head));
	__free_pages(head, 2);

	/* A plain allocated page. */
	plain = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(plain);
	EXPECT_FALSE(isolate_movable_ops_page(plain, 0));
	EXPECT_EQ(1, page_ref_count(plain));
	EXPECT_FALSE(PageMovableOpsIsolated(plain));
	/* PG_movable_ops alone (no movable_ops type) is not enough. */
	SetPageMovableOps(plain);
	EXPECT_FALSE(page_has_movable_ops(plain));
	EXPECT_FALSE(isolate_movable_ops_page(plain, 0));
	EXPECT_EQ(1, page_ref_count(plain));
	EXPECT_FALSE(PageLocked(plain));
	__free_page(plain);
	EXPECT_FREED(plain);

	page = dummy_alloc();
	ASSERT_NOT_NULL(page);
	EXPECT_OWNED(page);

	/*
	 * Lock held.  6.17 core: trylock only, the owner is never asked.
	 * Decoupled core: the page lock means nothing to it; the owner's
	 * lock decides, so isolation goes through.
	 */
	calls = dummy.isolate_calls;
	ASSERT_TRUE(trylock_page(page));
	if (!movable_ops_decoupled) {
		EXPECT_FALSE(isolate_movable_ops_page(page, 0));
		EXPECT_EQ(calls, dummy.isolate_calls);
	} else {
		EXPECT_TRUE(isolate_movable_ops_page(page, 0));
		EXPECT_EQ(++calls, dummy.isolate_calls);
		EXPECT_TRUE(PageLocked(page));
		mig_add(&list, page);
		mig_putback(&list);
		dummy.putback_calls = 0;
	}
	unlock_page(page);
	EXPECT_OWNED(page);

	/* The owner refuses. */
	dummy.refuse_isolate = true;
	EXPECT_FALSE(isolate_movable_ops_page(page, ISOLATE_ASYNC_MIGRATE));
	EXPECT_EQ(calls + 1, dummy.isolate_calls);
	dummy.refuse_isolate = false;
	EXPECT_OWNED(page);
	EXPECT_EQ(1, dummy_listed());

	/* The fault point refuses before the owner is asked. */
	ASSERT_EQ(0, pagemig_fault_arm("movable_ops_isolate", 1, 1));
	EXPECT_FALSE(isolate_movable_ops_page(page, 0));
	EXPECT_EQ(1, pagemig_fault_hits("movable_ops_isolate"));
	EXPECT_EQ(calls + 1, dummy.isolate_calls);
	EXPECT_OWNED(page);

	/* Success: flag set, isolation reference kept, off the owner's list. */
	EXPECT_TRUE(isolate_movable_ops_page(page, ISOLATE_UNEVICTABLE));
	EXPECT_ISOLATED(page);
	EXPECT_EQ(0, dummy_listed());
	EXPECT_EQ(1, dummy.nr_isolated);
	EXPECT_FALSE(PageLocked(page));

	/* Already isolated: refused, nothing changes. */
	EXPECT_FALSE(isolate_movable_ops_page(page, 0));
	EXPECT_EQ(calls + 2, dummy.isolate_calls);
	EXPECT_ISOLATED(page);

	/* Putback: the owner has it again, the reference is gone. */
	mig_add(&list, page);
	mig_putback(&list);
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_OWNED(page);
	EXPECT_EQ(1, dummy.putback_calls);
	EXPECT_EQ(0, dummy.nr_isolated);
	EXPECT_EQ(1, dummy_listed());

	/* isolate_folio_for_migration(): the same, onto the list or batch. */
	EXPECT_TRUE(mig_isolate_folio(&list, page_folio(page)));
	EXPECT_EQ(1, mig_len(&list));
	EXPECT_ISOLATED(page);
	mig_putback(&list);
	EXPECT_OWNED(page);
	plain = alloc_page(GFP_KERNEL);
	ASSERT_NOT_NULL(plain);
	EXPECT_FALSE(mig_isolate_folio(&list, page_folio(plain)));
	EXPECT_TRUE(mig_empty(&list));
	__free_page(plain);
}

/*
 * The DEBUG_VM check of the decoupled core, fired on purpose: a
 * movable_ops page linked on a migration list through lru is counted in
 * movable_ops_folio_calls each time the core finds it there (warned about
 * once), failed without reaching its owner, and still put back; a core
 * write of a destination's ->private while the movable_ops loop runs
 * counts too.  The 6.17 core links such pages by design: nothing counts.
 */
TEST_F(mig, decoupled_lru_and_private_checks_fire)
{
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	long b0 = mm_mops_bugs();
	struct page *page, *dst;
	struct anon_vma *av;
	unsigned int succ = 7;
	LIST_HEAD(list);

	page = dummy_alloc();
	ASSERT_NOT_NULL(page);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	list_add(&page->lru, &list);
	if (!movable_ops_decoupled) {
		EXPECT_EQ(0, migrate_pages(&list, alloc_dst, NULL, 0,
					   MIGRATE_SYNC, MR_COMPACTION, &succ));
		EXPECT_EQ(1, succ);
		EXPECT_EQ(b0, mm_mops_bugs());
		return;
	}
	mm_expect_warnings(1);
	/* Found by the async round, then by the one-by-one round. */
	EXPECT_EQ(1, migrate_pages(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				   MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(0, dummy.migrate_calls);
	EXPECT_EQ(0, nr_dst_allocs);
	EXPECT_EQ(f0 + 1, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_EQ(b0 + 2, mm_mops_bugs());
	EXPECT_ISOLATED(page);
	EXPECT_EQ(page, list_first_entry(&list, struct page, lru));
	putback_movable_pages(&list);
	EXPECT_EQ(b0 + 3, mm_mops_bugs());
	EXPECT_OWNED(page);

	/* The unmap state written to, then read back from, a destination. */
	dst = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(dst);
	mops_core_enter();
	__migrate_folio_record(page_folio(dst), PAGE_WAS_MAPPED, NULL);
	EXPECT_EQ(PAGE_WAS_MAPPED, __migrate_folio_extract(page_folio(dst), &av));
	mops_core_exit();
	EXPECT_NULL(av);
	EXPECT_EQ(b0 + 5, mm_mops_bugs());
	__free_page(dst);
	mm_expect_mops_bugs(5);
	EXPECT_EQ(1, pagemig_warnings() - mm_warnings_base);
}

/*
 * Ops unregistered (module-style) while pages exist: isolation warns
 * once and refuses; nothing is lost, and after re-registration every page
 * migrates.  The only test in this binary that hits that WARN_ON_ONCE.
 */
TEST_F(mig, isolate_unregistered_warns_once)
{
	struct page *pages[4];
	unsigned int succ = 0;
	unsigned long w0 = pagemig_warnings();
	MIG_SET(list);
	int i;

	for (i = 0; i < 4; i++) {
		pages[i] = dummy_alloc();
		ASSERT_NOT_NULL(pages[i]);
	}
	ASSERT_EQ(0, set_movable_ops(NULL, PGTY_zsmalloc));
	mm_expect_warnings(1);
	for (i = 0; i < 4; i++) {
		EXPECT_FALSE(isolate_movable_ops_page(pages[i], 0));
		EXPECT_OWNED(pages[i]);
	}
	EXPECT_EQ(1, pagemig_warnings() - w0);
	EXPECT_EQ(0, dummy.isolate_calls);
	EXPECT_EQ(4, dummy_listed());

	ASSERT_EQ(0, set_movable_ops(&dummy_mops, PGTY_zsmalloc));
	for (i = 0; i < 4; i++) {
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		mig_add(&list, pages[i]);
	}
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(4, succ);
	EXPECT_EQ(4, dummy.migrated);
	EXPECT_EQ(4, dummy_listed());
	for (i = 0; i < 4; i++)
		EXPECT_FREED(pages[i]);
	EXPECT_EQ(1, pagemig_warnings() - w0);
}

/* ---- migrate_pages() ----------------------------------------------------- */

TEST_F(migm, success_moves_everything)
{
	enum { N = 8 };
	struct page *pages[N], *dst;
	unsigned long pfns[N];
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long iso0 = nr_isolated_all();
	unsigned int succ = 0;
	MIG_SET(list);
	int i, matched = 0;

	isolate_n(_metadata, &list, pages, N);
	for (i = 0; i < N; i++)
		pfns[i] = page_to_pfn(pages[i]);
	EXPECT_EQ(iso0, nr_isolated_all());
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(N, succ);
	EXPECT_EQ(N, nr_dst_allocs);
	EXPECT_EQ(s0 + N, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_EQ(iso0, nr_isolated_all());
	EXPECT_EQ(N, dummy.migrated);
	EXPECT_EQ(N, dummy.migrate_calls);
	EXPECT_EQ(0, dummy.nr_isolated);
	EXPECT_EQ(N, dummy.nr_pages);
	EXPECT_EQ(0, dummy.nr_deferred);
	EXPECT_EQ(0, dummy.deferred_frees);

	for (i = 0; i < N; i++)
		EXPECT_FREED(pages[i]);
	/* Each destination carries its source's type, flag, owner and bytes. */
	list_for_each_entry(dst, &dummy.pages, lru) {
		EXPECT_OWNED(dst);
		EXPECT_TRUE(PageMovableOps(dst));
		for (i = 0; i < N; i++) {
			EXPECT_NE(pfns[i], page_to_pfn(dst));
			if (dummy_content_ok(dst, pfns[i]))
				matched++;
		}
	}
	EXPECT_EQ(N, matched);
}

/* -EAGAIN up to the budget succeeds; one more fails the page. */
TEST_F(migm, eagain_within_budget)
{
	struct page *page;
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned int succ = 0;
	MIG_SET(list);

	isolate_n(_metadata, &list, &page, 1);
	/* ASYNC: 10 passes; otherwise 3 async passes, then 7 sync ones. */
	dummy.eagain_left = NR_MAX_MIGRATE_PAGES_RETRY - 1;
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(NR_MAX_MIGRATE_PAGES_RETRY, dummy.migrate_calls);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_FREED(page);
	EXPECT_EQ(1, dummy_listed());
	/* One destination per batch: kept across the passes of that batch. */
	EXPECT_EQ(variant->mode == MIGRATE_ASYNC ? 1 : 2, nr_dst_allocs);
}

TEST_F(migm, eagain_forever_fails_and_stays_isolated)
{
	struct page *page;
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long used;
	unsigned int succ = 7;
	MIG_SET(list);

	isolate_n(_metadata, &list, &page, 1);
	used = nr_used_pages();
	dummy.eagain_left = NR_MAX_MIGRATE_PAGES_RETRY;
	EXPECT_EQ(1, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(NR_MAX_MIGRATE_PAGES_RETRY, dummy.migrate_calls);
	EXPECT_EQ(s0, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0 + 1, pagemig_vmstat("pgmigrate_fail"));
	/* Still isolated, back on the caller's list; no destination kept. */
	ASSERT_EQ(1, mig_len(&list));
	EXPECT_EQ(page, mig_first(&list));
	EXPECT_ISOLATED(page);
	EXPECT_EQ(used, nr_used_pages());
	mig_putback(&list);
	EXPECT_OWNED(page);
	EXPECT_EQ(0, dummy.nr_isolated);
}

/* A permanent error: src to the ret list, dst freed, putback restores. */
static void perm_error(struct __test_metadata *_metadata,
		       const FIXTURE_VARIANT(migm) *variant, int err)
{
	struct page *pages[3];
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long used, iso0 = nr_isolated_all();
	unsigned int succ = 7;
	MIG_SET(list);
	int i;

	isolate_n(_metadata, &list, pages, 3);
	used = nr_used_pages();
	dummy.perm_errno = err;
	EXPECT_EQ(3, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	/* Sync modes retry what failed async, one by one. */
	EXPECT_EQ(variant->mode == MIGRATE_ASYNC ? 3 : 6, dummy.migrate_calls);
	EXPECT_EQ(s0, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0 + 3, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_EQ(used, nr_used_pages());
	EXPECT_EQ(iso0, nr_isolated_all());
	ASSERT_EQ(3, mig_len(&list));
	for (i = 0; i < 3; i++) {
		EXPECT_ISOLATED(pages[i]);
		EXPECT_FALSE(PageLocked(pages[i]));
	}
	EXPECT_EQ(0, dummy_listed());
	mig_putback(&list);
	EXPECT_EQ(3, dummy.putback_calls);
	for (i = 0; i < 3; i++) {
		EXPECT_OWNED(pages[i]);
		EXPECT_TRUE(dummy_content_ok(pages[i], page_to_pfn(pages[i])));
	}
	EXPECT_EQ(3, dummy_listed());
	EXPECT_EQ(iso0, nr_isolated_all());
}

TEST_F(migm, permanent_ebusy_goes_to_ret_list)
{
	perm_error(_metadata, variant, -EBUSY);
}

TEST_F(migm, permanent_einval_goes_to_ret_list)
{
	perm_error(_metadata, variant, -EINVAL);
}

TEST_F(migm, core_fault_points)
{
	struct page *pages[2];
	unsigned int succ = 7;
	MIG_SET(list);

	isolate_n(_metadata, &list, pages, 2);
	/* "movable_ops_migrate": -EAGAIN from the core, retried. */
	ASSERT_EQ(0, pagemig_fault_arm("movable_ops_migrate", 1, 2));
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(2, succ);
	EXPECT_EQ(2, pagemig_fault_hits("movable_ops_migrate"));
	EXPECT_EQ(2, dummy.migrate_calls);
	pagemig_fault_disarm_all();

	/* "movable_ops_migrate_perm": a permanent failure, owner not asked. */
	isolate_n(_metadata, &list, pages, 1);
	ASSERT_EQ(0, pagemig_fault_arm("movable_ops_migrate_perm", 1, 100));
	EXPECT_EQ(1, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(2, dummy.migrate_calls);
	EXPECT_ISOLATED(pages[0]);
	mig_putback(&list);
	EXPECT_OWNED(pages[0]);
}

/* No destination: -ENOMEM stops the batch; what was unmapped still moves. */
TEST_F(migm, enomem_stops_the_batch)
{
	struct page *pages[4];
	unsigned int succ = 7;
	unsigned long used;
	MIG_SET(list);
	int i;

	isolate_n(_metadata, &list, pages, 4);
	used = nr_used_pages();
	EXPECT_EQ(-ENOMEM, mig_migrate(&list, alloc_none, NULL, 0, variant->mode,
					 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(4, mig_len(&list));
	EXPECT_EQ(used, nr_used_pages());
	for (i = 0; i < 4; i++)
		EXPECT_ISOLATED(pages[i]);
	EXPECT_EQ(0, dummy.migrate_calls);

	/* The third allocation fails: two pages move, two stay. */
	ASSERT_EQ(0, pagemig_fault_arm("migrate_alloc", 3, 1));
	EXPECT_EQ(-ENOMEM, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
					 MR_COMPACTION, &succ));
	EXPECT_EQ(1, pagemig_fault_hits("migrate_alloc"));
	EXPECT_EQ(2, succ);
	EXPECT_EQ(2, dummy.migrated);
	EXPECT_EQ(2, mig_len(&list));
	EXPECT_FREED(pages[0]);
	EXPECT_FREED(pages[1]);
	EXPECT_ISOLATED(pages[2]);
	EXPECT_ISOLATED(pages[3]);
	EXPECT_EQ(2, nr_dst_allocs);
	mig_putback(&list);
	EXPECT_OWNED(pages[2]);
	EXPECT_OWNED(pages[3]);
	EXPECT_EQ(4, dummy_listed());
}

/*
 * Released while isolated, refcount 1.  kernel 6.18: no "freed under us"
 * shortcut for movable_ops pages; the owner reports the released page as
 * moved and the core frees it and the unused destination.
 */
TEST_F(migm, released_refcount_one_reaches_owner)
{
	struct page *page;
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long used;
	unsigned int succ = 0;
	MIG_SET(list);

	isolate_n(_metadata, &list, &page, 1);
	dummy_release_isolated(page);
	EXPECT_EQ(1, page_ref_count(page));
	/* The owner refuses to isolate a released page. */
	EXPECT_EQ(0, page_private(page));
	used = nr_used_pages();
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_EQ(1, nr_dst_allocs);
	EXPECT_EQ(1, dummy.migrate_calls);
	EXPECT_EQ(1, dummy.fake_success);
	EXPECT_EQ(used - 1, nr_used_pages());	/* src and dst both freed */
	EXPECT_FREED(page);
}

/* Released while isolated with an extra reference: the owner fakes success. */
TEST_F(migm, released_extra_ref_fake_success)
{
	struct page *page;
	unsigned long used;
	unsigned int succ = 0;
	MIG_SET(list);

	isolate_n(_metadata, &list, &page, 1);
	get_page(page);		/* a speculative PFN walker */
	dummy_release_isolated(page);
	EXPECT_EQ(2, page_ref_count(page));
	used = nr_used_pages();
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(1, dummy.fake_success);
	EXPECT_EQ(1, nr_dst_allocs);
	EXPECT_EQ(used, nr_used_pages());	/* dst freed by the core */
	/* Ours is the last reference; the core un-isolated it. */
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_FALSE(PageMovableOpsIsolated(page));
	EXPECT_TRUE(page_has_movable_ops(page));
	EXPECT_NULL(page->mapping);
	put_page(page);
	EXPECT_FREED(page);
}

/*
 * Released while isolated, then put back.  6.17 core: the owner lets go
 * at once and putback's isolation reference frees the page.  Decoupled
 * core: the owner defers the free (its reference stays) until putback
 * ends the isolation, and frees it there.
 */
TEST_F(migm, released_then_putback_frees)
{
	struct page *page;
	unsigned long used;
	MIG_SET(list);

	isolate_n(_metadata, &list, &page, 1);
	used = nr_used_pages();
	EXPECT_TRUE(dummy_free(page));
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ(movable_ops_decoupled ? 1 : 0, dummy.nr_deferred);
	EXPECT_EQ(movable_ops_decoupled ? 1 : 0, dummy.nr_isolated);
	/* Released: a second isolation (after a putback) would be refused. */
	EXPECT_FALSE(isolate_movable_ops_page(page, 0));
	EXPECT_EQ(used, nr_used_pages());
	mig_putback(&list);
	EXPECT_EQ(1, dummy.putback_calls);
	EXPECT_EQ(movable_ops_decoupled ? 1 : 0, dummy.deferred_frees);
	EXPECT_EQ(0, dummy.nr_deferred);
	EXPECT_EQ(0, dummy.nr_isolated);
	EXPECT_EQ(used - 1, nr_used_pages());
	EXPECT_FREED(page);
}

/* More than one batch: 600 pages, 512 + 88. */
TEST_F(migm, batches_over_512)
{
	enum { N = 600 };
	static struct page *pages[N];
	unsigned long s0 = pagemig_vmstat("pgmigrate_success"), iso0 = nr_isolated_all();
	unsigned int succ = 0;
	MIG_SET(list);
	int i, reused = 0;

	isolate_n(_metadata, &list, pages, N);
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(N, succ);
	EXPECT_EQ(s0 + N, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(iso0, nr_isolated_all());
	EXPECT_EQ(N, dummy.migrated);
	EXPECT_EQ(N, dummy_listed());
	/*
	 * The first batch's sources were freed before the second batch
	 * allocated its destinations, so some came back as destinations.
	 */
	for (i = 0; i < N; i++) {
		struct page *page = pages[i];

		EXPECT_FALSE(PageMovableOpsIsolated(page));
		if (page_ref_count(page)) {
			EXPECT_OWNED(page);
			reused++;
		} else {
			EXPECT_FALSE(page_has_movable_ops(page));
			EXPECT_EQ(0, page->flags & PAGE_FLAGS_CHECK_AT_PREP);
		}
	}
	EXPECT_LE(reused, N - NR_MAX_BATCHED_MIGRATION);
}

/* ---- the page lock held by someone else --------------------------------- */

struct migrate_job {
	struct mig_set *list;
	enum migrate_mode mode;
	bool memalloc;
	int rc;
	unsigned int succ;
	int done;
};

static void *migrate_thread(void *arg)
{
	struct migrate_job *job = arg;
	unsigned int noreclaim = 0;

	set_cpu_id(1);
	if (job->memalloc)
		noreclaim = memalloc_noreclaim_save();
	job->rc = mig_migrate(job->list, alloc_dst, NULL, 0, job->mode,
				MR_COMPACTION, &job->succ);
	if (job->memalloc)
		memalloc_noreclaim_restore(noreclaim);
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Run migrate_pages() of one isolated page in a thread while we hold the
 * page's lock for ~100 ms.  Returns whether it finished while we held it.
 */
static bool migrate_against_lock(struct __test_metadata *_metadata,
				 struct page *page, struct mig_set *list,
				 struct migrate_job *job)
{
	pthread_t th;
	bool early = false;
	int i;

	ASSERT_TRUE(trylock_page(page));
	job->list = list;
	ASSERT_EQ(0, pagemig_thread_create(&th, "migrate-thread", migrate_thread, job));
	for (i = 0; i < 100 && !early; i++) {
		test_usleep(1000);
		early = __atomic_load_n(&job->done, __ATOMIC_ACQUIRE);
	}
	unlock_page(page);
	pagemig_thread_join(th, NULL);
	return early;
}

/*
 * 6.17 core: SYNC_LIGHT waits for a movable_ops page's lock: the page
 * tests "uptodate" through the PG_movable_ops alias.  So does SYNC.
 * ASYNC gives up, and so does direct compaction (PF_MEMALLOC).
 * Decoupled core: nobody takes a movable_ops page's lock (a page the
 * owner frees while someone holds it would be a bad page), so there is
 * none to wait for: every mode migrates at once, direct compaction too,
 * and the core's DEBUG_VM check warns if it touches the lock.
 */
TEST_F(migm, src_lock_held)
{
	struct migrate_job job = { .mode = variant->mode };
	struct page *page;
	MIG_SET(list);
	bool early;

	isolate_n(_metadata, &list, &page, 1);
	EXPECT_TRUE(PageUptodate(page));	/* the alias */
	if (movable_ops_decoupled) {
		unsigned int noreclaim = memalloc_noreclaim_save();

		EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
					 MR_COMPACTION, &job.succ));
		memalloc_noreclaim_restore(noreclaim);
		EXPECT_EQ(1, job.succ);
		EXPECT_EQ(1, dummy.migrate_calls);
		EXPECT_FREED(page);
		return;
	}
	early = migrate_against_lock(_metadata, page, &list, &job);
	if (variant->mode == MIGRATE_ASYNC) {
		EXPECT_TRUE(early);
		EXPECT_EQ(1, job.rc);
		EXPECT_EQ(0, job.succ);
		EXPECT_EQ(0, dummy.migrate_calls);
		EXPECT_ISOLATED(page);
		mig_putback(&list);
		EXPECT_OWNED(page);
	} else {
		EXPECT_FALSE(early);
		EXPECT_EQ(0, job.rc);
		EXPECT_EQ(1, job.succ);
		EXPECT_EQ(1, dummy.migrate_calls);
		EXPECT_FREED(page);
	}
	EXPECT_TRUE(mig_empty(&list));

	/* Direct compaction never sleeps on a page lock. */
	memset(&job, 0, sizeof(job));
	job.mode = variant->mode;
	job.memalloc = true;
	isolate_n(_metadata, &list, &page, 1);
	EXPECT_TRUE(migrate_against_lock(_metadata, page, &list, &job));
	EXPECT_EQ(1, job.rc);
	EXPECT_ISOLATED(page);
	mig_putback(&list);
	EXPECT_OWNED(page);
}

/* ---- real balloon pages ------------------------------------------------------- */

/* No hypervisor: the balloon core does all the page bookkeeping. */
static int test_balloon_migratepage(struct balloon_dev_info *b, struct page *newpage,
				    struct page *page, enum migrate_mode mode)
{
	return 0;
}

TEST_F(migm, balloon_pages)
{
	enum { N = 6 };
	struct balloon_dev_info b;
	struct page *pages[N], *page;
	unsigned long m0 = pagemig_vmstat("balloon_migrate"), iso0 = nr_isolated_all();
	unsigned long nr_b0 = global_node_page_state(NR_BALLOON_PAGES);
	unsigned int succ = 0;
	MIG_SET(list);
	int i, n = 0;

	balloon_devinfo_init(&b);
	b.migratepage = test_balloon_migratepage;
	for (i = 0; i < N; i++) {
		pages[i] = balloon_page_alloc();
		ASSERT_NOT_NULL(pages[i]);
		balloon_page_enqueue(&b, pages[i]);
	}
	EXPECT_EQ(nr_b0 + N, global_node_page_state(NR_BALLOON_PAGES));
	for (i = 0; i < N; i++) {
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		EXPECT_NULL(pages[i]->mapping);
		mig_add(&list, pages[i]);
	}
	EXPECT_EQ(N, b.isolated_pages);
	EXPECT_TRUE(list_empty(&b.pages));
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(N, succ);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ(m0 + N, pagemig_vmstat("balloon_migrate"));
	EXPECT_EQ(iso0, nr_isolated_all());
	EXPECT_EQ(nr_b0 + N, global_node_page_state(NR_BALLOON_PAGES));
	for (i = 0; i < N; i++)
		EXPECT_FREED(pages[i]);
	list_for_each_entry(page, &b.pages, lru) {
		EXPECT_TRUE(PageOffline(page));
		EXPECT_TRUE(page_has_movable_ops(page));
		EXPECT_FALSE(PageMovableOpsIsolated(page));
		EXPECT_EQ((unsigned long)&b, page_private(page));
		EXPECT_EQ(1, page_ref_count(page));
		EXPECT_NULL(page->mapping);
		n++;
	}
	EXPECT_EQ(N, n);

	/* No migratepage: permanent, and putback re-lists them. */
	b.migratepage = NULL;
	page = list_first_entry(&b.pages, struct page, lru);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	EXPECT_EQ(1, mig_migrate(&list, alloc_dst, NULL, 0, variant->mode,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, b.isolated_pages);
	mig_putback(&list);
	EXPECT_EQ(0, b.isolated_pages);
	EXPECT_EQ((unsigned long)&b, page_private(page));
	EXPECT_EQ(1, page_ref_count(page));

	/* (An empty balloon with nothing isolated would BUG: count.) */
	for (i = 0; i < N; i++) {
		page = balloon_page_dequeue(&b);
		ASSERT_NOT_NULL(page);
		put_page(page);
	}
	EXPECT_TRUE(list_empty(&b.pages));
	EXPECT_EQ(nr_b0, global_node_page_state(NR_BALLOON_PAGES));
}
