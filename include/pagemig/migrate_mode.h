/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PAGEMIG_MIGRATE_MODE_H
#define _PAGEMIG_MIGRATE_MODE_H

/*
 * MIGRATE_ASYNC never blocks.
 * MIGRATE_SYNC_LIGHT may block on locks but not on writeback.
 * MIGRATE_SYNC may block on anything.
 */
enum migrate_mode {
	MIGRATE_ASYNC,
	MIGRATE_SYNC_LIGHT,
	MIGRATE_SYNC,
};

enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CONTIG_RANGE,
	MR_LONGTERM_PIN,
	MR_DEMOTION,
	MR_DAMON,
	MR_TYPES
};

extern const char * const migrate_reason_names[MR_TYPES];

#endif /* _PAGEMIG_MIGRATE_MODE_H */
