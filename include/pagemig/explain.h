/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Explained migrations: a readable line per migrate_pages() call and per
 * page it handled, for people learning the subsystem.  The trace events
 * (<pagemig/tracepoint.h>) count what moved in the kernel's format; these
 * lines say which page it was, what kind of page, where it went, and for
 * a page that did not move, the errno and what caused it:
 *
 *   migrate_pages #3 by kcompactd0 (compaction, MIGRATE_SYNC_LIGHT): 3 pages, 2 moved, 1 failed
 *     moved   pfn 0x1200 anon -> 0x3fe0
 *     moved   pfn 0x1201 balloon -> 0x3fe1
 *     failed  pfn 0x1202 anon: -EAGAIN, extra references (1026, expected 2): a GUP pin; 11 tries
 *
 * The design is the trace events': the hooks below sit where
 * mm/migrate.c (and an owner's migrate_page()) learns the outcome, each an
 * inline test of one pointer when off; on, they note the outcome in a
 * per-call table that mm/explain.c keeps, and migrate_pages() prints the
 * whole call's lines in one place, __explain_migrate_end(), at its end.
 * A page retried several times gets one line, with its last cause.  The
 * lines hold nothing that varies from run to run (no thread ids, no
 * times), so under the deterministic scheduler a seed gives the same
 * lines every run.
 *
 * kernel: nothing like it; the closest are the mm_migrate_pages trace
 * event and, per page, the page_owner's migrate_reason.
 */
#ifndef _PAGEMIG_EXPLAIN_H
#define _PAGEMIG_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>
#include "../../lib/compiler.h"

struct folio;
struct list_head;
struct page;

/* The open explain stream, or NULL: off.  Set by sim/explain.c. */
extern FILE *explain_output;

static inline bool explain_enabled(void)
{
	return unlikely(READ_ONCE(explain_output) != NULL);
}

/* Why a page did not move: each one names the step that found it. */
enum explain_cause {
	EXPLAIN_NO_TARGET,	/* get_new_folio() had no destination */
	EXPLAIN_SRC_LOCKED,	/* someone else holds the page lock */
	EXPLAIN_DST_LOCKED,	/* the destination's lock was taken */
	EXPLAIN_STILL_MAPPED,	/* try_to_migrate() left a mapping */
	EXPLAIN_EXTRA_REFS,	/* refcount above the expected: a, b */
	EXPLAIN_BUFFERS_HELD,	/* a buffer of the folio is referenced */
	EXPLAIN_CACHE_GONE,	/* no longer in its page cache slot */
	EXPLAIN_OWNER_GONE,	/* no movable_ops registered for its type */
	EXPLAIN_OWNER_REFUSED,	/* the owner's migrate_page() failed */
	EXPLAIN_INJECTED,	/* a sim/fault.c point fired: a = the point */
	NR_EXPLAIN_CAUSES
};

void __explain_migrate_start(struct list_head *from, struct page **pages,
			     unsigned int nr, int mode, int reason);
void __explain_migrate_end(unsigned long succeeded, unsigned long failed);
void __explain_fail(const struct folio *folio, int rc,
		    enum explain_cause cause, long a, long b);
void __explain_moved(const struct folio *src, const struct folio *dst);
void __explain_released(const struct folio *folio);
void __explain_split(const struct folio *folio);
void __explain_owner_says(const char *why);

/*
 * migrate_pages() begins: note every page on @from, in list order, then
 * the @nr movable_ops pages of @pages (the decoupled core's batch).
 */
static inline void explain_migrate_start(struct list_head *from,
					 struct page **pages, unsigned int nr,
					 int mode, int reason)
{
	if (explain_enabled())
		__explain_migrate_start(from, pages, nr, mode, reason);
}

/* migrate_pages() ends: print the call's lines.  Pairs with the above. */
static inline void explain_migrate_end(unsigned long succeeded,
				       unsigned long failed)
{
	if (explain_enabled())
		__explain_migrate_end(succeeded, failed);
}

/* @folio failed an attempt with @rc, for @cause (details @a, @b). */
static inline void explain_fail(const struct folio *folio, int rc,
				enum explain_cause cause, long a, long b)
{
	if (explain_enabled())
		__explain_fail(folio, rc, cause, a, b);
}

/* @src moved to @dst; @src may be freed already (only its PFN is used). */
static inline void explain_moved(const struct folio *src,
				 const struct folio *dst)
{
	if (explain_enabled())
		__explain_moved(src, dst);
}

/* @folio was freed while isolated: counted as moved, nothing copied. */
static inline void explain_released(const struct folio *folio)
{
	if (explain_enabled())
		__explain_released(folio);
}

/* @folio, a large folio with no target, was split into its pages. */
static inline void explain_split(const struct folio *folio)
{
	if (explain_enabled())
		__explain_split(folio);
}

/*
 * An owner's migrate_page() says why it refused (or why a "success"
 * moved nothing), just before it returns; a string constant.
 */
static inline void explain_owner_says(const char *why)
{
	if (explain_enabled())
		__explain_owner_says(why);
}

#endif /* _PAGEMIG_EXPLAIN_H */
