/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Completions and simple wait queues with kernel names (sim/completion.c),
 * for kernel threads (balloon workers, kcompactd) and the code that waits
 * for them.  mm/ and drivers/ use these instead of condition variables.
 */
#ifndef _PAGEMIG_COMPLETION_H
#define _PAGEMIG_COMPLETION_H

#include <pthread.h>
#include <stdbool.h>

struct completion {
	pthread_mutex_t lock;
	pthread_cond_t wait;
	unsigned int done;
};

void init_completion(struct completion *x);
void reinit_completion(struct completion *x);
void destroy_completion(struct completion *x);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
/* Returns 0 on timeout, otherwise non-zero. */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long ms);

/*
 * A wait queue: wake_up() wakes everyone sleeping in wait_event*(); the
 * condition is re-evaluated after every wake-up.  A wake-up between the
 * condition check and the sleep cannot be lost: both happen under the
 * queue's lock, and wake_up() takes it too.
 */
struct wait_queue_head {
	pthread_mutex_t lock;
	pthread_cond_t wait;
	unsigned long seq;
};

void init_waitqueue_head(struct wait_queue_head *wq);
void destroy_waitqueue_head(struct wait_queue_head *wq);
void wake_up(struct wait_queue_head *wq);
unsigned long __wq_prepare(struct wait_queue_head *wq);
/* Sleep until the sequence moves past @seq or @ms pass; 0 = timed out. */
int __wq_sleep(struct wait_queue_head *wq, unsigned long seq, unsigned long ms);

/* Wait up to @ms for @cond; true if it became true. */
#define wait_event_timeout(wq, cond, ms) ({				\
	bool __done;							\
	for (;;) {							\
		unsigned long __seq = __wq_prepare(&(wq));		\
		if ((__done = (cond)))					\
			break;						\
		if (!__wq_sleep(&(wq), __seq, (ms))) {			\
			__done = (cond);				\
			break;						\
		}							\
	}								\
	__done;								\
})

#endif /* _PAGEMIG_COMPLETION_H */
