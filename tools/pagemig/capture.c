// SPDX-License-Identifier: GPL-2.0
/*
 * pagemig capture: write a real machine's memory state to a directory.
 *
 * The order of work is chosen so that what is written is the state the
 * kernel then compacts:
 *
 *	start the workload, wait for "ready"	(workload.c)
 *	sync, drop caches, settle
 *	set up the trace instance		(its ring buffer is kernel memory:
 *						 allocated before the snapshot)
 *	allocate and touch every buffer		(pagemig's own pages are in the
 *						 snapshot, and stay through the
 *						 compaction)
 *	snapshot "before" into memory
 *	tracing on, compact_memory, tracing off
 *	snapshot "after" into memory
 *	SIGUSR1 to the workload, wait for it to verify and exit
 *	only then compress and write everything
 *
 * so nothing pagemig does between the two snapshots allocates or frees
 * more than a few pages.  Every path goes through root_path(), which puts
 * the fake root of a test in front.
 */
#include <dirent.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zstd.h>

#include "capture.h"
#include "capture_internal.h"
#include "cli.h"

/* The files of one snapshot, in the order they are read. */
enum snap_file {
	SNAP_BUDDYINFO,
	SNAP_PAGETYPEINFO,
	SNAP_ZONEINFO,
	SNAP_KPAGEFLAGS,
	SNAP_KPAGECOUNT,
	SNAP_VMSTAT,
	SNAP_MEMINFO,
	SNAP_MEMORY_BLOCKS,
	SNAP_ZRAM,
	SNAP_SYSCTL,
	NR_SNAP_FILES,
};

static const struct {
	const char *name;	/* file name before ".before"/".after" */
	const char *path;	/* the /proc file copied, or NULL if composed */
	bool zst;
} snap_files[NR_SNAP_FILES] = {
	[SNAP_BUDDYINFO]	= { "buddyinfo", "/proc/buddyinfo" },
	[SNAP_PAGETYPEINFO]	= { "pagetypeinfo", "/proc/pagetypeinfo" },
	[SNAP_ZONEINFO]		= { "zoneinfo", "/proc/zoneinfo" },
	[SNAP_KPAGEFLAGS]	= { "kpageflags", "/proc/kpageflags", true },
	[SNAP_KPAGECOUNT]	= { "kpagecount", "/proc/kpagecount", true },
	[SNAP_VMSTAT]		= { "vmstat", "/proc/vmstat" },
	[SNAP_MEMINFO]		= { "meminfo", "/proc/meminfo" },
	[SNAP_MEMORY_BLOCKS]	= { "memory_blocks", NULL },
	[SNAP_ZRAM]		= { "zram", NULL },
	[SNAP_SYSCTL]		= { "sysctl", NULL },
};

/* Tunables that steer compaction, recorded as "PATH VALUE". */
static const char *const sysctl_paths[] = {
	"/sys/kernel/mm/transparent_hugepage/enabled",
	"/sys/kernel/mm/transparent_hugepage/defrag",
	"/proc/sys/vm/extfrag_threshold",
	"/proc/sys/vm/compaction_proactiveness",
	"/proc/sys/vm/compact_unevictable_allowed",
	"/proc/sys/vm/watermark_scale_factor",
	"/proc/sys/vm/watermark_boost_factor",
	"/proc/sys/vm/min_free_kbytes",
	"/proc/sys/vm/percpu_pagelist_high_fraction",
	NULL
};

/* vmstat counters whose change the result file reports. */
static const char *const result_prefixes[] = {
	"pgmigrate_", "compact_", "thp_migration_", NULL
};

struct snapshot {
	struct blob f[NR_SNAP_FILES];
};

struct capture_ctx {
	const struct capture_opts *o;
	size_t table_len;		/* bytes of /proc/kpageflags */
	struct snapshot before, after;
	struct blob iomem, cmdline, uname;
	struct workload wl;
	struct tracer tr;
	double compact_seconds;
	int compact_cpu;		/* where compact_memory was written; -1: unknown */
};

/**
 * capture_say() - A progress line on stderr, unless --quiet.
 * @o: the options.
 * @fmt: printf format.
 */
void capture_say(const struct capture_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	fprintf(stderr, "pagemig capture: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * capture_err() - An error line on stderr, always.
 * @fmt: printf format.
 */
void capture_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pagemig capture: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * root_path() - A machine path under the capture's root.
 * @o: the options (o->root is "" for this machine).
 * @buf: where to build it.
 * @size: size of @buf.
 * @path: an absolute path such as "/proc/zoneinfo".
 *
 * Return: @buf.
 */
char *root_path(const struct capture_opts *o, char *buf, size_t size,
		const char *path)
{
	snprintf(buf, size, "%s%s", o->root, path);
	return buf;
}

/**
 * capture_path() - snprintf() for paths, with truncation reported.
 * @buf: where to build it.
 * @size: size of @buf.
 * @fmt: printf format.
 *
 * Return: @buf; an empty string if the path did not fit.
 */
char *capture_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
	return buf;
}

/**
 * capture_write_sysfs() - Write a value to a /proc/sys, sysfs or tracefs file.
 * @path: the file.
 * @val: the text (no newline needed).
 *
 * Return: 0 or -errno of open(), write() or close().
 */
int capture_write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;
	int ret = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != (ssize_t)len)
		ret = n < 0 ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* ---- blobs: growing buffers, or fixed ones touched in advance ---------- */

static int blob_reserve(struct blob *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more <= b->cap)
		return 0;
	if (b->fixed)
		return -EFBIG;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/**
 * blob_printf() - Append formatted text to a blob.
 * @b: the blob.
 * @fmt: printf format.
 *
 * Return: 0, -ENOMEM, or -EFBIG for a fixed blob that is full.
 */
int blob_printf(struct blob *b, const char *fmt, ...)
{
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	ret = blob_reserve(b, n + 1);
	if (ret)
		return ret;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
	return 0;
}

/**
 * blob_append() - Append bytes to a blob.
 * @b: the blob.
 * @p: the bytes.
 * @n: how many.
 *
 * Return: 0, -ENOMEM, or -EFBIG for a fixed blob that is full.
 */
int blob_append(struct blob *b, const void *p, size_t n)
{
	int ret = blob_reserve(b, n);

	if (ret)
		return ret;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/*
 * A fixed buffer of @cap bytes, every page written now, not later.  The
 * writes are volatile: malloc() followed by memset() to zero becomes
 * calloc(), whose fresh mapping the kernel fills on first touch -- while
 * the snapshot reads, which is what this buffer is here to prevent.
 */
static int blob_prefault(struct blob *b, size_t cap)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), off;

	b->data = malloc(cap);
	if (!b->data)
		return -ENOMEM;
	for (off = 0; off < cap; off += page)
		((volatile char *)b->data)[off] = 0;
	b->cap = cap;
	b->len = 0;
	b->fixed = true;
	return 0;
}

/* Bytes of @b's buffer in memory now (mincore()), or 0 if unknown. */
static size_t blob_resident(const struct blob *b)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 0, i, nr;
	uintptr_t start = (uintptr_t)b->data & ~(page - 1);
	unsigned char *vec;

	nr = ((uintptr_t)b->data + b->cap - start + page - 1) / page;
	vec = malloc(nr);
	if (vec && !mincore((void *)start, nr * page, vec))
		for (i = 0; i < nr; i++)
			n += vec[i] & 1;
	free(vec);
	return n * page < b->cap ? n * page : b->cap;
}

/**
 * blob_free() - Free a blob's buffer.
 * @b: the blob; zeroed.
 */
void blob_free(struct blob *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/**
 * blob_read_file() - Append a whole file to a blob.
 * @b: the blob.
 * @path: the file.
 *
 * Return: 0, -errno of open() or read(), or -EFBIG if @b is fixed and the
 * file does not fit.
 */
int blob_read_file(struct blob *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int ret;

	if (fd < 0)
		return -errno;
	for (;;) {
		ret = blob_reserve(b, b->fixed ? 1 : 65536);
		if (ret)
			break;
		n = read(fd, b->data + b->len, b->cap - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		b->len += n;
	}
	close(fd);
	return ret;
}

/* Bytes in a file that reports no size (/proc/kpagecount); Return: or -errno. */
static ssize_t count_bytes(const char *path)
{
	size_t size = 1 << 20, total = 0;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		n = -errno;
		free(buf);
		return n;
	}
	while ((n = read(fd, buf, size)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			total += n;
	if (n < 0)
		total = -errno;
	close(fd);
	free(buf);
	return total;
}

/* ---- composed files ----------------------------------------------------- */

/* The first line of a small file, without its newline; "-" if unreadable. */
static void read_attr(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f || !fgets(buf, size, f))
		snprintf(buf, size, "-");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		snprintf(buf, size, "-");
}

static int cmp_numbered(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t px = strcspn(x, "0123456789"), py = strcspn(y, "0123456789");
	int c = strncmp(x, y, px < py ? px : py);

	if (c || px != py)
		return c ? c : (px < py ? -1 : 1);
	return strtoul(x + px, NULL, 10) < strtoul(y + py, NULL, 10) ? -1 :
	       strtoul(x + px, NULL, 10) > strtoul(y + py, NULL, 10);
}

/* Names in @dir starting with @prefix and a digit, sorted by number. */
static char **list_numbered(const char *dir, const char *prefix, size_t *nr)
{
	size_t len = strlen(prefix), n = 0, cap = 0;
	char **names = NULL, **p;
	struct dirent *de;
	DIR *d = opendir(dir);

	*nr = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, len) ||
		    de->d_name[len] < '0' || de->d_name[len] > '9')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				break;
			names = p;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_numbered);
	*nr = n;
	return names;
}

static void free_names(char **names, size_t nr)
{
	while (nr)
		free(names[--nr]);
	free(names);
}

/* The node a memory block belongs to: the "nodeN" link in its directory. */
static int block_node(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int node = -1;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "node", 4) &&
		    de->d_name[4] >= '0' && de->d_name[4] <= '9')
			node = atoi(de->d_name + 4);
	closedir(d);
	return node;
}

/*
 * memory_blocks: one line per /sys/devices/system/memory/memoryN, as
 * "memoryN PHYS_INDEX NODE STATE VALID_ZONES...", values as sysfs prints
 * them (phys_index and block_size_bytes are hex there), "-" for one the
 * kernel does not provide.
 */
static int compose_memory_blocks(const struct capture_opts *o, struct blob *b)
{
	char base[4096], path[4200], phys[64], state[64], zones[256];
	char **names;
	size_t nr, i;
	int ret;

	root_path(o, base, sizeof(base), "/sys/devices/system/memory");
	ret = blob_printf(b, "# pagemig capture: memory blocks of /sys/devices/system/memory\n");
	names = list_numbered(base, "memory", &nr);
	if (!names)
		return ret ?: blob_printf(b, "# %s: %s\n", base,
				access(base, F_OK) ? "absent" : "no memory blocks");
	capture_path(path, sizeof(path), "%s/block_size_bytes", base);
	read_attr(path, phys, sizeof(phys));
	ret = ret ?: blob_printf(b, "block_size_bytes %s\n", phys);
	capture_path(path, sizeof(path), "%s/auto_online_blocks", base);
	read_attr(path, state, sizeof(state));
	ret = ret ?: blob_printf(b, "auto_online_blocks %s\n", state);
	ret = ret ?: blob_printf(b, "# block phys_index node state valid_zones\n");
	for (i = 0; i < nr && !ret; i++) {
		capture_path(path, sizeof(path), "%s/%s/phys_index", base, names[i]);
		read_attr(path, phys, sizeof(phys));
		capture_path(path, sizeof(path), "%s/%s/state", base, names[i]);
		read_attr(path, state, sizeof(state));
		capture_path(path, sizeof(path), "%s/%s/valid_zones", base, names[i]);
		read_attr(path, zones, sizeof(zones));
		capture_path(path, sizeof(path), "%s/%s", base, names[i]);
		ret = blob_printf(b, "%s %s %d %s %s\n", names[i], phys,
				  block_node(path), state, zones);
	}
	free_names(names, nr);
	return ret;
}

/* Collapse runs of blanks in @s to one space, trim the ends. */
static void squeeze(char *s)
{
	char *w = s, *r = s;

	while (*r == ' ' || *r == '\t')
		r++;
	for (; *r; r++) {
		if ((*r == ' ' || *r == '\t') && (r[1] == ' ' || r[1] == '\t' || !r[1]))
			continue;
		*w++ = *r == '\t' ? ' ' : *r;
	}
	*w = '\0';
}

/* zram: "zramN disksize BYTES" and "zramN mm_stat FIELDS..." per device. */
static int compose_zram(const struct capture_opts *o, struct blob *b)
{
	char base[4096], path[4200], val[512];
	char **names;
	size_t nr, i;
	int ret;

	root_path(o, base, sizeof(base), "/sys/block");
	ret = blob_printf(b, "# pagemig capture: zram devices of /sys/block\n");
	names = list_numbered(base, "zram", &nr);
	for (i = 0; i < nr && !ret; i++) {
		capture_path(path, sizeof(path), "%s/%s/disksize", base, names[i]);
		read_attr(path, val, sizeof(val));
		ret = blob_printf(b, "%s disksize %s\n", names[i], val);
		capture_path(path, sizeof(path), "%s/%s/mm_stat", base, names[i]);
		read_attr(path, val, sizeof(val));
		squeeze(val);
		ret = ret ?: blob_printf(b, "%s mm_stat %s\n", names[i], val);
	}
	if (!nr && !ret)
		ret = blob_printf(b, "# no zram device\n");
	free_names(names, nr);
	return ret;
}

/* sysctl: "PATH VALUE" for each tunable the kernel has. */
static int compose_sysctl(const struct capture_opts *o, struct blob *b)
{
	char path[4096], val[512];
	int i, ret;

	ret = blob_printf(b, "# pagemig capture: tunables that steer compaction\n");
	for (i = 0; sysctl_paths[i] && !ret; i++) {
		root_path(o, path, sizeof(path), sysctl_paths[i]);
		if (access(path, R_OK))
			continue;
		read_attr(path, val, sizeof(val));
		ret = blob_printf(b, "%s %s\n", sysctl_paths[i], val);
	}
	return ret;
}

/* ---- snapshots ---------------------------------------------------------- */

/* PFNs of /proc/kpageflags and /proc/kpagecount read at a time. */
#define PAGE_TABLE_CHUNK	1024

/* Read @len bytes at @off of @fd into @buf, or up to the end: bytes read, or -errno. */
static ssize_t pread_full(int fd, char *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * /proc/kpageflags and /proc/kpagecount side by side: a chunk of PFNs of
 * the one, then the same PFNs of the other, so that a page's flags and
 * its map count are read microseconds apart.  Read one whole file after
 * the other, a busy machine changed a hundred thousand pages in between
 * (free in kpageflags, mapped in kpagecount).  Both end where the shorter
 * one does.  On error, *@failed names the file.
 */
static int read_page_tables(const struct capture_opts *o, struct blob *flags,
			    struct blob *counts, const char **failed)
{
	const char *paths[2] = { "/proc/kpageflags", "/proc/kpagecount" };
	struct blob *out[2] = { flags, counts };
	char path[4096];
	int fd[2] = { -1, -1 }, i, ret = 0;
	off_t off = 0;

	for (i = 0; i < 2 && !ret; i++) {
		fd[i] = open(root_path(o, path, sizeof(path), paths[i]),
			     O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0) {
			ret = -errno;
			*failed = paths[i];
		}
	}
	while (!ret) {
		size_t want = PAGE_TABLE_CHUNK * 8;
		ssize_t got[2];

		for (i = 0; i < 2 && !ret; i++) {
			ret = blob_reserve(out[i], 8);
			if (!ret) {
				if (want > out[i]->cap - out[i]->len)
					want = out[i]->cap - out[i]->len;
				got[i] = pread_full(fd[i], out[i]->data + out[i]->len,
						    want, off);
				if (got[i] < 0)
					ret = (int)got[i];
				else
					want = (size_t)got[i];
			}
			if (ret)
				*failed = paths[i];
		}
		if (ret || !want)
			break;
		want &= ~(size_t)7;
		out[0]->len += want;
		out[1]->len += want;
		off += (off_t)want;
	}
	for (i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return ret;
}

/*
 * Allocate and touch the page-table buffers now, before anything is
 * read: pages the capture faults in while reading would show in one
 * half of the snapshot and not in the other.
 */
static int snapshot_prepare(struct capture_ctx *c, struct snapshot *s)
{
	/* Room for memory that comes online meanwhile: 8 GiB of PFNs. */
	size_t cap = c->table_len + (8UL << 30) / 4096 * 8;
	int ret;

	ret = blob_prefault(&s->f[SNAP_KPAGEFLAGS], cap);
	return ret ?: blob_prefault(&s->f[SNAP_KPAGECOUNT], cap);
}

static size_t blob_cap(const struct blob *b)
{
	return b->cap;
}

/* @what of the page-table buffers of @s, in KiB. */
static size_t snapshot_bytes(const struct snapshot *s,
			     size_t (*what)(const struct blob *b))
{
	if (!s->f[SNAP_KPAGEFLAGS].data)
		return 0;
	return (what(&s->f[SNAP_KPAGEFLAGS]) + what(&s->f[SNAP_KPAGECOUNT])) >> 10;
}

static int snapshot_take(struct capture_ctx *c, struct snapshot *s,
			 const char *when)
{
	char path[4096];
	int i, ret = 0;

	for (i = 0; i < NR_SNAP_FILES && !ret; i++) {
		const char *failed = snap_files[i].path;

		if (i == SNAP_KPAGEFLAGS)
			ret = read_page_tables(c->o, &s->f[i],
					       &s->f[SNAP_KPAGECOUNT], &failed);
		else if (i == SNAP_KPAGECOUNT)
			continue;	/* read with kpageflags */
		else if (i == SNAP_MEMORY_BLOCKS)
			ret = compose_memory_blocks(c->o, &s->f[i]);
		else if (i == SNAP_ZRAM)
			ret = compose_zram(c->o, &s->f[i]);
		else if (i == SNAP_SYSCTL)
			ret = compose_sysctl(c->o, &s->f[i]);
		else
			ret = blob_read_file(&s->f[i], root_path(c->o, path,
						sizeof(path), snap_files[i].path));
		if (ret)
			capture_err("snapshot %s: %s: %s", when,
				    failed ?: snap_files[i].name,
				    ret == -EFBIG ? "grew while capturing" :
				    strerror(-ret));
	}
	if (!ret)
		capture_say(c->o, "snapshot %s: %zu PFNs", when,
			    s->f[SNAP_KPAGEFLAGS].len / 8);
	return ret ? CLI_FAILED : 0;
}

static void snapshot_free(struct snapshot *s)
{
	int i;

	for (i = 0; i < NR_SNAP_FILES; i++)
		blob_free(&s->f[i]);
}

/* ---- writing ------------------------------------------------------------ */

/**
 * zwriter_open() - Start a zstd stream to a new file.
 * @w: the writer.
 * @path: the file.
 * @level: zstd level.
 *
 * Return: 0 or -errno.
 */
int zwriter_open(struct zwriter *w, const char *path, int level)
{
	memset(w, 0, sizeof(*w));
	w->f = fopen(path, "we");
	if (!w->f)
		return -errno;
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx) {
		fclose(w->f);
		return -ENOMEM;
	}
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	/* Fails harmlessly where libzstd is built without threads. */
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_nbWorkers, 2);
	return 0;
}

static int zwriter_feed(struct zwriter *w, const void *p, size_t n,
			ZSTD_EndDirective end)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { w->out, sizeof(w->out), 0 };

		left = ZSTD_compressStream2(w->cctx, &out, &in, end);
		if (ZSTD_isError(left))
			return -EIO;
		if (out.pos && fwrite(w->out, 1, out.pos, w->f) != out.pos)
			return -errno;
	} while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

/**
 * zwriter_write() - Compress more bytes.
 * @w: the writer.
 * @p: the bytes.
 * @n: how many.
 *
 * Return: 0 or -errno.
 */
int zwriter_write(struct zwriter *w, const void *p, size_t n)
{
	return zwriter_feed(w, p, n, ZSTD_e_continue);
}

/**
 * zwriter_close() - End the stream and close the file.
 * @w: the writer.
 * @ok: false to close without finishing (after an error).
 *
 * Return: 0 or -errno.
 */
int zwriter_close(struct zwriter *w, bool ok)
{
	int ret = ok ? zwriter_feed(w, NULL, 0, ZSTD_e_end) : 0;

	ZSTD_freeCCtx(w->cctx);
	if (fclose(w->f) && !ret)
		ret = -errno;
	return ret;
}

/**
 * capture_write() - Write one file of the capture directory.
 * @o: the options.
 * @name: the file name in o->dir.
 * @data: its contents.
 * @len: their length.
 * @zst: compress with zstd (the name should end in .zst).
 *
 * Return: 0 or -errno (reported).
 */
int capture_write(const struct capture_opts *o, const char *name,
		  const void *data, size_t len, bool zst)
{
	char path[4096];
	struct zwriter w;
	FILE *f;
	int ret;

	capture_path(path, sizeof(path), "%s/%s", o->dir, name);
	if (zst) {
		ret = zwriter_open(&w, path, o->level);
		if (!ret)
			ret = zwriter_close(&w, !zwriter_write(&w, data, len));
	} else {
		f = fopen(path, "we");
		ret = f ? 0 : -errno;
		if (f && len && fwrite(data, 1, len, f) != len)
			ret = -errno;
		if (f && fclose(f) && !ret)
			ret = -errno;
	}
	if (ret)
		capture_err("%s: %s", path, strerror(-ret));
	return ret;
}

static int snapshot_write(struct capture_ctx *c, struct snapshot *s,
			  const char *when)
{
	char name[128];
	int i, ret = 0;

	for (i = 0; i < NR_SNAP_FILES && !ret; i++) {
		snprintf(name, sizeof(name), "%s.%s%s", snap_files[i].name,
			 when, snap_files[i].zst ? ".zst" : "");
		ret = capture_write(c->o, name, s->f[i].data, s->f[i].len,
				    snap_files[i].zst);
	}
	return ret;
}

/* "name value" of /proc/vmstat text; Return: true if found. */
static bool vmstat_value(const struct blob *b, const char *name,
			 long long *val)
{
	size_t len = strlen(name);
	const char *p = b->data, *end = b->data + b->len;

	while (p && p < end) {
		if (!strncmp(p, name, len) && p[len] == ' ') {
			*val = strtoll(p + len + 1, NULL, 10);
			return true;
		}
		p = memchr(p, '\n', end - p);
		if (p)
			p++;
	}
	return false;
}

/* The result file: timings, counter deltas, trace losses, workload. */
static int write_result(struct capture_ctx *c)
{
	const struct blob *vb = &c->before.f[SNAP_VMSTAT];
	const struct blob *va = &c->after.f[SNAP_VMSTAT];
	const char *p = vb->data, *end = vb->data + vb->len;
	struct blob r = { 0 };
	long long b, a;
	char name[128];
	int i, ret = 0;

	if (c->o->compact) {
		ret = blob_printf(&r, "compact_memory_seconds %.3f\n",
				  c->compact_seconds);
		if (!ret && c->compact_cpu >= 0)
			ret = blob_printf(&r, "compact_cpu %d\n", c->compact_cpu);
		for (; p && p < end && !ret; p = memchr(p, '\n', end - p),
		     p = p ? p + 1 : NULL) {
			if (sscanf(p, "%127s %lld", name, &b) != 2)
				continue;
			for (i = 0; result_prefixes[i]; i++)
				if (!strncmp(name, result_prefixes[i],
					     strlen(result_prefixes[i])))
					break;
			if (result_prefixes[i] && vmstat_value(va, name, &a))
				ret = blob_printf(&r, "%s %lld\n", name, a - b);
		}
		ret = ret ?: blob_printf(&r, "trace_lost_events %lu\n",
					 c->tr.lost);
	}
	ret = ret ?: workload_result(&c->wl, &r);
	if (!ret && r.len)
		ret = capture_write(c->o, "result", r.data, r.len, false);
	blob_free(&r);
	return ret;
}

static int write_machine(struct capture_ctx *c)
{
	int ret;

	ret = capture_write(c->o, "iomem", c->iomem.data, c->iomem.len, false);
	ret = ret ?: capture_write(c->o, "cmdline", c->cmdline.data,
				   c->cmdline.len, false);
	return ret ?: capture_write(c->o, "uname", c->uname.data, c->uname.len,
				    false);
}

/* What does not change between the snapshots: read once, before. */
static int read_machine(struct capture_ctx *c)
{
	struct utsname u;
	char path[4096];
	int ret;

	ret = blob_read_file(&c->iomem, root_path(c->o, path, sizeof(path),
						  "/proc/iomem"));
	if (!ret)
		ret = blob_read_file(&c->cmdline, root_path(c->o, path,
						sizeof(path), "/proc/cmdline"));
	if (ret) {
		capture_err("%s: %s", path, strerror(-ret));
		return CLI_FAILED;
	}
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	return blob_printf(&c->uname, "%s %s %s %s %s\n", u.sysname,
			   u.nodename, u.release, u.version, u.machine) ?
	       CLI_FAILED : 0;
}

/* ---- checks ------------------------------------------------------------- */

/* Every file the capture cannot do without, and what provides it. */
static const struct {
	const char *path;
	int mode;
	bool compact;		/* only with --compact */
	bool drop;		/* only when dropping caches */
	const char *why;
} needed[] = {
	{ "/proc/kpageflags", R_OK, false, false, "a kernel with CONFIG_PROC_PAGE_MONITOR" },
	{ "/proc/kpagecount", R_OK, false, false, "a kernel with CONFIG_PROC_PAGE_MONITOR" },
	{ "/proc/zoneinfo", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/pagetypeinfo", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/buddyinfo", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/vmstat", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/meminfo", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/iomem", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/cmdline", R_OK, false, false, "procfs mounted on /proc" },
	{ "/proc/sys/vm/compact_memory", W_OK, true, false, "a kernel with CONFIG_COMPACTION" },
	{ "/proc/sys/vm/drop_caches", W_OK, false, true, "procfs mounted on /proc (or --no-drop-caches)" },
};

/* Return: 0, or CLI_USAGE after saying what is missing. */
static int check_machine(const struct capture_opts *o)
{
	char path[4096];
	size_t i;
	int missing = 0;

	if (!o->root[0] && geteuid()) {
		capture_err("must run as root: /proc/kpageflags, /proc/kpagecount and /proc/pagetypeinfo are readable only by root%s",
			    o->compact ? ", and --compact writes /proc/sys/vm/compact_memory and tracefs" : "");
		return CLI_USAGE;
	}
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if ((needed[i].compact && !o->compact) ||
		    (needed[i].drop && (!o->cmd || !o->drop_caches)))
			continue;
		root_path(o, path, sizeof(path), needed[i].path);
		if (!access(path, needed[i].mode))
			continue;
		capture_err("%s: %s; capture needs %s", path, strerror(errno),
			    needed[i].why);
		missing++;
	}
	return missing ? CLI_USAGE : 0;
}

/* mkdir -p; a directory that already holds a capture is refused. */
static int make_dir(const char *dir)
{
	char path[4096], *p;
	struct stat st;

	capture_path(path, sizeof(path), "%s/kpageflags.before.zst", dir);
	if (!stat(path, &st)) {
		capture_err("%s already holds a capture (%s); give a new directory",
			    dir, path);
		return CLI_USAGE;
	}
	capture_path(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(path, 0777) && errno != EEXIST)
		goto fail;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		goto fail;
	}
	return 0;
fail:
	capture_err("%s: %s", path, strerror(errno));
	return CLI_FAILED;
}

/* ---- the run ------------------------------------------------------------ */

/* sync, drop the page cache and slab caches, let frees settle. */
static int drop_caches(const struct capture_opts *o)
{
	char path[4096];
	int ret;

	capture_say(o, "sync and drop caches");
	sync();
	ret = capture_write_sysfs(root_path(o, path, sizeof(path),
					    "/proc/sys/vm/drop_caches"), "3");
	if (ret) {
		capture_err("%s: %s", path, strerror(-ret));
		return CLI_FAILED;
	}
	/* RCU-freed slabs and pcp lists drain in the next second or two. */
	if (!o->root[0])
		sleep(2);
	return 0;
}

/*
 * compact_memory compacts in the writer's context, and the pages it frees
 * go to that CPU's per-CPU lists: the twin must free them to the same
 * CPU's.  So the write happens pinned to the CPU we are on, which the
 * result file records ("compact_cpu N"); -1 if the CPU cannot be pinned.
 */
static int pin_to_this_cpu(cpu_set_t *old)
{
	cpu_set_t one;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(*old), old))
		return -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) ? -1 : cpu;
}

static int compact(struct capture_ctx *c)
{
	char path[4096];
	cpu_set_t old;
	double t0;
	int ret;

	root_path(c->o, path, sizeof(path), "/proc/sys/vm/compact_memory");
	ret = tracer_on(&c->tr, true);
	if (ret)
		return ret;
	c->compact_cpu = pin_to_this_cpu(&old);
	capture_say(c->o, "compact_memory");
	t0 = ktime_get_wall_ns() / 1e9;
	ret = capture_write_sysfs(path, "1");
	c->compact_seconds = ktime_get_wall_ns() / 1e9 - t0;
	tracer_on(&c->tr, false);
	if (c->compact_cpu >= 0)
		sched_setaffinity(0, sizeof(old), &old);
	if (ret) {
		capture_err("%s: %s", path, strerror(-ret));
		return CLI_FAILED;
	}
	capture_say(c->o, "compact_memory took %.3f s", c->compact_seconds);
	return 0;
}

/* Everything between "ready" and SIGUSR1; Return: 0 or CLI_*. */
static int capture_state(struct capture_ctx *c)
{
	char path[4096];
	ssize_t len;
	int ret;

	if (c->o->cmd && c->o->drop_caches) {
		ret = drop_caches(c->o);
		if (ret)
			return ret;
	}
	if (c->o->compact) {
		ret = tracer_setup(&c->tr, c->o);
		if (ret)
			return ret;
	}
	len = count_bytes(root_path(c->o, path, sizeof(path), "/proc/kpageflags"));
	if (len < 0) {
		capture_err("%s: %s", path, strerror(-len));
		return CLI_FAILED;
	}
	c->table_len = len;
	ret = snapshot_prepare(c, &c->before);
	if (!ret && c->o->compact)
		ret = snapshot_prepare(c, &c->after);
	if (ret) {
		capture_err("no memory for the snapshot buffers (%zu MiB each)",
			    c->table_len >> 20);
		return CLI_FAILED;
	}
	capture_say(c->o, "snapshot buffers: %zu KiB, %zu KiB in memory",
		    snapshot_bytes(&c->before, blob_cap) + snapshot_bytes(&c->after, blob_cap),
		    snapshot_bytes(&c->before, blob_resident) +
		    snapshot_bytes(&c->after, blob_resident));
	ret = read_machine(c);
	ret = ret ?: snapshot_take(c, &c->before, "before");
	if (ret || !c->o->compact)
		return ret;
	ret = compact(c);
	return ret ?: snapshot_take(c, &c->after, "after");
}

static int write_all(struct capture_ctx *c)
{
	double t0 = ktime_get_wall_ns() / 1e9;
	int ret;

	capture_say(c->o, "writing %s (zstd -%d)", c->o->dir, c->o->level);
	ret = write_machine(c);
	ret = ret ?: snapshot_write(c, &c->before, "before");
	if (c->o->compact)
		ret = ret ?: snapshot_write(c, &c->after, "after");
	if (!ret)
		capture_say(c->o, "wrote %s in %.1f s", c->o->dir,
			    ktime_get_wall_ns() / 1e9 - t0);
	return ret ? CLI_FAILED : 0;
}

/**
 * capture_run() - Capture this machine (or o->root) into o->dir.
 * @o: what to capture and how.
 *
 * Starts o->cmd and waits for it to be ready, snapshots the machine, with
 * o->compact traces a compact_memory and snapshots again, lets the
 * workload verify and exit, and writes the directory.  Says what it does
 * on stderr unless o->quiet.
 *
 * Context: root on Linux, unless o->root names a fake machine.
 * Return: CLI_OK; CLI_USAGE when something the capture needs is missing
 * (root, a /proc file, tracefs) or the workload cannot be started;
 * CLI_FAILED for a failure on the way, or a workload that failed.
 */
int capture_run(const struct capture_opts *o)
{
	struct capture_ctx c = { .o = o };
	int ret, wret = 0;

	ret = check_machine(o);
	ret = ret ?: make_dir(o->dir);
	if (ret)
		return ret;
	tracer_init(&c.tr);
	workload_init(&c.wl);
	if (o->cmd) {
		ret = workload_start(&c.wl, o);
		if (ret)
			goto out;
	}
	ret = capture_state(&c);
	if (c.o->compact && !ret)
		ret = tracer_save(&c.tr, o);
	tracer_teardown(&c.tr, o);
	if (o->cmd)
		wret = workload_finish(&c.wl, o, ret != 0);
	if (!ret)
		ret = write_all(&c);
	if (!ret)
		ret = write_result(&c) ? CLI_FAILED : 0;
	if (!ret && wret)
		ret = wret;
	if (!ret)
		capture_say(o, "done: %s", o->dir);
out:
	workload_exit(&c.wl);
	snapshot_free(&c.before);
	snapshot_free(&c.after);
	blob_free(&c.iomem);
	blob_free(&c.cmdline);
	blob_free(&c.uname);
	return ret;
}
