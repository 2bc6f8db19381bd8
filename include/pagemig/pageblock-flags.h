/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-pageblock bits: three bits of migratetype, the compaction skip hint
 * and the isolation bit.  kernel 6.16+: isolation is a bit of its own
 * beside the migratetype (PB_migrate_isolate), and
 * get_pageblock_migratetype() reports MIGRATE_ISOLATE while it is set.
 */
#ifndef _PAGEMIG_PAGEBLOCK_FLAGS_H
#define _PAGEMIG_PAGEBLOCK_FLAGS_H

enum pageblock_bits {
	PB_migrate_0,
	PB_migrate_1,
	PB_migrate_2,
	PB_compact_skip,
	PB_migrate_isolate,
	__NR_PAGEBLOCK_BITS
};

#define NR_PAGEBLOCK_BITS	8	/* rounded up: two blocks a byte */
#define MIGRATETYPE_MASK	((1UL << (PB_migrate_2 + 1)) - 1)

#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)
#define pageblock_start_pfn(pfn) ALIGN_DOWN((pfn), pageblock_nr_pages)
#define pageblock_end_pfn(pfn)	ALIGN((pfn) + 1, pageblock_nr_pages)
#define pageblock_aligned(pfn)	IS_ALIGNED((pfn), pageblock_nr_pages)

#endif /* _PAGEMIG_PAGEBLOCK_FLAGS_H */
