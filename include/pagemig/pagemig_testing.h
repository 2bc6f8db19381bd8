/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagemig's hooks for tests and benchmarks: fault injection at named
 * points and timed loops that skip the facade's checks.  Not part of the
 * user API in pagemig.h, and not installed: they exist so that tests/ can
 * reach every error branch and bench/ can time the kernel paths alone.
 * Like pagemig.h, every call returns 0 or a negative errno unless
 * documented otherwise.
 */
#ifndef _PAGEMIG_PAGEMIG_TESTING_H
#define _PAGEMIG_PAGEMIG_TESTING_H

#include <stdint.h>

#include "pagemig.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/* ---- fault injection (facade/fault.c over sim/fault.c) ---- */

/* The named points, i = 0 .. pagemig_fault_count() - 1. */
unsigned int pagemig_fault_count(void);
const char *pagemig_fault_name(unsigned int i);
const char *pagemig_fault_desc(unsigned int i);
/*
 * Arm point @name to fail on its @nth hit from now (1 = the next) and on
 * the @times - 1 hits after it.  -ENOENT for an unknown name.
 */
int pagemig_fault_arm(const char *name, unsigned long nth, unsigned long times);
/* Fail each hit with probability @permille/1000 (seeded). */
int pagemig_fault_arm_random(const char *name, unsigned int permille);
void pagemig_fault_disarm_all(void);
/* How many times @name has failed an operation since armed. */
unsigned long pagemig_fault_hits(const char *name);

/* ---- benchmarks (facade/bench.c), for `pagemig bench` ---- */

/*
 * Time @iterations allocation + free pairs of 2^@order GFP_KERNEL pages
 * through alloc_pages() and __free_pages() directly, without the checks
 * pagemig_alloc_pages()/pagemig_free_pages() make; the total time in
 * *@ns.  0; -EINVAL; -ENODEV; -ENOMEM if an allocation failed.
 */
int pagemig_bench_alloc_loop(unsigned int order, unsigned long iterations,
			     uint64_t *ns);

/*
 * Migrate the folio process @pid maps at @addr to a new page (isolate,
 * migrate_pages() in MIGRATE_SYNC, as compaction would), timed in *@ns;
 * its mapcount before the move in *@mappings (may be NULL).  0; -EFAULT
 * (nothing mapped there); -EBUSY (could not isolate or move it);
 * -ESRCH; -ENODEV.
 */
int pagemig_bench_migrate_addr(int pid, unsigned long addr, uint64_t *ns,
			       unsigned long *mappings);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* _PAGEMIG_PAGEMIG_TESTING_H */
