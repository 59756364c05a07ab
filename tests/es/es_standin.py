#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small Elasticsearch-protocol stand-in for tests (no Elasticsearch
server is installable here). It keeps documents in memory and implements
what tlog's path needs, faithfully enough to test against:

  POST [/INDEX[/TYPE]]/_bulk      NDJSON index/create actions (rsyslog's omelasticsearch)
  GET|POST /INDEX[/TYPE]/_search  query_string queries (field:value, quoted values,
                                  ranges >, >=, <, <=, [a TO b], now-7d, wildcards *,
                                  AND/OR/NOT, parentheses), q= in the URL, sort,
                                  size, from (refusing from+size > 10000 as ES does),
                                  search_after, terms/min/max aggregations
  GET /                           cluster info (version 7.17.0)
  POST /_standin/faults           inject faults into the next answers:
                                  {"status": 500, "count": 2}, {"delay_ms": 3000, "count": 1},
                                  {"drop": 1} (close the connection unanswered),
                                  {"malformed": 1} (a body that is not JSON)
  GET /_standin/stats             request counts and the last search's Authorization
                                  header, for tests

Usage: es_standin.py PORT_FILE   (binds 127.0.0.1 on a free port, writes it to PORT_FILE)
"""
import datetime
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

LOCK = threading.Lock()
INDICES = {}  # name -> list of (id, doc)
FAULTS = []   # queue of fault dicts, one consumed per _search/_bulk answer
STATS = {"search": 0, "bulk": 0, "docs": 0, "faults": 0, "authorization": None}
MAX_WINDOW = 10000


# ---- query_string -------------------------------------------------------

TOKEN = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s()]+)')


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ValueError("cannot parse query at %d" % pos)
        out.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


def parse_time(value):
    m = re.fullmatch(r"now(?:([+-])(\d+)([smhdw]))?", value)
    if m:
        t = time.time()
        if m.group(1):
            n = int(m.group(2)) * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(3)]
            t = t - n if m.group(1) == "-" else t + n
        return t
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def compare_key(doc_value, literal):
    """Returns comparable (a, b) for doc_value and the query literal."""
    if isinstance(doc_value, (int, float)) and not isinstance(doc_value, bool):
        try:
            return doc_value, float(literal)
        except ValueError:
            return None
    if isinstance(doc_value, str):
        a, b = parse_time(doc_value), parse_time(literal)
        if a is not None and b is not None:
            return a, b
        return doc_value, literal
    return None


def field_value(doc, field):
    for part in field.split("."):
        if part == "keyword" and not isinstance(doc, dict):
            break
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def term_matches(doc, field, literal):
    if field is None:
        return any(term_matches(doc, k, literal) for k in doc)
    value = field_value(doc, field)
    if value is None:
        return False
    for op in (">=", "<=", ">", "<"):
        if literal.startswith(op):
            pair = compare_key(value, literal[len(op):])
            if pair is None:
                return False
            a, b = pair
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    if literal.startswith("[") and " TO " in literal:
        lo, hi = literal[1:-1].split(" TO ", 1)
        ok = True
        if lo.strip() != "*":
            p = compare_key(value, lo.strip())
            ok = ok and p is not None and p[0] >= p[1]
        if hi.strip() != "*":
            p = compare_key(value, hi.strip())
            ok = ok and p is not None and p[0] <= p[1]
        return ok
    if literal.startswith('"'):
        literal = json.loads(literal)
    if isinstance(value, bool):
        return str(value).lower() == literal.lower()
    if isinstance(value, (int, float)):
        try:
            return float(literal) == value
        except ValueError:
            return False
    if "*" in literal:
        rx = re.escape(literal).replace(r"\*", ".*")
        return re.fullmatch(rx, str(value)) is not None
    return str(value) == literal


class Query:
    def __init__(self, text):
        self.tokens = tokenize(text) if text.strip() not in ("", "*") else []
        self.pos = 0
        self.tree = self.parse_or() if self.tokens else ("all",)
        if self.pos != len(self.tokens):
            raise ValueError("unexpected '%s'" % self.tokens[self.pos])

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self):
        node = self.parse_and()
        while self.peek() == "OR":
            self.pos += 1
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_not()
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self):
        if self.peek() == "NOT":
            self.pos += 1
            return ("not", self.parse_not())
        return self.parse_atom()

    def parse_atom(self):
        tok = self.peek()
        if tok is None:
            raise ValueError("query ends early")
        self.pos += 1
        if tok == "(":
            node = self.parse_or()
            if self.peek() != ")":
                raise ValueError("missing )")
            self.pos += 1
            return node
        if ":" in tok and not tok.startswith('"'):
            field, literal = tok.split(":", 1)
            if literal == "" and self.peek() is not None:
                literal = self.tokens[self.pos]
                self.pos += 1
            return ("term", field, literal)
        return ("term", None, tok)

    def matches(self, doc, node=None):
        node = node or self.tree
        kind = node[0]
        if kind == "all":
            return True
        if kind == "and":
            return self.matches(doc, node[1]) and self.matches(doc, node[2])
        if kind == "or":
            return self.matches(doc, node[1]) or self.matches(doc, node[2])
        if kind == "not":
            return not self.matches(doc, node[1])
        return term_matches(doc, node[1], node[2])


# ---- search -------------------------------------------------------------

def sort_spec(sort):
    out = []
    for item in sort or []:
        if isinstance(item, str):
            out.append((item, "asc"))
        else:
            for field, how in item.items():
                order = how if isinstance(how, str) else how.get("order", "asc")
                out.append((field, order))
    return out


def search(index_names, body, url_query):
    query_text = "*"
    q = body.get("query")
    if q:
        if "query_string" in q:
            query_text = q["query_string"]["query"]
        elif "match_all" not in q:
            raise ValueError("the stand-in understands query_string and match_all only")
    if "q" in url_query:
        query_text = url_query["q"][0]
    query = Query(query_text)
    size = int(body.get("size", url_query.get("size", [10])[0]))
    start = int(body.get("from", url_query.get("from", [0])[0]))
    if start + size > MAX_WINDOW:
        return 400, {"error": {"type": "illegal_argument_exception",
                               "reason": "Result window is too large, from + size must be "
                                         "less than or equal to: [%d] but was [%d]."
                                         % (MAX_WINDOW, start + size)}, "status": 400}
    docs = []
    with LOCK:
        for name in index_names:
            for doc_id, doc in INDICES.get(name, []):
                if query.matches(doc):
                    docs.append((name, doc_id, doc))
    keys = sort_spec(body.get("sort"))

    def key_of(entry):
        return [field_value(entry[2], f) for f, _ in keys]

    for field, order in reversed(keys):
        docs.sort(key=lambda e: (field_value(e[2], field) is None, field_value(e[2], field)),
                  reverse=(order == "desc"))
    after = body.get("search_after")
    if after is not None:
        if len(after) != len(keys):
            return 400, {"error": {"type": "illegal_argument_exception",
                                   "reason": "search_after has %d value(s) but sort has %d"
                                             % (len(after), len(keys))}, "status": 400}

        def past(entry):
            for (field, order), a in zip(keys, after):
                v = field_value(entry[2], field)
                if v == a:
                    continue
                return (v > a) if order == "asc" else (v < a)
            return False
        docs = [d for d in docs if past(d)]
    total = len(docs)
    page = docs[start:start + size]
    hits = []
    for name, doc_id, doc in page:
        hit = {"_index": name, "_id": doc_id, "_score": None, "_source": doc}
        if keys:
            hit["sort"] = key_of((name, doc_id, doc))
        hits.append(hit)
    answer = {"took": 1, "timed_out": False,
              "hits": {"total": {"value": total, "relation": "eq"}, "max_score": None,
                       "hits": hits}}
    if "aggs" in body or "aggregations" in body:
        answer["aggregations"] = aggregate(body.get("aggs") or body.get("aggregations"),
                                           [d[2] for d in docs])
    return 200, answer


def aggregate(spec, docs):
    out = {}
    for name, agg in spec.items():
        if "terms" in agg:
            field = agg["terms"]["field"]
            groups = {}
            for d in docs:
                v = field_value(d, field)
                if v is not None:
                    groups.setdefault(v, []).append(d)
            buckets = []
            for key, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
                bucket = {"key": key, "doc_count": len(group)}
                if "aggs" in agg or "aggregations" in agg:
                    bucket.update(aggregate(agg.get("aggs") or agg.get("aggregations"), group))
                buckets.append(bucket)
            out[name] = {"buckets": buckets[:agg["terms"].get("size", 10)]}
        elif "min" in agg or "max" in agg:
            kind = "min" if "min" in agg else "max"
            values = [field_value(d, agg[kind]["field"]) for d in docs]
            values = [v for v in values if isinstance(v, (int, float))]
            out[name] = {"value": (min if kind == "min" else max)(values) if values else None}
        elif "top_hits" in agg:
            keys = sort_spec(agg["top_hits"].get("sort"))
            ordered = list(docs)
            for field, order in reversed(keys):
                ordered.sort(key=lambda d: field_value(d, field), reverse=(order == "desc"))
            n = agg["top_hits"].get("size", 3)
            out[name] = {"hits": {"hits": [{"_source": d} for d in ordered[:n]]}}
    return out


# ---- HTTP ---------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as ES

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, raw=None):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def fault(self):
        with LOCK:
            if not FAULTS:
                return False
            f = FAULTS[0]
            f["count"] = f.get("count", 1) - 1
            if f["count"] <= 0:
                FAULTS.pop(0)
            STATS["faults"] += 1
        if "delay_ms" in f:
            time.sleep(f["delay_ms"] / 1000.0)
            return False
        if "drop" in f:
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        if "malformed" in f:
            self.reply(200, None, raw=b'{"hits": {"hits": [{"_source": ')
            return True
        self.reply(f.get("status", 500), {"error": {"type": "standin_fault",
                                                    "reason": "injected fault"},
                                          "status": f.get("status", 500)})
        return True

    def do_GET(self):
        self.dispatch(b"")

    def do_POST(self):
        self.dispatch(self.body())

    def do_PUT(self):
        self.dispatch(self.body())

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def dispatch(self, raw):
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        try:
            if parts == ["_standin", "faults"]:
                with LOCK:
                    FAULTS.append(json.loads(raw))
                return self.reply(200, {"ok": True})
            if parts == ["_standin", "stats"]:
                with LOCK:
                    return self.reply(200, dict(STATS, indices={k: len(v) for k, v in INDICES.items()}))
            if not parts:
                return self.reply(200, {"name": "standin", "cluster_name": "tlog-test",
                                        "version": {"number": "7.17.0"},
                                        "tagline": "You Know, for Search"})
            if parts[-1] == "_bulk":
                with LOCK:
                    STATS["bulk"] += 1
                if self.fault():
                    return
                return self.bulk(parts[0] if len(parts) > 1 else None, raw)
            if parts[-1] == "_search":
                with LOCK:
                    STATS["search"] += 1
                    STATS["authorization"] = self.headers.get("Authorization")
                if self.fault():
                    return
                body = json.loads(raw) if raw.strip() else {}
                names = parts[0].split(",") if len(parts) > 1 else list(INDICES)
                status, answer = search(names, body, parse_qs(url.query))
                return self.reply(status, answer)
            if parts[-1] in ("_refresh", "_flush"):
                return self.reply(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
            if len(parts) == 1 and self.command == "PUT":
                INDICES.setdefault(parts[0], [])
                return self.reply(200, {"acknowledged": True, "index": parts[0]})
            return self.reply(404, {"error": {"type": "not_found", "reason": "no handler for " + url.path},
                                    "status": 404})
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"error": {"type": "parsing_exception", "reason": str(e)},
                                    "status": 400})

    def bulk(self, default_index, raw):
        lines = [l for l in raw.split(b"\n") if l.strip()]
        items, errors = [], False
        i = 0
        while i < len(lines):
            action = json.loads(lines[i])
            (kind, meta), = action.items()
            doc = json.loads(lines[i + 1])
            i += 2
            name = meta.get("_index", default_index)
            with LOCK:
                docs = INDICES.setdefault(name, [])
                doc_id = meta.get("_id") or "doc%d" % (STATS["docs"] + 1)
                docs.append((doc_id, doc))
                STATS["docs"] += 1
            items.append({kind: {"_index": name, "_id": doc_id, "status": 201, "result": "created"}})
        self.reply(200, {"took": 1, "errors": errors, "items": items})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
