# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-rec's file writer on a full disk: the session is told, tlog-rec
exits 1 (tlog-rec(8): "a full disk"), the recorded program is ended, the
terminal is restored, and what got into the file is intact: whole lines
only, each a valid message, ids from 1 without gaps, and it plays back as
a prefix of what the program wrote.

usage: full_disk.py CASE TLOG_REC TLOG_PLAY
CASE: devfull_exit, devfull_running, tmpfs, file_size_limit, stdout_full

file_size_limit: the same with the file size limit (RLIMIT_FSIZE) reached
instead: tlog-rec is not killed by SIGXFSZ but says "File too large"."""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import tlogtest as t  # noqa: E402

ENOSPC_TEXT = b"No space left on device"
EFBIG_TEXT = b"File too large"
LINES = 3000


def line(i):
    return f"line {i} abcdefghijklmnopqrstuvwxyz0123456789\r\n".encode()


# What the program below writes once it is told to go, as the terminal
# (onlcr) shows it.
PROGRAM_OUTPUT = b"".join(line(i) for i in range(LINES))
# It prints its pid, waits for a line, writes the lines and then stays,
# so that only tlog-rec's failure can end it early.
PROGRAM = ('echo "pid=$$"; echo ready; read go; i=0; while [ $i -lt %d ]; do '
           'echo "line $i abcdefghijklmnopqrstuvwxyz0123456789"; i=$((i+1)); done; '
           'exec sleep 60' % LINES)


# What a case started, to be ended by pid should the case fail half-way.
STARTED = []


def start(rec, path, script, argv_prefix=()):
    p = t.PtyProcess([*argv_prefix, rec, "-w", "file", f"--file-path={path}", "sh", "-c", script],
                     env=t.test_env())
    STARTED.append(p.proc.pid)
    end = p.read_until(b"ready\r\n")
    pid = int(re.search(rb"pid=(\d+)", p.output).group(1))
    STARTED.append(pid)
    # tlog-rec runs the terminal raw while it records: the check that it
    # restores the settings below can fail.
    t.check(p.termios_now() != p.termios_before,
            "the terminal is not in raw mode while tlog-rec records")
    return p, pid, end


def check_told(p, path, reason=ENOSPC_TEXT):
    """Exactly one message from tlog-rec, naming the file and the reason."""
    out = bytes(p.output)
    t.check(out.count(b"tlog-rec: ") == 1,
            f"expected one message from tlog-rec on the terminal, got: {out[-400:]!r}")
    message = out[out.index(b"tlog-rec: "):].split(b"\r\n")[0]
    t.check(path.encode() in message and reason in message,
            f"the message does not name {path} and {reason!r}: {message!r}")
    return message


def check_ended(p, code, pid):
    t.check(code == 1, f"tlog-rec: {t.describe_status(code)}, expected exit 1")
    t.check_equal(p.termios_now(), p.termios_before, "terminal settings after tlog-rec")
    t.wait_gone(pid)


def check_file(play, path):
    """Whole lines, valid messages, ids 1.. without gaps, playable;
    returns the played output."""
    with open(path, "rb") as f:
        data = f.read()
    t.check(data.endswith(b"\n"), f"{path}: ends in a cut line: {data[-80:]!r}")
    messages = t.load_messages(path)
    t.check_recording_shape(messages, path)
    _, recorded = t.decode_streams(messages, path)
    res = t.run([play, "-r", "file", "-i", path], timeout=30)
    t.check(res.returncode == 0, f"tlog-play: {t.describe_status(res.returncode)}: "
            f"{res.stderr.decode(errors='replace')}")
    t.check_equal(res.stdout, recorded, "played output vs the messages' text")
    return res.stdout, len(data), len(messages)


def devfull_exit(rec, play, tmp):
    """/dev/full takes nothing: the first write, at the program's exit,
    fails; the status is 1, not the program's."""
    p, pid, _ = start(rec, "/dev/full", 'echo "pid=$$"; echo ready; read go; echo bye; exit 3')
    p.write(b"go\r")
    code = p.wait_exit(30)
    message = check_told(p, "/dev/full")
    check_ended(p, code, pid)
    p.finish()
    print(f"ok: exit 1, told {message.decode(errors='replace')!r}")


def devfull_running(rec, play, tmp):
    """The program keeps writing: the first full message fails, and
    tlog-rec ends the program and itself instead of going on."""
    p, pid, _ = start(rec, "/dev/full",
                      'echo "pid=$$"; echo ready; read go; while :; do echo endless; done')
    started = time.monotonic()
    p.write(b"go\r")
    code = p.wait_exit(30)
    elapsed = time.monotonic() - started
    message = check_told(p, "/dev/full")
    check_ended(p, code, pid)
    p.finish()
    print(f"ok: exit 1 after {elapsed:.2f}s, told {message.decode(errors='replace')!r}")


def fill_up(rec, play, path, argv_prefix=(), reason=ENOSPC_TEXT):
    """The program writes 3000 lines into a recording that has room for
    64 KiB: the part that fits is kept whole."""
    p, pid, begin = start(rec, path, PROGRAM, argv_prefix)
    started = time.monotonic()
    p.write(b"go\r")
    code = p.wait_exit(30)
    elapsed = time.monotonic() - started
    message = check_told(p, path, reason)
    check_ended(p, code, pid)
    p.finish()
    t.check(elapsed < 20, f"tlog-rec took {elapsed:.1f}s to give up")
    played, size, count = check_file(play, path)
    # The recording starts with what the terminal showed before "go".
    head = bytes(p.output[:begin])
    t.check_prefix(head, played, "the start of the recording")
    # "go" echoed by the program's terminal, then the lines.
    rest = played[len(head):]
    t.check(rest.startswith(b"go\r\n"), f"recording after the start: {rest[:40]!r}")
    t.check_prefix(rest[4:], PROGRAM_OUTPUT, "recorded program output")
    # The room was used: the failure came at the end, not early.
    t.check(size > 48 * 1024, f"only {size} bytes written into 64 KiB of room")
    print(f"ok: exit 1 after {elapsed:.2f}s, told {message.decode(errors='replace')!r}; "
          f"{path}: {size} bytes, {count} messages, {len(played)} bytes played back, "
          f"{len(rest[4:])} of the program's {len(PROGRAM_OUTPUT)}")


def tmpfs(rec, play, tmp):
    """A 64 KiB tmpfs fills while the program writes 3000 lines."""
    t.require(os.geteuid() == 0, "root, to mount a tmpfs")
    # Our own mount namespace: the tmpfs vanishes with this process even
    # if it is killed; it is still unmounted explicitly below.
    t.private_mounts()
    mnt = os.path.join(tmp, "mnt")
    os.mkdir(mnt)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tlog-faults", mnt], check=True)
    try:
        fill_up(rec, play, os.path.join(mnt, "rec.log"))
    finally:
        subprocess.run(["umount", mnt], check=False)


def file_size_limit(rec, play, tmp):
    """A 64 KiB file size limit (RLIMIT_FSIZE) is reached: without SIGXFSZ
    ignored, the kernel would kill tlog-rec at the first write past it."""
    fill_up(rec, play, os.path.join(tmp, "rec.log"),
            argv_prefix=("prlimit", "--fsize=65536", "--"), reason=EFBIG_TEXT)


def stdout_full(rec, play, tmp):
    """tlog-rec's own standard output (not the recording) is on a full
    disk: that fails the session, and what was recorded up to then is
    still logged."""
    path = os.path.join(tmp, "rec.log")
    with open("/dev/full", "wb") as full:
        res = t.run([rec, "-w", "file", f"--file-path={path}", "--latency=3600", "sh", "-c",
                     "echo recorded-before; sleep 0.2; echo more"], stdout=full)
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode == 1 and ENOSPC_TEXT.decode() in err,
            f"tlog-rec: exit {res.returncode}, told {err!r}")
    played, size, count = check_file(play, path)
    t.check(played.startswith(b"recorded-before\n"), f"recording: {played!r}")
    print(f"ok: exit 1, told {err.strip()!r}; {count} messages, {played!r} recorded")


if __name__ == "__main__":
    # A timeout still unmounts (the cases' finally) and ends what started.
    t.run_cases((devfull_exit, devfull_running, tmpfs, file_size_limit, stdout_full),
                started=STARTED)
