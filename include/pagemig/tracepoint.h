/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events: the kernel's tracepoints, written as tracefs prints them.
 *
 * An event is a trace_<name>() call placed where the kernel fires the
 * tracepoint of that name, with the same arguments; the events are
 * declared in <pagemig/trace/events/compaction.h> and
 * <pagemig/trace/events/migrate.h>, and their lines formatted in
 * mm/trace.c with the kernel's field names and print formats.
 *
 * Tracing is off until a trace file is set (pagemig_trace_open(), the
 * CLI's --trace FILE).  Off, an event is an inline test of one pointer
 * (a relaxed load) and a not-taken branch; its line is not formatted.
 * On, each event writes one complete line under one lock (sim/trace.c),
 * so lines of CPUs and kthreads running at once never interleave:
 *
 *           kcompactd0-4242    [001] .....  1234.567890: mm_compaction_begin: zone_start=0x...
 *
 * kernel: static keys, per-CPU ring buffers merged by timestamp when
 * the `trace` file is read; here one stream, timestamps in file order.
 */
#ifndef _PAGEMIG_TRACEPOINT_H
#define _PAGEMIG_TRACEPOINT_H

#include <stdbool.h>
#include <stdio.h>
#include "../../lib/compiler.h"

/* The open trace file, or NULL: tracing off.  Set by sim/trace.c. */
extern FILE *trace_output;

static inline bool trace_enabled(void)
{
	return unlikely(READ_ONCE(trace_output) != NULL);
}

/*
 * Write "EVENT: FIELDS\n" behind the tracefs line header (thread name
 * and id, CPU, flags, timestamp).  Called only with tracing on; a line
 * that races with pagemig_trace_close() is dropped.
 */
void trace_event_printf(const char *event, const char *fmt, ...) __printf(2, 3);

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

/*
 * DECLARE_TRACE_EVENT(name, TP_PROTO(...), TP_ARGS(...)): the inline
 * trace_<name>() that callers use, and __trace_<name>(), the
 * out-of-line part that formats the line (mm/trace.c).
 */
#define DECLARE_TRACE_EVENT(name, proto, args)				\
	void __trace_##name(proto);					\
	static inline void trace_##name(proto)				\
	{								\
		if (trace_enabled())					\
			__trace_##name(args);				\
	}

#endif /* _PAGEMIG_TRACEPOINT_H */
