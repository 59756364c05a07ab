# SPDX-License-Identifier: GPL-2.0-or-later
"""An interactive sh recorded by our tlog-rec on a real pty, driven like a
user: type commands, wait for the prompt, resize the window, `exit 7`.

usage: interactive.py TLOG_REC TLOG_PLAY

Checks: tlog-rec exits 7; the recording holds the window change; the
output rebuilt from the recording is exactly what the terminal saw, in
order; the logged input is exactly what was typed; our player plays the
same bytes back."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

PROMPT = b"e2e$ "

# (typed line, what must appear in the terminal before the next prompt)
STEPS = [
    (b"echo hello $((6 * 7))\r", re.compile(rb"hello 42\r\n")),
    (b"printf 'caf\\303\\251 \\377 done\\n'\r", re.compile(b"caf\xc3\xa9 \xff done\r\n")),
    (b"stty size\r", re.compile(rb"\r\n24 80\r\n")),
    # after the resize below
    (b"stty size\r", re.compile(rb"\r\n30 100\r\n")),
    (b"i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i + 1)); done\r",
     re.compile(rb"line199\r\n")),
]


def main():
    our_rec, our_play = map(os.path.abspath, sys.argv[1:3])
    t.require_pty()
    env = t.test_env({"PS1": PROMPT.decode(), "ENV": "", "SHELL": "/bin/sh"})
    with t.tempdir() as tmp:
        log = os.path.join(tmp, "session.log")
        proc = t.PtyProcess([our_rec, "-o", log, "--log-input", "sh", "-i"], env=env, cwd=tmp)
        typed = b""
        try:
            at = proc.read_until(PROMPT, timeout=20)
            for n, (line, answer) in enumerate(STEPS):
                if n == 3:
                    proc.resize(30, 100)
                proc.write(line)
                typed += line
                at = proc.read_until(answer, timeout=20, start=at)
                at = proc.read_until(PROMPT, timeout=20, start=at)
            proc.write(b"exit 7\r")
            typed += b"exit 7\r"
            code = proc.finish(timeout=30)
        except BaseException:
            proc.kill()
            raise
        seen = bytes(proc.output)
        t.check(code == 7, f"tlog-rec exited with {t.describe_status(code)}, expected exit 7")

        messages = t.load_messages(log)
        t.check_recording_shape(messages, log)
        sizes = t.window_records(messages)
        t.check(sizes[:1] == [(80, 24)], f"first window record is {sizes[:1]}, expected 80x24")
        t.check((100, 30) in sizes, f"no window record =100x30 after the resize: {sizes}")

        logged_in, logged_out = t.decode_streams(messages, log)
        t.check_equal(logged_in, typed, "input rebuilt from the recording vs. typed")
        # Everything the terminal saw came from the shell, so the recording
        # must hold all of it in order, and nothing else.
        t.check_equal(logged_out, seen, "output rebuilt from the recording vs. terminal")

        out_path = os.path.join(tmp, "played.out")
        with open(out_path, "wb") as out:
            res = t.run([our_play, "-r", "file", "-i", log], env=env, stdout=out, timeout=60)
        t.check(res.returncode == 0, f"tlog-play exited with {t.describe_status(res.returncode)}:"
                f" {res.stderr.decode(errors='replace')}")
        with open(out_path, "rb") as f:
            t.check_equal(f.read(), seen, "tlog-play output vs. terminal")


if __name__ == "__main__":
    t.run_main(main)
