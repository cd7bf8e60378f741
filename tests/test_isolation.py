"""The isolation sweep: nobody sees or changes another organisation's data, on any page or API route.

The sweep walks every URL pattern in the project, so a new page is checked the day it is added. When a
new page takes a parameter the sweep cannot fill, it fails and names the parameter: add a real value of
the organisation's objects to ``url_values`` below.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils.html import escape

from coproduce.api.api import api
from coproduce.api.services import api_token_create
from coproduce.core.models import AuditEvent, Membership, MembershipRole, Organisation
from coproduce.core.tests.factories import MembershipFactory

# The organisation pages we know today: the sweep must find at least these, so it cannot pass empty.
KNOWN_ORGANISATION_PAGES = {
    "core:dashboard",
    "core:settings",
    "core:members",
    "core:member-invite",
    "core:member-detail",
    "core:member-remove",
    "core:audit-log",
    "notifications:list",
    "notifications:read-all",
}
KNOWN_API_PATHS = {
    "/api/v1/me",
    "/api/v1/orgs",
    "/api/v1/orgs/{slug}",
    "/api/v1/orgs/{slug}/members",
    "/api/v1/orgs/{slug}/people",
    "/api/v1/orgs/{slug}/people/{person_id}",
    "/api/v1/orgs/{slug}/people/{person_id}/checks",
    "/api/v1/orgs/{slug}/people/{person_id}/consents",
    "/api/v1/orgs/{slug}/groups",
    "/api/v1/orgs/{slug}/groups/{group_id}/members",
    "/api/v1/public/{slug}/opportunities",
    "/api/v1/orgs/{slug}/opportunities",
    "/api/v1/orgs/{slug}/opportunities/{opportunity_id}",
    "/api/v1/orgs/{slug}/opportunities/{opportunity_id}/interests",
    "/api/v1/orgs/{slug}/activity-types",
    "/api/v1/orgs/{slug}/activities",
    "/api/v1/orgs/{slug}/activities/{activity_id}",
    "/api/v1/orgs/{slug}/activities/{activity_id}/attendance",
    "/api/v1/orgs/{slug}/volunteer-roles",
    "/api/v1/orgs/{slug}/placements",
    "/api/v1/orgs/{slug}/reports/involvement",
    "/api/v1/orgs/{slug}/you-said",
    "/api/v1/orgs/{slug}/you-said/{item_id}",
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers",
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}",
    "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}/publication",
    "/api/v1/public/{slug}/you-said-we-did",
    "/api/v1/orgs/{slug}/surveys",
    "/api/v1/orgs/{slug}/surveys/{survey_id}",
    "/api/v1/orgs/{slug}/surveys/{survey_id}/responses",
    "/api/v1/orgs/{slug}/surveys/{survey_id}/results",
    "/api/v1/public/{slug}/surveys/{survey_id}",
    "/api/v1/public/{slug}/surveys/{survey_id}/responses",
    "/api/v1/orgs/{slug}/projects",
    "/api/v1/orgs/{slug}/projects/{project_id}",
    "/api/v1/orgs/{slug}/projects/{project_id}/team",
    "/api/v1/orgs/{slug}/projects/{project_id}/team/{team_member_id}/leave",
    "/api/v1/orgs/{slug}/projects/{project_id}/decisions",
    "/api/v1/orgs/{slug}/projects/{project_id}/decisions/{decision_id}",
    "/api/v1/orgs/{slug}/projects/{project_id}/ladder",
    "/api/v1/orgs/{slug}/projects/{project_id}/ladder/ratings",
    "/api/v1/orgs/{slug}/projects/{project_id}/ladder/declarations",
    "/api/v1/orgs/{slug}/projects/{project_id}/scorecard",
}
# Routes anyone may read without a token. The sweep checks they show only what the organisation chose
# to make public (open, public opportunities that have not closed).
PUBLIC_API_PATHS = {"/api/v1/public/{slug}/opportunities", "/api/v1/public/{slug}/you-said-we-did"}
# Public surveys anyone may read and answer without a token: the sweep checks they answer without
# showing anything private, and that a survey is only found under its own organisation.
PUBLIC_SURVEY_PATHS = {
    "/api/v1/public/{slug}/surveys/{survey_id}",
    "/api/v1/public/{slug}/surveys/{survey_id}/responses",
}
# A valid body for every API write, so the outsider's request gets past validation to the organisation
# check, which is what the sweep tests. Add one when the API takes a new write.
API_BODIES = {
    ("post", "/api/v1/orgs/{slug}/people"): {"full_name": "Ivy Intruder", "email": "ivy@other.test"},
    ("patch", "/api/v1/orgs/{slug}/people/{person_id}"): {"full_name": "Renamed by an outsider"},
    ("post", "/api/v1/orgs/{slug}/opportunities"): {
        "title": "Panel of an outsider",
        "description": "Ask questions",
        "activity_type": "recruitment_selection",
        "places": 2,
        "commitment": "One morning",
        "closes_on": "2099-01-01",
        "status": "open",
        "is_public": True,
    },
    ("patch", "/api/v1/orgs/{slug}/opportunities/{opportunity_id}"): {"title": "Renamed by an outsider"},
    ("post", "/api/v1/orgs/{slug}/opportunities/{opportunity_id}/interests"): {"why": "I want in"},
    ("post", "/api/v1/orgs/{slug}/activities"): {
        "activity_type": "meeting",
        "title": "Meeting of an outsider",
        "starts_at": "2026-03-03T10:00:00Z",
        "ends_at": "2026-03-03T12:00:00Z",
    },
    ("patch", "/api/v1/orgs/{slug}/activities/{activity_id}"): {"title": "Renamed by an outsider"},
    ("put", "/api/v1/orgs/{slug}/activities/{activity_id}/attendance"): {
        "rows": [
            {
                "person_id": "00000000-0000-4000-8000-000000000000",
                "taking_part_as": "carer",
                "status": "attended",
                "hours": 2,
            }
        ]
    },
    ("post", "/api/v1/orgs/{slug}/projects"): {"title": "Project of an outsider", "aim": "Take over"},
    ("patch", "/api/v1/orgs/{slug}/projects/{project_id}"): {"title": "Renamed by an outsider"},
    ("post", "/api/v1/orgs/{slug}/projects/{project_id}/team"): {
        "person_id": "00000000-0000-4000-8000-000000000000",
        "role": "staff",
        "joined_on": "2026-01-01",
    },
    ("post", "/api/v1/orgs/{slug}/projects/{project_id}/team/{team_member_id}/leave"): {
        "left_on": "2099-01-01"
    },
    ("post", "/api/v1/orgs/{slug}/projects/{project_id}/decisions"): {
        "summary": "Decided by an outsider",
        "method": "vote",
        "decided_on": "2026-01-01",
        "stage": "co_design",
    },
    ("patch", "/api/v1/orgs/{slug}/projects/{project_id}/decisions/{decision_id}"): {"summary": "Outsider"},
    ("post", "/api/v1/orgs/{slug}/projects/{project_id}/ladder/ratings"): {"rung": 1},
    ("post", "/api/v1/orgs/{slug}/projects/{project_id}/ladder/declarations"): {
        "rung": 7,
        "reason": "Outsider",
    },
    ("post", "/api/v1/orgs/{slug}/surveys"): {"title": "Survey of an outsider", "template": "fft"},
    ("post", "/api/v1/public/{slug}/surveys/{survey_id}/responses"): {
        "idempotency_key": "outsider-1",
        "started": "not-a-real-token",
        "answers": [],
    },
    ("post", "/api/v1/orgs/{slug}/you-said"): {"summary": "Said by an outsider"},
    ("patch", "/api/v1/orgs/{slug}/you-said/{item_id}"): {"summary": "Changed by an outsider"},
    ("post", "/api/v1/orgs/{slug}/you-said/{item_id}/answers"): {"kind": "did", "action": "Outsider did"},
    ("patch", "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}"): {"status": "done"},
    ("post", "/api/v1/orgs/{slug}/you-said/{item_id}/answers/{answer_id}/publication"): {"action": "approve"},
    ("put", "/api/v1/orgs/{slug}/comments/{comment_id}/labels"): {"themes": [1], "sentiment": "negative"},
    ("post", "/api/v1/orgs/{slug}/placements"): {
        "person_id": "00000000-0000-4000-8000-000000000000",
        "role": "peer_mentor",
        "team": "Ward of an outsider",
        "starts_on": "2026-01-01",
    },
}

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAMETER = re.compile(r"{(?P<name>[^}]+)}")


# --- Walking the URL configuration ---------------------------------------------------------------


def _walk(patterns, route="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route + str(pattern.pattern), inner.lstrip(":"))
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}".lstrip(":") if pattern.name else ""
            yield route + str(pattern.pattern), name, pattern


def organisation_routes() -> list[tuple[str, str]]:
    """(route, url name) for every pattern that takes the organisation from <org>."""
    found = []
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if not isinstance(pattern.pattern, RoutePattern) and "org" in route:
            pytest.fail(
                f"{route!r} is a regular expression; write organisation pages with path() and <slug:org>"
            )
        names = [m["name"] for m in ROUTE_PARAMETER.finditer(route)]
        if "org" in names:
            found.append((route, name))
    return found


def fill(route: str, values: dict[str, str]) -> str:
    def value_for(match: re.Match) -> str:
        name = match["name"]
        if name not in values:
            pytest.fail(
                f"The isolation sweep does not know how to fill <{match[0][1:-1]}> in {route!r}. "
                f"Add a real value of an organisation's object for {name!r} to url_values() in "
                "tests/test_isolation.py so this page is checked too."
            )
        return str(values[name])

    return "/" + ROUTE_PARAMETER.sub(value_for, route)


# --- The organisations' data, and who must not see it --------------------------------------------


def involvement_values(organisation, actor, person):
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from coproduce.involvement import services as involvement
    from coproduce.involvement.models import ActivityType, VolunteerRole

    start = timezone.now() - timedelta(days=3)
    activity = involvement.activity_create(
        organisation=organisation,
        actor=actor,
        activity_type=ActivityType.objects.get(code="meeting", organisation=None),
        title=f"Forum meeting of {organisation.slug}",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    [attendance] = involvement.attendance_record(
        activity=activity,
        rows=[
            involvement.AttendanceRow(
                person=person, taking_part_as="carer", status="attended", hours=Decimal("2")
            )
        ],
        actor=actor,
    )
    placement = involvement.placement_create(
        organisation=organisation,
        actor=actor,
        person=person,
        role=VolunteerRole.objects.get(code="peer_mentor", organisation=None),
        team=f"Ward of {organisation.slug}",
        starts_on=date.today() - timedelta(days=30),
    )
    opportunity = involvement.opportunity_create(
        organisation=organisation,
        actor=actor,
        title=f"Interview panel of {organisation.slug}",
        description="Help choose staff",
        activity_type=ActivityType.objects.get(code="recruitment_selection", organisation=None),
        places=2,
        commitment="One morning",
        closes_on=date.today() + timedelta(days=10),
        status="open",
    )
    involvement.interest_submit(opportunity=opportunity, person=person, actor=actor)
    return activity, attendance, placement, opportunity


def feedback_values(organisation, actor) -> dict[str, object]:
    """An open survey with a question, so every survey page opens for its own organisation."""
    from coproduce.feedback import services as feedback

    survey = feedback.survey_create_from_template(
        organisation=organisation, actor=actor, template="fft", status="open"
    )
    return {"survey": survey.public_id, "question_id": survey.questions.first().pk}


def url_values(organisation) -> dict[str, object]:
    """A real value of this organisation's objects for every URL parameter an organisation page takes.

    Add a line here when a page takes a new parameter; the sweep names the parameter it is missing.
    """
    from coproduce.people import services as people

    actor = Membership.objects.filter(organisation=organisation, role_set__role="admin").first().user
    extra = MembershipFactory(
        organisation=organisation,
        user__email=f"eli@{organisation.slug}.test",
        user__full_name=f"Eli Extra of {organisation.slug}",
    )
    person = people.person_create(
        organisation=organisation,
        actor=actor,
        full_name=f"Priya Person of {organisation.slug}",
        email=f"priya@{organisation.slug}.test",
    )
    group = people.group_create(
        organisation=organisation,
        actor=actor,
        name=f"Carers forum of {organisation.slug}",
        purpose="Peer support",
    )
    group_membership = people.group_member_add(group=group, person=person, role="member", actor=actor)
    activity, attendance, placement, opportunity = involvement_values(organisation, actor, person)
    from coproduce.people.imports import Spreadsheet, person_import_create
    from coproduce.projects.tests.factories import project_values
    from coproduce.themes.tests.factories import themes_values
    from coproduce.yousaid.tests.factories import yousaid_values

    person_import = person_import_create(
        organisation=organisation,
        actor=actor,
        filename="people.csv",
        spreadsheet=Spreadsheet(header=["Name"], rows=[[f"Priya Person of {organisation.slug}"]]),
    )
    return {
        "import_id": person_import.public_id,
        "opportunity": opportunity.public_id,
        "activity": activity.public_id,
        "attendance_id": attendance.pk,
        "placement": placement.public_id,
        "org": organisation.slug,
        "member": extra.public_id,
        "person": person.public_id,
        "group": group.public_id,
        "membership_id": group_membership.pk,
        **feedback_values(organisation, actor),
        **themes_values(organisation, actor),
        **project_values(organisation, actor, person),
        **yousaid_values(organisation, actor),
    }


@pytest.fixture
def demo(organisation, everyone):
    """The demo organisation, full of people and history that must never leak."""
    for n in range(3):
        MembershipFactory(
            organisation=organisation,
            user__email=f"volunteer{n}@demo.test",
            user__full_name=f"Vic Volunteer {n}",
            roles=["participant", "carer"],
        )
    AuditEvent.objects.create(organisation=organisation, actor=everyone["admin"], action="demo.secret")
    return organisation


@pytest.fixture
def demo_values(demo):
    return url_values(demo)


@pytest.fixture
def other_values(other_organisation, outsider):
    return url_values(other_organisation)


@pytest.fixture
def outsider_with_every_grant(outsider):
    """The outsider with every explicit grant in their own organisation (such as seeing equality data),
    so a page's permission check lets them through to its object lookups, which are what is tested."""
    membership = Membership.objects.get(user=outsider)
    for field in Membership._meta.get_fields():
        if isinstance(field, BooleanField) and field.name.startswith("can_"):
            setattr(membership, field.name, True)
    membership.save()
    return outsider


@pytest.fixture
def secrets_of_demo(demo, demo_values):
    """Strings that must never appear in a response to someone outside demo."""
    from coproduce.people.models import Group, Person

    people = Membership.objects.filter(organisation=demo).select_related("user")
    texts = {demo.name} | {m.user.email for m in people} | {m.user.full_name for m in people}
    for person in Person.objects.filter(organisation=demo):
        texts |= {person.full_name, person.email}
    texts |= set(Group.objects.filter(organisation=demo).values_list("name", flat=True))
    texts.discard("")
    return texts | {escape(text) for text in texts}


def assert_nothing_of(secrets: set[str], response, where: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    leaked = sorted(secret for secret in secrets if secret in text)
    assert not leaked, f"{where} shows demo's data to an outsider: {leaked}"


def demo_snapshot(demo) -> tuple:
    """Everything a stray request could change about demo, including the audit log reads write to."""
    from coproduce.involvement.models import (
        Activity,
        Attendance,
        ExpressionOfInterest,
        Opportunity,
        Placement,
    )
    from coproduce.people.models import Group, GroupMembership, Person
    from coproduce.yousaid.models import WeDid, YouSaid

    demo.refresh_from_db()
    return (
        demo.name,
        demo.contact_email,
        demo.require_two_factor,
        sorted(
            MembershipRole.objects.filter(membership__organisation=demo).values_list(
                "membership__public_id", "role"
            )
        ),
        list(Person.objects.filter(organisation=demo).order_by("pk").values()),
        list(Group.objects.filter(organisation=demo).order_by("pk").values()),
        list(GroupMembership.objects.filter(group__organisation=demo).order_by("pk").values()),
        list(Opportunity.objects.filter(organisation=demo).order_by("pk").values()),
        list(ExpressionOfInterest.objects.filter(opportunity__organisation=demo).order_by("pk").values()),
        list(Activity.objects.filter(organisation=demo).order_by("pk").values()),
        list(Attendance.objects.filter(activity__organisation=demo).order_by("pk").values()),
        list(Placement.objects.filter(organisation=demo).order_by("pk").values()),
        list(YouSaid.objects.filter(organisation=demo).order_by("pk").values()),
        list(WeDid.objects.filter(item__organisation=demo).order_by("pk").values()),
        AuditEvent.objects.filter(organisation=demo).count(),
    )


# --- Pages ---------------------------------------------------------------------------------------


def test_the_sweep_finds_every_organisation_page():
    found = {name for _route, name in organisation_routes()}

    assert len(found) >= len(KNOWN_ORGANISATION_PAGES)
    assert KNOWN_ORGANISATION_PAGES <= found, f"Missing from the sweep: {KNOWN_ORGANISATION_PAGES - found}"


def test_the_sweep_fails_loudly_on_a_parameter_it_cannot_fill():
    with pytest.raises(pytest.fail.Exception, match="does not know how to fill <int:claim>"):
        fill("o/<slug:org>/claims/<int:claim>/", {"org": "demo"})


@pytest.mark.parametrize("require_two_factor", [False, True])
def test_an_outsider_gets_not_found_on_every_organisation_page(
    client, demo, demo_values, secrets_of_demo, outsider, require_two_factor
):
    # With two-factor required, an outsider must still get 404, not "set up two-factor" (which leaks).
    demo.require_two_factor = require_two_factor
    demo.save()
    before = demo_snapshot(demo)
    client.force_login(outsider)
    checked = []

    for route, name in organisation_routes():
        url = fill(route, demo_values)
        assert resolve(url).url_name == name.rsplit(":", 1)[-1], f"{url} does not resolve back to {name}"
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), (
                f"{method.upper()} {url} ({name}) as the outsider answered {response.status_code}"
            )
            assert_nothing_of(secrets_of_demo, response, f"{method.upper()} {url}")
            checked.append((method, url))

    assert len(checked) >= 2 * len(KNOWN_ORGANISATION_PAGES)
    assert demo_snapshot(demo) == before, "A request from the outsider changed demo's data"


def test_an_outsider_cannot_reach_demos_objects_through_their_own_organisation(
    client, demo, demo_values, other_values, secrets_of_demo, outsider_with_every_grant
):
    """The outsider is an admin of "other", so their own pages open. Put one of demo's objects in an
    address that is otherwise theirs (/o/other/members/<a demo member>/, or other's group with a demo
    group membership): every object must be looked up within the organisation, and the parent, so 404."""
    before = demo_snapshot(demo)
    client.force_login(outsider_with_every_grant)
    checked = 0

    for route, name in organisation_routes():
        for parameter in sorted(set(m["name"] for m in ROUTE_PARAMETER.finditer(route)) - {"org"}):
            url = fill(route, {**other_values, parameter: demo_values[parameter]})
            answers = {}
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                answers[method] = response.status_code
                assert_nothing_of(secrets_of_demo, response, f"{method.upper()} {url}")
            # 405 is a method the page does not take, refused before anything is looked up; the other
            # method must reach the lookup and find nothing.
            assert set(answers.values()) <= {404, 405} and 404 in answers.values(), (
                f"{url} ({name}, with demo's {parameter}) answered {answers}"
            )
            checked += 1

    assert checked >= 4
    assert demo_snapshot(demo) == before, "A request from the outsider changed demo's data"


def test_the_mixed_addresses_open_with_the_outsiders_own_objects(
    client, other_values, outsider_with_every_grant
):
    """So the 404s above come from scoping: the same addresses with only other's objects work."""
    client.force_login(outsider_with_every_grant)

    for route, name in organisation_routes():
        if set(m["name"] for m in ROUTE_PARAMETER.finditer(route)) == {"org"}:
            continue
        url = fill(route, other_values)
        response = client.get(url)
        assert response.status_code in (200, 302, 405), f"GET {url} ({name}) answered {response.status_code}"


def test_the_outsider_sees_their_own_organisation(client, demo, outsider, secrets_of_demo):
    """The sweep's 404s mean something: the same person gets their own organisation's pages."""
    client.force_login(outsider)

    response = client.get("/o/other/members/")

    assert response.status_code == 200
    assert "Olu Outsider" in response.content.decode()
    assert_nothing_of(secrets_of_demo, response, "/o/other/members/")


# Pages only some roles may use: url name -> (roles that may GET it, roles that may POST to it, or None
# for a page that takes no POST, where the roles that may not GET it must still get 403 for a POST).
RESTRICTED_PAGES = {
    "core:settings": ({"admin"}, {"admin"}),
    "core:audit-log": ({"admin"}, None),
    "core:member-invite": ({"admin"}, {"admin"}),
    "core:member-remove": ({"admin"}, {"admin"}),
    "core:members": ({"admin", "lead"}, None),
    "core:member-detail": ({"admin", "lead"}, {"admin"}),
    "themes:theme-list": ({"admin", "lead"}, {"admin", "lead"}),
    "themes:review-queue": ({"admin", "lead", "staff"}, None),
    "themes:summary": ({"admin", "lead", "staff", "exec"}, None),
}


def _restricted_cases():
    for name, (may_get, may_post) in RESTRICTED_PAGES.items():
        for person in ("lead", "member", "carer", "staff", "exec", "finance"):
            if person not in may_get:
                yield name, "get", person
            if person not in (may_get if may_post is None else may_post):
                yield name, "post", person


@pytest.mark.parametrize(("name", "method", "person"), list(_restricted_cases()))
def test_people_in_demo_get_403_on_pages_their_role_does_not_include(
    client, demo, demo_values, everyone, name, method, person
):
    before = demo_snapshot(demo)
    client.force_login(everyone[person])
    takes_member = name in ("core:member-detail", "core:member-remove")
    url = reverse(name, kwargs={"org": "demo", **({"member": demo_values["member"]} if takes_member else {})})

    response = getattr(client, method)(
        url, {"roles": ["admin"], "name": "Renamed"} if method == "post" else None
    )

    assert response.status_code == 403, f"{method.upper()} {url} as {person} answered {response.status_code}"
    assert "You cannot see this page" in response.content.decode()
    assert demo_snapshot(demo) == before


@pytest.mark.parametrize("person", ["admin", "lead", "member", "carer", "staff", "exec", "finance"])
def test_every_organisation_page_answers_every_role_in_demo_without_an_error(
    client, demo, demo_values, everyone, person
):
    """Everyone in demo gets a page, a redirect or a clear refusal, never "not found" or a server error."""
    client.force_login(everyone[person])

    for route, name in organisation_routes():
        url = fill(route, demo_values)
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 405), (
            f"GET {url} ({name}) as {person} answered {response.status_code}"
        )


def test_the_restricted_pages_table_covers_real_pages():
    found = {name for _route, name in organisation_routes()}

    assert set(RESTRICTED_PAGES) <= found


def test_a_participant_still_reaches_the_pages_for_everyone(client, demo, member):
    client.force_login(member)

    assert client.get("/o/demo/").status_code == 200
    assert client.get("/o/demo/notifications/").status_code == 200


# --- The platform admin (Django admin) -----------------------------------------------------------


def _admin_urls(demo, admin) -> list[str]:
    values = {
        "object_id": str(demo.pk),
        "id": str(admin.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Organisation).pk),
        "app_label": "core",
    }
    urls = []
    for _route, name, pattern in _walk(get_resolver().url_patterns):
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout", "admin:jsi18n"):
            continue
        params = set(pattern.pattern.regex.groupindex)
        if params - set(values):
            pytest.fail(f"Add a value for {params - set(values)} ({name}) to _admin_urls()")
        urls.append(reverse(name, kwargs={key: values[key] for key in params}))
    return urls


@pytest.mark.parametrize("is_staff", [False, True])
def test_the_platform_admin_refuses_an_organisation_admin(client, demo, admin, secrets_of_demo, is_staff):
    # Organisation admins run their organisation in Coproduce's pages; the Django admin is for platform
    # operators (superusers) only, even when someone has set is_staff.
    admin.is_staff = is_staff
    admin.save()
    client.force_login(admin)
    urls = _admin_urls(demo, admin)
    assert "/platform-admin/" in urls
    assert len(urls) >= 30

    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/platform-admin/login/"), url
        assert_nothing_of(secrets_of_demo, response, url)


def test_the_platform_admin_refuses_an_outsider(client, demo, outsider):
    client.force_login(outsider)

    response = client.get("/platform-admin/core/membership/")

    assert response.status_code == 302
    assert response["Location"].startswith("/platform-admin/login/")


def test_the_platform_admin_opens_for_a_superuser(client, demo, admin):
    """So the refusals above are about permission, not a broken admin."""
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    client.force_login(admin)

    assert client.get("/platform-admin/").status_code == 200
    assert client.get(f"/platform-admin/core/organisation/{demo.pk}/change/").status_code == 200


# --- The API -------------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(path, method) for path, operations in schema["paths"].items() for method in operations]


def test_the_api_sweep_finds_every_api_route():
    paths = {path for path, _method in api_operations()}
    routes = {
        "/" + route
        for route, _name, _pattern in _walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and route not in ("api/v1/", "api/v1/openapi.json", "api/v1/docs")
    }

    assert KNOWN_API_PATHS <= paths
    # Every route the API serves is in its schema, so sweeping the schema sweeps the API.
    assert {API_PARAMETER.sub(lambda m: f"<{m['name']}>", path) for path in paths} == routes


def api_values(values: dict, slug: str) -> dict[str, str]:
    """The API's names for an organisation's objects in url_values(): a value for every API path parameter."""
    names = {
        "person_id": "person",
        "group_id": "group",
        "opportunity_id": "opportunity",
        "activity_id": "activity",
        "comment_id": "comment",
        "item_id": "item",
        "answer_id": "response",
        "project_id": "project",
        "team_member_id": "team_member",
        "decision_id": "decision",
        "survey_id": "survey",
    }
    return {"slug": slug, **{api: str(values[page]) for api, page in names.items()}}


def call_api(client, method: str, path: str, values: dict, token: str):
    def value_for(match: re.Match) -> str:
        if match["name"] not in values:
            pytest.fail(
                f"The API sweep does not know how to fill {match[0]} in {path!r}: add the organisation's "
                "value for it in api_values() in tests/test_isolation.py"
            )
        return values[match["name"]]

    url = API_PARAMETER.sub(value_for, path)
    if method in ("post", "put", "patch") and (method, path) not in API_BODIES:
        pytest.fail(f"Add a valid body for {method.upper()} {path} to API_BODIES in tests/test_isolation.py")
    body = API_BODIES.get((method, path))
    response = getattr(client, method)(
        url,
        **({"data": body, "content_type": "application/json"} if body else {}),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return url, response


def demo_public_opportunities(demo) -> set[str]:
    """Give demo one opportunity anyone may see, beside ones that must stay hidden: a private one (from
    url_values), a public draft and a public one past its closing date. Answers the ids anyone may see."""
    from datetime import timedelta

    from django.utils import timezone

    from coproduce.involvement import services as involvement
    from coproduce.involvement.models import ActivityType

    actor = Membership.objects.filter(organisation=demo, role_set__role="admin").first().user
    today = timezone.localdate()
    made = {}
    for name, status, closes_on in [
        ("open", "open", today),
        ("draft", "draft", today + timedelta(days=5)),
        ("past", "open", today - timedelta(days=1)),
    ]:
        made[name] = involvement.opportunity_create(
            organisation=demo,
            actor=actor,
            title=f"Public {name} panel of demo",
            description="Help choose staff",
            activity_type=ActivityType.objects.get(code="recruitment_selection", organisation=None),
            places=2,
            commitment="One morning",
            closes_on=closes_on,
            status=status,
            is_public=True,
        )
    return {str(made["open"].public_id)}


def test_an_outsiders_token_reaches_nothing_of_demo_on_any_api_route(
    client, demo, demo_values, secrets_of_demo, outsider
):
    _token, raw = api_token_create(user=outsider, name="Sweep")
    values = api_values(demo_values, demo.slug)
    public = demo_public_opportunities(demo)
    from coproduce.yousaid.tests.factories import demo_public_you_said

    public_you_said = demo_public_you_said(demo)
    before = demo_snapshot(demo)
    checked = 0

    for path, method in api_operations():
        url, response = call_api(client, method, path, values, raw)
        if path in PUBLIC_SURVEY_PATHS:
            # Readable by anyone; the answers sent here are refused (no real 'started' value).
            assert response.status_code in (200, 422), (
                f"{method.upper()} {url} answered {response.status_code}"
            )
        elif path in PUBLIC_API_PATHS:
            assert response.status_code == 200, f"{method.upper()} {url} answered {response.status_code}"
            shown = {item["id"] for item in response.json()["items"]}
            expected = public_you_said if "you-said" in path else public
            assert shown == expected, f"{url} shows more or less than demo's public records"
        elif API_PARAMETER.search(path):
            assert response.status_code in (403, 404), (
                f"{method.upper()} {url} answered {response.status_code}"
            )
        else:
            assert response.status_code == 200, f"{method.upper()} {url} answered {response.status_code}"
        assert_nothing_of(secrets_of_demo, response, f"{method.upper()} {url}")
        checked += 1

    assert checked >= len(KNOWN_API_PATHS)
    assert demo_snapshot(demo) == before


def test_an_outsiders_token_cannot_reach_demos_objects_through_their_own_organisation(
    client, demo, demo_values, other_values, secrets_of_demo, outsider
):
    """The outsider is an admin of "other", so their own routes answer. Put one of demo's objects in an
    address that is otherwise theirs (/orgs/other/activities/<a demo activity>): every object must be
    looked up within the organisation, so 404, whatever the method."""
    _token, raw = api_token_create(user=outsider, name="Sweep")
    theirs, demos = api_values(other_values, "other"), api_values(demo_values, demo.slug)
    before = demo_snapshot(demo)
    checked = 0

    for path, method in api_operations():
        for parameter in sorted({m["name"] for m in API_PARAMETER.finditer(path)} - {"slug"}):
            url, response = call_api(client, method, path, {**theirs, parameter: demos[parameter]}, raw)
            assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
            assert_nothing_of(secrets_of_demo, response, f"{method.upper()} {url}")
            checked += 1
        if method == "get" and path not in PUBLIC_API_PATHS | PUBLIC_SURVEY_PATHS:
            # So the 404s come from scoping: the same address with only their own objects answers.
            url, response = call_api(client, method, path, theirs, raw)
            assert response.status_code == 200, f"GET {url} answered {response.status_code}"

    assert checked >= 8
    assert demo_snapshot(demo) == before


def test_a_demo_member_who_is_not_an_admin_gets_no_member_list_from_the_api(client, demo, member):
    _token, raw = api_token_create(user=member, name="Sweep")

    response = client.get("/api/v1/orgs/demo/members", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 403
    assert b"volunteer0@demo.test" not in response.content
