/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagemig capture: the state of a real Linux machine written to a
 * directory, before and (with a compaction) after the kernel's own
 * compact_memory, for `pagemig import` and `pagemig twin` to read.
 *
 * cmd_capture.c parses the command line; capture.c does the work, with
 * every /proc, /sys and tracefs path under a root prefix so that a test
 * can hand it a fake machine.  The file names written are the format;
 * Documentation/twin.md lists them.
 */
#ifndef _PAGEMIG_CAPTURE_H
#define _PAGEMIG_CAPTURE_H

#include <stdbool.h>

/* The ftrace instance a capture traces into, under tracefs/instances/. */
#define CAPTURE_TRACE_INSTANCE	"pagemig-capture"

struct capture_opts {
	const char *dir;		/* the capture directory */
	const char *root;		/* "" for this machine, else a fake one */
	char **cmd;			/* workload argv (NULL-terminated), or NULL */
	bool compact;			/* trace a compact_memory, snapshot after */
	bool drop_caches;		/* sync and drop caches before the snapshot */
	bool quiet;			/* no progress lines */
	unsigned int ready_timeout;	/* seconds the workload has to be ready */
	unsigned long buffer_kb;	/* trace ring buffer per CPU */
	int level;			/* zstd level of the .zst files */
};

int capture_run(const struct capture_opts *o);

#endif /* _PAGEMIG_CAPTURE_H */
