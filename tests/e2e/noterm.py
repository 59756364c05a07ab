# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play without a terminal: stdin /dev/null, stdout a file. It must
play to the end, exit 0 and write exactly the recorded output, at the
recorded pace. Also --user, --host and --session on a file of several
recordings: checked message by message, for playing, --list and export.

usage: noterm.py TLOG_PLAY DATA_DIR NAME..."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402


def duration_ms(path):
    """Milliseconds from the first message's start to the last event."""
    messages = t.load_messages(path)
    last = messages[-1]
    delays = sum(int(d) for d in t.re.findall(r"\+\s*(\d+)", last["timing"]))
    return last["pos"] + delays


def main():
    player, data = map(os.path.abspath, sys.argv[1:3])
    names = sys.argv[3:]
    t.check(names, "no recordings named")
    env = t.test_env()
    with t.tempdir() as tmp:
        for name in names:
            log = os.path.join(data, name + ".log")
            with open(os.path.join(data, name + ".out"), "rb") as f:
                expected = f.read()
            out_path = os.path.join(tmp, name + ".out")
            started = time.monotonic()
            with open(out_path, "wb") as out:
                # The timeout guards against a player that waits for a
                # terminal or for more input that never comes.
                res = t.run([player, "-r", "file", "-i", log], env=env, stdout=out, timeout=30)
            elapsed_ms = (time.monotonic() - started) * 1000
            t.check(res.returncode == 0, f"{name}: tlog-play exited with "
                    f"{t.describe_status(res.returncode)}: {res.stderr.decode(errors='replace')}")
            with open(out_path, "rb") as f:
                t.check_equal(f.read(), expected, f"{name}: played output")
            # Playback keeps the recorded pace (speed 1): allow some slack
            # below for timer rounding, none for skipping the delays.
            want = duration_ms(log)
            t.check(elapsed_ms >= 0.8 * want, f"{name}: played in {elapsed_ms:.0f} ms, the "
                    f"recording lasts {want} ms")
            print(f"ok {name}: {len(expected)} bytes in {elapsed_ms:.0f} ms "
                  f"(recording {want} ms)")
        check_selection(player, tmp, env)


def check_selection(player, tmp, env):
    def message(rec, user, host, session, text):
        return json.dumps({"ver": "2.3", "host": host, "rec": rec, "user": user,
                           "term": "xterm", "session": session, "id": 1, "pos": 0,
                           "time": 1796000000.0, "timing": f">{len(text)}", "in_txt": "",
                           "in_bin": [], "out_txt": text, "out_bin": []})
    log = os.path.join(tmp, "several.log")
    with open(log, "w") as f:
        f.write(message("R1", "alice", "web1", 3, "alice-output") + "\n")
        f.write(message("R2", "bob", "web2", 4, "bob-output") + "\n")
    for args, out in ((["--user=bob"], b"bob-output"), (["--host=web1"], b"alice-output"),
                      (["--session=4"], b"bob-output")):
        res = t.run([player, "-i", log, *args], env=env)
        t.check(res.returncode == 0 and res.stdout == out and res.stderr == b"",
                f"{args}: {res.returncode} {res.stdout!r} {res.stderr!r}")
    res = t.run([player, "-i", log, "--user=bob", "--list", "--json"], env=env)
    listed = json.loads(res.stdout) if res.returncode == 0 else None
    t.check(listed is not None and [r["rec"] for r in listed] == ["R2"], f"--list: {res!r}")
    res = t.run([player, "-i", log, "--session=3", "--export=asciicast"], env=env)
    t.check(res.returncode == 0 and b"alice-output" in res.stdout and b"bob" not in res.stdout,
            f"--export: {res.stdout!r} {res.stderr!r}")
    res = t.run([player, "-i", log, "--user=carol"], env=env)
    t.check(res.returncode == 1 and b"no recording matches --user=carol" in res.stderr,
            f"no match: {res.returncode} {res.stderr!r}")
    print("ok selection: --user, --host, --session in a file")


if __name__ == "__main__":
    t.run_main(main)
