// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig capture and build/twinload, run as users run them: the CLI
 * built beside this test ($(O)/pagemig) is started with the hidden
 * --proc-root option pointing at a fake machine made here (/proc, /sys,
 * tracefs as plain files), so nothing touches this machine's memory:
 * no compact_memory, no drop_caches, no tracing.  The checks are on the
 * exit status, the messages and the bytes of every file written.
 *
 * /proc/vmstat of the fake machine is a FIFO fed by a thread, so the
 * "before" and "after" snapshots see different counters, as they would
 * around a real compaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "harness/test.h"

/* snprintf() into a path buffer; a path too long is the test's bug. */
static void __attribute__((format(printf, 3, 4)))
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

#define INSTANCE	"sys/kernel/tracing/instances/pagemig-capture"
#define NR_PFNS		1536

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[16384], err[16384];
};

/* $(O)/NAME, from $(O)/tests/unit/test_capture. */
static const char *built(const char *name)
{
	static char paths[2][PATH_MAX];
	static int turn;
	char self[PATH_MAX], *p = paths[turn++ & 1];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return name;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	pathf(p, PATH_MAX, "%s/../../%s", self, name);
	return p;
}

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Run @argv with stdout and stderr kept; as @uid when not -1. */
static void run(struct run *r, const char *tmp, char *const argv[], int uid)
{
	char out[PATH_MAX], err[PATH_MAX];
	pid_t pid;
	int st;

	pathf(out, sizeof(out), "%s/.stdout", tmp);
	pathf(err, sizeof(err), "%s/.stderr", tmp);
	fflush(NULL);
	pid = fork();
	if (!pid) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		dup2(o, 1);
		dup2(e, 2);
		if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(125);
		execv(argv[0], argv);
		_exit(126);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static void put(const char *root, const char *rel, const void *data,
		size_t len)
{
	char path[PATH_MAX], *p;
	FILE *f;

	pathf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "we");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static void puts_(const char *root, const char *rel, const char *text)
{
	put(root, rel, text, strlen(text));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static void read_in(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/%s", dir, name);
	slurp(path, buf, size);
}

/* A .zst file of the capture, decompressed; Return: bytes or -1. */
static long unzst(const char *dir, const char *name, void *buf, size_t size)
{
	static char z[1 << 20];
	char path[PATH_MAX];
	size_t n, r;
	FILE *f;

	pathf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(z, 1, sizeof(z), f);
	fclose(f);
	r = ZSTD_decompress(buf, size, z, n);
	return ZSTD_isError(r) ? -1 : (long)r;
}

static const char vmstat_before[] =
	"nr_free_pages 1000\npgmigrate_success 100\npgmigrate_fail 7\n"
	"compact_migrate_scanned 5000\ncompact_isolated 40\n"
	"thp_migration_success 1\nnr_dirty 3\n";
static const char vmstat_after[] =
	"nr_free_pages 1010\npgmigrate_success 125\npgmigrate_fail 9\n"
	"compact_migrate_scanned 9000\ncompact_isolated 90\n"
	"thp_migration_success 1\nnr_dirty 0\n";
static const char fake_trace[] =
	"# tracer: nop\n"
	"  pagemig-1 [000] ..... 1.0: mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x600 zone_end=0x600, mode=sync\n";

struct fake {
	char root[PATH_MAX], out[PATH_MAX];
	uint64_t flags[NR_PFNS], counts[NR_PFNS];
	pthread_t feeder;
	bool fifo;
	char compact_got[16];		/* what was written to compact_memory */
};

/*
 * Feed /proc/vmstat twice, the "before" text and then the "after" text,
 * with the compact_memory write in between: the capture only writes it
 * once the "before" snapshot is complete, so the order is certain.
 * Gives up after 30 s, so a capture that fails early cannot hang us.
 */
static int feed_open(const char *path, int flags, time_t deadline)
{
	int fd;

	while ((fd = open(path, flags | O_NONBLOCK)) < 0 &&
	       errno == ENXIO && time(NULL) < deadline)
		usleep(2000);
	if (fd >= 0)
		fcntl(fd, F_SETFL, 0);
	return fd;
}

static bool feed_text(const char *path, const char *text, time_t deadline)
{
	int fd = feed_open(path, O_WRONLY, deadline);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

static void *feed_vmstat(void *arg)
{
	struct fake *fk = arg;
	char vmstat[PATH_MAX + 16], compact[PATH_MAX + 32];
	time_t deadline = time(NULL) + 30;
	struct pollfd p = { .events = POLLIN };
	ssize_t n;

	pathf(vmstat, sizeof(vmstat), "%s/proc/vmstat", fk->root);
	pathf(compact, sizeof(compact), "%s/proc/sys/vm/compact_memory",
		 fk->root);
	if (!feed_text(vmstat, vmstat_before, deadline))
		return NULL;
	p.fd = open(compact, O_RDONLY | O_NONBLOCK);
	if (p.fd < 0)
		return NULL;
	if (poll(&p, 1, 30000) == 1) {
		fcntl(p.fd, F_SETFL, 0);
		n = read(p.fd, fk->compact_got, sizeof(fk->compact_got) - 1);
		fk->compact_got[n > 0 ? n : 0] = '\0';
	}
	close(p.fd);
	feed_text(vmstat, vmstat_after, deadline);
	return NULL;
}

/* The whole fake machine; @fifo: /proc/vmstat changes between reads. */
static void fake_machine(struct fake *fk, bool fifo)
{
	const char *r = fk->root;
	char path[PATH_MAX + 16];
	int i;

	for (i = 0; i < NR_PFNS; i++) {
		fk->flags[i] = i % 3 ? 1ULL << 10 : (1ULL << 5) | (1ULL << 12);
		fk->counts[i] = i % 3 ? 0 : 1;
	}
	put(r, "proc/kpageflags", fk->flags, sizeof(fk->flags));
	put(r, "proc/kpagecount", fk->counts, sizeof(fk->counts));
	puts_(r, "proc/zoneinfo", "Node 0, zone   Normal\n  pages free     1000\n");
	puts_(r, "proc/pagetypeinfo", "Page block order: 9\n");
	puts_(r, "proc/buddyinfo", "Node 0, zone   Normal  1 2 3 4 5 6 7 8 9 10 11\n");
	puts_(r, "proc/meminfo", "MemTotal:        6144 kB\n");
	puts_(r, "proc/iomem", "00001000-005fffff : System RAM\n");
	puts_(r, "proc/cmdline", "console=ttyS0 deferred_init=lazy\n");
	puts_(r, "proc/sys/vm/compact_memory", "");
	puts_(r, "proc/sys/vm/drop_caches", "");
	puts_(r, "proc/sys/vm/extfrag_threshold", "500\n");
	puts_(r, "proc/sys/vm/min_free_kbytes", "67584\n");
	puts_(r, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	puts_(r, "sys/devices/system/memory/block_size_bytes", "8000000\n");
	puts_(r, "sys/devices/system/memory/auto_online_blocks", "online\n");
	/* Numeric order, not name order: memory2 before memory10. */
	puts_(r, "sys/devices/system/memory/memory10/state", "offline\n");
	puts_(r, "sys/devices/system/memory/memory10/phys_index", "0000000a\n");
	puts_(r, "sys/devices/system/memory/memory10/valid_zones", "Normal Movable\n");
	puts_(r, "sys/devices/system/memory/memory2/state", "online\n");
	puts_(r, "sys/devices/system/memory/memory2/phys_index", "00000002\n");
	puts_(r, "sys/devices/system/memory/memory2/node0/.keep", "");
	puts_(r, "sys/devices/system/memory/memory0/state", "online\n");
	puts_(r, "sys/devices/system/memory/memory0/phys_index", "00000000\n");
	puts_(r, "sys/devices/system/memory/memory0/valid_zones", "none\n");
	puts_(r, "sys/devices/system/memory/memory0/node0/.keep", "");
	puts_(r, "sys/block/zram0/disksize", "1073741824\n");
	puts_(r, "sys/block/zram0/mm_stat", "  4096    120   8192        0   8192        0        0        1        1\n");
	puts_(r, "sys/block/vda/size", "1\n");
	puts_(r, INSTANCE "/tracing_on", "1\n");
	puts_(r, INSTANCE "/buffer_size_kb", "7 (expanded: 1408)\n");
	puts_(r, INSTANCE "/trace", fake_trace);
	puts_(r, INSTANCE "/events/compaction/enable", "0\n");
	puts_(r, INSTANCE "/events/migrate/mm_migrate_pages/enable", "0\n");
	puts_(r, INSTANCE "/per_cpu/cpu0/stats", "entries: 1\noverrun: 3\ndropped events: 0\n");
	puts_(r, INSTANCE "/per_cpu/cpu1/stats", "entries: 0\noverrun: 0\ndropped events: 2\n");
	fk->fifo = fifo;
	pathf(path, sizeof(path), "%s/proc/vmstat", r);
	if (fifo) {
		mkfifo(path, 0644);
		pathf(path, sizeof(path), "%s/proc/sys/vm/compact_memory", r);
		unlink(path);
		mkfifo(path, 0644);
		pthread_create(&fk->feeder, NULL, feed_vmstat, fk);
	} else {
		puts_(r, "proc/vmstat", vmstat_before);
	}
}

FIXTURE(capture) {
	struct fake fk;
	char tmp[PATH_MAX];
	struct run r;
};

FIXTURE_SETUP(capture)
{
	pathf(self->tmp, sizeof(self->tmp), "/tmp/test_capture.XXXXXX");
	ASSERT_NOT_NULL(mkdtemp(self->tmp));
	pathf(self->fk.root, sizeof(self->fk.root), "%s/root", self->tmp);
	pathf(self->fk.out, sizeof(self->fk.out), "%s/cap", self->tmp);
	mkdir(self->fk.root, 0755);
}

FIXTURE_TEARDOWN(capture)
{
	if (self->fk.fifo)
		pthread_join(self->fk.feeder, NULL);
	rm_rf(self->tmp);
}

/* pagemig capture --proc-root ROOT DIR ARGS... (NULL-terminated). */
#define CAPTURE(self, ...) do {						\
	char *const _argv[] = { (char *)built("pagemig"), "capture",	\
		"--proc-root", (self)->fk.root, (self)->fk.out,		\
		__VA_ARGS__, NULL };					\
	run(&(self)->r, (self)->tmp, _argv, -1);			\
} while (0)

TEST_F(capture, help_is_a_manual_page)
{
	char *const help[] = { (char *)built("pagemig"), "capture", "--help", NULL };
	char *const via_help[] = { (char *)built("pagemig"), "help", "capture", NULL };
	char *const top[] = { (char *)built("pagemig"), "--help", NULL };
	char page[16384];

	run(&self->r, self->tmp, help, -1);
	ASSERT_EQ(0, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.out, "SYNOPSIS"));
	EXPECT_NOT_NULL(strstr(self->r.out, "EXIT STATUS"));
	EXPECT_NOT_NULL(strstr(self->r.out, "kpageflags.S.zst"));
	EXPECT_NULL(strstr(self->r.out, "proc-root"));
	pathf(page, sizeof(page), "%s", self->r.out);
	run(&self->r, self->tmp, via_help, -1);
	EXPECT_STREQ(page, self->r.out);
	run(&self->r, self->tmp, top, -1);
	EXPECT_NOT_NULL(strstr(self->r.out, "    capture "));
}

TEST_F(capture, usage_errors_exit_2_with_one_message)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{ { NULL }, "expected the directory" },
		{ { "a", "b" }, "got a second argument 'b'" },
		{ { "a", "--compat" }, "did you mean '--compact'" },
		{ { "a", "--" }, "expected a command after '--'" },
		{ { "a", "--level", "0" }, "--level: expected an integer 1..22" },
		{ { "a", "--ready-timeout", "soon" }, "--ready-timeout: expected an integer" },
		{ { "a", "--buffer-kb" }, "needs a value" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { (char *)built("pagemig"), "capture" };
		int n = 2, k;

		for (k = 0; k < 4 && cases[i].args[k]; k++)
			argv[n++] = (char *)cases[i].args[k];
		argv[n] = NULL;
		run(&self->r, self->tmp, argv, -1);
		EXPECT_EQ(2, self->r.status);
		EXPECT_NOT_NULL(strstr(self->r.err, cases[i].msg));
		EXPECT_NOT_NULL(strstr(self->r.err, "Try 'pagemig capture --help'"));
	}
}

TEST_F(capture, without_root_says_so)
{
	char *const argv[] = { (char *)built("pagemig"), "capture", "--compact",
			       self->fk.out, NULL };

	/* As root, become nobody; the binary must be reachable by it. */
	run(&self->r, self->tmp, argv, geteuid() ? -1 : 65534);
	if (self->r.status == 125 || self->r.status == 126)
		SKIP("cannot run the CLI as an unprivileged user here");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "must run as root"));
	EXPECT_NOT_NULL(strstr(self->r.err, "compact_memory"));
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.before.zst"));
}

TEST_F(capture, missing_files_are_each_named)
{
	puts_(self->fk.root, "proc/zoneinfo", "x\n");
	puts_(self->fk.root, "proc/buddyinfo", "x\n");
	CAPTURE(self, "--compact");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "/proc/kpageflags: No such file or directory; capture needs a kernel with CONFIG_PROC_PAGE_MONITOR"));
	EXPECT_NOT_NULL(strstr(self->r.err, "/proc/pagetypeinfo: No such file"));
	EXPECT_NOT_NULL(strstr(self->r.err, "/proc/sys/vm/compact_memory: No such file or directory; capture needs a kernel with CONFIG_COMPACTION"));
	EXPECT_NULL(strstr(self->r.err, "zoneinfo"));
	EXPECT_NULL(strstr(self->r.err, "buddyinfo"));
	EXPECT_NULL(strstr(self->r.err, "drop_caches"));
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.before.zst"));

	/* Without --compact and a workload, neither sysctl is needed. */
	CAPTURE(self, "--quiet");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NULL(strstr(self->r.err, "compact_memory"));
}

/*
 * The page-table buffers are in memory before the snapshot starts: pages
 * the capture faulted in while reading would be free in the part of the
 * snapshot already read and taken when the kernel compacts (100 MiB on a
 * 24 GiB machine, when malloc() and memset() had become a lazy calloc()).
 */
TEST_F(capture, snapshot_buffers_in_memory_before_reading)
{
	unsigned long total = 0, resident = 1;
	const char *line;

	fake_machine(&self->fk, false);
	CAPTURE(self, "--level", "3", "--compact");
	ASSERT_EQ(0, self->r.status);
	line = strstr(self->r.err, "snapshot buffers: ");
	ASSERT_NOT_NULL(line);
	ASSERT_EQ(2, sscanf(line, "snapshot buffers: %lu KiB, %lu KiB in memory",
			    &total, &resident));
	/* Before and after, flags and counts: 8 GiB of PFNs of room each. */
	EXPECT_LE(4 * 16384UL, total);
	EXPECT_EQ(total, resident);
	EXPECT_LT(strstr(self->r.err, "snapshot buffers: "),
		  strstr(self->r.err, "snapshot before: "));
}

/*
 * kpageflags and kpagecount are read a chunk of PFNs at a time, each chunk
 * of both before the next (1536 PFNs: two chunks), so that a page's flags
 * and count are read together; a shorter kpagecount ends both.
 */
TEST_F(capture, page_tables_read_together_and_end_together)
{
	static uint64_t back[NR_PFNS + 1];

	fake_machine(&self->fk, false);
	put(self->fk.root, "proc/kpagecount", self->fk.counts, 1100 * 8);
	CAPTURE(self, "--level", "3");
	ASSERT_EQ(0, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "snapshot before: 1100 PFNs"));
	EXPECT_EQ(1100 * 8, unzst(self->fk.out, "kpageflags.before.zst", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, self->fk.flags, 1100 * 8));
	EXPECT_EQ(1100 * 8, unzst(self->fk.out, "kpagecount.before.zst", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, self->fk.counts, 1100 * 8));
}

/* A read error in either file names that file; nothing is written. */
TEST_F(capture, page_table_read_error_names_the_file)
{
	char path[PATH_MAX + 32];

	fake_machine(&self->fk, false);
	pathf(path, sizeof(path), "%s/proc/kpagecount", self->fk.root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, mkdir(path, 0755));
	CAPTURE(self, "--level", "3");
	EXPECT_EQ(1, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "snapshot before: /proc/kpagecount: Is a directory"));
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.before.zst"));
}

TEST_F(capture, tracefs_missing_is_named)
{
	char path[PATH_MAX + 32];

	fake_machine(&self->fk, false);
	pathf(path, sizeof(path), "%s/sys/kernel/tracing", self->fk.root);
	rm_rf(path);
	CAPTURE(self, "--compact");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "tracefs is not mounted"));
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.before.zst"));
}

TEST_F(capture, snapshot_writes_every_file)
{
	static uint64_t back[NR_PFNS + 1];
	char text[4096];

	fake_machine(&self->fk, false);
	CAPTURE(self, "--level", "3");
	ASSERT_EQ(0, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "snapshot before: 1536 PFNs"));

	EXPECT_EQ(sizeof(self->fk.flags),
		  unzst(self->fk.out, "kpageflags.before.zst", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, self->fk.flags, sizeof(self->fk.flags)));
	EXPECT_EQ(sizeof(self->fk.counts),
		  unzst(self->fk.out, "kpagecount.before.zst", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(back, self->fk.counts, sizeof(self->fk.counts)));

	read_in(self->fk.out, "zoneinfo.before", text, sizeof(text));
	EXPECT_STREQ("Node 0, zone   Normal\n  pages free     1000\n", text);
	read_in(self->fk.out, "vmstat.before", text, sizeof(text));
	EXPECT_STREQ(vmstat_before, text);
	read_in(self->fk.out, "memory_blocks.before", text, sizeof(text));
	EXPECT_STREQ("# pagemig capture: memory blocks of /sys/devices/system/memory\n"
		     "block_size_bytes 8000000\n"
		     "auto_online_blocks online\n"
		     "# block phys_index node state valid_zones\n"
		     "memory0 00000000 0 online none\n"
		     "memory2 00000002 0 online -\n"
		     "memory10 0000000a -1 offline Normal Movable\n", text);
	read_in(self->fk.out, "zram.before", text, sizeof(text));
	EXPECT_STREQ("# pagemig capture: zram devices of /sys/block\n"
		     "zram0 disksize 1073741824\n"
		     "zram0 mm_stat 4096 120 8192 0 8192 0 0 1 1\n", text);
	read_in(self->fk.out, "sysctl.before", text, sizeof(text));
	EXPECT_STREQ("# pagemig capture: tunables that steer compaction\n"
		     "/sys/kernel/mm/transparent_hugepage/enabled always [madvise] never\n"
		     "/proc/sys/vm/extfrag_threshold 500\n"
		     "/proc/sys/vm/min_free_kbytes 67584\n", text);
	read_in(self->fk.out, "cmdline", text, sizeof(text));
	EXPECT_STREQ("console=ttyS0 deferred_init=lazy\n", text);
	read_in(self->fk.out, "iomem", text, sizeof(text));
	EXPECT_STREQ("00001000-005fffff : System RAM\n", text);
	read_in(self->fk.out, "uname", text, sizeof(text));
	EXPECT_EQ(0, strncmp(text, "Linux ", 6));

	/* No compaction, no workload: no after set, no trace, no result. */
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.after.zst"));
	EXPECT_FALSE(file_exists(self->fk.out, "trace.zst"));
	EXPECT_FALSE(file_exists(self->fk.out, "result"));
	EXPECT_FALSE(file_exists(self->fk.out, "workload.out"));

	/* A directory that holds a capture is never overwritten. */
	CAPTURE(self, "--quiet");
	EXPECT_EQ(2, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "already holds a capture"));
}

TEST_F(capture, compact_traces_and_snapshots_after)
{
	static char text[8192];
	char path[PATH_MAX + 64];
	const char *p;

	fake_machine(&self->fk, true);
	CAPTURE(self, "--compact", "--buffer-kb", "2048");
	ASSERT_EQ(0, self->r.status);

	pthread_join(self->fk.feeder, NULL);
	self->fk.fifo = false;
	EXPECT_STREQ("1", self->fk.compact_got);
	read_in(self->fk.root, INSTANCE "/buffer_size_kb", text, sizeof(text));
	EXPECT_STREQ("2048", text);
	/* Left as found: tracing off, the events disabled. */
	read_in(self->fk.root, INSTANCE "/tracing_on", text, sizeof(text));
	EXPECT_STREQ("0", text);
	read_in(self->fk.root, INSTANCE "/events/compaction/enable", text, sizeof(text));
	EXPECT_STREQ("0", text);
	pathf(path, sizeof(path), "%s/%s", self->fk.root, INSTANCE);
	EXPECT_EQ(0, access(path, F_OK));	/* not ours: not removed */

	/* The trace file is emptied before, so the fake text is gone. */
	EXPECT_EQ(0, unzst(self->fk.out, "trace.zst", text, sizeof(text)));

	read_in(self->fk.out, "vmstat.before", text, sizeof(text));
	EXPECT_STREQ(vmstat_before, text);
	read_in(self->fk.out, "vmstat.after", text, sizeof(text));
	EXPECT_STREQ(vmstat_after, text);
	EXPECT_TRUE(file_exists(self->fk.out, "kpageflags.after.zst"));
	EXPECT_TRUE(file_exists(self->fk.out, "kpagecount.after.zst"));
	EXPECT_TRUE(file_exists(self->fk.out, "memory_blocks.after"));
	EXPECT_TRUE(file_exists(self->fk.out, "zram.after"));
	EXPECT_TRUE(file_exists(self->fk.out, "sysctl.after"));
	EXPECT_TRUE(file_exists(self->fk.out, "buddyinfo.after"));

	read_in(self->fk.out, "result", text, sizeof(text));
	EXPECT_EQ(0, strncmp(text, "compact_memory_seconds ", 23));
	/* The write was pinned to a CPU, which the result names. */
	p = strstr(text, "\ncompact_cpu ");
	ASSERT_NOT_NULL(p);
	EXPECT_GE(atoi(p + 13), 0);
	EXPECT_NOT_NULL(strstr(text, "\npgmigrate_success 25\npgmigrate_fail 2\n"
				     "compact_migrate_scanned 4000\ncompact_isolated 50\n"
				     "thp_migration_success 0\ntrace_lost_events 5\n"));
	EXPECT_NULL(strstr(text, "nr_free_pages"));
	EXPECT_NOT_NULL(strstr(self->r.err, "the trace lost 5 events"));
}

#define SH_WORKLOAD(on_usr1)						\
	"trap '" on_usr1 "' USR1; echo 'ready fake state'; "		\
	"while :; do sleep 0.05; done"

TEST_F(capture, workload_is_captured_then_signalled)
{
	char text[4096];

	fake_machine(&self->fk, false);
	CAPTURE(self, "--", "/bin/sh", "-c",
		SH_WORKLOAD("echo checked; exit 0"));
	ASSERT_EQ(0, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "workload ready after"));
	read_in(self->fk.root, "proc/sys/vm/drop_caches", text, sizeof(text));
	EXPECT_STREQ("3", text);
	read_in(self->fk.out, "workload.out", text, sizeof(text));
	EXPECT_STREQ("ready fake state\nchecked\n", text);
	read_in(self->fk.out, "result", text, sizeof(text));
	EXPECT_NOT_NULL(strstr(text, "workload_command /bin/sh -c trap"));
	EXPECT_NOT_NULL(strstr(text, "\nworkload_exit_status 0\nready fake state\nchecked\n"));
	EXPECT_NULL(strstr(text, "workload_failed"));
	EXPECT_TRUE(file_exists(self->fk.out, "kpageflags.before.zst"));
}

TEST_F(capture, no_drop_caches_keeps_the_cache)
{
	char text[64];

	fake_machine(&self->fk, false);
	CAPTURE(self, "--no-drop-caches", "--", "/bin/sh", "-c",
		SH_WORKLOAD("exit 0"));
	ASSERT_EQ(0, self->r.status);
	read_in(self->fk.root, "proc/sys/vm/drop_caches", text, sizeof(text));
	EXPECT_STREQ("", text);
}

TEST_F(capture, workload_that_fails_its_check_fails_the_capture)
{
	char text[4096];

	fake_machine(&self->fk, false);
	CAPTURE(self, "--", "/bin/sh", "-c", SH_WORKLOAD("echo bad=1; exit 1"));
	EXPECT_EQ(1, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "failed (status 1) after the capture"));
	read_in(self->fk.out, "result", text, sizeof(text));
	EXPECT_NOT_NULL(strstr(text, "workload_exit_status 1\nworkload_failed 1\n"));
	EXPECT_TRUE(file_exists(self->fk.out, "kpageflags.before.zst"));
}

TEST_F(capture, workload_that_ends_early_or_hangs_is_reported)
{
	char *const nosuch[] = { (char *)built("pagemig"), "capture",
		"--proc-root", self->fk.root, self->fk.out, "--",
		"/nonexistent/twinload", NULL };
	time_t t0;

	fake_machine(&self->fk, false);
	CAPTURE(self, "--", "/bin/sh", "-c", "echo oops; exit 3");
	EXPECT_EQ(1, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "ended (status 3) before printing a line starting with 'ready'"));
	EXPECT_FALSE(file_exists(self->fk.out, "kpageflags.before.zst"));

	t0 = time(NULL);
	CAPTURE(self, "--ready-timeout", "1", "--", "/bin/sleep", "30");
	EXPECT_EQ(1, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "printed no line starting with 'ready' in 1 s; killed it"));
	EXPECT_LT(time(NULL) - t0, 15);

	run(&self->r, self->tmp, nosuch, -1);
	EXPECT_EQ(2, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "cannot run '/nonexistent/twinload': No such file or directory"));
}

/*
 * Every twinload mode but zram (it would take this machine's zram0), and
 * python only where there is a python3 to run.
 */
TEST_F(capture, twinload_modes_build_and_verify)
{
	static const char *const modes[][4] = {
		{ "anon", "0.01", "3" }, { "thp", "0.01" }, { "heap", "0.01" },
		{ "mix", "0.01", "DIR" }, { "pagecache", "0.01", "DIR" },
		{ "sort", "0.01", "DIR" }, { "shm", "0.01", "DIR" },
		{ "python", "0.01" },
	};
	char text[4096], dir[PATH_MAX + 8];
	size_t i;

	fake_machine(&self->fk, false);
	pathf(dir, sizeof(dir), "%s/files", self->tmp);
	mkdir(dir, 0755);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *arg = modes[i][2] && !strcmp(modes[i][2], "DIR") ?
				  dir : modes[i][2];

		if (!strcmp(modes[i][0], "python") &&
		    access("/usr/bin/python3", X_OK)) {
			TH_LOG("python: no /usr/bin/python3, not run");
			continue;
		}
		pathf(self->fk.out, sizeof(self->fk.out), "%s/cap-%s",
			 self->tmp, modes[i][0]);
		CAPTURE(self, "--quiet", "--level", "1", "--no-drop-caches",
			"--", (char *)built("twinload"), (char *)modes[i][0],
			(char *)modes[i][1], (char *)arg);
		EXPECT_EQ(0, self->r.status);
		read_in(self->fk.out, "workload.out", text, sizeof(text));
		TH_LOG("%s: %s", modes[i][0], text);
		EXPECT_EQ(0, strncmp(text, "ready ", 6));
		EXPECT_NOT_NULL(strstr(text, "\nverified "));
		EXPECT_NOT_NULL(strstr(text, "bad=0\n"));
	}
	/* Every file a mode made is gone again. */
	EXPECT_EQ(0, rmdir(dir));
}

/* python without a python3 on PATH: the exec's error, exit 1. */
TEST_F(capture, twinload_python_without_python3_fails)
{
	char *argv[] = { (char *)built("twinload"), "python", "0.01", NULL };
	char *path = strdup(getenv("PATH") ? getenv("PATH") : "");

	ASSERT_NOT_NULL(path);
	setenv("PATH", self->tmp, 1);	/* a directory with no python3 */
	run(&self->r, self->tmp, argv, -1);
	setenv("PATH", path, 1);
	free(path);
	EXPECT_EQ(1, self->r.status);
	EXPECT_NOT_NULL(strstr(self->r.err, "twinload: python3: No such file or directory"));
}

TEST_F(capture, twinload_bad_usage_exits_2)
{
	static const char *const bad[][4] = {
		{ "swap", "1" }, { "anon", "1" }, { "anon", "x", "2" },
		{ "anon", "1", "0" }, { "thp", "-1" }, { "mix", "1", "/nonexistent" },
		{ "shm", "1", "/nonexistent" }, { "python", "1", "2" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { (char *)built("twinload"), (char *)bad[i][0],
				 (char *)bad[i][1], (char *)bad[i][2], NULL };

		run(&self->r, self->tmp, argv, -1);
		EXPECT_EQ(2, self->r.status);
		EXPECT_NOT_NULL(strstr(self->r.err, "usage: twinload"));
	}
}
