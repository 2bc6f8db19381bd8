// SPDX-License-Identifier: GPL-2.0
/*
 * mm/zsmalloc.c: size classes (255 classes 16 bytes apart from 32, the
 * least-waste chain length up to 8, merging, huge classes and
 * zs_huge_class_size()), objects straddling page boundaries, handles that
 * stay valid across zs_compact() and page migration (migrate_pages() with
 * zsmalloc's own movable_ops, and a full pagemig_compact()), every
 * fullness group on the way up and down, the deferred free when a page
 * lock is busy, PageZsmalloc + PG_movable_ops on every zspage page with
 * mapping NULL and the sticky type, fault injection on zspage, handle and
 * metadata allocation, bad sizes, a caller's page adopted as a zspage
 * (zs_malloc_adopt(), for kpageflags imports), and the zsmalloc migration races
 * run one step at a time: zs_free() of a zspage's last object while one
 * of its pages is isolated (the callback's "released" success, at refcount
 * 1 and with an extra reference), and migration of a
 * zspage a reader holds (-EINVAL, putback, later success).
 *
 * Every test runs on a fresh machine with one pool (its creation
 * registers zsmalloc's ops for PGTY_zsmalloc; the machine's teardown
 * unregisters them) and ends with the mm fixture's invariants plus: the
 * pool is empty, nr_zspages is 0.
 */
#include <pthread.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include "../../mm/zsmalloc.c"
#include "harness/mm_fixture.h"
#include "harness/zs_reader.h"
#include "harness/mig_set.h"

#define NOWARN	__GFP_NOWARN
#define ZS_GFP	(GFP_NOIO | __GFP_NOWARN | __GFP_HIGHMEM | __GFP_MOVABLE)

static unsigned long nr_dst_allocs;

static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | NOWARN);

	if (page)
		nr_dst_allocs++;
	return (struct folio *)page;
}

/* ---- objects with checkable contents ------------------------------------ */

struct obj {
	unsigned long handle;
	size_t size;
	uint64_t seed;
};

static void pattern(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

static unsigned char wbuf[PAGE_SIZE], local[2 * PAGE_SIZE];

static int obj_new(struct zs_pool *pool, struct obj *o, size_t size, uint64_t seed)
{
	o->handle = zs_malloc(pool, size, ZS_GFP, 0);
	if (zs_handle_error(o->handle))
		return -ENOMEM;
	o->size = size;
	o->seed = seed;
	pattern(wbuf, size, seed);
	zs_obj_write(pool, o->handle, wbuf, size);
	return 0;
}

/* Does the object read back intact? */
static bool obj_ok(struct zs_pool *pool, const struct obj *o)
{
	void *p;
	bool ok;

	pattern(wbuf, o->size, o->seed);
	p = zs_obj_read_begin(pool, o->handle, local);
	ok = !memcmp(p, wbuf, o->size);
	zs_obj_read_end(pool, o->handle, p);
	return ok;
}

static void obj_del(struct zs_pool *pool, struct obj *o)
{
	zs_free(pool, o->handle);
	o->handle = 0;
}

static unsigned long obj_pfn(const struct obj *o)
{
	return handle_to_obj(o->handle) >> OBJ_INDEX_BITS;
}

static struct zspage *obj_zspage(const struct obj *o)
{
	return get_zspage(pfn_zpdesc(obj_pfn(o)));
}

static struct size_class *obj_class(struct zs_pool *pool, const struct obj *o)
{
	return zspage_class(pool, obj_zspage(o));
}

/*
 * The class zs_malloc() picks for @size payload bytes: the lookup takes
 * the stored size, so add the handle header zs_malloc() prepends.
 */
static unsigned int payload_index(struct zs_pool *pool, size_t size)
{
	return zs_lookup_class_index(pool, (unsigned int)(size + ZS_HANDLE_SIZE));
}

/* The class (shape) an object of @size payload bytes lands in. */
static void payload_class(struct zs_pool *pool, size_t size, struct zs_class_info *ci)
{
	zs_class_info(pool, payload_index(pool, size), ci);
}

/* Every page of the machine that belongs to a live zspage. */
static unsigned long zspage_pages(struct page **out, unsigned long max)
{
	unsigned long pfn, n = 0;

	for (pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!PageZsmalloc(page) || !page_private(page))
			continue;
		if (out && n < max)
			out[n] = page;
		n++;
	}
	return n;
}

/* ---- the fixture ---------------------------------------------------------- */

/* Every test in both movable_ops cores. */
FIXTURE_VARIANT(zs) { enum pagemig_movable_ops core; };
FIXTURE(zs) {
	struct zs_pool *pool;
};
MM_MOPS_VARIANTS(zs, );

FIXTURE_SETUP(zs)
{
	mm_movable_ops = variant->core;
	mm_machine_up(32 * SZ_1M, UINT64_MAX, 0, 2);
	nr_dst_allocs = 0;
	self->pool = zs_create_pool("test");
	ASSERT_NOT_NULL(self->pool);
}

FIXTURE_TEARDOWN(zs)
{
	mm_movable_ops = PAGEMIG_MOVABLE_OPS_DEFAULT;
	pagemig_fault_disarm_all();
	if (!pagemig_machine_ready())
		return;
	if (self->pool) {
		zs_flush_deferred(self->pool);
		EXPECT_EQ(0, zs_get_total_pages(self->pool));
		EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
		zs_destroy_pool(self->pool);
	}
	mm_check_invariants(true);
	pagemig_machine_exit();
}

/* nr_zspages is the pool's page count (one pool); validator clean. */
#define CHECK_POOL(pool) do {						\
	EXPECT_EQ(zs_get_total_pages(pool), pagemig_vmstat("nr_zspages"));		\
	EXPECT_EQ(0, pagemig_validate(stderr));				\
} while (0)

/* ---- size classes --------------------------------------------------------- */

/*
 * The 6.3+ chain length, worked out here without the library's code:
 * count the bytes left over after the whole objects that fit in k pages
 * and keep the k with the fewest (a later k must do strictly better).
 * A power of two always gets one page.
 */
static int ref_pages_per_zspage(int size)
{
	int k, best = 1, least = 4096;

	if (__builtin_popcount((unsigned int)size) == 1)
		return 1;
	for (k = 1; k <= 8; k++) {
		int bytes = k * 4096;
		int left = bytes - bytes / size * size;

		if (left < least) {
			least = left;
			best = k;
		}
	}
	return best;
}

TEST_F(zs, class_sizing)
{
	/* Payloads whose stored size (+8) is at or just past a class edge. */
	static const unsigned int payloads[] = { 1, 24, 25, 40, 41, 2000, 4088, 4089 };
	struct zs_class_info ci, above = { 0 };
	unsigned int i, distinct = 0, huge = 0;
	size_t hs;

	EXPECT_EQ(255, ZS_SIZE_CLASSES_NR);
	EXPECT_EQ(-EINVAL, zs_class_info(self->pool, 255, &ci));
	for (i = ZS_SIZE_CLASSES_NR; i-- > 0;) {
		int size = 32 + 16 * (int)i, ppz, opz;

		if (size > 4096)
			size = 4096;
		ppz = ref_pages_per_zspage(size);
		opz = ppz * 4096 / size;
		ASSERT_EQ(0, zs_class_info(self->pool, i, &ci));
		if (i < ZS_SIZE_CLASSES_NR - 1 && (int)above.pages_per_zspage == ppz &&
		    (int)above.objs_per_zspage == opz) {
			/* Same shape as the class above: shares it. */
			EXPECT_TRUE(ci.merged);
			EXPECT_EQ(above.size, ci.size);
		} else {
			EXPECT_FALSE(ci.merged);
			EXPECT_EQ(size, ci.size);
			distinct++;
			if (ppz == 1 && opz == 1)
				huge++;
		}
		EXPECT_EQ(ppz, ci.pages_per_zspage);
		EXPECT_EQ(opz, ci.objs_per_zspage);
		EXPECT_LE(1, ci.pages_per_zspage);
		EXPECT_GE(8, ci.pages_per_zspage);
		/* Powers of two fit one page exactly. */
		if (!(size & (size - 1)))
			EXPECT_EQ(1, ci.pages_per_zspage);
		above = ci;
	}
	TH_LOG("%u distinct classes, %u huge", distinct, huge);
	EXPECT_EQ(119, distinct);	/* 123 under the pre-6.3 rule */
	EXPECT_EQ(1, huge);	/* every (1 page, 1 object) size merges into one */

	/*
	 * Worked examples.  48 B fills 3 pages exactly (6 would too: the
	 * shorter chain wins the tie); 32 B is 128 a page.  The pre-6.3
	 * rule gave 144 B 3 pages, 208 B 2 and 352 B 5.
	 */
	zs_class_info(self->pool, 1, &ci);
	EXPECT_EQ(48, ci.size);
	EXPECT_EQ(3, ci.pages_per_zspage);
	EXPECT_EQ(256, ci.objs_per_zspage);
	zs_class_info(self->pool, 0, &ci);
	EXPECT_EQ(128, ci.objs_per_zspage);
	zs_class_info(self->pool, (144 - 32) / 16, &ci);	/* 16 B left over */
	EXPECT_EQ(144, ci.size);
	EXPECT_EQ(7, ci.pages_per_zspage);
	EXPECT_EQ(199, ci.objs_per_zspage);
	zs_class_info(self->pool, (208 - 32) / 16, &ci);	/* 16 B left over */
	EXPECT_EQ(208, ci.size);
	EXPECT_EQ(3, ci.pages_per_zspage);
	EXPECT_EQ(59, ci.objs_per_zspage);
	zs_class_info(self->pool, (352 - 32) / 16, &ci);	/* 32 B left over */
	EXPECT_EQ(352, ci.size);
	EXPECT_EQ(8, ci.pages_per_zspage);
	EXPECT_EQ(93, ci.objs_per_zspage);

	/*
	 * Lookups take the stored size as it is (no handle header added,
	 * as in the kernel) and round up to a class.
	 */
	EXPECT_EQ(0, zs_lookup_class_index(self->pool, 32));
	zs_class_info(self->pool, zs_lookup_class_index(self->pool, 33), &ci);
	EXPECT_EQ(48, ci.size);
	for (i = 1; i <= 4096; i++) {
		unsigned int idx = zs_lookup_class_index(self->pool, i);
		unsigned int raw = i <= 32 ? 0 : (i - 32 + 15) / 16;
		struct zs_class_info below;

		zs_class_info(self->pool, idx, &ci);
		EXPECT_FALSE(ci.merged);
		EXPECT_LE(i, ci.size);
		/* The smallest nominal size that fits, or the class it merged into. */
		EXPECT_LE(i, 32 + 16 * raw);
		if (raw)
			EXPECT_GT(i, 32 + 16 * (raw - 1));
		zs_class_info(self->pool, raw, &below);
		EXPECT_EQ(ci.size, below.size);
		if (_metadata->failed)
			break;
	}
	/* zs_malloc() puts a payload in the class of payload + header. */
	for (i = 0; i < ARRAY_SIZE(payloads); i++) {
		struct obj o;

		ASSERT_EQ(0, obj_new(self->pool, &o, payloads[i], i));
		EXPECT_EQ(payload_index(self->pool, payloads[i]),
			  obj_class(self->pool, &o)->index);
		EXPECT_EQ(zs_lookup_class_index(self->pool, payloads[i] + 8),
			  obj_class(self->pool, &o)->index);
		obj_del(self->pool, &o);
	}

	/* zs_huge_class_size(): the first payload size that lands in a huge class. */
	hs = zs_huge_class_size(self->pool);
	TH_LOG("huge_class_size %zu", hs);
	EXPECT_LT(2048, hs);
	EXPECT_GT(4096, hs);
	payload_class(self->pool, hs, &ci);
	EXPECT_EQ(1, ci.objs_per_zspage);
	EXPECT_EQ(1, ci.pages_per_zspage);
	payload_class(self->pool, hs - 1, &ci);
	EXPECT_LT(1, ci.objs_per_zspage);
	payload_class(self->pool, 4096, &ci);
	EXPECT_EQ(4096, ci.size);
	EXPECT_EQ(1, ci.objs_per_zspage);
}

TEST_F(zs, bad_sizes_give_error_handles)
{
	struct obj o;
	unsigned long h;

	h = zs_malloc(self->pool, 0, ZS_GFP, 0);
	EXPECT_TRUE(zs_handle_error(h));
	h = zs_malloc(self->pool, PAGE_SIZE + 1, ZS_GFP, 0);
	EXPECT_TRUE(zs_handle_error(h));
	h = zs_malloc(self->pool, 1UL << 30, ZS_GFP, 0);
	EXPECT_TRUE(zs_handle_error(h));
	zs_free(self->pool, (unsigned long)-EINVAL);	/* ignored */
	zs_free(self->pool, 0);
	EXPECT_EQ(0, zs_get_total_pages(self->pool));

	/* The limits themselves are fine: 1 byte, and a whole page (huge). */
	ASSERT_EQ(0, obj_new(self->pool, &o, 1, 1));
	EXPECT_TRUE(obj_ok(self->pool, &o));
	obj_del(self->pool, &o);
	ASSERT_EQ(0, obj_new(self->pool, &o, PAGE_SIZE, 2));
	EXPECT_TRUE(ZsHugePage(obj_zspage(&o)));
	EXPECT_EQ(1, zs_get_total_pages(self->pool));
	EXPECT_TRUE(obj_ok(self->pool, &o));
	obj_del(self->pool, &o);
	EXPECT_EQ(0, zs_get_total_pages(self->pool));
}

/* ---- straddling objects -------------------------------------------------- */

TEST_F(zs, straddling_objects_read_and_write_intact)
{
	static const size_t sizes[] = { 100, 700, 1000, 1500, 2500, 3000, 3300 };
	static struct obj objs[2048];
	unsigned long n = 0, straddlers = 0, i;
	size_t s;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct zs_class_info ci;
		unsigned long k;

		payload_class(self->pool, sizes[s], &ci);
		for (k = 0; k < 2 * ci.objs_per_zspage + 1 && n < ARRAY_SIZE(objs); k++, n++)
			ASSERT_EQ(0, obj_new(self->pool, &objs[n], sizes[s], n + 1));
	}
	for (i = 0; i < n; i++) {
		struct size_class *class = obj_class(self->pool, &objs[i]);
		unsigned int idx = (unsigned int)(handle_to_obj(objs[i].handle) & OBJ_INDEX_MASK);
		unsigned long off = ((unsigned long)class->size * idx) & ~PAGE_MASK;
		bool straddles = off + (unsigned long)class->size > PAGE_SIZE;
		void *p;

		p = zs_obj_read_begin(self->pool, objs[i].handle, local);
		/* A straddler is assembled in the caller's buffer. */
		EXPECT_EQ(straddles, p == local + ZS_HANDLE_SIZE);
		zs_obj_read_end(self->pool, objs[i].handle, p);
		straddlers += straddles;
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	}
	TH_LOG("%lu objects, %lu straddle a page boundary", n, straddlers);
	EXPECT_LT(20, straddlers);

	/* Rewrite every other object in place: the neighbours stay intact. */
	for (i = 0; i < n; i += 2) {
		objs[i].seed += 1000;
		pattern(wbuf, objs[i].size, objs[i].seed);
		zs_obj_write(self->pool, objs[i].handle, wbuf, objs[i].size);
	}
	for (i = 0; i < n; i++)
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	CHECK_POOL(self->pool);
	for (i = 0; i < n; i++)
		obj_del(self->pool, &objs[i]);
}

/* ---- handles across zs_compact() ------------------------------------------ */

TEST_F(zs, handles_stable_across_zs_compact)
{
	enum { N = 3000 };
	static struct obj objs[N];
	static unsigned long where[N];
	struct pagemig_rng *rng = test_rng();
	struct zs_pool_stats st;
	unsigned long i, before, freed, moved = 0;
	unsigned int c;

	for (i = 0; i < N; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i],
				     1 + pagemig_rng_below(rng, 3000), i + 7));
	for (i = 0; i < N; i++)
		if (pagemig_rng_below(rng, 10) < 7)
			obj_del(self->pool, &objs[i]);
	zs_flush_deferred(self->pool);
	before = zs_get_total_pages(self->pool);
	/* Remember where each object was. */
	for (i = 0; i < N; i++)
		if (objs[i].handle)
			where[i] = handle_to_obj(objs[i].handle);

	freed = zs_compact(self->pool);
	zs_flush_deferred(self->pool);
	TH_LOG("zs_compact: %lu -> %lu pages, %lu freed", before,
	       zs_get_total_pages(self->pool), freed);
	EXPECT_LT(0, freed);
	EXPECT_EQ(before - freed, zs_get_total_pages(self->pool));
	zs_pool_stats(self->pool, &st);
	EXPECT_EQ(freed, st.pages_compacted);
	for (i = 0; i < N; i++) {
		if (!objs[i].handle)
			continue;
		moved += where[i] != handle_to_obj(objs[i].handle);
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	}
	EXPECT_LT(0, moved);
	/* Nothing left to compact in any class. */
	for (c = 0; c < ZS_SIZE_CLASSES_NR; c++) {
		struct zs_class_info ci;

		zs_class_info(self->pool, c, &ci);
		if (!ci.merged)
			EXPECT_EQ(0, (ci.objs_allocated - ci.objs_inuse) / ci.objs_per_zspage);
	}
	/* A second compaction finds nothing. */
	EXPECT_EQ(0, zs_compact(self->pool));
	CHECK_POOL(self->pool);
	for (i = 0; i < N; i++)
		if (objs[i].handle)
			obj_del(self->pool, &objs[i]);
}

/* ---- handles across page migration ---------------------------------------- */

static void check_chains(struct __test_metadata *_metadata, struct zs_pool *pool,
			 struct obj *objs, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct zspage *zspage;
		struct zpdesc *zp;
		int len = 0;

		if (!objs[i].handle)
			continue;
		zspage = obj_zspage(&objs[i]);
		for (zp = get_first_zpdesc(zspage); zp; zp = get_next_zpdesc(zp)) {
			struct page *page = zpdesc_page(zp);

			EXPECT_TRUE(zpdesc_zspage(zp) == zspage);
			EXPECT_EQ(len == 0, PagePrivate(page));
			EXPECT_TRUE(PageZsmalloc(page));
			EXPECT_TRUE(PageMovableOps(page));
			EXPECT_FALSE(PageMovableOpsIsolated(page));
			EXPECT_NULL(page->mapping);
			EXPECT_EQ(1, page_ref_count(page));
			len++;
		}
		EXPECT_EQ(zspage_class(pool, zspage)->pages_per_zspage, len);
		if (_metadata->failed)
			return;
	}
}

TEST_F(zs, handles_stable_across_migrate_pages)
{
	enum { N = 600, MAXP = 2048 };
	static struct obj objs[N];
	static struct page *pages[MAXP];
	static unsigned long old_pfns[MAXP];
	struct pagemig_rng *rng = test_rng();
	unsigned long i, n, s0 = pagemig_vmstat("pgmigrate_success"), z0;
	unsigned int succ = 0;
	MIG_SET(list);

	for (i = 0; i < N; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i],
				     i % 7 == 0 ? PAGE_SIZE : 1 + pagemig_rng_below(rng, 3500),
				     i + 11));
	n = zspage_pages(pages, MAXP);
	ASSERT_GE(MAXP, n);
	ASSERT_EQ(zs_get_total_pages(self->pool), n);
	z0 = pagemig_vmstat("nr_zspages");
	for (i = 0; i < n; i++) {
		old_pfns[i] = page_to_pfn(pages[i]);
		ASSERT_TRUE(isolate_movable_ops_page(pages[i], 0));
		EXPECT_TRUE(PageMovableOpsIsolated(pages[i]));
		/* 6.17: zsmalloc's and the isolation's; decoupled: zsmalloc's. */
		EXPECT_EQ(movable_ops_decoupled ? 1 : 2, page_ref_count(pages[i]));
		mig_add(&list, pages[i]);
	}
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(n, succ);
	EXPECT_EQ(n, nr_dst_allocs);
	EXPECT_EQ(s0 + n, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(z0, pagemig_vmstat("nr_zspages"));

	/*
	 * The old pages were freed: type and flags wiped, no reference --
	 * unless a later batch (512 pages each) took one back as a
	 * destination, and then it is a zspage page again.
	 */
	for (i = 0; i < n; i++) {
		struct page *page = pfn_to_page(old_pfns[i]);

		if (page_ref_count(page)) {
			EXPECT_TRUE(PageZsmalloc(page));
			EXPECT_TRUE(PageMovableOps(page));
			EXPECT_NOT_NULL((void *)page_private(page));
			continue;
		}
		EXPECT_EQ(0, page_ref_count(page));
		EXPECT_FALSE(PageZsmalloc(page));
		EXPECT_FALSE(PageMovableOps(page));
	}
	/* The bytes came along (every page moved: see nr_dst_allocs). */
	for (i = 0; i < N; i++)
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	check_chains(_metadata, self->pool, objs, N);
	CHECK_POOL(self->pool);

	/* Everything still works on the new pages: compaction, frees. */
	for (i = 0; i < N; i += 2)
		obj_del(self->pool, &objs[i]);
	zs_compact(self->pool);
	for (i = 1; i < N; i += 2)
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	for (i = 1; i < N; i += 2)
		obj_del(self->pool, &objs[i]);
}

TEST_F(zs, handles_stable_across_full_compaction)
{
	enum { N = 4000, HOLES = 3000 };
	static struct obj objs[N];
	static struct page *plain[HOLES];
	struct pagemig_rng *rng = test_rng();
	unsigned long i, s0, moved = 0;
	static unsigned long where[N];

	/* Low memory taken by plain pages, zspages above them ... */
	for (i = 0; i < HOLES; i++)
		ASSERT_NOT_NULL(plain[i] = alloc_page(GFP_HIGHUSER_MOVABLE | NOWARN));
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i],
				     1 + pagemig_rng_below(rng, 2000), i + 3));
	/* ... then the low pages go: compaction moves zspages into the top. */
	for (i = 0; i < HOLES; i++)
		__free_page(plain[i]);
	for (i = 0; i < N; i++)
		where[i] = obj_pfn(&objs[i]);
	s0 = pagemig_vmstat("pgmigrate_success");
	EXPECT_EQ(0, pagemig_compact(-1));
	TH_LOG("pgmigrate_success +%lu", pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_LT(0, pagemig_vmstat("pgmigrate_success") - s0);
	for (i = 0; i < N; i++) {
		moved += where[i] != obj_pfn(&objs[i]);
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	}
	EXPECT_LT(0, moved);
	check_chains(_metadata, self->pool, objs, N);
	CHECK_POOL(self->pool);
	for (i = 0; i < N; i++)
		obj_del(self->pool, &objs[i]);
}

/* ---- fullness groups ------------------------------------------------------- */

static int ref_group(unsigned int inuse, unsigned int objs)
{
	if (!inuse)
		return 0;
	if (inuse == objs)
		return 11;
	return (int)(100 * inuse / objs / 10) + 1;
}

static void expect_one_zspage_in(struct __test_metadata *_metadata,
				 const struct zs_class_info *ci, int group)
{
	int g;

	for (g = 0; g < 12; g++)
		EXPECT_EQ(g == group ? 1 : 0, ci->fullness[g]);
}

TEST_F(zs, every_fullness_transition)
{
	static struct obj objs[128];
	unsigned int idx = payload_index(self->pool, 24), inuse;
	bool seen[12] = { false };
	struct zs_class_info ci;
	int g;

	zs_class_info(self->pool, idx, &ci);
	ASSERT_EQ(32, ci.size);
	ASSERT_EQ(128, ci.objs_per_zspage);
	for (inuse = 1; inuse <= 128; inuse++) {
		ASSERT_EQ(0, obj_new(self->pool, &objs[inuse - 1], 24, inuse));
		zs_class_info(self->pool, idx, &ci);
		g = ref_group(inuse, 128);
		expect_one_zspage_in(_metadata, &ci, g);
		EXPECT_EQ(inuse, ci.objs_inuse);
		EXPECT_EQ(128, ci.objs_allocated);
		seen[g] = true;
		ASSERT_EQ(0, _metadata->failed);
	}
	for (g = 1; g <= 11; g++)
		EXPECT_TRUE(seen[g]);
	EXPECT_EQ(1, zs_get_total_pages(self->pool));
	/* And back down: 100% -> 99% -> ... -> 10% -> empty (freed). */
	for (inuse = 128; inuse-- > 0;) {
		obj_del(self->pool, &objs[inuse]);
		zs_class_info(self->pool, idx, &ci);
		if (inuse) {
			expect_one_zspage_in(_metadata, &ci, ref_group(inuse, 128));
			EXPECT_EQ(inuse, ci.objs_inuse);
		} else {
			expect_one_zspage_in(_metadata, &ci, -1);
			EXPECT_EQ(0, ci.objs_allocated);
			EXPECT_EQ(0, ci.objs_inuse);
		}
		ASSERT_EQ(0, _metadata->failed);
	}
	EXPECT_EQ(0, zs_get_total_pages(self->pool));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
}

/* Allocation fills the fullest non-full zspage first. */
TEST_F(zs, allocation_prefers_the_fullest_zspage)
{
	static struct obj objs[3 * 128];
	unsigned int idx = payload_index(self->pool, 24), i;
	struct zs_class_info ci;
	struct obj extra;

	for (i = 0; i < 3 * 128; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i], 24, i));
	/* zspage A: 10 left (group 1), B: 100 left (group 8), C: full. */
	for (i = 10; i < 128; i++)
		obj_del(self->pool, &objs[i]);
	for (i = 128 + 100; i < 256; i++)
		obj_del(self->pool, &objs[i]);
	zs_class_info(self->pool, idx, &ci);
	EXPECT_EQ(1, ci.fullness[1]);
	EXPECT_EQ(1, ci.fullness[8]);
	EXPECT_EQ(1, ci.fullness[11]);
	ASSERT_EQ(0, obj_new(self->pool, &extra, 24, 999));
	EXPECT_TRUE(obj_zspage(&extra) == obj_zspage(&objs[128]));
	obj_del(self->pool, &extra);
	for (i = 0; i < 3 * 128; i++)
		if (objs[i].handle)
			obj_del(self->pool, &objs[i]);
}

/* ---- deferred free ---------------------------------------------------------- */

/*
 * Keep @page's zspage from being destroyed now, as a migration in flight
 * would.  6.17 core: hold the page lock (zs_free() only trylocks it).
 * Decoupled core: isolate the page onto @list; the page lock means
 * nothing to zsmalloc there (and a page freed while locked would be a
 * bad page).
 */
static void hold_zspage_page(struct __test_metadata *_metadata,
			     struct page *page, struct mig_set *list)
{
	if (!movable_ops_decoupled) {
		lock_page(page);
		return;
	}
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(list, page);
}

static void release_zspage_page(struct page *page, struct mig_set *list)
{
	if (!movable_ops_decoupled)
		unlock_page(page);
	else
		mig_putback(list);
}

TEST_F(zs, deferred_free_when_a_page_lock_is_busy)
{
	struct zs_class_info ci;
	struct zspage *zspage;
	struct page *locked;
	unsigned long pfns[8];
	struct zpdesc *zp;
	struct obj o;
	int n = 0, k;
	MIG_SET(list);

	payload_class(self->pool, 3000, &ci);
	ASSERT_LT(1, ci.pages_per_zspage);
	ASSERT_EQ(0, obj_new(self->pool, &o, 3000, 5));
	zspage = obj_zspage(&o);
	for (zp = get_first_zpdesc(zspage); zp; zp = get_next_zpdesc(zp))
		pfns[n++] = zpdesc_pfn(zp);
	ASSERT_EQ(ci.pages_per_zspage, n);

	/* Migration (say) holds the second page. */
	locked = pfn_to_page(pfns[1]);
	hold_zspage_page(_metadata, locked, &list);
	obj_del(self->pool, &o);
	/* The zspage stays, waiting for the worker. */
	EXPECT_EQ(n, zs_get_total_pages(self->pool));
	EXPECT_EQ(n, pagemig_vmstat("nr_zspages"));
	zs_class_info(self->pool, payload_index(self->pool, 3000), &ci);
	EXPECT_EQ(1, ci.fullness[0]);
	for (k = 0; k < n; k++) {
		EXPECT_TRUE(PageZsmalloc(pfn_to_page(pfns[k])));
		EXPECT_TRUE(page_private(pfn_to_page(pfns[k])) == (unsigned long)zspage);
	}
	release_zspage_page(locked, &list);
	zs_flush_deferred(self->pool);
	EXPECT_EQ(0, zs_get_total_pages(self->pool));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	zs_class_info(self->pool, payload_index(self->pool, 3000), &ci);
	EXPECT_EQ(0, ci.fullness[0]);
	EXPECT_EQ(0, ci.objs_allocated);
	for (k = 0; k < n; k++) {
		EXPECT_EQ(0, page_ref_count(pfn_to_page(pfns[k])));
		EXPECT_FALSE(PageZsmalloc(pfn_to_page(pfns[k])));
	}
}

/* An empty zspage waiting for the worker is reused by the next malloc. */
TEST_F(zs, empty_zspage_waiting_for_the_worker_can_be_reused)
{
	struct zspage *zspage;
	struct page *first;
	struct obj o, p;
	MIG_SET(list);

	ASSERT_EQ(0, obj_new(self->pool, &o, 3000, 5));
	zspage = obj_zspage(&o);
	first = zpdesc_page(get_first_zpdesc(zspage));
	hold_zspage_page(_metadata, first, &list);
	obj_del(self->pool, &o);
	/* The worker may have taken it off the list already; either is fine. */
	ASSERT_EQ(0, obj_new(self->pool, &p, 3000, 6));
	release_zspage_page(first, &list);
	zs_flush_deferred(self->pool);
	EXPECT_TRUE(obj_ok(self->pool, &p));
	CHECK_POOL(self->pool);
	obj_del(self->pool, &p);
}

/* ---- marking and the sticky type ------------------------------------------- */

TEST_F(zs, every_zspage_page_is_movable_ops_with_no_mapping)
{
	enum { N = 500, MAXP = 1024 };
	static struct obj objs[N];
	static struct page *pages[MAXP];
	static unsigned long pfns[MAXP];
	struct pagemig_rng *rng = test_rng();
	unsigned long i, n, first = 0;
	struct page *again;

	for (i = 0; i < N; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i],
				     1 + pagemig_rng_below(rng, 4096), i));
	n = zspage_pages(pages, MAXP);
	ASSERT_EQ(zs_get_total_pages(self->pool), n);
	for (i = 0; i < n; i++) {
		struct page *page = pages[i];

		pfns[i] = page_to_pfn(page);
		EXPECT_TRUE(PageZsmalloc(page));
		EXPECT_TRUE(PageMovableOps(page));
		EXPECT_TRUE(page_has_movable_ops(page));
		EXPECT_FALSE(PageMovableOpsIsolated(page));
		EXPECT_NULL(page->mapping);
		EXPECT_EQ(1, page_ref_count(page));
		first += PagePrivate(page);
	}
	check_chains(_metadata, self->pool, objs, N);
	for (i = 0; i < N; i++)
		obj_del(self->pool, &objs[i]);
	zs_flush_deferred(self->pool);
	/* Freed through the page allocator: no bad-page report (the fixture
	 * counts warnings), type and flag gone. */
	for (i = 0; i < n; i++) {
		struct page *page = pfn_to_page(pfns[i]);

		EXPECT_EQ(0, page_ref_count(page));
		EXPECT_FALSE(PageZsmalloc(page));
		EXPECT_FALSE(PageMovableOps(page));
	}
	/* The last page freed is the next one handed out: untyped. */
	again = alloc_page(GFP_HIGHUSER_MOVABLE | NOWARN);
	ASSERT_NOT_NULL(again);
	EXPECT_FALSE(page_has_type(again));
	EXPECT_FALSE(PageMovableOps(again));
	__free_page(again);
	TH_LOG("%lu pages, %lu zspages", n, first);
}

/* ---- fault injection ------------------------------------------------------- */

static unsigned long free_now(void)
{
	drain_all_pages(NULL);
	return pagemig_free_pages_count();
}

TEST_F(zs, zspage_alloc_fault_loop)
{
	struct zs_class_info ci;
	unsigned int n, ppz;
	unsigned long f0 = 0;
	struct obj o;

	payload_class(self->pool, 3000, &ci);
	ppz = ci.pages_per_zspage;
	ASSERT_LT(1, ppz);
	for (n = 1; n <= ppz + 1; n++) {
		struct page *again;
		int ret;

		f0 = free_now();
		ASSERT_EQ(0, pagemig_fault_arm("zspage_alloc", n, 1));
		ret = obj_new(self->pool, &o, 3000, n);
		if (n <= ppz) {
			EXPECT_EQ(-ENOMEM, ret);
			EXPECT_EQ(1, pagemig_fault_hits("zspage_alloc"));
			/* The unwind gave every page back, typed or not. */
			EXPECT_EQ(f0, free_now());
			EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
			EXPECT_EQ(0, zs_get_total_pages(self->pool));
			EXPECT_EQ(0, pagemig_validate(stderr));
			/* A page freed with PageZsmalloc comes back untyped. */
			again = alloc_page(GFP_HIGHUSER_MOVABLE | NOWARN);
			ASSERT_NOT_NULL(again);
			EXPECT_FALSE(page_has_type(again));
			__free_page(again);
		} else {
			EXPECT_EQ(0, ret);
			EXPECT_EQ(0, pagemig_fault_hits("zspage_alloc"));
			EXPECT_EQ(ppz, zs_get_total_pages(self->pool));
			EXPECT_TRUE(obj_ok(self->pool, &o));
			obj_del(self->pool, &o);
		}
		pagemig_fault_disarm_all();
		ASSERT_EQ(0, _metadata->failed);
	}
	EXPECT_EQ(f0, free_now());
}

/*
 * zs_malloc_adopt(): the caller's page becomes a one-page zspage, typed
 * and movable like any other, whose objects read back, migrate and free
 * as usual; sizes whose class spans pages, and failed handle or zspage
 * allocations, leave the page as it came.
 */
TEST_F(zs, adopted_page_is_an_ordinary_zspage)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE), *pages[4];
	unsigned long f0, pfn, h, s0 = pagemig_vmstat("pgmigrate_success");
	unsigned int succ = 0;
	struct obj big, half, more;
	struct zs_class_info ci;
	MIG_SET(list);

	ASSERT_NOT_NULL(page);
	f0 = free_now();
	pfn = page_to_pfn(page);
	/* 3000 bytes: a class of several pages per zspage. */
	payload_class(self->pool, 3000, &ci);
	ASSERT_LT(1, ci.pages_per_zspage);
	EXPECT_EQ((unsigned long)-EINVAL, zs_malloc_adopt(self->pool, 3000, page));
	EXPECT_EQ((unsigned long)-EINVAL, zs_malloc_adopt(self->pool, 0, page));
	EXPECT_EQ((unsigned long)-ENOSPC,
		  zs_malloc_adopt(self->pool, PAGE_SIZE + 1, page));
	ASSERT_EQ(0, pagemig_fault_arm("zs_handle_alloc", 1, 1));
	EXPECT_EQ((unsigned long)-ENOMEM, zs_malloc_adopt(self->pool, PAGE_SIZE, page));
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, 1));
	EXPECT_EQ((unsigned long)-ENOMEM, zs_malloc_adopt(self->pool, PAGE_SIZE, page));
	pagemig_fault_disarm_all();
	EXPECT_FALSE(page_has_type(page));
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));

	/* A huge object on the adopted page. */
	h = zs_malloc_adopt(self->pool, PAGE_SIZE, page);
	ASSERT_FALSE(zs_handle_error(h));
	big = (struct obj){ .handle = h, .size = PAGE_SIZE, .seed = 5 };
	pattern(wbuf, PAGE_SIZE, 5);
	zs_obj_write(self->pool, h, wbuf, PAGE_SIZE);
	EXPECT_EQ(pfn, obj_pfn(&big));
	EXPECT_TRUE(PageZsmalloc(page));
	EXPECT_TRUE(PageMovableOps(page));
	EXPECT_NULL(page->mapping);
	EXPECT_EQ(1, zs_get_total_pages(self->pool));
	EXPECT_EQ(f0, free_now());
	CHECK_POOL(self->pool);
	EXPECT_TRUE(obj_ok(self->pool, &big));

	/* It migrates like any zspage page, and the bytes come along. */
	ASSERT_EQ(1, zspage_pages(pages, 4));
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_NE(pfn, obj_pfn(&big));
	EXPECT_TRUE(obj_ok(self->pool, &big));
	CHECK_POOL(self->pool);
	obj_del(self->pool, &big);

	/* Half-page objects: the adopted zspage takes the next one too. */
	page = alloc_page(GFP_HIGHUSER_MOVABLE);
	ASSERT_NOT_NULL(page);
	h = zs_malloc_adopt(self->pool, 2000, page);
	ASSERT_FALSE(zs_handle_error(h));
	half = (struct obj){ .handle = h, .size = 2000, .seed = 6 };
	pattern(wbuf, 2000, 6);
	zs_obj_write(self->pool, h, wbuf, 2000);
	ASSERT_EQ(0, obj_new(self->pool, &more, 2000, 7));
	EXPECT_EQ(page_to_pfn(page), obj_pfn(&more));
	EXPECT_TRUE(obj_ok(self->pool, &half));
	EXPECT_TRUE(obj_ok(self->pool, &more));
	CHECK_POOL(self->pool);
	obj_del(self->pool, &half);
	obj_del(self->pool, &more);
}

TEST_F(zs, handle_and_metadata_alloc_faults)
{
	unsigned long f0 = free_now(), h;
	struct obj o, keep;

	ASSERT_EQ(0, pagemig_fault_arm("zs_handle_alloc", 1, 1));
	h = zs_malloc(self->pool, 100, ZS_GFP, 0);
	EXPECT_TRUE(zs_handle_error(h));
	EXPECT_EQ((unsigned long)-ENOMEM, h);
	EXPECT_EQ(1, pagemig_fault_hits("zs_handle_alloc"));
	EXPECT_EQ(f0, free_now());
	pagemig_fault_disarm_all();

	/* The zspage struct itself ("kmalloc"): no page taken. */
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, 1));
	h = zs_malloc(self->pool, 100, ZS_GFP, 0);
	EXPECT_TRUE(zs_handle_error(h));
	EXPECT_EQ(1, pagemig_fault_hits("kmalloc"));
	EXPECT_EQ(f0, free_now());
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	pagemig_fault_disarm_all();

	/* With room in an existing zspage, neither page nor zspage is needed. */
	ASSERT_EQ(0, obj_new(self->pool, &keep, 100, 1));
	ASSERT_EQ(0, pagemig_fault_arm("zspage_alloc", 1, 1000));
	ASSERT_EQ(0, pagemig_fault_arm("kmalloc", 1, 1000));
	ASSERT_EQ(0, obj_new(self->pool, &o, 100, 2));
	EXPECT_EQ(0, pagemig_fault_hits("zspage_alloc"));
	EXPECT_TRUE(obj_ok(self->pool, &o));
	pagemig_fault_disarm_all();
	obj_del(self->pool, &o);
	obj_del(self->pool, &keep);
}

TEST_F(zs, random_faults_leave_everything_consistent)
{
	enum { N = 1500 };
	static struct obj objs[N];
	struct pagemig_rng *rng = test_rng();
	unsigned long i, ok = 0, failed = 0, f0 = free_now();

	ASSERT_EQ(0, pagemig_fault_arm_random("zspage_alloc", 150));
	ASSERT_EQ(0, pagemig_fault_arm_random("zs_handle_alloc", 50));
	for (i = 0; i < N; i++) {
		if (obj_new(self->pool, &objs[i], 1 + pagemig_rng_below(rng, 4096), i)) {
			objs[i].handle = 0;
			failed++;
			continue;
		}
		ok++;
		if (pagemig_rng_below(rng, 3) == 0)
			obj_del(self->pool, &objs[i]);
	}
	pagemig_fault_disarm_all();
	TH_LOG("%lu allocated, %lu failed", ok, failed);
	EXPECT_LT(0, failed);
	CHECK_POOL(self->pool);
	for (i = 0; i < N; i++)
		if (objs[i].handle) {
			EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
			obj_del(self->pool, &objs[i]);
		}
	EXPECT_EQ(f0, free_now());
}

/* ---- zs_free() of the last object while a page is isolated ------ */

/* One object in a multi-page zspage; its second page isolated. */
static struct page *isolate_second_page(struct __test_metadata *_metadata,
					struct zs_pool *pool, struct obj *o,
					unsigned long *pfns, int *n,
					struct mig_set *list)
{
	struct zpdesc *zp;
	struct page *page;

	*n = 0;
	ASSERT_EQ(0, obj_new(pool, o, 3000, 42));
	for (zp = get_first_zpdesc(obj_zspage(o)); zp; zp = get_next_zpdesc(zp))
		pfns[(*n)++] = zpdesc_pfn(zp);
	ASSERT_LT(1, *n);
	page = pfn_to_page(pfns[1]);
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(list, page);
	EXPECT_EQ(movable_ops_decoupled ? 1 : 2, page_ref_count(page));
	return page;
}

/*
 * 6.17 core: the zspage is destroyed under the isolated page; the rest is
 * freed.  Decoupled core: zsmalloc defers destroying a zspage while one
 * of its pages is isolated, so everything stays until the isolation
 * ends (and the migration that follows is a real one).
 */
static void free_under_isolation(struct __test_metadata *_metadata,
				 struct zs_pool *pool, struct obj *o,
				 struct page *page, unsigned long *pfns, int n)
{
	struct zspage *zspage = obj_zspage(o);
	int k;

	obj_del(pool, o);
	if (movable_ops_decoupled) {
		EXPECT_EQ(n, zs_get_total_pages(pool));
		EXPECT_EQ(n, pagemig_vmstat("nr_zspages"));
		EXPECT_EQ(1, page_ref_count(page));	/* zsmalloc's */
		EXPECT_TRUE(page_private(page) == (unsigned long)zspage);
		EXPECT_TRUE(PageMovableOpsIsolated(page));
		for (k = 0; k < n; k++)
			EXPECT_EQ(1, page_ref_count(pfn_to_page(pfns[k])));
		return;
	}
	EXPECT_EQ(0, zs_get_total_pages(pool));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	EXPECT_EQ(1, page_ref_count(page));	/* only the isolation reference */
	EXPECT_NULL((void *)page_private(page));
	/* Sticky: still typed, still movable_ops, still isolated. */
	EXPECT_TRUE(PageZsmalloc(page));
	EXPECT_TRUE(PageMovableOps(page));
	EXPECT_TRUE(PageMovableOpsIsolated(page));
	for (k = 0; k < n; k++)
		if (pfn_to_page(pfns[k]) != page)
			EXPECT_EQ(0, page_ref_count(pfn_to_page(pfns[k])));
}

/*
 * kernel 6.18: no "freed under us" shortcut for movable_ops pages; the
 * page of a destroyed zspage reaches zs_page_migrate(), which reports it
 * as moved, and the core frees it and the unused destination.
 */
TEST_F(zs, free_while_isolated_refcount_one_reaches_owner)
{
	unsigned long pfns[8];
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);
	struct obj o;
	int n;

	page = isolate_second_page(_metadata, self->pool, &o, pfns, &n, &list);
	free_under_isolation(_metadata, self->pool, &o, page, pfns, n);
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(1, nr_dst_allocs);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_EQ(f0, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_FALSE(PageZsmalloc(page));
	EXPECT_FALSE(PageMovableOpsIsolated(page));
}

TEST_F(zs, free_while_isolated_extra_reference_fake_success)
{
	unsigned long pfns[8], s0 = pagemig_vmstat("pgmigrate_success");
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);
	struct obj o;
	int n;

	page = isolate_second_page(_metadata, self->pool, &o, pfns, &n, &list);
	free_under_isolation(_metadata, self->pool, &o, page, pfns, n);
	/* Someone else (a speculative lookup, say) holds a reference. */
	get_page(page);
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_TRUE(mig_empty(&list));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(1, nr_dst_allocs);	/* allocated, then dropped unused */
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	/*
	 * 6.17: zs_page_migrate() faked success; decoupled: the deferred
	 * zspage was alive and the page really moved.  Either way it is
	 * un-isolated with our reference left.
	 */
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_FALSE(PageMovableOpsIsolated(page));
	EXPECT_TRUE(PageZsmalloc(page));	/* sticky until freed */
	/* Destroyed: isolation refuses it now. */
	EXPECT_FALSE(isolate_movable_ops_page(page, 0));
	put_page(page);
	EXPECT_EQ(0, page_ref_count(page));
	EXPECT_FALSE(PageZsmalloc(page));
}

/* Isolated, then the object freed with the page lock busy (deferred). */
TEST_F(zs, deferred_free_of_a_zspage_with_an_isolated_page)
{
	unsigned long pfns[8];
	unsigned int succ = 0;
	struct page *page, *first;
	MIG_SET(list);
	struct obj o;
	int n;

	page = isolate_second_page(_metadata, self->pool, &o, pfns, &n, &list);
	first = pfn_to_page(pfns[0]);
	/* Decoupled: the isolated page alone defers the free; no lock. */
	if (!movable_ops_decoupled)
		lock_page(first);
	obj_del(self->pool, &o);
	EXPECT_EQ(n, zs_get_total_pages(self->pool));
	/* The zspage is alive: the isolated page migrates for real. */
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(1, nr_dst_allocs);
	EXPECT_EQ(0, page_ref_count(page));
	if (!movable_ops_decoupled)
		unlock_page(first);
	zs_flush_deferred(self->pool);
	EXPECT_EQ(0, zs_get_total_pages(self->pool));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
}

/* ---- a reader holds the zspage ----------------------------------- */

TEST_F(zs, migrating_a_read_locked_zspage_fails_then_succeeds)
{
	unsigned long s0 = pagemig_vmstat("pgmigrate_success");
	unsigned long f0 = pagemig_vmstat("pgmigrate_fail");
	unsigned long pfn;
	struct zs_reader r = { .pool = self->pool };
	unsigned int succ = 0;
	struct page *page;
	MIG_SET(list);
	pthread_t th;
	struct obj o;

	/* A page-sized object: read_begin maps it in place (no copy). */
	ASSERT_EQ(0, obj_new(self->pool, &o, 2000, 77));
	r.handle = o.handle;
	pfn = obj_pfn(&o);
	page = pfn_to_page(pfn);
	ASSERT_EQ(0, pagemig_thread_create(&th, "reader", zs_reader_fn, &r));
	zs_reader_wait(&r);

	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	/* -EINVAL is permanent: one failure, the page stays on the list. */
	EXPECT_EQ(1, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(0, succ);
	EXPECT_EQ(f0 + 1, pagemig_vmstat("pgmigrate_fail"));
	EXPECT_FALSE(mig_empty(&list));
	mig_putback(&list);
	EXPECT_FALSE(PageMovableOpsIsolated(page));
	EXPECT_EQ(1, page_ref_count(page));
	EXPECT_EQ(pfn, obj_pfn(&o));

	/* zs_compact() leaves the read-locked zspage alone too. */
	zs_reader_release(&r, th);

	/* The reader is done: the same page migrates now. */
	ASSERT_TRUE(isolate_movable_ops_page(page, 0));
	mig_add(&list, page);
	EXPECT_EQ(0, mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC,
				 MR_COMPACTION, &succ));
	EXPECT_EQ(1, succ);
	EXPECT_EQ(s0 + 1, pagemig_vmstat("pgmigrate_success"));
	EXPECT_NE(pfn, obj_pfn(&o));
	EXPECT_TRUE(obj_ok(self->pool, &o));
	obj_del(self->pool, &o);
}

/* zs_compact() skips a source zspage a reader holds and keeps the data. */
TEST_F(zs, zs_compact_skips_a_read_locked_zspage)
{
	static struct obj objs[4 * 128];
	struct zs_reader r = { .pool = self->pool };
	unsigned long i;
	pthread_t th;

	for (i = 0; i < 4 * 128; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i], 24, i));
	/* Four zspages at 25% each: compaction would empty three. */
	for (i = 0; i < 4 * 128; i++)
		if (i % 4)
			obj_del(self->pool, &objs[i]);
	r.handle = objs[0].handle;
	ASSERT_EQ(0, pagemig_thread_create(&th, "reader", zs_reader_fn, &r));
	zs_reader_wait(&r);
	zs_compact(self->pool);
	EXPECT_LE(1, zs_get_total_pages(self->pool));
	zs_reader_release(&r, th);
	zs_compact(self->pool);
	zs_flush_deferred(self->pool);
	EXPECT_EQ(1, zs_get_total_pages(self->pool));
	for (i = 0; i < 4 * 128; i += 4)
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	for (i = 0; i < 4 * 128; i += 4)
		obj_del(self->pool, &objs[i]);
}

/*
 * With the pool lock contended, __zs_compact() ends a round after every
 * source zspage, full destination or not (kernel: rwlock_is_contended()),
 * and picks the fullest destination again: the result is the same.
 * The contention is faked -- one "waiter" counted for the whole run --
 * so every round ends early.
 */
TEST_F(zs, zs_compact_under_contention_still_packs_everything)
{
	static struct obj objs[8 * 128];
	struct zs_class_info ci;
	unsigned int idx = payload_index(self->pool, 24);
	unsigned long i;

	for (i = 0; i < 8 * 128; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i], 24, i));
	/* Eight one-page zspages at 25%: two full ones hold it all. */
	for (i = 0; i < 8 * 128; i++)
		if (i % 4)
			obj_del(self->pool, &objs[i]);
	__atomic_fetch_add(&self->pool->lock.nr_waiting, 1, __ATOMIC_RELAXED);
	EXPECT_TRUE(rwlock_is_contended(&self->pool->lock));
	EXPECT_EQ(6, zs_compact(self->pool));
	__atomic_fetch_sub(&self->pool->lock.nr_waiting, 1, __ATOMIC_RELAXED);
	zs_flush_deferred(self->pool);
	EXPECT_EQ(2, zs_get_total_pages(self->pool));
	zs_class_info(self->pool, idx, &ci);
	EXPECT_EQ(2, ci.fullness[ZS_INUSE_RATIO_100]);
	EXPECT_EQ(256, ci.objs_inuse);
	for (i = 0; i < 8 * 128; i += 4)
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
	CHECK_POOL(self->pool);
	for (i = 0; i < 8 * 128; i += 4)
		obj_del(self->pool, &objs[i]);
}

/* ---- the shrinker ------------------------------------------------------------ */

TEST_F(zs, shrinker_count_matches_what_compaction_frees)
{
	static struct obj objs[4 * 128];
	unsigned long i, count;

	for (i = 0; i < 4 * 128; i++)
		ASSERT_EQ(0, obj_new(self->pool, &objs[i], 24, i));
	for (i = 0; i < 4 * 128; i++)
		if (i % 4)
			obj_del(self->pool, &objs[i]);
	count = zs_shrinker_count(self->pool);
	EXPECT_EQ(3, count);
	zs_shrinker_scan(self->pool);
	zs_flush_deferred(self->pool);
	EXPECT_EQ(0, zs_shrinker_count(self->pool));
	EXPECT_EQ(1, zs_get_total_pages(self->pool));
	for (i = 0; i < 4 * 128; i += 4) {
		EXPECT_TRUE(obj_ok(self->pool, &objs[i]));
		obj_del(self->pool, &objs[i]);
	}
}

/*
 * Pools share one registration: the first pool of the machine makes it,
 * and it stays until machine teardown (zs_exit()) -- also with no pool
 * left, as a page of a destroyed pool may still be isolated somewhere
 * (tests/regression/test_zs_destroy_pool_isolated_page.c).  After
 * zs_exit() the next pool registers again, or fails if someone else
 * took the slot meanwhile.
 */
TEST_F(zs, pools_share_the_movable_ops_registration)
{
	static const struct movable_operations other = { 0 };
	struct zs_pool *second = zs_create_pool("second");
	struct obj o;

	ASSERT_NOT_NULL(second);
	EXPECT_TRUE(mops_registered);
	ASSERT_EQ(0, obj_new(second, &o, 500, 1));
	EXPECT_TRUE(obj_ok(second, &o));
	obj_del(second, &o);
	zs_destroy_pool(second);
	/* The first pool's pages still isolate: its ops are registered. */
	ASSERT_EQ(0, obj_new(self->pool, &o, 500, 2));
	{
		struct page *page = pfn_to_page(obj_pfn(&o));
		MIG_SET(list);

		ASSERT_TRUE(isolate_movable_ops_page(page, 0));
		mig_add(&list, page);
		mig_putback(&list);
	}
	obj_del(self->pool, &o);

	/* No pool left: the slot is still zsmalloc's. */
	zs_flush_deferred(self->pool);
	zs_destroy_pool(self->pool);
	self->pool = NULL;
	EXPECT_TRUE(mops_registered);
	EXPECT_EQ(-EBUSY, set_movable_ops(&other, PGTY_zsmalloc));

	/* Teardown frees it, once; a pool cannot take a slot in use. */
	zs_exit();
	EXPECT_FALSE(mops_registered);
	zs_exit();
	EXPECT_EQ(0, set_movable_ops(&other, PGTY_zsmalloc));
	EXPECT_NULL(zs_create_pool("refused"));
	EXPECT_EQ(0, set_movable_ops(NULL, PGTY_zsmalloc));

	/* The next pool registers again. */
	self->pool = zs_create_pool("again");
	ASSERT_NOT_NULL(self->pool);
	EXPECT_TRUE(mops_registered);
	EXPECT_EQ(-EBUSY, set_movable_ops(&other, PGTY_zsmalloc));
}
