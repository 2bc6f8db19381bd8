// SPDX-License-Identifier: GPL-2.0
/*
 * twin/compare.c: the comparison of two compactions.  The kernel's trace
 * of the sample capture (trimmed: tests/data/ktrace/compact-memory.trace)
 * is held against itself (no divergence) and against edited copies of
 * itself: a migrate_pages count, an end status, a free-scanner line, a
 * zone the other side never compacted, a kcompactd run in between.  For
 * each, the pair and the event where the two part ways are the edited
 * ones, and the text and JSON say so.  The 2 MiB share is one function
 * of a buddyinfo, checked on hand-made rows and on the capture's.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "harness/test.h"
#include "harness/data.h"
#include "twin/compare.h"
#include "twin/capture.h"
#include "twin/capture_lines.h"
#include "twin/ktrace.h"

/* The Normal run begins at line 81 of the trimmed trace. */
#define NORMAL_BEGIN_LINE	81

FIXTURE(twin)
{
	struct capture cap;
	char *text;		/* the trimmed kernel trace */
	size_t len;
	struct ktrace kernel, pagemig;
	struct twin_result r;
	char *out;		/* twin_print_text() */
};

FIXTURE_SETUP(twin)
{
	char err[CAPTURE_ERR_LEN] = "";

	ASSERT_EQ(0, capture_load(test_data_path("capture-sample"), &self->cap,
				  err, sizeof(err)));
	ASSERT_EQ(0, capture_read_text(test_data_path("ktrace/compact-memory.trace"),
				       &self->text, &self->len, err,
				       sizeof(err)));
	ASSERT_EQ(0, ktrace_parse(self->text, self->len, "kernel.trace",
				  &self->kernel, err, sizeof(err)));
}

FIXTURE_TEARDOWN(twin)
{
	twin_result_free(&self->r);
	ktrace_free(&self->kernel);
	ktrace_free(&self->pagemig);
	capture_free(&self->cap);
	free(self->text);
	free(self->out);
}

/* Compare the kernel's trace with @text as pagemig's; render the text. */
static void compare_text(struct __test_metadata *_metadata,
			 FIXTURE_DATA(twin) *self, const char *text,
			 long long migrated)
{
	char err[CAPTURE_ERR_LEN] = "";
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, ktrace_parse(text, strlen(text), "pagemig.trace",
				  &self->pagemig, err, sizeof(err)));
	ASSERT_EQ(0, twin_compare(&self->cap, &self->kernel, &self->pagemig,
				  migrated,
				  &self->cap.snap[CAPTURE_AFTER].buddyinfo,
				  &self->r));
	f = open_memstream(&self->out, &len);
	ASSERT_NOT_NULL(f);
	twin_print_text(f, &self->r);
	fclose(f);
	if (test_verbose())
		fputs(self->out, stdout);
}

/* @t with its first @old replaced by @new (NULL: @old's line deleted). */
static char *edit_once(char *t, const char *old, const char *new)
{
	char *at = strstr(t, old), *bol, *eol, *n;

	if (!at)
		return t;
	if (!new) {
		bol = at;
		while (bol > t && bol[-1] != '\n')
			bol--;
		eol = strchr(at, '\n');
		memmove(bol, eol + 1, strlen(eol + 1) + 1);
		return t;
	}
	n = malloc(strlen(t) + strlen(new) + 1);
	if (n)
		sprintf(n, "%.*s%s%s", (int)(at - t), t, new, at + strlen(old));
	free(t);
	return n;
}

/* pagemig's side: the kernel's text with each (old, new) edit made once. */
static void compare_edited(struct __test_metadata *_metadata,
			   FIXTURE_DATA(twin) *self, long long migrated,
			   const char *const *edits, unsigned int nr)
{
	char *t = strdup(self->text);
	unsigned int i;

	for (i = 0; t && i < nr; i++) {
		if (!strstr(t, edits[2 * i]))
			FAIL("\"%s\" is not in the trace", edits[2 * i]);
		t = edit_once(t, edits[2 * i], edits[2 * i + 1]);
	}
	ASSERT_NOT_NULL(t);
	compare_text(_metadata, self, t, migrated);
	free(t);
}

#define EDIT(...) compare_edited(_metadata, self, -1,			\
	(const char *const[]){ __VA_ARGS__ },				\
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *) / 2)

static void expect_in(struct __test_metadata *_metadata, const char *out,
		      const char *want)
{
	if (!strstr(out, want))
		TH_LOG("output lacks \"%s\":\n%s", want, out);
	EXPECT_NOT_NULL(strstr(out, want));
}

TEST_F(twin, a_trace_against_itself_agrees)
{
	unsigned int i;

	compare_edited(_metadata, self, -1, NULL, 0);
	ASSERT_EQ(3, self->r.nr_pairs);
	for (i = 0; i < self->r.nr_pairs; i++)
		EXPECT_EQ(0, self->r.pairs[i].diff);
	EXPECT_EQ(-1, self->r.diverge);
	EXPECT_EQ(-1, self->r.diverge_events);
	/* vmstat says 21828; this trimmed trace holds 3534 of them */
	EXPECT_EQ(21828, self->r.side[TWIN_KERNEL].pages_migrated);
	EXPECT_EQ(TWIN_FROM_VMSTAT, self->r.side[TWIN_KERNEL].pages_migrated_from);
	EXPECT_EQ(3534, self->r.side[TWIN_PAGEMIG].pages_migrated);
	EXPECT_EQ(TWIN_FROM_TRACE, self->r.side[TWIN_PAGEMIG].pages_migrated_from);
	EXPECT_EQ(self->r.side[TWIN_KERNEL].free_2m_share_after,
		  self->r.side[TWIN_PAGEMIG].free_2m_share_after);
	expect_in(_metadata, self->out, "twin.diverge none\n");
	expect_in(_metadata, self->out, "twin.kernel.pages_migrated 21828\n");
	expect_in(_metadata, self->out, "twin.pagemig.pages_migrated 3534\n");
	expect_in(_metadata, self->out, "twin.kernel.free_2m_share_after 68.7\n");
	expect_in(_metadata, self->out, "twin.pagemig.free_2m_share_after 68.7\n");
	/* pgalloc_normal 9077796 before, 9181707 after; the other zones 0 */
	EXPECT_EQ(103911, self->r.allocated_meanwhile);
	expect_in(_metadata, self->out, "twin.capture.allocated_meanwhile 103911\n");
	expect_in(_metadata, self->out, "node 0, zone Normal");
	expect_in(_metadata, self->out, "  status                   contended          contended\n");
	expect_in(_metadata, self->out, "buddyinfo after, kernel:\nNode 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n");
	/* the Normal run's free scanner looked into 50 blocks; DMA's and DMA32's into none */
	EXPECT_EQ(0, self->r.pairs[1].blocks_walked);
	EXPECT_EQ(50, self->r.pairs[2].blocks_walked);
	EXPECT_EQ(0, self->r.pairs[2].blocks_only[TWIN_KERNEL]);
	EXPECT_EQ(0, self->r.pairs[2].blocks_only[TWIN_PAGEMIG]);
	expect_in(_metadata, self->out, "twin.free_scanner_blocks_differ 0 of 50\n");
}

/*
 * compact_memory ran on the CPU the result file names; without that line,
 * on the CPU of the trace's first mm_compaction_begin; without a trace,
 * CPU 0.  A CPU the machine does not have is not taken.
 */
TEST_F(twin, the_compacting_cpu)
{
	const char *from = NULL;

	/* capture-sample's result has no compact_cpu; its trace ran on 1. */
	EXPECT_EQ(1, twin_compact_cpu(&self->cap, &self->kernel, 2, &from));
	EXPECT_STREQ("trace", from);
	EXPECT_EQ(0, twin_compact_cpu(&self->cap, &self->kernel, 1, &from));
	EXPECT_STREQ("default", from);
	EXPECT_EQ(0, twin_compact_cpu(&self->cap, NULL, 2, &from));
	EXPECT_STREQ("default", from);
	ASSERT_EQ(0, cap_kv_add(&self->cap.result.deltas, "compact_cpu", 0));
	EXPECT_EQ(0, twin_compact_cpu(&self->cap, &self->kernel, 2, &from));
	EXPECT_STREQ("result", from);
}

/* One migrate_pages call moved one page fewer: the Normal run parts. */
TEST_F(twin, a_migrate_count_parts_the_normal_run)
{
	const struct twin_pair *pr;

	EDIT("320.799576: mm_migrate_pages: nr_succeeded=223 nr_failed=0",
	     "320.799576: mm_migrate_pages: nr_succeeded=222 nr_failed=1");
	ASSERT_EQ(3, self->r.nr_pairs);
	EXPECT_EQ(0, self->r.pairs[0].diff);
	EXPECT_EQ(0, self->r.pairs[1].diff);
	ASSERT_EQ(2, self->r.diverge);
	EXPECT_EQ(2, self->r.diverge_events);
	pr = &self->r.pairs[2];
	EXPECT_EQ(TWIN_DIFF_MIGRATED | TWIN_DIFF_EVENTS, pr->diff);
	ASSERT_GE(pr->event[TWIN_KERNEL], 0);
	ASSERT_GE(pr->event[TWIN_PAGEMIG], 0);
	EXPECT_EQ(150, self->kernel.ev[pr->event[TWIN_KERNEL]].line);
	EXPECT_EQ(150, self->pagemig.ev[pr->event[TWIN_PAGEMIG]].line);
	EXPECT_EQ(150 - NORMAL_BEGIN_LINE, pr->event_pos);
	EXPECT_EQ(3533, self->r.side[TWIN_PAGEMIG].pages_migrated);
	expect_in(_metadata, self->out,
		  "twin.diverge run 3: node 0, zone Normal: pages migrated\n"
		  "  first different event: number 70 of the run\n"
		  "  kernel   kernel.trace:150: cap.sh-15274   [001] .....   320.799576: mm_migrate_pages: nr_succeeded=223 nr_failed=0 ");
	expect_in(_metadata, self->out,
		  "  pagemig  pagemig.trace:150: cap.sh-15274   [001] .....   320.799576: mm_migrate_pages: nr_succeeded=222 nr_failed=1 ");
	expect_in(_metadata, self->out, "  pages migrated           3534               3533               *\n");
}

/* The same trace from another task, CPU and clock: still no divergence. */
TEST_F(twin, task_cpu_and_time_do_not_count)
{
	static const char from[] = "cap.sh-15274   [001] .....   320.";
	char *t = strdup(self->text), *at;

	ASSERT_NOT_NULL(t);
	/* "pagemig-1 [000]  320." is as long: overwrite in place */
	while ((at = strstr(t, from)))
		memcpy(at, "pagemig-1 [000]              320.",
		       sizeof(from) - 1);
	compare_text(_metadata, self, t, -1);
	free(t);
	EXPECT_EQ(1, self->r.side[TWIN_PAGEMIG].pid);
	EXPECT_EQ(0, self->r.side[TWIN_PAGEMIG].nr_other_runs);
	EXPECT_EQ(3, self->r.nr_pairs);
	EXPECT_EQ(-1, self->r.diverge);
	EXPECT_EQ(-1, self->r.diverge_events);
}

/* DMA32 ends "partial_skipped": that run parts, at its end event. */
TEST_F(twin, an_end_status_parts_dma32)
{
	const struct twin_pair *pr;

	EDIT("zone_end=0x100000, mode=sync status=complete",
	     "zone_end=0x100000, mode=sync status=partial_skipped");
	ASSERT_EQ(1, self->r.diverge);
	pr = &self->r.pairs[1];
	EXPECT_EQ(TWIN_DIFF_STATUS | TWIN_DIFF_EVENTS, pr->diff);
	EXPECT_EQ(80, self->kernel.ev[pr->event[TWIN_KERNEL]].line);
	EXPECT_EQ(KTRACE_COMPACTION_END,
		  self->pagemig.ev[pr->event[TWIN_PAGEMIG]].type);
	expect_in(_metadata, self->out, "twin.diverge run 2: node 0, zone DMA32: status\n");
	expect_in(_metadata, self->out, "  status                   complete           partial_skipped    *\n");
}

/* A free-scanner line differs but no run's figures do. */
TEST_F(twin, an_event_can_differ_under_equal_figures)
{
	const struct twin_pair *pr;

	EDIT("range=(0x21ee00 ~ 0x21f000) nr_scanned=32 nr_taken=0",
	     "range=(0x21ee00 ~ 0x21f000) nr_scanned=33 nr_taken=0");
	EXPECT_EQ(-1, self->r.diverge);
	ASSERT_EQ(2, self->r.diverge_events);
	pr = &self->r.pairs[2];
	EXPECT_EQ(TWIN_DIFF_EVENTS, pr->diff);
	EXPECT_EQ(115, self->kernel.ev[pr->event[TWIN_KERNEL]].line);
	EXPECT_EQ(115 - NORMAL_BEGIN_LINE, pr->event_pos);
	expect_in(_metadata, self->out,
		  "twin.diverge_events run 3: node 0, zone Normal: event 35 differs, the run's figures agree\n");
}

/*
 * pagemig's free scanner passed over a block the kernel's looked into
 * (0x21fa00: Movable in the kernel, not in pagemig), and looked into one
 * the kernel passed over (0x21fc00 where the kernel has 0x21f600): each
 * side has blocks only it scanned, of the blocks both sweeps cover.
 */
TEST_F(twin, free_scanner_blocks_one_side_only)
{
	const struct twin_pair *pr;

	EDIT("range=(0x21fa00 ~ 0x21fc00) nr_scanned=256", NULL,
	     "range=(0x21f600 ~ 0x21f800)", "range=(0x21f800 ~ 0x21fa00)");
	pr = &self->r.pairs[2];
	EXPECT_EQ(51, pr->blocks_walked);
	EXPECT_EQ(2, pr->blocks_only[TWIN_KERNEL]);
	EXPECT_EQ(1, pr->blocks_only[TWIN_PAGEMIG]);
	expect_in(_metadata, self->out,
		  "  free scanner blocks      50                 49\n"
		  "    of them only its       2                  1 *\n");
	expect_in(_metadata, self->out, "twin.free_scanner_blocks_differ 3 of 51\n");
}

/*
 * Only the part of the zone both sweeps covered counts: pagemig's free
 * scanner stopped two blocks higher (its last two events cut), and the
 * kernel's blocks below its last one are not "only the kernel's".
 */
TEST_F(twin, free_scanner_blocks_below_the_higher_sweep_do_not_count)
{
	EDIT("range=(0x1f8400 ~ 0x1f8600)", NULL,
	     "range=(0x1f8200 ~ 0x1f829a)", NULL);
	EXPECT_EQ(48, self->r.pairs[2].blocks_walked);
	EXPECT_EQ(0, self->r.pairs[2].blocks_only[TWIN_KERNEL]);
	EXPECT_EQ(0, self->r.pairs[2].blocks_only[TWIN_PAGEMIG]);
	expect_in(_metadata, self->out, "twin.free_scanner_blocks_differ 0 of 48\n");
}

/* A free scanner that went back up is no sweep: that zone is not compared. */
TEST_F(twin, a_free_scanner_going_up_is_not_compared)
{
	EDIT("range=(0x1f8200 ~ 0x1f829a)", "range=(0x21fe00 ~ 0x21fe9a)");
	EXPECT_EQ(-1, self->r.pairs[2].blocks_walked);
	EXPECT_EQ(-1, self->r.pairs[2].blocks_only[TWIN_KERNEL]);
	expect_in(_metadata, self->out,
		  "  free scanner blocks      -                  -\n");
	expect_in(_metadata, self->out, "twin.free_scanner_blocks_differ 0 of 0\n");
}

/* pagemig never compacts DMA: the zones still pair up by zone_start. */
TEST_F(twin, a_zone_missing_on_one_side)
{
	EDIT("320.792600: mm_compaction_begin: zone_start=0x1 ", NULL,
	     "320.792620: mm_compaction_end: zone_start=0x1 ", NULL);
	/* DMA's events now belong to no run on pagemig's side */
	ASSERT_EQ(3, self->r.nr_pairs);
	EXPECT_EQ(TWIN_DIFF_MISSING, self->r.pairs[0].diff);
	EXPECT_EQ(-1, self->r.pairs[0].run[TWIN_PAGEMIG]);
	EXPECT_EQ(0, self->r.pairs[1].diff);
	EXPECT_EQ(0, self->r.pairs[2].diff);
	EXPECT_EQ(0, self->r.diverge);
	expect_in(_metadata, self->out, "twin.diverge run 1: node 0, zone DMA: no run on one side\n");
	expect_in(_metadata, self->out, "  status                   complete           (no run)           *\n");
}

/* A kcompactd run amid pagemig's is counted and left out. */
TEST_F(twin, other_tasks_runs_are_left_out)
{
	EDIT("          cap.sh-15274   [001] .....   320.797341: mm_compaction_begin: zone_start=0x100000",
	     "      kcompactd0-39      [000] .....   320.797340: mm_compaction_begin: zone_start=0x100000 migrate_pfn=0x100000 free_pfn=0x21fe00 zone_end=0x220000, mode=sync\n"
	     "      kcompactd0-39      [000] .....   320.797340: mm_compaction_end: zone_start=0x100000 migrate_pfn=0x100000 free_pfn=0x21fe00 zone_end=0x220000, mode=sync status=skipped\n"
	     "          cap.sh-15274   [001] .....   320.797341: mm_compaction_begin: zone_start=0x100000");
	EXPECT_EQ(4, self->pagemig.nr_runs);
	EXPECT_EQ(1, self->r.side[TWIN_PAGEMIG].nr_other_runs);
	EXPECT_EQ(3, self->r.side[TWIN_PAGEMIG].nr_runs);
	EXPECT_EQ(-1, self->r.diverge);
	EXPECT_EQ(-1, self->r.diverge_events);
	expect_in(_metadata, self->out, "3 compact_zone runs of pid 15274, 1 runs of other tasks left out\n");
}

TEST_F(twin, json_says_the_same)
{
	struct json_object *root, *div, *o, *k;

	compare_edited(_metadata, self, 4000,
		       (const char *const[]){
			       "320.799576: mm_migrate_pages: nr_succeeded=223",
			       "320.799576: mm_migrate_pages: nr_succeeded=200" }, 1);
	root = twin_json(&self->r);
	ASSERT_NOT_NULL(root);
	ASSERT_TRUE(json_object_object_get_ex(root, "kernel", &k));
	ASSERT_TRUE(json_object_object_get_ex(k, "pages_migrated", &o));
	EXPECT_EQ(21828, json_object_get_int64(o));
	ASSERT_TRUE(json_object_object_get_ex(root, "pagemig", &k));
	ASSERT_TRUE(json_object_object_get_ex(k, "pages_migrated", &o));
	EXPECT_EQ(4000, json_object_get_int64(o));
	ASSERT_TRUE(json_object_object_get_ex(k, "free_2m_share_after", &o));
	EXPECT_TRUE(json_object_get_double(o) > 68.6 &&
		    json_object_get_double(o) < 68.8);
	ASSERT_TRUE(json_object_object_get_ex(root, "zones", &o));
	EXPECT_EQ(3, json_object_array_length(o));
	ASSERT_TRUE(json_object_object_get_ex(json_object_array_get_idx(o, 2),
					      "free_scanner_blocks", &k));
	ASSERT_TRUE(json_object_object_get_ex(k, "walked", &div));
	EXPECT_EQ(50, json_object_get_int64(div));
	ASSERT_TRUE(json_object_object_get_ex(k, "kernel_only", &div));
	EXPECT_EQ(0, json_object_get_int64(div));
	ASSERT_TRUE(json_object_object_get_ex(root, "divergence", &div));
	ASSERT_TRUE(json_object_object_get_ex(div, "zone", &o));
	EXPECT_STREQ("Normal", json_object_get_string(o));
	ASSERT_TRUE(json_object_object_get_ex(div, "event_in_run", &o));
	EXPECT_EQ(70, json_object_get_int(o));
	ASSERT_TRUE(json_object_object_get_ex(div, "pagemig", &k));
	ASSERT_TRUE(json_object_object_get_ex(k, "line", &o));
	EXPECT_EQ(150, json_object_get_int(o));
	ASSERT_TRUE(json_object_object_get_ex(k, "text", &o));
	EXPECT_NOT_NULL(strstr(json_object_get_string(o), "nr_succeeded=200"));
	ASSERT_TRUE(json_object_object_get_ex(root, "missing", &o));
	EXPECT_EQ(4, json_object_array_length(o));
	json_object_put(root);
}

TEST(free_share_of_hand_made_rows)
{
	struct capture_buddyzone z[2] = {
		{ .nid = 0, .zone = "DMA32", .nr_free = { [0] = 512, [9] = 1 } },
		{ .nid = 0, .zone = "Normal", .nr_free = { [10] = 1 } },
	};
	struct capture_buddyinfo bi = { .nr_orders = 11, .zones = z,
					.nr_zones = 1 };

	/* 512 single pages and one 2 MiB block: half */
	EXPECT_EQ(50.0, twin_free_share(&bi, TWIN_HUGE_ORDER));
	bi.nr_zones = 2;
	/* plus a 4 MiB block: 1536 of 2048 pages */
	EXPECT_EQ(75.0, twin_free_share(&bi, TWIN_HUGE_ORDER));
	EXPECT_EQ(100.0, twin_free_share(&bi, 0));
	EXPECT_EQ(-1.0, twin_free_share(NULL, TWIN_HUGE_ORDER));
	z[0].nr_free[0] = z[0].nr_free[9] = z[1].nr_free[10] = 0;
	EXPECT_EQ(-1.0, twin_free_share(&bi, TWIN_HUGE_ORDER));
}

/* With no trace and no vmstat, figures say they are unknown. */
TEST(a_bare_capture_compares_to_nothing)
{
	struct capture cap;
	struct twin_result r;
	char err[CAPTURE_ERR_LEN] = "", *out = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, capture_load(test_data_path("capture-broken/old-script"), &cap,
				  err, sizeof(err)));
	ASSERT_EQ(0, twin_compare(&cap, NULL, NULL, -1, NULL, &r));
	EXPECT_EQ(0, r.nr_pairs);
	f = open_memstream(&out, &len);
	ASSERT_NOT_NULL(f);
	twin_print_text(f, &r);
	fclose(f);
	expect_in(_metadata, out, "twin.kernel.pages_migrated -\n");
	expect_in(_metadata, out, "twin.pagemig.free_2m_share_after -\n");
	expect_in(_metadata, out, "twin: kernel trace: none\n");
	expect_in(_metadata, out, "twin.diverge none\n");
	/* no vmstat.after: unknown */
	EXPECT_EQ(-1, r.allocated_meanwhile);
	expect_in(_metadata, out, "twin.capture.allocated_meanwhile -\n");
	/* no zone compared: no blocks */
	expect_in(_metadata, out, "twin.free_scanner_blocks_differ -\n");
	free(out);
	twin_result_free(&r);
	capture_free(&cap);
}
