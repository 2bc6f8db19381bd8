# SPDX-License-Identifier: GPL-2.0
# install / uninstall.  PREFIX (default /usr/local) and DESTDIR as usual.
#
# Installed: libpagemig.a, libpagemig.so.VERSION with its SONAME link
# libpagemig.so.MAJOR and the link libpagemig.so for linking, the CLI,
# pagemig.pc (Version: the library's version, from pagemig.h), and the
# public headers.  The facade (pagemig.h) needs only prandom.h beside
# it; the other headers under include/pagemig/ are the library's own
# (pagemig_testing.h included: hooks for the tree's tests and benches)
# and include lib/ and the build's autoconf.h, so they stay in the
# source tree.  The build id (git describe) is pagemig_build_id().

LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
BINDIR		?= $(PREFIX)/bin
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
INSTALL_HDRS	:= include/pagemig/pagemig.h include/pagemig/prandom.h

.PHONY: uninstall

$(O)/pagemig.pc: pagemig.pc.in Makefile mk/install.mk include/pagemig/pagemig.h
	@mkdir -p $(dir $@)
	$(call cmd,gen_pc)

quiet_cmd_gen_pc = GEN     $@
      cmd_gen_pc = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@REQUIRES@|$(PKGS)|g' $< > $@

install: $(O)/libpagemig.a $(O)/libpagemig.so $(O)/pagemig $(O)/pagemig.pc
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/pagemig \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(O)/libpagemig.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(O)/$(SOFILE) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SOFILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpagemig.so
	install -m 644 $(INSTALL_HDRS) $(DESTDIR)$(INCLUDEDIR)/pagemig/
	install -m 755 $(O)/pagemig $(DESTDIR)$(BINDIR)/
	install -m 644 $(O)/pagemig.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libpagemig.a $(DESTDIR)$(LIBDIR)/libpagemig.so \
	      $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/$(SOFILE) \
	      $(DESTDIR)$(BINDIR)/pagemig $(DESTDIR)$(PKGCONFIGDIR)/pagemig.pc \
	      $(addprefix $(DESTDIR)$(INCLUDEDIR)/pagemig/,$(notdir $(INSTALL_HDRS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/pagemig 2>/dev/null
