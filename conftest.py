"""Shared fixtures: two organisations and named people, so tests read like sentences.

In "demo": admin, lead, member (participant), carer, staff, exec, finance.
In "other": outsider (an admin there, a stranger here).
"""

import os

import pytest

from coproduce.core.tests.factories import MembershipFactory, OrganisationFactory

PASSWORD = "coproduce-demo"  # noqa: S105 - the demo password, not a secret


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache; one test's failed sign-ins must not lock out the next test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_by_default():
    """A Welsh request in one test must not leave the next test in the same thread in Welsh."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(slug="demo", name="Demo Mental Health NHS Foundation Trust")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(slug="other", name="Other Community Mental Health Charity")


def _person(organisation, email, full_name, *roles):
    return MembershipFactory(
        organisation=organisation, user__email=email, user__full_name=full_name, roles=list(roles)
    ).user


@pytest.fixture
def admin(organisation):
    return _person(organisation, "admin@demo.test", "Alex Admin", "admin")


@pytest.fixture
def lead(organisation):
    return _person(organisation, "lead@demo.test", "Sam Lead", "lead")


@pytest.fixture
def member(organisation):
    return _person(organisation, "member@demo.test", "Pat Member", "participant")


@pytest.fixture
def carer(organisation):
    return _person(organisation, "carer@demo.test", "Chris Carer", "carer")


@pytest.fixture
def staff(organisation):
    return _person(organisation, "staff@demo.test", "Jo Staff", "staff")


@pytest.fixture
def exec_(organisation):
    return _person(organisation, "exec@demo.test", "Morgan Exec", "executive")


@pytest.fixture
def finance(organisation):
    return _person(organisation, "finance@demo.test", "Robin Finance", "finance")


@pytest.fixture
def outsider(other_organisation):
    return _person(other_organisation, "admin@other.test", "Olu Outsider", "admin")


@pytest.fixture
def everyone(admin, lead, member, carer, staff, exec_, finance):
    return {
        "admin": admin,
        "lead": lead,
        "member": member,
        "carer": carer,
        "staff": staff,
        "exec": exec_,
        "finance": finance,
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true nothing may be skipped: a missing browser or database is a failure."""
    report = yield
    if os.environ.get("CI", "").lower() == "true" and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which is not allowed: {item.nodeid}: {report.longrepr}"
    return report
