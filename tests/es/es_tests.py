#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tlog-play -r es against the Elasticsearch-protocol stand-in
(es_standin.py; no Elasticsearch server is installable here).

usage: es_tests.py CASE TLOG_REC TLOG_PLAY     CASE: play, faults

A recording made by our tlog-rec (file writer) is bulk-loaded as documents
with an added "timestamp", as the rsyslog template makes them, and played
back through the es reader, which must reproduce it byte for byte."""

import json
import os
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
    tmp = tempfile.mkdtemp(prefix="tlog-es-rec-")
    es = Standin(tmp)
    try:
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
        # Two recordings match: the newest plays, the other is named.
        r = play(tlog_play, es, ["--user=" + messages[0]["user"]])
        t.check(b"2 recordings match" in r.stderr, f"selection note: {r.stderr!r}")
    finally:
        es.close()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


def case_faults(tlog_rec, tlog_play):
    tmp = tempfile.mkdtemp(prefix="tlog-es-rec-")
    es = Standin(tmp)
    try:
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
        es.fault({"malformed": 1})
        r = play(tlog_play, es, [f"--rec={rec}"], check_ok=False)
        t.check(r.returncode == 1 and b"malformed" in r.stderr and r.stdout == b"",
                f"malformed answer: {r.returncode} {r.stderr!r} {r.stdout[:40]!r}")
        r = play(tlog_play, es, ["--es-query=rec:\"unterminated"], check_ok=False)
        t.check(r.returncode == 1 and b"HTTP 400" in r.stderr, f"400: {r.stderr!r}")
        es.fault({"status": 500, "count": 10})
        r = play(tlog_play, es, [f"--rec={rec}"], check_ok=False)
        t.check(r.returncode == 1 and b"giving up after 5 attempts" in r.stderr,
                f"persistent 500s: {r.stderr!r}")
        es.fault({"status": 200, "count": 0})
        r = t.run([tlog_play, "-r", "es", "--es-baseurl=http://127.0.0.1:1/tlog/_search",
                   f"--rec={rec}"], env=t.test_env(), timeout=60)
        t.check(r.returncode == 1 and b"127.0.0.1:1" in r.stderr, f"unreachable: {r.stderr!r}")
    finally:
        es.close()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


CASES = {"play": case_play, "faults": case_faults}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CASES:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.run_main(lambda: CASES[sys.argv[1]](sys.argv[2], sys.argv[3]))


if __name__ == "__main__":
    main()
