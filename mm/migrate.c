// SPDX-License-Identifier: GPL-2.0
/*
 * The migration core: migrate_pages() and the movable_ops page path.
 *
 * Isolators (compaction, contiguous allocation, memory offlining, soft
 * offline) collect pages on a private list through page->lru and hand the
 * list to migrate_pages().  It works in batches of up to 512 pages: first
 * every page of a batch is "unmapped" (allocated a destination, locked,
 * and for folios unmapped from page tables), then every pair is "moved".
 * In non-async modes a failed batch is retried page by page.
 *
 * movable_ops pages (balloon and zsmalloc pages) travel the same path but
 * are never unmapped: their owner's migrate_page() callback does the whole
 * move.  They are recognised by page type plus PG_movable_ops and their
 * callbacks are looked up by page type in the two slots of
 * set_movable_ops(); page->mapping is not used for them at all.  Two
 * cores, by machine option: the 6.17 core still treats them as folios
 * for the reference and the page lock; the decoupled core (the default)
 * takes neither, and the owner serialises isolation on
 * PG_movable_ops_isolated.  The 6.17 core links them through page->lru
 * like folios and clears dst->private between its phases; the decoupled
 * core carries them in a struct movable_ops_batch beside the folio list
 * and moves them in a loop of its own (migrate_movable_ops_batch()),
 * touching neither word (Documentation/movable_ops.md).
 *
 * Folios (anonymous and page cache, on LRU lists) are unmapped through
 * rmap into migration entries, copied, switched over in their mapping
 * (page cache slot or anon_vma) once their reference count proves nobody
 * else holds them, put on an LRU list and mapped again.
 *
 * PG_movable_ops_isolated: in the 6.17 core the core's, set here after a
 * successful isolate_page() and cleared after putback or a successful
 * move; in the decoupled core the owner's, claimed and cleared under the
 * owner's lock in those callbacks.
 *
 * Kernel version followed: 6.17 with the set_movable_ops() registration
 * fix, plus two 6.18 changes (also in 6.17.6).  Success is plain 0 and so
 * is "unmapped, ready to move" (kernel 6.18: MIGRATEPAGE_SUCCESS and
 * MIGRATEPAGE_UNMAP are gone).  The "freed under us" shortcut runs in
 * migrate_pages_batch() and for folios only: an isolated movable_ops page
 * always reaches its owner's migrate_page(), which reports a page it
 * released meanwhile as moved.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/explain.h>
#include <pagemig/mm.h>
#include <pagemig/migrate.h>
#include <pagemig/vmstat.h>
#include <pagemig/trace/events/migrate.h>
#include "internal.h"

const char * const migrate_reason_names[MR_TYPES] = {
	"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
	"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
	"demotion", "damon",
};

/* The 6.17 core (false) or the decoupled one: see mm/facade.h. */
bool movable_ops_decoupled;

#if IS_ENABLED(CONFIG_DEBUG_VM)
/* Set while this thread runs the decoupled movable_ops core path. */
__thread bool in_movable_ops_core;
/*
 * Folio habits on the decoupled movable_ops path: a folio reference or
 * page-lock call on a movable_ops page, a movable_ops page linked on a
 * migration list through lru, a destination's ->private written by the
 * core.  Each is a bug; tests expect the count to stay 0.
 */
atomic_long_t movable_ops_folio_calls;

/*
 * Count one folio habit on the decoupled path, and warn (once).
 * kernel: no such check (there is no decoupled path).
 */
static void movable_ops_core_bug(void)
{
	atomic_long_inc(&movable_ops_folio_calls);
	WARN_ON_ONCE(1);
}

/**
 * movable_ops_folio_call - count a folio call on the decoupled path
 * @page: the page a folio reference or page-lock helper was called on
 *
 * Only movable_ops pages count: the path also handles the destination
 * while it is still a plain page.  Each count is a bug, and warns.
 */
void movable_ops_folio_call(const struct page *page)
{
	if (!page_has_movable_ops((struct page *)page))
		return;
	movable_ops_core_bug();
}

/* The core writes a destination's ->private: never on the decoupled path. */
static void check_dst_private_write(void)
{
	if (unlikely(in_movable_ops_core))
		movable_ops_core_bug();
}

static void mops_core_enter(void)
{
	in_movable_ops_core = true;
}

static void mops_core_exit(void)
{
	in_movable_ops_core = false;
}
#else
static void movable_ops_core_bug(void)
{
	WARN_ON_ONCE(1);
}

static void check_dst_private_write(void) { }
static void mops_core_enter(void) { }
static void mops_core_exit(void) { }
#endif

/*
 * A movable_ops page found on a migration list through lru.  The
 * decoupled core carries such pages in a struct movable_ops_batch only,
 * so this is a caller's bug: warn (DEBUG_VM: count it in
 * movable_ops_folio_calls), and let the caller fail the page.
 */
static bool mops_on_lru_list(struct page *page)
{
	if (!movable_ops_decoupled || !page_has_movable_ops(page))
		return false;
	movable_ops_core_bug();
	return true;
}

/* ------------------------------------------------------------------ */
/* movable_ops registration and lookup */

static const struct movable_operations *offline_movable_ops;
static const struct movable_operations *zsmalloc_movable_ops;

/**
 * set_movable_ops - register (or unregister) the callbacks of a page type
 * @ops: the callbacks, or NULL to unregister
 * @type: PGTY_offline (balloon) or PGTY_zsmalloc
 *
 * Only these two types can have movable_ops pages.  Concurrent
 * registration of one type is not supported, as in the kernel.
 *
 * Return: 0; -EBUSY if @ops is non-NULL and the slot is taken; -EINVAL
 * for any other type.
 */
int set_movable_ops(const struct movable_operations *ops, enum pagetype type)
{
	const struct movable_operations **slot;

	switch (type) {
	case PGTY_offline:
		slot = &offline_movable_ops;
		break;
	case PGTY_zsmalloc:
		slot = &zsmalloc_movable_ops;
		break;
	default:
		return -EINVAL;
	}
	if (ops && READ_ONCE(*slot))
		return -EBUSY;
	WRITE_ONCE(*slot, ops);
	return 0;
}

/*
 * The callbacks of a movable_ops page, by its type.  The type is sticky
 * until the page is freed, so the answer cannot change while we hold a
 * reference.  NULL when the owner's slot is empty (unregistered).
 */
static const struct movable_operations *page_movable_ops(struct page *page)
{
	VM_WARN_ON_ONCE_PAGE(!page_has_movable_ops(page), page);
	/* Only the balloon marks PageOffline pages movable. */
	if (PageOffline(page))
		return READ_ONCE(offline_movable_ops);
	if (PageZsmalloc(page))
		return READ_ONCE(zsmalloc_movable_ops);
	return NULL;
}


/* ------------------------------------------------------------------ */
/* Isolation and putback */

/*
 * The decoupled core: no reference, no page lock.  The page may be freed
 * and reused while we look at it, so the lockless check is only a hint;
 * the owner's isolate_page() decides under its own lock whether the page
 * is still its own, and claims it with TestSetPageMovableOpsIsolated().
 * From then on the owner keeps the page from being freed until putback
 * or migration ends the isolation.
 */
static bool isolate_movable_ops_page_decoupled(struct page *page,
					       isolate_mode_t mode)
{
	const struct movable_operations *mops;
	bool isolated = false;

	if (!page_has_movable_ops(page) || PageMovableOpsIsolated(page))
		return false;
	mops_core_enter();
	debug_yield();
	/*
	 * Holding nothing, the page may have been freed since: no type, no
	 * owner, nothing to isolate.  A type with no owner registered is
	 * the caller's bug, as in the 6.17 core.
	 */
	if (PageOffline(page))
		mops = READ_ONCE(offline_movable_ops);
	else if (PageZsmalloc(page))
		mops = READ_ONCE(zsmalloc_movable_ops);
	else
		goto out;
	if (WARN_ON_ONCE(!mops) || should_fail(FAULT_MOPS_ISOLATE))
		goto out;
	isolated = mops->isolate_page(page, mode);
	VM_WARN_ON_ONCE_PAGE(isolated && !PageMovableOpsIsolated(page), page);
out:
	mops_core_exit();
	return isolated;
}

/**
 * isolate_movable_ops_page - isolate a movable_ops page for migration
 * @page: the page
 * @mode: isolation mode passed to the owner
 *
 * Fails if @page is not a movable_ops page, is already isolated, or was
 * released by its owner.  Once isolated, the page cannot be freed until
 * it is put back or migrated: in the 6.17 core by the isolation reference
 * taken here, in the decoupled core by the owner.  The caller then puts
 * the page on its list (6.17 core) or in its movable_ops batch
 * (decoupled): isolate_movable_ops_page_to() does both.
 *
 * Context: does not sleep (trylock only).
 * Return: true if the page was isolated.
 */
bool isolate_movable_ops_page(struct page *page, isolate_mode_t mode)
{
	const struct movable_operations *mops;
	struct folio *folio;

	if (movable_ops_decoupled)
		return isolate_movable_ops_page_decoupled(page, mode);

	/* 6.17 core: a reference and the page lock, which decoupled drops. */
	folio = folio_get_nontail_page(page);

	/* Free, or just being freed: nothing to isolate. */
	if (!folio)
		goto out;

	/*
	 * Look at the type and flag before touching the lock bit: the
	 * owner of a freshly allocated page may still be setting its flags
	 * non-atomically, and an atomic trylock racing with that could lose
	 * its bits.  Once true, page_has_movable_ops() stays true until the
	 * page is freed, and our reference keeps it from being freed.
	 */
	if (unlikely(!page_has_movable_ops(page)))
		goto out_putfolio;

	debug_yield();
	if (unlikely(!folio_trylock(folio)))
		goto out_putfolio;

	VM_WARN_ON_ONCE_PAGE(!page_has_movable_ops(page), page);
	/* Two isolators raced and the other one won. */
	if (PageMovableOpsIsolated(page))
		goto out_no_isolated;

	mops = page_movable_ops(page);
	/* kernel before the series: BUG; now a warning and a refusal. */
	if (WARN_ON_ONCE(!mops))
		goto out_no_isolated;

	if (should_fail(FAULT_MOPS_ISOLATE) || !mops->isolate_page(page, mode))
		goto out_no_isolated;

	/* The flag is the core's; an owner must never set it. */
	VM_WARN_ON_ONCE_PAGE(PageMovableOpsIsolated(page), page);
	SetPageMovableOpsIsolated(page);
	folio_unlock(folio);
	return true;

out_no_isolated:
	folio_unlock(folio);
out_putfolio:
	folio_put(folio);
out:
	return false;
}

/*
 * Un-isolate a movable_ops page: the owner takes it back, the isolated
 * flag goes, and the isolation reference is dropped (which may free the
 * page).  The page lock may sleep.
 */
static void putback_movable_ops_page(struct page *page)
{
	struct folio *folio = page_folio(page);
	const struct movable_operations *mops;

	VM_WARN_ON_ONCE_PAGE(!page_has_movable_ops(page), page);
	VM_WARN_ON_ONCE_PAGE(!PageMovableOpsIsolated(page), page);
	if (movable_ops_decoupled) {
		/*
		 * The owner clears the flag under its lock, then may free the
		 * page (one it released while isolated): that put is the
		 * owner's business, outside the check, as in migration.
		 */
		mops_core_enter();
		mops = page_movable_ops(page);
		mops_core_exit();
		if (!WARN_ON_ONCE(!mops))
			mops->putback_page(page);
		else
			ClearPageMovableOpsIsolated(page);
		return;
	}
	/* 6.17 core: the page lock and the isolation reference. */
	folio_lock(folio);
	mops = page_movable_ops(page);
	/*
	 * kernel: the owner cannot be unregistered with pages isolated (a
	 * module holds them); a NULL here would oops.  We warn and drop
	 * the isolation instead, so the page is at least not leaked.
	 */
	if (!WARN_ON_ONCE(!mops))
		mops->putback_page(page);
	ClearPageMovableOpsIsolated(page);
	folio_unlock(folio);
	folio_put(folio);
}

/**
 * putback_movable_pages - return every page of a migration list
 * @l: the list; empty on return
 *
 * movable_ops pages (6.17 core) go back to their owners; folios go back
 * to their LRU list, undoing the NR_ISOLATED_* accounting of their
 * isolation.  In the decoupled core movable_ops pages come back through
 * putback_movable_ops_batch(); one found here is put back too, after a
 * warning.
 */
void putback_movable_pages(struct list_head *l)
{
	struct folio *folio, *folio2;

	list_for_each_entry_safe(folio, folio2, l, lru) {
		list_del(&folio->lru);
		if (unlikely(page_has_movable_ops(&folio->page))) {
			mops_on_lru_list(&folio->page);
			putback_movable_ops_page(&folio->page);
			continue;
		}
		mod_node_page_state(folio_pgdat(folio),
				    NR_ISOLATED_ANON + folio_is_file_lru(folio),
				    -folio_nr_pages(folio));
		folio_putback_lru(folio);
	}
}

/**
 * putback_movable_ops_batch - return every page of a movable_ops batch
 * @batch: pages isolated by the decoupled core; empty on return
 *
 * Each page goes back to its owner, which ends its isolation.
 */
void putback_movable_ops_batch(struct movable_ops_batch *batch)
{
	unsigned int i;

	for (i = 0; i < batch->nr; i++)
		putback_movable_ops_page(batch->pages[i]);
	batch->nr = 0;
}

/**
 * isolate_movable_ops_page_to - isolate a movable_ops page for migration
 * @page: the page
 * @mode: isolation mode passed to the owner
 * @list: the folio list, where the 6.17 core puts the page (through lru)
 * @batch: where the decoupled core puts it
 *
 * The page goes first on @list or in @batch, so both cores migrate an
 * isolator's pages in the same order (the last isolated first, as the
 * kernel's list_add() has it).  A full @batch isolates nothing: the
 * caller migrates what it has first.
 *
 * Return: true if the page was isolated and is now on @list or in @batch.
 */
bool isolate_movable_ops_page_to(struct page *page, isolate_mode_t mode,
				 struct list_head *list,
				 struct movable_ops_batch *batch)
{
	if (movable_ops_decoupled) {
		if (!batch || movable_ops_batch_full(batch)) {
			/* Nowhere to put it but lru: a caller's bug. */
			WARN_ON_ONCE(!batch);
			return false;
		}
		if (!isolate_movable_ops_page(page, mode))
			return false;
		/* First, as list_add() puts it on @list in the 6.17 core. */
		/* kernel (to 2026): the caller list_add()s page->lru itself. */
		memmove(&batch->pages[1], &batch->pages[0],
			batch->nr * sizeof(*batch->pages));
		batch->pages[0] = page;
		batch->nr++;
		return true;
	}
	if (!isolate_movable_ops_page(page, mode))
		return false;
	list_add(&page->lru, list);
	return true;
}

/**
 * isolate_folio_for_migration - isolate @folio onto @list or into @batch
 * @folio: the folio; the caller holds a reference
 * @list: the migration list, for folios (and movable_ops pages in the
 *	6.17 core)
 * @batch: for movable_ops pages in the decoupled core; may be NULL if
 *	the caller knows @folio is not one
 *
 * movable_ops pages are isolated with ISOLATE_UNEVICTABLE and need no
 * NR_ISOLATED accounting; LRU folios are taken off their list and counted
 * in NR_ISOLATED_ANON/FILE.  Used by soft offline, long-term pinning and
 * the facade's single-page moves.
 *
 * Return: true if the folio is now on @list or in @batch.
 */
bool isolate_folio_for_migration(struct folio *folio, struct list_head *list,
				 struct movable_ops_batch *batch)
{
	if (page_has_movable_ops(&folio->page))
		return isolate_movable_ops_page_to(&folio->page,
						   ISOLATE_UNEVICTABLE, list,
						   batch);
	if (!folio_isolate_lru(folio))
		return false;
	mod_node_page_state(folio_pgdat(folio),
			    NR_ISOLATED_ANON + folio_is_file_lru(folio),
			    folio_nr_pages(folio));
	list_add(&folio->lru, list);
	return true;
}

/**
 * isolate_folio_to_list - isolate @folio and add it to @list
 * @folio: the folio; the caller holds a reference
 * @list: the migration list
 *
 * isolate_folio_for_migration() with no batch: for folios, and for
 * movable_ops pages in the 6.17 core only (the decoupled core refuses
 * them here, with a warning).
 *
 * Return: true if the folio is now on @list.
 */
bool isolate_folio_to_list(struct folio *folio, struct list_head *list)
{
	return isolate_folio_for_migration(folio, list, NULL);
}

/* ------------------------------------------------------------------ */
/* Moving one movable_ops page */

/*
 * Ask the owner to move @src to @dst.  Both are locked; @src is isolated.
 *
 * On success the owner has swapped @src for @dst and @src is no longer
 * isolated; the core still holds its references on both and drops them
 * in the common tail.  If the owner had released @src meanwhile it
 * reports success too (nothing to move), and the core is left as the
 * only owner of both pages.  On failure nothing changed hands and @src
 * stays isolated, to be retried or put back.
 *
 * 6.17 core: the caller locks and unlocks both pages as folios and drops
 * folio references on them.  Decoupled core: neither is locked, the core
 * holds no reference on @src, and its reference on @dst passes to the
 * owner on success; the owner clears PG_movable_ops_isolated on @src
 * itself (success) and may free @src before returning: the caller holds
 * @src in a batch slot, not through lru, and forgets it on success.
 */
static int migrate_movable_ops_page(struct page *dst, struct page *src,
				    enum migrate_mode mode)
{
	const struct movable_operations *mops;
	int rc;

	VM_WARN_ON_ONCE_PAGE(!page_has_movable_ops(src), src);
	VM_WARN_ON_ONCE_PAGE(!PageMovableOpsIsolated(src), src);

	if (should_fail(FAULT_MOPS_MIGRATE)) {
		explain_fail(page_folio(src), -EAGAIN, EXPLAIN_INJECTED,
			     FAULT_MOPS_MIGRATE, 0);
		return -EAGAIN;
	}
	if (should_fail(FAULT_MOPS_MIGRATE_PERM)) {
		explain_fail(page_folio(src), -EBUSY, EXPLAIN_INJECTED,
			     FAULT_MOPS_MIGRATE_PERM, 0);
		return -EBUSY;
	}
	mops = page_movable_ops(src);
	if (WARN_ON_ONCE(!mops)) {
		explain_fail(page_folio(src), -EBUSY, EXPLAIN_OWNER_GONE, 0, 0);
		return -EBUSY;
	}
	debug_yield();
	/*
	 * The owner's callback may free @src (its last reference, in the
	 * decoupled core): that is the owner's business, outside the check.
	 * A refusal is noted before that could happen.
	 */
	mops_core_exit();
	rc = mops->migrate_page(dst, src, mode);
	if (rc)
		explain_fail(page_folio(src), rc, EXPLAIN_OWNER_REFUSED, 0, 0);
	if (movable_ops_decoupled) {
		mops_core_enter();
		/* The owner ended the isolation itself; @src may be gone. */
		return rc;
	}
	if (!rc)
		ClearPageMovableOpsIsolated(src);
	return rc;
}

/* ------------------------------------------------------------------ */
/* migrate_pages() */

struct migrate_pages_stats {
	int nr_succeeded;	/* pages migrated, released-while-isolated included */
	int nr_failed_pages;	/* pages that failed */
	int nr_thp_succeeded;
	int nr_thp_failed;
	int nr_thp_split;
	int nr_split;
};

/* State stashed in dst->private between the unmap and move phases. */
#define PAGE_WAS_MAPPED		BIT(0)
#define PAGE_WAS_MLOCKED	BIT(1)

#define PAGE_OLD_STATES	(PAGE_WAS_MAPPED | PAGE_WAS_MLOCKED)

static void __migrate_folio_record(struct folio *dst, int old_page_state,
				   struct anon_vma *anon_vma)
{
	check_dst_private_write();
	WRITE_ONCE(dst->private, (void *)((unsigned long)anon_vma | (unsigned long)old_page_state));
}

static int __migrate_folio_extract(struct folio *dst, struct anon_vma **anon_vmap)
{
	unsigned long private = (unsigned long)READ_ONCE(dst->private);

	*anon_vmap = (struct anon_vma *)(private & ~PAGE_OLD_STATES);
	check_dst_private_write();
	WRITE_ONCE(dst->private, NULL);
	return (int)(private & PAGE_OLD_STATES);
}

/*
 * Done with a source page: movable_ops pages were never counted in
 * NR_ISOLATED_*; memory-failure keeps its reference for the poison
 * handling.  Otherwise drop the isolation reference (usually freeing src).
 */
static void migrate_folio_done(struct folio *src, enum migrate_reason reason)
{
	if (likely(!page_has_movable_ops(&src->page)) && reason != MR_DEMOTION)
		mod_node_page_state(folio_pgdat(src),
				    NR_ISOLATED_ANON + folio_is_file_lru(src),
				    -folio_nr_pages(src));
	if (reason != MR_MEMORY_FAILURE)
		folio_put(src);
}

/*
 * Undo the unmap phase for src: map it back where migration entries
 * point at it, unlock, drop the anon_vma hold; @ret gets it unless it is
 * to be retried.
 */
static void migrate_folio_undo_src(struct folio *src, bool page_was_mapped,
				   struct anon_vma *anon_vma, bool locked,
				   struct list_head *ret)
{
	if (page_was_mapped)
		remove_migration_ptes(src, src);
	if (locked)
		folio_unlock(src);
	if (anon_vma)
		put_anon_vma(anon_vma);
	if (ret)
		list_move_tail(&src->lru, ret);
}

static void migrate_folio_undo_dst(struct folio *dst, bool locked,
				   free_folio_t put_new_folio,
				   unsigned long private)
{
	if (locked)
		folio_unlock(dst);
	if (put_new_folio)
		put_new_folio(dst, private);
	else
		folio_put(dst);
}

/* ------------------------------------------------------------------ */
/* Moving one folio */

/*
 * The point of no return for a folio: check that nobody but us holds a
 * reference (page cache + page tables + our isolation reference), then
 * hand the page cache slot -- or, for anonymous memory, the anon_vma
 * and index -- over to @dst.  Fails with -EAGAIN while someone else holds
 * a reference (a GUP pin, a concurrent lookup).
 */
static int folio_migrate_mapping(struct address_space *mapping,
				 struct folio *dst, struct folio *src)
{
	int expected = folio_expected_ref_count(src) + 1;

	if (!mapping) {
		if (folio_ref_count(src) != expected) {
			explain_fail(src, -EAGAIN, EXPLAIN_EXTRA_REFS,
				     folio_ref_count(src), expected);
			return -EAGAIN;
		}
		WRITE_ONCE(dst->index, READ_ONCE(src->index));
		WRITE_ONCE(dst->mapping, READ_ONCE(src->mapping));
		if (folio_test_swapbacked(src))
			__folio_set_swapbacked(dst);
		return 0;
	}
	return filemap_replace_folio(mapping, src, dst, expected);
}

/* Carry the state flags over; src keeps none that describe its use. */
static void folio_migrate_flags(struct folio *dst, struct folio *src)
{
	if (folio_test_referenced(src))
		folio_set_referenced(dst);
	if (folio_test_uptodate(src))
		folio_mark_uptodate(dst);
	if (folio_test_clear_active(src))
		folio_set_active(dst);
	else if (folio_test_clear_unevictable(src))
		folio_set_unevictable(dst);
	if (folio_test_workingset(src))
		folio_set_workingset(dst);
	if (folio_test_dirty(src))
		folio_set_dirty(dst);
	if (folio_test_young(src))
		folio_set_young(dst);
	if (folio_test_idle(src))
		folio_set_idle(dst);
}

/*
 * kernel: migrate_folio() for anonymous folios and most file systems.
 * Copy first -- the copy can be redone if the mapping step says -EAGAIN
 * -- then switch the mapping, then the flags.
 */
static int migrate_folio(struct address_space *mapping, struct folio *dst,
			 struct folio *src, enum migrate_mode mode)
{
	int rc;

	if (should_fail(FAULT_MIGRATE_MOVE)) {
		explain_fail(src, -EAGAIN, EXPLAIN_INJECTED, FAULT_MIGRATE_MOVE, 0);
		return -EAGAIN;
	}
	/*
	 * kernel 6.18: buffer_migrate_folio_norefs(), a block device's
	 * migrate_folio: a buffer somebody holds keeps its folio where it
	 * is, -EAGAIN on every try while the reference lasts.
	 */
	if (folio_buffers_referenced(src)) {
		explain_fail(src, -EAGAIN, EXPLAIN_BUFFERS_HELD, 0, 0);
		return -EAGAIN;
	}
	memcpy(folio_address(dst), folio_address(src), folio_size(src));
	rc = folio_migrate_mapping(mapping, dst, src);
	if (rc)
		return rc;
	folio_migrate_flags(dst, src);
	/*
	 * kernel 6.18: __buffer_migrate_folio: the file system's data moves to the new folio.
	 */
	if (folio_test_private(src))
		folio_attach_private(dst, folio_detach_private(src));
	if (folio_test_ksm(src))
		folio_migrate_ksm(dst, src);
	return 0;
}

/* Folios only: movable_ops pages take migrate_movable_ops_page(). */
static int move_to_new_folio(struct folio *dst, struct folio *src,
			     enum migrate_mode mode)
{
	struct address_space *mapping = folio_mapping(src);
	int rc;

	VM_BUG_ON_FOLIO(!folio_test_locked(src), src);
	VM_BUG_ON_FOLIO(!folio_test_locked(dst), dst);
	rc = migrate_folio(mapping, dst, src, mode);
	/* A file folio is out of the page cache now; anon keeps its anon_vma. */
	if (!rc && !folio_test_anon(src))
		WRITE_ONCE(src->mapping, NULL);
	return rc;
}

/*
 * Phase 1 for one page.  Returns 0 if src and *dstp are locked and ready
 * to move, -EAGAIN to retry in the next pass, -ENOMEM if no destination
 * could be had (src stays on the list), or another error (src moved to
 * @ret).  kernel 6.18: 0 here was MIGRATEPAGE_UNMAP, and the "freed under
 * us" case moved out to migrate_pages_batch().
 */
static int migrate_folio_unmap(new_folio_t get_new_folio,
			       free_folio_t put_new_folio, unsigned long private,
			       struct folio *src, struct folio **dstp,
			       enum migrate_mode mode, enum migrate_reason reason,
			       struct list_head *ret)
{
	struct anon_vma *anon_vma = NULL;
	bool locked = false, dst_locked = false;
	int old_page_state = 0, rc = -EAGAIN;
	struct folio *dst;

	if (should_fail(FAULT_MIGRATE_ALLOC)) {
		explain_fail(src, -ENOMEM, EXPLAIN_INJECTED, FAULT_MIGRATE_ALLOC, 0);
		return -ENOMEM;
	}
	dst = get_new_folio(src, private);
	if (!dst) {
		explain_fail(src, -ENOMEM, EXPLAIN_NO_TARGET, 0, 0);
		return -ENOMEM;
	}
	*dstp = dst;
	check_dst_private_write();
	WRITE_ONCE(dst->private, NULL);

	if (!folio_trylock(src)) {
		explain_fail(src, rc, EXPLAIN_SRC_LOCKED, 0, 0);
		if (mode == MIGRATE_ASYNC)
			goto out;
		/* Direct compaction must not sleep on a page lock. */
		if (current_pf_flags & PF_MEMALLOC)
			goto out;
		/*
		 * SYNC_LIGHT waits for transient locks only, judged by
		 * "uptodate".  movable_ops pages test uptodate through the
		 * PG_movable_ops alias, so they are waited for -- a side
		 * effect of the series that we keep.
		 */
		if (mode == MIGRATE_SYNC_LIGHT && !folio_test_uptodate(src))
			goto out;
		folio_lock(src);
	}
	locked = true;
	if (folio_test_mlocked(src))
		old_page_state |= PAGE_WAS_MLOCKED;

	/*
	 * Hold the anon_vma: the process may exit while its folio is
	 * unmapped, and remove_migration_ptes() still walks it.  A folio
	 * that is no longer mapped needs none -- and its process may be
	 * gone, its anon_vma with it (kernel 6.18: migrate_folio_unmap()
	 * takes it through folio_get_anon_vma()).
	 */
	if (folio_test_anon(src) && !folio_test_ksm(src))
		anon_vma = folio_get_anon_vma(src);

	/*
	 * The destination is fresh and nobody else should know it, but a
	 * PFN scanner may have a speculative reference and the lock: back
	 * off rather than wait.
	 */
	if (unlikely(!folio_trylock(dst))) {
		explain_fail(src, rc, EXPLAIN_DST_LOCKED, 0, 0);
		goto out;
	}
	dst_locked = true;

	if (unlikely(page_has_movable_ops(&src->page))) {
		/* Never mapped into page tables: nothing to unmap. */
		__migrate_folio_record(dst, old_page_state, anon_vma);
		return 0;
	}

	if (folio_mapped(src)) {
		/* Replace every mapping by a migration entry. */
		try_to_migrate(src);
		old_page_state |= PAGE_WAS_MAPPED;
	}
	if (!folio_mapped(src)) {
		__migrate_folio_record(dst, old_page_state, anon_vma);
		return 0;
	}
	/* A mapping survived (or came back): retry later. */
	explain_fail(src, rc, EXPLAIN_STILL_MAPPED, 0, 0);
out:
	/* On -EAGAIN src stays on the from list for the next pass. */
	if (rc == -EAGAIN)
		ret = NULL;
	migrate_folio_undo_src(src, old_page_state & PAGE_WAS_MAPPED, anon_vma,
			       locked, ret);
	migrate_folio_undo_dst(dst, dst_locked, put_new_folio, private);
	return rc;
}

/*
 * Phase 2 for one unmapped pair.  0: src migrated (and released);
 * -EAGAIN: both stay ready for the next pass; other errors: src goes to
 * @ret, still isolated (and mapped again), and dst is released.
 */
static int migrate_folio_move(free_folio_t put_new_folio, unsigned long private,
			      struct folio *src, struct folio *dst,
			      enum migrate_mode mode, enum migrate_reason reason,
			      struct list_head *ret)
{
	struct anon_vma *anon_vma;
	int old_page_state = __migrate_folio_extract(dst, &anon_vma);
	struct list_head *prev = dst->lru.prev;
	int rc;

	list_del(&dst->lru);

	if (unlikely(page_has_movable_ops(&src->page))) {
		rc = migrate_movable_ops_page(&dst->page, &src->page, mode);
		if (rc)
			goto out;
		goto out_unlock_both;
	}

	/*
	 * Locked and unmapped since phase 1: a fault maps a folio only
	 * under its lock.  A mapping here would survive the move on the
	 * old folio, the reference check counting it as expected.
	 */
	VM_WARN_ON_ONCE_FOLIO(folio_mapped(src), src);
	rc = move_to_new_folio(dst, src, mode);
	if (rc)
		goto out;
	/* Back on an LRU list before anyone can map it. */
	folio_add_lru(dst);
	if (old_page_state & PAGE_WAS_MAPPED)
		remove_migration_ptes(src, dst);

out_unlock_both:
	explain_moved(src, dst);
	folio_unlock(dst);
	/*
	 * Drop the core's reference on dst: it survives on the owner's,
	 * the page tables' and the page cache's references.
	 */
	folio_put(dst);
	list_del(&src->lru);
	if (anon_vma)
		put_anon_vma(anon_vma);
	folio_unlock(src);
	migrate_folio_done(src, reason);
	return 0;

out:
	if (rc == -EAGAIN) {
		list_add(&dst->lru, prev);
		__migrate_folio_record(dst, old_page_state, anon_vma);
		return rc;
	}
	migrate_folio_undo_src(src, old_page_state & PAGE_WAS_MAPPED, anon_vma, true, ret);
	migrate_folio_undo_dst(dst, true, put_new_folio, private);
	return rc;
}

/*
 * Split a large folio that could not be migrated whole onto @split_folios.
 * Async migration must not sleep on the folio lock; the other modes may.
 */
static int try_split_folio(struct folio *folio, struct list_head *split_folios,
			   enum migrate_mode mode)
{
	struct folio *head = folio;
	int rc;

	if (mode == MIGRATE_ASYNC) {
		if (!folio_trylock(folio))
			return -EAGAIN;
	} else {
		folio_lock(folio);
	}
	rc = split_folio_to_list(folio, split_folios);
	folio_unlock(head);
	return rc;
}

/*
 * Migrate the folios on @from in batch: unmap them all, then move them
 * all, each phase for up to @nr_pass passes while some want a retry.
 * Permanent failures go to @ret_folios; pages still wanting a retry when
 * the passes run out stay on @from.
 *
 * Return: the number of folios that failed (retries included), or
 * -ENOMEM when a destination could not be allocated.
 */
static int migrate_pages_batch(struct list_head *from, new_folio_t get_new_folio,
			       free_folio_t put_new_folio, unsigned long private,
			       enum migrate_mode mode, int reason,
			       struct list_head *ret_folios,
			       struct list_head *split_folios,
			       struct migrate_pages_stats *stats, int nr_pass)
{
	int retry = 1, nr_failed = 0, nr_retry_pages = 0, pass, rc, rc_saved = 0;
	struct folio *folio, *folio2, *dst = NULL, *dst2;
	LIST_HEAD(unmap_folios);
	LIST_HEAD(dst_folios);

	VM_WARN_ON_ONCE(mode != MIGRATE_ASYNC && !list_empty(from) &&
			!list_is_singular(from));

	for (pass = 0; pass < nr_pass && retry; pass++) {
		retry = 0;
		nr_retry_pages = 0;

		list_for_each_entry_safe(folio, folio2, from, lru) {
			int nr_pages = (int)folio_nr_pages(folio);
			bool is_thp = folio_order(folio) == HPAGE_PMD_ORDER;

			cond_resched();
			/* Decoupled movable_ops pages come in a batch only. */
			if (unlikely(mops_on_lru_list(&folio->page))) {
				list_move_tail(&folio->lru, ret_folios);
				nr_failed++;
				stats->nr_failed_pages += nr_pages;
				continue;
			}
			/*
			 * Only our isolation reference is left: the folio
			 * was freed under us.  Count it as migrated.
			 * kernel 6.18: folios only -- a movable_ops page's
			 * owner may hold no reference while the page is
			 * isolated, so the count says nothing; the owner's
			 * migrate_page() sees that it released the page.
			 */
			if (likely(!page_has_movable_ops(&folio->page)) &&
			    folio_ref_count(folio) == 1) {
				explain_released(folio);
				folio_clear_active(folio);
				folio_clear_unevictable(folio);
				list_del(&folio->lru);
				migrate_folio_done(folio, reason);
				stats->nr_succeeded += nr_pages;
				stats->nr_thp_succeeded += is_thp;
				continue;
			}
			rc = migrate_folio_unmap(get_new_folio, put_new_folio,
						 private, folio, &dst, mode,
						 reason, ret_folios);
			switch (rc) {
			case -ENOMEM:
				/*
				 * The folio failed, whatever happens next: a
				 * split THP counts as one failure, and the
				 * pieces get one quick pass of their own.
				 */
				nr_failed++;
				stats->nr_thp_failed += is_thp;
				/*
				 * kernel 6.18: migrate_pages_batch: a large folio with no target is split, its pieces migrated later.
				 * Any large folio, not only a THP (try_split_folio()).
				 */
				if (folio_test_large(folio) && split_folios &&
				    !try_split_folio(folio, split_folios, mode)) {
					explain_split(folio);
					stats->nr_thp_split += is_thp;
					stats->nr_split++;
					break;
				}
				/*
				 * Memory is short: don't start on more pages,
				 * move what is already unmapped and stop.
				 */
				stats->nr_failed_pages += nr_pages + nr_retry_pages;
				rc_saved = rc;
				if (list_empty(&unmap_folios))
					goto out;
				goto move;
			case -EAGAIN:
				retry++;
				nr_retry_pages += nr_pages;
				break;
			case 0:
				list_move_tail(&folio->lru, &unmap_folios);
				list_add_tail(&dst->lru, &dst_folios);
				break;
			default:
				nr_failed++;
				stats->nr_failed_pages += nr_pages;
				stats->nr_thp_failed += is_thp;
				break;
			}
		}
	}
	nr_failed += retry;
	stats->nr_failed_pages += nr_retry_pages;
move:
	/* kernel: flush the TLBs of everything unmapped; PTE changes here are immediate. */
	retry = 1;
	for (pass = 0; pass < nr_pass && retry; pass++) {
		retry = 0;
		nr_retry_pages = 0;

		dst = list_first_entry(&dst_folios, struct folio, lru);
		dst2 = list_next_entry(dst, lru);
		list_for_each_entry_safe(folio, folio2, &unmap_folios, lru) {
			int nr_pages = (int)folio_nr_pages(folio);
			bool is_thp = folio_order(folio) == HPAGE_PMD_ORDER;

			cond_resched();
			rc = migrate_folio_move(put_new_folio, private, folio,
						dst, mode, reason, ret_folios);
			switch (rc) {
			case -EAGAIN:
				retry++;
				nr_retry_pages += nr_pages;
				break;
			case 0:
				stats->nr_succeeded += nr_pages;
				stats->nr_thp_succeeded += is_thp;
				break;
			default:
				nr_failed++;
				stats->nr_failed_pages += nr_pages;
				stats->nr_thp_failed += is_thp;
				break;
			}
			dst = dst2;
			dst2 = list_next_entry(dst, lru);
		}
	}
	nr_failed += retry;
	stats->nr_failed_pages += nr_retry_pages;
	rc = rc_saved ? rc_saved : nr_failed;
out:
	/* Pairs still unmapped after the last pass: undo, src to ret. */
	dst = list_first_entry(&dst_folios, struct folio, lru);
	dst2 = list_next_entry(dst, lru);
	list_for_each_entry_safe(folio, folio2, &unmap_folios, lru) {
		struct anon_vma *anon_vma;
		int old_page_state = __migrate_folio_extract(dst, &anon_vma);

		migrate_folio_undo_src(folio, old_page_state & PAGE_WAS_MAPPED,
				       anon_vma, true, ret_folios);
		list_del(&dst->lru);
		migrate_folio_undo_dst(dst, true, put_new_folio, private);
		dst = dst2;
		dst2 = list_next_entry(dst, lru);
	}
	return rc;
}

/*
 * Non-async modes: one async batch pass first, then every page that
 * failed it one by one in @mode.
 */
static int migrate_pages_sync(struct list_head *from, new_folio_t get_new_folio,
			      free_folio_t put_new_folio, unsigned long private,
			      enum migrate_mode mode, int reason,
			      struct list_head *ret_folios,
			      struct list_head *split_folios,
			      struct migrate_pages_stats *stats)
{
	struct migrate_pages_stats astats;
	LIST_HEAD(folios);
	int rc, nr_failed = 0;

	memset(&astats, 0, sizeof(astats));
	rc = migrate_pages_batch(from, get_new_folio, put_new_folio, private,
				 MIGRATE_ASYNC, reason, &folios, split_folios,
				 &astats, NR_MAX_MIGRATE_ASYNC_RETRY);
	stats->nr_succeeded += astats.nr_succeeded;
	stats->nr_thp_succeeded += astats.nr_thp_succeeded;
	stats->nr_thp_split += astats.nr_thp_split;
	stats->nr_split += astats.nr_split;
	if (rc < 0) {
		stats->nr_failed_pages += astats.nr_failed_pages;
		stats->nr_thp_failed += astats.nr_thp_failed;
		list_splice_tail(&folios, ret_folios);
		return rc;
	}
	/*
	 * Everything that failed async is retried below, so it does not
	 * count -- except the large folios split meanwhile, each one
	 * failure whatever becomes of its pieces.
	 */
	stats->nr_thp_failed += astats.nr_thp_split;
	nr_failed += astats.nr_split;
	list_splice_tail_init(&folios, from);
	while (!list_empty(from)) {
		list_move(from->next, &folios);
		rc = migrate_pages_batch(&folios, get_new_folio, put_new_folio,
					 private, mode, reason, ret_folios,
					 split_folios, stats, NR_MAX_MIGRATE_SYNC_RETRY);
		list_splice_tail_init(&folios, ret_folios);
		if (rc < 0)
			return rc;
		nr_failed += rc;
	}
	return nr_failed;
}

/* ------------------------------------------------------------------ */
/* The decoupled core's movable_ops loop */

/*
 * Move the @nr pages of @pages (decoupled core), up to @nr_pass passes:
 * first a destination for every page, as the batch's unmap phase does,
 * then passes asking the owners to move them.  Each destination is a
 * plain page the core holds in @dsts, never linked through lru and with
 * no ->private written: the state the folio path stashes there is about
 * unmapping, which a movable_ops page never needs.
 *
 * A page that moved leaves @pages (its slot goes NULL); one that failed
 * or still wants a retry stays, isolated.  Counted as migrate_pages_batch()
 * counts: a page failed once per call, a retry still pending at the end
 * as a failure.
 *
 * kernel (6.18, linux-mm 2026): movable_ops pairs share the folio
 * batch's unmap and move phases, dst on dst_folios, state in dst->private.
 *
 * Return: the number of pages that failed, or -ENOMEM when a destination
 * could not be had (the pages that had one were still tried).
 */
static int migrate_movable_ops_pass(struct page **pages, unsigned int nr,
				    new_folio_t get_new_folio,
				    free_folio_t put_new_folio,
				    unsigned long private,
				    enum migrate_mode mode,
				    struct migrate_pages_stats *stats,
				    int nr_pass)
{
	struct page *dsts[NR_MAX_BATCHED_MIGRATION];
	int retry = 1, nr_failed = 0, rc_saved = 0, pass, rc;
	unsigned int i, nr_dst;
	struct folio *dst;

	VM_WARN_ON_ONCE(nr > NR_MAX_BATCHED_MIGRATION);
	for (nr_dst = 0; nr_dst < nr; nr_dst++) {
		struct folio *src = page_folio(pages[nr_dst]);

		cond_resched();
		if (should_fail(FAULT_MIGRATE_ALLOC)) {
			explain_fail(src, -ENOMEM, EXPLAIN_INJECTED,
				     FAULT_MIGRATE_ALLOC, 0);
			dst = NULL;
		} else {
			dst = get_new_folio(src, private);
			if (!dst)
				explain_fail(src, -ENOMEM, EXPLAIN_NO_TARGET, 0, 0);
		}
		if (!dst) {
			/* The page failed; move those that have a target. */
			nr_failed++;
			stats->nr_failed_pages++;
			rc_saved = -ENOMEM;
			break;
		}
		dsts[nr_dst] = &dst->page;
	}

	mops_core_enter();
	for (pass = 0; pass < nr_pass && retry; pass++) {
		retry = 0;
		for (i = 0; i < nr_dst; i++) {
			if (!dsts[i])
				continue;
			cond_resched();
			rc = migrate_movable_ops_page(dsts[i], pages[i], mode);
			switch (rc) {
			case -EAGAIN:
				retry++;
				continue;
			case 0:
				/* @dst is the owner's; @src may be freed. */
				explain_moved(page_folio(pages[i]),
					      page_folio(dsts[i]));
				stats->nr_succeeded++;
				pages[i] = NULL;
				break;
			default:
				nr_failed++;
				stats->nr_failed_pages++;
				mops_core_exit();
				migrate_folio_undo_dst(page_folio(dsts[i]), false,
						       put_new_folio, private);
				mops_core_enter();
				break;
			}
			dsts[i] = NULL;
		}
	}
	mops_core_exit();
	nr_failed += retry;
	stats->nr_failed_pages += retry;
	/* Still wanting a retry when the passes ran out: drop the target. */
	for (i = 0; i < nr_dst; i++) {
		if (dsts[i])
			migrate_folio_undo_dst(page_folio(dsts[i]), false,
					       put_new_folio, private);
	}
	return rc_saved ? rc_saved : nr_failed;
}

/*
 * One chunk of a batch, in @mode.  Async: all passes batched.  Otherwise
 * as migrate_pages_sync(): one batched async round, then every page that
 * failed it on its own in @mode; the async round's failures do not count.
 */
static int migrate_movable_ops_chunk(struct page **pages, unsigned int nr,
				     new_folio_t get_new_folio,
				     free_folio_t put_new_folio,
				     unsigned long private,
				     enum migrate_mode mode,
				     struct migrate_pages_stats *stats)
{
	struct migrate_pages_stats astats;
	int rc, nr_failed = 0;
	unsigned int i;

	if (mode == MIGRATE_ASYNC)
		return migrate_movable_ops_pass(pages, nr, get_new_folio,
						put_new_folio, private, mode,
						stats, NR_MAX_MIGRATE_PAGES_RETRY);

	memset(&astats, 0, sizeof(astats));
	rc = migrate_movable_ops_pass(pages, nr, get_new_folio, put_new_folio,
				      private, MIGRATE_ASYNC, &astats,
				      NR_MAX_MIGRATE_ASYNC_RETRY);
	stats->nr_succeeded += astats.nr_succeeded;
	if (rc < 0) {
		stats->nr_failed_pages += astats.nr_failed_pages;
		return rc;
	}
	for (i = 0; i < nr; i++) {
		if (!pages[i])
			continue;
		rc = migrate_movable_ops_pass(&pages[i], 1, get_new_folio,
					      put_new_folio, private, mode,
					      stats, NR_MAX_MIGRATE_SYNC_RETRY);
		if (rc < 0)
			return rc;
		nr_failed += rc;
	}
	return nr_failed;
}

/*
 * The decoupled core's loop for the movable_ops pages of a
 * migrate_pages_mops() call: chunks of up to NR_MAX_BATCHED_MIGRATION
 * pages, each with the pass budget of a folio batch.  Pages that moved
 * leave @batch; the rest stay in it, in order, still isolated.
 *
 * Return: the number of pages not migrated, or -ENOMEM.
 */
static int migrate_movable_ops_batch(struct movable_ops_batch *batch,
				     new_folio_t get_new_folio,
				     free_folio_t put_new_folio,
				     unsigned long private,
				     enum migrate_mode mode,
				     struct migrate_pages_stats *stats)
{
	unsigned int start, i, kept = 0;
	int rc = 0, nr_failed = 0;

	for (start = 0; start < batch->nr; start += NR_MAX_BATCHED_MIGRATION) {
		unsigned int nr = min(batch->nr - start,
				      (unsigned int)NR_MAX_BATCHED_MIGRATION);

		rc = migrate_movable_ops_chunk(&batch->pages[start], nr,
					       get_new_folio, put_new_folio,
					       private, mode, stats);
		if (rc < 0)
			break;
		nr_failed += rc;
	}
	/* Close the gaps the moved pages left. */
	for (i = 0; i < batch->nr; i++)
		if (batch->pages[i])
			batch->pages[kept++] = batch->pages[i];
	batch->nr = kept;
	return rc < 0 ? rc : nr_failed;
}

/**
 * migrate_pages - migrate the pages on a list
 * @from: isolated pages, linked through lru
 * @get_new_folio: allocates a destination for a source
 * @put_new_folio: returns an unused destination (NULL: folio_put() it)
 * @private: passed to both callbacks
 * @mode: MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT or MIGRATE_SYNC
 * @reason: why (MR_COMPACTION, MR_MEMORY_HOTPLUG, ...)
 * @ret_succeeded: if not NULL, the number of pages migrated
 *
 * Pages that migrated are gone from @from (and usually freed); pages
 * released by their owner while isolated count as migrated.  What could
 * not be migrated is left on @from, still isolated.
 *
 * List ownership: if the return value is not 0, the caller must put the
 * remaining pages back with putback_movable_pages().  In the decoupled
 * core movable_ops pages do not belong on @from: use migrate_pages_mops().
 *
 * Return: the number of pages not migrated, or -ENOMEM (some pages may
 * have migrated before it ran out).
 */
int migrate_pages(struct list_head *from, new_folio_t get_new_folio,
		  free_folio_t put_new_folio, unsigned long private,
		  enum migrate_mode mode, int reason, unsigned int *ret_succeeded)
{
	return migrate_pages_mops(from, NULL, get_new_folio, put_new_folio,
				  private, mode, reason, ret_succeeded);
}

/**
 * migrate_pages_mops - migrate a folio list and a movable_ops batch
 * @from: isolated folios (and, 6.17 core, movable_ops pages), through lru
 * @batch: isolated movable_ops pages (decoupled core), or NULL
 * @get_new_folio: allocates a destination for a source
 * @put_new_folio: returns an unused destination (NULL: folio_put() it)
 * @private: passed to both callbacks
 * @mode: MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT or MIGRATE_SYNC
 * @reason: why (MR_COMPACTION, MR_MEMORY_HOTPLUG, ...)
 * @ret_succeeded: if not NULL, the number of pages migrated
 *
 * migrate_pages() with the decoupled core's container beside the list:
 * the folios go first, in batches, then the pages of @batch in a loop of
 * their own with the same pass budget and the same counters, all in one
 * mm_migrate_pages event.  A movable_ops page of @batch is never linked
 * through lru and its destination's ->private is never written; the
 * owner gets the destination as a page.  An -ENOMEM from the folios
 * leaves @batch untried.
 *
 * kernel (6.18, linux-mm 2026): no @batch; migrate_pages() takes every
 * movable_ops page on @from.
 *
 * List ownership: pages that could not be migrated stay on @from and in
 * @batch, still isolated; if the return value is not 0 the caller puts
 * them back with putback_movable_pages() and putback_movable_ops_batch().
 *
 * Return: the number of pages not migrated, or -ENOMEM.
 */
int migrate_pages_mops(struct list_head *from, struct movable_ops_batch *batch,
		       new_folio_t get_new_folio, free_folio_t put_new_folio,
		       unsigned long private, enum migrate_mode mode, int reason,
		       unsigned int *ret_succeeded)
{
	struct migrate_pages_stats stats;
	struct folio *folio, *folio2 = NULL;
	LIST_HEAD(folios);
	LIST_HEAD(ret_folios);
	LIST_HEAD(split_folios);
	int rc, rc_gather = 0, nr_pages;

	trace_mm_migrate_pages_start(mode, reason);
	explain_migrate_start(from, batch ? batch->pages : NULL,
			      batch ? batch->nr : 0, mode, reason);
	memset(&stats, 0, sizeof(stats));
	if (list_empty(from))
		goto mops;
again:
	nr_pages = 0;
	list_for_each_entry_safe(folio, folio2, from, lru) {
		nr_pages += (int)folio_nr_pages(folio);
		if (nr_pages >= NR_MAX_BATCHED_MIGRATION)
			break;
	}
	if (nr_pages >= NR_MAX_BATCHED_MIGRATION)
		list_cut_before(&folios, from, &folio2->lru);
	else
		list_splice_init(from, &folios);

	if (mode == MIGRATE_ASYNC)
		rc = migrate_pages_batch(&folios, get_new_folio, put_new_folio,
					 private, mode, reason, &ret_folios,
					 &split_folios, &stats, NR_MAX_MIGRATE_PAGES_RETRY);
	else
		rc = migrate_pages_sync(&folios, get_new_folio, put_new_folio,
					private, mode, reason, &ret_folios,
					&split_folios, &stats);
	list_splice_tail_init(&folios, &ret_folios);
	if (rc < 0) {
		rc_gather = rc;
		list_splice_tail_init(&split_folios, &ret_folios);
		goto out;
	}
	if (!list_empty(&split_folios)) {
		/*
		 * The pieces of split THPs: one quick async pass; the THP
		 * was already counted as one failure if they don't move.
		 */
		migrate_pages_batch(&split_folios, get_new_folio, put_new_folio,
				    private, MIGRATE_ASYNC, reason, &ret_folios,
				    NULL, &stats, 1);
		list_splice_tail_init(&split_folios, &ret_folios);
	}
	rc_gather += rc;
	if (!list_empty(from))
		goto again;
	/* Permanent failures go back on @from for the caller's putback. */
	list_splice_init(&ret_folios, from);
	if (list_empty(from))
		rc_gather = 0;
mops:
	if (batch && batch->nr) {
		VM_WARN_ON_ONCE(!movable_ops_decoupled);
		rc = migrate_movable_ops_batch(batch, get_new_folio,
					       put_new_folio, private, mode,
					       &stats);
		rc_gather = rc < 0 ? rc : rc_gather + rc;
	}
out:
	list_splice(&ret_folios, from);
	if (list_empty(from) && (!batch || !batch->nr))
		rc_gather = 0;
	/* The ret-list contract: anything left means a non-zero return. */
	VM_WARN_ON_ONCE(!rc_gather && !list_empty(from));
	VM_WARN_ON_ONCE(!rc_gather && batch && batch->nr);

	count_vm_events(PGMIGRATE_SUCCESS, stats.nr_succeeded);
	count_vm_events(PGMIGRATE_FAIL, stats.nr_failed_pages);
	count_vm_events(THP_MIGRATION_SUCCESS, stats.nr_thp_succeeded);
	count_vm_events(THP_MIGRATION_FAIL, stats.nr_thp_failed);
	count_vm_events(THP_MIGRATION_SPLIT, stats.nr_thp_split);
	trace_mm_migrate_pages((unsigned long)stats.nr_succeeded,
			       (unsigned long)stats.nr_failed_pages,
			       (unsigned long)stats.nr_thp_succeeded,
			       (unsigned long)stats.nr_thp_failed,
			       (unsigned long)stats.nr_thp_split,
			       (unsigned long)stats.nr_split, mode, reason);
	explain_migrate_end((unsigned long)stats.nr_succeeded,
			    (unsigned long)stats.nr_failed_pages);
	if (ret_succeeded)
		*ret_succeeded = (unsigned int)stats.nr_succeeded;
	return rc_gather;
}
