/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the isolation, offline and soft-offline tests: put
 * pages of each movable kind (anon, file and THP folios of a process,
 * balloon pages, zsmalloc pages behind zram) in memory with contents
 * that can be checked after they move, and find 4 MiB ranges holding
 * them.
 *
 * Process pages hold a pattern derived from (pid, page index); file
 * pages are remembered as read before the move; zram sectors hold a
 * compressible pattern derived from their index.
 *
 * Include after harness/mm_fixture.h.
 */
#ifndef _PAGEMIG_TEST_ISO_HELPERS_H
#define _PAGEMIG_TEST_ISO_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include <pagemig/page-isolation.h>
#include <pagemig/pgtable.h>
#include "../../drivers/balloon_host.h"

#define ISO_RANGE	MAX_ORDER_NR_PAGES	/* the facade's granule: 4 MiB */
#define ISO_TIMEOUT_MS	10000

struct mm_struct *process_mm(int pid);

/* The PFN mapped at @addr in process @pid, or ULONG_MAX. */
static inline unsigned long iso_proc_pfn(int pid, unsigned long addr)
{
	struct mm_struct *mm = process_mm(pid);
	unsigned long pfn = ULONG_MAX;
	uint64_t *pmd, *pte, e;

	if (!mm)
		return pfn;
	spin_lock(&mm->page_table_lock);
	pmd = walk_to_entry(mm, addr, true);
	e = pmd ? ptep_get(pmd) : 0;
	if (pmd_trans_huge(e)) {
		pfn = pte_pfn(e) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	} else {
		pte = walk_to_entry(mm, addr, false);
		e = pte ? ptep_get(pte) : 0;
		if (pte_present(e))
			pfn = pte_pfn(e);
	}
	spin_unlock(&mm->page_table_lock);
	return pfn;
}

static inline void iso_pattern(uint64_t *buf, int pid, unsigned long i, uint64_t gen)
{
	for (unsigned int w = 0; w < PAGE_SIZE / 8; w++)
		buf[w] = ((uint64_t)pid << 56) ^ (i << 20) ^ (gen << 12) ^ w ^ 0x5a5a000000000000ULL;
}

/* Write every page of [addr, addr + nr pages) of @pid with its pattern. */
static inline int iso_proc_write(int pid, unsigned long addr, unsigned long nr, uint64_t gen)
{
	uint64_t buf[PAGE_SIZE / 8];

	for (unsigned long i = 0; i < nr; i++) {
		int ret;

		iso_pattern(buf, pid, i, gen);
		ret = pagemig_access(pid, addr + i * PAGE_SIZE, buf, PAGE_SIZE, true);
		if (ret)
			return ret;
	}
	return 0;
}

/* How many pages of the mapping differ from their pattern. */
static inline unsigned long iso_proc_check(int pid, unsigned long addr, unsigned long nr,
					   uint64_t gen)
{
	uint64_t want[PAGE_SIZE / 8], got[PAGE_SIZE / 8];
	unsigned long bad = 0;

	for (unsigned long i = 0; i < nr; i++) {
		iso_pattern(want, pid, i, gen);
		if (pagemig_access(pid, addr + i * PAGE_SIZE, got, PAGE_SIZE, false) ||
		    memcmp(want, got, PAGE_SIZE))
			bad++;
	}
	return bad;
}

/* A process with @nr written anonymous pages (PMD-sized folios if @thp). */
static inline int iso_spawn_anon(unsigned long nr, bool thp, unsigned long *addr)
{
	int pid = pagemig_process_create();

	if (pid < 0)
		return pid;
	if (pagemig_mmap_anon(pid, nr * PAGE_SIZE,
			      PAGEMIG_MAP_WRITE | (thp ? PAGEMIG_MAP_THP : 0), addr) ||
	    iso_proc_write(pid, *addr, nr, 0)) {
		pagemig_process_exit(pid);
		return -ENOMEM;
	}
	return pid;
}

static inline void iso_sector(uint8_t *buf, unsigned long i)
{
	for (unsigned int b = 0; b < PAGE_SIZE; b++)
		buf[b] = (uint8_t)((b / 64) ^ i ^ (i >> 8) ^ (b % 7 ? 0 : 0xa5));
}

/* zram0 with @nr written sectors; the device number. */
static inline int iso_zram(unsigned long nr)
{
	uint8_t buf[PAGE_SIZE];
	int id = pagemig_zram_create("lz4", nr * PAGE_SIZE, 0);

	if (id < 0)
		return id;
	for (unsigned long i = 0; i < nr; i++) {
		iso_sector(buf, i);
		if (pagemig_zram_write(id, i, buf))
			return -ENOMEM;
	}
	return id;
}

static inline unsigned long iso_zram_check(int id, unsigned long nr)
{
	uint8_t want[PAGE_SIZE], got[PAGE_SIZE];
	unsigned long bad = 0;

	for (unsigned long i = 0; i < nr; i++) {
		iso_sector(want, i);
		if (pagemig_zram_read(id, i, got) || memcmp(want, got, PAGE_SIZE))
			bad++;
	}
	return bad;
}

enum iso_kind { ISO_ANON, ISO_FILE, ISO_THP, ISO_BALLOON, ISO_ZSMALLOC, ISO_NR_KINDS };

static inline bool iso_is_kind(struct page *page, int kind)
{
	struct page *head = compound_head(page);

	switch (kind) {
	case ISO_ANON:
		return PageLRU(head) && !PageCompound(page) && PageAnon(page);
	case ISO_FILE:
		return PageLRU(head) && !PageAnon(head);
	case ISO_THP:
		return PageLRU(head) && PageCompound(page);
	case ISO_BALLOON:
		return PageOffline(page) && page_has_movable_ops(page);
	case ISO_ZSMALLOC:
		return PageZsmalloc(page) && page_has_movable_ops(page);
	}
	return false;
}

static inline unsigned long iso_count(unsigned long start, unsigned long nr, int kind)
{
	unsigned long n = 0;

	for (unsigned long pfn = start; pfn < start + nr; pfn++)
		n += iso_is_kind(pfn_to_page(pfn), kind);
	return n;
}

/* Nothing unmovable in [start, start + nr) (for isolation @flags). */
static inline bool iso_range_movable(unsigned long start, unsigned long nr, int flags)
{
	struct zone *zone = page_zone(pfn_to_page(start));

	if (zone != page_zone(pfn_to_page(start + nr - 1)))
		return false;
	for (unsigned long pfn = start; pfn < start + nr; pfn += pageblock_nr_pages)
		if (has_unmovable_pages(zone, pfn, pfn + pageblock_nr_pages, flags))
			return false;
	return true;
}

/*
 * The movable 4 MiB range holding the most pages of @kind, at least
 * @min of them; ULONG_MAX if none qualifies.
 */
static inline unsigned long iso_find_range(int kind, unsigned long min, int flags)
{
	unsigned long best = ULONG_MAX, best_n = 0;

	for (unsigned long s = 0; s + ISO_RANGE <= max_pfn; s += ISO_RANGE) {
		unsigned long n;

		if (!iso_range_movable(s, ISO_RANGE, flags))
			continue;
		n = iso_count(s, ISO_RANGE, kind);
		if (n >= min && (best == ULONG_MAX || n > best_n)) {
			best = s;
			best_n = n;
		}
	}
	return best;
}

/* A 4 MiB range of @zone that is entirely free; ULONG_MAX if none. */
static inline unsigned long iso_free_range(struct zone *zone)
{
	unsigned long s = ALIGN(zone->zone_start_pfn, ISO_RANGE);

	for (; s + ISO_RANGE <= zone_end_pfn(zone); s += ISO_RANGE) {
		struct page *page = pfn_to_page(s);

		if (PageBuddy(page) && buddy_order(page) == MAX_PAGE_ORDER)
			return s;
	}
	return ULONG_MAX;
}

/* Every page of the range allocated by alloc_contig_range(). */
static inline bool iso_range_taken(unsigned long start, unsigned long nr)
{
	for (unsigned long pfn = start; pfn < start + nr; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page) || PageCompound(page) || page_ref_count(page) != 1)
			return false;
	}
	return true;
}

/* No pageblock of the range is isolated any more. */
static inline bool iso_range_in_service(unsigned long start, unsigned long nr)
{
	for (unsigned long pfn = start; pfn < start + nr; pfn += pageblock_nr_pages)
		if (get_pageblock_isolate(pfn_to_page(pfn)))
			return false;
	return true;
}

static inline unsigned long iso_balloon_size(void)
{
	struct pagemig_balloon_stats st;

	if (pagemig_balloon_stats(BALLOON_VIRTIO, &st))
		return 0;
	return st.size;
}

void processes_destroy_all(void);
void zram_destroy_all(void);

/*
 * Memory holding every movable kind: an anonymous process, a file mapped
 * by another process, a THP process, a virtio balloon and zram (whose
 * zsmalloc pages hold the sectors).  Sizes in pages; 0 leaves a kind out.
 */
struct iso_world {
	unsigned long nr_anon, nr_file, nr_thp, nr_balloon, nr_zram;
	int pid_anon, pid_file, pid_thp, fid, zram;
	unsigned long addr_anon, addr_file, addr_thp;
	uint8_t *file_copy;
};

static inline int iso_world_up(struct iso_world *w)
{
	unsigned long i;
	int ret;

	w->pid_anon = w->pid_file = w->pid_thp = w->fid = w->zram = -1;
	w->file_copy = NULL;
	if (w->nr_anon && (w->pid_anon = iso_spawn_anon(w->nr_anon, false, &w->addr_anon)) < 0)
		return w->pid_anon;
	if (w->nr_thp && (w->pid_thp = iso_spawn_anon(w->nr_thp, true, &w->addr_thp)) < 0)
		return w->pid_thp;
	if (w->nr_file) {
		w->fid = pagemig_file_create("iso", w->nr_file * PAGE_SIZE, 42, NULL);
		if (w->fid < 0)
			return w->fid;
		w->pid_file = pagemig_process_create();
		if (w->pid_file < 0)
			return w->pid_file;
		ret = pagemig_mmap_file(w->pid_file, w->fid, w->nr_file * PAGE_SIZE, 0, 0,
					&w->addr_file);
		if (ret)
			return ret;
		w->file_copy = malloc(w->nr_file * PAGE_SIZE);
		if (!w->file_copy)
			return -ENOMEM;
		for (i = 0; i < w->nr_file; i++) {
			ret = pagemig_access(w->pid_file, w->addr_file + i * PAGE_SIZE,
					     w->file_copy + i * PAGE_SIZE, PAGE_SIZE, false);
			if (ret)
				return ret;
		}
	}
	if (w->nr_balloon) {
		ret = pagemig_balloon_set_target(BALLOON_VIRTIO, w->nr_balloon, ISO_TIMEOUT_MS);
		if (ret)
			return ret;
	}
	if (w->nr_zram && (w->zram = iso_zram(w->nr_zram)) < 0)
		return w->zram;
	drain_all_pages(NULL);
	return 0;
}

/* Pages whose contents are not what was written (every kind). */
static inline unsigned long iso_world_check(struct iso_world *w)
{
	uint8_t got[PAGE_SIZE];
	unsigned long bad = 0, i;

	if (w->pid_anon >= 0)
		bad += iso_proc_check(w->pid_anon, w->addr_anon, w->nr_anon, 0);
	if (w->pid_thp >= 0)
		bad += iso_proc_check(w->pid_thp, w->addr_thp, w->nr_thp, 0);
	if (w->file_copy)
		for (i = 0; i < w->nr_file; i++)
			if (pagemig_access(w->pid_file, w->addr_file + i * PAGE_SIZE, got,
					   PAGE_SIZE, false) ||
			    memcmp(got, w->file_copy + i * PAGE_SIZE, PAGE_SIZE))
				bad++;
	if (w->zram >= 0)
		bad += iso_zram_check(w->zram, w->nr_zram);
	if (w->nr_balloon && iso_balloon_size() != w->nr_balloon)
		bad++;
	return bad;
}

/* Give everything back, so the fixture's invariants see all pages free. */
static inline void iso_world_down(struct iso_world *w)
{
	if (w->nr_balloon)
		pagemig_balloon_set_target(BALLOON_VIRTIO, 0, ISO_TIMEOUT_MS);
	processes_destroy_all();
	zram_destroy_all();
	free(w->file_copy);
	w->file_copy = NULL;
	drain_all_pages(NULL);
}

#endif /* _PAGEMIG_TEST_ISO_HELPERS_H */
