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
- bad input exits non-zero with the place named;
- asciicast v1 (compact and pretty-printed), v2 and v3 written from the
  format's documentation play the same bytes (v1 and v2 also as
  `asciinema cat` prints them), and export to the same events;
- a header's idle_time_limit caps every pause, as asciinema plays it,
  seen in the player's own times (--list-matches) and kept by the export
  as the header field with the recorded times; --idle-limit wins over it;
- with asciinema installed (Debian 12: 2.2) as the consumer and producer
  of the files: our export read back by `asciinema cat`, and a file
  `asciinema rec -i` made played by us at its idle time limit."""

import json
import math
import os
import re
import shutil
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


def asciinema_env(tmp, env):
    """asciinema keeps its configuration (and an install id) under
    $XDG_CONFIG_HOME: a private one, never the user's."""
    return dict(env, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "asciinema-config"))


def asciinema_cat(cast, tmp, env):
    """What `asciinema cat` prints for @cast: the output events' data. It
    reads keys from /dev/tty, so it runs on a pty, its output to a file."""
    out = os.path.join(tmp, "asciinema-cat.out")
    proc = t.PtyProcess(["sh", "-c", 'exec asciinema cat "$0" >"$1"', cast, out],
                        env=asciinema_env(tmp, env))
    code = proc.finish(timeout=30)
    t.check(code == 0, f"asciinema cat {cast}: {t.describe_status(code)}: "
            f"{bytes(proc.output)!r}")
    with open(out, "rb") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def match_times(player, argv, env, pattern):
    """The player's own times (--list-matches, after any idle limit) at
    which @pattern shows, in seconds."""
    res = t.run([player, *argv, f"--search={pattern}", "--list-matches"], env=env, timeout=60)
    t.check(res.returncode == 0, f"tlog-play {' '.join(argv)} --list-matches: "
            f"{t.describe_status(res.returncode)}: {res.stderr.decode(errors='replace')}")
    times = []
    for line in res.stdout.decode().splitlines():
        h, m, sec = line.split("\t")[0].split(":")
        times.append(int(h) * 3600 + int(m) * 60 + float(sec))
    return times


# One session in the three asciicast versions, as their documentation
# (docs.asciinema.org/manual/asciicast/v1, v2, v3) shows them: output with
# UTF-8 and an escape sequence at 0.248, 1.249 and 7.0 s (v1 has output
# only; v2 and v3 add typed input, a marker, a resize and, in v3, a
# comment, an unknown code and the exit status).
OUT = [r"\u001b[1;31mHello \u001b[32mW\u00f6rld!\u001b[0m\r\n", r"That was ok\rThis is better.",
       r" Bye!\r\n"]
V1 = ('{"version": 1, "width": 80, "height": 24, "duration": 7.0, "command": "/bin/zsh", '
      '"title": "", "env": {"TERM": "xterm-256color", "SHELL": "/bin/zsh"}, "stdout": '
      f'[[0.248, "{OUT[0]}"], [1.001, "{OUT[1]}"], [5.751, "{OUT[2]}"]]}}\n')
V1_PRETTY = json.dumps(json.loads(V1), indent=2) + "\n"
V2 = ('{"version": 2, "width": 80, "height": 24, "timestamp": 1504467315, "title": "Demo", '
      '"env": {"TERM": "xterm-256color", "SHELL": "/bin/zsh"}}\n'
      f'[0.248, "o", "{OUT[0]}"]\n[1.249, "o", "{OUT[1]}"]\n[1.5, "m", ""]\n'
      '[2.0, "i", "ls\\r"]\n[4.05, "r", "90x30"]\n'
      f'[7.0, "o", "{OUT[2]}"]\n')
V3 = ('{"version": 3, "term": {"cols": 80, "rows": 24, "type": "xterm-256color"}, '
      '"timestamp": 1504467315, "title": "Demo", "env": {"SHELL": "/bin/zsh"}}\n'
      '# event stream follows the header\n'
      f'[0.248, "o", "{OUT[0]}"]\n[1.001, "o", "{OUT[1]}"]\n[0.251, "m", ""]\n'
      '[0.5, "i", "ls\\r"]\n# terminal window resized to 90 cols and 30 rows\n'
      '[2.05, "r", "90x30"]\n[0.5, "z", "a code of a later version"]\n'
      f'[2.45, "o", "{OUT[2]}"]\n[0.887, "x", "0"]\n')


def versions(player, tmp, env, have_asciinema):
    want = json.loads('"' + "".join(OUT) + '"').encode()
    want_events = [(when, "o", json.loads(f'"{o}"')) for when, o in zip((0.248, 1.249, 7.0), OUT)]
    for name, text in (("v1.json", V1), ("v1-pretty.json", V1_PRETTY), ("v2.cast", V2),
                       ("v3.cast", V3)):
        cast = write(os.path.join(tmp, name), text)
        # At once (-g end: the same bytes); the pipe below plays paced.
        out, _ = play(player, ["-r", "asciicast", "-i", cast, "-g", "end"], env,
                      os.path.join(tmp, name + ".out"))
        t.check_equal(out, want, f"playing {name}")
        if have_asciinema and not name.startswith("v3"):
            # asciinema 2.2 reads v1 and v2 (v3 came with asciinema 3).
            t.check_equal(asciinema_cat(cast, tmp, env), out,
                          f"`asciinema cat {name}` vs. tlog-play -r asciicast")
        header, events = export(player, ["-r", "asciicast", "-i", cast], env,
                                os.path.join(tmp, name + ".export.cast"))
        t.check((header["width"], header["height"]) == (80, 24), f"{name}: header {header}")
        t.check(header.get("env") == {"TERM": "xterm-256color"}, f"{name}: header {header}")
        t.check("idle_time_limit" not in header, f"{name}: header {header}")
        outs = [e for e in events if e[1] == "o"]
        t.check(outs == want_events, f"{name}: exported output events {outs}, "
                f"expected {want_events}")
        if not name.startswith("v1"):
            others = [e for e in events if e[1] != "o"]
            t.check(others == [(2.0, "i", "ls\r"), (4.05, "r", "90x30")],
                    f"{name}: exported input and resize events {others}")
    with open(os.path.join(tmp, "v3.cast"), "rb") as stdin:
        piped, _ = play(player, ["-r", "asciicast", "-i", "-"], env,
                        os.path.join(tmp, "v3-pipe.out"), stdin=stdin)
    t.check_equal(piped, want, "playing v3 from standard input")
    print("ok versions: v1 (compact and pretty), v2 and v3 play and export alike"
          + (", as `asciinema cat` prints v1 and v2" if have_asciinema else ""))


def idle_time_limit(player, tmp, env, have_asciinema):
    # A 3 s pause between "before" and "after", in a file whose header
    # asks for at most 1 s.
    v2 = write(os.path.join(tmp, "idle-v2.cast"),
               '{"version": 2, "width": 80, "height": 24, "idle_time_limit": 1}\n'
               '[0.5, "o", "before\\r\\n"]\n[3.5, "o", "after\\r\\n"]\n[3.75, "o", "end\\r\\n"]\n')
    v3 = write(os.path.join(tmp, "idle-v3.cast"),
               '{"version": 3, "term": {"cols": 80, "rows": 24}, "idle_time_limit": 1}\n'
               '[0.5, "o", "before\\r\\n"]\n[3, "o", "after\\r\\n"]\n[0.25, "o", "end\\r\\n"]\n')
    v1 = write(os.path.join(tmp, "idle-v1.json"),
               '{"version": 1, "width": 80, "height": 24, "stdout": '
               '[[0.5, "before\\r\\n"], [3, "after\\r\\n"], [0.25, "end\\r\\n"]]}\n')
    for cast in (v2, v3):
        name = os.path.basename(cast)
        argv = ["-r", "asciicast", "-i", cast]
        times = match_times(player, argv, env, "after")
        t.check(times == [1.5], f"{name}: \"after\" shows at {times} s of playing time, "
                "expected [1.5] (0.5 + the 3 s pause played as the header's 1 s)")
        given = match_times(player, argv + ["--idle-limit=2"], env, "after")
        t.check(given == [2.5], f"{name} --idle-limit=2: \"after\" at {given} s, expected [2.5]")
        # The export keeps the recorded times and the limit, as asciinema's
        # recorder writes them; --idle-limit shortens the times and says so.
        header, events = export(player, argv, env, os.path.join(tmp, name + ".export.cast"))
        t.check(header.get("idle_time_limit") == 1, f"{name}: exported header {header}")
        t.check([e[0] for e in events] == [0.5, 3.5, 3.75], f"{name}: exported times {events}")
        header, events = export(player, argv + ["--idle-limit=2"], env,
                                os.path.join(tmp, name + ".export2.cast"))
        t.check(header.get("idle_time_limit") == 2, f"{name} --idle-limit=2: header {header}")
        t.check([e[0] for e in events] == [0.5, 2.5, 2.75],
                f"{name} --idle-limit=2: exported times {events}")
        out, _ = play(player, argv, env, os.path.join(tmp, name + ".out"))
        t.check_equal(out, b"before\r\nafter\r\nend\r\n", f"playing {name}")
        if have_asciinema:
            t.check_equal(asciinema_cat(os.path.join(tmp, name + ".export.cast"), tmp, env), out,
                          f"`asciinema cat` of the export of {name}")
    times = match_times(player, ["-r", "asciicast", "-i", v1], env, "after")
    t.check(times == [3.5], f"idle-v1.json (v1 has no idle_time_limit): \"after\" at {times} s")
    print("ok idle_time_limit: a 3 s pause plays as the header's 1 s (v2, v3), "
          "--idle-limit wins, the export keeps it")


def asciinema_files(player, tmp, env, cast, want_out):
    """asciinema as the consumer of our export and the producer of files."""
    t.check_equal(asciinema_cat(cast, tmp, env), want_out,
                  "`asciinema cat` of our export vs. its \"o\" events")
    made = os.path.join(tmp, "asciinema-made.cast")
    script = "printf 'one \\303\\251\\n'; sleep 1.5; printf 'two\\n'"
    proc = t.PtyProcess(["asciinema", "rec", "--stdin", "-q", "-i", "0.5", "-c", script, made],
                        env=asciinema_env(tmp, env))
    try:
        code = proc.finish(timeout=60)
    except BaseException:
        proc.kill()
        raise
    t.check(code == 0, f"asciinema rec: {t.describe_status(code)}: {bytes(proc.output)!r}")
    with open(made, encoding="utf-8") as f:
        header = json.loads(f.readline())
    t.check(header.get("version") == 2 and header.get("idle_time_limit") == 0.5,
            f"asciinema rec -i 0.5 wrote the header {header}")
    argv = ["-r", "asciicast", "-i", made]
    out, _ = play(player, argv, env, os.path.join(tmp, "asciinema-made.out"))
    t.check_equal(out, asciinema_cat(made, tmp, env), "tlog-play vs. `asciinema cat` of an "
                  "asciinema recording")
    t.check_equal(out, "one \u00e9\r\ntwo\r\n".encode(), "tlog-play of an asciinema recording")
    one, two = match_times(player, argv, env, "one")[0], match_times(player, argv, env, "two")[0]
    t.check(0 < two - one <= 0.5 + 0.002,
            f"the 1.5 s pause of an `asciinema rec -i 0.5` file plays as {two - one:.3f} s")
    print(f"ok asciinema: reads our export; its recording plays alike, the pause as "
          f"{two - one:.3f} s")


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
            (["-r", "asciicast", "-i", log], 1, f"{log}:1: not an asciicast header"),
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

        have_asciinema = shutil.which("asciinema") is not None
        versions(player, tmp, env, have_asciinema)
        idle_time_limit(player, tmp, env, have_asciinema)
        # Installed by scripts/test (Debian's asciinema 2.2).
        t.require(have_asciinema, "asciinema (apt-get install asciinema)")
        asciinema_files(player, tmp, env, cast, by_code["o"].encode())


if __name__ == "__main__":
    t.run_main(main)
