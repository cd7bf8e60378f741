"""Demo register data: varied, realistic people for the demo organisations and benchmarks."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Organisation, User

from .models import (
    AccessNeed,
    AccessNeeds,
    Check,
    CheckKind,
    ConsentEvent,
    ConsentPurpose,
    EqualityMonitoring,
    Group,
    GroupMembership,
    GroupRole,
    InvolvementIdentity,
    Person,
    Tag,
)

FIRST = (
    "Aisha Ben Cerys Dev Eilidh Femi Gareth Hana Ivan Jas Kai Lowri Mo Nia Owen Priya "
    "Rhys Sian Tom Una Vik Wen Yusuf Zara"
).split()
LAST = (
    "Ahmed Brown Davies Evans Green Hughes Jones Khan Lewis Morgan Patel Price Roberts Singh Thomas".split()
)
TAGS = [
    "public speaking",
    "art",
    "peer support",
    "listening",
    "writing",
    "IT",
    "Welsh",
    "BSL",
    "cooking",
    "gardening",
    "photography",
    "interview panels",
    "training others",
    "research",
]
GROUPS = [
    (
        "Service User Forum",
        "Brings together people who use our services to shape how they are run.",
        "lived_experience",
        "First Tuesday of the month, 2pm",
    ),
    (
        "Carers' Voice",
        "Carers and family members sharing what would make caring easier.",
        "carers",
        "Last Thursday of the month, 6pm, online",
    ),
    (
        "Young People's Advisory Group",
        "Young people who use CAMHS, advising on what works for them.",
        "invitation",
        "Every other Saturday, 11am",
    ),
]
IDENTITY_WEIGHTS = [
    (InvolvementIdentity.LIVED_EXPERIENCE, 55),
    (InvolvementIdentity.CARER, 20),
    (InvolvementIdentity.BOTH, 8),
    (InvolvementIdentity.STAFF_LIVED_EXPERIENCE, 10),
    (InvolvementIdentity.STAFF, 7),
]


def _pick_identity(rng: random.Random) -> str:
    return rng.choices([i for i, _w in IDENTITY_WEIGHTS], weights=[w for _i, w in IDENTITY_WEIGHTS])[0]


@transaction.atomic
def seed_register(
    organisation: Organisation, count: int, *, seed: int, link_users: dict[str, User] | None = None
) -> int:
    """Add `count` people (and, the first time, three groups). Returns how many were added."""
    rng = random.Random(
        f"{seed}-{organisation.slug}-{Person.objects.filter(organisation=organisation).count()}"
    )
    today = timezone.localdate()
    tags = {name: Tag.objects.get_or_create(organisation=organisation, name=name)[0] for name in TAGS}
    start = Person.objects.filter(organisation=organisation).count()
    people = []
    for i in range(start, start + count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST) + i) % len(LAST)]
        managed = i % 15 == 7
        identity = _pick_identity(rng)
        people.append(
            Person(
                organisation=organisation,
                full_name=f"{first} {last}",
                preferred_name=first if i % 4 else "",
                pronouns=rng.choice(["", "she/her", "he/him", "they/them"]),
                identity=identity,
                email="" if managed else f"{first}.{last}.{i}@example.test".lower(),
                phone=f"07700 9{i:05d}"[:13],
                address="1 High Street\nCardiff\nCF10 1AA" if managed or i % 6 == 0 else "",
                contact_by_email=not managed,
                contact_by_phone=managed or i % 3 == 0,
                contact_by_post=managed,
                preferred_contact="phone" if managed else "email",
                language="cy" if i % 5 == 2 else "",  # a fifth asked to be written to in Welsh
                times_to_avoid="Mornings before 11" if i % 7 == 0 else "",
                is_managed=managed,
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    people = list(Person.objects.filter(organisation=organisation).order_by("id")[start:])
    AccessNeeds.objects.bulk_create(
        [
            AccessNeeds(
                person=p,
                needs=rng.sample(AccessNeed.values, k=rng.choice([0, 0, 1, 2])),
                other="Please send papers a week before" if n % 9 == 0 else "",
            )
            for n, p in enumerate(people)
        ],
        batch_size=500,
    )
    checks, consents, equality, person_tags = [], [], [], []
    now = timezone.now()
    for n, person in enumerate(people):
        person_tags += [
            Person.tags.through(person=person, tag=t)
            for t in rng.sample(list(tags.values()), k=rng.randint(0, 3))
        ]
        if person.identity != InvolvementIdentity.STAFF:
            for kind in rng.sample(CheckKind.values, k=rng.randint(0, 4)):
                done = today - timedelta(days=rng.randint(30, 1200))
                # A mix of valid, soon-expiring and expired checks, as any real register has.
                expires = (
                    None
                    if kind in ("confidentiality", "induction")
                    else today + timedelta(days=rng.choice([-60, -5, 10, 25, 200, 700]))
                )
                checks.append(
                    Check(
                        person=person,
                        kind=kind,
                        done_on=done,
                        expires_on=max(expires, done) if expires else None,
                    )
                )
        for purpose in ConsentPurpose.values:
            if rng.random() < 0.7:
                consents.append(
                    ConsentEvent(person=person, purpose=purpose, given=True, on_behalf=person.is_managed)
                )
                if rng.random() < 0.12:
                    consents.append(
                        ConsentEvent(person=person, purpose=purpose, given=False, on_behalf=person.is_managed)
                    )
        if n % 3 != 2:
            equality.append(
                EqualityMonitoring(
                    person=person,
                    age_band=rng.choice(EqualityMonitoring.AgeBand.values),
                    sex=rng.choice(EqualityMonitoring.Sex.values),
                    ethnicity=rng.choices(EqualityMonitoring.Ethnicity.values, weights=[9, 4, 3, 80, 2, 2])[
                        0
                    ],
                    disability=rng.choice(EqualityMonitoring.YesNo.values),
                )
            )
    Person.tags.through.objects.bulk_create(person_tags, batch_size=1000, ignore_conflicts=True)
    Check.objects.bulk_create(checks, batch_size=1000)
    ConsentEvent.objects.bulk_create(consents, batch_size=1000)
    # bulk_create gives every event the same timestamp; spread them so "latest" is well defined.
    for offset, event in enumerate(ConsentEvent.objects.filter(person__in=people).order_by("id")):
        ConsentEvent.objects.filter(pk=event.pk).update(
            recorded_at=now - timedelta(minutes=len(consents) - offset)
        )
    EqualityMonitoring.objects.bulk_create(equality, batch_size=1000)

    if not Group.objects.filter(organisation=organisation).exists():
        for g, (name, purpose, who, pattern) in enumerate(GROUPS):
            group = Group.objects.create(
                organisation=organisation,
                name=name,
                purpose=purpose,
                who_can_join=who,
                meeting_pattern=pattern,
            )
            members = people[g * 12 : g * 12 + 10]
            GroupMembership.objects.bulk_create(
                [
                    GroupMembership(
                        group=group,
                        person=p,
                        role=GroupRole.CONNECTOR
                        if k == 0
                        else GroupRole.CHAIR
                        if k == 1
                        else GroupRole.MEMBER,
                        joined_on=today - timedelta(days=30 * (k + 1)),
                    )
                    for k, p in enumerate(members)
                ]
            )
    for email, user in (link_users or {}).items():
        if not Person.objects.filter(organisation=organisation, user=user).exists():
            Person.objects.create(
                organisation=organisation,
                user=user,
                full_name=user.full_name,
                email=email,
                identity=InvolvementIdentity.CARER
                if email.startswith("carer")
                else InvolvementIdentity.LIVED_EXPERIENCE,
                contact_by_email=True,
                preferred_contact="email",
            )
    return len(people)


__all__ = ["seed_register", "date"]
