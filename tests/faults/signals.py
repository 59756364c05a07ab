# SPDX-License-Identifier: GPL-2.0-or-later
"""Signals and hang-ups around tlog-rec on a real pty. In every case each
byte the program wrote before is in the recording (played back and
compared with what the terminal got), nothing is left running, and the
exit status is the one tlog-rec(8) documents:
- the program killed by SIGKILL: tlog-rec exits 128+9;
- tlog-rec sent SIGTERM, SIGHUP, SIGQUIT or SIGUSR1: it dies of the same
  signal;
- the terminal hung up: tlog-rec dies of SIGHUP when it leads the
  terminal's session (whether it read the signal or the hang-up first),
  and exits 128+1 when it only saw the
  terminal go (another process leads the session).
Where the terminal survives, its settings after tlog-rec equal those
before.

usage: signals.py CASE TLOG_REC TLOG_PLAY
CASE: sigkill, sigkill_flood, sigterm, sighup, sigterm_last_words, sigquit,
      sigusr1, sigterm_stalled, sigterm_ignored, hangup_leader, hangup_flood,
      hangup_not_leader"""

import os
import re
import signal
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import tlogtest as t  # noqa: E402

# Every program prints its pid, waits for a line (so that the test sees
# the terminal in raw mode first) and then does its part.
HEAD = 'echo "pid=$$"; echo ready; read go; '
# Lines that fit in one message, so that nothing is logged before the end
# unless tlog-rec flushes (with a long --latency).
SOME_LINES = 'i=0; while [ $i -lt 40 ]; do echo "line $i"; i=$((i+1)); done; '
# The largest CPU time tlog-rec may use for a short session that ends in
# a hang-up; a busy loop would use up the whole wait.
MAX_CPU_SECONDS = 0.5


# What a case started, to be ended by pid should the case fail half-way.
STARTED = []


class Session:
    """tlog-rec recording `sh -c HEAD+body` into a file on a pty."""

    def __init__(self, rec, tmp, body, argv_prefix=(), extra=()):
        self.log = os.path.join(tmp, "rec.log")
        self.p = t.PtyProcess([*argv_prefix, rec, "-w", "file", f"--file-path={self.log}",
                               "--latency=3600", *extra, "sh", "-c", HEAD + body],
                              env=t.test_env())
        STARTED.append(self.p.proc.pid)
        self.p.read_until(b"ready\r\n")
        self.pid = int(re.search(rb"pid=(\d+)", self.p.output).group(1))
        STARTED.append(self.pid)
        lflag = self.p.termios_now()[3]
        t.check(lflag & (termios.ICANON | termios.ECHO) == 0,
                "the terminal is not in raw mode while tlog-rec records")

    def go(self):
        self.p.write(b"go\r")

    def check_termios(self):
        t.check_equal(self.p.termios_now(), self.p.termios_before,
                      "terminal settings after tlog-rec")

    def played(self, play):
        res = t.run([play, "-r", "file", "-i", self.log], timeout=30)
        t.check(res.returncode == 0, f"tlog-play: {t.describe_status(res.returncode)}: "
                f"{res.stderr.decode(errors='replace')}")
        messages = t.load_messages(self.log)
        t.check_recording_shape(messages, self.log)
        return res.stdout, len(messages)

    def check_all_recorded(self, play):
        """The terminal got exactly what was recorded."""
        played, count = self.played(play)
        t.check_equal(played, bytes(self.p.output), "played recording vs the terminal's output")
        return f"{len(played)} bytes in {count} messages, same as the terminal"


def sigkill(rec, play, tmp):
    """The program kills itself with SIGKILL right after writing a line
    without its newline: that last piece is recorded too."""
    s = Session(rec, tmp, SOME_LINES + "printf 'the last words'; kill -KILL $$")
    s.go()
    code = s.p.wait_exit(30)
    t.check(code == 128 + signal.SIGKILL,
            f"tlog-rec: {t.describe_status(code)}, expected exit {128 + signal.SIGKILL}")
    s.check_termios()
    t.check(bytes(s.p.output).endswith(b"the last words"),
            f"terminal ends with {bytes(s.p.output[-40:])!r}")
    what = s.check_all_recorded(play)
    s.p.finish()
    print(f"ok: exit {code}; {what}")


def sigkill_flood(rec, play, tmp):
    """The test kills the program with SIGKILL while it writes as fast as
    it can: what is in the pty's buffer then must still be recorded."""
    s = Session(rec, tmp, "while :; do echo 'flooding the terminal with lines'; done")
    s.go()
    start = len(s.p.output)
    while len(s.p.output) - start < 256 * 1024:
        s.p.read_until(b"\n", start=len(s.p.output))
    os.kill(s.pid, signal.SIGKILL)
    code = s.p.wait_exit(30)
    t.check(code == 128 + signal.SIGKILL,
            f"tlog-rec: {t.describe_status(code)}, expected exit {128 + signal.SIGKILL}")
    s.check_termios()
    what = s.check_all_recorded(play)
    s.p.finish()
    print(f"ok: exit {code}; {what}")


def signal_case(rec, play, tmp, sig, body, argv_prefix=(), last_words=None, setup=""):
    """tlog-rec is sent @sig while the program waits: it logs all so far
    (nothing was logged before: --latency=3600 and one message's worth),
    ends the program, restores the terminal and dies of @sig. @setup runs
    before the program says it is waiting (a trap set after that could
    come too late for the signal)."""
    s = Session(rec, tmp, SOME_LINES + setup + "echo waiting; " + body, argv_prefix=argv_prefix)
    s.go()
    s.p.read_until(b"waiting\r\n")
    t.check(os.path.getsize(s.log) == 0, f"{s.log}: logged before the signal")
    os.kill(s.p.proc.pid, sig)
    code = s.p.wait_exit(30)
    t.check(code == -sig, f"tlog-rec: {t.describe_status(code)}, expected to die of "
            f"{signal.Signals(sig).name}")
    s.check_termios()
    if last_words is not None:
        t.check(last_words in bytes(s.p.output),
                f"the program's last words {last_words!r} are not on the terminal")
    what = s.check_all_recorded(play)
    s.p.finish()
    program = t.wait_gone(s.pid)
    print(f"ok: tlog-rec {t.describe_status(code)}; program "
          f"{'reaped by tlog-rec' if program is None else t.describe_status(program)}; {what}")


def sigterm(rec, play, tmp):
    signal_case(rec, play, tmp, signal.SIGTERM, "exec sleep 60")


def sighup(rec, play, tmp):
    signal_case(rec, play, tmp, signal.SIGHUP, "exec sleep 60")


def sigterm_last_words(rec, play, tmp):
    """A program that says something as the signal ends it (ping's
    statistics): that is shown and recorded too."""
    signal_case(rec, play, tmp, signal.SIGTERM, "sleep 60 & wait",
                setup="trap 'echo goodbye-from-the-trap; exit 3' TERM; ",
                last_words=b"goodbye-from-the-trap")


def sigquit(rec, play, tmp):
    """As a terminal's ^\\ would send it, should the user set isig on the
    terminal tlog-rec keeps raw."""
    # Dying of it may dump core: not into the build tree.
    signal_case(rec, play, tmp, signal.SIGQUIT, "exec sleep 60",
                argv_prefix=("prlimit", "--core=0", "--"))


def sigusr1(rec, play, tmp):
    """A signal whose default action ends a process: not unannounced."""
    signal_case(rec, play, tmp, signal.SIGUSR1, "exec sleep 60")


def sigterm_stalled(rec, play, tmp):
    """The terminal takes no more output (a suspended ssh client) while
    the program floods it, and tlog-rec is sent SIGTERM: it logs all it
    read, waits a few seconds at most for the terminal, and dies of the
    signal, rather than hanging until SIGKILL loses the recording."""
    s = Session(rec, tmp, "while :; do echo 'flooding the terminal with lines'; done")
    s.go()
    start = len(s.p.output)
    while len(s.p.output) - start < 64 * 1024:
        s.p.read_until(b"\n", start=len(s.p.output))
    # From here on nobody reads the terminal: its buffer fills and
    # tlog-rec can only wait to write.
    time.sleep(1)
    shown = len(s.p.output)
    os.kill(s.p.proc.pid, signal.SIGTERM)
    started = time.monotonic()
    try:
        code = s.p.proc.wait(20)
    except t.subprocess.TimeoutExpired:
        raise t.Failure("tlog-rec still waits for the stalled terminal 20 s after SIGTERM")
    took = time.monotonic() - started
    t.check(code == -signal.SIGTERM, f"tlog-rec: {t.describe_status(code)}, expected to die "
            "of SIGTERM")
    t.check(len(s.p.output) == shown, "the terminal was read while stalled")
    s.p.finish()
    terminal = bytes(s.p.output)
    # What tlog-rec says about it may or may not get through.
    if b"tlog-rec: " in terminal:
        terminal = terminal[:terminal.index(b"tlog-rec: ")]
    played, count = s.played(play)
    t.check_prefix(terminal, played, "what the terminal got, in the recording")
    t.check(len(played) > len(terminal), "the recording holds no more than the terminal got")
    t.wait_gone(s.pid)
    print(f"ok: died of SIGTERM {took:.2f}s after it; {len(played)} bytes in {count} messages "
          f"recorded, {len(terminal)} of them shown before the terminal stalled")


def sigterm_ignored(rec, play, tmp):
    """A program that ignores SIGTERM (as an interactive shell does) is
    still ended."""
    signal_case(rec, play, tmp, signal.SIGTERM, "exec sleep 60", setup="trap '' TERM; ")


def wait_hangup_end(pid, wait, describe):
    """After the hang-up: @wait(timeout) returns (status, cpu) or None.
    Fails, with the CPU time it burnt meanwhile, when it does not end."""
    result = wait(5.0)
    if result is None:
        try:
            before = t.cpu_seconds(pid)
            time.sleep(1.0)
            spent = t.cpu_seconds(pid) - before
            state = t.process_state(pid)
            os.kill(pid, signal.SIGKILL)
        except (FileNotFoundError, ProcessLookupError):
            spent, state = None, "gone"
        raise t.Failure(f"{describe} still there 5s after the hang-up (state {state}, "
                        f"{spent} s of CPU in the last second); killed it")
    code, cpu = result
    t.check(cpu < MAX_CPU_SECONDS, f"{describe} used {cpu:.3f}s of CPU, more than "
            f"{MAX_CPU_SECONDS}s: it spun")
    return code, cpu


def hangup_common(s, play):
    """What was produced before the hang-up is in the recording."""
    seen = bytes(s.p.output)
    played, count = s.played(play)
    t.check_prefix(seen, played, "terminal output before the hang-up, in the recording")
    program = t.wait_gone(s.pid)
    return (f"{len(seen)} bytes seen before the hang-up all in the recording "
            f"({len(played)} bytes, {count} messages); program "
            f"{'reaped by tlog-rec' if program is None else t.describe_status(program)}")


def hang_up(s):
    """Closes the terminal (the pty master) as a terminal emulator does
    when its window closes."""
    os.close(s.p.master)
    s.p.eof = True
    return time.monotonic()


def end_by_hangup_as_leader(s, play):
    """Hangs up the terminal of @s, whose tlog-rec leads the terminal's
    session: it must die of SIGHUP, whether it read the signal or the
    hang-up first (busy draining, it often sees the pty's EIO before the
    kernel sends the session leader SIGHUP; seen in CI as exit 129 before
    tlog-rec knew it leads the session). Then the common checks."""
    closed_at = hang_up(s)
    code, cpu = wait_hangup_end(s.p.proc.pid,
                                lambda timeout: t.wait_with_rusage(s.p.proc.pid, timeout),
                                "tlog-rec")
    ended = time.monotonic() - closed_at
    s.p.proc.returncode = code
    t.check(code == -signal.SIGHUP, f"tlog-rec: {t.describe_status(code)}, expected to die "
            f"of SIGHUP")
    what = hangup_common(s, play)
    print(f"ok: tlog-rec {t.describe_status(code)} {ended:.3f}s after the hang-up, "
          f"{cpu:.3f}s CPU in all; {what}")


def hangup_leader(rec, play, tmp):
    """tlog-rec leads the terminal's session (as when a terminal emulator
    or sshd runs it): the hang-up sends it SIGHUP and it dies of it."""
    s = Session(rec, tmp, SOME_LINES + "echo waiting; exec sleep 60")
    s.go()
    s.p.read_until(b"waiting\r\n")
    end_by_hangup_as_leader(s, play)


def hangup_flood(rec, play, tmp):
    """The terminal goes while the program writes as fast as it can: the
    same, with tlog-rec busy draining when the hang-up comes."""
    s = Session(rec, tmp, "while :; do echo 'flooding the terminal with lines'; done")
    s.go()
    start = len(s.p.output)
    while len(s.p.output) - start < 256 * 1024:
        s.p.read_until(b"\n", start=len(s.p.output))
    end_by_hangup_as_leader(s, play)


# Runs a command with SIGHUP ignored for itself only, writes the command's
# pid to RESULT.pid and, once it ended, "STATUS CPU-SECONDS" to RESULT.
HOLDER = r"""
import os, signal, subprocess, sys
signal.signal(signal.SIGHUP, signal.SIG_IGN)
result = sys.argv[1]
proc = subprocess.Popen(sys.argv[2:],
                        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
with open(result + ".pid", "w") as f:
    f.write(str(proc.pid))
_, status, usage = os.wait4(proc.pid, 0)
with open(result + ".tmp", "w") as f:
    f.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_utime + usage.ru_stime}")
os.rename(result + ".tmp", result)
"""


def hangup_not_leader(rec, play, tmp):
    """Another process leads the session and outlives the hang-up, so no
    SIGHUP reaches tlog-rec: it must notice the terminal going by itself,
    end the program and exit 128+1, without spinning."""
    result = os.path.join(tmp, "holder.result")
    s = Session(rec, tmp, SOME_LINES + "echo waiting; exec sleep 60",
                argv_prefix=[sys.executable, "-c", HOLDER, result])
    s.go()
    s.p.read_until(b"waiting\r\n")
    with open(result + ".pid") as f:
        rec_pid = int(f.read())

    def wait(timeout):
        deadline = time.monotonic() + timeout
        while not os.path.exists(result):
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        with open(result) as f:
            code, cpu = f.read().split()
        return int(code), float(cpu)

    closed_at = hang_up(s)
    code, cpu = wait_hangup_end(rec_pid, wait, "tlog-rec")
    ended = time.monotonic() - closed_at
    t.check(code == 128 + signal.SIGHUP, f"tlog-rec: {t.describe_status(code)}, expected "
            f"exit {128 + signal.SIGHUP}")
    t.check(s.p.proc.wait(10) == 0, "the session leader failed")
    what = hangup_common(s, play)
    print(f"ok: tlog-rec exit {code} {ended:.3f}s after the hang-up, {cpu:.3f}s CPU in all; "
          f"{what}")


if __name__ == "__main__":
    t.run_cases((sigkill, sigkill_flood, sigterm, sighup, sigterm_last_words, sigquit, sigusr1,
                 sigterm_stalled, sigterm_ignored, hangup_leader, hangup_flood,
                 hangup_not_leader), started=STARTED)
