"""The rules of items and answers, in the services every page and API call goes through."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coproduce.core.audit import AuditEvent
from coproduce.feedback.tests.factories import SurveyFactory
from coproduce.yousaid import services
from coproduce.yousaid.models import Change, WeDid

from .factories import answer, comment, item, membership_of, publish


def test_an_item_answers_by_four_weeks_after_people_told_us_unless_told_otherwise(organisation, lead):
    made = item(organisation, lead, raised_on=timezone.localdate() - timedelta(days=3))

    assert made.respond_by == made.raised_on + timedelta(days=28)
    assert AuditEvent.objects.filter(action="you_said.created", actor=lead).count() == 1
    assert Change.objects.get(item=made).public is False


@pytest.mark.parametrize(
    ("source", "field"),
    [("theme", "theme"), ("survey", "survey"), ("group", "group"), ("project", "project")],
)
def test_each_source_needs_what_it_came_from(organisation, lead, source, field):
    with pytest.raises(ValidationError) as error:
        item(organisation, lead, source=source)
    assert field in error.value.message_dict


def test_references_must_belong_to_the_organisation(organisation, other_organisation, lead):
    theirs = SurveyFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as error:
        item(organisation, lead, source="survey", survey=theirs)
    assert error.value.message_dict["survey"] == ["Choose one of your organisation's surveys"]
    with pytest.raises(ValidationError, match="your organisation's surveys"):
        item(organisation, lead, comments=[comment(theirs, "Not yours")])


def test_the_responsible_executive_must_be_an_executive(organisation, lead, staff):
    with pytest.raises(ValidationError) as error:
        item(organisation, lead, executive=membership_of(staff, organisation))
    assert "executive" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "missing", "message"),
    [
        ("will", "due_on", "Enter the date by which we will do it"),
        ("could_not", "reason", "Say why we could not"),
    ],
)
def test_we_will_needs_a_date_and_we_could_not_needs_a_reason(
    organisation, lead, staff, kind, missing, message
):
    made = item(organisation, lead)
    with pytest.raises(ValidationError) as error:
        answer(made, staff, kind=kind, **{missing: None if missing == "due_on" else ""})
    assert message in error.value.message_dict[missing][0]


def test_the_kind_of_answer_decides_its_status(organisation, lead, staff):
    made = item(organisation, lead)
    assert answer(made, staff, kind="did", status="open").status == "done"
    assert answer(made, staff, kind="could_not", status="open").status == "could_not"
    assert answer(made, staff, kind="will", status="in_progress").status == "in_progress"


@pytest.mark.parametrize("person", ["staff", "exec", "member", "finance"])
def test_only_a_lead_or_admin_can_publish(organisation, lead, staff, everyone, person):
    draft = answer(item(organisation, lead), staff)
    with pytest.raises(PermissionDenied):
        services.response_publish(
            response=draft, actor=everyone[person], membership=membership_of(everyone[person], organisation)
        )
    draft.refresh_from_db()
    assert draft.publication == "draft"
    assert draft.item.first_published_at is None


def test_a_lead_from_another_organisation_cannot_publish(
    organisation, lead, staff, outsider, other_organisation
):
    draft = answer(item(organisation, lead), staff)
    with pytest.raises(PermissionDenied):
        services.response_publish(
            response=draft, actor=outsider, membership=membership_of(outsider, other_organisation)
        )


def test_publishing_records_the_move_the_approver_and_the_date(organisation, lead, staff):
    made = item(organisation, lead)
    published = publish(answer(made, staff, kind="will"), lead)

    made.refresh_from_db()
    assert published.approved_by == lead and published.published_at is not None
    assert made.first_published_at == published.published_at
    change = Change.objects.filter(item=made, kind="published").get()
    assert change.public and change.message.startswith(
        "We will: We added a second phone line on Monday mornings, by "
    )
    with pytest.raises(ValidationError, match="already published"):
        publish(published, lead)


def test_staff_may_move_a_published_answer_on_but_not_reword_it(organisation, lead, staff):
    published = publish(answer(item(organisation, lead), staff, kind="will"), lead)
    as_staff = membership_of(staff, organisation)

    services.response_update(response=published, actor=staff, membership=as_staff, status="in_progress")
    assert Change.objects.filter(kind="status").count() == 1
    with pytest.raises(PermissionDenied, match="only a lead can change its wording"):
        services.response_update(
            response=published, actor=staff, membership=as_staff, action="Something else"
        )
    services.response_update(
        response=published,
        actor=lead,
        membership=membership_of(lead, organisation),
        action="Reworded by a lead",
    )
    assert Change.objects.filter(kind="updated").count() == 1
    assert WeDid.objects.get(pk=published.pk).action == "Reworded by a lead"


def test_drafts_tell_nobody(organisation, lead, staff):
    made = item(organisation, lead)
    draft = answer(made, staff, kind="will")
    services.response_update(
        response=draft, actor=staff, membership=membership_of(staff, organisation), status="in_progress"
    )
    assert list(Change.objects.filter(item=made).values_list("kind", flat=True)) == ["raised"]


def test_asking_for_approval_tells_the_leads_and_a_lead_can_send_it_back(organisation, lead, staff, admin):
    from coproduce.notifications.models import Notification

    draft = answer(item(organisation, lead), staff)
    services.response_request_approval(
        response=draft, actor=staff, membership=membership_of(staff, organisation)
    )
    assert set(
        Notification.objects.filter(subject__contains="waiting for your approval").values_list(
            "recipient__email", flat=True
        )
    ) == {lead.email, admin.email}

    services.response_return(
        response=draft, actor=lead, membership=membership_of(lead, organisation), note="Say which days"
    )
    assert WeDid.objects.get(pk=draft.pk).publication == "draft"
    assert Notification.objects.filter(recipient=staff, body="Say which days").exists()
    assert AuditEvent.objects.filter(action="you_said.answer_returned").exists()


def test_an_item_raised_from_a_theme_links_the_comments_staff_confirmed_with_it(organisation, lead):
    from coproduce.themes.models import Comment, CommentTheme, Theme
    from coproduce.themes.services import themes_setup_organisation
    from coproduce.themes.tests.factories import written_comments

    themes_setup_organisation(organisation)
    waiting = Theme.objects.filter(organisation=organisation).first()
    other = Theme.objects.filter(organisation=organisation).exclude(pk=waiting.pk).first()
    comments = written_comments(
        organisation, ["Waited months for a call back", "Still waiting to hear", "Lovely staff", "Slow"]
    )
    for written, theme, confirmed in (
        (comments[0], waiting, True),
        (comments[1], waiting, True),
        (comments[2], other, True),
        (comments[3], waiting, False),  # only suggested: not behind the item until staff confirm it
    ):
        CommentTheme.objects.create(comment=written, theme=theme)
        if confirmed:
            Comment.objects.filter(pk=written.pk).update(status=Comment.Status.CONFIRMED)

    raised = services.item_create(
        organisation=organisation, actor=lead, summary="People wait too long", source="theme", theme=waiting
    )

    assert set(raised.comments.values_list("text", flat=True)) == {
        "Waited months for a call back",
        "Still waiting to hear",
    }


def _awaiting(organisation, lead, staff) -> WeDid:
    draft = answer(item(organisation, lead), staff, kind="did")
    return services.response_request_approval(
        response=draft, actor=staff, membership=membership_of(staff, organisation)
    )


def test_staff_changing_the_wording_of_an_answer_waiting_for_approval_send_it_back_to_draft(
    organisation, lead, staff
):
    waiting = _awaiting(organisation, lead, staff)
    services.response_update(
        response=waiting,
        actor=staff,
        membership=membership_of(staff, organisation),
        action="We added two phone lines",
    )

    waiting.refresh_from_db()
    assert waiting.publication == WeDid.Publication.DRAFT
    event = AuditEvent.objects.get(action="you_said.answer_updated")
    assert event.details["back_to_draft"] is True


def test_a_lead_changing_the_wording_or_staff_changing_only_the_status_keeps_it_waiting(
    organisation, lead, staff
):
    waiting = _awaiting(organisation, lead, staff)
    services.response_update(
        response=waiting, actor=lead, membership=membership_of(lead, organisation), action="Lead's words"
    )
    waiting.refresh_from_db()
    assert waiting.publication == WeDid.Publication.AWAITING

    services.response_update(
        response=waiting, actor=staff, membership=membership_of(staff, organisation), owner=waiting.owner
    )
    waiting.refresh_from_db()
    assert waiting.publication == WeDid.Publication.AWAITING


def test_two_approvals_at_once_publish_once(organisation, lead, admin, staff):
    waiting = _awaiting(organisation, lead, staff)
    # Both leads opened the page while it was waiting: each holds the answer as it was then.
    first, second = WeDid.objects.get(pk=waiting.pk), WeDid.objects.get(pk=waiting.pk)

    publish(first, lead)
    with pytest.raises(ValidationError, match="already published"):
        publish(second, admin)

    assert Change.objects.filter(item=waiting.item, kind=Change.Kind.PUBLISHED).count() == 1
    assert AuditEvent.objects.filter(action="you_said.answer_published").count() == 1
    assert WeDid.objects.get(pk=waiting.pk).approved_by == lead
    assert first.is_published and first.published_at is not None


def test_publishing_locks_the_answer_while_it_checks_it(organisation, lead, staff, monkeypatch):
    # Asked of the queryset rather than read from the SQL, so SQLite (which has no row locks and
    # leaves FOR UPDATE out) checks it too; PostgreSQL then takes the lock.
    from django.db.models import QuerySet

    locked = []
    lock = QuerySet.select_for_update

    def recording(queryset, *args, **kwargs):
        locked.append(queryset.model)
        return lock(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", recording)
    publish(_awaiting(organisation, lead, staff), lead)
    assert WeDid in locked
