# SPDX-License-Identifier: GPL-2.0-or-later
"""Starts es_standin.py (the Elasticsearch-protocol stand-in) for a test and
talks to it; shared by es_tests.py and rsyslog_e2e.py."""

import json
import os
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import tlogtest as t  # noqa: E402


class Standin:
    """The stand-in on a free loopback port; its stderr goes to TMP/standin.err."""

    def __init__(self, tmp):
        portfile = os.path.join(tmp, "port")
        self.log = open(os.path.join(tmp, "standin.err"), "wb")
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "es_standin.py"), portfile],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 10
        while not (os.path.exists(portfile) and os.path.getsize(portfile)):
            t.check(time.monotonic() < deadline and self.proc.poll() is None,
                    "the ES stand-in did not start")
            time.sleep(0.05)
        with open(portfile) as f:
            self.port = int(f.read())
        self.url = f"http://127.0.0.1:{self.port}"

    def request(self, path, body=None, raw=None, kind="application/json"):
        """POSTs @body (as JSON) or @raw (text), GETs without either; returns the JSON answer."""
        data = raw.encode() if raw is not None else (
            json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, headers={"Content-Type": kind},
                                     method="POST" if data is not None else "GET")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def stats(self):
        return self.request("/_standin/stats")

    def fault(self, spec):
        self.request("/_standin/faults", spec)

    def load(self, index, messages):
        """Bulk-loads tlog messages as rsyslog's template shapes them: a
        "timestamp" in front of the message's own fields."""
        lines = []
        for m in messages:
            doc = {"timestamp": "2026-11-28T10:00:00+00:00"}
            doc.update(m)
            lines.append(json.dumps({"index": {"_index": index}}))
            lines.append(json.dumps(doc))
        answer = self.request("/_bulk", raw="\n".join(lines) + "\n", kind="application/x-ndjson")
        t.check(not answer["errors"], f"bulk load failed: {answer}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
