// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events for the public facade: where the kernel's compaction:*
 * and migrate:mm_migrate_pages* tracepoints would write, pagemig writes
 * lines in tracefs's format to a file.  The events are in mm/ and the
 * file in sim/trace.c; see Documentation/compaction.md, "Trace events".
 */
#include <errno.h>

#include <pagemig/pagemig.h>
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
