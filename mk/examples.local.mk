# SPDX-License-Identifier: GPL-2.0
# The library as a user gets it: `make install` into a staging directory,
# then examples/ built against that install with pkg-config and run from
# there (the rpath finds libpagemig.so.0; no ldconfig, no
# LD_LIBRARY_PATH).  Part of `make check` (check-plain).

.PHONY: check-examples

check-examples:
	@rm -rf $(CHECK_PLAIN)/destdir $(CHECK_PLAIN)/examples
	@if $(SUBMAKE) O=$(CHECK_PLAIN) WERROR=1 install \
		DESTDIR=$(abspath $(CHECK_PLAIN)/destdir) > $(CHECK_PLAIN)/examples.log 2>&1 && \
	    $(SUBMAKE) -C examples DESTDIR=$(abspath $(CHECK_PLAIN)/destdir) \
		O=$(abspath $(CHECK_PLAIN)/examples) >> $(CHECK_PLAIN)/examples.log 2>&1 && \
	    $(CHECK_PLAIN)/examples/fragment > $(CHECK_PLAIN)/examples/fragment.json \
		2>> $(CHECK_PLAIN)/examples.log && \
	    grep -q '"pgmigrate_success": [1-9]' $(CHECK_PLAIN)/examples/fragment.json; then \
		echo "ok   examples/ built against the installed library and run"; \
		echo "1 0 0" >> build/check.results; \
	else \
		echo "FAIL examples/ against the installed library; see $(CHECK_PLAIN)/examples.log:"; \
		tail -n 5 $(CHECK_PLAIN)/examples.log | sed 's/^/    /'; \
		echo "0 1 0" >> build/check.results; \
	fi
