// SPDX-License-Identifier: GPL-2.0
/*
 * The balloons for the public facade: set a driver's target (as its
 * hypervisor would), read its figures, and the validator that checks the
 * balloon invariants of the movable_ops series after every step.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/balloon.h>
#include <pagemig/vmstat.h>
#include "../mm/facade.h"
#include "../drivers/balloon_host.h"
#include "internal.h"

int pagemig_balloon_lookup(const char *name)
{
	static const char * const short_names[NR_BALLOON_DRIVERS] = {
		"virtio", "vmw", "cmm",
	};
	int i;

	for (i = 0; i < NR_BALLOON_DRIVERS; i++)
		if (!strcmp(name, short_names[i]) ||
		    !strcmp(name, balloon_driver_names[i]))
			return i;
	return -ENOENT;
}

const char *pagemig_balloon_name(int drv)
{
	if (drv < 0 || drv >= NR_BALLOON_DRIVERS)
		return NULL;
	return balloon_driver_names[drv];
}

/* The host of driver @drv: 0, -EINVAL (no such driver), -ENODEV. */
static int balloon_host_of(int drv, struct balloon_host **hostp)
{
	if (!machine_ready)
		return -ENODEV;
	if (drv < 0 || drv >= NR_BALLOON_DRIVERS)
		return -EINVAL;
	*hostp = balloon_hosts[drv];
	return *hostp ? 0 : -ENODEV;
}

int pagemig_balloon_set_target(int drv, unsigned long pages, unsigned int timeout_ms)
{
	struct balloon_host *host;
	int ret = balloon_host_of(drv, &host);

	if (ret)
		return ret;
	if (pages > max_pfn)
		return -EINVAL;
	return balloon_host_set_target(host, pages, timeout_ms);
}

int pagemig_balloon_stats(int drv, struct pagemig_balloon_stats *st)
{
	struct balloon_host *host;
	int ret = balloon_host_of(drv, &host);

	if (ret)
		return ret;
	memset(st, 0, sizeof(*st));
	balloon_host_flush(host);
	st->name = balloon_driver_names[drv];
	st->size = host->ops->size(host);
	st->target = READ_ONCE(host->target);
	spin_lock(&balloon_pages_lock);
	st->isolated = host->b_dev_info->isolated_pages;
	spin_unlock(&balloon_pages_lock);
	spin_lock(&host->lock);
	st->host_owned = host->nr_owned;
	st->inflate_msgs = host->inflate_msgs;
	st->deflate_msgs = host->deflate_msgs;
	st->inflated = host->inflated;
	st->deflated = host->deflated;
	st->refused = host->refused;
	st->discarded = host->discarded;
	spin_unlock(&host->lock);
	return 0;
}

/*
 * Isolated balloon pages, by the memmap: each still points at its device
 * (kernel 2026 balloon series: private stays set from inflation until the
 * page leaves the balloon, so an isolated page always has one), and each
 * device's count matches its isolated_pages.  @isolated[i] gets the count
 * of balloon_hosts[i]; the return value is the number of bad pages.
 */
static unsigned long balloon_validate_isolated(FILE *f, unsigned long *isolated)
{
	unsigned long pfn, bad = 0;
	int i;

	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		struct balloon_dev_info *b;

		if (!PageOffline(page) || !page_has_movable_ops(page) ||
		    !PageMovableOpsIsolated(page))
			continue;
		/*
		 * Isolated, the page is kept by the balloon's reference (and,
		 * 6.17 core, the isolator's); the decoupled core and the
		 * balloon never take its lock.
		 */
		if (page_ref_count(page) < 1 ||
		    (movable_ops_decoupled && PageLocked(page))) {
			if (f)
				fprintf(f, "validate: balloon pfn %#lx: isolated, %s\n",
					pfn, page_ref_count(page) < 1 ? "no reference" : "locked");
			bad++;
			continue;
		}
		b = balloon_page_device(page);
		for (i = 0; i < NR_BALLOON_DRIVERS; i++)
			if (balloon_hosts[i] && balloon_hosts[i]->b_dev_info == b)
				break;
		if (b && i < NR_BALLOON_DRIVERS) {
			isolated[i]++;
			continue;
		}
		if (f)
			fprintf(f, "validate: balloon pfn %#lx: isolated, private %s\n",
				pfn, b ? "names no balloon" : "is NULL");
		bad++;
	}
	return bad;
}

/*
 * Balloon invariants: every page on a balloon list is an
 * un-isolated movable_ops page of that balloon (PageOffline,
 * PG_movable_ops, private = the device, mapping NULL) that the host
 * holds; every isolated balloon page points at its balloon, and their
 * count is its isolated_pages; list + isolated = the driver's size = what
 * the host holds; and
 * the balloons together, plus the pages an -ENOENT migration left
 * counted, make nr_balloon_pages.  Exact only while the balloons are idle.
 */
unsigned long balloon_validate(FILE *f)
{
	unsigned long bad, total = 0, found[NR_BALLOON_DRIVERS] = { 0 };
	int i;

	bad = balloon_validate_isolated(f, found);
	for (i = 0; i < NR_BALLOON_DRIVERS; i++) {
		struct balloon_host *host = balloon_hosts[i];
		struct balloon_dev_info *b;
		unsigned long listed = 0, isolated, size, owned;
		struct page *page;

		if (!host)
			continue;
		b = host->b_dev_info;
		size = host->ops->size(host);
		spin_lock(&balloon_pages_lock);
		list_for_each_entry(page, &b->pages, lru) {
			const char *why = NULL;

			listed++;
			if (!PageOffline(page) || !PageMovableOps(page))
				why = "not PageOffline + PG_movable_ops";
			else if (!page_has_movable_ops(page))
				why = "page_has_movable_ops() is false";
			else if (PageMovableOpsIsolated(page))
				why = "isolated but on the balloon list";
			else if (balloon_page_device(page) != b)
				why = "private does not point at its balloon";
			else if (page->mapping)
				why = "mapping is not NULL";
			else if (page_ref_count(page) < 1)
				why = "no reference";
			else if (!balloon_host_owns(host, page_to_pfn(page)))
				why = "the host does not hold it";
			if (why) {
				if (f)
					fprintf(f, "validate: %s pfn %#lx: %s\n",
						host->name, page_to_pfn(page), why);
				bad++;
			}
		}
		isolated = b->isolated_pages;
		spin_unlock(&balloon_pages_lock);
		/* The host counts under its lock (balloon_host_inflate()). */
		spin_lock(&host->lock);
		owned = host->nr_owned;
		spin_unlock(&host->lock);
		if (found[i] != isolated) {
			if (f)
				fprintf(f, "validate: %s: %lu isolated pages in the memmap, isolated_pages %lu\n",
					host->name, found[i], isolated);
			bad++;
		}
		if (listed + isolated != size || owned != size) {
			if (f)
				fprintf(f, "validate: %s: %lu listed + %lu isolated, size %lu, host holds %lu\n",
					host->name, listed, isolated, size, owned);
			bad++;
		}
		total += size;
	}
	/* kernel 2026 balloon series: an -ENOENT migration leaves it one high. */
	total += (unsigned long)atomic_long_read(&balloon_nr_stale_pages);
	if (total != global_node_page_state(NR_BALLOON_PAGES)) {
		if (f)
			fprintf(f, "validate: balloons hold %lu pages (with %ld stale), nr_balloon_pages %lu\n",
				total, atomic_long_read(&balloon_nr_stale_pages),
				global_node_page_state(NR_BALLOON_PAGES));
		bad++;
	}
	return bad;
}
