// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events in the kernel's format (mm/trace.c, sim/trace.c).
 *
 * The reference is Linux 6.18 itself: tests/data/trace/format/ holds the
 * tracefs format file of each event, and one regular expression per event
 * is built from its "print fmt:" line (literal text kept, %lx, %lu, %u,
 * %d as numbers, %s and %-8s as the alternatives its __print_symbolic(),
 * __print_flags() or "?:" argument names, padded as printed).  The
 * expressions must match every line of a real kernel's trace
 * (tests/data/trace/compact_memory-6.18.txt) and every line pagemig
 * writes.  Then the contents: a full compaction's trace has one begin/end
 * pair per zone; its mm_migrate_pages successes add up to the
 * pgmigrate_success delta and its scanners' nr_taken to compact_isolated;
 * the end status is what compact_zone() returned; direct compaction,
 * deferral and kcompactd fire their events from the right threads; lines
 * from concurrent threads stay whole; with no trace file nothing is
 * formatted or written.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/data.h"
#include "harness/mm_fixture.h"
#include <pagemig/pagemig.h>
#include <pagemig/trace/events/compaction.h>
#include <pagemig/trace/events/migrate.h>
#include "../../drivers/balloon_host.h"
#include "../../sim/trace.h"

#define TIMEOUT_MS	10000
#define MAX_PFNS	(32 * 256)

static const char *const event_names[] = {
	"mm_compaction_begin", "mm_compaction_end",
	"mm_compaction_isolate_migratepages", "mm_compaction_isolate_freepages",
	"mm_compaction_fast_isolate_freepages", "mm_compaction_migratepages",
	"mm_compaction_finished", "mm_compaction_suitable",
	"mm_compaction_deferred", "mm_compaction_defer_compaction",
	"mm_compaction_defer_reset", "mm_compaction_try_to_compact_pages",
	"mm_compaction_wakeup_kcompactd", "mm_compaction_kcompactd_wake",
	"mm_compaction_kcompactd_sleep", "mm_migrate_pages",
	"mm_migrate_pages_start",
};
#define NR_EVENTS	ARRAY_SIZE(event_names)

/* ---- regular expressions from "print fmt:" ------------------------------- */

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* @s as a literal in an extended regular expression. */
static void sb_literal(struct strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr(".[]()*+?{}|^$\\", s[i]))
			sb_add(b, "\\", 1);
		sb_add(b, &s[i], 1);
	}
}

/* The end of the C string literal that starts at @p (at its '"'). */
static const char *string_end(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return p;
}

/*
 * The arguments after the format string, split at the commas that are
 * not inside brackets or strings.  Returns how many (at most @max).
 */
static int split_args(const char *p, const char **start, size_t *len, int max)
{
	int depth = 0, n = 0;
	const char *s = p;

	for (; *p && *p != '\n'; p++) {
		if (*p == '"') {
			p = string_end(p);
			continue;
		}
		if (*p == '(' || *p == '{' || *p == '[')
			depth++;
		else if (*p == ')' || *p == '}' || *p == ']')
			depth--;
		else if (*p == ',' && !depth) {
			if (n < max) {
				start[n] = s;
				len[n++] = (size_t)(p - s);
			}
			s = p + 1;
		}
	}
	if (n < max && p > s) {
		start[n] = s;
		len[n++] = (size_t)(p - s);
	}
	return n;
}

/*
 * The names an argument can print as: its string literals, less the
 * __print_flags() delimiter.  Appends "(a|b|...)" to @b, each name
 * padded with spaces to @width.
 */
static void sb_names(struct strbuf *b, const char *arg, size_t len, int width,
		     bool hex_fallback)
{
	const char *end = arg + len, *p, *q;
	bool first = true;

	sb_str(b, "(");
	for (p = arg; p < end; p++) {
		int pad;

		if (*p != '"')
			continue;
		q = string_end(p);
		if (q - p - 1 == 1 && p[1] == '|') {
			p = q;
			continue;
		}
		if (!first)
			sb_str(b, "|");
		first = false;
		sb_literal(b, p + 1, (size_t)(q - p - 1));
		for (pad = (int)(q - p - 1); pad < width; pad++)
			sb_str(b, " ");
		p = q;
	}
	if (hex_fallback)
		sb_str(b, width > 0 ? "|0x[0-9a-f]+ *" : "|0x[0-9a-f]+");
	sb_str(b, ")");
}

/* An extended regular expression for the fields of a format file's event. */
static char *fields_regex(const char *format_text)
{
	const char *fmt = strstr(format_text, "print fmt: \""), *end, *p;
	const char *arg[32];
	size_t arg_len[32];
	struct strbuf b = { 0 };
	int nargs, a = 0;

	if (!fmt)
		return NULL;
	fmt += strlen("print fmt: ");
	end = string_end(fmt);
	if (*end != '"' || end[1] != ',')
		return NULL;
	nargs = split_args(end + 2, arg, arg_len, 32);
	sb_str(&b, "^");
	for (p = fmt + 1; p < end; p++) {
		int width = 0;
		bool left = false;

		if (*p != '%') {
			sb_literal(&b, p, 1);
			continue;
		}
		p++;
		if (*p == '-') {
			left = true;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l')
			p++;
		if (a >= nargs) {
			free(b.s);
			return NULL;
		}
		switch (*p) {
		case 'x':
			sb_str(&b, "[0-9a-f]+");
			break;
		case 'u':
			sb_str(&b, "[0-9]+");
			break;
		case 'd':
			sb_str(&b, "-?[0-9]+");
			break;
		case 's':
			if (memmem(arg[a], arg_len[a], "__print_flags(", 14)) {
				struct strbuf g = { 0 };

				sb_names(&g, arg[a], arg_len[a], 0, false);
				sb_str(&b, "(");
				sb_str(&b, g.s);
				sb_str(&b, "(\\|");
				sb_str(&b, g.s);
				sb_str(&b, ")*(\\|0x[0-9a-f]+)?|0x[0-9a-f]+|none)");
				free(g.s);
			} else {
				bool symbolic = memmem(arg[a], arg_len[a],
						       "__print_symbolic(", 17);

				sb_names(&b, arg[a], arg_len[a], left ? width : 0,
					 symbolic);
			}
			break;
		default:
			free(b.s);
			return NULL;
		}
		a++;
	}
	sb_str(&b, "$");
	return b.s;
}

struct event_re {
	const char *name;
	regex_t re;
	bool ok;
};

static struct event_re formats[NR_EVENTS];
static bool formats_loaded;

static int load_formats(void)
{
	unsigned int i;

	if (formats_loaded)
		return 0;
	for (i = 0; i < NR_EVENTS; i++) {
		char path[96], *text, *re;

		snprintf(path, sizeof(path), "trace/format/%s", event_names[i]);
		text = test_read_file(test_data_path(path));
		if (!text)
			return -ENOENT;
		re = fields_regex(text);
		free(text);
		if (!re)
			return -EINVAL;
		formats[i].name = event_names[i];
		formats[i].ok = !regcomp(&formats[i].re, re, REG_EXTENDED | REG_NOSUB);
		free(re);
		if (!formats[i].ok)
			return -EINVAL;
	}
	formats_loaded = true;
	return 0;
}

static int event_index(const char *name)
{
	for (unsigned int i = 0; i < NR_EVENTS; i++)
		if (!strcmp(event_names[i], name))
			return (int)i;
	return -1;
}

/* ---- trace lines ---------------------------------------------------------- */

struct tline {
	char comm[24];
	int pid, cpu;
	unsigned long long usecs;
	char event[48];
	char fields[400];
	bool matches;		/* fields match the event's format */
	bool aligned;		/* '[' at column 25, as tracefs's %16s-%-7d */
};

struct trace {
	struct tline *l;
	unsigned int n, cap;
	unsigned int bad;	/* lines that are not "header: event: fields" */
};

static regex_t header_re;

static void header_re_init(void)
{
	static bool done;

	if (done)
		return;
	if (regcomp(&header_re,
		    "^ *([^ ].*)-([0-9]+) +\\[([0-9]{3})\\] ([^ ]{5}) +([0-9]+)\\.([0-9]{6}): ([a-z0-9_]+): (.*)$",
		    REG_EXTENDED))
		abort();
	done = true;
}

static void copy_match(char *dst, size_t size, const char *line,
		       const regmatch_t *m)
{
	size_t n = (size_t)(m->rm_eo - m->rm_so);

	if (n >= size)
		n = size - 1;
	memcpy(dst, line + m->rm_so, n);
	dst[n] = '\0';
}

/* Parse the text of a trace file; '#' lines are skipped. */
static void trace_parse(struct trace *t, char *text)
{
	char *line, *save = NULL;

	header_re_init();
	memset(t, 0, sizeof(*t));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[9];
		struct tline *l;
		char num[24];
		int e;

		if (line[0] == '#')
			continue;
		if (regexec(&header_re, line, 9, m, 0)) {
			t->bad++;
			continue;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->l = realloc(t->l, t->cap * sizeof(*t->l));
			if (!t->l)
				abort();
		}
		l = &t->l[t->n++];
		copy_match(l->comm, sizeof(l->comm), line, &m[1]);
		copy_match(num, sizeof(num), line, &m[2]);
		l->pid = atoi(num);
		copy_match(num, sizeof(num), line, &m[3]);
		l->cpu = atoi(num);
		copy_match(num, sizeof(num), line, &m[5]);
		l->usecs = strtoull(num, NULL, 10) * 1000000ULL;
		copy_match(num, sizeof(num), line, &m[6]);
		l->usecs += strtoull(num, NULL, 10);
		copy_match(l->event, sizeof(l->event), line, &m[7]);
		copy_match(l->fields, sizeof(l->fields), line, &m[8]);
		l->aligned = strlen(line) > 25 && line[25] == '[';
		e = event_index(l->event);
		l->matches = e >= 0 && !regexec(&formats[e].re, l->fields, 0, NULL, 0);
	}
}

static int trace_read(struct trace *t, const char *path)
{
	char *text = test_read_file(path);

	if (!text)
		return -errno;
	trace_parse(t, text);
	free(text);
	return 0;
}

static void trace_free(struct trace *t)
{
	free(t->l);
	memset(t, 0, sizeof(*t));
}

static unsigned int trace_count(const struct trace *t, const char *event)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->n; i++)
		n += !strcmp(t->l[i].event, event);
	return n;
}

/* The value of "@key=" in @fields (decimal or 0x hex), or ULONG_MAX. */
static unsigned long field(const char *fields, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = fields; (p = strstr(p, key)); p++)
		if ((p == fields || p[-1] == ' ') && p[k] == '=')
			return strtoul(p + k + 1, NULL, 0);
	return ULONG_MAX;
}

/* The word after "@key=" in @fields, into @buf. */
static const char *field_str(const char *fields, const char *key, char *buf,
			     size_t size)
{
	size_t k = strlen(key), n;

	for (const char *p = fields; (p = strstr(p, key)); p++)
		if ((p == fields || p[-1] == ' ') && p[k] == '=') {
			p += k + 1;
			n = strcspn(p, " ");
			if (n >= size)
				n = size - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
	buf[0] = '\0';
	return buf;
}

static bool range(const char *fields, unsigned long *start, unsigned long *end)
{
	return sscanf(fields, "range=(0x%lx ~ 0x%lx)", start, end) == 2;
}

/* Sum of "@key=" over every @event line. */
static unsigned long trace_sum(const struct trace *t, const char *event,
			       const char *key)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i < t->n; i++)
		if (!strcmp(t->l[i].event, event))
			sum += field(t->l[i].fields, key);
	return sum;
}

/* Every line parsed, matched its format and sat in tracefs's columns. */
#define EXPECT_TRACE_WELL_FORMED(t) do {				\
	unsigned int __i, __bad = 0;					\
									\
	EXPECT_EQ(0, (t)->bad);						\
	for (__i = 0; __i < (t)->n; __i++) {				\
		if ((t)->l[__i].matches && (t)->l[__i].aligned)		\
			continue;					\
		if (__bad++ < 5)					\
			TH_LOG("bad line %u: %s: %s", __i,		\
			       (t)->l[__i].event, (t)->l[__i].fields);	\
	}								\
	EXPECT_EQ(0, __bad);						\
} while (0)

/* ---- a trace file per test ------------------------------------------------ */

static char trace_path[64];

/* Open a fresh trace file (closing one a failed test left open). */
static int trace_start(void)
{
	int fd, ret;

	pagemig_trace_close();
	if (trace_path[0])
		unlink(trace_path);
	snprintf(trace_path, sizeof(trace_path), "/tmp/pagemig-trace-XXXXXX");
	fd = mkstemp(trace_path);
	if (fd < 0)
		return -errno;
	close(fd);
	ret = load_formats();
	if (ret)
		return ret;
	return pagemig_trace_open(trace_path);
}

static int trace_stop(struct trace *t)
{
	int ret = pagemig_trace_close();

	if (ret)
		return ret;
	ret = trace_read(t, trace_path);
	unlink(trace_path);
	trace_path[0] = '\0';
	return ret;
}

/* ---- a fragmented machine (as tests/unit/test_compaction.c makes it) ------- */

static unsigned long pfns[MAX_PFNS];

/*
 * Fill memory with movable order-0 pages, free every 8th, inflate the
 * virtio balloon into those holes, free the rest: balloon pages (movable)
 * scattered through every pageblock.  Returns the balloon's size.
 */
static unsigned long fragment(struct __test_metadata *_metadata)
{
	unsigned long n = 0, holes = 0, i, pfn;
	struct pagemig_balloon_stats st;
	int ret;

	while (n < MAX_PFNS &&
	       !pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0, &pfn))
		pfns[n++] = pfn;
	ASSERT_LT(n, MAX_PFNS);
	for (i = 0; i < n; i += 8, holes++) {
		ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
		pfns[i] = ULONG_MAX;
	}
	ret = pagemig_balloon_set_target(BALLOON_VIRTIO, holes, TIMEOUT_MS);
	ASSERT_TRUE(ret == 0 || ret == -ENOMEM);
	ASSERT_EQ(0, pagemig_balloon_stats(BALLOON_VIRTIO, &st));
	if (ret)
		ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, st.size,
							TIMEOUT_MS));
	for (i = 0; i < n; i++)
		if (pfns[i] != ULONG_MAX)
			ASSERT_EQ(0, pagemig_free_pages(pfns[i], 0));
	drain_all_pages(NULL);
	return st.size;
}

static void deflate(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, pagemig_balloon_set_target(BALLOON_VIRTIO, 0, TIMEOUT_MS));
}

static struct zone *normal(void) { return mm_zone(ZONE_NORMAL); }

MM_FIXTURE(tr, 32 * SZ_1M, 2 * SZ_1M, 0, 2)

/* ---- the formats themselves ------------------------------------------------ */

TEST(kernel_formats_give_strict_expressions)
{
	unsigned int i;
	int e;

	ASSERT_EQ(0, load_formats());
	for (i = 0; i < NR_EVENTS; i++)
		EXPECT_TRUE(formats[i].ok);
	/* Strict where the kernel is: zone names padded to 8, hex PFNs. */
	e = event_index("mm_compaction_finished");
	EXPECT_EQ(0, regexec(&formats[e].re,
			     "node=0 zone=Normal   order=-1 ret=continue", 0, NULL, 0));
	EXPECT_NE(0, regexec(&formats[e].re,
			     "node=0 zone=Normal order=-1 ret=continue", 0, NULL, 0));
	EXPECT_NE(0, regexec(&formats[e].re,
			     "node=0 zone=Normal   order=-1 ret=went_on", 0, NULL, 0));
	e = event_index("mm_compaction_begin");
	EXPECT_NE(0, regexec(&formats[e].re,
			     "zone_start=4096 migrate_pfn=0x1000 free_pfn=0xffe00 zone_end=0x100000, mode=sync",
			     0, NULL, 0));
	e = event_index("mm_compaction_try_to_compact_pages");
	EXPECT_EQ(0, regexec(&formats[e].re,
			     "order=9 gfp_mask=GFP_TRANSHUGE_LIGHT|__GFP_THISNODE priority=2",
			     0, NULL, 0));
	EXPECT_NE(0, regexec(&formats[e].re,
			     "order=9 gfp_mask=GFP_KERNEL| priority=2", 0, NULL, 0));
}

/*
 * The expressions against the kernel's own text: a trimmed trace of
 * compact_memory on Linux 6.18.44.
 */
TEST(kernel_sample_matches_its_formats)
{
	unsigned int i, begins = 0;
	unsigned long start = 0, end = 0;
	struct trace t;

	ASSERT_EQ(0, load_formats());
	ASSERT_EQ(0, trace_read(&t, test_data_path("trace/compact_memory-6.18.txt")));
	TH_LOG("%u kernel lines", t.n);
	EXPECT_GE(t.n, 300);
	EXPECT_TRACE_WELL_FORMED(&t);
	EXPECT_EQ(3, trace_count(&t, "mm_compaction_begin"));
	EXPECT_EQ(3, trace_count(&t, "mm_compaction_end"));
	EXPECT_GE(trace_count(&t, "mm_compaction_kcompactd_sleep"), 1);
	for (i = 0; i < t.n; i++) {
		struct tline *l = &t.l[i];

		if (!strcmp(l->event, "mm_compaction_begin")) {
			start = field(l->fields, "zone_start");
			end = field(l->fields, "zone_end");
			begins++;
		} else if (!strcmp(l->event, "mm_compaction_end")) {
			EXPECT_EQ(start, field(l->fields, "zone_start"));
			EXPECT_EQ(end, field(l->fields, "zone_end"));
		} else if (!strcmp(l->event, "mm_compaction_migratepages") && i >= 1 &&
			   !strcmp(t.l[i - 1].event, "mm_migrate_pages")) {
			/* The same count, from both sides of migrate_pages(). */
			EXPECT_EQ(field(t.l[i - 1].fields, "nr_succeeded"),
				  field(l->fields, "nr_migrated"));
		}
	}
	EXPECT_EQ(3, begins);
	trace_free(&t);
}

/* Each of pagemig's events, fired once by hand: its line, its format. */
TEST_F(tr, every_event_prints_in_its_format)
{
	struct zone *z = normal();
	struct trace t;
	unsigned int i;

	ASSERT_EQ(0, trace_start());
	trace_mm_compaction_begin(0x1000, 0x1000, 0x7e00, 0x8000, true);
	trace_mm_compaction_end(0x1000, 0x7e00, 0x7e00, 0x8000, false, COMPACT_COMPLETE);
	trace_mm_compaction_end(0x1000, 0x7e00, 0x7e00, 0x8000, true, 42);
	trace_mm_compaction_isolate_migratepages(0x1000, 0x1200, 512, 31);
	trace_mm_compaction_isolate_freepages(0x7e00, 0x7e40, 64, 64);
	trace_mm_compaction_fast_isolate_freepages(0x4000, 0x7e00, 3, 16);
	trace_mm_compaction_migratepages(32, 30);
	trace_mm_compaction_finished(z, -1, COMPACT_NO_SUITABLE_PAGE);
	trace_mm_compaction_suitable(z, 9, COMPACT_NOT_SUITABLE_ZONE);
	trace_mm_compaction_deferred(z, 9);
	trace_mm_compaction_defer_compaction(z, 9);
	trace_mm_compaction_defer_reset(z, 9);
	trace_mm_compaction_try_to_compact_pages(9, GFP_TRANSHUGE_LIGHT, 2);
	trace_mm_compaction_try_to_compact_pages(3, GFP_KERNEL | __GFP_COMP |
						 __GFP_NOWARN | 0x200, 1);
	trace_mm_compaction_try_to_compact_pages(0, 0, 0);
	trace_mm_compaction_wakeup_kcompactd(0, -1, ZONE_NORMAL);
	trace_mm_compaction_kcompactd_wake(0, 9, ZONE_DMA32);
	trace_mm_compaction_kcompactd_wake(0, 9, (enum zone_type)9);
	trace_mm_compaction_kcompactd_sleep(0);
	trace_mm_migrate_pages(30, 2, 1, 0, 0, 1, MIGRATE_SYNC_LIGHT, MR_COMPACTION);
	trace_mm_migrate_pages_start(MIGRATE_ASYNC, MR_CONTIG_RANGE);
	ASSERT_EQ(0, trace_stop(&t));

	EXPECT_EQ(21, t.n);
	EXPECT_TRACE_WELL_FORMED(&t);
	for (i = 0; i < NR_EVENTS; i++)
		EXPECT_GE(trace_count(&t, event_names[i]), 1);
	for (i = 0; i < t.n; i++) {
		EXPECT_STREQ("pagemig", t.l[i].comm);
		EXPECT_EQ(0, t.l[i].cpu);
		EXPECT_EQ(getpid(), t.l[i].pid);	/* the main thread */
		if (i)
			EXPECT_LE(t.l[i - 1].usecs, t.l[i].usecs);
	}
	/* What the kernel would print for the same values. */
	EXPECT_STREQ("zone_start=0x1000 migrate_pfn=0x7e00 free_pfn=0x7e00 zone_end=0x8000, mode=async status=complete",
		     t.l[1].fields);
	EXPECT_STREQ("zone_start=0x1000 migrate_pfn=0x7e00 free_pfn=0x7e00 zone_end=0x8000, mode=sync status=0x2a",
		     t.l[2].fields);
	EXPECT_STREQ("nr_migrated=30 nr_failed=2", t.l[6].fields);
	EXPECT_STREQ("node=0 zone=Normal   order=-1 ret=no_suitable_page", t.l[7].fields);
	EXPECT_STREQ("node=0 zone=Normal   order=9 ret=not_suitable_zone", t.l[8].fields);
	EXPECT_STREQ("order=9 gfp_mask=GFP_TRANSHUGE_LIGHT priority=2", t.l[12].fields);
	EXPECT_STREQ("order=3 gfp_mask=GFP_KERNEL|__GFP_NOWARN|__GFP_COMP|0x200 priority=1",
		     t.l[13].fields);
	EXPECT_STREQ("order=0 gfp_mask=none priority=0", t.l[14].fields);
	EXPECT_STREQ("nid=0 order=-1 classzone_idx=Normal  ", t.l[15].fields);
	EXPECT_STREQ("nid=0 order=9 classzone_idx=DMA32   ", t.l[16].fields);
	EXPECT_STREQ("nid=0 order=9 classzone_idx=0x9     ", t.l[17].fields);
	EXPECT_STREQ("nr_succeeded=30 nr_failed=2 nr_thp_succeeded=1 nr_thp_failed=0 nr_thp_split=0 nr_split=1 mode=MIGRATE_SYNC_LIGHT reason=compaction",
		     t.l[19].fields);
	EXPECT_STREQ("mode=MIGRATE_ASYNC reason=contig_range", t.l[20].fields);
	trace_free(&t);
}

/* ---- compaction's trace ------------------------------------------------------ */

/*
 * compact_memory: per populated zone one begin and one end, in order,
 * with the zone's bounds; every scanner range inside its zone; and the
 * counts add up to the vmstat counters.
 */
TEST_F(tr, full_compaction_trace_adds_up)
{
	unsigned long mig0, iso0, mig, iso, zstart = 0, zend = 0;
	unsigned int i, zones = 0, nr_begin = 0;
	bool in_zone = false;
	struct zone *zone;
	struct trace t;

	fragment(_metadata);
	mig0 = pagemig_vmstat("pgmigrate_success");
	iso0 = pagemig_vmstat("compact_isolated");
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, pagemig_compact(-1));
	ASSERT_EQ(0, trace_stop(&t));
	mig = pagemig_vmstat("pgmigrate_success") - mig0;
	iso = pagemig_vmstat("compact_isolated") - iso0;
	TH_LOG("%u lines, %lu migrated, %lu isolated", t.n, mig, iso);
	EXPECT_GT(mig, 0);
	EXPECT_TRACE_WELL_FORMED(&t);

	for_each_populated_zone(zone)
		zones++;
	for (i = 0; i < t.n; i++) {
		struct tline *l = &t.l[i];
		unsigned long s, e;

		if (!strcmp(l->event, "mm_compaction_begin")) {
			EXPECT_FALSE(in_zone);
			in_zone = true;
			zone = NULL;
			for_each_populated_zone(zone)
				if (zone->zone_start_pfn == field(l->fields, "zone_start"))
					break;
			ASSERT_NOT_NULL(zone);
			zstart = zone->zone_start_pfn;
			zend = zone_end_pfn(zone);
			EXPECT_EQ(zend, field(l->fields, "zone_end"));
			EXPECT_EQ(zstart, field(l->fields, "migrate_pfn"));
			nr_begin++;
		} else if (!strcmp(l->event, "mm_compaction_end")) {
			char status[24];

			EXPECT_TRUE(in_zone);
			in_zone = false;
			EXPECT_EQ(zstart, field(l->fields, "zone_start"));
			EXPECT_EQ(zend, field(l->fields, "zone_end"));
			field_str(l->fields, "status", status, sizeof(status));
			EXPECT_TRUE(!strcmp(status, "complete") ||
				    !strcmp(status, "contended"));
		} else if (range(l->fields, &s, &e)) {
			EXPECT_TRUE(in_zone);
			EXPECT_LE(zstart, s);
			EXPECT_LE(s, e);
			EXPECT_LE(e, zend);
			EXPECT_LE(field(l->fields, "nr_taken"),
				  field(l->fields, "nr_scanned"));
		} else if (!strcmp(l->event, "mm_compaction_finished")) {
			EXPECT_TRUE(in_zone);
			EXPECT_TRUE(strstr(l->fields, " order=-1 ") != NULL);
		}
	}
	EXPECT_FALSE(in_zone);
	EXPECT_EQ(zones, nr_begin);

	/* Each migrate_pages() round: started, done, and seen by compaction. */
	EXPECT_EQ(trace_count(&t, "mm_migrate_pages_start"),
		  trace_count(&t, "mm_migrate_pages"));
	EXPECT_EQ(trace_count(&t, "mm_migrate_pages"),
		  trace_count(&t, "mm_compaction_migratepages"));
	EXPECT_EQ(mig, trace_sum(&t, "mm_migrate_pages", "nr_succeeded"));
	EXPECT_EQ(mig, trace_sum(&t, "mm_compaction_migratepages", "nr_migrated"));
	/* Sources and targets both count in compact_isolated. */
	EXPECT_EQ(iso, trace_sum(&t, "mm_compaction_isolate_migratepages", "nr_taken") +
		       trace_sum(&t, "mm_compaction_isolate_freepages", "nr_taken") +
		       trace_sum(&t, "mm_compaction_fast_isolate_freepages", "nr_taken"));
	EXPECT_GT(trace_sum(&t, "mm_compaction_isolate_migratepages", "nr_taken"), 0);
	trace_free(&t);
	deflate(_metadata);
}

/* The end line's status is compact_zone()'s answer, whatever it is. */
TEST_F(tr, end_status_is_what_compact_zone_returned)
{
	static const struct {
		int order;
		enum migrate_mode mode;
	} runs[] = {
		{ 9, MIGRATE_SYNC_LIGHT },	/* targeted: stops at success */
		{ 9, MIGRATE_SYNC_LIGHT },	/* a block exists: no begin at all */
		{ -1, MIGRATE_SYNC },		/* whole zone */
		{ -1, MIGRATE_ASYNC },
	};
	unsigned int r, i;

	fragment(_metadata);
	for (r = 0; r < ARRAY_SIZE(runs); r++) {
		enum compact_result res;
		const char *last_finished = NULL;
		struct trace t;
		char status[24];

		ASSERT_EQ(0, trace_start());
		res = compact_zone_for_order(normal(), runs[r].order, runs[r].mode);
		ASSERT_EQ(0, trace_stop(&t));
		TH_LOG("order %d mode %d: %s, %u lines", runs[r].order, runs[r].mode,
		       compact_result_names[res], t.n);
		EXPECT_TRACE_WELL_FORMED(&t);
		if (r == 1) {
			/* The watermark says yes before compaction begins. */
			EXPECT_EQ(COMPACT_SUCCESS, res);
			EXPECT_EQ(0, trace_count(&t, "mm_compaction_begin"));
			EXPECT_EQ(0, trace_count(&t, "mm_compaction_end"));
			trace_free(&t);
			continue;
		}
		ASSERT_EQ(1, trace_count(&t, "mm_compaction_begin"));
		ASSERT_EQ(1, trace_count(&t, "mm_compaction_end"));
		for (i = 0; i < t.n; i++) {
			if (!strcmp(t.l[i].event, "mm_compaction_finished"))
				last_finished = t.l[i].fields;
			if (!strcmp(t.l[i].event, "mm_compaction_end"))
				break;
		}
		ASSERT_LT(i, t.n);
		EXPECT_STREQ(compact_result_names[res],
			     field_str(t.l[i].fields, "status", status, sizeof(status)));
		EXPECT_TRUE(strstr(t.l[i].fields, runs[r].mode == MIGRATE_ASYNC ?
				   "mode=async" : "mode=sync") != NULL);
		/* Unless it gave up midway, the last check is the answer. */
		ASSERT_NOT_NULL(last_finished);
		if (res != COMPACT_CONTENDED)
			EXPECT_STREQ(compact_result_names[res],
				     field_str(last_finished, "ret", status, sizeof(status)));
		if (r == 0) {
			EXPECT_EQ(COMPACT_SUCCESS, res);
			/* Worth trying: the watermark failed, the gap did not. */
			EXPECT_GE(trace_count(&t, "mm_compaction_suitable"), 1);
			/*
			 * The first check is at the zone's first pageblock
			 * boundary, where no order-9 block is free yet.
			 */
			for (i = 0; i < t.n; i++)
				if (!strcmp(t.l[i].event, "mm_compaction_finished"))
					break;
			ASSERT_LT(i, t.n);
			EXPECT_STREQ("no_suitable_page",
				     field_str(t.l[i].fields, "ret", status, sizeof(status)));
		}
		trace_free(&t);
	}
	deflate(_metadata);
}

/*
 * An order-9 movable allocation on fragmented memory: direct compaction
 * in async mode first, from the allocating thread, then the deferral
 * reset when the allocation succeeds.
 */
TEST_F(tr, direct_compaction_trace)
{
	unsigned long pfn;
	unsigned int i, first_try = UINT_MAX, first_begin = UINT_MAX;
	struct trace t;
	char buf[64];

	fragment(_metadata);
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 9, &pfn));
	ASSERT_EQ(0, trace_stop(&t));
	EXPECT_TRACE_WELL_FORMED(&t);
	for (i = 0; i < t.n; i++) {
		if (!strcmp(t.l[i].event, "mm_compaction_try_to_compact_pages") &&
		    first_try == UINT_MAX)
			first_try = i;
		if (!strcmp(t.l[i].event, "mm_compaction_begin") &&
		    first_begin == UINT_MAX)
			first_begin = i;
	}
	ASSERT_LT(first_try, t.n);
	ASSERT_LT(first_begin, t.n);
	EXPECT_LT(first_try, first_begin);
	/*
	 * INIT_COMPACT_PRIORITY is COMPACT_PRIO_ASYNC (2); the facade's
	 * allocations are compound and do not warn.
	 */
	EXPECT_STREQ("order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_COMP priority=2",
		     t.l[first_try].fields);
	EXPECT_STREQ("async", field_str(t.l[first_begin].fields, "mode", buf,
					sizeof(buf)));
	EXPECT_GE(trace_count(&t, "mm_compaction_suitable"), 1);
	EXPECT_GE(trace_count(&t, "mm_compaction_defer_reset"), 1);
	EXPECT_EQ(trace_count(&t, "mm_compaction_begin"),
		  trace_count(&t, "mm_compaction_end"));
	for (i = 0; i < t.n; i++)
		if (!strcmp(t.l[i].event, "mm_migrate_pages"))
			EXPECT_TRUE(strstr(t.l[i].fields, "reason=compaction") != NULL);
	trace_free(&t);
	EXPECT_EQ(0, pagemig_free_pages(pfn, 9));
	deflate(_metadata);
}

/* The deferral events print the zone's counters after each change. */
TEST_F(tr, deferral_trace)
{
	struct zone *z = normal();
	struct trace t;

	compaction_defer_reset(z, 9, true);
	ASSERT_EQ(0, trace_start());
	defer_compaction(z, 9);
	EXPECT_TRUE(compaction_deferred(z, 9));
	EXPECT_FALSE(compaction_deferred(z, 9));	/* limit reached: no line */
	EXPECT_FALSE(compaction_deferred(z, 8));	/* smaller order: no line */
	compaction_defer_reset(z, 9, true);
	ASSERT_EQ(0, trace_stop(&t));
	EXPECT_TRACE_WELL_FORMED(&t);
	ASSERT_EQ(3, t.n);
	EXPECT_STREQ("mm_compaction_defer_compaction", t.l[0].event);
	EXPECT_STREQ("node=0 zone=Normal   order=9 order_failed=9 consider=0 limit=2",
		     t.l[0].fields);
	EXPECT_STREQ("mm_compaction_deferred", t.l[1].event);
	EXPECT_STREQ("node=0 zone=Normal   order=9 order_failed=9 consider=1 limit=2",
		     t.l[1].fields);
	EXPECT_STREQ("mm_compaction_defer_reset", t.l[2].event);
	EXPECT_STREQ("node=0 zone=Normal   order=9 order_failed=10 consider=0 limit=1",
		     t.l[2].fields);
	trace_free(&t);
}

/*
 * kcompactd: woken by a failed order-9 allocation's request, it reports
 * the wake and its sleeps as "kcompactd0" on its own CPU; the waker and
 * the proactiveness knob report the wake-up as the calling thread.
 */
TEST_F(tr, kcompactd_trace)
{
	unsigned long wakes;
	unsigned int i, nr_wake = 0, nr_sleep = 0, nr_waker = 0, nr_begin = 0;
	unsigned long long deadline;
	struct trace t;

	ASSERT_EQ(0, compaction_proactiveness_set(0));
	fragment(_metadata);
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, kcompactd_run(0));
	wakes = pagemig_vmstat("compact_daemon_wake");
	ASSERT_EQ(0, pagemig_kcompactd_wake(9));
	deadline = ktime_get_ns() + TIMEOUT_MS * 1000000ULL;
	/* Woken, and done: kcompactd_do_work() forgets the order last. */
	while ((pagemig_vmstat("compact_daemon_wake") == wakes ||
		READ_ONCE(NODE_DATA(0)->kcompactd_max_order)) &&
	       ktime_get_ns() < deadline)
		msleep(5);
	EXPECT_GT(pagemig_vmstat("compact_daemon_wake"), wakes);
	/* Proactive compaction back on: a wake-up for no order. */
	ASSERT_EQ(0, compaction_proactiveness_set(20));
	kcompactd_stop(0);
	ASSERT_EQ(0, trace_stop(&t));
	EXPECT_TRACE_WELL_FORMED(&t);

	for (i = 0; i < t.n; i++) {
		struct tline *l = &t.l[i];

		if (!strcmp(l->event, "mm_compaction_kcompactd_wake")) {
			nr_wake++;
			EXPECT_STREQ("kcompactd0", l->comm);
			EXPECT_EQ((int)nr_cpu_ids - 1, l->cpu);
			EXPECT_NE(getpid(), l->pid);
			EXPECT_STREQ("nid=0 order=9 classzone_idx=Normal  ", l->fields);
		} else if (!strcmp(l->event, "mm_compaction_kcompactd_sleep")) {
			/* It went to sleep before it was woken. */
			if (!nr_sleep++)
				EXPECT_EQ(0, nr_wake);
			EXPECT_STREQ("kcompactd0", l->comm);
			EXPECT_STREQ("nid=0", l->fields);
		} else if (!strcmp(l->event, "mm_compaction_wakeup_kcompactd")) {
			EXPECT_STREQ("pagemig", l->comm);
			EXPECT_EQ(getpid(), l->pid);
			EXPECT_STREQ(nr_waker++ ? "nid=0 order=-1 classzone_idx=Normal  " :
				     "nid=0 order=9 classzone_idx=Normal  ", l->fields);
		} else if (!strcmp(l->event, "mm_compaction_begin")) {
			/* kcompactd compacts in MIGRATE_SYNC_LIGHT. */
			EXPECT_STREQ("kcompactd0", l->comm);
			EXPECT_TRUE(strstr(l->fields, "mode=sync") != NULL);
			nr_begin++;
		}
	}
	EXPECT_GE(nr_wake, 1);
	EXPECT_GE(nr_sleep, 1);
	EXPECT_EQ(2, nr_waker);
	EXPECT_GE(nr_begin, 1);
	trace_free(&t);
	deflate(_metadata);
}

/* ---- off, and under concurrency ------------------------------------------ */

/*
 * With no trace file, events stop at the inline test: nothing is
 * formatted, nothing is written, and a closed file gets nothing more.
 */
TEST_F(tr, no_trace_file_writes_nothing)
{
	unsigned long events, lines, pfn;
	struct stat st0, st1;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/pagemig-trace-XXXXXX");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, pagemig_trace_open(path));
	trace_mm_compaction_kcompactd_sleep(0);
	ASSERT_EQ(0, pagemig_trace_close());
	ASSERT_EQ(0, stat(path, &st0));
	EXPECT_GT(st0.st_size, 0);

	EXPECT_FALSE(trace_enabled());
	events = trace_nr_events();
	lines = trace_nr_lines();
	fragment(_metadata);
	ASSERT_EQ(0, pagemig_compact(-1));
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 9, &pfn));
	EXPECT_EQ(0, pagemig_free_pages(pfn, 9));
	EXPECT_EQ(0, compaction_proactiveness_set(20));
	deflate(_metadata);
	EXPECT_EQ(events, trace_nr_events());
	EXPECT_EQ(lines, trace_nr_lines());
	ASSERT_EQ(0, stat(path, &st1));
	EXPECT_EQ(st0.st_size, st1.st_size);
	unlink(path);
	/* Closing with none open is harmless. */
	EXPECT_EQ(0, pagemig_trace_close());
}

#define NR_WRITERS	4
#define LINES_EACH	4000

static void *writer(void *arg)
{
	long id = (long)arg;
	char name[16];

	set_cpu_id((int)id);
	snprintf(name, sizeof(name), "writer%ld", id);
	set_current_comm(name);
	for (unsigned long i = 0; i < LINES_EACH; i++)
		trace_mm_compaction_isolate_migratepages(0x100000UL * (unsigned long)id + i,
							 0x100000UL * (unsigned long)id + i + 1,
							 i, (unsigned long)id);
	return NULL;
}

/*
 * Named threads on four CPUs at once: every line whole and in its
 * thread's name, timestamps in order.
 */
TEST(concurrent_lines_stay_whole)
{
	unsigned int count[NR_WRITERS] = { 0 }, i;
	unsigned long next[NR_WRITERS] = { 0 };
	pthread_t th[NR_WRITERS];
	struct trace t;
	long k;

	ASSERT_EQ(0, trace_start());
	for (k = 0; k < NR_WRITERS; k++)
		ASSERT_EQ(0, pagemig_thread_create(&th[k], "writer", writer, (void *)k));
	for (k = 0; k < NR_WRITERS; k++)
		pagemig_thread_join(th[k], NULL);
	ASSERT_EQ(0, trace_stop(&t));
	EXPECT_EQ(NR_WRITERS * LINES_EACH, t.n);
	EXPECT_TRACE_WELL_FORMED(&t);
	for (i = 0; i < t.n; i++) {
		unsigned long id = field(t.l[i].fields, "nr_taken");
		unsigned long s, e;
		char name[16];

		ASSERT_LT(id, NR_WRITERS);
		EXPECT_EQ((int)id, t.l[i].cpu);
		snprintf(name, sizeof(name), "writer%lu", id);
		EXPECT_STREQ(name, t.l[i].comm);
		EXPECT_NE(getpid(), t.l[i].pid);
		/* Each thread's lines in its own order, none lost. */
		EXPECT_EQ(next[id], field(t.l[i].fields, "nr_scanned"));
		EXPECT_TRUE(range(t.l[i].fields, &s, &e));
		EXPECT_EQ(0x100000UL * id + next[id], s);
		next[id]++;
		count[id]++;
		if (i)
			EXPECT_LE(t.l[i - 1].usecs, t.l[i].usecs);
	}
	for (k = 0; k < NR_WRITERS; k++)
		EXPECT_EQ(LINES_EACH, count[k]);
	trace_free(&t);
}

TEST(open_and_close_errors)
{
	char path[64];
	int fd;

	pagemig_trace_close();
	EXPECT_EQ(-EINVAL, pagemig_trace_open(""));
	EXPECT_EQ(-ENOENT, pagemig_trace_open("/nonexistent-dir/pagemig.trace"));
	EXPECT_FALSE(trace_enabled());
	snprintf(path, sizeof(path), "/tmp/pagemig-trace-XXXXXX");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, pagemig_trace_open(path));
	EXPECT_TRUE(trace_enabled());
	EXPECT_EQ(-EBUSY, pagemig_trace_open(path));
	EXPECT_EQ(0, pagemig_trace_close());
	EXPECT_FALSE(trace_enabled());
	EXPECT_EQ(0, pagemig_trace_close());
	unlink(path);
	/* A file that cannot take the lines: the close says so. */
	if (!access("/dev/full", W_OK)) {
		ASSERT_EQ(0, pagemig_trace_open("/dev/full"));
		trace_mm_compaction_kcompactd_sleep(0);
		EXPECT_EQ(-EIO, pagemig_trace_close());
	}
}
