from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from coproduce.core.models import AuditEvent
from coproduce.involvement import selection, services
from coproduce.involvement.models import ExpressionOfInterest, Letter, Opportunity
from coproduce.involvement.tests.factories import ActivityFactory, AttendanceFactory, builtin_type
from coproduce.notifications.models import Notification
from coproduce.people import services as people
from coproduce.people.tests.factories import CheckFactory, PersonFactory

pytestmark = pytest.mark.django_db


def opportunity(organisation, lead, **fields):
    values = {
        "title": "Interview panel for a ward manager",
        "description": "Sit on the panel and ask questions.",
        "activity_type": builtin_type("recruitment_selection"),
        "places": 2,
        "commitment": "Tuesday 3 March, 10am to 1pm",
        "closes_on": date.today() + timedelta(days=14),
        "status": "open",
        "is_public": True,
    }
    return services.opportunity_create(organisation=organisation, actor=lead, **(values | fields))


def test_the_public_page_shows_only_open_public_opportunities_without_signing_in(client, organisation, lead):
    opportunity(organisation, lead, title="Open and public")
    opportunity(organisation, lead, title="Open but private", is_public=False)
    opportunity(organisation, lead, title="Still a draft", status="draft")
    opportunity(organisation, lead, title="Already closed", closes_on=date.today() - timedelta(days=1))
    response = client.get("/public/demo/opportunities/")
    assert response.status_code == 200
    assert "Open and public" in response.text
    for hidden in ("Open but private", "Still a draft", "Already closed"):
        assert hidden not in response.text
    assert client.get("/public/nope/opportunities/").status_code == 404


def test_a_participant_says_they_are_interested_with_needs_from_their_profile_and_can_withdraw(
    client, organisation, lead, member
):
    chance = opportunity(organisation, lead)
    person = people.person_for_user(organisation=organisation, user=member)
    people.access_needs_update(person=person, actor=member, needs=["large_print"], other="")
    client.force_login(member)
    page = client.get(chance.get_absolute_url())
    assert "Large print" in page.text  # pre-filled
    response = client.post(
        chance.get_absolute_url(),
        {"why": "I know the ward", "availability": "Tuesdays", "needs": "Large print"},
    )
    assert response.status_code == 302
    interest = ExpressionOfInterest.objects.get()
    assert (interest.person, interest.on_behalf) == (person, False)
    client.post(chance.get_absolute_url() + "withdraw/")
    assert ExpressionOfInterest.objects.get().status == "withdrawn"


def test_a_closed_opportunity_says_so_clearly(organisation, lead):
    chance = opportunity(organisation, lead, closes_on=date.today() - timedelta(days=1))
    with pytest.raises(ValidationError, match="no longer taking expressions of interest"):
        services.interest_submit(
            opportunity=chance, person=PersonFactory(organisation=organisation), actor=lead
        )


def test_a_lead_records_interest_for_a_managed_person(client, organisation, lead):
    chance = opportunity(organisation, lead)
    pat = PersonFactory(
        organisation=organisation, full_name="Pat Offline", email="", is_managed=True, contact_by_email=False
    )
    client.force_login(lead)
    client.post(
        chance.get_absolute_url() + "interest/", {"person": str(pat.public_id), "why": "Told me by phone"}
    )
    interest = ExpressionOfInterest.objects.get(person=pat)
    assert interest.on_behalf is True
    assert AuditEvent.objects.get(action="interest.submitted").details["on_behalf"] is True


def candidate(n, eligible=True, new_voice=False, last=None):
    return selection.Candidate(
        interest=type("I", (), {"pk": n})(),
        new_voice=new_voice,
        hours_last_year=Decimal("0"),
        last_involved=last,
        check_problems=[] if eligible else ["DBS check: Missing"],
    )


@given(
    people=st.lists(
        st.tuples(
            st.booleans(),
            st.booleans(),
            st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1))),
        ),
        max_size=12,
    ),
    seed=st.integers(min_value=0, max_value=2**31),
    places=st.integers(min_value=1, max_value=5),
)
def test_fair_ordering_rules_hold_for_any_applicants(people, seed, places):
    candidates = [candidate(n, e, v, last) for n, (e, v, last) in enumerate(people)]
    ordered = selection.order_candidates(candidates, seed)
    assert sorted(c.interest.pk for c in ordered) == list(range(len(people)))
    keys = [(not c.eligible, not c.new_voice, c.last_involved or date.min) for c in ordered]
    assert keys == sorted(keys)  # eligible first, then new voices, then least recently involved
    chosen = selection.suggest(candidates, places, seed)
    assert all(c.eligible for c in chosen) and len(chosen) == min(places, sum(c.eligible for c in candidates))
    assert [c.interest.pk for c in selection.order_candidates(candidates, seed)] == [
        c.interest.pk for c in ordered
    ]


def test_selection_suggests_new_voices_blocks_missing_checks_and_tells_everyone(client, organisation, lead):
    chance = opportunity(organisation, lead, places=1, required_checks=["dbs"])
    regular = PersonFactory(organisation=organisation, full_name="Regular Rita")
    newcomer = PersonFactory(organisation=organisation, full_name="New Nadia")
    unchecked = PersonFactory(organisation=organisation, full_name="No-Check Nick")
    for person in (regular, newcomer):
        CheckFactory(person=person, kind="dbs", done_on=date.today() - timedelta(days=30))
    AttendanceFactory(activity=ActivityFactory(organisation=organisation), person=regular)
    for person in (regular, newcomer, unchecked):
        services.interest_submit(opportunity=chance, person=person, actor=lead)
    client.force_login(lead)
    page = client.get(chance.get_absolute_url() + "selection/", {"seed": "7"})
    ordered = [c.interest.person.full_name for c in page.context["ordered"]]
    assert ordered == ["New Nadia", "Regular Rita", "No-Check Nick"]
    assert "DBS check: Missing" in page.text
    nadia = ExpressionOfInterest.objects.get(person=newcomer)
    rita = ExpressionOfInterest.objects.get(person=regular)
    response = client.post(chance.get_absolute_url() + "selection/", {"seed": "7", "chosen": [str(rita.pk)]})
    assert "Say why you changed the suggested selection" in response.text
    response = client.post(
        chance.get_absolute_url() + "selection/",
        {"seed": "7", "chosen": [str(nadia.pk)]},
    )
    assert response.status_code == 302
    statuses = dict(ExpressionOfInterest.objects.values_list("person__full_name", "status"))
    assert statuses == {
        "New Nadia": "selected",
        "Regular Rita": "not_selected",
        "No-Check Nick": "not_selected",
    }
    chance.refresh_from_db()
    assert (chance.status, chance.selection_seed) == ("filled", 7)


def test_people_without_accounts_are_emailed_or_get_a_letter(
    organisation, lead, mailoutbox, django_capture_on_commit_callbacks
):
    by_post = PersonFactory(
        organisation=organisation,
        email="",
        contact_by_email=False,
        contact_by_post=True,
        address="1 Mill Lane",
        preferred_contact="post",
    )
    by_email = PersonFactory(organisation=organisation, email="em@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tell_person(person=by_post, message=lambda: ("Hello", "News")) == "letter"
        assert services.tell_person(person=by_email, message=lambda: ("Hello", "News")) == "email"
    assert Letter.objects.get().person == by_post
    assert mailoutbox[0].to == ["em@example.org"]


def test_a_letter_or_notification_is_written_in_the_language_the_person_chose(organisation, lead, member):
    """The register's language for someone without an account; their own choice for an account holder."""
    from django.utils.translation import gettext as _

    from coproduce.core.services import user_set_language
    from coproduce.notifications.models import Notification
    from coproduce.people.services import person_for_user

    welsh_by_post = PersonFactory(
        organisation=organisation,
        email="",
        contact_by_email=False,
        contact_by_post=True,
        address="1 Heol y Felin",
        preferred_contact="post",
        language="cy",
    )
    account_holder = person_for_user(organisation=organisation, user=member)
    account_holder.language = "cy"  # the register says Welsh, but they chose English themselves
    user_set_language(user=member, language="en-gb")
    account_holder_by_post = PersonFactory(
        organisation=organisation,
        user=lead,
        contact_by_post=True,
        address="2 Heol y Felin",
        preferred_contact="post",
        language="cy",
    )
    user_set_language(user=lead, language="en-gb")

    def message():
        return _("Messages"), _("Choose a language")

    services.tell_person(person=welsh_by_post, message=message)
    services.tell_person(person=account_holder, message=message)
    services.tell_person(person=account_holder_by_post, message=message)

    letter = Letter.objects.get(person=welsh_by_post)
    assert (letter.subject, letter.body) == ("Negeseuon", "Dewiswch iaith")
    assert Letter.objects.get(person=account_holder_by_post).subject == "Messages"
    assert Notification.objects.get(recipient=member).subject == "Messages"


def test_announcing_an_opportunity_never_contacts_someone_who_withdrew_consent(
    organisation, lead, member, carer, mailoutbox, django_capture_on_commit_callbacks
):
    chance = opportunity(organisation, lead)
    keen = people.person_for_user(organisation=organisation, user=member)
    changed_mind = people.person_for_user(organisation=organisation, user=carer)
    for person, user in ((keen, member), (changed_mind, carer)):
        people.consent_set(person=person, actor=user, purpose="opportunities", given=True)
    people.consent_set(person=changed_mind, actor=carer, purpose="opportunities", given=False)
    with django_capture_on_commit_callbacks(execute=True):
        told = services.opportunity_announce(opportunity=chance, actor=lead)
    assert told == 1
    assert Notification.objects.filter(recipient=member).count() == 1
    assert not Notification.objects.filter(recipient=carer).exists()
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_participants_cannot_see_drafts_or_run_selection(client, organisation, lead, member):
    draft = opportunity(organisation, lead, status="draft")
    open_one = opportunity(organisation, lead)
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(open_one.get_absolute_url() + "selection/").status_code == 403
    assert "Interview panel" in client.get("/o/demo/opportunities/").text


def test_opportunity_form_explains_problems(client, lead):
    client.force_login(lead)
    response = client.post(
        "/o/demo/opportunities/add/", {"title": "", "places": "0", "closes_on": "31/02/2026"}
    )
    assert "Enter a title" in response.text
    assert "There must be at least 1 place" in response.text
    assert "Enter a real date, for example 2026-03-31" in response.text
    assert not Opportunity.objects.exists()


def test_an_opportunity_closed_early_does_not_give_its_future_closing_date(organisation, lead):
    chance = opportunity(organisation, lead, closes_on=date.today() + timedelta(days=10))
    chance.status = "closed"
    chance.save()
    with pytest.raises(ValidationError) as refused:
        services.interest_submit(
            opportunity=chance, person=PersonFactory(organisation=organisation), actor=lead
        )
    assert "This opportunity has closed" in str(refused.value)
    assert str(chance.closes_on.year) not in str(refused.value)


def test_people_who_prefer_the_phone_are_on_the_call_list_and_the_lead_marks_it_done(
    client, organisation, lead, mailoutbox, django_capture_on_commit_callbacks
):
    by_phone = PersonFactory(
        organisation=organisation,
        full_name="Pat Phone",
        email="pat@example.org",
        contact_by_email=True,
        contact_by_phone=True,
        phone="07700 900123",
        preferred_contact="phone",
    )
    by_text = PersonFactory(
        organisation=organisation,
        email="",
        contact_by_sms=True,
        phone="07700 900456",
        preferred_contact="sms",
    )
    no_number = PersonFactory(
        organisation=organisation, email="", contact_by_phone=True, preferred_contact="phone"
    )
    by_post = PersonFactory(
        organisation=organisation,
        email="",
        contact_by_post=True,
        address="1 Mill Lane",
        preferred_contact="post",
    )
    with django_capture_on_commit_callbacks(execute=True):
        told = [
            services.tell_person(person=p, message=lambda: ("Hello", "News"))
            for p in (by_phone, by_text, no_number)
        ]
        services.tell_person(person=by_post, message=lambda: ("A letter", "News"))
    assert told == ["phone", "sms", "none"]
    assert not mailoutbox  # the phone was preferred over email
    assert set(Letter.objects.values_list("person", "channel")) == {
        (by_phone.pk, "phone"),
        (by_text.pk, "sms"),
        (by_post.pk, "post"),
    }

    client.force_login(lead)
    page = client.get("/o/demo/opportunities/letters/").text
    assert "Pat Phone" in page and "07700 900123" in page and "Text message (SMS)" in page
    client.post("/o/demo/opportunities/letters/", {"done": "calls"})
    assert list(Letter.objects.filter(printed_at__isnull=True).values_list("channel", flat=True)) == ["post"]
    client.post("/o/demo/opportunities/letters/", {"done": "letters"})
    assert not Letter.objects.filter(printed_at__isnull=True).exists()
