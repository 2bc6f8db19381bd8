# SPDX-License-Identifier: GPL-2.0
# Quiet output in kbuild's manner.  A recipe says `$(call cmd,NAME)`;
# cmd_NAME is the command and quiet_cmd_NAME the short line printed in
# its place:
#
#	quiet_cmd_cc_o_c = CC      $(@:$(O)/%=%)
#	      cmd_cc_o_c = $(CC) $(CFLAGS_ALL) -c -o $@ $<
#
# prints "  CC      mm/compaction.o".  `make V=1` prints the commands
# themselves, `make -s` nothing.  A command without a quiet_cmd_ line
# runs silently.  $(Q) hides a plain recipe line unless V=1.

V		?= 0

ifeq ($(V),1)
quiet		:=
Q		:=
else
quiet		:= quiet_
Q		:= @
endif

# make 4 keeps the one-letter flags in the first word of MAKEFLAGS.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
quiet		:= silent_
endif

# A command line inside echo '...': close, escape and reopen each quote.
escsq		= $(subst ','\'',$(1))
echo-cmd	= $(if $($(quiet)cmd_$(1)),echo '  $(call escsq,$($(quiet)cmd_$(1)))';)
cmd		= @set -e; $(echo-cmd) $(cmd_$(1))
