// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kpageflags and /proc/kpagecount: what the kernel's fs/proc/page.c
 * (Linux 6.17) reports for each PFN.
 *
 * stable_page_flags() turns a page's state into the KPF_* bits user space
 * sees; the count is the page's precise mapcount.  What the movable_ops
 * series makes visible shows through unchanged: a balloon page is
 * KPF_OFFLINE, and because PG_movable_ops is PG_uptodate and
 * PG_movable_ops_isolated is PG_reclaim, also KPF_UPTODATE, plus
 * KPF_RECLAIM while isolated.  zsmalloc pages have no KPF bit of their
 * own and show only KPF_UPTODATE.
 *
 * kernel: kpageflags_read() and kpagecount_read() are read() handlers
 * that copy 8 bytes a PFN to user space; here kpageflags_read() fills
 * arrays for a PFN range, and kpage_walk() lets the facade classify
 * pages in the same single pass (facade/kpageflags.c: page kinds).
 * Both reads are racy, as the kernel's are: a page may change while it
 * is looked at.
 */
#include <errno.h>

#include <pagemig/mm.h>
#include <pagemig/kernel-page-flags.h>

#define KPF(name)	(1ULL << KPF_##name)

/*
 * The order a free block's head keeps in page->private.  kernel:
 * buddy_order_unsafe() in mm's private header, which fs/ does not use; the
 * value may be stale, so every caller range-checks it.
 */
static inline unsigned int buddy_order_unsafe(const struct page *page)
{
	return (unsigned int)READ_ONCE(page->private);
}

static inline uint64_t kpf_copy_bit(unsigned long kflags, int ubit, int kbit)
{
	return (uint64_t)((kflags >> kbit) & 1) << ubit;
}

/*
 * kernel: is_free_buddy_page() in mm/page_alloc.c, the one mm/ function
 * fs/proc/page.c calls; here beside its only user.  A racy walk: the
 * answer may be stale, as /proc/kpageflags' is.
 */
static bool is_free_buddy_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		const struct page *head = page - (pfn & ((1UL << order) - 1));

		if (PageBuddy(head) && buddy_order_unsafe(head) >= order)
			return true;
	}
	return false;
}

static bool folio_is_mapped(const struct folio *folio)
{
	if (folio_test_large(folio))
		return atomic_read(&folio->_large_mapcount) >= 0;
	return !page_has_type(&folio->page) && folio_mapcount(folio) > 0;
}

/*
 * kernel 6.17 stable_page_flags().  The only 6.17 change there is the
 * mapping-tag rename (FOLIO_MAPPING_ANON/KSM); everything the series
 * adds shows through the aliased PG_uptodate/PG_reclaim bits.
 * @buddy: the caller already knows the page lies in a free buddy block
 * (kernel: no such argument; is_free_buddy_page() is asked each time).
 */
static uint64_t stable_page_flags(const struct page *page, bool buddy)
{
	const struct folio *folio = page_folio(page);
	unsigned long k = READ_ONCE(folio->flags);
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);
	uint64_t u = 0;

	if (!buddy && folio_is_mapped(folio))
		u |= KPF(MMAP);
	if (!buddy && (mapping & FOLIO_MAPPING_ANON)) {
		u |= KPF(ANON);
		if ((mapping & FOLIO_MAPPING_FLAGS) == FOLIO_MAPPING_KSM)
			u |= KPF(KSM);
	}
	if (page == &folio->page)
		u |= kpf_copy_bit(k, KPF_COMPOUND_HEAD, PG_head);
	else
		u |= KPF(COMPOUND_TAIL);
	if (folio_test_hugetlb(folio))
		u |= KPF(HUGE);
	else if (folio_test_large(folio) &&
		 test_bit(PG_large_rmappable, &folio->_flags_1))
		u |= KPF(THP);	/* any large rmappable folio, as 6.17 says */

	/* PG_buddy is on the head only; the kernel walks up for the rest. */
	if (PageBuddy(page) || buddy)
		u |= KPF(BUDDY);
	else if (page_count(page) == 0 && is_free_buddy_page(page))
		u |= KPF(BUDDY);

	if (PageOffline(page))
		u |= KPF(OFFLINE);
	if (PageTable(page))
		u |= KPF(PGTABLE);
	if (folio_test_slab(folio))
		u |= KPF(SLAB);

	u |= kpf_copy_bit(k, KPF_IDLE, PG_idle);
	u |= kpf_copy_bit(k, KPF_LOCKED, PG_locked);
	u |= kpf_copy_bit(k, KPF_DIRTY, PG_dirty);
	u |= kpf_copy_bit(k, KPF_UPTODATE, PG_uptodate);	/* = PG_movable_ops */
	u |= kpf_copy_bit(k, KPF_WRITEBACK, PG_writeback);
	u |= kpf_copy_bit(k, KPF_LRU, PG_lru);
	u |= kpf_copy_bit(k, KPF_REFERENCED, PG_referenced);
	u |= kpf_copy_bit(k, KPF_ACTIVE, PG_active);
	u |= kpf_copy_bit(k, KPF_RECLAIM, PG_reclaim);	/* = PG_movable_ops_isolated */
	if ((k & (BIT(PG_swapbacked) | BIT(PG_swapcache))) ==
	    (BIT(PG_swapbacked) | BIT(PG_swapcache)))
		u |= KPF(SWAPCACHE);
	u |= kpf_copy_bit(k, KPF_SWAPBACKED, PG_swapbacked);
	u |= kpf_copy_bit(k, KPF_UNEVICTABLE, PG_unevictable);
	u |= kpf_copy_bit(k, KPF_MLOCKED, PG_mlocked);
	if (u & KPF(HUGE))
		u |= kpf_copy_bit(k, KPF_HWPOISON, PG_hwpoison);
	else
		u |= kpf_copy_bit(READ_ONCE(page->flags), KPF_HWPOISON,
				  PG_hwpoison);
	u |= kpf_copy_bit(k, KPF_RESERVED, PG_reserved);
	u |= kpf_copy_bit(k, KPF_OWNER_2, PG_owner_2);
	u |= kpf_copy_bit(k, KPF_PRIVATE, PG_private);
	u |= kpf_copy_bit(k, KPF_PRIVATE_2, PG_private_2);
	u |= kpf_copy_bit(k, KPF_OWNER_PRIVATE, PG_owner_priv_1);
	u |= kpf_copy_bit(k, KPF_ARCH, PG_arch_1);
	return u;
}

/*
 * kernel 6.17 kpagecount_read(): since 6.12 ("fs/proc/page: use a folio
 * in kpagecount_read()" and the precise-mapcount work) the file reports
 * folio_precise_page_mapcount(page_folio(page), page) -- the page's own
 * mapcount plus the folio's entire (PMD) mapcount -- not page_count().
 * Typed pages (buddy, offline, zsmalloc, table, slab) report 0.
 */
static uint64_t precise_page_mapcount(const struct page *page)
{
	const struct folio *folio = page_folio(page);
	unsigned int raw = READ_ONCE(page->page_type);
	int mapcount = 0;

	if (!page_type_has_type(raw))
		mapcount = (int)raw + 1;
	if (folio_test_large(folio))
		mapcount += atomic_read(&folio->_entire_mapcount) + 1;
	return mapcount > 0 ? (uint64_t)mapcount : 0;
}

/* The free buddy block holding @pfn: its end, or 0 if none. */
static unsigned long free_block_end(unsigned long pfn)
{
	unsigned int order;

	for (order = 0; order < NR_PAGE_ORDERS; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct page *page = pfn_to_page(head);

		if (PageBuddy(page) && buddy_order_unsafe(page) >= order &&
		    buddy_order_unsafe(page) <= MAX_PAGE_ORDER)
			return head + (1UL << buddy_order_unsafe(page));
	}
	return 0;
}

/**
 * kpage_walk() - Call @actor for each page of [pfn, pfn + nr).
 * @pfn: the first PFN.
 * @nr: how many.
 * @actor: called with the page, its index in the range (0..@nr - 1) and
 *	whether it lies in a free buddy block (and has no reference).
 * @data: passed through to @actor.
 *
 * Free blocks are recognised once at their head and carried over their
 * tails, so a whole machine costs one pass rather than a walk up the
 * orders per page.  Lock-free and racy, as /proc/kpageflags is.
 *
 * Return: 0, or -EINVAL if the range is not inside [0, max_pfn) (with
 * no machine, max_pfn is 0).
 */
int kpage_walk(unsigned long pfn, unsigned long nr,
	       void (*actor)(struct page *page, unsigned long i, bool free,
			     void *data),
	       void *data)
{
	unsigned long end, i, free_end;

	if (pfn > max_pfn || nr > max_pfn - pfn)
		return -EINVAL;
	end = pfn + nr;
	free_end = nr ? free_block_end(pfn) : 0;
	for (i = pfn; i < end; i++) {
		struct page *page = pfn_to_page(i);

		if (PageBuddy(page) && buddy_order_unsafe(page) <= MAX_PAGE_ORDER)
			free_end = i + (1UL << buddy_order_unsafe(page));
		actor(page, i - pfn, i < free_end && page_count(page) == 0,
		      data);
	}
	return 0;
}

struct kpageflags_buf {
	uint64_t *flags, *counts;
};

static void kpageflags_actor(struct page *page, unsigned long i, bool free,
			     void *data)
{
	struct kpageflags_buf *b = data;

	/* kernel: a PFN of a section with no memory has no page to read. */
	if (!pfn_to_online_page(page_to_pfn(page))) {
		if (b->flags)
			b->flags[i] = KPF(NOPAGE);
		if (b->counts)
			b->counts[i] = 0;
		return;
	}
	if (b->flags)
		b->flags[i] = stable_page_flags(page, free);
	if (b->counts)
		b->counts[i] = free ? 0 : precise_page_mapcount(page);
}

/**
 * kpageflags_read() - /proc/kpageflags and /proc/kpagecount for a range.
 * @pfn: the first PFN.
 * @nr: how many.
 * @flags: stable_page_flags() of each page, or NULL.
 * @counts: each page's precise mapcount (kpagecount), or NULL.
 *
 * kernel: two read() handlers, 8 bytes a PFN each; here one call fills
 * either array or both, in host byte order.
 *
 * Return: 0, or -EINVAL for a range outside the machine.
 */
int kpageflags_read(unsigned long pfn, unsigned long nr, uint64_t *flags,
		    uint64_t *counts)
{
	struct kpageflags_buf b = { .flags = flags, .counts = counts };

	return kpage_walk(pfn, nr, kpageflags_actor, &b);
}
