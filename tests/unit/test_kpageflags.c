// SPDX-License-Identifier: GPL-2.0
/*
 * facade/kpageflags.c: the KPF bits of every kind of simulated page as
 * 6.17 fs/proc/page.c reports them, the movable_ops aliasing (a balloon
 * page is OFFLINE|UPTODATE, an isolated one also RECLAIM), kpagecount,
 * and export -> import round trips to the same page counts by kind.
 */
#include <stdlib.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/migrate.h>
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"
#include "facade/import.h"

#define TIMEOUT_MS	10000
#define B(n)		(1ULL << PAGEMIG_KPF_##n)

/* Every kpf test once per movable_ops core (balloon pages among them). */
MM_FIXTURE_MOPS(kpf, 64 * SZ_1M, 8 * SZ_1M, 0, 2)

static uint64_t flags_of(unsigned long pfn, uint64_t *count)
{
	uint64_t f = ~0ULL, c = ~0ULL;

	pagemig_kpageflags_read(pfn, 1, &f, &c);
	if (count)
		*count = c;
	return f;
}

static int kind_of(unsigned long pfn)
{
	uint8_t k = 0xff;

	pagemig_page_kinds(pfn, 1, &k);
	return k;
}

/* The first PFN of @kind, or ULONG_MAX. */
static unsigned long find_kind(int kind)
{
	unsigned long n = pagemig_total_pages(), i, pfn = ULONG_MAX;
	uint8_t *k = malloc(n);

	if (k && !pagemig_page_kinds(0, n, k))
		for (i = 0; i < n; i++)
			if (k[i] == kind) {
				pfn = i;
				break;
			}
	free(k);
	return pfn;
}

TEST_F(kpf, free_pages_are_buddy_every_one_with_count_zero)
{
	unsigned long n = self->nr_pages, i;
	uint64_t *f = malloc(n * sizeof(*f)), *c = malloc(n * sizeof(*c));

	ASSERT_TRUE(f && c);
	drain_all_pages(NULL);
	ASSERT_EQ(0, pagemig_kpageflags_read(0, n, f, c));
	for (i = 0; i < n; i++) {
		if (f[i] != B(BUDDY) || c[i]) {
			EXPECT_EQ(B(BUDDY), f[i]);
			EXPECT_EQ(0, c[i]);
			break;
		}
	}
	EXPECT_EQ(PAGEMIG_KIND_FREE, kind_of(n / 2));
	EXPECT_EQ(-EINVAL, pagemig_kpageflags_read(n, 1, f, c));
	free(f);
	free(c);
}

TEST_F(kpf, allocations_plain_and_compound)
{
	unsigned long a, b, i;
	uint64_t c;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &a));
	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 3, &b));
	EXPECT_EQ(0, flags_of(a, &c));
	EXPECT_EQ(0, c);
	EXPECT_EQ(B(COMPOUND_HEAD), flags_of(b, NULL));
	for (i = 1; i < 8; i++)
		EXPECT_EQ(B(COMPOUND_TAIL), flags_of(b + i, NULL));
	EXPECT_EQ(PAGEMIG_KIND_UNMOVABLE, kind_of(a));
	EXPECT_EQ(PAGEMIG_KIND_UNMOVABLE, kind_of(b + 5));
	/* The rest of the block it was split from is still buddy. */
	pagemig_free_pages(a, 0);
	pagemig_free_pages(b, 3);
}

TEST_F(kpf, balloon_page_is_offline_uptodate_and_reclaim_when_isolated)
{
	int d = pagemig_balloon_lookup("virtio");
	unsigned long pfn;
	struct page *page;
	uint64_t f, c;
	MIG_SET(list);

	ASSERT_EQ(0, pagemig_balloon_set_target(d, 8, TIMEOUT_MS));
	pfn = find_kind(PAGEMIG_KIND_BALLOON);
	ASSERT_TRUE(pfn != ULONG_MAX);
	f = flags_of(pfn, &c);
	/* PG_movable_ops is PG_uptodate. */
	EXPECT_EQ(B(OFFLINE) | B(UPTODATE), f);
	EXPECT_EQ(0, c);

	page = pfn_to_page(pfn);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	/* PG_movable_ops_isolated is PG_reclaim. */
	EXPECT_EQ(B(OFFLINE) | B(UPTODATE) | B(RECLAIM), flags_of(pfn, NULL));
	EXPECT_EQ(PAGEMIG_KIND_ISOLATED, kind_of(pfn));
	mig_putback(&list);
	EXPECT_EQ(B(OFFLINE) | B(UPTODATE), flags_of(pfn, NULL));
	EXPECT_EQ(PAGEMIG_KIND_BALLOON, kind_of(pfn));
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 0, TIMEOUT_MS));
}

TEST_F(kpf, typed_pages_slab_table_reserved_and_folios)
{
	unsigned long a;
	struct page *page;
	uint64_t c;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_KERNEL, 0, &a));
	page = pfn_to_page(a);

	__SetPageTable(page);
	EXPECT_EQ(B(PGTABLE), flags_of(a, &c));
	EXPECT_EQ(0, c);
	EXPECT_EQ(PAGEMIG_KIND_PGTABLE, kind_of(a));
	__ClearPageTable(page);

	__folio_set_slab((struct folio *)page);
	EXPECT_EQ(B(SLAB), flags_of(a, NULL));
	EXPECT_EQ(PAGEMIG_KIND_SLAB, kind_of(a));
	__folio_clear_slab((struct folio *)page);

	__SetPageReserved(page);
	EXPECT_EQ(B(RESERVED), flags_of(a, NULL));
	EXPECT_EQ(PAGEMIG_KIND_RESERVED, kind_of(a));
	__ClearPageReserved(page);

	/* An anon page mapped twice: ANON|MMAP, kpagecount 2. */
	page->mapping = (struct address_space *)FOLIO_MAPPING_ANON;
	atomic_set(&page->_mapcount, 1);
	EXPECT_EQ(B(ANON) | B(MMAP), flags_of(a, &c));
	EXPECT_EQ(2, c);
	EXPECT_EQ(PAGEMIG_KIND_ANON, kind_of(a));
	page->mapping = (struct address_space *)FOLIO_MAPPING_KSM;
	EXPECT_EQ(B(ANON) | B(MMAP) | B(KSM), flags_of(a, NULL));
	atomic_set(&page->_mapcount, -1);
	page->mapping = NULL;
	pagemig_free_pages(a, 0);
}

TEST_F(kpf, thp_head_and_tails)
{
	unsigned long b, i;
	struct folio *folio;

	ASSERT_EQ(0, pagemig_alloc_pages(GFP_HIGHUSER_MOVABLE, 9, &b));
	folio = (struct folio *)pfn_to_page(b);
	__set_bit(PG_large_rmappable, &folio->_flags_1);
	folio->mapping = (struct address_space *)FOLIO_MAPPING_ANON;
	EXPECT_EQ(B(COMPOUND_HEAD) | B(THP) | B(ANON), flags_of(b, NULL));
	for (i = 1; i < 512; i += 97)
		EXPECT_EQ(B(COMPOUND_TAIL) | B(THP) | B(ANON),
			  flags_of(b + i, NULL));
	folio->mapping = NULL;
	__clear_bit(PG_large_rmappable, &folio->_flags_1);
	pagemig_free_pages(b, 9);
}

static void count_kinds(unsigned long *out)
{
	unsigned long n = pagemig_total_pages(), i;
	uint8_t *k = malloc(n);

	memset(out, 0, PAGEMIG_NR_KINDS * sizeof(*out));
	if (!k || pagemig_page_kinds(0, n, k))
		return;
	for (i = 0; i < n; i++)
		out[k[i]]++;
	free(k);
}

/*
 * A machine with plain and compound allocations, slab, page tables and
 * a balloon, exported, torn down and imported: the same counts by kind,
 * and the imported machine exports the same kpageflags again.
 */
MM_FIXTURE_MOPS_CORE(kpf_rt)

TEST_F(kpf_rt, export_import_round_trip)
{
	char fpath[] = "/tmp/pagemig-kpf-XXXXXX", cpath[] = "/tmp/pagemig-kpc-XXXXXX";
	unsigned long before[PAGEMIG_NR_KINDS], after[PAGEMIG_NR_KINDS];
	unsigned long pfns[64], n, i, nr;
	struct pagemig_snapshot s = { 0 };
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	uint64_t *again;
	int d, k;

	close(mkstemp(fpath));
	close(mkstemp(cpath));
	mm_machine_up(32 * SZ_1M, 4 * SZ_1M, 0, 2);
	d = pagemig_balloon_lookup("virtio");
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 100, TIMEOUT_MS));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, pagemig_alloc_pages(i % 3 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE,
						 (unsigned int)(i % 4), &pfns[i]));
	__SetPageTable(pfn_to_page(pfns[1]));
	__folio_set_slab((struct folio *)pfn_to_page(pfns[2]));
	ASSERT_EQ(0, pagemig_kpageflags_export(fpath, cpath));
	count_kinds(before);
	EXPECT_EQ(100, before[PAGEMIG_KIND_BALLOON]);
	EXPECT_EQ(2, before[PAGEMIG_KIND_PGTABLE]);	/* order 1 */
	EXPECT_EQ(4, before[PAGEMIG_KIND_SLAB]);
	__ClearPageTable(pfn_to_page(pfns[1]));
	__folio_clear_slab((struct folio *)pfn_to_page(pfns[2]));
	for (i = 0; i < 64; i++)
		pagemig_free_pages(pfns[i], (unsigned int)(i % 4));
	ASSERT_EQ(0, pagemig_balloon_set_target(d, 0, TIMEOUT_MS));
	mm_check_invariants(true);
	pagemig_machine_exit();

	ASSERT_EQ(0, kpf_load_file(fpath, &s.flags, &s.nr, err, sizeof(err)));
	ASSERT_EQ(0, kpf_load_file(cpath, &s.counts, &n, err, sizeof(err)));
	ASSERT_EQ(s.nr, n);
	ASSERT_EQ(0, kpf_check(&s, err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	ASSERT_EQ(0, kpf_check_plan(&inf, err, sizeof(err)));
	EXPECT_TRUE(inf.buddy_all_pages);
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		EXPECT_EQ(before[k], inf.kinds[k]);
	ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(), mm_movable_ops,
			       err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED,
		  movable_ops_decoupled);
	count_kinds(after);
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		EXPECT_EQ(before[k], after[k]);
	EXPECT_EQ(0, pagemig_validate(stderr));

	/* The imported machine reads back as the file it came from. */
	nr = pagemig_total_pages();
	again = malloc(nr * sizeof(*again));
	ASSERT_TRUE(again != NULL);
	ASSERT_EQ(0, pagemig_kpageflags_read(0, nr, again, NULL));
	for (i = 0; i < nr; i++)
		if (again[i] != s.flags[i]) {
			EXPECT_EQ(s.flags[i], again[i]);
			break;
		}
	free(again);
	pagemig_machine_exit();
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
	unlink(fpath);
	unlink(cpath);
}
