# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-rec-session with real users and real logins: the tlog user, two test
users whose login shell is the set-id recorder installed into a test prefix,
su - and runuser -l on a real pty. Everything made here is removed at the end.

Usage: session.py TLOG_REC_SESSION_BINARY TLOG_PLAY_BINARY SYSCONFDIR
(SYSCONFDIR: the build's, where the recorder reads tlog/tlog-rec-session.conf;
a file there is put back as it was at the end)"""

import fcntl
import grp
import json
import os
import pwd
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid

sys.path.insert(0, os.path.join(os.environ.get("TLOG_SOURCE_ROOT",
                                               os.path.dirname(__file__) + "/../.."),
                                "tests", "e2e"))
import tlogtest as t  # noqa: E402

USERS = ("tlogtest1", "tlogtest2")
PASSWORD = "Tl0g-test-pw"
LOCK_DIR = "/run/tlog"
NOTICE = b"ATTENTION! Your session is being recorded!"
PROMPT = b"READY> "


class Fixture:
    """Creates what the tests need and undoes exactly that."""

    def __init__(self, binary, tlog_play=None):
        self.binary = binary
        self.tlog_play = tlog_play
        self.undo = []
        self.logins = []
        self.started = time.time()
        # Last in, first undone: end the logins we started before
        # removing their users.
        self.undo.append(self.end_logins)

    def end_logins(self):
        for p in self.logins:
            if p.proc.poll() is None:
                # su passes SIGTERM on to the recorder, which ends cleanly.
                p.proc.send_signal(signal.SIGTERM)
                try:
                    p.proc.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
            try:
                os.close(p.master)
            except OSError:
                pass

    def cleanup(self):
        for fn in reversed(self.undo):
            try:
                fn()
            except Exception as e:  # keep undoing the rest
                print(f"cleanup: {e}", file=sys.stderr)

    def run(self, *argv):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)

    def setup(self):
        if getent_passwd("tlog") is None:
            self.run("useradd", "--system", "--user-group", "--home-dir", LOCK_DIR,
                     "--no-create-home", "--shell", "/usr/sbin/nologin", "tlog")
            self.undo.append(lambda: (wait_no_processes("tlog"), self.run("userdel", "tlog")))
        self.tlog = pwd.getpwnam("tlog")
        t.check(grp.getgrnam("tlog") is not None, "the tlog group exists")

        # The prefix must allow set-id programs (not nosuid) and be
        # traversable by the test users.
        self.prefix = tempfile.mkdtemp(prefix="tlog-session-", dir="/var/tmp")
        self.undo.append(lambda: shutil.rmtree(self.prefix))
        os.chmod(self.prefix, 0o755)
        options = subprocess.run(["findmnt", "-n", "-T", self.prefix, "-o", "OPTIONS"],
                                 capture_output=True, text=True).stdout
        t.require("nosuid" not in options.split(","), f"{self.prefix} allows set-id programs")
        os.mkdir(os.path.join(self.prefix, "bin"), 0o755)
        self.installed = os.path.join(self.prefix, "bin", "tlog-rec-session")
        shutil.copy(self.binary, self.installed)
        os.chown(self.installed, self.tlog.pw_uid, self.tlog.pw_gid)
        os.chmod(self.installed, 0o6755)

        for user in USERS:
            if getent_passwd(user) is not None:  # left over from a killed run
                subprocess.run(["userdel", "-r", user], stderr=subprocess.DEVNULL)
            self.run("useradd", "-m", "-s", self.installed, user)
            self.undo.append(lambda u=user: (wait_no_processes(u), subprocess.run(
                ["userdel", "-r", "-f", u], check=True, stderr=subprocess.DEVNULL)))
            subprocess.run(["chpasswd"], input=f"{user}:{PASSWORD}\n", text=True, check=True)

        # The lock directory, as tmpfiles.d makes it. Another package may
        # own it (Debian's tlog: _tlog): lend it to tlog, then give it back.
        if not os.path.isdir(LOCK_DIR):
            os.mkdir(LOCK_DIR, 0o750)
            self.undo.append(lambda: shutil.rmtree(LOCK_DIR))
        else:
            st = os.stat(LOCK_DIR)
            before = set(os.listdir(LOCK_DIR))

            def restore():
                for name in set(os.listdir(LOCK_DIR)) - before:
                    os.unlink(os.path.join(LOCK_DIR, name))
                os.chown(LOCK_DIR, st.st_uid, st.st_gid)
                os.chmod(LOCK_DIR, stat.S_IMODE(st.st_mode))
            self.undo.append(restore)
        os.chown(LOCK_DIR, self.tlog.pw_uid, self.tlog.pw_gid)
        os.chmod(LOCK_DIR, 0o750)

        # Logins through su - carry no locale here: the recorder must find
        # it in /etc/locale.conf.
        self.locale = "C.UTF-8"
        if not os.path.exists("/etc/locale.conf"):
            with open("/etc/locale.conf", "w") as f:
                f.write(f'LANG="{self.locale}"\n')
            self.undo.append(lambda: os.unlink("/etc/locale.conf"))
        else:
            for line in open("/etc/locale.conf"):
                if line.startswith("LANG="):
                    self.locale = line.split("=", 1)[1].strip().strip('"\'')


def wait_no_processes(user, timeout=20):
    """Waits until no process runs as @user (logins we ended are still
    finishing: a recorder flushes its last messages)."""
    uid = pwd.getpwnam(user).pw_uid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    running.append(pid)
            except FileNotFoundError:
                pass
        if not running:
            return
        time.sleep(0.1)
    print(f"cleanup: processes of {user} still running: {running}", file=sys.stderr)


def getent_passwd(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def root_env():
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "xterm", "HOME": "/root"}
    return env


class Login:
    """One login on a real pty: a fresh audit session (as login(1) gets
    from pam_loginuid), then su - or runuser -l."""

    def __init__(self, fx, argv, stale_lock=False):
        self.fx = fx
        self.session_file = os.path.join(fx.prefix, f"session-{uuid.uuid4().hex}")
        stale = (f'touch {LOCK_DIR}/session.$id.lock && '
                 f'chown tlog:tlog {LOCK_DIR}/session.$id.lock && ' if stale_lock else "")
        script = ('echo 0 > /proc/self/loginuid && id=$(cat /proc/self/sessionid) && '
                  f'{stale}echo $id > {self.session_file} && exec "$@"')
        self.p = t.PtyProcess(["sh", "-c", script, "sh"] + argv, env=root_env())
        fx.logins.append(self.p)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.session_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        t.check(os.path.exists(self.session_file), f"{argv}: no audit session was made")
        time.sleep(0.05)
        self.session = int(open(self.session_file).read().strip())
        self.mark = 0

    def wait_prompt(self, start=0):
        return self.p.read_until(PROMPT, timeout=20, start=start)

    def start_shell(self):
        end = self.p.read_until(NOTICE, timeout=20)
        wait_raw(self.p)
        self.p.write(b"PS1='RE''ADY> '\n")
        self.pos = self.wait_prompt(end)

    def cmd(self, text, prompt=True):
        """Types a command line; returns what the terminal showed up to the
        next prompt."""
        start = self.pos
        self.p.write(text.encode() + b"\n")
        if prompt:
            self.pos = self.wait_prompt(start)
            return bytes(self.p.output[start:self.pos]).decode(errors="replace")
        return ""

    def exit(self, code):
        self.p.write(f"exit {code}\n".encode())
        return self.p.finish(timeout=30)


def wait_raw(p, timeout=20):
    """Waits until the terminal is in raw mode (the recorder relays keys
    from then on: what is typed before it may be flushed)."""
    deadline = time.monotonic() + timeout
    while p.termios_now()[3] & termios.ICANON:
        if time.monotonic() > deadline:
            raise t.Failure(f"the terminal never became raw: {bytes(p.output[-300:])!r}")
        time.sleep(0.01)


def journal(since, *matches):
    """Our session recorder's journal entries since @since (journalctl, as
    python has no sd-journal binding here)."""
    res = subprocess.run(["journalctl", "--no-pager", "-o", "json", f"--since=@{int(since)}",
                          "SYSLOG_IDENTIFIER=tlog-rec-session", *matches],
                         capture_output=True, text=True)
    return [json.loads(line) for line in res.stdout.splitlines() if line.strip()]


def wait_journal(since, predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        entries = journal(since)
        found = [e for e in entries if predicate(e)]
        if found:
            return found, entries
        if time.monotonic() > deadline:
            raise t.Failure(f"not in the journal after {timeout}s: {what} "
                            f"({len(entries)} tlog-rec-session entries since the start)")
        time.sleep(0.3)


def status_ids(text, field):
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return [int(x) for x in line.split()[1:5]]
    raise t.Failure(f"no {field} line in {text!r}")


def check_interactive(fx, argv, user, code):
    """A login records the session to the journal as tlog, the shell runs
    with the user's ids only, the user cannot kill or read the recorder,
    and the exit status comes back."""
    login = Login(fx, argv)
    login.start_shell()
    pw = pwd.getpwnam(user)
    marker = f"MARK-{uuid.uuid4().hex}"
    login.cmd(f"echo {marker}")
    out = login.cmd("grep -E '^(Uid|Gid):' /proc/$$/status")
    t.check(status_ids(out, "Uid") == [pw.pw_uid] * 4 and status_ids(out, "Gid") == [pw.pw_gid] * 4,
            f"{argv}: the shell runs with the user's ids only: {out!r}")
    out = login.cmd("grep -E '^(Uid|Gid):' /proc/$PPID/status")
    t.check(status_ids(out, "Uid") == [fx.tlog.pw_uid] * 4 and
            status_ids(out, "Gid") == [fx.tlog.pw_gid] * 4,
            f"{argv}: the recorder (the shell's parent) runs as tlog only: {out!r}")
    out = login.cmd("kill -9 $PPID; echo KILL-RC=$?")
    t.check("KILL-RC=1" in out and "Operation not permitted" in out,
            f"{argv}: kill -9 of the recorder fails with EPERM: {out!r}")
    out = login.cmd("cat /proc/$PPID/environ >/dev/null; echo READ-RC=$?")
    t.check("READ-RC=1" in out, f"{argv}: the recorder's memory/environment is not readable: {out!r}")
    out = login.cmd(f"touch {LOCK_DIR}/mine; echo TOUCH-RC=$?")
    t.check("TOUCH-RC=1" in out, f"{argv}: the lock directory is not writable: {out!r}")
    out = login.cmd("echo LOCALE=$LANG")
    t.check(f"LOCALE={fx.locale}" in out, f"{argv}: the locale from /etc/locale.conf: {out!r}")
    status = login.exit(code)
    t.check(status == code, f"{argv}: exit status {code} comes back, got {t.describe_status(status)}")

    found, _ = wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""),
                            f"{argv}: the marker {marker}")
    e = found[0]
    t.check(e.get("TLOG_USER") == user, f"{argv}: TLOG_USER is {user}: {e.get('TLOG_USER')}")
    t.check(e.get("_UID") == str(fx.tlog.pw_uid),
            f"{argv}: trusted _UID is tlog's ({fx.tlog.pw_uid}): {e.get('_UID')}")
    t.check(e.get("TLOG_SESSION") == str(login.session),
            f"{argv}: TLOG_SESSION is the audit session {login.session}: {e.get('TLOG_SESSION')}")
    msg = json.loads(e["MESSAGE"])
    t.check(msg["user"] == user and msg["session"] == login.session,
            f"{argv}: the message's envelope: {msg['user']} {msg['session']}")
    # The whole session, up to the exit, is in the recording.
    rec = e["TLOG_REC"]
    _, entries = wait_journal(fx.started, lambda x: x.get("TLOG_REC") == rec and
                              f"exit {code}" in json.loads(x["MESSAGE"])["out_txt"],
                              f"{argv}: the end of the session")
    return login.session


def check_nested(fx):
    """su - inside a recorded session: the nested shell runs directly, as
    its user, and is not recorded a second time."""
    login = Login(fx, ["su", "-", USERS[0]])
    login.start_shell()
    start = login.pos
    login.p.write(f"su - {USERS[1]}\n".encode())
    login.p.read_until(b"assword:", timeout=20, start=start)
    login.p.write(PASSWORD.encode() + b"\n")
    start = login.p.read_until(f"{USERS[1]}@".encode(), timeout=20, start=start)
    # No second notice: the nested shell starts without a recorder.
    login.p.write(b"PS1='NE''STED> '\n")
    end = login.p.read_until(b"NESTED> ", timeout=20, start=start)
    t.check(NOTICE not in login.p.output[start:end],
            f"nested login printed a second notice: {bytes(login.p.output[start:end])!r}")
    marker = f"NESTED-{uuid.uuid4().hex}"
    login.p.write(f"echo {marker}; ps -o comm= -p $PPID\n".encode())
    end2 = login.p.read_until(b"NESTED> ", timeout=20, start=end)
    shown = bytes(login.p.output[end:end2]).decode(errors="replace")
    t.check("tlog-rec-sessio" not in shown.split(marker)[-1],
            f"nested shell's parent is not a recorder: {shown!r}")
    login.p.write(b"exit 3\n")
    login.pos = login.wait_prompt(end2)
    status = login.exit(0)
    t.check(status == 0, f"nested: outer exit 0, got {t.describe_status(status)}")
    found, entries = wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""),
                                  "nested: the nested marker in the outer recording")
    recs = {e["TLOG_REC"] for e in found}
    t.check(len(recs) == 1 and all(e["TLOG_USER"] == USERS[0] for e in found),
            f"nested: recorded once, by the outer recorder: {recs}")
    twice = [e for e in entries if e.get("TLOG_USER") == USERS[1] and
             e.get("TLOG_SESSION") == str(login.session)]
    t.check(not twice, f"nested: {len(twice)} entries of a second recording")


def check_second_terminal(fx):
    """Another terminal of the same audit session (what a second channel
    of one ssh connection is; here script(1)'s pty inside the recorded
    login) is recorded too: the live recorder holds the session lock but
    never sees that terminal's input."""
    login = Login(fx, ["su", "-", USERS[0]])
    login.start_shell()
    start = login.pos
    t.require(shutil.which("script") is not None, "script(1), for a second terminal")
    login.p.write(f"script -qc 'su - {USERS[1]}' /dev/null\n".encode())
    login.p.read_until(b"assword:", timeout=20, start=start)
    login.p.write(PASSWORD.encode() + b"\n")
    # A recorder starts for it: its notice, then the shell's prompt.
    start = login.p.read_until(NOTICE, timeout=20, start=start)
    start = login.p.read_until(f"{USERS[1]}@".encode(), timeout=20, start=start)
    login.p.write(b"PS1='SEC''OND> '\n")
    end = login.p.read_until(b"SECOND> ", timeout=20, start=start)
    marker = f"SECOND-{uuid.uuid4().hex}"
    login.p.write(f"echo {marker}\n".encode())
    end = login.p.read_until(b"SECOND> ", timeout=20, start=end)
    login.p.write(b"exit 4\n")
    login.pos = login.wait_prompt(end)
    status = login.exit(0)
    t.check(status == 0, f"second terminal: outer exit 0, got {t.describe_status(status)}")
    found, _ = wait_journal(fx.started, lambda e: e.get("TLOG_USER") == USERS[1] and
                            marker in json.loads(e.get("MESSAGE", "{}")).get("out_txt", ""),
                            "second terminal: recorded by its own recorder")
    t.check(all(e["TLOG_SESSION"] == str(login.session) for e in found),
            f"second terminal: the same audit session {login.session}: "
            f"{[e['TLOG_SESSION'] for e in found]}")


def check_stale_lock(fx):
    """A lock file whose recorder is gone does not stop the recording."""
    login = Login(fx, ["runuser", "-l", USERS[1]], stale_lock=True)
    lock = f"{LOCK_DIR}/session.{login.session}.lock"
    t.check(os.path.exists(lock), f"stale lock {lock} was planted")
    login.start_shell()
    marker = f"STALE-{uuid.uuid4().hex}"
    login.cmd(f"echo {marker}")
    status = login.exit(0)
    t.check(status == 0, f"stale lock: exit 0, got {t.describe_status(status)}")
    wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""),
                 "stale lock: the session is recorded")


def check_commands(fx):
    """ssh host cmd: -c with piped and with closed stdin, exit status,
    no notice in the output, and recorded."""
    marker = f"PIPE-{uuid.uuid4().hex}"
    p = subprocess.run(["runuser", "-u", USERS[0], "--", "env", "-i", "PATH=/usr/bin:/bin",
                        "LANG=C.UTF-8", fx.installed, "-c", f"cat; echo {marker}; exit 4"],
                       input=b"piped line\n", capture_output=True, timeout=60)
    t.check(p.returncode == 4, f"-c: exit status 4 comes back, got {p.returncode} ({p.stderr!r})")
    t.check(p.stdout == f"piped line\n{marker}\n".encode(),
            f"-c: exactly the command's output, no notice: {p.stdout!r}")
    wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""), "-c with piped stdin")

    marker = f"CLOSED-{uuid.uuid4().hex}"
    p = subprocess.run(["sh", "-c", 'exec <&- "$@"', "sh", "runuser", "-u", USERS[0], "--",
                        "env", "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", fx.installed,
                        "-c", f"echo {marker}"], capture_output=True, timeout=60)
    t.check(p.returncode == 0 and p.stdout == f"{marker}\n".encode(),
            f"-c with closed stdin: {p.returncode} {p.stdout!r} {p.stderr!r}")
    wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""), "-c with closed stdin")


def check_setid_environment(fx):
    """A set-id run takes only the shell and the notice from the
    environment: one that redirects the writer or switches the output's
    recording off is ignored, with a warning for each key."""
    target = os.path.join(fx.prefix, "redirected.log")
    conf_file = os.path.join(fx.prefix, "user.conf")
    with open(conf_file, "w") as f:
        json.dump({"writer": "file", "file": {"path": target + ".2"}}, f)
    os.chmod(conf_file, 0o644)
    marker = f"SETID-{uuid.uuid4().hex}"
    notice = f"NOTICE-{uuid.uuid4().hex}"
    text = json.dumps({"writer": "file", "file": {"path": target}, "log": {"output": False},
                       "notice": notice + "\n"})
    p = subprocess.run(["runuser", "-u", USERS[1], "--", "env", "-i", "PATH=/usr/bin:/bin",
                        "LANG=C.UTF-8", f"TLOG_REC_SESSION_CONF_TEXT={text}",
                        f"TLOG_REC_SESSION_CONF_FILE={conf_file}", fx.installed,
                        "-c", f"read x; echo $x {marker}"],
                       input=b"typed-input\n", capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace")
    t.check(p.returncode == 0, f"set-id env: exit 0, got {p.returncode}: {err}")
    t.check(not os.path.exists(target) and not os.path.exists(target + ".2"),
            "set-id env: no file was written where the environment pointed")
    for what in ("TLOG_REC_SESSION_CONF_TEXT: writer", "TLOG_REC_SESSION_CONF_TEXT: file",
                 "TLOG_REC_SESSION_CONF_TEXT: log", f"{conf_file}: writer", f"{conf_file}: file"):
        t.check(f"ignoring {what}" in err, f"set-id env: warns about {what}: {err!r}")
    # The notice comes from the environment; the recording's keys do not.
    p = subprocess.run(["runuser", "-u", USERS[1], "--", "env", "-i", "PATH=/usr/bin:/bin",
                        "LANG=C.UTF-8", f"TLOG_REC_SESSION_CONF_TEXT={text}", fx.installed,
                        "--configuration"], capture_output=True, timeout=60)
    shown = json.loads(p.stdout) if p.returncode == 0 else {}
    t.check(shown.get("notice") == notice + "\n" and shown.get("log", {}).get("output") is True
            and shown.get("writer") == "journal",
            f"set-id env: --configuration: exit {p.returncode}: {p.stdout!r} {p.stderr!r}")
    # The output is recorded all the same.
    wait_journal(fx.started, lambda e: marker in json.loads(e.get("MESSAGE", "{}")).get(
                 "out_txt", ""), "set-id env: the output recorded to the journal anyway")


TIOCGPTN = 0x80045430  # the pty's number (<asm/ioctls.h>; not in python's termios)


def free_pty_numbers_below(target):
    """Holds every free pty number below @target, as a user can, so that
    the next pty opened is /dev/pts/@target. Returns the masters held."""
    held = []
    while True:
        master = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
        number = struct.unpack("I", fcntl.ioctl(master, TIOCGPTN, b"\0" * 4))[0]
        if number < target:
            held.append(master)
            continue
        os.close(master)
        if number != target:
            for fd in held:
                os.close(fd)
            raise t.Failure(f"pts/{target} is taken by another process: cannot stage the attack")
        return held


def lock_busy(session):
    """Whether a process holds the session's lock, as /proc/locks says:
    without taking it ourselves even for a moment, which could make the
    recorder we wait for find it busy."""
    try:
        st = os.stat(f"{LOCK_DIR}/session.{session}.lock")
    except FileNotFoundError:
        return False
    with open("/proc/locks") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].split(":")[-1] == \
                    str(st.st_ino):
                return True
    return False


def check_later_login_same_session(fx):
    """Attack: two logins share an audit session. In login 1 the user
    starts, detached, a recorder of their own (no terminal) that takes the
    session lock as login 1's recorder exits; holding the pty numbers below
    it, the user makes login 2 get the terminal login 1 was recorded on.
    Login 2 must be recorded all the same."""
    root = Login(fx, ["bash", "--norc", "--noprofile", "-i"])
    root.p.write(b"PS1='RO''OT> '\n")
    pos = root.p.read_until(b"ROOT> ", timeout=20)
    root.p.write(f"su - {USERS[0]}\n".encode())
    pos = root.p.read_until(NOTICE, timeout=20, start=pos)
    wait_raw(root.p)
    root.p.write(b"PS1='RE''ADY> '\n")
    pos = root.p.read_until(PROMPT, timeout=20, start=pos)
    root.p.write(b"tty\n")
    pos = root.p.read_until(PROMPT, timeout=20, start=pos)
    shown = bytes(root.p.output).decode(errors="replace")
    ttys = [w for w in shown.split() if w.startswith("/dev/pts/")]
    t.check(ttys, f"login 1 shows its terminal: {shown[-200:]!r}")
    number = int(ttys[-1].rsplit("/", 1)[1])
    # The detached recorder starts the moment login 1's recorder is gone;
    # it says its pid (the same after exec) for the clean-up.
    scratch = tempfile.mkdtemp(prefix="tlog-later-", dir="/tmp")
    fx.undo.append(lambda: shutil.rmtree(scratch))
    os.chmod(scratch, 0o777)
    pidfile = os.path.join(scratch, "pid")
    root.p.write(b"setsid sh -c 'echo $$ > \"$3\"; while [ -e /proc/$1 ]; do sleep 0.05; done; "
                 b"exec \"$2\" -c \"exec sleep 600\"' sh $PPID " + fx.installed.encode() + b" " +
                 pidfile.encode() + b" </dev/null >/dev/null 2>&1 &\n")
    pos = root.p.read_until(PROMPT, timeout=20, start=pos)
    deadline = time.monotonic() + 20
    while not (os.path.exists(pidfile) and open(pidfile).read().strip()):
        t.check(time.monotonic() < deadline, "the detached waiter did not start")
        time.sleep(0.02)
    attacker = int(open(pidfile).read())
    # Its process group: the recorder and the program it runs.
    fx.undo.append(lambda: kill_group(attacker))
    root.p.write(b"exit 0\n")
    pos = root.p.read_until(b"ROOT> ", timeout=20, start=pos)
    deadline = time.monotonic() + 30
    while not lock_busy(root.session):
        if time.monotonic() > deadline:
            lock = f"{LOCK_DIR}/session.{root.session}.lock"
            note = open(lock).read() if os.path.exists(lock) else "(no lock file)"
            ps = subprocess.run(["ps", "-o", "pid,ppid,user,stat,args", "-g", str(attacker)],
                                capture_output=True, text=True).stdout
            raise t.Failure(f"the detached recorder never took the session lock: {note!r}; "
                            f"its process group {attacker}:\n{ps}")
        time.sleep(0.05)

    held = free_pty_numbers_below(number)
    try:
        marker = f"LATER-{uuid.uuid4().hex}"
        root.p.write(f"script -qc 'su - {USERS[0]}' /dev/null\n".encode())
        pos = root.p.read_until(f"{USERS[0]}@".encode(), timeout=20, start=pos)
        # script(1) took the lowest free pty for su: the one login 1 was
        # recorded on.
        t.check(os.path.exists(f"/dev/pts/{number}"),
                f"login 2 runs on the terminal login 1 was recorded on (pts/{number})")
        root.p.write(b"PS1='LA''TER> '\n")
        pos = root.p.read_until(b"LATER> ", timeout=20, start=pos)
        root.p.write(f"echo {marker}; exit 0\n".encode())
        pos = root.p.read_until(b"ROOT> ", timeout=20, start=pos)
    finally:
        for fd in held:
            os.close(fd)
    root.p.write(b"exit 0\n")
    root.p.finish(timeout=30)
    wait_journal(fx.started, lambda e: e.get("TLOG_USER") == USERS[0] and
                 marker in json.loads(e.get("MESSAGE", "{}")).get("out_txt", ""),
                 "a later login of the same audit session, on the terminal login 1 was "
                 "recorded on, while a detached recorder holds the lock: recorded")


def kill_group(pgid):
    """Ends process group @pgid (one we started, as root) and waits until
    it is gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def check_fd_limit_fails_closed(fx):
    """Attack: `ulimit -n 11; su - user`. The recorder must not start the
    shell when it could not log: the login fails with a clear message and
    nothing typed runs."""
    scratch = tempfile.mkdtemp(prefix="tlog-fdlimit-", dir="/tmp")
    fx.undo.append(lambda: shutil.rmtree(scratch))
    os.chmod(scratch, 0o777)
    ran = os.path.join(scratch, "ran")
    login = Login(fx, ["sh", "-c", f"ulimit -n 11 && exec su - {USERS[0]}"])
    # Typed at once: a shell that starts runs it.
    login.p.write(f"touch {ran}; exit 0\n".encode())
    status = login.p.finish(timeout=60)
    shown = bytes(login.p.output).decode(errors="replace")
    t.check(not os.path.exists(ran), f"ulimit -n 11: a shell ran: {shown!r}")
    t.check(status != 0, f"ulimit -n 11: the login must fail, got {t.describe_status(status)}")
    t.check("ulimit -n" in shown and "cannot be recorded" in shown,
            f"ulimit -n 11: the reason is said: {shown!r}")


def check_selection_shows_every_match(fx):
    """Attack: inside a recorded login the user runs the set-id recorder by
    hand, making a recording of their own audit session that is newer than
    the real one. An auditor selecting by user and session must be shown
    both before anything plays, never the newest alone."""
    login = Login(fx, ["su", "-", USERS[0]])
    login.start_shell()
    marker = f"GENUINE-{uuid.uuid4().hex}"
    login.cmd(f"echo {marker}")
    login.cmd(f"TLOG_REC_SESSION_SHELL=/bin/sh {fx.installed} -c 'printf FAKE-SESSION' "
              "</dev/null | cat; echo")
    status = login.exit(0)
    t.check(status == 0, f"selection: exit 0, got {t.describe_status(status)}")
    found, _ = wait_journal(fx.started, lambda e: "FAKE-SESSION" in e.get("MESSAGE", ""),
                            "selection: the hand-made recording")
    fake = found[0]["TLOG_REC"]
    found, _ = wait_journal(fx.started, lambda e: e.get("TLOG_REC") != fake and
                            marker in json.loads(e.get("MESSAGE", "{}")).get("out_txt", ""),
                            "selection: the login's own recording")
    genuine = found[0]["TLOG_REC"]
    wait_journal(fx.started, lambda e: e.get("TLOG_REC") == genuine and
                 "exit 0" in json.loads(e["MESSAGE"])["out_txt"], "selection: the login's end")
    selection = ["-r", "journal", "--trusted-uid=tlog", f"--user={USERS[0]}",
                 f"--session={login.session}", f"--since=@{int(fx.started) - 1}"]
    r = subprocess.run([fx.tlog_play, *selection], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    err = r.stderr.decode(errors="replace")
    t.check(r.returncode == 1 and b"FAKE-SESSION" not in r.stdout and marker.encode() not in
            r.stdout, f"selection of two: nothing plays, exit 1: {r.returncode} {r.stdout!r}")
    t.check("2 recordings match" in err and genuine in err and fake in err and "--rec" in err,
            f"selection of two: both are shown, with how to choose: {err!r}")
    r = subprocess.run([fx.tlog_play, *selection, f"--rec={genuine}"], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    t.check(r.returncode == 0 and marker.encode() in r.stdout,
            f"--rec plays the chosen one: {r.returncode} {r.stderr!r}")
    r = subprocess.run([fx.tlog_play, *selection, "--newest"], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    err = r.stderr.decode(errors="replace")
    t.check(r.returncode == 0 and r.stdout == b"FAKE-SESSION" and genuine in err and fake in err,
            f"--newest plays the newest after listing both: {r.returncode} {r.stdout!r} {err!r}")


def check_no_locale(fx):
    """Without a UTF-8 locale in the environment or in the files, the
    session is recorded all the same (the recording does not need the
    locale), with one warning; bytes that are not UTF-8 are kept."""
    marker = f"NOLOCALE-{uuid.uuid4().hex}"
    p = subprocess.run(["runuser", "-u", USERS[0], "--", "env", "-i", "PATH=/usr/bin:/bin",
                        "LANG=C", fx.installed, "-c", f"printf '{marker} \\351t\\351\\n'"],
                       capture_output=True, timeout=60)
    err = p.stderr.decode(errors="replace")
    t.check(p.returncode == 0 and p.stdout == f"{marker} \xe9t\xe9\n".encode("latin-1"),
            f"non-UTF-8 locale: the command runs: {p.returncode} {p.stdout!r} {err!r}")
    t.check(sum("not UTF-8" in line for line in err.splitlines()) == 1,
            f"non-UTF-8 locale: one warning: {err!r}")
    found, _ = wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""),
                            "non-UTF-8 locale: recorded")
    msg = json.loads(found[0]["MESSAGE"])
    t.check(msg["out_bin"] == [0xe9, 0xe9],
            f"non-UTF-8 locale: the latin-1 bytes kept as binary: {msg['out_bin']}")


def system_config(fx, text):
    """Writes the recorder's system configuration (fx.sysconfdir); what was
    there comes back at the end."""
    path = os.path.join(fx.sysconfdir, "tlog", "tlog-rec-session.conf")
    if not os.path.isdir(os.path.dirname(path)):
        os.makedirs(os.path.dirname(path), 0o755)
        fx.undo.append(lambda: shutil.rmtree(os.path.dirname(path)))
    if os.path.exists(path):
        saved = open(path, "rb").read()
        mode = stat.S_IMODE(os.stat(path).st_mode)

        def restore():
            with open(path, "wb") as f:
                f.write(saved)
            os.chmod(path, mode)
        fx.undo.append(restore)
    else:
        fx.undo.append(lambda: os.path.exists(path) and os.unlink(path))
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


def check_signed_session(fx):
    """The system configuration names a key of the tlog user's (mode 0600):
    the recorded user cannot read it, the session is signed with it, and
    tlog-play --verify says the recording in the journal is intact; with
    another key, not."""
    keys = os.path.join(fx.prefix, "keys")
    os.mkdir(keys, 0o755)
    key, pub = t.make_keys(keys)
    _, other = t.make_keys(keys, "other")
    os.chown(key, fx.tlog.pw_uid, fx.tlog.pw_gid)
    config = system_config(fx, json.dumps({"sign": {"key": key}}))
    try:
        login = Login(fx, ["su", "-", USERS[0]])
        login.start_shell()
        marker = f"SIGNED-{uuid.uuid4().hex}"
        login.cmd(f"echo {marker}")
        out = login.cmd(f"cat {key} >/dev/null; echo READ-RC=$?")
        t.check("READ-RC=1" in out and "Permission denied" in out,
                f"signed session: the user cannot read the key: {out!r}")
        status = login.exit(3)
        t.check(status == 3, f"signed session: exit status {t.describe_status(status)}")
    finally:
        # The next logins are not signed.
        os.unlink(config)
    found, _ = wait_journal(fx.started, lambda e: marker in e.get("MESSAGE", ""),
                            "signed session: the marker")
    rec = found[0]["TLOG_REC"]
    last, _ = wait_journal(fx.started, lambda e: e.get("TLOG_REC") == rec and
                           e.get("TLOG_END") == "1", "signed session: the entry marked as the end")
    t.check("TLOG_SIG" in last[0], f"signed session: the last entry is not signed: {last[0]}")
    ids = [json.loads(e["MESSAGE"])["id"] for e in journal(fx.started, f"TLOG_REC={rec}")]
    env = t.test_env()
    r = t.run([fx.tlog_play, "-r", "journal", f"--rec={rec}", f"--verify={pub}"], env=env)
    t.check(r.returncode == 0 and
            r.stdout.decode().startswith(f"{rec}: intact: messages 1-{max(ids)}"),
            f"signed session: --verify exited {r.returncode}: {r.stdout!r} {r.stderr!r}")
    r = t.run([fx.tlog_play, "-r", "journal", f"--rec={rec}", f"--verify={other}"], env=env)
    t.check(r.returncode == 1 and b"NOT INTACT" in r.stdout,
            f"signed session: --verify with another key exited {r.returncode}: {r.stdout!r}")


def main():
    t.require(len(sys.argv) == 4, "usage: session.py TLOG_REC_SESSION TLOG_PLAY SYSCONFDIR")
    t.require(os.geteuid() == 0, "root (to add users and install a set-id binary)")
    for tool in ("useradd", "userdel", "chpasswd", "su", "runuser", "journalctl", "findmnt"):
        t.require(shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin") is not None, tool)
    t.require(os.path.exists("/run/systemd/journal/socket"), "a running systemd-journald")
    t.require_pty()
    probe = subprocess.run(["sh", "-c", "echo 0 > /proc/self/loginuid && cat /proc/self/sessionid"],
                           capture_output=True, text=True)
    t.require(probe.returncode == 0 and probe.stdout.strip() not in ("", "4294967295"),
              "audit sessions (writable /proc/self/loginuid)")

    fx = Fixture(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
    fx.sysconfdir = sys.argv[3]
    try:
        fx.setup()
        check_interactive(fx, ["su", "-", USERS[0]], USERS[0], 7)
        check_interactive(fx, ["runuser", "-l", USERS[1]], USERS[1], 5)
        check_nested(fx)
        check_second_terminal(fx)
        check_stale_lock(fx)
        check_commands(fx)
        check_later_login_same_session(fx)
        check_fd_limit_fails_closed(fx)
        check_selection_shows_every_match(fx)
        check_setid_environment(fx)
        check_no_locale(fx)
        check_signed_session(fx)
    finally:
        fx.cleanup()


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    t.run_main(main)
