# SPDX-License-Identifier: GPL-2.0
# make fuzz-import [FUZZ_SECONDS=60]: libFuzzer over the kpageflags import
# parser (tests/fuzz/fuzz_import.c), with ASan+UBSan.  Not part of
# `make check`.  Installs Debian's clang when missing.  Crashing inputs
# are kept in build/fuzz/crashes/; copy one to tests/data/ and add a
# tests/regression/test_import_*.c that feeds it to the parser.

FUZZ_SECONDS	?= 60
FUZZ_DIR	:= build/fuzz
FUZZ_CC		?= clang

FUZZ_CFLAGS	:= -std=gnu11 -g -O1 -D_GNU_SOURCE -Iinclude -I. \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz-import

quiet_cmd_fuzz_ccld = CCLD    $(FUZZ_DIR)/fuzz_import
      cmd_fuzz_ccld = $(FUZZ_CC) $(FUZZ_CFLAGS) -DPAGEMIG_FUZZ \
		-o $(FUZZ_DIR)/fuzz_import tests/fuzz/fuzz_import.c \
		facade/snapshot.c $$(pkg-config --cflags --libs libzstd zlib)

fuzz-import:
	@command -v $(FUZZ_CC) >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang; \
		else echo "fuzz-import needs clang: apt-get install clang"; exit 1; fi; }
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes
	@# Seeds: the shipped snapshot, truncated, and a few shapes.
	@zstd -dc tests/data/kpageflags-host.zst 2>/dev/null | head -c 65536 | \
		{ printf '\000'; cat; } > $(FUZZ_DIR)/corpus/host-head
	@cp tests/data/kpageflags-host.zst $(FUZZ_DIR)/corpus/host-zst 2>/dev/null || true
	$(call cmd,fuzz_ccld)
	cd $(FUZZ_DIR) && ./fuzz_import -max_total_time=$(FUZZ_SECONDS) \
		-max_len=1048576 -artifact_prefix=crashes/ corpus
	@n=$$(ls $(FUZZ_DIR)/crashes | wc -l); echo "fuzz-import: $$n crashing inputs in $(FUZZ_DIR)/crashes"; test "$$n" = 0
