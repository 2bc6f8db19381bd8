/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports over a machine's pages: the fragmentation analysis that
 * `pagemig import` prints before and after compaction, and the summary
 * table of the kernel's tools/mm/page-types.
 */
#ifndef _PAGEMIG_REPORT_KPAGEFLAGS_H
#define _PAGEMIG_REPORT_KPAGEFLAGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

#define KPF_GIG_PAGES		(1UL << 18)	/* 1 GiB in pages */
#define KPF_NR_OFFENDERS	10

/* A run of pageblocks each blocked by a few unmovable pages. */
struct kpf_offender {
	unsigned long start_pfn, end_pfn;
	unsigned long blocks;		/* blocked pageblocks in the run */
	unsigned long pages;		/* unmovable pages in them */
	int kind;			/* the most common blocking kind */
};

struct kpf_analysis {
	unsigned long nr_pages, free;
	unsigned long nr_free[PAGEMIG_NR_ORDERS];	/* blocks per order */
	unsigned long kinds[PAGEMIG_NR_KINDS];
	unsigned long free_in_2m;	/* free pages in blocks of >= 2 MiB */
	unsigned long free_in_1g;	/* free pages in wholly free 1 GiB ranges */
	unsigned long blocks, gigs;	/* pageblocks, 1 GiB ranges (whole ones) */
	unsigned long blocks_blocked, gigs_blocked;	/* by an unmovable page */
	unsigned long blocks_by_kind[PAGEMIG_NR_KINDS];
	unsigned long gigs_by_kind[PAGEMIG_NR_KINDS];
	unsigned long blocks_by_one;	/* blocked by a single page */
	unsigned int nr_offenders;
	struct kpf_offender offenders[KPF_NR_OFFENDERS];
};

/* Kinds that keep a pageblock from ever becoming free: slab, pgtable, ... */
bool kpf_kind_unmovable(int kind);

int kpf_analyse(struct kpf_analysis *a);
void kpf_print_analysis(FILE *f, const char *title, const struct kpf_analysis *a);
void kpf_json_analysis(FILE *f, const struct kpf_analysis *a);

/* tools/mm/page-types, from an array of kpageflags words. */
struct kpf_page_types_opts {
	bool raw;		/* -r: keep hacker bits, expand overloaded ones */
	bool list;		/* -l: ranges first */
	/*
	 * The tool before 6.13 had no "c:uncached" column; 6.12's (Debian's
	 * linux-source-6.12, what make page-types-interop builds) is one
	 * character narrower.
	 */
	bool no_uncached;
};

int kpf_page_types(FILE *f, const uint64_t *flags, unsigned long nr,
		   const struct kpf_page_types_opts *o);
/* The symbolic flags of one word ("___U_l__..."), into @buf (>= 65). */
void kpf_page_flag_name(uint64_t flags, char *buf, bool no_uncached);

#endif /* _PAGEMIG_REPORT_KPAGEFLAGS_H */
