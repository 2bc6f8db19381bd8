# SPDX-License-Identifier: GPL-2.0
# install / uninstall.  PREFIX (default /usr/local) and DESTDIR as usual.
#
# Installed: libpagemig.a and .so, the CLI, pagemig.pc, and the public
# headers.  The facade (pagemig.h) needs only prandom.h beside it; the
# other headers under include/pagemig/ are the library's own and include
# lib/ and the build's autoconf.h, so they stay in the source tree.

LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
BINDIR		?= $(PREFIX)/bin
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
INSTALL_HDRS	:= include/pagemig/pagemig.h include/pagemig/prandom.h

.PHONY: uninstall

$(O)/pagemig.pc: pagemig.pc.in Makefile mk/install.mk
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@REQUIRES@|$(PKGS)|g' $< > $@

install: $(O)/libpagemig.a $(O)/libpagemig.so $(O)/pagemig $(O)/pagemig.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/pagemig \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(O)/libpagemig.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(O)/libpagemig.so $(DESTDIR)$(LIBDIR)/
	install -m 644 $(INSTALL_HDRS) $(DESTDIR)$(INCLUDEDIR)/pagemig/
	install -m 755 $(O)/pagemig $(DESTDIR)$(BINDIR)/
	install -m 644 $(O)/pagemig.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libpagemig.a $(DESTDIR)$(LIBDIR)/libpagemig.so \
	      $(DESTDIR)$(BINDIR)/pagemig $(DESTDIR)$(PKGCONFIGDIR)/pagemig.pc \
	      $(addprefix $(DESTDIR)$(INCLUDEDIR)/pagemig/,$(notdir $(INSTALL_HDRS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/pagemig 2>/dev/null
