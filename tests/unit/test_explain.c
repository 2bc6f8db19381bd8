// SPDX-License-Identifier: GPL-2.0
/*
 * Explained migrations (mm/explain.c, sim/explain.c): the exact lines
 * migrate_pages() writes for a known success and for known failures --
 * a GUP-pinned anon page, a balloon page whose driver cannot migrate, a
 * zsmalloc page a reader holds, a page with no target -- and that with
 * the stream closed nothing is written.  Every line is built here from
 * what the test set up (PFNs, reference counts, the pass budgets of
 * <pagemig/migrate.h>), not read back from the library.
 *
 * Run: make O=build/check-asan DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1
 *      SAN=address,undefined WERROR=1 build/check-asan/tests/unit/test_explain
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/balloon.h>
#include "../../mm/zsmalloc.c"
#include "harness/data.h"
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"
#include "harness/zs_reader.h"
#include "harness/mig_set.h"
#include "../../sim/explain.h"

#define ZS_GFP	(GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE)
/* Every failed attempt of one page in MIGRATE_SYNC: async, then sync passes. */
#define SYNC_TRIES	(NR_MAX_MIGRATE_ASYNC_RETRY + NR_MAX_MIGRATE_SYNC_RETRY)

/* The destination of the next migration, chosen by the test. */
static struct page *target;

static struct folio *to_target(struct folio *src, unsigned long private)
{
	struct page *page = target;

	target = NULL;
	return (struct folio *)page;
}

static struct folio *any_page(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static struct folio *no_page(struct folio *src, unsigned long private)
{
	return NULL;
}

FIXTURE(explain) {
	char path[64];
};

FIXTURE_SETUP(explain)
{
	/* No ZONE_MOVABLE: a long-term pin need not migrate the page first. */
	mm_machine_up(16 * SZ_1M, 4 * SZ_1M, 0, 2);
	snprintf(self->path, sizeof(self->path), "/tmp/pagemig-explain-%d", getpid());
	ASSERT_EQ(0, pagemig_explain_open(self->path));
}

FIXTURE_TEARDOWN(explain)
{
	pagemig_explain_close();
	unlink(self->path);
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* Close the stream and return what it holds (free() it). */
static char *explained(const char *path)
{
	if (pagemig_explain_close())
		return NULL;
	return test_read_file(path);
}

/* An anon page of a new process, tagged; its address in *@addr. */
static int anon_page(unsigned long *addr)
{
	int pid = pagemig_process_create();

	if (pid < 0 || pagemig_mmap_anon(pid, PAGE_SIZE, PAGEMIG_MAP_WRITE, addr) ||
	    pm_write_tag(pid, *addr, 7))
		return -1;
	return pid;
}

TEST_F(explain, anon_success_names_both_pfns)
{
	char want[256], *got;
	unsigned long addr, old, new;
	unsigned int succ = 0;
	MIG_SET(list);
	int pid = anon_page(&addr);

	ASSERT_LE(0, pid);
	old = folio_pfn(pm_folio(pid, addr));
	target = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(target);
	new = page_to_pfn(target);
	ASSERT_NOT_NULL(pm_isolate(pid, addr, &list.list));
	ASSERT_EQ(0, mig_migrate(&list, to_target, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(new, folio_pfn(pm_folio(pid, addr)));
	EXPECT_TRUE(pm_check_tag(pid, addr, 7));

	snprintf(want, sizeof(want),
		 "migrate_pages #1 by %s (compaction, MIGRATE_SYNC): 1 on the list, 1 page moved, 0 failed\n"
		 "  moved   pfn 0x%lx anon -> 0x%lx\n", current_comm(), old, new);
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ(want, got);
	free(got);
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(explain, gup_pinned_page_has_extra_references)
{
	char want[320], *got;
	unsigned long addr, pfn;
	unsigned int succ = 0;
	struct folio *folio;
	MIG_SET(list);
	int pid = anon_page(&addr), refs;

	ASSERT_LE(0, pid);
	ASSERT_EQ(0, pagemig_pin(pid, addr, 1, true));
	folio = pm_folio(pid, addr);
	pfn = folio_pfn(folio);
	ASSERT_EQ(folio, pm_isolate(pid, addr, &list.list));
	/*
	 * Mapped once, isolated once, and the pin's bias.  The check comes
	 * after the unmap: the mapping's reference is gone and only the
	 * isolation's is expected.
	 */
	refs = folio_ref_count(folio) - 1;
	EXPECT_LT(1, refs);
	EXPECT_EQ(1, mig_migrate(&list, any_page, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	mig_putback(&list);
	EXPECT_EQ(pfn, folio_pfn(pm_folio(pid, addr)));

	snprintf(want, sizeof(want),
		 "migrate_pages #1 by %s (compaction, MIGRATE_SYNC): 1 on the list, 0 pages moved, 1 failed\n"
		 "  failed  pfn 0x%lx anon: -EAGAIN, extra references (%d, expected 1): a GUP pin; %d tries\n",
		 current_comm(), pfn, refs, SYNC_TRIES);
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ(want, got);
	free(got);
	EXPECT_EQ(0, pagemig_unpin_all(pid));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}

TEST_F(explain, balloon_driver_that_cannot_migrate_refuses)
{
	struct balloon_dev_info b;
	char want[320], *got;
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);

	balloon_devinfo_init(&b);
	b.migratepage = NULL;
	page = balloon_page_alloc();
	ASSERT_NOT_NULL(page);
	balloon_page_enqueue(&b, page);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	/* -EBUSY is permanent: once in the async pass, once on its own. */
	EXPECT_EQ(1, mig_migrate(&list, any_page, NULL, 0, MIGRATE_SYNC,
				 MR_MEMORY_HOTPLUG, &succ));
	mig_putback(&list);

	snprintf(want, sizeof(want),
		 "migrate_pages #1 by %s (memory_hotplug, MIGRATE_SYNC): 1 on the list, 0 pages moved, 1 failed\n"
		 "  failed  pfn 0x%lx balloon: -EBUSY, owner refused: the balloon driver cannot migrate pages; 2 tries\n",
		 current_comm(), page_to_pfn(page));
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ(want, got);
	free(got);
	page = balloon_page_dequeue(&b);
	ASSERT_NOT_NULL(page);
	put_page(page);
}

TEST_F(explain, zsmalloc_page_a_reader_holds_then_moves)
{
	struct zs_pool *pool = zs_create_pool("explain");
	unsigned long handle, pfn, new;
	static struct zs_reader r;
	char want[512], *got;
	unsigned int succ = 0;
	pthread_t th;
	struct page *page;
	MIG_SET(list);

	ASSERT_NOT_NULL(pool);
	handle = zs_malloc(pool, 2000, ZS_GFP, 0);
	ASSERT_FALSE(zs_handle_error(handle));
	pfn = handle_to_obj(handle) >> OBJ_INDEX_BITS;
	page = pfn_to_page(pfn);

	/* A reader has the zspage: zs_page_migrate() cannot take it. */
	r.pool = pool;
	r.handle = handle;
	ASSERT_EQ(0, pagemig_thread_create(&th, "reader", zs_reader_fn, &r));
	zs_reader_wait(&r);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	EXPECT_EQ(1, mig_migrate(&list, any_page, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	mig_putback(&list);
	zs_reader_release(&r, th);

	/* Let go: the same page moves where the test says. */
	target = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(target);
	new = page_to_pfn(target);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	EXPECT_EQ(0, mig_migrate(&list, to_target, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(new, handle_to_obj(handle) >> OBJ_INDEX_BITS);

	snprintf(want, sizeof(want),
		 "migrate_pages #1 by %s (compaction, MIGRATE_SYNC): 1 on the list, 0 pages moved, 1 failed\n"
		 "  failed  pfn 0x%lx zsmalloc: -EINVAL, owner refused: zsmalloc: a reader has the zspage mapped; 2 tries\n"
		 "migrate_pages #2 by %s (compaction, MIGRATE_SYNC): 1 on the list, 1 page moved, 0 failed\n"
		 "  moved   pfn 0x%lx zsmalloc -> 0x%lx\n",
		 current_comm(), pfn, current_comm(), pfn, new);
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ(want, got);
	free(got);
	zs_free(pool, handle);
	zs_flush_deferred(pool);
	zs_destroy_pool(pool);
}

TEST_F(explain, no_target_fails_one_and_skips_the_rest)
{
	unsigned long addr[2], pfn[2];
	char want[512], *got;
	unsigned int succ = 0;
	MIG_SET(list);
	int pid[2], i;

	for (i = 0; i < 2; i++) {
		pid[i] = anon_page(&addr[i]);
		ASSERT_LE(0, pid[i]);
		pfn[i] = folio_pfn(pm_folio(pid[i], addr[i]));
		ASSERT_NOT_NULL(pm_isolate(pid[i], addr[i], &list.list));
	}
	/* pm_isolate() adds at the head: the second page is tried first. */
	EXPECT_EQ(-ENOMEM, mig_migrate(&list, no_page, NULL, 0, MIGRATE_ASYNC,
					 MR_COMPACTION, &succ));
	mig_putback(&list);

	snprintf(want, sizeof(want),
		 "migrate_pages #1 by %s (compaction, MIGRATE_ASYNC): 2 on the list, 0 pages moved, 1 failed\n"
		 "  failed  pfn 0x%lx anon: -ENOMEM, no target page: the allocator had none\n"
		 "  skipped pfn 0x%lx anon: not tried, the call stopped at its -ENOMEM\n",
		 current_comm(), pfn[1], pfn[0]);
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ(want, got);
	free(got);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, pagemig_process_exit(pid[i]));
}

TEST_F(explain, closed_stream_writes_nothing)
{
	unsigned long addr, blocks;
	unsigned int succ = 0;
	MIG_SET(list);
	int pid = anon_page(&addr);
	char *got;

	ASSERT_LE(0, pid);
	got = explained(self->path);
	ASSERT_NOT_NULL(got);
	EXPECT_STREQ("", got);
	free(got);
	blocks = explain_nr_blocks();
	ASSERT_NOT_NULL(pm_isolate(pid, addr, &list.list));
	EXPECT_EQ(0, mig_migrate(&list, any_page, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(blocks, explain_nr_blocks());
	/* And "-" is stdout, which closing leaves open. */
	EXPECT_EQ(0, pagemig_explain_open("-"));
	EXPECT_EQ(-EBUSY, pagemig_explain_open(self->path));
	EXPECT_EQ(0, pagemig_explain_close());
	EXPECT_EQ(0, fflush(stdout));
	EXPECT_EQ(-EINVAL, pagemig_explain_open(""));
	EXPECT_EQ(0, pagemig_process_exit(pid));
}
