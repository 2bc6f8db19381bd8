// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic scheduler and scheduled threads, for programs that
 * drive the machine (the workload, the CLI, tests).  sim/sched.c has the
 * scheduler itself.
 */
#include <errno.h>
#include <sched.h>

#include <pagemig/pagemig.h>
#include <pagemig/sched.h>
#include <pagemig/smp.h>

#include "lib/ktime.h"
#include "../mm/internal.h"
#include "internal.h"

int pagemig_sched_start(uint64_t seed, unsigned int pct_depth,
			unsigned long long est_steps)
{
	struct sched_config cfg = {
		.seed = seed,
		.policy = pct_depth ? SCHED_PCT : SCHED_RANDOM,
		.depth = pct_depth,
		.est_steps = est_steps,
	};

	return sched_start(&cfg);
}

void pagemig_sched_stop(void)
{
	sched_stop();
}

bool pagemig_sched_on(void)
{
	return sched_deterministic();
}

uint64_t pagemig_sched_digest(void)
{
	return sched_digest();
}

unsigned long long pagemig_sched_steps(void)
{
	return sched_steps();
}

void pagemig_sched_dump(FILE *f, unsigned int n)
{
	sched_dump_history(f, n);
}

int pagemig_thread_create(pthread_t *thread, const char *name,
			  void *(*fn)(void *arg), void *arg)
{
	return sched_thread_create(thread, name, fn, arg);
}

int pagemig_thread_join(pthread_t thread, void **ret)
{
	return sched_thread_join(thread, ret);
}

void pagemig_yield(void)
{
	if (sched_is_scheduled_thread())
		__sched_point(SP_YIELD);
	else
		sched_yield();
}

void pagemig_msleep(unsigned int ms)
{
	msleep(ms);
	/* Time passed: the vmstat worker's per-CPU list decays fell due. */
	if (machine_ready)
		pcp_decay_all();
}

uint64_t pagemig_clock_ns(void)
{
	return ktime_get_ns();
}

uint64_t pagemig_wall_ns(void)
{
	return ktime_get_wall_ns();
}
