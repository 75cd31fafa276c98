#!/usr/bin/env python3
"""Soak test of ``glyload serve``: good and bad requests for a bounded time, watching memory.

    .venv/bin/python benchmarks/serve_soak.py                       # 30 s at 8, then 30 s at 32 connections
    .venv/bin/python benchmarks/serve_soak.py --seconds 10 --connections 4

The server runs as in ``benchmarks/serve_load.py`` (``glyload.serve.make_server`` in a
child process on 127.0.0.1 and a free port, on a database built from the bundled data
in a temporary directory, or ``--db``); only the loopback interface is used. Each phase
runs ``--seconds`` with N keep-alive client connections, each sending a seeded random
mix of the requests in ``MIX``: table, row, search, SQL, CSV, score pages that work,
and requests that must fail cleanly (unknown foods and tables, non-UTF-8 bytes, a
3,000-character meal, 51 items, SQL errors, a query stopped by the 1 s time limit,
POST and DELETE on a read-only server). A sampler reads the server's resident memory
(``VmRSS`` in /proc) once a second.

Prints per phase: requests, requests/s, answers by status, answers whose status was
not the expected one, server errors (5xx) and failed connections, and memory at the
start, the end and its peak. Pass: 0 server errors, 0 failed connections, 0 unexpected
statuses, no traceback in the server's log, and memory at the end within ``--rss-growth-mb`` (default 20) of the start
of the second half of the run (after the caches have filled). Exits 0 either way.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_load import HOST, WARMUP_S, measure, start_server  # noqa: E402

MAX_SECONDS = 300
MAX_CONNECTIONS = 64
MAX_REQUESTS = 2_000_000
SEED = 20261206

LONG_MEAL = quote("1 cup cooked white rice " * 125)  # 3,000 characters: over MAX_MEAL_CHARS
MANY_ITEMS = quote("\n".join(["1 g rice"] * 51))  # over MAX_ITEMS
SLOW_SQL = quote("with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n")

#: (method, path, expected status) and a weight: about one request in three is bad.
MIX = [
    (("GET", "/glyload/foods.json?_search=rice&_size=20", 200), 6),
    (("GET", "/glyload/foods/20045.json", 200), 4),
    (("GET", "/glyload/portions.csv?food_id=20045", 200), 2),
    (("GET", "/glyload.json?sql=" + quote("select count(*) from foods"), 200), 2),
    (("GET", "/-/score.json?meal=" + quote("1 cup cooked white rice, 1 medium apple"), 200), 6),
    (("GET", "/-/score?meal=" + quote("2 slices white bread"), 200), 2),
    (("GET", "/glyload/foods?food_group=Fruits+and+Fruit+Juices", 200), 1),
    (("GET", "/-/score.json?meal=" + quote("zqxv blorp"), 400), 3),
    (("GET", "/-/score.json?meal=%ff%fe%00", 400), 2),
    (("GET", "/-/score.json?meal=" + LONG_MEAL, 400), 1),
    (("GET", "/-/score.json?meal=" + MANY_ITEMS, 400), 1),
    (("GET", "/-/score.json?meal=" + quote("-1 cup rice"), 400), 1),
    (("GET", "/-/score.json", 400), 1),
    (("GET", "/glyload/foods/99999.json", 404), 2),
    (("GET", "/glyload/no_such_table.json", 404), 1),
    (("GET", "/glyload.json?sql=" + quote("select * from no_such_table"), 400), 1),
    (("GET", "/glyload.json?sql=" + quote("delete from foods"), 400), 1),
    (("GET", "/glyload.json?sql=" + SLOW_SQL, 400), 1),
    (("POST", "/-/score.json?meal=rice", 405), 1),
    (("DELETE", "/glyload/foods/20045", 405), 1),
]


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Client(threading.Thread):
    """Sends seeded random requests from MIX on one keep-alive connection until ``stop``."""

    def __init__(self, port, seed, stop: threading.Event, budget: threading.Semaphore, mix):
        super().__init__(daemon=True)
        self.port, self.stop, self.budget, self.mix = port, stop, budget, mix
        self.random = random.Random(seed)
        self.statuses: collections.Counter = collections.Counter()
        self.unexpected: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        self.record = False

    def run(self):
        requests, weights = zip(*self.mix)
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        while not self.stop.is_set() and self.budget.acquire(blocking=False):
            method, path, expected = self.random.choices(requests, weights)[0]
            try:
                conn.request(method, path)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            except (OSError, http.client.HTTPException) as exc:
                if self.record:
                    self.failures.append(f"{method} {path[:60]}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                continue
            if self.record:
                self.statuses[status] += 1
                if status != expected:
                    self.unexpected[f"{method} {path[:60]} -> {status} (expected {expected})"] += 1
        conn.close()


def phase(port: int, server_pid: int, seconds: float, connections: int, mix) -> dict:
    stop = threading.Event()
    budget = threading.Semaphore(MAX_REQUESTS)
    clients = [Client(port, SEED + n, stop, budget, mix) for n in range(connections)]
    samples = []
    elapsed = measure(clients, stop, seconds, tick=lambda: samples.append(rss_kb(server_pid)), join_s=40)
    statuses = sum((c.statuses for c in clients), collections.Counter())
    unexpected = sum((c.unexpected for c in clients), collections.Counter())
    return {"elapsed": elapsed, "statuses": statuses, "unexpected": unexpected,
            "failures": [f for c in clients for f in c.failures], "rss": [kb for kb in samples if kb]}


def report(connections: int, result: dict, growth_mb: float) -> bool:
    statuses, rss = result["statuses"], result["rss"]
    total = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    half = rss[len(rss) // 2] if rss else 0
    grew = (rss[-1] - half) / 1024 if rss else float("nan")
    print(f"  {connections} connections, {result['elapsed']:.1f} s measured after {WARMUP_S:g} s warm-up")
    print(f"    requests:        {total:,} ({total / result['elapsed']:,.1f}/s)")
    print(f"    by status:       " + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())))
    print(f"    server errors:   {server_errors}")
    print(f"    failed connections: {len(result['failures'])}"
          + (f" (first: {result['failures'][0]})" if result["failures"] else ""))
    print(f"    unexpected status: {sum(result['unexpected'].values())}"
          + "".join(f"\n      {text}: {n}" for text, n in result["unexpected"].most_common(5)))
    if rss:
        print(f"    server RSS MB:   start {rss[0] / 1024:.1f}, half-way {half / 1024:.1f}, end {rss[-1] / 1024:.1f}, "
              f"peak {max(rss) / 1024:.1f} ({len(rss)} samples); second half grew {grew:+.1f} MB")
    ok = (server_errors == 0 and not result["failures"] and not result["unexpected"]
          and bool(rss) and grew <= growth_mb)
    print(f"    0 server errors, 0 failures, 0 unexpected, memory flat (<= {growth_mb:g} MB): "
          f"{'met' if ok else 'NOT met'}")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per phase (default 30)")
    parser.add_argument("--connections", type=int, action="append",
                        help="client connections of a phase; repeat for several (default 8 and 32)")
    parser.add_argument("--rss-growth-mb", type=float, default=20.0,
                        help="allowed memory growth over the second half of a phase (default 20)")
    parser.add_argument("--no-slow-sql", action="store_true",
                        help="leave out the SQL query stopped by the 1 s time limit (it holds the event loop)")
    parser.add_argument("--db", type=Path, help="database to serve (default: built from the bundled data)")
    args = parser.parse_args(argv)
    connections = args.connections or [8, 32]
    mix = [entry for entry in MIX if not (args.no_slow_sql and entry[0][1].endswith(SLOW_SQL))]
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be within 0-{MAX_SECONDS}")
    if not all(1 <= n <= MAX_CONNECTIONS for n in connections):
        parser.error(f"--connections must be within 1-{MAX_CONNECTIONS}")

    with tempfile.TemporaryDirectory(prefix="glyload-serve-soak-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "w") as log:
            port, server = start_server(args.db, tmp, stderr=log)
            results = []
            try:
                for n in connections:
                    results.append((n, phase(port, server.pid, args.seconds, n, mix)))
            finally:
                server.terminate()
                server.wait(15)
        log = log_path.read_text(errors="replace").splitlines()

    print(f"glyload serve soak test: {len(mix)} kinds of request, good and bad, seeded mix; server and "
          f"clients on one {os.cpu_count()}-CPU machine (Python {sys.version.split()[0]})")
    met = [report(n, result, args.rss_growth_mb) for n, result in results]
    tracebacks = sum(line.startswith("Traceback") for line in log)
    sql_errors = sum(line.startswith("ERROR: conn=") for line in log)
    print(f"  server log: {tracebacks} tracebacks, {sql_errors} logged SQL errors (the bad SQL requests), "
          f"{len(log)} lines")
    met.append(tracebacks == 0)
    print(f"  all phases: {'met' if all(met) else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
