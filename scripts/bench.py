"""Print request rates for the main pages against a bare Django view (`make bench`).

The site is served the way `make run` serves it (gunicorn, sync workers), with config.settings.bench:
its own database under .bench/ and an extra /bench/bare/ view that renders a tiny template. Every
page is driven from this process with the same client, so the ratio to the bare view shows what
our own code costs. It prints figures and never fails on them.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "config.settings.bench"
EMAIL = "admin@demo.test"
ORGANISATION = "demo"
TARGET = 0.5  # each page should manage at least half the bare view's requests per second
BARE = ("bare view", "/bench/bare/")
PAGES = [
    ("dashboard", f"/o/{ORGANISATION}/"),
    ("members list", f"/o/{ORGANISATION}/members/"),
    ("people register", f"/o/{ORGANISATION}/people/"),
    ("activities", f"/o/{ORGANISATION}/activities/"),
    ("involvement report", f"/o/{ORGANISATION}/reports/involvement/?quarter=2019-01-01"),
]
WORKERS = 2
LOG = ROOT / ".bench" / "gunicorn.log"

# Set before anything imports Django: `make` exports config.settings.base, and gunicorn inherits this.
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per page (default 3)")
    parser.add_argument("--requests", type=int, default=1500, help="request limit per page (default 1500)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--scale", type=int, default=500, help="generated members per organisation (default 500)"
    )
    return parser.parse_args()


def prepare_database(scale: int) -> None:
    """Build the bench database and seed it, with `scale` generated members per organisation.

    seed_demo --scale adds more every time it runs, so the SQLite file is rebuilt on every run: the
    data then always matches the current seed_demo. A DATABASE_URL database is kept, and scaled once.
    """
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from coproduce.core.models import User

    if not os.environ.get("DATABASE_URL"):
        name = settings.DATABASES["default"]["NAME"]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    if User.objects.filter(email__startswith=f"person-{ORGANISATION}-").exists():
        print("Generated members are already in DATABASE_URL's database: not adding more.")
        scale = 0
    call_command("seed_demo", scale=scale)


def signed_in_cookie() -> str:
    """A session for the admin, stored the way django.contrib.auth.login() stores it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from coproduce.core.models import User
    from coproduce.core.scoping import LAST_ORGANISATION_SESSION_KEY

    user = User.objects.get(email=EMAIL)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Already set, so the pages do not write the session on every request.
    session[LAST_ORGANISATION_SESSION_KEY] = ORGANISATION
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def count_queries(cookie: str) -> dict[str, int]:
    """Queries each page runs, in this process, so a slow page can be explained."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    name, value = cookie.split("=", 1)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[name] = value
    counts = {}
    for label, path in [BARE, *PAGES]:
        client.get(path)  # the first request fills per-process caches
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[label] = len(queries)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "config.wsgi:application", "--workers", str(WORKERS), "--worker-class", "sync"]
    # No control socket: gunicorn's default path is shared, and a `make run` server may own it.
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    # Its own session, so Ctrl-C reaches only this script, which then stops gunicorn in order.
    with LOG.open("w") as log:
        # The command is built from fixed strings and a port number, never from input.
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)  # noqa: S603


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def get(connection: http.client.HTTPConnection, path: str, cookie: str) -> int:
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    return response.status


def wait_until_healthy(server: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode}; see {LOG}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            if get(connection, "/healthz", "") == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f}s; see {LOG}")


def load(port: int, path: str, cookie: str, seconds: float, limit: int, concurrency: int) -> dict:
    """Send up to `limit` GETs for up to `seconds` from `concurrency` threads; time each one."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal sent
        # Keep-alive where the server allows it; gunicorn's sync workers close after each response
        # and http.client then reconnects on the next request.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if sent >= limit or time.monotonic() >= deadline:
                    break
                sent += 1
            start = time.perf_counter()
            try:
                status = get(connection, path, cookie)
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                with lock:
                    errors.append(f"{path}: {exc.__class__.__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(f"{path}: HTTP {status}")
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started}


def summarise(label: str, result: dict) -> dict:
    latencies = sorted(result["latencies"])
    ok = len(latencies)
    return {
        "label": label,
        "requests": ok + len(result["errors"]),
        "errors": len(result["errors"]),
        "rps": ok / result["elapsed"] if result["elapsed"] else 0.0,
        "median": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": statistics.quantiles(latencies, n=20)[-1] * 1000 if ok >= 2 else float("nan"),
    }


def print_table(rows: list[dict], queries: dict[str, int], args: argparse.Namespace, load: float) -> None:
    bare_rps = rows[0]["rps"]
    print()
    print(
        f"gunicorn {WORKERS} sync workers, {args.concurrency} client threads, "
        f"up to {args.requests} requests or {args.seconds:g}s per page, signed in as {EMAIL}"
    )
    header = f"{'page':<14}{'requests':>9}{'errors':>7}{'rps':>9}{'median ms':>11}{'p95 ms':>9}"
    header += f"{'queries':>9}{'vs bare':>9}  target >= {TARGET:.0%} of bare"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row["rps"] / bare_rps if bare_rps else 0.0
        if row["label"] == BARE[0]:
            verdict = "(baseline)"
        else:
            verdict = "meets it" if ratio >= TARGET else "below it"
        print(
            f"{row['label']:<14}{row['requests']:>9}{row['errors']:>7}{row['rps']:>9.1f}{row['median']:>11.1f}"
            f"{row['p95']:>9.1f}{queries.get(row['label'], 0):>9}{ratio:>9.0%}  {verdict}"
        )
    # Other work on the machine (tests, browsers) slows every page; the load average shows it was there.
    print(
        f"\nClient and server share this machine's {os.cpu_count()} CPUs; the load average was"
        f" {load:.1f} when the bench started. Compare ratios, not absolute rates."
    )


def main() -> None:
    args = parse_args()
    load_average = os.getloadavg()[0]
    # SIGTERM ends the script through the same finally block as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit("Static files are not collected: run `make assets` (or `make bench`) first.")

    print(f"Preparing the bench database ({SETTINGS})...")
    prepare_database(args.scale)
    cookie = signed_in_cookie()
    queries = count_queries(cookie)
    from django.db import connections

    connections.close_all()  # gunicorn's workers open their own

    port = free_port()
    server = start_server(port)
    try:
        wait_until_healthy(server, port)
        for label, path in [BARE, *PAGES]:
            # Warm both workers (templates, URL resolver, translations) before measuring.
            warm = load(port, path, cookie, seconds=5, limit=10 * WORKERS, concurrency=args.concurrency)
            if warm["errors"]:
                raise SystemExit(f"{label} does not answer 200: {warm['errors'][0]} (see {LOG})")
        rows = []
        all_errors = []
        for label, path in [BARE, *PAGES]:
            print(f"Measuring {label} ({path})...")
            result = load(port, path, cookie, args.seconds, args.requests, args.concurrency)
            rows.append(summarise(label, result))
            all_errors += result["errors"]
        print_table(rows, queries, args, load_average)
        if all_errors:
            print(f"\n{len(all_errors)} requests did not answer 200; the first few:")
            for error in all_errors[:10]:
                print(f"  {error}")
    finally:
        stop_server(server)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
