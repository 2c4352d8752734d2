#!/usr/bin/env python3
"""Cold-start benchmark of the Lambda bootstraps, measured the way Lambda
reports them.

A small stand-in for the Lambda Runtime API (the HTTP interface a custom
runtime's `bootstrap` polls: GET .../invocation/next, POST .../response)
spawns each function's bootstrap with the environment Lambda gives it and
times:

  init    from spawning the process to its first GET /next: what Lambda
          reports as "Init Duration" (runtime start, config, clients);
  first   the first invocation, from handing out the event to its response
          (Lambda's "Duration" of a cold invocation: first TLS/TCP
          connections, lazily built clients);
  warm    the second invocation, the same event again.

Each function is started RUNS times; medians and maxima are printed as a
Markdown table, with the peak RSS. The AWS services are DynamoDB Local and
moto (given by the caller); nothing else is reached.

Usage: cold_start.py --functions DIR --events DIR --env K=V ... [--runs N]
                     [--only NAME ...] [--python-handler FILE]
  DIR holds <binary>/bootstrap (cargo lambda's target/lambda layout).
  scripts/bench/cold-start.sh sets all of this up; run that.
"""

import argparse
import copy
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Run:
    """One process's life: the events to hand out and what was seen."""

    def __init__(self, events):
        self.events = queue.Queue()
        for event in events:
            self.events.put(event)
        self.first_next = None
        self.handed_out = {}  # request id -> perf_counter when sent
        self.done = {}  # request id -> (perf_counter, status, body)
        self.order = []  # request ids in order handed out
        self.init_error = None
        self.finished = threading.Event()


def make_server(run):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def do_GET(self):
            if self.path != PREFIX + "/invocation/next":
                return self._reply(404)
            now = time.perf_counter()
            if run.first_next is None:
                run.first_next = now
            try:
                event = run.events.get_nowait()
            except queue.Empty:
                # No more events: hold the poll, as Lambda does while the
                # sandbox is frozen, until the process is stopped.
                run.finished.set()
                time.sleep(3600)
                return
            request_id = str(uuid.uuid4())
            body = json.dumps(event).encode()
            headers = [
                ("Content-Type", "application/json"),
                ("Lambda-Runtime-Aws-Request-Id", request_id),
                ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10_000)),
                (
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:bench",
                ),
                ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0"),
            ]
            run.order.append(request_id)
            self._reply(200, body, headers)
            run.handed_out[request_id] = time.perf_counter()

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            now = time.perf_counter()
            parts = self.path[len(PREFIX):].strip("/").split("/")
            if parts[:2] == ["init", "error"]:
                run.init_error = body.decode(errors="replace")
                run.finished.set()
            elif len(parts) == 3 and parts[0] == "invocation":
                run.done[parts[1]] = (now, parts[2], body)
            self._reply(202, b"{}", [("Content-Type", "application/json")])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    return server


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def one_cold_start(command, env, event):
    run = Run([event, copy.deepcopy(event)])
    server = make_server(run)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = []
    threading.Thread(
        target=lambda: output.extend(process.stdout), daemon=True
    ).start()
    finished = run.finished.wait(timeout=60)
    rss = peak_rss_kib(process.pid)
    process.kill()
    process.wait()
    server.shutdown()
    server.server_close()
    log = b"".join(output).decode(errors="replace")
    if run.init_error is not None or not finished or run.first_next is None:
        raise RuntimeError(
            f"{command[0]}: no clean start (init error {run.init_error!r}); output:\n{log}"
        )
    results = []
    for request_id in run.order:
        done_at, kind, body = run.done[request_id]
        if kind != "response":
            raise RuntimeError(f"{command[0]}: invocation failed: {body!r}\n{log}")
        results.append((done_at - run.handed_out[request_id], body))
    return {
        "init_ms": (run.first_next - started) * 1000,
        "first_ms": results[0][0] * 1000,
        "warm_ms": results[1][0] * 1000,
        "rss_kib": rss,
        "answer": results[0][1],
    }


def api_event(events_dir, file, **changes):
    with open(os.path.join(events_dir, "api", file)) as f:
        event = json.load(f)
    if "path" in changes:
        path = changes.pop("path")
        event["rawPath"] = path
        event["requestContext"]["http"]["path"] = path
    if "route_key" in changes:
        event["routeKey"] = event["requestContext"]["routeKey"] = changes.pop("route_key")
    if "path_parameters" in changes:
        event["pathParameters"] = changes.pop("path_parameters")
    if "body" in changes:
        event["body"] = json.dumps(changes.pop("body"))
        event["headers"]["content-type"] = "application/json"
        event["requestContext"]["http"]["method"] = "POST"
    if "query" in changes:
        query = changes.pop("query")
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
        event["queryStringParameters"] = query
    assert not changes, changes
    return event


NO_SUCH_ORDER = "01kb3m8q2n0000000000000000"


def signed_in_event(events_dir, area, route, method, **changes):
    """The board's sample event (the demo owner's claims) on another staff
    (`area` "staff") or owner ("owner") route."""
    template = f"/restaurants/{{restaurant_id}}/{area}/{route}"
    params = {"restaurant_id": "demo"}
    path = template.replace("{restaurant_id}", "demo")
    if "{order_id}" in route:
        params["order_id"] = NO_SUCH_ORDER
        path = path.replace("{order_id}", NO_SUCH_ORDER)
    for name in ("table_id", "username"):
        if "{" + name + "}" in route:
            params[name] = changes.pop(name)
            path = path.replace("{" + name + "}", params[name])
    event = api_event(
        events_dir,
        "list-board-orders.json",
        path=path,
        route_key=f"{method} {template}",
        path_parameters=params,
        **changes,
    )
    event["requestContext"]["http"]["method"] = method
    return event


def staff_event(events_dir, route, method, **changes):
    return signed_in_event(events_dir, "staff", route, method, **changes)


def owner_event(events_dir, route, method, **changes):
    return signed_in_event(events_dir, "owner", route, method, **changes)


def events_by_function(events_dir):
    def read(*path):
        with open(os.path.join(events_dir, *path)) as f:
            return json.load(f)

    demo = {"restaurant_id": "demo"}
    cart = {"lines": [{"item_id": "margherita", "quantity": 1, "options": ["large"]}]}
    return {
        "get-table": api_event(events_dir, "get-table.json"),
        "get-menu": api_event(events_dir, "get-menu.json"),
        "place-dine-in-order": api_event(events_dir, "place-dine-in-order.json"),
        "get-order": api_event(events_dir, "get-order.json"),
        "quote-cart": api_event(
            events_dir,
            "place-dine-in-order.json",
            path="/restaurants/demo/quote",
            route_key="POST /restaurants/{restaurant_id}/quote",
            path_parameters=demo,
            body=cart,
        ),
        "get-pickup-times": api_event(
            events_dir,
            "get-menu.json",
            path="/restaurants/demo/pickup-times",
            route_key="GET /restaurants/{restaurant_id}/pickup-times",
        ),
        # The demo restaurant has takeout off: refused before Stripe is
        # called (Stripe itself cannot be reached here).
        "place-takeout-order": api_event(
            events_dir,
            "place-dine-in-order.json",
            path="/restaurants/demo/takeout-orders",
            route_key="POST /restaurants/{restaurant_id}/takeout-orders",
            path_parameters=demo,
            body=dict(cart, customer={"name": "Ada", "email": "ada@example.com"}),
        ),
        # Signed at a fixed past time: refused by the signature check.
        "stripe-webhook": read("stripe", "apigw-webhook-succeeded-base64.json"),
        "dispatch": read("dynamodb", "order-accepted.json"),
        "print-ack": read("iot", "print-ack.json"),
        "redeliver-tickets": read("scheduler", "redeliver-tickets.json"),
        # Staff routes, signed in as the demo's owner (the sample's claims).
        "list-board-orders": api_event(events_dir, "list-board-orders.json"),
        # No cursor: refused (400) after the access check, before the store.
        "get-order-changes": staff_event(events_dir, "changes", "GET"),
        # An order that does not exist: 404 after the store read.
        "act-on-order": staff_event(
            events_dir, "orders/{order_id}/actions", "POST", body={"action": "ready"}
        ),
        "reprint-order": staff_event(events_dir, "orders/{order_id}/reprint", "POST", body={}),
        "set-availability": staff_event(
            events_dir, "availability", "POST", body={"item_id": "margherita", "available": True}
        ),
        # Owner routes (TABLETAP_SITE_URL is set for the links).
        "get-restaurant-file": owner_event(events_dir, "restaurant", "GET"),
        # Not a restaurant file: refused (400) before any store call.
        "save-restaurant-file": owner_event(events_dir, "restaurant", "PUT", body={}),
        "list-owner-tables": owner_event(events_dir, "tables", "GET"),
        # A table that does not exist: 404 after the store reads.
        "rotate-table-code": owner_event(events_dir, "tables/{table_id}/rotate", "POST", table_id="nope", body={}),
        # The seeded table 7: a one-code PDF and a PNG.
        "get-qr-sheet": owner_event(events_dir, "qr-sheet", "GET"),
        "get-table-qr-code": owner_event(events_dir, "tables/{table_id}/qr.png", "GET", table_id="7"),
        # Owner: a week's sales report (seven day queries).
        "get-sales": api_event(events_dir, "get-sales.json"),
        # Not a photo: refused (415) before S3 is asked.
        "upload-photo": owner_event(events_dir, "photos", "POST", body={}),
        # Staff management (TABLETAP_USER_POOL_ID names a pool moto lacks):
        # the list and the removal ask Cognito; a bad address is refused
        # before it.
        "list-staff": owner_event(events_dir, "staff", "GET"),
        "invite-staff": owner_event(events_dir, "staff", "POST", body={"email": "not an address", "role": "staff"}),
        "remove-staff": owner_event(events_dir, "staff/{username}", "DELETE", username="nobody@example.com"),
        "python-get-table": api_event(events_dir, "get-table.json"),
    }


def status_of(answer):
    try:
        return json.loads(answer).get("statusCode", "-")
    except (ValueError, AttributeError):
        return "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--functions", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", nargs="+")
    parser.add_argument("--python-handler")
    args = parser.parse_args()

    base_env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/bench",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "_HANDLER": "bootstrap",
    }
    for pair in args.env:
        key, _, value = pair.partition("=")
        base_env[key] = value

    events = events_by_function(args.events)
    commands = {}
    for name in sorted(os.listdir(args.functions)):
        bootstrap = os.path.join(args.functions, name, "bootstrap")
        if os.path.isfile(bootstrap) and name in events:
            commands[name] = [bootstrap]
    if args.python_handler:
        commands["python-get-table"] = [sys.executable, args.python_handler]
    if args.only:
        commands = {k: v for k, v in commands.items() if k in args.only}
    if not commands:
        sys.exit("cold_start: no bootstraps found")

    print(f"{args.runs} cold starts per function; medians (max) in ms; RSS in MiB\n")
    print("| function | init | first invocation | warm invocation | peak RSS | status |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, command in commands.items():
        env = dict(base_env, AWS_LAMBDA_FUNCTION_NAME=name)
        samples = [one_cold_start(command, env, events[name]) for _ in range(args.runs)]

        def cell(key):
            values = [s[key] for s in samples]
            return f"{statistics.median(values):.1f} ({max(values):.1f})"

        rss = max((s["rss_kib"] or 0) for s in samples) / 1024
        print(
            f"| {name} | {cell('init_ms')} | {cell('first_ms')} | {cell('warm_ms')} "
            f"| {rss:.1f} | {status_of(samples[0]['answer'])} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
