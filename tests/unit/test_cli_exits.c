// SPDX-License-Identifier: GPL-2.0
/*
 * Exact exits of pagemig run: an output it cannot write is refused before
 * anything runs (exit 2, one line naming the path and the error), a
 * stdout that cannot be written fails the command (exit 1), and SIGINT or
 * SIGTERM still leaves what was printed in a redirected stdout.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "harness/cli_run.h"
#include "harness/test.h"

static void tmp_path(char *path, size_t len, const char *name)
{
	snprintf(path, len, "/tmp/test_cli_exits.%d.%s", (int)getpid(), name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Is stderr exactly one line? */
static bool one_line(const char *err)
{
	const char *nl = strchr(err, '\n');

	return nl && !nl[1];
}

/*
 * Start pagemig with stdout to @out (stderr to @err) in a process group of
 * its own, so a signal reaches the children of a sweep too.
 */
static pid_t start(const char *out, const char *err, const char *const *args)
{
	const char *argv[16] = { built("pagemig") };
	pid_t pid;
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	fflush(NULL);
	pid = fork();
	if (!pid) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);

		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (o < 0 || e < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(126);
	}
	setpgid(pid, pid);
	return pid;
}

static int finish(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd >= 0)
		slurp(fd, buf, size);
}

/* Rows 16-17: a --picture that is a regular file, before the run. */
TEST(picture_on_a_regular_file_is_refused_before_the_run)
{
	char y[128], file[128], want[300];
	const char *args[] = { "run", y, "--picture", file, NULL };
	static struct run r;

	tmp_path(y, sizeof(y), "small.yaml");
	tmp_path(file, sizeof(file), "not-a-dir");
	write_file(y, small_yaml());
	write_file(file, "x\n");
	pagemig(&r, args);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	snprintf(want, sizeof(want), "pagemig run: --picture %s: Not a directory\n", file);
	EXPECT_STREQ(want, r.err);
	unlink(file);
	unlink(y);
}

/* Rows 16-17: --kpageflags, --trace, --explain, --csv that cannot be created. */
TEST(unwritable_outputs_are_refused_before_the_run)
{
	static const char *const opts[][4] = {
		{ "--kpageflags", NULL },
		{ "--trace", NULL },
		{ "--explain", NULL },
		{ "--csv", "--set", "cpus=1,2" },
		{ "--picture", NULL },
	};
	char y[128], path[160];
	static struct run r;
	unsigned int i;

	tmp_path(y, sizeof(y), "small.yaml");
	write_file(y, small_yaml());
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *args[] = { "run", y, opts[i][0], path, opts[i][1],
				       opts[i][2], NULL };

		snprintf(path, sizeof(path), "/tmp/test_cli_exits.%d.no-such-dir/out",
			 (int)getpid());
		pagemig(&r, args);
		TH_LOG("%s: %d: %s", opts[i][0], r.status, r.err);
		EXPECT_EQ(2, r.status);
		/* Refused before the run: nothing on stdout. */
		EXPECT_STREQ("", r.out);
		EXPECT_TRUE(one_line(r.err));
		EXPECT_NOT_NULL(strstr(r.err, opts[i][0]));
		EXPECT_NOT_NULL(strstr(r.err, path));
		EXPECT_NOT_NULL(strstr(r.err, ": No such file or directory\n"));
	}
	unlink(y);
}

/* Row 18: a write error on stdout exits 1 with one line on stderr. */
TEST(stdout_on_dev_full_exits_1)
{
	static const char *const cmds[][3] = {
		{ "run", NULL },		/* y, filled in below */
		{ "--version", NULL },
		{ "scenarios", NULL },
		{ "run", "--help" },
	};
	char y[128], err[128], text[4096];
	unsigned int i;

	tmp_path(y, sizeof(y), "small.yaml");
	tmp_path(err, sizeof(err), "err");
	write_file(y, small_yaml());
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = { cmds[i][0], i ? cmds[i][1] : y, NULL };
		int status = finish(start("/dev/full", err, args));

		read_file(err, text, sizeof(text));
		TH_LOG("%s %s: %d: %s", args[0], args[1] ? args[1] : "", status, text);
		EXPECT_EQ(1, status);
		EXPECT_NOT_NULL(strstr(text, "pagemig: stdout: No space left on device\n"));
	}
	unlink(err);
	unlink(y);
}

/* Has @pid a child running @comm (as /proc shows it)? */
static bool has_child(pid_t pid, const char *comm)
{
	char path[64], name[64], list[256], *p, *end;
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	for (p = list; !found && *p; p = end) {
		long c = strtol(p, &end, 10);

		if (end == p)
			break;
		snprintf(path, sizeof(path), "/proc/%ld/comm", c);
		f = fopen(path, "r");
		if (f) {
			found = fgets(name, sizeof(name), f) &&
				!strncmp(name, comm, strlen(comm));
			fclose(f);
		}
	}
	return found;
}

/*
 * Row 23: SIGINT or SIGTERM while run --set --plot has gnuplot draw: the
 * points and the table are printed but still in stdout's buffer.  They
 * must reach the file, and the process must die of the signal.
 */
TEST(a_signal_keeps_what_was_printed)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	const struct timespec ms = { 0, 1000000 };
	char y[128], png[128], out[128], err[128], bin[128], gp[160];
	char path[4096];
	const char *old_path = getenv("PATH");
	static char text[65536];
	const char *args[] = { "run", y, "--set", "watermark_scale_factor=10,1000",
			       "--set", "cpus=1,2", "--plot", png, NULL };
	unsigned int i, waited;

	tmp_path(y, sizeof(y), "small.yaml");
	tmp_path(png, sizeof(png), "plot.png");
	tmp_path(out, sizeof(out), "out");
	tmp_path(err, sizeof(err), "err");
	tmp_path(bin, sizeof(bin), "bin");
	write_file(y, small_yaml());
	/*
	 * A gnuplot that takes the plot and then waits: the run is still in
	 * pclose(), its table printed, when the signal comes (the real one
	 * may be done before a poll sees it).  popen() runs it through sh.
	 */
	ASSERT_EQ(0, mkdir(bin, 0755));
	snprintf(gp, sizeof(gp), "%s/gnuplot", bin);
	write_file(gp, "#!/bin/sh\ncat >/dev/null\nsleep 60\n");
	ASSERT_EQ(0, chmod(gp, 0755));
	snprintf(path, sizeof(path), "%s:%s", bin, old_path ? old_path : "/usr/bin:/bin");
	ASSERT_EQ(0, setenv("PATH", path, 1));
	for (i = 0; i < 2; i++) {
		pid_t pid = start(out, err, args);
		int status;

		for (waited = 0; waited < 60000 && !has_child(pid, "sh") &&
				 !has_child(pid, "gnuplot"); waited++)
			nanosleep(&ms, NULL);
		ASSERT_GT(60000U, waited);
		kill(pid, sigs[i]);
		status = finish(pid);
		kill(-pid, SIGKILL);	/* the stand-in gnuplot, waiting */
		read_file(out, text, sizeof(text));
		TH_LOG("signal %d: status %d, stdout: %.300s", sigs[i], status, text);
		EXPECT_EQ(128 + sigs[i], status);
		EXPECT_NOT_NULL(strstr(text, "point  settings\n"));
		EXPECT_NOT_NULL(strstr(text, "    4  watermark_scale_factor=1000 cpus=2\n"));
	}
	if (old_path)
		setenv("PATH", old_path, 1);
	unlink(gp);
	rmdir(bin);
	unlink(png);
	unlink(out);
	unlink(err);
	unlink(y);
}
