#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/data/e2e-ref-*.log with the reference recorder (Debian
# tlog 12.1) on a pty (script(1) provides it, so the recording has window
# records and output after the terminal's ONLCR), and e2e-ref-*.out, the
# bytes the terminal received. e2e-handmade.log is written by hand (input,
# window changes, whitespace and +0 in timing, NUL, invalid bytes in both
# directions); its .out was checked against the reference player.
# Run from tests/data as root (the reference needs /var/run/utmp).
set -eu
prog='printf "first line\n"; sleep 0.2; printf "bad:\377\376 part:\342\202 end\n"; sleep 0.2
printf "wide: \360\237\230\200 \342\202\254\n"; sleep 0.1; printf "tab\tdone\n"'
rm -f e2e-ref-payload64.log
TERM=xterm script -qec "stty cols 80 rows 24; tlog-rec -w file --payload=64 -o e2e-ref-payload64.log sh -c '$prog'" /dev/null >/dev/null
printf 'first line\r\nbad:\377\376 part:\342\202 end\r\nwide: \360\237\230\200 \342\202\254\r\ntab\tdone\r\n' >e2e-ref-payload64.out
