# SPDX-License-Identifier: GPL-2.0
# run, check, stress and bench.  Each first runs `deps` and then calls
# $(MAKE) again, because the Makefile asks pkg-config for flags at parse
# time and the packages may only just have been installed.
#
#   make run [ARGS="..."]          default scenario (or ARGS) with the CLI
#   make check [CHECK_SEED=N]      the whole suite, summary on the last line
#   make stress [STRESS_SECONDS=N] TSan stress tests, as long as you like
#   make bench [ARGS="..."]        benchmarks, -O2, no debug, no sanitizers

CHECK_SEED	?= $(shell date +%s)
# Evaluate once: every stage and sub-make replays the same seed.
override CHECK_SEED := $(CHECK_SEED)
export CHECK_SEED
CHECK_JOBS	?= 2
CHECK_STRESS_SECONDS ?= 2
# The stress tests under the deterministic scheduler: these seeds, each
# with random switches and with PCT priorities, for this much simulated
# time.  Fixed seeds: a failure here replays exactly with the command
# printed.
CHECK_DET_SEEDS	?= 101 102 103
CHECK_DET_STRESS_SECONDS ?= 0.02
STRESS_SECONDS	?= 60
CHECK_ASAN	:= build/check-asan
CHECK_TSAN	:= build/check-tsan
CHECK_PLAIN	:= build/check-plain
ASAN_KNOBS	:= O=$(CHECK_ASAN) DEBUG_VM=1 DEBUG_VM_EXPENSIVE=1 \
		   SAN=address,undefined YIELD=0 WERROR=1
TSAN_KNOBS	:= O=$(CHECK_TSAN) DEBUG_VM=1 DEBUG_VM_EXPENSIVE=0 \
		   SAN=thread YIELD=1 WERROR=1
SUBMAKE		:= $(MAKE) --no-print-directory

# Sanitizer settings for the test runs: fail on the first report, and let
# leaks count (the harness runs in-process, so a leak is a real one).
export ASAN_OPTIONS ?= abort_on_error=0:detect_leaks=1:halt_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1

.PHONY: unit-tests stress-tests check-asan check-tsan check-plain check-det

unit-tests: $(UNIT_BINS)
stress-tests: $(STRESS_BINS)

run: deps
	@$(SUBMAKE) all
	./$(O)/pagemig run $(ARGS)

bench: deps
	@$(SUBMAKE) O=build/bench DEBUG_VM=0 DEBUG_VM_EXPENSIVE=0 SAN= YIELD=0 all
	./build/bench/pagemig bench $(ARGS)

stress: deps
	@$(SUBMAKE) $(TSAN_KNOBS) -j$(CHECK_JOBS) stress-tests
	@STRESS_SECONDS=$(STRESS_SECONDS) TEST_TIMEOUT=0 mk/run-tests.sh \
		$(CHECK_TSAN)/stress.result $(CHECK_SEED) 1 \
		$(STRESS_SRCS:%.c=$(CHECK_TSAN)/%); \
	read p f s < $(CHECK_TSAN)/stress.result; \
	echo "$$p passed, $$f failed, $$s skipped"; \
	test "$$f" = 0

# Each stage appends "passed failed skipped" to build/check.results; a
# build that fails counts as one failed test, so a broken tree can never
# look green.  The stages run even after a failure, so one run shows all.
check: deps
	@mkdir -p build
	@rm -f build/check.results
	@echo "# check: seed $(CHECK_SEED)"
	@$(SUBMAKE) check-asan check-det check-tsan check-fuzz check-scenarios check-plain check-examples
	@awk '{ p += $$1; f += $$2; s += $$3 } \
	     END { printf "%d passed, %d failed", p, f; \
		   if (s) printf " (%d skipped)", s; printf "\n"; exit f != 0 }' \
	     build/check.results

check-asan:
	@echo "# unit and regression tests: DEBUG_VM, ASan+UBSan"
	@mkdir -p $(CHECK_ASAN)
	@if $(SUBMAKE) $(ASAN_KNOBS) -k -j$(CHECK_JOBS) unit-tests \
		> $(CHECK_ASAN)/build.log 2>&1; then :; else \
		echo "FAIL build of the unit tests; see $(CHECK_ASAN)/build.log:"; \
		grep -E 'error|Error' $(CHECK_ASAN)/build.log | head -n 20 | sed 's/^/    /'; \
	fi
	@bins=; missing=0; \
	for b in $(UNIT_SRCS:%.c=$(CHECK_ASAN)/%); do \
		if [ -x $$b ]; then bins="$$bins $$b"; \
		else echo "FAIL $$b did not build"; missing=$$((missing + 1)); fi; \
	done; \
	if [ -n "$$bins" ]; then \
		mk/run-tests.sh $(CHECK_ASAN)/unit.result $(CHECK_SEED) \
			$(CHECK_JOBS) $$bins; \
	else echo "0 0 0" > $(CHECK_ASAN)/unit.result; fi; \
	read p f s < $(CHECK_ASAN)/unit.result; \
	echo "$$p $$((f + missing)) $$s" >> build/check.results

# The stress tests again, in the ASan build, one thread at a time with
# schedules picked by seed: -d (random switches) and -D 3 (PCT).
check-det:
	@echo "# stress tests: deterministic schedules, seeds $(CHECK_DET_SEEDS), ASan+UBSan"
	@if $(SUBMAKE) $(ASAN_KNOBS) -k -j$(CHECK_JOBS) stress-tests \
		> $(CHECK_ASAN)/det-build.log 2>&1; then :; else \
		echo "FAIL build of the stress tests; see $(CHECK_ASAN)/det-build.log:"; \
		grep -E 'error|Error' $(CHECK_ASAN)/det-build.log | head -n 20 | sed 's/^/    /'; \
	fi
	@bins=; missing=0; \
	for b in $(STRESS_SRCS:%.c=$(CHECK_ASAN)/%); do \
		if [ -x $$b ]; then bins="$$bins $$b"; \
		else echo "FAIL $$b did not build"; missing=$$((missing + 1)); fi; \
	done; \
	p=0; f=$$missing; s=0; \
	if [ -n "$$bins" ]; then \
		for seed in $(CHECK_DET_SEEDS); do \
			for args in "-d" "-D 3 -S 10000"; do \
				STRESS_SECONDS=$(CHECK_DET_STRESS_SECONDS) TEST_ARGS="$$args" \
				mk/run-tests.sh $(CHECK_ASAN)/det.result $$seed \
					$(CHECK_JOBS) $$bins | grep -v '^ok'; \
				read bp bf bs < $(CHECK_ASAN)/det.result; \
				p=$$((p + bp)); f=$$((f + bf)); s=$$((s + bs)); \
			done; \
		done; \
	fi; \
	if [ $$f = 0 ]; then echo "ok   deterministic stress: $$p passed"; \
	else echo "FAIL deterministic stress: $$p passed, $$f failed"; fi; \
	echo "$$p $$f $$s" >> build/check.results

check-tsan:
	@echo "# stress tests: TSan, debug_yield(), $(CHECK_STRESS_SECONDS) s"
	@mkdir -p $(CHECK_TSAN)
	@if $(SUBMAKE) $(TSAN_KNOBS) -k -j$(CHECK_JOBS) stress-tests \
		> $(CHECK_TSAN)/build.log 2>&1; then :; else \
		echo "FAIL build of the stress tests; see $(CHECK_TSAN)/build.log:"; \
		grep -E 'error|Error' $(CHECK_TSAN)/build.log | head -n 20 | sed 's/^/    /'; \
	fi
	@bins=; missing=0; \
	for b in $(STRESS_SRCS:%.c=$(CHECK_TSAN)/%); do \
		if [ -x $$b ]; then bins="$$bins $$b"; \
		else echo "FAIL $$b did not build"; missing=$$((missing + 1)); fi; \
	done; \
	if [ -n "$$bins" ]; then \
		STRESS_SECONDS=$(CHECK_STRESS_SECONDS) mk/run-tests.sh \
			$(CHECK_TSAN)/stress.result $(CHECK_SEED) 1 $$bins; \
	else echo "0 0 0" > $(CHECK_TSAN)/stress.result; fi; \
	read p f s < $(CHECK_TSAN)/stress.result; \
	echo "$$p $$((f + missing)) $$s" >> build/check.results

# The library and CLI as users build them, with -Werror, then a smoke run.
check-plain:
	@echo "# plain -Werror build and CLI smoke test"
	@mkdir -p $(CHECK_PLAIN)
	@if $(SUBMAKE) O=$(CHECK_PLAIN) WERROR=1 -j$(CHECK_JOBS) \
		$(CHECK_PLAIN)/libpagemig.a $(CHECK_PLAIN)/libpagemig.so \
		> $(CHECK_PLAIN)/build.log 2>&1; then \
		echo "ok   library builds with -Werror"; echo "1 0 0" >> build/check.results; \
	else \
		echo "FAIL library build; see $(CHECK_PLAIN)/build.log:"; \
		grep -E 'error|Error' $(CHECK_PLAIN)/build.log | head -n 20 | sed 's/^/    /'; \
		echo "0 1 0" >> build/check.results; \
	fi
	@if [ -z "$(CLI_SRCS)" ]; then \
		echo "skip CLI: tools/pagemig has no sources yet"; \
		echo "0 0 1" >> build/check.results; \
	elif $(SUBMAKE) O=$(CHECK_PLAIN) WERROR=1 -j$(CHECK_JOBS) \
		$(CHECK_PLAIN)/pagemig >> $(CHECK_PLAIN)/build.log 2>&1; then \
		if ./$(CHECK_PLAIN)/pagemig --help > $(CHECK_PLAIN)/help.txt 2>&1 \
		   && grep -q . $(CHECK_PLAIN)/help.txt; then \
			echo "ok   pagemig --help"; echo "2 0 0" >> build/check.results; \
		else \
			echo "FAIL pagemig --help (exit or empty output)"; \
			echo "1 1 0" >> build/check.results; \
		fi; \
	else \
		echo "FAIL CLI build; see $(CHECK_PLAIN)/build.log:"; \
		grep -E 'error|Error' $(CHECK_PLAIN)/build.log | head -n 20 | sed 's/^/    /'; \
		echo "0 1 0" >> build/check.results; \
	fi
	@# Same seed, same run: every built-in scenario twice, byte for byte.
	@if [ -n "$(CLI_SRCS)" ] && [ -x $(CHECK_PLAIN)/pagemig ]; then \
		if mk/det-check.sh --quick $(CHECK_PLAIN)/pagemig $(CHECK_SEED) \
			> $(CHECK_PLAIN)/det-check.txt 2>&1; then \
			echo "ok   pagemig run is deterministic:"; echo "1 0 0" >> build/check.results; \
		else \
			echo "FAIL pagemig run is not deterministic:"; echo "0 1 0" >> build/check.results; \
		fi; \
		sed 's/^/    /' $(CHECK_PLAIN)/det-check.txt; \
	fi
	@# The kernel twin: every capture pair of each corpus, against its ratchet (mk/twin-corpus.local.mk).
	@if [ -n "$(CLI_SRCS)" ] && [ -x $(CHECK_PLAIN)/pagemig ]; then \
		for c in $(TWIN_CORPORA); do \
			if mk/twin-corpus.sh --ratchet tests/data/$$c/agreement $(CHECK_PLAIN)/pagemig \
				tests/data/$$c/*/ > $(CHECK_PLAIN)/$$c-corpus.txt 2>&1; then \
				echo "ok   pagemig twin on tests/data/$$c/:"; echo "1 0 0" >> build/check.results; \
			else \
				echo "FAIL pagemig twin on tests/data/$$c/:"; echo "0 1 0" >> build/check.results; \
			fi; \
			sed 's/^/    /' $(CHECK_PLAIN)/$$c-corpus.txt; \
		done; \
	fi
