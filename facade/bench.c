// SPDX-License-Identifier: GPL-2.0
/*
 * Hooks for `pagemig bench` that the rest of the facade does not offer:
 * run a thread as a given CPU, and an allocation loop that times
 * alloc_pages()/__free_pages() themselves.
 *
 * pagemig_alloc_pages() and pagemig_free_pages() check their arguments
 * and the block they are handed (head page, compound order, refcount),
 * which is what a library user pays and what `alloc.order0_pair` times.
 * The loop below leaves those checks out, so comparing the two separates
 * the allocator's own cost from the facade's.  pagemig_bench_migrate_addr()
 * times the migration of one chosen folio, which compaction only does
 * when the folio happens to be in its way.
 */
#include <errno.h>

#include <pagemig/pagemig_testing.h>
#include <pagemig/gfp.h>
#include <pagemig/mm.h>
#include <pagemig/smp.h>
#include <pagemig/migrate.h>
#include <pagemig/pgtable.h>

#include "lib/ktime.h"
#include "../mm/facade.h"
#include "internal.h"

int pagemig_thread_set_cpu(int cpu)
{
	if (!machine_ready)
		return -ENODEV;
	if (cpu < 0 || cpu >= (int)nr_cpu_ids)
		return -EINVAL;
	set_cpu_id(cpu);
	return 0;
}

int pagemig_bench_alloc_loop(unsigned int order, unsigned long iterations,
			     uint64_t *ns)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | (order ? __GFP_COMP : 0);
	struct page *page;
	unsigned long i;
	uint64_t t0;

	if (!machine_ready)
		return -ENODEV;
	if (order > MAX_PAGE_ORDER || !iterations)
		return -EINVAL;
	t0 = ktime_get_wall_ns();
	for (i = 0; i < iterations; i++) {
		page = alloc_pages(gfp, order);
		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
	}
	*ns = ktime_get_wall_ns() - t0;
	return 0;
}

/* A new page for pagemig_bench_migrate_addr(): anywhere. */
static struct folio *bench_new_folio(struct folio *src, unsigned long private)
{
	return folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, folio_order(src));
}

int pagemig_bench_migrate_addr(int pid, unsigned long addr, uint64_t *ns,
			       unsigned long *mappings)
{
	struct mm_struct *mm = process_mm(pid);
	struct folio *folio = NULL;
	unsigned int succeeded = 0;
	uint64_t *pte, e, t0;
	LIST_HEAD(list);
	bool isolated;
	int ret;

	if (!machine_ready)
		return -ENODEV;
	if (!mm)
		return -ESRCH;
	spin_lock(&mm->page_table_lock);
	pte = walk_to_entry(mm, addr, false);
	e = pte ? ptep_get(pte) : 0;
	if (pte_present(e) && !(e & _PAGE_PSE)) {
		folio = pfn_folio(pte_pfn(e));
		folio_get(folio);
	}
	spin_unlock(&mm->page_table_lock);
	if (!folio)
		return -EFAULT;
	if (mappings)
		*mappings = (unsigned long)folio_mapcount(folio);
	t0 = ktime_get_wall_ns();
	isolated = isolate_folio_to_list(folio, &list);
	folio_put(folio);
	if (!isolated)
		return -EBUSY;
	ret = migrate_pages(&list, bench_new_folio, NULL, 0, MIGRATE_SYNC,
			    MR_COMPACTION, &succeeded);
	*ns = ktime_get_wall_ns() - t0;
	if (ret)
		putback_movable_pages(&list);
	return succeeded ? 0 : -EBUSY;
}
