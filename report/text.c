// SPDX-License-Identifier: GPL-2.0
/*
 * The text report of a scenario run.
 *
 * It is meant to be read by someone who knows the kernel's /proc files
 * and to be diffed against a real machine: buddyinfo, pagetypeinfo and
 * vmstat come verbatim from the library's pagemig_show_*() renderers;
 * only the summary around them is ours.  The last line is always
 *
 *	verify: N pages checked, M corrupted
 *
 * so scripts can tail it (`pagemig run --quiet` prints only that line).
 */
#include <stdio.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "report.h"
#include "workload/process.h"
#include "workload/scenario.h"

/* Prefixes of the counters the summary shows when they are non-zero. */
static const char *const vmstat_prefixes[] = {
	"nr_free_pages", "pgalloc_", "pgfree", "pgmigrate_", "compact_",
	"balloon_", "nr_balloon_pages", "nr_zspages", NULL
};

/* Shown even when zero: a run that moved nothing should say so. */
static const char *const vmstat_always[] = {
	"nr_free_pages", "pgmigrate_success", "pgmigrate_fail", NULL
};

/**
 * report_vmstat_selected() - Whether the text report shows a counter.
 * @name: its /proc/vmstat name.
 * @value: its value.
 *
 * Return: true for the allocation, migration, compaction and balloon
 * counters that are non-zero, and for a few that matter even at zero.
 */
bool report_vmstat_selected(const char *name, unsigned long value)
{
	const char *const *p;

	for (p = vmstat_always; *p; p++)
		if (!strcmp(name, *p))
			return true;
	if (!value)
		return false;
	for (p = vmstat_prefixes; *p; p++)
		if (!strncmp(name, *p, strlen(*p)))
			return true;
	return false;
}

/**
 * report_format_size() - Write a byte count the way people say it.
 * @buf: where to write.
 * @len: size of @buf.
 * @bytes: the size.
 */
void report_format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	uint64_t v = bytes;

	while (u < 4 && v >= 1024 && !(v % 1024)) {
		v /= 1024;
		u++;
	}
	if (v >= 10240 && u < 4)
		snprintf(buf, len, "%.1f %s", bytes / (double)(1ULL << (10 * (u + 1))),
			 units[u + 1]);
	else
		snprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
}

static void print_zones(FILE *f)
{
	struct pagemig_zone_stats zs;
	char size[32];
	int z, n = 0;

	fprintf(f, "zones:    ");
	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		if (pagemig_zone_stats(z, &zs) || !zs.populated)
			continue;
		report_format_size(size, sizeof(size),
				   (uint64_t)zs.present * PAGEMIG_PAGE_SIZE);
		fprintf(f, "%s%s %s (pfn 0x%lx-0x%lx)", n++ ? ", " : "",
			zs.name, size, zs.start_pfn,
			zs.start_pfn + zs.spanned - 1);
	}
	fprintf(f, "\n");
}

/**
 * report_mib() - Pages as MiB.
 * @pages: a page count.
 *
 * Return: the size in MiB.
 */
double report_mib(unsigned long pages)
{
	return pages * (double)PAGEMIG_PAGE_SIZE / (1 << 20);
}

/**
 * report_text_header() - What is about to run: scenario, machine, seed.
 * @f: where to print.
 * @run: a run whose machine is up.
 *
 * Printed before the steps so that report steps' output has context, and
 * so the seed is on screen even if the run never finishes.
 */
void report_text_header(FILE *f, const struct scenario_run *run)
{
	const struct scenario *sc = run->sc;
	char mem[32];

	report_format_size(mem, sizeof(mem), run->cfg.memory);
	fprintf(f, "scenario: %s (%s)\n", sc->name, sc->file);
	if (sc->description[0])
		fprintf(f, "          %s\n", sc->description);
	fprintf(f, "machine:  %s, %u CPU%s\n", mem, run->cfg.nr_cpus,
		run->cfg.nr_cpus == 1 ? "" : "s");
	print_zones(f);
	fprintf(f, "seed:     %llu\n", (unsigned long long)run->cfg.seed);
	fprintf(f, "pagemig:  %s\n", pagemig_version());
}

/* Summary lines wrap here; continuation lines line up under the figures. */
#define SUMMARY_WIDTH	100
#define SUMMARY_INDENT	37

static void print_step(FILE *f, const struct scenario_run *run,
		       unsigned int i)
{
	const struct step *step = &run->sc->steps[i];
	const struct step_result *res = &run->results[i];
	const struct step_figure *fig;
	char item[96];
	unsigned int j;
	int col, n;

	col = fprintf(f, "  %3u  %-9s line %-4d %8.3f s", i + 1,
		      scenario_step_name(step), step->line, res->seconds);
	for (j = 0; j < res->nr_figures; j++) {
		fig = &res->figures[j];
		if (fig->is_real)
			n = snprintf(item, sizeof(item), "%s=%.1f", fig->name,
				     fig->real);
		else
			n = snprintf(item, sizeof(item), "%s=%lu", fig->name,
				     fig->value);
		if (col + 2 + n > SUMMARY_WIDTH && col > SUMMARY_INDENT)
			col = fprintf(f, "\n%*s", SUMMARY_INDENT, "") - 1;
		col += fprintf(f, "  %s", item);
	}
	if (res->failed)
		fprintf(f, "  FAILED: %s", res->message ? res->message : "");
	fprintf(f, "\n");
}

/*
 * Every balloon's figures, as the hypervisor sees them, and the arena's
 * resident set before the first balloon step and now: what ballooning
 * gave back to the host.
 */
static void print_balloons(FILE *f, const struct scenario_run *run)
{
	struct pagemig_balloon_stats st;
	unsigned long rss = pagemig_resident_pages(), held = 0;
	int drv;

	fprintf(f, "\n--- balloons (end of run) ---\n");
	fprintf(f, "%-16s %9s %9s %9s %9s %9s %9s\n", "driver", "size",
		"target", "isolated", "host-held", "inflated", "deflated");
	for (drv = 0; drv < PAGEMIG_NR_BALLOONS; drv++) {
		if (pagemig_balloon_stats(drv, &st))
			continue;
		held += st.host_owned;
		fprintf(f, "%-16s %9lu %9lu %9lu %9lu %9lu %9lu\n", st.name,
			st.size, st.target, st.isolated, st.host_owned,
			st.inflated, st.deflated);
	}
	fprintf(f, "RSS: %.1f MiB before the first balloon step, %.1f MiB now (%+.1f MiB); the host holds %.1f MiB\n",
		report_mib(run->rss_before_balloon), report_mib(rss),
		report_mib(rss) - report_mib(run->rss_before_balloon),
		report_mib(held));
}

/*
 * Every zram device: its mm_stat line under the kernel's column names,
 * and the zsmalloc pages all of them hold (nr_zspages).
 */
static void print_zram(FILE *f)
{
	struct pagemig_zram_stats st;
	unsigned long zspages = 0;
	char line[256];
	int id, n = 0;

	for (id = 0; id < PAGEMIG_MAX_ZRAM; id++) {
		if (pagemig_zram_stats(id, &st) ||
		    pagemig_zram_mm_stat(id, line, sizeof(line)) < 0)
			continue;
		if (!n++)
			fprintf(f, "\n--- zram (end of run) ---\nmm_stat: orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted huge_pages huge_pages_since\n");
		fprintf(f, "%-8s %s", st.name, line);
	}
	if (!n)
		return;
	pagemig_vmstat_get("nr_zspages", &zspages);
	fprintf(f, "nr_zspages %lu\n", zspages);
}

/*
 * KSM, when anything was scanned: /sys/kernel/mm/ksm's figures, and the
 * memory the sharing saves (pages_sharing pages).
 */
static void print_ksm(FILE *f)
{
	struct pagemig_ksm_stats st;

	if (pagemig_ksm_stats(&st) || !st.pages_scanned)
		return;
	fprintf(f, "\n--- ksm (end of run) ---\n");
	fprintf(f, "pages_shared %lu  pages_sharing %lu  pages_unshared %lu  full_scans %lu  pages_scanned %lu  run %d\n",
		st.pages_shared, st.pages_sharing, st.pages_unshared,
		st.full_scans, st.pages_scanned, st.run);
	fprintf(f, "saved: %.1f MiB (pages_sharing)\n", report_mib(st.pages_sharing));
}

/*
 * Every process a spawn step created: its mappings, what the facade says
 * it holds (the kernel's RssAnon/RssFile, page-table pages, pinned
 * pages) and what its worker threads and touch steps did.
 */
static void print_processes(FILE *f, const struct scenario_run *run)
{
	struct wl_proc_report r;
	unsigned int i, n = wl_nr_procs(run);

	if (!n)
		return;
	fprintf(f, "\n--- processes (end of run; figures of exited ones as they exited) ---\n");
	fprintf(f, "%-10s %3s %-7s %-10s %3s %8s %8s %8s %8s %6s %6s %10s %10s %6s %9s\n",
		"name", "pid", "state", "pattern", "thr", "anon_MiB", "file_MiB",
		"RssAnon", "RssFile", "ptes", "pinned", "reads", "writes",
		"errors", "corrupted");
	for (i = 0; i < n; i++) {
		wl_proc_report(run, i, &r);
		fprintf(f, "%-10s %3d %-7s %-10s %3u %8.1f %8.1f %7.1fM %7.1fM %6lu %6lu %10lu %10lu %6lu %9lu\n",
			r.name, r.pid, r.exited ? "exited" : "live", r.pattern,
			r.threads, report_mib(r.anon_pages),
			report_mib(r.file_pages), report_mib(r.st.rss_anon),
			report_mib(r.st.rss_file), r.st.nr_ptes, r.st.nr_pinned,
			r.reads, r.writes, r.errors, r.corrupted);
	}
}

/**
 * report_text_verify() - The last line of every report.
 * @f: where to print.
 * @run: a finished run.
 */
void report_text_verify(FILE *f, const struct scenario_run *run)
{
	fprintf(f, "verify: %lu pages checked, %lu corrupted\n",
		run->verify_checked, run->verify_corrupted);
}

/**
 * report_text() - The end-of-run report.
 * @f: where to print.
 * @run: a run after scenario_run_steps(), machine still up.
 *
 * Return: 0, or the first error a pagemig_show_*() renderer returned
 * (the report is still printed to the end).
 */
int report_text(FILE *f, const struct scenario_run *run)
{
	unsigned int i, n = pagemig_vmstat_count();
	unsigned long warnings = pagemig_warnings();
	const char *name;
	int ret, err = 0;

	fprintf(f, "\n--- summary ---\n");
	fprintf(f, "steps:    %u of %u run in %.3f s\n", run->steps_run,
		run->sc->nr_steps, run->seconds);
	for (i = 0; i < run->steps_run; i++)
		print_step(f, run, i);
	fprintf(f, "allocation failures: %lu\n", run->alloc_failures);
	if (warnings)
		fprintf(f, "library warnings: %lu (see the log above)\n",
			warnings);

	if (run->balloon_used)
		print_balloons(f, run);
	print_zram(f);
	print_ksm(f);
	print_processes(f, run);

	fprintf(f, "\n--- buddyinfo (end of run) ---\n");
	ret = pagemig_show_buddyinfo(f);
	err = err ? err : ret;
	fprintf(f, "\n--- pagetypeinfo (end of run) ---\n");
	ret = pagemig_show_pagetypeinfo(f);
	err = err ? err : ret;

	fprintf(f, "\n--- vmstat (selected; pagemig run --json has all) ---\n");
	for (i = 0; i < n; i++) {
		name = pagemig_vmstat_name(i);
		if (report_vmstat_selected(name, pagemig_vmstat_value(i)))
			fprintf(f, "%s %lu\n", name, pagemig_vmstat_value(i));
	}
	fprintf(f, "\n");
	report_text_verify(f, run);
	return err;
}
