"""Writes for "you said, we did". Each audits itself; each move people should hear about is recorded as
a Change for their next digest (see digests.py), never sent there and then."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.core.audit import audit_log
from coproduce.core.models import Membership, Organisation, Role, User

from . import permissions
from .models import RESPOND_WITHIN_DAYS, Change, Source, WeDid, YouSaid

ITEM_FIELDS = (
    "summary",
    "service",
    "source",
    "theme",
    "survey",
    "question",
    "group",
    "raised_by",
    "project",
    "raised_on",
    "respond_by",
    "executive",
)
RESPONSE_FIELDS = ("kind", "action", "reason", "due_on", "owner", "status")
# Changing these on a published answer changes what the public reads: a lead must do it.
PUBLIC_RESPONSE_FIELDS = ("kind", "action", "reason", "due_on")
SOURCE_NEEDS = {
    Source.THEME: ("theme", gettext_lazy("Choose the theme it came from")),
    Source.SURVEY: ("survey", gettext_lazy("Choose the survey whose result it came from")),
    Source.GROUP: ("group", gettext_lazy("Choose the group or forum that raised it")),
    Source.PROJECT: ("project", gettext_lazy("Choose the project it came from")),
}


def _record_change(item: YouSaid, kind: str, message: Callable[[], str], *, public: bool = True) -> Change:
    """message() is written in each of our languages now, so a digest later reads in its reader's."""
    messages = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            messages[language] = message()[:500]
    return Change.objects.create(
        organisation_id=item.organisation_id,
        item=item,
        kind=kind,
        message=message()[:500],
        messages=messages,
        public=public,
    )


# Items.


def _check_item(item: YouSaid) -> None:
    organisation_id = item.organisation_id
    errors = {}
    owned = {
        "theme": _("Choose one of your organisation's themes"),
        "survey": _("Choose one of your organisation's surveys"),
        "group": _("Choose one of your organisation's groups"),
        "project": _("Choose one of your organisation's projects"),
        "raised_by": _("Choose someone on your organisation's register"),
        "executive": _("Choose one of your organisation's executives"),
    }
    for name, message in owned.items():
        value = getattr(item, name)
        if value is not None and value.organisation_id != organisation_id:
            errors[name] = message
    if item.question is not None and (item.survey is None or item.question.survey_id != item.survey_id):
        errors["question"] = _("Choose a question from the survey you chose")
    if (
        item.executive is not None
        and "executive" not in errors
        and not item.executive.has_role(Role.EXECUTIVE)
    ):
        errors["executive"] = _("Choose someone with the executive role, or nobody")
    needed = SOURCE_NEEDS.get(item.source)
    if needed and getattr(item, needed[0]) is None and needed[0] not in errors:
        errors[needed[0]] = needed[1]
    if item.raised_on and item.respond_by and item.respond_by < item.raised_on:
        errors["respond_by"] = _("The answer-by date must be the same as or after the date people told us")
    if errors:
        raise ValidationError(errors)


def item_create(*, organisation: Organisation, actor: User, comments: Iterable = (), **fields) -> YouSaid:
    fields = {name: value for name, value in fields.items() if name in ITEM_FIELDS}
    item = YouSaid(organisation=organisation, created_by=actor, **fields)
    if not item.raised_on:
        item.raised_on = timezone.localdate()
    if not item.respond_by:
        item.respond_by = item.raised_on + timedelta(days=RESPOND_WITHIN_DAYS)
    if item.project is not None and not item.service:
        item.service = item.project.service_area
    if item.survey is not None and not item.service:
        item.service = item.survey.about
    _check_item(item)
    item.full_clean(validate_constraints=False)
    comments = list(comments)
    if not comments and item.source == Source.THEME and item.theme is not None:
        comments = _comments_confirmed_with(item.theme, survey=item.survey)
    _check_comments(organisation, comments)
    with transaction.atomic():
        item.save()
        if comments:
            item.comments.set(comments)
        _record_change(
            item,
            Change.Kind.RAISED,
            lambda: _("Recorded: %(summary)s") % {"summary": item.summary},
            public=False,
        )
        audit_log(
            actor=actor,
            organisation=organisation,
            action="you_said.created",
            target=item,
            details={"source": item.source, "comments": len(comments)},
        )
    return item


def item_update(*, item: YouSaid, actor: User, membership: Membership, **fields) -> YouSaid:
    fields = {name: value for name, value in fields.items() if name in ITEM_FIELDS}
    if (
        item.is_published
        and "summary" in fields
        and fields["summary"] != item.summary
        and not permissions.can_approve_you_said(membership)
    ):
        raise PermissionDenied(_("Only a lead can change the wording of an item on the public board"))
    for name, value in fields.items():
        setattr(item, name, value)
    _check_item(item)
    item.full_clean(validate_constraints=False)
    with transaction.atomic():
        item.save()
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.updated",
            target=item,
            details={"fields": sorted(fields)},
        )
    return item


def _comments_confirmed_with(theme, *, survey=None) -> list:
    """The written answers staff confirmed are about this theme (of one survey, when the item names
    one): the comments behind an item raised from a theme."""
    from coproduce.feedback.models import Answer
    from coproduce.themes.models import Comment

    answers = Answer.objects.filter(
        theme_comment__status=Comment.Status.CONFIRMED,
        theme_comment__labels__theme=theme,
        question__survey__organisation_id=theme.organisation_id,
    )
    if survey is not None:
        answers = answers.filter(question__survey=survey)
    return list(answers.distinct())


def _check_comments(organisation: Organisation, comments: list) -> None:
    """In two queries however many comments: every one is a written answer to this organisation."""
    from django.db.models import Q

    from coproduce.feedback.models import Answer, QuestionKind

    chosen = Answer.objects.filter(pk__in=[answer.pk for answer in comments])
    if chosen.exclude(question__survey__organisation=organisation).exists():
        raise ValidationError({"comments": _("Choose comments given to your organisation's surveys")})
    if chosen.filter(~Q(question__kind=QuestionKind.FREE_TEXT) | Q(text__regex=r"^\s*$")).exists():
        raise ValidationError({"comments": _("Choose written comments, not chosen answers")})


def item_link_comments(*, item: YouSaid, actor: User, comments: Iterable, unlink: Iterable = ()) -> int:
    comments, unlink = list(comments), list(unlink)
    _check_comments(item.organisation, comments)
    with transaction.atomic():
        item.comments.add(*comments)
        item.comments.remove(*unlink)
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.comments_linked",
            target=item,
            details={"linked": len(comments), "unlinked": len(unlink)},
        )
    return item.comments.count()


# Answers ("we did").


def _check_response(response: WeDid, organisation_id: int) -> None:
    errors = {}
    if not (response.action or "").strip():
        errors["action"] = _("Say what we did, will do or could not do, in plain words")
    if response.kind == WeDid.Kind.WILL and response.due_on is None:
        errors["due_on"] = _("Enter the date by which we will do it, for example 31 3 2027")
    if response.kind == WeDid.Kind.COULD_NOT and not (response.reason or "").strip():
        errors["reason"] = _("Say why we could not, in plain words")
    if response.owner is not None and (
        response.owner.organisation_id != organisation_id
        or not response.owner.has_role(Role.ADMIN, Role.LEAD, Role.STAFF, Role.EXECUTIVE)
    ):
        errors["owner"] = _("Choose a member of staff, a lead or an executive of your organisation")
    if response.owner is None:
        errors["owner"] = _("Choose who owns this answer")
    if errors:
        raise ValidationError(errors)
    # The answer decides the status where only one makes sense.
    if response.kind == WeDid.Kind.DID:
        response.status = WeDid.Status.DONE
    elif response.kind == WeDid.Kind.COULD_NOT:
        response.status = WeDid.Status.COULD_NOT
    if response.kind != WeDid.Kind.COULD_NOT:
        response.reason = ""
    if response.kind != WeDid.Kind.WILL:
        response.due_on = None


def response_public_text(response: WeDid) -> str:
    if response.kind == WeDid.Kind.WILL:
        return _("We will: %(action)s, by %(date)s") % {
            "action": response.action,
            "date": date_format(response.due_on, "j F Y"),
        }
    if response.kind == WeDid.Kind.COULD_NOT:
        return _("We could not: %(action)s, because %(reason)s") % {
            "action": response.action,
            "reason": response.reason,
        }
    return _("We did: %(action)s") % {"action": response.action}


def response_create(*, item: YouSaid, actor: User, membership: Membership, **fields) -> WeDid:
    if not permissions.can_answer_you_said(membership):
        raise PermissionDenied(_("Only staff, leads and admins can answer items"))
    fields = {name: value for name, value in fields.items() if name in RESPONSE_FIELDS}
    response = WeDid(item=item, created_by=actor, **fields)
    _check_response(response, item.organisation_id)
    response.full_clean(validate_constraints=False, exclude=["item"])
    with transaction.atomic():
        response.save()
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.answer_created",
            target=item,
            details={"answer": str(response.public_id), "kind": response.kind},
        )
    return response


def response_update(*, response: WeDid, actor: User, membership: Membership, **fields) -> WeDid:
    if not permissions.can_answer_you_said(membership):
        raise PermissionDenied(_("Only staff, leads and admins can answer items"))
    fields = {name: value for name, value in fields.items() if name in RESPONSE_FIELDS}
    changed = {name for name, value in fields.items() if getattr(response, name) != value}
    if (
        response.is_published
        and changed & set(PUBLIC_RESPONSE_FIELDS)
        and not permissions.can_approve_you_said(membership)
    ):
        raise PermissionDenied(
            _("This answer is on the public board: only a lead can change its wording or date")
        )
    # A lead approves the wording they read: a change to it by someone who cannot approve sends the answer
    # back to draft, so it has to be sent for approval again (the page says so).
    back_to_draft = (
        response.publication == WeDid.Publication.AWAITING
        and bool(changed & set(PUBLIC_RESPONSE_FIELDS))
        and not permissions.can_approve_you_said(membership)
    )
    old_status = response.status
    for name, value in fields.items():
        setattr(response, name, value)
    if back_to_draft:
        response.publication = WeDid.Publication.DRAFT
    _check_response(response, response.item.organisation_id)
    response.full_clean(validate_constraints=False, exclude=["item"])
    with transaction.atomic():
        response.save()
        if response.is_published and changed & set(PUBLIC_RESPONSE_FIELDS):
            _record_change(
                response.item,
                Change.Kind.UPDATED,
                lambda: _("Answer changed: %(text)s") % {"text": response_public_text(response)},
            )
        elif response.is_published and response.status != old_status:
            _record_change(
                response.item,
                Change.Kind.STATUS,
                lambda: (
                    _("%(text)s. Now: %(status)s")
                    % {"text": response_public_text(response), "status": response.get_status_display()}
                ),
            )
        audit_log(
            actor=actor,
            organisation=response.item.organisation,
            action="you_said.answer_updated",
            target=response.item,
            details={
                "answer": str(response.public_id),
                "fields": sorted(changed),
                "back_to_draft": back_to_draft,
            },
        )
    return response


def response_request_approval(*, response: WeDid, actor: User, membership: Membership) -> WeDid:
    from coproduce.notifications.services import notify

    from .selectors import approvers_for

    if not permissions.can_answer_you_said(membership):
        raise PermissionDenied(_("Only staff, leads and admins can answer items"))
    if response.publication != WeDid.Publication.DRAFT:
        raise ValidationError(_("This answer is already waiting for approval or published"))
    item = response.item
    with transaction.atomic():
        response.publication = WeDid.Publication.AWAITING
        response.save(update_fields=["publication", "updated_at"])
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.approval_requested",
            target=item,
            details={"answer": str(response.public_id)},
        )
        notify(
            organisation=item.organisation,
            recipients=[m.user for m in approvers_for(item.organisation) if m.user_id != actor.pk],
            message=lambda: (
                _("An answer to 'you said' is waiting for your approval"),
                _("%(said)s\n\n%(answer)s")
                % {"said": item.summary, "answer": response_public_text(response)},
            ),
            url=item.get_absolute_url(),
        )
    return response


def response_publish(*, response: WeDid, actor: User, membership: Membership) -> WeDid:
    """A lead approves an answer: it goes on the public board and into the digests of everyone behind it."""
    if not permissions.can_approve_you_said(membership) or membership.organisation_id != (
        response.item.organisation_id
    ):
        raise PermissionDenied(_("Publishing needs a lead's approval"))
    if response.is_published:
        raise ValidationError(_("This answer is already published"))
    item = response.item
    now = timezone.now()
    with transaction.atomic():
        # Lock the row and read it again: two approvals at once (a double click, two leads) publish once,
        # and what is published is what the row holds now, not what the page showed.
        locked = WeDid.objects.select_for_update().get(pk=response.pk)
        if locked.is_published:
            raise ValidationError(_("This answer is already published"))
        _check_response(locked, item.organisation_id)
        locked.publication = WeDid.Publication.PUBLISHED
        locked.approved_by = actor
        locked.published_at = now
        locked.save()
        if YouSaid.objects.filter(pk=item.pk, first_published_at__isnull=True).update(
            first_published_at=now, updated_at=now
        ):
            item.first_published_at = now
        _record_change(item, Change.Kind.PUBLISHED, lambda: response_public_text(locked))
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.answer_published",
            target=item,
            details={"answer": str(response.public_id), "kind": locked.kind},
        )
    response.refresh_from_db()
    return response


def response_return(*, response: WeDid, actor: User, membership: Membership, note: str = "") -> WeDid:
    """A lead sends an answer back to its owner to change before it is published."""
    from coproduce.notifications.services import notify

    if not permissions.can_approve_you_said(membership):
        raise PermissionDenied(_("Only a lead can send an answer back"))
    if response.publication != WeDid.Publication.AWAITING:
        raise ValidationError(_("Only an answer waiting for approval can be sent back"))
    item = response.item
    with transaction.atomic():
        response.publication = WeDid.Publication.DRAFT
        response.save(update_fields=["publication", "updated_at"])
        audit_log(
            actor=actor,
            organisation=item.organisation,
            action="you_said.answer_returned",
            target=item,
            details={"answer": str(response.public_id), "note": note[:500]},
        )
        if response.owner is not None and response.owner.user_id != actor.pk:
            notify(
                organisation=item.organisation,
                recipients=[response.owner.user],
                message=lambda: (
                    _("Your answer to 'you said' needs changes before it is published"),
                    note or _("A lead sent it back without a note."),
                ),
                url=item.get_absolute_url(),
            )
    return response


# Escalation.


def escalate_overdue(*, organisation: Organisation, today: date | None = None) -> tuple[int, int]:
    """Mark items that have become overdue as escalated (audited), and clear the mark from items that are
    answered. Answers (newly escalated, no longer overdue). The executive hears in their weekly digest."""
    from .selectors import overdue_q

    today = today or timezone.localdate()
    items = YouSaid.objects.filter(organisation=organisation)
    newly = list(items.filter(overdue_q(today), escalated_at__isnull=True))
    cleared = list(items.filter(escalated_at__isnull=False).exclude(overdue_q(today)))
    now = timezone.now()
    with transaction.atomic():
        for item in newly:
            YouSaid.objects.filter(pk=item.pk).update(escalated_at=now)
            audit_log(actor=None, organisation=organisation, action="you_said.escalated", target=item)
        for item in cleared:
            YouSaid.objects.filter(pk=item.pk).update(escalated_at=None)
            audit_log(
                actor=None, organisation=organisation, action="you_said.escalation_cleared", target=item
            )
    return len(newly), len(cleared)


def subscription_set_frequency(*, subscription, choice: str) -> None:
    """Daily, weekly, or stop. Chosen by the person from their digest's link, so the actor is nobody."""
    from .models import Frequency

    if choice == "stop":
        subscription.active = False
    elif choice in Frequency.values:
        subscription.active, subscription.frequency = True, choice
    else:
        raise ValidationError({"frequency": _("Choose how often, or stop the updates")})
    with transaction.atomic():
        subscription.save(update_fields=["active", "frequency"])
        audit_log(
            actor=None,
            organisation=subscription.organisation,
            action="you_said.digest_frequency_set",
            details={"subscription": subscription.pk, "choice": choice},
        )
