/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Locks with kernel names: spinlock_t, struct mutex, struct rw_semaphore,
 * rwlock_t, plus lockdep_assert_held() and a rank for the lock-order
 * checker.  Implemented in sim/lock.c; mm/ never sees pthreads.
 *
 * kernel: lockdep learns the order dynamically; here every lock class has
 * a fixed rank from enum lock_rank and the checker (debug builds) reports
 * any acquisition that is not strictly increasing in rank, naming both
 * locks.  trylock never blocks, so it is recorded but not order-checked.
 */
#ifndef _PAGEMIG_SPINLOCK_H
#define _PAGEMIG_SPINLOCK_H

#include <pthread.h>
#include <stdbool.h>
#include "../../lib/compiler.h"

/*
 * The project-wide lock order, outermost first.  The page lock (a bit in
 * page->flags) is outside all of these and is not tracked.
 */
enum lock_rank {
	LOCK_RANK_NONE = 0,		/* not order-checked */
	LOCK_RANK_DRIVER,		/* balloon driver mutexes, zram device table */
	LOCK_RANK_SUBSYS,		/* registries: zsmalloc pools */
	LOCK_RANK_KSM,			/* ksm_mutex: KSM's scan and tables */
	LOCK_RANK_MMAP,			/* mm->mmap_lock */
	LOCK_RANK_RECLAIM,		/* shrinkers: direct reclaim runs in page faults */
	LOCK_RANK_ZS_MIGRATE,		/* zs_pool->lock (migrate rwlock) */
	LOCK_RANK_ZS_CLASS,		/* size_class->lock */
	LOCK_RANK_ZSPAGE,		/* zspage->lock */
	LOCK_RANK_ZS_ISOLATE,		/* zs_isolate_lock (decoupled movable_ops) */
	LOCK_RANK_BALLOON_PAGES,	/* balloon_pages_lock (mm/balloon.c) */
	LOCK_RANK_KSM_RMAP,		/* ksm_rmap_lock: stable nodes' rmap items */
	LOCK_RANK_I_MMAP,		/* mapping->i_mmap_rwsem (before anon_vma, as the kernel) */
	LOCK_RANK_ANON_VMA,		/* anon_vma->rwsem */
	LOCK_RANK_PTL,			/* page-table lock */
	LOCK_RANK_LRU,			/* lruvec->lru_lock */
	LOCK_RANK_PCP,			/* per_cpu_pages->lock */
	LOCK_RANK_ZONE,			/* zone->lock */
	LOCK_RANK_DRIVER_COMM,		/* a driver's hypervisor channel (vmw comm_lock) */
	LOCK_RANK_LEAF,			/* host models, stats: take nothing inside */
	NR_LOCK_RANKS,
};

struct lock_class_key {
	const char *name;
	enum lock_rank rank;
};

typedef struct {
	int locked;
	struct lock_class_key key;
} spinlock_t;

struct mutex {
	pthread_mutex_t m;
	struct lock_class_key key;
};

struct rw_semaphore {
	pthread_rwlock_t rw;
	struct lock_class_key key;
};

typedef struct {
	pthread_rwlock_t rw;
	struct lock_class_key key;
	int nr_waiting;			/* threads blocked in read_lock/write_lock */
} rwlock_t;

void spin_lock_init_named(spinlock_t *lock, const char *name, enum lock_rank rank);
void spin_lock(spinlock_t *lock);
bool spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
#define spin_lock_init(lock, rank) spin_lock_init_named(lock, #lock, rank)
/* kernel: interrupts off; here there are no interrupts, flags are unused. */
#define spin_lock_irqsave(lock, flags) do { (flags) = 0; spin_lock(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags) do { (void)(flags); spin_unlock(lock); } while (0)
#define spin_lock_irq(lock) spin_lock(lock)
#define spin_unlock_irq(lock) spin_unlock(lock)

void mutex_init_named(struct mutex *lock, const char *name, enum lock_rank rank);
void mutex_destroy(struct mutex *lock);
void mutex_lock(struct mutex *lock);
/* Returns 1 if the mutex was taken, 0 if it is contended (kernel API). */
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
#define mutex_init(lock, rank) mutex_init_named(lock, #lock, rank)
/* A file-scope mutex ready without an init call (kernel: DEFINE_MUTEX). */
#define DEFINE_MUTEX_STATIC(name, rank) \
	struct mutex name = { PTHREAD_MUTEX_INITIALIZER, { #name, rank } }

void init_rwsem_named(struct rw_semaphore *sem, const char *name, enum lock_rank rank);
void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
#define init_rwsem(sem, rank) init_rwsem_named(sem, #sem, rank)

void rwlock_init_named(rwlock_t *lock, const char *name, enum lock_rank rank);
void read_lock(rwlock_t *lock);
void read_unlock(rwlock_t *lock);
void write_lock(rwlock_t *lock);
void write_unlock(rwlock_t *lock);
#define rwlock_init(lock, rank) rwlock_init_named(lock, #lock, rank)

/*
 * Is a thread waiting for @lock?  A hint for a long holder to let it in
 * (kernel: rwlock_is_contended(), true while the queued rwlock has
 * waiters); may be stale by the time the caller acts on it.
 */
static inline bool rwlock_is_contended(rwlock_t *lock)
{
	return __atomic_load_n(&lock->nr_waiting, __ATOMIC_RELAXED) != 0;
}

/* Lock-order checker (sim/lock.c); all no-ops unless CONFIG_DEBUG_VM. */
void lockdep_acquire(const void *lock, const struct lock_class_key *key, bool trylock);
void lockdep_release(const void *lock);
bool lockdep_is_held(const void *lock);
unsigned long lockdep_inversions(void);
#define lockdep_assert_held(l) do {					\
	if (IS_ENABLED(CONFIG_DEBUG_VM))				\
		WARN_ON(!lockdep_is_held(l));				\
} while (0)
#define lockdep_assert_not_held(l) do {					\
	if (IS_ENABLED(CONFIG_DEBUG_VM))				\
		WARN_ON(lockdep_is_held(l));				\
} while (0)

/*
 * Sleep until a bit lock can be taken (PG_locked and friends): sets
 * @waiters_bit so the unlocker knows to wake us.  sim/wait.c.
 */
void wait_on_bit_lock(unsigned long *word, int bit, int waiters_bit);
/* Release a bit lock and wake anyone sleeping in wait_on_bit_lock(). */
void clear_bit_unlock_wake(unsigned long *word, int bit, int waiters_bit);
/* Sleep until @bit is clear in @word (no lock taken). */
void wait_on_bit(unsigned long *word, int bit, int waiters_bit);
/* The same, releasing @lock once registered as a waiter. */
void wait_on_bit_unlock_spin(unsigned long *word, int bit, int waiters_bit,
			     spinlock_t *lock);

/*
 * debug_yield(): a scheduling point at a known race window, so two cores
 * hit the interleavings that matter.  In parallel mode active only in
 * stress builds (YIELD=1); under the deterministic scheduler (sim/sched.c)
 * a scheduling point in every build.
 */
extern bool __pm_sched_on;
void __debug_yield_sched(void);
#if IS_ENABLED(CONFIG_PAGEMIG_DEBUG_YIELD)
void __debug_yield(void);
#define debug_yield() __debug_yield()
#else
#define debug_yield() do {						\
	if (unlikely(__pm_sched_on))					\
		__debug_yield_sched();					\
} while (0)
#endif

#endif /* _PAGEMIG_SPINLOCK_H */
