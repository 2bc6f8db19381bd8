// SPDX-License-Identifier: GPL-2.0
/*
 * The library's whole jobs, for programs that want what the CLI does
 * without the CLI: run a scenario file and get its reports, import a
 * kpageflags snapshot and get its analysis as JSON, and the JSON report
 * of the machine as it is now.  These are the only facade calls that
 * stand on workload/ and report/ rather than on mm/: `pagemig run FILE`
 * and `pagemig import FILE --json` are these calls plus option parsing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>

#include "report/kpageflags.h"
#include "report/report.h"
#include "workload/scenario.h"

/* The scheduler for one job: started here unless the caller runs one. */
static bool job_sched_start(uint64_t seed)
{
	if (pagemig_sched_on())
		return false;
	return !pagemig_sched_start(seed, 0, 0);
}

int pagemig_scenario_run_file(const char *path,
			      const struct pagemig_run_opts *o,
			      char *err, size_t errlen)
{
	struct scenario_run_opts opts = { 0 };
	struct pagemig_run_opts none = { 0 };
	struct scenario_run run;
	struct scenario *sc;
	struct report rep;
	bool sched;
	int ret;

	if (!o)
		o = &none;
	ret = scenario_load_file(path, &sc, err, errlen);
	if (ret)
		return ret;
	opts.seed = o->seed;
	opts.seed_given = o->seed_given;
	opts.out = o->text;
	sched = job_sched_start(o->seed_given ? o->seed : sc->cfg.seed);
	ret = scenario_run_start(&run, sc, &opts, err, errlen);
	if (ret)
		goto out_sched;
	if (o->text)
		report_text_header(o->text, &run.report);
	ret = scenario_run_steps(&run);
	report_move(&rep, &run.report);
	scenario_run_finish(&run);
	if (sched) {
		pagemig_sched_stop();
		sched = false;
		rep.deterministic = true;
		rep.sched_digest = pagemig_sched_digest();
		rep.sched_steps = pagemig_sched_steps();
	}
	if (o->json && report_json(o->json, &rep) && ret >= 0)
		ret = -EIO;
	if (o->text)
		report_text(o->text, &rep);
	if (ret >= 0)
		ret = ret || rep.failed ? 1 : 0;
	report_release(&rep);
out_sched:
	if (sched)
		pagemig_sched_stop();
	scenario_free(sc);
	return ret;
}

int pagemig_import_file(const char *flags_path, const char *count_path,
			bool compact, FILE *json, char *err, size_t errlen)
{
	struct pagemig_import_opts opts = { 0 };
	static struct pagemig_import_report rep;	/* large */
	bool sched;
	int ret;

	opts.flags_path = flags_path;
	opts.count_path = count_path;
	opts.seed = 1;
	opts.compact = compact;
	sched = job_sched_start(opts.seed);
	ret = pagemig_import(&opts, &rep);
	if (ret) {
		snprintf(err, errlen, "%s", rep.err);
		goto out;
	}
	if (json && kpf_json_import(json, &rep, compact, NULL))
		ret = -EIO;
	if (!ret && rep.corrupted)
		ret = 1;
	pagemig_machine_exit();
out:
	if (sched)
		pagemig_sched_stop();
	return ret;
}

int pagemig_report_json(FILE *f)
{
	struct report r;
	int ret;

	if (!pagemig_machine_ready())
		return -ENODEV;
	ret = report_init(&r, 0);
	if (ret)
		return ret;
	snprintf(r.version, sizeof(r.version), "%s", pagemig_version());
	/* No scenario: the header names the library's own machine. */
	r.name = strdup("machine");
	r.file = strdup("");
	r.description = strdup("");
	if (!r.name || !r.file || !r.description) {
		report_release(&r);
		return -ENOMEM;
	}
	r.memory = (uint64_t)pagemig_total_pages() * PAGEMIG_PAGE_SIZE;
	r.dma32 = UINT64_MAX;
	ret = report_snapshot_machine(&r.end);
	if (!ret)
		ret = report_json(f, &r);
	report_release(&r);
	return ret;
}
