/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM_BUG_ON() and VM_WARN_ON() families.  With CONFIG_DEBUG_VM off the
 * condition is type-checked but never evaluated, so it must be free of
 * side effects.  The _PAGE/_FOLIO variants dump the page before they
 * report, like include/linux/mmdebug.h.
 */
#ifndef _PAGEMIG_MMDEBUG_H
#define _PAGEMIG_MMDEBUG_H

#include "../../lib/bug.h"

struct page;
struct folio;

void dump_page(const struct page *page, const char *reason);
#define dump_folio(folio, reason) dump_page(&(folio)->page, reason)

#define BUILD_BUG_ON_INVALID(e) ((void)(sizeof((__force_long)(e))))
typedef long __force_long;

#if IS_ENABLED(CONFIG_DEBUG_VM)
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page) do {					\
	if (unlikely(cond)) {						\
		dump_page(page, "VM_BUG_ON_PAGE(" #cond ")");		\
		BUG();							\
	}								\
} while (0)
#define VM_BUG_ON_FOLIO(cond, folio) VM_BUG_ON_PAGE(cond, &(folio)->page)
#define VM_WARN_ON(cond) (void)WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond) WARN_ON_ONCE(cond)
#define VM_WARN_ONCE(cond, msg) WARN_ON_ONCE(cond)
#define VM_WARN_ON_ONCE_PAGE(cond, page) ({				\
	static bool __vw_warned;					\
	bool __vw_ret = !!(cond);					\
	if (unlikely(__vw_ret) &&					\
	    !__atomic_exchange_n(&__vw_warned, true, __ATOMIC_RELAXED)) { \
		dump_page(page, "VM_WARN_ON_ONCE_PAGE(" #cond ")");	\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	}								\
	unlikely(__vw_ret);						\
})
#define VM_WARN_ON_PAGE(cond, page) ({					\
	bool __vw_ret = !!(cond);					\
	if (unlikely(__vw_ret)) {					\
		dump_page(page, "VM_WARN_ON_PAGE(" #cond ")");		\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	}								\
	unlikely(__vw_ret);						\
})
#define VM_WARN_ON_FOLIO(cond, folio) VM_WARN_ON_PAGE(cond, &(folio)->page)
#define VM_WARN_ON_ONCE_FOLIO(cond, folio) VM_WARN_ON_ONCE_PAGE(cond, &(folio)->page)
#else
#define VM_BUG_ON(cond) BUILD_BUG_ON_INVALID(cond)
#define VM_BUG_ON_PAGE(cond, page) VM_BUG_ON(cond)
#define VM_BUG_ON_FOLIO(cond, folio) VM_BUG_ON(cond)
#define VM_WARN_ON(cond) BUILD_BUG_ON_INVALID(cond)
#define VM_WARN_ON_ONCE(cond) ({ BUILD_BUG_ON_INVALID(cond); false; })
#define VM_WARN_ONCE(cond, msg) ({ BUILD_BUG_ON_INVALID(cond); false; })
#define VM_WARN_ON_ONCE_PAGE(cond, page) ({ BUILD_BUG_ON_INVALID(cond); false; })
#define VM_WARN_ON_PAGE(cond, page) ({ BUILD_BUG_ON_INVALID(cond); false; })
#define VM_WARN_ON_FOLIO(cond, folio) ({ BUILD_BUG_ON_INVALID(cond); false; })
#define VM_WARN_ON_ONCE_FOLIO(cond, folio) ({ BUILD_BUG_ON_INVALID(cond); false; })
#endif

#ifdef CONFIG_DEBUG_VM_PGFLAGS
#define VM_BUG_ON_PGFLAGS(cond, page) VM_BUG_ON_PAGE(cond, page)
#else
#define VM_BUG_ON_PGFLAGS(cond, page) BUILD_BUG_ON_INVALID(cond)
#endif

/*
 * testcase(X): a boundary the tests must reach.  In coverage builds each
 * site counts its hits; otherwise it compiles away (SQLite's testcase()).
 */
#define testcase(x) do { (void)sizeof(x); } while (0)

#endif /* _PAGEMIG_MMDEBUG_H */
