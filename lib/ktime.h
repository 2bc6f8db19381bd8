/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clocks.  ktime_get_ns() is the machine's: CLOCK_MONOTONIC in
 * nanoseconds, as the kernel's is, except under the deterministic
 * scheduler (sim/sched.c), where it is the simulated clock, so that no
 * timeout, interval or rate limit depends on the host.  The machine uses
 * it for timeouts and rate limits, the tests for their time budgets.
 *
 * ktime_get_wall_ns() is always the host's CLOCK_MONOTONIC: for timings
 * (report timing lines, bench/, the CLI's progress line) and anything
 * that waits on the host.  It needs no other part of pagemig, so a host
 * program (bench/host/) includes this header too and uses only it.
 */
#ifndef _PAGEMIG_LIB_KTIME_H
#define _PAGEMIG_LIB_KTIME_H

#include <stdbool.h>
#include <time.h>

#define NSEC_PER_SEC	1000000000ULL

static inline unsigned long long ktime_get_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* sim/sched.c */
extern bool __pm_sched_on;
unsigned long long sched_clock_ns(void);

static inline unsigned long long ktime_get_ns(void)
{
	if (__builtin_expect(__pm_sched_on, 0))
		return sched_clock_ns();
	return ktime_get_wall_ns();
}

#endif /* _PAGEMIG_LIB_KTIME_H */
