# SPDX-License-Identifier: GPL-2.0
# test_cli_users runs the pagemig built beside it, so it is built first.
$(O)/tests/unit/test_cli_users: $(O)/pagemig

# test_cli_exits runs the pagemig built beside it too.
$(O)/tests/unit/test_cli_exits: $(O)/pagemig
