/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Figures of a run, as flat (name, value) pairs read from its JSON
 * report, and a table of them over several runs: what compare, run
 * --repeat and run --set print.
 *
 * A name is the path to a number in the JSON object, with array elements
 * named by what they are rather than where they are:
 *
 *	vmstat.pgmigrate_success
 *	zones.Normal.nr_free[9]
 *	steps.3:compact.results.migrated
 *	balloons.drivers.virtio_balloon.inflated
 *
 * so two reports of one scenario line up figure by figure.
 */
#ifndef _PAGEMIG_CLI_FIGURES_H
#define _PAGEMIG_CLI_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

struct figure {
	char *name;		/* owned */
	double value;
};

/* The figures of one report, in the report's order. */
struct figset {
	struct figure *f;
	size_t nr, cap;
};

int figset_add(struct figset *s, const char *name, double v);
int figset_from_json(struct figset *s, struct json_object *o);
int figset_parse(struct figset *s, const char *text, char *err, size_t errlen);
int figset_load(struct figset *s, const char *path, char *err, size_t errlen);
const struct figure *figset_find(const struct figset *s, const char *name);
void figset_free(struct figset *s);

/*
 * One figure over the columns of a table (files, runs, grid points):
 * its value in each, NAN where a column lacks it.
 */
struct figrow {
	const char *name;	/* the first set's copy */
	double *v;		/* [nr_cols], owned */
};

struct figtable {
	unsigned int nr_cols;
	size_t nr_rows;
	struct figrow *rows;	/* owned */
};

int figtable_build(struct figtable *t, const struct figset *sets,
		   unsigned int nr_sets);
void figtable_free(struct figtable *t);

/* Median, min and max of @n values, NANs left out; false if none. */
bool fig_stats(const double *v, unsigned int n, double *median,
	       double *min, double *max);
/* A value as the tables print it: integers bare, others with two decimals. */
void fig_format(char *buf, size_t len, double v);
/* Whether @name is selected by the globs of --figure (all when none). */
bool fig_selected(const char *name, char *const *globs, unsigned int nr);
/* Whether the figure is a wall-clock time, so differs run to run. */
bool fig_is_timing(const char *name);

#endif /* _PAGEMIG_CLI_FIGURES_H */
