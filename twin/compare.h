/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The twin comparison: what a real kernel did in one compact_memory (its
 * capture: vmstat and buddyinfo before and after, and its trace) against
 * what pagemig did from the same state (pagemig's trace, pages migrated,
 * and free blocks after).  Both sides are reduced by the same code, so a
 * difference is a difference of the two compactions, never of two ways
 * of counting.  Documentation/twin.md says what is compared and how.
 *
 *	twin_compare()		pair the runs zone by zone, find where they part
 *	twin_print_text()	side by side, plus twin.* lines
 *	twin_json()		the same as one JSON object
 */
#ifndef _PAGEMIG_REPORT_TWIN_H
#define _PAGEMIG_REPORT_TWIN_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "ktrace.h"

struct json_object;

/* Free memory "in 2 MiB blocks": free blocks of this order and above. */
#define TWIN_HUGE_ORDER		9

/* pageblock_order of the machines twin compares (x86-64) */
#define TWIN_PAGEBLOCK_ORDER	9

enum twin_side_id {
	TWIN_KERNEL,
	TWIN_PAGEMIG,
	TWIN_NR_SIDES
};

/* Where a side's pages_migrated figure came from. */
enum twin_source {
	TWIN_FROM_NONE,		/* unknown */
	TWIN_FROM_VMSTAT,	/* pgmigrate_success, vmstat.after - vmstat.before */
	TWIN_FROM_RESULT,	/* the result file's pgmigrate_success delta */
	TWIN_FROM_TRACE,	/* nr_succeeded of the compared runs */
	TWIN_FROM_CALLER,	/* given to twin_compare() */
};

struct twin_side {
	const char *name;			/* "kernel", "pagemig" */
	const struct ktrace *trace;
	int pid;				/* whose runs are compared; -1 */
	unsigned int nr_runs;			/* runs of that task */
	unsigned int nr_other_runs;		/* runs of other tasks, left out */
	unsigned long events_lost;		/* by the ring buffer */
	long long pages_migrated;		/* -1: unknown */
	enum twin_source pages_migrated_from;
	const struct capture_buddyinfo *buddy_after;	/* NULL: unknown */
	double free_2m_share_after;		/* percent; < 0: unknown */
};

/* What differs between the two runs of a pair (bits). */
enum twin_diff {
	TWIN_DIFF_MISSING	= 1 << 0,	/* one side has no such run */
	TWIN_DIFF_BEGIN		= 1 << 1,	/* zone span or scanner starts */
	TWIN_DIFF_END		= 1 << 2,	/* scanner ends, or no end */
	TWIN_DIFF_STATUS	= 1 << 3,
	TWIN_DIFF_MIGRATED	= 1 << 4,	/* nr_succeeded */
	TWIN_DIFF_EVENTS	= 1 << 5,	/* same summary, other events */
};

/* Two runs of the same zone; -1 where a side has none. */
struct twin_pair {
	int run[TWIN_NR_SIDES];			/* index in that trace's runs */
	unsigned int diff;			/* enum twin_diff bits */
	/* the first event of the pair that differs; -1: none or past the end */
	int event[TWIN_NR_SIDES];		/* index in that trace's events */
	unsigned int event_pos;			/* its position within the run */
	/*
	 * The pageblocks the free scanners looked into, over the part of
	 * the zone both walked (free_scanner_blocks()): how many, and how
	 * many only one side did.  The kernel's free scanner passes over a
	 * block that is not Movable, or is free whole
	 * (suitable_migration_target()), so a block one side scanned and the
	 * other did not is one whose type or free pages differ between the
	 * machines.  -1: not known (a side has no run, or its scanner did
	 * not sweep down one block after another).
	 */
	long blocks_walked;
	long blocks_only[TWIN_NR_SIDES];
};

struct twin_result {
	const struct capture *cap;
	struct twin_side side[TWIN_NR_SIDES];
	struct twin_pair *pairs;
	unsigned int nr_pairs;
	int diverge;		/* the first pair whose summary differs; -1 */
	int diverge_events;	/* the first pair whose events differ; -1 */
	/*
	 * Pages other activity allocated between the two snapshots
	 * (pgalloc_* of vmstat.after less vmstat.before; compaction
	 * allocates none): how quiet the captured machine was.  -1: unknown.
	 */
	long long allocated_meanwhile;
	/*
	 * The capture has none of the files only pagemig capture writes
	 * (iomem, uname, cmdline, and trace_lost_events in result): another
	 * tool made it, which may have written its files between the before
	 * snapshot and compact_memory (foreign_capture()).
	 */
	bool foreign;
	/* where compact_memory ran: twin_compact_cpu() */
	int compact_cpu;
	const char *compact_cpu_from;	/* "result", "trace" or "default" */
};

double twin_free_share(const struct capture_buddyinfo *bi,
		       unsigned int min_order);
int twin_compare(const struct capture *cap, struct ktrace *kernel,
		 struct ktrace *pagemig, long long pagemig_pages_migrated,
		 const struct capture_buddyinfo *pagemig_buddy_after,
		 struct twin_result *r);
void twin_result_free(struct twin_result *r);
int twin_compact_cpu(const struct capture *cap, const struct ktrace *kernel,
		     unsigned int nr_cpus, const char **from);
void twin_print_text(FILE *f, const struct twin_result *r);
struct json_object *twin_json(const struct twin_result *r);
int twin_print_json(FILE *f, const struct twin_result *r);

#endif /* _PAGEMIG_REPORT_TWIN_H */
