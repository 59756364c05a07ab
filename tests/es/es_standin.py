#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small Elasticsearch-protocol stand-in for tests (no Elasticsearch
server is installable here). It keeps documents in memory and implements
what tlog's path needs, faithfully enough to test against, and refuses
what Elasticsearch 8 refuses of it (see "As strict as Elasticsearch 8"):

  POST [/INDEX[/TYPE]]/_bulk      NDJSON index/create actions (rsyslog's omelasticsearch)
  GET|POST /INDEX[/TYPE]/_search  query_string queries (field:value, quoted values,
                                  ranges >, >=, <, <=, [a TO b], now-7d, wildcards *,
                                  AND/OR/NOT, parentheses), q= in the URL, sort,
                                  size, from (refusing from+size > 10000 as ES does),
                                  search_after, terms/min/max/top_hits aggregations, composite
                                  aggregations of terms sources (after, size)
  GET /                           cluster info (version 8.13.4)
  POST /_standin/faults           inject faults into the next answers:
                                  {"status": 500, "count": 2}, {"delay_ms": 3000, "count": 1},
                                  {"drop": 1} (close the connection unanswered),
                                  {"malformed": 1} (a body that is not JSON),
                                  {"clear": true} (drops those not used yet)
  GET /_standin/stats             request counts and the last search's Authorization
                                  header, for tests

As strict as Elasticsearch 8, answering as it does (status, error type
and reason, from Elasticsearch 8's BulkRequestParser, RestController,
MetadataCreateIndexService and dynamic mapping):
  - a request with a body needs Content-Type application/json or
    application/x-ndjson (parameters such as charset=utf-8 allowed, as
    Elasticsearch allows undefined ones): else 406 "Content-Type header
    is missing" or "Content-Type header [X] is not supported";
  - _bulk refuses the whole request with 400 illegal_argument_exception
    for an action/metadata line with a parameter Elasticsearch 8 does not
    know, "_type" first of all ("Action/metadata line [1] contains an
    unknown parameter [_type]"; lines count from 1 and include the
    documents), for an action other than index/create/update/delete,
    for a line that is not a JSON object, and for a body not ended by a
    newline; update and delete, which tlog never sends, are refused too
    (stricter than Elasticsearch);
  - per item (HTTP 200, "errors": true, the item's own "status" and
    "error"): an invalid index name (invalid_index_name_exception: not
    lowercase, a character of \\/*?"<>| ,#:, a leading _ - +, "." or "..",
    over 255 bytes), a document that is not a JSON object or does not fit
    the index's mapping (document_parsing_exception, as Elasticsearch
    8.8 and later name it; the mapping is fixed by the first value of each
    field, as dynamic mapping does, dates detected as
    strict_date_optional_time), create with an _id the index holds
    (version_conflict_engine_exception, 409); index with an _id the index
    holds replaces that document (result "updated", status 200).
  - the compatibility headers (application/vnd.elasticsearch+json;
    compatible-with=7), under which Elasticsearch 8 takes "_type", are
    not implemented: refused with 406 (stricter).
  - a search resolves its index names as Elasticsearch does: a wildcard
    pattern (tlog-*) matches the indices there are, none being no error;
    a concrete name of an index that does not exist is 404
    index_not_found_exception ("no such index [NAME]"), as tlog-play -r es
    meets it before rsyslog has made the index, unless the query says
    ignore_unavailable=true.
Still more lenient than Elasticsearch 8, on what rsyslog does not send:
the /TYPE path forms (gone in 8).

Usage: es_standin.py PORT_FILE   (binds 127.0.0.1 on a free port, writes it to PORT_FILE)
"""
import datetime
import fnmatch
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

LOCK = threading.Lock()
INDICES = {}  # name -> list of (id, doc)
IDS = {}      # name -> {id: position in INDICES[name]}
MAPPINGS = {}  # name -> {dotted field: "long", "float", "boolean", "date", "text" or "object"}
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


def resolve(index_names, url_query):
    """The indices a search names, as Elasticsearch resolves them (under
    LOCK): see the module's doc."""
    ignore = url_query.get("ignore_unavailable", ["false"])[0] == "true"
    names = []
    for name in index_names:
        if "*" in name:
            names += sorted(n for n in INDICES if fnmatch.fnmatchcase(n, name))
        elif name in INDICES:
            names.append(name)
        elif not ignore:
            raise RequestError(404, "index_not_found_exception", "no such index [%s]" % name)
    return names


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
        for name in resolve(index_names, url_query):
            for doc_id, doc in INDICES.get(name, []):
                if query.matches(doc):
                    docs.append((name, doc_id, doc))
    keys = sort_spec(body.get("sort"))

    def key_of(entry):
        return [field_value(entry[2], f) for f, _ in keys]

    for field, order in reversed(keys):
        docs.sort(key=lambda e: (field_value(e[2], field) is None, field_value(e[2], field)),
                  reverse=(order == "desc"))
    matched = list(docs)  # what aggregations see: all hits, not a page
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
        answer["aggregations"] = aggregate(body.get("aggs") or body.get("aggregations"), matched,
                                           index_names)
    return 200, answer


def aggregated_field(names, field):
    """Refuses, as Elasticsearch does, to aggregate on a text field (the
    field itself, not its .keyword sub-field); call with LOCK held."""
    for name in names:
        if MAPPINGS.get(name, {}).get(field) == "text":
            raise RequestError(400, "illegal_argument_exception",
                               "Fielddata is disabled on [%s] in [%s]. Text fields are not "
                               "optimised for operations that require per-document field "
                               "data like aggregations and sorting, so these operations are "
                               "disabled by default. Please use a keyword field instead."
                               % (field, name))


def aggregate(spec, entries, names, top=True):
    """@entries: (index, _id, doc) of the hits the query matched."""
    out = {}
    for name, agg in spec.items():
        subs = agg.get("aggs") or agg.get("aggregations")
        if "terms" in agg:
            field = agg["terms"]["field"]
            with LOCK:
                aggregated_field(names, field)
            groups = {}
            for e in entries:
                v = field_value(e[2], field)
                if v is not None:
                    groups.setdefault(v, []).append(e)
            buckets = []
            for key, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
                bucket = {"key": key, "doc_count": len(group)}
                if subs:
                    bucket.update(aggregate(subs, group, names, top=False))
                buckets.append(bucket)
            out[name] = {"buckets": buckets[:agg["terms"].get("size", 10)]}
        elif "composite" in agg:
            out[name] = composite(name, agg["composite"], subs, entries, names, top)
        elif "min" in agg or "max" in agg:
            kind = "min" if "min" in agg else "max"
            values = [field_value(e[2], agg[kind]["field"]) for e in entries]
            values = [v for v in values if isinstance(v, (int, float))]
            out[name] = {"value": (min if kind == "min" else max)(values) if values else None}
        elif "top_hits" in agg:
            keys = sort_spec(agg["top_hits"].get("sort"))
            ordered = list(entries)
            for field, order in reversed(keys):
                ordered.sort(key=lambda e: field_value(e[2], field), reverse=(order == "desc"))
            n = agg["top_hits"].get("size", 3)
            hits = []
            for index, doc_id, doc in ordered[:n]:
                hit = {"_index": index, "_id": doc_id, "_score": None, "_source": doc}
                if keys:
                    hit["sort"] = [field_value(doc, f) for f, _ in keys]
                hits.append(hit)
            out[name] = {"hits": {"total": {"value": len(entries), "relation": "eq"},
                                  "max_score": None, "hits": hits}}
        else:
            raise RequestError(400, "parsing_exception",
                               "the stand-in does not know the aggregation of [%s]" % name)
    return out


def composite(name, spec, subs, entries, names, top):
    """Elasticsearch's composite aggregation over terms sources: buckets in
    ascending key order, `size` at a time (default 10), from after the
    `after` key, with after_key when any bucket is returned."""
    if not top:
        raise RequestError(400, "illegal_argument_exception",
                           "[composite] aggregation cannot be used with a parent aggregation")
    sources = []
    for source in spec["sources"]:
        (key, kind), = source.items()
        if set(kind) != {"terms"} or set(kind["terms"]) - {"field", "order"}:
            raise RequestError(400, "parsing_exception",
                               "the stand-in knows composite terms sources only")
        if kind["terms"].get("order", "asc") != "asc":
            raise RequestError(400, "parsing_exception", "the stand-in sorts sources ascending only")
        sources.append((key, kind["terms"]["field"]))
    with LOCK:
        for _, field in sources:
            aggregated_field(names, field)
    size = spec.get("size", 10)
    if not isinstance(size, int) or size <= 0:
        raise RequestError(400, "illegal_argument_exception",
                           "[size] must be greater than 0. Found [%s] in [%s]" % (size, name))
    if size > 65536:
        raise RequestError(400, "too_many_buckets_exception",
                           "Trying to create too many buckets. Must be less than or equal to: "
                           "[65536] but was [%d]." % size)
    groups = {}
    for e in entries:
        values = tuple(field_value(e[2], field) for _, field in sources)
        if None in values or any(isinstance(v, (dict, list)) for v in values):
            continue  # missing_bucket is false: documents without the field are left out
        groups.setdefault(values, []).append(e)
    keys = sorted(groups)
    after = spec.get("after")
    if after is not None:
        if not isinstance(after, dict) or set(after) != {k for k, _ in sources}:
            raise RequestError(400, "illegal_argument_exception",
                               "[after] has %d value(s) but [sources] has %d"
                               % (len(after) if isinstance(after, dict) else 0, len(sources)))
        start = tuple(after[k] for k, _ in sources)
        keys = [k for k in keys if k > start]
    buckets = []
    for values in keys[:size]:
        bucket = {"key": {k: v for (k, _), v in zip(sources, values)},
                  "doc_count": len(groups[values])}
        if subs:
            bucket.update(aggregate(subs, groups[values], names, top=False))
        buckets.append(bucket)
    out = {"buckets": buckets}
    if buckets:
        out["after_key"] = buckets[-1]["key"]
    return out


# ---- Elasticsearch 8's rules -------------------------------------------

MEDIA_TYPES = ("application/json", "application/x-ndjson")
# What an action/metadata line may hold in Elasticsearch 8; anything else,
# "_type" above all, refuses the whole request.
BULK_PARAMETERS = {"_index", "_id", "routing", "op_type", "version", "version_type",
                   "if_seq_no", "if_primary_term", "retry_on_conflict", "pipeline", "_source",
                   "require_alias", "require_data_stream", "dynamic_templates",
                   "list_executed_pipelines"}
# Dynamic date detection tries a string only with two of ':', '-' or '/'
# ("a safe check since "1" gets parsed as well"), then
# strict_date_optional_time or yyyy/MM/dd HH:mm:ss Z or yyyy/MM/dd Z.
DATE = re.compile(r"\d{4}-\d\d-\d\d(T\d\d(:\d\d(:\d\d([.,]\d{1,9})?)?)?(Z|[+-]\d\d(:?\d\d)?)?)?"
                  r"|\d{4}/\d\d/\d\d( \d\d:\d\d:\d\d)? [+-]\d{4}")


class RequestError(Exception):
    """A whole request refused: Elasticsearch's status and error body."""

    def __init__(self, status, kind, reason):
        super().__init__(reason)
        self.status = status
        self.body = {"error": {"root_cause": [{"type": kind, "reason": reason}],
                               "type": kind, "reason": reason}, "status": status}


def item_error(status, kind, reason, **more):
    return status, dict({"type": kind, "reason": reason}, **more)


def index_name_problem(name):
    """Elasticsearch 8's rules for a new index's name; None if it is fine."""
    bad = [c for c in '\\/*?"<>| ,' if c in name]
    if bad:
        return 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'
    if "#" in name:
        return "must not contain '#'"
    if ":" in name:
        return "must not contain ':'"
    if name[:1] in ("_", "-", "+"):
        return "must not start with '_', '-', or '+'"
    if len(name.encode()) > 255:
        return "index name is too long, (%d > 255)" % len(name.encode())
    if name in (".", ".."):
        return "must not be '.' or '..'"
    if name != name.lower():
        return "must be lowercase"
    if not name:
        return "must not be empty"
    return None


def is_date(text):
    if max(text.count(":"), text.count("-"), text.count("/")) < 2 or not DATE.fullmatch(text):
        return False
    try:
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace(",", "."))
    except ValueError:
        return "/" in text  # the yyyy/MM/dd forms, which fromisoformat does not take
    return True


def dynamic_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "date" if is_date(value) else "text"
    return None


def fits(kind, value):
    """Whether @value indexes into a field mapped as @kind (with
    Elasticsearch's default coercion)."""
    if kind == "object":
        return isinstance(value, dict)
    if isinstance(value, dict):
        return False
    if kind == "text":
        return True
    if kind in ("long", "float"):
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return True
        try:
            float(value)
            return True
        except ValueError:
            return False
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if kind == "date":
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or \
            (isinstance(value, str) and is_date(value))
    return True


def map_document(mapping, doc, prefix=""):
    """Checks @doc against @mapping and adds its new fields (dynamic
    mapping); returns the reason it does not fit, or None. @mapping is
    changed only when the whole document fits."""
    added = {}

    def walk(obj, prefix):
        for key, value in obj.items():
            field = prefix + key
            for v in (value if isinstance(value, list) else [value]):
                if v is None or isinstance(v, list):
                    continue
                kind = mapping.get(field) or added.get(field)
                if kind is None:
                    kind = added[field] = dynamic_type(v)
                if not fits(kind, v):
                    if kind == "object":
                        return ("tried to parse field [%s] as object, but found a concrete value"
                                % key)
                    return ("failed to parse field [%s] of type [%s]. Preview of field's "
                            "value: '%s'" % (field, kind, json.dumps(v)[:100]))
                if isinstance(v, dict):
                    problem = walk(v, field + ".")
                    if problem:
                        return problem
        return None

    problem = walk(doc, prefix)
    if problem is None:
        mapping.update(added)
    return problem


def parse_bulk(raw, default_index):
    """The operations of a _bulk body as Elasticsearch 8 reads them:
    [(kind, metadata, source line)]. Throws: RequestError for what refuses
    the whole request."""
    if raw and not raw.endswith(b"\n"):
        raise RequestError(400, "illegal_argument_exception",
                           "The bulk request must be terminated by a newline [\\n]")
    lines = raw.split(b"\n")[:-1]
    operations, missing = [], 0
    n = 0
    while n < len(lines):
        number, text = n + 1, lines[n]
        n += 1
        if not text.strip():
            continue
        try:
            action = json.loads(text)
        except ValueError as e:
            raise RequestError(400, "x_content_parse_exception", "[%d:%d] %s"
                               % (number, getattr(e, "colno", 1), getattr(e, "msg", str(e))))
        if not isinstance(action, dict) or not action:
            raise RequestError(400, "illegal_argument_exception",
                               "Malformed action/metadata line [%d], expected FIELD_NAME but "
                               "found [%s]" % (number, "END_OBJECT" if action == {} else
                                               "VALUE"))
        kind = next(iter(action))
        if kind not in ("create", "delete", "index", "update"):
            raise RequestError(400, "illegal_argument_exception",
                               "Malformed action/metadata line [%d], expected field [create], "
                               "[delete], [index] or [update] but found [%s]" % (number, kind))
        meta = action[kind]
        if not isinstance(meta, dict):
            raise RequestError(400, "illegal_argument_exception",
                               "Malformed action/metadata line [%d], expected START_OBJECT or "
                               "END_OBJECT but found [VALUE]" % number)
        for key, value in meta.items():
            if key not in BULK_PARAMETERS:
                raise RequestError(400, "illegal_argument_exception",
                                   "Action/metadata line [%d] contains an unknown parameter [%s]"
                                   % (number, key))
            if isinstance(value, list):
                raise RequestError(400, "illegal_argument_exception",
                                   "Malformed action/metadata line [%d], expected a simple value "
                                   "for field [%s] but found [START_ARRAY]" % (number, key))
        if len(action) > 1:
            raise RequestError(400, "illegal_argument_exception",
                               "Malformed action/metadata line [%d], expected END_OBJECT but "
                               "found [FIELD_NAME]" % number)
        if kind in ("update", "delete"):
            raise RequestError(400, "illegal_argument_exception",
                               "the stand-in implements index and create only, not [%s]" % kind)
        if n >= len(lines):
            break  # an action without its document: Elasticsearch ignores it
        source = lines[n]
        n += 1
        if meta.get("_index", default_index) is None:
            missing += 1
        operations.append((kind, meta, source))
    if missing:
        raise RequestError(400, "action_request_validation_exception", "Validation Failed: " +
                           "".join("%d: index is missing;" % (i + 1) for i in range(missing)))
    return operations


def store(kind, meta, source, default_index):
    """Indexes one bulk operation; returns its item (status and the
    answer's fields). Call with LOCK held."""
    name = meta.get("_index", default_index)
    doc_id = meta.get("_id")
    doc_id = str(doc_id) if doc_id is not None else None
    problem = index_name_problem(name)
    if problem:
        return item_error(400, "invalid_index_name_exception",
                          "Invalid index name [%s], %s" % (name, problem),
                          index_uuid="_na_", index=name), name, doc_id
    try:
        doc = json.loads(source)
    except ValueError as e:
        return item_error(400, "document_parsing_exception", "[1:%d] failed to parse: %s"
                          % (getattr(e, "colno", 1), getattr(e, "msg", str(e)))), name, doc_id
    if not isinstance(doc, dict):
        return item_error(400, "document_parsing_exception",
                          "[1:1] failed to parse: the document is not a JSON object"), name, doc_id
    ids = IDS.setdefault(name, {})
    if kind == "create" and doc_id in ids:
        return item_error(409, "version_conflict_engine_exception",
                          "[%s]: version conflict, document already exists (current version [1])"
                          % doc_id, index=name), name, doc_id
    problem = map_document(MAPPINGS.setdefault(name, {}), doc)
    if problem:
        return item_error(400, "document_parsing_exception", "[1:1] " + problem), name, doc_id
    docs = INDICES.setdefault(name, [])
    STATS["docs"] += 1
    if doc_id is None:
        doc_id = "doc%d" % STATS["docs"]
    if doc_id in ids:
        docs[ids[doc_id]] = (doc_id, doc)
        return (200, None), name, doc_id
    ids[doc_id] = len(docs)
    docs.append((doc_id, doc))
    return (201, None), name, doc_id


# ---- HTTP ---------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as ES

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, raw=None):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-elastic-product", "Elasticsearch")
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
        if raw and parts[:1] != ["_standin"]:
            kind = self.headers.get("Content-Type")
            if kind is None:
                return self.reply(406, {"error": "Content-Type header is missing", "status": 406})
            if kind.split(";")[0].strip().lower() not in MEDIA_TYPES:
                return self.reply(406, {"error": "Content-Type header [%s] is not supported" % kind,
                                        "status": 406})
        try:
            if parts == ["_standin", "faults"]:
                spec = json.loads(raw)
                with LOCK:
                    if spec.get("clear"):
                        FAULTS.clear()
                    else:
                        FAULTS.append(spec)
                return self.reply(200, {"ok": True})
            if parts == ["_standin", "stats"]:
                with LOCK:
                    return self.reply(200, dict(STATS, indices={k: len(v) for k, v in INDICES.items()}))
            if not parts:
                return self.reply(200, {"name": "standin", "cluster_name": "tlog-test",
                                        "version": {"number": "8.13.4"},
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
        except RequestError as e:
            return self.reply(e.status, e.body)
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"error": {"type": "parsing_exception", "reason": str(e)},
                                    "status": 400})

    def bulk(self, default_index, raw):
        operations = parse_bulk(raw, default_index)
        items, errors = [], False
        with LOCK:
            for kind, meta, source in operations:
                (status, error), name, doc_id = store(kind, meta, source, default_index)
                item = {"_index": name, "_id": doc_id, "status": status}
                if error is None:
                    item.update({"_version": 1, "result": "created" if status == 201 else "updated",
                                 "_shards": {"total": 1, "successful": 1, "failed": 0}})
                else:
                    item["error"] = error
                    errors = True
                items.append({kind: item})
        self.reply(200, {"took": 1, "errors": errors, "items": items})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1], "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
