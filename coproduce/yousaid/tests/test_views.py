"""The pages: who may do what, approval before publishing, the public board (published only, this
organisation only), its feeds, and query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.core.audit import AuditEvent
from coproduce.yousaid.models import WeDid

from .factories import answer, item, publish, yousaid_values

ROLES = ["admin", "lead", "member", "carer", "staff", "exec", "finance"]
# role -> (sees the list, records items, answers, approves)
CAN = {
    "admin": (True, True, True, True),
    "lead": (True, True, True, True),
    "staff": (True, True, True, False),
    "exec": (True, False, False, False),
    "member": (False, False, False, False),
    "carer": (False, False, False, False),
    "finance": (False, False, False, False),
}


@pytest.fixture
def values(organisation, admin):
    return yousaid_values(organisation, admin)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_may_do_and_403_otherwise(client, everyone, values, role):
    sees, raises, answers, _approves = CAN[role]
    client.force_login(everyone[role])
    item_url = f"/o/demo/you-said/{values['item']}/"

    assert client.get("/o/demo/you-said/").status_code == (200 if sees else 403)
    assert client.get(item_url).status_code == (200 if sees else 403)
    assert client.get("/o/demo/you-said/add/").status_code == (200 if raises else 403)
    assert client.get(item_url + "edit/").status_code == (200 if raises else 403)
    assert client.get(item_url + "answers/add/").status_code == (200 if answers else 403)
    answer_url = f"{item_url}answers/{values['response']}/"
    assert client.get(answer_url).status_code == (200 if answers else 403)


@pytest.mark.parametrize("role", ["staff", "exec", "member"])
def test_publishing_needs_a_leads_approval(client, everyone, values, role):
    client.force_login(everyone[role])
    url = f"/o/demo/you-said/{values['item']}/answers/{values['response']}/publication/"

    response = client.post(url, {"action": "approve"})

    assert response.status_code == 403
    assert WeDid.objects.get(public_id=values["response"]).publication == "draft"
    assert client.get("/public/demo/you-said-we-did/").text.count("Longer evening opening") == 0


def test_staff_ask_and_a_lead_approves(client, staff, lead, values):
    url = f"/o/demo/you-said/{values['item']}/answers/{values['response']}/publication/"
    client.force_login(staff)
    client.post(url, {"action": "ask"})
    assert WeDid.objects.get(public_id=values["response"]).publication == "awaiting"

    client.force_login(lead)
    detail = client.get(f"/o/demo/you-said/{values['item']}/").text
    assert "Approve and publish" in detail
    client.post(url, {"action": "approve"})

    answer_ = WeDid.objects.get(public_id=values["response"])
    assert answer_.publication == "published"
    assert answer_.approved_by == lead
    assert AuditEvent.objects.filter(action="you_said.answer_published", actor=lead).exists()
    assert "Longer evening opening at demo" in client.get("/public/demo/you-said-we-did/").text


def test_a_group_connector_may_raise_items_for_their_group_only(client, organisation, lead, member):
    from coproduce.people import services as people

    group = people.group_create(
        organisation=organisation, actor=lead, name="Hearing voices group", purpose="Peer"
    )
    other = people.group_create(organisation=organisation, actor=lead, name="Another group", purpose="Peer")
    me = people.person_for_user(organisation=organisation, user=member)
    people.group_member_add(group=group, person=me, role="connector", actor=lead)
    theirs = item(organisation, lead, summary="Raised by another group", source="group", group=other)
    client.force_login(member)

    form = client.get("/o/demo/you-said/add/").text
    assert "Hearing voices group" in form and "Another group" not in form
    response = client.post(
        "/o/demo/you-said/add/",
        {
            "summary": "We want the group to meet in the evening too",
            "group": group.pk,
            "raised_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    listing = client.get("/o/demo/you-said/").text
    assert "meet in the evening" in listing
    assert "Raised by another group" not in listing
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_bad_input_gets_specific_messages_and_keeps_what_was_typed(client, lead, values):
    client.force_login(lead)
    response = client.post(
        f"/o/demo/you-said/{values['item']}/answers/add/",
        {"kind": "will", "action": "Open on Thursday evenings", "owner": "", "status": "open"},
    )
    assert (
        "Enter the date by which we will do it" in response.text
        or "Choose who owns this answer" in response.text
    )
    assert "Open on Thursday evenings" in response.text
    response = client.post("/o/demo/you-said/add/", {"summary": "", "source": "theme"})
    assert "Say what people told us, in plain words" in response.text


def test_the_public_board_shows_only_published_answers_of_this_organisation(
    client, organisation, other_organisation, lead, staff, outsider
):
    shown = item(organisation, lead, summary="Shown: longer opening", service="Crisis line")
    publish(answer(shown, staff, action="We open until 8pm"), lead)
    answer(shown, staff, kind="will", action="Draft promise, not approved")
    item(organisation, lead, summary="Hidden: no answer yet")
    theirs = item(other_organisation, outsider, summary="Another organisation's item")
    publish(answer(theirs, outsider), outsider)

    page = client.get("/public/demo/you-said-we-did/").text

    assert "Shown: longer opening" in page and "We open until 8pm" in page
    assert "Draft promise" not in page
    assert "Hidden: no answer yet" not in page
    assert "Another organisation" not in page
    for feed in ("feed/", "rss/"):
        body = client.get(f"/public/demo/you-said-we-did/{feed}").content.decode()
        assert "Shown: longer opening" in body and "We open until 8pm" in body
        assert "Hidden" not in body and "Draft promise" not in body and "Another organisation" not in body
    assert client.get("/public/nowhere/you-said-we-did/").status_code == 404


def test_the_public_board_filters_by_service_and_theme(client, organisation, lead, staff):
    from coproduce.themes.models import Theme

    waiting = Theme.objects.create(organisation=organisation, name="Access and waiting")
    for summary, service, theme in [
        ("Phones are busy", "Crisis line", waiting),
        ("Ward is noisy", "Ward 3", None),
    ]:
        publish(answer(item(organisation, lead, summary=summary, service=service, theme=theme), staff), lead)

    by_service = client.get("/public/demo/you-said-we-did/", {"service": "Ward 3"}).text
    assert "Ward is noisy" in by_service and "Phones are busy" not in by_service
    by_theme = client.get("/public/demo/you-said-we-did/", {"theme": str(waiting.pk)}).text
    assert "Phones are busy" in by_theme and "Ward is noisy" not in by_theme


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_board_and_the_list_cost_the_same_queries_for_1_and_30_items(client, organisation, lead, staff):
    def add(n):
        for i in range(n):
            made = item(
                organisation, lead, summary=f"Item {i}", raised_on=timezone.localdate() - timedelta(days=i)
            )
            publish(answer(made, staff), lead)
            answer(made, staff, kind="will")

    add(1)
    client.force_login(lead)
    client.get("/o/demo/you-said/")  # the first visit remembers the organisation in the session
    board_one, list_one = (
        _queries(client, "/public/demo/you-said-we-did/"),
        _queries(client, "/o/demo/you-said/"),
    )
    feed_one = _queries(client, "/public/demo/you-said-we-did/feed/")
    add(30)
    assert _queries(client, "/public/demo/you-said-we-did/") == board_one
    assert _queries(client, "/o/demo/you-said/") == list_one
    assert _queries(client, "/public/demo/you-said-we-did/feed/") == feed_one


def test_comments_stay_private_only_their_number_is_public(client, organisation, lead, admin, values):
    client.force_login(lead)
    detail = client.get(f"/o/demo/you-said/{values['item']}/").text
    assert "Open later please, demo" in detail
    client.force_login(admin)
    link = client.get(f"/o/demo/you-said/{values['item']}/comments/").text
    assert "Open later please, demo" in link
    publish(WeDid.objects.get(public_id=values["response"]), lead)
    client.logout()
    board = client.get("/public/demo/you-said-we-did/").text
    assert "Based on 1 comment" in board
    assert "Open later please" not in board


def test_staff_are_told_an_edited_answer_must_be_sent_for_approval_again(client, organisation, staff, lead):
    from coproduce.yousaid import services

    from .factories import membership_of

    made = item(organisation, lead)
    waiting = answer(made, staff, kind="did")
    services.response_request_approval(
        response=waiting, actor=staff, membership=membership_of(staff, organisation)
    )
    client.force_login(staff)
    url = f"/o/demo/you-said/{made.public_id}/answers/{waiting.public_id}/"
    assert "it goes back to being a draft" in client.get(url).text

    page = client.post(
        url,
        {
            "kind": "did",
            "action": "We added two phone lines",
            "owner": membership_of(staff, organisation).pk,
            "status": "done",
        },
        follow=True,
    )

    assert "ask a lead to approve it again" in page.text
    assert WeDid.objects.get(pk=waiting.pk).publication == "draft"


def test_reading_comments_on_the_linking_page_is_audited(client, admin, values):
    client.force_login(admin)
    page = client.get(f"/o/demo/you-said/{values['item']}/comments/")

    assert "Open later please, demo" in page.text
    event = AuditEvent.objects.get(action="you_said.comments_viewed")
    assert event.actor == admin
    assert event.details["comments"] == 1


def test_the_public_board_names_its_feeds_for_feed_readers(client, organisation):
    page = client.get("/public/demo/you-said-we-did/").text

    assert '<link rel="alternate" type="application/atom+xml" title="You said, we did – Demo' in page.replace(
        organisation.name, "Demo"
    )
    assert 'href="/public/demo/you-said-we-did/feed/"' in page
    assert '<link rel="alternate" type="application/rss+xml"' in page
    assert 'href="/public/demo/you-said-we-did/rss/"' in page
    head = page.split("</head>")[0]
    assert "application/atom+xml" in head and "application/rss+xml" in head
