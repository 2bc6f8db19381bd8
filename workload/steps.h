/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Step types and the run-time helpers they share.  Private to workload/.
 *
 * A step type is one `const struct step_type` in the file that runs it:
 * its name (the YAML key), a one-line help, a table of its keys (type,
 * bounds, default, where each goes in its args struct: see struct yp_key)
 * that the generic walker reads and checks, the hooks that run it, and
 * the per-run state it owns, if any.  Adding a step is one file and one
 * line in step_types[] (steps.c); nothing in the scenario loader, the run
 * loop, the CLI or the reports changes.
 */
#ifndef _PAGEMIG_WORKLOAD_STEPS_H
#define _PAGEMIG_WORKLOAD_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pagemig/pagemig.h>

#include "scenario.h"
#include "yparse.h"

/*
 * State a family of step types keeps for one run (the zram devices, the
 * processes).  One step type of the family owns it (.state): the run
 * creates it in that type's slot before the first step, stops and
 * checks it after the last one (the final verify), and destroys it at
 * the end.  Every step of the family finds it with run_state().
 */
struct step_state {
	void *(*create)(struct scenario_run *run);	/* NULL: no memory */
	/* Quiesce (stop threads) before anything is verified; may be NULL. */
	void (*stop)(struct scenario_run *run, void *state);
	/* The final verify: add pages (or sectors) checked and corrupted. */
	void (*verify)(struct scenario_run *run, void *state,
		       unsigned long *checked, unsigned long *corrupted);
	/*
	 * The end of the run, after the final verify: add what the state
	 * holds to the report's end-of-run sections (the processes).  0 or
	 * -ENOMEM; may be NULL.
	 */
	int (*report)(struct scenario_run *run, void *state, struct report *r);
	void (*destroy)(struct scenario_run *run, void *state);
};

struct step_type {
	const char *name;
	const char *help;	/* one line, for `pagemig scenarios steps` */
	const struct yp_key *keys;	/* NULL: the step takes no keys */
	/* With key @alt_key given, the step is @alt ("free: {process: x}"). */
	const char *alt_key;
	const struct step_type *alt;
	/*
	 * Run the step on the live machine.  A step that finds something
	 * wrong (corruption, a failed expectation) calls step_fail() and
	 * returns 0: the run goes on and exits 1 at the end.  A negative
	 * return is for the host failing us (-ENOMEM) and stops the run.
	 */
	int (*run)(struct scenario_run *run, const struct step *step,
		   struct step_result *res);
	const struct step_state *state;	/* per-run state it owns, or NULL */
};

/*
 * Define step type @sym: its YAML @name, its key table (NULL: no keys)
 * and run hook, its one-line @help, then any other members (.state,
 * .alt) as designated initializers.
 */
#define DEFINE_STEP_TYPE(sym, name_, keys_, run_, help_, ...)		\
	const struct step_type sym = {					\
		.name = name_, .keys = keys_, .run = run_, .help = help_,	\
		__VA_ARGS__						\
	}

/* The table, NULL-terminated. */
extern const struct step_type *const step_types[];

extern const struct step_type step_alloc, step_free, step_churn,
	step_report, step_verify, step_validate, step_expect, step_note, step_sleep,
	step_balloon, step_rss, step_compact, step_try_alloc;
extern const struct step_type step_snapshot;
extern const struct step_type step_spawn, step_touch, step_pin, step_exit,
	step_workers, step_stop;

/* free: {process: ...}, the process form of free (process.c). */
extern const struct step_type step_free_process;
extern const struct step_type step_zram_create, step_zram_write,
	step_zram_discard, step_zram_compact, step_zram_verify, step_zram_readers;
extern const struct step_type step_alloc_contig, step_offline, step_online,
	step_soft_offline;
extern const struct step_type step_ksm;

/* Migratetypes as the kernel numbers them (enum migratetype). */
enum {
	MT_UNMOVABLE,
	MT_MOVABLE,
	MT_RECLAIMABLE,
};

/* Which live blocks of a group an operation may pick. */
struct block_filter {
	unsigned long min_index;	/* allocated at or after this */
	int mt;				/* a MT_* or -1 for any */
};

struct free_stats {
	unsigned long blocks;
	unsigned long pages;
};

struct tag_group *run_group(struct scenario_run *run, const char *name);
struct tag_group *run_find_group(struct scenario_run *run, const char *name);
int group_add(struct scenario_run *run, struct tag_group *g,
	      unsigned long pfn, unsigned int gfp, unsigned int order,
	      bool fill);
int group_alloc(struct scenario_run *run, struct tag_group *g,
		unsigned int gfp, unsigned int order, bool fill);
size_t group_live(const struct tag_group *g, unsigned long *pages);
size_t group_select(const struct tag_group *g, const struct block_filter *f,
		    size_t *idx);
int group_free_some(struct scenario_run *run, struct tag_group *g,
		    const struct block_filter *f, size_t n, size_t stride,
		    struct pagemig_rng *rng, struct free_stats *st);

struct verify_stats {
	unsigned long checked;		/* pages */
	unsigned long corrupted;	/* pages */
	unsigned long blocks_bad;
	const struct tag_group *first_group;	/* first corrupt block */
	unsigned long first_pfn, first_index;
};

void run_verify(struct scenario_run *run, const struct tag_group *only,
		struct verify_stats *vs);


int step_parse(struct yparse *p, const struct step_type *type,
	       yaml_node_t *node, const char *path, void **args);
void step_release(const struct step_type *type, void *args);
void *run_state(const struct scenario_run *run, const struct step_state *ops);
/* Names steps declare and later steps name: allocation tags, processes. */
extern const struct yp_names tag_names, proc_names;
extern const char *const expect_any_success[];
/* expect: any | success, into a bool that is true for success. */
#define EXPECT_KEY(type, member)					\
	{ "expect", YP_CHOICE, 0, YP_FIELD(type, member),		\
	  .choices = expect_any_success }

/* run.c: the parts of a run every step file shares. */
double step_now(void);
void step_rng(const struct scenario_run *run, const struct step *step,
	      struct pagemig_rng *rng);
/*
 * Summary figures; the figures only a step's blocks show go straight to
 * report_add_*() (report/step_text.c prints them).
 */
void step_figure(struct step_result *res, const char *name,
		 unsigned long value);
void step_figure_real(struct step_result *res, const char *name,
		      double value);
double pages_mib(unsigned long pages);
void step_fail(struct step_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void step_progress(struct scenario_run *run, const struct step *step,
		   unsigned long done, unsigned long total);

#endif /* _PAGEMIG_WORKLOAD_STEPS_H */
