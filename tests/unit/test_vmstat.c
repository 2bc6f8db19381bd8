// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmstat.c: /proc/vmstat names and order against the kernel's (this
 * host's, when it has /proc/vmstat), counters that move, and the
 * structural layout of buddyinfo, pagetypeinfo and zoneinfo compared
 * with the host's own files.
 */
#include <stdlib.h>

#include "../../mm/page_alloc.c"
#include "harness/mm_fixture.h"

MM_FIXTURE(vm, 16 * SZ_1M, 4 * SZ_1M, 0, 2)

/* Render one of the show functions into a malloc'd string. */
static char *render(int (*show)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (show(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int c;

	if (!f)
		return NULL;
	out = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, out);
	fclose(out);
	fclose(f);
	return buf;
}

/* The first word of every line, '\n'-joined. */
static char *first_words(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " \n");

		fprintf(out, "%.*s\n", (int)n, p);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	fclose(out);
	return buf;
}

TEST_F(vm, vmstat_names_match_the_items_and_the_host)
{
	static const char * const items[] = {
#define X(e, s) s,
		PAGEMIG_ZONE_STAT_ITEMS(X) PAGEMIG_NUMA_STAT_ITEMS(X)
		PAGEMIG_NODE_STAT_ITEMS(X) PAGEMIG_WRITEBACK_STAT_ITEMS(X)
		PAGEMIG_MEMMAP_STAT_ITEMS(X) PAGEMIG_VM_EVENT_ITEMS(X)
#undef X
	};
	char *ours = render(pagemig_show_vmstat), *names, *host, *hnames, *line;
	unsigned int i = 0;

	ASSERT_NOT_NULL(ours);
	names = first_words(ours);
	/* Every line is "name value", in vmstat_items.h order. */
	ASSERT_EQ(ARRAY_SIZE(items), pagemig_vmstat_count());
	line = names;
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		size_t n = strcspn(line, "\n");

		if (strlen(items[i]) != n || strncmp(items[i], line, n))
			FAIL("line %u is \"%.*s\", expected \"%s\"", i + 1, (int)n, line, items[i]);
		EXPECT_STREQ(items[i], pagemig_vmstat_name(i));
		line += n + 1;
	}
	EXPECT_STREQ("nr_unstable\n", line);	/* the legacy trailer */
	EXPECT_NULL(pagemig_vmstat_name(i));

	host = slurp("/proc/vmstat");
	if (!host) {
		free(names);
		free(ours);
		SKIP("no /proc/vmstat on this host");
	}
	hnames = first_words(host);
	EXPECT_STREQ(hnames, names);
	free(hnames);
	free(host);
	free(names);
	free(ours);
}

TEST_F(vm, counters_move)
{
	unsigned long a0, f0, n0, a1, f1, d0, d1, free0, free1;
	struct page *page;

	drain_all_pages(NULL);
	ASSERT_EQ(0, pagemig_vmstat_get("pgalloc_normal", &a0));
	ASSERT_EQ(0, pagemig_vmstat_get("pgfree", &f0));
	ASSERT_EQ(0, pagemig_vmstat_get("numa_hit", &n0));
	ASSERT_EQ(0, pagemig_vmstat_get("pgalloc_dma32", &d0));
	ASSERT_EQ(0, pagemig_vmstat_get("nr_free_pages", &free0));
	EXPECT_EQ(-ENOENT, pagemig_vmstat_get("no_such_counter", &a1));
	EXPECT_EQ(pagemig_free_pages_count(), free0);

	page = alloc_pages(GFP_KERNEL, 3);
	ASSERT_NOT_NULL(page);
	pagemig_vmstat_get("pgalloc_normal", &a1);
	pagemig_vmstat_get("numa_hit", &n0);
	EXPECT_EQ(a0 + 8, a1);
	EXPECT_EQ(a1 + d0, n0);
	__free_pages(page, 3);
	pagemig_vmstat_get("pgfree", &f1);
	EXPECT_EQ(f0 + 8, f1);

	page = alloc_pages(GFP_DMA32 | __GFP_NOWARN, 5);
	ASSERT_NOT_NULL(page);
	pagemig_vmstat_get("pgalloc_dma32", &d1);
	EXPECT_EQ(d0 + 32, d1);
	drain_all_pages(NULL);
	pagemig_vmstat_get("nr_free_pages", &free1);
	EXPECT_EQ(free0 - 32, free1);
	__free_pages(page, 5);
}

/*
 * Does @line hold @ncols columns of @width characters after @skip, each
 * a right-aligned number followed by one space ("%6lu " in the kernel)?
 */
static bool columns_ok(const char *line, size_t skip, int ncols, int width)
{
	const char *p = line + skip;

	if (strlen(line) != skip + (size_t)(ncols * width))
		return false;
	for (int c = 0; c < ncols; c++, p += width) {
		int i = 0;

		while (i < width - 1 && p[i] == ' ')
			i++;
		if (i == width - 1)
			return false;		/* no digits */
		for (; i < width - 1; i++)
			if (p[i] < '0' || p[i] > '9')
				return false;
		if (p[width - 1] != ' ')
			return false;
	}
	return true;
}

static char *line_of(const char *text, const char *prefix, char *buf, size_t len)
{
	const char *p = strstr(text, prefix);
	size_t n;

	if (!p)
		return NULL;
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return buf;
}

TEST_F(vm, buddyinfo_layout_matches_the_kernel)
{
	const char *pfx = "Node 0, zone   Normal ";
	char *ours = render(pagemig_show_buddyinfo), *host, a[256], b[256];

	ASSERT_NOT_NULL(ours);
	/* One line per populated zone: "Node %d, zone %8s " + 11 x "%6lu ". */
	ASSERT_NOT_NULL(line_of(ours, "Node 0, zone    DMA32 ", a, sizeof(a)));
	EXPECT_TRUE(columns_ok(a, strlen(pfx), 11, 7));
	ASSERT_NOT_NULL(line_of(ours, pfx, a, sizeof(a)));
	EXPECT_TRUE(columns_ok(a, strlen(pfx), 11, 7));
	EXPECT_NULL(strstr(ours, "Movable"));	/* unpopulated: no line */
	host = slurp("/proc/buddyinfo");
	if (!host || !line_of(host, pfx, b, sizeof(b))) {
		free(host);
		free(ours);
		SKIP("no Normal zone in /proc/buddyinfo");
	}
	/* The host's line has the same prefix and column layout. */
	EXPECT_TRUE(columns_ok(b, strlen(pfx), 11, 7));
	free(host);
	free(ours);
}

TEST_F(vm, pagetypeinfo_layout_matches_the_kernel)
{
	static const char * const headers[] = {
		"Page block order: ", "Pages per block:  ",
		"Free pages count per migrate type at order ",
		"Number of blocks type ",
	};
	char *ours = render(pagemig_show_pagetypeinfo), *host, a[512], b[512];

	ASSERT_NOT_NULL(ours);
	EXPECT_EQ(0, strncmp(ours, "Page block order: 9\nPages per block:  512\n\n", 43));
	host = slurp("/proc/pagetypeinfo");
	for (unsigned int i = 0; i < ARRAY_SIZE(headers); i++) {
		ASSERT_NOT_NULL(line_of(ours, headers[i], a, sizeof(a)));
		if (!host || !line_of(host, headers[i], b, sizeof(b)))
			continue;
		if (i == 3) {
			/* The host may have a CMA column: compare up to HighAtomic. */
			char *ha = strstr(a, "HighAtomic"), *hb = strstr(b, "HighAtomic");

			ASSERT_NOT_NULL(ha);
			if (hb) {
				ha[10] = hb[10] = 0;
				EXPECT_STREQ(b, a);
			}
			continue;
		}
		EXPECT_STREQ(b, a);
	}
	/* Free-count rows: widths of "Node %4d, zone %8s, type %12s ". */
	ASSERT_NOT_NULL(line_of(ours, "Node    0, zone   Normal, type      Movable ", a, sizeof(a)));
	EXPECT_TRUE(columns_ok(a, strlen("Node    0, zone   Normal, type      Movable "), 11, 7));
	if (host && line_of(host, "Node    0, zone   Normal, type    Unmovable ", b, sizeof(b)))
		EXPECT_TRUE(columns_ok(b, strlen("Node    0, zone   Normal, type    Unmovable "), 11, 7));
	/* Block-count rows: "Node %d, zone %8s " then "%12lu " per type. */
	ASSERT_NOT_NULL(line_of(ours, "Node 0, zone   Normal            0 ", a, sizeof(a)));
	EXPECT_TRUE(columns_ok(a, strlen("Node 0, zone   Normal "), MIGRATE_TYPES, 13));
	EXPECT_NOT_NULL(strstr(ours, "Isolate"));
	free(host);
	free(ours);
}

TEST_F(vm, zoneinfo_has_the_kernel_sections)
{
	char *ours = render(pagemig_show_zoneinfo);

	ASSERT_NOT_NULL(ours);
	EXPECT_NOT_NULL(strstr(ours, "Node 0, zone    DMA32\n  per-node stats"));
	EXPECT_NOT_NULL(strstr(ours, "\n  pages free     "));
	EXPECT_NOT_NULL(strstr(ours, "\n        protection: ("));
	EXPECT_NOT_NULL(strstr(ours, "\n  pagesets\n    cpu: 0\n              count:    "));
	EXPECT_NOT_NULL(strstr(ours, "\n    cpu: 1\n"));
	EXPECT_NOT_NULL(strstr(ours, "\n  start_pfn:           1024\n"));
	/* Unpopulated zones are listed without pagesets. */
	EXPECT_NOT_NULL(strstr(ours, "Node 0, zone  Movable\n  pages free     0"));
	free(ours);
}
