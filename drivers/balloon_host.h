/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor behind a memory balloon, modelled in-process, and the
 * guest-side worker every balloon driver runs.
 *
 * The host keeps the set of guest frames it holds (inflated pages) and
 * really gives their memory back to the host OS: frames are discarded
 * (MADV_DONTNEED on the arena) in batches, the way a hypervisor reclaims
 * ballooned memory, so the process's RSS drops.  A deflated frame comes
 * back to the guest zeroed.  The host also sets the balloon's target and
 * kicks the guest's worker, which moves the balloon toward it.
 *
 * Lock order: the driver's own locks, then host->lock (a leaf).
 */
#ifndef _PAGEMIG_DRIVERS_BALLOON_HOST_H
#define _PAGEMIG_DRIVERS_BALLOON_HOST_H

#include <pagemig/balloon.h>
#include <pagemig/completion.h>
#include <pagemig/smp.h>
#include <pagemig/spinlock.h>

#define BALLOON_HOST_QUEUE	256	/* discards batched per flush */

struct balloon_host;

/* What the worker asks of a driver. */
struct balloon_guest_ops {
	/* Inflate up to @nr pages; return how many were inflated. */
	unsigned long (*inflate)(struct balloon_host *host, unsigned long nr);
	/* Deflate up to @nr pages; return how many were deflated. */
	unsigned long (*deflate)(struct balloon_host *host, unsigned long nr);
	/* Pages in the balloon now. */
	unsigned long (*size)(struct balloon_host *host);
};

struct balloon_host {
	const char *name;
	struct balloon_dev_info *b_dev_info;	/* the guest's balloon */
	const struct balloon_guest_ops *ops;

	spinlock_t lock;		/* everything from here to the stats */
	unsigned long *owned;		/* frames the host holds */
	unsigned long *pending;		/* owned frames whose discard is queued */
	unsigned long queue[BALLOON_HOST_QUEUE];
	unsigned int nr_queued;
	unsigned long nr_owned;
	unsigned long inflate_msgs, deflate_msgs;
	unsigned long inflated, deflated, refused, discarded;

	/* Target and worker handshake. */
	unsigned long target;		/* READ_ONCE/WRITE_ONCE */
	unsigned long generation;	/* bumped with every new target */
	unsigned long settled_generation;
	int last_status;		/* 0, or -ENOMEM when it could not grow */
	bool stopping;
	struct wait_queue_head kick;	/* host -> guest worker */
	struct wait_queue_head settled;	/* guest worker -> waiters */
	struct task_struct *worker;
};

int balloon_host_init(struct balloon_host *host, const char *name,
		      struct balloon_dev_info *b_dev_info,
		      const struct balloon_guest_ops *ops, int cpu);
void balloon_host_stop(struct balloon_host *host);
void balloon_host_drain(struct balloon_host *host);
void balloon_host_exit(struct balloon_host *host);

/*
 * Hypervisor calls.  @fallible: the host may refuse (the "balloon_host"
 * fault point); virtio's queues cannot fail, VMware's lock/unlock and
 * pseries' loan calls can.  0 or -EIO; on -EIO nothing changed.
 */
int balloon_host_inflate(struct balloon_host *host, const unsigned long *pfns,
			 unsigned int n, bool fallible);
int balloon_host_deflate(struct balloon_host *host, const unsigned long *pfns,
			 unsigned int n, bool fallible);
void balloon_host_flush(struct balloon_host *host);
bool balloon_host_owns(struct balloon_host *host, unsigned long pfn);

/* Set a new target and wait up to @timeout_ms for the guest to settle. */
int balloon_host_set_target(struct balloon_host *host, unsigned long pages,
			    unsigned int timeout_ms);

/* The three drivers, probed at machine init. */
enum balloon_driver_id {
	BALLOON_VIRTIO,
	BALLOON_VMW,
	BALLOON_CMM,
	NR_BALLOON_DRIVERS
};

/* The probed drivers' hosts, NULL when absent. */
extern struct balloon_host *balloon_hosts[NR_BALLOON_DRIVERS];
extern const char * const balloon_driver_names[NR_BALLOON_DRIVERS];
int virtio_balloon_probe(void);
void virtio_balloon_remove(void);
int virtio_balloon_adopt(const unsigned long *pfns, unsigned long n);
int vmballoon_probe(void);
void vmballoon_remove(void);
int cmm_probe(void);
void cmm_remove(void);

#endif /* _PAGEMIG_DRIVERS_BALLOON_HOST_H */
