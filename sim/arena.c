// SPDX-License-Identifier: GPL-2.0
/*
 * The arena: "physical memory" as one anonymous mapping.
 *
 * mm/ sees frames only through PFNs and __pm_phys_base; this file is the
 * one place that knows they are pages of an ordinary process.  The mapping
 * is MAP_NORESERVE so that a machine larger than free host memory can be
 * built as long as it is not all touched, and discarding a frame
 * (madvise(MADV_DONTNEED)) really hands it back to the host, which is what
 * a balloon inflate or a zram discard means to a hypervisor.
 *
 * Metadata (mem_map, pageblock bitmaps) gets its own mappings so that it
 * starts zeroed, never counts as arena residency, and can be freed whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "../lib/compiler.h"
#include "arena.h"

#define ARENA_PAGE_SIZE 4096UL

char *arena_base;
unsigned long arena_nr_pages;

/**
 * arena_init - map the frames of "physical memory"
 * @nr_pages: number of 4 KiB frames
 *
 * Maps a private anonymous region without reserving swap, so untouched
 * frames cost the host nothing.  Sets arena_base and arena_nr_pages.
 * Only one arena exists at a time; call arena_exit() before another.
 *
 * Return: 0 on success; -EINVAL if @nr_pages is 0, an arena already
 * exists or the size overflows; -ENOMEM if the mapping fails.
 */
int arena_init(unsigned long nr_pages)
{
	void *p;

	if (!nr_pages || arena_base || nr_pages > SIZE_MAX / ARENA_PAGE_SIZE)
		return -EINVAL;

	p = mmap(NULL, nr_pages * ARENA_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;

	arena_base = p;
	arena_nr_pages = nr_pages;
	return 0;
}

/**
 * arena_exit - unmap the arena
 *
 * Safe to call when no arena exists.  Every address inside the old arena
 * is invalid afterwards.
 */
void arena_exit(void)
{
	if (!arena_base)
		return;
	munmap(arena_base, arena_nr_pages * ARENA_PAGE_SIZE);
	arena_base = NULL;
	arena_nr_pages = 0;
}

/**
 * arena_map_meta - map a zeroed metadata area
 * @bytes: size wanted; rounded up to whole pages
 *
 * Return: the zeroed area, or NULL if @bytes is 0 or the mapping fails.
 */
void *arena_map_meta(size_t bytes)
{
	void *p;

	if (!bytes)
		return NULL;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/**
 * arena_unmap_meta - free an area from arena_map_meta()
 * @p: the area, or NULL (nothing happens)
 * @bytes: the size passed to arena_map_meta()
 */
void arena_unmap_meta(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

/**
 * arena_discard - give frames back to the host
 * @pfn: first frame
 * @nr: number of frames
 *
 * The frames read as zeroes afterwards and no longer count as resident.
 * The range is clipped to the arena.
 *
 * Context: the caller owns the frames; a concurrent reader may see either
 * the old bytes or zeroes.
 */
void arena_discard(unsigned long pfn, unsigned long nr)
{
	if (!arena_base || pfn >= arena_nr_pages || !nr)
		return;
	if (nr > arena_nr_pages - pfn)
		nr = arena_nr_pages - pfn;
	madvise(arena_base + pfn * ARENA_PAGE_SIZE, nr * ARENA_PAGE_SIZE,
		MADV_DONTNEED);
}

/**
 * arena_resident_pages - count arena frames backed by host memory
 *
 * Asks the host with mincore() in chunks, so the vector stays small for
 * large arenas.
 *
 * Return: resident frames, or 0 if there is no arena or mincore() fails.
 */
unsigned long arena_resident_pages(void)
{
	enum { CHUNK = 4096 };
	unsigned char vec[CHUNK];
	unsigned long host_page, per_host, done, resident = 0;
	size_t bytes = arena_nr_pages * ARENA_PAGE_SIZE;

	if (!arena_base)
		return 0;

	/* mincore() works in host pages, which may be larger than 4 KiB. */
	host_page = (unsigned long)sysconf(_SC_PAGESIZE);
	per_host = host_page > ARENA_PAGE_SIZE ? host_page / ARENA_PAGE_SIZE : 1;

	for (done = 0; done < bytes; ) {
		size_t len = min(bytes - done, (size_t)CHUNK * host_page);
		size_t n = (len + host_page - 1) / host_page;

		if (mincore(arena_base + done, len, vec))
			return 0;
		for (size_t i = 0; i < n; i++)
			if (vec[i] & 1)
				resident += per_host;
		done += len;
	}
	return resident > arena_nr_pages ? arena_nr_pages : resident;
}

/**
 * host_ram_bytes - physical memory of the host
 *
 * Return: bytes of host RAM, or 0 if the host does not say.
 */
unsigned long long host_ram_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return 0;
	return (unsigned long long)pages * (unsigned long long)size;
}

/* "12345", "512M", "11G": bytes, or 0 if @s is not a size. */
static unsigned long long parse_host_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'T': v <<= 10; /* fall through */
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	}
	return *end ? 0 : v;
}

/**
 * host_available_bytes - host memory a machine can take without reclaim
 * @source: set to where the figure came from (may be NULL)
 *
 * The arena is an anonymous mapping touched lazily, so what matters is
 * what the host can hand out now: /proc/meminfo's MemAvailable plus
 * SwapFree, or sysinfo()'s free RAM, buffers and free swap where there is
 * no /proc.  PAGEMIG_HOST_AVAILABLE (a size: "11G") overrides both, so
 * tests can play a host that is short of memory.
 *
 * Return: bytes, or 0 if the host does not say.
 */
unsigned long long host_available_bytes(const char **source)
{
	unsigned long long avail = 0, swap = 0, kb;
	const char *env = getenv("PAGEMIG_HOST_AVAILABLE");
	bool have_avail = false;
	struct sysinfo si;
	char line[128];
	FILE *f;

	if (env && *env && parse_host_size(env)) {
		if (source)
			*source = "PAGEMIG_HOST_AVAILABLE";
		return parse_host_size(env);
	}
	f = fopen("/proc/meminfo", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
				avail = kb << 10;
				have_avail = true;
			} else if (sscanf(line, "SwapFree: %llu kB", &kb) == 1) {
				swap = kb << 10;
			}
		}
		fclose(f);
		if (have_avail) {
			if (source)
				*source = "MemAvailable";
			return avail + swap;
		}
	}
	if (sysinfo(&si))
		return 0;
	if (source)
		*source = "sysinfo";
	return ((unsigned long long)si.freeram + si.bufferram + si.freeswap) *
		(si.mem_unit ? si.mem_unit : 1);
}
