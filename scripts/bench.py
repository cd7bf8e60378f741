"""Print request rates for the main pages against a bare Django view (`make bench`).

The site is served the way `make run` serves it (gunicorn, sync workers), with config.settings.bench:
its own database under .bench/ and an extra /bench/bare/ view that renders a tiny template. Every
page is driven from this process with the same client, so the ratio to the bare view shows what
our own code costs. It prints figures and never fails on them.

On PostgreSQL it also runs the involvement section: when DATABASE_URL points at PostgreSQL, or with
--involvement, which uses DATABASE_URL if that is PostgreSQL and otherwise the database
coproduce_bench on 127.0.0.1:5432 as user postgres (created if missing; --fresh rebuilds it). It
seeds 100,000 people and 2 million attendance rows (seed_demo --scale, skipped when the database
already holds that scale), then prints the involvement report's latency for a quarter and a year, in
this process through the selector and through one hand-written SQL query that computes the same
figures (checked to agree), their ratio, and the p95 latency of the register and activity lists under
gunicorn, each against its target. It exits non-zero only if the two computations disagree.
"""

import argparse
import http.client
import io
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

# The PostgreSQL involvement section.
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/coproduce_bench"
POSTGRES_SCALE = 100_000  # people; seed_demo --scale N gives 20N attendance rows
REPORT_TARGET_MS = 300.0
REPORT_RATIO_TARGET = 3.0
LIST_P95_TARGET_MS = 100.0
LIST_PAGES = [
    ("people register", f"/o/{ORGANISATION}/people/"),
    ("activities", f"/o/{ORGANISATION}/activities/"),
]

# Set before anything imports Django: `make` exports config.settings.base, and gunicorn inherits this.
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time limit per page (default 3)")
    parser.add_argument("--requests", type=int, default=1500, help="request limit per page (default 1500)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--scale",
        type=int,
        help=f"generated members (and, on PostgreSQL, people) in the demo organisation (default 500;"
        f" {POSTGRES_SCALE:,} on PostgreSQL, with 20 attendance rows per person)",
    )
    parser.add_argument(
        "--involvement",
        action="store_true",
        help="run the PostgreSQL involvement section, on DATABASE_URL if that is PostgreSQL, else on"
        f" {POSTGRES_URL} (created if missing)",
    )
    parser.add_argument("--fresh", action="store_true", help="with --involvement: rebuild coproduce_bench")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each report (default 5)")
    parser.add_argument(
        "--report-timeout",
        type=float,
        default=120.0,
        help="seconds after which a report query is cancelled (default 120)",
    )
    parser.add_argument(
        "--list-requests", type=int, default=300, help="requests per list page for p95 (default 300)"
    )
    parser.add_argument(
        "--list-seconds", type=float, default=30.0, help="time limit per list page for p95 (default 30)"
    )
    return parser.parse_args()


def is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in ("postgres", "postgresql", "pgsql")


def configure_database(args: argparse.Namespace) -> bool:
    """Point DATABASE_URL (inherited by gunicorn) at PostgreSQL for --involvement; True on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if args.involvement and not is_postgres(url):
        os.environ["DATABASE_URL"] = url = POSTGRES_URL
    if not is_postgres(url):
        return False
    if args.involvement:
        ensure_database(url, fresh=args.fresh)
    return True


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the database if it is missing; with --fresh, drop coproduce_bench (and only that) first."""
    import psycopg
    from psycopg import sql

    params = psycopg.conninfo.conninfo_to_dict(url)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        if fresh:
            if name != "coproduce_bench":
                raise SystemExit(f"--fresh only rebuilds coproduce_bench, not {name}.")
            print(f"Dropping the database {name}...")
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating the database {name}...")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_database(scale: int, postgres: bool) -> None:
    """Build the bench database and seed it, with `scale` generated members per organisation.

    seed_demo --scale adds more every time it runs, so the SQLite file is rebuilt on every run: the
    data then always matches the current seed_demo. A DATABASE_URL database is kept, and scaled once;
    on PostgreSQL it is topped up to `scale` (seeding 100,000 people takes a few minutes, once).
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
    # Every --scale run adds as many generated members as people, so they count what is there.
    seeded = User.objects.filter(email__startswith=f"person-{ORGANISATION}-").count()
    if postgres:
        call_command("seed_demo", stdout=io.StringIO())
        if seeded >= scale:
            print(f"The database already holds scale {seeded:,} (asked for {scale:,}): not adding more.")
            return
        print(f"Seeding scale {scale - seeded:,} (seed_demo --scale; a few minutes for 100,000)...")
        started = time.monotonic()
        call_command("seed_demo", scale=scale - seeded)
        print(f"Seeded in {time.monotonic() - started:.0f}s.")
        return
    if seeded:
        print("Generated members are already in DATABASE_URL's database: not adding more.")
        scale = 0
    call_command("seed_demo", scale=scale)


# The involvement report: the selector against one hand-written query, in this process.

# The check: unique counts made the long way, grouping each person's rows. Each attended row gets bit
# flags; OR-ed per person and type, then per person, they answer every question in one pass:
# 1 lived experience now, 2 lived experience before, 4 carer now, 8 carer before, 16 any part now,
# 32 any part before, 64 a new voice now, 128 a new voice before. It assumes what the services ensure:
# a person attends only their own organisation's activities. Run once per period, untimed.
CHECK_REPORT = """
WITH attended AS (
    SELECT a.person_id, a.hours, ac.activity_type_id AS type_id,
           CASE WHEN ac.starts_at >= %(now_from)s
                    THEN 16 | CASE a.taking_part_as
                                  WHEN 'lived_experience' THEN 1 WHEN 'carer' THEN 4 ELSE 0 END
                         | CASE WHEN a.previous_attended_at IS NULL
                                  OR a.previous_attended_at < %(now_lookback)s THEN 64 ELSE 0 END
                ELSE 32 | CASE a.taking_part_as
                              WHEN 'lived_experience' THEN 2 WHEN 'carer' THEN 8 ELSE 0 END
                     | CASE WHEN a.previous_attended_at IS NULL
                              OR a.previous_attended_at < %(before_lookback)s THEN 128 ELSE 0 END
           END AS flags
    FROM involvement_attendance a
    JOIN involvement_activity ac ON ac.id = a.activity_id
    WHERE ac.organisation_id = %(organisation)s AND a.status = 'attended'
      AND ac.starts_at >= %(before_from)s AND ac.starts_at < %(now_to)s
),
by_type AS (
    SELECT type_id, person_id, bit_or(flags) AS flags,
           sum(hours) FILTER (WHERE flags & 16 > 0) AS hours_now,
           sum(hours) FILTER (WHERE flags & 32 > 0) AS hours_before
    FROM attended
    GROUP BY type_id, person_id
),
per_person AS (
    SELECT 0::bigint AS type_key, bit_or(flags) AS flags,
           sum(hours_now) AS hours_now, sum(hours_before) AS hours_before
    FROM by_type GROUP BY person_id
    UNION ALL
    SELECT type_id, flags, hours_now, hours_before FROM by_type
),
people AS (
    SELECT type_key,
           count(*) FILTER (WHERE flags & 1 > 0) AS le_now,
           count(*) FILTER (WHERE flags & 2 > 0) AS le_before,
           count(*) FILTER (WHERE flags & 4 > 0) AS carers_now,
           count(*) FILTER (WHERE flags & 8 > 0) AS carers_before,
           count(*) FILTER (WHERE flags & 16 > 0) AS people_now,
           count(*) FILTER (WHERE flags & 32 > 0) AS people_before,
           count(*) FILTER (WHERE flags & 64 > 0) AS new_now,
           count(*) FILTER (WHERE flags & 128 > 0) AS new_before,
           sum(hours_now) AS hours_now,
           sum(hours_before) AS hours_before
    FROM per_person
    GROUP BY type_key
),
sessions AS (
    SELECT coalesce(activity_type_id, 0) AS type_key,
           count(*) FILTER (WHERE starts_at >= %(now_from)s) AS sessions_now,
           count(*) FILTER (WHERE starts_at < %(before_to)s) AS sessions_before
    FROM involvement_activity
    WHERE organisation_id = %(organisation)s AND starts_at >= %(before_from)s AND starts_at < %(now_to)s
    GROUP BY ROLLUP (activity_type_id)
)
SELECT s.type_key, s.sessions_now, s.sessions_before, p.le_now, p.le_before, p.carers_now,
       p.carers_before, p.people_now, p.people_before, p.new_now, p.new_before, p.hours_now, p.hours_before
FROM sessions s LEFT JOIN people p USING (type_key)
"""

# The timed query: what a person writing SQL by hand would write with the same columns. A person's first
# row in a period is the only one whose kept previous date (at all, the same way, the same way in the
# same type) falls before the period began, so counting those rows counts people, with no DISTINCT.
HAND_WRITTEN_REPORT = """
WITH attended AS (
    SELECT ac.activity_type_id AS type_id, a.taking_part_as AS part, a.hours,
           ac.starts_at >= %(now_from)s AS now,
           CASE WHEN ac.starts_at >= %(now_from)s THEN %(now_from)s ELSE %(before_from)s END AS began,
           CASE WHEN ac.starts_at >= %(now_from)s THEN %(now_lookback)s ELSE %(before_lookback)s END
               AS year_before,
           a.previous_attended_at AS any_part, a.previous_same_part_at AS same_part,
           a.previous_same_type_and_part_at AS same_type
    FROM involvement_attendance a
    JOIN involvement_activity ac ON ac.id = a.activity_id
    WHERE ac.organisation_id = %(organisation)s AND a.status = 'attended'
      AND ac.starts_at >= %(before_from)s AND ac.starts_at < %(now_to)s
),
firsts AS (
    SELECT type_id, part, hours, now,
           any_part IS NULL OR any_part < began AS first_at_all,
           any_part IS NULL OR any_part < year_before AS new_voice,
           same_part IS NULL OR same_part < began AS first_this_way,
           same_type IS NULL OR same_type < began AS first_this_way_in_type
    FROM attended
),
people AS (
    SELECT coalesce(type_id, 0) AS type_key,
           count(*) FILTER (WHERE now AND part = 'lived_experience' AND first_this_way) AS le_now,
           count(*) FILTER (WHERE NOT now AND part = 'lived_experience' AND first_this_way) AS le_before,
           count(*) FILTER (WHERE now AND part = 'carer' AND first_this_way) AS carers_now,
           count(*) FILTER (WHERE NOT now AND part = 'carer' AND first_this_way) AS carers_before,
           count(*) FILTER (WHERE now AND part = 'lived_experience' AND first_this_way_in_type)
               AS type_le_now,
           count(*) FILTER (WHERE NOT now AND part = 'lived_experience' AND first_this_way_in_type)
               AS type_le_before,
           count(*) FILTER (WHERE now AND part = 'carer' AND first_this_way_in_type) AS type_carers_now,
           count(*) FILTER (WHERE NOT now AND part = 'carer' AND first_this_way_in_type)
               AS type_carers_before,
           count(*) FILTER (WHERE now AND first_at_all) AS people_now,
           count(*) FILTER (WHERE NOT now AND first_at_all) AS people_before,
           count(*) FILTER (WHERE now AND new_voice) AS new_now,
           count(*) FILTER (WHERE NOT now AND new_voice) AS new_before,
           sum(hours) FILTER (WHERE now) AS hours_now,
           sum(hours) FILTER (WHERE NOT now) AS hours_before
    FROM firsts
    GROUP BY ROLLUP (type_id)
),
sessions AS (
    SELECT coalesce(activity_type_id, 0) AS type_key,
           count(*) FILTER (WHERE starts_at >= %(now_from)s) AS sessions_now,
           count(*) FILTER (WHERE starts_at < %(before_to)s) AS sessions_before
    FROM involvement_activity
    WHERE organisation_id = %(organisation)s AND starts_at >= %(before_from)s AND starts_at < %(now_to)s
    GROUP BY ROLLUP (activity_type_id)
)
SELECT s.type_key, s.sessions_now, s.sessions_before,
       CASE WHEN s.type_key = 0 THEN p.le_now ELSE p.type_le_now END,
       CASE WHEN s.type_key = 0 THEN p.le_before ELSE p.type_le_before END,
       CASE WHEN s.type_key = 0 THEN p.carers_now ELSE p.type_carers_now END,
       CASE WHEN s.type_key = 0 THEN p.carers_before ELSE p.type_carers_before END,
       p.people_now, p.people_before, p.new_now, p.new_before, p.hours_now, p.hours_before
FROM sessions s LEFT JOIN people p USING (type_key)
"""


def report_periods() -> list[tuple]:
    """The last complete quarter, the four complete quarters to its end, and this quarter so far."""
    from datetime import date, timedelta

    from django.utils import timezone

    from coproduce.involvement.selectors import last_complete_quarter, quarter_label, quarter_of

    today = timezone.localdate()
    start, end = last_complete_quarter(today)
    year_start = date(end.year - 1, end.month, end.day) + timedelta(days=1)
    running = quarter_of(today)[0]
    return [
        (f"quarter {quarter_label(start)}", start, end),
        (f"year to {quarter_label(start)}", year_start, end),
        (f"{quarter_label(running)} so far", running, today),
    ]


def selector_figures(organisation, start, end, *, stored: bool = False) -> dict:
    """The report's figures: {0: totals, type id: that type's figures}. Computed by the selector, or
    (stored=True) through the report's entry point, as the page does: it keeps the figures of each
    period that has ended (for a period still running, the one before it)."""
    from coproduce.involvement import reports, selectors

    compute = reports.involvement_report if stored else selectors.involvement_report
    report = compute(organisation=organisation, start=start, end=end)
    pairs = lambda *figures: tuple((f.current, f.previous) for f in figures)  # noqa: E731
    figures = {
        0: pairs(
            report.lived_experience,
            report.carers,
            report.people,
            report.new_voices,
            report.sessions,
            report.hours,
        )
    }
    for row in report.by_type:
        figures[row.activity_type.pk] = pairs(row.lived_experience, row.carers, row.sessions, row.hours)
    return figures


def hand_written_figures(organisation, start, end, query: str = HAND_WRITTEN_REPORT) -> dict:
    """The same figures from HAND_WRITTEN_REPORT (or CHECK_REPORT), in the same shape."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection

    from coproduce.involvement.selectors import NEW_VOICE_LOOKBACK, day_start, previous_period

    previous_start, previous_end = previous_period(start, end)
    now_from, now_to = day_start(start), day_start(end + timedelta(days=1))
    before_from, before_to = day_start(previous_start), day_start(previous_end + timedelta(days=1))
    params = {
        "organisation": organisation.pk,
        "now_from": now_from,
        "now_to": now_to,
        "before_from": before_from,
        "before_to": before_to,
        "now_lookback": now_from - NEW_VOICE_LOOKBACK,
        "before_lookback": before_from - NEW_VOICE_LOOKBACK,
    }
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    figures = {}
    for type_key, s_now, s_before, *people in rows:
        le_now, le_before, c_now, c_before, p_now, p_before, n_now, n_before, h_now, h_before = [
            0 if value is None else value for value in people
        ]
        hours = ((h_now or Decimal("0")), (h_before or Decimal("0")))
        if type_key == 0:
            figures[0] = (
                (le_now, le_before),
                (c_now, c_before),
                (p_now, p_before),
                (n_now, n_before),
                (s_now, s_before),
                hours,
            )
        else:
            figures[type_key] = ((le_now, le_before), (c_now, c_before), (s_now, s_before), hours)
    return figures


def timed(compute, runs: int, budget: float) -> tuple[list[float], object]:
    """Run compute() once to warm up and keep its result, then up to `runs` timed runs; stop early
    once they have taken `budget` seconds. A run cancelled by the statement timeout gives no times."""
    from django.db import OperationalError

    times = []
    try:
        started = time.perf_counter()
        result = compute()
        first = time.perf_counter() - started
        spent = first
        for _ in range(runs):
            if spent > budget:
                break
            started = time.perf_counter()
            compute()
            times.append(time.perf_counter() - started)
            spent += times[-1]
    except OperationalError as error:  # statement timeout
        return [], error
    return times or [first], result


def measure_reports(args: argparse.Namespace) -> dict:
    """Latency of the report for a quarter, a year and this quarter so far, selector against
    hand-written SQL, and through the report's entry point."""
    from django.db import connection
    from django.utils import timezone

    from coproduce.core.models import Organisation
    from coproduce.involvement.models import Activity, Attendance
    from coproduce.people.models import Person

    organisation = Organisation.objects.get(slug=ORGANISATION)
    volume = {
        "people": Person.objects.filter(organisation=organisation).count(),
        "attendances": Attendance.objects.filter(activity__organisation=organisation).count(),
        "all attendances": Attendance.objects.count(),
        "activities": Activity.objects.filter(organisation=organisation).count(),
    }
    with connection.cursor() as cursor:
        settings = {}
        for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
        cursor.execute("SET statement_timeout = %s", [int(args.report_timeout * 1000)])
    rows = []
    try:
        for label, start, end in report_periods():
            print(f"Timing the involvement report, {label} ({start} to {end})...")
            sql_times, sql_figures = timed(
                lambda s=start, e=end: hand_written_figures(organisation, s, e), args.runs, 30
            )
            orm_times, orm_figures = timed(
                lambda s=start, e=end: selector_figures(organisation, s, e), args.runs, 30
            )
            # The first call computes and stores the ended periods' figures; the timed ones read them.
            check_figures = hand_written_figures(organisation, start, end, CHECK_REPORT)
            stored_times, stored_figures = timed(
                lambda s=start, e=end: selector_figures(organisation, s, e, stored=True), args.runs, 30
            )
            rows.append(
                {
                    "label": label,
                    "selector": orm_times,
                    "sql": sql_times,
                    "stored": stored_times,
                    "selector_figures": orm_figures,
                    "sql_figures": sql_figures,
                    "stored_figures": stored_figures,
                    "check_figures": check_figures,
                    "running": end >= timezone.localdate(),
                }
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    return {"volume": volume, "settings": settings, "rows": rows}


def verdict(value: float, target: float) -> str:
    return "meets it" if value <= target else "misses it"


def print_involvement(involvement: dict, lists: list[dict], args: argparse.Namespace) -> bool:
    """Print the report and list figures against their targets; False if the computations disagree."""
    volume = involvement["volume"]
    print()
    print(
        f"Involvement on PostgreSQL, organisation {ORGANISATION!r}: {volume['people']:,} people,"
        f" {volume['activities']:,} activities, {volume['attendances']:,} attendance rows"
        f" ({volume['all attendances']:,} in all organisations)."
    )
    print("Server settings: " + ", ".join(f"{k} {v}" for k, v in involvement["settings"].items()) + ".")
    print(
        f"The report in this process (Django ORM, warm): best and median of up to {args.runs} runs after"
        f" one warm-up, stopping after 30s; target <= {REPORT_TARGET_MS:.0f} ms and"
        f" <= {REPORT_RATIO_TARGET:g}x the hand-written SQL."
    )
    header = f"{'report':<22}{'selector best':>14}{'median':>10}{'SQL best':>10}{'median':>10}{'ratio':>8}"
    print(header + "  figures")
    print("-" * (len(header) + 10))
    agree = True
    verdicts = []
    for row in involvement["rows"]:
        label, orm, sql = row["label"], row["selector"], row["sql"]
        if isinstance(row["selector_figures"], Exception) or isinstance(row["sql_figures"], Exception):
            over = f"over {args.report_timeout:g}s (cancelled)"
            times = [f"{statistics.median(t) * 1000:,.0f} ms" if t else over for t in (orm, sql)]
            print(f"{label:<22}selector {times[0]}, SQL {times[1]}")
            verdicts.append(f"report, {label}: {times[0]}, misses it (<= {REPORT_TARGET_MS:.0f} ms)")
            continue
        # The check counts people the long way (per person): it keeps the kept dates honest at scale.
        same = row["selector_figures"] == row["sql_figures"] == row["stored_figures"] == row["check_figures"]
        agree &= same
        orm_median, sql_median = statistics.median(orm) * 1000, statistics.median(sql) * 1000
        stored_median = statistics.median(row["stored"]) * 1000
        ratio = orm_median / sql_median
        print(
            f"{label:<22}{min(orm) * 1000:>11.0f} ms{orm_median:>7.0f} ms{min(sql) * 1000:>7.0f} ms"
            f"{sql_median:>7.0f} ms{ratio:>7.1f}x  {'agree' if same else 'DISAGREE'}"
            f" ({len(orm)} and {len(sql)} runs)"
        )
        for key in sorted(set(row["selector_figures"]) | set(row["sql_figures"])):
            ours, theirs = row["selector_figures"].get(key), row["sql_figures"].get(key)
            check = row["check_figures"].get(key)
            if not ours == theirs == check:
                print(
                    f"    {'totals' if key == 0 else f'type {key}'}: selector {ours}, SQL {theirs},"
                    f" counted per person {check}"
                )
        names = ["lived experience", "carers", "people", "new voices", "sessions", "hours"]
        totals = ", ".join(
            f"{name} {now:,}/{before:,}"
            for name, (now, before) in zip(names, row["selector_figures"][0], strict=True)
        )
        print(f"    this period/the one before: {totals}")
        running = row["running"]
        what = "this period computed, the one before stored" if running else "both periods stored"
        print(f"    through the report's entry point ({what}): median {stored_median:,.1f} ms")
        verdicts.append(
            f"report, {label}: computed {orm_median:,.0f} ms, {ratio:.1f}x SQL,"
            f" {verdict(ratio, REPORT_RATIO_TARGET)} (<= {REPORT_RATIO_TARGET:g}x);"
            f" {'as the page reads it' if running else 'once stored'}"
            f" {stored_median:,.1f} ms, {verdict(stored_median, REPORT_TARGET_MS)}"
            f" (<= {REPORT_TARGET_MS:.0f} ms)"
        )
    if lists:
        print()
        print(
            f"List pages under gunicorn ({WORKERS} sync workers), one request at a time, up to"
            f" {args.list_requests} requests or {args.list_seconds:g}s each."
        )
        header = f"{'page':<18}{'requests':>9}{'errors':>7}{'median ms':>11}{'p95 ms':>9}"
        print(header)
        print("-" * len(header))
        for row in lists:
            print(
                f"{row['label']:<18}{row['requests']:>9}{row['errors']:>7}{row['median']:>11.1f}{row['p95']:>9.1f}"
            )
            p95 = row["p95"] if not row["errors"] else float("inf")
            verdicts.append(
                f"{row['label']} p95: {row['p95']:,.0f} ms, {verdict(p95, LIST_P95_TARGET_MS)}"
                f" (<= {LIST_P95_TARGET_MS:.0f} ms)"
            )
    print("\nTargets:")
    for line in verdicts:
        print(f"  {line}")
    if not agree:
        print("\nThe selector and the hand-written SQL disagree: one of them is wrong.")
    return agree


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
    LOG.parent.mkdir(exist_ok=True)  # on PostgreSQL nothing else has made .bench/
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


def measure_themes() -> list[dict]:
    """Theme suggestions on the shipped pxtextmining comments (coproduce/themes/data): trained on 80%,
    scored on the 20% held out (seed 0), at its own subcategories and mapped to our default framework."""
    import csv

    from sklearn.model_selection import train_test_split

    from coproduce.themes import learning

    with learning.STARTER_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if (r.get("feedback") or "").strip()]
    subcategories = [
        learning.Example(r["feedback"].strip(), [r["subcategory"].strip()])
        for r in rows
        if r["subcategory"].strip()
    ]
    results = []
    for level, examples in [("subcategory", subcategories), ("framework", learning.starter_examples())]:
        train_set, test_set = train_test_split(examples, test_size=0.2, random_state=0)
        for mode, single in [("best theme", True), ("multilabel", False)]:
            result = learning.evaluate(train_set, test_set, single_label=single)
            results.append(
                {
                    "level": level,
                    "mode": mode,
                    "themes": len(result.labels),
                    "micro_f1": result.micro_f1,
                    "macro_f1": result.macro_f1,
                    "train_seconds": result.train_seconds,
                    "comments_per_second": result.comments_per_second,
                    "test_size": result.test_size,
                }
            )
    return results


def print_themes(results: list[dict]) -> None:
    print("\nTheme suggestions on the shipped NHS comments (pxtextmining, 20% held out, seed 0):")
    print(
        f"{'level':<13}{'mode':<13}{'themes':>7}{'micro-F1':>10}{'macro-F1':>10}{'train':>9}{'comments/s':>12}"
    )
    for row in results:
        print(
            f"{row['level']:<13}{row['mode']:<13}{row['themes']:>7}{row['micro_f1']:>10.3f}"
            f"{row['macro_f1']:>10.3f}{row['train_seconds']:>8.1f}s{row['comments_per_second']:>12,.0f}"
        )
    print(
        "Anchor: pxtextmining's multilabel results on its own 32 themes, micro/macro-F1 0.71/0.64 (linear)"
        " and 0.77/0.71 (ensemble); aim 1,000+ comments/s and training under a minute."
    )


def main() -> None:
    started = time.monotonic()
    args = parse_args()
    load_average = os.getloadavg()[0]
    # SIGTERM ends the script through the same finally block as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit("Static files are not collected: run `make assets` (or `make bench`) first.")

    postgres = configure_database(args)
    scale = args.scale or (POSTGRES_SCALE if postgres else 500)
    print(f"Preparing the bench database ({SETTINGS}{', PostgreSQL' if postgres else ''})...")
    prepare_database(scale, postgres)
    involvement = measure_reports(args) if postgres else None
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
        lists = []
        if involvement:
            for label, path in LIST_PAGES:
                print(f"Measuring {label} ({path}) one request at a time...")
                result = load(port, path, cookie, args.list_seconds, args.list_requests, concurrency=1)
                lists.append(summarise(label, result))
                all_errors += result["errors"]
        print_table(rows, queries, args, load_average)
        if all_errors:
            print(f"\n{len(all_errors)} requests did not answer 200; the first few:")
            for error in all_errors[:10]:
                print(f"  {error}")
    finally:
        stop_server(server)
    agree = print_involvement(involvement, lists, args) if involvement else True
    print_themes(measure_themes())
    print(
        f"\nThe bench took {time.monotonic() - started:.0f}s; the load average is now"
        f" {os.getloadavg()[0]:.1f}."
    )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
