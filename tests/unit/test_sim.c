// SPDX-License-Identifier: GPL-2.0
/*
 * sim/: the arena, CPUs and kthreads, locks and the lock-order checker,
 * bit waitqueues, fault points, printk and WARN/BUG.  Everything mm/
 * stands on; each test checks behaviour another layer relies on.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/fault-inject.h>
#include <pagemig/pagemig_testing.h>
#include <pagemig/printk.h>
#include <pagemig/smp.h>
#include <pagemig/spinlock.h>
#include "../../lib/bitops.h"
#include "../../lib/bug.h"
#include "../../sim/arena.h"
#include "../../sim/fault.h"
#include "../../sim/printk.h"
#include "harness/test.h"

#define FRAME	4096UL

/* Capture the library log in memory for one test. */
struct log_capture {
	char *buf;
	size_t len;
	FILE *f;
};

static void capture_start(struct log_capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	pagemig_set_log(c->f);
}

/* The text logged so far; valid until capture_end(). */
static const char *capture_text(struct log_capture *c)
{
	fflush(c->f);
	return c->buf ? c->buf : "";
}

static void capture_end(struct log_capture *c)
{
	pagemig_set_log(NULL);
	fclose(c->f);
	free(c->buf);
}

static unsigned int count_substr(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* ---- arena ---------------------------------------------------------------- */

FIXTURE(arena) {
	unsigned long nr;
};

FIXTURE_VARIANT(arena) {
	unsigned long pages;
};

FIXTURE_VARIANT_ADD(arena, small) { .pages = 64 };
FIXTURE_VARIANT_ADD(arena, two_pageblocks) { .pages = 1024 };

FIXTURE_SETUP(arena)
{
	self->nr = variant->pages;
	ASSERT_EQ(0, arena_init(self->nr));
}

FIXTURE_TEARDOWN(arena)
{
	arena_exit();
	EXPECT_NULL(arena_base);
	EXPECT_EQ(0, arena_nr_pages);
}

TEST_F(arena, init_refuses_zero_and_second)
{
	ASSERT_NOT_NULL(arena_base);
	EXPECT_EQ(self->nr, arena_nr_pages);
	EXPECT_EQ(-EINVAL, arena_init(0));
	EXPECT_EQ(-EINVAL, arena_init(16));	/* one arena at a time */
	EXPECT_EQ(self->nr, arena_nr_pages);
	/* Untouched frames cost the host nothing (MAP_NORESERVE, lazy). */
	EXPECT_EQ(0, arena_resident_pages());
}

TEST_F(arena, discard_reads_zero_and_drops_residency)
{
	unsigned long i, half = self->nr / 2, before;

	for (i = 0; i < self->nr; i++)
		memset(arena_base + i * FRAME, 0x5a, FRAME);
	before = arena_resident_pages();
	EXPECT_EQ(self->nr, before);

	arena_discard(half, self->nr - half);
	EXPECT_EQ(half, arena_resident_pages());
	/* Out-of-range discards are clipped, not crashes. */
	arena_discard(self->nr - 1, 100);
	arena_discard(self->nr + 5, 1);
	arena_discard(0, 0);
	EXPECT_EQ(half, arena_resident_pages());
	arena_discard(half - 1, 1);
	EXPECT_EQ(half - 1, arena_resident_pages());

	for (i = half - 1; i < self->nr; i++) {
		const unsigned char *p = (unsigned char *)arena_base + i * FRAME;

		ASSERT_EQ(0, p[0]);
		ASSERT_EQ(0, p[FRAME - 1]);
	}
	/* Frames below the range keep their bytes. */
	EXPECT_EQ(0x5a, (unsigned char)arena_base[(half - 2) * FRAME]);
}

TEST(arena_meta_is_zeroed)
{
	size_t bytes = 3 * FRAME + 100;
	unsigned char *p = arena_map_meta(bytes);
	size_t i, nonzero = 0;

	ASSERT_NOT_NULL(p);
	for (i = 0; i < bytes; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(0, nonzero);
	memset(p, 1, bytes);
	arena_unmap_meta(p, bytes);
	EXPECT_NULL(arena_map_meta(0));
	arena_unmap_meta(NULL, 10);
	EXPECT_GT(host_ram_bytes(), 1ULL << 20);
}

/* ---- CPUs and kthreads ------------------------------------------------------ */

struct kt_arg {
	int cpu_seen;
	int loops;
};

static int kt_body(void *data)
{
	struct kt_arg *a = data;

	a->cpu_seen = smp_processor_id();
	while (!kthread_should_stop()) {
		__atomic_add_fetch(&a->loops, 1, __ATOMIC_RELAXED);
		msleep(1);
	}
	return 42;
}

TEST(kthread_runs_on_cpu_and_stops)
{
	struct kt_arg a = { .cpu_seen = -1 };
	struct task_struct *t;

	EXPECT_EQ(0, smp_processor_id());
	EXPECT_FALSE(kthread_should_stop());
	t = kthread_run_on_cpu(kt_body, &a, 3, "test-kthread-long-name");
	ASSERT_NOT_NULL(t);
	while (!__atomic_load_n(&a.loops, __ATOMIC_RELAXED))
		msleep(1);
	EXPECT_EQ(42, kthread_stop(t));
	EXPECT_EQ(3, a.cpu_seen);
	EXPECT_EQ(0, smp_processor_id());	/* ours is unchanged */

	EXPECT_NULL(kthread_run_on_cpu(kt_body, &a, NR_CPUS, "bad"));
	EXPECT_NULL(kthread_run_on_cpu(kt_body, &a, -1, "bad"));
}

TEST(set_cpu_id_and_clock)
{
	struct log_capture c;
	unsigned long long t0, t1;

	set_cpu_id(5);
	EXPECT_EQ(5, smp_processor_id());
	capture_start(&c);
	set_cpu_id(NR_CPUS);			/* warns, keeps 5 */
	EXPECT_EQ(5, smp_processor_id());
	EXPECT_NE(NULL, strstr(capture_text(&c), "WARNING: at"));
	capture_end(&c);
	set_cpu_id(0);

	t0 = ktime_get_ns();
	msleep(20);
	t1 = ktime_get_ns();
	EXPECT_GE(t1 - t0, 20000000ULL);
	for (int i = 0; i < 1000; i++)
		cond_resched();
}

/* ---- locks ------------------------------------------------------------------- */

struct lock_ctx {
	spinlock_t spin;
	struct mutex mutex;
	struct rw_semaphore sem;
	rwlock_t rw;
	int result;
};

static void *try_others(void *arg)
{
	struct lock_ctx *c = arg;

	c->result = spin_trylock(&c->spin) * 1 +
		    mutex_trylock(&c->mutex) * 2 +
		    down_read_trylock(&c->sem) * 4 +
		    down_write_trylock(&c->sem) * 8;
	if (c->result & 4)
		up_read(&c->sem);
	if (c->result & 8)
		up_write(&c->sem);
	if (c->result & 2)
		mutex_unlock(&c->mutex);
	if (c->result & 1)
		spin_unlock(&c->spin);
	return NULL;
}

static int run_try_others(struct lock_ctx *c)
{
	pthread_t th;

	pagemig_thread_create(&th, "try-others", try_others, c);
	pagemig_thread_join(th, NULL);
	return c->result;
}

TEST(locks_exclude_other_threads)
{
	struct lock_ctx c;

	spin_lock_init(&c.spin, LOCK_RANK_LEAF);
	mutex_init(&c.mutex, LOCK_RANK_DRIVER);
	init_rwsem(&c.sem, LOCK_RANK_MMAP);
	rwlock_init(&c.rw, LOCK_RANK_ZS_MIGRATE);
	EXPECT_STREQ("&c.spin", c.spin.key.name);
	EXPECT_EQ(LOCK_RANK_LEAF, c.spin.key.rank);

	/* Nothing held: the other thread gets all but the write side. */
	EXPECT_EQ(1 | 2 | 4, run_try_others(&c));

	/* In rank order, or the checker (rightly) complains. */
	mutex_lock(&c.mutex);
	down_read(&c.sem);
	spin_lock(&c.spin);
	/* Readers share, writers are excluded, the rest is exclusive. */
	EXPECT_EQ(4, run_try_others(&c));
	spin_unlock(&c.spin);
	up_read(&c.sem);
	down_write(&c.sem);
	spin_lock(&c.spin);
	EXPECT_EQ(0, run_try_others(&c));
	spin_unlock(&c.spin);
	up_write(&c.sem);
	mutex_unlock(&c.mutex);

	EXPECT_TRUE(spin_trylock(&c.spin));
	EXPECT_FALSE(spin_trylock(&c.spin));
	spin_unlock(&c.spin);

	read_lock(&c.rw);
	read_unlock(&c.rw);
	write_lock(&c.rw);
	write_unlock(&c.rw);
	mutex_destroy(&c.mutex);
}

struct contend_ctx {
	rwlock_t rw;
	bool write;
	int state;	/* 1 about to lock, 2 got it */
};

static void *rw_waiter(void *arg)
{
	struct contend_ctx *c = arg;

	__atomic_store_n(&c->state, 1, __ATOMIC_RELEASE);
	if (c->write) {
		write_lock(&c->rw);
		__atomic_store_n(&c->state, 2, __ATOMIC_RELEASE);
		write_unlock(&c->rw);
	} else {
		read_lock(&c->rw);
		__atomic_store_n(&c->state, 2, __ATOMIC_RELEASE);
		read_unlock(&c->rw);
	}
	return NULL;
}

/* Spin until @c's waiter shows up as contention, at most about 5 s. */
static bool wait_contended(struct contend_ctx *c)
{
	for (int i = 0; i < 50000; i++) {
		if (rwlock_is_contended(&c->rw))
			return true;
		test_usleep(100);
	}
	return false;
}

/* rwlock_is_contended(): true exactly while someone is blocked on the lock. */
TEST(rwlock_is_contended_counts_blocked_threads)
{
	struct contend_ctx c = { 0 };
	pthread_t th;

	rwlock_init(&c.rw, LOCK_RANK_ZS_MIGRATE);
	EXPECT_FALSE(rwlock_is_contended(&c.rw));
	/* Held, nobody waiting; readers that get in at once do not count. */
	write_lock(&c.rw);
	EXPECT_FALSE(rwlock_is_contended(&c.rw));
	write_unlock(&c.rw);
	read_lock(&c.rw);
	ASSERT_EQ(0, pagemig_thread_create(&th, "rw-waiter", rw_waiter, &c));
	pagemig_thread_join(th, NULL);
	EXPECT_EQ(2, c.state);
	EXPECT_FALSE(rwlock_is_contended(&c.rw));

	/* A writer waits for our read hold. */
	c.write = true;
	c.state = 0;
	ASSERT_EQ(0, pagemig_thread_create(&th, "rw-waiter", rw_waiter, &c));
	EXPECT_TRUE(wait_contended(&c));
	EXPECT_NE(2, __atomic_load_n(&c.state, __ATOMIC_ACQUIRE));
	read_unlock(&c.rw);
	pagemig_thread_join(th, NULL);
	EXPECT_EQ(2, c.state);
	EXPECT_FALSE(rwlock_is_contended(&c.rw));

	/* A reader waits for our write hold. */
	c.write = false;
	c.state = 0;
	write_lock(&c.rw);
	ASSERT_EQ(0, pagemig_thread_create(&th, "rw-waiter", rw_waiter, &c));
	EXPECT_TRUE(wait_contended(&c));
	EXPECT_NE(2, __atomic_load_n(&c.state, __ATOMIC_ACQUIRE));
	write_unlock(&c.rw);
	pagemig_thread_join(th, NULL);
	EXPECT_EQ(2, c.state);
	EXPECT_FALSE(rwlock_is_contended(&c.rw));
}

struct count_ctx {
	spinlock_t lock;
	struct mutex mutex;
	unsigned long word;
	long counter, counter2;
	int iters;
};

static void *spin_adder(void *arg)
{
	struct count_ctx *c = arg;

	for (int i = 0; i < c->iters; i++) {
		spin_lock(&c->lock);
		c->counter++;			/* plain: the lock protects it */
		spin_unlock(&c->lock);
		mutex_lock(&c->mutex);
		c->counter2++;
		mutex_unlock(&c->mutex);
	}
	return NULL;
}

TEST(spin_and_mutex_count_exactly)
{
	struct count_ctx c = { .iters = 20000 };
	pthread_t th[3];

	spin_lock_init(&c.lock, LOCK_RANK_LEAF);
	mutex_init(&c.mutex, LOCK_RANK_NONE);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, pagemig_thread_create(&th[i], "spin-adder", spin_adder, &c));
	for (int i = 0; i < 3; i++)
		pagemig_thread_join(th[i], NULL);
	EXPECT_EQ(3L * c.iters, c.counter);
	EXPECT_EQ(3L * c.iters, c.counter2);
}

TEST(lockdep_reports_inversion_once_and_counts)
{
	spinlock_t zone_lock;
	struct mutex driver_mutex;
	struct log_capture c;
	unsigned long before;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		SKIP("lock-order checker needs DEBUG_VM=1");

	spin_lock_init(&zone_lock, LOCK_RANK_ZONE);
	mutex_init(&driver_mutex, LOCK_RANK_DRIVER);
	capture_start(&c);
	before = pagemig_lock_inversions();

	/* Right order: nothing to say. */
	mutex_lock(&driver_mutex);
	spin_lock(&zone_lock);
	spin_unlock(&zone_lock);
	mutex_unlock(&driver_mutex);
	EXPECT_EQ(before, lockdep_inversions());

	/* Wrong order, twice: counted twice, printed once. */
	for (int i = 0; i < 2; i++) {
		spin_lock(&zone_lock);
		mutex_lock(&driver_mutex);
		mutex_unlock(&driver_mutex);
		spin_unlock(&zone_lock);
	}
	EXPECT_EQ(before + 2, lockdep_inversions());
	EXPECT_EQ(before + 2, pagemig_lock_inversions());
	{
		char want[160];

		/* Ranks come from enum lock_rank, which grows over time. */
		snprintf(want, sizeof(want),
			 "lock order inversion: acquiring &driver_mutex (rank %d) while holding &zone_lock (rank %d)",
			 LOCK_RANK_DRIVER, LOCK_RANK_ZONE);
		EXPECT_EQ(1, count_substr(capture_text(&c), want));
	}

	printk_reset_counters();
	EXPECT_EQ(0, pagemig_lock_inversions());
	capture_end(&c);
	mutex_destroy(&driver_mutex);
}

TEST(lockdep_same_rank_and_unranked)
{
	spinlock_t a, b, none;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		SKIP("lock-order checker needs DEBUG_VM=1");
	spin_lock_init(&a, LOCK_RANK_PCP);
	spin_lock_init(&b, LOCK_RANK_PCP);
	spin_lock_init(&none, LOCK_RANK_NONE);
	pagemig_set_log(fopen("/dev/null", "w"));
	printk_reset_counters();

	/* Unranked locks are never order-checked, either way round. */
	spin_lock(&a);
	spin_lock(&none);
	spin_unlock(&none);
	spin_unlock(&a);
	spin_lock(&none);
	spin_lock(&a);
	spin_unlock(&a);
	spin_unlock(&none);
	EXPECT_EQ(0, lockdep_inversions());

	/* Equal rank is not "strictly increasing": two pcp locks nest badly. */
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	spin_unlock(&a);
	EXPECT_EQ(1, lockdep_inversions());
	printk_reset_counters();
	pagemig_set_log(NULL);
}

TEST(lockdep_trylock_is_recorded_not_checked)
{
	spinlock_t zone_lock, pages_lock;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		SKIP("lock-order checker needs DEBUG_VM=1");
	spin_lock_init(&zone_lock, LOCK_RANK_ZONE);
	spin_lock_init(&pages_lock, LOCK_RANK_BALLOON_PAGES);
	printk_reset_counters();

	spin_lock(&zone_lock);
	ASSERT_TRUE(spin_trylock(&pages_lock));	/* out of order, but cannot block */
	EXPECT_EQ(0, lockdep_inversions());
	EXPECT_TRUE(lockdep_is_held(&pages_lock));
	/* Release out of order: any position pops. */
	spin_unlock(&zone_lock);
	EXPECT_FALSE(lockdep_is_held(&zone_lock));
	EXPECT_TRUE(lockdep_is_held(&pages_lock));
	spin_unlock(&pages_lock);
	EXPECT_FALSE(lockdep_is_held(&pages_lock));
}

static void *held_elsewhere(void *arg)
{
	return (void *)(uintptr_t)lockdep_is_held(arg);
}

TEST(lockdep_is_held_per_thread)
{
	struct mutex m;
	pthread_t th;
	void *ret;

	mutex_init(&m, LOCK_RANK_DRIVER);
	if (!IS_ENABLED(CONFIG_DEBUG_VM)) {
		/* As the kernel without lockdep: assertions never fire. */
		EXPECT_TRUE(lockdep_is_held(&m));
		mutex_destroy(&m);
		SKIP("per-thread tracking needs DEBUG_VM=1");
	}
	EXPECT_FALSE(lockdep_is_held(&m));
	mutex_lock(&m);
	EXPECT_TRUE(lockdep_is_held(&m));
	lockdep_assert_held(&m);
	pagemig_thread_create(&th, "held-elsewhere", held_elsewhere, &m);
	pagemig_thread_join(th, &ret);
	EXPECT_NULL(ret);			/* another thread does not hold it */
	mutex_unlock(&m);
	EXPECT_FALSE(lockdep_is_held(&m));
	mutex_destroy(&m);
}

/* ---- bit waitqueues ------------------------------------------------------------ */

#define BIT_LOCK	3
#define BIT_WAITERS	7

struct bitwait_ctx {
	unsigned long word;
	int got;
	int done;
};

static void *bit_locker(void *arg)
{
	struct bitwait_ctx *c = arg;

	wait_on_bit_lock(&c->word, BIT_LOCK, BIT_WAITERS);
	__atomic_store_n(&c->got, 1, __ATOMIC_RELEASE);
	clear_bit_unlock_wake(&c->word, BIT_LOCK, BIT_WAITERS);
	return NULL;
}

static void *bit_waiter(void *arg)
{
	struct bitwait_ctx *c = arg;

	wait_on_bit(&c->word, BIT_LOCK, BIT_WAITERS);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(bit_lock_sleeps_until_unlock)
{
	struct bitwait_ctx c = { .word = BIT(0) | BIT(12) };	/* other flags */
	pthread_t th[2];

	wait_on_bit_lock(&c.word, BIT_LOCK, BIT_WAITERS);	/* uncontended */
	ASSERT_TRUE(test_bit(BIT_LOCK, &c.word));
	ASSERT_EQ(0, pagemig_thread_create(&th[0], "bit-locker", bit_locker, &c));
	ASSERT_EQ(0, pagemig_thread_create(&th[1], "bit-waiter", bit_waiter, &c));

	/* Both must announce themselves and sleep, not spin past the lock. */
	for (int i = 0; i < 2000 && !test_bit(BIT_WAITERS, &c.word); i++)
		msleep(1);
	msleep(20);
	EXPECT_TRUE(test_bit(BIT_WAITERS, &c.word));
	EXPECT_EQ(0, __atomic_load_n(&c.got, __ATOMIC_ACQUIRE));
	EXPECT_EQ(0, __atomic_load_n(&c.done, __ATOMIC_ACQUIRE));

	clear_bit_unlock_wake(&c.word, BIT_LOCK, BIT_WAITERS);
	pagemig_thread_join(th[0], NULL);
	pagemig_thread_join(th[1], NULL);
	EXPECT_EQ(1, c.got);
	EXPECT_EQ(1, c.done);
	/*
	 * The waiters bit may outlive the last sleeper (as PG_waiters
	 * does); the next unlock, finding nobody asleep, clears it, and no
	 * other bit of the word was touched.
	 */
	wait_on_bit_lock(&c.word, BIT_LOCK, BIT_WAITERS);
	clear_bit_unlock_wake(&c.word, BIT_LOCK, BIT_WAITERS);
	EXPECT_EQ(BIT(0) | BIT(12), c.word);
}

static void *bit_adder(void *arg)
{
	struct count_ctx *c = arg;

	for (int i = 0; i < c->iters; i++) {
		wait_on_bit_lock(&c->word, BIT_LOCK, BIT_WAITERS);
		c->counter++;
		clear_bit_unlock_wake(&c->word, BIT_LOCK, BIT_WAITERS);
	}
	return NULL;
}

TEST(bit_lock_counts_exactly)
{
	struct count_ctx c = { .iters = 20000 };
	pthread_t th[3];

	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, pagemig_thread_create(&th[i], "bit-adder", bit_adder, &c));
	for (int i = 0; i < 3; i++)
		pagemig_thread_join(th[i], NULL);
	EXPECT_EQ(3L * c.iters, c.counter);
	EXPECT_FALSE(test_bit(BIT_LOCK, &c.word));
	EXPECT_FALSE(test_bit(BIT_WAITERS, &c.word));
}

/* ---- fault injection ------------------------------------------------------------- */

FIXTURE(fault) {
	int unused;
};

FIXTURE_SETUP(fault)
{
	pagemig_fault_disarm_all();
	fault_seed(test_seed());
}

FIXTURE_TEARDOWN(fault)
{
	pagemig_fault_disarm_all();
	EXPECT_FALSE(should_fail(FAULT_ALLOC_PAGES));
}

TEST_F(fault, names_are_listed_and_unique)
{
	unsigned int i, j;

	ASSERT_EQ(NR_FAULT_POINTS, pagemig_fault_count());
	EXPECT_STREQ("alloc_pages", pagemig_fault_name(FAULT_ALLOC_PAGES));
	EXPECT_STREQ("kmalloc", pagemig_fault_name(FAULT_KMALLOC));
	for (i = 0; i < pagemig_fault_count(); i++) {
		ASSERT_NOT_NULL(pagemig_fault_name(i));
		ASSERT_NOT_NULL(pagemig_fault_desc(i));
		for (j = 0; j < i; j++)
			ASSERT_STRNE(pagemig_fault_name(i), pagemig_fault_name(j));
	}
	EXPECT_NULL(pagemig_fault_name(pagemig_fault_count()));
	EXPECT_NULL(pagemig_fault_desc(pagemig_fault_count()));
}

TEST_F(fault, unknown_and_bad_arguments)
{
	EXPECT_EQ(-ENOENT, pagemig_fault_arm("no_such_point", 1, 1));
	EXPECT_EQ(-ENOENT, pagemig_fault_arm(NULL, 1, 1));
	EXPECT_EQ(-ENOENT, pagemig_fault_arm_random("no_such_point", 5));
	EXPECT_EQ(-EINVAL, pagemig_fault_arm("alloc_pages", 0, 1));
	EXPECT_EQ(-EINVAL, pagemig_fault_arm("alloc_pages", 1, 0));
	EXPECT_EQ(-EINVAL, pagemig_fault_arm_random("alloc_pages", 1001));
	EXPECT_EQ(0, pagemig_fault_hits("no_such_point"));
	/* Nothing was armed by the failed calls. */
	EXPECT_EQ(0, __pm_faults_armed);
	EXPECT_FALSE(should_fail(FAULT_ALLOC_PAGES));
}

TEST_F(fault, nth_and_times)
{
	char pattern[9] = { 0 };

	ASSERT_EQ(0, pagemig_fault_arm("migrate_alloc", 3, 2));
	for (int i = 0; i < 8; i++)
		pattern[i] = should_fail(FAULT_MIGRATE_ALLOC) ? 'F' : '.';
	EXPECT_STREQ("..FF....", pattern);
	EXPECT_EQ(2, pagemig_fault_hits("migrate_alloc"));
	/* Other points are unaffected while one is armed. */
	EXPECT_FALSE(should_fail(FAULT_ALLOC_PAGES));
	EXPECT_EQ(0, pagemig_fault_hits("alloc_pages"));

	/* Re-arming starts counting again. */
	ASSERT_EQ(0, pagemig_fault_arm("migrate_alloc", 1, 1));
	EXPECT_EQ(0, pagemig_fault_hits("migrate_alloc"));
	EXPECT_TRUE(should_fail(FAULT_MIGRATE_ALLOC));
	EXPECT_FALSE(should_fail(FAULT_MIGRATE_ALLOC));

	/* Forever. */
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, ~0UL));
	for (int i = 0; i < 100; i++)
		ASSERT_TRUE(should_fail(FAULT_KMALLOC));
	EXPECT_EQ(100, pagemig_fault_hits("kmalloc"));

	pagemig_fault_disarm_all();
	EXPECT_FALSE(should_fail(FAULT_KMALLOC));
	EXPECT_EQ(0, __pm_faults_armed);
	EXPECT_EQ(100, pagemig_fault_hits("kmalloc"));	/* readable after */
}

static unsigned int random_run(uint64_t seed, unsigned int permille,
			       char *pattern, int n)
{
	unsigned int fails = 0;

	fault_seed(seed);
	pagemig_fault_arm_random("movable_ops_migrate", permille);
	for (int i = 0; i < n; i++) {
		bool f = should_fail(FAULT_MOPS_MIGRATE);

		fails += f;
		if (pattern)
			pattern[i] = f ? 'F' : '.';
	}
	return fails;
}

TEST_F(fault, random_is_seeded)
{
	char a[201] = { 0 }, b[201] = { 0 }, c[201] = { 0 };
	unsigned int n;

	EXPECT_EQ(0, random_run(1, 0, NULL, 1000));
	EXPECT_EQ(1000, random_run(1, 1000, NULL, 1000));
	EXPECT_EQ(1000, pagemig_fault_hits("movable_ops_migrate"));

	n = random_run(test_seed(), 250, NULL, 20000);
	EXPECT_GT(n, 4500);
	EXPECT_LT(n, 5500);

	random_run(test_seed(), 500, a, 200);
	random_run(test_seed(), 500, b, 200);
	random_run(test_seed() + 1, 500, c, 200);
	EXPECT_STREQ(a, b);
	EXPECT_STRNE(a, c);
}

struct fault_thread_ctx {
	int iters;
	unsigned int fails;
};

static void *fault_hammer(void *arg)
{
	struct fault_thread_ctx *c = arg;
	unsigned int fails = 0;

	for (int i = 0; i < c->iters; i++)
		fails += should_fail(FAULT_ISOLATE_LRU);
	__atomic_add_fetch(&c->fails, fails, __ATOMIC_RELAXED);
	return NULL;
}

TEST_F(fault, nth_window_is_exact_across_threads)
{
	struct fault_thread_ctx c = { .iters = 50000 };
	pthread_t th[2];

	ASSERT_EQ(0, pagemig_fault_arm("isolate_lru", 1000, 777));
	for (int i = 0; i < 2; i++)
		pagemig_thread_create(&th[i], "fault-hammer", fault_hammer, &c);
	for (int i = 0; i < 2; i++)
		pagemig_thread_join(th[i], NULL);
	EXPECT_EQ(777, c.fails);
	EXPECT_EQ(777, pagemig_fault_hits("isolate_lru"));
}

/* ---- printk, WARN, BUG ---------------------------------------------------------- */

TEST(printk_strips_level_and_redirects)
{
	struct log_capture c;
	char big[2000];

	capture_start(&c);
	printk(KERN_ERR "zone %s: %d pages\n", "Normal", 512);
	pr_info("plain\n");
	printk("<x>not a level\n");
	EXPECT_STREQ("zone Normal: 512 pages\nplain\n<x>not a level\n",
		     capture_text(&c));
	capture_end(&c);

	/* Longer than printk's stack buffer: still whole. */
	memset(big, 'b', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	capture_start(&c);
	pr_warn("%s", big);
	EXPECT_EQ(sizeof(big) - 1, strlen(capture_text(&c)));
	capture_end(&c);
}

TEST(warn_prints_and_counts)
{
	struct log_capture c;
	unsigned long before;
	int x = 3;
	bool ret;

	capture_start(&c);
	before = pagemig_warnings();
	ret = WARN_ON(x == 3);
	EXPECT_TRUE(ret);
	EXPECT_FALSE(WARN_ON(x == 4));
	EXPECT_EQ(before + 1, pagemig_warnings());
	EXPECT_NE(NULL, strstr(capture_text(&c), "WARNING: at tests/unit/test_sim.c:"));
	EXPECT_NE(NULL, strstr(capture_text(&c), " warn_prints_and_counts: x == 3\n"));

	for (int i = 0; i < 3; i++)
		WARN_ON_ONCE(x > 0);
	EXPECT_EQ(before + 2, pagemig_warnings());
	WARN(x, "custom message");
	EXPECT_NE(NULL, strstr(capture_text(&c), ": custom message\n"));

	printk_reset_counters();
	EXPECT_EQ(0, pagemig_warnings());
	capture_end(&c);
}

TEST(bug_aborts_with_report)
{
	int pipefd[2], status;
	char buf[256] = { 0 };
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	fflush(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		signal(SIGABRT, SIG_DFL);
		close(pipefd[0]);
		pagemig_set_log(fdopen(pipefd[1], "w"));
		BUG_ON(pid == 0);
		_exit(0);
	}
	close(pipefd[1]);
	/* Read to EOF: the child must not die of SIGPIPE mid-report. */
	for (size_t len = 0; len < sizeof(buf) - 1; ) {
		ssize_t n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += n;
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	EXPECT_TRUE(WIFSIGNALED(status));
	if (WIFSIGNALED(status))
		EXPECT_EQ(SIGABRT, WTERMSIG(status));
	EXPECT_NE(NULL, strstr(buf, "kernel BUG at tests/unit/test_sim.c:"));
}

TEST(ratelimit_bursts_then_suppresses)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT(60, 3);
	struct ratelimit_state off = RATELIMIT_STATE_INIT(0, 0);
	struct log_capture c;
	int ok = 0;

	capture_start(&c);
	for (int i = 0; i < 10; i++)
		ok += __ratelimit(&rs);
	EXPECT_EQ(3, ok);
	EXPECT_EQ(7, rs.missed);
	EXPECT_STREQ("", capture_text(&c));

	msleep(80);				/* a new interval */
	EXPECT_TRUE(__ratelimit(&rs));
	EXPECT_EQ(0, rs.missed);
	EXPECT_NE(NULL, strstr(capture_text(&c), "7 callbacks suppressed"));

	for (int i = 0; i < 100; i++)
		ASSERT_TRUE(__ratelimit(&off));	/* interval 0: no limit */
	capture_end(&c);
}

/* ---- thread slots ---- */

static void *slot_thread(void *arg)
{
	*(int *)arg = thread_slot(NULL);
	return NULL;
}

struct slot_wait {
	struct test_barrier *bar;
	int *out;
};

static void *slot_thread_wait(void *arg)
{
	struct slot_wait *w = arg;

	*w->out = thread_slot(NULL);
	test_barrier_wait(w->bar);
	return NULL;
}

static int released_slot = -1;

static void note_release(int slot)
{
	released_slot = slot;
}

/*
 * A slot is the thread's for life, unique among live threads, and goes
 * back to the pool when the thread exits: a run that starts thousands
 * of threads one after another never runs out, and no two live threads
 * share one (mm/memory.c's TLB stand-in relies on that).
 */
TEST(thread_slots_are_unique_and_recycled)
{
	int mine = thread_slot(note_release), a = -1, i;
	pthread_t th;

	ASSERT_LE(0, mine);
	EXPECT_EQ(mine, thread_slot(NULL));
	for (i = 0; i < 3 * THREAD_SLOTS; i++) {
		ASSERT_EQ(0, pagemig_thread_create(&th, "slot-thread", slot_thread, &a));
		ASSERT_EQ(0, pagemig_thread_join(th, NULL));
		ASSERT_LE(0, a);
		ASSERT_NE(mine, a);
	}
	/* The release hook saw the last exit. */
	EXPECT_EQ(a, released_slot);
	/* Two live at once: different slots. */
	ASSERT_EQ(0, pagemig_thread_create(&th, "slot-thread", slot_thread, &a));
	ASSERT_EQ(0, pagemig_thread_join(th, NULL));
	{
		pthread_t t1, t2;
		int x = -1, y = -1;
		struct test_barrier bar;

		ASSERT_EQ(0, test_barrier_init(&bar, 2));
		/* Keep both alive until both have their slots. */
		struct slot_wait args[2] = { { &bar, &x }, { &bar, &y } };
		ASSERT_EQ(0, pagemig_thread_create(&t1, "slot-thread-wai", slot_thread_wait, &args[0]));
		ASSERT_EQ(0, pagemig_thread_create(&t2, "slot-thread-wai", slot_thread_wait, &args[1]));
		pagemig_thread_join(t1, NULL);
		pagemig_thread_join(t2, NULL);
		EXPECT_LE(0, x);
		EXPECT_LE(0, y);
		EXPECT_NE(x, y);
		EXPECT_NE(mine, x);
		EXPECT_NE(mine, y);
	}
}
