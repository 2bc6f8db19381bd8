/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/trace.c internals: the trace file behind <pagemig/tracepoint.h>.
 * The facade opens and closes it (facade/trace.c); tests read the
 * counters.
 */
#ifndef _PAGEMIG_SIM_TRACE_H
#define _PAGEMIG_SIM_TRACE_H

/* Start writing trace lines to @path (created or truncated); -errno. */
int trace_open(const char *path);
/* Stop, flush and close; 0, or -EIO if a write failed; 0 if none open. */
int trace_close(void);
/* Events that reached the formatting path / lines written, ever. */
unsigned long trace_nr_events(void);
unsigned long trace_nr_lines(void);

#endif /* _PAGEMIG_SIM_TRACE_H */
