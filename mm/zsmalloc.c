// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc: an allocator for many small objects of arbitrary size, packed
 * tightly into pages -- the store behind zram's compressed pages.
 *
 * Objects are grouped by size into 255 size classes, 16 bytes apart.  A
 * class allocates "zspages": chains of 1..ZS_MAX_PAGES_PER_ZSPAGE pages
 * chosen so that as little of the chain as possible is wasted; objects
 * are laid end to end along the chain and may straddle a page boundary.
 * Adjacent classes whose zspage shape comes out identical share one class.
 * A class keeps its zspages on fullness lists (empty, 10% steps, full) so
 * allocation fills the fullest ones first and compaction can empty the
 * sparsest ones into the fullest.
 *
 * A handle (what zs_malloc() returns) is the address of a word holding
 * the object's current location, (PFN of the page where it starts, index
 * in the zspage).  Objects move -- by zs_compact() and by page migration --
 * and only that word changes, so handles stay valid.
 *
 * zsmalloc pages are movable_ops pages: each is PageZsmalloc (set when the
 * zspage is built, sticky until the page is freed) and PG_movable_ops (set
 * once the zspage is complete), and their callbacks are registered for
 * PGTY_zsmalloc from the first pool until the machine is torn down
 * (zs_exit()).  page->mapping is never used.  A zspage -- even its whole
 * pool -- may be destroyed while one of its pages is isolated (the page
 * lock is dropped between isolation and migration); the page then has
 * no zspage, isolate refuses it, migrate reports success without doing
 * anything, putback does nothing.
 *
 * Lock order:
 *	page lock (taken by the migration core, or trylocked by free_zspage())
 *	  pool->lock (rwlock: lookups and frees read, migration/compaction write)
 *	    class->lock
 *	      zspage->lock (readers may sleep; writers only trylock)
 *	        zs_isolate_lock (decoupled movable_ops core only)
 *
 * Decoupled movable_ops core (movable_ops_decoupled): no page lock and no
 * core reference.  Isolation claims PG_movable_ops_isolated under
 * zs_isolate_lock, on a page that still has a zspage; a zspage is
 * destroyed only under zs_isolate_lock and class->lock, and only when
 * none of its pages is isolated -- otherwise it waits on the empty list
 * (the deferred free), and putback or migration, which end the isolation
 * under class->lock, kick the free worker.  A pool is destroyed only once
 * every such zspage is gone.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/explain.h>
#include <pagemig/mm.h>
#include <pagemig/zsmalloc.h>
#include <pagemig/migrate.h>
#include <pagemig/completion.h>
#include <pagemig/vmstat.h>
#include "zpdesc.h"
#include "internal.h"

#define ZS_MAX_PAGES_PER_ZSPAGE	8	/* CONFIG_ZSMALLOC_CHAIN_SIZE default */
#define ZS_HANDLE_SIZE		(sizeof(unsigned long))

/* obj = PFN << OBJ_INDEX_BITS | index; the handle word in an object has tag bit 0. */
#define MAX_POSSIBLE_PHYSMEM_BITS 46
#define _PFN_BITS		(MAX_POSSIBLE_PHYSMEM_BITS - PAGE_SHIFT)
#define OBJ_ALLOCATED_TAG	1UL
#define OBJ_TAG_BITS		1
#define OBJ_TAG_MASK		OBJ_ALLOCATED_TAG
#define OBJ_INDEX_BITS		(BITS_PER_LONG - _PFN_BITS)
#define OBJ_INDEX_MASK		((1UL << OBJ_INDEX_BITS) - 1)

#define ZS_MIN_ALLOC_SIZE	32
#define ZS_MAX_ALLOC_SIZE	PAGE_SIZE
#define CLASS_BITS		8
#define ZS_SIZE_CLASS_DELTA	(PAGE_SIZE >> CLASS_BITS)
#define ZS_SIZE_CLASSES		(DIV_ROUND_UP(ZS_MAX_ALLOC_SIZE - ZS_MIN_ALLOC_SIZE, \
				 ZS_SIZE_CLASS_DELTA) + 1)

_Static_assert(ZS_SIZE_CLASSES == ZS_SIZE_CLASSES_NR, "size class count");
_Static_assert(ZS_MIN_ALLOC_SIZE >= (ZS_MAX_PAGES_PER_ZSPAGE << PAGE_SHIFT >> OBJ_INDEX_BITS),
	       "objects too small for the index bits");

/* Fullness groups: 0 empty, 1..10 by tenths of use, 11 full. */
enum fullness_group {
	ZS_INUSE_RATIO_0,
	ZS_INUSE_RATIO_10,
	ZS_INUSE_RATIO_99 = 10,
	ZS_INUSE_RATIO_100,
	NR_FULLNESS_GROUPS,
};

enum class_stat_type {
	ZS_OBJS_ALLOCATED = NR_FULLNESS_GROUPS,	/* the first 12 count zspages per group */
	ZS_OBJS_INUSE,
	NR_CLASS_STAT_TYPES,
};

struct size_class {
	spinlock_t lock;		/* fullness lists, stats, objects' free lists */
	struct list_head fullness_list[NR_FULLNESS_GROUPS];
	int size;			/* object size including the handle header */
	int objs_per_zspage;
	int pages_per_zspage;
	unsigned int index;
	unsigned long stats[NR_CLASS_STAT_TYPES];
};

#define ZSPAGE_MAGIC	0x58

/*
 * A zspage: the chain of pages of one class.  Fields below "list" are
 * protected by the class lock; first_zpdesc changes only under the pool
 * write lock plus class lock (migration).
 */
struct zspage {
	/*
	 * Set when the zspage is built: lookups read these bits with no
	 * class lock (zs_obj_read_begin(), zs_free() before it takes one).
	 */
	unsigned int huge:1;
	unsigned int class:CLASS_BITS + 1;
	unsigned int magic:8;
	/*
	 * Changes under class->lock all the time, so it must not share a
	 * word with the bits above: a bitfield store is a read-modify-write
	 * of the whole word, a data race with those lock-free reads.
	 */
	unsigned int fullness;
	unsigned int inuse;		/* allocated objects */
	unsigned int freeobj;		/* first free object index */
	struct zpdesc *first_zpdesc;
	struct list_head list;		/* in its class's fullness list */
	struct zs_pool *pool;
	atomic_t lock;			/* see zspage_read_lock() */
};

#define ZS_PAGE_UNLOCKED	0
#define ZS_PAGE_WRLOCKED	-1

struct zs_pool {
	const char *name;
	struct size_class *size_class[ZS_SIZE_CLASSES];
	atomic_long_t pages_allocated;
	struct zs_pool_stats stats;	/* pages_compacted: atomic updates */
	atomic_t compaction_in_progress;
	rwlock_t lock;			/* see the lock order above */
	size_t huge_class_size;

	/* Deferred frees of empty zspages whose page locks were busy. */
	struct task_struct *free_worker;
	struct wait_queue_head free_wq;
	unsigned long free_requests, free_done;	/* free_wq's lock-free counters */
	bool stopping;
};

static struct lock_class_key zspage_lock_key = { "zspage->lock", LOCK_RANK_ZSPAGE };
static const struct movable_operations zsmalloc_mops;
/* zsmalloc_mops hold the PGTY_zsmalloc slot; see zs_register_mops(). */
static bool mops_registered;
/* Decoupled core: isolation against zspage destruction (see the top). */
static spinlock_t zs_isolate_lock = { 0, { "zs_isolate_lock", LOCK_RANK_ZS_ISOLATE } };
static DEFINE_MUTEX_STATIC(mops_mutex, LOCK_RANK_SUBSYS);

/* ------------------------------------------------------------------ */
/* Small helpers */

static inline void class_stat_add(struct size_class *class, int type, unsigned long cnt)
{
	WRITE_ONCE(class->stats[type], class->stats[type] + cnt);
}

static inline void class_stat_sub(struct size_class *class, int type, unsigned long cnt)
{
	WRITE_ONCE(class->stats[type], class->stats[type] - cnt);
}

static inline unsigned long zs_stat_get(struct size_class *class, int type)
{
	return READ_ONCE(class->stats[type]);
}

static inline bool ZsHugePage(struct zspage *zspage)
{
	return zspage->huge;
}

static inline struct zspage *get_zspage(struct zpdesc *zpdesc)
{
	struct zspage *zspage = zpdesc_zspage(zpdesc);

	BUG_ON(zspage->magic != ZSPAGE_MAGIC);
	return zspage;
}

static inline struct zpdesc *get_first_zpdesc(struct zspage *zspage)
{
	struct zpdesc *first = READ_ONCE(zspage->first_zpdesc);

	VM_BUG_ON_PAGE(!PagePrivate(zpdesc_page(first)), zpdesc_page(first));
	return first;
}

static inline struct zpdesc *get_next_zpdesc(struct zpdesc *zpdesc)
{
	if (unlikely(ZsHugePage(get_zspage(zpdesc))))
		return NULL;
	return (struct zpdesc *)READ_ONCE(zpdesc->next);
}

static inline struct size_class *zspage_class(struct zs_pool *pool,
					      struct zspage *zspage)
{
	return pool->size_class[zspage->class];
}

static inline unsigned long location_to_obj(struct zpdesc *zpdesc, unsigned int obj_idx)
{
	return (zpdesc_pfn(zpdesc) << OBJ_INDEX_BITS) | (obj_idx & OBJ_INDEX_MASK);
}

static inline void obj_to_location(unsigned long obj, struct zpdesc **zpdesc,
				   unsigned int *obj_idx)
{
	*zpdesc = pfn_zpdesc(obj >> OBJ_INDEX_BITS);
	*obj_idx = (unsigned int)(obj & OBJ_INDEX_MASK);
}

static inline unsigned long handle_to_obj(unsigned long handle)
{
	return READ_ONCE(*(unsigned long *)handle);
}

static inline void record_obj(unsigned long handle, unsigned long obj)
{
	WRITE_ONCE(*(unsigned long *)handle, obj);
}

/* Is the object at @obj (page @zpdesc) allocated?  Its handle if so. */
static bool obj_allocated(struct zpdesc *zpdesc, void *obj, unsigned long *phandle)
{
	struct zspage *zspage = get_zspage(zpdesc);
	unsigned long handle;

	if (unlikely(ZsHugePage(zspage)))
		handle = READ_ONCE(zpdesc->handle);
	else
		handle = *(unsigned long *)obj;
	if (!(handle & OBJ_ALLOCATED_TAG))
		return false;
	*phandle = handle & ~OBJ_TAG_MASK;
	return true;
}

/* ---- the zspage lock: sleeping readers, trylock-only writers ---- */

static void zspage_lock_init(struct zspage *zspage)
{
	atomic_set(&zspage->lock, ZS_PAGE_UNLOCKED);
}

static void zspage_read_lock(struct zspage *zspage)
{
	int old = atomic_read(&zspage->lock);

	lockdep_acquire(&zspage->lock, &zspage_lock_key, false);
	for (;;) {
		if (old == ZS_PAGE_WRLOCKED) {
			cond_resched();
			old = atomic_read(&zspage->lock);
			continue;
		}
		if (atomic_try_cmpxchg(&zspage->lock, &old, old + 1))
			return;
	}
}

static void zspage_read_unlock(struct zspage *zspage)
{
	atomic_dec_return(&zspage->lock);
	lockdep_release(&zspage->lock);
}

static bool zspage_write_trylock(struct zspage *zspage)
{
	int old = ZS_PAGE_UNLOCKED;

	if (atomic_try_cmpxchg(&zspage->lock, &old, ZS_PAGE_WRLOCKED)) {
		lockdep_acquire(&zspage->lock, &zspage_lock_key, true);
		return true;
	}
	return false;
}

static void zspage_write_unlock(struct zspage *zspage)
{
	__atomic_store_n(&zspage->lock.counter, ZS_PAGE_UNLOCKED, __ATOMIC_RELEASE);
	lockdep_release(&zspage->lock);
}

/* ---- fullness lists ---- */

static int get_fullness_group(struct size_class *class, struct zspage *zspage)
{
	unsigned int inuse = zspage->inuse, objs = (unsigned int)class->objs_per_zspage;

	if (inuse == 0)
		return ZS_INUSE_RATIO_0;
	if (inuse == objs)
		return ZS_INUSE_RATIO_100;
	return (int)(100 * inuse / objs) / 10 + 1;
}

static void insert_zspage(struct size_class *class, struct zspage *zspage, int fullness)
{
	class_stat_add(class, fullness, 1);
	list_add(&zspage->list, &class->fullness_list[fullness]);
	zspage->fullness = (unsigned int)fullness;
}

static void remove_zspage(struct size_class *class, struct zspage *zspage)
{
	int fullness = (int)zspage->fullness;

	VM_BUG_ON(list_empty(&class->fullness_list[fullness]));
	list_del_init(&zspage->list);
	class_stat_sub(class, fullness, 1);
}

/* Move @zspage to the list its use now calls for.  Returns the group. */
static int fix_fullness_group(struct size_class *class, struct zspage *zspage)
{
	int newfg = get_fullness_group(class, zspage);

	if (newfg == (int)zspage->fullness)
		return newfg;
	remove_zspage(class, zspage);
	insert_zspage(class, zspage, newfg);
	return newfg;
}

/* ------------------------------------------------------------------ */
/* Building and destroying zspages */

/*
 * How many pages a zspage of @class_size objects chains (6.3+ rule):
 * one for a power of two, which packs a page exactly; otherwise the
 * length in 1..ZS_MAX_PAGES_PER_ZSPAGE that leaves the fewest bytes
 * unused after the last whole object, the shortest one on a tie.
 * Before 6.3 it was the best whole percentage of the chain used, which
 * often picked a shorter chain with more waste.
 */
static int calculate_zspage_chain_size(int class_size)
{
	int i, min_waste = INT_MAX, chain_size = 1;

	if (!(class_size & (class_size - 1)))
		return 1;
	for (i = 1; i <= ZS_MAX_PAGES_PER_ZSPAGE; i++) {
		int waste = i * (int)PAGE_SIZE % class_size;

		if (waste < min_waste) {
			min_waste = waste;
			chain_size = i;
		}
	}
	return chain_size;
}

static unsigned int get_size_class_index(size_t size)
{
	unsigned int idx = 0;

	if (likely(size > ZS_MIN_ALLOC_SIZE))
		idx = (unsigned int)DIV_ROUND_UP(size - ZS_MIN_ALLOC_SIZE,
						 ZS_SIZE_CLASS_DELTA);
	return min(idx, (unsigned int)ZS_SIZE_CLASSES - 1);
}

/* Link the pages into a chain and point each at its zspage. */
static void create_page_chain(struct size_class *class, struct zspage *zspage,
			      struct zpdesc *zpdescs[])
{
	struct zpdesc *prev = NULL;
	int i;

	for (i = 0; i < class->pages_per_zspage; i++) {
		struct zpdesc *zpdesc = zpdescs[i];

		zpdesc_set_zspage(zpdesc, zspage);
		WRITE_ONCE(zpdesc->next, NULL);
		if (i == 0) {
			WRITE_ONCE(zspage->first_zpdesc, zpdesc);
			SetPagePrivate(zpdesc_page(zpdesc));
			/* Once: migration rebuilds the chain under readers' feet. */
			if (class->objs_per_zspage == 1 && class->pages_per_zspage == 1 &&
			    !zspage->huge)
				zspage->huge = 1;
		} else {
			WRITE_ONCE(prev->next, zpdesc);
		}
		prev = zpdesc;
	}
}

/*
 * Thread the free list through a new zspage: every object's first word
 * holds the next free index (tag bit clear); the last one holds all ones.
 * Each page records where the first object starting in it begins.
 */
static void init_zspage(struct size_class *class, struct zspage *zspage)
{
	struct zpdesc *zpdesc = get_first_zpdesc(zspage);
	unsigned int freeobj = 1;
	unsigned long off = 0;

	while (zpdesc) {
		struct zpdesc *next_zpdesc;
		unsigned long *link;
		char *vaddr;

		set_first_obj_offset(zpdesc, (unsigned int)off);
		vaddr = zpdesc_address(zpdesc);
		link = (unsigned long *)(vaddr + off);
		while ((off += (unsigned long)class->size) < PAGE_SIZE) {
			*link = (unsigned long)freeobj++ << OBJ_TAG_BITS;
			link += class->size / sizeof(*link);
		}
		/* The last object starting here links on into the next page. */
		next_zpdesc = get_next_zpdesc(zpdesc);
		if (next_zpdesc)
			*link = (unsigned long)freeobj++ << OBJ_TAG_BITS;
		else
			*link = -1UL << OBJ_TAG_BITS;
		zpdesc = next_zpdesc;
		off %= PAGE_SIZE;
	}
	zspage->inuse = 0;
	zspage->freeobj = 0;
}

static struct zpdesc *alloc_zpdesc(gfp_t gfp)
{
	struct page *page;

	if (should_fail(FAULT_ZSPAGE_ALLOC))
		return NULL;
	page = alloc_page(gfp);
	return page ? page_zpdesc(page) : NULL;
}

/*
 * Release a page zsmalloc no longer wants.  PageZsmalloc (and
 * PG_movable_ops, if set) stay: the page allocator's free path clears
 * them, so the page never stops being recognisably movable_ops while
 * someone else may hold a reference.
 */
static void free_zpdesc(struct zpdesc *zpdesc)
{
	__free_page(zpdesc_page(zpdesc));
}

/* A zspage descriptor of @class with no pages yet. */
static struct zspage *zspage_new(struct zs_pool *pool, struct size_class *class)
{
	struct zspage *zspage;

	if (should_fail(FAULT_KMALLOC))
		return NULL;
	zspage = calloc(1, sizeof(*zspage));
	if (!zspage)
		return NULL;
	zspage->magic = ZSPAGE_MAGIC;
	zspage->pool = pool;
	zspage->class = class->index;
	INIT_LIST_HEAD(&zspage->list);
	zspage_lock_init(zspage);
	return zspage;
}

static struct zspage *alloc_zspage(struct zs_pool *pool, struct size_class *class,
				   gfp_t gfp)
{
	struct zpdesc *zpdescs[ZS_MAX_PAGES_PER_ZSPAGE];
	struct zspage *zspage;
	int i;

	zspage = zspage_new(pool, class);
	if (!zspage)
		return NULL;

	for (i = 0; i < class->pages_per_zspage; i++) {
		struct zpdesc *zpdesc = alloc_zpdesc(gfp);

		if (!zpdesc) {
			/* The type stays on the pages we free (sticky). */
			while (--i >= 0) {
				dec_zone_page_state(zpdesc_page(zpdescs[i]), NR_ZSPAGES);
				free_zpdesc(zpdescs[i]);
			}
			free(zspage);
			return NULL;
		}
		__zpdesc_set_zsmalloc(zpdesc);
		inc_zone_page_state(zpdesc_page(zpdesc), NR_ZSPAGES);
		zpdescs[i] = zpdesc;
	}
	create_page_chain(class, zspage, zpdescs);
	init_zspage(class, zspage);
	return zspage;
}

/*
 * The zspage is complete: make its pages visible to compaction.  Under
 * class->lock; nobody else can hold these page locks yet, because
 * isolation looks at page_has_movable_ops() before it trylocks.
 */
static void SetZsPageMovable(struct zspage *zspage)
{
	struct zpdesc *zpdesc = get_first_zpdesc(zspage);

	do {
		WARN_ON(!zpdesc_trylock(zpdesc));
		__zpdesc_set_movable(zpdesc);
		zpdesc_unlock(zpdesc);
	} while ((zpdesc = get_next_zpdesc(zpdesc)) != NULL);
}

/* The page leaves its zspage: owner data goes, type and flag stay. */
static void reset_zpdesc(struct zpdesc *zpdesc)
{
	ClearPagePrivate(zpdesc_page(zpdesc));
	zpdesc_set_zspage(zpdesc, NULL);
	WRITE_ONCE(zpdesc->next, NULL);
}

static bool trylock_zspage(struct zspage *zspage)
{
	struct zpdesc *cursor, *fail;

	for (cursor = get_first_zpdesc(zspage); cursor;
	     cursor = get_next_zpdesc(cursor)) {
		if (!zpdesc_trylock(cursor)) {
			fail = cursor;
			goto unlock;
		}
	}
	return true;
unlock:
	for (cursor = get_first_zpdesc(zspage); cursor != fail;
	     cursor = get_next_zpdesc(cursor))
		zpdesc_unlock(cursor);
	return false;
}

/* Destroy an empty zspage whose pages we hold locked.  Under class->lock. */
static void __free_zspage(struct zs_pool *pool, struct size_class *class,
			  struct zspage *zspage)
{
	struct zpdesc *zpdesc, *next;

	lockdep_assert_held(&class->lock);
	VM_BUG_ON(zspage->inuse);
	VM_BUG_ON(zspage->fullness != ZS_INUSE_RATIO_0);

	zpdesc = get_first_zpdesc(zspage);
	do {
		/* Decoupled: zs_isolate_lock instead of the page locks. */
		if (!movable_ops_decoupled)
			VM_BUG_ON_PAGE(!PageLocked(zpdesc_page(zpdesc)), zpdesc_page(zpdesc));
		next = get_next_zpdesc(zpdesc);
		reset_zpdesc(zpdesc);
		if (!movable_ops_decoupled)
			zpdesc_unlock(zpdesc);
		dec_zone_page_state(zpdesc_page(zpdesc), NR_ZSPAGES);
		zpdesc_put(zpdesc);
		zpdesc = next;
	} while (zpdesc);

	zspage->magic = 0;
	free(zspage);
	class_stat_sub(class, ZS_OBJS_ALLOCATED, (unsigned long)class->objs_per_zspage);
	atomic_long_sub(class->pages_per_zspage, &pool->pages_allocated);
}

static void kick_deferred_free(struct zs_pool *pool)
{
	__atomic_fetch_add(&pool->free_requests, 1, __ATOMIC_RELEASE);
	wake_up(&pool->free_wq);
}

/*
 * Decoupled core: destroy an empty zspage (off its fullness list) unless
 * one of its pages is isolated.  Under class->lock.  The check and the
 * reset of every page's zspage pointer happen under zs_isolate_lock, so
 * an isolator either claimed a page first (we refuse) or finds no zspage.
 */
static bool free_zspage_unless_isolated(struct zs_pool *pool,
					struct size_class *class,
					struct zspage *zspage)
{
	struct zpdesc *zpdesc;

	lockdep_assert_held(&class->lock);
	spin_lock(&zs_isolate_lock);
	for (zpdesc = get_first_zpdesc(zspage); zpdesc;
	     zpdesc = get_next_zpdesc(zpdesc)) {
		if (PageMovableOpsIsolated(zpdesc_page(zpdesc))) {
			spin_unlock(&zs_isolate_lock);
			return false;
		}
	}
	__free_zspage(pool, class, zspage);
	spin_unlock(&zs_isolate_lock);
	return true;
}

/*
 * An empty zspage.  zs_free() cannot sleep here (class->lock), so it only
 * trylocks the pages; if one is busy -- typically isolated for migration
 * right now -- the zspage stays on the empty list for the free worker.
 */
static void free_zspage(struct zs_pool *pool, struct size_class *class,
			struct zspage *zspage)
{
	VM_BUG_ON(zspage->inuse);
	VM_BUG_ON(zspage->fullness != ZS_INUSE_RATIO_0);

	if (movable_ops_decoupled) {
		remove_zspage(class, zspage);
		if (!free_zspage_unless_isolated(pool, class, zspage))
			/* Isolated: the end of the isolation kicks the worker. */
			insert_zspage(class, zspage, ZS_INUSE_RATIO_0);
		return;
	}
	if (!trylock_zspage(zspage)) {
		kick_deferred_free(pool);
		return;
	}
	remove_zspage(class, zspage);
	__free_zspage(pool, class, zspage);
}

/*
 * Lock every page of an empty zspage, sleeping as needed.  A page we have
 * not locked yet may be migrated out of the chain while we wait, so each
 * step re-reads the chain under the zspage read lock, and a page we wait
 * for is pinned by a reference first.
 */
static void lock_zspage(struct zspage *zspage)
{
	struct zpdesc *curr, *zpdesc;

	for (;;) {
		zspage_read_lock(zspage);
		zpdesc = get_first_zpdesc(zspage);
		if (zpdesc_trylock(zpdesc))
			break;
		zpdesc_get(zpdesc);
		zspage_read_unlock(zspage);
		wait_on_bit(&zpdesc_page(zpdesc)->flags, PG_locked, PG_waiters);
		zpdesc_put(zpdesc);
	}
	curr = zpdesc;
	while ((zpdesc = get_next_zpdesc(curr))) {
		if (zpdesc_trylock(zpdesc)) {
			curr = zpdesc;
			continue;
		}
		zpdesc_get(zpdesc);
		zspage_read_unlock(zspage);
		wait_on_bit(&zpdesc_page(zpdesc)->flags, PG_locked, PG_waiters);
		zpdesc_put(zpdesc);
		zspage_read_lock(zspage);
	}
	zspage_read_unlock(zspage);
}

/* Destroy every zspage left on an empty list. */
static void async_free_zspage(struct zs_pool *pool)
{
	struct zspage *zspage, *tmp;
	LIST_HEAD(free_pages);
	unsigned int i;

	for (i = 0; i < (int)ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (class->index != i)
			continue;
		spin_lock(&class->lock);
		list_splice_init(&class->fullness_list[ZS_INUSE_RATIO_0], &free_pages);
		spin_unlock(&class->lock);
	}

	list_for_each_entry_safe(zspage, tmp, &free_pages, list) {
		struct size_class *class;

		list_del(&zspage->list);
		if (movable_ops_decoupled) {
			class = zspage_class(pool, zspage);
			spin_lock(&class->lock);
			class_stat_sub(class, ZS_INUSE_RATIO_0, 1);
			if (!free_zspage_unless_isolated(pool, class, zspage))
				insert_zspage(class, zspage, ZS_INUSE_RATIO_0);
			spin_unlock(&class->lock);
			continue;
		}
		lock_zspage(zspage);
		class = zspage_class(pool, zspage);
		spin_lock(&class->lock);
		class_stat_sub(class, ZS_INUSE_RATIO_0, 1);
		__free_zspage(pool, class, zspage);
		spin_unlock(&class->lock);
	}
}

/* kernel: pool->free_work on the system workqueue; here a kthread. */
static int zs_free_worker(void *data)
{
	struct zs_pool *pool = data;

	while (!READ_ONCE(pool->stopping)) {
		unsigned long req = __atomic_load_n(&pool->free_requests, __ATOMIC_ACQUIRE);

		if (req != READ_ONCE(pool->free_done)) {
			async_free_zspage(pool);
			__atomic_store_n(&pool->free_done, req, __ATOMIC_RELEASE);
			wake_up(&pool->free_wq);
			continue;
		}
		wait_event_timeout(pool->free_wq,
				   __atomic_load_n(&pool->free_requests, __ATOMIC_ACQUIRE) !=
				   READ_ONCE(pool->free_done) || READ_ONCE(pool->stopping),
				   1000);
	}
	return 0;
}

/**
 * zs_flush_deferred - run the deferred zspage frees now and wait for them
 * @pool: the pool
 */
void zs_flush_deferred(struct zs_pool *pool)
{
	unsigned long req;

	kick_deferred_free(pool);
	req = __atomic_load_n(&pool->free_requests, __ATOMIC_ACQUIRE);
	wait_event_timeout(pool->free_wq,
			   (long)(__atomic_load_n(&pool->free_done, __ATOMIC_ACQUIRE) - req) >= 0,
			   10000);
}

/* ------------------------------------------------------------------ */
/* Objects */

static unsigned long obj_malloc(struct zs_pool *pool, struct zspage *zspage,
				unsigned long handle)
{
	struct size_class *class = zspage_class(pool, zspage);
	unsigned int obj_idx = zspage->freeobj, nr_zpdesc, i;
	unsigned long offset = (unsigned long)obj_idx * (unsigned long)class->size;
	unsigned long m_offset, obj, *link;
	struct zpdesc *m_zpdesc;

	nr_zpdesc = (unsigned int)(offset >> PAGE_SHIFT);
	m_offset = offset & ~PAGE_MASK;
	m_zpdesc = get_first_zpdesc(zspage);
	for (i = 0; i < nr_zpdesc; i++)
		m_zpdesc = get_next_zpdesc(m_zpdesc);

	link = (unsigned long *)((char *)zpdesc_address(m_zpdesc) + m_offset);
	zspage->freeobj = (unsigned int)(*link >> OBJ_TAG_BITS);
	if (likely(!ZsHugePage(zspage)))
		*link = handle | OBJ_ALLOCATED_TAG;
	else
		WRITE_ONCE(get_first_zpdesc(zspage)->handle, handle | OBJ_ALLOCATED_TAG);
	zspage->inuse++;

	obj = location_to_obj(m_zpdesc, obj_idx);
	record_obj(handle, obj);
	return obj;
}

static void obj_free(int class_size, unsigned long obj)
{
	struct zpdesc *f_zpdesc;
	struct zspage *zspage;
	unsigned int f_objidx;
	unsigned long *link;

	obj_to_location(obj, &f_zpdesc, &f_objidx);
	zspage = get_zspage(f_zpdesc);
	link = (unsigned long *)((char *)zpdesc_address(f_zpdesc) +
		(((unsigned long)class_size * f_objidx) & ~PAGE_MASK));
	if (likely(!ZsHugePage(zspage)))
		*link = (unsigned long)zspage->freeobj << OBJ_TAG_BITS;
	else
		WRITE_ONCE(f_zpdesc->handle, 0);
	zspage->freeobj = f_objidx;
	zspage->inuse--;
}

/*
 * The first object of a zspage nobody has seen yet: account the zspage to
 * the pool and its class, put it on its fullness list and let compaction
 * see its pages.  Under class->lock.
 */
static void obj_malloc_new_zspage(struct zs_pool *pool, struct size_class *class,
				  struct zspage *zspage, unsigned long handle)
{
	lockdep_assert_held(&class->lock);
	obj_malloc(pool, zspage, handle);
	insert_zspage(class, zspage, get_fullness_group(class, zspage));
	atomic_long_add(class->pages_per_zspage, &pool->pages_allocated);
	class_stat_add(class, ZS_OBJS_ALLOCATED, (unsigned long)class->objs_per_zspage);
	class_stat_add(class, ZS_OBJS_INUSE, 1);
	SetZsPageMovable(zspage);
}

/* The fullest zspage that still has room (99% down to empty). */
static struct zspage *find_get_zspage(struct size_class *class)
{
	int i;

	for (i = ZS_INUSE_RATIO_99; i >= ZS_INUSE_RATIO_0; i--) {
		struct zspage *zspage = list_first_entry_or_null(&class->fullness_list[i],
								 struct zspage, list);
		if (zspage)
			return zspage;
	}
	return NULL;
}

static unsigned long cache_alloc_handle(void)
{
	if (should_fail(FAULT_ZS_HANDLE_ALLOC))
		return 0;
	return (unsigned long)calloc(1, sizeof(unsigned long));
}

static void cache_free_handle(unsigned long handle)
{
	free((void *)handle);
}

/* The error handle for a size zs_malloc() does not serve. */
static unsigned long zs_size_error(size_t size)
{
	return size ? (unsigned long)-ENOSPC : (unsigned long)-EINVAL;
}

/**
 * zs_malloc - allocate an object from the pool
 * @pool: the pool
 * @size: bytes wanted, 1..PAGE_SIZE
 * @gfp: flags for any new pages (zram: movable high memory)
 * @nid: preferred node (one node here; ignored)
 *
 * Return: a handle, or (unsigned long)-EINVAL for size 0,
 * (unsigned long)-ENOSPC for more than a page (as the kernel), or
 * (unsigned long)-ENOMEM.  Test with zs_handle_error().
 */
unsigned long zs_malloc(struct zs_pool *pool, size_t size, gfp_t gfp, int nid)
{
	struct size_class *class;
	struct zspage *zspage;
	unsigned long handle;

	if (unlikely(!size || size > ZS_MAX_ALLOC_SIZE))
		return zs_size_error(size);
	handle = cache_alloc_handle();
	if (!handle)
		return (unsigned long)-ENOMEM;

	/* Room for the handle in front of the object. */
	size += ZS_HANDLE_SIZE;
	class = pool->size_class[get_size_class_index(size)];

	spin_lock(&class->lock);
	zspage = find_get_zspage(class);
	if (likely(zspage)) {
		obj_malloc(pool, zspage, handle);
		fix_fullness_group(class, zspage);
		class_stat_add(class, ZS_OBJS_INUSE, 1);
		goto out;
	}
	spin_unlock(&class->lock);

	zspage = alloc_zspage(pool, class, gfp);
	if (!zspage) {
		cache_free_handle(handle);
		return (unsigned long)-ENOMEM;
	}

	spin_lock(&class->lock);
	obj_malloc_new_zspage(pool, class, zspage, handle);
out:
	spin_unlock(&class->lock);
	return handle;
}

/**
 * zs_malloc_adopt - allocate an object in a new zspage made of @page
 * @pool: the pool
 * @size: bytes wanted, as for zs_malloc(); its class must use one page
 *	per zspage (the huge class, or a size that divides a page well)
 * @page: an allocated order-0 page, one reference, no type, not on any
 *	list; it becomes the zspage's only page
 *
 * kpageflags imports (facade/kpageflags.c) recreate zsmalloc pages at
 * the PFNs a snapshot names, and zs_malloc() cannot be asked for a PFN.
 * The zspage is built as alloc_zspage() builds one, then gets its first
 * object as in zs_malloc().  On failure @page is left as it came.
 * kernel: no equivalent.
 *
 * Return: a handle, or (unsigned long)-EINVAL / -ENOSPC for a size
 * zs_malloc() refuses or whose class spans pages, or -ENOMEM.  Test
 * with zs_handle_error().
 */
unsigned long zs_malloc_adopt(struct zs_pool *pool, size_t size, struct page *page)
{
	struct zpdesc *zpdesc = page_zpdesc(page);
	struct size_class *class;
	struct zspage *zspage;
	unsigned long handle;

	if (unlikely(!size || size > ZS_MAX_ALLOC_SIZE))
		return zs_size_error(size);
	class = pool->size_class[get_size_class_index(size + ZS_HANDLE_SIZE)];
	if (class->pages_per_zspage != 1)
		return (unsigned long)-EINVAL;
	VM_BUG_ON_PAGE(page_count(page) != 1 || page_has_type(page), page);
	handle = cache_alloc_handle();
	if (!handle)
		return (unsigned long)-ENOMEM;
	zspage = zspage_new(pool, class);
	if (!zspage) {
		cache_free_handle(handle);
		return (unsigned long)-ENOMEM;
	}
	__zpdesc_set_zsmalloc(zpdesc);
	inc_zone_page_state(page, NR_ZSPAGES);
	create_page_chain(class, zspage, &zpdesc);
	init_zspage(class, zspage);

	spin_lock(&class->lock);
	obj_malloc_new_zspage(pool, class, zspage, handle);
	spin_unlock(&class->lock);
	return handle;
}

/**
 * zs_free - free an object
 * @pool: the pool
 * @handle: from zs_malloc(); error handles are ignored
 *
 * An emptied zspage is destroyed at once if its pages can be locked
 * without waiting, else by the pool's free worker.
 */
void zs_free(struct zs_pool *pool, unsigned long handle)
{
	struct zpdesc *f_zpdesc;
	struct size_class *class;
	struct zspage *zspage;
	unsigned int obj_idx;
	unsigned long obj;
	int fullness;

	if (zs_handle_error(handle))
		return;

	/* The pool lock keeps migration from moving the object under us. */
	read_lock(&pool->lock);
	obj = handle_to_obj(handle);
	obj_to_location(obj, &f_zpdesc, &obj_idx);
	zspage = get_zspage(f_zpdesc);
	class = zspage_class(pool, zspage);
	spin_lock(&class->lock);
	read_unlock(&pool->lock);

	class_stat_sub(class, ZS_OBJS_INUSE, 1);
	obj_free(class->size, obj);
	fullness = fix_fullness_group(class, zspage);
	if (fullness == ZS_INUSE_RATIO_0)
		free_zspage(pool, class, zspage);
	spin_unlock(&class->lock);
	cache_free_handle(handle);
}

/**
 * zs_obj_read_begin - map an object for reading
 * @pool: the pool
 * @handle: the object
 * @local_copy: a buffer of at least the object's size, used when the
 *	object straddles two pages
 *
 * Until zs_obj_read_end() the object's zspage cannot be migrated or
 * compacted (migration fails with -EINVAL meanwhile).
 *
 * Context: may sleep.
 * Return: a pointer to the object's bytes.
 */
void *zs_obj_read_begin(struct zs_pool *pool, unsigned long handle, void *local_copy)
{
	struct size_class *class;
	struct zpdesc *zpdesc;
	struct zspage *zspage;
	unsigned int obj_idx;
	unsigned long off;
	char *addr;

	read_lock(&pool->lock);
	obj_to_location(handle_to_obj(handle), &zpdesc, &obj_idx);
	zspage = get_zspage(zpdesc);
	/* Pin the zspage's pages where they are. */
	zspage_read_lock(zspage);
	read_unlock(&pool->lock);

	class = zspage_class(pool, zspage);
	off = ((unsigned long)class->size * obj_idx) & ~PAGE_MASK;
	debug_yield();
	if (off + (unsigned long)class->size <= PAGE_SIZE) {
		addr = (char *)zpdesc_address(zpdesc) + off;
	} else {
		size_t first = PAGE_SIZE - off;

		addr = local_copy;
		memcpy(addr, (char *)zpdesc_address(zpdesc) + off, first);
		zpdesc = get_next_zpdesc(zpdesc);
		memcpy(addr + first, zpdesc_address(zpdesc), (size_t)class->size - first);
	}
	if (!ZsHugePage(zspage))
		addr += ZS_HANDLE_SIZE;
	return addr;
}

/**
 * zs_obj_read_end - done reading an object
 * @pool: the pool
 * @handle: the object
 * @handle_mem: what zs_obj_read_begin() returned
 */
void zs_obj_read_end(struct zs_pool *pool, unsigned long handle, void *handle_mem)
{
	struct zpdesc *zpdesc;
	unsigned int obj_idx;

	/* Read-locked: the object cannot have moved since read_begin. */
	obj_to_location(handle_to_obj(handle), &zpdesc, &obj_idx);
	zspage_read_unlock(get_zspage(zpdesc));
}

/**
 * zs_obj_write - copy bytes into an object
 * @pool: the pool
 * @handle: the object
 * @handle_mem: the bytes
 * @mem_len: how many; at most the size given to zs_malloc()
 */
void zs_obj_write(struct zs_pool *pool, unsigned long handle, const void *handle_mem,
		  size_t mem_len)
{
	struct size_class *class;
	struct zpdesc *zpdesc;
	struct zspage *zspage;
	unsigned int obj_idx;
	unsigned long off;

	read_lock(&pool->lock);
	obj_to_location(handle_to_obj(handle), &zpdesc, &obj_idx);
	zspage = get_zspage(zpdesc);
	zspage_read_lock(zspage);
	read_unlock(&pool->lock);

	class = zspage_class(pool, zspage);
	off = ((unsigned long)class->size * obj_idx) & ~PAGE_MASK;
	if (!ZsHugePage(zspage))
		off += ZS_HANDLE_SIZE;
	if (off + mem_len <= PAGE_SIZE) {
		memcpy((char *)zpdesc_address(zpdesc) + off, handle_mem, mem_len);
	} else {
		size_t first = PAGE_SIZE - off;

		memcpy((char *)zpdesc_address(zpdesc) + off, handle_mem, first);
		zpdesc = get_next_zpdesc(zpdesc);
		memcpy(zpdesc_address(zpdesc), (const char *)handle_mem + first,
		       mem_len - first);
	}
	zspage_read_unlock(zspage);
}

/* ------------------------------------------------------------------ */
/* Compaction inside the pool */

/* Copy one object's bytes from @src to @dst, either may straddle pages. */
static void zs_object_copy(struct size_class *class, unsigned long dst,
			   unsigned long src)
{
	struct zpdesc *s_zpdesc, *d_zpdesc;
	unsigned int s_objidx, d_objidx;
	unsigned long s_off, d_off;
	size_t size = (size_t)class->size;

	obj_to_location(src, &s_zpdesc, &s_objidx);
	obj_to_location(dst, &d_zpdesc, &d_objidx);
	s_off = ((unsigned long)class->size * s_objidx) & ~PAGE_MASK;
	d_off = ((unsigned long)class->size * d_objidx) & ~PAGE_MASK;

	while (size) {
		size_t n = min(size, min(PAGE_SIZE - s_off, PAGE_SIZE - d_off));

		memcpy((char *)zpdesc_address(d_zpdesc) + d_off,
		       (char *)zpdesc_address(s_zpdesc) + s_off, n);
		size -= n;
		s_off += n;
		d_off += n;
		if (s_off == PAGE_SIZE) {
			s_zpdesc = get_next_zpdesc(s_zpdesc);
			s_off = 0;
		}
		if (d_off == PAGE_SIZE) {
			d_zpdesc = get_next_zpdesc(d_zpdesc);
			d_off = 0;
		}
	}
}

/* The next allocated object starting in @zpdesc at or after *obj_idx. */
static unsigned long find_alloced_obj(struct size_class *class,
				      struct zpdesc *zpdesc, int *obj_idx)
{
	unsigned long offset = get_first_obj_offset(zpdesc) +
			       (unsigned long)class->size * (unsigned long)*obj_idx;
	char *addr = zpdesc_address(zpdesc);
	unsigned long handle = 0;
	int index = *obj_idx;

	while (offset < PAGE_SIZE) {
		if (obj_allocated(zpdesc, addr + offset, &handle))
			break;
		handle = 0;
		offset += (unsigned long)class->size;
		index++;
	}
	*obj_idx = index;
	return handle;
}

/* Move objects from @src to @dst until one is empty or the other full. */
static void migrate_zspage(struct zs_pool *pool, struct zspage *src_zspage,
			   struct zspage *dst_zspage)
{
	struct zpdesc *s_zpdesc = get_first_zpdesc(src_zspage);
	struct size_class *class = pool->size_class[src_zspage->class];
	int obj_idx = 0;

	for (;;) {
		unsigned long handle = find_alloced_obj(class, s_zpdesc, &obj_idx);
		unsigned long used_obj, free_obj;

		if (!handle) {
			s_zpdesc = get_next_zpdesc(s_zpdesc);
			if (!s_zpdesc)
				break;
			obj_idx = 0;
			continue;
		}
		used_obj = handle_to_obj(handle);
		free_obj = obj_malloc(pool, dst_zspage, handle);
		zs_object_copy(class, free_obj, used_obj);
		obj_idx++;
		obj_free(class->size, used_obj);

		if (dst_zspage->inuse == (unsigned int)class->objs_per_zspage)
			break;
		if (!src_zspage->inuse)
			break;
	}
}

/*
 * Take the first zspage off the in-use fullness lists, scanning from
 * group @from towards @to: sparsest first for a source, fullest first
 * for a destination.  Empty and full zspages are never picked.
 */
static struct zspage *isolate_zspage(struct size_class *class, int from, int to)
{
	int step = from <= to ? 1 : -1, fg;

	for (fg = from; fg != to + step; fg += step) {
		struct zspage *zspage = list_first_entry_or_null(&class->fullness_list[fg],
								 struct zspage, list);
		if (zspage) {
			remove_zspage(class, zspage);
			return zspage;
		}
	}
	return NULL;
}

static struct zspage *isolate_src_zspage(struct size_class *class)
{
	return isolate_zspage(class, ZS_INUSE_RATIO_10, ZS_INUSE_RATIO_99);
}

static struct zspage *isolate_dst_zspage(struct size_class *class)
{
	return isolate_zspage(class, ZS_INUSE_RATIO_99, ZS_INUSE_RATIO_10);
}

static int putback_zspage(struct size_class *class, struct zspage *zspage)
{
	int fullness = get_fullness_group(class, zspage);

	insert_zspage(class, zspage, fullness);
	return fullness;
}

/* Pages compaction could free in @class: whole zspages' worth of holes. */
static unsigned long zs_can_compact(struct size_class *class)
{
	unsigned long allocated = zs_stat_get(class, ZS_OBJS_ALLOCATED);
	unsigned long used = zs_stat_get(class, ZS_OBJS_INUSE);

	if (allocated <= used)
		return 0;
	return (allocated - used) / (unsigned long)class->objs_per_zspage *
	       (unsigned long)class->pages_per_zspage;
}

static unsigned long __zs_compact(struct zs_pool *pool, struct size_class *class)
{
	struct zspage *src_zspage = NULL, *dst_zspage = NULL;
	unsigned long pages_freed = 0;

	/* Against migration and zs_free(): handle -> location must not change. */
	write_lock(&pool->lock);
	spin_lock(&class->lock);
	while (zs_can_compact(class)) {
		int fg;

		if (!dst_zspage) {
			dst_zspage = isolate_dst_zspage(class);
			if (!dst_zspage)
				break;
		}
		src_zspage = isolate_src_zspage(class);
		if (!src_zspage)
			break;
		/* A reader is decompressing from it: leave this class. */
		if (!zspage_write_trylock(src_zspage))
			break;

		migrate_zspage(pool, src_zspage, dst_zspage);
		zspage_write_unlock(src_zspage);

		fg = putback_zspage(class, src_zspage);
		if (fg == ZS_INUSE_RATIO_0) {
			free_zspage(pool, class, src_zspage);
			pages_freed += (unsigned long)class->pages_per_zspage;
		}
		src_zspage = NULL;

		/*
		 * A full destination ends a round; so does anyone waiting for
		 * the pool lock (a reader, zs_free(), migration), who would
		 * otherwise wait for the whole class.  The next round picks
		 * the fullest destination again.
		 */
		if (get_fullness_group(class, dst_zspage) == ZS_INUSE_RATIO_100 ||
		    rwlock_is_contended(&pool->lock)) {
			putback_zspage(class, dst_zspage);
			dst_zspage = NULL;
			spin_unlock(&class->lock);
			write_unlock(&pool->lock);
			cond_resched();
			write_lock(&pool->lock);
			spin_lock(&class->lock);
		}
	}
	if (src_zspage)
		putback_zspage(class, src_zspage);
	if (dst_zspage)
		putback_zspage(class, dst_zspage);
	spin_unlock(&class->lock);
	write_unlock(&pool->lock);
	return pages_freed;
}

/**
 * zs_compact - pack every class's objects into as few zspages as possible
 * @pool: the pool
 *
 * One compaction per pool at a time; a second caller returns at once.
 *
 * Return: the number of pages freed (zspages freed later by the free
 * worker are counted when they were emptied).
 */
unsigned long zs_compact(struct zs_pool *pool)
{
	unsigned long pages_freed = 0;
	int i;

	if (atomic_cmpxchg(&pool->compaction_in_progress, 0, 1))
		return 0;
	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		struct size_class *class = pool->size_class[i];

		if (class->index != (unsigned int)i)
			continue;
		pages_freed += __zs_compact(pool, class);
	}
	__atomic_fetch_add(&pool->stats.pages_compacted, pages_freed, __ATOMIC_RELAXED);
	atomic_set(&pool->compaction_in_progress, 0);
	return pages_freed;
}

/* ------------------------------------------------------------------ */
/* Page migration (movable_ops) */

static bool zs_page_isolate(struct page *page, isolate_mode_t mode)
{
	bool isolated = false;

	/*
	 * Decoupled core: no page lock.  The page may have been freed and
	 * reused since the core looked; a zsmalloc page with a zspage is
	 * ours, and its zspage is destroyed only under zs_isolate_lock.
	 */
	if (movable_ops_decoupled) {
		spin_lock(&zs_isolate_lock);
		if (PageZsmalloc(page) && page_has_movable_ops(page) &&
		    zpdesc_zspage(page_zpdesc(page)) &&
		    !TestSetPageMovableOpsIsolated(page))
			isolated = true;
		spin_unlock(&zs_isolate_lock);
		return isolated;
	}
	/*
	 * The page is locked, so its zspage cannot be destroyed under us;
	 * refuse a page whose zspage is already gone.
	 */
	return zpdesc_zspage(page_zpdesc(page)) != NULL;
}

/* Put @newzpdesc in @oldzpdesc's place in the chain. */
static void replace_sub_page(struct size_class *class, struct zspage *zspage,
			     struct zpdesc *newzpdesc, struct zpdesc *oldzpdesc)
{
	struct zpdesc *zpdescs[ZS_MAX_PAGES_PER_ZSPAGE] = { NULL };
	struct zpdesc *zpdesc = get_first_zpdesc(zspage);
	int idx = 0;

	do {
		zpdescs[idx++] = zpdesc == oldzpdesc ? newzpdesc : zpdesc;
	} while ((zpdesc = get_next_zpdesc(zpdesc)) != NULL);

	create_page_chain(class, zspage, zpdescs);
	set_first_obj_offset(newzpdesc, get_first_obj_offset(oldzpdesc));
	if (unlikely(ZsHugePage(zspage)))
		WRITE_ONCE(newzpdesc->handle, READ_ONCE(oldzpdesc->handle));
	__zpdesc_set_movable(newzpdesc);
}

static int zs_page_migrate(struct page *newpage, struct page *page,
			   enum migrate_mode mode)
{
	struct zpdesc *newzpdesc = page_zpdesc(newpage);
	struct zpdesc *zpdesc = page_zpdesc(page);
	struct size_class *class;
	struct zs_pool *pool;
	struct zspage *zspage;
	char *s_addr, *addr;
	unsigned int offset;

	/*
	 * Destroyed while isolated (the page lock is dropped between
	 * isolation and migration): nothing to move; report success as the
	 * core would, and it frees both pages.  The decoupled core defers
	 * the destruction instead, so there it cannot happen.
	 */
	if (!zpdesc_zspage(zpdesc)) {
		if (WARN_ON_ONCE(movable_ops_decoupled))
			return -EBUSY;
		explain_owner_says("freed while isolated, nothing copied");
		return 0;
	}

	/* The page is locked: the zspage cannot go away. */
	zspage = get_zspage(zpdesc);
	pool = zspage->pool;

	/* Against zs_free() and lookups: the handle -> location map. */
	write_lock(&pool->lock);
	class = zspage_class(pool, zspage);
	/* Against allocation and freeing inside the zspage. */
	spin_lock(&class->lock);
	/*
	 * Against readers: one may be decompressing from this zspage for
	 * as long as it likes, so don't wait.  6.17 returns -EINVAL here
	 * (permanent for this run), and so does linux-mm in 2026.
	 */
	if (!zspage_write_trylock(zspage)) {
		spin_unlock(&class->lock);
		write_unlock(&pool->lock);
		explain_owner_says("zsmalloc: a reader has the zspage mapped");
		return -EINVAL;
	}

	/* Committed: the new page becomes a zsmalloc page. */
	__zpdesc_set_zsmalloc(newzpdesc);

	offset = get_first_obj_offset(zpdesc);
	s_addr = zpdesc_address(zpdesc);
	memcpy(zpdesc_address(newzpdesc), s_addr, PAGE_SIZE);
	for (addr = s_addr + offset; addr < s_addr + PAGE_SIZE; addr += class->size) {
		unsigned long handle;

		if (obj_allocated(zpdesc, addr, &handle)) {
			struct zpdesc *dummy;
			unsigned int obj_idx;

			obj_to_location(handle_to_obj(handle), &dummy, &obj_idx);
			record_obj(handle, location_to_obj(newzpdesc, obj_idx));
		}
	}
	replace_sub_page(class, zspage, newzpdesc, zpdesc);
	if (movable_ops_decoupled) {
		/*
		 * The old page leaves zsmalloc and its isolation ends, under
		 * zs_isolate_lock: no isolator may claim it from here on.
		 * An emptied zspage waiting for it gets freed by the worker.
		 */
		spin_lock(&zs_isolate_lock);
		reset_zpdesc(zpdesc);
		ClearPageMovableOpsIsolated(page);
		spin_unlock(&zs_isolate_lock);
		/* Under class->lock, so the pool outlives the kick. */
		if (!zspage->inuse)
			kick_deferred_free(pool);
	}

	/*
	 * Copy and chain done: readers may map the zspage again.  Decoupled
	 * core: the zspage may be freed once class->lock goes, so its lock
	 * goes first.
	 */
	write_unlock(&pool->lock);
	if (movable_ops_decoupled)
		zspage_write_unlock(zspage);
	spin_unlock(&class->lock);
	if (!movable_ops_decoupled)
		zspage_write_unlock(zspage);

	/* Decoupled core: the core hands its reference on the new page over. */
	if (!movable_ops_decoupled)
		zpdesc_get(newzpdesc);
	if (zpdesc_zone(newzpdesc) != zpdesc_zone(zpdesc)) {
		dec_zone_page_state(page, NR_ZSPAGES);
		inc_zone_page_state(newpage, NR_ZSPAGES);
	}
	if (!movable_ops_decoupled)
		reset_zpdesc(zpdesc);
	/* zsmalloc's reference; decoupled core: the last, freeing the page. */
	zpdesc_put(zpdesc);
	return 0;
}

static void zs_page_putback(struct page *page)
{
	struct zspage *zspage;
	struct size_class *class;

	/* 6.17 core: nothing to do, zsmalloc keeps no list of its pages. */
	if (!movable_ops_decoupled)
		return;
	/*
	 * Decoupled: end the isolation under class->lock, where the free
	 * path checks it.  The zspage (and pool) cannot be gone: its
	 * destruction waits for this page.
	 */
	zspage = zpdesc_zspage(page_zpdesc(page));
	if (WARN_ON_ONCE(!zspage)) {
		ClearPageMovableOpsIsolated(page);
		return;
	}
	class = zspage_class(zspage->pool, zspage);
	spin_lock(&class->lock);
	ClearPageMovableOpsIsolated(page);
	/* Under class->lock: the zspage and pool outlive the kick. */
	if (!zspage->inuse)
		kick_deferred_free(zspage->pool);
	spin_unlock(&class->lock);
}

static const struct movable_operations zsmalloc_mops = {
	.isolate_page = zs_page_isolate,
	.migrate_page = zs_page_migrate,
	.putback_page = zs_page_putback,
};

/* ------------------------------------------------------------------ */
/* Registration */

/*
 * kernel: zs_init() registers zsmalloc_mops at module init and zs_exit()
 * unregisters them at module exit, so the callbacks outlive every pool.
 * Here the first pool of a machine registers -- so a test's stand-in owner may hold the slot on a
 * machine that never makes a pool -- and the registration lasts until
 * the machine is torn down: a page of a destroyed zspage, or of a
 * destroyed pool, may still sit on an isolator's list, and putback or
 * migration of it needs the callbacks.
 */
static int zs_register_mops(void)
{
	int ret = 0;

	if (!IS_ENABLED(CONFIG_COMPACTION))
		return 0;
	mutex_lock(&mops_mutex);
	if (!mops_registered) {
		ret = set_movable_ops(&zsmalloc_mops, PGTY_zsmalloc);
		mops_registered = !ret;
	}
	mutex_unlock(&mops_mutex);
	return ret;
}

/**
 * zs_validate - the movable_ops invariants of zsmalloc pages
 * @f: where to report each bad page, or NULL
 *
 * By the memmap, at a quiet point: a zsmalloc page holds a reference; an
 * isolated one is still a movable_ops page; and in the decoupled
 * movable_ops core an isolated page still has its zspage (destruction
 * waits for the isolation to end) and no zsmalloc page is locked
 * (nothing takes the page lock there).  6.17 core: a page may lose its
 * zspage while isolated, and the core and zs_free() lock pages.
 *
 * Return: the number of bad pages.
 */
unsigned long zs_validate(FILE *f)
{
	unsigned long pfn, bad = 0;

	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);
		bool isolated;
		const char *why = NULL;

		if (!PageZsmalloc(page))
			continue;
		isolated = PageMovableOpsIsolated(page);
		if (page_ref_count(page) < 1)
			why = "no reference";
		else if (isolated && !page_has_movable_ops(page))
			why = "isolated but not a movable_ops page";
		else if (movable_ops_decoupled && isolated &&
			 !zpdesc_zspage(page_zpdesc(page)))
			why = "isolated, its zspage destroyed";
		else if (movable_ops_decoupled && PageLocked(page))
			why = "locked";
		if (why) {
			if (f)
				fprintf(f, "validate: zsmalloc pfn %#lx: %s\n", pfn, why);
			bad++;
		}
	}
	return bad;
}

/**
 * zs_exit - unregister zsmalloc's movable_ops at machine teardown
 *
 * Runs after every pool is gone and nothing isolates or migrates any
 * more (kernel: module exit).  Does nothing if no pool registered them.
 */
void zs_exit(void)
{
	mutex_lock(&mops_mutex);
	if (mops_registered)
		set_movable_ops(NULL, PGTY_zsmalloc);
	mops_registered = false;
	mutex_unlock(&mops_mutex);
}

/* ------------------------------------------------------------------ */
/* Pools */

static void zs_shrinker_scan(void *data)
{
	zs_compact(data);
}

static unsigned long zs_shrinker_count(void *data)
{
	struct zs_pool *pool = data;
	unsigned long pages = 0;
	int i;

	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		struct size_class *class = pool->size_class[i];

		if (class->index == (unsigned int)i)
			pages += zs_can_compact(class);
	}
	return pages;
}

static void destroy_classes(struct zs_pool *pool)
{
	int i;

	for (i = 0; i < (int)ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (class && class->index == (unsigned int)i)
			free(class);
	}
}

/**
 * zs_create_pool - create a pool
 * @name: for reports
 *
 * The first pool of a machine registers zsmalloc's movable_ops for
 * PGTY_zsmalloc; they stay registered until zs_exit().
 *
 * Return: the pool, or NULL (out of memory, or the movable_ops slot is
 * taken by someone else).
 */
struct zs_pool *zs_create_pool(const char *name)
{
	struct size_class *prev_class = NULL;
	struct zs_pool *pool;
	int i;

	if (zs_register_mops())
		return NULL;
	if (should_fail(FAULT_KMALLOC))
		return NULL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->name = name;
	rwlock_init_named(&pool->lock, "zs_pool->lock", LOCK_RANK_ZS_MIGRATE);
	init_waitqueue_head(&pool->free_wq);

	/* Largest first, so a smaller class can reuse an identical larger one. */
	for (i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		int size = ZS_MIN_ALLOC_SIZE + i * (int)ZS_SIZE_CLASS_DELTA;
		int pages_per_zspage, objs_per_zspage, fg;
		struct size_class *class;

		if (size > (int)ZS_MAX_ALLOC_SIZE)
			size = (int)ZS_MAX_ALLOC_SIZE;
		pages_per_zspage = calculate_zspage_chain_size(size);
		objs_per_zspage = pages_per_zspage * (int)PAGE_SIZE / size;

		/*
		 * The first class (from the top) with more than one object
		 * per zspage ends the huge classes.  zs_malloc() adds the
		 * handle size before it picks a class, so the threshold
		 * callers see is that much smaller.
		 */
		if (pages_per_zspage != 1 && objs_per_zspage != 1 && !pool->huge_class_size)
			pool->huge_class_size = (size_t)size - (ZS_HANDLE_SIZE - 1);

		if (prev_class && prev_class->pages_per_zspage == pages_per_zspage &&
		    prev_class->objs_per_zspage == objs_per_zspage) {
			pool->size_class[i] = prev_class;
			continue;
		}
		class = calloc(1, sizeof(*class));
		if (!class)
			goto err;
		class->size = size;
		class->index = (unsigned int)i;
		class->pages_per_zspage = pages_per_zspage;
		class->objs_per_zspage = objs_per_zspage;
		spin_lock_init_named(&class->lock, "size_class->lock", LOCK_RANK_ZS_CLASS);
		for (fg = 0; fg < NR_FULLNESS_GROUPS; fg++)
			INIT_LIST_HEAD(&class->fullness_list[fg]);
		pool->size_class[i] = class;
		prev_class = class;
	}

	pool->free_worker = kthread_run_on_cpu(zs_free_worker, pool, 0, "zs_free");
	if (!pool->free_worker)
		goto err;

	register_shrinker(zs_shrinker_count, zs_shrinker_scan, pool);
	return pool;

err:
	destroy_classes(pool);
	destroy_waitqueue_head(&pool->free_wq);
	free(pool);
	return NULL;
}

/* Empty zspages still waiting for the free worker. */
static unsigned long zs_nr_deferred(struct zs_pool *pool)
{
	unsigned long nr = 0;
	int i;

	for (i = 0; i < (int)ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];

		if (class->index != (unsigned int)i)
			continue;
		spin_lock(&class->lock);
		nr += zs_stat_get(class, ZS_INUSE_RATIO_0);
		spin_unlock(&class->lock);
	}
	return nr;
}

/*
 * How long zs_destroy_pool() waits, in the decoupled movable_ops core,
 * for the isolators of its last pages.  An isolation lasts one
 * migrate_pages() call, so this is generous; a test lowers it.
 */
static unsigned int zs_destroy_wait_ms = 10000;

/*
 * Decoupled core: wait until no empty zspage is left waiting for the end
 * of an isolation.  Return: true once none is left, false on timeout.
 */
static bool zs_wait_for_isolated(struct zs_pool *pool)
{
	unsigned int waited = 0;

	zs_flush_deferred(pool);
	while (movable_ops_decoupled && zs_nr_deferred(pool)) {
		if (waited++ >= zs_destroy_wait_ms)
			return false;
		msleep(1);
		zs_flush_deferred(pool);
	}
	return true;
}

/**
 * zs_destroy_pool - destroy a pool; every object must have been freed
 * @pool: the pool
 *
 * Objects still allocated are reported and their pages leaked.  The
 * movable_ops stay registered (see zs_register_mops()): one of the
 * pool's pages may still be isolated.
 *
 * Decoupled movable_ops core: a zspage with an isolated page is destroyed
 * only when the isolation ends, so this waits for the isolators -- at
 * most zs_destroy_wait_ms.  A caller that holds such a page isolated
 * itself would wait forever; instead it gets a warning and -EBUSY, and
 * the pool stays usable until it ends the isolation and calls again.
 * kernel: void; a 6.17 zspage is destroyed under an isolated page.
 *
 * Return: 0, or -EBUSY (decoupled core only) with the pool untouched.
 */
int zs_destroy_pool(struct zs_pool *pool)
{
	int i;

	unregister_shrinker(pool);
	if (!zs_wait_for_isolated(pool)) {
		pr_err("zsmalloc: pool %s: a page stays isolated after %u ms; not destroyed\n",
		       pool->name, zs_destroy_wait_ms);
		WARN_ON(1);
		register_shrinker(zs_shrinker_count, zs_shrinker_scan, pool);
		return -EBUSY;
	}
	WRITE_ONCE(pool->stopping, true);
	wake_up(&pool->free_wq);
	kthread_stop(pool->free_worker);

	for (i = 0; i < (int)ZS_SIZE_CLASSES; i++) {
		struct size_class *class = pool->size_class[i];
		int fg;

		if (class->index != (unsigned int)i)
			continue;
		for (fg = ZS_INUSE_RATIO_0; fg < NR_FULLNESS_GROUPS; fg++)
			if (!list_empty(&class->fullness_list[fg]))
				pr_warn("zsmalloc: pool %s class %d fullness group %d is not empty\n",
					pool->name, class->size, fg);
	}
	destroy_classes(pool);
	destroy_waitqueue_head(&pool->free_wq);
	free(pool);
	return 0;
}

/**
 * zs_huge_class_size - objects at least this big get a page of their own
 * @pool: the pool
 *
 * Return: the size; zram stores such pages uncompressed.
 */
size_t zs_huge_class_size(struct zs_pool *pool)
{
	return pool->huge_class_size;
}

/**
 * zs_get_total_pages - pages the pool holds
 * @pool: the pool
 *
 * Return: the count.
 */
unsigned long zs_get_total_pages(struct zs_pool *pool)
{
	return (unsigned long)atomic_long_read(&pool->pages_allocated);
}

/**
 * zs_pool_stats - the pool's statistics
 * @pool: the pool
 * @stats: filled in
 */
void zs_pool_stats(struct zs_pool *pool, struct zs_pool_stats *stats)
{
	stats->pages_compacted = __atomic_load_n(&pool->stats.pages_compacted,
						 __ATOMIC_RELAXED);
}

/**
 * zs_lookup_class_index - the class whose objects are @size bytes, rounded up
 * @pool: the pool
 * @size: an object size as stored, header included: zs_malloc() adds
 *	ZS_HANDLE_SIZE to its caller's size before it picks a class, and
 *	this does not (as in the kernel, where zram passes compressed
 *	lengths to compare classes)
 *
 * Return: the class index (of the larger class a merged size shares).
 */
unsigned int zs_lookup_class_index(struct zs_pool *pool, unsigned int size)
{
	return pool->size_class[get_size_class_index(size)]->index;
}

/**
 * zs_class_info - the shape and occupancy of one size class
 * @pool: the pool
 * @index: 0 .. ZS_SIZE_CLASSES_NR - 1
 * @info: filled in
 *
 * Return: 0, or -EINVAL for a bad index.
 */
int zs_class_info(struct zs_pool *pool, unsigned int index, struct zs_class_info *info)
{
	struct size_class *class;
	int fg;

	if (index >= ZS_SIZE_CLASSES)
		return -EINVAL;
	class = pool->size_class[index];
	memset(info, 0, sizeof(*info));
	spin_lock(&class->lock);
	info->size = (unsigned int)class->size;
	info->pages_per_zspage = (unsigned int)class->pages_per_zspage;
	info->objs_per_zspage = (unsigned int)class->objs_per_zspage;
	info->objs_allocated = class->stats[ZS_OBJS_ALLOCATED];
	info->objs_inuse = class->stats[ZS_OBJS_INUSE];
	for (fg = 0; fg < NR_FULLNESS_GROUPS; fg++)
		info->fullness[fg] = class->stats[fg];
	info->merged = class->index != index;
	spin_unlock(&class->lock);
	return 0;
}
