#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run_target.sh TARGET CORPUS ARTIFACTS RUNS: one short libFuzzer run for
# `meson test --suite fuzz`. New inputs go to a scratch directory, so the
# checked-in CORPUS is only read; a crash, leak or sanitizer report is
# saved under ARTIFACTS and fails the test.
set -eu
target=$1 corpus=$2 artifacts=$3 runs=$4
[ -d "$corpus" ] || { echo "$0: no corpus at $corpus" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
# Any report ends the run with an error (the build has
# -fno-sanitize-recover, this is for a build without it).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
rc=0
# libFuzzer exits 77 on a crash by default: Meson would call that a skip.
"$target" -runs="$runs" -seed=1 -error_exitcode=1 -timeout_exitcode=1 -max_len=4096 \
	-timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
	"$scratch" "$corpus" || rc=$?
[ "$rc" -eq 0 ] || echo "$0: $target failed (exit $rc); the input is in $artifacts/" >&2
exit "$rc"
