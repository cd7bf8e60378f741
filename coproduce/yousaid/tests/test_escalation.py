"""Items past their date go to the responsible executive: on their dashboard, and in a weekly digest
until they are answered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coproduce.core.audit import AuditEvent
from coproduce.core.models import Membership
from coproduce.core.tests.factories import MembershipFactory
from coproduce.notifications.models import Notification
from coproduce.projects.tests.factories import ProjectFactory
from coproduce.yousaid import selectors, services
from coproduce.yousaid.digests import send_due_digests
from coproduce.yousaid.models import YouSaid

from .factories import answer, item, membership_of, publish

TODAY = timezone.localdate()


def late(organisation, lead, summary="Night staff do not knock", **fields) -> YouSaid:
    return item(
        organisation,
        lead,
        summary=summary,
        raised_on=TODAY - timedelta(days=40),
        respond_by=TODAY - timedelta(days=10),
        **fields,
    )


def exec_digests(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, subject__contains="overdue"))


def test_an_item_with_no_answer_by_its_date_is_escalated_once(organisation, lead, exec_):
    overdue = late(organisation, lead)
    item(organisation, lead, summary="Not due yet")

    assert services.escalate_overdue(organisation=organisation, today=TODAY) == (1, 0)
    assert services.escalate_overdue(organisation=organisation, today=TODAY) == (0, 0)
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None
    assert AuditEvent.objects.filter(action="you_said.escalated").count() == 1


def test_a_promise_past_its_date_is_overdue_until_done(organisation, lead, staff, exec_):
    made = item(organisation, lead)
    promise = answer(made, staff, kind="will", due_on=TODAY + timedelta(days=3))
    publish(promise, lead)
    executive = membership_of(exec_, organisation)
    assert not selectors.overdue_for_executive(membership=executive, today=TODAY).exists()

    later = TODAY + timedelta(days=4)
    assert list(selectors.overdue_for_executive(membership=executive, today=later)) == [made]
    services.response_update(
        response=promise, actor=staff, membership=membership_of(staff, organisation), status="done"
    )
    assert not selectors.overdue_for_executive(membership=executive, today=later).exists()


def test_the_responsible_executive_is_the_one_chosen_else_the_sponsor_else_every_executive(
    organisation, lead, exec_
):
    chosen_exec = MembershipFactory(organisation=organisation, roles=["executive"])
    sponsor = MembershipFactory(organisation=organisation, roles=["executive"])
    project = ProjectFactory(organisation=organisation, sponsor=sponsor)
    chosen = late(organisation, lead, summary="Chosen", executive=chosen_exec)
    sponsored = late(organisation, lead, summary="Sponsored", source="project", project=project)
    anyone = late(organisation, lead, summary="Nobody named")

    def overdue_for(membership):
        return {i.summary for i in selectors.overdue_for_executive(membership=membership, today=TODAY)}

    assert overdue_for(membership_of(chosen_exec.user, organisation)) == {"Chosen", "Nobody named"}
    assert overdue_for(membership_of(sponsor.user, organisation)) == {"Sponsored", "Nobody named"}
    assert overdue_for(membership_of(exec_, organisation)) == {"Nobody named"}
    del chosen, sponsored, anyone


def test_the_executive_sees_overdue_items_on_their_dashboard(client, organisation, lead, exec_, staff):
    late(organisation, lead, summary="Night staff do not knock")
    item(organisation, lead, summary="Answered in time")

    client.force_login(exec_)
    page = client.get("/o/demo/").text
    assert "Overdue items to answer" in page
    assert "Night staff do not knock" in page
    assert "Answered in time" not in page

    client.force_login(staff)
    assert "Overdue items to answer" not in client.get("/o/demo/").text


def test_the_executive_gets_a_weekly_digest_until_the_item_is_answered(organisation, lead, staff, exec_):
    overdue = late(organisation, lead)

    send_due_digests(today=TODAY)
    [first] = exec_digests(exec_)
    assert "Night staff do not knock" in first.body
    send_due_digests(today=TODAY + timedelta(days=3))
    assert len(exec_digests(exec_)) == 1, "weekly, not daily"
    send_due_digests(today=TODAY + timedelta(days=7))
    assert len(exec_digests(exec_)) == 2, "again a week later, while it is still unanswered"

    publish(answer(overdue, staff), lead)
    send_due_digests(today=TODAY + timedelta(days=14))
    assert len(exec_digests(exec_)) == 2, "answered: no more reminders"
    overdue.refresh_from_db()
    assert overdue.escalated_at is None


@pytest.mark.parametrize("person", ["staff", "member"])
def test_only_executives_get_the_overdue_digest(organisation, lead, everyone, person):
    late(organisation, lead)
    send_due_digests(today=TODAY)
    assert exec_digests(everyone[person]) == []
    assert exec_digests(everyone["exec"])


def test_a_draft_or_returned_promise_past_its_date_does_not_make_an_item_overdue(
    organisation, lead, staff, exec_
):
    made = item(organisation, lead)  # answer-by date four weeks away
    promise = answer(made, staff, kind="will", due_on=TODAY - timedelta(days=2))
    executive = membership_of(exec_, organisation)

    assert not selectors.overdue_for_executive(membership=executive, today=TODAY).exists()
    assert not selectors.item_list(membership=executive, state="overdue", today=TODAY).exists()
    assert services.escalate_overdue(organisation=organisation, today=TODAY) == (0, 0)

    publish(promise, lead)
    assert list(selectors.overdue_for_executive(membership=executive, today=TODAY)) == [made]


def _queries(run) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_finding_who_answers_for_overdue_items_costs_the_same_for_1_and_many_executives(
    organisation, lead, exec_
):
    from coproduce.yousaid.digests import subscriptions_sync
    from coproduce.yousaid.models import DigestSubscription

    def sync():
        subscriptions_sync(organisation=organisation, today=TODAY)

    late(organisation, lead)
    one = _queries(sync)
    for i in range(6):
        chosen = MembershipFactory(organisation=organisation, roles=["executive"])
        late(organisation, lead, summary=f"Late {i}", executive=chosen)
    sponsor = MembershipFactory(organisation=organisation, roles=["executive"])
    late(
        organisation,
        lead,
        summary="Sponsored",
        source="project",
        project=ProjectFactory(organisation=organisation, sponsor=sponsor),
    )
    MembershipFactory(organisation=organisation, roles=["executive"])  # answers for the unnamed one
    MembershipFactory(organisation=organisation, roles=["staff"])  # answers for nothing

    assert _queries(sync) == one
    # exec_, the six chosen, the sponsor and the new executive; the same as asking one by one.
    subscribed = set(
        DigestSubscription.objects.filter(kind="executive").values_list("membership_id", flat=True)
    )
    assert len(subscribed) == 9
    assert subscribed == {
        m.pk
        for m in Membership.objects.filter(organisation=organisation).prefetch_related("role_set")
        if selectors.overdue_for_executive(membership=m, today=TODAY).exists()
    }


def test_the_executive_digest_costs_the_same_for_1_and_many_items(organisation, lead, exec_):
    from coproduce.yousaid.digests import executive_digest
    from coproduce.yousaid.models import DigestSubscription

    executive = membership_of(exec_, organisation)
    subscription = DigestSubscription.objects.create(
        organisation=organisation, kind="executive", membership=executive
    )

    def write():
        items = list(selectors.overdue_for_executive(membership=executive, today=TODAY))
        executive_digest(subscription, items)

    late(organisation, lead)
    one = _queries(write)
    for i in range(10):
        late(organisation, lead, summary=f"Late {i}")

    assert _queries(write) == one
