// SPDX-License-Identifier: GPL-2.0
/*
 * Process steps: spawn, touch, pin, exit, workers and stop, and the
 * process form of free (free: {process: ...}, which steps.c's free
 * becomes when it names a process).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define WORKER_SECONDS_MAX	3600

/* Processes: spawn declares them, the other steps name them. */
const struct yp_names proc_names = {
	.prefix = "proc:",
	.what = "a process name",
	.ref = "the name of a spawned process",
	.verb = "spawns a process",
	.again = "a process \"%s\" was already spawned",
};

#define PROC_KEY(type, flags)						\
	{ "process", YP_NAME, flags, YP_FIELD(type, process),		\
	  .names = &proc_names }

/* ---- spawn ---- */

struct spawn_args {
	struct wl_spawn sp;
	char *name, *file_path, *file_from;
};

static const struct yp_key cpu_key = {
	"", YP_INT, .size = sizeof(int), .max = PAGEMIG_MAX_CPUS - 1
};

static int spawn_cpu(struct yparse *p, yaml_node_t *key, yaml_node_t *v,
		     const char *path, void *args)
{
	struct wl_spawn *sp = args;

	if (sp->nr_cpus == WL_MAX_CPUS)
		return yp_error(p, v, path, "expected at most %d CPUs",
				WL_MAX_CPUS);
	return yp_value(p, v, path, &cpu_key, &sp->cpus[sp->nr_cpus++]);
}

static int spawn_cpus(struct yparse *p, yaml_node_t *v, const char *path,
		      const struct yp_key *k, void *args)
{
	if (v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.top == v->data.sequence.items.start)
		return yp_expected(p, v, path, "a list of CPU numbers such as [0, 1]");
	return yp_each(p, v, path, NULL, spawn_cpu,
		       &((struct spawn_args *)args)->sp);
}

#define SPAWN_PAGES(key, member)					\
	{ key, YP_SIZE, YP_NONZERO | YP_ONE_OF,				\
	  YP_FIELD(struct spawn_args, member),				\
	  .align = PAGEMIG_PAGE_SIZE,					\
	  .what = "a non-zero size in whole 4 KiB pages" }

/* Which memory: anon, a file, or another process's file (shared). */
static int spawn_check(struct yparse *p, yaml_node_t *map, const char *path,
		       void *args)
{
	struct spawn_args *a = args;
	struct wl_spawn *sp = &a->sp;
	bool shared = yp_get(p, map, "shared", NULL);

	sp->name = a->name;
	sp->file_path = a->file_path;
	sp->file_from = a->file_from;
	sp->has_file = sp->file || sp->file_path;
	if (sp->file_from && sp->has_file)
		return yp_key_error(p, map, path, "file_from",
				    "give either file/file_path or file_from, not both");
	if (shared && !sp->has_file && !sp->file_from)
		return yp_key_error(p, map, path, "shared",
				    "only applies with file or file_path");
	if (shared && sp->file_from && !sp->shared)
		return yp_key_error(p, map, path, "shared",
				    "file_from maps another process's file shared");
	if (sp->file_from)
		sp->shared = true;
	return 0;
}

static const struct yp_key spawn_keys[] = {
	{ "name", YP_NAME, YP_REQUIRED | YP_DECLARE,
	  YP_FIELD(struct spawn_args, name), .names = &proc_names },
	SPAWN_PAGES("anon", sp.anon),
	SPAWN_PAGES("file", sp.file),
	{ "file_path", YP_PATH, YP_ONE_OF,
	  YP_FIELD(struct spawn_args, file_path),
	  .what = "a path to a regular file" },
	{ "file_from", YP_NAME, YP_ONE_OF,
	  YP_FIELD(struct spawn_args, file_from),
	  .names = &proc_names },
	{ "shared", YP_BOOL, 0, YP_FIELD(struct spawn_args, sp.shared) },
	{ "thp", YP_BOOL, 0, YP_FIELD(struct spawn_args, sp.thp),
	  .only_with = "anon" },
	{ "threads", YP_INT, 0, YP_FIELD(struct spawn_args, sp.threads),
	  .max = WL_MAX_THREADS, .def = 1 },
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct spawn_args, sp.pattern),
	  .choices = wl_pattern_names, .def = WL_RANDOM },
	{ "cpus", YP_CUSTOM, .parse = spawn_cpus },
	{ "writes", YP_FRACTION, 0, YP_FIELD(struct spawn_args, sp.writes),
	  .def_real = 0.5 },
	{ "ksm", YP_BOOL, 0, YP_FIELD(struct spawn_args, sp.ksm),
	  .only_with = "anon" },
	{ "duplicates", YP_INT, 0, YP_FIELD(struct spawn_args, sp.duplicates),
	  .min = 1, .max = 1 << 30, .only_with = "anon" },
	YP_END_CHECK(struct spawn_args, spawn_check)
};

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

DEFINE_STEP_TYPE(step_spawn, "spawn", spawn_keys, spawn_run,
		 "create a process with anon and/or file memory and start its worker threads",
		 .state = &wl_state_ops);

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

static const struct yp_key touch_keys[] = {
	PROC_KEY(struct touch_args, YP_REQUIRED),
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct touch_args, pattern),
	  .choices = touch_patterns },
	{ "fraction", YP_FRACTION, 0, YP_FIELD(struct touch_args, fraction),
	  .def_real = 1.0 },
	{ "write", YP_BOOL, 0, YP_FIELD(struct touch_args, write), .def = true },
	YP_END(struct touch_args)
};

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

DEFINE_STEP_TYPE(step_touch, "touch", touch_keys, touch_run,
		 "read or write a share of a process's pages now, faulting them in");

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

static const struct yp_key proc_free_keys[] = {
	PROC_KEY(struct proc_free_args, YP_REQUIRED),
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct proc_free_args, pattern),
	  .choices = free_patterns },
	{ "fraction", YP_FRACTION, 0, YP_FIELD(struct proc_free_args, fraction),
	  .def_real = 0.5, .only_with = "pattern",
	  .only_if = 1 << WL_FREE_RANDOM | 1 << WL_FREE_RANGE },
	{ "from", YP_FRACTION, 0, YP_FIELD(struct proc_free_args, from),
	  .only_with = "pattern", .only_if = 1 << WL_FREE_RANGE },
	{ "mapping", YP_CHOICE, 0, YP_FIELD(struct proc_free_args, mapping),
	  .choices = free_mappings },
	YP_END(struct proc_free_args)
};

/*
 * free: {process: P, ...}: MADV_DONTNEED over the share of the process's
 * mappings the keys select; failed calls fail the step.  A process that
 * is not live fails it too.
 */
static int proc_free_run(struct scenario_run *run, const struct step *step,
			 struct step_result *res)
{
	const struct proc_free_args *a = step->args;
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

/* The process form of free: steps.c's free turns into it (alt_key). */
DEFINE_STEP_TYPE(step_free_process, "free", proc_free_keys, proc_free_run,
		 "free (MADV_DONTNEED) every other, a random share or a range of a process's pages");

/* ---- pin ---- */

struct pin_args {
	char *process;
	unsigned long pages;
};

static const struct yp_key pin_keys[] = {
	PROC_KEY(struct pin_args, YP_REQUIRED),
	{ "pages", YP_INT, YP_REQUIRED, YP_FIELD(struct pin_args, pages),
	  .min = 1, .max = 1 << 24 },
	YP_END(struct pin_args)
};

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

DEFINE_STEP_TYPE(step_pin, "pin", pin_keys, pin_run,
		 "long-term pin N pages spread over a process's memory (they never migrate)");

/* ---- exit ---- */

static const struct yp_key exit_keys[] = {
	PROC_KEY(struct touch_args, YP_REQUIRED),
	YP_END(struct touch_args)
};

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

DEFINE_STEP_TYPE(step_exit, "exit", exit_keys, exit_run,
		 "stop a process's workers and exit it: its memory is freed");

/* ---- workers and stop ---- */

struct workers_args {
	char *process;		/* NULL: every process */
	bool run;
	double seconds;
};

static const struct yp_key workers_keys[] = {
	{ "run", YP_BOOL, YP_REQUIRED, YP_FIELD(struct workers_args, run) },
	PROC_KEY(struct workers_args, 0),
	{ "seconds", YP_REAL, 0, YP_FIELD(struct workers_args, seconds),
	  .max = WORKER_SECONDS_MAX, .what = "a number of seconds 0..3600",
	  .only_with = "run", .only_if = 1 << true },
	YP_END(struct workers_args)
};

static const struct yp_key stop_keys[] = {
	PROC_KEY(struct workers_args, 0),
	YP_END(struct workers_args)
};

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

DEFINE_STEP_TYPE(step_workers, "workers", workers_keys, workers_run,
		 "start (run: true, optionally for some seconds) or stop process worker threads");

DEFINE_STEP_TYPE(step_stop, "stop", stop_keys, workers_run,
		 "stop the worker threads of every process (or of one)");
