#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/data/play-ref-*.log with the installed reference recorder
# (Debian tlog 12.1), through pipes (no window records, output bytes as the
# program wrote them), and play-ref-*.out, the bytes each program wrote.
# Run from tests/data.
set -eu
rec() {
	name=$1
	payload=$2
	shift 2
	rm -f "$name.log"
	tlog-rec --payload="$payload" -o "$name.log" "$@" </dev/null >/dev/null
	# The same program again, for the bytes it writes.
	"$@" </dev/null >"$name.out"
}
# Several messages (small payload) with delays between them: about 0.8 s.
rec play-ref-delays 64 sh -c \
	'printf "one\n"; sleep 0.3; printf "two \377 h\303\251\n"; sleep 0.3; seq 1 30; sleep 0.2; printf "end\n"'
