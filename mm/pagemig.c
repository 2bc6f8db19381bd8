// SPDX-License-Identifier: GPL-2.0
/*
 * The public facade (include/pagemig/pagemig.h): building and tearing down
 * the machine, allocation by gfp mask for workloads, content tags, and
 * figures.  Everything here checks its arguments, because its callers are
 * the CLI and scenario files: bad input gets -EINVAL and a message, never
 * a crash or a corrupted machine.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/gfp.h>
#include <pagemig/vmstat.h>
#include "../sim/arena.h"
#include "../sim/fault.h"
#include "../sim/printk.h"
#include "internal.h"

#define SZ_2M	(2ULL << 20)
#define SZ_4G	(4ULL << 30)

static bool machine_ready;

/*
 * Subsystems that set themselves up on a new machine and tear down before
 * it goes, in this order (teardown in reverse).
 */
struct mm_subsys {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

static const struct mm_subsys subsystems[] = {
	{ "page_alloc", page_alloc_init_late, NULL },
};

void pagemig_config_default(struct pagemig_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory = 256ULL << 20;
	cfg->dma32 = UINT64_MAX;
	cfg->movable = 0;
	cfg->nr_cpus = 2;
	cfg->seed = 1;
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
	if (host && cfg->memory > host) {
		fmt_size(host, b, sizeof(b));
		snprintf(err, errlen, "memory: %s is more than this host's RAM (%s)", a,
			 host % (1ULL << 20) ? "less" : b);
		if (host % (1ULL << 20))
			snprintf(err, errlen, "memory: %s is more than this host's RAM (%llu MiB)",
				 a, (unsigned long long)(host >> 20));
		return -ENOMEM;
	}
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > PAGEMIG_MAX_CPUS) {
		snprintf(err, errlen, "cpus: %u is out of range; expected 1..%d",
			 cfg->nr_cpus, PAGEMIG_MAX_CPUS);
		return -EINVAL;
	}
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

int pagemig_machine_init(const struct pagemig_config *cfg, char *err, size_t errlen)
{
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

	ret = arena_init(layout.nr_pages);
	if (ret) {
		snprintf(err, errlen, "memory: cannot map %llu MiB of arena: %s",
			 (unsigned long long)(cfg->memory >> 20), strerror(-ret));
		return ret;
	}
	vmstat_reset();
	printk_reset_counters();
	fault_seed(cfg->seed);
	ret = mm_init_machine(&layout);
	if (ret) {
		snprintf(err, errlen, "cannot build the machine: %s", strerror(-ret));
		arena_exit();
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(subsystems); i++) {
		ret = subsystems[i].init ? subsystems[i].init() : 0;
		if (ret) {
			snprintf(err, errlen, "%s: initialisation failed: %s",
				 subsystems[i].name, strerror(-ret));
			while (i--)
				if (subsystems[i].exit)
					subsystems[i].exit();
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
	size_t i = ARRAY_SIZE(subsystems);

	if (!machine_ready)
		return;
	while (i--)
		if (subsystems[i].exit)
			subsystems[i].exit();
	mm_exit_machine();
	arena_exit();
	machine_ready = false;
}

bool pagemig_machine_ready(void)
{
	return machine_ready;
}

int pagemig_parse_gfp(const char *s, unsigned int *gfp)
{
	return parse_gfp_string(s, gfp);
}

int pagemig_format_gfp(unsigned int gfp, char *buf, size_t len)
{
	return format_gfp_string(gfp, buf, len);
}

int pagemig_alloc_pages(unsigned int gfp, unsigned int order, unsigned long *pfn)
{
	struct page *page;

	if (!machine_ready)
		return -ENODEV;
	if (order > MAX_PAGE_ORDER)
		return -EINVAL;
	/* Compound, so that pagemig_free_pages() can check the order. */
	page = alloc_pages(gfp | __GFP_NOWARN | (order ? __GFP_COMP : 0), order);
	if (!page)
		return -ENOMEM;
	*pfn = page_to_pfn(page);
	return 0;
}

int pagemig_free_pages(unsigned long pfn, unsigned int order)
{
	struct page *page;

	if (!machine_ready)
		return -ENODEV;
	if (order > MAX_PAGE_ORDER || pfn >= max_pfn ||
	    !IS_ALIGNED(pfn, 1UL << order) || pfn + (1UL << order) > max_pfn)
		return -EINVAL;
	page = pfn_to_page(pfn);
	if (PageTail(page) || PageBuddy(page) || page_ref_count(page) <= 0)
		return -EINVAL;
	/*
	 * Blocks of order > 0 from pagemig_alloc_pages() are compound.  A
	 * plain page cannot say how many pages after it are its own: freeing
	 * it with a larger order would free its neighbours.
	 */
	if (order ? !PageHead(page) || compound_order(page) != order :
		    PageHead(page))
		return -EINVAL;
	__free_pages(page, order);
	return 0;
}

/* The pattern of one page: cheap to fill and check, unique per (tag, page). */
static inline uint64_t tag_base(uint64_t tag, unsigned long i)
{
	uint64_t x = tag ^ (i * 0xd6e8feb86659fd93ULL);

	return pagemig_splitmix64(&x);
}

void pagemig_fill_tag(unsigned long pfn, unsigned long nr, uint64_t tag)
{
	unsigned long i, w;

	if (!machine_ready || pfn >= max_pfn || nr > max_pfn - pfn)
		return;
	for (i = 0; i < nr; i++) {
		uint64_t *p = page_address(pfn_to_page(pfn + i));
		uint64_t base = tag_base(tag, i);

		for (w = 0; w < PAGE_SIZE / 8; w++)
			p[w] = base + w * 0x9e3779b97f4a7c15ULL;
	}
}

unsigned long pagemig_check_tag(unsigned long pfn, unsigned long nr, uint64_t tag)
{
	unsigned long i, w, bad = 0;

	if (!machine_ready || pfn >= max_pfn || nr > max_pfn - pfn)
		return nr;
	for (i = 0; i < nr; i++) {
		const uint64_t *p = page_address(pfn_to_page(pfn + i));
		uint64_t base = tag_base(tag, i), diff = 0;

		for (w = 0; w < PAGE_SIZE / 8; w++)
			diff |= p[w] ^ (base + w * 0x9e3779b97f4a7c15ULL);
		bad += diff != 0;
	}
	return bad;
}

const char *pagemig_migratetype_name(int mt)
{
	if (mt < 0 || mt >= MIGRATE_TYPES)
		return NULL;
	return migratetype_names[mt];
}

int pagemig_zone_stats(int z, struct pagemig_zone_stats *out)
{
	struct zone *zone;
	unsigned long pfn;
	unsigned int order;
	int mt;

	BUILD_BUG_ON(PAGEMIG_NR_MIGRATETYPES != MIGRATE_TYPES);
	BUILD_BUG_ON(PAGEMIG_NR_ZONES != MAX_NR_ZONES);
	BUILD_BUG_ON(PAGEMIG_NR_ORDERS != NR_PAGE_ORDERS);
	if (!machine_ready)
		return -ENODEV;
	if (z < 0 || z >= MAX_NR_ZONES)
		return -EINVAL;
	zone = &NODE_DATA(0)->node_zones[z];
	memset(out, 0, sizeof(*out));
	out->name = zone->name;
	out->populated = populated_zone(zone);
	out->start_pfn = zone->zone_start_pfn;
	out->spanned = zone->spanned_pages;
	out->present = zone->present_pages;
	out->managed = zone_managed_pages(zone);
	out->free = zone_page_state(zone, NR_FREE_PAGES);
	out->min = min_wmark_pages(zone);
	out->low = low_wmark_pages(zone);
	out->high = high_wmark_pages(zone);
	if (!out->populated)
		return 0;
	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		out->nr_free[order] = READ_ONCE(zone->free_area[order].nr_free);
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			out->nr_free_mt[mt][order] = zone_nr_free_mt(zone, order, mt);
	}
	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages)
		out->nr_blocks_mt[get_pfnblock_migratetype(pfn_to_page(pfn), pfn)]++;
	return 0;
}

unsigned long pagemig_resident_pages(void)
{
	return machine_ready ? arena_resident_pages() : 0;
}

unsigned long pagemig_total_pages(void)
{
	return machine_ready ? max_pfn : 0;
}

unsigned long pagemig_free_pages_count(void)
{
	return machine_ready ? global_zone_page_state(NR_FREE_PAGES) : 0;
}

unsigned long pagemig_validate(FILE *f)
{
	return machine_ready ? validate_zones(f) : 0;
}

const char *pagemig_version(void)
{
#ifdef PAGEMIG_VERSION
	return PAGEMIG_VERSION;
#else
	return "unknown";
#endif
}
