// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig run --repeat and --set (sweep.h).  The parent never builds a
 * machine: each run is a fork()ed child that builds one, runs the
 * scenario and writes its JSON report into a pipe, so no sysctl, seed or
 * leftover state of one run reaches the next.  The parent turns the
 * reports into figures (figures.h) and prints
 *
 *	--repeat only	one line per figure, as pagemig bench prints:
 *			NAME MEDIAN (N runs, spread S%)
 *	--set		one row per figure, one column per grid point
 *			(medians over the repeats), the points listed above
 *
 * with --csv FILE the same in long form, and with --plot FILE.png one
 * line plot per figure, drawn by gnuplot.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "figures.h"
#include "sweep.h"

/* The machine: keys --set takes, beside the vm sysctls. */
static const char *const machine_keys[] = {
	"memory", "cpus", "zones.dma32", "zones.movable", "movable_ops", NULL,
};

/* machine.movable_ops's values, in enum pagemig_movable_ops order. */
static const char *const movable_ops_modes[] = { "6.17", "decoupled", NULL };

/*
 * Figures shown when --figure is not given: the counters, each step's
 * results, free memory and fragmentation per zone, and the verify.
 */
static char *default_globs[] = {
	"vmstat.*", "steps.*.results.*", "zones.*.free",
	"zones.*.fragmentation_score", "verify.*",
};

/* Plots drawn at most, the figures that vary most first. */
#define SWEEP_MAX_PLOTS	12

/**
 * sweep_active() - Whether --repeat or --set asked for more than one run.
 * @sw: the options.
 *
 * Return: true when the runs go through sweep_run().
 */
bool sweep_active(const struct sweep *sw)
{
	return sw->nr_keys || sw->repeat > 1;
}

static bool is_machine_key(const char *name)
{
	unsigned int i;

	for (i = 0; machine_keys[i]; i++)
		if (!strcmp(machine_keys[i], name))
			return true;
	return false;
}

static int parse_value(struct sweep_key *k, const char *text, uint64_t *v)
{
	char why[160];
	uint64_t n;

	if (!strcmp(k->name, "memory") || !strncmp(k->name, "zones.", 6)) {
		if (cli_parse_size(text, v) || *v % (2ULL << 20))
			return cli_usage("run", "--set %s: expected a size that is a multiple of 2M, such as 512M, got '%s'",
					 k->name, text);
		return 0;
	}
	if (!strcmp(k->name, "movable_ops")) {
		for (n = 0; movable_ops_modes[n]; n++)
			if (!strcmp(text, movable_ops_modes[n])) {
				*v = n;
				return 0;
			}
		return cli_usage("run", "--set movable_ops: expected 6.17 or decoupled, got '%s'",
				 text);
	}
	if (!strcmp(k->name, "cpus")) {
		if (cli_parse_u64(text, v) || !*v || *v > PAGEMIG_MAX_CPUS)
			return cli_usage("run", "--set cpus: expected 1..%d, got '%s'",
					 PAGEMIG_MAX_CPUS, text);
		return 0;
	}
	if (cli_parse_u64(text, &n) || n > INT32_MAX)
		return cli_usage("run", "--set %s: expected a non-negative integer, got '%s'",
				 k->name, text);
	if (pagemig_sysctl_check(k->name, (long)n, why, sizeof(why)))
		return cli_usage("run", "--set %s", why);
	*v = n;
	return 0;
}

/* Every name --set takes, for the message about an unknown one. */
static void known_keys(char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	const char *name;

	buf[0] = '\0';
	for (i = 0; machine_keys[i] && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 machine_keys[i]);
	for (i = 0; (name = pagemig_sysctl_name(i)) && used < len; i++)
		used += snprintf(buf + used, len - used, ", %s", name);
}

/**
 * sweep_parse_set() - Take one --set KEY=V1,V2,... option.
 * @sw: the options so far.
 * @arg: the option's value.
 *
 * KEY is a machine: key (memory, cpus, zones.dma32, zones.movable,
 * movable_ops) or a
 * vm sysctl (pagemig_sysctl_name()); each value is checked here, before
 * anything runs.
 *
 * Return: 0, or CLI_USAGE after a message.
 */
int sweep_parse_set(struct sweep *sw, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct sweep_key *k;
	char names[512], *buf, *tok, *save;
	unsigned int i;
	long dummy;
	int ret;

	if (!eq || eq == arg || !eq[1])
		return cli_usage("run", "--set: expected KEY=V1,V2,..., got '%s'",
				 arg);
	if (sw->nr_keys == SWEEP_MAX_KEYS)
		return cli_usage("run", "--set: at most %d keys", SWEEP_MAX_KEYS);
	k = &sw->keys[sw->nr_keys];
	buf = strdup(arg);
	if (!buf)
		return cli_usage("run", "out of memory");
	sw->argv_buf[sw->nr_keys] = buf;
	buf[eq - arg] = '\0';
	k->name = buf;
	if (!strncmp(k->name, "vm.", 3))
		k->name += 3;
	k->machine = is_machine_key(k->name);
	if (!k->machine && pagemig_sysctl_get(k->name, &dummy) == -ENOENT) {
		known_keys(names, sizeof(names));
		sw->nr_keys++;	/* freed with the rest */
		return cli_usage("run", "--set: no key '%s'; known: %s", k->name,
				 names);
	}
	for (i = 0; i < sw->nr_keys; i++)
		if (!strcmp(sw->keys[i].name, k->name)) {
			sw->nr_keys++;
			return cli_usage("run", "--set: '%s' given twice", k->name);
		}
	sw->nr_keys++;
	for (tok = strtok_r(buf + (eq - arg) + 1, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (k->nr == SWEEP_MAX_VALUES)
			return cli_usage("run", "--set %s: at most %d values",
					 k->name, SWEEP_MAX_VALUES);
		ret = parse_value(k, tok, &k->val[k->nr]);
		if (ret)
			return ret;
		k->text[k->nr++] = tok;
	}
	if (!k->nr)
		return cli_usage("run", "--set %s: no values", k->name);
	return 0;
}

/**
 * sweep_apply_machine() - Put a point's machine: keys into a config.
 * @sw: the options.
 * @pt: the point.
 * @cfg: the scenario's machine, changed.
 */
void sweep_apply_machine(const struct sweep *sw, const struct sweep_point *pt,
			 struct pagemig_config *cfg)
{
	const struct sweep_key *k;
	unsigned int i;

	for (i = 0; i < sw->nr_keys; i++) {
		k = &sw->keys[i];
		if (!strcmp(k->name, "memory"))
			cfg->memory = k->val[pt->idx[i]];
		else if (!strcmp(k->name, "cpus"))
			cfg->nr_cpus = (unsigned int)k->val[pt->idx[i]];
		else if (!strcmp(k->name, "zones.dma32"))
			cfg->dma32 = k->val[pt->idx[i]];
		else if (!strcmp(k->name, "zones.movable"))
			cfg->movable = k->val[pt->idx[i]];
		else if (!strcmp(k->name, "movable_ops"))
			cfg->movable_ops = (enum pagemig_movable_ops)k->val[pt->idx[i]];
	}
}

/**
 * sweep_apply_sysctls() - Write a point's sysctls into the live machine.
 * @sw: the options.
 * @pt: the point.
 *
 * Context: after the machine is built, before the first step.
 * Return: 0, or the first pagemig_sysctl_set() error.
 */
int sweep_apply_sysctls(const struct sweep *sw, const struct sweep_point *pt)
{
	unsigned int i;
	int ret;

	for (i = 0; i < sw->nr_keys; i++) {
		if (sw->keys[i].machine)
			continue;
		ret = pagemig_sysctl_set(sw->keys[i].name,
					 (long)sw->keys[i].val[pt->idx[i]]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The grid's points in order, the last key changing fastest. */
static unsigned int nr_points(const struct sweep *sw)
{
	unsigned int i, n = 1;

	for (i = 0; i < sw->nr_keys; i++)
		n *= sw->keys[i].nr;
	return n;
}

static void point_of(const struct sweep *sw, unsigned int n,
		     struct sweep_point *pt)
{
	int i;

	memset(pt, 0, sizeof(*pt));
	for (i = (int)sw->nr_keys - 1; i >= 0; i--) {
		pt->idx[i] = n % sw->keys[i].nr;
		n /= sw->keys[i].nr;
	}
}

static void point_label(const struct sweep *sw, const struct sweep_point *pt,
			char *buf, size_t len, const char *sep)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < sw->nr_keys && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s=%s",
				 i ? sep : "", sw->keys[i].name,
				 sw->keys[i].text[pt->idx[i]]);
}

/* Read all of @fd; NUL-terminated, or NULL. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *p;
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (len + 1 == cap) {
			p = realloc(buf, cap * 2);
			if (!p)
				goto fail;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
}

/*
 * One run in a child; its report's figures into @set.  Return: 0, or -1
 * after a message (the child could not run, or printed no report).
 */
static int run_child(const struct sweep *sw, const struct sweep_point *pt,
		     uint64_t seed, sweep_run_fn fn, void *ctx,
		     struct figset *set)
{
	char err[256], label[256], *text;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds)) {
		perror("pagemig run: pipe");
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("pagemig run: fork");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(CLI_FAILED);
		close(fds[1]);
		status = fn(ctx, sw, pt, seed);
		fflush(stdout);
		_exit(status);
	}
	close(fds[1]);
	text = read_all(fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	point_label(sw, pt, label, sizeof(label), " ");
	if (!WIFEXITED(status) || WEXITSTATUS(status) > CLI_FAILED ||
	    !text || !text[0]) {
		fprintf(stderr, "pagemig run: the run with %s%sseed %llu %s\n",
			label, label[0] ? ", " : "", (unsigned long long)seed,
			WIFEXITED(status) ? "printed no report" : "crashed");
		free(text);
		return -1;
	}
	if (WEXITSTATUS(status) == CLI_FAILED)
		fprintf(stderr, "pagemig run: the run with %s%sseed %llu failed (its figures still count)\n",
			label, label[0] ? ", " : "", (unsigned long long)seed);
	if (figset_parse(set, text, err, sizeof(err))) {
		fprintf(stderr, "pagemig run: the run with seed %llu: %s\n",
			(unsigned long long)seed, err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/* What one point's repeats give: per figure, median, min and max. */
struct point_stats {
	struct figset median, min, max;
};

static int point_summarise(const struct figset *runs, unsigned int nr,
			   struct point_stats *ps)
{
	struct figtable t;
	double md, lo, hi;
	size_t i;
	int ret;

	ret = figtable_build(&t, runs, nr);
	if (ret)
		return ret;
	for (i = 0; i < t.nr_rows && !ret; i++) {
		fig_stats(t.rows[i].v, nr, &md, &lo, &hi);
		ret = figset_add(&ps->median, t.rows[i].name, md) ?:
		      figset_add(&ps->min, t.rows[i].name, lo) ?:
		      figset_add(&ps->max, t.rows[i].name, hi);
	}
	figtable_free(&t);
	return ret;
}

static bool shown(const struct sweep *sw, const char *name)
{
	if (sw->nr_globs)
		return fig_selected(name, sw->globs, sw->nr_globs);
	return fig_selected(name, default_globs,
			    sizeof(default_globs) / sizeof(default_globs[0]));
}

static double spread_pct(double md, double lo, double hi)
{
	if (md == 0)
		return hi == lo ? 0 : NAN;
	return 100.0 * (hi - lo) / fabs(md);
}

/* --repeat alone: bench's "NAME MEDIAN (N runs, spread S%)". */
static void print_repeat(const struct sweep *sw, const struct point_stats *ps,
			 FILE *csv)
{
	const struct figset *m = &ps->median;
	char buf[64];
	double sp;
	size_t i;

	if (csv)
		fprintf(csv, "figure,median,min,max,runs,spread_pct\n");
	for (i = 0; i < m->nr; i++) {
		const char *name = m->f[i].name;
		double lo = ps->min.f[i].value, hi = ps->max.f[i].value;

		sp = spread_pct(m->f[i].value, lo, hi);
		if (csv) {
			fig_format(buf, sizeof(buf), m->f[i].value);
			fprintf(csv, "%s,%s", name, buf);
			fig_format(buf, sizeof(buf), lo);
			fprintf(csv, ",%s", buf);
			fig_format(buf, sizeof(buf), hi);
			fprintf(csv, ",%s,%u,", buf, sw->repeat);
			if (!isnan(sp))
				fprintf(csv, "%.1f", sp);
			fputc('\n', csv);
		}
		if (!shown(sw, name) || (m->f[i].value == 0 && hi == 0 && lo == 0))
			continue;
		fig_format(buf, sizeof(buf), m->f[i].value);
		if (isnan(sp))
			printf("%s %s (%u runs, min %g, max %g)\n", name, buf,
			       sw->repeat, lo, hi);
		else
			printf("%s %s (%u runs, spread %.1f%%)\n", name, buf,
			       sw->repeat, sp);
	}
}

/* A figure's row of the grid table: which figures vary, and how much. */
struct grid_row {
	const char *name;
	double *v;		/* [points], medians */
	double range;		/* (max - min) / max |v|: for the plots */
};

static int cmp_range(const void *a, const void *b)
{
	const struct grid_row *x = a, *y = b;

	return x->range < y->range ? 1 : x->range > y->range ? -1 : 0;
}

static void print_points(const struct sweep *sw, unsigned int np)
{
	struct sweep_point pt;
	char label[256];
	unsigned int p;

	printf("point  %s\n", "settings");
	for (p = 0; p < np; p++) {
		point_of(sw, p, &pt);
		point_label(sw, &pt, label, sizeof(label), " ");
		printf("%5u  %s\n", p + 1, label);
	}
	printf("\n");
}

static void write_grid_csv(const struct sweep *sw, const struct point_stats *ps,
			   unsigned int np, FILE *csv)
{
	struct sweep_point pt;
	unsigned int p, k;
	char buf[64];
	size_t i;

	for (k = 0; k < sw->nr_keys; k++)
		fprintf(csv, "%s,", sw->keys[k].name);
	fprintf(csv, "figure,median,min,max,runs\n");
	for (p = 0; p < np; p++) {
		point_of(sw, p, &pt);
		for (i = 0; i < ps[p].median.nr; i++) {
			for (k = 0; k < sw->nr_keys; k++)
				fprintf(csv, "%s,", sw->keys[k].text[pt.idx[k]]);
			fig_format(buf, sizeof(buf), ps[p].median.f[i].value);
			fprintf(csv, "%s,%s", ps[p].median.f[i].name, buf);
			fig_format(buf, sizeof(buf), ps[p].min.f[i].value);
			fprintf(csv, ",%s", buf);
			fig_format(buf, sizeof(buf), ps[p].max.f[i].value);
			fprintf(csv, ",%s,%u\n", buf, sw->repeat);
		}
	}
}

/*
 * One PNG, a line plot per figure: the first key on the x axis, a line
 * per combination of the others.  gnuplot reads the data inline.
 * Return: 0, or -1 after a message.
 */
static int plot(const struct sweep *sw, struct grid_row *rows, size_t nr,
		unsigned int np)
{
	unsigned int per_line = np / sw->keys[0].nr, cols, nrows, l, x;
	struct sweep_point pt;
	char label[256];
	size_t i, n = nr < SWEEP_MAX_PLOTS ? nr : SWEEP_MAX_PLOTS;
	FILE *gp;
	int status;

	if (!n) {
		fprintf(stderr, "pagemig run: --plot: no figure changes over the grid; nothing to draw\n");
		return -1;
	}
	cols = n < 3 ? (unsigned int)n : 3;
	nrows = (unsigned int)((n + cols - 1) / cols);
	gp = popen("gnuplot", "w");
	if (!gp) {
		fprintf(stderr, "pagemig run: --plot: cannot run gnuplot (apt-get install gnuplot-nox)\n");
		return -1;
	}
	fprintf(gp, "set terminal png size %u,%u font ',9'\n", 420 * cols,
		300 * nrows);
	fprintf(gp, "set output '%s'\n", sw->plot);
	fprintf(gp, "set multiplot layout %u,%u\nset grid\nset key top left font ',8'\n",
		nrows, cols);
	fprintf(gp, "set xlabel '%s' noenhanced\nset format y '%%g'\n",
		sw->keys[0].name);
	for (i = 0; i < n; i++) {
		fprintf(gp, "set title '%s' noenhanced\n", rows[i].name);
		fprintf(gp, "plot ");
		for (l = 0; l < per_line; l++) {
			point_of(sw, l, &pt);
			if (sw->nr_keys > 1) {
				/* The point's label without the first key. */
				struct sweep sub = *sw;

				sub.nr_keys--;
				memmove(sub.keys, sub.keys + 1,
					sub.nr_keys * sizeof(sub.keys[0]));
				memmove(pt.idx, pt.idx + 1,
					sub.nr_keys * sizeof(pt.idx[0]));
				point_label(&sub, &pt, label, sizeof(label), " ");
			} else if (sw->repeat > 1) {
				snprintf(label, sizeof(label), "median of %u runs",
					 sw->repeat);
			} else {
				label[0] = '\0';
			}
			if (label[0])
				fprintf(gp, "%s'-' using 1:2 with linespoints title '%s' noenhanced",
					l ? ", " : "", label);
			else
				fprintf(gp, "'-' using 1:2 with linespoints notitle");
		}
		fprintf(gp, "\n");
		for (l = 0; l < per_line; l++) {
			for (x = 0; x < sw->keys[0].nr; x++) {
				double v = rows[i].v[x * per_line + l];

				if (!isnan(v))
					fprintf(gp, "%llu %.17g\n",
						(unsigned long long)sw->keys[0].val[x], v);
			}
			fprintf(gp, "e\n");
		}
	}
	fprintf(gp, "unset multiplot\n");
	status = pclose(gp);
	if (status) {
		fprintf(stderr, "pagemig run: --plot: gnuplot failed writing %s\n",
			sw->plot);
		return -1;
	}
	return 0;
}

/* --set: the points, then a row per figure that changes over them. */
static int print_grid(const struct sweep *sw, const struct point_stats *ps,
		      unsigned int np)
{
	struct figset *med = calloc(np, sizeof(*med));
	struct grid_row *rows = NULL;
	struct figtable t = { 0 };
	size_t i, nr = 0, width = 6, unchanged = 0;
	unsigned int p;
	char buf[64];
	int ret = -1;

	if (!med)
		goto out;
	for (p = 0; p < np; p++)
		med[p] = ps[p].median;	/* borrowed */
	if (figtable_build(&t, med, np))
		goto out;
	rows = calloc(t.nr_rows + 1, sizeof(*rows));
	if (!rows)
		goto out;
	for (i = 0; i < t.nr_rows; i++) {
		double lo = INFINITY, hi = -INFINITY, big = 0;

		if (!shown(sw, t.rows[i].name))
			continue;
		for (p = 0; p < np; p++) {
			double v = t.rows[i].v[p];

			if (isnan(v))
				continue;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
			big = fmax(big, fabs(v));
		}
		if (!(hi > lo)) {
			unchanged++;
			continue;
		}
		rows[nr].name = t.rows[i].name;
		rows[nr].v = t.rows[i].v;
		rows[nr].range = (hi - lo) / big;
		if (strlen(rows[nr].name) > width)
			width = strlen(rows[nr].name);
		nr++;
	}
	print_points(sw, np);
	printf("%-*s", (int)width, "figure");
	for (p = 0; p < np; p++)
		printf(" %10u", p + 1);
	printf("\n");
	for (i = 0; i < nr; i++) {
		printf("%-*s", (int)width, rows[i].name);
		for (p = 0; p < np; p++) {
			fig_format(buf, sizeof(buf), rows[i].v[p]);
			printf(" %10s", buf);
		}
		printf("\n");
	}
	if (unchanged)
		printf("(%zu figure%s the same at every point)\n", unchanged,
		       unchanged == 1 ? "" : "s");
	if (sw->repeat > 1)
		printf("(each value the median of %u runs; --csv has min and max)\n",
		       sw->repeat);
	ret = 0;
	if (sw->plot) {
		qsort(rows, nr, sizeof(*rows), cmp_range);
		ret = plot(sw, rows, nr, np);
		if (!ret)
			printf("plot: %s\n", sw->plot);
	}
out:
	free(rows);
	figtable_free(&t);
	free(med);
	return ret;
}

/**
 * sweep_run() - Every point of the grid, each --repeat times.
 * @sw: the options.
 * @what: the scenario, for the header line.
 * @seed: the first run's seed.
 * @vary_seed: give repeat r the seed @seed + r (runs are deterministic,
 *             so without it the repeats would be identical); false when
 *             --seed fixed it.
 * @fn: runs one point in a child.
 * @ctx: for @fn.
 *
 * Return: CLI_OK, or CLI_FAILED when a run gave no report, a file could
 * not be written or gnuplot failed.
 */
int sweep_run(struct sweep *sw, const char *what, uint64_t seed,
	      bool vary_seed, sweep_run_fn fn, void *ctx)
{
	unsigned int np = nr_points(sw), p, r;
	struct point_stats *ps = calloc(np, sizeof(*ps));
	struct figset *runs = calloc(sw->repeat, sizeof(*runs));
	struct sweep_point pt;
	FILE *csv = NULL;
	int ret = CLI_FAILED;

	if (!ps || !runs) {
		fprintf(stderr, "pagemig run: out of memory\n");
		goto out;
	}
	printf("# pagemig run %s: %u point%s x %u run%s, seeds %llu", what, np,
	       np == 1 ? "" : "s", sw->repeat, sw->repeat == 1 ? "" : "s",
	       (unsigned long long)seed);
	if (vary_seed && sw->repeat > 1)
		printf("..%llu", (unsigned long long)(seed + sw->repeat - 1));
	printf("\n");
	fflush(stdout);
	for (p = 0; p < np; p++) {
		point_of(sw, p, &pt);
		for (r = 0; r < sw->repeat; r++) {
			if (isatty(STDERR_FILENO))
				fprintf(stderr, "\r\033[Krun %u of %u",
					p * sw->repeat + r + 1, np * sw->repeat);
			if (run_child(sw, &pt, vary_seed ? seed + r : seed, fn,
				      ctx, &runs[r]))
				goto out;
		}
		if (point_summarise(runs, sw->repeat, &ps[p])) {
			fprintf(stderr, "pagemig run: out of memory\n");
			goto out;
		}
		for (r = 0; r < sw->repeat; r++)
			figset_free(&runs[r]);
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (sw->csv) {
		csv = fopen(sw->csv, "w");
		if (!csv) {
			fprintf(stderr, "pagemig run: %s: %s\n", sw->csv,
				strerror(errno));
			goto out;
		}
	}
	if (!sw->nr_keys)
		print_repeat(sw, &ps[0], csv);
	else if (print_grid(sw, ps, np))
		goto out;
	if (csv && sw->nr_keys)
		write_grid_csv(sw, ps, np, csv);
	if (csv) {
		if (fclose(csv)) {
			csv = NULL;
			fprintf(stderr, "pagemig run: %s: write failed\n", sw->csv);
			goto out;
		}
		csv = NULL;
		printf("csv: %s\n", sw->csv);
	}
	ret = CLI_OK;
out:
	if (csv)
		fclose(csv);
	for (p = 0; ps && p < np; p++) {
		figset_free(&ps[p].median);
		figset_free(&ps[p].min);
		figset_free(&ps[p].max);
	}
	for (r = 0; runs && r < sw->repeat; r++)
		figset_free(&runs[r]);
	free(ps);
	free(runs);
	return ret;
}

/**
 * sweep_free() - Free what sweep_parse_set() copied.
 * @sw: the options.
 */
void sweep_free(struct sweep *sw)
{
	unsigned int i;

	for (i = 0; i < SWEEP_MAX_KEYS; i++)
		free(sw->argv_buf[i]);
	memset(sw, 0, sizeof(*sw));
}
