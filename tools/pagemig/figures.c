// SPDX-License-Identifier: GPL-2.0
/*
 * Figures of JSON reports, flattened to (name, value) pairs, and tables
 * of them over several reports (figures.h).  compare reads the reports
 * from files, run --repeat and --set from the runs they start.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "figures.h"

/**
 * figset_add() - Append a figure.
 * @s: the set.
 * @name: its name, copied.
 * @v: its value.
 *
 * Return: 0 or -ENOMEM.
 */
int figset_add(struct figset *s, const char *name, double v)
{
	struct figure *f;

	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;

		f = realloc(s->f, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		s->f = f;
		s->cap = cap;
	}
	f = &s->f[s->nr];
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	f->value = v;
	s->nr++;
	return 0;
}

/*
 * What an array element is called: a step by its number and type, a
 * zone, driver or process by its name, a zram device by its device,
 * anything else by its position.
 */
static void element_name(char *buf, size_t len, struct json_object *e,
			 size_t i)
{
	struct json_object *idx, *type, *name;

	if (json_object_is_type(e, json_type_object)) {
		if (json_object_object_get_ex(e, "index", &idx) &&
		    json_object_object_get_ex(e, "type", &type)) {
			snprintf(buf, len, "%d:%s", json_object_get_int(idx),
				 json_object_get_string(type));
			return;
		}
		if ((json_object_object_get_ex(e, "name", &name) ||
		     json_object_object_get_ex(e, "device", &name)) &&
		    json_object_is_type(name, json_type_string)) {
			snprintf(buf, len, "%s", json_object_get_string(name));
			return;
		}
	}
	snprintf(buf, len, "%zu", i);
}

/* Keys that say what a figure is, not how much: left out. */
static bool is_identity(const char *key)
{
	static const char *const keys[] = {
		"index", "line", "start_pfn", "seed", "digest", NULL,
	};
	unsigned int i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static int flatten(struct figset *s, char *path, size_t len, size_t at,
		   struct json_object *o)
{
	size_t i, n;
	int ret = 0;

	switch (json_object_get_type(o)) {
	case json_type_int:
	case json_type_double:
		return figset_add(s, path, json_object_get_double(o));
	case json_type_boolean:
		return figset_add(s, path, json_object_get_boolean(o));
	case json_type_object: {
		json_object_object_foreach(o, key, val) {
			if (is_identity(key))
				continue;
			snprintf(path + at, len - at, "%s%s", at ? "." : "", key);
			ret = flatten(s, path, len, strlen(path), val);
			if (ret)
				break;
		}
		break;
	}
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n && !ret; i++) {
			struct json_object *e = json_object_array_get_idx(o, i);
			char name[128];

			if (json_object_is_type(e, json_type_object) ||
			    json_object_is_type(e, json_type_array)) {
				element_name(name, sizeof(name), e, i);
				snprintf(path + at, len - at, "%s%s",
					 at ? "." : "", name);
			} else {
				snprintf(path + at, len - at, "[%zu]", i);
			}
			ret = flatten(s, path, len, strlen(path), e);
		}
		break;
	default:	/* strings and nulls are not figures */
		break;
	}
	path[at] = '\0';
	return ret;
}

/**
 * figset_from_json() - Every number of a JSON report, by path.
 * @s: an empty (zeroed) set, filled in the report's order.
 * @o: the report.
 *
 * Booleans count as 0 and 1; strings, nulls and identities (a step's
 * index and line, a zone's start, the seed) are left out.
 *
 * Return: 0 or -ENOMEM.
 */
int figset_from_json(struct figset *s, struct json_object *o)
{
	char path[512] = "";

	return flatten(s, path, sizeof(path), 0, o);
}

/**
 * figset_parse() - The figures of a JSON report held in a string.
 * @s: an empty (zeroed) set.
 * @text: the report.
 * @err: why it is not one, on failure.
 * @errlen: size of @err.
 *
 * Return: 0, -EINVAL (not a JSON object) or -ENOMEM.
 */
int figset_parse(struct figset *s, const char *text, char *err, size_t errlen)
{
	enum json_tokener_error jerr;
	struct json_object *o;
	int ret;

	o = json_tokener_parse_verbose(text, &jerr);
	if (!o) {
		snprintf(err, errlen, "not JSON: %s",
			 json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "not a pagemig JSON report (no top-level object)");
		json_object_put(o);
		return -EINVAL;
	}
	ret = figset_from_json(s, o);
	json_object_put(o);
	if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	return ret;
}

/**
 * figset_load() - The figures of a JSON report file (--json's output).
 * @s: an empty (zeroed) set.
 * @path: the file.
 * @err: why it could not be read, without the file's name.
 * @errlen: size of @err.
 *
 * Return: 0, -errno of the read, -EINVAL or -ENOMEM.
 */
int figset_load(struct figset *s, const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 1 << 16, n;
	char *text = malloc(cap), *p;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f || !text) {
		ret = f ? -ENOMEM : -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			p = realloc(text, cap * 2);
			if (!p) {
				ret = -ENOMEM;
				snprintf(err, errlen, "%s", strerror(ENOMEM));
				goto out;
			}
			text = p;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s", strerror(EIO));
		goto out;
	}
	text[len] = '\0';
	if (!text[strspn(text, " \t\r\n")]) {
		ret = -EINVAL;
		snprintf(err, errlen, "empty; expected a JSON report (pagemig run --json)");
		goto out;
	}
	ret = figset_parse(s, text, err, errlen);
out:
	if (f)
		fclose(f);
	free(text);
	return ret;
}

/**
 * figset_find() - A figure by name.
 * @s: the set.
 * @name: the figure's path.
 *
 * Return: the figure, or NULL.
 */
const struct figure *figset_find(const struct figset *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->f[i].name, name))
			return &s->f[i];
	return NULL;
}

/**
 * figset_free() - Free a set's figures; the set is empty after.
 * @s: the set.
 */
void figset_free(struct figset *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->f[i].name);
	free(s->f);
	memset(s, 0, sizeof(*s));
}

static int cmp_name(const void *a, const void *b)
{
	const struct figure *const *fa = a, *const *fb = b;

	return strcmp((*fa)->name, (*fb)->name);
}

/* @s's figures sorted by name, for lookups by bsearch(). */
static const struct figure **sorted(const struct figset *s)
{
	const struct figure **v = malloc((s->nr + 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < s->nr; i++)
		v[i] = &s->f[i];
	qsort(v, s->nr, sizeof(*v), cmp_name);
	return v;
}

static double lookup(const struct figure **v, size_t n, const char *name)
{
	struct figure key = { .name = (char *)name };
	const struct figure *k = &key, **hit;

	hit = bsearch(&k, v, n, sizeof(*v), cmp_name);
	return hit ? (*hit)->value : NAN;
}

static bool have_row(const struct figtable *t, const char *name)
{
	size_t i;

	/* Only figures the first sets lack are looked for: few. */
	for (i = 0; i < t->nr_rows; i++)
		if (!strcmp(t->rows[i].name, name))
			return true;
	return false;
}

/**
 * figtable_build() - One row per figure over several sets.
 * @t: the table, filled.
 * @sets: the sets, one column each; they must outlive @t.
 * @nr_sets: how many.
 *
 * Rows come in the first set's order, then figures only later sets
 * have, in their order.
 *
 * Return: 0 or -ENOMEM.
 */
int figtable_build(struct figtable *t, const struct figset *sets,
		   unsigned int nr_sets)
{
	const struct figure ***idx = calloc(nr_sets, sizeof(*idx));
	size_t i, cap = 0;
	unsigned int c, k;
	int ret = -ENOMEM;

	memset(t, 0, sizeof(*t));
	t->nr_cols = nr_sets;
	if (!idx)
		return -ENOMEM;
	for (c = 0; c < nr_sets; c++) {
		idx[c] = sorted(&sets[c]);
		if (!idx[c])
			goto out;
		cap += sets[c].nr;
	}
	t->rows = calloc(cap + 1, sizeof(*t->rows));
	if (!t->rows)
		goto out;
	for (c = 0; c < nr_sets; c++) {
		for (i = 0; i < sets[c].nr; i++) {
			const char *name = sets[c].f[i].name;
			struct figrow *row;

			if (c && (!isnan(lookup(idx[0], sets[0].nr, name)) ||
				  have_row(t, name)))
				continue;
			row = &t->rows[t->nr_rows];
			row->v = malloc(nr_sets * sizeof(*row->v));
			if (!row->v)
				goto out;
			row->name = name;
			t->nr_rows++;
			for (k = 0; k < nr_sets; k++)
				row->v[k] = lookup(idx[k], sets[k].nr, name);
		}
	}
	ret = 0;
out:
	for (c = 0; c < nr_sets; c++)
		free(idx[c]);
	free(idx);
	if (ret)
		figtable_free(t);
	return ret;
}

/**
 * figtable_free() - Free a table's rows.
 * @t: the table.
 */
void figtable_free(struct figtable *t)
{
	size_t i;

	for (i = 0; i < t->nr_rows; i++)
		free(t->rows[i].v);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/**
 * fig_stats() - Median and range, as bench reports them.
 * @v: the values; NAN ones do not count.
 * @n: how many.
 * @median: the median (the mean of the middle two for an even count).
 * @min: the smallest.
 * @max: the largest.
 *
 * Return: false when no value counts (the outputs are then NAN).
 */
bool fig_stats(const double *v, unsigned int n, double *median,
	       double *min, double *max)
{
	double s[n ? n : 1];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[k++] = v[i];
	if (!k) {
		*median = *min = *max = NAN;
		return false;
	}
	qsort(s, k, sizeof(s[0]), cmp_double);
	*min = s[0];
	*max = s[k - 1];
	*median = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
	return true;
}

/**
 * fig_format() - Format a value for a table or CSV.
 * @buf: where.
 * @len: its size.
 * @v: the value; NAN prints as "-".
 */
void fig_format(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, fabs(v) >= 1000 ? "%.1f" : "%.4g", v);
}

/**
 * fig_selected() - Whether a figure is one --figure asked for.
 * @name: the figure.
 * @globs: shell patterns (fnmatch(3)), "vmstat.compact_*".
 * @nr: how many; none selects every figure.
 *
 * Return: true if @name matches one of @globs, or there are none.
 */
bool fig_selected(const char *name, char *const *globs, unsigned int nr)
{
	unsigned int i;

	if (!nr)
		return true;
	for (i = 0; i < nr; i++)
		if (!fnmatch(globs[i], name, 0))
			return true;
	return false;
}

/**
 * fig_is_timing() - Whether a figure measures wall-clock time.
 * @name: the figure.
 *
 * Return: true for the report's seconds and rates, which differ from run
 * to run whatever the seed.
 */
bool fig_is_timing(const char *name)
{
	size_t n = strlen(name);

	return (n >= 7 && !strcmp(name + n - 7, "seconds")) ||
	       (n >= 2 && !strcmp(name + n - 2, "_s")) ||
	       strstr(name, "per_s") || strstr(name, "_ns");
}
