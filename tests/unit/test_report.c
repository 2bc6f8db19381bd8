// SPDX-License-Identifier: GPL-2.0
/*
 * The report: the formatters on report structures built by hand (text
 * line by line, JSON value by value), and a run whose text and JSON are
 * printed from one structure after its machine is gone, checked to say
 * the same things.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pagemig/pagemig.h>

#include "harness/test.h"
#include "report/report.h"
#include "workload/scenario.h"

/* A memstream's buffer, kept apart from the stream's pointer to it. */
struct capture {
	char *text;
	size_t size;
};

static char *capture_end(FILE *f, struct capture *c)
{
	fclose(f);
	return c->text;
}

/* What a formatter printed, malloc()ed. */
#define CAPTURE(call)							\
	({								\
		static struct capture __c;				\
		FILE *f = open_memstream(&__c.text, &__c.size);		\
		call;							\
		capture_end(f, &__c);					\
	})

static struct step_result *hand_step(struct report *r, unsigned int i,
				     const char *type)
{
	struct step_result *s = &r->steps[i];

	s->type = type;
	s->line = 10 + (int)i;
	s->ran = true;
	return s;
}

static void fill_zones(struct report_zones *z)
{
	static const char *const mts[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"
	};
	struct report_zone *rz;
	int mt, o;

	memset(z, 0, sizeof(*z));
	for (mt = 0; mt < PAGEMIG_NR_MIGRATETYPES; mt++)
		z->mt_names[mt] = mts[mt];
	z->nr = 3;
	rz = &z->zone[0];
	snprintf(rz->name, sizeof(rz->name), "DMA32");
	rz->st.populated = true;
	rz->st.spanned = rz->st.present = rz->st.managed = 8192;
	for (o = 0; o < PAGEMIG_NR_ORDERS; o++) {
		rz->st.nr_free[o] = o;
		rz->st.nr_free_mt[1][o] = o;
	}
	rz->st.nr_free_mt[0][0] = 123456;	/* shows as >100000 */
	rz->st.nr_blocks_mt[1] = 16;
	rz = &z->zone[1];
	snprintf(rz->name, sizeof(rz->name), "Normal");
	rz->st.populated = true;
	rz->st.start_pfn = 8192;
	rz->st.spanned = rz->st.present = 24576;
	rz->st.nr_free[10] = 7;
	rz->st.nr_free_mt[1][10] = 7;
	rz->st.nr_blocks_mt[0] = 2;
	rz->st.nr_blocks_mt[1] = 46;
	rz = &z->zone[2];
	snprintf(rz->name, sizeof(rz->name), "Movable");
}

/* A compact step as workload/step_compact.c fills it. */
static void fill_compact(struct step_result *s, bool pinned)
{
	report_add_block(s, "compact", REPORT_COMPACT);
	report_add_int(s, "order", -1, NULL);
	report_add_real(s, "seconds", 0.153, "s", false);
	report_add_count(s, "compact_stall", 0, NULL, false);
	report_add_count(s, "compact_fail", 0, NULL, false);
	report_add_count(s, "compact_success", pinned, NULL, false);
	report_add_count(s, "migrated", 12, NULL, true);
	report_add_count(s, "balloon_migrate", 3, NULL, true);
	report_add_count(s, "migrate_fail", 1, NULL, true);
	report_add_count(s, "migrate_scanned", 100, NULL, true);
	report_add_count(s, "free_scanned", 200, NULL, true);
	report_add_count(s, "isolated", 24, NULL, true);
	report_add_count(s, "pinned_skipped", pinned ? 5 : 0, NULL, true);
	report_add_count(s, "order9_before", 1, NULL, true);
	report_add_count(s, "order9_after", 2, NULL, true);
	report_add_count(s, "order10_before", 0, NULL, true);
	report_add_count(s, "order10_after", 1, NULL, true);
	report_add_count(s, "blocks_2m_before", 1, NULL, true);
	report_add_count(s, "blocks_2m_after", 4, NULL, true);
	report_add_real(s, "free_2m_before_pct", 10.04, NULL, true);
	report_add_real(s, "free_2m_after_pct", 52.5, NULL, true);
}

TEST(text_compact_block)
{
	struct report r;
	char *text;

	ASSERT_EQ(0, report_init(&r, 2));
	fill_compact(hand_step(&r, 0, "compact"), false);
	fill_compact(hand_step(&r, 1, "compact"), true);
	report_add_int(&r.steps[1], "picture_error", -EACCES, NULL);
	report_add_string(&r.steps[1], "picture_dir", "pics");

	text = CAPTURE(report_text_step(f, &r.steps[0]));
	EXPECT_STREQ("--- compact full: 0.153 s ---\n"
		     "migrated 12 pages (pgmigrate_success +12, balloon_migrate +3, pgmigrate_fail +1)\n"
		     "compact_migrate_scanned +100  compact_free_scanned +200  compact_isolated +24\n"
		     "free order-9 blocks 1 -> 2, order-10 blocks 0 -> 1: 1 -> 4 free 2 MiB blocks\n"
		     "free memory in free blocks >= 2 MiB: 10.0% -> 52.5% (nr_free_pages_blocks / nr_free_pages)\n",
		     text);
	free(text);

	/* The lines that only show when there is something to say. */
	text = CAPTURE(report_text_step(f, &r.steps[1]));
	EXPECT_NOT_NULL(strstr(text, "\npinned: +5 pages of long-term pinned anon folios left in place"));
	EXPECT_NOT_NULL(strstr(text, "\ncompact_stall +0  compact_fail +0  compact_success +1\n"));
	EXPECT_NOT_NULL(strstr(text, "\npicture: pics: Permission denied\n"));
	free(text);
	report_release(&r);
}

TEST(text_try_alloc_lines_and_map)
{
	unsigned long i, n = 20;
	struct report_block *b;
	struct step_result *s;
	struct report r;
	char *text;

	ASSERT_EQ(0, report_init(&r, 2));
	s = hand_step(&r, 0, "try-alloc");
	b = report_add_block(s, "try-alloc", REPORT_TRY_ALLOC);
	b->pfns = calloc(2, sizeof(*b->pfns));
	ASSERT_NOT_NULL(b->pfns);
	b->nr_pfns = 2;
	b->pfns[0] = 0x1200;
	b->pfns[1] = ULONG_MAX;
	report_add_count(s, "order", 9, NULL, false);
	report_add_string(s, "gfp", "GFP_KERNEL");
	report_add_count(s, "kept", 0, NULL, false);
	report_add_count(s, "attempts", 2, NULL, true);
	report_add_count(s, "succeeded", 1, NULL, true);
	report_add_count(s, "failed", 1, NULL, true);
	text = CAPTURE(report_text_step(f, s));
	EXPECT_STREQ("--- try-alloc: 2 x order 9 (GFP_KERNEL): 1 succeeded, 1 failed; freed again ---\n"
		     "attempt 1: ok, pfn 0x1200\n"
		     "attempt 2: failed\n", text);
	free(text);

	/* More than eight attempts: a map, eight to a group, 64 a line. */
	s = hand_step(&r, 1, "try-alloc");
	b = report_add_block(s, "try-alloc", REPORT_TRY_ALLOC);
	b->pfns = calloc(n, sizeof(*b->pfns));
	ASSERT_NOT_NULL(b->pfns);
	b->nr_pfns = n;
	for (i = 0; i < n; i++)
		b->pfns[i] = i % 3 ? i : ULONG_MAX;
	report_add_count(s, "kept", 1, NULL, false);
	text = CAPTURE(report_text_step(f, s));
	EXPECT_NOT_NULL(strstr(text, "; kept ---\nattempts (+ ok, - failed):\n  -++-++-+ +-++-++- ++-+\n"));
	free(text);
	report_release(&r);
}

/* An offline that gave -EBUSY says what held the range. */
TEST(text_hotplug_blockers)
{
	struct report_block *b;
	struct step_result *s;
	struct report r;
	char *text;

	ASSERT_EQ(0, report_init(&r, 1));
	s = hand_step(&r, 0, "offline");
	b = report_add_block(s, "offline", REPORT_HOTPLUG);
	ASSERT_EQ(0, report_counters_add(&b->counters, "unmovable", 1000));
	ASSERT_EQ(0, report_counters_add(&b->counters, "pgtable", 0));
	ASSERT_EQ(0, report_counters_add(&b->counters, "slab", 24));
	report_add_string(s, "zone", "Normal");
	report_add_int(s, "result", -EBUSY, NULL);
	report_add_real(s, "seconds", 0.0125, "s", false);
	report_add_count(s, "offlined", 0, "pages", false);
	report_add_count(s, "poisoned", 1, "pages", false);
	report_add_count(s, "pfn", 0x8000, NULL, true);
	report_add_count(s, "pages", 1024, NULL, true);
	report_add_count(s, "migrated", 1, NULL, true);
	report_add_count(s, "balloon_migrate", 0, NULL, true);
	report_add_count(s, "migrate_fail", 2, NULL, true);
	report_add_count(s, "managed_before", 30000, NULL, true);
	report_add_count(s, "managed_after", 30000, NULL, true);
	report_add_count(s, "free_before", 100, NULL, true);
	report_add_count(s, "free_after", 99, NULL, true);
	report_add_real(s, "rss_before_mib", 100.0, NULL, true);
	report_add_real(s, "rss_after_mib", 100.25, NULL, true);
	text = CAPTURE(report_text_step(f, s));
	EXPECT_STREQ("--- offline 4 MiB at 128 MiB (pfn 0x8000-0x83ff, Normal): -EBUSY, 0.013 s ---\n"
		     "migrated 1 page (pgmigrate_success +1, balloon_migrate +0, pgmigrate_fail +2)\n"
		     "Normal managed 30000 -> 30000 pages (+0.0 MiB), free 100 -> 99 pages\n"
		     "RSS 100.0 MiB -> 100.2 MiB (+0.2 MiB)\n"
		     "result: -16 (Device or resource busy); the range is back in service\n"
		     "why: 1024 pages that cannot move (unmovable 1000, slab 24); 1 hwpoisoned frame; 2 pages would not migrate (pinned or busy)\n",
		     text);
	free(text);
	report_release(&r);
}

/* buddyinfo and pagetypeinfo from a table, in the kernel's layout. */
TEST(text_proc_files)
{
	struct report_zones z;
	char *text;

	fill_zones(&z);
	text = CAPTURE(report_text_buddyinfo(f, &z));
	EXPECT_STREQ("Node 0, zone    DMA32      0      1      2      3      4      5      6      7      8      9     10 \n"
		     "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0      7 \n",
		     text);
	free(text);
	text = CAPTURE(report_text_pagetypeinfo(f, &z));
	EXPECT_NOT_NULL(strstr(text, "Page block order: 9\nPages per block:  512\n\n"
			       "Free pages count per migrate type at order       0      1"));
	EXPECT_NOT_NULL(strstr(text, "Node    0, zone    DMA32, type    Unmovable >100000      0"));
	EXPECT_NOT_NULL(strstr(text, "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
			       "Node 0, zone    DMA32            0           16            0            0            0 \n"
			       "Node 0, zone   Normal            2           46            0            0            0 \n"));
	EXPECT_NULL(strstr(text, "Movable,"));	/* the unpopulated zone */
	free(text);
}

/* A report step's files: header, table, and vmstat's trailer line. */
TEST(text_report_step_files)
{
	struct report_block *b;
	struct step_result *s;
	struct report r;
	char *text;

	ASSERT_EQ(0, report_init(&r, 2));
	s = hand_step(&r, 0, "report");
	b = report_add_block(s, "vmstat", REPORT_VMSTAT);
	ASSERT_EQ(0, report_counters_add(&b->counters, "nr_free_pages", 5));
	text = CAPTURE(report_text_step(f, s));
	EXPECT_STREQ("--- vmstat (at start) ---\nnr_free_pages 5\nnr_unstable 0\n",
		     text);
	free(text);

	s = hand_step(&r, 1, "report");
	report_add_count(s, "after_step", 1, NULL, false);
	report_add_string(s, "after_type", "churn");
	b = report_add_block(s, "zoneinfo", REPORT_ZONEINFO);
	b->text = strdup("Node 0, zone    DMA32\n");
	text = CAPTURE(report_text_step(f, s));
	EXPECT_STREQ("--- zoneinfo (after step 1: churn) ---\nNode 0, zone    DMA32\n",
		     text);
	free(text);
	report_release(&r);
}

/* Every kind has lines; none prints a figure it was not given as garbage. */
TEST(text_every_block_kind)
{
	struct step_result *s;
	struct report r;
	char *text;
	int k;

	ASSERT_EQ(0, report_init(&r, 1));
	s = hand_step(&r, 0, "x");
	for (k = 0; k < NR_REPORT_BLOCKS; k++)
		ASSERT_NOT_NULL(report_add_block(s, "x", k));
	for (k = 0; k < NR_REPORT_BLOCKS; k++) {
		text = CAPTURE(report_text_block(f, s, &s->blocks[k]));
		EXPECT_LT(0, strlen(text));
		EXPECT_EQ('\n', text[strlen(text) - 1]);
		free(text);
	}
	report_release(&r);
}

/* A whole report by hand: header, summary, end sections, verify last. */
static void fill_report(struct __test_metadata *_metadata,
			struct report *r)
{
	struct report_machine *m = &r->end;
	struct step_result *s;

	ASSERT_EQ(0, report_init(r, 3));
	r->name = strdup("hand");
	r->file = strdup("hand.yaml");
	r->description = strdup("built by hand");
	r->memory = 128 << 20;
	r->dma32 = UINT64_MAX;
	r->cpus = 1;
	r->seed = 42;
	snprintf(r->version, sizeof(r->version), "v-test");
	fill_zones(&r->start);
	fill_compact(hand_step(r, 0, "compact"), false);
	r->steps[0].seconds = 0.25;
	s = hand_step(r, 1, "note");
	report_add_block(s, "note", REPORT_NOTE);
	report_add_string(s, "text", "a heading");
	s->failed = true;
	s->message = strdup("it went wrong");
	r->steps[2].type = "verify";	/* never ran */
	r->steps[2].line = 12;
	r->steps_run = 2;
	r->seconds = 0.5;
	r->failed = true;
	r->alloc_failures = 3;

	m->pages = 32768;
	m->free_pages = 1000;
	m->resident_pages = 512;
	m->warnings = 2;
	fill_zones(&m->zones);
	ASSERT_EQ(0, report_counters_add(&m->vmstat, "nr_free_pages", 1000));
	ASSERT_EQ(0, report_counters_add(&m->vmstat, "pgfree", 0));
	ASSERT_EQ(0, report_counters_add(&m->vmstat, "pgmigrate_success", 12));
	ASSERT_EQ(0, report_counters_add(&m->vmstat, "nr_anon_pages", 77));
	m->balloons_shown = true;
	m->rss_before_balloon = 1024;
	m->nr_balloons = 1;
	snprintf(m->balloons[0].name, sizeof(m->balloons[0].name), "virtio_balloon");
	m->balloons[0].st.size = m->balloons[0].st.host_owned = 256;
	m->balloons[0].st.inflate_msgs = 2;
	m->nr_zram = 1;
	snprintf(m->zram[0].name, sizeof(m->zram[0].name), "zram0");
	snprintf(m->zram[0].compressor, sizeof(m->zram[0].compressor), "lz4");
	m->zram[0].st.orig_data_size = 4096;
	m->zram[0].st.mem_used_max = 8192;
	m->nr_zspages = 9;
	m->ksm_shown = true;
	m->ksm.pages_sharing = 256;
	m->ksm.pages_scanned = 1000;
	m->ksm.run = true;
	m->procs = calloc(1, sizeof(*m->procs));
	ASSERT_NOT_NULL(m->procs);
	m->nr_procs = 1;
	m->procs[0].name = strdup("db");
	m->procs[0].pattern = "random";
	m->procs[0].pid = 1;
	m->procs[0].reads = 10;
	m->procs[0].writes = 5;
	r->verify_checked = 4096;
	r->verify_corrupted = 1;
}

TEST(text_whole_report)
{
	struct report r;
	char *text;

	fill_report(_metadata, &r);
	text = CAPTURE(report_text_header(f, &r));
	EXPECT_STREQ("scenario: hand (hand.yaml)\n"
		     "          built by hand\n"
		     "machine:  128 MiB, 1 CPU\n"
		     "zones:    DMA32 32 MiB (pfn 0x0-0x1fff), Normal 96 MiB (pfn 0x2000-0x7fff)\n"
		     "seed:     42\n"
		     "pagemig:  v-test\n", text);
	free(text);

	text = CAPTURE(report_text(f, &r));
	/* Summary figures wrap at 100 columns, under the first figure. */
	EXPECT_NOT_NULL(strstr(text, "steps:    2 of 3 run in 0.500 s\n"
			       "    1  compact   line 10      0.250 s  migrated=12  balloon_migrate=3  migrate_fail=1\n"
			       "                                       migrate_scanned=100  free_scanned=200  isolated=24\n"));
	EXPECT_NOT_NULL(strstr(text, "  blocks_2m_after=4  free_2m_before_pct=10.0\n"
			       "                                       free_2m_after_pct=52.5\n"));
	EXPECT_NULL(strstr(text, "seconds="));	/* not a summary figure */
	EXPECT_NOT_NULL(strstr(text, "    2  note      line 11      0.000 s  FAILED: it went wrong\n"
			       "allocation failures: 3\nlibrary warnings: 2 (see the log above)\n"));
	EXPECT_NOT_NULL(strstr(text, "virtio_balloon         256         0         0       256         0         0\n"
			       "RSS: 4.0 MiB before the first balloon step, 2.0 MiB now (-2.0 MiB); the host holds 1.0 MiB\n"));
	EXPECT_NOT_NULL(strstr(text, "zram0        4096        0        0        0     8192        0        0        0        0\nnr_zspages 9\n"));
	EXPECT_NOT_NULL(strstr(text, "run 1\nsaved: 1.0 MiB (pages_sharing)\n"));
	EXPECT_NOT_NULL(strstr(text, "\ndb           1 live    random       0      0.0      0.0     0.0M     0.0M      0      0         10          5      0         0\n"));
	/* vmstat: the selected counters, and pgmigrate_success even at 0. */
	EXPECT_NOT_NULL(strstr(text, "---\nnr_free_pages 1000\npgmigrate_success 12\n\n"));
	/* The verify line is the last line. */
	EXPECT_STREQ("verify: 4096 pages checked, 1 corrupted\n",
		     strrchr(text, '\n') - 39);
	free(text);
	report_release(&r);
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

TEST(json_whole_report)
{
	struct json_object *root, *steps, *st, *o;
	struct report r;
	char *text, *block;

	fill_report(_metadata, &r);
	text = CAPTURE(EXPECT_EQ(0, report_json(f, &r)));
	root = json_tokener_parse(text);
	ASSERT_NOT_NULL(root);
	EXPECT_STREQ("v-test", json_object_get_string(get(root, "pagemig")));
	EXPECT_STREQ("failed", json_object_get_string(get(root, "status")));
	EXPECT_NULL(get(get(root, "machine"), "dma32"));
	EXPECT_EQ(512, json_object_get_int64(get(get(root, "machine"),
						 "resident_pages")));

	steps = get(root, "steps");
	ASSERT_EQ(3, json_object_array_length(steps));
	st = json_object_array_get_idx(steps, 0);
	/* Summary figures are results; the others only feed the text. */
	EXPECT_EQ(12, json_object_get_int64(get(get(st, "results"), "migrated")));
	EXPECT_NULL(get(get(st, "results"), "seconds"));
	EXPECT_NULL(get(get(st, "results"), "order"));
	o = get(get(st, "results"), "free_2m_after_pct");
	EXPECT_TRUE(json_object_is_type(o, json_type_double));
	block = CAPTURE(report_text_block(f, &r.steps[0], &r.steps[0].blocks[0]));
	EXPECT_STREQ(block, json_object_get_string(get(get(st, "reports"),
						       "compact")));
	free(block);
	st = json_object_array_get_idx(steps, 1);
	EXPECT_STREQ("failed", json_object_get_string(get(st, "status")));
	EXPECT_STREQ("it went wrong", json_object_get_string(get(st, "message")));
	EXPECT_STREQ("\n== a heading ==\n",
		     json_object_get_string(get(get(st, "reports"), "note")));
	st = json_object_array_get_idx(steps, 2);
	EXPECT_STREQ("not run", json_object_get_string(get(st, "status")));
	EXPECT_NULL(get(st, "reports"));

	o = json_object_array_get_idx(get(root, "zones"), 0);
	EXPECT_EQ(123456, json_object_get_int64(json_object_array_get_idx(
		get(get(o, "free_blocks"), "Unmovable"), 0)));
	EXPECT_EQ(16, json_object_get_int64(get(get(o, "pageblocks"), "Movable")));
	EXPECT_EQ(3, json_object_array_length(get(root, "zones")));
	EXPECT_EQ(1024, json_object_get_int64(get(get(get(root, "balloons"), "rss"),
						  "before_pages")));
	o = json_object_array_get_idx(get(get(root, "balloons"), "drivers"), 0);
	EXPECT_EQ(2, json_object_get_int64(get(o, "inflate_msgs")));
	o = json_object_array_get_idx(get(root, "zram"), 0);
	EXPECT_EQ(9, json_object_get_int64(get(o, "nr_zspages")));
	EXPECT_STREQ("lz4", json_object_get_string(get(o, "compressor")));
	EXPECT_TRUE(json_object_get_boolean(get(get(root, "ksm"), "run")));
	o = json_object_array_get_idx(get(root, "processes"), 0);
	EXPECT_EQ(15, json_object_get_int64(get(o, "accesses")));
	/* Every counter, not just the ones the text selects. */
	EXPECT_EQ(77, json_object_get_int64(get(get(root, "vmstat"), "nr_anon_pages")));
	EXPECT_EQ(1, json_object_get_int64(get(get(root, "verify"), "corrupted")));
	json_object_put(root);
	free(text);
	report_release(&r);
}

/* ---- a run: text and JSON from one structure, after the machine ---- */

static const char run_yaml[] =
	"name: every-block\n"
	"description: a step of every kind that shows lines\n"
	"machine: {memory: 64M, cpus: 2, seed: 5}\n"
	"steps:\n"
	"  - note: \"every block\"\n"
	"  - report: [buddyinfo, pagetypeinfo, vmstat, zoneinfo]\n"
	"  - spawn: {name: p, anon: 8M, ksm: true, duplicates: 16, threads: 0}\n"
	"  - touch: {process: p}\n"
	"  - ksm: {scans: 2}\n"
	"  - alloc: {count: 2000, tag: a}\n"
	"  - free: {tag: a, pattern: every-other}\n"
	"  - balloon: {driver: virtio, target: 2M}\n"
	"  - rss\n"
	"  - try-alloc: {order: 9, count: 12}\n"
	"  - try-alloc: {order: 3, count: 2}\n"
	"  - compact: {order: full}\n"
	"  - zram-create: {device: zram0, disksize: 8M}\n"
	"  - zram-write: {device: zram0, size: 4M, compressibility: 2.5}\n"
	"  - zram-discard: {device: zram0, pattern: every-other}\n"
	"  - zram-compact: {device: zram0}\n"
	"  - zram-verify: {device: zram0}\n"
	"  - alloc-contig: {start: 24M, size: 4M, keep: true, tag: cma}\n"
	"  - offline: {start: 24M, size: 4M, expect: any}\n"
	"  - offline: {start: 32M, size: 4M}\n"
	"  - online: {start: 32M, size: 4M}\n"
	"  - soft-offline: {process: p, address: 64K}\n"
	"  - offline: {start: 1G, size: 4M, expect: any}\n"
	"  - report\n"
	"  - validate\n"
	"  - verify\n";

/* The "name=value" figures of step @n's summary line (wrapped or not). */
static char *summary_of(const char *text, unsigned int n)
{
	char head[32];
	const char *start, *end;

	snprintf(head, sizeof(head), "\n  %3u  ", n);
	start = strstr(strstr(text, "--- summary ---"), head);
	if (!start)
		return NULL;
	/* "  N  TYPE line L   SECONDS s  name=value ..." */
	start = strstr(strstr(start, " line "), " s") + 2;
	/* Continuation lines are indented under the first figure. */
	for (end = start; *end; end++)
		if (end[0] == '\n' && strncmp(end + 1, "      ", 6))
			break;
	return strndup(start, end - start);
}

/* Every summary figure in the text is a JSON result of the same value. */
static void check_summary(struct __test_metadata *_metadata,
			  const char *text, struct json_object *step,
			  unsigned int n)
{
	struct json_object *results = get(step, "results"), *v;
	char *line = summary_of(text, n), *tok, *save, *eq, want[64];
	unsigned int seen = 0;

	ASSERT_NOT_NULL(line);
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(tok, "FAILED:"))
			break;
		eq = strchr(tok, '=');
		ASSERT_NOT_NULL(eq);
		*eq = '\0';
		v = get(results, tok);
		ASSERT_NOT_NULL(v);
		if (json_object_is_type(v, json_type_double))
			snprintf(want, sizeof(want), "%.1f",
				 json_object_get_double(v));
		else
			snprintf(want, sizeof(want), "%llu", (unsigned long long)
				 json_object_get_uint64(v));
		EXPECT_STREQ(want, eq + 1);
		seen++;
	}
	EXPECT_EQ(json_object_object_length(results), seen);
	free(line);
}

/* Each "name value" line of a text section has the JSON's value. */
static void check_lines(struct __test_metadata *_metadata, const char *text,
			const char *section, struct json_object *values)
{
	const char *p = strstr(text, section);
	char name[64];
	unsigned long v;

	ASSERT_NOT_NULL(p);
	p = strchr(p, '\n') + 1;
	while (p[0] != '\n' && sscanf(p, "%63s %lu", name, &v) == 2) {
		ASSERT_NOT_NULL(get(values, name));
		EXPECT_EQ(json_object_get_uint64(get(values, name)), v);
		p = strchr(p, '\n') + 1;
	}
}

TEST(run_text_and_json_agree)
{
	struct json_object *root, *steps, *st, *zone, *reps;
	struct scenario_run_opts opts = { 0 };
	char err[SCENARIO_ERR_LEN], *streamed, *text, *again, *json;
	char *blocks, line[256];
	size_t streamed_size, blocks_size;
	struct scenario_run run;
	struct scenario *sc;
	struct report rep;
	unsigned int i, o;
	FILE *bf, *log = tmpfile();

	ASSERT_EQ(0, scenario_load_string(run_yaml, strlen(run_yaml),
					  "every-block.yaml", &sc, err,
					  sizeof(err)));
	opts.out = open_memstream(&streamed, &streamed_size);
	ASSERT_NOT_NULL(opts.out);
	ASSERT_NOT_NULL(log);
	ASSERT_EQ(0, scenario_run_start(&run, sc, &opts, err, sizeof(err)));
	/* The busy offline dumps the page that stopped it: keep it quiet. */
	pagemig_set_log(log);
	/* The range past the end fails its step, nothing else does. */
	EXPECT_EQ(1, scenario_run_steps(&run));
	pagemig_set_log(stderr);
	fclose(log);
	fclose(opts.out);
	EXPECT_EQ(sc->nr_steps, run.report.steps_run);
	for (i = 0; i < run.report.steps_run; i++) {
		EXPECT_EQ(i == 22, run.report.steps[i].failed);
		if (run.report.steps[i].failed != (i == 22))
			TH_LOG("step %u: %s", i + 1, run.report.steps[i].message);
	}
	text = CAPTURE(report_text(f, &run.report));
	report_move(&rep, &run.report);
	scenario_run_finish(&run);
	ASSERT_FALSE(pagemig_machine_ready());

	/* Printed without a machine, the report says the same. */
	again = CAPTURE(report_text(f, &rep));
	EXPECT_STREQ(text, again);
	json = CAPTURE(report_json(f, &rep));
	root = json_tokener_parse(json);
	ASSERT_NOT_NULL(root);
	steps = get(root, "steps");
	ASSERT_EQ(sc->nr_steps, json_object_array_length(steps));

	/* What streamed as steps ended is their JSON "reports", in order. */
	bf = open_memstream(&blocks, &blocks_size);
	for (i = 0; i < sc->nr_steps; i++) {
		st = json_object_array_get_idx(steps, i);
		reps = get(st, "reports");
		EXPECT_EQ(rep.steps[i].nr_blocks,
			  reps ? json_object_object_length(reps) : 0);
		if (reps) {
			json_object_object_foreach(reps, key, val) {
				(void)key;
				fputs(json_object_get_string(val), bf);
			}
		}
		check_summary(_metadata, text, st, i + 1);
	}
	fclose(bf);
	EXPECT_STREQ(streamed, blocks);
	/* Every kind that shows lines showed some. */
	EXPECT_NOT_NULL(strstr(streamed, "\n== every block ==\n"));
	EXPECT_NOT_NULL(strstr(streamed, "--- zoneinfo (after step 1: note) ---\n"));
	EXPECT_NOT_NULL(strstr(streamed, "attempts (+ ok, - failed):"));
	EXPECT_NOT_NULL(strstr(streamed, "--- ksm: 2 full scans: "));
	EXPECT_NOT_NULL(strstr(streamed, "zram0 mm_stat: "));
	EXPECT_NOT_NULL(strstr(streamed, "why: "));
	EXPECT_NOT_NULL(strstr(streamed, "--- offline 4 MiB at 1024 MiB: not run: "));
	EXPECT_NOT_NULL(strstr(streamed, " is hwpoisoned: out of the allocator for good\n"));

	/* The end of the run: vmstat, buddyinfo, zram, verify. */
	check_lines(_metadata, text, "--- vmstat (selected", get(root, "vmstat"));
	for (i = 0; i < json_object_array_length(get(root, "zones")); i++) {
		zone = json_object_array_get_idx(get(root, "zones"), i);
		if (!json_object_get_boolean(get(zone, "populated")))
			continue;
		o = snprintf(line, sizeof(line), "Node 0, zone %8s ",
			     json_object_get_string(get(zone, "name")));
		for (unsigned int k = 0; k < PAGEMIG_NR_ORDERS; k++)
			o += snprintf(line + o, sizeof(line) - o, "%6llu ",
				      (unsigned long long)json_object_get_uint64(
				      json_object_array_get_idx(get(zone, "nr_free"), k)));
		EXPECT_NOT_NULL(strstr(strstr(text, "--- buddyinfo (end of run)"), line));
	}
	zone = json_object_array_get_idx(get(root, "zram"), 0);
	snprintf(line, sizeof(line), "zram0    %8llu %8llu %8llu",
		 (unsigned long long)json_object_get_uint64(get(zone, "orig_data_size")),
		 (unsigned long long)json_object_get_uint64(get(zone, "compr_data_size")),
		 (unsigned long long)json_object_get_uint64(get(zone, "mem_used_total")));
	EXPECT_NOT_NULL(strstr(text, line));
	EXPECT_NOT_NULL(get(root, "balloons"));
	EXPECT_NOT_NULL(get(root, "ksm"));
	EXPECT_NOT_NULL(get(root, "processes"));
	snprintf(line, sizeof(line), "\nverify: %llu pages checked, %llu corrupted\n",
		 (unsigned long long)json_object_get_uint64(get(get(root, "verify"), "checked")),
		 (unsigned long long)json_object_get_uint64(get(get(root, "verify"), "corrupted")));
	EXPECT_STREQ(line, text + strlen(text) - strlen(line));

	json_object_put(root);
	free(blocks);
	free(json);
	free(again);
	free(text);
	free(streamed);
	report_release(&rep);
	scenario_free(sc);
}

/* --no-timings: no wall-clock figure anywhere; the schedule's digest instead. */
TEST(no_timings_and_schedule)
{
	struct json_object *root, *st;
	struct report r;
	char *text;

	fill_report(_metadata, &r);
	r.deterministic = true;
	r.sched_steps = 1234;
	r.sched_digest = 0xab;
	report_set_timings(false);
	text = CAPTURE(report_text(f, &r));
	EXPECT_NOT_NULL(strstr(text, "steps:    2 of 3 run\n"
			       "    1  compact   line 10    migrated=12  balloon_migrate=3  migrate_fail=1  migrate_scanned=100\n"));
	EXPECT_NOT_NULL(strstr(text, "\nschedule: deterministic, 1234 steps, digest 00000000000000ab\n"));
	EXPECT_NULL(strstr(text, " s\n"));
	EXPECT_NULL(strstr(text, " s  "));
	free(text);
	text = CAPTURE(report_text_block(f, &r.steps[0], &r.steps[0].blocks[0]));
	EXPECT_NOT_NULL(strstr(text, "--- compact full ---\n"));
	free(text);

	text = CAPTURE(EXPECT_EQ(0, report_json(f, &r)));
	root = json_tokener_parse(text);
	ASSERT_NOT_NULL(root);
	EXPECT_NULL(get(root, "seconds"));
	st = json_object_array_get_idx(get(root, "steps"), 0);
	EXPECT_NULL(get(st, "seconds"));
	EXPECT_STREQ("deterministic", json_object_get_string(get(get(root, "schedule"), "mode")));
	EXPECT_STREQ("00000000000000ab", json_object_get_string(get(get(root, "schedule"), "digest")));
	EXPECT_EQ(1234, json_object_get_int64(get(get(root, "schedule"), "steps")));
	json_object_put(root);
	free(text);
	report_set_timings(true);

	r.deterministic = false;
	text = CAPTURE(report_text(f, &r));
	EXPECT_NOT_NULL(strstr(text, "steps:    2 of 3 run in 0.500 s\n"));
	EXPECT_NOT_NULL(strstr(text, "\nschedule: parallel (host threads; not repeatable)\n"));
	free(text);
	report_release(&r);
}
