#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Output floods through tlog-rec with the file writer (the journal writer's
flood is tests/journal's case "flood"; bench/flood runs both at 1 GiB).

usage: flood_tests.py CASE TLOG_REC TLOG_PLAY

CASE is: file (64 MiB of text, UTF-8 and invalid bytes, recorded and
played back byte for byte, the recorder's memory bounded and flat)."""

import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import floodlib as fl  # noqa: E402
import tlogtest as t  # noqa: E402

FILE_SIZE = 64 * fl.MiB


def case_file(tlog_rec, tlog_play):
    tmp = tempfile.mkdtemp(prefix="tlog-flood-")
    try:
        data = fl.make_data(os.path.join(tmp, "data"), FILE_SIZE)
        r = fl.flood_file(tlog_rec, tlog_play, data, tmp,
                          env=fl.flood_env(t.test_env(), tlog_rec), timeout=240)
        t.check(r["status"] == 0, f"tlog-rec: {t.describe_status(r['status'])}: {r['stderr']}")
        t.check(r["passed_equal"], "tlog-rec did not pass the output through unchanged")
        t.check(r["play_status"] == 0, f"tlog-play: exit {r['play_status']}: {r['play_stderr']}")
        equal, at, got, want = r["played_equal"]
        t.check(equal, f"playback differs from the flood at byte {at} ({got} vs {want} bytes)")
        ceiling = fl.rss_ceiling_kb(tlog_rec)
        growth = fl.rss_growth_kb(r["samples"], r["size"])
        print(f"file flood: {r['size'] / fl.MiB:.0f} MiB in {r['seconds']:.1f} s "
              f"({r['size'] / fl.MB / r['seconds']:.1f} MB/s), {r['entries']} entries, "
              f"log {r['log_bytes'] / fl.MiB:.0f} MiB; tlog-rec peak RSS "
              f"{r['peak_rss_kb'] / 1024:.1f} MiB (ceiling {ceiling / 1024:.0f} MiB), "
              f"{len(r['samples'])} samples, growth after the first quarter {growth} kB; "
              f"playback {r['play_seconds']:.1f} s, peak RSS {r['play_rss_kb'] / 1024:.1f} MiB")
        t.check(r["peak_rss_kb"] is not None and r["peak_rss_kb"] < ceiling,
                f"tlog-rec peak RSS {r['peak_rss_kb']} kB, ceiling {ceiling} kB")
        # Flat: once the buffers are in use the RSS does not grow with the
        # output.
        t.check(len(r["samples"]) >= 3 and growth is not None
                and growth < fl.growth_allowance_kb(tlog_rec),
                f"tlog-rec's RSS grew by {growth} kB during the flood: {r['samples'][::10]}")
    finally:
        shutil.rmtree(tmp)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.require(os.access(fl.GNU_TIME, os.X_OK), "GNU time (apt-get install time)")
    t.run_main(lambda: CASES[sys.argv[1]](sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
