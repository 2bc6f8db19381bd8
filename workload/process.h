/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Simulated processes of a scenario run, and the worker threads that use
 * their memory: what the other steps need of them.  Private to workload/.
 *
 * A process has up to two mappings: anonymous memory (optionally THP)
 * and a file mapping (private, shared, or another process's shared
 * file).  Each mapping's pages are described by a region: one byte of
 * generation and a few flags per page, plus a per-page lock byte, so any
 * thread (a worker, a touch or free step, the verifier) can access a page
 * and know what it must contain.  A shared file's region is shared by
 * every process that maps it.
 *
 * Every data page holds a tag derived from (the region's owner process,
 * the page's address in the owner, its generation).  A writer bumps the
 * generation and writes the whole page; every read, and every write
 * (which reads first), checks the page against the generation it
 * should hold.  Pages never written hold zeroes (anonymous memory) or
 * the file's contents (a file: its hash is learnt on first read).
 * Pages a free step dropped are no longer in use: workers leave them
 * alone (they would fault them straight back in) until a touch step
 * uses them again.
 *
 * All of it goes through the public facade: pagemig_access() reads and
 * writes through the page tables as the calling thread's CPU, faulting
 * and waiting on migration as a real process would.
 */
#ifndef _PAGEMIG_WORKLOAD_PROCESS_H
#define _PAGEMIG_WORKLOAD_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"

struct wl_proc;

struct wl_proc *wl_find(struct scenario_run *run, const char *name);
bool wl_first_map(const struct wl_proc *p, int *pid, unsigned long *addr,
		  unsigned long *pages);

/*
 * Check every page that holds data in every live region: @checked and
 * @corrupted are added to, as are the corruptions workers found.  The
 * first corruption is described in @what (may be NULL).
 */
void wl_verify(struct scenario_run *run, unsigned long *checked, unsigned long *corrupted,
	       unsigned long *gone, char *what, size_t len);

#endif /* _PAGEMIG_WORKLOAD_PROCESS_H */
