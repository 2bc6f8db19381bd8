/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page and struct folio in the kernel's 64-bit layout.
 *
 * Each struct page describes one 4 KiB frame of the arena.  Its words are
 * unions whose meaning depends on what the page is at the moment; the
 * comment on each member says which kind of page uses it and which lock
 * or rule protects it.
 */
#ifndef _PAGEMIG_MM_TYPES_H
#define _PAGEMIG_MM_TYPES_H

#include <limits.h>
#include "../../lib/compiler.h"
#include "../../lib/list.h"
#include "../../lib/atomic.h"
#include "spinlock.h"

typedef unsigned long pgoff_t;

struct address_space;
struct zone;

struct page {
	/*
	 * PG_* bits in the low bits, node and zone ids in the top bits.
	 * Atomic helpers for bits that others may change concurrently,
	 * __ helpers only while the page is exclusively ours.
	 */
	unsigned long flags;
	union {
		/* Page-cache, anonymous, buddy, pcp and movable_ops pages. */
		struct {
			union {
				/*
				 * LRU list (lruvec->lru_lock); owner lists of
				 * movable_ops pages (balloon_pages_lock) while
				 * not isolated; the isolator's private list
				 * while PG_movable_ops_isolated is set.
				 */
				struct list_head lru;
				/* Free pages: zone->free_area list (zone->lock). */
				struct list_head buddy_list;
				/* Free pages on a per-CPU list (pcp->lock). */
				struct list_head pcp_list;
			};
			/*
			 * Folios: address_space or anon_vma with the
			 * FOLIO_MAPPING_* tag bits.  movable_ops pages: NULL,
			 * always (since the series nothing writes it).
			 */
			struct address_space *mapping;
			union {
				/* Folios: offset in the mapping. */
				pgoff_t __folio_index;
				/* zsmalloc: next page of the zspage chain. */
				unsigned long share;
			};
			/*
			 * Buddy: the order of a free block's head.  Balloon:
			 * the owning balloon_dev_info.  zsmalloc: the zspage.
			 * Folios: fs-private data.
			 */
			unsigned long private;
		};
		/* Tail pages of compound pages. */
		struct {
			/* Head page address | 1. */
			unsigned long compound_head;
		};
		/* Page-table pages. */
		struct {
			unsigned long _pt_pad_1;
			void *pt_mm;
			unsigned long _pt_pad_2[2];
		};
	};
	union {
		/*
		 * Folios: number of page-table mappings minus one.  Typed
		 * pages: the type in the top byte, owner bits below (spec
		 * 4.1).  The two share storage; a typed page has no mapcount.
		 */
		atomic_t _mapcount;
		unsigned int page_type;
	};
	/* Usage count; 0 for free pages and for tail pages. */
	atomic_t _refcount;
	unsigned long memcg_data;
};

/*
 * A folio is a head page plus, for large folios, fields kept in the first
 * tail pages.  page[0] is the head; folio->page overlays it.
 */
struct folio {
	union {
		struct {
			unsigned long flags;
			union {
				struct list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
			};
			struct address_space *mapping;
			pgoff_t index;
			union {
				void *private;
				unsigned long swap;
			};
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
	/* First tail page of a large folio. */
	union {
		struct {
			unsigned long _flags_1;
			unsigned long _head_1;
			atomic_t _large_mapcount;
			atomic_t _nr_pages_mapped;
			atomic_t _entire_mapcount;
			atomic_t _pincount;
			unsigned int _folio_nr_pages;
		};
		struct page __page_1;
	};
	/* Second tail page of a large folio. */
	union {
		struct {
			unsigned long _flags_2;
			unsigned long _head_2;
			struct list_head _deferred_list;
		};
		struct page __page_2;
	};
};

#define FOLIO_MATCH(pg, fl) _Static_assert(offsetof(struct page, pg) == \
	offsetof(struct folio, fl), "folio/page mismatch: " #fl)
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(mapping, mapping);
FOLIO_MATCH(__folio_index, index);
FOLIO_MATCH(private, private);
FOLIO_MATCH(_mapcount, _mapcount);
FOLIO_MATCH(_refcount, _refcount);
FOLIO_MATCH(memcg_data, memcg_data);
#undef FOLIO_MATCH
_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");
_Static_assert(offsetof(struct folio, _flags_1) == sizeof(struct page),
	       "folio: first tail page misplaced");
_Static_assert(offsetof(struct folio, _flags_2) == 2 * sizeof(struct page),
	       "folio: second tail page misplaced");
_Static_assert(sizeof(struct folio) == 3 * sizeof(struct page),
	       "struct folio spans three struct pages");

/* ------------------------------------------------------------------ */
/* Address spaces: processes, VMAs, files */

struct mm_struct;
struct file;
struct ksm_mm_slot;

/*
 * An anon_vma ties anonymous folios to the VMAs that may map them
 * (kernel: through anon_vma_chain; here every VMA of an mm shares its mm's
 * anon_vma, since pagemig has no fork).  An anon folio's mapping points
 * here with FOLIO_MAPPING_ANON set; its index is the virtual page number.
 */
struct anon_vma {
	struct rw_semaphore rwsem;	/* the vmas list, and rmap walks */
	atomic_t refcount;		/* the mm, plus migration's hold */
	struct list_head vmas;		/* vm_area_struct.anon_vma_node */
};

/* The page cache of one file (kernel: struct address_space). */
struct address_space {
	struct file *host;
	struct cds_lfht *i_pages;	/* index -> folio, RCU lookups (liburcu) */
	spinlock_t i_pages_lock;	/* changes to i_pages */
	struct rw_semaphore i_mmap_rwsem; /* i_mmap */
	struct list_head i_mmap;	/* VMAs mapping the file: vm_area_struct.shared */
	atomic_long_t nrpages;
};

struct file {
	char name[32];
	unsigned long nr_pages;		/* size in pages */
	uint64_t seed;			/* content generator, unless fd >= 0 */
	int fd;				/* a real file to read content from */
	atomic_t refcount;
	struct address_space mapping;
};

#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_SHARED	0x00000008UL
#define VM_HUGEPAGE	0x20000000UL	/* madvise(MADV_HUGEPAGE): THP allowed */
#define VM_MERGEABLE	0x80000000UL	/* madvise(MADV_MERGEABLE): KSM may merge */

struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* [start, end) */
	unsigned long vm_flags;
	pgoff_t vm_pgoff;		/* file offset of vm_start, in pages */
	struct mm_struct *vm_mm;
	struct file *vm_file;		/* NULL: anonymous */
	struct anon_vma *anon_vma;
	struct list_head vm_list;	/* mm->mmap: mmap_lock */
	struct list_head shared;	/* file's i_mmap: i_mmap_rwsem */
	struct list_head anon_vma_node;	/* anon_vma->vmas: its rwsem */
};

struct mm_struct {
	unsigned long pgd;		/* PFN of the top-level page table */
	struct rw_semaphore mmap_lock;	/* the VMA list */
	spinlock_t page_table_lock;	/* every PTE and PMD of this mm */
	struct list_head mmap;		/* VMAs, sorted by address */
	struct anon_vma *anon_vma;
	atomic_long_t rss_anon, rss_file, nr_ptes;
	atomic_t refcount;
	int id;
	struct ksm_mm_slot *ksm_slot;	/* registered with KSM: ksm_mutex */
	/* The OOM killer's view (mm/oom_kill.c). */
	unsigned long flags;		/* MMF_OOM_VICTIM, MMF_OOM_SKIP */
	int pid;			/* the facade's process number */
	int oom_score_adj;		/* -1000 (never) .. 1000 */
	char comm[16];			/* TASK_COMM_LEN: the process's name */
};

/* mm_struct.flags bits (kernel: MMF_*); atomic bitops. */
#define MMF_OOM_VICTIM		0	/* chosen by the OOM killer: dies */
#define MMF_OOM_SKIP		1	/* reaped: never chosen again */

#define OOM_SCORE_ADJ_MIN	(-1000)
#define OOM_SCORE_ADJ_MAX	1000

/* Folio mapping tag bits (patch 26 names). */
#define FOLIO_MAPPING_ANON	0x1
#define FOLIO_MAPPING_ANON_KSM	0x2
#define FOLIO_MAPPING_KSM	(FOLIO_MAPPING_ANON | FOLIO_MAPPING_ANON_KSM)
#define FOLIO_MAPPING_FLAGS	(FOLIO_MAPPING_ANON | FOLIO_MAPPING_ANON_KSM)

#endif /* _PAGEMIG_MM_TYPES_H */
