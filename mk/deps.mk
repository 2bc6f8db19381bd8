# SPDX-License-Identifier: GPL-2.0
# Debian packages the build and the tests need.  `make deps` installs the
# missing ones with apt-get when run as root, and otherwise prints the
# exact command and stops.
DEB_PKGS := gcc make pkg-config perl libyaml-dev libjson-c-dev liblz4-dev \
	    libzstd-dev libpng-dev zlib1g-dev liburcu-dev libxxhash-dev \
	    gnuplot-nox

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing || exit 1; \
		else \
			echo "pagemig needs these Debian packages; run as root:"; \
			echo "  apt-get install -y $$missing"; \
			exit 1; \
		fi; \
	fi
