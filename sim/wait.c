// SPDX-License-Identifier: GPL-2.0
/*
 * Bit waitqueues: sleeping on a bit lock such as PG_locked.
 *
 * kernel: a hashed table of wait_queue_heads (folio_wait_table), with
 * PG_waiters telling the unlocker whether anyone sleeps.  Here the same
 * shape: a hashed table of buckets, each a pthread mutex, a condition
 * variable and a count of sleepers, with the caller's @waiters_bit
 * playing PG_waiters so an uncontended unlock never touches a bucket.
 *
 * No wake-up is lost because the lock bit and the waiters bit live in the
 * same word, so every RMW on them is totally ordered:
 *
 *  - a sleeper, holding the bucket mutex, sets the waiters bit and only
 *    then retries the lock bit;
 *  - the unlocker clears the lock bit with one RMW that also returns the
 *    waiters bit.
 *
 * If the unlocker's RMW comes after the sleeper's set, it sees the waiters
 * bit and broadcasts under the bucket mutex, which it can only take once
 * the sleeper is inside pthread_cond_wait().  If it comes before, the
 * sleeper's retry finds the lock bit clear.  The waiters bit is cleared
 * only under the bucket mutex and only when the bucket has no sleepers,
 * so it cannot be cleared under a sleeper that has just set it.  Buckets
 * are shared by unrelated words; a shared bucket costs spurious wake-ups,
 * never missed ones.
 *
 * Under the deterministic scheduler the buckets are not used: a sleeper
 * waits with sched_block() on the word itself and the unlocker wakes
 * exactly the word's sleepers, so which threads wake never depends on
 * where the host put the word.  Taking and releasing a bit lock are
 * scheduling points.
 */
#include <pthread.h>
#include <stdint.h>

#include <pagemig/sched.h>
#include <pagemig/spinlock.h>
#include "../lib/bitops.h"
#include "../lib/bug.h"

#define WAIT_TABLE_BITS	8
#define WAIT_TABLE_SIZE	(1 << WAIT_TABLE_BITS)

struct wait_bucket {
	pthread_mutex_t lock;
	pthread_cond_t wait;
	unsigned int nr_waiters;	/* protected by lock */
} ____cacheline_aligned;

static struct wait_bucket wait_table[WAIT_TABLE_SIZE] = {
	[0 ... WAIT_TABLE_SIZE - 1] = {
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0
	},
};

static struct wait_bucket *bucket_of(const unsigned long *word)
{
	uint64_t h = (uintptr_t)word * 0x9e3779b97f4a7c15ULL;

	return &wait_table[h >> (64 - WAIT_TABLE_BITS)];
}

/*
 * Sleep until @bit is clear in @word; take it too if @take.  Called with
 * the fast path already failed.
 */
/*
 * Set @waiters only while @mask is set, in one step.  A wait_on_bit()
 * caller may hold no reference (migration_entry_wait()): once the bit is
 * clear the page may be freed, and a waiters bit set after
 * free_pages_prepare() cleared the flags would reach the buddy allocator
 * (the VM_BUG_ON_PAGE in __free_one_page()).  Return: whether @mask was
 * set (and @waiters is now set).
 */
static bool set_waiters_if_locked(unsigned long *word, unsigned long mask,
				  unsigned long waiters)
{
	unsigned long old = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	do {
		if (!(old & mask))
			return false;
	} while (!__atomic_compare_exchange_n(word, &old, old | waiters, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return true;
}

/* wait_on_bit_common() under the deterministic scheduler. */
static void wait_on_bit_sched(unsigned long *word, int bit, int waiters_bit,
			      bool take)
{
	for (;;) {
		if (take) {
			__atomic_fetch_or(word, BIT(waiters_bit), __ATOMIC_SEQ_CST);
			if (!test_and_set_bit_lock(bit, word))
				return;
		} else if (!set_waiters_if_locked(word, BIT(bit),
						  BIT(waiters_bit))) {
			return;
		}
		sched_block(word, take ? "bit lock" : "bit", 0);
	}
}

static void wait_on_bit_common(unsigned long *word, int bit, int waiters_bit,
			       bool take)
{
	struct wait_bucket *b = bucket_of(word);
	unsigned long mask = BIT(bit);

	if (sched_is_scheduled_thread()) {
		wait_on_bit_sched(word, bit, waiters_bit, take);
		return;
	}
	pthread_mutex_lock(&b->lock);
	b->nr_waiters++;
	for (;;) {
		/* Announce ourselves before looking at the bit again. */
		if (take) {
			__atomic_fetch_or(word, BIT(waiters_bit), __ATOMIC_SEQ_CST);
			if (!test_and_set_bit_lock(bit, word))
				break;
		} else if (!set_waiters_if_locked(word, mask, BIT(waiters_bit))) {
			break;
		}
		pthread_cond_wait(&b->wait, &b->lock);
	}
	b->nr_waiters--;
	pthread_mutex_unlock(&b->lock);
}

/**
 * wait_on_bit_lock - take a bit lock, sleeping while it is held
 * @word: the word holding both bits
 * @bit: the lock bit, < BITS_PER_LONG
 * @waiters_bit: the "someone sleeps" bit in the same word
 *
 * Return with @bit set by the caller, with acquire ordering, like
 * folio_lock().  @waiters_bit may be left set after return; the next
 * unlock clears it if nobody sleeps any more.
 *
 * Context: may sleep.
 */
void wait_on_bit_lock(unsigned long *word, int bit, int waiters_bit)
{
	sched_point(SP_LOCK);
	if (!test_and_set_bit_lock(bit, word))
		return;
	wait_on_bit_common(word, bit, waiters_bit, true);
}

/**
 * clear_bit_unlock_wake - release a bit lock and wake its sleepers
 * @word: the word holding both bits
 * @bit: the lock bit, held by the caller
 * @waiters_bit: the "someone sleeps" bit in the same word
 *
 * Release ordering: everything written under the bit lock is visible to
 * the next holder.  Wakes every sleeper on the bucket; they race again.
 */
void clear_bit_unlock_wake(unsigned long *word, int bit, int waiters_bit)
{
	struct wait_bucket *b;
	unsigned long old;

	old = __atomic_fetch_and(word, ~BIT(bit), __ATOMIC_SEQ_CST);
	WARN_ON_ONCE(!(old & BIT(bit)));
	if (sched_is_scheduled_thread()) {
		if (old & BIT(waiters_bit)) {
			sched_wake(word);
			__atomic_fetch_and(word, ~BIT(waiters_bit),
					   __ATOMIC_SEQ_CST);
		}
		__sched_point(SP_UNLOCK);
		return;
	}
	if (!(old & BIT(waiters_bit)))
		return;

	b = bucket_of(word);
	pthread_mutex_lock(&b->lock);
	pthread_cond_broadcast(&b->wait);
	if (!b->nr_waiters)
		__atomic_fetch_and(word, ~BIT(waiters_bit), __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&b->lock);
}

/**
 * wait_on_bit - sleep until a bit is clear, without taking it
 * @word: the word holding both bits
 * @bit: the bit waited on
 * @waiters_bit: the "someone sleeps" bit in the same word
 *
 * Returns once @bit was seen clear (acquire); it may be set again by
 * the time the caller looks.  The bit must be cleared with
 * clear_bit_unlock_wake() for this to wake.
 *
 * Context: may sleep.
 */
void wait_on_bit(unsigned long *word, int bit, int waiters_bit)
{
	sched_point(SP_BLOCK);
	if (!(__atomic_load_n(word, __ATOMIC_ACQUIRE) & BIT(bit)))
		return;
	wait_on_bit_common(word, bit, waiters_bit, false);
}

/**
 * wait_on_bit_unlock_spin - wait for a bit to clear, dropping a spinlock
 * @word: the word holding both bits
 * @bit: the bit waited on
 * @waiters_bit: the "someone sleeps" bit in the same word
 * @lock: a spinlock the caller holds; released before sleeping (or
 *	before returning when the bit is already clear)
 *
 * For waiters whose right to touch @word is guaranteed only while @lock
 * is held (kernel: migration_entry_wait_on_locked() under the PTL): the
 * waiters bit is set, and the bit checked, before @lock goes, so the
 * word's owner cannot have moved on meanwhile; no wake-up is lost
 * because the bucket is locked across the release.
 *
 * Returns after at most one wake-up, whether or not the bit is clear
 * then: the caller re-checks what it was waiting for.
 *
 * Context: may sleep; returns with @lock released.
 */
void wait_on_bit_unlock_spin(unsigned long *word, int bit, int waiters_bit,
			     spinlock_t *lock)
{
	struct wait_bucket *b = bucket_of(word);
	unsigned long mask = BIT(bit);

	if (sched_is_scheduled_thread()) {
		/* Not runnable before the unlock: no wake-up is lost. */
		if (set_waiters_if_locked(word, mask, BIT(waiters_bit)))
			sched_prepare_to_wait(word, "bit", 0);
		spin_unlock(lock);
		sched_schedule();
		return;
	}
	pthread_mutex_lock(&b->lock);
	b->nr_waiters++;
	__atomic_fetch_or(word, BIT(waiters_bit), __ATOMIC_SEQ_CST);
	spin_unlock(lock);
	/*
	 * One wake-up only, then let the caller look again: once the bit
	 * is cleared the word's owner may free it, its flags are wiped, and
	 * a new owner that sets the bit again would never know about us.
	 */
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) & mask)
		pthread_cond_wait(&b->wait, &b->lock);
	b->nr_waiters--;
	pthread_mutex_unlock(&b->lock);
}
