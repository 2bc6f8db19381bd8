// SPDX-License-Identifier: GPL-2.0
/*
 * The commands for people who use pagemig, run as they run them:
 * compare on reports written by hand (so every figure of the table is
 * known), run --repeat and run --set on a small scenario, the import
 * summary, and the manual pages against --help.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "harness/cli_run.h"
#include "harness/data.h"
#include "harness/test.h"

/* Write @text to a new file under /tmp; its path in @path. */
static void write_tmp(char *path, size_t len, const char *name,
		      const char *text)
{
	FILE *f;

	snprintf(path, len, "/tmp/test_cli_users.%d.%s", (int)getpid(), name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char report_a[] =
	"{ \"pagemig\": \"0.4.0\", \"seed\": 1,"
	"  \"zones\": [ { \"name\": \"Normal\", \"free\": 100, \"nr_free\": [4, 0, 1] } ],"
	"  \"steps\": [ { \"index\": 1, \"type\": \"compact\", \"line\": 3,"
	"               \"results\": { \"migrated\": 50 } } ],"
	"  \"vmstat\": { \"pgmigrate_success\": 200, \"pgmigrate_fail\": 0,"
	"              \"compact_stall\": 7 } }";
static const char report_b[] =
	"{ \"pagemig\": \"0.4.0\", \"seed\": 2,"
	"  \"zones\": [ { \"name\": \"Normal\", \"free\": 90, \"nr_free\": [4, 0, 2] } ],"
	"  \"steps\": [ { \"index\": 1, \"type\": \"compact\", \"line\": 3,"
	"               \"results\": { \"migrated\": 75 } } ],"
	"  \"vmstat\": { \"pgmigrate_success\": 220, \"pgmigrate_fail\": 3,"
	"              \"compact_stall\": 7 } }";

TEST(compare_lists_every_change_largest_first)
{
	char a[128], b[128];
	const char *args[] = { "compare", a, b, NULL };
	const char *csv_args[] = { "compare", a, b, "--csv", NULL };
	static struct run r;
	const char *p[6];

	write_tmp(a, sizeof(a), "a.json", report_a);
	write_tmp(b, sizeof(b), "b.json", report_b);
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	/* pgmigrate_fail 0 -> 3 is new, nr_free[2] 1 -> 2 is +100%, ... */
	p[0] = strstr(r.out, "vmstat.pgmigrate_fail ");
	p[1] = strstr(r.out, "zones.Normal.nr_free[2] ");
	p[2] = strstr(r.out, "steps.1:compact.results.migrated ");
	/* Tied at 10%: the larger delta first. */
	p[3] = strstr(r.out, "vmstat.pgmigrate_success ");
	p[4] = strstr(r.out, "zones.Normal.free ");
	for (int i = 0; i < 5; i++)
		ASSERT_NOT_NULL(p[i]);
	for (int i = 0; i < 4; i++)
		EXPECT_LT(p[i], p[i + 1]);
	EXPECT_TRUE(line_has(r.out, "vmstat.pgmigrate_fail", " +3       new"));
	EXPECT_TRUE(line_has(r.out, "steps.1:compact.results.migrated", " +25    +50.0%"));
	EXPECT_TRUE(line_has(r.out, "zones.Normal.free ", " -10    -10.0%"));
	EXPECT_TRUE(line_has(r.out, "vmstat.pgmigrate_success", " +20    +10.0%"));
	/* compact_stall, nr_free[0], nr_free[1]; the seed is no figure. */
	EXPECT_NOT_NULL(strstr(r.out, "(3 figures unchanged; --all shows them)\n"));
	EXPECT_NULL(strstr(r.out, "seed"));

	pagemig(&r, csv_args);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, "vmstat.pgmigrate_success,200,220,20,10.0\n"));
	EXPECT_NOT_NULL(strstr(r.out, "vmstat.pgmigrate_fail,0,3,3,\n"));
	unlink(a);
	unlink(b);
}

TEST(compare_refuses_what_is_not_a_report)
{
	char a[128], b[128];
	const char *args[] = { "compare", a, b, NULL };
	const char *one[] = { "compare", a, NULL };
	static struct run r;

	write_tmp(a, sizeof(a), "a.json", report_a);
	write_tmp(b, sizeof(b), "b.json", "{ \"vmstat\": ");
	pagemig(&r, args);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "pagemig compare: "));
	EXPECT_NOT_NULL(strstr(r.err, "b.json: not JSON"));
	pagemig(&r, one);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "expected two or more JSON reports, got 1"));
	unlink(a);
	unlink(b);
}

TEST(run_repeat_prints_medians_over_seeds)
{
	char y[128];
	const char *args[] = { "run", y, "--repeat", "3",
			       "--figure", "zones.Normal.free", NULL };
	static struct run r;

	write_tmp(y, sizeof(y), "small.yaml", small_yaml());
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	if (r.err[0])
		TH_LOG("stderr: %s", r.err);
	EXPECT_NOT_NULL(strstr(r.out, ": 1 point x 3 runs, seeds 1..3\n"));
	EXPECT_TRUE(line_has(r.out, "zones.Normal.free ", " (3 runs, spread "));
	unlink(y);
}

/* A machine above what the host has free: one warning line, and it runs. */
TEST(run_warns_when_the_host_cannot_back_the_machine)
{
	char y[128];
	const char *args[] = { "run", y, "--seed", "1", NULL };
	static struct run r;
	const char *w;

	write_tmp(y, sizeof(y), "host.yaml", small_yaml());
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "16M", 1));
	pagemig(&r, args);
	unsetenv("PAGEMIG_HOST_AVAILABLE");
	ASSERT_EQ(0, r.status);
	w = strstr(r.err, "pagemig run: warning: ");
	ASSERT_NOT_NULL(w);
	EXPECT_NOT_NULL(strstr(w, ": machine.memory 32.0 MiB needs 32.5 MiB of host memory with its mem_map, and the host has 16.0 MiB available (PAGEMIG_HOST_AVAILABLE): the run may be OOM-killed\n"));
	EXPECT_NULL(strstr(w + strlen("pagemig run: warning: "), "warning"));
	EXPECT_NULL(strstr(r.out, "warning"));
	/* Enough: no warning. */
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "1G", 1));
	pagemig(&r, args);
	unsetenv("PAGEMIG_HOST_AVAILABLE");
	ASSERT_EQ(0, r.status);
	EXPECT_NULL(strstr(r.err, "warning"));
	unlink(y);
}

/*
 * import and page-types --scenario weigh their machine against the host
 * as run does, in the same words: the shipped 256 MiB snapshot builds a
 * sparse machine (4 MiB of mem_map), the small scenario a full one.
 */
TEST(import_and_page_types_warn_when_the_host_cannot_back_the_machine)
{
	char flags[PATH_MAX], y[128], want[PATH_MAX + 256];
	const char *imp[] = { "import", flags, "--quiet", NULL };
	const char *pt[] = { "page-types", "--scenario", y, NULL };
	static struct run r;

	snprintf(flags, sizeof(flags), "%s", test_data_path("kpageflags-host.zst"));
	write_tmp(y, sizeof(y), "pt.yaml", small_yaml());
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "1M", 1));
	pagemig(&r, imp);
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want), "pagemig import: warning: %s: machine.memory 256.0 MiB needs 4.0 MiB of host memory with its mem_map, and the host has 1.0 MiB available (PAGEMIG_HOST_AVAILABLE): the run may be OOM-killed\n",
		 flags);
	EXPECT_NOT_NULL(strstr(r.err, want));
	if (!strstr(r.err, want))
		TH_LOG("stderr: %s", r.err);
	pagemig(&r, pt);
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want), "pagemig page-types: warning: %s: machine.memory 32.0 MiB needs 32.5 MiB of host memory with its mem_map, and the host has 1.0 MiB available (PAGEMIG_HOST_AVAILABLE): the run may be OOM-killed\n",
		 y);
	EXPECT_NOT_NULL(strstr(r.err, want));
	EXPECT_NULL(strstr(r.out, "warning"));
	/* Enough: no warning. */
	ASSERT_EQ(0, setenv("PAGEMIG_HOST_AVAILABLE", "1G", 1));
	pagemig(&r, imp);
	EXPECT_EQ(0, r.status);
	EXPECT_NULL(strstr(r.err, "of host memory"));
	pagemig(&r, pt);
	EXPECT_EQ(0, r.status);
	EXPECT_NULL(strstr(r.err, "of host memory"));
	unsetenv("PAGEMIG_HOST_AVAILABLE");
	unlink(y);
}

TEST(run_set_runs_every_point_and_writes_csv)
{
	static char text[1 << 20];
	char y[128], csv[128];
	const char *args[] = { "run", y, "--set", "watermark_scale_factor=10,1000",
			       "--set", "cpus=1,2", "--csv", csv,
			       "--figure", "zones.*.free", "--figure", "machine.cpus",
			       NULL };
	const char *bad[] = { "run", y, "--set", "swappiness=1", NULL };
	static struct run r;
	int fd;

	write_tmp(y, sizeof(y), "small.yaml", small_yaml());
	snprintf(csv, sizeof(csv), "/tmp/test_cli_users.%d.csv", (int)getpid());
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, ": 4 points x 1 run, seeds 1\n"));
	EXPECT_NOT_NULL(strstr(r.out, "    1  watermark_scale_factor=10 cpus=1\n"));
	EXPECT_NOT_NULL(strstr(r.out, "    4  watermark_scale_factor=1000 cpus=2\n"));
	EXPECT_TRUE(line_has(r.out, "machine.cpus ", "1          2          1          2\n"));
	fd = open(csv, O_RDONLY);
	ASSERT_GE(fd, 0);
	slurp(fd, text, sizeof(text));
	EXPECT_EQ(0, strncmp(text, "watermark_scale_factor,cpus,figure,median,min,max,runs\n", 55));
	EXPECT_NOT_NULL(strstr(text, "\n1000,2,machine.cpus,2,2,2,1\n"));
	unlink(csv);

	pagemig(&r, bad);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "--set: no key 'swappiness'; known: memory, cpus"));
	unlink(y);
}

/*
 * --set movable_ops=6.17,decoupled runs a scenario in both cores side by
 * side; each report says which core it ran; anything else is refused
 * before a run.
 */
TEST(run_set_movable_ops_runs_both_cores)
{
	char y[128];
	const char *args[] = { "run", y, "--set", "movable_ops=6.17,decoupled",
			       "--figure", "vmstat.balloon_*", NULL };
	const char *one[] = { "run", y, "--set", "movable_ops=decoupled",
			      "--repeat", "1", "--figure", "vmstat.balloon_*", NULL };
	const char *bad[] = { "run", y, "--set", "movable_ops=6.18", NULL };
	static const char yaml[] =
		"machine: { memory: 32M, zones: { dma32: 16M } }\n"
		"steps:\n"
		"  - alloc: { count: 4000, gfp: GFP_HIGHUSER_MOVABLE, tag: a }\n"
		"  - free: { tag: a, pattern: random, fraction: 0.5 }\n"
		"  - balloon: { driver: virtio, target: 4M }\n"
		"  - compact\n";
	static struct run r;

	write_tmp(y, sizeof(y), "mops.yaml", yaml);
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, ": 2 points x 1 run, seeds 1\n"));
	EXPECT_NOT_NULL(strstr(r.out, "    1  movable_ops=6.17\n"));
	EXPECT_NOT_NULL(strstr(r.out, "    2  movable_ops=decoupled\n"));
	pagemig(&r, one);
	ASSERT_EQ(0, r.status);
	pagemig(&r, bad);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "--set movable_ops: expected 6.17 or decoupled, got '6.18'"));
	unlink(y);
}

/*
 * import --compact of the shipped 256 MiB snapshot: what compaction gave
 * in 2 MiB and 1 GiB blocks, and why not more, from what it recorded; no
 * verify: line, as the snapshot holds no data to check.
 */
TEST(import_compact_says_what_compaction_gave_and_why_not_more)
{
	char flags[PATH_MAX], count[PATH_MAX];
	const char *args[] = { "import", flags, "--kpagecount", count,
			       "--compact", NULL };
	const char *json[] = { "import", flags, "--kpagecount", count,
			       "--compact", "--json", NULL };
	static struct run r;

	snprintf(flags, sizeof(flags), "%s", test_data_path("kpageflags-host.zst"));
	snprintf(count, sizeof(count), "%s", test_data_path("kpagecount-host.zst"));
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, "--- what compaction gave ---\n"
				      "free memory in 2 MiB blocks: 20 MiB -> 20 MiB: +0 MiB = +0 huge pages of 2 MiB\n"
				      "free memory in 1 GiB blocks: 0 MiB -> 0 MiB: +0 MiB = +0 huge pages of 1 GiB\n"));
	EXPECT_TRUE(line_has(r.out, "moved: ", " pages migrated, "));
	EXPECT_TRUE(line_has(r.out, "why not more: ", "is still in blocks smaller than 2 MiB:"));
	EXPECT_TRUE(line_has(r.out, "- pageblocks held by unmovable pages: ", "111 of 128 (86.7%)"));
	EXPECT_TRUE(line_has(r.out, "- no free targets in suitable pageblocks: ", "pageblocks that are not Movable"));
	EXPECT_NOT_NULL(strstr(r.out, "--- extfrag (after compaction) ---\nfragmentation score: DMA32 "));
	EXPECT_NULL(strstr(r.out, "verify:"));

	pagemig(&r, json);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, "\"compaction\": {\"free_in_2m_mib\": 0, \"huge_pages_2m\": 0, "));
	EXPECT_NOT_NULL(strstr(r.out, "\"unusable_index\":["));
}

/* All of a file, or NULL; malloc()ed. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[65536];

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		char *p = realloc(buf, len + n + 1);

		if (!p)
			break;
		buf = p;
		memcpy(buf + len, chunk, n);
		len += n;
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Lines of @text that start with @prefix. */
static unsigned long count_lines(const char *text, const char *prefix)
{
	unsigned long n = 0;
	const char *p = text;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

/*
 * The student's run: --explain of the built-in balloon scenario is the
 * same for the same seed, starts with its first compaction batch, and
 * has a moved line per page pgmigrate_success counted and a failed line
 * per page pgmigrate_fail counted (6649 and 2 in that scenario's report).
 */
TEST(run_explain_is_deterministic_and_adds_up)
{
	char path[2][128];
	const char *json[] = { "run", "balloon", "--json", "--explain", "-", NULL };
	static const char first[] =
		"migrate_pages #1 by pagemig (compaction, MIGRATE_SYNC): 32 on the list, 32 pages moved, 0 failed\n"
		"  moved   pfn 0x143 balloon -> 0xe60\n";
	static struct run r;
	char *text[2];
	int i;

	for (i = 0; i < 2; i++) {
		const char *args[] = { "run", "balloon", "--seed", "1", "--quiet",
				       "--explain", path[i], NULL };

		snprintf(path[i], sizeof(path[i]), "/tmp/test_cli_users.%d.explain%d",
			 (int)getpid(), i);
		pagemig(&r, args);
		ASSERT_EQ(0, r.status);
		text[i] = read_file(path[i]);
		ASSERT_NOT_NULL(text[i]);
		unlink(path[i]);
	}
	EXPECT_STREQ(text[0], text[1]);
	EXPECT_EQ(0, strncmp(text[0], first, strlen(first)));
	EXPECT_EQ(6649, count_lines(text[0], "  moved   "));
	EXPECT_EQ(2, count_lines(text[0], "  failed  "));
	EXPECT_NOT_NULL(strstr(text[0], "  failed  pfn 0xbc3 balloon: -ENOMEM, no target page: the allocator had none\n"));
	free(text[0]);
	free(text[1]);

	/* stdout is the JSON report's: "-" is refused before anything runs. */
	pagemig(&r, json);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_EQ(0, strncmp(r.err, "pagemig run: --explain -: stdout carries the JSON report; give --explain a file\n",
			     strlen("pagemig run: --explain -: stdout carries the JSON report; give --explain a file\n")));
}

/* "--seed" as roff writes it: "\-\-seed". */
static void roff_dashes(char *out, size_t len, const char *opt)
{
	size_t o = 0;

	for (; *opt && o + 3 < len; opt++) {
		if (*opt == '-')
			out[o++] = '\\';
		out[o++] = *opt;
	}
	out[o] = '\0';
}

/*
 * Options kept off the pages on purpose: for tests only (test_capture
 * checks that capture's page does not mention --proc-root).
 */
static bool undocumented(const char *cmd, const char *opt)
{
	return !strcmp(cmd, "capture") && !strcmp(opt, "--proc-root");
}

/*
 * Every option each command takes (its option table, listed by
 * PAGEMIG_LIST_OPTIONS) is on its --help page and in pagemig(1).
 */
TEST(every_option_is_in_help_and_the_manual)
{
	static struct run list, help, top;
	const char *top_args[] = { "--help", NULL };
	char *man = read_file(built("man/pagemig.1")), *cmds, *p, *line;
	unsigned int nr_cmds = 0;

	ASSERT_NOT_NULL(man);
	pagemig(&top, top_args);
	ASSERT_EQ(0, top.status);
	cmds = strstr(top.out, "COMMANDS\n");
	ASSERT_NOT_NULL(cmds);
	for (line = strtok_r(cmds + 9, "\n", &p); line && line[0] == ' ';
	     line = strtok_r(NULL, "\n", &p)) {
		char name[32], roff[96];
		const char *list_args[] = { name, NULL };
		const char *help_args[] = { "help", name, NULL };
		char *o, *q;

		if (sscanf(line, " %31s", name) != 1)
			continue;
		nr_cmds++;
		setenv("PAGEMIG_LIST_OPTIONS", "1", 1);
		pagemig(&list, list_args);
		unsetenv("PAGEMIG_LIST_OPTIONS");
		EXPECT_EQ(0, list.status);
		pagemig(&help, help_args);
		EXPECT_EQ(0, help.status);
		for (o = strtok_r(list.out, "\n", &q); o; o = strtok_r(NULL, "\n", &q)) {
			if (undocumented(name, o))
				continue;
			if (!strstr(help.out, o))
				TH_LOG("pagemig %s: %s is not on its --help page", name, o);
			EXPECT_NOT_NULL(strstr(help.out, o));
			roff_dashes(roff, sizeof(roff), o);
			EXPECT_NOT_NULL(strstr(man, roff));
		}
	}
	EXPECT_GE(nr_cmds, 10U);
	free(man);
}

/* Every key of pagemig-scenario(5) is in Documentation/scenarios.md too. */
TEST(every_scenario_key_is_documented)
{
	char *man = read_file(built("man/pagemig-scenario.5"));
	char *doc = read_file(test_data_path("../../Documentation/scenarios.md"));
	char *p = man, *end, key[96], want[104], *dot;
	unsigned int nr = 0;

	ASSERT_NOT_NULL(man);
	ASSERT_NOT_NULL(doc);
	while ((p = strstr(p, ".TP\n\\fB"))) {
		p += 7;
		end = strstr(p, "\\fR");
		if (!end)
			break;
		snprintf(key, sizeof(key), "%.*s", (int)(end - p), p);
		/* machine.zones.dma32 is documented as zones.dma32 */
		dot = strncmp(key, "machine.", 8) ? key : key + 8;
		snprintf(want, sizeof(want), "`%s`", dot);
		if (!strstr(doc, want))
			TH_LOG("scenario key %s is not in Documentation/scenarios.md", key);
		EXPECT_NOT_NULL(strstr(doc, want));
		nr++;
	}
	EXPECT_GT(nr, 100U);
	free(man);
	free(doc);
}

/*
 * Every function the shared library exports is in libpagemig(3), but for
 * the test hooks of pagemig_testing.h, which are not installed.
 */
TEST(libpagemig_3_lists_every_exported_function)
{
	char *man = read_file(built("man/libpagemig.3"));
	char *testing = read_file(test_data_path("../../include/pagemig/pagemig_testing.h"));
	char cmd[3 * PATH_MAX], sym[128];
	unsigned int nr = 0;
	FILE *nm;

	ASSERT_NOT_NULL(man);
	ASSERT_NOT_NULL(testing);
	snprintf(cmd, sizeof(cmd), "nm -D --defined-only %s", built("libpagemig.so"));
	nm = popen(cmd, "r");
	ASSERT_NOT_NULL(nm);
	while (fscanf(nm, "%*s %*s %127s", sym) == 1) {
		if (strncmp(sym, "pagemig_", 8) || strstr(testing, sym))
			continue;
		if (!strstr(man, sym))
			TH_LOG("%s is exported but not in libpagemig(3)", sym);
		EXPECT_NOT_NULL(strstr(man, sym));
		nr++;
	}
	pclose(nm);
	EXPECT_GT(nr, 80U);
	free(man);
	free(testing);
}

/* man -l renders each page without a warning. */
TEST(man_l_shows_the_three_pages)
{
	static const char *const pages[] = {
		"man/pagemig.1", "man/pagemig-scenario.5", "man/libpagemig.3",
	};
	char cmd[3 * PATH_MAX], out[256];
	unsigned int i;
	FILE *p;

	if (access("/usr/bin/man", X_OK))
		SKIP("no man(1) on this machine");
	for (i = 0; i < 3; i++) {
		size_t n;

		snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man --warnings -l %s 2>&1 >/dev/null",
			 built(pages[i]));
		p = popen(cmd, "r");
		ASSERT_NOT_NULL(p);
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		EXPECT_EQ(0, pclose(p));
		if (n)
			TH_LOG("%s: %s", pages[i], out);
		EXPECT_EQ(0UL, n);
	}
}
