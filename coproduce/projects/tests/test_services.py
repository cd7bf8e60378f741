"""Bad input gets a specific message and saves nothing; good input is saved and audited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from coproduce.core.models import AuditEvent, Membership
from coproduce.people.tests.factories import PersonFactory
from coproduce.projects import services
from coproduce.projects.models import Decision, LadderRating, Project, ProjectStage, TeamMember
from coproduce.projects.tests.factories import ProjectFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

RUNG_MESSAGE = "Choose one of the seven rungs, from 1 (coercion) to 7 (co-production)"


def test_creating_a_project_makes_its_four_stages_in_order_and_audits(organisation, lead, exec_):
    sponsor = Membership.objects.get(user=exec_)
    project = services.project_create(
        organisation=organisation, actor=lead, title="Crisis line", aim="Answer faster", sponsor=sponsor
    )
    assert list(
        ProjectStage.objects.filter(project=project).order_by("id").values_list("stage", flat=True)
    ) == [
        "co_design",
        "co_decision",
        "co_delivery",
        "co_evaluation",
    ]
    assert AuditEvent.objects.filter(action="project.created").count() == 1


def test_the_sponsor_must_be_an_executive(organisation, lead, staff):
    with pytest.raises(ValidationError, match="Choose an executive of your organisation as the sponsor"):
        services.project_create(
            organisation=organisation,
            actor=lead,
            title="Crisis line",
            aim="Answer faster",
            sponsor=Membership.objects.get(user=staff),
        )
    assert not Project.objects.exists()


@pytest.mark.parametrize("rung", [0, 8, -1, "seven", None, "4.5"])
def test_a_rating_must_be_one_of_the_seven_rungs(organisation, member, rung):
    project = ProjectFactory(organisation=organisation)
    mine = TeamMemberFactory(project=project)
    with pytest.raises(ValidationError) as error:
        services.ladder_rate(project=project, team_member=mine, rung=rung, actor=member)
    assert error.value.message_dict == {"rung": [RUNG_MESSAGE]}
    assert not LadderRating.objects.exists()


def test_a_rating_takes_its_side_from_the_role_and_is_audited_without_the_rung(organisation, member):
    project = ProjectFactory(organisation=organisation)
    carer = TeamMemberFactory(project=project, role="carer")
    lead_member = TeamMemberFactory(project=project, role="lead")
    assert (
        services.ladder_rate(project=project, team_member=carer, rung=3, actor=member).side
        == "lived_experience"
    )
    assert (
        services.ladder_rate(project=project, team_member=lead_member, rung=6, actor=member).side == "staff"
    )
    for event in AuditEvent.objects.filter(action="project.ladder_rated"):
        assert event.details == {}
        assert event.target_label == project.title


def test_someone_who_has_left_cannot_rate(organisation, member):
    project = ProjectFactory(organisation=organisation)
    gone = TeamMemberFactory(project=project, joined_on=date(2024, 1, 1), left_on=date(2024, 6, 1))
    with pytest.raises(ValidationError, match="Only current members of the team can rate this project"):
        services.ladder_rate(project=project, team_member=gone, rung=5, actor=member)


def test_a_decision_with_someone_present_who_was_not_on_the_team_that_day_is_refused(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    early = TeamMemberFactory(project=project, joined_on=date(2025, 1, 1), person__full_name="Ada Early")
    late = TeamMemberFactory(project=project, joined_on=date(2025, 6, 1), person__full_name="Lou Late")
    gone = TeamMemberFactory(
        project=project, joined_on=date(2024, 1, 1), left_on=date(2025, 2, 1), person__full_name="Gil Gone"
    )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            project=project,
            actor=lead,
            summary="Open at weekends",
            method="vote",
            decided_on=date(2025, 3, 1),
            stage="co_decision",
            present=[early, late, gone],
            deciding=[early],
        )
    assert error.value.message_dict["present"] == [
        "Lou Late, Gil Gone were not on the team on 1 March 2025. Choose only people who were team members "
        "that day, or change the team's dates."
    ]
    assert not Decision.objects.exists()


def test_a_member_of_another_project_cannot_be_present(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    stranger = TeamMemberFactory(
        project=ProjectFactory(organisation=organisation), person__full_name="Sol Other"
    )
    with pytest.raises(ValidationError, match="Sol Other was not on the team on"):
        services.decision_record(
            project=project,
            actor=lead,
            summary="Open at weekends",
            method="vote",
            decided_on=date.today(),
            stage="co_decision",
            present=[stranger],
            deciding=[],
        )


def test_deciders_must_be_present(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    a = TeamMemberFactory(project=project, person__full_name="Ada Present")
    b = TeamMemberFactory(project=project, person__full_name="Bo Absent")
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            project=project,
            actor=lead,
            summary="Open at weekends",
            method="vote",
            decided_on=date.today(),
            stage="co_decision",
            present=[a],
            deciding=[a, b],
        )
    assert error.value.message_dict["deciding"] == [
        "Everyone who took part in deciding must also be ticked as present: Bo Absent"
    ]


def test_stages_keep_their_order(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(ValidationError) as error:
        services.project_stages_update(
            project=project,
            actor=lead,
            stages={
                "co_design": {"starts_on": date(2026, 3, 3), "ends_on": date(2026, 3, 1)},
                "co_decision": {"starts_on": date(2026, 2, 1)},
            },
        )
    assert error.value.message_dict == {
        "co_design_ends_on": ["Co-design must end on or after the day it starts"],
        "co_decision_starts_on": [
            "Co-decision cannot start before co-design starts (3 March 2026). Change one of the dates."
        ],
    }
    assert not ProjectStage.objects.filter(starts_on__isnull=False).exists()


def test_a_stage_may_be_skipped_and_the_order_still_holds(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="Co-delivery cannot start before co-design starts"):
        services.project_stages_update(
            project=project,
            actor=lead,
            stages={
                "co_design": {"starts_on": date(2026, 3, 3)},
                "co_delivery": {"starts_on": date(2026, 3, 2)},
            },
        )
    services.project_stages_update(
        project=project,
        actor=lead,
        stages={"co_design": {"starts_on": date(2026, 3, 3)}, "co_delivery": {"starts_on": date(2026, 5, 2)}},
    )
    assert ProjectStage.objects.get(project=project, stage="co_delivery").starts_on == date(2026, 5, 2)


def test_someone_can_leave_and_rejoin_and_history_is_kept(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, full_name="Rae Rejoin")
    first = services.team_member_add(
        project=project, person=person, role="lived_experience", joined_on=date(2025, 1, 1), actor=lead
    )
    with pytest.raises(ValidationError, match="Rae Rejoin is already on the team"):
        services.team_member_add(
            project=project, person=person, role="carer", joined_on=date(2025, 2, 1), actor=lead
        )
    with pytest.raises(ValidationError, match="The leaving date must be on or after they joined"):
        services.team_member_leave(team_member=first, left_on=date(2024, 12, 1), actor=lead)
    services.team_member_leave(team_member=first, left_on=date(2025, 3, 1), actor=lead)
    services.team_member_add(
        project=project, person=person, role="carer", joined_on=date(2025, 4, 1), actor=lead
    )
    assert list(
        TeamMember.objects.filter(project=project).order_by("joined_on").values_list("role", "left_on")
    ) == [
        ("lived_experience", date(2025, 3, 1)),
        ("carer", None),
    ]


def test_a_person_from_another_register_cannot_join(organisation, other_organisation, lead):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="Choose a person from your organisation's register"):
        services.team_member_add(
            project=project,
            person=PersonFactory(organisation=other_organisation),
            role="staff",
            joined_on=date.today(),
            actor=lead,
        )


def test_declaring_a_rung_needs_a_reason_and_keeps_history(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="Say why the project works at this rung"):
        services.ladder_declare(project=project, rung=7, reason="  ", actor=lead)
    services.ladder_declare(project=project, rung=5, reason="Staff still decide", actor=lead)
    services.ladder_declare(project=project, rung=7, reason="We decide together now", actor=lead)
    project.refresh_from_db()
    assert project.declared_rung == 7
    assert project.declarations.count() == 2


def _decision(lead, project, member, **fields):
    return services.decision_record(
        project=project,
        actor=lead,
        summary="Open at weekends",
        method="vote",
        decided_on=date(2026, 2, 1),
        stage="co_decision",
        present=[member],
        deciding=[member],
        **fields,
    )


def test_correcting_a_decision_changes_only_what_is_given_and_audits_what_changed(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    member = TeamMemberFactory(project=project, joined_on=date(2026, 1, 1))
    decision = _decision(lead, project, member)

    services.decision_update(decision=decision, actor=lead, summary="  Open on Saturdays ", deciding=[])

    decision = Decision.objects.get()
    assert decision.summary == "Open on Saturdays" and decision.method == "vote"
    assert list(decision.present.all()) == [member] and not decision.deciding.exists()
    assert AuditEvent.objects.get(action="project.decision_updated").details == {
        "fields": ["deciding", "summary"]
    }


def test_a_correction_that_changes_nothing_writes_no_audit_row(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    member = TeamMemberFactory(project=project, joined_on=date(2026, 1, 1))
    decision = _decision(lead, project, member)

    services.decision_update(decision=decision, actor=lead, summary="Open at weekends", present=[member])

    assert not AuditEvent.objects.filter(action="project.decision_updated").exists()


def test_a_corrected_date_is_checked_against_the_team_and_nothing_is_saved(organisation, lead):
    project = ProjectFactory(organisation=organisation)
    member = TeamMemberFactory(project=project, joined_on=date(2026, 1, 1), person__full_name="Ida Early")
    decision = _decision(lead, project, member)

    with pytest.raises(ValidationError, match="Ida Early was not on the team on 1 December 2025"):
        services.decision_update(decision=decision, actor=lead, decided_on=date(2025, 12, 1), summary="X")

    decision = Decision.objects.get()
    assert decision.decided_on == date(2026, 2, 1) and decision.summary == "Open at weekends"
    assert not AuditEvent.objects.filter(action="project.decision_updated").exists()


def test_unlinking_an_activity_keeps_the_activity_and_audits(organisation, lead):
    from coproduce.involvement.models import Activity
    from coproduce.projects.models import ProjectActivity
    from coproduce.projects.tests.factories import stage_activity

    project = ProjectFactory(organisation=organisation)
    activity = stage_activity(project, "co_design")

    services.project_activity_unlink(link=ProjectActivity.objects.get(), actor=lead)

    assert not ProjectActivity.objects.exists() and Activity.objects.filter(pk=activity.pk).exists()
    event = AuditEvent.objects.get(action="project.activity_unlinked")
    assert event.details == {"activity": str(activity.public_id)}
