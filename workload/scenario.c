// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a scenario: YAML text -> libyaml document -> struct scenario.
 *
 * The document API (rather than the event stream) gives every value a
 * node with its line, so a problem found while checking steps[7] can
 * still point at the line it came from.  Validation is complete before
 * anything runs: every key of every step is checked, and the machine
 * block goes through pagemig_config_check(), so a bad scenario never
 * builds a machine and always fails with exactly one message.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "../lib/escape.h"
#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define SZ_2M	(2ULL << 20)

static size_t last_line(const char *text, size_t size)
{
	size_t i, n = 1;

	for (i = 0; i + 1 < size; i++)
		n += text[i] == '\n';
	return n;
}

static int malformed(struct yparse *p, const yaml_parser_t *parser,
		     const char *text, size_t size)
{
	const char *what = parser->problem ? parser->problem :
			   "cannot be parsed";
	size_t line = parser->problem_mark.line + 1;
	size_t ctx = parser->context_mark.line + 1;
	size_t last = last_line(text, size);

	if (p->err[0])
		return -EINVAL;
	/*
	 * Something left open is only noticed at the end of the stream,
	 * which libyaml places on the line after the last newline; point at
	 * the last line the user can see instead.
	 */
	line = line > last ? last : line;
	ctx = ctx > last ? last : ctx;
	if (parser->context)
		snprintf(p->err, p->errlen, "%s:%zu: malformed YAML: %s (%s on line %zu)",
			 p->file, line, what, parser->context, ctx);
	else
		snprintf(p->err, p->errlen, "%s:%zu: malformed YAML: %s",
			 p->file, line, what);
	return -EINVAL;
}

static uint64_t host_ram(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages * size : UINT64_MAX;
}

/* Zones hold whole pageblocks: sizes are multiples of 2 MiB. */
static const struct yp_key zone_keys[] = {
	{ "dma32", YP_SIZE, 0, YP_FIELD(struct scenario, cfg.dma32),
	  .align = SZ_2M, .what = "a multiple of 2 MiB (one pageblock)" },
	{ "movable", YP_SIZE, 0, YP_FIELD(struct scenario, cfg.movable),
	  .align = SZ_2M, .what = "a multiple of 2 MiB (one pageblock)" },
	YP_END(struct scenario)
};

/*
 * The machine as a whole: what would not fit on this host, then what
 * only the library knows (zones that do not fit, and so on), reported
 * at the machine: line.
 */
static int machine_check(struct yparse *p, yaml_node_t *map,
			 const char *path, void *args)
{
	struct scenario *sc = args;
	yaml_node_t *v = yp_get(p, map, "memory", NULL);
	char why[256] = "", what[64];
	uint64_t ram = host_ram();
	int ret;

	/*
	 * The arena is MAP_NORESERVE, so the mmap itself would succeed; it
	 * is the steps touching the pages that would get the run OOM-killed
	 * half-way.  Refuse up front instead.
	 */
	if (v && sc->cfg.memory > ram) {
		snprintf(what, sizeof(what), "at most this host's RAM (%llu MiB)",
			 (unsigned long long)(ram >> 20));
		return yp_expected(p, v, "machine.memory", what);
	}
	v = yp_get(p, map, "percpu_pagelist_high_fraction", NULL);
	if (v && sc->sysctl[3] > 0 && sc->sysctl[3] < 8)	/* 1..7 refused */
		return yp_expected(p, v, "machine.percpu_pagelist_high_fraction", "0 or 8..2147483647");
	ret = pagemig_config_check(&sc->cfg, why, sizeof(why));
	if (ret)
		return yp_error(p, NULL, path, "%s",
				why[0] ? why : strerror(-ret));
	return 0;
}

/* The machine: keys that are vm sysctls, in struct scenario's order. */
const char *const scenario_sysctls[SCENARIO_NR_SYSCTLS] = {
	"compaction_proactiveness", "extfrag_threshold", "min_free_kbytes",
	"percpu_pagelist_high_fraction", "watermark_scale_factor",
	"watermark_boost_factor",
};

/* enum pagemig_movable_ops, in order. */
static const char *const movable_ops_modes[] = { "6.17", "decoupled", NULL };

/* Absent keys keep pagemig_config_default()'s values. */
static const struct yp_key machine_keys[] = {
	{ "memory", YP_SIZE, YP_NONZERO, YP_FIELD(struct scenario, cfg.memory),
	  .align = SZ_2M,
	  .what = "a non-zero multiple of 2 MiB (one pageblock)" },
	{ "zones", YP_MAP, .sub = zone_keys },
	{ "cpus", YP_INT, 0, YP_FIELD(struct scenario, cfg.nr_cpus),
	  .min = 1, .max = PAGEMIG_MAX_CPUS },
	{ "seed", YP_U64, 0, YP_FIELD(struct scenario, cfg.seed) },
	{ "compaction_proactiveness", YP_INT, 0, YP_FIELD(struct scenario, sysctl[0]), .max = 100 },
	{ "extfrag_threshold", YP_INT, 0, YP_FIELD(struct scenario, sysctl[1]), .max = 1000 },
	{ "min_free_kbytes", YP_INT, 0, YP_FIELD(struct scenario, sysctl[2]), .max = INT_MAX },
	{ "percpu_pagelist_high_fraction", YP_INT, 0, YP_FIELD(struct scenario, sysctl[3]), .max = INT_MAX },
	{ "watermark_scale_factor", YP_INT, 0, YP_FIELD(struct scenario, sysctl[4]), .min = 1, .max = 3000 },
	{ "watermark_boost_factor", YP_INT, 0, YP_FIELD(struct scenario, sysctl[5]), .max = INT_MAX },
	{ "movable_ops", YP_CHOICE, 0, YP_FIELD(struct scenario, cfg.movable_ops),
	  .choices = movable_ops_modes, .def = PAGEMIG_MOVABLE_OPS_DEFAULT },
	YP_END_CHECK(struct scenario, machine_check)
};

static const struct step_type *find_step_type(const char *name)
{
	unsigned int i;

	for (i = 0; step_types[i]; i++)
		if (!strcmp(step_types[i]->name, name))
			return step_types[i];
	return NULL;
}

static int unknown_step(struct yparse *p, yaml_node_t *key, const char *path,
			const char *name)
{
	/* Room for twice today's 30 step types and their names. */
	const char *names[64];
	char list[512];
	unsigned int i;

	for (i = 0; step_types[i] && i < 63; i++)
		names[i] = step_types[i]->name;
	names[i] = NULL;
	yp_join(list, sizeof(list), names);
	return yp_error_hint(p, key, path, name, names, "unknown step, expected one of %s",
			     list);
}

/*
 * One list item, steps[I]: "- NAME: VALUE" (a mapping with exactly one
 * key) or "- NAME" for a step whose keys are all optional.
 */
static int parse_step(struct yparse *p, yaml_node_t *unused,
		      yaml_node_t *item, const char *path, void *args)
{
	struct scenario *sc = args;
	/* Counted even on error: scenario_free() releases its args. */
	struct step *step = &sc->steps[sc->nr_steps++];
	yaml_node_t *key = item, *value = NULL;
	yaml_node_pair_t *pairs;
	char sub[YP_PATH_MAX];
	const char *name;
	size_t nr;

	if (item && item->type == YAML_MAPPING_NODE) {
		pairs = item->data.mapping.pairs.start;
		nr = item->data.mapping.pairs.top - pairs;
		if (nr > 1) {
			key = yp_node(p, pairs[0].key);
			value = yp_node(p, pairs[1].key);
			return yp_error(p, item, path, "expected one step per list item, got %zu keys (%s, %s%s): indent a step's keys under its name, and start each step with \"- \"",
					nr, key && key->type == YAML_SCALAR_NODE ?
					(char *)key->data.scalar.value : "?",
					value && value->type == YAML_SCALAR_NODE ?
					(char *)value->data.scalar.value : "?",
					nr > 2 ? ", ..." : "");
		}
		if (nr) {
			key = yp_node(p, pairs[0].key);
			value = yp_node(p, pairs[0].value);
		}
	}
	if (yp_is_null(key) || key->type != YAML_SCALAR_NODE)
		return yp_expected(p, key, path,
				   "a step such as \"alloc: {count: 16}\"");
	name = (const char *)key->data.scalar.value;
	snprintf(sub, sizeof(sub), "%s.%s", path, name);
	step->type = find_step_type(name);
	if (!step->type)
		return unknown_step(p, key, sub, name);
	if (step->type->alt && yp_get(p, value, step->type->alt_key, NULL))
		step->type = step->type->alt;
	step->index = step - sc->steps;
	step->line = yp_line(key);
	p->here = key;
	return step_parse(p, step->type, value, sub, &step->args);
}

static int parse_steps(struct yparse *p, yaml_node_t *node, const char *path,
		       const struct yp_key *k, void *args)
{
	struct scenario *sc = args;
	size_t nr;

	if (node->type != YAML_SEQUENCE_NODE)
		return yp_expected(p, yp_is_null(node) ? NULL : node, path,
				   "a list of steps, each starting with \"- \"");
	nr = node->data.sequence.items.top - node->data.sequence.items.start;
	sc->steps = calloc(nr ? nr : 1, sizeof(*sc->steps));
	if (!sc->steps)
		return yp_error(p, node, path, "out of memory");
	return yp_each(p, node, path, NULL, parse_step, sc);
}

static char *base_name(const char *file)
{
	const char *b = strrchr(file, '/');
	char *name, *dot;

	name = strdup(b ? b + 1 : file);
	if (name && (dot = strrchr(name, '.')) &&
	    (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
		*dot = '\0';
	return name;
}

/* name: defaults to the file's base name. */
static int top_check(struct yparse *p, yaml_node_t *map, const char *path,
		     void *args)
{
	struct scenario *sc = args;

	if (!sc->name && !(sc->name = base_name(sc->file)))
		return -ENOMEM;
	return 0;
}

static const struct yp_key top_keys[] = {
	{ "name", YP_STRING, 0, YP_FIELD(struct scenario, name),
	  .what = "a scenario name" },
	{ "description", YP_STRING, YP_NULL_ABSENT,
	  YP_FIELD(struct scenario, description), .def_str = "",
	  .what = "one line of text" },
	{ "machine", YP_MAP, .sub = machine_keys },
	{ "steps", YP_CUSTOM, YP_REQUIRED, .parse = parse_steps,
	  .what = "a list of steps" },
	YP_END_CHECK(struct scenario, top_check)
};

/* The top level's keys, and through .sub the machine's: for pagemig-scenario(5). */
const struct yp_key *scenario_key_table(void)
{
	return top_keys;
}

/*
 * libyaml takes time quadratic in the nesting of flow collections
 * ([[[[...]]]]): 400 KB of them took a minute to refuse.  No scenario nests
 * more than a few levels, so refuse deep nesting before loading the
 * document: libyaml's event parser reaches the 65th level after a few
 * hundred tokens.  A syntax error stops the count; the loader then names
 * it.  Return: 0, -EINVAL (too deep) or -ENOMEM.
 */
static int flow_depth_ok(const char *text, size_t size, const char *file,
			 char *err, size_t errlen)
{
	unsigned int depth = 0;
	yaml_parser_t parser;
	yaml_event_t ev;
	int ret = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
	while (!ret && yaml_parser_parse(&parser, &ev)) {
		bool end = ev.type == YAML_STREAM_END_EVENT;

		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > SCENARIO_MAX_DEPTH) {
				snprintf(err, errlen, "%s:%zu: collections nested more than %d deep",
					 file, ev.start_mark.line + 1, SCENARIO_MAX_DEPTH);
				ret = -EINVAL;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&parser);
	return ret;
}

/**
 * scenario_load_string() - Parse and validate a scenario from memory.
 * @text: the YAML.
 * @size: its length in bytes.
 * @file: the name messages use for it.
 * @out: set to the scenario on success; free with scenario_free().
 * @err: where the one error message goes, "FILE:LINE: PATH: ...".
 * @errlen: size of @err; SCENARIO_ERR_LEN always suffices.
 *
 * Nothing is built: the machine block is checked with
 * pagemig_config_check(), which needs no machine.
 *
 * Return: 0; -EINVAL with @err set for a bad scenario; -ENOMEM.
 */
int scenario_load_string(const char *text, size_t size, const char *file,
			 struct scenario **out, char *err, size_t errlen)
{
	yaml_document_t doc, extra;
	struct yparse p = { .file = file, .doc = &doc, .err = err,
			    .errlen = errlen };
	yaml_parser_t parser;
	struct scenario *sc;
	yaml_node_t *root, *root2;
	unsigned int i;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	ret = flow_depth_ok(text, size, file, err, errlen);
	if (ret)
		return ret;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	memset(sc->sysctl, 0xff, sizeof(sc->sysctl));	/* all -1 */
	sc->file = strdup(file);
	if (!sc->file || !yaml_parser_initialize(&parser)) {
		scenario_free(sc);
		return -ENOMEM;
	}
	pagemig_config_default(&sc->cfg);
	p.machine = &sc->cfg;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     size);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = malformed(&p, &parser, text, size);
		goto out_parser;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		ret = yp_error(&p, NULL, "", "empty scenario, expected a mapping with machine: and steps:");
		goto out_doc;
	}
	/* A second document would be silently ignored: say so instead. */
	if (!yaml_parser_load(&parser, &extra)) {
		ret = malformed(&p, &parser, text, size);
		goto out_doc;
	}
	root2 = yaml_document_get_root_node(&extra);
	ret = root2 ? yp_error(&p, root2, "", "expected one scenario per file, got a second YAML document") : 0;
	yaml_document_delete(&extra);
	if (ret)
		goto out_doc;
	if (root->type != YAML_MAPPING_NODE)
		ret = yp_expected(&p, root, "",
				  "a mapping with machine: and steps:");
	else
		ret = yp_walk(&p, root, "", top_keys, sc);
	if (ret && !err[0])
		snprintf(err, errlen, "%s: %s", file, strerror(-ret));
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	for (i = 0; i < p.nr_names; i++)
		free(p.names[i]);
	free(p.names);
	if (ret)
		scenario_free(sc);
	else
		*out = sc;
	if (ret)
		escape_controls_in_place(err, errlen);
	return ret;
}

/**
 * scenario_load_file() - Parse and validate a scenario file.
 * @path: the file; messages name it as given.
 * @out: set to the scenario on success; free with scenario_free().
 * @err: where the one error message goes.
 * @errlen: size of @err.
 *
 * Return: 0; -EINVAL with @err set for a bad scenario; -errno with @err
 * set when the file cannot be read; -ENOMEM.
 */
int scenario_load_file(const char *path, struct scenario **out,
		       char *err, size_t errlen)
{
	struct stat st;
	size_t size;
	char *text;
	FILE *f;
	int ret;

	*out = NULL;
	f = fopen(path, "r");
	if (!f || fstat(fileno(f), &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(-ret));
		if (f)
			fclose(f);
		return ret;
	}
	/* A device, a FIFO or a directory is no scenario; nor is a huge file. */
	if (!S_ISREG(st.st_mode) || st.st_size > SCENARIO_MAX_BYTES) {
		snprintf(err, errlen, S_ISREG(st.st_mode) ?
			 "%s: %lld bytes; a scenario is a YAML file of at most %d bytes" :
			 "%s: not a regular file; a scenario is a YAML file",
			 path, (long long)st.st_size, SCENARIO_MAX_BYTES);
		fclose(f);
		return -EINVAL;
	}
	/* One byte more than a scenario may have: bounded if the file grows. */
	text = malloc(SCENARIO_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	size = fread(text, 1, SCENARIO_MAX_BYTES + 1, f);
	ret = ferror(f) ? -errno : 0;
	if (ret)
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(-ret));
	else if (size > SCENARIO_MAX_BYTES) {
		snprintf(err, errlen, "%s: more than %d bytes; a scenario is a YAML file of at most %d bytes",
			 path, SCENARIO_MAX_BYTES, SCENARIO_MAX_BYTES);
		ret = -EINVAL;
	}
	fclose(f);
	if (!ret)
		ret = scenario_load_string(text, size, path, out, err, errlen);
	free(text);
	return ret;
}

/**
 * scenario_free() - Release a loaded scenario.
 * @sc: the scenario, or NULL.
 */
void scenario_free(struct scenario *sc)
{
	unsigned int i;

	if (!sc)
		return;
	for (i = 0; i < sc->nr_steps; i++)
		if (sc->steps[i].type)
			step_release(sc->steps[i].type, sc->steps[i].args);
	free(sc->steps);
	free(sc->name);
	free(sc->description);
	free(sc->file);
	free(sc);
}
