from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.involvement.models import (
    PREVIOUS_FIELDS,
    Activity,
    ActivityType,
    Attendance,
    Placement,
    VolunteerRole,
    refresh_previous_attendance,
)
from coproduce.people.tests.factories import PersonFactory


def builtin_type(code: str = "meeting") -> ActivityType:
    return ActivityType.objects.get(organisation__isnull=True, code=code)


def builtin_role(code: str = "peer_mentor") -> VolunteerRole:
    return VolunteerRole.objects.get(organisation__isnull=True, code=code)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    organisation = factory.SubFactory(OrganisationFactory)
    activity_type = factory.LazyFunction(builtin_type)
    title = factory.Sequence(lambda n: f"Forum meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=2))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance
        skip_postgeneration_save = True

    activity = factory.SubFactory(ActivityFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..activity.organisation"))
    taking_part_as = "lived_experience"
    status = "attended"
    hours = Decimal("2")

    @factory.post_generation
    def keep_new_voice_dates(attendance, create, extracted, **kwargs):
        """Written around the services: keep what they keep for new voices, as bulk demo data does."""
        if create:
            refresh_previous_attendance(person_ids=[attendance.person_id])
            attendance.refresh_from_db(fields=PREVIOUS_FIELDS)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    role = factory.LazyFunction(builtin_role)
    team = "Ward 3"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
