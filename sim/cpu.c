// SPDX-License-Identifier: GPL-2.0
/*
 * CPUs and kernel threads.
 *
 * A "CPU" is whatever thread carries that CPU id in thread-local storage:
 * smp_processor_id() reads it, and per-CPU arrays are indexed by it.  The
 * main thread and any thread not started here run as CPU 0.  Kernel
 * threads (kcompactd, balloon workers, zram writers) are pthreads started
 * with kthread_run_on_cpu() and stopped with kthread_stop(), which follows
 * the kernel's contract: the thread polls kthread_should_stop() and its
 * return value is handed to the stopper.
 *
 * kernel: preemption and migration between CPUs; here a thread keeps its
 * CPU id for life and several threads may share one, so per-CPU data
 * keeps its own lock (see include/pagemig/smp.h).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pagemig/sched.h>
#include <pagemig/smp.h>
#include "../lib/bug.h"

struct task_struct {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	int cpu;
	int should_stop;	/* set by kthread_stop(), read by the thread */
	int ret;		/* fn's result, valid after join */
	char comm[16];		/* pthread names are limited to 15 chars */
};

unsigned int nr_cpu_ids = 1;
__thread int __pm_cpu_id;

/* The kthread this thread runs as, or NULL for ordinary threads. */
static __thread struct task_struct *current_task;

/* An ordinary thread's name (set_current_comm()); "" until it sets one. */
static __thread char current_name[16];
static __thread int current_tid;

/**
 * set_cpu_id - make the calling thread run as a given CPU
 * @cpu: CPU id, 0 <= @cpu < NR_CPUS
 *
 * Used by test and workload threads that want their own per-CPU lists.
 * An out-of-range id warns and leaves the id unchanged.
 */
void set_cpu_id(int cpu)
{
	if (WARN_ON(cpu < 0 || cpu >= NR_CPUS))
		return;
	__pm_cpu_id = cpu;
}

static void *kthread_trampoline(void *arg)
{
	struct task_struct *task = arg;

	__pm_cpu_id = task->cpu;
	if (task->comm[0])
		pthread_setname_np(pthread_self(), task->comm);
	current_task = task;
	task->ret = task->fn(task->data);
	return NULL;
}

/**
 * kthread_run_on_cpu - start a kernel thread bound to a CPU id
 * @fn: the thread's body; it should return when kthread_should_stop()
 * @data: passed to @fn
 * @cpu: CPU id the thread runs as
 * @name: thread name shown by the host (truncated to 15 characters)
 *
 * Return: the new task, or NULL if @cpu is out of range, memory is short
 * or the host refuses another thread.
 */
struct task_struct *kthread_run_on_cpu(int (*fn)(void *data), void *data,
				       int cpu, const char *name)
{
	struct task_struct *task;

	if (cpu < 0 || cpu >= NR_CPUS)
		return NULL;
	task = calloc(1, sizeof(*task));
	if (!task)
		return NULL;
	task->fn = fn;
	task->data = data;
	task->cpu = cpu;
	if (name)
		strncpy(task->comm, name, sizeof(task->comm) - 1);

	if (sched_thread_create(&task->thread, task->comm, kthread_trampoline,
				task)) {
		free(task);
		return NULL;
	}
	return task;
}

/**
 * set_current_comm - name the calling thread, as trace lines show it
 * @name: the name; truncated to 15 characters
 *
 * For threads not started with kthread_run_on_cpu(), whose name is
 * given there.  kernel: __set_task_comm(current, ...).
 */
void set_current_comm(const char *name)
{
	strncpy(current_name, name, sizeof(current_name) - 1);
	current_name[sizeof(current_name) - 1] = '\0';
}

/**
 * current_comm - the calling thread's name
 *
 * Return: a kthread's name, else what set_current_comm() set, else
 * "pagemig" (the main thread and unnamed workload threads).
 */
const char *current_comm(void)
{
	if (current_task && current_task->comm[0])
		return current_task->comm;
	return current_name[0] ? current_name : "pagemig";
}

/**
 * current_pid - the calling thread's id
 *
 * kernel: task_pid_nr(current).  Here the host's thread id, so a trace
 * line can be matched with ps, top or perf on the host.
 *
 * Return: the id, > 0.
 */
int current_pid(void)
{
	if (!current_tid)
		current_tid = (int)gettid();
	return current_tid;
}

/**
 * kthread_stop - ask a kernel thread to stop and wait for it
 * @task: a task from kthread_run_on_cpu(); freed here
 *
 * Makes kthread_should_stop() true for the thread, then joins it.
 *
 * Context: must not be called by @task itself.
 * Return: the value the thread's function returned.
 */
int kthread_stop(struct task_struct *task)
{
	int ret;

	/* Pairs with the acquire load in kthread_should_stop(). */
	__atomic_store_n(&task->should_stop, 1, __ATOMIC_RELEASE);
	sched_thread_join(task->thread, NULL);
	ret = task->ret;
	free(task);
	return ret;
}

/**
 * kthread_should_stop - has kthread_stop() been called for this thread?
 *
 * Return: true once the stopper has asked; always false for threads that
 * were not started with kthread_run_on_cpu().
 */
bool kthread_should_stop(void)
{
	struct task_struct *task = current_task;

	return task && __atomic_load_n(&task->should_stop, __ATOMIC_ACQUIRE);
}

/**
 * cond_resched - a scheduling point for long loops
 *
 * Threads may outnumber the host's cores; a scanner that never blocks
 * would starve the thread it is waiting on.  Yields every 64 calls, which
 * is frequent enough for fairness and rare enough to cost nothing; under
 * the deterministic scheduler that is a yielding scheduling point.
 */
void cond_resched(void)
{
	static __thread unsigned int calls;

	if (++calls & 63)
		return;
	if (sched_deterministic())
		__sched_point(SP_YIELD);
	else
		sched_yield();
}

/**
 * msleep - sleep for at least @ms milliseconds
 * @ms: milliseconds
 *
 * Under the deterministic scheduler, on the simulated clock.
 */
void msleep(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	if (sched_is_scheduled_thread()) {
		sched_sleep_ns(ms * 1000000ULL);
		return;
	}

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- thread slots ---- */

#define THREAD_SLOT_WORDS	(THREAD_SLOTS / 64)

static unsigned long slot_used[THREAD_SLOT_WORDS];
static pthread_key_t slot_key;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;
static __thread int my_thread_slot = -1;
static void (*slot_release_hook)(int slot);

static void thread_slot_release(void *value)
{
	int slot = (int)(long)value - 1;

	if (slot_release_hook)
		slot_release_hook(slot);
	/* A later destructor of this thread must not use the slot again. */
	my_thread_slot = -1;
	__atomic_fetch_and(&slot_used[slot / 64], ~(1UL << (slot % 64)),
			   __ATOMIC_RELEASE);
}

static void thread_slot_key_create(void)
{
	if (pthread_key_create(&slot_key, thread_slot_release))
		BUG();
}

/**
 * thread_slot - a small number unique among the live threads
 * @release: called with the slot when the thread exits (may be NULL;
 *	the first caller's hook is kept)
 *
 * For per-thread state that others scan (the TLB stand-in in
 * mm/memory.c): the number is the calling thread's for life and goes
 * back to the pool when it exits, so a run that starts and stops
 * thousands of worker threads never has two live ones sharing a slot.
 *
 * Return: 0..THREAD_SLOTS-1, or -1 when THREAD_SLOTS threads are alive.
 */
int thread_slot(void (*release)(int slot))
{
	unsigned int w;

	if (my_thread_slot >= 0)
		return my_thread_slot;
	pthread_once(&slot_once, thread_slot_key_create);
	if (release && !__atomic_load_n(&slot_release_hook, __ATOMIC_ACQUIRE))
		__atomic_store_n(&slot_release_hook, release, __ATOMIC_RELEASE);
	for (w = 0; w < THREAD_SLOT_WORDS; w++) {
		unsigned long used = __atomic_load_n(&slot_used[w], __ATOMIC_RELAXED);

		while (~used) {
			unsigned int bit = (unsigned int)__builtin_ctzl(~used);

			if (__atomic_compare_exchange_n(&slot_used[w], &used,
							used | (1UL << bit), false,
							__ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED)) {
				my_thread_slot = (int)(w * 64 + bit);
				pthread_setspecific(slot_key,
						    (void *)(long)(my_thread_slot + 1));
				return my_thread_slot;
			}
		}
	}
	return -1;
}
