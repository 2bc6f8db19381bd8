// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel samepage merging: anonymous pages with identical contents, in
 * VMAs marked mergeable (madvise(MADV_MERGEABLE)), come to share one
 * write-protected "KSM folio".
 *
 * The scanner -- ksmd, or ksm_do_scan() called directly -- walks the
 * mergeable VMAs of every registered mm one page at a time.  A page whose
 * contents equal a KSM folio's (found in the stable table) is merged into
 * it: its PTE maps the KSM folio read-only and its own folio is freed.
 * Otherwise a page whose checksum did not change since the previous full
 * scan goes into the unstable table, and when a second page with the same
 * contents turns up there, the two become a new KSM folio.  A write to a
 * KSM page faults and gets a private copy (mm/memory.c, cow_ksm).
 *
 * A KSM folio's mapping is its stable node tagged FOLIO_MAPPING_KSM.  The
 * node lists the rmap items -- (mm, address) pairs -- that map it, which
 * is how rmap_walk() finds the mappings when the folio migrates; after a
 * move the node's kpfn names the new folio (folio_migrate_ksm()).  Items
 * whose PTE no longer maps the KSM folio (copied on write, unmapped) are
 * dropped when the scanner next passes their address, as in the kernel;
 * every walk checks the PTE anyway.  A node whose folio is gone is pruned
 * when a lookup finds it so and at the end of each full scan.
 *
 * kernel: mm/ksm.c keeps both tables as red-black trees sorted by
 * contents, with stable node chains for very popular contents, and can
 * merge in any private mapping.  pagemig keys both tables by an xxhash of
 * the contents (the kernel's checksum function) and compares with memcmp
 * on a match, keeps one stable node per contents, merges order-0 folios
 * in anonymous VMAs only, and skips PMD-mapped THPs instead of splitting
 * them.
 *
 * Locks: ksm_mutex (the mm list, the scan cursor, both tables, the nodes'
 * lifetime) is taken before any mmap_lock.  ksm_rmap_lock (the items of
 * stable nodes) is read by rmap walks, which hold a folio lock, and nests
 * inside mmap_lock and outside anon_vma->rwsem and the page-table lock.
 * The scanner never holds two mms' mmap_locks at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include <pagemig/mm.h>
#include <pagemig/completion.h>
#include <pagemig/pgtable.h>
#include <pagemig/smp.h>
#include <pagemig/vmstat.h>
#include "internal.h"

#define KSM_HASH_BITS		12
#define KSM_HASH_SIZE		(1U << KSM_HASH_BITS)

/* One contents shared by the mappings on @items, held by folio @kpfn. */
struct ksm_stable_node {
	struct list_head hash;		/* stable_hash[] bucket: ksm_mutex */
	struct list_head items;		/* ksm_rmap_item.node: ksm_rmap_lock */
	unsigned long kpfn;		/* the KSM folio; moves with migration */
	uint64_t checksum;
	unsigned long nr_items;
};

/* A scanned address of one mm, and where its page stands. */
struct ksm_rmap_item {
	struct list_head link;		/* slot->items, by address: ksm_mutex */
	struct list_head node;		/* a stable node's items or an unstable bucket */
	struct ksm_mm_slot *slot;
	unsigned long address;
	struct ksm_stable_node *head;	/* merged into this node, or NULL */
	bool unstable;			/* in the unstable table, this full scan */
	uint64_t checksum;		/* at the last scan */
};

/* An mm with mergeable VMAs. */
struct ksm_mm_slot {
	struct list_head link;		/* ksm_mm_list: ksm_mutex */
	struct mm_struct *mm;
	struct list_head items;		/* its rmap items, by address */
};

static DEFINE_MUTEX_STATIC(ksm_mutex, LOCK_RANK_KSM);
static struct rw_semaphore ksm_rmap_lock;
static LIST_HEAD(ksm_mm_list);
static struct list_head stable_hash[KSM_HASH_SIZE];
static struct list_head unstable_hash[KSM_HASH_SIZE];

/* The scan cursor: the next address of the next mm to look at. */
static struct {
	struct ksm_mm_slot *slot;
	unsigned long address;
	struct list_head *item;		/* the first item not yet passed */
	bool lap_started;		/* a page was seen since the last lap end */
} ksm_scan;

static unsigned long ksm_full_scans, ksm_pages_scanned, ksm_pages_unshared;
static unsigned long ksm_merge_failures;
static bool ksm_ready;

/* ksmd */
static struct task_struct *ksmd_task;
static struct wait_queue_head ksmd_wait;
static unsigned int ksm_pages_to_scan = 100;
static unsigned int ksm_sleep_ms = 20;

/* ---- stable nodes and folios ---- */

static struct ksm_stable_node *folio_stable_node(const struct folio *folio)
{
	unsigned long mapping = (unsigned long)READ_ONCE(folio->mapping);

	if ((mapping & FOLIO_MAPPING_FLAGS) != FOLIO_MAPPING_KSM)
		return NULL;
	return (struct ksm_stable_node *)(mapping & ~(unsigned long)FOLIO_MAPPING_FLAGS);
}

static void folio_set_stable_node(struct folio *folio, struct ksm_stable_node *node)
{
	WRITE_ONCE(folio->mapping, (struct address_space *)
		   ((unsigned long)node | FOLIO_MAPPING_KSM));
}

static uint64_t page_checksum(const struct folio *folio)
{
	return XXH64(folio_address(folio), PAGE_SIZE, 0);
}

static bool pages_identical(const struct folio *a, const struct folio *b)
{
	return !memcmp(folio_address(a), folio_address(b), PAGE_SIZE);
}

/*
 * The KSM folio of @node, with a reference, or NULL when it is gone.
 * Migration moves kpfn to the new folio before the old one stops being
 * the node's: a miss with a kpfn that changed meanwhile is retried.
 * kernel: ksm_get_folio().
 */
static struct folio *ksm_get_folio(struct ksm_stable_node *node)
{
	unsigned long kpfn;
	struct folio *folio;

again:
	/* Pairs with folio_migrate_ksm(): the new folio's contents first. */
	kpfn = smp_load_acquire(&node->kpfn);
	folio = pfn_folio(kpfn);
	if (folio_try_get(folio)) {
		if (folio_stable_node(folio) == node && !folio_test_large(folio))
			return folio;
		folio_put(folio);
	}
	if (READ_ONCE(node->kpfn) != kpfn)
		goto again;
	return NULL;
}

static void remove_stable_node(struct ksm_stable_node *node)
{
	struct ksm_rmap_item *item, *next;

	lockdep_assert_held(&ksm_mutex);
	down_write(&ksm_rmap_lock);
	list_for_each_entry_safe(item, next, &node->items, node) {
		list_del_init(&item->node);
		item->head = NULL;
	}
	up_write(&ksm_rmap_lock);
	list_del(&node->hash);
	free(node);
}

/* Take @item out of whichever table it is in. */
static void remove_rmap_item_from_tree(struct ksm_rmap_item *item)
{
	lockdep_assert_held(&ksm_mutex);
	if (item->head) {
		down_write(&ksm_rmap_lock);
		list_del_init(&item->node);
		item->head->nr_items--;
		item->head = NULL;
		up_write(&ksm_rmap_lock);
	} else if (item->unstable) {
		list_del_init(&item->node);
		item->unstable = false;
		ksm_pages_unshared--;
	}
}

static void stable_node_add_item(struct ksm_stable_node *node,
				 struct ksm_rmap_item *item)
{
	remove_rmap_item_from_tree(item);
	down_write(&ksm_rmap_lock);
	list_add_tail(&item->node, &node->items);
	node->nr_items++;
	item->head = node;
	up_write(&ksm_rmap_lock);
}

/* Forget nodes whose folio is gone (freed with its last mapping). */
static void prune_stable_nodes(void)
{
	struct ksm_stable_node *node, *next;
	unsigned int b;

	for (b = 0; b < KSM_HASH_SIZE; b++) {
		list_for_each_entry_safe(node, next, &stable_hash[b], hash) {
			struct folio *folio = ksm_get_folio(node);

			if (folio)
				folio_put(folio);
			else
				remove_stable_node(node);
		}
	}
}

/* ---- the rmap walk (mm/rmap.c calls it for KSM folios) ---- */

/**
 * rmap_walk_ksm - call @rmap_one for each mapping of a KSM folio
 * @folio: a locked KSM folio
 * @rmap_one: returns false to stop the walk
 * @arg: passed through
 *
 * Every item of the folio's stable node is a candidate; the callback
 * checks that the PTE really maps the folio.
 */
void rmap_walk_ksm(struct folio *folio,
		   bool (*rmap_one)(struct folio *folio, struct vm_area_struct *vma,
				    unsigned long address, void *arg),
		   void *arg)
{
	struct ksm_stable_node *node = folio_stable_node(folio);
	struct ksm_rmap_item *item;
	bool more = true;

	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	if (!node)
		return;
	down_read(&ksm_rmap_lock);
	list_for_each_entry(item, &node->items, node) {
		struct anon_vma *anon_vma = item->slot->mm->anon_vma;
		struct vm_area_struct *vma;

		down_read(&anon_vma->rwsem);
		list_for_each_entry(vma, &anon_vma->vmas, anon_vma_node) {
			if (item->address < vma->vm_start || item->address >= vma->vm_end)
				continue;
			more = rmap_one(folio, vma, item->address, arg);
			break;
		}
		up_read(&anon_vma->rwsem);
		if (!more)
			break;
	}
	up_read(&ksm_rmap_lock);
}

/**
 * folio_migrate_ksm - a KSM folio moved: its node follows
 * @dst: the new folio, which has @src's mapping already
 * @src: the old folio
 *
 * Both folios are locked.  The old one keeps the KSM tag without a node,
 * so a lookup that read the old kpfn misses and retries with the new.
 */
void folio_migrate_ksm(struct folio *dst, struct folio *src)
{
	struct ksm_stable_node *node = folio_stable_node(src);

	if (!node)
		return;
	/* The copy is complete: publish it before anyone can look it up. */
	smp_store_release(&node->kpfn, folio_pfn(dst));
	folio_set_stable_node(src, NULL);
}

/* ---- merging ---- */

/*
 * Make @mm's PTE at @addr, which must map @folio, read-only, and wait
 * until no CPU is still writing through the old entry.  Fails when
 * anyone but the mappings and our reference holds the folio: a pin or
 * an access in progress could change it behind the write protection.
 * Return: 0 with the read-only entry in *@orig, or -EBUSY / -EFAULT.
 */
static int write_protect_page(struct mm_struct *mm, unsigned long addr,
			      struct folio *folio, uint64_t *orig)
{
	uint64_t *pte, e;
	int ret = -EFAULT;

	spin_lock(&mm->page_table_lock);
	pte = walk_to_entry(mm, addr, false);
	e = pte ? ptep_get(pte) : 0;
	if (!pte_present(e) || (e & _PAGE_PSE) || pte_pfn(e) != folio_pfn(folio))
		goto out;
	ret = -EBUSY;
	if (folio_ref_count(folio) != folio_mapcount(folio) + 1)
		goto out;
	if (pte_write(e))
		__atomic_fetch_and(pte, ~_PAGE_RW, __ATOMIC_SEQ_CST);
	ret = 0;
out:
	spin_unlock(&mm->page_table_lock);
	if (ret)
		return ret;
	flush_tlb_folio(folio);
	/* A writer that was already in may have set the dirty bit: re-read. */
	spin_lock(&mm->page_table_lock);
	e = ptep_get(pte);
	spin_unlock(&mm->page_table_lock);
	if (!pte_present(e) || pte_write(e) || pte_pfn(e) != folio_pfn(folio))
		return -EFAULT;
	if (pte_dirty(e))
		folio_set_dirty(folio);
	*orig = e;
	return 0;
}

/*
 * Point @mm's PTE at @addr, still @orig, at @kfolio instead of @folio.
 * kernel: replace_page().  Return: 0, or -EFAULT if the entry changed.
 */
static int replace_page(struct mm_struct *mm, unsigned long addr,
			struct folio *folio, struct folio *kfolio, uint64_t orig)
{
	uint64_t *pte;

	spin_lock(&mm->page_table_lock);
	pte = walk_to_entry(mm, addr, false);
	if (!pte || ptep_get(pte) != orig) {
		spin_unlock(&mm->page_table_lock);
		return -EFAULT;
	}
	folio_get(kfolio);
	folio_add_rmap(kfolio);
	ptep_get_and_set(pte, pfn_pte(folio_pfn(kfolio), false));
	folio_remove_rmap(folio);
	spin_unlock(&mm->page_table_lock);
	/* Readers of the old frame finish before it can be freed. */
	flush_tlb_folio(folio);
	folio_put(folio);	/* the mapping's reference */
	return 0;
}

/* Is @addr in a mergeable anonymous VMA of @mm?  mmap_lock held. */
static bool mergeable_addr(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && !vma->vm_file && (vma->vm_flags & VM_MERGEABLE);
}

/*
 * Merge the page @folio that @item maps into @kfolio, the KSM folio of
 * @node (NULL while a pair is being made): write-protect @folio, compare,
 * and map @kfolio instead.  With @kfolio NULL, just make @folio a KSM
 * folio without a node yet (the first of two unstable pages): a write
 * now copies it instead of writing into it.  mmap_lock is taken before
 * the folio locks, as everywhere else, and both are only trylocked.
 * kernel: try_to_merge_with_ksm_page().  Return: 0 or -errno.
 */
static int try_to_merge_with_ksm_page(struct ksm_rmap_item *item,
				      struct folio *folio, struct folio *kfolio,
				      struct ksm_stable_node *node)
{
	struct mm_struct *mm = item->slot->mm;
	uint64_t orig;
	int ret = -EBUSY;

	down_read(&mm->mmap_lock);
	if (!folio_trylock(folio))
		goto out_mmap;
	if (kfolio && !folio_trylock(kfolio))
		goto out_folio;
	/*
	 * Still the node's folio?  A migration that finished after we took
	 * our reference left the old folio the KSM tag without the node;
	 * mapping it would map a folio nobody can find again.
	 */
	if (kfolio && (!folio_test_ksm(kfolio) || folio_stable_node(kfolio) != node))
		goto out;
	if (!mergeable_addr(mm, item->address) || !folio_test_anon(folio) ||
	    folio_test_ksm(folio) || !folio_test_lru(folio)) {
		ret = -EFAULT;
		goto out;
	}
	if (should_fail(FAULT_KSM_MERGE))
		goto out;
	ret = write_protect_page(mm, item->address, folio, &orig);
	if (ret)
		goto out;
	if (!kfolio) {
		folio_set_stable_node(folio, NULL);
		goto out;
	}
	ret = -EAGAIN;
	if (pages_identical(folio, kfolio))
		ret = replace_page(mm, item->address, folio, kfolio, orig);
out:
	if (kfolio)
		folio_unlock(kfolio);
out_folio:
	folio_unlock(folio);
out_mmap:
	up_read(&mm->mmap_lock);
	return ret;
}

/*
 * The order-0 anonymous folio @mm maps at @addr, with a reference, or
 * NULL; the entry found in *@entry either way.  mmap_lock held.
 */
static struct folio *follow_mergeable(struct mm_struct *mm, unsigned long addr,
				      uint64_t *entry)
{
	struct folio *folio = NULL;
	uint64_t *pte, e;

	spin_lock(&mm->page_table_lock);
	pte = walk_to_entry(mm, addr, false);
	e = pte ? ptep_get(pte) : 0;
	if (pte_present(e) && !(e & _PAGE_PSE)) {
		folio = pfn_folio(pte_pfn(e));
		if (folio_test_anon(folio) && !folio_test_large(folio))
			folio_get(folio);
		else
			folio = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	*entry = e;
	return folio;
}

/* The folio @item's address maps now, with a reference, or NULL. */
static struct folio *get_mergeable_page(struct ksm_rmap_item *item)
{
	struct mm_struct *mm = item->slot->mm;
	struct folio *folio = NULL;
	uint64_t e;

	down_read(&mm->mmap_lock);
	if (mergeable_addr(mm, item->address))
		folio = follow_mergeable(mm, item->address, &e);
	up_read(&mm->mmap_lock);
	return folio;
}

/* The KSM folio with @folio's contents, with a reference, or NULL. */
static struct folio *stable_tree_search(struct folio *folio, uint64_t sum,
					struct ksm_stable_node **nodep)
{
	struct list_head *bucket = &stable_hash[sum & (KSM_HASH_SIZE - 1)];
	struct ksm_stable_node *node, *next;

	list_for_each_entry_safe(node, next, bucket, hash) {
		struct folio *kfolio;

		if (node->checksum != sum)
			continue;
		kfolio = ksm_get_folio(node);
		if (!kfolio) {
			remove_stable_node(node);
			continue;
		}
		if (kfolio != folio && pages_identical(folio, kfolio)) {
			*nodep = node;
			return kfolio;
		}
		folio_put(kfolio);
	}
	return NULL;
}

/*
 * A second page with @item's contents sits in the unstable table: the
 * two become one KSM folio.  @folio (this page) becomes the KSM folio and
 * the other page is merged into it.  *@tree_busy says the other page was
 * the one that could not be merged.  kernel: try_to_merge_two_pages() +
 * stable_tree_insert().  Return: 0 or -errno.
 */
static int merge_two_pages(struct ksm_rmap_item *item, struct folio *folio,
			   struct ksm_rmap_item *tree_item, struct folio *tree_folio,
			   uint64_t sum, bool *tree_busy)
{
	struct ksm_stable_node *node;
	struct address_space *anon;
	int ret;

	node = calloc(1, sizeof(*node));
	if (!node || should_fail(FAULT_KMALLOC)) {
		free(node);
		return -ENOMEM;
	}
	anon = READ_ONCE(folio->mapping);
	ret = try_to_merge_with_ksm_page(item, folio, NULL, NULL);
	if (ret) {
		free(node);
		return ret;
	}
	/*
	 * @folio is write-protected and tagged KSM without a node: a write
	 * copies it, and migration cannot unmap it (no node to walk), while
	 * the other page is merged into it.
	 */
	ret = try_to_merge_with_ksm_page(tree_item, tree_folio, folio, NULL);
	*tree_busy = ret != 0;
	folio_lock(folio);
	if (ret) {
		/* Back to a plain anonymous folio; the next write reuses it. */
		WRITE_ONCE(folio->mapping, anon);
		folio_unlock(folio);
		free(node);
		return ret;
	}
	INIT_LIST_HEAD(&node->items);
	node->kpfn = folio_pfn(folio);
	node->checksum = sum;
	list_add(&node->hash, &stable_hash[sum & (KSM_HASH_SIZE - 1)]);
	folio_set_stable_node(folio, node);
	stable_node_add_item(node, item);
	stable_node_add_item(node, tree_item);
	folio_unlock(folio);
	return 0;
}

/*
 * Look at one page: merge it into a KSM folio of the same contents, pair
 * it with an unstable page of the same contents, or remember it.
 * kernel: cmp_and_merge_page().  ksm_mutex held, no mmap_lock.
 */
static void cmp_and_merge_page(struct folio *folio, struct ksm_rmap_item *item)
{
	struct ksm_stable_node *node;
	struct ksm_rmap_item *tree_item;
	struct folio *kfolio;
	struct list_head *bucket;
	uint64_t sum;

	if (folio_test_ksm(folio)) {
		node = folio_stable_node(folio);
		/* Already merged and still mapping its KSM folio; or being made. */
		if (!node || item->head == node)
			return;
		/* Mapping a KSM folio its item does not know (kernel: append). */
		stable_node_add_item(node, item);
		return;
	}
	/* Copied on write since it was merged: an ordinary page again. */
	if (item->head)
		remove_rmap_item_from_tree(item);

	sum = page_checksum(folio);
	kfolio = stable_tree_search(folio, sum, &node);
	if (kfolio) {
		if (!try_to_merge_with_ksm_page(item, folio, kfolio, node))
			stable_node_add_item(node, item);
		else
			ksm_merge_failures++;
		folio_put(kfolio);
		return;
	}

	/* Volatile: changed since the last scan, not worth pairing yet. */
	if (item->checksum != sum) {
		item->checksum = sum;
		return;
	}
	if (item->unstable)
		return;
	bucket = &unstable_hash[sum & (KSM_HASH_SIZE - 1)];
	list_for_each_entry(tree_item, bucket, node) {
		struct folio *tree_folio;
		bool tree_busy = false;
		int ret;

		if (tree_item->checksum != sum)
			continue;
		tree_folio = get_mergeable_page(tree_item);
		if (!tree_folio)
			continue;
		if (tree_folio == folio || !pages_identical(folio, tree_folio)) {
			folio_put(tree_folio);
			continue;
		}
		ret = merge_two_pages(item, folio, tree_item, tree_folio, sum,
				      &tree_busy);
		folio_put(tree_folio);
		if (!ret)
			return;
		ksm_merge_failures++;
		/*
		 * The unstable page would not merge (pinned, or in use): let
		 * this one stand for the contents instead, or every later
		 * equal page of this scan would fail on it too.  kernel:
		 * keeps the tree page, so a pinned page there blocks its
		 * contents for the whole scan.
		 */
		if (!tree_busy)
			return;
		remove_rmap_item_from_tree(tree_item);
		break;
	}
	list_add_tail(&item->node, bucket);
	item->unstable = true;
	ksm_pages_unshared++;
}

/* ---- scanning ---- */

static void free_rmap_item(struct ksm_rmap_item *item)
{
	remove_rmap_item_from_tree(item);
	if (ksm_scan.item == &item->link)
		ksm_scan.item = item->link.next;
	list_del(&item->link);
	free(item);
}

/*
 * The rmap item for @addr, the scan's next address in its mm: items
 * before it are for addresses no longer mapped and go.  Without one, a
 * new item when @create.  kernel: get_next_rmap_item().  NULL if none.
 */
static struct ksm_rmap_item *get_next_rmap_item(struct ksm_mm_slot *slot,
						unsigned long addr, bool create)
{
	struct ksm_rmap_item *item;

	while (ksm_scan.item != &slot->items) {
		item = list_entry(ksm_scan.item, struct ksm_rmap_item, link);
		if (item->address > addr)
			break;
		if (item->address == addr) {
			ksm_scan.item = item->link.next;
			return item;
		}
		free_rmap_item(item);
	}
	if (!create || should_fail(FAULT_KMALLOC))
		return NULL;
	item = calloc(1, sizeof(*item));
	if (!item)
		return NULL;
	item->slot = slot;
	item->address = addr;
	INIT_LIST_HEAD(&item->node);
	list_add_tail(&item->link, ksm_scan.item);
	return item;
}

/* The unstable table lasts one full scan. */
static void end_full_scan(void)
{
	struct ksm_rmap_item *item, *next;
	unsigned int b;

	for (b = 0; b < KSM_HASH_SIZE; b++) {
		list_for_each_entry_safe(item, next, &unstable_hash[b], node) {
			list_del_init(&item->node);
			item->unstable = false;
		}
	}
	ksm_pages_unshared = 0;
	prune_stable_nodes();
	ksm_full_scans++;
	ksm_scan.lap_started = false;
}

/* Move the cursor to the start of the mm after the current one. */
static void next_slot(void)
{
	struct ksm_mm_slot *slot = ksm_scan.slot;

	/* Items past the last mapped address are stale. */
	if (slot)
		while (ksm_scan.item != &slot->items)
			free_rmap_item(list_entry(ksm_scan.item,
						  struct ksm_rmap_item, link));
	if (!slot || list_is_last(&slot->link, &ksm_mm_list)) {
		if (slot)
			end_full_scan();
		slot = list_first_entry_or_null(&ksm_mm_list, struct ksm_mm_slot, link);
	} else {
		slot = list_next_entry(slot, link);
	}
	ksm_scan.slot = slot;
	ksm_scan.address = 0;
	ksm_scan.item = slot ? slot->items.next : NULL;
}

/*
 * The next order-0 anonymous page at or after the cursor in the current
 * mm's mergeable VMAs, with a reference, and the cursor just past it;
 * NULL when the mm has no more -- or, with *@busy set, when the next
 * mapped address holds a migration entry (*@addrp says which).
 * kernel: scan_get_next_rmap_item().
 */
static struct folio *scan_next_page(unsigned long *addrp, bool *busy)
{
	struct mm_struct *mm = ksm_scan.slot->mm;
	struct vm_area_struct *vma;
	struct folio *folio = NULL;

	if (!atomic_read(&mm->refcount))
		return NULL;	/* exiting: ksm_exit() is on its way */
	down_read(&mm->mmap_lock);
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		unsigned long addr;

		if (vma->vm_end <= ksm_scan.address || vma->vm_file ||
		    !(vma->vm_flags & VM_MERGEABLE))
			continue;
		for (addr = max(vma->vm_start, ksm_scan.address);
		     addr < vma->vm_end; addr += PAGE_SIZE) {
			uint64_t e;

			folio = follow_mergeable(mm, addr, &e);
			/*
			 * Under migration: still mapped, just in transit.  Its
			 * item must stay (the migration walks it to map the new
			 * folio); passing it over would drop it as unmapped.
			 */
			if (is_migration_entry(e)) {
				*busy = true;
				*addrp = addr;
				ksm_scan.address = addr + PAGE_SIZE;
				goto out;
			}
			if (folio) {
				*addrp = addr;
				ksm_scan.address = addr + PAGE_SIZE;
				goto out;
			}
		}
	}
out:
	up_read(&mm->mmap_lock);
	return folio;
}

/*
 * Look at up to @pages pages, stopping early once ksm_full_scans reaches
 * @until or a whole lap found no page at all.  ksm_mutex held.
 * Return: the pages looked at.
 */
static unsigned long __ksm_scan(unsigned long pages, unsigned long until)
{
	/* No lap boundary seen yet: the first lap may have started midway. */
	unsigned long done = 0, lap_done = 0, lap = ULONG_MAX;

	lockdep_assert_held(&ksm_mutex);
	if (!ksm_scan.slot)
		next_slot();
	while (ksm_scan.slot && done < pages && ksm_full_scans < until) {
		struct ksm_rmap_item *item;
		struct folio *folio;
		unsigned long addr;
		bool busy = false;

		folio = scan_next_page(&addr, &busy);
		if (busy) {
			/* Keep its item (and drop those before it). */
			get_next_rmap_item(ksm_scan.slot, addr, false);
			continue;
		}
		if (!folio) {
			unsigned long scans = ksm_full_scans;

			next_slot();
			if (ksm_full_scans != scans) {
				/* A whole lap, boundary to boundary, found nothing. */
				if (lap != ULONG_MAX && done == lap_done)
					break;
				lap = ksm_full_scans;
				lap_done = done;
			}
			continue;
		}
		done++;
		ksm_pages_scanned++;
		ksm_scan.lap_started = true;
		item = get_next_rmap_item(ksm_scan.slot, addr, true);
		if (item)
			cmp_and_merge_page(folio, item);
		folio_put(folio);
		cond_resched();
	}
	return done;
}

/**
 * ksm_do_scan - look at up to @pages pages, as one ksmd wake-up does
 * @pages: how many
 *
 * Return: the pages looked at (fewer when there are no more to see).
 */
unsigned long ksm_do_scan(unsigned long pages)
{
	unsigned long done = 0;

	mutex_lock(&ksm_mutex);
	if (ksm_ready)
		done = __ksm_scan(pages, ULONG_MAX);
	mutex_unlock(&ksm_mutex);
	return done;
}

/**
 * ksm_full_scan - scan @n whole laps over every mergeable page
 * @n: how many (a merge needs two: one to see a page's checksum settle,
 *	one to pair it)
 *
 * A lap that earlier scan batches left half done is finished first and
 * does not count, so each of the @n laps sees every page.
 *
 * Return: the pages looked at, or -ENOENT when no mm has mergeable
 * memory.
 */
long ksm_full_scan(unsigned int n)
{
	unsigned long target, done = 0;

	mutex_lock(&ksm_mutex);
	if (!ksm_ready || list_empty(&ksm_mm_list)) {
		mutex_unlock(&ksm_mutex);
		return -ENOENT;
	}
	/* Finish a lap that scan batches left half done: it does not count. */
	if (ksm_scan.lap_started) {
		target = ksm_full_scans + 1;
		while (ksm_full_scans < target)
			if (!__ksm_scan(ULONG_MAX, target) && ksm_full_scans < target)
				next_slot();
	}
	target = ksm_full_scans + n;
	while (ksm_full_scans < target) {
		unsigned long d = __ksm_scan(ULONG_MAX, target);

		/* A lap without any page still counts as a full scan. */
		if (!d && ksm_full_scans < target)
			next_slot();
		done += d;
	}
	mutex_unlock(&ksm_mutex);
	return (long)min(done, (unsigned long)LONG_MAX);
}

/* ---- mms ---- */

/**
 * ksm_enter - register @mm for scanning (its first mergeable VMA)
 * @mm: the mm
 *
 * Context: no mmap_lock held (ksm_mutex comes first).
 * Return: 0, or -ENOMEM.
 */
int ksm_enter(struct mm_struct *mm)
{
	struct ksm_mm_slot *slot;
	int ret = 0;

	mutex_lock(&ksm_mutex);
	if (mm->ksm_slot)
		goto out;
	ret = -ENOMEM;
	if (!ksm_ready || should_fail(FAULT_KMALLOC))
		goto out;
	slot = calloc(1, sizeof(*slot));
	if (!slot)
		goto out;
	slot->mm = mm;
	INIT_LIST_HEAD(&slot->items);
	list_add_tail(&slot->link, &ksm_mm_list);
	mm->ksm_slot = slot;
	ret = 0;
out:
	mutex_unlock(&ksm_mutex);
	return ret;
}

/* Forget @slot, its items and its mm's link to it.  ksm_mutex held. */
static void free_slot(struct ksm_mm_slot *slot)
{
	lockdep_assert_held(&ksm_mutex);
	while (!list_empty(&slot->items)) {
		struct ksm_rmap_item *item = list_first_entry(&slot->items,
					     struct ksm_rmap_item, link);

		remove_rmap_item_from_tree(item);
		list_del(&item->link);
		free(item);
	}
	list_del(&slot->link);
	slot->mm->ksm_slot = NULL;
	free(slot);
}

/**
 * ksm_exit - @mm goes away: forget everything KSM knows about it
 * @mm: the mm, no longer used by anyone
 *
 * Called before its mappings are torn down, so no rmap walk can reach an
 * item of a freed mm.
 * Context: no mmap_lock held.
 */
void ksm_exit(struct mm_struct *mm)
{
	struct ksm_mm_slot *slot;

	mutex_lock(&ksm_mutex);
	slot = mm->ksm_slot;
	if (!slot)
		goto out;
	if (ksm_scan.slot == slot) {
		ksm_scan.item = &slot->items;	/* next_slot() frees the items */
		next_slot();
		if (ksm_scan.slot == slot) {	/* it was the only one */
			ksm_scan.slot = NULL;
			ksm_scan.item = NULL;
		}
	}
	free_slot(slot);
out:
	mutex_unlock(&ksm_mutex);
}

/* ---- figures ---- */

/**
 * ksm_get_stats - /sys/kernel/mm/ksm's figures
 * @st: filled in
 *
 * pages_shared: KSM folios with a mapping item; pages_sharing: the items
 * beyond the first of each (stale items count until the scanner passes
 * them, as in the kernel); pages_unshared: pages in the unstable table.
 */
void ksm_get_stats(struct ksm_stats *st)
{
	struct ksm_stable_node *node;
	unsigned int b;

	memset(st, 0, sizeof(*st));
	mutex_lock(&ksm_mutex);
	for (b = 0; b < KSM_HASH_SIZE; b++)
		list_for_each_entry(node, &stable_hash[b], hash) {
			st->stable_nodes++;
			if (!node->nr_items)
				continue;
			st->pages_shared++;
			st->pages_sharing += node->nr_items - 1;
		}
	st->pages_unshared = ksm_pages_unshared;
	st->full_scans = ksm_full_scans;
	st->pages_scanned = ksm_pages_scanned;
	st->merge_failures = ksm_merge_failures;
	st->run = READ_ONCE(ksmd_task) != NULL;
	mutex_unlock(&ksm_mutex);
}

/* ---- ksmd ---- */

static int ksmd(void *data)
{
	while (!kthread_should_stop()) {
		ksm_do_scan(READ_ONCE(ksm_pages_to_scan));
		wait_event_timeout(ksmd_wait, kthread_should_stop(),
				   READ_ONCE(ksm_sleep_ms));
	}
	return 0;
}

/**
 * ksm_run_set - start (1) or stop (0) ksmd, /sys/kernel/mm/ksm/run
 * @run: 0 or 1
 * @pages_to_scan: pages per wake-up (0: keep)
 * @sleep_ms: sleep between wake-ups (0: keep)
 *
 * Context: not concurrently with itself.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int ksm_run_set(int run, unsigned int pages_to_scan, unsigned int sleep_ms)
{
	struct task_struct *task;

	if (run != 0 && run != 1)
		return -EINVAL;
	if (pages_to_scan)
		WRITE_ONCE(ksm_pages_to_scan, pages_to_scan);
	if (sleep_ms)
		WRITE_ONCE(ksm_sleep_ms, sleep_ms);
	if (!run) {
		task = READ_ONCE(ksmd_task);
		if (task) {
			WRITE_ONCE(ksmd_task, NULL);
			wake_up(&ksmd_wait);
			kthread_stop(task);
		}
		return 0;
	}
	if (READ_ONCE(ksmd_task))
		return 0;
	task = kthread_run_on_cpu(ksmd, NULL, 0, "ksmd");
	if (!task)
		return -ENOMEM;
	WRITE_ONCE(ksmd_task, task);
	return 0;
}

/* ---- machine life cycle ---- */

/**
 * ksm_init - empty tables, for a new machine
 *
 * Return: 0.
 */
int ksm_init(void)
{
	unsigned int b;

	init_rwsem_named(&ksm_rmap_lock, "ksm_rmap_lock", LOCK_RANK_KSM_RMAP);
	init_waitqueue_head(&ksmd_wait);
	for (b = 0; b < KSM_HASH_SIZE; b++) {
		INIT_LIST_HEAD(&stable_hash[b]);
		INIT_LIST_HEAD(&unstable_hash[b]);
	}
	memset(&ksm_scan, 0, sizeof(ksm_scan));
	ksm_full_scans = 0;
	ksm_pages_scanned = 0;
	ksm_pages_unshared = 0;
	ksm_merge_failures = 0;
	ksm_pages_to_scan = 100;
	ksm_sleep_ms = 20;
	mutex_lock(&ksm_mutex);
	ksm_ready = true;
	mutex_unlock(&ksm_mutex);
	return 0;
}

/**
 * ksm_exit_machine - stop ksmd and free the nodes
 *
 * Every process has exited by now (so every mm slot is gone).
 */
void ksm_exit_machine(void)
{
	struct ksm_mm_slot *slot, *next;
	unsigned int b;

	ksm_run_set(0, 0, 0);
	mutex_lock(&ksm_mutex);
	ksm_ready = false;
	list_for_each_entry_safe(slot, next, &ksm_mm_list, link) {
		WARN_ON_ONCE(1);	/* an mm that never exited */
		free_slot(slot);
	}
	for (b = 0; b < KSM_HASH_SIZE; b++)
		while (!list_empty(&stable_hash[b]))
			remove_stable_node(list_first_entry(&stable_hash[b],
					   struct ksm_stable_node, hash));
	memset(&ksm_scan, 0, sizeof(ksm_scan));
	mutex_unlock(&ksm_mutex);
	destroy_waitqueue_head(&ksmd_wait);
}
