// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's life cycle for the public facade: check a configuration,
 * map the arena, build mem_map and zones (mm/mm_init.c), then bring up
 * each subsystem and driver in order -- what the kernel's initcalls do at
 * boot -- and tear it all down again in reverse.
 *
 * This file is the one place that knows every layer; mm/ does not call
 * into drivers/.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/balloon.h>
#include <pagemig/compaction.h>
#include <pagemig/vmstat.h>
#include <pagemig/zsmalloc.h>
#include "../mm/facade.h"
#include "../sim/arena.h"
#include "../sim/fault.h"
#include "../sim/printk.h"
#include "../drivers/balloon_host.h"
#include "internal.h"

#define SZ_2M	(2ULL << 20)
#define SZ_4G	(4ULL << 30)

/* True while a machine exists: between init and exit. */
bool machine_ready;


#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer's suppressions: one policy for every program that
 * builds a machine (the CLI, the tests, users' programs), so it lives in
 * this file, which they all link.  liburcu (the page cache's RCU hash
 * table) is not built with TSan: what it does inside is invisible, so
 * reports whose stack is inside it are not about our code.  Only those
 * are suppressed -- never a report in pagemig's own frames.  The runtime
 * looks the function up by name, so it is visible outside the library.
 */
const char *__tsan_default_suppressions(void)
	__attribute__((visibility("default")));

const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:liburcu-cds.so.8\n"
	       "called_from_lib:liburcu-bp.so.8\n"
	       "called_from_lib:liburcu-common.so.8\n";
}
#endif

/* Boot order (kernel: initcall levels); torn down in reverse. */
static const struct machine_initcall {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
} initcalls[] = {
	{ "page_alloc",		page_alloc_init_late,	NULL },
	{ "compaction",		compaction_init,	NULL },
	/* Before the processes, so it goes after every mm has. */
	{ "ksm",		ksm_init,		ksm_exit_machine },
	{ "balloon",		balloon_init,		balloon_exit },
	/* Registers with the first pool; goes after every pool has. */
	{ "zsmalloc",		NULL,			zs_exit },
	{ "virtio_balloon",	virtio_balloon_probe,	virtio_balloon_remove },
	{ "vmw_balloon",	vmballoon_probe,	vmballoon_remove },
	{ "cmm",		cmm_probe,		cmm_remove },
	{ "import",		NULL,			import_forget },
	{ "zram",		NULL,			zram_destroy_all },
	{ "processes",		processes_init,		processes_destroy_all },
	/* Last, so it stops first: nothing compacts while drivers go away. */
	{ "kcompactd",		kcompactd_init,		kcompactd_exit },
	/* Wakes kcompactd: stops before it. */
	{ "kswapd",		kswapd_init,		kswapd_exit },
};

void pagemig_config_default(struct pagemig_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory = 256ULL << 20;
	cfg->dma32 = UINT64_MAX;
	cfg->movable = 0;
	cfg->nr_cpus = 2;
	cfg->seed = 1;
	cfg->movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
}

/*
 * kernel: ZONE_DMA32 is all memory below 4 GiB.  A small machine would
 * then have no Normal zone at all, so by default pagemig gives DMA32 a
 * sixteenth of memory (at most 4 GiB); set it explicitly to mimic a real
 * layout.
 */
static uint64_t default_dma32(uint64_t memory)
{
	return min(ALIGN_DOWN(memory / 16, SZ_2M), SZ_4G);
}

static void fmt_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ULL << 30) && !(bytes % (1ULL << 30)))
		snprintf(buf, len, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes >= (1ULL << 20) && !(bytes % (1ULL << 20)))
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else if (bytes >= (1ULL << 10) && !(bytes % (1ULL << 10)))
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes >> 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
}

/* A real machine's layout: zones in order, holes sorted, all in memory. */
static int layout_check(const struct pagemig_config *cfg, char *err,
			size_t errlen)
{
	static const char *const names[] = {
		"DMA", "DMA32", "Normal", "Movable", "Device"
	};
	const struct pagemig_layout *l = cfg->layout;
	unsigned long pages = cfg->memory / PAGE_SIZE, end = 0;
	unsigned int i;
	int z;

	for (z = 0; z < PAGEMIG_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &l->zones[z];

		if (!zl->spanned)
			continue;
		if (!zl->exists || z == PAGEMIG_ZONE_DEVICE) {
			snprintf(err, errlen, "layout: zone %s has pages but %s",
				 names[z], zl->exists ? "device memory is not modelled" :
				 "does not exist");
			return -EINVAL;
		}
		if (zl->start_pfn < end) {
			snprintf(err, errlen, "layout: zone %s starts at pfn %#lx, inside the zone below it (which ends at %#lx)",
				 names[z], zl->start_pfn, end);
			return -EINVAL;
		}
		end = zl->start_pfn + zl->spanned;
		if (zl->spanned > pages || zl->start_pfn > pages - zl->spanned) {
			snprintf(err, errlen, "layout: zone %s ends at pfn %#lx, beyond memory (%#lx pages)",
				 names[z], end, pages);
			return -EINVAL;
		}
	}
	if (!end) {
		snprintf(err, errlen, "layout: no zone has pages");
		return -EINVAL;
	}
	if (ALIGN(end, SZ_2M / PAGE_SIZE) != pages) {
		snprintf(err, errlen, "layout: memory is %#lx pages, but the highest zone ends at pfn %#lx (expected memory of %#lx pages)",
			 pages, end, (unsigned long)ALIGN(end, SZ_2M / PAGE_SIZE));
		return -EINVAL;
	}
	for (i = 0, end = 0; i < l->nr_holes; i++) {
		const struct pagemig_pfn_range *h = &l->holes[i];

		if (h->start < end || h->end <= h->start || h->end > pages) {
			snprintf(err, errlen, "layout: hole %u (pfn %#lx-%#lx) is empty, out of order or beyond memory",
				 i, h->start, h->end);
			return -EINVAL;
		}
		end = h->end;
	}
	return 0;
}

int pagemig_config_check(const struct pagemig_config *cfg, char *err, size_t errlen)
{
	uint64_t dma32 = cfg->dma32 == UINT64_MAX ? default_dma32(cfg->memory) : cfg->dma32;
	uint64_t host = host_ram_bytes();
	char a[32], b[32];

	fmt_size(cfg->memory, a, sizeof(a));
	if (cfg->memory < SZ_2M) {
		snprintf(err, errlen, "memory: %s is too small; the minimum is one pageblock (2M)", a);
		return -EINVAL;
	}
	if (cfg->memory % SZ_2M) {
		snprintf(err, errlen, "memory: %s is not a multiple of the pageblock size (2M)", a);
		return -EINVAL;
	}
	if (host && cfg->memory > host && !cfg->sparse) {
		snprintf(err, errlen, "memory: %s is more than this host's RAM (%llu MiB)",
			 a, (unsigned long long)(host >> 20));
		return -ENOMEM;
	}
	/* A sparse machine touches little of its arena, but all of mem_map. */
	if (host && cfg->sparse && cfg->memory / PAGE_SIZE * 64 > host / 2) {
		snprintf(err, errlen, "memory: %s needs more mem_map than half this host's RAM (%llu MiB)",
			 a, (unsigned long long)(host >> 20));
		return -ENOMEM;
	}
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > PAGEMIG_MAX_CPUS) {
		snprintf(err, errlen, "cpus: %u is out of range; expected 1..%d",
			 cfg->nr_cpus, PAGEMIG_MAX_CPUS);
		return -EINVAL;
	}
	if (cfg->movable_ops != PAGEMIG_MOVABLE_OPS_6_17 &&
	    cfg->movable_ops != PAGEMIG_MOVABLE_OPS_DECOUPLED) {
		snprintf(err, errlen, "movable_ops: %d is not a mode; expected 6.17 or decoupled",
			 (int)cfg->movable_ops);
		return -EINVAL;
	}
	if (cfg->layout)
		return layout_check(cfg, err, errlen);
	if (dma32 % SZ_2M || cfg->movable % SZ_2M) {
		snprintf(err, errlen, "zones: %s size is not a multiple of the pageblock size (2M)",
			 dma32 % SZ_2M ? "dma32" : "movable");
		return -EINVAL;
	}
	if (dma32 > SZ_4G) {
		snprintf(err, errlen, "zones: dma32 cannot be larger than 4G");
		return -EINVAL;
	}
	/* Never form the sum first: a huge movable would wrap around. */
	if (cfg->movable > cfg->memory) {
		fmt_size(cfg->movable, b, sizeof(b));
		snprintf(err, errlen, "zones: movable (%s) is larger than memory (%s)", b, a);
		return -EINVAL;
	}
	if (dma32 > cfg->memory - cfg->movable) {
		fmt_size(dma32 + cfg->movable, b, sizeof(b));
		snprintf(err, errlen, "zones: dma32 + movable (%s) is larger than memory (%s)", b, a);
		return -EINVAL;
	}
	return 0;
}

/**
 * pagemig_host_memory() - What @cfg's machine needs of the host, and what it has
 * @cfg: the machine.
 * @hm: filled with the need, the host's available memory and its source.
 *
 * The need is the arena (all of it: a run may touch every page; nothing
 * for a sparse import, which touches few) plus mem_map, a struct page for
 * every PFN.  The host's figure is host_available_bytes().
 *
 * Return: 1 if the need is more than the host can back now, 0 if it fits
 * or the host does not say, -EINVAL if an argument is NULL.
 */
int pagemig_host_memory(const struct pagemig_config *cfg, struct pagemig_host_memory *hm)
{
	if (!cfg || !hm)
		return -EINVAL;
	hm->source = NULL;
	hm->need = (cfg->sparse ? 0 : cfg->memory) +
		cfg->memory / PAGE_SIZE * sizeof(struct page);
	hm->available = host_available_bytes(&hm->source);
	return hm->available && hm->need > hm->available;
}

static void run_exitcalls(size_t n)
{
	while (n--)
		if (initcalls[n].exit)
			initcalls[n].exit();
}

/* Zones and holes of @l for mm_init_machine(); @zones has MAX_NR_ZONES. */
static void layout_to_mm(const struct pagemig_layout *l,
			 struct machine_layout *layout,
			 struct machine_zone *zones)
{
	int z, cpu;

	BUILD_BUG_ON(sizeof(struct pagemig_pfn_range) != sizeof(struct pfn_range));
	BUILD_BUG_ON(PAGEMIG_MAX_CPUS != NR_CPUS);
	memset(zones, 0, MAX_NR_ZONES * sizeof(*zones));
	for (z = 0; z < MAX_NR_ZONES; z++) {
		const struct pagemig_zone_layout *zl = &l->zones[z];
		struct machine_zone *mz = &zones[z];

		mz->exists = zl->exists;
		mz->start_pfn = zl->start_pfn;
		mz->spanned = zl->spanned;
		mz->managed = zl->managed;
		mz->wmark[WMARK_MIN] = zl->min;
		mz->wmark[WMARK_LOW] = zl->low;
		mz->wmark[WMARK_HIGH] = zl->high;
		mz->wmark[WMARK_PROMO] = zl->promo;
		mz->has_lowmem_reserve = zl->has_lowmem_reserve;
		memcpy(mz->lowmem_reserve, zl->lowmem_reserve,
		       sizeof(mz->lowmem_reserve));
		for (cpu = 0; cpu < NR_CPUS; cpu++) {
			mz->pcp_high[cpu] = (int)min(zl->pcp_high[cpu], (unsigned int)INT_MAX);
			mz->pcp_batch[cpu] = (int)min(zl->pcp_batch[cpu], (unsigned int)INT_MAX);
			mz->pcp_high_min[cpu] = (int)min(zl->pcp_high_min[cpu], (unsigned int)INT_MAX);
			mz->pcp_high_max[cpu] = (int)min(zl->pcp_high_max[cpu], (unsigned int)INT_MAX);
		}
	}
	layout->zones = zones;
	layout->holes = (const struct pfn_range *)l->holes;
	layout->nr_holes = l->nr_holes;
}

int pagemig_machine_init(const struct pagemig_config *cfg, char *err, size_t errlen)
{
	struct machine_zone zones[MAX_NR_ZONES];
	struct machine_layout layout;
	uint64_t dma32;
	size_t i;
	int ret;

	if (machine_ready) {
		snprintf(err, errlen, "a machine already exists; call pagemig_machine_exit() first");
		return -EBUSY;
	}
	ret = pagemig_config_check(cfg, err, errlen);
	if (ret)
		return ret;

	dma32 = cfg->dma32 == UINT64_MAX ? default_dma32(cfg->memory) : cfg->dma32;
	memset(&layout, 0, sizeof(layout));
	layout.nr_pages = (unsigned long)(cfg->memory / PAGE_SIZE);
	layout.zone_pages[ZONE_DMA32] = (unsigned long)(dma32 / PAGE_SIZE);
	layout.zone_pages[ZONE_MOVABLE] = (unsigned long)(cfg->movable / PAGE_SIZE);
	layout.zone_pages[ZONE_NORMAL] = layout.nr_pages -
		layout.zone_pages[ZONE_DMA32] - layout.zone_pages[ZONE_MOVABLE];
	layout.nr_cpus = cfg->nr_cpus;
	if (cfg->layout)
		layout_to_mm(cfg->layout, &layout, zones);

	ret = arena_init(layout.nr_pages);
	if (ret) {
		snprintf(err, errlen, "memory: cannot map %llu MiB of arena: %s",
			 (unsigned long long)(cfg->memory >> 20), strerror(-ret));
		return ret;
	}
	vmstat_reset();
	printk_reset_counters();
	fault_seed(cfg->seed);
	sysctl_boot_defaults();
	movable_ops_decoupled = cfg->movable_ops == PAGEMIG_MOVABLE_OPS_DECOUPLED;
	ret = mm_init_machine(&layout);
	if (ret) {
		snprintf(err, errlen, "cannot build the machine: %s", strerror(-ret));
		arena_exit();
		return ret;
	}
	register_mm_validator(balloon_validate);
	register_mm_validator(zs_validate);
	for (i = 0; i < ARRAY_SIZE(initcalls); i++) {
		ret = initcalls[i].init ? initcalls[i].init() : 0;
		if (ret) {
			snprintf(err, errlen, "%s: initialisation failed: %s",
				 initcalls[i].name, strerror(-ret));
			run_exitcalls(i);
			mm_exit_machine();
			arena_exit();
			return ret;
		}
	}
	machine_ready = true;
	return 0;
}

void pagemig_machine_exit(void)
{
	if (!machine_ready)
		return;
	run_exitcalls(ARRAY_SIZE(initcalls));
	mm_exit_machine();
	arena_exit();
	machine_ready = false;
}

bool pagemig_machine_ready(void)
{
	return machine_ready;
}

void pagemig_set_log(FILE *f)
{
	printk_set_output(f);
}

unsigned long pagemig_warnings(void)
{
	return printk_warnings();
}

unsigned long pagemig_lock_inversions(void)
{
	return lockdep_inversions();
}

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

const char *pagemig_version(void)
{
	return __stringify(PAGEMIG_VERSION_MAJOR) "."
	       __stringify(PAGEMIG_VERSION_MINOR) "."
	       __stringify(PAGEMIG_VERSION_PATCH);
}

const char *pagemig_build_id(void)
{
#ifdef PAGEMIG_BUILD_ID
	return PAGEMIG_BUILD_ID;
#else
	return "unknown";
#endif
}

int pagemig_compact(int order)
{
	struct zone *zone;

	if (!machine_ready)
		return -ENODEV;
	if (order < -1 || order > MAX_PAGE_ORDER)
		return -EINVAL;
	if (order == -1)
		return compact_memory();
	for_each_populated_zone(zone)
		compact_zone_for_order(zone, order, MIGRATE_SYNC_LIGHT);
	return 0;
}
