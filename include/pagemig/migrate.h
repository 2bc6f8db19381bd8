/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration: movable_ops registration and migrate_pages().
 *
 * A movable_ops page is a typed page that is not a folio -- a balloon page
 * (PageOffline) or a zsmalloc page (PageZsmalloc) -- whose owner can move
 * it on request.  The core recognises it by its type plus PG_movable_ops
 * and finds the owner's callbacks by its type alone; page->mapping is
 * never used for it.
 */
#ifndef _PAGEMIG_MIGRATE_H
#define _PAGEMIG_MIGRATE_H

#include "mm_types.h"
#include "page-flags.h"
#include "migrate_mode.h"

typedef unsigned int isolate_mode_t;
#define ISOLATE_ASYNC_MIGRATE	((isolate_mode_t)0x4)	/* async compaction */
#define ISOLATE_UNEVICTABLE	((isolate_mode_t)0x8)	/* hotplug, soft offline */

/**
 * struct movable_operations - an owner's callbacks for its movable_ops pages
 * @isolate_page: called with the page locked and a reference held by the
 *	core.  Return true if the page may be migrated now.  From then on
 *	the core owns page->lru (6.17 core only), so the owner must take
 *	the page off any of its own lists here.  Must not unlock the page.  An owner returns
 *	false for a page it has already released.
 * @migrate_page: called with @src and @dst locked; @src is isolated and
 *	@dst is a fresh page holding one core reference.  Copy what needs
 *	copying, set @dst up (type, PG_movable_ops, private data), take the
 *	owner's reference on @dst and drop it on @src, and return 0.  Return
 *	-EAGAIN for a transient failure the core will retry; any other error
 *	is permanent for this run and the page will be put back.  Must not
 *	touch @src->lru.  A page the owner released while isolated is
 *	reported as success without doing anything.
 * @putback_page: called with the page locked when migration gave up on
 *	it: the owner takes it back into its structures.
 *
 * That is the 6.17 core.  In the decoupled core (machine option
 * movable_ops: decoupled) the core takes no reference and no page lock:
 * @isolate_page may see a page that was freed and reused meanwhile, must
 * check under its own lock that the page is still its own, and claims it
 * with TestSetPageMovableOpsIsolated() (refusing if that was set); the
 * owner then keeps the page from being freed until the isolation ends.
 * The core carries isolated pages in a struct movable_ops_batch and
 * never touches page->lru or @dst->private, so both are the owner's.
 * @migrate_page receives @dst with the core's one reference, which is
 * the owner's on success; on success it clears PG_movable_ops_isolated
 * on @src itself and may free @src.  @putback_page clears the flag.
 * Both clear it under the lock their free path checks it under.
 */
struct movable_operations {
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	int (*migrate_page)(struct page *dst, struct page *src,
			    enum migrate_mode mode);
	void (*putback_page)(struct page *page);
};

/**
 * struct movable_ops_batch - isolated movable_ops pages, kept off page->lru
 * @pages: the pages, in the order they were isolated
 * @nr: how many of @pages are in use
 * @max: how many @pages has room for
 *
 * The decoupled core's container for movable_ops pages on their way
 * through isolation, migration and putback, carried beside the folio
 * list by every isolator: the core never links such a page through
 * page->lru, which stays the owner's word.  The caller owns the array
 * (usually on its stack or in its struct compact_control).  In the 6.17
 * core the batch stays empty and movable_ops pages go on the folio list.
 * kernel (up to 2026): no such container; movable_ops pages are linked
 * through lru like folios.
 */
struct movable_ops_batch {
	struct page **pages;
	unsigned int nr;
	unsigned int max;
};

static inline void movable_ops_batch_init(struct movable_ops_batch *batch,
					  struct page **pages, unsigned int max)
{
	batch->pages = pages;
	batch->nr = 0;
	batch->max = max;
}

static inline bool movable_ops_batch_full(const struct movable_ops_batch *batch)
{
	return batch->nr >= batch->max;
}

typedef struct folio *new_folio_t(struct folio *folio, unsigned long private);
typedef void free_folio_t(struct folio *folio, unsigned long private);

/* migrate_pages() passes of the batch and one-by-one phases. */
#define NR_MAX_BATCHED_MIGRATION	512
#define NR_MAX_MIGRATE_PAGES_RETRY	10
#define NR_MAX_MIGRATE_ASYNC_RETRY	3
#define NR_MAX_MIGRATE_SYNC_RETRY \
	(NR_MAX_MIGRATE_PAGES_RETRY - NR_MAX_MIGRATE_ASYNC_RETRY)

int set_movable_ops(const struct movable_operations *ops, enum pagetype type);
bool isolate_movable_ops_page(struct page *page, isolate_mode_t mode);
bool isolate_movable_ops_page_to(struct page *page, isolate_mode_t mode,
				 struct list_head *list,
				 struct movable_ops_batch *batch);
bool isolate_folio_to_list(struct folio *folio, struct list_head *list);
bool isolate_folio_for_migration(struct folio *folio, struct list_head *list,
				 struct movable_ops_batch *batch);
void putback_movable_pages(struct list_head *l);
void putback_movable_ops_batch(struct movable_ops_batch *batch);
int migrate_pages(struct list_head *from, new_folio_t get_new_folio,
		  free_folio_t put_new_folio, unsigned long private,
		  enum migrate_mode mode, int reason,
		  unsigned int *ret_succeeded);
int migrate_pages_mops(struct list_head *from, struct movable_ops_batch *batch,
		       new_folio_t get_new_folio, free_folio_t put_new_folio,
		       unsigned long private, enum migrate_mode mode, int reason,
		       unsigned int *ret_succeeded);


#endif /* _PAGEMIG_MIGRATE_H */
