"""Bounded local load test (#15, #11): the app served as `make run` serves it (gunicorn,
DEBUG off) on a synthetic district, N concurrent clients for a fixed time.

    .venv/bin/python bench/load.py --scale 1 --clients 20 --duration 30

Creates the PostgreSQL database `--db` (default bench_load) on 127.0.0.1, migrates it, fills
it with bench/generate.py at `--scale`, computes the 2025 results, starts gunicorn on `--port`,
then runs two scenarios and prints one line per page (requests, errors, median, p95):

- signed in: a 组织部 user of the district, on the dashboard and the busiest list pages;
- public: no login, a single address flooding the public feedback page and the public opinion
  form (GET for the CSRF token, then POST): the form must answer 429 once the address's limit
  is used up, and nothing may answer 5xx.

Sessions are created in the database for the bench user (whose role needs TOTP: the TOTP
authenticator is activated, as bench/run.py does, and the session is opened directly instead of
typing codes); each client sends its own session cookie. The database is dropped at the end
unless --keep. Only the standard library drives the load (threads + http.client).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
SECRET = "bench-load-only-secret-key-not-for-production-0123456789abcdefghij"

SIGNED_IN_PAGES = {
    "dashboard": "/supervision/?year=2025&as_of=2025-12-31",
    "research list": "/research/",
    "visits list": "/visits/",
    "households list": "/households/",
    "cadres list": "/cadres/",
    "reports list": "/research/reports/",
}


# --- set-up (runs in a child process with Django on the bench database) -----------------------


def prepare(clients: int) -> None:
    """The bench user, one session per client, and the 2025 results the dashboard reads;
    prints {"sessions": [...], "unit_code": ...} as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    import datetime as dt

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from liaison.models import Organization, RoleGrant, User
    from supervision import jobs
    from supervision.models import ComplianceRun

    user, _ = User.objects.get_or_create(username="bench-load-zzb")
    user.must_change_password = False
    user.save()
    RoleGrant.objects.get_or_create(user=user, group=Group.objects.get(name="组织部"),
                                    organization=Organization.objects.get(code="QD"))
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    sessions = []
    for _ in range(clients):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    run = ComplianceRun.objects.create(year=2025, as_of=dt.date(2025, 12, 31))
    jobs.compliance_run_execute(run.pk)
    unit = Organization.objects.filter(type="community").order_by("code").first()
    print(json.dumps({"sessions": sessions, "unit_code": unit.code}))


# --- the database and the server ---------------------------------------------------------------


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"], "-qc",
                    sql], check=True)


def django_env(db: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
               DEBUG="false", SECRET_KEY=SECRET, HTTPS_ONLY="false",
               ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING")
    env.pop("REDIS_URL", None)  # as `make run` without Redis: the database cache
    return env


def build_database(args, env) -> dict:
    if not args.skip_generate:
        psql(f"DROP DATABASE IF EXISTS {args.db}")
        psql(f"CREATE DATABASE {args.db}")
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT,
                       env=env, check=True)
        subprocess.run([PYTHON, "bench/generate.py", "--scale", str(args.scale)], cwd=ROOT,
                       env=env, check=True)
    out = subprocess.run([PYTHON, "bench/load.py", "--prepare", "--clients", str(args.clients)],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(args, env) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    with open(args.log, "a") as log:  # the server's own output (e.g. each 429 logged) goes here
        server = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{args.port}",
             "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "120"],
            cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("bench: gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- the clients --------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = defaultdict(Counter)

    def add(self, page: str, status: int, seconds: float) -> None:
        with self.lock:
            self.times[page].append(seconds)
            self.statuses[page][status] += 1


class Client:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = None

    def request(self, method: str, url: str, body: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "bench-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
        for attempt in (1, 2):  # a keep-alive connection the server closed: reopen once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, url, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, content
        raise AssertionError("unreachable")


def timed(stats: Stats, page: str, client: Client, method: str, url: str, body=None):
    started = time.perf_counter()
    try:
        status, content = client.request(method, url, body)
    except (OSError, http.client.HTTPException):
        status, content = 0, b""  # a refused or broken connection counts as an error
    stats.add(page, status, time.perf_counter() - started)
    return status, content


def signed_in_client(port, session, pages, stats, stop_at, offset):
    client = Client(port, {"sessionid": session})
    names = list(pages)
    i = offset
    while time.monotonic() < stop_at:
        name = names[i % len(names)]
        timed(stats, name, client, "GET", pages[name])
        i += 1


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def public_client(port, unit_code, stats, stop_at, offset):
    client = Client(port)
    form_url = f"/opinions/public/{unit_code}/"
    i = offset
    while time.monotonic() < stop_at:
        if i % 2:
            timed(stats, "public feedback page", client, "GET", "/opinions/feedback/")
        else:
            status, content = timed(stats, "public form (GET)", client, "GET", form_url)
            token = CSRF_INPUT.search(content or b"")
            if status == 200 and token:
                timed(stats, "public form (POST)", client, "POST", form_url, {
                    "csrfmiddlewaretoken": token.group(1).decode(),
                    "content": f"小区路灯不亮，请尽快修理（负载测试 {offset}-{i}）",
                    "category": "公共设施", "contact": "", "website": ""})
        i += 1


def run_clients(target, argsets, duration: float) -> float:
    stop_at = time.monotonic() + duration
    # Each thread's arguments end with its offset; stop_at goes just before it.
    threads = [threading.Thread(target=target, args=(*a[:-1], stop_at, a[-1])) for a in argsets]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def report(title: str, stats: Stats, elapsed: float, expected=frozenset({200})) -> dict:
    print(f"\n## {title}: {elapsed:.0f} s")
    print(f"{'page':<24}{'requests':>9}{'errors':>8}{'429':>6}{'5xx':>6}"
          f"{'median ms':>11}{'p95 ms':>9}")
    figures = {}
    for page in stats.times:
        times = sorted(stats.times[page])
        statuses = stats.statuses[page]
        errors = sum(n for s, n in statuses.items() if s not in expected)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        median = statistics.median(times)
        figures[page] = {"requests": len(times), "errors": errors,
                         "429": statuses.get(429, 0),
                         "5xx": sum(n for s, n in statuses.items() if s >= 500),
                         "median_ms": round(median * 1000), "p95_ms": round(p95 * 1000),
                         "statuses": dict(statuses)}
        f = figures[page]
        print(f"{page:<24}{f['requests']:>9}{f['errors']:>8}{f['429']:>6}{f['5xx']:>6}"
              f"{f['median_ms']:>11}{f['p95_ms']:>9}")
    total = sum(len(t) for t in stats.times.values())
    print(f"total {total} requests, {total / elapsed:.1f}/s")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="bench/generate.py's scale")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30, help="seconds per scenario")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads each (make run: 4)")
    parser.add_argument("--db", default="bench_load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--skip-generate", action="store_true",
                        help="reuse the database a --keep run left")
    parser.add_argument("--only", choices=["signed-in", "public"])
    parser.add_argument("--log", default=str(ROOT / "var" / "bench-load-gunicorn.log"))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.clients)
        return
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.db):
        sys.exit("bench: --db must be a plain lower-case name")
    Path(args.log).parent.mkdir(exist_ok=True)
    env = django_env(args.db)
    started = time.monotonic()
    setup = build_database(args, env)
    print(f"database {args.db} at scale {args.scale} ready in {time.monotonic() - started:.0f} s;"
          f" {args.clients} clients × {args.duration:.0f} s, gunicorn {args.workers}×"
          f"{args.threads} on port {args.port}", flush=True)
    server = start_server(args, env)
    results = {}
    try:
        for url in [*SIGNED_IN_PAGES.values(), "/opinions/feedback/"]:  # warm every worker
            for _ in range(args.workers):
                Client(args.port, {"sessionid": setup["sessions"][0]}).request("GET", url)
        if args.only != "public":
            stats = Stats()
            elapsed = run_clients(
                lambda port, session, stop_at, offset: signed_in_client(
                    port, session, SIGNED_IN_PAGES, stats, stop_at, offset),
                [(args.port, setup["sessions"][i], i) for i in range(args.clients)],
                args.duration)
            results["signed_in"] = report("signed in (组织部, district)", stats, elapsed)
            dash = results["signed_in"]["dashboard"]["median_ms"]
            research = results["signed_in"]["research list"]["median_ms"]
            print(f"research list median / dashboard median = {research / max(dash, 1):.2f}"
                  " (target ≤ 3)")
        if args.only != "signed-in":
            stats = Stats()
            elapsed = run_clients(
                lambda port, code, stop_at, offset: public_client(port, code, stats, stop_at,
                                                                  offset),
                [(args.port, setup["unit_code"], i) for i in range(args.clients)],
                args.duration)
            # 429 is the expected answer of the form to a flood from one address.
            results["public"] = report("public (no login, one address)", stats, elapsed,
                                       expected=frozenset({200, 429}))
    finally:
        stop_server(server)
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {args.db}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    bad = [page for scenario in results.values() for page, f in scenario.items() if f["errors"]]
    if bad:
        print("errors on: " + ", ".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
