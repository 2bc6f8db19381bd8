// SPDX-License-Identifier: GPL-2.0
/*
 * Building a report: the step entries, their figures and blocks, and
 * freeing it all.  Nothing here reads the machine (report/snapshot.c
 * does) or prints (report/text.c, report/json.c do).
 *
 * Figures and blocks grow in small arrays; when the host is out of
 * memory an adder returns -ENOMEM and the report simply lacks that
 * figure, which the run's callers treat as they treat any -ENOMEM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/**
 * report_init() - An empty report with room for every step's entry.
 * @r: the report; zeroed here.
 * @nr_steps: how many steps the run has.
 *
 * Return: 0, or -ENOMEM.
 */
int report_init(struct report *r, unsigned int nr_steps)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->steps = calloc(nr_steps ? nr_steps : 1, sizeof(*r->steps));
	if (!r->steps)
		return -ENOMEM;
	r->nr_steps = nr_steps;
	for (i = 0; i < nr_steps; i++)
		r->steps[i].index = i;
	return 0;
}

static void block_release(struct report_block *b)
{
	free(b->zones);
	free(b->counters.c);
	free(b->zram);
	free(b->pfns);
	free(b->text);
}

static void step_release(struct step_result *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_figures; i++)
		if (s->figures[i].type == REPORT_STRING)
			free(s->figures[i].str);
	for (i = 0; i < s->nr_blocks; i++)
		block_release(&s->blocks[i]);
	free(s->figures);
	free(s->blocks);
	free(s->message);
}

/**
 * report_release() - Free everything a report owns.
 * @r: the report; empty (and safe to release again) afterwards.
 */
void report_release(struct report *r)
{
	unsigned int i;

	if (r->steps)
		for (i = 0; i < r->nr_steps; i++)
			step_release(&r->steps[i]);
	free(r->steps);
	free(r->name);
	free(r->file);
	free(r->description);
	free(r->end.vmstat.c);
	if (r->end.procs)
		for (i = 0; i < r->end.nr_procs; i++)
			free(r->end.procs[i].name);
	free(r->end.procs);
	memset(r, 0, sizeof(*r));
}

/**
 * report_move() - Hand a report over to a new owner.
 * @dst: receives the report; whatever it held is not freed.
 * @src: left empty, so releasing it frees nothing.
 *
 * So a report outlives its run: the CLI takes it, ends the machine, and
 * prints it then.
 */
void report_move(struct report *dst, struct report *src)
{
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

/* Room for one more figure of @s; NULL if the host is out of memory. */
static struct report_figure *new_figure(struct step_result *s,
					const char *name, const char *unit,
					enum report_type type, bool summary)
{
	struct report_figure *figs, *f;

	figs = realloc(s->figures, (s->nr_figures + 1) * sizeof(*figs));
	if (!figs)
		return NULL;
	s->figures = figs;
	f = &figs[s->nr_figures++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->unit = unit;
	f->type = type;
	f->summary = summary;
	return f;
}

/**
 * report_add_count() - Add an unsigned figure to a step's entry.
 * @s: the step's entry.
 * @name: the figure's name, a string literal (not copied).
 * @v: its value.
 * @unit: its unit ("pages", "bytes"), or NULL for a plain count.
 * @summary: also show it in the summary line and the JSON "results".
 *
 * Return: 0, or -ENOMEM.
 */
int report_add_count(struct step_result *s, const char *name, uint64_t v,
		     const char *unit, bool summary)
{
	struct report_figure *f = new_figure(s, name, unit, REPORT_COUNT,
					     summary);

	if (!f)
		return -ENOMEM;
	f->count = v;
	return 0;
}

/**
 * report_add_int() - Add a signed figure (a delta, an errno) for blocks.
 * @s: the step's entry.
 * @name: the figure's name, a string literal.
 * @v: its value.
 * @unit: its unit, or NULL.
 *
 * Return: 0, or -ENOMEM.
 */
int report_add_int(struct step_result *s, const char *name, int64_t v,
		   const char *unit)
{
	struct report_figure *f = new_figure(s, name, unit, REPORT_INT, false);

	if (!f)
		return -ENOMEM;
	f->sval = v;
	return 0;
}

/**
 * report_add_real() - Add a real-valued figure (MiB, seconds, a percentage).
 * @s: the step's entry.
 * @name: the figure's name, a string literal; a summary figure carries
 *	its unit in its name as well ("rss_after_mib").
 * @v: its value.
 * @unit: its unit, or NULL.
 * @summary: also show it (with one decimal) in the summary line and JSON.
 *
 * Return: 0, or -ENOMEM.
 */
int report_add_real(struct step_result *s, const char *name, double v,
		    const char *unit, bool summary)
{
	struct report_figure *f = new_figure(s, name, unit, REPORT_REAL,
					     summary);

	if (!f)
		return -ENOMEM;
	f->real = v;
	return 0;
}

/**
 * report_add_string() - Add a string figure (a device, a zone) for blocks.
 * @s: the step's entry.
 * @name: the figure's name, a string literal.
 * @str: the value, copied; NULL is kept as "".
 *
 * Return: 0, or -ENOMEM.
 */
int report_add_string(struct step_result *s, const char *name,
		      const char *str)
{
	char *copy = strdup(str ? str : "");
	struct report_figure *f;

	if (!copy)
		return -ENOMEM;
	f = new_figure(s, name, NULL, REPORT_STRING, false);
	if (!f) {
		free(copy);
		return -ENOMEM;
	}
	f->str = copy;
	return 0;
}

/**
 * report_add_block() - Add a block to a step's entry.
 * @s: the step's entry.
 * @name: its key in the JSON "reports", a string literal.
 * @kind: which lines the text formatter prints for it.
 *
 * The caller attaches the block's table, if it has one, to the returned
 * block; the entry owns it from then on.  The pointer is valid until the
 * next report_add_block() on @s.
 *
 * Return: the block, or NULL if the host is out of memory.
 */
struct report_block *report_add_block(struct step_result *s,
				      const char *name,
				      enum report_block_kind kind)
{
	struct report_block *blocks, *b;

	blocks = realloc(s->blocks, (s->nr_blocks + 1) * sizeof(*blocks));
	if (!blocks)
		return NULL;
	s->blocks = blocks;
	b = &blocks[s->nr_blocks++];
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->kind = kind;
	return b;
}

/**
 * report_find() - A step's figure by name.
 * @s: the step's entry.
 * @name: the figure's name.
 *
 * Return: the figure, or NULL if the step did not add it.
 */
const struct report_figure *report_find(const struct step_result *s,
					const char *name)
{
	unsigned int i;

	for (i = 0; i < s->nr_figures; i++)
		if (!strcmp(s->figures[i].name, name))
			return &s->figures[i];
	return NULL;
}

/**
 * report_counters_add() - Append a (name, value) pair to a table.
 * @c: the table.
 * @name: a constant name (not copied).
 * @value: its value.
 *
 * Return: 0, or -ENOMEM.
 */
int report_counters_add(struct report_counters *c, const char *name,
			unsigned long value)
{
	struct report_counter *n;

	n = realloc(c->c, (c->nr + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->c = n;
	c->c[c->nr++] = (struct report_counter){ name, value };
	return 0;
}

static bool show_timings = true;

/**
 * report_set_timings() - Show or leave out wall-clock figures.
 * @on: false for pagemig run --no-timings.
 */
void report_set_timings(bool on)
{
	show_timings = on;
}

/**
 * report_timings() - Are wall-clock figures shown?
 *
 * Return: true unless report_set_timings(false) was called.
 */
bool report_timings(void)
{
	return show_timings;
}

/**
 * report_figure_is_timing() - Is @fig a wall-clock figure?
 * @fig: a figure.
 *
 * Return: true for figures in seconds, which --no-timings leaves out.
 */
bool report_figure_is_timing(const struct report_figure *fig)
{
	return fig->unit && !strcmp(fig->unit, "s");
}

/**
 * report_secs() - "@before0.153 s", or "" without timings.
 * @buf: where to format.
 * @len: its size.
 * @before: text that goes with the figure (": ", " in ").
 * @secs: the time.
 *
 * Return: @buf.
 */
const char *report_secs(char *buf, size_t len, const char *before,
			double secs)
{
	if (show_timings)
		snprintf(buf, len, "%s%.3f s", before, secs);
	else if (len)
		buf[0] = '\0';
	return buf;
}
