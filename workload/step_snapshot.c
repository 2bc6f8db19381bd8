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

static void snapshot_release(void *data)
{
	struct snapshot_args *a = data;

	if (a) {
		free(a->kpageflags);
		free(a->kpagecount);
	}
	free(a);
}

static int snapshot_parse(struct yparse *p, yaml_node_t *node,
			  const char *path, void **out)
{
	static const char *const keys[] = { "kpageflags", "kpagecount", NULL };
	char sub[YP_PATH_MAX];
	struct snapshot_args *a;
	yaml_node_t *map, *v;
	int ret;

	ret = step_parse_start(p, node, path, keys, &map, out, sizeof(*a));
	if (ret)
		return ret;
	a = *out;
	ret = yp_require(p, map, path, "kpageflags", "a file name", &v);
	if (ret)
		return ret;
	yp_path_key(sub, sizeof(sub), path, "kpageflags");
	ret = yp_string(p, v, sub, "a file name", &a->kpageflags);
	if (ret)
		return ret;
	return yp_key_string(p, map, path, "kpagecount", "a file name",
			     &a->kpagecount);
}

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

const struct step_type step_snapshot = {
	.name = "snapshot",
	.help = "write /proc/kpageflags and /proc/kpagecount images of the machine",
	.parse = snapshot_parse,
	.run = snapshot_run,
	.release = snapshot_release,
};
