/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What capture.c, capture_trace.c and capture_workload.c share: growing
 * buffers, a zstd file writer, the trace instance and the workload.
 */
#ifndef _PAGEMIG_CAPTURE_INTERNAL_H
#define _PAGEMIG_CAPTURE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "capture.h"
#include "lib/ktime.h"

/* A buffer that grows, or (fixed) one allocated and touched in advance. */
struct blob {
	char *data;
	size_t len, cap;
	bool fixed;
};

int blob_printf(struct blob *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int blob_append(struct blob *b, const void *p, size_t n);
int blob_read_file(struct blob *b, const char *path);
void blob_free(struct blob *b);

struct zwriter {
	FILE *f;
	void *cctx;			/* ZSTD_CCtx */
	char out[1 << 17];
};

int zwriter_open(struct zwriter *w, const char *path, int level);
int zwriter_write(struct zwriter *w, const void *p, size_t n);
int zwriter_close(struct zwriter *w, bool ok);

void capture_say(const struct capture_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void capture_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *root_path(const struct capture_opts *o, char *buf, size_t size,
		const char *path);
char *capture_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int capture_write_sysfs(const char *path, const char *val);
int capture_write(const struct capture_opts *o, const char *name,
		  const void *data, size_t len, bool zst);

/* The ftrace instance: tracefs/instances/CAPTURE_TRACE_INSTANCE. */
struct tracer {
	char dir[4096];			/* "" until set up */
	bool created;			/* we made it, we remove it */
	unsigned long lost;		/* overrun + dropped events, all CPUs */
};

void tracer_init(struct tracer *t);
int tracer_setup(struct tracer *t, const struct capture_opts *o);
int tracer_on(struct tracer *t, bool on);
int tracer_save(struct tracer *t, const struct capture_opts *o);
void tracer_teardown(struct tracer *t, const struct capture_opts *o);

/* The workload: CMD started with its output in DIR/workload.out. */
struct workload {
	pid_t pid;			/* 0 when none runs */
	int out_fd;			/* its stdout and stderr */
	FILE *log;			/* DIR/workload.out */
	char **argv;
	struct blob out;		/* everything it printed */
	size_t scanned;			/* bytes of @out searched for "ready" */
	int status;			/* waitpid() status once it exited */
	bool exited;
};

void workload_init(struct workload *w);
int workload_start(struct workload *w, const struct capture_opts *o);
int workload_finish(struct workload *w, const struct capture_opts *o,
		    bool abort);
int workload_result(const struct workload *w, struct blob *r);
void workload_exit(struct workload *w);

#endif /* _PAGEMIG_CAPTURE_INTERNAL_H */
