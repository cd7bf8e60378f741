"""Closing the loop: digests of what changed, by each person's channel and chosen frequency.

``send_due_digests`` is run by ``python manage.py send_you_said_digests`` (cron, once a day). It escalates
newly overdue items, makes sure everyone behind an item has a subscription, and sends each subscription
that is due ONE message covering every change since its last one. It is idempotent: a subscription is
told at most once a day (a unique row per subscription and day) and never about a change twice (its
cursor moves past the changes told), so running it twice sends nothing twice.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.core.models import Membership, Organisation

from . import selectors
from .models import Change, DigestDelivery, DigestSubscription, Frequency, Source, YouSaid
from .services import escalate_overdue

PERIOD_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}
EXECUTIVE_PERIOD_DAYS = 7


@dataclass
class DigestReport:
    escalated: int = 0
    sent: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


# --- Who follows what -----------------------------------------------------------------------------


def items_followed(subscription: DigestSubscription) -> QuerySet:
    items = YouSaid.objects.filter(organisation=subscription.organisation_id)
    if subscription.kind == DigestSubscription.Kind.CONTACT:
        # By email, or by the phone number of someone who left no email.
        if subscription.email:
            by_comment = {"comments__response__contact_email__iexact": subscription.email}
            by_survey = {"survey__responses__contact_email__iexact": subscription.email}
        else:
            by_comment = {
                "comments__response__contact_email": "",
                "comments__response__contact_phone": subscription.phone,
            }
            by_survey = {
                "survey__responses__contact_email": "",
                "survey__responses__contact_phone": subscription.phone,
            }
        return items.filter(
            Q(comments__response__contact_ok=True, **by_comment)
            # Of a survey result: only those who had answered the survey when the item was raised are
            # behind it (their consent covered news of their own feedback, not of later items).
            | Q(
                source=Source.SURVEY,
                survey__responses__contact_ok=True,
                survey__responses__submitted_at__date__lte=F("raised_on"),
                **by_survey,
            )
        ).distinct()
    if subscription.kind == DigestSubscription.Kind.PERSON:
        return items.filter(
            group__memberships__person=subscription.person_id, group__memberships__left_on__isnull=True
        ).distinct()
    return items.none()


def subscriptions_sync(*, organisation: Organisation, today: date) -> None:
    """Everyone behind an item gets a subscription (weekly unless they choose daily)."""
    from coproduce.feedback.models import Response
    from coproduce.people.models import GroupMembership

    items = YouSaid.objects.filter(organisation=organisation)
    behind = Response.objects.filter(survey__organisation=organisation, contact_ok=True).filter(
        Q(answers__you_said_items__in=items)
        | Q(
            survey__you_said_items__source=Source.SURVEY,
            survey__you_said_items__organisation=organisation,
            submitted_at__date__lte=F("survey__you_said_items__raised_on"),
        )
    )
    # One row per response (the joins above repeat them), oldest first: each contact ends up with the
    # language of their latest response that gave one.
    behind = Response.objects.filter(pk__in=behind.values("pk")).order_by("submitted_at", "pk")
    emails: dict[str, str] = {}
    for email, language in behind.exclude(contact_email="").values_list("contact_email", "contact_language"):
        email = email.strip().lower()
        emails[email] = language or emails.get(email, "")
    # Someone who left only a phone number is called: the number as they wrote it, so it matches.
    phones: dict[str, str] = {}
    for phone, language in (
        behind.filter(contact_email="")
        .exclude(contact_phone="")
        .values_list("contact_phone", "contact_language")
    ):
        phones[phone] = language or phones.get(phone, "")
    people = set(
        GroupMembership.objects.filter(
            group__in=items.filter(group__isnull=False).values("group"),
            left_on__isnull=True,
            person__erased_at__isnull=True,
        ).values_list("person_id", flat=True)
    )
    responsible = sorted(selectors.responsible_for_overdue(organisation=organisation, today=today))
    kind = DigestSubscription.Kind
    DigestSubscription.objects.bulk_create(
        [
            DigestSubscription(organisation=organisation, kind=kind.CONTACT, email=e, language=emails[e])
            for e in sorted(emails)
        ]
        + [
            DigestSubscription(organisation=organisation, kind=kind.CONTACT, phone=n, language=phones[n])
            for n in sorted(phones)
        ]
        + [DigestSubscription(organisation=organisation, kind=kind.PERSON, person_id=p) for p in people]
        + [
            DigestSubscription(
                organisation=organisation, kind=kind.EXECUTIVE, membership_id=m, frequency=Frequency.WEEKLY
            )
            for m in responsible
        ],
        ignore_conflicts=True,
    )
    # Contacts already subscribed take the language of a later response too.
    contacts = DigestSubscription.objects.filter(organisation=organisation, kind=kind.CONTACT)
    for language in {*emails.values(), *phones.values()} - {""}:
        contacts.filter(
            Q(email__in=[e for e, said in emails.items() if said == language])
            | Q(email="", phone__in=[n for n, said in phones.items() if said == language])
        ).exclude(language=language).update(language=language)


def is_due(subscription: DigestSubscription, today: date) -> bool:
    if subscription.last_sent_on is None:
        return True
    days = (
        EXECUTIVE_PERIOD_DAYS
        if subscription.kind == DigestSubscription.Kind.EXECUTIVE
        else PERIOD_DAYS.get(subscription.frequency, 7)
    )
    return subscription.last_sent_on <= today - timedelta(days=days)


# --- Writing a digest -----------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '')}{path}"


def _footer(subscription: DigestSubscription) -> str:
    organisation = subscription.organisation
    board = _absolute(reverse("public-you-said", kwargs={"organisation_slug": organisation.slug}))
    manage = _absolute(
        reverse(
            "public-you-said-updates",
            kwargs={"organisation_slug": organisation.slug, "token": subscription.token},
        )
    )
    lines = [
        _("Read every answer on our public board: %(url)s") % {"url": board},
        _("To have these updates once a day or once a week, or to stop them: %(url)s") % {"url": manage},
    ]
    if organisation.contact_phone:
        lines.append(
            _("Or phone us on %(phone)s and we will change it for you.")
            % {"phone": organisation.contact_phone}
        )
    return "\n".join(lines)


# Changes younger than this wait for the next digest. The cursor (last_change_id) assumes ids are
# committed in order, but PostgreSQL hands ids out when rows are inserted, not when they commit: a change
# with a lower id can become visible after one with a higher id was read, and the cursor would have moved
# past it for good. Taking only changes old enough that their transactions have long finished closes that.
SETTLE_TIME = timedelta(minutes=5)


def pending_changes(subscription: DigestSubscription) -> list[Change]:
    changes = Change.objects.filter(
        organisation=subscription.organisation_id,
        pk__gt=subscription.last_change_id,
        created_at__lte=timezone.now() - SETTLE_TIME,
        item__in=items_followed(subscription).values("pk"),
    )
    if subscription.kind == DigestSubscription.Kind.CONTACT:
        changes = changes.filter(public=True)
    return list(changes.select_related("item").order_by("pk"))


def change_digest(subscription: DigestSubscription, changes: list[Change]) -> tuple[str, str]:
    organisation = subscription.organisation
    by_item: dict[int, list[Change]] = {}
    for change in changes:
        by_item.setdefault(change.item_id, []).append(change)
    subject = _("%(organisation)s: what has changed since you told us") % {"organisation": organisation.name}
    parts = [
        _("Hello,"),
        _("Here is what has changed about things you told %(organisation)s, since we last wrote.")
        % {"organisation": organisation.name},
    ]
    for item_changes in by_item.values():
        item = item_changes[0].item
        lines = [_("You said: %(summary)s") % {"summary": item.summary}]
        language = translation.get_language()
        lines += [
            f"- {date_format(timezone.localtime(c.created_at), 'j F Y')}: {c.message_in(language)}"
            for c in item_changes
        ]
        parts.append("\n".join(lines))
    parts.append(_footer(subscription))
    return subject, "\n\n".join(parts)


def executive_digest(subscription: DigestSubscription, items: list[YouSaid]) -> tuple[str, str]:
    subject = _("%(count)s overdue 'you said' items are waiting for an answer") % {"count": len(items)}
    parts = [
        _(
            "These things people told us have no published answer by their date, or a promise past its "
            "date. You are the executive responsible. You will get this every week until they are answered."
        )
    ]
    for item in items:
        parts.append(
            "\n".join(
                [
                    _("You said: %(summary)s") % {"summary": item.summary},
                    _("Service: %(service)s") % {"service": item.service or _("not given")},
                    _("Answer by: %(date)s") % {"date": date_format(item.respond_by, "j F Y")},
                    _absolute(item.get_absolute_url()),
                ]
            )
        )
    return subject, "\n\n".join(parts)


# --- Sending --------------------------------------------------------------------------------------


def _call_list(subscription: DigestSubscription, subject: str, body: str) -> str:
    """A contact with only a phone number: a call on the lead's list, with the name they gave."""
    from coproduce.feedback.models import Response
    from coproduce.involvement.models import Letter

    name = (
        Response.objects.filter(
            survey__organisation=subscription.organisation_id,
            contact_ok=True,
            contact_email="",
            contact_phone=subscription.phone,
        )
        .exclude(contact_name="")
        .order_by("-submitted_at")
        .values_list("contact_name", flat=True)
        .first()
    )
    Letter.objects.create(
        organisation_id=subscription.organisation_id,
        channel=Letter.Channel.PHONE,
        name=name or "",
        phone=subscription.phone,
        subject=subject,
        body=body,
    )
    return "phone"


def _deliver(subscription: DigestSubscription, subject: str, body: str, url: str) -> str:
    from coproduce.involvement.services import tell_person
    from coproduce.notifications.services import notify
    from coproduce.notifications.tasks import send_email

    if subscription.kind == DigestSubscription.Kind.CONTACT and subscription.email:
        transaction.on_commit(
            partial(send_email.enqueue, subject=subject, body=body, to=[subscription.email])
        )
        return "email"
    if subscription.kind == DigestSubscription.Kind.CONTACT:
        return _call_list(subscription, subject, body)
    if subscription.kind == DigestSubscription.Kind.PERSON:
        return tell_person(person=subscription.person, message=lambda: (subject, body), url=url)
    notify(
        organisation=subscription.organisation,
        recipients=[subscription.membership.user],
        message=lambda: (subject, body),
        url=url,
    )
    return "notification"


def subscriber_language(subscription: DigestSubscription) -> str:
    """Contacts read the language they answered in; account holders the one they chose (the digest is
    written in it, so the notification that carries it matches)."""
    from coproduce.notifications.services import language_for

    if subscription.kind == DigestSubscription.Kind.CONTACT:
        return subscription.language or settings.LANGUAGE_CODE
    if subscription.kind == DigestSubscription.Kind.PERSON:
        return subscription.person.language_to_write_in() or language_for(None)
    return language_for(subscription.membership.user)


def send_one(subscription_id: int, today: date) -> str | None:
    """Send one subscription's digest if it is due and has something to say. Answers the channel."""
    with transaction.atomic():
        subscription = (
            DigestSubscription.objects.select_for_update(of=("self",))
            .select_related("organisation", "person__user", "membership__user")
            .filter(pk=subscription_id, active=True)
            .first()
        )
        if subscription is None or not is_due(subscription, today):
            return None
        with translation.override(subscriber_language(subscription)):
            return _send(subscription, today)


def _send(subscription: DigestSubscription, today: date) -> str | None:
    """send_one's work, inside its transaction and in the subscriber's language."""
    organisation = subscription.organisation
    if subscription.kind == DigestSubscription.Kind.EXECUTIVE:
        membership = Membership.objects.prefetch_related("role_set").get(pk=subscription.membership_id)
        items = list(selectors.overdue_for_executive(membership=membership, today=today))
        if not items:
            return None
        subject, body = executive_digest(subscription, items)
        url = reverse("yousaid:item-list", kwargs={"org": organisation.slug}) + "?state=overdue"
        up_to, changes = subscription.last_change_id, 0
    else:
        if subscription.kind == DigestSubscription.Kind.PERSON and subscription.person.erased_at:
            return None
        pending = pending_changes(subscription)
        if not pending:
            return None
        items = {c.item_id for c in pending}
        subject, body = change_digest(subscription, pending)
        url = reverse("public-you-said", kwargs={"organisation_slug": organisation.slug})
        up_to, changes = pending[-1].pk, len(pending)
    try:
        with transaction.atomic():
            delivery = DigestDelivery.objects.create(
                subscription=subscription,
                sent_on=today,
                channel="",
                items=len(items),
                changes=changes,
                up_to_change_id=up_to,
            )
    except IntegrityError:
        return None  # already sent today by another run
    channel = _deliver(subscription, subject, body, url)
    DigestDelivery.objects.filter(pk=delivery.pk).update(channel=channel)
    DigestSubscription.objects.filter(pk=subscription.pk).update(last_change_id=up_to, last_sent_on=today)
    return channel


def send_due_digests(*, today: date | None = None, organisation: Organisation | None = None) -> DigestReport:
    today = today or timezone.localdate()
    report = DigestReport()
    organisations = [organisation] if organisation else list(Organisation.objects.order_by("pk"))
    with translation.override(settings.LANGUAGE_CODE):
        for org in organisations:
            escalated, _cleared = escalate_overdue(organisation=org, today=today)
            report.escalated += escalated
            subscriptions_sync(organisation=org, today=today)
            ids = DigestSubscription.objects.filter(organisation=org, active=True).values_list(
                "pk", flat=True
            )
            for subscription_id in list(ids):
                channel = send_one(subscription_id, today)
                if channel:
                    report.sent[channel] = report.sent.get(channel, 0) + 1
    return report
