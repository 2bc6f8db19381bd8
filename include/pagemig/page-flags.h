/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page flags (PG_*) and page types (PGTY_*), with generated accessors so
 * that every flag and every type has the same API.
 *
 * Flags: bit numbers as in Linux 6.17 on a 64-bit machine with
 * CONFIG_MIGRATION, CONFIG_MEMORY_FAILURE and the page-idle bits.  Aliases
 * share a bit and are meaningful only for the kind of page named beside
 * them; PG_movable_ops and PG_movable_ops_isolated count only together
 * with a movable_ops page type (page_has_movable_ops()).
 *
 * Types: the top byte of page->page_type, which overlays _mapcount.
 * A type is "sticky until freed" for movable_ops owners: the page
 * allocator's free path clears whatever type a page still carries.
 */
#ifndef _PAGEMIG_PAGE_FLAGS_H
#define _PAGEMIG_PAGE_FLAGS_H

#include "../../lib/bitops.h"
#include "mm_types.h"
#include "mmdebug.h"

enum pageflags {
	PG_locked,		/* page is locked: don't touch */
	PG_writeback,		/* page is under writeback */
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,		/* first page of a compound page */
	PG_waiters,		/* someone sleeps on PG_locked */
	PG_active,
	PG_workingset,
	PG_owner_priv_1,	/* owner's use; swap cache for anon */
	PG_owner_2,		/* owner's use; anon exclusive */
	PG_arch_1,
	PG_reserved,
	PG_private,		/* fs-private data; zsmalloc first page */
	PG_private_2,
	PG_reclaim,		/* to be reclaimed asap */
	PG_swapbacked,
	PG_unevictable,
	PG_dropbehind,
	PG_mlocked,
	PG_hwpoison,
	PG_young,
	PG_idle,
	__NR_PAGEFLAGS,

	PG_readahead = PG_reclaim,
	PG_swapcache = PG_owner_priv_1,
	PG_checked = PG_owner_priv_1,
	PG_anon_exclusive = PG_owner_2,
	PG_mappedtodisk = PG_owner_2,
	/* Free pages: reported to the hypervisor. */
	PG_reported = PG_uptodate,
	/* movable_ops pages (Offline or Zsmalloc type) only. */
	PG_movable_ops = PG_uptodate,
	/* movable_ops pages: isolated for migration; the core owns it. */
	PG_movable_ops_isolated = PG_reclaim,
	/* Flags kept in the first tail page of a large folio. */
	PG_has_hwpoisoned = PG_active,
	PG_large_rmappable = PG_workingset,
	PG_partially_mapped = PG_reclaim,
};

/* Where the zone and node ids live in page->flags. */
#define ZONES_WIDTH	3	/* MAX_NR_ZONES is 5 */
#define NODES_WIDTH	6
#define ZONES_PGSHIFT	(BITS_PER_LONG - ZONES_WIDTH)
#define NODES_PGSHIFT	(ZONES_PGSHIFT - NODES_WIDTH)
#define ZONES_MASK	((1UL << ZONES_WIDTH) - 1)
#define NODES_MASK	((1UL << NODES_WIDTH) - 1)
#define PAGE_FLAGS_MASK	((1UL << __NR_PAGEFLAGS) - 1)

_Static_assert(__NR_PAGEFLAGS <= NODES_PGSHIFT, "page flags overlap ids");

/* Flags that must be clear when a page is freed or handed out. */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(BIT(PG_lru) | BIT(PG_locked) | BIT(PG_private) |		\
	 BIT(PG_private_2) | BIT(PG_writeback) | BIT(PG_reserved) |	\
	 BIT(PG_active) | BIT(PG_unevictable) | BIT(PG_mlocked))
#define PAGE_FLAGS_CHECK_AT_PREP	(PAGE_FLAGS_MASK & ~BIT(PG_hwpoison))

static __always_inline bool PageTail(const struct page *page)
{
	return READ_ONCE(page->compound_head) & 1;
}

static __always_inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	if (unlikely(head & 1))
		return (struct page *)(head - 1);
	return (struct page *)page;
}

#define page_folio(p)	((struct folio *)compound_head(p))
#define folio_page(folio, n) (&(folio)->page + (n))

static __always_inline bool PageHead(const struct page *page)
{
	return test_bit(PG_head, &page->flags);
}

static __always_inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

static __always_inline bool folio_test_large(const struct folio *folio)
{
	return PageHead(&folio->page);
}

/*
 * Page-flag policies: which struct page of a compound page holds a flag.
 * PF_ANY: the page itself.  PF_HEAD: the head.  PF_NO_TAIL: the head, and
 * modifying through a tail is a bug.  PF_NO_COMPOUND: never on compound
 * pages.  PF_SECOND: the first tail page of a large folio.
 */
#define PF_ANY(page, enforce)	((struct page *)(page))
#define PF_HEAD(page, enforce)	compound_head(page)
#define PF_NO_TAIL(page, enforce) ({					\
	VM_BUG_ON_PGFLAGS((enforce) && PageTail(page), page);		\
	compound_head(page); })
#define PF_NO_COMPOUND(page, enforce) ({				\
	VM_BUG_ON_PGFLAGS((enforce) && PageCompound(page), page);	\
	(struct page *)(page); })
#define PF_SECOND(page, enforce) ({					\
	VM_BUG_ON_PGFLAGS(!PageHead(page), page);			\
	(struct page *)(page) + 1; })

/* Which struct page of a folio a flag lives in. */
#define FOLIO_PF_ANY		0
#define FOLIO_PF_HEAD		0
#define FOLIO_PF_NO_TAIL	0
#define FOLIO_PF_NO_COMPOUND	0
#define FOLIO_PF_SECOND		1

#define folio_flags(folio, n)	(&folio_page(folio, n)->flags)

/* One complete accessor family for a flag. */
#define PAGEFLAG(uname, lname, policy)					\
static __always_inline bool folio_test_##lname(const struct folio *folio) \
{ return test_bit(PG_##lname, folio_flags((struct folio *)folio, FOLIO_##policy)); } \
static __always_inline void folio_set_##lname(struct folio *folio)	\
{ set_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); }		\
static __always_inline void folio_clear_##lname(struct folio *folio)	\
{ clear_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); }		\
static __always_inline void __folio_set_##lname(struct folio *folio)	\
{ __set_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); }		\
static __always_inline void __folio_clear_##lname(struct folio *folio)	\
{ __clear_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); }	\
static __always_inline bool folio_test_set_##lname(struct folio *folio)	\
{ return test_and_set_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); } \
static __always_inline bool folio_test_clear_##lname(struct folio *folio) \
{ return test_and_clear_bit(PG_##lname, folio_flags(folio, FOLIO_##policy)); } \
static __always_inline bool Page##uname(const struct page *page)	\
{ return test_bit(PG_##lname, &policy(page, 0)->flags); }		\
static __always_inline void SetPage##uname(struct page *page)		\
{ set_bit(PG_##lname, &policy(page, 1)->flags); }			\
static __always_inline void ClearPage##uname(struct page *page)		\
{ clear_bit(PG_##lname, &policy(page, 1)->flags); }			\
static __always_inline void __SetPage##uname(struct page *page)		\
{ __set_bit(PG_##lname, &policy(page, 1)->flags); }			\
static __always_inline void __ClearPage##uname(struct page *page)	\
{ __clear_bit(PG_##lname, &policy(page, 1)->flags); }			\
static __always_inline bool TestSetPage##uname(struct page *page)	\
{ return test_and_set_bit(PG_##lname, &policy(page, 1)->flags); }	\
static __always_inline bool TestClearPage##uname(struct page *page)	\
{ return test_and_clear_bit(PG_##lname, &policy(page, 1)->flags); }

PAGEFLAG(Locked, locked, PF_NO_TAIL)
PAGEFLAG(Writeback, writeback, PF_NO_TAIL)
PAGEFLAG(Referenced, referenced, PF_HEAD)
PAGEFLAG(Dirty, dirty, PF_HEAD)
PAGEFLAG(LRU, lru, PF_HEAD)
PAGEFLAG(Waiters, waiters, PF_NO_TAIL)
PAGEFLAG(Active, active, PF_HEAD)
PAGEFLAG(Workingset, workingset, PF_HEAD)
PAGEFLAG(Checked, checked, PF_NO_COMPOUND)
PAGEFLAG(AnonExclusive, anon_exclusive, PF_ANY)
PAGEFLAG(MappedToDisk, mappedtodisk, PF_NO_TAIL)
PAGEFLAG(Reserved, reserved, PF_NO_COMPOUND)
PAGEFLAG(Private, private, PF_ANY)
PAGEFLAG(Private2, private_2, PF_ANY)
PAGEFLAG(Reclaim, reclaim, PF_NO_TAIL)
PAGEFLAG(Readahead, readahead, PF_NO_COMPOUND)
PAGEFLAG(SwapBacked, swapbacked, PF_NO_TAIL)
PAGEFLAG(Unevictable, unevictable, PF_HEAD)
PAGEFLAG(Dropbehind, dropbehind, PF_HEAD)
PAGEFLAG(Mlocked, mlocked, PF_NO_TAIL)
PAGEFLAG(HWPoison, hwpoison, PF_ANY)
PAGEFLAG(Young, young, PF_ANY)
PAGEFLAG(Idle, idle, PF_ANY)
PAGEFLAG(Reported, reported, PF_NO_COMPOUND)
PAGEFLAG(HasHWPoisoned, has_hwpoisoned, PF_SECOND)
PAGEFLAG(LargeRmappable, large_rmappable, PF_SECOND)
PAGEFLAG(PartiallyMapped, partially_mapped, PF_SECOND)

/*
 * Uptodate pairs a barrier with its readers: data written before
 * folio_mark_uptodate() is visible to whoever sees the flag.
 */
static __always_inline bool folio_test_uptodate(const struct folio *folio)
{
	bool ret = test_bit(PG_uptodate, &folio->flags);

	if (ret)
		smp_rmb();	/* Pairs with smp_wmb() in folio_mark_uptodate(). */
	return ret;
}

static __always_inline bool PageUptodate(const struct page *page)
{
	return folio_test_uptodate(page_folio(page));
}

static __always_inline void folio_mark_uptodate(struct folio *folio)
{
	smp_wmb();	/* Pairs with smp_rmb() in folio_test_uptodate(). */
	set_bit(PG_uptodate, &folio->flags);
}

static __always_inline void folio_clear_uptodate(struct folio *folio)
{
	clear_bit(PG_uptodate, &folio->flags);
}

static __always_inline bool folio_test_swapcache(const struct folio *folio)
{
	return folio_test_swapbacked(folio) &&
	       test_bit(PG_swapcache, &folio->flags);
}

static __always_inline void __SetPageHead(struct page *page)
{
	__set_bit(PG_head, &page->flags);
}

static __always_inline void __ClearPageHead(struct page *page)
{
	__clear_bit(PG_head, &page->flags);
}

static __always_inline bool folio_test_anon(const struct folio *folio)
{
	return ((unsigned long)READ_ONCE(folio->mapping) & FOLIO_MAPPING_ANON) != 0;
}

static __always_inline bool PageAnon(const struct page *page)
{
	return folio_test_anon(page_folio(page));
}

static __always_inline bool folio_test_ksm(const struct folio *folio)
{
	return ((unsigned long)READ_ONCE(folio->mapping) & FOLIO_MAPPING_FLAGS) ==
		FOLIO_MAPPING_KSM;
}

/*
 * PG_movable_ops: test and set only (v2 of the series removed the clear
 * accessor on purpose).  The page allocator's free path is the only place
 * that clears it, when it wipes all flags.  Policy "no tail".
 */
static __always_inline bool PageMovableOps(const struct page *page)
{
	return test_bit(PG_movable_ops, &PF_NO_TAIL(page, 0)->flags);
}

static __always_inline void SetPageMovableOps(struct page *page)
{
	set_bit(PG_movable_ops, &PF_NO_TAIL(page, 1)->flags);
}

/*
 * PG_movable_ops_isolated: set and cleared by the migration core only,
 * never by an owner.  Policy "no tail".
 */
static __always_inline bool PageMovableOpsIsolated(const struct page *page)
{
	return test_bit(PG_movable_ops_isolated, &PF_NO_TAIL(page, 0)->flags);
}

static __always_inline void SetPageMovableOpsIsolated(struct page *page)
{
	set_bit(PG_movable_ops_isolated, &PF_NO_TAIL(page, 1)->flags);
}

static __always_inline void ClearPageMovableOpsIsolated(struct page *page)
{
	clear_bit(PG_movable_ops_isolated, &PF_NO_TAIL(page, 1)->flags);
}

/*
 * Decoupled movable_ops core only: the owner's isolate_page() claims the
 * page with this, under the owner's lock.  True if it was already set.
 */
static __always_inline bool TestSetPageMovableOpsIsolated(struct page *page)
{
	return test_and_set_bit(PG_movable_ops_isolated, &PF_NO_TAIL(page, 1)->flags);
}

/* ------------------------------------------------------------------ */
/* Page types */

enum pagetype {
	/* 0x00-0x7f are positive mapcounts, 0x80-0xef mapcount overflow. */
	PGTY_buddy		= 0xf0,
	PGTY_offline		= 0xf1,
	PGTY_table		= 0xf2,
	PGTY_guard		= 0xf3,
	PGTY_hugetlb		= 0xf4,
	PGTY_slab		= 0xf5,
	PGTY_zsmalloc		= 0xf6,
	PGTY_unaccepted		= 0xf7,
	PGTY_large_kmalloc	= 0xf8,
	PGTY_mapcount_underflow	= 0xff
};

#define PAGE_TYPE_NONE	UINT_MAX	/* untyped and unmapped: _mapcount == -1 */

/*
 * Does this page_type word hold a type?  As 6.16's page_has_type():
 * (word - 1) as a signed int below 0xff000000.  UINT_MAX (no type, no
 * mappings) and ordinary mapcounts never count as typed; the "- 1" makes
 * the edge cases 0xff000000 count as typed and 0x80000000 not, exactly
 * as the kernel's helper does.
 */
static __always_inline bool page_type_has_type(unsigned int page_type)
{
	return (int)(page_type - 1) < (int)((unsigned int)PGTY_mapcount_underflow << 24);
}

static __always_inline bool page_has_type(const struct page *page)
{
	return page_type_has_type(READ_ONCE(page->page_type));
}

static __always_inline unsigned int page_get_type(const struct page *page)
{
	return READ_ONCE(page->page_type) >> 24;
}

/*
 * Test compares the top byte.  __Set requires an untyped, unmapped page
 * and is a no-op if the type is already set.  __Clear is a no-op on an
 * untyped page, requires the right type, and resets the whole word (the
 * owner's low 24 bits go too).
 */
#define PAGE_TYPE_OPS(uname, lname, fname)				\
static __always_inline bool Page##uname(const struct page *page)	\
{ return READ_ONCE(page->page_type) >> 24 == PGTY_##lname; }		\
static __always_inline void __SetPage##uname(struct page *page)	\
{									\
	if (Page##uname(page))						\
		return;							\
	VM_BUG_ON_PAGE(READ_ONCE(page->page_type) != PAGE_TYPE_NONE, page); \
	WRITE_ONCE(page->page_type, (unsigned int)PGTY_##lname << 24);	\
}									\
static __always_inline void __ClearPage##uname(struct page *page)	\
{									\
	if (READ_ONCE(page->page_type) == PAGE_TYPE_NONE)		\
		return;							\
	VM_BUG_ON_PAGE(!Page##uname(page), page);			\
	WRITE_ONCE(page->page_type, PAGE_TYPE_NONE);			\
}									\
static __always_inline bool folio_test_##fname(const struct folio *folio) \
{ return Page##uname(&folio->page); }					\
static __always_inline void __folio_set_##fname(struct folio *folio)	\
{ __SetPage##uname(&folio->page); }					\
static __always_inline void __folio_clear_##fname(struct folio *folio)	\
{ __ClearPage##uname(&folio->page); }

PAGE_TYPE_OPS(Buddy, buddy, buddy)
PAGE_TYPE_OPS(Offline, offline, offline)
PAGE_TYPE_OPS(Table, table, pgtable)
PAGE_TYPE_OPS(Guard, guard, guard)
PAGE_TYPE_OPS(HugeTLB, hugetlb, hugetlb)
PAGE_TYPE_OPS(Slab, slab, slab)
PAGE_TYPE_OPS(Zsmalloc, zsmalloc, zsmalloc)
PAGE_TYPE_OPS(Unaccepted, unaccepted, unaccepted)
PAGE_TYPE_OPS(LargeKmalloc, large_kmalloc, large_kmalloc)

/*
 * Is this a movable_ops page?  True iff PG_movable_ops is set and the
 * page has one of the two movable_ops types.  Needs no lock and no
 * reference, so it can race with a free and reuse; isolation checks again
 * under a reference and the page lock.  Once true for an allocated page it
 * stays true until the page is freed (sticky type + flag); never true for
 * an LRU folio.
 */
static __always_inline bool page_has_movable_ops(const struct page *page)
{
	return PageMovableOps(page) &&
	       (PageOffline(page) || PageZsmalloc(page));
}

/*
 * /proc/kpageflags and /proc/kpagecount (fs/proc/page.c).  kernel: this
 * header declares stable_page_flags(); here it stays static and the
 * range readers are what other files call.
 */
int kpageflags_read(unsigned long pfn, unsigned long nr, uint64_t *flags,
		    uint64_t *counts);
int kpage_walk(unsigned long pfn, unsigned long nr,
	       void (*actor)(struct page *page, unsigned long i, bool free,
			     void *data),
	       void *data);

#endif /* _PAGEMIG_PAGE_FLAGS_H */
