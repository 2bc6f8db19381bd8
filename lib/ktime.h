/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one clock: ktime_get_ns(), CLOCK_MONOTONIC in nanoseconds, as the
 * kernel's is.  The machine uses it for timeouts and rate limits, the CLI
 * for its progress line, bench/ and the tests for timing.  It needs no
 * other part of pagemig, so a host program (bench/host/) includes it too.
 */
#ifndef _PAGEMIG_LIB_KTIME_H
#define _PAGEMIG_LIB_KTIME_H

#include <time.h>

#define NSEC_PER_SEC	1000000000ULL

static inline unsigned long long ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

#endif /* _PAGEMIG_LIB_KTIME_H */
