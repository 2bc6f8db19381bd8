// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kpageflags and /proc/kpagecount for the public facade, in both
 * directions, and the page kinds the reports count.
 *
 * Out: pagemig_kpageflags_read() and _export() are fs/proc/page.c's
 * readers (stable_page_flags(), the precise mapcount) behind the
 * facade's checks.  pagemig_page_kinds() classifies each page from its
 * live state in the same single walk.
 *
 * In: pagemig_import_apply() drives mm/mm_import.c, which rebuilds a
 * fresh machine as a plan (facade/snapshot.c infers one from a real
 * snapshot) says, and supplies what only the facade has: the synthetic
 * process and file that own the imported folios, the virtio balloon that
 * adopts the balloon pages and the zram device whose pool the zsmalloc
 * pages become.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/pagemig.h>
#include <pagemig/mm.h>
#include <pagemig/pgtable.h>
#include "../mm/facade.h"
#include "../drivers/balloon_host.h"
#include "../drivers/zram/zram_drv.h"
#include "import.h"
#include "internal.h"

/* The plan and the kinds are mm's, number for number. */
_Static_assert((int)PAGEMIG_NR_KINDS == (int)NR_IMPORT_KINDS, "kinds");
_Static_assert(KPF_HOST_BYTES_PER_PFN == sizeof(struct page) +
	       sizeof(struct pagemig_import_page) + 2 * sizeof(uint64_t),
	       "an import's host memory a PFN");
_Static_assert((int)PAGEMIG_KIND_FREE == (int)IMPORT_KIND_FREE &&
	      (int)PAGEMIG_KIND_ANON == (int)IMPORT_KIND_ANON &&
	      (int)PAGEMIG_KIND_FILE == (int)IMPORT_KIND_FILE &&
	      (int)PAGEMIG_KIND_BALLOON == (int)IMPORT_KIND_BALLOON &&
	      (int)PAGEMIG_KIND_ZSMALLOC == (int)IMPORT_KIND_ZSMALLOC &&
	      (int)PAGEMIG_KIND_PGTABLE == (int)IMPORT_KIND_PGTABLE &&
	      (int)PAGEMIG_KIND_SLAB == (int)IMPORT_KIND_SLAB &&
	      (int)PAGEMIG_KIND_UNMOVABLE == (int)IMPORT_KIND_UNMOVABLE &&
	      (int)PAGEMIG_KIND_ISOLATED == (int)IMPORT_KIND_ISOLATED &&
	      (int)PAGEMIG_KIND_RESERVED == (int)IMPORT_KIND_RESERVED, "kinds");
_Static_assert(sizeof(struct pagemig_import_page) == sizeof(struct import_page) &&
	      offsetof(struct pagemig_import_page, kind) == offsetof(struct import_page, kind) &&
	      offsetof(struct pagemig_import_page, order) == offsetof(struct import_page, order) &&
	      offsetof(struct pagemig_import_page, flags) == offsetof(struct import_page, flags) &&
	      offsetof(struct pagemig_import_page, mapcount) == offsetof(struct import_page, mapcount),
	      "plan entries");
_Static_assert(PAGEMIG_IMPORT_TAIL == IMPORT_TAIL &&
	      PAGEMIG_IMPORT_THP == IMPORT_FL_THP &&
	      PAGEMIG_IMPORT_KSM == IMPORT_FL_KSM &&
	      PAGEMIG_IMPORT_DIRTY == IMPORT_FL_DIRTY &&
	      PAGEMIG_IMPORT_REF == IMPORT_FL_REF &&
	      PAGEMIG_IMPORT_UPTODATE == IMPORT_FL_UPTODATE &&
	      PAGEMIG_IMPORT_HOLE == IMPORT_FL_HOLE &&
	      PAGEMIG_IMPORT_PRIVATE == IMPORT_FL_PRIVATE &&
	      PAGEMIG_IMPORT_FLAGLESS == IMPORT_FL_FLAGLESS &&
	      PAGEMIG_IMPORT_PCP == IMPORT_FL_PCP &&
	      PAGEMIG_IMPORT_HELD == IMPORT_FL_HELD &&
	      PAGEMIG_IMPORT_MT_SHIFT == IMPORT_FL_MT_SHIFT &&
	      PAGEMIG_IMPORT_MT_MASK == IMPORT_FL_MT_MASK, "plan flags");

/* What the last pagemig_import_apply() made of the plan's folios. */
static struct pagemig_import_result import_result = {
	.pid = -1, .fid = -1, .zram_id = -1
};

/* facade/zram.c: device @id is going away. */
void import_zram_gone(int id)
{
	if (import_result.zram_id == id)
		import_result.zram_id = -1;
}

void import_forget(void)
{
	memset(&import_result, 0, sizeof(import_result));
	import_result.pid = -1;
	import_result.fid = -1;
	import_result.zram_id = -1;
}

const char *pagemig_kind_name(int kind)
{
	return import_kind_name(kind);
}

bool pagemig_kind_unmovable(int kind)
{
	return import_kind_unmovable(kind);
}

static int page_kind(const struct page *page)
{
	const struct folio *folio = page_folio(page);
	unsigned long mapping;

	if (PageOffline(page) || PageZsmalloc(page)) {
		if (page_has_movable_ops(page) && PageMovableOpsIsolated(page))
			return PAGEMIG_KIND_ISOLATED;
		return PageOffline(page) ? PAGEMIG_KIND_BALLOON :
					   PAGEMIG_KIND_ZSMALLOC;
	}
	/* A compound page table counts whole, as the importer builds it. */
	if (PageTable(&folio->page))
		return PAGEMIG_KIND_PGTABLE;
	if (folio_test_slab(folio))
		return PAGEMIG_KIND_SLAB;
	if (test_bit(PG_reserved, &folio->flags))
		return PAGEMIG_KIND_RESERVED;
	mapping = (unsigned long)READ_ONCE(folio->mapping);
	if (mapping & FOLIO_MAPPING_ANON)
		return PAGEMIG_KIND_ANON;
	if (mapping)
		return PAGEMIG_KIND_FILE;
	if (folio_test_lru(folio))
		return folio_test_swapbacked(folio) ? PAGEMIG_KIND_ANON :
						      PAGEMIG_KIND_FILE;
	/* Nobody holds it and it is not a buddy: free, on a per-CPU list. */
	if (!folio_ref_count(folio))
		return PAGEMIG_KIND_FREE;
	return PAGEMIG_KIND_UNMOVABLE;
}

static void kinds_actor(struct page *page, unsigned long i, bool free,
			void *data)
{
	uint8_t *kinds = data;

	kinds[i] = free ? PAGEMIG_KIND_FREE : page_kind(page);
}

int pagemig_kpageflags_read(unsigned long pfn, unsigned long n,
			    uint64_t *flags, uint64_t *counts)
{
	if (!machine_ready)
		return -ENODEV;
	return kpageflags_read(pfn, n, flags, counts);
}

int pagemig_page_kinds(unsigned long pfn, unsigned long n, uint8_t *kinds)
{
	if (!machine_ready)
		return -ENODEV;
	return kpage_walk(pfn, n, kinds_actor, kinds);
}

#define EXPORT_CHUNK	(64UL << 10)	/* PFNs per write, as page-types reads */

static int write_words(FILE *f, uint64_t *w, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		w[i] = htole64(w[i]);
	return fwrite(w, sizeof(*w), n, f) == n ? 0 : -EIO;
}

int pagemig_kpageflags_export(const char *flags_path, const char *count_path)
{
	FILE *ff = NULL, *fc = NULL;
	uint64_t *fl = NULL, *cn = NULL;
	unsigned long pfn, n;
	int ret = 0;

	if (!machine_ready)
		return -ENODEV;
	if (!flags_path)
		return -EINVAL;
	/*
	 * kernel: pages on per-CPU lists read as flagless, neither buddy nor
	 * allocated.  A snapshot meant to be imported again wants them as
	 * the free pages they are, so drain first; the machine's state is
	 * otherwise unchanged.
	 */
	drain_all_pages(NULL);
	fl = malloc(EXPORT_CHUNK * sizeof(*fl));
	cn = malloc(EXPORT_CHUNK * sizeof(*cn));
	ff = fopen(flags_path, "wb");
	if (count_path)
		fc = fopen(count_path, "wb");
	if (!fl || !cn) {
		ret = -ENOMEM;
		goto out;
	}
	if (!ff || (count_path && !fc)) {
		ret = -errno;
		goto out;
	}
	for (pfn = 0; pfn < max_pfn && !ret; pfn += n) {
		n = min(EXPORT_CHUNK, max_pfn - pfn);
		kpageflags_read(pfn, n, fl, fc ? cn : NULL);
		ret = write_words(ff, fl, n);
		if (!ret && fc)
			ret = write_words(fc, cn, n);
	}
out:
	if (ff && fclose(ff) && !ret)
		ret = -EIO;
	if (fc && fclose(fc) && !ret)
		ret = -EIO;
	free(fl);
	free(cn);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Import */

/* The pattern of sector @index of the import's zram device. */
#define IMPORT_ZRAM_TAG	0x7a72616d2d696d70ULL

/*
 * The plan's zsmalloc pages, @pfns (plain allocated pages), become the
 * pool of a new zram device: the i-th adopted page holds sector i, one
 * incompressible
 * page each (zram_adopt_page() says why), filled with a tag pattern that
 * pagemig_import_verify() checks.  What cannot be adopted keeps the
 * zsmalloc type without PG_movable_ops: a stand-in that stays put.
 */
static void import_zram(const unsigned long *pfns, unsigned long n)
{
	struct zram *zram = NULL;
	uint64_t *buf = NULL;
	unsigned long i;
	int id;

	id = pagemig_zram_create(NULL, (uint64_t)n * PAGE_SIZE, 0);
	if (id >= 0) {
		zram = zram_device(id);
		buf = malloc(PAGE_SIZE);
		if (!buf) {
			pagemig_zram_destroy(id);
			zram = NULL;
		}
	}
	import_result.zram_id = zram ? id : -1;
	for (i = 0; i < n; i++) {
		struct page *page = pfn_to_page(pfns[i]);

		if (zram) {
			unsigned long sector = import_result.zram_pages;

			tag_fill(buf, IMPORT_ZRAM_TAG, sector);
			if (!zram_adopt_page(zram, sector, buf, page)) {
				import_result.zram_pages++;
				continue;
			}
		}
		__SetPageZsmalloc(page);
		import_result.zram_stand_ins++;
	}
	free(buf);
}

int pagemig_import_verify(unsigned long *checked)
{
	struct zram *zram = zram_device(import_result.zram_id);
	unsigned long i, bad = 0;
	uint64_t *buf;

	*checked = 0;
	if (!machine_ready)
		return -ENODEV;
	if (!zram)
		return 0;
	buf = malloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < import_result.zram_pages; i++) {
		bad += zram_read_page(zram, i, buf) ||
		       !tag_check(buf, IMPORT_ZRAM_TAG, i);
		(*checked)++;
	}
	free(buf);
	return (int)min(bad, (unsigned long)INT_MAX);
}

int pagemig_import_result(struct pagemig_import_result *r)
{
	if (!machine_ready)
		return -ENODEV;
	*r = import_result;
	return 0;
}

/*
 * The synthetic process, its VMAs and the file that own the imported
 * folios, of the sizes memmap_import_pages() worked out.  Return: 0 or
 * -errno (then anon and file folios all become stand-ins).
 */
static int import_owner(struct memmap_import *imp)
{
	const struct import_layout *l = &imp->layout;
	unsigned long anon_addr = 0, file_addr = 0;
	struct file *file = NULL;
	int pid, ret;

	pid = pagemig_process_create();
	if (pid < 0)
		return pid;
	import_result.pid = pid;
	if (l->thps + l->small_anon) {
		ret = pagemig_mmap_anon(pid, l->thps * PMD_SIZE +
					l->small_anon * PAGE_SIZE,
					PAGEMIG_MAP_WRITE | PAGEMIG_MAP_THP,
					&anon_addr);
		if (ret)
			return ret;
	}
	if (l->file_pages) {
		import_result.fid = pagemig_file_create("imported",
							l->file_pages * PAGE_SIZE,
							1, NULL);
		if (import_result.fid < 0)
			return import_result.fid;
		file = process_file(import_result.fid);
	}
	if (l->small_file) {
		ret = pagemig_mmap_file(pid, import_result.fid,
					l->small_file * PAGE_SIZE, 0,
					PAGEMIG_MAP_SHARED, &file_addr);
		if (ret)
			return ret;
	}
	memmap_import_set_owner(imp, process_mm(pid), anon_addr, file,
				file_addr);
	return 0;
}

static void import_copy_stats(const struct import_stats *st)
{
	struct pagemig_import_result *r = &import_result;

	r->anon_folios = st->anon_folios;
	r->anon_pages = st->anon_pages;
	r->anon_thps = st->anon_thps;
	r->anon_split_pages = st->anon_split_pages;
	r->anon_ksm_pages = st->anon_ksm_pages;
	r->anon_mapcount_differs = st->anon_mapcount_differs;
	r->file_folios = st->file_folios;
	r->file_pages = st->file_pages;
	r->file_large_folios = st->file_large_folios;
	r->file_private_folios = st->file_private_folios;
	r->file_held_folios = st->file_held_folios;
	r->file_mapped_pages = st->file_mapped_pages;
	r->stand_in_pages = st->stand_in_pages;
	r->tables_reused = st->tables_reused;
	r->tables_allocated = st->tables_allocated;
}

int pagemig_import_apply(const struct pagemig_import_page *plan,
			 unsigned long nr, char *err, size_t errlen)
{
	struct memmap_import imp = {
		.plan = (const struct import_page *)plan, .nr = nr
	};
	const struct import_layout *l = &imp.layout;
	int ret;

	import_forget();
	if (!machine_ready) {
		snprintf(err, errlen, "no machine");
		return -ENODEV;
	}
	if (nr != max_pfn) {
		snprintf(err, errlen, "the plan has %lu pages, the machine %lu",
			 nr, max_pfn);
		return -EINVAL;
	}
	ret = memmap_import_check(imp.plan, nr, err, errlen);
	if (ret)
		return ret;
	drain_all_pages(NULL);
	if (nr_used_pages()) {
		snprintf(err, errlen, "the machine is not fresh: %lu pages are allocated",
			 nr_used_pages());
		return -EBUSY;
	}

	ret = memmap_import_pages(&imp);
	if (ret) {
		snprintf(err, errlen, "no memory for the lists of balloon, zsmalloc and page-table pages");
		goto out;
	}
	if (imp.nr_balloon)
		ret = virtio_balloon_adopt(imp.balloon, imp.nr_balloon);
	if (ret) {
		snprintf(err, errlen, "cannot put %lu pages into the virtio balloon: %s",
			 imp.nr_balloon, strerror(-ret));
		goto out;
	}
	if (imp.nr_zsmalloc)
		import_zram(imp.zsmalloc, imp.nr_zsmalloc);
	if (l->thps + l->small_anon + l->file_pages) {
		import_owner(&imp);
		memmap_import_folios(&imp);
	}
out:
	memmap_import_finish(&imp);
	import_copy_stats(&imp.stats);
	return ret;
}
