// SPDX-License-Identifier: GPL-2.0
/*
 * migrate_folio_unmap() took its hold on an anon folio's anon_vma by
 * reading folio->mapping and incrementing the count.  When the process
 * had exited after the folio was isolated, that anon_vma was already
 * freed: the increment wrote to freed memory, and remove_migration_ptes()
 * could walk it later (pagemig explore found it in test_folio_races
 * migration_vs_munmap_and_exit, seed 43).
 *
 * The kernel takes the hold with folio_get_anon_vma(): nothing if the
 * folio is no longer mapped (then nobody needs its anon_vma), a
 * reference only on a live count, and anon_vmas are type-stable, so
 * looking at one that went away reads an anon_vma, never freed memory.
 * Here the folio is isolated, held by one more reference (as a GUP or
 * a PFN scanner would), and its process exits before migrate_pages()
 * runs: under ASan the old code reports a heap-use-after-free.
 */
#include "harness/mm_fixture.h"
#include "harness/proc_helpers.h"

FIXTURE(mae) {
	int pid;
	unsigned long addr;
};

FIXTURE_SETUP(mae)
{
	mm_machine_up(32 * SZ_1M, 8 * SZ_1M, 8 * SZ_1M, 2);
	self->pid = pagemig_process_create();
	ASSERT_LE(0, self->pid);
	ASSERT_EQ(0, pagemig_mmap_anon(self->pid, 2 * PAGE_SIZE, PAGEMIG_MAP_WRITE,
				       &self->addr));
	ASSERT_EQ(0, pm_write_tag(self->pid, self->addr, 7));
}

FIXTURE_TEARDOWN(mae)
{
	if (!pagemig_machine_ready())
		return;
	mm_check_invariants(true);
	pagemig_machine_exit();
}

TEST_F(mae, isolated_folio_outlives_its_process)
{
	struct anon_vma *av = pm_mm(self->pid)->anon_vma;
	struct folio *folio;
	unsigned int succ = 0;
	int other;
	LIST_HEAD(list);

	folio = pm_isolate(self->pid, self->addr, &list);
	ASSERT_NOT_NULL(folio);
	folio_get(folio);
	ASSERT_EQ(0, pagemig_process_exit(self->pid));
	EXPECT_FALSE(folio_mapped(folio));
	EXPECT_EQ(0, atomic_read(&av->refcount));

	/* Nothing to hold: the folio is not mapped, its mapping is stale. */
	folio_lock(folio);
	EXPECT_NULL(folio_get_anon_vma(folio));
	folio_unlock(folio);

	/* Our reference keeps it from moving; it goes back, then away. */
	if (migrate_pages(&list, pm_alloc_in_zone, NULL, ZONE_NORMAL,
			  MIGRATE_SYNC, MR_COMPACTION, &succ))
		putback_movable_pages(&list);
	EXPECT_EQ(0, succ);
	EXPECT_EQ(0, pm_nr_isolated());
	EXPECT_EQ(0, atomic_read(&av->refcount));
	folio_put(folio);

	/* The anon_vma went back to the cache once: the next mm gets it. */
	other = pagemig_process_create();
	ASSERT_LE(0, other);
	EXPECT_EQ(av, pm_mm(other)->anon_vma);
	EXPECT_EQ(1, atomic_read(&av->refcount));
	ASSERT_EQ(0, pagemig_process_exit(other));
}

/* A mapped folio's anon_vma is held, and the hold keeps it. */
TEST_F(mae, mapped_folio_holds_its_anon_vma)
{
	struct anon_vma *av = pm_mm(self->pid)->anon_vma, *got;
	struct folio *folio = pm_folio(self->pid, self->addr);

	ASSERT_NOT_NULL(folio);
	folio_lock(folio);
	got = folio_get_anon_vma(folio);
	folio_unlock(folio);
	EXPECT_EQ(av, got);
	EXPECT_EQ(2, atomic_read(&av->refcount));
	put_anon_vma(got);
	EXPECT_TRUE(pm_migrate_to(self->pid, self->addr, ZONE_NORMAL));
	EXPECT_TRUE(pm_check_tag(self->pid, self->addr, 7));
	ASSERT_EQ(0, pagemig_process_exit(self->pid));
}
