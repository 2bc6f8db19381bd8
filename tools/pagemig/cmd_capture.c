// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig capture DIR [--compact] [-- CMD...]: the command line of a
 * capture (capture.c does the work) and its manual page.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "capture.h"
#include "cli.h"

/* Long only, apart from -q; --proc-root is for tests. */
enum {
	OPT_COMPACT = CLI_LONG_ONLY,
	OPT_NO_DROP_CACHES,
	OPT_READY_TIMEOUT,
	OPT_BUFFER_KB,
	OPT_LEVEL,
	OPT_PROC_ROOT,
};

static int parse_number(const char *opt, const char *arg, uint64_t min,
			uint64_t max, uint64_t *out)
{
	if (cli_parse_u64(arg, out) || *out < min || *out > max)
		return cli_usage("capture", "%s: expected an integer %llu..%llu, got '%s'",
				 opt, (unsigned long long)min,
				 (unsigned long long)max, arg);
	return 0;
}

/* Return: 0 or CLI_USAGE. */
static int parse_args(struct capture_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "no-drop-caches", no_argument, NULL, OPT_NO_DROP_CACHES },
		{ "ready-timeout", required_argument, NULL, OPT_READY_TIMEOUT },
		{ "buffer-kb", required_argument, NULL, OPT_BUFFER_KB },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "proc-root", required_argument, NULL, OPT_PROC_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	int c, nopt, ret = 0;
	uint64_t v;

	/* Everything after "--" is the workload's, options included. */
	for (nopt = 1; nopt < argc && strcmp(argv[nopt], "--"); nopt++)
		;
	if (nopt < argc) {
		argv[nopt] = NULL;
		o->cmd = argv + nopt + 1;
		if (!o->cmd[0])
			return cli_usage("capture", "expected a command after '--'");
	}
	while (!ret && (c = cli_getopt("capture", nopt, argv, opts)) != -1) {
		switch (c) {
		case OPT_COMPACT:
			o->compact = true;
			break;
		case OPT_NO_DROP_CACHES:
			o->drop_caches = false;
			break;
		case OPT_READY_TIMEOUT:
			ret = parse_number("--ready-timeout", optarg, 1, 86400, &v);
			o->ready_timeout = v;
			break;
		case OPT_BUFFER_KB:
			ret = parse_number("--buffer-kb", optarg, 64, 4UL << 20, &v);
			o->buffer_kb = v;
			break;
		case OPT_LEVEL:
			ret = parse_number("--level", optarg, 1, ZSTD_maxCLevel(), &v);
			o->level = v;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_PROC_ROOT:
			o->root = optarg;
			break;
		}
	}
	if (ret)
		return ret;
	if (optind >= nopt)
		return cli_usage("capture", "expected the directory to write the capture to");
	o->dir = argv[optind++];
	if (optind < nopt)
		return cli_usage("capture", "expected one directory, got a second argument '%s'%s",
				 argv[optind], o->cmd ? "" : " (a workload goes after '--')");
	if (!o->dir[0])
		return cli_usage("capture", "the directory name is empty");
	return 0;
}

/**
 * cmd_capture() - pagemig capture DIR [--compact] [-- CMD...]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "capture".
 *
 * Return: CLI_OK; CLI_USAGE for bad usage or a machine that lacks what a
 * capture needs (root, a /proc file, tracefs); CLI_FAILED when the
 * capture or the workload failed on the way.
 */
int cmd_capture(int argc, char **argv)
{
	struct capture_opts o = {
		.root = "",
		.drop_caches = true,
		.ready_timeout = 600,
		.buffer_kb = 65536,
		.level = 9,
	};
	int ret;

	ret = parse_args(&o, argc, argv);
	if (ret)
		return ret;
	return capture_run(&o);
}

const char help_capture[] =
"NAME\n"
"    pagemig capture - write a real machine's memory state to a directory\n"
"\n"
"SYNOPSIS\n"
"    pagemig capture DIR [--compact] [--no-drop-caches] [--ready-timeout S]\n"
"                    [--buffer-kb KB] [--level N] [--quiet] [-- CMD [ARG...]]\n"
"\n"
"DESCRIPTION\n"
"    Copies what the kernel says about this machine's physical memory into\n"
"    DIR (created if need be), a directory to carry away and give to\n"
"    'pagemig import' and 'pagemig twin'. Needs root on Linux.\n"
"\n"
"    With -- CMD, CMD is started first, with its standard output and error\n"
"    in DIR/workload.out. It must build its memory state, print a line\n"
"    starting with 'ready', and hold the state until it gets SIGUSR1; then\n"
"    it should check its data and exit, 0 if intact. Once it is ready the\n"
"    capture runs sync, drops the page cache and slab caches (unless\n"
"    --no-drop-caches) and waits two seconds, snapshots the machine, sends\n"
"    SIGUSR1 and records the exit status. 'build/twinload' (make builds it)\n"
"    has such workloads.\n"
"\n"
"    With --compact, the kernel's compaction trace events (compaction:*,\n"
"    migrate:mm_migrate_pages and mm_migrate_pages_start) are enabled in an\n"
"    ftrace instance of its own, 1 is written to /proc/sys/vm/compact_memory\n"
"    (every zone of every node is compacted, as the kernel does it), and\n"
"    the machine is snapshot again afterwards. tracefs is mounted on\n"
"    /sys/kernel/tracing if it is not.\n"
"\n"
"    All memory the capture needs is allocated and touched before the first\n"
"    snapshot and kept until after the second, and nothing is compressed or\n"
"    written until both are taken, so the snapshots show the state the\n"
"    kernel compacted. Progress goes to stderr, one line a step.\n"
"\n"
"FILES\n"
"    Each snapshot, with the suffix .before, and .after with --compact:\n"
"    kpageflags.S.zst   /proc/kpageflags: 8 bytes of KPF_* flags per PFN\n"
"    kpagecount.S.zst   /proc/kpagecount: the map count of each PFN\n"
"    zoneinfo.S pagetypeinfo.S buddyinfo.S vmstat.S meminfo.S\n"
"                       copies of the /proc files of those names\n"
"    memory_blocks.S    block_size_bytes, then 'memoryN PHYS_INDEX NODE\n"
"                       STATE VALID_ZONES' per /sys/devices/system/memory\n"
"                       block, as sysfs spells them ('-' if absent)\n"
"    zram.S             'zramN disksize BYTES' and 'zramN mm_stat ...' per\n"
"                       zram device\n"
"    sysctl.S           'PATH VALUE' of the tunables that steer compaction:\n"
"                       transparent_hugepage/enabled and defrag,\n"
"                       vm.extfrag_threshold, compaction_proactiveness,\n"
"                       watermark_scale_factor, min_free_kbytes, ...\n"
"    Once:\n"
"    iomem cmdline      copies of /proc/iomem and /proc/cmdline\n"
"    uname              sysname nodename release version machine\n"
"    trace.zst          the trace text, as tracefs prints it (--compact)\n"
"    workload.out       what CMD printed (-- CMD)\n"
"    result             compact_memory_seconds, the change of every\n"
"                       pgmigrate_*, compact_* and thp_migration_* counter,\n"
"                       trace_lost_events (--compact); workload_command,\n"
"                       workload_exit_status and CMD's output (-- CMD)\n"
"    The .zst files are zstd; 'zstd -d' or 'pagemig import' read them.\n"
"\n"
"OPTIONS\n"
"    --compact          trace a compact_memory and snapshot again after it\n"
"    --no-drop-caches   keep the page cache (a workload of file pages needs\n"
"                       this, or its state is dropped before the snapshot)\n"
"    --ready-timeout S  seconds CMD has to print 'ready', and to exit after\n"
"                       SIGUSR1 (default 600)\n"
"    --buffer-kb KB     trace ring buffer per CPU, in KiB (default 65536);\n"
"                       the result's trace_lost_events says if it was short\n"
"    --level N          zstd level of the .zst files, 1..22 (default 9;\n"
"                       19 makes them about a third smaller, slowly)\n"
"    -q, --quiet        no progress lines, only errors\n"
"    -h, --help         show this page\n"
"\n"
"EXIT STATUS\n"
"    0  the capture is written, and CMD (if any) exited with status 0\n"
"    1  something failed on the way: a /proc file could not be read, CMD\n"
"       ended before 'ready' or took too long, or CMD failed its check\n"
"       (the capture is then written, but suspect)\n"
"    2  bad usage, DIR already holds a capture, CMD cannot be run, or the\n"
"       machine lacks what a capture needs: root, /proc/kpageflags\n"
"       (CONFIG_PROC_PAGE_MONITOR), /proc/sys/vm/compact_memory or tracefs\n"
"       (with --compact); each missing piece is named\n"
"\n"
"EXAMPLES\n"
"    pagemig capture snap                  the state as it is, no compaction\n"
"    pagemig capture --compact quiet       before and after compact_memory\n"
"    pagemig capture --compact anon6 -- build/twinload anon 6 2\n"
"    pagemig capture --compact --no-drop-caches pc4 -- \\\n"
"        build/twinload pagecache 4 /var/tmp/twin\n"
"\n"
"SEE ALSO\n"
"    pagemig import, pagemig twin, Documentation/twin.md\n";
