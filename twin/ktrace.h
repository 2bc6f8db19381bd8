/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel trace parser: tracefs text of the compaction:* and
 * migrate:mm_migrate_pages(_start) events, as the kernel writes it to
 * /sys/kernel/tracing/trace and as pagemig writes it with --trace, read
 * into an event array and summed up per compact_zone() run.
 *
 *	ktrace_load() / ktrace_parse()	text -> events (comments skipped)
 *	ktrace_summarize()		events -> runs (begin .. end per task)
 *	ktrace_event_equal()		same event, same fields?
 *
 * A line is "COMM-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS"; FLAGS and a
 * "(TGID)" column are optional, as the trace options make them.  FIELDS
 * are the event's print format (include/trace/events/compaction.h and
 * migrate.h): "k=v" pairs, "range=(0x.. ~ 0x..)", symbolic values such as
 * status=complete.  Events of other names are counted and skipped.
 */
#ifndef _PAGEMIG_WORKLOAD_KTRACE_H
#define _PAGEMIG_WORKLOAD_KTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"

enum ktrace_type {
	KTRACE_COMPACTION_BEGIN,
	KTRACE_COMPACTION_END,
	KTRACE_ISOLATE_MIGRATEPAGES,
	KTRACE_ISOLATE_FREEPAGES,
	KTRACE_FAST_ISOLATE_FREEPAGES,
	KTRACE_MIGRATEPAGES,
	KTRACE_FINISHED,
	KTRACE_SUITABLE,
	KTRACE_DEFERRED,
	KTRACE_DEFER_COMPACTION,
	KTRACE_DEFER_RESET,
	KTRACE_TRY_TO_COMPACT_PAGES,
	KTRACE_WAKEUP_KCOMPACTD,
	KTRACE_KCOMPACTD_WAKE,
	KTRACE_KCOMPACTD_SLEEP,
	KTRACE_MIGRATE_PAGES,
	KTRACE_MIGRATE_PAGES_START,
	KTRACE_NR_TYPES
};

/* enum compact_result, as the status= and ret= fields name it. */
enum ktrace_compact_result {
	KTRACE_NOT_SUITABLE_ZONE,
	KTRACE_SKIPPED,
	KTRACE_DEFERRED_RESULT,
	KTRACE_NO_SUITABLE_PAGE,
	KTRACE_CONTINUE,
	KTRACE_COMPLETE,
	KTRACE_PARTIAL_SKIPPED,
	KTRACE_CONTENDED,
	KTRACE_SUCCESS,
	KTRACE_NR_RESULTS
};

/* enum migrate_mode and enum migrate_reason, as mm_migrate_pages names them. */
enum ktrace_migrate_mode {
	KTRACE_MIGRATE_ASYNC,
	KTRACE_MIGRATE_SYNC_LIGHT,
	KTRACE_MIGRATE_SYNC,
	KTRACE_NR_MODES
};

#define KTRACE_NR_REASONS	10	/* compaction .. damon */
#define KTRACE_ZONE_LEN		CAPTURE_NAME_LEN
#define KTRACE_COMM_LEN		16	/* TASK_COMM_LEN */

struct ktrace_event {
	enum ktrace_type type;
	unsigned int line;		/* 1-based, in the text */
	int pid, cpu;
	int run;			/* index in ktrace.runs, -1: none */
	uint64_t ts_ns;			/* the timestamp, in ns */
	size_t text;			/* the line (leading blanks cut), in pool */
	unsigned int payload;		/* where FIELDS start in that line */
	char comm[KTRACE_COMM_LEN];
	union {
		/* mm_compaction_begin and _end */
		struct {
			unsigned long zone_start, migrate_pfn, free_pfn;
			unsigned long zone_end;
			bool sync;
			int status;		/* _end: enum ktrace_compact_result */
		} zone;
		/* mm_compaction_isolate_migratepages, _isolate_freepages, _fast_ */
		struct {
			unsigned long start_pfn, end_pfn;
			unsigned long nr_scanned, nr_taken;
		} isolate;
		/* mm_compaction_migratepages */
		struct {
			unsigned long nr_migrated, nr_failed;
		} compact;
		/* mm_migrate_pages and mm_migrate_pages_start (mode, reason) */
		struct {
			unsigned long nr_succeeded, nr_failed;
			unsigned long nr_thp_succeeded, nr_thp_failed;
			unsigned long nr_thp_split, nr_split;
			int mode, reason;
		} migrate;
		/* _finished, _suitable, _deferred, _defer_compaction, _defer_reset */
		struct {
			int nid, order;
			char zone[KTRACE_ZONE_LEN];
			int ret;		/* _finished, _suitable */
			int order_failed;	/* the defer events */
			unsigned int considered;
			unsigned long limit;
		} zone_order;
		/* _wakeup_kcompactd, _kcompactd_wake, _kcompactd_sleep (nid) */
		struct {
			int nid, order;
			char classzone[KTRACE_ZONE_LEN];
		} kcompactd;
		/* _try_to_compact_pages; the gfp mask stays in the text */
		struct {
			int order, priority;
		} try_compact;
	};
};

/* Sums over one scanner's events. */
struct ktrace_scan {
	unsigned long events, scanned, taken;
};

/* One compact_zone() run: its begin, its end and what happened between. */
struct ktrace_run {
	int pid;
	char comm[KTRACE_COMM_LEN];
	unsigned int begin;		/* event index of mm_compaction_begin */
	unsigned int end;		/* of mm_compaction_end; == begin if none */
	bool ended;
	int nid;			/* -1: unknown */
	char zone[KTRACE_ZONE_LEN];	/* "?" if no zoneinfo or event names it */
	unsigned long zone_start, zone_end;
	bool sync;
	unsigned long begin_migrate_pfn, begin_free_pfn;
	unsigned long end_migrate_pfn, end_free_pfn;
	int status;			/* enum ktrace_compact_result, -1 no end */
	/* mm_migrate_pages inside the run */
	unsigned long migrate_calls, nr_succeeded, nr_failed;
	unsigned long nr_thp_succeeded, nr_thp_failed, nr_thp_split, nr_split;
	/* mm_compaction_migratepages inside the run */
	unsigned long nr_migrated, nr_compact_failed;
	struct ktrace_scan isolate_migrate, isolate_free, fast_isolate_free;
	unsigned int nr_events;		/* events attributed to the run */
};

struct ktrace {
	char *name;			/* for messages */
	struct ktrace_event *ev;
	unsigned int nr_ev, cap_ev;
	char *pool;			/* the event lines, NUL-separated */
	size_t pool_len, pool_cap;
	unsigned int nr_lines;
	unsigned int nr_other;		/* events of other names, skipped */
	unsigned long lost;		/* "[LOST N EVENTS]" of the ring buffer */
	/* ktrace_summarize() */
	struct ktrace_run *runs;
	unsigned int nr_runs;
	unsigned int nr_unended;	/* runs with no end (cut off, lost) */
	unsigned int nr_orphan_ends;	/* ends with no begin before them */
};

int ktrace_parse(const char *text, size_t len, const char *name,
		 struct ktrace *t, char *err, size_t errlen);
int ktrace_load(const char *path, struct ktrace *t, char *err,
		size_t errlen);
void ktrace_free(struct ktrace *t);
int ktrace_summarize(struct ktrace *t, const struct capture_zoneinfo *zi);
int ktrace_main_pid(const struct ktrace *t);

const char *ktrace_type_name(enum ktrace_type type);
const char *ktrace_result_name(int result);
const char *ktrace_line(const struct ktrace *t, unsigned int ev);
const char *ktrace_payload(const struct ktrace *t, unsigned int ev);
bool ktrace_event_equal(const struct ktrace *a, unsigned int ea,
			const struct ktrace *b, unsigned int eb);
void ktrace_print_runs(FILE *f, const struct ktrace *t);

#endif /* _PAGEMIG_WORKLOAD_KTRACE_H */
