// SPDX-License-Identifier: GPL-2.0
/*
 * Running a scenario: the machine's lifetime, the tag groups that record
 * what steps allocated, and the content check over them.
 *
 * Every block a step allocates is recorded in a named group (the step's
 * tag:) with its PFN, order and its index within the group.  The index
 * and the group's name hash give the block a 64-bit content tag, written
 * with pagemig_fill_tag() when the block is allocated; whatever moves
 * the block later (migration, compaction, offlining, in later steps) must
 * carry the contents along, and run_verify() checks every page of every
 * live tagged block with pagemig_check_tag().  The final verify after the
 * last step is what the report's "verify:" line prints.
 *
 * Groups keep blocks in allocation order, so free: every-other means
 * "every other allocation".  Freed blocks are only marked, then packed
 * out once per operation: that keeps random frees O(n) per round rather
 * than O(n) per block.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "lib/ktime.h"
#include "scenario.h"
#include "steps.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * The content tag of the @index-th block of @g.  Mixing through
 * splitmix64 makes neighbouring indices give unrelated tags, so a page
 * copied to the wrong place never checks out by luck.
 */
static uint64_t block_tag(const struct tag_group *g, unsigned long index)
{
	uint64_t x = g->hash + index;

	return pagemig_splitmix64(&x);
}

/**
 * run_find_group() - Look up a tag group by name.
 * @run: the run.
 * @name: the group's name.
 *
 * Return: the group, or NULL if no step has allocated into it yet.
 */
struct tag_group *run_find_group(struct scenario_run *run, const char *name)
{
	unsigned int i;

	for (i = 0; i < run->nr_groups; i++)
		if (!strcmp(run->groups[i].name, name))
			return &run->groups[i];
	return NULL;
}

/**
 * run_group() - Look up a tag group by name, creating it if needed.
 * @run: the run.
 * @name: the group's name.
 *
 * Return: the group, or NULL if the host is out of memory.  Pointers to
 * groups stay valid only until the next run_group() call.
 */
struct tag_group *run_group(struct scenario_run *run, const char *name)
{
	struct tag_group *g = run_find_group(run, name), *groups;

	if (g)
		return g;
	groups = realloc(run->groups, (run->nr_groups + 1) * sizeof(*groups));
	if (!groups)
		return NULL;
	run->groups = groups;
	g = &groups[run->nr_groups];
	*g = (struct tag_group){ .name = strdup(name), .hash = fnv1a(name) };
	if (!g->name)
		return NULL;
	run->nr_groups++;
	return g;
}

/*
 * The migratetype @gfp allocates from: gfp_migratetype(), which the
 * facade does not export, over the bits pagemig_parse_gfp() gives.
 * Both set is a kernel bug (it warns); we call it movable.
 */
static int run_gfp_migratetype(const struct scenario_run *run, unsigned int gfp)
{
	if (gfp & run->gfp_movable)
		return MT_MOVABLE;
	if (gfp & run->gfp_reclaimable)
		return MT_RECLAIMABLE;
	return MT_UNMOVABLE;
}

/* Room for one more block in @g: 0 or -ENOMEM. */
static int group_room(struct tag_group *g)
{
	size_t cap = g->cap ? 2 * g->cap : 256;
	struct tag_block *b;

	if (g->nr < g->cap)
		return 0;
	b = realloc(g->blocks, cap * sizeof(*b));
	if (!b)
		return -ENOMEM;
	g->blocks = b;
	g->cap = cap;
	return 0;
}

/**
 * group_add() - Record a block allocated elsewhere in a group.
 * @run: the run.
 * @g: the group.
 * @pfn: the block's first page.
 * @gfp: the gfp mask it was allocated with.
 * @order: its order.
 * @fill: whether to write (and later check) the content tag.
 *
 * Return: 0, or -ENOMEM if the host is out of memory (nothing recorded).
 */
int group_add(struct scenario_run *run, struct tag_group *g,
	      unsigned long pfn, unsigned int gfp, unsigned int order,
	      bool fill)
{
	struct tag_block *b;

	if (group_room(g))
		return -ENOMEM;
	b = &g->blocks[g->nr++];
	b->pfn = pfn;
	b->index = g->next_index++;
	b->order = order;
	b->mt = run_gfp_migratetype(run, gfp);
	b->filled = fill;
	b->live = true;
	if (fill)
		pagemig_fill_tag(pfn, 1UL << order, block_tag(g, b->index));
	return 0;
}

/**
 * group_alloc() - Allocate one block into a group and tag its contents.
 * @run: the run.
 * @g: the group.
 * @gfp: the gfp mask.
 * @order: the block's order.
 * @fill: whether to write (and later check) the content tag.
 *
 * Return: 0 on success; 1 if the machine had no block to give (counted
 * in the report's alloc_failures: scenarios push machines to that on
 * purpose);
 * -ENOMEM if the host is out of memory; the library's -EINVAL if it
 * refused the request.
 */
int group_alloc(struct scenario_run *run, struct tag_group *g,
		unsigned int gfp, unsigned int order, bool fill)
{
	unsigned long pfn;
	int ret;

	/* Room first, so a block is never allocated and then dropped. */
	if (group_room(g))
		return -ENOMEM;
	ret = pagemig_alloc_pages(gfp, order, &pfn);
	if (ret == -ENOMEM) {
		run->report.alloc_failures++;
		return 1;
	}
	if (ret)
		return ret;
	return group_add(run, g, pfn, gfp, order, fill);
}

/*
 * Free the @i-th block of @g, counting it in @st (may be NULL).  It is
 * only marked dead; group_pack() removes it.  0, or the library's
 * -EINVAL if it did not know the block (a library bug: it was ours).
 */
static int group_free(struct scenario_run *run, struct tag_group *g,
		      size_t i, struct free_stats *st)
{
	struct tag_block *b = &g->blocks[i];
	int ret;

	ret = pagemig_free_pages(b->pfn, b->order);
	if (ret)
		return ret;
	b->live = false;
	if (st) {
		st->blocks++;
		st->pages += 1UL << b->order;
	}
	return 0;
}

/* Drop freed blocks, keeping allocation order. */
static void group_pack(struct tag_group *g)
{
	size_t i, j;

	for (i = j = 0; i < g->nr; i++)
		if (g->blocks[i].live)
			g->blocks[j++] = g->blocks[i];
	g->nr = j;
}

/**
 * group_live() - Count live blocks and their pages.
 * @g: the group.
 * @pages: if not NULL, set to the pages they hold.
 *
 * Return: the number of live blocks.
 */
size_t group_live(const struct tag_group *g, unsigned long *pages)
{
	unsigned long p = 0;
	size_t i, n = 0;

	for (i = 0; i < g->nr; i++) {
		if (!g->blocks[i].live)
			continue;
		n++;
		p += 1UL << g->blocks[i].order;
	}
	if (pages)
		*pages = p;
	return n;
}

/**
 * group_select() - List the live blocks of a group that pass a filter.
 * @g: the group.
 * @f: the filter.
 * @idx: room for g->nr positions, filled in allocation order; NULL to
 *	count them only.
 *
 * Return: how many blocks pass.
 */
size_t group_select(const struct tag_group *g, const struct block_filter *f,
		    size_t *idx)
{
	const struct tag_block *b;
	size_t i, n = 0;

	for (i = 0; i < g->nr; i++) {
		b = &g->blocks[i];
		if (!b->live || b->index < f->min_index)
			continue;
		if (f->mt >= 0 && b->mt != f->mt)
			continue;
		if (idx)
			idx[n] = i;
		n++;
	}
	return n;
}

/**
 * group_free_some() - Free up to @n blocks of a group that pass a filter.
 * @run: the run.
 * @g: the group.
 * @f: which blocks may be picked.
 * @n: how many to free (fewer if fewer pass @f).
 * @stride: without @rng: every @stride-th block that passes, in
 *	allocation order (1: each one).
 * @rng: with it, @n blocks picked uniformly instead; NULL for in order.
 * @st: counts what was freed.
 *
 * Packs @g afterwards.
 *
 * Return: 0, -ENOMEM (host), or the library's error from a free.
 */
int group_free_some(struct scenario_run *run, struct tag_group *g,
		    const struct block_filter *f, size_t n, size_t stride,
		    struct pagemig_rng *rng, struct free_stats *st)
{
	size_t *idx, nr, k, j;
	int ret = 0;

	if (!g->nr || !n)
		return 0;
	idx = malloc(g->nr * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	nr = group_select(g, f, idx);
	for (k = 0; k < n && (rng ? k : k * stride) < nr; k++) {
		/* Partial Fisher-Yates: the k-th pick comes from idx[k..]. */
		j = rng ? k + pagemig_rng_below(rng, nr - k) : k * stride;
		ret = group_free(run, g, idx[j], st);
		if (ret)
			break;
		if (rng)
			idx[j] = idx[k];	/* idx[k] is never read again */
	}
	free(idx);
	group_pack(g);
	return ret;
}

/**
 * run_verify() - Check the contents of every live tagged block.
 * @run: the run.
 * @only: check this group only, or NULL for all.
 * @vs: the tally, including where the first corrupt block is.
 */
void run_verify(struct scenario_run *run, const struct tag_group *only,
		struct verify_stats *vs)
{
	const struct tag_group *g;
	const struct tag_block *b;
	unsigned long nr, bad;
	unsigned int i;
	size_t j;

	memset(vs, 0, sizeof(*vs));
	for (i = 0; i < run->nr_groups; i++) {
		g = &run->groups[i];
		if (only && g != only)
			continue;
		for (j = 0; j < g->nr; j++) {
			b = &g->blocks[j];
			if (!b->live || !b->filled)
				continue;
			nr = 1UL << b->order;
			bad = pagemig_check_tag(b->pfn, nr,
						block_tag(g, b->index));
			vs->checked += nr;
			if (!bad)
				continue;
			vs->corrupted += bad;
			if (!vs->blocks_bad++) {
				vs->first_group = g;
				vs->first_pfn = b->pfn;
				vs->first_index = b->index;
			}
		}
	}
}

/**
 * step_now() - Seconds on the monotonic clock, for step timings.
 *
 * Return: the time in seconds.
 */
double step_now(void)
{
	return (double)ktime_get_wall_ns() / NSEC_PER_SEC;
}

/**
 * step_rng() - Seed a generator for one step.
 * @run: the run (its seed).
 * @step: the step (its position).
 * @rng: the generator to seed.
 *
 * Each step draws from its own stream, derived from the run's seed and
 * the step's position: adding a step to a scenario then leaves the
 * random choices of the steps before it unchanged.
 */
void step_rng(const struct scenario_run *run, const struct step *step,
	      struct pagemig_rng *rng)
{
	uint64_t x = run->cfg.seed ^ ((uint64_t)(step->index + 1) << 40);

	pagemig_rng_seed(rng, pagemig_splitmix64(&x));
}

/**
 * step_figure() - Record a counter a step reports in its summary.
 * @res: the step's result.
 * @name: the counter's name; a string literal (it is not copied).
 * @value: its value.
 *
 * Shown as "name=value" in the summary line and under "results" in JSON,
 * and there for the step's blocks to print.  A figure the host has no
 * memory for is dropped.
 */
void step_figure(struct step_result *res, const char *name,
		 unsigned long value)
{
	report_add_count(res, name, value, NULL, true);
}

/**
 * step_figure_real() - Record a real-valued summary figure (MiB, a percentage).
 * @res: the step's result.
 * @name: its name, unit included ("rss_after_mib"); a string literal.
 * @value: its value; the summary prints one decimal.
 */
void step_figure_real(struct step_result *res, const char *name,
		      double value)
{
	report_add_real(res, name, value, NULL, true);
}

/**
 * pages_mib() - Pages as MiB, for figures.
 * @pages: a page count.
 *
 * Return: the size in MiB.
 */
double pages_mib(unsigned long pages)
{
	return pages * (double)PAGEMIG_PAGE_SIZE / (1 << 20);
}

/**
 * step_fail() - Mark a step failed, keeping the first reason.
 * @res: the step's result.
 * @fmt: printf format of the reason, one line.
 */
void step_fail(struct step_result *res, const char *fmt, ...)
{
	va_list ap;

	res->failed = true;
	if (res->message)
		return;
	va_start(ap, fmt);
	if (vasprintf(&res->message, fmt, ap) < 0)
		res->message = NULL;
	va_end(ap);
}

/**
 * step_progress() - Tell the caller how far a long step has got.
 * @run: the run.
 * @step: the step.
 * @done: units of work done.
 * @total: units in all.
 */
void step_progress(struct scenario_run *run, const struct step *step,
		   unsigned long done, unsigned long total)
{
	if (run->opts.progress)
		run->opts.progress(run->opts.progress_data, step, done, total);
}

/*
 * The report's header and every step's identity, before the machine is
 * built (the zones as built come after).  Return: 0 or -ENOMEM.
 */
static int report_start(struct scenario_run *run)
{
	const struct scenario *sc = run->sc;
	struct report *r = &run->report;
	unsigned int i;

	if (report_init(r, sc->nr_steps))
		return -ENOMEM;
	r->name = strdup(sc->name);
	r->file = strdup(sc->file);
	r->description = strdup(sc->description);
	if (!r->name || !r->file || !r->description)
		return -ENOMEM;
	r->memory = run->cfg.memory;
	r->dma32 = run->cfg.dma32;
	r->movable = run->cfg.movable;
	r->cpus = run->cfg.nr_cpus;
	r->decoupled = run->cfg.movable_ops == PAGEMIG_MOVABLE_OPS_DECOUPLED;
	r->seed = run->cfg.seed;
	snprintf(r->version, sizeof(r->version), "%s", pagemig_version());
	for (i = 0; i < sc->nr_steps; i++) {
		r->steps[i].type = scenario_step_name(&sc->steps[i]);
		r->steps[i].line = sc->steps[i].line;
	}
	return 0;
}

/**
 * run_state() - The state a step type owns in a run.
 * @run: the run.
 * @ops: the state's ops, as the owning type's .state names them.
 *
 * Return: the state, or NULL outside scenario_run_start() ..
 * scenario_run_finish().
 */
void *run_state(const struct scenario_run *run, const struct step_state *ops)
{
	unsigned int i;

	for (i = 0; run->states && step_types[i]; i++)
		if (step_types[i]->state == ops)
			return run->states[i];
	return NULL;
}

/* Every state a step type owns, for the run loop's hooks. */
#define for_each_state(run, i, ops)					\
	for (i = 0; step_types[i]; i++)					\
		if (!(ops = step_types[i]->state) || !run->states[i]) {} else

static int states_create(struct scenario_run *run)
{
	const struct step_state *ops;
	unsigned int i;

	run->states = calloc(scenario_step_type_count(),
			     sizeof(*run->states));
	if (!run->states)
		return -ENOMEM;
	for (i = 0; step_types[i]; i++) {
		ops = step_types[i]->state;
		if (ops && !(run->states[i] = ops->create(run)))
			return -ENOMEM;
	}
	return 0;
}

static void states_destroy(struct scenario_run *run)
{
	const struct step_state *ops;
	unsigned int i;

	if (!run->states)
		return;
	for_each_state(run, i, ops)
		ops->destroy(run, run->states[i]);
	free(run->states);
	run->states = NULL;
}

/*
 * The end of the run into the report: the machine as the steps left it,
 * and what each step type's state adds (the processes).  Return: 0 or
 * -ENOMEM.
 */
static int report_end(struct scenario_run *run)
{
	struct report *r = &run->report;
	const struct step_state *ops;
	unsigned int i;
	int ret;

	for_each_state(run, i, ops) {
		if (ops->report) {
			ret = ops->report(run, run->states[i], r);
			if (ret)
				return ret;
		}
	}
	return report_snapshot_machine(&r->end);
}

/**
 * scenario_run_start() - Build the machine a scenario describes.
 * @run: the run to set up; zeroed here.
 * @sc: the loaded scenario; must outlive @run.
 * @opts: run options (seed override, output, progress).
 * @err: where to write why the machine could not be built.
 * @errlen: size of @err.
 *
 * Context: no machine may exist yet (one machine per process).
 * Return: 0; -EBUSY if a machine already exists; -ENOMEM; or what
 * pagemig_machine_init() returned.
 */
int scenario_run_start(struct scenario_run *run, const struct scenario *sc,
		       const struct scenario_run_opts *opts,
		       char *err, size_t errlen)
{
	char why[256] = "";
	int ret, i;

	memset(run, 0, sizeof(*run));
	run->sc = sc;
	run->opts = *opts;
	run->cfg = sc->cfg;
	if (opts->seed_given)
		run->cfg.seed = opts->seed;
	if (pagemig_machine_ready()) {
		snprintf(err, errlen, "a machine is already running in this process");
		return -EBUSY;
	}
	if (report_start(run)) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out_free;
	}
	if (pagemig_parse_gfp("__GFP_MOVABLE", &run->gfp_movable) ||
	    pagemig_parse_gfp("__GFP_RECLAIMABLE", &run->gfp_reclaimable)) {
		snprintf(err, errlen, "the library does not know __GFP_MOVABLE and __GFP_RECLAIMABLE");
		ret = -EINVAL;
		goto out_free;
	}
	ret = pagemig_machine_init(&run->cfg, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: machine: %s", sc->file,
			 why[0] ? why : strerror(-ret));
		goto out_free;
	}
	ret = states_create(run);
	if (ret) {
		snprintf(err, errlen, "out of memory");
		states_destroy(run);
		pagemig_machine_exit();
		goto out_free;
	}
	/* The /proc/sys/vm knobs the scenario sets; checked when loaded. */
	for (i = 0; i < SCENARIO_NR_SYSCTLS; i++)
		if (sc->sysctl[i] >= 0)
			pagemig_sysctl_set(scenario_sysctls[i], sc->sysctl[i]);
	report_snapshot_zones(&run->report.start);
	return 0;
out_free:
	report_release(&run->report);
	return ret;
}

/**
 * scenario_run_steps() - Run every step, then verify every tagged page.
 * @run: a run set up by scenario_run_start().
 *
 * A step that fails (an expectation, corrupted pages) does not stop the
 * run: later steps and the report still show what happened.  A step
 * that cannot go on because the host failed (-ENOMEM) does.
 *
 * Each step's blocks go to run->opts.out as the step ends; the run's
 * report is complete when this returns.
 *
 * Return: 0 when every step succeeded and no page was corrupted, 1 when
 * something failed (see run->report.steps), or a negative errno from a
 * step that stopped the run (or from the host, filling the report).
 */
int scenario_run_steps(struct scenario_run *run)
{
	const struct scenario *sc = run->sc;
	struct report *r = &run->report;
	const struct step_state *ops;
	struct step_result *res;
	struct verify_stats vs;
	const struct step *step;
	double t0 = step_now(), t;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < sc->nr_steps; i++) {
		step = &sc->steps[i];
		res = &r->steps[i];
		t = step_now();
		ret = step->type->run(run, step, res);
		res->seconds = step_now() - t;
		res->ran = true;
		step_progress(run, step, 0, 0);
		if (run->opts.out) {
			report_text_step(run->opts.out, res);
			fflush(run->opts.out);
		}
		r->steps_run++;
		if (ret < 0)
			step_fail(res, "stopped: %s", strerror(-ret));
		if (res->failed)
			r->failed = true;
		if (ret < 0)
			break;
	}
	r->seconds = step_now() - t0;

	/* Quiesce every state (worker threads), then check all of it. */
	for_each_state(run, i, ops)
		if (ops->stop)
			ops->stop(run, run->states[i]);
	run_verify(run, NULL, &vs);
	r->verify_checked = vs.checked;
	r->verify_corrupted = vs.corrupted;
	for_each_state(run, i, ops)
		if (ops->verify)
			ops->verify(run, run->states[i], &r->verify_checked,
				    &r->verify_corrupted);
	if (r->verify_corrupted)
		r->failed = true;
	if (report_end(run) && ret >= 0)
		ret = -ENOMEM;
	if (ret < 0)
		return ret;
	return r->failed ? 1 : 0;
}

/**
 * scenario_run_finish() - Free what the steps allocated; end the machine.
 * @run: the run.
 *
 * Blocks are freed one by one rather than dropped with the arena, so the
 * library's free-path checks see every page the scenario used.  The
 * report is freed too, unless the caller took it with report_move().
 */
void scenario_run_finish(struct scenario_run *run)
{
	struct tag_group *g;
	unsigned int i;
	size_t j;

	for (i = 0; i < run->nr_groups; i++) {
		g = &run->groups[i];
		for (j = 0; j < g->nr; j++)
			if (g->blocks[j].live)
				group_free(run, g, j, NULL);
		free(g->blocks);
		free(g->name);
	}
	free(run->groups);
	run->groups = NULL;
	run->nr_groups = 0;
	states_destroy(run);
	if (pagemig_machine_ready())
		pagemig_machine_exit();
	report_release(&run->report);
}
