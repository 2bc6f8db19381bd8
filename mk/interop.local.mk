# SPDX-License-Identifier: GPL-2.0
# make page-types-interop: build the kernel's own tools/mm/page-types from
# Debian's linux-source-6.12 and check that `page-types -F FILE` and
# `pagemig page-types --kernel-6.12 FILE` print the same summary (6.12's
# tool predates the c:uncached column), for a file pagemig
# exported (the default scenario, balloon pages included) and for the
# shipped host snapshot.  Not part of `make check`: it installs a
# package and unpacks part of a kernel tarball.

INTEROP_DIR	:= build/interop
KSRC_TAR	= $(firstword $(wildcard /usr/src/linux-source-6.12.tar.*))

.PHONY: page-types-interop

page-types-interop: deps
	@$(SUBMAKE) all
	@if [ -z "$(KSRC_TAR)" ]; then \
		echo "installing linux-source-6.12"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq linux-source-6.12 || exit 1; \
	fi
	@$(SUBMAKE) $(INTEROP_DIR)/page-types
	@./$(O)/pagemig run default --quiet --kpageflags $(INTEROP_DIR)/default.kpf \
		--kpagecount $(INTEROP_DIR)/default.kpc > /dev/null
	@zstd -dcf tests/data/kpageflags-host.zst > $(INTEROP_DIR)/host.kpf
	@for f in default host; do \
		for raw in "" -r; do \
			$(INTEROP_DIR)/page-types $$raw -F $(INTEROP_DIR)/$$f.kpf \
				> $(INTEROP_DIR)/$$f$$raw.kernel || exit 1; \
			./$(O)/pagemig page-types --kernel-6.12 $${raw:+--raw} $(INTEROP_DIR)/$$f.kpf \
				> $(INTEROP_DIR)/$$f$$raw.pagemig || exit 1; \
			if diff -u $(INTEROP_DIR)/$$f$$raw.kernel $(INTEROP_DIR)/$$f$$raw.pagemig; then \
				echo "ok   page-types $$raw -F $$f.kpf: identical ($$(wc -l < $(INTEROP_DIR)/$$f$$raw.kernel) lines)"; \
			else echo "FAIL page-types $$raw -F $$f.kpf differs"; exit 1; fi; \
		done; \
	done

# The tool needs only debugfs__mount() from tools/lib/api, for -X/-x
# (hwpoison), which this check never uses: a stub stands in.
$(INTEROP_DIR)/page-types:
	@mkdir -p $(INTEROP_DIR)/src/api/fs
	@echo '  TAR     $(notdir $(KSRC_TAR)): tools/mm/page-types.c'
	$(Q)tar -xf $(KSRC_TAR) -C $(INTEROP_DIR)/src --strip-components=1 \
		--wildcards '*/tools/mm/page-types.c' \
		'*/include/uapi/linux/magic.h' '*/include/uapi/linux/kernel-page-flags.h'
	@printf 'const char *debugfs__mount(void);\n' > $(INTEROP_DIR)/src/api/fs/fs.h
	@printf 'const char *debugfs__mount(void) { return 0; }\n' > $(INTEROP_DIR)/src/stub.c
	$(call cmd,ccld_page_types)

quiet_cmd_ccld_page_types = CCLD    $@
      cmd_ccld_page_types = $(CC) -O2 -I$(INTEROP_DIR)/src -o $@ \
		$(INTEROP_DIR)/src/tools/mm/page-types.c $(INTEROP_DIR)/src/stub.c
