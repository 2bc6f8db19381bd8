// SPDX-License-Identifier: GPL-2.0
/*
 * What every command shares: usage errors, option parsing with one
 * behaviour for -h/--help, unknown options and missing values, numbers,
 * and loading the scenario a command names, built-in or file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "workload/scenario.h"

/* Options of one command, -h/--help included. */
#define CLI_MAX_OPTS	32

/**
 * cli_usage() - Report a usage error with a pointer to the right help.
 * @cmd: the command ("run"), or NULL for pagemig itself.
 * @fmt: printf format of the problem.
 *
 * Return: CLI_USAGE, for "return cli_usage(...)".
 */
int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pagemig%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'pagemig%s%s --help' for more information.\n",
		cmd ? " " : "", cmd ? cmd : "");
	return CLI_USAGE;
}

/**
 * cli_bad_option() - Explain what getopt_long() did not like.
 * @cmd: the command.
 * @argc: its argc.
 * @argv: its argv.
 * @c: what getopt_long() returned: '?' (unknown) or ':' (no value).
 * @longs: NULL-terminated long option names, for "did you mean".
 *
 * Context: getopt_long() ran with opterr = 0 and a ':'-led optstring.
 * cli_getopt() calls it; a command should not need to.
 * Return: CLI_USAGE.
 */
int cli_bad_option(const char *cmd, int argc, char **argv, int c,
		   const char *const *longs)
{
	const char *opt = optind > 0 && optind <= argc ? argv[optind - 1] :
			  "?";
	char name[64];
	const char *hint;

	if (c == ':')
		return cli_usage(cmd, "option '%s' needs a value", opt);
	if (optopt && !(opt[0] == '-' && opt[1] == '-'))
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	snprintf(name, sizeof(name), "%s", opt + 2);
	name[strcspn(name, "=")] = '\0';
	hint = scenario_suggest(name, longs);
	if (hint)
		return cli_usage(cmd, "unknown option '%s' (did you mean '--%s'?)",
				 opt, hint);
	return cli_usage(cmd, "unknown option '%s'", opt);
}

/* One command's options as getopt_long() and "did you mean" take them. */
struct cli_optset {
	char **argv;			/* whose parse this is */
	char shorts[2 + 3 * CLI_MAX_OPTS + 1];
	struct option longs[CLI_MAX_OPTS + 1];
	const char *names[CLI_MAX_OPTS + 1];
};

static void optset_build(struct cli_optset *set, char **argv,
			 const struct option *opts)
{
	static const struct option help = { "help", no_argument, NULL, 'h' };
	char *s = set->shorts;
	unsigned int n;

	set->argv = argv;
	*s++ = ':';		/* a missing value returns ':', not '?' */
	for (n = 0; opts[n].name && n < CLI_MAX_OPTS - 1; n++) {
		set->longs[n] = opts[n];
		set->names[n] = opts[n].name;
		if (opts[n].val >= CLI_LONG_ONLY)
			continue;
		*s++ = opts[n].val;
		if (opts[n].has_arg != no_argument)
			*s++ = ':';
		if (opts[n].has_arg == optional_argument)
			*s++ = ':';
	}
	set->longs[n] = help;
	set->names[n++] = help.name;
	*s++ = 'h';
	*s = '\0';
	set->longs[n] = (struct option){ NULL, 0, NULL, 0 };
	set->names[n] = NULL;
}

/**
 * cli_getopt() - The next option of a command, with the shared handling.
 * @cmd: the command ("run"), for messages and its manual page.
 * @argc: its argc.
 * @argv: its argv; argv[0] is the command's name.
 * @opts: its options, ending with a NULL name.  A val below
 *        CLI_LONG_ONLY is the short option too; -h/--help is added and
 *        must not be listed.
 *
 * Every command parses with one loop:
 *
 *	while ((c = cli_getopt("run", argc, argv, opts)) != -1) {
 *		switch (c) {
 *		case 's':
 *			...
 *		}
 *	}
 *
 * then reads its operands from argv[optind].  A first call with a new
 * @argv starts the parse over.  -h and --help print the command's manual
 * page and exit with CLI_OK; an unknown option, or one without its value,
 * is named on stderr ("did you mean" included) and exits with CLI_USAGE,
 * as git's parse_options() does.  With PAGEMIG_LIST_OPTIONS set in the
 * environment, the first call lists the command's long options and exits
 * with CLI_OK instead, so a test can check that --help names each.
 *
 * Context: option parsing comes first in a command, before it allocates
 * anything, so exiting from here leaks nothing.
 * Return: the option's val, or -1 after the last option.
 */
int cli_getopt(const char *cmd, int argc, char **argv,
	       const struct option *opts)
{
	static struct cli_optset set;
	int c;

	if (set.argv != argv) {
		optset_build(&set, argv, opts);
		opterr = 0;
		optind = 0;	/* glibc: full re-initialisation */
		/* For the test that holds manual pages to the code. */
		if (getenv("PAGEMIG_LIST_OPTIONS")) {
			for (c = 0; set.names[c]; c++)
				printf("--%s\n", set.names[c]);
			exit(cli_close_stdout(CLI_OK));
		}
	}
	c = getopt_long(argc, argv, set.shorts, set.longs, NULL);
	if (c == 'h') {
		cli_print_help(cmd, stdout);
		exit(cli_close_stdout(CLI_OK));
	}
	if (c == '?' || c == ':')
		exit(cli_bad_option(cmd, argc, argv, c, set.names));
	return c;
}

/**
 * cli_parse_u64() - Parse a whole decimal (or 0x hex) unsigned number.
 * @s: the text.
 * @out: the value.
 *
 * Return: 0, or -1 if @s is not entirely a number in range.
 */
int cli_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ?
		     16 : 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/**
 * cli_parse_size() - Parse a size: bytes, or a number with K, M, G, T.
 * @s: the text: "24G", "256M", "4096K", "1GiB", "512".
 * @out: the bytes.
 *
 * Return: 0, or -1 if @s is not a size in range.
 */
int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': mul = 1ULL << 10; end++; break;
	case 'M': case 'm': mul = 1ULL << 20; end++; break;
	case 'G': case 'g': mul = 1ULL << 30; end++; break;
	case 'T': case 't': mul = 1ULL << 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

/*
 * A path, not a built-in name: it has a '/' or a YAML suffix, or no
 * built-in has that name and a file does ("pagemig run mine").
 */
static bool names_a_file(const char *what)
{
	size_t n = strlen(what);

	if (strchr(what, '/') ||
	    (n > 5 && !strcmp(what + n - 5, ".yaml")) ||
	    (n > 4 && !strcmp(what + n - 4, ".yml")))
		return true;
	return !scenario_builtin(what) && !access(what, F_OK);
}

/**
 * cli_load_scenario() - Load the scenario a command names.
 * @cmd: the command ("run"), for messages.
 * @what: a built-in scenario's name, or a file's path.
 * @sc: the scenario, on success; scenario_free() it.
 *
 * The one rule for "built-in or file?" (names_a_file()).  What is wrong
 * is said on stderr in one line: an unknown built-in with "did you mean",
 * a bad file as FILE:LINE: KEY: message.
 *
 * Return: 0, or CLI_USAGE.
 */
int cli_load_scenario(const char *cmd, const char *what, struct scenario **sc)
{
	bool file = names_a_file(what);
	char err[SCENARIO_ERR_LEN];
	const char *hint;
	int ret;

	if (file)
		ret = scenario_load_file(what, sc, err, sizeof(err));
	else
		ret = scenario_load_builtin(what, sc, err, sizeof(err));
	if (!ret)
		return 0;
	if (!file && ret == -ENOENT) {
		hint = scenario_builtin_suggest(what);
		if (hint)
			return cli_usage(cmd, "no built-in scenario '%s' (did you mean '%s'?); 'pagemig scenarios' lists them, and a file needs a path such as ./%s.yaml",
					 what, hint, what);
		return cli_usage(cmd, "no built-in scenario '%s'; 'pagemig scenarios' lists them, and a file needs a path such as ./%s.yaml",
				 what, what);
	}
	/* The message already names file, line, key and what was wrong. */
	fprintf(stderr, "%s\n", err);
	return CLI_USAGE;
}

/**
 * cli_sched_start() - Run the machine under the deterministic scheduler.
 * @cmd: the command, for the message.
 * @seed: the run's seed, which also picks the interleaving.
 *
 * Every command that builds a machine does this unless --parallel was
 * given; pagemig_sched_stop() after the machine is gone ends it.
 *
 * Return: 0, or -1 after a message on stderr.
 */
int cli_sched_start(const char *cmd, uint64_t seed)
{
	int ret = pagemig_sched_start(seed, 0, 0);

	if (ret)
		fprintf(stderr, "pagemig %s: cannot start the scheduler: %s\n",
			cmd, strerror(-ret));
	return ret ? -1 : 0;
}

/* @bytes as "32.5 MiB" or "11.2 GiB" in @buf (32 bytes). */
static const char *fmt_mib(uint64_t bytes, char *buf)
{
	if (bytes < (1ULL << 30))
		snprintf(buf, 32, "%.1f MiB", bytes / 1048576.0);
	else
		snprintf(buf, 32, "%.1f GiB", bytes / 1073741824.0);
	return buf;
}

/**
 * cli_warn_host_memory() - Say so if the host cannot back a machine now.
 * @cmd: the command, for the message ("run", "import", "page-types").
 * @file: the scenario or snapshot the machine comes from.
 * @cfg: the machine about to be built.
 *
 * One line on stderr when pagemig_host_memory() finds @cfg's need above
 * what the host has available: the command may still fit (the arena is
 * touched lazily), so it only warns, in the same words for every
 * command.  Once a process.
 */
void cli_warn_host_memory(const char *cmd, const char *file,
			  const struct pagemig_config *cfg)
{
	static bool warned;
	struct pagemig_host_memory hm;
	char m[32], n[32], a[32];

	if (warned || pagemig_host_memory(cfg, &hm) != 1)
		return;
	warned = true;
	fprintf(stderr, "pagemig %s: warning: %s: machine.memory %s needs %s of host memory with its mem_map, and the host has %s available (%s%s): the run may be OOM-killed\n",
		cmd, file, fmt_mib(cfg->memory, m), fmt_mib(hm.need, n),
		fmt_mib(hm.available, a), hm.source,
		strcmp(hm.source, "MemAvailable") ? "" : " + SwapFree");
}

/**
 * cli_close_stdout() - Make sure what was printed reached stdout.
 * @ret: the command's exit status so far.
 *
 * A write error (a full disk, /dev/full, a pipe whose reader left with
 * SIGPIPE ignored) shows at the last flush or at close(); it fails the
 * command with one line on stderr.  The FILE stays open, only its
 * descriptor is closed, so a late SIGINT's flush (main.c) finds a valid
 * stream with nothing in it.
 *
 * Return: @ret, or CLI_FAILED when stdout could not be written and @ret
 * was CLI_OK.
 */
int cli_close_stdout(int ret)
{
	bool failed;
	int err = 0;

	errno = 0;
	failed = fflush(stdout) || ferror(stdout);
	if (failed && !errno) {
		/*
		 * The error came at an earlier flush and its errno is gone.
		 * The output is cut short already; one more newline asks
		 * the file again why.
		 */
		clearerr(stdout);
		if (fputc('\n', stdout) == EOF || fflush(stdout))
			err = errno;
	} else if (failed) {
		err = errno;
	}
	if (close(STDOUT_FILENO) && errno != EBADF && !failed) {
		failed = true;
		err = errno;
	}
	if (!failed)
		return ret;
	fprintf(stderr, "pagemig: stdout: %s\n", strerror(err ? err : EIO));
	return ret ? ret : CLI_FAILED;
}

/**
 * cli_check_output() - Check, before anything runs, that an output can be written.
 * @cmd: the command, for the message.
 * @opt: the option that named it ("--trace").
 * @path: the file, or the directory when @dir; NULL: nothing to check.
 * @dir: @path is a directory the command writes files into (made here
 *	 when missing, as the command would make it).
 *
 * A run that finds at its end that it cannot write what it was asked to
 * has wasted the run: this asks the file system first.  A file that does
 * not exist yet is created and removed again, so the check is the same
 * open() the command makes later.
 *
 * Return: 0, or CLI_USAGE after one line naming the path and the error.
 */
int cli_check_output(const char *cmd, const char *opt, const char *path,
		     bool dir)
{
	struct stat st;
	int fd, err = 0;

	if (!path)
		return 0;
	if (dir) {
		if (mkdir(path, 0777) && errno != EEXIST)
			err = errno;
		else if (stat(path, &st))
			err = errno;
		else if (!S_ISDIR(st.st_mode))
			err = ENOTDIR;
		else if (access(path, W_OK | X_OK))
			err = errno;
	} else if (!stat(path, &st)) {
		if (S_ISDIR(st.st_mode))
			err = EISDIR;
		else if (access(path, W_OK))
			err = errno;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0) {
			err = errno;
		} else {
			close(fd);
			unlink(path);
		}
	}
	if (!err)
		return 0;
	fprintf(stderr, "pagemig %s: %s %s: %s\n", cmd, opt, path, strerror(err));
	return CLI_USAGE;
}
