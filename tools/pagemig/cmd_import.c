// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig import: build a machine from a capture directory (the machine
 * as it was: zones, holes, pageblock types, what zram held) or a bare
 * /proc/kpageflags snapshot (and /proc/kpagecount; zones guessed), print
 * what was inferred, analyse its fragmentation and, with --compact, what
 * a full compaction recovers.  The library's pagemig_import() does the
 * work; this file parses the options, reads a capture (real_machine.c),
 * shows progress, writes the pictures and prints the report.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pagemig/pagemig.h>

#include <json-c/json.h>

#include "cli.h"
#include "real_machine.h"
#include "report/kpageflags.h"
#include "report/picture.h"
#include "report/report.h"

struct import_cli {
	const char *flags_path, *count_path, *picture, *trace;
	const char *explain;		/* FILE, or "-" for stdout */
	bool dir;			/* flags_path is a capture directory */
	uint64_t memory, seed;
	bool compact, json, quiet;
	bool parallel;
	struct progress progress;
	struct picture_snap before;	/* --picture --compact: for diff.png */
	bool write_failed;		/* a picture could not be written */
	const struct pagemig_import_report *rep;	/* inferred, from BUILD on */
};

/* Return: 0 or CLI_USAGE. */
static int parse_args(struct import_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kpagecount", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "compact", no_argument, NULL, 'C' },
		{ "picture", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "seed", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "trace", required_argument, NULL, 'T' },
		{ "explain", required_argument, NULL, 'E' },
		{ "parallel", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt("import", argc, argv, opts)) != -1) {
		switch (c) {
		case 'c':
			o->count_path = optarg;
			break;
		case 'm':
			if (cli_parse_size(optarg, &o->memory) || !o->memory)
				return cli_usage("import", "--memory: expected a size such as 24G or 512M, got '%s'",
						 optarg);
			break;
		case 'C':
			o->compact = true;
			break;
		case 'p':
			o->picture = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 's':
			if (cli_parse_u64(optarg, &o->seed))
				return cli_usage("import", "--seed: expected an integer, got '%s'",
						 optarg);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'T':
			o->trace = optarg;
			break;
		case 'E':
			o->explain = optarg;
			break;
		case 'P':
			o->parallel = true;
			break;
		}
	}
	if (optind < argc)
		o->flags_path = argv[optind++];
	if (!o->flags_path)
		return cli_usage("import", "expected a capture directory or a kpageflags file, such as a copy of /proc/kpageflags");
	if (optind < argc)
		return cli_usage("import", "expected one capture directory or kpageflags file, got a second argument '%s'",
				 argv[optind]);
	if (o->json && o->explain && !cli_output_file(o->explain))
		return cli_usage("import", "--explain -: stdout carries the JSON report; give --explain a file");
	o->dir = is_capture_dir(o->flags_path);
	if (o->dir && (o->count_path || o->memory))
		return cli_usage("import", "%s is a capture: its kpagecount and size come with it (no --kpagecount, no --memory)",
				 o->count_path ? "--kpagecount" : "--memory");
	if (o->memory % (2ULL << 20))
		return cli_usage("import", "--memory: %llu bytes is not a multiple of 2M (a pageblock)",
				 (unsigned long long)o->memory);
	return 0;
}

static void picture(struct import_cli *o, const char *name,
		    const char *title)
{
	char path[4096];
	int ret;

	if (!o->picture)
		return;
	snprintf(path, sizeof(path), "%s/%s", o->picture, name);
	if (!strcmp(name, "diff.png"))
		ret = picture_write_diff(path, title, &o->before);
	else
		ret = picture_write(path, title, o->compact && !o->before.kinds ?
					       &o->before : NULL);
	if (ret) {
		fprintf(stderr, "pagemig import: %s: %s\n", path, strerror(-ret));
		o->write_failed = true;
	}
}

/* Progress, the picture directory and the pictures, between stages. */
static int import_stage(enum pagemig_import_stage stage, void *arg)
{
	static const char *const names[] = {
		[PAGEMIG_STAGE_READ] = "read",
		[PAGEMIG_STAGE_INFER] = "infer",
		[PAGEMIG_STAGE_BUILD] = "build",
		[PAGEMIG_STAGE_ANALYSE] = "analyse",
		[PAGEMIG_STAGE_COMPACT] = "compact",
	};
	struct import_cli *o = arg;
	struct pagemig_config cfg;

	if (stage == PAGEMIG_STAGE_BUILD) {
		/* The machine kpf_build() makes: sparse, the plan's size. */
		pagemig_config_default(&cfg);
		cfg.memory = (uint64_t)o->rep->inferred.machine_pages * PAGEMIG_PAGE_SIZE;
		cfg.sparse = true;
		progress_clear(&o->progress);
		cli_warn_host_memory("import", o->flags_path, &cfg);
	}
	if (stage == PAGEMIG_STAGE_ANALYSE && o->picture &&
	    mkdir(o->picture, 0777) && errno != EEXIST) {
		progress_clear(&o->progress);
		fprintf(stderr, "pagemig import: %s: %s\n", o->picture, strerror(errno));
		return CLI_FAILED;
	}
	if (stage == PAGEMIG_STAGE_COMPACT)
		picture(o, "before.png", "Before compaction");
	if (stage == PAGEMIG_STAGE_VERIFY) {
		progress_clear(&o->progress);
		if (!o->compact) {
			picture(o, "before.png", "Before compaction");
		} else {
			picture(o, "after.png", "After compaction");
			picture(o, "diff.png", "What compaction changed");
			picture_snap_free(&o->before);
			if (o->picture) {
				char l[4096], r[4096], b[4096];

				snprintf(l, sizeof(l), "%s/before.png", o->picture);
				snprintf(r, sizeof(r), "%s/after.png", o->picture);
				snprintf(b, sizeof(b), "%s/before-after.png", o->picture);
				picture_side_by_side(b, l, r);
			}
		}
		return 0;
	}
	progress_update(&o->progress, names[stage], stage + 1, 0, 1);
	return 0;
}

/* The machine's fragmentation indices, as run reports print them. */
static void print_extfrag(void)
{
	struct report_zones z;

	if (!report_snapshot_zones(&z))
		report_text_extfrag(stdout, &z);
}

static void print_json(const struct pagemig_import_report *rep, bool compact,
		       const struct capture *cap)
{
	struct json_object *m = cap ? real_layout_json(cap, rep) : NULL;

	kpf_json_import(stdout, rep, compact, m ?
			json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN) :
			NULL);
	json_object_put(m);
}

static void print_text(const struct pagemig_import_report *rep, bool compact,
		       const struct capture *cap)
{
	double secs = rep->ns[PAGEMIG_STAGE_COMPACT] / 1e9;

	if (cap) {
		printf("machine: the capture %s (Linux %s)\n", cap->dir,
		       cap->release[0] ? cap->release : "release unknown");
		real_layout_print(stdout, cap, rep);
		real_buddy_print(stdout, cap, rep);
		printf("\n");
	}
	kpf_print_inference(stdout, &rep->inferred);
	kpf_print_build(stdout, &rep->built);
	printf("\n");
	kpf_print_analysis(stdout, compact ? "before compaction" : "analysis",
			   &rep->before);
	if (compact) {
		printf("\n");
		kpf_print_analysis(stdout, "after compaction", &rep->after);
		printf("\ncompaction: %lu pages migrated in %.3f s (%.0f pages/s)\n",
		       rep->migrated, secs, secs > 0 ? rep->migrated / secs : 0.0);
		printf("\n");
		pagemig_show_buddyinfo(stdout);
		printf("\n");
		kpf_print_compaction(stdout, rep);
	}
	printf("\n--- extfrag (%s) ---\n", compact ? "after compaction" : "as imported");
	print_extfrag();
}

/*
 * A bare kpageflags file: every guess that covers more than 1 % of the
 * snapshot is a warning, on stderr, so a user knows what the figures
 * rest on.  A capture says what the guesses would have to.
 */
static void warn_guesses(const struct pagemig_inference *inf)
{
	unsigned int a;

	for (a = 0; a < PAGEMIG_NR_AMBIGUITIES; a++)
		if (inf->amb[a] * 100 > inf->file_pages)
			fprintf(stderr, "pagemig import: warning: %.1f%% of memory guessed: %lu pages (first pfn %#lx): %s\n",
				100.0 * inf->amb[a] / inf->file_pages, inf->amb[a],
				inf->amb_pfn[a], pagemig_ambiguity_text(a));
}

/**
 * cmd_import() - pagemig import DIR | KPAGEFLAGS [options]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "import".
 *
 * Return: CLI_OK; CLI_USAGE for bad usage or input that is not a
 * snapshot (or a machine size that cannot be); CLI_FAILED when the
 * machine could not be built or the data came back corrupted.
 */
int cmd_import(int argc, char **argv)
{
	struct import_cli o = { .seed = 1 };
	struct pagemig_import_opts opts = { 0 };
	struct pagemig_import_report *rep = NULL;
	struct real_machine rm = { 0 };
	struct capture cap = { 0 };
	char err[CAPTURE_ERR_LEN];
	int ret;

	ret = parse_args(&o, argc, argv);
	if (!ret)
		ret = cli_check_output("import", "--picture", o.picture, true) ?:
		      cli_check_output("import", "--trace", o.trace, false) ?:
		      cli_check_output("import", "--explain",
				       cli_output_file(o.explain), false);
	if (ret)
		return ret;
	if (o.dir) {
		if (capture_load(o.flags_path, &cap, err, sizeof(err)) ||
		    real_machine_from_capture(&cap, &rm, err, sizeof(err))) {
			fprintf(stderr, "pagemig import: %s\n", err);
			capture_free(&cap);
			return CLI_USAGE;
		}
		opts.real = &rm.m;
		o.flags_path = rm.flags_path;
		o.count_path = rm.has_counts ? rm.count_path : NULL;
	}
	if (o.trace && (ret = pagemig_trace_open(o.trace))) {
		fprintf(stderr, "pagemig import: %s: %s\n", o.trace, strerror(-ret));
		ret = CLI_USAGE;
		goto out_capture;
	}
	if (o.explain && (ret = pagemig_explain_open(o.explain))) {
		fprintf(stderr, "pagemig import: %s: %s\n", o.explain, strerror(-ret));
		ret = CLI_USAGE;
		goto out_trace;
	}
	rep = malloc(sizeof(*rep));
	if (!rep) {
		fprintf(stderr, "pagemig import: out of memory\n");
		ret = CLI_FAILED;
		goto out;
	}
	opts.flags_path = o.flags_path;
	opts.count_path = o.count_path;
	opts.memory = o.memory;
	opts.seed = o.seed;
	opts.compact = o.compact;
	opts.stage = import_stage;
	opts.arg = &o;
	o.rep = rep;
	progress_init(&o.progress, o.quiet || o.json, o.compact ? 5 : 4);
	if (!o.parallel && cli_sched_start("import", o.seed)) {
		ret = CLI_FAILED;
		goto out;
	}
	ret = pagemig_import(&opts, rep);
	progress_clear(&o.progress);
	if (ret > 0)
		goto out;	/* import_stage() said why */
	if (ret) {
		fprintf(stderr, "pagemig import: %s\n", rep->err);
		ret = rep->stage == PAGEMIG_STAGE_READ ||
		      rep->stage == PAGEMIG_STAGE_INFER ||
		      (rep->stage == PAGEMIG_STAGE_BUILD && ret == -EINVAL) ?
		      CLI_USAGE : CLI_FAILED;
		goto out;
	}
	if (!o.dir)
		warn_guesses(&rep->inferred);
	if (o.json)
		print_json(rep, o.compact, o.dir ? &cap : NULL);
	else if (!o.quiet)
		print_text(rep, o.compact, o.dir ? &cap : NULL);
	/* Only when the import held data to check (zsmalloc pages). */
	if (!o.json && (rep->checked || rep->corrupted))
		printf("%sverify: %lu pages checked, %lu corrupted\n",
		       o.quiet ? "" : "\n", rep->checked, rep->corrupted);
	ret = rep->corrupted || o.write_failed ? CLI_FAILED : CLI_OK;
	pagemig_machine_exit();
out:
	pagemig_sched_stop();
	free(rep);
	if (o.explain && pagemig_explain_close() && !ret) {
		fprintf(stderr, "pagemig import: %s: write failed\n", o.explain);
		ret = CLI_FAILED;
	}
out_trace:
	if (o.trace && pagemig_trace_close() && !ret) {
		fprintf(stderr, "pagemig import: %s: write failed\n", o.trace);
		ret = CLI_FAILED;
	}
out_capture:
	picture_snap_free(&o.before);
	real_machine_free(&rm);
	capture_free(&cap);
	return ret;
}

const char help_import[] =
"usage: pagemig import DIR [--compact] [--picture DIR] [--json] [--seed N]\n"
"                      [--quiet] [--trace FILE] [--explain FILE] [--parallel]\n"
"       pagemig import KPAGEFLAGS [--kpagecount FILE] [--memory SIZE] [...]\n"
"\n"
"Build a machine from a capture directory (what 'pagemig capture DIR'\n"
"writes) or from a bare /proc/kpageflags snapshot (as root: cp\n"
"/proc/kpageflags kpf; cp /proc/kpagecount kpc) and analyse it.  Files may\n"
"be gzip or zstd.\n"
"\n"
"From a capture the machine is the one captured: its zones from\n"
"zoneinfo.before (ZONE_DMA from PFN 1, empty zones, watermarks,\n"
"lowmem_reserve, pcp sizes), holes from iomem and the memory blocks,\n"
"memory the kernel had not initialised yet left out, pageblock types\n"
"matching pagetypeinfo.before, zsmalloc pages only as many as zram holds.\n"
"It prints the kernel's zones, holes and pageblock counts beside the\n"
"machine's, marking each figure that differs with '*', and holds the free\n"
"lists built against buddyinfo.before.  From a bare kpageflags file the\n"
"zones are guessed (DMA32 up to 4 GiB, Normal above; the machine's size is\n"
"the file's PFN count rounded up to 2 MiB), and each guess covering more\n"
"than 1%% of memory is a warning on stderr.\n"
"\n"
"It prints what it inferred -- pages by kind (free, anon, file, balloon,\n"
"zsmalloc, pgtable, slab, unmovable, reserved) and every ambiguity resolved --\n"
"then the analysis: free blocks per order, the share of free memory usable as\n"
"2 MiB and 1 GiB blocks, and the pageblocks and 1 GiB ranges held by\n"
"unmovable pages, by kind, with the worst offenders by PFN range, and the\n"
"fragmentation score, extfrag_index and unusable_index of each zone (the\n"
"kernel's debugfs extfrag files).  With --compact it then says what\n"
"compaction gave: the change in free 2 MiB and 1 GiB blocks, in MiB and in\n"
"huge pages, how far the scanners went, and when more than a tenth of the\n"
"free memory is still in smaller blocks, why, from what compaction\n"
"recorded: pageblocks held by unmovable pages, free memory only in\n"
"pageblocks that are not Movable (no free targets), pinned pages, failed\n"
"migrations, deferral.  When the import held data (zsmalloc pages) it ends\n"
"with \"verify: N pages checked, M corrupted\": that data, read back\n"
"after everything moved.\n"
"\n"
"  --kpagecount FILE  the matching /proc/kpagecount (same length)\n"
"  --memory SIZE      machine size (at least the snapshot); more is free memory\n"
"  --compact          run a full compaction and analyse again\n"
"  --picture DIR      before.png; with --compact after.png, before-after.png\n"
"                     and diff.png (what moved, what became free)\n"
"  --json             one JSON object instead of text\n"
"  --seed N           the machine's seed (default 1)\n"
"  -q, --quiet        print only the verify: line\n"
"  --trace FILE       the compaction's trace events, as tracefs prints them\n"
"  --explain FILE     a readable line per migration batch and per page it\n"
"                     handled: PFN, kind, old -> new PFN, or the errno and\n"
"                     its cause ('-' for stdout; see 'pagemig help run')\n"
"  --parallel         run kernel threads at once on the host's cores; by\n"
"                     default they are scheduled deterministically from the\n"
"                     seed, on a simulated clock (see 'pagemig help run')\n"
"  -h, --help         show this page\n"
"\n"
"Anon folios become folios of a synthetic process, file folios page-cache\n"
"folios of a synthetic file, balloon pages the virtio balloon's, zsmalloc\n"
"pages the pool of a zram device (one sector each, with a pattern to check):\n"
"all migrate, except buffer pages a file system holds (unmapped\n"
"LRU|PRIVATE pages without UPTODATE that still read IDLE: ext4's superblock\n"
"and group descriptors), which fail as the kernel fails them.  See\n"
"Documentation/kpageflags.md and Documentation/twin.md.\n"
"Exit: 0, 1 when the machine cannot be built or data came back corrupted,\n"
"2 for bad usage, a bad capture (the message names the file and line), a\n"
"file that is not a snapshot (size not a multiple of 8, kpagecount of\n"
"another length, bits no kernel sets, contradicting flags) or an impossible\n"
"memory size.\n";
