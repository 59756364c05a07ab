# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by scripts/demo, scripts/test and bench/run (sourced, not run).

# The packages a build needs on Debian 12.
BUILD_PACKAGES="meson ninja-build g++ pkg-config libjson-c-dev libsystemd-dev
libcurl4-openssl-dev libboost-test-dev libvterm-dev libssl-dev libsimdjson-dev"

say() {
	printf '==> %s\n' "$*"
}

die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# need_packages PKG...: installs the missing ones with apt-get when root;
# otherwise prints the exact command to run and exits 1.
need_packages() {
	missing=
	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			missing="$missing $pkg"
		fi
	done
	[ -z "$missing" ] && return 0
	if ! is_root; then
		printf '%s: missing packages; install them with:\n  sudo apt-get install%s\n' \
			"${0##*/}" "$missing" >&2
		exit 1
	fi
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Another apt run (unattended upgrades, a parallel job) holds dpkg's
	# lock for a while: wait for it rather than fail.
	apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null || die "apt-get update failed"
	# shellcheck disable=SC2086 # word splitting is wanted here
	apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

# build DIR [MESON-OPTION...]: configures DIR once, then builds it (-j2:
# the machines this runs on have two cores).
build() {
	dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		say "configuring $dir $*"
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
			cat "$dir.setup.log" >&2
			die "meson setup $dir failed"
		}
		rm -f "$dir.setup.log"
	elif [ $# -gt 0 ]; then
		# Configured before, maybe with other options: these ones now.
		meson configure "$dir" "$@" >/dev/null || die "meson configure $dir $* failed"
	fi
	say "building $dir"
	ninja -C "$dir" -j2 >"$dir.ninja.log" 2>&1 || {
		tail -n 60 "$dir.ninja.log" >&2
		die "build of $dir failed (full log: $dir.ninja.log)"
	}
	rm -f "$dir.ninja.log"
}
