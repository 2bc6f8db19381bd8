/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk() into the machine's log.  The log goes to stderr by default; the
 * CLI and tests may redirect it (pagemig_set_log()).  The library prints
 * only through here, and never on a success path.
 */
#ifndef _PAGEMIG_PRINTK_H
#define _PAGEMIG_PRINTK_H

#include "../../lib/compiler.h"

#define KERN_ERR	"<3>"
#define KERN_WARNING	"<4>"
#define KERN_INFO	"<6>"
#define KERN_DEBUG	"<7>"

__printf(1, 2) void printk(const char *fmt, ...);
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG fmt, ##__VA_ARGS__)

/* True at most @burst times per @interval_ms; counts what it suppressed. */
struct ratelimit_state {
	long begin_ms;
	int interval_ms, burst, printed, missed;
};
#define RATELIMIT_STATE_INIT(interval, burst) { 0, interval, burst, 0, 0 }
bool __ratelimit(struct ratelimit_state *rs);

#endif /* _PAGEMIG_PRINTK_H */
