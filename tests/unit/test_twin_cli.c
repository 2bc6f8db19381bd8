// SPDX-License-Identifier: GPL-2.0
/*
 * `pagemig import DIR` and `pagemig twin DIR` on a capture, run as users
 * run them: the CLI built beside this test ($(O)/pagemig) on
 * tests/data/capture-small (a 512 MiB capture laid out as this VM is,
 * with a made-up kernel trace) and on broken captures.  The checks are on
 * the exit status, the messages and what is printed: the kernel's zones,
 * holes and pageblock types beside the machine built, the buddyinfo
 * cross-check, and twin's figures, JSON and trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "harness/cli_run.h"
#include "harness/data.h"
#include "harness/test.h"

static char small_dir[PATH_MAX];

static const char *small(void)
{
	snprintf(small_dir, sizeof(small_dir), "%s", test_data_path("capture-small"));
	return small_dir;
}

TEST(import_of_a_capture_reports_the_kernels_zones_and_holes)
{
	const char *args[] = { "import", small(), NULL };
	static struct run r;

	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	if (r.err[0])
		TH_LOG("stderr: %s", r.err);
	/* Every zone as zoneinfo has it, nothing marked as differing. */
	EXPECT_TRUE(line_has(r.out, "DMA ", "0x1      4095      3998      3840        4095      3998      3840 "));
	EXPECT_TRUE(line_has(r.out, "DMA32 ", "61440     28672     27648       61440     28672     27648 "));
	EXPECT_TRUE(line_has(r.out, "Normal ", "65536     65536     32768       32768     32768     32768 "));
	EXPECT_TRUE(line_has(r.out, "not yet initialised:", "32768 pages from pfn 0x18000, left out"));
	EXPECT_NOT_NULL(line_of(r.out, "Movable "));
	EXPECT_NOT_NULL(line_of(r.out, "Device "));
	EXPECT_NOT_NULL(strstr(r.out, "holes: 32866 pages in 3 ranges: pfn 0-0, pfn 0x9f-0xff, pfn 0x8000-0xffff\n"));
	/* pagetypeinfo's counts, block for block. */
	EXPECT_TRUE(line_has(r.out, "DMA32 ", "Unmovable 3/3  Movable 53/53  Reclaimable 0/0  HighAtomic 0/0  Isolate 0/0 \n"));
	EXPECT_TRUE(line_has(r.out, "Normal ", "Unmovable 4/4  Movable 58/58  Reclaimable 2/2  HighAtomic 0/0  Isolate 0/0 \n"));
	EXPECT_NOT_NULL(strstr(r.out, "buddyinfo cross-check: the free lists built are buddyinfo.before's, every zone and order\n"));
	/* zram held 296 pages: so many zsmalloc pages, one sector each. */
	EXPECT_NOT_NULL(strstr(r.out, "zsmalloc: 300 pages look like zsmalloc pages, zram's pools hold 296 (mm_stat mem_used_total): 4 left allocated, unmovable\n"));
	EXPECT_NOT_NULL(strstr(r.out, "\nverify: 296 pages checked, 0 corrupted\n"));
	/* A capture is no guess: no warnings. */
	EXPECT_STREQ("", r.err);
}

TEST(import_of_a_capture_as_json)
{
	const char *args[] = { "import", small(), "--json", NULL };
	static struct run r;

	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, "\"machine\": {\"zones\":[{\"zone\":\"DMA\",\"kernel\":{\"start_pfn\":1,\"spanned\":4095,\"present\":3998,\"managed\":3840"));
	EXPECT_NOT_NULL(strstr(r.out, "\"uninit_pfn\":98304,\"uninit_pages\":32768"));
	EXPECT_NOT_NULL(strstr(r.out, "\"holes\":{\"pages\":32866,\"nr_ranges\":3,\"ranges\":[[0,1],[159,256],[32768,65536]]}"));
}

TEST(a_bare_kpageflags_file_warns_of_its_big_guesses)
{
	char kpf[PATH_MAX + 32];
	const char *args[] = { "import", kpf, "--quiet", NULL };
	static struct run r;

	snprintf(kpf, sizeof(kpf), "%s/kpageflags.before.zst", small());
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	/* The PCI hole and the uninitialised section read as kernel pages. */
	EXPECT_NOT_NULL(strstr(r.err, "pagemig import: warning: "));
	EXPECT_NOT_NULL(strstr(r.err, "51.2% of memory guessed: 67072 pages (first pfn 0x8000): allocated pages with no flags at all"));
	EXPECT_NOT_NULL(strstr(r.out, "verify: 300 pages checked, 0 corrupted\n"));
}

TEST(bad_captures_exit_2_naming_the_file)
{
	static const struct {
		const char *dir, *what;
	} cases[] = {
		{ "capture-broken/truncated-zoneinfo", "/zoneinfo.before:150: truncated" },
		{ "capture-broken/bad-buddyinfo", "/buddyinfo.after:3: expected" },
		{ "capture-broken/old-script", "no kpageflags.before.zst" },
		{ "capture-broken/not-a-capture", "not a capture directory" },
	};
	char dir[PATH_MAX];
	static struct run r;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "import", dir, NULL };

		snprintf(dir, sizeof(dir), "%s", test_data_path(cases[i].dir));
		pagemig(&r, args);
		EXPECT_EQ(2, r.status);
		EXPECT_NOT_NULL(strstr(r.err, cases[i].what));
		EXPECT_NOT_NULL(strstr(r.err, "pagemig import: "));
		EXPECT_NULL(strchr(strchr(r.err, '\n') ? strchr(r.err, '\n') + 1 : "", '\n'));
		EXPECT_STREQ("", r.out);
	}
	{
		const char *args[] = { "import", small(), "--kpagecount", "x", NULL };

		pagemig(&r, args);
		EXPECT_EQ(2, r.status);
		EXPECT_NOT_NULL(strstr(r.err, "--kpagecount"));
	}
}

/* The number after "@name " on its own line of @text; -1 if none. */
static double figure(const char *text, const char *name)
{
	char key[128];
	const char *l;

	snprintf(key, sizeof(key), "%s ", name);
	l = line_of(text, key);
	return l ? strtod(l + strlen(key), NULL) : -1;
}

TEST(twin_prints_both_compactions)
{
	char trace[] = "/tmp/test_twin_cli.trace.XXXXXX";
	const char *args[] = { "twin", small(), "--trace", trace, NULL };
	static struct run r;
	static char text[1 << 20];
	FILE *f;
	size_t n;

	close(mkstemp(trace));
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	/* The machine as import builds it, then the comparison. */
	EXPECT_NOT_NULL(line_of(r.out, "zones (kernel: zoneinfo.before"));
	EXPECT_NOT_NULL(strstr(r.out, "twin: kernel trace "));
	EXPECT_NOT_NULL(strstr(r.out, " events, 3 compact_zone runs of pid 4242\n"));
	EXPECT_NOT_NULL(strstr(r.out, "node 0, zone DMA "));
	EXPECT_NOT_NULL(strstr(r.out, "node 0, zone DMA32 "));
	EXPECT_NOT_NULL(strstr(r.out, "node 0, zone Normal "));
	/* Each zone is compacted to its (initialised) end, as the kernel's. */
	EXPECT_TRUE(line_has(r.out, "zone_end ", "0x18000            0x18000\n"));
	EXPECT_EQ(96, figure(r.out, "twin.kernel.pages_migrated"));
	EXPECT_GE(figure(r.out, "twin.pagemig.pages_migrated"), 1);
	EXPECT_EQ(37.0, figure(r.out, "twin.kernel.free_2m_share_after"));
	EXPECT_GE(figure(r.out, "twin.pagemig.free_2m_share_after"), 0);
	EXPECT_NOT_NULL(strstr(r.out, "buddyinfo after, kernel:\nNode 0, zone      DMA "));
	EXPECT_NOT_NULL(strstr(r.out, "buddyinfo after, pagemig:\nNode 0, zone      DMA "));
	EXPECT_NOT_NULL(line_of(r.out, "twin.diverge "));
	EXPECT_NOT_NULL(strstr(r.out, "\nverify: 296 pages checked, 0 corrupted\n"));

	/* --trace kept pagemig's trace: its compaction and nothing before. */
	f = fopen(trace, "r");
	ASSERT_NOT_NULL(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	unlink(trace);
	EXPECT_NOT_NULL(strstr(text, "mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync\n"));
	EXPECT_NOT_NULL(strstr(text, "mm_compaction_begin: zone_start=0x10000 migrate_pfn=0x10000 free_pfn=0x17e00 zone_end=0x18000, mode=sync\n"));
}

TEST(twin_as_json)
{
	const char *args[] = { "twin", small(), "--json", NULL };
	struct json_object *o, *k, *p, *v, *zones;
	static struct run r;

	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	o = json_tokener_parse(r.out);
	ASSERT_NOT_NULL(o);
	ASSERT_TRUE(json_object_object_get_ex(o, "kernel", &k));
	ASSERT_TRUE(json_object_object_get_ex(o, "pagemig", &p));
	ASSERT_TRUE(json_object_object_get_ex(k, "pages_migrated", &v));
	EXPECT_EQ(96, json_object_get_int64(v));
	ASSERT_TRUE(json_object_object_get_ex(p, "pages_migrated", &v));
	EXPECT_GE(json_object_get_int64(v), 1);
	ASSERT_TRUE(json_object_object_get_ex(p, "free_2m_share_after", &v));
	EXPECT_TRUE(json_object_is_type(v, json_type_double));
	ASSERT_TRUE(json_object_object_get_ex(o, "zones", &zones));
	EXPECT_EQ(3, json_object_array_length(zones));
	EXPECT_TRUE(json_object_object_get_ex(o, "divergence", &v));
	EXPECT_TRUE(json_object_object_get_ex(o, "machine", &v));
	ASSERT_TRUE(json_object_object_get_ex(o, "verify", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "corrupted", &v));
	EXPECT_EQ(0, json_object_get_int64(v));
	json_object_put(o);
}

/* Copy capture-small into @dir, less @skip, with @file holding @text. */
static void small_copy(const char *dir, const char *skip, const char *file,
		       const char *text)
{
	static const char *const files[] = {
		"kpageflags.before.zst", "kpagecount.before.zst", "zoneinfo.before",
		"buddyinfo.before", "pagetypeinfo.before", "buddyinfo.after",
		"vmstat.before", "vmstat.after", "iomem", "trace.zst", NULL,
	};
	char from[PATH_MAX + 64], to[PATH_MAX + 64], buf[65536];
	unsigned int i;

	mkdir(dir, 0755);
	for (i = 0; files[i]; i++) {
		FILE *in, *out;
		size_t n;

		if (!strcmp(files[i], skip))
			continue;
		snprintf(from, sizeof(from), "%s/%s", small(), files[i]);
		snprintf(to, sizeof(to), "%s/%s", dir, files[i]);
		in = fopen(from, "rb");
		out = fopen(to, "wb");
		if (in && out)
			while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, n, out);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
	}
	if (file) {
		FILE *out;

		snprintf(to, sizeof(to), "%s/%s", dir, file);
		out = fopen(to, "w");
		if (out) {
			fputs(text, out);
			fclose(out);
		}
	}
}

static void rm_copy(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

/*
 * A capture as another tool writes it (twin-capture.sh: no iomem, uname,
 * cmdline or memory_blocks; no trace_lost_events in result).  zoneinfo's
 * counts still tell DMA32's PCI hole (spanned - present) from Normal's
 * memory never initialised (present - managed - reserved), so both zones
 * end where the kernel's compaction ended them; and twin warns that such
 * a tool may have written page cache the snapshots do not show.
 */
TEST(twin_of_a_capture_made_by_another_tool)
{
	char dir[] = "/tmp/test_twin_cli.XXXXXX";
	char sub[sizeof(dir) + 16];
	const char *args[] = { "twin", sub, NULL };
	const char *json[] = { "twin", sub, "--json", NULL };
	static struct run r;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/a", dir);
	small_copy(sub, "iomem", "result",
		   "compact_memory_seconds .001\npgmigrate_success 96\npgmigrate_fail 0\n");
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	/* The BIOS range reads reserved: without iomem it is memory. */
	EXPECT_NOT_NULL(strstr(r.out, "holes: 32769 pages in 2 ranges: pfn 0-0, pfn 0x8000-0xffff\n"));
	EXPECT_TRUE(line_has(r.out, "not yet initialised:", "32768 pages from pfn 0x18000, left out"));
	EXPECT_TRUE(line_has(r.out, "zone_end ", "0x10000            0x10000\n"));
	EXPECT_TRUE(line_has(r.out, "zone_end ", "0x18000            0x18000\n"));
	EXPECT_NOT_NULL(strstr(r.out, "\ntwin: warning: not made by pagemig capture; "));
	pagemig(&r, json);
	ASSERT_EQ(0, r.status);
	EXPECT_NOT_NULL(strstr(r.out, "\"foreign_capture\":true"));
	/* pagemig capture's own: no warning. */
	args[1] = small();
	pagemig(&r, args);
	ASSERT_EQ(0, r.status);
	EXPECT_NULL(strstr(r.out, "twin: warning: not made by pagemig capture"));
	rm_copy(dir);
}

TEST(twin_of_a_bad_capture_exits_2_naming_the_file)
{
	char dir[] = "/tmp/test_twin_cli.XXXXXX";
	char sub[sizeof(dir) + 16];
	const char *args[] = { "twin", sub, NULL };
	static struct run r;

	ASSERT_NOT_NULL(mkdtemp(dir));
	/* Not made with --compact: no kernel trace to hold pagemig against. */
	snprintf(sub, sizeof(sub), "%s/a", dir);
	small_copy(sub, "trace.zst", NULL, NULL);
	pagemig(&r, args);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "/a: no trace.zst: not a capture made with --compact\n"));
	EXPECT_STREQ("", r.out);
	/* A trace line that is not what tracefs prints. */
	snprintf(sub, sizeof(sub), "%s/b", dir);
	small_copy(sub, "trace.zst", "trace.zst",
		   "# tracer: nop\n"
		   "  pagemig-1 [000] ..... 1.0: mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync\n"
		   "  pagemig-1 [000] ..... 1.1: mm_compaction_end: zone_start=0x1 migrate_pfn=zz\n");
	pagemig(&r, args);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "/b/trace.zst:3: "));
	/* A zoneinfo cut short. */
	snprintf(sub, sizeof(sub), "%s/c", dir);
	small_copy(sub, "zoneinfo.before", "zoneinfo.before", "Node 0, zone      DMA\n  pages free     3840");
	pagemig(&r, args);
	EXPECT_EQ(2, r.status);
	EXPECT_NOT_NULL(strstr(r.err, "/c/zoneinfo.before:2: truncated"));
	rm_copy(dir);
	{
		const char *none[] = { "twin", NULL };
		const char *help[] = { "twin", "--help", NULL };

		pagemig(&r, none);
		EXPECT_EQ(2, r.status);
		pagemig(&r, help);
		EXPECT_EQ(0, r.status);
		EXPECT_NOT_NULL(strstr(r.out, "SYNOPSIS\n    pagemig twin DIR"));
		EXPECT_NOT_NULL(strstr(r.out, "EXIT STATUS"));
	}
}
