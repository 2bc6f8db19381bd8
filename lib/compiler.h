/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiler glue in the kernel's spelling: annotations, READ_ONCE/WRITE_ONCE,
 * container_of, BUILD_BUG_ON and IS_ENABLED().
 *
 * kernel: READ_ONCE() is a volatile access; here it is a relaxed C11 atomic
 * load so that ThreadSanitizer sees the racy read as intended.
 */
#ifndef _PAGEMIG_LIB_COMPILER_H
#define _PAGEMIG_LIB_COMPILER_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <generated/autoconf.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))
#define __maybe_unused	__attribute__((__unused__))
#define __must_check	__attribute__((__warn_unused_result__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __cold		__attribute__((__cold__))
#define fallthrough	__attribute__((__fallthrough__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define ____cacheline_aligned __aligned(64)

#define READ_ONCE(x)	 __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON: " #cond)

#define ___PASTE(a, b)	a##b
#define __PASTE(a, b)	___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__pm_, prefix), __COUNTER__)
#define __cmp_once(op, a, b, ua, ub) ({				\
	__typeof__(a) ua = (a);						\
	__typeof__(b) ub = (b);						\
	ua op ub ? ua : ub; })
/* Each use gets its own temporaries, so min(max(..), ..) nests cleanly. */
#define min(a, b) __cmp_once(<, a, b, __UNIQUE_ID(x), __UNIQUE_ID(y))
#define max(a, b) __cmp_once(>, a, b, __UNIQUE_ID(x), __UNIQUE_ID(y))
#define min_t(t, a, b)	min((t)(a), (t)(b))
#define max_t(t, a, b)	max((t)(a), (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
#define swap(a, b) do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)

#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

/*
 * IS_ENABLED(CONFIG_FOO) is 1 when generated/autoconf.h defines CONFIG_FOO
 * as 1, and 0 when it does not define it at all; usable in plain C
 * expressions so that disabled code is still type-checked.
 */
#define __PM_PLACEHOLDER_1 0,
#define __pm_second(ignored, val, ...) val
#define __pm_defined(x) ___pm_defined(x)
#define ___pm_defined(v) ____pm_defined(__PM_PLACEHOLDER_##v)
#define ____pm_defined(junk) __pm_second(junk 1, 0, 0)
#define IS_ENABLED(option) __pm_defined(option)

#endif /* _PAGEMIG_LIB_COMPILER_H */
