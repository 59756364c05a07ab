# SPDX-License-Identifier: GPL-2.0-or-later
"""Output floods through tlog-rec: the input, the measured run and the
comparison. Shared by tests/flood (file writer), tests/journal (journal
writer, slow journal) and bench/flood (the same at 1 GiB, by hand).

A flood is `cat FILE` recorded on pipes, so what the program writes, what
the recorder passes through and what playback gives back must all be
FILE, byte for byte. The recorder runs under /usr/bin/time for its peak
RSS: a process forked from this python would carry python's peak over
exec (the kernel keeps the larger of the two), time(1) is small."""

import hashlib
import os
import random
import subprocess
import tempfile
import threading
import time

MiB = 1 << 20
MB = 1000 * 1000
GNU_TIME = "/usr/bin/time"


def make_data(path, size):
    """Writes @size bytes of terminal-like text to @path (kept when it is
    already there with that size): words with multi-byte UTF-8 (2, 3 and
    4 bytes), tabs and escape sequences, and now and then bytes that are
    not UTF-8 (a lone 0xff, a sequence cut short) so that *_bin fields
    are exercised. Each ~1 MiB block starts with its number: a block
    recorded twice or out of order cannot pass for the right one."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return path
    rng = random.Random(20240607)
    words = ["tlog", "flood", "écran", "größe", "naïve", "€uro", "😀", "→", "\t",
             "\x1b[1mbold\x1b[0m", "0x7f", "output", "session", "recording", "[ok]"]
    lines = []
    for i in range(12000):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(2, 14))).encode()
        if i % 61 == 0:
            line += b" bad:\xff\xfe cut:\xe2\x82 end"
        lines.append(line)
    block = b"\n".join(lines) + b"\n"
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        written, n = 0, 0
        while written < size:
            chunk = (b"block %08d\n" % n + block)[:size - written]
            f.write(chunk)
            written += len(chunk)
            n += 1
    os.replace(tmp, path)
    return path


def same_files(a, b):
    """(equal, offset of the first difference or None, size of a, size of b)."""
    with open(a, "rb") as fa, open(b, "rb") as fb:
        offset = 0
        while True:
            x = fa.read(MiB)
            y = fb.read(MiB)
            if x != y:
                first = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q),
                             min(len(x), len(y)))
                return False, offset + first, os.path.getsize(a), os.path.getsize(b)
            if not x:
                return True, None, os.path.getsize(a), os.path.getsize(b)
            offset += len(x)


def is_prefix(a, b):
    """Whether file @a is a prefix of file @b."""
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x = fa.read(MiB)
            if not x:
                return True
            if fb.read(len(x)) != x:
                return False


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def sanitized(binary):
    """Whether @binary is built with AddressSanitizer (it imports the
    runtime's entry point)."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


def status_kb(pid, field):
    """A "kB" field (VmRSS, VmHWM) of /proc/PID/status, or None once gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


class Run:
    """@argv (ending in the program to record) under /usr/bin/time, stdin
    on /dev/null, stdout into the file @out, stderr into a file. @prefix
    goes before time(1) (a shell that joins a cgroup and execs the rest).
    A thread samples the recorder's RSS and the output size every
    @interval s: (seconds since start, VmRSS kB, bytes passed through)."""

    def __init__(self, argv, out, env=None, prefix=(), interval=0.05):
        self.times = tempfile.NamedTemporaryFile("r", prefix="tlog-flood-time-")
        self.errors = tempfile.TemporaryFile()
        self.out_path = out
        self.out = open(out, "wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen([*prefix, GNU_TIME, "-f", "%M", "-o", self.times.name,
                                      *argv], stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.errors, env=env)
        self.pid = self._recorder_pid()
        self.samples = []
        self.wall = None
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _recorder_pid(self):
        """time(1)'s one child: the recorder (the pid its recording id
        names). time(1) is Popen's process itself, or the shell's exec."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{self.proc.pid}/cmdline", "rb") as f:
                    is_time = f.read().split(b"\0")[0] == GNU_TIME.encode()
                if is_time:
                    with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                        kids = f.read().split()
                    if kids:
                        return int(kids[0])
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.002)
        raise RuntimeError(f"the recorder did not start: {self.stderr()}")

    def _sample(self):
        while not self._stop.is_set():
            rss = status_kb(self.pid, "VmRSS")
            if rss is None:
                break
            self.samples.append((time.monotonic() - self.started, rss, self.output_size()))
            self._stop.wait(self._interval)

    def output_size(self):
        return os.fstat(self.out.fileno()).st_size

    def stderr(self):
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")

    def kill(self):
        """Ends what this started, by pid: the recorder, then time(1)."""
        for pid in (self.pid, self.proc.pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        self.proc.wait()

    def wait(self, timeout):
        """Waits for the end; returns the exit status. On timeout the
        recorder is killed and None returned."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self.wall = time.monotonic() - self.started
            self._stop.set()
            self._thread.join(5)
            self.out.close()
        return self.proc.returncode

    def peak_rss_kb(self):
        """The recorder's peak RSS from time(1) (the larger of its and
        time's own, which is about 2 MB)."""
        self.times.seek(0)
        fields = self.times.read().split()  # "Command exited with ..." first
        return int(fields[-1]) if fields else None

    def close(self):
        self.times.close()
        self.errors.close()


def play(tlog_play, args, out, env=None, timeout=600):
    """tlog-play ARGS under time(1) with stdin on /dev/null (no keys; it
    plays at the recorded pace, which for a flood is the recorder's) and
    stdout into the file @out. Returns (exit
    status, stderr, wall s, peak RSS kB, peak anonymous RSS kB). The two
    differ by the files it maps: sd-journal maps journal files, whose
    pages count in the RSS but belong to the page cache."""
    with tempfile.NamedTemporaryFile("r") as times, open(out, "wb") as f, \
            tempfile.TemporaryFile() as errors:
        start = time.monotonic()
        proc = subprocess.Popen([GNU_TIME, "-f", "%M", "-o", times.name, tlog_play, *args],
                                stdin=subprocess.DEVNULL, stdout=f, stderr=errors, env=env)
        anon, player = 0, None
        while proc.poll() is None:
            if time.monotonic() - start > timeout:
                proc.kill()
                proc.wait()
                break
            if player is None:
                try:
                    with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as c:
                        kids = c.read().split()
                    player = int(kids[0]) if kids else None
                except OSError:
                    pass
            if player is not None:
                anon = max(anon, status_kb(player, "RssAnon") or 0)
            time.sleep(0.05)
        wall = time.monotonic() - start
        fields = times.read().split()
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    return proc.returncode, err, wall, int(fields[-1]) if fields else None, anon


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            n += chunk.count(b"\n")
    return n


def flood_file(tlog_rec, tlog_play, data, workdir, env=None, timeout=600):
    """`cat DATA` recorded with the file writer into WORKDIR/flood.log and
    played back. Returns the figures: size, seconds, MB/s, peak RSS kB
    (time(1)) and the RSS samples, status and stderr, entries (lines of
    the log), passthrough and playback equal to DATA, playback's seconds
    and peak RSS."""
    log = os.path.join(workdir, "flood.log")
    passed = os.path.join(workdir, "passed")
    played = os.path.join(workdir, "played")
    for path in (log, passed, played):
        if os.path.exists(path):
            os.unlink(path)
    run = Run([tlog_rec, "-w", "file", "-o", log, "cat", data], passed, env=env)
    status = run.wait(timeout)
    size = os.path.getsize(data)
    res = {"writer": "file", "size": size, "status": status, "stderr": run.stderr(),
           "seconds": run.wall, "peak_rss_kb": run.peak_rss_kb(), "samples": run.samples,
           "passed_equal": same_files(passed, data)[0]}
    run.close()
    os.unlink(passed)
    res["entries"] = count_lines(log) if os.path.exists(log) else 0
    res["log_bytes"] = os.path.getsize(log) if os.path.exists(log) else 0
    code, err, wall, rss, anon = play(tlog_play, ["-r", "file", "-i", log], played, env=env,
                                      timeout=timeout)
    res.update(play_status=code, play_stderr=err, play_seconds=wall, play_rss_kb=rss,
               play_anon_kb=anon, played_equal=same_files(played, data))
    os.unlink(played)
    os.unlink(log)
    return res


def rss_growth_kb(samples, size, after=0.25):
    """How much the RSS rose from the first sample taken once @after of
    the @size bytes had passed through to the highest sample taken while
    the flood still flowed: a recorder whose memory is flat keeps this
    near zero whatever the size. Samples once all had passed are left
    out: the exit is no flood (with ASan, LeakSanitizer's scan at exit
    takes ~10 MiB, which a loaded machine's slower exit lets a sample
    see; the peak RSS ceiling still covers the exit)."""
    later = [(rss, out) for _, rss, out in samples if after * size <= out < size]
    if not later:
        return None
    return max(rss for rss, _ in later) - later[0][0]


def growth_allowance_kb(tlog_rec):
    """How far rss_growth_kb() may go in a flood of 64 MiB or more. Measured:
    0-64 kB release and plain, up to 1 MB with ASan (its allocator's caches
    still settle). 2 MiB over the last 48 MiB of a 64 MiB flood catches a
    recorder that keeps 4% of what passes (4 MiB, 8%, with ASan)."""
    return 4096 if sanitized(tlog_rec) else 2048


def rss_ceiling_kb(tlog_rec, held=0):
    """The peak RSS tlog-rec may not pass in a flood of any size, plus
    @held bytes for a writer that holds messages (the journal writer keeps
    up to journal.buffer while it paces or journald is slow).
    Measured peaks with the file writer: 4.4 MiB release, 4.3 MiB plain
    (-O0), 37 MiB with ASan+UBSan (shadow memory, allocator caches and the
    quarantine cut down by flood_env()); the same at 64 MiB as at 1 GiB
    (bench/flood). The journal writer's at 100 MB: 4.8 MiB release when
    not paced, 22 MiB paced (the 16 MiB journal.buffer full).
    What the recorder holds does not depend on the flood: a 64 KiB relay
    buffer per direction and the message being encoded (payload, 2048
    bytes by default). The ceilings are more than 3x the measured peaks, so nothing
    legitimate comes near them; at 64 MiB a recorder that kept a fifth of
    the output would pass them (smaller leaks are for rss_growth_kb())."""
    base = 160 * 1024 if sanitized(tlog_rec) else 16 * 1024
    return base + held // 1024


def flood_env(env, tlog_rec):
    """@env for a flood of @tlog_rec. ASan keeps freed memory in a
    quarantine (256 MiB by default) to catch use after free; a flood frees
    millions of buffers, so the RSS would measure the quarantine, not the
    recorder. Even 16 MiB filled up through a paced journal flood and read
    as 8.7 MiB of growth; with 2 MiB the same flood grows 0.9 MiB, and
    recent use after free is still caught."""
    env = dict(env)
    if sanitized(tlog_rec):
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=2"
    return env
