// SPDX-License-Identifier: GPL-2.0
/*
 * Locks with kernel names, and the lock-order checker.
 *
 * spinlock_t is a test-and-test-and-set lock on one int: acquire on the
 * winning exchange, release on the unlocking store.  Threads may outnumber
 * the host's two cores, so a waiter spins briefly and then yields, or a
 * preempted holder would be waited on for a whole time slice.  Sleeping
 * locks (mutex, rw_semaphore, rwlock_t) are the pthread ones.
 *
 * Lock order (outermost first), enforced by rank in debug builds; it is
 * enum lock_rank in include/pagemig/spinlock.h, and the page lock (a bit
 * in page->flags) sits outside all of them:
 *
 *   driver mutexes -> mmap_lock -> zs_pool->lock -> size_class->lock ->
 *   zspage->lock -> balloon_pages_lock -> anon_vma/i_mmap -> PTL ->
 *   lru_lock -> pcp->lock -> zone->lock -> leaf locks
 *
 * kernel: lockdep learns the order from what it sees and proves cycles;
 * here, as with jemalloc's witnesses, every class has a fixed rank and a
 * blocking acquisition must be strictly greater in rank than every ranked
 * lock already held.  The checker keeps a per-thread stack of held locks,
 * so it costs nothing across threads.  trylocks cannot deadlock, so they
 * are pushed but not checked.  Each offending (held, new) pair of names is
 * printed once; every occurrence is counted.
 *
 * Under the deterministic scheduler (sim/sched.c) every acquisition and
 * release is a scheduling point, and a contended lock is waited for with
 * sched_block() on the lock's address, woken by the release: the baton
 * holder must never spin or sleep on the host.
 *
 * This file owns one internal lock, report_lock, which guards the table
 * of pairs already printed; it is a leaf and is not itself tracked.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include <pagemig/prandom.h>
#include <pagemig/printk.h>
#include <pagemig/sched.h>
#include <pagemig/spinlock.h>
#include "../lib/bug.h"
#include "lock.h"

/* Read by lib/atomic.h's smp_mb() under ThreadSanitizer. */
long __pm_fence_word;

/* ---- lock-order checker ------------------------------------------------ */

#define MAX_HELD_LOCKS	48
#define NR_REPORTED	512

struct held_lock {
	const void *lock;
	const struct lock_class_key *key;
};

static __thread struct held_lock held_locks[MAX_HELD_LOCKS];
static __thread int nr_held;
/* Locks pushed past MAX_HELD_LOCKS are forgotten; releases may not match. */
static __thread int nr_dropped;

static unsigned long nr_inversions;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t reported[NR_REPORTED];	/* hashes of printed pairs; 0 = empty */

static const char *key_name(const struct lock_class_key *key)
{
	return key->name ? key->name : "(unnamed)";
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	/* FNV-1a: names are short, and collisions only hide a duplicate line. */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* True the first time this pair of classes is seen. */
static bool first_report(const struct lock_class_key *held,
			 const struct lock_class_key *new)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	bool first = true;
	unsigned int i;

	h = hash_str(h, key_name(held));
	h = hash_str(h ^ ((uint64_t)held->rank << 32 | new->rank), "\x01");
	h = hash_str(h, key_name(new));
	if (!h)
		h = 1;

	pthread_mutex_lock(&report_lock);
	for (i = h % NR_REPORTED; reported[i]; i = (i + 1) % NR_REPORTED) {
		if (reported[i] == h) {
			first = false;
			goto out;
		}
		if (i == (h - 1) % NR_REPORTED)
			goto out;	/* table full: print again rather than drop */
	}
	reported[i] = h;
out:
	pthread_mutex_unlock(&report_lock);
	return first;
}

static void check_order(const struct lock_class_key *key)
{
	int i;

	if (key->rank == LOCK_RANK_NONE)
		return;
	for (i = 0; i < nr_held; i++) {
		const struct lock_class_key *h = held_locks[i].key;

		if (h->rank == LOCK_RANK_NONE || h->rank < key->rank)
			continue;
		__atomic_fetch_add(&nr_inversions, 1, __ATOMIC_RELAXED);
		if (first_report(h, key))
			pr_warn("lock order inversion: acquiring %s (rank %d) while holding %s (rank %d)\n",
				key_name(key), key->rank, key_name(h), h->rank);
	}
}

/**
 * lockdep_acquire - record that the current thread takes a lock
 * @lock: the lock's address (its identity on the held stack)
 * @key: the lock's class: name and rank
 * @trylock: true for an acquisition that could not block
 *
 * A blocking acquisition is checked against every ranked lock the thread
 * holds: one of equal or higher rank is an inversion, printed once per
 * pair of names and counted each time.  Call before blocking, so that a
 * real deadlock is reported before it hangs.  No-op unless
 * CONFIG_DEBUG_VM.
 */
void lockdep_acquire(const void *lock, const struct lock_class_key *key,
		     bool trylock)
{
	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	if (!trylock)
		check_order(key);
	if (nr_held == MAX_HELD_LOCKS) {
		nr_dropped++;
		return;
	}
	held_locks[nr_held].lock = lock;
	held_locks[nr_held].key = key;
	nr_held++;
}

/**
 * lockdep_release - record that the current thread dropped a lock
 * @lock: the lock's address
 *
 * Removes the most recent entry for @lock, wherever it is on the stack:
 * locks need not be released in reverse order.  Releasing a lock this
 * thread does not hold warns.  No-op unless CONFIG_DEBUG_VM.
 */
void lockdep_release(const void *lock)
{
	int i;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return;
	for (i = nr_held - 1; i >= 0; i--) {
		if (held_locks[i].lock != lock)
			continue;
		memmove(&held_locks[i], &held_locks[i + 1],
			(nr_held - i - 1) * sizeof(held_locks[0]));
		nr_held--;
		return;
	}
	if (nr_dropped) {
		nr_dropped--;
		return;
	}
	WARN_ON_ONCE(1 /* unlock of a lock this thread does not hold */);
}

/**
 * lockdep_is_held - does the current thread hold @lock?
 * @lock: the lock's address
 *
 * Return: true if the calling thread holds @lock (for a rwlock, in either
 * mode); always true unless CONFIG_DEBUG_VM, as in the kernel without
 * lockdep, so assertions built on it never fire there.
 */
bool lockdep_is_held(const void *lock)
{
	int i;

	if (!IS_ENABLED(CONFIG_DEBUG_VM))
		return true;
	for (i = 0; i < nr_held; i++)
		if (held_locks[i].lock == lock)
			return true;
	return false;
}

/**
 * lockdep_inversions - lock-order inversions seen so far
 *
 * Return: the number of (held, acquired) pairs found out of order since
 * start or the last lockdep_reset_inversions(); 0 unless CONFIG_DEBUG_VM.
 */
unsigned long lockdep_inversions(void)
{
	return __atomic_load_n(&nr_inversions, __ATOMIC_RELAXED);
}

/**
 * lockdep_reset_inversions - zero the inversion count
 *
 * Pairs already printed stay printed: a message is worth reading once
 * per process.
 */
void lockdep_reset_inversions(void)
{
	__atomic_store_n(&nr_inversions, 0, __ATOMIC_RELAXED);
}

static void key_init(struct lock_class_key *key, const char *name,
		     enum lock_rank rank)
{
	key->name = name;
	key->rank = rank;
}

/*
 * Under the deterministic scheduler: let waiters for @lock retry, and
 * make the release a scheduling point.
 */
static void sched_unlocked(const void *lock)
{
	if (!sched_is_scheduled_thread())
		return;
	sched_wake(lock);
	__sched_point(SP_UNLOCK);
}

/* ---- spinlock_t ----------------------------------------------------------- */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/**
 * spin_lock_init_named - initialise a spinlock
 * @lock: the lock
 * @name: class name for the checker's reports (kept by reference)
 * @rank: position in the lock order, or LOCK_RANK_NONE
 */
void spin_lock_init_named(spinlock_t *lock, const char *name,
			  enum lock_rank rank)
{
	lock->locked = 0;
	key_init(&lock->key, name, rank);
}

/**
 * spin_lock - take a spinlock, spinning (then yielding) until it is free
 * @lock: the lock
 *
 * Context: the lock must not be held by the caller.
 */
void spin_lock(spinlock_t *lock)
{
	unsigned int spins;

	lockdep_acquire(lock, &lock->key, false);
	if (sched_is_scheduled_thread()) {
		__sched_point(SP_LOCK);
		while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
			sched_block(lock, lock->key.name, 0);
		return;
	}
	/* Pairs with the release store in spin_unlock(). */
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		/* Wait on a plain load so waiters do not bounce the line. */
		for (spins = 0; __atomic_load_n(&lock->locked, __ATOMIC_RELAXED); ) {
			if (++spins < 100) {
				cpu_relax();
			} else {
				/* The holder may be preempted: let it run. */
				sched_yield();
				spins = 0;
			}
		}
	}
}

/**
 * spin_trylock - take a spinlock if it is free
 * @lock: the lock
 *
 * Return: true if the lock was taken.
 */
bool spin_trylock(spinlock_t *lock)
{
	sched_point(SP_LOCK);
	if (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		return false;
	lockdep_acquire(lock, &lock->key, true);
	return true;
}

/**
 * spin_unlock - release a spinlock
 * @lock: the lock, held by the caller
 */
void spin_unlock(spinlock_t *lock)
{
	lockdep_release(lock);
	/* Pairs with the acquire exchange in spin_lock()/spin_trylock(). */
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	sched_unlocked(lock);
}

/* ---- struct mutex ----------------------------------------------------------- */

/**
 * mutex_init_named - initialise a mutex
 * @lock: the mutex
 * @name: class name for the checker's reports (kept by reference)
 * @rank: position in the lock order, or LOCK_RANK_NONE
 */
void mutex_init_named(struct mutex *lock, const char *name,
		      enum lock_rank rank)
{
	pthread_mutex_init(&lock->m, NULL);
	key_init(&lock->key, name, rank);
}

/**
 * mutex_destroy - release a mutex's resources
 * @lock: an unlocked mutex
 */
void mutex_destroy(struct mutex *lock)
{
	WARN_ON(pthread_mutex_destroy(&lock->m));
}

/**
 * mutex_lock - take a mutex, sleeping while it is contended
 * @lock: the mutex
 *
 * Context: may sleep; the caller must not hold it already.
 */
void mutex_lock(struct mutex *lock)
{
	lockdep_acquire(lock, &lock->key, false);
	if (sched_is_scheduled_thread()) {
		__sched_point(SP_LOCK);
		while (pthread_mutex_trylock(&lock->m))
			sched_block(lock, lock->key.name, 0);
		return;
	}
	WARN_ON(pthread_mutex_lock(&lock->m));
}

/**
 * mutex_trylock - take a mutex if it is free
 * @lock: the mutex
 *
 * Return: 1 if the mutex was taken, 0 if it is contended.
 */
int mutex_trylock(struct mutex *lock)
{
	sched_point(SP_LOCK);
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	lockdep_acquire(lock, &lock->key, true);
	return 1;
}

/**
 * mutex_unlock - release a mutex
 * @lock: the mutex, held by the caller
 */
void mutex_unlock(struct mutex *lock)
{
	lockdep_release(lock);
	WARN_ON(pthread_mutex_unlock(&lock->m));
	sched_unlocked(lock);
}

/* ---- struct rw_semaphore ---------------------------------------------------- */

/**
 * init_rwsem_named - initialise a read-write semaphore
 * @sem: the semaphore
 * @name: class name for the checker's reports (kept by reference)
 * @rank: position in the lock order, or LOCK_RANK_NONE
 */
void init_rwsem_named(struct rw_semaphore *sem, const char *name,
		      enum lock_rank rank)
{
	pthread_rwlock_init(&sem->rw, NULL);
	key_init(&sem->key, name, rank);
}

/**
 * down_read - take a rw_semaphore for reading
 * @sem: the semaphore
 *
 * Context: may sleep.
 */
void down_read(struct rw_semaphore *sem)
{
	lockdep_acquire(sem, &sem->key, false);
	if (sched_is_scheduled_thread()) {
		__sched_point(SP_LOCK);
		while (pthread_rwlock_tryrdlock(&sem->rw))
			sched_block(sem, sem->key.name, 0);
		return;
	}
	WARN_ON(pthread_rwlock_rdlock(&sem->rw));
}

/**
 * down_read_trylock - take a rw_semaphore for reading if possible
 * @sem: the semaphore
 *
 * Return: 1 if taken, 0 if a writer holds it.
 */
int down_read_trylock(struct rw_semaphore *sem)
{
	sched_point(SP_LOCK);
	if (pthread_rwlock_tryrdlock(&sem->rw))
		return 0;
	lockdep_acquire(sem, &sem->key, true);
	return 1;
}

/**
 * up_read - release a read hold on a rw_semaphore
 * @sem: the semaphore
 */
void up_read(struct rw_semaphore *sem)
{
	lockdep_release(sem);
	WARN_ON(pthread_rwlock_unlock(&sem->rw));
	sched_unlocked(sem);
}

/**
 * down_write - take a rw_semaphore for writing
 * @sem: the semaphore
 *
 * Context: may sleep.
 */
void down_write(struct rw_semaphore *sem)
{
	lockdep_acquire(sem, &sem->key, false);
	if (sched_is_scheduled_thread()) {
		__sched_point(SP_LOCK);
		while (pthread_rwlock_trywrlock(&sem->rw))
			sched_block(sem, sem->key.name, 0);
		return;
	}
	WARN_ON(pthread_rwlock_wrlock(&sem->rw));
}

/**
 * down_write_trylock - take a rw_semaphore for writing if possible
 * @sem: the semaphore
 *
 * Return: 1 if taken, 0 if anyone holds it.
 */
int down_write_trylock(struct rw_semaphore *sem)
{
	sched_point(SP_LOCK);
	if (pthread_rwlock_trywrlock(&sem->rw))
		return 0;
	lockdep_acquire(sem, &sem->key, true);
	return 1;
}

/**
 * up_write - release a write hold on a rw_semaphore
 * @sem: the semaphore
 */
void up_write(struct rw_semaphore *sem)
{
	lockdep_release(sem);
	WARN_ON(pthread_rwlock_unlock(&sem->rw));
	sched_unlocked(sem);
}

/* ---- rwlock_t ---------------------------------------------------------------- */

/**
 * rwlock_init_named - initialise a reader-writer spinlock
 * @lock: the lock
 * @name: class name for the checker's reports (kept by reference)
 * @rank: position in the lock order, or LOCK_RANK_NONE
 *
 * kernel: a spinning lock; here a pthread rwlock, since holders may be
 * preempted and spinning on two cores would only burn the other one.
 * A thread that has to block on it is counted in nr_waiting while it
 * waits, for rwlock_is_contended(); an uncontended acquisition costs a
 * trylock and nothing more.
 */
void rwlock_init_named(rwlock_t *lock, const char *name, enum lock_rank rank)
{
	pthread_rwlock_init(&lock->rw, NULL);
	key_init(&lock->key, name, rank);
	lock->nr_waiting = 0;
}

/* Take @lock with @try under the deterministic scheduler. */
static void sched_rwlock_wait(rwlock_t *lock,
			      int (*try)(pthread_rwlock_t *rw))
{
	__sched_point(SP_LOCK);
	if (!try(&lock->rw))
		return;
	lock->nr_waiting++;
	do {
		sched_block(lock, lock->key.name, 0);
	} while (try(&lock->rw));
	lock->nr_waiting--;
}

/**
 * read_lock - take a rwlock_t for reading
 * @lock: the lock
 */
void read_lock(rwlock_t *lock)
{
	lockdep_acquire(lock, &lock->key, false);
	if (sched_is_scheduled_thread()) {
		sched_rwlock_wait(lock, pthread_rwlock_tryrdlock);
		return;
	}
	if (!pthread_rwlock_tryrdlock(&lock->rw))
		return;
	__atomic_fetch_add(&lock->nr_waiting, 1, __ATOMIC_RELAXED);
	WARN_ON(pthread_rwlock_rdlock(&lock->rw));
	__atomic_fetch_sub(&lock->nr_waiting, 1, __ATOMIC_RELAXED);
}

/**
 * read_unlock - release a read hold on a rwlock_t
 * @lock: the lock
 */
void read_unlock(rwlock_t *lock)
{
	lockdep_release(lock);
	WARN_ON(pthread_rwlock_unlock(&lock->rw));
	sched_unlocked(lock);
}

/**
 * write_lock - take a rwlock_t for writing
 * @lock: the lock
 */
void write_lock(rwlock_t *lock)
{
	lockdep_acquire(lock, &lock->key, false);
	if (sched_is_scheduled_thread()) {
		sched_rwlock_wait(lock, pthread_rwlock_trywrlock);
		return;
	}
	if (!pthread_rwlock_trywrlock(&lock->rw))
		return;
	__atomic_fetch_add(&lock->nr_waiting, 1, __ATOMIC_RELAXED);
	WARN_ON(pthread_rwlock_wrlock(&lock->rw));
	__atomic_fetch_sub(&lock->nr_waiting, 1, __ATOMIC_RELAXED);
}

/**
 * write_unlock - release a write hold on a rwlock_t
 * @lock: the lock
 */
void write_unlock(rwlock_t *lock)
{
	lockdep_release(lock);
	WARN_ON(pthread_rwlock_unlock(&lock->rw));
	sched_unlocked(lock);
}

/* ---- debug_yield() ----------------------------------------------------------- */

/**
 * __debug_yield_sched - a race window, under the deterministic scheduler
 *
 * Every call is a scheduling point, in every build, so the seed decides
 * who runs inside the window.
 */
void __debug_yield_sched(void)
{
	__sched_point(SP_RACE);
}

#if IS_ENABLED(CONFIG_PAGEMIG_DEBUG_YIELD)
static uint64_t yield_seed_ctr;
static __thread struct pagemig_rng yield_rng;
static __thread bool yield_rng_ready;

/**
 * __debug_yield - maybe give up the CPU at a race window
 *
 * Yields about one call in eight, from a per-thread PRNG so threads do
 * not yield in lockstep.  With two cores, this is what lets stress tests
 * see the interleavings that a busy kernel would.
 */
void __debug_yield(void)
{
	if (sched_deterministic()) {
		__sched_point(SP_RACE);
		return;
	}
	if (unlikely(!yield_rng_ready)) {
		pagemig_rng_seed(&yield_rng,
				 __atomic_add_fetch(&yield_seed_ctr, 1,
						    __ATOMIC_RELAXED));
		yield_rng_ready = true;
	}
	if (!(pagemig_rng_next(&yield_rng) & 7))
		sched_yield();
}
#endif
