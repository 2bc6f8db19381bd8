/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pagemig command line: one cmd_<verb>.c per command, dispatched by
 * main.c through commands[].  Exit statuses are the same everywhere:
 * 0 success, 1 the run found a problem (corrupted pages, a failed
 * expectation) or the machine could not be built, 2 bad usage or bad
 * input (unknown option, bad scenario).
 */
#ifndef _PAGEMIG_CLI_H
#define _PAGEMIG_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
	CLI_OK = 0,
	CLI_FAILED = 1,
	CLI_USAGE = 2,
};

struct command {
	const char *name;
	const char *summary;		/* one line, for pagemig --help */
	int (*fn)(int argc, char **argv);
	const char *help;		/* the manual page */
};

extern const struct command commands[];	/* NULL-name terminated */
extern const char help_main[];
extern const char help_run[], help_scenarios[], help_bench[], help_help[];

const struct command *command_find(const char *name);

int cmd_run(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_page_types(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_twin(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_compare(int argc, char **argv);
extern const char help_import[], help_page_types[], help_capture[];
extern const char help_twin[], help_explore[], help_compare[];

struct option;

/* A struct option val from here up has no short option (cli_getopt()). */
#define CLI_LONG_ONLY	256

/* cli.c */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_getopt(const char *cmd, int argc, char **argv,
	       const struct option *opts);
int cli_bad_option(const char *cmd, int argc, char **argv, int c,
		   const char *const *longs);
int cli_parse_u64(const char *s, uint64_t *out);
int cli_parse_size(const char *s, uint64_t *out);
struct scenario;
int cli_load_scenario(const char *cmd, const char *what, struct scenario **sc);

/* cmd_help.c, manpage.c */
void cli_print_help(const char *cmd, FILE *f);
int cli_close_stdout(int ret);
/* An output option's file, or NULL when it is "-" (stdout) or not given. */
static inline const char *cli_output_file(const char *path)
{
	return path && strcmp(path, "-") ? path : NULL;
}

int cli_check_output(const char *cmd, const char *opt, const char *path,
		     bool dir);
int man_print(const char *name, FILE *f);

/* Start the deterministic scheduler for @cmd; 0, or -1 having said why. */
int cli_sched_start(const char *cmd, uint64_t seed);
/* One warning line if the host cannot back @cfg's machine now. */
struct pagemig_config;
void cli_warn_host_memory(const char *cmd, const char *file,
			  const struct pagemig_config *cfg);

/* Progress on stderr, only when it is a terminal. */
struct progress {
	bool enabled;
	bool drawn;
	double last;
	unsigned int nr_steps;
};

void progress_init(struct progress *p, bool quiet, unsigned int nr_steps);
void progress_update(struct progress *p, const char *what, unsigned int step,
		     unsigned long done, unsigned long total);
void progress_clear(struct progress *p);

#endif /* _PAGEMIG_CLI_H */
