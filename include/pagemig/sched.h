/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deterministic scheduler (sim/sched.c).
 *
 * Off (parallel mode), simulated threads are ordinary pthreads and run
 * at once.  On, every thread started with sched_thread_create() (and so
 * every kthread) runs one at a time, holding a baton; at each scheduling
 * point -- lock acquire and release, waits and wake-ups, completions,
 * debug_yield(), cond_resched(), sleeps, thread start and exit -- the
 * next thread is chosen from the run's seed.  Time is then a simulated
 * clock that moves by a fixed amount per step and jumps forward to the
 * next sleeper's deadline when nothing can run.  A run is a function of
 * (program, seed, build).
 *
 * Two policies: SCHED_RANDOM switches to a random runnable thread now
 * and then; SCHED_PCT runs the highest-priority runnable thread, with
 * random priorities and a few priority-change points (probabilistic
 * concurrency testing), which is what pagemig explore hunts with.  PCT
 * decides only for the first est_steps steps, then SCHED_RANDOM takes
 * over, so that a thread polling for another's flag cannot starve it.
 */
#ifndef _PAGEMIG_SCHED_H
#define _PAGEMIG_SCHED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../../lib/compiler.h"

enum sched_policy {
	SCHED_RANDOM,		/* switch at random points, to a random thread */
	SCHED_PCT,		/* random priorities, @depth - 1 change points */
};

/* Why a thread reached a scheduling point (shown in the history). */
enum sched_reason {
	SP_LOCK,		/* about to take a lock */
	SP_UNLOCK,		/* released a lock */
	SP_BLOCK,		/* waits: a contended lock, a completion, a queue */
	SP_WAKE,		/* woke others */
	SP_YIELD,		/* cond_resched(), a polling loop */
	SP_RACE,		/* debug_yield(): a known race window */
	SP_START,		/* started a thread */
	SP_EXIT,		/* the thread ended */
	SP_SLEEP,		/* msleep() */
	SP_ACCESS,		/* a CPU access to process memory */
	NR_SP_REASONS,
};

struct sched_config {
	uint64_t seed;
	enum sched_policy policy;
	unsigned int depth;		/* SCHED_PCT: bug depth, >= 1 */
	unsigned long long est_steps;	/* SCHED_PCT: its steps, where change points fall */
};

/* True while the deterministic scheduler runs (read on every lock op). */
extern bool __pm_sched_on;

static inline bool sched_deterministic(void)
{
	return __pm_sched_on;
}

int sched_start(const struct sched_config *cfg);
void sched_stop(void);
bool sched_is_scheduled_thread(void);

void __sched_point(enum sched_reason why);
static inline void sched_point(enum sched_reason why)
{
	if (unlikely(__pm_sched_on))
		__sched_point(why);
}

/* Waiting: prepare (not runnable from here on), then schedule. */
void sched_prepare_to_wait(const void *obj, const char *what,
			   unsigned long long deadline_ns);
bool sched_schedule(void);
bool sched_block(const void *obj, const char *what,
		 unsigned long long deadline_ns);
void sched_wake(const void *obj);
void sched_sleep_ns(unsigned long long ns);

/* Threads that take part: pthread_create()/pthread_join() in both modes. */
int sched_thread_create(pthread_t *thread, const char *name,
			void *(*fn)(void *arg), void *arg);
int sched_thread_join(pthread_t thread, void **ret);

/* What a run can report about its schedule. */
unsigned long long sched_clock_ns(void);
uint64_t sched_digest(void);
unsigned long long sched_steps(void);
void sched_dump_history(FILE *f, unsigned int n);

#endif /* _PAGEMIG_SCHED_H */
