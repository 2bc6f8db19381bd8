// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig twin DIR: hold pagemig's compaction against a real kernel's.
 * DIR is a `pagemig capture --compact` directory: the machine before
 * compact_memory, the kernel's trace of it, and the state after.  twin
 * builds the machine as pagemig import DIR does (real_machine.c, the
 * library's pagemig_import() with its COMPACT stage: compact_memory()
 * over every zone, as the sysctl runs it), traces that compaction into
 * memory, and prints both sides with twin/compare.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>
#include <pagemig/pagemig.h>

#include "cli.h"
#include "real_machine.h"
#include "twin/compare.h"
#include "twin/ktrace.h"

struct twin_cli {
	const char *dir, *trace;
	const char *explain;	/* FILE, or "-" for stdout */
	uint64_t seed;
	bool json, quiet, parallel;
	char trace_path[4096];	/* where pagemig's trace goes: --trace or memory */
	int memfd;
	bool tracing;
	struct progress progress;
};

/* Return: 0 or CLI_USAGE. */
static int parse_args(struct twin_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trace", required_argument, NULL, 'T' },
		{ "explain", required_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'j' },
		{ "seed", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "parallel", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt("twin", argc, argv, opts)) != -1) {
		switch (c) {
		case 'T':
			o->trace = optarg;
			break;
		case 'E':
			o->explain = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 's':
			if (cli_parse_u64(optarg, &o->seed))
				return cli_usage("twin", "--seed: expected an integer, got '%s'",
						 optarg);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'P':
			o->parallel = true;
			break;
		}
	}
	if (optind < argc)
		o->dir = argv[optind++];
	if (!o->dir)
		return cli_usage("twin", "expected a capture directory, as 'pagemig capture --compact DIR' writes");
	if (optind < argc)
		return cli_usage("twin", "expected one capture directory, got a second argument '%s'",
				 argv[optind]);
	if (o->json && o->explain && !cli_output_file(o->explain))
		return cli_usage("twin", "--explain -: stdout carries the JSON report; give --explain a file");
	return 0;
}

/* pagemig's trace and explained lines cover its compaction, nothing else. */
static int twin_stage(enum pagemig_import_stage stage, void *arg)
{
	static const char *const names[] = {
		[PAGEMIG_STAGE_READ] = "read",
		[PAGEMIG_STAGE_INFER] = "infer",
		[PAGEMIG_STAGE_BUILD] = "build",
		[PAGEMIG_STAGE_ANALYSE] = "analyse",
		[PAGEMIG_STAGE_COMPACT] = "compact",
		[PAGEMIG_STAGE_VERIFY] = "verify",
	};
	struct twin_cli *o = arg;
	int ret;

	progress_update(&o->progress, names[stage], stage + 1, 0, 1);
	if (stage == PAGEMIG_STAGE_COMPACT) {
		ret = pagemig_trace_open(o->trace_path);
		if (ret) {
			progress_clear(&o->progress);
			fprintf(stderr, "pagemig twin: %s: %s\n",
				o->trace ? o->trace : "trace in memory", strerror(-ret));
			return CLI_FAILED;
		}
		o->tracing = true;
		if (o->explain && (ret = pagemig_explain_open(o->explain))) {
			progress_clear(&o->progress);
			fprintf(stderr, "pagemig twin: %s: %s\n", o->explain,
				strerror(-ret));
			return CLI_FAILED;
		}
	} else if (stage == PAGEMIG_STAGE_VERIFY && o->tracing) {
		o->tracing = false;
		if (o->explain && pagemig_explain_close()) {
			progress_clear(&o->progress);
			fprintf(stderr, "pagemig twin: %s: write failed\n", o->explain);
			pagemig_trace_close();
			return CLI_FAILED;
		}
		if (pagemig_trace_close()) {
			progress_clear(&o->progress);
			fprintf(stderr, "pagemig twin: %s: write failed\n",
				o->trace ? o->trace : "trace in memory");
			return CLI_FAILED;
		}
	}
	return 0;
}

/* pagemig's trace, back from where twin_stage() had it written. */
static int load_pagemig_trace(struct twin_cli *o, struct ktrace *t, char *err,
			      size_t errlen)
{
	off_t len;
	char *text;
	int ret;

	if (o->trace)
		return ktrace_load(o->trace, t, err, errlen);
	len = lseek(o->memfd, 0, SEEK_END);
	text = malloc((size_t)len + 1);
	if (len < 0 || !text || pread(o->memfd, text, (size_t)len, 0) != len) {
		free(text);
		snprintf(err, errlen, "pagemig's trace: cannot read it back");
		return -EIO;
	}
	ret = ktrace_parse(text, (size_t)len, "(in memory)", t, err, errlen);
	free(text);
	return ret;
}

/* pagemig's /proc/buddyinfo now, read back as a capture's. */
static int buddyinfo_now(struct capture_buddyinfo *bi, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	ret = pagemig_show_buddyinfo(f);
	fclose(f);
	if (!ret)
		ret = capture_parse_buddyinfo(text, len, "pagemig buddyinfo", bi,
					      err, errlen);
	free(text);
	return ret;
}

static void print_json(const struct twin_result *res, const struct capture *cap,
		       const struct pagemig_import_report *rep)
{
	struct json_object *o = twin_json(res), *v = json_object_new_object();

	json_object_object_add(o, "machine", real_layout_json(cap, rep));
	json_object_object_add(v, "checked", json_object_new_int64((int64_t)rep->checked));
	json_object_object_add(v, "corrupted", json_object_new_int64((int64_t)rep->corrupted));
	json_object_object_add(o, "verify", v);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/*
 * The machine, its compaction, and the comparison.  Return: CLI_OK,
 * CLI_USAGE for a capture that cannot be imported, CLI_FAILED.
 */
static int twin_run(struct twin_cli *o, struct capture *cap,
		    struct real_machine *rm, struct ktrace *kernel)
{
	struct pagemig_import_opts opts = { 0 };
	struct pagemig_import_report *rep = calloc(1, sizeof(*rep));
	struct capture_buddyinfo bi = { 0 };
	struct ktrace pt = { 0 };
	struct twin_result res;
	const char *cpu_from;
	char err[CAPTURE_ERR_LEN];
	int ret;

	if (!rep) {
		fprintf(stderr, "pagemig twin: out of memory\n");
		return CLI_FAILED;
	}
	opts.flags_path = rm->flags_path;
	opts.count_path = rm->has_counts ? rm->count_path : NULL;
	opts.real = &rm->m;
	opts.seed = o->seed;
	opts.compact = true;
	opts.compact_cpu = twin_compact_cpu(cap, kernel, rm->m.nr_cpus ? rm->m.nr_cpus : 2,
					    &cpu_from);
	opts.stage = twin_stage;
	opts.arg = o;
	progress_init(&o->progress, o->quiet || o->json, PAGEMIG_NR_STAGES);
	if (!o->parallel && cli_sched_start("twin", o->seed)) {
		free(rep);
		return CLI_FAILED;
	}
	ret = pagemig_import(&opts, rep);
	progress_clear(&o->progress);
	if (o->tracing) {
		pagemig_trace_close();
		pagemig_explain_close();
		o->tracing = false;
	}
	if (ret > 0)
		goto out;	/* twin_stage() said why */
	if (ret) {
		fprintf(stderr, "pagemig twin: %s\n", rep->err);
		ret = rep->stage <= PAGEMIG_STAGE_INFER ||
		      (rep->stage == PAGEMIG_STAGE_BUILD && ret == -EINVAL) ?
		      CLI_USAGE : CLI_FAILED;
		goto out;
	}
	ret = buddyinfo_now(&bi, err, sizeof(err));
	if (!ret)
		ret = load_pagemig_trace(o, &pt, err, sizeof(err));
	pagemig_machine_exit();
	pagemig_sched_stop();
	if (ret) {
		fprintf(stderr, "pagemig twin: %s\n", err);
		ret = CLI_FAILED;
		goto out_trace;
	}
	if (twin_compare(cap, kernel, &pt, (long long)rep->migrated, &bi, &res)) {
		fprintf(stderr, "pagemig twin: out of memory\n");
		ret = CLI_FAILED;
		goto out_trace;
	}
	res.compact_cpu = opts.compact_cpu;
	res.compact_cpu_from = cpu_from;
	if (o->json) {
		print_json(&res, cap, rep);
	} else {
		if (!o->quiet) {
			real_layout_print(stdout, cap, rep);
			real_buddy_print(stdout, cap, rep);
			printf("\n");
		}
		twin_print_text(stdout, &res);
		printf("\nverify: %lu pages checked, %lu corrupted\n",
		       rep->checked, rep->corrupted);
	}
	twin_result_free(&res);
	ret = rep->corrupted ? CLI_FAILED : CLI_OK;
out_trace:
	ktrace_free(&pt);
	capture_buddyinfo_free(&bi);
out:
	pagemig_sched_stop();
	free(rep);
	return ret;
}

/**
 * cmd_twin() - pagemig twin DIR [--trace FILE] [--explain FILE] [--json]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "twin".
 *
 * Return: CLI_OK when the comparison ran, whatever it found; CLI_USAGE
 * for bad usage or a capture that cannot be read or imported (the message
 * names the file and line); CLI_FAILED when the machine could not be
 * built or run, or its data came back corrupted.
 */
int cmd_twin(int argc, char **argv)
{
	struct twin_cli o = { .seed = 1, .memfd = -1 };
	struct real_machine rm = { 0 };
	struct capture cap = { 0 };
	struct ktrace kernel = { 0 };
	char err[CAPTURE_ERR_LEN], path[4096];
	int ret;

	ret = parse_args(&o, argc, argv);
	if (!ret)
		ret = cli_check_output("twin", "--trace", o.trace, false) ?:
		      cli_check_output("twin", "--explain",
				       cli_output_file(o.explain), false);
	if (ret)
		return ret;
	if (capture_load(o.dir, &cap, err, sizeof(err)) ||
	    real_machine_from_capture(&cap, &rm, err, sizeof(err))) {
		fprintf(stderr, "pagemig twin: %s\n", err);
		capture_free(&cap);
		return CLI_USAGE;
	}
	ret = CLI_USAGE;
	if (!capture_has_once(&cap, CAPTURE_TRACE)) {
		fprintf(stderr, "pagemig twin: %s: no trace.zst: not a capture made with --compact\n",
			o.dir);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/trace.zst", o.dir);
	if (ktrace_load(path, &kernel, err, sizeof(err))) {
		fprintf(stderr, "pagemig twin: %s\n", err);
		goto out;
	}
	if (o.trace) {
		if (strlen(o.trace) >= sizeof(o.trace_path)) {
			ret = cli_usage("twin", "--trace: the path is longer than %zu characters",
					sizeof(o.trace_path) - 1);
			goto out;
		}
		snprintf(o.trace_path, sizeof(o.trace_path), "%s", o.trace);
	} else {
		o.memfd = memfd_create("pagemig-twin-trace", MFD_CLOEXEC);
		if (o.memfd < 0) {
			fprintf(stderr, "pagemig twin: a trace in memory: %s\n",
				strerror(errno));
			ret = CLI_FAILED;
			goto out;
		}
		snprintf(o.trace_path, sizeof(o.trace_path), "/proc/self/fd/%d",
			 o.memfd);
	}
	ret = twin_run(&o, &cap, &rm, &kernel);
out:
	if (o.memfd >= 0)
		close(o.memfd);
	ktrace_free(&kernel);
	real_machine_free(&rm);
	capture_free(&cap);
	return ret;
}

const char help_twin[] =
"NAME\n"
"    pagemig twin - hold pagemig's compaction against a real kernel's\n"
"\n"
"SYNOPSIS\n"
"    pagemig twin DIR [--trace FILE] [--explain FILE] [--json] [--seed N]\n"
"                 [--quiet] [--parallel]\n"
"\n"
"DESCRIPTION\n"
"    DIR is a capture made with 'pagemig capture --compact DIR': a real\n"
"    machine's state before 'echo 1 > /proc/sys/vm/compact_memory', the\n"
"    kernel's trace of that compaction, and the state after.  twin builds\n"
"    the machine before, as 'pagemig import DIR' does (its zones, holes,\n"
"    memory not yet initialised left out, pageblock types, what zram\n"
"    holds; Documentation/twin.md, \"Import rules\"), runs the compaction\n"
"    compact_memory runs -- every zone, order -1, MIGRATE_SYNC, the whole\n"
"    zone -- traced in the kernel's format, and prints both sides.\n"
"\n"
"    First the kernel's zones, holes and pageblock counts beside the\n"
"    machine built, as 'pagemig import DIR' prints them.  Then, for each\n"
"    zone compact_memory visited, the kernel's run and pagemig's side by\n"
"    side: zone_start and zone_end, both scanners' positions at the\n"
"    begin and the end, the end status, pages migrated and failed,\n"
"    migrate_pages() calls, pages scanned and isolated by each scanner,\n"
"    and the pageblocks each free scanner looked into, with how many only\n"
"    it did (the kernel's scanner passes over blocks that are not\n"
"    Movable: where the two differ, so do the blocks' types);\n"
"    rows that differ end in ' *'.  Then, for the machine:\n"
"\n"
"        twin.kernel.pages_migrated N        pgmigrate_success, after - before\n"
"        twin.pagemig.pages_migrated N       pagemig's, over its compaction\n"
"        twin.kernel.free_2m_share_after P   percent of free memory in free\n"
"        twin.pagemig.free_2m_share_after P  blocks of order 9 and up\n"
"        twin.free_scanner_blocks_differ N of M\n"
"                                            blocks only one side looked\n"
"                                            into, of those either did\n"
"\n"
"    both shares computed the same way, the kernel's from buddyinfo.after;\n"
"    both sides' buddyinfo rows after; and twin.diverge, where the two\n"
"    traces first part ways (both events, with file and line), or\n"
"    'twin.diverge none'.  It ends with the verify: line: the data the\n"
"    machine held, read back after the compaction.\n"
"\n"
"OPTIONS\n"
"    --trace FILE    also keep pagemig's trace of its compaction in FILE\n"
"                    (without it the trace stays in memory)\n"
"    --explain FILE  a readable line per migration batch and per page of\n"
"                    pagemig's compaction: PFN, kind, old -> new PFN, or\n"
"                    the errno and its cause ('-' for stdout, before the\n"
"                    comparison; see 'pagemig help run')\n"
"    -j, --json      print one JSON object: twin_json()'s fields\n"
"                    (Documentation/twin.md), plus \"machine\" (zones, holes)\n"
"                    and \"verify\"\n"
"    -s, --seed N    the machine's seed (default 1)\n"
"    -q, --quiet     leave out the zones, holes and pageblock counts\n"
"    --parallel      run kernel threads at once on the host's cores; by\n"
"                    default they are scheduled deterministically from the\n"
"                    seed, on a simulated clock (see 'pagemig help run')\n"
"    -h, --help      show this page\n"
"\n"
"EXIT STATUS\n"
"    0  the comparison ran, whatever it found\n"
"    1  the machine could not be built or run, or its data came back\n"
"       corrupted\n"
"    2  bad usage, or a capture that cannot be read or imported: the one\n"
"       message names the file (and line), as in\n"
"       snap/zoneinfo.before:150: truncated: the last line has no newline\n"
"\n"
"EXAMPLES\n"
"    sudo pagemig capture --compact snap -- build/twinload anon 6 2\n"
"    pagemig twin snap\n"
"    pagemig twin tests/data/twin/quiet --json | jq '.zones[2]'\n"
"    pagemig twin snap --trace pagemig.trace && diff <(zstd -dc snap/trace.zst) pagemig.trace\n"
"\n"
"SEE ALSO\n"
"    pagemig capture, pagemig import, Documentation/twin.md\n";
