// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every step file shares: a monotonic clock.
 *
 * Parsing is declared, not written: each step type's key table is read by
 * yp_walk() (yparse.c) through step_parse() (steps.c); the run-time
 * helpers that touch the machine or the run (tag groups, figures, blocks,
 * step_fail()) are in run.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "lib/ktime.h"

#include "scenario.h"
#include "steps.h"
#include "yparse.h"

/**
 * step_now() - Seconds on the monotonic clock, for step timings.
 *
 * Return: the time in seconds.
 */
double step_now(void)
{
	return (double)ktime_get_ns() / NSEC_PER_SEC;
}
