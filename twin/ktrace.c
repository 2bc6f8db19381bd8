// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the kernel's compaction trace, and pagemig's, which has the
 * same format: every line an event, every event its fields, then one
 * summary per compact_zone() run.
 *
 * The kernel prints each event with its TP_printk() format; the fields
 * this file reads, and their spellings, are those of Linux 6.18's
 * include/trace/events/compaction.h and migrate.h (the "print fmt" lines
 * of /sys/kernel/tracing/events/compaction/<event>/format).  Fields that
 * later kernels added to mm_migrate_pages (nr_thp_split, nr_split) read as
 * 0 when absent, so older traces parse too.
 *
 * A run is what compact_zone() traces between mm_compaction_begin and
 * mm_compaction_end.  The trace interleaves tasks (kcompactd, a direct
 * compactor and the writer of compact_memory can run at once), so events
 * belong to the open run of their PID; events of a PID with no open run
 * (try_to_compact_pages, a kcompactd wakeup) belong to none.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capture_lines.h"
#include "ktrace.h"

static const char *const type_name[KTRACE_NR_TYPES] = {
	[KTRACE_COMPACTION_BEGIN] = "mm_compaction_begin",
	[KTRACE_COMPACTION_END] = "mm_compaction_end",
	[KTRACE_ISOLATE_MIGRATEPAGES] = "mm_compaction_isolate_migratepages",
	[KTRACE_ISOLATE_FREEPAGES] = "mm_compaction_isolate_freepages",
	[KTRACE_FAST_ISOLATE_FREEPAGES] = "mm_compaction_fast_isolate_freepages",
	[KTRACE_MIGRATEPAGES] = "mm_compaction_migratepages",
	[KTRACE_FINISHED] = "mm_compaction_finished",
	[KTRACE_SUITABLE] = "mm_compaction_suitable",
	[KTRACE_DEFERRED] = "mm_compaction_deferred",
	[KTRACE_DEFER_COMPACTION] = "mm_compaction_defer_compaction",
	[KTRACE_DEFER_RESET] = "mm_compaction_defer_reset",
	[KTRACE_TRY_TO_COMPACT_PAGES] = "mm_compaction_try_to_compact_pages",
	[KTRACE_WAKEUP_KCOMPACTD] = "mm_compaction_wakeup_kcompactd",
	[KTRACE_KCOMPACTD_WAKE] = "mm_compaction_kcompactd_wake",
	[KTRACE_KCOMPACTD_SLEEP] = "mm_compaction_kcompactd_sleep",
	[KTRACE_MIGRATE_PAGES] = "mm_migrate_pages",
	[KTRACE_MIGRATE_PAGES_START] = "mm_migrate_pages_start",
};

/* enum compact_result by value, as __print_symbolic() spells it. */
static const char *const result_name[KTRACE_NR_RESULTS] = {
	[KTRACE_NOT_SUITABLE_ZONE] = "not_suitable_zone",
	[KTRACE_SKIPPED] = "skipped",
	[KTRACE_DEFERRED_RESULT] = "deferred",
	[KTRACE_NO_SUITABLE_PAGE] = "no_suitable_page",
	[KTRACE_CONTINUE] = "continue",
	[KTRACE_COMPLETE] = "complete",
	[KTRACE_PARTIAL_SKIPPED] = "partial_skipped",
	[KTRACE_CONTENDED] = "contended",
	[KTRACE_SUCCESS] = "success",
};

static const char *const mode_name[KTRACE_NR_MODES] = {
	[KTRACE_MIGRATE_ASYNC] = "MIGRATE_ASYNC",
	[KTRACE_MIGRATE_SYNC_LIGHT] = "MIGRATE_SYNC_LIGHT",
	[KTRACE_MIGRATE_SYNC] = "MIGRATE_SYNC",
};

/* enum migrate_reason */
static const char *const reason_name[KTRACE_NR_REASONS] = {
	"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
	"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
	"demotion", "damon",
};

/**
 * ktrace_type_name() - The tracepoint name of an event type.
 * @type: the type.
 *
 * Return: "mm_compaction_begin" and so on, or "?".
 */
const char *ktrace_type_name(enum ktrace_type type)
{
	return type < KTRACE_NR_TYPES ? type_name[type] : "?";
}

/**
 * ktrace_result_name() - How the trace spells a compact_result.
 * @result: an enum ktrace_compact_result value, or -1.
 *
 * Return: "complete" and so on; "-" for -1, "?" for anything else.
 */
const char *ktrace_result_name(int result)
{
	if (result == -1)
		return "-";
	return result >= 0 && result < KTRACE_NR_RESULTS ?
	       result_name[result] : "?";
}

/* ------------------------------------------------------------------ */
/* Fields */

/*
 * The value of "key=" in @fields: the key must start the text or follow a
 * blank, '(' or ',' so that "nr_failed" does not match "nr_thp_failed".
 */
static const char *field(const char *fields, const char *key)
{
	size_t n = strlen(key);
	const char *p = fields;

	while ((p = strstr(p, key))) {
		if ((p == fields || p[-1] == ' ' || p[-1] == '(' ||
		     p[-1] == ',') && p[n] == '=')
			return p + n + 1;
		p += n;
	}
	return NULL;
}

/* A value's word: up to a blank, ',' or ')'. */
static size_t word_len(const char *v)
{
	return strcspn(v, " \t,)");
}

static bool field_ulong(const char *fields, const char *key,
			unsigned long *out)
{
	const char *v = field(fields, key);
	char buf[32];
	uint64_t x;
	size_t n;

	if (!v)
		return false;
	n = word_len(v);
	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (!cap_parse_u64(buf, 0, &x))
		return false;
	*out = x;
	return true;
}

static bool field_int(const char *fields, const char *key, int *out)
{
	const char *v = field(fields, key);
	char buf[32];
	int64_t x;
	size_t n;

	if (!v)
		return false;
	n = word_len(v);
	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (!cap_parse_s64(buf, &x) || x < -(1LL << 31) || x >= (1LL << 31))
		return false;
	*out = (int)x;
	return true;
}

static bool field_word(const char *fields, const char *key, char *out,
		       size_t len)
{
	const char *v = field(fields, key);
	size_t n;

	if (!v)
		return false;
	n = word_len(v);
	if (!n || n >= len)
		return false;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

/*
 * A symbolic field: its index in @names, or the number __print_symbolic()
 * prints for a value it has no name for.
 */
static bool field_symbol(const char *fields, const char *key,
			 const char *const *names, int nr, int *out)
{
	char word[40];
	uint64_t x;
	int i;

	if (!field_word(fields, key, word, sizeof(word)))
		return false;
	for (i = 0; i < nr; i++) {
		if (names[i] && !strcmp(word, names[i])) {
			*out = i;
			return true;
		}
	}
	if (!cap_parse_u64(word, 0, &x) || x > 255)
		return false;
	*out = (int)x;
	return true;
}

/* "range=(0x1000 ~ 0x1200)" */
static bool field_range(const char *fields, unsigned long *start,
			unsigned long *end)
{
	const char *v = field(fields, "range");
	char *e;

	if (!v || *v != '(')
		return false;
	errno = 0;
	*start = strtoul(v + 1, &e, 0);
	if (errno || e == v + 1)
		return false;
	e = cap_skip_space(e);
	if (*e != '~')
		return false;
	v = cap_skip_space(e + 1);
	*end = strtoul(v, &e, 0);
	if (errno || e == v || *e != ')')
		return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Events */

/* Which field was missing or bad, for the message; NULL if all good. */
static const char *parse_zone_fields(struct ktrace_event *e, const char *f)
{
	char mode[16];

	if (!field_ulong(f, "zone_start", &e->zone.zone_start))
		return "zone_start";
	if (!field_ulong(f, "migrate_pfn", &e->zone.migrate_pfn))
		return "migrate_pfn";
	if (!field_ulong(f, "free_pfn", &e->zone.free_pfn))
		return "free_pfn";
	if (!field_ulong(f, "zone_end", &e->zone.zone_end))
		return "zone_end";
	if (!field_word(f, "mode", mode, sizeof(mode)) ||
	    (strcmp(mode, "sync") && strcmp(mode, "async")))
		return "mode";
	e->zone.sync = !strcmp(mode, "sync");
	e->zone.status = -1;
	if (e->type == KTRACE_COMPACTION_END &&
	    !field_symbol(f, "status", result_name, KTRACE_NR_RESULTS,
			  &e->zone.status))
		return "status";
	return NULL;
}

static const char *parse_zone_order(struct ktrace_event *e, const char *f)
{
	int considered;

	if (!field_int(f, "node", &e->zone_order.nid))
		return "node";
	if (!field_word(f, "zone", e->zone_order.zone,
			sizeof(e->zone_order.zone)))
		return "zone";
	if (!field_int(f, "order", &e->zone_order.order))
		return "order";
	e->zone_order.ret = -1;
	if (e->type == KTRACE_FINISHED || e->type == KTRACE_SUITABLE) {
		if (!field_symbol(f, "ret", result_name, KTRACE_NR_RESULTS,
				  &e->zone_order.ret))
			return "ret";
		return NULL;
	}
	if (!field_int(f, "order_failed", &e->zone_order.order_failed))
		return "order_failed";
	if (!field_int(f, "consider", &considered) || considered < 0)
		return "consider";
	e->zone_order.considered = considered;
	if (!field_ulong(f, "limit", &e->zone_order.limit))
		return "limit";
	return NULL;
}

static const char *parse_migrate(struct ktrace_event *e, const char *f)
{
	if (!field_symbol(f, "mode", mode_name, KTRACE_NR_MODES,
			  &e->migrate.mode))
		return "mode";
	if (!field_symbol(f, "reason", reason_name, KTRACE_NR_REASONS,
			  &e->migrate.reason))
		return "reason";
	if (e->type == KTRACE_MIGRATE_PAGES_START)
		return NULL;
	if (!field_ulong(f, "nr_succeeded", &e->migrate.nr_succeeded))
		return "nr_succeeded";
	if (!field_ulong(f, "nr_failed", &e->migrate.nr_failed))
		return "nr_failed";
	/* later additions: absent in older kernels' traces */
	field_ulong(f, "nr_thp_succeeded", &e->migrate.nr_thp_succeeded);
	field_ulong(f, "nr_thp_failed", &e->migrate.nr_thp_failed);
	field_ulong(f, "nr_thp_split", &e->migrate.nr_thp_split);
	field_ulong(f, "nr_split", &e->migrate.nr_split);
	return NULL;
}

static const char *parse_fields(struct ktrace_event *e, const char *f)
{
	switch (e->type) {
	case KTRACE_COMPACTION_BEGIN:
	case KTRACE_COMPACTION_END:
		return parse_zone_fields(e, f);
	case KTRACE_ISOLATE_MIGRATEPAGES:
	case KTRACE_ISOLATE_FREEPAGES:
	case KTRACE_FAST_ISOLATE_FREEPAGES:
		if (!field_range(f, &e->isolate.start_pfn, &e->isolate.end_pfn))
			return "range";
		if (!field_ulong(f, "nr_scanned", &e->isolate.nr_scanned))
			return "nr_scanned";
		if (!field_ulong(f, "nr_taken", &e->isolate.nr_taken))
			return "nr_taken";
		return NULL;
	case KTRACE_MIGRATEPAGES:
		if (!field_ulong(f, "nr_migrated", &e->compact.nr_migrated))
			return "nr_migrated";
		if (!field_ulong(f, "nr_failed", &e->compact.nr_failed))
			return "nr_failed";
		return NULL;
	case KTRACE_FINISHED:
	case KTRACE_SUITABLE:
	case KTRACE_DEFERRED:
	case KTRACE_DEFER_COMPACTION:
	case KTRACE_DEFER_RESET:
		return parse_zone_order(e, f);
	case KTRACE_TRY_TO_COMPACT_PAGES:
		if (!field_int(f, "order", &e->try_compact.order))
			return "order";
		if (!field(f, "gfp_mask"))
			return "gfp_mask";
		if (!field_int(f, "priority", &e->try_compact.priority))
			return "priority";
		return NULL;
	case KTRACE_WAKEUP_KCOMPACTD:
	case KTRACE_KCOMPACTD_WAKE:
	case KTRACE_KCOMPACTD_SLEEP:
		if (!field_int(f, "nid", &e->kcompactd.nid))
			return "nid";
		if (e->type == KTRACE_KCOMPACTD_SLEEP)
			return NULL;
		if (!field_int(f, "order", &e->kcompactd.order))
			return "order";
		if (!field_word(f, "classzone_idx", e->kcompactd.classzone,
				sizeof(e->kcompactd.classzone)))
			return "classzone_idx";
		return NULL;
	case KTRACE_MIGRATE_PAGES:
	case KTRACE_MIGRATE_PAGES_START:
		return parse_migrate(e, f);
	default:
		return "?";
	}
}

static int type_of(const char *name, size_t len)
{
	int i;

	for (i = 0; i < KTRACE_NR_TYPES; i++)
		if (strlen(type_name[i]) == len && !memcmp(type_name[i], name, len))
			return i;
	return -1;
}

/* "263.290928" (or a counter clock's integer) in ns. */
static bool parse_timestamp(const char *s, size_t len, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	unsigned int digits = 0;
	size_t i = 0;

	if (!len || !isdigit((unsigned char)s[0]))
		return false;
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		sec = sec * 10 + (s[i] - '0');
	if (i < len && s[i] == '.') {
		for (i++; i < len && isdigit((unsigned char)s[i]); i++) {
			if (digits < 9) {
				frac = frac * 10 + (s[i] - '0');
				digits++;
			}
		}
	}
	if (i != len)
		return false;
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000ULL + frac;
	return true;
}

/*
 * Split "comm-PID [CPU] FLAGS TS: EVENT: FIELDS".  COMM may hold blanks
 * and dashes; the PID is the digits after the last dash before the CPU
 * column.  Sets the event's header and @name/@fields; false if the line
 * is not of that shape.
 */
static bool split_line(char *s, struct ktrace_event *e, char **name,
		       size_t *name_len, char **fields)
{
	char *cpu, *close, *p, *dash, *ts, *colon, *blank;
	char *end;
	long v;

	/* the CPU column: " [ddd]" */
	for (cpu = strchr(s, '['); cpu; cpu = strchr(cpu + 1, '[')) {
		if (cpu > s && cpu[-1] == ' ' && isdigit((unsigned char)cpu[1]))
			break;
	}
	if (!cpu)
		return false;
	errno = 0;
	v = strtol(cpu + 1, &close, 10);
	if (errno || *close != ']' || v < 0)
		return false;
	e->cpu = (int)v;

	/* "comm-PID" or "comm-PID (TGID)" before it */
	p = cpu;
	while (p > s && p[-1] == ' ')
		p--;
	if (p > s && p[-1] == ')') {
		char *open = p - 1;

		while (open > s && *open != '(')
			open--;
		if (*open != '(')
			return false;
		p = open;
		while (p > s && p[-1] == ' ')
			p--;
	}
	*p = '\0';
	dash = strrchr(s, '-');
	if (!dash || !dash[1])
		return false;
	v = strtol(dash + 1, &end, 10);
	if (*end || v < 0)
		return false;
	e->pid = (int)v;
	*dash = '\0';
	snprintf(e->comm, sizeof(e->comm), "%s", s);

	/* optional flags, then "TS:" */
	p = cap_skip_space(close + 1);
	ts = p;
	colon = strchr(p, ':');
	if (!colon)
		return false;
	if (strchr(p, ' ') && strchr(p, ' ') < colon) {
		/* "....." or "d..1." came first */
		ts = cap_skip_space(strchr(p, ' '));
		colon = strchr(ts, ':');
		if (!colon)
			return false;
	}
	if (!parse_timestamp(ts, colon - ts, &e->ts_ns))
		return false;

	/* "EVENT: FIELDS" */
	p = cap_skip_space(colon + 1);
	colon = strchr(p, ':');
	blank = strchr(p, ' ');
	if (!colon || colon == p || (blank && blank < colon))
		return false;
	*name = p;
	*name_len = colon - p;
	*fields = cap_skip_space(colon + 1);
	return true;
}

static int pool_add(struct ktrace *t, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;

	if (t->pool_len + n > t->pool_cap) {
		size_t cap = t->pool_cap ? t->pool_cap * 2 : 1 << 16;
		char *p;

		while (cap < t->pool_len + n)
			cap *= 2;
		p = realloc(t->pool, cap);
		if (!p)
			return -ENOMEM;
		t->pool = p;
		t->pool_cap = cap;
	}
	memcpy(t->pool + t->pool_len, s, n);
	*off = t->pool_len;
	t->pool_len += n;
	return 0;
}

static int add_event(struct ktrace *t, const struct ktrace_event *e)
{
	if (t->nr_ev == t->cap_ev) {
		unsigned int cap = t->cap_ev ? t->cap_ev * 2 : 1024;
		struct ktrace_event *ev = realloc(t->ev, cap * sizeof(*ev));

		if (!ev)
			return -ENOMEM;
		t->ev = ev;
		t->cap_ev = cap;
	}
	t->ev[t->nr_ev++] = *e;
	return 0;
}

/*
 * Lines that are not events: comments, blank lines, the markers the ring
 * buffer writes ("##### CPU 1 buffer started ####", "CPU:1 [LOST 12
 * EVENTS]").  True if @s is one; lost events are counted.
 */
static bool not_an_event(struct ktrace *t, const char *s)
{
	const char *lost;

	if (!*s || *s == '#')
		return true;
	if (!strncmp(s, "CPU:", 4) && (lost = strstr(s, "[LOST "))) {
		t->lost += strtoul(lost + 6, NULL, 10);
		return true;
	}
	return false;
}

static int parse_line(struct cap_lines *l, char *line, void *ctx)
{
	struct ktrace *t = ctx;
	char *s, *name, *fields;
	struct ktrace_event e;
	const char *bad;
	size_t name_len;
	int type, ret;

	s = cap_skip_space(line);
	cap_rstrip(s);
	cap_rstrip(l->line);
	if (not_an_event(t, s))
		return 0;
	memset(&e, 0, sizeof(e));
	e.line = l->lineno;
	e.run = -1;
	if (!split_line(s, &e, &name, &name_len, &fields))
		return cap_lines_expected(l, "\"COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS\"");
	type = type_of(name, name_len);
	if (type < 0) {
		t->nr_other++;
		return 0;
	}
	e.type = type;
	bad = parse_fields(&e, fields);
	if (bad)
		return cap_lines_error(l, "%s: no valid %s= field in \"%.100s\"",
				       type_name[type], bad, fields);
	ret = pool_add(t, cap_skip_space(l->line), &e.text);
	if (ret)
		return ret;
	e.payload = fields - s;
	return add_event(t, &e);
}

/**
 * ktrace_free() - Free a parsed trace.
 * @t: the trace; zeroed on return.
 */
void ktrace_free(struct ktrace *t)
{
	free(t->name);
	free(t->ev);
	free(t->pool);
	free(t->runs);
	memset(t, 0, sizeof(*t));
}

/**
 * ktrace_parse() - Read trace text into events.
 * @text: the text (tracefs "trace" file format).
 * @len: its length.
 * @name: for messages.
 * @t: filled with the events of the known names, in order.
 * @err: the message on failure: "NAME:LINE: ...".
 * @errlen: its size.
 *
 * Comments and ring-buffer markers are skipped, events of other names
 * counted in @t->nr_other, lost events in @t->lost.  An empty trace (only
 * comments) is no error.
 *
 * Return: 0, -EINVAL (a line that is no event, a known event with a field
 * missing or malformed, a truncated last line) or -ENOMEM.  On failure
 * @t is empty.
 */
int ktrace_parse(const char *text, size_t len, const char *name,
		 struct ktrace *t, char *err, size_t errlen)
{
	struct cap_lines l;
	int ret;

	memset(t, 0, sizeof(*t));
	t->name = strdup(name);
	if (!t->name)
		return -ENOMEM;
	ret = cap_parse_text(&l, text, len, name, err, errlen, CAP_EMPTY_OK,
			     parse_line, t);
	t->nr_lines = l.lineno;
	if (ret)
		ktrace_free(t);
	return ret;
}

/**
 * ktrace_load() - Read a trace file (plain or zstd) into events.
 * @path: the file, e.g. a capture's trace.zst.
 * @t: filled as ktrace_parse() does.
 * @err: the message on failure, naming @path.
 * @errlen: its size.
 *
 * Return: 0 or the -errno of capture_read_text() or ktrace_parse().
 */
int ktrace_load(const char *path, struct ktrace *t, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = capture_read_text(path, &text, &len, err, errlen);
	if (ret)
		return ret;
	ret = ktrace_parse(text, len, path, t, err, errlen);
	free(text);
	return ret;
}

/**
 * ktrace_line() - The text of an event's line.
 * @t: the trace.
 * @ev: the event's index.
 *
 * Return: the line as read, leading blanks cut.
 */
const char *ktrace_line(const struct ktrace *t, unsigned int ev)
{
	return t->pool + t->ev[ev].text;
}

/**
 * ktrace_payload() - The fields of an event's line.
 * @t: the trace.
 * @ev: the event's index.
 *
 * Return: what follows "EVENT: ".
 */
const char *ktrace_payload(const struct ktrace *t, unsigned int ev)
{
	return ktrace_line(t, ev) + t->ev[ev].payload;
}

/* Compare two field texts word by word: the padding of %-8s may differ. */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		a = cap_skip_space(a);
		b = cap_skip_space(b);
		if (!*a || !*b)
			return !*a && !*b;
		while (*a && *a != ' ' && *a != '\t') {
			if (*a != *b)
				return false;
			a++;
			b++;
		}
		if (*b && *b != ' ' && *b != '\t')
			return false;
	}
}

/**
 * ktrace_event_equal() - Do two events say the same?
 * @a: one trace.
 * @ea: an event of @a.
 * @b: another trace (or @a).
 * @eb: an event of @b.
 *
 * Same tracepoint and same fields, blanks between words aside; task,
 * CPU and time are not compared.
 *
 * Return: true if equal.
 */
bool ktrace_event_equal(const struct ktrace *a, unsigned int ea,
			const struct ktrace *b, unsigned int eb)
{
	return a->ev[ea].type == b->ev[eb].type &&
	       same_words(ktrace_payload(a, ea), ktrace_payload(b, eb));
}

/* ------------------------------------------------------------------ */
/* Runs */

static struct ktrace_run *open_run(struct ktrace *t, unsigned int i)
{
	const struct ktrace_event *e = &t->ev[i];
	struct ktrace_run *r, *runs;

	runs = realloc(t->runs, (t->nr_runs + 1) * sizeof(*runs));
	if (!runs)
		return NULL;
	t->runs = runs;
	r = &t->runs[t->nr_runs++];
	memset(r, 0, sizeof(*r));
	r->pid = e->pid;
	memcpy(r->comm, e->comm, sizeof(r->comm));
	r->begin = r->end = i;
	r->nid = -1;
	strcpy(r->zone, "?");
	r->zone_start = e->zone.zone_start;
	r->zone_end = e->zone.zone_end;
	r->sync = e->zone.sync;
	r->begin_migrate_pfn = e->zone.migrate_pfn;
	r->begin_free_pfn = e->zone.free_pfn;
	r->status = -1;
	return r;
}

static void add_scan(struct ktrace_scan *s, const struct ktrace_event *e)
{
	s->events++;
	s->scanned += e->isolate.nr_scanned;
	s->taken += e->isolate.nr_taken;
}

/* Account event @e to run @r. */
static void run_account(struct ktrace_run *r, const struct ktrace_event *e,
			unsigned int i)
{
	r->nr_events++;
	switch (e->type) {
	case KTRACE_COMPACTION_END:
		r->ended = true;
		r->end = i;
		r->end_migrate_pfn = e->zone.migrate_pfn;
		r->end_free_pfn = e->zone.free_pfn;
		r->status = e->zone.status;
		break;
	case KTRACE_ISOLATE_MIGRATEPAGES:
		add_scan(&r->isolate_migrate, e);
		break;
	case KTRACE_ISOLATE_FREEPAGES:
		add_scan(&r->isolate_free, e);
		break;
	case KTRACE_FAST_ISOLATE_FREEPAGES:
		add_scan(&r->fast_isolate_free, e);
		break;
	case KTRACE_MIGRATEPAGES:
		r->nr_migrated += e->compact.nr_migrated;
		r->nr_compact_failed += e->compact.nr_failed;
		break;
	case KTRACE_MIGRATE_PAGES:
		r->migrate_calls++;
		r->nr_succeeded += e->migrate.nr_succeeded;
		r->nr_failed += e->migrate.nr_failed;
		r->nr_thp_succeeded += e->migrate.nr_thp_succeeded;
		r->nr_thp_failed += e->migrate.nr_thp_failed;
		r->nr_thp_split += e->migrate.nr_thp_split;
		r->nr_split += e->migrate.nr_split;
		break;
	case KTRACE_FINISHED:
	case KTRACE_SUITABLE:
		/* the only events of a run that name node and zone */
		if (r->nid < 0) {
			r->nid = e->zone_order.nid;
			snprintf(r->zone, sizeof(r->zone), "%s",
				 e->zone_order.zone);
		}
		break;
	default:
		break;
	}
}

/* The zone a run compacted, by its zone_start, from the capture. */
static void run_name_zone(struct ktrace_run *r,
			  const struct capture_zoneinfo *zi)
{
	const struct capture_zone *z;

	if (!zi)
		return;
	z = capture_zone_at(zi, r->zone_start);
	if (!z)
		return;
	r->nid = z->nid;
	snprintf(r->zone, sizeof(r->zone), "%s", z->name);
}

/* The open run of @pid, or -1. */
static int open_run_of(const int *open, const struct ktrace *t, int pid)
{
	unsigned int i;

	for (i = 0; i < t->nr_runs; i++)
		if (open[i] && t->runs[i].pid == pid)
			return i;
	return -1;
}

/**
 * ktrace_summarize() - Group a trace's events into compact_zone() runs.
 * @t: a parsed trace; its events get their run index, t->runs is filled.
 * @zi: the machine's zoneinfo to name each run's zone by its zone_start
 *	(NULL: names come from the run's mm_compaction_finished events).
 *
 * A begin while the same task has a run open closes that run as not
 * ended (its end was lost); an end with no open run is counted in
 * t->nr_orphan_ends.
 *
 * Return: 0 or -ENOMEM.
 */
int ktrace_summarize(struct ktrace *t, const struct capture_zoneinfo *zi)
{
	struct ktrace_event *e;
	unsigned int i;
	int *open = NULL, *o, r;

	free(t->runs);
	t->runs = NULL;
	t->nr_runs = t->nr_unended = t->nr_orphan_ends = 0;
	for (i = 0; i < t->nr_ev; i++) {
		e = &t->ev[i];
		r = open_run_of(open, t, e->pid);
		e->run = -1;
		if (e->type == KTRACE_COMPACTION_BEGIN) {
			if (r >= 0)
				open[r] = 0;
			o = realloc(open, (t->nr_runs + 1) * sizeof(*o));
			if (!o)
				goto nomem;
			open = o;
			if (!open_run(t, i))
				goto nomem;
			r = t->nr_runs - 1;
			open[r] = 1;
			run_name_zone(&t->runs[r], zi);
		} else if (r < 0) {
			if (e->type == KTRACE_COMPACTION_END)
				t->nr_orphan_ends++;
			continue;
		}
		e->run = r;
		run_account(&t->runs[r], e, i);
		if (e->type == KTRACE_COMPACTION_END)
			open[r] = 0;
	}
	for (i = 0; i < t->nr_runs; i++)
		t->nr_unended += !t->runs[i].ended;
	free(open);
	return 0;
nomem:
	free(open);
	return -ENOMEM;
}

/**
 * ktrace_main_pid() - The task whose runs a comparison should take.
 * @t: a parsed trace.
 *
 * compact_memory compacts every zone from the task that wrote the sysctl;
 * kcompactd's proactive compaction may run meanwhile.  The task of the
 * first mm_compaction_begin not by a "kcompactd" thread is the one.
 *
 * Return: its PID, or -1 if no such begin (then none were by others, or
 * the trace has no run).
 */
int ktrace_main_pid(const struct ktrace *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_ev; i++)
		if (t->ev[i].type == KTRACE_COMPACTION_BEGIN &&
		    strncmp(t->ev[i].comm, "kcompactd", 9))
			return t->ev[i].pid;
	for (i = 0; i < t->nr_ev; i++)
		if (t->ev[i].type == KTRACE_COMPACTION_BEGIN)
			return t->ev[i].pid;
	return -1;
}

/**
 * ktrace_print_runs() - One line per compact_zone() run.
 * @f: where.
 * @t: a summarized trace.
 */
void ktrace_print_runs(FILE *f, const struct ktrace *t)
{
	const struct ktrace_run *r;
	char task[KTRACE_COMM_LEN + 16];
	unsigned int i;

	fprintf(f, "%-16s %4s %-8s %-5s %10s %10s %10s %10s %-17s %9s %8s %10s %10s\n",
		"task", "node", "zone", "mode", "migrate", "free", "end_mig",
		"end_free", "status", "migrated", "failed", "mig_scan",
		"free_scan");
	for (i = 0; i < t->nr_runs; i++) {
		r = &t->runs[i];
		snprintf(task, sizeof(task), "%s-%d", r->comm, r->pid);
		fprintf(f, "%-16s %4d %-8s %-5s %#10lx %#10lx ",
			task, r->nid, r->zone,
			r->sync ? "sync" : "async", r->begin_migrate_pfn,
			r->begin_free_pfn);
		if (r->ended)
			fprintf(f, "%#10lx %#10lx ", r->end_migrate_pfn,
				r->end_free_pfn);
		else
			fprintf(f, "%10s %10s ", "-", "-");
		fprintf(f, "%-17s %9lu %8lu %10lu %10lu\n",
			ktrace_result_name(r->status), r->nr_succeeded,
			r->nr_failed, r->isolate_migrate.scanned,
			r->isolate_free.scanned + r->fast_isolate_free.scanned);
	}
}
