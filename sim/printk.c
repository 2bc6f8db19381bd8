// SPDX-License-Identifier: GPL-2.0
/*
 * printk(), rate limits, WARN and BUG reports.
 *
 * kernel: a ring buffer read by consoles; here one FILE * (stderr unless
 * the CLI or a test redirects it with pagemig_set_log()).  A message is
 * formatted first and written whole under log_lock, so lines from
 * different threads never interleave.  The "<N>" level prefix is
 * stripped: every level goes to the same place.
 *
 * Warnings are counted, so tests can assert that a run raised none, and
 * the counter is reset at machine init (printk_reset_counters()).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pagemig/printk.h>
#include <pagemig/sched.h>
#include <pagemig/smp.h>
#include <pagemig/spinlock.h>
#include "../lib/bug.h"
#include "lock.h"
#include "printk.h"

/* Guards log_file and every write to it.  A leaf, not order-checked. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;		/* NULL means stderr */
static unsigned long nr_warnings;

/* Guards the fields of every struct ratelimit_state. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *skip_level(const char *s)
{
	if (s[0] == '<' && s[1] >= '0' && s[1] <= '9' && s[2] == '>')
		return s + 3;
	return s;
}

/**
 * printk - write a message to the machine's log
 * @fmt: printf format, optionally starting with a KERN_* level
 *
 * The message is written as one unit and flushed at once, so a test that
 * redirected the log sees it as soon as printk() returns.
 */
void printk(const char *fmt, ...)
{
	char buf[512], *msg = buf;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(buf)) {
		/* Rare long message (dump_page()): format it again in full. */
		msg = malloc(len + 1);
		if (msg) {
			va_start(ap, fmt);
			vsnprintf(msg, len + 1, fmt, ap);
			va_end(ap);
		} else {
			msg = buf;	/* truncated beats lost */
		}
	}

	pthread_mutex_lock(&log_lock);
	fputs(skip_level(msg), log_file ? log_file : stderr);
	fflush(log_file ? log_file : stderr);
	pthread_mutex_unlock(&log_lock);

	if (msg != buf)
		free(msg);
}

/**
 * __ratelimit - should a rate-limited message be printed now?
 * @rs: the limit: at most @rs->burst messages per @rs->interval_ms
 *
 * When a new interval starts after messages were suppressed, says how
 * many, as the kernel does.  An interval of 0 disables the limit.
 *
 * Return: true if the caller may print.
 */
bool __ratelimit(struct ratelimit_state *rs)
{
	long now = (long)(ktime_get_ns() / 1000000ULL);
	int missed = 0;
	bool ok;

	if (rs->interval_ms <= 0)
		return true;

	pthread_mutex_lock(&ratelimit_lock);
	if (!rs->begin_ms)
		rs->begin_ms = now;
	if (now - rs->begin_ms >= rs->interval_ms) {
		missed = rs->missed;
		rs->begin_ms = now;
		rs->printed = 0;
		rs->missed = 0;
	}
	ok = rs->burst > 0 && rs->printed < rs->burst;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	pthread_mutex_unlock(&ratelimit_lock);

	if (missed)
		pr_warn("ratelimit: %d callbacks suppressed\n", missed);
	return ok;
}

/**
 * __warn - report a WARN_ON() that fired
 * @file: source file
 * @line: source line
 * @func: function
 * @cond: the condition's text, or the WARN() message
 *
 * Prints and counts the warning; the caller then takes its way back.
 */
void __warn(const char *file, int line, const char *func, const char *cond)
{
	__atomic_add_fetch(&nr_warnings, 1, __ATOMIC_RELAXED);
	pr_warn("WARNING: at %s:%d %s: %s\n", file, line, func, cond);
}

/**
 * __noreturn_bug - report a BUG() and stop the process
 * @file: source file
 * @line: source line
 * @func: function
 * @cond: the condition's text
 *
 * kernel: oops and kill the task; here abort(), so a debugger, a core
 * dump or the sanitizer runtime gets the stack.  Never returns.
 */
void __noreturn_bug(const char *file, int line, const char *func,
		    const char *cond)
{
	printk(KERN_ERR "kernel BUG at %s:%d!\n", file, line);
	printk(KERN_ERR "%s: %s\n", func, cond);
	if (sched_deterministic()) {
		fflush(NULL);
		sched_dump_history(stderr, 16);
	}
	abort();
}

/**
 * printk_set_output - choose where the library's messages go
 * @f: an open stream, or NULL for stderr
 *
 * The stream must stay open until the log is redirected again.
 */
void printk_set_output(FILE *f)
{
	pthread_mutex_lock(&log_lock);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
}

/**
 * printk_warnings - warnings raised since the counters were reset
 *
 * Return: WARN/VM_WARN/bad-page reports counted since the last
 * printk_reset_counters().
 */
unsigned long printk_warnings(void)
{
	return __atomic_load_n(&nr_warnings, __ATOMIC_RELAXED);
}

/**
 * printk_reset_counters - zero the warning and inversion counts
 *
 * Context: machine init, or a test between cases.
 */
void printk_reset_counters(void)
{
	__atomic_store_n(&nr_warnings, 0, __ATOMIC_RELAXED);
	lockdep_reset_inversions();
}
