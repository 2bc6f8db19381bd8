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
#include <time.h>

#include <pagemig/pagemig.h>

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
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
