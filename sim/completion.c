// SPDX-License-Identifier: GPL-2.0
/*
 * Completions and wait queues on pthread mutexes and condition variables.
 * Timeouts use CLOCK_MONOTONIC so a clock change cannot stretch them.
 *
 * Under the deterministic scheduler a waiter sleeps with sched_block()
 * on the completion or queue, with its timeout on the simulated clock,
 * and complete()/wake_up() wake it; the mutexes are then never
 * contended, since no scheduling point falls while one is held.
 */
#include <errno.h>
#include <time.h>

#include <pagemig/completion.h>
#include <pagemig/sched.h>

static unsigned long long sched_deadline(unsigned long ms)
{
	return sched_clock_ns() + ms * 1000000ULL;
}

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

static void deadline_after(struct timespec *ts, unsigned long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Under the deterministic scheduler: wake @obj's waiters, a scheduling point. */
static void sched_woke(const void *obj)
{
	if (!sched_is_scheduled_thread())
		return;
	sched_wake(obj);
	__sched_point(SP_WAKE);
}

/*
 * Wait for @x under the deterministic scheduler, until @deadline (0:
 * none).  Return: 1 if completed (and consumed), 0 on timeout.
 */
static unsigned long wait_completion_sched(struct completion *x,
					   unsigned long long deadline)
{
	unsigned long ret = 1;

	__sched_point(SP_BLOCK);
	pthread_mutex_lock(&x->lock);
	while (!x->done) {
		sched_prepare_to_wait(x, "completion", deadline);
		pthread_mutex_unlock(&x->lock);
		if (!sched_schedule() && !x->done) {
			pthread_mutex_lock(&x->lock);
			ret = 0;
			break;
		}
		pthread_mutex_lock(&x->lock);
	}
	if (ret && x->done != ~0U)
		x->done--;
	pthread_mutex_unlock(&x->lock);
	return ret;
}

/**
 * init_completion - a completion that has not completed
 * @x: the completion
 */
void init_completion(struct completion *x)
{
	pthread_mutex_init(&x->lock, NULL);
	cond_init_monotonic(&x->wait);
	x->done = 0;
}

/**
 * reinit_completion - make @x wait again
 * @x: the completion
 */
void reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = 0;
	pthread_mutex_unlock(&x->lock);
}

/**
 * destroy_completion - release @x's resources; nobody may wait on it
 * @x: the completion
 */
void destroy_completion(struct completion *x)
{
	pthread_cond_destroy(&x->wait);
	pthread_mutex_destroy(&x->lock);
}

/**
 * complete - let one waiter through
 * @x: the completion
 */
void complete(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	if (x->done != ~0U)
		x->done++;
	pthread_cond_signal(&x->wait);
	pthread_mutex_unlock(&x->lock);
	sched_woke(x);
}

/**
 * complete_all - let every waiter through, now and later
 * @x: the completion
 */
void complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = ~0U;
	pthread_cond_broadcast(&x->wait);
	pthread_mutex_unlock(&x->lock);
	sched_woke(x);
}

/**
 * wait_for_completion - sleep until @x is completed
 * @x: the completion
 */
void wait_for_completion(struct completion *x)
{
	if (sched_is_scheduled_thread()) {
		wait_completion_sched(x, 0);
		return;
	}
	pthread_mutex_lock(&x->lock);
	while (!x->done)
		pthread_cond_wait(&x->wait, &x->lock);
	if (x->done != ~0U)
		x->done--;
	pthread_mutex_unlock(&x->lock);
}

/**
 * wait_for_completion_timeout - sleep until @x is completed or @ms pass
 * @x: the completion
 * @ms: the timeout in milliseconds
 *
 * Return: 0 on timeout, 1 if completed.
 */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long ms)
{
	struct timespec ts;
	unsigned long ret = 1;

	if (sched_is_scheduled_thread())
		return wait_completion_sched(x, sched_deadline(ms));
	deadline_after(&ts, ms);
	pthread_mutex_lock(&x->lock);
	while (!x->done) {
		if (pthread_cond_timedwait(&x->wait, &x->lock, &ts) == ETIMEDOUT) {
			ret = x->done ? 1 : 0;
			break;
		}
	}
	if (ret && x->done != ~0U)
		x->done--;
	pthread_mutex_unlock(&x->lock);
	return ret;
}

/**
 * init_waitqueue_head - an empty wait queue
 * @wq: the queue
 */
void init_waitqueue_head(struct wait_queue_head *wq)
{
	pthread_mutex_init(&wq->lock, NULL);
	cond_init_monotonic(&wq->wait);
	wq->seq = 0;
}

/**
 * destroy_waitqueue_head - release a queue nobody sleeps on
 * @wq: the queue
 */
void destroy_waitqueue_head(struct wait_queue_head *wq)
{
	pthread_cond_destroy(&wq->wait);
	pthread_mutex_destroy(&wq->lock);
}

/**
 * wake_up - wake every sleeper of @wq
 * @wq: the queue
 */
void wake_up(struct wait_queue_head *wq)
{
	pthread_mutex_lock(&wq->lock);
	wq->seq++;
	pthread_cond_broadcast(&wq->wait);
	pthread_mutex_unlock(&wq->lock);
	sched_woke(wq);
}

/**
 * __wq_prepare - note the queue's wake-up count before checking a condition
 * @wq: the queue
 *
 * Return: the count to pass to __wq_sleep().
 */
unsigned long __wq_prepare(struct wait_queue_head *wq)
{
	unsigned long seq;

	pthread_mutex_lock(&wq->lock);
	seq = wq->seq;
	pthread_mutex_unlock(&wq->lock);
	return seq;
}

/* __wq_sleep() under the deterministic scheduler. */
static int wq_sleep_sched(struct wait_queue_head *wq, unsigned long seq,
			  unsigned long long deadline)
{
	int ret = 1;

	pthread_mutex_lock(&wq->lock);
	while (wq->seq == seq) {
		sched_prepare_to_wait(wq, "wait queue", deadline);
		pthread_mutex_unlock(&wq->lock);
		if (!sched_schedule()) {
			pthread_mutex_lock(&wq->lock);
			ret = wq->seq != seq;
			break;
		}
		pthread_mutex_lock(&wq->lock);
	}
	pthread_mutex_unlock(&wq->lock);
	return ret;
}

/**
 * __wq_sleep - sleep unless a wake-up came after __wq_prepare()
 * @wq: the queue
 * @seq: what __wq_prepare() returned
 * @ms: timeout in milliseconds
 *
 * Return: 0 on timeout, 1 when woken (or already woken).
 */
int __wq_sleep(struct wait_queue_head *wq, unsigned long seq, unsigned long ms)
{
	struct timespec ts;
	int ret = 1;

	if (sched_is_scheduled_thread())
		return wq_sleep_sched(wq, seq, sched_deadline(ms));
	deadline_after(&ts, ms);
	pthread_mutex_lock(&wq->lock);
	while (wq->seq == seq) {
		if (pthread_cond_timedwait(&wq->wait, &wq->lock, &ts) == ETIMEDOUT) {
			ret = wq->seq != seq;
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return ret;
}
