// SPDX-License-Identifier: GPL-2.0
/*
 * Lock stress: threads hammer a spinlock, a mutex and a bit lock for a
 * bounded time, each guarding a plain counter, and the totals must come
 * out exact.  Meant for SAN=thread YIELD=1 builds, where a missing
 * acquire/release or a lost bit-lock wake-up shows up as a data race, a
 * wrong total or a hang (the harness's watchdog).  Not a benchmark.
 *
 * Duration: STRESS_SECONDS (default 2, or 20 with -l), split across the
 * tests in this file.
 */
#include <pthread.h>
#include <stdlib.h>

#include <pagemig/pagemig.h>
#include <pagemig/smp.h>
#include <pagemig/spinlock.h>
#include "../../lib/bitops.h"
#include "harness/test.h"

#define NR_THREADS	3	/* more threads than the 2 cores: preemption */
#define NR_TESTS	4
#define BIT_LOCK	0
#define BIT_WAITERS	1

struct stress {
	spinlock_t spin;
	struct mutex mutex;
	struct rw_semaphore sem;
	unsigned long word;
	long counter;
	long rw_shadow;
	int stop;
	int which;
	long ops[NR_THREADS];
};

static unsigned long long test_budget_ns(void)
{
	const char *env = getenv("STRESS_SECONDS");
	double secs = test_long() ? 20 : 2;

	if (env && atof(env) > 0)
		secs = atof(env);
	return (unsigned long long)(secs * 1e9 / NR_TESTS);
}

struct worker {
	struct stress *s;
	int id;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	long n = 0;

	set_cpu_id(w->id);
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		switch (s->which) {
		case 0:
			spin_lock(&s->spin);
			s->counter++;
			debug_yield();
			spin_unlock(&s->spin);
			break;
		case 1:
			mutex_lock(&s->mutex);
			s->counter++;
			debug_yield();
			mutex_unlock(&s->mutex);
			break;
		case 2:
			wait_on_bit_lock(&s->word, BIT_LOCK, BIT_WAITERS);
			s->counter++;
			debug_yield();
			clear_bit_unlock_wake(&s->word, BIT_LOCK, BIT_WAITERS);
			break;
		case 3:
			/* Writers keep the two fields equal; readers check. */
			if (n % 4 == 0) {
				down_write(&s->sem);
				s->counter++;
				debug_yield();
				s->rw_shadow++;
				up_write(&s->sem);
			} else {
				long a, b;

				down_read(&s->sem);
				a = s->counter;
				debug_yield();
				b = s->rw_shadow;
				up_read(&s->sem);
				if (a != b)
					abort();	/* reader saw a half-done write */
				n++;
				continue;	/* reads are not counted */
			}
			break;
		}
		n++;
		if (!(n & 255))
			cond_resched();
	}
	s->ops[w->id] = s->which == 3 ? n / 4 + (n % 4 != 0) : n;
	return NULL;
}

/* Run all threads on lock @which for the time budget; check the total. */
static void run_stress(struct __test_metadata *_metadata, int which)
{
	static struct stress s;
	struct worker w[NR_THREADS];
	pthread_t th[NR_THREADS];
	unsigned long long end;
	long total = 0;
	int i;

	memset(&s, 0, sizeof(s));
	spin_lock_init(&s.spin, LOCK_RANK_LEAF);
	mutex_init(&s.mutex, LOCK_RANK_DRIVER);
	init_rwsem(&s.sem, LOCK_RANK_MMAP);
	s.which = which;

	for (i = 0; i < NR_THREADS; i++) {
		w[i].s = &s;
		w[i].id = i;
		ASSERT_EQ(0, pagemig_thread_create(&th[i], "worker", worker_fn, &w[i]));
	}
	end = ktime_get_ns() + test_budget_ns();
	while (ktime_get_ns() < end)
		msleep(10);
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < NR_THREADS; i++)
		pagemig_thread_join(th[i], NULL);

	for (i = 0; i < NR_THREADS; i++) {
		EXPECT_GT(s.ops[i], 0);		/* nobody starved outright */
		total += s.ops[i];
	}
	TH_LOG("lock %d: %ld operations", which, total);
	EXPECT_EQ(total, s.counter);
	EXPECT_FALSE(test_bit(BIT_LOCK, &s.word));
	mutex_destroy(&s.mutex);
}

TEST(stress_spinlock)
{
	run_stress(_metadata, 0);
}

TEST(stress_mutex)
{
	run_stress(_metadata, 1);
}

TEST(stress_bit_lock)
{
	run_stress(_metadata, 2);
}

TEST(stress_rwsem)
{
	run_stress(_metadata, 3);
}
