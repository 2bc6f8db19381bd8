// SPDX-License-Identifier: GPL-2.0
/*
 * Folio migration races, for SAN=thread YIELD=1 builds, two threads each:
 *
 *  - a CPU reading and writing tagged anonymous and shared file pages
 *    (each write bumps the page's generation, each read checks the last
 *    one: no corruption, no lost write) while the other CPU runs full
 *    compactions and migrates random pages of the process between zones;
 *  - migration racing munmap and process exit: the folios of a process
 *    are isolated, then one CPU migrates them while the other unmaps
 *    them or ends the process (the anon_vma reference keeps rmap safe;
 *    nothing leaks, nothing crashes);
 *  - lock-free page-cache lookups racing migration of the file's folios:
 *    every lookup returns a folio at the right index with the file's
 *    bytes, never a freed one;
 *  - first faults on a shared file racing migration of its folios: one
 *    process drops its mapping of a page and reads it again (a fault
 *    through the page cache) while the page migrates, then the other
 *    process writes it: the first must see that write, so it mapped the
 *    folio the page cache has, not one migration was moving away.
 *
 * Seeded.  Duration: STRESS_SECONDS per test (default 3, 20 with -l).
 */
#include <pthread.h>
#include <stdlib.h>

#include <pagemig/pagemig.h>
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

static unsigned long long budget_ns(void)
{
	return (unsigned long long)(stress_seconds(3) * 1e9);
}

/*
 * Go on until @end, and for at least 8 rounds: under the deterministic
 * scheduler a thread with a high PCT priority can spend the whole budget
 * of simulated time before the main thread's first round.
 */
static bool more_rounds(unsigned long *round, unsigned long long end)
{
	return (*round)++ < 8 || ktime_get_ns() < end;
}

/*
 * liburcu is not built with TSan: its call_rcu and resize workers free
 * what our threads wrote, synchronised by futexes TSan cannot see, and
 * page-cache nodes are freed after a grace period TSan does not know
 * (pagecache_node_free() against lookups that finished before it).
 */
MM_FIXTURE(fr, 32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2)

/* ---- accessors against compaction and migration ---- */

#define NA	256
#define NF	64

struct acc {
	int pid, stop, bad;
	unsigned long anon, file;
	uint64_t seed;
	unsigned long reads, writes;
	uint32_t gen[NA + NF];
};

static unsigned long acc_addr(struct acc *a, unsigned int i)
{
	return i < NA ? a->anon + i * PAGE_SIZE : a->file + (i - NA) * PAGE_SIZE;
}

static uint64_t acc_tag(unsigned int i, uint32_t gen)
{
	return (uint64_t)i << 32 | gen;
}

static void *accessor(void *arg)
{
	struct acc *a = arg;
	struct pagemig_rng rng;
	uint64_t buf[PAGE_SIZE / 8];

	set_cpu_id(1);
	pagemig_rng_seed(&rng, a->seed);
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		unsigned int i = (unsigned int)pagemig_rng_below(&rng, NA + NF);
		unsigned long addr = acc_addr(a, i);

		if (pagemig_access(a->pid, addr, buf, PAGE_SIZE, false) ||
		    !pm_tag_ok(buf, acc_tag(i, a->gen[i]))) {
			a->bad++;
			break;
		}
		a->reads++;
		if (pagemig_rng_below(&rng, 2)) {
			a->gen[i]++;
			pm_tag_fill(buf, acc_tag(i, a->gen[i]));
			if (pagemig_access(a->pid, addr, buf, PAGE_SIZE, true)) {
				a->bad++;
				break;
			}
			a->writes++;
		}
	}
	return NULL;
}

TEST_F(fr, accessors_vs_compaction_and_migration)
{
	static struct acc a;
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long s0 = pagemig_vmstat("pgmigrate_success"), moved = 0, compactions = 0;
	unsigned long round = 0;
	unsigned int i;
	pthread_t th;
	int fid;

	memset(&a, 0, sizeof(a));
	a.seed = test_seed();
	a.pid = pagemig_process_create();
	ASSERT_LE(0, a.pid);
	fid = pagemig_file_create("acc", NF * PAGE_SIZE, 3, NULL);
	ASSERT_LE(0, fid);
	ASSERT_EQ(0, pagemig_mmap_anon(a.pid, 2 * NA * PAGE_SIZE, PAGEMIG_MAP_WRITE, &a.anon));
	ASSERT_EQ(0, pagemig_mmap_file(a.pid, fid, NF * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &a.file));
	for (i = 0; i < NA + NF; i++)
		ASSERT_EQ(0, pm_write_tag(a.pid, acc_addr(&a, i), acc_tag(i, 0)));
	/* Holes, so that compaction has somewhere to go. */
	for (i = 0; i < NA; i++)
		ASSERT_EQ(0, pm_write_tag(a.pid, a.anon + (NA + i) * PAGE_SIZE, 0));
	for (i = 0; i < NA; i += 2)
		ASSERT_EQ(0, pagemig_madvise_dontneed(a.pid, a.anon + (NA + i) * PAGE_SIZE,
						      PAGE_SIZE));

	ASSERT_EQ(0, pagemig_thread_create(&th, "accessor", accessor, &a));
	while (more_rounds(&round, end) && !__atomic_load_n(&a.bad, __ATOMIC_RELAXED)) {
		if (pagemig_rng_below(rng, 8) == 0) {
			ASSERT_EQ(0, pagemig_compact(-1));
			compactions++;
		} else {
			unsigned int j = (unsigned int)pagemig_rng_below(rng, NA + NF);

			moved += pm_migrate_to(a.pid, acc_addr(&a, j),
					     pagemig_rng_below(rng, 2) ? ZONE_NORMAL : ZONE_DMA32);
		}
	}
	__atomic_store_n(&a.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	TH_LOG("%lu reads, %lu writes, %lu compactions, %lu explicit moves, %lu migrated",
	       a.reads, a.writes, compactions, moved, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_EQ(0, a.bad);
	/* Moved under the accessor: by compaction or one at a time. */
	EXPECT_LT(0, pagemig_vmstat("pgmigrate_success") - s0);
	EXPECT_LT(0, a.writes);
	for (i = 0; i < NA + NF; i++)
		if (!pm_check_tag(a.pid, acc_addr(&a, i), acc_tag(i, a.gen[i])))
			FAIL("page %u lost generation %u", i, a.gen[i]);
	EXPECT_EQ(0, pm_nr_isolated());
	ASSERT_EQ(0, pagemig_process_exit(a.pid));
	pm_files_drop();
}

/* ---- migration against munmap and exit ---- */

struct mig {
	struct list_head list;
	unsigned long zone;
	int go;
	unsigned int succ;
	int ret;
};

static void *migrator(void *arg)
{
	struct mig *m = arg;

	set_cpu_id(1);
	while (!__atomic_load_n(&m->go, __ATOMIC_ACQUIRE))
		cond_resched();
	m->ret = migrate_pages(&m->list, pm_alloc_in_zone, NULL, m->zone, MIGRATE_SYNC,
			       MR_COMPACTION, &m->succ);
	if (m->ret)
		putback_movable_pages(&m->list);
	return NULL;
}

TEST_F(fr, migration_vs_munmap_and_exit)
{
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long rounds = 0, migrated = 0;

	while (ktime_get_ns() < end) {
		static struct mig m;
		unsigned long anon, file, i;
		unsigned int how = (unsigned int)pagemig_rng_below(rng, 3);
		pthread_t th;
		int pid = pagemig_process_create(), fid;

		ASSERT_LE(0, pid);
		fid = pagemig_file_create("mx", 16 * PAGE_SIZE, rounds, NULL);
		ASSERT_LE(0, fid);
		ASSERT_EQ(0, pagemig_mmap_anon(pid, 64 * PAGE_SIZE, PAGEMIG_MAP_WRITE, &anon));
		ASSERT_EQ(0, pagemig_mmap_file(pid, fid, 16 * PAGE_SIZE, 0,
					       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &file));
		for (i = 0; i < 64; i++)
			ASSERT_EQ(0, pm_write_tag(pid, anon + i * PAGE_SIZE, i));
		for (i = 0; i < 16; i++)
			ASSERT_EQ(0, pm_write_tag(pid, file + i * PAGE_SIZE, 100 + i));

		memset(&m, 0, sizeof(m));
		INIT_LIST_HEAD(&m.list);
		m.zone = rounds % 2 ? ZONE_NORMAL : ZONE_DMA32;
		for (i = 0; i < 64; i++)
			pm_isolate(pid, anon + i * PAGE_SIZE, &m.list);
		for (i = 0; i < 16; i++)
			pm_isolate(pid, file + i * PAGE_SIZE, &m.list);
		ASSERT_EQ(0, pagemig_thread_create(&th, "migrator", migrator, &m));
		__atomic_store_n(&m.go, 1, __ATOMIC_RELEASE);
		debug_yield();
		switch (how) {
		case 0:
			ASSERT_EQ(0, pagemig_process_exit(pid));
			break;
		case 1:
			ASSERT_EQ(0, pagemig_munmap(pid, anon));
			ASSERT_EQ(0, pagemig_munmap(pid, file));
			break;
		default:
			ASSERT_EQ(0, pagemig_madvise_dontneed(pid, anon, 64 * PAGE_SIZE));
			break;
		}
		pagemig_thread_join(th, NULL);
		migrated += m.succ;
		if (how == 2) {
			/* The file pages survived their migration. */
			for (i = 0; i < 16; i++)
				EXPECT_TRUE(pm_check_tag(pid, file + i * PAGE_SIZE, 100 + i));
		}
		if (how)
			ASSERT_EQ(0, pagemig_process_exit(pid));
		/* The page cache keeps the file's writes through it all. */
		for (i = 0; i < 16; i++) {
			struct folio *folio = filemap_get_folio(&pm_file(fid)->mapping, i);

			ASSERT_NOT_NULL(folio);
			EXPECT_TRUE(pm_tag_ok(folio_address(folio), 100 + i));
			folio_put(folio);
		}
		pm_files_drop();
		mm_check_invariants(true);
		rounds++;
		if (_metadata->failed)
			break;
	}
	TH_LOG("%lu rounds, %lu pages migrated", rounds, migrated);
	EXPECT_LT(0, rounds);
}

/* ---- page-cache lookups against migration ---- */

#define NPC	64

struct lookup {
	struct address_space *mapping;
	struct file *file;
	int stop, bad;
	uint64_t seed;
	unsigned long lookups;
};

static void *looker(void *arg)
{
	struct lookup *l = arg;
	static char want[NPC][PAGE_SIZE];
	struct pagemig_rng rng;
	pgoff_t i;

	set_cpu_id(1);
	for (i = 0; i < NPC; i++)
		file_read_page(l->file, i, want[i]);
	pagemig_rng_seed(&rng, l->seed);
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		pgoff_t idx = (pgoff_t)pagemig_rng_below(&rng, NPC);
		struct folio *folio = filemap_get_folio(l->mapping, idx);

		if (!folio || folio->index != idx || folio_mapping(folio) != l->mapping ||
		    memcmp(folio_address(folio), want[idx], PAGE_SIZE)) {
			l->bad++;
			if (folio)
				folio_put(folio);
			break;
		}
		folio_put(folio);
		l->lookups++;
	}
	return NULL;
}

/*
 * Isolate @folio (the caller's reference is dropped) and migrate it to a
 * random zone, async or sync as the dice say.  Return: pages migrated, 0
 * if it was busy.
 */
static unsigned int migrate_one(struct folio *folio, struct pagemig_rng *rng)
{
	unsigned int succ = 0;
	LIST_HEAD(list);
	bool ok;

	ok = isolate_folio_to_list(folio, &list);
	folio_put(folio);
	if (!ok)
		return 0;
	if (migrate_pages(&list, pm_alloc_in_zone, NULL,
			  pagemig_rng_below(rng, 2) ? ZONE_NORMAL : ZONE_DMA32,
			  pagemig_rng_below(rng, 2) ? MIGRATE_ASYNC : MIGRATE_SYNC,
			  MR_COMPACTION, &succ))
		putback_movable_pages(&list);
	return succ;
}

TEST_F(fr, pagecache_lookups_vs_migration)
{
	static struct lookup l;
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long moved = 0, addr, i, round = 0;
	pthread_t th;
	int pid = pagemig_process_create(), fid;
	char c;

	ASSERT_LE(0, pid);
	fid = pagemig_file_create("pcl", NPC * PAGE_SIZE, 11, NULL);
	ASSERT_LE(0, fid);
	/* Half the pages stay mapped (read-only), half only cached. */
	ASSERT_EQ(0, pagemig_mmap_file(pid, fid, NPC * PAGE_SIZE, 0, 0, &addr));
	for (i = 0; i < NPC; i++)
		ASSERT_EQ(0, pagemig_access(pid, addr + i * PAGE_SIZE, &c, 1, false));
	ASSERT_EQ(0, pagemig_madvise_dontneed(pid, addr, NPC / 2 * PAGE_SIZE));

	memset(&l, 0, sizeof(l));
	l.file = pm_file(fid);
	l.mapping = &l.file->mapping;
	l.seed = test_seed();
	ASSERT_EQ(0, pagemig_thread_create(&th, "looker", looker, &l));
	while (more_rounds(&round, end) && !__atomic_load_n(&l.bad, __ATOMIC_RELAXED)) {
		pgoff_t idx = (pgoff_t)pagemig_rng_below(rng, NPC);
		struct folio *folio = filemap_get_folio(l.mapping, idx);

		ASSERT_NOT_NULL(folio);
		moved += migrate_one(folio, rng);
	}
	__atomic_store_n(&l.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	TH_LOG("%lu lookups, %lu migrations", l.lookups, moved);
	EXPECT_EQ(0, l.bad);
	EXPECT_LT(0, moved);
	EXPECT_LT(0, l.lookups);
	EXPECT_EQ(NPC, atomic_long_read(&l.mapping->nrpages));
	for (i = NPC / 2; i < NPC; i++) {
		struct folio *folio = filemap_get_folio(l.mapping, i);

		EXPECT_EQ(folio, pm_folio(pid, addr + i * PAGE_SIZE));
		if (folio)
			folio_put(folio);
	}
	ASSERT_EQ(0, pagemig_process_exit(pid));
	pm_files_drop();
}

/* ---- first faults on a shared file against migration ---- */

#define NFF	32

struct refault {
	int pa, pb, stop, bad;
	unsigned long a, b;
	uint64_t seed;
	unsigned long faults;
	uint32_t gen[NFF];
};

static uint64_t refault_tag(unsigned int i, uint32_t gen)
{
	return (uint64_t)(i + 1) << 40 | gen;
}

static void *refaulter(void *arg)
{
	struct refault *r = arg;
	struct pagemig_rng rng;

	set_cpu_id(1);
	pagemig_rng_seed(&rng, r->seed);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		unsigned int i = (unsigned int)pagemig_rng_below(&rng, NFF);
		unsigned long off = i * PAGE_SIZE;

		/* b faults the page in again, from the page cache... */
		if (pagemig_madvise_dontneed(r->pb, r->b + off, PAGE_SIZE) ||
		    !pm_check_tag(r->pb, r->b + off, refault_tag(i, r->gen[i]))) {
			__atomic_store_n(&r->bad, 1, __ATOMIC_RELEASE);
			break;
		}
		/* ... and must see what a writes next. */
		r->gen[i]++;
		if (pm_write_tag(r->pa, r->a + off, refault_tag(i, r->gen[i])) ||
		    !pm_check_tag(r->pb, r->b + off, refault_tag(i, r->gen[i]))) {
			__atomic_store_n(&r->bad, 1, __ATOMIC_RELEASE);
			break;
		}
		r->faults++;
	}
	return NULL;
}

TEST_F(fr, first_faults_vs_file_migration)
{
	static struct refault r;
	struct pagemig_rng *rng = test_rng();
	unsigned long long end = ktime_get_ns() + budget_ns();
	unsigned long moved = 0, compactions = 0, round = 0;
	struct address_space *mapping;
	unsigned int i;
	pthread_t th;
	int fid;

	memset(&r, 0, sizeof(r));
	r.seed = test_seed();
	r.pa = pagemig_process_create();
	r.pb = pagemig_process_create();
	ASSERT_LE(0, r.pa);
	ASSERT_LE(0, r.pb);
	fid = pagemig_file_create("ff", NFF * PAGE_SIZE, 13, NULL);
	ASSERT_LE(0, fid);
	mapping = &pm_file(fid)->mapping;
	ASSERT_EQ(0, pagemig_mmap_file(r.pa, fid, NFF * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &r.a));
	ASSERT_EQ(0, pagemig_mmap_file(r.pb, fid, NFF * PAGE_SIZE, 0,
				       PAGEMIG_MAP_SHARED | PAGEMIG_MAP_WRITE, &r.b));
	for (i = 0; i < NFF; i++)
		ASSERT_EQ(0, pm_write_tag(r.pa, r.a + i * PAGE_SIZE, refault_tag(i, 0)));

	ASSERT_EQ(0, pagemig_thread_create(&th, "refaulter", refaulter, &r));
	while (more_rounds(&round, end) && !__atomic_load_n(&r.bad, __ATOMIC_RELAXED)) {
		pgoff_t idx = (pgoff_t)pagemig_rng_below(rng, NFF);
		struct folio *folio;

		if (pagemig_rng_below(rng, 64) == 0) {
			ASSERT_EQ(0, pagemig_compact(-1));
			compactions++;
			continue;
		}
		folio = filemap_get_folio(mapping, idx);
		ASSERT_NOT_NULL(folio);
		moved += migrate_one(folio, rng);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pagemig_thread_join(th, NULL);
	TH_LOG("%lu refaults, %lu migrations, %lu compactions", r.faults, moved, compactions);
	EXPECT_EQ(0, r.bad);
	EXPECT_LT(0, moved);
	EXPECT_LT(0, r.faults);
	for (i = 0; i < NFF; i++) {
		unsigned long off = i * PAGE_SIZE;

		EXPECT_TRUE(pm_check_tag(r.pa, r.a + off, refault_tag(i, r.gen[i])));
		EXPECT_TRUE(pm_check_tag(r.pb, r.b + off, refault_tag(i, r.gen[i])));
		EXPECT_EQ(pm_folio(r.pa, r.a + off), pm_folio(r.pb, r.b + off));
	}
	EXPECT_EQ(0, pm_nr_isolated());
	ASSERT_EQ(0, pagemig_process_exit(r.pa));
	ASSERT_EQ(0, pagemig_process_exit(r.pb));
	pm_files_drop();
}
