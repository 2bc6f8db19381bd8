// SPDX-License-Identifier: GPL-2.0
/*
 * The snapshot step: write the machine's /proc/kpageflags and
 * /proc/kpagecount images in the middle of a run, as a root user would
 * copy them off a real machine, for `pagemig import`, `pagemig
 * page-types` or the kernel's own tools/mm/page-types -F.
 *
 *	- snapshot:
 *	    kpageflags: /tmp/kpf
 *	    kpagecount: /tmp/kpc	# optional
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "steps.h"

struct snapshot_args {
	char *kpageflags;
	char *kpagecount;	/* NULL: not written */
};

static const struct yp_key snapshot_keys[] = {
	{ "kpageflags", YP_STRING, YP_REQUIRED,
	  YP_FIELD(struct snapshot_args, kpageflags), .what = "a file name" },
	{ "kpagecount", YP_STRING, 0,
	  YP_FIELD(struct snapshot_args, kpagecount), .what = "a file name" },
	YP_END(struct snapshot_args)
};

static int snapshot_run(struct scenario_run *run, const struct step *step,
			struct step_result *res)
{
	const struct snapshot_args *a = step->args;
	int ret;

	ret = pagemig_kpageflags_export(a->kpageflags, a->kpagecount);
	if (ret) {
		step_fail(res, "cannot write %s%s%s: %s", a->kpageflags,
			  a->kpagecount ? " and " : "",
			  a->kpagecount ? a->kpagecount : "", strerror(-ret));
		return 0;
	}
	step_figure(res, "pages", pagemig_total_pages());
	return 0;
}

DEFINE_STEP_TYPE(step_snapshot, "snapshot", snapshot_keys, snapshot_run,
		 "write /proc/kpageflags and /proc/kpagecount images of the machine");
