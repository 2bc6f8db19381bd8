/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pagemig: Linux's page-migration subsystem as a user-space library.
 *
 * This is the public facade: the only header the CLI and workloads
 * need.  Hooks for tests and benchmarks (fault injection, timed loops)
 * are in pagemig_testing.h.  The library models one machine per process (as the
 * kernel has one): create it with pagemig_machine_init(), tear it down
 * with pagemig_machine_exit() before creating another.
 *
 * Every call returns 0 or a negative errno unless documented otherwise;
 * the library never exits, aborts or prints on a success path.  Warnings
 * and bad-page reports go to the log (stderr unless pagemig_set_log()).
 */
#ifndef _PAGEMIG_PAGEMIG_H
#define _PAGEMIG_PAGEMIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prandom.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; this header's API is not. */
#pragma GCC visibility push(default)

/*
 * The API's version.  The shared library's SONAME, libpagemig.so.MAJOR,
 * changes when MAJOR does; MINOR grows with additions, PATCH with fixes.
 */
#define PAGEMIG_VERSION_MAJOR	0
#define PAGEMIG_VERSION_MINOR	6
#define PAGEMIG_VERSION_PATCH	0

#define PAGEMIG_PAGE_SIZE	4096UL
#define PAGEMIG_PAGEBLOCK_PAGES	512UL
#define PAGEMIG_MAX_ORDER	10
#define PAGEMIG_NR_ORDERS	(PAGEMIG_MAX_ORDER + 1)
#define PAGEMIG_NR_ZONES	5	/* DMA, DMA32, Normal, Movable, Device */
#define PAGEMIG_NR_MIGRATETYPES	5	/* Unmovable ... Isolate */
#define PAGEMIG_MAX_CPUS	64

/* ---- the machine ---- */

/* Zone numbers, the kernel's order (enum zone_type). */
enum pagemig_zone {
	PAGEMIG_ZONE_DMA,
	PAGEMIG_ZONE_DMA32,
	PAGEMIG_ZONE_NORMAL,
	PAGEMIG_ZONE_MOVABLE,
	PAGEMIG_ZONE_DEVICE,	/* exists at most empty: no device memory here */
};

/* PFNs [start, end). */
struct pagemig_pfn_range {
	unsigned long start, end;
};

/*
 * One zone of a machine laid out as a real one was (pagemig_layout).
 * Zero asks for pagemig's own figure: managed (every present page), the
 * watermarks (all four or none), each CPU's pcp high and batch.
 */
struct pagemig_zone_layout {
	bool exists;			/* the kernel lists it, even empty */
	unsigned long start_pfn, spanned;
	unsigned long present;		/* zoneinfo's; 0: not known */
	unsigned long managed;
	unsigned long min, low, high, promo;
	long lowmem_reserve[PAGEMIG_NR_ZONES];	/* zoneinfo's "protection:" */
	bool has_lowmem_reserve;
	unsigned int pcp_high[PAGEMIG_MAX_CPUS], pcp_batch[PAGEMIG_MAX_CPUS];
	/* the range high moves in (kernel 6.7+; 0: not printed) */
	unsigned int pcp_high_min[PAGEMIG_MAX_CPUS], pcp_high_max[PAGEMIG_MAX_CPUS];
	/* free pages on each CPU's lists at the snapshot (an import only) */
	unsigned int pcp_count[PAGEMIG_MAX_CPUS];
};

/*
 * Zones where a real machine had them, in PFN order (ZONE_DMA from PFN 1,
 * say), and holes: sorted, disjoint PFN ranges with no memory (firmware
 * ranges, absent or offline sections), which no zone's present pages
 * count.  PFNs outside every zone's span are holes too.
 */
struct pagemig_layout {
	struct pagemig_zone_layout zones[PAGEMIG_NR_ZONES];
	const struct pagemig_pfn_range *holes;
	unsigned int nr_holes;
};

/*
 * The movable_ops core (balloon and zsmalloc pages).  6_17: the kernel 6.17
 * core, which pins an isolated page with a reference and locks it around
 * the owner's callbacks.  DECOUPLED: no reference, no page lock; the
 * owner serialises isolation on PG_movable_ops_isolated under its own
 * lock and keeps an isolated page alive (Documentation/movable_ops.md).
 */
enum pagemig_movable_ops {
	PAGEMIG_MOVABLE_OPS_6_17,
	PAGEMIG_MOVABLE_OPS_DECOUPLED,
};
#define PAGEMIG_MOVABLE_OPS_DEFAULT	PAGEMIG_MOVABLE_OPS_DECOUPLED

struct pagemig_config {
	uint64_t memory;	/* bytes of "physical memory"; a multiple of 2 MiB */
	uint64_t dma32;		/* bytes of ZONE_DMA32 at the bottom; UINT64_MAX = default */
	uint64_t movable;	/* bytes of ZONE_MOVABLE at the top; 0 = none */
	unsigned int nr_cpus;	/* CPU threads, 1..PAGEMIG_MAX_CPUS */
	uint64_t seed;		/* for everything random inside the library */
	/*
	 * Memory that is mostly never touched (a kpageflags import): skip
	 * the host-RAM check; mem_map must still fit in half of it.
	 */
	bool sparse;
	/*
	 * NULL: zones from dma32 and movable.  Else the zones and holes of
	 * a real machine (dma32 and movable unused); memory must then be
	 * the highest zone's end rounded up to 2 MiB.
	 */
	const struct pagemig_layout *layout;
	/* How the core isolates and moves balloon and zsmalloc pages. */
	enum pagemig_movable_ops movable_ops;
};

/*
 * Defaults: 256 MiB, default DMA32, no Movable zone, 2 CPUs, seed 1,
 * PAGEMIG_MOVABLE_OPS_DEFAULT.
 */
void pagemig_config_default(struct pagemig_config *cfg);

/*
 * Check @cfg without building anything.  Returns 0, or -EINVAL/-ENOMEM
 * with a one-line reason naming the offending field in @err.
 */
int pagemig_config_check(const struct pagemig_config *cfg, char *err, size_t errlen);

/*
 * What a machine would take from the host, against what the host can back
 * now.  pagemig_config_check() refuses only a machine larger than the
 * host's RAM; a smaller one may still be more than the host has free, and
 * the arena is touched lazily, so the run would meet the host's OOM killer
 * half-way.  The library does not print: the caller decides to warn.
 */
struct pagemig_host_memory {
	uint64_t need;		/* memory (unless sparse) + 64 B of mem_map a page */
	uint64_t available;	/* MemAvailable + SwapFree now; 0 = the host does not say */
	const char *source;	/* "MemAvailable", "sysinfo" or "PAGEMIG_HOST_AVAILABLE" */
};

/*
 * Fill @hm for @cfg.  Returns 1 if need is more than available (warn),
 * 0 if it fits or the host does not say, -EINVAL for NULL arguments.
 * PAGEMIG_HOST_AVAILABLE (a size: "11G") stands in for the host's figure.
 */
int pagemig_host_memory(const struct pagemig_config *cfg, struct pagemig_host_memory *hm);

/* Build the machine: arena, mem_map, zones, free lists.  See config_check. */
int pagemig_machine_init(const struct pagemig_config *cfg, char *err, size_t errlen);
void pagemig_machine_exit(void);
bool pagemig_machine_ready(void);

/* Where library warnings, WARN_ON reports and bad-page reports go. */
void pagemig_set_log(FILE *f);
/* How many WARN/VM_WARN/bad-page reports fired since the machine began. */
unsigned long pagemig_warnings(void);
/* Lock-order inversions the checker saw (debug builds; 0 otherwise). */
unsigned long pagemig_lock_inversions(void);

/*
 * Run the calling thread as CPU @cpu, with that CPU's per-CPU page
 * lists; threads start as CPU 0.  A program that runs the machine from
 * several threads (the workload's processes, zram writers) gives each
 * its CPU.  0; -EINVAL unless 0 <= @cpu < the machine's CPUs; -ENODEV
 * without a machine.
 */
int pagemig_thread_set_cpu(int cpu);

/* ---- the deterministic scheduler ---- */

/*
 * Run the calling thread, and every thread it then starts with
 * pagemig_thread_create() (and the machine's kernel threads), one at a
 * time, the next one chosen from @seed at every scheduling point, on a
 * simulated clock: a run becomes a function of its seed.  @pct_depth 0
 * switches at random points; >= 1 uses PCT priorities with @pct_depth - 1
 * priority-change points spread over about @est_steps steps (0: a
 * default).  Call before pagemig_machine_init().  0, -EBUSY (already
 * on), -EINVAL (depth above 16).
 */
int pagemig_sched_start(uint64_t seed, unsigned int pct_depth,
			unsigned long long est_steps);
/* Back to parallel mode, once every started thread has been joined. */
void pagemig_sched_stop(void);
bool pagemig_sched_on(void);
/* A hash over the scheduling decisions so far, and their number. */
uint64_t pagemig_sched_digest(void);
unsigned long long pagemig_sched_steps(void);
/* Print the last @n scheduling decisions (after a failure). */
void pagemig_sched_dump(FILE *f, unsigned int n);

/*
 * Threads that use the machine: pthread_create()/pthread_join() in
 * parallel mode, scheduled threads under the scheduler.  0 or an errno.
 */
int pagemig_thread_create(pthread_t *thread, const char *name,
			  void *(*fn)(void *arg), void *arg);
int pagemig_thread_join(pthread_t thread, void **ret);
/* Let other threads run: sched_yield(), or a scheduling point. */
void pagemig_yield(void);
/*
 * Sleep on the machine's clock (simulated under the scheduler); then the
 * per-CPU list decays the vmstat worker would have made meanwhile are made.
 */
void pagemig_msleep(unsigned int ms);
/* The machine's clock in ns: simulated under the scheduler, else the host's. */
uint64_t pagemig_clock_ns(void);
/* The host's monotonic clock in ns, for timings, in both modes. */
uint64_t pagemig_wall_ns(void);

/* ---- allocation, by gfp mask ---- */

/*
 * Parse "GFP_KERNEL|__GFP_RECLAIMABLE" and the like.  -EINVAL names nothing;
 * a mask with both __GFP_MOVABLE and __GFP_RECLAIMABLE is -EINVAL too.
 */
int pagemig_parse_gfp(const char *s, unsigned int *gfp);
/* Format a mask as "GFP_KERNEL|__GFP_ZERO"; returns the length written. */
int pagemig_format_gfp(unsigned int gfp, char *buf, size_t len);

/* Allocate 2^order pages; the first PFN in *pfn.  -ENOMEM, -EINVAL (both mobility bits). */
int pagemig_alloc_pages(unsigned int gfp, unsigned int order, unsigned long *pfn);
/*
 * Free what pagemig_alloc_pages() returned.  -EINVAL (nothing freed) if
 * @pfn is not an allocated block start or the order does not fit it.
 */
int pagemig_free_pages(unsigned long pfn, unsigned int order);

/* ---- content verification ---- */

/*
 * Fill pages [pfn, pfn + nr) with a pattern derived from @tag and each
 * page's position, and check it back.  check returns the number of pages
 * whose contents differ.
 */
void pagemig_fill_tag(unsigned long pfn, unsigned long nr, uint64_t tag);
unsigned long pagemig_check_tag(unsigned long pfn, unsigned long nr, uint64_t tag);

/* ---- figures ---- */

struct pagemig_zone_stats {
	const char *name;
	bool populated;
	unsigned long start_pfn, spanned, present, managed;
	unsigned long free, min, low, high;
	unsigned long nr_free[PAGEMIG_NR_ORDERS];
	unsigned long nr_free_mt[PAGEMIG_NR_MIGRATETYPES][PAGEMIG_NR_ORDERS];
	unsigned long nr_blocks_mt[PAGEMIG_NR_MIGRATETYPES];
	/*
	 * kcompactd's fragmentation score (0..100: free memory outside free
	 * 2 MiB blocks), and per order the kernel's debugfs
	 * extfrag/extfrag_index (-1000: a free block of that order exists;
	 * toward 0 a lack of memory, toward 1000 fragmentation) and
	 * extfrag/unusable_index (free memory in smaller blocks), both in
	 * thousandths.
	 */
	unsigned int fragmentation_score;
	int extfrag_index[PAGEMIG_NR_ORDERS];
	int unusable_index[PAGEMIG_NR_ORDERS];
};

/*
 * Zone @zone (enum pagemig_zone).  0; -EINVAL out of range; -ENOENT for a
 * zone this machine does not have (DMA and Device unless its layout
 * has them); -ENODEV without a machine.
 */
int pagemig_zone_stats(int zone, struct pagemig_zone_stats *out);
const char *pagemig_migratetype_name(int mt);

/* /proc/vmstat as (name, value) pairs in the kernel's order. */
unsigned int pagemig_vmstat_count(void);
const char *pagemig_vmstat_name(unsigned int i);
unsigned long pagemig_vmstat_value(unsigned int i);
/* One counter by its /proc/vmstat name; -ENOENT if unknown. */
int pagemig_vmstat_get(const char *name, unsigned long *value);

/*
 * The same as a value, for deltas and sums: 0 for a name /proc/vmstat
 * does not have (pagemig_vmstat_get() tells the two apart).
 */
static inline unsigned long pagemig_vmstat(const char *name)
{
	unsigned long v = 0;

	pagemig_vmstat_get(name, &v);
	return v;
}

/* The kernel's /proc files, byte-compatible in layout. */
int pagemig_show_vmstat(FILE *f);
int pagemig_show_buddyinfo(FILE *f);
int pagemig_show_pagetypeinfo(FILE *f);
int pagemig_show_zoneinfo(FILE *f);

/* Frames of the arena resident in host memory (for RSS figures). */
unsigned long pagemig_resident_pages(void);
unsigned long pagemig_total_pages(void);
/* NR_FREE_PAGES of every zone: free pages of isolated blocks not included. */
unsigned long pagemig_free_pages_count(void);

/*
 * The expensive validator: walk every zone and check free counts per
 * order and migratetype, buddy state, pageblock types and page
 * accounting.  Describes each problem on @f (may be NULL) and returns how
 * many it found.
 */
unsigned long pagemig_validate(FILE *f);

/* ---- balloons: virtio_balloon, vmw_balloon, cmm (pseries) ---- */

#define PAGEMIG_NR_BALLOONS	3

/* "virtio"/"virtio_balloon", "vmw"/"vmw_balloon", "cmm"; -ENOENT otherwise. */
int pagemig_balloon_lookup(const char *name);
const char *pagemig_balloon_name(int drv);

/*
 * As the hypervisor: set balloon @drv's target size in pages and wait up
 * to @timeout_ms for the guest driver to get there.  Inflated frames are
 * given back to the host OS, so the process's RSS drops.
 * Return: 0 when reached; -ENOMEM when the guest ran out of memory short
 * of the target; -EAGAIN when pages stayed isolated; -ETIMEDOUT.
 */
int pagemig_balloon_set_target(int drv, unsigned long pages, unsigned int timeout_ms);

struct pagemig_balloon_stats {
	const char *name;
	unsigned long size, target, isolated, host_owned;
	unsigned long inflate_msgs, deflate_msgs;
	unsigned long inflated, deflated, refused, discarded;
};

int pagemig_balloon_stats(int drv, struct pagemig_balloon_stats *st);

/* ---- compaction ---- */

/*
 * Compact every zone: @order -1 is a full compaction (what writing
 * /proc/sys/vm/compact_memory does); 0..10 compacts until a free block
 * of that order exists (what kcompactd does).  0, -EINVAL, -ENODEV.
 */
int pagemig_compact(int order);
/*
 * Pages of long-term pinned anonymous folios that compaction left where
 * they were (counted each time a migrate scanner meets one) since the
 * machine booted: they cannot migrate, so the kernel does not even
 * isolate them and they never show in pgmigrate_fail.  pagemig's own
 * figure; pinned file folios fail in migration and count there.
 */
unsigned long pagemig_compact_pinned_skipped(void);

/*
 * kcompactd and proactive compaction (facade/compaction.c;
 * Documentation/compaction.md).  The knob is the kernel's
 * /proc/sys/vm/compaction_proactiveness: 0 turns proactive compaction
 * off; 1..100 make kcompactd compact in the background while the node's
 * fragmentation score is above 100 - value + leeway, down to
 * 100 - value.  Every machine boots with 20.  A non-zero write also asks
 * kcompactd to check at once.  0, -EINVAL (above 100), -ENODEV.
 */
int pagemig_compaction_proactiveness_set(int value);
/* The knob's value, or -ENODEV. */
int pagemig_compaction_proactiveness_get(void);
/*
 * The fragmentation score: for @zone (enum pagemig_zone), the percentage of its free
 * memory outside free order-9 blocks; for @zone -1, the node's score
 * (each zone's weighted by its share of memory; 0..99).  The score, or
 * -EINVAL (no such zone, or not populated), -ENODEV.
 */
int pagemig_fragmentation_score(int zone);

/*
 * The vm sysctls a user turns, by their /proc/sys/vm names (a "vm."
 * prefix is accepted): compaction_proactiveness, extfrag_threshold,
 * min_free_kbytes, percpu_pagelist_high_fraction, watermark_boost_factor,
 * watermark_scale_factor.
 * A write takes effect as the kernel's handler makes it: watermarks and
 * per-CPU list sizes are derived again at once.  Every machine boots
 * with the kernel's defaults.
 *
 * pagemig_sysctl_name(i): the i-th name, NULL past the last.
 * pagemig_sysctl_check(): 0, -ENOENT (no such knob) or -EINVAL (out of
 * the kernel's range), with a one-line reason in @err; needs no machine.
 * pagemig_sysctl_set(): 0, -ENOENT, -EINVAL, or -ENODEV without a machine.
 * pagemig_sysctl_get(): 0 or -ENOENT.
 */
const char *pagemig_sysctl_name(unsigned int i);
int pagemig_sysctl_check(const char *name, long value, char *err, size_t errlen);
int pagemig_sysctl_set(const char *name, long value);
int pagemig_sysctl_get(const char *name, long *value);
/*
 * Ask kcompactd for a free block of @order (1..10), as a failed
 * allocation of that order does; it wakes only if some zone could be
 * compacted toward it.  0, -EINVAL, -ESRCH (kcompactd not running),
 * -ENODEV.
 */
int pagemig_kcompactd_wake(int order);

/* ---- zram: compressed block devices on zsmalloc (facade/zram.c) ---- */

#define PAGEMIG_MAX_ZRAM	8

/*
 * Create zram<N>: @compressor "lz4" (NULL: lz4), "lz4hc", "zstd" or
 * "deflate"; @disksize bytes (a multiple of 4096); @mem_limit bytes of
 * pool, 0 for none.  Return: the device number N, or -EINVAL (bad size,
 * unknown compressor), -ENOSPC (too many devices), -ENOMEM, -ENODEV.
 */
int pagemig_zram_create(const char *compressor, uint64_t disksize, uint64_t mem_limit);
int pagemig_zram_destroy(int id);
/* One 4096-byte sector.  0, -EINVAL (index), -ENOMEM (pool or mem_limit). */
int pagemig_zram_write(int id, unsigned long index, const void *buf);
int pagemig_zram_read(int id, unsigned long index, void *buf);
int pagemig_zram_discard(int id, unsigned long index, unsigned long n);
/* The sysfs "compact" trigger: pages freed, or -ENODEV. */
long pagemig_zram_compact(int id);
/* The kernel's mm_stat line, with its newline.  Length or -ENODEV. */
int pagemig_zram_mm_stat(int id, char *buf, size_t len);
/* Compressor names, i = 0.. until NULL. */
const char *pagemig_zram_compressor(unsigned int i);

struct pagemig_zram_stats {
	const char *name, *compressor;
	uint64_t disksize;
	/* The mm_stat columns, in bytes where the kernel uses bytes. */
	uint64_t orig_data_size, compr_data_size, mem_used_total, mem_limit;
	uint64_t mem_used_max, same_pages, pages_compacted, huge_pages;
	uint64_t huge_pages_since;
	uint64_t failed_writes, failed_reads;
};

int pagemig_zram_stats(int id, struct pagemig_zram_stats *st);

/*
 * Pages that compress about as much as asked (facade/zram_data.c): fill
 * PAGEMIG_PAGE_SIZE bytes at @p from @seed, with @psrc the share of
 * random chunks, as pagemig_zram_data_share() finds it for an lz4 ratio.
 */
void pagemig_zram_data_page(unsigned char *p, uint64_t seed, double psrc);
double pagemig_zram_data_share(double ratio);

/* ---- processes and files (facade/process.c) ---- */

#define PAGEMIG_MAX_PROCS	64
#define PAGEMIG_MAX_FILES	64
#define PAGEMIG_MAP_WRITE	0x1
#define PAGEMIG_MAP_SHARED	0x2	/* file mappings: writes reach the page cache */
#define PAGEMIG_MAP_THP		0x4	/* anonymous: PMD-sized folios where they fit */

/* A new, empty process.  Its number, or -ENOSPC / -ENOMEM / -ENODEV. */
int pagemig_process_create(void);
/*
 * Unmap everything, drop pins, free page tables.  0 or -ESRCH.  Like
 * closing a file descriptor, no other thread may be using @pid (in
 * pagemig_access(), pagemig_pin(), ...) while it exits: stop the
 * process's CPUs first.  Migration of its pages may go on meanwhile.
 */
int pagemig_process_exit(int pid);
/*
 * The OOM killer (Documentation/testing.md): when an allocation cannot be
 * met, it kills the process with the most resident memory and page
 * tables, shifted by oom_score_adj thousandths of the machine (-1000:
 * never chosen, 1000: chosen first).  A killed process's accesses fail
 * with -EINTR and its private memory is freed at once; exit it as usual.
 * set_comm names it in the kernel's messages (15 characters kept).
 * 0, -EINVAL, -ESRCH; oom_killed returns 1 or 0, or -ESRCH.
 */
int pagemig_process_set_comm(int pid, const char *comm);
int pagemig_process_set_oom_score_adj(int pid, int oom_score_adj);
int pagemig_process_oom_killed(int pid);
/* Map @len bytes (page multiple) of anonymous memory; the address in *addr. */
int pagemig_mmap_anon(int pid, uint64_t len, unsigned int flags, unsigned long *addr);
/*
 * A file of @size bytes whose contents come from @path (a real file; size
 * 0 = its size) or, with @path NULL, from a generator seeded by @seed.
 * Returns the file number or -errno.
 */
int pagemig_file_create(const char *name, uint64_t size, uint64_t seed, const char *path);
int pagemig_mmap_file(int pid, int fid, uint64_t len, uint64_t offset,
		      unsigned int flags, unsigned long *addr);
/* Unmap the mapping that starts at @addr.  0, -EINVAL, -ESRCH. */
int pagemig_munmap(int pid, unsigned long addr);
/*
 * munmap(2): unmap [addr, addr + len) (page multiples) whatever mappings
 * it covers, splitting those it cuts -- a THP mapping only at 2 MiB
 * boundaries.  0, -EINVAL, -ENOMEM, -ESRCH.
 */
int pagemig_munmap_range(int pid, unsigned long addr, uint64_t len);
/*
 * madvise(MADV_DONTNEED): drop the pages of [addr, addr + len) inside one
 * mapping; the next access faults in zeroes (anon) or the file's page.
 * A THP partly in the range is dropped whole.  0, -EINVAL, -ESRCH.
 */
int pagemig_madvise_dontneed(int pid, unsigned long addr, uint64_t len);
/*
 * Read or write process memory as the calling thread's CPU, through the
 * page tables: faults pages in, waits for pages under migration.
 * 0, -EFAULT (unmapped, or a write to a read-only mapping), -ENOMEM (out
 * of memory and nothing to kill), -EINTR (the OOM killer killed the
 * process), -ESRCH.
 */
int pagemig_access(int pid, unsigned long addr, void *buf, size_t len, bool write);
/* Long-term pin (FOLL_LONGTERM): pinned pages never migrate. */
int pagemig_pin(int pid, unsigned long addr, unsigned long nr_pages, bool write);
int pagemig_unpin_all(int pid);

struct pagemig_process_stats {
	unsigned long rss_anon, rss_file, nr_ptes, nr_vmas, nr_pinned;
};

int pagemig_process_stats(int pid, struct pagemig_process_stats *st);

/*
 * KSM (facade/ksm.c; Documentation/ksm.md): anonymous pages with the same
 * contents in mergeable mappings come to share one read-only page; a
 * write gets a private copy again.
 *
 * madvise(MADV_MERGEABLE) on the anonymous mapping that starts at @addr:
 * 0, -EINVAL (no anonymous mapping starts there), -ESRCH, -ENOMEM.
 */
int pagemig_madvise_mergeable(int pid, unsigned long addr);
/* Scan up to @pages pages as ksmd does: the pages looked at, or -ENODEV. */
long pagemig_ksm_scan(unsigned long pages);
/*
 * Scan until @n more full scans are done (a pair of equal pages merges in
 * the second scan that sees both unchanged): the pages looked at, or
 * -ENOENT (nothing mergeable), -EINVAL, -ENODEV.
 */
long pagemig_ksm_full_scans(unsigned int n);
/*
 * /sys/kernel/mm/ksm/run: 1 starts ksmd (scanning @pages_to_scan pages
 * every @sleep_ms ms; 0 keeps the current value, at first 100 and 20),
 * 0 stops it.  0, -EINVAL, -ENOMEM, -ENODEV.
 */
int pagemig_ksm_run(int run, unsigned int pages_to_scan, unsigned int sleep_ms);

struct pagemig_ksm_stats {
	unsigned long pages_shared;	/* KSM pages in use */
	unsigned long pages_sharing;	/* mappings of them beyond the first */
	unsigned long pages_unshared;	/* candidates in the unstable table */
	unsigned long full_scans, pages_scanned;
	unsigned long stable_nodes;	/* KSM pages known, live or not yet pruned */
	unsigned long merge_failures;	/* merges a busy page refused */
	bool run;			/* ksmd running */
};

int pagemig_ksm_stats(struct pagemig_ksm_stats *st);

/* ---- contiguous ranges, offlining, soft offline (facade/isolation.c) ---- */

/*
 * Allocate exactly PFNs [pfn, pfn + nr_pages): isolate, migrate everything
 * movable out, take the range.  @pfn and @nr_pages are multiples of 512
 * (2 MiB, a pageblock) inside one zone.  0 (each page then has refcount 1; give them
 * back with pagemig_free_contig()), -EINVAL, -EBUSY (unmovable or
 * unmigratable pages in the range), -ENOMEM.
 */
int pagemig_alloc_contig(unsigned long pfn, unsigned long nr_pages);
int pagemig_free_contig(unsigned long pfn, unsigned long nr_pages);
/*
 * Offline [pfn, pfn + nr_pages) as memory hot-unplug does: migrate its
 * pages away and remove it from the zone; the frames go back to the host.
 * @pfn and @nr_pages are multiples of 1024 (4 MiB) inside one zone.
 * 0, -EINVAL, -EBUSY (range back in service).
 */
int pagemig_offline(unsigned long pfn, unsigned long nr_pages);
int pagemig_online(unsigned long pfn, unsigned long nr_pages);
/*
 * Soft-offline one page: migrate its contents away (a page of an
 * anonymous THP is split off first), poison the frame.
 */
int pagemig_soft_offline(unsigned long pfn);
/*
 * madvise(MADV_SOFT_OFFLINE) for one page of process @pid: fault in the
 * page at @addr, find its frame through the page tables (a THP's
 * subpage, which is split off its THP), soft-offline it.  The frame's
 * PFN in *@pfn (may be NULL).  0, -EFAULT (nothing mapped at @addr),
 * -EBUSY (pinned, a large file folio, or unmovable: nothing changed),
 * -EAGAIN, -ESRCH, -ENOMEM, -ENODEV.
 */
int pagemig_soft_offline_addr(int pid, unsigned long addr, unsigned long *pfn);

/* ---- kpageflags: /proc/kpageflags and /proc/kpagecount, in and out ---- */
/*
 * (facade/kpageflags.c over fs/proc/page.c and mm/mm_import.c;
 * Documentation/kpageflags.md)
 */

/* KPF_* bits, Documentation/admin-guide/mm/pagemap.rst (6.17). */
#define PAGEMIG_KPF_LOCKED		0
#define PAGEMIG_KPF_ERROR		1
#define PAGEMIG_KPF_REFERENCED		2
#define PAGEMIG_KPF_UPTODATE		3
#define PAGEMIG_KPF_DIRTY		4
#define PAGEMIG_KPF_LRU			5
#define PAGEMIG_KPF_ACTIVE		6
#define PAGEMIG_KPF_SLAB		7
#define PAGEMIG_KPF_WRITEBACK		8
#define PAGEMIG_KPF_RECLAIM		9
#define PAGEMIG_KPF_BUDDY		10
#define PAGEMIG_KPF_MMAP		11
#define PAGEMIG_KPF_ANON		12
#define PAGEMIG_KPF_SWAPCACHE		13
#define PAGEMIG_KPF_SWAPBACKED		14
#define PAGEMIG_KPF_COMPOUND_HEAD	15
#define PAGEMIG_KPF_COMPOUND_TAIL	16
#define PAGEMIG_KPF_HUGE		17
#define PAGEMIG_KPF_UNEVICTABLE		18
#define PAGEMIG_KPF_HWPOISON		19
#define PAGEMIG_KPF_NOPAGE		20
#define PAGEMIG_KPF_KSM			21
#define PAGEMIG_KPF_THP			22
#define PAGEMIG_KPF_OFFLINE		23
#define PAGEMIG_KPF_ZERO_PAGE		24
#define PAGEMIG_KPF_IDLE		25
#define PAGEMIG_KPF_PGTABLE		26
/* Kernel-hacking bits (include/linux/kernel-page-flags.h). */
#define PAGEMIG_KPF_RESERVED		32
#define PAGEMIG_KPF_MLOCKED		33
#define PAGEMIG_KPF_OWNER_2		34
#define PAGEMIG_KPF_PRIVATE		35
#define PAGEMIG_KPF_PRIVATE_2		36
#define PAGEMIG_KPF_OWNER_PRIVATE	37
#define PAGEMIG_KPF_ARCH		38
#define PAGEMIG_KPF_UNCACHED		39
#define PAGEMIG_KPF_SOFTDIRTY		40
#define PAGEMIG_KPF_ARCH_2		41
#define PAGEMIG_KPF_ARCH_3		42

/* What a page is, for counts, blockers and pictures. */
enum pagemig_page_kind {
	PAGEMIG_KIND_FREE,
	PAGEMIG_KIND_ANON,
	PAGEMIG_KIND_FILE,
	PAGEMIG_KIND_BALLOON,
	PAGEMIG_KIND_ZSMALLOC,
	PAGEMIG_KIND_PGTABLE,
	PAGEMIG_KIND_SLAB,
	PAGEMIG_KIND_UNMOVABLE,		/* allocated, nothing more known */
	PAGEMIG_KIND_ISOLATED,		/* isolated for migration right now */
	PAGEMIG_KIND_RESERVED,		/* PG_reserved, or a hole */
	PAGEMIG_NR_KINDS
};

/* "free", "anon", ... "reserved"; NULL out of range. */
const char *pagemig_kind_name(int kind);
/*
 * Does a page of this kind keep its pageblock from ever becoming free?
 * True for slab, pgtable, unmovable and reserved: they never migrate.
 */
bool pagemig_kind_unmovable(int kind);

/*
 * stable_page_flags() and /proc/kpagecount of 6.17 fs/proc/page.c for
 * PFNs [pfn, pfn + n): flags[] and counts[] (either may be NULL).
 * Return: 0, -ENODEV (no machine), -EINVAL (range).
 */
int pagemig_kpageflags_read(unsigned long pfn, unsigned long n,
			    uint64_t *flags, uint64_t *counts);
/* The kind of each PFN of [pfn, pfn + n) into kinds[]; 0 or -errno. */
int pagemig_page_kinds(unsigned long pfn, unsigned long n, uint8_t *kinds);
/*
 * Drain the per-CPU lists (so their pages read as buddy), then write
 * /proc/kpageflags and /proc/kpagecount images of the whole machine.
 * @count_path may be NULL.  0 or -errno (with errno's meaning).
 */
int pagemig_kpageflags_export(const char *flags_path, const char *count_path);

/* One PFN of an import plan (inferred by facade/snapshot.c). */
struct pagemig_import_page {
	uint8_t kind;		/* PAGEMIG_KIND_* (never ISOLATED) */
	uint8_t order;		/* head of a block: its order; PAGEMIG_IMPORT_TAIL inside */
	uint16_t flags;		/* PAGEMIG_IMPORT_* */
	uint32_t mapcount;	/* kpagecount, for anon and file pages */
};

#define PAGEMIG_IMPORT_TAIL	0xff
#define PAGEMIG_IMPORT_THP	0x0001	/* large folio: set large_rmappable */
#define PAGEMIG_IMPORT_KSM	0x0002
#define PAGEMIG_IMPORT_DIRTY	0x0004
#define PAGEMIG_IMPORT_REF	0x0008
#define PAGEMIG_IMPORT_UPTODATE	0x0010
#define PAGEMIG_IMPORT_HOLE	0x0020	/* KPF_NOPAGE or past the file's end */
#define PAGEMIG_IMPORT_PRIVATE	0x0040	/* file: fs-private data (buffer heads) */
#define PAGEMIG_IMPORT_FLAGLESS	0x0080	/* no flag and no map count in the snapshot */
/* free: on CPU mapcount's per-CPU list, not the buddy lists (order 0) */
#define PAGEMIG_IMPORT_PCP	0x0800
/* file: buffers the file system holds a reference on (they do not migrate) */
#define PAGEMIG_IMPORT_HELD	0x1000
/*
 * On the first PFN of a pageblock: the block's migratetype + 1 (0: the
 * importer's own rule, see pagemig_import_apply()).
 */
#define PAGEMIG_IMPORT_MT_SHIFT	8
#define PAGEMIG_IMPORT_MT_MASK	0x0700
#define PAGEMIG_IMPORT_MT(mt)	((uint16_t)(((mt) + 1) << PAGEMIG_IMPORT_MT_SHIFT))

/*
 * Turn a fresh machine (nothing allocated) into @plan: one entry per
 * PFN, max_pfn of them.  Free blocks go back to the buddy lists, every
 * other block stays allocated in the state its kind says, balloon pages
 * go into the virtio balloon; holes (PAGEMIG_IMPORT_HOLE) stay the
 * reserved pages the machine has there.  A pageblock whose first entry
 * carries PAGEMIG_IMPORT_MT() gets that migratetype; any other holding
 * an unmovable page becomes MIGRATE_UNMOVABLE, the rest MIGRATE_MOVABLE.
 * Return: 0; -EINVAL with a reason in @err for a plan that does not fit
 * the machine (a block misaligned, crossing a zone, of a mixed kind).
 */
int pagemig_import_apply(const struct pagemig_import_page *plan,
			 unsigned long nr, char *err, size_t errlen);

/*
 * What the last pagemig_import_apply() made of the plan's anon and file
 * pages.  Anon folios become anonymous folios of one synthetic process
 * (PMD-sized ones PMD-mapped, other large ones split to order 0), file
 * folios page-cache folios of one synthetic file, order-0 ones mapped in
 * that process when kpagecount saw them mapped; all on the LRU, so they
 * migrate.  The process's page tables sit on the snapshot's page-table
 * pages while those last.  Stand-ins are anon/file pages that could not
 * be made folios (no memory for page tables): allocated, not migratable.
 */
struct pagemig_import_result {
	int pid, fid;			/* the process and file; -1: none */
	unsigned long anon_folios, anon_pages, anon_thps;
	unsigned long anon_split_pages;	/* in large folios not PMD-sized */
	unsigned long anon_ksm_pages;	/* plain anonymous folios here */
	unsigned long anon_mapcount_differs;	/* kpagecount was not 1 */
	unsigned long file_folios, file_pages, file_large_folios;
	unsigned long file_private_folios;	/* with fs-private data (KPF_PRIVATE) */
	unsigned long file_held_folios;	/* of them, buffers held (PAGEMIG_IMPORT_HELD) */
	unsigned long file_mapped_pages;
	unsigned long stand_in_pages;
	unsigned long tables_reused;	/* on the snapshot's page-table pages */
	unsigned long tables_allocated;	/* beyond those, from free memory */
	int zram_id;			/* zsmalloc pages' device; -1: none */
	unsigned long zram_pages;	/* zsmalloc pages in its pool */
	unsigned long zram_stand_ins;	/* typed, in no pool: they stay put */
};

/* 0, or -ENODEV without a machine. */
int pagemig_import_result(struct pagemig_import_result *r);
/*
 * Read back every sector the import stored on its zsmalloc pages and
 * check its pattern: the number that differ (or cannot be read), the
 * number checked in *@checked; -ENODEV, -ENOMEM.
 */
int pagemig_import_verify(unsigned long *checked);

/*
 * ---- the import pipeline (facade/snapshot.c, facade/import.c) ----
 *
 * pagemig_import() does what `pagemig import` does: read a snapshot,
 * infer a plan, build a machine of it, analyse it, optionally compact
 * and analyse again, and read back the data it stored; the report holds
 * every figure.  The stages can also be had one by one:
 * pagemig_snapshot_load(), then pagemig_import() with the snapshot in
 * memory; pagemig_analyse() on any live machine.
 */

#define PAGEMIG_ERR_LEN		512	/* room for any message the import writes */

/* A /proc/kpageflags (+ /proc/kpagecount) snapshot in memory. */
struct pagemig_snapshot {
	uint64_t *flags;	/* one word per PFN, host byte order */
	uint64_t *counts;	/* NULL without a kpagecount */
	unsigned long nr;	/* PFNs */
};

/*
 * Read @flags_path (and @count_path, which may be NULL) -- plain, gzip or
 * zstd -- and check that they are a snapshot: 0; or -errno with a
 * one-line reason naming the file in @err (-EINVAL: not a snapshot, or a
 * kpagecount of another length).  Free with pagemig_snapshot_free().
 */
int pagemig_snapshot_load(struct pagemig_snapshot *s, const char *flags_path,
			  const char *count_path, char *err, size_t errlen);
void pagemig_snapshot_free(struct pagemig_snapshot *s);

/* Each kind of guess the inference makes (Documentation/kpageflags.md). */
enum pagemig_ambiguity {
	PAGEMIG_AMB_HOLE,		/* KPF_NOPAGE */
	PAGEMIG_AMB_PADDING,		/* past the file's end, to a 2 MiB multiple */
	PAGEMIG_AMB_EXTRA,		/* memory larger than the file: free */
	PAGEMIG_AMB_BUDDY_TAIL,		/* head-only convention: flagless pages after a head */
	PAGEMIG_AMB_BUDDY_SPLIT,	/* a free run split into aligned blocks */
	PAGEMIG_AMB_ORPHAN_TAIL,	/* COMPOUND_TAIL with no head before it */
	PAGEMIG_AMB_ODD_COMPOUND,	/* not an aligned power of two <= 4 MiB */
	PAGEMIG_AMB_HUGETLB,		/* KPF_HUGE: no hugetlb here */
	PAGEMIG_AMB_ZSMALLOC,		/* UPTODATE and nothing else */
	PAGEMIG_AMB_OFFLINE,		/* OFFLINE without UPTODATE: maybe not a balloon */
	PAGEMIG_AMB_ISOLATED,		/* OFFLINE|RECLAIM: isolated at the time */
	PAGEMIG_AMB_FLAGLESS,		/* no flags, not free: kernel allocation or pcp */
	PAGEMIG_AMB_CONTRADICTION,	/* tolerated contradictions (racy read) */
	PAGEMIG_AMB_SPLIT_KIND,		/* balloon/reserved compound split to pages */
	PAGEMIG_AMB_NOT_ZSMALLOC,	/* zsmalloc look, more than zram holds */
	PAGEMIG_AMB_HELD_BUFFERS,	/* buffer folios still idle: held by a file system */
	PAGEMIG_NR_AMBIGUITIES
};

/* How an ambiguity was resolved, one line; NULL out of range. */
const char *pagemig_ambiguity_text(int amb);

/* What the inference made of a snapshot. */
struct pagemig_inference {
	struct pagemig_import_page *plan;	/* machine_pages entries (NULL in a report) */
	unsigned long machine_pages;		/* the machine: 2 MiB multiple */
	unsigned long file_pages;		/* PFNs in the snapshot */
	unsigned long kinds[PAGEMIG_NR_KINDS];	/* pages, by kind */
	unsigned long free_blocks[PAGEMIG_NR_ORDERS];
	unsigned long large_folios, thps;
	bool buddy_all_pages;			/* 6.x: every free page is BUDDY */
	unsigned long amb[PAGEMIG_NR_AMBIGUITIES];	/* pages, by guess */
	unsigned long amb_pfn[PAGEMIG_NR_AMBIGUITIES];	/* first PFN of each */
};

#define PAGEMIG_NR_OFFENDERS		10
/* A pageblock held by at most this many unmovable pages is an "offender". */
#define PAGEMIG_OFFENDER_MAX_PAGES	16

/* A run of pageblocks each blocked by a few unmovable pages. */
struct pagemig_offender {
	unsigned long start_pfn, end_pfn;
	unsigned long blocks;		/* blocked pageblocks in the run */
	unsigned long pages;		/* unmovable pages in them */
	int kind;			/* the most common blocking kind */
};

/* What compaction could recover on a live machine, and what blocks it. */
struct pagemig_analysis {
	unsigned long nr_pages, free;
	unsigned long nr_free[PAGEMIG_NR_ORDERS];	/* blocks per order */
	unsigned long kinds[PAGEMIG_NR_KINDS];
	unsigned long free_in_2m;	/* free pages in blocks of >= 2 MiB */
	unsigned long free_in_1g;	/* free pages in wholly free 1 GiB ranges */
	unsigned long blocks, gigs;	/* pageblocks, 1 GiB ranges (whole ones) */
	unsigned long blocks_blocked, gigs_blocked;	/* by an unmovable page */
	unsigned long blocks_by_kind[PAGEMIG_NR_KINDS];
	unsigned long gigs_by_kind[PAGEMIG_NR_KINDS];
	unsigned long blocks_by_one;	/* blocked by a single page */
	unsigned int nr_offenders;	/* the worst, most blocks first */
	struct pagemig_offender offenders[PAGEMIG_NR_OFFENDERS];
};

/* Analyse the live machine: 0, -ENODEV (no machine), -ENOMEM. */
int pagemig_analyse(struct pagemig_analysis *a);

/* The stages of pagemig_import(), in order. */
enum pagemig_import_stage {
	PAGEMIG_STAGE_READ,	/* load (or take) the snapshot and check it */
	PAGEMIG_STAGE_INFER,	/* the plan */
	PAGEMIG_STAGE_BUILD,	/* the machine, then pagemig_import_apply() */
	PAGEMIG_STAGE_ANALYSE,	/* pagemig_analyse(): report->before */
	PAGEMIG_STAGE_COMPACT,	/* pagemig_compact(-1), then ->after */
	PAGEMIG_STAGE_VERIFY,	/* pagemig_import_verify() */
	PAGEMIG_NR_STAGES
};

/*
 * What a real machine's own files say about it, beside its kpageflags
 * (`pagemig import DIR` reads a capture into this): the import builds
 * that machine rather than guessing one.  Documentation/twin.md,
 * "Import rules", says what each field decides.
 */
struct pagemig_real_machine {
	unsigned int nr_cpus;		/* zoneinfo's pagesets; 0: 2 */
	/*
	 * Zones as /proc/zoneinfo prints them: start_pfn, spanned (the
	 * kernel's, uninitialised memory included), watermarks,
	 * lowmem_reserve, each CPU's pcp high and batch.  present and
	 * managed (0: not known) only bound what the import infers about
	 * holes and uninitialised memory; it counts its own managed pages
	 * and reports both.
	 */
	struct pagemig_zone_layout zones[PAGEMIG_NR_ZONES];
	/* System RAM (/proc/iomem), sorted; nr_ram 0: all of it is RAM */
	const struct pagemig_pfn_range *ram;
	unsigned int nr_ram;
	/* offline memory blocks, sorted */
	const struct pagemig_pfn_range *offline;
	unsigned int nr_offline;
	/* pagetypeinfo's "Number of blocks type", per zone and migratetype */
	bool has_blocks;
	unsigned long blocks[PAGEMIG_NR_ZONES][PAGEMIG_NR_MIGRATETYPES];
	/* its "Free pages count per migrate type at order": free blocks */
	bool has_free;
	unsigned long free[PAGEMIG_NR_ZONES][PAGEMIG_NR_MIGRATETYPES][PAGEMIG_NR_ORDERS];
	/* what the zram devices' mm_stat says they hold (mem_used_total) */
	bool has_zram;
	unsigned long zsmalloc_pages;
};

/* What the import made of a real machine's zones (report->layout). */
struct pagemig_import_zone {
	bool exists;
	unsigned long start_pfn;
	unsigned long spanned, present, managed;	/* pagemig's machine */
	unsigned long holes;		/* pages of its span with no memory */
	/* memory the kernel has not initialised yet, left out: [uninit_pfn, end) */
	unsigned long uninit_pfn, uninit_pages;
	unsigned long blocks[PAGEMIG_NR_MIGRATETYPES];	/* as built */
	/* blocks of a type the kernel counted that no block could take */
	unsigned long blocks_unplaced[PAGEMIG_NR_MIGRATETYPES];
	unsigned long nr_free[PAGEMIG_NR_ORDERS];	/* right after BUILD */
	/* pages on the per-CPU lists: zoneinfo's counts, and how many placed */
	unsigned long pcp_wanted, pcp_placed;
};

#define PAGEMIG_REPORT_HOLES	16

struct pagemig_import_layout {
	bool real;			/* built from a pagemig_real_machine */
	struct pagemig_import_zone zones[PAGEMIG_NR_ZONES];
	unsigned long nr_pages;		/* the machine: PFNs [0, nr_pages) */
	unsigned long hole_pages;	/* in [0, nr_pages), zones' or not */
	unsigned int nr_holes;		/* ranges; the first ones in holes[] */
	struct pagemig_pfn_range holes[PAGEMIG_REPORT_HOLES];
	unsigned long zsmalloc_candidates;	/* pages that look zsmalloc */
	unsigned long zsmalloc_excess;	/* of them, beyond what zram holds */
};

struct pagemig_import_opts {
	/* The snapshot: files (count_path may be NULL), or one in memory. */
	const char *flags_path, *count_path;
	const struct pagemig_snapshot *snapshot;	/* used when flags_path is NULL */
	uint64_t memory;	/* bytes, a 2 MiB multiple; 0: the snapshot's size */
	/* The machine the snapshot is of (NULL: zones guessed, as before). */
	const struct pagemig_real_machine *real;
	uint64_t seed;		/* the machine's */
	bool movable_ops_6_17;	/* the 6.17 movable_ops core, not the default */
	bool compact;		/* run the COMPACT stage */
	/*
	 * The CPU compact_memory is written on: the compaction runs there,
	 * and the pages it frees go to that CPU's per-CPU lists (0 by
	 * default; must be below the machine's CPUs).
	 */
	int compact_cpu;
	/*
	 * Called before each stage that runs (may be NULL), with the
	 * machine up from ANALYSE on: progress, pictures.  Before BUILD,
	 * the report's inferred (machine_pages: the machine's size) is
	 * filled.  A non-zero return stops the import and pagemig_import()
	 * returns it.
	 */
	int (*stage)(enum pagemig_import_stage stage, void *arg);
	void *arg;
};

/*
 * What a compaction recorded, as deltas over it, so a report can say why
 * it freed no more: how far the scanners went before they met, what they
 * isolated, what would not move, and where the free memory it left lies.
 */
struct pagemig_compact_record {
	unsigned long migrate_scanned, free_scanned;	/* compact_*_scanned */
	unsigned long isolated;		/* compact_isolated: sources and targets */
	unsigned long migrate_fail;	/* pgmigrate_fail */
	unsigned long pinned_skipped;	/* pagemig_compact_pinned_skipped() */
	/*
	 * Free pages left in pageblocks that are not Movable: the free
	 * scanner takes targets only from Movable pageblocks
	 * (suitable_migration_target()), so these are no use to it.
	 */
	unsigned long free_unsuitable;
	unsigned int zones_deferred;	/* zones with compaction deferred after */
};

struct pagemig_import_report {
	enum pagemig_import_stage stage;	/* the last stage begun */
	char err[PAGEMIG_ERR_LEN];		/* on failure: why */
	struct pagemig_inference inferred;	/* .plan is NULL */
	struct pagemig_import_layout layout;	/* zones, holes; .real with opts->real */
	struct pagemig_import_result built;
	struct pagemig_analysis before, after;	/* after: with compact only */
	unsigned long migrated;			/* pgmigrate_success of the compaction */
	struct pagemig_compact_record compact;	/* with compact only */
	uint64_t ns[PAGEMIG_NR_STAGES];		/* time in each stage; COMPACT: the compaction alone */
	unsigned long checked, corrupted;	/* sectors read back; of them, wrong */
};

/*
 * Run the import.  Return: 0 with the machine left up (the caller ends it
 * with pagemig_machine_exit()); a stage callback's non-zero value; or
 * -errno with report->stage the stage that failed, report->err the reason
 * (-EINVAL in READ or BUILD: bad input or an impossible memory size) and
 * no machine.
 */
int pagemig_import(const struct pagemig_import_opts *opts,
		   struct pagemig_import_report *report);

/* ---- whole jobs: what `pagemig run FILE` and `pagemig import` do ---- */

/* Where pagemig_scenario_run_file() writes its reports, and its seed. */
struct pagemig_run_opts {
	uint64_t seed;
	bool seed_given;	/* else the scenario's machine.seed */
	FILE *text;		/* the text report, as pagemig run prints it; or NULL */
	FILE *json;		/* the JSON report, as pagemig run --json; or NULL */
};

/*
 * Run a YAML scenario file as `pagemig run FILE` does: check it, build
 * its machine, run its steps under the deterministic scheduler (unless
 * the caller runs one), write the reports @o asks for, tear the machine
 * down.  @o may be NULL (no reports, machine.seed).  Return: 0 when every
 * step succeeded and no page was corrupted, 1 when one failed, -EINVAL
 * for a bad scenario (@err: "FILE:LINE: KEY: what was expected"),
 * -EBUSY if a machine exists, another -errno otherwise (@err says why).
 */
int pagemig_scenario_run_file(const char *path, const struct pagemig_run_opts *o,
			      char *err, size_t errlen);

/*
 * Import a /proc/kpageflags snapshot (plain, gzip or zstd; @count_path
 * the matching /proc/kpagecount or NULL) as `pagemig import --json`
 * does, optionally run a full compaction, write the JSON report to @json
 * (or nothing, if NULL) and tear the machine down.  Return: 0, 1 when
 * the data read back corrupted, -errno with the reason in @err.
 */
int pagemig_import_file(const char *flags_path, const char *count_path,
			bool compact, FILE *json, char *err, size_t errlen);

/*
 * The running machine as a JSON report (as `pagemig run --json` ends a
 * run: zones with their indices, vmstat, balloons, zram, warnings), for
 * a program that drives the machine itself.  0, -ENODEV, -ENOMEM, -EIO.
 */
int pagemig_report_json(FILE *f);

/* ---- version ---- */

/* The library's version as "MAJOR.MINOR.PATCH", the macros' values. */
const char *pagemig_version(void);
/* Which build: `git describe` of the tree it was built from, or "unknown". */
const char *pagemig_build_id(void);

/*
 * ---- trace events (facade/trace.c) ----
 * Write the kernel's compaction:* and migrate:mm_migrate_pages* events,
 * as tracefs prints them, to @path (created or truncated) until
 * pagemig_trace_close().  Independent of the machine: open before
 * pagemig_machine_init() to see its start.  0; -EINVAL; -EBUSY (one is
 * open); -errno of creating the file.  Close: 0, or -EIO if a write
 * failed (the file is incomplete); 0 when none was open.
 */
int pagemig_trace_open(const char *path);
int pagemig_trace_close(void);

/*
 * ---- explained migrations (facade/trace.c) ----
 * Write a readable line per migrate_pages() call and per page it
 * handled (PFN, kind, old -> new PFN, or the errno and its cause) to
 * @path, "-" for stdout, until pagemig_explain_close().  Independent of
 * the machine, like the trace.  0; -EINVAL; -EBUSY (one is open); -errno
 * of creating the file.  Close: 0, or -EIO if a write failed; 0 when
 * none was open.
 */
int pagemig_explain_open(const char *path);
int pagemig_explain_close(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* _PAGEMIG_PAGEMIG_H */
