/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests of the command line run the pagemig built beside them
 * ($(O)/pagemig; the test's rule depends on it), as users run it:
 * pagemig(&r, args) fills r with the exit status, stdout and stderr.
 */
#ifndef _PAGEMIG_TEST_CLI_RUN_H
#define _PAGEMIG_TEST_CLI_RUN_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[65536], err[8192];
};

/* $(O)/NAME, from $(O)/tests/unit/test_X. */
static inline const char *built(const char *name)
{
	static char path[2 * PATH_MAX];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return name;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(path, sizeof(path), "%s/../../%s", self, name);
	return path;
}

static inline void slurp(int fd, char *buf, size_t size)
{
	ssize_t n, got = 0;

	lseek(fd, 0, SEEK_SET);
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
}

/* Run pagemig with @args (NULL-terminated); stdout and stderr kept. */
static inline void pagemig(struct run *r, const char *const *args)
{
	char out[] = "/tmp/pagemig_cli.XXXXXX", err[] = "/tmp/pagemig_cli.XXXXXX";
	const char *argv[16] = { built("pagemig") };
	int o = mkstemp(out), e = mkstemp(err), st, i;
	pid_t pid;

	unlink(out);
	unlink(err);
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(126);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(o, r->out, sizeof(r->out));
	slurp(e, r->err, sizeof(r->err));
}

/* The line of @text that starts with @prefix (after blanks), or NULL. */
static inline const char *line_of(const char *text, const char *prefix)
{
	const char *p = text;

	while (p && *p) {
		const char *s = p + strspn(p, " ");

		if (!strncmp(s, prefix, strlen(prefix)))
			return s;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* Does a line starting with @prefix hold @what (which may end in "\n")? */
static inline bool line_has(const char *text, const char *prefix, const char *what)
{
	const char *l = line_of(text, prefix);

	while (l) {
		const char *end = strchr(l, '\n'), *hit = strstr(l, what);

		if (hit && (!end || hit < end + 1))
			return true;
		l = end ? line_of(end + 1, prefix) : NULL;
	}
	return false;
}

/* A scenario that runs in a moment and whose figures move with its sysctls. */
static inline const char *small_yaml(void)
{
	return "machine: { memory: 32M, zones: { dma32: 16M } }\n"
	       "steps:\n"
	       "  - alloc: { count: 2000, gfp: GFP_HIGHUSER_MOVABLE, tag: a }\n"
	       "  - free: { tag: a, pattern: random, fraction: 0.5 }\n"
	       "  - compact\n";
}

#endif /* _PAGEMIG_TEST_CLI_RUN_H */
