# SPDX-License-Identifier: GPL-2.0
# build/twinload: the workloads of `pagemig capture -- CMD` (tools/twinload/).
# A program of its own, outside the library; `make` builds it with the CLI.

all: $(O)/twinload

$(O)/twinload: tools/twinload/twinload.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_SAN)
