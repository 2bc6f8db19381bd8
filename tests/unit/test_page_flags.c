// SPDX-License-Identifier: GPL-2.0
/*
 * include/pagemig/page-flags.h: every generated flag accessor, the
 * compound-page policies, the aliases, and the page-type word.
 *
 * The accessors run on a private array of struct pages (no machine):
 * each check looks at the raw flags words, so a family that touches the
 * wrong bit or the wrong struct page fails here even if its own test
 * helper agrees with it.
 */
#include <limits.h>
#include <stddef.h>

#include <pagemig/mm.h>
#include "../../mm/internal.h"
#include "harness/test.h"

#define NPAGES 8
static struct page pages[NPAGES];

static void reset_pages(void)
{
	memset(pages, 0, sizeof(pages));
	for (int i = 0; i < NPAGES; i++)
		atomic_set(&pages[i]._mapcount, -1);
}

/* Raw flags of all pages, to see which words an accessor changed. */
static void snap(unsigned long *out)
{
	for (int i = 0; i < NPAGES; i++)
		out[i] = pages[i].flags;
}

/* Which page index differs from @before, and by which bits (one page only). */
static int changed(const unsigned long *before, unsigned long *bits)
{
	int idx = -1;

	*bits = 0;
	for (int i = 0; i < NPAGES; i++) {
		if (pages[i].flags != before[i]) {
			if (idx != -1)
				return -2;	/* more than one page changed */
			idx = i;
			*bits = pages[i].flags ^ before[i];
		}
	}
	return idx;
}

enum policy { P_ANY, P_HEAD, P_NO_TAIL, P_NO_COMPOUND, P_SECOND };

/*
 * Where a flag of @pol lands when set through page @via of a compound
 * page at pages[0..3]: the head (0), the page itself, or the first tail.
 */
static int landing(enum policy pol, int via)
{
	switch (pol) {
	case P_ANY:
	case P_NO_COMPOUND:
		return via;
	case P_HEAD:
	case P_NO_TAIL:
		return 0;
	case P_SECOND:
		return 1;
	}
	return -1;
}

/*
 * One family, on a plain page and on a compound page.  Every setter and
 * clearer must flip exactly BIT(PG_x) in exactly the policy's page, and
 * every tester must see it through the head, a tail and the folio.
 */
#define CHECK_FAMILY(uname, lname, pol)					\
static void check_##lname(struct __test_metadata *_metadata)		\
{									\
	unsigned long before[NPAGES], bits, bit = BIT(PG_##lname);	\
	struct folio *folio = (struct folio *)&pages[0];		\
	struct page *p = &pages[4];					\
	int via, land;							\
									\
	reset_pages();							\
	if (P_##pol != P_SECOND) {					\
		/* A plain page: the bit lands in the page itself. */	\
		EXPECT_FALSE(Page##uname(p));				\
		snap(before); SetPage##uname(p);			\
		EXPECT_EQ(4, changed(before, &bits)); EXPECT_EQ(bit, bits); \
		EXPECT_TRUE(Page##uname(p));				\
		snap(before); ClearPage##uname(p);			\
		EXPECT_EQ(4, changed(before, &bits)); EXPECT_EQ(bit, bits); \
		EXPECT_FALSE(Page##uname(p));				\
		__SetPage##uname(p);					\
		EXPECT_EQ(bit, p->flags);				\
		__ClearPage##uname(p);					\
		EXPECT_EQ(0, p->flags);					\
		EXPECT_FALSE(TestSetPage##uname(p));			\
		EXPECT_TRUE(TestSetPage##uname(p));			\
		EXPECT_EQ(bit, p->flags);				\
		EXPECT_TRUE(TestClearPage##uname(p));			\
		EXPECT_FALSE(TestClearPage##uname(p));			\
		EXPECT_EQ(0, p->flags);					\
	}								\
	/* A compound page of order 2 at pages[0..3]. */		\
	prep_compound_page(&pages[0], 2);				\
	for (via = 0; via < 4; via++) {					\
		unsigned long old;					\
									\
		if (P_##pol == P_SECOND && via != 0)			\
			continue;					\
		land = landing(P_##pol, via);				\
		old = pages[land].flags;				\
		snap(before); SetPage##uname(&pages[via]);		\
		EXPECT_EQ(land, changed(before, &bits));		\
		EXPECT_EQ(bit, bits);					\
		EXPECT_TRUE(Page##uname(&pages[via]));			\
		snap(before); ClearPage##uname(&pages[via]);		\
		EXPECT_EQ(land, changed(before, &bits));		\
		EXPECT_EQ(bit, bits);					\
		EXPECT_FALSE(Page##uname(&pages[via]));			\
		EXPECT_FALSE(TestSetPage##uname(&pages[via]));		\
		EXPECT_TRUE(TestSetPage##uname(&pages[via]));		\
		EXPECT_EQ(old | bit, pages[land].flags);		\
		EXPECT_TRUE(TestClearPage##uname(&pages[via]));		\
		__SetPage##uname(&pages[via]);				\
		EXPECT_EQ(old | bit, pages[land].flags);		\
		__ClearPage##uname(&pages[via]);			\
		EXPECT_EQ(old, pages[land].flags);			\
	}								\
	/* Folio variants: always relative to the folio (head). */	\
	land = P_##pol == P_SECOND ? 1 : 0;				\
	snap(before); folio_set_##lname(folio);				\
	EXPECT_EQ(land, changed(before, &bits)); EXPECT_EQ(bit, bits);	\
	EXPECT_TRUE(folio_test_##lname(folio));				\
	if (P_##pol == P_HEAD || P_##pol == P_NO_TAIL)			\
		EXPECT_TRUE(Page##uname(&pages[3]));			\
	folio_clear_##lname(folio);					\
	EXPECT_FALSE(folio_test_##lname(folio));			\
	__folio_set_##lname(folio);					\
	EXPECT_TRUE(folio_test_##lname(folio));				\
	__folio_clear_##lname(folio);					\
	EXPECT_FALSE(folio_test_##lname(folio));			\
	EXPECT_FALSE(folio_test_set_##lname(folio));			\
	EXPECT_TRUE(folio_test_set_##lname(folio));			\
	EXPECT_TRUE(folio_test_clear_##lname(folio));			\
	EXPECT_FALSE(folio_test_clear_##lname(folio));			\
	/* Nothing but the compound state is left. */			\
	EXPECT_EQ(BIT(PG_head), pages[0].flags);			\
	EXPECT_EQ(2, pages[1].flags);	/* the folio order byte */	\
	EXPECT_EQ(0, pages[2].flags | pages[3].flags);			\
}

#define FAMILIES(X)							\
	X(Locked, locked, NO_TAIL)					\
	X(Writeback, writeback, NO_TAIL)				\
	X(Referenced, referenced, HEAD)					\
	X(Dirty, dirty, HEAD)						\
	X(LRU, lru, HEAD)						\
	X(Waiters, waiters, NO_TAIL)					\
	X(Active, active, HEAD)						\
	X(Workingset, workingset, HEAD)					\
	X(Checked, checked, NO_COMPOUND)				\
	X(AnonExclusive, anon_exclusive, ANY)				\
	X(MappedToDisk, mappedtodisk, NO_TAIL)				\
	X(Reserved, reserved, NO_COMPOUND)				\
	X(Private, private, ANY)					\
	X(Private2, private_2, ANY)					\
	X(Reclaim, reclaim, NO_TAIL)					\
	X(Readahead, readahead, NO_COMPOUND)				\
	X(SwapBacked, swapbacked, NO_TAIL)				\
	X(Unevictable, unevictable, HEAD)				\
	X(Dropbehind, dropbehind, HEAD)					\
	X(Mlocked, mlocked, NO_TAIL)					\
	X(HWPoison, hwpoison, ANY)					\
	X(Young, young, ANY)						\
	X(Idle, idle, ANY)						\
	X(Reported, reported, NO_COMPOUND)				\
	X(HasHWPoisoned, has_hwpoisoned, SECOND)			\
	X(LargeRmappable, large_rmappable, SECOND)			\
	X(PartiallyMapped, partially_mapped, SECOND)

FAMILIES(CHECK_FAMILY)

TEST(every_flag_family_on_plain_and_compound_pages)
{
#define RUN_FAMILY(u, l, p) check_##l(_metadata);
	FAMILIES(RUN_FAMILY)
#undef RUN_FAMILY
}

TEST(first_tail_flags_clear_of_the_order_byte)
{
	/* PF_SECOND flags share page[1].flags with the folio order. */
	EXPECT_GE(PG_has_hwpoisoned, 8);
	EXPECT_GE(PG_large_rmappable, 8);
	EXPECT_GE(PG_partially_mapped, 8);
	reset_pages();
	prep_compound_page(&pages[0], 3);
	folio_set_large_rmappable((struct folio *)pages);
	folio_set_partially_mapped((struct folio *)pages);
	EXPECT_EQ(3, folio_order((struct folio *)pages));
	EXPECT_EQ(8, folio_nr_pages((struct folio *)pages));
}

TEST(aliases_share_bits)
{
	EXPECT_EQ(PG_uptodate, PG_movable_ops);
	EXPECT_EQ(PG_reclaim, PG_movable_ops_isolated);
	EXPECT_EQ(PG_uptodate, PG_reported);
	EXPECT_EQ(PG_reclaim, PG_readahead);
	EXPECT_EQ(PG_owner_priv_1, PG_swapcache);
	EXPECT_EQ(PG_owner_priv_1, PG_checked);
	EXPECT_EQ(PG_owner_2, PG_anon_exclusive);
	EXPECT_EQ(PG_active, PG_has_hwpoisoned);
	EXPECT_EQ(PG_workingset, PG_large_rmappable);
	EXPECT_EQ(PG_reclaim, PG_partially_mapped);
	EXPECT_LE(__NR_PAGEFLAGS, NODES_PGSHIFT);

	reset_pages();
	/* PageMovableOps: test and set only; it is the uptodate bit. */
	EXPECT_FALSE(PageMovableOps(&pages[0]));
	SetPageMovableOps(&pages[0]);
	EXPECT_EQ(BIT(PG_uptodate), pages[0].flags);
	EXPECT_TRUE(PageMovableOps(&pages[0]));
	EXPECT_TRUE(PageUptodate(&pages[0]));
	EXPECT_TRUE(PageReported(&pages[0]));

	SetPageMovableOpsIsolated(&pages[0]);
	EXPECT_EQ(BIT(PG_uptodate) | BIT(PG_reclaim), pages[0].flags);
	EXPECT_TRUE(PageReclaim(&pages[0]));
	EXPECT_TRUE(PageMovableOpsIsolated(&pages[0]));
	ClearPageMovableOpsIsolated(&pages[0]);
	EXPECT_EQ(BIT(PG_uptodate), pages[0].flags);
	EXPECT_FALSE(PageMovableOpsIsolated(&pages[0]));

	/* Policy "no tail": through a tail the head's bit is meant. */
	reset_pages();
	prep_compound_page(&pages[0], 1);
	SetPageMovableOps(&pages[1]);
	EXPECT_EQ(BIT(PG_head) | BIT(PG_uptodate), pages[0].flags);
	EXPECT_TRUE(PageMovableOps(&pages[1]));
	SetPageMovableOpsIsolated(&pages[1]);
	EXPECT_TRUE(PageMovableOpsIsolated(&pages[0]));
	ClearPageMovableOpsIsolated(&pages[1]);
	EXPECT_FALSE(PageMovableOpsIsolated(&pages[0]));

	/* folio_mark_uptodate is the same bit again. */
	reset_pages();
	folio_mark_uptodate((struct folio *)&pages[0]);
	EXPECT_TRUE(PageMovableOps(&pages[0]));
	folio_clear_uptodate((struct folio *)&pages[0]);
	EXPECT_FALSE(PageMovableOps(&pages[0]));
}

TEST(swapcache_needs_swapbacked)
{
	struct folio *folio = (struct folio *)&pages[0];

	reset_pages();
	set_bit(PG_swapcache, &folio->flags);
	EXPECT_FALSE(folio_test_swapcache(folio));
	folio_set_swapbacked(folio);
	EXPECT_TRUE(folio_test_swapcache(folio));
}

TEST(page_type_encoding)
{
	struct page *p = &pages[0];

	reset_pages();
	EXPECT_EQ(UINT_MAX, p->page_type);
	EXPECT_EQ(UINT_MAX, PAGE_TYPE_NONE);
	EXPECT_FALSE(page_has_type(p));

	__SetPageOffline(p);
	EXPECT_EQ(0xf1000000u, p->page_type);
	EXPECT_EQ(PGTY_offline, page_get_type(p));
	EXPECT_TRUE(page_has_type(p));
	EXPECT_TRUE(PageOffline(p));
	EXPECT_FALSE(PageBuddy(p));
	EXPECT_FALSE(PageZsmalloc(p));

	/* The owner's low 24 bits do not change the type. */
	p->page_type |= 0x123456;
	EXPECT_TRUE(PageOffline(p));
	EXPECT_TRUE(folio_test_offline((struct folio *)p));
	/* __Set on an already-set type is a no-op: owner bits stay. */
	__SetPageOffline(p);
	EXPECT_EQ(0xf1123456u, p->page_type);
	/* __Clear resets the whole word, owner bits included. */
	__ClearPageOffline(p);
	EXPECT_EQ(UINT_MAX, p->page_type);
	EXPECT_EQ(-1, atomic_read(&p->_mapcount));
	/* __Clear on an untyped page is a no-op. */
	__ClearPageZsmalloc(p);
	EXPECT_EQ(UINT_MAX, p->page_type);

#define CHECK_TYPE(uname, val) do {					\
	reset_pages();							\
	__SetPage##uname(p);						\
	EXPECT_EQ((unsigned int)(val) << 24, p->page_type);		\
	EXPECT_TRUE(Page##uname(p));					\
	__ClearPage##uname(p);						\
	EXPECT_FALSE(Page##uname(p));					\
	EXPECT_EQ(UINT_MAX, p->page_type);				\
} while (0)
	CHECK_TYPE(Buddy, 0xf0);
	CHECK_TYPE(Offline, 0xf1);
	CHECK_TYPE(Table, 0xf2);
	CHECK_TYPE(Guard, 0xf3);
	CHECK_TYPE(HugeTLB, 0xf4);
	CHECK_TYPE(Slab, 0xf5);
	CHECK_TYPE(Zsmalloc, 0xf6);
	CHECK_TYPE(Unaccepted, 0xf7);
	CHECK_TYPE(LargeKmalloc, 0xf8);
#undef CHECK_TYPE

	/* folio_ type helpers go to the head's word. */
	reset_pages();
	__folio_set_zsmalloc((struct folio *)p);
	EXPECT_TRUE(folio_test_zsmalloc((struct folio *)p));
	__folio_clear_zsmalloc((struct folio *)p);
	EXPECT_EQ(UINT_MAX, p->page_type);
}

TEST(page_type_has_type_boundaries)
{
	/*
	 * As the kernel's page_has_type(): (word - 1) as an int below
	 * PGTY_mapcount_underflow << 24.
	 */
	EXPECT_FALSE(page_type_has_type(0xffffffffu));	/* no type */
	EXPECT_FALSE(page_type_has_type(0x00000000u));	/* mapped once */
	EXPECT_FALSE(page_type_has_type(0x7fffffffu));	/* huge mapcount */
	EXPECT_TRUE(page_type_has_type(0xf0000000u));	/* buddy */
	EXPECT_TRUE(page_type_has_type(0xf1123456u));	/* offline + owner bits */
	EXPECT_TRUE(page_type_has_type(0xf8000000u));
	EXPECT_TRUE(page_type_has_type(0xfeffffffu));
	/* The kernel subtracts one first: these two follow from it. */
	EXPECT_TRUE(page_type_has_type(0xff000000u));
	EXPECT_FALSE(page_type_has_type(0x80000000u));
	EXPECT_TRUE(page_type_has_type(0x80000001u));

	/* A mapped page (mapcount >= 0) is never typed. */
	reset_pages();
	atomic_set(&pages[0]._mapcount, 0);
	EXPECT_FALSE(page_has_type(&pages[0]));
	EXPECT_EQ(1, folio_mapcount((struct folio *)&pages[0]));
	EXPECT_TRUE(folio_mapped((struct folio *)&pages[0]));
	__SetPageTable(&pages[1]);
	EXPECT_FALSE(folio_mapped((struct folio *)&pages[1]));
}

TEST(page_has_movable_ops_truth_table)
{
	static const struct {
		const char *name;
		int type;		/* 0: untyped */
		bool want;
	} rows[] = {
		{ "none", 0, false },
		{ "offline", PGTY_offline, true },
		{ "zsmalloc", PGTY_zsmalloc, true },
		{ "buddy", PGTY_buddy, false },
		{ "table", PGTY_table, false },
		{ "slab", PGTY_slab, false },
	};
	struct page *p = &pages[0];

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		for (int flag = 0; flag < 2; flag++) {
			reset_pages();
			if (rows[i].type)
				p->page_type = (unsigned int)rows[i].type << 24 | 0x42;
			if (flag)
				SetPageMovableOps(p);
			if (page_has_movable_ops(p) != (flag && rows[i].want))
				FAIL("page_has_movable_ops(%s, flag=%d) = %d",
				     rows[i].name, flag, !flag || !rows[i].want);
			/* PG_movable_ops_isolated alone never makes one. */
			SetPageMovableOpsIsolated(p);
			EXPECT_EQ(flag && rows[i].want, page_has_movable_ops(p));
		}
	}
	/* An LRU folio with PG_uptodate set is not a movable_ops page. */
	reset_pages();
	SetPageLRU(p);
	folio_mark_uptodate((struct folio *)p);
	EXPECT_FALSE(page_has_movable_ops(p));
}

TEST(compound_page_layout)
{
	struct folio *folio = (struct folio *)pages;
	int i;

	reset_pages();
	EXPECT_EQ(0, folio_order(folio));
	EXPECT_EQ(1, folio_nr_pages(folio));
	EXPECT_FALSE(PageCompound(&pages[0]));

	prep_compound_page(&pages[0], 3);
	EXPECT_TRUE(PageHead(&pages[0]));
	EXPECT_FALSE(PageTail(&pages[0]));
	EXPECT_TRUE(folio_test_large(folio));
	for (i = 1; i < 8; i++) {
		EXPECT_TRUE(PageTail(&pages[i]));
		EXPECT_FALSE(PageHead(&pages[i]));
		EXPECT_TRUE(PageCompound(&pages[i]));
		EXPECT_EQ(&pages[0], compound_head(&pages[i]));
		EXPECT_EQ(folio, page_folio(&pages[i]));
		EXPECT_EQ((unsigned long)&pages[0] | 1, pages[i].compound_head);
	}
	EXPECT_EQ(&pages[0], compound_head(&pages[0]));
	EXPECT_EQ(3, folio_order(folio));
	EXPECT_EQ(8, folio_nr_pages(folio));
	EXPECT_EQ(3, compound_order(&pages[0]));
	EXPECT_EQ(0, compound_order(&pages[1]));
	EXPECT_EQ(8 * PAGE_SIZE, folio_size(folio));
	EXPECT_EQ(8, folio->_folio_nr_pages);
	EXPECT_EQ(-1, atomic_read(&folio->_large_mapcount));
	EXPECT_EQ(-1, atomic_read(&folio->_entire_mapcount));
	EXPECT_EQ(0, atomic_read(&folio->_pincount));
	EXPECT_EQ(0, atomic_read(&folio->_nr_pages_mapped));
	EXPECT_TRUE(list_empty(&folio->_deferred_list));
	/* Head page words are untouched. */
	EXPECT_EQ(-1, atomic_read(&pages[0]._mapcount));
	EXPECT_EQ(0, pages[0].flags & ~BIT(PG_head));
	/* Order-1 folios have no second tail page to initialise. */
	reset_pages();
	prep_compound_page(&pages[0], 1);
	EXPECT_EQ(1, folio_order(folio));
	EXPECT_EQ(0, pages[2].compound_head);
	EXPECT_FALSE(PageTail(&pages[2]));
}

TEST(struct_sizes)
{
	EXPECT_EQ(64, sizeof(struct page));
	EXPECT_EQ(3 * sizeof(struct page), sizeof(struct folio));
	EXPECT_EQ(offsetof(struct page, flags), offsetof(struct folio, flags));
	EXPECT_EQ(offsetof(struct page, _refcount), offsetof(struct folio, _refcount));
	EXPECT_EQ(offsetof(struct page, _mapcount), offsetof(struct page, page_type));
	EXPECT_EQ(offsetof(struct page, lru.next), offsetof(struct page, compound_head));
	EXPECT_EQ(sizeof(struct page), offsetof(struct folio, _flags_1));
	EXPECT_EQ(2 * sizeof(struct page), offsetof(struct folio, _flags_2));
}
