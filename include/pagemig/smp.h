/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUs and kernel threads (sim/cpu.c).  A CPU is a thread with a CPU id in
 * thread-local storage; threads that were not started as a CPU (the main
 * thread, test threads) run as CPU 0 unless they call set_cpu_id().
 * Per-CPU data is an array indexed by smp_processor_id(); since several
 * threads may share a CPU id, per-CPU structures keep their own locks,
 * as the kernel's pcp lists do.
 */
#ifndef _PAGEMIG_SMP_H
#define _PAGEMIG_SMP_H

#include <stdbool.h>
#include "../../lib/compiler.h"
#include "../../lib/ktime.h"

#define NR_CPUS 64

extern unsigned int nr_cpu_ids;
extern __thread int __pm_cpu_id;

static inline int smp_processor_id(void)
{
	return __pm_cpu_id;
}

void set_cpu_id(int cpu);

#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < (int)nr_cpu_ids; (cpu)++)

struct task_struct;

/*
 * Start @fn(@data) as a kernel thread bound to CPU id @cpu.  Returns the
 * task or NULL (-ENOMEM / thread creation failure).
 */
struct task_struct *kthread_run_on_cpu(int (*fn)(void *data), void *data,
				       int cpu, const char *name);
/* Ask the thread to stop, wait for it, return what @fn returned. */
int kthread_stop(struct task_struct *task);
bool kthread_should_stop(void);

/* The calling thread's name (a kthread's, or "pagemig") and host id. */
void set_current_comm(const char *name);
const char *current_comm(void);
int current_pid(void);

/* A scheduling point for long loops; yields now and then. */
void cond_resched(void);

/* Live threads that can hold a thread_slot() at once. */
#define THREAD_SLOTS	2048
int thread_slot(void (*release)(int slot));

/* ktime_get_ns() is in lib/ktime.h. */
void msleep(unsigned int ms);

#endif /* _PAGEMIG_SMP_H */
