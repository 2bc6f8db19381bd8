/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test-only movable_ops owner, registered with set_movable_ops() for
 * PGTY_zsmalloc on a machine where no zsmalloc pool was created (the
 * first pool takes the slot until the machine is torn down).
 *
 * Its pages are order-0 GFP_HIGHUSER_MOVABLE pages marked the way
 * zsmalloc marks its own: __SetPageZsmalloc() + SetPageMovableOps(),
 * page->private = the owner, kept on the owner's list through lru, one
 * owner reference each.  The callbacks follow the movable_ops contract:
 *   isolate: off the list (refused if released or refuse_isolate);
 *   migrate: copy the frame, mark dst, move the owner's reference, or
 *            -EAGAIN (eagain_left times) / perm_errno; a released page
 *            is reported as success without doing anything (zsmalloc's
 *            "fake success");
 *   putback: back on the list (nothing for a released page).
 *
 * Usage: dummy_register() in setup (returns -EBUSY if a real zsmalloc
 * took the slot: SKIP then), dummy_unregister() in teardown after
 * dummy_free_all().  Tests run one at a time; the stress tests only use
 * dummy_alloc/dummy_free from one thread while the core isolates.
 */
#ifndef _PAGEMIG_TEST_DUMMY_MOPS_H
#define _PAGEMIG_TEST_DUMMY_MOPS_H

#include <errno.h>
#include <string.h>

#include <pagemig/gfp.h>
#include <pagemig/migrate.h>
#include <pagemig/spinlock.h>
#include "../../lib/list.h"

struct dummy_owner {
	spinlock_t lock;		/* pages, nr_* */
	struct list_head pages;		/* un-isolated pages */
	unsigned long nr_pages;		/* owned pages (listed + isolated) */
	unsigned long nr_isolated;
	/* knobs */
	bool refuse_isolate;
	int eagain_left;		/* migrate: -EAGAIN this many times */
	int eagain_forever;		/* migrate: always -EAGAIN */
	int perm_errno;			/* migrate: fail with this (e.g. -EBUSY) */
	/* what happened */
	unsigned long isolate_calls, migrate_calls, putback_calls;
	unsigned long migrated, fake_success;
};

static struct dummy_owner dummy;

static bool dummy_isolate(struct page *page, isolate_mode_t mode)
{
	struct dummy_owner *o = (struct dummy_owner *)page_private(page);

	__atomic_add_fetch(&dummy.isolate_calls, 1, __ATOMIC_RELAXED);
	if (!o || READ_ONCE(o->refuse_isolate))
		return false;
	spin_lock(&o->lock);
	list_del(&page->lru);
	o->nr_isolated++;
	spin_unlock(&o->lock);
	return true;
}

static int dummy_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	struct dummy_owner *o = (struct dummy_owner *)page_private(src);

	__atomic_add_fetch(&dummy.migrate_calls, 1, __ATOMIC_RELAXED);
	if (!o) {
		/* Released while isolated: nothing to move. */
		dummy.fake_success++;
		return 0;
	}
	if (o->eagain_forever)
		return -EAGAIN;
	if (o->eagain_left > 0) {
		o->eagain_left--;
		return -EAGAIN;
	}
	if (o->perm_errno)
		return o->perm_errno;

	memcpy(page_address(dst), page_address(src), PAGE_SIZE);
	__SetPageZsmalloc(dst);
	SetPageMovableOps(dst);
	set_page_private(dst, (unsigned long)o);
	get_page(dst);				/* the owner's reference */
	spin_lock(&o->lock);
	list_add_tail(&dst->lru, &o->pages);
	o->nr_isolated--;
	o->migrated++;
	spin_unlock(&o->lock);
	set_page_private(src, 0);
	put_page(src);				/* the owner's reference */
	return 0;
}

static void dummy_putback(struct page *page)
{
	struct dummy_owner *o = (struct dummy_owner *)page_private(page);

	__atomic_add_fetch(&dummy.putback_calls, 1, __ATOMIC_RELAXED);
	if (!o)
		return;
	spin_lock(&o->lock);
	list_add_tail(&page->lru, &o->pages);
	o->nr_isolated--;
	spin_unlock(&o->lock);
}

static const struct movable_operations dummy_mops = {
	.isolate_page = dummy_isolate,
	.migrate_page = dummy_migrate,
	.putback_page = dummy_putback,
};

static inline int dummy_register(void)
{
	memset(&dummy, 0, sizeof(dummy));
	spin_lock_init_named(&dummy.lock, "dummy.lock", LOCK_RANK_BALLOON_PAGES);
	INIT_LIST_HEAD(&dummy.pages);
	return set_movable_ops(&dummy_mops, PGTY_zsmalloc);
}

/* Make @page, allocated and not yet anyone's, one of the owner's pages. */
static inline void dummy_adopt(struct page *page)
{
	lock_page(page);
	__SetPageZsmalloc(page);
	SetPageMovableOps(page);
	set_page_private(page, (unsigned long)&dummy);
	spin_lock(&dummy.lock);
	list_add_tail(&page->lru, &dummy.pages);
	dummy.nr_pages++;
	spin_unlock(&dummy.lock);
	unlock_page(page);
}

/* A new owned page, marked as zsmalloc marks its pages, filled with @tag. */
static inline struct page *dummy_alloc_gfp(gfp_t gfp)
{
	struct page *page = alloc_page(gfp);

	if (!page)
		return NULL;
	pagemig_fill_tag(page_to_pfn(page), 1, 0xd00d0000UL + page_to_pfn(page));
	dummy_adopt(page);
	return page;
}

static inline struct page *dummy_alloc(void)
{
	return dummy_alloc_gfp(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

/* The content tag a page got at dummy_alloc() (it moves with the page). */
static inline bool dummy_content_ok(struct page *page, unsigned long orig_pfn)
{
	return !pagemig_check_tag(page_to_pfn(page), 1, 0xd00d0000UL + orig_pfn);
}

/* Free an un-isolated owned page (the owner's reference goes). */
static inline void dummy_free(struct page *page)
{
	spin_lock(&dummy.lock);
	list_del(&page->lru);
	dummy.nr_pages--;
	spin_unlock(&dummy.lock);
	put_page(page);
}

/*
 * The owner releases @page while it is isolated (zsmalloc destroying a
 * zspage): it forgets the page and drops its reference.  The isolation
 * reference keeps it alive until the core is done with it.
 */
static inline void dummy_release_isolated(struct page *page)
{
	lock_page(page);
	set_page_private(page, 0);
	unlock_page(page);
	spin_lock(&dummy.lock);
	dummy.nr_isolated--;
	dummy.nr_pages--;
	spin_unlock(&dummy.lock);
	put_page(page);
}

static inline unsigned long dummy_listed(void)
{
	struct page *page;
	unsigned long n = 0;

	spin_lock(&dummy.lock);
	list_for_each_entry(page, &dummy.pages, lru)
		n++;
	spin_unlock(&dummy.lock);
	return n;
}

/* Free every listed page; returns how many were still isolated. */
static inline unsigned long dummy_free_all(void)
{
	struct page *page;

	for (;;) {
		spin_lock(&dummy.lock);
		page = list_first_entry_or_null(&dummy.pages, struct page, lru);
		spin_unlock(&dummy.lock);
		if (!page)
			break;
		dummy_free(page);
	}
	return dummy.nr_isolated;
}

static inline void dummy_unregister(void)
{
	set_movable_ops(NULL, PGTY_zsmalloc);
}

#endif /* _PAGEMIG_TEST_DUMMY_MOPS_H */
