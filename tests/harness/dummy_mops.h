/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test-only movable_ops owner, registered with set_movable_ops() for
 * PGTY_zsmalloc on a machine where no zsmalloc pool was created (the
 * first pool takes the slot until the machine is torn down).
 *
 * Its pages are order-0 GFP_HIGHUSER_MOVABLE pages marked the way
 * zsmalloc marks its own: __SetPageZsmalloc() + SetPageMovableOps(),
 * page->private = the owner (0 once released), kept on the owner's list
 * through lru, one owner reference each.  The callbacks follow the
 * contract of the machine's movable_ops core (include/pagemig/migrate.h):
 *   isolate: off the list (refused if released or refuse_isolate);
 *   migrate: copy the frame, mark dst, move the owner's reference, or
 *            -EAGAIN (eagain_left times) / perm_errno; a released page
 *            is reported as success ("fake success");
 *   putback: back on the list.
 *
 * 6.17 core: the core holds a reference and the page lock around the
 * callbacks; a page released while isolated loses the owner's reference
 * at once, and the isolation reference frees it later.
 *
 * Decoupled core: no reference and no page lock from the core.  dummy.lock
 * is the owner's lock: isolate checks under it that the page is still an
 * owned one (it may have been freed and reused since the core looked)
 * and claims it with TestSetPageMovableOpsIsolated(); putback and migrate
 * clear the flag under it.  A page freed while isolated is only marked
 * released (nr_deferred) and keeps the owner's reference; the end of its
 * isolation frees it.  The owner never takes the page lock in this mode.
 *
 * Usage: dummy_register() in setup (returns -EBUSY if a real zsmalloc
 * took the slot: SKIP then), dummy_unregister() in teardown after
 * dummy_free_all().  dummy_free() may race the core's isolation, putback
 * and migration from one other thread.
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
	spinlock_t lock;		/* pages, nr_*, pages' private and,
					 * decoupled core, PG_movable_ops_isolated */
	struct list_head pages;		/* un-isolated pages */
	unsigned long nr_pages;		/* owned pages (listed + isolated) */
	unsigned long nr_isolated;
	unsigned long nr_deferred;	/* decoupled: released, still isolated */
	/* knobs */
	bool refuse_isolate;
	int eagain_left;		/* migrate: -EAGAIN this many times */
	int eagain_forever;		/* migrate: always -EAGAIN */
	int perm_errno;			/* migrate: fail with this (e.g. -EBUSY) */
	/* what happened */
	unsigned long isolate_calls, migrate_calls, putback_calls;
	unsigned long migrated, fake_success, deferred_frees;
};

static struct dummy_owner dummy;

static bool dummy_owns(struct page *page)
{
	return page_private(page) == (unsigned long)&dummy;
}

static bool dummy_isolate(struct page *page, isolate_mode_t mode)
{
	bool isolated = false;

	__atomic_add_fetch(&dummy.isolate_calls, 1, __ATOMIC_RELAXED);
	if (READ_ONCE(dummy.refuse_isolate))
		return false;
	spin_lock(&dummy.lock);
	/*
	 * Decoupled core: the page may have been freed and reused since
	 * the core looked.  Type, flag and owner pointer, all set before
	 * dummy_adopt() lists the page under this lock, prove it is ours;
	 * the flag, claimed under the lock, keeps a second isolator out.
	 * 6.17 core: the page lock and the core's reference did all that.
	 */
	if (movable_ops_decoupled &&
	    (!PageZsmalloc(page) || !page_has_movable_ops(page) ||
	     !dummy_owns(page) || TestSetPageMovableOpsIsolated(page)))
		goto out;
	if (!dummy_owns(page))
		goto out;
	list_del(&page->lru);
	dummy.nr_isolated++;
	isolated = true;
out:
	spin_unlock(&dummy.lock);
	return isolated;
}

/*
 * Decoupled core: end the isolation of @page under the owner's lock.
 * Returns true if the page was released while isolated: the caller then
 * drops the owner's reference, freeing it.
 */
static bool dummy_end_isolation(struct page *page)
{
	bool released;

	lockdep_assert_held(&dummy.lock);
	released = !dummy_owns(page);
	if (released) {
		dummy.nr_deferred--;
		dummy.deferred_frees++;
	}
	dummy.nr_isolated--;
	ClearPageMovableOpsIsolated(page);
	return released;
}

static int dummy_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	bool released;

	__atomic_add_fetch(&dummy.migrate_calls, 1, __ATOMIC_RELAXED);
	spin_lock(&dummy.lock);
	released = !dummy_owns(src);
	spin_unlock(&dummy.lock);
	if (!released) {
		if (dummy.eagain_forever)
			return -EAGAIN;
		if (dummy.eagain_left > 0) {
			dummy.eagain_left--;
			return -EAGAIN;
		}
		if (dummy.perm_errno)
			return dummy.perm_errno;
		memcpy(page_address(dst), page_address(src), PAGE_SIZE);
		/* The owner's reference: 6.17, a new one; decoupled, the core's. */
		if (!movable_ops_decoupled)
			get_page(dst);
	}

	spin_lock(&dummy.lock);
	/* Decoupled core: dummy_free() may have released src meanwhile. */
	if (dummy_owns(src)) {
		/* Type, flag and owner under the lock isolation checks them under. */
		__SetPageZsmalloc(dst);
		SetPageMovableOps(dst);
		set_page_private(dst, (unsigned long)&dummy);
		list_add_tail(&dst->lru, &dummy.pages);
		dummy.migrated++;
		if (movable_ops_decoupled)
			dummy_end_isolation(src);	/* still ours: false */
		else
			dummy.nr_isolated--;
		set_page_private(src, 0);
		spin_unlock(&dummy.lock);
		put_page(src);			/* the owner's reference */
		return 0;
	}
	/* Released while isolated: nothing to move ("fake success"). */
	dummy.fake_success++;
	if (!movable_ops_decoupled) {
		/* Under the page lock: released before the call, dst untouched. */
		spin_unlock(&dummy.lock);
		return 0;
	}
	/* Decoupled: src's deferred free happens now, and dst is ours to free. */
	dummy_end_isolation(src);
	spin_unlock(&dummy.lock);
	put_page(src);
	put_page(dst);
	return 0;
}

static void dummy_putback(struct page *page)
{
	bool released = false;

	__atomic_add_fetch(&dummy.putback_calls, 1, __ATOMIC_RELAXED);
	spin_lock(&dummy.lock);
	if (movable_ops_decoupled)
		released = dummy_end_isolation(page);
	else if (dummy_owns(page))
		dummy.nr_isolated--;
	if (dummy_owns(page))
		list_add_tail(&page->lru, &dummy.pages);
	spin_unlock(&dummy.lock);
	if (released)
		put_page(page);
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
	/* Type, flag and owner under the lock isolation checks them under. */
	spin_lock(&dummy.lock);
	__SetPageZsmalloc(page);
	SetPageMovableOps(page);
	set_page_private(page, (unsigned long)&dummy);
	list_add_tail(&page->lru, &dummy.pages);
	dummy.nr_pages++;
	spin_unlock(&dummy.lock);
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

/*
 * The owner frees @page if it is still one of its own, listed or
 * isolated (zsmalloc destroying a zspage).  A listed page goes at once.
 * An isolated one is only marked released: 6.17 core, the owner's
 * reference goes and the isolation reference keeps the page until the
 * core is done with it; decoupled core, the owner keeps its reference
 * and the end of the isolation frees the page.  6.17 core: the caller
 * holds a reference (the page lock is taken).  Returns whether the page
 * was the owner's; *@isolated whether it was isolated.
 */
static inline bool dummy_free_if_owned(struct page *page, bool *isolated)
{
	bool ours, put = true;

	/* 6.17: the core sets the flag and migrates under the page lock. */
	if (!movable_ops_decoupled)
		lock_page(page);
	spin_lock(&dummy.lock);
	ours = PageZsmalloc(page) && dummy_owns(page);
	if (ours) {
		*isolated = PageMovableOpsIsolated(page);
		set_page_private(page, 0);
		dummy.nr_pages--;
		if (!*isolated) {
			list_del(&page->lru);
		} else if (movable_ops_decoupled) {
			dummy.nr_deferred++;
			put = false;
		} else {
			dummy.nr_isolated--;
		}
	}
	spin_unlock(&dummy.lock);
	if (!movable_ops_decoupled)
		unlock_page(page);
	if (ours && put)
		put_page(page);
	return ours;
}

/* Free an owned page; returns true if it was isolated. */
static inline bool dummy_free(struct page *page)
{
	bool isolated = false;

	dummy_free_if_owned(page, &isolated);
	return isolated;
}

/* dummy_free() of a page the test knows is isolated. */
static inline void dummy_release_isolated(struct page *page)
{
	dummy_free(page);
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
