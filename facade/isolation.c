// SPDX-License-Identifier: GPL-2.0
/*
 * Contiguous allocation, memory offlining and soft offlining for the
 * public facade (mm/page_isolation.c, mm/memory_hotplug.c,
 * mm/memory-failure.c).
 */
#include <errno.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/page-isolation.h>
#include "../mm/internal.h"

static int check_range(unsigned long pfn, unsigned long nr)
{
	if (!machine_ready)
		return -ENODEV;
	if (!nr || pfn >= max_pfn || nr > max_pfn - pfn ||
	    !IS_ALIGNED(pfn, MAX_ORDER_NR_PAGES) || !IS_ALIGNED(nr, MAX_ORDER_NR_PAGES))
		return -EINVAL;
	return 0;
}

int pagemig_alloc_contig(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range(pfn, nr_pages);

	return ret ? ret : alloc_contig_range(pfn, pfn + nr_pages);
}

int pagemig_free_contig(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long i;

	if (!machine_ready)
		return -ENODEV;
	if (!nr_pages || pfn >= max_pfn || nr_pages > max_pfn - pfn)
		return -EINVAL;
	for (i = 0; i < nr_pages; i++) {
		struct page *page = pfn_to_page(pfn + i);

		if (PageBuddy(page) || PageCompound(page) || page_ref_count(page) != 1)
			return -EINVAL;
	}
	free_contig_range(pfn, nr_pages);
	return 0;
}

int pagemig_offline(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range(pfn, nr_pages);

	return ret ? ret : offline_pages(pfn, nr_pages);
}

int pagemig_online(unsigned long pfn, unsigned long nr_pages)
{
	int ret = check_range(pfn, nr_pages);

	return ret ? ret : online_pages(pfn, nr_pages);
}

int pagemig_soft_offline(unsigned long pfn)
{
	if (!machine_ready)
		return -ENODEV;
	return soft_offline_page(pfn);
}
