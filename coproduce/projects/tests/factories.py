from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from coproduce.core.tests.factories import OrganisationFactory
from coproduce.involvement.models import Attendance
from coproduce.involvement.tests.factories import ActivityFactory
from coproduce.people.tests.factories import PersonFactory
from coproduce.projects import services
from coproduce.projects.models import (
    STAGE_ORDER,
    LadderRating,
    Project,
    ProjectActivity,
    ProjectStage,
    TeamMember,
    side_for_role,
)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    aim = "Shorter waits for a first appointment."
    status = "active"

    @factory.post_generation
    def stages(self, create, extracted, **kwargs):
        if create:
            ProjectStage.objects.bulk_create([ProjectStage(project=self, stage=s) for s in STAGE_ORDER])


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..project.organisation"))
    role = "lived_experience"
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))


def rate(member: TeamMember, rung: int) -> LadderRating:
    return LadderRating.objects.create(
        project=member.project, rater=member, side=side_for_role(member.role), rung=rung
    )


def team(project: Project, role: str, n: int) -> list[TeamMember]:
    return [TeamMemberFactory(project=project, role=role) for _ in range(n)]


def stage_activity(project: Project, stage: str, attendees=(), days_ago: int = 10, hours: str = "2"):
    """An activity linked to a stage, with each (person, taking_part_as) attending."""
    start = timezone.now() - timedelta(days=days_ago)
    activity = ActivityFactory(
        organisation=project.organisation, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    ProjectActivity.objects.create(project=project, activity=activity, stage=stage)
    for person, taking_part_as in attendees:
        Attendance.objects.create(
            activity=activity, person=person, taking_part_as=taking_part_as, hours=Decimal(hours)
        )
    return activity


def project_values(organisation, actor, person) -> dict:
    """Real values of one organisation's project objects for the isolation sweep (tests/test_isolation.py)."""
    project = services.project_create(
        organisation=organisation,
        actor=actor,
        title=f"Crisis line redesign of {organisation.slug}",
        aim="Answer calls faster",
        is_public=True,
    )
    member = services.team_member_add(
        project=project, person=person, role="lived_experience", joined_on=date(2020, 1, 1), actor=actor
    )
    decision = services.decision_record(
        project=project,
        actor=actor,
        summary="Open the line at weekends",
        method="consensus",
        decided_on=date(2021, 1, 1),
        stage="co_decision",
        present=[member],
        deciding=[member],
    )
    return {"project": project.public_id, "team_member": member.public_id, "decision": decision.public_id}
