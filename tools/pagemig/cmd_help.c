// SPDX-License-Identifier: GPL-2.0
/*
 * The manual pages: `pagemig --help`, `pagemig help CMD` and
 * `pagemig CMD --help` all print from here.  Documentation/cli.md says
 * the same at more length; keep the two in step.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "workload/scenario.h"

const char help_main[] =
"NAME\n"
"    pagemig - Linux's page-migration subsystem as a user-space machine\n"
"\n"
"SYNOPSIS\n"
"    pagemig <command> [options] [arguments]\n"
"    pagemig --help | --version\n"
"\n"
"DESCRIPTION\n"
"    pagemig is Linux's page-migration subsystem (as of 6.17) written\n"
"    again as a user-space machine: an mmap'd arena is the physical\n"
"    memory, threads are the CPUs. The buddy allocator, processes with\n"
"    page tables, KSM, balloons, zsmalloc/zram, compaction, isolation\n"
"    and offlining run for real. Scenarios (YAML) build a machine, drive\n"
"    it, and print what the kernel would print in /proc.\n"
"\n"
"COMMANDS\n"
"%s"
"\n"
"OPTIONS\n"
"    -h, --help      show this page; 'pagemig help CMD' shows a command's\n"
"    -V, --version   print the version and exit\n"
"\n"
"EXIT STATUS\n"
"    0  success\n"
"    1  the run found a problem: corrupted pages, a failed step or\n"
"       expectation, or the machine could not be built\n"
"    2  bad usage or bad input: unknown command or option, bad scenario\n"
"\n"
"EXAMPLES\n"
"    pagemig run                       run the built-in default scenario\n"
"    pagemig run fragment --seed 7     another built-in, another seed\n"
"    pagemig scenarios show default > mine.yaml\n"
"    pagemig run ./mine.yaml --json    your own scenario, as JSON\n"
"\n"
"SEE ALSO\n"
"    Documentation/cli.md, Documentation/scenarios.md\n";

const char help_run[] =
"NAME\n"
"    pagemig run - build a machine, run a scenario, print the report\n"
"\n"
"SYNOPSIS\n"
"    pagemig run [NAME | FILE.yaml] [--seed N] [--json | --quiet] [--check]\n"
"                [--trace FILE] [--explain FILE] [--picture DIR]\n"
"                [--kpageflags FILE [--kpagecount FILE]] [--parallel]\n"
"                [--no-timings] [--depth D [--pct-steps K]]\n"
"    pagemig run [NAME | FILE.yaml] [--repeat N] [--set KEY=V1,V2,...]...\n"
"                [--csv FILE] [--plot FILE.png] [--figure GLOB]...\n"
"\n"
"DESCRIPTION\n"
"    Loads a scenario, checks every key of it, builds the machine its\n"
"    machine: block describes, runs its steps in order and prints a report.\n"
"    NAME is a built-in scenario ('pagemig scenarios' lists them); anything\n"
"    with a '/' or ending in .yaml is a file. With neither, the built-in\n"
"    'default' runs.\n"
"\n"
"    The text report starts with the scenario, machine and seed, shows what\n"
"    report: steps print as they run (/proc/buddyinfo, /proc/pagetypeinfo,\n"
"    /proc/vmstat, /proc/zoneinfo in the kernel's layouts), then a summary\n"
"    of every step, buddyinfo and pagetypeinfo at the end, selected vmstat\n"
"    counters, and as its last line:\n"
"\n"
"        verify: N pages checked, M corrupted\n"
"\n"
"    where N counts every page of every live block the steps allocated with\n"
"    a content tag, each of which was checked after the last step.\n"
"\n"
"    On a terminal, long steps show progress on stderr.\n"
"\n"
"    Threads are scheduled deterministically: every simulated CPU, kernel\n"
"    thread and worker runs one at a time, the next one chosen from the\n"
"    seed at each lock, wait, wake-up and race window, on a simulated\n"
"    clock. The same seed gives the same report; the summary's schedule:\n"
"    line prints the digest of the scheduling decisions.\n"
"\n"
"OPTIONS\n"
"    -s, --seed N    seed for every random choice (overrides machine.seed);\n"
"                    the seed is always printed, and the same seed replays\n"
"                    the same run\n"
"    -j, --json      print the report as one JSON object instead of text\n"
"    -q, --quiet     print only the verify: line (and failures, on stderr)\n"
"    -c, --check     load and check the scenario, build nothing, exit\n"
"    --trace FILE    write the kernel's compaction and migration trace\n"
"                    events to FILE, as tracefs prints them\n"
"    --explain FILE  write a readable line per migration batch and per page\n"
"                    it handled, for learners: PFN, kind (anon, file, THP\n"
"                    order N, KSM, balloon, zsmalloc), old -> new PFN, or\n"
"                    the errno and what caused it; '-' for stdout, between\n"
"                    the step lines (not with --json). Same seed, same lines\n"
"    --picture DIR   write PNG pictures of physical memory into DIR: each\n"
"                    compact step's before, after, both side by side and\n"
"                    what changed (stepN-diff.png), and end.png\n"
"    --kpageflags FILE  write /proc/kpageflags of the machine as the run\n"
"                    left it; --kpagecount FILE its /proc/kpagecount too\n"
"    --parallel      run threads at once on the host's cores, as a real\n"
"                    machine would (not repeatable; the clock is the host's)\n"
"    --no-timings    leave out wall-clock figures (step times, rates), so\n"
"                    two runs with one seed compare byte for byte\n"
"    --depth D       schedule with PCT priorities and D - 1 priority-change\n"
"                    points (1..16), as pagemig explore does; --pct-steps K\n"
"                    spreads the change points over K scheduling steps\n"
"\n"
"  Repeats and sweeps (each run a child process with a fresh machine):\n"
"    -r, --repeat N  run N times (1..1000) and print per figure its median\n"
"                    and spread, as pagemig bench does: NAME MEDIAN (N runs,\n"
"                    spread S%%). Runs are deterministic, so repeat r uses\n"
"                    the seed S + r (S: --seed or machine.seed); with --seed\n"
"                    every repeat uses that seed (useful with --parallel)\n"
"    --set KEY=V1,V2,...  run once per value (times --repeat); repeat the\n"
"                    option for a grid of every combination. KEY is a\n"
"                    machine key (memory, cpus, zones.dma32, zones.movable,\n"
"                    movable_ops: 6.17 or decoupled, the two movable_ops\n"
"                    cores side by side) or a vm sysctl\n"
"                    (compaction_proactiveness,\n"
"                    extfrag_threshold, min_free_kbytes,\n"
"                    percpu_pagelist_high_fraction, watermark_boost_factor,\n"
"                    watermark_scale_factor),\n"
"                    set after the machine boots. Prints the points, then a\n"
"                    row per figure that changes: its median at each point\n"
"    --csv FILE      also write every figure to FILE as CSV (with --set:\n"
"                    KEY...,figure,median,min,max,runs)\n"
"    --plot FILE.png with --set, draw a line plot per figure (the 12 that\n"
"                    change most) with gnuplot: the first KEY on the x axis,\n"
"                    a line per combination of the others\n"
"    --figure GLOB   the figures to print and plot, as shell patterns\n"
"                    (repeatable); default: vmstat.*, steps.*.results.*,\n"
"                    zones.*.free, zones.*.fragmentation_score, verify.*\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  every step succeeded and no page was corrupted\n"
"    1  a step failed (an expect:, verify: or validate: step, or an alloc:\n"
"       with expect: success), pages were corrupted, or the machine could\n"
"       not be built\n"
"    2  bad usage, or a bad scenario: the one message names the file, line,\n"
"       key and what was expected, as in\n"
"       bad.yaml:7: steps[2].alloc.order: expected an integer 0..10, got \"eleven\"\n"
"\n"
"EXAMPLES\n"
"    pagemig run\n"
"    pagemig run fragment --seed 42\n"
"    pagemig run ./my.yaml --json | jq '.zones[1].nr_free'\n"
"    pagemig run ./my.yaml --check\n"
"    pagemig run --quiet && echo clean\n"
"    pagemig run fragment --repeat 5\n"
"    pagemig run default --set compaction_proactiveness=0,20,50,80,100 \\\n"
"        --plot sweep.png --csv sweep.csv\n";

const char help_scenarios[] =
"NAME\n"
"    pagemig scenarios - list the built-in scenarios, or print one\n"
"\n"
"SYNOPSIS\n"
"    pagemig scenarios\n"
"    pagemig scenarios show NAME\n"
"    pagemig scenarios steps\n"
"\n"
"DESCRIPTION\n"
"    With no argument, lists every built-in scenario with its description.\n"
"    'show NAME' prints the scenario's YAML exactly as it runs: a starting\n"
"    point for your own. 'steps' lists the step types a scenario can use.\n"
"    Documentation/scenarios.md describes every key.\n"
"\n"
"OPTIONS\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  success\n"
"    1  a built-in scenario does not load (a bug in pagemig)\n"
"    2  bad usage, or no such built-in scenario\n"
"\n"
"EXAMPLES\n"
"    pagemig scenarios\n"
"    pagemig scenarios show default > mine.yaml\n"
"    pagemig scenarios steps\n";

const char help_bench[] =
"NAME\n"
"    pagemig bench - run the benchmarks\n"
"\n"
"SYNOPSIS\n"
"    pagemig bench [NAME] [--runs N] [--seed N] [--verbose]\n"
"    pagemig bench --list\n"
"\n"
"DESCRIPTION\n"
"    Runs one benchmark, or all of them, and prints one figure a line:\n"
"\n"
"        NAME.METRIC MEDIAN UNIT (N runs, spread S%%)\n"
"\n"
"    for example 'alloc.order0_pair 41.8 ns (5 runs, spread 3.1%%)'. MEDIAN\n"
"    is the median over the runs and S is (max - min) / median. A header\n"
"    line starting with '#' gives the version, seed, run count and\n"
"    compiler. With no benchmark built in, the (empty) list is printed.\n"
"\n"
"OPTIONS\n"
"    -r, --runs N    timed runs per figure, 1..1000 (default 5)\n"
"    -s, --seed N    seed for the benchmarks' random choices (default 1)\n"
"    -l, --list      list the benchmarks and exit\n"
"    -v, --verbose   let benchmarks say more about each run\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  success\n"
"    1  a benchmark failed\n"
"    2  bad usage, or no such benchmark\n"
"\n"
"EXAMPLES\n"
"    pagemig bench --list\n"
"    pagemig bench alloc --runs 9\n";

const char help_help[] =
"NAME\n"
"    pagemig help - show the manual page of pagemig or of one command\n"
"\n"
"SYNOPSIS\n"
"    pagemig help [COMMAND]\n"
"    pagemig help --man pagemig | pagemig-scenario\n"
"\n"
"DESCRIPTION\n"
"    Prints the same page as 'pagemig COMMAND --help', or with no COMMAND\n"
"    the same as 'pagemig --help'.\n"
"\n"
"    --man NAME prints a manual page in roff, made from these pages\n"
"    (pagemig(1): every command's) or from the scenario parser's key\n"
"    tables (pagemig-scenario(5): every key and step). 'make' writes them\n"
"    and libpagemig(3) to the build's man/ directory, 'make install'\n"
"    installs them; read one uninstalled with 'man -l build/man/pagemig.1'.\n"
"\n"
"OPTIONS\n"
"    --man NAME      print the manual page NAME in roff\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  success\n"
"    2  no such command or manual page\n"
"\n"
"EXAMPLES\n"
"    pagemig help run\n"
"    pagemig help --man pagemig > pagemig.1 && man -l pagemig.1\n";

/**
 * cli_print_help() - Print a manual page.
 * @cmd: the command, or NULL for pagemig's own page.
 * @f: where to print.
 */
void cli_print_help(const char *cmd, FILE *f)
{
	const struct command *c = cmd ? command_find(cmd) : NULL;
	char list[1024];
	size_t used = 0;

	if (c) {
		/* Pages are printf formats only so bench can say "%%". */
		fprintf(f, c->help, "");
		return;
	}
	list[0] = '\0';
	for (c = commands; c->name && used < sizeof(list); c++)
		used += snprintf(list + used, sizeof(list) - used,
				 "    %-12s%s\n", c->name, c->summary);
	fprintf(f, help_main, list);
}

/**
 * cmd_help() - pagemig help [COMMAND]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "help".
 *
 * Return: CLI_OK, or CLI_USAGE for an unknown command.
 */
int cmd_help(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "man", required_argument, NULL, CLI_LONG_ONLY },
		{ NULL, 0, NULL, 0 },
	};
	const char *names[16], *hint, *man = NULL;
	const struct command *c;
	int i = 0;

	while (cli_getopt("help", argc, argv, opts) != -1)
		man = optarg;
	if (man) {
		if (optind < argc)
			return cli_usage("help", "--man takes no command");
		i = man_print(man, stdout);
		if (i == -2)
			return cli_usage("help", "--man: no page '%s'; there are pagemig and pagemig-scenario",
					 man);
		if (i || fflush(stdout)) {
			fprintf(stderr, "pagemig help: cannot write the page\n");
			return CLI_FAILED;
		}
		return CLI_OK;
	}
	argc -= optind;
	argv += optind;
	if (!argc) {
		cli_print_help(NULL, stdout);
		return CLI_OK;
	}
	if (argc > 1)
		return cli_usage("help", "expected one command, got '%s' and '%s'",
				 argv[0], argv[1]);
	if (command_find(argv[0])) {
		cli_print_help(argv[0], stdout);
		return CLI_OK;
	}
	for (c = commands; c->name && i < 15; c++)
		names[i++] = c->name;
	names[i] = NULL;
	hint = scenario_suggest(argv[0], names);
	if (hint)
		return cli_usage(NULL, "no command '%s' (did you mean '%s'?)",
				 argv[0], hint);
	return cli_usage(NULL, "no command '%s'", argv[0]);
}
