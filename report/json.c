// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON report of a scenario run: everything the text report says, as
 * one object, for scripts and for diffing runs.
 *
 *	{ "pagemig": version, "scenario": {...}, "machine": {...}, "seed",
 *	  "seconds", "status", "steps": [...], "zones": [...],
 *	  "vmstat": { name: value, ... }, "allocation_failures",
 *	  "warnings", "verify": { "checked", "corrupted" } }
 *
 * Zones carry buddyinfo-like arrays per order ("nr_free"), free blocks
 * per migratetype and order ("free_blocks": the pagetypeinfo table),
 * free pages per migratetype and pageblocks per migratetype, keyed by
 * the kernel's migratetype names ("Unmovable").  Documentation/cli.md
 * describes every field.
 *
 * Everything comes from the report structure (report.h), as the text
 * does: a step's "results" are its summary figures, its "reports" the
 * text of its blocks (report_text_block()).  Nothing here reads the
 * machine.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include <pagemig/pagemig.h>

#include "report.h"

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/*
 * A counter member of a stats struct and its JSON key, for the tables
 * below: the key order of a table is the order of the JSON object.
 */
struct json_field {
	const char *key;
	size_t off;
	bool is_u64;		/* a uint64_t member, else unsigned long */
};

#define JSON_FIELD(type, member, key, is_u64)	\
	{ key, offsetof(type, member), is_u64 }

/* Add @n counter members of @base to @o as @fields name them. */
static void add_fields(struct json_object *o, const void *base,
		       const struct json_field *fields, size_t n)
{
	const char *p;
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		p = (const char *)base + fields[i].off;
		if (fields[i].is_u64)
			v = *(const uint64_t *)p;
		else
			v = *(const unsigned long *)p;
		json_object_object_add(o, fields[i].key, u64(v));
	}
}

#define BALLOON_FIELD(m, key)	\
	JSON_FIELD(struct report_balloon, st.m, key, false)

static const struct json_field balloon_fields[] = {
	BALLOON_FIELD(size, "size"),
	BALLOON_FIELD(target, "target"),
	BALLOON_FIELD(isolated, "isolated"),
	BALLOON_FIELD(host_owned, "host_held"),
	BALLOON_FIELD(inflated, "inflated"),
	BALLOON_FIELD(deflated, "deflated"),
	BALLOON_FIELD(inflate_msgs, "inflate_msgs"),
	BALLOON_FIELD(deflate_msgs, "deflate_msgs"),
	BALLOON_FIELD(refused, "refused"),
	BALLOON_FIELD(discarded, "discarded"),
};

#define ZRAM_FIELD(m)	JSON_FIELD(struct report_zram, st.m, #m, true)

/* The mm_stat columns, by the kernel's names. */
static const struct json_field zram_fields[] = {
	ZRAM_FIELD(disksize),
	ZRAM_FIELD(orig_data_size),
	ZRAM_FIELD(compr_data_size),
	ZRAM_FIELD(mem_used_total),
	ZRAM_FIELD(mem_limit),
	ZRAM_FIELD(mem_used_max),
	ZRAM_FIELD(same_pages),
	ZRAM_FIELD(pages_compacted),
	ZRAM_FIELD(huge_pages),
	ZRAM_FIELD(huge_pages_since),
};

#define KSM_FIELD(m)	JSON_FIELD(struct pagemig_ksm_stats, m, #m, false)

static const struct json_field ksm_fields[] = {
	KSM_FIELD(pages_shared),
	KSM_FIELD(pages_sharing),
	KSM_FIELD(pages_unshared),
	KSM_FIELD(full_scans),
	KSM_FIELD(pages_scanned),
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static struct json_object *ulong_array(const unsigned long *v, int n)
{
	struct json_object *a = json_object_new_array_ext(n);
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, u64(v[i]));
	return a;
}

static struct json_object *json_scenario(const struct report *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "file", json_object_new_string(r->file));
	json_object_object_add(o, "description",
			       json_object_new_string(r->description));
	json_object_object_add(o, "steps", u64(r->nr_steps));
	return o;
}

static struct json_object *json_machine(const struct report *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "memory", u64(r->memory));
	/* UINT64_MAX means "the library's default"; JSON says null. */
	json_object_object_add(o, "dma32", r->dma32 == UINT64_MAX ? NULL :
			       u64(r->dma32));
	json_object_object_add(o, "movable", u64(r->movable));
	json_object_object_add(o, "cpus", u64(r->cpus));
	json_object_object_add(o, "movable_ops", json_object_new_string(r->decoupled ?
			       "decoupled" : "6.17"));
	json_object_object_add(o, "pages", u64(r->end.pages));
	json_object_object_add(o, "free_pages", u64(r->end.free_pages));
	json_object_object_add(o, "resident_pages",
			       u64(r->end.resident_pages));
	return o;
}

static struct json_object *json_figure(const struct report_figure *fig)
{
	switch (fig->type) {
	case REPORT_REAL:
		return json_object_new_double(fig->real);
	case REPORT_INT:
		return json_object_new_int64(fig->sval);
	case REPORT_STRING:
		return json_object_new_string(fig->str);
	default:
		return u64(fig->count);
	}
}

/* The text of a block, as report_text_block() prints it. */
static struct json_object *json_block(const struct step_result *s,
				      const struct report_block *b)
{
	struct json_object *o;
	size_t size;
	char *text;
	FILE *f;

	f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	report_text_block(f, s, b);
	if (fclose(f))
		return NULL;
	o = json_object_new_string(text);
	free(text);
	return o;
}

static struct json_object *json_step(const struct step_result *s)
{
	struct json_object *o = json_object_new_object(), *r, *out;
	unsigned int j;

	json_object_object_add(o, "index", u64(s->index + 1));
	json_object_object_add(o, "type", json_object_new_string(s->type));
	json_object_object_add(o, "line", json_object_new_int(s->line));
	json_object_object_add(o, "ran", json_object_new_boolean(s->ran));
	json_object_object_add(o, "status", json_object_new_string(
		!s->ran ? "not run" : s->failed ? "failed" : "ok"));
	if (s->message)
		json_object_object_add(o, "message",
				       json_object_new_string(s->message));
	if (report_timings())
		json_object_object_add(o, "seconds",
				       json_object_new_double(s->seconds));
	r = json_object_new_object();
	for (j = 0; j < s->nr_figures; j++)
		if (s->figures[j].summary &&
		    (report_timings() ||
		     !report_figure_is_timing(&s->figures[j])))
			json_object_object_add(r, s->figures[j].name,
					       json_figure(&s->figures[j]));
	json_object_object_add(o, "results", r);
	if (s->nr_blocks) {
		out = json_object_new_object();
		for (j = 0; j < s->nr_blocks; j++)
			json_object_object_add(out, s->blocks[j].name,
				json_block(s, &s->blocks[j]));
		json_object_object_add(o, "reports", out);
	}
	return o;
}

/*
 * debugfs extfrag indices: thousandths as the numbers debugfs prints,
 * -1.000 .. 1.000, written with exactly those three decimals.
 */
static struct json_object *index_array(const int *v, int n)
{
	struct json_object *a = json_object_new_array();
	char buf[16];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s%d.%03d", v[i] < 0 ? "-" : "",
			 abs(v[i]) / 1000, abs(v[i]) % 1000);
		json_object_array_add(a, json_object_new_double_s(v[i] / 1000.0,
								  buf));
	}
	return a;
}

/**
 * report_json_zone() - One zone as the "zones" entries of a report.
 * @z: the zones table (for the migratetype names).
 * @rz: the zone.
 *
 * Return: a new JSON object, the caller's to put.
 */
struct json_object *report_json_zone(const struct report_zones *z,
				     const struct report_zone *rz)
{
	struct json_object *o = json_object_new_object();
	struct json_object *blocks, *fpages, *free_blocks;
	unsigned long pages;
	const char *mtname;
	int mt, order;

	json_object_object_add(o, "name", json_object_new_string(rz->name));
	json_object_object_add(o, "populated",
			       json_object_new_boolean(rz->st.populated));
	json_object_object_add(o, "start_pfn", u64(rz->st.start_pfn));
	json_object_object_add(o, "spanned", u64(rz->st.spanned));
	json_object_object_add(o, "present", u64(rz->st.present));
	json_object_object_add(o, "managed", u64(rz->st.managed));
	json_object_object_add(o, "free", u64(rz->st.free));
	json_object_object_add(o, "min", u64(rz->st.min));
	json_object_object_add(o, "low", u64(rz->st.low));
	json_object_object_add(o, "high", u64(rz->st.high));
	json_object_object_add(o, "nr_free",
			       ulong_array(rz->st.nr_free, PAGEMIG_NR_ORDERS));

	free_blocks = json_object_new_object();
	fpages = json_object_new_object();
	blocks = json_object_new_object();
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++) {
		mtname = z->mt_names[mt];
		pages = 0;
		for (order = 0; order < PAGEMIG_NR_ORDERS; order++)
			pages += rz->st.nr_free_mt[mt][order] << order;
		json_object_object_add(free_blocks, mtname,
			ulong_array(rz->st.nr_free_mt[mt], PAGEMIG_NR_ORDERS));
		json_object_object_add(fpages, mtname, u64(pages));
		json_object_object_add(blocks, mtname,
				       u64(rz->st.nr_blocks_mt[mt]));
	}
	json_object_object_add(o, "free_blocks", free_blocks);
	json_object_object_add(o, "free_pages", fpages);
	json_object_object_add(o, "pageblocks", blocks);
	if (rz->st.populated) {
		json_object_object_add(o, "fragmentation_score",
				       u64(rz->st.fragmentation_score));
		json_object_object_add(o, "extfrag_index",
			index_array(rz->st.extfrag_index, PAGEMIG_NR_ORDERS));
		json_object_object_add(o, "unusable_index",
			index_array(rz->st.unusable_index, PAGEMIG_NR_ORDERS));
	}
	return o;
}

/* Every balloon as the hypervisor sees it, and the arena's RSS. */
static struct json_object *json_balloons(const struct report_machine *m)
{
	struct json_object *o = json_object_new_object(), *a, *b, *rss;
	unsigned int i;

	a = json_object_new_array();
	for (i = 0; i < m->nr_balloons; i++) {
		b = json_object_new_object();
		json_object_object_add(b, "name",
				json_object_new_string(m->balloons[i].name));
		add_fields(b, &m->balloons[i], balloon_fields,
			   ARRAY_LEN(balloon_fields));
		json_object_array_add(a, b);
	}
	json_object_object_add(o, "drivers", a);
	rss = json_object_new_object();
	json_object_object_add(rss, "before_pages", u64(m->rss_before_balloon));
	json_object_object_add(rss, "after_pages", u64(m->resident_pages));
	json_object_object_add(rss, "before_mib", json_object_new_double(
		report_mib(m->rss_before_balloon)));
	json_object_object_add(rss, "after_mib", json_object_new_double(
		report_mib(m->resident_pages)));
	json_object_object_add(o, "rss", rss);
	return o;
}

/* KSM's figures, or NULL when nothing was scanned. */
static struct json_object *json_ksm(const struct report_machine *m)
{
	struct json_object *o;

	if (!m->ksm_shown)
		return NULL;
	o = json_object_new_object();
	add_fields(o, &m->ksm, ksm_fields, ARRAY_LEN(ksm_fields));
	json_object_object_add(o, "run", json_object_new_boolean(m->ksm.run));
	return o;
}

/* Every zram device's mm_stat columns, by the kernel's names; NULL if none. */
static struct json_object *json_zram(const struct report_machine *m)
{
	struct json_object *arr, *o;
	unsigned int i;

	if (!m->nr_zram)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < m->nr_zram; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "device",
				json_object_new_string(m->zram[i].name));
		json_object_object_add(o, "compressor",
				json_object_new_string(m->zram[i].compressor));
		add_fields(o, &m->zram[i], zram_fields, ARRAY_LEN(zram_fields));
		json_object_object_add(o, "nr_zspages", u64(m->nr_zspages));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Every spawned process; NULL if none. */
static struct json_object *json_processes(const struct report_machine *m)
{
	const struct report_process *p;
	struct json_object *a, *o;
	unsigned int i;

	if (!m->nr_procs)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < m->nr_procs; i++) {
		p = &m->procs[i];
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "pid", json_object_new_int(p->pid));
		json_object_object_add(o, "exited", json_object_new_boolean(p->exited));
		json_object_object_add(o, "oom_killed", json_object_new_boolean(p->oom_killed));
		json_object_object_add(o, "pattern", json_object_new_string(p->pattern));
		json_object_object_add(o, "threads", u64(p->threads));
		json_object_object_add(o, "anon_pages", u64(p->anon_pages));
		json_object_object_add(o, "file_pages", u64(p->file_pages));
		json_object_object_add(o, "rss_anon", u64(p->st.rss_anon));
		json_object_object_add(o, "rss_file", u64(p->st.rss_file));
		json_object_object_add(o, "page_tables", u64(p->st.nr_ptes));
		json_object_object_add(o, "vmas", u64(p->st.nr_vmas));
		json_object_object_add(o, "pinned", u64(p->st.nr_pinned));
		json_object_object_add(o, "reads", u64(p->reads));
		json_object_object_add(o, "writes", u64(p->writes));
		json_object_object_add(o, "accesses", u64(p->reads + p->writes));
		json_object_object_add(o, "errors", u64(p->errors));
		json_object_object_add(o, "corrupted", u64(p->corrupted));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_schedule(const struct report *r)
{
	struct json_object *o = json_object_new_object();
	char digest[17];

	json_object_object_add(o, "mode", json_object_new_string(
		r->deterministic ? "deterministic" : "parallel"));
	if (!r->deterministic)
		return o;
	if (r->pct_depth)
		json_object_object_add(o, "pct_depth", u64(r->pct_depth));
	json_object_object_add(o, "steps", u64(r->sched_steps));
	snprintf(digest, sizeof(digest), "%016llx",
		 (unsigned long long)r->sched_digest);
	json_object_object_add(o, "digest", json_object_new_string(digest));
	return o;
}

/**
 * report_json() - Print a run's report as one JSON object.
 * @f: where to print.
 * @r: the report of a finished run.
 *
 * Return: 0, -ENOMEM, or -EIO if @f could not be written.
 */
int report_json(FILE *f, const struct report *r)
{
	struct json_object *root, *steps, *zones, *vm, *verify, *o;
	const struct report_machine *m = &r->end;
	unsigned int i;
	int ret = 0;

	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	json_object_object_add(root, "pagemig",
			       json_object_new_string(r->version));
	json_object_object_add(root, "scenario", json_scenario(r));
	json_object_object_add(root, "machine", json_machine(r));
	json_object_object_add(root, "seed", u64(r->seed));
	if (report_timings())
		json_object_object_add(root, "seconds",
				       json_object_new_double(r->seconds));
	json_object_object_add(root, "schedule", json_schedule(r));
	json_object_object_add(root, "status", json_object_new_string(
		r->failed ? "failed" : "ok"));

	steps = json_object_new_array();
	for (i = 0; i < r->nr_steps; i++)
		json_object_array_add(steps, json_step(&r->steps[i]));
	json_object_object_add(root, "steps", steps);

	zones = json_object_new_array();
	for (i = 0; i < m->zones.nr; i++)
		json_object_array_add(zones, report_json_zone(&m->zones,
						       &m->zones.zone[i]));
	json_object_object_add(root, "zones", zones);
	if (m->balloons_shown)
		json_object_object_add(root, "balloons", json_balloons(m));
	if ((o = json_zram(m)))
		json_object_object_add(root, "zram", o);
	if ((o = json_ksm(m)))
		json_object_object_add(root, "ksm", o);
	if ((o = json_processes(m)))
		json_object_object_add(root, "processes", o);

	vm = json_object_new_object();
	for (i = 0; i < m->vmstat.nr; i++)
		json_object_object_add(vm, m->vmstat.c[i].name,
				       u64(m->vmstat.c[i].value));
	json_object_object_add(root, "vmstat", vm);

	json_object_object_add(root, "allocation_failures",
			       u64(r->alloc_failures));
	json_object_object_add(root, "warnings", u64(m->warnings));
	verify = json_object_new_object();
	json_object_object_add(verify, "checked", u64(r->verify_checked));
	json_object_object_add(verify, "corrupted",
			       u64(r->verify_corrupted));
	json_object_object_add(root, "verify", verify);

	if (fprintf(f, "%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		ret = -EIO;
	json_object_put(root);
	return ret;
}
