// SPDX-License-Identifier: GPL-2.0
/*
 * The step table and the basic steps: alloc, free, report, note,
 * verify, validate and expect.  churn, the fragmentation builder, is in
 * step_churn.c; balloon and rss in step_balloon.c; compact and try-alloc
 * in step_compact.c.
 *
 * Each step is a table of its keys, which step_parse() hands to the
 * walker (yp_walk(): every key checked, see yparse.c for the message
 * rules) to fill an args struct, and a run function that applies it
 * through the public facade only, so a scenario exercises exactly what a
 * library user gets.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

/*
 * Step types in the order `pagemig scenarios steps` lists them.  A new
 * step is one line here.
 */
const struct step_type *const step_types[] = {
	&step_alloc,
	&step_free,
	&step_churn,
	&step_try_alloc,
	&step_balloon,
	&step_compact,
	&step_report,
	&step_rss,
	&step_note,
	&step_sleep,
	&step_verify,
	&step_validate,
	&step_expect,
	&step_snapshot,
	&step_zram_create, &step_zram_write, &step_zram_discard, &step_zram_compact, &step_zram_verify, &step_zram_readers,
	&step_spawn, &step_touch, &step_pin, &step_exit, &step_workers, &step_stop,
	&step_ksm,
	&step_alloc_contig, &step_offline, &step_online, &step_soft_offline,
	NULL,
};

/* Names as the YAML spells them, indexed by MT_*. */
static const char *const step_migratetype_names[] = {
	"unmovable", "movable", "reclaimable", NULL
};

/* Most blocks one alloc step asks for: enough for a 64 GiB machine. */
#define ALLOC_COUNT_MAX	(1LL << 24)

/* "expect: any | success" of the steps that allocate. */
const char *const expect_any_success[] = { "any", "success", NULL };

/* Tag groups: alloc, churn and the steps that keep what they take. */
const struct yp_names tag_names = {
	.prefix = "tag:",
	.what = "a group name",
	.ref = "the tag of an earlier alloc or churn",
	.verb = "allocates with tag",
};

/**
 * step_parse() - Read a step's value into its args, as its type says.
 * @p: the parser.
 * @type: the step type.
 * @node: the step's value; NULL for "- NAME".
 * @path: "steps[N].NAME", for messages.
 * @args: set to the args struct (NULL if the type has none); the caller
 *	releases it with step_release(), on error too.
 *
 * Return: 0, or -EINVAL with the message written.
 */
int step_parse(struct yparse *p, const struct step_type *type,
	       yaml_node_t *node, const char *path, void **args)
{
	size_t size = yp_struct_size(type->keys);

	*args = NULL;
	if (size && !(*args = calloc(1, size)))
		return yp_error(p, NULL, path, "out of memory");
	return yp_walk(p, node, path, type->keys, *args);
}

/**
 * step_release() - Free a step's args.
 * @type: the step type.
 * @args: what step_parse() made, or NULL.
 */
void step_release(const struct step_type *type, void *args)
{
	yp_release(type->keys, args);
	free(args);
}

/**
 * scenario_step_type_count() - How many step types exist.
 *
 * Return: the number of entries in the step table.
 */
unsigned int scenario_step_type_count(void)
{
	unsigned int n = 0;

	while (step_types[n])
		n++;
	return n;
}

/**
 * scenario_step_type_name() - The YAML key of the @i-th step type.
 * @i: index below scenario_step_type_count().
 *
 * Return: the name.
 */
const char *scenario_step_type_name(unsigned int i)
{
	return step_types[i]->name;
}

/**
 * scenario_step_type_help() - One line saying what the @i-th step does.
 * @i: index below scenario_step_type_count().
 *
 * Return: the help line.
 */
const char *scenario_step_type_help(unsigned int i)
{
	return step_types[i]->help;
}

/**
 * scenario_step_name() - The type name of a parsed step.
 * @step: the step.
 *
 * Return: its name ("alloc").
 */
const char *scenario_step_name(const struct step *step)
{
	return step->type->name;
}

/* ---- alloc ---- */

struct alloc_args {
	unsigned long count;
	unsigned int order;
	unsigned int gfp;
	char *gfp_spec;
	char *tag;
	bool fill;
	bool must_succeed;
};

static const struct yp_key alloc_keys[] = {
	{ "count", YP_INT, YP_REQUIRED, YP_FIELD(struct alloc_args, count),
	  .min = 1, .max = ALLOC_COUNT_MAX },
	{ "order", YP_INT, 0, YP_FIELD(struct alloc_args, order),
	  .max = PAGEMIG_MAX_ORDER },
	{ "gfp", YP_GFP, 0, YP_FIELD(struct alloc_args, gfp),
	  .off2 = offsetof(struct alloc_args, gfp_spec) },
	{ "tag", YP_NAME, YP_DECLARE, YP_FIELD(struct alloc_args, tag),
	  .names = &tag_names, .def_str = "alloc" },
	{ "fill", YP_BOOL, 0, YP_FIELD(struct alloc_args, fill), .def = true },
	EXPECT_KEY(struct alloc_args, must_succeed),
	YP_END(struct alloc_args)
};

static int alloc_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	const struct alloc_args *a = step->args;
	unsigned long i, ok = 0, failed = 0;
	struct tag_group *g;
	int ret;

	g = run_group(run, a->tag);
	if (!g)
		return -ENOMEM;
	for (i = 0; i < a->count; i++) {
		ret = group_alloc(run, g, a->gfp, a->order, a->fill);
		if (!ret) {
			ok++;
		} else if (ret == 1) {
			failed++;
		} else if (ret == -ENOMEM) {
			return ret;
		} else {
			step_fail(res, "pagemig_alloc_pages(%s, order %u) returned %d (%s)",
				  a->gfp_spec ? a->gfp_spec : "GFP_KERNEL",
				  a->order, ret, strerror(-ret));
			break;
		}
		if (!(i & 4095))
			step_progress(run, step, i, a->count);
	}
	step_figure(res, "allocated", ok);
	step_figure(res, "failed", failed);
	step_figure(res, "pages", ok << a->order);
	if (failed && a->must_succeed)
		step_fail(res, "%lu of %lu order-%u allocations failed (expect: success)",
			  failed, a->count, a->order);
	return 0;
}

DEFINE_STEP_TYPE(step_alloc, "alloc", alloc_keys, alloc_run,
		 "allocate COUNT blocks of 2^ORDER pages with a gfp mask into a tag group");

/* ---- free ---- */

enum { FREE_ALL, FREE_EVERY_OTHER, FREE_RANDOM };

struct free_args {
	char *tag;
	int pattern;
	double fraction;
	unsigned long count;	/* 0: not given */
	int mt;			/* -1: any */
};

static const char *const free_patterns[] = {
	"all", "every-other", "random", NULL
};

static const struct yp_key free_keys[] = {
	{ "tag", YP_NAME, YP_REQUIRED, YP_FIELD(struct free_args, tag),
	  .names = &tag_names },
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct free_args, pattern),
	  .choices = free_patterns },
	{ "fraction", YP_FRACTION, 0, YP_FIELD(struct free_args, fraction),
	  .def_real = 0.5, .only_with = "pattern", .only_if = 1 << FREE_RANDOM },
	{ "count", YP_INT, 0, YP_FIELD(struct free_args, count),
	  .min = 1, .max = ALLOC_COUNT_MAX, .excludes = "fraction" },
	{ "migratetype", YP_CHOICE, 0, YP_FIELD(struct free_args, mt),
	  .choices = step_migratetype_names, .def = -1 },
	YP_END(struct free_args)
};

static int free_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct free_args *a = step->args;
	struct block_filter f = { .min_index = 0, .mt = a->mt };
	struct tag_group *g = run_find_group(run, a->tag);
	struct free_stats st = { 0 };
	size_t n = a->count ? a->count : SIZE_MAX;
	struct pagemig_rng rng;
	int ret = 0;

	if (g && a->pattern == FREE_RANDOM) {
		step_rng(run, step, &rng);
		if (!a->count)
			n = (size_t)llround(a->fraction * group_live(g, NULL));
	}
	if (g)
		ret = group_free_some(run, g, &f, n,
				      a->pattern == FREE_EVERY_OTHER ? 2 : 1,
				      a->pattern == FREE_RANDOM ? &rng : NULL,
				      &st);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		step_fail(res, "pagemig_free_pages() refused a live block of group \"%s\": %d (%s)",
			  a->tag, ret, strerror(-ret));
	step_figure(res, "freed", st.blocks);
	step_figure(res, "pages", st.pages);
	step_figure(res, "remaining", g ? group_live(g, NULL) : 0);
	return 0;
}

DEFINE_STEP_TYPE(step_free, "free", free_keys, free_run,
		 "free all, every other or a random share of a tag group's blocks",
		 .alt_key = "process", .alt = &step_free_process);

/* ---- report ---- */

/* The files, in the order of their enum report_block_kind entries. */
enum { SHOW_BUDDYINFO, SHOW_PAGETYPEINFO, SHOW_VMSTAT, SHOW_ZONEINFO };

static const char *const show_names[] = {
	"buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo", NULL
};

struct report_args {
	unsigned int nr;
	int files[STEP_MAX_OUTPUTS];
};

static const struct yp_key show_key = {
	"", YP_CHOICE, .size = sizeof(int), .choices = show_names
};

static const struct yp_key files_key = {
	"", YP_LIST, .off = offsetof(struct report_args, files), .sub = &show_key,
	.off2 = offsetof(struct report_args, nr), .max = STEP_MAX_OUTPUTS,
	.what = "a list of buddyinfo, pagetypeinfo, vmstat, zoneinfo"
};

/* report: [FILE, ...], one FILE, or nothing: buddyinfo and pagetypeinfo. */
static int report_files(struct yparse *p, yaml_node_t *node, const char *path,
			const struct yp_key *k, void *args)
{
	struct report_args *a = args;

	if (yp_is_null(node)) {
		/* The two files that show fragmentation. */
		a->files[a->nr++] = SHOW_BUDDYINFO;
		a->files[a->nr++] = SHOW_PAGETYPEINFO;
		return 0;
	}
	return yp_value(p, node, path, &files_key, a);
}

static const struct yp_key report_keys[] = {
	{ "", YP_CUSTOM, .parse = report_files },
	YP_END(struct report_args)
};

/* One file's table, read now. */
static int report_file(struct report_block *b)
{
	switch (b->kind) {
	case REPORT_BUDDYINFO:
	case REPORT_PAGETYPEINFO:
		b->zones = malloc(sizeof(*b->zones));
		if (!b->zones)
			return -ENOMEM;
		report_snapshot_zones(b->zones);
		return 0;
	case REPORT_VMSTAT:
		return report_snapshot_vmstat(&b->counters);
	default:
		b->text = report_snapshot_zoneinfo();
		return b->text ? 0 : -ENOMEM;
	}
}

static int report_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct report_args *a = step->args;
	struct report_block *b;
	unsigned int i;
	int ret;

	/* The step before this one, numbered from 1 as the summary does. */
	if (step->index) {
		report_add_count(res, "after_step", step->index, NULL, false);
		report_add_string(res, "after_type",
				  run->sc->steps[step->index - 1].type->name);
	}
	for (i = 0; i < a->nr; i++) {
		b = report_add_block(res, show_names[a->files[i]],
				     REPORT_BUDDYINFO + a->files[i]);
		if (!b)
			return -ENOMEM;
		ret = report_file(b);
		if (ret)
			return ret;
	}
	return 0;
}

DEFINE_STEP_TYPE(step_report, "report", report_keys, report_run,
		 "print buddyinfo, pagetypeinfo, vmstat or zoneinfo as the kernel does");

/* ---- note ---- */

struct note_args {
	char *text;
};

static const struct yp_key note_keys[] = {
	{ "", YP_STRING, YP_ONE_LINE, YP_FIELD(struct note_args, text),
	  .what = "one line of text" },
	YP_END(struct note_args)
};

static int note_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct note_args *a = step->args;

	if (!report_add_block(res, "note", REPORT_NOTE))
		return -ENOMEM;
	report_add_string(res, "text", a->text);
	return 0;
}

DEFINE_STEP_TYPE(step_note, "note", note_keys, note_run,
		 "print a heading saying what the next steps show");

/* ---- sleep ---- */

static const struct yp_key sleep_keys[] = {
	{ "", YP_INT, 0, 0, sizeof(long long), .min = 1, .max = 3600000 },
	YP_END(long long)
};

static int sleep_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	(void)run;
	(void)res;
	pagemig_msleep((unsigned int)*(const long long *)step->args);
	return 0;
}

DEFINE_STEP_TYPE(step_sleep, "sleep", sleep_keys, sleep_run,
		 "let milliseconds of the machine's time pass (per-CPU lists decay, daemons run)");

/* ---- verify ---- */

struct verify_args {
	char *tag;	/* NULL: every group */
};

static const struct yp_key verify_keys[] = {
	{ "tag", YP_NAME, 0, YP_FIELD(struct verify_args, tag),
	  .names = &tag_names },
	YP_END(struct verify_args)
};

static int verify_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct verify_args *a = step->args;
	const struct tag_group *only = a->tag ? run_find_group(run, a->tag) : NULL;
	unsigned long pchecked = 0, pcorrupted = 0, pgone = 0;
	struct verify_stats vs = { 0 };
	char what[256] = "";

	/* A tag nothing was allocated into yet has nothing to check. */
	if (!a->tag || only)
		run_verify(run, only, &vs);
	if (!a->tag)	/* process pages too, workers running or not */
		wl_verify(run, &pchecked, &pcorrupted, &pgone, what, sizeof(what));
	step_figure(res, "checked", vs.checked + pchecked);
	step_figure(res, "corrupted", vs.corrupted + pcorrupted);
	if (pgone)	/* pages of OOM-killed processes */
		step_figure(res, "gone", pgone);
	if (pcorrupted)
		step_fail(res, "%lu of %lu process pages corrupted; first: %s",
			  pcorrupted, pchecked, what);
	if (vs.corrupted)
		step_fail(res, "%lu of %lu pages corrupted in %lu blocks; first: group \"%s\" block %lu at pfn 0x%lx",
			  vs.corrupted, vs.checked, vs.blocks_bad,
			  vs.first_group->name, vs.first_index, vs.first_pfn);
	return 0;
}

DEFINE_STEP_TYPE(step_verify, "verify", verify_keys, verify_run,
		 "check the content tag of every page of every live block (or one tag group)");

/* ---- validate ---- */

static int validate_run(struct scenario_run *run, const struct step *step,
			struct step_result *res)
{
	struct report_block *b;
	unsigned long problems;
	char *text;

	problems = report_snapshot_validate(&text);
	step_figure(res, "problems", problems);
	if (!problems)
		return 0;
	b = report_add_block(res, "validate", REPORT_VALIDATE);
	if (!b) {
		free(text);
		return -ENOMEM;
	}
	b->text = text;
	step_fail(res, "pagemig_validate() found %lu problem%s", problems,
		  problems == 1 ? "" : "s");
	return 0;
}

DEFINE_STEP_TYPE(step_validate, "validate", NULL, validate_run,
		 "walk every zone with the expensive validator (free lists, pageblocks, counts)");

/* ---- expect ---- */

#define EXPECT_MAX_VMSTAT	16

struct vmstat_bound {
	char *name;
	unsigned long value;
	bool is_max;
};

struct expect_args {
	unsigned long free_min, free_max, fail_max, warn_max;	/* EXPECT_BOUND */
	unsigned int nr_vmstat;
	struct vmstat_bound vmstat[EXPECT_MAX_VMSTAT];
};

/* Both vmstat keys fill one array: the first release frees it all. */
static void vmstat_release(const struct yp_key *k, void *args)
{
	struct expect_args *a = args;
	unsigned int i;

	for (i = 0; i < a->nr_vmstat; i++)
		free(a->vmstat[i].name);
	a->nr_vmstat = 0;
}

static int unknown_vmstat(struct yparse *p, yaml_node_t *k,
			  const char *path, const char *name)
{
	unsigned int i, n = pagemig_vmstat_count();
	const char **names = calloc(n + 1, sizeof(*names));
	int ret;

	for (i = 0; names && i < n; i++)
		names[i] = pagemig_vmstat_name(i);
	ret = yp_error_hint(p, k, path, names ? name : NULL, names,
			    "unknown /proc/vmstat counter");
	free(names);
	return ret;
}

static const struct yp_key vmstat_value = {
	"", YP_INT, YP_FIELD(struct vmstat_bound, value), .max = LLONG_MAX
};

static int vmstat_bound(struct yparse *p, yaml_node_t *k, yaml_node_t *v,
			const char *path, void *args)
{
	struct expect_args *a = args;
	struct vmstat_bound *b = &a->vmstat[a->nr_vmstat];
	const char *name = (const char *)k->data.scalar.value;
	unsigned long dummy;
	int ret;

	if (pagemig_vmstat_get(name, &dummy) == -ENOENT)
		return unknown_vmstat(p, k, path, name);
	if (a->nr_vmstat == EXPECT_MAX_VMSTAT)
		return yp_error(p, k, path, "expected at most %d vmstat bounds per expect step",
				EXPECT_MAX_VMSTAT);
	ret = yp_value(p, v, path, &vmstat_value, b);
	if (ret)
		return ret;
	b->name = strdup(name);
	if (!b->name)
		return yp_error(p, k, path, "out of memory");
	a->nr_vmstat++;
	return 0;
}

/* vmstat_min: or vmstat_max: (.def 1), a mapping of names to counts. */
static int vmstat_bounds(struct yparse *p, yaml_node_t *v, const char *path,
			 const struct yp_key *k, void *args)
{
	struct expect_args *a = args;
	unsigned int i = a->nr_vmstat;
	int ret;

	if (v->type != YAML_MAPPING_NODE)
		return yp_expected(p, v, path,
				   "a mapping of /proc/vmstat names to counts");
	ret = yp_each(p, v, path, "a /proc/vmstat name", vmstat_bound, a);
	for (; i < a->nr_vmstat; i++)
		a->vmstat[i].is_max = k->def;
	return ret;
}

/* ULONG_MAX, which no bound can be, when the key is not given. */
#define EXPECT_BOUND(key, val)						\
	{ key, YP_INT, YP_ONE_OF, YP_FIELD(struct expect_args, val),	\
	  .max = LLONG_MAX, .def = -1 }

static const struct yp_key expect_keys[] = {
	EXPECT_BOUND("free_pages_min", free_min),
	EXPECT_BOUND("free_pages_max", free_max),
	EXPECT_BOUND("alloc_failures_max", fail_max),
	EXPECT_BOUND("warnings_max", warn_max),
	{ "vmstat_min", YP_CUSTOM, YP_ONE_OF, .parse = vmstat_bounds,
	  .release = vmstat_release },
	{ "vmstat_max", YP_CUSTOM, YP_ONE_OF, .parse = vmstat_bounds,
	  .release = vmstat_release, .def = true },
	YP_END(struct expect_args)
};

/* @have against a bound: out of it is a failure, counted and said. */
static void check(struct step_result *res, unsigned int *failed,
		  const char *what, unsigned long have, unsigned long bound,
		  bool is_max)
{
	if (is_max ? have <= bound : have >= bound)
		return;
	(*failed)++;
	step_fail(res, is_max ? "%s is %lu, expected at most %lu" :
		  "%s is %lu, expected at least %lu", what, have, bound);
}

static int expect_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct expect_args *a = step->args;
	unsigned long free_pages = pagemig_free_pages_count(), v;
	const struct {
		unsigned long bound, have;
		const char *what;
		bool is_max;
	} fixed[] = {
		{ a->free_min, free_pages, "free pages", false },
		{ a->free_max, free_pages, "free pages", true },
		{ a->fail_max, run->report.alloc_failures, "allocation failures", true },
		{ a->warn_max, pagemig_warnings(), "library warnings", true },
	};
	const struct vmstat_bound *b;
	unsigned int checks = 0, failed = 0, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i].bound != ULONG_MAX && ++checks)
			check(res, &failed, fixed[i].what, fixed[i].have,
			      fixed[i].bound, fixed[i].is_max);
	for (b = a->vmstat; b < a->vmstat + a->nr_vmstat; b++, checks++) {
		if (!pagemig_vmstat_get(b->name, &v)) {
			check(res, &failed, b->name, v, b->value, b->is_max);
			continue;
		}
		failed++;
		step_fail(res, "vmstat %s: the library no longer has it",
			  b->name);
	}
	step_figure(res, "checks", checks);
	step_figure(res, "failed", failed);
	return 0;
}

DEFINE_STEP_TYPE(step_expect, "expect", expect_keys, expect_run,
		 "assert on free pages, allocation failures, warnings and vmstat counters");
