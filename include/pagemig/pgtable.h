/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page tables: four levels of 512 64-bit entries (PGD, PUD, PMD, PTE), each
 * table a page of the arena with PageTable set.  Entries are atomic words,
 * changed with xchg/cmpxchg under mm->page_table_lock and read locklessly
 * by CPUs (workload threads) walking them.
 *
 * Entry format (x86-64-like, our own encoding):
 *	present:   _PAGE_PRESENT | [_PAGE_RW] | [_PAGE_DIRTY] | [_PAGE_PSE] | pfn << 12
 *	migration: _PAGE_MIGRATION | [_PAGE_RW] | pfn << 12   (not present)
 *	none:      0
 * A PMD with _PAGE_PSE maps a PMD-sized (order-9) folio directly.
 */
#ifndef _PAGEMIG_PGTABLE_H
#define _PAGEMIG_PGTABLE_H

#include <stdint.h>
#include "mm.h"

typedef uint64_t pte_t;
typedef uint64_t pmd_t;

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)
#define _PAGE_MIGRATION	(1ULL << 62)
#define PTE_PFN_MASK	(((1ULL << 52) - 1) & ~((1ULL << PAGE_SHIFT) - 1))

#define PTRS_PER_TABLE	512
#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define TASK_SIZE	(1UL << 47)

static inline bool pte_none(pte_t pte) { return pte == 0; }
static inline bool pte_present(pte_t pte) { return pte & _PAGE_PRESENT; }
static inline bool pte_write(pte_t pte) { return pte & _PAGE_RW; }
static inline bool pte_dirty(pte_t pte) { return pte & _PAGE_DIRTY; }
static inline bool pmd_trans_huge(pmd_t pmd) { return (pmd & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline bool is_migration_entry(pte_t pte)
{
	return !(pte & _PAGE_PRESENT) && (pte & _PAGE_MIGRATION);
}
static inline unsigned long pte_pfn(pte_t pte) { return (unsigned long)((pte & PTE_PFN_MASK) >> PAGE_SHIFT); }

static inline pte_t pfn_pte(unsigned long pfn, bool write)
{
	return ((pte_t)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
	       (write ? _PAGE_RW : 0);
}

static inline pte_t make_migration_entry(unsigned long pfn, bool write)
{
	return ((pte_t)pfn << PAGE_SHIFT) | _PAGE_MIGRATION | (write ? _PAGE_RW : 0);
}

static inline pte_t ptep_get(pte_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

/* Replace an entry; fully ordered, so a CPU's later re-check sees it. */
static inline pte_t ptep_get_and_set(pte_t *ptep, pte_t pte)
{
	return __atomic_exchange_n(ptep, pte, __ATOMIC_SEQ_CST);
}

/* The table a non-leaf entry points to. */
static inline uint64_t *entry_table(uint64_t entry)
{
	return page_address(pfn_to_page(pte_pfn(entry)));
}

static inline unsigned int pgtable_index(unsigned long addr, unsigned int shift)
{
	return (unsigned int)((addr >> shift) & (PTRS_PER_TABLE - 1));
}

#endif /* _PAGEMIG_PGTABLE_H */
