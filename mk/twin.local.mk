# SPDX-License-Identifier: GPL-2.0
# build/twinload: the workloads of `pagemig capture -- CMD` (tools/twinload/).
# A program of its own, outside the library; `make` builds it with the CLI.
# test_capture runs the CLI and twinload, so it needs both built first.

all: $(O)/twinload

quiet_cmd_ccld_twinload = CCLD    $@
      cmd_ccld_twinload = $(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_SAN)

$(O)/twinload: tools/twinload/twinload.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(call cmd,ccld_twinload)

$(O)/tests/unit/test_capture: $(O)/pagemig $(O)/twinload
