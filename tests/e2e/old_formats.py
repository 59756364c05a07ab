# SPDX-License-Identifier: GPL-2.0-or-later
"""Recordings in the formats older tlog wrote, and messages out of order,
played by the reference tlog-play and by ours: both must decide alike
(play, or stop at the same message) and play the same bytes.

tests/data/play-v1.log is a format 1 recording written by hand from
upstream's format description and test suite ("ver":1, no "rec", no
"time"); it is played as it is and with "ver" written as "1", "1.0", 2
and "2.1" (with a "rec"). The out-of-order files are upstream's own test
cases (src/tltest/tltest-json-source.c, io_ts_*): the reference stops with
"Packet timestamp is out of order"; ours stops at the same line, naming
it, and with --lax reports it and plays on.

usage: old_formats.py TLOG_PLAY DATA_DIR"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

ROWS, COLS = 24, 80
# What the reference player writes when it restores the terminal (see
# crossplay.py); stripped exactly.
REF_PLAY_TRAILER = b"\x1b[0m\x1b[?25h\r\n\x00"


def play_on_pty(player, path, env, extra=()):
    """(exit status, terminal output, stderr) of @player on a pty."""
    with t.tempfile.TemporaryFile() as err:
        proc = t.PtyProcess([player, "-r", "file", "-i", path, *extra], rows=ROWS, cols=COLS,
                            env=env, stderr=err)
        code = proc.finish(timeout=30)
        err.seek(0)
        return code, bytes(proc.output), err.read().decode(errors="replace")


def play_to_file(player, path, env, extra=()):
    res = t.run([player, "-r", "file", "-i", path, *extra], env=env)
    return res.returncode, res.stdout, res.stderr.decode(errors="replace")


def reference(path, env):
    code, out, err = play_on_pty(t.REF_PLAY, path, env)
    t.check(out.endswith(REF_PLAY_TRAILER),
            f"{path}: the reference's output does not end with its trailer: {out[-40:]!r}")
    return code, out[:-len(REF_PLAY_TRAILER)], err


def ours_both_ways(player, path, env, extra=()):
    """Ours to a file and on a pty: the same status and the same bytes (on
    a pty, up to 32 bytes of terminal restoring after them)."""
    code, out, err = play_to_file(player, path, env, extra)
    pty_code, pty_out, pty_err = play_on_pty(player, path, env, extra)
    t.check(pty_code == code, f"{path}: ours exits {code} to a file, {pty_code} on a pty: "
            f"{err!r} / {pty_err!r}")
    t.check_equal(pty_out[:len(out)], out, f"{path}: ours on a pty")
    t.check(len(pty_out) - len(out) <= 32,
            f"{path}: ours on a pty wrote {len(pty_out) - len(out)} bytes more: "
            f"{pty_out[len(out):][:80]!r}")
    return code, out, err


def rewrite(src, dst, **changes):
    with open(src, encoding="utf-8") as f:
        messages = [json.loads(line) for line in f]
    with open(dst, "w", encoding="utf-8") as f:
        for m in messages:
            m.update(changes)
            f.write(json.dumps(m, ensure_ascii=False, separators=(",", ":")) + "\n")


def message(n, pos, timing, text):
    return json.dumps({"ver": "1", "host": "host", "user": "user", "term": "xterm",
                       "session": 1, "id": n, "pos": pos, "timing": timing,
                       "in_txt": "", "in_bin": [], "out_txt": text, "out_bin": []},
                      separators=(",", ":"))


# Upstream's io_ts_* cases, on output (tlog-play shows output only):
# (name, messages, line the reference stops at or None, bytes before that).
OUT_OF_ORDER = [
    ("io_ts_null_no_overlap", [message(1, 1000, "", ""), message(2, 1000, ">1", "X")],
     None, b"X"),
    ("io_ts_hanging_no_overlap", [message(1, 1000, ">1+1", "X"), message(2, 1000, ">1", "Y")],
     None, b"XY"),
    ("io_ts_repeat", [message(1, 1000, ">1+1>1", "XY"), message(2, 1000, ">1", "Z")],
     2, b"XY"),
    ("io_ts_overlap", [message(1, 1000, ">1+2>1", "XY"), message(2, 1001, ">1", "Z")],
     2, b"XY"),
    ("io_ts_no_gap", [message(1, 1000, ">1+2>1", "XY"), message(2, 1002, ">1", "Z")],
     None, b"XYZ"),
]


def main():
    player, data = map(os.path.abspath, sys.argv[1:3])
    t.require_pty()
    t.require_reference()
    env = t.test_env()
    v1 = os.path.join(data, "play-v1.log")
    with open(os.path.join(data, "play-v1.out"), "rb") as f:
        expected = f.read()
    with t.tempdir() as tmp:
        variants = {"ver 1": v1}
        for name, changes in {"ver \"1\"": {"ver": "1"}, "ver \"1.0\"": {"ver": "1.0"},
                              "ver 2": {"ver": 2},
                              "ver \"2.1\"": {"ver": "2.1", "rec": "abc-1-2"}}.items():
            variants[name] = os.path.join(tmp, f"variant-{len(variants)}.log")
            rewrite(v1, variants[name], **changes)
        for name, path in variants.items():
            code, out, err = reference(path, env)
            t.check(code == 0, f"{name}: the reference exits {code}: {err!r}")
            t.check_equal(out, expected, f"{name}: the reference's playback")
            code, out, err = ours_both_ways(player, path, env)
            t.check(code == 0, f"{name}: ours exits {code}: {err!r}")
            t.check_equal(out, expected, f"{name}: our playback")
            print(f"ok {name}: both play the {len(expected)} bytes")

        for name, lines, stop, before in OUT_OF_ORDER:
            path = os.path.join(tmp, name + ".log")
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            code, out, err = reference(path, env)
            if stop is None:
                t.check(code == 0, f"{name}: the reference exits {code}: {err!r}")
            else:
                t.check(code == 1 and "Packet timestamp is out of order" in err
                        and f"line {stop}" in err,
                        f"{name}: the reference exits {code}: {err!r}")
            t.check_equal(out, before, f"{name}: the reference's playback")
            code, out, err = ours_both_ways(player, path, env)
            t.check_equal(out, before, f"{name}: our playback")
            if stop is None:
                t.check(code == 0, f"{name}: ours exits {code}: {err!r}")
                print(f"ok {name}: both play it")
                continue
            t.check(code == 1 and f"{path}:{stop}:" in err and "'pos'" in err
                    and "out of order" in err, f"{name}: ours exits {code}: {err!r}")
            # --lax: one report naming the line, then the rest, played
            # from the previous message's last event.
            code, out, err = ours_both_ways(player, path, env, ["--lax"])
            lines_err = err.splitlines()
            t.check(code == 0 and len(lines_err) == 1 and f"{path}:{stop}:" in lines_err[0]
                    and "out of order" in lines_err[0],
                    f"{name} --lax: ours exits {code}: {err!r}")
            t.check_equal(out, b"XYZ", f"{name} --lax: our playback")
            print(f"ok {name}: both stop at line {stop}; ours with --lax: {lines_err[0]!r}")


if __name__ == "__main__":
    t.run_main(main)
