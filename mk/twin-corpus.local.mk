# SPDX-License-Identifier: GPL-2.0
# The kernel twin in make check.
#
# test_twin_cli runs the pagemig built beside it, so it is built first.
# check-plain runs mk/twin-corpus.sh with the plain build on every capture
# pair of tests/data/twin/ and fails when fewer pairs agree with their
# kernel than tests/data/twin/agreement records.  `make twin-corpus`
# runs only that; TWIN_DIRS="..." runs it on other captures, without the
# ratchet (e.g. the held-out ones).

$(O)/tests/unit/test_twin_cli: $(O)/pagemig

.PHONY: twin-corpus

twin-corpus: deps
	@$(SUBMAKE) $(O)/pagemig
	@if [ -n "$(TWIN_DIRS)" ]; then \
		mk/twin-corpus.sh ./$(O)/pagemig $(TWIN_DIRS); \
	else \
		mk/twin-corpus.sh --ratchet tests/data/twin/agreement ./$(O)/pagemig \
			tests/data/twin/*/; \
	fi
