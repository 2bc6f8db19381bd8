// SPDX-License-Identifier: GPL-2.0
/*
 * alloc-contig, offline, online and soft-offline: the users of page
 * isolation other than compaction (Documentation/isolation.md).
 *
 *  alloc-contig  alloc_contig_range() on a range: isolate it, migrate
 *                everything movable out, take every page (what CMA and
 *                gigantic pages do); then free it again, or keep it in
 *                a tag group whose pages are filled and verified
 *  offline       offline_pages(), memory hot-unplug: migrate the range
 *                empty and take it out of its zone; the frames go back
 *                to the host, so the arena's RSS drops
 *  online        online_pages(): give an offlined range back to its zone
 *  soft-offline  soft_offline_page() on a PFN, or on the page a process
 *                has at an address (madvise(MADV_SOFT_OFFLINE)): the
 *                contents move to another frame, the frame is poisoned
 *
 * Ranges are multiples of 4 MiB (1024 pages, MAX_ORDER_NR_PAGES) for
 * offline/online and of 2 MiB (a pageblock) for alloc-contig, aligned to
 * that size and inside one zone, as the facade asks.  The parse
 * checks the alignment; the machine (zones, memory size) is only known
 * when the step runs, which checks the rest.
 *
 * Every step reports the pages migrated (the pgmigrate_success delta,
 * with balloon_migrate and pgmigrate_fail) and its result.  A range
 * that would not isolate or empty (-EBUSY) gets a reason: what the
 * range holds that cannot move, read from the page kinds and kpageflags
 * right after the attempt.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "process.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

/*
 * The facade's units of a range: 4 MiB (MAX_ORDER_NR_PAGES) for
 * offlining, 2 MiB (a pageblock) for alloc-contig.
 */
#define RANGE_PAGES	(1UL << PAGEMIG_MAX_ORDER)
#define CONTIG_PAGES	PAGEMIG_PAGEBLOCK_PAGES
/* Largest PFN a scenario may name: 2^40 pages, 4 PiB. */
#define PFN_MAX		(1LL << 40)

static const char *const expects[] = { "success", "any", NULL };

/* ---- parsing ---- */

struct range_args {
	unsigned long pfn, nr;		/* the range, in pages */
	bool keep;			/* alloc-contig: hold the pages */
	char *tag;			/* alloc-contig keep: their group */
	bool must_succeed;
};

/*
 * start: SIZE or pfn: N, aligned to @unit pages (@pfns, @mib: the same
 * in words), and size:, a multiple of it.
 */
#define RANGE_KEYS(unit, pfns, mib)					\
	{ "start", YP_SIZE, YP_REQUIRED, YP_FIELD(struct range_args, pfn),	\
	  .align = (unit) * PAGEMIG_PAGE_SIZE,				\
	  .max = PFN_MAX * PAGEMIG_PAGE_SIZE, .scale = PAGEMIG_PAGE_SIZE,	\
	  .what = "a " mib " MiB-aligned offset such as 256M" },		\
	{ "pfn", YP_INT, 0, YP_FIELD(struct range_args, pfn),		\
	  .max = PFN_MAX, .align = (unit), .excludes = "start",		\
	  .what = "a PFN that is a multiple of " pfns " (" mib " MiB)" },	\
	{ "size", YP_SIZE, YP_REQUIRED | YP_NONZERO,			\
	  YP_FIELD(struct range_args, nr),				\
	  .align = (unit) * PAGEMIG_PAGE_SIZE,				\
	  .max = PFN_MAX * PAGEMIG_PAGE_SIZE, .scale = PAGEMIG_PAGE_SIZE,	\
	  .what = "a non-zero multiple of " mib " MiB" }

#define RANGE_EXPECT							\
	{ "expect", YP_CHOICE, YP_NOT,					\
	  YP_FIELD(struct range_args, must_succeed), .choices = expects }

static const struct yp_key contig_keys[] = {
	RANGE_KEYS(CONTIG_PAGES, "512", "2"),
	{ "keep", YP_BOOL, 0, YP_FIELD(struct range_args, keep) },
	{ "tag", YP_NAME, YP_DECLARE, YP_FIELD(struct range_args, tag),
	  .names = &tag_names, .def_str = "contig",
	  .only_with = "keep", .only_if = 1 << true },
	RANGE_EXPECT,
	YP_END(struct range_args)
};

static const struct yp_key offline_keys[] = {
	RANGE_KEYS(RANGE_PAGES, "1024", "4"),
	RANGE_EXPECT,
	YP_END(struct range_args)
};

static const struct yp_key online_keys[] = {
	RANGE_KEYS(RANGE_PAGES, "1024", "4"),
	YP_END(struct range_args)
};

/* ---- run-time helpers ---- */

/* Counters every step here reports the change of. */
struct iso_snap {
	unsigned long success, fail, balloon;	/* vmstat */
	unsigned long managed, free;		/* the range's zone */
	unsigned long rss;			/* pages */
};

static void snapshot(int zone, struct iso_snap *s)
{
	struct pagemig_zone_stats zs;

	memset(s, 0, sizeof(*s));
	pagemig_vmstat_get("pgmigrate_success", &s->success);
	pagemig_vmstat_get("pgmigrate_fail", &s->fail);
	pagemig_vmstat_get("balloon_migrate", &s->balloon);
	if (zone >= 0 && !pagemig_zone_stats(zone, &zs)) {
		s->managed = zs.managed;
		s->free = zs.free;
	}
	s->rss = pagemig_resident_pages();
}

/*
 * The zone [pfn, pfn + nr) lies in.  -1 with a reason in @why when the
 * range is past the end of memory or crosses a zone boundary.
 */
static int range_zone(unsigned long pfn, unsigned long nr, char *why,
		      size_t len, const char **name)
{
	unsigned long total = pagemig_total_pages();
	struct pagemig_zone_stats zs;
	int z;

	if (pfn >= total || nr > total - pfn) {
		snprintf(why, len, "the range ends at %.0f MiB, past the machine's %.0f MiB",
			 pages_mib(pfn + nr), pages_mib(total));
		return -1;
	}
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.populated ||
		    pfn < zs.start_pfn || pfn >= zs.start_pfn + zs.spanned)
			continue;
		if (pfn + nr > zs.start_pfn + zs.spanned) {
			snprintf(why, len, "the range crosses the end of zone %s at %.0f MiB",
				 zs.name, pages_mib(zs.start_pfn + zs.spanned));
			return -1;
		}
		*name = zs.name;
		return z;
	}
	snprintf(why, len, "no zone holds pfn 0x%lx", pfn);
	return -1;
}

/* An offlined frame: PageReserved + PageOffline (offline_pages()). */
#define OFFLINED	((1ULL << PAGEMIG_KPF_OFFLINE) | (1ULL << PAGEMIG_KPF_RESERVED))

/*
 * Why a range gave -EBUSY: what it holds right after the attempt that
 * cannot move (has_unmovable_pages()'s kinds, and poisoned frames), and
 * the pages migration gave up on (pinned, or busy: the migrate_fail
 * figure).  The range is back in service by then, so this is a reading
 * taken after the fact.  Figures: "unreadable", or "offlined" and
 * "poisoned", and the block's counters: pages of each kind that cannot
 * move.  Return: 0 or -ENOMEM.
 */
static int read_blockers(struct step_result *res, struct report_block *blk,
			 unsigned long pfn, unsigned long nr)
{
	static const int stuck[] = {
		PAGEMIG_KIND_UNMOVABLE, PAGEMIG_KIND_PGTABLE,
		PAGEMIG_KIND_SLAB, PAGEMIG_KIND_RESERVED,
	};
	unsigned long count[PAGEMIG_NR_KINDS] = { 0 }, poisoned = 0, i;
	unsigned long offlined = 0;
	uint64_t *flags = malloc(nr * sizeof(*flags));
	uint8_t *kinds = malloc(nr);
	unsigned int k;
	int ret = 0;

	if (!kinds || !flags || pagemig_page_kinds(pfn, nr, kinds) ||
	    pagemig_kpageflags_read(pfn, nr, flags, NULL)) {
		report_add_count(res, "unreadable", 1, NULL, false);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		if (flags[i] & (1ULL << PAGEMIG_KPF_HWPOISON))
			poisoned++;
		else if ((flags[i] & OFFLINED) == OFFLINED)
			offlined++;
		else
			count[kinds[i]]++;
	}
	report_add_count(res, "offlined", offlined, "pages", false);
	report_add_count(res, "poisoned", poisoned, "pages", false);
	for (k = 0; k < sizeof(stuck) / sizeof(stuck[0]) && !ret; k++)
		ret = report_counters_add(&blk->counters,
					  pagemig_kind_name(stuck[k]),
					  count[stuck[k]]);
out:
	free(kinds);
	free(flags);
	return ret;
}

/* A range the machine cannot have: the step fails before calling in. */
static int range_bad(struct scenario_run *run, struct step_result *res,
		     const char *name, const struct range_args *a,
		     const char *why)
{
	step_fail(res, "%s: %s", name, why);
	if (!report_add_block(res, name, REPORT_RANGE_BAD))
		return -ENOMEM;
	report_add_count(res, "range_pfn", a->pfn, NULL, false);
	report_add_count(res, "range_pages", a->nr, "pages", false);
	report_add_string(res, "why", why);
	return 0;
}

/* ---- alloc-contig ---- */

/* Hold the range's pages as order-0 blocks of a tag group, filled. */
static int contig_keep(struct scenario_run *run, const struct range_args *a)
{
	struct tag_group *g = run_group(run, a->tag);
	unsigned long i;
	int ret = 0;

	for (i = 0; i < a->nr; i++) {
		ret = g ? group_add(run, g, a->pfn + i, run->gfp_movable, 0,
				    true) : -ENOMEM;
		if (ret)
			break;
	}
	/* The host is out of memory: give back what is not recorded. */
	for (; i < a->nr; i++)
		pagemig_free_pages(a->pfn + i, 0);
	return ret;
}

/* ---- the range steps ---- */

/*
 * alloc-contig, offline and online: one call on a range, and the same
 * figures around it.  alloc-contig then frees the range or keeps it;
 * online has no "any": a range that would not come back is a bug.
 */
static int range_run(struct scenario_run *run, const struct step *step,
		     struct step_result *res)
{
	bool contig = step->type == &step_alloc_contig;
	bool online = step->type == &step_online;
	const char *name = step->type->name, *zname = NULL;
	const struct range_args *a = step->args;
	struct report_block *blk;
	struct iso_snap b, e;
	int zone, ret, err = 0;
	double t0, secs;
	char why[128];

	zone = range_zone(a->pfn, a->nr, why, sizeof(why), &zname);
	if (zone < 0)
		return range_bad(run, res, name, a, why);
	snapshot(zone, &b);
	t0 = step_now();
	ret = contig ? pagemig_alloc_contig(a->pfn, a->nr) :
	      online ? pagemig_online(a->pfn, a->nr) :
		       pagemig_offline(a->pfn, a->nr);
	secs = step_now() - t0;
	snapshot(zone, &e);
	if (contig && !ret && a->keep)
		err = contig_keep(run, a);
	else if (contig && !ret)
		pagemig_free_contig(a->pfn, a->nr);

	blk = report_add_block(res, name, contig ? REPORT_CONTIG : REPORT_HOTPLUG);
	if (!blk)
		return -ENOMEM;
	report_add_string(res, "zone", zname);
	report_add_int(res, "result", ret, NULL);
	report_add_real(res, "seconds", secs, "s", false);
	if (contig)
		report_add_count(res, "kept", a->keep, NULL, false);
	if (a->keep)
		report_add_string(res, "tag", a->tag);
	if (ret == -EBUSY && !online &&
	    read_blockers(res, blk, a->pfn, a->nr))
		return -ENOMEM;
	ret = ret ? ret : err;
	step_figure(res, "pfn", a->pfn);
	step_figure(res, "pages", a->nr);
	step_figure(res, "ok", ret == 0);
	step_figure(res, "error", ret < 0 ? -ret : 0);
	step_figure(res, "migrated", e.success - b.success);
	step_figure(res, "balloon_migrate", e.balloon - b.balloon);
	step_figure(res, "migrate_fail", e.fail - b.fail);
	if (!contig) {
		step_figure(res, "managed_before", b.managed);
		step_figure(res, "managed_after", e.managed);
		step_figure(res, "free_before", b.free);
		step_figure(res, "free_after", e.free);
		step_figure_real(res, "rss_before_mib", pages_mib(b.rss));
		step_figure_real(res, "rss_after_mib", pages_mib(e.rss));
	}
	if (ret && (a->must_succeed || online))
		step_fail(res, "%s at pfn 0x%lx: %d (%s)", name, a->pfn, ret,
			  strerror(-ret));
	return 0;
}

DEFINE_STEP_TYPE(step_alloc_contig, "alloc-contig", contig_keys, range_run,
		 "alloc_contig_range() on a 2 MiB-aligned range: migrate it empty and take it (CMA)");

DEFINE_STEP_TYPE(step_offline, "offline", offline_keys, range_run,
		 "offline a 4 MiB-aligned range (memory hot-unplug): migrate it empty, give its frames to the host");

DEFINE_STEP_TYPE(step_online, "online", online_keys, range_run,
		 "online a range an offline step took: its pages go back to the zone");

/* ---- soft-offline ---- */

struct soft_args {
	unsigned long pfn;	/* without process */
	char *process;		/* or a process's page */
	uint64_t offset;	/* into its first mapping */
	bool must_succeed;
};

static const struct yp_key soft_keys[] = {
	{ "pfn", YP_INT, YP_REQUIRED, YP_FIELD(struct soft_args, pfn),
	  .max = PFN_MAX },
	{ "process", YP_NAME, 0, YP_FIELD(struct soft_args, process),
	  .names = &proc_names, .excludes = "pfn" },
	{ "address", YP_SIZE, YP_REQUIRED, YP_FIELD(struct soft_args, offset),
	  .what = "an offset into the process's first mapping, such as 1M",
	  .only_with = "process" },
	{ "expect", YP_CHOICE, YP_NOT,
	  YP_FIELD(struct soft_args, must_succeed), .choices = expects },
	YP_END(struct soft_args)
};

static int soft_run(struct scenario_run *run, const struct step *step,
		    struct step_result *res)
{
	const struct soft_args *a = step->args;
	unsigned long pfn = a->pfn, pages, base;
	struct iso_snap b, e;
	const char *kind = NULL;
	struct wl_proc *proc;
	uint8_t k;
	int pid, ret;

	snapshot(-1, &b);
	if (a->process) {
		proc = wl_find(run, a->process);
		if (!proc || !wl_first_map(proc, &pid, &base, &pages)) {
			step_fail(res, "soft-offline: process %s has exited",
				  a->process);
			return 0;
		}
		if (a->offset >= pages * PAGEMIG_PAGE_SIZE) {
			step_fail(res, "soft-offline: address 0x%llx is past the end of %s's first mapping (%.1f MiB)",
				  (unsigned long long)a->offset, a->process,
				  pages_mib(pages));
			return 0;
		}
		pfn = ULONG_MAX;
		ret = pagemig_soft_offline_addr(pid, base + a->offset, &pfn);
	} else {
		if (pfn >= pagemig_total_pages()) {
			step_fail(res, "soft-offline: pfn 0x%lx is past the machine's %lu pages",
				  pfn, pagemig_total_pages());
			return 0;
		}
		if (!pagemig_page_kinds(pfn, 1, &k))
			kind = pagemig_kind_name(k);
		ret = pagemig_soft_offline(pfn);
	}
	snapshot(-1, &e);

	if (!report_add_block(res, "soft-offline", REPORT_SOFT_OFFLINE))
		return -ENOMEM;
	if (a->process) {
		report_add_string(res, "process", a->process);
		report_add_count(res, "offset", a->offset, "bytes", false);
	}
	if (kind)
		report_add_string(res, "kind", kind);
	report_add_int(res, "result", ret, NULL);
	report_add_count(res, "balloon_migrate", e.balloon - b.balloon,
			 "pages", false);
	report_add_count(res, "migrate_fail", e.fail - b.fail, "pages", false);
	step_figure(res, "pfn", pfn);
	step_figure(res, "ok", ret == 0);
	step_figure(res, "error", ret < 0 ? -ret : 0);
	step_figure(res, "migrated", e.success - b.success);
	if (ret && a->must_succeed)
		step_fail(res, "soft-offline of pfn 0x%lx: %d (%s)", pfn, ret,
			  strerror(-ret));
	return 0;
}

DEFINE_STEP_TYPE(step_soft_offline, "soft-offline", soft_keys, soft_run,
		 "soft-offline a page by PFN or a process's page by address: move it, poison the frame");
