"""Writes for surveys and responses. Staff actions audit themselves; anonymous answers do not, because an
audit row keeps the sender's IP address, which would make an anonymous response identifiable."""

from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.core.audit import audit_log
from coproduce.core.models import Organisation, User
from coproduce.themes.services import response_recorded

from .models import CHOICE_KINDS, Answer, Question, QuestionKind, Response, Survey
from .survey_templates import RATING_SCALE, TEMPLATES, YES_NO_NOT_SURE

MAX_TEXT_ANSWER = 5000
MAX_SERVICE_CHOICES = 50


def answer_field_name(question: Question) -> str:
    """The name of a question's answer in forms and in validation errors."""
    return f"question_{question.pk}"


# Surveys.


def clean_service_choices(choices) -> list[str]:
    """Services as typed, one each, in order: blank lines and repeats dropped."""
    cleaned = []
    for choice in choices or []:
        choice = " ".join(str(choice).split())[:200]
        if choice and choice not in cleaned:
            cleaned.append(choice)
    if len(cleaned) > MAX_SERVICE_CHOICES:
        raise ValidationError(
            {"service_choices": _("List %(n)s services or fewer") % {"n": MAX_SERVICE_CHOICES}}
        )
    return cleaned


def _check_dates(survey: Survey) -> None:
    if survey.opens_on and survey.closes_on and survey.closes_on < survey.opens_on:
        raise ValidationError(
            {"closes_on": _("The closing date must be the same as or after the opening date")}
        )
    survey.service_choices = clean_service_choices(survey.service_choices)


def survey_create(*, organisation: Organisation, actor: User, **fields) -> Survey:
    survey = Survey(organisation=organisation, created_by=actor, **fields)
    _check_dates(survey)
    survey.full_clean(validate_constraints=False)
    with transaction.atomic():
        survey.save()
        audit_log(actor=actor, organisation=organisation, action="survey.created", target=survey)
    return survey


def survey_create_from_template(
    *, organisation: Organisation, actor: User | None, template: str, **fields
) -> Survey:
    """A survey with a template's exact wording, in the language of the person creating it."""
    spec = TEMPLATES[template]
    survey = Survey(
        organisation=organisation,
        created_by=actor,
        title=_(spec.title),
        welcome=_(spec.welcome),
        thank_you=_(spec.thank_you),
    )
    for name, value in fields.items():
        setattr(survey, name, value)
    _check_dates(survey)
    survey.full_clean(validate_constraints=False)
    with transaction.atomic():
        survey.save()
        questions = [
            Question(
                survey=survey,
                position=position,
                kind=q.kind,
                text=_(q.text),
                help_text=_(q.help_text) if q.help_text else "",
                required=q.required,
                choices=clean_choices(q.kind, [_(c) for c in q.choices]),
                section=_(q.section) if q.section else "",
                code=q.code,
            )
            for position, q in enumerate(spec.questions, start=1)
        ]
        for question in questions:
            question.full_clean(exclude=["survey"])
        Question.objects.bulk_create(questions)
        audit_log(
            actor=actor,
            organisation=organisation,
            action="survey.created",
            target=survey,
            details={"template": template},
        )
    return survey


def survey_update(*, survey: Survey, actor: User, **fields) -> Survey:
    for name, value in fields.items():
        setattr(survey, name, value)
    _check_dates(survey)
    survey.full_clean(validate_constraints=False)
    with transaction.atomic():
        survey.save()
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.updated",
            target=survey,
            details={"fields": sorted(fields)},
        )
    return survey


def survey_copy(*, survey: Survey, actor: User) -> Survey:
    """A new draft with the same text and questions, and no responses or dates: for the next round."""
    copy = Survey(
        organisation=survey.organisation,
        created_by=actor,
        title=(_("Copy of %(title)s") % {"title": survey.title})[:200],
        about=survey.about,
        service_choices=list(survey.service_choices),
        welcome=survey.welcome,
        thank_you=survey.thank_you,
        is_public=survey.is_public,
    )
    copy.full_clean(validate_constraints=False)
    with transaction.atomic():
        copy.save()
        Question.objects.bulk_create(
            [
                Question(
                    survey=copy,
                    position=question.position,
                    kind=question.kind,
                    text=question.text,
                    help_text=question.help_text,
                    required=question.required,
                    choices=list(question.choices),
                    section=question.section,
                    code=question.code,
                )
                for question in survey.questions.all()
            ]
        )
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.copied",
            target=copy,
            details={"from": str(survey.public_id)},
        )
    return copy


def survey_set_status(*, survey: Survey, actor: User, status: str) -> Survey:
    if status not in Survey.Status.values:
        raise ValidationError(_("Choose open or closed"))
    if status == Survey.Status.OPEN and not survey.questions.exists():
        raise ValidationError(_("Add at least one question before you open the survey"))
    with transaction.atomic():
        survey.status = status
        survey.save(update_fields=["status"])
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action=f"survey.{status}",
            target=survey,
        )
    return survey


# Questions.


def _check_questions_can_change(survey: Survey) -> None:
    # Changing a question after people answered it would silently change what their answers mean.
    if survey.responses.exists():
        raise ValidationError(
            _(
                "People have already answered this survey, so its questions cannot change. "
                "Start a new survey instead."
            )
        )


def clean_choices(kind: str, choices) -> list[str]:
    """The answers for a kind of question: fixed for yes/no/not sure, 1 to 5 unless given for a scale."""
    if kind == QuestionKind.FREE_TEXT:
        return []
    if kind == QuestionKind.YES_NO_NOT_SURE:
        return [_(c) for c in YES_NO_NOT_SURE]
    cleaned = []
    for choice in choices or []:
        choice = " ".join(str(choice).split())
        if choice and choice not in cleaned:
            cleaned.append(choice[:200])
    if kind == QuestionKind.RATING_SCALE and not cleaned:
        return list(RATING_SCALE)
    if len(cleaned) < 2:
        raise ValidationError({"choices": _("Enter at least 2 answers to choose from, one on each line")})
    return cleaned


def question_add(*, survey: Survey, actor: User, **fields) -> Question:
    _check_questions_can_change(survey)
    fields["choices"] = clean_choices(fields.get("kind", ""), fields.get("choices"))
    position = (survey.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = Question(survey=survey, position=position, **fields)
    question.full_clean()
    with transaction.atomic():
        question.save()
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.question_added",
            target=survey,
            details={"question": question.pk},
        )
    return question


def question_update(*, question: Question, actor: User, **fields) -> Question:
    _check_questions_can_change(question.survey)
    fields["choices"] = clean_choices(
        fields.get("kind", question.kind), fields.get("choices", question.choices)
    )
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    with transaction.atomic():
        question.save()
        audit_log(
            actor=actor,
            organisation=question.survey.organisation,
            action="survey.question_changed",
            target=question.survey,
            details={"question": question.pk, "fields": sorted(fields)},
        )
    return question


def question_delete(*, question: Question, actor: User) -> None:
    survey = question.survey
    _check_questions_can_change(survey)
    with transaction.atomic():
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.question_removed",
            target=survey,
            details={"question": question.pk, "text": question.text[:200]},
        )
        question.delete()


def question_move(*, question: Question, actor: User, up: bool) -> None:
    """Swap a question with the one before (up) or after it; positions are renumbered 1, 2, 3..."""
    survey = question.survey
    _check_questions_can_change(survey)
    with transaction.atomic():
        ordered = list(Question.objects.select_for_update().filter(survey=survey).order_by("position", "id"))
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, q in enumerate(ordered, start=1):
            q.position = position
        Question.objects.bulk_update(ordered, ["position"])
        audit_log(
            actor=actor,
            organisation=survey.organisation,
            action="survey.questions_reordered",
            target=survey,
            details={"question": question.pk, "direction": "up" if up else "down"},
        )


# Responses.


def _clean_answers(questions: list[Question], answers: Mapping[int, object]) -> list[Answer]:
    """Check every answer against its question; name the field of each problem."""
    errors = {}
    cleaned = []
    for question in questions:
        value = answers.get(question.pk)
        name = answer_field_name(question)
        if question.kind in CHOICE_KINDS:
            chosen = [value] if isinstance(value, str) else list(value or [])
            chosen = [c for c in chosen if c]
            if any(c not in question.choices for c in chosen):
                errors[name] = _("Choose one of the answers listed")
                continue
            if len(chosen) > 1 and question.kind != QuestionKind.MULTIPLE_CHOICE:
                errors[name] = _("Choose only one answer")
                continue
            if question.required and not chosen:
                errors[name] = _("Choose an answer to: %(question)s") % {"question": question.text}
                continue
            if chosen:
                # Stored in the question's order, so identical answers group together in reports.
                cleaned.append(
                    Answer(question=question, choices=[c for c in question.choices if c in chosen])
                )
        else:
            text = (value or "").strip()
            if len(text) > MAX_TEXT_ANSWER:
                errors[name] = _("Write %(n)s characters or fewer") % {"n": MAX_TEXT_ANSWER}
                continue
            if question.required and not text:
                errors[name] = _("Write an answer to: %(question)s") % {"question": question.text}
                continue
            if text:
                cleaned.append(Answer(question=question, text=text))
    if errors:
        raise ValidationError(errors)
    return cleaned


def response_service(survey: Survey, chosen: str) -> str:
    """The service a response is about: the one chosen from the survey's list, else the survey's own."""
    chosen = " ".join((chosen or "").split())
    if not chosen or chosen == survey.about:
        return survey.about
    if chosen not in survey.service_choices:
        raise ValidationError({"service": _("Choose one of the services listed")})
    return chosen


def response_submit(
    *,
    survey: Survey,
    mode: str,
    idempotency_key: str,
    answers: Mapping[int, object],
    entered_by: User | None = None,
    contact_ok: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_language: str = "",
    submitted_at: datetime | None = None,
    service: str = "",
    imported: bool = False,
    themes_hook: bool = True,
) -> tuple[Response, bool]:
    """Save one person's answers, once. The same idempotency key again returns the first response and
    False, so a double click, a back-and-resubmit or a network retry never counts anyone twice.

    ``imported``: the row came from a file, so whoever imported it is recorded as entered_by whatever
    the mode the file gives. ``themes_hook=False`` leaves making theme comments to the caller (an import
    makes them once for all its rows)."""
    existing = Response.objects.filter(survey=survey, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if mode not in Response.Mode.values:
        raise ValidationError(_("Choose how the answers were given"))
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError(_("This form is out of date. Please reload the page and send it again."))
    questions = list(survey.questions.all())
    cleaned = _clean_answers(questions, answers)
    service = response_service(survey, service)
    if contact_language and contact_language not in dict(settings.LANGUAGES):
        raise ValidationError({"contact_language": _("Choose a language from the list")})
    if not contact_ok:
        # Contact details are kept only with consent: without it they are never stored.
        contact_name = contact_email = contact_phone = ""
    elif not (contact_email or contact_phone):
        raise ValidationError(
            {"contact_email": _("Enter an email address or a phone number so we can contact you")}
        )
    response = Response(
        survey=survey,
        mode=mode,
        idempotency_key=idempotency_key,
        entered_by=entered_by if imported or mode in (Response.Mode.ASSISTED, Response.Mode.PAPER) else None,
        submitted_at=submitted_at or timezone.now(),
        service=service,
        contact_ok=contact_ok,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        # The language to write back in: as given (staff typing a form in, a file's Language column),
        # else the page's for someone answering now; a file without one says nothing.
        contact_language=(contact_language or ("" if imported else translation.get_language() or ""))
        if contact_ok
        else "",
    )
    response.full_clean(exclude=["survey", "entered_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
            for answer in cleaned:
                answer.response = response
            Answer.objects.bulk_create(cleaned)
            if themes_hook:
                response_recorded(response)
            if response.entered_by is not None:
                audit_log(
                    actor=entered_by,
                    organisation=survey.organisation,
                    action="survey.response_entered",
                    target=survey,
                    details={"response": str(response.public_id), "mode": mode},
                )
    except IntegrityError:
        # Two copies of the same submission arrived at once: the other one won; answer with it.
        existing = Response.objects.filter(survey=survey, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return response, True
