// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig: the command-line tool.  main() handles the global options and
 * hands the rest to a command; each command parses its own options and
 * prints its own --help, so `pagemig help CMD`, `pagemig CMD --help` and
 * `man`-style reading all show the same page (cmd_help.c).  What the
 * commands share, option parsing first, is in cli.c.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pagemig/pagemig.h>

#include "cli.h"
#include "workload/scenario.h"

const struct command commands[] = {
	{ "run", "build a machine, run a scenario, print the report",
	  cmd_run, help_run },
	{ "scenarios", "list the built-in scenarios, or print one as YAML",
	  cmd_scenarios, help_scenarios },
	{ "bench", "run the benchmarks and print one figure a line",
	  cmd_bench, help_bench },
	{ "import", "build a machine from a capture or a /proc/kpageflags snapshot, analyse it",
	  cmd_import, help_import },
	{ "page-types", "the page-types summary of a kpageflags file or a scenario",
	  cmd_page_types, help_page_types },
	{ "capture", "write this machine's memory state, before and after compact_memory",
	  cmd_capture, help_capture },
	{ "twin", "hold pagemig's compaction of a capture against the kernel's",
	  cmd_twin, help_twin },
	{ "compare", "the figures of two or more JSON reports, largest change first",
	  cmd_compare, help_compare },
	{ "explore", "run a test or scenario over many seeds and schedules until one fails",
	  cmd_explore, help_explore },
	{ "help", "show the manual page of pagemig or of one command",
	  cmd_help, help_help },
	{ NULL },
};

/**
 * command_find() - Look a command up by name.
 * @name: the command's name.
 *
 * Return: the command, or NULL.
 */
const struct command *command_find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void short_usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: pagemig <command> [options]\n\ncommands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nTry 'pagemig --help' or 'pagemig help <command>'.\n");
}

/*
 * SIGINT and SIGTERM: stdout redirected to a file is fully buffered, and a
 * process killed by the default action loses what it had printed but not
 * yet written.  The handler only does what is async-signal-safe: it notes
 * the signal and writes it down a pipe.  A thread waiting on the pipe
 * flushes stdout (waiting a bounded time for a printf in progress to let go
 * of the stream), restores the default action and raises the signal again,
 * so the process still dies of it (128 + signal in the shell).  A second
 * signal before that happens kills at once.
 */
static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t signal_pending;
/*
 * Posted once the flusher waits on the pipe.  run --set and --repeat
 * fork() a child per run: a thread still starting up (allocating) when
 * the main thread forks leaves the child an allocator lock that no thread
 * of the child will ever release (seen with ASan's allocator: every
 * thread of the child waits on it).  Waiting for the flusher to be
 * parked in read() before anything else runs closes that window.
 */
static sem_t signal_flusher_ready;

static void signal_note(int sig)
{
	unsigned char b = sig;
	int saved = errno;

	if (signal_pending || write(signal_pipe[1], &b, 1) != 1) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	signal_pending = sig;
	errno = saved;
}

static void *signal_flusher(void *unused)
{
	struct timespec ms = { 0, 1000000 };
	unsigned char b;
	int i;

	sem_post(&signal_flusher_ready);
	while (read(signal_pipe[0], &b, 1) != 1)
		if (errno != EINTR)
			return NULL;
	for (i = 0; i < 200; i++) {
		if (!ftrylockfile(stdout)) {
			fflush(stdout);
			funlockfile(stdout);
			break;
		}
		nanosleep(&ms, NULL);
	}
	signal(b, SIG_DFL);
	raise(b);
	return NULL;
}

/* A fork()ed child has no flusher thread: it dies of the signal as is. */
static void signal_child(void)
{
	struct sigaction old;

	if (!sigaction(SIGINT, NULL, &old) && old.sa_handler == signal_note)
		signal(SIGINT, SIG_DFL);
	if (!sigaction(SIGTERM, NULL, &old) && old.sa_handler == signal_note)
		signal(SIGTERM, SIG_DFL);
}

static void signal_catch(int sig)
{
	struct sigaction sa = { .sa_handler = signal_note }, old;

	/* Ignored by whoever started us (a background job): leave it so. */
	if (sigaction(sig, NULL, &old) || old.sa_handler == SIG_IGN)
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

static void signal_flush_init(void)
{
	pthread_t t;

	if (pipe(signal_pipe))
		return;
	if (sem_init(&signal_flusher_ready, 0, 0) ||
	    pthread_create(&t, NULL, signal_flusher, NULL)) {
		close(signal_pipe[0]);
		close(signal_pipe[1]);
		return;
	}
	pthread_detach(t);
	while (sem_wait(&signal_flusher_ready) && errno == EINTR)
		;
	pthread_atfork(NULL, NULL, signal_child);
	signal_catch(SIGINT);
	signal_catch(SIGTERM);
}

static int dispatch(int argc, char **argv)
{
	const char *names[16], *hint;
	const struct command *c;
	int i = 0;

	if (argc < 2) {
		short_usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_help(NULL, stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("pagemig %s (%s)\n", pagemig_version(), pagemig_build_id());
		return CLI_OK;
	}
	if (argv[1][0] == '-')
		return cli_usage(NULL, "unknown option '%s'; options come after the command, as in 'pagemig run --seed 7'",
				 argv[1]);
	c = command_find(argv[1]);
	if (c)
		return c->fn(argc - 1, argv + 1);
	for (c = commands; c->name && i < 15; c++)
		names[i++] = c->name;
	names[i] = NULL;
	hint = scenario_suggest(argv[1], names);
	if (hint)
		return cli_usage(NULL, "unknown command '%s' (did you mean '%s'?)",
				 argv[1], hint);
	return cli_usage(NULL, "unknown command '%s'", argv[1]);
}

int main(int argc, char **argv)
{
	signal_flush_init();
	return cli_close_stdout(dispatch(argc, argv));
}
