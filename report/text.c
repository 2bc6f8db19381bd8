// SPDX-License-Identifier: GPL-2.0
/*
 * The text report of a run, from its report structure (report.h): the
 * header, the summary of every step, and the machine at the end.
 * report/step_text.c prints the blocks steps show as they run.
 *
 * It is meant to be read by someone who knows the kernel's /proc files
 * and to be diffed against a real machine: buddyinfo, pagetypeinfo and
 * vmstat are printed from their tables in the kernel's exact layout;
 * only the summary around them is ours.  The last line is always
 *
 *	verify: N pages checked, M corrupted
 *
 * so scripts can tail it (`pagemig run --quiet` prints only that line).
 * Nothing here reads the machine.
 */
#include <stdio.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "../lib/escape.h"
#include "report.h"

/* Prefixes of the counters the summary shows when they are non-zero. */
static const char *const vmstat_prefixes[] = {
	"nr_free_pages", "pgalloc_", "pgfree", "pgmigrate_", "compact_",
	"balloon_", "nr_balloon_pages", "nr_zspages", "oom_kill", NULL
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

static void print_zones(FILE *f, const struct report_zones *z)
{
	const struct report_zone *rz;
	char size[32];
	unsigned int i;
	int n = 0;

	fprintf(f, "zones:    ");
	for (i = 0; i < z->nr; i++) {
		rz = &z->zone[i];
		if (!rz->st.populated)
			continue;
		report_format_size(size, sizeof(size),
				   (uint64_t)rz->st.present * PAGEMIG_PAGE_SIZE);
		fprintf(f, "%s%s %s (pfn 0x%lx-0x%lx)", n++ ? ", " : "",
			rz->name, size, rz->st.start_pfn,
			rz->st.start_pfn + rz->st.spanned - 1);
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

/* @s on one line: control characters as C escapes (lib/escape.h). */
static void put_line(FILE *f, const char *s)
{
	char buf[1024];

	escape_controls(buf, sizeof(buf), s);
	fputs(buf, f);
}

/**
 * report_text_header() - What is about to run: scenario, machine, seed.
 * @f: where to print.
 * @r: a report whose header is filled.
 *
 * Printed before the steps so that their blocks have context, and so the
 * seed is on screen even if the run never finishes.
 */
void report_text_header(FILE *f, const struct report *r)
{
	char mem[32];

	report_format_size(mem, sizeof(mem), r->memory);
	/* Each from the user's file: a newline there must not break the header. */
	fputs("scenario: ", f);
	put_line(f, r->name);
	fputs(" (", f);
	put_line(f, r->file);
	fputs(")\n", f);
	if (r->description[0]) {
		fputs("          ", f);
		put_line(f, r->description);
		fputc('\n', f);
	}
	fprintf(f, "machine:  %s, %u CPU%s%s\n", mem, r->cpus,
		r->cpus == 1 ? "" : "s",
		r->decoupled ? ", movable_ops decoupled" : "");
	print_zones(f, &r->start);
	fprintf(f, "seed:     %llu\n", (unsigned long long)r->seed);
	fprintf(f, "pagemig:  %s\n", r->version);
}

/**
 * report_text_buddyinfo() - /proc/buddyinfo from a zones table.
 * @f: where to print.
 * @z: the zones.
 *
 * Byte for byte what the kernel prints: free blocks per order, one line
 * per populated zone.
 */
void report_text_buddyinfo(FILE *f, const struct report_zones *z)
{
	const struct report_zone *rz;
	unsigned int i, order;

	for (i = 0; i < z->nr; i++) {
		rz = &z->zone[i];
		if (!rz->st.populated)
			continue;
		fprintf(f, "Node %d, zone %8s ", 0, rz->name);
		for (order = 0; order < PAGEMIG_NR_ORDERS; order++)
			fprintf(f, "%6lu ", rz->st.nr_free[order]);
		fputc('\n', f);
	}
}

/*
 * One debugfs extfrag file: a line per populated zone, an index per
 * order in thousandths.  extfrag_index pads the whole part to two
 * columns ("%2d.%03d", for its -1.000), unusable_index does not.
 */
static void print_index_file(FILE *f, const struct report_zones *z,
			     bool extfrag)
{
	const struct report_zone *rz;
	unsigned int i, order;
	int idx;

	for (i = 0; i < z->nr; i++) {
		rz = &z->zone[i];
		if (!rz->st.populated)
			continue;
		fprintf(f, "Node %d, zone %8s ", 0, rz->name);
		for (order = 0; order < PAGEMIG_NR_ORDERS; order++) {
			idx = extfrag ? rz->st.extfrag_index[order] :
					rz->st.unusable_index[order];
			fprintf(f, extfrag ? "%2d.%03d " : "%d.%03d ",
				idx / 1000, idx % 1000);
		}
		fputc('\n', f);
	}
}

/**
 * report_text_extfrag() - Fragmentation as kcompactd and debugfs see it.
 * @f: where to print.
 * @z: the zones.
 *
 * Each populated zone's fragmentation score (what proactive compaction
 * works on), then /sys/kernel/debug/extfrag/extfrag_index and
 * unusable_index byte for byte as the kernel prints them.
 */
void report_text_extfrag(FILE *f, const struct report_zones *z)
{
	unsigned int i;

	fprintf(f, "fragmentation score:");
	for (i = 0; i < z->nr; i++)
		if (z->zone[i].st.populated)
			fprintf(f, " %s %u", z->zone[i].name,
				z->zone[i].st.fragmentation_score);
	fprintf(f, "\nextfrag_index:\n");
	print_index_file(f, z, true);
	fprintf(f, "unusable_index:\n");
	print_index_file(f, z, false);
}

/**
 * report_text_pagetypeinfo() - /proc/pagetypeinfo from a zones table.
 * @f: where to print.
 * @z: the zones.
 *
 * Free blocks per migratetype and order, then pageblocks per
 * migratetype; like the kernel, a count above 100000 shows as >100000.
 */
void report_text_pagetypeinfo(FILE *f, const struct report_zones *z)
{
	const struct report_zone *rz;
	unsigned int i, order;
	unsigned long n;
	int mt;

	fprintf(f, "Page block order: %d\n",
		__builtin_ctzl(PAGEMIG_PAGEBLOCK_PAGES));
	fprintf(f, "Pages per block:  %lu\n", PAGEMIG_PAGEBLOCK_PAGES);
	fputc('\n', f);

	fprintf(f, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < PAGEMIG_NR_ORDERS; order++)
		fprintf(f, "%6u ", order);
	fputc('\n', f);
	for (i = 0; i < z->nr; i++) {
		rz = &z->zone[i];
		if (!rz->st.populated)
			continue;
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++) {
			fprintf(f, "Node %4d, zone %8s, type %12s ", 0,
				rz->name, z->mt_names[mt]);
			for (order = 0; order < PAGEMIG_NR_ORDERS; order++) {
				n = rz->st.nr_free_mt[mt][order];
				fprintf(f, "%s%6lu ", n > 100000 ? ">" : "",
					n > 100000 ? 100000UL : n);
			}
			fputc('\n', f);
		}
	}

	fprintf(f, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
		fprintf(f, "%12s ", z->mt_names[mt]);
	fputc('\n', f);
	for (i = 0; i < z->nr; i++) {
		rz = &z->zone[i];
		if (!rz->st.populated)
			continue;
		fprintf(f, "Node %d, zone %8s ", 0, rz->name);
		for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
			fprintf(f, "%12lu ", rz->st.nr_blocks_mt[mt]);
		fputc('\n', f);
	}
}

/**
 * report_text_mm_stat() - A zram device's mm_stat line, as sysfs prints it.
 * @f: where to print.
 * @z: the device's figures.
 */
void report_text_mm_stat(FILE *f, const struct report_zram *z)
{
	fprintf(f, "%8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu\n",
		(unsigned long long)z->st.orig_data_size,
		(unsigned long long)z->st.compr_data_size,
		(unsigned long long)z->st.mem_used_total,
		(unsigned long long)z->st.mem_limit,
		(unsigned long long)z->st.mem_used_max,
		(unsigned long long)z->st.same_pages,
		(unsigned long long)z->st.pages_compacted,
		(unsigned long long)z->st.huge_pages,
		(unsigned long long)z->st.huge_pages_since);
}

/* Summary lines wrap here; continuation lines line up under the figures. */
#define SUMMARY_WIDTH	100
#define SUMMARY_INDENT	37

static void print_step(FILE *f, const struct step_result *s)
{
	const struct report_figure *fig;
	char item[96];
	unsigned int j;
	int col, n;

	col = fprintf(f, "  %3u  %-9s line %-4d", s->index + 1, s->type,
		      s->line);
	if (report_timings())
		col += fprintf(f, " %8.3f s", s->seconds);
	for (j = 0; j < s->nr_figures; j++) {
		fig = &s->figures[j];
		if (!fig->summary ||
		    (!report_timings() && report_figure_is_timing(fig)))
			continue;
		if (fig->type == REPORT_REAL)
			n = snprintf(item, sizeof(item), "%s=%.1f", fig->name,
				     fig->real);
		else
			n = snprintf(item, sizeof(item), "%s=%llu", fig->name,
				     (unsigned long long)fig->count);
		if (col + 2 + n > SUMMARY_WIDTH && col > SUMMARY_INDENT)
			col = fprintf(f, "\n%*s", SUMMARY_INDENT, "") - 1;
		col += fprintf(f, "  %s", item);
	}
	if (s->failed)
		fprintf(f, "  FAILED: %s", s->message ? s->message : "");
	fprintf(f, "\n");
}

/*
 * Every balloon's figures, as the hypervisor sees them, and the arena's
 * resident set before the first balloon step and at the end: what
 * ballooning gave back to the host.
 */
static void print_balloons(FILE *f, const struct report_machine *m)
{
	const struct report_balloon *b;
	unsigned long held = 0;
	unsigned int i;

	fprintf(f, "\n--- balloons (end of run) ---\n");
	fprintf(f, "%-16s %9s %9s %9s %9s %9s %9s\n", "driver", "size",
		"target", "isolated", "host-held", "inflated", "deflated");
	for (i = 0; i < m->nr_balloons; i++) {
		b = &m->balloons[i];
		held += b->st.host_owned;
		fprintf(f, "%-16s %9lu %9lu %9lu %9lu %9lu %9lu\n", b->name,
			b->st.size, b->st.target, b->st.isolated,
			b->st.host_owned, b->st.inflated, b->st.deflated);
	}
	fprintf(f, "RSS: %.1f MiB before the first balloon step, %.1f MiB now (%+.1f MiB); the host holds %.1f MiB\n",
		report_mib(m->rss_before_balloon),
		report_mib(m->resident_pages),
		report_mib(m->resident_pages) -
		report_mib(m->rss_before_balloon),
		report_mib(held));
}

/*
 * Every zram device: its mm_stat line under the kernel's column names,
 * and the zsmalloc pages all of them hold (nr_zspages).
 */
static void print_zram(FILE *f, const struct report_machine *m)
{
	unsigned int i;

	if (!m->nr_zram)
		return;
	fprintf(f, "\n--- zram (end of run) ---\nmm_stat: orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted huge_pages huge_pages_since\n");
	for (i = 0; i < m->nr_zram; i++) {
		fprintf(f, "%-8s ", m->zram[i].name);
		report_text_mm_stat(f, &m->zram[i]);
	}
	fprintf(f, "nr_zspages %lu\n", m->nr_zspages);
}

/*
 * KSM, when anything was scanned: /sys/kernel/mm/ksm's figures, and the
 * memory the sharing saves (pages_sharing pages).
 */
static void print_ksm(FILE *f, const struct report_machine *m)
{
	const struct pagemig_ksm_stats *k = &m->ksm;

	if (!m->ksm_shown)
		return;
	fprintf(f, "\n--- ksm (end of run) ---\n");
	fprintf(f, "pages_shared %lu  pages_sharing %lu  pages_unshared %lu  full_scans %lu  pages_scanned %lu  run %d\n",
		k->pages_shared, k->pages_sharing, k->pages_unshared,
		k->full_scans, k->pages_scanned, k->run);
	fprintf(f, "saved: %.1f MiB (pages_sharing)\n",
		report_mib(k->pages_sharing));
}

/*
 * Every process a spawn step created: its mappings, what the facade says
 * it holds (the kernel's RssAnon/RssFile, page-table pages, pinned
 * pages) and what its worker threads and touch steps did.
 */
static void print_processes(FILE *f, const struct report_machine *m)
{
	const struct report_process *p;
	unsigned int i;

	if (!m->nr_procs)
		return;
	fprintf(f, "\n--- processes (end of run; figures of exited ones as they exited) ---\n");
	fprintf(f, "%-10s %3s %-7s %-10s %3s %8s %8s %8s %8s %6s %6s %10s %10s %6s %9s\n",
		"name", "pid", "state", "pattern", "thr", "anon_MiB", "file_MiB",
		"RssAnon", "RssFile", "ptes", "pinned", "reads", "writes",
		"errors", "corrupted");
	for (i = 0; i < m->nr_procs; i++) {
		p = &m->procs[i];
		fprintf(f, "%-10s %3d %-7s %-10s %3u %8.1f %8.1f %7.1fM %7.1fM %6lu %6lu %10lu %10lu %6lu %9lu\n",
			p->name, p->pid,
			p->oom_killed ? "killed" : p->exited ? "exited" : "live",
			p->pattern, p->threads, report_mib(p->anon_pages),
			report_mib(p->file_pages), report_mib(p->st.rss_anon),
			report_mib(p->st.rss_file), p->st.nr_ptes,
			p->st.nr_pinned,
			p->reads, p->writes, p->errors, p->corrupted);
	}
	for (i = 0; i < m->nr_procs; i++)
		if (m->procs[i].oom_killed)
			fprintf(f, "OOM kill: process \"%s\" (pid %d): its memory was freed; its pages count as gone, not corrupted\n",
				m->procs[i].name, m->procs[i].pid);
}

/**
 * report_text_verify() - The last line of every report.
 * @f: where to print.
 * @r: the report of a finished run.
 */
void report_text_verify(FILE *f, const struct report *r)
{
	fprintf(f, "verify: %lu pages checked, %lu corrupted\n",
		r->verify_checked, r->verify_corrupted);
}

/**
 * report_text_schedule() - How the run's threads were scheduled.
 * @f: where to print.
 * @r: the report of a finished run.
 *
 * Deterministic runs print the number of scheduling points and the
 * digest of the decisions: two runs with the same digest ran the same
 * interleaving.
 */
void report_text_schedule(FILE *f, const struct report *r)
{
	if (!r->deterministic) {
		fprintf(f, "schedule: parallel (host threads; not repeatable)\n");
		return;
	}
	fprintf(f, "schedule: deterministic");
	if (r->pct_depth)
		fprintf(f, ", PCT depth %u", r->pct_depth);
	fprintf(f, ", %llu steps, digest %016llx\n", r->sched_steps,
		(unsigned long long)r->sched_digest);
}

/**
 * report_text() - The end-of-run report.
 * @f: where to print.
 * @r: the report of a finished run.
 */
void report_text(FILE *f, const struct report *r)
{
	const struct report_machine *m = &r->end;
	const struct report_counter *c;
	unsigned int i;

	fprintf(f, "\n--- summary ---\n");
	fprintf(f, "steps:    %u of %u run", r->steps_run, r->nr_steps);
	if (report_timings())
		fprintf(f, " in %.3f s", r->seconds);
	fprintf(f, "\n");
	for (i = 0; i < r->steps_run; i++)
		print_step(f, &r->steps[i]);
	fprintf(f, "allocation failures: %lu\n", r->alloc_failures);
	if (m->warnings)
		fprintf(f, "library warnings: %lu (see the log above)\n",
			m->warnings);
	report_text_schedule(f, r);

	if (m->balloons_shown)
		print_balloons(f, m);
	print_zram(f, m);
	print_ksm(f, m);
	print_processes(f, m);

	fprintf(f, "\n--- buddyinfo (end of run) ---\n");
	report_text_buddyinfo(f, &m->zones);
	fprintf(f, "\n--- pagetypeinfo (end of run) ---\n");
	report_text_pagetypeinfo(f, &m->zones);
	fprintf(f, "\n--- extfrag (end of run) ---\n");
	report_text_extfrag(f, &m->zones);

	fprintf(f, "\n--- vmstat (selected; pagemig run --json has all) ---\n");
	for (i = 0; i < m->vmstat.nr; i++) {
		c = &m->vmstat.c[i];
		if (report_vmstat_selected(c->name, c->value))
			fprintf(f, "%s %lu\n", c->name, c->value);
	}
	fprintf(f, "\n");
	report_text_verify(f, r);
}
