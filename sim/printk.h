/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/printk.c internals for the machine's set-up.  Code that logs uses
 * <pagemig/printk.h> and lib/bug.h.
 */
#ifndef _PAGEMIG_SIM_PRINTK_H
#define _PAGEMIG_SIM_PRINTK_H

/*
 * Zero what pagemig_warnings() and pagemig_lock_inversions() report; the
 * machine calls it at init so both count "since the machine began".
 */
void printk_reset_counters(void);

#endif /* _PAGEMIG_SIM_PRINTK_H */
