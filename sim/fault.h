/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/fault.c internals for the machine's set-up.  Code that injects
 * faults uses <pagemig/fault-inject.h>; tools use the pagemig_fault_*()
 * calls in <pagemig/pagemig.h>.
 */
#ifndef _PAGEMIG_SIM_FAULT_H
#define _PAGEMIG_SIM_FAULT_H

#include <stdint.h>

/*
 * Seed the random fault points (pagemig_fault_arm_random()); the machine
 * calls it at init with its own seed, so a seed replays which hits fail.
 */
void fault_seed(uint64_t seed);

#endif /* _PAGEMIG_SIM_FAULT_H */
