// SPDX-License-Identifier: GPL-2.0
/*
 * Named fault-injection points.
 *
 * kernel: fail_page_alloc and friends, configured through debugfs
 * (interval, times, probability).  Here each point of
 * PAGEMIG_FAULT_POINTS() has the same three knobs, set by name (for
 * tests, through the facade's pagemig_fault_*() calls): fail the Nth hit
 * from now and the TIMES - 1 after it, or fail each hit with a
 * probability drawn from a seeded PRNG.
 *
 * should_fail() costs one relaxed load while nothing is armed.  Once a
 * point is armed every hit takes a ticket from its atomic hit counter;
 * the decision depends only on the ticket (and the seed), so concurrent
 * callers need no lock and a single-threaded run replays exactly.
 * Re-arming while other threads hit the point is allowed: a hit sees
 * either the old or the new arming.
 */
#include <errno.h>
#include <string.h>

#include <pagemig/fault-inject.h>
#include <pagemig/prandom.h>
#include "fault.h"

enum fault_mode {
	FAULT_OFF,
	FAULT_NTH,		/* fail hits nth .. nth + times - 1 */
	FAULT_RANDOM,		/* fail with probability permille / 1000 */
};

/* Every field is accessed with atomics: hits come from any thread. */
struct fault_attr {
	const char *name;
	const char *desc;
	int mode;		/* enum fault_mode, published last */
	unsigned long nth;
	unsigned long times;
	unsigned int permille;
	unsigned long calls;	/* hits since armed, including passes */
	unsigned long failures;	/* hits failed since armed */
};

static struct fault_attr fault_attrs[NR_FAULT_POINTS] = {
#define __PM_FAULT_ATTR(e, s, d) [e] = { .name = s, .desc = d },
	PAGEMIG_FAULT_POINTS(__PM_FAULT_ATTR)
#undef __PM_FAULT_ATTR
};

/* Non-zero while any point is armed; read by should_fail(). */
int __pm_faults_armed;

static uint64_t fault_seed_value = 1;

/**
 * fault_seed - seed the random fault points
 * @seed: the machine's seed
 *
 * Which hits of a randomly armed point fail is a function of this seed,
 * the point and the hit's position, so the same seed replays the same
 * failures.
 */
void fault_seed(uint64_t seed)
{
	__atomic_store_n(&fault_seed_value, seed, __ATOMIC_RELAXED);
}

/* A uniform value in [0, 1000) for hit @n of @point. */
static unsigned int fault_draw(enum fault_point point, unsigned long n)
{
	uint64_t x = __atomic_load_n(&fault_seed_value, __ATOMIC_RELAXED);
	struct pagemig_rng rng;

	x ^= (uint64_t)point << 48;
	x += n;
	pagemig_rng_seed(&rng, x);
	return pagemig_rng_below(&rng, 1000);
}

/**
 * __should_fail - count a hit on a fault point and decide whether it fails
 * @point: the point
 *
 * Called through should_fail() only while some point is armed.
 *
 * Return: true if the caller must take its failure branch.
 */
bool __should_fail(enum fault_point point)
{
	struct fault_attr *fa;
	unsigned long n;
	bool fail;

	if ((unsigned int)point >= NR_FAULT_POINTS)
		return false;
	fa = &fault_attrs[point];

	switch (__atomic_load_n(&fa->mode, __ATOMIC_ACQUIRE)) {
	case FAULT_NTH:
		n = __atomic_add_fetch(&fa->calls, 1, __ATOMIC_RELAXED);
		/* Unsigned: hits before nth wrap around and never pass. */
		fail = n - __atomic_load_n(&fa->nth, __ATOMIC_RELAXED) <
		       __atomic_load_n(&fa->times, __ATOMIC_RELAXED);
		break;
	case FAULT_RANDOM:
		n = __atomic_add_fetch(&fa->calls, 1, __ATOMIC_RELAXED);
		fail = fault_draw(point, n) <
		       __atomic_load_n(&fa->permille, __ATOMIC_RELAXED);
		break;
	default:
		return false;
	}
	if (fail)
		__atomic_add_fetch(&fa->failures, 1, __ATOMIC_RELAXED);
	return fail;
}

static struct fault_attr *fault_lookup(const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; i < NR_FAULT_POINTS; i++)
		if (!strcmp(fault_attrs[i].name, name))
			return &fault_attrs[i];
	return NULL;
}

static void fault_arm(struct fault_attr *fa, int mode, unsigned long nth,
		      unsigned long times, unsigned int permille)
{
	/* Quiesce the point while its knobs change. */
	__atomic_store_n(&fa->mode, FAULT_OFF, __ATOMIC_RELEASE);
	__atomic_store_n(&fa->nth, nth, __ATOMIC_RELAXED);
	__atomic_store_n(&fa->times, times, __ATOMIC_RELAXED);
	__atomic_store_n(&fa->permille, permille, __ATOMIC_RELAXED);
	__atomic_store_n(&fa->calls, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fa->failures, 0, __ATOMIC_RELAXED);
	/* Pairs with the acquire load of ->mode in __should_fail(). */
	__atomic_store_n(&fa->mode, mode, __ATOMIC_RELEASE);
	__atomic_store_n(&__pm_faults_armed, 1, __ATOMIC_RELAXED);
}

/**
 * fault_point_count - number of fault-injection points
 *
 * Return: how many points fault_point_name() can index.
 */
unsigned int fault_point_count(void)
{
	return NR_FAULT_POINTS;
}

/**
 * fault_point_name - name of a fault point
 * @i: index, below fault_point_count()
 *
 * Return: the name (as "alloc_pages"), or NULL if @i is out of range.
 */
const char *fault_point_name(unsigned int i)
{
	return i < NR_FAULT_POINTS ? fault_attrs[i].name : NULL;
}

/**
 * fault_point_desc - what fails at a fault point
 * @i: index, below fault_point_count()
 *
 * Return: a one-line description, or NULL if @i is out of range.
 */
const char *fault_point_desc(unsigned int i)
{
	return i < NR_FAULT_POINTS ? fault_attrs[i].desc : NULL;
}

/**
 * fault_point_arm - fail a point's hits from the Nth on
 * @name: the point's name
 * @nth: 1 fails the next hit, 2 the one after, ...
 * @times: how many consecutive hits fail; ULONG_MAX for all of them
 *
 * Resets the point's hit and failure counts.
 *
 * Return: 0; -ENOENT for an unknown @name; -EINVAL if @nth or @times is 0.
 */
int fault_point_arm(const char *name, unsigned long nth, unsigned long times)
{
	struct fault_attr *fa = fault_lookup(name);

	if (!fa)
		return -ENOENT;
	if (!nth || !times)
		return -EINVAL;
	fault_arm(fa, FAULT_NTH, nth, times, 0);
	return 0;
}

/**
 * fault_point_arm_random - fail a point's hits at random
 * @name: the point's name
 * @permille: chance of failure per hit, in thousandths (0..1000)
 *
 * The draws come from the seed given to fault_seed() and the hit's
 * position since arming.  Resets the point's hit and failure counts.
 *
 * Return: 0; -ENOENT for an unknown @name; -EINVAL if @permille > 1000.
 */
int fault_point_arm_random(const char *name, unsigned int permille)
{
	struct fault_attr *fa = fault_lookup(name);

	if (!fa)
		return -ENOENT;
	if (permille > 1000)
		return -EINVAL;
	fault_arm(fa, FAULT_RANDOM, 0, 0, permille);
	return 0;
}

/**
 * fault_disarm_all - stop injecting faults everywhere
 *
 * Failure counts stay readable through fault_point_failures() until the
 * point is armed again.
 */
void fault_disarm_all(void)
{
	unsigned int i;

	__atomic_store_n(&__pm_faults_armed, 0, __ATOMIC_RELAXED);
	for (i = 0; i < NR_FAULT_POINTS; i++)
		__atomic_store_n(&fault_attrs[i].mode, FAULT_OFF,
				 __ATOMIC_RELEASE);
}

/**
 * fault_point_failures - failures a point injected since it was armed
 * @name: the point's name
 *
 * Return: the count; 0 for an unknown @name or a point never armed.
 */
unsigned long fault_point_failures(const char *name)
{
	struct fault_attr *fa = fault_lookup(name);

	return fa ? __atomic_load_n(&fa->failures, __ATOMIC_RELAXED) : 0;
}
