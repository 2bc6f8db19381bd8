// SPDX-License-Identifier: GPL-2.0
/*
 * Process steps: spawn, touch, pin, exit, workers and stop, and the
 * process form of free (free: {process: ...}, called from steps.c).
 *
 *  spawn    create a process with anonymous and/or file memory and start
 *           its worker threads, which read and write that memory through
 *           its page tables until a stop (or workers: {run: false}) step
 *           or the end of the run, while other steps (compaction,
 *           balloons, zram) go on
 *  touch    access a share of a process's pages from the scenario thread,
 *           synchronously: faults them in, writes a new generation
 *  free     free: {process: P, pattern: every-other|random|range}:
 *           MADV_DONTNEED on a share of its pages (fragmentation by
 *           movable memory)
 *  pin      long-term pin N pages spread over the process's memory:
 *           they never migrate, and compaction counts them as failures
 *  exit     stop its workers, exit the process
 *  workers  {run: true|false, process: P, seconds: S}: start or stop
 *           workers; with seconds, let them run that long first
 *  stop     stop every worker (or one process's)
 *
 * Process names live in the parser's name list as "proc:NAME", so steps
 * naming a process nobody spawned fail at parse time with a suggestion.
 * See workload/process.c for the content tags and the locking.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define PROC_PREFIX	"proc:"
#define WORKER_SECONDS_MAX	3600

static int declare_proc(struct yparse *p, yaml_node_t *at, const char *path,
			const char *name)
{
	char key[YP_PATH_MAX];
	unsigned int i;

	snprintf(key, sizeof(key), PROC_PREFIX "%s", name);
	for (i = 0; i < p->nr_names; i++)
		if (!strcmp(p->names[i], key))
			return yp_error(p, at, path, "a process \"%s\" was already spawned",
					name);
	if (yp_declare(p, key))
		return yp_error(p, at, path, "out of memory");
	return 0;
}

/* The process a step names must have been spawned by an earlier step. */
int step_parse_proc(struct yparse *p, yaml_node_t *map, const char *path,
		    const char *key, char **out)
{
	const char *names[64], *hint;
	char sub[YP_PATH_MAX];
	unsigned int i, n = 0;
	size_t len = strlen(PROC_PREFIX);
	yaml_node_t *v;
	int ret;

	ret = yp_require(p, map, path, key, "the name of a spawned process", &v);
	yp_path_key(sub, sizeof(sub), path, key);
	if (!ret)
		ret = yp_string(p, v, sub, "a process name", out);
	if (ret)
		return ret;
	for (i = 0; i < p->nr_names; i++) {
		if (strncmp(p->names[i], PROC_PREFIX, len))
			continue;
		if (!strcmp(p->names[i] + len, *out))
			return 0;
		if (n < 63)
			names[n++] = p->names[i] + len;
	}
	names[n] = NULL;
	hint = n ? yp_suggest(*out, names) : NULL;
	if (hint)
		return yp_error(p, v, sub, "no earlier step spawns a process \"%s\" (did you mean \"%s\"?)",
				*out, hint);
	return yp_error(p, v, sub, "no earlier step spawns a process \"%s\"",
			*out);
}

static int parse_pages_size(struct yparse *p, yaml_node_t *map,
			    const char *path, const char *key, uint64_t *out)
{
	char sub[YP_PATH_MAX];
	yaml_node_t *v = yp_get(p, map, key, NULL);
	int ret;

	if (!v)
		return 0;
	yp_path_key(sub, sizeof(sub), path, key);
	ret = yp_size(p, v, sub, out);
	if (ret)
		return ret;
	if (!*out || *out % PAGEMIG_PAGE_SIZE)
		return yp_expected(p, v, sub, "a non-zero size in whole 4 KiB pages");
	return 0;
}

/* ---- spawn ---- */

struct spawn_args {
	struct wl_spawn sp;
	char *name, *file_path, *file_from;
};

static void spawn_release(void *data)
{
	struct spawn_args *a = data;

	if (!a)
		return;
	free(a->name);
	free(a->file_path);
	free(a->file_from);
	free(a);
}

static int spawn_parse_cpus(struct yparse *p, yaml_node_t *map,
			    const char *path, struct wl_spawn *sp)
{
	char sub[YP_PATH_MAX], item[YP_PATH_MAX];
	yaml_node_t *v = yp_get(p, map, "cpus", NULL);
	yaml_node_item_t *it;
	long long n;
	int ret;

	if (!v)
		return 0;
	yp_path_key(sub, sizeof(sub), path, "cpus");
	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.top == v->data.sequence.items.start)
		return yp_expected(p, v, sub, "a list of CPU numbers such as [0, 1]");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yp_path_index(item, sizeof(item), sub,
			      it - v->data.sequence.items.start);
		if (sp->nr_cpus == WL_MAX_CPUS)
			return yp_error(p, yp_node(p, *it), item, "expected at most %d CPUs",
					WL_MAX_CPUS);
		ret = yp_int(p, yp_node(p, *it), item, 0, PAGEMIG_MAX_CPUS - 1, &n);
		if (ret)
			return ret;
		sp->cpus[sp->nr_cpus++] = (int)n;
	}
	return 0;
}

static int spawn_parse(struct yparse *p, yaml_node_t *node, const char *path,
		       void **out)
{
	static const char *const keys[] = {
		"name", "anon", "file", "file_path", "file_from", "shared",
		"thp", "threads", "pattern", "cpus", "writes", "ksm",
		"duplicates", NULL
	};
	yaml_node_t *map, *v, *shared;
	char sub[YP_PATH_MAX];
	struct spawn_args *a;
	struct wl_spawn *sp;
	long long n;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out,
			       sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	sp = &a->sp;
	sp->threads = 1;
	sp->pattern = WL_RANDOM;
	sp->writes = 0.5;

	ret = yp_require(p, map, path, "name", "a process name", &v);
	yp_path_key(sub, sizeof(sub), path, "name");
	if (!ret)
		ret = yp_string(p, v, sub, "a process name", &a->name);
	if (!ret)
		ret = declare_proc(p, v, sub, a->name);
	if (ret)
		return ret;
	sp->name = a->name;

	ret = parse_pages_size(p, map, path, "anon", &sp->anon);
	if (!ret)
		ret = parse_pages_size(p, map, path, "file", &sp->file);
	if (ret)
		return ret;
	ret = yp_key_string(p, map, path, "file_path",
			    "a path to a regular file", &a->file_path);
	if (ret)
		return ret;
	if (a->file_path) {
		/* Relative to the scenario's directory. */
		char *resolved = yp_resolve_path(p, a->file_path);

		if (!resolved)
			return yp_error(p, map, path, "out of memory");
		free(a->file_path);
		a->file_path = resolved;
	}
	sp->file_path = a->file_path;
	sp->has_file = sp->file || sp->file_path;
	v = yp_get(p, map, "file_from", NULL);
	if (v) {
		yp_path_key(sub, sizeof(sub), path, "file_from");
		if (sp->has_file)
			return yp_error(p, v, sub, "give either file/file_path or file_from, not both");
		ret = step_parse_proc(p, map, path, "file_from", &a->file_from);
		if (ret)
			return ret;
		sp->file_from = a->file_from;
		sp->shared = true;
	}
	if (!sp->anon && !sp->has_file && !sp->file_from)
		return yp_error(p, map, path, "expected at least one of anon, file, file_path, file_from");

	shared = yp_get(p, map, "shared", NULL);
	if (shared) {
		yp_path_key(sub, sizeof(sub), path, "shared");
		if (!sp->has_file && !sp->file_from)
			return yp_error(p, shared, sub, "only applies with file or file_path");
		ret = yp_bool(p, shared, sub, &sp->shared);
		if (ret)
			return ret;
		if (sp->file_from && !sp->shared)
			return yp_error(p, shared, sub, "file_from maps another process's file shared");
	}
	v = yp_get(p, map, "thp", NULL);
	if (v) {
		yp_path_key(sub, sizeof(sub), path, "thp");
		if (!sp->anon)
			return yp_error(p, v, sub, "only applies with anon");
		ret = yp_bool(p, v, sub, &sp->thp);
		if (ret)
			return ret;
	}
	v = yp_get(p, map, "ksm", NULL);
	if (v) {
		yp_path_key(sub, sizeof(sub), path, "ksm");
		if (!sp->anon)
			return yp_error(p, v, sub, "only applies with anon");
		ret = yp_bool(p, v, sub, &sp->ksm);
		if (ret)
			return ret;
	}
	v = yp_get(p, map, "duplicates", NULL);
	if (v) {
		yp_path_key(sub, sizeof(sub), path, "duplicates");
		if (!sp->anon)
			return yp_error(p, v, sub, "only applies with anon");
		ret = yp_int(p, v, sub, 1, 1 << 30, &n);
		if (ret)
			return ret;
		sp->duplicates = (unsigned int)n;
	}
	n = sp->threads;
	ret = yp_key_int(p, map, path, "threads", 0, WL_MAX_THREADS, &n);
	if (ret)
		return ret;
	sp->threads = (unsigned int)n;
	ret = yp_key_choice(p, map, path, "pattern", wl_pattern_names,
			   &sp->pattern);
	if (!ret)
		ret = yp_key_fraction(p, map, path, "writes", &sp->writes);
	if (!ret)
		ret = spawn_parse_cpus(p, map, path, sp);
	return ret;
}

static int spawn_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	struct spawn_args *a = step->args;
	struct pagemig_rng rng;
	char err[256] = "";
	int ret;

	step_rng(run, step, &rng);
	a->sp.seed = pagemig_rng_next(&rng);
	ret = wl_spawn(run, &a->sp, err, sizeof(err));
	if (ret == -ENOMEM && !err[0])
		return ret;
	if (ret)
		step_fail(res, "spawn %s: %s", a->name,
			  err[0] ? err : strerror(-ret));
	step_figure(res, "anon_pages", a->sp.anon / PAGEMIG_PAGE_SIZE);
	step_figure(res, "threads", a->sp.threads);
	return 0;
}

const struct step_type step_spawn = {
	.name = "spawn",
	.help = "create a process with anon and/or file memory and start its worker threads",
	.parse = spawn_parse,
	.run = spawn_run,
	.release = spawn_release,
};

/* ---- touch ---- */

static const char *const touch_patterns[] = {
	"sequential", "random", "every-other", NULL
};

struct touch_args {
	char *process;
	int pattern;
	double fraction;
	bool write;
};

static void proc_args_release(void *data)
{
	struct touch_args *a = data;	/* every args struct starts so */

	if (a)
		free(a->process);
	free(a);
}

static int touch_parse(struct yparse *p, yaml_node_t *node, const char *path,
		       void **out)
{
	static const char *const keys[] = {
		"process", "pattern", "fraction", "write", NULL
	};
	struct touch_args *a;
	yaml_node_t *map;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out,
			       sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	a->fraction = 1.0;
	a->write = true;
	ret = step_parse_proc(p, map, path, "process", &a->process);
	if (!ret)
		ret = yp_key_choice(p, map, path, "pattern", touch_patterns,
				   &a->pattern);
	if (!ret)
		ret = yp_key_fraction(p, map, path, "fraction", &a->fraction);
	if (!ret)
		ret = yp_key_bool(p, map, path, "write", &a->write);
	return ret;
}

struct touch_progress {
	struct scenario_run *run;
	const struct step *step;
};

static void touch_progress(void *data, unsigned long done, unsigned long total)
{
	struct touch_progress *tp = data;

	step_progress(tp->run, tp->step, done, total);
}

static struct wl_proc *live_proc(struct scenario_run *run,
				 struct step_result *res, const char *name)
{
	struct wl_proc *p = wl_find(run, name);
	struct wl_proc_report rep;
	unsigned int i;

	if (!p) {
		step_fail(res, "process \"%s\" was not spawned (its spawn step failed)",
			  name);
		return NULL;
	}
	for (i = 0; i < wl_nr_procs(run); i++) {
		wl_proc_report(run, i, &rep);
		if (!strcmp(rep.name, name) && rep.exited) {
			step_fail(res, "process \"%s\" has exited", name);
			return NULL;
		}
	}
	return p;
}

static int touch_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	const struct touch_args *a = step->args;
	struct touch_progress tp = { run, step };
	struct pagemig_rng rng;
	struct wl_op_stats st;
	struct wl_proc *p;

	p = live_proc(run, res, a->process);
	if (!p)
		return 0;
	step_rng(run, step, &rng);
	wl_touch(run, p, a->pattern, a->fraction, a->write,
		 pagemig_rng_next(&rng), &st, touch_progress, &tp);
	step_figure(res, "pages", st.pages);
	step_figure(res, "errors", st.errors);
	step_figure(res, "corrupted", st.corrupted);
	if (st.errors)
		step_fail(res, "%lu of %lu accesses failed; first: %s",
			  st.errors, st.pages, strerror(-st.first_error));
	return 0;
}

const struct step_type step_touch = {
	.name = "touch",
	.help = "read or write a share of a process's pages now, faulting them in",
	.parse = touch_parse,
	.run = touch_run,
	.release = proc_args_release,
};

/* ---- free: {process: ...} ---- */

static const char *const free_patterns[] = {
	"every-other", "random", "range", NULL
};
static const char *const free_mappings[] = { "anon", "file", "all", NULL };

struct proc_free_args {
	char *process;
	int pattern;
	int mapping;
	double fraction, from;
};

/**
 * proc_free_parse() - free: with a process: key (steps.c hands it over).
 * @p: the parser.
 * @map: the step's mapping.
 * @path: "steps[N].free".
 * @out: the args, for proc_free_run() and proc_args_release().
 *
 * Return: 0 or -EINVAL.
 */
int proc_free_parse(struct yparse *p, yaml_node_t *map, const char *path,
		    void **out)
{
	static const char *const keys[] = {
		"process", "pattern", "fraction", "from", "mapping", NULL
	};
	struct proc_free_args *a;
	char sub[YP_PATH_MAX];
	yaml_node_t *v;
	int ret;

	ret = yp_check_keys(p, map, path, keys);
	if (ret)
		return ret;
	a = step_args_new(p, path, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*out = a;
	a->fraction = 0.5;
	ret = step_parse_proc(p, map, path, "process", &a->process);
	if (!ret)
		ret = yp_key_choice(p, map, path, "pattern", free_patterns,
				   &a->pattern);
	if (!ret)
		ret = yp_key_choice(p, map, path, "mapping", free_mappings,
				   &a->mapping);
	if (ret)
		return ret;
	v = yp_get(p, map, "fraction", NULL);
	if (v && a->pattern == WL_FREE_EVERY_OTHER) {
		yp_path_key(sub, sizeof(sub), path, "fraction");
		return yp_error(p, v, sub, "only applies to pattern: random or range");
	}
	ret = yp_key_fraction(p, map, path, "fraction", &a->fraction);
	if (ret)
		return ret;
	v = yp_get(p, map, "from", NULL);
	if (v && a->pattern != WL_FREE_RANGE) {
		yp_path_key(sub, sizeof(sub), path, "from");
		return yp_error(p, v, sub, "only applies to pattern: range");
	}
	return yp_key_fraction(p, map, path, "from", &a->from);
}

/**
 * proc_free_run() - Run a free: {process: ...} step, for free_run().
 * @run: the run.
 * @step: the free step.
 * @res: its result.
 * @args: what proc_free_parse() made.
 *
 * MADV_DONTNEED over the share of the process's mappings @args selects;
 * failed calls fail the step.
 *
 * Return: 0 (a process that is not live fails the step instead).
 */
int proc_free_run(struct scenario_run *run, const struct step *step,
		  struct step_result *res, void *args)
{
	const struct proc_free_args *a = args;
	struct pagemig_rng rng;
	struct wl_op_stats st;
	struct wl_proc *p;

	p = live_proc(run, res, a->process);
	if (!p)
		return 0;
	step_rng(run, step, &rng);
	wl_free(run, p, a->mapping, a->pattern, a->fraction, a->from,
		pagemig_rng_next(&rng), &st);
	step_figure(res, "madvised", st.calls);
	step_figure(res, "pages", st.pages);
	if (st.errors)
		step_fail(res, "%lu of %lu pagemig_madvise_dontneed() calls failed; first: %s",
			  st.errors, st.calls, strerror(-st.first_error));
	return 0;
}

/**
 * proc_free_release() - Free what proc_free_parse() made.
 * @args: the args, or NULL.
 */
void proc_free_release(void *args)
{
	proc_args_release(args);
}

/* ---- pin ---- */

struct pin_args {
	char *process;
	unsigned long pages;
};

static int pin_parse(struct yparse *p, yaml_node_t *node, const char *path,
		     void **out)
{
	static const char *const keys[] = { "process", "pages", NULL };
	char sub[YP_PATH_MAX];
	struct pin_args *a;
	yaml_node_t *map, *v;
	long long n;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out,
			       sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	ret = step_parse_proc(p, map, path, "process", &a->process);
	if (!ret)
		ret = yp_require(p, map, path, "pages", "an integer 1..16777216", &v);
	yp_path_key(sub, sizeof(sub), path, "pages");
	if (!ret)
		ret = yp_int(p, v, sub, 1, 1 << 24, &n);
	if (!ret)
		a->pages = (unsigned long)n;
	return ret;
}

static int pin_run(struct scenario_run *run, const struct step *step,
		   struct step_result *res)
{
	const struct pin_args *a = step->args;
	unsigned long pinned;
	struct wl_proc *p;
	int ret;

	p = live_proc(run, res, a->process);
	if (!p)
		return 0;
	ret = wl_pin(run, p, a->pages, &pinned);
	step_figure(res, "pinned", pinned);
	if (ret)
		step_fail(res, "pagemig_pin() failed after %lu pages: %s",
			  pinned, strerror(-ret));
	return 0;
}

const struct step_type step_pin = {
	.name = "pin",
	.help = "long-term pin N pages spread over a process's memory (they never migrate)",
	.parse = pin_parse,
	.run = pin_run,
	.release = proc_args_release,
};

/* ---- exit ---- */

static int exit_parse(struct yparse *p, yaml_node_t *node, const char *path,
		      void **out)
{
	static const char *const keys[] = { "process", NULL };
	struct touch_args *a;
	yaml_node_t *map;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out,
			       sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	return step_parse_proc(p, map, path, "process", &a->process);
}

static int exit_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct touch_args *a = step->args;
	unsigned long before = pagemig_free_pages_count();
	struct wl_proc *p;
	int ret;

	p = live_proc(run, res, a->process);
	if (!p)
		return 0;
	ret = wl_exit(run, p);
	step_figure(res, "pages_freed", pagemig_free_pages_count() - before);
	if (ret)
		step_fail(res, "pagemig_process_exit(): %s", strerror(-ret));
	return 0;
}

const struct step_type step_exit = {
	.name = "exit",
	.help = "stop a process's workers and exit it: its memory is freed",
	.parse = exit_parse,
	.run = exit_run,
	.release = proc_args_release,
};

/* ---- workers and stop ---- */

struct workers_args {
	char *process;		/* NULL: every process */
	bool run;
	double seconds;
};

static int workers_parse_common(struct yparse *p, yaml_node_t *node,
				const char *path, void **out, bool is_stop)
{
	static const char *const keys[] = { "run", "process", "seconds", NULL };
	static const char *const stop_keys[] = { "process", NULL };
	struct workers_args *a;
	char sub[YP_PATH_MAX];
	yaml_node_t *map, *v;
	long long ms;
	int ret;

	ret = step_parse_start(p, node, path, is_stop ? stop_keys : keys,
			       &map, out, sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	if (map && yp_get(p, map, "process", NULL)) {
		ret = step_parse_proc(p, map, path, "process", &a->process);
		if (ret)
			return ret;
	}
	if (is_stop)
		return 0;
	ret = yp_require(p, map, path, "run", "true or false", &v);
	yp_path_key(sub, sizeof(sub), path, "run");
	if (!ret)
		ret = yp_bool(p, v, sub, &a->run);
	if (ret)
		return ret;
	v = yp_get(p, map, "seconds", NULL);
	if (!v)
		return 0;
	yp_path_key(sub, sizeof(sub), path, "seconds");
	if (!a->run)
		return yp_error(p, v, sub, "only applies with run: true");
	/* Milliseconds through yp_int: "0.5" is not an integer, so by hand. */
	if (v->type != YAML_SCALAR_NODE)
		return yp_expected(p, v, sub, "a number of seconds 0..3600");
	{
		const char *s = (const char *)v->data.scalar.value;
		char *end;
		double d = strtod(s, &end);

		if (!*s || *end || !(d >= 0) || d > WORKER_SECONDS_MAX)
			return yp_expected(p, v, sub, "a number of seconds 0..3600");
		ms = llround(d * 1000);
		a->seconds = ms / 1000.0;
	}
	return 0;
}

static int workers_parse(struct yparse *p, yaml_node_t *node,
			 const char *path, void **out)
{
	return workers_parse_common(p, node, path, out, false);
}

static int stop_parse(struct yparse *p, yaml_node_t *node, const char *path,
		      void **out)
{
	return workers_parse_common(p, node, path, out, true);
}

static int workers_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res)
{
	const struct workers_args *a = step->args;
	unsigned long a0 = wl_accesses(run);
	struct wl_proc *p = NULL;
	struct timespec ts;
	double t0, t;
	int ret;

	if (a->process && !(p = live_proc(run, res, a->process)))
		return 0;
	if (!a->run) {
		wl_workers_stop(run, p);
		goto out;
	}
	ret = wl_workers_start(run, p);
	if (ret) {
		step_fail(res, "starting workers: %s", ret == -EINVAL ?
			  "a cpus: entry names a CPU the machine does not have" :
			  strerror(-ret));
		goto out;
	}
	t0 = step_now();
	while ((t = step_now() - t0) < a->seconds) {
		step_progress(run, step, (unsigned long)(t * 1000),
			      (unsigned long)(a->seconds * 1000));
		ts.tv_sec = 0;
		ts.tv_nsec = 20 * 1000 * 1000;
		nanosleep(&ts, NULL);
	}
out:
	step_figure(res, "accesses", wl_accesses(run) - a0);
	step_figure(res, "running", wl_workers_running(run));
	return 0;
}

const struct step_type step_workers = {
	.name = "workers",
	.help = "start (run: true, optionally for some seconds) or stop process worker threads",
	.parse = workers_parse,
	.run = workers_run,
	.release = proc_args_release,
};

const struct step_type step_stop = {
	.name = "stop",
	.help = "stop the worker threads of every process (or of one)",
	.parse = stop_parse,
	.run = workers_run,
	.release = proc_args_release,
};
