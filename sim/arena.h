/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arena: one anonymous MAP_NORESERVE mapping that plays physical
 * memory.  PFN n is the 4 KiB frame at offset n * PAGE_SIZE.  Only sim/
 * knows it lives in a process; mm/ asks for addresses and discards.
 */
#ifndef _PAGEMIG_SIM_ARENA_H
#define _PAGEMIG_SIM_ARENA_H

#include <stddef.h>
#include <stdint.h>

extern char *arena_base;
extern unsigned long arena_nr_pages;

/* Map @nr_pages frames of "physical memory".  0 or -ENOMEM / -EINVAL. */
int arena_init(unsigned long nr_pages);
void arena_exit(void);

/*
 * Map a zeroed metadata area (mem_map, pageblock bitmaps) of @bytes.
 * NULL on failure.  Freed with arena_unmap_meta().
 */
void *arena_map_meta(size_t bytes);
void arena_unmap_meta(void *p, size_t bytes);

/*
 * Give frames [pfn, pfn + nr) back to the host OS: the next read sees
 * zeroes and the process's RSS drops.
 */
void arena_discard(unsigned long pfn, unsigned long nr);

/* How many arena frames are resident in host memory right now. */
unsigned long arena_resident_pages(void);

/* Host RAM in bytes, for refusing machines the host cannot back. */
unsigned long long host_ram_bytes(void);

/* What the host can back now: MemAvailable + SwapFree; 0 if unknown. */
unsigned long long host_available_bytes(const char **source);

#endif /* _PAGEMIG_SIM_ARENA_H */
