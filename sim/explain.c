// SPDX-License-Identifier: GPL-2.0
/*
 * The explain stream: where mm/explain.c's lines go (<pagemig/explain.h>).
 *
 * mm/explain.c formats a whole migrate_pages() call's lines on the
 * calling thread and hands them over in one explain_write(), which holds
 * explain_lock while it writes: the calls of CPUs and kthreads running
 * at once never interleave, and each call's block is numbered in the
 * order it was written, so under the deterministic scheduler the file is
 * the same for the same seed.  "-" is stdout, shared with the report: a
 * run's explained lines come out between its step lines, where they
 * happened.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include <pagemig/explain.h>
#include "explain.h"

/* Guards writes and the change of explain_output; a leaf lock. */
static pthread_mutex_t explain_lock = PTHREAD_MUTEX_INITIALIZER;
FILE *explain_output;
static unsigned long nr_blocks;		/* explain_lock */
static unsigned long next_id;		/* atomic; 0 at each open */

/**
 * explain_open - start writing explained migrations
 * @path: the file, created or truncated; "-" for stdout
 *
 * Context: not concurrently with explain_close().
 * Return: 0; -EBUSY if a stream is open already; the -errno of the
 * failed fopen().
 */
int explain_open(const char *path)
{
	FILE *f;

	if (READ_ONCE(explain_output))
		return -EBUSY;
	if (path[0] == '-' && !path[1]) {
		f = stdout;
	} else {
		f = fopen(path, "w");
		if (!f)
			return -errno;
	}
	pthread_mutex_lock(&explain_lock);
	__atomic_store_n(&next_id, 0, __ATOMIC_RELAXED);
	WRITE_ONCE(explain_output, f);
	pthread_mutex_unlock(&explain_lock);
	return 0;
}

/**
 * explain_close - stop explaining and close the stream
 *
 * stdout is flushed and left open.  A migrate_pages() call that raced
 * with this drops its lines.
 *
 * Return: 0, also when nothing was open; -EIO if a write, the flush or
 * the close failed.
 */
int explain_close(void)
{
	FILE *f;
	int err;

	pthread_mutex_lock(&explain_lock);
	f = explain_output;
	WRITE_ONCE(explain_output, NULL);
	pthread_mutex_unlock(&explain_lock);
	if (!f)
		return 0;
	err = ferror(f);
	if (f == stdout)
		err |= fflush(f);
	else if (fclose(f))
		err = 1;
	return err ? -EIO : 0;
}

/**
 * explain_write - write one migrate_pages() call's lines
 * @buf: whole lines
 * @len: their length
 *
 * Context: any thread; explain_lock is a leaf.
 */
void explain_write(const char *buf, size_t len)
{
	FILE *f;

	pthread_mutex_lock(&explain_lock);
	f = explain_output;
	if (f) {
		fwrite(buf, 1, len, f);
		nr_blocks++;
	}
	pthread_mutex_unlock(&explain_lock);
}

/**
 * explain_nr_blocks - migrate_pages() calls written, since the process began
 *
 * Return: the count.
 */
unsigned long explain_nr_blocks(void)
{
	unsigned long n;

	pthread_mutex_lock(&explain_lock);
	n = nr_blocks;
	pthread_mutex_unlock(&explain_lock);
	return n;
}

/**
 * explain_next_id - number a migrate_pages() call: 1, 2, ... from the open
 *
 * Return: the number.
 */
unsigned long explain_next_id(void)
{
	return __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
}
