// SPDX-License-Identifier: GPL-2.0
/*
 * The folio lock.  PG_locked is a bit lock in folio->flags; a waiter sets
 * PG_waiters and sleeps on a hashed wait queue (sim/wait.c) so that the
 * unlocker only pays for a wake-up when somebody is actually waiting.
 */
#include <pagemig/mm.h>
#include "internal.h"

/**
 * __folio_lock - sleep until the folio lock is ours
 * @folio: the folio
 *
 * Context: may sleep; the caller holds a reference on @folio.
 */
void __folio_lock(struct folio *folio)
{
	wait_on_bit_lock(&folio->flags, PG_locked, PG_waiters);
}

/**
 * folio_unlock - release the folio lock and wake sleepers
 * @folio: the folio, locked by the caller
 *
 * Everything written under the lock is visible to the next holder
 * (release ordering in clear_bit_unlock_wake()).
 */
void folio_unlock(struct folio *folio)
{
	VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
	clear_bit_unlock_wake(&folio->flags, PG_locked, PG_waiters);
}
