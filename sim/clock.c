// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's clock.
 *
 * Everything the machine stamps with a time -- today the trace events --
 * reads it through sim_clock_ns() and nowhere else.
 *
 * kernel: trace_clock_local(), nanoseconds since boot.  Here: the host's
 * CLOCK_MONOTONIC, whose epoch is the host's boot, so a pagemig trace
 * reads on the same scale as a trace taken on the host; under the
 * deterministic scheduler, the simulated clock (sim/sched.c), which
 * starts at 100 s and moves with the schedule.
 */
#include "../lib/ktime.h"
#include "clock.h"

/**
 * sim_clock_ns - the machine's current time
 *
 * Context: any thread; takes no lock.
 * Return: nanoseconds since an epoch fixed for the process's life;
 * never goes backwards.
 */
unsigned long long sim_clock_ns(void)
{
	return ktime_get_ns();
}
