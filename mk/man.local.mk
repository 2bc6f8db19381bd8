# SPDX-License-Identifier: GPL-2.0
# The manual pages, made from what the program and library themselves use
# so they cannot drift from them: pagemig(1) and pagemig-scenario(5) by
# the CLI from its --help pages and the scenario parser's key tables
# (`pagemig help --man`), libpagemig(3) from pagemig.h
# (scripts/man-libpagemig.sh).  Read one uninstalled with
# `man -l build/man/pagemig.1`.  test_cli_users holds them, the --help
# pages and Documentation/scenarios.md to the code.

MANDIR		?= $(PREFIX)/share/man
MAN_PAGES	:= $(O)/man/pagemig.1 $(O)/man/pagemig-scenario.5 $(O)/man/libpagemig.3

.PHONY: man install-man uninstall-man

all: man
man: $(MAN_PAGES)

quiet_cmd_man = GEN     $@
      cmd_man = $(O)/pagemig help --man $(basename $(notdir $@)) > $@.tmp && mv $@.tmp $@

quiet_cmd_man3 = GEN     $@
      cmd_man3 = sh scripts/man-libpagemig.sh $(VERSION) < $< > $@.tmp && mv $@.tmp $@

$(O)/man/pagemig.1 $(O)/man/pagemig-scenario.5: $(O)/pagemig
	@mkdir -p $(dir $@)
	$(call cmd,man)

$(O)/man/libpagemig.3: include/pagemig/pagemig.h scripts/man-libpagemig.sh Makefile
	@mkdir -p $(dir $@)
	$(call cmd,man3)

install: install-man
install-man: $(MAN_PAGES)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 644 $(O)/man/pagemig.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(O)/man/libpagemig.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(O)/man/pagemig-scenario.5 $(DESTDIR)$(MANDIR)/man5/

uninstall: uninstall-man
uninstall-man:
	rm -f $(DESTDIR)$(MANDIR)/man1/pagemig.1 \
	      $(DESTDIR)$(MANDIR)/man3/libpagemig.3 \
	      $(DESTDIR)$(MANDIR)/man5/pagemig-scenario.5

# test_cli_users reads the pages and the shared library too.
$(O)/tests/unit/test_cli_users: $(MAN_PAGES) $(O)/libpagemig.so
