# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play --list over sources without an index (a file, an asciicast
file): read through, each message through the codec, each recording
listed once with what its first and last messages say; the selection
applies; a message the codec rejects ends the listing, naming its place.

usage: listing.py TLOG_PLAY"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402


def message(rec, user, n, text):
    m = {"ver": "2.3", "host": "e2e.example", "rec": rec, "user": user, "term": "xterm",
         "session": 1, "id": n, "pos": (n - 1) * 10, "time": 1700000000.0 + n / 100,
         "timing": f">{len(text)}", "in_txt": "", "in_bin": [], "out_txt": text, "out_bin": []}
    return json.dumps(m, separators=(",", ":"))


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def listed(play, argv, env):
    res = t.run([play, *argv, "--list", "--json"], env=env)
    t.check(res.returncode == 0, f"{argv} --list: {t.describe_status(res.returncode)} "
            f"{res.stderr!r}")
    return [(r["rec"], r["user"], r["messages"]) for r in json.loads(res.stdout)]


def main():
    play = os.path.abspath(sys.argv[1])
    env = t.test_env()
    with t.tempdir() as tmp:
        # Two recordings, interleaved: each is listed once, with its last
        # message's id.
        two = os.path.join(tmp, "two.log")
        write(two, [message("rec-a", "alice", 1, "a1"), message("rec-b", "bob", 1, "b1"),
                    message("rec-a", "alice", 2, "a2")])
        got = listed(play, ["-r", "file", "-i", two], env)
        t.check_equal(got, [("rec-a", "alice", 2), ("rec-b", "bob", 1)], "two recordings")
        got = listed(play, ["-r", "file", "-i", two, "--user=bob"], env)
        t.check_equal(got, [("rec-b", "bob", 1)], "--user=bob")
        res = t.run([play, "-r", "file", "-i", two, "--list"], env=env)
        lines = res.stdout.decode().splitlines()
        t.check(len(lines) == 3 and lines[0].startswith("REC") and "rec-a" in lines[1],
                f"--list table: {lines}")

        # An asciicast file holds one recording, named after the file.
        cast = os.path.join(tmp, "f.cast")
        write(cast, ['{"version": 2, "width": 80, "height": 24}', '[0.5, "o", "x"]'])
        got = listed(play, ["-r", "asciicast", "-i", cast], env)
        t.check_equal(got, [("f.cast", "", 1)], "asciicast")

        # A message the codec rejects: the listing ends, naming it.
        bad = os.path.join(tmp, "bad.log")
        write(bad, [message("rec-a", "alice", 1, "a1"), '{"ver": "2.3", "rec": "rec-a"}'])
        res = t.run([play, "-r", "file", "-i", bad, "--list"], env=env)
        err = res.stderr.decode(errors="replace")
        t.check(res.returncode == 1 and f"{bad}:2" in err and not res.stdout,
                f"bad message: {t.describe_status(res.returncode)} {err!r}")
    print("ok")


if __name__ == "__main__":
    t.run_main(main)
