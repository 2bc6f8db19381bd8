// SPDX-License-Identifier: GPL-2.0
/*
 * twin/capture*.c: the capture reader.  A real capture of a Linux
 * 6.18.44 VM (tests/data/capture-sample/: 24 GiB, deferred_init=lazy, a
 * 3 GiB anon workload with every other page freed, then compact_memory)
 * reads with the figures its files hold; each parser refuses a malformed
 * line naming the file and line, and a file cut short; broken capture
 * directories (tests/data/capture-broken/) fail to load with one message;
 * pagemig's own zoneinfo/buddyinfo/pagetypeinfo renderings and, when
 * readable, this host's live /proc files parse too.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "harness/mm_fixture.h"
#include "harness/data.h"
#include "twin/capture.h"

static char *sample_text(const char *file, size_t *len)
{
	char name[128], err[CAPTURE_ERR_LEN];
	char *text = NULL;

	snprintf(name, sizeof(name), "capture-sample/%s", file);
	if (capture_read_text(test_data_path(name), &text, len, err,
			      sizeof(err)))
		return NULL;
	return text;
}

/* @text with line @nr (1-based) replaced by @with (NULL: deleted). */
static char *replace_line(const char *text, unsigned int nr, const char *with)
{
	size_t len = strlen(text), wl = with ? strlen(with) + 1 : 0;
	char *out = malloc(len + wl + 1), *o = out;
	const char *p = text, *nl;
	unsigned int i;

	for (i = 1; *p; i++) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (i == nr) {
			if (with)
				o += sprintf(o, "%s\n", with);
		} else {
			memcpy(o, p, nl - p);
			o += nl - p;
		}
		p = nl;
	}
	*o = '\0';
	return out;
}

/* The first @lines lines of @text (the last one with its newline). */
static size_t first_lines(const char *text, unsigned int lines)
{
	const char *p = text;

	while (lines-- && (p = strchr(p, '\n')))
		p++;
	return p ? (size_t)(p - text) : strlen(text);
}

/* Room for what any parser fills. */
union capture_any {
	struct capture_zoneinfo zi;
	struct capture_pagetypeinfo pti;
	struct capture_buddyinfo bi;
	struct capture_kvlist kv;
	struct capture_memory_blocks mb;
	struct capture_iomem io;
	struct capture_zram_list zl;
	struct capture_sysctl sc;
	struct capture_cmdline cl;
	struct capture_result res;
};

typedef int (*parse_fn)(const char *text, size_t len, const char *name,
			void *out, char *err, size_t errlen);

/* Parse @text with @fn; expect -EINVAL and @msg in the message. */
static void expect_error(struct __test_metadata *_metadata, parse_fn fn,
			 const char *text, size_t len, const char *name,
			 const char *msg)
{
	char err[CAPTURE_ERR_LEN] = "";
	union capture_any out;

	memset(&out, 0, sizeof(out));
	EXPECT_EQ(-EINVAL, fn(text, len, name, &out, err, sizeof(err)));
	if (!strstr(err, msg))
		TH_LOG("message \"%s\" lacks \"%s\"", err, msg);
	EXPECT_NOT_NULL(strstr(err, msg));
}

#define EXPECT_ERROR(fn, text, len, name, msg) \
	expect_error(_metadata, (parse_fn)(fn), text, len, name, msg)

/* ---- the sample capture ------------------------------------------------ */

FIXTURE(sample)
{
	struct capture cap;
};

FIXTURE_SETUP(sample)
{
	char err[CAPTURE_ERR_LEN] = "";
	int ret = capture_load(test_data_path("capture-sample"), &self->cap, err,
			       sizeof(err));

	if (ret)
		TH_LOG("%s", err);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(sample)
{
	capture_free(&self->cap);
}

TEST_F(sample, zoneinfo_zones_watermarks_and_pagesets)
{
	const struct capture_zoneinfo *zi =
		&self->cap.snap[CAPTURE_BEFORE].zoneinfo;
	const struct capture_zone *dma, *normal, *movable;
	int64_t v;

	ASSERT_EQ(5, zi->nr_zones);
	EXPECT_STREQ("DMA", zi->zones[0].name);
	EXPECT_STREQ("DMA32", zi->zones[1].name);
	EXPECT_STREQ("Device", zi->zones[4].name);
	dma = capture_zone_find(zi, 0, "DMA");
	normal = capture_zone_find(zi, 0, "Normal");
	movable = capture_zone_find(zi, 0, "Movable");
	ASSERT_TRUE(dma && normal && movable);

	EXPECT_EQ(1, dma->start_pfn);
	EXPECT_EQ(4095, dma->spanned);
	EXPECT_EQ(3998, dma->present);
	EXPECT_EQ(3840, dma->managed);
	EXPECT_EQ(33, dma->min);
	EXPECT_EQ(41, dma->low);
	EXPECT_EQ(49, dma->high);
	EXPECT_TRUE(dma->has_promo);
	EXPECT_EQ(57, dma->promo);
	ASSERT_EQ(5, dma->nr_lowmem_reserve);
	EXPECT_EQ(0, dma->lowmem_reserve[0]);
	EXPECT_EQ(3018, dma->lowmem_reserve[1]);
	EXPECT_EQ(7498, dma->lowmem_reserve[2]);

	/* deferred_init=lazy: 21 GiB spanned and present, 4.4 GiB managed */
	EXPECT_EQ(1048576, normal->start_pfn);
	EXPECT_EQ(5505024, normal->spanned);
	EXPECT_EQ(5505024, normal->present);
	EXPECT_EQ(1146880, normal->managed);
	EXPECT_EQ(368894, normal->free);
	ASSERT_TRUE(capture_kv_get(&normal->stats, "nr_free_pages", &v));
	EXPECT_EQ(368894, v);
	ASSERT_EQ(2, normal->nr_pcp);
	EXPECT_EQ(0, normal->pcp[0].cpu);
	EXPECT_EQ(1, normal->pcp[1].cpu);
	EXPECT_EQ(63, normal->pcp[0].batch);
	EXPECT_GT(normal->pcp[0].high_max, 0);
	EXPECT_EQ(28, normal->pcp[0].stat_threshold);

	/* empty zones stop after "protection:" */
	EXPECT_EQ(0, movable->present);
	EXPECT_EQ(32, movable->min);
	EXPECT_FALSE(movable->has_start_pfn);
	EXPECT_EQ(0, movable->nr_pcp);

	/* "per-node stats" sit in the first populated zone, DMA */
	ASSERT_EQ(1, zi->nr_nodes);
	EXPECT_EQ(0, zi->nodes[0].nid);
	EXPECT_TRUE(capture_kv_get(&zi->nodes[0].stats, "nr_inactive_anon", &v));
	EXPECT_FALSE(capture_kv_get(&dma->stats, "nr_inactive_anon", &v));
}

TEST_F(sample, zone_lookup_by_pfn)
{
	const struct capture_zoneinfo *zi =
		&self->cap.snap[CAPTURE_BEFORE].zoneinfo;

	EXPECT_STREQ("DMA", capture_zone_at(zi, 0x1)->name);
	EXPECT_STREQ("DMA32", capture_zone_at(zi, 0x1000)->name);
	EXPECT_STREQ("DMA32", capture_zone_at(zi, 0xfffff)->name);
	EXPECT_STREQ("Normal", capture_zone_at(zi, 0x100000)->name);
	EXPECT_NULL(capture_zone_at(zi, 0));
	EXPECT_NULL(capture_zone_at(zi, 0x100000 + 5505024));
}

/* buddyinfo and pagetypeinfo were read within a millisecond: they agree. */
TEST_F(sample, buddyinfo_matches_pagetypeinfo)
{
	const struct capture_snapshot *s = &self->cap.snap[CAPTURE_BEFORE];
	const struct capture_buddyinfo *bi = &s->buddyinfo;
	const struct capture_pagetypeinfo *pti = &s->pagetypeinfo;
	unsigned int z, o, t;
	int movable = -1;

	ASSERT_EQ(3, bi->nr_zones);
	ASSERT_EQ(11, bi->nr_orders);
	EXPECT_STREQ("Normal", bi->zones[2].zone);
	EXPECT_EQ(355059, bi->zones[2].nr_free[0]);
	EXPECT_EQ(753, bi->zones[1].nr_free[10]);

	EXPECT_EQ(9, pti->block_order);
	EXPECT_EQ(512, pti->block_pages);
	ASSERT_EQ(11, pti->nr_orders);
	ASSERT_EQ(5, pti->nr_types);
	EXPECT_STREQ("Unmovable", pti->types[0]);
	EXPECT_STREQ("Isolate", pti->types[4]);
	ASSERT_EQ(3, pti->nr_zones);
	for (t = 0; t < pti->nr_types; t++)
		if (!strcmp(pti->types[t], "Movable"))
			movable = t;
	ASSERT_EQ(1, movable);
	/* Normal: 104 Unmovable, 2097 Movable, 39 Reclaimable pageblocks */
	EXPECT_EQ(104, pti->zones[2].blocks[0]);
	EXPECT_EQ(2097, pti->zones[2].blocks[1]);
	EXPECT_EQ(39, pti->zones[2].blocks[2]);
	EXPECT_TRUE(pti->zones[2].free_capped[1][0]);
	EXPECT_EQ(100000, pti->zones[2].free[1][0]);
	EXPECT_FALSE(pti->zones[2].has_mixed);

	for (z = 0; z < bi->nr_zones; z++) {
		EXPECT_EQ(bi->zones[z].nid, pti->zones[z].nid);
		EXPECT_STREQ(bi->zones[z].zone, pti->zones[z].zone);
		for (o = 0; o < bi->nr_orders; o++) {
			unsigned long sum = 0;
			bool capped = false;

			for (t = 0; t < pti->nr_types; t++) {
				sum += pti->zones[z].free[t][o];
				capped |= pti->zones[z].free_capped[t][o];
			}
			if (capped)
				EXPECT_GE(bi->zones[z].nr_free[o], sum);
			else
				EXPECT_EQ(bi->zones[z].nr_free[o], sum);
		}
	}
}

TEST_F(sample, counters_blocks_iomem_and_the_rest)
{
	const struct capture *c = &self->cap;
	const struct capture_snapshot *b = &c->snap[CAPTURE_BEFORE];
	const struct capture_snapshot *a = &c->snap[CAPTURE_AFTER];
	const char *val;
	int64_t before, after, delta;
	unsigned int i, online = 0;

	ASSERT_TRUE(capture_kv_get(&b->vmstat, "pgmigrate_success", &before));
	ASSERT_TRUE(capture_kv_get(&a->vmstat, "pgmigrate_success", &after));
	ASSERT_TRUE(capture_kv_get(&c->result.deltas, "pgmigrate_success", &delta));
	EXPECT_EQ(delta, after - before);
	EXPECT_EQ(21828, delta);
	EXPECT_EQ(192, b->vmstat.nr);
	EXPECT_TRUE(c->result.compact_memory_seconds > 0.05 &&
		    c->result.compact_memory_seconds < 0.06);
	EXPECT_NOT_NULL(strstr(c->result.other, "bad=0"));

	ASSERT_TRUE(capture_kv_get(&b->meminfo, "MemTotal", &before));
	EXPECT_EQ(24683772, before);
	ASSERT_TRUE(capture_kv_get(&b->meminfo, "HugePages_Total", &before));
	EXPECT_EQ(0, before);

	/* 128 MiB blocks; memory0 holds the DMA zone and says "none" */
	EXPECT_EQ(128UL << 20, b->memory_blocks.block_size_bytes);
	EXPECT_STREQ("offline", b->memory_blocks.auto_online_blocks);
	EXPECT_EQ(192, b->memory_blocks.nr_blocks);
	EXPECT_EQ(0, b->memory_blocks.blocks[0].id);
	EXPECT_EQ(0, b->memory_blocks.blocks[0].nid);
	EXPECT_STREQ("none", b->memory_blocks.blocks[0].valid_zones);
	EXPECT_STREQ("DMA32", b->memory_blocks.blocks[1].valid_zones);
	/* the PCI hole: no memory24..31 */
	EXPECT_EQ(199, b->memory_blocks.blocks[191].id);
	for (i = 0; i < b->memory_blocks.nr_blocks; i++) {
		EXPECT_EQ(b->memory_blocks.blocks[i].id,
			  b->memory_blocks.blocks[i].phys_index);
		online += !strcmp(b->memory_blocks.blocks[i].state, "online");
	}
	EXPECT_EQ(192, online);

	/* 0x1000-0x9fbff, 0x100000-0xbfffffff, 0x100000000-0x63fffffff */
	EXPECT_EQ(0x9ec00ULL + 0xbff00000ULL + 0x540000000ULL,
		  capture_iomem_ram_bytes(&c->iomem));
	EXPECT_EQ(27, c->iomem.nr_ranges);
	EXPECT_EQ(1, c->iomem.ranges[6].depth);
	EXPECT_STREQ("Kernel code", c->iomem.ranges[6].name);

	ASSERT_EQ(1, b->zram.nr_dev);
	EXPECT_EQ(0, b->zram.dev[0].id);
	EXPECT_TRUE(b->zram.dev[0].has_mm_stat);
	EXPECT_EQ(0, b->zram.dev[0].disksize);

	EXPECT_EQ(500, b->sysctl.extfrag_threshold);
	EXPECT_EQ(20, b->sysctl.compaction_proactiveness);
	EXPECT_EQ(10, b->sysctl.watermark_scale_factor);
	EXPECT_EQ(67584, b->sysctl.min_free_kbytes);
	EXPECT_STREQ("madvise", b->sysctl.thp_enabled);
	EXPECT_STREQ("madvise", b->sysctl.thp_defrag);
	ASSERT_TRUE(capture_kv_get(&b->sysctl.other, "watermark_boost_factor", &before));
	EXPECT_EQ(15000, before);

	EXPECT_STREQ("6.18.44-fc-v1300", c->release);
	ASSERT_TRUE(capture_cmdline_get(&c->cmdline, "deferred_init", &val));
	EXPECT_STREQ("lazy", val);
	ASSERT_TRUE(capture_cmdline_get(&c->cmdline, "quiet", &val));
	EXPECT_NULL(val);
	/* what follows "--" is init's, not the kernel's */
	EXPECT_FALSE(capture_cmdline_get(&c->cmdline, "--firecracker-init", &val));
}

TEST_F(sample, missing_files_are_named)
{
	char buf[512];

	EXPECT_TRUE(capture_is_compact(&self->cap));
	EXPECT_TRUE(capture_has_once(&self->cap, CAPTURE_TRACE));
	EXPECT_FALSE(capture_has(&self->cap, CAPTURE_BEFORE, CAPTURE_KPAGEFLAGS));
	/* the sample leaves out the two big page files, before and after */
	EXPECT_EQ(4, capture_missing(&self->cap, buf, sizeof(buf)));
	EXPECT_STREQ("kpageflags.before.zst kpagecount.before.zst kpageflags.after.zst kpagecount.after.zst",
		     buf);
}

/* ---- malformed and truncated files ------------------------------------ */

TEST(zoneinfo_malformed_and_truncated)
{
	size_t len;
	char *text = sample_text("zoneinfo.before", &len), *bad;

	ASSERT_NOT_NULL(text);
	/* line 60 is "        spanned  4095" */
	bad = replace_line(text, 60, "        spanned  lots");
	EXPECT_ERROR(capture_parse_zoneinfo, bad, strlen(bad), "zi",
		     "zi:60: expected \"name value\" or \"name: value\", got \"spanned  lots\"");
	free(bad);
	bad = replace_line(text, 64, "        protection: (0, 3018, x)");
	EXPECT_ERROR(capture_parse_zoneinfo, bad, strlen(bad), "zi", "zi:64: expected \"protection:");
	free(bad);
	bad = replace_line(text, 99, "Node 0, zone");
	EXPECT_ERROR(capture_parse_zoneinfo, bad, strlen(bad), "zi", "zi:99: expected");
	free(bad);
	bad = replace_line(text, 99, "Node 0, zone      DMA");
	EXPECT_ERROR(capture_parse_zoneinfo, bad, strlen(bad), "zi",
		     "zone DMA of node 0 appears twice (first at line 1)");
	free(bad);
	/* the DMA32 pagesets, then the file ends before start_pfn */
	EXPECT_ERROR(capture_parse_zoneinfo, text, first_lines(text, 140), "zi",
		     "truncated: populated zone DMA32 of node 0 (line 99) stops before \"start_pfn:\"");
	/* a cut inside a line */
	EXPECT_ERROR(capture_parse_zoneinfo, text, first_lines(text, 150) - 3, "zi",
		     "zi:150: truncated: the last line has no newline");
	/* the empty Device zone cut before its protection line */
	EXPECT_ERROR(capture_parse_zoneinfo, text, first_lines(text, 212), "zi",
		     "truncated: zone Device of node 0 (line 203) stops before its \"protection:\" line");
	EXPECT_ERROR(capture_parse_zoneinfo, text, 0, "zi", "zi: empty file");
	EXPECT_ERROR(capture_parse_zoneinfo, "  pages free 3\n", 15, "zi",
		     "zi:1: expected \"Node N, zone NAME\"");
	free(text);
}

TEST(buddyinfo_and_pagetypeinfo_malformed)
{
	size_t len;
	char *text = sample_text("buddyinfo.before", &len), *bad;

	ASSERT_NOT_NULL(text);
	bad = replace_line(text, 2, "Node 0, zone    DMA32      1      2      2      2      1      2      0      3      3      1");
	EXPECT_ERROR(capture_parse_buddyinfo, bad, strlen(bad), "bi",
		     "bi:2: 10 orders where the first row has 11");
	free(bad);
	bad = replace_line(text, 3, "Node 0, zone   Normal 355059   4755  2x96");
	EXPECT_ERROR(capture_parse_buddyinfo, bad, strlen(bad), "bi",
		     "bi:3: expected a free block count per order");
	free(bad);
	bad = replace_line(text, 1, "Nod 0, zone DMA 1 2");
	EXPECT_ERROR(capture_parse_buddyinfo, bad, strlen(bad), "bi", "bi:1: expected \"Node N, zone NAME count...\"");
	free(bad);
	free(text);

	text = sample_text("pagetypeinfo.before", &len);
	ASSERT_NOT_NULL(text);
	bad = replace_line(text, 16, "Node    0, zone   Normal, type      Movable >100000   4754    296");
	EXPECT_ERROR(capture_parse_pagetypeinfo, bad, strlen(bad), "pti",
		     "pti:16: 3 counts where the header has 11 orders: truncated row");
	free(bad);
	bad = replace_line(text, 1, "Page block order: nine");
	EXPECT_ERROR(capture_parse_pagetypeinfo, bad, strlen(bad), "pti", "pti:1: expected \"Page block order: N\"");
	free(bad);
	/* cut before the "Number of blocks type" table */
	EXPECT_ERROR(capture_parse_pagetypeinfo, text, first_lines(text, 20), "pti",
		     "truncated: zone DMA of node 0 has no \"Number of blocks type\" row");
	EXPECT_ERROR(capture_parse_pagetypeinfo, text, first_lines(text, 23), "pti",
		     "truncated: zone Normal of node 0 has no \"Number of blocks type\" row");
	free(text);
}

TEST(pagetypeinfo_mixed_blocks_of_page_owner_kernels)
{
	static const char text[] =
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1 \n"
		"Node    0, zone   Normal, type    Unmovable      3      0 \n"
		"Node    0, zone   Normal, type      Movable      1 >100000 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable \n"
		"Node 0, zone   Normal            2           14 \n"
		"Number of mixed blocks    Unmovable      Movable \n"
		"Node 0, zone   Normal            1            0 \n";
	char err[CAPTURE_ERR_LEN] = "";
	struct capture_pagetypeinfo pti;

	ASSERT_EQ(0, capture_parse_pagetypeinfo(text, sizeof(text) - 1, "pti",
						&pti, err, sizeof(err)));
	EXPECT_EQ(2, pti.nr_orders);
	EXPECT_TRUE(pti.zones[0].free_capped[1][1]);
	EXPECT_EQ(14, pti.zones[0].blocks[1]);
	EXPECT_TRUE(pti.zones[0].has_mixed);
	EXPECT_EQ(1, pti.zones[0].mixed[0]);
	capture_pagetypeinfo_free(&pti);
}

TEST(counter_files_malformed)
{
	static const char vm[] = "nr_free_pages 10\npgmigrate_success\n";
	static const char vm_new[] = "nr_free_pages 10\nsome_future_counter 7\n";
	static const char vm_neg[] = "nr_free_pages 18446744073709551615\n";
	static const char mi[] = "MemTotal:       24683772 kB\nMemFree 1 kB\n";
	static const char mi_unit[] = "MemTotal:       24683772 MB\n";
	char err[CAPTURE_ERR_LEN];
	struct capture_kvlist kv;
	int64_t v;

	EXPECT_ERROR(capture_parse_vmstat, vm, sizeof(vm) - 1, "vmstat",
		     "vmstat:2: expected \"name value\", got \"pgmigrate_success\"");
	EXPECT_ERROR(capture_parse_vmstat, vm, sizeof(vm) - 2, "vmstat",
		     "vmstat:2: truncated");
	ASSERT_EQ(0, capture_parse_vmstat(vm_new, sizeof(vm_new) - 1, "vmstat",
					  &kv, err, sizeof(err)));
	EXPECT_TRUE(capture_kv_get(&kv, "some_future_counter", &v));
	EXPECT_EQ(7, v);
	capture_kvlist_free(&kv);
	/* a per-CPU counter summed below zero prints as a huge %lu */
	ASSERT_EQ(0, capture_parse_vmstat(vm_neg, sizeof(vm_neg) - 1, "vmstat",
					  &kv, err, sizeof(err)));
	EXPECT_TRUE(capture_kv_get(&kv, "nr_free_pages", &v));
	EXPECT_EQ(-1, v);
	capture_kvlist_free(&kv);
	EXPECT_ERROR(capture_parse_meminfo, mi, sizeof(mi) - 1, "meminfo",
		     "meminfo:2: expected \"Name: value [kB]\"");
	EXPECT_ERROR(capture_parse_meminfo, mi_unit, sizeof(mi_unit) - 1,
		     "meminfo", "meminfo:1: expected");
}

TEST(sysfs_files_in_every_accepted_form)
{
	static const char mb[] =
		"/sys/devices/system/memory/block_size_bytes:8000000\n"
		"/sys/devices/system/memory/memory32/phys_index:00000020\n"
		"/sys/devices/system/memory/memory32/state:offline\n"
		"/sys/devices/system/memory/memory32/valid_zones:Normal Movable\n"
		"memory33/phys_index 00000021\n"
		"memory33/state online\n"
		"memory34 phys_index=00000022 state=online valid_zones=DMA32 Normal\n"
		"# pagemig capture's columns: block phys_index node state valid_zones\n"
		"memory35 00000023 1 offline Normal Movable\n"
		"memory36 00000024 - online -\n";
	static const char zr[] =
		"/sys/block/zram1/mm_stat:  4096  1024  8192  0  8192  1  0  0  0\n"
		"zram1 disksize 1073741824\n"
		"zram2/mm_stat 0 0 0 0 0 0 0\n"
		"# a kernel without the attribute\n"
		"zram3 mm_stat -\n";
	static const char sc[] =
		"/proc/sys/vm/extfrag_threshold:400\n"
		"compaction_proactiveness 0\n"
		"vm.min_free_kbytes=1024\n"
		"vm.overcommit_memory = 1\n"
		"/sys/kernel/mm/transparent_hugepage/enabled:[always] madvise never\n"
		"thp_defrag madvise\n";
	char err[CAPTURE_ERR_LEN] = "";
	struct capture_memory_blocks m;
	struct capture_zram_list z;
	struct capture_sysctl s;
	int64_t v;

	ASSERT_EQ(0, capture_parse_memory_blocks(mb, sizeof(mb) - 1, "mb", &m,
						 err, sizeof(err)));
	EXPECT_EQ(0x8000000, m.block_size_bytes);
	ASSERT_EQ(5, m.nr_blocks);
	EXPECT_EQ(32, m.blocks[0].id);
	EXPECT_EQ(0x20, m.blocks[0].phys_index);
	EXPECT_STREQ("offline", m.blocks[0].state);
	EXPECT_STREQ("Normal Movable", m.blocks[0].valid_zones);
	EXPECT_STREQ("online", m.blocks[1].state);
	EXPECT_STREQ("", m.blocks[1].valid_zones);
	EXPECT_EQ(0x22, m.blocks[2].phys_index);
	EXPECT_STREQ("DMA32 Normal", m.blocks[2].valid_zones);
	EXPECT_EQ(-1, m.blocks[2].nid);
	EXPECT_EQ(1, m.blocks[3].nid);
	EXPECT_STREQ("offline", m.blocks[3].state);
	EXPECT_STREQ("Normal Movable", m.blocks[3].valid_zones);
	EXPECT_EQ(-1, m.blocks[4].nid);
	EXPECT_STREQ("", m.blocks[4].valid_zones);
	capture_memory_blocks_free(&m);

	ASSERT_EQ(0, capture_parse_zram(zr, sizeof(zr) - 1, "zram", &z, err,
					sizeof(err)));
	ASSERT_EQ(3, z.nr_dev);
	EXPECT_FALSE(z.dev[2].has_mm_stat);
	EXPECT_EQ(1, z.dev[0].id);
	EXPECT_EQ(4096, z.dev[0].orig_data_size);
	EXPECT_EQ(8192, z.dev[0].mem_used_total);
	EXPECT_EQ(1, z.dev[0].same_pages);
	EXPECT_EQ(1ULL << 30, z.dev[0].disksize);
	EXPECT_TRUE(z.dev[1].has_mm_stat);
	EXPECT_FALSE(z.dev[1].has_disksize);
	capture_zram_free(&z);

	ASSERT_EQ(0, capture_parse_sysctl(sc, sizeof(sc) - 1, "sysctl", &s,
					  err, sizeof(err)));
	EXPECT_EQ(400, s.extfrag_threshold);
	EXPECT_EQ(0, s.compaction_proactiveness);
	EXPECT_EQ(1024, s.min_free_kbytes);
	EXPECT_EQ(-1, s.watermark_scale_factor);
	EXPECT_STREQ("always", s.thp_enabled);
	EXPECT_STREQ("madvise", s.thp_defrag);
	EXPECT_TRUE(capture_kv_get(&s.other, "overcommit_memory", &v));
	capture_sysctl_free(&s);
}

TEST(sysfs_files_malformed)
{
	static const char mb_bad[] = "block_size_bytes 8000000\nmemory3 phys_index=zz state=online\n";
	static const char mb_short[] = "memory3 phys_index=3\n";
	static const char mb_cols[] = "memory3 00000003 0 online\n";
	static const char zr_bad[] = "zram0 mm_stat 1 2 3\n";
	static const char zr_dev[] = "loop0 mm_stat 1 2 3 4 5 6 7\n";
	static const char sc_bad[] = "vm.min_free_kbytes = lots\n";
	static const char io_bad[] = "00000000-00000fff : Reserved\n00001000 : System RAM\n";
	static const char io_user[] = "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n";
	static const char cl_two[] = "quiet\nroot=/dev/vda\n";

	EXPECT_ERROR(capture_parse_memory_blocks, mb_bad, sizeof(mb_bad) - 1,
		     "mb", "mb:2: expected a hexadecimal phys_index");
	EXPECT_ERROR(capture_parse_memory_blocks, mb_short, sizeof(mb_short) - 1,
		     "mb", "truncated: memory3 has no state");
	EXPECT_ERROR(capture_parse_memory_blocks, mb_cols, sizeof(mb_cols) - 1,
		     "mb", "mb:1: expected \"memoryN PHYS_INDEX NODE STATE VALID_ZONES\"");
	EXPECT_ERROR(capture_parse_zram, zr_bad, sizeof(zr_bad) - 1, "zram",
		     "zram:1: expected mm_stat's 7 to 9 numbers");
	EXPECT_ERROR(capture_parse_zram, zr_dev, sizeof(zr_dev) - 1, "zram",
		     "zram:1: expected \"zramN mm_stat");
	EXPECT_ERROR(capture_parse_sysctl, sc_bad, sizeof(sc_bad) - 1, "sysctl",
		     "sysctl:1: expected \"name = N\"");
	EXPECT_ERROR(capture_parse_iomem, io_bad, sizeof(io_bad) - 1, "iomem",
		     "iomem:2: expected \"START-END : NAME\"");
	EXPECT_ERROR(capture_parse_iomem, io_user, sizeof(io_user) - 1, "iomem",
		     "every address is 0: read without root");
	EXPECT_ERROR(capture_parse_cmdline, cl_two, sizeof(cl_two) - 1, "cmdline",
		     "cmdline:2: a second line");
}

TEST(result_of_the_capture_command)
{
	static const char text[] =
		"compact_memory_seconds 0.056189252\n"
		"pgmigrate_success 21828\n"
		"compact_isolated 44031\n"
		"thp_migration_split 0\n"
		"trace_lost_events 0\n"
		"workload_command build/twinload anon 3 2\n"
		"workload_exit_status 0\n"
		"ready 786432 pages, kept 393216, files 0\n"
		"verified 393216 kept pages, bad=0\n";
	char err[CAPTURE_ERR_LEN] = "";
	struct capture_result res;
	int64_t v;

	ASSERT_EQ(0, capture_parse_result(text, sizeof(text) - 1, "result",
					  &res, err, sizeof(err)));
	EXPECT_TRUE(capture_kv_get(&res.deltas, "pgmigrate_success", &v));
	EXPECT_EQ(21828, v);
	EXPECT_TRUE(capture_kv_get(&res.deltas, "trace_lost_events", &v));
	EXPECT_EQ(0, v);
	EXPECT_TRUE(capture_kv_get(&res.deltas, "workload_exit_status", &v));
	EXPECT_FALSE(capture_kv_get(&res.deltas, "workload_command", &v));
	EXPECT_STREQ("workload_command build/twinload anon 3 2\n"
		     "ready 786432 pages, kept 393216, files 0\n"
		     "verified 393216 kept pages, bad=0\n", res.other);
	capture_result_free(&res);
}

TEST(result_needs_its_time_line)
{
	static const char no_time[] = "pgmigrate_success 3\n";
	static const char bad_time[] = "compact_memory_seconds soon\n";

	EXPECT_ERROR(capture_parse_result, no_time, sizeof(no_time) - 1, "result",
		     "no \"compact_memory_seconds\" line");
	EXPECT_ERROR(capture_parse_result, bad_time, sizeof(bad_time) - 1,
		     "result", "result:1: expected \"compact_memory_seconds SECONDS\"");
}

/*
 * Every sample file, cut at a random byte or with random bytes changed,
 * 200 times each: the parsers return 0 or -EINVAL with a message naming
 * the file, never crash or leak (ASan watches).
 */
TEST(mutated_files_never_crash_the_parsers)
{
	static const struct {
		const char *file;
		parse_fn fn;
	} files[] = {
		{ "zoneinfo.before", (parse_fn)capture_parse_zoneinfo },
		{ "pagetypeinfo.before", (parse_fn)capture_parse_pagetypeinfo },
		{ "buddyinfo.before", (parse_fn)capture_parse_buddyinfo },
		{ "vmstat.before", (parse_fn)capture_parse_vmstat },
		{ "meminfo.before", (parse_fn)capture_parse_meminfo },
		{ "memory_blocks.before", (parse_fn)capture_parse_memory_blocks },
		{ "iomem", (parse_fn)capture_parse_iomem },
		{ "zram.before", (parse_fn)capture_parse_zram },
		{ "sysctl.before", (parse_fn)capture_parse_sysctl },
		{ "cmdline", (parse_fn)capture_parse_cmdline },
		{ "result", (parse_fn)capture_parse_result },
	};
	static const char bytes[] = "0x-: \n\t#>=(),/~\0zN";
	struct pagemig_rng *rng = test_rng();
	char err[CAPTURE_ERR_LEN], *text, *m;
	unsigned int i, n, rejected = 0;
	union capture_any o;
	size_t len, ml;
	int ret;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		text = sample_text(files[i].file, &len);
		ASSERT_NOT_NULL(text);
		for (n = 0; n < 200; n++) {
			m = test_mutate(text, len, n, 4, bytes, sizeof(bytes) - 1,
					rng, &ml);
			ASSERT_NOT_NULL(m);
			memset(&o, 0, sizeof(o));
			err[0] = '\0';
			ret = files[i].fn(m, ml, files[i].file, &o, err,
					  sizeof(err));
			if (ret) {
				EXPECT_EQ(-EINVAL, ret);
				EXPECT_EQ(0, strncmp(err, files[i].file,
						     strlen(files[i].file)));
				rejected++;
			}
			switch (i) {
			case 0:
				capture_zoneinfo_free(&o.zi);
				break;
			case 1:
				capture_pagetypeinfo_free(&o.pti);
				break;
			case 2:
				capture_buddyinfo_free(&o.bi);
				break;
			case 3:
			case 4:
				capture_kvlist_free(&o.kv);
				break;
			case 5:
				capture_memory_blocks_free(&o.mb);
				break;
			case 6:
				capture_iomem_free(&o.io);
				break;
			case 7:
				capture_zram_free(&o.zl);
				break;
			case 8:
				capture_sysctl_free(&o.sc);
				break;
			case 9:
				capture_cmdline_free(&o.cl);
				break;
			default:
				capture_result_free(&o.res);
				break;
			}
			free(m);
		}
		free(text);
	}
	/* most cuts land mid-line: far more than a few must be refused */
	EXPECT_GT(rejected, 1000);
}

/* ---- broken directories ------------------------------------------------ */

static void expect_load_error(struct __test_metadata *_metadata,
			      const char *dir, int want, const char *msg)
{
	char err[CAPTURE_ERR_LEN] = "";
	struct capture cap;

	EXPECT_EQ(want, capture_load(test_data_path(dir), &cap, err, sizeof(err)));
	if (!strstr(err, msg))
		TH_LOG("message \"%s\" lacks \"%s\"", err, msg);
	EXPECT_NOT_NULL(strstr(err, msg));
}

TEST(broken_capture_directories)
{
	expect_load_error(_metadata, "capture-broken/truncated-zoneinfo",
			  -EINVAL, "zoneinfo.before:150: truncated: the last line has no newline");
	expect_load_error(_metadata, "capture-broken/bad-buddyinfo", -EINVAL,
			  "buddyinfo.after:3: expected a free block count per order");
	expect_load_error(_metadata, "capture-broken/bad-zstd", -EINVAL,
			  "zoneinfo.before: a zstd file that does not decompress");
	expect_load_error(_metadata, "capture-broken/not-a-capture", -EINVAL,
			  "not a capture directory");
	expect_load_error(_metadata, "capture-broken/no-such-dir", -ENOENT,
			  "No such file or directory");
}

TEST(an_older_capture_says_what_it_lacks)
{
	char err[CAPTURE_ERR_LEN] = "", buf[512];
	struct capture cap;

	ASSERT_EQ(0, capture_load(test_data_path("capture-broken/old-script"), &cap,
				  err, sizeof(err)));
	EXPECT_FALSE(capture_is_compact(&cap));
	EXPECT_EQ(8, capture_missing(&cap, buf, sizeof(buf)));
	EXPECT_STREQ("memory_blocks.before zram.before sysctl.before kpageflags.before.zst kpagecount.before.zst iomem uname cmdline",
		     buf);
	EXPECT_EQ(-1, cap.snap[CAPTURE_BEFORE].sysctl.min_free_kbytes);
	capture_free(&cap);
}

/* ---- pagemig's renderings and the host's files -------------------------- */

MM_FIXTURE(own, 64 * SZ_1M, 16 * SZ_1M, 0, 2)

TEST_F(own, pagemig_renderings_parse)
{
	char err[CAPTURE_ERR_LEN] = "", *text;
	struct pagemig_zone_stats st;
	struct capture_zoneinfo zi;
	struct capture_buddyinfo bi;
	struct capture_pagetypeinfo pti;
	unsigned int z, o;
	size_t len;

	text = test_render(pagemig_show_zoneinfo, &len);
	ASSERT_NOT_NULL(text);
	EXPECT_EQ(0, capture_parse_zoneinfo(text, len, "zoneinfo", &zi, err,
					    sizeof(err)));
	if (err[0])
		TH_LOG("%s", err);
	free(text);
	text = test_render(pagemig_show_buddyinfo, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_EQ(0, capture_parse_buddyinfo(text, len, "buddyinfo", &bi, err,
					     sizeof(err)));
	free(text);
	text = test_render(pagemig_show_pagetypeinfo, &len);
	ASSERT_NOT_NULL(text);
	EXPECT_EQ(0, capture_parse_pagetypeinfo(text, len, "pagetypeinfo",
						&pti, err, sizeof(err)));
	if (err[0])
		TH_LOG("%s", err);
	free(text);

	ASSERT_EQ(PAGEMIG_NR_ORDERS, bi.nr_orders);
	EXPECT_GE(zi.nr_zones, bi.nr_zones);
	for (z = 0; z < bi.nr_zones; z++) {
		const struct capture_zone *cz =
			capture_zone_find(&zi, bi.zones[z].nid, bi.zones[z].zone);
		int idx = !strcmp(bi.zones[z].zone, "DMA32") ? PAGEMIG_ZONE_DMA32 :
			  !strcmp(bi.zones[z].zone, "Normal") ? PAGEMIG_ZONE_NORMAL :
			  PAGEMIG_ZONE_MOVABLE;

		ASSERT_NOT_NULL(cz);
		EXPECT_TRUE(cz->has_start_pfn);
		ASSERT_EQ(0, pagemig_zone_stats(idx, &st));
		for (o = 0; o < bi.nr_orders; o++)
			EXPECT_EQ(st.nr_free[o], bi.zones[z].nr_free[o]);
	}
	capture_zoneinfo_free(&zi);
	capture_buddyinfo_free(&bi);
	capture_pagetypeinfo_free(&pti);
}

/* This host's own files, where it has them: its kernel's format drifts first. */
TEST(host_proc_files_parse)
{
	static const struct {
		const char *path;
		parse_fn fn;
	} files[] = {
		{ "/proc/zoneinfo", (parse_fn)capture_parse_zoneinfo },
		{ "/proc/buddyinfo", (parse_fn)capture_parse_buddyinfo },
		{ "/proc/pagetypeinfo", (parse_fn)capture_parse_pagetypeinfo },
		{ "/proc/vmstat", (parse_fn)capture_parse_vmstat },
		{ "/proc/meminfo", (parse_fn)capture_parse_meminfo },
		{ "/proc/cmdline", (parse_fn)capture_parse_cmdline },
	};
	char err[CAPTURE_ERR_LEN];
	unsigned int i, read = 0;
	union capture_any o;
	char *text;
	size_t len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (capture_read_text(files[i].path, &text, &len, err, sizeof(err)))
			continue;
		read++;
		memset(&o, 0, sizeof(o));
		err[0] = '\0';
		EXPECT_EQ(0, files[i].fn(text, len, files[i].path, &o, err,
					 sizeof(err)));
		if (err[0])
			TH_LOG("%s", err);
		free(text);
		switch (i) {
		case 0:
			capture_zoneinfo_free(&o.zi);
			break;
		case 1:
			capture_buddyinfo_free(&o.bi);
			break;
		case 2:
			capture_pagetypeinfo_free(&o.pti);
			break;
		case 3:
		case 4:
			capture_kvlist_free(&o.kv);
			break;
		default:
			capture_cmdline_free(&o.cl);
			break;
		}
	}
	if (!read)
		SKIP("no readable /proc files on this host");
}
