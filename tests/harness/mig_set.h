/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an isolator carries to migrate_pages_mops(), for tests: the folio
 * list and the movable_ops batch side by side, with room for
 * MIG_SET_MAX movable_ops pages.  mig_add() puts an isolated movable_ops
 * page where the machine's core wants it -- on the list through lru in
 * the 6.17 core, in the batch in the decoupled core -- so one test body
 * runs in both cores.  Pages keep the order they were added in; the
 * list's pages come first, as migrate_pages_mops() takes them.
 *
 * Usage:
 *	MIG_SET(set);
 *	if (isolate_movable_ops_page(page, 0))
 *		mig_add(&set, page);
 *	if (mig_migrate(&set, alloc, NULL, 0, MIGRATE_SYNC, MR_COMPACTION, &n))
 *		mig_putback(&set);
 */
#ifndef _PAGEMIG_TEST_MIG_SET_H
#define _PAGEMIG_TEST_MIG_SET_H

#include <pagemig/migrate.h>
#include "../../lib/list.h"

#define MIG_SET_MAX	1024

/* The machine's movable_ops core (mm/migrate.c). */
extern bool movable_ops_decoupled;

struct mig_set {
	struct list_head list;		/* folios; 6.17 core: movable_ops too */
	struct movable_ops_batch mops;	/* decoupled core: movable_ops pages */
	struct page *slots[MIG_SET_MAX];
};

static inline void mig_set_init(struct mig_set *set)
{
	INIT_LIST_HEAD(&set->list);
	movable_ops_batch_init(&set->mops, set->slots, MIG_SET_MAX);
}

#define MIG_SET(name)	struct mig_set name; mig_set_init(&name)

/* Add an isolated page (folio or movable_ops page) at the end. */
static inline void mig_add(struct mig_set *set, struct page *page)
{
	if (movable_ops_decoupled && page_has_movable_ops(page)) {
		if (!movable_ops_batch_full(&set->mops))
			set->mops.pages[set->mops.nr++] = page;
		return;
	}
	list_add_tail(&page->lru, &set->list);
}

/* isolate_folio_for_migration() into @set; the page goes last. */
static inline bool mig_isolate_folio(struct mig_set *set, struct folio *folio)
{
	struct movable_ops_batch *mops = &set->mops;
	LIST_HEAD(one);

	if (!isolate_folio_for_migration(folio, &one, mops))
		return false;
	list_splice_tail(&one, &set->list);
	return true;
}

static inline int mig_migrate(struct mig_set *set, new_folio_t get_new_folio,
			      free_folio_t put_new_folio, unsigned long private,
			      enum migrate_mode mode, int reason,
			      unsigned int *ret_succeeded)
{
	return migrate_pages_mops(&set->list, &set->mops, get_new_folio,
				  put_new_folio, private, mode, reason,
				  ret_succeeded);
}

static inline void mig_putback(struct mig_set *set)
{
	putback_movable_pages(&set->list);
	putback_movable_ops_batch(&set->mops);
}

static inline unsigned long mig_len(struct mig_set *set)
{
	struct list_head *p;
	unsigned long n = set->mops.nr;

	list_for_each(p, &set->list)
		n++;
	return n;
}

static inline bool mig_empty(struct mig_set *set)
{
	return list_empty(&set->list) && !set->mops.nr;
}

/* The first page of @set, or NULL. */
static inline struct page *mig_first(struct mig_set *set)
{
	if (!list_empty(&set->list))
		return list_first_entry(&set->list, struct page, lru);
	return set->mops.nr ? set->mops.pages[0] : NULL;
}

#endif /* _PAGEMIG_TEST_MIG_SET_H */
