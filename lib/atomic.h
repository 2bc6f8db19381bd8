/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_t, atomic_long_t and the barriers, with the kernel's names and
 * ordering rules: plain reads and sets are relaxed, value-returning RMW
 * operations are fully ordered, void RMW operations are relaxed.
 *
 * kernel: arch-specific asm; here: the compiler's C11 __atomic builtins.
 * Under ThreadSanitizer a stand-alone fence is not modelled, so smp_mb()
 * and friends become a fully ordered RMW on a private word instead, which
 * is at least as strong and which TSan does understand.
 */
#ifndef _PAGEMIG_LIB_ATOMIC_H
#define _PAGEMIG_LIB_ATOMIC_H

#include <stdbool.h>
#include "compiler.h"

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }

#if defined(__SANITIZE_THREAD__)
extern long __pm_fence_word;
#define __pm_fence(order) ((void)__atomic_fetch_add(&__pm_fence_word, 0, __ATOMIC_SEQ_CST))
#else
#define __pm_fence(order) __atomic_thread_fence(order)
#endif
#define smp_mb()	__pm_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__pm_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__pm_fence(__ATOMIC_RELEASE)
#define smp_mb__after_atomic()	smp_mb()
#define smp_mb__before_atomic()	smp_mb()

#define __PM_ATOMIC_OPS(pfx, t, vt)					\
static inline vt pfx##_read(const t *v)					\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline void pfx##_set(t *v, vt i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_add(vt i, t *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(vt i, t *v)				\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(t *v) { pfx##_add(1, v); }			\
static inline void pfx##_dec(t *v) { pfx##_sub(1, v); }			\
static inline vt pfx##_add_return(vt i, t *v)				\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline vt pfx##_sub_return(vt i, t *v)				\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline vt pfx##_fetch_add(vt i, t *v)				\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline vt pfx##_inc_return(t *v) { return pfx##_add_return(1, v); } \
static inline vt pfx##_dec_return(t *v) { return pfx##_sub_return(1, v); } \
static inline bool pfx##_dec_and_test(t *v)				\
{ return pfx##_sub_return(1, v) == 0; }					\
static inline bool pfx##_sub_and_test(vt i, t *v)			\
{ return pfx##_sub_return(i, v) == 0; }					\
static inline vt pfx##_cmpxchg(t *v, vt old, vt new)			\
{									\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED); \
	return old;							\
}									\
static inline bool pfx##_try_cmpxchg(t *v, vt *old, vt new)		\
{									\
	return __atomic_compare_exchange_n(&v->counter, old, new, false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED); \
}									\
/* Add @a unless the value is @u; true if the add happened. */		\
static inline bool pfx##_add_unless(t *v, vt a, vt u)			\
{									\
	vt c = pfx##_read(v);						\
									\
	do {								\
		if (c == u)						\
			return false;					\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));			\
	return true;							\
}

__PM_ATOMIC_OPS(atomic, atomic_t, int)
__PM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

static inline bool atomic_inc_not_zero(atomic_t *v)
{
	return atomic_add_unless(v, 1, 0);
}

#endif /* _PAGEMIG_LIB_ATOMIC_H */
