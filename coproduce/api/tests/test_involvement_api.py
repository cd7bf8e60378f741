"""The involvement API through HTTP: opportunities and interest, activities and who took part, volunteer
placements and the involvement report. The same people may do the same things as on the pages, nobody
outside the organisation learns anything, bad input gets a clear 422, and lists stay cheap."""

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import quote
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent
from coproduce.involvement import services
from coproduce.involvement.models import (
    Activity,
    ActivityType,
    Attendance,
    ExpressionOfInterest,
    Opportunity,
    Placement,
)
from coproduce.involvement.selectors import last_complete_quarter
from coproduce.involvement.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    PlacementFactory,
    builtin_role,
    builtin_type,
)
from coproduce.people import services as people
from coproduce.people.tests.factories import GroupFactory, PersonFactory

pytestmark = pytest.mark.django_db

ORG = "/api/v1/orgs/demo"
OPPORTUNITIES = f"{ORG}/opportunities"
PUBLIC = "/api/v1/public/demo/opportunities"
ACTIVITIES = f"{ORG}/activities"
PLACEMENTS = f"{ORG}/placements"
REPORT = f"{ORG}/reports/involvement"
NOT_FOUND = {"detail": "Not found."}
INVALID = "Some values are not valid: see errors."
OPPORTUNITY_REFUSAL = {
    "detail": "Only organisation admins and involvement leads can add or change opportunities."
}
ACTIVITIES_READ_REFUSAL = {
    "detail": "Only organisation admins, involvement leads, staff and executives can see activities."
}
ACTIVITIES_WRITE_REFUSAL = {
    "detail": "Only organisation admins and involvement leads can record activities and who took part."
}
PLACEMENTS_REFUSAL = {
    "detail": "Only organisation admins and involvement leads can see and add volunteer placements."
}
REPORT_REFUSAL = {
    "detail": "Only organisation admins, involvement leads and executives can see the involvement report."
}
NOT_LEADS = ["member", "carer", "staff", "exec", "finance"]
Q1_2019 = {"start": "2019-01-01", "end": "2019-03-31"}


def bearer(user) -> dict:
    _token, raw = api_token_create(user=user, name="Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method, url, body, headers):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


def error_fields(response) -> list[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == INVALID
    assert all(error["message"] for error in body["errors"])
    return [error["field"] for error in body["errors"]]


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def lead_headers(lead):
    return bearer(lead)


@pytest.fixture
def pat(organisation):
    return PersonFactory(organisation=organisation, full_name="Pat Register", email="pat@example.org")


def make_opportunity(organisation, actor, **fields) -> Opportunity:
    values = {
        "title": "Interview panel for a ward manager",
        "description": "Sit on the panel and ask questions.",
        "activity_type": builtin_type("recruitment_selection"),
        "places": 2,
        "commitment": "Tuesday 3 March, 10am to 1pm",
        "closes_on": date.today() + timedelta(days=14),
        "status": "open",
    }
    return services.opportunity_create(organisation=organisation, actor=actor, **(values | fields))


@pytest.fixture
def panel(organisation, lead):
    return make_opportunity(organisation, lead, is_public=True, required_checks=["dbs"])


# --- Opportunities: lists ------------------------------------------------------------------------


@pytest.fixture
def opportunities(organisation, other_organisation, lead, outsider):
    """One of each kind a member must or must not see, and one of another organisation's."""
    past = date.today() - timedelta(days=1)
    made = {
        "open": make_opportunity(organisation, lead, title="Open panel", is_public=True),
        "draft": make_opportunity(organisation, lead, title="Draft panel", status="draft"),
        "closed": make_opportunity(organisation, lead, title="Closed panel", status="closed"),
        "past": make_opportunity(organisation, lead, title="Past its date", closes_on=past, is_public=True),
        "private": make_opportunity(organisation, lead, title="Open but private"),
    }
    make_opportunity(other_organisation, outsider, title="Their panel", is_public=True)
    return made


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize("person", ["member", "carer", "staff", "exec", "finance"])
def test_members_see_the_opportunities_they_can_still_take_up(client, everyone, opportunities, person):
    response = client.get(OPPORTUNITIES, **bearer(everyone[person]))

    assert titles(response) == {"Open panel", "Open but private"}


@pytest.mark.parametrize("person", ["admin", "lead"])
def test_leads_and_admins_see_every_opportunity_including_drafts(client, everyone, opportunities, person):
    response = client.get(OPPORTUNITIES, **bearer(everyone[person]))

    assert titles(response) == {
        "Open panel",
        "Draft panel",
        "Closed panel",
        "Past its date",
        "Open but private",
    }
    assert response.json()["count"] == 5


def test_opportunities_can_be_filtered_by_status(client, lead_headers, opportunities):
    assert titles(client.get(OPPORTUNITIES, {"status": "draft"}, **lead_headers)) == {"Draft panel"}
    assert len(titles(client.get(OPPORTUNITIES, {"status": ""}, **lead_headers))) == 5


def test_an_opportunity_in_the_list_says_everything_a_member_needs(client, member, panel):
    response = client.get(OPPORTUNITIES, **bearer(member))

    assert response.json() == {
        "items": [
            {
                "id": str(panel.public_id),
                "title": "Interview panel for a ward manager",
                "description": "Sit on the panel and ask questions.",
                "easy_read": "",
                "activity_type": {"code": "recruitment_selection", "name": "Recruitment and selection panel"},
                "for_whom": "anyone",
                "places": 2,
                "commitment": "Tuesday 3 March, 10am to 1pm",
                "location": "in_person",
                "location_detail": "",
                "accessibility": "",
                "reward": "voluntary",
                "reward_detail": "",
                "closes_on": panel.closes_on.isoformat(),
                "required_checks": ["dbs"],
                "status": "open",
                "is_public": True,
                "accepting_interest": True,
                "created_at": response.json()["items"][0]["created_at"],
            }
        ],
        "count": 1,
    }


def test_the_public_list_needs_no_token_and_shows_only_open_public_opportunities(client, opportunities):
    response = client.get(PUBLIC)

    assert titles(response) == {"Open panel"}
    item = response.json()["items"][0]
    # Nothing the organisation keeps for its own people: status, checks and when it was made.
    assert set(item) == {
        "id",
        "title",
        "description",
        "easy_read",
        "activity_type",
        "for_whom",
        "places",
        "commitment",
        "location",
        "location_detail",
        "accessibility",
        "reward",
        "reward_detail",
        "closes_on",
    }


def test_the_public_list_ignores_a_token_even_a_bad_one(client, opportunities):
    response = client.get(PUBLIC, HTTP_AUTHORIZATION="Bearer cop_not-a-real-token")

    assert titles(response) == {"Open panel"}


@pytest.mark.parametrize("slug", ["nope", "%00", "a%00b", "x" * 61, "%E2%9C%93"])
def test_the_public_list_of_an_organisation_that_does_not_exist_is_not_found(client, organisation, slug):
    response = client.get(f"/api/v1/public/{slug}/opportunities")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_public_list_of_an_organisation_with_nothing_public_is_empty(client, other_organisation):
    assert client.get("/api/v1/public/other/opportunities").json() == {"items": [], "count": 0}


# --- Opportunities: one, creating and changing ---------------------------------------------------


def test_a_member_reads_an_open_opportunity_and_whether_they_are_interested(
    client, organisation, member, panel
):
    headers = bearer(member)

    before = client.get(f"{OPPORTUNITIES}/{panel.public_id}", **headers)
    person = people.person_for_user(organisation=organisation, user=member)
    services.interest_submit(opportunity=panel, person=person, actor=member)
    after = client.get(f"{OPPORTUNITIES}/{panel.public_id}", **headers)

    assert before.status_code == after.status_code == 200
    assert before.json()["your_interest"] is None
    assert after.json()["your_interest"]["status"] == "submitted"
    # How many are waiting is for the people who run selection.
    assert "interests_waiting" not in after.json()


def test_a_lead_sees_how_many_are_waiting(client, lead, lead_headers, panel, pat):
    services.interest_submit(opportunity=panel, person=pat, actor=lead)

    body = client.get(f"{OPPORTUNITIES}/{panel.public_id}", **lead_headers).json()

    assert body["interests_waiting"] == 1
    assert body["your_interest"] is None


def test_a_draft_is_not_found_for_a_member(client, member, opportunities):
    draft = opportunities["draft"]

    response = client.get(f"{OPPORTUNITIES}/{draft.public_id}", **bearer(member))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_lead_adds_an_opportunity_and_it_is_audited(client, lead, lead_headers, organisation):
    response = send(
        client,
        "post",
        OPPORTUNITIES,
        {
            "title": "  Design the new carers' leaflet ",
            "description": "Two workshops with the communications team.",
            "activity_type": "codesign_workshop",
            "for_whom": "carers",
            "places": 6,
            "commitment": "Two mornings in May",
            "location": "both",
            "required_checks": ["dbs", "induction", "dbs"],
            "reward": "paid",
            "reward_detail": "£25 an hour",
            "closes_on": "2099-05-01",
            "status": "open",
            "is_public": True,
        },
        lead_headers,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    opportunity = Opportunity.objects.get(public_id=body["id"])
    assert opportunity.organisation == organisation
    assert opportunity.title == "Design the new carers' leaflet"
    assert opportunity.activity_type == builtin_type("codesign_workshop")
    assert opportunity.required_checks == ["dbs", "induction"]
    assert opportunity.closes_on == date(2099, 5, 1)
    assert (body["accepting_interest"], body["interests_waiting"], body["your_interest"]) == (True, 0, None)
    event = AuditEvent.objects.get(action="opportunity.created")
    assert (event.actor, event.organisation, event.target_id) == (lead, organisation, body["id"])


def test_an_organisations_own_activity_type_can_be_used(client, lead, lead_headers, organisation):
    own = services.activity_type_create(organisation=organisation, actor=lead, name="Quality walk")
    body = {
        "title": "Walk round Ward 3",
        "description": "Look and listen.",
        "activity_type": own.code,
        "places": 2,
        "commitment": "One afternoon",
        "closes_on": "2099-01-01",
    }

    response = send(client, "post", OPPORTUNITIES, body, lead_headers)

    assert response.status_code == 201, response.content
    assert response.json()["activity_type"] == {"code": "quality-walk", "name": "Quality walk"}
    assert response.json()["status"] == "draft"


VALID_OPPORTUNITY = {
    "title": "Panel",
    "description": "Ask questions.",
    "activity_type": "recruitment_selection",
    "places": 2,
    "commitment": "One morning",
    "closes_on": "2099-01-01",
}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": "   "}, ["title"]),
        ({"title": "x" * 201}, ["title"]),
        ({"title": "Panel\x00"}, ["title"]),
        ({"title": None}, ["title"]),
        ({"description": ""}, ["description"]),
        ({"activity_type": "no_such_type"}, ["activity_type"]),
        ({"activity_type": "Meeting!"}, ["activity_type"]),
        ({"places": 0}, ["places"]),
        ({"places": 501}, ["places"]),
        ({"places": "many"}, ["places"]),
        ({"commitment": "x" * 301}, ["commitment"]),
        ({"for_whom": "everybody"}, ["for_whom"]),
        ({"location": "moon"}, ["location"]),
        ({"reward": "fame"}, ["reward"]),
        ({"status": "archived"}, ["status"]),
        ({"required_checks": ["tattoo"]}, ["required_checks.0"]),
        ({"closes_on": "31/03/2026"}, ["closes_on"]),
        ({"closes_on": "2026-02-30"}, ["closes_on"]),
        ({"closes_on": "0001-01-01"}, ["closes_on"]),
        ({"closes_on": "9999-12-31"}, ["closes_on"]),
        ({"is_public": "perhaps"}, ["is_public"]),
        ({"selection_seed": 4}, ["selection_seed"]),
    ],
)
def test_bad_opportunity_values_give_422_naming_the_fields(
    client, lead_headers, organisation, changes, fields
):
    response = send(client, "post", OPPORTUNITIES, VALID_OPPORTUNITY | changes, lead_headers)

    assert error_fields(response) == fields
    assert not Opportunity.objects.exists()


def test_the_opportunity_messages_say_what_to_do(client, lead_headers, organisation):
    body = VALID_OPPORTUNITY | {"title": " ", "activity_type": "nope", "closes_on": "1066-10-14"}

    errors = send(client, "post", OPPORTUNITIES, body, lead_headers).json()["errors"]

    assert {"field": "title", "message": "Enter a title"} in errors
    assert {
        "field": "closes_on",
        "message": "Enter a date from 1900 to 2099, for example 2026-03-31",
    } in errors


def test_another_organisations_activity_type_cannot_be_used(
    client, lead_headers, outsider, other_organisation
):
    theirs = services.activity_type_create(organisation=other_organisation, actor=outsider, name="Their walk")

    response = send(
        client, "post", OPPORTUNITIES, VALID_OPPORTUNITY | {"activity_type": theirs.code}, lead_headers
    )

    assert response.json()["errors"] == [
        {
            "field": "activity_type",
            "message": "Choose one of your organisation's activity types, for example meeting",
        }
    ]


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_leads_and_admins_add_or_change_opportunities(client, everyone, panel, person):
    headers = bearer(everyone[person])

    created = send(client, "post", OPPORTUNITIES, VALID_OPPORTUNITY, headers)
    changed = send(client, "patch", f"{OPPORTUNITIES}/{panel.public_id}", {"title": "Mine now"}, headers)

    assert created.status_code == changed.status_code == 403
    assert created.json() == changed.json() == OPPORTUNITY_REFUSAL
    assert Opportunity.objects.get().title == "Interview panel for a ward manager"


def test_a_patch_changes_only_the_fields_sent_and_is_audited(client, lead, lead_headers, panel):
    url = f"{OPPORTUNITIES}/{panel.public_id}"

    response = send(client, "patch", url, {"places": 4, "status": "closed"}, lead_headers)

    assert response.status_code == 200, response.content
    assert (response.json()["places"], response.json()["accepting_interest"]) == (4, False)
    panel.refresh_from_db()
    assert (panel.places, panel.status, panel.title, panel.required_checks) == (
        4,
        "closed",
        "Interview panel for a ward manager",
        ["dbs"],
    )
    event = AuditEvent.objects.get(action="opportunity.updated")
    assert event.actor == lead
    assert event.details == {"fields": ["places", "status"]}


def test_an_empty_patch_changes_nothing_and_writes_no_audit_row(client, lead_headers, panel):
    response = send(client, "patch", f"{OPPORTUNITIES}/{panel.public_id}", {}, lead_headers)

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="opportunity.updated").exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": None}, ["title"]),
        ({"places": None}, ["places"]),
        ({"closes_on": None}, ["closes_on"]),
        ({"required_checks": "dbs"}, ["required_checks"]),
        ({"activity_type": "nope"}, ["activity_type"]),
        ({"titel": "Typo"}, ["titel"]),
    ],
)
def test_a_bad_opportunity_patch_gives_422_and_changes_nothing(client, lead_headers, panel, body, fields):
    response = send(client, "patch", f"{OPPORTUNITIES}/{panel.public_id}", body, lead_headers)

    assert error_fields(response) == fields
    panel.refresh_from_db()
    assert (panel.title, panel.places) == ("Interview panel for a ward manager", 2)


def test_another_organisations_opportunity_looks_exactly_like_a_missing_one(
    client, lead_headers, other_organisation, outsider
):
    theirs = make_opportunity(other_organisation, outsider, title="Their panel")

    for suffix in ("", "/interests"):
        not_yours = client.get(f"{OPPORTUNITIES}/{theirs.public_id}{suffix}", **lead_headers)
        missing = client.get(f"{OPPORTUNITIES}/{uuid4()}{suffix}", **lead_headers)
        assert not_yours.status_code == missing.status_code == 404
        assert not_yours.content == missing.content
    changed = send(client, "patch", f"{OPPORTUNITIES}/{theirs.public_id}", {"title": "Taken"}, lead_headers)
    interest = send(client, "post", f"{OPPORTUNITIES}/{theirs.public_id}/interests", {}, lead_headers)
    assert changed.status_code == interest.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Their panel"
    assert not ExpressionOfInterest.objects.exists()


# --- Expressions of interest ---------------------------------------------------------------------


def interests_url(opportunity) -> str:
    return f"{OPPORTUNITIES}/{opportunity.public_id}/interests"


def test_a_participant_says_they_are_interested(client, organisation, member, panel):
    person = people.person_for_user(organisation=organisation, user=member)

    response = send(
        client,
        "post",
        interests_url(panel),
        {"why": "I know the ward", "needs": "Large print"},
        bearer(member),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person_id"], body["status"], body["on_behalf"]) == (
        str(person.public_id),
        "submitted",
        False,
    )
    interest = ExpressionOfInterest.objects.get()
    assert (interest.person, interest.why, interest.needs, interest.submitted_by) == (
        person,
        "I know the ward",
        "Large print",
        member,
    )
    assert AuditEvent.objects.filter(action="interest.submitted", actor=member).exists()


def test_saying_it_twice_gives_the_services_clear_message(client, organisation, member, panel):
    people.person_for_user(organisation=organisation, user=member)
    headers = bearer(member)
    send(client, "post", interests_url(panel), {}, headers)

    response = send(client, "post", interests_url(panel), {}, headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "",
            "message": "You have already said you are interested. "
            "You can withdraw it if you change your mind.",
        }
    ]


@pytest.mark.parametrize("status", ["open", "closed", "filled"])
def test_a_closed_opportunity_says_when_it_closed(client, organisation, lead, member, status):
    closes_on = date(2020, 3, 3)
    chance = make_opportunity(organisation, lead, status=status, closes_on=closes_on)
    people.person_for_user(organisation=organisation, user=member)

    response = send(client, "post", interests_url(chance), {}, bearer(member))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "",
            "message": "This opportunity closed on 3 March 2020, so it is no longer "
            "taking expressions of interest.",
        }
    ]
    assert not ExpressionOfInterest.objects.exists()


def test_a_draft_is_not_open_yet_for_a_lead_either(client, lead, lead_headers, organisation, pat):
    draft = make_opportunity(organisation, lead, status="draft")

    response = send(client, "post", interests_url(draft), {"person_id": str(pat.public_id)}, lead_headers)

    assert response.json()["errors"] == [{"field": "", "message": "This opportunity is not open yet."}]


def test_someone_not_on_the_register_is_told_to_join_it_first(client, member, panel):
    response = send(client, "post", interests_url(panel), {}, bearer(member))

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "",
            "message": "Join the register first, from My profile, so the team knows how to reach you.",
        }
    ]


def test_a_participant_cannot_say_it_for_someone_else(client, organisation, member, panel, pat):
    own = people.person_for_user(organisation=organisation, user=member)
    headers = bearer(member)

    for_pat = send(client, "post", interests_url(panel), {"person_id": str(pat.public_id)}, headers)
    for_nobody = send(client, "post", interests_url(panel), {"person_id": str(uuid4())}, headers)
    for_self = send(client, "post", interests_url(panel), {"person_id": str(own.public_id)}, headers)

    # The same refusal whether or not the person exists, so nothing is learnt about the register.
    assert for_pat.status_code == for_nobody.status_code == 403
    assert for_pat.json() == for_nobody.json()
    assert for_self.status_code == 201
    assert list(ExpressionOfInterest.objects.values_list("person", flat=True)) == [own.pk]


def test_a_lead_says_it_for_someone_on_the_register(client, lead, lead_headers, panel, pat):
    response = send(client, "post", interests_url(panel), {"person_id": str(pat.public_id)}, lead_headers)

    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "Pat Register"
    assert response.json()["on_behalf"] is True
    assert ExpressionOfInterest.objects.get().submitted_by == lead


def test_a_lead_not_on_the_register_must_say_who(client, lead_headers, panel):
    assert error_fields(send(client, "post", interests_url(panel), {}, lead_headers)) == ["person_id"]


def test_a_lead_cannot_name_someone_erased_or_from_elsewhere(
    client, lead, lead_headers, panel, pat, other_organisation
):
    stranger = PersonFactory(organisation=other_organisation)
    people.person_erase(person=pat, actor=lead)

    for person_id in (stranger.public_id, pat.public_id, uuid4()):
        response = send(client, "post", interests_url(panel), {"person_id": str(person_id)}, lead_headers)
        assert response.json()["errors"] == [
            {"field": "person_id", "message": "Choose someone on your organisation's register"}
        ]
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"person_id": "pat"}, ["person_id"]),
        ({"why": "x" * 2001}, ["why"]),
        ({"availability": "x" * 301}, ["availability"]),
        ({"needs": "a\x00b"}, ["needs"]),
        ({"status": "selected"}, ["status"]),
    ],
)
def test_bad_interest_values_give_422(client, lead_headers, panel, body, fields):
    assert error_fields(send(client, "post", interests_url(panel), body, lead_headers)) == fields


def test_a_lead_lists_who_is_interested_first_come_first(
    client, lead, lead_headers, organisation, panel, pat
):
    ash = PersonFactory(organisation=organisation, full_name="Ash Later")
    services.interest_submit(opportunity=panel, person=pat, actor=lead, why="I use the ward", needs="Breaks")
    services.interest_submit(opportunity=panel, person=ash, actor=lead)

    response = client.get(interests_url(panel), **lead_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["full_name"] for item in body["items"]] == ["Pat Register", "Ash Later"]
    assert body["items"][0] == {
        "person_id": str(pat.public_id),
        "full_name": "Pat Register",
        "preferred_name": "",
        "status": "submitted",
        "why": "I use the ward",
        "availability": "",
        "needs": "Breaks",
        "on_behalf": True,
        "submitted_at": body["items"][0]["submitted_at"],
        "decided_at": None,
    }
    waiting = client.get(interests_url(panel), {"status": "selected"}, **lead_headers).json()
    assert waiting == {"items": [], "count": 0}


def test_someone_erased_is_not_in_the_list_of_interest(client, lead, lead_headers, panel, pat):
    services.interest_submit(opportunity=panel, person=pat, actor=lead, needs="A hearing loop")
    people.person_erase(person=pat, actor=lead)

    response = client.get(interests_url(panel), **lead_headers)

    assert response.json() == {"items": [], "count": 0}
    assert "hearing loop" not in response.text


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_leads_and_admins_see_who_is_interested(client, everyone, lead, panel, pat, person):
    services.interest_submit(opportunity=panel, person=pat, actor=lead)

    response = client.get(interests_url(panel), **bearer(everyone[person]))

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only organisation admins and involvement leads can see who is interested."
    }
    assert "Pat Register" not in response.text


# --- Activities ----------------------------------------------------------------------------------


@pytest.fixture
def meeting(organisation):
    return ActivityFactory(
        organisation=organisation,
        title="Service user forum, March",
        starts_at=at(date(2026, 3, 3), 10),
        ends_at=at(date(2026, 3, 3), 12),
        place="Park House",
    )


@pytest.mark.parametrize("person", ["admin", "lead", "staff", "exec"])
def test_people_who_see_activities_on_the_pages_list_them(client, everyone, meeting, person):
    response = client.get(ACTIVITIES, **bearer(everyone[person]))

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Service user forum, March"]


@pytest.mark.parametrize("person", ["member", "carer", "finance"])
def test_participants_carers_and_finance_get_403_on_activities(client, everyone, meeting, person):
    headers = bearer(everyone[person])
    urls = [ACTIVITIES, f"{ACTIVITIES}/{meeting.public_id}", f"{ACTIVITIES}/{meeting.public_id}/attendance"]

    for url in urls:
        response = client.get(url, **headers)
        assert response.status_code == 403, url
        assert response.json() == ACTIVITIES_READ_REFUSAL


def test_an_activity_says_what_happened(client, lead_headers, organisation, meeting, pat):
    forum = GroupFactory(organisation=organisation, name="Service user forum")
    Activity.objects.filter(pk=meeting.pk).update(group=forum, notes="Minutes to follow")
    AttendanceFactory(activity=meeting, person=pat)
    AttendanceFactory(activity=meeting, status="apologies", hours=0)

    listed = client.get(ACTIVITIES, **lead_headers).json()["items"][0]
    one = client.get(f"{ACTIVITIES}/{meeting.public_id}", **lead_headers).json()

    assert (
        listed
        == one
        == {
            "id": str(meeting.public_id),
            "activity_type": {"code": "meeting", "name": "Meeting"},
            "title": "Service user forum, March",
            "starts_at": "2026-03-03T10:00:00Z",
            "ends_at": "2026-03-03T12:00:00Z",
            "duration_hours": 2.0,
            "place": "Park House",
            "facilitators": "",
            "group": {"id": str(forum.public_id), "name": "Service user forum"},
            "notes": "Minutes to follow",
            "attended": 1,
            "created_at": one["created_at"],
        }
    )


def test_activities_can_be_filtered_by_type_dates_and_title(client, lead, lead_headers, organisation):
    for day, code, title in [
        (date(2026, 1, 10), "meeting", "January forum"),
        (date(2026, 2, 10), "focus_group", "Focus group on discharge"),
        (date(2026, 3, 10), "meeting", "March forum"),
    ]:
        ActivityFactory(
            organisation=organisation, activity_type=builtin_type(code), title=title, starts_at=at(day)
        )

    def found(**params):
        response = client.get(ACTIVITIES, params, **lead_headers)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert found() == ["March forum", "Focus group on discharge", "January forum"]
    assert found(activity_type="meeting") == ["March forum", "January forum"]
    assert found(start="2026-02-10") == ["March forum", "Focus group on discharge"]
    assert found(end="2026-02-10") == ["Focus group on discharge", "January forum"]
    assert found(start="2026-02-01", end="2026-02-28") == ["Focus group on discharge"]
    assert found(q="FORUM") == ["March forum", "January forum"]
    assert found(activity_type="no_such_type") == []
    assert found(activity_type="", start="", end="", q="") == found()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01", "start"),
        ("end=yesterday", "end"),
        ("start=0001-01-01", "start"),
        ("end=9999-12-31", "end"),
        ("q=" + "x" * 201, "q"),
        ("q=a%00b", "q"),
        ("activity_type=%00", "activity_type"),
        ("activity_type=" + "x" * 41, "activity_type"),
        ("page=0", "page"),
    ],
)
def test_bad_activity_filters_give_422_naming_the_filter(client, lead_headers, query, field):
    assert error_fields(client.get(f"{ACTIVITIES}?{query}", **lead_headers)) == [field]


VALID_ACTIVITY = {
    "activity_type": "meeting",
    "title": "Carers forum",
    "starts_at": "2026-03-03T10:00:00+00:00",
    "ends_at": "2026-03-03T12:30:00+00:00",
}


def test_a_lead_records_an_activity_and_it_is_audited(client, lead, lead_headers, organisation):
    forum = GroupFactory(organisation=organisation)

    response = send(
        client,
        "post",
        ACTIVITIES,
        VALID_ACTIVITY
        | {
            "place": "Room 4",
            "group_id": str(forum.public_id),
            "starts_at": "2026-06-03T11:00:00+01:00",
            "ends_at": "2026-06-03T11:30:00Z",
        },
        lead_headers,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(public_id=body["id"])
    assert (activity.organisation, activity.group, activity.created_by) == (organisation, forum, lead)
    assert activity.starts_at == at(date(2026, 6, 3), 11)
    assert activity.ends_at == at(date(2026, 6, 3), 12, minute=30)
    assert (body["attended"], body["duration_hours"]) == (0, 1.5)
    assert AuditEvent.objects.filter(action="activity.created", actor=lead).exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": " "}, ["title"]),
        ({"title": "x" * 201}, ["title"]),
        ({"activity_type": "nope"}, ["activity_type"]),
        ({"starts_at": "2026-03-03T10:00:00"}, ["starts_at"]),  # no time zone
        ({"starts_at": "3 March 2026"}, ["starts_at"]),
        ({"starts_at": "1850-03-03T10:00:00Z"}, ["starts_at"]),
        ({"ends_at": "9999-12-31T23:59:59-05:00"}, ["ends_at"]),
        ({"ends_at": "2026-03-03T09:00:00Z"}, ["ends_at"]),  # before the start
        ({"place": "x" * 201}, ["place"]),
        ({"facilitators": "\x00"}, ["facilitators"]),
        ({"group_id": str(uuid4())}, ["group_id"]),
        ({"group_id": "forum"}, ["group_id"]),
        ({"created_by": 1}, ["created_by"]),
    ],
)
def test_bad_activity_values_give_422_naming_the_fields(client, lead_headers, changes, fields):
    response = send(client, "post", ACTIVITIES, VALID_ACTIVITY | changes, lead_headers)

    assert error_fields(response) == fields
    assert not Activity.objects.exists()


def test_any_offset_rfc_3339_allows_is_the_same_moment(client, lead_headers):
    # PostgreSQL refuses offsets beyond 15:59; the API stores the moment in UTC.
    body = VALID_ACTIVITY | {"starts_at": "2026-03-03T23:30:00+20:30", "ends_at": "2026-03-03T04:00:00-23:00"}

    response = send(client, "post", ACTIVITIES, body, lead_headers)

    assert response.status_code == 201, response.content
    assert (response.json()["starts_at"], response.json()["ends_at"]) == (
        "2026-03-03T03:00:00Z",
        "2026-03-04T03:00:00Z",
    )


def test_the_time_zone_message_says_what_to_do(client, lead_headers):
    body = VALID_ACTIVITY | {"starts_at": "2026-03-03T10:00:00"}

    errors = send(client, "post", ACTIVITIES, body, lead_headers).json()["errors"]

    assert errors == [
        {
            "field": "starts_at",
            "message": "Include the time zone, for example 2026-03-31T14:00:00+01:00 or 2026-03-31T13:00:00Z",
        }
    ]


def test_another_organisations_group_cannot_be_used(client, lead_headers, other_organisation):
    theirs = GroupFactory(organisation=other_organisation)

    response = send(
        client, "post", ACTIVITIES, VALID_ACTIVITY | {"group_id": str(theirs.public_id)}, lead_headers
    )

    assert error_fields(response) == ["group_id"]


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_leads_and_admins_record_or_change_activities(client, everyone, meeting, pat, person):
    headers = bearer(everyone[person])
    url = f"{ACTIVITIES}/{meeting.public_id}"
    row = {"person_id": str(pat.public_id), "taking_part_as": "carer", "hours": 2}

    created = send(client, "post", ACTIVITIES, VALID_ACTIVITY, headers)
    changed = send(client, "patch", url, {"title": "Mine now"}, headers)
    recorded = send(client, "put", f"{url}/attendance", {"rows": [row]}, headers)

    for response in (created, changed, recorded):
        assert response.status_code == 403
        assert response.json() == ACTIVITIES_WRITE_REFUSAL
    assert Activity.objects.get().title == "Service user forum, March"
    assert not Attendance.objects.exists()


def test_an_activity_patch_changes_only_the_fields_sent(client, lead, lead_headers, organisation, meeting):
    forum = GroupFactory(organisation=organisation)
    Activity.objects.filter(pk=meeting.pk).update(group=forum)
    url = f"{ACTIVITIES}/{meeting.public_id}"

    renamed = send(
        client, "patch", url, {"title": "Forum, March", "activity_type": "focus_group"}, lead_headers
    )
    ungrouped = send(client, "patch", url, {"group_id": None}, lead_headers)
    empty = send(client, "patch", url, {}, lead_headers)

    assert renamed.status_code == ungrouped.status_code == empty.status_code == 200
    assert renamed.json()["activity_type"]["code"] == "focus_group"
    assert ungrouped.json()["group"] is None
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place, meeting.group) == ("Forum, March", "Park House", None)
    assert AuditEvent.objects.filter(action="activity.updated").count() == 2


def test_an_activity_patch_cannot_end_before_it_starts(client, lead_headers, meeting):
    url = f"{ACTIVITIES}/{meeting.public_id}"

    response = send(client, "patch", url, {"ends_at": "2026-03-03T09:00:00Z"}, lead_headers)

    assert response.json()["errors"] == [
        {"field": "ends_at", "message": "The end must be the same as or after the start"}
    ]
    meeting.refresh_from_db()
    assert meeting.ends_at == at(date(2026, 3, 3), 12)


def test_another_organisations_activity_looks_exactly_like_a_missing_one(
    client, lead_headers, other_organisation
):
    theirs = ActivityFactory(organisation=other_organisation, title="Their forum")

    for suffix in ("", "/attendance"):
        not_yours = client.get(f"{ACTIVITIES}/{theirs.public_id}{suffix}", **lead_headers)
        missing = client.get(f"{ACTIVITIES}/{uuid4()}{suffix}", **lead_headers)
        assert not_yours.status_code == missing.status_code == 404
        assert not_yours.content == missing.content
    assert (
        send(client, "patch", f"{ACTIVITIES}/{theirs.public_id}", {"title": "x"}, lead_headers).status_code
        == 404
    )


def test_the_activity_types_are_the_built_in_ones_and_the_organisations_own(
    client, lead, member, organisation, other_organisation, outsider
):
    services.activity_type_create(organisation=organisation, actor=lead, name="Quality walk")
    services.activity_type_create(organisation=other_organisation, actor=outsider, name="Their walk")

    response = client.get(f"{ORG}/activity-types", **bearer(member))

    assert response.status_code == 200
    codes = [item["code"] for item in response.json()]
    assert codes[0] == "meeting"
    assert "quality-walk" in codes
    assert "their-walk" not in codes
    assert len(codes) == ActivityType.objects.filter(organisation__isnull=True).count() + 1


# --- Attendance ----------------------------------------------------------------------------------


def attendance_url(activity) -> str:
    return f"{ACTIVITIES}/{activity.public_id}/attendance"


def row(person, **fields) -> dict:
    return {"person_id": str(person.public_id), "taking_part_as": "lived_experience", "hours": 2} | fields


def test_a_lead_records_who_took_part_and_it_is_audited(
    client, lead, lead_headers, organisation, meeting, pat
):
    chris = PersonFactory(organisation=organisation, full_name="Chris Carer")
    dee = PersonFactory(organisation=organisation, full_name="Dee Absent")

    response = send(
        client,
        "put",
        attendance_url(meeting),
        {
            "rows": [
                row(pat, hours=2.5),
                row(chris, taking_part_as="carer", hours="1.75"),
                row(dee, status="apologies", hours=0),
            ]
        },
        lead_headers,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"] == {"attended": 2, "apologies": 1, "did_not_attend": 0}
    assert body["hours"] == 4.25
    assert [(a["full_name"], a["taking_part_as"], a["status"], a["hours"]) for a in body["attendees"]] == [
        ("Chris Carer", "carer", "attended", 1.75),
        ("Dee Absent", "lived_experience", "apologies", 0.0),
        ("Pat Register", "lived_experience", "attended", 2.5),
    ]
    assert Attendance.objects.get(person=pat).hours == Decimal("2.50")
    event = AuditEvent.objects.get(action="attendance.recorded")
    assert (event.actor, event.details) == (lead, {"rows": 3})


def test_recording_again_updates_rows_and_leaves_others(client, lead_headers, organisation, meeting, pat):
    chris = PersonFactory(organisation=organisation, full_name="Chris Carer")
    AttendanceFactory(activity=meeting, person=chris)
    AttendanceFactory(activity=meeting, person=pat, status="did_not_attend", hours=0)

    response = send(client, "put", attendance_url(meeting), {"rows": [row(pat, hours=1)]}, lead_headers)

    assert response.status_code == 200
    assert response.json()["counts"] == {"attended": 2, "apologies": 0, "did_not_attend": 0}
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(person=pat).status == "attended"


def test_hours_sent_as_binary_fractions_mean_what_they_say(client, lead_headers, meeting, pat):
    # 0.1 + 0.2 in JavaScript is 0.30000000000000004: it means 0.3 hours.
    response = send(
        client, "put", attendance_url(meeting), {"rows": [row(pat, hours=0.1 + 0.2)]}, lead_headers
    )

    assert response.status_code == 200, response.content
    assert Attendance.objects.get().hours == Decimal("0.30")


@pytest.mark.parametrize(
    ("rows", "fields"),
    [
        ([{"hours": 25}], ["rows.0.hours"]),
        ([{"hours": -1}], ["rows.0.hours"]),
        ([{"hours": 2.555}], ["rows.0.hours"]),
        ([{"hours": "two"}], ["rows.0.hours"]),
        ([{"hours": None}], ["rows.0.hours"]),
        ([{"taking_part_as": "visitor"}], ["rows.0.taking_part_as"]),
        ([{"status": "late"}], ["rows.0.status"]),
        ([{"person_id": "pat"}], ["rows.0.person_id"]),
        ([{"person_id": str(uuid4())}], ["rows.0.person_id"]),
        ([{}, {"hours": 1}], ["rows.1.person_id"]),  # the same person twice
        ([{}, {"hours": 30}], ["rows.1.hours"]),
        ([{"extra": 1}], ["rows.0.extra"]),
    ],
)
def test_bad_rows_give_422_naming_the_row_and_field_and_save_nothing(
    client, lead_headers, meeting, pat, rows, fields
):
    body = {"rows": [row(pat) | changes for changes in rows]}

    response = send(client, "put", attendance_url(meeting), body, lead_headers)

    assert error_fields(response) == fields
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(action="attendance.recorded").exists()


def test_the_same_person_twice_is_explained(client, lead_headers, meeting, pat):
    response = send(client, "put", attendance_url(meeting), {"rows": [row(pat), row(pat)]}, lead_headers)

    assert response.json()["errors"] == [
        {
            "field": "rows.1.person_id",
            "message": "Pat Register is already in this register. Record each person once.",
        }
    ]


@pytest.mark.parametrize("body", [{}, {"rows": []}, {"rows": "Pat"}, []])
def test_a_register_needs_at_least_one_row(client, lead_headers, meeting, body):
    response = send(client, "put", attendance_url(meeting), body, lead_headers)

    assert response.status_code == 422


def test_someone_erased_or_from_elsewhere_cannot_be_recorded(
    client, lead, lead_headers, meeting, pat, other_organisation
):
    stranger = PersonFactory(organisation=other_organisation)
    people.person_erase(person=pat, actor=lead)

    response = send(client, "put", attendance_url(meeting), {"rows": [row(pat), row(stranger)]}, lead_headers)

    assert response.json()["errors"] == [
        {"field": "rows.0.person_id", "message": "Choose someone on your organisation's register"},
        {"field": "rows.1.person_id", "message": "Choose someone on your organisation's register"},
    ]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("person", ["staff", "exec"])
def test_staff_and_executives_see_the_numbers_but_not_the_names(client, everyone, meeting, pat, person):
    AttendanceFactory(activity=meeting, person=pat, hours=Decimal("1.5"))

    response = client.get(attendance_url(meeting), **bearer(everyone[person]))

    assert response.status_code == 200
    assert response.json() == {"counts": {"attended": 1, "apologies": 0, "did_not_attend": 0}, "hours": 1.5}
    assert "Pat Register" not in response.text
    assert str(pat.public_id) not in response.text


def test_leads_see_the_names(client, lead_headers, meeting, pat):
    AttendanceFactory(activity=meeting, person=pat, taking_part_as="carer")

    body = client.get(attendance_url(meeting), **lead_headers).json()

    assert body["attendees"] == [
        {
            "person_id": str(pat.public_id),
            "full_name": "Pat Register",
            "preferred_name": "",
            "taking_part_as": "carer",
            "status": "attended",
            "hours": 2.0,
            "recorded_at": body["attendees"][0]["recorded_at"],
        }
    ]


# --- Volunteer placements ------------------------------------------------------------------------


def test_a_lead_lists_placements_with_hours_logged(client, lead, lead_headers, organisation, pat):
    placement = PlacementFactory(
        organisation=organisation, person=pat, role=builtin_role("befriender"), starts_on=date(2025, 1, 6)
    )
    services.volunteer_hours_log(
        placement=placement, actor=lead, worked_on=date(2025, 2, 1), hours=Decimal("3")
    )
    services.volunteer_hours_log(
        placement=placement, actor=lead, worked_on=date(2025, 2, 8), hours=Decimal("1.5")
    )
    PlacementFactory(organisation=organisation, starts_on=date(2024, 1, 1), ends_on=date(2024, 6, 30))

    everything = client.get(PLACEMENTS, **lead_headers)
    current = client.get(PLACEMENTS, {"current": "true"}, **lead_headers)

    assert everything.json()["count"] == 2
    assert current.json() == {
        "items": [
            {
                "id": str(placement.public_id),
                "person_id": str(pat.public_id),
                "full_name": "Pat Register",
                "preferred_name": "",
                "role": {"code": "befriender", "name": "Befriender"},
                "team": "Ward 3",
                "starts_on": "2025-01-06",
                "ends_on": None,
                "supervisor": "",
                "hours_logged": 4.5,
            }
        ],
        "count": 1,
    }


VALID_PLACEMENT = {"role": "peer_mentor", "team": "Ward 3, Park House", "starts_on": "2026-04-01"}


def test_a_lead_adds_a_placement_and_it_is_audited(client, lead, lead_headers, organisation, pat):
    body = VALID_PLACEMENT | {"person_id": str(pat.public_id), "ends_on": "2027-03-31", "supervisor": "Sam"}

    response = send(client, "post", PLACEMENTS, body, lead_headers)

    assert response.status_code == 201, response.content
    placement = Placement.objects.get(public_id=response.json()["id"])
    assert (placement.person, placement.role, placement.ends_on) == (pat, builtin_role(), date(2027, 3, 31))
    assert response.json()["hours_logged"] == 0.0
    assert AuditEvent.objects.filter(action="placement.created", actor=lead).exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"role": "astronaut"}, ["role"]),
        ({"team": ""}, ["team"]),
        ({"team": "x" * 201}, ["team"]),
        ({"starts_on": "2026-04-31"}, ["starts_on"]),
        ({"ends_on": "2026-03-31"}, ["ends_on"]),  # before the start
        ({"ends_on": "3000-01-01"}, ["ends_on"]),
        ({"supervisor": "\x00"}, ["supervisor"]),
        ({"person_id": None}, ["person_id"]),
    ],
)
def test_bad_placement_values_give_422_naming_the_fields(client, lead_headers, pat, changes, fields):
    body = VALID_PLACEMENT | {"person_id": str(pat.public_id)} | changes

    assert error_fields(send(client, "post", PLACEMENTS, body, lead_headers)) == fields
    assert not Placement.objects.exists()


def test_a_placement_needs_someone_on_this_register(client, lead_headers, other_organisation):
    stranger = PersonFactory(organisation=other_organisation)

    response = send(
        client, "post", PLACEMENTS, VALID_PLACEMENT | {"person_id": str(stranger.public_id)}, lead_headers
    )

    assert response.json()["errors"] == [
        {"field": "person_id", "message": "Choose someone on your organisation's register"}
    ]


@pytest.mark.parametrize("person", NOT_LEADS)
def test_only_leads_and_admins_see_and_add_placements(client, everyone, organisation, pat, person):
    PlacementFactory(organisation=organisation, person=pat)
    headers = bearer(everyone[person])

    listed = client.get(PLACEMENTS, **headers)
    roles = client.get(f"{ORG}/volunteer-roles", **headers)
    added = send(client, "post", PLACEMENTS, VALID_PLACEMENT | {"person_id": str(pat.public_id)}, headers)

    for response in (listed, roles, added):
        assert response.status_code == 403
        assert response.json() == PLACEMENTS_REFUSAL
    assert Placement.objects.count() == 1


def test_volunteer_roles_are_listed_for_leads(client, lead_headers):
    response = client.get(f"{ORG}/volunteer-roles", **lead_headers)

    assert response.json() == [
        {"code": "activity_assistant", "name": "Activity assistant"},
        {"code": "befriender", "name": "Befriender"},
        {"code": "peer_mentor", "name": "Peer mentor"},
    ]


# --- The involvement report ----------------------------------------------------------------------


def activity_on(organisation, day, code="meeting", hours=2):
    return ActivityFactory(
        organisation=organisation,
        activity_type=builtin_type(code),
        starts_at=at(day),
        ends_at=at(day, 10 + hours),
    )


@pytest.fixture
def involvement(organisation, other_organisation):
    """Q1 2019 and the quarter before, counted by hand: see the report test."""
    pat, chris, dee, regular = (PersonFactory(organisation=organisation) for _ in range(4))
    meetings = [activity_on(organisation, date(2019, 1, day)) for day in (5, 12, 19)]
    audit = activity_on(organisation, date(2019, 2, 1), "audit_inspection", hours=3)
    for meeting in meetings:  # Pat at three meetings counts once
        AttendanceFactory(activity=meeting, person=pat)
    AttendanceFactory(activity=audit, person=pat, hours=3)
    AttendanceFactory(activity=meetings[0], person=chris, taking_part_as="carer")
    AttendanceFactory(activity=audit, person=chris, taking_part_as="lived_experience", hours=3)
    AttendanceFactory(activity=meetings[1], person=dee, status="apologies", hours=0)  # not involved
    AttendanceFactory(activity=meetings[2], person=regular, hours=Decimal("1.5"))
    autumn = activity_on(organisation, date(2018, 11, 1))
    AttendanceFactory(activity=autumn, person=regular)  # so not a new voice in Q1
    PlacementFactory(organisation=organisation, role=builtin_role("peer_mentor"), starts_on=date(2018, 5, 1))
    PlacementFactory(organisation=organisation, role=builtin_role("befriender"), starts_on=date(2019, 3, 31))
    # Another organisation's records never count.
    AttendanceFactory(activity=activity_on(other_organisation, date(2019, 2, 1)))
    return {"meetings": meetings, "audit": audit, "dee": dee}


def figure(current, previous) -> dict:
    return {"current": current, "previous": previous, "change": current - previous}


def test_the_report_gives_the_figures_of_the_records(client, lead_headers, involvement):
    response = client.get(REPORT, Q1_2019, **lead_headers)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "start": "2019-01-01",
        "end": "2019-03-31",
        "previous_start": "2018-10-01",
        "previous_end": "2018-12-31",
        "lived_experience": figure(3, 1),  # Pat, Chris at the audit, the regular
        "carers": figure(1, 0),
        "people": figure(3, 1),
        "new_voices": figure(2, 1),  # Pat and Chris; the regular took part in November
        "sessions": figure(4, 1),
        # Pat 2 + 2 + 2 + 3, Chris 2 + 3, the regular 1.5; in the autumn the regular's 2.
        "hours": figure(15.5, 2.0),
        "by_activity_type": [
            {
                "activity_type": {"code": "meeting", "name": "Meeting"},
                "lived_experience": figure(2, 1),
                "carers": figure(1, 0),
                "sessions": figure(3, 1),
                "hours": figure(9.5, 2.0),
            },
            {
                "activity_type": {"code": "audit_inspection", "name": "Audit and inspection"},
                "lived_experience": figure(2, 0),
                "carers": figure(0, 0),
                "sessions": figure(1, 0),
                "hours": figure(6.0, 0.0),
            },
        ],
        "volunteers": figure(2, 1),
        "volunteers_by_role": [
            {"role": {"code": "befriender", "name": "Befriender"}, "volunteers": figure(1, 0)},
            {"role": {"code": "peer_mentor", "name": "Peer mentor"}, "volunteers": figure(1, 1)},
        ],
    }


def test_recording_an_attendance_changes_the_report(client, lead_headers, involvement):
    before = client.get(REPORT, Q1_2019, **lead_headers).json()
    dee = involvement["dee"]

    recorded = send(
        client,
        "put",
        attendance_url(involvement["audit"]),
        {"rows": [row(dee, taking_part_as="carer", hours=3)]},
        lead_headers,
    )
    after = client.get(REPORT, Q1_2019, **lead_headers).json()

    assert recorded.status_code == 200
    assert (before["carers"]["current"], after["carers"]["current"]) == (1, 2)
    assert after["people"]["current"] == before["people"]["current"] + 1
    assert after["hours"]["current"] == before["hours"]["current"] + 3
    assert after["new_voices"]["current"] == before["new_voices"]["current"] + 1


def test_without_dates_the_report_is_for_the_last_complete_quarter(client, lead_headers, organisation):
    start, end = last_complete_quarter(timezone.localdate())
    ActivityFactory(organisation=organisation, starts_at=at(start + timedelta(days=3)))

    body = client.get(REPORT, **lead_headers).json()
    blank = client.get(f"{REPORT}?start=&end=", **lead_headers).json()

    assert (body["start"], body["end"]) == (start.isoformat(), end.isoformat())
    assert body["sessions"]["current"] == 1
    assert blank == body


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("start=2019-01-01", [("end", "Enter both dates, or neither for the last complete quarter")]),
        ("end=2019-03-31", [("start", "Enter both dates, or neither for the last complete quarter")]),
        (
            "start=2019-03-31&end=2019-01-01",
            [("end", "The end date must be the same as or after the start date")],
        ),
        ("start=2010-01-01&end=2016-01-01", [("end", "Choose a period of five years or less")]),
        ("start=0001-01-01&end=0001-03-31", [("start", None), ("end", None)]),
        ("start=2019-01-01&end=9999-12-31", [("end", None)]),
        ("start=2019-02-30&end=2019-03-31", [("start", None)]),
        ("start=%00&end=2019-03-31", [("start", None)]),
    ],
)
def test_a_bad_period_gives_422_saying_what_to_do(client, lead_headers, query, errors):
    response = client.get(f"{REPORT}?{query}", **lead_headers)

    assert error_fields(response) == [field for field, _message in errors]
    for error, (_field, message) in zip(response.json()["errors"], errors, strict=True):
        if message:
            assert error["message"] == message


def test_five_years_to_the_day_is_allowed(client, lead_headers):
    assert client.get(REPORT, {"start": "2015-01-01", "end": "2019-12-31"}, **lead_headers).status_code == 200


@pytest.mark.parametrize("person", ["admin", "lead", "exec"])
def test_admins_leads_and_executives_see_the_report(client, everyone, person):
    assert client.get(REPORT, Q1_2019, **bearer(everyone[person])).status_code == 200


@pytest.mark.parametrize("person", ["member", "carer", "staff", "finance"])
def test_others_get_403_on_the_report(client, everyone, person):
    response = client.get(REPORT, Q1_2019, **bearer(everyone[person]))

    assert response.status_code == 403
    assert response.json() == REPORT_REFUSAL


# --- Outsiders and two-factor --------------------------------------------------------------------


def test_an_outsider_learns_nothing_on_any_involvement_route(client, outsider, panel, meeting, pat):
    headers = bearer(outsider)
    urls = [
        OPPORTUNITIES,
        f"{OPPORTUNITIES}/{panel.public_id}",
        interests_url(panel),
        f"{ORG}/activity-types",
        ACTIVITIES,
        f"{ACTIVITIES}/{meeting.public_id}",
        attendance_url(meeting),
        f"{ORG}/volunteer-roles",
        PLACEMENTS,
        REPORT,
    ]
    for url in urls:
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND
    writes = [
        ("post", OPPORTUNITIES, VALID_OPPORTUNITY),
        ("patch", f"{OPPORTUNITIES}/{panel.public_id}", {"title": "Taken"}),
        ("post", interests_url(panel), {}),
        ("post", ACTIVITIES, VALID_ACTIVITY),
        ("patch", f"{ACTIVITIES}/{meeting.public_id}", {"title": "Taken"}),
        ("put", attendance_url(meeting), {"rows": [row(pat)]}),
        ("post", PLACEMENTS, VALID_PLACEMENT | {"person_id": str(pat.public_id)}),
    ]
    for method, url, body in writes:
        response = send(client, method, url, body, headers)
        assert response.status_code == 404, f"{method} {url}"
    assert Opportunity.objects.count() == Activity.objects.count() == 1
    assert not Attendance.objects.exists() and not Placement.objects.exists()
    assert not ExpressionOfInterest.objects.exists()


def test_a_token_is_no_way_round_the_two_factor_rule(client, organisation, lead_headers, meeting):
    organisation.require_two_factor = True
    organisation.save()

    for url in (OPPORTUNITIES, ACTIVITIES, attendance_url(meeting), PLACEMENTS, REPORT):
        response = client.get(url, **lead_headers)
        assert response.status_code == 403, url
        assert "two-factor authentication" in response.json()["detail"]


def test_without_a_token_only_the_public_list_answers(client, organisation, panel, meeting):
    for url in (OPPORTUNITIES, ACTIVITIES, attendance_url(meeting), PLACEMENTS, REPORT):
        assert client.get(url).status_code == 401, url
    assert client.get(PUBLIC).status_code == 200


@given(text=st.text(max_size=50))
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_as_a_filter_or_id_gets_an_answer_not_a_server_error(client, lead_headers, text):
    # Hypothesis tries NUL bytes, control characters and astral symbols; PostgreSQL rejects NUL.
    value = quote(text, safe="")
    urls = [f"{ACTIVITIES}?{name}={value}" for name in ("activity_type", "start", "end", "q")]
    urls += [f"{REPORT}?start={value}&end=2019-03-31", f"{OPPORTUNITIES}?status={value}"]
    urls += [
        f"{OPPORTUNITIES}/{value}",
        f"{ACTIVITIES}/{value}/attendance",
        f"/api/v1/public/{value}/opportunities",
    ]
    for url in urls:
        response = client.get(url, **lead_headers)
        assert response.status_code in (200, 404, 422), f"{url} answered {response.status_code}"


@given(title=st.text(max_size=210), moment=st.text(max_size=40), hours=st.floats() | st.text(max_size=10))
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_values_in_a_write_get_an_answer_not_a_server_error(
    client, lead_headers, meeting, pat, title, moment, hours
):
    activity = send(
        client, "post", ACTIVITIES, VALID_ACTIVITY | {"title": title, "starts_at": moment}, lead_headers
    )
    # json.dumps writes NaN and Infinity, which are not JSON: a client may still send them.
    register = send(client, "put", attendance_url(meeting), {"rows": [row(pat, hours=hours)]}, lead_headers)

    assert activity.status_code in (201, 422), activity.content
    assert register.status_code in (200, 400, 422), register.content


# --- Performance ---------------------------------------------------------------------------------


def count_queries(client, url, headers, expected_count) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    if isinstance(body, dict) and "count" in body:
        assert body["count"] == expected_count
    return len(queries)


def test_lists_take_the_same_number_of_queries_for_1_or_30_rows(client, lead, organisation, panel, meeting):
    headers = bearer(lead)
    client.get("/api/v1/me", **headers)  # records last use now, so later requests do not write
    Opportunity.objects.filter(pk=panel.pk).update(is_public=True)
    forum = GroupFactory(organisation=organisation)

    def add(n: int) -> None:
        for _ in range(n):
            person = PersonFactory(organisation=organisation)
            chance = make_opportunity(organisation, lead, is_public=True)
            services.interest_submit(opportunity=panel, person=person, actor=lead)
            activity = ActivityFactory(organisation=organisation, group=forum)
            AttendanceFactory(activity=activity, person=person)
            AttendanceFactory(activity=meeting, person=person)
            PlacementFactory(organisation=organisation, person=person)
            assert chance

    urls = {
        f"{OPPORTUNITIES}?page_size=100": lambda n: n + 1,
        f"{PUBLIC}?page_size=100": lambda n: n + 1,
        f"{interests_url(panel)}?page_size=100": lambda n: n,
        f"{ACTIVITIES}?page_size=100": lambda n: n + 1,
        attendance_url(meeting): None,
        f"{PLACEMENTS}?page_size=100": lambda n: n,
        # A period still running, so the report computes it each time (an ended one is stored).
        f"{REPORT}?start={date.today().replace(day=1)}&end={date.today()}": None,
    }
    add(1)
    # The month before has ended: stored by the first request, read from then on.
    client.get(f"{REPORT}?start={date.today().replace(day=1)}&end={date.today()}", **headers)
    with_one = {
        url: count_queries(client, url, headers, expected and expected(1)) for url, expected in urls.items()
    }
    add(29)
    with_thirty = {
        url: count_queries(client, url, headers, expected and expected(30)) for url, expected in urls.items()
    }

    assert with_thirty == with_one
