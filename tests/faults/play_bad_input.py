# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play on damaged recordings, the classes tests/e2e/bad_input.py
does not cover. Each damaged file is played with and without --lax
(tlog-play(8): --lax plays on over missing messages only; damaged ones
still end playback): tlog-play must exit 1 (never die of a signal, never
hang: every run has a timeout), print one line naming FILE:LINE and the
field, and first play what came before the damage. A message out of order
is not damage: --lax reports it (one line) and plays on.

usage: play_bad_input.py CASE TLOG_PLAY
CASE: missing_fields, wrong_types, counts_beyond, bad_timing, ids_repeated,
      ids_backwards, pos_back, out_of_order, giant_line, nul_bytes, bad_json,
      lax_covered"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import tlogtest as t  # noqa: E402
from bad_input import message, write  # noqa: E402

TIMEOUT = 30
# Everything before the damage: message 1 plays "one\r\n".
ONE = message(1, "one\r\n")


def run_play(play, path, extra=(), stdin=None):
    """Runs tlog-play on @path; returns (status, stdout, stderr, seconds,
    peak RSS in KiB). Fails when it does not end within TIMEOUT."""
    with t.tempdir() as tmp:
        out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.monotonic()
            proc = subprocess.Popen([play, "-r", "file", "-i", path, *extra],
                                    stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                    stdout=out, stderr=err, env=t.test_env())
            deadline = started + TIMEOUT
            while True:
                done, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if done:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise t.Failure(f"tlog-play -i {path} {' '.join(extra)} did not finish "
                                    f"within {TIMEOUT}s (an endless loop?)")
                time.sleep(0.01)
            proc.returncode = os.waitstatus_to_exitcode(status)
            elapsed = time.monotonic() - started
        with open(out_path, "rb") as f:
            stdout = f.read()
        with open(err_path, "rb") as f:
            stderr = f.read().decode(errors="replace")
    return proc.returncode, stdout, stderr, elapsed, usage.ru_maxrss


def expect_error(play, path, line, names, before=b"one\r\n", lax=True, lax_stderr_lines=1):
    """Without and with --lax: exit 1, one line on stderr naming
    PATH:LINE and each of @names, and @before played first."""
    for extra in ([], ["--lax"]) if lax else ([],):
        what = f"{os.path.basename(path)}{' --lax' if extra else ''}"
        code, out, err, _, _ = run_play(play, path, extra)
        t.check(0 <= code < 128, f"{what}: died: {t.describe_status(code)}; stderr {err!r}")
        t.check(code == 1, f"{what}: {t.describe_status(code)}, expected exit 1; stderr {err!r}")
        lines = err.splitlines()
        want_lines = lax_stderr_lines if extra else 1
        t.check(len(lines) == want_lines,
                f"{what}: {len(lines)} lines on stderr, expected {want_lines}: {err!r}")
        for name in [f"{path}:{line}:", *names]:
            t.check(name in lines[-1], f"{what}: the error does not name {name!r}: {err!r}")
        t.check_equal(out, before, f"{what}: output played before the damage")
    return lines[-1]


def two_lines(tmp, name, second, first=ONE, final_newline=True):
    """A file whose line 2 is @second (a str, or bytes written as is)."""
    path = os.path.join(tmp, name + ".log")
    with open(path, "wb") as f:
        for line in (first, second):
            f.write(line if isinstance(line, bytes) else line.encode())
            if final_newline or line is first:
                f.write(b"\n")
    return path


def without(field):
    m = json.loads(message(2, "two\r\n"))
    del m[field]
    return json.dumps(m, separators=(",", ":"))


def missing_fields(play, tmp):
    # rec, time, in_txt and out_txt may be left out (the reference's
    # reader allows it; the texts are then empty).
    fields = ("ver", "host", "user", "term", "session", "id", "pos", "timing",
              "in_bin", "out_bin")
    for field in fields:
        path = two_lines(tmp, f"missing-{field}", without(field))
        expect_error(play, path, 2, [f"'{field}'", "missing"])
    # Without out_txt there is no text for the timing's ">5".
    path = two_lines(tmp, "missing-out_txt", without("out_txt"))
    expect_error(play, path, 2, ["'timing'", "out_txt"])
    path = two_lines(tmp, "missing-in_txt", without("in_txt"))
    code, out, err, _, _ = run_play(play, path)
    t.check(code == 0, f"no in_txt: {t.describe_status(code)}; {err!r}")
    t.check_equal(out, b"one\r\ntwo\r\n", "no in_txt: played")
    print(f"ok: {len(fields)} fields, each missing from line 2; in_txt and out_txt "
          "may be left out")


def wrong_types(play, tmp):
    # bad_input.py has id "1", pos "0", timing 5, out_txt ["x"],
    # out_bin "x" and ver true; these are the rest.
    cases = [("host", 5), ("rec", 7), ("user", None), ("term", []), ("session", "1"),
             ("session", -1), ("session", 4294967296), ("time", "now"), ("time", -1),
             ("in_txt", 1), ("in_bin", {}), ("id", -1), ("id", 1.5), ("id", 2 ** 60),
             ("pos", -5), ("pos", 1e300), ("out_bin", [256]), ("out_bin", [-1]),
             ("out_bin", [1.5]), ("out_bin", ["a"]), ("ver", "3.0"), ("ver", "two"),
             ("ver", 3), ("ver", "2.x")]
    for n, (field, value) in enumerate(cases):
        path = two_lines(tmp, f"type-{n}-{field}", message(2, "two\r\n", **{field: value}))
        expect_error(play, path, 2, [f"'{field}'"])
    print(f"ok: {len(cases)} wrong types or values")


def counts_beyond(play, tmp):
    """Timing records that ask for more (or less) than the text holds."""
    cases = {
        "out-chars": dict(timing=">99"),
        "out-bytes": dict(timing=">5]1/5", out_txt="two\r\n\ufffd", out_bin=[1, 2]),
        "in-chars": dict(timing="<3>5"),
        "in-bin-chars": dict(timing="[2/1>5", in_txt="\ufffd", in_bin=[255]),
        "huge-count": dict(timing=">99999999999999999999999"),
        "text-left-over": dict(timing=">1"),
        "bytes-left-over": dict(timing=">5", out_bin=[255]),
    }
    for name, changes in cases.items():
        path = two_lines(tmp, "count-" + name, message(2, "two\r\n", **changes))
        expect_error(play, path, 2, ["'timing'"])
    print(f"ok: {len(cases)} counts that do not match the text")


def bad_timing(play, tmp):
    # (Two delays in a row, "+1+2>5", are not damage: the reference's
    # reader takes each record alone, and so does ours.)
    cases = {"letters": "abc", "no-count": ">", "negative": "+-5>5",
             "window-too-big": "=70000x24>5", "window-no-rows": "=80x>5",
             "delay-at-end": ">5+"}
    for name, timing in cases.items():
        path = two_lines(tmp, "timing-" + name, message(2, "two\r\n", timing=timing))
        expect_error(play, path, 2, ["'timing'"])
    print(f"ok: {len(cases)} malformed timing strings")


def lines_file(tmp, name, lines):
    path = os.path.join(tmp, name + ".log")
    write(path, lines)
    return path


def ids_repeated(play, tmp):
    path = lines_file(tmp, "repeated", [ONE, message(2, "two\r\n"), message(2, "again\r\n"),
                                        message(3, "three\r\n")])
    line = expect_error(play, path, 3, ["'id'"], before=b"one\r\ntwo\r\n")
    print(f"ok: {line}")


def ids_backwards(play, tmp):
    path = lines_file(tmp, "backwards", [ONE, message(2, "two\r\n"), message(3, "three\r\n"),
                                         message(1, "one again\r\n")])
    line = expect_error(play, path, 4, ["'id'"], before=b"one\r\ntwo\r\nthree\r\n")
    # A gap first: --lax reports it and plays on, then stops at the id
    # that goes back.
    path = lines_file(tmp, "gap-then-back", [ONE, message(3, "three\r\n"),
                                             message(2, "two\r\n")])
    expect_error(play, path, 2, ["missing"], lax=False)
    code, out, err, _, _ = run_play(play, path, ["--lax"])
    lines = err.splitlines()
    t.check(code == 1 and len(lines) == 2, f"gap then back, --lax: "
            f"{t.describe_status(code)}, stderr {err!r}")
    t.check(f"{path}:2:" in lines[0] and "missing" in lines[0], f"no gap report: {err!r}")
    t.check(f"{path}:3:" in lines[1] and "'id'" in lines[1], f"no error at line 3: {err!r}")
    t.check_equal(out, b"one\r\nthree\r\n", "gap then back, --lax: played")
    print(f"ok: {line}; gap then back with --lax: {lines[0]!r}, {lines[1]!r}")


def expect_out_of_order(play, path, line, before, played):
    """Without --lax: exit 1 naming PATH:LINE, 'pos' and "out of order",
    after @before. With --lax: one report naming PATH:LINE, exit 0, and
    all of @played."""
    first = expect_error(play, path, line, ["'pos'", "out of order"], before=before,
                         lax=False)
    code, out, err, _, _ = run_play(play, path, ["--lax"])
    lines = err.splitlines()
    t.check(code == 0, f"{path} --lax: {t.describe_status(code)}; stderr {err!r}")
    t.check(len(lines) == 1 and f"{path}:{line}:" in lines[0] and "out of order" in lines[0],
            f"{path} --lax: expected one report naming {path}:{line}: {err!r}")
    t.check_equal(out, played, f"{path} --lax: played")
    return first, lines[0]


def pos_back(play, tmp):
    path = lines_file(tmp, "pos-back", [ONE, message(2, "two\r\n", pos=100),
                                        message(3, "three\r\n", pos=50)])
    line, report = expect_out_of_order(play, path, 3, b"one\r\ntwo\r\n",
                                       b"one\r\ntwo\r\nthree\r\n")
    print(f"ok: {line}; --lax: {report}")


def out_of_order(play, tmp):
    """Message 1 runs to 101 ms, message 2 starts at 100 ms: the reference
    stops with "Packet timestamp is out of order"; so do we, naming the
    line. With --lax message 2 plays from 101 ms, after message 1."""
    path = lines_file(tmp, "out-of-order", [message(1, "one\r\n", timing=">3+101>2"),
                                            message(2, "two\r\n", pos=100),
                                            message(3, "three\r\n", pos=200)])
    line, report = expect_out_of_order(play, path, 2, b"one\r\n",
                                       b"one\r\ntwo\r\nthree\r\n")
    # A delay after the last event is no event: starting at 100 ms after
    # ">5+1" (last event at 0 ms) is in order, for both players.
    path = lines_file(tmp, "hanging-delay", [message(1, "one\r\n", timing=">5+101"),
                                             message(2, "two\r\n", pos=100)])
    code, out, err, _, _ = run_play(play, path)
    t.check(code == 0, f"hanging delay: {t.describe_status(code)}; {err!r}")
    t.check_equal(out, b"one\r\ntwo\r\n", "hanging delay: played")
    print(f"ok: {line}; --lax: {report}")


GIANT = 50 * 1000 * 1000
# Generous for the 16 MiB line bound (tlog-play(8)), but far below the
# 50 MB a reader that holds the whole line would need; ASan's shadow
# memory adds to it.
MAX_RSS_KIB = 160 * 1024


def giant_line(play, tmp):
    """A 50 MB line without a newline, from a file and from a pipe: the
    16 MiB line limit stops it, quickly and in bounded memory."""
    path = os.path.join(tmp, "giant.log")
    with open(path, "wb") as f:
        f.write(ONE.encode() + b"\n" + b'{"ver":"2.3","out_txt":"')
        chunk = b"a" * (1 << 20)
        left = GIANT
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
    figures = []
    for source in ("file", "pipe"):
        for extra in ([], ["--lax"]):
            what = f"{source}{' --lax' if extra else ''}"
            if source == "file":
                shown = path
                code, out, err, elapsed, rss = run_play(play, path, extra)
            else:
                shown = "<stdin>"
                with open(path, "rb") as f:
                    code, out, err, elapsed, rss = run_play(play, "-", extra, stdin=f)
            t.check(0 <= code < 128, f"{what}: died: {t.describe_status(code)}; {err!r}")
            t.check(code == 1, f"{what}: {t.describe_status(code)}, expected 1; {err!r}")
            t.check(f"{shown}:2:" in err and "longer than" in err,
                    f"{what}: the error does not name {shown}:2 and the length: {err!r}")
            t.check_equal(out, b"one\r\n", f"{what}: output played before the giant line")
            t.check(rss < MAX_RSS_KIB, f"{what}: peak RSS {rss} KiB, more than {MAX_RSS_KIB}")
            figures.append(f"{what}: {elapsed:.2f}s, peak RSS {rss // 1024} MiB")
    print(f"ok: {err.strip()!r}; " + "; ".join(figures))


def nul_bytes(play, tmp):
    second = message(2, "two\r\n").encode()
    at_text = second.index(b'"two')
    cases = {
        "in-a-string": second[:at_text + 3] + b"\0" + second[at_text + 3:],
        "between-members": second[:1] + b"\0" + second[1:],
        "after-the-object": second + b"\0",
        "only-nuls": b"\0" * 64,
    }
    for name, line in cases.items():
        path = two_lines(tmp, "nul-" + name, line)
        expect_error(play, path, 2, ["JSON"])
    # A NUL escaped as \u0000 is recorded data, not damage.
    path = two_lines(tmp, "nul-escaped", message(2, "a\0b"))
    code, out, err, _, _ = run_play(play, path)
    t.check(code == 0, f"escaped NUL: {t.describe_status(code)}; {err!r}")
    t.check_equal(out, b"one\r\na\0b", "escaped NUL: played")
    print(f"ok: {len(cases)} raw NUL placements; an escaped NUL plays as a byte")


def bad_json(play, tmp):
    """bad_input.py covers an object cut short; these are the others.
    (A lone surrogate escape, "\\ud800", is not among them: json-c reads
    it as U+FFFD, as the reference's reader does.)"""
    good = message(2, "two\r\n").encode()
    cases = {
        "array": (b"[1,2]", "not a JSON object"),
        "number": (b"42", "not a JSON object"),
        "string": (b'"two"', "not a JSON object"),
        "null": (b"null", "not a JSON object"),
        "empty-object": (b"{}", "'ver'"),
        "trailing-garbage": (good + b" x", "JSON"),
        "two-objects": (good + good, "JSON"),
        "deep-nesting": (b"[" * 100000 + b"]" * 100000, "JSON"),
        "raw-invalid-utf8": (good.replace(b"two", b"t\xffo"), "UTF-8"),
        "unquoted-key": (good.replace(b'"host"', b"host"), "JSON"),
    }
    for name, (line, named) in cases.items():
        path = two_lines(tmp, "json-" + name, line)
        expect_error(play, path, 2, [named])
    print(f"ok: {len(cases)} kinds of bad JSON")


def lax_covered(play, tmp):
    """bad_input.py's malformed and truncated lines, now also with --lax:
    damage is not a gap, so --lax does not skip it."""
    path = lines_file(tmp, "malformed", [ONE, '{"ver":"2.3","host":', message(3, "three\r\n")])
    expect_error(play, path, 2, ["JSON"])
    second = message(2, "two\r\n")
    path = two_lines(tmp, "truncated", second[:len(second) // 2], final_newline=False)
    expect_error(play, path, 2, ["JSON"])
    print("ok: malformed and truncated lines end playback with --lax too")


if __name__ == "__main__":
    t.run_cases((missing_fields, wrong_types, counts_beyond, bad_timing, ids_repeated,
                 ids_backwards, pos_back, out_of_order, giant_line, nul_bytes, bad_json,
                 lax_covered))
