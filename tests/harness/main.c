// SPDX-License-Identifier: GPL-2.0
/*
 * The harness's runner: registration, the command line, TAP 13 output.
 *
 * Tests run in this process one after another (see test.h for why).
 * A failed ASSERT or a SKIP longjmp()s back to the test's wrapper; a
 * signal that means the process is broken (SIGSEGV, SIGABRT from BUG(),
 * ...) prints "not ok" and a TAP "Bail out!" for the running test, then
 * lets the signal kill the process, so prove and make both see the
 * failure and the core or sanitizer report is not lost.  A test that
 * hangs is stopped by a watchdog (TEST_TIMEOUT seconds, default 300).
 *
 * Each test runs under the deterministic scheduler (sim/sched.c), seeded
 * from the run's seed and the test's name, unless -p (or a TSan build,
 * whose stress runs hunt with real threads) asks for parallel threads.
 *
 * Exit status follows kselftest: 0 all passed, 1 any failed, 4 all
 * skipped.
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pagemig/pagemig.h>
#include <pagemig/sched.h>

#include "test.h"

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

#define MAX_FILTERS	16
#define LOG_BUF_SIZE	8192

struct __fixture_metadata __global_fixture = { .name = "global" };
void (*test_after_each)(struct __test_metadata *_metadata);

static struct __fixture_metadata *fixtures, *fixtures_tail;

static uint64_t run_seed;
static bool run_long, run_verbose;
/* Deterministic scheduling (-d, the default) or host threads (-p). */
#if defined(__SANITIZE_THREAD__)
static bool run_det;
#else
static bool run_det = true;
#endif
static unsigned int run_depth;
static unsigned long long run_pct_steps;
static const char *prog_name;
static const char *filters[MAX_FILTERS];
static int nr_filters;
static pthread_t runner_thread;
static struct pagemig_rng cur_rng;

/* The test running now and its TAP number, for the signal handlers. */
static struct __test_metadata *cur_test;
static int cur_nr;

/* TH_LOG lines of the running test, printed if it fails. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[LOG_BUF_SIZE];
static size_t log_len;

static void register_fixture(struct __fixture_metadata *f)
{
	if (f->registered)
		return;
	f->registered = true;
	if (fixtures_tail)
		fixtures_tail->next = f;
	else
		fixtures = f;
	fixtures_tail = f;
}

/**
 * __register_test - add a test to its fixture (called by constructors)
 * @t: the test; its fixture is registered on first use, so fixtures run
 * in the order their first test appears in the file
 */
void __register_test(struct __test_metadata *t)
{
	struct __fixture_metadata *f = t->fixture;

	register_fixture(f);
	if (f->tests_tail)
		f->tests_tail->next = t;
	else
		f->tests = t;
	f->tests_tail = t;
}

/**
 * __register_fixture_variant - add a variant to a fixture
 * @f: the fixture
 * @v: the variant; every TEST_F of @f runs once per variant
 */
void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v)
{
	register_fixture(f);
	if (f->variants_tail)
		f->variants_tail->next = v;
	else
		f->variants = v;
	f->variants_tail = v;
}

/**
 * test_seed - the run's seed
 *
 * Return: the -s value, or the time-derived seed printed at start.
 */
uint64_t test_seed(void)
{
	return run_seed;
}

/**
 * test_rng - the current test's PRNG
 *
 * Seeded before each test from the run's seed and the test's full name,
 * so a test replays the same choices whatever else the filter selects.
 *
 * Return: the PRNG; not thread-safe, give threads their own.
 */
struct pagemig_rng *test_rng(void)
{
	return &cur_rng;
}

/**
 * test_deterministic - does the test run under the deterministic scheduler?
 *
 * Return: true unless -p was given (or the build is a TSan one).
 */
bool test_deterministic(void)
{
	return run_det;
}

/**
 * test_usleep - sleep, on the clock the test runs on
 * @us: microseconds
 */
void test_usleep(unsigned long us)
{
	if (sched_is_scheduled_thread())
		sched_sleep_ns(us * 1000ULL);
	else
		usleep(us);
}

/**
 * test_barrier_init - a barrier for @count threads
 * @b: the barrier
 * @count: threads that must arrive before any leaves
 *
 * Return: 0.
 */
int test_barrier_init(struct test_barrier *b, unsigned int count)
{
	b->count = count;
	b->arrived = 0;
	return 0;
}

/**
 * test_barrier_wait - arrive, and wait for the others
 * @b: the barrier; used once
 *
 * Waits with pagemig_yield(), a scheduling point under the scheduler.
 */
void test_barrier_wait(struct test_barrier *b)
{
	__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&b->arrived, __ATOMIC_ACQUIRE) < b->count)
		pagemig_yield();
}

/**
 * test_long - was -l given?
 *
 * Return: true for a long run.
 */
bool test_long(void)
{
	return run_long;
}

/**
 * test_verbose - was -v given?
 *
 * Return: true for a verbose run.
 */
bool test_verbose(void)
{
	return run_verbose;
}

static void log_vprintf(const char *fmt, va_list ap)
{
	pthread_mutex_lock(&log_lock);
	if (log_len < sizeof(log_buf) - 1) {
		int n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len,
				  fmt, ap);

		if (n > 0)
			log_len += n;
		if (log_len >= sizeof(log_buf))
			log_len = sizeof(log_buf) - 1;	/* truncated */
	}
	pthread_mutex_unlock(&log_lock);
}

static void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

static void log_flush(bool print)
{
	pthread_mutex_lock(&log_lock);
	if (print && log_len)
		fputs(log_buf, stdout);
	log_len = 0;
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

/*
 * A diagnostic line, "# file:line: test: message": printed at once when
 * @now or -v, otherwise kept until we know whether the test failed.
 */
static void vdiag(struct __test_metadata *t, bool now, const char *file,
		  int line, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (now || run_verbose) {
		pthread_mutex_lock(&log_lock);
		printf("# %s:%d: %s: %s\n", file, line, t->full_name, msg);
		fflush(stdout);
		pthread_mutex_unlock(&log_lock);
	} else {
		log_printf("# %s:%d: %s: %s\n", file, line, t->full_name, msg);
	}
}

static bool on_runner_thread(void)
{
	return pthread_equal(pthread_self(), runner_thread);
}

/* Leave the test: back to its wrapper, or end a helper thread. */
static void __attribute__((__noreturn__)) leave_test(struct __test_metadata *t)
{
	if (on_runner_thread())
		longjmp(t->env, 1);
	/* A helper thread cannot unwind the runner's stack; it ends instead. */
	pthread_exit(NULL);
}

/**
 * __test_fail - record a failed check
 * @t: the test
 * @fatal: true for ASSERT: leave the test (or end the helper thread)
 * @file: source file of the check
 * @line: source line of the check
 * @fmt: what was expected
 */
void __test_fail(struct __test_metadata *t, bool fatal, const char *file,
		 int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_store_n(&t->failed, 1, __ATOMIC_RELAXED);
	/* Print what was kept so far first, so the story reads in order. */
	log_flush(true);
	va_start(ap, fmt);
	vdiag(t, true, file, line, fmt, ap);
	va_end(ap);
	if (fatal)
		leave_test(t);
}

static void fmt_val(char *buf, size_t len, __int128 v)
{
	size_t n;

	if (v >= INT64_MIN && v <= INT64_MAX)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	n = strlen(buf);
	if (v > 0xffff || v < -0xffff)
		snprintf(buf + n, len - n, " [%#llx]", (unsigned long long)v);
}

/**
 * __test_fail_cmp - record a failed comparison, with both values
 * @t: the test
 * @fatal: true for ASSERT
 * @file: source file of the check
 * @line: source line of the check
 * @exp_str: the expected expression's text
 * @exp: its value
 * @op: the operator's text
 * @seen_str: the seen expression's text
 * @seen: its value
 */
void __test_fail_cmp(struct __test_metadata *t, bool fatal, const char *file,
		     int line, const char *exp_str, __int128 exp,
		     const char *op, const char *seen_str, __int128 seen)
{
	char a[64], b[64];

	fmt_val(a, sizeof(a), exp);
	fmt_val(b, sizeof(b), seen);
	__test_fail(t, fatal, file, line, "Expected %s (%s) %s %s (%s)",
		    exp_str, a, op, seen_str, b);
}

/**
 * __test_skip - stop the test and report it skipped
 * @t: the test
 * @fmt: the reason
 */
void __test_skip(struct __test_metadata *t, const char *fmt, ...)
{
	va_list ap;

	t->skipped = true;
	va_start(ap, fmt);
	vsnprintf(t->skip_reason, sizeof(t->skip_reason), fmt, ap);
	va_end(ap);
	leave_test(t);
}

/**
 * __test_log - a TH_LOG() line
 * @t: the test
 * @file: source file
 * @line: source line
 * @fmt: the message
 */
void __test_log(struct __test_metadata *t, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(t, false, file, line, fmt, ap);
	va_end(ap);
}

/* ---- running ------------------------------------------------------------ */

static void full_name(char *buf, size_t len, const struct __fixture_metadata *f,
		      const struct __fixture_variant_metadata *v,
		      const struct __test_metadata *t)
{
	if (f == &__global_fixture)
		snprintf(buf, len, "%s", t->name);
	else if (v)
		snprintf(buf, len, "%s.%s.%s", f->name, v->name, t->name);
	else
		snprintf(buf, len, "%s.%s", f->name, t->name);
}

static bool selected(const char *name)
{
	int i;

	if (!nr_filters)
		return true;
	for (i = 0; i < nr_filters; i++)
		if (strstr(name, filters[i]))
			return true;
	return false;
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Async-signal-safe output for the handlers. */
static void sig_puts(const char *s)
{
	ssize_t __attribute__((unused)) n = write(STDOUT_FILENO, s, strlen(s));
}

static void sig_putu(unsigned long v)
{
	char buf[24], *p = buf + sizeof(buf);

	*--p = '\0';
	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	sig_puts(p);
}

static void fatal_signal(int sig)
{
	struct __test_metadata *t = cur_test;

	fflush(stdout);
	if (t) {
		sig_puts("not ok ");
		sig_putu(cur_nr);
		sig_puts(" ");
		sig_puts(t->full_name);
		sig_puts(sig == SIGALRM ? " # timed out" : " # crashed: signal ");
		if (sig != SIGALRM)
			sig_putu(sig);
		sig_puts("\n");
	}
	sig_puts("Bail out! seed ");
	sig_putu(run_seed);
	sig_puts(", rerun with -s to replay\n");
	if (sig == SIGALRM)
		_exit(KSFT_FAIL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGALRM, &sa, NULL);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* The sanitizer's own handlers print the better report. */
	return;
#endif
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

enum result { RES_PASS, RES_FAIL, RES_SKIP };

static enum result run_one(struct __test_metadata *t,
			   const struct __fixture_variant_metadata *v,
			   const char *name, int nr, unsigned int timeout)
{
	unsigned long long t0, t1;
	enum result res;

	t->full_name = name;
	t->failed = 0;
	t->skipped = false;
	t->setup_done = false;
	t->skip_reason[0] = '\0';
	pagemig_rng_seed(&cur_rng, run_seed ^ hash_name(name));
	cur_test = t;
	cur_nr = nr;

	if (run_verbose) {
		printf("# RUN %s\n", name);
		fflush(stdout);
	}
	t0 = ktime_get_wall_ns();
	alarm(timeout);
	if (run_det && pagemig_sched_start(run_seed ^ hash_name(name), run_depth,
					   run_pct_steps))
		printf("# %s: the scheduler would not start; threads run at once\n",
		       name);
	t->fn(t, v);
	if (!t->skipped && test_after_each && setjmp(t->env) == 0)
		test_after_each(t);
	pagemig_sched_stop();
	alarm(0);
	t1 = ktime_get_wall_ns();

	log_flush(t->failed);
	if (__atomic_load_n(&t->failed, __ATOMIC_RELAXED)) {
		printf("not ok %d %s\n", nr, name);
		if (run_det) {
			printf("# replay: %s -s %llu -t '%s'", prog_name,
			       (unsigned long long)run_seed, name);
			if (run_depth)
				printf(" -D %u -S %llu", run_depth,
				       run_pct_steps);
			printf("\n");
			pagemig_sched_dump(stdout, 16);
		}
		res = RES_FAIL;
	} else if (t->skipped) {
		printf("ok %d %s # SKIP %s\n", nr, name, t->skip_reason);
		res = RES_SKIP;
	} else {
		printf("ok %d %s\n", nr, name);
		res = RES_PASS;
	}
	if (run_verbose)
		printf("# %s: %.1f ms\n", name, (t1 - t0) / 1e6);
	if (run_det)
		printf("# schedule: %s: %llu steps, digest %016llx\n", name,
		       pagemig_sched_steps(),
		       (unsigned long long)pagemig_sched_digest());
	fflush(stdout);
	cur_test = NULL;
	return res;
}

static void usage(const char *prog, FILE *f)
{
	fprintf(f,
		"usage: %s [-s SEED] [-l] [-v] [-t SUBSTRING]... [-d | -p] [-D DEPTH [-S STEPS]] [-h]\n"
		"  -s SEED       seed for every random choice (default: from the clock)\n"
		"  -l            long mode: stress and loop tests run longer\n"
		"  -v            verbose: name each test, print TH_LOG lines and times\n"
		"  -t SUBSTRING  run only tests whose full name contains SUBSTRING\n"
		"                (fixture.variant.test; may be repeated)\n"
		"  -d            deterministic: one thread at a time, chosen from the\n"
		"                seed and the test's name, on a simulated clock (default)\n"
		"  -p            parallel: threads run at once (the default under TSan)\n"
		"  -D DEPTH      deterministic with PCT priorities, DEPTH - 1 change\n"
		"                points (1..16), spread over -S STEPS (default 100000)\n"
		"  -h            this help\n"
		"Environment: TEST_TIMEOUT=SECONDS per test (default 300, 0 = none).\n"
		"Output is TAP 13.  Exit: 0 all passed, 1 a test failed, 4 all skipped.\n",
		prog);
}

/* The selected (fixture, variant, test) triples, in run order. */
static int for_each_selected(bool run, unsigned int timeout, int *counts)
{
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	char name[256];
	int nr = 0;

	for (f = fixtures; f; f = f->next) {
		struct __fixture_variant_metadata *v = f->variants;

		do {
			for (t = f->tests; t; t = t->next) {
				full_name(name, sizeof(name), f, v, t);
				if (!selected(name))
					continue;
				nr++;
				if (run)
					counts[run_one(t, v, name, nr, timeout)]++;
			}
			v = v ? v->next : NULL;
		} while (v);
	}
	return nr;
}

/*
 * A test file that defines this true runs with threads at once unless -d
 * asks otherwise: tests of a kernel thread's timing, whose simulated
 * sleeps cost a scheduling step each while that thread is busy.
 */
extern const bool test_parallel_by_default __attribute__((weak));

int main(int argc, char **argv)
{
	int counts[3] = { 0, 0, 0 };
	unsigned int timeout = 300;
	const char *env;
	bool seeded = false;
	int opt, total;

	prog_name = argv[0];
	if (&test_parallel_by_default && test_parallel_by_default)
		run_det = false;
	while ((opt = getopt(argc, argv, "s:lvt:dpD:S:h")) != -1) {
		switch (opt) {
		case 's': {
			char *end;

			run_seed = strtoull(optarg, &end, 0);
			if (*end || end == optarg) {
				fprintf(stderr, "%s: bad seed '%s'\n", argv[0], optarg);
				return 2;
			}
			seeded = true;
			break;
		}
		case 'l':
			run_long = true;
			break;
		case 'd':
			run_det = true;
			break;
		case 'p':
			run_det = false;
			break;
		case 'D':
			run_depth = (unsigned int)strtoul(optarg, NULL, 0);
			if (run_depth < 1 || run_depth > 16) {
				fprintf(stderr, "%s: -D: expected 1..16, got '%s'\n",
					argv[0], optarg);
				return 2;
			}
			run_det = true;
			break;
		case 'S':
			run_pct_steps = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			run_verbose = true;
			break;
		case 't':
			if (nr_filters == MAX_FILTERS) {
				fprintf(stderr, "%s: at most %d -t filters\n",
					argv[0], MAX_FILTERS);
				return 2;
			}
			filters[nr_filters++] = optarg;
			break;
		case 'h':
			usage(argv[0], stdout);
			return 0;
		default:
			usage(argv[0], stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(argv[0], stderr);
		return 2;
	}
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		run_seed = (uint64_t)ts.tv_sec * 1000003ULL ^ (uint64_t)ts.tv_nsec;
		run_seed &= 0xffffffffULL;	/* short enough to retype */
	}
	env = getenv("TEST_TIMEOUT");
	if (env)
		timeout = strtoul(env, NULL, 0);
	if (run_long && !env)
		timeout = 0;

	runner_thread = pthread_self();
	install_handlers();
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("TAP version 13\n");
	printf("# seed: %llu\n", (unsigned long long)run_seed);
	total = for_each_selected(false, 0, NULL);
	if (!total) {
		printf("1..0 # SKIP no test matches the filter\n");
		printf("0 passed, 0 failed, 0 skipped\n");
		return KSFT_SKIP;
	}
	printf("1..%d\n", total);
	for_each_selected(true, timeout, counts);

	printf("# PASSED: %d / %d tests passed.\n", counts[RES_PASS], total);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       counts[RES_PASS], counts[RES_FAIL], counts[RES_SKIP]);
	if (counts[RES_FAIL])
		printf("# seed: %llu (rerun with -s %llu to replay)\n",
		       (unsigned long long)run_seed,
		       (unsigned long long)run_seed);
	printf("%d passed, %d failed, %d skipped\n",
	       counts[RES_PASS], counts[RES_FAIL], counts[RES_SKIP]);

	if (counts[RES_FAIL])
		return KSFT_FAIL;
	if (counts[RES_SKIP] == total)
		return KSFT_SKIP;
	return KSFT_PASS;
}

/* TSan's suppressions are the library's (facade/machine.c), as the CLI's. */

/**
 * stress_seconds - how long a stress test should run
 * @dflt: seconds when neither STRESS_SECONDS nor -l says otherwise
 *
 * Return: $STRESS_SECONDS if set and positive, else 20 with -l, else @dflt.
 */
double stress_seconds(double dflt)
{
	const char *env = getenv("STRESS_SECONDS");

	if (env && atof(env) > 0)
		return atof(env);
	return test_long() ? 20 : dflt;
}
