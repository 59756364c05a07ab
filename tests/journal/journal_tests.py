#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Recording into and playing from a real systemd journal.

usage: journal_tests.py CASE TLOG_REC TLOG_PLAY

CASE is one of: select, list, follow, cursor, gap, forged, restart,
crossplay, remote, flood, cockpit, slow, overflow. The journal is read back
through sd-journal (python3-systemd), not by parsing journalctl's output,
except in cockpit, which reads it as Cockpit does (journalctl -o json).
Everything a case starts it ends, by pid."""

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flood"))
import floodlib as fl  # noqa: E402
import tlogtest as t  # noqa: E402

SOCKET = "/run/systemd/journal/socket"
JOURNALD = "/lib/systemd/systemd-journald"

try:
    from systemd import journal
except ImportError:
    journal = None


def require_journal():
    t.require(journal is not None, "python3-systemd (apt-get install python3-systemd)")
    t.require(os.path.exists(SOCKET), f"a running systemd-journald ({SOCKET})")


def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        return f.read().strip().replace("-", "")


def rec_id_of(pid):
    """The recording id the recorder with @pid writes: boot id, pid and
    process start time in jiffies, in hex (FORMAT.md)."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    start = int(stat[stat.rindex(")") + 2:].split()[19])
    return f"{boot_id()}-{pid:x}-{start:x}"


def entries(rec, uid=None):
    """The journal entries of recording @rec, oldest first."""
    reader = journal.Reader()
    reader.add_match(TLOG_REC=rec)
    if uid is not None:
        reader.add_match(_UID=str(uid))
    return list(reader)


def wait_entries(rec, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        found = entries(rec)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


class Recording:
    """Our tlog-rec writing to the journal (its default), on pipes."""

    def __init__(self, tlog_rec, command, args=(), env=None):
        self.proc = subprocess.Popen([tlog_rec, *args, *command], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env or t.test_env())
        self.rec = rec_id_of(self.proc.pid)

    def finish(self, timeout=60.0):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise t.Failure(f"tlog-rec did not finish within {timeout}s")
        self.output, self.stderr = out, err.decode(errors="replace")
        t.check(self.proc.returncode == 0,
                f"tlog-rec exited with {t.describe_status(self.proc.returncode)}: {self.stderr}")
        return self


def record(tlog_rec, command, args=()):
    return Recording(tlog_rec, command, args).finish()


def play(tlog_play, args, timeout=30.0, check_ok=True):
    r = t.run([tlog_play, "-r", "journal", *args], timeout=timeout, env=t.test_env())
    if check_ok:
        t.check(r.returncode == 0, f"tlog-play {args} exited with "
                f"{t.describe_status(r.returncode)}: {r.stderr.decode(errors='replace')}")
    return r


def messages_of(rec):
    return [json.loads(e["MESSAGE"]) for e in entries(rec)]


def check_continuous(rec):
    ids = [m["id"] for m in messages_of(rec)]
    t.check(ids == list(range(1, len(ids) + 1)), f"{rec}: ids not 1..n: {ids}")
    return ids


# ---- cases --------------------------------------------------------------

def case_select(tlog_rec, tlog_play):
    first = record(tlog_rec, ["printf", "first recording\\n"])
    second = record(tlog_rec, ["sh", "-c", "echo second recording; sleep 0.3; echo end"])
    user = pwd.getpwuid(os.getuid()).pw_name
    for rec in (first.rec, second.rec):
        wait_entries(rec, 1)
        msgs = messages_of(rec)
        t.check(msgs and msgs[0]["user"] == user, f"{rec}: user field {msgs[:1]}")
        e = entries(rec)[0]
        for field, value in (("TLOG_USER", user), ("TLOG_SESSION", str(msgs[0]["session"])),
                             ("TLOG_ID", "1"), ("TLOG_HOST", msgs[0]["host"]),
                             ("SYSLOG_IDENTIFIER", "tlog-rec")):
            t.check(str(e.get(field)) == value, f"{rec}: {field} is {e.get(field)!r}, not {value!r}")

    r = play(tlog_play, [f"--rec={first.rec}"])
    t.check_equal(r.stdout, first.output, "--rec playback")

    # Both match: both are listed and none plays, unless --newest.
    both = ["-M", f"TLOG_REC={first.rec}", "-M", f"TLOG_REC={second.rec}"]
    for selection in ([f"--user={user}"], [f"--session={messages_of(first.rec)[0]['session']}"]):
        r = play(tlog_play, both + selection, check_ok=False)
        err = r.stderr.decode()
        t.check(r.returncode == 1 and not r.stdout and first.rec in err and second.rec in err
                and "--newest" in err, f"two match {selection}: exit {r.returncode}, {err!r}")
        r = play(tlog_play, both + selection + ["--newest"])
        t.check_equal(r.stdout, second.output, f"newest of two ({selection})")
        t.check(first.rec in r.stderr.decode(), f"the other recording is not named: {r.stderr!r}")
    r = play(tlog_play, [f"--rec={second.rec}", "--user=nobody-like-this"], check_ok=False)
    t.check(r.returncode == 1 and b"no recording" in r.stderr, f"no match: {r.stderr!r}")


def case_list(tlog_rec, tlog_play):
    start = int(time.time()) - 1
    rec = record(tlog_rec, ["sh", "-c", "echo one; sleep 1.5; echo two"], ["--latency=1"])
    wait_entries(rec.rec, 2)
    r = play(tlog_play, ["--list", "--json", f"--since=@{start}"])
    listed = {x["rec"]: x for x in json.loads(r.stdout)}
    t.check(rec.rec in listed, f"{rec.rec} not in --list: {list(listed)}")
    x = listed[rec.rec]
    t.check(1400 <= x["duration_ms"] <= 2500, f"duration {x['duration_ms']} ms for a 1.5 s recording")
    t.check(x["messages"] == len(entries(rec.rec)), f"messages {x['messages']}")
    t.check(not x["live"], "an ended recording is listed as live")
    r = play(tlog_play, ["--list", f"--rec={rec.rec}"])
    lines = r.stdout.decode().splitlines()
    t.check(len(lines) == 2 and lines[0].startswith("REC") and rec.rec in lines[1]
            and "ended" in lines[1], f"--list table: {lines}")

    live = Recording(tlog_rec, ["sh", "-c", "echo live; sleep 3"], ["--latency=1"])
    try:
        wait_entries(live.rec, 1)
        r = play(tlog_play, ["--list", "--json", f"--rec={live.rec}"])
        x = json.loads(r.stdout)
        t.check(len(x) == 1 and x[0]["live"], f"a running recording is not live: {x}")
    finally:
        live.finish()


class Watcher:
    """Notes when each entry of a recording is announced to sd-journal
    readers: woken by the journal's fd exactly as tlog-play is, never by a
    timeout. Stock journald announces changes in batches a few hundred ms
    after logging them; the test holds the player to its own delay."""

    def __init__(self, rec):
        import threading
        self.rec = rec
        self.visible = {}  # TLOG_ID -> (time announced, entry)
        self.stop = False
        self.reader = journal.Reader()
        self.reader.add_match(TLOG_REC=rec)
        self.reader.seek_tail()
        self.reader.get_previous()  # only entries that arrive from now on
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        import select
        poll = select.poll()
        poll.register(self.reader.fileno(), self.reader.get_events())
        while not self.stop:
            # Entries are read only after a wake-up: one read after a
            # timeout would be taken before its announcement and lost to
            # the measurement.
            if not poll.poll(500):
                continue
            self.reader.process()
            now = time.time()
            for e in self.reader:
                self.visible.setdefault(int(e["TLOG_ID"]), (now, e))

    def finish(self):
        time.sleep(1.0)
        self.stop = True
        self.thread.join(5)


def case_follow(tlog_rec, tlog_play):
    """A live recording followed through the journal: each new entry's
    output is on the player's stdout within 100 ms of the journal
    announcing the entry (the player is woken by the journal's fd)."""
    live = Recording(tlog_rec, ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do echo tick-$i; sleep 0.7; done"],
                     ["--latency=1"])
    player = None
    try:
        wait_entries(live.rec, 1)
        watcher = Watcher(live.rec)
        started = time.time()
        player = subprocess.Popen([tlog_play, "-r", "journal", f"--rec={live.rec}", "--follow"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=t.test_env())
        seen = {}
        buf = b""
        deadline = time.monotonic() + 20
        while len(seen) < 8 and time.monotonic() < deadline:
            chunk = os.read(player.stdout.fileno(), 4096)
            if not chunk:
                break
            now = time.time()
            buf += chunk
            for line in buf.split(b"\n")[:-1]:
                if line.startswith(b"tick-") and line not in seen:
                    seen[line] = now
        t.check(len(seen) == 8, f"follow saw {sorted(seen)} of 8 ticks")
        live.finish()
        watcher.finish()
        worst, worst_journal, live_entries = 0.0, 0.0, 0
        for msg_id, (visible, e) in sorted(watcher.visible.items()):
            live_entries += 1
            logged = e["__REALTIME_TIMESTAMP"].timestamp()
            worst_journal = max(worst_journal, visible - logged)
            for line in json.loads(e["MESSAGE"])["out_txt"].split("\n"):
                if line.encode() in seen:
                    lag = seen[line.encode()] - visible
                    print(f"  {line}: logged {logged:.3f}, visible {visible:.3f}, "
                          f"shown {seen[line.encode()]:.3f}: player lag {lag * 1000:.0f} ms")
                    worst = max(worst, lag)
        t.check(live_entries >= 2, f"only {live_entries} entries arrived while following")
        # How soon is a figure, printed, not asserted: no upper bound on
        # time in a test, as a loaded machine is slow.
        print(f"follow: output at most {worst * 1000:.0f} ms after the journal announced it; "
              f"journald announced entries up to {worst_journal * 1000:.0f} ms after logging them")
        # Following up to a time already past: nothing more can come, so
        # the player ends instead of waiting for ever.
        until = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() + 1))
        time.sleep(2.5)
        res = t.run([tlog_play, "-r", "journal", f"--rec={live.rec}", "--follow",
                     f"--until={until}"], env=t.test_env(), timeout=20)
        t.check(res.returncode == 0 and res.stdout.count(b"tick-") == 8,
                f"--follow --until in the past: {res.returncode} {res.stdout!r} {res.stderr!r}")
    finally:
        if player:
            player.kill()
            player.wait()
        if live.proc.poll() is None:
            live.proc.kill()
            live.proc.wait()


def case_cursor(tlog_rec, tlog_play):
    """Two runs with one cursor file play the recording once, in two parts."""
    tmp = tempfile.mkdtemp(prefix="tlog-cursor-")
    cursor_file = os.path.join(tmp, "cursor")
    try:
        live = Recording(tlog_rec, ["sh", "-c", "echo part-one; sleep 2.5; echo part-two"],
                         ["--latency=1"])
        wait_entries(live.rec, 1)
        one = play(tlog_play, [f"--rec={live.rec}", f"--cursor-file={cursor_file}"])
        with open(cursor_file) as f:
            saved = f.read().strip()
        t.check(saved.startswith("s="), f"cursor file holds {saved!r}")
        live.finish()
        two = play(tlog_play, [f"--rec={live.rec}", f"--cursor-file={cursor_file}"])
        t.check_equal(one.stdout + two.stdout, live.output, "two resumed runs")
        t.check(b"part-one" not in two.stdout, "the second run repeated the first")
        three = play(tlog_play, [f"--rec={live.rec}", f"--cursor-file={cursor_file}"])
        t.check(three.stdout == b"", f"a third run replayed {three.stdout!r}")

        # Ended in the middle of a message (a signal between its two
        # halves, 4 s apart so that a loaded machine still sends it in
        # time): the next run plays that message again, not after it.
        whole = record(tlog_rec, ["sh", "-c", "echo first-half; sleep 4; echo second-half"])
        os.unlink(cursor_file)
        player = subprocess.Popen([tlog_play, "-r", "journal", f"--rec={whole.rec}",
                                   f"--cursor-file={cursor_file}"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=t.test_env())
        try:
            got = b""
            deadline = time.monotonic() + 20
            while b"first-half" not in got and time.monotonic() < deadline:
                chunk = os.read(player.stdout.fileno(), 4096)
                if not chunk:
                    break
                got += chunk
            t.check(b"first-half" in got, f"the first half never came: {got!r}")
            player.terminate()
            player.communicate(timeout=20)
        finally:
            if player.poll() is None:
                player.kill()
                player.wait()
        again = play(tlog_play, [f"--rec={whole.rec}", f"--cursor-file={cursor_file}"])
        t.check(b"second-half" in again.stdout,
                f"the message cut short was skipped by the next run: {again.stdout!r}")
    finally:
        shutil.rmtree(tmp)


def fake_message(rec, msg_id, text, pos):
    return json.dumps({"ver": "2.3", "host": socket.gethostname(), "rec": rec, "user": "root",
                       "term": "xterm", "session": 4294967295, "id": msg_id, "pos": pos,
                       "time": time.time(), "timing": f">{len(text)}", "in_txt": "",
                       "in_bin": [], "out_txt": text, "out_bin": []}, separators=(",", ":"))


def send(rec, msg_id, text, pos):
    journal.send(fake_message(rec, msg_id, text, pos), TLOG_REC=rec, TLOG_ID=str(msg_id),
                 TLOG_USER="root", TLOG_SESSION="4294967295", SYSLOG_IDENTIFIER="tlog-test")


def case_gap(tlog_rec, tlog_play):
    rec = f"gaptest-{os.getpid()}-{int(time.time())}"
    for i in (1, 2, 5, 6):
        send(rec, i, f"m{i} ", i * 10)
    wait_entries(rec, 4)
    r = play(tlog_play, [f"--rec={rec}"], check_ok=False)
    err = r.stderr.decode()
    t.check(r.returncode == 1 and "messages 3-4" in err, f"without --lax: {r.returncode} {err!r}")
    t.check("journal entry s=" in err, f"the error does not name the cursor: {err!r}")
    r = play(tlog_play, [f"--rec={rec}", "--lax"])
    err = r.stderr.decode()
    t.check(err.count("missing") == 1 and "messages 3-4 missing" in err, f"--lax report: {err!r}")
    t.check_equal(r.stdout, b"m1 m2 m5 m6 ", "--lax playback")

    damaged = f"damaged-{os.getpid()}-{int(time.time())}"
    send(damaged, 1, "ok ", 0)
    journal.send('{"ver":"2.3","id":2,', TLOG_REC=damaged, TLOG_ID="2")
    wait_entries(damaged, 2)
    r = play(tlog_play, [f"--rec={damaged}"], check_ok=False)
    t.check(r.returncode == 1 and b"journal entry s=" in r.stderr and b"invalid JSON" in r.stderr,
            f"damaged entry: {r.returncode} {r.stderr!r}")


FORGER = r"""
import json, os, sys, time
from systemd import journal
def own_rec_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read().strip().replace("-", "")
    with open("/proc/self/stat") as f:
        stat = f.read()
    start = int(stat[stat.rindex(")") + 2:].split()[19])
    return f"{boot}-{os.getpid():x}-{start:x}"
for line in sys.stdin:
    fields = json.loads(line)
    if fields.get("TLOG_REC") == "OWN":
        fields["TLOG_REC"] = own_rec_id()
        msg = json.loads(fields["MESSAGE"])
        msg["rec"] = fields["TLOG_REC"]
        fields["MESSAGE"] = json.dumps(msg, separators=(",", ":"))
    journal.send(**fields)
print(own_rec_id())
"""


def forge(entries_):
    """Sends @entries_ (dicts of journal fields) as user nobody, the way
    any local user can (python-systemd). TLOG_REC=OWN stands for a
    recording id made of the forger's own boot id, pid and start time.
    Returns that id."""
    forger = pwd.getpwnam("nobody")
    r = subprocess.run(["setpriv", f"--reuid={forger.pw_uid}", f"--regid={forger.pw_gid}",
                        "--clear-groups", sys.executable, "-c", FORGER],
                       input="".join(json.dumps(e) + "\n" for e in entries_).encode(),
                       capture_output=True, timeout=30)
    t.check(r.returncode == 0, f"forging as nobody failed: {r.stderr!r}")
    return r.stdout.decode().strip()


def forged_entry(rec, msg_id, text, pos, user="root", when=None):
    message = json.loads(fake_message(rec, msg_id, text, pos))
    message["user"] = user
    if when is not None:
        message["time"] = when
    return {"MESSAGE": json.dumps(message, separators=(",", ":")), "TLOG_REC": rec,
            "TLOG_ID": str(msg_id), "TLOG_USER": user, "TLOG_SESSION": "4294967295",
            "SYSLOG_IDENTIFIER": "tlog-rec"}


def case_forged(tlog_rec, tlog_play):
    """Entries another user logs with a recording's fields are skipped by
    default (a recording has one writer: journald's _UID, _PID and _BOOT_ID
    say who sent each entry), and reported; --trusted-uid narrows it to one
    user; --list says who wrote each recording."""
    genuine = record(tlog_rec, ["sh", "-c", "echo genuine-1; sleep 0.2; echo genuine-2"])
    wait_entries(genuine.rec, 1)
    count = len(entries(genuine.rec))
    forge([forged_entry(genuine.rec, count + 1, "EVIL\n", 5000)])
    wait_entries(genuine.rec, count + 1)
    forger = pwd.getpwnam("nobody")
    t.check(any(str(e.get("_UID")) == str(forger.pw_uid) for e in entries(genuine.rec)),
            "the forged entry did not reach the journal")
    r = play(tlog_play, [f"--rec={genuine.rec}"])
    t.check_equal(r.stdout, genuine.output, "playback without --trusted-uid skips the forgery")
    t.check(b"skipping it" in r.stderr and b"nobody" in r.stderr,
            f"the skip is not reported: {r.stderr!r}")
    r = play(tlog_play, [f"--rec={genuine.rec}", f"--trusted-uid={os.getuid()}"])
    t.check_equal(r.stdout, genuine.output, "playback with --trusted-uid")
    t.check(b"not written by uid" in r.stderr, f"the skip is not reported: {r.stderr!r}")

    # A message 1 injected into a live recording does not stop its
    # playback halfway (it would come after message 2).
    live = Recording(tlog_rec, ["sh", "-c", "echo live-1; sleep 2; echo live-2; sleep 2;"
                                " echo live-3"], ["--latency=1"])
    t.check(len(wait_entries(live.rec, 1)) >= 1, "the live recording's first message")
    forge([forged_entry(live.rec, 1, "EVIL-1\n", 0)])
    live.finish()
    wait_entries(live.rec, 4)
    r = play(tlog_play, [f"--rec={live.rec}"])
    t.check_equal(r.stdout, live.output, "a live recording with an injected message 1")

    # A recording forged whole, of another user, dated 2100: listed with
    # its writer, the forger.
    start = int(time.time())
    future = 4102444800.0  # 2100-01-01
    forged = forge([forged_entry("OWN", 1, "forged session\n", 0, user="root", when=future)])
    r = play(tlog_play, ["--list", "--json", f"--since=@{start - 1}"])
    listed = {x["rec"]: x for x in json.loads(r.stdout)}
    t.check(forged in listed, f"the forged recording {forged} is listed: {list(listed)}")
    t.check("nobody" in listed[forged].get("writer", ""),
            f"--list says the forger wrote it: {listed[forged]}")
    r = play(tlog_play, ["--list", "--json", f"--rec={genuine.rec}"])
    mine = json.loads(r.stdout)
    t.check(len(mine) == 1 and mine[0].get("writer", "").startswith(f"uid {os.getuid()} ") and
            mine[0].get("foreign_entries") == 1,
            f"--list names the genuine writer and the entry passed over: {mine}")
    r = play(tlog_play, ["--list", f"--since=@{start - 1}"])
    line = [x for x in r.stdout.decode().splitlines() if x.startswith(forged)]
    t.check(line and "nobody" in line[0], f"--list's table shows the writer: {r.stdout!r}")
    # Entries claiming a recorder (by the id's pid) that did not send
    # them fit no writer: such a recording is not listed at all.
    claimed = f"{boot_id()}-1-1"
    forge([forged_entry(claimed, 1, "claims pid 1\n", 0)])
    wait_entries(claimed, 1)
    r = play(tlog_play, ["--list", "--json", f"--since=@{start - 1}"])
    t.check(claimed not in [x["rec"] for x in json.loads(r.stdout)],
            f"a recording no entry of whose fits its id is not listed: {r.stdout!r}")


class LiveGroup:
    """tlog-rec in a session of its own, so that it and its program can be
    killed at once, as a crash would end it (no end marked)."""

    def __init__(self, tlog_rec, command, args=()):
        self.proc = subprocess.Popen([tlog_rec, "--latency=1", *args, *command],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=t.test_env(),
                                     start_new_session=True)
        self.rec = rec_id_of(self.proc.pid)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def follow_until_exit(tlog_play, rec, during, timeout=60.0, merged=False):
    """Follows @rec, calls @during once the player runs, and waits for the
    player to end by itself: (exit status, stdout, stderr); @merged: stderr
    in stdout, in the order written (then stderr is "")."""
    player = subprocess.Popen([tlog_play, "-r", "journal", f"--rec={rec}", "--follow"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                              env=t.test_env())
    try:
        during()
        try:
            out, err = player.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise t.Failure(f"--follow still waiting {timeout:.0f}s after the recording ended")
        return player.returncode, out, (err or b"").decode(errors="replace")
    finally:
        if player.poll() is None:
            player.kill()
            player.wait()


def case_follow_end(tlog_rec, tlog_play):
    """--follow stops by itself once the recording has ended: at the entry
    the recorder marked as its last (TLOG_END=1), or, when the recorder on
    this host was killed and marked nothing, once it is gone. Before, it
    waited for ever."""
    live = Recording(tlog_rec, ["sh", "-c", "echo end-tick-1; sleep 1; echo end-tick-2"],
                     ["--latency=1"])
    wait_entries(live.rec, 1)
    code, out, _ = follow_until_exit(tlog_play, live.rec, lambda: live.finish(), merged=True)
    t.check(code == 0 and b"end-tick-1" in out and b"end-tick-2" in out,
            f"follow to the marked end: exit {code}, {out!r}")
    said = out.find(b"ended: its recorder marked its last message")
    t.check(said >= 0 and b"without marking" not in out,
            f"not said, or the exit taken for an unmarked end: {out!r}")
    # Said once everything was played: after the last output.
    t.check(said > out.find(b"end-tick-2"), f"the end said before the last output: {out!r}")
    last = entries(live.rec)[-1]
    t.check(last.get("TLOG_END") == "1", f"the last entry is not marked: {last}")
    t.check(all("TLOG_END" not in e for e in entries(live.rec)[:-1]), "a middle entry marked")

    killed = LiveGroup(tlog_rec, ["sh", "-c", "echo killed-tick; exec sleep 600"])
    try:
        wait_entries(killed.rec, 1)
        code, out, err = follow_until_exit(tlog_play, killed.rec, killed.kill)
    finally:
        killed.kill()
    t.check(code == 0 and b"killed-tick" in out, f"follow a killed recorder: exit {code}, "
            f"{out!r}, {err!r}")
    t.check("without marking the recording's end" in err, f"not said: {err!r}")
    t.check(all("TLOG_END" not in e for e in entries(killed.rec)), "a killed recorder marked")


def case_signed(tlog_rec, tlog_play):
    """A signed recording in the journal: TLOG_SIG beside an unchanged
    MESSAGE, --verify says intact; with another key, or cut short by a
    crash, it says NOT INTACT and exits 1; an unsigned one is unsigned."""
    with tempfile.TemporaryDirectory() as tmp:
        key, pub = t.make_keys(tmp)
        rec = record(tlog_rec, ["sh", "-c", "for i in $(seq 1 300); do echo signed-$i; done"],
                     ["--payload=256", f"--sign-key={key}"]).rec
        # Complete once the entry marked as the end is in.
        deadline = time.monotonic() + 30
        while True:
            found = entries(rec)
            if (found and found[-1].get("TLOG_END") == "1") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        t.check(len(found) > 5 and found[-1].get("TLOG_END") == "1",
                f"{len(found)} entries, the last one not marked as the end")
        for e in found:
            m = json.loads(e["MESSAGE"])
            t.check("tlog_sig" not in m and "tlog_end" not in m, f"marks in MESSAGE: {m}")
        t.check("TLOG_SIG" in found[0] and "TLOG_SIG" in found[-1],
                "the first and the last entry are not signed")
        r = play(tlog_play, [f"--rec={rec}", f"--verify={pub}"])
        t.check(r.stdout.decode().startswith(f"{rec}: intact: messages 1-{len(found)}"),
                f"--verify: {r.stdout!r}")
        # A directory of host keys, HOST.pub.
        hosts = os.path.join(tmp, "hosts")
        os.mkdir(hosts)
        shutil.copy(pub, os.path.join(hosts, found[0]["TLOG_HOST"] + ".pub"))
        play(tlog_play, [f"--rec={rec}", f"--verify={hosts}"])

        _, other = t.make_keys(os.path.join(tmp, "hosts"))
        r = play(tlog_play, [f"--rec={rec}", f"--verify={other}"], check_ok=False)
        t.check(r.returncode == 1 and b"NOT INTACT: message 1: the signature does not match"
                in r.stdout, f"another key: {r.returncode} {r.stdout!r} {r.stderr!r}")

        cut = LiveGroup(tlog_rec, ["sh", "-c", "echo cut-1; exec sleep 600"],
                        [f"--sign-key={key}"])
        try:
            wait_entries(cut.rec, 1)
        finally:
            cut.kill()
        r = play(tlog_play, [f"--rec={cut.rec}", f"--verify={pub}"], check_ok=False)
        t.check(r.returncode == 1 and b"NOT INTACT: no signed end after message 1" in r.stdout,
                f"cut short: {r.returncode} {r.stdout!r} {r.stderr!r}")

        plain = record(tlog_rec, ["echo", "plain"]).rec
        r = play(tlog_play, [f"--rec={plain}", f"--verify={pub}"], check_ok=False)
        t.check(r.returncode == 1 and b"NOT INTACT: unsigned" in r.stdout,
                f"unsigned: {r.returncode} {r.stdout!r}")


def harness(command):
    pidfile = os.environ.get("TLOG_TEST_JOURNALD_PIDFILE")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support",
                          "journald_harness.py")
    r = t.run([sys.executable, script, command, pidfile], timeout=30)
    t.check(r.returncode == 0, f"journald harness {command}: {r.stderr!r}")


def case_restart(tlog_rec, tlog_play):
    """journald stopped and started in the middle of a recording, twice:
    once keeping its socket (as under systemd, where the socket unit holds
    it), once losing it (senders get errors: the writer must hold the
    messages and retry). Nothing lost, nothing twice, byte-exact."""
    pidfile = os.environ.get("TLOG_TEST_JOURNALD_PIDFILE")
    t.require(pidfile and os.path.exists(pidfile),
              "a journald started by the test command's harness (TLOG_TEST_JOURNALD_PIDFILE)")
    # Output at 0, 2.5, 5 and 7.5 s; messages go out 1 s after each
    # (--latency=1), so the journal changes state at 1.8 and 4.3 / 6.8 s,
    # well away from any send.
    script = ("echo before; sleep 2.5; echo during-down; sleep 2.5; echo between;"
              " sleep 2.5; echo during-vanish; sleep 1.5; echo after")
    live = Recording(tlog_rec, ["sh", "-c", script], ["--latency=1"])
    started = time.monotonic()

    def at(seconds):
        time.sleep(max(0.0, started + seconds - time.monotonic()))

    at(1.8)
    harness("down")
    at(4.3)
    harness("up")
    at(6.8)
    harness("vanish")
    vanished = time.monotonic()
    at(9.3)
    harness("up")
    back = time.monotonic()
    live.finish()
    print(f"journald away {back - vanished:.1f} s without a socket")
    t.check("does not accept messages" in live.stderr and "is back" in live.stderr,
            f"the recorder did not report the outage: {live.stderr!r}")
    wait_entries(live.rec, 5)
    ids = check_continuous(live.rec)
    r = play(tlog_play, [f"--rec={live.rec}"])
    t.check_equal(r.stdout, live.output, "playback after two journald restarts")
    t.check(len(ids) >= 5, f"expected at least 5 messages, got ids {ids}")


def case_crossplay(tlog_rec, tlog_play):
    t.require_reference()
    # Ours -> the reference player (it needs a terminal).
    ours = record(tlog_rec, ["printf", "caf\\303\\251 \\360\\237\\230\\200 \\377 tab\\tend\\n"])
    wait_entries(ours.rec, 1)
    p = t.PtyProcess([t.REF_PLAY, "-r", "journal", "-M", f"TLOG_REC={ours.rec}"],
                     env=t.test_env())
    code = p.finish(timeout=30)
    t.check(code == 0, f"reference tlog-play: {t.describe_status(code)} {bytes(p.output)!r}")
    got = bytes(p.output)
    # The reference plays with its terminal raw (bytes pass unchanged) and
    # adds a trailer when it restores it, as in tests/e2e/crossplay.py.
    trailer = b"\x1b[0m\x1b[?25h\r\n\x00"
    t.check(got.endswith(trailer), f"reference trailer missing: {got[-20:]!r}")
    t.check_equal(got[:-len(trailer)], ours.output, "reference playback of our journal recording")

    # The reference recorder -> our player.
    proc = subprocess.Popen([t.REF_REC, "-w", "journal", "sh", "-c",
                             "printf 'ref \\342\\202 x\\n'; sleep 0.2; echo done"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=t.test_env())
    rec = rec_id_of(proc.pid)
    out, err = proc.communicate(timeout=30)
    t.check(proc.returncode == 0, f"reference tlog-rec failed: {err!r}")
    t.check(len(wait_entries(rec, 1)) >= 1, f"reference recording {rec} not in the journal")
    r = play(tlog_play, [f"--rec={rec}"])
    t.check_equal(r.stdout, out, "our playback of the reference's journal recording")


def case_remote(tlog_rec, tlog_play):
    """systemd-journal-upload ships entries to systemd-journal-remote on
    loopback; we play the session from the remote's directory."""
    remote_bin = "/lib/systemd/systemd-journal-remote"
    upload_bin = "/lib/systemd/systemd-journal-upload"
    t.require(os.access(remote_bin, os.X_OK) and os.access(upload_bin, os.X_OK),
              "systemd-journal-remote (apt-get install systemd-journal-remote)")
    # The cursor before our recording: upload from there on.
    reader = journal.Reader()
    reader.seek_tail()
    last = reader.get_previous()
    cursor = last["__CURSOR"] if last else None
    rec = record(tlog_rec, ["sh", "-c", "echo shipped to the central host; sleep 0.2; echo bye"])
    wait_entries(rec.rec, 1)
    tmp = tempfile.mkdtemp(prefix="tlog-remote-")
    procs = []
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        out_dir = os.path.join(tmp, "remote")
        os.mkdir(out_dir)
        remote = subprocess.Popen([remote_bin, f"--listen-http=127.0.0.1:{port}",
                                   f"--output={out_dir}/central.journal", "--split-mode=none"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(remote)
        time.sleep(0.5)
        args = [upload_bin, f"--url=http://127.0.0.1:{port}", f"--save-state={tmp}/state",
                "--follow=no"]
        if cursor:
            args.append(f"--after-cursor={cursor}")
        up = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
        t.check(up.returncode == 0, f"journal-upload failed: {up.stderr.decode()[-500:]}")
        deadline = time.monotonic() + 10
        result = None
        while time.monotonic() < deadline:
            result = t.run([tlog_play, "-r", "journal", "-D", out_dir, f"--rec={rec.rec}"],
                           env=t.test_env())
            if result.returncode == 0 and result.stdout == rec.output:
                break
            time.sleep(0.3)
        t.check(result.returncode == 0, f"play from -D: {result.stderr!r}")
        t.check_equal(result.stdout, rec.output, "playback from the remote journal directory")
        r = t.run([tlog_play, "-r", "journal", "-D", out_dir, "--list", "--json"], env=t.test_env())
        t.check(rec.rec.encode() in r.stdout, "--list over the remote directory")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp)


def cgroup_dirs(unit):
    """Where to put a process so journald maps it to @unit: the cgroup2
    mount (unified, or the hybrid layout's unified/), and the v1 name=systemd
    hierarchy when there is one. Without systemd as PID 1 journald applies
    its rate limit only to senders it can map to a unit."""
    dirs = []
    for base in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup"):
        if os.path.exists(os.path.join(base, "cgroup.procs")):
            dirs.append(os.path.join(base, unit))
            if base == "/sys/fs/cgroup":
                break
    return dirs


JOURNAL_BUFFER = 16 << 20  # journal.buffer's default (man/tlog-rec.conf.5)


def journal_ids(rec):
    """The TLOG_ID of each journal entry of @rec, oldest first (the
    messages themselves are not kept: a 1 GiB flood would not fit)."""
    reader = journal.Reader()
    reader.add_match(TLOG_REC=rec)
    return [int(e["TLOG_ID"]) for e in reader]


# journalctl -o json (without --all) shows a field of 4096 bytes or more,
# "MESSAGE=" included, as null: Cockpit's player reads the journal so.
JSON_NULL_FROM = 4096 - len("MESSAGE=")


def message_sizes(rec):
    """The size in bytes of each journal entry's MESSAGE of @rec."""
    reader = journal.Reader()
    reader.add_match(TLOG_REC=rec)
    return [len(e["MESSAGE"].encode()) for e in reader]


def wait_settled(rec, quiet=1.5, limit=120.0):
    """The entries of @rec once journald has added none for @quiet s."""
    deadline = time.monotonic() + limit
    ids, last_change = journal_ids(rec), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - last_change < quiet:
        time.sleep(0.3)
        now = journal_ids(rec)
        if len(now) != len(ids):
            ids, last_change = now, time.monotonic()
    return ids


UNITS = "/run/systemd/units"


def unit_rate_limit(unit, burst, interval):
    """What PID 1 exports for a service with LogRateLimitBurst=@burst and
    LogRateLimitIntervalSec=@interval (s), where journald reads it: its
    limit for @unit instead of journald.conf's. Returns what it made."""
    made = []
    if not os.path.isdir(UNITS):
        os.makedirs(UNITS)
        made.append(UNITS)
    for name, value in (("log-rate-limit-burst", burst),
                        ("log-rate-limit-interval", interval * 1000000)):
        path = os.path.join(UNITS, f"{name}:{unit}")
        os.symlink(str(value), path)
        made.append(path)
    return made


def flood_journal(tlog_rec, tlog_play, data, workdir, env=None, timeout=600, unit_limit=None):
    """`cat DATA` recorded with the journal writer from a process journald
    rate-limits (a cgroup named like a service: without systemd as PID 1
    journald limits only senders it maps to a unit), then played back from
    the journal. @unit_limit (burst, interval s) is the service's
    LogRateLimitBurst=/LogRateLimitIntervalSec= (else journald.conf's
    applies). Used by case_flood and bench/flood. Returns floodlib's
    figures plus the unit journald saw, the ids, the largest MESSAGE and
    how many would be null in journalctl -o json, when the output had
    passed through, and what journald said about the unit ("Suppressed N
    messages")."""
    unit = f"tlog-flood-{os.getpid()}.service"
    dirs = cgroup_dirs(unit)
    t.require(os.getuid() == 0 and dirs, "root and a writable cgroup hierarchy")
    passed = os.path.join(workdir, "passed")
    played = os.path.join(workdir, "played")
    made = []
    try:
        if unit_limit:
            made += unit_rate_limit(unit, *unit_limit)
        for d in dirs:
            os.mkdir(d)
            made.append(d)
        since = int(time.time()) - 1
        # The shell joins the cgroup, then becomes time(1), whose child,
        # the recorder, stays in it.
        procs = " ".join(f"echo $$ > {d}/cgroup.procs;" for d in dirs)
        run = fl.Run([tlog_rec, "-w", "journal", "cat", data], passed, env=env,
                     prefix=["sh", "-c", f'{procs} exec "$@"', "sh"])
        try:
            rec = rec_id_of(run.pid)
        except OSError:
            run.kill()
            raise
        status = run.wait(timeout)
        size = os.path.getsize(data)
        # When the program's last byte had passed through: from then on
        # the session only waits for the journal to take what is held.
        done = next((at for at, _, out in run.samples if out >= size), run.wall)
        res = {"writer": "journal", "size": size, "status": status, "stderr": run.stderr(),
               "seconds": run.wall, "peak_rss_kb": run.peak_rss_kb(), "samples": run.samples,
               "passed_equal": fl.same_files(passed, data)[0], "rec": rec, "unit": unit,
               "output_done": done}
        run.close()
        os.unlink(passed)
        ids = wait_settled(rec)
        reader = journal.Reader()
        reader.add_match(TLOG_REC=rec)
        first = reader.get_next() or {}
        sizes = message_sizes(rec)
        res.update(ids=ids, entries=len(ids), journald_unit=first.get("_SYSTEMD_UNIT"),
                   largest=max(sizes, default=0),
                   nulls=sum(1 for n in sizes if n >= JSON_NULL_FROM))
        code, err, wall, rss, anon = fl.play(tlog_play, ["-r", "journal", f"--rec={rec}"],
                                             played, env=env, timeout=timeout)
        res.update(play_status=code, play_stderr=err, play_seconds=wall, play_rss_kb=rss,
                   play_anon_kb=anon, played_equal=fl.same_files(played, data))
        os.unlink(played)
        # journald's own messages ("Suppressed N messages from UNIT"); a
        # journald the harness started has no _SYSTEMD_UNIT to match on.
        reader = journal.Reader()
        reader.add_match(SYSLOG_IDENTIFIER="systemd-journald")
        reader.seek_realtime(since)
        res["journald_said"] = [e["MESSAGE"] for e in reader
                                if unit in str(e.get("MESSAGE", ""))]
        return res
    finally:
        for path in reversed(made):
            try:
                if os.path.islink(path):
                    os.unlink(path)
                else:
                    os.rmdir(path)
            except OSError:
                pass


def case_flood(tlog_rec, tlog_play):
    """8 MB of output (some 4500 entries) to the journal writer from a
    service journald rate-limits, set up as the man page says: the
    service's LogRateLimitBurst=1000 per LogRateLimitIntervalSec=2s, the
    writer's journal.rate_limit_burst below it (800 per 2 s; the defaults,
    10000 and 8000 per 30 s, would make the test take minutes) and a
    journal.buffer of 1 MiB, so that the writer paces and then delays
    the session. Nothing may be lost or suppressed, no MESSAGE may reach
    4088 bytes, and the recorder's memory stays under the flood ceiling
    plus what the writer may hold."""
    tmp = tempfile.mkdtemp(prefix="tlog-flood-")
    buffer = 1 << 20
    try:
        data = fl.make_data(os.path.join(tmp, "flood.txt"), 8 * fl.MB)
        conf = json.dumps({"journal": {"rate_limit_burst": 800, "rate_limit_interval": 2,
                                       "buffer": buffer}})
        env = fl.flood_env(t.test_env({"TLOG_REC_CONF_TEXT": conf}), tlog_rec)
        r = flood_journal(tlog_rec, tlog_play, data, tmp, env=env, unit_limit=(1000, 2))
        t.check(r["status"] == 0, f"tlog-rec: {t.describe_status(r['status'])}: {r['stderr']}")
        t.check(r["passed_equal"], "tlog-rec did not pass the output through unchanged")
        t.check(r["journald_unit"] == r["unit"],
                f"journald did not map the recorder to {r['unit']}: {r['journald_unit']}")
        t.check(r["ids"] == list(range(1, len(r["ids"]) + 1)),
                f"ids not 1..n: {len(r['ids'])} entries, up to {max(r['ids'], default=0)}")
        t.check(r["play_status"] == 0, f"playback: exit {r['play_status']}: {r['play_stderr']}")
        equal, at, got, want = r["played_equal"]
        t.check(equal, f"playback differs from the flood at byte {at} ({got} vs {want} bytes)")
        t.check(not r["journald_said"], f"journald suppressed entries: {r['journald_said']}")
        t.check(r["nulls"] == 0, f"{r['nulls']} of {r['entries']} MESSAGEs of 4088 bytes or "
                f"more (null in journalctl -o json), the largest {r['largest']} bytes")
        t.check("pacing" in r["stderr"] and "journal.overflow=delay" in r["stderr"],
                f"the writer neither paced nor delayed the session: {r['stderr']!r}")
        ceiling = fl.rss_ceiling_kb(tlog_rec, held=buffer)
        growth = fl.rss_growth_kb(r["samples"], r["size"])
        print(f"flood: {r['size'] / 1e6:.0f} MB in {r['seconds']:.1f} s (the output through at "
              f"{r['output_done']:.1f} s) as {r['entries']} entries of at most {r['largest']} "
              f"bytes, none lost; tlog-rec peak RSS {r['peak_rss_kb'] / 1024:.1f} MiB "
              f"(ceiling {ceiling / 1024:.0f} MiB: the flood's plus journal.buffer), growth "
              f"after the first quarter {growth} kB; recorder said: {r['stderr'].strip()!r}")
        t.check(r["peak_rss_kb"] is not None and r["peak_rss_kb"] < ceiling,
                f"tlog-rec peak RSS {r['peak_rss_kb']} kB, ceiling {ceiling} kB")
        # Flat as with the file writer (tests/flood), unless the writer held
        # messages (pacing, a slow journald), which it may up to the buffer.
        held = "holding" in r["stderr"] or "pacing" in r["stderr"]
        allowed = fl.growth_allowance_kb(tlog_rec) + (buffer // 1024 if held else 0)
        t.check(growth is not None and growth < allowed,
                f"tlog-rec's RSS grew by {growth} kB during the flood (allowed {allowed} kB)")
        # tlog-play keeps a few messages and one write's worth of output
        # (64 KiB), whatever the size: 2.6 MiB anonymous here, 2.3 MiB at
        # 256 MiB (bench/flood, plain build). The ceiling catches a player
        # that keeps part of what it plays; the burst it once gathered for
        # one write (3.4 MiB here, 14 at 256 MiB, 66 at 1 GiB) shows in
        # bench/flood's "anon" column, not here.
        play_ceiling = 160 * 1024 if fl.sanitized(tlog_play) else 4 * 1024
        print(f"flood: tlog-play from the journal: {r['play_seconds']:.1f} s, anonymous "
              f"memory at most {r['play_anon_kb'] / 1024:.1f} MiB (ceiling "
              f"{play_ceiling / 1024:.0f} MiB)")
        t.check(r["play_anon_kb"] < play_ceiling,
                f"tlog-play used {r['play_anon_kb']} kB of anonymous memory playing the flood "
                f"from the journal (ceiling {play_ceiling} kB)")
    finally:
        shutil.rmtree(tmp)


def journalctl_json(rec):
    """The entries of recording @rec as Cockpit's session player gets them:
    `journalctl --output=json TLOG_REC=ID`, without --all, so that a field
    of 4096 bytes or more (name, "=" and value) comes out as null."""
    r = t.run(["journalctl", "--output=json", f"TLOG_REC={rec}"], timeout=120)
    t.check(r.returncode == 0, f"journalctl: {r.stderr.decode(errors='replace')}")
    return [json.loads(line) for line in r.stdout.splitlines()]


class SessionScope:
    """A cgroup named like a login session's scope,
    user.slice/user-UID.slice/session-NAME.scope: journald then applies
    to what its processes log the rate limit it applies to a login
    session (journald.conf's RateLimitIntervalSec=/RateLimitBurst=; a
    scope takes no per-unit LogRateLimit* settings). The directories this
    made are removed at the end."""

    def __init__(self):
        uid = os.getuid()
        self.unit = f"session-tlog{os.getpid()}.scope"
        self.path = f"user.slice/user-{uid}.slice/{self.unit}"
        self.dirs = cgroup_dirs(self.path)
        t.require(uid == 0 and self.dirs, "root and a writable cgroup hierarchy")
        self.made = []

    def __enter__(self):
        for d in self.dirs:
            parts = []
            while not os.path.exists(d):
                parts.append(d)
                d = os.path.dirname(d)
            for p in reversed(parts):
                os.mkdir(p)
                self.made.append(p)
        return self

    def __exit__(self, *exc):
        for d in reversed(self.made):
            try:
                os.rmdir(d)
            except OSError:
                pass

    def prefix(self):
        """argv that joins the scope, then runs the rest ("$@")."""
        procs = " ".join(f"echo $$ > {d}/cgroup.procs;" for d in self.dirs)
        return ["sh", "-c", f'{procs} exec "$@"', "sh"]


def cockpit_recording(tlog_rec, scope, command, env, workdir):
    """@command recorded by tlog-rec (journal writer) on a pty in @scope.
    Returns the recording id, what the terminal got, what tlog-rec said
    and the entries as journalctl -o json gives them."""
    errors = os.path.join(workdir, "stderr")
    with open(errors, "wb") as err:
        run = t.PtyProcess([*scope.prefix(), tlog_rec, "-w", "journal", *command], env=env,
                           stderr=err)
        rec = rec_id_of(run.proc.pid)
        status = run.finish(timeout=110)
    with open(errors, "rb") as f:
        said = f.read().decode(errors="replace")
    t.check(status == 0, f"tlog-rec: {t.describe_status(status)}: {said}")
    # Every entry went out before tlog-rec exited; journald may not have
    # stored the last ones yet.
    ids = wait_settled(rec, quiet=1.0)
    return rec, bytes(run.output), said, journalctl_json(rec), ids


def check_cockpit_entries(what, entries, output, unit):
    """What Cockpit's player needs from each entry: a MESSAGE (not null:
    under 4096 bytes), that is a v2.3 message (JSON with "ver"), ids
    1..n, and the output whole."""
    nulls = [e.get("TLOG_ID") for e in entries if e.get("MESSAGE") is None]
    sizes = [len(e["MESSAGE"].encode()) for e in entries if isinstance(e.get("MESSAGE"), str)]
    print(f"{what}: {len(entries)} entries, {len(nulls)} with MESSAGE null, largest MESSAGE "
          f"{max(sizes, default=0)} bytes")
    t.check(entries, f"{what}: journalctl -o json found no entries")
    t.check(not nulls, f"{what}: {len(nulls)} of {len(entries)} entries have MESSAGE null in "
            f"journalctl -o json (4096 bytes or more), TLOG_ID {nulls[:5]}...")
    messages = []
    for e in entries:
        try:
            messages.append(json.loads(e["MESSAGE"]))
        except (TypeError, ValueError) as err:
            raise t.Failure(f"{what}: TLOG_ID {e.get('TLOG_ID')}: MESSAGE is not JSON: {err}")
        t.check(messages[-1].get("ver") == "2.3", f"{what}: no ver in {e['MESSAGE'][:100]!r}")
    ids = [m["id"] for m in messages]
    t.check(ids == list(range(1, len(ids) + 1)),
            f"{what}: ids not 1..n: {len(ids)} entries, up to {max(ids)}")
    t.check([int(e["TLOG_ID"]) for e in entries] == ids, f"{what}: TLOG_ID differs from id")
    units = {e.get("_SYSTEMD_UNIT") for e in entries}
    t.check(units == {unit}, f"{what}: journald saw units {units}, not {unit}")
    _, out = t.decode_streams(messages, what)
    t.check_equal(out, output, f"{what}: out_txt/out_bin against the terminal's output")
    return messages


def case_cockpit(tlog_rec, tlog_play):
    """Floods as Cockpit's session player reads them: the recorder (our
    tlog-rec, journal writer, on a pty) in a login session's scope, the
    entries read back with `journalctl --output=json TLOG_REC=ID` without
    --all. No MESSAGE may be null (4096 bytes or more), each must parse,
    ids run 1..n, and out_txt/out_bin put together are the terminal's
    output byte for byte. First journalctl's own line (4087 bytes shown,
    4088 null), which the journal writer's bound assumes; then `seq 1
    300000`, with the writer's pacing cut to 400 entries per 2 s (the
    default, 8000 per 30 s, would make the test wait 30 s) so that the
    flood passes it; then `seq 1 20000` with a 2006-byte TERM, the part of
    the envelope a user sets, long enough that the payload is lowered."""
    # The bound the journal writer keeps (JournalWriter::kMaxMessage), as
    # journalctl draws it: a MESSAGE of 4087 bytes is shown, 4088 is null.
    tag = f"tlog-cockpit-{os.getpid()}"
    for size in (JSON_NULL_FROM - 1, JSON_NULL_FROM):
        journal.send("x" * size, TLOG_TEST=tag, SIZE=str(size))
    deadline = time.monotonic() + 30
    while True:
        r = t.run(["journalctl", "--output=json", f"TLOG_TEST={tag}"])
        shown = {int(e["SIZE"]): e["MESSAGE"] for e in map(json.loads, r.stdout.splitlines())}
        if len(shown) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    t.check(isinstance(shown.get(4087), str) and shown.get(4088, "") is None,
            f"journalctl -o json no longer draws the line at 4088 bytes: "
            f"{ {n: (m if m is None else len(m)) for n, m in shown.items()} }")

    tmp = tempfile.mkdtemp(prefix="tlog-cockpit-")
    try:
        with SessionScope() as scope:
            since = time.time() - 1
            pacing = '{"journal": {"rate_limit_burst": 400, "rate_limit_interval": 2}}'
            env = t.test_env({"TLOG_REC_CONF_TEXT": pacing, "TERM": "xterm-256color"})
            rec, output, said, entries, _ = cockpit_recording(
                tlog_rec, scope, ["seq", "1", "300000"], env, tmp)
            print(f"cockpit: seq 1 300000: {len(output)} bytes of output; tlog-rec said: "
                  f"{said.strip()!r}")
            check_cockpit_entries("seq 1 300000", entries, output, scope.unit)
            t.check(len(entries) > 400 and "pacing" in said,
                    f"the flood did not pass the writer's pacing (400 per 2 s): "
                    f"{len(entries)} entries; tlog-rec said {said!r}")

            term = "xterm-" + "long" * 500
            env = t.test_env({"TERM": term})
            rec, output, said, entries, _ = cockpit_recording(
                tlog_rec, scope, ["seq", "1", "20000"], env, tmp)
            print(f"cockpit: TERM of {len(term)} bytes: tlog-rec said: {said.strip()!r}")
            messages = check_cockpit_entries(f"TERM of {len(term)} bytes", entries, output,
                                             scope.unit)
            t.check(messages[0]["term"] == term, "the term field is not the whole TERM")

            reader = journal.Reader()
            reader.add_match(SYSLOG_IDENTIFIER="systemd-journald")
            reader.seek_realtime(since)
            said = [e["MESSAGE"] for e in reader if scope.unit in str(e.get("MESSAGE", ""))]
            t.check(not said, f"journald suppressed entries: {said}")
    finally:
        shutil.rmtree(tmp)


def harness_journald():
    """The pid of the journald the test command's harness started: only
    that one may be stopped (SIGSTOP) by a test. Meson ends a test that
    runs too long with SIGTERM: it becomes SystemExit here, so that the
    case's finally still sends SIGCONT."""
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(1))
    pidfile = os.environ.get("TLOG_TEST_JOURNALD_PIDFILE")
    t.require(pidfile and os.path.exists(pidfile + ".journald"),
              "a journald started by the test command's harness (TLOG_TEST_JOURNALD_PIDFILE)")
    with open(pidfile + ".journald") as f:
        pid = int(f.read())
    with open(f"/proc/{pid}/comm") as f:
        t.check(f.read().startswith("systemd-journal"), f"pid {pid} is not journald")
    return pid


def wait_output(run, size, timeout=30.0):
    """Waits until @run has passed @size bytes through."""
    deadline = time.monotonic() + timeout
    while run.output_size() < size:
        t.check(run.proc.poll() is None, f"tlog-rec ended early: {run.stderr()}")
        t.check(time.monotonic() < deadline, f"tlog-rec passed only {run.output_size()} bytes")
        time.sleep(0.05)


def case_slow(tlog_rec, tlog_play):
    """A journal that cannot keep up: journald stopped (SIGSTOP) while
    tlog-rec records 50 MB of output with the defaults (journal.buffer
    16 MiB, journal.overflow=delay) but no pacing (journald limits no
    unit here, and at 8000 entries per 30 s the 28000 entries would take
    minutes). Some 16 MB pass before the stop, the writer then holds at
    most the buffer and the program is held back; nothing is dropped.
    After SIGCONT the recording completes: byte-exact, ids continuous."""
    journald = harness_journald()
    tmp = tempfile.mkdtemp(prefix="tlog-slow-")
    run = None
    stopped = False
    try:
        data = fl.make_data(os.path.join(tmp, "flood.txt"), 50 * fl.MB)
        size = os.path.getsize(data)
        passed = os.path.join(tmp, "passed")
        unpaced = t.test_env({"TLOG_REC_CONF_TEXT": '{"journal": {"rate_limit_burst": 0}}'})
        run = fl.Run([tlog_rec, "-w", "journal", "cat", data], passed,
                     env=fl.flood_env(unpaced, tlog_rec), interval=0.1)
        rec = rec_id_of(run.pid)
        # Past the start, where ASan's quarantine fills (floodlib.flood_env).
        wait_output(run, 16 * fl.MB)
        before_kb = fl.status_kb(run.pid, "VmRSS")
        os.kill(journald, signal.SIGSTOP)
        stopped = True
        stop_at = time.monotonic()
        stalled_at = run.output_size()
        # Held back: no byte passes for 3 s while journald is stopped.
        last, changed = run.output_size(), time.monotonic()
        while time.monotonic() - changed < 3.0:
            t.check(run.proc.poll() is None, f"tlog-rec ended during the stall: {run.stderr()}")
            t.check(time.monotonic() - stop_at < 60, f"the program was never held back: "
                    f"{run.output_size()} bytes passed while journald was stopped")
            time.sleep(0.1)
            if run.output_size() != last:
                last, changed = run.output_size(), time.monotonic()
        held_back = time.monotonic() - changed
        during = [rss for at, rss, _ in run.samples if at >= stop_at - run.started]
        peak_kb = max(during)
        os.kill(journald, signal.SIGCONT)
        stopped = False
        resumed = time.monotonic()
        stall = resumed - stop_at
        status = run.wait(240)
        finished = time.monotonic() - resumed
        err = run.stderr()
        t.check(status == 0, f"tlog-rec: {t.describe_status(status)}: {err}")
        print(f"slow: journald stopped {stall:.1f} s; output {stalled_at / fl.MB:.1f} MB when "
              f"stopped, held back at {last / fl.MB:.1f} MB ({held_back:.1f} s without a byte); "
              f"tlog-rec RSS {before_kb / 1024:.1f} MiB before, at most "
              f"{peak_kb / 1024:.1f} MiB during the stall ({len(during)} samples), peak "
              f"{run.peak_rss_kb() / 1024:.1f} MiB overall; it ended {finished:.1f} s after "
              f"SIGCONT; recorder said: {err.strip()!r}")
        # The bound: journal.buffer of held messages, plus 4 MiB for what
        # the count leaves out: the message that crosses the bound, the
        # entry being sent, the bookkeeping of the held messages (some
        # 7000 of 2.3 KB) and the allocator's slack. Before the
        # stall nothing is held, so the growth is what the writer holds:
        # measured 16.0 MiB. ASan adds half as much again (shadow memory,
        # redzones, size classes): measured 22.4 MiB.
        bound = JOURNAL_BUFFER * (3 if fl.sanitized(tlog_rec) else 2) // 2 + (4 << 20)
        t.check(peak_kb - before_kb < bound // 1024,
                f"RSS grew by {peak_kb - before_kb} kB while journald was stopped, more "
                f"than {bound // 1024} kB (journal.buffer is {JOURNAL_BUFFER // 1024} kB)")
        t.check(run.peak_rss_kb() < fl.rss_ceiling_kb(tlog_rec, held=JOURNAL_BUFFER),
                f"tlog-rec peak RSS {run.peak_rss_kb()} kB")
        t.check(last < size, "the whole output passed while journald was stopped")
        t.check("journal.overflow=delay" in err and "is back" in err,
                f"the recorder did not report the wait and the recovery: {err!r}")
        t.check(fl.same_files(passed, data)[0], "tlog-rec did not pass the output through")
        ids = wait_settled(rec)
        t.check(ids == list(range(1, len(ids) + 1)),
                f"ids not 1..n after the stall: {len(ids)} entries, up to {max(ids, default=0)}")
        played = os.path.join(tmp, "played")
        code, perr, _, _, _ = fl.play(tlog_play, ["-r", "journal", f"--rec={rec}"], played,
                                   env=t.test_env())
        t.check(code == 0, f"playback: exit {code}: {perr}")
        equal, at, got, want = fl.same_files(played, data)
        t.check(equal, f"playback differs at byte {at} ({got} vs {want} bytes)")
        print(f"slow: {len(ids)} entries, ids 1-{len(ids)}, playback byte-exact")
    finally:
        if stopped:
            os.kill(journald, signal.SIGCONT)
        if run is not None:
            if run.proc.poll() is None:
                run.kill()
            run.close()
        shutil.rmtree(tmp)


def case_overflow(tlog_rec, tlog_play):
    """journal.overflow=fail with journald stopped: once journal.buffer is
    full the recorder ends with one clear error and exit 1. What it names
    as lost is lost (not in the journal after SIGCONT), everything before
    it is there (ids continuous), and the recording plays up to there."""
    journald = harness_journald()
    tmp = tempfile.mkdtemp(prefix="tlog-overflow-")
    buffer = 2 << 20
    run = None
    stopped = False
    try:
        data = fl.make_data(os.path.join(tmp, "flood.txt"), 100 * fl.MB)
        passed = os.path.join(tmp, "passed")
        run = fl.Run([tlog_rec, "-w", "journal", "--journal-overflow=fail",
                      f"--journal-buffer={buffer}", "cat", data], passed,
                     env=fl.flood_env(t.test_env(), tlog_rec))
        rec = rec_id_of(run.pid)
        wait_output(run, 1 * fl.MB)
        os.kill(journald, signal.SIGSTOP)
        stopped = True
        stop_at = time.monotonic()
        # It must end by itself, journald still stopped.
        status = run.wait(60)
        ended = time.monotonic() - stop_at
        os.kill(journald, signal.SIGCONT)
        stopped = False
        err = run.stderr()
        print(f"overflow: ended {ended:.1f} s after journald stopped, "
              f"{t.describe_status(status)}; it said: {err.strip()!r}")
        t.check(status == 1, f"tlog-rec: {t.describe_status(status)}, not exit 1: {err}")
        lines = err.strip().splitlines()
        t.check(len(lines) <= 2 and "journal.overflow=fail" in lines[-1],
                f"not one clear error naming journal.overflow=fail: {err!r}")
        lost = [(int(a), int(b or a))
                for a, b in re.findall(r"messages? (\d+)(?:-(\d+))?[^;:]* lost", err)]
        t.check(lost, f"the error does not say which messages are lost: {err!r}")
        lost.sort()
        for (a, b), (c, d) in zip(lost, lost[1:]):
            t.check(c == b + 1, f"lost ranges with a gap: {lost}")
        first, last = lost[0][0], lost[-1][1]
        ids = wait_settled(rec, quiet=2.0)
        t.check(ids == list(range(1, first)),
                f"said lost from message {first}; the journal has {len(ids)} entries, ids "
                f"{ids[:3]}...{ids[-3:]}")
        played = os.path.join(tmp, "played")
        code, perr, _, _, _ = fl.play(tlog_play, ["-r", "journal", f"--rec={rec}"], played,
                                   env=t.test_env())
        t.check(code == 0, f"playback of what was written: exit {code}: {perr}")
        t.check(fl.is_prefix(played, data) and fl.is_prefix(passed, data),
                "the recorded or passed output is not the start of the program's")
        recorded, shown = os.path.getsize(played), os.path.getsize(passed)
        print(f"overflow: journal has messages 1-{first - 1} ({recorded} bytes of output); "
              f"lost {first}-{last}; {shown} bytes were passed to the terminal")
        t.check(shown + 65536 >= recorded,
                f"{recorded} bytes recorded, only {shown} passed through")
        # The lost messages hold at least the output that passed through
        # but is not in the journal (JSON is never shorter than the bytes
        # it carries); the last read, encoded but not passed, adds 64 KiB.
        held = re.search(r"\((\d+) bytes\) held", err)
        t.check(held and shown - recorded <= int(held.group(1)) + 65536,
                f"{shown - recorded} bytes passed through are not in the journal, more than "
                f"the lost messages can hold: {err!r}")
    finally:
        if stopped:
            os.kill(journald, signal.SIGCONT)
        if run is not None:
            if run.proc.poll() is None:
                run.kill()
            run.close()
        shutil.rmtree(tmp)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    require_journal()
    t.run_main(lambda: CASES[sys.argv[1]](sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
