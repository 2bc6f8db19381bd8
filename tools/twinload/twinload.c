// SPDX-License-Identifier: GPL-2.0
/*
 * twinload: workloads that leave a real machine's physical memory in a
 * known, fragmented state, for `pagemig capture -- build/twinload ...`.
 *
 * Each mode builds its state, prints one line starting with "ready",
 * holds the state until SIGUSR1, then checks every byte it still owns
 * (each 4 KiB page or heap block carries a tag derived from its index),
 * cleans up and exits: 0 when all data is intact, 1 when some is not or
 * something failed, 2 for bad usage.  Not part of the library: it
 * touches only the real kernel.
 *
 *   anon GIB KEEP        4 KiB anon pages, 1 in KEEP kept (MADV_DONTNEED)
 *   mix GIB DIR          anon interleaved with page-cache files in DIR,
 *                        every other anon page and every other file dropped
 *   thp GIB              THP-backed anon, 3 of every 4 base pages dropped
 *   zram GIB             a fifth of GIB written to /dev/zram0 (compressible
 *                        and incompressible blocks), every other block
 *                        discarded; the rest anon with half freed
 *   pagecache GIB DIR    files read into the page cache, every other page
 *                        evicted with POSIX_FADV_DONTNEED
 *   heap GIB             malloc() of 16 B..64 KiB blocks, 60%% freed at
 *                        random, no malloc_trim()
 *   sort GIB DIR         GNU sort of a generated file, held blocked on its
 *                        output pipe with its whole buffer in memory
 *   shm GIB DIR          files of up to 64 MiB written to DIR, a tmpfs
 *                        such as /dev/shm (shmem folios), every other one
 *                        removed
 *   python GIB           CPython: dicts of strings and lists, every other
 *                        one dropped (the interpreter's own allocator)
 *
 * GIB may have a fraction (0.05 is 51 MiB).  Capture file workloads
 * (mix, pagecache) with --no-drop-caches.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define WORDS		(PAGE / sizeof(uint64_t))
#define HPAGE		(2UL << 20)

static const char *prog = "twinload";

/* splitmix64: the tag of item @i of the stream @salt. */
static uint64_t tag(uint64_t salt, uint64_t i)
{
	uint64_t z = salt * 0x9e3779b97f4a7c15ULL + i + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* SIGUSR1 is blocked from the start, so one sent early is not lost. */
static void wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	fflush(stdout);
	while (sigwait(&set, &sig))
		;
}

static void block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* ---- anon pages ---------------------------------------------------------- */

struct anon {
	char *base;
	size_t nr;			/* pages */
	unsigned long keep;		/* page i kept when i % keep == 0 */
	size_t kept;
	uint64_t salt;
};

static void fill_page(char *p, uint64_t salt, size_t i)
{
	uint64_t *q = (uint64_t *)p;

	q[0] = tag(salt, i);
	q[WORDS / 2] = i;
	q[WORDS - 1] = ~tag(salt, i);
}

static bool page_ok(const char *p, uint64_t salt, size_t i)
{
	const uint64_t *q = (const uint64_t *)p;

	return q[0] == tag(salt, i) && q[WORDS / 2] == i &&
	       q[WORDS - 1] == ~tag(salt, i);
}

/* Map @bytes, 2 MiB aligned, with THP asked for or refused. */
static char *map_anon(size_t bytes, bool thp)
{
	char *p = mmap(NULL, bytes + HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		die("mmap");
	a = (char *)(((uintptr_t)p + HPAGE - 1) & ~(HPAGE - 1));
	madvise(a, bytes, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return a;
}

static void anon_build(struct anon *a, size_t bytes, unsigned long keep,
		       bool thp, uint64_t salt)
{
	size_t i;

	a->nr = bytes / PAGE;
	a->keep = keep;
	a->salt = salt;
	a->base = map_anon(bytes, thp);
	for (i = 0; i < a->nr; i++)
		fill_page(a->base + i * PAGE, salt, i);
}

/* Drop every page not kept, in runs: one madvise() per run. */
static void anon_drop(struct anon *a)
{
	size_t i, j;

	a->kept = 0;
	for (i = 0; i < a->nr; i = j) {
		if (i % a->keep == 0) {
			a->kept++;
			j = i + 1;
			continue;
		}
		for (j = i; j < a->nr && j % a->keep; j++)
			;
		if (madvise(a->base + i * PAGE, (j - i) * PAGE, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
	}
}

static size_t anon_verify(const struct anon *a)
{
	size_t i, bad = 0;

	for (i = 0; i < a->nr; i += a->keep)
		bad += !page_ok(a->base + i * PAGE, a->salt, i);
	return bad;
}

/* AnonHugePages of this process, in kB. */
static unsigned long anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "re");
	unsigned long kb = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int do_anon(size_t bytes, unsigned long keep, bool thp)
{
	struct anon a;
	unsigned long huge;
	size_t bad;

	anon_build(&a, bytes, keep, thp, 1);
	huge = anon_huge_kb();
	anon_drop(&a);
	printf("ready %s: %zu pages of 4 KiB, kept %zu (1 in %lu), %lu MiB were THP before the drop\n",
	       thp ? "thp" : "anon", a.nr, a.kept, keep, huge >> 10);
	wait_usr1();
	bad = anon_verify(&a);
	printf("verified %zu kept pages, bad=%zu\n", a.kept, bad);
	return bad != 0;
}

/* ---- files --------------------------------------------------------------- */

static void file_path(char *buf, size_t size, const char *dir,
		      const char *kind, size_t n)
{
	snprintf(buf, size, "%s/twinload-%s-%d-%zu", dir, kind, (int)getpid(), n);
}

static void write_file(const char *path, uint64_t salt, size_t pages)
{
	static char page[PAGE] __attribute__((aligned(64)));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t i;

	if (fd < 0)
		die(path);
	for (i = 0; i < pages; i++) {
		memset(page, (int)(salt + i), PAGE);
		fill_page(page, salt, i);
		if (write(fd, page, PAGE) != (ssize_t)PAGE)
			die(path);
	}
	if (close(fd))
		die(path);
}

/* Pages of @path whose tags are wrong (read back through the cache). */
static size_t check_file(const char *path, uint64_t salt, size_t pages)
{
	static char page[PAGE];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t i, bad = 0;

	if (fd < 0)
		return pages;
	for (i = 0; i < pages; i++)
		if (pread(fd, page, PAGE, i * PAGE) != (ssize_t)PAGE ||
		    !page_ok(page, salt, i))
			bad++;
	close(fd);
	return bad;
}

/* Resident pages of @path, by mincore() of a mapping never touched. */
static size_t resident(const char *path, size_t pages)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *vec;
	size_t i, n = 0;
	void *p;

	if (fd < 0)
		return 0;
	p = mmap(NULL, pages * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	vec = malloc(pages);
	if (p != MAP_FAILED && vec && !mincore(p, pages * PAGE, vec))
		for (i = 0; i < pages; i++)
			n += vec[i] & 1;
	if (p != MAP_FAILED)
		munmap(p, pages * PAGE);
	free(vec);
	return n;
}

/*
 * mix: 64 KiB of anon, then a 64 KiB file, again and again, so anon and
 * page cache interleave in physical memory; then every other anon page
 * and every other file goes.
 */
static int do_mix(size_t bytes, const char *dir)
{
	size_t chunk = 16, nfiles = bytes / 2 / (chunk * PAGE), i, f, bad;
	struct anon a;
	char path[4096];

	a.nr = nfiles * chunk;
	a.keep = 2;
	a.salt = 2;
	a.base = map_anon(a.nr * PAGE, false);
	for (f = 0; f < nfiles; f++) {
		for (i = f * chunk; i < (f + 1) * chunk; i++)
			fill_page(a.base + i * PAGE, a.salt, i);
		file_path(path, sizeof(path), dir, "mix", f);
		write_file(path, 1000 + f, chunk);
	}
	anon_drop(&a);
	for (f = 0; f < nfiles; f += 2) {
		file_path(path, sizeof(path), dir, "mix", f);
		unlink(path);
	}
	printf("ready mix: %zu anon pages, kept %zu; %zu files of 64 KiB, kept %zu\n",
	       a.nr, a.kept, nfiles, nfiles / 2);
	wait_usr1();
	bad = anon_verify(&a);
	for (f = 1; f < nfiles; f += 2) {
		file_path(path, sizeof(path), dir, "mix", f);
		bad += check_file(path, 1000 + f, chunk);
		unlink(path);
	}
	printf("verified %zu anon pages and %zu files, bad=%zu\n", a.kept,
	       nfiles / 2, bad);
	return bad != 0;
}

/*
 * pagecache: files written, synced and evicted, then read back (so the
 * cache is what reads allocate), then every other 4 KiB page evicted.
 * DONTNEED evicts only whole folios, and readahead on a file system with
 * large folios (ext4 since 6.16) fills the cache with 64 KiB+ folios that
 * a 4 KiB DONTNEED leaves alone; the reads are made under
 * POSIX_FADV_RANDOM, as a database reads, which allocates order-0
 * folios.  The ready line counts what really stayed resident.
 */
static int do_pagecache(size_t bytes, const char *dir)
{
	size_t per = (64UL << 20) / PAGE, nfiles = (bytes / PAGE + per - 1) / per;
	size_t f, i, left = bytes / PAGE, pages, res = 0, total = 0, bad = 0;
	static char buf[1 << 20];
	char path[4096];
	int fd;

	for (f = 0; f < nfiles; f++, left -= pages) {
		pages = left < per ? left : per;
		file_path(path, sizeof(path), dir, "pc", f);
		write_file(path, 2000 + f, pages);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fdatasync(fd) ||
		    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) ||
		    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM))
			die(path);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		for (i = 1; i < pages; i += 2)
			posix_fadvise(fd, i * PAGE, PAGE, POSIX_FADV_DONTNEED);
		close(fd);
		res += resident(path, pages);
		total += pages;
	}
	printf("ready pagecache: %zu files, %zu pages, %zu resident after evicting every other page\n",
	       nfiles, total, res);
	wait_usr1();
	for (f = 0, left = total; f < nfiles; f++, left -= pages) {
		pages = left < per ? left : per;
		file_path(path, sizeof(path), dir, "pc", f);
		bad += check_file(path, 2000 + f, pages);
		unlink(path);
	}
	printf("verified %zu pages in %zu files, bad=%zu\n", total, nfiles, bad);
	return bad != 0;
}

/* ---- heap ---------------------------------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small, as heaps are: 90% 16..256 B, 9% ..4 KiB, 1% ..64 KiB. */
static size_t heap_size(void)
{
	unsigned int r = rng() % 100;

	if (r < 90)
		return 16 + rng() % 241;
	if (r < 99)
		return 257 + rng() % 3840;
	return 4097 + rng() % 61440;
}

static void heap_fill(uint64_t *p, size_t size, size_t i)
{
	memset(p, (int)i, size);
	p[0] = tag(3, i);
	p[size / 8 - 1] = ~tag(3, i);
}

static bool heap_ok(const uint64_t *p, size_t size, size_t i)
{
	const unsigned char *c = (const unsigned char *)p;
	size_t j;

	for (j = 8; j < size - 8; j++)
		if (c[j] != (unsigned char)i)
			return false;
	return p[0] == tag(3, i) && p[size / 8 - 1] == ~tag(3, i);
}

static int do_heap(size_t bytes)
{
	size_t cap = 1 << 20, n = 0, total = 0, live = 0, i, bad = 0;
	uint64_t **blk = malloc(cap * sizeof(*blk));
	uint32_t *size = malloc(cap * sizeof(*size));

	if (!blk || !size)
		die("malloc");
	while (total < bytes) {
		if (n == cap) {
			cap *= 2;
			blk = realloc(blk, cap * sizeof(*blk));
			size = realloc(size, cap * sizeof(*size));
			if (!blk || !size)
				die("realloc");
		}
		size[n] = heap_size() & ~7UL;
		blk[n] = malloc(size[n]);
		if (!blk[n])
			die("malloc");
		heap_fill(blk[n], size[n], n);
		total += size[n++];
	}
	for (i = 0; i < n; i++) {
		if (rng() % 10 < 6) {
			free(blk[i]);
			blk[i] = NULL;
		} else {
			live += size[i];
		}
	}
	printf("ready heap: %zu blocks, %zu MiB asked; %zu MiB in the %.0f%% kept\n",
	       n, total >> 20, live >> 20, 100.0 * live / total);
	wait_usr1();
	for (i = 0; i < n; i++) {
		if (blk[i] && !heap_ok(blk[i], size[i], i))
			bad++;
		free(blk[i]);
	}
	free(blk);
	free(size);
	printf("verified the kept blocks, bad=%zu\n", bad);
	return bad != 0;
}

/*
 * shm: files in a tmpfs are shmem folios -- swap-backed page cache, no
 * buffer heads -- and the ones removed free whole 64 MiB runs at a time.
 */
static int do_shm(size_t bytes, const char *dir)
{
	size_t per = (64UL << 20) / PAGE, nfiles, f, bad = 0;
	char path[4096];

	/* At least two files, so that one stays. */
	if (bytes / PAGE < 2 * per)
		per = bytes / PAGE / 2;
	nfiles = bytes / PAGE / per;
	for (f = 0; f < nfiles; f++) {
		file_path(path, sizeof(path), dir, "shm", f);
		write_file(path, 3000 + f, per);
	}
	for (f = 0; f < nfiles; f += 2) {
		file_path(path, sizeof(path), dir, "shm", f);
		unlink(path);
	}
	printf("ready shm: %zu files of %zu KiB, kept %zu\n", nfiles,
	       per * PAGE >> 10, nfiles / 2);
	wait_usr1();
	for (f = 1; f < nfiles; f += 2) {
		file_path(path, sizeof(path), dir, "shm", f);
		bad += check_file(path, 3000 + f, per);
		unlink(path);
	}
	printf("verified %zu files, bad=%zu\n", nfiles / 2, bad);
	return bad != 0;
}

/*
 * python: a real program's heap -- CPython objects in pymalloc's arenas
 * and glibc's heap.  The interpreter takes this process over (exec), so
 * SIGUSR1 still reaches the workload; it blocks the signal first.
 */
static const char python_script[] =
	"import signal, sys\n"
	"signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])\n"
	"n = int(float(sys.argv[1]) * (1 << 30) / 1200)\n"
	"objs = [{'k': str(i) * 20, 'v': [i, i * 2, i * 3],\n"
	"         's': ('x%08d' % i) * 30} for i in range(n)]\n"
	"for i in range(0, n, 2):\n"
	"    objs[i] = None\n"
	"print('ready python: %d objects, kept %d' % (n, n // 2), flush=True)\n"
	"signal.sigwait([signal.SIGUSR1])\n"
	"bad = sum(1 for i in range(1, n, 2)\n"
	"          if objs[i]['v'][2] != i * 3 or objs[i]['s'][:9] != 'x%08d' % i)\n"
	"print('verified %d objects, bad=%d' % (n // 2, bad), flush=True)\n"
	"sys.exit(1 if bad else 0)\n";

static int do_python(size_t bytes)
{
	char gib[32];

	snprintf(gib, sizeof(gib), "%.4f", (double)bytes / (1UL << 30));
	execlp("python3", "python3", "-c", python_script, gib, (char *)NULL);
	fprintf(stderr, "%s: python3: %s\n", prog, strerror(errno));
	return 1;
}

/* ---- zram ---------------------------------------------------------------- */

static int read_sys(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int write_sys(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* A block that compresses (text) or does not (random), by its index. */
static bool zblock_compressible(size_t b)
{
	return !(tag(4, b) & 0x80);
}

static void zblock_fill(uint64_t *q, size_t b)
{
	size_t i;

	if (zblock_compressible(b)) {
		for (i = 0; i < WORDS; i++)
			q[i] = 0x2d6b636f6c62ULL + (i % 8);	/* "block-" */
	} else {
		for (i = 0; i < WORDS; i++)
			q[i] = tag(5 + b, i);
	}
	q[0] = tag(4, b);
	q[WORDS - 1] = b;
}

/* Refuse a device in use: as swap, mounted, or holding data. */
static void zram_check_free(void)
{
	char buf[4096];
	FILE *f;

	errno = EBUSY;
	f = fopen("/proc/swaps", "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (strstr(buf, "/dev/zram0 ") || strstr(buf, "/dev/zram0\t"))
			die("/dev/zram0 is a swap device");
	if (f)
		fclose(f);
	f = fopen("/proc/mounts", "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "/dev/zram0 ", 11))
			die("/dev/zram0 is mounted");
	if (f)
		fclose(f);
	if (!read_sys("/sys/block/zram0/mm_stat", buf, sizeof(buf)) &&
	    strtoull(buf, NULL, 10))
		die("/dev/zram0 already holds data");
}

static int do_zram(size_t bytes)
{
	size_t zbytes = bytes / 5 / HPAGE * HPAGE, nb = zbytes / PAGE, b, j;
	size_t batch = 64, comp = 0, bad = 0;
	unsigned long long disksize;
	struct anon a;
	char buf[512], mm[512];
	bool ours = false;
	uint64_t *io;
	int fd;

	if (access("/sys/block/zram0", F_OK)) {
		errno = ENOENT;
		die("/sys/block/zram0 (modprobe zram)");
	}
	zram_check_free();
	if (read_sys("/sys/block/zram0/disksize", buf, sizeof(buf)))
		die("/sys/block/zram0/disksize");
	disksize = strtoull(buf, NULL, 10);
	if (!disksize) {
		snprintf(buf, sizeof(buf), "%zu", zbytes);
		if (write_sys("/sys/block/zram0/disksize", buf))
			die("/sys/block/zram0/disksize");
		ours = true;
	} else if (disksize < zbytes) {
		errno = ENOSPC;
		die("/dev/zram0 is smaller than a fifth of GIB");
	}
	if (posix_memalign((void **)&io, PAGE, batch * PAGE))
		die("posix_memalign");
	fd = open("/dev/zram0", O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0)
		die("/dev/zram0");
	for (b = 0; b < nb; b += batch) {
		for (j = 0; j < batch && b + j < nb; j++) {
			zblock_fill(io + j * WORDS, b + j);
			comp += zblock_compressible(b + j);
		}
		if (pwrite(fd, io, j * PAGE, b * PAGE) != (ssize_t)(j * PAGE))
			die("write /dev/zram0");
	}
	for (b = 1; b < nb; b += 2) {
		uint64_t range[2] = { b * PAGE, PAGE };

		if (ioctl(fd, BLKDISCARD, range))
			die("BLKDISCARD /dev/zram0");
	}
	anon_build(&a, bytes - zbytes, 2, false, 6);
	anon_drop(&a);
	if (read_sys("/sys/block/zram0/mm_stat", mm, sizeof(mm)))
		mm[0] = '\0';
	mm[strcspn(mm, "\n")] = '\0';
	printf("ready zram: %zu blocks written (%zu compressible), %zu discarded; mm_stat %s; %zu anon pages, kept %zu\n",
	       nb, comp, nb / 2, mm, a.nr, a.kept);
	wait_usr1();
	for (b = 0; b < nb; b++) {
		if (pread(fd, io, PAGE, b * PAGE) != (ssize_t)PAGE) {
			bad++;
			continue;
		}
		if (b % 2) {
			for (j = 0; j < WORDS && !io[j]; j++)
				;
			bad += j != WORDS;
		} else {
			zblock_fill(io + WORDS, b);
			bad += !!memcmp(io, io + WORDS, PAGE);
		}
	}
	bad += anon_verify(&a);
	close(fd);
	free(io);
	if (ours && write_sys("/sys/block/zram0/reset", "1"))
		fprintf(stderr, "%s: /sys/block/zram0/reset: %s\n", prog, strerror(errno));
	printf("verified %zu zram blocks and %zu anon pages, bad=%zu\n", nb,
	       a.kept, bad);
	return bad != 0;
}

/* ---- sort: a real program ------------------------------------------------ */

/*
 * GNU sort, in memory, of a generated file of GIB/2 bytes (its buffer
 * and line table make the rest).  The first line it writes means the
 * sort is done; it then blocks on the full pipe with its whole buffer
 * live, until we read the rest, check the order and the count.
 */
static int do_sort(size_t bytes, const char *dir)
{
	size_t in_bytes = bytes / 2, lines = 0, got = 0, bad = 0;
	char path[4096], mem[64], *line = NULL, *prev = NULL;
	size_t cap = 0, pcap = 0, rss = 0;
	int pfd[2], status;
	ssize_t len;
	FILE *f, *out;
	pid_t pid;

	file_path(path, sizeof(path), dir, "sort", 0);
	f = fopen(path, "we");
	if (!f)
		die(path);
	for (size_t done = 0; done < in_bytes; lines++) {
		uint64_t r = rng();
		int n = fprintf(f, "%016llx %.*s\n", (unsigned long long)r,
				(int)(8 + r % 60),
				"the quick brown fox jumps over the lazy dog and keeps on running far away");
		done += n;
	}
	if (fclose(f))
		die(path);
	snprintf(mem, sizeof(mem), "%zuK", (bytes >> 10) + 1024);
	if (pipe(pfd))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		setenv("LC_ALL", "C", 1);
		execlp("sort", "sort", "-S", mem, "--parallel=2", "-T", dir,
		       path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	out = fdopen(pfd[0], "r");
	len = out ? getline(&prev, &pcap, out) : -1;
	if (len <= 0) {
		errno = EPIPE;
		die("sort printed nothing");
	}
	got = 1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0 &&
	       sscanf(line, "VmRSS: %zu", &rss) != 1)
		;
	if (f)
		fclose(f);
	file_path(path, sizeof(path), dir, "sort", 0);
	printf("ready sort: pid %d sorted %zu lines (%zu MiB) with -S %s, holds %zu MiB, blocked on its output\n",
	       (int)pid, lines, in_bytes >> 20, mem, rss >> 10);
	wait_usr1();
	while ((len = getline(&line, &cap, out)) > 0) {
		bad += strcmp(prev, line) > 0;
		got++;
		if ((size_t)len >= pcap) {
			pcap = len + 1;
			prev = realloc(prev, pcap);
			if (!prev)
				die("realloc");
		}
		memcpy(prev, line, len + 1);
	}
	fclose(out);
	free(line);
	free(prev);
	unlink(path);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		bad++;
	printf("verified %zu of %zu lines in order, bad=%zu\n", got, lines,
	       bad + (got != lines));
	return bad || got != lines;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "%s: %s\n", prog, why);
	fprintf(stderr,
		"usage: twinload anon GIB KEEP | mix GIB DIR | thp GIB | zram GIB |\n"
		"                pagecache GIB DIR | heap GIB | sort GIB DIR |\n"
		"                shm GIB DIR | python GIB\n"
		"Builds the state, prints 'ready ...', waits for SIGUSR1, checks its\n"
		"data and exits 0 (intact), 1 (damaged or failed) or 2 (bad usage).\n");
	return 2;
}

/* "6" or "0.25" GiB, rounded down to 2 MiB, at least 2 MiB. */
static int parse_gib(const char *s, size_t *bytes)
{
	char *end;
	double g;

	errno = 0;
	g = strtod(s, &end);
	if (errno || end == s || *end || !(g > 0) || g > 4096)
		return -1;
	*bytes = (size_t)(g * (1UL << 30)) / HPAGE * HPAGE;
	if (!*bytes)
		*bytes = HPAGE;
	return 0;
}

static bool is_dir(const char *d)
{
	struct stat st;

	return !stat(d, &st) && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int want = 3;
	char *end;
	size_t bytes;
	unsigned long keep;

	if (!strcmp(mode, "anon") || !strcmp(mode, "mix") ||
	    !strcmp(mode, "pagecache") || !strcmp(mode, "sort") ||
	    !strcmp(mode, "shm"))
		want = 4;
	else if (strcmp(mode, "thp") && strcmp(mode, "zram") &&
		 strcmp(mode, "heap") && strcmp(mode, "python"))
		return usage(argc > 1 ? "unknown mode" : NULL);
	if (argc != want)
		return usage(want == 4 ? "this mode takes GIB and one more argument" :
			     "this mode takes GIB only");
	if (parse_gib(argv[2], &bytes))
		return usage("GIB: expected a size in GiB such as 4 or 0.5");
	if (want == 4 && strcmp(mode, "anon") && !is_dir(argv[3]))
		return usage("DIR: not a directory");
	block_usr1();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "anon")) {
		errno = 0;
		keep = strtoul(argv[3], &end, 10);
		if (errno || *end || keep < 1 || keep > 1 << 20)
			return usage("KEEP: expected an integer 1..1048576");
		return do_anon(bytes, keep, false);
	}
	if (!strcmp(mode, "thp"))
		return do_anon(bytes, 4, true);
	if (!strcmp(mode, "mix"))
		return do_mix(bytes, argv[3]);
	if (!strcmp(mode, "pagecache"))
		return do_pagecache(bytes, argv[3]);
	if (!strcmp(mode, "heap"))
		return do_heap(bytes);
	if (!strcmp(mode, "zram"))
		return do_zram(bytes);
	if (!strcmp(mode, "shm"))
		return do_shm(bytes, argv[3]);
	if (!strcmp(mode, "python"))
		return do_python(bytes);
	return do_sort(bytes, argv[3]);
}
