#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates the reference recordings tests/data/codec-ref-*.log with the
# installed reference recorder (Debian tlog 12.1), through pipes (no pty,
# hence no window records). Run from tests/data. See README.
set -eu
rec() {
	out=$1
	shift
	rm -f "$out"
	tlog-rec "$@" </dev/null >/dev/null
}
# Every control byte, DEL, and the characters JSON escapes; one timestamp.
rec codec-ref-control.log -o codec-ref-control.log printf \
	'\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037 "\\/\177~'
# Invalid UTF-8: lone continuations, overlongs, a surrogate, > U+10FFFF,
# F5 and FF, sequences cut short by ASCII; one timestamp.
rec codec-ref-invalid.log -o codec-ref-invalid.log printf \
	'A\200B\277C\300\200D\301\277E\340\200\200F\355\240\200G\364\220\200\200H\365I\377J\342\202K\360\237\230L\340\240M'
# 2-, 3- and 4-byte characters, U+10FFFF and U+FFFD itself; one timestamp.
rec codec-ref-wide.log -o codec-ref-wide.log printf \
	'\360\237\230\200 \360\220\200\200 \364\217\277\277 \344\270\255\346\226\207 h\303\251llo \357\277\275\n'
# Long output split by a small payload.
rec codec-ref-payload64.log --payload=64 -o codec-ref-payload64.log seq 1 60
# Small payload with multi-byte characters and invalid bytes at the splits.
rec codec-ref-payload40.log --payload=40 -o codec-ref-payload40.log printf \
	'\360\237\230\200\342\202\254\377x\303\251\360\237\230\200\355\240\200y\342\202\254\360\237\230\200\376z\360\237\230\200\342\202\254\300\257w\303\251\360\237\230\200\342\202\254\377\n'
# Output over time: a 4-byte character written one byte per write, with
# pauses, then text and invalid bytes later (several timestamps).
rec codec-ref-split.log -o codec-ref-split.log sh -c \
	'printf "\360"; sleep 0.2; printf "\237"; sleep 0.2; printf "\230"; sleep 0.2; printf "\200ok\n"; sleep 0.3; printf "\342\202"; sleep 0.2; printf "x\377\n"'
