// SPDX-License-Identifier: GPL-2.0
/*
 * LRU lists: every user folio (anonymous or page cache) sits on one of the
 * node's LRU lists while it is not isolated.  PG_lru says "on a list"; it
 * is cleared atomically by whoever takes the folio off (folio_isolate_lru()
 * or the free path), so two isolators cannot both win.
 *
 * kernel: folios are added through per-CPU batches (folio_batch) and the
 * lists are per memcg; pagemig adds directly under the node's lru_lock.
 */
#include <pagemig/mm.h>
#include <pagemig/vmstat.h>
#include "internal.h"

static inline struct lruvec *folio_lruvec(struct folio *folio)
{
	return &folio_pgdat(folio)->__lruvec;
}

/**
 * folio_lru_list - the list a folio belongs on
 * @folio: the folio
 *
 * Return: anon or file (by PG_swapbacked), active or inactive, or
 * unevictable.
 */
enum lru_list folio_lru_list(const struct folio *folio)
{
	enum lru_list lru;

	if (folio_test_unevictable(folio))
		return LRU_UNEVICTABLE;
	lru = folio_is_file_lru(folio) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	if (folio_test_active(folio))
		lru = (enum lru_list)(lru + 1);
	return lru;
}

static void update_lru_size(struct folio *folio, enum lru_list lru, long nr)
{
	mod_node_page_state(folio_pgdat(folio),
			    (enum node_stat_item)(NR_INACTIVE_ANON + lru), nr);
	mod_zone_page_state(folio_zone(folio),
			    (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + lru), nr);
}

static void lruvec_add_folio(struct lruvec *lruvec, struct folio *folio)
{
	enum lru_list lru = folio_lru_list(folio);

	update_lru_size(folio, lru, folio_nr_pages(folio));
	list_add(&folio->lru, &lruvec->lists[lru]);
}

static void lruvec_del_folio(struct lruvec *lruvec, struct folio *folio)
{
	list_del(&folio->lru);
	update_lru_size(folio, folio_lru_list(folio), -folio_nr_pages(folio));
}

/**
 * folio_add_lru - put a folio on its LRU list
 * @folio: a folio not on any list; the caller holds a reference
 */
void folio_add_lru(struct folio *folio)
{
	struct lruvec *lruvec = folio_lruvec(folio);

	VM_BUG_ON_FOLIO(folio_test_lru(folio), folio);
	spin_lock(&lruvec->lru_lock);
	lruvec_add_folio(lruvec, folio);
	folio_set_lru(folio);
	spin_unlock(&lruvec->lru_lock);
}

/**
 * folio_isolate_lru - take a folio off its LRU list for migration
 * @folio: the folio; the caller holds a reference
 *
 * On success the folio holds one more reference (the isolation
 * reference), which folio_putback_lru() or migration drops.
 *
 * Return: true if this call took it off the list.
 */
bool folio_isolate_lru(struct folio *folio)
{
	struct lruvec *lruvec = folio_lruvec(folio);

	if (should_fail(FAULT_ISOLATE_LRU))
		return false;
	if (!folio_test_clear_lru(folio))
		return false;
	folio_get(folio);
	spin_lock(&lruvec->lru_lock);
	lruvec_del_folio(lruvec, folio);
	spin_unlock(&lruvec->lru_lock);
	return true;
}

/**
 * __folio_isolate_lru_ref - isolate, keeping the caller's reference as
 *	the isolation reference (compaction's way)
 * @folio: the folio; the caller holds a speculative reference
 *
 * Return: true if isolated.
 */
bool __folio_isolate_lru_ref(struct folio *folio)
{
	struct lruvec *lruvec = folio_lruvec(folio);

	if (should_fail(FAULT_ISOLATE_LRU))
		return false;
	if (!folio_test_clear_lru(folio))
		return false;
	spin_lock(&lruvec->lru_lock);
	lruvec_del_folio(lruvec, folio);
	spin_unlock(&lruvec->lru_lock);
	return true;
}

/**
 * folio_putback_lru - return an isolated folio to its list
 * @folio: the folio; drops the isolation reference
 */
void folio_putback_lru(struct folio *folio)
{
	folio_add_lru(folio);
	folio_put(folio);
}

/**
 * __folio_clear_lru_on_free - take a dying folio off its LRU list
 * @folio: a folio whose last reference is gone
 *
 * Called from the free path (kernel: __page_cache_release()).
 */
void __folio_clear_lru_on_free(struct folio *folio)
{
	struct lruvec *lruvec;

	if (!folio_test_clear_lru(folio))
		return;
	lruvec = folio_lruvec(folio);
	spin_lock(&lruvec->lru_lock);
	lruvec_del_folio(lruvec, folio);
	spin_unlock(&lruvec->lru_lock);
	folio_clear_active(folio);
	folio_clear_unevictable(folio);
}

/**
 * lruvec_init - empty LRU lists for a new node
 * @lruvec: the node's lruvec
 */
void lruvec_init(struct lruvec *lruvec)
{
	int lru;

	spin_lock_init_named(&lruvec->lru_lock, "lruvec->lru_lock", LOCK_RANK_LRU);
	for (lru = 0; lru < NR_LRU_LISTS; lru++)
		INIT_LIST_HEAD(&lruvec->lists[lru]);
}
