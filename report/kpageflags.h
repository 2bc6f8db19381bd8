/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports over a machine's pages: what `pagemig import` prints of its
 * report (the inference, the build, the fragmentation analysis before and
 * after compaction), and the summary table of the kernel's
 * tools/mm/page-types.
 */
#ifndef _PAGEMIG_REPORT_KPAGEFLAGS_H
#define _PAGEMIG_REPORT_KPAGEFLAGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

/* What pagemig_import() inferred, and every guess made. */
void kpf_print_inference(FILE *f, const struct pagemig_inference *inf);
/* What the anon and file pages became on the machine. */
void kpf_print_build(FILE *f, const struct pagemig_import_result *r);
/* pagemig_analyse()'s figures, as text and as one JSON object. */
void kpf_print_analysis(FILE *f, const char *title, const struct pagemig_analysis *a);
void kpf_json_analysis(FILE *f, const struct pagemig_analysis *a);
/* After --compact: the change in 2 MiB and 1 GiB blocks, and why no more. */
void kpf_print_compaction(FILE *f, const struct pagemig_import_report *rep);
void kpf_json_compaction(FILE *f, const struct pagemig_import_report *rep);
/* pagemig import --json: the whole report; @machine a JSON object or NULL. */
int kpf_json_import(FILE *f, const struct pagemig_import_report *rep,
		    bool compact, const char *machine);

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
