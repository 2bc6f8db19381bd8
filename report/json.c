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
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include <pagemig/pagemig.h>

#include "report.h"
#include "workload/process.h"
#include "workload/scenario.h"

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
	JSON_FIELD(struct pagemig_balloon_stats, m, key, false)

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

#define ZRAM_FIELD(m)	JSON_FIELD(struct pagemig_zram_stats, m, #m, true)

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

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static struct json_object *ulong_array(const unsigned long *v, int n)
{
	struct json_object *a = json_object_new_array_ext(n);
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, u64(v[i]));
	return a;
}

static struct json_object *json_scenario(const struct scenario *sc)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(sc->name));
	json_object_object_add(o, "file", json_object_new_string(sc->file));
	json_object_object_add(o, "description",
			       json_object_new_string(sc->description));
	json_object_object_add(o, "steps", u64(sc->nr_steps));
	return o;
}

static struct json_object *json_machine(const struct pagemig_config *cfg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "memory", u64(cfg->memory));
	/* UINT64_MAX means "the library's default"; JSON says null. */
	json_object_object_add(o, "dma32", cfg->dma32 == UINT64_MAX ? NULL :
			       u64(cfg->dma32));
	json_object_object_add(o, "movable", u64(cfg->movable));
	json_object_object_add(o, "cpus", u64(cfg->nr_cpus));
	json_object_object_add(o, "pages", u64(pagemig_total_pages()));
	json_object_object_add(o, "free_pages",
			       u64(pagemig_free_pages_count()));
	json_object_object_add(o, "resident_pages",
			       u64(pagemig_resident_pages()));
	return o;
}

static struct json_object *json_step(const struct scenario_run *run,
				     unsigned int i)
{
	const struct step *step = &run->sc->steps[i];
	const struct step_result *res = &run->results[i];
	struct json_object *o = json_object_new_object(), *r, *out;
	unsigned int j;

	json_object_object_add(o, "index", u64(i + 1));
	json_object_object_add(o, "type",
			       json_object_new_string(scenario_step_name(step)));
	json_object_object_add(o, "line", json_object_new_int(step->line));
	json_object_object_add(o, "ran", json_object_new_boolean(res->ran));
	json_object_object_add(o, "status", json_object_new_string(
		!res->ran ? "not run" : res->failed ? "failed" : "ok"));
	if (res->message)
		json_object_object_add(o, "message",
				       json_object_new_string(res->message));
	json_object_object_add(o, "seconds",
			       json_object_new_double(res->seconds));
	r = json_object_new_object();
	for (j = 0; j < res->nr_figures; j++)
		json_object_object_add(r, res->figures[j].name,
			res->figures[j].is_real ?
			json_object_new_double(res->figures[j].real) :
			u64(res->figures[j].value));
	json_object_object_add(o, "results", r);
	if (res->nr_outputs) {
		out = json_object_new_object();
		for (j = 0; j < res->nr_outputs; j++)
			json_object_object_add(out, res->outputs[j].name,
				json_object_new_string(res->outputs[j].text));
		json_object_object_add(o, "reports", out);
	}
	return o;
}

static struct json_object *json_zone(const struct pagemig_zone_stats *zs)
{
	struct json_object *o = json_object_new_object();
	struct json_object *blocks, *fpages, *free_blocks;
	unsigned long pages;
	const char *mtname;
	int mt, order;

	json_object_object_add(o, "name", json_object_new_string(zs->name));
	json_object_object_add(o, "populated",
			       json_object_new_boolean(zs->populated));
	json_object_object_add(o, "start_pfn", u64(zs->start_pfn));
	json_object_object_add(o, "spanned", u64(zs->spanned));
	json_object_object_add(o, "present", u64(zs->present));
	json_object_object_add(o, "managed", u64(zs->managed));
	json_object_object_add(o, "free", u64(zs->free));
	json_object_object_add(o, "min", u64(zs->min));
	json_object_object_add(o, "low", u64(zs->low));
	json_object_object_add(o, "high", u64(zs->high));
	json_object_object_add(o, "nr_free",
			       ulong_array(zs->nr_free, PAGEMIG_NR_ORDERS));

	free_blocks = json_object_new_object();
	fpages = json_object_new_object();
	blocks = json_object_new_object();
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++) {
		mtname = pagemig_migratetype_name(mt);
		pages = 0;
		for (order = 0; order < PAGEMIG_NR_ORDERS; order++)
			pages += zs->nr_free_mt[mt][order] << order;
		json_object_object_add(free_blocks, mtname,
			ulong_array(zs->nr_free_mt[mt], PAGEMIG_NR_ORDERS));
		json_object_object_add(fpages, mtname, u64(pages));
		json_object_object_add(blocks, mtname,
				       u64(zs->nr_blocks_mt[mt]));
	}
	json_object_object_add(o, "free_blocks", free_blocks);
	json_object_object_add(o, "free_pages", fpages);
	json_object_object_add(o, "pageblocks", blocks);
	return o;
}

/* Every balloon as the hypervisor sees it, and the arena's RSS. */
static struct json_object *json_balloons(const struct scenario_run *run)
{
	struct json_object *o = json_object_new_object(), *a, *b, *rss;
	struct pagemig_balloon_stats st;
	unsigned long now = pagemig_resident_pages();
	int drv;

	a = json_object_new_array();
	for (drv = 0; drv < PAGEMIG_NR_BALLOONS; drv++) {
		if (pagemig_balloon_stats(drv, &st))
			continue;
		b = json_object_new_object();
		json_object_object_add(b, "name", json_object_new_string(st.name));
		add_fields(b, &st, balloon_fields, ARRAY_LEN(balloon_fields));
		json_object_array_add(a, b);
	}
	json_object_object_add(o, "drivers", a);
	rss = json_object_new_object();
	json_object_object_add(rss, "before_pages", u64(run->rss_before_balloon));
	json_object_object_add(rss, "after_pages", u64(now));
	json_object_object_add(rss, "before_mib", json_object_new_double(
		report_mib(run->rss_before_balloon)));
	json_object_object_add(rss, "after_mib",
			       json_object_new_double(report_mib(now)));
	json_object_object_add(o, "rss", rss);
	return o;
}

/* Every zram device's mm_stat columns, by the kernel's names; NULL if none. */
/* KSM's figures, or NULL when nothing was scanned. */
static struct json_object *json_ksm(void)
{
	struct pagemig_ksm_stats st;
	struct json_object *o;

	if (pagemig_ksm_stats(&st) || !st.pages_scanned)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "pages_shared", u64(st.pages_shared));
	json_object_object_add(o, "pages_sharing", u64(st.pages_sharing));
	json_object_object_add(o, "pages_unshared", u64(st.pages_unshared));
	json_object_object_add(o, "full_scans", u64(st.full_scans));
	json_object_object_add(o, "pages_scanned", u64(st.pages_scanned));
	json_object_object_add(o, "run", json_object_new_boolean(st.run));
	return o;
}

static struct json_object *json_zram(void)
{
	struct json_object *arr = NULL, *o;
	struct pagemig_zram_stats st;
	unsigned long zspages = 0;
	int id;

	pagemig_vmstat_get("nr_zspages", &zspages);
	for (id = 0; id < PAGEMIG_MAX_ZRAM; id++) {
		if (pagemig_zram_stats(id, &st))
			continue;
		if (!arr)
			arr = json_object_new_array();
		o = json_object_new_object();
		json_object_object_add(o, "device", json_object_new_string(st.name));
		json_object_object_add(o, "compressor", json_object_new_string(st.compressor));
		add_fields(o, &st, zram_fields, ARRAY_LEN(zram_fields));
		json_object_object_add(o, "nr_zspages", u64(zspages));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Every spawned process; NULL if none. */
static struct json_object *json_processes(const struct scenario_run *run)
{
	unsigned int i, n = wl_nr_procs(run);
	struct json_object *a, *o;
	struct wl_proc_report r;

	if (!n)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		wl_proc_report(run, i, &r);
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(r.name));
		json_object_object_add(o, "pid", json_object_new_int(r.pid));
		json_object_object_add(o, "exited", json_object_new_boolean(r.exited));
		json_object_object_add(o, "pattern", json_object_new_string(r.pattern));
		json_object_object_add(o, "threads", u64(r.threads));
		json_object_object_add(o, "anon_pages", u64(r.anon_pages));
		json_object_object_add(o, "file_pages", u64(r.file_pages));
		json_object_object_add(o, "rss_anon", u64(r.st.rss_anon));
		json_object_object_add(o, "rss_file", u64(r.st.rss_file));
		json_object_object_add(o, "page_tables", u64(r.st.nr_ptes));
		json_object_object_add(o, "vmas", u64(r.st.nr_vmas));
		json_object_object_add(o, "pinned", u64(r.st.nr_pinned));
		json_object_object_add(o, "reads", u64(r.reads));
		json_object_object_add(o, "writes", u64(r.writes));
		json_object_object_add(o, "accesses", u64(r.reads + r.writes));
		json_object_object_add(o, "errors", u64(r.errors));
		json_object_object_add(o, "corrupted", u64(r.corrupted));
		json_object_array_add(a, o);
	}
	return a;
}

/**
 * report_json() - Print the run's report as one JSON object.
 * @f: where to print.
 * @run: a run after scenario_run_steps(), machine still up.
 *
 * Return: 0, -ENOMEM, or -EIO if @f could not be written.
 */
int report_json(FILE *f, const struct scenario_run *run)
{
	struct json_object *root, *steps, *zones, *vm, *verify, *zr;
	struct pagemig_zone_stats zs;
	unsigned int i, n;
	int z, ret = 0;

	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	json_object_object_add(root, "pagemig",
			       json_object_new_string(pagemig_version()));
	json_object_object_add(root, "scenario", json_scenario(run->sc));
	json_object_object_add(root, "machine", json_machine(&run->cfg));
	json_object_object_add(root, "seed", u64(run->cfg.seed));
	json_object_object_add(root, "seconds",
			       json_object_new_double(run->seconds));
	json_object_object_add(root, "status", json_object_new_string(
		run->failed ? "failed" : "ok"));

	steps = json_object_new_array();
	for (i = 0; i < run->sc->nr_steps; i++)
		json_object_array_add(steps, json_step(run, i));
	json_object_object_add(root, "steps", steps);

	zones = json_object_new_array();
	for (z = 0; z < PAGEMIG_NR_ZONES; z++)
		if (!pagemig_zone_stats(z, &zs))
			json_object_array_add(zones, json_zone(&zs));
	json_object_object_add(root, "zones", zones);
	if (run->balloon_used)
		json_object_object_add(root, "balloons", json_balloons(run));
	if ((zr = json_zram()))
		json_object_object_add(root, "zram", zr);
	if ((zr = json_ksm()))
		json_object_object_add(root, "ksm", zr);
	if ((zr = json_processes(run)))
		json_object_object_add(root, "processes", zr);

	vm = json_object_new_object();
	n = pagemig_vmstat_count();
	for (i = 0; i < n; i++)
		json_object_object_add(vm, pagemig_vmstat_name(i),
				       u64(pagemig_vmstat_value(i)));
	json_object_object_add(root, "vmstat", vm);

	json_object_object_add(root, "allocation_failures",
			       u64(run->alloc_failures));
	json_object_object_add(root, "warnings", u64(pagemig_warnings()));
	verify = json_object_new_object();
	json_object_object_add(verify, "checked", u64(run->verify_checked));
	json_object_object_add(verify, "corrupted",
			       u64(run->verify_corrupted));
	json_object_object_add(root, "verify", verify);

	if (fprintf(f, "%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		ret = -EIO;
	json_object_put(root);
	return ret;
}
