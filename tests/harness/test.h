/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test harness: TEST(), FIXTURE(), TEST_F(), FIXTURE_VARIANT(),
 * ASSERT_*() and EXPECT_*(), TAP 13 output.
 *
 * Shaped like the kernel's kselftest_harness.h so that anyone who wrote a
 * selftest can write one here, with three differences:
 *
 *  - tests run in-process, one after the other, not each in a fork: the
 *    sanitizers then see the whole run and a test costs microseconds.
 *    ASSERT_*() and SKIP() leave the test with longjmp(), so teardown
 *    still runs; a crash ends the whole binary with a "Bail out!";
 *  - every run has a seed (-s SEED, always printed) and each test gets a
 *    PRNG seeded from it and the test's name, see test_rng();
 *  - test_after_each, if set, runs after every test (mm tests hang the
 *    zone validators there) and may fail the test with EXPECT_*().
 *
 * A test looks like:
 *
 *	TEST(list_add_works)
 *	{
 *		ASSERT_EQ(1, 1);
 *	}
 *
 *	FIXTURE(arena) { unsigned long nr; };
 *	FIXTURE_VARIANT(arena) { unsigned long pages; };
 *	FIXTURE_VARIANT_ADD(arena, small) { .pages = 16 };
 *	FIXTURE_SETUP(arena) { self->nr = variant->pages; }
 *	FIXTURE_TEARDOWN(arena) { }
 *	TEST_F(arena, discard) { EXPECT_GT(self->nr, 0); }
 *
 * Comparisons take (expected, seen) as in kselftest and compare as
 * 128-bit integers, so signed and unsigned operands of any width (and
 * pointers) compare by value, never by C's conversion rules.
 */
#ifndef _PAGEMIG_TEST_H
#define _PAGEMIG_TEST_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pagemig/prandom.h>
#include "lib/ktime.h"

struct __test_metadata;
struct __fixture_variant_metadata;

struct __fixture_metadata {
	const char *name;
	struct __test_metadata *tests, *tests_tail;
	struct __fixture_variant_metadata *variants, *variants_tail;
	struct __fixture_metadata *next;
	bool registered;
};

struct __fixture_variant_metadata {
	const char *name;
	const void *data;
	struct __fixture_variant_metadata *next;
};

struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *_metadata,
		   const struct __fixture_variant_metadata *variant);
	struct __fixture_metadata *fixture;
	struct __test_metadata *next;

	/* State of the current run, reset before each. */
	const char *full_name;
	int failed;			/* atomic: helper threads may fail too */
	bool skipped;
	bool setup_done;
	char skip_reason[160];
	jmp_buf env;
};

extern struct __fixture_metadata __global_fixture;

void __register_test(struct __test_metadata *t);
void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v);
void __test_fail(struct __test_metadata *t, bool fatal, const char *file,
		 int line, const char *fmt, ...)
	__attribute__((__format__(printf, 5, 6)));
void __test_skip(struct __test_metadata *t, const char *fmt, ...)
	__attribute__((__format__(printf, 2, 3), __noreturn__));
void __test_log(struct __test_metadata *t, const char *file, int line,
		const char *fmt, ...)
	__attribute__((__format__(printf, 4, 5)));
void __test_fail_cmp(struct __test_metadata *t, bool fatal, const char *file,
		     int line, const char *exp_str, __int128 exp,
		     const char *op, const char *seen_str, __int128 seen);

/* The run's seed, printed as "# seed: N" at the start of every run. */
uint64_t test_seed(void);
/* A PRNG seeded from the run's seed and the current test's full name. */
struct pagemig_rng *test_rng(void);
/* -l was given: stress and loop tests run longer. */
bool test_long(void);
/* Does the test run under the deterministic scheduler (-d, the default)? */
bool test_deterministic(void);
/*
 * Sleep @us microseconds: on the simulated clock under the scheduler
 * (a host sleep there would hold the baton and stall every thread).
 */
void test_usleep(unsigned long us);
/* A one-shot barrier that works in both modes (pthread_barrier_t does not). */
struct test_barrier {
	unsigned int count, arrived;
};
int test_barrier_init(struct test_barrier *b, unsigned int count);
void test_barrier_wait(struct test_barrier *b);
/*
 * Stress tests' time budget: $STRESS_SECONDS if set, else 20 s with -l,
 * else @dflt; measure it with ktime_get_ns().
 */
double stress_seconds(double dflt);
/* -v was given. */
bool test_verbose(void);
/*
 * Called after every test that was not skipped (after its teardown), with
 * the test's metadata so it can EXPECT_*() or ASSERT_*().  NULL by default.
 */
extern void (*test_after_each)(struct __test_metadata *_metadata);

/* ---- defining tests ---------------------------------------------------- */

#define TEST(test_name)							\
	static void __attribute__((__noinline__))				\
	test_name(struct __test_metadata *_metadata);			\
	static void __wrapper_##test_name(struct __test_metadata *_metadata, \
		const struct __fixture_variant_metadata __attribute__((unused)) *__v) \
	{								\
		if (setjmp(_metadata->env) == 0)			\
			test_name(_metadata);				\
	}								\
	static struct __test_metadata __##test_name##_object = {	\
		.name = #test_name,					\
		.fn = __wrapper_##test_name,				\
		.fixture = &__global_fixture,				\
	};								\
	static void __attribute__((constructor))			\
	__register_##test_name(void)					\
	{								\
		__register_test(&__##test_name##_object);		\
	}								\
	static void test_name(struct __test_metadata __attribute__((unused)) *_metadata)

#define FIXTURE_DATA(fixture_name) struct _test_data_##fixture_name
#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

#define FIXTURE(fixture_name)						\
	FIXTURE_VARIANT(fixture_name);					\
	static struct __fixture_metadata _##fixture_name##_fixture_object = { \
		.name = #fixture_name,					\
	};								\
	FIXTURE_DATA(fixture_name)

#define FIXTURE_SETUP(fixture_name)					\
	static void __attribute__((__noinline__)) fixture_name##_setup(	\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name) __attribute__((unused)) *variant)

#define FIXTURE_TEARDOWN(fixture_name)					\
	static void __attribute__((__noinline__)) fixture_name##_teardown(	\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name) __attribute__((unused)) *variant)

/* Usage: FIXTURE_VARIANT_ADD(fixture, name) { .field = value, }; */
#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)			\
	extern const FIXTURE_VARIANT(fixture_name)			\
		_##fixture_name##_##variant_name##_variant;		\
	static struct __fixture_variant_metadata			\
	_##fixture_name##_##variant_name##_object = {			\
		.name = #variant_name,					\
		.data = &_##fixture_name##_##variant_name##_variant,	\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_##variant_name(void)			\
	{								\
		__register_fixture_variant(&_##fixture_name##_fixture_object, \
				&_##fixture_name##_##variant_name##_object); \
	}								\
	const FIXTURE_VARIANT(fixture_name)				\
		_##fixture_name##_##variant_name##_variant =

/*
 * The fixture data is static: tests run one at a time, and a static
 * object keeps its value across the longjmp() out of a failed ASSERT.
 * Bodies are noinline so none of their locals live in the frame that
 * calls setjmp() (no -Wclobbered, no stale registers after longjmp).
 */
#define TEST_F(fixture_name, test_name)					\
	static void __attribute__((__noinline__)) fixture_name##_##test_name( \
		struct __test_metadata *_metadata,			\
		FIXTURE_DATA(fixture_name) *self,			\
		const FIXTURE_VARIANT(fixture_name) *variant);		\
	static void __wrapper_##fixture_name##_##test_name(		\
		struct __test_metadata *_metadata,			\
		const struct __fixture_variant_metadata *__v)		\
	{								\
		static FIXTURE_DATA(fixture_name) self;			\
		static const FIXTURE_VARIANT(fixture_name) *variant;	\
									\
		variant = __v ? __v->data : NULL;			\
		memset(&self, 0, sizeof(self));				\
		if (setjmp(_metadata->env) == 0) {			\
			fixture_name##_setup(_metadata, &self, variant); \
			_metadata->setup_done = true;			\
			fixture_name##_##test_name(_metadata, &self, variant); \
		}							\
		if (_metadata->setup_done && setjmp(_metadata->env) == 0) \
			fixture_name##_teardown(_metadata, &self, variant); \
	}								\
	static struct __test_metadata					\
	_##fixture_name##_##test_name##_object = {			\
		.name = #test_name,					\
		.fn = __wrapper_##fixture_name##_##test_name,		\
		.fixture = &_##fixture_name##_fixture_object,		\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_##test_name(void)			\
	{								\
		__register_test(&_##fixture_name##_##test_name##_object); \
	}								\
	static void fixture_name##_##test_name(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name) __attribute__((unused)) *variant)

/* ---- checks -------------------------------------------------------------- */

/* Any integer or pointer, as a 128-bit value with no conversion surprises. */
#define __TEST_IS_PTR(x)	(__builtin_classify_type(x) == 5)
#define __TEST_VAL(x)							\
	((__int128)(__typeof__(__builtin_choose_expr(__TEST_IS_PTR(x),	\
						     (uintptr_t)0, (x))))(x))

#define __TEST_CMP(expected, seen, op, fatal) do {			\
	__int128 __exp = __TEST_VAL(expected);				\
	__int128 __seen = __TEST_VAL(seen);				\
									\
	if (!(__exp op __seen))						\
		__test_fail_cmp(_metadata, fatal, __FILE__, __LINE__,	\
				#expected, __exp, #op, #seen, __seen);	\
} while (0)

#define __TEST_BOOL(cond, want, fatal) do {				\
	bool __c = (cond);						\
	if (__c != (want))						\
		__test_fail(_metadata, fatal, __FILE__, __LINE__,	\
			    "Expected %s to be %s", #cond,		\
			    (want) ? "true" : "false");			\
} while (0)

#define __TEST_NULL(ptr, want_null, fatal) do {				\
	const void *__p = (ptr);					\
	if ((__p == NULL) != (want_null))				\
		__test_fail(_metadata, fatal, __FILE__, __LINE__,	\
			    "Expected %s to be %s (it is %p)", #ptr,	\
			    (want_null) ? "NULL" : "non-NULL", __p);	\
} while (0)

#define __TEST_STR(expected, seen, want_eq, fatal) do {			\
	const char *__e = (expected), *__s = (seen);			\
	bool __eq = __e && __s ? !strcmp(__e, __s) : __e == __s;	\
	if (__eq != (want_eq))						\
		__test_fail(_metadata, fatal, __FILE__, __LINE__,	\
			    "Expected %s \"%s\" %s %s \"%s\"", #expected, \
			    __e ? __e : "(null)", (want_eq) ? "==" : "!=", \
			    #seen, __s ? __s : "(null)");		\
} while (0)

#define ASSERT_EQ(expected, seen)	__TEST_CMP(expected, seen, ==, true)
#define ASSERT_NE(expected, seen)	__TEST_CMP(expected, seen, !=, true)
#define ASSERT_LT(expected, seen)	__TEST_CMP(expected, seen, <, true)
#define ASSERT_LE(expected, seen)	__TEST_CMP(expected, seen, <=, true)
#define ASSERT_GT(expected, seen)	__TEST_CMP(expected, seen, >, true)
#define ASSERT_GE(expected, seen)	__TEST_CMP(expected, seen, >=, true)
#define ASSERT_TRUE(cond)		__TEST_BOOL(cond, true, true)
#define ASSERT_FALSE(cond)		__TEST_BOOL(cond, false, true)
#define ASSERT_NULL(ptr)		__TEST_NULL(ptr, true, true)
#define ASSERT_NOT_NULL(ptr)		__TEST_NULL(ptr, false, true)
#define ASSERT_STREQ(expected, seen)	__TEST_STR(expected, seen, true, true)
#define ASSERT_STRNE(expected, seen)	__TEST_STR(expected, seen, false, true)

#define EXPECT_EQ(expected, seen)	__TEST_CMP(expected, seen, ==, false)
#define EXPECT_NE(expected, seen)	__TEST_CMP(expected, seen, !=, false)
#define EXPECT_LT(expected, seen)	__TEST_CMP(expected, seen, <, false)
#define EXPECT_LE(expected, seen)	__TEST_CMP(expected, seen, <=, false)
#define EXPECT_GT(expected, seen)	__TEST_CMP(expected, seen, >, false)
#define EXPECT_GE(expected, seen)	__TEST_CMP(expected, seen, >=, false)
#define EXPECT_TRUE(cond)		__TEST_BOOL(cond, true, false)
#define EXPECT_FALSE(cond)		__TEST_BOOL(cond, false, false)
#define EXPECT_NULL(ptr)		__TEST_NULL(ptr, true, false)
#define EXPECT_NOT_NULL(ptr)		__TEST_NULL(ptr, false, false)
#define EXPECT_STREQ(expected, seen)	__TEST_STR(expected, seen, true, false)
#define EXPECT_STRNE(expected, seen)	__TEST_STR(expected, seen, false, false)

/* Fail the test unconditionally and stop it. */
#define FAIL(fmt, ...) \
	__test_fail(_metadata, true, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

/*
 * Stop the test and report it as skipped with a reason (teardown still
 * runs if setup finished).  A test that already failed stays failed.
 */
#define SKIP(fmt, ...) __test_skip(_metadata, fmt, ##__VA_ARGS__)

/*
 * A diagnostic line: printed at once with -v, otherwise kept and printed
 * only if the test fails.
 */
#define TH_LOG(fmt, ...) \
	__test_log(_metadata, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#endif /* _PAGEMIG_TEST_H */
