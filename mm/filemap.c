// SPDX-License-Identifier: GPL-2.0
/*
 * The folio lock and the page cache.
 *
 * PG_locked is a bit lock in folio->flags; a waiter sets PG_waiters and
 * sleeps on a hashed wait queue (sim/wait.c) so that the unlocker only
 * pays for a wake-up when somebody is actually waiting.
 */
#include <errno.h>
#include <stdlib.h>

#include <pagemig/explain.h>
#include <pagemig/mm.h>
#include <pagemig/vmstat.h>
#include <pagemig/prandom.h>
#include <pagemig/sched.h>
#include "internal.h"

/**
 * __folio_lock - sleep until the folio lock is ours
 * @folio: the folio
 *
 * Context: may sleep; the caller holds a reference on @folio.
 */
void __folio_lock(struct folio *folio)
{
	wait_on_bit_lock(&folio->flags, PG_locked, PG_waiters);
}

/**
 * folio_unlock - release the folio lock and wake sleepers
 * @folio: the folio, locked by the caller
 *
 * Everything written under the lock is visible to the next holder
 * (release ordering in clear_bit_unlock_wake()).
 */
void folio_unlock(struct folio *folio)
{
	check_movable_ops_folio_call(&folio->page);
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	clear_bit_unlock_wake(&folio->flags, PG_locked, PG_waiters);
}

/* ------------------------------------------------------------------ */
/* The page cache */

/*
 * Each file's page cache is an RCU-protected lock-free hash table from
 * liburcu (rculfhash), mapping a page index to a node that points at the
 * folio.  Lookups take no lock: under rcu_read_lock() they find the node,
 * load its folio and take a reference only if the count is not zero
 * (folio_try_get()), then check the node still points at that folio --
 * migration freezes the old folio's count at zero while it swaps the node
 * over to the new one, so a lookup either gets the old folio before the
 * freeze, or retries and gets the new one (kernel: filemap_get_entry()).
 * Insertions and replacements are serialised by mapping->i_pages_lock.
 * kernel: an xarray; here a node is never freed while the file is in
 * use -- only its folio pointer is replaced -- and the table goes away
 * with the file, when nobody can look anything up: readers never touch
 * freed memory, and no grace period (which ThreadSanitizer could not see
 * across liburcu) is needed.
 */
#include <urcu-bp.h>
#include <urcu/rculfhash.h>

/*
 * A bound on the table's growth.  Unbounded, tearing a table down took
 * liburcu 10.6 s for 300k cached pages; at 2^16 buckets a 1.7M-page file
 * spent two thirds of an import in long chains.  2^20 keeps both small:
 * 0.37 s to tear down 300k pages, chains of about two for 1.7M.
 */
#define PAGECACHE_MAX_BUCKETS	(1UL << 20)

struct pagecache_node {
	struct cds_lfht_node node;
	pgoff_t index;
	struct folio *folio;		/* READ_ONCE; changed under i_pages_lock */
};

static unsigned long index_hash(pgoff_t index)
{
	uint64_t x = index;

	return (unsigned long)pagemig_splitmix64(&x);
}

static int index_match(struct cds_lfht_node *node, const void *key)
{
	return container_of(node, struct pagecache_node, node)->index ==
	       *(const pgoff_t *)key;
}

static struct pagecache_node *pagecache_lookup_node(struct address_space *mapping,
						    pgoff_t index)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;

	cds_lfht_lookup(mapping->i_pages, index_hash(index), index_match, &index, &iter);
	node = cds_lfht_iter_get_node(&iter);
	return node ? container_of(node, struct pagecache_node, node) : NULL;
}

/**
 * mapping_init - an empty page cache
 * @mapping: the address_space to set up
 * @host: its file
 *
 * Return: 0 or -ENOMEM.
 */
int mapping_init(struct address_space *mapping, struct file *host)
{
	unsigned long buckets = 64;

	/*
	 * Sized for the file from the start: liburcu grows a table in its
	 * own worker thread, and on a busy machine that thread ran late while
	 * an import cached 400k pages through chains thousands long (70 s
	 * instead of 1.5 s, one run in three).
	 */
	while (buckets < host->nr_pages && buckets < PAGECACHE_MAX_BUCKETS)
		buckets <<= 1;
	mapping->host = host;
	mapping->i_pages = cds_lfht_new(buckets, 64, PAGECACHE_MAX_BUCKETS,
					CDS_LFHT_AUTO_RESIZE, NULL);
	if (!mapping->i_pages)
		return -ENOMEM;
	spin_lock_init_named(&mapping->i_pages_lock, "mapping->i_pages_lock", LOCK_RANK_LRU);
	init_rwsem_named(&mapping->i_mmap_rwsem, "mapping->i_mmap_rwsem", LOCK_RANK_I_MMAP);
	INIT_LIST_HEAD(&mapping->i_mmap);
	atomic_long_set(&mapping->nrpages, 0);
	return 0;
}

/**
 * filemap_get_folio - the folio at @index, with a reference
 * @mapping: the page cache
 * @index: the page index
 *
 * Context: any; takes no lock.
 * Return: the folio, or NULL if the index is not cached.
 */
struct folio *filemap_get_folio(struct address_space *mapping, pgoff_t index)
{
	struct pagecache_node *pcn;
	struct folio *folio = NULL;

repeat:
	/* A lookup races with migration's freeze; never inside the RCU section. */
	sched_point(SP_RACE);
	rcu_read_lock();
	pcn = pagecache_lookup_node(mapping, index);
	if (pcn) {
		folio = smp_load_acquire(&pcn->folio);
		if (folio && !folio_try_get(folio)) {
			/* Frozen by migration: let it finish, look again. */
			rcu_read_unlock();
			sched_point(SP_YIELD);
			goto repeat;
		}
		if (folio && unlikely(folio != READ_ONCE(pcn->folio))) {
			folio_put(folio);
			rcu_read_unlock();
			goto repeat;
		}
	}
	rcu_read_unlock();
	return folio;
}

/**
 * filemap_add_folio - insert a new folio into the page cache
 * @mapping: the page cache
 * @folio: a locked-or-private new folio the caller holds a reference on
 * @index: where
 *
 * The cache takes its own references (one per page).
 *
 * Return: 0, -EEXIST if another folio got there first, -ENOMEM.
 */
int filemap_add_folio(struct address_space *mapping, struct folio *folio, pgoff_t index)
{
	struct pagecache_node *pcn = calloc(1, sizeof(*pcn));
	struct cds_lfht_node *ret;
	long nr = folio_nr_pages(folio);

	if (!pcn)
		return -ENOMEM;
	pcn->index = index;
	pcn->folio = folio;
	cds_lfht_node_init(&pcn->node);

	WRITE_ONCE(folio->mapping, mapping);
	WRITE_ONCE(folio->index, index);
	atomic_add((int)nr, &folio->_refcount);

	spin_lock(&mapping->i_pages_lock);
	rcu_read_lock();
	ret = cds_lfht_add_unique(mapping->i_pages, index_hash(index), index_match,
				  &index, &pcn->node);
	rcu_read_unlock();
	if (ret != &pcn->node) {
		spin_unlock(&mapping->i_pages_lock);
		atomic_sub((int)nr, &folio->_refcount);
		WRITE_ONCE(folio->mapping, NULL);
		free(pcn);
		return -EEXIST;
	}
	atomic_long_add(nr, &mapping->nrpages);
	mod_node_page_state(folio_pgdat(folio), NR_FILE_PAGES, nr);
	spin_unlock(&mapping->i_pages_lock);
	return 0;
}

/**
 * filemap_replace_folio - migration: point @index at @dst instead of @src
 * @mapping: the page cache
 * @src: the cached folio; its refcount must be exactly @expected
 * @dst: the replacement, which gets the cache's references
 * @expected: the references @src must have (cache + mappings + isolation)
 *
 * Return: 0, or -EAGAIN if someone else holds a reference right now.
 */
int filemap_replace_folio(struct address_space *mapping, struct folio *src,
			  struct folio *dst, int expected)
{
	long nr = folio_nr_pages(src);
	struct pagecache_node *pcn;

	spin_lock(&mapping->i_pages_lock);
	rcu_read_lock();
	pcn = pagecache_lookup_node(mapping, src->index);
	rcu_read_unlock();
	if (!pcn || READ_ONCE(pcn->folio) != src) {
		spin_unlock(&mapping->i_pages_lock);
		explain_fail(src, -EAGAIN, EXPLAIN_CACHE_GONE, 0, 0);
		return -EAGAIN;
	}
	/* Freeze: lookups that race see zero and retry. */
	if (atomic_cmpxchg(&src->_refcount, expected, 0) != expected) {
		spin_unlock(&mapping->i_pages_lock);
		explain_fail(src, -EAGAIN, EXPLAIN_EXTRA_REFS,
			     folio_ref_count(src), expected);
		return -EAGAIN;
	}
	WRITE_ONCE(dst->index, src->index);
	WRITE_ONCE(dst->mapping, mapping);
	atomic_add((int)nr, &dst->_refcount);
	if (folio_test_dirty(src))
		folio_set_dirty(dst);
	smp_store_release(&pcn->folio, dst);
	/* Unfreeze, minus the cache's references that moved to dst. */
	atomic_set(&src->_refcount, expected - (int)nr);
	spin_unlock(&mapping->i_pages_lock);
	return 0;
}

/**
 * filemap_split_folio - the page cache's part in splitting a large folio
 * @mapping: the page cache @folio is in
 * @folio: a large cached folio, locked, unmapped, its refcount @expected
 * @expected: the references @folio has: the cache's, one per page, plus
 *	the caller's one
 * @split: takes the folio, frozen at refcount zero, apart into order-0
 *	folios, each with the caller's one reference, onto the list it gets
 * @pieces: that list; the pieces are on it when this returns 0
 *
 * Under the cache lock: freezes @folio's refcount, calls @split, and
 * gives each piece its own slot at its index and the cache's reference.
 * A lookup that races sees the frozen count, or the slot still naming
 * the (now small) first piece, and retries or gets that piece.
 *
 * Return: 0; -EAGAIN if someone else holds a reference; -ENOMEM if the
 * slots could not be had (nothing changed on either error).
 */
int filemap_split_folio(struct address_space *mapping, struct folio *folio,
			int expected, void (*split)(struct folio *, struct list_head *),
			struct list_head *pieces)
{
	long i, nr = folio_nr_pages(folio);
	pgoff_t index = READ_ONCE(folio->index);
	struct pagecache_node **pcn;
	struct folio *piece;

	pcn = calloc((size_t)nr, sizeof(*pcn));
	if (!pcn)
		return -ENOMEM;
	for (i = 1; i < nr; i++) {
		pcn[i] = calloc(1, sizeof(**pcn));
		if (!pcn[i])
			goto nomem;
	}
	spin_lock(&mapping->i_pages_lock);
	if (atomic_cmpxchg(&folio->_refcount, expected, 0) != expected) {
		spin_unlock(&mapping->i_pages_lock);
		for (i = 1; i < nr; i++)
			free(pcn[i]);
		free(pcn);
		return -EAGAIN;
	}
	split(folio, pieces);
	list_for_each_entry(piece, pieces, lru) {
		struct cds_lfht_node *ret;

		/* The caller's reference, and now the cache's. */
		folio_get(piece);
		i = (long)(READ_ONCE(piece->index) - index);
		if (!i)
			continue;	/* keeps the large folio's slot */
		pcn[i]->index = index + (pgoff_t)i;
		pcn[i]->folio = piece;
		cds_lfht_node_init(&pcn[i]->node);
		rcu_read_lock();
		ret = cds_lfht_add_unique(mapping->i_pages, index_hash(pcn[i]->index),
					  index_match, &pcn[i]->index, &pcn[i]->node);
		rcu_read_unlock();
		/* The large folio covered these indexes: nobody else can. */
		VM_WARN_ON_ONCE(ret != &pcn[i]->node);
		pcn[i] = NULL;
	}
	spin_unlock(&mapping->i_pages_lock);
	free(pcn);
	return 0;

nomem:
	while (--i > 0)
		free(pcn[i]);
	free(pcn);
	return -ENOMEM;
}

/**
 * filemap_remove_folio - take a folio out of the page cache
 * @mapping: the page cache
 * @folio: a cached folio; nothing may map it
 *
 * Drops the cache's references.
 *
 * Context: file teardown only -- no lookup may run concurrently (the
 * node is freed at once, not after a grace period; kernel truncation
 * would need call_rcu() here).
 */
void filemap_remove_folio(struct address_space *mapping, struct folio *folio)
{
	long nr = folio_nr_pages(folio);
	struct pagecache_node *pcn;

	spin_lock(&mapping->i_pages_lock);
	rcu_read_lock();
	pcn = pagecache_lookup_node(mapping, folio->index);
	if (pcn && READ_ONCE(pcn->folio) == folio)
		cds_lfht_del(mapping->i_pages, &pcn->node);
	else
		pcn = NULL;
	rcu_read_unlock();
	if (pcn) {
		atomic_long_sub(nr, &mapping->nrpages);
		mod_node_page_state(folio_pgdat(folio), NR_FILE_PAGES, -nr);
	}
	spin_unlock(&mapping->i_pages_lock);
	if (!pcn)
		return;
	free(pcn);
	/* Truncation invalidates the file system's data, dirty or not. */
	folio_detach_private(folio);
	WRITE_ONCE(folio->mapping, NULL);
	while (nr--)
		folio_put(folio);
}

/**
 * folio_attach_private - hang the file system's data on a cached folio
 * @folio: a page-cache folio that has none
 * @data: its buffers (struct folio_buffers); folios may share one
 *
 * The data pins the folio, as buffer heads do: one reference, and
 * PG_private to say it is there, both counted by
 * folio_expected_ref_count().
 */
void folio_attach_private(struct folio *folio, struct folio_buffers *data)
{
	VM_BUG_ON_FOLIO(folio_test_private(folio), folio);
	folio_get(folio);
	folio->private = data;
	folio_set_private(folio);
}

/**
 * folio_buffers_referenced - does anyone hold the folio's buffers?
 * @folio: a locked page-cache folio
 *
 * kernel 6.18: __buffer_migrate_folio(check_refs): a buffer with a
 * reference count may be read or written through it at any time, so its
 * folio cannot be replaced.
 *
 * Return: true if the folio has buffers and their count is not 0.
 */
bool folio_buffers_referenced(const struct folio *folio)
{
	const struct folio_buffers *bufs = folio->private;

	return folio_test_private(folio) && bufs &&
	       atomic_read(&bufs->b_count) > 0;
}

/**
 * folio_detach_private - take the file system's data off a folio
 * @folio: the folio
 *
 * Return: the data, or NULL if it had none.  The reference the data held
 * is dropped; the caller must hold another.
 */
void *folio_detach_private(struct folio *folio)
{
	void *data = folio->private;

	if (!folio_test_private(folio))
		return NULL;
	folio_clear_private(folio);
	folio->private = NULL;
	folio_put(folio);
	return data;
}

/**
 * filemap_release_folio - ask the file system to let go of a folio's data
 * @folio: a locked page-cache folio
 *
 * A folio is split, and a page cache folio without a migrate callback is
 * migrated, only once its fs-private data is gone.
 *
 * kernel 6.18: filemap_release_folio: try_to_free_buffers() refuses while
 * a buffer is dirty or under I/O, and a dirty folio's buffers are dirty,
 * so a dirty or writeback folio keeps its data and cannot be split.
 *
 * Return: true if @folio has no fs-private data (any more).
 */
bool filemap_release_folio(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!folio_test_private(folio))
		return true;
	if (folio_test_writeback(folio) || folio_test_dirty(folio))
		return false;
	folio_detach_private(folio);
	return true;
}

/**
 * mapping_destroy - drop every cached folio and the table
 * @mapping: a page cache nobody maps or looks up any more
 */
void mapping_destroy(struct address_space *mapping)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	pgoff_t index;

	/*
	 * By index first: each lookup is O(1), where restarting from
	 * cds_lfht_first() after every removal walks past every bucket
	 * the emptied table still has -- quadratic, a minute for 16k pages.
	 * Every cached index is below the file's size (do_mmap() checks).
	 */
	for (index = 0; index < mapping->host->nr_pages; index++) {
		struct pagecache_node *pcn;
		struct folio *folio;

		rcu_read_lock();
		pcn = pagecache_lookup_node(mapping, index);
		folio = pcn ? READ_ONCE(pcn->folio) : NULL;
		rcu_read_unlock();
		if (folio)
			filemap_remove_folio(mapping, folio);
	}
	/* Anything left; an emptied table's first node is a long walk. */
	while (atomic_long_read(&mapping->nrpages) > 0) {
		struct folio *folio = NULL;

		rcu_read_lock();
		cds_lfht_first(mapping->i_pages, &iter);
		node = cds_lfht_iter_get_node(&iter);
		if (node)
			folio = READ_ONCE(container_of(node, struct pagecache_node, node)->folio);
		rcu_read_unlock();
		if (!node)
			break;
		filemap_remove_folio(mapping, folio);
	}
	cds_lfht_destroy(mapping->i_pages, NULL);
	mapping->i_pages = NULL;
}
