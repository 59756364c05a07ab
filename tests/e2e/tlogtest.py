# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for the end-to-end tests: real ptys, the strict skip rule,
recording parsing and assertions that report what they compared."""

import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

SKIP = 77

# The reference implementation (Debian package "tlog").
REF_REC = "/usr/bin/tlog-rec"
REF_PLAY = "/usr/bin/tlog-play"


def strict():
    return os.environ.get("TLOG_TESTS_STRICT") == "1"


def require(available, what):
    """Exits 77 (Meson SKIP) when a prerequisite is missing, or fails when
    TLOG_TESTS_STRICT=1 (CI: nothing may skip)."""
    if available:
        return
    if strict():
        print(f"FAIL: missing prerequisite: {what} (TLOG_TESTS_STRICT=1)", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: missing prerequisite: {what}", file=sys.stderr)
    sys.exit(SKIP)


def require_reference():
    require(os.access(REF_REC, os.X_OK) and os.access(REF_PLAY, os.X_OK),
            "the reference tlog (apt-get install tlog)")
    # The reference recorder refuses to run on a pty without a utmp file.
    require(os.path.exists("/var/run/utmp"), "/var/run/utmp (root:utmp 0664)")


def require_pty():
    try:
        master, slave = os.openpty()
    except OSError as e:
        require(False, f"a pseudo-terminal ({e})")
    os.close(master)
    os.close(slave)


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def check_equal(actual, expected, what):
    if actual != expected:
        first = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b),
                     min(len(actual), len(expected)))
        raise Failure(
            f"{what}: differ at byte {first} (lengths {len(actual)} vs {len(expected)})\n"
            f"  actual  [{first}:]: {actual[first:first + 80]!r}\n"
            f"  expected[{first}:]: {expected[first:first + 80]!r}")


def run_main(main):
    """Runs a test's main(), turning Failure into exit 1 with its message."""
    try:
        main()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print("PASS")
    sys.exit(0)


def run_cases(functions, started=None):
    """The whole of a script of cases, run as `SCRIPT CASE PROGRAM...`:
    calls the function named CASE with the programs' absolute paths and a
    temporary directory, and exits as run_main() does. With @started (a
    list the cases add the pids of what they start to), the script needs
    a pty, becomes a subreaper, and ends those processes whatever happens,
    a timeout from Meson (SIGTERM) included."""
    def main():
        case, programs = sys.argv[1], [os.path.abspath(p) for p in sys.argv[2:]]
        cases = {f.__name__: f for f in functions}
        check(case in cases, f"unknown case {case!r}")
        if started is not None:
            require_pty()
            become_subreaper()
            signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
        try:
            with tempdir() as tmp:
                cases[case](*programs, tmp)
        finally:
            if started is not None:
                end_processes(started)
    run_main(main)


def test_env(extra=None):
    """A predictable environment for the programs under test."""
    env = dict(os.environ)
    env["TERM"] = "xterm"
    env["LC_ALL"] = "C.UTF-8"
    # No configuration from the environment unless a test asks for it.
    for key in ("TLOG_REC_CONF_FILE", "TLOG_REC_CONF_TEXT",
                "TLOG_PLAY_CONF_FILE", "TLOG_PLAY_CONF_TEXT"):
        env.pop(key, None)
    if extra:
        env.update(extra)
    return env


def set_winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def describe_status(code):
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by signal {-code} ({signal.Signals(-code).name})"
    return f"exit {code}"


class PtyProcess:
    """A command running as session leader on a fresh pty whose master we
    hold, like a terminal emulator would. Everything the terminal receives
    is kept in self.output."""

    def __init__(self, argv, rows=24, cols=80, env=None, cwd=None, stderr=None):
        """@stderr: a file to take the command's stderr instead of the pty."""
        self.master, slave = os.openpty()
        set_winsize(slave, rows, cols)
        # The terminal's settings before the command could change them.
        self.termios_before = termios.tcgetattr(slave)

        def make_controlling_tty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=slave if stderr is None else stderr,
                                     start_new_session=True, env=env, cwd=cwd,
                                     preexec_fn=make_controlling_tty, close_fds=True)
        os.close(slave)
        self.output = bytearray()
        self.eof = False

    def _read_once(self, timeout):
        if self.eof:
            return False
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every slave fd is closed
            data = b""
        if not data:
            self.eof = True
            return False
        self.output += data
        return True

    def read_until(self, pattern, timeout=10.0, start=0):
        """Reads until @pattern (bytes or compiled regex) appears in the
        output after @start; returns the end offset of the match."""
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(pattern, bytes):
                pos = self.output.find(pattern, start)
                if pos >= 0:
                    return pos + len(pattern)
            else:
                m = pattern.search(self.output, start)
                if m:
                    return m.end()
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                raise Failure(f"timed out waiting for {pattern!r}; terminal got so far: "
                              f"{bytes(self.output[-300:])!r} ({describe_status(self.proc.poll())})")
            self._read_once(min(left, 0.2))

    def write(self, data):
        os.write(self.master, data)

    def resize(self, rows, cols, signal_pid=True):
        """Sets the terminal size; the kernel signals the foreground group,
        and we also send SIGWINCH to the process itself, as a terminal
        emulator's resize may reach it either way."""
        set_winsize(self.master, rows, cols)
        if signal_pid and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGWINCH)

    def finish(self, timeout=30.0):
        """Drains the terminal until EOF and waits for the exit status."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._read_once(0.2)
            if self.proc.poll() is not None:
                # The process is gone: take what is left, then stop.
                while self._read_once(0.05):
                    pass
                break
        try:
            code = self.proc.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"{self.proc.args} did not finish within {timeout}s; terminal got "
                          f"{bytes(self.output[-300:])!r}")
        os.close(self.master)
        return code

    def termios_now(self):
        """The terminal's current settings (the pty's, read through the
        master), e.g. to compare with termios_before."""
        return termios.tcgetattr(self.master)

    def wait_exit(self, timeout=30.0):
        """Drains the terminal until the process exited and returns its
        status, like finish() but keeping the master open, so that the
        terminal's settings can still be read afterwards."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() >= deadline:
                raise Failure(f"{self.proc.args} did not exit within {timeout}s; terminal "
                              f"got {bytes(self.output[-300:])!r}")
            if self.eof:
                time.sleep(0.02)
            else:
                self._read_once(0.05)
        while self._read_once(0.05):
            pass
        return self.proc.returncode

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def make_keys(directory, name="sign"):
    """An Ed25519 key pair made as tlog-rec(8) says (openssl), the private
    key mode 0600: (private key path, public key path)."""
    key = os.path.join(directory, name + ".key")
    pub = os.path.join(directory, name + ".pub")
    for argv in (["openssl", "genpkey", "-algorithm", "ed25519", "-out", key],
                 ["openssl", "pkey", "-in", key, "-pubout", "-out", pub]):
        r = run(argv)
        check(r.returncode == 0, f"{argv}: {r.stderr!r}")
    os.chmod(key, 0o600)
    return key, pub


def run(argv, timeout=30.0, env=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE):
    """Runs a command without a terminal; fails the test on a timeout."""
    try:
        return subprocess.run(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"{argv} did not finish within {timeout}s")


def load_messages(path):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    check(lines and lines[-1] == b"", f"{path}: does not end with a newline")
    return [json.loads(line) for line in lines[:-1]]


WINDOW_RE = re.compile(r"=(\d+)x(\d+)")


def window_records(messages):
    """The window sizes (cols, rows) in the timing of all messages, in order."""
    sizes = []
    for m in messages:
        sizes += [(int(c), int(r)) for c, r in WINDOW_RE.findall(m["timing"])]
    return sizes


def check_recording_shape(messages, path):
    """Every message has the fourteen fields with the right types and the
    ids count up from 1 without gaps."""
    check(messages, f"{path}: no messages")
    types = {"ver": str, "host": str, "rec": str, "user": str, "term": str,
             "session": int, "id": int, "pos": int, "time": (int, float),
             "timing": str, "in_txt": str, "in_bin": list, "out_txt": str, "out_bin": list}
    for n, m in enumerate(messages, 1):
        for key, kind in types.items():
            check(key in m, f"{path}:{n}: no field {key!r}")
            check(isinstance(m[key], kind), f"{path}:{n}: field {key!r} is {m[key]!r}")
        check(m["ver"] == "2.3", f"{path}:{n}: ver is {m['ver']!r}")
        check(m["id"] == n, f"{path}:{n}: id is {m['id']}, expected {n}")
    check(len({m["rec"] for m in messages}) == 1, f"{path}: rec id changes between messages")


def tempdir():
    return tempfile.TemporaryDirectory(prefix="tlog-e2e-")


TIMING_RE = re.compile(r"\s*(?:\+(\d+))?\s*(?:([<>])(\d+)|([\[\]])(\d+)/(\d+)|=(\d+)x(\d+))")


def decode_streams(messages, path="recording"):
    """Rebuilds the input and output byte streams from the messages by
    walking each timing script (an independent check of a recording,
    needing no player)."""
    streams = {"in": bytearray(), "out": bytearray()}
    for n, m in enumerate(messages, 1):
        text = {"in": m["in_txt"], "out": m["out_txt"]}
        binary = {"in": m["in_bin"], "out": m["out_bin"]}
        tpos = {"in": 0, "out": 0}
        bpos = {"in": 0, "out": 0}
        timing = m["timing"]
        at = 0
        while at < len(timing.rstrip()):
            rec = TIMING_RE.match(timing, at)
            check(rec, f"{path}:{n}: bad timing at {timing[at:at + 20]!r}")
            at = rec.end()
            if rec.group(2):
                s = "in" if rec.group(2) == "<" else "out"
                count = int(rec.group(3))
                chars = text[s][tpos[s]:tpos[s] + count]
                check(len(chars) == count, f"{path}:{n}: {s}_txt is too short for the timing")
                streams[s] += chars.encode("utf-8")
                tpos[s] += count
            elif rec.group(4):
                s = "in" if rec.group(4) == "[" else "out"
                chars, count = int(rec.group(5)), int(rec.group(6))
                check(text[s][tpos[s]:tpos[s] + chars] == "\ufffd" * chars,
                      f"{path}:{n}: {s}_txt lacks the replacement characters the timing names")
                tpos[s] += chars
                data = binary[s][bpos[s]:bpos[s] + count]
                check(len(data) == count, f"{path}:{n}: {s}_bin is too short for the timing")
                streams[s] += bytes(data)
                bpos[s] += count
        for s in ("in", "out"):
            check(tpos[s] == len(text[s]), f"{path}:{n}: {s}_txt has characters the timing never uses")
            check(bpos[s] == len(binary[s]), f"{path}:{n}: {s}_bin has bytes the timing never uses")
    return bytes(streams["in"]), bytes(streams["out"])


def check_prefix(actual, whole, what):
    """@actual must be the start of @whole (or all of it)."""
    check_equal(actual, whole[:len(actual)], what + " (as a prefix)")


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Makes orphaned descendants (a recorded program whose recorder
    died) our children, so that wait_gone() can see how they ended."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def wait_gone(pid, timeout=5.0):
    """Waits until process @pid has ended, reaping it when it became our
    child (see become_subreaper()). Returns its exit status (as
    subprocess reports it) when we reaped it, None when it was already
    gone; fails after @timeout, ending it with SIGKILL."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            if not os.path.exists(f"/proc/{pid}"):
                return None
        if time.monotonic() >= deadline:
            state = process_state(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            raise Failure(f"process {pid} still there {timeout}s later (state {state}); "
                          f"killed it")
        time.sleep(0.05)


def process_state(pid):
    """The state letter of process @pid (R, S, Z, ...) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def cpu_seconds(pid):
    """User plus system CPU time that process @pid has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 (utime, stime); the list starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_with_rusage(pid, timeout):
    """Waits up to @timeout for our child @pid; returns (exit status as
    subprocess reports it, CPU seconds it used) or None if it still runs."""
    deadline = time.monotonic() + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            return os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


CLONE_NEWNS = 0x00020000


def private_mounts():
    """Moves this process into a mount namespace of its own, so mounts it
    makes are seen by it and its children only and vanish with them,
    even if the test is killed before it can unmount."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)


def end_processes(pids):
    """Clean-up after a test: ends those of @pids (processes the test
    started) that still run, with SIGKILL, and reaps those that are our
    children. A pid that ended normally is skipped."""
    for pid in pids:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                continue
        except ChildProcessError:
            if process_state(pid) in (None, "Z"):
                continue
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
