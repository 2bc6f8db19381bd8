// SPDX-License-Identifier: GPL-2.0
/*
 * The twin comparison: a real kernel's compact_memory against pagemig's,
 * from the same starting state.
 *
 * Each side is a trace (the kernel's from the capture, pagemig's from
 * --trace) summed into compact_zone() runs, a count of pages migrated and
 * a buddyinfo after.  Runs are paired by zone: compact_memory visits the
 * zones of every node in order, one run each, so the n-th run of a zone on
 * one side meets the n-th run of that zone on the other.  Only the runs
 * of the task that wrote compact_memory are compared (ktrace_main_pid());
 * kcompactd's proactive runs in the same window are counted and left out.
 *
 * The share of free memory in 2 MiB blocks is one function of a
 * buddyinfo, applied to the kernel's after-snapshot and to pagemig's
 * after-state alike.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "compare.h"

static const char *const side_name[TWIN_NR_SIDES] = {
	[TWIN_KERNEL] = "kernel",
	[TWIN_PAGEMIG] = "pagemig",
};

static const char *const source_name[] = {
	[TWIN_FROM_NONE] = "unknown",
	[TWIN_FROM_VMSTAT] = "vmstat",
	[TWIN_FROM_RESULT] = "result",
	[TWIN_FROM_TRACE] = "trace",
	[TWIN_FROM_CALLER] = "pagemig",
};

/**
 * twin_free_share() - Percent of free memory in free blocks of an order.
 * @bi: free blocks per zone and order (/proc/buddyinfo's shape).
 * @min_order: the smallest order that counts (TWIN_HUGE_ORDER: 2 MiB).
 *
 * Return: 100 * free pages in blocks of order >= @min_order / all free
 * pages, over every zone; -1 when @bi is NULL or holds no free page.
 */
double twin_free_share(const struct capture_buddyinfo *bi,
		       unsigned int min_order)
{
	double all = 0, big = 0, pages;
	unsigned int z, o;

	if (!bi)
		return -1;
	for (z = 0; z < bi->nr_zones; z++) {
		for (o = 0; o < bi->nr_orders; o++) {
			pages = (double)bi->zones[z].nr_free[o] * (1UL << o);
			all += pages;
			if (o >= min_order)
				big += pages;
		}
	}
	return all > 0 ? 100.0 * big / all : -1;
}

/* ------------------------------------------------------------------ */
/* Pairing */

/* Indices of @pid's runs, in order; *nr set.  NULL only when none. */
static unsigned int *runs_of(const struct ktrace *t, int pid,
			     unsigned int *nr)
{
	unsigned int *idx, i, n = 0;

	idx = malloc((t->nr_runs + 1) * sizeof(*idx));
	if (!idx)
		return NULL;
	for (i = 0; i < t->nr_runs; i++)
		if (t->runs[i].pid == pid)
			idx[n++] = i;
	*nr = n;
	return idx;
}

static unsigned int run_diff(const struct ktrace_run *k,
			     const struct ktrace_run *p)
{
	unsigned int d = 0;

	if (k->zone_start != p->zone_start || k->zone_end != p->zone_end ||
	    k->begin_migrate_pfn != p->begin_migrate_pfn ||
	    k->begin_free_pfn != p->begin_free_pfn || k->sync != p->sync)
		d |= TWIN_DIFF_BEGIN;
	if (k->ended != p->ended ||
	    (k->ended && (k->end_migrate_pfn != p->end_migrate_pfn ||
			  k->end_free_pfn != p->end_free_pfn)))
		d |= TWIN_DIFF_END;
	if (k->status != p->status)
		d |= TWIN_DIFF_STATUS;
	if (k->nr_succeeded != p->nr_succeeded)
		d |= TWIN_DIFF_MIGRATED;
	return d;
}

/* The next event of run @run at or after index *@i, or -1. */
static int next_event(const struct ktrace *t, int run, unsigned int *i)
{
	for (; *i < t->nr_ev; (*i)++)
		if (t->ev[*i].run == run)
			return (*i)++;
	return -1;
}

/* Walk both runs' events together; note the first that differs. */
static void first_event_diff(const struct twin_result *r,
			     struct twin_pair *pr)
{
	const struct ktrace *tk = r->side[TWIN_KERNEL].trace;
	const struct ktrace *tp = r->side[TWIN_PAGEMIG].trace;
	unsigned int ik, ip, pos = 0;
	int ek, ep;

	pr->event[TWIN_KERNEL] = pr->event[TWIN_PAGEMIG] = -1;
	if (pr->run[TWIN_KERNEL] < 0 || pr->run[TWIN_PAGEMIG] < 0)
		return;
	ik = tk->runs[pr->run[TWIN_KERNEL]].begin;
	ip = tp->runs[pr->run[TWIN_PAGEMIG]].begin;
	for (;; pos++) {
		ek = next_event(tk, pr->run[TWIN_KERNEL], &ik);
		ep = next_event(tp, pr->run[TWIN_PAGEMIG], &ip);
		if (ek < 0 && ep < 0)
			return;
		if (ek < 0 || ep < 0 || !ktrace_event_equal(tk, ek, tp, ep)) {
			pr->event[TWIN_KERNEL] = ek;
			pr->event[TWIN_PAGEMIG] = ep;
			pr->event_pos = pos;
			pr->diff |= TWIN_DIFF_EVENTS;
			return;
		}
	}
}

/*
 * The pageblock of the free-scanner event of run @run at or after *@i,
 * moving *@i past it; ULONG_MAX when there is none.
 */
static unsigned long next_free_block(const struct ktrace *t, int run,
				     unsigned int *i)
{
	int e;

	while ((e = next_event(t, run, i)) >= 0)
		if (t->ev[e].type == KTRACE_ISOLATE_FREEPAGES)
			return t->ev[e].isolate.start_pfn >> TWIN_PAGEBLOCK_ORDER;
	return ULONG_MAX;
}

/*
 * The lowest pageblock the free scanner of run @run looked into, in *@low,
 * with its blocks in falling order (the sweep of isolate_freepages(),
 * which may come back to the block it stopped in).  Return: 0; 1 if it
 * looked into none; -1 if it went up at some point.
 */
static int sweep_floor(const struct ktrace *t, int run, unsigned long *low)
{
	unsigned long block;
	unsigned int i = t->runs[run].begin;

	*low = ULONG_MAX;
	while ((block = next_free_block(t, run, &i)) != ULONG_MAX) {
		if (*low != ULONG_MAX && block > *low)
			return -1;
		*low = block;
	}
	return *low == ULONG_MAX;
}

/*
 * Compare the blocks the two free scanners of @pr looked into, down to
 * the higher of their lowest blocks: both sweeps fall, so a merge of the
 * two counts each block once.  When either looked into no block, there
 * is no part both walked: 0 of 0.
 */
static void free_scanner_blocks(const struct twin_result *r,
				struct twin_pair *pr)
{
	const struct ktrace *t[TWIN_NR_SIDES];
	unsigned long floor = 0, b[TWIN_NR_SIDES], low;
	unsigned int i[TWIN_NR_SIDES];
	int s, none = 0, ret;

	pr->blocks_walked = -1;
	pr->blocks_only[TWIN_KERNEL] = pr->blocks_only[TWIN_PAGEMIG] = -1;
	for (s = 0; s < TWIN_NR_SIDES; s++) {
		if (pr->run[s] < 0)
			return;
		t[s] = r->side[s].trace;
		ret = sweep_floor(t[s], pr->run[s], &low);
		if (ret < 0)
			return;
		none += ret;
		if (!ret && low > floor)
			floor = low;
		i[s] = t[s]->runs[pr->run[s]].begin;
		b[s] = next_free_block(t[s], pr->run[s], &i[s]);
	}
	pr->blocks_walked = 0;
	pr->blocks_only[TWIN_KERNEL] = pr->blocks_only[TWIN_PAGEMIG] = 0;
	/* a scanner that never ran walked nothing both did */
	if (none)
		return;
	while (b[0] != ULONG_MAX || b[1] != ULONG_MAX) {
		/* the higher block, or both; a side that is done is at -1 */
		long k = b[0] == ULONG_MAX ? -1 : (long)b[0];
		long p = b[1] == ULONG_MAX ? -1 : (long)b[1];
		long top = k > p ? k : p;

		if (top < (long)floor)
			break;
		pr->blocks_walked++;
		if (k != p)
			pr->blocks_only[k == top ? TWIN_KERNEL : TWIN_PAGEMIG]++;
		for (s = 0; s < TWIN_NR_SIDES; s++)
			while (b[s] != ULONG_MAX && (long)b[s] == top)
				b[s] = next_free_block(t[s], pr->run[s], &i[s]);
	}
}

static int add_pair(struct twin_result *r, int k, int p)
{
	struct twin_pair *pr;

	pr = realloc(r->pairs, (r->nr_pairs + 1) * sizeof(*pr));
	if (!pr)
		return -ENOMEM;
	r->pairs = pr;
	pr = &r->pairs[r->nr_pairs++];
	memset(pr, 0, sizeof(*pr));
	pr->run[TWIN_KERNEL] = k;
	pr->run[TWIN_PAGEMIG] = p;
	if (k < 0 || p < 0)
		pr->diff = TWIN_DIFF_MISSING;
	else
		pr->diff = run_diff(&r->side[TWIN_KERNEL].trace->runs[k],
				    &r->side[TWIN_PAGEMIG].trace->runs[p]);
	first_event_diff(r, pr);
	free_scanner_blocks(r, pr);
	return 0;
}

/* Is there a run of zone @zone_start in @idx[@from..@nr)? */
static bool zone_ahead(const struct ktrace *t, const unsigned int *idx,
		       unsigned int from, unsigned int nr,
		       unsigned long zone_start)
{
	for (; from < nr; from++)
		if (t->runs[idx[from]].zone_start == zone_start)
			return true;
	return false;
}

/*
 * Merge the two run lists like a diff: equal zones pair up; a run whose
 * zone the other side never visits later stands alone.
 */
static int pair_runs(struct twin_result *r, const unsigned int *k,
		     unsigned int nk, const unsigned int *p, unsigned int np)
{
	const struct ktrace *tk = r->side[TWIN_KERNEL].trace;
	const struct ktrace *tp = r->side[TWIN_PAGEMIG].trace;
	unsigned int i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < nk || j < np)) {
		if (i < nk && j < np &&
		    tk->runs[k[i]].zone_start == tp->runs[p[j]].zone_start)
			ret = add_pair(r, k[i++], p[j++]);
		else if (i < nk && (j >= np ||
			 !zone_ahead(tp, p, j, np, tk->runs[k[i]].zone_start)))
			ret = add_pair(r, k[i++], -1);
		else
			ret = add_pair(r, -1, p[j++]);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* The figures */

static void kernel_pages_migrated(const struct capture *cap,
				  struct twin_side *s, unsigned long traced)
{
	int64_t before, after;

	if (capture_kv_get(&cap->snap[CAPTURE_BEFORE].vmstat,
			   "pgmigrate_success", &before) &&
	    capture_kv_get(&cap->snap[CAPTURE_AFTER].vmstat,
			   "pgmigrate_success", &after)) {
		s->pages_migrated = after - before;
		s->pages_migrated_from = TWIN_FROM_VMSTAT;
	} else if (capture_kv_get(&cap->result.deltas, "pgmigrate_success",
				  &after)) {
		s->pages_migrated = after;
		s->pages_migrated_from = TWIN_FROM_RESULT;
	} else if (s->trace) {
		s->pages_migrated = traced;
		s->pages_migrated_from = TWIN_FROM_TRACE;
	}
}

/* Sum of pgalloc_* of vmstat.after less vmstat.before, or -1. */
static long long allocated_meanwhile(const struct capture *cap)
{
	const struct capture_kvlist *after = &cap->snap[CAPTURE_AFTER].vmstat;
	long long sum = 0;
	bool any = false;
	size_t i;

	for (i = 0; i < after->nr; i++) {
		int64_t before;

		if (strncmp(after->v[i].name, "pgalloc_", 8) ||
		    !capture_kv_get(&cap->snap[CAPTURE_BEFORE].vmstat,
				    after->v[i].name, &before))
			continue;
		sum += after->v[i].value - before;
		any = true;
	}
	return any ? sum : -1;
}

/**
 * twin_compact_cpu() - The CPU the capture wrote compact_memory on.
 * @cap: the capture
 * @kernel: its trace (may be NULL)
 * @nr_cpus: the machine's CPUs
 * @from: set to where the answer came from: "result" (pagemig capture
 *	pins the write and records "compact_cpu N"), "trace" (the CPU of
 *	the first mm_compaction_begin: compact_memory compacts in the
 *	writer's context, so this is where the run was made, not something
 *	it did) or "default" (CPU 0)
 *
 * The pages a compaction frees go to that CPU's per-CPU lists, whose
 * high mark and contents differ from CPU to CPU, so the twin compacts on
 * the same CPU.
 *
 * Return: a CPU below @nr_cpus.
 */
int twin_compact_cpu(const struct capture *cap, const struct ktrace *kernel,
		     unsigned int nr_cpus, const char **from)
{
	int64_t v;
	unsigned int i;

	if (capture_kv_get(&cap->result.deltas, "compact_cpu", &v) &&
	    v >= 0 && v < nr_cpus) {
		*from = "result";
		return (int)v;
	}
	for (i = 0; kernel && i < kernel->nr_ev; i++) {
		if (kernel->ev[i].type != KTRACE_COMPACTION_BEGIN)
			continue;
		if (kernel->ev[i].cpu < 0 || (unsigned int)kernel->ev[i].cpu >= nr_cpus)
			break;
		*from = "trace";
		return kernel->ev[i].cpu;
	}
	*from = "default";
	return 0;
}

/*
 * pagemig capture writes nothing between its before snapshot and
 * compact_memory (every buffer is filled in memory and written after the
 * after snapshot), and always writes iomem, uname and cmdline and counts
 * the trace's lost events.  A capture with none of these was made by
 * another tool.  twin-capture.sh, for one, compresses each snapshot file
 * to disk as it reads it, so its .before files are dirty page cache --
 * large folios on ext4 -- when the kernel compacts, in pages that read
 * free or per-CPU in the snapshot.  Compaction in MIGRATE_SYNC isolates
 * them, and the first one that finds no isolated free block of its order
 * (while smaller ones remain: isolate_freepages() then does not scan)
 * fails with -ENOMEM and ends the zone "contended".  Neither snapshot
 * says where they were before compaction, so pagemig cannot place them.
 */
static bool foreign_capture(const struct capture *cap)
{
	int64_t lost;

	return !capture_has_once(cap, CAPTURE_IOMEM) &&
	       !capture_has_once(cap, CAPTURE_UNAME) &&
	       !capture_has_once(cap, CAPTURE_CMDLINE) &&
	       !capture_kv_get(&cap->result.deltas, "trace_lost_events", &lost);
}

static unsigned long traced_migrated(const struct ktrace *t,
				     const unsigned int *idx, unsigned int nr)
{
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		sum += t->runs[idx[i]].nr_succeeded;
	return sum;
}

static int setup_side(struct twin_result *r, enum twin_side_id id,
		      struct ktrace *t, unsigned int **idx)
{
	const struct capture *cap = r->cap;
	struct twin_side *s = &r->side[id];
	int ret;

	s->name = side_name[id];
	s->trace = t;
	s->pid = -1;
	s->pages_migrated = -1;
	s->free_2m_share_after = -1;
	*idx = NULL;
	if (!t)
		return 0;
	ret = ktrace_summarize(t, capture_has(cap, CAPTURE_BEFORE,
					      CAPTURE_ZONEINFO) ?
			       &cap->snap[CAPTURE_BEFORE].zoneinfo : NULL);
	if (ret)
		return ret;
	s->pid = ktrace_main_pid(t);
	*idx = runs_of(t, s->pid, &s->nr_runs);
	if (!*idx)
		return -ENOMEM;
	s->nr_other_runs = t->nr_runs - s->nr_runs;
	s->events_lost = t->lost;
	return 0;
}

/**
 * twin_compare() - Hold pagemig's compaction against the kernel's.
 * @cap: the capture: vmstat before/after (pages migrated), buddyinfo after
 *	(2 MiB share), zoneinfo before (zone names of the runs).
 * @kernel: the kernel's trace (the capture's trace.zst), or NULL.
 * @pagemig: pagemig's trace of the same compaction, or NULL.
 * @pagemig_pages_migrated: pagemig's pgmigrate_success over its
 *	compaction; < 0 to take the sum from @pagemig's runs.
 * @pagemig_buddy_after: pagemig's free blocks per zone and order after
 *	its compaction (capture_parse_buddyinfo() of pagemig's rendering
 *	gives one), or NULL.
 * @r: filled; the traces are summarized in place and must outlive @r.
 *
 * Return: 0 or -ENOMEM.  Disagreement is a result, not an error.
 */
int twin_compare(const struct capture *cap, struct ktrace *kernel,
		 struct ktrace *pagemig, long long pagemig_pages_migrated,
		 const struct capture_buddyinfo *pagemig_buddy_after,
		 struct twin_result *r)
{
	unsigned int *k = NULL, *p = NULL, i;
	struct twin_side *s;
	int64_t lost;
	int ret;

	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->diverge = r->diverge_events = -1;
	ret = setup_side(r, TWIN_KERNEL, kernel, &k);
	if (!ret)
		ret = setup_side(r, TWIN_PAGEMIG, pagemig, &p);
	if (!ret)
		ret = pair_runs(r, k, r->side[TWIN_KERNEL].nr_runs, p,
				r->side[TWIN_PAGEMIG].nr_runs);
	if (ret)
		goto out;

	r->allocated_meanwhile = allocated_meanwhile(cap);
	r->foreign = foreign_capture(cap);
	s = &r->side[TWIN_KERNEL];
	kernel_pages_migrated(cap, s, k ? traced_migrated(kernel, k, s->nr_runs) : 0);
	/* the ring buffer's overruns, as the capture counted them */
	if (capture_kv_get(&cap->result.deltas, "trace_lost_events", &lost) &&
	    lost > 0 && (unsigned long)lost > s->events_lost)
		s->events_lost = lost;
	if (capture_has(cap, CAPTURE_AFTER, CAPTURE_BUDDYINFO))
		s->buddy_after = &cap->snap[CAPTURE_AFTER].buddyinfo;
	s->free_2m_share_after = twin_free_share(s->buddy_after,
						 TWIN_HUGE_ORDER);

	s = &r->side[TWIN_PAGEMIG];
	if (pagemig_pages_migrated >= 0) {
		s->pages_migrated = pagemig_pages_migrated;
		s->pages_migrated_from = TWIN_FROM_CALLER;
	} else if (pagemig) {
		s->pages_migrated = traced_migrated(pagemig, p, s->nr_runs);
		s->pages_migrated_from = TWIN_FROM_TRACE;
	}
	s->buddy_after = pagemig_buddy_after;
	s->free_2m_share_after = twin_free_share(pagemig_buddy_after,
						 TWIN_HUGE_ORDER);

	for (i = 0; i < r->nr_pairs; i++) {
		if (r->diverge < 0 && (r->pairs[i].diff & ~TWIN_DIFF_EVENTS))
			r->diverge = i;
		if (r->diverge_events < 0 && r->pairs[i].diff)
			r->diverge_events = i;
	}
out:
	free(k);
	free(p);
	if (ret)
		twin_result_free(r);
	return ret;
}

/**
 * twin_result_free() - Free what twin_compare() allocated.
 * @r: the result; zeroed.  The traces and the capture stay.
 */
void twin_result_free(struct twin_result *r)
{
	free(r->pairs);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* Text */

static const struct ktrace_run *pair_run(const struct twin_result *r,
					 const struct twin_pair *pr,
					 enum twin_side_id id)
{
	return pr->run[id] < 0 ? NULL : &r->side[id].trace->runs[pr->run[id]];
}

static const struct ktrace_run *any_run(const struct twin_result *r,
					const struct twin_pair *pr)
{
	const struct ktrace_run *run = pair_run(r, pr, TWIN_KERNEL);

	return run ? run : pair_run(r, pr, TWIN_PAGEMIG);
}

/* "  label   kernel   pagemig", and " *" when the two differ. */
static void side_by_side(FILE *f, const char *label, const char *k,
			 const char *p)
{
	if (strcmp(k, p))
		fprintf(f, "  %-24s %-18s %-18s *\n", label, k, p);
	else
		fprintf(f, "  %-24s %-18s %s\n", label, k, p);
}

/* One row of a run's table: a hex or decimal figure for each side. */
static void row(FILE *f, const char *label, const struct ktrace_run *k,
		const struct ktrace_run *p, size_t off, bool hex,
		bool need_end)
{
	const struct ktrace_run *run[2] = { k, p };
	unsigned long v[2] = { 0, 0 };
	char buf[2][32];
	int i;

	for (i = 0; i < 2; i++) {
		if (!run[i] || (need_end && !run[i]->ended)) {
			snprintf(buf[i], sizeof(buf[i]), "-");
			continue;
		}
		v[i] = *(const unsigned long *)((const char *)run[i] + off);
		snprintf(buf[i], sizeof(buf[i]), hex ? "%#lx" : "%lu", v[i]);
	}
	side_by_side(f, label, buf[0], buf[1]);
}

#define ROW(f, label, k, p, field, hex, end) \
	row(f, label, k, p, offsetof(struct ktrace_run, field), hex, end)

/* The pageblocks of free_scanner_blocks(): walked, and only one side's. */
static void print_blocks(FILE *f, const struct twin_pair *pr)
{
	char k[32], p[32];

	if (pr->blocks_walked < 0) {
		side_by_side(f, "free scanner blocks", "-", "-");
		return;
	}
	fprintf(f, "  %-24s %-18ld %ld\n", "free scanner blocks",
		pr->blocks_walked - pr->blocks_only[TWIN_PAGEMIG],
		pr->blocks_walked - pr->blocks_only[TWIN_KERNEL]);
	snprintf(k, sizeof(k), "%ld", pr->blocks_only[TWIN_KERNEL]);
	snprintf(p, sizeof(p), "%ld", pr->blocks_only[TWIN_PAGEMIG]);
	fprintf(f, "  %-24s %-18s %s%s\n", "  of them only its", k, p,
		pr->blocks_only[TWIN_KERNEL] || pr->blocks_only[TWIN_PAGEMIG] ?
		" *" : "");
}

static void print_pair(FILE *f, const struct twin_result *r,
		       const struct twin_pair *pr)
{
	const struct ktrace_run *k = pair_run(r, pr, TWIN_KERNEL);
	const struct ktrace_run *p = pair_run(r, pr, TWIN_PAGEMIG);
	const struct ktrace_run *any = any_run(r, pr);
	const char *sk = k ? ktrace_result_name(k->status) : "(no run)";
	const char *sp = p ? ktrace_result_name(p->status) : "(no run)";

	fprintf(f, "node %d, zone %-13s %-18s %s\n", any->nid, any->zone,
		"kernel", "pagemig");
	ROW(f, "zone_start", k, p, zone_start, true, false);
	ROW(f, "zone_end", k, p, zone_end, true, false);
	ROW(f, "begin migrate_pfn", k, p, begin_migrate_pfn, true, false);
	ROW(f, "begin free_pfn", k, p, begin_free_pfn, true, false);
	ROW(f, "end migrate_pfn", k, p, end_migrate_pfn, true, true);
	ROW(f, "end free_pfn", k, p, end_free_pfn, true, true);
	side_by_side(f, "status", sk, sp);
	ROW(f, "pages migrated", k, p, nr_succeeded, false, false);
	ROW(f, "pages failed", k, p, nr_failed, false, false);
	ROW(f, "migrate_pages calls", k, p, migrate_calls, false, false);
	ROW(f, "migrate scanner scanned", k, p, isolate_migrate.scanned, false, false);
	ROW(f, "migrate scanner isolated", k, p, isolate_migrate.taken, false, false);
	ROW(f, "free scanner scanned", k, p, isolate_free.scanned, false, false);
	ROW(f, "free scanner isolated", k, p, isolate_free.taken, false, false);
	ROW(f, "fast free search taken", k, p, fast_isolate_free.taken, false, false);
	print_blocks(f, pr);
}

static void print_buddyinfo(FILE *f, const char *who,
			    const struct capture_buddyinfo *bi)
{
	unsigned int z, o;

	fprintf(f, "buddyinfo after, %s:%s\n", who, bi ? "" : " unknown");
	for (z = 0; bi && z < bi->nr_zones; z++) {
		fprintf(f, "Node %d, zone %8s ", bi->zones[z].nid,
			bi->zones[z].zone);
		for (o = 0; o < bi->nr_orders; o++)
			fprintf(f, "%6lu ", bi->zones[z].nr_free[o]);
		fputc('\n', f);
	}
}

static void diff_words(char *buf, size_t len, unsigned int diff)
{
	static const char *const words[] = {
		"no run on one side", "begin", "end", "status",
		"pages migrated", "events",
	};
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!(diff & (1U << i)) || used >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", words[i]);
	}
}

static void print_event(FILE *f, const struct twin_result *r,
			enum twin_side_id id, int ev)
{
	const struct ktrace *t = r->side[id].trace;

	if (ev < 0)
		fprintf(f, "  %-8s (none: the run has no more events)\n",
			side_name[id]);
	else
		fprintf(f, "  %-8s %s:%u: %s\n", side_name[id], t->name,
			t->ev[ev].line, ktrace_line(t, ev));
}

static void print_divergence(FILE *f, const struct twin_result *r)
{
	const struct twin_pair *pr;
	const struct ktrace_run *any;
	char what[128];

	if (r->diverge < 0 && r->diverge_events < 0) {
		fprintf(f, "twin.diverge none\n");
		return;
	}
	if (r->diverge >= 0) {
		pr = &r->pairs[r->diverge];
		any = any_run(r, pr);
		diff_words(what, sizeof(what), pr->diff & ~TWIN_DIFF_EVENTS);
		fprintf(f, "twin.diverge run %d: node %d, zone %s: %s\n",
			r->diverge + 1, any->nid, any->zone, what);
		if (pr->diff & TWIN_DIFF_EVENTS) {
			fprintf(f, "  first different event: number %u of the run\n",
				pr->event_pos + 1);
			print_event(f, r, TWIN_KERNEL, pr->event[TWIN_KERNEL]);
			print_event(f, r, TWIN_PAGEMIG, pr->event[TWIN_PAGEMIG]);
		}
	}
	if (r->diverge_events >= 0 && r->diverge_events != r->diverge) {
		pr = &r->pairs[r->diverge_events];
		any = any_run(r, pr);
		fprintf(f, "twin.diverge_events run %d: node %d, zone %s: event %u differs, the run's figures agree\n",
			r->diverge_events + 1, any->nid, any->zone,
			pr->event_pos + 1);
		print_event(f, r, TWIN_KERNEL, pr->event[TWIN_KERNEL]);
		print_event(f, r, TWIN_PAGEMIG, pr->event[TWIN_PAGEMIG]);
	}
}

static void print_side_note(FILE *f, const struct twin_side *s)
{
	if (!s->trace) {
		fprintf(f, "twin: %s trace: none\n", s->name);
		return;
	}
	fprintf(f, "twin: %s trace %s: %u events, %u compact_zone runs of pid %d",
		s->name, s->trace->name, s->trace->nr_ev, s->nr_runs, s->pid);
	if (s->nr_other_runs)
		fprintf(f, ", %u runs of other tasks left out",
			s->nr_other_runs);
	if (s->events_lost)
		fprintf(f, ", %lu events lost", s->events_lost);
	if (s->trace->nr_unended)
		fprintf(f, ", %u runs with no end", s->trace->nr_unended);
	fputc('\n', f);
}

static void print_figure(FILE *f, const struct twin_side *s)
{
	if (s->pages_migrated >= 0)
		fprintf(f, "twin.%s.pages_migrated %lld\n", s->name,
			s->pages_migrated);
	else
		fprintf(f, "twin.%s.pages_migrated -\n", s->name);
}

static void print_share(FILE *f, const struct twin_side *s)
{
	if (s->free_2m_share_after >= 0)
		fprintf(f, "twin.%s.free_2m_share_after %.1f\n", s->name,
			s->free_2m_share_after);
	else
		fprintf(f, "twin.%s.free_2m_share_after -\n", s->name);
}

/*
 * twin.free_scanner_blocks_differ N of M: over the zones whose sweeps
 * could be held together, the pageblocks only one free scanner looked
 * into, of those either did.
 */
static void print_blocks_figure(FILE *f, const struct twin_result *r)
{
	long walked = 0, differ = 0;
	unsigned int i, known = 0;

	for (i = 0; i < r->nr_pairs; i++) {
		const struct twin_pair *pr = &r->pairs[i];

		if (pr->blocks_walked < 0)
			continue;
		known++;
		walked += pr->blocks_walked;
		differ += pr->blocks_only[TWIN_KERNEL] + pr->blocks_only[TWIN_PAGEMIG];
	}
	if (known)
		fprintf(f, "twin.free_scanner_blocks_differ %ld of %ld\n",
			differ, walked);
	else
		fprintf(f, "twin.free_scanner_blocks_differ -\n");
}

/**
 * twin_print_text() - The comparison, side by side.
 * @f: where.
 * @r: a twin_compare() result.
 *
 * A block per zone pair (rows that differ end in " *"), then the
 * twin.<side>.<figure> lines and twin.free_scanner_blocks_differ, the
 * buddyinfo rows after, and where the traces part ways (twin.diverge).
 */
void twin_print_text(FILE *f, const struct twin_result *r)
{
	const struct capture *cap = r->cap;
	char missing[512];
	unsigned int i;

	fprintf(f, "twin: capture %s%s%s\n", cap->dir ? cap->dir : "-",
		cap->release[0] ? ", Linux " : "", cap->release);
	if (capture_missing(cap, missing, sizeof(missing)))
		fprintf(f, "twin: capture lacks %s\n", missing);
	if (r->foreign)
		fprintf(f, "twin: warning: not made by pagemig capture; if its tool wrote files between the before snapshot and compact_memory (twin-capture.sh writes its .before files there), that dirty page cache is in no snapshot, and the kernel's compaction of a zone ends 'contended' at the first large folio of it that finds no free block of its order: pagemig cannot place those folios (Documentation/twin.md, \"Captures made by other tools\")\n");
	for (i = 0; i < TWIN_NR_SIDES; i++)
		print_side_note(f, &r->side[i]);
	for (i = 0; i < r->nr_pairs; i++) {
		fputc('\n', f);
		print_pair(f, r, &r->pairs[i]);
	}
	fputc('\n', f);
	for (i = 0; i < TWIN_NR_SIDES; i++)
		print_figure(f, &r->side[i]);
	if (r->side[TWIN_KERNEL].pages_migrated_from != TWIN_FROM_VMSTAT)
		fprintf(f, "twin: kernel pages_migrated from the %s, not vmstat\n",
			source_name[r->side[TWIN_KERNEL].pages_migrated_from]);
	for (i = 0; i < TWIN_NR_SIDES; i++)
		print_share(f, &r->side[i]);
	if (r->allocated_meanwhile >= 0)
		fprintf(f, "twin.capture.allocated_meanwhile %lld\n",
			r->allocated_meanwhile);
	else
		fprintf(f, "twin.capture.allocated_meanwhile -\n");
	if (r->compact_cpu_from)
		fprintf(f, "twin.capture.compact_cpu %d (%s)\n", r->compact_cpu,
			r->compact_cpu_from);
	print_blocks_figure(f, r);
	for (i = 0; i < TWIN_NR_SIDES; i++)
		print_buddyinfo(f, side_name[i], r->side[i].buddy_after);
	print_divergence(f, r);
}

/* ------------------------------------------------------------------ */
/* JSON */

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static struct json_object *json_run(const struct ktrace_run *run)
{
	struct json_object *o;

	if (!run)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "pid", json_object_new_int(run->pid));
	json_object_object_add(o, "mode",
			       json_object_new_string(run->sync ? "sync" : "async"));
	json_object_object_add(o, "zone_start", u64(run->zone_start));
	json_object_object_add(o, "zone_end", u64(run->zone_end));
	json_object_object_add(o, "begin_migrate_pfn", u64(run->begin_migrate_pfn));
	json_object_object_add(o, "begin_free_pfn", u64(run->begin_free_pfn));
	json_object_object_add(o, "end_migrate_pfn",
			       run->ended ? u64(run->end_migrate_pfn) : NULL);
	json_object_object_add(o, "end_free_pfn",
			       run->ended ? u64(run->end_free_pfn) : NULL);
	json_object_object_add(o, "status",
			       run->ended ? json_object_new_string(ktrace_result_name(run->status)) : NULL);
	json_object_object_add(o, "pages_migrated", u64(run->nr_succeeded));
	json_object_object_add(o, "pages_failed", u64(run->nr_failed));
	json_object_object_add(o, "migrate_pages_calls", u64(run->migrate_calls));
	json_object_object_add(o, "migrate_scanned", u64(run->isolate_migrate.scanned));
	json_object_object_add(o, "migrate_isolated", u64(run->isolate_migrate.taken));
	json_object_object_add(o, "free_scanned", u64(run->isolate_free.scanned));
	json_object_object_add(o, "free_isolated", u64(run->isolate_free.taken));
	json_object_object_add(o, "fast_free_isolated", u64(run->fast_isolate_free.taken));
	json_object_object_add(o, "events", u64(run->nr_events));
	return o;
}

static struct json_object *json_buddyinfo(const struct capture_buddyinfo *bi)
{
	struct json_object *a, *z, *orders;
	unsigned int i, o;

	if (!bi)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < bi->nr_zones; i++) {
		z = json_object_new_object();
		json_object_object_add(z, "node", json_object_new_int(bi->zones[i].nid));
		json_object_object_add(z, "zone", json_object_new_string(bi->zones[i].zone));
		orders = json_object_new_array();
		for (o = 0; o < bi->nr_orders; o++)
			json_object_array_add(orders, u64(bi->zones[i].nr_free[o]));
		json_object_object_add(z, "nr_free", orders);
		json_object_array_add(a, z);
	}
	return a;
}

static struct json_object *json_side(const struct twin_side *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "trace", s->trace ?
			       json_object_new_string(s->trace->name) : NULL);
	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "runs", u64(s->nr_runs));
	json_object_object_add(o, "other_runs", u64(s->nr_other_runs));
	json_object_object_add(o, "events_lost", u64(s->events_lost));
	json_object_object_add(o, "pages_migrated", s->pages_migrated >= 0 ?
			       json_object_new_int64(s->pages_migrated) : NULL);
	json_object_object_add(o, "pages_migrated_from",
			       json_object_new_string(source_name[s->pages_migrated_from]));
	json_object_object_add(o, "free_2m_share_after",
			       s->free_2m_share_after >= 0 ?
			       json_object_new_double(s->free_2m_share_after) : NULL);
	json_object_object_add(o, "buddyinfo_after", json_buddyinfo(s->buddy_after));
	return o;
}

static struct json_object *json_diff(unsigned int diff)
{
	static const char *const words[] = {
		"missing", "begin", "end", "status", "pages_migrated", "events",
	};
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (diff & (1U << i))
			json_object_array_add(a, json_object_new_string(words[i]));
	return a;
}

static struct json_object *json_event(const struct ktrace *t, int ev)
{
	struct json_object *o;

	if (ev < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "line", u64(t->ev[ev].line));
	json_object_object_add(o, "event",
			       json_object_new_string(ktrace_type_name(t->ev[ev].type)));
	json_object_object_add(o, "text", json_object_new_string(ktrace_line(t, ev)));
	return o;
}

static struct json_object *json_divergence(const struct twin_result *r, int i)
{
	const struct twin_pair *pr;
	const struct ktrace_run *any;
	struct json_object *o;

	if (i < 0)
		return NULL;
	pr = &r->pairs[i];
	any = any_run(r, pr);
	o = json_object_new_object();
	json_object_object_add(o, "run", json_object_new_int(i + 1));
	json_object_object_add(o, "node", json_object_new_int(any->nid));
	json_object_object_add(o, "zone", json_object_new_string(any->zone));
	json_object_object_add(o, "differs", json_diff(pr->diff));
	json_object_object_add(o, "event_in_run", pr->diff & TWIN_DIFF_EVENTS ?
			       json_object_new_int(pr->event_pos + 1) : NULL);
	json_object_object_add(o, "kernel", json_event(r->side[TWIN_KERNEL].trace,
						      pr->event[TWIN_KERNEL]));
	json_object_object_add(o, "pagemig", json_event(r->side[TWIN_PAGEMIG].trace,
						       pr->event[TWIN_PAGEMIG]));
	return o;
}

/* {walked, kernel_only, pagemig_only} of free_scanner_blocks(), or null. */
static struct json_object *json_blocks(const struct twin_pair *pr)
{
	struct json_object *o;

	if (pr->blocks_walked < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "walked", json_object_new_int64(pr->blocks_walked));
	json_object_object_add(o, "kernel_only",
			       json_object_new_int64(pr->blocks_only[TWIN_KERNEL]));
	json_object_object_add(o, "pagemig_only",
			       json_object_new_int64(pr->blocks_only[TWIN_PAGEMIG]));
	return o;
}

/**
 * twin_json() - The comparison as one JSON object.
 * @r: a twin_compare() result.
 *
 * { "capture", "release", "missing": [...], "kernel": {side},
 *   "pagemig": {side}, "zones": [{ "node", "zone", "kernel": {run},
 *   "pagemig": {run}, "differs": [...] }], "divergence": {...} | null,
 *   "divergence_events": {...} | null }; Documentation/twin.md lists the
 * fields.
 *
 * Return: a new object (json_object_put() it), or NULL without memory.
 */
struct json_object *twin_json(const struct twin_result *r)
{
	struct json_object *root = json_object_new_object(), *zones, *z, *m;
	const struct capture *cap = r->cap;
	char missing[512], *tok, *save;
	unsigned int i;

	if (!root)
		return NULL;
	json_object_object_add(root, "capture", cap->dir ?
			       json_object_new_string(cap->dir) : NULL);
	json_object_object_add(root, "release", cap->release[0] ?
			       json_object_new_string(cap->release) : NULL);
	m = json_object_new_array();
	capture_missing(cap, missing, sizeof(missing));
	for (tok = strtok_r(missing, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		json_object_array_add(m, json_object_new_string(tok));
	json_object_object_add(root, "missing", m);
	for (i = 0; i < TWIN_NR_SIDES; i++)
		json_object_object_add(root, side_name[i], json_side(&r->side[i]));
	json_object_object_add(root, "foreign_capture",
			       json_object_new_boolean(r->foreign));
	json_object_object_add(root, "allocated_meanwhile",
			       r->allocated_meanwhile >= 0 ?
			       json_object_new_int64(r->allocated_meanwhile) : NULL);
	json_object_object_add(root, "compact_cpu",
			       json_object_new_int(r->compact_cpu));
	zones = json_object_new_array();
	for (i = 0; i < r->nr_pairs; i++) {
		const struct twin_pair *pr = &r->pairs[i];
		const struct ktrace_run *any = any_run(r, pr);

		z = json_object_new_object();
		json_object_object_add(z, "node", json_object_new_int(any->nid));
		json_object_object_add(z, "zone", json_object_new_string(any->zone));
		json_object_object_add(z, "kernel", json_run(pair_run(r, pr, TWIN_KERNEL)));
		json_object_object_add(z, "pagemig", json_run(pair_run(r, pr, TWIN_PAGEMIG)));
		json_object_object_add(z, "differs", json_diff(pr->diff));
		json_object_object_add(z, "free_scanner_blocks", json_blocks(pr));
		json_object_array_add(zones, z);
	}
	json_object_object_add(root, "zones", zones);
	json_object_object_add(root, "divergence", json_divergence(r, r->diverge));
	json_object_object_add(root, "divergence_events",
			       json_divergence(r, r->diverge_events));
	return root;
}

/**
 * twin_print_json() - Print twin_json(), pretty.
 * @f: where.
 * @r: a twin_compare() result.
 *
 * Return: 0, -ENOMEM or -EIO.
 */
int twin_print_json(FILE *f, const struct twin_result *r)
{
	struct json_object *root = twin_json(r);
	int ret = 0;

	if (!root)
		return -ENOMEM;
	if (fprintf(f, "%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		ret = -EIO;
	json_object_put(root);
	return ret;
}
