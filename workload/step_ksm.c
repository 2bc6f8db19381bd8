// SPDX-License-Identifier: GPL-2.0
/*
 * The ksm step: KSM's scanner over every mergeable mapping (spawn with
 * ksm: true), as full scans run here or as ksmd in the background.
 *
 *   - ksm                       two full scans (what merges a pair)
 *   - ksm: {scans: 3}           that many full scans
 *   - ksm: {run: true, pages_to_scan: 200, sleep_ms: 10}
 *                               start ksmd (run: false stops it)
 *
 * It prints /sys/kernel/mm/ksm's figures after, and how many free pages
 * the merging gave back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "scenario.h"
#include "steps.h"
#include "yparse.h"

struct ksm_args {
	long long scans;	/* full scans to run here; -1: not given */
	int run;		/* -1: leave ksmd alone; 0 stop; 1 start */
	long long pages_to_scan, sleep_ms;	/* 0: keep */
};

static const struct yp_key ksm_keys[] = {
	{ "scans", YP_INT, 0, YP_FIELD(struct ksm_args, scans),
	  .max = 1000, .def = -1 },
	{ "run", YP_BOOL, 0, YP_FIELD(struct ksm_args, run), .def = -1 },
	{ "pages_to_scan", YP_INT, 0, YP_FIELD(struct ksm_args, pages_to_scan),
	  .min = 1, .max = 1000000 },
	{ "sleep_ms", YP_INT, 0, YP_FIELD(struct ksm_args, sleep_ms),
	  .min = 1, .max = 60000 },
	YP_END(struct ksm_args)
};

static int ksm_run(struct scenario_run *run, const struct step *step,
		   struct step_result *res)
{
	const struct ksm_args *a = step->args;
	/* Two, but starting or stopping ksmd scans nothing unless asked. */
	long long scans = a->scans >= 0 ? a->scans : a->run >= 0 ? 0 : 2;
	struct pagemig_ksm_stats b, e;
	unsigned long free0, free1;
	long scanned = 0;
	double t0, secs;
	int ret = 0;

	pagemig_ksm_stats(&b);
	free0 = pagemig_free_pages_count();
	t0 = step_now();
	if (a->run >= 0)
		ret = pagemig_ksm_run(a->run, (unsigned int)a->pages_to_scan,
				      (unsigned int)a->sleep_ms);
	if (!ret && scans)
		scanned = pagemig_ksm_full_scans((unsigned int)scans);
	secs = step_now() - t0;
	pagemig_ksm_stats(&e);
	free1 = pagemig_free_pages_count();

	if (!report_add_block(res, "ksm", REPORT_KSM))
		return -ENOMEM;
	report_add_count(res, "scans", scans, NULL, false);
	report_add_int(res, "run", a->run, NULL);
	report_add_real(res, "seconds", secs, "s", false);
	report_add_count(res, "total_full_scans", e.full_scans, NULL, false);
	report_add_count(res, "total_pages_scanned", e.pages_scanned,
			 "pages", false);
	report_add_int(res, "free_delta", (long)(free1 - free0), "pages");
	if (scanned == -ENOENT)
		report_add_count(res, "nothing_to_scan", 1, NULL, false);
	step_figure(res, "pages_shared", e.pages_shared);
	step_figure(res, "pages_sharing", e.pages_sharing);
	step_figure(res, "pages_unshared", e.pages_unshared);
	step_figure(res, "full_scans", e.full_scans - b.full_scans);
	step_figure(res, "pages_scanned", e.pages_scanned - b.pages_scanned);
	step_figure(res, "merge_failures", e.merge_failures - b.merge_failures);
	if (ret)
		step_fail(res, "pagemig_ksm_run(%d): %s", a->run, strerror(-ret));
	else if (scanned < 0 && scanned != -ENOENT)
		step_fail(res, "pagemig_ksm_full_scans(%lld): %s", scans,
			  strerror((int)-scanned));
	return 0;
}

DEFINE_STEP_TYPE(step_ksm, "ksm", ksm_keys, ksm_run,
		 "run KSM's scanner over mergeable mappings (scans: N full scans; run: start/stop ksmd)");
