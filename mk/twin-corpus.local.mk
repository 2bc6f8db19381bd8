# SPDX-License-Identifier: GPL-2.0
# The kernel twin in make check.
#
# test_twin_cli runs the pagemig built beside it, so it is built first.
# check-plain runs mk/twin-corpus.sh with the plain build on every capture
# pair of each corpus, tests/data/twin/ (captured while builds ran),
# tests/data/twin-idle/ (captured on an idle machine) and
# tests/data/twin-recent/ (captured hours later), and fails when
# fewer pairs agree with their kernel than the corpus's agreement file
# records.  `make twin-corpus` runs only that; TWIN_DIRS="..." runs it on
# other captures, without the ratchet (e.g. the held-out ones).

TWIN_CORPORA := $(notdir $(patsubst %/,%,$(dir $(wildcard tests/data/twin*/agreement))))

$(O)/tests/unit/test_twin_cli: $(O)/pagemig

.PHONY: twin-corpus

twin-corpus: deps
	@$(SUBMAKE) $(O)/pagemig
	@if [ -n "$(TWIN_DIRS)" ]; then \
		mk/twin-corpus.sh ./$(O)/pagemig $(TWIN_DIRS); \
	else \
		for c in $(TWIN_CORPORA); do \
			mk/twin-corpus.sh --ratchet tests/data/$$c/agreement ./$(O)/pagemig \
				tests/data/$$c/*/ || exit 1; \
		done; \
	fi
