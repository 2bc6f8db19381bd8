/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/lock.c internals shared with the rest of sim/.  mm/ uses
 * <pagemig/spinlock.h> only.
 */
#ifndef _PAGEMIG_SIM_LOCK_H
#define _PAGEMIG_SIM_LOCK_H

/* Zero the count lockdep_inversions() returns (machine init, tests). */
void lockdep_reset_inversions(void);

#endif /* _PAGEMIG_SIM_LOCK_H */
