// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig run: load a scenario (built-in or file), build the machine,
 * run the steps, print the report, tear down.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "sweep.h"
#include "report/picture.h"
#include "report/report.h"
#include "workload/scenario.h"

struct run_cli {
	const char *what;	/* NAME or FILE */
	uint64_t seed;
	bool seed_given;
	bool json;
	bool quiet;
	bool check;
	const char *kpageflags, *kpagecount, *picture;
	const char *trace;
	const char *explain;	/* FILE, or "-" for stdout */
	bool parallel, no_timings;
	unsigned int depth;		/* --depth: PCT priorities */
	unsigned long long pct_steps;
	struct progress progress;
	struct sweep sweep;		/* --repeat, --set, --csv, --plot */
	struct scenario *sc;
	const struct sweep_point *point;	/* in a sweep's child */
};

static int parse_args(struct run_cli *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "check", no_argument, NULL, 'c' },
		{ "kpageflags", required_argument, NULL, 'K' },
		{ "kpagecount", required_argument, NULL, 'N' },
		{ "picture", required_argument, NULL, 'P' },
		{ "trace", required_argument, NULL, 'T' },
		{ "explain", required_argument, NULL, 'E' },
		{ "parallel", no_argument, NULL, 'p' },
		{ "no-timings", no_argument, NULL, 'n' },
		{ "depth", required_argument, NULL, 'D' },
		{ "pct-steps", required_argument, NULL, 'S' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "set", required_argument, NULL, CLI_LONG_ONLY },
		{ "csv", required_argument, NULL, CLI_LONG_ONLY + 1 },
		{ "plot", required_argument, NULL, CLI_LONG_ONLY + 2 },
		{ "figure", required_argument, NULL, CLI_LONG_ONLY + 3 },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = cli_getopt("run", argc, argv, opts)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_u64(optarg, &o->seed))
				return cli_usage("run", "--seed: expected an integer 0..18446744073709551615, got '%s'",
						 optarg);
			o->seed_given = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'K':
			o->kpageflags = optarg;
			break;
		case 'N':
			o->kpagecount = optarg;
			break;
		case 'P':
			o->picture = optarg;
			break;
		case 'c':
			o->check = true;
			break;
		case 'T':
			o->trace = optarg;
			break;
		case 'E':
			o->explain = optarg;
			break;
		case 'p':
			o->parallel = true;
			break;
		case 'n':
			o->no_timings = true;
			break;
		case 'D':
			if (cli_parse_u64(optarg, &v) || v < 1 || v > 16)
				return cli_usage("run", "--depth: expected 1..16, got '%s'",
						 optarg);
			o->depth = (unsigned int)v;
			break;
		case 'S':
			if (cli_parse_u64(optarg, &v) || !v)
				return cli_usage("run", "--pct-steps: expected a positive integer, got '%s'",
						 optarg);
			o->pct_steps = v;
			break;
		case 'r':
			if (cli_parse_u64(optarg, &v) || !v || v > SWEEP_MAX_RUNS)
				return cli_usage("run", "--repeat: expected 1..%d, got '%s'",
						 SWEEP_MAX_RUNS, optarg);
			o->sweep.repeat = (unsigned int)v;
			break;
		case CLI_LONG_ONLY:
			if (sweep_parse_set(&o->sweep, optarg))
				return CLI_USAGE;
			break;
		case CLI_LONG_ONLY + 1:
			o->sweep.csv = optarg;
			break;
		case CLI_LONG_ONLY + 2:
			o->sweep.plot = optarg;
			break;
		case CLI_LONG_ONLY + 3:
			if (o->sweep.nr_globs == SWEEP_MAX_GLOBS)
				return cli_usage("run", "--figure: at most %d patterns",
						 SWEEP_MAX_GLOBS);
			o->sweep.globs[o->sweep.nr_globs++] = optarg;
			break;
		}
	}
	if (optind < argc)
		o->what = argv[optind++];
	if (optind < argc)
		return cli_usage("run", "expected one scenario, got a second argument '%s'",
				 argv[optind]);
	if (o->json && o->quiet)
		return cli_usage("run", "--json and --quiet cannot be combined");
	if (o->json && o->explain && !cli_output_file(o->explain))
		return cli_usage("run", "--explain -: stdout carries the JSON report; give --explain a file");
	if (o->parallel && o->depth)
		return cli_usage("run", "--depth schedules deterministically; it cannot be combined with --parallel");
	if (!o->sweep.repeat)
		o->sweep.repeat = 1;
	if (sweep_active(&o->sweep)) {
		if (o->json || o->quiet || o->trace || o->explain || o->picture || o->kpageflags)
			return cli_usage("run", "--repeat and --set print their own table; they cannot be combined with --json, --quiet, --trace, --explain, --picture or --kpageflags");
	} else if (o->sweep.csv || o->sweep.nr_globs) {
		return cli_usage("run", "--csv and --figure go with --repeat or --set");
	}
	if (o->sweep.plot && !o->sweep.nr_keys)
		return cli_usage("run", "--plot draws figures over a --set; give one");
	if (o->sweep.plot && strchr(o->sweep.plot, '\''))
		return cli_usage("run", "--plot: a file name without a ' please, got '%s'",
				 o->sweep.plot);
	return 0;
}

static void on_progress(void *data, const struct step *step,
			unsigned long done, unsigned long total)
{
	struct run_cli *o = data;

	if (!total)
		progress_clear(&o->progress);
	else
		progress_update(&o->progress, scenario_step_name(step),
				step->index + 1, done, total);
}

/* In --json and --quiet the summary is not printed: say what failed. */
static void print_failures(const struct report *r)
{
	const struct step_result *s;
	unsigned int i;

	for (i = 0; i < r->steps_run; i++) {
		s = &r->steps[i];
		if (s->failed)
			fprintf(stderr, "pagemig run: %s: step %u (%s, line %d) failed: %s\n",
				r->file, i + 1, s->type, s->line,
				s->message ? s->message : "");
	}
}

/*
 * --kpageflags/--kpagecount: the machine as the run left it; --picture:
 * end.png beside the compact step's pictures.  Return: 0 or -1.
 */
static int run_outputs(const struct run_cli *o)
{
	char path[4096];
	int ret = 0;

	if (o->kpageflags) {
		ret = pagemig_kpageflags_export(o->kpageflags, o->kpagecount);
		if (ret)
			fprintf(stderr, "pagemig run: cannot write %s: %s\n",
				o->kpageflags, strerror(-ret));
	}
	if (o->picture) {
		snprintf(path, sizeof(path), "%s/end.png", o->picture);
		if (picture_write(path, "End of run", NULL)) {
			fprintf(stderr, "pagemig run: cannot write %s\n", path);
			ret = -1;
		}
	}
	return ret ? -1 : 0;
}

/* One run of the loaded scenario, as the options say; a CLI_* status. */
static int run_once(struct run_cli *o, struct scenario *sc)
{
	struct scenario_run_opts opts = { 0 };
	struct scenario_run run;
	struct report rep;
	char err[SCENARIO_ERR_LEN];
	int ret;

	opts.seed = o->seed;
	opts.seed_given = o->seed_given;
	opts.out = o->json || o->quiet ? NULL : stdout;
	opts.progress = on_progress;
	opts.progress_data = o;
	opts.picture = o->picture;
	progress_init(&o->progress, o->quiet, sc->nr_steps);

	if (o->trace && (ret = pagemig_trace_open(o->trace))) {
		fprintf(stderr, "pagemig run: %s: %s\n", o->trace, strerror(-ret));
		return CLI_USAGE;
	}
	if (o->explain && (ret = pagemig_explain_open(o->explain))) {
		fprintf(stderr, "pagemig run: %s: %s\n", o->explain, strerror(-ret));
		pagemig_trace_close();
		return CLI_USAGE;
	}
	report_set_timings(!o->no_timings);
	if (!o->parallel) {
		ret = pagemig_sched_start(opts.seed_given ? opts.seed : sc->cfg.seed,
					  o->depth, o->pct_steps);
		if (ret) {
			fprintf(stderr, "pagemig run: cannot start the scheduler: %s\n",
				strerror(-ret));
			pagemig_trace_close();
			pagemig_explain_close();
			return CLI_FAILED;
		}
	}
	ret = scenario_run_start(&run, sc, &opts, err, sizeof(err));
	if (!ret && o->point) {
		ret = sweep_apply_sysctls(&o->sweep, o->point);
		if (ret) {
			snprintf(err, sizeof(err), "--set: %s", strerror(-ret));
			scenario_run_finish(&run);
		}
	}
	if (ret) {
		fprintf(stderr, "pagemig run: %s\n", err);
		pagemig_sched_stop();
		pagemig_trace_close();
		pagemig_explain_close();
		return CLI_FAILED;
	}
	if (opts.out) {
		report_text_header(stdout, &run.report);
		fflush(stdout);
	}
	/* If it cannot be made, each compact step says why it drew nothing. */
	if (o->picture)
		mkdir(o->picture, 0777);
	ret = scenario_run_steps(&run);
	if (o->explain && pagemig_explain_close()) {
		fprintf(stderr, "pagemig run: %s: write failed\n", o->explain);
		ret = -EIO;
	}
	if (run_outputs(o))
		ret = -EIO;
	progress_clear(&o->progress);
	/* The report needs no machine: print it once the machine is gone. */
	report_move(&rep, &run.report);
	scenario_run_finish(&run);
	if (!o->parallel) {
		pagemig_sched_stop();
		rep.deterministic = true;
		rep.pct_depth = o->depth;
		rep.sched_digest = pagemig_sched_digest();
		rep.sched_steps = pagemig_sched_steps();
		/* For pagemig explore: what ran just before the failure. */
		if (ret || rep.failed)
			pagemig_sched_dump(stderr, 16);
	}
	if (o->json) {
		report_json(stdout, &rep);
		print_failures(&rep);
	} else if (o->quiet) {
		report_text_verify(stdout, &rep);
		print_failures(&rep);
	} else {
		report_text(stdout, &rep);
	}
	fflush(stdout);
	report_release(&rep);
	if (o->trace && pagemig_trace_close()) {
		fprintf(stderr, "pagemig run: %s: write failed\n", o->trace);
		ret = -EIO;
	}
	return ret ? CLI_FAILED : CLI_OK;
}

/* A sweep's child: one point, one seed, the report as JSON on stdout. */
static int run_point(void *ctx, const struct sweep *sw,
		     const struct sweep_point *pt, uint64_t seed)
{
	struct run_cli *o = ctx;

	o->json = true;
	o->quiet = true;	/* no progress line */
	o->seed = seed;
	o->seed_given = true;
	o->point = pt;
	sweep_apply_machine(sw, pt, &o->sc->cfg);
	return run_once(o, o->sc);
}

/* Every point's machine must build: say which does not, before running. */
static int check_points(struct run_cli *o)
{
	const struct sweep *sw = &o->sweep;
	struct sweep_point pt = { 0 };
	struct pagemig_config cfg;
	char why[256];
	unsigned int i;

	for (;;) {
		cfg = o->sc->cfg;
		sweep_apply_machine(sw, &pt, &cfg);
		if (pagemig_config_check(&cfg, why, sizeof(why)))
			return cli_usage("run", "--set: %s: %s", o->sc->file, why);
		cli_warn_host_memory("run", o->sc->file, &cfg);
		/* The next point, the last key fastest. */
		for (i = sw->nr_keys; i-- > 0;) {
			if (++pt.idx[i] < sw->keys[i].nr)
				break;
			pt.idx[i] = 0;
		}
		if (i == (unsigned int)-1)
			return 0;
	}
}

/**
 * cmd_run() - pagemig run [NAME | FILE.yaml] [--seed N] [--json] [--quiet]
 *	[--parallel] [--no-timings] [--depth D] [--repeat N] [--set K=V,...]
 * @argc: arguments after "pagemig".
 * @argv: argv[0] is "run".
 *
 * Return: CLI_OK, CLI_FAILED (a step failed, pages were corrupted, or
 * the machine could not be built) or CLI_USAGE.
 */
/* Every file the run will write, checked before it starts. */
static int check_outputs(const struct run_cli *o)
{
	if (o->kpagecount && !o->kpageflags)
		return cli_usage("run", "--kpagecount needs --kpageflags");
	return cli_check_output("run", "--picture", o->picture, true) ?:
	       cli_check_output("run", "--kpageflags", o->kpageflags, false) ?:
	       cli_check_output("run", "--kpagecount", o->kpagecount, false) ?:
	       cli_check_output("run", "--trace", o->trace, false) ?:
	       cli_check_output("run", "--explain", cli_output_file(o->explain), false) ?:
	       cli_check_output("run", "--csv", o->sweep.csv, false) ?:
	       cli_check_output("run", "--plot", o->sweep.plot, false);
}

int cmd_run(int argc, char **argv)
{
	struct run_cli o = { .what = "default" };
	struct scenario *sc;
	int ret;

	ret = parse_args(&o, argc, argv);
	if (!ret && !o.check)
		ret = check_outputs(&o);
	if (ret)
		goto out;
	ret = cli_load_scenario("run", o.what, &sc);
	if (ret)
		goto out;
	o.sc = sc;
	if (o.check) {
		if (!o.quiet)
			printf("%s: ok, %u step%s\n", sc->file, sc->nr_steps,
			       sc->nr_steps == 1 ? "" : "s");
		ret = CLI_OK;
	} else if (sweep_active(&o.sweep)) {
		ret = check_points(&o);
		if (!ret)
			ret = sweep_run(&o.sweep, o.what,
					o.seed_given ? o.seed : sc->cfg.seed,
					!o.seed_given, run_point, &o);
	} else {
		cli_warn_host_memory("run", sc->file, &sc->cfg);
		ret = run_once(&o, sc);
	}
	scenario_free(sc);
out:
	sweep_free(&o.sweep);
	return ret;
}
