/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpageflags import: read a /proc/kpageflags (+ /proc/kpagecount)
 * snapshot, decide whether it is one at all, infer what every PFN is, and
 * build a machine that looks like it.  Documentation/kpageflags.md has
 * the rules; this header is the API the CLI, the bench and the tests use.
 *
 *	kpf_load_file()		read (plain, gzip or zstd), 8 bytes a PFN
 *	kpf_check()		"is this a snapshot?": exact reasons if not
 *	kpf_infer()		one plan entry per PFN + counts + ambiguities
 *	kpf_build()		machine_init + pagemig_import_apply()
 */
#ifndef _PAGEMIG_WORKLOAD_KPAGEFLAGS_H
#define _PAGEMIG_WORKLOAD_KPAGEFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

#define KPF_ERR_LEN	512

struct kpf_snapshot {
	uint64_t *flags;	/* one word per PFN, host byte order */
	uint64_t *counts;	/* NULL without --kpagecount */
	unsigned long nr;	/* PFNs */
};

/* One kind of ambiguity and how it was resolved. */
enum kpf_ambiguity {
	KPF_AMB_HOLE,		/* KPF_NOPAGE */
	KPF_AMB_PADDING,	/* past the file's end, to a 2 MiB multiple */
	KPF_AMB_EXTRA,		/* --memory larger than the file: free */
	KPF_AMB_BUDDY_TAIL,	/* head-only convention: flagless pages after a head */
	KPF_AMB_BUDDY_SPLIT,	/* a free run split into aligned blocks */
	KPF_AMB_ORPHAN_TAIL,	/* COMPOUND_TAIL with no head before it */
	KPF_AMB_ODD_COMPOUND,	/* not an aligned power of two <= 4 MiB */
	KPF_AMB_HUGETLB,	/* KPF_HUGE: no hugetlb here */
	KPF_AMB_ZSMALLOC,	/* UPTODATE and nothing else */
	KPF_AMB_OFFLINE,	/* OFFLINE without UPTODATE: maybe not a balloon */
	KPF_AMB_ISOLATED,	/* OFFLINE|RECLAIM: isolated at the time */
	KPF_AMB_FLAGLESS,	/* no flags, not free: kernel allocation or pcp */
	KPF_AMB_CONTRADICTION,	/* tolerated contradictions (racy read) */
	KPF_AMB_SPLIT_KIND,	/* balloon/reserved compound split to pages */
	KPF_NR_AMBIGUITIES
};

struct kpf_inference {
	struct pagemig_import_page *plan;	/* machine_pages entries */
	unsigned long machine_pages;		/* the machine: 2 MiB multiple */
	unsigned long file_pages;
	unsigned long kinds[PAGEMIG_NR_KINDS];	/* pages, by kind */
	unsigned long free_blocks[PAGEMIG_NR_ORDERS];
	unsigned long large_folios, thps;
	bool buddy_all_pages;			/* 6.x: every free page is BUDDY */
	unsigned long amb[KPF_NR_AMBIGUITIES];
	unsigned long amb_pfn[KPF_NR_AMBIGUITIES];	/* first PFN seen */
};

int kpf_load_file(const char *path, uint64_t **words, unsigned long *nr,
		  char *err, size_t errlen);
int kpf_load_buffer(const void *buf, size_t size, const char *name,
		    uint64_t **words, unsigned long *nr, char *err, size_t errlen);
void kpf_snapshot_free(struct kpf_snapshot *s);

int kpf_check(const struct kpf_snapshot *s, char *err, size_t errlen);
int kpf_infer(const struct kpf_snapshot *s, unsigned long machine_pages,
	      struct kpf_inference *inf, char *err, size_t errlen);
void kpf_inference_free(struct kpf_inference *inf);
int kpf_check_plan(const struct kpf_inference *inf, char *err, size_t errlen);
void kpf_print_inference(FILE *f, const struct kpf_inference *inf);
void kpf_print_build(FILE *f, const struct pagemig_import_result *r);
const char *kpf_ambiguity_text(enum kpf_ambiguity a);

/*
 * A machine for @inf: memory = machine_pages, DMA32 up to 4 GiB, Normal
 * above, sparse (the arena is barely touched).  -EINVAL/-ENOMEM with a
 * message for an impossible size; other errors mean the build failed.
 */
int kpf_build(const struct kpf_inference *inf, uint64_t seed, char *err,
	      size_t errlen);

#endif /* _PAGEMIG_WORKLOAD_KPAGEFLAGS_H */
