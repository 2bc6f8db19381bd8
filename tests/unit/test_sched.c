// SPDX-License-Identifier: GPL-2.0
/*
 * sim/sched.c: the deterministic scheduler.  The same seed gives the
 * same interleaving (same digest, same order of events), another seed
 * another one; locks, bit locks, completions and wait queues block and
 * wake under it; time is simulated; a deadlock is reported, not hung.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagemig/completion.h>
#include <pagemig/pagemig.h>
#include <pagemig/sched.h>
#include <pagemig/smp.h>
#include <pagemig/spinlock.h>
#include "../../lib/bitops.h"
#include "harness/test.h"

#define NR_WORKERS	4
#define ROUNDS		200

struct shared {
	spinlock_t lock;
	struct mutex mutex;
	unsigned long counter;
	unsigned long bits;
	/* Who got the lock, in order: the interleaving, made visible. */
	unsigned char order[NR_WORKERS * ROUNDS];
	unsigned int nr_order;
};

struct worker {
	struct shared *sh;
	int id;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		if (i & 1) {
			spin_lock(&sh->lock);
			sh->order[sh->nr_order++] = (unsigned char)w->id;
			sh->counter++;
			spin_unlock(&sh->lock);
		} else {
			mutex_lock(&sh->mutex);
			sh->order[sh->nr_order++] = (unsigned char)w->id;
			debug_yield();
			sh->counter++;
			mutex_unlock(&sh->mutex);
		}
		/* A bit lock too: PG_locked's path. */
		wait_on_bit_lock(&sh->bits, 0, 1);
		sh->counter++;
		clear_bit_unlock_wake(&sh->bits, 0, 1);
	}
	return NULL;
}

/* These tests start the scheduler themselves: end the harness's. */
static void own_scheduler(void)
{
	pagemig_sched_stop();
}

/* One run of NR_WORKERS threads; its digest, and the lock order in @sh. */
static uint64_t run_workers(uint64_t seed, unsigned int depth,
			    struct shared *sh)
{
	struct worker w[NR_WORKERS];
	pthread_t th[NR_WORKERS];
	int i;

	own_scheduler();
	memset(sh, 0, sizeof(*sh));
	spin_lock_init(&sh->lock, LOCK_RANK_LEAF);
	mutex_init(&sh->mutex, LOCK_RANK_DRIVER);
	if (pagemig_sched_start(seed, depth, 2000))
		return 0;
	for (i = 0; i < NR_WORKERS; i++) {
		w[i].sh = sh;
		w[i].id = i;
		if (pagemig_thread_create(&th[i], "worker", worker_fn, &w[i]))
			return 0;
	}
	for (i = 0; i < NR_WORKERS; i++)
		pagemig_thread_join(th[i], NULL);
	pagemig_sched_stop();
	mutex_destroy(&sh->mutex);
	return pagemig_sched_digest();
}

TEST(same_seed_same_interleaving)
{
	static struct shared a, b;
	uint64_t da, db;

	da = run_workers(7, 0, &a);
	db = run_workers(7, 0, &b);
	ASSERT_NE(0, da);
	EXPECT_EQ(da, db);
	EXPECT_EQ(NR_WORKERS * ROUNDS * 2, a.counter);
	EXPECT_EQ(a.nr_order, b.nr_order);
	EXPECT_EQ(0, memcmp(a.order, b.order, a.nr_order));
}

TEST(other_seed_other_interleaving)
{
	static struct shared a, b;
	uint64_t da, db;

	da = run_workers(7, 0, &a);
	db = run_workers(8, 0, &b);
	EXPECT_NE(da, db);
	EXPECT_NE(0, memcmp(a.order, b.order, a.nr_order));
	EXPECT_EQ(NR_WORKERS * ROUNDS * 2, b.counter);
}

TEST(pct_replays)
{
	static struct shared a, b;
	uint64_t da, db;

	da = run_workers(3, 3, &a);
	db = run_workers(3, 3, &b);
	EXPECT_EQ(da, db);
	EXPECT_EQ(0, memcmp(a.order, b.order, a.nr_order));
	EXPECT_EQ(NR_WORKERS * ROUNDS * 2, a.counter);
	EXPECT_NE(da, run_workers(4, 3, &b));
}

struct sleeper {
	struct completion done;
	struct wait_queue_head wq;
	int flag;
	unsigned long long woke_at;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	msleep(1000);			/* a simulated second */
	s->woke_at = ktime_get_ns();
	WRITE_ONCE(s->flag, 1);
	wake_up(&s->wq);
	complete(&s->done);
	return NULL;
}

TEST(simulated_clock)
{
	struct sleeper s = { .flag = 0 };
	unsigned long long t0, wall0;
	pthread_t th;
	bool ok;

	own_scheduler();
	init_completion(&s.done);
	init_waitqueue_head(&s.wq);
	ASSERT_EQ(0, pagemig_sched_start(1, 0, 0));
	wall0 = ktime_get_wall_ns();
	t0 = ktime_get_ns();
	ASSERT_EQ(0, pagemig_thread_create(&th, "sleeper", sleeper_fn, &s));
	/* Times out on the simulated clock, long before the sleeper wakes. */
	EXPECT_EQ(0, wait_for_completion_timeout(&s.done, 10));
	EXPECT_GE(ktime_get_ns() - t0, 10 * 1000000ULL);
	ok = wait_event_timeout(s.wq, READ_ONCE(s.flag), 5000);
	EXPECT_TRUE(ok);
	EXPECT_EQ(1, wait_for_completion_timeout(&s.done, 5000));
	pagemig_thread_join(th, NULL);
	EXPECT_GE(s.woke_at - t0, NSEC_PER_SEC);
	EXPECT_LT(s.woke_at - t0, 2 * NSEC_PER_SEC);
	pagemig_sched_stop();
	/* A simulated second passed; the host's clock barely moved. */
	EXPECT_LT(ktime_get_wall_ns() - wall0, NSEC_PER_SEC / 2);
	destroy_completion(&s.done);
	destroy_waitqueue_head(&s.wq);
}

/*
 * A wait that a wake-up ends early leaves its deadline as the clock's
 * next stop.  When everyone then sleeps, the clock jumps there, finds
 * nobody due, and must jump on to the next real deadline: here the late
 * sleeper's.  (It once picked from the empty run queue instead and
 * handed the baton to nobody: the machine hung.)  In a child, so that a
 * hang is an alarm, not a stuck test.
 */
struct stale {
	struct wait_queue_head wq;
	int flag;
};

static void *early_fn(void *arg)
{
	struct stale *st = arg;

	wait_event_timeout(st->wq, READ_ONCE(st->flag), 10);
	return NULL;
}

static void *late_fn(void *arg)
{
	msleep(50);
	return arg;
}

static void stale_deadline_child(void)
{
	static struct stale st;
	pthread_t early, late;
	unsigned long long t0;

	alarm(20);
	init_waitqueue_head(&st.wq);
	if (pagemig_sched_start(7, 0, 0))
		_exit(10);
	t0 = ktime_get_ns();
	if (pagemig_thread_create(&early, "early", early_fn, &st) ||
	    pagemig_thread_create(&late, "late", late_fn, &st))
		_exit(11);
	msleep(1);			/* both are asleep by now */
	WRITE_ONCE(st.flag, 1);
	wake_up(&st.wq);		/* early's 10 ms wait ends at ~1 ms */
	/*
	 * Main waits for late; early runs and exits, and its exit finds
	 * everyone asleep, the clock's next stop at 10 ms, nobody due there.
	 */
	pagemig_thread_join(late, NULL);
	pagemig_thread_join(early, NULL);
	if (ktime_get_ns() - t0 < 50 * 1000000ULL)
		_exit(12);
	pagemig_sched_stop();
	_exit(0);
}

TEST(a_wait_ended_early_leaves_no_hole_in_the_clock)
{
	int status;
	pid_t pid;

	own_scheduler();
	fflush(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		stale_deadline_child();
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	if (WIFEXITED(status))
		EXPECT_EQ(0, WEXITSTATUS(status));
	else
		TH_LOG("child killed by signal %d", WTERMSIG(status));
}

static struct mutex held;

static void *take_held(void *arg)
{
	mutex_lock(&held);
	mutex_unlock(&held);
	return NULL;
}

/* In a child: main holds a mutex and joins a thread that wants it. */
static void deadlock_child(void)
{
	pthread_t th;

	mutex_init(&held, LOCK_RANK_NONE);
	pagemig_set_log(stderr);
	if (pagemig_sched_start(5, 0, 0))
		_exit(10);
	mutex_lock(&held);
	if (pagemig_thread_create(&th, "taker", take_held, NULL))
		_exit(11);
	pagemig_thread_join(th, NULL);
	_exit(12);			/* never: the join cannot end */
}

TEST(deadlock_is_reported)
{
	char buf[8192];
	int pipefd[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	own_scheduler();
	ASSERT_EQ(0, pipe(pipefd));
	fflush(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		deadlock_child();
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	EXPECT_NOT_NULL(strstr(buf, "deadlock: no thread can run"));
	EXPECT_NOT_NULL(strstr(buf, "taker waits on &held"));
	EXPECT_NOT_NULL(strstr(buf, "waits on thread join"));
	if (!strstr(buf, "deadlock"))
		TH_LOG("child said: %s", buf);
}
