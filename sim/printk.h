/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/printk.c's controls, for the machine's set-up and the facade
 * (pagemig_set_log(), pagemig_warnings()).  Code that logs uses
 * <pagemig/printk.h> and lib/bug.h.
 */
#ifndef _PAGEMIG_SIM_PRINTK_H
#define _PAGEMIG_SIM_PRINTK_H

#include <stdio.h>

/*
 * Zero what printk_warnings() and lockdep_inversions() report; the
 * machine calls it at init so both count "since the machine began".
 */
void printk_reset_counters(void);
/* Where messages go: @f, or stderr for NULL. */
void printk_set_output(FILE *f);
/* WARN/VM_WARN/bad-page reports since the counters were reset. */
unsigned long printk_warnings(void);

#endif /* _PAGEMIG_SIM_PRINTK_H */
