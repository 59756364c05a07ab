# SPDX-License-Identifier: GPL-2.0-or-later
"""Root writing into a directory another user controls (a directory of
theirs under /tmp), the attacks as that user performs them: links,
shared files and FIFOs planted where root's tlog-rec or tlog-play will
write. A second user is added for each case (useradd) and removed at the
end, with the directory they made; the files standing in for root's own
(/root/.bashrc) are made by root in a directory only root can enter.

usage: planted_links.py CASE TLOG_REC TLOG_PLAY
CASE (each prefixed planted_):
      rec_symlink     x.log -> a root file; tlog-rec -w file -o x.log
      rec_shared_file y.log made by the user with mode 0666
      rec_fifo        z.log a FIFO the user reads
      cursor_tmp      F.tmp -> a root file; tlog-play --cursor-file=F
      cursor_link     F -> a root file (read as the cursor)
      play_outputs    out.txt / in.txt -> root files for --export -o and
                      --input; /dev/stdout and a link of root's still work
Needs root, useradd/userdel/runuser and, for the cursor cases, a journal
(started with tests/support/journald_harness.py when none runs)."""

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import tlogtest as t  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOCKET = "/run/systemd/journal/socket"
HARNESS = os.path.join(HERE, "..", "support", "journald_harness.py")
TARGET_TEXT = b"# root's .bashrc stand-in\nalias ll='ls -l'\n"


class Attacker:
    """A second user, added for the case and removed by close(), with a
    directory of theirs under /tmp (the planted files live there)."""

    def __init__(self):
        self.name = f"tlogplant{os.getpid()}"
        self.added = False
        self.mail_existed = True
        self.dir = None
        self.procs = []

    def setup(self):
        mail = f"/var/mail/{self.name}"
        self.mail_existed = os.path.lexists(mail)
        t.check(subprocess.run(["id", self.name], capture_output=True).returncode != 0,
                f"user {self.name} exists already")
        res = subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin",
                              "-c", "tlog planted-links test", self.name], capture_output=True)
        t.check(res.returncode == 0, f"useradd {self.name}: {res.stderr!r}")
        self.added = True
        self.dir = self.run("mktemp", "-d", "/tmp/tlog-planted-XXXXXX").stdout.decode().strip()
        t.check(self.dir.startswith("/tmp/tlog-planted-"), f"mktemp gave {self.dir!r}")
        self.run("chmod", "0755", self.dir)
        self.uid = os.stat(self.dir).st_uid

    def run(self, *argv):
        res = t.run(["runuser", "-u", self.name, "--", *argv])
        t.check(res.returncode == 0, f"as {self.name}: {argv}: {t.describe_status(res.returncode)} "
                f"{res.stderr!r}")
        return res

    def start(self, *argv, stdout=None):
        # A process group of its own: close() ends runuser and the
        # command together, so that userdel finds none left.
        p = subprocess.Popen(["runuser", "-u", self.name, "--", *argv],
                             stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        self.procs.append(p)
        return p

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        if self.dir and os.path.isdir(self.dir) and not os.path.islink(self.dir):
            shutil.rmtree(self.dir)
        if self.added:
            res = subprocess.run(["userdel", self.name], capture_output=True)
            t.check(res.returncode == 0, f"userdel {self.name}: {res.stderr!r}")
            mail = f"/var/mail/{self.name}"
            if not self.mail_existed and os.path.lexists(mail):
                os.unlink(mail)


def require_setup():
    t.require(os.geteuid() == 0, "root (the attacks are on root's files)")
    for tool in ("useradd", "userdel", "runuser", "mktemp"):
        t.require(shutil.which(tool) is not None, f"{tool}")


def with_attacker(case):
    def run(*args):
        require_setup()
        attacker = Attacker()
        try:
            attacker.setup()
            case(attacker, *args)
        finally:
            attacker.close()
    run.__name__ = case.__name__
    return run


def make_target(tmp, name):
    """A file of root's that the user cannot reach (tmp is mode 0700)."""
    os.chmod(tmp, 0o700)
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(TARGET_TEXT)
    os.chmod(path, 0o644)
    return path


def check_unchanged(path, what):
    st = os.lstat(path)
    t.check(stat.S_ISREG(st.st_mode), f"{what}: {path} is no longer a regular file")
    t.check(stat.S_IMODE(st.st_mode) == 0o644 and st.st_uid == 0,
            f"{what}: {path} now has mode {stat.S_IMODE(st.st_mode):o}, owner {st.st_uid}")
    with open(path, "rb") as f:
        data = f.read()
    t.check(data == TARGET_TEXT, f"{what}: root's {path} was changed: {data[:200]!r}")


def run_rec(rec, tmp, path):
    """Root's tlog-rec -w file -o PATH, recording a program that leaves a
    mark in root's @tmp when it runs."""
    marker = os.path.join(tmp, "ran")
    res = t.run([rec, "-w", "file", "-o", path, "sh", "-c", f"echo hi; : > {marker}"],
                env=t.test_env())
    res.ran = os.path.exists(marker)
    return res


def check_refused(res, path, what, reasons):
    """tlog-rec failed naming @path and one of @reasons, and the program
    never ran unrecorded."""
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode != 0, f"{what}: tlog-rec recorded into {path} ({err!r})")
    t.check(path in err and any(r in err for r in reasons),
            f"{what}: the error does not name {path} and one of {reasons}: {err!r}")
    t.check(not res.ran, f"{what}: the program ran anyway")
    return err.strip()


@with_attacker
def planted_rec_symlink(u, rec, play, tmp):
    target = make_target(tmp, "bashrc")
    x = u.path("x.log")
    u.run("ln", "-s", target, x)
    res = run_rec(rec, tmp, x)
    check_unchanged(target, "x.log -> root's file")
    err = check_refused(res, x, "x.log -> root's file", ["symbolic link"])
    t.check(os.readlink(x) == target, "the user's link was replaced")
    print(f"ok: {err}")


@with_attacker
def planted_rec_shared_file(u, rec, play, tmp):
    y = u.path("y.log")
    u.run("sh", "-c", f'umask 0; : > "{y}"')
    t.check(stat.S_IMODE(os.stat(y).st_mode) == 0o666, "the user's file is not mode 0666")
    res = run_rec(rec, tmp, y)
    st = os.stat(y)
    t.check(st.st_size == 0, f"root's recording went into the user's {y} ({st.st_size} bytes, "
            f"which the user reads and edits)")
    t.check(stat.S_IMODE(st.st_mode) == 0o666 and st.st_uid == u.uid, "y.log was changed")
    err = check_refused(res, y, "y.log mode 0666 of the user's",
                        ["writable by others", f"owned by uid {u.uid}"])
    print(f"ok: {err}")


@with_attacker
def planted_rec_fifo(u, rec, play, tmp):
    z = u.path("z.log")
    u.run("mkfifo", "-m", "0622", z)
    got = os.path.join(tmp, "got")
    with open(got, "wb") as out:
        reader = u.start("cat", z, stdout=out)
        # Our own write end, once the user's cat reads: root's tlog-rec
        # then finds the FIFO read, and cat ends when we close it.
        deadline = time.monotonic() + 20
        while True:
            try:
                ours = os.open(z, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as e:  # ENXIO: no reader yet
                t.check(e.errno == errno.ENXIO and time.monotonic() < deadline,
                        f"the user's cat never opened {z}: {e}")
                time.sleep(0.02)
        try:
            res = run_rec(rec, tmp, z)
        finally:
            os.close(ours)
        try:
            reader.wait(30)
        except subprocess.TimeoutExpired:
            raise t.Failure(f"the user's cat on {z} did not end with its last writer")
    with open(got, "rb") as f:
        data = f.read()
    t.check(data == b"", f"the user read root's recording from the FIFO: {data[:200]!r}")
    err = check_refused(res, z, "z.log, a FIFO the user reads",
                        ["not a regular file", f"owned by uid {u.uid}"])
    print(f"ok: {err}")


def with_journal(case):
    """Runs @case with a journald (the harness's, stopped after, when none runs)."""
    def run(u, rec, play, tmp):
        pidfile = None
        if not os.path.exists(SOCKET):
            pidfile = os.path.join(tmp, "journald.pid")
            res = t.run([sys.executable, HARNESS, "start", pidfile], timeout=60)
            t.require(res.returncode == 0 and os.path.exists(SOCKET),
                      f"a systemd-journald ({res.stdout!r} {res.stderr!r})")
            if res.stdout.strip() != b"started":
                pidfile = None
        try:
            case(u, rec, play, tmp)
        finally:
            if pidfile:
                subprocess.run([sys.executable, HARNESS, "stop", pidfile])
    run.__name__ = case.__name__
    return run


def journal_recording(rec, play):
    """Records "planted-hi" into the journal as root; returns the recording id
    once tlog-play lists it."""
    p = subprocess.Popen([rec, "-w", "journal", "sh", "-c", "read x; echo planted-$x"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=t.test_env())
    # The id is the boot id, pid and start time (FORMAT.md); the program
    # waits for its line, so tlog-rec is still there to be looked at.
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read().strip().replace("-", "")
    rec_id = f"{boot}-{p.pid:x}-{int(fields[19]):x}"
    out, err = p.communicate(b"hi\n", timeout=30)
    t.check(p.returncode == 0 and out == b"planted-hi\n", f"tlog-rec -w journal: {err!r}")
    deadline = time.monotonic() + 20
    while True:
        res = t.run([play, "-r", "journal", "--list", "--json", f"--rec={rec_id}"],
                    env=t.test_env())
        if rec_id.encode() in res.stdout:
            return rec_id
        t.check(time.monotonic() < deadline, f"recording {rec_id} never showed in the journal")
        time.sleep(0.1)


@with_attacker
@with_journal
def planted_cursor_tmp(u, rec, play, tmp):
    target = make_target(tmp, "bashrc")
    cursor = u.path("F")
    u.run("ln", "-s", target, cursor + ".tmp")
    rec_id = journal_recording(rec, play)
    res = t.run([play, "-r", "journal", f"--rec={rec_id}", f"--cursor-file={cursor}"],
                env=t.test_env())
    err = res.stderr.decode(errors="replace")
    check_unchanged(target, "F.tmp -> root's file")
    t.check(res.returncode == 0 and res.stdout == b"planted-hi\n",
            f"tlog-play --cursor-file: {t.describe_status(res.returncode)} {res.stdout!r} {err!r}")
    st = os.lstat(cursor)
    t.check(stat.S_ISREG(st.st_mode) and st.st_uid == 0, f"{cursor} is not root's own file")
    with open(cursor) as f:
        saved = f.read()
    t.check(saved.startswith("s=") and saved.endswith("\n"), f"the cursor file holds {saved!r}")
    t.check(os.readlink(cursor + ".tmp") == target, "the user's F.tmp link was changed")
    left = sorted(os.listdir(u.dir))
    t.check(left == ["F", "F.tmp"], f"files left in the directory: {left}")
    print(f"ok: cursor {saved.strip()[:40]}... in {cursor}, {target} unchanged")


@with_attacker
@with_journal
def planted_cursor_link(u, rec, play, tmp):
    secret = make_target(tmp, "secret")
    cursor = u.path("F")
    u.run("ln", "-s", secret, cursor)
    rec_id = journal_recording(rec, play)
    res = t.run([play, "-r", "journal", f"--rec={rec_id}", f"--cursor-file={cursor}"],
                env=t.test_env())
    err = res.stderr.decode(errors="replace")
    check_unchanged(secret, "F -> root's file")
    t.check(res.returncode == 1 and cursor in err and "symbolic link" in err,
            f"tlog-play read the cursor through the user's link: "
            f"{t.describe_status(res.returncode)} {err!r}")
    t.check(b"alias" not in res.stderr, f"root's file shows in the error: {err!r}")
    t.check(os.readlink(cursor) == secret, "the user's link was replaced")
    print(f"ok: {err.strip()}")


@with_attacker
def planted_play_outputs(u, rec, play, tmp):
    log = os.path.join(tmp, "rec.log")
    res = t.run([rec, "-w", "file", "-o", log, "sh", "-c", "echo planted-hi"], env=t.test_env())
    t.check(res.returncode == 0, f"tlog-rec: {res.stderr!r}")
    lines = []
    for option, name in (("-o", "out.txt"), ("--input", "in.txt")):
        target = make_target(tmp, "bashrc-" + name)
        planted = u.path(name)
        u.run("ln", "-s", target, planted)
        argv = [play, "-r", "file", "-i", log, "--export=text", "-o", planted] \
            if option == "-o" else [play, "-r", "file", "-i", log, "--input", planted]
        res = t.run(argv, env=t.test_env())
        err = res.stderr.decode(errors="replace")
        check_unchanged(target, f"{option} {name} -> root's file")
        t.check(res.returncode == 1 and planted in err and "symbolic link" in err,
                f"{option} {planted}: {t.describe_status(res.returncode)} {err!r}")
        t.check(os.readlink(planted) == target, f"the user's {name} link was replaced")
        lines.append(err.strip())
    # What a link may legitimately name still works: /dev/stdout (root's
    # link in /dev), and a link of root's own in root's directory.
    res = t.run([play, "-r", "file", "-i", log, "--export=text", "-o", "/dev/stdout"],
                env=t.test_env())
    t.check(res.returncode == 0 and b"planted-hi" in res.stdout,
            f"--export -o /dev/stdout: {t.describe_status(res.returncode)} {res.stderr!r}")
    mine = os.path.join(tmp, "mine.txt")
    os.symlink(os.path.join(tmp, "real.txt"), mine)
    res = t.run([play, "-r", "file", "-i", log, "--export=text", "-o", mine], env=t.test_env())
    t.check(res.returncode == 0, f"--export -o a link of root's: {res.stderr!r}")
    with open(os.path.join(tmp, "real.txt"), "rb") as f:
        t.check(b"planted-hi" in f.read(), "--export -o a link of root's wrote nothing")
    print("ok:\n  " + "\n  ".join(lines))


if __name__ == "__main__":
    t.run_cases([planted_rec_symlink, planted_rec_shared_file, planted_rec_fifo,
                 planted_cursor_tmp, planted_cursor_link, planted_play_outputs])
