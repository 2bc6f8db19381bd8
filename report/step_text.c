// SPDX-License-Identifier: GPL-2.0
/*
 * The blocks steps show as they run, in words: one function per block
 * kind, printing the lines from the step's figures and the block's table.
 *
 *	--- compact full: 0.153 s ---
 *	migrated 16046 pages (pgmigrate_success +16046, ...)
 *
 * The run loop prints a step's blocks when the step ends (the streamed
 * part of `pagemig run`), and JSON carries the same text under the
 * step's "reports".  A figure a function reads and the step did not add
 * prints as 0 or "": tests/unit/test_report.c builds every kind by hand.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/vmstat_items.h>

#include "report.h"

/* Up to this many try-alloc attempts get a line each; more get a map. */
#define TRY_LINES_MAX	8

static bool has(const struct step_result *s, const char *name)
{
	return report_find(s, name) != NULL;
}

static unsigned long cnt(const struct step_result *s, const char *name)
{
	const struct report_figure *f = report_find(s, name);

	return f && f->type == REPORT_COUNT ? (unsigned long)f->count : 0;
}

static long sint(const struct step_result *s, const char *name)
{
	const struct report_figure *f = report_find(s, name);

	return f && f->type == REPORT_INT ? (long)f->sval : 0;
}

static double real(const struct step_result *s, const char *name)
{
	const struct report_figure *f = report_find(s, name);

	return f && f->type == REPORT_REAL ? f->real : 0;
}

static const char *str(const struct step_result *s, const char *name)
{
	const struct report_figure *f = report_find(s, name);

	return f && f->type == REPORT_STRING ? f->str : "";
}

static double mib(unsigned long pages)
{
	return report_mib(pages);
}

static const char *plural(unsigned long n)
{
	return n == 1 ? "" : "s";
}

static void show_note(FILE *f, const struct step_result *s,
		      const struct report_block *b)
{
	fprintf(f, "\n== %s ==\n", str(s, "text"));
}

static void show_rss(FILE *f, const struct step_result *s,
		     const struct report_block *b)
{
	fprintf(f, "--- rss: %.1f MiB of the arena's %.1f MiB resident (%lu of %lu pages) ---\n",
		real(s, "resident_mib"), mib(cnt(s, "total")),
		cnt(s, "resident"), cnt(s, "total"));
}

static void show_balloon(FILE *f, const struct step_result *s,
			 const struct report_block *b)
{
	fprintf(f, "--- balloon %s: target %lu pages (%.1f MiB), was %lu: %s",
		str(s, "driver"), cnt(s, "target"), mib(cnt(s, "target")),
		cnt(s, "was"), str(s, "outcome"));
	if (has(s, "error"))
		fprintf(f, " (%s)", str(s, "error"));
	fprintf(f, " ---\n");
	fprintf(f, "size %lu  target %lu  isolated %lu  host-held %lu  inflated %lu  deflated %lu\n",
		cnt(s, "size"), cnt(s, "driver_target"), cnt(s, "isolated"),
		cnt(s, "host_held"), cnt(s, "inflated"), cnt(s, "deflated"));
	fprintf(f, "RSS %.1f MiB -> %.1f MiB\n", real(s, "rss_before_mib"),
		real(s, "rss_after_mib"));
}

static void show_compact(FILE *f, const struct step_result *s,
			 const struct report_block *b)
{
	char t[64];
	unsigned long migrated = cnt(s, "migrated");
	char what[32];

	if (sint(s, "order") < 0)
		snprintf(what, sizeof(what), "full");
	else
		snprintf(what, sizeof(what), "order %ld", sint(s, "order"));
	fprintf(f, "--- compact %s%s ---\n", what,
		report_secs(t, sizeof(t), ": ", real(s, "seconds")));
	fprintf(f, "migrated %lu pages (pgmigrate_success +%lu, balloon_migrate +%lu, pgmigrate_fail +%lu)\n",
		migrated, migrated, cnt(s, "balloon_migrate"),
		cnt(s, "migrate_fail"));
	fprintf(f, "compact_migrate_scanned +%lu  compact_free_scanned +%lu  compact_isolated +%lu\n",
		cnt(s, "migrate_scanned"), cnt(s, "free_scanned"),
		cnt(s, "isolated"));
	if (cnt(s, "pinned_skipped"))
		fprintf(f, "pinned: +%lu pages of long-term pinned anon folios left in place (not isolated, so not in pgmigrate_fail)\n",
			cnt(s, "pinned_skipped"));
	if (cnt(s, "compact_stall") || cnt(s, "compact_fail") ||
	    cnt(s, "compact_success"))
		fprintf(f, "compact_stall +%lu  compact_fail +%lu  compact_success +%lu\n",
			cnt(s, "compact_stall"), cnt(s, "compact_fail"),
			cnt(s, "compact_success"));
	fprintf(f, "free order-9 blocks %lu -> %lu, order-10 blocks %lu -> %lu: %lu -> %lu free 2 MiB blocks\n",
		cnt(s, "order9_before"), cnt(s, "order9_after"),
		cnt(s, "order10_before"), cnt(s, "order10_after"),
		cnt(s, "blocks_2m_before"), cnt(s, "blocks_2m_after"));
	fprintf(f, "free memory in free blocks >= 2 MiB: %.1f%% -> %.1f%% (nr_free_pages_blocks / nr_free_pages)\n",
		real(s, "free_2m_before_pct"), real(s, "free_2m_after_pct"));
	if (has(s, "picture_error"))
		fprintf(f, "picture: %s: %s\n", str(s, "picture_dir"),
			strerror((int)-sint(s, "picture_error")));
}

static void show_try_alloc(FILE *f, const struct step_result *s,
			   const struct report_block *b)
{
	unsigned long i, n = b->nr_pfns;

	fprintf(f, "--- try-alloc: %lu x order %lu (%s): %lu succeeded, %lu failed; %s ---\n",
		cnt(s, "attempts"), cnt(s, "order"), str(s, "gfp"),
		cnt(s, "succeeded"), cnt(s, "failed"),
		cnt(s, "kept") ? "kept" : "freed again");
	if (n <= TRY_LINES_MAX) {
		for (i = 0; i < n; i++) {
			if (b->pfns[i] != ULONG_MAX)
				fprintf(f, "attempt %lu: ok, pfn 0x%lx\n", i + 1,
					b->pfns[i]);
			else
				fprintf(f, "attempt %lu: failed\n", i + 1);
		}
		return;
	}
	fprintf(f, "attempts (+ ok, - failed):");
	for (i = 0; i < n; i++) {
		if (!(i % 64))
			fprintf(f, "\n ");
		if (!(i % 8))
			fputc(' ', f);
		fputc(b->pfns[i] != ULONG_MAX ? '+' : '-', f);
	}
	fputc('\n', f);
}

static void show_ksm(FILE *f, const struct step_result *s,
		     const struct report_block *b)
{
	char t[64];
	unsigned long scans = cnt(s, "scans");
	long run = sint(s, "run"), freed = sint(s, "free_delta");

	fprintf(f, "--- ksm:");
	if (scans)
		fprintf(f, " %lu full scan%s", scans, plural(scans));
	if (run >= 0)
		fprintf(f, "%s ksmd %s", scans ? "," : "",
			run ? "started" : "stopped");
	fprintf(f, "%s ---\n", report_secs(t, sizeof(t), ": ",
					   real(s, "seconds")));
	fprintf(f, "pages_shared %lu  pages_sharing %lu  pages_unshared %lu  full_scans %lu  pages_scanned %lu\n",
		cnt(s, "pages_shared"), cnt(s, "pages_sharing"),
		cnt(s, "pages_unshared"), cnt(s, "total_full_scans"),
		cnt(s, "total_pages_scanned"));
	if (scans)
		fprintf(f, "free pages %+ld (%.1f MiB) while it scanned\n",
			freed, (double)freed * PAGEMIG_PAGE_SIZE / (1 << 20));
	if (has(s, "nothing_to_scan"))
		fprintf(f, "nothing to scan: no process has a mapping spawned with ksm: true\n");
}

/* "zram0 mm_stat: <the columns>" and "zram0 mm_stat: <the line>" */
static void show_mm_stat(FILE *f, const struct step_result *s,
			 const struct report_block *b)
{
	const char *dev = str(s, "device");

	if (!b->zram)
		return;
	fprintf(f, "%s mm_stat: orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted huge_pages huge_pages_since\n%s mm_stat: ",
		dev, dev);
	report_text_mm_stat(f, b->zram);
}

static double bytes_mib(unsigned long bytes)
{
	return bytes / 1048576.0;
}

static void show_zram_create(FILE *f, const struct step_result *s,
			     const struct report_block *b)
{
	unsigned long limit = cnt(s, "mem_limit");

	fprintf(f, "--- zram-create %s (zram%ld): %lu MiB disk, %s, mem_limit %s ---\n",
		str(s, "device"), sint(s, "id"), cnt(s, "disksize") >> 20,
		str(s, "compressor"), limit ? "set" : "none");
	if (limit)
		fprintf(f, "mem_limit %.1f MiB\n", bytes_mib(limit));
}

static void show_zram_write(FILE *f, const struct step_result *s,
			    const struct report_block *b)
{
	char t[64];
	unsigned long written = cnt(s, "written");
	double secs = real(s, "seconds");

	if (has(s, "file"))
		fprintf(f, "--- zram-write %s: %lu sectors from %lu, the bytes of %s ---\n",
			str(s, "device"), cnt(s, "sectors"), cnt(s, "start"),
			str(s, "file"));
	else
		fprintf(f, "--- zram-write %s: %lu sectors from %lu, compressibility %.2f, same %.0f%%, incompressible %.0f%% ---\n",
			str(s, "device"), cnt(s, "sectors"), cnt(s, "start"),
			real(s, "compressibility"), real(s, "same") * 100,
			real(s, "incompressible") * 100);
	if (report_timings())
		snprintf(t, sizeof(t), " in %.3f s (%.0f MiB/s)", secs,
			 secs > 0 ? written * 4096.0 / 1048576 / secs : 0);
	else
		t[0] = '\0';
	fprintf(f, "written %lu, refused %lu (mem_limit or no memory)%s; compressed %.2f:1 (stored objects)\n",
		written, cnt(s, "refused"), t, real(s, "ratio"));
	show_mm_stat(f, s, b);
}

static void show_zram_discard(FILE *f, const struct step_result *s,
			      const struct report_block *b)
{
	fprintf(f, "--- zram-discard %s: %lu sectors of %lu..%lu (%s) ---\n",
		str(s, "device"), cnt(s, "discarded"), cnt(s, "start"),
		cnt(s, "last"), str(s, "pattern"));
	fprintf(f, "orig_data_size %.1f -> %.1f MiB; mem_used_total %.1f -> %.1f MiB (zsmalloc keeps the holes until compaction)\n",
		bytes_mib(cnt(s, "orig_before")), bytes_mib(cnt(s, "orig_after")),
		bytes_mib(cnt(s, "mem_used_before")),
		bytes_mib(cnt(s, "mem_used_after")));
}

static void show_zram_compact(FILE *f, const struct step_result *s,
			      const struct report_block *b)
{
	char t[64];

	fprintf(f, "--- zram-compact %s%s ---\n", str(s, "device"),
		report_secs(t, sizeof(t), ": ", real(s, "seconds")));
	fprintf(f, "zs_compact freed %ld pages; mem_used_total %.1f -> %.1f MiB; pages_compacted %lu; nr_zspages %lu\n",
		sint(s, "freed"), bytes_mib(cnt(s, "mem_used_before")),
		bytes_mib(cnt(s, "mem_used_after")),
		cnt(s, "pages_compacted"), cnt(s, "nr_zspages"));
	show_mm_stat(f, s, b);
}

static void show_zram_verify(FILE *f, const struct step_result *s,
			     const struct report_block *b)
{
	fprintf(f, "--- zram-verify %s: %lu sectors checked, %lu corrupted ---\n",
		str(s, "device"), cnt(s, "checked"), cnt(s, "corrupted"));
}

static void show_zram_readers(FILE *f, const struct step_result *s,
			      const struct report_block *b)
{
	char t[64];
	bool zs = cnt(s, "zs_compact"), full = cnt(s, "compaction");

	fprintf(f, "--- zram-readers %s: %lu readers while %s ---\n",
		str(s, "device"), cnt(s, "readers"),
		!zs ? "a full compaction" : !full ? "zs_compact" :
		"zs_compact, then a full compaction");
	if (zs)
		fprintf(f, "zs_compact: %ld pages freed%s; mem_used_total %.1f -> %.1f MiB\n",
			sint(s, "freed"),
			report_secs(t, sizeof(t), " in ", real(s, "zs_seconds")),
			bytes_mib(cnt(s, "mem_used_before")),
			bytes_mib(cnt(s, "mem_used_after")));
	if (full)
		fprintf(f, "full compaction%s, pgmigrate_success +%lu, pgmigrate_fail +%lu\n",
			report_secs(t, sizeof(t), ": ", real(s, "full_seconds")),
			cnt(s, "migrated"),
			cnt(s, "migrate_fail"));
	fprintf(f, "readers: %lu sectors read and compared, %lu corrupted; nr_zspages %lu\n",
		cnt(s, "reads"), cnt(s, "corrupted"), cnt(s, "nr_zspages"));
	show_mm_stat(f, s, b);
}

/* A range step's result, as the errno's name. */
static const char *result_name(long ret)
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

/* "16 MiB at 128 MiB (pfn 0x8000-0x8fff, Normal)" */
static void show_range(FILE *f, const struct step_result *s)
{
	unsigned long pfn = cnt(s, "pfn"), nr = cnt(s, "pages");

	fprintf(f, "%.0f MiB at %.0f MiB (pfn 0x%lx-0x%lx, %s)", mib(nr),
		mib(pfn), pfn, pfn + nr - 1, str(s, "zone"));
}

static void show_migrated(FILE *f, const struct step_result *s)
{
	unsigned long n = cnt(s, "migrated");

	fprintf(f, "migrated %lu page%s (pgmigrate_success +%lu, balloon_migrate +%lu, pgmigrate_fail +%lu)\n",
		n, plural(n), n, cnt(s, "balloon_migrate"),
		cnt(s, "migrate_fail"));
}

/*
 * Why a range gave -EBUSY, from the reading the step took right after
 * the attempt: its offline pages, the pages of kinds that cannot move
 * (the block's counters), hwpoisoned frames, and the pages migration
 * gave up on.
 */
static void show_blockers(FILE *f, const struct step_result *s,
			  const struct report_block *b)
{
	unsigned long offlined = cnt(s, "offlined"), poisoned;
	unsigned long fail = cnt(s, "migrate_fail"), unmovable = 0;
	bool first = true;
	unsigned int i;

	fprintf(f, "why: ");
	if (has(s, "unreadable")) {
		fprintf(f, "the range could not be read\n");
		return;
	}
	if (offlined) {
		fprintf(f, "%lu page%s of the range %s offline: online %s first\n",
			offlined, plural(offlined),
			offlined == 1 ? "is" : "are",
			offlined == 1 ? "it" : "them");
		return;
	}
	for (i = 0; i < b->counters.nr; i++)
		unmovable += b->counters.c[i].value;
	if (unmovable) {
		fprintf(f, "%lu page%s that cannot move (", unmovable,
			plural(unmovable));
		for (i = 0; i < b->counters.nr; i++) {
			if (!b->counters.c[i].value)
				continue;
			fprintf(f, "%s%s %lu", first ? "" : ", ",
				b->counters.c[i].name, b->counters.c[i].value);
			first = false;
		}
		fprintf(f, ")");
	}
	poisoned = cnt(s, "poisoned");
	if (poisoned)
		fprintf(f, "%s%lu hwpoisoned frame%s", unmovable ? "; " : "",
			poisoned, plural(poisoned));
	if (fail)
		fprintf(f, "%s%lu page%s would not migrate (pinned or busy)",
			unmovable || poisoned ? "; " : "", fail, plural(fail));
	if (!unmovable && !poisoned && !fail)
		fprintf(f, "pages were allocated in the range while it was being emptied");
	fprintf(f, "\n");
}

static void show_contig(FILE *f, const struct step_result *s,
			const struct report_block *b)
{
	char t[64];
	long ret = sint(s, "result");

	fprintf(f, "--- alloc-contig ");
	show_range(f, s);
	fprintf(f, ": %s%s", result_name(ret),
		report_secs(t, sizeof(t), ", ", real(s, "seconds")));
	if (!ret)
		fprintf(f, "; %s", cnt(s, "kept") ? "kept" : "freed again");
	fprintf(f, " ---\n");
	show_migrated(f, s);
	if (!ret && cnt(s, "kept"))
		fprintf(f, "%lu pages held in tag group \"%s\"; %s free %lu -> %lu pages\n",
			cnt(s, "pages"), str(s, "tag"), str(s, "zone"),
			cnt(s, "free_before"), cnt(s, "free_after"));
	if (ret) {
		fprintf(f, "result: %ld (%s); the range is back in service\n",
			ret, strerror((int)-ret));
		if (ret == -EBUSY)
			show_blockers(f, s, b);
	}
}

/* offline or online, by the block's name. */
static void show_hotplug(FILE *f, const struct step_result *s,
			 const struct report_block *b)
{
	char t[64];
	bool online = !strcmp(b->name, "online");
	long ret = sint(s, "result");
	double before = real(s, "rss_before_mib");
	double after = real(s, "rss_after_mib");

	fprintf(f, "--- %s ", b->name);
	show_range(f, s);
	fprintf(f, ": %s%s ---\n", result_name(ret),
		report_secs(t, sizeof(t), ", ", real(s, "seconds")));
	if (!online)
		show_migrated(f, s);
	fprintf(f, "%s managed %lu -> %lu pages (%+.1f MiB), free %lu -> %lu pages\n",
		str(s, "zone"), cnt(s, "managed_before"),
		cnt(s, "managed_after"),
		mib(cnt(s, "managed_after")) - mib(cnt(s, "managed_before")),
		cnt(s, "free_before"), cnt(s, "free_after"));
	fprintf(f, "RSS %.1f MiB -> %.1f MiB", before, after);
	/*
	 * Net of two moves: the range's resident frames go back to the
	 * host, and what migrated out may fill frames that were not.
	 */
	fprintf(f, " (%+.1f MiB", after - before);
	if (!online && !ret && cnt(s, "migrated"))
		fprintf(f, ": the range's frames went back to the host, the %.1f MiB that moved out now fill frames elsewhere",
			mib(cnt(s, "migrated")));
	fprintf(f, ")\n");
	if (ret) {
		fprintf(f, "result: %ld (%s)%s\n", ret, strerror((int)-ret),
			online ? "" : "; the range is back in service");
		if (ret == -EBUSY && !online)
			show_blockers(f, s, b);
	}
}

static void show_soft_offline(FILE *f, const struct step_result *s,
			      const struct report_block *b)
{
	unsigned long pfn = cnt(s, "pfn");
	bool proc = has(s, "process");
	long ret = sint(s, "result");

	fprintf(f, "--- soft-offline ");
	if (proc)
		fprintf(f, "%s's page at +0x%lx", str(s, "process"),
			cnt(s, "offset"));
	if (pfn != ULONG_MAX)
		fprintf(f, "%spfn 0x%lx", proc ? ", " : "", pfn);
	if (has(s, "kind"))
		fprintf(f, " (%s)", str(s, "kind"));
	fprintf(f, ": %s ---\n", result_name(ret));
	show_migrated(f, s);
	if (!ret)
		fprintf(f, "pfn 0x%lx is hwpoisoned: out of the allocator for good\n",
			pfn);
	else if (ret == -EBUSY)
		fprintf(f, "result: -EBUSY: the page is pinned, part of a large file folio, or unmovable; nothing changed\n");
	else
		fprintf(f, "result: %ld (%s)\n", ret, strerror((int)-ret));
}

static void show_range_bad(FILE *f, const struct step_result *s,
			   const struct report_block *b)
{
	fprintf(f, "--- %s %.0f MiB at %.0f MiB: not run: %s ---\n", b->name,
		mib(cnt(s, "range_pages")), mib(cnt(s, "range_pfn")),
		str(s, "why"));
}

static void show_validate(FILE *f, const struct step_result *s,
			  const struct report_block *b)
{
	fprintf(f, "--- validate (step %u) ---\n%s", s->index + 1,
		b->text ? b->text : "");
}

/* "--- buddyinfo (after step 3: churn) ---", then the file. */
static void show_file(FILE *f, const struct step_result *s,
		      const struct report_block *b)
{
	unsigned int i;

	if (has(s, "after_step"))
		fprintf(f, "--- %s (after step %lu: %s) ---\n", b->name,
			cnt(s, "after_step"), str(s, "after_type"));
	else
		fprintf(f, "--- %s (at start) ---\n", b->name);
	switch (b->kind) {
	case REPORT_BUDDYINFO:
		if (b->zones)
			report_text_buddyinfo(f, b->zones);
		break;
	case REPORT_PAGETYPEINFO:
		if (b->zones)
			report_text_pagetypeinfo(f, b->zones);
		break;
	case REPORT_VMSTAT:
		for (i = 0; i < b->counters.nr; i++)
			fprintf(f, "%s %lu\n", b->counters.c[i].name,
				b->counters.c[i].value);
		fputs(VMSTAT_TRAILER, f);
		break;
	default:
		fputs(b->text ? b->text : "", f);
		break;
	}
}

static void (*const show[NR_REPORT_BLOCKS])(FILE *f,
					      const struct step_result *s,
					      const struct report_block *b) = {
	[REPORT_NOTE] = show_note,
	[REPORT_RSS] = show_rss,
	[REPORT_BALLOON] = show_balloon,
	[REPORT_COMPACT] = show_compact,
	[REPORT_TRY_ALLOC] = show_try_alloc,
	[REPORT_KSM] = show_ksm,
	[REPORT_ZRAM_CREATE] = show_zram_create,
	[REPORT_ZRAM_WRITE] = show_zram_write,
	[REPORT_ZRAM_DISCARD] = show_zram_discard,
	[REPORT_ZRAM_COMPACT] = show_zram_compact,
	[REPORT_ZRAM_VERIFY] = show_zram_verify,
	[REPORT_ZRAM_READERS] = show_zram_readers,
	[REPORT_CONTIG] = show_contig,
	[REPORT_HOTPLUG] = show_hotplug,
	[REPORT_SOFT_OFFLINE] = show_soft_offline,
	[REPORT_RANGE_BAD] = show_range_bad,
	[REPORT_VALIDATE] = show_validate,
	[REPORT_BUDDYINFO] = show_file,
	[REPORT_PAGETYPEINFO] = show_file,
	[REPORT_VMSTAT] = show_file,
	[REPORT_ZONEINFO] = show_file,
};

/**
 * report_text_block() - One block of a step, as the step shows it.
 * @f: where to print.
 * @s: the step's entry (its figures).
 * @b: one of its blocks.
 */
void report_text_block(FILE *f, const struct step_result *s,
		       const struct report_block *b)
{
	if (b->kind < NR_REPORT_BLOCKS && show[b->kind])
		show[b->kind](f, s, b);
}

/**
 * report_text_step() - Every block of a step, in the order it added them.
 * @f: where to print.
 * @s: the step's entry.
 *
 * What `pagemig run` prints as each step ends.
 */
void report_text_step(FILE *f, const struct step_result *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_blocks; i++)
		report_text_block(f, s, &s->blocks[i]);
}
