// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers every step file shares: the start of a step's parse (check the
 * mapping's keys, allocate the args struct), the parse of a step that
 * takes no keys, the keys several steps take (gfp, tag, expect), a
 * monotonic clock, and the end of a step's report text (close the
 * memstream, print it, keep it in the result).
 *
 * Key-by-key parsing is in yparse.c (yp_key_*()); the run-time helpers
 * that touch the machine (tag groups, figures, step_fail()) are in run.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagemig/pagemig.h>

#include "scenario.h"
#include "steps.h"
#include "yparse.h"

/**
 * step_args_new() - Allocate a zeroed args struct for a step's parse.
 * @p: the parser.
 * @path: the step's path, for the message.
 * @size: the size of the args struct.
 *
 * Return: the args, or NULL with "out of memory" written through
 * yp_error().
 */
void *step_args_new(struct yparse *p, const char *path, size_t size)
{
	void *args = calloc(1, size);

	if (!args)
		yp_error(p, NULL, path, "out of memory");
	return args;
}

/**
 * step_parse_start() - Check a step's mapping and allocate its args.
 * @p: the parser.
 * @node: the step's value; NULL or null means no keys.
 * @path: the step's path ("steps[N].NAME").
 * @keys: NULL-terminated list of the keys the step takes.
 * @map: set to the mapping, or to NULL when no keys were given.
 * @out: set to the zeroed args struct, which the step's release frees.
 * @size: the size of the args struct.
 *
 * Return: 0; -EINVAL for a value that is not a mapping or an unknown or
 * repeated key; -ENOMEM.  The message is written in both cases.
 */
int step_parse_start(struct yparse *p, yaml_node_t *node, const char *path,
		     const char *const *keys, yaml_node_t **map, void **out,
		     size_t size)
{
	int ret;

	ret = yp_mapping(p, node, path, map);
	if (!ret)
		ret = yp_check_keys(p, *map, path, keys);
	if (ret)
		return ret;
	*out = step_args_new(p, path, size);
	return *out ? 0 : -ENOMEM;
}

/**
 * step_parse_none() - The parse of a step that takes no keys.
 * @p: the parser.
 * @node: the step's value: null or an empty mapping.
 * @path: the step's path.
 * @out: set to NULL (no args).
 *
 * Return: 0, or -EINVAL for a value that is not an empty mapping.
 */
int step_parse_none(struct yparse *p, yaml_node_t *node, const char *path,
		    void **out)
{
	static const char *const keys[] = { NULL };
	yaml_node_t *map;
	int ret;

	ret = yp_mapping(p, node, path, &map);
	if (!ret)
		ret = yp_check_keys(p, map, path, keys);
	*out = NULL;
	return ret;
}

/**
 * step_now() - Seconds on the monotonic clock, for step timings.
 *
 * Return: the time in seconds.
 */
double step_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * step_say_stream() - Close a step's report text and print it.
 * @run: the run.
 * @res: the step's result, which keeps the text.
 * @name: the output's name ("compact").
 * @f: an open_memstream() onto *@text.
 * @text: the text; owned by @res once @f is closed.
 *
 * Return: 0; -ENOMEM if @f cannot be closed; -ENOSPC as step_say().
 */
int step_say_stream(struct scenario_run *run, struct step_result *res,
		    const char *name, FILE *f, char **text)
{
	if (fclose(f))
		return -ENOMEM;
	return step_say(run, res, name, *text);
}

/**
 * step_parse_gfp() - The optional gfp: key of a step that allocates.
 * @p: the parser.
 * @map: the step's mapping, or NULL.
 * @path: the step's path.
 * @gfp: set to the mask; GFP_KERNEL when the key is absent.
 * @spec: set to the mask as written, normalised (yp_gfp()); when the key
 *	is absent, to a copy of "GFP_KERNEL" if @spec_default, else left
 *	alone.
 * @spec_default: whether an absent key still gets a @spec.
 *
 * Return: 0, or -EINVAL with the message written.
 */
int step_parse_gfp(struct yparse *p, yaml_node_t *map, const char *path,
		   unsigned int *gfp, char **spec, bool spec_default)
{
	yaml_node_t *v = yp_get(p, map, "gfp", NULL);
	char sub[YP_PATH_MAX];

	yp_path_key(sub, sizeof(sub), path, "gfp");
	if (v)
		return yp_gfp(p, v, sub, gfp, spec);
	if (pagemig_parse_gfp("GFP_KERNEL", gfp) ||
	    (spec_default && !(*spec = strdup("GFP_KERNEL"))))
		return yp_error(p, NULL, sub, "the library does not know GFP_KERNEL");
	return 0;
}

/**
 * step_parse_tag() - The optional tag: key of a step that fills a group.
 * @p: the parser.
 * @map: the step's mapping, or NULL.
 * @path: the step's path.
 * @dflt: the group name when the key is absent, or NULL for none.
 * @tag: set to a malloc()ed copy of the name, or left NULL.
 *
 * The name is declared (yp_declare()), so later steps that name the
 * group pass yp_check_declared().
 *
 * Return: 0, or -EINVAL with the message written.
 */
int step_parse_tag(struct yparse *p, yaml_node_t *map, const char *path,
		   const char *dflt, char **tag)
{
	yaml_node_t *v = yp_get(p, map, "tag", NULL);
	char sub[YP_PATH_MAX];
	int ret = 0;

	yp_path_key(sub, sizeof(sub), path, "tag");
	if (v)
		ret = yp_string(p, v, sub, "a group name", tag);
	else if (dflt && !(*tag = strdup(dflt)))
		ret = yp_error(p, NULL, sub, "out of memory");
	if (!ret && *tag && yp_declare(p, *tag))
		ret = yp_error(p, NULL, sub, "out of memory");
	return ret;
}

/**
 * step_parse_expect() - The optional "expect: any | success" key.
 * @p: the parser.
 * @map: the step's mapping, or NULL.
 * @path: the step's path.
 * @must_succeed: set to true for success, false for any or no key.
 *
 * Return: 0, or -EINVAL with the message written.
 */
int step_parse_expect(struct yparse *p, yaml_node_t *map, const char *path,
		      bool *must_succeed)
{
	static const char *const expects[] = { "any", "success", NULL };
	int e = 0;
	int ret;

	ret = yp_key_choice(p, map, path, "expect", expects, &e);
	*must_succeed = e == 1;
	return ret;
}
