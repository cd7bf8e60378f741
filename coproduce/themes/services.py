"""Writes for themes: the framework, comments and their labels, risk flags, and training models."""

import hashlib
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import audit_log
from coproduce.core.models import Membership, Organisation, Role, User
from coproduce.feedback.models import Answer, QuestionKind, Response
from coproduce.notifications.services import notify

from . import learning
from .framework import DEFAULT_THEMES
from .models import Classifier, Comment, CommentTheme, RiskAction, Sentiment, Theme
from .risk import risk_reasons

logger = logging.getLogger(__name__)

# Loaded models by (id, trained_at): a cache to save unpickling, never the only copy.
_LOADED: OrderedDict = OrderedDict()
_LOADED_MAX = 8
RETRAIN_DELAY = timedelta(minutes=2)
# A run skipped because a later confirmation queued its own still trains when the model is this old.
RETRAIN_AT_LEAST_EVERY = timedelta(minutes=30)


# The framework.


def themes_setup_organisation(organisation: Organisation) -> list[Theme]:
    """Give an organisation the default framework (idempotent), and make sure a starter model exists."""
    existing = Theme.objects.filter(organisation=organisation)
    codes = set(existing.values_list("code", flat=True))
    names = set(existing.values_list("name", flat=True))
    created = Theme.objects.bulk_create(
        Theme(
            organisation=organisation,
            code=theme.code,
            name=_(theme.name),
            description=_(theme.description),
            position=position,
        )
        for position, theme in enumerate(DEFAULT_THEMES, start=1)
        if theme.code not in codes and _(theme.name) not in names
    )
    if not Classifier.objects.filter(organisation__isnull=True).exists():
        from .tasks import train_starter

        transaction.on_commit(train_starter.enqueue)
    return created


def _check_name(organisation: Organisation, name: str, theme: Theme | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name for the theme, for example 'Food and drink'")})
    clash = Theme.objects.filter(organisation=organisation, name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a theme called '%(name)s'") % {"name": name}})
    return name


def theme_create(*, organisation: Organisation, actor: User, name: str, description: str = "") -> Theme:
    name = _check_name(organisation, name)
    position = (
        Theme.objects.filter(organisation=organisation).aggregate(last=Max("position"))["last"] or 0
    ) + 1
    theme = Theme(organisation=organisation, name=name, description=description.strip(), position=position)
    theme.full_clean(validate_constraints=False)
    with transaction.atomic():
        theme.save()
        audit_log(actor=actor, organisation=organisation, action="theme.created", target=theme)
    return theme


def theme_update(*, theme: Theme, actor: User, name: str, description: str = "") -> Theme:
    before = {"name": theme.name, "description": theme.description}
    theme.name = _check_name(theme.organisation, name, theme)
    theme.description = description.strip()
    theme.full_clean(validate_constraints=False)
    with transaction.atomic():
        theme.save(update_fields=["name", "description"])
        audit_log(
            actor=actor,
            organisation=theme.organisation,
            action="theme.updated",
            target=theme,
            details={"before": before},
        )
    return theme


def theme_set_active(*, theme: Theme, actor: User, active: bool) -> Theme:
    """Retire a theme (no longer suggested or offered; past labels stay) or bring it back."""
    with transaction.atomic():
        theme.is_active = active
        theme.save(update_fields=["is_active"])
        audit_log(
            actor=actor,
            organisation=theme.organisation,
            action="theme.reinstated" if active else "theme.retired",
            target=theme,
        )
    return theme


# Comments from responses.


def response_recorded(response: Response) -> None:
    """The hook feedback calls when it saves a response: after the commit, find its written answers,
    flag possible risk at once, and queue suggestions."""
    transaction.on_commit(partial(_after_responses, response.survey.organisation_id, [response.pk]))


def responses_recorded(*, organisation: Organisation, response_ids: list[int]) -> None:
    """The same for many responses at once (an import): one hook after the commit, so one risk
    notification and one suggestion task for the lot."""
    if response_ids:
        transaction.on_commit(partial(_after_responses, organisation.pk, list(response_ids)))


def _after_responses(organisation_id: int, response_ids: list[int]) -> None:
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
        answers = Answer.objects.filter(
            response_id__in=response_ids, response__survey__organisation=organisation
        )
        created = comments_create(organisation=organisation, answers=answers)
    except Exception:  # the responses are saved whatever happens here; the queue's sync finds them later
        logger.exception("Could not make comments for responses %s", response_ids)
        return
    if created:
        from .tasks import suggest_comments

        suggest_comments.enqueue(organisation_id=organisation_id, comment_ids=[c.pk for c in created])


def free_text_answers(organisation: Organisation):
    return Answer.objects.filter(
        question__survey__organisation=organisation, question__kind=QuestionKind.FREE_TEXT
    ).exclude(text="")


def comments_create(*, organisation: Organisation, answers) -> list[Comment]:
    """A comment for each written answer that has none yet, flagged when it may show risk."""
    now = timezone.now()
    pending = (
        answers.filter(question__kind=QuestionKind.FREE_TEXT, theme_comment__isnull=True)
        .exclude(text="")
        .select_related("question")
    )
    comments = []
    for answer in pending:
        reasons = risk_reasons(answer.text)
        comments.append(
            Comment(
                organisation=organisation,
                survey_id=answer.question.survey_id,
                answer=answer,
                risk=Comment.Risk.FLAGGED if reasons else Comment.Risk.NONE,
                risk_reasons=reasons,
                risk_flagged_at=now if reasons else None,
            )
        )
    if not comments:
        return []
    with transaction.atomic():
        Comment.objects.bulk_create(comments, ignore_conflicts=True)
        created = list(
            Comment.objects.filter(answer__in=[c.answer for c in comments], created_at__gte=now).order_by(
                "id"
            )
        )
        flagged = [c for c in created if c.risk == Comment.Risk.FLAGGED]
        for comment in flagged:
            audit_log(
                actor=None,
                organisation=organisation,
                action="theme.risk_flagged",
                target=comment,
                details={"reasons": comment.risk_reasons, "automatic": True},
            )
        if flagged:
            _tell_reviewers_about_risk(organisation, flagged)
    return created


def _tell_reviewers_about_risk(organisation: Organisation, comments: list[Comment]) -> None:
    reviewers = [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role_set__role__in=[Role.ADMIN, Role.LEAD]
        )
        .select_related("user")
        .distinct()
    ]
    url = reverse("themes:review-queue", kwargs={"org": organisation.slug})
    notify(
        organisation=organisation,
        recipients=reviewers,
        message=lambda: (
            _("A comment may show someone at risk"),
            _(
                "%(count)s new written answer(s) may show risk of self-harm, suicide, abuse or a "
                "safeguarding concern. Please read them now and record what you did."
            )
            % {"count": len(comments)},
        ),
        url=url,
    )


SYNC_BATCH = 500


def comments_sync(*, organisation: Organisation, actor: User | None = None) -> int:
    """Catch up: comments for written answers that have none (answers from before themes existed, or a
    missed hook), a batch at a time so a big backlog never holds one long transaction, then queue
    suggestions for every comment still waiting. Run by a task (`sync_comments`), not in a request."""
    without = free_text_answers(organisation).filter(theme_comment__isnull=True).order_by("pk")
    created, last = [], 0
    while batch := list(without.filter(pk__gt=last).values_list("pk", flat=True)[:SYNC_BATCH]):
        created += comments_create(organisation=organisation, answers=Answer.objects.filter(pk__in=batch))
        last = batch[-1]
    if Comment.objects.filter(organisation=organisation, status=Comment.Status.WAITING).exists():
        from .tasks import suggest_comments

        transaction.on_commit(partial(suggest_comments.enqueue, organisation_id=organisation.pk))
    if actor is not None:
        audit_log(
            actor=actor,
            organisation=organisation,
            action="theme.comments_synced",
            details={"new": len(created)},
        )
    return len(created)


# Suggestions and training.


def _load(row: Classifier) -> learning.Classifier:
    key = (row.pk, row.trained_at)
    if key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    loaded = learning.Classifier.loads(row.data)
    _LOADED[key] = loaded
    while len(_LOADED) > _LOADED_MAX:
        _LOADED.popitem(last=False)
    return loaded


def _starter_checksum() -> str:
    return hashlib.sha256(learning.STARTER_CSV.read_bytes()).hexdigest()


def starter_classifier() -> Classifier:
    """The shared starter model; trained from the shipped data on first use (a few seconds)."""
    checksum = _starter_checksum()
    row = Classifier.objects.filter(organisation__isnull=True, source=checksum).first()
    if row is not None:
        return row
    classifier = learning.train(learning.starter_examples())
    return Classifier.objects.create(
        organisation=None,
        data=classifier.dumps(),
        labels=classifier.labels,
        trained_at=timezone.now(),
        example_count=classifier.meta["examples"],
        train_seconds=classifier.meta["train_seconds"],
        source=checksum,
    )


def organisation_train(*, organisation: Organisation, force: bool = False) -> Classifier | None:
    """Train the organisation's model: the starter comments under its themes' codes, plus every comment
    its staff confirmed. None when nothing new has been confirmed since the last model."""
    confirmed = Comment.objects.filter(organisation=organisation, status=Comment.Status.CONFIRMED)
    latest = confirmed.aggregate(last=Max("confirmed_at"))["last"]
    if latest is None:
        return None
    current = Classifier.objects.filter(organisation=organisation).first()
    if current is not None and current.trained_at >= latest and not force:
        return None
    started = timezone.now()
    themes = dict(
        Theme.objects.filter(organisation=organisation, is_active=True)
        .exclude(code="")
        .values_list("code", "pk")
    )
    examples = [
        learning.Example(e.text, [str(themes[e.labels[0]])], e.sentiment)
        for e in learning.starter_examples()
        if e.labels[0] in themes
    ]
    active = set(Theme.objects.filter(organisation=organisation, is_active=True).values_list("pk", flat=True))
    labels: dict[int, list[str]] = {}
    for comment_id, theme_id in CommentTheme.objects.filter(comment__in=confirmed).values_list(
        "comment_id", "theme_id"
    ):
        if theme_id in active:
            labels.setdefault(comment_id, []).append(str(theme_id))
    own = 0
    for comment_id, text, sentiment in confirmed.values_list("pk", "answer__text", "sentiment"):
        if comment_id in labels:
            # Counted twice: the organisation's own judgement should outweigh the starter data.
            examples += [learning.Example(text, labels[comment_id], sentiment)] * 2
            own += 1
    try:
        classifier = learning.train(examples)
    except ValueError:
        return None
    with transaction.atomic():
        Classifier.objects.filter(organisation=organisation).delete()
        row = Classifier.objects.create(
            organisation=organisation,
            data=classifier.dumps(),
            labels=classifier.labels,
            trained_at=started,
            example_count=classifier.meta["examples"],
            confirmed_count=own,
            train_seconds=classifier.meta["train_seconds"],
        )
        audit_log(
            actor=None,
            organisation=organisation,
            action="theme.model_trained",
            details={"confirmed_comments": own, "examples": classifier.meta["examples"]},
        )
    return row


def comments_suggest(*, organisation: Organisation, comment_ids: list[int] | None = None) -> int:
    """Suggest themes and a sentiment for comments not yet confirmed; confirmed labels are never touched."""
    comments = Comment.objects.filter(organisation=organisation).exclude(status=Comment.Status.CONFIRMED)
    comments = (
        comments.filter(pk__in=comment_ids) if comment_ids else comments.filter(status=Comment.Status.WAITING)
    )
    comments = list(comments.select_related("answer"))
    if not comments:
        return 0
    row = Classifier.objects.filter(organisation=organisation).first()
    if row is not None:
        by_label = {
            str(pk): pk
            for pk in Theme.objects.filter(organisation=organisation, is_active=True).values_list(
                "pk", flat=True
            )
        }
    else:
        row = starter_classifier()
        by_label = dict(
            Theme.objects.filter(organisation=organisation, is_active=True)
            .exclude(code="")
            .values_list("code", "pk")
        )
    classifier = _load(row)
    suggestions = classifier.suggest([c.answer.text for c in comments])
    now = timezone.now()
    labels = []
    for comment, suggestion in zip(comments, suggestions, strict=True):
        chosen = [(by_label[label], score) for label, score in suggestion.labels if label in by_label]
        comment.status = Comment.Status.SUGGESTED
        comment.sentiment = suggestion.sentiment if suggestion.sentiment in Sentiment.values else ""
        comment.suggested = {
            "themes": [{"theme": pk, "score": round(score, 3)} for pk, score in chosen],
            "sentiment": comment.sentiment,
            "classifier": row.pk,
        }
        comment.suggested_at = now
        labels += [CommentTheme(comment=comment, theme_id=pk, score=score) for pk, score in chosen]
    with transaction.atomic():
        # A member of staff may have confirmed some while the model worked: lock the rows and write
        # suggestions only for those still unconfirmed, so a person's judgement is never overwritten.
        still_open = set(
            Comment.objects.select_for_update()
            .filter(pk__in=[c.pk for c in comments])
            .exclude(status=Comment.Status.CONFIRMED)
            .values_list("pk", flat=True)
        )
        comments = [c for c in comments if c.pk in still_open]
        labels = [label for label in labels if label.comment.pk in still_open]
        CommentTheme.objects.filter(comment__in=comments).delete()
        CommentTheme.objects.bulk_create(labels)
        Comment.objects.bulk_update(comments, ["status", "sentiment", "suggested", "suggested_at"])
    return len(comments)


# Reviewing.


def comment_viewed(*, comment: Comment, actor: User) -> None:
    """Someone opened a written answer to review it: reading sensitive words is audited."""
    audit_log(actor=actor, organisation=comment.organisation, action="theme.comment_viewed", target=comment)


def comments_read(*, organisation: Organisation, actor: User, page: int, survey=None, view: str = "") -> None:
    """Someone read a page of written answers through the API (the words themselves are not logged)."""
    audit_log(
        actor=actor,
        organisation=organisation,
        action="theme.comments_read",
        target=survey,
        details={"page": page, "survey": str(survey.public_id) if survey else None, "view": view},
    )


def comment_confirm(*, comment: Comment, actor: User, theme_ids: list[int], sentiment: str) -> Comment:
    """Staff say what a comment is about; the organisation's model then learns from it."""
    themes = list(
        Theme.objects.filter(organisation=comment.organisation, is_active=True, pk__in=theme_ids or [])
    )
    if not theme_ids:
        raise ValidationError({"themes": _("Choose at least one theme this comment is about")})
    if len(themes) != len(set(theme_ids)):
        raise ValidationError(
            {"themes": _("Choose only themes from your organisation's framework that are in use")}
        )
    if sentiment not in Sentiment.values:
        raise ValidationError({"sentiment": _("Choose whether the comment is positive, neutral or negative")})
    suggested = {item["theme"] for item in comment.suggested.get("themes", [])}
    with transaction.atomic():
        comment.labels.all().delete()
        CommentTheme.objects.bulk_create(CommentTheme(comment=comment, theme=theme) for theme in themes)
        was = comment.status
        comment.status = Comment.Status.CONFIRMED
        comment.sentiment = sentiment
        comment.confirmed_by = actor
        comment.confirmed_at = timezone.now()
        comment.save(update_fields=["status", "sentiment", "confirmed_by", "confirmed_at"])
        audit_log(
            actor=actor,
            organisation=comment.organisation,
            action="theme.comment_corrected"
            if was == Comment.Status.CONFIRMED
            else "theme.comment_confirmed",
            target=comment,
            details={
                "themes": sorted(t.pk for t in themes),
                "sentiment": sentiment,
                "agreed_with_suggestion": suggested == {t.pk for t in themes}
                and comment.suggested.get("sentiment") == sentiment,
            },
        )
        transaction.on_commit(partial(_queue_retrain, comment.organisation_id, comment.confirmed_at))
    return comment


def _queue_retrain(organisation_id: int, confirmed_at=None) -> None:
    """Retrain a little later, so a reviewer working through the queue causes one training run for a
    batch of confirmations rather than one per comment (see ``retrain_due``)."""
    from .tasks import retrain_organisation

    task = retrain_organisation
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + RETRAIN_DELAY)
    task.enqueue(
        organisation_id=organisation_id, confirmed_at=confirmed_at.isoformat() if confirmed_at else None
    )


def retrain_due(*, organisation: Organisation, confirmed_at: datetime | None) -> bool:
    """Whether the run queued by the confirmation at ``confirmed_at`` should train. Not when a later
    confirmation exists (its own run follows), unless the model is older than RETRAIN_AT_LEAST_EVERY, so
    a reviewer confirming without a pause still sees the model learn."""
    if confirmed_at is None:
        return True
    later = Comment.objects.filter(
        organisation=organisation, status=Comment.Status.CONFIRMED, confirmed_at__gt=confirmed_at
    ).exists()
    if not later:
        return True
    current = (
        Classifier.objects.filter(organisation=organisation).values_list("trained_at", flat=True).first()
    )
    return current is None or current < timezone.now() - RETRAIN_AT_LEAST_EVERY


def comment_flag_risk(*, comment: Comment, actor: User, reason: str) -> Comment:
    """A person flags a possible risk the words did not."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what worries you about this comment")})
    with transaction.atomic():
        # Locked and read again: flagging again would wipe the record of what was done.
        _refuse_if_flagged(Comment.objects.select_for_update().only("risk").get(pk=comment.pk).risk)
        comment.risk = Comment.Risk.FLAGGED
        comment.risk_reasons = [*comment.risk_reasons, f"{_('flagged by staff')}: {reason[:500]}"]
        comment.risk_flagged_at = timezone.now()
        comment.risk_flagged_by = actor
        comment.risk_action, comment.risk_note = "", ""
        comment.risk_actioned_by, comment.risk_actioned_at = None, None
        comment.save()
        audit_log(
            actor=actor,
            organisation=comment.organisation,
            action="theme.risk_flagged",
            target=comment,
            details={"reasons": comment.risk_reasons, "automatic": False},
        )
        _tell_reviewers_about_risk(comment.organisation, [comment])
    return comment


def _refuse_if_flagged(risk: str) -> None:
    if risk == Comment.Risk.FLAGGED:
        raise ValidationError(
            _("This comment is already flagged as a possible risk. Record what you did about it.")
        )
    if risk == Comment.Risk.ACTIONED:
        raise ValidationError(
            _(
                "This comment was already flagged and what was done about it is recorded. "
                "If you are still worried, follow your safeguarding procedure and tell your lead."
            )
        )


def comment_record_risk_action(*, comment: Comment, actor: User, action: str, note: str) -> Comment:
    """What a person did about a possible risk. Only this clears the flag from the top of the queue."""
    if comment.risk == Comment.Risk.NONE:
        raise ValidationError(_("This comment has no risk flag to act on"))
    if action not in RiskAction.values:
        raise ValidationError({"action": _("Choose what you did")})
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": _("Write what you did and who you told, so the next person knows what happened")}
        )
    with transaction.atomic():
        # Locked and read again: a second record (a double click, two reviewers) must not replace the first.
        if Comment.objects.select_for_update().only("risk").get(pk=comment.pk).risk != Comment.Risk.FLAGGED:
            raise ValidationError(_("What was done about this comment is already recorded"))
        comment.risk = Comment.Risk.ACTIONED
        comment.risk_action = action
        comment.risk_note = note
        comment.risk_actioned_by = actor
        comment.risk_actioned_at = timezone.now()
        comment.save(
            update_fields=["risk", "risk_action", "risk_note", "risk_actioned_by", "risk_actioned_at"]
        )
        audit_log(
            actor=actor,
            organisation=comment.organisation,
            action="theme.risk_actioned",
            target=comment,
            details={"action": action, "note": note[:1000]},
        )
    return comment
