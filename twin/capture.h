/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture reader: every text file of a capture directory (what
 * `pagemig capture DIR` writes) parsed into plain structs, with no machine
 * built and nothing of mm/ touched.  The importer builds a machine from
 * these; `pagemig twin` compares the kernel's after-state with pagemig's.
 * Documentation/twin.md lists the files and what is read from each.
 *
 *	capture_load()		  every file of a directory; absent ones noted
 *	capture_parse_*()	  one file's text (also pagemig's own renderings)
 *	capture_read_text()	  a whole file, zstd-compressed or plain
 *	capture_missing()	  which expected files a capture lacks
 *
 * Every parser takes the text, a name for messages (the path) and an error
 * buffer.  A malformed line gives "NAME:LINE: what was expected, got
 * \"...\"", a file cut short "NAME: truncated ..."; the return is then
 * -EINVAL.  Counters a parser does not know by name (a newer kernel's
 * vmstat lines) are kept, not refused.
 */
#ifndef _PAGEMIG_WORKLOAD_CAPTURE_H
#define _PAGEMIG_WORKLOAD_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CAPTURE_ERR_LEN		512
/* Columns of buddyinfo and pagetypeinfo: MAX_PAGE_ORDER + 1 is 11 on x86. */
#define CAPTURE_MAX_ORDERS	16
/* Entries of "protection: (...)": MAX_NR_ZONES. */
#define CAPTURE_MAX_ZONES	8
/* Migratetype columns of pagetypeinfo (Unmovable ... Isolate, CMA). */
#define CAPTURE_MAX_TYPES	8
#define CAPTURE_NAME_LEN	24

/* A name -> value list: vmstat, meminfo, a zone's or node's counters. */
struct capture_kv {
	char *name;
	int64_t value;	/* a counter printed %lu that went below 0 reads < 0 */
};

struct capture_kvlist {
	struct capture_kv *v;
	size_t nr, cap;
};

/* One CPU's per-cpu pageset of a zone ("pagesets" in zoneinfo). */
struct capture_pcp {
	int cpu;
	long count, high, batch;
	long high_min, high_max;	/* -1: not printed (before 6.7) */
	int stat_threshold;		/* "vm stats threshold" */
};

/* One "Node N, zone NAME" section of /proc/zoneinfo. */
struct capture_zone {
	int nid;
	char name[CAPTURE_NAME_LEN];
	unsigned int line;		/* where the section starts */
	unsigned long free;		/* "pages free" */
	unsigned long boost, min, low, high;
	unsigned long promo;		/* promo watermark; 0 when not printed */
	bool has_promo;
	unsigned long spanned, present, managed, cma;
	long lowmem_reserve[CAPTURE_MAX_ZONES];	/* "protection: (...)" */
	unsigned int nr_lowmem_reserve;
	/*
	 * The rest is printed for populated zones only (present != 0):
	 * counters (nr_free_pages, nr_zone_*, numa_*), pagesets, the tail.
	 */
	struct capture_kvlist stats;
	struct capture_pcp *pcp;
	unsigned int nr_pcp;
	unsigned int node_unreclaimable;
	unsigned long start_pfn;
	bool has_start_pfn;
	unsigned long reserved_highatomic, free_highatomic;	/* newer kernels */
};

/* The "per-node stats" block printed in a node's first populated zone. */
struct capture_node {
	int nid;
	struct capture_kvlist stats;
};

struct capture_zoneinfo {
	struct capture_zone *zones;
	unsigned int nr_zones;
	struct capture_node *nodes;
	unsigned int nr_nodes;
};

/* One row set of /proc/pagetypeinfo for a zone. */
struct capture_pti_zone {
	int nid;
	char zone[CAPTURE_NAME_LEN];
	/* free blocks per migratetype and order ("Free pages count ...") */
	unsigned long free[CAPTURE_MAX_TYPES][CAPTURE_MAX_ORDERS];
	/* the kernel stops counting at 100000 and prints ">100000" */
	bool free_capped[CAPTURE_MAX_TYPES][CAPTURE_MAX_ORDERS];
	bool has_free;
	unsigned long blocks[CAPTURE_MAX_TYPES];	/* "Number of blocks type" */
	bool has_blocks;
	unsigned long mixed[CAPTURE_MAX_TYPES];		/* page_owner kernels */
	bool has_mixed;
};

struct capture_pagetypeinfo {
	unsigned int block_order;		/* "Page block order:" */
	unsigned int block_pages;		/* "Pages per block:" */
	unsigned int nr_orders;
	/* migratetype names in column order, from the rows and the header */
	char types[CAPTURE_MAX_TYPES][CAPTURE_NAME_LEN];
	unsigned int nr_types;
	struct capture_pti_zone *zones;
	unsigned int nr_zones;
};

/* /proc/buddyinfo; also the shape pagemig's after-state is given in. */
struct capture_buddyzone {
	int nid;
	char zone[CAPTURE_NAME_LEN];
	unsigned long nr_free[CAPTURE_MAX_ORDERS];	/* free blocks per order */
};

struct capture_buddyinfo {
	unsigned int nr_orders;
	struct capture_buddyzone *zones;
	unsigned int nr_zones;
};

/* One /sys/devices/system/memory/memoryN. */
struct capture_memblock {
	unsigned long id;			/* N of memoryN */
	unsigned long phys_index;		/* first section, hex in sysfs */
	bool has_phys_index;
	int nid;				/* -1: not recorded */
	unsigned int seen;			/* attributes named, "-" or not */
	char state[CAPTURE_NAME_LEN];		/* online, offline, going-offline */
	char valid_zones[64];			/* "none", "Normal", "DMA32 Normal" */
};

struct capture_memory_blocks {
	unsigned long block_size_bytes;		/* 0: not recorded */
	char auto_online_blocks[CAPTURE_NAME_LEN];
	struct capture_memblock *blocks;
	unsigned int nr_blocks;
};

/* One /proc/iomem line; depth is its indentation (2 columns a level). */
struct capture_iomem_range {
	uint64_t start, end;			/* inclusive, as printed */
	unsigned int depth;
	char *name;
};

struct capture_iomem {
	struct capture_iomem_range *ranges;
	unsigned int nr_ranges;
};

/* A zram device: its disksize and mm_stat (Documentation/admin-guide/blockdev/zram.rst). */
struct capture_zram {
	int id;
	uint64_t disksize;
	bool has_disksize;
	bool has_mm_stat;
	uint64_t orig_data_size, compr_data_size, mem_used_total;
	uint64_t mem_limit, mem_used_max, same_pages, pages_compacted;
	uint64_t huge_pages, huge_pages_since;
};

struct capture_zram_list {
	struct capture_zram *dev;
	unsigned int nr_dev;
};

/* The vm sysctls and THP mode a capture records; -1 when absent. */
struct capture_sysctl {
	long extfrag_threshold;
	long compaction_proactiveness;
	long watermark_scale_factor;
	long min_free_kbytes;
	char thp_enabled[CAPTURE_NAME_LEN];	/* the [selected] word; "" absent */
	char thp_defrag[CAPTURE_NAME_LEN];
	struct capture_kvlist other;		/* any other numeric line */
};

/* The kernel command line, as parameters (up to a "--"). */
struct capture_cmdline {
	char *text;
	char **key, **val;			/* val NULL for a bare flag */
	unsigned int nr;
};

/* The result file: compact_memory's time and counter deltas. */
struct capture_result {
	double compact_memory_seconds;		/* < 0: not recorded */
	struct capture_kvlist deltas;		/* pgmigrate_success N, ... */
	char *other;				/* the workload's lines, as text */
};

/* The files written once per snapshot, with a .before or .after suffix. */
enum capture_snap_file {
	CAPTURE_ZONEINFO,
	CAPTURE_PAGETYPEINFO,
	CAPTURE_BUDDYINFO,
	CAPTURE_VMSTAT,
	CAPTURE_MEMINFO,
	CAPTURE_MEMORY_BLOCKS,
	CAPTURE_ZRAM,
	CAPTURE_SYSCTL,
	CAPTURE_KPAGEFLAGS,		/* kpageflags.X.zst: present or not */
	CAPTURE_KPAGECOUNT,		/* kpagecount.X.zst: present or not */
	CAPTURE_NR_SNAP_FILES
};

enum capture_when {
	CAPTURE_BEFORE,
	CAPTURE_AFTER,
	CAPTURE_NR_WHEN
};

/* The files written once per capture. */
enum capture_once_file {
	CAPTURE_IOMEM,
	CAPTURE_UNAME,
	CAPTURE_CMDLINE,
	CAPTURE_RESULT,
	CAPTURE_WORKLOAD_OUT,
	CAPTURE_TRACE,			/* trace.zst: present or not */
	CAPTURE_NR_ONCE_FILES
};

struct capture_snapshot {
	unsigned int have;		/* bit per enum capture_snap_file */
	struct capture_zoneinfo zoneinfo;
	struct capture_pagetypeinfo pagetypeinfo;
	struct capture_buddyinfo buddyinfo;
	struct capture_kvlist vmstat;
	struct capture_kvlist meminfo;	/* kB, as printed */
	struct capture_memory_blocks memory_blocks;
	struct capture_zram_list zram;
	struct capture_sysctl sysctl;
};

struct capture {
	char *dir;
	unsigned int have;		/* bit per enum capture_once_file */
	struct capture_snapshot snap[CAPTURE_NR_WHEN];
	struct capture_iomem iomem;
	char *uname;			/* the line */
	char release[64];		/* "6.18.44-..." */
	struct capture_cmdline cmdline;
	struct capture_result result;
	char *workload_out;
};

static inline bool capture_has(const struct capture *cap, enum capture_when w,
			       enum capture_snap_file f)
{
	return cap->snap[w].have & (1U << f);
}

static inline bool capture_has_once(const struct capture *cap,
				    enum capture_once_file f)
{
	return cap->have & (1U << f);
}

const char *capture_file_name(enum capture_snap_file f, enum capture_when w,
			      char *buf, size_t len);
const char *capture_once_name(enum capture_once_file f);

int capture_read_text(const char *path, char **text, size_t *len,
		      char *err, size_t errlen);

int capture_load(const char *dir, struct capture *cap, char *err,
		 size_t errlen);
void capture_free(struct capture *cap);
bool capture_is_compact(const struct capture *cap);
size_t capture_missing(const struct capture *cap, char *buf, size_t len);

int capture_parse_zoneinfo(const char *text, size_t len, const char *name,
			   struct capture_zoneinfo *zi, char *err,
			   size_t errlen);
int capture_parse_pagetypeinfo(const char *text, size_t len, const char *name,
			       struct capture_pagetypeinfo *pti, char *err,
			       size_t errlen);
int capture_parse_buddyinfo(const char *text, size_t len, const char *name,
			    struct capture_buddyinfo *bi, char *err,
			    size_t errlen);
int capture_parse_vmstat(const char *text, size_t len, const char *name,
			 struct capture_kvlist *kv, char *err, size_t errlen);
int capture_parse_meminfo(const char *text, size_t len, const char *name,
			  struct capture_kvlist *kv, char *err, size_t errlen);
int capture_parse_memory_blocks(const char *text, size_t len,
				const char *name,
				struct capture_memory_blocks *mb, char *err,
				size_t errlen);
int capture_parse_iomem(const char *text, size_t len, const char *name,
			struct capture_iomem *io, char *err, size_t errlen);
int capture_parse_zram(const char *text, size_t len, const char *name,
		       struct capture_zram_list *zl, char *err, size_t errlen);
int capture_parse_sysctl(const char *text, size_t len, const char *name,
			 struct capture_sysctl *sc, char *err, size_t errlen);
int capture_parse_cmdline(const char *text, size_t len, const char *name,
			  struct capture_cmdline *cl, char *err,
			  size_t errlen);
int capture_parse_result(const char *text, size_t len, const char *name,
			 struct capture_result *res, char *err,
			 size_t errlen);

void capture_zoneinfo_free(struct capture_zoneinfo *zi);
void capture_pagetypeinfo_free(struct capture_pagetypeinfo *pti);
void capture_buddyinfo_free(struct capture_buddyinfo *bi);
void capture_kvlist_free(struct capture_kvlist *kv);
void capture_memory_blocks_free(struct capture_memory_blocks *mb);
void capture_iomem_free(struct capture_iomem *io);
void capture_zram_free(struct capture_zram_list *zl);
void capture_sysctl_init(struct capture_sysctl *sc);
void capture_sysctl_free(struct capture_sysctl *sc);
void capture_cmdline_free(struct capture_cmdline *cl);
void capture_result_free(struct capture_result *res);

bool capture_kv_get(const struct capture_kvlist *kv, const char *name,
		    int64_t *value);
bool capture_cmdline_get(const struct capture_cmdline *cl, const char *key,
			 const char **val);
const struct capture_zone *capture_zone_at(const struct capture_zoneinfo *zi,
					   unsigned long pfn);
const struct capture_zone *capture_zone_find(const struct capture_zoneinfo *zi,
					     int nid, const char *name);
uint64_t capture_iomem_ram_bytes(const struct capture_iomem *io);

#endif /* _PAGEMIG_WORKLOAD_CAPTURE_H */
