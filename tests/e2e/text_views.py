# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play's screen-based views through the binaries: --export=text and
--search with --list-matches, for a recording made on a pty (with a full
screen program's redraw) and one made on pipes; and a jump back on a
FIFO, which cannot go back, is refused in words.

usage: text_views.py TLOG_REC TLOG_PLAY"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

# 40 numbered lines (the screen is 24 rows: 17 scroll off), a word split by
# an attribute change, a line overwritten by a carriage return, and a
# redraw on the alternate screen that is gone again at the end (it shows
# for 0.1 s: the screen is looked at between output events, so what one
# read of output both draws and erases is never seen).
SCRIPT = r"""
i=1; while [ $i -le 40 ]; do echo "row $i"; i=$((i+1)); done
printf 'ERR\033[1mOR\033[0m one\n'
printf 'progress 10%%\rprogress 100%%\n'
sleep 0.3
printf '\033[?1049h\033[HALT SCREEN ERROR'
sleep 0.1
printf '\033[?1049l'
echo "ERROR two"
"""


def record(tlog_rec, path, on_pty):
    argv = [tlog_rec, "-w", "file", "-o", path, "sh", "-c", SCRIPT]
    if on_pty:
        proc = t.PtyProcess(argv, env=t.test_env())
        status = proc.finish()
    else:
        status = t.run(argv, env=t.test_env()).returncode
    t.check(status == 0, f"tlog-rec ({'pty' if on_pty else 'pipes'}): status {status}")


def expected_text():
    lines = [f"row {i}" for i in range(1, 41)] + ["ERROR one", "progress 100%", "ERROR two"]
    return "".join(line + "\n" for line in lines)


def main():
    tlog_rec, tlog_play = map(os.path.abspath, sys.argv[1:3])
    env = t.test_env()
    with t.tempdir() as tmp:
        for on_pty in (True, False):
            kind = "pty" if on_pty else "pipes"
            log = os.path.join(tmp, f"{kind}.log")
            record(tlog_rec, log, on_pty)

            res = t.run([tlog_play, "-r", "file", "-i", log, "--export=text"], env=env)
            t.check(res.returncode == 0, f"{kind}: --export=text: {res.stderr!r}")
            # The scrollback then the last screen: every line once, as
            # shown (attributes gone, the overwritten progress only at
            # 100%, the alternate screen not at all).
            t.check_equal(res.stdout.decode(), expected_text(), f"{kind}: --export=text")

            out = os.path.join(tmp, f"{kind}.txt")
            res = t.run([tlog_play, "-r", "file", "-i", log, "--export=text", "-o", out], env=env)
            t.check(res.returncode == 0 and res.stdout == b"", f"{kind}: -o: {res.stderr!r}")
            with open(out) as f:
                t.check_equal(f.read(), expected_text(), f"{kind}: --export=text -o FILE")
            # A file that cannot take it: named, with the reason.
            for fmt in ("text", "asciicast"):
                res = t.run([tlog_play, "-r", "file", "-i", log, f"--export={fmt}", "-o",
                             "/dev/full"], env=env)
                t.check(res.returncode == 1 and
                        b"writing /dev/full: No space left on device" in res.stderr,
                        f"{kind}: --export={fmt} -o /dev/full: {res.returncode} {res.stderr!r}")

            res = t.run([tlog_play, "-r", "file", "-i", log, "--search=ERROR", "--list-matches"],
                        env=env)
            t.check(res.returncode == 0, f"{kind}: --list-matches: {res.stderr!r}")
            found = res.stdout.decode().splitlines()
            # Three places, in time order: the split word, the alternate
            # screen, the last line; each with a time --goto takes.
            t.check([line.split("\t", 1)[1] for line in found] ==
                    ["ERROR one", "ALT SCREEN ERROR", "ERROR two"], f"{kind}: matches {found}")
            times = [line.split("\t", 1)[0] for line in found]
            t.check(all(re.fullmatch(r"\d+:\d\d:\d\d\.\d\d\d", x) for x in times), f"times {times}")
            t.check(times == sorted(times) and times[0] < times[2], f"{kind}: times {times}")
            for when in times:
                res = t.run([tlog_play, "-r", "file", "-i", log, f"--goto={when}"], env=env)
                t.check(res.returncode == 0, f"{kind}: --goto={when} from --list-matches")

            res = t.run([tlog_play, "-r", "file", "-i", log, "--search=nowhere", "--list-matches"],
                        env=env)
            t.check(res.returncode == 1 and res.stdout == b"" and
                    b'"nowhere" never shows on the screen' in res.stderr,
                    f"{kind}: no match: {res.returncode} {res.stderr!r}")

        # A recording read from a FIFO cannot be gone back in: the jump is
        # refused with a message, playback goes on. Nothing but the player
        # may read the FIFO: a second reader (the snapshot index is for
        # regular files) would take part of the recording, or wait for a
        # writer for ever once this one, which writes it all at once and
        # closes it, has gone.
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        with open(os.path.join(tmp, "pty.log"), "rb") as f:
            recording = f.read()
        # Past the sleeps, so what shows is surely later than the start
        # (the first output often shares its millisecond with it, and
        # going to the start from there is rightly no jump at all).
        proc = t.PtyProcess([tlog_play, "-r", "file", "-i", fifo, "--paused", "--goto=0.6"],
                            env=env)
        fd = os.open(fifo, os.O_WRONLY)  # once tlog-play opened it
        try:
            os.write(fd, recording)
        finally:
            os.close(fd)
        proc.read_until(b"ERROR two", timeout=20)
        proc.write(b"g")  # to the start: back, which a FIFO cannot do
        proc.read_until(b"cannot go back in this source", timeout=20)
        proc.write(b"q")
        status = proc.finish()
        t.check(status == 0, f"tlog-play on a FIFO: status {status}")
    print("PASS")


if __name__ == "__main__":
    t.run_main(main)
