// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: fill_balloon() counted its allocations in vb->num_pfns
 * outside vb->balloon_lock, while virtballoon_migratepage() sets
 * vb->num_pfns = 1 under that lock.  A migration during the allocation
 * loop reset the count: fill allocated more than it asked for, and then
 * wrote past vb->pfns[VIRTIO_BALLOON_ARRAY_PFNS_MAX] while enqueueing
 * (TSan: data race on num_pfns; ASan: overflow off the end of *vb).
 * Found by tests/stress/test_balloon_races.c.
 *
 * Here one thread fills in full batches of 256 while another migrates
 * balloon pages back and forth; every fill must return at most 256.
 */
#include <pthread.h>

#include <pagemig/pagemig.h>
#include "../../drivers/virtio_balloon.c"
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

static int stop;

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static void *migrator(void *arg)
{
	struct balloon_dev_info *b = &vb_dev->vb_dev_info;

	set_cpu_id(1);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		struct page *page;
		MIG_SET(list);

		spin_lock(&balloon_pages_lock);
		page = list_first_entry_or_null(&b->pages, struct page, lru);
		if (page && !get_page_unless_zero(page))
			page = NULL;
		spin_unlock(&balloon_pages_lock);
		if (!page)
			continue;
		if (isolate_movable_ops_page(page, 0)) {
			mig_add(&list, page);
			if (mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
					MR_COMPACTION, NULL))
				mig_putback(&list);
		}
		put_page(page);
	}
	return NULL;
}

MM_FIXTURE_MOPS(vf, 64 * SZ_1M, 2 * SZ_1M, 0, 2)

TEST_F(vf, fill_counts_locally)
{
	struct balloon_host *host = &vb_dev->host;
	pthread_t th;
	int round;

	/* Stop the worker so only we fill and leak. */
	balloon_host_stop(host);
	ASSERT_EQ(VIRTIO_BALLOON_ARRAY_PFNS_MAX, fill_balloon(host, 1000));
	ASSERT_EQ(0, pagemig_thread_create(&th, "migrator", migrator, NULL));
	for (round = 0; round < 40; round++) {
		unsigned long n = fill_balloon(host, VIRTIO_BALLOON_ARRAY_PFNS_MAX);

		EXPECT_LE(n, VIRTIO_BALLOON_ARRAY_PFNS_MAX);
		leak_balloon(host, n);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	while (vb_dev->num_pages)
		leak_balloon(host, vb_dev->num_pages);
	EXPECT_EQ(0, vb_dev->vb_dev_info.isolated_pages);
}
