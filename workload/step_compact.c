// SPDX-License-Identifier: GPL-2.0
/*
 * compact and try-alloc: compaction, and the high-order allocation it is
 * for.
 *
 * compact runs pagemig_compact(): a full compaction of every zone (what
 * writing /proc/sys/vm/compact_memory does) or one that stops once a
 * free block of the given order exists (what kcompactd does).  The step
 * reports what moved and what it bought: the pgmigrate_success and
 * balloon_migrate deltas, the compact_* scanner deltas, the free order-9
 * and order-10 blocks before and after, and the share of free memory in
 * free blocks of 2 MiB or more (nr_free_pages_blocks / nr_free_pages).
 *
 * Kernel behaviour to keep in mind when reading the figures: only
 * movable_ops pages (balloon pages, for now) migrate -- pages that
 * alloc steps hold are not on an LRU list, so the migrate scanner skips
 * them -- and the free scanner takes free pages only from MOVABLE
 * pageblocks (suitable_migration_target()).
 *
 * try-alloc makes COUNT attempts at a 2^ORDER allocation and reports
 * each one's outcome.  Unlike alloc, a failure is a result, not an
 * allocation failure of the run.  Successful blocks are held until the
 * step ends (so attempts do not reuse one free block) and then freed, or
 * kept in a tag group with keep: true.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "report/picture.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define TRY_COUNT_MAX	65536

/* ---- compact ---- */

struct compact_args {
	int order;	/* -1: full */
};

/* order: 0..10, or full (what a missing key means too) */
static int compact_order(struct yparse *p, yaml_node_t *v, const char *path,
			 const struct yp_key *k, void *args)
{
	static const struct yp_key order = {
		"", YP_INT, 0, YP_FIELD(struct compact_args, order),
		.max = PAGEMIG_MAX_ORDER
	};
	struct compact_args *a = args;

	a->order = -1;
	if (v->type == YAML_SCALAR_NODE &&
	    !strcmp((const char *)v->data.scalar.value, "full"))
		return 0;
	if (yp_is_null(v) || v->type != YAML_SCALAR_NODE ||
	    !strchr("0123456789", v->data.scalar.value[0]) ||
	    !v->data.scalar.value[0])
		return yp_expected(p, v, path, "an order 0..10 or full");
	return yp_value(p, v, path, &order, a);
}

static const struct yp_key compact_keys[] = {
	{ "order", YP_CUSTOM, 0, YP_FIELD(struct compact_args, order),
	  .def = -1, .parse = compact_order },
	YP_END(struct compact_args)
};

/* Counters a compact step reports the change of. */
enum {
	C_SUCCESS, C_FAIL, C_BALLOON, C_MSCAN, C_FSCAN, C_ISOLATED,
	C_STALL, C_CFAIL, C_CSUCCESS, C_FREE, C_FREE_BLOCKS, NR_C
};

static const char *const counter_names[NR_C] = {
	[C_SUCCESS] = "pgmigrate_success",
	[C_FAIL] = "pgmigrate_fail",
	[C_BALLOON] = "balloon_migrate",
	[C_MSCAN] = "compact_migrate_scanned",
	[C_FSCAN] = "compact_free_scanned",
	[C_ISOLATED] = "compact_isolated",
	[C_STALL] = "compact_stall",
	[C_CFAIL] = "compact_fail",
	[C_CSUCCESS] = "compact_success",
	[C_FREE] = "nr_free_pages",
	[C_FREE_BLOCKS] = "nr_free_pages_blocks",
};

struct compact_snap {
	unsigned long v[NR_C];
	unsigned long order9, order10;	/* free blocks, every zone */
	unsigned long pinned;		/* pagemig_compact_pinned_skipped() */
};

static void snapshot(struct compact_snap *s)
{
	struct pagemig_zone_stats zs;
	int i, z;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NR_C; i++)
		s->v[i] = pagemig_vmstat(counter_names[i]);
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.populated)
			continue;
		s->order9 += zs.nr_free[9];
		s->order10 += zs.nr_free[10];
	}
	s->pinned = pagemig_compact_pinned_skipped();
}

/* Share of free memory in free blocks of pageblock size or more, %. */
static double share_2m(const struct compact_snap *s)
{
	return s->v[C_FREE] ? 100.0 * s->v[C_FREE_BLOCKS] / s->v[C_FREE] : 0;
}

/* --picture: the step's pictures (picture_write_step()), or 0 if off. */
static int step_picture(const struct scenario_run *run,
			const struct step *step, struct picture_snap *snap)
{
	if (!run->opts.picture)
		return 0;
	return picture_write_step(run->opts.picture, step->index + 1, snap);
}

static int compact_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res)
{
	const struct compact_args *a = step->args;
	struct picture_snap pics = { 0 };
	struct compact_snap b, e;
	unsigned long d[NR_C];
	double t0, secs;
	int ret, pic, i;

	/* Outside the timed region; a picture not written does not fail it. */
	pic = step_picture(run, step, &pics);
	snapshot(&b);
	t0 = step_now();
	ret = pagemig_compact(a->order);
	secs = step_now() - t0;
	snapshot(&e);
	if (!pic)
		pic = step_picture(run, step, &pics);
	picture_snap_free(&pics);
	for (i = 0; i < NR_C; i++)
		d[i] = e.v[i] - b.v[i];

	if (!report_add_block(res, "compact", REPORT_COMPACT))
		return -ENOMEM;
	report_add_int(res, "order", a->order, NULL);
	report_add_real(res, "seconds", secs, "s", false);
	report_add_count(res, "compact_stall", d[C_STALL], NULL, false);
	report_add_count(res, "compact_fail", d[C_CFAIL], NULL, false);
	report_add_count(res, "compact_success", d[C_CSUCCESS], NULL, false);
	if (pic) {
		report_add_string(res, "picture_dir", run->opts.picture);
		report_add_int(res, "picture_error", pic, NULL);
	}
	step_figure(res, "migrated", d[C_SUCCESS]);
	step_figure(res, "balloon_migrate", d[C_BALLOON]);
	step_figure(res, "migrate_fail", d[C_FAIL]);
	step_figure(res, "migrate_scanned", d[C_MSCAN]);
	step_figure(res, "free_scanned", d[C_FSCAN]);
	step_figure(res, "isolated", d[C_ISOLATED]);
	step_figure(res, "pinned_skipped", e.pinned - b.pinned);
	step_figure(res, "order9_before", b.order9);
	step_figure(res, "order9_after", e.order9);
	step_figure(res, "order10_before", b.order10);
	step_figure(res, "order10_after", e.order10);
	step_figure(res, "blocks_2m_before", b.order9 + 2 * b.order10);
	step_figure(res, "blocks_2m_after", e.order9 + 2 * e.order10);
	step_figure_real(res, "free_2m_before_pct", share_2m(&b));
	step_figure_real(res, "free_2m_after_pct", share_2m(&e));
	if (ret)
		step_fail(res, "pagemig_compact(%d) returned %d (%s)", a->order,
			  ret, strerror(-ret));
	return 0;
}

DEFINE_STEP_TYPE(step_compact, "compact", compact_keys, compact_run,
		 "compact every zone: fully, or until a free block of an order exists");

/* ---- try-alloc ---- */

struct try_args {
	unsigned long count;
	unsigned int order;
	unsigned int gfp;
	char *gfp_spec;
	char *tag;		/* NULL unless keep */
	bool keep;
	bool must_succeed;
};

static const struct yp_key try_keys[] = {
	{ "order", YP_INT, YP_REQUIRED, YP_FIELD(struct try_args, order),
	  .max = PAGEMIG_MAX_ORDER },
	{ "gfp", YP_GFP, 0, YP_FIELD(struct try_args, gfp),
	  .off2 = offsetof(struct try_args, gfp_spec) },
	{ "count", YP_INT, 0, YP_FIELD(struct try_args, count),
	  .min = 1, .max = TRY_COUNT_MAX, .def = 1 },
	{ "keep", YP_BOOL, 0, YP_FIELD(struct try_args, keep) },
	{ "tag", YP_NAME, YP_DECLARE, YP_FIELD(struct try_args, tag),
	  .names = &tag_names, .def_str = "try-alloc",
	  .only_with = "keep", .only_if = 1 << true },
	EXPECT_KEY(struct try_args, must_succeed),
	YP_END(struct try_args)
};

static int try_run(struct scenario_run *run, const struct step *step,
		   struct step_result *res)
{
	const struct try_args *a = step->args;
	unsigned long i, n, ok = 0, failed = 0, *pfns;
	struct tag_group *g = NULL;
	struct report_block *b;
	int ret = 0, err = 0;

	pfns = calloc(a->count, sizeof(*pfns));
	if (!pfns)
		return -ENOMEM;
	for (n = 0; n < a->count; n++) {
		ret = pagemig_alloc_pages(a->gfp, a->order, &pfns[n]);
		if (!ret) {
			ok++;
			continue;
		}
		pfns[n] = ULONG_MAX;
		if (ret == -ENOMEM) {
			failed++;
			continue;
		}
		step_fail(res, "pagemig_alloc_pages(%s, order %u) returned %d (%s)",
			  a->gfp_spec, a->order, ret, strerror(-ret));
		break;
	}

	/* Freed (or kept) only now, so attempts cannot reuse one block. */
	if (a->keep)
		g = run_group(run, a->tag);
	for (i = 0; i < n; i++) {
		if (pfns[i] == ULONG_MAX)
			continue;
		if (g && !group_add(run, g, pfns[i], a->gfp, a->order, true))
			continue;
		if (a->keep)
			err = -ENOMEM;	/* the host: no room to record it */
		pagemig_free_pages(pfns[i], a->order);
	}

	b = report_add_block(res, "try-alloc", REPORT_TRY_ALLOC);
	if (!b) {
		free(pfns);
		return -ENOMEM;
	}
	b->pfns = pfns;		/* the block's table from now on */
	b->nr_pfns = n;
	report_add_count(res, "order", a->order, NULL, false);
	report_add_string(res, "gfp", a->gfp_spec);
	report_add_count(res, "kept", a->keep, NULL, false);
	step_figure(res, "attempts", n);
	step_figure(res, "succeeded", ok);
	step_figure(res, "failed", failed);
	if (failed && a->must_succeed)
		step_fail(res, "%lu of %lu order-%u attempts failed (expect: success)",
			  failed, n, a->order);
	return err;
}

DEFINE_STEP_TYPE(step_try_alloc, "try-alloc", try_keys, try_run,
		 "attempt COUNT allocations of 2^ORDER pages and report each success or failure");
