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
    TeamRole,
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
    from coproduce.involvement import services as involvement
    from coproduce.involvement.models import ActivityType

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
    start = timezone.now() - timedelta(days=2)
    activity = involvement.activity_create(
        organisation=organisation,
        actor=actor,
        activity_type=ActivityType.objects.get(code="meeting", organisation=None),
        title=f"Co-design workshop of {organisation.slug}",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    services.project_activity_link(project=project, activity=activity, stage="co_design", actor=actor)
    return {
        "project": project.public_id,
        "team_member": member.public_id,
        "decision": decision.public_id,
        "linked_activity": activity.public_id,
    }


# --- For tests/test_api_schema.py: real records for schemathesis to aim at --------------------------

PROJECTS_API = "/api/v1/orgs/{slug}/projects/{project_id}"
# Rules a schema cannot state, so a valid-looking write may still be refused on these fields: someone
# already on the team, leaving twice or before joining, and people present on a day they were not on
# the team (or deciding without being present).
PROJECT_WRITE_RULES = {
    f"{PROJECTS_API}/team": {"person_id"},
    f"{PROJECTS_API}/team/{{team_member_id}}/leave": {"", "left_on"},
    f"{PROJECTS_API}/decisions": {"present", "deciding"},
    f"{PROJECTS_API}/decisions/{{decision_id}}": {"present", "deciding"},
}


def project_schema_values(organisation, admin) -> dict[str, str]:
    """A public project with the admin on its team (so they may rate it), another member who may leave,
    a decision, and an executive to sponsor projects: the ids an API client would use."""
    from coproduce.core.tests.factories import MembershipFactory
    from coproduce.people import services as people

    project = services.project_create(
        organisation=organisation,
        actor=admin,
        title="Crisis line redesign",
        aim="Answer faster",
        is_public=True,
    )
    services.team_member_add(
        project=project,
        person=people.person_for_user(organisation=organisation, user=admin),
        role="staff",
        joined_on=date(2020, 1, 1),
        actor=admin,
    )
    member = services.team_member_add(
        project=project,
        person=PersonFactory(organisation=organisation, full_name="Tam Team"),
        role="lived_experience",
        joined_on=date(2020, 1, 1),
        actor=admin,
    )
    decision = services.decision_record(
        project=project,
        actor=admin,
        summary="Open the line at weekends",
        method="consensus",
        decided_on=date(2021, 1, 1),
        stage="co_decision",
        present=[member],
        deciding=[member],
    )
    sponsor = MembershipFactory(organisation=organisation, roles=["executive"])
    lead = organisation.memberships.get(user=admin)
    return {
        "project_id": str(project.public_id),
        "team_member_id": str(member.public_id),
        "decision_id": str(decision.public_id),
        "sponsor_id": str(sponsor.public_id),
        "lead_id": str(lead.public_id),
    }


def project_schema_references(body: dict, register: dict) -> None:
    """Point a project write's references at real records: the sponsor and lead, and the team member
    for the people present and deciding."""
    for name in ("sponsor_id", "lead_id"):
        if body.get(name) is not None:
            body[name] = register[name]
    for name in ("present", "deciding"):
        if body.get(name):
            body[name] = [register["team_member_id"]]
    if "joined_on" in body and body.get("role") not in TeamRole.values:
        # The volunteer-role reference above named a placement role; a team role is one of TeamRole.
        body["role"] = TeamRole.LIVED_EXPERIENCE.value
