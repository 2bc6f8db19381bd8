// SPDX-License-Identifier: GPL-2.0
/*
 * cmm: pseries Collaborative Memory Manager, guest side.
 *
 * The hypervisor asks for pages on loan; each page is loaned with its own
 * hypervisor call (H_SET_PAGE_LOANED in the kernel), which can fail, and
 * taken back with one that cannot (H_SET_PAGE_ACTIVE; errors ignored).
 * Loaned pages leave the zone's managed pages (the balloon core adjusts
 * them: adjust_managed_page_count).  Migration loans the new page first
 * (-EBUSY if refused), then activates the old one; the balloon core does
 * the page bookkeeping and counts BALLOON_MIGRATE (kernel: 0da2ba35 made
 * cmm count it, October 2025; the 2026 balloon series moved it to the
 * core).
 */
#include <errno.h>
#include <stdlib.h>

#include <pagemig/balloon.h>
#include <pagemig/explain.h>
#include <pagemig/vmstat.h>
#include "balloon_host.h"

struct cmm {
	struct balloon_dev_info b_dev_info;
	struct balloon_host host;
	atomic_long_t loaned_pages;
};

static struct cmm *cmm_dev;

static int plpar_page_set_loaned(struct cmm *cmm, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return balloon_host_inflate(&cmm->host, &pfn, 1, true);
}

static void plpar_page_set_active(struct cmm *cmm, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	balloon_host_deflate(&cmm->host, &pfn, 1, false);
}

static unsigned long cmm_alloc_pages(struct balloon_host *host, unsigned long nr)
{
	struct cmm *cmm = container_of(host, struct cmm, host);
	unsigned long n;

	for (n = 0; n < nr; n++) {
		struct page *page = balloon_page_alloc();

		if (!page)
			break;
		if (plpar_page_set_loaned(cmm, page)) {
			__free_page(page);
			break;
		}
		balloon_page_enqueue(&cmm->b_dev_info, page);
		atomic_long_inc(&cmm->loaned_pages);
	}
	return n;
}

static unsigned long cmm_free_pages(struct balloon_host *host, unsigned long nr)
{
	struct cmm *cmm = container_of(host, struct cmm, host);
	unsigned long n;

	for (n = 0; n < nr; n++) {
		struct page *page = balloon_page_dequeue(&cmm->b_dev_info);

		if (!page)
			break;
		plpar_page_set_active(cmm, page);
		__free_page(page);
		atomic_long_dec(&cmm->loaned_pages);
	}
	return n;
}

static unsigned long cmm_size(struct balloon_host *host)
{
	struct cmm *cmm = container_of(host, struct cmm, host);

	return (unsigned long)atomic_long_read(&cmm->loaned_pages);
}

static int cmm_migratepage(struct balloon_dev_info *b_dev_info,
			   struct page *newpage, struct page *page,
			   enum migrate_mode mode)
{
	struct cmm *cmm = container_of(b_dev_info, struct cmm, b_dev_info);

	/* Loan the new page first; if refused, don't retry now. */
	if (plpar_page_set_loaned(cmm, newpage)) {
		explain_owner_says("cmm: the hypervisor refused to take the new page");
		return -EBUSY;
	}
	/* Then take the old one back; that call cannot fail. */
	plpar_page_set_active(cmm, page);
	return 0;
}

static const struct balloon_guest_ops cmm_ops = {
	.inflate = cmm_alloc_pages,
	.deflate = cmm_free_pages,
	.size = cmm_size,
};

/**
 * cmm_probe - create the CMM balloon and its thread
 *
 * Return: 0 or -ENOMEM.
 */
int cmm_probe(void)
{
	struct cmm *cmm = calloc(1, sizeof(*cmm));
	int ret;

	if (!cmm)
		return -ENOMEM;
	balloon_devinfo_init(&cmm->b_dev_info);
	cmm->b_dev_info.adjust_managed_page_count = true;
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		cmm->b_dev_info.migratepage = cmm_migratepage;
	ret = balloon_host_init(&cmm->host, "cmm", &cmm->b_dev_info, &cmm_ops, 0);
	if (ret) {
		free(cmm);
		return ret;
	}
	cmm_dev = cmm;
	balloon_hosts[BALLOON_CMM] = &cmm->host;
	return 0;
}

/**
 * cmm_remove - return every loaned page and tear down
 */
void cmm_remove(void)
{
	struct cmm *cmm = cmm_dev;

	if (!cmm)
		return;
	balloon_hosts[BALLOON_CMM] = NULL;
	balloon_host_stop(&cmm->host);
	balloon_host_drain(&cmm->host);
	balloon_host_exit(&cmm->host);
	free(cmm);
	cmm_dev = NULL;
}
