// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for tests (<pagemig/pagemig_testing.h>): the named
 * points of sim/fault.c, armed and read by name.
 */
#include <pagemig/pagemig_testing.h>
#include "../sim/fault.h"

unsigned int pagemig_fault_count(void)
{
	return fault_point_count();
}

const char *pagemig_fault_name(unsigned int i)
{
	return fault_point_name(i);
}

const char *pagemig_fault_desc(unsigned int i)
{
	return fault_point_desc(i);
}

int pagemig_fault_arm(const char *name, unsigned long nth, unsigned long times)
{
	return fault_point_arm(name, nth, times);
}

int pagemig_fault_arm_random(const char *name, unsigned int permille)
{
	return fault_point_arm_random(name, permille);
}

void pagemig_fault_disarm_all(void)
{
	fault_disarm_all();
}

unsigned long pagemig_fault_hits(const char *name)
{
	return fault_point_failures(name);
}
