// SPDX-License-Identifier: GPL-2.0
/*
 * The trace file: what tracefs's `trace` file is to the kernel.
 *
 * Events (<pagemig/tracepoint.h>) format their fields on the calling
 * thread, then trace_event_printf() takes trace_lock, reads the clock,
 * and writes the line header and the fields to the one open FILE.  The
 * lock makes each line whole and keeps the timestamps in file order,
 * whichever CPU or kthread wrote them.  The header is tracefs's:
 *
 *     COMM-PID [CPU] FLAGS SECS.USECS: EVENT: FIELDS
 *
 * COMM and PID are the thread's (current_comm(), current_pid()), CPU
 * its simulated CPU, FLAGS always "....." (process context, nothing
 * disabled: where compaction fires its events in the kernel too), and
 * the time sim_clock_ns() in seconds.
 *
 * kernel: per-CPU ring buffers, merged by timestamp when `trace` is
 * read, and a header with the buffer's entry counts, which a stream
 * does not know.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include <pagemig/smp.h>
#include <pagemig/tracepoint.h>
#include "clock.h"
#include "trace.h"

/* Longest line; the longest event (mm_migrate_pages) takes ~200. */
#define TRACE_LINE_MAX	512

/*
 * Guards every write to the file and the change of trace_output.  A
 * leaf, not order-checked: nothing is called with it held.
 */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
FILE *trace_output;
static unsigned long nr_lines;		/* trace_lock */
static unsigned long nr_events;		/* atomic */

/* The column legend of tracefs's `trace` file, so readers skip '#'. */
static const char trace_legend[] =
	"# tracer: nop\n"
	"#\n"
	"#                                _-----=> irqs-off/BH-disabled\n"
	"#                               / _----=> need-resched\n"
	"#                              | / _---=> hardirq/softirq\n"
	"#                              || / _--=> preempt-depth\n"
	"#                              ||| / _-=> migrate-disable\n"
	"#                              |||| /     delay\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |         |   |||||     |         |\n";

/**
 * trace_open - start writing trace events to a file
 * @path: the file, created or truncated
 *
 * Context: not concurrently with trace_close().
 * Return: 0; -EBUSY if a trace file is open already; the -errno of the
 * failed fopen().
 */
int trace_open(const char *path)
{
	FILE *f;

	if (READ_ONCE(trace_output))
		return -EBUSY;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	/* Lines are written whole under the lock: buffer them fully. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	fputs(trace_legend, f);
	pthread_mutex_lock(&trace_lock);
	WRITE_ONCE(trace_output, f);
	pthread_mutex_unlock(&trace_lock);
	return 0;
}

/**
 * trace_close - stop tracing and close the trace file
 *
 * Events that test trace_enabled() after this returns write nothing;
 * one that raced with it drops its line.
 *
 * Return: 0, also when no file was open; -EIO if a write, the flush or
 * the close failed (a full disk): the file is incomplete.
 */
int trace_close(void)
{
	FILE *f;
	int err;

	pthread_mutex_lock(&trace_lock);
	f = trace_output;
	WRITE_ONCE(trace_output, NULL);
	pthread_mutex_unlock(&trace_lock);
	if (!f)
		return 0;
	err = ferror(f);
	if (fclose(f))
		err = 1;
	return err ? -EIO : 0;
}

/**
 * trace_event_printf - write one event's line
 * @event: the event's name, as tracefs prints it
 * @fmt: printf format of the fields
 *
 * The fields are formatted before the lock is taken; a line longer than
 * TRACE_LINE_MAX is cut there (no event comes near).
 *
 * Context: any thread, any locks held (trace_lock is a leaf).
 */
void trace_event_printf(const char *event, const char *fmt, ...)
{
	char fields[TRACE_LINE_MAX], head[128];
	unsigned long long ns;
	va_list ap;
	int n;
	FILE *f;

	__atomic_fetch_add(&nr_events, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	n = vsnprintf(fields, sizeof(fields) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(fields) - 2)
		n = (int)sizeof(fields) - 2;
	fields[n++] = '\n';

	pthread_mutex_lock(&trace_lock);
	f = trace_output;
	if (f) {
		int h;

		ns = sim_clock_ns();
		h = snprintf(head, sizeof(head), "%16s-%-7d [%03d] ..... %5llu.%06llu: %s: ",
			     current_comm(), current_pid(), smp_processor_id(),
			     ns / 1000000000ULL, ns % 1000000000ULL / 1000ULL,
			     event);
		if (h > (int)sizeof(head) - 1)
			h = (int)sizeof(head) - 1;
		fwrite(head, 1, (size_t)h, f);
		fwrite(fields, 1, (size_t)n, f);
		nr_lines++;
	}
	pthread_mutex_unlock(&trace_lock);
}

/**
 * trace_nr_events - events that were formatted, since the process began
 *
 * With no trace file open this does not move: the inline test in
 * trace_<name>() stops every event before it gets here.
 *
 * Return: the count.
 */
unsigned long trace_nr_events(void)
{
	return __atomic_load_n(&nr_events, __ATOMIC_RELAXED);
}

/**
 * trace_nr_lines - lines written to trace files, since the process began
 *
 * Return: the count.
 */
unsigned long trace_nr_lines(void)
{
	unsigned long n;

	pthread_mutex_lock(&trace_lock);
	n = nr_lines;
	pthread_mutex_unlock(&trace_lock);
	return n;
}
