/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/explain.c internals: the stream behind <pagemig/explain.h>.  The
 * facade opens and closes it (facade/trace.c); mm/explain.c writes to it.
 */
#ifndef _PAGEMIG_SIM_EXPLAIN_H
#define _PAGEMIG_SIM_EXPLAIN_H

#include <stddef.h>

/* Start writing explained migrations to @path, or stdout for "-"; -errno. */
int explain_open(const char *path);
/* Stop, flush and close (stdout is flushed, not closed); 0 or -EIO. */
int explain_close(void);
/* Write @len bytes of whole lines at once; dropped if the stream closed. */
void explain_write(const char *buf, size_t len);
/* The next migrate_pages() call's number: 1, 2, ... since the open. */
unsigned long explain_next_id(void);
/* Blocks written (migrate_pages() calls explained), ever. */
unsigned long explain_nr_blocks(void);

#endif /* _PAGEMIG_SIM_EXPLAIN_H */
