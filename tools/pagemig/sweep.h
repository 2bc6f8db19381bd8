/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagemig run --repeat N and --set KEY=V1,V2,...: one scenario run many
 * times, each run a child process (a fresh machine, nothing carried
 * over), its JSON report read back and its figures put in a table: the
 * median and spread per figure over the repeats, and one column per
 * point of the grid the --set options span.
 */
#ifndef _PAGEMIG_CLI_SWEEP_H
#define _PAGEMIG_CLI_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include <pagemig/pagemig.h>

#define SWEEP_MAX_KEYS		4
#define SWEEP_MAX_VALUES	32
#define SWEEP_MAX_RUNS		1000
#define SWEEP_MAX_GLOBS		16

struct sweep_key {
	const char *name;	/* "memory", "extfrag_threshold" */
	bool machine;		/* a machine: key, else a vm sysctl */
	unsigned int nr;
	const char *text[SWEEP_MAX_VALUES];	/* as given */
	uint64_t val[SWEEP_MAX_VALUES];
};

struct sweep {
	struct sweep_key keys[SWEEP_MAX_KEYS];
	unsigned int nr_keys;
	unsigned int repeat;		/* runs per point, 1.. */
	const char *csv, *plot;		/* files, or NULL */
	char *globs[SWEEP_MAX_GLOBS];	/* --figure */
	unsigned int nr_globs;
	char *argv_buf[SWEEP_MAX_KEYS];	/* owned copies of --set values */
};

/* A point of the grid: which value of each key. */
struct sweep_point {
	unsigned int idx[SWEEP_MAX_KEYS];
};

/*
 * Run one point with @seed in a child process: print the JSON report on
 * stdout and return the run's exit status.
 */
typedef int (*sweep_run_fn)(void *ctx, const struct sweep *sw,
			    const struct sweep_point *pt, uint64_t seed);

bool sweep_active(const struct sweep *sw);
int sweep_parse_set(struct sweep *sw, const char *arg);
void sweep_apply_machine(const struct sweep *sw, const struct sweep_point *pt,
			 struct pagemig_config *cfg);
int sweep_apply_sysctls(const struct sweep *sw, const struct sweep_point *pt);
int sweep_run(struct sweep *sw, const char *what, uint64_t seed,
	      bool vary_seed, sweep_run_fn fn, void *ctx);
void sweep_free(struct sweep *sw);

#endif /* _PAGEMIG_CLI_SWEEP_H */
