// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig explore: hunt for a schedule that breaks a test or a scenario.
 *
 * Each run is a child process: `pagemig run SCENARIO --depth D` or the
 * test binary with -D D, with one seed each, so PCT priorities (random
 * priorities, D - 1 priority-change points) pick another interleaving
 * every time.  The first run also counts the scheduling steps: the
 * later runs use PCT over the first half of that many, where their
 * change points fall, and random switches after it.  The first failure --
 * a BUG or sanitizer abort, a failed check or verify, a deadlock -- stops
 * the search: explore prints the child's last lines (its last scheduling
 * decisions among them) and the one command that replays it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "workload/scenario.h"

#define MAX_ARGS	24
#define TAIL_LINES	40

struct explore_cli {
	const char *target;
	char test[PATH_MAX];	/* the test binary, or "" for a scenario */
	const char *filter;	/* -t for the test binary */
	uint64_t runs, seed, depth, steps;
	bool steps_given;
};

static int parse_args(struct explore_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "depth", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ "steps", required_argument, NULL, 'S' },
		{ "test", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt("explore", argc, argv, opts)) != -1) {
		switch (c) {
		case 'r':
			if (cli_parse_u64(optarg, &o->runs) || !o->runs)
				return cli_usage("explore", "--runs: expected a positive integer, got '%s'",
						 optarg);
			break;
		case 'D':
			if (cli_parse_u64(optarg, &o->depth) || o->depth < 1 ||
			    o->depth > 16)
				return cli_usage("explore", "--depth: expected 1..16, got '%s'",
						 optarg);
			break;
		case 's':
			if (cli_parse_u64(optarg, &o->seed))
				return cli_usage("explore", "--seed: expected an integer, got '%s'",
						 optarg);
			break;
		case 'S':
			if (cli_parse_u64(optarg, &o->steps) || !o->steps)
				return cli_usage("explore", "--steps: expected a positive integer, got '%s'",
						 optarg);
			o->steps_given = true;
			break;
		case 't':
			o->filter = optarg;
			break;
		}
	}
	if (optind < argc)
		o->target = argv[optind++];
	if (!o->target)
		return cli_usage("explore", "expected a test binary or a scenario");
	if (optind < argc)
		return cli_usage("explore", "expected one test or scenario, got a second argument '%s'",
				 argv[optind]);
	return 0;
}

static bool executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/*
 * TARGET is a test when it is an executable, or a test's name found
 * beside this pagemig (DIR/tests/{stress,unit,regression}/NAME); else a
 * scenario.  Return: 0 or CLI_USAGE.
 */
static int find_target(struct explore_cli *o)
{
	static const char *const dirs[] = {
		"tests/stress", "tests/unit", "tests/regression",
	};
	char self[PATH_MAX];
	struct scenario *sc;
	ssize_t n;
	char *slash;
	unsigned int i;

	if (strstr(o->target, ".yaml") || scenario_builtin(o->target)) {
		if (cli_load_scenario("explore", o->target, &sc))
			return CLI_USAGE;
		scenario_free(sc);
		return 0;
	}
	if (executable(o->target)) {
		snprintf(o->test, sizeof(o->test), "%s", o->target);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0 && !strchr(o->target, '/')) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			if (snprintf(o->test, sizeof(o->test), "%s/%s/%s", self,
				     dirs[i], o->target) >= (int)sizeof(o->test))
				continue;
			if (executable(o->test))
				return 0;
		}
	}
	o->test[0] = '\0';
	return cli_usage("explore", "'%s' is neither a built-in scenario, a scenario file nor a test binary (looked beside this pagemig in tests/stress, tests/unit, tests/regression)",
			 o->target);
}

/* The child's argument vector for @seed; strings live in @buf. */
static void child_args(const struct explore_cli *o, uint64_t seed,
		       const char *self, char *argv[MAX_ARGS],
		       char buf[4][32])
{
	int n = 0;

	snprintf(buf[0], sizeof(buf[0]), "%llu", (unsigned long long)seed);
	snprintf(buf[1], sizeof(buf[1]), "%llu", (unsigned long long)o->depth);
	snprintf(buf[2], sizeof(buf[2]), "%llu", (unsigned long long)o->steps);
	if (o->test[0]) {
		argv[n++] = (char *)o->test;
		argv[n++] = "-s";
		argv[n++] = buf[0];
		argv[n++] = "-D";
		argv[n++] = buf[1];
		argv[n++] = "-S";
		argv[n++] = buf[2];
		if (o->filter) {
			argv[n++] = "-t";
			argv[n++] = (char *)o->filter;
		}
	} else {
		argv[n++] = (char *)self;
		argv[n++] = "run";
		argv[n++] = (char *)o->target;
		argv[n++] = "--seed";
		argv[n++] = buf[0];
		argv[n++] = "--depth";
		argv[n++] = buf[1];
		argv[n++] = "--pct-steps";
		argv[n++] = buf[2];
		argv[n++] = "--no-timings";
	}
	argv[n] = NULL;
}

/* Run @argv with stdout and stderr in @out; return its wait status. */
static int run_child(char *const argv[], FILE *out)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fileno(out), 1);
		dup2(fileno(out), 2);
		execv(argv[0], argv);
		fprintf(stderr, "pagemig explore: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The largest "N steps" a run printed (text report or test runner). */
static unsigned long long steps_seen(FILE *out)
{
	unsigned long long best = 0, v;
	char line[1024], *p;

	rewind(out);
	while (fgets(line, sizeof(line), out)) {
		if (strncmp(line, "schedule: ", 10) && strncmp(line, "# schedule: ", 12))
			continue;
		p = strstr(line, " steps");
		if (!p)
			continue;
		while (p > line && p[-1] >= '0' && p[-1] <= '9')
			p--;
		v = strtoull(p, NULL, 10);
		if (v > best)
			best = v;
	}
	return best;
}

/* The last TAIL_LINES lines of @out, indented. */
static void print_tail(FILE *out)
{
	char *lines[TAIL_LINES] = { NULL };
	char line[1024];
	unsigned int n = 0, i;

	rewind(out);
	while (fgets(line, sizeof(line), out)) {
		free(lines[n % TAIL_LINES]);
		lines[n % TAIL_LINES] = strdup(line);
		n++;
	}
	for (i = n > TAIL_LINES ? n - TAIL_LINES : 0; i < n; i++) {
		printf("    %s", lines[i % TAIL_LINES] ? lines[i % TAIL_LINES] : "\n");
		free(lines[i % TAIL_LINES]);
	}
}

static void print_command(char *const argv[])
{
	int i;

	for (i = 0; argv[i]; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	printf("\n");
}

static void describe(int status)
{
	if (WIFSIGNALED(status))
		printf("killed by signal %d (%s)", WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	else
		printf("exit status %d", WEXITSTATUS(status));
}

/**
 * cmd_explore() - pagemig explore TEST|SCENARIO [--runs N] [--depth D]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "explore".
 *
 * Return: CLI_OK when no run failed, CLI_FAILED at the first failure
 * (after printing the replay command), CLI_USAGE.
 */
int cmd_explore(int argc, char **argv)
{
	struct explore_cli o = { .runs = 100, .depth = 3, .seed = 1 };
	char self[PATH_MAX], buf[4][32], *args[MAX_ARGS];
	unsigned long long seen;
	uint64_t i;
	ssize_t n;
	FILE *out;
	int ret, status;

	ret = parse_args(&o, argc, argv);
	if (ret)
		return ret;
	ret = find_target(&o);
	if (ret)
		return ret;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "pagemig explore: cannot find this program: %s\n",
			strerror(errno));
		return CLI_FAILED;
	}
	self[n] = '\0';
	/* Stress tests: a short budget (simulated seconds) unless set. */
	setenv("STRESS_SECONDS", "0.05", 0);
	if (!o.steps_given)
		o.steps = o.test[0] ? 20000 : 1000000;

	for (i = 0; i < o.runs; i++) {
		out = tmpfile();
		if (!out) {
			fprintf(stderr, "pagemig explore: no temporary file: %s\n",
				strerror(errno));
			return CLI_FAILED;
		}
		child_args(&o, o.seed + i, self, args, buf);
		status = run_child(args, out);
		if (status == -1) {
			fprintf(stderr, "pagemig explore: cannot run %s: %s\n",
				args[0], strerror(errno));
			fclose(out);
			return CLI_FAILED;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("explore: run %llu of %llu (seed %llu) failed: ",
			       (unsigned long long)i + 1,
			       (unsigned long long)o.runs,
			       (unsigned long long)(o.seed + i));
			describe(status);
			printf("\nits last lines:\n");
			print_tail(out);
			/* The budget is part of the run: say it. */
			printf("replay: ");
			if (o.test[0])
				printf("STRESS_SECONDS=%s ", getenv("STRESS_SECONDS"));
			print_command(args);
			fclose(out);
			return CLI_FAILED;
		}
		/* The first run tells where change points can fall. */
		seen = steps_seen(out);
		if (!i && !o.steps_given && seen)
			o.steps = seen / 2 ? seen / 2 : 1;
		fclose(out);
		if (isatty(2))
			fprintf(stderr, "\rexplore: %llu of %llu runs, no failure",
				(unsigned long long)i + 1,
				(unsigned long long)o.runs);
	}
	if (isatty(2))
		fprintf(stderr, "\r\033[K");
	printf("explore: %llu runs (seeds %llu..%llu, depth %llu, change points over %llu steps), no failure\n",
	       (unsigned long long)o.runs, (unsigned long long)o.seed,
	       (unsigned long long)(o.seed + o.runs - 1),
	       (unsigned long long)o.depth, (unsigned long long)o.steps);
	return CLI_OK;
}

const char help_explore[] =
"NAME\n"
"    pagemig explore - look for a schedule that breaks a test or a scenario\n"
"\n"
"SYNOPSIS\n"
"    pagemig explore TEST | SCENARIO [--runs N] [--depth D] [--seed S]\n"
"                    [--steps K] [--test SUBSTRING]\n"
"\n"
"DESCRIPTION\n"
"    Runs TEST (a test binary, or a test's name looked up beside this\n"
"    pagemig in tests/stress, tests/unit and tests/regression) or SCENARIO\n"
"    (as 'pagemig run' takes it) N times, with seeds S, S+1, ..., each\n"
"    under the deterministic scheduler with PCT priorities: every thread\n"
"    gets a random priority, the highest runnable one runs, and at D - 1\n"
"    random steps the running thread drops below all others. A bug that\n"
"    needs D ordering constraints is found by one run in about n * K^(D-1)\n"
"    (n threads, K steps). PCT decides for the first K steps, then threads\n"
"    switch at random, so a thread polling for another's flag cannot\n"
"    starve it; K is half the first run's step count unless --steps says.\n"
"\n"
"    Each run is its own process. The first that fails -- BUG, sanitizer\n"
"    report, failed check, verify: with corrupted pages, deadlock -- stops\n"
"    the search; explore prints its last lines (with the scheduler's last\n"
"    decisions) and the command that replays it:\n"
"\n"
"        replay: build/pagemig run default --seed 17 --depth 3 ...\n"
"\n"
"    Stress tests run STRESS_SECONDS of simulated time (0.05 unless the\n"
"    environment says otherwise).\n"
"\n"
"OPTIONS\n"
"    --runs N        how many seeds to try (default 100)\n"
"    --depth D       PCT depth, 1..16 (default 3)\n"
"    --seed S        the first seed (default 1)\n"
"    --steps K       steps under PCT, where change points fall (default:\n"
"                    half the first run's step count)\n"
"    --test SUB      pass -t SUB to the test binary (one test of several)\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  no run failed\n"
"    1  a run failed; the replay command is printed\n"
"    2  bad usage\n";
