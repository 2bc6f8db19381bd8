// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of a capture: a command that builds a memory state, says
 * so with a line starting with "ready" on its standard output, holds the
 * state until SIGUSR1, then checks its data and exits (0 when intact).
 * Its standard output and error go, as they come, to DIR/workload.out,
 * and its exit status to the result file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture_internal.h"
#include "cli.h"

/**
 * workload_init() - A workload that has not been started.
 * @w: the workload.
 */
void workload_init(struct workload *w)
{
	memset(w, 0, sizeof(*w));
	w->out_fd = -1;
}

static void child(struct workload *w, int out, int err_fd, pid_t parent)
{
	int e, null;

	/* Never outlive the capture: a workload holds gigabytes. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(out, STDERR_FILENO);
	execvp(w->argv[0], w->argv);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Text of the command, for messages: "build/twinload anon 4 2". */
static void command_text(const struct workload *w, char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; w->argv[i] && used < size; i++)
		used += snprintf(buf + used, size - used, "%s%s", i ? " " : "",
				 w->argv[i]);
}

static void reap(struct workload *w, bool kill_it)
{
	if (!w->pid || w->exited)
		return;
	if (kill_it)
		kill(w->pid, SIGKILL);
	while (waitpid(w->pid, &w->status, 0) < 0 && errno == EINTR)
		;
	w->exited = true;
}

/* Read what is there (waiting at most @ms); Return: bytes, 0 at EOF, -1 timeout. */
static ssize_t pump(struct workload *w, int ms)
{
	struct pollfd p = { .fd = w->out_fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, ms) == 0)
		return -1;
	n = read(w->out_fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n > 0) {
		fwrite(buf, 1, n, w->log);
		fflush(w->log);
		if (blob_append(&w->out, buf, n))
			return 0;
	}
	return n;
}

/* The first complete line starting with "ready", or NULL. */
static const char *ready_line(struct workload *w, size_t *len)
{
	char *p = w->out.data + w->scanned, *end = w->out.data + w->out.len;
	char *nl;

	while (p < end && (nl = memchr(p, '\n', end - p))) {
		if (!strncmp(p, "ready", 5) && nl - p >= 5) {
			*len = nl - p;
			return p;
		}
		p = nl + 1;
		w->scanned = p - w->out.data;
	}
	return NULL;
}

static void say_status(const struct workload *w, char *buf, size_t size)
{
	if (WIFEXITED(w->status))
		snprintf(buf, size, "status %d", WEXITSTATUS(w->status));
	else if (WIFSIGNALED(w->status))
		snprintf(buf, size, "signal %d (%s)", WTERMSIG(w->status),
			 strsignal(WTERMSIG(w->status)));
	else
		snprintf(buf, size, "wait status 0x%x", w->status);
}

static int wait_ready(struct workload *w, const struct capture_opts *o,
		      const char *cmd)
{
	double t0 = ktime_get_wall_ns() / 1e9, left;
	const char *line;
	char how[96];
	size_t len;
	ssize_t n;

	for (;;) {
		line = ready_line(w, &len);
		if (line) {
			capture_say(o, "workload ready after %.1f s: %.*s",
				    ktime_get_wall_ns() / 1e9 - t0, (int)len, line);
			return 0;
		}
		left = o->ready_timeout - (ktime_get_wall_ns() / 1e9 - t0);
		n = left > 0 ? pump(w, left * 1000 + 1) : -1;
		if (n < 0) {
			reap(w, true);
			capture_err("'%s' printed no line starting with 'ready' in %u s; killed it (its output: %s/workload.out; --ready-timeout gives it longer)",
				    cmd, o->ready_timeout, o->dir);
			return CLI_FAILED;
		}
		if (n == 0) {
			reap(w, false);
			say_status(w, how, sizeof(how));
			capture_err("'%s' ended (%s) before printing a line starting with 'ready'; its output is in %s/workload.out",
				    cmd, how, o->dir);
			return CLI_FAILED;
		}
	}
}

/**
 * workload_start() - Start o->cmd and wait until it is ready.
 * @w: the workload, initialised.
 * @o: the options (cmd, dir, ready_timeout).
 *
 * Return: 0 once it printed its "ready" line; CLI_USAGE if it cannot be
 * run at all; CLI_FAILED if it ended first or took longer than
 * o->ready_timeout (it is killed).  workload_exit() cleans up in every
 * case.
 */
int workload_start(struct workload *w, const struct capture_opts *o)
{
	int out[2], err[2], e = 0;
	char path[4096], cmd[1024];
	pid_t parent = getpid();
	ssize_t n;

	w->argv = o->cmd;
	command_text(w, cmd, sizeof(cmd));
	capture_path(path, sizeof(path), "%s/workload.out", o->dir);
	w->log = fopen(path, "we");
	if (!w->log) {
		capture_err("%s: %s", path, strerror(errno));
		return CLI_FAILED;
	}
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		capture_err("pipe: %s", strerror(errno));
		return CLI_FAILED;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid == 0)
		child(w, out[1], err[1], parent);
	close(out[1]);
	close(err[1]);
	w->out_fd = out[0];
	if (w->pid < 0) {
		w->pid = 0;
		close(err[0]);
		capture_err("fork: %s", strerror(errno));
		return CLI_FAILED;
	}
	while ((n = read(err[0], &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(err[0]);
	if (n == sizeof(e)) {
		reap(w, false);
		capture_err("cannot run '%s': %s", w->argv[0], strerror(e));
		return CLI_USAGE;
	}
	capture_say(o, "started workload (pid %d): %s", (int)w->pid, cmd);
	return wait_ready(w, o, cmd);
}

/**
 * workload_finish() - Signal the workload and collect its exit.
 * @w: the workload, ready.
 * @o: the options.
 * @abort: the capture failed: kill it instead.
 *
 * Return: 0 when it exited with status 0 (or @abort), CLI_FAILED when it
 * failed (its check found damaged data, or it died) or did not exit
 * within o->ready_timeout of SIGUSR1.
 */
int workload_finish(struct workload *w, const struct capture_opts *o,
		    bool abort)
{
	double t0 = ktime_get_wall_ns() / 1e9, left;
	char how[96], cmd[1024];
	ssize_t n;

	if (!w->pid || w->exited)
		return 0;
	if (abort) {
		reap(w, true);
		return 0;
	}
	command_text(w, cmd, sizeof(cmd));
	kill(w->pid, SIGUSR1);
	do {
		left = o->ready_timeout - (ktime_get_wall_ns() / 1e9 - t0);
		n = left > 0 ? pump(w, left * 1000 + 1) : -1;
	} while (n > 0);
	if (n < 0) {
		reap(w, true);
		capture_err("'%s' did not exit within %u s of SIGUSR1; killed it",
			    cmd, o->ready_timeout);
		return CLI_FAILED;
	}
	reap(w, false);
	say_status(w, how, sizeof(how));
	if (WIFEXITED(w->status) && !WEXITSTATUS(w->status)) {
		capture_say(o, "workload exited with %s", how);
		return 0;
	}
	capture_err("'%s' failed (%s) after the capture: the state captured may not be the one it built; see %s/workload.out",
		    cmd, how, o->dir);
	return CLI_FAILED;
}

/**
 * workload_result() - The workload's lines of the result file.
 * @w: the workload (nothing is added if none ran).
 * @r: the result text.
 *
 * Return: 0 or -ENOMEM.
 */
int workload_result(const struct workload *w, struct blob *r)
{
	char cmd[1024];
	int code, ret;

	if (!w->argv || !w->exited)
		return 0;
	command_text(w, cmd, sizeof(cmd));
	code = WIFEXITED(w->status) ? WEXITSTATUS(w->status) :
	       128 + WTERMSIG(w->status);
	ret = blob_printf(r, "workload_command %s\nworkload_exit_status %d\n",
			  cmd, code);
	if (!ret && code)
		ret = blob_printf(r, "workload_failed %d\n", code);
	if (!ret && w->out.len)
		ret = blob_append(r, w->out.data, w->out.len);
	if (!ret && w->out.len && w->out.data[w->out.len - 1] != '\n')
		ret = blob_printf(r, "\n");
	return ret;
}

/**
 * workload_exit() - Kill the workload if it still runs; free everything.
 * @w: the workload.
 */
void workload_exit(struct workload *w)
{
	reap(w, true);
	if (w->out_fd >= 0)
		close(w->out_fd);
	if (w->log)
		fclose(w->log);
	blob_free(&w->out);
	workload_init(w);
}
