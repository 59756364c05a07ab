#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play -r es against the Elasticsearch-protocol stand-in
(es_standin.py; no Elasticsearch server is installable here).

usage: es_tests.py CASE TLOG_REC TLOG_PLAY     CASE: a name in CASES

A recording made by our tlog-rec (file writer) is bulk-loaded as documents
with an added "timestamp", as the rsyslog template makes them, and played
back through the es reader, which must reproduce it byte for byte."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlogtest as t  # noqa: E402
from standin_client import Standin  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


@contextlib.contextmanager
def standin():
    """A scratch directory and a stand-in on it, both gone afterwards."""
    tmp = tempfile.mkdtemp(prefix="tlog-es-rec-")
    es = Standin(tmp)
    try:
        yield tmp, es
    finally:
        es.close()
        shutil.rmtree(tmp)


def make_recording(tlog_rec, tmp, payload=64):
    path = os.path.join(tmp, "rec.log")
    script = ("i=0; while [ $i -lt 3000 ]; do printf 'line %04d caf\\303\\251 \\377\\n' $i;"
              " i=$((i+1)); done")
    r = t.run([tlog_rec, "-o", path, f"--payload={payload}", "sh", "-c", script], env=t.test_env())
    t.check(r.returncode == 0, f"tlog-rec failed: {r.stderr!r}")
    return t.load_messages(path), r.stdout


def play(tlog_play, es, args, check_ok=True):
    r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/tlog/_search", *args],
              env=t.test_env(), timeout=60)
    if check_ok:
        t.check(r.returncode == 0, f"tlog-play {args}: {t.describe_status(r.returncode)} "
                f"{r.stderr.decode(errors='replace')}")
    return r


def case_play(tlog_rec, tlog_play):
    with standin() as (tmp, es):
        messages, output = make_recording(tlog_rec, tmp)
        t.check(len(messages) > 1200, f"want more than two pages of 500, got {len(messages)}")
        rec = messages[0]["rec"]
        other = [dict(m, rec="other-recording", out_txt="X" * len(m["out_txt"]))
                 for m in messages[:5]]
        es.load("tlog", messages + other)
        r = play(tlog_play, es, [f"--rec={rec}"])
        t.check_equal(r.stdout, output, "es playback (search_after paging)")
        r = play(tlog_play, es, [f"--es-query=rec:\"{rec}\"", "--es-user=alice:s3cret"])
        t.check_equal(r.stdout, output, "es playback by --es-query")
        with urllib.request.urlopen(es.url + "/_standin/stats", timeout=10) as answer:
            auth = json.loads(answer.read())["authorization"]
        import base64
        t.check(auth == "Basic " + base64.b64encode(b"alice:s3cret").decode(),
                f"--es-user sent {auth!r}")
        r = play(tlog_play, es, ["--list", "--json"])
        listed = {x["rec"]: x for x in json.loads(r.stdout)}
        t.check(set(listed) == {rec, "other-recording"}, f"--list over ES: {list(listed)}")
        t.check(listed[rec]["messages"] == len(messages), f"message count {listed[rec]}")
        # Two recordings match: both are listed, none plays; --newest
        # plays the newest after the list.
        r = play(tlog_play, es, ["--user=" + messages[0]["user"]], check_ok=False)
        t.check(r.returncode == 1 and not r.stdout and b"2 recordings match" in r.stderr and
                rec.encode() in r.stderr and b"other-recording" in r.stderr,
                f"selection of two: {r.returncode} {r.stderr!r}")
        r = play(tlog_play, es, ["--user=" + messages[0]["user"], "--newest"])
        t.check(b"2 recordings match" in r.stderr and b"playing the newest" in r.stderr,
                f"--newest: {r.stderr!r}")


def case_faults(tlog_rec, tlog_play):
    with standin() as (tmp, es):
        messages, output = make_recording(tlog_rec, tmp, payload=2048)
        rec = messages[0]["rec"]
        es.load("tlog", messages)
        es.fault({"status": 503, "count": 2})
        r = play(tlog_play, es, [f"--rec={rec}"])
        t.check_equal(r.stdout, output, "playback after two 503 answers")
        t.check(r.stderr.count(b"retrying") == 2, f"retries not reported: {r.stderr!r}")
        es.fault({"drop": 1})
        r = play(tlog_play, es, [f"--rec={rec}"])
        t.check_equal(r.stdout, output, "playback after a dropped connection")
        # Too many requests (Elasticsearch under load) is asked again too.
        es.fault({"status": 429, "count": 1})
        r = play(tlog_play, es, [f"--rec={rec}"])
        t.check_equal(r.stdout, output, "playback after a 429 answer")
        t.check(r.stderr.count(b"retrying") == 1, f"429 not retried: {r.stderr!r}")
        # A message indexed twice (rsyslog retrying a bulk request) plays
        # once; the same id with other text is refused, not chosen from.
        es.load("twice", messages[:3] + [messages[2]] + messages[3:])
        r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/twice/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        t.check(r.returncode == 0, f"a message twice: {r.stderr!r}")
        t.check_equal(r.stdout, output, "playback with a message indexed twice")
        forged = dict(messages[2], out_txt="forged", timing=">6")
        es.load("other", messages[:3] + [forged] + messages[3:])
        r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/other/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        t.check(r.returncode == 1 and b"forged" not in r.stdout, f"same id, other text: "
                f"{r.returncode} {r.stderr!r}")
        # A slow answer within the timeout is waited for; one past it
        # (--es-timeout) is abandoned and asked again.
        es.fault({"delay_ms": 1500, "count": 1})
        r = play(tlog_play, es, [f"--rec={rec}"])
        t.check_equal(r.stdout, output, "playback after a slow answer")
        t.check(b"retrying" not in r.stderr, f"a slow answer was retried: {r.stderr!r}")
        # An answer that would take ten minutes: only the timeout can end
        # this run within the test's time.
        es.fault({"delay_ms": 600000, "count": 1})
        r = play(tlog_play, es, [f"--rec={rec}", "--es-timeout=1"])
        t.check_equal(r.stdout, output, "playback after a timed-out answer")
        t.check(r.stderr.count(b"retrying") == 1 and b"imeout" in r.stderr,
                f"timeout not reported: {r.stderr!r}")
        es.fault({"malformed": 1})
        r = play(tlog_play, es, [f"--rec={rec}"], check_ok=False)
        t.check(r.returncode == 1 and b"malformed" in r.stderr and r.stdout == b"",
                f"malformed answer: {r.returncode} {r.stderr!r} {r.stdout[:40]!r}")
        r = play(tlog_play, es, ["--es-query=rec:\"unterminated"], check_ok=False)
        t.check(r.returncode == 1 and b"HTTP 400" in r.stderr, f"400: {r.stderr!r}")
        # An index rsyslog has not made yet (Elasticsearch answers 404
        # index_not_found_exception): said once, with the server's words,
        # not retried; a pattern that matches nothing is no recording.
        r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/nosuch/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        t.check(r.returncode == 1 and r.stdout == b"" and b"retrying" not in r.stderr and
                b"HTTP 404: no such index [nosuch]" in r.stderr,
                f"missing index: {r.returncode} {r.stderr!r}")
        r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/nosuch-*/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        t.check(r.returncode == 1 and r.stdout == b"" and b"HTTP 404" not in r.stderr and
                b"retrying" not in r.stderr, f"pattern matching no index: {r.returncode} "
                f"{r.stderr!r}")
        es.fault({"status": 500, "count": 10})
        r = play(tlog_play, es, [f"--rec={rec}"], check_ok=False)
        t.check(r.returncode == 1 and b"giving up after 5 attempts" in r.stderr,
                f"persistent 500s: {r.stderr!r}")
        es.fault({"status": 200, "count": 0})
        r = t.run([tlog_play, "-r", "es", "--es-baseurl=http://127.0.0.1:1/tlog/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        # Each line names the URL once and libcurl's reason once.
        last = r.stderr.splitlines()[-1] if r.stderr else b""
        t.check(r.returncode == 1 and last.count(b"http://127.0.0.1:1/tlog/_search") == 1 and
                b"giving up after 5 attempts: Failed to connect to 127.0.0.1 port 1" in last and
                last.count(b"Couldn't connect to server") == 1, f"unreachable: {r.stderr!r}")


def read_until(proc, want, timeout):
    """Reads proc's stdout until it holds @want (bytes) or @timeout seconds pass."""
    import select
    got = b""
    deadline = time.monotonic() + timeout
    while not got.startswith(want) or len(got) < len(want):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            break
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        got += chunk
    return got


def case_follow(tlog_rec, tlog_play):
    """--follow over ES: the first half is in the index when playback starts,
    the rest arrives later; tlog-play polls (with growing pauses) and plays
    it, then ends on SIGTERM."""
    with standin() as (tmp, es):
        proc = None
        try:
            messages, output = make_recording(tlog_rec, tmp, payload=2048)
            t.check(len(messages) >= 4, f"want several messages, got {len(messages)}")
            rec = messages[0]["rec"]
            half = len(messages) // 2
            es.load("tlog", messages[:half])
            head = play(tlog_play, es, [f"--rec={rec}"]).stdout
            t.check(output.startswith(head), "the first half is not a prefix of the recording")
            proc = subprocess.Popen([tlog_play, "-r", "es", f"--es-baseurl={es.url}/tlog/_search",
                                     f"--rec={rec}", "--follow"], env=t.test_env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            # What the first half plays as, from a run without --follow.
            got = read_until(proc, head, 20)
            t.check(len(head) > 0 and got == head,
                    f"first half while following: {len(got)} of {len(head)} bytes")
            searches_before = es.stats()["search"]
            time.sleep(3)
            idle_searches = es.stats()["search"] - searches_before
            # Polling with growing pauses (250 ms doubling to 5 s): a handful in
            # 3 s, not a busy loop.
            t.check(1 <= idle_searches <= 8, f"{idle_searches} searches in 3 s while idle")
            t.check(proc.poll() is None, "tlog-play --follow ended on its own")
            es.load("tlog", messages[half:])
            started = time.monotonic()
            got += read_until(proc, output[len(got):], 20)
            waited = time.monotonic() - started
            t.check_equal(got, output, "es --follow playback after the rest was indexed")
            print(f"the rest played {waited:.2f} s after it was indexed "
                  f"({idle_searches} searches in 3 s idle)")
            proc.terminate()
            rc = proc.wait(10)
            err = proc.stderr.read()
            t.check(rc in (0, 128 + 15, -15), f"tlog-play after SIGTERM: {t.describe_status(rc)} {err!r}")
            t.check(b"error" not in err.lower(), f"tlog-play complained: {err!r}")
        finally:
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait()


def case_follow_order(tlog_rec, tlog_play):
    """--follow when a message becomes searchable after a later one (shards
    refresh apart): the player waits at the gap instead of skipping the
    message (which, before, ended playback with "message N missing"), and
    stops by itself at the recording's marked end."""
    with standin() as (tmp, es):
        proc = None
        try:
            messages, output = make_recording(tlog_rec, tmp, payload=2048)
            t.check(len(messages) >= 6 and messages[-1].get("tlog_end") is True,
                    f"want several messages, the last marked: {len(messages)}")
            rec = messages[0]["rec"]
            late = len(messages) // 2
            es.load("tlog", messages[:late])
            head = play(tlog_play, es, [f"--rec={rec}"]).stdout
            es.load("tlog", messages[late + 1:])
            proc = subprocess.Popen([tlog_play, "-r", "es", f"--es-baseurl={es.url}/tlog/_search",
                                     f"--rec={rec}", "--follow"], env=t.test_env(),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            got = read_until(proc, head, 30)
            t.check(got == head, f"before the gap: {len(got)} of {len(head)} bytes")
            # Searched at least twice more while the gap stands: it was waited at.
            searches = es.stats()["search"]
            while es.stats()["search"] < searches + 2:
                if proc.poll() is not None:
                    raise t.Failure(f"tlog-play ended at the gap: {proc.stderr.read()!r}")
                time.sleep(0.05)
            es.load("tlog", [messages[late]])
            out, err = proc.communicate(timeout=60)
            t.check(proc.returncode == 0 and b"missing" not in err,
                    f"tlog-play: {t.describe_status(proc.returncode)} {err!r}")
            t.check_equal(got + out, output, "es --follow across a late message")
            t.check(b"ended: its recorder marked its last message" in err, f"not said: {err!r}")
        finally:
            if proc and proc.poll() is None:
                proc.kill()
                proc.wait()


def case_verify(tlog_rec, tlog_play):
    """--verify over Elasticsearch: a signed recording loaded as documents
    (re-encoded by Python's json, \\u escapes and all, then by the reader)
    is intact; an edited, a dropped, a swapped message and a cut end, each
    made in the index, are NOT INTACT, exit 1."""
    with standin() as (tmp, es):
        key, pub = t.make_keys(tmp)
        path = os.path.join(tmp, "rec.log")
        script = ("i=0; while [ $i -lt 400 ]; do printf 'line %04d caf\\303\\251 \\377\\n' $i;"
                  " i=$((i+1)); done")
        r = t.run([tlog_rec, "-o", path, "--payload=256", f"--sign-key={key}", "sh", "-c",
                   script], env=t.test_env())
        t.check(r.returncode == 0, f"tlog-rec failed: {r.stderr!r}")
        messages = t.load_messages(path)
        t.check(len(messages) > 8, f"only {len(messages)} messages")
        rec = messages[0]["rec"]

        def verdict(index, docs):
            es.load(index, docs)
            r = t.run([tlog_play, "-r", "es", f"--es-baseurl={es.url}/{index}/_search",
                       f"--rec={rec}", f"--verify={pub}"], env=t.test_env(), timeout=60)
            out = r.stdout.decode(errors="replace")
            print(f"{index}: exit {r.returncode}: {out.strip()}")
            return r.returncode, out

        code, out = verdict("intact", messages)
        t.check(code == 0 and f": intact: messages 1-{len(messages)}," in out, out)
        edited = [dict(m) for m in messages]
        edited[3]["out_txt"] = edited[3]["out_txt"].replace("line", "lime", 1)
        swapped = [dict(m) for m in messages]
        swapped[3]["id"], swapped[4]["id"] = swapped[4]["id"], swapped[3]["id"]
        for index, docs, expected in (
                ("edited", edited, "the signature does not match"),
                ("dropped", messages[:3] + messages[4:], "message 4 is missing"),
                ("swapped", swapped, "the signature does not match"),
                ("truncated", messages[:-1], "NOT INTACT")):
            code, out = verdict(index, docs)
            t.check(code == 1 and "NOT INTACT" in out and expected in out,
                    f"{index}: exit {code}, {out!r}, expected {expected!r}")


def wait_for_faults(es, count, proc):
    """Waits until the stand-in has served @count injected faults (the
    player's requests reached it), while @proc runs."""
    deadline = time.monotonic() + 60
    while es.stats()["faults"] < count:
        if proc.proc.poll() is not None:
            raise t.Failure(f"tlog-play ended first: {bytes(proc.output[-300:])!r}")
        t.check(time.monotonic() < deadline, f"no request reached the stand-in: {es.stats()}")
        proc._read_once(0.05)


def case_responsive(tlog_rec, tlog_play):
    """Keys and signals while Elasticsearch is slow or failing: the player
    on a terminal pauses and quits while its request hangs (the answer
    would take ten minutes, --es-timeout is longer still), ends on SIGTERM
    likewise, and quits while following through an outage (5xx answers
    retried without end). Before the reader ran in the event loop each of
    these waited for the request or the retries."""
    with standin() as (tmp, es):
        messages, _ = make_recording(tlog_rec, tmp)
        t.check(len(messages) > 500, f"want more than a page of 500, got {len(messages)}")
        rec = messages[0]["rec"]
        es.load("tlog", messages)
        base = [tlog_play, "-r", "es", f"--es-baseurl={es.url}/tlog/_search", f"--rec={rec}",
                "--es-timeout=3600"]
        env = t.test_env()

        # The first search hangs: nothing has played yet.
        es.fault({"delay_ms": 600000, "count": 1})
        faults = es.stats()["faults"]
        player = t.PtyProcess(base, env=env)
        try:
            wait_for_faults(es, faults + 1, player)
            started = time.monotonic()
            player.write(b"q")
            code = player.wait_exit(timeout=60)
            quit_after = time.monotonic() - started
            t.check(code == 0, f"q during the first search: {t.describe_status(code)} "
                    f"{bytes(player.output[-300:])!r}")
            print(f"first search hanging: quit after {quit_after * 1000:.0f} ms")
        finally:
            player.kill()

        # The second page's search hangs: the first page plays, and the
        # player, waiting for more, pauses and quits.
        es.fault({"clear": True})
        es.fault({"delay_ms": 0, "count": 1})
        es.fault({"delay_ms": 600000, "count": 1})
        faults = es.stats()["faults"]
        player = t.PtyProcess(base + ["--status"], env=env)
        try:
            wait_for_faults(es, faults + 2, player)
            player.read_until(b"line 0100", timeout=60)
            started = time.monotonic()
            player.write(b" ")
            player.read_until(b"paused", timeout=60)
            paused = time.monotonic() - started
            started = time.monotonic()
            player.write(b"q")
            code = player.wait_exit(timeout=60)
            quit_after = time.monotonic() - started
            t.check(code == 0, f"q during a hanging request: {t.describe_status(code)} "
                    f"{bytes(player.output[-300:])!r}")
            print(f"second search hanging: paused after {paused * 1000:.0f} ms, "
                  f"quit after {quit_after * 1000:.0f} ms")
        finally:
            player.kill()

        es.fault({"clear": True})
        es.fault({"delay_ms": 600000, "count": 1})
        faults = es.stats()["faults"]
        player = t.PtyProcess(base, env=env)
        try:
            wait_for_faults(es, faults + 1, player)
            os.kill(player.proc.pid, signal.SIGTERM)
            code = player.wait_exit(timeout=60)
            t.check(code in (128 + signal.SIGTERM, -signal.SIGTERM),
                    f"SIGTERM during a hanging request: {t.describe_status(code)}")
        finally:
            player.kill()

        es.fault({"clear": True})
        es.fault({"status": 503, "count": 100000})
        faults = es.stats()["faults"]
        err = open(os.path.join(tmp, "outage.err"), "w+b")
        player = t.PtyProcess(base + ["--follow"], env=env, stderr=err)
        try:
            wait_for_faults(es, faults + 3, player)
            started = time.monotonic()
            player.write(b"q")
            code = player.wait_exit(timeout=60)
            quit_after = time.monotonic() - started
            err.seek(0)
            said = err.read()
            t.check(code == 0 and said.count(b"HTTP 503") >= 3 and b"retrying" in said,
                    f"q while retrying: {t.describe_status(code)} {said!r}")
            print(f"retrying through an outage: quit after {quit_after * 1000:.0f} ms")
        finally:
            player.kill()
            err.close()
        es.fault({"clear": True})


def case_list_many(tlog_rec, tlog_play):
    """--list over more recordings than one aggregation answer holds (10 000
    buckets was the old terms aggregation's size): every one is listed,
    oldest first, from a composite aggregation paged by its after_key."""
    with standin() as (tmp, es):
        messages, _ = make_recording(tlog_rec, tmp, payload=2048)
        first = messages[0]
        count = 10050
        docs = []
        for i in range(count):
            # Names in one order, start times in the opposite one.
            docs.append(dict(first, rec=f"many-{i:05d}", time=first["time"] + (count - i) * 60,
                             id=1))
        for at in range(0, count, 2000):
            es.load("tlog", docs[at:at + 2000])
        searches = es.stats()["search"]
        r = play(tlog_play, es, ["--list", "--json"])
        listed = json.loads(r.stdout)
        asked = es.stats()["search"] - searches
        t.check(len(listed) == count, f"--list gave {len(listed)} of {count} recordings")
        recs = [x["rec"] for x in listed]
        t.check(recs == [f"many-{i:05d}" for i in reversed(range(count))],
                f"not oldest first: {recs[:3]} ... {recs[-3:]}")
        t.check(asked == 11, f"{asked} searches for {count} recordings, want 11 pages of 1000")
        print(f"{count} recordings listed with {asked} searches")


CASES = {"play": case_play, "faults": case_faults, "follow": case_follow,
         "follow_order": case_follow_order, "verify": case_verify,
         "responsive": case_responsive, "list_many": case_list_many}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.run_main(lambda: CASES[sys.argv[1]](sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
