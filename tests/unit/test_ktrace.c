// SPDX-License-Identifier: GPL-2.0
/*
 * twin/ktrace.c: the kernel trace parser.  The sample capture's full
 * trace of compact_memory on a Linux 6.18.44 VM sums to the counter
 * deltas of that capture's vmstat (pages migrated and failed, pages
 * scanned by each scanner, pages isolated); a trimmed copy of it
 * (tests/data/ktrace/compact-memory.trace) gives the runs, zones,
 * scanner positions and sums that awk finds in it; a hand-written file
 * has one line of every other event and the column variants of the
 * trace options; malformed lines are refused with file and line.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "harness/test.h"
#include "harness/data.h"
#include "twin/capture.h"
#include "twin/ktrace.h"

FIXTURE(trace)
{
	struct capture cap;
	struct ktrace t;
};

FIXTURE_SETUP(trace)
{
	char err[CAPTURE_ERR_LEN] = "";

	if (capture_load(test_data_path("capture-sample"), &self->cap, err,
			 sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_TRUE(capture_has(&self->cap, CAPTURE_BEFORE, CAPTURE_ZONEINFO));
}

FIXTURE_TEARDOWN(trace)
{
	ktrace_free(&self->t);
	capture_free(&self->cap);
}

static void load(struct __test_metadata *_metadata, struct ktrace *t,
		 const char *file, const struct capture_zoneinfo *zi)
{
	char err[CAPTURE_ERR_LEN] = "";
	int ret = ktrace_load(test_data_path(file), t, err, sizeof(err));

	if (ret)
		TH_LOG("%s", err);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, ktrace_summarize(t, zi));
}

/* The whole trace adds up to what the kernel counted in vmstat. */
TEST_F(trace, full_trace_sums_to_the_vmstat_deltas)
{
	const struct capture_kvlist *d = &self->cap.result.deltas;
	unsigned long succ = 0, fail = 0, mscan = 0, fscan = 0, taken = 0;
	int64_t v;
	unsigned int i;

	load(_metadata, &self->t, "capture-sample/trace.zst",
	     &self->cap.snap[CAPTURE_BEFORE].zoneinfo);
	EXPECT_EQ(0, self->t.nr_other);
	EXPECT_EQ(0, self->t.lost);
	ASSERT_EQ(3, self->t.nr_runs);
	for (i = 0; i < self->t.nr_runs; i++) {
		const struct ktrace_run *r = &self->t.runs[i];

		succ += r->nr_succeeded;
		fail += r->nr_failed;
		mscan += r->isolate_migrate.scanned;
		fscan += r->isolate_free.scanned + r->fast_isolate_free.scanned;
		taken += r->isolate_migrate.taken + r->isolate_free.taken +
			 r->fast_isolate_free.taken;
		/* compaction's own count of migrated pages agrees */
		EXPECT_EQ(r->nr_succeeded, r->nr_migrated);
	}
	ASSERT_TRUE(capture_kv_get(d, "pgmigrate_success", &v));
	EXPECT_EQ(v, succ);
	ASSERT_TRUE(capture_kv_get(d, "pgmigrate_fail", &v));
	EXPECT_EQ(v, fail);
	ASSERT_TRUE(capture_kv_get(d, "compact_migrate_scanned", &v));
	EXPECT_EQ(v, mscan);
	ASSERT_TRUE(capture_kv_get(d, "compact_free_scanned", &v));
	EXPECT_EQ(v, fscan);
	ASSERT_TRUE(capture_kv_get(d, "compact_isolated", &v));
	EXPECT_EQ(v, taken);
}

TEST_F(trace, runs_of_the_trimmed_trace)
{
	const struct ktrace_run *r;
	unsigned int i, unattached = 0;

	load(_metadata, &self->t, "ktrace/compact-memory.trace",
	     &self->cap.snap[CAPTURE_BEFORE].zoneinfo);
	/* 336 lines: 12 comments, 324 events */
	EXPECT_EQ(336, self->t.nr_lines);
	EXPECT_EQ(324, self->t.nr_ev);
	EXPECT_EQ(15274, ktrace_main_pid(&self->t));
	ASSERT_EQ(3, self->t.nr_runs);
	EXPECT_EQ(0, self->t.nr_unended);
	EXPECT_EQ(0, self->t.nr_orphan_ends);

	r = &self->t.runs[0];
	EXPECT_STREQ("DMA", r->zone);
	EXPECT_EQ(0, r->nid);
	EXPECT_EQ(0x1, r->zone_start);
	EXPECT_EQ(0x1000, r->zone_end);
	EXPECT_EQ(0x1, r->begin_migrate_pfn);
	EXPECT_EQ(0xe00, r->begin_free_pfn);
	EXPECT_EQ(0xe00, r->end_migrate_pfn);
	EXPECT_EQ(KTRACE_COMPLETE, r->status);
	EXPECT_TRUE(r->sync);
	EXPECT_EQ(5119, r->isolate_migrate.scanned);
	EXPECT_EQ(7, r->isolate_migrate.events);
	EXPECT_EQ(0, r->nr_succeeded);

	r = &self->t.runs[1];
	EXPECT_STREQ("DMA32", r->zone);
	EXPECT_EQ(0xffe00, r->begin_free_pfn);
	EXPECT_EQ(14336, r->isolate_migrate.scanned);
	EXPECT_EQ(24, r->isolate_migrate.events);

	/* Normal ends where the initialised memory ends, out of targets */
	r = &self->t.runs[2];
	EXPECT_STREQ("Normal", r->zone);
	EXPECT_STREQ("cap.sh", r->comm);
	EXPECT_EQ(0x100000, r->zone_start);
	EXPECT_EQ(0x220000, r->zone_end);
	EXPECT_EQ(0x21fe00, r->begin_free_pfn);
	EXPECT_EQ(0x10e600, r->end_migrate_pfn);
	EXPECT_EQ(0x1f829a, r->end_free_pfn);
	EXPECT_EQ(KTRACE_CONTENDED, r->status);
	EXPECT_STREQ("contended", ktrace_result_name(r->status));
	EXPECT_EQ(27, r->migrate_calls);
	EXPECT_EQ(3534, r->nr_succeeded);
	EXPECT_EQ(35, r->nr_failed);
	EXPECT_EQ(3534, r->nr_migrated);
	EXPECT_EQ(18435, r->isolate_migrate.scanned);
	EXPECT_EQ(3770, r->isolate_migrate.taken);
	EXPECT_EQ(50, r->isolate_migrate.events);
	EXPECT_EQ(9158, r->isolate_free.scanned);
	EXPECT_EQ(3737, r->isolate_free.taken);
	EXPECT_EQ(71, r->isolate_free.events);

	/* kcompactd's sleep, in the middle of the Normal run, is not part of it */
	for (i = 0; i < self->t.nr_ev; i++) {
		if (self->t.ev[i].run >= 0)
			continue;
		unattached++;
		EXPECT_EQ(KTRACE_KCOMPACTD_SLEEP, self->t.ev[i].type);
		EXPECT_EQ(39, self->t.ev[i].pid);
		EXPECT_STREQ("kcompactd0", self->t.ev[i].comm);
	}
	EXPECT_EQ(1, unattached);
	EXPECT_EQ(self->t.nr_ev - 1, self->t.runs[0].nr_events +
		  self->t.runs[1].nr_events + self->t.runs[2].nr_events);
}

TEST_F(trace, first_event_fields)
{
	const struct ktrace_event *e;

	load(_metadata, &self->t, "ktrace/compact-memory.trace", NULL);
	e = &self->t.ev[0];
	EXPECT_EQ(KTRACE_COMPACTION_BEGIN, e->type);
	EXPECT_EQ(13, e->line);
	EXPECT_EQ(1, e->cpu);
	EXPECT_EQ(320792600000ULL, e->ts_ns);
	EXPECT_EQ(0xe00, e->zone.free_pfn);
	EXPECT_STREQ("zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync",
		     ktrace_payload(&self->t, 0));
	e = &self->t.ev[2];
	EXPECT_EQ(KTRACE_ISOLATE_MIGRATEPAGES, e->type);
	EXPECT_EQ(0x1, e->isolate.start_pfn);
	EXPECT_EQ(0x200, e->isolate.end_pfn);
	EXPECT_EQ(511, e->isolate.nr_scanned);
	/* without zoneinfo the zone's name comes from mm_compaction_finished */
	EXPECT_STREQ("DMA", self->t.runs[0].zone);
	EXPECT_STREQ("Normal", self->t.runs[2].zone);
}

TEST(other_events_and_column_variants)
{
	char err[CAPTURE_ERR_LEN] = "";
	const struct ktrace_event *e;
	struct ktrace t;
	int types = 0;
	unsigned int i;

	ASSERT_EQ(0, ktrace_load(test_data_path("ktrace/other-events.trace"), &t,
				 err, sizeof(err)));
	ASSERT_EQ(0, ktrace_summarize(&t, NULL));
	EXPECT_EQ(12, t.lost);
	EXPECT_EQ(1, t.nr_other);		/* sched_switch */
	ASSERT_EQ(17, t.nr_ev);
	for (i = 0; i < t.nr_ev; i++)
		types |= 1 << t.ev[i].type;
	EXPECT_EQ((1 << KTRACE_NR_TYPES) - 1, types);

	e = &t.ev[0];
	EXPECT_EQ(KTRACE_TRY_TO_COMPACT_PAGES, e->type);
	EXPECT_STREQ("Web Content", e->comm);
	EXPECT_EQ(2345, e->pid);
	EXPECT_EQ(9, e->try_compact.order);
	EXPECT_EQ(1, e->try_compact.priority);
	e = &t.ev[2];
	EXPECT_EQ(KTRACE_DEFERRED, e->type);
	EXPECT_STREQ("DMA32", e->zone_order.zone);
	EXPECT_EQ(1, e->zone_order.considered);
	EXPECT_EQ(2, e->zone_order.limit);
	e = &t.ev[4];
	EXPECT_EQ(KTRACE_FAST_ISOLATE_FREEPAGES, e->type);
	EXPECT_EQ(0x13f000, e->isolate.start_pfn);
	EXPECT_EQ(32, e->isolate.nr_taken);

	/* the TGID column, and a line with no flags column */
	e = &t.ev[13];
	EXPECT_EQ(KTRACE_WAKEUP_KCOMPACTD, e->type);
	EXPECT_STREQ("bash", e->comm);
	EXPECT_EQ(1977, e->pid);
	EXPECT_STREQ("Normal", e->kcompactd.classzone);
	e = &t.ev[14];
	EXPECT_EQ(KTRACE_KCOMPACTD_WAKE, e->type);
	EXPECT_EQ(39, e->pid);
	EXPECT_EQ(100000014000ULL, e->ts_ns);

	/* one async run, direct compaction, ended by success */
	ASSERT_EQ(1, t.nr_runs);
	EXPECT_FALSE(t.runs[0].sync);
	EXPECT_EQ(KTRACE_SUCCESS, t.runs[0].status);
	EXPECT_STREQ("Normal", t.runs[0].zone);
	EXPECT_EQ(30, t.runs[0].nr_succeeded);
	EXPECT_EQ(64, t.runs[0].fast_isolate_free.scanned);
	EXPECT_EQ(9, t.runs[0].nr_events);
	EXPECT_EQ(-1, t.ev[12].run);		/* defer_reset after the end */
	EXPECT_EQ(2345, ktrace_main_pid(&t));
	ktrace_free(&t);
}

static void expect_bad(struct __test_metadata *_metadata, const char *text,
		       const char *msg)
{
	char err[CAPTURE_ERR_LEN] = "";
	struct ktrace t;

	EXPECT_EQ(-EINVAL, ktrace_parse(text, strlen(text), "t", &t, err,
					sizeof(err)));
	if (!strstr(err, msg))
		TH_LOG("message \"%s\" lacks \"%s\"", err, msg);
	EXPECT_NOT_NULL(strstr(err, msg));
}

#define L(fields)	"  sh-1 [000] .....   1.000001: " fields "\n"

TEST(malformed_lines_are_refused)
{
	expect_bad(_metadata, "# c\n" L("mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 zone_end=0x1000, mode=sync"),
		   "t:2: mm_compaction_begin: no valid free_pfn= field");
	expect_bad(_metadata, L("mm_compaction_end: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x2 zone_end=0x1000, mode=sync status=sideways"),
		   "t:1: mm_compaction_end: no valid status= field");
	expect_bad(_metadata, L("mm_compaction_isolate_freepages: range=(0x10 ~ ) nr_scanned=1 nr_taken=0"),
		   "no valid range= field");
	expect_bad(_metadata, L("mm_migrate_pages: nr_succeeded=3 nr_failed=x mode=MIGRATE_SYNC reason=compaction"),
		   "mm_migrate_pages: no valid nr_failed= field");
	expect_bad(_metadata, L("mm_compaction_finished: node=0 zone=Normal order=-1"),
		   "mm_compaction_finished: no valid ret= field");
	expect_bad(_metadata, "this is not a trace line\n",
		   "t:1: expected \"COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS\"");
	expect_bad(_metadata, "  sh-1 [000] .....   1.0x: mm_compaction_kcompactd_sleep: nid=0\n",
		   "t:1: expected");
	expect_bad(_metadata, L("mm_compaction_kcompactd_sleep: nid=0") "  sh-1 [000] .....   1.5: mm_compaction_kcompactd_sleep: nid=0",
		   "t:2: truncated: the last line has no newline");
}

TEST(numeric_symbols_and_old_formats_parse)
{
	static const char text[] =
		L("mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x2 zone_end=0x10, mode=sync")
		L("mm_compaction_end: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x2 zone_end=0x10, mode=sync status=0x9")
		/* before nr_thp_split and nr_split were added */
		L("mm_migrate_pages: nr_succeeded=3 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 mode=MIGRATE_SYNC reason=compaction");
	char err[CAPTURE_ERR_LEN] = "";
	struct ktrace t;

	ASSERT_EQ(0, ktrace_parse(text, sizeof(text) - 1, "t", &t, err,
				  sizeof(err)));
	EXPECT_EQ(9, t.ev[1].zone.status);
	EXPECT_STREQ("?", ktrace_result_name(t.ev[1].zone.status));
	EXPECT_EQ(3, t.ev[2].migrate.nr_succeeded);
	EXPECT_EQ(0, t.ev[2].migrate.nr_split);
	ktrace_free(&t);
}

/* pagemig's --trace header: "%16s-%-7d [%03d] ..... %5llu.%06llu: " */
TEST(pagemig_header_parses)
{
	static const char text[] =
		"         pagemig-1       [000] .....     0.000123: mm_compaction_kcompactd_sleep: nid=0\n"
		"      kcompactd0-12      [001] ..... 12345.000001: mm_compaction_kcompactd_wake: nid=0 order=-1 classzone_idx=Normal  \n";
	char err[CAPTURE_ERR_LEN] = "";
	struct ktrace t;

	ASSERT_EQ(0, ktrace_parse(text, sizeof(text) - 1, "t", &t, err,
				  sizeof(err)));
	ASSERT_EQ(2, t.nr_ev);
	EXPECT_STREQ("pagemig", t.ev[0].comm);
	EXPECT_EQ(1, t.ev[0].pid);
	EXPECT_EQ(0, t.ev[0].cpu);
	EXPECT_EQ(123000, t.ev[0].ts_ns);
	EXPECT_EQ(12, t.ev[1].pid);
	EXPECT_EQ(12345000001000ULL, t.ev[1].ts_ns);
	EXPECT_EQ(-1, t.ev[1].kcompactd.order);
	ktrace_free(&t);
}

TEST(lost_ends_and_orphans)
{
	static const char text[] =
		L("mm_compaction_end: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x2 zone_end=0x10, mode=sync status=complete")
		L("mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0x2 zone_end=0x10, mode=sync")
		L("mm_compaction_begin: zone_start=0x10 migrate_pfn=0x10 free_pfn=0x20 zone_end=0x30, mode=sync")
		L("mm_compaction_end: zone_start=0x10 migrate_pfn=0x18 free_pfn=0x18 zone_end=0x30, mode=sync status=complete");
	char err[CAPTURE_ERR_LEN] = "";
	struct ktrace t;

	ASSERT_EQ(0, ktrace_parse(text, sizeof(text) - 1, "t", &t, err,
				  sizeof(err)));
	ASSERT_EQ(0, ktrace_summarize(&t, NULL));
	EXPECT_EQ(1, t.nr_orphan_ends);
	ASSERT_EQ(2, t.nr_runs);
	EXPECT_FALSE(t.runs[0].ended);
	EXPECT_EQ(-1, t.runs[0].status);
	EXPECT_TRUE(t.runs[1].ended);
	EXPECT_EQ(0x18, t.runs[1].end_migrate_pfn);
	EXPECT_EQ(1, t.nr_unended);
	EXPECT_EQ(-1, t.ev[0].run);
	ktrace_free(&t);
}

TEST(event_equality_ignores_task_time_and_padding)
{
	static const char a[] =
		L("mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue")
		L("mm_compaction_finished: node=0 zone=DMA order=-1 ret=complete");
	static const char b[] =
		"  pagemig-7 [001]   9.5: mm_compaction_finished: node=0 zone=DMA order=-1 ret=continue\n"
		"  pagemig-7 [001]   9.6: mm_compaction_suitable: node=0 zone=DMA order=-1 ret=complete\n";
	char err[CAPTURE_ERR_LEN] = "";
	struct ktrace ta, tb;

	ASSERT_EQ(0, ktrace_parse(a, sizeof(a) - 1, "a", &ta, err, sizeof(err)));
	ASSERT_EQ(0, ktrace_parse(b, sizeof(b) - 1, "b", &tb, err, sizeof(err)));
	EXPECT_TRUE(ktrace_event_equal(&ta, 0, &tb, 0));
	EXPECT_FALSE(ktrace_event_equal(&ta, 0, &ta, 1));
	/* same fields, another tracepoint */
	EXPECT_FALSE(ktrace_event_equal(&ta, 1, &tb, 1));
	ktrace_free(&ta);
	ktrace_free(&tb);
}

/* The trimmed trace cut or garbled at random: refused or read, never a crash. */
TEST(mutated_traces_never_crash_the_parser)
{
	static const char bytes[] = "0x-: \n[]()~=,#\0";
	struct pagemig_rng *rng = test_rng();
	char err[CAPTURE_ERR_LEN], *text, *m;
	unsigned int n, rejected = 0;
	struct ktrace t;
	size_t len, ml;
	int ret;

	ASSERT_EQ(0, capture_read_text(test_data_path("ktrace/compact-memory.trace"),
				       &text, &len, err, sizeof(err)));
	for (n = 0; n < 300; n++) {
		m = test_mutate(text, len, n, 8, bytes, sizeof(bytes) - 1, rng, &ml);
		ASSERT_NOT_NULL(m);
		ret = ktrace_parse(m, ml, "t", &t, err, sizeof(err));
		if (ret) {
			EXPECT_EQ(-EINVAL, ret);
			EXPECT_EQ(0, strncmp(err, "t:", 2));
			rejected++;
		} else {
			EXPECT_EQ(0, ktrace_summarize(&t, NULL));
			EXPECT_LE(t.nr_runs, 3 + 8);
			ktrace_free(&t);
		}
		free(m);
	}
	free(text);
	EXPECT_GT(rejected, 100);
}
