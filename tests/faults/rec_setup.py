# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-rec with a bad set-up: exactly one line naming the problem and a
non-zero exit (tlog-rec(8), EXIT STATUS), and without an audit session
id a recording with session 4294967295 and a warning.

usage: rec_setup.py CASE TLOG_REC
CASE: conf_unreadable, conf_bad_writer, missing_program, missing_shell,
      no_session_id, fd_limit, journal_away"""

import json
import os
import pwd
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import tlogtest as t  # noqa: E402

NO_SESSION = 4294967295


def one_line(err, what, names):
    """@err (stderr text) is one line naming each of @names."""
    lines = err.splitlines()
    t.check(len(lines) == 1, f"{what}: {len(lines)} lines on stderr, expected one: {err!r}")
    for name in names:
        t.check(name in lines[0], f"{what}: the message does not name {name!r}: {err!r}")
    return lines[0]


def refused(rec, tmp, what, env_extra, names, argv_prefix=(), code=1):
    """tlog-rec refuses to start: status @code, one line, no recording,
    and the program never ran."""
    marker = os.path.join(tmp, "ran")
    log = os.path.join(tmp, "rec.log")
    res = t.run([*argv_prefix, rec, "-o", log, "touch", marker], env=t.test_env(env_extra))
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode == code, f"{what}: {t.describe_status(res.returncode)}, expected "
            f"exit {code}; stderr {err!r}")
    line = one_line(err, what, names)
    t.check(not os.path.exists(marker), f"{what}: the program ran anyway")
    t.check(not os.path.exists(log) or os.path.getsize(log) == 0,
            f"{what}: something was recorded")
    return line


def conf_unreadable(rec, tmp):
    # Root reads any file whatever its mode: the mode-000 file is read by
    # nobody, through setpriv.
    t.require(os.geteuid() == 0 and shutil.which("setpriv"), "root and setpriv (util-linux)")
    nobody = pwd.getpwnam("nobody")
    shared = os.path.join(tmp, "shared")
    os.mkdir(shared)
    os.chmod(tmp, 0o755)
    os.chmod(shared, 0o777)
    conf = os.path.join(shared, "tlog-rec.conf")
    with open(conf, "w") as f:
        f.write('{"latency": 5}')
    os.chmod(conf, 0)
    as_nobody = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                 "--clear-groups"]
    lines = [refused(rec, shared, "mode 000 file", {"TLOG_REC_CONF_FILE": conf},
                     [conf, "Permission denied", "TLOG_REC_CONF_FILE"], argv_prefix=as_nobody)]
    lines.append(refused(rec, tmp, "a directory", {"TLOG_REC_CONF_FILE": tmp},
                         [tmp, "Is a directory"]))
    lines.append(refused(rec, tmp, "a missing file",
                         {"TLOG_REC_CONF_FILE": os.path.join(tmp, "none.conf")},
                         ["none.conf", "No such file"]))
    lines.append(refused(rec, tmp, "an endless file", {"TLOG_REC_CONF_FILE": "/dev/zero"},
                         ["/dev/zero", "larger than"]))
    print("ok:\n  " + "\n  ".join(lines))


def conf_bad_writer(rec, tmp):
    """An unknown writer from each configuration layer (bad_input.py has
    -w): the message names the layer."""
    conf = os.path.join(tmp, "writer.conf")
    with open(conf, "w") as f:
        json.dump({"writer": "nowhere-file"}, f)
    lines = [refused(rec, tmp, "writer in the file", {"TLOG_REC_CONF_FILE": conf},
                     [conf, "writer", "nowhere-file"])]
    lines.append(refused(rec, tmp, "writer in the text",
                         {"TLOG_REC_CONF_TEXT": '{"writer": "nowhere-text"}'},
                         ["TLOG_REC_CONF_TEXT", "writer", "nowhere-text"]))
    print("ok:\n  " + "\n  ".join(lines))


def started_and_failed(rec, tmp, what, argv, code, names, env_extra=None):
    """The program cannot be started: status @code as in shells and the
    reason on one line, without a terminal and on one."""
    log = os.path.join(tmp, what.replace(" ", "-") + ".log")
    res = t.run([rec, "-o", log, *argv], env=t.test_env(env_extra))
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode == code, f"{what}: {t.describe_status(res.returncode)}, expected "
            f"exit {code}; stderr {err!r}")
    line = one_line(err, what, names)
    # On a terminal the line shows there, once.
    p = t.PtyProcess([rec, "-o", log + ".pty", *argv], env=t.test_env(env_extra))
    status = p.finish(30)
    out = bytes(p.output).decode(errors="replace")
    t.check(status == code, f"{what} on a pty: {t.describe_status(status)}, expected exit "
            f"{code}; terminal {out!r}")
    one_line(out, what + " on a pty", names)
    return line


def missing_program(rec, tmp):
    not_exec = os.path.join(tmp, "not-executable")
    with open(not_exec, "w") as f:
        f.write("#!/bin/sh\necho hello\n")
    os.chmod(not_exec, 0o644)
    lines = [started_and_failed(rec, tmp, "no such path", ["/nonexistent/program"], 127,
                                ["/nonexistent/program", "No such file"]),
             started_and_failed(rec, tmp, "not in PATH", ["tlog-no-such-command"], 127,
                                ["tlog-no-such-command"]),
             started_and_failed(rec, tmp, "not executable", [not_exec], 126,
                                [not_exec, "Permission denied"])]
    print("ok:\n  " + "\n  ".join(lines))


def missing_shell(rec, tmp):
    shell = "/nonexistent/shell"
    lines = [started_and_failed(rec, tmp, "SHELL missing", [], 127, [shell, "No such file"],
                                env_extra={"SHELL": shell}),
             started_and_failed(rec, tmp, "SHELL missing with -c", ["-c", "echo hi"], 127,
                                [shell, "No such file"], env_extra={"SHELL": shell})]
    print("ok:\n  " + "\n  ".join(lines))


# Runs tlog-rec (argv[2:]) with argv[1]'s content where it will read
# /proc/self/sessionid: in a mount namespace of its own, a file is bound
# over /proc/PID/sessionid of this shell, which then becomes tlog-rec.
MASK = 'mount --bind "$1" "/proc/$$/sessionid" && shift && exec "$@"'


def record_with_sessionid(rec, tmp, name, content):
    """Records `echo hi` with /proc/self/sessionid reading @content;
    returns (session in the recording, stderr)."""
    fake = os.path.join(tmp, name + ".sessionid")
    with open(fake, "w") as f:
        f.write(content)
    log = os.path.join(tmp, name + ".log")
    res = t.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", MASK, "mask",
                 fake, rec, "-o", log, "echo", "hi"], env=t.test_env())
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode == 0, f"{name}: {t.describe_status(res.returncode)}; {err!r}")
    t.check(res.stdout == b"hi\n", f"{name}: the program wrote {res.stdout!r}")
    messages = t.load_messages(log)
    t.check_recording_shape(messages, log)
    _, out = t.decode_streams(messages, log)
    t.check(out == b"hi\n", f"{name}: recorded {out!r}")
    return messages[0]["session"], err


def no_session_id(rec, tmp):
    t.require(os.geteuid() == 0 and shutil.which("unshare"), "root and unshare (util-linux)")
    # The control: a readable id is what gets recorded, without a word.
    # It shows that the bind mount is what tlog-rec reads.
    session, err = record_with_sessionid(rec, tmp, "control", "4242\n")
    t.check(session == 4242, f"control: recorded session {session}, expected 4242")
    t.check(err == "", f"control: stderr {err!r}")
    lines = []
    for name, content in (("empty", ""), ("garbage", "none\n"), ("too-big", "4294967296\n")):
        session, err = record_with_sessionid(rec, tmp, name, content)
        t.check(session == NO_SESSION, f"{name}: recorded session {session}, expected "
                f"{NO_SESSION}")
        lines.append(one_line(err, name, ["warning", "sessionid", str(NO_SESSION)]))
    print("ok: session 4242 from the control; without one:\n  " + "\n  ".join(lines))


def fd_limit(rec, tmp):
    """An open-file limit that leaves the recording no room (ulimit -n, as
    a user can set it before a login): refused before the program runs,
    not found out once it ran unrecorded."""
    t.require(shutil.which("prlimit"), "prlimit (util-linux)")
    line = refused(rec, tmp, "open-file limit 9", {}, ["ulimit -n", "9"],
                   argv_prefix=["prlimit", "--nofile=9", "--"])
    print("ok: " + line)


def journal_away(rec, tmp):
    """No journald (its socket missing, in a mount namespace of our own):
    the journal writer refuses to start the program, after waiting a
    moment for a journald that restarts."""
    t.require(os.geteuid() == 0, "root (a mount namespace)")
    t.private_mounts()
    subprocess.run(["mount", "-t", "tmpfs", "tlog-faults", "/run/systemd/journal"], check=True)
    marker = os.path.join(tmp, "ran")
    res = t.run([rec, "-w", "journal", "touch", marker], env=t.test_env())
    err = res.stderr.decode(errors="replace")
    t.check(res.returncode == 1, f"no journald: {t.describe_status(res.returncode)}: {err!r}")
    line = one_line(err, "no journald", ["journal", "/run/systemd/journal/socket"])
    t.check(not os.path.exists(marker), "no journald: the program ran anyway")
    print("ok: " + line)


if __name__ == "__main__":
    t.run_cases((conf_unreadable, conf_bad_writer, missing_program, missing_shell,
                 no_session_id, fd_limit, journal_away))
