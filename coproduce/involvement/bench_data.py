"""Benchmark volume: a register of people and two years of activities and attendance, built fast.

`seed_demo --scale N` calls build(): on PostgreSQL the rows go in through COPY (psycopg 3), elsewhere
through bulk_create. The shape follows a real involvement register rather than a uniform spread:

- people join and drift away: each is active for a stretch of months, so every quarter has new voices;
- most people take part a few times and a few take part very often (a log-normal spread per person),
  and about one in twelve on the register never takes part at all;
- most activities are small (a panel, a focus group), some are forums and a few are large events;
- about 80% of attendance is as someone with lived experience and 20% as a carer;
- about 8% of rows are apologies and 3% did not attend, with no hours.

Attendance rows are written in activity order, as they are recorded after each activity, so the table's
physical order matches production's. Tables are analysed afterwards so plans see the new volume.
"""

import bisect
import itertools
import json
import math
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from coproduce.core.models import Organisation
from coproduce.people.models import AccessNeed, AccessNeeds, InvolvementIdentity, Person, Tag

from .models import (
    PREVIOUS_FIELDS,
    Activity,
    ActivityType,
    Attendance,
    AttendanceStatus,
    Placement,
    PreviousAttendance,
    TakingPartAs,
    VolunteerRole,
)
from .reports import forget_stored_reports

FIRST = (
    "Aisha Ben Cerys Dev Eilidh Femi Gareth Hana Ivan Jas Kai Lowri Mo Nia Owen Priya Rhys Sian Tom Una "
    "Vik Wen Yusuf Zara Amir Beth Cal Dilys Emeka Fran Gwen Huw Ifan Jo Kemi Leon Mair Nasser Olu Pat"
).split()
LAST = (
    "Ahmed Brown Davies Evans Green Hughes Jones Khan Lewis Morgan Patel Price Roberts Singh Thomas "
    "Williams Taylor Wilson Walker Wright Edwards Clarke Hall Wood Ali Begum Okafor Nowak Murphy Kaur"
).split()
TAGS = ["public speaking", "art", "peer support", "listening", "writing", "IT", "Welsh", "BSL", "research"]
# How people are recorded on the register; with BOTH split between the two, attendance comes out at
# about 79% lived experience, 20% carer and 1% staff.
IDENTITIES = [
    (InvolvementIdentity.LIVED_EXPERIENCE, 74),
    (InvolvementIdentity.CARER, 19),
    (InvolvementIdentity.BOTH, 4),
    (InvolvementIdentity.STAFF_LIVED_EXPERIENCE, 2),
    (InvolvementIdentity.STAFF, 1),
]
# Built-in activity types: share of activities, title, (smallest, largest) size, possible hours. Sizes
# average about 22 people, so 2 million rows need about 90,000 activities (about 120 a day).
ACTIVITY_KINDS = {
    "meeting": (30, "Service user forum", (10, 60), (1, 2, 2)),
    "focus_group": (14, "Focus group", (6, 15), (1, 2)),
    "codesign_workshop": (10, "Co-design workshop", (8, 30), (2, 3)),
    "recruitment_selection": (9, "Interview panel", (3, 6), (3, 4, 6)),
    "audit_inspection": (8, "Ward environment audit", (3, 8), (2, 3)),
    "training_delivered": (7, "Recovery training session", (10, 40), (2, 3)),
    "training_received": (6, "Induction training", (8, 25), (3, 6)),
    "peer_mentoring": (6, "Peer mentoring session", (2, 6), (1, 2)),
    "volunteering_shift": (5, "Volunteering shift", (3, 10), (3, 4)),
    "course_delivery": (3, "Recovery College course", (10, 30), (2, 3)),
    "event": (2, "Open event", (60, 300), (3, 4, 6)),
}
PLACES = ["Park House, room 2", "Online", "Victoria Park Centre", "Ward 3", "Recovery Academy", "Town Hall"]
STATUSES = [
    (AttendanceStatus.ATTENDED, 89),
    (AttendanceStatus.APOLOGIES, 8),
    (AttendanceStatus.DID_NOT_ATTEND, 3),
]
NEVER_TAKE_PART = 0.08
SPREAD = 1.1  # log-normal sigma of how often someone takes part: median about half the mean
BATCH = 5000


@dataclass
class Built:
    people: int
    activities: int
    attendances: int
    seconds: float


def build(
    organisation: Organisation,
    *,
    people: int,
    attendances: int,
    seed: int = 0,
    days: int = 730,
    today: date | None = None,
    log=None,
) -> Built:
    """Add `people` people (with access needs and some skills) and about `attendances` attendance rows
    over `days` days up to `today`, with the activities they need. Each call adds more."""
    started = time.monotonic()

    def say(message: str) -> None:
        if log:
            log(f"  {organisation.slug}: {message} ({time.monotonic() - started:.0f}s)")

    postgres = connection.vendor == "postgresql"
    today = today or timezone.localdate()
    offset = Person.objects.filter(organisation=organisation).count()
    rng = random.Random(f"bench-{seed}-{organisation.slug}-{offset}")
    with transaction.atomic():
        person_rows = _people(organisation, rng, offset, people)
        person_ids = _insert(Person, person_rows, postgres)
        _access_needs_and_tags(organisation, rng, person_ids, postgres)
        say(f"{len(person_ids):,} people")
        activity_rows = _activities(organisation, rng, attendances, today, days)
        activity_ids = _insert(Activity, activity_rows, postgres)
        say(f"{len(activity_ids):,} activities")
        identities = [row["identity"] for row in person_rows]
        written = _attendance(rng, person_ids, identities, activity_ids, activity_rows, attendances, postgres)
        say(f"{written:,} attendance rows")
        _volunteers(organisation, rng, person_ids, today)
        forget_stored_reports(organisation)  # written around the services, so forget every period
    say("committed")
    _analyse(postgres)
    say("analysed")
    return Built(len(person_ids), len(activity_ids), written, time.monotonic() - started)


# People.


def _people(organisation: Organisation, rng: random.Random, offset: int, count: int) -> list[dict]:
    now = timezone.now()
    identities, weights = zip(*IDENTITIES, strict=True)
    rows = []
    for i in range(offset, offset + count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST) + i) % len(LAST)]
        managed = i % 15 == 7
        created = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        rows.append(
            {
                "public_id": uuid.uuid4(),
                "organisation_id": organisation.pk,
                "full_name": f"{first} {last}",
                "preferred_name": first if i % 4 else "",
                "pronouns": rng.choice(["", "", "she/her", "he/him", "they/them"]),
                "identity": rng.choices(identities, weights=weights)[0],
                # The register's own convention (people.demo), so both seeders can add to one register.
                "email": "" if managed else f"{first}.{last}.{i}@example.test".lower(),
                "phone": f"07700 {900000 + i % 100000:06d}",
                "address": "1 High Street\nCardiff\nCF10 1AA" if managed or i % 6 == 0 else "",
                "contact_by_email": not managed,
                "contact_by_sms": i % 5 == 0,
                "contact_by_phone": managed or i % 3 == 0,
                "contact_by_post": managed,
                "preferred_contact": "phone" if managed else "email",
                "language": "cy" if i % 5 == 2 else "",
                "times_to_avoid": "Mornings before 11" if i % 7 == 0 else "",
                "is_managed": managed,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _access_needs_and_tags(organisation: Organisation, rng: random.Random, person_ids: list[int], postgres):
    now = timezone.now()
    needs = [
        {
            "person_id": pk,
            "needs": rng.sample(AccessNeed.values, k=rng.choice([0, 0, 0, 1, 1, 2, 3])),
            "other": "Please send papers a week before" if n % 9 == 0 else "",
            "updated_at": now,
        }
        for n, pk in enumerate(person_ids)
    ]
    _insert(AccessNeeds, needs, postgres, returning=False)
    tags = [Tag.objects.get_or_create(organisation=organisation, name=name)[0].pk for name in TAGS]
    through = Person.tags.through
    rows = [
        {"person_id": pk, "tag_id": tag}
        for pk in person_ids
        for tag in rng.sample(tags, k=rng.choice([0, 0, 1, 1, 2, 3]))
    ]
    _insert(through, rows, postgres, returning=False)


# Activities and attendance.


def _activities(organisation, rng: random.Random, attendances: int, today: date, days: int) -> list[dict]:
    """Enough activities for `attendances` rows, oldest first, each with a relative size ("weight")."""
    types = {t.code: t.pk for t in ActivityType.objects.filter(organisation__isnull=True)}
    kinds = [(code, *spec) for code, spec in ACTIVITY_KINDS.items() if code in types]
    shares = [kind[1] for kind in kinds]
    mean_size = sum(share * sum(kind[3]) / 2 for share, kind in zip(shares, kinds, strict=True)) / sum(shares)
    count = max(1, round(attendances / mean_size))
    first_day = today - timedelta(days=days)
    numbers: dict[str, int] = {}
    rows = []
    for _ in range(count):
        code, _share, title, (small, large), lengths = rng.choices(kinds, weights=shares)[0]
        day = first_day + timedelta(days=rng.randrange(days + 1))
        if day.weekday() >= 5 and code != "event":
            day -= timedelta(days=day.weekday() - 4)  # weekend work moves to the Friday before
        hour = rng.choice([10, 10, 13, 14, 18])
        length = rng.choice(lengths)
        starts = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
        numbers[code] = numbers.get(code, 0) + 1
        rows.append(
            {
                "public_id": uuid.uuid4(),
                "organisation_id": organisation.pk,
                "activity_type_id": types[code],
                "title": f"{title} {numbers[code]}",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=length),
                "place": rng.choice(PLACES),
                "facilitators": "Sam Lead" if rng.random() < 0.5 else "",
                "notes": "",
                "created_at": starts - timedelta(days=rng.randint(3, 40)),
                "weight": rng.uniform(small, large),
            }
        )
    rows.sort(key=lambda row: row["starts_at"])
    return rows


def _attendance(rng, person_ids, identities, activity_ids, activities, target: int, postgres: bool) -> int:
    """About `target` rows. Each person is active for a stretch and takes part a heavy-tailed number of
    times in it, picking activities in proportion to their size; nobody is at one activity twice."""
    n_activities = len(activity_ids)
    moments = [row["starts_at"].timestamp() for row in activities]
    cumulative = [0.0]
    for row in activities:
        cumulative.append(cumulative[-1] + row["weight"])
    # How often each person takes part, scaled so the total comes to the target.
    appetite = [0.0 if rng.random() < NEVER_TAKE_PART else math.exp(rng.gauss(0, SPREAD)) for _ in person_ids]
    scale = target / (sum(appetite) or 1)
    first, last = moments[0], moments[-1]
    span = max(last - first, 1.0)
    year = 365 * 86400
    by_activity: list[list[int]] = [[] for _ in range(n_activities)]
    for index, want in enumerate(appetite):
        times = int(want * scale + rng.random())
        if not times:
            continue
        # Active from some point (possibly before the data starts) for some months.
        joined = first - 0.5 * year + rng.random() * (span + 0.5 * year)
        stays = max(60 * 86400, math.exp(rng.gauss(math.log(0.9 * year), 0.8)))
        stays = max(stays, times * 7 * 86400)  # frequent attenders are around for longer
        low = bisect.bisect_left(moments, max(joined, first))
        high = bisect.bisect_right(moments, min(joined + stays, last))
        if high - low < 2 * times:  # too short a stretch: widen it around its middle
            middle = (low + high) // 2
            low, high = max(0, middle - times * 2), min(n_activities, middle + times * 2)
            times = min(times, (high - low) // 2)
        base, width = cumulative[low], cumulative[high] - cumulative[low]
        chosen: set[int] = set()
        for _attempt in range(3 * times):
            if len(chosen) >= times:
                break
            point = base + rng.random() * width
            chosen.add(min(high - 1, bisect.bisect_right(cumulative, point) - 1))
        for activity in chosen:
            by_activity[activity].append(index)
    return _write_attendance(rng, person_ids, identities, activity_ids, activities, by_activity, postgres)


def _write_attendance(rng, person_ids, identities, activity_ids, activities, by_activity, postgres) -> int:
    le, carer, staff = TakingPartAs.LIVED_EXPERIENCE, TakingPartAs.CARER, TakingPartAs.STAFF
    as_role = {
        InvolvementIdentity.LIVED_EXPERIENCE: le,
        InvolvementIdentity.STAFF_LIVED_EXPERIENCE: le,
        InvolvementIdentity.CARER: carer,
        InvolvementIdentity.STAFF: staff,
    }
    statuses, weights = zip(*STATUSES, strict=True)
    cumulative = list(itertools.accumulate(weights))
    now = timezone.now()
    written = 0
    chunk: list = []
    # Activities come oldest first, as PreviousAttendance walks them: the same dates the services keep
    # (refresh_previous_attendance), without a second pass over every row.
    walk = PreviousAttendance()

    def flush() -> None:
        if postgres:
            with connection.cursor() as cursor:
                columns = "activity_id, person_id, taking_part_as, status, hours, recorded_at, " + ", ".join(
                    PREVIOUS_FIELDS
                )
                with cursor.copy(f"COPY involvement_attendance ({columns}) FROM STDIN") as copy:
                    copy.write("".join(chunk))
        else:
            Attendance.objects.bulk_create(chunk, batch_size=1000)
        chunk.clear()

    for activity, attendees in enumerate(by_activity):
        if not attendees:
            continue
        row = activities[activity]
        hours = Decimal((row["ends_at"] - row["starts_at"]).seconds) / 3600
        recorded = min(row["ends_at"] + timedelta(days=rng.randint(0, 3)), now)
        recorded_text = recorded.isoformat()
        for index in attendees:
            identity = identities[index]
            role = as_role.get(identity) or (le if rng.random() < 0.6 else carer)
            status = rng.choices(statuses, cum_weights=cumulative)[0]
            attended = status == AttendanceStatus.ATTENDED
            took = hours if attended else Decimal("0")
            previous = (None, None, None)
            if attended:
                previous = walk.next(index, role, row["activity_type_id"], row["starts_at"])
            if postgres:
                previous_text = "\t".join(moment.isoformat() if moment else "\\N" for moment in previous)
                chunk.append(
                    f"{activity_ids[activity]}\t{person_ids[index]}\t{role}\t{status}\t{took}\t{recorded_text}"
                    f"\t{previous_text}\n"
                )
            else:
                chunk.append(
                    Attendance(
                        activity_id=activity_ids[activity],
                        person_id=person_ids[index],
                        taking_part_as=role,
                        status=status,
                        hours=took,
                        **dict(zip(PREVIOUS_FIELDS, previous, strict=True)),
                    )
                )
            written += 1
        if len(chunk) >= 20 * BATCH:
            flush()
    if chunk:
        flush()
    return written


def _volunteers(organisation: Organisation, rng: random.Random, person_ids: list[int], today: date) -> None:
    """About one person in a hundred holds a volunteer placement, some of them ended."""
    roles = list(VolunteerRole.objects.filter(organisation__isnull=True))
    if not roles or not person_ids:
        return
    placements = []
    for pk in rng.sample(person_ids, k=max(1, len(person_ids) // 100)):
        starts = today - timedelta(days=rng.randrange(900))
        ends = rng.choice([None, None, starts + timedelta(days=rng.randint(30, 400))])
        placements.append(
            Placement(
                organisation=organisation,
                person_id=pk,
                role=rng.choice(roles),
                team=rng.choice(["Ward 3", "Ward 7", "Community team north", "Recovery Academy"]),
                starts_on=starts,
                ends_on=ends,
                supervisor="Sam Lead",
            )
        )
    Placement.objects.bulk_create(placements, batch_size=1000)


# Writing rows.


def _insert(model, rows: list[dict], postgres: bool, *, returning: bool = True) -> list[int]:
    """Insert rows (dicts of column values) and return their new ids, in the same order."""
    if not rows:
        return []
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = [name for name in rows[0] if name in fields]
    if not postgres:
        objects = [model(**{c: row[c] for c in columns}) for row in rows]
        model.objects.bulk_create(objects, batch_size=500)
        return [obj.pk for obj in objects] if returning else []
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    json_columns = {c for c in columns if fields[c].get_internal_type() == "JSONField"}
    with connection.cursor() as cursor:
        before = None
        if returning:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (a model's table)
            before = cursor.fetchone()[0]
        with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])
        if not returning:
            return []
        # COPY takes ids from the sequence in row order; nothing else writes to a benchmark database.
        cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [before])  # noqa: S608
        ids = [pk for (pk,) in cursor.fetchall()]
    if len(ids) != len(rows):
        raise RuntimeError(f"{table}: wrote {len(rows)} rows but found {len(ids)} new ids")
    return ids


def _analyse(postgres: bool) -> None:
    """Fresh statistics (and, outside a transaction, a visibility map for index-only scans)."""
    if not postgres:
        return
    tables = [
        "core_user",  # seed_demo --scale adds the member accounts just before
        "core_membership",
        "core_membershiprole",
        "people_person",
        "people_accessneeds",
        "people_person_tags",
        "involvement_activity",
        "involvement_attendance",
        "involvement_placement",
    ]
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")
