/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What mm/ offers the facade (the files in facade/), and nothing more.
 *
 * mm/internal.h is mm's own; the facade may include this header instead,
 * as the kernel's tools/testing/vma harness reaches mm/vma.c through one
 * header of exactly what it needs.  mm/internal.h includes this file, so
 * each declaration exists once and mm's own files see it too.
 *
 * What belongs here: the mm entry points a pagemig_* call stands on --
 * the machine's life cycle, allocation and freeing, the processes and
 * files behind the facade's numbers, the counters, the validators, the
 * snapshot importer -- with the types they take.  What does not: helpers
 * only mm/ files call among themselves (free-list surgery, scanner
 * internals, lock-held variants), which stay in mm/internal.h.  A new
 * facade call that needs more of mm adds the one declaration it needs
 * here, moved out of mm/internal.h.  Besides this header the facade uses
 * the shared headers of include/pagemig/ (mm.h, compaction.h, migrate.h,
 * vmstat.h, ...), as any kernel code uses include/linux/.
 */
#ifndef _PAGEMIG_MM_FACADE_H
#define _PAGEMIG_MM_FACADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/mm.h>
#include <pagemig/gfp.h>

struct zone;
struct folio;

/* ---- the machine (mm/mm_init.c, mm/page_alloc.c, mm/debug.c) ---- */

/* PFNs [start, end). */
struct pfn_range {
	unsigned long start, end;
};

/*
 * One zone where a real machine had it (struct machine_layout.zones).
 * Zero means "work it out as for a machine built from a size":
 * managed, each watermark (all or none), each CPU's pcp high and batch.
 */
struct machine_zone {
	bool exists;			/* listed in zoneinfo, even when empty */
	unsigned long start_pfn, spanned;
	unsigned long managed;		/* at most the present pages */
	unsigned long wmark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	bool has_lowmem_reserve;
	int pcp_high[NR_CPUS], pcp_batch[NR_CPUS];
	int pcp_high_min[NR_CPUS], pcp_high_max[NR_CPUS];	/* 0: not known */
};

/*
 * A machine from a size: zones == NULL and zone_pages[] low to high from
 * PFN 0, each a whole number of pageblocks (DMA and Device empty and
 * absent).  A machine as a real one was laid out: zones[MAX_NR_ZONES] in
 * PFN order, anywhere in [0, nr_pages), and holes -- sorted, disjoint
 * ranges with no memory (firmware ranges, absent or offline sections) --
 * which no zone's present or managed pages count.  Pages outside every
 * zone are holes too.
 */
struct machine_layout {
	unsigned long nr_pages;
	unsigned long zone_pages[MAX_NR_ZONES];
	unsigned int nr_cpus;
	const struct machine_zone *zones;
	const struct pfn_range *holes;
	unsigned int nr_holes;
};

int mm_init_machine(const struct machine_layout *layout);
/*
 * mm/migrate.c: the machine's movable_ops core (struct pagemig_config's
 * movable_ops): false is the 6.17 core, true the decoupled one.  Set
 * before mm_init_machine(), read-only while the machine runs.
 */
extern bool movable_ops_decoupled;
int page_alloc_init_late(void);
void mm_exit_machine(void);
/* An extra full-machine check for validate_zones() to run. */
int register_mm_validator(unsigned long (*fn)(FILE *f));
/* mm/zsmalloc.c: zsmalloc pages' movable_ops invariants, for the validator. */
unsigned long zs_validate(FILE *f);
unsigned long validate_zones(FILE *f);

/*
 * ---- the vm sysctls (mm/mm_init.c, mm/compaction.c) ----
 * Read by mm/ without a lock; the facade writes them, the watermark ones
 * through vm_wmark_sysctl_set() so that what derives from them follows.
 */
extern int min_free_kbytes;
extern int watermark_scale_factor;
extern int percpu_pagelist_high_fraction;
extern int sysctl_extfrag_threshold;
extern int watermark_boost_factor;	/* mm/page_alloc.c */
void vm_wmark_sysctl_set(int *knob, int value);

/* ---- kswapd (mm/vmscan.c): started and stopped with the machine ---- */

int kswapd_run(int nid);
void kswapd_stop(int nid);
int kswapd_init(void);
void kswapd_exit(void);

/* ---- the page allocator (mm/page_alloc.c) ---- */

void drain_all_pages(struct zone *zone);
/* Pages allocated, isolated by a free scanner, or leaked as bad. */
unsigned long nr_used_pages(void);
unsigned long zone_nr_free_mt(struct zone *zone, unsigned int order, int mt);
void zone_count_pageblocks(struct zone *zone, unsigned long *count);
int unusable_free_index(struct zone *zone, unsigned int order);
int parse_gfp_string(const char *s, gfp_t *gfp);
int format_gfp_string(gfp_t gfp, char *buf, size_t len);

/* ---- processes and files (mm/mmap.c, mm/memory.c, mm/gup.c, mm/filemap.c) ---- */

struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
void anon_vma_cache_shrink(void);
int do_mmap(struct mm_struct *mm, unsigned long len, unsigned long vm_flags,
	    struct file *file, pgoff_t pgoff, unsigned long *addrp);
int do_munmap(struct mm_struct *mm, unsigned long addr);
int do_munmap_range(struct mm_struct *mm, unsigned long start, unsigned long len);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct file *file_create(const char *name, unsigned long nr_pages, uint64_t seed, int fd);
void file_put(struct file *file);
uint64_t *walk_to_entry(struct mm_struct *mm, unsigned long addr, bool pmd_level);
int access_process_vm(struct mm_struct *mm, unsigned long addr, void *buf,
		      size_t len, bool write);
void zap_page_range(struct mm_struct *mm, unsigned long start, unsigned long end);
bool mm_is_oom_victim(struct mm_struct *mm);

/*
 * The processes the OOM killer chooses from (mm/oom_kill.c): trylock
 * holds the table still (no process created or exited) until unlock;
 * next returns the process after *pos, or NULL.
 */
struct oom_process_table {
	bool (*trylock)(void);
	void (*unlock)(void);
	struct mm_struct *(*next)(int *pos);
};

void oom_set_process_table(const struct oom_process_table *table);
long pin_user_pages(struct mm_struct *mm, unsigned long addr, unsigned long nr_pages,
		    bool write, struct folio **folios);
void unpin_folio(struct folio *folio);

/* ---- KSM (mm/ksm.c) ---- */

/* /sys/kernel/mm/ksm's figures. */
struct ksm_stats {
	unsigned long pages_shared;	/* KSM pages in use */
	unsigned long pages_sharing;	/* mappings of them beyond the first */
	unsigned long pages_unshared;	/* candidates in the unstable table */
	unsigned long full_scans, pages_scanned;
	unsigned long stable_nodes;	/* KSM pages known, live or not yet pruned */
	unsigned long merge_failures;	/* merges a busy page refused */
	bool run;			/* ksmd running */
};

int ksm_init(void);
void ksm_exit_machine(void);
int ksm_enter(struct mm_struct *mm);
unsigned long ksm_do_scan(unsigned long pages);
long ksm_full_scan(unsigned int n);
int ksm_run_set(int run, unsigned int pages_to_scan, unsigned int sleep_ms);
void ksm_get_stats(struct ksm_stats *st);

/* ---- building memory from a snapshot (mm/mm_import.c) ---- */

/*
 * What a page is, as a snapshot's inference names it.  The facade
 * publishes the same numbers as PAGEMIG_KIND_* (and checks that they
 * agree at build time).
 */
enum import_kind {
	IMPORT_KIND_FREE,
	IMPORT_KIND_ANON,
	IMPORT_KIND_FILE,
	IMPORT_KIND_BALLOON,
	IMPORT_KIND_ZSMALLOC,
	IMPORT_KIND_PGTABLE,
	IMPORT_KIND_SLAB,
	IMPORT_KIND_UNMOVABLE,
	IMPORT_KIND_ISOLATED,	/* read from a live machine; never in a plan */
	IMPORT_KIND_RESERVED,
	NR_IMPORT_KINDS
};

/* One PFN of an import plan. */
struct import_page {
	uint8_t kind;		/* enum import_kind */
	uint8_t order;		/* head of a block: its order; IMPORT_TAIL inside */
	uint16_t flags;		/* IMPORT_FL_* */
	uint32_t mapcount;	/* kpagecount, for anon and file pages */
};

#define IMPORT_TAIL		0xff
#define IMPORT_FL_THP		0x0001	/* large folio: set large_rmappable */
#define IMPORT_FL_KSM		0x0002
#define IMPORT_FL_DIRTY		0x0004
#define IMPORT_FL_REF		0x0008
#define IMPORT_FL_UPTODATE	0x0010
#define IMPORT_FL_HOLE		0x0020	/* KPF_NOPAGE or past the file's end */
#define IMPORT_FL_PRIVATE	0x0040	/* file: fs-private data (buffer heads) */
#define IMPORT_FL_FLAGLESS	0x0080
#define IMPORT_FL_PCP		0x0800	/* free on CPU mapcount's pcp list */
#define IMPORT_FL_HELD		0x1000	/* file: its buffers are held */
/* First PFN of a pageblock: its migratetype + 1; 0: set_pageblock_types() decides. */
#define IMPORT_FL_MT_SHIFT	8
#define IMPORT_FL_MT_MASK	0x0700

/* What memmap_import_folios() made of the plan's anon and file pages. */
struct import_stats {
	unsigned long anon_folios, anon_pages, anon_thps;
	unsigned long anon_split_pages;	/* in large folios not PMD-sized */
	unsigned long anon_ksm_pages;	/* plain anonymous folios here */
	unsigned long anon_mapcount_differs;	/* kpagecount was not 1 */
	unsigned long file_folios, file_pages, file_large_folios;
	unsigned long file_private_folios;
	unsigned long file_held_folios;
	unsigned long file_mapped_pages;
	unsigned long stand_in_pages;	/* anon/file pages left unmovable */
	unsigned long tables_reused;	/* on the snapshot's page-table pages */
	unsigned long tables_allocated;	/* beyond those, from free memory */
};

/* Where the plan's folios go: sizes of the owner's VMAs and file. */
struct import_layout {
	unsigned long thps, small_anon;		/* anon folios by mapping size */
	unsigned long small_file;		/* order-0 file folios */
	unsigned long file_pages;		/* index span of the file */
};

/*
 * One import, from memmap_import_pages() to memmap_import_finish()
 * (mm/mm_import.c's header comment has the sequence).
 *
 * The synthetic owner of the imported folios: one process holds every
 * anon folio in one VMA -- PMD-sized folios first, each PMD-mapped, then
 * the order-0 ones, mapped by PTEs in PFN order -- and one file holds
 * every file folio: order-0 folios at indices 0.., mapped in a second VMA
 * when kpagecount says they were mapped, then the large ones at aligned
 * indices, in the page cache only (pagemig maps large folios by PMD only,
 * and only anonymous ones).  The caller creates the process, file and
 * VMAs (they are the facade's objects) and fills in the owner fields.
 */
struct memmap_import {
	const struct import_page *plan;	/* max_pfn entries */
	unsigned long nr;
	/* Set by memmap_import_pages(): pages the drivers adopt, by PFN. */
	unsigned long *balloon, nr_balloon;
	unsigned long *zsmalloc, nr_zsmalloc;
	struct import_layout layout;	/* what the owner must hold */
	/* The owner (memmap_import_set_owner()); NULL fields: none. */
	struct mm_struct *mm;
	struct vm_area_struct *anon_vma, *file_vma;
	struct file *file;
	unsigned long thp_addr, small_addr;	/* next anon addresses */
	pgoff_t index, large_index;		/* next file indices */
	/* The snapshot's order-0 page-table pages, for the owner's tables. */
	unsigned long *pool, nr_pool, pool_next;
	struct import_stats stats;
};

const char *import_kind_name(int kind);
bool import_kind_unmovable(int kind);
int memmap_import_check(const struct import_page *plan, unsigned long nr,
			char *err, size_t errlen);
int memmap_import_pages(struct memmap_import *imp);
void memmap_import_set_owner(struct memmap_import *imp, struct mm_struct *mm,
			     unsigned long anon_addr, struct file *file,
			     unsigned long file_addr);
void memmap_import_folios(struct memmap_import *imp);
void memmap_import_finish(struct memmap_import *imp);

#endif /* _PAGEMIG_MM_FACADE_H */
