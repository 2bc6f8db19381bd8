// SPDX-License-Identifier: GPL-2.0
/*
 * The deterministic scheduler: one simulated thread runs at a time.
 *
 * Every thread that takes part (the one that called sched_start(), and
 * every thread started with sched_thread_create() or kthread_run_on_cpu()
 * after it) is a real pthread with its own semaphore, the baton.  Only
 * the thread holding the baton runs; the others sleep in sem_wait().  At
 * a scheduling point the holder asks the policy which thread runs next,
 * and if it is another one, posts that thread's semaphore and waits on
 * its own.  All scheduler state below is touched only by the baton
 * holder, so it needs no lock: the semaphores order each hand-over.
 *
 * A thread that waits (a contended lock, a completion, a wait queue, a
 * join, a sleep) is taken off the run queue and put back by sched_wake()
 * on the object it waits for, or when the simulated clock reaches its
 * deadline.  If nothing is runnable and nobody has a deadline, every
 * thread waits for another: that is a deadlock, reported with each
 * thread's wait and the last scheduling decisions, then abort().
 *
 * The clock: SCHED_STEP_NS per scheduling point, and a jump to the
 * earliest deadline when every thread waits.  ktime_get_ns() and
 * sim_clock_ns() read it while the scheduler runs, so timeouts, sleeps,
 * intervals and trace timestamps depend on the seed only.
 *
 * kernel: the real scheduler.  Here, as in FoundationDB's simulation or
 * Loom, the interleaving is an input: the seed picks it, and the same
 * seed replays it.  What this cannot see are plain memory races between
 * two scheduling points: those are ThreadSanitizer's job, in parallel
 * mode.
 */
#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include <pagemig/prandom.h>
#include <pagemig/printk.h>
#include <pagemig/sched.h>
#include <pagemig/smp.h>
#include "../lib/bug.h"

/*
 * Simulated nanoseconds per scheduling point: about what the host spends
 * between two of them, so that intervals and paced steps do as much work
 * as in parallel mode.  A CPU access copies and checks 4 KiB.
 */
#define SCHED_STEP_NS		200ULL
#define SCHED_ACCESS_NS		1500ULL
/* The clock's value when a run starts: as if the machine was up 100 s. */
#define SCHED_CLOCK_BASE	(100ULL * NSEC_PER_SEC)
/* SCHED_RANDOM: a point switches about once in this many (power of 2). */
#define SCHED_SWITCH_ONE_IN	256
#define MAX_SCHED_THREADS	512
#define MAX_PCT_DEPTH		16
#define HISTORY_LEN		64

enum thread_state {
	TS_RUNNABLE,
	TS_BLOCKED,
	TS_EXITED,
};

struct sched_thread {
	int id;			/* creation order: 0 is the starting thread */
	char name[16];
	enum thread_state state;
	const void *wait_obj;	/* what it waits for, or NULL (sleep) */
	const char *wait_what;
	unsigned long long deadline;	/* 0: none */
	bool timed_out;
	long prio;		/* SCHED_PCT */
	sem_t baton;
	pthread_t pthread;
	void *(*fn)(void *arg);
	void *arg;
	void *ret;
};

struct sched_event {
	unsigned long long step;
	int from, to;
	enum sched_reason why;
	char from_name[16], to_name[16];
};

bool __pm_sched_on;

static struct {
	struct sched_config cfg;
	struct pagemig_rng rng;
	uint64_t digest;
	unsigned long long steps;
	unsigned long long clock;
	unsigned long long next_deadline;
	struct sched_thread *current;
	int next_id;
	/* Live and not yet joined threads, in id order. */
	struct sched_thread *threads[MAX_SCHED_THREADS];
	unsigned int nr_threads;
	/* Runnable threads (the current one included, when runnable). */
	struct sched_thread *runq[MAX_SCHED_THREADS];
	unsigned int nr_runq;
	/* SCHED_PCT */
	unsigned long long change[MAX_PCT_DEPTH];
	unsigned int nr_change, next_change;
	unsigned long long pct_steps;	/* PCT until this step, then random */
	long low_prio;
	struct sched_event history[HISTORY_LEN];
	unsigned long long nr_events;
} S;

static struct sched_thread main_thread;
static __thread struct sched_thread *self;

static const char *const reason_name[NR_SP_REASONS] = {
	[SP_LOCK] = "lock", [SP_UNLOCK] = "unlock", [SP_BLOCK] = "wait",
	[SP_WAKE] = "wake", [SP_YIELD] = "yield", [SP_RACE] = "race window",
	[SP_START] = "thread start", [SP_EXIT] = "thread exit",
	[SP_SLEEP] = "sleep", [SP_ACCESS] = "memory access",
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* ---- run queue ---- */

static void runq_add(struct sched_thread *t)
{
	t->state = TS_RUNNABLE;
	S.runq[S.nr_runq++] = t;
}

/* Take @t out of @a; order matters for replay: keep the others in place. */
static void array_del(struct sched_thread **a, unsigned int *nr,
		      struct sched_thread *t)
{
	unsigned int i;

	for (i = 0; i < *nr; i++) {
		if (a[i] != t)
			continue;
		memmove(&a[i], &a[i + 1], (*nr - i - 1) * sizeof(a[0]));
		(*nr)--;
		return;
	}
}

static void runq_del(struct sched_thread *t)
{
	array_del(S.runq, &S.nr_runq, t);
}

static void wake_due(void)
{
	unsigned long long next = ~0ULL;
	unsigned int i;

	for (i = 0; i < S.nr_threads; i++) {
		struct sched_thread *t = S.threads[i];

		if (t->state != TS_BLOCKED || !t->deadline)
			continue;
		if (t->deadline <= S.clock) {
			t->timed_out = true;
			t->deadline = 0;
			runq_add(t);
		} else if (t->deadline < next) {
			next = t->deadline;
		}
	}
	S.next_deadline = next;
}

static void record(struct sched_thread *from, struct sched_thread *to,
		   enum sched_reason why)
{
	struct sched_event *e = &S.history[S.nr_events++ % HISTORY_LEN];

	e->step = S.steps;
	e->from = from->id;
	e->to = to->id;
	e->why = why;
	memcpy(e->from_name, from->name, sizeof(e->from_name));
	memcpy(e->to_name, to->name, sizeof(e->to_name));
	S.digest = mix(S.digest, S.steps << 16 | (uint64_t)to->id);
}

static void deadlock(void) __attribute__((__noreturn__));
static void deadlock(void)
{
	unsigned int i;

	pr_err("deadlock: no thread can run (step %llu, %u threads)\n",
	       S.steps, S.nr_threads);
	for (i = 0; i < S.nr_threads; i++) {
		struct sched_thread *t = S.threads[i];

		if (t->state == TS_EXITED)
			continue;
		pr_err("  thread %d %s waits on %s (%p)\n", t->id, t->name,
		       t->wait_what ? t->wait_what : "?", t->wait_obj);
	}
	sched_dump_history(stderr, 16);
	fflush(NULL);
	abort();
}

static struct sched_thread *pick_random(void)
{
	return S.runq[pagemig_rng_below(&S.rng, S.nr_runq)];
}

static struct sched_thread *pick_pct(void)
{
	struct sched_thread *best = S.runq[0];
	unsigned int i;

	for (i = 1; i < S.nr_runq; i++)
		if (S.runq[i]->prio > best->prio)
			best = S.runq[i];
	return best;
}

/*
 * PCT decides for the first est_steps steps; after them every policy is
 * SCHED_RANDOM, so that a thread that polls for another's flag (a worker
 * waiting for stop) cannot keep the highest priority for ever.
 */
static bool pct_now(void)
{
	return S.cfg.policy == SCHED_PCT && S.steps <= S.pct_steps;
}

/* The next thread to run; the clock jumps if everyone sleeps. */
static struct sched_thread *pick_next(void)
{
	if (S.clock >= S.next_deadline)
		wake_due();
	/*
	 * Everyone sleeps: the clock jumps to the next deadline.  That may be
	 * the deadline of a wait a wake-up has already ended (sched_wake()
	 * clears the thread's deadline but leaves S.next_deadline, which
	 * wake_due() recomputes), and then nobody is due there: jump again,
	 * until somebody is.
	 */
	while (!S.nr_runq) {
		if (S.next_deadline == ~0ULL)
			deadlock();
		S.clock = S.next_deadline;
		wake_due();
	}
	return pct_now() ? pick_pct() : pick_random();
}

/* Hand the baton to @next; return once it comes back (unless exiting). */
static void switch_to(struct sched_thread *next, enum sched_reason why)
{
	struct sched_thread *prev = S.current;

	if (next == prev)
		return;
	record(prev, next, why);
	S.current = next;
	sem_post(&next->baton);
	if (prev->state == TS_EXITED)
		return;
	while (sem_wait(&prev->baton) && errno == EINTR)
		;
}

static bool foreign_thread(void)
{
	static bool warned;

	if (likely(self))
		return false;
	if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
		pr_warn("sched: thread \"%s\" was not started under the deterministic scheduler; it runs unscheduled\n",
			current_comm());
	return true;
}

/**
 * __sched_point - a scheduling point
 * @why: what the thread is doing, for the history
 *
 * Advances the step count and the clock, then lets the policy choose who
 * runs next.  A thread that has prepared to wait always gives the baton
 * away here and returns once woken.
 *
 * Context: a thread under the scheduler; others return at once.
 */
void __sched_point(enum sched_reason why)
{
	struct sched_thread *me = self, *next;

	if (foreign_thread() || !__pm_sched_on)
		return;
	S.steps++;
	S.clock += why == SP_ACCESS ? SCHED_ACCESS_NS : SCHED_STEP_NS;
	if (pct_now()) {
		if (S.next_change < S.nr_change &&
		    S.steps >= S.change[S.next_change]) {
			/* Below every initial priority, in order of change. */
			me->prio = (long)(S.nr_change - S.next_change);
			S.next_change++;
		}
		if (why == SP_YIELD && me->state == TS_RUNNABLE)
			me->prio = --S.low_prio;
	} else if (me->state == TS_RUNNABLE && why != SP_YIELD &&
		   why != SP_START && S.clock < S.next_deadline &&
		   (pagemig_rng_next(&S.rng) & (SCHED_SWITCH_ONE_IN - 1))) {
		return;
	}
	next = pick_next();
	switch_to(next, why);
}

/**
 * sched_prepare_to_wait - stop being runnable until woken
 * @obj: what the thread waits for; sched_wake(@obj) makes it runnable
 *	(NULL: only the deadline ends the wait)
 * @what: a description for the deadlock report (kept by reference)
 * @deadline_ns: sched_clock_ns() value at which the wait times out, or 0
 *
 * kernel: set_current_state(TASK_UNINTERRUPTIBLE) before testing the
 * condition: a wake-up between this call and sched_schedule() is not
 * lost, and any scheduling point in between gives the baton away.
 */
void sched_prepare_to_wait(const void *obj, const char *what,
			   unsigned long long deadline_ns)
{
	struct sched_thread *me = self;

	if (foreign_thread() || !__pm_sched_on)
		return;
	runq_del(me);
	me->state = TS_BLOCKED;
	me->wait_obj = obj;
	me->wait_what = what;
	me->timed_out = false;
	me->deadline = deadline_ns;
	if (deadline_ns && deadline_ns < S.next_deadline)
		S.next_deadline = deadline_ns;
}

/**
 * sched_schedule - give the baton away until runnable again
 *
 * After sched_prepare_to_wait(): returns when woken or timed out, at
 * once if that already happened.
 *
 * Return: false if the wait timed out, true otherwise.
 */
bool sched_schedule(void)
{
	struct sched_thread *me = self;

	if (!me || !__pm_sched_on)
		return true;
	if (me->state == TS_BLOCKED)
		__sched_point(SP_BLOCK);
	me->wait_obj = NULL;
	me->wait_what = NULL;
	me->deadline = 0;
	return !me->timed_out;
}

/**
 * sched_block - wait for sched_wake(@obj) or the deadline
 * @obj: what the thread waits for
 * @what: a description for the deadlock report
 * @deadline_ns: sched_clock_ns() deadline, or 0
 *
 * Return: false if the wait timed out.
 */
bool sched_block(const void *obj, const char *what,
		 unsigned long long deadline_ns)
{
	sched_prepare_to_wait(obj, what, deadline_ns);
	return sched_schedule();
}

/**
 * sched_wake - make every thread waiting for @obj runnable
 * @obj: the object
 *
 * The woken threads run when the policy picks them; they test their
 * condition again, as after any wake-up.
 */
void sched_wake(const void *obj)
{
	unsigned int i;

	if (!__pm_sched_on || !self)
		return;
	for (i = 0; i < S.nr_threads; i++) {
		struct sched_thread *t = S.threads[i];

		if (t->state == TS_BLOCKED && t->wait_obj == obj) {
			t->deadline = 0;
			runq_add(t);
		}
	}
}

/**
 * sched_sleep_ns - sleep on the simulated clock
 * @ns: how long
 */
void sched_sleep_ns(unsigned long long ns)
{
	sched_block(NULL, "sleep", S.clock + (ns ? ns : 1));
}

/* ---- threads ---- */

static void add_thread(struct sched_thread *t, const char *name)
{
	if (S.nr_threads == MAX_SCHED_THREADS)
		BUG();
	t->id = S.next_id++;
	strncpy(t->name, name ? name : "thread", sizeof(t->name) - 1);
	if (S.cfg.policy == SCHED_PCT)
		t->prio = (long)S.cfg.depth +
			  (long)pagemig_rng_below(&S.rng, 1UL << 30);
	S.threads[S.nr_threads++] = t;
	runq_add(t);
}

static void del_thread(struct sched_thread *t)
{
	array_del(S.threads, &S.nr_threads, t);
}

/* The thread ends (returned, or pthread_exit()): pass the baton on for good. */
static void sched_exit(void *arg)
{
	struct sched_thread *t = arg;
	struct sched_thread *next;

	runq_del(t);
	t->state = TS_EXITED;
	sched_wake(t);
	S.steps++;
	S.clock += SCHED_STEP_NS;
	next = pick_next();
	switch_to(next, SP_EXIT);
}

static void *sched_trampoline(void *arg)
{
	struct sched_thread *t = arg;

	self = t;
	while (sem_wait(&t->baton) && errno == EINTR)
		;
	pthread_cleanup_push(sched_exit, t);
	t->ret = t->fn(t->arg);
	pthread_cleanup_pop(1);
	return NULL;
}

/**
 * sched_thread_create - start a thread that takes part in the schedule
 * @thread: the new thread's id, for sched_thread_join()
 * @name: a short name for reports (truncated to 15 characters), or NULL
 * @fn: the thread's body
 * @arg: passed to @fn
 *
 * In parallel mode, pthread_create().  Under the deterministic scheduler
 * the thread is runnable at once but runs only when chosen; starting it
 * is a scheduling point.
 *
 * Return: 0 or the error pthread_create() returned.
 */
int sched_thread_create(pthread_t *thread, const char *name,
			void *(*fn)(void *arg), void *arg)
{
	struct sched_thread *t;
	int ret;

	if (!__pm_sched_on || foreign_thread())
		return pthread_create(thread, NULL, fn, arg);
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->fn = fn;
	t->arg = arg;
	sem_init(&t->baton, 0, 0);
	ret = pthread_create(&t->pthread, NULL, sched_trampoline, t);
	if (ret) {
		sem_destroy(&t->baton);
		free(t);
		return ret;
	}
	*thread = t->pthread;
	add_thread(t, name);
	__sched_point(SP_START);
	return 0;
}

static struct sched_thread *find_thread(pthread_t thread)
{
	unsigned int i;

	for (i = 0; i < S.nr_threads; i++)
		if (S.threads[i] != &main_thread &&
		    pthread_equal(S.threads[i]->pthread, thread))
			return S.threads[i];
	return NULL;
}

/**
 * sched_thread_join - wait for a thread to end
 * @thread: from sched_thread_create()
 * @ret: where to store what its function returned, or NULL
 *
 * Return: 0 or the error pthread_join() returned.
 */
int sched_thread_join(pthread_t thread, void **ret)
{
	struct sched_thread *t = self ? find_thread(thread) : NULL;
	int err;

	if (!t)
		return pthread_join(thread, ret);
	while (t->state != TS_EXITED && __pm_sched_on)
		sched_block(t, "thread join", 0);
	err = pthread_join(thread, NULL);
	if (ret)
		*ret = t->ret;
	del_thread(t);
	sem_destroy(&t->baton);
	free(t);
	return err;
}

/**
 * sched_is_scheduled_thread - does the calling thread hold a baton?
 *
 * Return: true under the deterministic scheduler, for a thread it runs.
 */
bool sched_is_scheduled_thread(void)
{
	return __pm_sched_on && self;
}

/* ---- start and stop ---- */

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/**
 * sched_start - run the calling thread, and those it starts, deterministically
 * @cfg: seed and policy
 *
 * The caller becomes thread 0 and holds the baton.  Threads started
 * before this call are not scheduled (they warn at their first
 * scheduling point).
 *
 * Return: 0, -EBUSY if the scheduler already runs, -EINVAL for a bad
 * depth.
 */
int sched_start(const struct sched_config *cfg)
{
	unsigned int i;

	if (__pm_sched_on)
		return -EBUSY;
	if (cfg->policy == SCHED_PCT &&
	    (cfg->depth < 1 || cfg->depth > MAX_PCT_DEPTH))
		return -EINVAL;
	memset(&S, 0, sizeof(S));
	S.cfg = *cfg;
	pagemig_rng_seed(&S.rng, cfg->seed);
	S.digest = mix(0x5eed, cfg->seed);
	S.clock = SCHED_CLOCK_BASE;
	S.next_deadline = ~0ULL;
	if (cfg->policy == SCHED_PCT) {
		unsigned long long k = cfg->est_steps ? cfg->est_steps : 100000;

		S.pct_steps = k;
		S.nr_change = cfg->depth - 1;
		for (i = 0; i < S.nr_change; i++)
			S.change[i] = 1 + pagemig_rng_below(&S.rng, k);
		qsort(S.change, S.nr_change, sizeof(S.change[0]), cmp_ull);
	}
	memset(&main_thread, 0, sizeof(main_thread));
	sem_init(&main_thread.baton, 0, 0);
	add_thread(&main_thread, current_comm());
	S.current = &main_thread;
	self = &main_thread;
	__atomic_store_n(&__pm_sched_on, true, __ATOMIC_RELEASE);
	return 0;
}

/**
 * sched_stop - back to parallel mode
 *
 * Context: the thread that called sched_start(), once every thread it
 * started has been joined.  A thread still alive (a test that failed
 * half-way) warns and stays parked for good: it never runs again.
 */
void sched_stop(void)
{
	unsigned int i;

	if (!__pm_sched_on || self != &main_thread)
		return;
	for (i = 0; i < S.nr_threads; i++)
		WARN(S.threads[i] != &main_thread &&
		     S.threads[i]->state != TS_EXITED,
		     "sched_stop() with a scheduled thread still alive");
	S.digest = mix(S.digest, S.steps);
	__atomic_store_n(&__pm_sched_on, false, __ATOMIC_RELEASE);
	del_thread(&main_thread);
	sem_destroy(&main_thread.baton);
	self = NULL;
}

/**
 * sched_clock_ns - the simulated clock
 *
 * Return: nanoseconds; meaningful while the scheduler runs.
 */
unsigned long long sched_clock_ns(void)
{
	return S.clock;
}

/**
 * sched_digest - a hash over the run's scheduling decisions
 *
 * Return: the hash; after sched_stop(), of the whole run.
 */
uint64_t sched_digest(void)
{
	return S.digest;
}

/**
 * sched_steps - scheduling points passed since sched_start()
 *
 * Return: the count.
 */
unsigned long long sched_steps(void)
{
	return S.steps;
}

/**
 * sched_dump_history - print the last scheduling decisions
 * @f: where to
 * @n: how many at most
 */
void sched_dump_history(FILE *f, unsigned int n)
{
	unsigned long long i = S.nr_events > n ? S.nr_events - n : 0;

	if (!S.nr_events)
		return;
	fprintf(f, "last %llu scheduling decisions (step: from -> to, at):\n",
		S.nr_events - i);
	for (; i < S.nr_events; i++) {
		const struct sched_event *e = &S.history[i % HISTORY_LEN];

		fprintf(f, "  %llu: %d %s -> %d %s, at %s\n", e->step,
			e->from, e->from_name, e->to, e->to_name,
			reason_name[e->why]);
	}
}
