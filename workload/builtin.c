// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in scenarios: the YAML files in scenarios/, compiled in as text by
 * mk/scenarios.local.mk (builtin_scenarios[] in the generated
 * $(O)/generated/scenarios.c) and parsed like any file, so a built-in
 * is exactly what `pagemig scenarios show NAME` prints.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "yparse.h"

/**
 * scenario_builtin() - Find a built-in scenario by name.
 * @name: the name ("default").
 *
 * Return: the entry, or NULL.
 */
const struct builtin_scenario *scenario_builtin(const char *name)
{
	const struct builtin_scenario *b;

	for (b = builtin_scenarios; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/**
 * scenario_suggest() - The choice a misspelt word probably meant.
 * @word: what the user wrote.
 * @choices: NULL-terminated candidates.
 *
 * The same rule as scenario keys use, for the CLI's commands and options.
 *
 * Return: the closest candidate, or NULL if none is close.
 */
const char *scenario_suggest(const char *word, const char *const *choices)
{
	return yp_suggest(word, choices);
}

/**
 * scenario_builtin_suggest() - The built-in a misspelt name probably meant.
 * @name: what the user wrote.
 *
 * Return: a built-in's name, or NULL if none is close.
 */
const char *scenario_builtin_suggest(const char *name)
{
	const char *names[64];
	unsigned int i;

	for (i = 0; builtin_scenarios[i].name && i < 63; i++)
		names[i] = builtin_scenarios[i].name;
	names[i] = NULL;
	return yp_suggest(name, names);
}

/**
 * scenario_load_builtin() - Parse a built-in scenario.
 * @name: its name.
 * @out: set to the scenario; free with scenario_free().
 * @err: where a message goes.
 * @errlen: size of @err.
 *
 * Messages name the built-in by its source, scenarios/NAME.yaml.
 *
 * Return: 0; -ENOENT if there is no such built-in; else as
 * scenario_load_string().
 */
int scenario_load_builtin(const char *name, struct scenario **out,
			  char *err, size_t errlen)
{
	const struct builtin_scenario *b = scenario_builtin(name);
	char file[256];

	*out = NULL;
	if (!b) {
		snprintf(err, errlen, "no built-in scenario \"%s\"", name);
		return -ENOENT;
	}
	snprintf(file, sizeof(file), "scenarios/%s.yaml", b->name);
	return scenario_load_string(b->text, b->size, file, out, err, errlen);
}
