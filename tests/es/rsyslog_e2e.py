#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end through a real rsyslogd configured as deployed: tlog-rec
writes to the systemd journal (case journal) or to a syslog socket (case
uxsock) -> rsyslogd (imjournal or imuxsock, our installed snippets) ->
omelasticsearch in bulk mode -> the Elasticsearch stand-in (es_standin.py,
as strict as Elasticsearch 8) -> tlog-play -r es, which must reproduce the
recorded output byte for byte.

usage: rsyslog_e2e.py CASE TLOG_REC TLOG_PLAY RSYSLOGD MESON BUILD_ROOT
       CASE: journal|uxsock

As deployed:
  - the snippets come from "meson install --tags rsyslog --destdir TMP/root"
    of BUILD_ROOT: every *.conf installed in a directory named rsyslog.d is
    copied into TMP/rsyslog.d under its installed name, and the case's
    example (*-journal.conf.example or *-uxsock.conf.example, from the
    documentation directory) under its name without ".example", as the
    README says to copy it;
  - the example is edited as a user would: only the values on the lines
    marked EDIT (the tlog user's uid, the Elasticsearch server, the index,
    and in case uxsock the socket); an EDIT the test cannot place fails
    it. Beyond those, the test points what would write outside its
    directory into TMP (errorFile=) and, if a snippet names the port
    apart from the server (serverport=), sets the stand-in's port: it
    cannot listen on 9200;
  - rsyslogd reads TMP/rsyslog.conf: Debian 12's stock /etc/rsyslog.conf
    (rsyslog 8.2302.0-1+deb12u2, kept verbatim as rsyslog.conf.debian12)
    with only its paths pointed into TMP: the included directory
    ($IncludeConfig TMP/rsyslog.d/*.conf), $WorkDirectory, the log files
    of its rules, imuxsock's system socket (SysSock.Name; left alone it
    would take /run/systemd/journal/syslog) and imklog's kernel log
    (LogPath: a FIFO the test holds open, so the test's rsyslogd takes
    nothing from /proc/kmsg). Everything else, rules, modules, globals,
    stays as Debian ships it;
  - "rsyslogd -N1 -f TMP/rsyslog.conf" must exit 0 and say nothing but its
    banner: no error, no warning;
  - then the rsyslogd runs in the foreground (-n) with its own pid file
    (-i TMP/rsyslogd.pid, waited for), and is ended by its pid, also when
    the test fails;
  - at the end, after rsyslogd has flushed its files, the stock rules'
    log files hold the recording another uid made (the rules run) and
    nothing of the recordings the snippet shipped (its "stop" works).

The recorder runs as "nobody", not as root: the snippet routes every
message of the rule's uid to Elasticsearch, and rsyslogd itself, like
anything else running as root, logs to the journal as uid 0. A dedicated
unprivileged uid is also how the snippet is meant to be used (the "tlog"
user). So the test needs root. The temporary directory is made searchable
(0711) so that nobody reaches the uxsock case's socket.

Nothing keeps a copy of what goes through a syslog socket, so in case
uxsock a recording is complete when the stand-in's documents rebuild the
recorder's whole output (and tlog-play -r es then must too)."""

import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import tlogtest as t  # noqa: E402
sys.path.insert(0, HERE)
import standin_client  # noqa: E402

STOCK_CONF = os.path.join(HERE, "rsyslog.conf.debian12")
SOCKET = "/run/systemd/journal/socket"
INDEX = "tlog-e2e"
WAIT = 30.0  # seconds for documents to arrive
# Several hundred messages at --payload=256, UTF-8 and invalid bytes.
MANY_LINES = ["sh", "-c", "i=0; while [ $i -lt 3000 ];"
              " do printf 'line %04d caf\\303\\251 \\377\\n' $i; i=$((i+1)); done"]
FLOOD = ["sh", "-c", "yes 'flood of output, caf\\303\\251' | head -c 4000000"]
EDIT_MARK = re.compile(r"#\s*EDIT\b")

try:
    from systemd import journal
except ImportError:
    journal = None


def wait_for(condition, what, timeout=WAIT, poll=0.05, running=None):
    """Waits until condition() is true; @running (an Rsyslogd) must not end
    meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if running is not None:
            running.check_running()
        t.check(time.monotonic() < deadline, f"{what} within {timeout:.0f}s"
                + (f"; rsyslogd said: {running.output()[-2000:]}" if running else ""))
        time.sleep(poll)


# ---- the stand-in -------------------------------------------------------

class Standin(standin_client.Standin):
    def count(self, rec):
        if INDEX not in self.stats()["indices"]:
            return 0
        answer = self.request(f"/{INDEX}/_search",
                              {"query": {"query_string": {"query": f'rec:"{rec}"'}}, "size": 0})
        return answer["hits"]["total"]["value"]

    def documents(self, rec):
        answer = self.request(f"/{INDEX}/_search",
                              {"query": {"query_string": {"query": f'rec:"{rec}"'}},
                               "sort": [{"id": "asc"}], "size": 10000})
        return [h["_source"] for h in answer["hits"]["hits"]]


# ---- the configuration, as deployed ---------------------------------------

def substitute(text, old, new, what, count=1):
    n = text.count(old)
    t.check(n == count, f"{what}: {old!r} occurs {n} times, not {count}; the test's "
            "substitution did not apply")
    return text.replace(old, new)


def check_paths_inside(text, tmp, what):
    """Every absolute path outside comments is in @tmp: the test's rsyslogd
    writes nothing elsewhere."""
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        for path in re.findall(r'(?:^|[\s"=-])(/[^\s"]*)', code):
            t.check(path.startswith(tmp + "/"), f"{what}:{number}: {path} is outside the test's "
                    f"directory: {line.strip()}")


def install_snippets(meson, build_root, root):
    """meson install of the rsyslog tag into @root; returns (the installed
    *.conf of rsyslog.d, the installed examples), as absolute paths
    without @root."""
    r = t.run([meson, "install", "-C", build_root, "--no-rebuild", "--quiet",
               "--tags", "rsyslog", "--destdir", root], timeout=120)
    t.check(r.returncode == 0, f"meson install --tags rsyslog: {t.describe_status(r.returncode)} "
            f"{(r.stdout + r.stderr).decode(errors='replace')}")
    installed = sorted("/" + os.path.relpath(os.path.join(d, f), root)
                       for d, _, files in os.walk(root) for f in files)
    confs = [p for p in installed
             if os.path.basename(os.path.dirname(p)) == "rsyslog.d" and p.endswith(".conf")]
    examples = [p for p in installed if p.endswith(".conf.example")]
    t.check(confs and examples, f"meson install put no rsyslog.d/*.conf or no example: {installed}")
    print(f"installed: {' '.join(installed)}")
    if os.path.dirname(confs[0]) != "/etc/rsyslog.d":
        print(f"note: this build installs into {os.path.dirname(confs[0])}, which a stock "
              "rsyslog does not read (configure with --prefix=/usr or "
              "-Drsyslog_dir=/etc/rsyslog.d for /etc/rsyslog.d)")
    return confs, examples


def apply_edits(text, values, what):
    """Replaces the value on each line marked EDIT, as a user would: the
    quoted uid of a "$!_UID ==" or "$!uid ==" test, else the first
    name="value" on the line, by values[name] (a string, or a function of
    the old value). Returns (text, {name: old value})."""
    lines, found = [], {}
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        mark = EDIT_MARK.search(line)
        if not mark:
            lines.append(line)
            continue
        code = line[:mark.start()]
        m = re.search(r'\$!_?uid\s*==\s*"([^"]*)"', code, re.IGNORECASE)
        key = "uid" if m else None
        if not m:
            m = re.search(r'([A-Za-z][\w.]*)="([^"]*)"', code)
            t.check(m, f"{what}:{number}: an EDIT mark on a line without a value: {line.strip()}")
            key = m.group(1).lower()
        group = m.lastindex
        t.check(key in values, f"{what}:{number}: EDIT value {key}: the test does not know what "
                f"to put there: {line.strip()}")
        t.check(key not in found, f"{what}:{number}: EDIT value {key} a second time")
        old = m.group(group)
        new = values[key](old) if callable(values[key]) else values[key]
        found[key] = old
        lines.append(code[:m.start(group)] + new + code[m.end(group):] + line[mark.start():])
    return "".join(lines), found


def stock_config(tmp):
    """Debian 12's stock rsyslog.conf with its paths in @tmp."""
    with open(STOCK_CONF) as f:
        text = f.read()
    for old, new, count in [
            ('module(load="imuxsock")', f'module(load="imuxsock" SysSock.Name="{tmp}/dev-log")', 1),
            ('module(load="imklog")', f'module(load="imklog" LogPath="{tmp}/kmsg")', 1),
            ("$WorkDirectory /var/spool/rsyslog", f"$WorkDirectory {tmp}/spool", 1),
            ("$IncludeConfig /etc/rsyslog.d/*.conf", f"$IncludeConfig {tmp}/rsyslog.d/*.conf", 1),
            ("/var/log/", f"{tmp}/log/", 6)]:
        text = substitute(text, old, new, "rsyslog.conf.debian12", count)
    check_paths_inside(text, tmp, "rsyslog.conf")
    for name in ("spool", "log", "rsyslog.d"):
        os.mkdir(os.path.join(tmp, name))
    os.mkfifo(os.path.join(tmp, "kmsg"))
    path = os.path.join(tmp, "rsyslog.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def deploy(tmp, root, confs, examples, case, values):
    """The installed snippets into TMP/rsyslog.d, the case's example edited;
    returns (the edited example's path, {EDIT name: old value})."""
    target = os.path.join(tmp, "rsyslog.d")
    for conf in confs:
        shutil.copyfile(root + conf, os.path.join(target, os.path.basename(conf)))
    chosen = [e for e in examples if os.path.basename(e).endswith(f"{case}.conf.example")]
    t.check(len(chosen) == 1, f"not one {case} example among {examples}")
    name = os.path.basename(chosen[0])[:-len(".example")]
    with open(root + chosen[0]) as f:
        text = f.read()
    text, found = apply_edits(text, values, name)
    if "server" in found and "://" not in found["server"] and "serverport" not in found:
        text = substitute(text, 'serverport="9200"', f'serverport="{values["serverport"]}"', name)
    text = re.sub(r'(errorFile=")/var/log/', lambda m: m.group(1) + tmp + "/log/", text,
                  flags=re.IGNORECASE)
    check_paths_inside(text, tmp, name)
    path = os.path.join(target, name)
    with open(path, "w") as f:
        f.write(text)
    print(f"rsyslog.d: {' '.join(sorted(os.listdir(target)))}")
    return path, found


def check_config(rsyslogd, conf):
    """rsyslogd -N1: exit 0 and nothing but the banner."""
    r = t.run([rsyslogd, "-N1", "-f", conf], timeout=60)
    out = (r.stdout + r.stderr).decode(errors="replace")
    said = [line for line in out.splitlines() if line.strip() and not re.match(
        r"rsyslogd: (version \S+, config validation run|End of config validation run)", line)]
    t.check(r.returncode == 0 and not said, f"rsyslogd -N1 -f {conf}: "
            f"{t.describe_status(r.returncode)}: " + "\n".join(said or [out]))


class Rsyslogd:
    """rsyslogd -n with the test's configuration, its own pid file; ended by
    its pid."""

    def __init__(self, rsyslogd, tmp, conf):
        self.tmp = tmp
        self.pidfile = os.path.join(tmp, "rsyslogd.pid")
        # imklog reads the FIFO: a writer held open makes its open() return
        # and its read() wait.
        self.kmsg = os.open(os.path.join(tmp, "kmsg"), os.O_RDWR | os.O_CLOEXEC)
        self.log = open(os.path.join(tmp, "rsyslogd.out"), "wb")
        self.proc = subprocess.Popen([rsyslogd, "-n", "-f", conf, "-i", self.pidfile],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_for(self.pidfile_written, f"rsyslogd wrote no pid file {self.pidfile} naming "
                     f"{self.proc.pid}", running=self)
        except BaseException:
            self.close()  # nobody else holds it yet
            raise

    def pidfile_written(self):
        try:
            with open(self.pidfile) as f:
                return f.read().strip() == str(self.proc.pid)
        except FileNotFoundError:
            return False

    def output(self):
        with open(os.path.join(self.tmp, "rsyslogd.out"), "rb") as f:
            return f.read().decode(errors="replace")

    def check_running(self):
        t.check(self.proc.poll() is None, f"rsyslogd ended ({t.describe_status(self.proc.poll())}): "
                f"{self.output()[-2000:]}")

    def stop(self):
        """SIGSTOP: it falls behind; the journal keeps what it does not read."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def cont(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def close(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.kmsg is not None:
            os.close(self.kmsg)
            self.kmsg = None


# ---- recording --------------------------------------------------------------

def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as f:
        return f.read().strip().replace("-", "")


def rec_id_of(pid):
    """The recording id of the recorder with @pid (as journal_tests.py)."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    start = int(stat[stat.rindex(")") + 2:].split()[19])
    return f"{boot_id()}-{pid:x}-{start:x}"


def journal_messages(rec):
    reader = journal.Reader()
    reader.add_match(TLOG_REC=rec)
    return [(e["MESSAGE"], int(e["_UID"])) for e in reader]


def run_recorder(tlog_rec, command, user=None, args=(), extra_env=None):
    """Runs tlog-rec with @args as @user (a pwd entry; None: as ourselves);
    returns (rec id, output)."""
    argv = [tlog_rec, *args, *command]
    if user is not None:
        argv = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                "--clear-groups", *argv]  # setpriv execs: the pid stays tlog-rec's
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd="/", env=t.test_env(extra_env))
    rec = rec_id_of(proc.pid)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise t.Failure(f"tlog-rec {command} did not finish within 60s")
    t.check(proc.returncode == 0, f"tlog-rec {command} exited with "
            f"{t.describe_status(proc.returncode)}: {err.decode(errors='replace')}")
    return rec, out


def record(tlog_rec, command, user=None, args=(), extra_env=None):
    """Runs tlog-rec (journal writer) as @user (a pwd entry; None: as
    ourselves); returns (rec id, output, [(MESSAGE, _UID)]) once the journal
    holds the whole recording."""
    rec, out = run_recorder(tlog_rec, command, user, args, extra_env)
    # Complete when the journal's messages rebuild the whole output.
    deadline = time.monotonic() + 15
    while True:
        entries = journal_messages(rec)
        try:
            rebuilt = t.decode_streams([json.loads(m) for m, _ in entries], rec)[1]
        except (t.Failure, ValueError):
            rebuilt = None
        if rebuilt == out:
            break
        t.check(time.monotonic() < deadline,
                f"{rec}: the journal does not hold the whole recording ({len(entries)} entries)")
        time.sleep(0.1)
    return rec, out, entries


def wait_documents(es, rsyslogd, rec, count, timeout=WAIT, poll=0.1):
    """Waits until the stand-in holds @count documents of @rec; returns the
    seconds it took."""
    start = time.monotonic()
    while True:
        have = es.count(rec)
        if have >= count:
            return time.monotonic() - start
        rsyslogd.check_running()
        t.check(time.monotonic() - start < timeout,
                f"{rec}: {have} of {count} documents reached the stand-in within {timeout:.0f}s "
                f"(stand-in stats {es.stats()}); rsyslogd said: {rsyslogd.output()[-2000:]}")
        time.sleep(poll)


def wait_rebuilt(es, rsyslogd, rec, output, timeout=WAIT, poll=0.1):
    """Waits until the stand-in's documents of @rec rebuild @output (no
    copy of a syslog socket's messages to count); returns (documents,
    seconds it took)."""
    start = time.monotonic()
    while True:
        docs = es.documents(rec) if es.count(rec) else []
        try:
            rebuilt = t.decode_streams(docs, rec)[1] if docs else None
        except (t.Failure, KeyError):
            rebuilt = None
        if rebuilt == output:
            return docs, time.monotonic() - start
        rsyslogd.check_running()
        t.check(time.monotonic() - start < timeout,
                f"{rec}: {len(docs)} documents in the stand-in do not rebuild the output within "
                f"{timeout:.0f}s (stand-in stats {es.stats()}); rsyslogd said: "
                f"{rsyslogd.output()[-2000:]}")
        time.sleep(poll)


RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def check_timestamp(rec, n, doc):
    keys = list(doc)
    t.check(keys and keys[0] == "timestamp", f"{rec}: document {n} starts with {keys[:1]}")
    t.check(isinstance(doc["timestamp"], str) and RFC3339.match(doc["timestamp"]),
            f"{rec}: document {n} timestamp {doc['timestamp']!r} is not RFC 3339")


def check_documents(es, rec, entries, uid):
    """The documents are the journal's messages with "timestamp" in front."""
    docs = es.documents(rec)
    t.check(len(docs) == len(entries), f"{rec}: {len(docs)} documents for {len(entries)} "
            "journal entries (duplicates?)")
    for n, (doc, (message, entry_uid)) in enumerate(zip(docs, entries), 1):
        t.check(entry_uid == uid, f"{rec}: journal entry {n} has _UID {entry_uid}, not {uid}")
        check_timestamp(rec, n, doc)
        rest = dict(doc)
        del rest["timestamp"]
        # The end mark, in the document either way: from the journal's
        # TLOG_END (the template) or inside the syslog message.
        expected = json.loads(message)
        expected.pop("tlog_end", None)
        end = rest.pop("tlog_end", None)
        t.check(end == (True if n == len(docs) else None),
                f"{rec}: document {n} of {len(docs)} has tlog_end {end!r}")
        t.check(rest == expected,
                f"{rec}: document {n} differs from its journal message: "
                f"{json.dumps(rest)[:200]} vs {message[:200]}")
    return docs


def play_es(tlog_play, es, rec):
    r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/{INDEX}/_search", f"--rec={rec}"],
              env=t.test_env(), timeout=60)
    t.check(r.returncode == 0, f"tlog-play -r es --rec={rec}: {t.describe_status(r.returncode)} "
            f"{r.stderr.decode(errors='replace')}")
    return r.stdout


# ---- the case ---------------------------------------------------------------

def module_available(name):
    return bool(glob.glob(f"/usr/lib/*/rsyslog/{name}.so") + glob.glob(f"/usr/lib/rsyslog/{name}.so")
                + glob.glob(f"/usr/lib64/rsyslog/{name}.so"))


def requirements(rsyslogd, meson, input_module):
    t.require(os.access(rsyslogd, os.X_OK), f"rsyslogd at {rsyslogd} (apt-get install rsyslog)")
    t.require(meson and os.access(meson, os.X_OK), "meson, for meson install of the snippets")
    for module in ("omelasticsearch", input_module, "imuxsock", "imklog"):
        t.require(module_available(module), f"rsyslog's {module} (omelasticsearch: apt-get "
                  "install rsyslog-elasticsearch)")
    if input_module == "imjournal":
        t.require(journal is not None, "python3-systemd (apt-get install python3-systemd)")
        t.require(os.path.exists(SOCKET), f"a running systemd-journald ({SOCKET})")
    t.require(os.geteuid() == 0, "root (rsyslogd reads the system journal; the recorder "
              "runs as nobody)")


@contextlib.contextmanager
def running(args, case, uid):
    """A temporary directory, the stand-in, the snippets installed and
    deployed, rsyslogd; all gone afterwards. Yields (tmp, es, rsyslogd,
    {EDIT name: the value put there})."""
    _, _, rsyslogd_path, meson, build_root = args
    tmp = tempfile.mkdtemp(prefix="tlog-rsyslog-")
    os.chmod(tmp, 0o711)
    es = rsyslogd = None
    try:
        root = os.path.join(tmp, "root")
        confs, examples = install_snippets(meson, build_root, root)
        es = Standin(tmp)
        conf = stock_config(tmp)
        values = {"uid": str(uid), "server": lambda old: es.url if "://" in old else "127.0.0.1",
                  "serverport": str(es.port), "searchindex": INDEX,
                  "socket": os.path.join(tmp, "tlog.sock")}
        snippet, found = deploy(tmp, root, confs, examples, case, values)
        check_config(rsyslogd_path, conf)
        needed = {"uid", "server", "searchindex"} | ({"socket"} if case == "uxsock" else set())
        t.check(needed <= set(found), f"{os.path.basename(snippet)}: no EDIT mark on "
                f"{sorted(needed - set(found))}")
        rsyslogd = Rsyslogd(rsyslogd_path, tmp, conf)
        yield tmp, es, rsyslogd, {k: values[k] for k in found if not callable(values[k])}
    finally:
        if rsyslogd is not None:
            rsyslogd.close()
        if es is not None:
            es.close()
        shutil.rmtree(tmp)


def finish(tmp, rsyslogd, shipped, other):
    """errorFile stays empty; rsyslogd ends cleanly; the stock rules logged
    @other's recording and none of the @shipped ones."""
    rsyslogd.check_running()
    for errors in glob.glob(os.path.join(tmp, "log", "*error*")):
        if os.path.getsize(errors):
            with open(errors) as f:
                raise t.Failure(f"omelasticsearch reported rejected documents: {f.read()[:2000]}")
    rsyslogd.close()
    t.check(rsyslogd.proc.returncode == 0,
            f"rsyslogd ended with {t.describe_status(rsyslogd.proc.returncode)}")
    logged = {}
    for path in glob.glob(os.path.join(tmp, "log", "*")):
        with open(path, "rb") as f:
            logged[os.path.basename(path)] = f.read().decode(errors="replace")
    t.check(any(other in text for text in logged.values()),
            f"the stock rules logged nothing of {other}, another uid's recording, in "
            f"{sorted(logged)}; rsyslogd said: {rsyslogd.output()[-2000:]}")
    for rec in shipped:
        where = [name for name, text in logged.items() if rec in text]
        t.check(not where, f"{rec}, shipped to Elasticsearch, is also in {where}: the "
                "snippet's stop did not keep it from the stock rules")


def case_journal(args):
    tlog_rec, tlog_play, rsyslogd_path, meson, _ = args
    requirements(rsyslogd_path, meson, "imjournal")
    nobody = pwd.getpwnam("nobody")
    with running(args, "journal", nobody.pw_uid) as (tmp, es, rsyslogd, _):
        # Ready: imjournal starts at the journal's end, so what is logged
        # before it opened the journal never arrives. Probe until one does.
        deadline = time.monotonic() + WAIT
        shipped = []
        while True:
            rsyslogd.check_running()
            probe, _, entries = record(tlog_rec, ["printf", "probe\\n"], nobody)
            shipped.append(probe)
            try:
                wait_documents(es, rsyslogd, probe, len(entries), timeout=2)
                break
            except t.Failure:
                t.check(time.monotonic() < deadline,
                        f"no probe recording reached the stand-in within {WAIT:.0f}s; rsyslogd "
                        f"said: {rsyslogd.output()[-2000:]}; stand-in stats {es.stats()}")

        # Another uid's recording (root's) must not be indexed. imjournal
        # reads in order: once the next one has arrived, this one was seen.
        other, _, _ = record(tlog_rec, ["printf", "not for elasticsearch\\n"])

        # A recording of several hundred messages, UTF-8 and invalid bytes.
        rec, output, entries = record(tlog_rec, MANY_LINES, nobody, ["--payload=256"])
        shipped.append(rec)
        t.check(len(entries) > 200, f"{rec}: only {len(entries)} messages")
        wait_documents(es, rsyslogd, rec, len(entries))
        t.check(es.count(other) == 0, f"root's recording {other} was indexed; the rule is on "
                f"$!_UID == {nobody.pw_uid}")
        check_documents(es, rec, entries, nobody.pw_uid)
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after rsyslog")

        # A flood while rsyslogd is stopped: every message under 4 KiB,
        # which rsyslog's default maxMessageSize takes whole; rsyslogd
        # catches up from the journal once continued. The catch-up time
        # gives the rate through rsyslog into the stand-in.
        rsyslogd.stop()
        try:
            rec, output, entries = record(tlog_rec, FLOOD, nobody)
        finally:
            rsyslogd.cont()
        shipped.append(rec)
        biggest = max(len(m.encode()) for m, _ in entries)
        t.check(2000 < biggest <= 4087, f"{rec}: the largest message is {biggest} bytes: "
                "expected full messages, each under journalctl's 4096-byte field limit")
        seconds = wait_documents(es, rsyslogd, rec, len(entries), poll=0.02)
        check_documents(es, rec, entries, nobody.pw_uid)
        total = sum(len(m.encode()) for m, _ in entries)
        print(f"flood: {len(entries)} messages, {total} bytes (largest {biggest}) through "
              f"rsyslog in {seconds:.2f}s: {len(entries) / seconds:.0f} messages/s, "
              f"{total / seconds / 1e6:.1f} MB/s")
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after a flood")

        # A signed recording: the template adds TLOG_SIG to the documents,
        # and --verify over Elasticsearch finds it intact.
        keys = tempfile.mkdtemp(prefix="tlog-keys-")
        try:
            os.chmod(keys, 0o755)
            key, pub = t.make_keys(keys)
            os.chown(key, nobody.pw_uid, nobody.pw_gid)
            rec, output, entries = record(tlog_rec, MANY_LINES, nobody,
                                          ["--payload=512", f"--sign-key={key}"])
            shipped.append(rec)
            wait_documents(es, rsyslogd, rec, len(entries))
            docs = es.documents(rec)
            t.check("tlog_sig" in docs[0] and "tlog_sig" in docs[-1],
                    f"{rec}: no tlog_sig in the first or last document")
            r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/{INDEX}/_search",
                       f"--rec={rec}", f"--verify={pub}"], env=t.test_env(), timeout=60)
            t.check(r.returncode == 0 and b": intact: " in r.stdout,
                    f"--verify over Elasticsearch: {r.returncode} {r.stdout!r} {r.stderr!r}")
        finally:
            shutil.rmtree(keys)

        finish(tmp, rsyslogd, shipped, other)
        # imjournal writes its state when it ends: in the work directory.
        t.check(os.path.exists(os.path.join(tmp, "spool", "tlog-imjournal.state")),
                f"imjournal's state file is not in the work directory: "
                f"{os.listdir(os.path.join(tmp, 'spool'))}")


def check_ids(rec, docs):
    """Each message once, in order: ids 1..n (the count the journal case
    takes from the journal)."""
    ids = [d["id"] for d in docs]
    t.check(ids == list(range(1, len(docs) + 1)),
            f"{rec}: message ids {ids[:10]}... are not 1..{len(docs)} (duplicates? gaps?)")
    for n, doc in enumerate(docs, 1):
        check_timestamp(rec, n, doc)


def case_uxsock(args):
    tlog_rec, tlog_play, rsyslogd_path, meson, _ = args
    requirements(rsyslogd_path, meson, "imuxsock")
    nobody = pwd.getpwnam("nobody")
    with running(args, "uxsock", nobody.pw_uid) as (tmp, es, rsyslogd, edited):
        # The snippet's socket, as edited; imuxsock makes it 0666.
        socket_path = edited["socket"]
        writer = ["-w", "syslog", f"--syslog-socket={socket_path}"]
        # Ready once imuxsock has bound its socket: what is sent then waits
        # in the socket until rsyslogd reads it.
        wait_for(lambda: os.path.exists(socket_path), f"imuxsock made no {socket_path}",
                 running=rsyslogd)

        # Another uid's recording (root's) must not be indexed. imuxsock
        # reads its socket in order: once the next one has arrived, this
        # one was seen.
        other, _ = run_recorder(tlog_rec, ["printf", "not for elasticsearch\\n"], None, writer)

        # A recording of several hundred messages, UTF-8 and invalid bytes.
        rec, output = run_recorder(tlog_rec, MANY_LINES, nobody, [*writer, "--payload=256"])
        shipped = [rec]
        docs, _ = wait_rebuilt(es, rsyslogd, rec, output)
        t.check(len(docs) > 200, f"{rec}: only {len(docs)} messages")
        t.check(es.count(other) == 0, f"root's recording {other} was indexed; the rule is on "
                f"$!uid == {nobody.pw_uid}")
        check_ids(rec, docs)
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after rsyslog")

        # A flood of 64 KiB messages (the payload), which must pass the
        # socket and rsyslog's maxMessageSize whole. A socket keeps only a
        # few datagrams, so rsyslogd is stopped for a second only (the
        # recorder waits 10s for room): the recorder must wait, not drop.
        # The time from the continue gives the rate through rsyslog into
        # the stand-in.
        continued = []

        def cont():
            continued.append(time.monotonic())
            rsyslogd.cont()

        rsyslogd.stop()
        timer = threading.Timer(1.0, cont)
        timer.start()
        try:
            rec, output = run_recorder(tlog_rec, FLOOD, nobody, [*writer, "--payload=65536"])
        finally:
            timer.cancel()
            if not continued:
                cont()
        shipped.append(rec)
        docs, _ = wait_rebuilt(es, rsyslogd, rec, output, poll=0.02)
        seconds = time.monotonic() - continued[0]
        check_ids(rec, docs)
        sizes = [len(json.dumps({k: v for k, v in d.items() if k != "timestamp"},
                                ensure_ascii=False, separators=(",", ":")).encode())
                 for d in docs]
        biggest = max(sizes)
        t.check(biggest > 60000, f"{rec}: the largest message is about {biggest} bytes; "
                "so this proves nothing about large messages")
        print(f"flood: {len(docs)} messages, about {sum(sizes)} bytes (largest {biggest}) "
              f"through rsyslog in {seconds:.2f}s after the continue: "
              f"{len(docs) / seconds:.0f} messages/s, {sum(sizes) / seconds / 1e6:.1f} MB/s")
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after a flood")

        finish(tmp, rsyslogd, shipped, other)


CASES = {"journal": case_journal, "uxsock": case_uxsock}


def main():
    if len(sys.argv) != 7 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    # Meson's timeout sends SIGTERM: unwind, so that rsyslogd and the
    # stand-in are ended and the directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    # The recorder runs in /, so the programs' paths must not be relative.
    args = [os.path.abspath(a) if a else a for a in sys.argv[2:]]
    t.run_main(lambda: CASES[sys.argv[1]](args))


if __name__ == "__main__":
    main()
