/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page isolation (mm/page_isolation.c), contiguous allocation and memory
 * offlining built on it.
 */
#ifndef _PAGEMIG_PAGE_ISOLATION_H
#define _PAGEMIG_PAGE_ISOLATION_H

#include "mm_types.h"

#define MEMORY_OFFLINE	0x1	/* isolating for offline: skip poisoned/offline pages */
#define REPORT_FAILURE	0x2	/* dump the first unmovable page */

struct zone;

struct page *has_unmovable_pages(struct zone *zone, unsigned long start_pfn,
				 unsigned long end_pfn, int flags);
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int flags);
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn);
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn, int flags);

int alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn);
void free_contig_range(unsigned long pfn, unsigned long nr_pages);
int offline_pages(unsigned long start_pfn, unsigned long nr_pages);
int online_pages(unsigned long start_pfn, unsigned long nr_pages);
int soft_offline_page(unsigned long pfn);

#endif /* _PAGEMIG_PAGE_ISOLATION_H */
