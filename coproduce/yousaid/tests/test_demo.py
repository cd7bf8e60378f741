from django.utils import translation

from coproduce.core.models import User
from coproduce.feedback.demo import seed_feedback
from coproduce.people.demo import seed_register
from coproduce.projects.demo import seed_projects
from coproduce.yousaid import selectors
from coproduce.yousaid.demo import seed_you_said
from coproduce.yousaid.models import WeDid, YouSaid

from .factories import membership_of


def test_the_demo_shows_every_kind_of_answer_and_an_escalated_item_once(
    organisation, admin, lead, member, carer, staff, exec_
):
    users = {email: User.objects.get(email=email) for email in (member.email, carer.email)}
    seed_register(organisation, 40, seed=2019, link_users=users)
    seed_projects(organisation)
    with translation.override("en"):
        seed_feedback(organisation)

    seed_you_said(organisation)
    seed_you_said(organisation)

    assert YouSaid.objects.filter(organisation=organisation).count() == 6
    published = WeDid.objects.filter(publication="published")
    assert set(published.values_list("kind", flat=True)) == {"did", "will", "could_not"}
    assert WeDid.objects.filter(publication="awaiting").count() == 1
    assert set(YouSaid.objects.values_list("source", flat=True)) >= {"comments", "survey", "group", "project"}
    [overdue] = selectors.overdue_for_executive(membership=membership_of(exec_, organisation))
    assert overdue.escalated_at is not None
    phones = YouSaid.objects.get(source="comments")
    assert phones.comments.filter(response__contact_ok=True).count() == 2
