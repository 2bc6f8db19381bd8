// SPDX-License-Identifier: GPL-2.0
/*
 * churn: rounds of allocations and frees across migratetypes, the way a
 * long-running machine fragments its memory.  Fragmentation in the buddy allocator comes from long-lived unmovable
 * and reclaimable allocations landing in pageblocks that also hold
 * movable pages: when an unmovable request finds its own free lists
 * empty it falls back and steals from a movable pageblock, and once
 * movable neighbours are freed around it the block can neither merge
 * back to order 9 nor be emptied by compaction.  The patterns below make
 * that happen on purpose, each in a different shape:
 *
 *  random          gfp and order drawn from the weighted mixes; after each
 *                  round a random (1 - keep) share is freed, ages mixed
 *  interleaved     types side by side (the gfp mix in turn), then all but
 *                  a keep share of the movable blocks freed between them
 *  by-migratetype  one phase per gfp: allocate its share, free (1 - keep)
 *
 * Every block is recorded in the step's tag group (default "churn"), so
 * later free: and verify: steps can name it.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define MIX_MAX		16
#define WEIGHT_MAX	1000000LL
#define ROUNDS_MAX	1000000LL
#define BATCH_MAX	(1LL << 20)

enum { CHURN_RANDOM, CHURN_INTERLEAVED, CHURN_BY_MIGRATETYPE };

struct mix_entry {
	unsigned int value;	/* a gfp mask or an order */
	unsigned int weight;
	char *spec;		/* the gfp as written, for messages */
};

struct mix {
	unsigned int nr;
	unsigned long total;	/* sum of weights */
	struct mix_entry e[MIX_MAX];
};

struct churn_args {
	unsigned long rounds;
	unsigned long batch;
	int pattern;
	double keep;
	bool fill;
	char *tag;
	struct mix gfp;
	struct mix orders;
	/* interleaved: gfp entries in the order they are used */
	unsigned int *cycle;
	unsigned int cycle_len;
};

/* The gfp mix: its spellings, and the cycle made from it. */
static void gfp_mix_release(const struct yp_key *k, void *args)
{
	struct churn_args *a = args;
	unsigned int i;

	for (i = 0; i < a->gfp.nr; i++)
		free(a->gfp.e[i].spec);
	free(a->cycle);
}

static const struct yp_key gfp_entry = {
	"", YP_GFP, 0, YP_FIELD(struct mix_entry, value),
	.off2 = offsetof(struct mix_entry, spec)
};
static const struct yp_key order_entry = {
	"", YP_INT, 0, YP_FIELD(struct mix_entry, value),
	.max = PAGEMIG_MAX_ORDER
};
static const struct yp_key weight_entry = {
	"", YP_INT, 0, YP_FIELD(struct mix_entry, weight),
	.min = 1, .max = WEIGHT_MAX
};

struct mix_parse {
	struct mix *m;
	const struct yp_key *value;	/* gfp_entry or order_entry */
};

/* One entry: VALUE alone (weight 1), or VALUE: WEIGHT in a mapping. */
static int mix_item(struct yparse *p, yaml_node_t *key, yaml_node_t *v,
		    const char *path, void *args)
{
	struct mix_parse *mp = args;
	struct mix *m = mp->m;
	struct mix_entry *e = &m->e[m->nr];
	int ret;

	if (m->nr == MIX_MAX)
		return yp_error(p, key ? key : v, path, "expected at most %d entries in a mix",
				MIX_MAX);
	m->nr++;	/* its spelling is the mix's to free, even on error */
	e->weight = 1;
	ret = yp_value(p, key ? key : v, path, mp->value, e);
	if (!ret && key)
		ret = yp_value(p, v, path, &weight_entry, e);
	m->total += e->weight;
	return ret;
}

/*
 * A mix is one value, a list of values (equal weights) or a mapping of
 * value to weight: "gfp: {GFP_KERNEL: 1, GFP_HIGHUSER_MOVABLE: 4}".
 */
static int parse_mix(struct yparse *p, yaml_node_t *node, const char *path,
		     const struct yp_key *k, void *args)
{
	struct churn_args *a = args;
	bool is_gfp = !strcmp(k->name, "gfp");
	struct mix_parse mp = {
		is_gfp ? &a->gfp : &a->orders,
		is_gfp ? &gfp_entry : &order_entry,
	};
	const char *what = is_gfp ?
		"a gfp mask, a list of them, or a mapping of gfp mask to weight" :
		"an order, a list of orders, or a mapping of order to weight";
	int ret;

	if (yp_is_null(node))
		return yp_expected(p, node, path, what);
	if (node->type == YAML_SCALAR_NODE)
		ret = mix_item(p, NULL, node, path, &mp);
	else
		ret = yp_each(p, node, path, what, mix_item, &mp);
	if (!ret && !mp.m->nr)
		return yp_expected(p, node, path, "at least one entry");
	return ret;
}

/* One of each migratetype, in the order interleaved alternates them. */
static int default_gfp_mix(struct yparse *p, const char *path, struct mix *m)
{
	static const char *const defaults[] = {
		"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE",
		"GFP_KERNEL|__GFP_RECLAIMABLE", NULL
	};
	struct mix_entry *e;

	for (e = m->e; defaults[m->nr]; e++) {
		if (pagemig_parse_gfp(defaults[m->nr], &e->value))
			return yp_error(p, NULL, path, "the library does not know %s",
					defaults[m->nr]);
		e->spec = strdup(defaults[m->nr++]);
		if (!e->spec)
			return yp_error(p, NULL, path, "out of memory");
		e->weight = 1;
		m->total++;
	}
	return 0;
}

/*
 * Spread each entry over the cycle by its weight: weights 1, 3, 1 give
 * a b c b b, so the types alternate as much as the weights allow.
 */
static int build_cycle(struct churn_args *a)
{
	unsigned int i, k, n = 0, max = 0;

	for (i = 0; i < a->gfp.nr; i++)
		if (a->gfp.e[i].weight > max)
			max = a->gfp.e[i].weight;
	a->cycle = malloc(a->gfp.total * sizeof(*a->cycle));
	if (!a->cycle)
		return -ENOMEM;
	for (k = 0; k < max; k++)
		for (i = 0; i < a->gfp.nr; i++)
			if (a->gfp.e[i].weight > k)
				a->cycle[n++] = i;
	a->cycle_len = n;
	return 0;
}

static const char *const patterns[] = {
	"random", "interleaved", "by-migratetype", NULL
};

/* The mixes' defaults, and the order interleaved cycles through. */
static int churn_check(struct yparse *p, yaml_node_t *map, const char *path,
		       void *args)
{
	struct churn_args *a = args;
	int ret = 0;

	if (!a->gfp.nr)
		ret = default_gfp_mix(p, path, &a->gfp);
	if (!a->orders.nr)
		a->orders = (struct mix){ 1, 1, { { 0, 1, NULL } } };
	if (!ret && build_cycle(a))
		ret = yp_error(p, NULL, path, "out of memory");
	return ret;
}

static const struct yp_key churn_keys[] = {
	{ "rounds", YP_INT, 0, YP_FIELD(struct churn_args, rounds),
	  .min = 1, .max = ROUNDS_MAX, .def = 10 },
	{ "pattern", YP_CHOICE, 0, YP_FIELD(struct churn_args, pattern),
	  .choices = patterns },
	{ "batch", YP_INT, 0, YP_FIELD(struct churn_args, batch),
	  .min = 1, .max = BATCH_MAX, .def = 256 },
	{ "keep", YP_FRACTION, 0, YP_FIELD(struct churn_args, keep),
	  .def_real = 0.5 },
	{ "gfp", YP_CUSTOM, 0, YP_FIELD(struct churn_args, gfp),
	  .parse = parse_mix, .release = gfp_mix_release },
	{ "orders", YP_CUSTOM, 0, YP_FIELD(struct churn_args, orders),
	  .parse = parse_mix },
	{ "tag", YP_NAME, YP_DECLARE, YP_FIELD(struct churn_args, tag),
	  .names = &tag_names, .def_str = "churn" },
	{ "fill", YP_BOOL, 0, YP_FIELD(struct churn_args, fill), .def = true },
	YP_END_CHECK(struct churn_args, churn_check)
};

static unsigned int mix_pick(const struct mix *m, struct pagemig_rng *rng)
{
	unsigned long r;
	unsigned int i;

	if (m->nr == 1)
		return m->e[0].value;
	r = pagemig_rng_below(rng, m->total);
	for (i = 0; r >= m->e[i].weight; i++)
		r -= m->e[i].weight;
	return m->e[i].value;
}

struct churn_state {
	struct scenario_run *run;
	const struct churn_args *a;
	struct step_result *res;
	struct tag_group *g;
	struct pagemig_rng rng;
	unsigned long allocated, failed;
	struct free_stats freed;
	bool stop;		/* the library refused a request */
};

/*
 * Allocate @n blocks; entry picks the gfp (or -1: draw from the mix).
 * @ok: how many were allocated.
 */
static int churn_alloc(struct churn_state *s, unsigned long n, int entry,
		       unsigned long *ok)
{
	const struct churn_args *a = s->a;
	unsigned long i, before = s->allocated;
	unsigned int gfp, order;
	int ret = 0;

	for (i = 0; i < n && !ret && !s->stop; i++) {
		if (entry >= 0)
			gfp = a->gfp.e[entry].value;
		else if (a->pattern == CHURN_INTERLEAVED)
			gfp = a->gfp.e[a->cycle[i % a->cycle_len]].value;
		else
			gfp = mix_pick(&a->gfp, &s->rng);
		order = mix_pick(&a->orders, &s->rng);
		ret = group_alloc(s->run, s->g, gfp, order, a->fill);
		if (ret == 1) {
			s->failed++;
			ret = 0;
		} else if (!ret) {
			s->allocated++;
		} else if (ret != -ENOMEM) {
			step_fail(s->res, "pagemig_alloc_pages(0x%x, order %u) returned %d (%s)",
				  gfp, order, ret, strerror(-ret));
			s->stop = true;
			ret = 0;
		}
	}
	*ok = s->allocated - before;
	return ret;
}

static int churn_free(struct churn_state *s, const struct block_filter *f,
		      unsigned long of)
{
	size_t n = (size_t)llround((1.0 - s->a->keep) * of);
	int ret;

	ret = group_free_some(s->run, s->g, f, n, 1, &s->rng, &s->freed);
	if (ret && ret != -ENOMEM) {
		step_fail(s->res, "pagemig_free_pages() refused a live block of group \"%s\": %d (%s)",
			  s->g->name, ret, strerror(-ret));
		s->stop = true;
		return 0;
	}
	return ret;
}

static int churn_round(struct churn_state *s)
{
	const struct churn_args *a = s->a;
	struct block_filter f = { .min_index = s->g->next_index, .mt = -1 };
	unsigned long ok, n;
	unsigned int i;
	int ret;

	switch (a->pattern) {
	case CHURN_RANDOM:
		ret = churn_alloc(s, a->batch, -1, &ok);
		f.min_index = 0;	/* any age */
		return ret || s->stop ? ret : churn_free(s, &f, ok);
	case CHURN_INTERLEAVED:
		ret = churn_alloc(s, a->batch, -1, &ok);
		if (ret || s->stop)
			return ret;
		f.mt = MT_MOVABLE;
		return churn_free(s, &f, group_select(s->g, &f, NULL));
	default:
		for (i = 0; i < a->gfp.nr && !s->stop; i++) {
			f.min_index = s->g->next_index;
			n = a->batch * a->gfp.e[i].weight / a->gfp.total;
			ret = churn_alloc(s, n ? n : 1, i, &ok);
			if (!ret && !s->stop)
				ret = churn_free(s, &f, ok);
			if (ret)
				return ret;
		}
		return 0;
	}
}

static int churn_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	const struct churn_args *a = step->args;
	struct churn_state s = { .run = run, .a = a, .res = res };
	unsigned long r, pages;
	size_t live;
	int ret = 0;

	s.g = run_group(run, a->tag);
	if (!s.g)
		return -ENOMEM;
	step_rng(run, step, &s.rng);
	for (r = 0; r < a->rounds && !s.stop; r++) {
		ret = churn_round(&s);
		if (ret)
			break;
		step_progress(run, step, r + 1, a->rounds);
	}
	live = group_live(s.g, &pages);
	step_figure(res, "rounds", r);
	step_figure(res, "allocated", s.allocated);
	step_figure(res, "failed", s.failed);
	step_figure(res, "freed", s.freed.blocks);
	step_figure(res, "live", live);
	step_figure(res, "live_pages", pages);
	return ret;
}

DEFINE_STEP_TYPE(step_churn, "churn", churn_keys, churn_run,
		 "rounds of mixed-migratetype allocations and frees that fragment memory");
