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
 * the allocator's own cost from the facade's.
 */
#include <errno.h>
#include <time.h>

#include <pagemig/pagemig.h>
#include <pagemig/gfp.h>
#include <pagemig/mm.h>
#include <pagemig/smp.h>
#include "../mm/internal.h"

int pagemig_thread_set_cpu(int cpu)
{
	if (!machine_ready)
		return -ENODEV;
	if (cpu < 0 || cpu >= (int)nr_cpu_ids)
		return -EINVAL;
	set_cpu_id(cpu);
	return 0;
}

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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
	t0 = clock_ns();
	for (i = 0; i < iterations; i++) {
		page = alloc_pages(gfp, order);
		if (!page)
			return -ENOMEM;
		__free_pages(page, order);
	}
	*ns = clock_ns() - t0;
	return 0;
}
