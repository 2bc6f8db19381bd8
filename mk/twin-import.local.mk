# SPDX-License-Identifier: GPL-2.0
# The CLI tests of `pagemig import DIR` and `pagemig twin` run the pagemig
# built beside them, so it must be built first.

$(O)/tests/unit/test_twin_cli: $(O)/pagemig
