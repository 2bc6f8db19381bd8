# SPDX-License-Identifier: GPL-2.0
# The fuzzers (Documentation/testing.md, "Fuzzing"):
#
#   make fuzz-import   [FUZZ_SECONDS=60]  libFuzzer over the kpageflags
#                      import parser (tests/fuzz/fuzz_import.c)
#   make fuzz-scenario [FUZZ_SECONDS=60]  libFuzzer over the scenario
#                      loader (tests/fuzz/fuzz_scenario.c), seeded with
#                      the built-ins' YAML
#
# Both with ASan+UBSan, FUZZ_TIMEOUT seconds per input and FUZZ_RSS_MB of
# memory; they install Debian's clang when missing.  Crashing inputs go
# to build/fuzz/crashes/; copy each to tests/data/fuzz/import/ or
# tests/data/fuzz/scenario/, where `make check` (check-fuzz, below)
# replays it on every run without clang.

FUZZ_SECONDS	?= 60
FUZZ_TIMEOUT	?= 10
FUZZ_RSS_MB	?= 2048
FUZZ_DIR	:= build/fuzz
FUZZ_CC		?= clang

FUZZ_CFLAGS	:= -std=gnu11 -g -O1 -D_GNU_SOURCE -Iinclude -I. \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz-import fuzz-scenario fuzz-clang check-fuzz

quiet_cmd_fuzz_ccld = CCLD    $(FUZZ_DIR)/fuzz_import
      cmd_fuzz_ccld = $(FUZZ_CC) $(FUZZ_CFLAGS) -DPAGEMIG_FUZZ \
		-o $(FUZZ_DIR)/fuzz_import tests/fuzz/fuzz_import.c \
		facade/snapshot.c $$(pkg-config --cflags --libs libzstd zlib)

fuzz-clang:
	@command -v $(FUZZ_CC) >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang; \
		else echo "the fuzzers need clang: apt-get install clang"; exit 1; fi; }

fuzz-import: fuzz-clang
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes
	@cp tests/data/fuzz/import/* $(FUZZ_DIR)/corpus/ 2>/dev/null || true
	@# Seeds: the shipped snapshot, truncated, and a few shapes.
	@zstd -dc tests/data/kpageflags-host.zst 2>/dev/null | head -c 65536 | \
		{ printf '\000'; cat; } > $(FUZZ_DIR)/corpus/host-head
	@cp tests/data/kpageflags-host.zst $(FUZZ_DIR)/corpus/host-zst 2>/dev/null || true
	$(call cmd,fuzz_ccld)
	cd $(FUZZ_DIR) && ./fuzz_import -max_total_time=$(FUZZ_SECONDS) \
		-timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
		-max_len=1048576 -artifact_prefix=crashes/ corpus
	@n=$$(ls $(FUZZ_DIR)/crashes | wc -l); echo "fuzz-import: $$n crashing inputs in $(FUZZ_DIR)/crashes"; test "$$n" = 0

# The scenario loader needs the whole library (every step type registers
# itself): built once with clang into $(FUZZ_DIR)/lib, instrumented for
# the fuzzer but without its main().
FUZZ_LIB	:= $(FUZZ_DIR)/lib

quiet_cmd_fuzz_scenario_ld = CCLD    $(FUZZ_DIR)/fuzz_scenario
      cmd_fuzz_scenario_ld = $(FUZZ_CC) $(FUZZ_CFLAGS) -o $(FUZZ_DIR)/fuzz_scenario \
		tests/fuzz/fuzz_scenario.c $(FUZZ_LIB)/libpagemig.a $(PKG_LIBS) -lm -pthread

fuzz-scenario: fuzz-clang
	@$(SUBMAKE) O=$(FUZZ_LIB) CC=$(FUZZ_CC) SAN=fuzzer-no-link,address,undefined \
		DEBUG_VM=1 -j2 $(FUZZ_LIB)/libpagemig.a
	@mkdir -p $(FUZZ_DIR)/scenario-corpus $(FUZZ_DIR)/crashes
	@cp scenarios/*.yaml tests/data/fuzz/scenario/* $(FUZZ_DIR)/scenario-corpus/
	$(call cmd,fuzz_scenario_ld)
	cd $(FUZZ_DIR) && ./fuzz_scenario -max_total_time=$(FUZZ_SECONDS) \
		-timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
		-max_len=65536 -artifact_prefix=crashes/scenario- scenario-corpus
	@n=$$(ls $(FUZZ_DIR)/crashes | wc -l); echo "fuzz-scenario: $$n crashing inputs in $(FUZZ_DIR)/crashes"; test "$$n" = 0

# ---- make check: every input that ever failed, and a few mutations ----
#
# Without clang: each target is linked with tests/fuzz/replay.c in the
# ASan+UBSan build of the unit tests and fed tests/data/fuzz/<target>/
# (the scenario one the built-ins too), then CHECK_FUZZ_MUTATIONS seeded
# mutations of each input, for at most CHECK_FUZZ_SECONDS.

CHECK_FUZZ_MUTATIONS ?= 200
CHECK_FUZZ_SECONDS ?= 20
FUZZ_REPLAYS	:= $(CHECK_ASAN)/tests/fuzz/fuzz_scenario $(CHECK_ASAN)/tests/fuzz/fuzz_import

quiet_cmd_ld_fuzz = LD      $@
      cmd_ld_fuzz = $(CC) -o $@ $(filter %.o,$^) $(LIBS)

# (The built-ins object is named: mk/scenarios.local.mk adds it to
# LIB_OBJS after this file is read.)
$(O)/tests/fuzz/%: $(O)/tests/fuzz/%.o $(O)/tests/fuzz/replay.o $(LIB_OBJS) \
		$(O)/generated/scenarios.o
	$(call cmd,ld_fuzz)

.SECONDARY: $(O)/tests/fuzz/replay.o $(O)/tests/fuzz/fuzz_scenario.o $(O)/tests/fuzz/fuzz_import.o

check-fuzz:
	@echo "# fuzz targets: tests/data/fuzz/ and $(CHECK_FUZZ_MUTATIONS) mutations of each, ASan+UBSan"
	@mkdir -p $(CHECK_ASAN)
	@$(SUBMAKE) $(ASAN_KNOBS) -j$(CHECK_JOBS) $(FUZZ_REPLAYS) \
		> $(CHECK_ASAN)/fuzz-build.log 2>&1 || \
		{ echo "FAIL build of the fuzz targets; see $(CHECK_ASAN)/fuzz-build.log:"; \
		  grep -E 'error|Error' $(CHECK_ASAN)/fuzz-build.log | head -n 20 | sed 's/^/    /'; }
	@p=0; f=0; \
	for t in scenario import; do \
		b=$(CHECK_ASAN)/tests/fuzz/fuzz_$$t; \
		in=tests/data/fuzz/$$t; [ $$t = scenario ] && in="$$in scenarios"; \
		if [ -x $$b ] && $$b -m $(CHECK_FUZZ_MUTATIONS) -s $(CHECK_SEED) \
			-t $(CHECK_FUZZ_SECONDS) -o $(CHECK_ASAN)/fuzz-$$t.input \
			$$in > $(CHECK_ASAN)/fuzz-$$t.log 2>&1; then \
			echo "ok   fuzz_$$t: $$(tail -n 1 $(CHECK_ASAN)/fuzz-$$t.log)"; p=$$((p + 1)); \
		else \
			echo "FAIL fuzz_$$t: the input is in $(CHECK_ASAN)/fuzz-$$t.input (keep it in tests/data/fuzz/$$t/); it came from:"; \
			grep '^replay: ' $(CHECK_ASAN)/fuzz-$$t.log | tail -n 1 | sed 's/^/    /'; \
			grep -E 'ERROR|SUMMARY|runtime error|Abort' $(CHECK_ASAN)/fuzz-$$t.log | head -n 5 | sed 's/^/    /'; \
			echo "    (rerun: $$b -m $(CHECK_FUZZ_MUTATIONS) -s $(CHECK_SEED) $$in)"; \
			f=$$((f + 1)); \
		fi; \
	done; \
	echo "$$p $$f 0" >> build/check.results
