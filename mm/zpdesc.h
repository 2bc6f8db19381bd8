/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct zpdesc: zsmalloc's view of a struct page.  Each component page of
 * a zspage is described by the struct page it overlays:
 *
 *	flags		PG_private marks the zspage's first page; PG_locked
 *	lru		not used by zsmalloc; the migration core's while isolated
 *	movable_ops	at ->mapping; unused since the series (stays NULL)
 *	next / handle	at ->index: the next page of the chain, or for a huge
 *			zspage (one object filling one page) the object's handle
 *	zspage		at ->private: the owning zspage, NULL once destroyed
 *	first_obj_offset in the low 24 bits of ->page_type, below the
 *			PGTY_zsmalloc type byte
 *	_refcount	zsmalloc's reference, plus the core's while isolated
 */
#ifndef _PAGEMIG_MM_ZPDESC_H
#define _PAGEMIG_MM_ZPDESC_H

#include <pagemig/mm.h>

struct zspage;

struct zpdesc {
	unsigned long flags;
	struct list_head lru;
	unsigned long movable_ops;
	union {
		struct zpdesc *next;
		unsigned long handle;
	};
	struct zspage *zspage;
	unsigned int first_obj_offset;
	atomic_t _refcount;
	unsigned long memcg_data;
};

#define ZPDESC_MATCH(pg, zp) _Static_assert(offsetof(struct page, pg) == \
	offsetof(struct zpdesc, zp), "zpdesc/page mismatch: " #zp)
ZPDESC_MATCH(flags, flags);
ZPDESC_MATCH(lru, lru);
ZPDESC_MATCH(mapping, movable_ops);
ZPDESC_MATCH(__folio_index, next);
ZPDESC_MATCH(__folio_index, handle);
ZPDESC_MATCH(private, zspage);
ZPDESC_MATCH(page_type, first_obj_offset);
ZPDESC_MATCH(_refcount, _refcount);
#undef ZPDESC_MATCH
_Static_assert(sizeof(struct zpdesc) <= sizeof(struct page), "zpdesc too big");

#define zpdesc_page(zp)		((struct page *)(zp))
#define page_zpdesc(p)		((struct zpdesc *)(p))

static inline struct zpdesc *pfn_zpdesc(unsigned long pfn)
{
	return page_zpdesc(pfn_to_page(pfn));
}

static inline unsigned long zpdesc_pfn(struct zpdesc *zpdesc)
{
	return page_to_pfn(zpdesc_page(zpdesc));
}

static inline void *zpdesc_address(struct zpdesc *zpdesc)
{
	return page_address(zpdesc_page(zpdesc));
}

static inline bool zpdesc_trylock(struct zpdesc *zpdesc)
{
	return trylock_page(zpdesc_page(zpdesc));
}

static inline void zpdesc_unlock(struct zpdesc *zpdesc)
{
	unlock_page(zpdesc_page(zpdesc));
}

static inline void zpdesc_get(struct zpdesc *zpdesc)
{
	get_page(zpdesc_page(zpdesc));
}

static inline void zpdesc_put(struct zpdesc *zpdesc)
{
	put_page(zpdesc_page(zpdesc));
}

static inline struct zone *zpdesc_zone(struct zpdesc *zpdesc)
{
	return page_zone(zpdesc_page(zpdesc));
}

static inline struct zspage *zpdesc_zspage(struct zpdesc *zpdesc)
{
	return (struct zspage *)READ_ONCE(zpdesc_page(zpdesc)->private);
}

static inline void zpdesc_set_zspage(struct zpdesc *zpdesc, struct zspage *zspage)
{
	set_page_private(zpdesc_page(zpdesc), (unsigned long)zspage);
}

/* Type first, flag second: see SetZsPageMovable(). */
static inline void __zpdesc_set_zsmalloc(struct zpdesc *zpdesc)
{
	__SetPageZsmalloc(zpdesc_page(zpdesc));
}

static inline void __zpdesc_set_movable(struct zpdesc *zpdesc)
{
	SetPageMovableOps(zpdesc_page(zpdesc));
}

#define FIRST_OBJ_PAGE_TYPE_MASK	0xffffffU

static inline unsigned int get_first_obj_offset(struct zpdesc *zpdesc)
{
	return READ_ONCE(zpdesc->first_obj_offset) & FIRST_OBJ_PAGE_TYPE_MASK;
}

static inline void set_first_obj_offset(struct zpdesc *zpdesc, unsigned int offset)
{
	unsigned int type = READ_ONCE(zpdesc->first_obj_offset) & ~FIRST_OBJ_PAGE_TYPE_MASK;

	WRITE_ONCE(zpdesc->first_obj_offset, type | (offset & FIRST_OBJ_PAGE_TYPE_MASK));
}

#endif /* _PAGEMIG_MM_ZPDESC_H */
