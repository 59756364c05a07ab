# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play --export=asciicast, -r asciicast and --idle-limit, end to end.

usage: asciicast.py TLOG_REC TLOG_PLAY

A program is recorded by our tlog-rec (file writer, input logged) on a
real pty: it prints UTF-8 and escape sequences, reads a typed line, sees
the window resized, and pauses 2 s. Checks:
- the export validates against the asciicast v2 spec line by line, its
  "o" events are the recorded output, "i" the typed input, "r" the resize;
- playing the export with -r asciicast (from a file and from standard
  input) writes the same bytes as playing the recording;
- with --idle-limit the export has no pause over the limit (computed
  event times), and playback is shorter by the pause (wall clock, with a
  wide margin);
- bad input exits non-zero with the place named."""

import json
import math
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

PAUSE = 2.0
LIMIT = 0.25
SCRIPT = ("printf 'h\\303\\251llo \\033[1mbold\\033[0m\\n'; read line; "
          "printf 'got %s\\n' \"$line\"; sleep 1; stty size; "
          f"sleep {PAUSE}; printf 'wide: \\360\\237\\230\\200 \\342\\202\\254 done\\n'")
SIZE_RE = re.compile(r"\d+x\d+")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate_cast(path):
    """Checks every line against the asciicast v2 spec; returns the header
    and the events."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise t.Failure(f"{path}: not UTF-8: {e}")
    t.check(text.endswith("\n"), f"{path}: does not end with a newline")
    lines = text[:-1].split("\n")
    header = json.loads(lines[0])
    t.check(isinstance(header, dict), f"{path}:1: header is not an object: {lines[0]!r}")
    t.check(header.get("version") == 2 and not isinstance(header.get("version"), bool),
            f"{path}:1: version is {header.get('version')!r}")
    for key in ("width", "height"):
        v = header.get(key)
        t.check(isinstance(v, int) and not isinstance(v, bool) and v > 0,
                f"{path}:1: {key} is {v!r}, not a positive integer")
    if "timestamp" in header:
        t.check(isinstance(header["timestamp"], int), f"{path}:1: timestamp {header['timestamp']!r}")
    t.check("command" not in header, f"{path}:1: a command tlog never recorded: {header}")
    events = []
    last = 0.0
    for n, line in enumerate(lines[1:], 2):
        e = json.loads(line)
        t.check(isinstance(e, list) and len(e) == 3, f"{path}:{n}: not a 3-element array: {line!r}")
        when, code, data = e
        t.check(is_number(when) and math.isfinite(when) and when >= last,
                f"{path}:{n}: time {when!r} is not a number >= the previous {last}")
        t.check(code in ("o", "i", "r"), f"{path}:{n}: code {code!r}")
        t.check(isinstance(data, str), f"{path}:{n}: data {data!r} is not a string")
        if code == "r":
            t.check(SIZE_RE.fullmatch(data), f"{path}:{n}: resize data {data!r}")
        last = when
        events.append((when, code, data))
    return header, events


def play(player, argv, env, out_path, stdin=None):
    started = time.monotonic()
    with open(out_path, "wb") as out:
        res = t.run([player, *argv], env=env, stdout=out, timeout=60,
                    **({"stdin": stdin} if stdin is not None else {}))
    elapsed = time.monotonic() - started
    t.check(res.returncode == 0, f"tlog-play {' '.join(argv)}: {t.describe_status(res.returncode)}: "
            f"{res.stderr.decode(errors='replace')}")
    with open(out_path, "rb") as f:
        return f.read(), elapsed


def export(player, argv, env, cast):
    res = t.run([player, *argv, "--export=asciicast", "-o", cast], env=env, timeout=60)
    t.check(res.returncode == 0, f"export {' '.join(argv)}: {t.describe_status(res.returncode)}: "
            f"{res.stderr.decode(errors='replace')}")
    return validate_cast(cast)


def max_gap(events):
    times = [0.0] + [e[0] for e in events]
    return max(b - a for a, b in zip(times, times[1:]))


def main():
    rec, player = map(os.path.abspath, sys.argv[1:3])
    t.require_pty()
    env = t.test_env()
    with t.tempdir() as tmp:
        log = os.path.join(tmp, "session.log")
        proc = t.PtyProcess([rec, "-o", log, "--log-input", "sh", "-c", SCRIPT], env=env, cwd=tmp)
        try:
            at = proc.read_until(b"bold", timeout=20)
            proc.write(b"typed\r")
            at = proc.read_until(b"got typed\r\n", timeout=20, start=at)
            proc.resize(30, 100)
            proc.read_until(b"30 100\r\n", timeout=20, start=at)
            code = proc.finish(timeout=30)
        except BaseException:
            proc.kill()
            raise
        t.check(code == 0, f"tlog-rec exited with {t.describe_status(code)}")
        messages = t.load_messages(log)
        t.check_recording_shape(messages, log)
        logged_in, logged_out = t.decode_streams(messages, log)
        logged_out.decode("utf-8")  # valid UTF-8: comparable byte for byte

        # Export: the spec, the header, and the events' contents.
        cast = os.path.join(tmp, "session.cast")
        header, events = export(player, ["-i", log], env, cast)
        t.check((header["width"], header["height"]) == (80, 24), f"header size: {header}")
        t.check(header.get("env") == {"TERM": "xterm"}, f"header env: {header}")
        start = messages[0]["time"] - messages[0]["pos"] / 1000
        t.check(header.get("timestamp") == math.floor(start),
                f"header timestamp {header.get('timestamp')} for a recording started at {start}")
        by_code = {c: "".join(d for _, k, d in events if k == c) for c in "oir"}
        t.check_equal(by_code["o"].encode(), logged_out, "the export's \"o\" events vs. the recording")
        t.check_equal(by_code["i"].encode(), logged_in, "the export's \"i\" events vs. the recording")
        t.check([d for _, k, d in events if k == "r"] == ["100x30"],
                f"resize events: {[e for e in events if e[1] == 'r']}")
        gap = max_gap(events)
        t.check(gap >= PAUSE - 0.1, f"the longest pause in the export is {gap:.3f} s, "
                f"the program slept {PAUSE} s")
        print(f"ok export: {len(events)} events, {os.path.getsize(cast)} bytes, "
              f"longest pause {gap:.3f} s")

        # Import: the same bytes as the recording, from a file and from stdin.
        played, full_elapsed = play(player, ["-i", log], env, os.path.join(tmp, "rec.out"))
        t.check_equal(played, logged_out, "playing the recording vs. its output")
        replayed, _ = play(player, ["-r", "asciicast", "-i", cast], env,
                           os.path.join(tmp, "cast.out"))
        t.check_equal(replayed, played, "playing the export (-r asciicast) vs. the recording")
        with open(cast, "rb") as stdin:
            piped, _ = play(player, ["-r", "asciicast", "-i", "-", "-g", "end"], env,
                            os.path.join(tmp, "pipe.out"), stdin=stdin)
        t.check_equal(piped, played, "playing the export from standard input")
        # And the export of the import is the export again.
        again = os.path.join(tmp, "again.cast")
        _, events_again = export(player, ["-r", "asciicast", "-i", cast], env, again)
        t.check(["".join(d for _, k, d in events_again if k == c) for c in "oir"] ==
                [by_code[c] for c in "oir"], "re-exporting the import changed the events")
        print(f"ok import: {len(replayed)} bytes played alike")

        # --idle-limit: computed times first, then the wall clock.
        limited = os.path.join(tmp, "limited.cast")
        _, short_events = export(player, ["-i", log, f"--idle-limit={LIMIT}"], env, limited)
        short_gap = max_gap(short_events)
        t.check(short_gap <= LIMIT + 1e-6, f"a pause of {short_gap:.6f} s with --idle-limit={LIMIT}")
        t.check([(k, d) for _, k, d in short_events] == [(k, d) for _, k, d in events],
                "--idle-limit changed the events, not only their times")
        t.check(short_events[-1][0] <= events[-1][0] - (PAUSE - LIMIT) + 0.01,
                f"--idle-limit={LIMIT} ends at {short_events[-1][0]} s, without it "
                f"{events[-1][0]} s")
        limited_out, limited_elapsed = play(player, ["-i", log, f"--idle-limit={LIMIT}"], env,
                                            os.path.join(tmp, "limited.out"))
        t.check_equal(limited_out, played, "output played with --idle-limit")
        t.check(full_elapsed >= PAUSE, f"the recording played in {full_elapsed:.2f} s, "
                f"but it has a pause of {PAUSE} s")
        t.check(limited_elapsed < full_elapsed - 1.0,
                f"--idle-limit={LIMIT}: played in {limited_elapsed:.2f} s, "
                f"without it {full_elapsed:.2f} s")
        print(f"ok idle limit: export ends at {short_events[-1][0]:.3f} s instead of "
              f"{events[-1][0]:.3f} s; played in {limited_elapsed:.2f} s instead of "
              f"{full_elapsed:.2f} s")

        # Bad input: a located error and a non-zero status, never a crash.
        bad = os.path.join(tmp, "bad.cast")
        with open(bad, "w") as f:
            f.write('{"version": 2, "width": 80, "height": 24}\n[1.5, "o", "a"]\n[1.0, "o", "b"]\n')
        cases = [
            (["-r", "asciicast", "-i", bad], 1, f"{bad}:3: event time"),
            (["-r", "asciicast", "-i", log], 1, f"{log}:1: not an asciicast v2 header"),
            (["-i", log, "--export=asciicast", "--follow"], 2, "--follow"),
            (["-i", log, "--export=webm"], 2, "unknown format 'webm'"),
            (["-i", log, "-o", bad], 2, "-o/--output is for --export"),
            (["-i", log, "--idle-limit=-1"], 2, "idle_limit"),
            (["-i", log, "--export=asciicast", "-o", os.path.join(tmp, "no", "dir.cast")], 1,
             "no/dir.cast"),
        ]
        for argv, want, needle in cases:
            res = t.run([player, *argv], env=env, timeout=30)
            err = res.stderr.decode(errors="replace")
            t.check(res.returncode == want and needle in err,
                    f"tlog-play {' '.join(argv)}: {t.describe_status(res.returncode)} "
                    f"(expected exit {want}), stderr {err!r} should name {needle!r}")
        print(f"ok bad input: {len(cases)} cases")


if __name__ == "__main__":
    t.run_main(main)
