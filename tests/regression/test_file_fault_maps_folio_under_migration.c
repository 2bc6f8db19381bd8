// SPDX-License-Identifier: GPL-2.0
/*
 * A fault on a shared file mapping took the page-cache folio and mapped
 * it without the folio lock.  Between migration's unmap phase (the folio
 * locked, every mapping a migration entry) and its move phase, a second
 * process touching the page for the first time found the old folio in
 * the page cache and mapped it.  The move phase's reference check counts
 * one reference per mapping, so the new mapping passed it: the page cache
 * and the first process went over to the new folio while the second kept
 * the old one, and from then on each process saw only its own writes
 * (run_good_processes in test_scenario failed about one run in 100 to
 * 1000 with both CPUs loaded: a handful of corruptions of the shared
 * file's pages, counted again each time one process rewrote the page
 * the other then read).
 *
 * The kernel's fault maps a page-cache folio only with the folio locked,
 * after checking that it is still in the cache; migration holds the lock
 * from unmap to move, so the fault waits and then finds the folio that
 * is in the cache.  Here the fault is made to happen in that window
 * every time: the destination allocator of migrate_pages() runs for the
 * second folio of the batch after the first one was unmapped, and starts
 * the other process's fault there.
 */
#include <pthread.h>

#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

FIXTURE(ffm) {
	int pa, pb, fid;
	unsigned long a, b;
};

FIXTURE_SETUP(ffm)
{
	mm_machine_up(32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2);
	self->pa = pagemig_process_create();
	self->pb = pagemig_process_create();
	ASSERT_LE(0, self->pa);
	ASSERT_LE(0, self->pb);
	self->fid = pagemig_file_create("ffm", 2 * PAGE_SIZE, 11, NULL);
	ASSERT_LE(0, self->fid);
	ASSERT_EQ(0, pagemig_mmap_file(self->pa, self->fid, 2 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &self->a));
	ASSERT_EQ(0, pagemig_mmap_file(self->pb, self->fid, 2 * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &self->b));
}

FIXTURE_TEARDOWN(ffm)
{
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	if (proc_get(self->pa))
		pagemig_process_exit(self->pa);
	if (proc_get(self->pb))
		pagemig_process_exit(self->pb);
	pm_files_drop();
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* The second process's first access to page 0, from its own thread. */
struct toucher {
	pthread_t thread;
	int pid;
	unsigned long addr;
	uint64_t tag;
	int ret;
	bool ok;
	bool done;
};

static void *toucher_main(void *data)
{
	struct toucher *t = data;
	uint64_t buf[PAGE_SIZE / 8];

	t->ret = pagemig_access(t->pid, t->addr, buf, PAGE_SIZE, false);
	t->ok = !t->ret && pm_tag_ok(buf, t->tag);
	smp_store_release(&t->done, true);
	return NULL;
}

/* What the allocator saw when it started the toucher. */
static struct {
	struct folio *src;	/* page 0's folio, unmapped for migration */
	struct toucher *t;
	unsigned int calls;
	bool was_locked, was_migrating, started;
	bool fault_done;	/* the toucher mapped src (the bug) */
	bool fault_sleeps;	/* the toucher waits for src's lock */
} win;

/*
 * migrate_pages() destination allocator.  The first call is for page 0;
 * the second, for page 1, comes after page 0 was unmapped: its folio is
 * locked and every mapping of it is a migration entry until the move
 * phase.  Start the other process's fault on page 0 now and let it run
 * until it has either mapped the folio or gone to sleep on its lock.
 */
static struct folio *alloc_in_window(struct folio *src, unsigned long private)
{
	struct toucher *t = win.t;
	unsigned long long deadline;

	if (win.calls++ == 1 && win.src) {
		win.was_locked = folio_test_locked(win.src);
		win.was_migrating = !folio_mapped(win.src);
		if (!pagemig_thread_create(&t->thread, "toucher", toucher_main, t)) {
			win.started = true;
			deadline = ktime_get_ns() + 30ULL * NSEC_PER_SEC;
			while (ktime_get_ns() < deadline) {
				if (smp_load_acquire(&t->done)) {
					win.fault_done = true;
					break;
				}
				if (folio_test_waiters(win.src)) {
					win.fault_sleeps = true;
					break;
				}
				pagemig_yield();
			}
		}
	}
	return folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, folio_order(src));
}

TEST_F(ffm, fault_waits_for_folio_under_migration)
{
	struct file *file = pm_file(self->fid);
	struct toucher t = { .pid = self->pb, .addr = self->b, .tag = 100 };
	struct folio *fa, *fb, *cached;
	unsigned int succ = 0;
	LIST_HEAD(list);

	/* Process a has both pages; b has touched neither. */
	ASSERT_EQ(0, pm_write_tag(self->pa, self->a, 100));
	ASSERT_EQ(0, pm_write_tag(self->pa, self->a + PAGE_SIZE, 101));
	ASSERT_NULL(pm_folio(self->pb, self->b));

	/* list_add() puts each at the head: page 0 is migrated first. */
	ASSERT_NOT_NULL(pm_isolate(self->pa, self->a + PAGE_SIZE, &list));
	memset(&win, 0, sizeof(win));
	win.src = pm_isolate(self->pa, self->a, &list);
	ASSERT_NOT_NULL(win.src);
	win.t = &t;

	if (migrate_pages(&list, alloc_in_window, NULL, 0, MIGRATE_ASYNC,
			  MR_COMPACTION, &succ))
		putback_movable_pages(&list);
	if (win.started)
		pagemig_thread_join(t.thread, NULL);
	ASSERT_TRUE(win.started);
	/* The window really was open: src locked and unmapped. */
	EXPECT_TRUE(win.was_locked);
	EXPECT_TRUE(win.was_migrating);
	TH_LOG("fault in the window: %s, %u migrated",
	       win.fault_done ? "mapped the old folio" :
	       win.fault_sleeps ? "slept on the folio lock" : "neither", succ);
	/* The fault must not map a folio that migration holds locked. */
	EXPECT_FALSE(win.fault_done);
	EXPECT_TRUE(win.fault_sleeps);
	EXPECT_EQ(0, t.ret);
	EXPECT_TRUE(t.ok);

	/* Both processes map the folio in the page cache... */
	fa = pm_folio(self->pa, self->a);
	fb = pm_folio(self->pb, self->b);
	cached = filemap_get_folio(&file->mapping, 0);
	ASSERT_NOT_NULL(cached);
	EXPECT_EQ(cached, fa);
	EXPECT_EQ(cached, fb);
	folio_put(cached);
	/* ... so each sees the other's writes. */
	ASSERT_EQ(0, pm_write_tag(self->pa, self->a, 200));
	EXPECT_TRUE(pm_check_tag(self->pb, self->b, 200));
	ASSERT_EQ(0, pm_write_tag(self->pb, self->b, 201));
	EXPECT_TRUE(pm_check_tag(self->pa, self->a, 201));
	EXPECT_TRUE(pm_check_tag(self->pa, self->a + PAGE_SIZE, 101));
	EXPECT_TRUE(pm_check_tag(self->pb, self->b + PAGE_SIZE, 101));
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_EQ(0, pagemig_lock_inversions());
}
