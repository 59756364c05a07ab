#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End to end through a real rsyslogd: tlog-rec writes to the systemd
journal (case journal) or to a syslog socket (case uxsock) -> rsyslogd
(imjournal or imuxsock, our shipped snippets) -> omelasticsearch in bulk
mode -> the Elasticsearch stand-in (es_standin.py) -> tlog-play -r es,
which must reproduce the recorded output byte for byte.

usage: rsyslog_e2e.py CASE TLOG_REC TLOG_PLAY RSYSLOGD     CASE: journal|uxsock

The rsyslogd is the test's own: foreground (-n), its own config (-f), pid
file (-i) and work directory (global(workDirectory=...)), loading no input
but imjournal (journal) or an imuxsock socket of its own (uxsock); it is
ended by its pid, also when the test fails.

The configuration is rsyslog/tlog-template.conf followed by
rsyslog/tlog-journal.conf.example, verbatim but for these substitutions
(each must apply exactly once, else the test fails):
  - the EDIT values: the UID in the rule (the recorder's uid, see below),
    server="127.0.0.1", serverport= the stand-in's port,
    searchIndex="tlog-e2e";
  - errorFile= a file in the work directory instead of
    /var/log/tlog-elasticsearch-errors.log (a test writes nothing outside its
    temporary directory; the test also checks it stays empty);
  - a first line global(workDirectory="TMP"), so the snippet's relative
    StateFile="tlog-imjournal.state" lands in TMP (checked).

Case uxsock: rsyslog/tlog-template.conf followed by
rsyslog/tlog-uxsock.conf.example, with the same substitutions (the rule is
on $!uid there) and one more: the snippet's
  module(load="imuxsock" SysSock.Annotate="on" SysSock.ParseTrusted="on")
becomes
  module(load="imuxsock" SysSock.Use="off")
  input(type="imuxsock" Socket="TMP/log" Annotate="on" ParseTrusted="on")
so the test's rsyslogd leaves /dev/log (journald's here) alone and listens
on a socket of its own, with the same annotation of the sender's
credentials the rule relies on. The recorder runs
"tlog-rec -w syslog --syslog-socket=TMP/log" (TMP is made searchable, 0711,
so the recorder's uid reaches the socket).

The recorder runs as "nobody", not as root: the snippet routes every
journal entry of the rule's UID to Elasticsearch, and rsyslogd itself, like
anything else running as root (other tests, journald's own notices), logs
to the journal as uid 0. With UID 0 in the rule, rsyslogd's first error
about a non-JSON entry is itself a non-JSON entry of uid 0, and so on
forever (seen while writing this test). A dedicated unprivileged uid is
also how the snippet is meant to be used (the "tlog" user). So the test
needs root.

Nothing keeps a copy of what goes through a syslog socket, so in case
uxsock a recording is complete when the stand-in's documents rebuild the
recorder's whole output (and tlog-play -r es then must too)."""

import contextlib
import glob
import json
import os
import pwd
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import tlogtest as t  # noqa: E402
sys.path.insert(0, HERE)
import standin_client  # noqa: E402

SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
SOCKET = "/run/systemd/journal/socket"
INDEX = "tlog-e2e"
WAIT = 30.0  # seconds for documents to arrive
# Several hundred messages at --payload=256, UTF-8 and invalid bytes.
MANY_LINES = ["sh", "-c", "i=0; while [ $i -lt 3000 ];"
              " do printf 'line %04d caf\\303\\251 \\377\\n' $i; i=$((i+1)); done"]
FLOOD = ["sh", "-c", "yes 'flood of output, caf\\303\\251' | head -c 4000000"]

try:
    from systemd import journal
except ImportError:
    journal = None


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


# ---- rsyslogd -------------------------------------------------------------

def substitute(text, old, new, what):
    n = text.count(old)
    t.check(n == 1, f"{what}: {old!r} occurs {n} times in the shipped snippet, not once; "
            "the test's substitution did not apply")
    return text.replace(old, new)


def config(tmp, name, rule, port, uid, more=()):
    """rsyslog/tlog-template.conf + rsyslog/@name with the EDIT values
    (@rule: the snippet's UID test with "990" in it), errorFile and the
    (old, new) pairs in @more substituted, each exactly once."""
    with open(os.path.join(SOURCE, "rsyslog", "tlog-template.conf")) as f:
        template = f.read()
    with open(os.path.join(SOURCE, "rsyslog", name)) as f:
        snippet = f.read()
    snippet = substitute(snippet, rule, rule.replace('"990"', f'"{uid}"'), name)
    snippet = substitute(snippet, 'server="localhost"', 'server="127.0.0.1"', name)
    snippet = substitute(snippet, 'serverport="9200"', f'serverport="{port}"', name)
    snippet = substitute(snippet, 'searchIndex="tlog"', f'searchIndex="{INDEX}"', name)
    snippet = substitute(snippet, 'errorFile="/var/log/tlog-elasticsearch-errors.log"',
                         f'errorFile="{tmp}/errors.log"', name)
    for old, new in more:
        snippet = substitute(snippet, old, new, name)
    return f'global(workDirectory="{tmp}")\n' + template + snippet


def journal_config(tmp, port, uid):
    name = "tlog-journal.conf.example"
    text = config(tmp, name, 'if $!_UID == "990" then', port, uid)
    # The snippet's state file must be relative (so it lands in our work
    # directory) and imjournal must start at the end of the journal.
    t.check('StateFile="tlog-imjournal.state"' in text and
            'IgnorePreviousMessages="on"' in text,
            f"{name}: imjournal's StateFile/IgnorePreviousMessages changed; adapt the test")
    return text


def uxsock_config(tmp, port, uid):
    # The snippet's imuxsock listens on the system socket (/dev/log); the
    # test's rsyslogd must not take it from journald, so the module line is
    # replaced by one that turns the system socket off plus an input on a
    # socket of the test's own, with the same two options (per-input names).
    return config(tmp, "tlog-uxsock.conf.example", 'if $!uid == "990" then', port, uid, [
        ('module(load="imuxsock" SysSock.Annotate="on" SysSock.ParseTrusted="on")',
         'module(load="imuxsock" SysSock.Use="off")\n'
         f'input(type="imuxsock" Socket="{tmp}/log" Annotate="on" ParseTrusted="on")')])


class Rsyslogd:
    def __init__(self, rsyslogd, tmp, config):
        self.tmp = tmp
        self.conf = os.path.join(tmp, "rsyslog.conf")
        self.pidfile = os.path.join(tmp, "rsyslogd.pid")
        with open(self.conf, "w") as f:
            f.write(config)
        r = t.run([rsyslogd, "-N1", "-f", self.conf], timeout=30)
        t.check(r.returncode == 0, f"rsyslogd -N1 rejects the configuration: "
                f"{r.stderr.decode(errors='replace')}")
        self.log = open(os.path.join(tmp, "rsyslogd.out"), "wb")
        self.proc = subprocess.Popen([rsyslogd, "-n", "-f", self.conf, "-i", self.pidfile],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)

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
        t.check(rest == json.loads(message),
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


def requirements(rsyslogd, input_module):
    t.require(os.access(rsyslogd, os.X_OK), f"rsyslogd at {rsyslogd} (apt-get install rsyslog)")
    t.require(module_available("omelasticsearch"),
              "rsyslog's omelasticsearch (apt-get install rsyslog-elasticsearch)")
    t.require(module_available(input_module), f"rsyslog's {input_module}")
    if input_module == "imjournal":
        t.require(journal is not None, "python3-systemd (apt-get install python3-systemd)")
        t.require(os.path.exists(SOCKET), f"a running systemd-journald ({SOCKET})")
    t.require(os.geteuid() == 0, "root (rsyslogd reads the system journal; the recorder "
              "runs as nobody)")


@contextlib.contextmanager
def running(rsyslogd_path, make_config, uid):
    """A temporary directory, the stand-in and rsyslogd with
    make_config(tmp, port, uid); all gone afterwards."""
    tmp = tempfile.mkdtemp(prefix="tlog-rsyslog-")
    es = rsyslogd = None
    try:
        es = Standin(tmp)
        rsyslogd = Rsyslogd(rsyslogd_path, tmp, make_config(tmp, es.port, uid))
        yield tmp, es, rsyslogd
    finally:
        if rsyslogd is not None:
            rsyslogd.close()
        if es is not None:
            es.close()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


def check_pidfile(rsyslogd):
    with open(rsyslogd.pidfile) as f:
        t.check(int(f.read()) == rsyslogd.proc.pid, "rsyslogd's pid file names another pid")


def finish(tmp, rsyslogd):
    """errorFile stays empty; rsyslogd ends cleanly."""
    rsyslogd.check_running()
    errors = os.path.join(tmp, "errors.log")
    if os.path.exists(errors) and os.path.getsize(errors):
        with open(errors) as f:
            raise t.Failure(f"omelasticsearch reported rejected documents: {f.read()[:2000]}")
    rsyslogd.close()
    t.check(rsyslogd.proc.returncode == 0,
            f"rsyslogd ended with {t.describe_status(rsyslogd.proc.returncode)}")


def case_journal(tlog_rec, tlog_play, rsyslogd_path):
    requirements(rsyslogd_path, "imjournal")
    nobody = pwd.getpwnam("nobody")
    with running(rsyslogd_path, journal_config, nobody.pw_uid) as (tmp, es, rsyslogd):
        # Ready: imjournal starts at the journal's end, so what is logged
        # before it opened the journal never arrives. Probe until one does.
        deadline = time.monotonic() + WAIT
        while True:
            rsyslogd.check_running()
            probe, _, entries = record(tlog_rec, ["printf", "probe\\n"], nobody)
            try:
                wait_documents(es, rsyslogd, probe, len(entries), timeout=2)
                break
            except t.Failure:
                t.check(time.monotonic() < deadline,
                        f"no probe recording reached the stand-in within {WAIT:.0f}s; rsyslogd "
                        f"said: {rsyslogd.output()[-2000:]}; stand-in stats {es.stats()}")
        check_pidfile(rsyslogd)

        # Another uid's recording (root's) must not be indexed. imjournal
        # reads in order: once the next one has arrived, this one was seen.
        other, _, _ = record(tlog_rec, ["printf", "not for elasticsearch\\n"])

        # A recording of several hundred messages, UTF-8 and invalid bytes.
        rec, output, entries = record(tlog_rec, MANY_LINES, nobody, ["--payload=256"])
        t.check(len(entries) > 200, f"{rec}: only {len(entries)} messages")
        wait_documents(es, rsyslogd, rec, len(entries))
        t.check(es.count(other) == 0, f"root's recording {other} was indexed; the rule is on "
                f"$!_UID == {nobody.pw_uid}")
        check_documents(es, rec, entries, nobody.pw_uid)
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after rsyslog")

        # A flood while rsyslogd is stopped: the recorder packs 64 KiB
        # messages (its journal rate budget is made small to get there
        # soon), which must pass rsyslog's maxMessageSize whole; rsyslogd
        # catches up from the journal once continued. The catch-up time
        # gives the rate through rsyslog into the stand-in.
        rsyslogd.stop()
        try:
            flood_env = {"TLOG_REC_CONF_TEXT":
                         '{"journal": {"rate_limit_burst": 40, "rate_limit_interval": 1}}'}
            rec, output, entries = record(
                tlog_rec, FLOOD,
                nobody, extra_env=flood_env)
        finally:
            rsyslogd.cont()
        biggest = max(len(m.encode()) for m, _ in entries)
        t.check(biggest > 60000, f"{rec}: the largest message is {biggest} bytes; no flood "
                "packing happened, so this proves nothing about large messages")
        seconds = wait_documents(es, rsyslogd, rec, len(entries), poll=0.02)
        check_documents(es, rec, entries, nobody.pw_uid)
        total = sum(len(m.encode()) for m, _ in entries)
        print(f"flood: {len(entries)} messages, {total} bytes (largest {biggest}) through "
              f"rsyslog in {seconds:.2f}s: {len(entries) / seconds:.0f} messages/s, "
              f"{total / seconds / 1e6:.1f} MB/s")
        t.check_equal(play_es(tlog_play, es, rec), output, "tlog-play -r es after a flood")

        # imjournal writes its state when it ends: in the work directory.
        finish(tmp, rsyslogd)
        t.check(os.path.exists(os.path.join(tmp, "tlog-imjournal.state")),
                f"imjournal's state file is not in the work directory: {os.listdir(tmp)}")


def check_ids(rec, docs):
    """Each message once, in order: ids 1..n (the count the journal case
    takes from the journal)."""
    ids = [d["id"] for d in docs]
    t.check(ids == list(range(1, len(docs) + 1)),
            f"{rec}: message ids {ids[:10]}... are not 1..{len(docs)} (duplicates? gaps?)")
    for n, doc in enumerate(docs, 1):
        check_timestamp(rec, n, doc)


def case_uxsock(tlog_rec, tlog_play, rsyslogd_path):
    requirements(rsyslogd_path, "imuxsock")
    nobody = pwd.getpwnam("nobody")
    with running(rsyslogd_path, uxsock_config, nobody.pw_uid) as (tmp, es, rsyslogd):
        # The recorder (nobody) must reach TMP/log; imuxsock makes the
        # socket itself 0666.
        os.chmod(tmp, 0o711)
        socket_path = os.path.join(tmp, "log")
        writer = ["-w", "syslog", f"--syslog-socket={socket_path}"]
        # Ready once imuxsock has bound its socket: what is sent then waits
        # in the socket until rsyslogd reads it (no probe needed; the
        # journal case's probe is for imjournal starting at the end).
        deadline = time.monotonic() + WAIT
        while not os.path.exists(socket_path):
            rsyslogd.check_running()
            t.check(time.monotonic() < deadline, f"imuxsock made no {socket_path} within "
                    f"{WAIT:.0f}s; rsyslogd said: {rsyslogd.output()[-2000:]}")
            time.sleep(0.05)

        # Another uid's recording (root's) must not be indexed. imuxsock
        # reads its socket in order: once the next one has arrived, this
        # one was seen.
        other, _ = run_recorder(tlog_rec, ["printf", "not for elasticsearch\\n"], None, writer)

        # A recording of several hundred messages, UTF-8 and invalid bytes.
        rec, output = run_recorder(tlog_rec, MANY_LINES, nobody,
                                   [*writer, "--payload=256"])
        docs, _ = wait_rebuilt(es, rsyslogd, rec, output)
        t.check(len(docs) > 200, f"{rec}: only {len(docs)} messages")
        check_pidfile(rsyslogd)  # written by now for sure
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
            rec, output = run_recorder(
                tlog_rec, FLOOD,
                nobody, [*writer, "--payload=65536"])
        finally:
            timer.cancel()
            if not continued:
                cont()
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

        finish(tmp, rsyslogd)


CASES = {"journal": case_journal, "uxsock": case_uxsock}


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    # The recorder runs in /, so the programs' paths must not be relative.
    t.run_main(lambda: CASES[sys.argv[1]](*map(os.path.abspath, sys.argv[2:])))


if __name__ == "__main__":
    main()
