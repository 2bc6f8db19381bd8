// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events and explained migrations for the public facade.  Where
 * the kernel's compaction:* and migrate:mm_migrate_pages* tracepoints
 * would write, pagemig writes lines in tracefs's format to a file; the
 * events are in mm/ and the file in sim/trace.c (see
 * Documentation/compaction.md, "Trace events").  The explained lines
 * are formatted in mm/explain.c and written by sim/explain.c.
 */
#include <errno.h>

#include <pagemig/pagemig.h>
#include "../sim/explain.h"
#include "../sim/trace.h"

int pagemig_trace_open(const char *path)
{
	if (!path || !path[0])
		return -EINVAL;
	return trace_open(path);
}

int pagemig_trace_close(void)
{
	return trace_close();
}

int pagemig_explain_open(const char *path)
{
	if (!path || !path[0])
		return -EINVAL;
	return explain_open(path);
}

int pagemig_explain_close(void)
{
	return explain_close();
}
