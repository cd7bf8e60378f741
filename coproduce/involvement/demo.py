"""Demo involvement records. January to March 2019 reproduces the seed's figures from raw records:
317 service users and 80 carers involved across meetings, audits and inspections, recruitment and
selection and training; 119 volunteers including 41 activity assistants and 34 peer mentors."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Organisation
from coproduce.people.demo import seed_register
from coproduce.people.models import Person

from .models import Activity, ActivityType, Attendance, Placement, TakingPartAs, VolunteerHours, VolunteerRole
from .reports import attendance_written_in_bulk

Q1_2019 = (date(2019, 1, 1), date(2019, 3, 31))
Q4_2018 = (date(2018, 10, 1), date(2018, 12, 31))
SEED_TYPES = {
    "meeting": ("Service user forum", 40),
    "audit_inspection": ("Ward environment audit", 14),
    "recruitment_selection": ("Interview panel", 12),
    "training_delivered": ("Recovery training session", 10),
}
VOLUNTEERS = {"activity_assistant": 41, "peer_mentor": 34, "befriender": 44}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _activities(organisation, rng, start: date, end: date, scale: float) -> list[Activity]:
    types = {t.code: t for t in ActivityType.objects.filter(organisation__isnull=True, code__in=SEED_TYPES)}
    activities = []
    days = (end - start).days + 1
    for code, (title, count) in SEED_TYPES.items():
        for n in range(max(1, int(count * scale))):
            day = start + timedelta(days=rng.randrange(days))
            hour = rng.choice([10, 13, 14, 18])
            length = rng.choice([1, 2, 2, 3])
            activities.append(
                Activity(
                    organisation=organisation,
                    activity_type=types[code],
                    title=f"{title} {n + 1}",
                    starts_at=_at(day, hour),
                    ends_at=_at(day, hour + length),
                    place=rng.choice(["Park House, room 2", "Online", "Victoria Park Centre", "Ward 3"]),
                )
            )
    Activity.objects.bulk_create(activities, batch_size=500)
    return activities


def _attend(activities, people, taking_part_as, rng, per_person=(1, 3)) -> list[Attendance]:
    """Every person attends at least one activity (so counts are exact), some several, some send apologies."""
    rows, seen = [], set()
    for person in people:
        for activity in rng.sample(activities, k=min(len(activities), rng.randint(*per_person))):
            if (activity.pk, person.pk) in seen:
                continue
            seen.add((activity.pk, person.pk))
            hours = Decimal((activity.ends_at - activity.starts_at).seconds) / 3600
            rows.append(
                Attendance(activity=activity, person=person, taking_part_as=taking_part_as, hours=hours)
            )
    # A few apologies from people who also attended something, so they must not change the counts.
    for attendance in rows[::9]:
        other = rng.choice(activities)
        if (other.pk, attendance.person_id) not in seen:
            seen.add((other.pk, attendance.person_id))
            rows.append(
                Attendance(
                    activity=other,
                    person=attendance.person,
                    taking_part_as=taking_part_as,
                    status="apologies",
                )
            )
    return rows


@transaction.atomic
def seed_involvement(organisation: Organisation, *, seed_figures: bool) -> None:
    if Activity.objects.filter(organisation=organisation).exists():
        return
    rng = random.Random(f"involvement-{organisation.slug}")
    if seed_figures:
        # A cohort large enough for the seed's figures, added to the register as historical members.
        needed = 317 + 80 + 40
        have = Person.objects.filter(
            organisation=organisation, erased_at__isnull=True, user__isnull=True
        ).count()
        if have < needed:
            seed_register(organisation, needed - have, seed=2019)
    people = list(
        Person.objects.filter(organisation=organisation, erased_at__isnull=True, user__isnull=True).order_by(
            "id"
        )
    )
    rng.shuffle(people)
    attendances = []
    if seed_figures:
        lived, carers = people[:317], people[317:397]
        q1 = _activities(organisation, rng, *Q1_2019, scale=1)
        attendances += _attend(q1, lived, TakingPartAs.LIVED_EXPERIENCE, rng)
        attendances += _attend(q1, carers, TakingPartAs.CARER, rng)
        q4 = _activities(organisation, rng, *Q4_2018, scale=0.8)
        attendances += _attend(q4, people[40:300], TakingPartAs.LIVED_EXPERIENCE, rng, per_person=(1, 2))
        attendances += _attend(q4, people[330:400], TakingPartAs.CARER, rng, per_person=(1, 2))
        _volunteers(organisation, people[:119], rng)
    # Recent quarters, so the default report (the last complete quarter) has figures too.
    today = timezone.localdate()
    for quarters_back in (1, 2, 3):
        end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(
            days=1 + 92 * (quarters_back - 1)
        )
        start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
        recent = _activities(organisation, rng, start, end, scale=0.4)
        sample = rng.sample(people, k=min(len(people), 90))
        attendances += _attend(recent, sample[:70], TakingPartAs.LIVED_EXPERIENCE, rng, per_person=(1, 2))
        attendances += _attend(recent, sample[70:], TakingPartAs.CARER, rng, per_person=(1, 2))
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    attendance_written_in_bulk(organisation)  # written in bulk, around the services


def _volunteers(organisation, people, rng) -> None:
    roles = {r.code: r for r in VolunteerRole.objects.filter(organisation__isnull=True)}
    placements = []
    index = 0
    for code, count in VOLUNTEERS.items():
        for _n in range(count):
            person = people[index]
            index += 1
            start = date(2018, 1, 1) + timedelta(days=rng.randrange(400))
            start = min(start, date(2019, 3, 1))
            ends = rng.choice([None, None, date(2020, 6, 30), date(2019, 12, 31)])
            placements.append(
                Placement(
                    organisation=organisation,
                    person=person,
                    role=roles[code],
                    team=rng.choice(["Ward 3", "Ward 7", "Community team north", "Recovery Academy"]),
                    starts_on=start,
                    ends_on=ends,
                    supervisor="Sam Lead",
                )
            )
    Placement.objects.bulk_create(placements)
    hours = [
        VolunteerHours(placement=p, worked_on=date(2019, 2, 1) + timedelta(days=7 * w), hours=Decimal("3"))
        for p in placements
        for w in range(4)
    ]
    VolunteerHours.objects.bulk_create(hours, batch_size=1000)


DESCRIPTION = "Work alongside staff as an equal member of the team. Training and support are provided."
EASY_READ = "We want your help. You will work with staff. We will pay you. You can bring someone with you."


def seed_opportunities(organisation: Organisation) -> None:
    """A few opportunities in different states, with expressions of interest, for the demo."""
    from .models import ExpressionOfInterest, Opportunity

    if Opportunity.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    types = {t.code: t for t in ActivityType.objects.filter(organisation__isnull=True)}
    rows = [
        (
            "Interview panel: ward manager, Park House",
            "recruitment_selection",
            "open",
            True,
            3,
            ["dbs"],
            "paid",
            "£25 an hour",
        ),
        (
            "Co-design workshop: new crisis line",
            "codesign_workshop",
            "open",
            True,
            8,
            [],
            "voucher",
            "£20 voucher",
        ),
        (
            "15 Steps ward visits",
            "audit_inspection",
            "open",
            False,
            4,
            ["dbs", "confidentiality"],
            "paid",
            "£25 an hour",
        ),
        ("Carers' focus group on discharge", "focus_group", "draft", False, 10, [], "voluntary", ""),
    ]
    people = list(
        Person.objects.filter(organisation=organisation, erased_at__isnull=True).order_by("id")[:24]
    )
    for n, (title, code, status, public, places, checks, reward, detail) in enumerate(rows):
        opportunity = Opportunity.objects.create(
            organisation=organisation,
            title=title,
            description=DESCRIPTION,
            easy_read=EASY_READ,
            activity_type=types[code],
            for_whom="carers" if "Carers" in title else "anyone",
            places=places,
            commitment="One morning, 10am to 1pm" if n % 2 == 0 else "Two hours a month for six months",
            location="both" if n % 2 else "in_person",
            location_detail="Park House, North Manchester",
            accessibility="Step-free access, hearing loop, quiet room, breaks every hour.",
            required_checks=checks,
            reward=reward,
            reward_detail=detail,
            closes_on=today + timedelta(days=14 + 7 * n),
            status=status,
            is_public=public,
        )
        if status == "open":
            ExpressionOfInterest.objects.bulk_create(
                [
                    ExpressionOfInterest(
                        opportunity=opportunity, person=p, why="I have lived experience of this service."
                    )
                    for p in people[n * 6 : n * 6 + 6]
                ]
            )
