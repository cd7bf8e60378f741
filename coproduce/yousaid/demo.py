"""Demo "You said, we did": items from comments, a survey result, a group, a project and written directly;
published answers of every kind (we did, we will, we could not), one waiting for a lead's approval, and
one overdue and escalated to the executive. Idempotent: a second run finds items there and adds nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.core.models import Membership, Organisation, Role
from coproduce.feedback.demo import EXPERIENCE_TITLE, FFT_TITLE
from coproduce.feedback.models import Answer, QuestionKind, Response, Survey
from coproduce.people.models import Group, GroupRole
from coproduce.projects.models import Project

from . import services
from .models import WeDid, YouSaid

SERVICE = "Community mental health teams"
# Demo people who left an email address, with consent, beside their comment about the phones.
DEMO_CONTACTS = ["jamie.r@example.test", "ola.k@example.test"]


def _membership(organisation: Organisation, role: str) -> Membership | None:
    return (
        Membership.objects.filter(organisation=organisation, role_set__role=role)
        .prefetch_related("role_set")
        .order_by("user__email")
        .first()
    )


def _backdate(item: YouSaid, response: WeDid | None, *, raised_days: int, published_days: int | None) -> None:
    today = timezone.localdate()
    YouSaid.objects.filter(pk=item.pk).update(raised_on=today - timedelta(days=raised_days))
    if response is not None and published_days is not None:
        moment = timezone.now() - timedelta(days=published_days)
        WeDid.objects.filter(pk=response.pk).update(published_at=moment)
        YouSaid.objects.filter(pk=item.pk).update(first_published_at=moment)


def seed_you_said(organisation: Organisation) -> None:
    if YouSaid.objects.filter(organisation=organisation).exists():
        return
    lead, staff, executive = (_membership(organisation, r) for r in (Role.LEAD, Role.STAFF, Role.EXECUTIVE))
    if lead is None or staff is None:
        return
    today = timezone.localdate()

    def answer(item, kind, action, *, owner=staff, publish=True, **fields):
        response = services.response_create(
            item=item, actor=owner.user, membership=owner, kind=kind, action=action, owner=owner, **fields
        )
        if publish:
            services.response_publish(response=response, actor=lead.user, membership=lead)
        return response

    def theme(code: str):
        from coproduce.themes.models import Theme

        return Theme.objects.filter(organisation=organisation, code=code).first()

    with transaction.atomic():
        # From comments on the Friends and Family Test.
        phone_comments = list(
            Answer.objects.filter(
                question__survey__organisation=organisation,
                question__survey__title=FFT_TITLE,
                question__kind=QuestionKind.FREE_TEXT,
                text__icontains="phone",
            ).order_by("pk")[:12]
        )
        for answer_row, email in zip(phone_comments, DEMO_CONTACTS, strict=False):
            Response.objects.filter(pk=answer_row.response_id).update(contact_ok=True, contact_email=email)
        phones = services.item_create(
            organisation=organisation,
            actor=lead.user,
            summary="It is hard to get through to the team on the phone, especially on Monday mornings.",
            service=SERVICE,
            source="comments" if phone_comments else "direct",
            theme=theme("access-waiting"),
            comments=phone_comments,
        )
        done = answer(
            phones,
            "did",
            "We added a second phone line on Monday and Tuesday mornings, and a call-back service so you "
            "do not have to wait on hold.",
        )
        _backdate(phones, done, raised_days=75, published_days=40)

        # From a survey result.
        experience = Survey.objects.filter(organisation=organisation, title=EXPERIENCE_TITLE).first()
        involved = (
            experience.questions.filter(code="involved_in_decisions").first()
            if experience is not None
            else None
        )
        decisions = services.item_create(
            organisation=organisation,
            actor=lead.user,
            summary="8 in every 100 people did not feel involved in decisions about their care.",
            service=SERVICE,
            source="survey" if experience else "direct",
            survey=experience,
            question=involved,
            theme=theme("involvement"),
        )
        promise = answer(
            decisions,
            "will",
            "We will offer everyone a care-plan review with their care coordinator, where they choose what "
            "is discussed",
            due_on=today + timedelta(days=45),
            status=WeDid.Status.IN_PROGRESS,
        )
        _backdate(decisions, promise, raised_days=50, published_days=21)

        # Raised by a group's connector.
        group = Group.objects.filter(organisation=organisation, memberships__role=GroupRole.CONNECTOR).first()
        connector = (
            group.memberships.filter(role=GroupRole.CONNECTOR, left_on__isnull=True).first()
            if group
            else None
        )
        carers = services.item_create(
            organisation=organisation,
            actor=lead.user,
            summary="Carers are not told when the person they care for is going to leave hospital.",
            service="Inpatient wards",
            source="group" if group else "direct",
            group=group,
            raised_by=connector.person if connector else None,
            theme=theme("discharge-transitions"),
        )
        carer_promise = answer(
            carers,
            "will",
            "We will ask every person on admission who they want us to tell about their discharge, and "
            "phone that person at least two days before",
            due_on=today + timedelta(days=60),
        )
        _backdate(carers, carer_promise, raised_days=30, published_days=9)

        # From a project.
        project = Project.objects.filter(organisation=organisation).order_by("title").first()
        waiting = services.item_create(
            organisation=organisation,
            actor=lead.user,
            summary="The waiting room is noisy and there is nowhere quiet to wait.",
            service=project.service_area if project and project.service_area else SERVICE,
            source="project" if project else "direct",
            project=project,
            theme=theme("environment"),
        )
        could_not = answer(
            waiting,
            "could_not",
            "We could not move the waiting room to a quieter part of the building",
            reason="the building is shared with other services and there is no other room large enough. "
            "Instead, you can now ask at reception to wait in the quiet room on the first floor.",
        )
        _backdate(waiting, could_not, raised_days=45, published_days=14)

        # Written directly, with an answer waiting for a lead's approval.
        letters = services.item_create(
            organisation=organisation,
            actor=staff.user,
            summary="Appointment letters are too long and full of words we do not understand.",
            service=SERVICE,
            source="direct",
            theme=theme("communication"),
        )
        draft = answer(
            letters,
            "did",
            "We rewrote our appointment letters with members of the service user forum: one page, plain "
            "words, and the time and place at the top.",
            publish=False,
        )
        services.response_request_approval(response=draft, actor=staff.user, membership=staff)
        _backdate(letters, None, raised_days=12, published_days=None)

        # Overdue: no answer by its date, escalated to the executive.
        overdue = services.item_create(
            organisation=organisation,
            actor=lead.user,
            summary="Night staff on the ward do not knock before coming into our rooms.",
            service="Inpatient wards",
            source="direct",
            theme=theme("staff-attitude"),
            executive=executive,
            raised_on=today - timedelta(days=60),
            respond_by=today - timedelta(days=32),
        )
        services.escalate_overdue(organisation=organisation, today=today)
        del overdue


__all__ = ["seed_you_said"]
