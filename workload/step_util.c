// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every step file shares: a monotonic clock, and the end of a
 * step's report text (close the memstream, print it, keep it in the
 * result).
 *
 * Parsing is declared, not written: each step type's key table is read by
 * yp_walk() (yparse.c) through step_parse() (steps.c); the run-time
 * helpers that touch the machine (tag groups, figures, step_fail()) are
 * in run.c.
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

/**
 * step_say_stream() - Close a step's report text and print it.
 * @run: the run.
 * @res: the step's result, which keeps the text.
 * @name: the output's name ("compact").
 * @f: an open_memstream() onto *@text.
 * @text: the text; owned by @res once @f is closed.
 *
 * Return: 0; -ENOMEM if @f cannot be closed; -ENOSPC as step_say().
 */
int step_say_stream(struct scenario_run *run, struct step_result *res,
		    const char *name, FILE *f, char **text)
{
	if (fclose(f))
		return -ENOMEM;
	return step_say(run, res, name, *text);
}
