// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig compare: the figures of two or more JSON reports side by side,
 * the largest changes first.  An A/B of two builds, or of two settings,
 * in one command instead of jq over two files.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "figures.h"

struct compare_cli {
	bool csv, all, no_timings;
	char *globs[16];
	unsigned int nr_globs;
};

/* A row's change: last column against the first. */
struct change {
	const struct figrow *row;
	double delta, pct;	/* pct: INFINITY from zero, NAN when absent */
};

static double change_key(const struct change *c)
{
	if (isnan(c->pct))
		return isnan(c->delta) ? -1 : 0;
	return fabs(c->pct);
}

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	double kx = change_key(x), ky = change_key(y);

	if (kx != ky)
		return kx < ky ? 1 : -1;
	if (fabs(x->delta) != fabs(y->delta))
		return fabs(x->delta) < fabs(y->delta) ? 1 : -1;
	return strcmp(x->row->name, y->row->name);
}

/* The options and operands; 0 or CLI_USAGE. */
static int parse_args(struct compare_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "figure", required_argument, NULL, 'f' },
		{ "no-timings", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt("compare", argc, argv, opts)) != -1) {
		switch (c) {
		case 'c':
			o->csv = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'n':
			o->no_timings = true;
			break;
		case 'f':
			if (o->nr_globs == sizeof(o->globs) / sizeof(o->globs[0]))
				return cli_usage("compare", "--figure: at most %zu patterns",
						 sizeof(o->globs) / sizeof(o->globs[0]));
			o->globs[o->nr_globs++] = optarg;
			break;
		}
	}
	if (argc - optind < 2)
		return cli_usage("compare", "expected two or more JSON reports, got %d",
				 argc - optind);
	if (argc - optind > 16)
		return cli_usage("compare", "at most 16 reports, got %d",
				 argc - optind);
	return 0;
}

static void print_csv(const struct change *ch, size_t n, char **files,
		      unsigned int nr)
{
	char buf[64];
	unsigned int k;
	size_t i;

	printf("figure");
	for (k = 0; k < nr; k++)
		printf(",%s", files[k]);
	printf(",delta,percent\n");
	for (i = 0; i < n; i++) {
		printf("%s", ch[i].row->name);
		for (k = 0; k < nr; k++) {
			fig_format(buf, sizeof(buf), ch[i].row->v[k]);
			printf(",%s", strcmp(buf, "-") ? buf : "");
		}
		fig_format(buf, sizeof(buf), ch[i].delta);
		printf(",%s", strcmp(buf, "-") ? buf : "");
		if (isnan(ch[i].pct) || isinf(ch[i].pct))
			printf(",\n");
		else
			printf(",%.1f\n", ch[i].pct);
	}
}

/* A delta with its sign: +12, -3, or "-" when a report lacks the figure. */
static void format_delta(char *buf, size_t len, double d)
{
	char v[48];

	if (isnan(d)) {
		snprintf(buf, len, "-");
		return;
	}
	fig_format(v, sizeof(v), fabs(d));
	snprintf(buf, len, "%s%s", d < 0 ? "-" : d > 0 ? "+" : "", v);
}

static void print_table(const struct change *ch, size_t n, size_t unchanged,
			size_t partial, char **files, unsigned int nr,
			size_t width)
{
	const char *base;
	char buf[64];
	unsigned int k;
	size_t i;

	printf("%-*s", (int)width, "figure");
	for (k = 0; k < nr; k++) {
		base = strrchr(files[k], '/');
		base = base ? base + 1 : files[k];
		printf(" %14.14s", base);
	}
	printf(" %12s %9s\n", "delta", "percent");
	for (i = 0; i < n; i++) {
		printf("%-*s", (int)width, ch[i].row->name);
		for (k = 0; k < nr; k++) {
			fig_format(buf, sizeof(buf), ch[i].row->v[k]);
			printf(" %14s", buf);
		}
		format_delta(buf, sizeof(buf), ch[i].delta);
		printf(" %12s", buf);
		if (isnan(ch[i].pct))
			printf(" %9s\n", "-");
		else if (isinf(ch[i].pct))
			printf(" %9s\n", "new");
		else
			printf(" %+8.1f%%\n", ch[i].pct);
	}
	if (!n)
		printf("(no figure differs)\n");
	if (unchanged)
		printf("(%zu figure%s unchanged; --all shows them)\n", unchanged,
		       unchanged == 1 ? "" : "s");
	if (partial)
		printf("(%zu figure%s in only some reports, as from another version; --all shows them)\n",
		       partial, partial == 1 ? "" : "s");
}

/**
 * cmd_compare() - pagemig compare A.json B.json [C.json...] [--csv] [--all]
 *	[--figure GLOB] [--no-timings]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "compare".
 *
 * Return: CLI_OK, or CLI_USAGE for bad usage or a file that is not a
 * JSON report.
 */
int cmd_compare(int argc, char **argv)
{
	struct compare_cli o = { 0 };
	struct figset sets[16] = { 0 };
	struct figtable t = { 0 };
	struct change *ch = NULL;
	size_t i, n = 0, unchanged = 0, partial = 0, width = 6;
	unsigned int k, nr;
	char err[256];
	int ret = CLI_USAGE;

	ret = parse_args(&o, argc, argv);
	if (ret)
		return ret;
	argv += optind;
	nr = (unsigned int)(argc - optind);
	for (k = 0; k < nr; k++) {
		if (figset_load(&sets[k], argv[k], err, sizeof(err))) {
			fprintf(stderr, "pagemig compare: %s: %s\n", argv[k], err);
			ret = CLI_USAGE;
			goto out;
		}
	}
	ret = CLI_FAILED;
	if (figtable_build(&t, sets, nr))
		goto out_nomem;
	ch = calloc(t.nr_rows + 1, sizeof(*ch));
	if (!ch)
		goto out_nomem;
	for (i = 0; i < t.nr_rows; i++) {
		const struct figrow *row = &t.rows[i];
		double a = row->v[0], b = row->v[nr - 1];
		bool same = true, absent = false;

		if (!fig_selected(row->name, o.globs, o.nr_globs) ||
		    (o.no_timings && fig_is_timing(row->name)))
			continue;
		for (k = 0; k < nr; k++) {
			if (!(row->v[k] == row->v[0]))
				same = false;
			if (isnan(row->v[k]))
				absent = true;
		}
		if (absent && !o.all) {
			partial++;
			continue;
		}
		if (same && !o.all) {
			unchanged++;
			continue;
		}
		ch[n].row = row;
		ch[n].delta = b - a;
		if (isnan(a) || isnan(b))
			ch[n].pct = NAN;
		else if (a == 0)
			ch[n].pct = b == 0 ? 0 : INFINITY;
		else
			ch[n].pct = 100.0 * (b - a) / fabs(a);
		if (strlen(row->name) > width)
			width = strlen(row->name);
		n++;
	}
	qsort(ch, n, sizeof(*ch), cmp_change);
	if (o.csv)
		print_csv(ch, n, argv, nr);
	else
		print_table(ch, n, unchanged, partial, argv, nr, width);
	ret = CLI_OK;
	goto out;
out_nomem:
	fprintf(stderr, "pagemig compare: out of memory\n");
out:
	free(ch);
	figtable_free(&t);
	for (k = 0; k < nr; k++)
		figset_free(&sets[k]);
	return ret;
}

const char help_compare[] =
"NAME\n"
"    pagemig compare - the figures of two or more JSON reports side by side\n"
"\n"
"SYNOPSIS\n"
"    pagemig compare A.json B.json [C.json...] [--csv] [--all]\n"
"                    [--figure GLOB]... [--no-timings]\n"
"\n"
"DESCRIPTION\n"
"    Reads reports written by 'pagemig run --json' (or import, twin) and\n"
"    prints one table: every figure that differs, its value in each\n"
"    report, the delta and the percent change of the last report against\n"
"    the first, largest change first (a figure that was zero and is not\n"
"    shows 'new'). A figure is the path to a number in the report:\n"
"    vmstat.pgmigrate_success, zones.Normal.nr_free[9],\n"
"    steps.3:compact.results.migrated. Figures every report has alike are\n"
"    counted on the last line, and so are figures only some reports have\n"
"    (a newer version's); --all lists both.\n"
"\n"
"OPTIONS\n"
"    --csv           print CSV: figure, one column per report, delta,\n"
"                    percent\n"
"    --all           list unchanged figures too\n"
"    --figure GLOB   only figures matching the shell pattern GLOB\n"
"                    (repeatable): --figure 'vmstat.compact_*'\n"
"    --no-timings    leave out wall-clock figures (seconds, rates)\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  success\n"
"    2  bad usage, or a file that is not a JSON report\n"
"\n"
"EXAMPLES\n"
"    pagemig run fragment --json > a.json   # one build\n"
"    pagemig run fragment --json > b.json   # another\n"
"    pagemig compare a.json b.json --no-timings\n";
