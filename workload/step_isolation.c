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

/* Online has no "any": a range that would not come back is a bug. */
static int online_check(struct yparse *p, yaml_node_t *map,
			const char *path, void *args)
{
	((struct range_args *)args)->must_succeed = true;
	return 0;
}

static const struct yp_key online_keys[] = {
	RANGE_KEYS(RANGE_PAGES, "1024", "4"),
	YP_END_CHECK(struct range_args, online_check)
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

/* "16 MiB at 128 MiB (pfn 0x8000-0x8fff, Normal)" */
static void print_range(FILE *f, unsigned long pfn, unsigned long nr,
			const char *zone)
{
	fprintf(f, "%.0f MiB at %.0f MiB (pfn 0x%lx-0x%lx%s%s)", pages_mib(nr),
		pages_mib(pfn), pfn, pfn + nr - 1, zone ? ", " : "",
		zone ? zone : "");
}

static const char *result_name(int ret)
{
	switch (ret) {
	case 0:
		return "ok";
	case -EBUSY:
		return "-EBUSY";
	case -ENOMEM:
		return "-ENOMEM";
	case -EINVAL:
		return "-EINVAL";
	case -EFAULT:
		return "-EFAULT";
	case -EAGAIN:
		return "-EAGAIN";
	default:
		return "failed";
	}
}

static void print_migrated(FILE *f, const struct iso_snap *b,
			   const struct iso_snap *e)
{
	unsigned long n = e->success - b->success;

	fprintf(f, "migrated %lu page%s (pgmigrate_success +%lu, balloon_migrate +%lu, pgmigrate_fail +%lu)\n",
		n, n == 1 ? "" : "s", n, e->balloon - b->balloon,
		e->fail - b->fail);
}

/* An offlined frame: PageReserved + PageOffline (offline_pages()). */
#define OFFLINED	((1ULL << PAGEMIG_KPF_OFFLINE) | (1ULL << PAGEMIG_KPF_RESERVED))

/*
 * Why a range gave -EBUSY: what it holds right after the attempt that
 * cannot move (has_unmovable_pages()'s kinds, and poisoned frames), and
 * the pages migration gave up on (pinned, or busy).  The range is back
 * in service by then, so this is a reading taken after the fact.
 */
static void print_blockers(FILE *f, unsigned long pfn, unsigned long nr,
			   unsigned long migrate_fail)
{
	static const int stuck[] = {
		PAGEMIG_KIND_UNMOVABLE, PAGEMIG_KIND_PGTABLE,
		PAGEMIG_KIND_SLAB, PAGEMIG_KIND_RESERVED,
	};
	unsigned long count[PAGEMIG_NR_KINDS] = { 0 }, poisoned = 0, i;
	unsigned long unmovable = 0, offlined = 0;
	uint64_t *flags = malloc(nr * sizeof(*flags));
	uint8_t *kinds = malloc(nr);
	bool first = true;
	unsigned int k;

	fprintf(f, "why: ");
	if (!kinds || !flags || pagemig_page_kinds(pfn, nr, kinds) ||
	    pagemig_kpageflags_read(pfn, nr, flags, NULL)) {
		fprintf(f, "the range could not be read\n");
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
	if (offlined) {
		fprintf(f, "%lu page%s of the range %s offline: online %s first\n",
			offlined, offlined == 1 ? "" : "s",
			offlined == 1 ? "is" : "are",
			offlined == 1 ? "it" : "them");
		goto out;
	}
	for (k = 0; k < sizeof(stuck) / sizeof(stuck[0]); k++)
		unmovable += count[stuck[k]];
	if (unmovable) {
		fprintf(f, "%lu page%s that cannot move (", unmovable,
			unmovable == 1 ? "" : "s");
		for (k = 0; k < sizeof(stuck) / sizeof(stuck[0]); k++) {
			if (!count[stuck[k]])
				continue;
			fprintf(f, "%s%s %lu", first ? "" : ", ",
				pagemig_kind_name(stuck[k]), count[stuck[k]]);
			first = false;
		}
		fprintf(f, ")");
	}
	if (poisoned)
		fprintf(f, "%s%lu hwpoisoned frame%s", unmovable ? "; " : "",
			poisoned, poisoned == 1 ? "" : "s");
	if (migrate_fail)
		fprintf(f, "%s%lu page%s would not migrate (pinned or busy)",
			unmovable || poisoned ? "; " : "", migrate_fail,
			migrate_fail == 1 ? "" : "s");
	if (!unmovable && !poisoned && !migrate_fail)
		fprintf(f, "pages were allocated in the range while it was being emptied");
	fprintf(f, "\n");
out:
	free(kinds);
	free(flags);
}

/* The common figures of a range step. */
static void range_figures(struct step_result *res, const struct range_args *a,
			  int ret, const struct iso_snap *b,
			  const struct iso_snap *e)
{
	step_figure(res, "pfn", a->pfn);
	step_figure(res, "pages", a->nr);
	step_figure(res, "ok", ret == 0);
	step_figure(res, "error", ret < 0 ? -ret : 0);
	step_figure(res, "migrated", e->success - b->success);
	step_figure(res, "balloon_migrate", e->balloon - b->balloon);
	step_figure(res, "migrate_fail", e->fail - b->fail);
}

/* A range the machine cannot have: the step fails before calling in. */
static int range_bad(struct scenario_run *run, struct step_result *res,
		     const char *name, const struct range_args *a,
		     const char *why)
{
	char *text;

	if (asprintf(&text, "--- %s %.0f MiB at %.0f MiB: not run: %s ---\n",
		     name, pages_mib(a->nr), pages_mib(a->pfn), why) < 0)
		return -ENOMEM;
	step_fail(res, "%s: %s", name, why);
	return step_say(run, res, name, text);
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

static int contig_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	const struct range_args *a = step->args;
	const char *zname = NULL;
	struct iso_snap b, e;
	char why[128], *text;
	double t0, secs;
	int zone, ret, err = 0;
	size_t size;
	FILE *f;

	zone = range_zone(a->pfn, a->nr, why, sizeof(why), &zname);
	if (zone < 0)
		return range_bad(run, res, "alloc-contig", a, why);
	snapshot(zone, &b);
	t0 = step_now();
	ret = pagemig_alloc_contig(a->pfn, a->nr);
	secs = step_now() - t0;
	snapshot(zone, &e);
	if (!ret && a->keep)
		err = contig_keep(run, a);
	else if (!ret)
		pagemig_free_contig(a->pfn, a->nr);

	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	fprintf(f, "--- alloc-contig ");
	print_range(f, a->pfn, a->nr, zname);
	fprintf(f, ": %s, %.3f s", result_name(ret), secs);
	if (!ret)
		fprintf(f, "; %s", a->keep ? "kept" : "freed again");
	fprintf(f, " ---\n");
	print_migrated(f, &b, &e);
	if (!ret && a->keep)
		fprintf(f, "%lu pages held in tag group \"%s\"; %s free %lu -> %lu pages\n",
			a->nr, a->tag, zname, b.free, e.free);
	if (ret) {
		fprintf(f, "result: %d (%s); the range is back in service\n",
			ret, strerror(-ret));
		if (ret == -EBUSY)
			print_blockers(f, a->pfn, a->nr, e.fail - b.fail);
	}
	ret = ret ? ret : err;
	err = step_say_stream(run, res, "alloc-contig", f, &text);
	range_figures(res, a, ret, &b, &e);
	if (ret && a->must_succeed)
		step_fail(res, "alloc-contig at pfn 0x%lx: %d (%s)", a->pfn,
			  ret, strerror(-ret));
	return err;
}

DEFINE_STEP_TYPE(step_alloc_contig, "alloc-contig", contig_keys, contig_run,
		 "alloc_contig_range() on a 2 MiB-aligned range: migrate it empty and take it (CMA)");

/* ---- offline, online ---- */

static int hotplug_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res, bool online)
{
	const char *name = online ? "online" : "offline";
	const struct range_args *a = step->args;
	const char *zname = NULL;
	struct iso_snap b, e;
	char why[128], *text;
	double t0, secs;
	size_t size;
	int zone, ret, err;
	FILE *f;

	zone = range_zone(a->pfn, a->nr, why, sizeof(why), &zname);
	if (zone < 0)
		return range_bad(run, res, name, a, why);
	snapshot(zone, &b);
	t0 = step_now();
	ret = online ? pagemig_online(a->pfn, a->nr) :
		       pagemig_offline(a->pfn, a->nr);
	secs = step_now() - t0;
	snapshot(zone, &e);

	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	fprintf(f, "--- %s ", name);
	print_range(f, a->pfn, a->nr, zname);
	fprintf(f, ": %s, %.3f s ---\n", result_name(ret), secs);
	if (!online)
		print_migrated(f, &b, &e);
	fprintf(f, "%s managed %lu -> %lu pages (%+.1f MiB), free %lu -> %lu pages\n",
		zname, b.managed, e.managed,
		pages_mib(e.managed) - pages_mib(b.managed), b.free, e.free);
	fprintf(f, "RSS %.1f MiB -> %.1f MiB", pages_mib(b.rss),
		pages_mib(e.rss));
	/*
	 * Net of two moves: the range's resident frames go back to the
	 * host, and what migrated out may fill frames that were not.
	 */
	fprintf(f, " (%+.1f MiB", pages_mib(e.rss) - pages_mib(b.rss));
	if (!online && !ret && e.success != b.success)
		fprintf(f, ": the range's frames went back to the host, the %.1f MiB that moved out now fill frames elsewhere",
			pages_mib(e.success - b.success));
	fprintf(f, ")\n");
	if (ret) {
		fprintf(f, "result: %d (%s)%s\n", ret, strerror(-ret),
			online ? "" : "; the range is back in service");
		if (ret == -EBUSY && !online)
			print_blockers(f, a->pfn, a->nr, e.fail - b.fail);
	}
	err = step_say_stream(run, res, name, f, &text);
	range_figures(res, a, ret, &b, &e);
	step_figure(res, "managed_before", b.managed);
	step_figure(res, "managed_after", e.managed);
	step_figure(res, "free_before", b.free);
	step_figure(res, "free_after", e.free);
	step_figure_real(res, "rss_before_mib", pages_mib(b.rss));
	step_figure_real(res, "rss_after_mib", pages_mib(e.rss));
	if (ret && a->must_succeed)
		step_fail(res, "%s at pfn 0x%lx: %d (%s)", name, a->pfn, ret,
			  strerror(-ret));
	return err;
}

static int offline_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res)
{
	return hotplug_run(run, step, res, false);
}

static int online_run(struct scenario_run *run, const struct step *step,
		      struct step_result *res)
{
	return hotplug_run(run, step, res, true);
}

DEFINE_STEP_TYPE(step_offline, "offline", offline_keys, offline_run,
		 "offline a 4 MiB-aligned range (memory hot-unplug): migrate it empty, give its frames to the host");

DEFINE_STEP_TYPE(step_online, "online", online_keys, online_run,
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
	char *text;
	uint8_t k;
	size_t size;
	int pid, ret, err;
	FILE *f;

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
		snapshot(-1, &b);
		ret = pagemig_soft_offline_addr(pid, base + a->offset, &pfn);
	} else {
		if (pfn >= pagemig_total_pages()) {
			step_fail(res, "soft-offline: pfn 0x%lx is past the machine's %lu pages",
				  pfn, pagemig_total_pages());
			return 0;
		}
		if (!pagemig_page_kinds(pfn, 1, &k))
			kind = pagemig_kind_name(k);
		snapshot(-1, &b);
		ret = pagemig_soft_offline(pfn);
	}
	snapshot(-1, &e);

	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	fprintf(f, "--- soft-offline ");
	if (a->process)
		fprintf(f, "%s's page at +0x%llx", a->process,
			(unsigned long long)a->offset);
	if (pfn != ULONG_MAX)
		fprintf(f, "%spfn 0x%lx", a->process ? ", " : "", pfn);
	if (kind)
		fprintf(f, " (%s)", kind);
	fprintf(f, ": %s ---\n", result_name(ret));
	print_migrated(f, &b, &e);
	if (!ret)
		fprintf(f, "pfn 0x%lx is hwpoisoned: out of the allocator for good\n",
			pfn);
	else if (ret == -EBUSY)
		fprintf(f, "result: -EBUSY: the page is pinned, part of a large file folio, or unmovable; nothing changed\n");
	else
		fprintf(f, "result: %d (%s)\n", ret, strerror(-ret));
	err = step_say_stream(run, res, "soft-offline", f, &text);
	step_figure(res, "pfn", pfn);
	step_figure(res, "ok", ret == 0);
	step_figure(res, "error", ret < 0 ? -ret : 0);
	step_figure(res, "migrated", e.success - b.success);
	if (ret && a->must_succeed)
		step_fail(res, "soft-offline of pfn 0x%lx: %d (%s)", pfn, ret,
			  strerror(-ret));
	return err;
}

DEFINE_STEP_TYPE(step_soft_offline, "soft-offline", soft_keys, soft_run,
		 "soft-offline a page by PFN or a process's page by address: move it, poison the frame");
