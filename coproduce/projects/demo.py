"""Demo co-production projects: about eight across all stages, built from the demo register.

Two are there to be compared. "Crisis line redesign" is genuinely co-produced: lived-experience and carer
members attend every stage, decide together with staff and rate it as staff do. "Discharge planning
review" declares co-production (7), but its lived-experience members rate it consultation (4), its
decisions are taken without them, nobody with lived experience attended its evaluation, and three people
hold most of its involvement hours. Their scorecards show the difference.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Membership, Organisation, Role, User
from coproduce.involvement.models import Activity, ActivityType, Attendance, TakingPartAs
from coproduce.involvement.reports import attendance_written_in_bulk
from coproduce.people.models import Person

from .models import (
    STAGE_ORDER,
    Decision,
    LadderDeclaration,
    LadderRating,
    Project,
    ProjectActivity,
    ProjectStage,
    ProjectUpdate,
    TeamMember,
    side_for_role,
)

LE, CARER, STAFF = "lived_experience", "carer", "staff"
STAGE_TYPES = {
    "co_design": "codesign_workshop",
    "co_decision": "meeting",
    "co_delivery": "event",
    "co_evaluation": "focus_group",
}

# title, aim, service area, status, current stage, declared rung, public, team (le, carers, staff),
# ratings (le, staff), activities per reached stage, lived experience attends evaluation?, decisions
# [(stage, method, le present, le deciding)], hours concentrated in three people?
PROJECTS = [
    (
        "Crisis line redesign",
        "People in crisis get a calm, knowledgeable voice within two minutes, day or night.",
        "Crisis and home treatment",
        "active",
        "co_evaluation",
        7,
        True,
        (5, 2, 4),
        ([7, 6, 7, 7, 6], [7, 6, 7, 7]),
        2,
        True,
        [
            ("co_design", "consensus", True, True),
            ("co_decision", "vote", True, True),
            ("co_decision", "consensus", True, True),
            ("co_delivery", "consensus", True, True),
            ("co_evaluation", "consensus", True, True),
        ],
        False,
    ),
    (
        "Discharge planning review",
        "Fewer people readmitted within 30 days of leaving hospital.",
        "Inpatient wards",
        "active",
        "co_evaluation",
        7,
        False,
        (6, 1, 4),
        ([4, 4, 3, 4, 5], [7, 7, 6, 7]),
        2,
        False,
        [
            ("co_design", "lead", True, False),
            ("co_decision", "executive", False, False),
            ("co_decision", "lead", False, False),
            ("co_delivery", "lead", True, False),
            ("co_evaluation", "executive", False, False),
        ],
        True,
    ),
    (
        "Carers' assessment leaflet",
        "Carers know what a carer's assessment is and how to ask for one.",
        "Carers' services",
        "planned",
        "co_design",
        6,
        True,
        (2, 3, 2),
        ([6, 6], [6, 5]),
        1,
        True,
        [],
        False,
    ),
    (
        "Recovery College prospectus",
        "Courses people actually want, in places they can get to.",
        "Recovery College",
        "active",
        "co_decision",
        6,
        True,
        (4, 1, 3),
        ([6, 5, 6, 6], [6, 6, 5]),
        2,
        True,
        [("co_design", "consensus", True, True), ("co_decision", "vote", True, True)],
        False,
    ),
    (
        "Ward 3 garden",
        "A garden on Ward 3 that patients want to use, built with them.",
        "Inpatient wards",
        "active",
        "co_delivery",
        5,
        False,
        (4, 0, 3),
        ([5, 5, 4], [6, 5, 6]),
        1,
        True,
        [("co_design", "consensus", True, True), ("co_decision", "lead", True, False)],
        False,
    ),
    (
        "Peer support in A&E",
        "Someone with lived experience to talk to while waiting in A&E.",
        "Urgent care",
        "active",
        "co_design",
        6,
        False,
        (3, 1, 2),
        ([6, 5], [6, 6]),
        2,
        True,
        [],
        False,
    ),
    (
        "CAMHS waiting room",
        "A waiting room young people describe as calm and welcoming.",
        "Children and young people",
        "finished",
        "co_evaluation",
        6,
        True,
        (4, 2, 3),
        ([6, 6, 7], [6, 6, 6]),
        1,
        True,
        [
            ("co_design", "consensus", True, True),
            ("co_decision", "vote", True, True),
            ("co_delivery", "consensus", True, True),
            ("co_evaluation", "consensus", True, True),
        ],
        False,
    ),
    (
        "Community mental health transformation",
        "One front door for community mental health, with no one bounced between teams.",
        "Community mental health",
        "paused",
        "co_decision",
        4,
        False,
        (3, 1, 5),
        ([3, 4, 4], [5, 5, 4]),
        1,
        True,
        [("co_design", "executive", True, False)],
        False,
    ),
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _people(organisation: Organisation) -> dict[str, list[Person]]:
    people = list(
        Person.objects.filter(organisation=organisation, erased_at__isnull=True, user__isnull=True).order_by(
            "id"
        )
    )
    pools = {
        LE: [p for p in people if p.identity in ("lived_experience", "both")],
        CARER: [p for p in people if p.identity == "carer"],
        STAFF: [p for p in people if p.identity in ("staff", "staff_lived_experience")],
    }
    # A small register may lack a kind of person: borrow from everyone rather than fail.
    for pool in pools.values():
        if not pool:
            pool.extend(people)
    return pools


def _membership(organisation: Organisation, role: str) -> Membership | None:
    return (
        Membership.objects.filter(organisation=organisation, role_set__role=role)
        .order_by("user__email")
        .first()
    )


def _account_person(organisation: Organisation, email: str) -> Person | None:
    return Person.objects.filter(organisation=organisation, user__email=email, erased_at__isnull=True).first()


@transaction.atomic
def seed_projects(organisation: Organisation) -> None:
    """The demo's projects, once: a second run finds projects there and adds nothing."""
    if Project.objects.filter(organisation=organisation).exists():
        return
    pools = _people(organisation)
    if not any(pools.values()):
        return
    rng = random.Random(f"projects-{organisation.slug}")
    cursor = {LE: 0, CARER: 0, STAFF: 0}

    def take(kind: str, n: int, used: set) -> list[Person]:
        """The next n people of a kind, none already on this project's team (a small register gives fewer)."""
        pool, chosen = pools[kind], []
        for _attempt in range(len(pool)):
            if len(chosen) == n:
                break
            person = pool[cursor[kind] % len(pool)]
            cursor[kind] += 1
            if person.pk not in used:
                used.add(person.pk)
                chosen.append(person)
        return chosen

    sponsor = _membership(organisation, Role.EXECUTIVE)
    lead = _membership(organisation, Role.LEAD)
    author = lead.user if lead else User.objects.filter(memberships__organisation=organisation).first()
    types = {t.code: t for t in ActivityType.objects.filter(organisation__isnull=True)}
    today = timezone.localdate()
    member_account = _account_person(organisation, f"member@{organisation.slug}.test")
    carer_account = _account_person(organisation, f"carer@{organisation.slug}.test")

    for index, spec in enumerate(PROJECTS):
        (title, aim, area, status, current, declared, public, sizes, ratings, per_stage, le_evaluates,
         decisions, concentrated) = spec  # fmt: skip
        project = Project.objects.create(
            organisation=organisation,
            title=title,
            aim=aim,
            service_area=area,
            status=status,
            current_stage=current,
            declared_rung=declared,
            is_public=public,
            sponsor=sponsor,
            lead=lead,
        )
        reached = STAGE_ORDER[: STAGE_ORDER.index(current) + 1]
        start = today - timedelta(days=60 * len(reached) + 10)
        joined = start - timedelta(days=14)
        stage_dates = {}
        for n, stage in enumerate(STAGE_ORDER):
            if stage in reached:
                begins = start + timedelta(days=60 * n)
                ends = begins + timedelta(days=55) if stage != current or status == "finished" else None
                stage_dates[stage] = (begins, ends)
        ProjectStage.objects.bulk_create(
            [
                ProjectStage(
                    project=project,
                    stage=stage,
                    starts_on=stage_dates.get(stage, (None, None))[0],
                    ends_on=stage_dates.get(stage, (None, None))[1],
                    summary="Workshops and meetings with the whole team." if stage in stage_dates else "",
                )
                for stage in STAGE_ORDER
            ]
        )
        used: set = set()
        le_people, carer_people, staff_people = (
            take(LE, sizes[0], used),
            take(CARER, sizes[1], used),
            take(STAFF, sizes[2], used),
        )
        if index == 0:
            # The demo participant and carer can see the genuinely co-produced project from their accounts.
            if member_account and le_people:
                le_people[0] = member_account
            if carer_account and carer_people:
                carer_people[0] = carer_account
        members = TeamMember.objects.bulk_create(
            [TeamMember(project=project, person=p, role=LE, joined_on=joined) for p in le_people]
            + [TeamMember(project=project, person=p, role=CARER, joined_on=joined) for p in carer_people]
            + [
                TeamMember(project=project, person=p, role="lead" if n == 0 else STAFF, joined_on=joined)
                for n, p in enumerate(staff_people)
            ]
        )
        le_members = [m for m in members if m.role in (LE, CARER)]
        staff_members = [m for m in members if m.role not in (LE, CARER)]

        # Activities and who attended each stage.
        activities, links, rows = [], [], []
        for stage, (begins, _ends) in stage_dates.items():
            for k in range(per_stage):
                day = min(begins + timedelta(days=10 + 20 * k), today - timedelta(days=1))
                activity = Activity(
                    organisation=organisation,
                    activity_type=types[STAGE_TYPES[stage]],
                    title=f"{title}: {stage.replace('_', '-')} session {k + 1}",
                    starts_at=_at(day, 14),
                    ends_at=_at(day, 16),
                    place=rng.choice(["Park House, room 2", "Online", "Victoria Park Centre"]),
                )
                activities.append((stage, activity))
        Activity.objects.bulk_create([a for _s, a in activities])
        for n, (stage, activity) in enumerate(activities):
            links.append(ProjectActivity(project=project, activity=activity, stage=stage))
            lived = le_members if (stage != "co_evaluation" or le_evaluates) else []
            if concentrated and lived:
                # The same three people at everything, for long hours; others once, briefly.
                attending = [(m, Decimal("6")) for m in lived[:3]]
                if n < len(lived) - 3:
                    attending.append((lived[3 + n], Decimal("1")))
            else:
                attending = [(m, Decimal("2")) for m in lived]
            for member, hours in attending:
                taking_part = TakingPartAs.CARER if member.role == CARER else TakingPartAs.LIVED_EXPERIENCE
                rows.append(
                    Attendance(
                        activity=activity,
                        person=member.person,
                        taking_part_as=taking_part,
                        hours=hours,
                    )
                )
            for member in staff_members[:2]:
                rows.append(
                    Attendance(
                        activity=activity,
                        person=member.person,
                        taking_part_as=TakingPartAs.STAFF,
                        hours=Decimal("2"),
                    )
                )
        ProjectActivity.objects.bulk_create(links)
        Attendance.objects.bulk_create(rows)
        attendance_written_in_bulk(organisation)  # written in bulk, around the involvement services

        # The ladder: the lead's declaration, and everyone's own ratings.
        LadderDeclaration.objects.create(
            project=project,
            rung=declared,
            reason="How the lead describes the way the team works.",
            declared_by=author,
        )
        le_rates, staff_rates = ratings
        LadderRating.objects.bulk_create(
            [
                LadderRating(project=project, rater=m, side=side_for_role(m.role), rung=r)
                for m, r in list(zip(le_members, le_rates, strict=False))
                + list(zip(staff_members, staff_rates, strict=False))
            ]
        )

        # Decisions with provenance.
        for n, (stage, method, le_present, le_deciding) in enumerate(decisions):
            decided_on = min(stage_dates[stage][0] + timedelta(days=20 + n), today)
            present = staff_members[:2] + (le_members[:3] if le_present else [])
            deciding = staff_members[:1] + (le_members[:3] if le_deciding else [])
            if method == "executive":
                deciding = staff_members[:1]
            decision = Decision.objects.create(
                project=project,
                summary=f"{title}: agreed the plan for {stage.replace('_', '-')} ({n + 1})",
                options="Keep things as they are\nTry the new approach for six months",
                method=method,
                decided_on=decided_on,
                stage=stage,
                is_published=public,
                recorded_by=author,
            )
            decision.present.set(present)
            decision.deciding.set(deciding)

        ProjectUpdate.objects.create(
            project=project,
            author=author,
            author_name=str(author) if author else "",
            body=f"The team met again and agreed the next steps for {title.lower()}.",
        )
