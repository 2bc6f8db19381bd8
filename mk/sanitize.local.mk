# SPDX-License-Identifier: GPL-2.0
# make check: every built-in scenario once with the CLI built with
# ASan+UBSan (deterministic) and once with it built with TSan (real
# threads), by mk/check-scenarios.sh; the CLI links the same objects as
# the unit tests (build/check-asan) and the stress tests
# (build/check-tsan).  CHECK_SCENARIOS="default oom" runs only those.

CHECK_SCENARIOS	?=

.PHONY: check-scenarios

check-scenarios:
	@echo "# built-in scenarios: the CLI under ASan+UBSan and under TSan"
	@mkdir -p $(CHECK_ASAN) $(CHECK_TSAN)
	@$(SUBMAKE) $(ASAN_KNOBS) -j$(CHECK_JOBS) $(CHECK_ASAN)/pagemig \
		> $(CHECK_ASAN)/cli-build.log 2>&1 || \
		{ echo "FAIL ASan build of the CLI; see $(CHECK_ASAN)/cli-build.log"; }
	@$(SUBMAKE) $(TSAN_KNOBS) -j$(CHECK_JOBS) $(CHECK_TSAN)/pagemig \
		> $(CHECK_TSAN)/cli-build.log 2>&1 || \
		{ echo "FAIL TSan build of the CLI; see $(CHECK_TSAN)/cli-build.log"; }
	@if [ -x $(CHECK_ASAN)/pagemig ] && [ -x $(CHECK_TSAN)/pagemig ]; then \
		mk/check-scenarios.sh $(CHECK_ASAN)/pagemig $(CHECK_TSAN)/pagemig \
			$(CHECK_SEED) $(CHECK_SCENARIOS) > $(CHECK_ASAN)/scenarios.txt 2>&1; \
		sed '$$d' $(CHECK_ASAN)/scenarios.txt; \
		tail -n 1 $(CHECK_ASAN)/scenarios.txt | \
			awk '{ print $$1, $$2, 0 }' >> build/check.results; \
	else echo "0 1 0" >> build/check.results; fi
