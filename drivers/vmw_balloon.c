// SPDX-License-Identifier: GPL-2.0
/*
 * vmw_balloon: VMware's memory balloon, guest side.
 *
 * Pages are locked at (inflate) and unlocked from (deflate) the
 * hypervisor in batches of up to 512 PFNs, and either call can fail.
 * b->conf_sem is held for reading by every balloon operation and for
 * writing by configuration changes; b->comm_lock serialises use of the
 * hypervisor channel.
 *
 * Migration deflates the old page first -- inflating first could make
 * the hypervisor say it has enough -- with a direct call, because the
 * isolated page's lru belongs to the core.  Then it inflates the new one.
 * If that second step fails, the balloon has simply shrunk by a page: the
 * driver says -ENOENT and the balloon core frees both pages, counting a
 * deflate (kernel 2026 balloon series; 6.18 and 6.17.6 returned success,
 * 6.17.0 -EBUSY).  As in that series, NR_BALLOON_PAGES is not lowered on
 * that path.
 */
#include <errno.h>
#include <stdlib.h>

#include <pagemig/balloon.h>
#include <pagemig/explain.h>
#include <pagemig/vmstat.h>
#include "balloon_host.h"

#define VMW_BALLOON_BATCH_MAX_PAGES	512

struct vmballoon {
	struct balloon_dev_info b_dev_info;
	struct balloon_host host;
	struct rw_semaphore conf_sem;	/* config changes vs balloon operations */
	spinlock_t comm_lock;		/* the hypervisor channel and batch */
	atomic_long_t size;		/* pages in the balloon */
	unsigned long batch[VMW_BALLOON_BATCH_MAX_PAGES];	/* comm_lock */
};

static struct vmballoon *vmw_dev;

static unsigned long vmballoon_inflate(struct balloon_host *host, unsigned long nr)
{
	struct vmballoon *b = container_of(host, struct vmballoon, host);
	unsigned long n = 0;
	struct page *page, *next;
	LIST_HEAD(pages);
	int status;

	nr = min(nr, (unsigned long)VMW_BALLOON_BATCH_MAX_PAGES);
	down_read(&b->conf_sem);
	while (n < nr && (page = balloon_page_alloc())) {
		list_add(&page->lru, &pages);
		n++;
	}
	if (!n)
		goto out;

	spin_lock(&b->comm_lock);
	n = 0;
	list_for_each_entry(page, &pages, lru)
		b->batch[n++] = page_to_pfn(page);
	status = balloon_host_inflate(host, b->batch, (unsigned int)n, true);
	spin_unlock(&b->comm_lock);

	if (status) {
		/* Refused: give the pages back and report no progress. */
		list_for_each_entry_safe(page, next, &pages, lru) {
			list_del(&page->lru);
			put_page(page);
		}
		n = 0;
		goto out;
	}
	balloon_page_list_enqueue(&b->b_dev_info, &pages);
	atomic_long_add((long)n, &b->size);
out:
	up_read(&b->conf_sem);
	return n;
}

static unsigned long vmballoon_deflate(struct balloon_host *host, unsigned long nr)
{
	struct vmballoon *b = container_of(host, struct vmballoon, host);
	struct page *page, *next;
	LIST_HEAD(pages);
	size_t n, i = 0;
	int status;

	nr = min(nr, (unsigned long)VMW_BALLOON_BATCH_MAX_PAGES);
	down_read(&b->conf_sem);
	n = balloon_page_list_dequeue(&b->b_dev_info, &pages, nr);
	if (!n)
		goto out;

	spin_lock(&b->comm_lock);
	list_for_each_entry(page, &pages, lru)
		b->batch[i++] = page_to_pfn(page);
	status = balloon_host_deflate(host, b->batch, (unsigned int)n, true);
	spin_unlock(&b->comm_lock);

	if (status) {
		/*
		 * The hypervisor keeps them: back into the balloon (counted
		 * as a deflate and a re-inflate, as the kernel counts it).
		 */
		balloon_page_list_enqueue(&b->b_dev_info, &pages);
		n = 0;
		goto out;
	}
	atomic_long_sub((long)n, &b->size);
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
out:
	up_read(&b->conf_sem);
	return n;
}

static unsigned long vmballoon_size(struct balloon_host *host)
{
	struct vmballoon *b = container_of(host, struct vmballoon, host);

	return (unsigned long)atomic_long_read(&b->size);
}

/*
 * Deflate @page and inflate @newpage at the hypervisor.  Return: 0,
 * -EAGAIN during a configuration change, -EBUSY if the hypervisor keeps
 * the old page, -ENOENT if it took the old page back but refused the new
 * one (the balloon shrank by a page).
 */
static int vmballoon_migratepage(struct balloon_dev_info *b_dev_info,
				 struct page *newpage, struct page *page,
				 enum migrate_mode mode)
{
	struct vmballoon *b = container_of(b_dev_info, struct vmballoon, b_dev_info);
	unsigned long pfn;
	int status, ret = 0;

	/* A configuration change is under way: try again later. */
	if (!down_read_trylock(&b->conf_sem)) {
		explain_owner_says("vmw_balloon: a configuration change is running");
		return -EAGAIN;
	}

	spin_lock(&b->comm_lock);
	pfn = page_to_pfn(page);
	status = balloon_host_deflate(&b->host, &pfn, 1, true);
	if (status) {
		/* The hypervisor keeps the old page: don't migrate it. */
		spin_unlock(&b->comm_lock);
		explain_owner_says("vmw_balloon: the hypervisor keeps the old page");
		ret = -EBUSY;
		goto out_unlock;
	}

	pfn = page_to_pfn(newpage);
	status = balloon_host_inflate(&b->host, &pfn, 1, true);
	spin_unlock(&b->comm_lock);

	if (status) {
		/*
		 * Deflating what we just inflated could fail too; shrink
		 * the balloon instead, and tell the core it has no new page.
		 */
		atomic_long_dec(&b->size);
		ret = -ENOENT;
	}
out_unlock:
	up_read(&b->conf_sem);
	return ret;
}

static const struct balloon_guest_ops vmballoon_ops = {
	.inflate = vmballoon_inflate,
	.deflate = vmballoon_deflate,
	.size = vmballoon_size,
};

/**
 * vmballoon_probe - create the VMware balloon and its worker
 *
 * Return: 0 or -ENOMEM.
 */
int vmballoon_probe(void)
{
	struct vmballoon *b = calloc(1, sizeof(*b));
	int ret;

	if (!b)
		return -ENOMEM;
	balloon_devinfo_init(&b->b_dev_info);
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		b->b_dev_info.migratepage = vmballoon_migratepage;
	init_rwsem_named(&b->conf_sem, "b->conf_sem", LOCK_RANK_DRIVER);
	spin_lock_init_named(&b->comm_lock, "b->comm_lock", LOCK_RANK_DRIVER_COMM);
	ret = balloon_host_init(&b->host, "vmw_balloon", &b->b_dev_info,
				&vmballoon_ops, 1 % (int)nr_cpu_ids);
	if (ret) {
		free(b);
		return ret;
	}
	vmw_dev = b;
	balloon_hosts[BALLOON_VMW] = &b->host;
	return 0;
}

/**
 * vmballoon_remove - deflate everything and tear the balloon down
 */
void vmballoon_remove(void)
{
	struct vmballoon *b = vmw_dev;

	if (!b)
		return;
	balloon_hosts[BALLOON_VMW] = NULL;
	balloon_host_stop(&b->host);
	balloon_host_drain(&b->host);
	balloon_host_exit(&b->host);
	free(b);
	vmw_dev = NULL;
}
