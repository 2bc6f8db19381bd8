/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim/fault.c's controls: the machine's set-up seeds it, the facade arms
 * and reads points by name (pagemig_fault_*() of
 * <pagemig/pagemig_testing.h>).  Code that injects faults uses
 * <pagemig/fault-inject.h>.
 */
#ifndef _PAGEMIG_SIM_FAULT_H
#define _PAGEMIG_SIM_FAULT_H

#include <stdint.h>

/*
 * Seed the random fault points (fault_point_arm_random()); the machine
 * calls it at init with its own seed, so a seed replays which hits fail.
 */
void fault_seed(uint64_t seed);

unsigned int fault_point_count(void);
const char *fault_point_name(unsigned int i);
const char *fault_point_desc(unsigned int i);
int fault_point_arm(const char *name, unsigned long nth, unsigned long times);
int fault_point_arm_random(const char *name, unsigned int permille);
void fault_disarm_all(void);
unsigned long fault_point_failures(const char *name);

#endif /* _PAGEMIG_SIM_FAULT_H */
