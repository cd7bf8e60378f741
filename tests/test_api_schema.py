"""Schemathesis against the API's own OpenAPI schema: no server errors, every answer documented and
shaped as documented, and authentication enforced. Run it on both databases (`.ci/run` does): PostgreSQL
refuses text SQLite accepts. coproduce/api/tests/test_api.py aims hypothesis at NUL bytes directly."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
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
from coproduce.people import services as people

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
    """A person on demo's register in a group, so the register's routes answer with real records."""
    person = people.person_create(
        organisation=organisation, actor=admin, full_name="Rae Register", email="rae@demo.test", tags=["Art"]
    )
    group = people.group_create(
        organisation=organisation, actor=admin, name="Carers forum", purpose="Support"
    )
    people.group_member_add(group=group, person=person, role="connector", actor=admin)
    return {"person_id": str(person.public_id), "group_id": str(group.public_id)}


def use_demo_records(case, register) -> None:
    case.path_parameters["slug"] = "demo"
    for name, value in register.items():
        if name in case.path_parameters:
            case.path_parameters[name] = value


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


@valid_only.include(path_regex=r"^/api/v1/orgs/\{slug\}", method="GET").parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_valid_request_by_an_admin_succeeds(case, tokens, register):
    use_demo_records(case, register)

    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['admin']}"},
        checks=[*CHECKS, positive_data_acceptance],
    )

    assert response.status_code == 200, response.text


# A schema cannot say "a phone number is needed when text messages are ticked" or "the email address is
# already on the register": those, and only those, may refuse a write the schema allows.
CROSS_FIELD_ERRORS = {"email", "phone", "address", "preferred_contact"}


@valid_only.include(path_regex=r"^/api/v1/orgs/\{slug\}", method=["POST", "PATCH"]).parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_valid_write_by_an_admin_succeeds_or_names_a_rule_across_fields(case, tokens, register):
    use_demo_records(case, register)

    response = case.call_and_validate(headers={"Authorization": f"Bearer {tokens['admin']}"}, checks=CHECKS)

    if response.status_code == 422:
        assert {error["field"] for error in response.json()["errors"]} <= CROSS_FIELD_ERRORS, response.text
    else:
        assert response.status_code in (200, 201), response.text
