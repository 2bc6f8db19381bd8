// SPDX-License-Identifier: GPL-2.0
/*
 * Regression: a balloon driver's remove deflated until one deflate
 * returned 0 and then freed the device.  A deflate returns 0 when every
 * page left is isolated by someone (compaction, alloc_contig_range,
 * offlining): those pages still named the freed balloon_dev_info, and
 * the isolator's putback or migrate then used freed memory (ASan), and
 * the pages leaked.  Found by review.  remove now waits for the
 * isolator (balloon_host_drain()), as the kernel's remove_common() does.
 *
 * Here every page of the virtio balloon is isolated when remove runs; a
 * second thread puts them back (the first half) and migrates them (the
 * rest) a little later.  remove must return only after that, with the
 * balloon empty and every page back.
 */
#include <pthread.h>

#include <pagemig/pagemig.h>
#include "../../drivers/virtio_balloon.c"
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

#define NPAGES	64

static struct mig_set held_back;
static struct mig_set held_migrate;

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static void *isolator_returns(void *arg)
{
	set_cpu_id(1);
	msleep(50);
	mig_putback(&held_back);
	msleep(20);
	if (mig_migrate(&held_migrate, alloc_dst, NULL, 0, MIGRATE_SYNC,
			MR_COMPACTION, NULL))
		mig_putback(&held_migrate);
	return NULL;
}

MM_FIXTURE_MOPS(vr, 64 * SZ_1M, 2 * SZ_1M, 0, 2)

TEST_F(vr, remove_waits_for_isolated_pages)
{
	struct balloon_dev_info *b = &vb_dev->vb_dev_info;
	unsigned long n = 0;
	struct page *page, *next;
	pthread_t th;

	mig_set_init(&held_back);
	mig_set_init(&held_migrate);
	balloon_host_stop(&vb_dev->host);
	ASSERT_EQ(NPAGES, fill_balloon(&vb_dev->host, NPAGES));
	/* Isolate every page, as compaction would. */
	spin_lock(&balloon_pages_lock);
	list_for_each_entry_safe(page, next, &b->pages, lru) {
		if (!get_page_unless_zero(page))
			continue;
		spin_unlock(&balloon_pages_lock);
		if (isolate_movable_ops_page(page, 0))
			mig_add(n++ % 2 ? &held_migrate : &held_back, page);
		put_page(page);
		spin_lock(&balloon_pages_lock);
	}
	spin_unlock(&balloon_pages_lock);
	ASSERT_EQ(NPAGES, n);
	ASSERT_EQ(NPAGES, b->isolated_pages);

	ASSERT_EQ(0, pagemig_thread_create(&th, "isolator-return", isolator_returns, NULL));
	virtio_balloon_remove();
	pagemig_thread_join(th, NULL);
	EXPECT_NULL(vb_dev);
	EXPECT_TRUE(mig_empty(&held_back));
	EXPECT_TRUE(mig_empty(&held_migrate));
	/* The fixture's invariants: every page came back, no warning. */
}
