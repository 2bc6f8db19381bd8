// SPDX-License-Identifier: GPL-2.0
/*
 * The host-kernel half of bench/kernel-compare.sh (not part of the
 * pagemig build: the files in bench/ are, this directory is not).
 *
 * Map N GiB of anonymous memory in 4 KiB pages (MADV_NOHUGEPAGE), write
 * every page, free every other page with madvise(MADV_DONTNEED), then
 * write 1 to /proc/sys/vm/compact_memory and time it, reading
 * /proc/vmstat before and after.  Prints "name value" lines:
 *
 *	host.gib, host.pages_written, host.pages_freed
 *	host.compact_seconds
 *	host.pgmigrate_success, host.pgmigrate_fail, host.compact_*  (deltas)
 *	host.migrate_rate	pgmigrate_success delta per second, pages/s
 *	host.content_errors	kept pages whose contents changed (must be 0)
 *
 * Usage: compact_host GIB
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/ktime.h"

#define PAGE	4096UL
#define MAX_STATS	256

struct stat_line {
	char name[64];
	unsigned long long v;
};

static int read_vmstat(struct stat_line *s)
{
	FILE *f = fopen("/proc/vmstat", "r");
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_STATS && fscanf(f, "%63s %llu", s[n].name, &s[n].v) == 2)
		n++;
	fclose(f);
	return n;
}

static int wanted(const char *name)
{
	return !strncmp(name, "pgmigrate_", 10) || !strncmp(name, "compact_", 8);
}

int main(int argc, char **argv)
{
	static struct stat_line a[MAX_STATS], b[MAX_STATS];
	double gib = argc > 1 ? strtod(argv[1], NULL) : 2, t0, t;
	unsigned long len, pages, i, errors = 0, *w;
	unsigned long long migrated = 0;
	int fd, na, nb, j;
	char *p;

	if (gib <= 0 || gib > 64) {
		fprintf(stderr, "usage: compact_host GIB (0 < GIB <= 64)\n");
		return 2;
	}
	len = (unsigned long)(gib * (1UL << 30)) / PAGE * PAGE;
	pages = len / PAGE;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++) {
		w = (unsigned long *)(p + i * PAGE);
		w[0] = i;
		w[PAGE / sizeof(*w) - 1] = ~i;
	}
	for (i = 1; i < pages; i += 2)
		if (madvise(p + i * PAGE, PAGE, MADV_DONTNEED)) {
			perror("madvise");
			return 1;
		}
	fd = open("/proc/sys/vm/compact_memory", O_WRONLY);
	if (fd < 0) {
		perror("/proc/sys/vm/compact_memory");
		return 1;
	}
	na = read_vmstat(a);
	t0 = ktime_get_wall_ns();
	if (write(fd, "1", 1) != 1) {
		perror("write /proc/sys/vm/compact_memory");
		return 1;
	}
	t = (ktime_get_wall_ns() - t0) / NSEC_PER_SEC;
	nb = read_vmstat(b);
	close(fd);
	for (i = 0; i < pages; i += 2) {
		w = (unsigned long *)(p + i * PAGE);
		if (w[0] != i || w[PAGE / sizeof(*w) - 1] != ~i)
			errors++;
	}
	printf("host.gib %.2f\nhost.pages_written %lu\nhost.pages_freed %lu\n",
	       gib, pages, pages / 2);
	printf("host.compact_seconds %.4f\n", t);
	for (j = 0; j < nb && j < na; j++) {
		if (strcmp(a[j].name, b[j].name) || !wanted(b[j].name))
			continue;
		printf("host.%s %llu\n", b[j].name, b[j].v - a[j].v);
		if (!strcmp(b[j].name, "pgmigrate_success"))
			migrated = b[j].v - a[j].v;
	}
	printf("host.migrate_rate %.0f\n", t > 0 ? migrated / t : 0);
	printf("host.content_errors %lu\n", errors);
	munmap(p, len);
	return 0;
}
