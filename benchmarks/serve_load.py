#!/usr/bin/env python3
"""Load test of ``glyload serve``: concurrent search requests against the real server.

    .venv/bin/python benchmarks/serve_load.py                  # 30 s, 8 client threads
    .venv/bin/python benchmarks/serve_load.py --seconds 10 --threads 4
    .venv/bin/python benchmarks/serve_load.py --path '/-/score.json?meal=1+cup+cooked+white+rice'

The server (``glyload.serve.make_server``: uvicorn + Datasette, the settings
``glyload serve`` uses) runs in a child process on 127.0.0.1 and a free port,
on a database built from the bundled data in a temporary directory (or
``--db``). Client threads (standard library ``http.client``, one keep-alive
connection each) request ``--path`` back to back for ``--seconds`` after a
short warm-up; the run is bounded in time and in requests and only ever talks
to the loopback interface. Prints requests/s, latency percentiles and errors
(any status but 200, or a failed connection), and whether the target
(>= 200 requests/s with zero errors) was met. Exits 0 either way.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"
PATH = "/glyload/foods.json?_search=rice&_size=20"
TARGET_RPS = 200
MAX_SECONDS = 300
MAX_THREADS = 64
MAX_REQUESTS = 2_000_000
WARMUP_S = 2.0

SERVER = """
import os, sys
from glyload.serve import make_server
if os.environ.get("GLYLOAD_BENCH_NO_SCORE_CACHE"):
    import glyload.datasette_plugin
    glyload.datasette_plugin.SCORE_CACHE_SIZE = 0  # every request scores its meal
make_server(sys.argv[1], host=sys.argv[2], port=int(sys.argv[3])).run()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/-/versions.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server on {HOST}:{port} did not start within {timeout:g} s")


def start_server(db, tmp, stderr=None):
    """``(port, process)``: the server on ``db`` (or a bundled build in ``tmp``), up and answering."""
    if db is None:
        from glyload.build import build_database

        db = Path(tmp) / "glyload.db"
        build_database(db)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), HOST, str(port)],
                              env={**os.environ, "PYTHONWARNINGS": "ignore"}, stderr=stderr)
    try:
        wait_until_up(port)
    except BaseException:
        server.terminate()
        raise
    return port, server


class Client(threading.Thread):
    """Requests ``path`` on one keep-alive connection until ``stop`` is set."""

    def __init__(self, port, path, stop: threading.Event, budget: threading.Semaphore):
        super().__init__(daemon=True)
        self.port, self.path, self.stop, self.budget = port, path, stop, budget
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.record = False

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        while not self.stop.is_set() and self.budget.acquire(blocking=False):
            start = time.perf_counter()
            try:
                conn.request("GET", self.path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                error = None if ok else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
            elapsed = time.perf_counter() - start
            if self.record:
                self.latencies.append(elapsed)
                if error:
                    self.errors.append(error)
        conn.close()


def measure(clients, stop: threading.Event, seconds: float, tick=None, join_s: float = 15) -> float:
    """Start ``clients``, warm up, record for ``seconds`` (calling ``tick()`` about once a second), stop.

    Returns the measured time. Clients record only while their ``record`` is true.
    """
    for client in clients:
        client.start()
    time.sleep(WARMUP_S)
    for client in clients:
        client.record = True
    start = time.perf_counter()
    if tick is None:
        time.sleep(seconds)
    else:
        while time.perf_counter() - start < seconds:
            tick()
            time.sleep(min(1.0, max(0.0, seconds - (time.perf_counter() - start))))
        tick()
    for client in clients:
        client.record = False
    elapsed = time.perf_counter() - start
    stop.set()
    for client in clients:
        client.join(join_s)
    return elapsed


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def load(port: int, path: str, seconds: float, threads: int) -> dict:
    stop = threading.Event()
    budget = threading.Semaphore(MAX_REQUESTS)
    clients = [Client(port, path, stop, budget) for _ in range(threads)]
    elapsed = measure(clients, stop, seconds)
    latencies = [x for c in clients for x in c.latencies]
    errors = [e for c in clients for e in c.errors]
    return {"elapsed": elapsed, "latencies": latencies, "errors": errors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time (default 30)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent client connections (default 8)")
    parser.add_argument("--path", default=PATH, help=f"URL path to request (default {PATH})")
    parser.add_argument("--no-score-cache", action="store_true",
                        help="Score every /-/score request anew (the page keeps scored meals otherwise)")
    parser.add_argument("--db", type=Path, help="database to serve (default: built from the bundled data)")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be within 0-{MAX_SECONDS}")
    if not 1 <= args.threads <= MAX_THREADS:
        parser.error(f"--threads must be within 1-{MAX_THREADS}")
    if args.no_score_cache:
        os.environ["GLYLOAD_BENCH_NO_SCORE_CACHE"] = "1"
    if not args.path.startswith("/"):
        parser.error("--path is a path on the local server, starting with /")

    with tempfile.TemporaryDirectory(prefix="glyload-serve-load-") as tmp:
        port, server = start_server(args.db, tmp)
        try:
            result = load(port, args.path, args.seconds, args.threads)
        finally:
            server.terminate()
            server.wait(15)

    latencies, errors = result["latencies"], result["errors"]
    rps = len(latencies) / result["elapsed"]
    ms = [x * 1000 for x in latencies] or [0.0]
    cpus = os.cpu_count()
    print(f"glyload serve load test: GET {args.path}")
    print(f"  {args.threads} client threads, {result['elapsed']:.1f} s measured after {WARMUP_S:g} s warm-up, "
          f"server and clients on one {cpus}-CPU machine (Python {sys.version.split()[0]})")
    print(f"  requests:   {len(latencies):,}")
    print(f"  throughput: {rps:,.1f} requests/s")
    print(f"  latency ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  "
          f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}")
    print(f"  errors:     {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    met = rps >= TARGET_RPS and not errors
    print(f"  target >= {TARGET_RPS} requests/s with zero errors: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
