// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own record of a compaction: the compaction:* and
 * migrate:mm_migrate_pages(_start) trace events, collected in an ftrace
 * instance of our own (tracefs/instances/pagemig-capture), so that the
 * top-level trace buffer and whatever else traces on this machine are
 * neither read nor disturbed, and the ring buffer goes away with the
 * instance.  The trace text is saved as it is printed in trace, zstd'd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_internal.h"
#include "cli.h"

#define TRACEFS	"/sys/kernel/tracing"

/* Events under the instance's events/, and whether one must be there. */
static const struct {
	const char *event;
	bool needed;
} trace_events[] = {
	{ "compaction", true },
	{ "migrate/mm_migrate_pages", true },
	{ "migrate/mm_migrate_pages_start", false },
};

/**
 * tracer_init() - A tracer that has set up nothing yet.
 * @t: the tracer.
 */
void tracer_init(struct tracer *t)
{
	memset(t, 0, sizeof(*t));
}

static int tracer_write(struct tracer *t, const char *file, const char *val)
{
	char path[4200];
	int ret;

	capture_path(path, sizeof(path), "%s/%s", t->dir, file);
	ret = capture_write_sysfs(path, val);
	if (ret)
		capture_err("%s: %s", path, strerror(-ret));
	return ret;
}

/* tracefs mounted under the root, mounting it on this machine if need be. */
static int find_tracefs(const struct capture_opts *o, char *buf, size_t size)
{
	char probe[4200];

	root_path(o, buf, size, TRACEFS);
	capture_path(probe, sizeof(probe), "%s/instances", buf);
	if (!access(probe, F_OK))
		return 0;
	if (!o->root[0] && !mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		capture_say(o, "mounted tracefs on %s", TRACEFS);
		if (!access(probe, F_OK))
			return 0;
	}
	capture_err("%s: tracefs is not mounted there%s (mount -t tracefs nodev %s); --compact needs it, with CONFIG_FTRACE",
		    buf, o->root[0] ? "" : " and mounting it failed", TRACEFS);
	return CLI_USAGE;
}

/**
 * tracer_setup() - Make the instance, size its buffer, enable the events.
 * @t: the tracer.
 * @o: the options (root, buffer size).
 *
 * Leaves tracing off and the buffer empty.  An instance left behind by a
 * capture that was killed is reused.
 *
 * Return: 0; CLI_USAGE when tracefs or the events are missing;
 * CLI_FAILED when a tracefs file cannot be written.
 */
int tracer_setup(struct tracer *t, const struct capture_opts *o)
{
	char base[4096], path[4200], val[32];
	size_t i;
	int ret;

	ret = find_tracefs(o, base, sizeof(base));
	if (ret)
		return ret;
	capture_path(t->dir, sizeof(t->dir), "%s/instances/%s", base,
		 CAPTURE_TRACE_INSTANCE);
	if (!mkdir(t->dir, 0700))
		t->created = true;
	else if (errno != EEXIST) {
		capture_err("%s: %s", t->dir, strerror(errno));
		t->dir[0] = '\0';
		return CLI_FAILED;
	}
	for (i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		capture_path(path, sizeof(path), "%s/events/%s/enable", t->dir,
			 trace_events[i].event);
		if (!access(path, W_OK) || !trace_events[i].needed)
			continue;
		capture_err("%s: %s; this kernel has no %s trace event (CONFIG_COMPACTION, CONFIG_MIGRATION)",
			    path, strerror(errno), trace_events[i].event);
		return CLI_USAGE;
	}
	snprintf(val, sizeof(val), "%lu", o->buffer_kb);
	if (tracer_write(t, "tracing_on", "0") ||
	    tracer_write(t, "buffer_size_kb", val) ||
	    tracer_write(t, "trace", ""))
		return CLI_FAILED;
	for (i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable",
			 trace_events[i].event);
		capture_path(base, sizeof(base), "%s/%s", t->dir, path);
		if (access(base, W_OK))
			continue;
		if (tracer_write(t, path, "1"))
			return CLI_FAILED;
	}
	capture_say(o, "tracing compaction into %s (%lu KiB a CPU)", t->dir,
		    o->buffer_kb);
	return 0;
}

/**
 * tracer_on() - Start or stop recording.
 * @t: the tracer, set up.
 * @on: start (true) or stop.
 *
 * Return: 0 or CLI_FAILED.
 */
int tracer_on(struct tracer *t, bool on)
{
	if (!t->dir[0])
		return 0;
	return tracer_write(t, "tracing_on", on ? "1" : "0") ? CLI_FAILED : 0;
}

/* Events the ring buffer lost: "overrun:" plus "dropped events:" per CPU. */
static unsigned long count_lost(struct tracer *t)
{
	char path[4400], line[256], cpus[4200];
	unsigned long total = 0, v;
	struct dirent *de;
	FILE *f;
	DIR *d;

	capture_path(cpus, sizeof(cpus), "%s/per_cpu", t->dir);
	d = opendir(cpus);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "cpu", 3))
			continue;
		capture_path(path, sizeof(path), "%s/%s/stats", cpus, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %lu", &v) == 1 ||
			    sscanf(line, "dropped events: %lu", &v) == 1)
				total += v;
		fclose(f);
	}
	closedir(d);
	return total;
}

/**
 * tracer_save() - Write the instance's trace text to o->dir/trace.zst.
 * @t: the tracer, stopped.
 * @o: the options.
 *
 * Also counts the events the ring buffer lost into @t->lost and warns
 * when there were any: the trace then misses the start of the compaction.
 *
 * Return: 0 or CLI_FAILED.
 */
int tracer_save(struct tracer *t, const struct capture_opts *o)
{
	char path[4200], out[4200];
	static char buf[1 << 16];
	size_t total = 0;
	struct zwriter w;
	ssize_t n = 0;
	int fd, ret;

	capture_path(path, sizeof(path), "%s/trace", t->dir);
	capture_path(out, sizeof(out), "%s/trace.zst", o->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		capture_err("%s: %s", path, strerror(errno));
		return CLI_FAILED;
	}
	ret = zwriter_open(&w, out, o->level);
	if (ret) {
		capture_err("%s: %s", out, strerror(-ret));
		close(fd);
		return CLI_FAILED;
	}
	while (!ret && ((n = read(fd, buf, sizeof(buf))) > 0 ||
			(n < 0 && errno == EINTR))) {
		if (n > 0) {
			ret = zwriter_write(&w, buf, n);
			total += n;
		}
	}
	if (n < 0)
		ret = -errno;
	close(fd);
	ret = zwriter_close(&w, !ret) ?: ret;
	if (ret) {
		capture_err("%s: %s", ret == -EIO ? out : path, strerror(-ret));
		return CLI_FAILED;
	}
	t->lost = count_lost(t);
	capture_say(o, "trace: %zu KiB of text", total >> 10);
	if (t->lost)
		capture_err("warning: the trace lost %lu events (ring buffer full); give a larger --buffer-kb",
			    t->lost);
	return 0;
}

/**
 * tracer_teardown() - Disable the events, drop the instance if ours.
 * @t: the tracer (nothing happens if it was never set up).
 * @o: the options.
 */
void tracer_teardown(struct tracer *t, const struct capture_opts *o)
{
	char path[4200];
	size_t i;

	if (!t->dir[0])
		return;
	tracer_on(t, false);
	for (i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		capture_path(path, sizeof(path), "%s/events/%s/enable", t->dir,
			 trace_events[i].event);
		if (!access(path, W_OK))
			capture_write_sysfs(path, "0");
	}
	if (t->created && rmdir(t->dir))
		capture_err("warning: %s: %s; remove it with rmdir", t->dir,
			    strerror(errno));
	t->dir[0] = '\0';
}
