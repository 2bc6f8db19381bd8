/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WARN_ON() and friends.  A warning prints the condition and where it was
 * hit, counts itself (tests assert on pagemig_warnings()) and lets the
 * caller take its way back.  BUG() is for state too corrupt to go on: it
 * reports and aborts, and is never reachable from bad user input.
 */
#ifndef _PAGEMIG_LIB_BUG_H
#define _PAGEMIG_LIB_BUG_H

#include <stdbool.h>
#include "compiler.h"

void __warn(const char *file, int line, const char *func, const char *cond);
void __noreturn_bug(const char *file, int line, const char *func,
		    const char *cond) __attribute__((__noreturn__));

#define WARN_ON(cond) ({						\
	bool __ret = !!(cond);						\
	if (unlikely(__ret))						\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	unlikely(__ret);						\
})

#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	bool __ret = !!(cond);						\
	if (unlikely(__ret) &&						\
	    !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))	\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	unlikely(__ret);						\
})

#define WARN(cond, msg) ({						\
	bool __ret = !!(cond);						\
	if (unlikely(__ret))						\
		__warn(__FILE__, __LINE__, __func__, msg);		\
	unlikely(__ret);						\
})

#define BUG() __noreturn_bug(__FILE__, __LINE__, __func__, "BUG()")
#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		__noreturn_bug(__FILE__, __LINE__, __func__, #cond);	\
} while (0)

#endif /* _PAGEMIG_LIB_BUG_H */
