/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report of a run: one structure of figures, filled once while the
 * machine is alive, then formatted as text or as one JSON object.
 *
 *	header		scenario, machine, seed, version; the zones as built
 *	steps[]		per step: its figures (name, value, unit) and its
 *			blocks (what it shows as it runs: a compaction's
 *			deltas, a buddyinfo table, a zram mm_stat row, ...)
 *	end		the machine at the end: zones, vmstat, balloons, zram
 *			devices, KSM, processes; then the final verify
 *
 * Who fills what:
 *
 *	workload/run.c		header, step identities, totals, processes
 *	a step's run hook	its figures and blocks (report_add_*(), and
 *				step_figure() in workload/steps.h for summaries)
 *	report/snapshot.c	tables read through the facade: zones,
 *				vmstat, zram devices, the end of run
 *
 * The formatters -- report/text.c, report/step_text.c, report/json.c --
 * read only this structure: they never call into the machine, so a report
 * can be printed after the machine is gone, and text and JSON cannot
 * disagree.  Strings in the structure are copies, or constant names the
 * library hands out (vmstat, migratetype, page-kind and step-type names).
 */
#ifndef _PAGEMIG_REPORT_REPORT_H
#define _PAGEMIG_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

/* How a figure's value is held. */
enum report_type {
	REPORT_COUNT,		/* unsigned: pages, sectors, bytes, events */
	REPORT_INT,		/* signed: a delta, an errno, an order */
	REPORT_REAL,		/* MiB, seconds, percentages, ratios */
	REPORT_STRING,		/* a device, a zone, an outcome */
};

/*
 * One figure.  A summary figure is in the step's summary line
 * ("migrated=123", reals with one decimal) and in its JSON "results";
 * every figure is there for the step's blocks to print.
 */
struct report_figure {
	const char *name;	/* a string literal, unique in its step */
	const char *unit;	/* "pages", "bytes", "s", "MiB", "%"; NULL: a count */
	enum report_type type;
	bool summary;
	union {
		uint64_t count;
		int64_t sval;
		double real;
		char *str;	/* owned */
	};
};

/*
 * A zone as buddyinfo and pagetypeinfo show it: the facade's figures,
 * with the name copied (st.name is NULL).
 */
struct report_zone {
	char name[16];
	struct pagemig_zone_stats st;
};

/* Every zone of node 0, populated or not. */
struct report_zones {
	unsigned int nr;
	struct report_zone zone[PAGEMIG_NR_ZONES];
	const char *mt_names[PAGEMIG_NR_MIGRATETYPES];	/* "Unmovable", ... */
};

/* (name, value) pairs: /proc/vmstat, or the kinds that block a range. */
struct report_counter {
	const char *name;	/* a constant name of the library */
	unsigned long value;
};

struct report_counters {
	unsigned int nr;
	struct report_counter *c;	/* owned */
};

/*
 * A zram device: the facade's figures (its mm_stat columns under the
 * kernel's names), with the names copied (st.name, st.compressor NULL).
 */
struct report_zram {
	char name[32], compressor[16];
	struct pagemig_zram_stats st;
};

/* What kind of block, that is which lines the text formatter prints. */
enum report_block_kind {
	REPORT_NOTE,		/* "== heading ==" */
	REPORT_RSS,
	REPORT_BALLOON,
	REPORT_COMPACT,
	REPORT_TRY_ALLOC,	/* table: pfns */
	REPORT_KSM,
	REPORT_ZRAM_CREATE,
	REPORT_ZRAM_WRITE,	/* table: zram */
	REPORT_ZRAM_DISCARD,
	REPORT_ZRAM_COMPACT,	/* table: zram */
	REPORT_ZRAM_VERIFY,
	REPORT_ZRAM_READERS,	/* table: zram */
	REPORT_CONTIG,		/* table: counters (what blocked the range) */
	REPORT_HOTPLUG,		/* offline or online; table: counters */
	REPORT_SOFT_OFFLINE,
	REPORT_RANGE_BAD,	/* a range step that could not run */
	REPORT_VALIDATE,	/* table: text */
	REPORT_BUDDYINFO,	/* table: zones */
	REPORT_PAGETYPEINFO,	/* table: zones */
	REPORT_VMSTAT,		/* table: counters */
	REPORT_ZONEINFO,	/* table: text */
	NR_REPORT_BLOCKS
};

/*
 * A block: what a step shows as it runs, printed by the text formatter
 * from the step's figures and the block's table.  JSON has its text
 * under the step's "reports", keyed by @name.
 */
struct report_block {
	const char *name;	/* "compact", "buddyinfo"; a string literal */
	enum report_block_kind kind;
	struct report_zones *zones;	/* owned; buddyinfo, pagetypeinfo */
	struct report_counters counters;
	struct report_zram *zram;	/* owned; mm_stat after the step */
	unsigned long nr_pfns;
	unsigned long *pfns;		/* owned; ULONG_MAX: an attempt failed */
	char *text;			/* owned; a file the library wrote */
};

/*
 * One step's entry.  workload/ calls it the step's result: the run hook
 * fills figures and blocks, the run loop the rest.
 */
struct step_result {
	unsigned int index;	/* 0-based position in steps: */
	const char *type;	/* "compact"; the step type's constant name */
	int line;		/* of the step in the file */
	bool ran;
	bool failed;		/* makes the run exit 1 */
	char *message;		/* why it failed; NULL if it did not */
	double seconds;
	unsigned int nr_figures;
	struct report_figure *figures;
	unsigned int nr_blocks;
	struct report_block *blocks;
};

/* A balloon as the hypervisor sees it; the name copied (st.name NULL). */
struct report_balloon {
	char name[32];
	struct pagemig_balloon_stats st;
};

/* A process a spawn step created, live or as it exited. */
struct report_process {
	char *name;		/* owned */
	const char *pattern;	/* a constant name: "random" */
	int pid;
	bool exited;
	bool oom_killed;	/* exited because the OOM killer killed it */
	unsigned int threads;
	unsigned long anon_pages, file_pages;	/* mapped */
	struct pagemig_process_stats st;	/* RssAnon, RssFile, ... */
	unsigned long reads, writes, errors, corrupted;
};

/* The machine when the run ended. */
struct report_machine {
	unsigned long pages, free_pages, resident_pages;
	unsigned long warnings;		/* pagemig_warnings() */
	struct report_zones zones;
	struct report_counters vmstat;
	/* Shown once a balloon step ran: every driver, and the arena's RSS. */
	bool balloons_shown;
	unsigned long rss_before_balloon;	/* pages */
	unsigned int nr_balloons;
	struct report_balloon balloons[PAGEMIG_NR_BALLOONS];
	unsigned int nr_zram;
	struct report_zram zram[PAGEMIG_MAX_ZRAM];
	unsigned long nr_zspages;
	bool ksm_shown;			/* KSM scanned something */
	struct pagemig_ksm_stats ksm;
	unsigned int nr_procs;
	struct report_process *procs;	/* owned */
};

struct report {
	/* Header: known once the machine is built. */
	char *name, *file, *description;	/* the scenario's */
	uint64_t memory, dma32, movable;	/* dma32 UINT64_MAX: default */
	unsigned int cpus;
	bool decoupled;			/* movable_ops: decoupled, not 6.17 */
	uint64_t seed;
	char version[64];
	struct report_zones start;		/* the zones as built */
	/* Steps: one entry each, run or not. */
	unsigned int nr_steps, steps_run;
	struct step_result *steps;
	double seconds;				/* all steps */
	/* How threads were scheduled (pagemig_sched_*()); digest of decisions. */
	bool deterministic;
	unsigned int pct_depth;			/* 0: random switches */
	uint64_t sched_digest;
	unsigned long long sched_steps;
	bool failed;
	unsigned long alloc_failures;
	/* After the last step. */
	struct report_machine end;
	unsigned long verify_checked, verify_corrupted;
};

/* ---- building (report/report.c) ---- */

int report_init(struct report *r, unsigned int nr_steps);
void report_release(struct report *r);
void report_move(struct report *dst, struct report *src);

int report_add_count(struct step_result *s, const char *name, uint64_t v,
		     const char *unit, bool summary);
int report_add_int(struct step_result *s, const char *name, int64_t v,
		   const char *unit);
int report_add_real(struct step_result *s, const char *name, double v,
		    const char *unit, bool summary);
int report_add_string(struct step_result *s, const char *name,
		      const char *str);
struct report_block *report_add_block(struct step_result *s,
				      const char *name,
				      enum report_block_kind kind);
const struct report_figure *report_find(const struct step_result *s,
					const char *name);
int report_counters_add(struct report_counters *c, const char *name,
			unsigned long value);

/* ---- reading the machine (report/snapshot.c) ---- */

int report_snapshot_zones(struct report_zones *z);
int report_snapshot_vmstat(struct report_counters *c);
int report_snapshot_zram(int id, struct report_zram *z);
char *report_snapshot_zoneinfo(void);
unsigned long report_snapshot_validate(char **text);
int report_snapshot_machine(struct report_machine *m);

/* ---- text (report/text.c, report/step_text.c) ---- */

/*
 * Whether reports show wall-clock figures (step times, rates); pagemig
 * run --no-timings turns them off so two runs compare byte for byte.
 */
void report_set_timings(bool on);
bool report_timings(void);
bool report_figure_is_timing(const struct report_figure *fig);
const char *report_secs(char *buf, size_t len, const char *before,
			double secs);
void report_text_schedule(FILE *f, const struct report *r);

void report_text_header(FILE *f, const struct report *r);
void report_text_step(FILE *f, const struct step_result *s);
void report_text_block(FILE *f, const struct step_result *s,
		       const struct report_block *b);
void report_text(FILE *f, const struct report *r);
void report_text_verify(FILE *f, const struct report *r);
void report_text_buddyinfo(FILE *f, const struct report_zones *z);
void report_text_extfrag(FILE *f, const struct report_zones *z);
void report_text_pagetypeinfo(FILE *f, const struct report_zones *z);
void report_text_mm_stat(FILE *f, const struct report_zram *z);

/* vmstat lines the text report shows; JSON has them all. */
bool report_vmstat_selected(const char *name, unsigned long value);

/* "256 MiB", "1.5 GiB" */
void report_format_size(char *buf, size_t len, uint64_t bytes);
double report_mib(unsigned long pages);

/* ---- JSON (report/json.c) ---- */

int report_json(FILE *f, const struct report *r);
struct json_object;
struct json_object *report_json_zone(const struct report_zones *z,
				     const struct report_zone *rz);

#endif /* _PAGEMIG_REPORT_REPORT_H */
