// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario parser and runner: every bad fixture in tests/data/scenarios/
 * fails with exactly the message a user would see (file, line, key path,
 * what was expected), good scenarios parse into the steps they say, the
 * built-ins load, and a small scenario runs end to end with its content
 * tags verified.
 *
 * Fixtures are found relative to this source file, so the binary runs
 * from the top of the tree (as `make check` runs it).  When the CLI has
 * been built beside the test binary, the same fixtures also go through
 * `pagemig run --check` to pin the exit status of 2 and the message on
 * stderr.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "harness/test.h"
#include "workload/scenario.h"
#include "workload/steps.h"
#include "workload/yparse.h"

static const char *data_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("PAGEMIG_TEST_DATA");
	char *slash;

	if (env)
		return env;
	if (!dir[0]) {
		/* __FILE__ is tests/unit/test_scenario.c from the top. */
		snprintf(dir, sizeof(dir), "%s", __FILE__);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof(dir), "..");
		strncat(dir, "/data/scenarios", sizeof(dir) - strlen(dir) - 1);
	}
	return dir;
}

static void fixture_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", data_dir(), name);
}

/* The CLI built beside this binary (build/X/pagemig), or NULL. */
static const char *cli_path(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX - 16], *p;
	ssize_t n;
	int i;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	/* build/X/tests/unit/test_scenario -> build/X/pagemig */
	for (i = 0; i < 3; i++) {
		p = strrchr(self, '/');
		if (!p)
			return NULL;
		*p = '\0';
	}
	snprintf(path, sizeof(path), "%s/pagemig", self);
	if (access(path, X_OK)) {
		path[0] = '\0';
		return NULL;
	}
	return path;
}

/*
 * Run `pagemig run FILE --check`; return its exit status and the first
 * line it wrote on stderr.
 */
static int run_cli_check(const char *cli, const char *file, char *line,
			 size_t len)
{
	char cmd[2 * PATH_MAX + 64];
	FILE *f;
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' run '%s' --check 2>&1 >/dev/null",
		 cli, file);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	line[0] = '\0';
	if (fgets(line, len, f))
		line[strcspn(line, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Load a fixture; expect -EINVAL and exactly "<path>:<msg>", where @msg
 * starts with the line number.  Then the same through the CLI.
 */
static void expect_bad(struct __test_metadata *_metadata, const char *name,
		       const char *msg)
{
	char path[PATH_MAX], err[SCENARIO_ERR_LEN], want[PATH_MAX + 512];
	char line[PATH_MAX + 512];
	struct scenario *sc = (void *)1;
	const char *cli;
	int ret;

	fixture_path(path, sizeof(path), name);
	snprintf(want, sizeof(want), "%s:%s", path, msg);
	ret = scenario_load_file(path, &sc, err, sizeof(err));
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_NULL(sc);
	EXPECT_STREQ(want, err);

	cli = cli_path();
	if (!cli)
		return;
	EXPECT_EQ(2, run_cli_check(cli, path, line, sizeof(line)));
	EXPECT_STREQ(want, line);
}

struct bad_case {
	const char *text, *msg;
};

/*
 * Each text, loaded as "t.yaml", fails with a message that starts with
 * its msg (or, @exact, is its msg).
 */
static void expect_bad_inline(struct __test_metadata *_metadata,
			      const struct bad_case *bad, size_t n, bool exact)
{
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;
	size_t i;

	for (i = 0; i < n; i++) {
		err[0] = '\0';
		EXPECT_EQ(-EINVAL, scenario_load_string(bad[i].text,
				strlen(bad[i].text), "t.yaml", &sc, err,
				sizeof(err)));
		if (exact)
			EXPECT_STREQ(bad[i].msg, err);
		else
			EXPECT_EQ(0, strncmp(bad[i].msg, err, strlen(bad[i].msg)));
		if (strncmp(bad[i].msg, err, strlen(bad[i].msg)))
			TH_LOG("case %zu got: %s", i, err);
	}
}

#define BAD(test, file, msg)				\
	TEST(bad_##test)				\
	{						\
		expect_bad(_metadata, file, msg);	\
	}

BAD(malformed_yaml, "malformed.yaml",
    "6: malformed YAML: did not find expected ',' or '}' (while parsing a flow mapping on line 5)")
BAD(unknown_key, "unknown-key.yaml",
    "4: steps[0].alloc.ordr: unknown key, expected one of count, order, gfp, tag, fill, expect (did you mean \"order\"?)")
BAD(wrong_type, "wrong-type.yaml",
    "5: steps[0].alloc.count: expected an integer 1..16777216, got a list")
BAD(order_11, "order-11.yaml",
    "6: steps[2].alloc.order: expected an integer 0..10, got \"11\"")
BAD(order_word, "order-word.yaml",
    "8: steps[2].alloc.order: expected an integer 0..10, got \"eleven\"")
BAD(memory_not_2m, "memory-not-2m.yaml",
    "2: machine.memory: expected a non-zero multiple of 2 MiB (one pageblock), got \"255M\"")
BAD(zero_cpus, "zero-cpus.yaml",
    "3: machine.cpus: expected an integer 1..64, got \"0\"")
BAD(unknown_gfp, "unknown-gfp.yaml",
    "4: steps[0].alloc.gfp: unknown gfp flag \"__GFP_MOVEABLE\", expected GFP_* and __GFP_* names joined by | (did you mean \"__GFP_MOVABLE\"?)")
/* The list of step names grows with every step type: build it from the table. */
TEST(bad_unknown_step)
{
	char msg[1024];
	size_t n = 0;
	unsigned int i;

	n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			      "5: steps[1].allocate: unknown step, expected one of ");
	for (i = 0; i < scenario_step_type_count(); i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", i ? ", " : "",
				      scenario_step_type_name(i));
	snprintf(msg + n, sizeof(msg) - n, " (did you mean \"alloc\"?)");
	expect_bad(_metadata, "unknown-step.yaml", msg);
}
BAD(missing_key, "missing-key.yaml",
    "5: steps[0].alloc: missing required key \"count\" (an integer 1..16777216)")
BAD(step_not_indented, "step-not-indented.yaml",
    "4: steps[0]: expected one step per list item, got 2 keys (alloc, count): indent a step's keys under its name, and start each step with \"- \"")
BAD(unknown_tag, "unknown-tag.yaml",
    "5: steps[1].free.tag: no earlier step allocates with tag \"usr\" (did you mean \"user\"?)")
BAD(duplicate_key, "duplicate-key.yaml",
    "4: machine.cpus: duplicate key, first given on line 3")
BAD(fraction_not_random, "fraction-not-random.yaml",
    "5: steps[1].free.fraction: only applies with pattern: random")
BAD(two_documents, "two-documents.yaml",
    "3: expected one scenario per file, got a second YAML document")
BAD(top_level_list, "top-level-list.yaml",
    "1: expected a mapping with machine: and steps:, got a list")
BAD(empty, "empty.yaml",
    "1: empty scenario, expected a mapping with machine: and steps:")
BAD(no_steps, "no-steps.yaml",
    "1: missing required key \"steps\" (a list of steps)")
BAD(unknown_top_key, "unknown-top-key.yaml",
    "1: machin: unknown key, expected one of name, description, machine, steps (did you mean \"machine\"?)")
BAD(bad_size, "bad-size.yaml",
    "2: machine.memory: expected a size in bytes or with a K, M, G or T suffix, got \"64 apples\"")
BAD(bad_churn_weight, "bad-churn-weight.yaml",
    "5: steps[0].churn.gfp.GFP_HIGHUSER_MOVABLE: expected an integer 1..1000000, got \"many\"")

BAD(balloon_driver, "bad-balloon-driver.yaml",
    "4: steps[0].balloon.driver: expected one of virtio, vmw, cmm, got \"virtoi\" (did you mean \"virtio\"?)")
BAD(balloon_target, "bad-balloon-target.yaml",
    "6: steps[0].balloon.target: expected a page count or a size such as 64M, got \"6000 bytes\"")
BAD(balloon_missing_target, "bad-balloon-missing-target.yaml",
    "2: steps[0].balloon: missing required key \"target\" (a page count or a size such as 64M)")
BAD(compact_order, "bad-compact-order.yaml",
    "2: steps[0].compact.order: expected an order 0..10 or full, got \"all\"")
BAD(try_alloc_tag, "bad-try-alloc-tag.yaml",
    "2: steps[0].try-alloc.tag: only applies with keep: true")
BAD(try_alloc_order, "bad-try-alloc-order.yaml",
    "2: steps[0].try-alloc: missing required key \"order\" (an integer 0..10)")
BAD(note, "bad-note.yaml",
    "2: steps[0].note: expected one line of text, got a list")

/* A size that is not whole pages, and a page count past any machine. */
TEST(bad_balloon_targets_inline)
{
	static const struct bad_case bad[] = {
		{ "steps:\n  - balloon: {driver: cmm, target: 6K}\n",
		  "t.yaml:2: steps[0].balloon.target: expected a size in whole 4 KiB pages, got \"6K\"" },
		{ "steps:\n  - balloon: {driver: cmm, target: 64M, expect: maybe}\n",
		  "t.yaml:2: steps[0].balloon.expect: expected one of reached, any, got \"maybe\"" },
		{ "steps:\n  - balloon: {driver: cmm, target: 64M, timeout: 0}\n",
		  "t.yaml:2: steps[0].balloon.timeout: expected an integer 1..3600000, got \"0\"" },
		{ "steps:\n  - balloon: {target: 64M}\n",
		  "t.yaml:2: steps[0].balloon: missing required key \"driver\" (virtio, vmw or cmm)" },
		{ "steps:\n  - compact: {order: 11}\n",
		  "t.yaml:2: steps[0].compact.order: expected an integer 0..10, got \"11\"" },
		{ "steps:\n  - try-alloc: {order: 9, count: 0}\n",
		  "t.yaml:2: steps[0].try-alloc.count: expected an integer 1..65536, got \"0\"" },
		{ "steps:\n  - rss: {all: true}\n",
		  "t.yaml:2: steps[0].rss.all: unknown key, expected one of " },
	};
	expect_bad_inline(_metadata, bad, sizeof(bad) / sizeof(bad[0]), false);
}

TEST(bad_memory_larger_than_host)
{
	char msg[256];

	/* The message quotes this host's RAM, as the loader measures it. */
	snprintf(msg, sizeof(msg),
		 "3: machine.memory: expected at most this host's RAM (%llu MiB), got \"64T\"",
		 (unsigned long long)sysconf(_SC_PHYS_PAGES) *
			 sysconf(_SC_PAGESIZE) >> 20);
	expect_bad(_metadata, "memory-too-big.yaml", msg);
}

/* The library's own check of the machine block, reported at machine:. */
TEST(bad_zones_larger_than_memory)
{
	char path[PATH_MAX], err[SCENARIO_ERR_LEN], prefix[PATH_MAX + 32];
	struct scenario *sc;

	fixture_path(path, sizeof(path), "zones-too-big.yaml");
	ASSERT_EQ(-EINVAL, scenario_load_file(path, &sc, err, sizeof(err)));
	snprintf(prefix, sizeof(prefix), "%s:1: machine: ", path);
	EXPECT_EQ(0, strncmp(err, prefix, strlen(prefix)));
	EXPECT_GT(strlen(err), strlen(prefix));
	EXPECT_EQ(NULL, strchr(err, '\n'));
}

TEST(missing_file)
{
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;

	EXPECT_EQ(-ENOENT, scenario_load_file("/nonexistent/x.yaml", &sc,
					      err, sizeof(err)));
	EXPECT_STREQ("/nonexistent/x.yaml: cannot open: No such file or directory",
		     err);
}

/* A scalar step with a missing required key points at the step's line. */
/*
 * Scenario input is bounded before it is parsed: not a regular file, more
 * than SCENARIO_MAX_BYTES, or flow collections nested deeper than
 * SCENARIO_MAX_DEPTH (libyaml is quadratic in that) is refused at once.
 */
TEST(bounded_scenario_input)
{
	char path[] = "/tmp/pagemig-scn-XXXXXX", err[SCENARIO_ERR_LEN];
	struct scenario *sc = NULL;
	FILE *f;
	int fd, i;

	EXPECT_EQ(-EINVAL, scenario_load_file("/dev/zero", &sc, err, sizeof(err)));
	EXPECT_STREQ("/dev/zero: not a regular file; a scenario is a YAML file", err);
	EXPECT_NULL(sc);

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, SCENARIO_MAX_BYTES + 1));
	close(fd);
	EXPECT_EQ(-EINVAL, scenario_load_file(path, &sc, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "bytes; a scenario is a YAML file of at most"));

	f = fopen(path, "w");
	ASSERT_NOT_NULL(f);
	fputs("machine: {memory: 64M}\n# [[[ in a comment and '[[[' in quotes do not count\nsteps: ", f);
	for (i = 0; i < SCENARIO_MAX_DEPTH + 1; i++)
		fputc('[', f);
	for (i = 0; i < SCENARIO_MAX_DEPTH + 1; i++)
		fputc(']', f);
	fputc('\n', f);
	fclose(f);
	EXPECT_EQ(-EINVAL, scenario_load_file(path, &sc, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, ":3: collections nested more than 64 deep"));
	EXPECT_NULL(sc);
	unlink(path);
}

TEST(missing_key_scalar_step)
{
	static const char text[] = "steps:\n  - verify\n  - alloc\n";
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;

	EXPECT_EQ(-EINVAL, scenario_load_string(text, sizeof(text) - 1,
						"s.yaml", &sc, err,
						sizeof(err)));
	EXPECT_STREQ("s.yaml:3: steps[1].alloc: missing required key \"count\" (an integer 1..16777216)",
		     err);
}

TEST(good_scenario_parses_into_its_steps)
{
	static const char *const want[] = {
		"report", "alloc", "alloc", "free", "free", "churn", "report",
		"verify", "verify", "validate", "expect",
	};
	static const int lines[] = { 10, 11, 12, 18, 19, 20, 27, 28, 29, 30, 31 };
	char path[PATH_MAX], err[SCENARIO_ERR_LEN] = "";
	struct scenario *sc;
	unsigned int i;

	fixture_path(path, sizeof(path), "good.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	EXPECT_STREQ("", err);
	EXPECT_STREQ("good", sc->name);
	EXPECT_STREQ("a scenario that uses every step", sc->description);
	EXPECT_EQ(64ULL << 20, sc->cfg.memory);
	EXPECT_EQ(16ULL << 20, sc->cfg.dma32);
	EXPECT_EQ(16ULL << 20, sc->cfg.movable);
	EXPECT_EQ(2, sc->cfg.nr_cpus);
	EXPECT_EQ(42, sc->cfg.seed);
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), sc->nr_steps);
	for (i = 0; i < sc->nr_steps; i++) {
		EXPECT_STREQ(want[i], scenario_step_name(&sc->steps[i]));
		EXPECT_EQ(lines[i], sc->steps[i].line);
		EXPECT_EQ(i, sc->steps[i].index);
	}
	scenario_free(sc);
}

TEST(good_balloon_scenario_parses)
{
	static const char *const want[] = {
		"note", "alloc", "free", "balloon", "balloon", "balloon",
		"free", "rss", "try-alloc", "compact", "compact", "compact",
		"try-alloc", "rss", "verify", "balloon", "validate",
	};
	char path[PATH_MAX], err[SCENARIO_ERR_LEN] = "";
	struct scenario *sc;
	unsigned int i;

	fixture_path(path, sizeof(path), "good-balloon.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	EXPECT_STREQ("", err);
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), sc->nr_steps);
	for (i = 0; i < sc->nr_steps; i++)
		EXPECT_STREQ(want[i], scenario_step_name(&sc->steps[i]));
	scenario_free(sc);
}

/* A summary figure of a step: what the summary line and JSON show. */
static const struct report_figure *figure(const struct step_result *res,
					  const char *name)
{
	const struct report_figure *f = report_find(res, name);

	return f && f->summary ? f : NULL;
}

static unsigned long fig(const struct step_result *res, const char *name)
{
	const struct report_figure *f = figure(res, name);

	return f ? f->count : ULONG_MAX;
}

/* The text of a step's block @i, as the run prints it; static buffer. */
static const char *block_text(const struct step_result *res, unsigned int i)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	buf[0] = '\0';
	if (f && i < res->nr_blocks) {
		report_text_block(f, res, &res->blocks[i]);
		fclose(f);
	}
	return buf;
}

/*
 * The scenarios with balloon, zsmalloc or offlined movable_ops pages run
 * once per movable_ops core: the variant overrides machine.movable_ops.
 */
FIXTURE(mops) { int unused; };
FIXTURE_VARIANT(mops) { enum pagemig_movable_ops core; };
FIXTURE_VARIANT_ADD(mops, core_6_17) { .core = PAGEMIG_MOVABLE_OPS_6_17 };
FIXTURE_VARIANT_ADD(mops, decoupled) { .core = PAGEMIG_MOVABLE_OPS_DECOUPLED };
FIXTURE_SETUP(mops) { }
FIXTURE_TEARDOWN(mops) { }

/*
 * The balloon fixture end to end: three balloons inflate into scattered
 * holes, RSS drops by what they hold, order-9 attempts fail before a
 * full compaction and succeed after it, balloon pages are what moved,
 * and the kept blocks verify.
 */
TEST_F(mops, run_balloon_scenario)
{
	struct scenario_run_opts opts = { 0 };
	char path[PATH_MAX], err[SCENARIO_ERR_LEN];
	const struct step_result *r;
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v;

	fixture_path(path, sizeof(path), "good-balloon.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	sc->cfg.movable_ops = variant->core;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED, run.report.decoupled);
	EXPECT_EQ(0, scenario_run_steps(&run));
	for (unsigned int i = 0; i < sc->nr_steps; i++)
		if (run.report.steps[i].failed)
			TH_LOG("step %u: %s", i + 1, run.report.steps[i].message);

	/* virtio and vmw reach 640 pages; the balloons' frames left RSS. */
	r = &run.report.steps[3];
	EXPECT_EQ(640, fig(r, "size"));
	EXPECT_EQ(640, fig(r, "host_held"));
	EXPECT_EQ(1, fig(r, "reached"));
	ASSERT_NOT_NULL(figure(r, "rss_after_mib"));
	EXPECT_EQ(REPORT_REAL, figure(r, "rss_after_mib")->type);
	EXPECT_TRUE(figure(r, "rss_before_mib")->real -
		    figure(r, "rss_after_mib")->real > 2.4);
	EXPECT_EQ(640, fig(&run.report.steps[4], "size"));
	EXPECT_EQ(1, run.report.steps[3].nr_blocks);
	EXPECT_TRUE(run.report.end.balloons_shown);

	/* Before compaction: balloon pages pin most pageblocks. */
	r = &run.report.steps[8];
	EXPECT_EQ(4, fig(r, "attempts"));
	EXPECT_LE(fig(r, "succeeded"), 2);

	/* The full compaction moved balloon pages and freed 2 MiB blocks. */
	r = &run.report.steps[9];
	EXPECT_GT(fig(r, "balloon_migrate"), 0);
	EXPECT_GE(fig(r, "migrated"), fig(r, "balloon_migrate"));
	EXPECT_GT(fig(r, "blocks_2m_after"), fig(r, "blocks_2m_before"));
	EXPECT_GT(figure(r, "free_2m_after_pct")->real,
		  figure(r, "free_2m_before_pct")->real);
	EXPECT_EQ(0, pagemig_vmstat_get("balloon_migrate", &v));
	EXPECT_GT(v, 0);

	/* After: every attempt succeeds, and the kept blocks verify. */
	r = &run.report.steps[12];
	EXPECT_EQ(4, fig(r, "succeeded"));
	EXPECT_EQ(4 * 512, fig(&run.report.steps[14], "checked"));
	EXPECT_EQ(0, fig(&run.report.steps[14], "corrupted"));
	EXPECT_EQ(4 * 512, run.report.verify_checked);
	EXPECT_EQ(0, run.report.verify_corrupted);

	/* Deflating to 0 gives every frame back. */
	EXPECT_EQ(0, fig(&run.report.steps[15], "size"));
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* An unreachable target fails the step with expect: reached only. */
TEST_F(mops, run_balloon_target_too_big)
{
	static const char text[] =
		"machine: {memory: 16M, cpus: 1}\n"
		"steps:\n"
		"  - balloon: {driver: virtio, target: 64M}\n"
		"  - balloon: {driver: vmw, target: 16M, expect: any}\n"
		"  - balloon: {driver: vmw, target: 0}\n";
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;

	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1, "b.yaml",
					  &sc, err, sizeof(err)));
	sc->cfg.movable_ops = variant->core;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED, run.report.decoupled);
	EXPECT_EQ(1, scenario_run_steps(&run));
	EXPECT_TRUE(run.report.steps[0].failed);
	EXPECT_NOT_NULL(strstr(run.report.steps[0].message, "more than the machine"));
	/* 16M is all memory: the guest runs short, and says so. */
	EXPECT_FALSE(run.report.steps[1].failed);
	EXPECT_EQ(0, fig(&run.report.steps[1], "reached"));
	EXPECT_LT(fig(&run.report.steps[1], "size"), 4096);
	EXPECT_FALSE(run.report.steps[2].failed);
	EXPECT_EQ(0, fig(&run.report.steps[2], "size"));
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	scenario_free(sc);
}

TEST(defaults_without_machine_block)
{
	static const char text[] = "steps: []\n";
	char err[SCENARIO_ERR_LEN];
	struct pagemig_config def;
	struct scenario *sc;

	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1,
					  "dir/plain.yaml", &sc, err,
					  sizeof(err)));
	pagemig_config_default(&def);
	EXPECT_STREQ("plain", sc->name);
	EXPECT_STREQ("", sc->description);
	EXPECT_EQ(def.memory, sc->cfg.memory);
	EXPECT_EQ(def.nr_cpus, sc->cfg.nr_cpus);
	EXPECT_EQ(0, sc->nr_steps);
	scenario_free(sc);
}

TEST(every_builtin_loads)
{
	const struct builtin_scenario *b;
	char err[SCENARIO_ERR_LEN];
	struct scenario *sc;
	int n = 0;

	for (b = builtin_scenarios; b->name; b++, n++) {
		EXPECT_EQ(0, scenario_load_builtin(b->name, &sc, err,
						   sizeof(err)));
		if (!sc) {
			TH_LOG("%s: %s", b->name, err);
			continue;
		}
		EXPECT_STREQ(b->name, sc->name);
		EXPECT_NE(0, strlen(sc->description));
		EXPECT_GT(sc->nr_steps, 0);
		scenario_free(sc);
	}
	EXPECT_GE(n, 2);
	/* `pagemig run` with no argument runs it, and lists it first. */
	ASSERT_NOT_NULL(scenario_builtin("default"));
	EXPECT_STREQ("default", builtin_scenarios[0].name);
	EXPECT_STREQ("default", scenario_builtin_suggest("defualt"));
	EXPECT_EQ(-ENOENT, scenario_load_builtin("nope", &sc, err,
						 sizeof(err)));
}

TEST(sizes_and_suggestions)
{
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
		{ "4096", 4096 }, { "2M", 2ULL << 20 }, { "2 MiB", 2ULL << 20 },
		{ "1G", 1ULL << 30 }, { "3k", 3072 }, { "1TB", 1ULL << 40 },
	};
	static const char *const keys[] = { "count", "order", "gfp", NULL };
	char text[64], err[SCENARIO_ERR_LEN];
	struct scenario *sc;
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		/* Through zones.dma32, which accepts any whole 2 MiB... */
		snprintf(text, sizeof(text),
			 "machine: {memory: 1G, zones: {movable: \"%s\"}}\nsteps: []\n",
			 ok[i].text);
		if (ok[i].bytes % (2ULL << 20) || ok[i].bytes >= 1ULL << 30) {
			EXPECT_EQ(-EINVAL, scenario_load_string(text,
					strlen(text), "z.yaml", &sc, err,
					sizeof(err)));
			continue;
		}
		ASSERT_EQ(0, scenario_load_string(text, strlen(text),
						  "z.yaml", &sc, err,
						  sizeof(err)));
		EXPECT_EQ(ok[i].bytes, sc->cfg.movable);
		scenario_free(sc);
	}
	EXPECT_STREQ("order", yp_suggest("ordr", keys));
	EXPECT_STREQ("count", yp_suggest("Count", keys));
	EXPECT_STREQ("gfp", yp_suggest("gfp_mask", keys));
	EXPECT_NULL(yp_suggest("xyzzy", keys));
}

/*
 * A small scenario, end to end: what the steps allocate is what verify
 * counts, and a failing expect: fails the run without stopping it.
 */
TEST(run_small_scenario)
{
	static const char text[] =
		"machine: {memory: 32M, cpus: 1, seed: 7}\n"
		"steps:\n"
		"  - alloc: {count: 100, order: 1, tag: a}\n"
		"  - alloc: {count: 50, gfp: \"GFP_KERNEL|__GFP_RECLAIMABLE\", tag: b}\n"
		"  - free: {tag: a, pattern: every-other}\n"
		"  - churn: {rounds: 3, batch: 64, pattern: interleaved, keep: 0}\n"
		"  - verify\n"
		"  - expect: {free_pages_max: 1}\n"
		"  - report: [buddyinfo]\n";
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	unsigned long a_pages = 50 * 2, b_pages = 50, churn_pages = 0;
	unsigned int i;
	size_t j;

	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1, "r.yaml",
					  &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(7, run.cfg.seed);
	EXPECT_EQ(1, scenario_run_steps(&run));
	EXPECT_EQ(sc->nr_steps, run.report.steps_run);
	EXPECT_TRUE(run.report.failed);
	for (i = 0; i < sc->nr_steps; i++)
		EXPECT_EQ(i == 5, run.report.steps[i].failed);
	EXPECT_NOT_NULL(run.report.steps[5].message);

	/* interleaved with keep 0 frees every movable block it made. */
	for (i = 0; i < run.nr_groups; i++) {
		if (strcmp(run.groups[i].name, "churn"))
			continue;
		for (j = 0; j < run.groups[i].nr; j++) {
			EXPECT_NE(MT_MOVABLE, run.groups[i].blocks[j].mt);
			churn_pages += 1UL << run.groups[i].blocks[j].order;
		}
	}
	EXPECT_EQ(a_pages + b_pages + churn_pages, run.report.verify_checked);
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_EQ(1, run.report.steps[6].nr_blocks);
	EXPECT_EQ(0, strncmp(block_text(&run.report.steps[6], 0),
			     "--- buddyinfo (after step 6: expect) ---\n", 41));
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	EXPECT_FALSE(pagemig_machine_ready());
	scenario_free(sc);
}

/* The same seed replays the same run. */
TEST(run_is_reproducible)
{
	static const char text[] =
		"machine: {memory: 16M}\n"
		"steps:\n"
		"  - churn: {rounds: 4, batch: 128, orders: [0, 1, 2]}\n"
		"  - free: {tag: churn, pattern: random, fraction: 0.3}\n";
	struct scenario_run_opts opts = { .seed = 99, .seed_given = true };
	unsigned long pfn_sum[2] = { 0, 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	size_t j;
	int k;

	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1, "p.yaml",
					  &sc, err, sizeof(err)));
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err,
						sizeof(err)));
		EXPECT_EQ(99, run.cfg.seed);
		EXPECT_EQ(0, scenario_run_steps(&run));
		for (j = 0; j < run.groups[0].nr; j++)
			pfn_sum[k] += run.groups[0].blocks[j].pfn *
				      (j + 1);
		scenario_run_finish(&run);
	}
	EXPECT_NE(0, pfn_sum[0]);
	EXPECT_EQ(pfn_sum[0], pfn_sum[1]);
	scenario_free(sc);
}

/* ---- zram steps ---------------------------------------------------------------- */

BAD(zram_device, "bad-zram-device.yaml",
    "5: steps[1].zram-write.device: no earlier step zram-create of \"zram1\" (did you mean \"zram0\"?)")
BAD(zram_compressor, "bad-zram-compressor.yaml",
    "4: steps[0].zram-create.compressor: expected one of lz4, lz4hc, zstd, deflate, got \"lzo\" (did you mean \"lz4\"?)")
BAD(zram_disksize, "bad-zram-disksize.yaml",
    "5: steps[0].zram-create.disksize: expected a positive multiple of 4096 bytes, got \"6000\"")
BAD(zram_write, "bad-zram-write.yaml",
    "5: steps[1].zram-write.compressibility: expected a compression ratio 1.0..20 like 2.7, got \"0.5\"")
BAD(zram_discard, "bad-zram-discard.yaml",
    "5: steps[1].zram-discard.fraction: only applies with pattern: random")
BAD(zram_readers, "bad-zram-readers.yaml",
    "5: steps[1].zram-readers.while: expected one of compact, zs-compact, both, got \"compaction\" (did you mean \"compact\"?)")

/*
 * The zram fixture end to end: writes at a ratio, a mem_limit that
 * refuses, every discard pattern, zs_compact, readers during compaction,
 * and every sector of both devices in the final verify line.
 */
TEST_F(mops, run_zram_scenario)
{
	struct scenario_run_opts opts = { 0 };
	char path[PATH_MAX], err[SCENARIO_ERR_LEN];
	const struct step_result *r;
	struct scenario_run run;
	struct scenario *sc;

	fixture_path(path, sizeof(path), "good-zram.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	ASSERT_EQ(15, sc->nr_steps);
	EXPECT_STREQ("zram-readers", scenario_step_name(&sc->steps[10]));
	sc->cfg.movable_ops = variant->core;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED, run.report.decoupled);
	EXPECT_EQ(0, scenario_run_steps(&run));
	for (unsigned int i = 0; i < sc->nr_steps; i++)
		if (run.report.steps[i].failed)
			TH_LOG("step %u: %s", i + 1, run.report.steps[i].message);

	EXPECT_EQ(2048, fig(&run.report.steps[0], "sectors"));
	r = &run.report.steps[2];
	EXPECT_EQ(1024, fig(r, "written"));
	EXPECT_EQ(0, fig(r, "refused"));
	/* Generated at 2.7:1 with 10% same-filled and 5% incompressible. */
	EXPECT_GT(figure(r, "ratio")->real, 1.8);
	EXPECT_LT(figure(r, "ratio")->real, 3.2);
	/* 64K of mem_limit: 16 huge pages fit, the rest is refused. */
	r = &run.report.steps[5];
	EXPECT_GT(fig(r, "refused"), 200);
	EXPECT_GE(65536, fig(r, "mem_used_total"));
	EXPECT_EQ(512, fig(&run.report.steps[6], "discarded"));
	EXPECT_EQ(10, fig(&run.report.steps[8], "discarded"));
	EXPECT_GT(fig(&run.report.steps[9], "pages_freed"), 0);
	EXPECT_GT(fig(&run.report.steps[10], "reads"), 0);
	EXPECT_EQ(0, fig(&run.report.steps[10], "corrupted"));
	EXPECT_EQ(0, fig(&run.report.steps[11], "corrupted"));
	/* Written: [0, 1536) of zram0, discards included (they read as zeroes). */
	EXPECT_EQ(1536, fig(&run.report.steps[12], "checked"));
	EXPECT_EQ(0, fig(&run.report.steps[12], "corrupted"));
	/* swap1: the file's pages at 0 and what mem_limit let in from 16 on. */
	EXPECT_EQ(fig(&run.report.steps[4], "written") + fig(&run.report.steps[5], "written"),
		  fig(&run.report.steps[13], "checked"));
	/* The final verify: every written sector of both devices, no tagged pages. */
	EXPECT_EQ(1536 + fig(&run.report.steps[13], "checked"), run.report.verify_checked);
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* The zram built-in reports 0 corrupted with every written sector checked. */
TEST_F(mops, run_zram_builtin_verifies_every_written_sector)
{
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v = 0;

	ASSERT_EQ(0, scenario_load_builtin("zram", &sc, err, sizeof(err)));
	sc->cfg.movable_ops = variant->core;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED, run.report.decoupled);
	EXPECT_EQ(0, scenario_run_steps(&run));
	EXPECT_EQ(49152, run.report.verify_checked);	/* 192M of a 256M disk */
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_EQ(0, pagemig_vmstat_get("pgmigrate_success", &v));
	EXPECT_GT(v, 0);
	EXPECT_EQ(0, pagemig_vmstat_get("nr_zspages", &v));
	EXPECT_GT(v, 0);
	scenario_run_finish(&run);
	scenario_free(sc);
}

/*
 * Issue 15, row 7: a 64 GiB disk with 16 sectors written verifies those
 * 16 (it read all 16 M sectors: about a minute under ASan), and a 1 TiB
 * disk on 512 MiB is the kernel's -ENOMEM: the step fails, the run goes
 * on (it used to stop there, as if the host had run out of memory).
 */
TEST(run_zram_verifies_written_sectors_and_oversized_is_enomem)
{
	const char *text =
		"machine: {memory: 512M}\n"
		"steps:\n"
		"  - zram-create: {device: big, disksize: 64G}\n"
		"  - zram-write: {device: big, start: 1000000, pages: 16}\n"
		"  - zram-discard: {device: big, pattern: range, start: 1000000, count: 4}\n"
		"  - zram-verify: {device: big}\n"
		"  - zram-create: {device: huge, disksize: 1T}\n"
		"  - zram-verify: {device: huge}\n"
		"  - verify\n";
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	double t0 = step_now();

	ASSERT_EQ(0, scenario_load_string(text, strlen(text), "t.yaml", &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(1, scenario_run_steps(&run));	/* failed steps, not stopped */
	EXPECT_EQ(16777216, fig(&run.report.steps[0], "sectors"));
	EXPECT_EQ(16, fig(&run.report.steps[3], "checked"));
	EXPECT_EQ(0, fig(&run.report.steps[3], "corrupted"));
	EXPECT_TRUE(run.report.steps[4].failed);
	EXPECT_NOT_NULL(strstr(run.report.steps[4].message, strerror(ENOMEM)));
	EXPECT_TRUE(run.report.steps[5].failed);	/* no device "huge" */
	EXPECT_EQ(sc->nr_steps, run.report.steps_run);
	EXPECT_EQ(16, run.report.verify_checked);
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_LT(step_now() - t0, 10.0);
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* ---- processes: spawn, touch, free by process, pin, exit, workers ---- */

BAD(spawn_pattern, "bad-spawn-pattern.yaml",
    "4: steps[0].spawn.pattern: expected one of sequential, random, hot-cold, got \"sequentail\" (did you mean \"sequential\"?)")
BAD(process_name, "bad-process-name.yaml",
    "5: steps[1].touch.process: no earlier step spawns a process \"webs\" (did you mean \"web\"?)")
BAD(free_process_fraction, "bad-free-process.yaml",
    "5: steps[1].free.fraction: only applies with pattern: random or range")

/* Issue 15, row 21: accepted at load before, failed (or did nothing) at run time. */
BAD(gfp_both_mobility_bits, "bad-gfp-both-mobility.yaml",
    "5: steps[0].alloc.gfp: expected GFP_* and __GFP_* names joined by |, at most one of __GFP_MOVABLE and __GFP_RECLAIMABLE, got \"__GFP_MOVABLE|__GFP_RECLAIMABLE\"")
BAD(zram_create_twice, "bad-zram-create-twice.yaml",
    "7: steps[2].zram-create.device: a zram device \"zram0\" was already created (its disksize is set: kernel -EBUSY)")
BAD(spawn_cpus_beyond_machine, "bad-spawn-cpus.yaml",
    "7: steps[0].spawn.cpus[1]: expected a CPU the machine has (below machine.cpus), got \"2\"")
BAD(file_path_directory, "bad-file-path-dir.yaml",
    "5: steps[0].spawn.file_path: expected a regular file, got \".\"")
BAD(file_path_device, "bad-file-path-device.yaml",
    "5: steps[0].spawn.file_path: expected a regular file, got \"/dev/zero\"")

TEST(bad_process_steps_inline)
{
	static const struct bad_case bad[] = {
		{ "steps:\n  - spawn: {anon: 4M}\n",
		  "t.yaml:2: steps[0].spawn: missing required key \"name\" (a process name)" },
		{ "steps:\n  - spawn: {name: a}\n",
		  "t.yaml:2: steps[0].spawn: expected at least one of anon, file, file_path, file_from" },
		{ "steps:\n  - spawn: {name: a, anon: 6K}\n",
		  "t.yaml:2: steps[0].spawn.anon: expected a non-zero size in whole 4 KiB pages, got \"6K\"" },
		{ "steps:\n  - spawn: {name: a, anon: 4M}\n  - spawn: {name: a, anon: 4M}\n",
		  "t.yaml:3: steps[1].spawn.name: a process \"a\" was already spawned" },
		{ "steps:\n  - spawn: {name: a, file: 4M, thp: true}\n",
		  "t.yaml:2: steps[0].spawn.thp: only applies with anon" },
		{ "steps:\n  - spawn: {name: a, anon: 4M, shared: true}\n",
		  "t.yaml:2: steps[0].spawn.shared: only applies with file or file_path" },
		{ "steps:\n  - spawn: {name: a, anon: 4M, threads: 17}\n",
		  "t.yaml:2: steps[0].spawn.threads: expected an integer 0..16, got \"17\"" },
		{ "steps:\n  - spawn: {name: a, anon: 4M, cpus: []}\n",
		  "t.yaml:2: steps[0].spawn.cpus: expected a list of CPU numbers such as [0, 1], got a list" },
		{ "steps:\n  - spawn: {name: a, anon: 4M, cpus: [0, 64]}\n",
		  "t.yaml:2: steps[0].spawn.cpus[1]: expected an integer 0..63, got \"64\"" },
		{ "steps:\n  - spawn: {name: a, file: 4M}\n  - spawn: {name: b, file: 1M, file_from: a}\n",
		  "t.yaml:3: steps[1].spawn.file_from: give either file/file_path or file_from, not both" },
		{ "steps:\n  - spawn: {name: a, file_from: z}\n",
		  "t.yaml:2: steps[0].spawn.file_from: no earlier step spawns a process \"z\"" },
		{ "steps:\n  - spawn: {name: a, anon: 4M}\n  - pin: {process: a}\n",
		  "t.yaml:3: steps[1].pin: missing required key \"pages\" (an integer 1..16777216)" },
		{ "steps:\n  - spawn: {name: a, anon: 4M}\n  - free: {process: a, pattern: random, from: 0.5}\n",
		  "t.yaml:3: steps[1].free.from: only applies with pattern: range" },
		{ "steps:\n  - spawn: {name: a, anon: 4M}\n  - free: {process: a, tag: x}\n",
		  "t.yaml:3: steps[1].free.tag: unknown key, expected one of process, pattern, fraction, from, mapping" },
		{ "steps:\n  - workers: {}\n",
		  "t.yaml:2: steps[0].workers: missing required key \"run\" (true or false)" },
		{ "steps:\n  - workers: {run: false, seconds: 1}\n",
		  "t.yaml:2: steps[0].workers.seconds: only applies with run: true" },
		{ "steps:\n  - workers: {run: true, seconds: soon}\n",
		  "t.yaml:2: steps[0].workers.seconds: expected a number of seconds 0..3600, got \"soon\"" },
		{ "steps:\n  - stop: {run: false}\n",
		  "t.yaml:2: steps[0].stop.run: unknown key, expected one of process" },
		{ "steps:\n  - exit: {process: nobody}\n",
		  "t.yaml:2: steps[0].exit.process: no earlier step spawns a process \"nobody\"" },
		{ "steps:\n  - spawn: {name: a, file: 4M, ksm: true}\n",
		  "t.yaml:2: steps[0].spawn.ksm: only applies with anon" },
		{ "steps:\n  - spawn: {name: a, anon: 4M, duplicates: 0}\n",
		  "t.yaml:2: steps[0].spawn.duplicates: expected an integer 1..1073741824, got \"0\"" },
		{ "machine: {compaction_proactiveness: 101}\nsteps:\n  - note: x\n",
		  "t.yaml:1: machine.compaction_proactiveness: expected an integer 0..100, got \"101\"" },
		{ "steps:\n  - ksm: {scans: many}\n",
		  "t.yaml:2: steps[0].ksm.scans: expected an integer 0..1000, got \"many\"" },
		{ "steps:\n  - ksm: {run: maybe}\n",
		  "t.yaml:2: steps[0].ksm.run: expected true or false, got \"maybe\"" },
		{ "steps:\n  - ksm: {sleep: 5}\n",
		  "t.yaml:2: steps[0].ksm.sleep: unknown key, expected one of scans, run, pages_to_scan, sleep_ms (did you mean \"sleep_ms\"?)" },
	};
	expect_bad_inline(_metadata, bad, sizeof(bad) / sizeof(bad[0]), false);
}

/* Every process step runs; workers access; nothing is corrupted. */
TEST(run_good_processes)
{
	struct scenario_run_opts opts = { 0 };
	char path[PATH_MAX], err[SCENARIO_ERR_LEN] = "";
	struct report_process *r;
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v = 0;
	unsigned int i;

	fixture_path(path, sizeof(path), "good-processes.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	ASSERT_EQ(18, sc->nr_steps);
	EXPECT_STREQ("spawn", scenario_step_name(&sc->steps[0]));
	EXPECT_STREQ("stop", scenario_step_name(&sc->steps[16]));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(0, scenario_run_steps(&run));
	for (i = 0; i < run.report.steps_run; i++)
		if (run.report.steps[i].failed)
			TH_LOG("step %u: %s", i + 1, run.report.steps[i].message);
	/* a: 8M of THP; its upper half goes as two 2 MiB blocks. */
	EXPECT_EQ(1024, fig(&run.report.steps[7], "pages"));
	EXPECT_EQ(16, fig(&run.report.steps[9], "pinned"));
	EXPECT_GT(fig(&run.report.steps[11], "accesses"), 0);
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_GT(run.report.verify_checked, 0);
	/* The report's processes, as the run left them. */
	ASSERT_EQ(3, run.report.end.nr_procs);
	r = &run.report.end.procs[0];
	EXPECT_STREQ("a", r->name);
	EXPECT_TRUE(r->exited);
	r = &run.report.end.procs[1];
	EXPECT_FALSE(r->exited);
	EXPECT_EQ(16, r->st.nr_pinned);
	EXPECT_EQ(512, r->file_pages);
	EXPECT_GT(r->reads, 0);
	EXPECT_EQ(0, r->corrupted);
	EXPECT_EQ(0, r->errors);
	EXPECT_EQ(0, pagemig_vmstat_get("pgmigrate_success", &v));
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	EXPECT_FALSE(pagemig_machine_ready());
	scenario_free(sc);
}

/* The built-ins with processes: 0 corrupted, order-9 blocks come back. */
TEST(run_processes_builtins)
{
	static const char *const names[] = { "processes", "default" };
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v = 0;
	unsigned int i, s;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, scenario_load_builtin(names[i], &sc, err, sizeof(err)));
		ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
		EXPECT_EQ(0, scenario_run_steps(&run));
		for (s = 0; s < run.report.steps_run; s++)
			if (run.report.steps[s].failed)
				TH_LOG("%s step %u: %s", names[i], s + 1,
				       run.report.steps[s].message);
		EXPECT_EQ(0, run.report.verify_corrupted);
		EXPECT_GT(run.report.verify_checked, 10000);
		EXPECT_EQ(0, pagemig_vmstat_get("pgmigrate_success", &v));
		EXPECT_GT(v, 1000);
		scenario_run_finish(&run);
		scenario_free(sc);
	}
}

/*
 * Issue 15's livelock: a process touching twice the machine hung the run
 * at 100% CPU.  Now the OOM killer kills it, the run goes on, the
 * touch step does not fail, and verify counts its pages as gone.
 */
TEST(run_oom_repro_kills_instead_of_hanging)
{
	static const char text[] =
		"machine: {memory: 64M, cpus: 2}\n"
		"steps:\n"
		"  - spawn: {name: p, anon: 128M, threads: 0}\n"
		"  - touch: {process: p}\n"
		"  - verify\n";
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v = 0;
	unsigned int s;

	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1, "repro.yaml",
					  &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(0, scenario_run_steps(&run));
	for (s = 0; s < run.report.steps_run; s++) {
		if (run.report.steps[s].failed)
			TH_LOG("step %u: %s", s + 1, run.report.steps[s].message);
		EXPECT_FALSE(run.report.steps[s].failed);
	}
	EXPECT_EQ(1, fig(&run.report.steps[1], "oom_killed"));
	EXPECT_EQ(32768, fig(&run.report.steps[2], "gone"));
	EXPECT_EQ(0, fig(&run.report.steps[2], "corrupted"));
	EXPECT_EQ(0, pagemig_vmstat_get("oom_kill", &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(1, run.report.end.nr_procs);
	if (run.report.end.nr_procs)
		EXPECT_TRUE(run.report.end.procs[0].oom_killed);
	EXPECT_EQ(0, run.report.verify_corrupted);
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* The built-in: batch (oom_score_adj 1000) first, then the hog; db lives. */
TEST(run_oom_builtin)
{
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;
	unsigned long v = 0;

	ASSERT_EQ(0, scenario_load_builtin("oom", &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(0, scenario_run_steps(&run));
	EXPECT_FALSE(run.report.failed);
	EXPECT_EQ(0, pagemig_vmstat_get("oom_kill", &v));
	EXPECT_EQ(2, v);
	EXPECT_EQ(3, run.report.end.nr_procs);
	if (run.report.end.nr_procs == 3) {
		EXPECT_FALSE(run.report.end.procs[0].oom_killed);
		EXPECT_TRUE(run.report.end.procs[1].oom_killed);
		EXPECT_TRUE(run.report.end.procs[2].oom_killed);
	}
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_EQ(6144, run.report.verify_checked);
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* oom_score_adj: -1000..1000; a negative number only where allowed. */
TEST(bad_oom_score_adj_inline)
{
	static const struct bad_case bad[] = {
		{ "steps:\n  - spawn: {name: p, anon: 4M, oom_score_adj: -1001}\n",
		  "t.yaml:2: steps[0].spawn.oom_score_adj: expected an integer -1000..1000, got \"-1001\"" },
		{ "steps:\n  - spawn: {name: p, anon: 4M, oom_score_adj: 1001}\n",
		  "t.yaml:2: steps[0].spawn.oom_score_adj: expected an integer -1000..1000, got \"1001\"" },
		{ "steps:\n  - spawn: {name: p, anon: 4M, threads: -1}\n",
		  "t.yaml:2: steps[0].spawn.threads: expected an integer 0..16, got \"-1\"" },
		/* Issue 15 row 20: a newline in a value stays on one line. */
		{ "steps:\n  - spawn: {name: p, anon: \"4\\nM\\e\"}\n",
		  "t.yaml:2: steps[0].spawn.anon: expected a size in bytes or with a K, M, G or T suffix, got \"4\\nM\\x1b\"" },
		/* Issue 15 rows 5, 6: 20 GB of host memory, or a teardown for ever. */
		{ "machine: {memory: 64M}\nsteps:\n  - spawn: {name: p, anon: 10T}\n",
		  "t.yaml:3: steps[0].spawn.anon: expected at most 16 times machine.memory (64 MiB), got 10485760 MiB" },
		{ "machine: {memory: 64M}\nsteps:\n  - spawn: {name: p, file: 2G}\n",
		  "t.yaml:3: steps[0].spawn.file: expected at most 16 times machine.memory (64 MiB), got 2048 MiB" },
	};

	expect_bad_inline(_metadata, bad, sizeof(bad) / sizeof(bad[0]), true);
}

/* ---- isolation: alloc-contig, offline, online, soft-offline ---- */

BAD(offline_start, "bad-offline-start.yaml",
    "5: steps[0].offline.start: expected a 4 MiB-aligned offset such as 256M, got \"3M\"")
BAD(soft_offline_both, "bad-soft-offline.yaml",
    "5: steps[1].soft-offline.process: give either pfn or process, not both")

TEST(bad_isolation_steps_inline)
{
	static const struct bad_case bad[] = {
		{ "steps:\n  - offline: {size: 4M}\n",
		  "t.yaml:2: steps[0].offline: missing required key \"start\" (a 4 MiB-aligned offset such as 256M) or \"pfn\"" },
		{ "steps:\n  - offline: {start: 4M, pfn: 1024, size: 4M}\n",
		  "t.yaml:2: steps[0].offline.pfn: give either start or pfn, not both" },
		{ "steps:\n  - offline: {pfn: 1000, size: 4M}\n",
		  "t.yaml:2: steps[0].offline.pfn: expected a PFN that is a multiple of 1024 (4 MiB), got \"1000\"" },
		{ "steps:\n  - offline: {start: 4M, size: 4M, expect: maybe}\n",
		  "t.yaml:2: steps[0].offline.expect: expected one of success, any, got \"maybe\"" },
		{ "steps:\n  - alloc-contig: {start: 4M, size: 3M}\n",
		  "t.yaml:2: steps[0].alloc-contig.size: expected a non-zero multiple of 2 MiB, got \"3M\"" },
		{ "steps:\n  - alloc-contig: {start: 4M}\n",
		  "t.yaml:2: steps[0].alloc-contig: missing required key \"size\" (a non-zero multiple of 2 MiB)" },
		{ "steps:\n  - alloc-contig: {start: 4M, size: 4M, tag: cma}\n",
		  "t.yaml:2: steps[0].alloc-contig.tag: only applies with keep: true" },
		{ "steps:\n  - alloc-contig: {start: 4M, size: 4M, keep: sometimes}\n",
		  "t.yaml:2: steps[0].alloc-contig.keep: expected true or false" },
		{ "steps:\n  - online: {start: 4M, size: 4M, expect: any}\n",
		  "t.yaml:2: steps[0].online.expect: unknown key, expected one of start, pfn, size" },
		{ "steps:\n  - soft-offline: {}\n",
		  "t.yaml:2: steps[0].soft-offline: missing required key \"pfn\" (an integer 0..1099511627776) or \"process\"" },
		{ "steps:\n  - soft-offline: {pfn: -1}\n",
		  "t.yaml:2: steps[0].soft-offline.pfn: expected an integer 0..1099511627776, got \"-1\"" },
		{ "steps:\n  - soft-offline: {pfn: 1, address: 0}\n",
		  "t.yaml:2: steps[0].soft-offline.address: only applies with process" },
		{ "steps:\n  - soft-offline: {process: nobody, address: 0}\n",
		  "t.yaml:2: steps[0].soft-offline.process: no earlier step spawns a process \"nobody\"" },
		{ "steps:\n  - spawn: {name: a, anon: 4M}\n  - soft-offline: {process: a}\n",
		  "t.yaml:3: steps[1].soft-offline: missing required key \"address\" (an offset into the process's first mapping, such as 1M)" },
	};
	expect_bad_inline(_metadata, bad, sizeof(bad) / sizeof(bad[0]), false);
}

/*
 * Every isolation step next to a running process: offline takes 8 MiB
 * out of the zone and online gives it back, a process page and a free
 * page are soft-offlined, alloc-contig migrates balloon pages out, a
 * kept range blocks an offline (-EBUSY with its reason, expect: any),
 * and the kept pages verify.
 */
TEST(run_good_isolation)
{
	struct scenario_run_opts opts = { 0 };
	char path[PATH_MAX], err[SCENARIO_ERR_LEN] = "", buf[4096];
	struct scenario_run run;
	struct scenario *sc;
	FILE *log = tmpfile();
	unsigned int i;
	size_t n;

	ASSERT_NOT_NULL(log);
	fixture_path(path, sizeof(path), "good-isolation.yaml");
	ASSERT_EQ(0, scenario_load_file(path, &sc, err, sizeof(err)));
	ASSERT_EQ(14, sc->nr_steps);
	EXPECT_STREQ("offline", scenario_step_name(&sc->steps[3]));
	EXPECT_STREQ("soft-offline", scenario_step_name(&sc->steps[4]));
	EXPECT_STREQ("online", scenario_step_name(&sc->steps[6]));
	EXPECT_STREQ("alloc-contig", scenario_step_name(&sc->steps[7]));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	/* The failed offline dumps the page that stopped it, as the kernel does. */
	pagemig_set_log(log);
	EXPECT_EQ(0, scenario_run_steps(&run));
	pagemig_set_log(stderr);
	for (i = 0; i < run.report.steps_run; i++) {
		EXPECT_FALSE(run.report.steps[i].failed);
		if (run.report.steps[i].failed)
			TH_LOG("step %u: %s", i + 1, run.report.steps[i].message);
	}
	/* offline 8M: 2048 pages leave the zone; online brings them back. */
	EXPECT_EQ(1, fig(&run.report.steps[3], "ok"));
	EXPECT_EQ(2048, fig(&run.report.steps[3], "managed_before") -
			fig(&run.report.steps[3], "managed_after"));
	EXPECT_EQ(1, fig(&run.report.steps[6], "ok"));
	EXPECT_EQ(fig(&run.report.steps[3], "managed_before"),
		  fig(&run.report.steps[6], "managed_after"));
	/* The process page moved; the free page just left the allocator. */
	EXPECT_EQ(1, fig(&run.report.steps[4], "ok"));
	EXPECT_EQ(1, fig(&run.report.steps[4], "migrated"));
	EXPECT_EQ(1, fig(&run.report.steps[5], "ok"));
	EXPECT_EQ(0, fig(&run.report.steps[5], "migrated"));
	/* alloc-contig over the balloon: its pages migrate out. */
	EXPECT_EQ(1, fig(&run.report.steps[7], "ok"));
	EXPECT_GT(fig(&run.report.steps[7], "balloon_migrate"), 0);
	EXPECT_EQ(1, fig(&run.report.steps[8], "ok"));
	/* The kept range blocks the offline, which says why. */
	EXPECT_EQ(0, fig(&run.report.steps[9], "ok"));
	EXPECT_EQ(EBUSY, fig(&run.report.steps[9], "error"));
	ASSERT_EQ(1, run.report.steps[9].nr_blocks);
	EXPECT_NOT_NULL(strstr(block_text(&run.report.steps[9], 0),
			       "why: 1024 pages that cannot move (unmovable 1024)"));
	EXPECT_EQ(1, fig(&run.report.steps[11], "ok"));
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_EQ(2048 + 4096, run.report.verify_checked);
	EXPECT_EQ(0, pagemig_validate(NULL));
	scenario_run_finish(&run);
	scenario_free(sc);

	rewind(log);
	n = fread(buf, 1, sizeof(buf) - 1, log);
	buf[n] = '\0';
	EXPECT_NOT_NULL(strstr(buf, "page dumped because: unmovable page"));
	fclose(log);
}

/* The offline built-in: 64 MiB leaves a busy zone and comes back. */
TEST_F(mops, run_offline_builtin)
{
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	const struct report_figure *b, *a;
	struct scenario_run run;
	struct scenario *sc;
	unsigned int i, seen = 0;

	ASSERT_EQ(0, scenario_load_builtin("offline", &sc, err, sizeof(err)));
	sc->cfg.movable_ops = variant->core;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED, run.report.decoupled);
	EXPECT_EQ(0, scenario_run_steps(&run));
	for (i = 0; i < run.report.steps_run; i++) {
		const struct step_result *res = &run.report.steps[i];
		const char *name = scenario_step_name(&sc->steps[i]);

		EXPECT_FALSE(res->failed);
		if (res->failed)
			TH_LOG("step %u: %s", i + 1, res->message);
		if (!strcmp(name, "offline")) {
			seen |= 1;
			EXPECT_EQ(16384, fig(res, "managed_before") -
					 fig(res, "managed_after"));
			EXPECT_GT(fig(res, "migrated"), 1000);
			b = figure(res, "rss_before_mib");
			a = figure(res, "rss_after_mib");
			ASSERT_NOT_NULL(b);
			ASSERT_NOT_NULL(a);
			EXPECT_LT(a->real, b->real);
		} else if (!strcmp(name, "soft-offline")) {
			seen |= 2;
			EXPECT_EQ(1, fig(res, "migrated"));
		} else if (!strcmp(name, "online")) {
			seen |= 4;
			EXPECT_EQ(16384, fig(res, "managed_after") -
					 fig(res, "managed_before"));
		} else if (!strcmp(name, "alloc-contig")) {
			seen |= 8;
			EXPECT_EQ(1, fig(res, "ok"));
		}
	}
	EXPECT_EQ(15, seen);
	EXPECT_EQ(0, run.report.verify_corrupted);
	EXPECT_GT(run.report.verify_checked, 10000);
	scenario_run_finish(&run);
	scenario_free(sc);
}

/* ---- the key-table walker ---- */

/*
 * Messages the walker writes from a step's table: exclusions, keys that
 * only apply with another, required keys, and names of one kind that do
 * not stand for names of another (a zram device is not a tag group).
 */
TEST(bad_keys_from_tables_inline)
{
	static const struct bad_case bad[] = {
		{ "steps:\n  - alloc: {count: 1, tag: a}\n  - free: {tag: a, pattern: random, fraction: 0.5, count: 2}\n",
		  "t.yaml:3: steps[1].free.count: give either fraction or count, not both" },
		{ "steps:\n  - zram-create: {disksize: 4M}\n  - zram-write: {size: 4K, pages: 1}\n",
		  "t.yaml:3: steps[1].zram-write.pages: give either size or pages, not both" },
		{ "steps:\n  - zram-create: {}\n",
		  "t.yaml:2: steps[0].zram-create: missing required key \"disksize\" (a positive multiple of 4096 bytes)" },
		{ "steps:\n  - zram-create: {disksize: 4M}\n  - zram-write: {file: /etc/passwd, same: 0.5}\n",
		  "t.yaml:3: steps[1].zram-write.same: give either file or same, not both" },
		{ "steps:\n  - zram-create: {disksize: 4M}\n  - zram-write: {file: /dev/zero}\n",
		  "t.yaml:3: steps[1].zram-write.file: expected a regular file, got \"/dev/zero\"" },
		{ "steps:\n  - zram-create: {device: dev, disksize: 4M}\n  - free: {tag: dev}\n",
		  "t.yaml:3: steps[1].free.tag: no earlier step allocates with tag \"dev\"" },
		{ "steps:\n  - alloc: {count: 1, tag: zram0}\n  - zram-compact\n",
		  "t.yaml:3: steps[1].zram-compact.device: no earlier step zram-create of \"zram0\"" },
		{ "steps:\n  - zram-create: {disksize: 4M}\n  - zram-discard: {pattern: range}\n",
		  "t.yaml:3: steps[1].zram-discard: pattern: range needs count" },
		{ "steps:\n  - zram-create: {disksize: 4M}\n  - zram-write: {same: 0.6, incompressible: 0.6}\n",
		  "t.yaml:3: steps[1].zram-write: same + incompressible is more than 1" },
		{ "steps:\n  - expect: {}\n",
		  "t.yaml:2: steps[0].expect: expected at least one of free_pages_min, free_pages_max, alloc_failures_max, warnings_max, vmstat_min, vmstat_max" },
		{ "steps:\n  - expect: {vmstat_min: {pgmigrate_sucess: 1}}\n",
		  "t.yaml:2: steps[0].expect.vmstat_min.pgmigrate_sucess: unknown /proc/vmstat counter (did you mean \"pgmigrate_success\"?)" },
		{ "steps:\n  - churn: {orders: []}\n",
		  "t.yaml:2: steps[0].churn.orders: expected at least one entry, got a list" },
		{ "steps:\n  - note:\n",
		  "t.yaml:2: steps[0].note: expected one line of text, got nothing" },
		{ "steps:\n  - report: [buddyinfo, slabinfo]\n",
		  "t.yaml:2: steps[0].report[1]: expected one of buddyinfo, pagetypeinfo, vmstat, zoneinfo, got \"slabinfo\"" },
		{ "machine: {zones: {dma32: 3M}}\nsteps: []\n",
		  "t.yaml:1: machine.zones.dma32: expected a multiple of 2 MiB (one pageblock), got \"3M\"" },
		{ "machine: {zones: {normal: 2M}}\nsteps: []\n",
		  "t.yaml:1: machine.zones.normal: unknown key, expected one of dma32, movable" },
	};
	expect_bad_inline(_metadata, bad, sizeof(bad) / sizeof(bad[0]), true);
}

/* A table of every kind, read into a struct of fields of every width. */
struct walk_args {
	unsigned char order;
	unsigned long count;
	long long big;
	int mode;		/* -1: not given */
	bool fill, must;
	double share;
	uint64_t bytes;
	unsigned long pages;
	char *name, *only;
};

static const char *const walk_modes[] = { "off", "on", "auto", NULL };

static const struct yp_key walk_keys[] = {
	{ "order", YP_INT, 0, YP_FIELD(struct walk_args, order),
	  .max = 10, .def = 3 },
	{ "count", YP_INT, YP_REQUIRED, YP_FIELD(struct walk_args, count),
	  .min = 1, .max = 100 },
	{ "big", YP_INT, 0, YP_FIELD(struct walk_args, big),
	  .max = 1LL << 40, .align = 4, .what = "a multiple of 4", .def = -1 },
	{ "mode", YP_CHOICE, 0, YP_FIELD(struct walk_args, mode),
	  .choices = walk_modes, .def = -1 },
	{ "fill", YP_BOOL, 0, YP_FIELD(struct walk_args, fill), .def = true },
	{ "must", YP_CHOICE, YP_NOT, YP_FIELD(struct walk_args, must),
	  .choices = walk_modes },
	{ "share", YP_FRACTION, 0, YP_FIELD(struct walk_args, share),
	  .def_real = 0.25, .only_with = "mode", .only_if = 1 << 1 | 1 << 2 },
	{ "bytes", YP_SIZE, 0, YP_FIELD(struct walk_args, bytes) },
	{ "pages", YP_SIZE, YP_NONZERO, YP_FIELD(struct walk_args, pages),
	  .align = 4096, .scale = 4096, .excludes = "bytes",
	  .what = "whole pages" },
	{ "name", YP_STRING, 0, YP_FIELD(struct walk_args, name),
	  .def_str = "none", .what = "a name" },
	{ "only", YP_STRING, 0, YP_FIELD(struct walk_args, only),
	  .only_with = "name", .what = "a word" },
	YP_END(struct walk_args)
};

static int walk(const char *text, struct walk_args *a, char *err,
		size_t errlen)
{
	struct yparse p = { .file = "w.yaml", .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     strlen(text));
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		return -EIO;
	}
	p.doc = &doc;
	ret = yp_walk(&p, yaml_document_get_root_node(&doc), "w", walk_keys, a);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

TEST(walker_reads_every_kind)
{
	static const struct bad_case bad[] = {
		{ "{order: 1}",
		  "w.yaml:1: w: missing required key \"count\" (an integer 1..100)" },
		{ "{count: 1, big: 6}",
		  "w.yaml:1: w.big: expected a multiple of 4, got \"6\"" },
		{ "{count: 1, share: 0.5}",
		  "w.yaml:1: w.share: only applies with mode: on or auto" },
		{ "{count: 1, bytes: 4K, pages: 4K}",
		  "w.yaml:1: w.pages: give either bytes or pages, not both" },
		{ "{count: 1, pages: 0}",
		  "w.yaml:1: w.pages: expected whole pages, got \"0\"" },
		{ "{count: 1, only: y}",
		  "w.yaml:1: w.only: only applies with name" },
	};
	char err[SCENARIO_ERR_LEN];
	struct walk_args a;
	unsigned int i;

	/* Defaults: only where the table gives one, and only if it applies. */
	ASSERT_EQ(0, walk("{count: 7}", &a, err, sizeof(err)));
	EXPECT_EQ(3, a.order);
	EXPECT_EQ(7, a.count);
	EXPECT_EQ(-1, a.mode);
	EXPECT_TRUE(a.fill);
	EXPECT_TRUE(a.must);		/* index 0, stored negated */
	EXPECT_EQ(0.0, a.share);	/* mode not on or auto */
	EXPECT_EQ(-1, a.big);		/* no value can be: not given */
	EXPECT_STREQ("none", a.name);
	EXPECT_NULL(a.only);
	yp_release(walk_keys, &a);

	ASSERT_EQ(0, walk("{count: 1, order: 10, big: 0x10000000000, mode: auto, fill: off, must: on, pages: 8K, name: x, only: y}",
			  &a, err, sizeof(err)));
	EXPECT_EQ(10, a.order);
	EXPECT_EQ(1LL << 40, a.big);
	EXPECT_EQ(2, a.mode);
	EXPECT_FALSE(a.fill);
	EXPECT_FALSE(a.must);
	EXPECT_EQ(0.25, a.share);
	EXPECT_EQ(2, a.pages);
	EXPECT_STREQ("x", a.name);
	EXPECT_STREQ("y", a.only);
	yp_release(walk_keys, &a);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, walk(bad[i].text, &a, err, sizeof(err)));
		EXPECT_STREQ(bad[i].msg, err);
		yp_release(walk_keys, &a);
	}
	/* A string stored before a later key fails still gets released. */
	EXPECT_EQ(-EINVAL, walk("{count: 1, name: x, only: [y]}", &a, err, sizeof(err)));
	EXPECT_STREQ("w.yaml:1: w.only: expected a word, got a list", err);
	EXPECT_STREQ("x", a.name);
	yp_release(walk_keys, &a);
}

/*
 * A relative file: or file_path: in a scenario names a file next to the
 * scenario, wherever pagemig runs from (they used to resolve against the
 * current directory, so a scenario that worked from its own directory
 * failed to load from any other).
 */
TEST(relative_paths_resolve_against_the_scenario)
{
	char dir[] = "/tmp/pagemig-scn-XXXXXX", yaml[PATH_MAX], data[PATH_MAX];
	char cwd[PATH_MAX], err[SCENARIO_ERR_LEN];
	const char *text =
		"machine: {memory: 64M}\n"
		"steps:\n"
		"  - zram-create: {device: zram0, disksize: 4M}\n"
		"  - zram-write: {device: zram0, file: data.bin}\n"
		"  - spawn: {name: a, file_path: data.bin, threads: 0}\n";
	struct scenario *sc = NULL;
	FILE *f;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(yaml, sizeof(yaml), "%s/s.yaml", dir);
	snprintf(data, sizeof(data), "%s/data.bin", dir);
	f = fopen(data, "w");
	ASSERT_NOT_NULL(f);
	fputs("some bytes for zram and a file mapping\n", f);
	fclose(f);
	f = fopen(yaml, "w");
	ASSERT_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
	ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(0, chdir("/"));
	EXPECT_EQ(0, scenario_load_file(yaml, &sc, err, sizeof(err)));
	if (!sc)
		TH_LOG("%s", err);
	ASSERT_EQ(0, chdir(cwd));
	scenario_free(sc);
	unlink(yaml);
	unlink(data);
	rmdir(dir);
}

/*
 * machine.compaction_proactiveness reaches the machine's knob
 * (/proc/sys/vm/compaction_proactiveness); without it the machine keeps
 * the kernel's default, 20.
 */
TEST(run_sets_compaction_proactiveness)
{
	static const char with[] =
		"machine: {memory: 16M, cpus: 1, compaction_proactiveness: 37}\n"
		"steps:\n  - note: x\n";
	static const char without[] =
		"machine: {memory: 16M, cpus: 1}\nsteps:\n  - note: x\n";
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN];
	struct scenario_run run;
	struct scenario *sc;

	ASSERT_EQ(0, scenario_load_string(with, sizeof(with) - 1, "p.yaml",
					  &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(37, pagemig_compaction_proactiveness_get());
	EXPECT_EQ(0, scenario_run_steps(&run));
	scenario_run_finish(&run);
	scenario_free(sc);

	ASSERT_EQ(0, scenario_load_string(without, sizeof(without) - 1, "p.yaml",
					  &sc, err, sizeof(err)));
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(20, pagemig_compaction_proactiveness_get());
	scenario_run_finish(&run);
	scenario_free(sc);
}

/*
 * Pictures are an option of the run: with a directory each compact step
 * draws before, after, both side by side and the difference; a directory
 * that cannot be written shows as the step's picture: line, and the step
 * goes on.
 */
TEST(run_draws_pictures_when_asked)
{
	static const char text[] =
		"machine: {memory: 16M, cpus: 1}\n"
		"steps:\n  - note: x\n  - compact\n";
	static const char *const files[] = {
		"step2-before.png", "step2-after.png", "step2.png",
		"step2-diff.png"
	};
	char dir[] = "/tmp/pagemig-pic-XXXXXX", path[PATH_MAX];
	char err[SCENARIO_ERR_LEN], *out;
	struct scenario_run_opts opts = { 0 };
	struct scenario_run run;
	struct scenario *sc;
	unsigned int i;
	size_t size;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_EQ(0, scenario_load_string(text, sizeof(text) - 1, "p.yaml",
					  &sc, err, sizeof(err)));
	opts.picture = dir;
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(0, scenario_run_steps(&run));
	scenario_run_finish(&run);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		EXPECT_EQ(0, access(path, R_OK));
		unlink(path);
	}
	rmdir(dir);

	/* The directory is gone now: the step says so and succeeds. */
	opts.out = open_memstream(&out, &size);
	ASSERT_NOT_NULL(opts.out);
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	EXPECT_EQ(0, scenario_run_steps(&run));
	scenario_run_finish(&run);
	fclose(opts.out);
	snprintf(path, sizeof(path), "\npicture: %s: ", dir);
	EXPECT_NOT_NULL(strstr(out, path));
	free(out);
	scenario_free(sc);
}
