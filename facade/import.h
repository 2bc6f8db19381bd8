/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The import pipeline's stages, one by one, for facade/import.c, the
 * tests and the fuzzer (tests/fuzz/fuzz_import.c); everyone else calls
 * pagemig_import() or pagemig_snapshot_load() of pagemig.h.
 * Documentation/kpageflags.md has the rules.
 *
 *	kpf_load_file()		read (plain, gzip or zstd), 8 bytes a PFN
 *	kpf_check()		"is this a snapshot?": exact reasons if not
 *	kpf_infer()		one plan entry per PFN + counts + ambiguities
 *	kpf_real_*()		a real machine's zones, holes and rules
 *	kpf_build()		machine_init + pagemig_import_apply()
 *
 * The first four live in facade/snapshot.c, which needs nothing of a
 * machine, the kpf_real_*() ones in facade/import_layout.c, kpf_build()
 * in facade/import.c.
 */
#ifndef _PAGEMIG_FACADE_IMPORT_H
#define _PAGEMIG_FACADE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include <pagemig/pagemig.h>

/* Host memory an import takes a PFN: struct page, plan entry, two words. */
#define KPF_HOST_BYTES_PER_PFN	(64 + 8 + 8 + 8)
unsigned long kpf_max_pfns(void);
int kpf_load_file(const char *path, uint64_t **words, unsigned long *nr,
		  char *err, size_t errlen);
int kpf_load_buffer(const void *buf, size_t size, const char *name,
		    uint64_t **words, unsigned long *nr, char *err, size_t errlen);
int kpf_check(const struct pagemig_snapshot *s, char *err, size_t errlen);
int kpf_infer(const struct pagemig_snapshot *s, unsigned long machine_pages,
	      struct pagemig_inference *inf, char *err, size_t errlen);
void kpf_inference_free(struct pagemig_inference *inf);
int kpf_check_plan(const struct pagemig_inference *inf, char *err, size_t errlen);

/*
 * A machine for @inf: memory = machine_pages, DMA32 up to 4 GiB, Normal
 * above -- or, with @layout, the zones and holes of a real machine --
 * sparse (the arena is barely touched), with the movable_ops core
 * @movable_ops.  -EINVAL/-ENOMEM with a message
 * for an impossible size; other errors mean the build failed.
 */
int kpf_build(const struct pagemig_inference *inf,
	      const struct pagemig_layout *layout, unsigned int nr_cpus,
	      uint64_t seed, enum pagemig_movable_ops movable_ops,
	      char *err, size_t errlen);

/*
 * A real machine's import (facade/import_layout.c): what its files say,
 * worked into pagemig's layout.  hole: one bit per PFN below kernel_end
 * that has no memory here (or is left out, not initialised).
 */
struct kpf_real {
	unsigned long kernel_end;	/* the kernel's highest zone end */
	unsigned long nr_pages;		/* the machine's */
	unsigned long *hole;
	unsigned long uninit_pfn[PAGEMIG_NR_ZONES];
	unsigned long uninit_pages[PAGEMIG_NR_ZONES];
	unsigned long managed[PAGEMIG_NR_ZONES];
	struct pagemig_layout layout;	/* zones; holes once finished */
	struct pagemig_pfn_range *holes;
	unsigned int nr_holes;
};

int kpf_real_layout(const struct pagemig_snapshot *s,
		    const struct pagemig_real_machine *m, struct kpf_real *r,
		    char *err, size_t errlen);
int kpf_real_snapshot(const struct pagemig_snapshot *s, const struct kpf_real *r,
		      struct pagemig_snapshot *out);
int kpf_real_finish(const struct pagemig_inference *inf, struct kpf_real *r,
		    struct pagemig_import_layout *rep);
int kpf_real_rules(struct pagemig_inference *inf,
		   const struct pagemig_real_machine *m,
		   const struct kpf_real *r, struct pagemig_import_layout *rep);
void kpf_real_free(struct kpf_real *r);

#endif /* _PAGEMIG_FACADE_IMPORT_H */
