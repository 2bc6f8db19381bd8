// SPDX-License-Identifier: GPL-2.0
/*
 * The step table and the basic steps: alloc, free, report, note,
 * verify, validate and expect.  churn, the fragmentation builder, is in
 * step_churn.c; balloon and rss in step_balloon.c; compact and try-alloc
 * in step_compact.c.
 *
 * Each step is a parse function that turns the YAML value into an args
 * struct (checking every key: see yparse.c for the message rules) and a
 * run function that applies it through the public facade only, so a
 * scenario exercises exactly what a library user gets.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
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
const char *const step_migratetype_names[] = {
	"unmovable", "movable", "reclaimable", NULL
};

/* Most blocks one alloc step asks for: enough for a 64 GiB machine. */
#define ALLOC_COUNT_MAX	(1LL << 24)

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

static void alloc_release(void *data)
{
	struct alloc_args *a = data;

	if (!a)
		return;
	free(a->gfp_spec);
	free(a->tag);
	free(a);
}

static int alloc_parse(struct yparse *p, yaml_node_t *node, const char *path,
		       void **out)
{
	static const char *const keys[] = {
		"count", "order", "gfp", "tag", "fill", "expect", NULL
	};
	char sub[YP_PATH_MAX];
	struct alloc_args *a;
	yaml_node_t *map, *v;
	long long n;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out, sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	a->fill = true;

	ret = yp_require(p, map, path, "count", "an integer 1..16777216", &v);
	yp_path_key(sub, sizeof(sub), path, "count");
	if (!ret)
		ret = yp_int(p, v, sub, 1, ALLOC_COUNT_MAX, &n);
	if (ret)
		return ret;
	a->count = n;

	n = 0;
	ret = yp_key_int(p, map, path, "order", 0, PAGEMIG_MAX_ORDER, &n);
	if (ret)
		return ret;
	a->order = n;

	ret = step_parse_gfp(p, map, path, &a->gfp, &a->gfp_spec, false);
	if (!ret)
		ret = step_parse_tag(p, map, path, "alloc", &a->tag);
	if (!ret)
		ret = yp_key_bool(p, map, path, "fill", &a->fill);
	if (!ret)
		ret = step_parse_expect(p, map, path, &a->must_succeed);
	return ret;
}

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

const struct step_type step_alloc = {
	.name = "alloc",
	.help = "allocate COUNT blocks of 2^ORDER pages with a gfp mask into a tag group",
	.parse = alloc_parse,
	.run = alloc_run,
	.release = alloc_release,
};

/* ---- free ---- */

enum { FREE_ALL, FREE_EVERY_OTHER, FREE_RANDOM };

struct free_args {
	void *proc;		/* free: {process: ...}: proc_free_parse()'s */
	char *tag;
	int pattern;
	double fraction;
	unsigned long count;	/* 0: not given */
	int mt;			/* -1: any */
};

static void free_release(void *data)
{
	struct free_args *a = data;

	if (!a)
		return;
	proc_free_release(a->proc);
	free(a->tag);
	free(a);
}

static int free_parse(struct yparse *p, yaml_node_t *node, const char *path,
		      void **out)
{
	static const char *const keys[] = {
		"tag", "pattern", "fraction", "count", "migratetype", NULL
	};
	static const char *const patterns[] = {
		"all", "every-other", "random", NULL
	};
	yaml_node_t *map, *v, *fraction, *count;
	char sub[YP_PATH_MAX];
	struct free_args *a;
	long long n;
	int ret;

	ret = yp_mapping(p, node, path, &map);
	if (!ret && map && yp_get(p, map, "process", NULL)) {
		a = step_args_new(p, path, sizeof(*a));
		if (!a)
			return -ENOMEM;
		*out = a;
		return proc_free_parse(p, map, path, &a->proc);
	}
	if (!ret)
		ret = yp_check_keys(p, map, path, keys);
	if (ret)
		return ret;
	a = step_args_new(p, path, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*out = a;
	a->fraction = 0.5;
	a->mt = -1;

	ret = yp_require(p, map, path, "tag", "the tag of an earlier alloc or churn", &v);
	yp_path_key(sub, sizeof(sub), path, "tag");
	if (!ret)
		ret = yp_string(p, v, sub, "a group name", &a->tag);
	if (!ret)
		ret = yp_check_declared(p, v, sub, a->tag, "allocates with tag");
	if (ret)
		return ret;

	ret = yp_key_choice(p, map, path, "pattern", patterns, &a->pattern);
	if (ret)
		return ret;

	fraction = yp_get(p, map, "fraction", NULL);
	count = yp_get(p, map, "count", NULL);
	if (fraction) {
		yp_path_key(sub, sizeof(sub), path, "fraction");
		if (a->pattern != FREE_RANDOM)
			return yp_error(p, fraction, sub, "only applies to pattern: random");
		if (count)
			return yp_error(p, fraction, sub, "give either fraction or count, not both");
		ret = yp_fraction(p, fraction, sub, &a->fraction);
		if (ret)
			return ret;
	}
	if (count) {
		yp_path_key(sub, sizeof(sub), path, "count");
		ret = yp_int(p, count, sub, 1, ALLOC_COUNT_MAX, &n);
		if (ret)
			return ret;
		a->count = n;
	}

	return yp_key_choice(p, map, path, "migratetype",
			     step_migratetype_names, &a->mt);
}

static int free_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct free_args *a = step->args;
	struct block_filter f = { .min_index = 0, .mt = a->mt };
	struct free_stats st = { 0 };
	struct pagemig_rng rng;
	struct tag_group *g;
	size_t *idx, nr, i, n;
	unsigned long pages;
	int ret = 0;

	if (a->proc)
		return proc_free_run(run, step, res, a->proc);
	g = run_find_group(run, a->tag);
	if (!g || !g->nr)
		goto out;
	if (a->pattern == FREE_RANDOM) {
		step_rng(run, step, &rng);
		nr = group_live(g, NULL);
		n = a->count ? a->count : (size_t)llround(a->fraction * nr);
		ret = group_free_random(run, g, &f, n, &rng, &st);
		goto out_ret;
	}
	idx = malloc(g->nr * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	nr = group_select(g, &f, idx);
	for (i = 0, n = 0; i < nr; i++) {
		if (a->pattern == FREE_EVERY_OTHER && (i & 1))
			continue;
		if (a->count && n == a->count)
			break;
		ret = group_free(run, g, idx[i], &st);
		if (ret)
			break;
		n++;
	}
	free(idx);
	group_pack(g);
out_ret:
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		step_fail(res, "pagemig_free_pages() refused a live block of group \"%s\": %d (%s)",
			  a->tag, ret, strerror(-ret));
out:
	step_figure(res, "freed", st.blocks);
	step_figure(res, "pages", st.pages);
	step_figure(res, "remaining", g ? group_live(g, &pages) : 0);
	return 0;
}

const struct step_type step_free = {
	.name = "free",
	.help = "free all, every other or a random share of a tag group's blocks",
	.parse = free_parse,
	.run = free_run,
	.release = free_release,
};

/* ---- report ---- */

enum { SHOW_BUDDYINFO, SHOW_PAGETYPEINFO, SHOW_VMSTAT, SHOW_ZONEINFO };

static const char *const show_names[] = {
	"buddyinfo", "pagetypeinfo", "vmstat", "zoneinfo", NULL
};

static int (*const show_fns[])(FILE *f) = {
	pagemig_show_buddyinfo, pagemig_show_pagetypeinfo,
	pagemig_show_vmstat, pagemig_show_zoneinfo,
};

struct report_args {
	unsigned int nr;
	int files[STEP_MAX_OUTPUTS];
};

static int report_parse(struct yparse *p, yaml_node_t *node, const char *path,
			void **out)
{
	char sub[YP_PATH_MAX];
	struct report_args *a;
	yaml_node_item_t *item;
	int ret = 0;

	a = step_args_new(p, path, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*out = a;
	if (yp_is_null(node)) {
		/* The two files that show fragmentation. */
		a->files[a->nr++] = SHOW_BUDDYINFO;
		a->files[a->nr++] = SHOW_PAGETYPEINFO;
		return 0;
	}
	if (node->type == YAML_SCALAR_NODE)
		return yp_choice(p, node, path, show_names, &a->files[a->nr++]);
	if (node->type != YAML_SEQUENCE_NODE)
		return yp_expected(p, node, path,
				   "a list of buddyinfo, pagetypeinfo, vmstat, zoneinfo");
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yp_path_index(sub, sizeof(sub), path,
			      item - node->data.sequence.items.start);
		if (a->nr == STEP_MAX_OUTPUTS)
			return yp_error(p, yp_node(p, *item), sub, "expected at most %d files per report step",
					STEP_MAX_OUTPUTS);
		ret = yp_choice(p, yp_node(p, *item), sub, show_names,
				&a->files[a->nr++]);
		if (ret)
			return ret;
	}
	return 0;
}

static int report_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct report_args *a = step->args;
	const struct step *prev;
	unsigned int i;
	size_t size;
	char *text;
	FILE *f;

	for (i = 0; i < a->nr; i++) {
		f = open_memstream(&text, &size);
		if (!f)
			return -ENOMEM;
		if (step->index) {
			prev = &run->sc->steps[step->index - 1];
			fprintf(f, "--- %s (after step %u: %s) ---\n",
				show_names[a->files[i]], prev->index + 1,
				prev->type->name);
		} else {
			fprintf(f, "--- %s (at start) ---\n",
				show_names[a->files[i]]);
		}
		show_fns[a->files[i]](f);
		if (fclose(f))
			return -ENOMEM;
		if (run->opts.out) {
			fputs(text, run->opts.out);
			fflush(run->opts.out);
		}
		step_output(res, show_names[a->files[i]], text);
	}
	return 0;
}

const struct step_type step_report = {
	.name = "report",
	.help = "print buddyinfo, pagetypeinfo, vmstat or zoneinfo as the kernel does",
	.parse = report_parse,
	.run = report_run,
	.release = free,
};

/* ---- note ---- */

struct note_args {
	char *text;
};

static void note_release(void *data)
{
	struct note_args *a = data;

	if (a)
		free(a->text);
	free(a);
}

static int note_parse(struct yparse *p, yaml_node_t *node, const char *path,
		      void **out)
{
	struct note_args *a;

	if (node && node->type != YAML_SCALAR_NODE)
		return yp_expected(p, node, path, "one line of text");
	a = step_args_new(p, path, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*out = a;
	if (yp_string(p, node, path, "one line of text", &a->text))
		return -EINVAL;
	if (strchr(a->text, '\n'))
		return yp_expected(p, node, path, "one line of text");
	return 0;
}

static int note_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct note_args *a = step->args;
	char *text;

	if (asprintf(&text, "\n== %s ==\n", a->text) < 0)
		return -ENOMEM;
	step_say(run, res, "note", text);
	return 0;
}

const struct step_type step_note = {
	.name = "note",
	.help = "print a heading saying what the next steps show",
	.parse = note_parse,
	.run = note_run,
	.release = note_release,
};

/* ---- verify ---- */

struct verify_args {
	char *tag;	/* NULL: every group */
};

static void verify_release(void *data)
{
	struct verify_args *a = data;

	if (a)
		free(a->tag);
	free(a);
}

static int verify_parse(struct yparse *p, yaml_node_t *node, const char *path,
			void **out)
{
	static const char *const keys[] = { "tag", NULL };
	char sub[YP_PATH_MAX];
	struct verify_args *a;
	yaml_node_t *map, *v;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out, sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	v = yp_get(p, map, "tag", NULL);
	if (!v)
		return 0;
	yp_path_key(sub, sizeof(sub), path, "tag");
	ret = yp_string(p, v, sub, "a group name", &a->tag);
	if (!ret)
		ret = yp_check_declared(p, v, sub, a->tag, "allocates with tag");
	return ret;
}

static int verify_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct verify_args *a = step->args;
	const struct tag_group *only = NULL;
	unsigned long pchecked = 0, pcorrupted = 0;
	struct verify_stats vs;
	char what[256] = "";

	if (a->tag) {
		only = run_find_group(run, a->tag);
		if (!only)
			goto out;	/* nothing allocated into it yet */
	}
	run_verify(run, only, &vs);
	if (!only)	/* process pages too, workers running or not */
		wl_verify(run, &pchecked, &pcorrupted, what, sizeof(what));
	step_figure(res, "checked", vs.checked + pchecked);
	step_figure(res, "corrupted", vs.corrupted + pcorrupted);
	if (pcorrupted)
		step_fail(res, "%lu of %lu process pages corrupted; first: %s",
			  pcorrupted, pchecked, what);
	if (vs.corrupted)
		step_fail(res, "%lu of %lu pages corrupted in %lu blocks; first: group \"%s\" block %lu at pfn 0x%lx",
			  vs.corrupted, vs.checked, vs.blocks_bad,
			  vs.first_group->name, vs.first_index, vs.first_pfn);
	return 0;
out:
	step_figure(res, "checked", 0);
	step_figure(res, "corrupted", 0);
	return 0;
}

const struct step_type step_verify = {
	.name = "verify",
	.help = "check the content tag of every page of every live block (or one tag group)",
	.parse = verify_parse,
	.run = verify_run,
	.release = verify_release,
};

/* ---- validate ---- */

static int validate_run(struct scenario_run *run, const struct step *step,
			struct step_result *res)
{
	unsigned long problems;
	size_t size;
	char *text;
	FILE *f;

	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	problems = pagemig_validate(f);
	if (fclose(f))
		return -ENOMEM;
	step_figure(res, "problems", problems);
	if (!problems) {
		free(text);
		return 0;
	}
	if (run->opts.out) {
		fprintf(run->opts.out, "--- validate (step %u) ---\n%s",
			step->index + 1, text);
		fflush(run->opts.out);
	}
	step_output(res, "validate", text);
	step_fail(res, "pagemig_validate() found %lu problem%s", problems,
		  problems == 1 ? "" : "s");
	return 0;
}

const struct step_type step_validate = {
	.name = "validate",
	.help = "walk every zone with the expensive validator (free lists, pageblocks, counts)",
	.parse = step_parse_none,
	.run = validate_run,
	.release = free,
};

/* ---- expect ---- */

#define EXPECT_MAX_VMSTAT	16

struct vmstat_bound {
	char *name;
	unsigned long value;
	bool is_max;
};

struct expect_args {
	bool has_free_min, has_free_max, has_fail_max, has_warn_max;
	unsigned long free_min, free_max, fail_max, warn_max;
	unsigned int nr_vmstat;
	struct vmstat_bound vmstat[EXPECT_MAX_VMSTAT];
};

static void expect_release(void *data)
{
	struct expect_args *a = data;
	unsigned int i;

	if (!a)
		return;
	for (i = 0; i < a->nr_vmstat; i++)
		free(a->vmstat[i].name);
	free(a);
}

static const char *vmstat_suggest(const char *name)
{
	unsigned int i, n = pagemig_vmstat_count();
	const char **names;
	const char *hint;

	names = calloc(n + 1, sizeof(*names));
	if (!names)
		return NULL;
	for (i = 0; i < n; i++)
		names[i] = pagemig_vmstat_name(i);
	hint = yp_suggest(name, names);
	free(names);
	return hint;
}

static int parse_vmstat_bounds(struct yparse *p, yaml_node_t *node,
			       const char *path, struct expect_args *a,
			       bool is_max)
{
	struct vmstat_bound *b;
	yaml_node_pair_t *pair;
	char sub[YP_PATH_MAX];
	const char *name, *hint;
	yaml_node_t *k;
	unsigned long dummy;
	long long n;
	int ret;

	if (!yp_is_mapping(node))
		return yp_expected(p, node, path,
				   "a mapping of /proc/vmstat names to counts");
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		k = yp_node(p, pair->key);
		if (!k || k->type != YAML_SCALAR_NODE)
			return yp_expected(p, k, path, "a /proc/vmstat name");
		name = (const char *)k->data.scalar.value;
		yp_path_key(sub, sizeof(sub), path, name);
		if (pagemig_vmstat_get(name, &dummy) == -ENOENT) {
			hint = vmstat_suggest(name);
			if (hint)
				return yp_error(p, k, sub, "unknown /proc/vmstat counter (did you mean \"%s\"?)",
						hint);
			return yp_error(p, k, sub, "unknown /proc/vmstat counter");
		}
		if (a->nr_vmstat == EXPECT_MAX_VMSTAT)
			return yp_error(p, k, sub, "expected at most %d vmstat bounds per expect step",
					EXPECT_MAX_VMSTAT);
		ret = yp_int(p, yp_node(p, pair->value), sub, 0, LLONG_MAX, &n);
		if (ret)
			return ret;
		b = &a->vmstat[a->nr_vmstat];
		b->name = strdup(name);
		if (!b->name)
			return yp_error(p, k, sub, "out of memory");
		b->value = n;
		b->is_max = is_max;
		a->nr_vmstat++;
	}
	return 0;
}

static int expect_parse(struct yparse *p, yaml_node_t *node, const char *path,
			void **out)
{
	static const char *const keys[] = {
		"free_pages_min", "free_pages_max", "alloc_failures_max",
		"warnings_max", "vmstat_min", "vmstat_max", NULL
	};
	static const struct {
		const char *key;
		size_t has, val;
	} ints[] = {
		{ "free_pages_min", offsetof(struct expect_args, has_free_min),
		  offsetof(struct expect_args, free_min) },
		{ "free_pages_max", offsetof(struct expect_args, has_free_max),
		  offsetof(struct expect_args, free_max) },
		{ "alloc_failures_max", offsetof(struct expect_args, has_fail_max),
		  offsetof(struct expect_args, fail_max) },
		{ "warnings_max", offsetof(struct expect_args, has_warn_max),
		  offsetof(struct expect_args, warn_max) },
	};
	char sub[YP_PATH_MAX], list[256];
	struct expect_args *a;
	yaml_node_t *map, *v;
	unsigned int i;
	long long n;
	int ret;

	ret = yp_mapping(p, node, path, &map);
	if (!ret)
		ret = yp_check_keys(p, map, path, keys);
	if (ret)
		return ret;
	if (!map || map->data.mapping.pairs.top == map->data.mapping.pairs.start) {
		yp_join(list, sizeof(list), keys);
		return yp_error(p, map, path, "expected at least one of %s",
				list);
	}
	a = step_args_new(p, path, sizeof(*a));
	if (!a)
		return -ENOMEM;
	*out = a;
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		v = yp_get(p, map, ints[i].key, NULL);
		if (!v)
			continue;
		yp_path_key(sub, sizeof(sub), path, ints[i].key);
		ret = yp_int(p, v, sub, 0, LLONG_MAX, &n);
		if (ret)
			return ret;
		*(bool *)((char *)a + ints[i].has) = true;
		*(unsigned long *)((char *)a + ints[i].val) = n;
	}
	v = yp_get(p, map, "vmstat_min", NULL);
	yp_path_key(sub, sizeof(sub), path, "vmstat_min");
	if (v && (ret = parse_vmstat_bounds(p, v, sub, a, false)))
		return ret;
	v = yp_get(p, map, "vmstat_max", NULL);
	yp_path_key(sub, sizeof(sub), path, "vmstat_max");
	if (v && (ret = parse_vmstat_bounds(p, v, sub, a, true)))
		return ret;
	return 0;
}

static void check_min(struct step_result *res, unsigned int *failed,
		      const char *what, unsigned long have, unsigned long min)
{
	if (have >= min)
		return;
	(*failed)++;
	step_fail(res, "%s is %lu, expected at least %lu", what, have, min);
}

static void check_max(struct step_result *res, unsigned int *failed,
		      const char *what, unsigned long have, unsigned long max)
{
	if (have <= max)
		return;
	(*failed)++;
	step_fail(res, "%s is %lu, expected at most %lu", what, have, max);
}

static int expect_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct expect_args *a = step->args;
	unsigned long free_pages = pagemig_free_pages_count(), v;
	unsigned int checks = 0, failed = 0, i;

	if (a->has_free_min && ++checks)
		check_min(res, &failed, "free pages", free_pages, a->free_min);
	if (a->has_free_max && ++checks)
		check_max(res, &failed, "free pages", free_pages, a->free_max);
	if (a->has_fail_max && ++checks)
		check_max(res, &failed, "allocation failures",
			  run->alloc_failures, a->fail_max);
	if (a->has_warn_max && ++checks)
		check_max(res, &failed, "library warnings",
			  pagemig_warnings(), a->warn_max);
	for (i = 0; i < a->nr_vmstat; i++) {
		checks++;
		if (pagemig_vmstat_get(a->vmstat[i].name, &v)) {
			failed++;
			step_fail(res, "vmstat %s: the library no longer has it",
				  a->vmstat[i].name);
		} else if (a->vmstat[i].is_max) {
			check_max(res, &failed, a->vmstat[i].name, v,
				  a->vmstat[i].value);
		} else {
			check_min(res, &failed, a->vmstat[i].name, v,
				  a->vmstat[i].value);
		}
	}
	step_figure(res, "checks", checks);
	step_figure(res, "failed", failed);
	return 0;
}

const struct step_type step_expect = {
	.name = "expect",
	.help = "assert on free pages, allocation failures, warnings and vmstat counters",
	.parse = expect_parse,
	.run = expect_run,
	.release = expect_release,
};
