# SPDX-License-Identifier: GPL-2.0-or-later
"""--goto on a terminal writes what comes before the position, as
tlog-play(8) says and the reference does, so the terminal's scrollback
holds the session (seeking with keys paints the screen instead).

usage: goto_terminal.py TLOG_REC TLOG_PLAY

A recording of 400 numbered lines, a 3 s pause, then one more line, is
played on a real pty (80x24) with --goto=end and with --goto at the
pause, by our tlog-play and by the reference's: every line before the
position reaches the terminal, in order, from both."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

LINES = 400


def record(tlog_rec, path):
    # On a pty, as a session is: output with \r\n and a window size.
    script = f"seq -f 'number %g' 1 {LINES}; sleep 3; echo after-the-pause"
    p = t.PtyProcess([tlog_rec, "-w", "file", "-o", path, "sh", "-c", script], env=t.test_env())
    code = p.finish(timeout=60)
    t.check(code == 0, f"tlog-rec: {t.describe_status(code)}")


def play(player, path, goto):
    with t.tempfile.TemporaryFile() as err:
        p = t.PtyProcess([player, "-r", "file", "-i", path, f"--goto={goto}"], env=t.test_env(),
                         stderr=err)
        code = p.finish(timeout=60)
        err.seek(0)
        t.check(code == 0, f"{player} --goto={goto}: {t.describe_status(code)} {err.read()!r}")
    return bytes(p.output)


def numbers(output):
    return [int(n) for n in re.findall(rb"number (\d+)\r\n", output)]


def main():
    t.require(len(sys.argv) == 3, __doc__)
    t.require_pty()
    tlog_rec, tlog_play = sys.argv[1:]
    with t.tempdir() as tmp:
        log = os.path.join(tmp, "rec.log")
        record(tlog_rec, log)
        t.require_reference()
        for who, player in (("ours", tlog_play), ("reference", t.REF_PLAY)):
            out = play(player, log, "end")
            t.check(numbers(out) == list(range(1, LINES + 1)) and b"after-the-pause" in out,
                    f"{who} --goto=end on a terminal wrote {len(numbers(out))} of the {LINES} "
                    f"lines ({len(out)} bytes)")
            # The place is in the pause: all lines before it, not after.
            out = play(player, log, "1")
            t.check(numbers(out) == list(range(1, LINES + 1)),
                    f"{who} --goto in the pause wrote {len(numbers(out))} of the {LINES} lines")
            print(f"ok: {who}: every line before the position reached the terminal")


if __name__ == "__main__":
    t.run_main(main)
