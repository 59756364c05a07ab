# SPDX-License-Identifier: GPL-2.0-or-later
"""Cross-play between our recorder/player and the reference's.

usage: crossplay.py ours-to-ref|ref-to-ours TLOG_REC TLOG_PLAY

Records payload.py (awkward bytes and a window resize) on a real pty with
one recorder and plays the recording with both players; every playback
must equal, byte for byte, what the program printed."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import payload  # noqa: E402
import tlogtest as t  # noqa: E402

ROWS, COLS = 24, 80
NEW_ROWS, NEW_COLS = 40, 100

# What the reference player writes to its terminal after the recording,
# when it restores the terminal: SGR reset, "show cursor", a newline that
# the restored ONLCR turns into CR LF, and a NUL (it writes one byte past
# its string). Nothing comes before the recording. Stripped exactly.
REF_PLAY_TRAILER = b"\x1b[0m\x1b[?25h\r\n\x00"


def record(recorder, path, env):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "payload.py")
    proc = t.PtyProcess([recorder, "-w", "file", "-o", path, sys.executable, script],
                        rows=ROWS, cols=COLS, env=env)
    try:
        proc.read_until(payload.MARKER, timeout=20)
        proc.resize(NEW_ROWS, NEW_COLS)
        code = proc.finish(timeout=30)
    except BaseException:
        proc.kill()
        raise
    t.check(code == 0, f"{recorder} exited with {t.describe_status(code)}; terminal got "
            f"{bytes(proc.output[-300:])!r}")
    return bytes(proc.output)


def play_on_pty(player, path, env, extra=()):
    """Plays on a terminal; stderr goes to a file, as notices (such as a
    different window size) are not part of the recording."""
    with t.tempfile.TemporaryFile() as err:
        proc = t.PtyProcess([player, "-r", "file", "-i", path, *extra], rows=NEW_ROWS,
                            cols=NEW_COLS,
                            env=env, stderr=err)
        code = proc.finish(timeout=30)
        err.seek(0)
        t.check(code == 0, f"{player} on a pty exited with {t.describe_status(code)}: "
                f"{err.read()!r} {bytes(proc.output[-300:])!r}")
    return bytes(proc.output)


def play_to_file(player, path, out_path, env):
    with open(out_path, "wb") as out:
        res = t.run([player, "-r", "file", "-i", path], env=env, stdout=out)
    t.check(res.returncode == 0, f"{player} to a file exited with "
            f"{t.describe_status(res.returncode)}: {res.stderr.decode(errors='replace')}")
    with open(out_path, "rb") as f:
        return f.read()


def check_recording(path, expected):
    messages = t.load_messages(path)
    t.check_recording_shape(messages, path)
    sizes = t.window_records(messages)
    t.check(sizes and sizes[0] == (COLS, ROWS),
            f"{path}: first window record is {sizes[:1]}, expected {(COLS, ROWS)}")
    t.check((NEW_COLS, NEW_ROWS) in sizes,
            f"{path}: no window record ={NEW_COLS}x{NEW_ROWS} after the resize: {sizes}")
    _, out = t.decode_streams(messages, path)
    t.check_equal(out, expected, f"{path}: output rebuilt from the timing")


def main():
    mode = sys.argv[1]
    our_rec, our_play = map(os.path.abspath, sys.argv[2:4])
    t.require_pty()
    t.require_reference()
    env = t.test_env()
    expected = payload.expected_output(NEW_COLS, NEW_ROWS)
    recorder = our_rec if mode == "ours-to-ref" else t.REF_REC
    with t.tempdir() as tmp:
        log = os.path.join(tmp, "session.log")
        seen = record(recorder, log, env)
        t.check(expected in seen, f"the terminal did not get the program's bytes through "
                f"{recorder}: {seen[-200:]!r}")
        check_recording(log, expected)

        ref = play_on_pty(t.REF_PLAY, log, env)
        t.check(ref.endswith(REF_PLAY_TRAILER),
                f"reference player's output does not end with its usual trailer: {ref[-40:]!r}")
        t.check_equal(ref[:-len(REF_PLAY_TRAILER)], expected, "reference player on a pty")

        ours = play_to_file(our_play, log, os.path.join(tmp, "ours.out"), env)
        t.check_equal(ours, expected, "our player, stdout to a file")

        # On a terminal our player may add its own restore sequences after
        # the recording (as the reference does), but nothing before it.
        # As recorded, byte for byte, as the reference writes it: on a
        # terminal ours leaves out by default what acts outside the
        # screen (tlog-play(8), TERMINAL SAFETY), which this recording's
        # control bytes hold; e2e_terminal_safety tests that filter.
        ours_pty = play_on_pty(our_play, log, env, ["--raw-output"])
        t.check_equal(ours_pty[:len(expected)], expected, "our player on a pty")
        t.check(len(ours_pty) - len(expected) <= 32,
                f"our player on a pty wrote {len(ours_pty) - len(expected)} bytes after "
                f"the recording: {ours_pty[len(expected):][:80]!r}")


if __name__ == "__main__":
    t.run_main(main)
