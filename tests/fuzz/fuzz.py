"""GraphQL fuzzer for partnergraph's `/graphql` endpoint, run by `scripts/test.sh` against the real server.

Generates queries from the published SDL (`schema/schema.graphql`) with hypothesis-graphql: valid ones,
ones with one schema violation (a wrong argument type, a missing required argument, an unknown enum
value, ...), and valid ones cut short so they no longer parse.
Each goes over POST or GET, with its argument values written inline or moved into variables, under one
of several `Accept` headers.
Ids are drawn from the seed dataset's real ids as well as from arbitrary text, so resolvers run on data.
Every answer is checked:

- no 5xx status;
- a JSON `Content-Type` and a body that parses as JSON;
- the GraphQL response shape: an object with `data` and/or `errors` and nothing else but `extensions`,
  `data` an object or null, `errors` a non-empty list of objects each with a string `message`;
- every `errors[]` entry has a string `extensions.code`; when `data` is an object (execution ran, so each
  error belongs to a field) it also has a `path`, and that field, or an ancestor, is null in `data`;
- at the end: the server process is still running, `/healthz` answers 200, and its log has no panic.

Usage (`PARTNERGRAPH_SETUP_TESTS=1 scripts/setup.sh` makes the venv from `tests/requirements.txt`):

    target/pyenv/bin/python tests/fuzz/fuzz.py --bin target/debug/partnergraph

starts `partnergraph serve --addr 127.0.0.1:0 --data <temp dir>` (which loads the seed dataset), reads
its address from the "listening on" line, fuzzes it and stops it.
`--url http://HOST:PORT` fuzzes a running server instead (the end check is then `/healthz` alone).
Bounded and reproducible: `--examples` requests (default 1500) generated from `--seed` (default 17), and
sending stops after `--seconds` (default 75) whatever is left.
Prints each failure class once, with the shortest request that showed it and the answer, then the
closing line `fuzz: N passed, N failed` (one case per request, plus one for the end check).
Exit code 1 if any case failed, 2 on bad usage or a server that does not start.
"""

import argparse
import collections
import dataclasses
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import graphql
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

ROOT = Path(__file__).resolve().parents[2]
ACCEPTS = [
    "application/graphql-response+json",
    "application/json",
    "application/graphql-response+json, application/json;q=0.9",
    "*/*",
    None,
]
JSON_TYPES = ("application/json", "application/graphql-response+json")
REQUEST_TIMEOUT = 30
# Valid dates in each allowed precision, and invalid ones the server must refuse with a code.
DATES = ["2015", "2015-02", "2015-02-28", "2024-02-29", "2015-02-30", "2015-13", "15", "2015-2-3", ""]


def die(message):
    """Bad usage or a server that cannot be fuzzed: exit 2."""
    print(f"fuzz: {message}", file=sys.stderr)
    sys.exit(2)


class TimeUp(Exception):
    """The time bound was reached: stop generating."""


def start_server(binary, data_dir, log_path):
    """Starts `partnergraph serve` on a free port; returns the process and its base URL."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [binary, "serve", "--addr", "127.0.0.1:0", "--data", data_dir],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PARTNERGRAPH_LOG="warn"),
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        match = re.search(r"listening on (http://[0-9.:]+)", Path(log_path).read_text(errors="replace"))
        if match:
            return proc, match.group(1)
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    die(f"the server did not start (exit status {proc.returncode}); its log:\n{Path(log_path).read_text(errors='replace')}")


class Client:
    """One keep-alive HTTP connection to the server, reopened after an error."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, content type, body bytes), or raises OSError/HTTPException."""
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            res = self.conn.getresponse()
            return res.status, res.getheader("Content-Type") or "", res.read()
        except (OSError, http.client.HTTPException) as err:
            self.conn.close()
            self.conn = None
            # A keep-alive connection the server closed between two requests: try once more on a new one
            # (a server that died refuses it; a timeout is not retried).
            if reused and isinstance(err, (ConnectionResetError, BrokenPipeError)):
                return self.request(method, path, body, headers)
            raise

    def graphql(self, method, accept, query, variables):
        headers = {"Accept": accept} if accept else {}
        if method == "GET":
            params = {"query": query}
            if variables is not None:
                params["variables"] = json.dumps(variables)
            return self.request("GET", "/graphql?" + urllib.parse.urlencode(params), headers=headers)
        payload = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        headers["Content-Type"] = "application/json"
        return self.request("POST", "/graphql", body=json.dumps(payload).encode(), headers=headers)


def known_ids(client):
    """A few real ids of each kind from the served dataset."""
    kinds = ["agencies", "countries", "cities", "networks", "agreements", "events"]
    query = "{ " + " ".join(f"{kind}(first: 4) {{ nodes {{ id }} }}" for kind in kinds) + " }"
    status, _, body = client.graphql("POST", "application/json", query, None)
    data = (json.loads(body).get("data") or {}) if status == 200 else {}
    ids = [node["id"] for kind in kinds for node in (data.get(kind) or {}).get("nodes", [])]
    if not ids:
        die(f"could not read ids from the server ({status}): {body[:300]!r}")
    return ids


def literal(value):
    """The GraphQL literal of a string, boolean, integer or finite float."""
    if isinstance(value, str):
        return graphql.StringValueNode(value=value)
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    return graphql.FloatValueNode(value=repr(value))


def type_node(type_):
    """The AST of a schema input type, for a variable definition."""
    if isinstance(type_, graphql.GraphQLNonNull):
        return graphql.NonNullTypeNode(type=type_node(type_.of_type))
    if isinstance(type_, graphql.GraphQLList):
        return graphql.ListTypeNode(type=type_node(type_.of_type))
    return graphql.NamedTypeNode(name=graphql.NameNode(value=type_.name))


def hoist_variables(schema, query):
    """Moves every argument the schema knows into a variable of its declared type.

    Returns the new query text and the variables as JSON values; a query that does not parse, or whose
    arguments the schema does not know, keeps those parts as they are (the server then judges them).
    """
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError:
        return query, None
    type_info = graphql.TypeInfo(schema)
    definitions, variables = [], {}

    class Hoist(graphql.Visitor):
        def enter_argument(self, node, *_):
            argument = type_info.get_argument()
            if argument is None:
                return None
            name = f"v{len(variables)}"
            variables[name] = graphql.value_from_ast_untyped(node.value)
            variable = graphql.VariableNode(name=graphql.NameNode(value=name))
            definitions.append(graphql.VariableDefinitionNode(variable=variable, type=type_node(argument.type)))
            return graphql.ArgumentNode(name=node.name, value=variable)

    document = graphql.visit(document, graphql.TypeInfoVisitor(type_info, Hoist()))
    if not variables:
        return query, None
    operations = [
        dataclasses.replace(node, variable_definitions=tuple(definitions))
        if isinstance(node, graphql.OperationDefinitionNode)
        else node
        for node in document.definitions
    ]
    return graphql.print_ast(dataclasses.replace(document, definitions=tuple(operations))), variables


def check(status, content_type, body):
    """The problems with one answer, each a short class name and a detail."""
    if status >= 500:
        return [(f"status {status}", body[:300].decode(errors="replace"))]
    if content_type.split(";")[0].strip().lower() not in JSON_TYPES:
        return [(f"Content-Type {content_type or '(none)'} (status {status})", body[:300].decode(errors="replace"))]
    try:
        answer = json.loads(body)
    except ValueError as err:
        return [(f"body is not JSON (status {status})", f"{err}: {body[:300]!r}")]
    if not isinstance(answer, dict) or not ({"data", "errors"} & answer.keys()):
        return [("answer without `data` or `errors`", json.dumps(answer)[:300])]
    problems = []
    extra = answer.keys() - {"data", "errors", "extensions"}
    if extra:
        problems.append(("answer with keys other than data, errors, extensions", ", ".join(sorted(extra))))
    if "data" in answer and not isinstance(answer["data"], (dict, type(None))):
        problems.append(("`data` neither an object nor null", json.dumps(answer["data"])[:300]))
    errors = answer.get("errors", [])
    if "errors" in answer and (not isinstance(errors, list) or not errors):
        return problems + [("`errors` not a non-empty list", json.dumps(errors)[:300])]
    for error in errors:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            problems.append(("error without a string `message`", json.dumps(error)[:300]))
            continue
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str):
            problems.append((f"error without extensions.code: {message_class(error['message'])}", error["message"]))
        if not isinstance(answer.get("data"), dict):
            continue
        # With data, execution ran, so every error is a field error: it names its field, and that field
        # (or an ancestor the null spread to) is null in `data` (spec 6.4.4 and 7.1.2).
        path = error.get("path")
        if not (isinstance(path, list) and path):
            problems.append((f"error beside data without a path: {message_class(error['message'])}", error["message"]))
        elif not null_at(answer["data"], path):
            problems.append((f"error whose path is not null in data: {message_class(error['message'])}", error["message"]))
    return problems


def null_at(data, path):
    """Whether walking `path` down `data` meets a null (a missing key or index is not one)."""
    value = data
    for key in path:
        if value is None:
            return True
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return False
    return value is None


def self_check():
    """The checks flag known-bad answers and pass a good one, so a bug here cannot pass everything."""
    good = b'{"data":{"a":null},"errors":[{"message":"m","path":["a"],"extensions":{"code":"C"}}]}'
    bad = [
        (500, "application/json", b'{"errors":[{"message":"m","extensions":{"code":"INTERNAL"}}]}'),
        (400, "text/plain", b"bad"),
        (200, "application/json", b"{"),
        (200, "application/json", b'{"result":1}'),
        (200, "application/json", b'{"errors":[]}'),
        (200, "application/json", b'{"errors":[{"message":"m"}]}'),
        (200, "application/json", b'{"data":{"a":1},"errors":[{"message":"m","extensions":{"code":"C"}}]}'),
        (200, "application/json", b'{"data":{},"errors":[{"message":"m","path":["a"],"extensions":{"code":"C"}}]}'),
    ]
    if check(200, "application/graphql-response+json; charset=utf-8", good) or not all(check(*a) for a in bad):
        die("the answer checks do not work (self check failed)")


def message_class(message):
    """A message with its values (quoted text, numbers, booleans) blanked, so one kind of error is one class."""
    return re.sub(r'"[^"]*"|`.*`|-?\d+(\.\d+)?([eE][-+]?\d+)?|\b(true|false|null)\b', "…", message, flags=re.S)[:120]


class Report:
    """Counts cases and keeps the shortest request of each failure class."""

    def __init__(self):
        self.passed = self.failed = 0
        self.classes = {}
        self.sent = collections.Counter()
        self.answers = collections.Counter()

    def tally(self, request, status, body):
        """Counts what was sent and what came back, to show the run covered what it should."""
        self.sent.update([request["kind"], request["method"], "variables" if request["variables"] else "inline"])
        self.answers[f"status {status}"] += 1
        try:
            errors = json.loads(body).get("errors") or []
            self.answers.update({(e.get("extensions") or {}).get("code", "no code") for e in errors} or ["no error"])
        except (ValueError, AttributeError):
            self.answers["not an object"] += 1

    def add(self, problems, request, answer):
        if not problems:
            self.passed += 1
            return
        self.failed += 1
        for name, detail in problems:
            count, kept = self.classes.get(name, (0, None))
            shorter = kept is None or len(request["query"]) < len(kept[0]["query"])
            self.classes[name] = (count + 1, (request, answer, detail) if shorter else kept)

    def print(self):
        for name, counter in (("sent", self.sent), ("answers", self.answers)):
            print(f"fuzz: {name}: " + ", ".join(f"{key} {n}" for key, n in sorted(counter.items())))
        for name, (count, (request, answer, detail)) in sorted(self.classes.items()):
            print(f"\nFAIL {name}  ({count} requests)")
            print(f"  {request['method']} Accept: {request['accept'] or '(none)'}")
            print("  query:     " + request["query"].replace("\n", "\n             "))
            if request["variables"] is not None:
                print(f"  variables: {json.dumps(request['variables'])}")
            print(f"  answer:    {answer[:600]}")
            if detail and detail not in answer:
                print(f"  detail:    {detail[:300]}")


def fuzz(args, client, report):
    """Sends the generated requests; stops early at the time bound."""
    sdl = Path(args.schema).read_text()
    schema = graphql.build_schema(sdl)
    ids = known_ids(client)
    # An ID literal is a string or an integer. A custom scalar accepts any literal as far as the SDL
    # says, so a Date can also be a number or a boolean (which the server must refuse with a code).
    strings = st.one_of(st.sampled_from(ids), st.sampled_from(DATES), st.text(max_size=24))
    others = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans())
    scalars = {
        "ID": st.one_of(st.sampled_from(ids), strings, st.integers()).map(literal),
        "Date": st.one_of(st.sampled_from(DATES), strings, others).map(literal),
    }
    valid = queries(schema, custom_scalars=scalars)
    strategies = {
        "valid": valid,
        "invalid": queries(schema, custom_scalars=scalars, mode=Mode.NEGATIVE),
        "unparsable": st.tuples(valid, st.floats(0, 1)).map(lambda cut: cut[0][: int(len(cut[0]) * cut[1])]),
    }
    stop_at = time.monotonic() + args.seconds

    @settings(
        max_examples=args.examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        kind=st.sampled_from(sorted(strategies)),
        method=st.sampled_from(["POST", "GET"]),
        accept=st.sampled_from(ACCEPTS),
        with_variables=st.booleans(),
        data=st.data(),
    )
    def case(kind, method, accept, with_variables, data):
        query = data.draw(strategies[kind])
        if time.monotonic() > stop_at:
            raise TimeUp
        variables = None
        if with_variables:
            query, variables = hoist_variables(schema, query)
        request = {"kind": kind, "method": method, "accept": accept, "query": query, "variables": variables}
        try:
            status, content_type, body = client.graphql(method, accept, query, variables)
        except (OSError, http.client.HTTPException) as err:
            report.add([(f"no answer ({type(err).__name__})", str(err))], request, str(err))
            return
        problems = check(status, content_type, body)
        report.tally(request, status, body)
        report.add(problems, request, f"{status} {content_type} {body[:600].decode(errors='replace')}")

    try:
        seed(args.seed)(case)()
    except TimeUp:
        print(f"fuzz: time bound of {args.seconds} s reached", file=sys.stderr)


def end_check(client, proc, log_path):
    """The server still runs, answers /healthz, and logged no panic."""
    problems = []
    if proc is not None and proc.poll() is not None:
        problems.append(("server process exited", f"exit status {proc.returncode}"))
    try:
        status, _, body = client.request("GET", "/healthz")
        if status != 200:
            problems.append(("/healthz not 200", f"{status} {body[:200]!r}"))
    except (OSError, http.client.HTTPException) as err:
        problems.append(("/healthz does not answer", str(err)))
    if log_path is not None:
        log = Path(log_path).read_text(errors="replace")
        panic = re.search(r".*panicked at.*(\n.*){0,3}", log)
        if panic:
            problems.append(("server log has a panic", panic.group(0)))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--bin", help="partnergraph binary to start on a fresh data directory")
    target.add_argument("--url", help="base URL of a running server")
    parser.add_argument("--schema", default=str(ROOT / "schema" / "schema.graphql"), help="the SDL")
    parser.add_argument("--examples", type=int, default=1500, help="how many requests to generate")
    parser.add_argument("--seed", type=int, default=17, help="seed of the generator")
    parser.add_argument("--seconds", type=float, default=75, help="stop sending after this long")
    args = parser.parse_args()
    self_check()

    with tempfile.TemporaryDirectory(prefix="pg-fuzz-") as work:
        proc = log_path = None
        url = args.url
        if args.bin:
            log_path = Path(work) / "serve.log"
            proc, url = start_server(args.bin, str(Path(work) / "data"), log_path)
        client = Client(url)
        report = Report()
        started = time.monotonic()
        try:
            fuzz(args, client, report)
            problems = end_check(client, proc, log_path)
            report.add(problems, {"method": "GET", "accept": None, "query": "/healthz", "variables": None}, "")
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    report.print()
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {report.passed + report.failed} cases in {elapsed:.0f} s (seed {args.seed})")
    print(f"fuzz: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
