// SPDX-License-Identifier: GPL-2.0
/*
 * A one-line progress display on stderr for long runs.  Only on a
 * terminal: redirected output (logs, CI, `| less`) must not fill with
 * carriage returns, so anything else gets nothing.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "lib/ktime.h"

/* Redraw at most this often: a terminal is slower than the allocator. */
#define PROGRESS_INTERVAL	0.1

/**
 * progress_init() - Decide whether to show progress at all.
 * @p: the state.
 * @quiet: --quiet was given.
 * @nr_steps: steps in the scenario, for "[3/8]".
 */
void progress_init(struct progress *p, bool quiet, unsigned int nr_steps)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->drawn = false;
	p->last = 0;
	p->nr_steps = nr_steps;
}

/**
 * progress_update() - Redraw the line, if it is time to.
 * @p: the state.
 * @what: the step's type.
 * @step: its 1-based number.
 * @done: units done.
 * @total: units in all.
 */
void progress_update(struct progress *p, const char *what, unsigned int step,
		     unsigned long done, unsigned long total)
{
	double t;

	if (!p->enabled || !total)
		return;
	t = (double)ktime_get_wall_ns() / NSEC_PER_SEC;
	if (t - p->last < PROGRESS_INTERVAL && done < total)
		return;
	p->last = t;
	fprintf(stderr, "\r\033[K[step %u/%u] %s: %lu/%lu (%lu%%)", step,
		p->nr_steps, what, done, total, done * 100 / total);
	fflush(stderr);
	p->drawn = true;
}

/**
 * progress_clear() - Erase the line before other output is printed.
 * @p: the state.
 */
void progress_clear(struct progress *p)
{
	if (!p->drawn)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->drawn = false;
}
