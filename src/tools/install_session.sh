#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes the installed tlog-rec-session set-id to the tlog user and group
# (mode 6755), so the recorder runs as tlog and the recorded user can
# neither stop nor read it. Done when installing as root and the user
# exists; otherwise the commands are printed for the administrator.
set -eu
case "$1" in
/*) target="${DESTDIR:-}$1" ;;
*) target="$MESON_INSTALL_DESTDIR_PREFIX/$1" ;;
esac
if [ "$(id -u)" = 0 ] && getent passwd tlog >/dev/null && getent group tlog >/dev/null; then
	chown tlog:tlog "$target"
	chmod 6755 "$target"
	echo "tlog-rec-session: $target is now tlog:tlog, mode 6755"
else
	echo "tlog-rec-session must be set-id to the tlog user to record safely; as root run:"
	echo "  systemd-sysusers   # creates the tlog user from sysusers.d/tlog.conf"
	echo "  chown tlog:tlog '$target' && chmod 6755 '$target'"
fi
