import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from coproduce.core.models import AuditEvent, Membership
from coproduce.people.models import AccessNeeds, EqualityMonitoring, Person
from coproduce.people.tests.factories import CheckFactory, GroupFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(organisation):
    person = PersonFactory(organisation=organisation, full_name="Pat Register", email="pat@example.org")
    AccessNeeds.objects.filter(person=person).update(needs=["bsl"], other="Needs a quiet seat")
    EqualityMonitoring.objects.create(person=person, ethnicity="mixed")
    return person


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize("role", ["member", "carer", "staff", "exec", "finance"])
def test_only_leads_and_admins_see_the_register(client, everyone, pat, role):
    for url in ["/o/demo/people/", f"/o/demo/people/{pat.public_id}/", "/o/demo/people/export.csv"]:
        assert get(client, everyone[role], url).status_code == 403, (role, url)


def test_a_lead_sees_the_register_and_a_persons_record_and_reading_access_needs_is_audited(client, lead, pat):
    response = get(client, lead, "/o/demo/people/")
    assert "Pat Register" in response.text
    response = get(client, lead, f"/o/demo/people/{pat.public_id}/")
    assert "British Sign Language (BSL) interpreter" in response.text
    assert "Needs a quiet seat" in response.text
    assert (
        AuditEvent.objects.filter(action="person.access_needs_viewed", target_id=str(pat.public_id)).count()
        == 1
    )


def test_equality_data_is_shown_only_with_the_equality_permission(client, admin, lead, pat):
    response = get(client, lead, f"/o/demo/people/{pat.public_id}/")
    assert "Mixed or multiple ethnic groups" not in response.text
    assert get(client, lead, f"/o/demo/people/{pat.public_id}/equality/").status_code == 403
    Membership.objects.filter(user=lead).update(can_see_equality_data=True)
    response = get(client, lead, f"/o/demo/people/{pat.public_id}/")
    assert "Mixed or multiple ethnic groups" in response.text


def test_an_admin_grants_equality_access_on_the_member_page_and_it_is_audited(client, admin, lead):
    client.force_login(admin)
    membership = lead.memberships.get()
    client.post(
        f"/o/demo/members/{membership.public_id}/", {"roles": ["lead"], "can_see_equality_data": "on"}
    )
    assert Membership.objects.get(pk=membership.pk).can_see_equality_data is True
    assert AuditEvent.objects.filter(action="membership.equality_access_granted").exists()


def test_the_register_filters_by_identity_group_skill_check_and_consent(client, lead, organisation):
    carer = PersonFactory(organisation=organisation, full_name="Cara Carer", identity="carer")
    artist = PersonFactory(organisation=organisation, full_name="Art Lover")
    artist.tags.create(organisation=organisation, name="art")
    expired = PersonFactory(organisation=organisation, full_name="Old Check")
    CheckFactory(person=expired, done_on="2020-01-01", expires_on="2021-01-01")
    group = GroupFactory(organisation=organisation)
    GroupMembershipFactory(group=group, person=carer)
    client.force_login(lead)
    assert names(client.get("/o/demo/people/", {"identity": "carer"})) == ["Cara Carer"]
    assert names(client.get("/o/demo/people/", {"tag": "ART"})) == ["Art Lover"]
    assert names(client.get("/o/demo/people/", {"check_status": "expired"})) == ["Old Check"]
    assert names(client.get("/o/demo/people/", {"group": str(group.public_id)})) == ["Cara Carer"]
    assert names(client.get("/o/demo/people/", {"q": "lover"})) == ["Art Lover"]
    assert names(client.get("/o/demo/people/", {"sort": "-name"})) == ["Old Check", "Cara Carer", "Art Lover"]


def names(response):
    return [p.full_name for p in response.context["page"].object_list]


def test_consent_filter_follows_withdrawal_straight_away(client, lead, organisation):
    person = PersonFactory(organisation=organisation, full_name="Changed Mind")
    client.force_login(lead)
    client.post(
        f"/o/demo/people/{person.public_id}/consents/",
        {f"consent_{p}": "yes" for p in ["opportunities", "newsletter", "story", "photos", "research"]},
    )
    assert names(client.get("/o/demo/people/", {"consent": "newsletter"})) == ["Changed Mind"]
    client.post(
        f"/o/demo/people/{person.public_id}/consents/",
        {
            f"consent_{p}": "no" if p == "newsletter" else "yes"
            for p in ["opportunities", "newsletter", "story", "photos", "research"]
        },
    )
    assert names(client.get("/o/demo/people/", {"consent": "newsletter"})) == []
    assert names(client.get("/o/demo/people/", {"consent": "photos"})) == ["Changed Mind"]


def test_exports_are_audited_follow_filters_and_never_hold_equality_or_access_needs(
    client, lead, pat, organisation
):
    PersonFactory(organisation=organisation, full_name="Someone Else", identity="carer")
    client.force_login(lead)
    response = client.get("/o/demo/people/export.csv", {"identity": "lived_experience"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Full name"
    assert [r[0] for r in rows[1:]] == ["Pat Register"]
    text = response.content.decode()
    assert "Mixed" not in text and "quiet seat" not in text and "BSL" not in text
    event = AuditEvent.objects.get(action="people.exported")
    assert event.details["rows"] == 1 and event.details["format"] == "csv"
    response = client.get("/o/demo/people/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Full name"
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=2)) == ["Pat Register", "Someone Else"]


def test_exports_defuse_spreadsheet_formulas(client, lead, organisation):
    PersonFactory(organisation=organisation, full_name='=HYPERLINK("http://evil")')
    client.force_login(lead)
    text = client.get("/o/demo/people/export.csv").content.decode()
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize(
    "url", ["/o/demo/people/", "/o/demo/people/export.csv", "/o/demo/groups/", "/o/demo/people/checks-due/"]
)
def test_register_lists_and_export_use_the_same_queries_for_1_and_50_people(client, lead, organisation, url):
    def add(count):
        for _ in range(count):
            person = PersonFactory(organisation=organisation)
            person.tags.create(organisation=organisation, name=f"tag-{person.pk}")
            CheckFactory(person=person, done_on="2025-01-01", expires_on="2025-06-01")
            GroupMembershipFactory(
                group=GroupFactory(organisation=organisation), person=person, role="connector"
            )

    client.force_login(lead)
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(49)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_adding_a_person_explains_problems_and_keeps_what_was_typed(client, lead):
    client.force_login(lead)
    response = client.post(
        "/o/demo/people/add/",
        {
            "full_name": "",
            "email": "pat@@example",
            "identity": "carer",
            "contact_methods": ["post"],
            "pronouns": "they/them",
        },
    )
    assert "Enter their full name" in response.text
    assert "Enter an email address in the correct format" in response.text
    assert 'value="they/them"' in response.text
    response = client.post(
        "/o/demo/people/add/",
        {"full_name": "Pat Post", "identity": "carer", "contact_methods": ["post"], "is_managed": "on"},
    )
    assert "Enter a postal address, or untick letters by post" in response.text
    response = client.post(
        "/o/demo/people/add/",
        {
            "full_name": "Pat Post",
            "identity": "carer",
            "contact_methods": ["post"],
            "address": "3 Mill Road",
            "is_managed": "on",
            "tags_text": "knitting, listening",
        },
    )
    person = Person.objects.get(full_name="Pat Post")
    assert response["Location"] == person.get_absolute_url()
    assert person.contact_by_post and person.is_managed


def test_a_lead_records_the_language_to_write_to_someone_in(client, lead, organisation):
    client.force_login(lead)
    form = client.get("/o/demo/people/add/").text
    assert "Language to write to them in" in form and ">Cymraeg</label>" in form

    client.post(
        "/o/demo/people/add/",
        {"full_name": "Gwen Post", "identity": "carer", "contact_methods": ["post"], "address": "3 Heol"},
    )
    client.post(
        "/o/demo/people/add/",
        {"full_name": "Gwyn Jones", "identity": "carer", "language": "cy"},
    )
    assert dict(Person.objects.values_list("full_name", "language")) == {"Gwen Post": "", "Gwyn Jones": "cy"}
    gwyn = Person.objects.get(full_name="Gwyn Jones")
    assert "Welsh" in client.get(gwyn.get_absolute_url()).text
    export = client.get("/o/demo/people/export.csv").content.decode("utf-8-sig")
    assert "Language" in export.splitlines()[0] and "Gwyn Jones" in export and ",Welsh," in export


def test_check_form_rejects_expiry_before_done_and_future_done_dates(client, lead, pat):
    client.force_login(lead)
    url = f"/o/demo/people/{pat.public_id}/checks/"
    response = client.post(url, {"kind": "dbs", "done_on": "2026-05-01", "expires_on": "2026-04-01"})
    assert "The expiry date must be the same as or after the date it was done" in response.text
    response = client.post(url, {"kind": "dbs", "done_on": "2999-01-01"})
    assert "The date done must be today or in the past" in response.text
    response = client.post(url, {"kind": "dbs", "done_on": "2025-01-01", "expires_on": "2028-01-01"})
    assert response.status_code == 302
    assert pat.checks.get().expires_on.isoformat() == "2028-01-01"


def test_checks_due_lists_expired_and_expiring_soonest_first(client, lead, organisation):
    soon = PersonFactory(organisation=organisation, full_name="Soon Due")
    gone = PersonFactory(organisation=organisation, full_name="Long Gone")
    fine = PersonFactory(organisation=organisation, full_name="All Fine")
    from datetime import date, timedelta

    today = date.today()
    CheckFactory(person=soon, done_on=today - timedelta(days=300), expires_on=today + timedelta(days=10))
    CheckFactory(person=gone, done_on=today - timedelta(days=900), expires_on=today - timedelta(days=100))
    CheckFactory(person=fine, done_on=today - timedelta(days=10), expires_on=today + timedelta(days=300))
    response = get(client, lead, "/o/demo/people/checks-due/")
    text = response.text
    assert text.index("Long Gone") < text.index("Soon Due")
    assert "All Fine" not in text


def test_my_profile_is_offered_then_editable_by_the_person(client, member):
    response = get(client, member, "/o/demo/me/")
    assert "Add me to the register" in response.text
    assert not Person.objects.filter(user=member).exists()  # looking creates nothing
    assert client.get("/o/demo/me/edit/")["Location"] == "/o/demo/me/"
    client.post("/o/demo/me/")
    person = Person.objects.get(user=member)
    response = client.post(
        "/o/demo/me/edit/",
        {
            "full_name": "Pat Member",
            "preferred_name": "Pat",
            "identity": "lived_experience",
            "email": member.email,
            "contact_methods": ["email"],
            "preferred_contact": "email",
            "tags_text": "poetry",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.preferred_name == "Pat"
    client.post("/o/demo/me/access-needs/", {"needs": ["large_print"], "other": ""})
    assert AccessNeeds.objects.get(person=person).needs == ["large_print"]
    assert "Large print" in client.get("/o/demo/me/").text


def test_a_participant_cannot_open_someone_elses_record(client, member, pat):
    assert get(client, member, f"/o/demo/people/{pat.public_id}/").status_code == 403
    assert get(client, member, f"/o/demo/people/{pat.public_id}/access-needs/").status_code == 403


def test_groups_show_their_connector_to_everyone_but_members_only_to_leads(
    client, lead, member, organisation
):
    group = GroupFactory(organisation=organisation, name="Service User Forum")
    GroupMembershipFactory(
        group=group,
        person=PersonFactory(organisation=organisation, full_name="Connie Connector", preferred_name=""),
        role="connector",
    )
    GroupMembershipFactory(
        group=group, person=PersonFactory(organisation=organisation, full_name="Quiet Member"), role="member"
    )
    response = get(client, member, group.get_absolute_url())
    assert "Connie Connector" in response.text
    assert "Quiet Member" not in response.text
    response = get(client, lead, group.get_absolute_url())
    assert "Quiet Member" in response.text
    listing = get(client, member, "/o/demo/groups/")
    assert "Service User Forum" in listing.text and "Connie Connector" in listing.text


def test_a_lead_creates_a_group_and_adds_a_connector(client, lead, pat):
    client.force_login(lead)
    response = client.post(
        "/o/demo/groups/add/",
        {"name": "Carers' Voice", "purpose": "Carers together", "who_can_join": "carers"},
    )
    assert response.status_code == 302
    group_url = response["Location"]
    response = client.post(group_url + "members/add/", {"person": str(pat.public_id), "role": "connector"})
    assert response.status_code == 302
    assert "Pat Register" in client.get(group_url).text
    response = client.post(group_url + "members/add/", {"person": "", "role": "member"})
    assert "Choose a person from the register" in response.text


def test_a_big_register_turns_the_person_lists_into_boxes_that_suggest_names(
    client, lead, organisation, monkeypatch
):
    """Adding to a group, a placement or interest on someone's behalf never lists 100,000 names."""
    from coproduce.involvement.models import ExpressionOfInterest, Placement
    from coproduce.involvement.tests.factories import builtin_role
    from coproduce.involvement.tests.test_opportunities import opportunity
    from coproduce.people import selectors
    from coproduce.people.models import GroupMembership

    from .factories import GroupFactory, PersonFactory

    monkeypatch.setattr(selectors, "CHOOSER_LIST_ALL_UP_TO", 2)
    ana = PersonFactory(organisation=organisation, full_name="Ana Green", email="ana@example.com")
    for name in ("Ben Hill", "Cat Lane", "Cat Lane"):
        PersonFactory(organisation=organisation, full_name=name)
    group = GroupFactory(organisation=organisation)
    chance = opportunity(organisation, lead)
    client.force_login(lead)
    pages = {
        f"/o/demo/groups/{group.public_id}/members/add/": {"role": "member"},
        "/o/demo/volunteers/add/": {
            "role": builtin_role().pk,
            "team": "Ward 3",
            "starts_on": "2026-01-05",
        },
        f"/o/demo/opportunities/{chance.public_id}/interest/": {"needs": ""},
    }
    for url, data in pages.items():
        page = client.get(url).text
        assert "Ben Hill" not in page and 'hx-get="/o/demo/people/choose/"' in page, url
        assert "2 people are called Cat Lane" in client.post(url, data | {"person": "Cat Lane"}).text
        assert "Choose a person from the list" in client.post(url, data | {"person": "Nobody"}).text
        response = client.post(url, data | {"person": "Ana Green (ana@example.com)"})
        assert response.status_code == 302, (url, response.text[:3000])
    assert GroupMembership.objects.get(group=group).person == ana
    assert Placement.objects.get().person == ana
    assert ExpressionOfInterest.objects.get().person == ana
