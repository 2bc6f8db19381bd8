// SPDX-License-Identifier: GPL-2.0
/*
 * balloon and rss: the hypervisor's side of a memory balloon, and the
 * figure that shows what ballooning is for.
 *
 * A balloon step plays the host: it sets one driver's target size with
 * pagemig_balloon_set_target() and waits for the guest's worker thread
 * to get there.  Inflating allocates movable pages in the guest
 * (balloon_page_alloc(): GFP_HIGHUSER_MOVABLE, no retries) and hands
 * their frames to the host, which gives the memory back to the host OS
 * (MADV_DONTNEED on the arena), so the process's resident set drops by
 * what the balloon holds.  Deflating returns frames, zeroed.
 *
 * Balloon pages are movable_ops pages: compaction can migrate them (the
 * driver tells the host "inflate the new frame, deflate the old one"),
 * which is why a balloon spread across memory does not block 2 MiB
 * blocks for good.  See the compact step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "scenario.h"
#include "steps.h"
#include "yparse.h"

#define BALLOON_TIMEOUT_DEFAULT	10000	/* ms */
#define BALLOON_TIMEOUT_MAX	3600000	/* an hour */

static const char *const drivers[] = { "virtio", "vmw", "cmm", NULL };

struct balloon_args {
	int driver;		/* in drivers[] */
	int drv;		/* pagemig_balloon_lookup() */
	unsigned long pages;	/* the target */
	unsigned int timeout_ms;
	bool must_reach;
};

static const char *const expects[] = { "reached", "any", NULL };

/* The driver must be one this library has. */
static int balloon_check(struct yparse *p, yaml_node_t *map,
			 const char *path, void *args)
{
	struct balloon_args *a = args;

	a->drv = pagemig_balloon_lookup(drivers[a->driver]);
	if (a->drv >= 0)
		return 0;
	return yp_key_error(p, map, path, "driver",
			    "the library has no %s balloon", drivers[a->driver]);
}

static const struct yp_key balloon_keys[] = {
	{ "driver", YP_CHOICE, YP_REQUIRED,
	  YP_FIELD(struct balloon_args, driver), .choices = drivers,
	  .what = "virtio, vmw or cmm" },
	{ "target", YP_PAGES, YP_REQUIRED,
	  YP_FIELD(struct balloon_args, pages),
	  .what = "a page count or a size such as 64M" },
	{ "timeout", YP_INT, 0, YP_FIELD(struct balloon_args, timeout_ms),
	  .min = 1, .max = BALLOON_TIMEOUT_MAX,
	  .def = BALLOON_TIMEOUT_DEFAULT },
	{ "expect", YP_CHOICE, YP_NOT,
	  YP_FIELD(struct balloon_args, must_reach), .choices = expects },
	YP_END_CHECK(struct balloon_args, balloon_check)
};

/* What pagemig_balloon_set_target() returned, in words. */
static const char *target_result(int ret)
{
	switch (ret) {
	case 0:
		return "reached";
	case -ENOMEM:
		return "short: the guest ran out of memory";
	case -EAGAIN:
		return "short: pages stayed isolated";
	case -ETIMEDOUT:
		return "timed out";
	default:
		return "refused";
	}
}

static int balloon_run(struct scenario_run *run, const struct step *step,
		       struct step_result *res)
{
	const struct balloon_args *a = step->args;
	struct pagemig_balloon_stats st, before;
	unsigned long rss0, rss1;
	int ret;

	if (pagemig_balloon_stats(a->drv, &before)) {
		step_fail(res, "no %s balloon on this machine",
			  pagemig_balloon_name(a->drv));
		return 0;
	}
	rss0 = pagemig_resident_pages();
	if (!run->report.end.balloons_shown) {
		run->report.end.balloons_shown = true;
		run->report.end.rss_before_balloon = rss0;
	}
	if (a->pages > pagemig_total_pages()) {
		step_fail(res, "target %lu pages is more than the machine's %lu pages",
			  a->pages, pagemig_total_pages());
		return 0;
	}
	ret = pagemig_balloon_set_target(a->drv, a->pages, a->timeout_ms);
	rss1 = pagemig_resident_pages();
	if (pagemig_balloon_stats(a->drv, &st))
		memset(&st, 0, sizeof(st));

	if (!report_add_block(res, "balloon", REPORT_BALLOON))
		return -ENOMEM;
	report_add_string(res, "driver", st.name);
	report_add_count(res, "was", before.size, "pages", false);
	report_add_string(res, "outcome", target_result(ret));
	if (ret && ret != -ENOMEM && ret != -EAGAIN && ret != -ETIMEDOUT)
		report_add_string(res, "error", strerror(-ret));
	report_add_count(res, "driver_target", st.target, "pages", false);
	step_figure(res, "target", a->pages);
	step_figure(res, "size", st.size);
	step_figure(res, "isolated", st.isolated);
	step_figure(res, "host_held", st.host_owned);
	step_figure(res, "inflated", st.inflated);
	step_figure(res, "deflated", st.deflated);
	step_figure(res, "reached", ret == 0);
	step_figure_real(res, "rss_before_mib", pages_mib(rss0));
	step_figure_real(res, "rss_after_mib", pages_mib(rss1));
	if (ret && a->must_reach)
		step_fail(res, "%s: target %lu pages not reached (%s, size %lu)",
			  st.name, a->pages, target_result(ret), st.size);
	return 0;
}

DEFINE_STEP_TYPE(step_balloon, "balloon", balloon_keys, balloon_run,
		 "as the hypervisor, set a balloon driver's target size (virtio, vmw, cmm)");

/* ---- rss ---- */

static int rss_run(struct scenario_run *run, const struct step *step,
		   struct step_result *res)
{
	unsigned long rss = pagemig_resident_pages();

	if (!report_add_block(res, "rss", REPORT_RSS))
		return -ENOMEM;
	report_add_count(res, "total", pagemig_total_pages(), "pages", false);
	step_figure(res, "resident", rss);
	step_figure_real(res, "resident_mib", pages_mib(rss));
	return 0;
}

DEFINE_STEP_TYPE(step_rss, "rss", NULL, rss_run,
		 "print the arena's resident set (host memory it really uses)");
