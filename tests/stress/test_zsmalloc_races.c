// SPDX-License-Identifier: GPL-2.0
/*
 * zsmalloc and zram races, for SAN=thread YIELD=1 builds:
 *
 *  - readers decompressing zram sectors while compaction migrates the
 *    zsmalloc pages under them (a read-locked zspage refuses with
 *    -EINVAL and moves on a later pass; the data is always intact);
 *  - zs_free() of zspages' last objects while an isolator holds their
 *    pages.  6.17 core: sometimes the isolated page is left with only the
 *    isolation reference (zs_page_migrate() reports it moved), sometimes
 *    the isolator holds an extra reference (zs_page_migrate()'s fake
 *    success).  Decoupled core: zspage destruction waits for the
 *    isolation to end (the zsmalloc validator checks no isolated page
 *    lost its zspage), and the end of it kicks the deferred free;
 *  - zs_compact() racing a full pagemig_compact() and zram writes and
 *    discards, with a reader checking every sector it can pin down.
 *
 * Seeded; after each: validator clean, nr_zspages equals the pools'
 * pages, no page leaked, no warning, no lock-order inversion.
 *
 * Duration: 3 s per test (20 s with -l); STRESS_SECONDS=N splits N over
 * the tests (at least 1 s each).
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/migrate.h>
#include "../../facade/zram.c"
#include "harness/mm_fixture.h"
#include "harness/mig_set.h"

#define NR_TESTS	6	/* three tests, two movable_ops cores */

static unsigned long long budget_ns(void)
{
	const char *env = getenv("STRESS_SECONDS");
	double secs = test_long() ? 20 : 3;

	if (env && atof(env) > 0) {
		secs = atof(env) / NR_TESTS;
		if (secs < 1)
			secs = 1;
	}
	return (unsigned long long)(secs * 1e9);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Sector @i, generation @gen: compressible text with some noise, or same-filled. */
static void gen_page(unsigned char *p, unsigned long i, unsigned long gen)
{
	uint64_t x = mix(i * 1000003 + gen);
	size_t pos = 0;

	if (x % 11 == 0) {
		for (; pos < PAGE_SIZE; pos += 8)
			memcpy(p + pos, &x, 8);
		return;
	}
	while (pos < PAGE_SIZE) {
		static const char text[] = "zsmalloc moves objects while readers decompress them ";
		size_t n = 1 + (x >> 20) % (sizeof(text) - 1);

		x = mix(x);
		if (x % 4 == 0) {
			p[pos++] = (unsigned char)x;
			continue;
		}
		if (n > PAGE_SIZE - pos)
			n = PAGE_SIZE - pos;
		memcpy(p + pos, text + (x >> 40) % (sizeof(text) - n), n);
		pos += n;
	}
}

/*
 * Per-sector sequence numbers, seqlock style: odd while the writer
 * changes the sector; the generation is seq / 2; generation 0 or a
 * discarded sector (bit 0 of disc) reads as zeroes.
 */
struct disk {
	int id;
	unsigned long nr;
	unsigned long *seq;
	unsigned char *disc;
	int stop;
	unsigned long reads, checked, corrupted, writes, discards, compacts;
	unsigned long zs_freed;
	uint64_t seed;
};

static bool sector_expect(struct disk *d, unsigned long i, unsigned char *want,
			  unsigned long *seq_out)
{
	unsigned long s = __atomic_load_n(&d->seq[i], __ATOMIC_ACQUIRE);

	if (s & 1)
		return false;
	*seq_out = s;
	if (!s || __atomic_load_n(&d->disc[i], __ATOMIC_RELAXED))
		memset(want, 0, PAGE_SIZE);
	else
		gen_page(want, i, s / 2);
	return true;
}

static void *reader(void *arg)
{
	struct disk *d = arg;
	static __thread unsigned char want[PAGE_SIZE], got[PAGE_SIZE];
	struct pagemig_rng rng;

	pagemig_rng_seed(&rng, d->seed ^ 0x1234);
	set_cpu_id(1);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		unsigned long i = pagemig_rng_below(&rng, d->nr), s1, s2;

		if (!sector_expect(d, i, want, &s1))
			continue;
		if (pagemig_zram_read(d->id, i, got)) {
			__atomic_fetch_add(&d->corrupted, 1, __ATOMIC_RELAXED);
			continue;
		}
		s2 = __atomic_load_n(&d->seq[i], __ATOMIC_ACQUIRE);
		__atomic_fetch_add(&d->reads, 1, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;	/* rewritten meanwhile */
		__atomic_fetch_add(&d->checked, 1, __ATOMIC_RELAXED);
		if (memcmp(want, got, PAGE_SIZE))
			__atomic_fetch_add(&d->corrupted, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void disk_write(struct disk *d, unsigned long i, unsigned char *buf)
{
	unsigned long s = d->seq[i];

	__atomic_store_n(&d->seq[i], s + 1, __ATOMIC_RELEASE);
	gen_page(buf, i, (s + 2) / 2);
	if (pagemig_zram_write(d->id, i, buf) == 0) {
		__atomic_store_n(&d->disc[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&d->seq[i], s + 2, __ATOMIC_RELEASE);
		d->writes++;
	} else {
		/* Refused: the old contents stay (seq back to even, same gen). */
		__atomic_store_n(&d->seq[i], s, __ATOMIC_RELEASE);
	}
}

static void disk_discard(struct disk *d, unsigned long i)
{
	unsigned long s = d->seq[i];

	__atomic_store_n(&d->seq[i], s + 1, __ATOMIC_RELEASE);
	pagemig_zram_discard(d->id, i, 1);
	__atomic_store_n(&d->disc[i], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&d->seq[i], s + 2, __ATOMIC_RELEASE);
	d->discards++;
}

static void disk_setup(struct __test_metadata *_metadata, struct disk *d,
		       unsigned long nr)
{
	static unsigned char buf[PAGE_SIZE];
	unsigned long i;

	memset(d, 0, sizeof(*d));
	d->nr = nr;
	d->seed = test_seed();
	d->seq = calloc(nr, sizeof(*d->seq));
	d->disc = calloc(nr, 1);
	ASSERT_NOT_NULL(d->seq);
	ASSERT_NOT_NULL(d->disc);
	d->id = pagemig_zram_create("lz4", nr * PAGE_SIZE, 0);
	ASSERT_LE(0, d->id);
	for (i = 0; i < nr; i++)
		disk_write(d, i, buf);
	/* Fragment: every other sector goes. */
	for (i = 0; i < nr; i += 2)
		disk_discard(d, i);
}

/* Read every sector back; the count of mismatches. */
static unsigned long disk_verify(struct disk *d)
{
	static unsigned char want[PAGE_SIZE], got[PAGE_SIZE];
	unsigned long i, bad = 0, s;

	for (i = 0; i < d->nr; i++) {
		sector_expect(d, i, want, &s);
		if (pagemig_zram_read(d->id, i, got) || memcmp(want, got, PAGE_SIZE))
			bad++;
	}
	return bad;
}

static void disk_teardown(struct __test_metadata *_metadata, struct disk *d)
{
	struct zram *z = zram_devices[d->id];

	zs_flush_deferred(z->mem_pool);
	EXPECT_EQ(zs_get_total_pages(z->mem_pool), pagemig_vmstat("nr_zspages"));
	EXPECT_EQ(0, disk_verify(d));
	EXPECT_EQ(0, pagemig_zram_destroy(d->id));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	free(d->seq);
	free(d->disc);
}

MM_FIXTURE_MOPS(zsr, 64 * SZ_1M, UINT64_MAX, 0, 3)

/* ---- readers decompressing while compaction migrates zsmalloc pages -------- */

/*
 * Isolate every zsmalloc page in [from, to) and migrate them: the way
 * compaction does, without the scanners' choices, so every zspage is hit.
 */
static struct folio *alloc_dst(struct folio *src, unsigned long private)
{
	return (struct folio *)alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static unsigned long migrate_zs_range(unsigned long from, unsigned long to,
				      bool extra_ref, unsigned long *fails)
{
	struct page *held[64];
	unsigned int succ = 0, n = 0, k;
	unsigned long pfn;
	MIG_SET(list);
	int ret;

	for (pfn = from; pfn < to && n < ARRAY_SIZE(held); pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!page_has_movable_ops(page) || !PageZsmalloc(page))
			continue;
		if (!isolate_movable_ops_page(page, 0))
			continue;
		mig_add(&list, page);
		if (extra_ref) {
			get_page(page);	/* isolated: it cannot go under us */
			held[n++] = page;
		}
	}
	debug_yield();
	ret = mig_migrate(&list, alloc_dst, NULL, 0, MIGRATE_SYNC, MR_COMPACTION, &succ);
	if (ret > 0 && fails)
		*fails += (unsigned long)ret;
	mig_putback(&list);
	for (k = 0; k < n; k++)
		put_page(held[k]);
	return succ;
}

TEST_F(zsr, readers_while_zsmalloc_pages_migrate)
{
	struct disk d;
	unsigned long long end;
	unsigned long rounds = 0, moved = 0, fails = 0, s0 = pagemig_vmstat("pgmigrate_success");
	struct pagemig_rng *rng = test_rng();
	pthread_t th;

	disk_setup(_metadata, &d, 4096);
	ASSERT_EQ(0, pagemig_thread_create(&th, "reader", reader, &d));
	end = ktime_get_ns() + budget_ns();
	while (ktime_get_ns() < end) {
		unsigned long from = pagemig_rng_below(rng, max_pfn);

		switch (pagemig_rng_below(rng, 4)) {
		case 0:
			pagemig_compact(-1);
			break;
		case 1:
			pagemig_zram_compact(d.id);
			break;
		default:
			moved += migrate_zs_range(from, min(max_pfn, from + 4096),
						  pagemig_rng_below(rng, 2), &fails);
		}
		rounds++;
	}
	__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	TH_LOG("%lu rounds, %lu pages moved by hand, %lu refused; pgmigrate_success +%lu; %lu reads, %lu checked",
	       rounds, moved, fails, pagemig_vmstat("pgmigrate_success") - s0, d.reads, d.checked);
	EXPECT_EQ(0, d.corrupted);
	EXPECT_LT(0, d.checked);
	EXPECT_LT(0, moved);
	disk_teardown(_metadata, &d);
}

/* ---- zs_free of the last objects while their pages are isolated ---------- */

struct freer {
	struct zs_pool *pool;
	int stop;
	uint64_t seed;
	unsigned long allocs, frees;
};

/* Allocate bursts in a few classes and free them all again: zspages empty. */
static void *freer_fn(void *arg)
{
	static unsigned long handles[512];
	struct freer *f = arg;
	struct pagemig_rng rng;
	static unsigned char buf[PAGE_SIZE];

	set_cpu_id(1);
	pagemig_rng_seed(&rng, f->seed);
	memset(buf, 0x5a, sizeof(buf));
	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		unsigned int n = 1 + (unsigned int)pagemig_rng_below(&rng, ARRAY_SIZE(handles));
		size_t size = 1 + pagemig_rng_below(&rng, 4000);
		unsigned int k;

		for (k = 0; k < n; k++) {
			handles[k] = zs_malloc(f->pool, size, GFP_NOIO | __GFP_NOWARN |
					       __GFP_HIGHMEM | __GFP_MOVABLE, 0);
			if (zs_handle_error(handles[k]))
				break;
			zs_obj_write(f->pool, handles[k], buf, size);
			f->allocs++;
		}
		n = k;
		debug_yield();
		for (k = 0; k < n; k++) {
			zs_free(f->pool, handles[k]);
			f->frees++;
		}
	}
	return NULL;
}

TEST_F(zsr, zs_free_while_pages_are_isolated)
{
	struct freer f = { .seed = test_seed() + 7 };
	unsigned long long end;
	unsigned long s0 = pagemig_vmstat("pgmigrate_success"), rounds = 0, moved = 0;
	struct pagemig_rng *rng = test_rng();
	pthread_t th;

	f.pool = zs_create_pool("races");
	ASSERT_NOT_NULL(f.pool);
	ASSERT_EQ(0, pagemig_thread_create(&th, "freer", freer_fn, &f));
	end = ktime_get_ns() + budget_ns();
	while (ktime_get_ns() < end) {
		/* Extra reference on every other round: the callback's fake success. */
		moved += migrate_zs_range(0, max_pfn, pagemig_rng_below(rng, 2), NULL);
		if (pagemig_rng_below(rng, 8) == 0)
			zs_compact(f.pool);
		rounds++;
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	zs_flush_deferred(f.pool);
	TH_LOG("%lu rounds, %lu allocs, %lu frees, %lu migrated (pgmigrate_success +%lu)",
	       rounds, f.allocs, f.frees, moved, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_EQ(f.allocs, f.frees);
	EXPECT_LT(0, moved);
	EXPECT_EQ(0, zs_get_total_pages(f.pool));
	EXPECT_EQ(0, pagemig_vmstat("nr_zspages"));
	zs_destroy_pool(f.pool);
}

/* ---- zs_compact racing global compaction and zram writes/discards -------- */

static void *zs_compactor(void *arg)
{
	struct disk *d = arg;

	set_cpu_id(2);
	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		d->zs_freed += (unsigned long)pagemig_zram_compact(d->id);
		d->compacts++;
		debug_yield();
		test_usleep(200);
	}
	return NULL;
}

TEST_F(zsr, zs_compact_races_compaction_and_writes)
{
	static unsigned char buf[PAGE_SIZE];
	struct disk d;
	unsigned long long end;
	unsigned long rounds = 0, s0 = pagemig_vmstat("pgmigrate_success");
	struct pagemig_rng *rng = test_rng();
	pthread_t rd, zc;

	disk_setup(_metadata, &d, 4096);
	ASSERT_EQ(0, pagemig_thread_create(&rd, "reader", reader, &d));
	ASSERT_EQ(0, pagemig_thread_create(&zc, "zs-compactor", zs_compactor, &d));
	end = ktime_get_ns() + budget_ns();
	while (ktime_get_ns() < end) {
		unsigned long i, k, n = 1 + pagemig_rng_below(rng, 64);

		for (k = 0; k < n; k++) {
			i = pagemig_rng_below(rng, d.nr);
			if (pagemig_rng_below(rng, 3))
				disk_write(&d, i, buf);
			else
				disk_discard(&d, i);
		}
		if (pagemig_rng_below(rng, 4) == 0)
			pagemig_compact(-1);
		rounds++;
	}
	__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(rd, NULL);
	pagemig_thread_join(zc, NULL);
	TH_LOG("%lu rounds: %lu writes, %lu discards, %lu zs_compact (%lu pages), pgmigrate_success +%lu; %lu checked",
	       rounds, d.writes, d.discards, d.compacts, d.zs_freed,
	       pagemig_vmstat("pgmigrate_success") - s0, d.checked);
	EXPECT_EQ(0, d.corrupted);
	EXPECT_LT(0, d.checked);
	disk_teardown(_metadata, &d);
}
