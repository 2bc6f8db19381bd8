// SPDX-License-Identifier: GPL-2.0
/*
 * The import pipeline: a /proc/kpageflags snapshot in, a machine built
 * from it and a report of figures out.
 *
 *	READ	pagemig_snapshot_load(), or the caller's snapshot + kpf_check()
 *	INFER	kpf_infer(): a plan (facade/snapshot.c)
 *	BUILD	kpf_build(): a sparse machine, then pagemig_import_apply()
 *	ANALYSE	pagemig_analyse(): free memory per order, 2 MiB and 1 GiB
 *		blocks, and what blocks them
 *	COMPACT	pagemig_compact(-1) and the analysis again
 *	VERIFY	pagemig_import_verify(): the data stored on the imported
 *		zsmalloc pages, read back
 *
 * `pagemig import`, `pagemig bench import` and library users all run it
 * through pagemig_import(); what they print is theirs (report/kpageflags.c
 * formats the report).  The analysis answers "what would compaction
 * recover, and what stands in its way" for any live machine.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagemig/pagemig.h>
#include <pagemig/vmstat.h>
#include "../mm/facade.h"

#include "import.h"

#define PAGEBLOCK	PAGEMIG_PAGEBLOCK_PAGES
#define GIG_PAGES	(1UL << 18)	/* 1 GiB in pages */
#define SZ_4G_PAGES	(1UL << 20)

static void add_offender(struct pagemig_analysis *a, const struct pagemig_offender *o)
{
	unsigned int i, worst = 0;

	if (a->nr_offenders < PAGEMIG_NR_OFFENDERS) {
		a->offenders[a->nr_offenders++] = *o;
		return;
	}
	for (i = 1; i < a->nr_offenders; i++)
		if (a->offenders[i].blocks < a->offenders[worst].blocks)
			worst = i;
	if (o->blocks > a->offenders[worst].blocks)
		a->offenders[worst] = *o;
}

static int cmp_offender(const void *x, const void *y)
{
	const struct pagemig_offender *a = x, *b = y;

	if (a->blocks != b->blocks)
		return a->blocks < b->blocks ? 1 : -1;
	return a->start_pfn < b->start_pfn ? -1 : a->start_pfn > b->start_pfn;
}

/* Walk the pageblocks of kinds[]: blockers, offenders, 1 GiB ranges. */
static void analyse_blocks(struct pagemig_analysis *a, const uint8_t *kinds)
{
	unsigned long pfn, i, gig_kinds[PAGEMIG_NR_KINDS] = { 0 };
	struct pagemig_offender run = { 0 };
	bool gig_blocked = false, gig_free = true;
	int k;

	for (pfn = 0; pfn + PAGEBLOCK <= a->nr_pages; pfn += PAGEBLOCK) {
		unsigned long per[PAGEMIG_NR_KINDS] = { 0 }, unmov = 0;
		int top = PAGEMIG_KIND_UNMOVABLE;

		for (i = pfn; i < pfn + PAGEBLOCK; i++)
			per[kinds[i]]++;
		for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
			if (pagemig_kind_unmovable(k))
				unmov += per[k];
			if (per[k] && pagemig_kind_unmovable(k)) {
				a->blocks_by_kind[k]++;
				gig_kinds[k] = 1;
				if (per[k] > per[top] || !pagemig_kind_unmovable(top))
					top = k;
			}
		}
		a->blocks++;
		if (per[PAGEMIG_KIND_FREE] != PAGEBLOCK)
			gig_free = false;
		if (unmov) {
			a->blocks_blocked++;
			gig_blocked = true;
			if (unmov == 1)
				a->blocks_by_one++;
		}
		/* Runs of blocks each held by only a few unmovable pages. */
		if (unmov && unmov <= PAGEMIG_OFFENDER_MAX_PAGES) {
			if (!run.blocks) {
				run.start_pfn = pfn;
				run.kind = top;
			}
			run.blocks++;
			run.pages += unmov;
			run.end_pfn = pfn + PAGEBLOCK;
		} else if (run.blocks) {
			add_offender(a, &run);
			memset(&run, 0, sizeof(run));
		}
		if ((pfn + PAGEBLOCK) % GIG_PAGES == 0) {
			a->gigs++;
			if (gig_blocked)
				a->gigs_blocked++;
			if (gig_free)
				a->free_in_1g += GIG_PAGES;
			for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
				a->gigs_by_kind[k] += gig_kinds[k];
				gig_kinds[k] = 0;
			}
			gig_blocked = false;
			gig_free = true;
		}
	}
	if (run.blocks)
		add_offender(a, &run);
	qsort(a->offenders, a->nr_offenders, sizeof(a->offenders[0]),
	      cmp_offender);
}

/**
 * pagemig_analyse() - Analyse the live machine.
 * @a: the result.
 *
 * Return: 0, -ENODEV without a machine, -ENOMEM.
 */
int pagemig_analyse(struct pagemig_analysis *a)
{
	struct pagemig_zone_stats zs;
	uint8_t *kinds;
	unsigned long i;
	int z, o, ret;

	memset(a, 0, sizeof(*a));
	if (!pagemig_machine_ready())
		return -ENODEV;
	a->nr_pages = pagemig_total_pages();
	kinds = malloc(a->nr_pages);
	if (!kinds)
		return -ENOMEM;
	ret = pagemig_page_kinds(0, a->nr_pages, kinds);
	if (ret) {
		free(kinds);
		return ret;
	}
	for (i = 0; i < a->nr_pages; i++)
		a->kinds[kinds[i]]++;
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.populated)
			continue;
		for (o = 0; o < PAGEMIG_NR_ORDERS; o++) {
			a->nr_free[o] += zs.nr_free[o];
			if (o >= 9)
				a->free_in_2m += zs.nr_free[o] << o;
		}
	}
	a->free = a->kinds[PAGEMIG_KIND_FREE];
	analyse_blocks(a, kinds);
	free(kinds);
	return 0;
}

/**
 * kpf_build() - Build the machine of @inf.
 * @inf: the inference.
 * @layout: a real machine's zones and holes (kpf_real_finish()), or NULL
 *	for pagemig's guess: DMA32 up to 4 GiB, Normal above.
 * @nr_cpus: CPUs; 0: the default.
 * @seed: the machine's seed.
 * @movable_ops: the machine's movable_ops core (machine option).
 * @err: why not.
 * @errlen: its size.
 *
 * Return: 0; -EINVAL (message in @err) for a size or layout this host
 * cannot model -- bad input; -EIO if building or applying failed.
 */
int kpf_build(const struct pagemig_inference *inf,
	      const struct pagemig_layout *layout, unsigned int nr_cpus,
	      uint64_t seed, enum pagemig_movable_ops movable_ops,
	      char *err, size_t errlen)
{
	struct pagemig_config cfg;
	uint64_t bytes = (uint64_t)inf->machine_pages * PAGEMIG_PAGE_SIZE;
	int ret;

	pagemig_config_default(&cfg);
	cfg.memory = bytes;
	cfg.dma32 = bytes < ((uint64_t)SZ_4G_PAGES << 12) ? bytes :
		    (uint64_t)SZ_4G_PAGES << 12;
	cfg.layout = layout;
	if (nr_cpus)
		cfg.nr_cpus = nr_cpus;
	cfg.seed = seed;
	cfg.movable_ops = movable_ops;
	cfg.sparse = true;
	if (pagemig_config_check(&cfg, err, errlen))
		return -EINVAL;		/* impossible here: bad input */
	ret = pagemig_machine_init(&cfg, err, errlen);
	if (ret)
		return -EIO;
	/*
	 * The snapshot is analysed as it was taken: no proactive compaction
	 * behind the analysis' back (kernel: vm.compaction_proactiveness=0).
	 * --compact compacts explicitly.
	 */
	pagemig_compaction_proactiveness_set(0);
	ret = pagemig_import_apply(inf->plan, inf->machine_pages, err, errlen);
	if (ret) {
		pagemig_machine_exit();
		return -EIO;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* @ret < 0: "@what: reason" in r->err.  Return: @ret. */
static int failed(struct pagemig_import_report *r, const char *what, int ret)
{
	if (ret < 0)
		snprintf(r->err, sizeof(r->err), "%s: %s", what, strerror(-ret));
	return ret;
}

/*
 * The machine's size: the snapshot rounded up to 2 MiB, or @memory bytes.
 * Return: pages, or 0 with the reason in @r->err.
 */
static unsigned long machine_pages(const struct pagemig_import_opts *o,
				   unsigned long nr,
				   struct pagemig_import_report *r)
{
	if (!o->memory)
		return (nr + PAGEBLOCK - 1) & ~(PAGEBLOCK - 1);
	if (o->memory % (PAGEBLOCK * PAGEMIG_PAGE_SIZE)) {
		snprintf(r->err, sizeof(r->err), "impossible memory size: %llu bytes is not a multiple of 2M (a pageblock)",
			 (unsigned long long)o->memory);
		return 0;
	}
	if (o->memory / PAGEMIG_PAGE_SIZE > kpf_max_pfns()) {
		snprintf(r->err, sizeof(r->err), "impossible memory size: --memory %llu MiB is %llu pages; an import needs %d bytes of this host's memory a page, and may take half its RAM: at most %lu pages",
			 (unsigned long long)(o->memory >> 20),
			 (unsigned long long)(o->memory / PAGEMIG_PAGE_SIZE),
			 KPF_HOST_BYTES_PER_PFN, kpf_max_pfns());
		return 0;
	}
	if (o->memory / PAGEMIG_PAGE_SIZE < nr) {
		snprintf(r->err, sizeof(r->err), "impossible memory size: --memory %llu MiB is smaller than the snapshot (%lu PFNs, %lu MiB)",
			 (unsigned long long)(o->memory >> 20), nr, nr >> 8);
		return 0;
	}
	return (unsigned long)(o->memory / PAGEMIG_PAGE_SIZE);
}

/* Tell the caller stage @st begins; its non-zero answer stops the import. */
static int begin(const struct pagemig_import_opts *o,
		 struct pagemig_import_report *r, enum pagemig_import_stage st)
{
	r->stage = st;
	return o->stage ? o->stage(st, o->arg) : 0;
}

/*
 * INFER for a real machine: its layout in @real, then the plan of the
 * snapshot as that layout has it.  0 or -errno with r->err.
 */
static int infer_real(const struct pagemig_import_opts *o,
		      const struct pagemig_snapshot *s,
		      struct pagemig_import_report *r,
		      struct pagemig_inference *inf, struct kpf_real *real)
{
	struct pagemig_snapshot view = { 0 };
	int ret;

	if (o->memory) {
		snprintf(r->err, sizeof(r->err), "--memory does not go with a real machine's layout: its zones give its size");
		return -EINVAL;
	}
	ret = kpf_real_layout(s, o->real, real, r->err, sizeof(r->err));
	if (ret)
		return ret;
	if (kpf_real_snapshot(s, real, &view))
		return failed(r, "infer", -ENOMEM);
	ret = kpf_infer(&view, real->nr_pages, inf, r->err, sizeof(r->err));
	free(view.flags);
	if (!ret && (kpf_real_finish(inf, real, &r->layout) ||
		     kpf_real_rules(inf, o->real, real, &r->layout)))
		ret = failed(r, "infer", -ENOMEM);
	return ret;
}

/* READ and INFER: the plan in @inf.  0 or -errno with r->err. */
static int import_plan(const struct pagemig_import_opts *o,
		       struct pagemig_import_report *r,
		       struct pagemig_inference *inf, struct kpf_real *real)
{
	struct pagemig_snapshot loaded = { 0 };
	const struct pagemig_snapshot *s = o->snapshot;
	unsigned long pages = 0;
	uint64_t t;
	int ret;

	ret = begin(o, r, PAGEMIG_STAGE_READ);
	if (ret)
		return ret;
	t = now_ns();
	if (o->flags_path) {
		ret = pagemig_snapshot_load(&loaded, o->flags_path, o->count_path,
					    r->err, sizeof(r->err));
		s = &loaded;
	} else if (!s || !s->flags) {
		snprintf(r->err, sizeof(r->err), "no snapshot: neither a file nor one in memory");
		ret = -EINVAL;
	} else {
		ret = kpf_check(s, r->err, sizeof(r->err));
	}
	if (ret)
		goto out;
	if (!o->real) {
		pages = machine_pages(o, s->nr, r);
		if (!pages) {
			ret = -EINVAL;
			goto out;
		}
	}
	r->ns[PAGEMIG_STAGE_READ] = now_ns() - t;

	ret = begin(o, r, PAGEMIG_STAGE_INFER);
	if (ret)
		goto out;
	t = now_ns();
	if (o->real)
		ret = infer_real(o, s, r, inf, real);
	else
		ret = kpf_infer(s, pages, inf, r->err, sizeof(r->err));
	r->ns[PAGEMIG_STAGE_INFER] = now_ns() - t;
out:
	pagemig_snapshot_free(&loaded);
	return ret;
}

/* The zones as built, before anything runs on them: r->layout.zones. */
static void note_built_zones(struct pagemig_import_report *r)
{
	struct pagemig_zone_stats zs;
	int z;

	r->layout.nr_pages = pagemig_total_pages();
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		struct pagemig_import_zone *iz = &r->layout.zones[z];

		if (pagemig_zone_stats(z, &zs))
			continue;
		iz->exists = true;
		iz->start_pfn = zs.start_pfn;
		iz->spanned = zs.spanned;
		iz->present = zs.present;
		if (!r->layout.real)
			iz->managed = zs.managed;
		memcpy(iz->blocks, zs.nr_blocks_mt, sizeof(iz->blocks));
		memcpy(iz->nr_free, zs.nr_free, sizeof(iz->nr_free));
	}
}

/* ANALYSE, COMPACT and VERIFY, on the built machine.  0 or -errno. */
/*
 * The counters a compaction moves, and where free memory lies: taken
 * before and after, the difference is what the compaction did.
 */
static void compact_record(struct pagemig_compact_record *c)
{
	struct zone *zone;
	unsigned int order;

	memset(c, 0, sizeof(*c));
	c->migrate_scanned = sum_vm_event(COMPACTMIGRATE_SCANNED);
	c->free_scanned = sum_vm_event(COMPACTFREE_SCANNED);
	c->isolated = sum_vm_event(COMPACTISOLATED);
	c->migrate_fail = sum_vm_event(PGMIGRATE_FAIL);
	c->pinned_skipped = pagemig_compact_pinned_skipped();
	for_each_populated_zone(zone) {
		for (order = 0; order < NR_PAGE_ORDERS; order++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				if (mt != MIGRATE_MOVABLE)
					c->free_unsuitable += zone_nr_free_mt(zone, order, mt) << order;
		if (READ_ONCE(zone->compact_defer_shift))
			c->zones_deferred++;
	}
}

static int import_measure(const struct pagemig_import_opts *o,
			  struct pagemig_import_report *r)
{
	uint64_t t;
	int ret;

	ret = begin(o, r, PAGEMIG_STAGE_ANALYSE);
	if (ret)
		return ret;
	t = now_ns();
	ret = pagemig_analyse(&r->before);
	r->ns[PAGEMIG_STAGE_ANALYSE] = now_ns() - t;
	if (ret)
		return failed(r, "analyse", ret);
	if (o->compact) {
		unsigned long migrated = sum_vm_event(PGMIGRATE_SUCCESS);
		struct pagemig_compact_record start;

		ret = begin(o, r, PAGEMIG_STAGE_COMPACT);
		if (ret)
			return ret;
		compact_record(&start);
		t = now_ns();
		if (o->compact_cpu < 0 || (unsigned int)o->compact_cpu >= nr_cpu_ids) {
			snprintf(r->err, sizeof(r->err),
				 "compact on CPU %d: the machine has CPUs 0-%u",
				 o->compact_cpu, nr_cpu_ids - 1);
			return -EINVAL;
		}
		/* kernel: compact_memory compacts in the writer's context. */
		set_cpu_id(o->compact_cpu);
		pagemig_compact(-1);
		set_cpu_id(0);
		r->ns[PAGEMIG_STAGE_COMPACT] = now_ns() - t;
		r->migrated = sum_vm_event(PGMIGRATE_SUCCESS) - migrated;
		compact_record(&r->compact);
		r->compact.migrate_scanned -= start.migrate_scanned;
		r->compact.free_scanned -= start.free_scanned;
		r->compact.isolated -= start.isolated;
		r->compact.migrate_fail -= start.migrate_fail;
		r->compact.pinned_skipped -= start.pinned_skipped;
		ret = pagemig_analyse(&r->after);
		if (ret)
			return failed(r, "analyse", ret);
	}
	ret = begin(o, r, PAGEMIG_STAGE_VERIFY);
	if (ret)
		return ret;
	t = now_ns();
	ret = pagemig_import_verify(&r->checked);
	r->ns[PAGEMIG_STAGE_VERIFY] = now_ns() - t;
	if (ret < 0)
		return failed(r, "verify", ret);
	r->corrupted = (unsigned long)ret;
	return 0;
}

int pagemig_import(const struct pagemig_import_opts *opts,
		   struct pagemig_import_report *r)
{
	struct pagemig_inference inf = { 0 };
	struct kpf_real real = { 0 };
	char why[PAGEMIG_ERR_LEN - 32];
	uint64_t t;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = import_plan(opts, r, &inf, &real);
	if (ret)
		goto out;

	/* The plan's size is known before BUILD: the caller may weigh it. */
	r->inferred = inf;
	r->inferred.plan = NULL;
	ret = begin(opts, r, PAGEMIG_STAGE_BUILD);
	if (ret)
		goto out;
	t = now_ns();
	ret = kpf_build(&inf, opts->real ? &real.layout : NULL,
			opts->real ? opts->real->nr_cpus : 0, opts->seed,
			opts->movable_ops_6_17 ? PAGEMIG_MOVABLE_OPS_6_17 :
			PAGEMIG_MOVABLE_OPS_DEFAULT, why,
			sizeof(why));
	r->ns[PAGEMIG_STAGE_BUILD] = now_ns() - t;
	if (ret) {
		snprintf(r->err, sizeof(r->err), "%s%s",
			 ret == -EINVAL && !opts->real ? "impossible memory size: " : "",
			 why);
		goto out;
	}
	pagemig_import_result(&r->built);
	note_built_zones(r);
	ret = import_measure(opts, r);
	if (ret)
		pagemig_machine_exit();
out:
	r->inferred = inf;
	r->inferred.plan = NULL;
	kpf_inference_free(&inf);
	kpf_real_free(&real);
	return ret;
}
