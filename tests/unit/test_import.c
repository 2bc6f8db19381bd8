// SPDX-License-Identifier: GPL-2.0
/*
 * facade/snapshot.c, facade/import.c and report/kpageflags.c: the shipped
 * real snapshot (256 MiB of a Linux 6.18 host, tests/data/) imports
 * cleanly with sane counts, stage by stage and through pagemig_import();
 * each kind of bad input is refused with its message;
 * inference keeps its plan invariants on seeded random snapshots; the
 * page-types table has the kernel tool's exact format.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include <pagemig/pagemig.h>
#include "harness/data.h"
#include "harness/mm_fixture.h"
#include "report/kpageflags.h"
#include "facade/import.h"
#include "sim/arena.h"

#define B(n)	(1ULL << PAGEMIG_KPF_##n)

TEST(shipped_snapshot_imports_with_sane_counts)
{
	struct pagemig_snapshot s = { 0 };
	struct pagemig_inference inf;
	struct pagemig_analysis a;
	char err[PAGEMIG_ERR_LEN] = "";
	unsigned long n;

	ASSERT_EQ(0, kpf_load_file(test_data_path("kpageflags-host.zst"), &s.flags,
				   &s.nr, err, sizeof(err)));
	ASSERT_EQ(0, kpf_load_file(test_data_path("kpagecount-host.zst"), &s.counts,
				   &n, err, sizeof(err)));
	ASSERT_EQ(65536, s.nr);
	ASSERT_EQ(s.nr, n);
	ASSERT_EQ(0, kpf_check(&s, err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	ASSERT_EQ(0, kpf_check_plan(&inf, err, sizeof(err)));
	EXPECT_TRUE(inf.buddy_all_pages);
	/* What that host had there: a busy 256 MiB of a 6.18 guest. */
	EXPECT_TRUE(inf.kinds[PAGEMIG_KIND_FREE] > 10000);
	EXPECT_TRUE(inf.kinds[PAGEMIG_KIND_ANON] > 1000);
	EXPECT_TRUE(inf.kinds[PAGEMIG_KIND_FILE] > 10000);
	EXPECT_TRUE(inf.kinds[PAGEMIG_KIND_SLAB] > 1000);
	EXPECT_TRUE(inf.kinds[PAGEMIG_KIND_PGTABLE] > 100);
	EXPECT_TRUE(inf.thps > 100);
	EXPECT_EQ(0, inf.amb[PAGEMIG_AMB_CONTRADICTION]);

	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(), mm_movable_ops,
			       err, sizeof(err)));
	EXPECT_EQ(0, pagemig_validate(stderr));
	EXPECT_EQ(inf.kinds[PAGEMIG_KIND_FREE], pagemig_free_pages_count());
	ASSERT_EQ(0, pagemig_analyse(&a));
	EXPECT_EQ(inf.kinds[PAGEMIG_KIND_FREE], a.free);
	EXPECT_EQ(128, a.blocks);
	EXPECT_TRUE(a.blocks_blocked > 0 && a.blocks_blocked <= 128);
	EXPECT_EQ(0, pagemig_compact(-1));
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
}

struct stage_log {
	unsigned int nr;
	enum pagemig_import_stage seen[2 * PAGEMIG_NR_STAGES];
	enum pagemig_import_stage stop_at;	/* PAGEMIG_NR_STAGES: never */
	bool machine_at[PAGEMIG_NR_STAGES];
};

static int log_stage(enum pagemig_import_stage stage, void *arg)
{
	struct stage_log *l = arg;

	l->machine_at[stage] = pagemig_machine_ready();
	if (l->nr < 2 * PAGEMIG_NR_STAGES)
		l->seen[l->nr++] = stage;
	return stage == l->stop_at ? 42 : 0;
}

/*
 * The pipeline gives what the stages give one by one, calls back before
 * each stage in order, and leaves the machine up; the analysis after a
 * compaction has at least as much free memory in 2 MiB blocks.
 */
TEST(pipeline_matches_the_stages)
{
	struct pagemig_import_opts o = {
		.seed = test_seed(), .compact = true, .stage = log_stage,
	};
	char kpf[PATH_MAX], kpc[PATH_MAX];
	struct stage_log l = { .stop_at = PAGEMIG_NR_STAGES };
	struct pagemig_import_report *r = calloc(1, sizeof(*r));
	struct pagemig_snapshot s;
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	unsigned int i;

	ASSERT_TRUE(r != NULL);
	/* test_data_path() returns one static buffer. */
	snprintf(kpf, sizeof(kpf), "%s", test_data_path("kpageflags-host.zst"));
	snprintf(kpc, sizeof(kpc), "%s", test_data_path("kpagecount-host.zst"));
	o.flags_path = kpf;
	o.count_path = kpc;
	o.arg = &l;
	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, pagemig_import(&o, r));
	EXPECT_TRUE(pagemig_machine_ready());
	ASSERT_EQ(PAGEMIG_NR_STAGES, l.nr);
	for (i = 0; i < l.nr; i++)
		EXPECT_EQ(i, l.seen[i]);
	EXPECT_FALSE(l.machine_at[PAGEMIG_STAGE_BUILD]);
	EXPECT_TRUE(l.machine_at[PAGEMIG_STAGE_ANALYSE]);
	EXPECT_EQ(PAGEMIG_STAGE_VERIFY, r->stage);
	EXPECT_TRUE(r->inferred.plan == NULL);
	EXPECT_EQ(65536, r->inferred.machine_pages);
	EXPECT_TRUE(r->inferred.kinds[PAGEMIG_KIND_FREE] > 10000);
	EXPECT_EQ(r->inferred.kinds[PAGEMIG_KIND_FREE], r->before.free);
	EXPECT_TRUE(r->migrated > 0);
	EXPECT_TRUE(r->after.free_in_2m >= r->before.free_in_2m);
	EXPECT_EQ(0, r->corrupted);
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();

	/* The same inference, stage by stage. */
	ASSERT_EQ(0, pagemig_snapshot_load(&s, o.flags_path, o.count_path,
					   err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(inf.kinds, r->inferred.kinds, sizeof(inf.kinds)));
	EXPECT_EQ(0, memcmp(inf.amb, r->inferred.amb, sizeof(inf.amb)));
	EXPECT_EQ(inf.thps, r->inferred.thps);
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);

	/* Without --compact: no COMPACT stage, no after. */
	l.nr = 0;
	o.compact = false;
	ASSERT_EQ(0, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_NR_STAGES - 1, l.nr);
	EXPECT_EQ(0, r->after.nr_pages);
	EXPECT_EQ(0, r->migrated);
	pagemig_machine_exit();
	free(r);
}

/* Each way the pipeline fails says where and why, and leaves no machine. */
TEST(pipeline_failures)
{
	uint64_t w[512] = { 0 };
	struct pagemig_snapshot s = { .flags = w, .nr = 512 };
	struct pagemig_import_opts o = { .seed = 1, .stage = log_stage };
	struct stage_log l = { .stop_at = PAGEMIG_STAGE_ANALYSE };
	struct pagemig_import_report *r = calloc(1, sizeof(*r));

	ASSERT_TRUE(r != NULL);
	o.arg = &l;
	pagemig_set_log(mm_log_stream());
	/* No snapshot at all. */
	EXPECT_EQ(-EINVAL, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_STAGE_READ, r->stage);
	/* A file that is not there, named in the message. */
	o.flags_path = "/nonexistent/kpf";
	EXPECT_EQ(-ENOENT, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_STAGE_READ, r->stage);
	EXPECT_TRUE(strstr(r->err, "/nonexistent/kpf") != NULL);
	/* A snapshot in memory with a bit no kernel sets. */
	o.flags_path = NULL;
	o.snapshot = &s;
	w[3] = 1ULL << 30;
	EXPECT_EQ(-EINVAL, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_STAGE_READ, r->stage);
	EXPECT_TRUE(strstr(r->err, "bit 30") != NULL);
	w[3] = 0;
	/* Memory smaller than the snapshot, or not a 2 MiB multiple. */
	o.memory = 1 << 20;
	EXPECT_EQ(-EINVAL, pagemig_import(&o, r));
	EXPECT_TRUE(strstr(r->err, "impossible memory size") != NULL);
	o.memory = 3 << 20;
	EXPECT_EQ(-EINVAL, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_STAGE_READ, r->stage);
	/* A callback that says stop: its value back, the machine gone. */
	o.memory = 0;
	EXPECT_EQ(42, pagemig_import(&o, r));
	EXPECT_EQ(PAGEMIG_STAGE_ANALYSE, r->stage);
	EXPECT_TRUE(l.machine_at[PAGEMIG_STAGE_ANALYSE]);
	EXPECT_FALSE(pagemig_machine_ready());
	free(r);
}

/* A page that compresses about 2:1: random words, then zeroes. */
static void half_random_page(uint64_t *p, uint64_t seed)
{
	unsigned int i;

	memset(p, 0, PAGEMIG_PAGE_SIZE);
	for (i = 0; i < PAGEMIG_PAGE_SIZE / 16; i++)
		p[i] = pagemig_splitmix64(&seed);
}

/*
 * A machine with a process (anon pages, THPs, a mapped file), a zram
 * device and a virtio balloon, fragmented: most anon pages dropped
 * again, every other zram sector discarded, the balloon filling holes,
 * a few kernel pages scattered in between.
 */
static void build_process_machine(struct __test_metadata *_metadata)
{
	uint64_t sz = 64ULL << 20, len = 40ULL << 20, buf = 0;
	uint64_t page[PAGEMIG_PAGE_SIZE / 8];
	unsigned long anon, thp, map, pfn, off, sector = 0;
	int pid, fid, bd, zid;

	mm_machine_up(sz, sz, 0, 2);
	pid = pagemig_process_create();
	ASSERT_TRUE(pid >= 0);
	ASSERT_EQ(0, pagemig_mmap_anon(pid, len, PAGEMIG_MAP_WRITE, &anon));
	ASSERT_EQ(0, pagemig_mmap_anon(pid, 8 * SZ_2M, PAGEMIG_MAP_WRITE |
				       PAGEMIG_MAP_THP, &thp));
	fid = pagemig_file_create("data", 4 * SZ_1M, test_seed(), NULL);
	ASSERT_TRUE(fid >= 0);
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 4 * SZ_1M, 0, 0, &map));
	zid = pagemig_zram_create(NULL, 4 * SZ_1M, 0);
	ASSERT_TRUE(zid >= 0);
	for (off = 0; off < len; off += PAGEMIG_PAGE_SIZE) {
		ASSERT_EQ(0, pagemig_access(pid, anon + off, &off, sizeof(off), true));
		/* Kernel pages in between, one every 256 user pages. */
		if (off % (256 * PAGEMIG_PAGE_SIZE) == 0)
			ASSERT_EQ(0, pagemig_alloc_pages(0, 0, &pfn));
		/* zsmalloc pages too, as zram grows now and then. */
		if (off % (16 * PAGEMIG_PAGE_SIZE) == 0) {
			half_random_page(page, sector);
			ASSERT_EQ(0, pagemig_zram_write(zid, sector++, page));
		}
	}
	for (off = 0; off < sector; off += 2)
		ASSERT_EQ(0, pagemig_zram_discard(zid, off, 1));
	for (off = 0; off < 8 * SZ_2M; off += SZ_2M)
		ASSERT_EQ(0, pagemig_access(pid, thp + off, &off, sizeof(off), true));
	for (off = 0; off < 4 * SZ_1M; off += 2 * PAGEMIG_PAGE_SIZE)
		ASSERT_EQ(0, pagemig_access(pid, map + off, &buf, sizeof(buf), false));
	/* Three of every four anon pages go: holes in every pageblock. */
	for (off = 0; off < len; off += 4 * PAGEMIG_PAGE_SIZE)
		ASSERT_EQ(0, pagemig_madvise_dontneed(pid, anon + off,
						      3 * PAGEMIG_PAGE_SIZE));
	bd = pagemig_balloon_lookup("virtio");
	ASSERT_TRUE(bd >= 0);
	ASSERT_EQ(0, pagemig_balloon_set_target(bd, 512, 10000));
}

/*
 * The movable_ops cases (balloon and zsmalloc pages built, compacted and
 * read back) run once per movable_ops core: the machine exported and the
 * machine imported both get the variant's.
 */
MM_FIXTURE_MOPS_CORE(imp_mops)

TEST_F(imp_mops, process_and_balloon_export_import_compact)
{
	char kpf[] = "/tmp/pagemig-kpf-XXXXXX", kpc[] = "/tmp/pagemig-kpc-XXXXXX";
	unsigned long kinds_out[PAGEMIG_NR_KINDS] = { 0 }, n, pfn, before;
	unsigned long zspages = 0, checked = 0, moved;
	struct pagemig_import_result r;
	struct pagemig_analysis a, b;
	struct pagemig_snapshot s = { 0 };
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	uint8_t *kinds, *after;
	int k, fd;

	pagemig_set_log(mm_log_stream());
	build_process_machine(_metadata);
	fd = mkstemp(kpf);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	fd = mkstemp(kpc);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	ASSERT_EQ(0, pagemig_kpageflags_export(kpf, kpc));
	n = pagemig_total_pages();
	kinds = malloc(n);
	after = malloc(n);
	ASSERT_TRUE(kinds != NULL && after != NULL);
	ASSERT_EQ(0, pagemig_page_kinds(0, n, kinds));
	for (pfn = 0; pfn < n; pfn++)
		kinds_out[kinds[pfn]]++;
	pagemig_machine_exit();

	ASSERT_EQ(0, kpf_load_file(kpf, &s.flags, &s.nr, err, sizeof(err)));
	ASSERT_EQ(0, kpf_load_file(kpc, &s.counts, &n, err, sizeof(err)));
	unlink(kpf);
	unlink(kpc);
	ASSERT_EQ(0, kpf_check(&s, err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(), mm_movable_ops,
			       err, sizeof(err)));
	EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED,
		  movable_ops_decoupled);
	EXPECT_EQ(0, pagemig_validate(stderr));

	/* Round trip: the same page counts by kind, read from live pages. */
	ASSERT_EQ(0, pagemig_page_kinds(0, n, kinds));
	{
		unsigned long kinds_in[PAGEMIG_NR_KINDS] = { 0 };

		for (pfn = 0; pfn < n; pfn++)
			kinds_in[kinds[pfn]]++;
		for (k = 0; k < PAGEMIG_NR_KINDS; k++) {
			EXPECT_EQ(kinds_out[k], inf.kinds[k]);
			EXPECT_EQ(kinds_out[k], kinds_in[k]);
		}
	}
	EXPECT_TRUE(kinds_out[PAGEMIG_KIND_ANON] > 1000);
	EXPECT_TRUE(kinds_out[PAGEMIG_KIND_FILE] > 100);
	EXPECT_TRUE(kinds_out[PAGEMIG_KIND_BALLOON] == 512);
	EXPECT_TRUE(kinds_out[PAGEMIG_KIND_ZSMALLOC] > 50);

	/* Anon and file pages became real folios, none a stand-in. */
	ASSERT_EQ(0, pagemig_import_result(&r));
	EXPECT_TRUE(r.pid >= 0);
	EXPECT_TRUE(r.fid >= 0);
	EXPECT_EQ(kinds_out[PAGEMIG_KIND_ANON], r.anon_pages);
	EXPECT_EQ(kinds_out[PAGEMIG_KIND_FILE], r.file_pages);
	EXPECT_EQ(8, r.anon_thps);
	EXPECT_EQ(0, r.stand_in_pages);
	EXPECT_EQ(0, r.tables_allocated);
	/* zsmalloc pages are a zram device's pool, one sector each. */
	EXPECT_TRUE(r.zram_id >= 0);
	EXPECT_EQ(kinds_out[PAGEMIG_KIND_ZSMALLOC], r.zram_pages);
	EXPECT_EQ(0, r.zram_stand_ins);
	pagemig_vmstat_get("nr_zspages", &zspages);
	EXPECT_EQ(r.zram_pages, zspages);
	EXPECT_EQ(0, pagemig_import_verify(&checked));
	EXPECT_EQ(r.zram_pages, checked);

	ASSERT_EQ(0, pagemig_analyse(&b));
	pagemig_vmstat_get("pgmigrate_success", &before);
	EXPECT_EQ(0, pagemig_compact(-1));
	pagemig_vmstat_get("pgmigrate_success", &n);
	EXPECT_TRUE(n > before);
	/* Some zsmalloc pages moved, and every sector reads back intact. */
	ASSERT_EQ(0, pagemig_page_kinds(0, pagemig_total_pages(), after));
	for (pfn = 0, moved = 0; pfn < pagemig_total_pages(); pfn++)
		moved += kinds[pfn] == PAGEMIG_KIND_ZSMALLOC &&
			 after[pfn] != PAGEMIG_KIND_ZSMALLOC;
	EXPECT_TRUE(moved > 0);
	EXPECT_EQ(0, pagemig_import_verify(&checked));
	EXPECT_EQ(r.zram_pages, checked);
	ASSERT_EQ(0, pagemig_analyse(&a));
	TH_LOG("anon %lu pages (%lu THPs), file %lu (%lu mapped), zsmalloc %lu (%lu moved), tables %lu+%lu; migrated %lu; free in 2 MiB blocks %lu/%lu -> %lu/%lu",
	       r.anon_pages, r.anon_thps, r.file_pages, r.file_mapped_pages,
	       r.zram_pages, moved, r.tables_reused, r.tables_allocated,
	       n - before, b.free_in_2m,
	       b.free, a.free_in_2m, a.free);
	EXPECT_TRUE(a.free_in_2m * b.free > b.free_in_2m * a.free);
	EXPECT_EQ(0, pagemig_validate(stderr));
	/* Kinds are still what they were: migration moves, never changes. */
	for (k = 0; k < PAGEMIG_NR_KINDS; k++)
		if (k != PAGEMIG_KIND_FREE)
			EXPECT_EQ(b.kinds[k], a.kinds[k]);
	pagemig_machine_exit();
	free(kinds);
	free(after);
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
}

/* build_process_machine(), exported, torn down, read back and inferred. */
static void process_machine_inferred(struct __test_metadata *_metadata,
				     struct pagemig_snapshot *s,
				     struct pagemig_inference *inf)
{
	char kpf[] = "/tmp/pagemig-kpf-XXXXXX";
	char err[PAGEMIG_ERR_LEN] = "";
	int fd;

	build_process_machine(_metadata);
	fd = mkstemp(kpf);
	ASSERT_TRUE(fd >= 0);
	close(fd);
	ASSERT_EQ(0, pagemig_kpageflags_export(kpf, NULL));
	pagemig_machine_exit();
	ASSERT_EQ(0, kpf_load_file(kpf, &s->flags, &s->nr, err, sizeof(err)));
	unlink(kpf);
	ASSERT_EQ(0, kpf_infer(s, s->nr, inf, err, sizeof(err)));
}

/*
 * zsmalloc pages that cannot join the zram pool -- a handle allocation
 * fails for some, or the device itself cannot be made -- keep their
 * kind as typed stand-ins, never move, and lose nothing; the rest of
 * the pool still reads back intact after a compaction.
 */
TEST_F(imp_mops, zsmalloc_pages_without_a_pool_stay_put)
{
	struct pagemig_import_result r;
	struct pagemig_snapshot s = { 0 };
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	unsigned long n, pfn, checked, zs, moved;
	uint8_t *before, *after;
	int round;

	pagemig_set_log(mm_log_stream());
	process_machine_inferred(_metadata, &s, &inf);
	n = inf.machine_pages;
	zs = inf.kinds[PAGEMIG_KIND_ZSMALLOC];
	ASSERT_TRUE(zs > 50);
	before = malloc(n);
	after = malloc(n);
	ASSERT_TRUE(before && after);
	for (round = 0; round < 2; round++) {
		/* Round 0: five handles fail.  Round 1: no pool at all. */
		ASSERT_EQ(0, round ? pagemig_fault_arm("kmalloc", 1, 1) :
			      pagemig_fault_arm("zs_handle_alloc", 1, 5));
		ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(),
				       mm_movable_ops, err, sizeof(err)));
		pagemig_fault_disarm_all();
		EXPECT_EQ(variant->core == PAGEMIG_MOVABLE_OPS_DECOUPLED,
			  movable_ops_decoupled);
		ASSERT_EQ(0, pagemig_import_result(&r));
		if (round) {
			EXPECT_EQ(-1, r.zram_id);
			EXPECT_EQ(0, r.zram_pages);
			EXPECT_EQ(zs, r.zram_stand_ins);
		} else {
			EXPECT_TRUE(r.zram_id >= 0);
			EXPECT_EQ(zs - 5, r.zram_pages);
			EXPECT_EQ(5, r.zram_stand_ins);
		}
		EXPECT_EQ(0, pagemig_validate(stderr));
		ASSERT_EQ(0, pagemig_page_kinds(0, n, before));
		EXPECT_EQ(0, pagemig_compact(-1));
		EXPECT_EQ(0, pagemig_validate(stderr));
		ASSERT_EQ(0, pagemig_page_kinds(0, n, after));
		for (pfn = 0, moved = 0; pfn < n; pfn++)
			moved += before[pfn] == PAGEMIG_KIND_ZSMALLOC &&
				 after[pfn] != PAGEMIG_KIND_ZSMALLOC;
		/* Only pool pages can move; stand-ins stay where they were. */
		EXPECT_TRUE(moved <= r.zram_pages);
		if (round)
			EXPECT_EQ(0, moved);
		for (pfn = 0, checked = 0; pfn < n; pfn++)
			checked += after[pfn] == PAGEMIG_KIND_ZSMALLOC;
		EXPECT_EQ(zs, checked);
		EXPECT_EQ(0, pagemig_import_verify(&checked));
		EXPECT_EQ(r.zram_pages, checked);
		pagemig_machine_exit();
	}
	free(before);
	free(after);
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
}

/*
 * Page-cache folios keep their order, and KPF_PRIVATE (buffer heads)
 * becomes fs-private data on the folio: kpageflags of the machine built
 * reads it back, it is counted, and it moves with the folio when a full
 * compaction migrates it.
 */
TEST(file_folios_keep_order_and_private_data)
{
	const uint64_t file = B(LRU) | B(UPTODATE);
	struct pagemig_snapshot s = { 0 };
	struct pagemig_import_result r;
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	unsigned long pfn, heads;
	uint64_t *flags;
	int round;

	s.nr = 8192;
	s.flags = calloc(s.nr, sizeof(*s.flags));
	flags = calloc(s.nr, sizeof(*flags));
	ASSERT_TRUE(s.flags && flags);
	for (pfn = 0; pfn < s.nr; pfn++)
		s.flags[pfn] = B(BUDDY);
	/* Order 2, dirty buffers; order 1, clean buffers; order 0 bare. */
	s.flags[4096] = file | B(COMPOUND_HEAD) | B(THP) | B(PRIVATE) | B(DIRTY);
	for (pfn = 4097; pfn < 4100; pfn++)
		s.flags[pfn] = file | B(COMPOUND_TAIL) | B(THP) | B(PRIVATE) | B(DIRTY);
	s.flags[4100] = file | B(COMPOUND_HEAD) | B(THP) | B(PRIVATE);
	s.flags[4101] = file | B(COMPOUND_TAIL) | B(THP) | B(PRIVATE);
	s.flags[4102] = file;
	s.flags[4103] = B(SLAB);	/* the folios' block is not free */
	/*
	 * A page-cache page at the start of every block above: the free
	 * scanner passes over a block that starts with a free block of
	 * pageblock order or more (suitable_migration_target()), and over
	 * blocks that are not movable, so free memory must be in smaller
	 * blocks of movable pageblocks for the folios to find targets.
	 */
	for (pfn = 4608; pfn < s.nr; pfn += 512)
		s.flags[pfn] = file;
	ASSERT_EQ(0, kpf_check(&s, err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(), mm_movable_ops,
			       err, sizeof(err)));
	ASSERT_EQ(0, pagemig_import_result(&r));
	EXPECT_EQ(3 + 7, r.file_folios);
	EXPECT_EQ(2, r.file_large_folios);
	EXPECT_EQ(2, r.file_private_folios);
	EXPECT_EQ(7 + 7, r.file_pages);
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, pagemig_kpageflags_read(0, s.nr, flags, NULL));
		for (pfn = 0, heads = 0; pfn < s.nr; pfn++) {
			if (!(flags[pfn] & B(PRIVATE)))
				continue;
			EXPECT_TRUE(flags[pfn] & B(LRU));
			heads += !!(flags[pfn] & B(COMPOUND_HEAD));
			if (flags[pfn] & B(DIRTY))
				EXPECT_TRUE(flags[pfn] & (B(COMPOUND_HEAD) | B(COMPOUND_TAIL)));
		}
		/* Round 0 as built, round 1 after a full compaction. */
		EXPECT_EQ(2, heads);
		if (round) {
			/* Both moved: free memory above them held blocks of their order. */
			EXPECT_FALSE(flags[4096] & B(PRIVATE));
			EXPECT_FALSE(flags[4100] & B(PRIVATE));
		} else {
			EXPECT_EQ(flags[4096], s.flags[4096] & flags[4096]);
			EXPECT_FALSE(flags[4102] & B(PRIVATE));
			EXPECT_EQ(0, pagemig_compact(-1));
			EXPECT_EQ(0, pagemig_validate(stderr));
		}
	}
	pagemig_machine_exit();
	free(flags);
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
}

/*
 * Rule "held buffers": buffer folios (LRU|PRIVATE without UPTODATE) that
 * are unmapped and still IDLE become folios whose buffers the file
 * system holds; a full compaction fails them every time and leaves them
 * where they are, while the same look without IDLE, with UPTODATE or
 * mapped migrates.
 */
TEST(held_buffers_stay_put)
{
	const uint64_t bdev = B(LRU) | B(PRIVATE);
	struct pagemig_snapshot s = { 0 };
	struct pagemig_import_result r;
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "", path[] = "/tmp/pagemig-held-XXXXXX";
	unsigned long pfn, fail0;
	uint64_t *flags;
	char *text;
	int fd;

	s.nr = 8192;
	s.flags = calloc(s.nr, sizeof(*s.flags));
	s.counts = calloc(s.nr, sizeof(*s.counts));
	flags = calloc(s.nr, sizeof(*flags));
	ASSERT_TRUE(s.flags && s.counts && flags);
	for (pfn = 0; pfn < s.nr; pfn++)
		s.flags[pfn] = B(BUDDY);
	s.flags[4096] = bdev | B(IDLE);			/* held */
	s.flags[4097] = bdev | B(IDLE) | B(DIRTY);	/* held, dirty */
	s.flags[4098] = bdev;				/* looked up since */
	s.flags[4099] = bdev | B(IDLE) | B(UPTODATE);	/* read whole */
	s.flags[4100] = bdev | B(IDLE) | B(MMAP);	/* mapped */
	s.counts[4100] = 1;
	s.flags[4101] = B(SLAB);
	/* Free targets: small free blocks in Movable blocks above. */
	for (pfn = 4608; pfn < s.nr; pfn += 512)
		s.flags[pfn] = B(LRU) | B(UPTODATE);
	ASSERT_EQ(0, kpf_check(&s, err, sizeof(err)));
	ASSERT_EQ(0, kpf_infer(&s, s.nr, &inf, err, sizeof(err)));
	EXPECT_EQ(2, inf.amb[PAGEMIG_AMB_HELD_BUFFERS]);
	EXPECT_EQ(4096, inf.amb_pfn[PAGEMIG_AMB_HELD_BUFFERS]);
	EXPECT_TRUE(inf.plan[4097].flags & PAGEMIG_IMPORT_HELD);
	EXPECT_FALSE(inf.plan[4098].flags & PAGEMIG_IMPORT_HELD);
	pagemig_set_log(mm_log_stream());
	ASSERT_EQ(0, kpf_build(&inf, NULL, 0, test_seed(), mm_movable_ops,
			       err, sizeof(err)));
	ASSERT_EQ(0, pagemig_import_result(&r));
	EXPECT_EQ(5, r.file_private_folios);
	EXPECT_EQ(2, r.file_held_folios);
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, pagemig_explain_open(path));
	fail0 = pagemig_vmstat("pgmigrate_fail");
	EXPECT_EQ(0, pagemig_compact(-1));
	EXPECT_EQ(fail0 + 2, pagemig_vmstat("pgmigrate_fail"));
	ASSERT_EQ(0, pagemig_explain_close());
	/* Each says why: the buffers, on every try. */
	text = test_read_file(path);
	unlink(path);
	ASSERT_NOT_NULL(text);
	EXPECT_NOT_NULL(strstr(text, "failed  pfn 0x1000 file: -EAGAIN, buffers held"));
	EXPECT_NOT_NULL(strstr(text, "failed  pfn 0x1001 file: -EAGAIN, buffers held"));
	EXPECT_NULL(strstr(text, "failed  pfn 0x1002"));
	free(text);
	ASSERT_EQ(0, pagemig_kpageflags_read(0, s.nr, flags, NULL));
	EXPECT_TRUE(flags[4096] & B(PRIVATE));
	EXPECT_TRUE(flags[4097] & B(PRIVATE));
	EXPECT_FALSE(flags[4098] & B(PRIVATE));
	EXPECT_FALSE(flags[4099] & B(PRIVATE));
	EXPECT_FALSE(flags[4100] & B(PRIVATE));
	EXPECT_EQ(0, pagemig_validate(stderr));
	pagemig_machine_exit();
	free(flags);
	kpf_inference_free(&inf);
	pagemig_snapshot_free(&s);
}

/* Load @size bytes and check them: 0 or -EINVAL with @want in the message. */
static int try_bytes(const void *buf, size_t size, char *err, size_t errlen)
{
	struct pagemig_snapshot s = { 0 };
	int ret;

	ret = kpf_load_buffer(buf, size, "input", &s.flags, &s.nr, err, errlen);
	if (!ret)
		ret = kpf_check(&s, err, errlen);
	pagemig_snapshot_free(&s);
	return ret;
}

TEST(bad_input_is_refused_with_one_message)
{
	uint64_t w[4096];
	char err[PAGEMIG_ERR_LEN];
	struct pagemig_rng rng;
	unsigned int i;

	pagemig_rng_seed(&rng, test_seed());
	memset(w, 0, sizeof(w));

	EXPECT_EQ(-EINVAL, try_bytes(w, 0, err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "empty") != NULL);
	EXPECT_EQ(-EINVAL, try_bytes(w, 13, err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "not a multiple of 8") != NULL);

	for (i = 0; i < 4096; i++)
		w[i] = pagemig_rng_next(&rng);
	EXPECT_EQ(-EINVAL, try_bytes(w, sizeof(w), err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "not a kpageflags snapshot") != NULL);
	EXPECT_TRUE(strstr(err, "which no kernel up to 6.17 reports") != NULL);

	memset(w, 0, sizeof(w));
	w[7] = B(NOPAGE) | B(LRU);
	EXPECT_EQ(-EINVAL, try_bytes(w, sizeof(w), err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "NOPAGE") != NULL);

	/* A few contradictions are a racy read; many are not a snapshot. */
	memset(w, 0, sizeof(w));
	for (i = 0; i < 16; i++)
		w[i * 7] = B(BUDDY) | B(LRU);
	EXPECT_EQ(0, try_bytes(w, sizeof(w), err, sizeof(err)));
	w[500] = B(COMPOUND_HEAD) | B(COMPOUND_TAIL);
	EXPECT_EQ(-EINVAL, try_bytes(w, sizeof(w), err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "contradicting flags") != NULL);

	/* gzip and zstd magic with garbage after it. */
	EXPECT_EQ(-EINVAL, try_bytes("\x1f\x8b\x08\x00garbage!", 12, err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "gzip") != NULL);
	EXPECT_EQ(-EINVAL, try_bytes("\x28\xb5\x2f\xfdgarbage!", 12, err, sizeof(err)));
	EXPECT_TRUE(strstr(err, "zstd") != NULL);
}

/*
 * Compressed snapshots: a zstd frame or gzip member cut short is refused
 * as such (not read as half a machine), and a gzip file of two members
 * (cat a.gz b.gz) reads as both, as gzip -d reads it.
 */
TEST(compressed_input_whole_or_refused)
{
	static uint64_t w[4096], *got;
	static unsigned char z[sizeof(w) + 1024];
	char err[PAGEMIG_ERR_LEN] = "";
	size_t zn, half;
	unsigned long nr;
	uLongf gn;
	z_stream zs;
	unsigned int i;

	for (i = 0; i < 4096; i++)
		w[i] = i % 3 ? B(BUDDY) : B(LRU) | B(ANON) | B(MMAP);
	zn = ZSTD_compress(z, sizeof(z), w, sizeof(w), 3);
	ASSERT_FALSE(ZSTD_isError(zn));
	ASSERT_EQ(0, kpf_load_buffer(z, zn, "w.zst", &got, &nr, err, sizeof(err)));
	EXPECT_EQ(4096, nr);
	EXPECT_EQ(0, memcmp(got, w, sizeof(w)));
	free(got);
	EXPECT_EQ(-EINVAL, kpf_load_buffer(z, zn - 7, "w.zst", &got, &nr, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "w.zst: a zstd file cut short"));

	/* Two gzip members, then the second one cut short. */
	half = sizeof(w) / 2;
	zn = 0;
	for (i = 0; i < 2; i++) {
		memset(&zs, 0, sizeof(zs));
		ASSERT_EQ(Z_OK, deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
					     Z_DEFAULT_STRATEGY));
		zs.next_in = (Bytef *)w + i * half;
		zs.avail_in = (uInt)half;
		zs.next_out = z + zn;
		zs.avail_out = (uInt)(sizeof(z) - zn);
		ASSERT_EQ(Z_STREAM_END, deflate(&zs, Z_FINISH));
		zn += zs.total_out;
		deflateEnd(&zs);
	}
	gn = zn;
	ASSERT_EQ(0, kpf_load_buffer(z, gn, "w.gz", &got, &nr, err, sizeof(err)));
	EXPECT_EQ(4096, nr);
	EXPECT_EQ(0, memcmp(got, w, sizeof(w)));
	free(got);
	EXPECT_EQ(-EINVAL, kpf_load_buffer(z, gn - 5, "w.gz", &got, &nr, err, sizeof(err)));
	EXPECT_NOT_NULL(strstr(err, "w.gz: a gzip file cut short"));
}

TEST(impossible_memory_size)
{
	struct pagemig_inference inf;
	char err[PAGEMIG_ERR_LEN] = "";
	uint64_t w[512] = { 0 };
	struct pagemig_snapshot s = { .flags = w, .nr = 512 };

	/* Smaller than the snapshot, or not 2 MiB: refused by kpf_infer. */
	EXPECT_EQ(-EINVAL, kpf_infer(&s, 256, &inf, err, sizeof(err)));
	EXPECT_EQ(-EINVAL, kpf_infer(&s, 700, &inf, err, sizeof(err)));
	/* 4 PiB: its mem_map alone cannot exist on this host. */
	inf.machine_pages = 1UL << 40;
	inf.plan = NULL;
	EXPECT_EQ(-EINVAL, kpf_build(&inf, NULL, 0, 1, mm_movable_ops, err,
				     sizeof(err)));
	EXPECT_TRUE(strstr(err, "memory:") != NULL);
	EXPECT_FALSE(pagemig_machine_ready());
}

/*
 * An import costs KPF_HOST_BYTES_PER_PFN bytes of host memory a PFN and
 * may take half the host: a larger snapshot file is refused by its size
 * before a byte is read (a sparse file here), and a larger --memory
 * before anything is built, as an impossible size.
 */
TEST(imports_bounded_by_the_host)
{
	char path[] = "/tmp/pagemig-huge-XXXXXX", err[PAGEMIG_ERR_LEN] = "";
	struct pagemig_import_report r;
	struct pagemig_import_opts o;
	unsigned long max = kpf_max_pfns(), nr;
	uint64_t *w = NULL;
	int fd;

	EXPECT_GT(max, 1UL << 20);
	EXPECT_LE(max, host_ram_bytes() / 2 / KPF_HOST_BYTES_PER_PFN);
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, (off_t)(max + 1) * 8));
	close(fd);
	EXPECT_EQ(-EINVAL, kpf_load_file(path, &w, &nr, err, sizeof(err)));
	EXPECT_NULL(w);
	EXPECT_NOT_NULL(strstr(err, "PFNs ("));
	EXPECT_NOT_NULL(strstr(err, "may take half its"));
	unlink(path);

	memset(&o, 0, sizeof(o));
	o.flags_path = test_data_path("kpageflags-host.zst");
	o.memory = (uint64_t)(max + 512) * PAGEMIG_PAGE_SIZE & ~(uint64_t)(SZ_2M - 1);
	EXPECT_EQ(-EINVAL, pagemig_import(&o, &r));
	EXPECT_NOT_NULL(strstr(r.err, "impossible memory size"));
	EXPECT_FALSE(pagemig_machine_ready());
}

/* Seeded random snapshots of known bits only: never a bad plan. */
TEST(inference_keeps_plan_invariants_on_random_snapshots)
{
	static const uint64_t menu[] = {
		0, B(BUDDY), B(BUDDY), B(BUDDY), B(LRU) | B(ANON),
		B(COMPOUND_HEAD) | B(THP) | B(LRU), B(COMPOUND_TAIL) | B(THP) | B(LRU),
		B(COMPOUND_TAIL), B(SLAB), B(PGTABLE), B(OFFLINE) | B(UPTODATE),
		B(NOPAGE), B(UPTODATE), B(RESERVED), B(HUGE) | B(COMPOUND_HEAD),
		B(COMPOUND_HEAD) | B(SLAB), B(OFFLINE) | B(COMPOUND_HEAD),
	};
	struct pagemig_rng rng;
	char err[PAGEMIG_ERR_LEN] = "";
	unsigned int round;

	pagemig_rng_seed(&rng, test_seed());
	for (round = 0; round < 200; round++) {
		unsigned long nr = 1 + pagemig_rng_next(&rng) % 5000, i;
		struct pagemig_snapshot s = { .nr = nr };
		struct pagemig_inference inf;

		s.flags = malloc(nr * sizeof(*s.flags));
		ASSERT_TRUE(s.flags != NULL);
		for (i = 0; i < nr; i++) {
			uint64_t r = pagemig_rng_next(&rng);

			/* Runs, so that blocks and compounds form. */
			s.flags[i] = i && r % 4 ? s.flags[i - 1] :
				     menu[r % (sizeof(menu) / sizeof(menu[0]))];
		}
		ASSERT_EQ(0, kpf_infer(&s, (nr + 511) & ~511UL, &inf, err,
				       sizeof(err)));
		if (kpf_check_plan(&inf, err, sizeof(err))) {
			FAIL("round %u, %lu PFNs: %s", round, nr, err);
		}
		kpf_inference_free(&inf);
		free(s.flags);
	}
}

TEST(page_types_table_format)
{
	uint64_t w[8] = {
		B(BUDDY), B(BUDDY), B(BUDDY), B(OFFLINE) | B(UPTODATE),
		B(COMPOUND_HEAD) | B(LRU), B(COMPOUND_TAIL) | B(LRU), 0,
		B(RESERVED),
	};
	struct kpf_page_types_opts o = { 0 };
	char *text = NULL;
	size_t size;
	FILE *f;

	f = open_memstream(&text, &size);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(0, kpf_page_types(f, w, 8, &o));
	fclose(f);
	/*
	 * Rows in the tool's hash order: slot 0 for flags 0, then by
	 * flags & 8191 (0x800008 -> 8, 0x20 -> 32, 0x400 -> 1024).
	 */
	EXPECT_STREQ(
"             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n"
"0x0000000000000000\t         2        0  ____________________________________________\t\n"
"0x0000000000800008\t         1        0  ___U___________________o____________________\tuptodate,offline\n"
"0x0000000000000020\t         2        0  _____l______________________________________\tlru\n"
"0x0000000000000400\t         3        0  __________B_________________________________\tbuddy\n"
"             total\t         8        0\n", text);
	free(text);

	o.raw = true;
	o.list = true;
	f = open_memstream(&text, &size);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(0, kpf_page_types(f, w, 8, &o));
	fclose(f);
	EXPECT_TRUE(strncmp(text, "offset\tlen\tflags\n0\t3\t__________B", 31) == 0);
	EXPECT_TRUE(strstr(text, "\n7\t1\t") != NULL);	/* the reserved page */
	EXPECT_TRUE(strstr(text, "r:reserved") == NULL);
	EXPECT_TRUE(strstr(text, ",reserved\n") || strstr(text, "\treserved\n"));
	free(text);
}
