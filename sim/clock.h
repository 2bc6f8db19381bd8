/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/clock.c: the machine's clock, for what the machine reports about
 * time (trace timestamps).  Timeouts and rate limits keep ktime_get_ns()
 * (lib/ktime.h, through <pagemig/smp.h>).
 */
#ifndef _PAGEMIG_SIM_CLOCK_H
#define _PAGEMIG_SIM_CLOCK_H

unsigned long long sim_clock_ns(void);

#endif /* _PAGEMIG_SIM_CLOCK_H */
