// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon: the guest side of a virtio memory balloon.
 *
 * Inflation allocates pages, enqueues them in the balloon and sends their
 * PFNs to the host on the inflate queue; deflation dequeues, tells the
 * host on the deflate queue, and frees.  Both run under vb->balloon_lock.
 * Migration takes the same mutex with a trylock -- compaction can run
 * from inside an inflation's page allocation, and a migration must not
 * wait for the inflation that triggered it -- and reports -EAGAIN when
 * it is busy, so the core retries on its next pass.
 *
 * Without VIRTIO_BALLOON_F_DEFLATE_ON_OOM (our default) inflated pages
 * are taken out of the zone's managed pages, by the balloon core
 * (kernel 2026 balloon series: adjust_managed_page_count).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/balloon.h>
#include <pagemig/explain.h>
#include <pagemig/vmstat.h>
#include <pagemig/printk.h>
#include "balloon_host.h"

#define VIRTIO_BALLOON_ARRAY_PFNS_MAX	256

struct virtio_balloon {
	struct balloon_dev_info vb_dev_info;
	struct balloon_host host;
	/* Serialises inflate, deflate and migration: num_pages, pfns. */
	struct mutex balloon_lock;
	unsigned long num_pages;		/* pages in the balloon */
	bool deflate_on_oom;			/* the DEFLATE_ON_OOM feature */
	unsigned int num_pfns;
	unsigned long pfns[VIRTIO_BALLOON_ARRAY_PFNS_MAX];
};

static struct virtio_balloon *vb_dev;

static void tell_host_inflate(struct virtio_balloon *vb)
{
	balloon_host_inflate(&vb->host, vb->pfns, vb->num_pfns, false);
}

static void tell_host_deflate(struct virtio_balloon *vb)
{
	balloon_host_deflate(&vb->host, vb->pfns, vb->num_pfns, false);
}

static unsigned long fill_balloon(struct balloon_host *host, unsigned long num)
{
	struct virtio_balloon *vb = container_of(host, struct virtio_balloon, host);
	static struct ratelimit_state rs = RATELIMIT_STATE_INIT(5000, 3);
	unsigned long num_allocated_pages, num_pfns;
	struct page *page, *next;
	LIST_HEAD(pages);

	num = min(num, (unsigned long)VIRTIO_BALLOON_ARRAY_PFNS_MAX);
	/*
	 * A local count: vb->num_pfns belongs to whoever holds balloon_lock,
	 * and migration may hold it while we allocate (kernel: the same).
	 */
	for (num_pfns = 0; num_pfns < num; num_pfns++) {
		page = balloon_page_alloc();
		if (!page) {
			if (__ratelimit(&rs))
				pr_info("virtio_balloon: Out of puff! Can't get %lu pages\n",
					num - num_pfns);
			break;
		}
		list_add(&page->lru, &pages);
	}

	mutex_lock(&vb->balloon_lock);
	vb->num_pfns = 0;
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		balloon_page_enqueue(&vb->vb_dev_info, page);
		vb->pfns[vb->num_pfns++] = page_to_pfn(page);
		vb->num_pages++;
	}
	num_allocated_pages = vb->num_pfns;
	if (vb->num_pfns)
		tell_host_inflate(vb);
	mutex_unlock(&vb->balloon_lock);
	return num_allocated_pages;
}

static unsigned long leak_balloon(struct balloon_host *host, unsigned long num)
{
	struct virtio_balloon *vb = container_of(host, struct virtio_balloon, host);
	unsigned long num_freed_pages;
	struct page *page, *next;
	LIST_HEAD(pages);

	num = min(num, (unsigned long)VIRTIO_BALLOON_ARRAY_PFNS_MAX);
	mutex_lock(&vb->balloon_lock);
	num = min(num, vb->num_pages);
	for (vb->num_pfns = 0; vb->num_pfns < num; vb->num_pfns++) {
		page = balloon_page_dequeue(&vb->vb_dev_info);
		if (!page)
			break;
		vb->pfns[vb->num_pfns] = page_to_pfn(page);
		list_add(&page->lru, &pages);
		vb->num_pages--;
	}
	num_freed_pages = vb->num_pfns;
	/* The host must hear about the pages before the guest reuses them. */
	if (vb->num_pfns)
		tell_host_deflate(vb);
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	mutex_unlock(&vb->balloon_lock);
	return num_freed_pages;
}

static unsigned long vb_size(struct balloon_host *host)
{
	struct virtio_balloon *vb = container_of(host, struct virtio_balloon, host);
	unsigned long n;

	mutex_lock(&vb->balloon_lock);
	n = vb->num_pages;
	mutex_unlock(&vb->balloon_lock);
	return n;
}

/*
 * Move a balloon page at the host: inflate @newpage, deflate @page.  The
 * balloon core does the page bookkeeping (kernel 2026 balloon series).
 */
static int virtballoon_migratepage(struct balloon_dev_info *vb_dev_info,
				   struct page *newpage, struct page *page,
				   enum migrate_mode mode)
{
	struct virtio_balloon *vb = container_of(vb_dev_info, struct virtio_balloon,
						 vb_dev_info);

	/*
	 * Inflation or deflation is in progress (maybe the very allocation
	 * that triggered this compaction): let the core retry later.
	 */
	if (!mutex_trylock(&vb->balloon_lock)) {
		explain_owner_says("virtio_balloon: balloon_lock held, an inflate or deflate is running");
		return -EAGAIN;
	}

	vb->num_pfns = 1;
	vb->pfns[0] = page_to_pfn(newpage);
	tell_host_inflate(vb);
	vb->num_pfns = 1;
	vb->pfns[0] = page_to_pfn(page);
	tell_host_deflate(vb);
	mutex_unlock(&vb->balloon_lock);
	return 0;
}

/**
 * virtio_balloon_adopt - put pages the caller owns into the balloon
 * @pfns: allocated order-0 pages, one reference each, no flags or type
 * @n: how many
 *
 * For kpageflags imports (facade/kpageflags.c): each page becomes a
 * balloon page as if fill_balloon() had inflated it, the host takes the
 * frames, and the target follows the size so that the worker, when next
 * kicked, leaves them where they are.  kernel: no equivalent.
 *
 * Return: 0, or -ENODEV when there is no virtio balloon.
 */
int virtio_balloon_adopt(const unsigned long *pfns, unsigned long n)
{
	struct virtio_balloon *vb = vb_dev;
	unsigned long i = 0;

	if (!vb)
		return -ENODEV;
	mutex_lock(&vb->balloon_lock);
	while (i < n) {
		for (vb->num_pfns = 0; i < n &&
		     vb->num_pfns < VIRTIO_BALLOON_ARRAY_PFNS_MAX; i++) {
			struct page *page = pfn_to_page(pfns[i]);

			balloon_page_enqueue(&vb->vb_dev_info, page);
			vb->pfns[vb->num_pfns++] = pfns[i];
			vb->num_pages++;
		}
		tell_host_inflate(vb);
	}
	WRITE_ONCE(vb->host.target, vb->num_pages);
	mutex_unlock(&vb->balloon_lock);
	return 0;
}

static const struct balloon_guest_ops virtio_balloon_ops = {
	.inflate = fill_balloon,
	.deflate = leak_balloon,
	.size = vb_size,
};

/**
 * virtio_balloon_probe - create the virtio balloon device and its worker
 *
 * Return: 0 or -ENOMEM.
 */
int virtio_balloon_probe(void)
{
	struct virtio_balloon *vb = calloc(1, sizeof(*vb));
	int ret;

	if (!vb)
		return -ENOMEM;
	balloon_devinfo_init(&vb->vb_dev_info);
	vb->vb_dev_info.adjust_managed_page_count = !vb->deflate_on_oom;
	if (IS_ENABLED(CONFIG_BALLOON_COMPACTION))
		vb->vb_dev_info.migratepage = virtballoon_migratepage;
	mutex_init_named(&vb->balloon_lock, "vb->balloon_lock", LOCK_RANK_DRIVER);
	ret = balloon_host_init(&vb->host, "virtio_balloon", &vb->vb_dev_info,
				&virtio_balloon_ops, 0);
	if (ret) {
		mutex_destroy(&vb->balloon_lock);
		free(vb);
		return ret;
	}
	vb_dev = vb;
	balloon_hosts[BALLOON_VIRTIO] = &vb->host;
	return 0;
}

/**
 * virtio_balloon_remove - deflate everything and tear the device down
 */
void virtio_balloon_remove(void)
{
	struct virtio_balloon *vb = vb_dev;

	if (!vb)
		return;
	balloon_hosts[BALLOON_VIRTIO] = NULL;
	balloon_host_stop(&vb->host);
	balloon_host_drain(&vb->host);
	balloon_host_exit(&vb->host);
	mutex_destroy(&vb->balloon_lock);
	free(vb);
	vb_dev = NULL;
}
