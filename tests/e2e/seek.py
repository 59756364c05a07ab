# SPDX-License-Identifier: GPL-2.0-or-later
"""Seeking in tlog-play, end to end, through tmux screens.

usage: seek.py TLOG_PLAY

The test writes a 60 s recording (tlog v2.3 messages, 80x24): numbered
lines every 0.5 s, some in colour, two full-screen redraws, and one line
with a search target, twice. Our tlog-play plays it in an 80x24 tmux pane,
started paused at --goto=30. Keys are then sent to that pane: Left, Up
(to the start), '/' + pattern + Enter, n, N, g then Right, a typed time + G
forwards, a typed time + G backwards, ',' and '.'. After each key the
pane (capture-pane, text and attributes) must show what it shows at the
new time when played straight there:
- in another pane, tlog-play --goto=TIME --paused (the brief's reference:
  a fresh fast-forward with no seeking back);
- in a third pane, `cat` of the output bytes up to TIME (tmux itself
  renders the raw output; no tlog-play involved).
Both references must agree. The keys are then sent again to a second
tlog-play, started once the first kept its snapshot index in the cache
(XDG_CACHE_HOME, a directory of the test's): it seeks from the cached
index, and must land on the same screens. The screens expected after each key are
first checked to differ from those before it, so a key that does nothing
cannot pass. Screens are compared once they stop changing, polled, with
a deadline: no fixed sleeps."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402

COLS, ROWS = 80, 24
LENGTH_MS = 60000
LINE_EVERY_MS = 500
REDRAW_MS = (20250, 40250)
SEARCH_PATTERN = "TARGET-7f3a"
# Where the pattern appears: '/' finds the first, n the second, N the
# first again.
SEARCH_MS = (44100, 47600)
# How long a screen may take to reach what is expected (a loaded machine).
SETTLE_TIMEOUT = 20.0
# A screen counts as settled when it is the same over this long.
STABLE_FOR = 0.4
POLL = 0.05


def build_events():
    """The recording's output events: (ms, text), in time order."""
    events = []
    for k in range(1, LENGTH_MS // LINE_EVERY_MS + 1):
        ms = k * LINE_EVERY_MS
        text = f"line {k:03d} at {ms / 1000:5.1f}s " + "." * (k % 37)
        if k % 7 == 0:
            text = f"\x1b[1;31m{text}\x1b[0m"
        elif k % 11 == 0:
            text = f"\x1b[7m{text}\x1b[0m \x1b[32mgreen\x1b[0m"
        events.append((ms, text + "\r\n"))
    for n, ms in enumerate(REDRAW_MS, 1):
        box = f"\x1b[2J\x1b[H\x1b[44;37m REDRAW {n} at {ms / 1000:.2f}s \x1b[0m"
        for row in range(3, 12):
            box += f"\x1b[{row};{4 * n + row}H\x1b[33m*{row:02d}*\x1b[0m"
        events.append((ms, box + "\x1b[14;1H"))
    for n, ms in enumerate(SEARCH_MS, 1):
        events.append((ms, f"here is {SEARCH_PATTERN} number {n}\r\n"))
    events.sort(key=lambda e: e[0])
    return events


def write_recording(path, events, per_message=6):
    """Writes @events as tlog v2.3 messages, each starting with the window
    record, @per_message events a message."""
    base = 1795837685.0
    lines = []
    for start in range(0, len(events), per_message):
        chunk = events[start:start + per_message]
        pos = 0 if start == 0 else chunk[0][0]
        timing, out, prev = f"={COLS}x{ROWS}", "", pos
        for ms, text in chunk:
            if ms > prev:
                timing += f"+{ms - prev}"
            timing += f">{len(text)}"
            out += text
            prev = ms
        message = {"ver": "2.3", "host": "e2e.example", "user": "tester",
                   "rec": "0123456789abcdef0123456789abcdef-5eec-1", "term": "xterm",
                   "session": 1, "id": len(lines) + 1, "pos": pos,
                   "time": round(base + pos / 1000, 3), "timing": timing, "in_txt": "",
                   "in_bin": [], "out_txt": out, "out_bin": []}
        lines.append(json.dumps(message, ensure_ascii=False, separators=(",", ":")))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def output_until(events, ms):
    """The output bytes of every event at or before @ms."""
    return "".join(text for when, text in events if when <= ms).encode("utf-8")


class Tmux:
    def __init__(self, tmp):
        self.socket = os.path.join(tmp, "tmux.sock")
        self.cache = os.path.join(tmp, "cache")
        self.env = t.test_env({"TMUX": "", "XDG_CACHE_HOME": self.cache})
        self.pids = []  # the server's and each pane's, ended by kill()

    def run(self, *args, timeout=30):
        res = t.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], env=self.env,
                    timeout=timeout)
        t.check(res.returncode == 0, f"tmux {' '.join(args)}: "
                f"{res.stderr.decode(errors='replace')}")
        return res.stdout.decode(errors="replace")

    def start(self, name, command, report_exit=True):
        """Runs @command in a new 80x24 window; when it ends, its exit status
        is printed (unless not @report_exit) and the window stays."""
        shell = f"{command}; echo \"[exit $?]\"; sleep 600" if report_exit else command
        self.run("new-session", "-d", "-s", name, "-x", str(COLS), "-y", str(ROWS), shell)
        pids = self.run("display-message", "-p", "-t", name, "#{pid} #{pane_pid}").split()
        self.pids += [int(pid) for pid in pids if int(pid) not in self.pids]
        size = self.run("display-message", "-p", "-t", name, "#{pane_width}x#{pane_height}")
        t.check(size.strip() == f"{COLS}x{ROWS}", f"{name}: the pane is {size.strip()}")

    def capture(self, name):
        return self.run("capture-pane", "-p", "-e", "-t", name)

    def send(self, name, *keys, literal=False):
        self.run("send-keys", "-t", name, *(["-l"] if literal else []), *keys)

    def settled(self, name, expected=None, unlike=None, what=""):
        """Polls the pane until it shows the same screen for STABLE_FOR s,
        and that screen is @expected (when given) and not @unlike (when
        given); returns it. Fails after SETTLE_TIMEOUT with the last one."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        last, since = None, time.monotonic()
        while True:
            screen = self.capture(name)
            now = time.monotonic()
            if screen != last:
                last, since = screen, now
            elif (now - since >= STABLE_FOR and (expected is None or screen == expected)
                  and (unlike is None or screen != unlike)):
                return screen
            if now >= deadline:
                break
            time.sleep(POLL)
        if expected is not None:
            raise t.Failure(f"{what}: the screen is not the expected one after "
                            f"{SETTLE_TIMEOUT}s\n{diff(expected, last)}")
        raise t.Failure(f"{what}: the screen did not settle (or stayed as before) within "
                        f"{SETTLE_TIMEOUT}s; last:\n{last}")

    def kill(self):
        """Ends the server, which hangs up its panes; then makes sure that
        every process it started (by pid) is gone."""
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], env=self.env,
                       stderr=subprocess.DEVNULL, timeout=30)
        deadline = time.monotonic() + 5
        for pid in self.pids:
            while t.process_state(pid) not in (None, "Z") and time.monotonic() < deadline:
                time.sleep(POLL)
        t.end_processes(self.pids)


def diff(expected, actual):
    """The rows that differ, for a failure message."""
    exp, act = expected.split("\n"), actual.split("\n")
    rows = []
    for n in range(max(len(exp), len(act))):
        e = exp[n] if n < len(exp) else "<none>"
        a = act[n] if n < len(act) else "<none>"
        if e != a:
            rows.append(f"  row {n + 1}:\n    expected {e!r}\n    actual   {a!r}")
    return "\n".join(rows) if rows else "  (no row differs?)"


def fmt(ms):
    return f"{ms // 1000}.{ms % 1000:03d}"


def main():
    our_play = os.path.abspath(sys.argv[1])
    t.require(shutil.which("tmux") is not None, "tmux (apt-get install tmux)")
    t.require_pty()
    events = build_events()

    # The key presses, each with the recording time it should land at.
    def last_at(ms):  # the time of the last output event at or before @ms
        return max(when for when, _ in events if when <= ms)

    def before(ms):  # the time of the last output event before @ms
        return max(when for when, _ in events if when < ms)

    steps = [
        ("Left (-5 s)", [("Left", False)], 25000),
        ("Up (-60 s: the start)", [("Up", False)], 0),
        (f"/{SEARCH_PATTERN} Enter", [(f"/{SEARCH_PATTERN}", True), ("Enter", False)],
         SEARCH_MS[0]),
        ("n (next match)", [("n", True)], SEARCH_MS[1]),
        ("N (previous match)", [("N", True)], SEARCH_MS[0]),
        ("g then Right (+5 s)", [("g", True), ("Right", False)], 5000),
        ("52G (typed, forwards)", [("52G", True)], 52000),
        ("12.3G (typed, backwards)", [("12.3G", True)], 12300),
        # ',' goes to just before the last output shown; '.' plays the
        # next output event.
        (", (one output event back)", [(",", True)], before(last_at(12300))),
        (". (one output event on)", [(".", True)], last_at(12300)),
    ]
    start_ms = 30000
    times = [start_ms] + [ms for _, _, ms in steps]

    with t.tempdir() as tmp:
        log = os.path.join(tmp, "seek.log")
        write_recording(log, events)
        tmux = Tmux(tmp)
        blank = "\n" * ROWS  # what capture-pane gives for an empty pane
        started = time.monotonic()
        try:
            # The references: tmux rendering the raw output up to each
            # time, and tlog-play gone straight there.
            reference = {}
            for ms in sorted(set(times)):
                raw = os.path.join(tmp, f"out-{ms}.bin")
                with open(raw, "wb") as f:
                    f.write(output_until(events, ms))
                tmux.start(f"cat-{ms}", f"cat {shlex.quote(raw)}; tmux -S "
                           f"{shlex.quote(tmux.socket)} wait-for -S done-{ms}; sleep 600",
                           report_exit=False)
                tmux.start(f"goto-{ms}", f"{shlex.quote(our_play)} -r file -i "
                           f"{shlex.quote(log)} --paused --goto={fmt(ms)}")
            play_seek = (f"{shlex.quote(our_play)} -r file -i {shlex.quote(log)} "
                         f"--paused --goto={fmt(start_ms)}")
            tmux.start("seek", play_seek)
            for ms in sorted(set(times)):
                tmux.run("wait-for", f"done-{ms}", timeout=60)
                reference[ms] = tmux.settled(
                    f"cat-{ms}", unlike=blank if output_until(events, ms) else None,
                    what=f"cat up to {fmt(ms)} s")
            for ms in sorted(set(times)):
                try:
                    tmux.settled(f"goto-{ms}", expected=reference[ms], what=f"--goto={fmt(ms)}")
                except t.Failure as e:
                    raise t.Failure(f"tlog-play --goto={fmt(ms)} --paused differs from the "
                                    f"raw output up to {fmt(ms)} s: {e}")
            # Each key must change the screen: the screens before and after
            # it differ, so a key that does nothing cannot pass.
            for a, b in zip(times, times[1:]):
                t.check(reference[a] != reference[b],
                        f"the screens at {fmt(a)} s and {fmt(b)} s are the same: "
                        f"the test could not tell them apart")

            def press_keys(session):
                tmux.settled(session, expected=reference[start_ms],
                             what=f"{session}: starting at --goto={fmt(start_ms)} --paused")
                for what, keys, ms in steps:
                    shown = tmux.capture(session)
                    for key, literal in keys:
                        tmux.send(session, key, literal=literal)
                    expected = reference[ms]
                    try:
                        tmux.settled(session, expected=expected, unlike=shown,
                                     what=f"{session}: {what}, to {fmt(ms)} s")
                    except t.Failure as e:
                        raise t.Failure(f"{session}: after {what} (expected the screen at "
                                        f"{fmt(ms)} s): {e}")
                    print(f"ok: {session}: {what} -> the screen at {fmt(ms)} s", flush=True)
                # Still paused and still there; q ends it cleanly.
                tmux.send(session, "q", literal=True)
                deadline = time.monotonic() + SETTLE_TIMEOUT
                while "[exit 0]" not in tmux.capture(session):
                    t.check(time.monotonic() < deadline,
                            f"tlog-play did not exit 0 after q:\n{tmux.capture(session)}")
                    time.sleep(POLL)

            press_keys("seek")
            # The players kept the recording's snapshot index (one entry:
            # the same file and options); the next one seeks from it.
            entries = os.path.join(tmux.cache, "tlog", "seek")
            deadline = time.monotonic() + SETTLE_TIMEOUT
            while not (os.path.isdir(entries) and
                       [f for f in os.listdir(entries) if f.endswith(".idx")]):
                t.check(time.monotonic() < deadline,
                        f"no snapshot index kept in {entries} after {SETTLE_TIMEOUT}s")
                time.sleep(POLL)
            tmux.start("seek-cached", play_seek)
            press_keys("seek-cached")
        finally:
            tmux.kill()
        print(f"took {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    t.run_main(main)
