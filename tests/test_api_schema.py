"""Schemathesis against the API's own OpenAPI schema: no server errors, every answer documented and
shaped as documented, and authentication enforced. Run it on both databases (`.ci/run` does): PostgreSQL
refuses text SQLite accepts. coproduce/api/tests/test_api.py aims hypothesis at NUL bytes directly."""

import re
from datetime import date, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coproduce.api.services import api_token_create
from coproduce.core.tests.factories import MembershipFactory
from coproduce.feedback.tests.factories import FEEDBACK_WRITE_RULES, feedback_schema_values
from coproduce.involvement import services as involvement
from coproduce.involvement.models import ActivityType
from coproduce.people import services as people
from coproduce.projects.tests.factories import (
    PROJECT_WRITE_RULES,
    project_schema_references,
    project_schema_values,
)
from coproduce.yousaid.tests.factories import (
    YOUSAID_WRITE_RULES,
    yousaid_schema_references,
    yousaid_schema_values,
)

# Loaded from the running application, so this tests the schema clients actually download.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]
# Who calls: an admin of demo sees members; a participant gets 403; an outsider gets 404.
CALLERS = ["admin", "member", "outsider"]


@pytest.fixture
def keep_test_connection():
    # Django's WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's own test client disconnects the same signals for this reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(keep_test_connection, organisation, admin, member, carer, outsider):
    MembershipFactory.create_batch(5, organisation=organisation, roles=["participant", "carer"])
    return {
        name: api_token_create(user=user, name="schemathesis")[1]
        for name, user in zip(CALLERS, [admin, member, outsider], strict=True)
    }


@pytest.fixture
def register(organisation, admin):
    """People on demo's register in a group, an open opportunity and an activity they took part in, so
    every route answers with real records."""
    person, *others = [
        people.person_create(
            organisation=organisation, actor=admin, full_name=name, email=f"{name[:3].lower()}@demo.test"
        )
        for name in ("Rae Register", "Ola Other", "Kit Third")
    ]
    people.tags_set(person=person, names=["Art"])
    people.person_for_user(organisation=organisation, user=admin)  # so the admin can say they are interested
    group = people.group_create(
        organisation=organisation, actor=admin, name="Carers forum", purpose="Support"
    )
    people.group_member_add(group=group, person=person, role="connector", actor=admin)
    opportunity = involvement.opportunity_create(
        organisation=organisation,
        actor=admin,
        title="Interview panel",
        description="Help choose staff",
        activity_type=ActivityType.objects.get(code="recruitment_selection", organisation=None),
        places=2,
        commitment="One morning",
        closes_on=date.today() + timedelta(days=30),
        status="open",
        is_public=True,
    )
    start = timezone.now() - timedelta(days=3)
    activity = involvement.activity_create(
        organisation=organisation,
        actor=admin,
        activity_type=ActivityType.objects.get(code="meeting", organisation=None),
        title="Forum meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    involvement.attendance_record(
        activity=activity,
        rows=[involvement.AttendanceRow(person=person, taking_part_as="carer", status="attended", hours=2)],
        actor=admin,
    )
    return {
        "person_id": str(person.public_id),
        "group_id": str(group.public_id),
        "opportunity_id": str(opportunity.public_id),
        "activity_id": str(activity.public_id),
        "people": [str(p.public_id) for p in (person, *others)],
        **project_schema_values(organisation, admin),
        **yousaid_schema_values(organisation, admin),
        **feedback_schema_values(organisation, admin),
    }


def use_demo_records(case, register) -> None:
    case.path_parameters["slug"] = "demo"
    for name, value in register.items():
        if name in case.path_parameters:
            case.path_parameters[name] = value


def use_demo_references(case, register) -> None:
    """A write names other records (a type by its code, a person by their id); a schema cannot list which
    exist, so point them at real ones of demo's, as a client would."""
    body = case.body
    if not isinstance(body, dict):
        return
    references = {"activity_type": "meeting", "role": "peer_mentor", "person_id": register["person_id"]}
    for name, value in references.items():
        if body.get(name) is not None:
            body[name] = value
    if body.get("group_id") is not None:
        body["group_id"] = register["group_id"]
    for number, row in enumerate(body.get("rows") or []):
        if isinstance(row, dict):
            row["person_id"] = register["people"][number % len(register["people"])]
    project_schema_references(body, register)
    yousaid_schema_references(body, register)


@schema.given(caller=st.sampled_from(CALLERS), use_demo=st.booleans())
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    # One set of people per operation is enough: writes only add to it, and any answer is checked.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, caller, use_demo, tokens, register):
    # Random slugs and ids are almost never demo's; half the time use them so 200 and 403 are tested.
    if use_demo and case.path_parameters and "slug" in case.path_parameters:
        use_demo_records(case, register)

    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[caller]}"}, checks=CHECKS)


# Only valid requests: every read an admin of demo makes must succeed, whatever the filters and pages.
valid_only = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict({"generation": {"mode": "positive"}}),
)


def report_period_problem(query: dict) -> bool:
    """The report's dates: both or neither, in order, five years at most. A schema describes each query
    value on its own, so it cannot say this."""
    start, end = (query or {}).get("start") or None, (query or {}).get("end") or None
    if (start is None) != (end is None):
        return True
    if start is None:
        return False
    start, end = date.fromisoformat(start), date.fromisoformat(end)
    return end < start or end - start > timedelta(days=366 * 5)


@valid_only.include(path_regex=r"^/api/v1/orgs/\{slug\}", method="GET").parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_valid_request_by_an_admin_succeeds(case, tokens, register):
    use_demo_records(case, register)
    period_problem = case.path.endswith("/reports/involvement") and report_period_problem(case.query)

    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['admin']}"},
        checks=CHECKS if period_problem else [*CHECKS, positive_data_acceptance],
    )

    if period_problem:
        assert response.status_code == 422, response.text
        assert {error["field"] for error in response.json()["errors"]} <= {"start", "end"}, response.text
    else:
        assert response.status_code == 200, response.text


# A schema cannot say "a phone number is needed when text messages are ticked", "the email address is
# already on the register" or "the end must not be before the start": those, and only those, may refuse a
# write the schema allows.
CROSS_FIELD_ERRORS = {"email", "phone", "address", "preferred_contact", "ends_at", "ends_on"}
# Nor "each person once in a register": rows beyond demo's three people name someone twice.
REPEATED_ROW = re.compile(r"rows\.\d+\.person_id")
# Nor the state of records: someone already interested, or an opportunity no longer open. The service
# says so without a field.
INTERESTS = "/api/v1/orgs/{slug}/opportunities/{opportunity_id}/interests"


@valid_only.include(path_regex=r"^/api/v1/orgs/\{slug\}", method=["POST", "PATCH"]).parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_valid_write_by_an_admin_succeeds_or_names_a_rule_across_fields(case, tokens, register):
    use_demo_records(case, register)
    use_demo_references(case, register)

    response = case.call_and_validate(headers={"Authorization": f"Bearer {tokens['admin']}"}, checks=CHECKS)

    if response.status_code == 422:
        fields = {error["field"] for error in response.json()["errors"]}
        allowed = CROSS_FIELD_ERRORS | ({""} if case.operation.path == INTERESTS else set())
        allowed |= PROJECT_WRITE_RULES.get(case.operation.path, set())
        allowed |= YOUSAID_WRITE_RULES.get(case.operation.path, set())
        allowed |= FEEDBACK_WRITE_RULES.get(case.operation.path, set())
        assert all(field in allowed or REPEATED_ROW.fullmatch(field) for field in fields), response.text
    else:
        assert response.status_code in (200, 201), response.text
