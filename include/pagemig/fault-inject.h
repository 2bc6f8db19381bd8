/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named fault-injection points (sim/fault.c), in the spirit of the
 * kernel's fail_page_alloc: a point can be armed to fail its Nth hit from
 * now, for a number of hits, or with a probability from a seeded PRNG.
 * Every error branch in mm/ and drivers/ hangs off one of these points,
 * so a test can reach it by name.
 */
#ifndef _PAGEMIG_FAULT_INJECT_H
#define _PAGEMIG_FAULT_INJECT_H

#include <stdbool.h>
#include <stdint.h>

/* X(enum name, string name, what fails) */
#define PAGEMIG_FAULT_POINTS(X)						\
	X(FAULT_ALLOC_PAGES, "alloc_pages", "page allocator returns NULL") \
	X(FAULT_MIGRATE_ALLOC, "migrate_alloc", "migration destination allocation fails") \
	X(FAULT_MOPS_ISOLATE, "movable_ops_isolate", "movable_ops isolate_page refuses") \
	X(FAULT_MOPS_MIGRATE, "movable_ops_migrate", "movable_ops migrate_page returns -EAGAIN") \
	X(FAULT_MOPS_MIGRATE_PERM, "movable_ops_migrate_perm", "movable_ops migrate_page fails permanently") \
	X(FAULT_BALLOON_HOST, "balloon_host", "hypervisor refuses an inflate/deflate/loan") \
	X(FAULT_ZSPAGE_ALLOC, "zspage_alloc", "zsmalloc page allocation fails") \
	X(FAULT_ZS_HANDLE_ALLOC, "zs_handle_alloc", "zsmalloc handle allocation fails") \
	X(FAULT_ISOLATE_LRU, "isolate_lru", "LRU isolation fails") \
	X(FAULT_MIGRATE_UNMAP, "migrate_unmap", "folio unmap step fails") \
	X(FAULT_MIGRATE_MOVE, "migrate_move", "folio move step returns -EAGAIN") \
	X(FAULT_KSM_MERGE, "ksm_merge", "KSM finds a page busy and does not merge it") \
	X(FAULT_ZCOMP_COMPRESS, "zcomp_compress", "a zram compression backend reports an error") \
	X(FAULT_KMALLOC, "kmalloc", "metadata allocation fails")

enum fault_point {
#define __PM_FAULT_ENUM(e, s, d) e,
	PAGEMIG_FAULT_POINTS(__PM_FAULT_ENUM)
#undef __PM_FAULT_ENUM
	NR_FAULT_POINTS
};

bool __should_fail(enum fault_point point);
extern int __pm_faults_armed;

/* Cheap when nothing is armed: one relaxed load. */
static inline bool should_fail(enum fault_point point)
{
	if (__builtin_expect(__atomic_load_n(&__pm_faults_armed,
					     __ATOMIC_RELAXED), 0))
		return __should_fail(point);
	return false;
}

#endif /* _PAGEMIG_FAULT_INJECT_H */
